"""Claims: registry shape, comparison rules, recording, and the ledger over run folders."""

from __future__ import annotations

import json

import pytest

from hfcompendium import claims, runlog
from hfcompendium.chapters import discover
from hfcompendium.claims import Claim, ClaimError, judge, parse_claims


def make(reported, **kw) -> Claim:
    return Claim(id="p.x", paper="p", where="T1", statement="s", reported=reported, chapter="c", **kw)


@pytest.mark.parametrize("reported, computed, verdict", [
    (106, 106, claims.REPRODUCED),
    (106, 107, claims.DIFFERS),
    (14.38, 14.3826, claims.REPRODUCED),      # rounds to the printed value
    (14.38, 14.386, claims.DIFFERS),
    (0.702, 0.7024, claims.REPRODUCED),
    (0.702, 0.70, claims.DIFFERS),
    (52.38, float("nan"), claims.DIFFERS),
])
def test_rounding_rule(reported, computed, verdict):
    assert judge(make(reported), computed) == verdict


def test_explicit_tolerances_and_missing_values():
    assert judge(make(0.15, abs_tol=0.02), 0.165) == claims.REPRODUCED
    assert judge(make(2535, rel_tol=0.01), 2560) == claims.REPRODUCED
    assert judge(make(2535, rel_tol=0.01), 2600) == claims.DIFFERS
    assert judge(make(1.0, decimals=2), 1.004) == claims.REPRODUCED
    assert judge(make(1.0, decimals=2), 1.006) == claims.DIFFERS
    assert judge(make(3), None) == claims.NOT_COMPUTED
    assert judge(make(3), 3, unavailable_reason="not public") == claims.NOT_REPRODUCIBLE


def test_registry_files_parse_and_point_at_existing_chapters():
    registry = claims.load_claims()
    chapters = discover()
    assert registry, "the claims registry is empty"
    for claim in registry.values():
        assert claim.chapter in chapters, f"{claim.id} names chapter {claim.chapter}, which does not exist"


def test_malformed_claims_are_rejected():
    with pytest.raises(ClaimError, match="must start with"):
        parse_claims("paper: a\nclaims:\n  - {id: b.x, where: T, statement: s, reported: 1, chapter: c}\n")
    with pytest.raises(ClaimError, match="unknown"):
        parse_claims("paper: a\nclaims:\n  - {id: a.x, where: T, statement: s, reported: 1, chapter: c, value: 2}\n")


def test_record_checks_the_id_and_writes_the_run_log(tmp_path, monkeypatch):
    some_id = next(iter(claims.load_claims()))
    with pytest.raises(ClaimError, match="Unknown claim"):
        claims.record(some_id + "_typo", 1)
    monkeypatch.setenv(runlog.RUN_DIR_ENV, str(tmp_path))
    result = claims.record(some_id, 12.5, note="n")
    assert result.computed == 12.5
    logged = runlog.read_records(tmp_path, runlog.CLAIMS_FILE)
    assert logged == [{"computed": 12.5, "id": some_id, "note": "n"}]
    with pytest.raises(ClaimError, match="not a number"):
        claims.record(some_id, "twelve")
    with pytest.raises(ClaimError, match="reason"):
        claims.record_unavailable(some_id, "  ")


def test_ledger_takes_verdicts_from_run_folders(tmp_path):
    registry = {"p.a": make(10), "p.b": make(0.5), "p.c": make(3)}
    registry = {k: Claim(**{**vars(v), "id": k}) for k, v in registry.items()}
    run = tmp_path / "chap.run"
    run.mkdir()
    (run / runlog.CLAIMS_FILE).write_text(
        json.dumps({"id": "p.a", "computed": 10, "note": ""}) + "\n"
        + json.dumps({"id": "p.b", "computed": 0.9, "note": "other window"}) + "\n"
    )
    results = {r.claim.id: r for r in claims.ledger({"chap": run}, registry)}
    assert results["p.a"].verdict == claims.REPRODUCED
    assert results["p.b"].verdict == claims.DIFFERS and results["p.b"].note == "other window"
    assert results["p.c"].verdict == claims.NOT_COMPUTED
    summary = claims.summary(list(results.values())).set_index("paper")
    assert summary.loc["p", "total"] == 3 and summary.loc["p", claims.REPRODUCED] == 1


# --- a chapter's comparison with its paper -------------------------------------------------------

COMPARISON_REGISTRY = """\
# Fixture: a claims file written by hand for the tests of claims.comparison.
paper: p
claims:
  - {id: p.count, where: "Table I", statement: "Codings of <b>C1</b> & others", reported: 1237, chapter: chap}
  - {id: p.share, where: "Table I", statement: "Share of C1", reported: 14.38, chapter: chap}
  - {id: p.ratio, where: "Sec. 3", statement: "A ratio", reported: 2.5, chapter: chap}
  - {id: p.hidden, where: "Sec. 4", statement: "Not public", reported: 12, chapter: chap}
  - {id: p.elsewhere, where: "Sec. 5", statement: "Another chapter's number", reported: 7, chapter: other}
"""


@pytest.fixture
def comparison_kernel(monkeypatch):
    """A fresh kernel: the fixture registry, nothing recorded, no run log, glue calls captured."""
    registry = parse_claims(COMPARISON_REGISTRY, "fixture")
    monkeypatch.setattr(claims, "load_claims", lambda directory=None: registry)
    monkeypatch.setattr(claims, "_recorded", {})
    monkeypatch.setattr(claims, "_live_data", None)
    monkeypatch.delenv(runlog.RUN_DIR_ENV, raising=False)
    glued = {}

    def fake_glue(name, value, display=True):
        assert display is False, f"{name} glued with display={display}"
        assert name not in glued, f"{name} glued twice"
        glued[name] = value

    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", fake_glue)
    return glued


def record_chapter_claims():
    claims.record("p.count", 1237)
    claims.record("p.share", 14.3826)
    claims.record("p.ratio", 2.7, note="other spelling")
    claims.record_unavailable("p.hidden", "not public", value=11.123456)


def test_comparison_glues_the_verdict_counts_and_shows_the_chapter_claims(comparison_kernel):
    claims.record("p.elsewhere", 7)
    record_chapter_claims()
    styled = claims.comparison("chap")
    assert comparison_kernel == {"n_claims": 4, "n_reproduced": 2, "n_differs": 1, "n_unavailable": 1, "n_live": 0}
    assert all(type(v) is int for v in comparison_kernel.values())
    shown = styled.data
    assert list(shown["id"]) == ["p.count", "p.share", "p.ratio", "p.hidden"]      # only this chapter's, in order
    assert list(shown.columns) == ["id", "where", "statement", "reported", "reproduced", "verdict", "note"]
    assert list(shown["reported"]) == ["1,237", "14.38", "2.5", "12"]
    assert list(shown["reproduced"]) == ["1,237", "14.3826", "2.7", "11.1235"]
    assert list(shown["verdict"]) == [claims.REPRODUCED, claims.REPRODUCED, claims.DIFFERS, claims.NOT_REPRODUCIBLE]
    html = styled.to_html()
    assert "&lt;b&gt;C1&lt;/b&gt; &amp; others" in html and "<b>C1</b>" not in html


def test_comparison_counts_are_the_glued_counts_for_code(comparison_kernel):
    record_chapter_claims()
    counts = claims.comparison_counts("chap")
    assert counts == {"n_claims": 4, "n_reproduced": 2, "n_differs": 1, "n_unavailable": 1, "n_live": 0}
    assert comparison_kernel == {}                                  # nothing glued
    claims.comparison("chap")
    assert comparison_kernel == counts
    with pytest.raises(ClaimError, match="did not record 1 of its claims: p.elsewhere"):
        claims.comparison_counts("other")


def test_comparison_lists_the_claims_the_kernel_did_not_record(comparison_kernel):
    claims.record("p.count", 1237)
    claims.record("p.elsewhere", 7)
    with pytest.raises(ClaimError, match="did not record 3 of its claims: p.share, p.ratio, p.hidden"):
        claims.comparison("chap")
    assert comparison_kernel == {}


def test_comparison_rejects_a_chapter_without_claims(comparison_kernel):
    with pytest.raises(ClaimError, match="no claim .* names chapter 'chapter_typo'"):
        claims.comparison("chapter_typo")


def test_comparison_glue_prefix(comparison_kernel):
    claims.record("p.elsewhere", 8)
    claims.comparison("other", glue_prefix="ledger_")
    assert comparison_kernel == {"ledger_n_claims": 1, "ledger_n_reproduced": 0, "ledger_n_differs": 1,
                                 "ledger_n_unavailable": 0, "ledger_n_live": 0}


def test_comparison_counts_live_values_apart(comparison_kernel):
    claims.use_live_data("hub snapshot hub-test")
    try:
        record_chapter_claims()
    finally:
        claims.use_live_data(None)
    shown = claims.comparison("chap").data
    assert comparison_kernel["n_live"] == 4 and comparison_kernel["n_claims"] == 4
    assert comparison_kernel["n_reproduced"] == comparison_kernel["n_differs"] == comparison_kernel["n_unavailable"] == 0
    assert set(shown["verdict"]) == {claims.LIVE}
    assert shown["note"].str.startswith("hub snapshot hub-test").all()


def test_format_value_for_reading():
    assert claims.format_value(1237) == "1,237"
    assert claims.format_value(1237.0) == "1,237"
    assert claims.format_value(14.382632) == "14.3826"
    assert claims.format_value(float("nan")) == "" and claims.format_value(None) == ""
    assert claims.format_value("yes") == "yes"
