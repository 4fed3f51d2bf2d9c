"""Public entry point for data: `load(source_id)` gives the tidy table of a registered source.

Tidy tables are cached as parquet, keyed by the source's sha256 and the
reader's source code, so a book build parses each source once rather than in
every notebook that reads it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from . import paths, readers, runlog
from .fetch import fetch
from .registry import Source, get_source, sources_matching

__all__ = ["load", "load_many", "path", "source", "sources", "provenance"]


def source(source_id: str) -> Source:
    return get_source(source_id)


def sources(prefix: str = "") -> list[Source]:
    return sources_matching(prefix)


def path(source_id: str) -> Path:
    """Verified local path of a source's original bytes."""
    src = get_source(source_id)
    local = fetch(src)
    runlog.append(runlog.READS_FILE, {"source": src.id, "sha256": src.sha256})
    return local


def load(source_id: str, *, use_cache: bool = True) -> pd.DataFrame:
    """Tidy DataFrame of a source (see the source's reader for columns and dtypes)."""
    src = get_source(source_id)
    cache_file = _table_cache_file(src)
    if use_cache and cache_file.exists():
        runlog.append(runlog.READS_FILE, {"source": src.id, "sha256": src.sha256})
        try:
            # Entries are written with page checksums: a damaged one fails here instead of
            # returning wrong values.
            return pd.read_parquet(cache_file, page_checksum_verification=True)
        except Exception:  # unreadable or damaged cache entry: rebuild it below
            cache_file.unlink(missing_ok=True)
    table = readers.resolve(src.reader)(path(source_id), src)
    if use_cache:
        _store_table(table, cache_file)
    return table


def load_many(prefix: str) -> pd.DataFrame:
    """Concatenate the tables of every source whose id starts with `prefix`, adding a `source_id` column."""
    parts = [load(s.id).assign(source_id=s.id) for s in sources_matching(prefix)]
    if not parts:
        raise KeyError(f"No registered source id starts with {prefix!r}")
    return pd.concat(parts, ignore_index=True)


def provenance(source_ids: list[str]) -> pd.DataFrame:
    """A compact table naming where each source comes from, for a chapter's data section.

    The data catalogue page has the full record (description, citation, sha256, caveats)."""
    rows = []
    for sid in source_ids:
        s = get_source(sid)
        rows.append({
            "source": s.id,
            "file": s.filename,
            "repository @ commit": f"{s.repo} @ {s.commit[:7]}",
            "snapshot": f"{s.snapshot_date or 'n/a'} ({s.snapshot_date_basis})",
            "licence": s.licence.split(" (")[0],
        })
    return pd.DataFrame(rows).set_index("source")


# Part of every table cache key: entries of an older format are simply never read again.
CACHE_FORMAT = "parquet with page checksums"


def _table_cache_file(src: Source) -> Path:
    key = hashlib.sha256(
        (src.sha256 + src.reader + readers.reader_fingerprint(src.reader) + CACHE_FORMAT).encode()
    ).hexdigest()[:24]
    return paths.table_cache_dir() / f"{src.id}-{key}.parquet"


def _store_table(table: pd.DataFrame, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".parquet")
    os.close(fd)
    try:
        table.to_parquet(name, index=False, write_page_checksum=True)
        os.replace(name, target)
    except Exception:
        # Tables with cells parquet cannot hold are simply not cached.
        Path(name).unlink(missing_ok=True)
