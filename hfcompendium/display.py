"""Tables for the book's pages: formatted, without the index column, and always HTML-escaped;
and `prose_list`, which joins names for a sentence.

Model ids, topic titles and codes are text written by strangers; pandas' Styler
does not escape cells unless told to, so chapters show styled tables through
`table()` rather than calling `DataFrame.style` themselves.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler


def table(frame: pd.DataFrame, formats: dict | str | None = None, *, na_rep: str = "",
          precision: int | None = None, index: bool = False) -> Styler:
    """A styled table: `formats` as for Styler.format (a format string or {column: format})."""
    styled = frame.style.format(na_rep=na_rep, precision=precision, escape="html")
    if formats:
        styled = styled.format(formats, na_rep=na_rep, precision=precision, escape="html")
    if not index:
        styled = styled.hide(axis="index")
    return styled


def prose_list(items, empty: str = "none") -> str:
    """Names joined for a sentence: "a", "a and b", "a, b and c" (`empty` when there is none)."""
    items = [str(item) for item in items]
    if not items:
        return empty
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
