"""Chapter parameters are declared in the notebook header and validated before any kernel starts."""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import pytest

from hfcompendium.chapters import ParameterError, discover, load_chapter, validate
from hfcompendium.build import check_toc

FIXTURE = Path(__file__).parent / "fixtures" / "chapters" / "fixture_chapter.py"


@pytest.fixture
def chapter():
    return load_chapter(FIXTURE)


def test_defaults_and_typed_values(chapter):
    assert validate(chapter, {}) == chapter.defaults
    values = validate(chapter, {"top_n": "7", "fail": "true", "window_end": "2022-01"})
    assert values["top_n"] == 7 and values["fail"] is True and values["window_end"] == "2022-01"


@pytest.mark.parametrize("given, message", [
    ({"window_start": "2020-13"}, "not a month as YYYY-MM"),
    ({"window_start": "July 2020"}, "not a month as YYYY-MM"),
    ({"window_start": "2023-06", "window_end": "2023-01"}, "must end on or after its start"),
    ({"top_n": "many"}, "not a whole number"),
    ({"top_n": "0"}, "below the minimum"),
    ({"method": "pearson"}, "choices: spearman, kendall"),
    ({"colour": "red"}, "not a parameter of fixture_chapter; it declares: window_start"),
    ({"fail": "perhaps"}, "true or false"),
])
def test_bad_parameters_are_rejected_with_the_valid_choices(chapter, given, message):
    with pytest.raises(ParameterError, match=message):
        validate(chapter, given)


def test_all_problems_are_reported_at_once(chapter):
    with pytest.raises(ParameterError) as raised:
        validate(chapter, {"top_n": "x", "colour": "red"})
    assert "top_n" in str(raised.value) and "colour" in str(raised.value)


def test_unknown_snapshot_lists_the_known_ones(tmp_path):
    text = FIXTURE.read_text().replace(
        "#       fail:", "#       snapshot: {type: snapshot, kind: hub, default: replication}\n#       fail:")
    path = tmp_path / "with_snapshot.py"
    path.write_text(text)
    with pytest.raises(ParameterError, match="not a known hub snapshot; choices: replication"):
        validate(load_chapter(path), {"snapshot": "hub-1999-01-01"})


def parameters_cell_values(path: Path) -> dict:
    notebook = jupytext.read(path)
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: exactly one cell must be tagged 'parameters'"
    values = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, (ast.Assign, ast.AnnAssign)), f"{path.name}: parameters cell may only assign"
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        values[target.id] = ast.literal_eval(node.value)
    return values


@pytest.mark.parametrize("chapter_id", sorted(discover()) or ["(no chapters)"])
def test_each_chapter_declares_exactly_what_its_parameters_cell_assigns(chapter_id):
    if chapter_id == "(no chapters)":
        pytest.fail("notebooks/ has no chapter")
    chapter = discover()[chapter_id]
    assert parameters_cell_values(chapter.path) == chapter.defaults
    assert chapter.title and chapter.paper


def test_fixture_parameters_cell_matches_its_header():
    assert parameters_cell_values(FIXTURE) == load_chapter(FIXTURE).defaults


def test_table_of_contents_lists_every_chapter():
    assert check_toc(discover()) == []
