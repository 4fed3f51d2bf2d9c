"""The chapters that take a snapshot parameter, run end to end on live snapshots.

Hub and forum snapshots are captured from the fake APIs on 127.0.0.1 (`fake_apis`, serving the
hand-written fixtures), then each chapter runs through the command line a reader uses,
`hfcompendium run <chapter> -p hub_snapshot <name> [-p forum_snapshot <name>]`, in a child process.
The executed notebooks must show numbers computed from the snapshots (counted here by hand from
the fixtures), name the snapshots as their data, read them (the run log), and keep the values out
of the claims ledger. A second pair of snapshots is tiny (a few months, types missing on one side,
series of zeros in the default windows); the chapters must still run and say why results are empty.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from fake_apis import LIVE_PAGES, PAGES, FakeDiscourse, FakeHub, fast_policy, local_server

from hfcompendium import claims, runlog
from hfcompendium.snapshots import capture_forum, capture_hub, registry

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

HUB, FORUM = "hub-live", "forum-live"            # from the live fixture pages and the forum fixture
TINY_HUB, TINY_FORUM = "hub-tiny", "forum-tiny"  # the first 4 models and the first 2 topics
EMPTY_HUB = "hub-empty"                          # the first 3 models: all dated 2022-03-02, no month at all
BOTH = ("saner_rq3_model_types", "saner_rq3_trends")


def cli() -> list[str]:
    script = Path(sys.executable).parent / "hfcompendium"
    return [str(script)] if script.exists() else [sys.executable, "-m", "hfcompendium"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A cache holding the captured snapshots (and, once the chapters ran, the replication data they read)."""
    root = tmp_path_factory.mktemp("live-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HFCOMPENDIUM_CACHE", str(root))
        patch.delenv(runlog.RUN_DIR_ENV, raising=False)
        patch.delenv("HF_TOKEN", raising=False)
        server = local_server()
        try:
            hub = FakeHub(server, pages=LIVE_PAGES)
            capture_hub(name=HUB, endpoint=hub.endpoint, first_commit_dates=True, policy=fast_policy(), progress=False)
            hub = FakeHub(server, pages=PAGES)
            for name, limit in ((TINY_HUB, 4), (EMPTY_HUB, 3)):
                capture_hub(name=name, endpoint=hub.endpoint, limit=limit, policy=fast_policy(), progress=False)
            forum = FakeDiscourse(server)
            for name, limit in ((FORUM, None), (TINY_FORUM, 2)):
                capture_forum(name=name, endpoint=forum.endpoint, limit=limit, rate=None, policy=fast_policy(),
                              progress=False)
        finally:
            server.clear()
            server.stop()
    return root


@pytest.fixture
def in_cache(cache, monkeypatch):
    """Read the snapshots in this process too (to count what the chapters should find)."""
    monkeypatch.setenv("HFCOMPENDIUM_CACHE", str(cache))
    monkeypatch.delenv(runlog.RUN_DIR_ENV, raising=False)
    return cache


@dataclass
class Page:
    """What an executed chapter shows and what its run recorded."""
    out: Path
    glue: dict = field(default_factory=dict)       # glued values, parsed
    text: str = ""                                 # markdown cells, markdown and HTML outputs, in order
    streams: list[str] = field(default_factory=list)
    reads: list[dict] = field(default_factory=list)
    claims_file: Path = Path()


_runs: dict[tuple, Page] = {}


@pytest.fixture(scope="module")
def run(cache, tmp_path_factory):
    """run(chapter, name=value, ...) executes the chapter once through the CLI and returns its Page."""
    runs_dir = tmp_path_factory.mktemp("live-runs")
    environment = {**os.environ, "HFCOMPENDIUM_CACHE": str(cache), "HFCOMPENDIUM_RUNS": str(runs_dir)}
    environment.pop(runlog.RUN_DIR_ENV, None)
    environment.pop("HF_TOKEN", None)

    def execute(chapter: str, **parameters) -> Page:
        key = (chapter, tuple(sorted(parameters.items())))
        if key not in _runs:
            flags = [part for name, value in parameters.items() for part in ("-p", name, str(value))]
            done = subprocess.run(cli() + ["run", chapter, *flags], capture_output=True, text=True, env=environment,
                                  timeout=600)
            assert done.returncode == 0, f"{chapter} {parameters}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            notebook = Path(done.stdout.strip().splitlines()[-1].split(": ", 1)[1])
            assert notebook.is_file() and notebook.parent.parent == runs_dir
            _runs[key] = read_page(notebook, chapter)
        return _runs[key]

    return execute


def read_page(notebook: Path, chapter: str) -> Page:
    page = Page(out=notebook.parent)
    parts = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            scrap = output.get("metadata", {}).get("scrapbook")
            if scrap:
                page.glue[scrap["name"]] = glued_value(data["application/papermill.record/text/plain"])
            elif output.output_type == "stream":
                page.streams.append(output.text)
            elif output.output_type == "error":
                pytest.fail(f"{chapter}: {output.ename}: {output.evalue}")
            else:
                parts.append(data.get("text/markdown") or data.get("text/html") or "")
    page.text = "\n".join(parts)
    run_dir = notebook.parent / f"{chapter}.run"
    page.reads = runlog.read_records(run_dir, runlog.READS_FILE)
    page.claims_file = run_dir / runlog.CLAIMS_FILE
    return page


def glued_value(text: str):
    """A glued value from its text form: a Python literal, nan, or a numpy scalar such as np.float64(0.5)."""
    text = re.sub(r"^np\.\w+\((.*)\)$", r"\1", text.strip())
    if text in ("nan", "inf", "-inf"):
        return float(text)
    return ast.literal_eval(text)


def assert_live_run(page: Page, snapshots: dict[str, list[str]]) -> None:
    """The run read these snapshot tables, names them with their hashes, and recorded no claim."""
    read = {r["source"]: r["sha256"] for r in page.reads}
    for name, tables in snapshots.items():
        info = registry.get_snapshot(name)
        for table in tables:
            assert read[f"snapshot:{name}/{table}"] == info.tables[table].sha256
            assert info.tables[table].sha256[:16] in page.text          # the provenance table
        assert info.endpoint in page.text and info.captured_at in page.text
        assert "This run reads the live snapshot" in page.text
    assert not page.claims_file.exists(), "a run on a live snapshot must not record claims for the ledger"
    assert claims.LIVE in page.text                                    # the comparison shows values, unjudged
    assert "live snapshot" in page.text
    assert not [s for s in page.streams if "Warning" in s or "Traceback" in s], page.streams


def window_sum(name: str, table: str, start: str, end: str, value: str = "count") -> int:
    frame = registry.load_table(name, table)
    return int(frame.loc[(frame["month"] >= start) & (frame["month"] <= end), value].sum())


# --- full snapshots ---------------------------------------------------------------------------------

def test_model_types_compares_the_snapshots(run, in_cache):
    page = run("saner_rq3_model_types", hub_snapshot=HUB, forum_snapshot=FORUM)
    assert_live_run(page, {HUB: ["model_types_monthly"], FORUM: ["mentions_monthly"]})
    # Counted by hand from the fixtures: 19 typed models created 2017-09..2023-06 (two of them dated
    # by their first commit), 11 mentions of 10 types in topics of 2022-12..2023-06.
    assert page.glue["n_hub"] == 19 == window_sum(HUB, "model_types_monthly", "2017-09", "2023-06")
    assert page.glue["n_hub_types"] == 7
    assert page.glue["n_mentions"] == 11 == window_sum(FORUM, "mentions_monthly", "2020-07", "2023-06")
    assert page.glue["n_forum_types"] == 10
    assert page.glue["top4_hub"] == "bert, gpt2, t5, whisper"
    assert "19 in the window 2017-09..2023-06, 7 after it" in page.text
    assert "also holds 1 model with no creation month" in page.text          # the sentinel date, no commit found
    assert page.glue["comparison_summary"].startswith(f"This run computes from hub snapshot {HUB} (captured ")
    assert "always reads the replication data" in page.text                   # the search for the paper's rho
    assert "saner2024_hub_model_types_over_time_lastmodified" in page.text


def test_trends_correlate_the_types_both_snapshots_share(run, in_cache):
    page = run("saner_rq3_trends", hub_snapshot=HUB, forum_snapshot=FORUM)
    assert_live_run(page, {HUB: ["model_types_monthly"], FORUM: ["mentions_monthly"]})
    # Window 2020-07..2023-05: the forum's mentions cover gpt2, whisper, opt, clip, t5 and mt5; 90 % of
    # the Hub's 16 new models are bert, gpt2, t5, whisper and clip.
    assert page.glue["n_forum_top"] == 6 and page.glue["n_hub_top"] == 5 and page.glue["n_types"] == 4
    assert "16 in the window 2020-07..2023-05, 2 before it and 8 after it" in page.text
    assert "6 in the window 2020-07..2023-05, 5 after it" in page.text
    assert page.text.count("The results below count the window only") == 1
    assert page.glue["trim_reading"].startswith("These coefficients come from live snapshots")
    assert page.glue["changed_reading"] == ""
    assert "saner2024_forum_model_mentions_over_time" in page.text            # named as replaced, not read
    assert not [r for r in page.reads if not r["source"].startswith("snapshot:")]


def test_model_cards_count_the_snapshot_months(run, in_cache):
    page = run("saner_rq3_model_cards", hub_snapshot=HUB)
    assert_live_run(page, {HUB: ["cards_monthly"]})
    # 16 models created 2019-12..2023-05, 12 of them with a non-empty card; none before 2022-01.
    assert (page.glue["models"], page.glue["with_card"]) == (16, 12)
    assert page.glue["models"] == window_sum(HUB, "cards_monthly", "2019-12", "2023-05", "models")
    assert "The window has 0 months before 2022-01" in page.text

    moved = run("saner_rq3_model_cards", hub_snapshot=HUB, window_start="2018-01", window_end="2025-12")
    assert "; all in the window 2018-01..2025-12." in moved.text
    assert (moved.glue["models"], moved.glue["n_before"]) == (29, 2)
    assert moved.glue["mw_p"] == moved.glue["mw_p"]                            # computed, not NaN


def test_library_preservation_runs_on_the_snapshot_links(run, in_cache):
    page = run("esem_c1_library_preservation", hub_snapshot=HUB)
    assert_live_run(page, {HUB: ["base_model_links", "models"]})
    links = registry.get_snapshot(HUB).tables["base_model_links"].rows
    assert page.glue["status"].startswith(f"Snapshot {HUB} has {links:,} base-model links")
    assert "preservation rates of this snapshot" in page.glue["results_note"]
    assert "esem2024.s5_3_2.transformers_preservation" in page.text


def test_turnover_adds_the_snapshot_as_the_latest_hugging_face_point(run, in_cache):
    page = run("esem_c2_turnover", hub_snapshot=HUB)
    assert_live_run(page, {HUB: ["models"]})
    assert f"(live snapshot {HUB})" in page.text
    assert "ranks its 30 models by their downloads over the last 30 days" in page.text
    assert "fewer models than K = 1,000" in page.text
    assert page.glue["hf_snapshots"] == 4                                      # three published lists and the snapshot
    assert page.glue["comparison_summary"].startswith(f"This run computes from hub snapshot {HUB} (captured ")
    assert page.glue["comparison_reading"].startswith("On what matters for the claim")     # this run's values


# --- tiny and empty snapshots ------------------------------------------------------------------------

@pytest.mark.parametrize("chapter", BOTH)
def test_tiny_snapshots_with_types_missing_on_one_side(run, in_cache, chapter):
    page = run(chapter, hub_snapshot=TINY_HUB, forum_snapshot=TINY_FORUM)
    assert_live_run(page, {TINY_HUB: ["model_types_monthly"], TINY_FORUM: ["mentions_monthly"]})
    assert "in the snapshot hub-tiny: 1, in 2023-05 only" in page.text
    if chapter == "saner_rq3_trends":
        # The forum's only mentions are in 2023-06, after the window: every forum series is zero.
        assert "none in the window 2020-07..2023-05, so the results below are empty" in page.text
        assert page.glue["n_types"] == 0 and "No type is compared, so there is no chart." in page.text
    else:
        assert page.glue["top4_hub"] == "bert" and page.glue["n_hub"] == 1
        assert "Spearman's rho is not computed" in page.text


def test_tiny_and_empty_hub_snapshots_in_the_card_chapter(run, in_cache):
    tiny = run("saner_rq3_model_cards", hub_snapshot=TINY_HUB)
    assert_live_run(tiny, {TINY_HUB: ["cards_monthly"]})
    assert (tiny.glue["models"], tiny.glue["n_before"], tiny.glue["n_after"]) == (1, 0, 1)
    empty = run("saner_rq3_model_cards", hub_snapshot=EMPTY_HUB)
    assert_live_run(empty, {EMPTY_HUB: ["cards_monthly"]})
    assert "The snapshot hub-empty has no new models in any month" in empty.text
    assert "also holds 3 models with no creation month" in empty.text
    assert empty.glue["models"] == 0 and empty.glue["threshold_verdict"] == "there is no month to judge the statement on"


def test_tiny_hub_snapshot_in_the_esem_chapters(run, in_cache):
    preservation = run("esem_c1_library_preservation", hub_snapshot=TINY_HUB)
    assert_live_run(preservation, {TINY_HUB: ["base_model_links", "models"]})
    turnover = run("esem_c2_turnover", hub_snapshot=TINY_HUB)
    assert_live_run(turnover, {TINY_HUB: ["models"]})
    assert "It is a sample: its capture stopped after the first 4 models by creation date" in turnover.text
    assert "a sample: the first 4 models by creation date (--limit 4)" in turnover.text     # provenance origin


def test_the_replication_runs_still_record_claims(run):
    """Guards the other side: with the default data the claims are recorded as before."""
    page = run("esem_c1_library_preservation")
    records = runlog.read_records(page.claims_file.parent, runlog.CLAIMS_FILE)
    assert {r["id"] for r in records} >= {"esem2024.s5_3_2.transformers_preservation"}
    assert all(r.get("unavailable") for r in records)
    assert claims.LIVE not in page.text
