"""The local registry of captured snapshots: what exists, what it holds, how to read it.

A snapshot lives in `paths.snapshots_dir()/<name>/`:

    snapshot.json      the manifest; a snapshot exists once this file does
    tables/<t>.parquet the tidy tables chapters read
    raw/               what the capture received (JSON lines, checkpoints), kept so the
                       tables can be rebuilt without asking the server again

The manifest is written last and atomically, so an interrupted capture or
conversion never shows up as a snapshot. It records the name, kind ("hub" or
"forum"), source ("api" or "dump"), endpoint, capture time, the parameters of
the capture, the transformers version whose model types were used, and the row
count and sha256 of every table. `content_hash(name)` folds the table hashes
into one key that the book build uses to notice a changed snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import paths, runlog
from ..fetch import sha256_of
from .journal import write_json_atomically

KINDS = ("hub", "forum")
SOURCES = ("api", "dump")
MANIFEST = "snapshot.json"
TABLES_DIR = "tables"
RAW_DIR = "raw"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class SnapshotError(ValueError):
    """A snapshot is unknown, malformed, or a name is not usable."""


@dataclass(frozen=True)
class TableInfo:
    file: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class SnapshotInfo:
    name: str
    kind: str
    source: str
    endpoint: str | None
    captured_at: str
    completed_at: str
    parameters: dict = field(default_factory=dict)
    transformers_version: str | None = None
    tables: dict[str, TableInfo] = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    path: Path = Path()

    def table_path(self, table: str) -> Path:
        return self.path / self.tables[table].file


def snapshot_dir(name: str) -> Path:
    check_name(name)
    return paths.snapshots_dir() / name


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise SnapshotError(
            f"Snapshot name {name!r} is not usable: use letters, digits, '.', '_' and '-' "
            "(at most 100 characters, starting with a letter or digit)"
        )
    return name


def default_name(kind: str, now: dt.datetime | None = None) -> str:
    """`hub-YYYY-MM-DD` / `forum-YYYY-MM-DD` for the capture date in UTC."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{kind}-{now.astimezone(dt.timezone.utc):%Y-%m-%d}"


def list_snapshots(kind: str | None = None) -> list[SnapshotInfo]:
    """Registered snapshots (of one kind, or all), sorted by name.

    A folder without a readable manifest is skipped (with a warning when the
    manifest exists but cannot be read), so one damaged snapshot never hides the others.
    """
    if kind is not None and kind not in KINDS:
        raise SnapshotError(f"Unknown snapshot kind {kind!r}; kinds: {', '.join(KINDS)}")
    root = paths.snapshots_dir()
    if not root.is_dir():
        return []
    found = []
    for manifest in sorted(root.glob(f"*/{MANIFEST}")):
        try:
            info = _read_manifest(manifest)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            warnings.warn(f"Skipping snapshot folder {manifest.parent}: unreadable manifest ({exc})", stacklevel=2)
            continue
        if kind is None or info.kind == kind:
            found.append(info)
    return found


def get_snapshot(name: str) -> SnapshotInfo:
    manifest = paths.snapshots_dir() / name / MANIFEST
    if NAME_PATTERN.match(name or "") and manifest.is_file():
        return _read_manifest(manifest)
    known = [s.name for s in list_snapshots()]
    raise SnapshotError(
        f"Unknown snapshot {name!r}. Known snapshots: {', '.join(known) or '(none yet)'}. "
        "Capture one with `hfcompendium snapshot hub` or `hfcompendium snapshot forum`."
    )


def load_table(name: str, table: str) -> pd.DataFrame:
    """One table of a snapshot as a DataFrame, recording the read in the chapter's run log.

    Nullable integer columns come back as pandas' `Int64`; the others keep numpy dtypes.
    """
    info = get_snapshot(name)
    if table not in info.tables:
        raise SnapshotError(f"Snapshot {name!r} has no table {table!r}; tables: {', '.join(sorted(info.tables))}")
    entry = info.tables[table]
    _check_table_file(info, table)
    runlog.append(runlog.READS_FILE, {"source": f"snapshot:{name}/{table}", "sha256": entry.sha256})
    arrow = pq.read_table(info.table_path(table))
    nullable_ints = {f.name for f in arrow.schema if pa.types.is_integer(f.type) and f.nullable}
    frame = arrow.to_pandas()
    for column in nullable_ints:
        frame[column] = frame[column].astype("Int64")
    return frame


_VERIFIED: dict[Path, tuple[int, int, str]] = {}    # table file -> (size, mtime, sha256) checked in this process


def _check_table_file(info: SnapshotInfo, table: str) -> None:
    """Refuse a table file whose bytes are not those the manifest recorded (damaged, truncated, replaced)."""
    path, expected = info.table_path(table), info.tables[table].sha256
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SnapshotError(f"Table {table!r} of snapshot {info.name!r} is missing: {path} does not exist. "
                            f"Delete {info.path} and capture the snapshot again.") from None
    if _VERIFIED.get(path) == (stat.st_size, stat.st_mtime_ns, expected):
        return
    actual = sha256_of(path)
    if actual != expected:
        raise SnapshotError(
            f"Table {table!r} of snapshot {info.name!r} is damaged: {path} has sha256 {actual}, but the "
            f"manifest records {expected}. Nothing was read. Delete {info.path} and capture the snapshot "
            "again (or restore the file from a backup)."
        )
    _VERIFIED[path] = (stat.st_size, stat.st_mtime_ns, expected)


def origin(info: SnapshotInfo) -> str:
    """Where a snapshot's data came from: the endpoint crawled (saying so when `--limit` took a sample
    of the first models or topics only), or the dump file imported."""
    if info.source == "dump":
        return f"dump {info.parameters.get('dump_file', '(unnamed file)')}"
    where = info.endpoint or "(endpoint not recorded)"
    limit = info.parameters.get("limit")
    if limit:
        first = "models by creation date" if info.kind == "hub" else "topics, newest first"
        where += f", a sample: the first {limit:,} {first} (--limit {limit})"
    return where


def provenance(names, tables=None) -> pd.DataFrame:
    """Where the data of live snapshots come from, for a chapter's data section.

    One row per table of each named snapshot (or only the `tables` given, in that order):
    snapshot, kind, origin (see `origin`), captured at, table, rows, sha256 (the first 16 hex
    digits; the manifest has all 64)."""
    rows = []
    for name in dict.fromkeys(names):
        info = get_snapshot(name)
        wanted = list(tables) if tables is not None else sorted(info.tables)
        unknown = [t for t in wanted if t not in info.tables]
        if unknown:
            raise SnapshotError(f"Snapshot {name!r} has no table {', '.join(unknown)}; "
                                f"tables: {', '.join(sorted(info.tables))}")
        for table in wanted:
            entry = info.tables[table]
            rows.append({"snapshot": info.name, "kind": info.kind, "origin": origin(info),
                         "captured at": info.captured_at, "table": table, "rows": entry.rows,
                         "sha256": entry.sha256[:16] + "…"})
    return pd.DataFrame(rows, columns=["snapshot", "kind", "origin", "captured at", "table", "rows", "sha256"])


def content_hash(name: str) -> str:
    """A sha256 over the snapshot's kind and table hashes: changes whenever any table does."""
    info = get_snapshot(name)
    lines = [f"kind {info.kind}"] + [f"{t} {info.tables[t].sha256}" for t in sorted(info.tables)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def register(
    name: str,
    *,
    kind: str,
    source: str,
    endpoint: str | None,
    captured_at: str,
    parameters: dict,
    transformers_version: str | None,
    table_files: dict[str, Path],
    notes: dict | None = None,
) -> SnapshotInfo:
    """Write the manifest of a finished snapshot whose tables are already in place."""
    if kind not in KINDS or source not in SOURCES:
        raise SnapshotError(f"kind must be one of {KINDS} and source one of {SOURCES}")
    directory = snapshot_dir(name)
    tables = {}
    for table, file in sorted(table_files.items()):
        relative = Path(file).resolve().relative_to(directory.resolve())
        tables[table] = {
            "file": relative.as_posix(),
            "rows": pq.ParquetFile(file).metadata.num_rows,
            "sha256": sha256_of(Path(file)),
        }
    manifest = {
        "name": name,
        "kind": kind,
        "source": source,
        "endpoint": endpoint,
        "captured_at": captured_at,
        "completed_at": utc_now(),
        "parameters": parameters,
        "transformers_version": transformers_version,
        "tables": tables,
        "notes": notes or {},
    }
    write_json_atomically(directory / MANIFEST, manifest)
    return _read_manifest(directory / MANIFEST)


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _read_manifest(path: Path) -> SnapshotInfo:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("kind") not in KINDS:
        raise ValueError(f"kind {data.get('kind')!r} is not one of {KINDS}")
    return SnapshotInfo(
        name=data["name"],
        kind=data["kind"],
        source=data.get("source", "api"),
        endpoint=data.get("endpoint"),
        captured_at=data["captured_at"],
        completed_at=data.get("completed_at", ""),
        parameters=data.get("parameters") or {},
        transformers_version=data.get("transformers_version"),
        tables={t: TableInfo(**entry) for t, entry in data["tables"].items()},
        notes=data.get("notes") or {},
        path=path.parent,
    )
