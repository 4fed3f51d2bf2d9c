"""What chapters show and record when they run on a live snapshot: provenance, window notes, claims."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hfcompendium import claims, runlog
from hfcompendium.analysis import live, stats, turnover
from hfcompendium.snapshots import registry


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPENDIUM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(runlog.RUN_DIR_ENV, str(tmp_path / "run"))
    yield
    claims.use_live_data(None)


def make_snapshot(name: str, *, limit=None, undated=0, source="api") -> registry.SnapshotInfo:
    tables = registry.snapshot_dir(name) / registry.TABLES_DIR
    tables.mkdir(parents=True)
    pq.write_table(pa.table({"model_type": ["bert", "t5"], "month": ["2023-01", "2024-02"], "count": [3, 4]}),
                   tables / "model_types_monthly.parquet")
    pq.write_table(pa.table({"month": ["2023-01"], "models": [7], "with_card": [5], "card_ratio": [5 / 7]}),
                   tables / "cards_monthly.parquet")
    parameters = {"limit": limit} if source == "api" else {"dump_file": "models.parquet"}
    return registry.register(name, kind="hub", source=source, endpoint="http://127.0.0.1:1" if source == "api" else None,
                             captured_at="2026-11-22T10:00:00Z", parameters=parameters, transformers_version="5.23.0",
                             table_files={"model_types_monthly": tables / "model_types_monthly.parquet",
                                          "cards_monthly": tables / "cards_monthly.parquet"},
                             notes={"models_without_creation_month": undated})


def test_snapshot_provenance_names_origin_capture_tables_rows_and_hashes():
    info = make_snapshot("hub-a")
    make_snapshot("hub-sample", limit=500)
    make_snapshot("hub-dump", source="dump")
    frame = registry.provenance(["hub-a"])
    assert list(frame.columns) == ["snapshot", "kind", "origin", "captured at", "table", "rows", "sha256"]
    assert frame["table"].tolist() == ["cards_monthly", "model_types_monthly"]
    row = frame.set_index("table").loc["model_types_monthly"]
    assert row["origin"] == "http://127.0.0.1:1" and row["captured at"] == "2026-11-22T10:00:00Z"
    assert row["rows"] == 2 and row["sha256"] == info.tables["model_types_monthly"].sha256[:16] + "…"
    sample = registry.provenance(["hub-sample"], ["model_types_monthly"])
    assert len(sample) == 1 and "a sample: the first 500 models by creation date (--limit 500)" in sample.loc[0, "origin"]
    assert registry.provenance(["hub-dump"], ["cards_monthly"]).loc[0, "origin"] == "dump models.parquet"
    with pytest.raises(registry.SnapshotError, match="has no table libraries"):
        registry.provenance(["hub-a"], ["libraries"])


def test_month_coverage_splits_counts_around_the_window():
    table = pd.DataFrame({"month": ["2019-05", "2021-01", "2021-01", "2023-08", "2024-01"],
                          "count": [2, 3, 0, 4, 1]})
    assert live.month_coverage(table, "2020-07", "2023-06") == {
        "first": "2019-05", "last": "2024-01", "months": 4, "total": 10, "before": 2, "inside": 3, "after": 5}
    empty = live.month_coverage(table.iloc[:0], "2020-07", "2023-06")
    assert empty["first"] is None and empty["total"] == 0 and empty["months"] == 0


def test_window_notes_say_where_the_snapshot_months_fall():
    make_snapshot("hub-b", undated=2)
    table = pd.DataFrame({"model_type": ["bert", "t5"], "month": ["2023-01", "2024-02"], "count": [3, 4]})
    args = {"snapshot": "hub-b", "what": "new models", "parameters": ("hub_start", "hub_end")}
    partial = live.window_note(table, "2020-07", "2023-06", **args)
    assert partial.startswith("New models in the snapshot hub-b: 7, from 2023-01 to 2024-02; 3 in the window "
                              "2020-07..2023-06, 4 after it.")
    assert "`-p hub_start YYYY-MM -p hub_end YYYY-MM`" in partial
    assert "also holds 2 models with no creation month" in partial and "--first-commit-dates" in partial
    outside = live.window_note(table, "2017-01", "2019-12", **args)
    assert "none in the window 2017-01..2019-12, so the results below are empty" in outside
    assert "within 2023-01..2024-02" in outside
    assert "; all in the window 2020-01..2025-01." in live.window_note(table, "2020-01", "2025-01", **args)
    nothing = live.window_note(table.assign(count=0), "2020-07", "2023-06", **args)
    assert nothing.startswith("The snapshot hub-b has no new models in any month")
    assert live.window_note(table, "2020-07", "2023-06", **{**args, "snapshot": "replication"}) == ""


def test_note_text_shows_a_shared_sentence_once():
    a = "Forum: 3 in the window. The results below count the window only."
    b = "Hub: 0 in the window. The results below count the window only."
    assert live.note_text(a, "", b) == ("Forum: 3 in the window. The results below count the window only. "
                                        "Hub: 0 in the window.")
    assert live.note_text("", None) == ""


def test_a_live_run_records_no_claims_and_names_the_snapshot(tmp_path):
    make_snapshot("hub-c", limit=10)
    claim_id = "saner2024.sec4b.hub_valid_models"
    assert live.declare("replication", "replication") == ""
    assert claims.record(claim_id, 103_092).verdict == claims.REPRODUCED
    written = runlog.read_records(tmp_path / "run", runlog.CLAIMS_FILE)
    assert [r["id"] for r in written] == [claim_id]

    description = live.declare("hub-c", "replication")
    assert description == "hub snapshot hub-c (captured 2026-11-22, a sample of 10)"
    result = claims.record(claim_id, 7, note="window 2017-09..2023-06")
    assert result.verdict == claims.LIVE and result.note == "live snapshot hub-c; window 2017-09..2023-06"
    unavailable = claims.record_unavailable("saner2024.sec4b.transformers_types", "no list", value=3)
    assert unavailable.verdict == claims.LIVE and unavailable.note == "live snapshot hub-c; no list"
    table = claims.recorded_table("saner2024.sec4b.")
    assert table.set_index("id").loc[claim_id, "verdict"] == claims.LIVE
    assert len(runlog.read_records(tmp_path / "run", runlog.CLAIMS_FILE)) == 1     # nothing more was written
    assert live.summary("Of 3 numbers, 1 is reproduced.", "") == "Of 3 numbers, 1 is reproduced."
    assert live.summary("Of 3 numbers, 1 is reproduced.", description).startswith(
        f"This run computes from {description}, not from the paper's data")


def test_live_point_note_says_what_a_sample_or_a_short_list_means():
    assert "fewer models than K = 1,000" in turnover.live_point_note("hub-x", 30, 1000)
    sample = turnover.live_point_note("hub-x", 30, 10, limit=30)
    assert "It is a sample" in sample and "(`--limit`)" in sample
    assert "sample" not in turnover.live_point_note("hub-x", 5000, 1000)


def test_shapiro_takes_three_values():
    result = stats.shapiro([1.0, 0.0, 0.0])
    assert result["n"] == 3 and result["W"] == pytest.approx(0.75) and result["normal"] is False
