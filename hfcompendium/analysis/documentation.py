"""Model-card documentation: a transparent section detector, agreement with reference labels, and
top-versus-bottom popularity comparisons.

The detector looks for the five sections ESEM 2024 scored (description, limitations, how to use,
training, evaluation). A section counts when a markdown heading (or a line that is only bold
text) matches the section's pattern and at least `MIN_WORDS` words follow it before the next
heading, after removing the YAML metadata block, HTML, comments and lines holding template
placeholders ("More information needed"). A card without a description heading still counts as
described when some plain prose line outside the other four kinds of section has at least
`PROSE_MIN_WORDS` words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

SECTIONS = {
    "description": r"description|model details|overview|about|introduction|summary|model card for|what is",
    "limitations": r"limitation|bias|risk|out[- ]of[- ]scope|caveat|ethic|disclaimer|misuse",
    "how_to_use": r"how to use|usage|\buses?\b|get(?:ting)? started|quick ?start|inference|example|how to run"
                  r"|installation|pipeline",
    "training": r"train|fine[- ]?tun|hyper[- ]?parameter|procedure",
    "evaluation": r"evaluat|results?\b|metric|benchmark|performance|score|testing|leaderboard",
}
MIN_WORDS = 3
PROSE_MIN_WORDS = 8

_PLACEHOLDER = re.compile(r"more information needed|\bn/a\b|\btbd\b|\btodo\b", re.I)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$|^\s*\*\*([^*]{2,60})\*\*:?\s*$")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_PROSE = ("|", "![", "-", "*", ">", "+")


def _blocks(text: str) -> list[tuple[str | None, list[str]]]:
    """(heading or None, body lines) pairs of a card, cleaned as the module docstring says."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            text = text[end + 4:]
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<!--.*?-->", " ", text, flags=re.S))
    blocks, heading, body, in_code = [], None, [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            body.append(line)
            continue
        match = None if in_code else _HEADING.match(line)
        if match:
            blocks.append((heading, body))
            heading, body = (match.group(1) or match.group(2) or "").strip(), []
        else:
            body.append("" if _PLACEHOLDER.search(line) else line)
    blocks.append((heading, body))
    return blocks


def _longest_prose_line(lines: list[str]) -> int:
    longest, in_code = 0, False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if in_code or stripped.startswith(_NOT_PROSE) or re.match(r"^\d+\.", stripped):
            continue
        longest = max(longest, len(_WORD.findall(re.sub(r"https?://\S+", " ", stripped))))
    return longest


def detect_sections(text: str) -> dict[str, bool]:
    """Which of the five sections a model card has (see the module docstring for the rule)."""
    blocks = _blocks(text or "")
    found = {
        name: any(h is not None and re.search(pattern, h, re.I) and len(_WORD.findall(" ".join(b))) >= MIN_WORDS
                  for h, b in blocks)
        for name, pattern in SECTIONS.items()
    }
    if not found["description"]:
        others = [p for n, p in SECTIONS.items() if n != "description"]
        found["description"] = any(
            _longest_prose_line(b) >= PROSE_MIN_WORDS
            for h, b in blocks if h is None or not any(re.search(p, h, re.I) for p in others))
    return found


def section_table(texts: Iterable[str]) -> pd.DataFrame:
    """One row per card: a boolean column per section and `score`, the number of sections (0-5)."""
    table = pd.DataFrame([detect_sections(t) for t in texts], columns=list(SECTIONS)).astype(bool)
    table["score"] = table[list(SECTIONS)].sum(axis=1).astype("int64")
    return table


def labels_from_zscores(values: pd.Series) -> pd.Series:
    """Binary labels back from a z-scored 0/1 column: it takes at most two values, and the larger one
    is the standardised 1 (z = (1 - mean) / sd > 0, while a 0 becomes -mean / sd < 0). A column with
    one value (all the same label) is read as all 0 when that value is not positive. Missing stay NA."""
    distinct = pd.unique(values.dropna())
    if len(distinct) > 2:
        raise ValueError(f"{values.name!r} takes {len(distinct)} values: not a standardised binary column")
    if len(distinct) == 0:
        return pd.Series(pd.NA, index=values.index, dtype="boolean", name=values.name)
    top = max(distinct)
    labels = pd.Series((values == top) & (top > 0), index=values.index, dtype="boolean", name=values.name)
    return labels.mask(values.isna())


def agreement(reference: Iterable[bool], predicted: Iterable[bool]) -> dict[str, float]:
    """Confusion counts, accuracy, precision, recall, F1 and Cohen's kappa of `predicted` against `reference`."""
    y, p = np.asarray(list(reference), dtype=bool), np.asarray(list(predicted), dtype=bool)
    if y.shape != p.shape:
        raise ValueError("reference and predicted differ in length")
    tp, fp = int((y & p).sum()), int((~y & p).sum())
    fn, tn = int((y & ~p).sum()), int((~y & ~p).sum())
    n = len(y)
    nan = float("nan")
    accuracy = (tp + tn) / n if n else nan
    expected = ((tp + fn) * (tp + fp) + (tn + fp) * (tn + fn)) / n**2 if n else nan
    kappa = (accuracy - expected) / (1 - expected) if n and expected < 1 else nan
    precision = tp / (tp + fp) if tp + fp else nan
    recall = tp / (tp + fn) if tp + fn else nan
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan
    return {"n": n, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": accuracy, "precision": precision,
            "recall": recall, "f1": f1, "kappa": kappa}


def popularity_groups(downloads: pd.Series, groups: int) -> pd.Series:
    """Group numbers 1..`groups` of equal size (as equal as `pandas.qcut` makes them) by downloads,
    group 1 the most downloaded; ties keep the order of the series. `popularity_groups(d, 10) == 1`
    is the most downloaded tenth, the same models whatever else is grouped."""
    if groups < 1:
        raise ValueError("groups must be at least 1")
    rank = downloads.rank(ascending=False, method="first")
    return pd.qcut(rank, groups, labels=range(1, groups + 1)).astype("int64")


def top_bottom(frame: pd.DataFrame, by: str, n: int) -> pd.DataFrame:
    """The `n` rows with the highest and the `n` with the lowest `by` (rows without a value dropped;
    ties keep the frame's order), with a `group` column "top" or "bottom"."""
    ranked = frame[frame[by].notna()].sort_values(by, ascending=False, kind="stable")
    n = min(n, len(ranked) // 2)
    return pd.concat([ranked.head(n).assign(group="top"), ranked.tail(n).assign(group="bottom")])


def compare_groups(top: Iterable[float], bottom: Iterable[float], n_boot: int = 2000,
                   seed: int = 0, level: float = 0.95) -> dict[str, float]:
    """Two-sided Mann–Whitney U test of `top` against `bottom`, with the rank-biserial correlation
    (r = 2U/(n1 n2) - 1, positive when `top` tends higher), the difference in means, and percentile
    bootstrap confidence intervals for both (`n_boot` resamples within each group; none when
    `n_boot` is 0)."""
    a, b = np.asarray(list(top), dtype=float), np.asarray(list(bottom), dtype=float)
    nan = float("nan")
    result = {"n_top": len(a), "n_bottom": len(b), "mean_top": float(a.mean()) if len(a) else nan,
              "mean_bottom": float(b.mean()) if len(b) else nan,
              "median_top": float(np.median(a)) if len(a) else nan,
              "median_bottom": float(np.median(b)) if len(b) else nan}
    if len(a) == 0 or len(b) == 0:
        return {**result, "u": nan, "p": nan, "rank_biserial": nan, "rb_low": nan, "rb_high": nan,
                "mean_diff": nan, "diff_low": nan, "diff_high": nan}
    test = stats.mannwhitneyu(a, b, alternative="two-sided")
    rb = 2 * test.statistic / (len(a) * len(b)) - 1
    if n_boot <= 0:  # no intervals wanted
        return {**result, "u": float(test.statistic), "p": float(test.pvalue), "rank_biserial": float(rb),
                "rb_low": nan, "rb_high": nan, "mean_diff": float(a.mean() - b.mean()), "diff_low": nan,
                "diff_high": nan}
    rng = np.random.default_rng(seed)
    boot_rb, boot_diff = np.empty(n_boot), np.empty(n_boot)
    for i in range(n_boot):
        ra, rb_ = rng.choice(a, len(a)), rng.choice(b, len(b))
        ranks = stats.rankdata(np.concatenate([ra, rb_]))
        u = ranks[:len(a)].sum() - len(a) * (len(a) + 1) / 2
        boot_rb[i] = 2 * u / (len(a) * len(b)) - 1
        boot_diff[i] = ra.mean() - rb_.mean()
    tail = (1 - level) / 2 * 100
    return {**result, "u": float(test.statistic), "p": float(test.pvalue), "rank_biserial": float(rb),
            "rb_low": float(np.percentile(boot_rb, tail)), "rb_high": float(np.percentile(boot_rb, 100 - tail)),
            "mean_diff": float(a.mean() - b.mean()), "diff_low": float(np.percentile(boot_diff, tail)),
            "diff_high": float(np.percentile(boot_diff, 100 - tail))}


def top_better(result, alpha: float = 0.01) -> int:
    """1 when a `compare_groups` result (a dict or a row with `p` and `rank_biserial`) shows the
    top group scoring higher at p < `alpha`, else 0 (also when either value is missing): the
    reading of ESEM 2024's hypothesis that better documented models are more popular."""
    p, rb = result["p"], result["rank_biserial"]
    return int(bool(p == p and rb == rb and p < alpha and rb > 0))
