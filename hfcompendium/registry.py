"""The source registry (`data/sources.yml`): what each file is and where it comes from."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from . import paths

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
COMMIT_PATTERN = re.compile(r"^[0-9a-f]{40}$")


class RegistryError(ValueError):
    """The registry file is malformed or names a source that does not exist."""


@dataclass(frozen=True)
class Source:
    id: str
    paper: str
    description: str
    url: str
    repo: str
    commit: str
    path: str
    sha256: str
    size: int
    licence: str
    citation: str
    snapshot_date: str | None
    snapshot_date_basis: str
    snapshot_note: str
    format: str
    reader: str

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]


_FIELD_NAMES = {f.name for f in fields(Source)}


def parse_registry(text: str, origin: str = "<registry>") -> dict[str, Source]:
    """Parse registry YAML (safe loader only) into Sources keyed by id, checking each entry."""
    document = yaml.safe_load(text) or {}
    entries = document.get("sources")
    if not isinstance(entries, list):
        raise RegistryError(f"{origin}: expected a top-level 'sources:' list")
    sources: dict[str, Source] = {}
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise RegistryError(f"{origin}: entry {position} is not a mapping")
        missing = _FIELD_NAMES - entry.keys()
        unknown = entry.keys() - _FIELD_NAMES
        name = entry.get("id", f"#{position}")
        if missing or unknown:
            raise RegistryError(
                f"{origin}: source {name!r} has missing fields {sorted(missing)} "
                f"and unknown fields {sorted(unknown)}"
            )
        if not SHA256_PATTERN.match(str(entry["sha256"])):
            raise RegistryError(f"{origin}: source {name!r} has a malformed sha256 {entry['sha256']!r}")
        if not COMMIT_PATTERN.match(str(entry["commit"])):
            raise RegistryError(f"{origin}: source {name!r} must pin a 40-hex commit, got {entry['commit']!r}")
        if name in sources:
            raise RegistryError(f"{origin}: source id {name!r} appears twice")
        sources[name] = Source(**entry)
    return sources


@functools.lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> dict[str, Source]:
    return parse_registry(path.read_text(encoding="utf-8"), origin=str(path))


def load_registry(path: Path | None = None) -> dict[str, Source]:
    path = Path(path or paths.SOURCES_FILE)
    return _load(path, path.stat().st_mtime)


def get_source(source_id: str, registry: dict[str, Source] | None = None) -> Source:
    registry = registry if registry is not None else load_registry()
    try:
        return registry[source_id]
    except KeyError:
        close = [s for s in registry if source_id.split("_")[0] in s][:8]
        hint = f" Similar ids: {', '.join(close)}." if close else ""
        raise RegistryError(
            f"Unknown source {source_id!r}: it is not in {paths.SOURCES_FILE.name}.{hint}"
        ) from None


def sources_matching(prefix: str, registry: dict[str, Source] | None = None) -> list[Source]:
    """All sources whose id starts with `prefix`, in id order (e.g. the 64 HFTorrent parts)."""
    registry = registry if registry is not None else load_registry()
    return [registry[k] for k in sorted(registry) if k.startswith(prefix)]
