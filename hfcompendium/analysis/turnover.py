"""Turnover of the top-K of a registry across snapshots (ESEM 2024, equations 2-4).

For successive snapshots, S_current is the set of the K highest-ranked names, S_last the
top-K of the snapshot before and S_history the union of the top-K sets of all earlier
snapshots. Each member of S_current is exactly one of

  remained   = S_last ∩ S_current                         (eq. 2)
  newcomers  = S_current \\ (S_history ∪ S_last)           (eq. 3)
  returning  = (S_history \\ S_last) ∩ S_current           (eq. 4)

As in the ESEM notebook, the first snapshot counts all its members as newcomers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

COLUMNS = ["snapshot", "size", "remained", "newcomers", "returning", "turned_over", "turnover_share",
           "distinct_ever"]


def top_k(names: Sequence[str], k: int) -> list[str]:
    """The first `k` distinct names of a ranked list (all of them if the list is shorter)."""
    if k < 0:
        raise ValueError("k must be zero or positive")
    seen: dict[str, None] = {}
    for name in names:
        if len(seen) >= k:
            break
        if name is not None and name == name:  # skip None and NaN
            seen.setdefault(name, None)
    return list(seen)


def ranked_names(frame: pd.DataFrame, name: str = "name", by: str | None = None) -> list[str]:
    """Names of `frame` in rank order: by `by` descending (rows without a value dropped, ties keep
    the frame's order), or in the frame's order when `by` is None."""
    if by is not None:
        frame = frame[frame[by].notna()].sort_values(by, ascending=False, kind="stable")
    return frame[name].tolist()


def turnover(snapshots: Mapping[str, Sequence[str]], k: int = 1000) -> pd.DataFrame:
    """Remained / newcomers / returning for each snapshot (in the mapping's order) and the
    number of distinct names ever in the top-K up to and including it.

    `turned_over` = newcomers + returning (members of S_current not in S_last) and
    `turnover_share` = turned_over / size (NaN for the first snapshot and for an empty top-K).
    """
    rows = []
    history: set[str] = set()
    last: set[str] | None = None
    for label, names in snapshots.items():
        current = set(top_k(names, k))
        if last is None:
            remained, newcomers, returning = set(), current, set()
        else:
            remained = last & current
            newcomers = current - (history | last)
            returning = (history - last) & current
        history |= current
        turned = len(newcomers) + len(returning)
        share = turned / len(current) if last is not None and current else float("nan")
        rows.append([label, len(current), len(remained), len(newcomers), len(returning), turned, share,
                     len(history)])
        last = current
    return pd.DataFrame(rows, columns=COLUMNS)


def distinct_ever(snapshots: Mapping[str, Sequence[str]], k: int = 1000) -> int:
    """Number of distinct names that were in the top-K of at least one snapshot."""
    union: set[str] = set()
    for names in snapshots.values():
        union.update(top_k(names, k))
    return len(union)


def boundary_ties(downloads: Sequence[float], k: int) -> int:
    """How many items share the download count of the K-th item (sorted descending): when this is
    more than one, which of them fall inside the top-K depends on how ties are broken."""
    values = sorted((v for v in downloads if v == v), reverse=True)
    if k <= 0 or len(values) <= k:
        return 0
    cutoff = values[k - 1]
    return sum(1 for v in values if v == cutoff)


def live_point_note(name: str, models: int, k: int, limit: int | None = None) -> str:
    """What the top list of a live Hub snapshot (`models` models, captured with `limit` or not) can
    and cannot say, for a chapter that adds it as the latest Hugging Face point."""
    text = (f"The live snapshot {name} ranks its {models:,} models by their downloads over the last 30 days "
            "(the Hub's `downloads` field, as in the paper's list from the Hub API).")
    if limit:
        return text + (f" It is a sample: its capture stopped after the first {limit:,} models by creation date "
                       "(`--limit`), the oldest on the Hub rather than the most downloaded, so its top list is not "
                       "the Hub's and the turnover to it says nothing about the Hub.")
    if models < k:
        return text + f" It holds fewer models than K = {k:,}, so its top list is all of them."
    return text


def snapshot_label(date: str, name: str) -> str:
    """A snapshot's label in the chapter's tables: its date, then its name in brackets
    ("2022-06-26 (icse2023_sdist_0_1_3)"). `months_between` reads the date back."""
    return f"{date} ({name})"


def months_between(earlier: str | None, later: str | None) -> float:
    """Months (of 30.44 days, to one decimal) from the date of one `snapshot_label` to the next;
    NaN when either is missing or does not start with a date ("YYYY-MM" or "YYYY-MM-DD")."""
    def date(label):
        if not isinstance(label, str) or " (" not in label:
            return None
        try:
            return pd.Timestamp(label.split(" (", 1)[0])
        except ValueError:
            return None

    start, end = date(earlier), date(later)
    if start is None or end is None:
        return float("nan")
    return round((end - start).days / 30.44, 1)


def parse_snapshot_ids(text: str, allowed: Sequence[str]) -> list[str]:
    """The ids of a comma-separated parameter, in the given order, each checked against `allowed`.

    Raises ValueError naming every unknown id and the valid choices; repeated ids are an error too."""
    ids = [part.strip() for part in str(text).split(",") if part.strip()]
    unknown = [i for i in ids if i not in allowed]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if unknown or repeated or not ids:
        problems = []
        if not ids:
            problems.append("no snapshot id given")
        if unknown:
            problems.append(f"unknown: {', '.join(unknown)}")
        if repeated:
            problems.append(f"repeated: {', '.join(repeated)}")
        raise ValueError("; ".join(problems) + f". Choices: {', '.join(allowed)}")
    return ids
