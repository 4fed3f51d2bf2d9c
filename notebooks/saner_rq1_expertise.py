# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "RQ1: challenges by expertise and over time"
#     paper: saner2024
#     parameters:
#       merge_tag_variants: {type: bool, default: true, help: "count forum categories whose names differ only in case or spacing as one"}
#       min_share: {type: float, default: 2.0, min: 0.0, max: 100.0, help: "subcategories shown in the figure: share above this (%) for at least one level"}
#       periods: {type: int, default: 3, min: 2, max: 10, help: "number of successive groups of coded topics (by topic number) for the look at time"}
# ---

# %% [markdown]
# # RQ1: challenges by expertise and over time
#
# {cite:t}`saner2024` compared the challenges raised in the forum categories
# *Beginners* and *Intermediate* (their Figure 2) and looked for trends in the challenges over
# time. Both analyses need to know which challenge each open code belongs to, and the
# replication package does not say. This chapter shows what the published files support
# directly, then assigns every open code to a codebook subcategory with explicit keyword rules,
# checks that assignment against Table I, and approximates Figure 2 with it.

# %% tags=["parameters"]
merge_tag_variants = True
min_share = 2.0
periods = 3

# %%
import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts, claims, data, display
from hfcompendium.analysis import saner, saner_rules, stats

CHAPTER = "saner_rq1_expertise"
charts.setup()

# %% [markdown]
# ## The question
#
# Do people who post as beginners meet other challenges than those who post as intermediate
# users? And does the mix of challenges change over the three years of the forum?

# %% [markdown]
# ## The data
#
# The open codes (`All_Codes.csv`, with topic number and forum category), both codebooks (for
# the names of categories and subcategories), the Overview sheet (Table I, to judge the
# assignment) and the root causes (which also carry the forum category).

# %%
codes = data.load("saner2024_all_codes")
codebooks = pd.concat([data.load("saner2024_codebook_challenges"), data.load("saner2024_codebook_benefits")],
                      ignore_index=True)
overview = data.load("saner2024_codebook_xlsx")
root_causes = data.load("saner2024_root_causes")
data.provenance(["saner2024_all_codes", "saner2024_codebook_challenges", "saner2024_codebook_benefits",
                 "saner2024_codebook_xlsx", "saner2024_root_causes"])

# %% [markdown]
# ## The method
#
# 1. **What the files give directly.** Codes and root causes per forum category, for
#    Beginners and Intermediate.
# 2. **Assigning codes to subcategories.** An ordered list of keyword rules
#    (`CODE_RULES` in `hfcompendium/analysis/saner_rules.py`) assigns each open code to a
#    codebook subcategory; the first rule that matches decides. Rules for benefits come first,
#    because many codes describe an answer ("HF member explaining ..."), which the paper counts
#    among the benefits of the community. The assignment is judged by how close its category
#    totals come to Table I (Spearman's rho over categories, and the differences in share).
# 3. **Figure 2, approximated.** With that assignment, the share of each challenge subcategory
#    among the challenge codes of each level.
# 4. **Time.** The package has no dates. Discourse numbers topics in the order of their
#    creation, so topic numbers order the coded topics in time; we split them into `periods`
#    groups of equal size and test whether the mix of challenge categories differs between the
#    groups (chi-square test of independence). The groups are successive but their lengths in
#    months are unknown.

# %% [markdown]
# ## The results
#
# ### What the files give directly

# %%
levels = ("Beginners", "Intermediate")
by_tag = saner.tag_counts(codes, merge=merge_tag_variants)
direct = by_tag[by_tag["tag"].map(saner.tag_key).isin([saner.tag_key(l) for l in levels])]
rc = saner.classify_root_causes(root_causes)
rc_levels = rc.assign(level=saner.canonical_tags(rc["discourse_category"], merge_tag_variants))
rc_levels = rc_levels[rc_levels["level"].map(saner.tag_key).isin([saner.tag_key(l) for l in levels])]
rc_table = pd.crosstab(rc_levels["level"], rc_levels["group"])
glue("rc_beginners", int((rc_levels["level"].map(saner.tag_key) == "beginners").sum()), display=False)
glue("rc_intermediate", int((rc_levels["level"].map(saner.tag_key) == "intermediate").sum()), display=False)
display.table(direct, {"topic_share": "{:.1f}", "code_share": "{:.1f}"})

# %%
rc_table

# %% [markdown]
# The codes say which level a topic came from but not which challenge it raised. The root
# causes do carry a challenge category, but only {glue:text}`rc_beginners` of them come from
# Beginners topics and {glue:text}`rc_intermediate` from Intermediate ones, too few for a
# comparison.

# %%
for key, what in (("forum_beginners_topics", "Beginners"), ("forum_intermediate_topics", "Intermediate")):
    claims.record_unavailable(f"saner2024.sec3c3.{key}",
                              f"the number of {what} topics on the whole forum needs the mined forum data, which are not public")
claims.record_unavailable("saner2024.sec3c3.forum_ratio",
                          "the ratio over the whole forum needs the mined forum data, which are not public");

# %% [markdown]
# ### Assigning codes to subcategories

# %%
assigned = saner.assign_codes(codes, codebooks)
rule_counts = assigned["rule"].value_counts()
rules_table = pd.DataFrame(saner_rules.CODE_RULES, columns=["rule", "pattern", "category", "subcategory"])
rules_table["codes"] = rules_table["rule"].map(rule_counts).fillna(0).astype("int64")
kinds = assigned["kind"].value_counts()
glue("n_codes", len(assigned), display=False)
glue("n_challenge", int(kinds.get("challenge", 0)), display=False)
glue("n_benefit", int(kinds.get("benefit", 0)), display=False)
glue("n_unassigned", int(kinds.get("unassigned", 0)), display=False)
display.table(rules_table)

# %% [markdown]
# Of {glue:text}`n_codes:,` codes, the rules assign {glue:text}`n_challenge` to a challenge,
# {glue:text}`n_benefit` to a benefit and leave {glue:text}`n_unassigned` unassigned. How do the
# category totals compare with Table I?

# %%
fit = saner.category_fit(assigned, overview, "challenge")
fit_b = saner.category_fit(assigned, overview, "benefit")
summary = saner.fit_summary(fit)
summary_b = saner.fit_summary(fit_b)
glue("fit_rho", summary["spearman"], display=False)
glue("fit_mean", summary["mean_abs_difference"], display=False)
glue("fit_max", summary["max_abs_difference"], display=False)
glue("fit_rho_b", summary_b["spearman"], display=False)
glue("fit_mean_b", summary_b["mean_abs_difference"], display=False)
glue("n_cat", len(fit), display=False)
glue("n_cat_b", len(fit_b), display=False)
display.table(fit, {"ours_share": "{:.2f}", "paper_share": "{:.2f}", "difference": "{:+.2f}"})

# %% mystnb={"figure": {"caption": "Share of each challenge category under the keyword rules (`CODE_RULES` applied to the open codes of `All_Codes.csv`) against its share in Table I (Overview sheet); on the dashed line the two are equal.", "name": "fig-saner-rq1-expertise-fit"}, "image": {"alt": "Scatter plot of each challenge category's share under the keyword rules against its Table I share, with a dashed diagonal."}}
points = alt.Chart(fit).mark_circle(size=70).encode(
    x=alt.X("paper_share:Q", title="Table I share (%)"),
    y=alt.Y("ours_share:Q", title="share under the keyword rules (%)"),
    tooltip=["label", "category", "ours", "paper", alt.Tooltip("difference:Q", format="+.2f")],
)
text = points.mark_text(align="left", dx=6, fontSize=10).encode(text="label:N")
top = float(max(fit["paper_share"].max(), fit["ours_share"].max())) + 1
diagonal = alt.Chart(pd.DataFrame({"x": [0, top], "y": [0, top]})).mark_line(strokeDash=[4, 4], color="grey").encode(x="x", y="y")
(diagonal + points + text).properties(title="Challenge categories: keyword rules against Table I", width=420, height=420)

# %% [markdown]
# Over the {glue:text}`n_cat` challenge categories the approximate totals rank like the paper's
# ({numref}`fig-saner-rq1-expertise-fit`; Spearman's rho {glue:text}`fit_rho:.2f`); shares differ by
# {glue:text}`fit_mean:.1f` points on average and at most by {glue:text}`fit_max:.1f`. For the {glue:text}`n_cat_b` benefit categories rho is
# {glue:text}`fit_rho_b:.2f` and the mean difference {glue:text}`fit_mean_b:.1f` points. The
# assignment is close enough to say something about proportions, not to recover counts.

# %% [markdown]
# ### Subcategory shares quoted in the text
#
# The paper's text quotes the share of several subcategories among all challenge codings. The
# keyword rules give the following estimates. In the comparison below these claims carry the
# verdict *not reproducible*, since the published files do not give the subcategory of a code;
# the estimate is shown as the value beside the paper's, as an approximation.

# %%
sub_shares = saner.subcategory_shares(assigned, "challenge")
quoted = {
    "understanding_model": ("Model Usage and Understanding", "Understanding Model Function"),
    "amazon": ("External Platforms & Libraries", "Amazon"),
    "gradio": ("External Platforms & Libraries", "Gradio"),
    "official_tutorials": ("Tutorial & Documentation", "Official Examples and Tutorials"),
    "lack_documentation": ("Tutorial & Documentation", "Lack of Documentation"),
    "custom_datasets": ("Dataset Acquisition & Usage", "Custom Datasets"),
    "data_preparation": ("Dataset Acquisition & Usage", "Data Preparation"),
    "hf_source_code": ("HF Libraries' Features", "Implementation of HF Source code/Existing Feature"),
    "request_feature": ("HF Libraries' Features", "Request Feature Model"),
}
approximation = ("per-code categories are not published; the value shown is the share under the keyword "
                 "rules of saner_rules.CODE_RULES (an approximation, see this chapter)")
rows = []
for key, (category, sub) in quoted.items():
    value = saner.share_of(sub_shares, category, sub)
    claims.record_unavailable(f"saner2024.sec3c1.sub_{key}", approximation, value=value)
    rows.append({"subcategory": sub, "category": category, "share under the rules (%)": value,
                 "paper (%)": claims.format_value(saner.reported(f"saner2024.sec3c1.sub_{key}"))})
display.table(pd.DataFrame(rows), {"share under the rules (%)": "{:.2f}"})

# %% [markdown]
# ### Figure 2, approximated

# %% mystnb={"figure": {"caption": "The paper's Figure 2, approximated: share of each challenge subcategory among the challenge codes of Beginners and of Intermediate topics, with every open code of `All_Codes.csv` assigned to a subcategory by the keyword rules; only subcategories above `min_share` % at one level are drawn.", "name": "fig-saner-rq1-expertise-figure2"}, "image": {"alt": "Grouped horizontal bar chart of challenge subcategory shares for Beginners and Intermediate topics."}}
fig2 = saner.figure2(assigned, levels, merge=merge_tag_variants, min_share=min_share)
totals = saner.level_totals(assigned, levels, merge=merge_tag_variants)
glue("n_beginners", totals["Beginners"], display=False)
glue("n_intermediate", totals["Intermediate"], display=False)
glue("level_ratio", totals["Beginners"] / totals["Intermediate"] if totals["Intermediate"] else float("nan"), display=False)
glue("one_code_points", 100 / totals["Intermediate"] if totals["Intermediate"] else float("nan"), display=False)
alt.Chart(fig2).mark_bar().encode(
    x=alt.X("share:Q", title="share of the level's challenge codes (%)"),
    y=alt.Y("item:N", sort=alt.EncodingSortField("share", op="max", order="descending"), title=None,
            axis=alt.Axis(labelLimit=320)),
    yOffset="level:N",
    color=alt.Color("level:N", title="forum category"),
    tooltip=["level", "category", "item", "codes", alt.Tooltip("share:Q", format=".1f")],
).properties(title=f"Challenge subcategories by level (keyword rules; above {min_share:g} % at one level)", height=520)

# %% [markdown]
# Under the rules, Beginners topics carry {glue:text}`n_beginners` challenge codes and
# Intermediate topics {glue:text}`n_intermediate` ({glue:text}`level_ratio:.1f` to 1).
# {numref}`fig-saner-rq1-expertise-figure2` is an **approximation** of the paper's Figure 2: the
# subcategory of each code is ours, not the authors'. On the Intermediate side one code moves a
# subcategory's share by {glue:text}`one_code_points:.1f` points.

# %%
quoted_fig2 = saner.figure2_quoted(assigned, levels, merge=merge_tag_variants)
keys = {
    "intermediate_custom_models": ("Intermediate", "Custom models"),
    "intermediate_custom_datasets": ("Intermediate", "Custom datasets"),
    "intermediate_request_feature": ("Intermediate", "Request feature/model"),
    "intermediate_hf_source_code": ("Intermediate", "HF source code / existing feature"),
    "beginners_specific_solution": ("Beginners", "Specific solution need"),
    "intermediate_specific_solution": ("Intermediate", "Specific solution need"),
    "intermediate_training": ("Intermediate", "Training"),
    "intermediate_documentation": ("Intermediate", "Documentation"),
    "intermediate_api_usage": ("Intermediate", "API usage"),
    "intermediate_understanding_model": ("Intermediate", "Understanding model"),
    "intermediate_output": ("Intermediate", "Incomprehensible output"),
    "intermediate_converting": ("Intermediate", "Converting models"),
    "beginners_converting": ("Beginners", "Converting models"),
}
fig2_reason = ("Figure 2 needs the subcategory of every code, which is not published; the value shown is the share "
               "under the keyword rules of saner_rules.CODE_RULES, an approximation")
for key, (level, label) in keys.items():
    hit = quoted_fig2[(quoted_fig2["level"] == level) & (quoted_fig2["label"] == label)]
    claims.record_unavailable(f"saner2024.fig2.{key}", fig2_reason, value=float(hit["share"].iloc[0]))
display.table(quoted_fig2.pivot(index="label", columns="level", values="share").reset_index(),
              {level: "{:.1f}" for level in levels})

# %% [markdown]
# ### Challenges over time

# %% mystnb={"figure": {"caption": "Share of each challenge category among the challenge codes of successive groups of coded topics of equal size, ordered by topic number (`periods` groups; codes assigned to categories by the keyword rules).", "name": "fig-saner-rq1-expertise-periods"}, "image": {"alt": "Heat map of the share of each challenge category in each successive group of topics, with the shares printed in the cells."}}
period = saner.topic_periods(assigned, periods)
challenges = assigned[assigned["kind"] == "challenge"].assign(period=period)
mix = pd.crosstab(challenges["category"], challenges["period"])
test = stats.chi_square_independence(mix.to_numpy())
glue("chi2", test["chi2"], display=False)
glue("chi2_dof", test["dof"], display=False)
glue("chi2_p", test["p"], display=False)
glue("chi2_p_text", stats.format_p(test["p"]), display=False)
glue("cramers_v", test["cramers_v"], display=False)
glue("min_expected", test["min_expected"], display=False)
glue("expected_reading", "below the usual 5, so the p-value is only indicative" if test["min_expected"] < 5 else
     "at least the usual 5, so the chi-square approximation holds", display=False)
glue("time_reading", "the mix of challenges shows no clear change between the groups" if not test["p"] < 0.05
     else "the mix of challenges differs between the groups", display=False)
shares = (mix / mix.sum()).mul(100).reset_index().melt(id_vars="category", var_name="period", value_name="share")
heat = alt.Chart(shares).encode(
    x=alt.X("period:O", title="group of coded topics by topic number (1 = earliest)"),
    y=alt.Y("category:N", title=None, axis=alt.Axis(labelLimit=320)),
)
(heat.mark_rect().encode(color=alt.Color("share:Q", title="share (%)", scale=alt.Scale(scheme="blues")),
                         tooltip=["category", "period", alt.Tooltip("share:Q", format=".1f")])
 + heat.mark_text(fontSize=10).encode(text=alt.Text("share:Q", format=".1f"))).properties(
    title="Share of each challenge category in successive groups of topics (keyword rules)", width=320, height=420)

# %% [markdown]
# {numref}`fig-saner-rq1-expertise-periods` shows the mix of challenges in each group. A chi-square test of
# independence between category and group gives chi2 =
# {glue:text}`chi2:.1f` with {glue:text}`chi2_dof` degrees of freedom, {glue:text}`chi2_p_text`
# and Cramér's V = {glue:text}`cramers_v:.2f`. The smallest expected count is
# {glue:text}`min_expected:.1f`, {glue:text}`expected_reading`. The paper
# saw no trend month by month; here {glue:text}`time_reading`. Both analyses rest on categories
# the public files do not contain.

# %% [markdown]
# ## Comparison with the paper

# %%
claims.comparison(CHAPTER)

# %% [markdown]
# {glue:text}`n_unavailable` of the {glue:text}`n_claims` numbers of this chapter are marked
# *not reproducible*: they depend on the category of each code, or on counts of
# the whole forum, neither of which is public. Where a value is shown beside the paper's, it is
# our approximation under the keyword rules; the verdict stays *not reproducible*, because the
# approximation is not the paper's count.

# %% [markdown]
# ## Caveats
#
# - **The assignment is ours.** Keyword rules read short codes written for the authors' own
#   use; they confuse questions with answers and topics with causes. They were written with
#   Table I in view, so their fit to Table I is partly by construction.
# - **Few Intermediate codes.** The Intermediate side of Figure 2 rests on
#   {glue:text}`n_intermediate` challenge codes.
# - **Spellings.** With `merge_tag_variants` off, the lower-case `beginners` topics drop out of
#   the Beginners side.
# - **Time.** Topic numbers give an order, not dates; groups of equal size cover unequal
#   stretches of time.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run saner_rq1_expertise -p merge_tag_variants false
# .venv/bin/hfcompendium run saner_rq1_expertise -p min_share 5 -p periods 4
# ```

# %% [markdown]
# ## Exercises
#
# 1. Rerun with `merge_tag_variants` set to `false`. How does the ratio of Beginners to
#    Intermediate challenge codes change?
#
# :::{admonition} Solution
# :class: dropdown
# The lower-case `beginners` codes no longer count as Beginners, so the Beginners side shrinks
# while the Intermediate side stays as it is; compare `saner.level_totals(assigned,
# merge=False)` with the default.
# :::
#
# 2. Which rule of `CODE_RULES` assigns the most codes, and what would happen to Table I's fit
#    if it were removed?
#
# :::{admonition} Solution
# :class: dropdown
# ```python
# rules_table.sort_values("codes", ascending=False).head(3)
# ```
# Removing a rule (from a copy of the list) lets the codes fall to later rules; recompute
# `saner.category_fit` and `saner.fit_summary` to see the effect.
# :::
#
# 3. Increase `periods` to 6. Does the chi-square test become more or less reliable?
#
# :::{admonition} Solution
# :class: dropdown
# Less: with more groups the expected counts per cell shrink further below 5, as `min_expected`
# shows.
# :::
