"""How concentrated a popularity distribution is: top-k share, share of the top fraction, Gini
coefficient, Lorenz curve; and the owner of a Hub model id, to measure concentration by owner."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def _values(values: Iterable[float]) -> np.ndarray:
    array = np.asarray([v for v in values if v is not None and v == v], dtype=float)
    if (array < 0).any():
        raise ValueError("counts must not be negative")
    return array


def top_k_share(values: Iterable[float], k: int) -> float:
    """Share of the total held by the `k` largest values (1.0 when k covers them all; NaN for a zero total)."""
    array = np.sort(_values(values))[::-1]
    total = array.sum()
    if k < 0:
        raise ValueError("k must be zero or positive")
    return float(array[:k].sum() / total) if total > 0 else float("nan")


def top_fraction_share(values: Iterable[float], fraction: float) -> float:
    """Share of the total held by the largest `fraction` of the values (0 < fraction <= 1): the
    round(n * fraction) largest, but at least one. NaN for an empty input or a zero total."""
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    array = _values(values)
    if len(array) == 0:
        return float("nan")
    return top_k_share(array, max(1, round(len(array) * fraction)))


NO_OWNER = "(no owner: legacy id)"


def model_owner(model_id: str) -> str:
    """The owner of a Hub model id, the part before the slash ("google" for "google/t5-small"); the
    Hub's oldest models have ids without one ("bert-base-uncased") and get `NO_OWNER`."""
    return model_id.split("/", 1)[0] if "/" in model_id else NO_OWNER


def gini(values: Iterable[float]) -> float:
    """Gini coefficient (0 = all equal, towards 1 = one item holds everything); NaN for an empty or all-zero input.

    Computed as sum_i (2i - n - 1) x_(i) / (n sum x) over the values sorted ascending."""
    array = np.sort(_values(values))
    n, total = len(array), array.sum()
    if n == 0 or total == 0:
        return float("nan")
    ranks = np.arange(1, n + 1)
    return float(((2 * ranks - n - 1) * array).sum() / (n * total))


def lorenz_curve(values: Iterable[float], points: int | None = None) -> pd.DataFrame:
    """Lorenz curve: cumulative share of items (smallest first) against cumulative share of the total.

    Starts at (0, 0) and ends at (1, 1). With `points`, the curve is thinned to about that many rows
    (for charts of long lists); the end points are always kept."""
    array = np.sort(_values(values))
    total = array.sum()
    if len(array) == 0 or total == 0:
        return pd.DataFrame({"population_share": [0.0, 1.0], "value_share": [0.0, 1.0]})
    population = np.concatenate([[0.0], np.arange(1, len(array) + 1) / len(array)])
    share = np.concatenate([[0.0], np.cumsum(array) / total])
    if points and len(population) > points:
        keep = np.unique(np.linspace(0, len(population) - 1, points).round().astype(int))
        population, share = population[keep], share[keep]
    return pd.DataFrame({"population_share": population, "value_share": share})
