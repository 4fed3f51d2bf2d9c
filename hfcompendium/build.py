"""The book build: execute the chapters whose inputs changed, write generated pages, render.

An execution is keyed on everything that can change its output: the notebook
text, the package source, the lock file, the claims registry, the parameters,
the content hash of any live snapshot it is given, and the sha256 of every
source it read last time (recorded by the data layer while it ran). If none of
these changed, the executed notebook is reused as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import paths, runlog
from .chapters import Chapter, discover
from .execute import Outcome, execute_in_subprocess, notebook_path, run_dir_for
from .registry import load_registry


@dataclass
class Plan:
    chapter: Chapter
    parameters: dict
    key: dict
    stale_because: str | None      # None: up to date


def tree_digest(root: Path, pattern: str) -> str:
    digest = hashlib.sha256()
    for file in sorted(root.rglob(pattern)):
        if "__pycache__" in file.parts:
            continue
        digest.update(str(file.relative_to(root)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def static_key(chapter: Chapter, parameters: dict, package_digest: str) -> dict:
    """Inputs known before execution (the data hashes are added from the last run's record)."""
    key = {
        "notebook": file_digest(chapter.path),
        "package": package_digest,
        "lock": file_digest(paths.LOCK_FILE),
        "claims": tree_digest(paths.CLAIMS_DIR, "*.yml"),
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
    }
    snapshots = {name: value for name, value in parameters.items()
                 if chapter.parameters.get(name) and chapter.parameters[name].type == "snapshot"
                 and value != "replication"}
    if snapshots:
        from .snapshots import registry as snapshot_registry
        key["snapshots"] = {value: snapshot_registry.content_hash(value) for value in snapshots.values()}
    return key


def staleness(chapter: Chapter, out_dir: Path, key: dict) -> str | None:
    """Why the chapter must run again, or None if its executed notebook is current."""
    notebook = notebook_path(out_dir, chapter.id)
    manifest_file = run_dir_for(out_dir, chapter.id) / "manifest.json"
    if not notebook.exists() or not manifest_file.exists():
        return "never executed"
    previous = json.loads(manifest_file.read_text())
    for name, value in key.items():
        if previous.get("key", {}).get(name) != value:
            return f"{name} changed"
    registry = load_registry()
    for read in runlog.read_records(run_dir_for(out_dir, chapter.id), runlog.READS_FILE):
        source_id = read["source"]
        if source_id.startswith("snapshot:"):
            continue  # covered by the snapshot content hash in the key
        current = registry.get(source_id)
        if current is None or current.sha256 != read["sha256"]:
            return f"data of {source_id} changed"
    return None


def plan(chapters: dict[str, Chapter], out_dir: Path, force: bool = False,
         only: list[str] | None = None) -> list[Plan]:
    package_digest = tree_digest(paths.PROJECT_ROOT / "hfcompendium", "*.py")
    plans = []
    for chapter in chapters.values():
        if only and chapter.id not in only:
            continue
        parameters = chapter.defaults
        key = static_key(chapter, parameters, package_digest)
        reason = "rebuild of everything requested" if force else staleness(chapter, out_dir, key)
        plans.append(Plan(chapter, parameters, key, reason))
    return plans


def execute_plans(plans: list[Plan], out_dir: Path, workers: int, log=print) -> list[Outcome]:
    todo = [p for p in plans if p.stale_because]
    if not todo:
        return []

    def run(p: Plan) -> Outcome:
        log(f"  executing {p.chapter.id} ({p.stale_because})")
        outcome = execute_in_subprocess(p.chapter, p.parameters, out_dir, {"key": p.key})
        status = "ok" if outcome.ok else "FAILED"
        log(f"  {status:6} {p.chapter.id} in {outcome.seconds:.1f} s")
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(run, todo))


def check_toc(chapters: dict[str, Chapter]) -> list[str]:
    """Chapters missing from _toc.yml and toc entries with no chapter behind them."""
    import yaml

    toc = yaml.safe_load((paths.PROJECT_ROOT / "_toc.yml").read_text())
    files = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    prefix = "book/executed/"
    in_toc = {f[len(prefix):] for f in files if f.startswith(prefix)}
    problems = [f"chapter {c} (notebooks/{c}.py) is not in _toc.yml" for c in chapters if c not in in_toc]
    problems += [f"_toc.yml lists {prefix}{c} but notebooks/{c}.py does not exist" for c in sorted(in_toc - set(chapters))]
    return problems


def build_book(force: bool = False, workers: int | None = None, render: bool = True, log=print) -> int:
    """Execute stale chapters, write generated pages, render the site. Returns a process exit code."""
    from . import pages

    started = time.monotonic()
    chapters = discover()
    problems = check_toc(chapters)
    if problems:
        log("The table of contents and the chapters disagree:\n" + "\n".join(f"  - {p}" for p in problems))
        return 2
    out_dir = paths.EXECUTED_DIR
    plans = plan(chapters, out_dir, force=force)
    stale = [p for p in plans if p.stale_because]
    log(f"{len(plans)} chapters, {len(stale)} to execute")
    outcomes = execute_plans(plans, out_dir, workers or os.cpu_count() or 1, log=log)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        for outcome in failed:
            log(f"FAILED: {outcome.message}")
        log("The book was not rendered; the previous good build is unchanged.")
        return 1
    pages.write_generated_pages({c: run_dir_for(out_dir, c) for c in chapters})
    if not render:
        return 0
    code = render_site(fresh=force, log=log)
    log(f"book built in {time.monotonic() - started:.1f} s" if code == 0 else "jupyter-book build failed")
    return code


def render_site(fresh: bool = False, log=print) -> int:
    # The jupyter-book script installed beside this interpreter (the project's venv).
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(paths.PROJECT_ROOT),
               "-W", "-n", "--keep-going", "--path-output", str(paths.PROJECT_ROOT)]
    if fresh:
        command.append("--all")
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        log(completed.stdout[-6000:])
        log(completed.stderr[-6000:])
    return completed.returncode
