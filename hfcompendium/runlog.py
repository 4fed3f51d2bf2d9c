"""What a chapter execution read and computed, written beside the executed notebook.

The pipeline sets HFCOMPENDIUM_RUN_DIR for the kernel of each chapter it
executes. Data reads and recorded claims are appended there as JSON lines, so
the build knows which data hashes a chapter depends on and the ledger knows
what each chapter computed. Outside a pipeline run (a notebook opened in
JupyterLab) nothing is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RUN_DIR_ENV = "HFCOMPENDIUM_RUN_DIR"
READS_FILE = "reads.jsonl"
CLAIMS_FILE = "claims.jsonl"


def current_run_dir() -> Path | None:
    value = os.environ.get(RUN_DIR_ENV)
    return Path(value) if value else None


def append(filename: str, record: dict) -> None:
    run_dir = current_run_dir()
    if run_dir is None:
        return
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir / filename, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True, default=str) + "\n")


def read_records(run_dir: Path, filename: str) -> list[dict]:
    path = Path(run_dir) / filename
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
