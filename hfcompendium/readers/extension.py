"""Readers for data that extend the analyses: PeaTMOSS extracts, model- and dataset-card studies, naming, forum."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd

from . import ReaderError


def none_freq(path: Path, source) -> pd.DataFrame:
    """Tables of counts over Hub metadata records, from ASCII grid tables (tabulate "grid" format, not SQL).

    The file holds three tables one after the other, each with its own header row:
    1. `field | amount | freq`: how many of ≈234,000 model records miss each field;
    2. `field | amount | freq`: the same for a smaller population (≈44,000 records);
    3. `library_name | count | frequency`: how many model records name each library.
    Names can repeat within a table; rows keep the file order.

    Columns:
      table     int64    1, 2 or 3: which table of the file the row comes from
      header    str      the table's first header cell ("field" or "library_name")
      position  int64    0-based row position within its table
      name      str      field, file or library name, quotes removed
      amount    int64    count (records missing the field, or records naming the library)
      freq      float64  amount / number of records counted
    """
    rows = []
    table, header, position = 0, "", 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            raise ReaderError(f"{source.id}: row with {len(cells)} cells: {line[:80]!r}")
        if not re.fullmatch(r"-?\d+", cells[1]):
            table, header, position = table + 1, cells[0], 0
            continue
        if table == 0:
            raise ReaderError(f"{source.id}: data row before any header: {line[:80]!r}")
        name = cells[0]
        if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
            name = name[1:-1]
        rows.append((table, header, position, name, int(cells[1]), float(cells[2])))
        position += 1
    frame = pd.DataFrame(rows, columns=["table", "header", "position", "name", "amount", "freq"])
    frame = frame.astype({"table": "int64", "position": "int64", "amount": "int64", "freq": "float64"})
    frame["header"] = frame["header"].astype("str")
    frame["name"] = frame["name"].astype("str")
    return frame


def reuse_mapping(path: Path, source) -> pd.DataFrame:
    """PeaTMOSS links from GitHub repositories to the Hub models they reuse (CSV without header).

    Columns:
      gh_repo     str  "github.com/owner/repo"
      hf_model    str  Hub model id
      hf_url      str  model URL
      hf_license  str  the model's licence id (NA when empty)
    """
    frame = pd.read_csv(path, header=None, names=["gh_repo", "hf_model", "hf_url", "hf_license"],
                        dtype="str", keep_default_na=False)
    frame["hf_license"] = frame["hf_license"].where(frame["hf_license"].str.strip() != "")
    return frame


def card_quality_features(path: Path, source) -> pd.DataFrame:
    """hn5318 model-card features: 28 standardised (z-scored) features per model and a quality label.

    Columns:
      model_id   str      Hub model id (file column `modelId`)
      <feature>  float64  the 28 features as in the file (e.g. `has-description`, `num-word`), z-scores
      quality    int64    the study's quality label (0/1)
    """
    frame = pd.read_csv(path)
    if "modelId" not in frame.columns or "quality" not in frame.columns:
        raise ReaderError(f"{source.id}: expected modelId and quality columns")
    frame = frame.rename(columns={"modelId": "model_id"})
    frame["model_id"] = frame["model_id"].astype("str")
    frame["quality"] = frame["quality"].astype("int64")
    for column in frame.columns.drop(["model_id", "quality"]):
        frame[column] = frame[column].astype("float64")
    return frame


def _as_tag_list(value) -> list[str]:
    if isinstance(value, str):
        value = ast.literal_eval(value) if value.strip().startswith("[") else [value]
    return [str(v) for v in value or []]


def card_samples(path: Path, source) -> pd.DataFrame:
    """The 758 sampled models of the hn5318 study with their full model-card text.

    Columns:
      sample     int64        sample number (the JSON key)
      model_id   str          Hub model id
      tags       list of str  Hub tags (a stringified list is parsed with `ast.literal_eval`)
      downloads  Int64        downloads when sampled
      likes      Int64        likes when sampled
      card_text  str          the model card (README) text
    """
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    rows = []
    for key, record in document.items():
        rows.append({
            "sample": int(key),
            "model_id": str(record["modelId"]),
            "tags": _as_tag_list(record.get("tags")),
            "downloads": None if record.get("downloads") in (None, "") else int(float(record["downloads"])),
            "likes": None if record.get("likes") in (None, "") else int(float(record["likes"])),
            "card_text": record.get("modelcard_text") or "",
        })
    frame = pd.DataFrame(rows).sort_values("sample", ignore_index=True)
    frame["sample"] = frame["sample"].astype("int64")
    frame["model_id"] = frame["model_id"].astype("str")
    frame["downloads"] = frame["downloads"].astype("Int64")
    frame["likes"] = frame["likes"].astype("Int64")
    frame["card_text"] = frame["card_text"].astype("str")
    return frame


def dataset_info(path: Path, source) -> pd.DataFrame:
    """Yang et al.'s Hub dataset table: one row per dataset, with card presence.

    Columns:
      dataset_name       str            Hub dataset id
      author             str            owner
      created_at         datetime[UTC]  creation time (parsed from strings like "Tue Jan 25 16:34:18 2022 +0100")
      downloads          float64        downloads
      has_card           bool           the dataset has a card
      has_nonempty_card  bool           the card is not empty
      task, domain       str            as in the file (task may list several, comma-separated)
    """
    frame = pd.read_parquet(path)
    expected = {"dataset_name", "author", "dataset_creation_time", "downloads", "has_card", "has_nonempty_card"}
    if expected - set(frame.columns):
        raise ReaderError(f"{source.id}: columns {sorted(expected - set(frame.columns))} missing")
    frame["created_at"] = pd.to_datetime(frame.pop("dataset_creation_time"), format="%a %b %d %H:%M:%S %Y %z",
                                         utc=True, errors="coerce")
    for column in ("has_card", "has_nonempty_card"):
        frame[column] = frame[column].astype("bool")
    columns = ["dataset_name", "author", "created_at", "downloads", "has_card", "has_nonempty_card", "task", "domain"]
    return frame[[c for c in columns if c in frame.columns]].reset_index(drop=True)


def ptm_naming_types(path: Path, source) -> pd.DataFrame:
    """PTM-Naming model collection {model_type: {architecture: [model ids]}} as one row per listed id.

    The lists contain repeats; they are kept (deduplicate on `model_id` for unique models).

    Columns:
      model_type    str  `config.model_type`
      architecture  str  architecture class name
      model_id      str  Hub model id
    """
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    rows = [(model_type, architecture, str(model_id))
            for model_type, architectures in document.items()
            for architecture, model_ids in architectures.items()
            for model_id in model_ids]
    return pd.DataFrame(rows, columns=["model_type", "architecture", "model_id"]).astype("str")


def _count(text: str) -> int:
    text = str(text).strip().lower().replace(",", "")
    factor = 1000 if text.endswith("k") else 1_000_000 if text.endswith("m") else 1
    return int(round(float(text.rstrip("km")) * factor))


def _forum_date(text: str | None):
    if not text:
        return None
    return dt.datetime.strptime(text.strip(), "%b %d, %Y %I:%M %p")


def forum_topics_sample(path: Path, source) -> pd.DataFrame:
    """300 Hugging Face forum topics (metadata only).

    Columns:
      topic_id  int64     topic number (last segment of the link)
      title     str       topic title
      link      str       topic URL
      owner     str       user who opened the topic
      replies   int64     reply count ("6.6k" style counts expanded)
      views     int64     view count
      created   datetime  creation time as shown (forum time zone, naive)
      latest    datetime  latest activity (NaT when not shown)
    """
    with open(path, encoding="utf-8") as handle:
        topics = json.load(handle)
    rows = []
    for topic in topics:
        stamps = dict(re.findall(r"(Created|Latest):\s*([^\n]+)", topic.get("Activity Date", "")))
        rows.append({
            "topic_id": int(topic["Link"].rstrip("/").rsplit("/", 1)[-1]),
            "title": topic["Topic"], "link": topic["Link"], "owner": topic["Owner"],
            "replies": _count(topic["Reply Count"]), "views": _count(topic["View Count"]),
            "created": _forum_date(stamps.get("Created")), "latest": _forum_date(stamps.get("Latest")),
        })
    frame = pd.DataFrame(rows)
    for column in ("title", "link", "owner"):
        frame[column] = frame[column].astype("str")
    frame["created"] = pd.to_datetime(frame["created"])
    frame["latest"] = pd.to_datetime(frame["latest"])
    return frame
