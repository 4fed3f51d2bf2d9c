"""End to end: the README's book command on the pinned data, then the ledger, then a no-op rebuild."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "hfcompendium"]

pytestmark = pytest.mark.slow

# A token in the environment must never reach a notebook, a log or a page.
SECRET = "hf_TESTSECRETnotarealtoken0123456789"


@pytest.fixture(scope="module")
def built_book(mirror):
    env = {**os.environ, "HF_TOKEN": SECRET}
    completed = subprocess.run(CLI + ["book", "--all"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert SECRET not in completed.stdout + completed.stderr
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-5000:]
    return ROOT / "_build" / "html"


def test_every_chapter_and_generated_page_is_rendered(built_book):
    from hfcompendium.chapters import discover

    for chapter in discover():
        page = built_book / "book" / "executed" / f"{chapter}.html"
        assert page.exists(), f"{chapter} was not rendered"
    for page in ("claims_ledger", "data_catalogue"):
        assert (built_book / "book" / "generated" / f"{page}.html").exists()


def test_first_chapter_shows_computed_table_one_and_an_offline_chart(built_book):
    html = (built_book / "book" / "executed" / "saner_rq1_challenges.html").read_text()
    assert "Model usage and understanding" in html or "Model Usage and Understanding" in html
    # Charts are SVG files of the site (rendered when the chapter executed), not CDN-loaded scripts.
    charts = re.findall(r'<img alt="([^"]*)" src="\.\./\.\./(_images/[0-9a-f]+\.svg)"', html)
    assert charts, "the chapter shows no SVG chart"
    for alt_text, source in charts:
        assert alt_text and not alt_text.endswith(".svg"), "a chart needs a real alt text"
        assert "<svg" in (built_book / source).read_text()[:2000]
    assert "cdn.jsdelivr.net" not in html and "vega@" not in html
    assert "Fig. " in html, "charts are numbered figures"


def test_claims_json_lists_every_claim_with_a_verdict(built_book):
    completed = subprocess.run(CLI + ["claims", "--format", "json"], cwd=ROOT, capture_output=True, text=True, check=True)
    ledger = json.loads(completed.stdout)
    assert ledger
    required = {"id", "paper", "reported", "reproduced", "verdict", "chapter", "note"}
    for row in ledger:
        assert required <= row.keys()
        assert row["verdict"] != "not computed", f"{row['id']}: no chapter recorded a value"
        if row["verdict"] == "not reproducible":
            assert row["note"], f"{row['id']}: a claim that cannot be reproduced must say why"


def test_second_build_executes_nothing(built_book):
    completed = subprocess.run(CLI + ["book"], cwd=ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert " 0 to execute" in completed.stdout
    assert "executing" not in completed.stdout


def test_no_output_contains_the_token(built_book):
    leaks = []
    for folder in (ROOT / "_build", ROOT / "book" / "executed", ROOT / "book" / "generated"):
        for file in folder.rglob("*"):
            if file.is_file() and SECRET.encode() in file.read_bytes():
                leaks.append(str(file))
    assert not leaks, f"HF_TOKEN leaked into: {leaks[:5]}"


def test_ledger_page_has_a_summary_and_badges(built_book):
    html = (built_book / "book" / "generated" / "claims_ledger.html").read_text()
    assert "Summary" in html
    assert "sd-badge" in html, "verdicts are shown as badges"
