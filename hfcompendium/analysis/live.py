"""Chapters run on live snapshots: what they read, which months they cover, and that they replicate nothing.

A chapter with a `snapshot` parameter reads either the pinned replication data ("replication", the
default) or a live snapshot of the Hub or the forum captured with `hfcompendium snapshot`. With a
live snapshot:

- `declare(*names)` tells the claims module that this kernel computes from live data: the values
  are shown beside the papers' numbers, marked as not judged, and never reach the claims ledger
  (`claims.use_live_data`);
- `provenance(sources, snapshots, replaced)` names the snapshots (origin, capture time, tables,
  rows, sha256) instead of the replication files they replace;
- `window_note(...)` says which of a snapshot's months fall inside the chapter's window, so that
  a window chosen for the papers' years never silently empties the results;
- `note(...)` shows such sentences in the page, and `summary(...)` swaps a sentence about
  verdicts for one that says no verdict is given.

With the replication data every function returns what the chapter showed before, or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

REPLICATION = "replication"


def live_names(*names: str) -> list[str]:
    """The snapshot names among `names` that are not the replication data, without repeats, in order."""
    return [n for n in dict.fromkeys(names) if n and n != REPLICATION]


def describe(name: str) -> str:
    """A short description of a snapshot for notes: "hub snapshot hub-2026-11-22 (captured 2026-11-22)"."""
    from hfcompendium.snapshots import get_snapshot

    info = get_snapshot(name)
    sample = f", a sample of {info.parameters['limit']:,}" if info.parameters.get("limit") else ""
    return f"{info.kind} snapshot {info.name} (captured {info.captured_at[:10]}{sample})"


def declare(*names: str) -> str:
    """Declare to the claims module whether this kernel computes from live snapshots.

    Returns the description of the live snapshots among `names` ("" when all are the replication
    data, in which case the claims are recorded as usual); the claims' notes name the snapshots."""
    from hfcompendium import claims

    names = live_names(*names)
    claims.use_live_data(f"live snapshot{'s' if len(names) > 1 else ''} {', '.join(names)}" if names else None)
    return ", ".join(describe(n) for n in names)


def provenance(sources: list[str], snapshots: Mapping[str, Iterable[str]] | None = None,
               replaced: Mapping[str, str] | None = None):
    """The data section's table of where this run's data come from.

    `sources`: the replication sources the chapter names with its default parameters;
    `snapshots`: snapshot name -> the tables this run reads from it ("replication" keys are ignored);
    `replaced`: source id -> the snapshot parameter's value that stands in for it; a source whose
    snapshot is live is left out of the list.

    Without a live snapshot this returns `data.provenance(sources)`, as before. With one it shows
    the snapshots' provenance (`snapshots.provenance`: origin, capture time, tables, rows, sha256)
    and returns the provenance of the replication sources still read, if any (else None)."""
    from hfcompendium import data

    live = {name: list(tables) for name, tables in (snapshots or {}).items() if live_names(name)}
    if not live:
        return data.provenance(sources)
    from IPython.display import display

    from hfcompendium import display as book_display
    from hfcompendium.snapshots import provenance as snapshot_provenance

    gone = [s for s in sources if live_names((replaced or {}).get(s, REPLICATION))]
    kept = [s for s in sources if s not in gone]
    frame = pd.concat([snapshot_provenance([name], tables) for name, tables in live.items()], ignore_index=True)
    instead = f" instead of the replication file{'s' if len(gone) > 1 else ''} {', '.join(gone)}" if gone else ""
    note(f"This run reads the live snapshot{'s' if len(live) > 1 else ''} {', '.join(live)}{instead}. "
         "Each table's full sha256 is in the snapshot's manifest, `snapshot.json`.")
    display(book_display.table(frame, {"rows": "{:,}"}))
    if not kept:
        return None
    note("Replication data still read by this run:")
    return data.provenance(kept)


def month_coverage(table: pd.DataFrame, start: str, end: str, value: str = "count") -> dict:
    """How the months with a positive `value` in `table` (columns `month` "YYYY-MM" and `value`)
    fall against the window start..end.

    Returns first and last month with a count (None when there is none), months (how many have
    a count), total, and the sums before, inside and after the window."""
    frame = table[["month", value]]
    frame = frame[frame[value] > 0]
    by_month = frame.groupby("month")[value].sum()
    return {
        "first": by_month.index.min() if len(by_month) else None,
        "last": by_month.index.max() if len(by_month) else None,
        "months": int(len(by_month)),
        "total": int(by_month.sum()),
        "before": int(by_month[by_month.index < start].sum()),
        "inside": int(by_month[(by_month.index >= start) & (by_month.index <= end)].sum()),
        "after": int(by_month[by_month.index > end].sum()),
    }


def window_note(table: pd.DataFrame, start: str, end: str, *, snapshot: str, what: str,
                parameters: tuple[str, str], value: str = "count") -> str:
    """A sentence on how a live snapshot's months fall against a chapter's window ("" for the
    replication data).

    `what` names the counted things ("new models with a valid model type"), `parameters` the two
    parameters that set the window (for the command that moves it)."""
    if snapshot not in live_names(snapshot):
        return ""
    from hfcompendium.snapshots import get_snapshot

    c = month_coverage(table, start, end, value)
    window = f"{start}..{end}"
    move = f"`-p {parameters[0]} YYYY-MM -p {parameters[1]} YYYY-MM`"
    undated = int(get_snapshot(snapshot).notes.get("models_without_creation_month", 0) or 0)
    tail = (f" The snapshot also holds {undated:,} model{'s' if undated != 1 else ''} with no creation month, "
            "counted in no month: the Hub gives repositories older than its creation-date field the date "
            "2022-03-02, and only a capture with `--first-commit-dates` dates them by their first commit."
            if undated else "")
    if c["months"] == 0:
        return (f"The snapshot {snapshot} has no {what} in any month, so there is nothing to count "
                f"in the window {window}.{tail}")
    span = f"from {c['first']} to {c['last']}" if c["first"] != c["last"] else f"in {c['first']} only"
    head = f"{what[0].upper()}{what[1:]} in the snapshot {snapshot}: {c['total']:,}, {span}"
    if c["inside"] == c["total"]:
        return f"{head}; all in the window {window}.{tail}"
    outside = " and ".join(part for part in (f"{c['before']:,} before it" if c["before"] else "",
                                             f"{c['after']:,} after it" if c["after"] else "") if part)
    if c["inside"] == 0:
        return (f"{head}; none in the window {window}, so the results below are empty. "
                f"Rerun with a window within {c['first']}..{c['last']} ({move}).{tail}")
    return (f"{head}; {c['inside']:,} in the window {window}, {outside}. The results below count "
            f"the window only; {move} moves it.{tail}")


def note_text(*sentences: str) -> str:
    """The non-empty texts joined into one paragraph; a sentence two texts share appears once."""
    seen: dict[str, None] = {}
    for text in sentences:
        for sentence in re.split(r"(?<=\.) ", (text or "").strip()):
            if sentence:
                seen.setdefault(sentence, None)
    return " ".join(seen)


def note(*sentences: str) -> None:
    """Show `note_text(*sentences)` as a paragraph of the page (nothing when it is empty)."""
    text = note_text(*sentences)
    if text:
        from IPython.display import Markdown, display

        display(Markdown(text))


def summary(replication_text: str, description: str) -> str:
    """The chapter's sentence about its verdicts, or, in a run on live data (`description` not
    empty), the sentence saying that no verdict is given and why."""
    if not description:
        return replication_text
    return (f"This run computes from {description}, not from the paper's data: the values of this comparison "
            "are shown beside the paper's without a verdict, and nothing is recorded for the claims ledger, "
            "which counts only the book's own build on the replication data.")
