# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "Documentation and popularity"
#     paper: esem2024
#     parameters:
#       group_share: {type: float, default: 0.25, min: 0.05, max: 0.5, help: "share of the models in each of the top and bottom groups"}
#       card_score: {type: str, default: detector, choices: [detector, hn5318], help: "section labels behind the card score: this book's detector or the labels of the hn5318 data set"}
#       n_boot: {type: int, default: 2000, min: 200, max: 20000, help: "bootstrap resamples for the confidence intervals"}
# ---

# %% [markdown]
# # Documentation and popularity
#
# {cite:t}`esem2024` read the claim "documentation quality influences model
# selection" (their C3) as: better documented models are more popular. They scored the model cards
# of the most and least popular PeaTMOSS models for five sections (description, limitations, how
# to use, training, evaluation), asking a large language model whether each is present, added a
# metadata score, and found the most popular models significantly better documented (their
# Figure 8). Neither the scores nor the cards they scored are public. This chapter tests the same
# hypothesis on public cards with a section detector whose rules can be read, and on the
# metadata of the mid-2022 Hub listing.

# %% tags=["parameters"]
group_share = 0.25
card_score = "detector"
n_boot = 2000

# %%
import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts, claims, data, display
from hfcompendium.analysis import documentation as doc
from hfcompendium.analysis import stats

charts.setup()

# %% [markdown]
# ## The question
#
# Do the most downloaded (or most liked, or most reused) models have more complete
# documentation than the least popular ones, and by how much?

# %% [markdown]
# ## The data
#
# - **Model cards with popularity.** A public study of model-card quality sampled models from the
#   Hub and published, for each, the full card text with its downloads and likes, and a table of
#   standardised features that includes its own labels for the same five sections.
# - **The mid-2022 Hub listing** of the ICSE 2023 artifact: for the models with full information,
#   their downloads, the files in the repository (is there a README?), and the card's metadata
#   block (licence, datasets).
# - **Downstream reuse**: PeaTMOSS links from GitHub repositories to models, to tell reused
#   models from others.

# %%
cards = data.load("model_card_samples")
features = data.load("model_card_quality_features")
listing = data.load("icse2023_sdist_0_1_3")
mapping = data.load("peatmoss_reuse_mapping")
data.provenance(["model_card_samples", "model_card_quality_features", "icse2023_sdist_0_1_3",
                 "peatmoss_reuse_mapping"])

# %% [markdown]
# ## The method
#
# **Section detector.** `documentation.detect_sections` finds a section when a heading (or a line
# of bold text alone) matches the section's pattern and at least a few words follow it, after
# removing the card's metadata block, HTML, comments and template placeholders such as "More
# information needed". A card without a description heading still counts as described when a
# plain prose line outside the other sections is long enough. The patterns:

# %%
rules = pd.DataFrame({"section": list(doc.SECTIONS), "heading pattern (regular expression)": list(doc.SECTIONS.values())})
glue("min_words", doc.MIN_WORDS, display=False)
glue("prose_min_words", doc.PROSE_MIN_WORDS, display=False)
rules

# %% [markdown]
# (At least {glue:text}`min_words:d` words under the heading; a prose line of at least
# {glue:text}`prose_min_words:d` words for the description fallback.) The card's score is the
# number of sections found, as in the paper.
#
# **Reference labels.** The feature table stores its labels as z-scores. A standardised 0/1
# column takes exactly two values, (1 − mean)/sd for the ones and −mean/sd for the zeros, so the
# positive value marks the ones (`documentation.labels_from_zscores` checks that each column is
# two-valued). Agreement is measured with accuracy and Cohen's kappa.
#
# **Top against bottom.** The models are ranked by popularity and the top and bottom
# `group_share` compared with a two-sided Mann–Whitney U test; the effect size is the
# rank-biserial correlation r (from −1 to 1, positive when the top group scores higher), with
# percentile bootstrap confidence intervals for r and for the difference in mean score.

# %% [markdown]
# ## The results
#
# ### Does the detector agree with the reference labels?

# %%
detected = doc.section_table(cards["card_text"])
label_columns = {"description": "has-description", "limitations": "has-limitations-and-bias",
                 "how_to_use": "has-uses", "training": "has-training", "evaluation": "has-evaluation"}
if not (cards["model_id"].values == features["model_id"].values).all():
    raise ValueError("the card texts and the feature table list different models")
labels = pd.DataFrame({section: doc.labels_from_zscores(features[column]).astype(bool)
                       for section, column in label_columns.items()})
labels["score"] = labels[list(label_columns)].sum(axis=1)
agreement = pd.DataFrame([{"section": s, "labelled": int(labels[s].sum()), "detected": int(detected[s].sum()),
                           **doc.agreement(labels[s], detected[s])} for s in label_columns])
identical = float((features["has-uses"] == features["has-training"]).mean())
glue("uses_training_identical", identical, display=False)
glue("kappa_training", float(agreement.set_index("section").loc["training", "kappa"]), display=False)
glue("kappa_uses", float(agreement.set_index("section").loc["how_to_use", "kappa"]), display=False)
glue("n_cards", len(cards), display=False)
display.table(agreement[["section", "labelled", "detected", "accuracy", "precision", "recall", "kappa"]],
              {"accuracy": "{:.2f}", "precision": "{:.2f}", "recall": "{:.2f}", "kappa": "{:.2f}"})

# %% mystnb={"figure": {"caption": "Agreement (Cohen's kappa) between this book's section detector and the reference labels of the model-card study, per section, over the study's sampled cards.", "name": "fig-esem-c3-agreement"}, "image": {"alt": "Horizontal bar chart of Cohen's kappa for each of the five card sections."}}
alt.Chart(agreement, title="Agreement of the detector with the reference labels").mark_bar().encode(
    x=alt.X("kappa:Q", title="Cohen's kappa", scale=alt.Scale(domain=[-0.2, 1])),
    y=alt.Y("section:N", title=None, sort=list(label_columns)),
    tooltip=["section", alt.Tooltip("kappa:Q", format=".2f"), alt.Tooltip("accuracy:Q", format=".2f")],
).properties(height=150)

# %% [markdown]
# For limitations, training and evaluation the detector and the labels agree well
# ({numref}`fig-esem-c3-agreement`; kappa {glue:text}`kappa_training:.2f` for training). For "how to
# use" they do not (kappa {glue:text}`kappa_uses:.2f`), and the reason is in the reference data:
# its `has-uses` column equals its `has-training` column in {glue:text}`uses_training_identical:.0%` of the
# {glue:text}`n_cards:,d` rows, so it cannot be measuring usage instructions. The description
# label has a definition of its own (it counts one-line cards as described and empty templates
# as not, in ways no heading rule reproduces); agreement there is weak.

# %% [markdown]
# ### Are popular cards more complete?

# %%
cards = cards.assign(score=(detected if card_score == "detector" else labels)["score"].values)
n_group = max(1, int(round(group_share * len(cards))))
rows, distributions = [], []
for popularity in ("downloads", "likes"):
    groups = doc.top_bottom(cards, popularity, n_group)
    stats_ = doc.compare_groups(groups.loc[groups["group"] == "top", "score"],
                                groups.loc[groups["group"] == "bottom", "score"], n_boot=n_boot)
    tied = int((cards[popularity] == groups.loc[groups["group"] == "bottom", popularity].max()).sum())
    rows.append({"data": "model cards", "popularity": popularity, "score": f"sections ({card_score})",
                 "ties at the bottom value": tied, **stats_})
    distributions.append(groups.groupby(["group", "score"]).size().rename("cards").reset_index()
                         .assign(popularity=popularity))
cards_result = pd.DataFrame(rows)
glue("n_group", n_group, display=False)
columns = ["data", "popularity", "score", "n_top", "n_bottom", "mean_top", "mean_bottom", "mean_diff", "diff_low",
           "diff_high", "rank_biserial", "rb_low", "rb_high", "p"]
display.table(cards_result[columns + ["ties at the bottom value"]], {"p": "{:.1e}"}, precision=3)

# %% mystnb={"figure": {"caption": "Number of sections found per card (0 to 5) in the most popular (top) and least popular (bottom) `group_share` of the sampled cards, ranked by downloads and by likes; scores from the labels chosen by `card_score`.", "name": "fig-esem-c3-scores"}, "image": {"alt": "Grouped bar charts, by downloads and by likes: share of top and bottom cards with each number of sections, 0 to 5."}}
dist = pd.concat(distributions)
dist["share"] = dist["cards"] / dist.groupby(["popularity", "group"])["cards"].transform("sum")
alt.Chart(dist, title="Sections found per card, most against least popular").mark_bar().encode(
    x=alt.X("score:O", title="sections found (0-5)"),
    y=alt.Y("share:Q", title="share of the group", axis=alt.Axis(format="%")),
    xOffset=alt.XOffset("group:N", sort=["top", "bottom"]),
    color=alt.Color("group:N", sort=["top", "bottom"], title=None),
    column=alt.Column("popularity:N", title=None),
    tooltip=["popularity", "group", "score", "cards", alt.Tooltip("share:Q", format=".1%")],
).properties(width=250, height=220)

# %%
by_downloads = cards_result.set_index("popularity").loc["downloads"]
by_likes = cards_result.set_index("popularity").loc["likes"]
for key, row in (("dl", by_downloads), ("likes", by_likes)):
    for field in ("mean_top", "mean_bottom", "rank_biserial", "rb_low", "rb_high", "p"):
        glue(f"{key}_{field}", float(row[field]), display=False)
glue("likes_ties", int(by_likes["ties at the bottom value"]), display=False)
for key, row in (("dl", by_downloads), ("likes", by_likes)):
    glue(f"{key}_p_text", stats.format_p(row["p"]), display=False)
    size = stats.effect_word(row["rank_biserial"])
    glue(f"{key}_reading", "no clear difference" if not (row["rb_low"] > 0 or row["rb_high"] < 0) else
         (f"a difference in the paper's direction, but a {size} one" if size in ("negligible", "small") else
          f"a {size} difference in the paper's direction") if row["rb_low"] > 0 else
         f"a {size} difference against the paper's direction", display=False)

# %% [markdown]
# {numref}`fig-esem-c3-scores` compares the two groups. The {glue:text}`n_group:,d` most downloaded
# cards have on average
# {glue:text}`dl_mean_top:.2f` of the five sections, the least downloaded
# {glue:text}`dl_mean_bottom:.2f` (r = {glue:text}`dl_rank_biserial:.2f`, 95 % CI
# {glue:text}`dl_rb_low:.2f` to {glue:text}`dl_rb_high:.2f`, {glue:text}`dl_p_text`):
# {glue:text}`dl_reading`. By likes there is {glue:text}`likes_reading`
# (r = {glue:text}`likes_rank_biserial:.2f`, CI {glue:text}`likes_rb_low:.2f` to
# {glue:text}`likes_rb_high:.2f`); most sampled models have no likes at all, so the "least liked"
# group is drawn from {glue:text}`likes_ties:,d` tied models and says little.

# %% [markdown]
# How much does this depend on the choices of the run? The same comparison for both sources of
# section labels and three group sizes (without bootstrap intervals):

# %%
grid = []
for source, table in (("detector", detected), ("hn5318", labels)):
    scored = cards.assign(score=table["score"].values)
    for share in (0.1, 0.25, 0.5):
        n = max(1, int(round(share * len(scored))))
        for popularity in ("downloads", "likes"):
            g = doc.top_bottom(scored, popularity, n)
            result = doc.compare_groups(g.loc[g["group"] == "top", "score"], g.loc[g["group"] == "bottom", "score"],
                                        n_boot=0)
            grid.append({"labels": source, "group share": f"{share:.0%}", "popularity": popularity,
                         "rank_biserial": result["rank_biserial"], "p": result["p"]})
grid = pd.DataFrame(grid)
glue("grid_min_rb_downloads", float(grid.loc[grid["popularity"] == "downloads", "rank_biserial"].min()), display=False)
glue("grid_max_rb_downloads", float(grid.loc[grid["popularity"] == "downloads", "rank_biserial"].max()), display=False)
display.table(
    grid.pivot_table(index=["labels", "group share"], columns="popularity", values=["rank_biserial", "p"]),
    {("rank_biserial", "downloads"): "{:.2f}", ("rank_biserial", "likes"): "{:.2f}", ("p", "downloads"): "{:.1e}",
     ("p", "likes"): "{:.1e}"}, index=True)

# %% [markdown]
# By downloads the effect is positive under every choice (r from
# {glue:text}`grid_min_rb_downloads:.2f` to {glue:text}`grid_max_rb_downloads:.2f`) and strongest
# for the most extreme groups; by likes it depends on the choices, because the bottom of the
# likes ranking is one large tie.

# %% [markdown]
# ### Metadata in the mid-2022 listing
#
# The ICSE listing has no card text, but it shows whether a repository has a README and whether
# its card carries a metadata block, a licence and dataset tags. Their sum (0–4) stands in for the
# paper's metadata score.

# %%
info = listing[listing["has_info"]].copy()
info["has_license"] = info["license"].notna()
info["has_datasets"] = info["datasets"].map(len) > 0
elements = ["has_readme", "has_card_data", "has_license", "has_datasets"]
info["metadata_score"] = info[elements].astype(int).sum(axis=1)
reusers = mapping.groupby("hf_model")["gh_repo"].nunique()
info["downstream_repos"] = info["model_id"].map(reusers).fillna(0).astype(int)
n_listing_group = max(1, int(round(group_share * len(info))))
groups = doc.top_bottom(info, "downloads", n_listing_group)
top, bottom = groups[groups["group"] == "top"], groups[groups["group"] == "bottom"]
listing_rows = [{"data": "mid-2022 listing", "popularity": "downloads", "score": "metadata (0-4)",
                 **doc.compare_groups(top["metadata_score"], bottom["metadata_score"], n_boot=n_boot)}]
reused, not_reused = info[info["downstream_repos"] > 0], info[info["downstream_repos"] == 0]
listing_rows.append({"data": "mid-2022 listing", "popularity": "reused by GitHub repositories (yes vs no)",
                     "score": "metadata (0-4)",
                     **doc.compare_groups(reused["metadata_score"], not_reused["metadata_score"], n_boot=n_boot)})
listing_result = pd.DataFrame(listing_rows)
shares = pd.DataFrame({"most downloaded": top[elements].mean(), "least downloaded": bottom[elements].mean(),
                       "reused on GitHub": reused[elements].mean(), "not reused": not_reused[elements].mean()})
glue("n_info", len(info), display=False)
glue("n_listing_group", n_listing_group, display=False)
glue("n_reused", len(reused), display=False)
glue("listing_rb", float(listing_result.loc[0, "rank_biserial"]), display=False)
glue("reuse_rb", float(listing_result.loc[1, "rank_biserial"]), display=False)
glue("listing_more", "more" if listing_result.loc[0, "rank_biserial"] > 0 else "less", display=False)
glue("reuse_more", "more" if listing_result.loc[1, "rank_biserial"] > 0 else "less", display=False)
both_clear = all(doc.top_better(listing_result.loc[i]) for i in (0, 1))
glue("listing_reading", "On this larger population the association the paper reports is clear." if both_clear else
     "Even on this larger population the association the paper reports is not clear in both comparisons.",
     display=False)
display.table(listing_result[columns], {"p": "{:.1e}"}, precision=3)

# %%
display.table(shares, "{:.1%}", index=True)

# %% [markdown]
# Among the {glue:text}`n_info:,d` listed models with information, the
# {glue:text}`n_listing_group:,d` most downloaded carry {glue:text}`listing_more` metadata than
# the least downloaded (r = {glue:text}`listing_rb:.2f`), and the {glue:text}`n_reused:,d`
# models that GitHub projects later reused carry {glue:text}`reuse_more` than the rest
# (r = {glue:text}`reuse_rb:.2f`). {glue:text}`listing_reading`

# %% [markdown]
# ## Comparison with the paper
#
# The paper's scores are not public, so its Figure 8 cannot be redrawn; the ledger records
# whether the same hypothesis holds on the public data (1 = a difference in the paper's direction
# at p < 0.01).

# %%
claims.record("esem2024.s5_5_2.downloads_top_better", doc.top_better(by_downloads),
              note=f"public substitute: sections in {len(cards)} sampled cards ({card_score}), top vs bottom "
                   f"{n_group} by downloads; mid-2022 metadata: r = {listing_result.loc[0, 'rank_biserial']:.2f}")
claims.record("esem2024.s5_5_2.likes_top_better", doc.top_better(by_likes),
              note=f"public substitute: sections in {len(cards)} sampled cards, top vs bottom {n_group} by likes "
                   "(most sampled models have no likes)")
claims.record("esem2024.fig8.downstream_top_better", doc.top_better(listing_result.loc[1]),
              note="public substitute: metadata of mid-2022 listed models reused by GitHub projects in PeaTMOSS "
                   "against models not reused")
claims.record_unavailable("esem2024.s5_5_1.peatmoss_scored_models",
                          "the PeaTMOSS model table is not public; shown: listed models with information, mid-2022",
                          value=len(info))
claims.comparison("esem_c3_documentation")

# %% [markdown]
# Of the {glue:text}`n_claims` statements, {glue:text}`n_reproduced` are reproduced on the public
# substitutes, {glue:text}`n_differs` with a different answer and {glue:text}`n_unavailable` cannot be
# computed from public data.

# %% [markdown]
# ## Caveats
#
# - Different cards and a different scorer: the public sample mixes all kinds of models and is
#   dominated by rarely downloaded ones, while the paper compared the extremes of the most
#   popular PeaTMOSS models. The detector reads headings; a language model may credit content without headings.
# - The reference labels are not a gold standard: one of their columns duplicates another, and
#   their description rule is unknown.
# - Correlation, not cause: as the paper says, popular models may attract documentation rather
#   than the reverse. The listing's reuse links are from 2023, a year after the listing.
# - Ties: many models share the lowest download or like count, so which of them form the bottom
#   group depends on the order of the data (the table reports the size of the tie).

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run esem_c3_documentation -p card_score hn5318
# .venv/bin/hfcompendium run esem_c3_documentation -p group_share 0.1
# ```

# %% [markdown]
# ## Exercises
#
# 1. Rerun with `card_score hn5318`. Does the comparison by downloads change when the reference
#    labels replace the detector?
# 2. With `group_share 0.1` the groups are the most extreme tenth. Is the download effect larger?
# 3. Try the detector on a card of your own: which sections does it find in
#    `"# Model description\nA small model.\n## Limitations\nIt is biased towards English text."`?
#
# :::{admonition} Solution
# :class: dropdown
#
# 1. The labels credit more sections (their score also counts the duplicated training column
#    twice); the direction of the difference stays, read its size and p-value in the table.
# 2. Compare the rank-biserial r and its interval with the default run; narrower groups are more
#    extreme but smaller, so the interval widens.
# 3. The description heading is followed by too few words, so only the prose fallback could
#    count it, and that needs a longer line; limitations is found:
#
#    ```python
#    doc.detect_sections("# Model description\nA small model.\n## Limitations\nIt is biased towards English text.")
#    ```
# :::
