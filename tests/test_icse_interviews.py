"""The rules that read the ICSE interview memos, and the words for counts of people, on hand-made memos."""

from __future__ import annotations

import pandas as pd
import pytest

from hfcompendium.analysis import interviews


def test_popularity_first_reads_order_and_emphasis():
    memos = pd.Series(["Popularity > quality > maintenance", "  - popularity: lots of downloads",
                       "Quality and popularity: most important; popularity > maintenance",
                       "Popularity is the most useful metric", "Maintenance is most important",
                       "All of them are helpful!", "unpopularity of old models", None])
    assert interviews.popularity_first(memos).tolist() == [True, True, True, True, False, False, False, False]


def test_performance_or_architecture():
    memos = pd.Series(["Performance first, then architecture", "Architecture matters more than performance",
                       "Both are important", "They go hand-in-hand", "Performance", "", None,
                       "The architecture is related to the performance"])
    assert interviews.performance_or_architecture(memos).tolist() == [
        "performance", "architecture", "both", "both", "performance", "no answer", "no answer", "both"]


@pytest.mark.parametrize("count, total, word", [
    (12, 12, "all"), (11, 12, "all but one"), (7, 12, "most"), (6, 12, "half"), (5, 12, "a minority"),
    (0, 12, "none"), (1, 2, "half"), (1, 1, "all"), (2, 3, "all but one"),
])
def test_quantity_word(count, total, word):
    assert interviews.quantity_word(count, total) == word


def test_quantity_word_refuses_impossible_counts():
    with pytest.raises(ValueError):
        interviews.quantity_word(13, 12)
    with pytest.raises(ValueError):
        interviews.quantity_word(0, 0)
