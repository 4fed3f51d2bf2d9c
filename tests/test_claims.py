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
