"""Model-card section detector, agreement metrics and top-vs-bottom tests, on hand-made cards."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hfcompendium.analysis import documentation as doc

FULL_CARD = """---
license: mit
tags: [text-classification]
---
# My model

## Model description
This model classifies short product reviews into positive and negative ones.

## How to use
```python
from transformers import pipeline
classifier = pipeline("text-classification", model="me/my-model")
```
Call the pipeline on a list of strings.

## Limitations and bias
It was trained on English reviews only and fails on sarcasm.

## Training procedure
Fine-tuned for three epochs with a learning rate of 2e-5 on a single GPU.

## Evaluation results
Accuracy on the held-out test split is reported in the table below.
"""

TEMPLATE_CARD = """
# Model Card for Model ID
<!-- Provide a quick summary of what the model is/does. -->

## Model Details
### Model Description
- **Developed by:** [More Information Needed]
- **Model type:** [More Information Needed]

## Uses
[More Information Needed]

## Training Details
[More Information Needed]
"""


def test_a_complete_card_has_all_five_sections():
    assert doc.detect_sections(FULL_CARD) == dict.fromkeys(doc.SECTIONS, True)


def test_template_placeholders_do_not_count():
    assert doc.detect_sections(TEMPLATE_CARD) == dict.fromkeys(doc.SECTIONS, False)


def test_headings_inside_code_blocks_and_metadata_are_ignored():
    card = "---\ntitle: training data\n---\n```\n# Training\nlots of words in this code block here\n```\n"
    assert not doc.detect_sections(card)["training"]


def test_bold_lines_count_as_headings_and_short_sections_do_not():
    assert doc.detect_sections("**Limitations:**\nNot tested on speech at all.")["limitations"]
    assert not doc.detect_sections("## Limitations\nNone.")["limitations"]


def test_prose_line_counts_as_a_description():
    card = "This model predicts the sentiment of tweets written in Spanish or Portuguese.\n\n## Usage\nsee below"
    found = doc.detect_sections(card)
    assert found["description"] and not found["how_to_use"]       # usage has too few words
    assert not doc.detect_sections("Key information extraction")["description"]


def test_empty_and_missing_text():
    assert doc.detect_sections("") == dict.fromkeys(doc.SECTIONS, False)
    assert doc.detect_sections(None) == dict.fromkeys(doc.SECTIONS, False)
    assert doc.detect_sections("#\n##\n") == dict.fromkeys(doc.SECTIONS, False)


def test_section_table_scores_each_card():
    table = doc.section_table([FULL_CARD, TEMPLATE_CARD, ""])
    assert list(table.columns) == [*doc.SECTIONS, "score"]
    assert table["score"].tolist() == [5, 0, 0]


def test_labels_from_zscores_recovers_the_binary_column():
    original = pd.Series([1, 0, 0, 1, 0], name="has-x")
    z = (original - original.mean()) / original.std()
    assert doc.labels_from_zscores(z).tolist() == [True, False, False, True, False]
    assert doc.labels_from_zscores(pd.Series([0.0, 0.0])).tolist() == [False, False]   # constant column
    with_gap = doc.labels_from_zscores(pd.Series([1.2, -0.8, np.nan]))
    assert with_gap.iloc[0] and not with_gap.iloc[1] and pd.isna(with_gap.iloc[2])
    with pytest.raises(ValueError, match="not a standardised binary column"):
        doc.labels_from_zscores(pd.Series([0.1, 0.2, 0.3], name="num-word"))


def test_agreement_counts_and_kappa():
    perfect = doc.agreement([True, False, True, False], [True, False, True, False])
    assert perfect["accuracy"] == 1.0 and perfect["kappa"] == 1.0 and perfect["f1"] == 1.0
    opposite = doc.agreement([True, False, True, False], [False, True, False, True])
    assert opposite["kappa"] == pytest.approx(-1.0)
    mixed = doc.agreement([True, True, False, False], [True, False, True, False])
    assert (mixed["tp"], mixed["fp"], mixed["fn"], mixed["tn"]) == (1, 1, 1, 1)
    assert mixed["kappa"] == pytest.approx(0.0)
    constant = doc.agreement([True, True], [True, True])
    assert constant["accuracy"] == 1.0 and math.isnan(constant["kappa"])
    assert math.isnan(doc.agreement([], [])["accuracy"])
    with pytest.raises(ValueError):
        doc.agreement([True], [True, False])


def test_top_bottom_takes_both_ends_and_keeps_order_on_ties():
    frame = pd.DataFrame({"m": list("abcdef"), "downloads": [5, 0, 0, 9, 0, None]})
    groups = doc.top_bottom(frame, "downloads", 2)
    assert groups.loc[groups["group"] == "top", "m"].tolist() == ["d", "a"]
    assert groups.loc[groups["group"] == "bottom", "m"].tolist() == ["c", "e"]   # ties in frame order
    assert len(doc.top_bottom(frame, "downloads", 10)) == 4                      # at most half each


def test_compare_groups_detects_a_shift_and_its_direction():
    top, bottom = [3, 4, 5, 4, 5, 3, 4, 5], [0, 1, 1, 2, 0, 1, 2, 1]
    result = doc.compare_groups(top, bottom, n_boot=300)
    assert result["rank_biserial"] == pytest.approx(1.0)
    assert result["p"] < 0.01 and result["mean_diff"] == pytest.approx(3.125)
    assert result["rb_low"] <= result["rank_biserial"] <= result["rb_high"]
    assert result["diff_low"] > 0
    reverse = doc.compare_groups(bottom, top, n_boot=300)
    assert reverse["rank_biserial"] == pytest.approx(-1.0)


def test_compare_groups_with_equal_or_empty_groups():
    same = doc.compare_groups([1, 2, 3, 4], [1, 2, 3, 4], n_boot=200)
    assert same["rank_biserial"] == pytest.approx(0.0) and same["p"] > 0.5
    empty = doc.compare_groups([], [1, 2], n_boot=10)
    assert empty["n_top"] == 0 and math.isnan(empty["p"]) and math.isnan(empty["rank_biserial"])


def test_compare_groups_without_bootstrap_has_no_intervals():
    result = doc.compare_groups([3, 4, 5], [0, 1, 2], n_boot=0)
    assert result["rank_biserial"] == pytest.approx(1.0) and math.isnan(result["rb_low"])


def test_popularity_groups_are_equal_and_ordered_by_downloads():
    downloads = pd.Series([5, 100, 7, 7, 0, 50, 3, 9, 1, 2, 20])
    groups = doc.popularity_groups(downloads, 2)
    assert groups.tolist() == [2, 1, 1, 1, 2, 1, 2, 1, 2, 2, 1]         # 100, 50, 20, 9 and both 7s lead
    assert groups.value_counts().to_dict() == {1: 6, 2: 5}
    tenth = doc.popularity_groups(downloads, 10)
    assert tenth[tenth == 1].index.tolist() == [1, 5]                   # the 11 models make groups of 1 or 2
    with pytest.raises(ValueError):
        doc.popularity_groups(downloads, 0)


def test_top_better_needs_direction_and_significance():
    assert doc.top_better({"p": 0.001, "rank_biserial": 0.2}) == 1
    assert doc.top_better({"p": 0.001, "rank_biserial": -0.2}) == 0          # significant, other direction
    assert doc.top_better({"p": 0.02, "rank_biserial": 0.2}) == 0
    assert doc.top_better({"p": 0.02, "rank_biserial": 0.2}, alpha=0.05) == 1
    assert doc.top_better(pd.Series({"p": float("nan"), "rank_biserial": float("nan")})) == 0
    assert doc.top_better(doc.compare_groups([3, 4, 5] * 10, [0, 1, 2] * 10, n_boot=0)) == 1
