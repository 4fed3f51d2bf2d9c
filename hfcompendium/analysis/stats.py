"""Thin, documented wrappers around pingouin and scipy for the tests the chapters use.

Each function takes plain sequences, drops nothing silently (pairs with a missing value are
dropped and counted in `n`), never raises on degenerate input (too few values, a constant
series) and returns NaN there instead, with the reason in `note`. The statistics themselves
are pingouin's or scipy's; nothing is re-implemented here.

- `spearman(x, y)`: Spearman's rho with p-value and a confidence interval (pingouin.corr).
- `kendall_trend(values)`: Mann-Kendall-style monotonic trend test, as Kendall's tau-b between
  the values and their position in time (scipy.stats.kendalltau).
- `adjust_pvalues(p, method)`: Holm or Benjamini-Hochberg corrected p-values (pingouin.multicomp).
- `shapiro(values)`: Shapiro-Wilk normality test (pingouin.normality).
- `mann_whitney(x, y)`: Mann-Whitney U with the rank-biserial correlation and the common-language
  effect size (pingouin.mwu).
- `sample_size_proportion(N)`: Cochran's sample size for a proportion in a finite population.
- `chi_square_independence(table)`: chi-square test of independence with Cramer's V (scipy).
- `format_p(p)`: a p-value for a sentence or a note ("p = 0.032", "p = 1.2e-05", "p < 1e-300").
- `effect_word(r)`: the size of a correlation-type effect in words (negligible, small, medium, large).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

__all__ = ["Correlation", "spearman", "kendall_trend", "adjust_pvalues", "shapiro", "mann_whitney",
           "sample_size_proportion", "chi_square_independence", "format_p", "effect_word",
           "P_ADJUST_METHODS"]

P_ADJUST_METHODS = {"holm": "holm", "bh": "fdr_bh", "fdr_bh": "fdr_bh", "bonferroni": "bonf", "bonf": "bonf"}


@dataclass(frozen=True)
class Correlation:
    """A correlation coefficient with its test. `ci_low`/`ci_high` bound the `confidence` interval."""

    n: int
    r: float
    p: float
    ci_low: float
    ci_high: float
    confidence: float = 0.95
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _pairs(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.shape} and {y.shape}")
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def _nan_correlation(n: int, confidence: float, note: str) -> Correlation:
    return Correlation(n, math.nan, math.nan, math.nan, math.nan, confidence, note)


def spearman(x, y, confidence: float = 0.95, alternative: str = "two-sided") -> Correlation:
    """Spearman's rank correlation between paired values, with a p-value and a confidence interval.

    Ties get average ranks. The p-value is scipy's (t distribution with n-2 degrees of freedom),
    the confidence interval pingouin's (Fisher z-transform of rho with standard error 1/sqrt(n-3)),
    so it needs n >= 4. Pairs with a missing value are dropped. With fewer than 3 pairs or a
    constant series the result is NaN, with the reason in `note`.
    """
    import pingouin as pg

    x, y = _pairs(x, y)
    n = len(x)
    if n < 3:
        return _nan_correlation(n, confidence, f"fewer than 3 pairs (n={n})")
    if np.all(x == x[0]) or np.all(y == y[0]):
        return _nan_correlation(n, confidence, "a series is constant, so its ranks carry no order")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        table = pg.corr(x, y, method="spearman", alternative=alternative)
        row = table.iloc[0]
        r = float(row["r"])
        if n >= 4 and abs(r) < 1:
            low, high = pg.compute_esci(stat=r, nx=n, ny=n, eftype="r", confidence=confidence,
                                        decimals=12, alternative=alternative)
            low, high = float(low), float(high)
        elif n >= 4:
            low = high = r
        else:
            low = high = math.nan
    note = "" if n >= 4 else "no confidence interval for n < 4"
    return Correlation(n, r, float(row["p_val"]), low, high, confidence, note)


def kendall_trend(values, alternative: str = "two-sided") -> Correlation:
    """Monotonic trend in a series ordered in time: Kendall's tau-b between the values and 0..n-1.

    This is the Mann-Kendall test without a correction for autocorrelation. The confidence
    interval is not computed (NaN). Missing values are dropped before positions are assigned.
    """
    from scipy import stats

    y = np.asarray(values, dtype="float64")
    y = y[~np.isnan(y)]
    n = len(y)
    if n < 3:
        return _nan_correlation(n, math.nan, f"fewer than 3 values (n={n})")
    if np.all(y == y[0]):
        return _nan_correlation(n, math.nan, "the series is constant")
    result = stats.kendalltau(np.arange(n), y, alternative=alternative)
    return Correlation(n, float(result.statistic), float(result.pvalue), math.nan, math.nan, math.nan,
                       "Kendall tau-b against time order")


def adjust_pvalues(pvalues, method: str = "holm", alpha: float = 0.05) -> pd.DataFrame:
    """Correct a family of p-values for multiple comparisons.

    `method`: "holm" (family-wise error, Holm 1979), "bh" / "fdr_bh" (false discovery rate,
    Benjamini-Hochberg 1995) or "bonferroni". Missing p-values (NaN) stay missing and do not count
    towards the size of the family. Returns a frame aligned with the input: `p_adjusted` and
    `reject` (p_adjusted <= alpha; False where p is missing).
    """
    import pingouin as pg

    if method not in P_ADJUST_METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {sorted(P_ADJUST_METHODS)}")
    index = pvalues.index if isinstance(pvalues, pd.Series) else None
    p = np.asarray(pvalues, dtype="float64")
    if p.size == 0:
        return pd.DataFrame({"p_adjusted": pd.Series(dtype="float64"), "reject": pd.Series(dtype="bool")})
    adjusted = np.full(p.shape, np.nan)
    present = ~np.isnan(p)
    if present.any():
        _, corrected = pg.multicomp(p[present], alpha=alpha, method=P_ADJUST_METHODS[method])
        adjusted[present] = corrected
    reject = np.where(present, adjusted <= alpha, False)
    return pd.DataFrame({"p_adjusted": adjusted, "reject": reject.astype(bool)}, index=index)


def shapiro(values, alpha: float = 0.05) -> dict:
    """Shapiro-Wilk test of normality. Returns n, W, p and `normal` (p > alpha).

    Needs at least 3 values that are not all equal; otherwise W and p are NaN and `normal` is None.
    """
    import pingouin as pg

    y = np.asarray(values, dtype="float64")
    y = y[~np.isnan(y)]
    n = len(y)
    if n < 3 or np.all(y == y[0]):
        return {"n": n, "W": math.nan, "p": math.nan, "normal": None,
                "note": "fewer than 3 values" if n < 3 else "constant values"}
    if n == 3:
        # pingouin asks for more than 3 values; scipy's test, which pingouin calls, takes 3.
        from scipy import stats as sps

        result = sps.shapiro(y)
        return {"n": n, "W": float(result.statistic), "p": float(result.pvalue),
                "normal": bool(result.pvalue > alpha), "note": ""}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = pg.normality(y, method="shapiro", alpha=alpha)
    row = table.iloc[0]
    return {"n": n, "W": float(row["W"]), "p": float(row["pval"]), "normal": bool(row["pval"] > alpha), "note": ""}


def mann_whitney(x, y, alternative: str = "two-sided") -> dict:
    """Mann-Whitney U test of x against y, with effect sizes.

    Returns n_x, n_y, U, p, `rbc` (rank-biserial correlation; positive when x tends to exceed y)
    and `cles` (common-language effect size: the probability that a random x exceeds a random y,
    ties counting half). NaN when either group is empty.
    """
    import pingouin as pg

    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if len(x) == 0 or len(y) == 0:
        return {"n_x": len(x), "n_y": len(y), "U": math.nan, "p": math.nan, "rbc": math.nan,
                "cles": math.nan, "note": "an empty group"}
    table = pg.mwu(x, y, alternative=alternative)
    row = table.iloc[0]
    return {"n_x": len(x), "n_y": len(y), "U": float(row["U_val"]), "p": float(row["p_val"]),
            "rbc": float(row["RBC"]), "cles": float(row["CLES"]), "note": ""}


def sample_size_proportion(population: int, confidence: float = 0.95, margin: float = 0.05,
                           proportion: float = 0.5) -> int:
    """Sample size to estimate a proportion within `margin` at `confidence` in a finite population.

    Cochran's formula n0 = z^2 p (1 - p) / margin^2 with the finite-population correction
    n = n0 / (1 + (n0 - 1) / N), rounded up; z is the normal quantile from scipy.
    """
    from scipy import stats as sps

    if population <= 0:
        return 0
    z = sps.norm.ppf(1 - (1 - confidence) / 2)
    n0 = z ** 2 * proportion * (1 - proportion) / margin ** 2
    return int(math.ceil(n0 / (1 + (n0 - 1) / population)))


def chi_square_independence(table) -> dict:
    """Chi-square test of independence on a contingency table (rows x columns of counts).

    Rows and columns that are all zero are dropped first. Returns chi2, dof, p, Cramer's V
    (scipy.stats.contingency.association) and the smallest expected count (the test is unreliable
    when many expected counts are below 5). NaN for a table with fewer than 2 rows or columns.
    """
    from scipy import stats as sps
    from scipy.stats import contingency

    counts = np.asarray(table, dtype="float64")
    if counts.ndim != 2:
        raise ValueError("a contingency table must be two-dimensional")
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0] if counts.size else counts
    if counts.ndim != 2 or counts.shape[0] < 2 or counts.shape[1] < 2:
        return {"chi2": math.nan, "dof": 0, "p": math.nan, "cramers_v": math.nan, "min_expected": math.nan,
                "note": "fewer than 2 non-empty rows or columns"}
    result = sps.chi2_contingency(counts)
    return {"chi2": float(result.statistic), "dof": int(result.dof), "p": float(result.pvalue),
            "cramers_v": float(contingency.association(counts.astype("int64"), method="cramer")),
            "min_expected": float(result.expected_freq.min()), "note": ""}


def format_p(p, digits: int = 2) -> str:
    """A p-value for a sentence or a note: "p = 0.032" from 0.001 on (`digits` significant
    digits), "p = 1.2e-05" below, "p < 1e-300" when it underflowed to zero (scipy returns 0.0
    for p-values below the smallest float), "p not computed" when missing."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p not computed"
    p = float(p)
    if p < 0 or p > 1:
        raise ValueError(f"{p} is not a p-value")
    if p == 0:
        return "p < 1e-300"
    if p < 0.001:
        return f"p = {p:.{max(digits - 1, 0)}e}"
    return f"p = {p:.{digits}g}"


def effect_word(r) -> str:
    """The size of a correlation-type effect (Pearson, Spearman, rank-biserial r) in words, by
    Cohen's thresholds on |r|: "negligible" below 0.1, "small" below 0.3, "medium" below 0.5,
    "large" from 0.5; "unknown" when missing."""
    if r is None or r != r:
        return "unknown"
    size = abs(float(r))
    return "negligible" if size < 0.1 else "small" if size < 0.3 else "medium" if size < 0.5 else "large"
