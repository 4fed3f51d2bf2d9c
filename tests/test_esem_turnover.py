"""Top-K turnover (ESEM 2024, equations 2-4) on small hand-made lists."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hfcompendium.analysis import turnover


def test_three_snapshots_split_into_remained_newcomers_returning():
    lists = {"t0": ["a", "b", "c"], "t1": ["a", "d", "e"], "t2": ["b", "d", "f"]}
    table = turnover.turnover(lists, k=3).set_index("snapshot")
    assert table.loc["t0", ["remained", "newcomers", "returning"]].tolist() == [0, 3, 0]
    assert table.loc["t1", ["remained", "newcomers", "returning"]].tolist() == [1, 2, 0]   # a stays; d, e new
    assert table.loc["t2", ["remained", "newcomers", "returning"]].tolist() == [1, 1, 1]   # d stays; f new; b back
    assert table["distinct_ever"].tolist() == [3, 5, 6]
    assert math.isnan(table.loc["t0", "turnover_share"])
    assert table.loc["t1", "turnover_share"] == pytest.approx(2 / 3)
    assert turnover.distinct_ever(lists, k=3) == 6


def test_categories_partition_the_current_top_k():
    lists = {"t0": list("abcdef"), "t1": list("fedxyz"), "t2": list("abzqrs")}
    table = turnover.turnover(lists, k=4)
    assert (table["remained"] + table["newcomers"] + table["returning"] == table["size"]).all()


def test_k_larger_than_a_list_uses_the_whole_list():
    table = turnover.turnover({"t0": ["a", "b"], "t1": ["b", "c", "d"]}, k=10)
    assert table["size"].tolist() == [2, 3]
    assert table.loc[1, ["remained", "newcomers"]].tolist() == [1, 2]


def test_empty_snapshot_has_nothing_and_a_nan_share():
    table = turnover.turnover({"t0": ["a", "b"], "t1": [], "t2": ["a"]}, k=2)
    assert table.loc[1, ["size", "remained", "newcomers", "returning"]].tolist() == [0, 0, 0, 0]
    assert math.isnan(table.loc[1, "turnover_share"])
    assert table.loc[2, ["remained", "newcomers", "returning"]].tolist() == [0, 0, 1]  # a returns after a gap


def test_no_snapshots_gives_an_empty_table():
    assert turnover.turnover({}, k=5).empty
    assert turnover.distinct_ever({}, k=5) == 0


def test_top_k_skips_repeats_and_missing_names():
    assert turnover.top_k(["a", "a", None, float("nan"), "b", "c"], 2) == ["a", "b"]
    assert turnover.top_k(["a"], 0) == []
    with pytest.raises(ValueError):
        turnover.top_k(["a"], -1)


def test_ranked_names_sorts_by_downloads_and_keeps_order_on_ties():
    frame = pd.DataFrame({"name": ["x", "y", "z", "w"], "downloads": [5, 9, 5, None]})
    assert turnover.ranked_names(frame, "name", "downloads") == ["y", "x", "z"]
    assert turnover.ranked_names(frame, "name") == ["x", "y", "z", "w"]


def test_zero_downloads_are_ranked_last_but_kept():
    frame = pd.DataFrame({"name": ["x", "y"], "downloads": [0, 3]})
    assert turnover.ranked_names(frame, "name", "downloads") == ["y", "x"]


def test_boundary_ties_counts_the_names_sharing_the_kth_count():
    assert turnover.boundary_ties([10, 8, 8, 8, 1], 2) == 3
    assert turnover.boundary_ties([10, 8, 7], 2) == 1
    assert turnover.boundary_ties([10, 8], 5) == 0
    assert turnover.boundary_ties([0, 0, 0], 1) == 3


def test_parse_snapshot_ids_checks_every_id():
    allowed = ["s1", "s2", "s3"]
    assert turnover.parse_snapshot_ids(" s2, s1 ", allowed) == ["s2", "s1"]
    with pytest.raises(ValueError, match="unknown: s9.*Choices: s1, s2, s3"):
        turnover.parse_snapshot_ids("s1,s9", allowed)
    with pytest.raises(ValueError, match="repeated: s1"):
        turnover.parse_snapshot_ids("s1,s1", allowed)
    with pytest.raises(ValueError, match="no snapshot id"):
        turnover.parse_snapshot_ids(" , ", allowed)


def test_snapshot_labels_and_the_months_between_them():
    first = turnover.snapshot_label("2022-06-26", "icse2023_sdist_0_1_3")
    assert first == "2022-06-26 (icse2023_sdist_0_1_3)"
    assert turnover.months_between(first, turnover.snapshot_label("2023-10", "peatmoss_2k_filtered_models")) == 15.2
    assert turnover.months_between(turnover.snapshot_label("2023-10", "a"), turnover.snapshot_label("2023-10", "b")) == 0
    assert math.isnan(turnover.months_between(None, first))
    assert math.isnan(turnover.months_between(first, "listing"))          # a label without a date
    assert math.isnan(turnover.months_between("soon (x)", first))
