"""Top-k share, Gini coefficient and Lorenz curve on hand-made download counts."""

from __future__ import annotations

import math

import pytest

from hfcompendium.analysis import concentration


def test_top_k_share():
    assert concentration.top_k_share([1, 2, 3, 4], 1) == pytest.approx(0.4)
    assert concentration.top_k_share([1, 2, 3, 4], 10) == 1.0
    assert concentration.top_k_share([5, 5], 0) == 0.0
    assert math.isnan(concentration.top_k_share([0, 0], 1))
    assert math.isnan(concentration.top_k_share([], 1))


def test_gini_extremes_and_a_known_value():
    assert concentration.gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert concentration.gini([0, 0, 0, 1]) == pytest.approx(0.75)        # (n - 1) / n
    assert concentration.gini([1, 2, 3]) == pytest.approx(2 / 9)
    assert concentration.gini([3, 1, 2]) == concentration.gini([1, 2, 3])   # order does not matter


def test_gini_of_nothing_is_undefined_and_negative_counts_are_refused():
    assert math.isnan(concentration.gini([]))
    assert math.isnan(concentration.gini([0, 0]))
    assert concentration.gini([None, 4, float("nan"), 4]) == pytest.approx(0.0)  # missing values ignored
    with pytest.raises(ValueError):
        concentration.gini([1, -1])


def test_lorenz_curve_runs_from_origin_to_one_and_stays_below_the_diagonal():
    curve = concentration.lorenz_curve([1, 1, 2, 6])
    assert curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == [1.0, 1.0]
    assert curve["value_share"].tolist() == pytest.approx([0, 0.1, 0.2, 0.4, 1.0])
    assert (curve["value_share"] <= curve["population_share"] + 1e-12).all()
    thin = concentration.lorenz_curve(range(1, 1001), points=11)
    assert len(thin) == 11 and thin.iloc[-1].tolist() == [1.0, 1.0]
    assert concentration.lorenz_curve([]).values.tolist() == [[0.0, 0.0], [1.0, 1.0]]


def test_top_fraction_share_takes_at_least_one():
    owned = [50, 30, 10, 5, 5]                                            # five owners, 100 models
    assert concentration.top_fraction_share(owned, 0.2) == pytest.approx(0.5)     # the largest owner
    assert concentration.top_fraction_share(owned, 0.01) == pytest.approx(0.5)    # still one owner
    assert concentration.top_fraction_share(owned, 0.4) == pytest.approx(0.8)
    assert concentration.top_fraction_share([5, 30, 50, 10, 5], 0.4) == pytest.approx(0.8)   # order does not matter
    assert concentration.top_fraction_share(owned, 1.0) == 1.0
    assert math.isnan(concentration.top_fraction_share([], 0.1))
    with pytest.raises(ValueError):
        concentration.top_fraction_share(owned, 0)


def test_model_owner():
    assert concentration.model_owner("google/t5-small") == "google"
    assert concentration.model_owner("sentence-transformers/all-MiniLM-L6-v2") == "sentence-transformers"
    assert concentration.model_owner("bert-base-uncased") == concentration.NO_OWNER
    assert concentration.model_owner("a/b/c") == "a"
