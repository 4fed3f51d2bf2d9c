"""Readers of the ESEM 2024 inputs, on the real files of the data mirror."""

from __future__ import annotations

import pandas as pd

from hfcompendium import data


def test_ancient_snapshot(mirror):
    frame = data.load("esem2024_peatmoss_ancient_db")
    assert len(frame) == 10_406 and frame["model_id"].is_unique
    assert list(frame.columns) == ["model_id", "downloads", "rank"]
    assert int(frame["downloads"].isna().sum()) == 1_369
    assert frame["rank"].isna().equals(frame["downloads"].isna())
    ranked = frame.dropna(subset=["downloads"]).sort_values("rank")
    assert ranked["downloads"].is_monotonic_decreasing and ranked["rank"].tolist()[:3] == [1, 2, 3]
    assert ranked.iloc[0]["model_id"] == "bert-base-uncased"


def test_descendant_counts(mirror):
    frame = data.load("esem2024_direct_descendants_per_download")
    assert len(frame) == 3_471
    assert list(frame.columns) == ["descendant_downloads", "direct_descendants"]
    assert str(frame["descendant_downloads"].dtype) == "int64"
    assert frame["direct_descendants"].min() >= 1 and frame["descendant_downloads"].min() >= 0


def test_peatmoss_filtered_top(mirror):
    frame = data.load("peatmoss_2k_filtered_models")
    assert len(frame) == 1_461 and frame["model_id"].is_unique
    assert frame["downloads"].is_monotonic_decreasing and frame["downloads"].min() >= 10_000
    assert frame["rank"].tolist() == list(range(1, 1_462))


def test_tables_survive_the_parquet_cache(mirror):
    first = data.load("esem2024_peatmoss_ancient_db")
    second = data.load("esem2024_peatmoss_ancient_db")   # now from the tidy-table cache
    pd.testing.assert_frame_equal(first, second)
