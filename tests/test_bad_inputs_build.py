"""A chapter that fails makes `hfcompendium book` fail, naming the chapter and the cell, and leaves the
previous good build as it was. Run on a small copy of the project (the fixture chapter alone),
so the real book/executed is never touched. (`test_build.py` checks the same of one execution.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "chapters" / "fixture_chapter.py"
SOURCE_ID = "saner2024_card_data_stats_months_created"      # the one source the fixture chapter reads
pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def project(tmp_path, mirror) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT / "hfcompendium", copy / "hfcompendium",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(PROJECT / "data" / "claims", copy / "data" / "claims")
    registry = yaml.safe_load((PROJECT / "data" / "sources.yml").read_text())
    registry["sources"] = [s for s in registry["sources"] if s["id"] == SOURCE_ID]
    (copy / "data" / "sources.yml").write_text(yaml.safe_dump(registry, sort_keys=False))
    for name in ("requirements.txt", "_config.yml"):
        shutil.copy(PROJECT / name, copy / name)
    (copy / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n"
                                   "  - file: book/executed/fixture_chapter\n")
    (copy / "notebooks").mkdir()
    shutil.copy(FIXTURE, copy / "notebooks" / "fixture_chapter.py")
    return copy


def book(copy: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run([sys.executable, "-m", "hfcompendium", "book", "--no-render", "--jobs", "1"], cwd=copy,
                          env=environment, capture_output=True, text=True, timeout=240)


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failing_chapter_fails_the_book_and_keeps_the_previous_build(project):
    first = book(project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 chapters, 1 to execute" in first.stdout
    executed, generated = project / "book" / "executed", project / "book" / "generated"
    good = snapshot_of(executed) | snapshot_of(generated)
    assert "fixture_chapter.ipynb" in good and "claims_ledger.md" in good

    chapter = project / "notebooks" / "fixture_chapter.py"
    chapter.write_text(chapter.read_text() + '\n# %%\nraise ValueError("broken on purpose")\n')
    second = book(project)
    assert second.returncode == 1
    assert re.search(r"FAILED: chapter fixture_chapter failed in cell \d+ \(execution count \d+\): "
                     r"ValueError: broken on purpose\.", second.stdout), second.stdout
    assert "The book was not rendered; the previous good build is unchanged." in second.stdout
    assert snapshot_of(executed) | snapshot_of(generated) == good | {
        "fixture_chapter.failed.ipynb": (executed / "fixture_chapter.failed.ipynb").read_bytes()}
    assert not [p for p in executed.iterdir() if p.name.startswith(".fixture_chapter-")]   # no staging left
    assert not (project / "_build").exists()
