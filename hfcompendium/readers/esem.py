"""Readers for the ESEM 2024 artifact (Jones et al.) and the PeaTMOSS list that stands in for one of its inputs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

from . import ReaderError


def _ranked(frame: pd.DataFrame, downloads: str) -> pd.DataFrame:
    """Add `rank` (1 = most downloaded) over rows with a download count; file order breaks ties."""
    order = frame[downloads].notna()
    ranks = frame.loc[order, downloads].rank(method="first", ascending=False).astype("int64")
    frame["rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame.loc[order, "rank"] = ranks
    return frame


def ancient_db(path: Path, source) -> pd.DataFrame:
    """The "ancient" Hugging Face snapshot of the ESEM turnover figure (SQLite, opened read-only).

    One row per model, in the table's stored order (most downloaded first).

    Columns:
      model_id   str      Hub repository id
      downloads  float64  `downloads_last_month` as stored (NaN for the models without a count)
      rank       Int64    1 = most downloaded among models with a count; ties keep the stored order
    """
    uri = f"file:{Path(path).resolve()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        if tables != ["PeaTMOSS_ANCIENT"]:
            raise ReaderError(f"{source.id}: expected one table PeaTMOSS_ANCIENT, found {tables}")
        rows = connection.execute(
            "SELECT modelId, downloads_last_month FROM PeaTMOSS_ANCIENT ORDER BY rowid"
        ).fetchall()
    frame = pd.DataFrame(rows, columns=["model_id", "downloads"])
    frame["model_id"] = frame["model_id"].astype("str")
    frame["downloads"] = frame["downloads"].astype("float64")
    return _ranked(frame, "downloads")


def descendants(path: Path, source) -> pd.DataFrame:
    """Direct descendants per base model (the data behind ESEM Figure 7); base-model names are not included.

    The file's `downloads` column is NOT the base model's own download count: the ESEM script
    joins each base model's direct descendants to their download counts and sums them.

    Columns:
      descendant_downloads  int64  sum of the downloads of the base model's direct descendants (file column `downloads`)
      direct_descendants    int64  number of direct descendants (file column `count`)
    """
    frame = pd.read_csv(path, dtype={"downloads": "int64", "count": "int64"})
    if list(frame.columns) != ["downloads", "count"]:
        raise ReaderError(f"{source.id}: expected columns downloads,count, found {list(frame.columns)}")
    return frame.rename(columns={"downloads": "descendant_downloads", "count": "direct_descendants"})


def peatmoss_filtered_top(path: Path, source) -> pd.DataFrame:
    """PeaTMOSS models with at least 10,000 downloads (a JSON object {model id: downloads}, most downloaded first).

    Columns:
      model_id   str    Hub repository id
      downloads  int64  download count in the PeaTMOSS snapshot
      rank       int64  1 = most downloaded; ties keep the file order
    """
    with open(path, encoding="utf-8") as handle:
        mapping = json.load(handle)
    if not isinstance(mapping, dict):
        raise ReaderError(f"{source.id}: expected a JSON object of model id -> downloads")
    frame = pd.DataFrame({"model_id": list(mapping.keys()), "downloads": list(mapping.values())})
    frame["model_id"] = frame["model_id"].astype("str")
    frame["downloads"] = frame["downloads"].astype("int64")
    frame["rank"] = frame["downloads"].rank(method="first", ascending=False).astype("int64")
    return frame
