"""Reading Hub model records into Arrow "staging" batches, from raw JSON lines or from a dump.

Two inputs, one output shape (`STAGING_SCHEMA`, the `models` columns plus
`card_base_models`):

- the JSON lines a capture stored, one `/api/models` record per line, read in
  blocks of whole lines: a block becomes one JSON array (newlines replaced by
  commas, a single C-level pass) that msgspec decodes straight into the few
  fields used. Large nested objects are never built: `config` is read for its
  top-level `model_type` only, `cardData` stays raw bytes and is decoded only
  when it names a `base_model`.
- a periodic public dump (`models.parquet`, hub-stats style), read in row batches;
  `config` and `cardData` may be struct columns or JSON strings.

Values of unexpected shape (a number where text belongs, a list for `config`,
an unparseable date) become nulls rather than errors: one odd repository must
not stop the conversion of millions.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

TIMESTAMP = pa.timestamp("us", tz="UTC")
BLOCK_BYTES = 16 << 20      # raw JSON lines decoded per batch (some 5,000-20,000 models)
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
    tags: Any = None
    config: _Config | None = None
    cardData: msgspec.Raw = msgspec.Raw(b"null")   # only its emptiness and base_model matter
    sha: Any = None
    gated: Any = None


_BATCH_DECODER = msgspec.json.Decoder(list[_Record])
_RECORD_DECODER = msgspec.json.Decoder(_Record)
_CARD_DECODER = msgspec.json.Decoder(_Card)
_CONFIG_DECODER = msgspec.json.Decoder(_Config)


def staging_from_json_block(block: bytes, first_line: int = 1) -> pa.RecordBatch:
    """Decode a block of whole JSON lines (one model each, newline-terminated) into a staging batch."""
    body = block.rstrip(b"\n")
    try:
        records = _BATCH_DECODER.decode(b"[" + body.replace(b"\n", b",") + b"]")
    except (msgspec.ValidationError, msgspec.DecodeError):
        records = [_decode_one(line, first_line + n) for n, line in enumerate(body.split(b"\n")) if line.strip()]
    return _staging_from_records(records)


def staging_from_json_lines(lines: list[bytes], first_line: int = 1) -> pa.RecordBatch:
    """Decode JSON lines (each without its newline) into a staging batch."""
    return staging_from_json_block(b"\n".join(lines) + b"\n", first_line)


def _staging_from_records(records: list) -> pa.RecordBatch:
    cards = [r.cardData for r in records]
    columns = {
        "id": _strings([r.id if r.id is not None else r.modelId for r in records]),
        "author": _strings([r.author for r in records]),
        "created_at": timestamps([r.createdAt for r in records]),
        "last_modified": timestamps([r.lastModified for r in records]),
        "downloads": _ints([r.downloads for r in records], default=0),
        "downloads_all_time": _ints([r.downloadsAllTime for r in records]),
        "likes": _ints([r.likes for r in records], default=0),
        "library_name": _strings([r.library_name for r in records]),
        "pipeline_tag": _strings([r.pipeline_tag for r in records]),
        "model_type": _strings([r.config.model_type if r.config is not None else None for r in records]),
        # Short raw cards are the only ones that can be empty ("{}", "null"); long ones never are.
        "has_card": pa.array([len(raw) > 7 or not _is_empty_json(bytes(raw)) for raw in cards], pa.bool_()),
        "gated": _gated([r.gated for r in records]),
        "sha": _strings([r.sha for r in records]),
        "tags": _string_lists([r.tags for r in records]),
        "card_base_models": _string_lists([_card_base_models(bytes(raw)) if len(raw) > 15 else None
                                           for raw in cards]),
    }
    return pa.RecordBatch.from_pydict(columns, schema=STAGING_SCHEMA)


def _decode_one(line: bytes, line_number: int) -> _Record:
    try:
        return _RECORD_DECODER.decode(line)
    except msgspec.ValidationError:
        pass  # a field of an unexpected shape (say, config as a list): read it generically
    except msgspec.DecodeError as exc:
        raise ConversionError(f"raw line {line_number} is not valid JSON ({exc}): {line[:120]!r}") from None
    data = msgspec.json.decode(line)
    if not isinstance(data, dict):
        raise ConversionError(f"raw line {line_number} is not a JSON object: {line[:120]!r}")
    config = data.get("config")
    card = data.get("cardData")
    known = {k: v for k, v in data.items() if k in _Record.__struct_fields__ and k not in ("config", "cardData")}
    return _Record(
        **known,
        config=_Config(model_type=config.get("model_type")) if isinstance(config, dict) else None,
        cardData=msgspec.Raw(msgspec.json.encode(card)),
    )


def _is_empty_json(raw: bytes) -> bool:
    return len(raw) < 8 and raw.replace(b" ", b"") in (b"", b"null", b"{}", b"[]", b'""', b"false")


def _card_base_models(raw: bytes) -> list[str] | None:
    if b'"base_model"' not in raw:
        return None
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
        return pa.array([_parse_time(v) for v in strings.to_pylist()], TIMESTAMP)


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


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
