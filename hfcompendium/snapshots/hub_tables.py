"""Writing the tidy tables of a hub snapshot from staging batches (see `hub_records` for reading).

    models               one row per model (`MODELS_SCHEMA`)
    model_types_monthly  model_type, month ("YYYY-MM"), count: models per valid type per creation
                         month, every month from the first to the last counted one (zeros too);
                         the long form of the published table
    cards_monthly        month, models, with_card, card_ratio
    base_model_links     model_id, base_model, relation, source ("tag" | "card")
    libraries            model_id, library_name

Batches stream through: `models`, `base_model_links` and `libraries` are appended
to parquet files (buffered into row groups of about 64k rows), and the monthly
tables are counters updated per batch and written at the end. Memory stays
bounded by the batch size plus 8 bytes per model for de-duplication.

Data traps, and what the tables do about them:

- `downloads` counts the last 30 days only; `downloads_all_time` (when the Hub
  returns it) is the total. A missing `downloads` or `likes` becomes 0.
- `createdAt` of repositories older than the Hub's creation-date field is the
  sentinel 2022-03-02T23:29:04.000Z. Those rows get `created_at_is_sentinel`; their
  true creation month is unknown unless first-commit dates were fetched
  (`first_commit_at`). The monthly tables use `first_commit_at` for sentinel rows
  and leave out sentinel rows without it (counted in the notes), rather than
  piling every old model into March 2022.
- `modelId` is the deprecated name of `id`; either is accepted.
- `model_type` is `config.model_type` (tags are unreliable); only types that
  transformers' auto-mapping knows are "valid" and counted in `model_types_monthly`.
- Base models come as tags `base_model:<relation>:<id>` (finetune, adapter,
  quantized, merge, ...) or bare `base_model:<id>`, and as `cardData.base_model`
  (a string or a list). A bare tag repeating a base that a relation tag already
  names is dropped; bare tags and card entries get the relation "unspecified".
- Duplicate ids (a listing that shifted while it was paged) keep their first row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .hub_records import (
    DUMP_BATCH_ROWS,
    MODELS_SCHEMA,
    STAGING_SCHEMA,
    TIMESTAMP,
    ConversionError,
    dump_columns,
    staging_from_dump,
    staging_from_json_block,
    timestamps,
)

SENTINEL_CREATED_AT = dt.datetime(2022, 3, 2, 23, 29, 4, tzinfo=dt.timezone.utc)
ROW_GROUP_ROWS = 65_536
# Dictionary encoding pays only for columns with few distinct values.
DICTIONARY_COLUMNS = ("author", "library_name", "pipeline_tag", "model_type", "gated", "tags.list.element",
                      "base_model", "relation", "source")
BASE_MODEL_TAG = r"^base_model:(?:(?P<relation>[^:]+):)?(?P<base>[^:]+)$"

MODEL_TYPES_MONTHLY_SCHEMA = pa.schema([
    pa.field("model_type", pa.string(), nullable=False),
    pa.field("month", pa.string(), nullable=False),
    pa.field("count", pa.int64(), nullable=False),
])
CARDS_MONTHLY_SCHEMA = pa.schema([
    pa.field("month", pa.string(), nullable=False),
    pa.field("models", pa.int64(), nullable=False),
    pa.field("with_card", pa.int64(), nullable=False),
    pa.field("card_ratio", pa.float64(), nullable=False),
])
BASE_MODEL_LINKS_SCHEMA = pa.schema([
    pa.field("model_id", pa.string(), nullable=False),
    pa.field("base_model", pa.string(), nullable=False),
    pa.field("relation", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
])
LIBRARIES_SCHEMA = pa.schema([
    pa.field("model_id", pa.string(), nullable=False),
    pa.field("library_name", pa.string(), nullable=False),
])
TABLES = ("models", "model_types_monthly", "cards_monthly", "base_model_links", "libraries")
__all__ = ["ConversionError", "HubTablesWriter", "convert_json_blocks", "convert_dump", "MODELS_SCHEMA", "TABLES"]


class SeenIds:
    """The ids written so far, kept as 64-bit hashes in one sorted numpy array (8 bytes per model).

    A set of 2.5 million id strings would take about 300 MB. Two different ids with the
    same 64-bit hash would drop the second model; among 2.5 million ids the chance of
    that is about one in ten million.
    """

    def __init__(self):
        self._sorted = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._sorted)

    def first_sightings(self, ids: list[str | None]) -> np.ndarray:
        """A mask of the ids not seen before (the first of repeats within `ids` counts); records them."""
        hashes = np.fromiter((hash(i) for i in ids), dtype=np.int64, count=len(ids))
        keep = np.fromiter((i is not None for i in ids), dtype=bool, count=len(ids))
        position = np.searchsorted(self._sorted, hashes)
        known = position < len(self._sorted)
        known[known] = self._sorted[position[known]] == hashes[known]
        keep &= ~known
        first_in_batch = np.zeros(len(ids), dtype=bool)
        first_in_batch[np.unique(hashes, return_index=True)[1]] = True
        keep &= first_in_batch
        new = np.sort(hashes[keep])
        self._sorted = np.insert(self._sorted, np.searchsorted(self._sorted, new), new)
        return keep


class _TableFile:
    """A parquet file written in row groups of about ROW_GROUP_ROWS rows."""

    def __init__(self, path: Path, schema: pa.Schema):
        columns = [c for c in DICTIONARY_COLUMNS if c.split(".")[0] in schema.names]
        self.writer = pq.ParquetWriter(path, schema, use_dictionary=columns)
        self.schema = schema
        self.pending: list[pa.RecordBatch] = []
        self.rows = 0

    def append(self, columns: dict) -> None:
        batch = pa.RecordBatch.from_pydict(columns, schema=self.schema)
        self.pending.append(batch)
        self.rows += batch.num_rows
        if self.rows >= ROW_GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_batches(self.pending, schema=self.schema))
        self.pending, self.rows = [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


class HubTablesWriter:
    """Consumes staging batches; `close()` finishes every table and returns their files."""

    def __init__(self, out_dir: Path, valid_types: Iterable[str], first_commits: dict[str, str] | None = None):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.first_commits = first_commits or {}     # id -> ISO time of the first commit, for sentinel rows
        self.notes: Counter = Counter()
        self._seen = SeenIds()
        self._types_by_month: Counter = Counter()
        self._models_by_month: Counter = Counter()
        self._cards_by_month: Counter = Counter()
        self._valid = pa.array(sorted(valid_types), pa.string())
        self._sentinel = pa.scalar(SENTINEL_CREATED_AT, TIMESTAMP)
        self._files = {table: _TableFile(self.path(table), schema) for table, schema in (
            ("models", MODELS_SCHEMA), ("base_model_links", BASE_MODEL_LINKS_SCHEMA), ("libraries", LIBRARIES_SCHEMA))}

    def path(self, table: str) -> Path:
        return self.out_dir / f"{table}.parquet"

    def add(self, staging: pa.RecordBatch) -> None:
        self.notes["records_read"] += staging.num_rows
        staging = self._drop_repeats(staging)
        if staging.num_rows == 0:
            return
        created = staging.column("created_at")
        sentinel = pc.fill_null(pc.equal(created, self._sentinel), False)
        first_commit = self._first_commit_times(staging.column("id"))
        models = {name: staging.column(name) for name in STAGING_SCHEMA.names if name != "card_base_models"}
        self._files["models"].append({**models, "created_at_is_sentinel": sentinel, "first_commit_at": first_commit})
        library = staging.column("library_name")
        has_library = pc.is_valid(library)
        self._files["libraries"].append({"model_id": pc.filter(staging.column("id"), has_library),
                                         "library_name": pc.filter(library, has_library)})
        self._files["base_model_links"].append(base_model_links(staging))
        self._count_months(staging, pc.if_else(sentinel, first_commit, created))
        self.notes["sentinel_rows"] += pc.sum(sentinel).as_py() or 0

    def close(self) -> dict[str, Path]:
        for file in self._files.values():
            file.close()
        pq.write_table(self._model_types_monthly(), self.path("model_types_monthly"))
        pq.write_table(self._cards_monthly(), self.path("cards_monthly"))
        self.notes["models"] = len(self._seen)
        return {table: self.path(table) for table in TABLES}

    def _drop_repeats(self, staging: pa.RecordBatch) -> pa.RecordBatch:
        ids = staging.column("id")
        keep = self._seen.first_sightings(ids.to_pylist())
        self.notes["records_without_id"] += ids.null_count
        self.notes["duplicate_ids_dropped"] += int(len(keep) - keep.sum()) - ids.null_count
        return staging if keep.all() else staging.filter(pa.array(keep))

    def _first_commit_times(self, ids: pa.Array) -> pa.Array:
        if not self.first_commits:
            return pa.nulls(len(ids), TIMESTAMP)
        found = [self.first_commits.get(i) for i in ids.to_pylist()]
        self.notes["first_commit_dates_used"] += sum(v is not None for v in found)
        return timestamps(found)

    def _count_months(self, staging: pa.RecordBatch, created: pa.Array) -> None:
        month = pc.strftime(created, "%Y-%m")
        self.notes["models_without_creation_month"] += month.null_count
        frame = pa.table({"month": month, "has_card": staging.column("has_card"),
                          "model_type": staging.column("model_type")}).filter(pc.is_valid(month))
        for row in frame.group_by("month").aggregate([("has_card", "count"), ("has_card", "sum")]).to_pylist():
            self._models_by_month[row["month"]] += row["has_card_count"]
            self._cards_by_month[row["month"]] += row["has_card_sum"] or 0
        typed = frame.filter(pc.fill_null(pc.is_in(frame.column("model_type"), value_set=self._valid), False))
        for row in typed.group_by(["model_type", "month"]).aggregate([("month", "count")]).to_pylist():
            self._types_by_month[(row["model_type"], row["month"])] += row["month_count"]

    def _model_types_monthly(self) -> pa.Table:
        types = sorted({t for t, _ in self._types_by_month})
        months = month_range(self._models_by_month)
        rows = [(t, m, self._types_by_month.get((t, m), 0)) for t in types for m in months]
        self.notes["models_with_valid_type"] = sum(self._types_by_month.values())
        self.notes["distinct_valid_types"] = len(types)
        return pa.Table.from_pydict({"model_type": [r[0] for r in rows], "month": [r[1] for r in rows],
                                     "count": [r[2] for r in rows]}, schema=MODEL_TYPES_MONTHLY_SCHEMA)

    def _cards_monthly(self) -> pa.Table:
        months = sorted(self._models_by_month)
        models = [self._models_by_month[m] for m in months]
        cards = [self._cards_by_month[m] for m in months]
        return pa.Table.from_pydict({"month": months, "models": models, "with_card": cards,
                                     "card_ratio": [c / m for c, m in zip(cards, models)]},
                                    schema=CARDS_MONTHLY_SCHEMA)


def base_model_links(staging: pa.RecordBatch) -> dict[str, pa.Array]:
    """Link rows of a batch, from `base_model:` tags and from `cardData.base_model`, computed in Arrow."""
    ids = staging.column("id")
    tags = staging.column("tags")
    flat = pc.list_flatten(tags)
    is_link = pc.fill_null(pc.starts_with(flat, "base_model:"), False)
    parsed = pc.extract_regex(pc.filter(flat, is_link), BASE_MODEL_TAG)
    owners = pc.take(ids, pc.filter(pc.list_parent_indices(tags), is_link))
    matched = pc.is_valid(parsed)
    relation = pc.filter(pc.struct_field(parsed, "relation"), matched)
    tag_links = pa.table({
        "model_id": pc.filter(owners, matched),
        "base_model": pc.filter(pc.struct_field(parsed, "base"), matched),
        "relation": pc.if_else(pc.equal(relation, ""), "unspecified", relation),
    })
    cards = staging.column("card_base_models")
    card_links = pa.table({"model_id": pc.take(ids, pc.list_parent_indices(cards)),
                           "base_model": pc.list_flatten(cards),
                           "relation": pa.array(["unspecified"] * len(pc.list_flatten(cards)), pa.string())})
    links = pa.concat_tables([
        tag_links.append_column("source", pa.array(["tag"] * tag_links.num_rows, pa.string())),
        card_links.append_column("source", pa.array(["card"] * card_links.num_rows, pa.string())),
    ])
    # A bare tag naming a base that a relation tag also names adds nothing.
    pair = pc.binary_join_element_wise(links["model_id"], links["base_model"], "\x00")
    from_tag = pc.equal(links["source"], "tag")
    bare = pc.and_(from_tag, pc.equal(links["relation"], "unspecified"))
    named = pc.filter(pair, pc.and_(from_tag, pc.invert(bare)))
    links = links.filter(pc.invert(pc.and_(bare, pc.is_in(pair, value_set=named))))
    # Identical rows (a tag or card entry written twice) count once; the first is kept, in order.
    key = pc.binary_join_element_wise(links["model_id"], links["base_model"], links["relation"], links["source"], "\x00")
    first = np.unique(pc.index_in(key, value_set=pc.unique(key)).to_numpy(), return_index=True)[1]
    if len(first) < links.num_rows:
        links = links.take(pa.array(np.sort(first)))
    return {name: links[name].combine_chunks() for name in BASE_MODEL_LINKS_SCHEMA.names}


def month_range(months: Iterable[str]) -> list[str]:
    """Every "YYYY-MM" from the earliest to the latest of `months`."""
    present = sorted(months)
    if not present:
        return []
    year, month = map(int, present[0].split("-"))
    result = []
    while True:
        label = f"{year:04d}-{month:02d}"
        result.append(label)
        if label >= present[-1]:
            return result
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def convert_json_blocks(blocks: Iterable[bytes], writer: HubTablesWriter) -> dict[str, Path]:
    """Convert blocks of raw model lines (e.g. `Journal.iter_blocks()`) into tables; returns the files."""
    line = 1
    for block in blocks:
        writer.add(staging_from_json_block(block, first_line=line))
        line += block.count(b"\n")
    return writer.close()


def convert_dump(parquet_path: Path, writer: HubTablesWriter, batch_rows: int = DUMP_BATCH_ROWS) -> dict[str, Path]:
    """Convert a hub-stats style `models.parquet` dump into tables; returns the files."""
    try:
        dump = pq.ParquetFile(parquet_path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ConversionError(f"{parquet_path} is not a readable parquet file: {exc}") from None
    columns = dump_columns(dump.schema_arrow)
    for batch in dump.iter_batches(batch_size=batch_rows, columns=sorted(set(columns.values()))):
        writer.add(staging_from_dump(batch, columns))
    return writer.close()
