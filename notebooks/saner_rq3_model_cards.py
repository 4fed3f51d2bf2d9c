# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "RQ3: how many new models come with a model card"
#     paper: saner2024
#     parameters:
#       window_start: {type: month, default: "2019-12", help: "first creation month counted"}
#       window_end: {type: month, default: "2023-05", not_before: window_start, help: "last creation month counted"}
#       tools_month: {type: month, default: "2022-01", help: "first month counted as after the documentation tools of 2022 (card creation tool, guide book, templates)"}
#       threshold: {type: float, default: 0.6, min: 0.0, max: 1.0, help: "share of models with a card the paper says is almost never passed"}
#       hub_snapshot: {type: snapshot, kind: hub, default: replication, help: "Hub data: the pinned replication data or a live hub snapshot (table cards_monthly)"}
# ---

# %% [markdown]
# # RQ3: how many new models come with a model card
#
# {cite:t}`saner2024` counted, for every creation month, how many new Hub models
# have a model card (their Figure 4). They conclude that about half of all models have one, and
# that the share did not rise after Hugging Face released tools to write cards in 2022, staying
# below a ceiling it almost never passes. This chapter recomputes the figure and tests both
# statements.

# %% tags=["parameters"]
window_start = "2019-12"
window_end = "2023-05"
tools_month = "2022-01"
threshold = 0.6
hub_snapshot = "replication"

# %%
import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts, claims, display
from hfcompendium.analysis import live, saner, stats

CHAPTER = "saner_rq3_model_cards"
charts.setup()

# %% [markdown]
# ## The question
#
# Has the share of new models that come with a model card grown since documentation tools
# appeared, and does it really stay below the paper's ceiling (the parameter `threshold`)?

# %% [markdown]
# ## The data
#
# The replication package's monthly counts of created models and of those with a non-empty card
# (or a live hub snapshot's table `cards_monthly` with the same columns).

# %%
cards_all = saner.card_table(hub_snapshot)
cards = saner.cards_in_window(cards_all, window_start, window_end)
live_data = live.declare(hub_snapshot)
live.provenance([saner.CARDS_SOURCE], {hub_snapshot: ["cards_monthly"]}, replaced={saner.CARDS_SOURCE: hub_snapshot})

# %% [markdown]
# ## The method
#
# - **Overall share**: models with a card over all models created in the window.
# - **Before and after the tools**: the monthly shares from `tools_month` on are compared with
#   those before it by a one-sided Mann–Whitney U test (are later months higher?), with the
#   rank-biserial correlation and the probability that a later month beats an earlier one
#   (common-language effect size). Monthly shares, not models, are the units, so the months
#   with few models count as much as the busy ones; pooled shares are shown beside.
# - **Trend**: Mann–Kendall test (Kendall's tau between share and time) over the whole window
#   and from `tools_month` on.
# - **Threshold**: the months whose share exceeds `threshold`.

# %% [markdown]
# ## The results

# %%
overall = saner.card_overall(cards)
whole = saner.card_overall(cards_all)
live.note(live.window_note(cards_all, window_start, window_end, snapshot=hub_snapshot, what="new models",
                           parameters=("window_start", "window_end"), value="models"))
for name, value in {"months": overall["months"], "models": overall["models"], "with_card": overall["with_card"],
                    "share": overall["share"], "first": cards["month"].min() if len(cards) else window_start,
                    "last": cards["month"].max() if len(cards) else window_end}.items():
    glue(name, value, display=False)
missing_reason = ("the package's monthly table covers only models created {first}..{last}; models created in other "
                  "months (including the partial June 2023) are not in it").format(first=cards_all["month"].min(),
                                                                                 last=cards_all["month"].max())
if live_data:
    span = f"{cards_all['month'].min()}..{cards_all['month'].max()}" if len(cards_all) else "no month"
    missing_reason = (f"the snapshot counts the models on the Hub when it was captured, by creation month ({span}); "
                      "models whose only creation date is the 2022-03-02 sentinel are not in it")
claims.record_unavailable("saner2024.sec4c3.models_mined", missing_reason + "; the value shown is the table's total",
                          value=whole["models"])
claims.record_unavailable("saner2024.sec4c3.models_with_card", missing_reason + "; the value shown is the table's total",
                          value=whole["with_card"])
claims.record_unavailable("saner2024.sec4c3.card_share", missing_reason + "; the value shown is the share over the table",
                          value=whole["share"])
may = cards_all.loc[cards_all["month"] == "2023-05", "models"]
claims.record("saner2024.sec4c3.models_may2023", int(may.iloc[0]) if len(may) else float("nan"))
before_feb = cards_all.loc[cards_all["month"] < "2023-02", "models"].sum()
claims.record_unavailable("saner2024.sec4a.models_feb2023",
                          "the number of models on the Hub in February 2023 is not in the data; the value shown counts the "
                          "models created before February 2023 that were still on the Hub when the table was made "
                          f"(from {cards_all['month'].min()} on)", value=int(before_feb))
display.table(cards, {"card_ratio": "{:.3f}"})

# %% [markdown]
# From {glue:text}`first` to {glue:text}`last`, {glue:text}`with_card:,` of
# {glue:text}`models:,` new models have a card, {glue:text}`share:.2f` %
# ({numref}`fig-saner-rq3-cards-monthly`).

# %% mystnb={"figure": {"caption": "New Hub models per creation month and those with a non-empty model card (solid lines, left axis), and the share with a card (dashed, right axis) with the `threshold` as a horizontal line and `tools_month` as a dotted vertical line, from the monthly card table of the replication package or the chosen snapshot, over this run's window.", "name": "fig-saner-rq3-cards-monthly"}, "image": {"alt": "Line chart over creation months: models created and models with a card on the left axis, the share with a card on the right axis, with a horizontal threshold line and a vertical line at the tools month."}}
base = alt.Chart(cards.assign(month=pd.to_datetime(cards["month"]))).encode(x=alt.X("month:T", title="creation month"))
counts = base.transform_fold(["models", "with_card"], as_=["series", "n"]).mark_line(point=True).encode(
    y=alt.Y("n:Q", title="models created (lines)"),
    color=alt.Color("series:N", title=None, scale=alt.Scale(domain=["models", "with_card"], range=["#4c78a8", "#54a24b"])),
    tooltip=["month:T", "series:N", "n:Q"],
)
share_axis = alt.Y("card_ratio:Q", title="share with a card (dashed)", scale=alt.Scale(domain=[0, 1]),
                   axis=alt.Axis(orient="right"))
ratio = base.mark_line(strokeDash=[5, 3], color="#e45756", point=alt.OverlayMarkDef(color="#e45756")).encode(
    y=share_axis, tooltip=["month:T", "models", "with_card", alt.Tooltip("card_ratio:Q", format=".3f")])
limit = alt.Chart(pd.DataFrame({"card_ratio": [threshold]})).mark_rule(color="#e45756", opacity=0.5).encode(y=share_axis)
tools = alt.Chart(pd.DataFrame({"x": [pd.Timestamp(tools_month)]})).mark_rule(color="grey", strokeDash=[2, 2]).encode(x="x:T")
alt.layer(counts, alt.layer(ratio, limit), tools).resolve_scale(y="independent").properties(
    title="New models per month and with a card (left); share with a card and the threshold (right)", width=620, height=320)

# %% [markdown]
# ### Did the share grow after the tools appeared?

# %%
compare = saner.card_before_after(cards, tools_month, alternative="greater")
trend_all = saner.card_trend(cards)
trend_after = saner.card_trend(cards[cards["month"] >= tools_month])
for name, value in {"mw_p": compare["p"], "mw_rbc": compare["rbc"], "mw_cles": compare["cles"],
                    "median_before": compare["median_before"], "median_after": compare["median_after"],
                    "pooled_before": compare["pooled_before"], "pooled_after": compare["pooled_after"],
                    "n_before": compare["months_before"], "n_after": compare["months_after"],
                    "tau_all": trend_all.r, "tau_all_p": trend_all.p, "tau_after": trend_after.r,
                    "tau_after_p": trend_after.p}.items():
    glue(name, value, display=False)
glue("tools_month", tools_month, display=False)
for name, value in {"mw_p_text": compare["p"], "tau_all_p_text": trend_all.p, "tau_after_p_text": trend_after.p}.items():
    glue(name, stats.format_p(value), display=False)
glue("min_models", int(cards["models"].min()) if len(cards) else 0, display=False)
glue("max_models", int(cards["models"].max()) if len(cards) else 0, display=False)
increased = (compare["p"] < 0.05) or (trend_after.r > 0 and trend_after.p < 0.05)
tested = not (pd.isna(compare["p"]) and pd.isna(trend_after.p))
live.note("" if compare["months_before"] and compare["months_after"] and len(cards) >= 3 else
          f"The window has {compare['months_before']} months before {tools_month} and {compare['months_after']} from "
          "it on: Mann-Whitney needs a month on each side and Mann-Kendall three months, so the values they cannot "
          "give show as nan.")
claims.record("saner2024.sec4c3.not_increased", ("increase" if increased else "no increase") if tested else "not tested",
              note=f"Mann-Whitney (months from {tools_month} higher?) p = {compare['p']:.2g}, rank-biserial r = "
                   f"{compare['rbc']:.2f}; Mann-Kendall tau from {tools_month} = {trend_after.r:.2f} (p = {trend_after.p:.2g})")
display.table(pd.DataFrame([
    {"test": f"Mann-Whitney U, months from {tools_month} > months before (one-sided)", "statistic": compare["U"],
     "p": compare["p"], "effect": f"rank-biserial {compare['rbc']:+.2f}, CLES {compare['cles']:.2f}"},
    {"test": "Mann-Kendall, whole window", "statistic": trend_all.r, "p": trend_all.p, "effect": f"tau {trend_all.r:+.2f}"},
    {"test": f"Mann-Kendall, from {tools_month}", "statistic": trend_after.r, "p": trend_after.p,
     "effect": f"tau {trend_after.r:+.2f}"},
]), {"statistic": "{:.3f}", "p": "{:.3f}"})

# %% [markdown]
# Before {glue:text}`tools_month` the median monthly share is {glue:text}`median_before:.3f`
# ({glue:text}`n_before` months, pooled {glue:text}`pooled_before:.3f`); from then on it is
# {glue:text}`median_after:.3f` ({glue:text}`n_after` months, pooled
# {glue:text}`pooled_after:.3f`). The one-sided Mann–Whitney test gives
# {glue:text}`mw_p_text` (rank-biserial correlation {glue:text}`mw_rbc:+.2f`; a later month beats
# an earlier one with probability {glue:text}`mw_cles:.2f`). The Mann–Kendall test finds tau =
# {glue:text}`tau_all:+.2f` over the whole window ({glue:text}`tau_all_p_text`) and
# {glue:text}`tau_after:+.2f` from {glue:text}`tools_month` on ({glue:text}`tau_after_p_text`).
# The data agree with the paper when the share neither jumps after the tools appeared nor trends
# upward since; the verdict in the comparison below applies that reading at the 5 % level.

# %% [markdown]
# ### How often is the threshold passed?

# %%
above = saner.months_above(cards, threshold)
above_after = above[above["month"] >= tools_month]
fraction = len(above) / len(cards) if len(cards) else float("nan")
glue("n_above", len(above), display=False)
glue("n_months", len(cards), display=False)
glue("n_above_after", len(above_after), display=False)
glue("fraction_above", 100 * fraction, display=False)
glue("threshold", threshold, display=False)
glue("threshold_verdict", "the data support the statement" if fraction <= 0.10 else "the data do not support the statement"
     if len(cards) else "there is no month to judge the statement on", display=False)
claims.record("saner2024.sec4c3.below_threshold",
              f"at most 10% of months above {threshold:g}" if fraction <= 0.10 else
              f"{len(above)} of {len(cards)} months above {threshold:g}",
              note=f"{len(above_after)} of them from {tools_month} on: " + ", ".join(above_after["month"]))
display.table(above, {"card_ratio": "{:.3f}"})

# %% [markdown]
# The share exceeds {glue:text}`threshold` in {glue:text}`n_above` of {glue:text}`n_months`
# months ({glue:text}`fraction_above:.0f` %), {glue:text}`n_above_after` of them from
# {glue:text}`tools_month` on. Reading "almost never" as at most one month in ten,
# {glue:text}`threshold_verdict` over the whole window. Since {glue:text}`tools_month` the share
# passes the threshold in {glue:text}`n_above_after` of {glue:text}`n_after` months, around a
# median of {glue:text}`median_after:.2f`.

# %% [markdown]
# ## Comparison with the paper

# %%
counts = claims.comparison_counts(CHAPTER)
glue("comparison_summary", live.summary(
    f"Of the {counts['n_claims']} statements of this chapter, this run reproduces {counts['n_reproduced']}, finds a "
    f"different value for {counts['n_differs']} and cannot compute {counts['n_unavailable']}: the monthly table leaves out "
    "part of the mined models and has no count of the models on the Hub at a given date, so the paper's totals and "
    "overall share can only be approached.", live_data), display=False)
claims.comparison(CHAPTER)

# %% [markdown]
# {glue:text}`comparison_summary`

# %% [markdown]
# ## Caveats
#
# - **What a card is.** The table counts models whose card field is not empty; a card can be a
#   one-line stub. The share of models with a *useful* card is lower.
# - **Survivors.** Models deleted before the mining date are missing from every month, which may
#   bias early months.
# - **Months as units.** The tests weigh a month of {glue:text}`min_models:,` models like a
#   month of {glue:text}`max_models:,`; the pooled shares show the weighted picture.
# - **When the tools arrived.** The paper dates them to 2022 without a month; `tools_month`
#   moves the split.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run saner_rq3_model_cards -p tools_month 2022-07
# .venv/bin/hfcompendium run saner_rq3_model_cards -p window_start 2021-01 -p threshold 0.55
# .venv/bin/hfcompendium run saner_rq3_model_cards -p hub_snapshot <name of a hub snapshot> -p window_end 2025-12
# ```

# %% [markdown]
# ## Exercises
#
# 1. Move `tools_month` to `2022-07`. Does the conclusion about an increase change?
#
# :::{admonition} Solution
# :class: dropdown
# Rerun the chapter with `-p tools_month 2022-07` and compare the Mann–Whitney p-value and the
# verdict of the claim `saner2024.sec4c3.not_increased`.
# :::
#
# 2. Weight each month by its number of models: what is the share with a card before and after
#    the tools?
#
# :::{admonition} Solution
# :class: dropdown
# These are the pooled shares returned by `saner.card_before_after` (`pooled_before`,
# `pooled_after`): models with a card over all models of the period.
# :::
#
# 3. From which month on does the number of new models per month exceed 10,000?
#
# :::{admonition} Solution
# :class: dropdown
# ```python
# cards.loc[cards["models"] > 10_000, "month"].min()
# ```
# :::
