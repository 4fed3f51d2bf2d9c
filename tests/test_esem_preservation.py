"""Library preservation from base models to descendants (ESEM 2024, equation 1), on hand-made models."""

from __future__ import annotations

import pandas as pd
import pytest

from hfcompendium.analysis import preservation


def frames(links, libraries):
    return (pd.DataFrame(links, columns=["model_id", "base_model"]),
            pd.DataFrame(libraries, columns=["model_id", "library_name"]))


def test_rate_counts_descendants_of_multi_library_bases():
    links, libraries = frames(
        [("d1", "b1"), ("d2", "b1"), ("d3", "b1"), ("d4", "b2")],
        [("b1", "transformers"), ("b1", "safetensors"), ("b2", "timm"),
         ("d1", "transformers"), ("d2", "transformers"), ("d2", "safetensors"), ("d4", "timm")])
    rates = preservation.preservation_rates(links, libraries).set_index("library")
    assert rates.loc["transformers", ["base_models", "descendants", "supporting"]].tolist() == [1, 3, 2]
    assert rates.loc["transformers", "rate"] == pytest.approx(2 / 3)
    assert rates.loc["safetensors", "rate"] == pytest.approx(1 / 3)
    assert "timm" not in rates.index               # b2 supports one library only
    single = preservation.preservation_rates(links, libraries, min_libraries=1).set_index("library")
    assert single.loc["timm", "rate"] == 1.0


def test_sums_over_base_models_before_dividing():
    links, libraries = frames(
        [("d1", "b1"), ("d2", "b2"), ("d3", "b2"), ("d4", "b2")],
        [("b1", "x"), ("b1", "y"), ("b2", "x"), ("b2", "z"), ("d1", "x")])
    rate = preservation.preservation_rates(links, libraries).set_index("library").loc["x"]
    assert rate["descendants"] == 4 and rate["supporting"] == 1   # (1 + 0) / (1 + 3), not the mean of 1 and 0


def test_descendant_of_two_bases_counts_under_each():
    links, libraries = frames([("d", "b1"), ("d", "b2")],
                              [("b1", "x"), ("b1", "y"), ("b2", "x"), ("b2", "y"), ("d", "x")])
    rate = preservation.preservation_rates(links, libraries).set_index("library").loc["x"]
    assert rate[["base_models", "descendants", "supporting"]].tolist() == [2, 2, 2]


def test_duplicate_rows_do_not_count_twice():
    links, libraries = frames([("d", "b"), ("d", "b")], [("b", "x"), ("b", "y"), ("b", "y"), ("d", "y")])
    rates = preservation.preservation_rates(links, libraries).set_index("library")
    assert rates.loc["y", ["descendants", "supporting"]].tolist() == [1, 1]


@pytest.mark.parametrize("links, libraries", [
    ([], [("b", "x"), ("b", "y")]),                  # no descendants
    ([("d", "b")], []),                                # no libraries
    ([("d", "b")], [("b", "x"), ("d", "x")]),          # base model with a single library
])
def test_nothing_qualifies_gives_an_empty_table(links, libraries):
    rates = preservation.preservation_rates(*frames(links, libraries))
    assert rates.empty and list(rates.columns) == preservation.COLUMNS


def test_libraries_from_tags_keeps_library_and_framework_tags_only():
    models = pd.DataFrame({"id": ["m1", "m2", "m3"],
                           "library_name": ["transformers", "timm", None],
                           "tags": [["transformers", "safetensors", "en", "license:mit"], ["timm", "pytorch"],
                                    ["transformers", "fill-mask"]]})
    pairs = preservation.libraries_from_tags(models)
    assert sorted(map(tuple, pairs.values)) == [("m1", "safetensors"), ("m1", "transformers"), ("m2", "pytorch"),
                                                ("m2", "timm"), ("m3", "transformers")]
    empty = preservation.libraries_from_tags(pd.DataFrame({"id": ["m"], "library_name": [None], "tags": [None]}))
    assert empty.empty
