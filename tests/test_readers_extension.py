"""Readers of the extension data, on the real files of the data mirror."""

from __future__ import annotations

from hfcompendium import data


def test_none_freq_tables(mirror):
    frame = data.load("peatmoss_hf_none_freq")
    assert frame.groupby("table")["header"].first().to_dict() == {1: "field", 2: "field", 3: "library_name"}
    counted = frame[frame["freq"] > 0]
    totals = (counted["amount"] / counted["freq"]).round().groupby(counted["table"]).median()
    assert int(totals.loc[1]) == 234_051
    assert frame.loc[frame["table"] == 3, "name"].iloc[0] == "transformers"


def test_reuse_mapping(mirror):
    frame = data.load("peatmoss_reuse_mapping")
    assert len(frame) == 22_861
    assert frame["gh_repo"].nunique() == 7_956 and frame["hf_model"].nunique() == 1_512
    assert frame["gh_repo"].str.startswith("github.com/").all()


def test_model_card_study(mirror):
    features = data.load("model_card_quality_features")
    assert features.shape == (758, 30) and set(features["quality"]) == {0, 1}
    samples = data.load("model_card_samples")
    assert len(samples) == 758 and samples["sample"].tolist() == list(range(1, 759))
    assert (samples["model_id"].values == features["model_id"].values).all()
    assert samples["downloads"].notna().all() and (samples["card_text"].str.len() > 0).all()


def test_dataset_info(mirror):
    frame = data.load("hf_dataset_info")
    assert len(frame) == 24_065
    assert frame["created_at"].notna().mean() > 0.99
    assert str(frame["created_at"].max().date()) == "2023-03-16"


def test_ptm_naming_and_forum(mirror):
    naming = data.load("ptm_naming_model_types")
    assert naming["model_type"].nunique() == 146 and naming["model_id"].nunique() == 16_334
    forum = data.load("hf_forum_topics_sample")
    assert len(forum) == 300 and forum["topic_id"].is_unique
    assert forum.loc[forum["link"].str.endswith("/1004"), "views"].iloc[0] == 6_600
