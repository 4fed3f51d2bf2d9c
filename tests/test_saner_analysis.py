"""Analyses of the SANER 2024 chapters and the generic statistics wrappers, on small hand-made frames
(every frame below is a test fixture written for these tests, not data from the replication package)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from hfcompendium.analysis import saner, saner_rules, stats


def long(rows):
    """Fixture helper: a long table (model_type, month, count) from tuples."""
    return pd.DataFrame(rows, columns=["model_type", "month", "count"]).astype({"count": "int64"})


# --- stats ---------------------------------------------------------------------------------------

def test_spearman_matches_scipy_and_brackets_rho():
    x = [1, 2, 3, 4, 5, 6, 7, 8]
    y = [2, 1, 4, 3, 6, 5, 8, 9]
    result = stats.spearman(x, y)
    expected = sps.spearmanr(x, y)
    assert result.n == 8
    assert result.r == pytest.approx(expected.statistic)
    assert result.p == pytest.approx(expected.pvalue)
    assert result.ci_low < result.r < result.ci_high


def test_spearman_with_ties_uses_average_ranks():
    x = [1, 1, 2, 2, 3, 3]
    y = [1, 2, 2, 3, 3, 4]
    assert stats.spearman(x, y).r == pytest.approx(sps.spearmanr(x, y).statistic)


@pytest.mark.parametrize("x, y, reason", [
    ([1, 2], [2, 1], "fewer than 3"),
    ([0, 0, 0, 0], [1, 2, 3, 4], "constant"),
    ([], [], "fewer than 3"),
])
def test_spearman_degenerate_inputs_give_nan_with_a_reason(x, y, reason):
    result = stats.spearman(x, y)
    assert math.isnan(result.r) and math.isnan(result.p)
    assert reason in result.note


def test_spearman_drops_missing_pairs_and_needs_four_for_an_interval():
    result = stats.spearman([1, 2, np.nan, 3], [1, 3, 5, 2])
    assert result.n == 3 and not math.isnan(result.r)
    assert math.isnan(result.ci_low) and "n < 4" in result.note


def test_adjust_pvalues_holm_and_bh():
    p = [0.01, 0.04, 0.03]
    holm = stats.adjust_pvalues(p, "holm")
    bh = stats.adjust_pvalues(p, "bh")
    assert holm["p_adjusted"].tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert bh["p_adjusted"].tolist() == pytest.approx([0.03, 0.04, 0.04])
    assert holm["reject"].tolist() == [True, False, False]
    assert bh["reject"].tolist() == [True, True, True]


def test_adjust_pvalues_ignores_missing_and_empty():
    out = stats.adjust_pvalues(pd.Series([0.01, np.nan, 0.02], index=["a", "b", "c"]), "holm")
    assert list(out.index) == ["a", "b", "c"]
    assert math.isnan(out.loc["b", "p_adjusted"]) and not out.loc["b", "reject"]
    assert out.loc["a", "p_adjusted"] == pytest.approx(0.02)    # family of two, not three
    assert stats.adjust_pvalues([], "bh").empty
    with pytest.raises(ValueError):
        stats.adjust_pvalues([0.1], "sidak")


def test_shapiro_and_its_edge_cases():
    rng = np.random.default_rng(1)
    skewed = rng.exponential(size=60) ** 3
    assert stats.shapiro(skewed)["normal"] is False
    assert stats.shapiro([1.0, 2.0])["normal"] is None
    assert stats.shapiro([5, 5, 5, 5])["note"] == "constant values"


def test_mann_whitney_effect_sizes_read_in_the_same_direction():
    high, low = [5, 6, 7, 8], [1, 2, 3, 4]
    result = stats.mann_whitney(high, low, alternative="greater")
    assert result["cles"] == pytest.approx(1.0)
    assert result["rbc"] == pytest.approx(1.0)
    assert result["p"] < 0.05
    assert math.isnan(stats.mann_whitney([], [1, 2])["p"])


def test_kendall_trend():
    assert stats.kendall_trend([1, 2, 3, 4, 5]).r == pytest.approx(1.0)
    assert stats.kendall_trend([5, 4, 3, 2, 1]).r == pytest.approx(-1.0)
    assert math.isnan(stats.kendall_trend([2, 2, 2, 2]).r)
    assert math.isnan(stats.kendall_trend([1, 2]).r)


def test_sample_size_proportion():
    assert stats.sample_size_proportion(11175) == 372
    assert stats.sample_size_proportion(10) == 10
    assert stats.sample_size_proportion(0) == 0


def test_chi_square_independence():
    out = stats.chi_square_independence([[10, 20], [20, 10], [0, 0]])
    assert out["dof"] == 1 and 0 < out["p"] < 0.05
    assert math.isnan(stats.chi_square_independence([[1, 2], [0, 0]])["p"])


# --- months, totals, type sets -------------------------------------------------------------------

def test_format_p_for_sentences():
    assert stats.format_p(0.0321) == "p = 0.032"
    assert stats.format_p(0.5) == "p = 0.5"
    assert stats.format_p(1.234e-5) == "p = 1.2e-05"
    assert stats.format_p(0.0) == "p < 1e-300"
    assert stats.format_p(float("nan")) == "p not computed" and stats.format_p(None) == "p not computed"
    assert stats.format_p(np.float64(0.04)) == "p = 0.04"
    with pytest.raises(ValueError):
        stats.format_p(1.5)


def test_effect_word():
    assert [stats.effect_word(r) for r in (0.05, -0.15, 0.3, -0.49, 0.5, 0.9)] == [
        "negligible", "small", "medium", "medium", "large", "large"]
    assert stats.effect_word(float("nan")) == "unknown"


def test_months_between():
    assert saner.months_between("2020-11", "2021-02") == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert saner.months_between("2021-02", "2021-01") == []


def test_window_totals_keep_every_type_even_in_an_empty_window():
    table = long([("bert", "2020-01", 3), ("gpt2", "2020-02", 5)])
    empty = saner.window_totals(table, "2021-01", "2021-12")
    assert empty.to_dict() == {"bert": 0, "gpt2": 0}
    assert saner.window_totals(table, "2020-01", "2020-12").index.tolist() == ["gpt2", "bert"]


def test_coverage_types_breaks_ties_by_name_and_ignores_zeros():
    totals = pd.Series({"b": 5, "a": 5, "c": 1, "z": 0})
    assert saner.coverage_types(totals, 0.4) == ["a"]            # a and b tie: a comes first
    assert saner.coverage_types(totals, 0.5) == ["a", "b"]
    assert saner.coverage_types(totals, 0.9) == ["a", "b"]
    assert saner.coverage_types(totals, 1.0) == ["a", "b", "c"]
    assert saner.coverage_types(pd.Series({"a": 0}), 0.9) == []


def test_type_missing_on_one_side_is_zero_filled():
    forum = pd.Series({"bert": 10, "t5": 5, "opt": 1})
    hub = pd.Series({"bert": 100, "t5": 20, "vit": 7})
    table = saner.distribution_table(forum, hub, saner.type_set(forum, hub, "union"))
    row = table.set_index("model_type")
    assert row.loc["opt", "hub"] == 0 and not row.loc["opt", "on_hub"]
    assert row.loc["vit", "forum"] == 0 and not row.loc["vit", "on_forum"]
    assert saner.type_set(forum, hub, "intersection") == ["bert", "t5"]
    assert saner.type_set(forum, hub, "hub") == ["bert", "t5", "vit"]
    with pytest.raises(ValueError):
        saner.type_set(forum, hub, "everything")


def test_distribution_correlation_all_zero_side_is_nan():
    forum = pd.Series({"a": 3, "b": 2, "c": 1})
    hub = pd.Series({"x": 4})
    result = saner.distribution_correlation(forum, hub, ["a", "b", "c"])
    assert math.isnan(result.r)


def test_top_k_share():
    assert saner.top_k_share(pd.Series({"a": 6, "b": 3, "c": 1}), 2) == pytest.approx(90.0)


# --- trends --------------------------------------------------------------------------------------

def test_trend_correlations_trim_and_missing_type():
    months = saner.months_between("2020-01", "2020-06")
    forum = long([("new", m, c) for m, c in zip(months, [0, 0, 1, 2, 3, 5])]
                 + [("old", m, c) for m, c in zip(months, [5, 4, 3, 2, 1, 0])])
    hub = long([("new", m, c) for m, c in zip(months, [0, 0, 2, 3, 5, 8])]
               + [("old", m, c) for m, c in zip(months, [1, 2, 3, 4, 5, 6])])
    out = saner.trend_correlations(forum, hub, ["new", "old", "absent"], "2020-01", "2020-06", trim="first_any")
    row = out.set_index("model_type")
    assert row.loc["new", "first_month"] == "2020-03" and row.loc["new", "months"] == 4
    assert row.loc["new", "rho"] == pytest.approx(1.0)
    assert row.loc["old", "rho"] == pytest.approx(-1.0)
    assert row.loc["old", "forum_tau"] < 0 < row.loc["old", "hub_tau"]
    assert row.loc["absent", "months"] == 0 and math.isnan(row.loc["absent", "rho"])
    untrimmed = saner.trend_correlations(forum, hub, ["new"], "2020-01", "2020-06", trim="none")
    assert untrimmed.loc[0, "months"] == 6
    with pytest.raises(ValueError):
        saner.trend_correlations(forum, hub, ["new"], "2020-01", "2020-06", trim="sometimes")


def test_trend_correlations_empty_window():
    forum = long([("a", "2020-01", 1)])
    out = saner.trend_correlations(forum, forum, ["a"], "2020-05", "2020-04")
    assert out.loc[0, "months"] == 0 and math.isnan(out.loc[0, "rho"])


def test_with_corrections_flags_changed_decisions():
    table = pd.DataFrame({"model_type": list("abcd"), "p": [0.001, 0.02, 0.04, 0.5]})
    out = saner.with_corrections(table, alpha=0.05).set_index("model_type")
    assert out["significant"].tolist() == [True, True, True, False]
    assert out["significant_holm"].tolist() == [True, False, False, False]
    assert out.loc["b", "changed"] and out.loc["c", "changed"] and not out.loc["a", "changed"]


def test_normality_by_type_handles_an_all_zero_series():
    table = long([("a", "2020-01", 0), ("a", "2020-02", 0), ("a", "2020-03", 0)])
    out = saner.normality_by_type(table, ["a"], "2020-01", "2020-03")
    assert out.loc[0, "normal"] is None


# --- forum categories ----------------------------------------------------------------------------

def codes_fixture():
    return pd.DataFrame({
        "topic": [1, 1, 2, 3, 4, 5, 6],
        "tag": ["Beginners", "Beginners", "beginners", "Intermediate", "Flax/JAX projects", "Flax/JAX Projects", "Beginners"],
        "code": ["a", "b", "c", "d", "e", "f", "g"],
        "notes": [[], ["n"], [], [], [], [], []],
    })


def test_canonical_tags_merge_spellings_by_majority():
    codes = codes_fixture()
    merged = saner.canonical_tags(codes["tag"])
    assert merged.tolist()[:3] == ["Beginners"] * 3
    assert set(merged[4:6]) == {"Flax/JAX Projects"}         # tie broken alphabetically
    assert saner.canonical_tags(codes["tag"], merge=False).tolist() == codes["tag"].tolist()
    assert set(saner.tag_variants(codes["tag"])["spelling"]) >= {"beginners", "Beginners"}


def test_expertise_ratio_with_and_without_merging():
    codes = codes_fixture()
    merged = saner.expertise_ratio(codes, "Beginners", "Intermediate")
    exact = saner.expertise_ratio(codes, "Beginners", "Intermediate", merge=False)
    assert merged["topics_a"] == 3 and merged["codes_a"] == 4 and merged["topic_ratio"] == 3.0
    assert exact["topics_a"] == 2 and exact["codes_a"] == 3
    missing = saner.expertise_ratio(codes, "Beginners", "Research")
    assert missing["topics_b"] == 0 and math.isnan(missing["topic_ratio"])


def test_code_count_candidates():
    codes = codes_fixture()
    table = saner.code_count_candidates(codes).set_index("what")["count"]
    assert table.iloc[0] == 7 and table["rows with at least one note cell"] == 1


# --- Table I and the codebooks -------------------------------------------------------------------

def overview_fixture():
    return pd.DataFrame({"kind": ["challenge", "challenge", "benefit", "benefit"], "position": [1, 2, 1, 2],
                         "category": ["Model Usage and Understanding", "Spaces", "Expert Opinion and Solutions", "Announcements"],
                         "count": [3, 1, 6, 2]})


def test_table1_labels_and_shares():
    table = saner.table1(overview_fixture(), "challenge")
    assert table["label"].tolist() == ["C1", "C2"]
    assert table["share"].tolist() == pytest.approx([75.0, 25.0])
    benefits = saner.table1(overview_fixture(), "benefit")
    assert benefits["label"].tolist() == ["B1", "B2"]


def test_taxonomy_matches_names_across_spellings():
    book = pd.DataFrame({"kind": ["benefit", "benefit"], "category_no": [1, 2],
                         "category": ["Expert Opinion and Clarification", "Announcements"],
                         "subcategory": ["on Datasets", None], "definition": ["d", "d"]})
    tax = saner.taxonomy(book, overview_fixture())
    assert tax["label"].tolist() == ["B1", "B2"]
    counts = saner.taxonomy_counts(book)
    assert counts == {"categories": 2, "rows": 2, "named_subcategories": 1, "categories_without_subcategory": 1}


# --- Table II ------------------------------------------------------------------------------------

def test_root_cause_rules_each_reach_their_row():
    texts = {
        "Not clear": "Other/unknown",
        "---": "Other/unknown",
        "Model owner forgot a file": "Other/unknown",
        "Confusing parameter setting in external platform [S3]": "External platforms and libraries",
        "Bug in the datasets library": "HF bugs",
        "Lack of clarity in documentation": "Lacking documentation",
        "Lack of theoretical Knowlege by user": "Lack of theoretical knowledge",
        "Programming mistakes by the user": "Lack of practical and programming knowledge",
        "Limitation by HF on upload time": "Lacking feature by HF",
        "Lack of knowledge for API usage for library [Accelerate]": "Lack of familiarity with HF and its libraries",
        "Lack of knowledge about TF API by user": "Lack of API usage knowledge",
        "Lack of awareness about a feature": "Lack of familiarity with HF and its libraries",
        "Something else entirely": "unmapped",
    }
    frame = pd.DataFrame({"topic": range(len(texts)), "root_cause": list(texts)})
    out = saner.classify_root_causes(frame)
    assert out["row"].tolist() == list(texts.values())
    table = saner.table2(out)
    assert table["row"].iloc[-1] == "unmapped" and table["count"].sum() == len(texts)
    assert table["share"].sum() == pytest.approx(100.0)


def test_root_cause_preference_for_two_sided_texts():
    frame = pd.DataFrame({"topic": [1], "root_cause": ["Lack of feature support by HF [x]/Lack of knowledge by user"]})
    first = saner.classify_root_causes(frame, prefer="first")
    user = saner.classify_root_causes(frame, prefer="user")
    assert first.loc[0, "group"] == "HF-related" and user.loc[0, "group"] == "User-related"
    assert first.loc[0, "ambiguous"] and first.loc[0, "two_causes"]
    with pytest.raises(ValueError):
        saner.classify_root_causes(frame, prefer="both")


def test_rule_hits_counts_decisions_and_matches():
    frame = pd.DataFrame({"topic": [1, 2], "root_cause": ["Lack of theoretical knowledge by user", "Bug"]})
    hits = saner.rule_hits(saner.classify_root_causes(frame)).set_index("rule")
    assert hits.loc["user_theory", "decides"] == 1 and hits.loc["hf_bug", "decides"] == 1
    assert hits.loc["user_familiarity", "matches"] == 1 and hits.loc["user_familiarity", "decides"] == 0
    assert len(hits) == len(saner_rules.ROOT_CAUSE_RULES)


def test_accepted_answers():
    rc = pd.DataFrame({"topic": [1, 1, 2]})
    codes = pd.DataFrame({"topic": [1, 2, 3, 4]})
    out = saner.accepted_answers(rc, codes)
    assert out["answers"] == 3 and out["answer_topics"] == 2 and out["ratio_answers"] == 0.75
    assert out["topics_not_in_sample"] == []


# --- open codes -> subcategories -----------------------------------------------------------------

def codebooks_fixture():
    return pd.DataFrame({
        "kind": ["challenge", "challenge", "challenge", "benefit", "benefit"],
        "category": ["Incomprehensible output", "Training Pipeline", "Specific Solution Need",
                     "Acknowledgement of help", "Expert Opinion and Clarification"],
        "subcategory": [None, "Training", None, "Thanks for Solution", "Other Solutions"],
    })


def test_assign_codes_first_rule_wins(monkeypatch):
    monkeypatch.setattr(saner_rules, "CODE_RULES", [
        ("b_thanks", r"thank", "Acknowledgement of help", "Thanks for Solution"),
        ("c_output", r"unexpected output", "Incomprehensible output", None),
        ("c_training", r"train", "Training Pipeline", "Training"),
    ])
    saner._compiled_code_rules.cache_clear()
    try:
        codes = pd.DataFrame({"code": ["Thanks for the training tip", "Unexpected output when training", "hello"],
                              "tag": ["Beginners"] * 3, "topic": [1, 2, 3]})
        out = saner.assign_codes(codes, codebooks_fixture())
        assert out["rule"].tolist()[:2] == ["b_thanks", "c_output"]
        assert out["kind"].tolist() == ["benefit", "challenge", "unassigned"]
        assert pd.isna(out.loc[1, "subcategory"]) and pd.isna(out.loc[2, "category"])
    finally:
        saner._compiled_code_rules.cache_clear()


def test_assign_codes_rejects_rules_naming_unknown_categories(monkeypatch):
    monkeypatch.setattr(saner_rules, "CODE_RULES", [("bad", r"x", "No Such Category", None)])
    saner._compiled_code_rules.cache_clear()
    try:
        with pytest.raises(ValueError, match="not in the codebooks"):
            saner.assign_codes(pd.DataFrame({"code": ["x"]}), codebooks_fixture())
    finally:
        saner._compiled_code_rules.cache_clear()


def assigned_fixture():
    return pd.DataFrame({
        "tag": ["Beginners", "beginners", "Beginners", "Intermediate", "Intermediate", "Transformers"],
        "topic": [1, 2, 3, 4, 5, 6],
        "kind": ["challenge", "challenge", "benefit", "challenge", "challenge", "challenge"],
        "category": ["Training Pipeline", "Specific Solution Need", "Acknowledgement of help", "Training Pipeline",
                     "Training Pipeline", "Spaces"],
        "subcategory": ["Training", None, "Thanks for Solution", "Training", "Training", None],
    })


def test_figure2_shares_per_level_and_missing_level():
    fig = saner.figure2(assigned_fixture())
    row = fig.set_index(["level", "item"])["share"]
    assert row[("Beginners", "Training")] == pytest.approx(50.0)
    assert row[("Beginners", "Specific Solution Need")] == pytest.approx(50.0)
    assert row[("Intermediate", "Training")] == pytest.approx(100.0)
    assert row[("Intermediate", "Specific Solution Need")] == 0.0
    exact = saner.figure2(assigned_fixture(), merge=False)
    assert exact.set_index(["level", "item"])["share"][("Beginners", "Training")] == pytest.approx(100.0)
    none = saner.figure2(assigned_fixture(), levels=("Research",))
    assert none.empty or none["share"].isna().all()
    assert saner.level_totals(assigned_fixture()) == {"Beginners": 2, "Intermediate": 2}


def test_figure2_min_share_drops_small_items():
    fig = saner.figure2(assigned_fixture(), min_share=60)
    assert set(fig["item"]) == {"Training"}


def test_category_fit_and_subcategory_shares():
    overview = pd.DataFrame({"kind": ["challenge", "challenge"], "position": [1, 2],
                             "category": ["Training Pipeline", "Spaces"], "count": [3, 1]})
    fit = saner.category_fit(assigned_fixture(), overview, "challenge")
    assert fit["ours"].tolist() == [3, 1]
    assert fit["difference"].abs().max() == pytest.approx(0.0)
    shares = saner.subcategory_shares(assigned_fixture(), "challenge")
    assert saner.share_of(shares, "Training Pipeline", "Training") == pytest.approx(60.0)
    assert saner.share_of(shares, "Spaces", None) == pytest.approx(20.0)
    assert saner.share_of(shares, "Spaces", "Nothing") == 0.0


def test_topic_periods_are_ordered_by_topic_number():
    codes = pd.DataFrame({"topic": [40, 10, 20, 10, 30, 50]})   # five distinct topics
    periods = saner.topic_periods(codes, 2)
    assert periods.tolist() == [2, 1, 1, 1, 1, 2]
    assert saner.topic_periods(pd.DataFrame({"topic": []}), 3).empty


# --- model cards ---------------------------------------------------------------------------------

def cards_fixture():
    return pd.DataFrame({"month": ["2021-11", "2021-12", "2022-01", "2022-02"], "models": [10, 10, 100, 100],
                         "with_card": [5, 7, 40, 70]}).assign(card_ratio=lambda t: t["with_card"] / t["models"])


def test_card_overall_before_after_threshold_and_trend():
    cards = cards_fixture()
    assert saner.card_overall(cards)["share"] == pytest.approx(100 * 122 / 220)
    assert math.isnan(saner.card_overall(cards.iloc[:0])["share"])
    split = saner.card_before_after(cards, "2022-01")
    assert split["months_before"] == 2 and split["months_after"] == 2
    assert split["pooled_after"] == pytest.approx(110 / 200)
    assert saner.months_above(cards, 0.6)["month"].tolist() == ["2021-12", "2022-02"]
    assert saner.cards_in_window(cards, "2021-12", "2022-01")["month"].tolist() == ["2021-12", "2022-01"]
    assert not math.isnan(saner.card_trend(cards).r)


def test_card_before_after_with_an_empty_side():
    out = saner.card_before_after(cards_fixture(), "2030-01")
    assert out["months_after"] == 0 and math.isnan(out["p"])


# --- inputs from live snapshots ------------------------------------------------------------------

def test_snapshot_tables_are_checked(monkeypatch):
    good = pd.DataFrame({"model_type": ["bert"], "month": ["2024-01"], "count": [3], "extra": [1]})
    monkeypatch.setattr(saner, "_snapshot_table", lambda name, table: good)
    out = saner.hub_type_counts("hub-2025-01-01")
    assert list(out.columns) == ["model_type", "month", "count"] and out["count"].dtype == "int64"
    monkeypatch.setattr(saner, "_snapshot_table", lambda name, table: good.drop(columns="count"))
    with pytest.raises(ValueError, match="missing"):
        saner.forum_type_counts("forum-2025-01-01")
    cards = pd.DataFrame({"month": ["2024-01"], "models": [4], "with_card": [1]})
    monkeypatch.setattr(saner, "_snapshot_table", lambda name, table: cards)
    assert saner.card_table("hub-2025-01-01")["card_ratio"].tolist() == [0.25]


# --- small helpers -------------------------------------------------------------------------------

def test_p_label():
    assert saner.p_label(0.01, 0.01, strict=False) == "p <= 0.01"
    assert saner.p_label(0.01, 0.01, strict=True) == "p = 0.01"
    assert saner.p_label(0.001, 0.05) == "p < 0.05"
    assert saner.p_label(float("nan"), 0.05) == "p not computed"


def test_reported_reads_the_claims_registry():
    from hfcompendium import claims

    registry = claims.load_claims()
    assert saner.reported("saner2024.fig3.spearman_rho") == registry["saner2024.fig3.spearman_rho"].reported
    with pytest.raises(KeyError):
        saner.reported("saner2024.no_such_claim")
