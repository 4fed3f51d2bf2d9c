"""What the hub and forum captures share: choosing the snapshot folder, resuming, publishing.

A capture works in `<snapshots>/<name>/raw/` until its crawl is complete, converts
the raw records into `<name>/.staging/`, moves that to `<name>/tables/` and writes
the manifest last. So a folder without a manifest is an unfinished capture, and
running the same command again resumes it.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tqdm.auto import tqdm

from .. import paths
from .journal import Journal
from .registry import MANIFEST, RAW_DIR, TABLES_DIR, SnapshotError, SnapshotInfo, default_name, register, snapshot_dir

log = logging.getLogger("hfcompendium.snapshots")

# The journal (raw JSON lines) whose checkpoint marks an unfinished capture of each kind.
MAIN_STREAM = {"hub": "models", "forum": "topics"}


def check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SnapshotError(f"Endpoint {endpoint!r} must be an http(s) URL such as https://huggingface.co")
    return endpoint.rstrip("/")


def unfinished_captures(kind: str, endpoint: str) -> list[str]:
    """Names of captures of `kind` from `endpoint` that were started but never registered."""
    root = paths.snapshots_dir()
    names = []
    for checkpoint in sorted(root.glob(f"*/{RAW_DIR}/{MAIN_STREAM[kind]}.checkpoint.json")):
        folder = checkpoint.parent.parent
        if (folder / MANIFEST).exists():
            continue
        try:
            state = json.loads(checkpoint.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if state.get("parameters", {}).get("endpoint") == endpoint:
            names.append(folder.name)
    return names


def choose_name(kind: str, name: str | None, endpoint: str) -> str:
    """The given name, else the one unfinished capture from this endpoint, else `<kind>-<date>`."""
    if name:
        chosen = name
    else:
        unfinished = unfinished_captures(kind, endpoint)
        if len(unfinished) == 1:
            log.info("resuming the unfinished capture %s", unfinished[0])
            chosen = unfinished[0]
        else:
            chosen = default_name(kind)
    if (snapshot_dir(chosen) / MANIFEST).exists():
        raise SnapshotError(
            f"Snapshot {chosen!r} already exists. Choose another name with --name, or delete "
            f"{snapshot_dir(chosen)} to capture it again."
        )
    return chosen


def open_journal(directory: Path, stream: str, parameters: dict, restart: bool) -> tuple[Journal, dict | None]:
    """The journal of a capture and its last state; refuses to mix a resumed crawl with other settings."""
    journal = Journal(directory / RAW_DIR, stream)
    if restart and journal.directory.exists():
        shutil.rmtree(journal.directory)
    state = journal.resume()
    if state is not None and state.get("parameters") != parameters:
        raise SnapshotError(
            f"The unfinished capture in {directory} was started with other settings:\n"
            f"  then: {json.dumps(state.get('parameters'), sort_keys=True)}\n"
            f"  now:  {json.dumps(parameters, sort_keys=True)}\n"
            "Rerun with the same options to resume it, add --restart to discard it, or choose another --name."
        )
    return journal, state


def staging_dir(directory: Path) -> Path:
    staging = directory / ".staging"
    if staging.exists():
        shutil.rmtree(staging)    # left by a conversion that did not finish
    staging.mkdir(parents=True)
    return staging


def publish(directory: Path, files: dict[str, Path], **manifest) -> SnapshotInfo:
    """Move converted tables from staging into place and register the snapshot."""
    tables = directory / TABLES_DIR
    if tables.exists():
        shutil.rmtree(tables)
    staging = {Path(f).parent for f in files.values()}
    if len(staging) != 1:
        raise RuntimeError("all tables of a snapshot are converted into one staging folder")
    Path(staging.pop()).rename(tables)
    return register(directory.name, table_files={t: tables / Path(f).name for t, f in files.items()}, **manifest)


@dataclass
class Progress:
    """A tqdm bar with count, rate and (when the total is known) ETA; silent when disabled."""
    enabled: bool
    unit: str

    def bar(self, total: int | None, initial: int, description: str):
        return tqdm(total=total, initial=initial, unit=self.unit, desc=description, disable=not self.enabled,
                    dynamic_ncols=True, smoothing=0.1)
