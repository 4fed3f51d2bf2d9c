"""Find the original bytes of a registered source and prove they are the right ones.

Resolution order: the local cache, then the mirror directory named by
HFCOMPENDIUM_MIRROR (files named by their sha256), then a download from the
source's origin URL. Every file is hashed before it is handed out; files enter
the cache only through a temporary file that is renamed once its hash is
right, so an interrupted or corrupted copy never looks valid.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from . import paths
from .registry import Source

CHUNK = 1 << 20
DOWNLOAD_TIMEOUT_S = 60


class DataError(RuntimeError):
    """Base class for data-layer failures that a reader can act on."""


class IntegrityError(DataError):
    """A file's bytes do not match the sha256 recorded in the registry."""


class DataUnavailableError(DataError):
    """No valid copy could be found in the cache or the mirror, nor downloaded."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_path(source: Source) -> Path:
    return paths.source_cache_dir() / source.sha256[:2] / source.sha256


def fetch(source: Source) -> Path:
    """Return the path of a verified local copy of `source`, fetching it if needed."""
    target = cached_path(source)
    if target.exists():
        actual = sha256_of(target)
        if actual == source.sha256:
            return target
        # A cache entry can only go bad by outside interference; drop it and fetch again.
        target.unlink()

    attempts: list[str] = []
    mirror = paths.mirror_dir()
    if mirror is not None:
        candidate = mirror / source.sha256
        if candidate.exists():
            _copy_verified(candidate, target, source, origin=f"mirror file {candidate}")
            return target
        attempts.append(f"mirror {mirror} has no file named {source.sha256}")
    else:
        attempts.append(f"{paths.MIRROR_ENV} is not set")

    try:
        _download_verified(source, target)
        return target
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        attempts.append(f"download of {source.url} failed: {exc}")

    raise DataUnavailableError(
        f"Cannot obtain source {source.id!r} ({source.filename}, {source.size:,} bytes).\n"
        + "".join(f"  - {a}\n" for a in attempts)
        + f"To fix: set {paths.MIRROR_ENV} to a directory holding the file named by its sha256 "
        f"({source.sha256}), or connect to the internet so it can be downloaded from its origin URL."
    )


def _copy_verified(origin_file: Path, target: Path, source: Source, origin: str) -> None:
    with open(origin_file, "rb") as reader:
        _write_verified(reader, target, source, origin)


def _download_verified(source: Source, target: Path) -> None:
    request = urllib.request.Request(source.url, headers={"User-Agent": "hfcompendium"})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as response:
        _write_verified(response, target, source, origin=f"download from {source.url}")


def _write_verified(reader, target: Path, source: Source, origin: str) -> None:
    """Stream `reader` into a temporary file beside `target`; rename it only if the hash matches."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=".partial-", delete=False)
    temporary = Path(handle.name)
    try:
        with handle:
            for block in iter(lambda: reader.read(CHUNK), b""):
                digest.update(block)
                handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
        actual = digest.hexdigest()
        if actual != source.sha256:
            raise IntegrityError(
                f"Source {source.id!r} from {origin} has sha256 {actual}, "
                f"but the registry expects {source.sha256}.\n"
                "The file is corrupted, truncated or a different version. Nothing was cached. "
                "To fix: replace that copy with the original bytes (re-download it from "
                f"{source.url}), or, if the registry is wrong, correct data/sources.yml."
            )
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()


def verify_all(sources) -> list[tuple[str, str]]:
    """Fetch and verify every source; return (id, problem) pairs for those that failed."""
    problems = []
    for source in sources:
        try:
            fetch(source)
        except DataError as exc:
            problems.append((source.id, str(exc)))
    return problems
