"""Reading the ICSE 2023 interview memos with explicit rules, and words for counts of people.

The memos are free text written by the interviewers. Two rules turn two of their columns into
categories:

- `popularity_first`: a memo of the column "Traditional attributes" ranks popularity first when
  it starts with "popularity", ranks it explicitly ("popularity >") or calls it the most useful
  or important attribute ("popularity is the most ...").
- `performance_or_architecture`: a memo of the column "Model performance or architecture" weighs
  "both" when it says so (or that the two go hand in hand or are related); otherwise the one of
  the two named first; an empty memo is "no answer".
"""

from __future__ import annotations

import pandas as pd

_POPULARITY_FIRST = (r"\s*-?\s*popularity\b", r"popularity\s*>", r"popularity is the most")
_BOTH = r"\bboth\b|hand-in-hand|related"


def popularity_first(memos: pd.Series) -> pd.Series:
    """True for each memo that ranks popularity first (see the module docstring); missing memos are False."""
    text = memos.fillna("").astype(str).str.lower()
    first, *others = _POPULARITY_FIRST
    hit = text.str.match(first)
    for pattern in others:
        hit = hit | text.str.contains(pattern)
    return hit.astype(bool)


def performance_or_architecture(memos: pd.Series) -> pd.Series:
    """"performance", "architecture", "both" or "no answer" for each memo (see the module docstring).

    A memo that is not empty but names neither word and does not say "both" falls to
    "architecture"; the rule was written for the published memos, which name at least one."""
    text = memos.fillna("").astype(str).str.lower()
    absent = 10**6
    performance_at = text.str.find("performance").where(text.str.contains("performance", regex=False), absent)
    architecture_at = text.str.find("architecture").where(text.str.contains("architecture", regex=False), absent)
    weighs = pd.Series("architecture", index=memos.index).where(~(performance_at < architecture_at), "performance")
    weighs = weighs.where(~text.str.contains(_BOTH), "both")
    return weighs.where(text.str.strip() != "", "no answer")


def quantity_word(count: int, total: int) -> str:
    """How many of `total` people `count` is, in words: "all", "all but one", "most" (more than
    half), "half", "a minority" (fewer than half, at least one) or "none"."""
    if total <= 0 or count < 0 or count > total:
        raise ValueError(f"count {count} of total {total} is not a part of a whole")
    if count == total:
        return "all"
    if count == 0:
        return "none"
    if count == total - 1 and total > 2:
        return "all but one"
    if 2 * count > total:
        return "most"
    if 2 * count == total:
        return "half"
    return "a minority"
