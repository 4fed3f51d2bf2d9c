"""The log-log fit of ESEM Figure 7 and its sensitivity checks, on hand-made data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from hfcompendium.analysis import descendants


def test_exact_power_law_recovers_its_exponent():
    downloads = np.array([10, 100, 1000, 10000])
    counts = 2 * downloads ** 0.5
    fit = descendants.loglog_fit(downloads, counts, epsilon=0)
    assert fit["slope"] == pytest.approx(0.5)
    assert fit["intercept"] == pytest.approx(math.log10(2))
    assert fit["n"] == 4


def test_duplicates_are_dropped_only_when_asked():
    downloads = [10, 10, 10, 1000]
    counts = [1, 1, 1, 10]
    assert descendants.loglog_fit(downloads, counts)["n"] == 2
    assert descendants.loglog_fit(downloads, counts, drop_duplicates=False)["n"] == 4


def test_zero_downloads_sit_at_the_epsilon_and_can_be_dropped():
    downloads = [0, 10, 100, 1000]
    counts = [1, 1, 2, 4]
    with_zero = descendants.loglog_fit(downloads, counts, drop_duplicates=False)
    without = descendants.loglog_fit(downloads, counts, drop_duplicates=False, positive_only=True)
    assert without["n"] == 3 and with_zero["n"] == 4
    assert with_zero["slope"] < without["slope"]   # the zero row at log10(1e-5) flattens the line


def test_a_single_distinct_x_gives_no_slope():
    fit = descendants.loglog_fit([5, 5, 5], [1, 2, 3], drop_duplicates=False)
    assert math.isnan(fit["slope"]) and fit["n"] == 3
    assert math.isnan(descendants.loglog_fit([], [])["slope"])


def test_sensitivity_table_lists_every_variant():
    rng = np.random.default_rng(1)
    downloads = rng.integers(0, 10_000, 200)
    counts = 1 + downloads // 1000
    table = descendants.fit_sensitivity(downloads, counts)
    assert table.loc[0, "variant"].startswith("original")
    assert set(table["statistic"]) == {"slope", "pearson_r", "spearman_rho", "kendall_tau"}
    assert table.loc[table["statistic"] == "spearman_rho", "value"].iloc[0] > 0.9


def test_zero_epsilon_leaves_out_the_rows_without_a_logarithm():
    fit = descendants.loglog_fit([0, 10, 100, 1000], [1, 1, 10, 100], drop_duplicates=False, epsilon=0)
    assert fit["n"] == 3 and fit["slope"] == pytest.approx(1.0)


def test_zero_slope_share_counts_flat_pairs_among_pairs_with_a_slope():
    # Points (1, 0), (1, 5), (2, 0), (3, 0): 5 of the 6 pairs have different x, and 3 of those are flat.
    x, y = [1, 1, 2, 3], [0, 5, 0, 0]
    assert descendants.zero_slope_share(x, y) == pytest.approx(3 / 5)
    assert descendants.zero_slope_share([1, 2, 3], [1, 2, 3]) == 0.0
    assert descendants.zero_slope_share([1, 2, None], [4, 4, 4]) == 1.0
    assert math.isnan(descendants.zero_slope_share([1, 1], [2, 3]))
    theil = stats.theilslopes([0, 0, 0, 1, 0, 0], [1, 2, 3, 4, 5, 6])
    assert descendants.zero_slope_share([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 0, 0]) > 0.5 and theil.slope == 0
