"""Readers of the ICSE 2023 artifact, on the real files of the data mirror (plus two hand-made archives)."""

from __future__ import annotations

import io
import tarfile
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from hfcompendium import data
from hfcompendium.readers import ReaderError, icse


def test_top20_lists(mirror):
    for source_id, registry, period in [("icse2023_top20_hf_models", "huggingface", "month"),
                                        ("icse2023_top20_pypi", "pypi", "month"),
                                        ("icse2023_top20_npm", "npm", "week")]:
        frame = data.load(source_id)
        assert len(frame) == 20 and set(frame["registry"]) == {registry} and set(frame["period"]) == {period}
        assert frame["position"].tolist() == list(range(1, 21))
    npm = data.load("icse2023_top20_npm")
    assert not npm["downloads"].is_monotonic_decreasing          # the file is not in download order


def test_transformed_packages(mirror):
    frame = data.load("icse2023_transformed_packages")
    assert len(frame) == 59_632
    assert frame["registry"].value_counts().to_dict() == {"pypi": 52_795, "huggingface": 6_701, "npm": 136}
    assert 141_424_941 in set(frame["downloads"])                 # the quoted value with separators


def test_interview_files(mirror):
    people = data.load("icse2023_interview_demographics")
    assert people["participant"].tolist() == list(range(1, 13))
    assert all(isinstance(types, (list, tuple)) or hasattr(types, "__len__") for types in people["model_types"])
    memos = data.load("icse2023_interview_memos")
    assert len(memos) == 12 and "Traditional attributes" in memos.columns


def test_hf_yaml_listing(mirror):
    frame = data.load("icse2023_sdist_0_1_3")
    assert len(frame) == 54_579 and frame["model_id"].is_unique
    assert int(frame["has_info"].sum()) == 4_223
    info = frame[frame["has_info"]]
    assert info["downloads"].notna().all() and frame.loc[~frame["has_info"], "downloads"].isna().all()
    assert info["downloads"].is_monotonic_decreasing                # list_models() order
    assert info["last_modified"].max() == pd.Timestamp("2022-06-26T17:50:05Z")
    first = frame.iloc[0]
    assert first["model_id"] == "bert-base-uncased" and first["has_readme"] and first["license"] == "apache-2.0"
    assert list(first["datasets"]) == ["bookcorpus", "wikipedia"]
    assert frame.loc[~frame["has_info"], "has_readme"].isna().all()


def test_modelinfo_first1000(mirror):
    frame = data.load("icse2023_data_cleaning_ipynb")
    assert len(frame) == 1_000 and frame["model_id"].is_unique
    assert frame["rank"].tolist() == list(range(1, 1_001))
    assert frame["downloads"].is_monotonic_decreasing
    assert frame["last_modified"].max() == pd.Timestamp("2022-07-04T15:02:50Z")
    assert int(frame["has_card_data"].sum()) == 758


def test_hftorrent_names(mirror):
    parts = data.sources("icse2023_hftorrent_names_")
    assert len(parts) == 64
    names = data.load_many("icse2023_hftorrent_names_")
    assert len(names) == 63_367 and names["model_id"].nunique() == 63_367
    assert (names.groupby("source_id").size().drop("icse2023_hftorrent_names_xcl") == 1_000).all()
    assert len(data.load("icse2023_hftorrent_names_xcl")) == 367


def _archive(path, payload: bytes):
    with tarfile.open(path, "w:gz") as archive:
        member = tarfile.TarInfo(icse.HF_YAML_MEMBER)
        member.size = len(payload)
        archive.addfile(member, io.BytesIO(payload))


def test_hf_yaml_member_with_other_bytes_is_refused(tmp_path):
    # Hand-made fixture archive: right member path, wrong content.
    archive = tmp_path / "fixture.tar.gz"
    _archive(archive, b"- bert-base-uncased\n")
    with pytest.raises(ReaderError, match="sha256"):
        icse.hf_yaml_listing(archive, SimpleNamespace(id="fixture"))


def test_yaml_loader_maps_objects_and_refuses_code():
    mapped = yaml.load("- !!python/object:huggingface_hub.hf_api.ModelInfo {id: x, downloads: 3}",
                       Loader=icse._ObjectsAsMappings)
    assert mapped == [{"id": "x", "downloads": 3}]
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=icse._ObjectsAsMappings)
