"""Execute one chapter with papermill and leave a self-describing result behind.

For chapter `X` executed into folder `OUT` the result is

    OUT/X.ipynb         the executed notebook (written only if execution succeeded)
    OUT/X.run/          what the kernel read and recorded (reads.jsonl, claims.jsonl)
                        and manifest.json: the inputs the execution is keyed on

Each execution runs in a child process (`python -m hfcompendium.execute`), so
that the kernel inherits its own HFCOMPENDIUM_RUN_DIR and independent chapters
can run side by side.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import runlog
from .chapters import Chapter

KERNEL_NAME = "python3"
PARAMETER_TABLE_TAG = "hfcompendium-parameters"


@dataclass
class Outcome:
    chapter: str
    ok: bool
    seconds: float
    message: str = ""


def notebook_path(out_dir: Path, chapter_id: str) -> Path:
    return Path(out_dir) / f"{chapter_id}.ipynb"


def run_dir_for(out_dir: Path, chapter_id: str) -> Path:
    return Path(out_dir) / f"{chapter_id}.run"


def execute_in_subprocess(chapter: Chapter, parameters: dict, out_dir: Path, manifest: dict,
                          timeout_s: int = 1800) -> Outcome:
    """Run `execute` for one chapter in a child Python process; never raises for a failing chapter."""
    spec = {"path": str(chapter.path), "chapter": chapter.id, "parameters": parameters,
            "out_dir": str(out_dir), "manifest": manifest,
            "defaults": chapter.defaults, "help": {n: s.help for n, s in chapter.parameters.items()}}
    started = time.monotonic()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "hfcompendium.execute"], input=json.dumps(spec),
            capture_output=True, text=True, timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return Outcome(chapter.id, False, time.monotonic() - started, f"timed out after {timeout_s} s")
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        message = completed.stdout.strip().splitlines()[-1:] or completed.stderr.strip().splitlines()[-3:]
        return Outcome(chapter.id, False, elapsed, "\n".join(message) or "failed without a message")
    return Outcome(chapter.id, True, elapsed)


def execute(path: Path, chapter_id: str, parameters: dict, out_dir: Path, manifest: dict,
            defaults: dict | None = None, help_texts: dict | None = None) -> None:
    """Execute a chapter in this process. The previous good output survives any failure."""
    import jupytext
    import papermill

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{chapter_id}-", dir=out_dir))
    staging_run = staging / f"{chapter_id}.run"
    staging_run.mkdir()
    os.environ[runlog.RUN_DIR_ENV] = str(staging_run)
    try:
        notebook = jupytext.read(path)
        notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"}
        executed_file = staging / f"{chapter_id}.ipynb"
        try:
            papermill.execute_notebook(
                notebook, str(executed_file), parameters=parameters, kernel_name=KERNEL_NAME,
                cwd=str(path.parent), progress_bar=False, log_output=False,
            )
        except papermill.PapermillExecutionError as exc:
            failed = out_dir / f"{chapter_id}.failed.ipynb"
            if executed_file.exists():
                shutil.copyfile(executed_file, failed)
            raise ChapterFailed(
                f"chapter {chapter_id} failed in cell {exc.cell_index} (execution count {exc.exec_count}): "
                f"{exc.ename}: {exc.evalue}. The executed notebook up to the failure is in {failed}; "
                "the previous good output is unchanged."
            ) from None
        executed = nbformat.read(executed_file, as_version=4)
        present_parameters(executed, parameters, defaults or {}, help_texts or {})
        append_rerun_and_colophon(executed, chapter_id, parameters, defaults or {},
                                  runlog.read_records(staging_run, runlog.READS_FILE))
        executed.metadata["hfcompendium"] = {"chapter": chapter_id, "parameters": parameters, **manifest}
        nbformat.write(executed, executed_file)
        (staging_run / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True, default=str))
        # Publish: run folder first, then the notebook, each by rename.
        final_run = run_dir_for(out_dir, chapter_id)
        if final_run.exists():
            shutil.rmtree(final_run)
        os.replace(staging_run, final_run)
        os.replace(executed_file, notebook_path(out_dir, chapter_id))
        (out_dir / f"{chapter_id}.failed.ipynb").unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class ChapterFailed(RuntimeError):
    pass


def present_parameters(notebook, parameters: dict, defaults: dict, help_texts: dict) -> None:
    """Hide the parameters cells and show the values of this run as a small table instead."""
    insert_at = None
    for index, cell in enumerate(notebook.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"remove-cell"})
            insert_at = index + 1
        if PARAMETER_TABLE_TAG in tags:
            return
    if insert_at is None or not defaults and not parameters:
        return
    values = {**defaults, **parameters}
    rows = ["| parameter | value | default | meaning |", "|---|---|---|---|"]
    for name, value in values.items():
        changed = "" if value == defaults.get(name) else " (changed)"
        rows.append(f"| `{name}` | `{value}`{changed} | `{defaults.get(name)}` | {_cell_text(help_texts.get(name, ''))} |")
    cell = nbformat.v4.new_markdown_cell("**Parameters of this run**\n\n" + "\n".join(rows))
    cell.metadata["tags"] = [PARAMETER_TABLE_TAG]
    notebook.cells.insert(insert_at, cell)


KEY_PACKAGES = ("pandas", "numpy", "scipy", "pingouin", "altair", "vl-convert-python", "papermill",
                "jupyter-book", "huggingface_hub", "transformers")


def append_rerun_and_colophon(notebook, chapter_id: str, parameters: dict, defaults: dict, reads: list[dict]) -> None:
    """End every chapter the same way: how to rerun it, and what exactly produced this page."""
    from importlib import metadata

    flags = " ".join(f"-p {name} {value}" for name, value in {**defaults, **parameters}.items())
    rerun = (
        "## Reproduce this page\n\n"
        "This page was produced by the command below, run from a clone of the repository (after `make book` "
        "or `make test` created `.venv`). Change any value to explore; parameters are checked before anything "
        "runs, and `.venv/bin/hfcompendium chapters` lists them all.\n\n"
        f"```bash\n.venv/bin/hfcompendium run {chapter_id} {flags}\n```\n\n"
        "The launch button at the top of the page opens this chapter on Binder."
    )
    versions = []
    for package in KEY_PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    seen, data_rows = set(), []
    for read in reads:
        if read["source"] not in seen:
            seen.add(read["source"])
            data_rows.append(f"| `{read['source']}` | `{read['sha256'][:16]}…` |")
    colophon = (
        "## Colophon\n\n"
        f"Executed {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at commit `{_commit()}` with Python "
        f"{sys.version.split()[0]}; {', '.join(versions)}.\n\n"
        + ("Data read (sha256 verified):\n\n| source | sha256 |\n|---|---|\n" + "\n".join(data_rows)
           if data_rows else "This chapter read no registered data source.")
    )
    for text in (rerun, colophon):
        cell = nbformat.v4.new_markdown_cell(text)
        cell.metadata["tags"] = ["hfcompendium-appendix"]
        notebook.cells.append(cell)


def _commit() -> str:
    from . import paths

    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=paths.PROJECT_ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=paths.PROJECT_ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + ("+modified" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def _cell_text(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def main() -> int:
    spec = json.loads(sys.stdin.read())
    try:
        execute(Path(spec["path"]), spec["chapter"], spec["parameters"], Path(spec["out_dir"]),
                spec["manifest"], spec.get("defaults"), spec.get("help"))
    except ChapterFailed as exc:
        print(str(exc))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
