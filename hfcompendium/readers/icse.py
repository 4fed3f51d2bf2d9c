"""Readers for the ICSE 2023 artifact (Jiang et al.): popularity lists, interview data, Hub listings."""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import re
import tarfile
from pathlib import Path

import pandas as pd
import yaml

from . import ReaderError

HF_YAML_MEMBER = "icse_23_model_hub_artifact-0.1.3/icse_23_model_hub_artifact/modelDocumentation/hf.yaml"
HF_YAML_SHA256 = "457bd6fe548dcdb1bfda000180e4ec2be1e000ddd46f1322d42adc0d8a141f24"
_TOP20 = {  # source id -> (registry, name column, downloads column, period)
    "icse2023_top20_hf_models": ("huggingface", "model", "monthly_downloads", "month"),
    "icse2023_top20_pypi": ("pypi", "repo", "monthly_downloads", "month"),
    "icse2023_top20_npm": ("npm", "model", "weekly_downloads", "week"),
}


def top20(path: Path, source) -> pd.DataFrame:
    """One of the three ICSE top-20 lists (Hugging Face and PyPI per month, npm per week).

    Rows keep the file's order, which is not always by downloads (the npm list is not sorted).

    Columns:
      position   int64  1-based row position in the file
      name       str    model or package name
      downloads  int64  download count over `period`
      period     str    "month" or "week"
      registry   str    "huggingface", "pypi" or "npm"
    """
    if source.id not in _TOP20:
        raise ReaderError(f"{source.id}: no top-20 layout known for this source")
    registry, name_col, downloads_col, period = _TOP20[source.id]
    raw = pd.read_csv(path)
    missing = {name_col, downloads_col} - set(raw.columns)
    if missing:
        raise ReaderError(f"{source.id}: columns {sorted(missing)} missing; found {list(raw.columns)}")
    return pd.DataFrame({
        "position": range(1, len(raw) + 1),
        "name": raw[name_col].astype("str"),
        "downloads": raw[downloads_col].astype("int64"),
        "period": period,
        "registry": registry,
    })


def transformed_packages(path: Path, source) -> pd.DataFrame:
    """Download counts behind the ICSE download-distribution figure (no names; file has no header).

    Columns:
      downloads  int64  download count (thousands separators removed)
      registry   str    "pypi", "huggingface" or "npm"
    """
    downloads, registries = [], []
    with open(path, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < 2:
                raise ReaderError(f"{source.id}: line {number} has {len(row)} field(s)")
            downloads.append(int(row[0].replace(",", "").strip()))
            registries.append(row[1].strip())
    return pd.DataFrame({"downloads": pd.array(downloads, dtype="int64"), "registry": pd.array(registries, dtype="str")})


def demographics(path: Path, source) -> pd.DataFrame:
    """The twelve (pseudonymised) interview participants.

    Columns:
      participant   int64          participant number
      dl_expertise  str            self-rated deep-learning expertise
      se_expertise  str            self-rated software-engineering expertise
      projects      str            number of projects, as a range ("5-10")
      model_types   list of str    model types worked with
      company_type  str            kind of employer
      team_size     str            team size, as a number or range
    """
    raw = pd.read_csv(path, dtype="str").dropna(axis="columns", how="all")
    names = {"Participant": "participant", "DL Expertise": "dl_expertise", "SE Expertise": "se_expertise",
             "#Projects": "projects", "Model types": "model_types", "Company type": "company_type",
             "Team size": "team_size"}
    missing = set(names) - set(raw.columns)
    if missing:
        raise ReaderError(f"{source.id}: columns {sorted(missing)} missing")
    frame = raw[list(names)].rename(columns=names)
    frame["participant"] = frame["participant"].astype("int64")
    frame["model_types"] = [[part.strip() for part in str(v).split(",") if part.strip()] for v in frame["model_types"]]
    return frame.reset_index(drop=True)


def memos(path: Path, source) -> pd.DataFrame:
    """Framework-analysis memos, one row per participant (sheet Sheet1), every cell as text.

    Columns: `participant` (int64) and the sheet's other columns with their header text
    stripped of surrounding spaces (str; missing cells are NA).
    """
    raw = pd.read_excel(path, sheet_name="Sheet1", dtype="str").dropna(axis="columns", how="all")
    raw.columns = [str(c).strip() for c in raw.columns]
    if "Participant" not in raw.columns:
        raise ReaderError(f"{source.id}: no Participant column in Sheet1")
    raw = raw.dropna(subset=["Participant"])
    frame = raw.rename(columns={"Participant": "participant"})
    frame["participant"] = frame["participant"].astype("float").astype("int64")
    for column in frame.columns.drop("participant"):
        frame[column] = frame[column].astype("str").where(frame[column].notna())
    return frame.reset_index(drop=True)


class _ObjectsAsMappings(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """Safe loader that reads `!!python/object:` nodes as plain mappings (nothing is constructed)."""


_ObjectsAsMappings.add_multi_constructor(
    "tag:yaml.org,2002:python/object:", lambda loader, suffix, node: loader.construct_mapping(node, deep=True)
)


def _tag_values(tags, prefix: str) -> list[str]:
    return [t[len(prefix):] for t in tags or [] if isinstance(t, str) and t.startswith(prefix)]


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _model_row(info: dict) -> dict:
    """Tidy fields of one Hub ModelInfo mapping (as saved by huggingface_hub in 2022)."""
    card = info.get("cardData") or {}
    tags = _as_list(info.get("tags"))
    siblings = [s.get("rfilename") if isinstance(s, dict) else str(s) for s in info.get("siblings") or []]
    licences = _as_list(card.get("license")) or _tag_values(tags, "license:")
    datasets = sorted(set(_as_list(card.get("datasets")) + _tag_values(tags, "dataset:")))
    config = info.get("config") or {}
    return {
        "model_id": str(info.get("id") or info.get("modelId")),
        "downloads": info.get("downloads"),
        "likes": info.get("likes"),
        "last_modified": info.get("lastModified"),
        "author": info.get("author"),
        "library_name": info.get("library_name"),
        "pipeline_tag": info.get("pipeline_tag"),
        "model_type": config.get("model_type") if isinstance(config, dict) else None,
        "tags": tags,
        "siblings": [s for s in siblings if s],
        "has_readme": any(str(s).lower() == "readme.md" for s in siblings),
        "has_card_data": bool(card),
        "license": ",".join(licences) if licences else None,
        "datasets": datasets,
        "card_data": json.dumps(card, sort_keys=True, default=str) if card else None,
    }


_MODEL_DTYPES = {"downloads": "Int64", "likes": "Int64", "author": "str", "library_name": "str",
                 "pipeline_tag": "str", "model_type": "str", "license": "str", "card_data": "str",
                 "has_readme": "boolean", "has_card_data": "boolean"}


def _text(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the documented dtypes to the columns of `_model_row` present in `frame`."""
    for column, dtype in _MODEL_DTYPES.items():
        if column not in frame.columns:
            continue
        if dtype == "str":
            frame[column] = frame[column].map(_text).astype("str")
        else:
            frame[column] = frame[column].astype(dtype)
    frame["last_modified"] = pd.to_datetime(frame["last_modified"], utc=True)
    frame["model_id"] = frame["model_id"].astype("str")
    return frame


def hf_yaml_listing(path: Path, source) -> pd.DataFrame:
    """The mid-2022 Hub listing `hf.yaml` inside the ICSE artifact's sdist, read from the archive in memory.

    The member's sha256 is checked before parsing. Entries are in `list_models()` order (most
    downloaded first); the first entries carry full model information, the rest are bare ids.

    Columns:
      position       int64         0-based position in the listing
      model_id       str           Hub repository id
      has_info       bool          the entry carries model information (not a bare id)
      downloads      Int64         downloads (NA for bare ids)
      likes          Int64         likes (NA when the saved record has none)
      last_modified  datetime[UTC] last modification (NaT for bare ids)
      author, library_name, pipeline_tag, model_type, license   str (NA when absent)
      tags, siblings, datasets   list of str (files in the repository; dataset ids from card and tags)
      has_readme     boolean       a README.md is among the repository files (NA for bare ids)
      has_card_data  boolean       the model card has a non-empty metadata block (NA for bare ids)
      card_data      str           the card metadata as JSON (NA when absent)
    """
    with tarfile.open(path, mode="r:gz") as archive:
        try:
            member = archive.getmember(HF_YAML_MEMBER)
        except KeyError:
            raise ReaderError(f"{source.id}: archive has no member {HF_YAML_MEMBER}") from None
        handle = archive.extractfile(member)
        if handle is None:
            raise ReaderError(f"{source.id}: {HF_YAML_MEMBER} is not a regular file")
        payload = handle.read()
    digest = hashlib.sha256(payload).hexdigest()
    if digest != HF_YAML_SHA256:
        raise ReaderError(f"{source.id}: hf.yaml has sha256 {digest}, expected {HF_YAML_SHA256}")
    entries = yaml.load(payload, Loader=_ObjectsAsMappings)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(entries, list):
        raise ReaderError(f"{source.id}: hf.yaml is not a list")
    rows = []
    for position, entry in enumerate(entries):
        if isinstance(entry, dict):
            row = _model_row(entry)
            row["has_info"] = True
        else:
            row = {"model_id": str(entry), "has_info": False, "tags": None, "siblings": None, "datasets": None}
        row["position"] = position
        rows.append(row)
    columns = ["position", "model_id", "has_info", "downloads", "likes", "last_modified", "author",
               "library_name", "pipeline_tag", "model_type", "tags", "siblings", "has_readme",
               "has_card_data", "license", "datasets", "card_data"]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    frame["has_info"] = frame["has_info"].astype("bool")
    frame = _typed(frame)
    for column in ("has_readme", "has_card_data"):
        frame.loc[~frame["has_info"], column] = pd.NA
    return frame


def modelinfo_first1000(path: Path, source) -> pd.DataFrame:
    """The 1,000 model records saved as the output of cell 8 of the ICSE `data_cleaning.ipynb`.

    The output is the IPython text repr of a dict, truncated after 1,000 entries; it is parsed
    with `ast.literal_eval` (literals only). Records are in download order.

    Columns: `rank` (int64, 1-based position) and the fields of `hf_yaml_listing` except
    `position`, `has_info` and `siblings` (not saved in this output).
    """
    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    cell = notebook["cells"][8]
    if cell.get("execution_count") != 10:
        raise ReaderError(f"{source.id}: cell 8 has execution_count {cell.get('execution_count')}, expected 10")
    text = "".join(cell["outputs"][0]["data"]["text/plain"]).rstrip()
    truncated = re.search(r",\s*\.\.\.\}$", text)
    if truncated:
        text = text[: truncated.start()] + "}"
    records = ast.literal_eval(text)
    if not isinstance(records, dict):
        raise ReaderError(f"{source.id}: the saved output is not a dict")
    rows = [_model_row(info) for info in records.values()]
    frame = pd.DataFrame(rows).drop(columns=["siblings", "has_readme"])
    frame.insert(0, "rank", pd.array(range(1, len(frame) + 1), dtype="int64"))
    return _typed(frame)


def hftorrent_names(path: Path, source) -> pd.DataFrame:
    """One part of the HFTorrent name list (August 2022), one repository id per line.

    Load all 64 parts with `data.load_many("icse2023_hftorrent_names_")`; ordering by
    `source_id` then `line` restores the full list.

    Columns:
      line      int64  1-based line number within the part
      model_id  str    Hub repository id
    """
    with open(path, encoding="utf-8") as handle:
        names = [line.strip() for line in handle.read().splitlines()]
    names = [n for n in names if n]
    return pd.DataFrame({"line": pd.array(range(1, len(names) + 1), dtype="int64"),
                         "model_id": pd.array(names, dtype="str")})
