# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "RQ2: what the community gives to people who reuse models"
#     paper: saner2024
#     parameters:
#       approximate_subcategories: {type: bool, default: true, help: "estimate the subcategory shares the text quotes with the keyword rules (an approximation)"}
# ---

# %% [markdown]
# # RQ2: what the community gives to people who reuse models
#
# Besides challenges, {cite:t}`saner2024` coded what the forum community brings to
# people reusing pre-trained models: expert answers, collaboration, thanks, calls for
# collaboration, announcements and newcomers from other fields. This chapter rebuilds the
# benefit half of Table I from the replication package and checks the shares quoted in the text.

# %% tags=["parameters"]
approximate_subcategories = True

# %%
import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts, claims, data, display
from hfcompendium.analysis import saner

CHAPTER = "saner_rq2_benefits"
charts.setup()

# %% [markdown]
# ## The question
#
# What kinds of help does the Hugging Face forum give, and how often does each kind appear in
# the coded discussions?

# %% [markdown]
# ## The data
#
# The codebook of benefits (categories, subcategories, definitions, examples), the Overview sheet
# of the codebook workbook (codings per category), and, for the approximate subcategory shares,
# the open codes with the codebook of challenges (the keyword rules assign codes to both).

# %%
benefits = data.load("saner2024_codebook_benefits")
challenges = data.load("saner2024_codebook_challenges")
overview = data.load("saner2024_codebook_xlsx")
codes = data.load("saner2024_all_codes")
data.provenance(["saner2024_codebook_benefits", "saner2024_codebook_xlsx", "saner2024_all_codes",
                 "saner2024_codebook_challenges"])

# %% [markdown]
# ## The method
#
# Counts per category come from the Overview sheet; shares are computed here as each count over
# the sum of the benefit counts. The Overview sheet and the codebook name the first category
# differently ("Expert Opinion and Solutions" and "Expert Opinion and Clarification"); names are
# matched after that one alias. Subcategory counts are not published; if
# `approximate_subcategories` is on, the keyword rules of the expertise chapter estimate them.

# %% [markdown]
# ## The results
#
# ### The taxonomy of benefits

# %%
taxonomy = saner.taxonomy(benefits, overview)
counts = saner.taxonomy_counts(benefits)
glue("n_categories", counts["categories"], display=False)
glue("n_rows", counts["rows"], display=False)
claims.record("saner2024.sec3d.benefit_categories", counts["categories"])
display.table(taxonomy[["label", "category", "subcategory", "definition"]]
              .assign(subcategory=lambda t: t["subcategory"].fillna("(no subcategory)")))

# %% [markdown]
# The codebook has {glue:text}`n_categories` categories over {glue:text}`n_rows` rows.

# %% [markdown]
# ### Table I, the benefits

# %%
table = saner.table1(overview, "benefit")
total = int(table["count"].sum())
glue("benefit_total", total, display=False)
for row in table.itertuples():
    number = row.label[1:]
    claims.record(f"saner2024.table1.b{number}_count", row.count)
    claims.record(f"saner2024.table1.b{number}_share", row.share, note=f"share computed here: count / sum of the {len(table)} counts")
claims.record("saner2024.table1.benefit_total", total)
b1 = float(table.loc[table["label"] == "B1", "share"].iloc[0])
b3 = float(table.loc[table["label"] == "B3", "share"].iloc[0])
claims.record("saner2024.sec3d.b1_share_text", b1)
claims.record("saner2024.sec3d.b3_share_text", b3)
glue("b1_share", b1, display=False)
glue("b3_share", b3, display=False)
glue("b1_table", saner.reported("saner2024.table1.b1_share"), display=False)
glue("b3_table", saner.reported("saner2024.table1.b3_share"), display=False)
glue("b1_text", saner.reported("saner2024.sec3d.b1_share_text"), display=False)
glue("b3_text", saner.reported("saner2024.sec3d.b3_share_text"), display=False)
display.table(table, {"share": "{:.2f}"})

# %% mystnb={"figure": {"caption": "Share of benefit codings per category (Table I, benefit half), computed from the counts of the codebook's Overview sheet; the labels B1 to B6 are those of Table I.", "name": "fig-saner-rq2-benefits"}, "image": {"alt": "Horizontal bar chart of the share of benefit codings in each category, labelled B1 to B6."}}
bars = alt.Chart(table).mark_bar().encode(
    x=alt.X("share:Q", title="share of benefit codings (%)"),
    y=alt.Y("category:N", sort="-x", title=None),
    tooltip=["label", "category", "count", alt.Tooltip("share:Q", format=".2f")],
)
(bars + bars.mark_text(align="left", dx=3, fontSize=10).encode(text="label:N")).properties(
    title="Benefits per category (Overview sheet of the codebook)", height=220)

# %% [markdown]
# The sheet counts {glue:text}`benefit_total` benefit codings ({numref}`fig-saner-rq2-benefits`). Expert
# opinions and solutions make up {glue:text}`b1_share:.3f` % of them and acknowledgements of help
# {glue:text}`b3_share:.3f` %.
# The paper prints these two shares twice, differently: {glue:text}`b1_table` and
# {glue:text}`b3_table` in Table I, {glue:text}`b1_text` and {glue:text}`b3_text` in the text.
# Rounded to two decimals the counts give the text's values, so the table's last digits are off.

# %% [markdown]
# ### Subcategories

# %%
quoted = {
    "expert_user": ("Collaboration to Solve Issues", "Expert-User Collaboration"),
    "user_user": ("Collaboration to Solve Issues", "User-User collaboration"),
    "expert_expert": ("Collaboration to Solve Issues", "HF Members Collaboration"),
    "users_suggesting": ("Collaboration to Solve Issues", "Users Suggesting Solutions"),
    "self_solutions": ("Collaboration to Solve Issues", "Self-Solutions Shared"),
}
reason = "per-code subcategories are not published, and the Overview sheet counts categories only"
glue("n_quoted", len(quoted), display=False)
rows = []
if approximate_subcategories:
    assigned = saner.assign_codes(codes, pd.concat([challenges, benefits], ignore_index=True))
    shares = saner.subcategory_shares(assigned, "benefit")
    fit = saner.category_fit(assigned, overview, "benefit")
    glue("fit_mean", saner.fit_summary(fit)["mean_abs_difference"], display=False)
else:
    glue("fit_mean", float("nan"), display=False)
for key, (category, sub) in quoted.items():
    value = saner.share_of(shares, category, sub) if approximate_subcategories else None
    claims.record_unavailable(f"saner2024.sec3d.sub_{key}",
                              reason + ("; the value shown is the share under the keyword rules of saner_rules.CODE_RULES, "
                                        "an approximation" if value is not None else ""), value=value)
    rows.append({"subcategory": sub, "share under the rules (%)": value,
                 "paper (%)": claims.format_value(saner.reported(f"saner2024.sec3d.sub_{key}"))})
display.table(pd.DataFrame(rows), {"share under the rules (%)": "{:.2f}"}, na_rep="not estimated")

# %% [markdown]
# The paper quotes {glue:text}`n_quoted` subcategory shares of the collaboration category. The package has no
# subcategory counts, so these cannot be recomputed. With `approximate_subcategories` on, the
# table shows the shares the keyword rules of the expertise chapter give; over the benefit
# categories those rules are off by {glue:text}`fit_mean:.1f` points on average, which is as large as the
# differences between these subcategories, so the estimates say little.

# %% [markdown]
# ## Comparison with the paper

# %%
claims.comparison(CHAPTER)

# %% [markdown]
# Of {glue:text}`n_claims` numbers, {glue:text}`n_reproduced` are reproduced,
# {glue:text}`n_differs` with a different value and {glue:text}`n_unavailable` cannot be computed. The counts of
# Table I are all reproduced; the differences are two shares in Table I whose last digit does
# not follow from the counts, while the text prints them correctly.

# %% [markdown]
# ## Caveats
#
# - **Codings, not topics.** A topic usually yields several benefit codings (an answer, thanks,
#   a follow-up), so shares weigh long discussions more.
# - **Labels.** The text calls the last category B5, which Table I numbers B6; we follow
#   Table I.
# - **Subcategories** are known only by name and definition; their counts are not published.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run saner_rq2_benefits -p approximate_subcategories false
# ```

# %% [markdown]
# ## Exercises
#
# 1. Which benefit category does the keyword assignment over-count most, compared with Table I?
#
# :::{admonition} Solution
# :class: dropdown
# ```python
# fit.sort_values("difference", ascending=False).head(1)
# ```
# Positive differences are categories with a larger share under the rules than in Table I.
# :::
#
# 2. How many codebook examples of benefits quote a topic that is also in the coded data?
#
# :::{admonition} Solution
# :class: dropdown
# ```python
# examples = set(benefits["example_topic"].dropna().astype(int))
# len(examples & set(codes["topic"]))
# ```
# :::
#
# 3. Express each benefit category as a count per coded topic. Which benefit appears in more
#    than half of the topics on average?
#
# :::{admonition} Solution
# :class: dropdown
# ```python
# table.assign(per_topic=table["count"] / codes["topic"].nunique())
# ```
# Expert opinions and solutions: there are more such codings than half the number of coded
# topics.
# :::
