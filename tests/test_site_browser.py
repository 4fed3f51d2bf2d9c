"""The built book as a reader meets it: every page opened in headless Chromium with no network.

Each page of `_build/html` is served from 127.0.0.1 and loaded in a fresh browser profile with
every request outside the site blocked. A page fails on any request that tries to leave the
site, any console error or uncaught exception, any resource or image that does not load, any
chart (SVG) without a size, and any formula MathJax did not typeset. Screenshots of a few pages
are kept in `_build/screenshots/` for a person to look at. Strings from the Hub (model ids) go
through the same rendering paths as the chapters and must show as text, never run as code.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from sitetools import ROOT, Chromium, ChromiumUnavailable, build_site, find_chromium, serve, site_pages

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "_build" / "screenshots"
HAND_WRITTEN_PAGES = ("book/intro.html", "book/teaching_guide.html", "book/rerun.html",
                      "book/generated/claims_ledger.html", "book/generated/data_catalogue.html")


@pytest.fixture(scope="module")
def site(mirror) -> Path:
    return build_site()


@pytest.fixture(scope="module")
def chromium():
    try:
        executable = find_chromium(install=True)
    except ChromiumUnavailable as exc:
        pytest.skip(f"headless Chromium is needed to open the pages as a reader does, and there is none: {exc}")
    browser = Chromium(executable)
    yield browser
    browser.close()


def chapter_ids() -> list[str]:
    from hfcompendium.chapters import discover

    return list(discover())


def test_every_page_opens_offline_without_errors(site, chromium):
    pages = site_pages(site)
    expected = set(HAND_WRITTEN_PAGES) | {f"book/executed/{c}.html" for c in chapter_ids()}
    assert not expected - set(pages), f"pages missing from the site: {sorted(expected - set(pages))}"
    problems, charts = {}, {}
    with serve(site) as base:
        for page in pages:
            report = chromium.open(base + page, origin=base)
            if report.problems():
                problems[page] = report.problems()
            charts[page] = [c for c in report.charts if c["width"] > 0 and c["height"] > 0]
    assert not problems, "pages that do not work offline:\n" + "\n".join(
        f"{page}:\n" + "\n".join(f"    - {p}" for p in found) for page, found in problems.items())
    # The chapters show their results as charts: at least one chapter page has a rendered one.
    chapter_pages = [p for p in pages if p.startswith("book/executed/")]
    if chapter_pages:
        assert any(charts[p] for p in chapter_pages), "no chapter page shows a rendered chart"


def test_screenshots_of_the_intro_the_ledger_and_a_chapter(site, chromium):
    """Kept in _build/screenshots/ for a person to look at; here only checked not to be blank."""
    from PIL import Image

    shots = {"intro": ("book/intro.html", False),
             "claims_ledger": ("book/generated/claims_ledger.html", True),
             "data_catalogue": ("book/generated/data_catalogue.html", False),
             "teaching_guide": ("book/teaching_guide.html", False)}
    in_toc_order = re.findall(r"file:\s*book/executed/(\S+)", (ROOT / "_toc.yml").read_text())
    with_charts = [c for c in in_toc_order if (site / "book" / "executed" / f"{c}.html").exists()
                   and "_images/" in (site / "book" / "executed" / f"{c}.html").read_text()]
    if with_charts:
        shots[f"chapter-{with_charts[0]}"] = (f"book/executed/{with_charts[0]}.html", True)
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    with serve(site) as base:
        for name, (page, full_page) in shots.items():
            path = SCREENSHOTS / f"{name}.png"
            report = chromium.open(base + page, origin=base, screenshot=path, full_page=full_page)
            assert not report.problems(), f"{page}: {report.problems()}"
            with Image.open(path) as image:
                assert image.width >= 1000 and image.height >= 600, f"{path}: {image.size}"
                colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
                assert len(colours) > 50, f"{path} looks blank ({len(colours)} colours)"


def test_chapter_pages_offer_the_executed_notebook_for_download(site):
    for chapter in chapter_ids():
        html = (site / "book" / "executed" / f"{chapter}.html").read_text(encoding="utf-8")
        link = f"_sources/book/executed/{chapter}.ipynb"
        assert link in html, f"{chapter}: no download link to the executed notebook"
        notebook = nbformat.read(site / link, as_version=4)
        outputs = sum(len(cell.get("outputs", [])) for cell in notebook.cells if cell.cell_type == "code")
        assert outputs, f"{chapter}: the downloadable notebook has no outputs"


def test_formulas_are_typeset_from_the_site(site):
    """MathJax is a file of the site (sphinx-mathjax-offline), never a CDN script."""
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()
    for page in site_pages(site):
        html = (site / page).read_text(encoding="utf-8")
        for src in re.findall(r'<script[^>]+src="([^"]+)"', html):
            assert not src.startswith(("http:", "https:", "//")), f"{page} loads {src}"


# -- strings from the Hub ---------------------------------------------------------------------

# Each shorter than the 50 characters pandas shows of a string before it abbreviates it.
HOSTILE_IDS = [
    "<script>window.__hfcPwned=1;alert(1)</script>",
    '<img src=x onerror="__hfcPwned=2;alert(2)">',
    '<svg onload="__hfcPwned=3;alert(3)"></svg>',
    'org/m"><b id="hfc-injected">bold</b>',
]

CHAPTER = '''\
# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "Strings from the Hub"
#     paper: saner2024
# ---

# %% [markdown]
# # Strings from the Hub

# %%
import json

import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts

charts.setup()
ids = json.loads(HOSTILE_IDS_JSON)
frame = pd.DataFrame({"model_id": ids, "downloads": range(len(ids), 0, -1)})
glue("first_id", ids[0], display=False)

# %% [markdown]
# The first id is {glue:text}`first_id`.

# %%
frame

# %%
from hfcompendium import display

display.table(frame, {"downloads": "{:,}"})

# %%
alt.Chart(frame).mark_bar().encode(x=alt.X("model_id:N", title="model"), y="downloads:Q")
'''


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory) -> Path:
    """A small book with the project's configuration, whose data are hostile model ids.

    The chapter runs through the same execution as the book's chapters (papermill, a DataFrame,
    a styled table from `hfcompendium.display.table`, an SVG chart, glue) and a generated page puts the ids in a table with `hfcompendium.pages.cell`, as the
    ledger and the catalogue do."""
    from hfcompendium.chapters import load_chapter
    from hfcompendium.execute import execute_in_subprocess
    from hfcompendium.pages import cell

    book = tmp_path_factory.mktemp("hostile-book")
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    for folder in ("_ext", "_static"):
        shutil.copytree(ROOT / "book" / folder, book / "book" / folder)
    shutil.copy(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/executed/hub_strings\n")
    rows = "\n".join(f"| {cell(model)} | {n} |" for n, model in enumerate(HOSTILE_IDS))
    (book / "book" / "intro.md").write_text(f"# Hub strings in a generated table\n\n| model | n |\n|---|---:|\n{rows}\n")
    source = book / "notebooks" / "hub_strings.py"
    source.parent.mkdir()
    source.write_text(CHAPTER.replace("HOSTILE_IDS_JSON", repr(json.dumps(HOSTILE_IDS))))
    outcome = execute_in_subprocess(load_chapter(source), {}, book / "book" / "executed", {"key": {}})
    assert outcome.ok, outcome.message
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    completed = subprocess.run([str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going",
                                "--path-output", str(book)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    return book / "_build" / "html"


PROBE = textwrap.dedent("""\
    JSON.stringify({pwned: window.__hfcPwned === undefined ? null : window.__hfcPwned,
                    injected: !!document.getElementById("hfc-injected")})""")


@pytest.mark.parametrize("page", ["book/intro.html", "book/executed/hub_strings.html"])
def test_model_ids_from_the_hub_show_as_text(hostile_book, chromium, page):
    with serve(hostile_book) as base:
        report = chromium.open(base + page, origin=base, probe=PROBE)
    assert not report.dialogs, f"a script from the data ran: {report.dialogs}"
    assert json.loads(report.probe) == {"pwned": None, "injected": False}
    assert not report.problems(), report.problems()
    for model in HOSTILE_IDS:
        assert model in report.text, f"{model!r} is not shown as text on {page}"
    if page.startswith("book/executed/"):
        for model in HOSTILE_IDS:
            assert report.text.count(model) >= 2, f"{model!r}: shown by the DataFrame but not by display.table"
        assert "The first id is " + HOSTILE_IDS[0] in report.text, "glued text is not shown as text"
        assert any(c["width"] > 0 and c["height"] > 0 for c in report.charts), "the chart did not render"
        svg = "".join(p.read_text() for p in (hostile_book / "_images").glob("*.svg"))
        assert "&lt;script&gt;" in svg and "<script>" not in svg, "chart labels must be escaped in the SVG"
