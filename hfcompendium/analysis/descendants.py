"""Downloads against the number of direct descendants (ESEM 2024, Figure 7): the published log-log
fit and how much it depends on its choices.

The ESEM script drops duplicate (downloads, count) pairs, adds 1e-5 to both columns, takes
base-10 logarithms and fits a straight line by least squares (`numpy.polyfit`). `loglog_fit`
repeats exactly that; `fit_sensitivity` varies one choice at a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

EPSILON = 1e-5


def loglog_fit(downloads, counts, drop_duplicates: bool = True, epsilon: float = EPSILON,
               positive_only: bool = False) -> dict[str, float]:
    """Least-squares line through (log10(downloads + eps), log10(count + eps)).

    drop_duplicates: keep one row per distinct (downloads, count) pair first, as the original script does
    positive_only:   drop rows with zero downloads (their log would sit at log10(eps))
    Rows whose logarithm is undefined (a value + eps of zero or less, as zeros with eps = 0) are
    left out. Returns slope, intercept and the number of points fitted (NaN slope below two
    distinct x values).
    """
    frame = pd.DataFrame({"x": np.asarray(downloads, dtype=float), "y": np.asarray(counts, dtype=float)}).dropna()
    if positive_only:
        frame = frame[(frame["x"] > 0) & (frame["y"] > 0)]
    frame = frame[(frame["x"] + epsilon > 0) & (frame["y"] + epsilon > 0)]
    if drop_duplicates:
        frame = frame.drop_duplicates()
    n = len(frame)
    if frame["x"].nunique() < 2:
        return {"slope": float("nan"), "intercept": float("nan"), "n": n}
    slope, intercept = np.polyfit(np.log10(frame["x"] + epsilon), np.log10(frame["y"] + epsilon), 1)
    return {"slope": float(slope), "intercept": float(intercept), "n": n}


def fit_sensitivity(downloads, counts) -> pd.DataFrame:
    """The published fit beside variants that change one choice each, and rank correlations.

    Rows: the original choices; all rows kept; zero-download rows dropped (with and without
    deduplication); Theil-Sen median slope on the logs (robust to outliers); and the Pearson
    correlation of the logs and the Spearman and Kendall rank correlations on all rows.
    Columns: variant, statistic ("slope" or the correlation's name), value, n, low/high (95 % CI
    for Theil-Sen), p (for correlations).
    """
    x, y = np.asarray(downloads, dtype=float), np.asarray(counts, dtype=float)
    rows = []
    for label, dedup, positive in [("original: duplicates dropped, +1e-5", True, False),
                                   ("all rows kept, +1e-5", False, False),
                                   ("zero downloads dropped, duplicates dropped", True, True),
                                   ("zero downloads dropped, all rows kept", False, True)]:
        fit = loglog_fit(x, y, drop_duplicates=dedup, positive_only=positive)
        rows.append({"variant": label, "statistic": "slope", "value": fit["slope"], "n": fit["n"]})
    keep = (x > 0) & (y > 0)
    lx, ly = np.log10(x[keep]), np.log10(y[keep])
    if keep.sum() >= 2:
        theil = stats.theilslopes(ly, lx)
        rows.append({"variant": "Theil-Sen, zero downloads dropped", "statistic": "slope", "value": theil.slope,
                     "n": int(keep.sum()), "low": theil.low_slope, "high": theil.high_slope})
        pearson = stats.pearsonr(lx, ly)
        rows.append({"variant": "Pearson r of the logs, zero downloads dropped", "statistic": "pearson_r",
                     "value": pearson.statistic, "n": int(keep.sum()), "p": pearson.pvalue})
    if len(x) >= 2:
        spearman = stats.spearmanr(x, y)
        kendall = stats.kendalltau(x, y)
        rows.append({"variant": "Spearman rank correlation, all rows", "statistic": "spearman_rho",
                     "value": spearman.statistic, "n": len(x), "p": spearman.pvalue})
        rows.append({"variant": "Kendall rank correlation, all rows", "statistic": "kendall_tau",
                     "value": kendall.statistic, "n": len(x), "p": kendall.pvalue})
    return pd.DataFrame(rows, columns=["variant", "statistic", "value", "n", "low", "high", "p"])


def zero_slope_share(x, y) -> float:
    """Share of zero slopes among the pairwise slopes a Theil-Sen fit of `y` on `x` takes: of the
    pairs of points with different x (pairs with equal x have no slope), those with equal y. Above
    one half, the median slope, Theil-Sen's estimate, is zero. Pairs with a missing value are left
    out; NaN when no pair has different x."""
    frame = pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}).dropna()

    def pairs(sizes) -> float:
        sizes = np.asarray(sizes, dtype=float)
        return float((sizes * (sizes - 1) / 2).sum())

    n = len(frame)
    distinct_x = n * (n - 1) / 2 - pairs(frame["x"].value_counts())
    if distinct_x <= 0:
        return float("nan")
    flat = pairs(frame["y"].value_counts()) - pairs(frame.value_counts())
    return float(flat / distinct_x)
