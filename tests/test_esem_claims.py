"""The ESEM 2024 and ICSE 2023 claims registries: every claim is recorded by the chapter it names."""

from __future__ import annotations

import re

import pytest
import yaml

from hfcompendium import claims, paths

PAPERS = ("esem2024", "icse2023")


@pytest.mark.parametrize("paper", PAPERS)
def test_every_claim_is_recorded_by_its_chapter(paper):
    registry = claims.load_claims()
    mine = {cid: c for cid, c in registry.items() if c.paper == paper}
    assert mine, f"no claims for {paper}"
    for claim_id, claim in mine.items():
        notebook = paths.NOTEBOOKS_DIR / f"{claim.chapter}.py"
        assert notebook.exists(), f"{claim_id}: chapter {claim.chapter} does not exist"
        text = notebook.read_text(encoding="utf-8")
        assert claim_id in text or _recorded_in_a_loop(claim_id, text), f"{claim_id} is not recorded in {notebook.name}"


def _recorded_in_a_loop(claim_id: str, text: str) -> bool:
    return f'"{claim_id}"' in text


@pytest.mark.parametrize("paper", PAPERS)
def test_chapters_record_only_claims_of_the_registry(paper):
    registry = claims.load_claims()
    for notebook in paths.NOTEBOOKS_DIR.glob("*.py"):
        for claim_id in re.findall(rf'"({paper}\.[a-z0-9_.]+)"', notebook.read_text(encoding="utf-8")):
            assert claim_id in registry, f"{notebook.name} records unknown claim {claim_id}"
            assert registry[claim_id].chapter == notebook.stem, f"{claim_id} belongs to {registry[claim_id].chapter}"


def test_review_table_has_the_claims_the_chapters_count():
    review = yaml.safe_load((paths.DATA_DIR / "esem2024_review_claims.yml").read_text(encoding="utf-8"))
    rows = review["claims"]
    assert {r["theme"] for r in rows} >= {"Trends in Design", "Downstream Usage"}
    marked = [r for r in rows if r["unquantified"]]
    assert sorted(r["paper_id"] for r in marked) == [1, 2, 3, 4]
    assert {r["metric_claim"] for r in marked} == {"C1", "C2", "C3", "C4"}
    for row in rows:
        assert set(row["basis"]) <= set(review["basis_kinds"])
        assert set(row["works"]) <= set(review["references"])
        for chapter in row.get("chapters", []):
            assert (paths.NOTEBOOKS_DIR / f"{chapter}.py").exists(), chapter
