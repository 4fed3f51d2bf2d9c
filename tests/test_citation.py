"""How to cite the book and under which licences: CITATION.cff, and what the site says.

CITATION.cff is validated with `cffconvert --validate` (the Citation File Format's reference
validator, in a throwaway environment of its own), and checked against the project: the same
version, licence and title, and the same three studies as book/references.bib. The built site
must state the licence of the code, of the text, and of every data source.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import tomllib

import pytest
import yaml

from sitetools import ROOT, ToolUnavailable, build_site, tool_venv

CFFCONVERT = "cffconvert==2.0.0"
STUDIES = ("saner2024", "icse2023", "esem2024")


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def bibtex_entries() -> dict[str, dict[str, str]]:
    """The fields of each entry of book/references.bib (enough of BibTeX for these entries)."""
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    entries = {}
    for match in re.finditer(r"@\w+\{([^,]+),(.*?)\n\}", text, re.S):
        fields = dict(re.findall(r"(\w+)\s*=\s*\{(.*)\},?\s*$", match.group(2), re.M))
        entries[match.group(1).strip()] = fields
    return entries


def plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.replace("{", "").replace("}", "").lower()).strip()


def test_citation_cff_is_valid_citation_file_format():
    try:
        venv = tool_venv("cffconvert", CFFCONVERT)
    except ToolUnavailable as exc:
        pytest.skip(f"cffconvert could not be installed, so CITATION.cff is not validated against its schema: {exc}")
    completed = subprocess.run([str(venv / "bin" / "cffconvert"), "--validate", "--infile", str(ROOT / "CITATION.cff")],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_citation_agrees_with_the_project():
    cff = citation()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    book = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == project["version"]
    assert cff["license"] == project["license"]["text"] == "MIT"
    assert "MIT" in (ROOT / "LICENSE").read_text().splitlines()[0]
    assert cff["title"] == book["title"]
    assert dt.date.fromisoformat(str(cff["date-released"])) <= dt.date.today()
    assert "cite" in cff["message"].lower()


def test_citation_references_are_the_three_studies_of_the_bibliography():
    references = citation()["references"]
    bibliography = bibtex_entries()
    assert len(references) == len(STUDIES)
    for key in STUDIES:
        entry = bibliography[key]
        matches = [r for r in references if plain(r["title"]) == plain(entry["title"])]
        assert matches, f"{key}: {entry['title']!r} is not among the references of CITATION.cff"
        reference = matches[0]
        assert str(reference["year"]) == entry["year"], key
        assert reference.get("doi") == entry.get("doi"), f"{key}: the DOI differs"
        bib_authors = [a.split(",")[0].strip() for a in entry["author"].split(" and ")]
        assert [a["family-names"] for a in reference["authors"]] == bib_authors, f"{key}: the authors differ"


@pytest.mark.slow
def test_the_site_states_every_licence_and_how_to_cite(mirror):
    from hfcompendium.registry import load_registry

    site = build_site()

    def text_of(page: str) -> str:
        markup = (site / page).read_text(encoding="utf-8")
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())

    footer_pages = ["book/intro.html", "book/generated/claims_ledger.html", "book/rerun.html"]
    for page in footer_pages:
        text = text_of(page)
        assert "Code: MIT licence" in text and "Text: CC BY 4.0" in text, f"{page}: the footer states no licences"
    rerun = text_of("book/rerun.html")
    for phrase in ("MIT licence", "CC BY 4.0", "CITATION.cff", "data catalogue"):
        assert phrase in rerun, f"the rerun page does not mention {phrase!r}"
    catalogue = text_of("book/generated/data_catalogue.html")
    missing = sorted({f"{s.id}: {s.licence}" for s in load_registry().values()
                      if " ".join(s.licence.split()) not in catalogue})
    assert not missing, "the data catalogue does not state the licence of:\n" + "\n".join(missing)
