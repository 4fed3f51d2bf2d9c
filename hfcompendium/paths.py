"""Where things live: the project tree, the local caches, the build outputs.

Every location can be moved with an environment variable so that a reader can
keep caches outside the repository (or share one between clones).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DATA_DIR = PROJECT_ROOT / "data"
SOURCES_FILE = DATA_DIR / "sources.yml"
CLAIMS_DIR = DATA_DIR / "claims"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
BOOK_DIR = PROJECT_ROOT / "book"
EXECUTED_DIR = BOOK_DIR / "executed"      # notebooks executed with default parameters (the book)
GENERATED_DIR = BOOK_DIR / "generated"    # pages written by code: ledger, catalogue
LOCK_FILE = PROJECT_ROOT / "requirements.txt"

MIRROR_ENV = "HFCOMPENDIUM_MIRROR"
CACHE_ENV = "HFCOMPENDIUM_CACHE"
RUNS_ENV = "HFCOMPENDIUM_RUNS"


def cache_dir() -> Path:
    """Root of the local caches (downloaded sources, tidy tables, snapshots)."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else PROJECT_ROOT / ".cache"


def source_cache_dir() -> Path:
    return cache_dir() / "sources"


def table_cache_dir() -> Path:
    return cache_dir() / "tables"


def snapshots_dir() -> Path:
    return cache_dir() / "snapshots"


def runs_dir() -> Path:
    """Where `hfcompendium run` puts chapters executed with non-default parameters."""
    configured = os.environ.get(RUNS_ENV)
    return Path(configured).expanduser() if configured else PROJECT_ROOT / "runs"


def mirror_dir() -> Path | None:
    configured = os.environ.get(MIRROR_ENV)
    return Path(configured).expanduser() if configured else None
