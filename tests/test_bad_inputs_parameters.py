"""Bad chapter parameters given to `hfcompendium run`: refused before any kernel starts.

Each is refused with exit status 2, a message naming the problem and the valid choices,
and no output folder (`test_chapters.py` checks `validate` itself on the fixture chapter).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hfcompendium import cli, execute, paths
from hfcompendium.chapters import discover

FIXTURE = Path(__file__).parent / "fixtures" / "chapters" / "fixture_chapter.py"
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def chapters(tmp_path, monkeypatch) -> Path:
    """A notebooks folder with the fixture chapter, given a date window and a hub snapshot parameter."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    text = FIXTURE.read_text().replace(
        "#       fail:",
        '#       start_day: {type: date, default: "2023-01-01", help: "first day"}\n'
        '#       end_day: {type: date, default: "2023-03-31", not_before: start_day, help: "last day"}\n'
        '#       share: {type: float, default: 0.5, min: 0.0, max: 1.0, help: "a share"}\n'
        "#       snapshot: {type: snapshot, kind: hub, default: replication, help: \"data\"}\n"
        "#       fail:",
    ).replace('fail = False\n', 'start_day = "2023-01-01"\nend_day = "2023-03-31"\nshare = 0.5\n'
                                'snapshot = "replication"\nfail = False\n')
    (folder / "dated_chapter.py").write_text(text)
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", folder)
    monkeypatch.setenv("HFCOMPENDIUM_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("HFCOMPENDIUM_CACHE", str(tmp_path / "cache"))

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started for parameters that should have been refused")

    monkeypatch.setattr(execute, "execute_in_subprocess", no_kernel)
    return tmp_path


def refused(arguments: list[str], capsys, tmp_path: Path) -> str:
    assert cli.main(["run", *arguments]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""                                     # not even "executing ..."
    assert not (tmp_path / "runs").exists()                       # no output folder
    return captured.err


@pytest.mark.parametrize("given, message", [
    (["start_day", "2023-02-30"], "start_day='2023-02-30' is not a date that exists (day is out of range for month)"),
    (["start_day", "2023-13-01"], "start_day='2023-13-01' is not a date that exists (month must be in 1..12)"),
    (["start_day", "30/01/2023"], "start_day='30/01/2023' is not a date as YYYY-MM-DD"),
    (["start_day", "20230101"], "start_day='20230101' is not a date as YYYY-MM-DD"),
    (["end_day", "2022-12-31"], "end_day=2022-12-31 comes before start_day=2023-01-01: a window must end on or "
                                "after its start"),
    (["window_start", "2023-06"], "window_end=2023-05 comes before window_start=2023-06"),
    (["window_end", "2023-00"], "window_end='2023-00' is not a month as YYYY-MM (e.g. 2021-03)"),
    (["share", "nan"], "share='nan' is not a finite number"),
    (["share", "1.5"], "share=1.5 is above the maximum 1.0"),
    (["top_n", "3.5"], "top_n='3.5' is not a whole number"),
    (["method", "Pearson"], "method='Pearson' is not allowed; choices: spearman, kendall"),
    (["snapshot", "hub-2099-01-01"], "snapshot='hub-2099-01-01' is not a known hub snapshot; choices: replication"),
    (["colour", "red"], "'colour' is not a parameter of dated_chapter; it declares: window_start (month), "
                        "window_end (month), top_n (int), method (str), start_day (date), end_day (date), "
                        "share (float), snapshot (snapshot), fail (bool)"),
])
def test_a_bad_parameter_is_refused_before_a_kernel_starts(chapters, capsys, given, message):
    error = refused(["dated_chapter", "-p", *given], capsys, chapters)
    assert error.startswith("Invalid parameters for chapter dated_chapter:\n  - ")
    assert message in error


def test_every_problem_is_listed_at_once(chapters, capsys):
    error = refused(["dated_chapter", "-p", "start_day", "2023-02-30", "-p", "share", "inf", "-p", "colour", "red"],
                    capsys, chapters)
    assert error.count("\n  - ") == 3


def test_an_unknown_chapter_lists_the_chapters(chapters, capsys):
    error = refused(["no_such_chapter", "-p", "top_n", "3"], capsys, chapters)
    assert error.strip() == "Unknown chapter 'no_such_chapter'. Chapters: dated_chapter"


def test_the_installed_command_exits_with_status_2_and_creates_nothing(tmp_path):
    chapter = sorted(discover())[0]
    runs = tmp_path / "runs"
    environment = {**os.environ, "HFCOMPENDIUM_RUNS": str(runs), "HFCOMPENDIUM_CACHE": str(tmp_path / "cache")}
    output = tmp_path / "chosen-output"
    done = subprocess.run([sys.executable, "-m", "hfcompendium", "run", chapter, "-p", "not_a_parameter", "1",
                           "-o", str(output)], capture_output=True, text=True, env=environment, timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"'not_a_parameter' is not a parameter of {chapter}; it declares:" in done.stderr
    assert not runs.exists() and not output.exists() and not (tmp_path / "cache").exists()
    assert "Traceback" not in done.stderr
