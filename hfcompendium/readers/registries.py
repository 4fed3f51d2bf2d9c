"""Readers for ranked lists of traditional package registries: PyPI (hugovk) and npm (npm-high-impact)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from . import ReaderError

# A single- or double-quoted JavaScript string literal (escapes allowed inside).
_JS_STRING = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)\"""")
_JS_ESCAPE = re.compile(r"\\(.)")


def pypi_top(path: Path, source) -> pd.DataFrame:
    """A monthly "top PyPI packages" list: projects ranked by downloads over the preceding window.

    Columns:
      rank         int64          1 = most downloaded (position in the file)
      name         str            PyPI project name
      downloads    int64          downloads in the window the file describes (see the source's description)
      last_update  datetime[UTC]  when the list was generated (the file's `last_update`)
    """
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    rows = document.get("rows") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ReaderError(f"{source.id}: expected a JSON object with a 'rows' list")
    frame = pd.DataFrame({
        "rank": pd.array(range(1, len(rows) + 1), dtype="int64"),
        "name": pd.array([str(r["project"]) for r in rows], dtype="str"),
        "downloads": pd.array([int(r["download_count"]) for r in rows], dtype="int64"),
    })
    frame["last_update"] = pd.Timestamp(document.get("last_update"), tz="UTC")
    return frame


def npm_top(path: Path, source) -> pd.DataFrame:
    """An npm-high-impact `top-download.js` module: package names, most downloaded first (no counts).

    The module is never run: the quoted strings of its exported array are read in order.

    Columns:
      rank  int64  1 = most downloaded (position in the array)
      name  str    npm package name
    """
    text = Path(path).read_text(encoding="utf-8")
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end < start or "topDownload" not in text[:start]:
        raise ReaderError(f"{source.id}: no exported topDownload array found")
    names = []
    for single, double in _JS_STRING.findall(text[start + 1:end]):
        literal = single if single or not double else double
        names.append(_JS_ESCAPE.sub(r"\1", literal))
    if not names:
        raise ReaderError(f"{source.id}: the topDownload array is empty")
    return pd.DataFrame({"rank": pd.array(range(1, len(names) + 1), dtype="int64"),
                         "name": pd.array(names, dtype="str")})
