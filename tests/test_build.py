"""Execution and the input-keyed cache: what runs again, what does not, what a failure leaves."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import nbformat
import pytest

from hfcompendium import build, registry
from hfcompendium.chapters import load_chapter
from hfcompendium.execute import execute_in_subprocess, notebook_path, run_dir_for

FIXTURE = Path(__file__).parent / "fixtures" / "chapters" / "fixture_chapter.py"


@pytest.fixture
def workspace(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(FIXTURE, notebooks / FIXTURE.name)
    chapter = load_chapter(notebooks / FIXTURE.name)
    return {"chapters": {chapter.id: chapter}, "out": tmp_path / "executed", "notebook": notebooks / FIXTURE.name}


def stale(workspace) -> dict[str, str | None]:
    return {p.chapter.id: p.stale_because for p in build.plan(workspace["chapters"], workspace["out"])}


def test_execution_records_reads_and_shows_parameters(workspace, mirror):
    chapter = workspace["chapters"]["fixture_chapter"]
    outcome = execute_in_subprocess(chapter, {**chapter.defaults, "top_n": 3}, workspace["out"], {"key": {}})
    assert outcome.ok, outcome.message
    notebook = nbformat.read(notebook_path(workspace["out"], chapter.id), as_version=4)
    hidden = [c for c in notebook.cells if "remove-cell" in c.metadata.get("tags", [])]
    assert {t for c in hidden for t in c.metadata["tags"]} >= {"parameters", "injected-parameters"}
    table = [c for c in notebook.cells if "hfcompendium-parameters" in c.metadata.get("tags", [])]
    assert len(table) == 1 and "| `top_n` | `3` (changed) | `5` |" in table[0].source
    reads = (run_dir_for(workspace["out"], chapter.id) / "reads.jsonl").read_text()
    assert "saner2024_card_data_stats_months_created" in reads


def test_cache_reuses_executions_until_an_input_changes(workspace, mirror, monkeypatch):
    assert stale(workspace) == {"fixture_chapter": "never executed"}
    outcomes = build.execute_plans(build.plan(workspace["chapters"], workspace["out"]), workspace["out"], 1, log=lambda *_: None)
    assert [o.ok for o in outcomes] == [True]
    assert stale(workspace) == {"fixture_chapter": None}

    # A source the chapter read gets a new hash in the registry: it must run again.
    real = registry.load_registry()
    changed = dict(real)
    sid = "saner2024_card_data_stats_months_created"
    changed[sid] = dataclasses.replace(real[sid], sha256="0" * 64)
    monkeypatch.setattr(build, "load_registry", lambda: changed)
    assert stale(workspace) == {"fixture_chapter": f"data of {sid} changed"}
    monkeypatch.undo()

    # Editing the notebook text makes it stale as well.
    workspace["notebook"].write_text(workspace["notebook"].read_text() + "\n# %%\n1 + 1\n")
    assert stale(workspace) == {"fixture_chapter": "notebook changed"}


def test_failing_chapter_names_the_cell_and_keeps_the_previous_output(workspace, mirror):
    chapter = workspace["chapters"]["fixture_chapter"]
    good = execute_in_subprocess(chapter, chapter.defaults, workspace["out"], {"key": {"v": 1}})
    assert good.ok
    before = notebook_path(workspace["out"], chapter.id).read_bytes()
    manifest_before = (run_dir_for(workspace["out"], chapter.id) / "manifest.json").read_text()

    bad = execute_in_subprocess(chapter, {**chapter.defaults, "fail": True}, workspace["out"], {"key": {"v": 2}})
    assert not bad.ok
    assert "fixture_chapter failed in cell" in bad.message and "failing on purpose" in bad.message
    assert notebook_path(workspace["out"], chapter.id).read_bytes() == before
    assert (run_dir_for(workspace["out"], chapter.id) / "manifest.json").read_text() == manifest_before
    assert (workspace["out"] / "fixture_chapter.failed.ipynb").exists()
    assert not [p for p in workspace["out"].iterdir() if p.name.startswith(".fixture_chapter-")]


def test_run_command_rejects_bad_parameters_before_a_kernel_starts(capsys):
    from hfcompendium.cli import main
    from hfcompendium.chapters import discover

    chapter_id = next(iter(discover()))
    assert main(["run", chapter_id, "-p", "no_such_parameter", "1"]) == 2
    assert "not a parameter of" in capsys.readouterr().err
