"""The claims ledger: numbers the papers report, beside the numbers this book computes.

Reported values live only in `data/claims/<paper>.yml`. A chapter computes a
value and calls `record(claim_id, value)`; the verdict is derived by comparing
the two under the claim's comparison rule, never typed by hand. A chapter that
finds a number cannot be computed from public data says so with
`record_unavailable(claim_id, reason)`.

A chapter run on a live snapshot of today's Hub or forum computes the same
numbers from other data; that is not a replication of the paper. Such a run
calls `use_live_data(description)` first: its values are still shown beside
the paper's in the chapter, with the verdict `LIVE` and the description in
their note, but nothing is written to the run log, so no ledger counts them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from . import paths, runlog

REPRODUCED = "reproduced"
DIFFERS = "differs"
NOT_REPRODUCIBLE = "not reproducible"
NOT_COMPUTED = "not computed"
VERDICTS = (REPRODUCED, DIFFERS, NOT_REPRODUCIBLE, NOT_COMPUTED)
# Not a verdict of the ledger: the value of a run on live snapshot data, shown but never judged.
LIVE = "not judged: live data"


class ClaimError(ValueError):
    """A claim id is unknown, a registry entry is malformed, or a value is unusable."""


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str
    where: str
    statement: str
    reported: float | int | str
    chapter: str
    unit: str = ""
    decimals: int | None = None      # decimals the paper printed; sets the rounding tolerance
    abs_tol: float | None = None     # explicit tolerance instead of rounding
    rel_tol: float | None = None

    def tolerance(self) -> float:
        """Largest |computed - reported| still counted as the same number."""
        if self.abs_tol is not None:
            return self.abs_tol
        if self.rel_tol is not None:
            return abs(float(self.reported)) * self.rel_tol
        decimals = self.decimals if self.decimals is not None else _printed_decimals(self.reported)
        # Half a unit of the last printed digit: the paper's value is a rounding of ours.
        return 0.5 * 10.0 ** (-decimals) if decimals > 0 else 0.5 if isinstance(self.reported, float) else 0.0


def _printed_decimals(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    exponent = Decimal(repr(value)).as_tuple().exponent
    return max(0, -int(exponent))


@dataclass
class Result:
    claim: Claim
    computed: float | None
    verdict: str
    note: str = ""
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "id": self.claim.id,
            "paper": self.claim.paper,
            "where": self.claim.where,
            "statement": self.claim.statement,
            "reported": self.claim.reported,
            "reproduced": self.computed,
            "verdict": self.verdict,
            "chapter": self.claim.chapter,
            "note": self.note,
        }


def parse_claims(text: str, origin: str = "<claims>") -> dict[str, Claim]:
    document = yaml.safe_load(text) or {}
    paper = document.get("paper")
    entries = document.get("claims")
    if not paper or not isinstance(entries, list):
        raise ClaimError(f"{origin}: expected 'paper:' and a 'claims:' list")
    allowed = set(Claim.__dataclass_fields__) - {"paper"}
    claims: dict[str, Claim] = {}
    for entry in entries:
        unknown = set(entry) - allowed
        missing = {"id", "where", "statement", "reported", "chapter"} - set(entry)
        if unknown or missing:
            raise ClaimError(f"{origin}: claim {entry.get('id')!r}: unknown {sorted(unknown)}, missing {sorted(missing)}")
        if not str(entry["id"]).startswith(paper + "."):
            raise ClaimError(f"{origin}: claim id {entry['id']!r} must start with '{paper}.'")
        if entry["id"] in claims:
            raise ClaimError(f"{origin}: claim id {entry['id']!r} appears twice")
        claims[entry["id"]] = Claim(paper=paper, **entry)
    return claims


@functools.lru_cache(maxsize=2)
def _load_dir(directory: Path, stamp: tuple) -> dict[str, Claim]:
    claims: dict[str, Claim] = {}
    for file in sorted(directory.glob("*.yml")):
        for cid, claim in parse_claims(file.read_text(encoding="utf-8"), str(file)).items():
            if cid in claims:
                raise ClaimError(f"claim id {cid!r} is defined in more than one file")
            claims[cid] = claim
    return claims


def load_claims(directory: Path | None = None) -> dict[str, Claim]:
    directory = Path(directory or paths.CLAIMS_DIR)
    stamp = tuple((f.name, f.stat().st_mtime) for f in sorted(directory.glob("*.yml")))
    return _load_dir(directory, stamp)


def judge(claim: Claim, computed, unavailable_reason: str | None = None) -> str:
    if unavailable_reason is not None:
        return NOT_REPRODUCIBLE
    if computed is None:
        return NOT_COMPUTED
    if isinstance(claim.reported, str):
        return REPRODUCED if str(computed) == claim.reported else DIFFERS
    if isinstance(computed, float) and math.isnan(computed):
        return DIFFERS
    # A tiny epsilon absorbs binary floating point (0.1 + 0.2) without loosening the rule.
    return REPRODUCED if abs(float(computed) - float(claim.reported)) <= claim.tolerance() + 1e-12 else DIFFERS


# Results recorded in this process, so a chapter can show its own comparison table.
_recorded: dict[str, Result] = {}
# What live data this kernel computes from (see `use_live_data`); None: the papers' data.
_live_data: str | None = None


def use_live_data(description: str | None) -> None:
    """Declare that the values this kernel records come from live snapshot data, named by
    `description` (e.g. "hub snapshot hub-2026-11-22, captured ..."); None declares the papers'
    data again.

    While set, `record` and `record_unavailable` keep each value for the chapter's own tables with
    the verdict `LIVE` and the description at the start of its note, and write nothing to the run
    log: a number computed from today's Hub is not a replication, so no claims ledger counts it."""
    global _live_data
    _live_data = description.strip() if description and description.strip() else None


def live_data() -> str | None:
    """The live data this kernel computes from, or None for the papers' data."""
    return _live_data


def _live_result(claim: Claim, computed, note: str) -> Result:
    result = Result(claim, computed, LIVE, f"{_live_data}; {note}" if note else _live_data)
    _recorded[claim.id] = result
    return result


def record(claim_id: str, value, note: str = "") -> Result:
    """Record the value this book computes for a reported number; returns the judged result."""
    claim = _claim(claim_id)
    computed = _as_number(value, claim_id) if not isinstance(claim.reported, str) else str(value)
    if _live_data is not None:
        return _live_result(claim, computed, note)
    result = Result(claim, computed, judge(claim, computed), note)
    _recorded[claim_id] = result
    runlog.append(runlog.CLAIMS_FILE, {"id": claim_id, "computed": computed, "note": note})
    return result


def record_unavailable(claim_id: str, reason: str, value=None) -> Result:
    """Say that a reported number cannot be computed from public data, and why.

    `value` may carry the closest number that can be computed (shown, not judged)."""
    claim = _claim(claim_id)
    if not reason.strip():
        raise ClaimError("record_unavailable needs a reason a reader can check")
    computed = None if value is None else _as_number(value, claim_id)
    if _live_data is not None:
        return _live_result(claim, computed, reason)
    result = Result(claim, computed, NOT_REPRODUCIBLE, reason)
    _recorded[claim_id] = result
    runlog.append(runlog.CLAIMS_FILE, {"id": claim_id, "computed": computed, "note": reason, "unavailable": True})
    return result


def _claim(claim_id: str) -> Claim:
    registry = load_claims()
    if claim_id not in registry:
        prefix = claim_id.rsplit(".", 1)[0]
        near = [c for c in registry if c.startswith(prefix)][:10]
        raise ClaimError(
            f"Unknown claim {claim_id!r}: add it to data/claims/<paper>.yml first."
            + (f" Claims with the same prefix: {', '.join(near)}" if near else "")
        )
    return registry[claim_id]


def _as_number(value, claim_id: str):
    try:
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, int):
            return value
        return float(value)
    except (TypeError, ValueError):
        raise ClaimError(f"Claim {claim_id!r}: computed value {value!r} is not a number") from None


def recorded_table(prefix: str = "") -> pd.DataFrame:
    """The claims recorded so far in this kernel (optionally those whose id starts with `prefix`)."""
    rows = [r.as_dict() for cid, r in _recorded.items() if cid.startswith(prefix)]
    columns = ["id", "where", "statement", "reported", "reproduced", "verdict", "note"]
    return pd.DataFrame(rows, columns=columns + ["paper", "chapter"])[columns]


# --- a chapter's comparison with its paper -----------------------------------------------------

def chapter_claim_ids(chapter_id: str) -> list[str]:
    """Ids of the claims the registry assigns to `chapter_id`, in the order of the claims files."""
    return [cid for cid, claim in load_claims().items() if claim.chapter == chapter_id]


def format_value(value) -> str:
    """A reported or computed value for reading: whole numbers with thousands separators, other
    numbers with up to four decimals, text unchanged, missing values as an empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


# Glued counts of `comparison`: name -> verdict counted.
COMPARISON_COUNTS = {"n_reproduced": REPRODUCED, "n_differs": DIFFERS, "n_unavailable": NOT_REPRODUCIBLE,
                     "n_live": LIVE}


def _chapter_table(chapter_id: str) -> pd.DataFrame:
    """The claims of `chapter_id` recorded in this kernel, in the order recorded; a `ClaimError`
    when the registry assigns no claim to the chapter or the kernel did not record some of them."""
    wanted = chapter_claim_ids(chapter_id)
    if not wanted:
        raise ClaimError(f"no claim of data/claims/*.yml names chapter {chapter_id!r}")
    missing = [cid for cid in wanted if cid not in _recorded]
    if missing:
        raise ClaimError(f"chapter {chapter_id!r} did not record {len(missing)} of its claims: {', '.join(missing)}")
    table = recorded_table()
    return table[table["id"].isin(wanted)].reset_index(drop=True)


def comparison_counts(chapter_id: str) -> dict[str, int]:
    """The counts `comparison` glues, for a chapter's own sentences: `n_claims` and the number of
    claims per verdict (`n_reproduced`, `n_differs`, `n_unavailable`, `n_live`). Raises a
    `ClaimError` like `comparison` when a claim of the chapter was not recorded."""
    counts = _chapter_table(chapter_id)["verdict"].value_counts()
    return {"n_claims": int(counts.sum()),
            **{name: int(counts.get(verdict, 0)) for name, verdict in COMPARISON_COUNTS.items()}}


def comparison(chapter_id: str, glue_prefix: str = ""):
    """The comparison with the paper at the end of a chapter.

    Checks that this kernel recorded every claim the registry assigns to `chapter_id` (a
    `ClaimError` lists those it did not), glues for the chapter's prose `n_claims` and the
    number of claims per verdict, `n_reproduced`, `n_differs`, `n_unavailable` and `n_live`
    (each name preceded by `glue_prefix`, all with `display=False`; `comparison_counts` gives the
    same numbers to code), and returns the claims' table (id, where, statement, reported,
    reproduced, verdict, note; in the order recorded, values formatted by `format_value`) as an
    HTML-escaped styled table to show as the cell's output."""
    from myst_nb import glue

    from .display import table as styled_table

    table = _chapter_table(chapter_id)
    for name, value in comparison_counts(chapter_id).items():
        glue(f"{glue_prefix}{name}", value, display=False)
    for column in ("reported", "reproduced"):
        table[column] = table[column].map(format_value).astype("str")
    return styled_table(table)


# --- the ledger over a whole book build ------------------------------------------------------

def results_from_runs(run_dirs: dict[str, Path]) -> dict[str, dict]:
    """Latest recorded entry per claim id from the run directories of executed chapters."""
    latest: dict[str, dict] = {}
    for chapter, run_dir in run_dirs.items():
        for entry in runlog.read_records(run_dir, runlog.CLAIMS_FILE):
            latest[entry["id"]] = {**entry, "recorded_by": chapter}
    return latest


def ledger(run_dirs: dict[str, Path], registry: dict[str, Claim] | None = None) -> list[Result]:
    registry = registry if registry is not None else load_claims()
    recorded = results_from_runs(run_dirs)
    results = []
    for cid, claim in registry.items():
        entry = recorded.get(cid)
        if entry is None:
            results.append(Result(claim, None, NOT_COMPUTED, "no chapter recorded a value"))
            continue
        unavailable = entry["note"] if entry.get("unavailable") else None
        verdict = judge(claim, entry["computed"], unavailable)
        results.append(Result(claim, entry["computed"], verdict, entry.get("note", "")))
    return results


def summary(results: list[Result]) -> pd.DataFrame:
    frame = pd.DataFrame([{"paper": r.claim.paper, "verdict": r.verdict} for r in results])
    if frame.empty:
        return pd.DataFrame(columns=["paper", *VERDICTS, "total"])
    table = frame.value_counts(["paper", "verdict"]).unstack(fill_value=0)
    table = table.reindex(columns=list(VERDICTS), fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.reset_index()
