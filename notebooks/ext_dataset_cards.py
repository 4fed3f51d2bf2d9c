# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "Dataset cards beside model cards"
#     paper: esem2024
#     parameters:
#       card: {type: str, default: has_nonempty_card, choices: [has_nonempty_card, has_card], help: "what counts as documented: a non-empty card, or any card file"}
#       window_start: {type: month, default: "2021-02", help: "first creation month shown"}
#       window_end: {type: month, default: "2023-02", not_before: window_start, help: "last creation month shown (the data end mid-March 2023)"}
# ---

# %% [markdown]
# # Dataset cards beside model cards
#
# Among the claims of the ESEM review {cite}`esem2024` is one taken from Yang et al.
# {cite}`yang2024datasetcards`: dataset documentation goes with dataset popularity. Taraghi et
# al. {cite}`saner2024` followed, month by month, the share of new *models* that come with a model
# card (their Figure 4). This chapter draws the same curve for *datasets* from Yang et al.'s
# public table, puts it beside the model-card curve, and checks the popularity claim on the same
# datasets.

# %% tags=["parameters"]
card = "has_nonempty_card"
window_start = "2021-02"
window_end = "2023-02"

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
# Has the share of new datasets with a card risen or fallen over time, how does it compare with
# models, and are documented datasets downloaded more?

# %% [markdown]
# ## The data
#
# Yang et al.'s table of Hub datasets (about March 2023): creation time, downloads, and whether
# the dataset has a card file and a non-empty card. The model-card curve is the SANER replication
# package's monthly count of new models with a card.

# %%
datasets = data.load("hf_dataset_info")
models = data.load("saner2024_card_data_stats_months_created")
data.provenance(["hf_dataset_info", "saner2024_card_data_stats_months_created"])

# %% [markdown]
# ## The method
#
# Datasets are grouped by creation month; the share of each month's datasets with a card (as
# the `card` parameter defines it) is set beside the SANER share of models with a card for the
# same months. For popularity, the downloads of datasets with and without a card are compared
# with a Mann–Whitney U test and the rank-biserial correlation (positive when documented datasets
# are downloaded more), and the share with a card is shown by download band.

# %% [markdown]
# ## The results

# %% mystnb={"figure": {"caption": "Share of new datasets with a card (Yang et al.'s table of Hub datasets; the `card` parameter decides what counts) and of new models with a model card (SANER replication package, as in its Figure 4), per creation month from `window_start` to `window_end`.", "name": "fig-ext-dataset-cards-monthly"}, "image": {"alt": "Line chart over creation months of the share with a card, one line for datasets and one for models."}}
datasets["month"] = datasets["created_at"].dt.strftime("%Y-%m")
monthly = datasets.groupby("month").agg(created=("dataset_name", "size"), with_card=(card, "sum"))
monthly["share"] = monthly["with_card"] / monthly["created"]
monthly = monthly.loc[window_start:window_end].reset_index()
both = pd.concat([
    monthly.assign(kind="datasets (Yang et al.)")[["month", "share", "created", "kind"]],
    models.rename(columns={"card_ratio": "share", "models": "created"})
    .loc[lambda m: m["month"].between(window_start, window_end)].assign(kind="models (SANER Figure 4)")
    [["month", "share", "created", "kind"]],
])
alt.Chart(both, title="Share of new repositories with a card, by creation month").mark_line(point=True).encode(
    x=alt.X("month:T", title="creation month"),
    y=alt.Y("share:Q", title="share with a card", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    color=alt.Color("kind:N", title=None),
    tooltip=["kind", "month", "created", alt.Tooltip("share:Q", format=".1%")],
).properties(height=300)

# %%
peak = monthly.loc[monthly["share"].idxmax()]
runner_up = float(monthly["share"].drop(monthly["share"].idxmax()).max()) if len(monthly) > 1 else float("nan")
before = monthly[monthly["month"] < peak["month"]]
after = monthly[monthly["month"] > peak["month"]]
share_before = float(before["with_card"].sum() / before["created"].sum()) if len(before) else float("nan")
share_after = float(after["with_card"].sum() / after["created"].sum()) if len(after) else float("nan")
model_window = models[models["month"].between(window_start, window_end)]
model_before = model_window[model_window["month"] < peak["month"]]
model_after = model_window[model_window["month"] > peak["month"]]
model_share_before = (float(model_before["with_card"].sum() / model_before["models"].sum()) if len(model_before)
                      else float("nan"))
model_share_after = (float(model_after["with_card"].sum() / model_after["models"].sum()) if len(model_after)
                     else float("nan"))
days = datasets["created_at"].dt.strftime("%Y-%m-%d").value_counts()
busiest_day, busiest_count = str(days.index[0]), int(days.iloc[0])
glue("n_datasets", len(datasets), display=False)
glue("share_all", float(datasets[card].mean()), display=False)
glue("share_before", share_before, display=False)
glue("share_after", share_after, display=False)
glue("peak_month", str(peak["month"]), display=False)
glue("peak_share", float(peak["share"]), display=False)
glue("peak_created", int(peak["created"]), display=False)
glue("peak_lead", "One month stands out" if peak["share"] - runner_up >= 0.1 else "The share peaks in one month",
     display=False)
glue("placeholder_reading", f"{busiest_count:,} of them carry the same creation date, {busiest_day}, the commonest "
     "date of the table: many older datasets seem to carry it, much as old models carry a common placeholder date."
     if busiest_day.startswith(str(peak["month"])) and busiest_count >= 0.5 * peak["created"] else "", display=False)
glue("before_after", "more often" if share_before > share_after else "less often" if share_before < share_after
     else "no more often", display=False)
glue("model_share_before", model_share_before, display=False)
glue("model_share_after", model_share_after, display=False)
glue("model_reading", f"{'higher' if model_share_after > share_after else 'lower'} than the datasets' after that month "
     f"and {'rises' if model_share_after > model_share_before else 'does not rise'}", display=False)
glue("data_date", data.source("hf_dataset_info").snapshot_date, display=False)
display.table(monthly, {"created": "{:,}", "with_card": "{:,}", "share": "{:.1%}"})

# %% [markdown]
# Of the {glue:text}`n_datasets:,d` datasets, {glue:text}`share_all:.0%` have a card under the
# chosen definition. {glue:text}`peak_lead` ({numref}`fig-ext-dataset-cards-monthly`):
# {glue:text}`peak_share:.0%` of the {glue:text}`peak_created:,d` datasets dated
# {glue:text}`peak_month` have a card. {glue:text}`placeholder_reading` Datasets dated before
# that month have a card {glue:text}`before_after` ({glue:text}`share_before:.0%`) than those
# dated after it ({glue:text}`share_after:.0%`), while the models' share is
# {glue:text}`model_reading` ({glue:text}`model_share_before:.0%` before,
# {glue:text}`model_share_after:.0%` after).

# %%
bands = pd.cut(datasets["downloads"], [-1, 0, 9, 99, 999, float("inf")],
               labels=["0", "1-9", "10-99", "100-999", "1,000 or more"])
by_band = datasets.groupby(bands, observed=True).agg(datasets=("dataset_name", "size"), share=(card, "mean"))
documented = datasets.loc[datasets[card], "downloads"]
undocumented = datasets.loc[~datasets[card], "downloads"]
test = doc.compare_groups(documented, undocumented, n_boot=500)
glue("rb_datasets", test["rank_biserial"], display=False)
glue("median_documented", float(documented.median()), display=False)
glue("median_undocumented", float(undocumented.median()), display=False)
display.table(by_band.reset_index().rename(columns={"downloads": "downloads (band)"}), {"share": "{:.1%}"})

# %% mystnb={"figure": {"caption": "Share of datasets with a card (as the `card` parameter defines it) per band of downloads, from Yang et al.'s table of Hub datasets.", "name": "fig-ext-dataset-cards-downloads"}, "image": {"alt": "Bar chart of the share of datasets with a card for each band of downloads, from 0 to 1,000 or more."}}
alt.Chart(by_band.reset_index().rename(columns={"downloads": "band"}),
          title="Share of datasets with a card, by downloads").mark_bar().encode(
    x=alt.X("band:N", title="downloads", sort=None),
    y=alt.Y("share:Q", title="share with a card", axis=alt.Axis(format="%")),
    tooltip=["band", "datasets", alt.Tooltip("share:Q", format=".1%")],
).properties(height=220)

# %% [markdown]
# Documented datasets are downloaded more ({numref}`fig-ext-dataset-cards-downloads`): the median
# is {glue:text}`median_documented:,.0f` downloads with a card against {glue:text}`median_undocumented:,.0f` without, and the
# rank-biserial correlation is {glue:text}`rb_datasets:.2f`.

# %% [markdown]
# ## Comparison with the paper

# %%
holds = test["rank_biserial"] > 0 and test["p"] < 0.01
claims.record("esem2024.table3.dataset_docs_popularity", "yes" if holds else "no",
              note=f"{card}: rank-biserial r = {test['rank_biserial']:.2f}, {stats.format_p(test['p'])}, "
                   f"{len(documented):,} documented against {len(undocumented):,} other datasets")
glue("claim_reading", "The review's claim holds on Yang et al.'s own data." if holds else
     "The review's claim does not hold on Yang et al.'s own data with this definition of a card.", display=False)
glue("contrast_reading", f"The curves add a contrast the papers do not make: after {peak['month']} the share of new "
     "models with a card grew while the share of new datasets with one fell."
     if model_share_after > model_share_before and share_after < share_before else "", display=False)
claims.comparison("ext_dataset_cards")

# %% [markdown]
# {glue:text}`claim_reading` {glue:text}`contrast_reading`

# %% [markdown]
# ## Caveats
#
# - Yang et al.'s table covers datasets up to about {glue:text}`data_date` and has a creation
#   time for every row; dates of datasets older than the Hub's git-based storage are likely
#   placeholders.
# - Downloads are a snapshot at collection time: recent datasets had less time to be downloaded
#   and also less time to be documented, so age confounds the popularity comparison.
# - The model curve counts any card field; the dataset curve follows the `card` parameter.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run ext_dataset_cards -p card has_card
# .venv/bin/hfcompendium run ext_dataset_cards -p window_start 2022-02
# ```

# %% [markdown]
# ## Exercises
#
# 1. Rerun with `card has_card`. How much of the gap between datasets and models is due to empty
#    card files?
# 2. Control roughly for age: repeat the popularity comparison only for datasets created in one
#    year, say 2022.
#
# :::{admonition} Solution
# :class: dropdown
#
# 1. Compare the two runs' overall shares: counting empty card files raises the dataset share a
#    lot, so many dataset cards exist but are empty.
# 2. ```python
#    year = datasets[datasets["month"].str.startswith("2022")]
#    doc.compare_groups(year.loc[year[card], "downloads"], year.loc[~year[card], "downloads"], n_boot=200)
#    ```
# :::
