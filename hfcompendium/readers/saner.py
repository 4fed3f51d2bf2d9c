"""Readers for the SANER 2024 replication package (Taraghi et al.): codebooks, coded topics, mined counts.

Every reader returns a tidy table with plain dtypes (int64, float64, str, lists of str) so that
the tidy-table cache can store it as parquet. Interpretation (category labels, cleaning of tag
spellings, mapping of free text to categories) is left to `hfcompendium.analysis.saner`; the
readers only undo the layout of the files (merged cells, wide month columns, total rows).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import ReaderError

_TOPIC_PREFIX = re.compile(r"^\s*T(\d+)\s*:")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")


def _text(series: pd.Series) -> pd.Series:
    """Strip whitespace; empty cells become missing values (pandas `str` dtype)."""
    stripped = series.astype("str").str.strip()
    stripped = stripped.where(series.notna() & (stripped != "") & (stripped != "nan"))
    return stripped.astype("str")


def codebook(path: Path, source) -> pd.DataFrame:
    """A codebook (challenges or benefits): one row per subcategory, in the file's order.

    The file writes the category number and name only on the first row of each category; they are
    carried down here. Categories without subcategories have one row whose `subcategory` is missing.
    Trailing empty columns of the file are dropped.

    Columns:
      kind            str    "challenge" or "benefit" (from the source id)
      category_no     int64  the category's number in the codebook (1..17 or 1..6); not the paper's C/B labels
      category        str    category name as written in the codebook
      subcategory     str    subcategory name; missing for categories without subcategories
      definition      str    definition of the (sub)category
      example         str    example quotation from a forum topic
      example_topic   Int64  forum topic number the example quotes ("T639: ..." -> 639); missing if none
    """
    raw = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    expected = ["#", "Category", "Subcategory", "Definition", "Example"]
    if list(raw.columns[:5]) != expected:
        raise ReaderError(f"{source.id}: expected columns {expected}, found {list(raw.columns[:5])}")
    extra = raw.iloc[:, 5:]
    if not extra.empty and (extra.apply(lambda c: c.str.strip()) != "").any().any():
        raise ReaderError(f"{source.id}: trailing columns are expected to be empty")
    raw = raw.iloc[:, :5]
    raw = raw[(raw.apply(lambda c: c.str.strip()) != "").any(axis=1)]
    number = pd.to_numeric(raw["#"].str.strip().replace("", np.nan)).ffill()
    category = raw["Category"].str.strip().replace("", np.nan).ffill()
    if number.isna().any() or category.isna().any():
        raise ReaderError(f"{source.id}: the first row must name a category")
    kind = "benefit" if "benefit" in source.id.lower() else "challenge"
    example = _text(raw["Example"])
    topic = example.str.extract(_TOPIC_PREFIX, expand=False)
    return pd.DataFrame({
        "kind": kind,
        "category_no": number.astype("int64").to_numpy(),
        "category": category.astype("str").to_numpy(),
        "subcategory": _text(raw["Subcategory"]).to_numpy(),
        "definition": _text(raw["Definition"]).to_numpy(),
        "example": example.to_numpy(),
        "example_topic": pd.array(pd.to_numeric(topic), dtype="Int64"),
    })


def codebook_overview(path: Path, source) -> pd.DataFrame:
    """The sheet "Overview" of Codebook.xlsx: how many codings each category received.

    The sheet has no header row. Its first block lists the 17 challenge categories with their
    counts, followed by an unlabelled total (737); after blank rows a block headed
    "Category | #" lists the 6 benefit categories and an unlabelled total (514). The totals, the
    blank rows and the header row are dropped here; the reader checks that each total equals the
    sum of its block and raises `ReaderError` otherwise. Shares are not in the sheet (the analysis
    computes them).

    Columns:
      kind       str    "challenge" or "benefit"
      position   int64  1-based position within its block (the sheet lists categories by count, descending)
      category   str    category name as written in the sheet
      count      int64  number of codings in the category
    """
    sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    if "Overview" not in sheets:
        raise ReaderError(f"{source.id}: no sheet 'Overview' (sheets: {list(sheets)})")
    sheet = sheets["Overview"].iloc[:, :2]
    sheet.columns = ["label", "value"]
    rows, kind, position = [], "challenge", 0
    totals: dict[str, int] = {}
    for label, value in sheet.itertuples(index=False):
        label = None if pd.isna(label) else str(label).strip()
        if label == "Category":          # header of the benefits block
            kind, position = "benefit", 0
            continue
        if pd.isna(value):
            continue                     # blank separator row
        if label is None:                # unlabelled total row of the current block
            totals[kind] = int(value)
            continue
        position += 1
        rows.append({"kind": kind, "position": position, "category": label, "count": int(value)})
    table = pd.DataFrame(rows).astype({"kind": "str", "position": "int64", "category": "str", "count": "int64"})
    for block in ("challenge", "benefit"):
        counted = int(table.loc[table["kind"] == block, "count"].sum())
        if block not in totals or totals[block] != counted:
            raise ReaderError(f"{source.id}: {block} total {totals.get(block)} does not equal the sum of its rows {counted}")
    return table


def all_codes(path: Path, source) -> pd.DataFrame:
    """Open codes of the 455 coded forum topics (`All_Codes.csv`): one row per code, in file order.

    The file concatenates several coding sheets: its first (unnamed) column is a running topic
    number that restarts at 1 at the start of each sheet and is empty in the last sheet. `block`
    numbers these sheets (0, 1, ...) so that they can be told apart; which rater coded which sheet is
    not stated in the file. The six trailing unnamed columns hold occasional free-text notes (a
    paraphrase of the question, a memo); their non-empty cells are kept, in column order, as `notes`.
    The file gives no category or subcategory for a code.

    Columns:
      row         int64      0-based row position in the file
      block       int64      coding sheet the row belongs to (0-based, in file order)
      sheet_seq   Int64      running topic number within the sheet (missing in the last sheet)
      topic       int64      forum topic number (the id in https://discuss.huggingface.co/t/<id>)
      tag         str        Discourse category of the topic, spelled as in the file (case varies)
      code        str        the open code (free text)
      notes       list[str]  non-empty note cells of the row (often empty)
    """
    raw = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    if list(raw.columns[1:4]) != ["Topic#", "Tag", "Code"]:
        raise ReaderError(f"{source.id}: expected columns Topic#, Tag, Code after the index column, found {list(raw.columns[:4])}")
    seq = raw.iloc[:, 0].str.strip()
    block, blocks = 0, []
    previous = None
    for value in seq:
        if previous is not None and ((value == "1" and previous != "1") or (value == "" and previous != "")):
            block += 1
        blocks.append(block)
        previous = value
    topic = raw["Topic#"].str.strip()
    if not topic.str.fullmatch(r"\d+").all():
        raise ReaderError(f"{source.id}: every row needs a numeric topic number")
    notes = raw.iloc[:, 4:].apply(lambda c: c.str.strip())
    return pd.DataFrame({
        "row": np.arange(len(raw), dtype="int64"),
        "block": np.asarray(blocks, dtype="int64"),
        "sheet_seq": pd.array(pd.to_numeric(seq.replace("", np.nan)), dtype="Int64"),
        "topic": topic.astype("int64").to_numpy(),
        "tag": raw["Tag"].str.strip().astype("str").to_numpy(),
        "code": raw["Code"].str.strip().astype("str").to_numpy(),
        "notes": [[cell for cell in row if cell] for row in notes.itertuples(index=False)],
    })


def root_causes(path: Path, source) -> pd.DataFrame:
    """Root causes of the forum topics with an accepted answer (`Root_Causes.csv`): 72 rows.

    One row per analysed issue; a topic can appear twice when two of its issues were analysed.
    Text is stripped of surrounding whitespace; the spellings (including typos and category names
    that differ from the codebook's) are kept as in the file. The file does not say whether an
    answer was marked as accepted on the forum or accepted in words by the asker, and its `Coder`
    column is empty.

    Columns:
      topic               int64  forum topic number (file column `accepted_coded`)
      coder               str    file column `Coder` (missing throughout)
      code_category       str    challenge category of the question (file spelling)
      code_subcategory    str    challenge subcategory of the question (file spelling)
      discourse_category  str    Discourse category of the topic
      question_code       str    open code of the question
      answer_code         str    open code of the accepted answer (missing once)
      root_cause          str    free-text root cause ("---" and "Not clear" when none was found)
    """
    raw = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    columns = {"accepted_coded": "topic", "Coder": "coder", "Code Category": "code_category",
               "Code Subcategory": "code_subcategory", "Discourse Category": "discourse_category",
               "Question Code": "question_code", "Answer Code": "answer_code", "Root Cause": "root_cause"}
    missing = set(columns) - set(raw.columns)
    if missing:
        raise ReaderError(f"{source.id}: columns {sorted(missing)} missing; found {list(raw.columns)}")
    table = raw[list(columns)].rename(columns=columns)
    out = pd.DataFrame({name: _text(table[name]) for name in columns.values() if name != "topic"})
    out.insert(0, "topic", table["topic"].str.strip().astype("int64"))
    return out


def monthly_type_counts(path: Path, source) -> pd.DataFrame:
    """Monthly counts per model type (forum mentions or new Hub models), in long format.

    The files are wide: one row per `model_type`, one column per month (headers "2020-07-01" or
    "2020-07"). Empty cells mean zero. Dropped here: rows without a model type and the row "SUM"
    (the Hub table has a blank row and a SUM row at the bottom), and the columns "sum",
    "cumulative sum" and "Cumulative ratio" (totals the Hub table carries on the right). The reader
    checks that a SUM row, where present, equals the column sums, and that every count is a whole
    number. Months that have no column in the file (the Hub table omits months without any new
    model) have no rows here; callers zero-fill them.

    Columns:
      model_type  str    transformers model type (config.model_type), as in the file
      month       str    "YYYY-MM"
      count       int64  forum topics mentioning the type, or Hub models of the type, in that month
    """
    raw = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    first = raw.columns[0]
    types = raw[first].str.strip()
    month_columns, dropped = {}, []
    for column in raw.columns[1:]:
        match = _MONTH.match(column.strip())
        if match:
            month_columns[column] = f"{match.group(1)}-{match.group(2)}"
        elif column.strip().lower() in {"sum", "cumulative sum", "cumulative ratio"}:
            dropped.append(column)
        else:
            raise ReaderError(f"{source.id}: unexpected column {column!r}")
    values = raw[list(month_columns)].apply(lambda c: pd.to_numeric(c.str.strip().replace("", "0")))
    if not np.allclose(values.to_numpy(), np.round(values.to_numpy())):
        raise ReaderError(f"{source.id}: counts must be whole numbers")
    values = values.round().astype("int64")
    is_sum = types.str.upper() == "SUM"
    keep = (types != "") & ~is_sum
    if is_sum.any():
        stated = values[is_sum].iloc[0]
        computed = values[keep].sum()
        if not (stated == computed).all():
            bad = list(stated.index[stated != computed])[:5]
            raise ReaderError(f"{source.id}: SUM row disagrees with the column sums in {bad}")
    if types[keep].duplicated().any():
        raise ReaderError(f"{source.id}: a model type appears twice")
    wide = values[keep].copy()
    wide.columns = [month_columns[c] for c in wide.columns]
    wide.insert(0, "model_type", types[keep].to_numpy())
    long = wide.melt(id_vars="model_type", var_name="month", value_name="count")
    return long.astype({"model_type": "str", "month": "str", "count": "int64"}).reset_index(drop=True)


def card_stats(path: Path, source) -> pd.DataFrame:
    """Models created per month and how many of them have a model card (Figure 4 of the paper).

    In the file, `count` is the number of Hub models whose creation month is `month_year` and
    `has_card` the number of those with a non-empty card field (a count, not a flag); `card_ratio`
    is their quotient. The reader checks that has_card <= count and that the stated ratio equals
    has_card / count, and recomputes the ratio from the counts. The first (unnamed) column is a
    row index and is dropped.

    Columns:
      month       str      creation month "YYYY-MM"
      models      int64    models created in the month (file column `count`)
      with_card   int64    of these, models with a model card (file column `has_card`)
      card_ratio  float64  with_card / models
    """
    raw = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    needed = {"month_year", "has_card", "count", "card_ratio"}
    if not needed <= set(raw.columns):
        raise ReaderError(f"{source.id}: columns {sorted(needed - set(raw.columns))} missing")
    months = raw["month_year"].str.strip()
    if not months.str.fullmatch(r"\d{4}-\d{2}").all():
        raise ReaderError(f"{source.id}: month_year must be YYYY-MM")
    models = raw["count"].astype("int64")
    with_card = raw["has_card"].astype("int64")
    stated = raw["card_ratio"].astype("float64")
    if (with_card > models).any() or (models <= 0).any():
        raise ReaderError(f"{source.id}: has_card must not exceed count, and count must be positive")
    ratio = with_card / models
    if not np.allclose(ratio, stated, atol=1e-9):
        raise ReaderError(f"{source.id}: card_ratio is not has_card / count")
    return pd.DataFrame({"month": months.astype("str"), "models": models, "with_card": with_card,
                         "card_ratio": ratio.astype("float64")})
