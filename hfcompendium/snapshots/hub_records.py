"""Reading Hub model records into Arrow "staging" batches, from raw JSON lines or from a dump.

Two inputs, one output shape (`STAGING_SCHEMA`, the `models` columns plus
`card_base_models`):

- the JSON lines a capture stored, one `/api/models` record per line, read in
  blocks of whole lines: a block becomes one JSON array (newlines replaced by
  commas, a single C-level pass) that msgspec decodes straight into the few
  fields used. Large nested objects are never built: `config` is read for its
  top-level `model_type` only, `cardData` stays raw bytes and is decoded only
  when it names a `base_model`, and `tags` stay raw bytes that Arrow splits
  (they are most of a record's small objects). The records are turned into
  columns in one transposition, with the cycle collector paused. Large captures
  are decoded by worker processes (`DecodingWorkers`, used by
  `hub_tables.convert_journal`).
- a periodic public dump (`models.parquet`, hub-stats style), read in row batches;
  `config` and `cardData` may be struct columns or JSON strings.

Values of unexpected shape (a number where text belongs, a list for `config`,
an unparseable date) become nulls rather than errors: one odd repository must
not stop the conversion of millions.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import queue
import re
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any, Sequence

import msgspec
import msgspec.structs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc

from .journal import parse_utc, tolerant_json

TIMESTAMP = pa.timestamp("us", tz="UTC")
DUMP_BATCH_ROWS = 20_000

MODELS_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    pa.field("author", pa.string()),
    pa.field("created_at", TIMESTAMP),
    pa.field("created_at_is_sentinel", pa.bool_(), nullable=False),
    pa.field("first_commit_at", TIMESTAMP),
    pa.field("last_modified", TIMESTAMP),
    pa.field("downloads", pa.int64(), nullable=False),          # last 30 days
    pa.field("downloads_all_time", pa.int64()),
    pa.field("likes", pa.int64(), nullable=False),
    pa.field("library_name", pa.string()),
    pa.field("pipeline_tag", pa.string()),
    pa.field("model_type", pa.string()),
    pa.field("has_card", pa.bool_(), nullable=False),      # cardData has a field (a struct column: a non-null one)
    pa.field("gated", pa.string()),
    pa.field("sha", pa.string()),
    pa.field("tags", pa.list_(pa.string())),
])
STAGED_FIELDS = [f for f in MODELS_SCHEMA if f.name not in ("created_at_is_sentinel", "first_commit_at")]
STAGING_SCHEMA = pa.schema(STAGED_FIELDS + [pa.field("card_base_models", pa.list_(pa.string()))])


class ConversionError(ValueError):
    """Raw records or a dump cannot be turned into tables."""


# ---------------------------------------------------------------- raw JSON lines

class _Config(msgspec.Struct, gc=False):
    model_type: Any = None


class _Card(msgspec.Struct, gc=False):
    base_model: Any = None


class _Record(msgspec.Struct, gc=False):
    """The fields of an `/api/models` record the tables use; everything else is skipped."""
    id: Any = None
    modelId: Any = None          # deprecated spelling of id
    author: Any = None
    createdAt: Any = None
    lastModified: Any = None
    downloads: Any = None
    downloadsAllTime: Any = None
    likes: Any = None
    library_name: Any = None
    pipeline_tag: Any = None
    tags: msgspec.Raw = msgspec.Raw(b"null")        # split in Arrow (see `_tag_lists`)
    config: _Config | None = None
    cardData: msgspec.Raw = msgspec.Raw(b"null")   # only its emptiness and base_model matter
    sha: Any = None
    gated: Any = None


_BATCH_DECODER = msgspec.json.Decoder(list[_Record])
_RECORD_DECODER = msgspec.json.Decoder(_Record)
_CARD_DECODER = msgspec.json.Decoder(_Card)
_CONFIG_DECODER = msgspec.json.Decoder(_Config)
_ANY_DECODER = msgspec.json.Decoder()


def staging_from_json_block(block: bytes, first_line: int = 1) -> pa.RecordBatch:
    """Decode a block of whole JSON lines (one model each, newline-terminated) into a staging batch."""
    try:
        return _staging(block, first_line)
    except UnicodeDecodeError:
        # Bytes that are not UTF-8 (the capture writes none; something else changed the file):
        # they become U+FFFD rather than stopping the conversion.
        return _staging(block.decode("utf-8", "replace").encode("utf-8"), first_line)


def _staging(block: bytes, first_line: int) -> pa.RecordBatch:
    # The records are acyclic: the cycle collector has nothing to find while some thousands
    # of them are built and turned into columns, so it is paused meanwhile.
    with _collector_paused():
        try:
            records = _BATCH_DECODER.decode(_as_json_array(block))
        except (msgspec.ValidationError, msgspec.DecodeError):
            body = block.rstrip(b"\n")
            records = [_decode_one(line, first_line + n) for n, line in enumerate(body.split(b"\n"))
                       if line.strip()]
        return _staging_from_records(records)


def _as_json_array(block: bytes) -> bytes:
    """`a\nb\nc\n` as `[a,b,c]`: newlines become commas, the last one the closing bracket (two copies)."""
    joined = block.replace(b"\n", b",")
    body = memoryview(joined)[:-1] if joined.endswith(b",") else joined
    return b"".join((b"[", body, b"]"))


def staging_from_json_lines(lines: list[bytes], first_line: int = 1) -> pa.RecordBatch:
    """Decode JSON lines (each without its newline) into a staging batch."""
    return staging_from_json_block(b"\n".join(lines) + b"\n", first_line)


@contextlib.contextmanager
def _collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_FIELD_INDEX = {name: index for index, name in enumerate(_Record.__struct_fields__)}


def _staging_from_records(records: list) -> pa.RecordBatch:
    # One C-level transposition of the records into columns (tuples), instead of a
    # Python loop per column.
    if records:
        columns = list(zip(*map(msgspec.structs.astuple, records)))
    else:
        columns = [()] * len(_FIELD_INDEX)

    def column(name: str) -> tuple:
        return columns[_FIELD_INDEX[name]]

    ids, old_ids = column("id"), column("modelId")
    if old_ids.count(None) != len(old_ids):
        ids = [i if i is not None else old for i, old in zip(ids, old_ids)]
    has_card, card_bases = _cards(column("cardData"))
    batch = {
        "id": _strings(ids),
        "author": _strings(column("author")),
        "created_at": timestamps(column("createdAt")),
        "last_modified": timestamps(column("lastModified")),
        "downloads": _ints(column("downloads"), default=0),
        "downloads_all_time": _ints(column("downloadsAllTime")),
        "likes": _ints(column("likes"), default=0),
        "library_name": _strings(column("library_name")),
        "pipeline_tag": _strings(column("pipeline_tag")),
        "model_type": _strings([c.model_type if c is not None else None for c in column("config")]),
        "has_card": has_card,
        "gated": _gated(column("gated")),
        "sha": _strings(column("sha")),
        "tags": _tag_lists(column("tags")),
        "card_base_models": card_bases,
    }
    return pa.RecordBatch.from_pydict(batch, schema=STAGING_SCHEMA)


def _raw_texts(raws: Sequence[msgspec.Raw]) -> pa.Array | None:
    """Raw JSON values as one Arrow string array (a single copy), or None if not valid UTF-8."""
    lengths = np.fromiter(map(len, raws), dtype=np.int64, count=len(raws))
    offsets = np.zeros(len(raws) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    kind, width = (pa.binary(), np.int32) if offsets[-1] < 2**31 else (pa.large_binary(), np.int64)
    data = pa.Array.from_buffers(kind, len(raws), [None, pa.py_buffer(offsets.astype(width)),
                                                   pa.py_buffer(b"".join(raws))])
    try:
        return data.cast(pa.string() if kind == pa.binary() else pa.large_string())
    except pa.ArrowInvalid:
        return None


# A JSON array of strings written compactly with no escape inside: its items are the text
# between `["`, `","` and `"]`. Anything else is decoded (see `_tag_lists`).
_PLAIN_TAGS = r'^\[(?:"[^"\\]*"(?:,"[^"\\]*")*)?\]$'
_NO_TAGS = pa.scalar(None, pa.list_(pa.string()))
_EMPTY_TAGS = pa.scalar([], pa.list_(pa.string()))


def _tag_lists(raws: Sequence[msgspec.Raw]) -> pa.Array:
    """The `tags` column from the raw JSON of each record's tags.

    As `_string_lists` of the decoded values would give, but split in Arrow when every
    value is `null` or a plain array of strings, as the Hub writes them; otherwise every
    value is decoded."""
    texts = _raw_texts(raws) if raws else None
    if texts is not None:
        absent = pc.equal(texts, "null")
        if pc.all(pc.or_(absent, pc.match_substring_regex(texts, _PLAIN_TAGS))).as_py():
            items = pc.split_pattern(pc.utf8_slice_codeunits(texts, 2, -2), '","')
            items = pc.if_else(pc.equal(texts, "[]"), _EMPTY_TAGS, items)
            return pc.if_else(absent, _NO_TAGS, items).cast(pa.list_(pa.string()))
    return _string_lists([_ANY_DECODER.decode(raw) for raw in raws])


_EMPTY_CARDS = pa.array(["", "null", "{}", "[]", '""', "false"])
_NAMES_BASE_MODEL = re.compile(rb'"base_model"').search


def _cards(cards: Sequence[msgspec.Raw]) -> tuple[pa.Array, pa.Array]:
    """`has_card` and `card_base_models` from raw `cardData` values.

    Short raw cards are the only ones that can be empty ("{}", "null"); long ones never
    are. Only a card that names "base_model" is decoded (for that field alone)."""
    texts = _raw_texts(cards) if cards else None
    if texts is None:
        has_card = pa.array([len(raw) > 7 or not _is_empty_json(bytes(raw)) for raw in cards], pa.bool_())
        bases = [_decoded_base_models(raw) if len(raw) > 15 and _NAMES_BASE_MODEL(raw) else None for raw in cards]
        return has_card, _string_lists(bases)
    length = pc.binary_length(texts)
    empty = pc.and_(pc.less(length, 8), pc.is_in(pc.replace_substring(texts, " ", ""), value_set=_EMPTY_CARDS))
    named = pc.and_(pc.greater(length, 15), pc.match_substring(texts, '"base_model"'))
    bases = [None] * len(cards)
    for index in np.flatnonzero(named.to_numpy(zero_copy_only=False)).tolist():
        bases[index] = _decoded_base_models(cards[index])
    return pc.invert(empty), _string_lists(bases)


def _decode_one(line: bytes, line_number: int) -> _Record:
    try:
        return _RECORD_DECODER.decode(line)
    except msgspec.ValidationError:
        data = msgspec.json.decode(line)   # a field of an unexpected shape (say, config as a list): read it generically
    except msgspec.DecodeError as exc:
        try:   # escapes of lone surrogates (a broken emoji) become U+FFFD; anything else is not JSON
            data = tolerant_json(line)
        except ValueError:
            raise ConversionError(f"raw line {line_number} is not valid JSON ({exc}): {line[:120]!r}") from None
        data = msgspec.json.decode(msgspec.json.encode(data))
    if not isinstance(data, dict):
        raise ConversionError(f"raw line {line_number} is not a JSON object: {line[:120]!r}")
    config = data.get("config")
    card = data.get("cardData")
    known = {k: v for k, v in data.items()
             if k in _Record.__struct_fields__ and k not in ("config", "cardData", "tags")}
    return _Record(
        **known,
        tags=msgspec.Raw(msgspec.json.encode(data.get("tags"))),
        config=_Config(model_type=config.get("model_type")) if isinstance(config, dict) else None,
        cardData=msgspec.Raw(msgspec.json.encode(card)),
    )


def _is_empty_json(raw: bytes) -> bool:
    return len(raw) < 8 and raw.replace(b" ", b"") in (b"", b"null", b"{}", b"[]", b'""', b"false")


def _card_base_models(raw: bytes) -> list[str] | None:
    if b'"base_model"' not in raw:
        return None
    return _decoded_base_models(raw)


def _decoded_base_models(raw) -> list[str] | None:
    try:
        value = _CARD_DECODER.decode(raw).base_model
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    return _base_model_list(value)


def _base_model_list(value) -> list[str] | None:
    if isinstance(value, str):
        return [value] if value.strip() else None
    if isinstance(value, list):
        names = [v for v in value if isinstance(v, str) and v.strip()]
        return names or None
    return None


# ---------------------------------------------------------------- tolerant Arrow columns

def _strings(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([v if isinstance(v, str) else None for v in values], pa.string())


def _gated(values: list) -> pa.Array:
    """`gated` is false, "auto" or "manual" (and sometimes true): kept as text."""
    return pa.array([("true" if v else "false") if isinstance(v, bool) else v if isinstance(v, str) else None
                     for v in values], pa.string())


def _ints(values: list, default: int | None = None) -> pa.Array:
    try:
        array = pa.array(values, pa.int64())
    except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
        array = pa.array([int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 2**63
                          else None for v in values], pa.int64())
    return pc.fill_null(array, default) if default is not None else array


def _string_lists(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.list_(pa.string()))
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([[t for t in v if isinstance(t, str)] if isinstance(v, list) else None for v in values],
                        pa.list_(pa.string()))


def timestamps(values: list) -> pa.Array:
    """Text times (ISO 8601) as UTC timestamps; unparseable values become null."""
    strings = _strings(values)
    try:
        return pc.cast(strings, TIMESTAMP)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([parse_utc(v) for v in strings.to_pylist()], TIMESTAMP)




# ---------------------------------------------------------------- reading a public dump

_DUMP_ALIASES = {
    "id": ("id", "modelId"),
    "author": ("author",),
    "created_at": ("createdAt", "created_at"),
    "last_modified": ("lastModified", "last_modified"),
    "downloads": ("downloads",),
    "downloads_all_time": ("downloadsAllTime", "downloads_all_time"),
    "likes": ("likes",),
    "library_name": ("library_name", "libraryName"),
    "pipeline_tag": ("pipeline_tag", "pipelineTag"),
    "tags": ("tags",),
    "config": ("config",),
    "card_data": ("cardData", "card_data"),
    "sha": ("sha",),
    "gated": ("gated",),
}


def dump_columns(schema: pa.Schema) -> dict[str, str]:
    """Which column of a dump feeds each staging field (fields with no column are left out)."""
    names = set(schema.names)
    chosen = {field: next((c for c in options if c in names), None) for field, options in _DUMP_ALIASES.items()}
    if chosen["id"] is None:
        raise ConversionError(f"the dump has no 'id' (or 'modelId') column; its columns are {sorted(names)}")
    return {field: column for field, column in chosen.items() if column is not None}


def staging_from_dump(batch: pa.RecordBatch, columns: dict[str, str]) -> pa.RecordBatch:
    """Turn a batch of a hub-stats style `models.parquet` into a staging batch."""
    n = batch.num_rows

    def column(field):
        return batch.column(columns[field]) if field in columns else pa.nulls(n)

    config, card = column("config"), column("card_data")
    has_card, card_bases = _card_from_dump(card)
    data = {
        "id": _as_strings(column("id")),
        "author": _as_strings(column("author")),
        "created_at": _as_timestamps(column("created_at")),
        "last_modified": _as_timestamps(column("last_modified")),
        "downloads": _as_ints(column("downloads"), default=0),
        "downloads_all_time": _as_ints(column("downloads_all_time")),
        "likes": _as_ints(column("likes"), default=0),
        "library_name": _as_strings(column("library_name")),
        "pipeline_tag": _as_strings(column("pipeline_tag")),
        "model_type": _model_type_from_dump(config),
        "has_card": has_card,
        "gated": _gated(column("gated").to_pylist()) if not pa.types.is_string(column("gated").type)
        else column("gated"),
        "sha": _as_strings(column("sha")),
        "tags": _as_string_lists(column("tags")),
        "card_base_models": card_bases,
    }
    return pa.RecordBatch.from_pydict(data, schema=STAGING_SCHEMA)


def _as_strings(array: pa.Array) -> pa.Array:
    if pa.types.is_string(array.type) or pa.types.is_null(array.type):
        return array.cast(pa.string())
    if pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):
        return array.cast(pa.string())
    return _strings(array.to_pylist())


def _as_ints(array: pa.Array, default: int | None = None) -> pa.Array:
    try:
        result = array.cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        result = _ints(array.to_pylist())
    return pc.fill_null(result, default) if default is not None else result


def _as_timestamps(array: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(array.type):
        if array.type.tz is None:
            array = pc.assume_timezone(array, "UTC")
        return array.cast(TIMESTAMP)
    if pa.types.is_null(array.type):
        return array.cast(TIMESTAMP)
    return timestamps(_as_strings(array).to_pylist())


def _as_string_lists(array: pa.Array) -> pa.Array:
    if pa.types.is_null(array.type):
        return array.cast(pa.list_(pa.string()))
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        try:
            return array.cast(pa.list_(pa.string()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        return _string_lists(array.to_pylist())
    # A JSON-encoded list in a string column.
    return _string_lists([_json_or_none(v) for v in _as_strings(array).to_pylist()])


def _model_type_from_dump(config: pa.Array) -> pa.Array:
    if pa.types.is_struct(config.type):
        if config.type.get_field_index("model_type") < 0:
            return pa.nulls(len(config), pa.string())
        values = pc.struct_field(config, "model_type")
        return pc.if_else(pc.is_valid(config), _as_strings(values), pa.scalar(None, pa.string()))
    if pa.types.is_null(config.type):
        return pa.nulls(len(config), pa.string())
    types = []
    for text in _as_strings(config).to_pylist():
        try:
            types.append(_CONFIG_DECODER.decode(text).model_type if text else None)
        except (msgspec.ValidationError, msgspec.DecodeError):
            types.append(None)
    return _strings(types)


def _card_from_dump(card: pa.Array) -> tuple[pa.Array, pa.Array]:
    n = len(card)
    if pa.types.is_struct(card.type):
        children = [pc.is_valid(pc.struct_field(card, i)) for i in range(card.type.num_fields)]
        any_field = children[0] if children else pa.array([False] * n)
        for child in children[1:]:
            any_field = pc.or_(any_field, child)
        has_card = pc.fill_null(pc.and_(pc.is_valid(card), any_field), False)
        if card.type.get_field_index("base_model") < 0:
            return has_card, pa.nulls(n, pa.list_(pa.string()))
        bases = pc.struct_field(card, "base_model").to_pylist()
        valid = pc.is_valid(card).to_pylist()
        return has_card, _string_lists([_base_model_list(b) if ok else None for b, ok in zip(bases, valid)])
    if pa.types.is_null(card.type):
        return pa.array([False] * n, pa.bool_()), pa.nulls(n, pa.list_(pa.string()))
    texts = _as_strings(card).to_pylist()
    has_card = [text is not None and not _is_empty_json(text.encode()) for text in texts]
    bases = [_card_base_models(text.encode()) if text else None for text in texts]
    return pa.array(has_card, pa.bool_()), _string_lists(bases)


def _json_or_none(text: str | None):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


# ---------------------------------------------------------------- decoding in worker processes

class DecodingWorkers:
    """Child processes that turn pieces of a raw lines file into staging batches.

    Each worker is a fresh interpreter (`python -m hfcompendium.snapshots.hub_records`)
    that reads its pieces from the file itself: only `(offset, length)` goes in over its
    stdin, and the staging batch comes back over its stdout as an Arrow IPC stream (or the
    text of an error), read at once by a thread of this process, so a worker never waits
    for its answer to be taken. A worker is given at most `depth` pieces at a time (`send`,
    then `receive` in the same order; 4 pieces of 4 MiB make one block of `Journal.iter_blocks`),
    so memory stays bounded whatever the size of the file, and nothing depends on how the
    calling program was started (no fork, no re-import of its main module).
    """

    def __init__(self, count: int, path: Path, depth: int = 4):
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**_ALLOCATOR_SETTINGS, **os.environ,
               "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        self.path, self.depth = Path(path), depth
        self._workers: list[_Worker] = []
        try:
            for _ in range(count):
                errors = tempfile.TemporaryFile()
                process = subprocess.Popen([sys.executable, "-m", __name__, "--decode-worker", str(self.path)],
                                           env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                                           bufsize=0)
                self._workers.append(_Worker(process, errors))
        except BaseException:
            self.close()
            raise

    @property
    def workers(self) -> list["_Worker"]:
        return list(self._workers)

    def send(self, worker: "_Worker", piece: tuple[int, int]) -> None:
        """Give `worker` the piece `(offset, length)` of the file to decode."""
        try:
            worker.process.stdin.write(_REQUEST.pack(*piece))
        except OSError:
            raise RuntimeError(worker.died()) from None
        worker.given += 1

    @staticmethod
    def ready(worker: "_Worker") -> bool:
        """Whether the answer for the oldest piece given to `worker` has arrived."""
        return not worker.answers.empty()

    def receive(self, worker: "_Worker") -> pa.RecordBatch:
        """The staging batch of the oldest piece given to `worker` (waiting for it if need be).

        A piece the worker could not convert raises `PieceError`."""
        status, payload = worker.answers.get()
        worker.given -= 1
        if status == b"B":
            return pa.ipc.open_stream(pa.py_buffer(payload)).read_next_batch()
        if status is None:
            raise RuntimeError(worker.died())
        raise PieceError(payload.decode("utf-8", "replace"), conversion=status == b"E")

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def __enter__(self) -> "DecodingWorkers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Worker:
    def __init__(self, process: subprocess.Popen, errors):
        self.process, self.errors = process, errors
        self.given = 0                               # pieces sent and not yet received
        self.answers: queue.SimpleQueue = queue.SimpleQueue()
        self.reader = threading.Thread(target=self._read_answers, daemon=True)
        self.reader.start()

    def _read_answers(self) -> None:
        _widen_pipe(self.process.stdout)
        try:
            while True:
                header = self._read_exactly(_RESPONSE.size)
                if header is None:
                    break
                status, size = _RESPONSE.unpack(header)
                payload = self._read_exactly(size)
                if payload is None:
                    break
                self.answers.put((status, payload))
        except (OSError, ValueError):
            pass
        self.answers.put((None, b""))                # the worker is gone

    def _read_exactly(self, size: int) -> bytes | None:
        parts, missing = [], size
        while missing:
            data = self.process.stdout.read(missing)
            if not data:
                return None
            parts.append(data)
            missing -= len(data)
        return b"".join(parts)

    def died(self) -> str:
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.errors.seek(0)
        tail = self.errors.read()[-2000:].decode("utf-8", "replace")
        return f"a decoding worker stopped (exit code {self.process.returncode}):\n{tail}"

    def stop(self) -> None:
        try:
            self.process.stdin.close()               # end of input: the worker exits
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=10)
        self.process.stdout.close()
        self.errors.close()


class PieceError(RuntimeError):
    """A worker could not convert a piece; `conversion` tells a ConversionError from a crash."""

    def __init__(self, message: str, conversion: bool):
        super().__init__(message)
        self.conversion = conversion


# glibc's malloc would hand each piece-sized buffer back to the system and fault it in
# again for the next piece (a third of a worker's time); these keep such buffers in the
# heap for reuse. They only apply where glibc reads them, and a user's own setting wins.
_ALLOCATOR_SETTINGS = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(128 << 20)}


def keep_buffers_for_reuse() -> None:
    """`_ALLOCATOR_SETTINGS` for this process too (it decodes pieces as well), unless the user set
    any MALLOC_ variable. Where the C library is not glibc, nothing happens."""
    if any(name.startswith("MALLOC_") for name in os.environ):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 32 << 20)        # M_MMAP_THRESHOLD
        libc.mallopt(-1, 128 << 20)       # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def _widen_pipe(pipe) -> None:
    """A 1 MiB pipe buffer where Linux allows it: fewer switches between processes per answer."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), 1031, 1 << 20)      # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass


_REQUEST = struct.Struct("<qq")      # offset, length
_RESPONSE = struct.Struct("<cq")     # b"B" batch | b"E" conversion error | b"X" other error, payload length


def _serve(path: str, requests, answers) -> None:
    """A worker's loop: read piece positions until the input ends, answer each with a batch or an error."""
    with open(path, "rb") as lines:
        while True:
            header = requests.read(_REQUEST.size)
            if len(header) < _REQUEST.size:
                return
            offset, size = _REQUEST.unpack(header)
            try:
                piece = os.pread(lines.fileno(), size, offset)
                if len(piece) != size:
                    raise ConversionError(f"{path} ended before byte {offset + size}: it changed during the conversion")
                batch = staging_from_json_block(piece)
                stream = pa.BufferOutputStream()
                with pa.ipc.new_stream(stream, batch.schema) as writer:
                    writer.write_batch(batch)
                status, payload = b"B", memoryview(stream.getvalue())
            except ConversionError as exc:
                status, payload = b"E", str(exc).encode("utf-8")
            except Exception:
                status, payload = b"X", traceback.format_exc().encode("utf-8")
            answers.write(_RESPONSE.pack(status, len(payload)))
            answers.write(payload)
            answers.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["--decode-worker"]:
    _requests, _answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr          # a stray print must not corrupt the answers
    _serve(sys.argv[2], _requests, _answers)
