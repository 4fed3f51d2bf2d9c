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
bounded by the batch size plus 8 bytes per model for de-duplication. A large
capture is decoded by worker processes beside the writing one (`convert_journal`);
the tables do not depend on how many there are.

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
import os
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

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
    DecodingWorkers,
    PieceError,
    dump_columns,
    keep_buffers_for_reuse,
    staging_from_dump,
    staging_from_json_block,
    timestamps,
)
from .journal import BLOCK_BYTES, Journal

SENTINEL_CREATED_AT = dt.datetime(2022, 3, 2, 23, 29, 4, tzinfo=dt.timezone.utc)
ROW_GROUP_ROWS = 65_536
DECODE_BYTES = 4 << 20          # raw lines decoded at a time (some 5,000 models): bounds the memory per decode
MAX_WORKERS = 4
PARALLEL_MIN_BYTES = 64 << 20   # smaller captures are not worth starting worker processes for
LOCAL_AHEAD = 2                 # pieces decoded by this process that may wait for their turn
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
__all__ = ["ConversionError", "HubTablesWriter", "convert_json_blocks", "convert_journal", "convert_dump",
           "MODELS_SCHEMA", "TABLES"]


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

    def first_sightings(self, ids: list[str | None], present: np.ndarray | None = None) -> np.ndarray:
        """A mask of the ids not seen before (the first of repeats within `ids` counts); records them.

        `present` (whether each id is not None) may be given when it is known already."""
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        if present is None:
            present = np.fromiter((i is not None for i in ids), dtype=bool, count=len(ids))
        keep = present.copy()
        position = np.searchsorted(self._sorted, hashes)
        known = position < len(self._sorted)
        known[known] = self._sorted[position[known]] == hashes[known]
        keep &= ~known
        first_in_batch = np.zeros(len(hashes), dtype=bool)
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
        keep = self._seen.first_sightings(ids.to_pylist(), ids.is_valid().to_numpy(zero_copy_only=False))
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
        # Months as integers (year * 12 + month - 1), counted with numpy; labelled once per batch.
        month = pc.add(pc.multiply(pc.year(created), 12), pc.subtract(pc.month(created), 1))
        self.notes["models_without_creation_month"] += month.null_count
        dated = pc.is_valid(month)
        months = pc.filter(month, dated).to_numpy().astype(np.int64)
        if len(months) == 0:
            return
        has_card = pc.filter(staging.column("has_card"), dated).to_numpy(zero_copy_only=False)
        low = int(months.min())
        offsets = months - low
        models = np.bincount(offsets)
        cards = np.bincount(offsets, weights=has_card)
        for offset in np.flatnonzero(models):
            label = _month_label(low + int(offset))
            self._models_by_month[label] += int(models[offset])
            self._cards_by_month[label] += int(cards[offset])
        type_index = pc.filter(pc.index_in(staging.column("model_type"), value_set=self._valid), dated)
        typed = pc.is_valid(type_index)
        span = len(models)
        pairs = (pc.filter(type_index, typed).to_numpy().astype(np.int64) * span
                 + offsets[typed.to_numpy(zero_copy_only=False)])
        keys, counts = np.unique(pairs, return_counts=True)
        for key, count in zip(keys.tolist(), counts.tolist()):
            self._types_by_month[(self._valid[key // span].as_py(), _month_label(low + key % span))] += count

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
    owners = pc.take(ids, pc.filter(pc.list_parent_indices(tags), is_link))
    relation, base, matched = _parse_link_tags(pc.filter(flat, is_link))
    relation = pc.filter(relation, matched)
    tag_links = pa.table({
        "model_id": pc.filter(owners, matched),
        "base_model": pc.filter(base, matched),
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
    distinct = pc.unique(key)
    if len(distinct) < links.num_rows:
        first = np.unique(pc.index_in(key, value_set=distinct).to_numpy(), return_index=True)[1]
        links = links.take(pa.array(np.sort(first)))
    return {name: links[name].combine_chunks() for name in BASE_MODEL_LINKS_SCHEMA.names}


def _parse_link_tags(texts: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(relation, base, matched) of `base_model:` tags, as `BASE_MODEL_TAG` reads them.

    `base_model:<relation>:<base>` or `base_model:<base>` with non-empty parts free of
    ":" match; the relation of a bare tag is "". Splitting at ":" is some ten times
    faster than the regular expression."""
    parts = pc.split_pattern(texts, ":")
    count = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
    values = pc.list_flatten(parts)
    offsets = parts.offsets.to_numpy()
    first = offsets[:-1] - offsets[0]
    base = pc.take(values, pa.array(first + np.maximum(count, 1) - 1))
    three = count == 3
    relation = pc.if_else(pa.array(three), pc.take(values, pa.array(first + np.where(three, 1, 0))), "")
    base_ok = pc.greater(pc.binary_length(base), 0).to_numpy(zero_copy_only=False)
    relation_ok = pc.greater(pc.binary_length(relation), 0).to_numpy(zero_copy_only=False)
    matched = ((count == 2) & base_ok) | (three & relation_ok & base_ok)
    return relation, base, pa.array(matched)


def _month_label(key: int) -> str:
    return f"{key // 12:04d}-{key % 12 + 1:02d}"


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
    staged = ((staging_from_json_block(p.data, first_line=p.first_line), p.ends_block) for p in _pieces(blocks))
    _add_by_block(writer, staged)
    return writer.close()


def convert_journal(journal: Journal, writer: HubTablesWriter, workers: int | None = None) -> dict[str, Path]:
    """Convert the raw model lines of a capture (`raw/models.jsonl`, up to its checkpoint) into tables.

    The same tables as `convert_json_blocks(journal.iter_blocks(), writer)`, down to their
    row order and row groups. When the lines make at least `PARALLEL_MIN_BYTES` and
    `workers` is not 0 (default: one per further usable core, at most `MAX_WORKERS`),
    child processes decode pieces of `DECODE_BYTES`, reading them from the file
    themselves, while this process de-duplicates and writes them in order, and decodes a
    piece itself whenever it would otherwise wait. Each worker is given a few pieces at a
    time (a block's worth, so it keeps busy while a block is written) and at most
    `LOCAL_AHEAD` pieces wait here to be written, so memory stays bounded whatever the
    size of the capture (see `DecodingWorkers`).
    """
    workers = default_workers() if workers is None else max(0, workers)
    path, limit = journal.lines_path, journal.complete_bytes()
    size = min(limit, path.stat().st_size) if path.exists() else 0
    if size >= PARALLEL_MIN_BYTES:
        keep_buffers_for_reuse()
    if workers == 0 or size < PARALLEL_MIN_BYTES:
        return convert_json_blocks(journal.iter_blocks(), writer)
    with open(path, "rb") as lines, DecodingWorkers(workers, path) as decoders:
        _add_by_block(writer, _decoded_spans(_journal_spans(path, limit), decoders, lines.fileno(), path))
    return writer.close()


@dataclass
class _Pending:
    span: tuple[int, int, bool]          # offset, length, ends its block
    worker: object = None                # the worker decoding it, or None once decoded here
    batch: pa.RecordBatch | None = None


def _decoded_spans(spans: Iterator[tuple[int, int, bool]], decoders: DecodingWorkers, fd: int,
                   path: Path) -> Iterator[tuple[pa.RecordBatch, bool]]:
    """(staging batch, ends its block) of every span, in order, decoded by the workers or here."""
    pending: deque[_Pending] = deque()
    spans = iter(spans)
    exhausted = False

    def next_span():
        nonlocal exhausted
        span = None if exhausted else next(spans, None)
        exhausted = span is None
        return span

    while True:
        for worker in decoders.workers:              # every worker keeps `depth` pieces to do
            while worker.given < decoders.depth and (span := next_span()) is not None:
                decoders.send(worker, span[:2])
                pending.append(_Pending(span, worker))
        if not pending:
            return
        head = pending[0]
        if head.batch is None and not decoders.ready(head.worker):
            # The next batch to write is not ready: decode the next piece here meanwhile.
            waiting_here = sum(p.worker is None for p in pending)
            if waiting_here < LOCAL_AHEAD and (span := next_span()) is not None:
                pending.append(_Pending(span, None, _decode_span(fd, path, span)))
                continue
        if head.batch is None:
            try:
                head.batch = decoders.receive(head.worker)
            except PieceError as exc:
                if exc.conversion:   # decoded here again, the piece raises its error with its line numbers
                    _decode_span(fd, path, head.span)
                    raise ConversionError(str(exc)) from None
                raise RuntimeError(f"converting {path} failed:\n{exc}") from None
        pending.popleft()
        yield head.batch, head.span[2]


def _decode_span(fd: int, path: Path, span: tuple[int, int, bool]) -> pa.RecordBatch:
    offset, length, _ = span
    piece = os.pread(fd, length, offset)
    try:
        return staging_from_json_block(piece)
    except ConversionError:
        pass
    # Decoded again with the number of its first line, for the message.
    with open(path, "rb") as lines:
        first_line = 1 + sum(chunk.count(b"\n") for chunk in _chunks(lines, offset))
    return staging_from_json_block(piece, first_line=first_line)


def _add_by_block(writer: HubTablesWriter, staged: Iterable[tuple[pa.RecordBatch, bool]]) -> None:
    group: list[pa.RecordBatch] = []
    for batch, ends_block in staged:
        group.append(batch)
        if ends_block:
            writer.add(group[0] if len(group) == 1 else pa.concat_batches(group))
            group = []


def default_workers() -> int:
    """Decoding workers beside this process: one per further usable core, at most MAX_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:          # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, MAX_WORKERS))


@dataclass
class _Piece:
    data: bytes
    first_line: int
    ends_block: bool


def _pieces(blocks: Iterable[bytes]) -> Iterator[_Piece]:
    """Blocks of whole lines cut at line ends into pieces of about DECODE_BYTES."""
    line = 1
    for block in blocks:
        for start, end in _cuts(len(block), lambda at: block.find(b"\n", at)):
            piece = block if start == 0 and end == len(block) else block[start:end]
            yield _Piece(piece, line, end == len(block))
            line += piece.count(b"\n")


def _cuts(size: int, find_newline) -> Iterator[tuple[int, int]]:
    """(start, end) of the pieces of a block of `size` bytes; `find_newline(at)` is the block's `find`."""
    start = 0
    while True:
        end = find_newline(start + DECODE_BYTES - 1) + 1 if size - start > DECODE_BYTES else 0
        if not end or end >= size:
            end = size
        yield start, end
        if end == size:
            return
        start = end


def _journal_spans(path: Path, limit: int, block_bytes: int = BLOCK_BYTES) -> Iterator[tuple[int, int, bool]]:
    """(offset, length, ends its block) of the pieces `_pieces(Journal.iter_blocks())` makes of
    the first `limit` bytes of a lines file, found with a few small reads near the cuts."""
    with open(path, "rb") as lines:
        fd = lines.fileno()
        limit = min(limit, os.fstat(fd).st_size)
        start = read_to = 0
        while read_to < limit:
            read_to = min(read_to + block_bytes, limit)      # how far iter_blocks has read
            cut = _newline_before(fd, start, read_to)
            if cut is None:
                continue                                     # a line longer than the block: read on

            def find_newline(at: int, block_start: int = start, block_end: int = cut) -> int:
                found = _newline_after(fd, block_start + at, block_end)
                return found - block_start if found >= 0 else -1

            for begin, end in _cuts(cut - start, find_newline):
                yield start + begin, end - begin, start + end == cut
            start = cut


_WINDOW = 1 << 16


def _newline_before(fd: int, low: int, high: int) -> int | None:
    """The position after the last newline in bytes [low, high) of a file, or None."""
    end = high
    while end > low:
        begin = max(low, end - _WINDOW)
        found = os.pread(fd, end - begin, begin).rfind(b"\n")
        if found >= 0:
            return begin + found + 1
        end = begin
    return None


def _newline_after(fd: int, low: int, high: int) -> int:
    """The position of the first newline in bytes [low, high) of a file, or -1."""
    begin = low
    while begin < high:
        window = os.pread(fd, min(_WINDOW, high - begin), begin)
        if not window:
            break
        found = window.find(b"\n")
        if found >= 0:
            return begin + found
        begin += len(window)
    return -1


def _chunks(handle, size: int, chunk: int = 1 << 22) -> Iterator[bytes]:
    while size > 0:
        data = handle.read(min(chunk, size))
        if not data:
            return
        size -= len(data)
        yield data


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
