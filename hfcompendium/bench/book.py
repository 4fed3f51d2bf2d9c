"""Book-build benchmark: cold, no-op and one-chapter-changed builds, in a scratch copy of the project.

The copy keeps the real book/executed untouched; running the package from the
copy (PYTHONPATH first) makes every path resolve inside it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .. import paths
from . import Figure

IGNORE = shutil.ignore_patterns(".venv", ".cache", "_build", "runs", "executed", "generated", ".git",
                                "__pycache__", "bench-results", "*.egg-info")


def _build(copy: Path, *extra: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(copy)}
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "hfcompendium", "book", *extra], cwd=copy, env=env,
                               capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"book build failed in {copy}:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return elapsed, completed.stdout


def _executed(output: str) -> int:
    match = re.search(r"(\d+) to execute", output)
    return int(match.group(1)) if match else -1


WARM_DATA = ("from hfcompendium import data\nfrom hfcompendium.registry import load_registry\n"
             "for source in load_registry():\n    data.load(source)\n")


def run() -> list[Figure]:
    scratch = Path(tempfile.mkdtemp(prefix="hfcompendium-bench-book-"))
    copy = scratch / "project"
    shutil.copytree(paths.PROJECT_ROOT, copy, ignore=IGNORE)
    try:
        chapters = sorted((copy / "notebooks").glob("*.py"))
        # The copy's own data cache is filled first, so that every timed build finds the
        # sources verified and parsed, as a second `make book` on any machine does.
        subprocess.run([sys.executable, "-c", WARM_DATA], cwd=copy, check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(copy)})
        serial, _ = _build(copy, "--all", "--jobs", "1", "--no-render")
        parallel, _ = _build(copy, "--all", "--no-render")
        shutil.rmtree(copy / "book" / "executed")
        cold, out_cold = _build(copy, "--all")
        noop, out_noop = _build(copy)
        victim = chapters[0]
        victim.write_text(victim.read_text() + "\n# %% [markdown]\n# (benchmark edit)\n")
        one, out_one = _build(copy)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return [
        Figure("book build", f"cold, all {len(chapters)} chapters + render", cold, "s",
               baseline=None, target="<= 60 s on 2 cores", met=cold <= 60,
               detail={"executed": _executed(out_cold), "data cache": "warm (sources verified and parsed)",
                       "site": "rendered from scratch (jupyter-book build --all)"}),
        Figure("book build", "execute all: parallel vs serial", parallel, "s", baseline=serial,
               target="independent chapters run side by side", met=parallel < serial,
               detail={"workers": os.cpu_count(), "render": "no (execution only)"}),
        Figure("book build", "no-op rebuild", noop, "s", baseline=cold, target="<= 5 s, executes nothing",
               met=noop <= 5 and _executed(out_noop) == 0, detail={"executed": _executed(out_noop)}),
        Figure("book build", f"one chapter changed ({victim.stem})", one, "s", baseline=cold,
               target="re-executes only that chapter", met=_executed(out_one) == 1,
               detail={"executed": _executed(out_one)}),
    ]
