# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "How concentrated downloads are"
#     paper: icse2023
#     parameters:
#       top_n: {type: int, default: 100, min: 10, max: 6701, help: "compare the N most downloaded packages of each registry (the npm list is short)"}
#       top_k: {type: int, default: 10, min: 1, max: 1000, help: "k of the top-k share"}
# ---

# %% [markdown]
# # How concentrated downloads are
#
# {cite:t}`icse2023` motivated their study of pre-trained model reuse by comparing
# Hugging Face with PyPI and npm: how many packages there are and how downloads spread over them.
# Their summary states that reusers mostly pick models by name, download count or informal
# search. If that is so, downloads should pile up on a few models. This chapter measures how
# concentrated the download counts of the ICSE 2022 lists are, and how large the registry was.

# %% tags=["parameters"]
top_n = 100
top_k = 10

# %%
import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts, claims, data, display
from hfcompendium.analysis import concentration

charts.setup()

# %% [markdown]
# ## The question
#
# Do a few packages take most of the downloads, and is that more pronounced on Hugging Face than
# on PyPI and npm? How many models did the Hub hold when the ICSE study mined it?

# %% [markdown]
# ## The data
#
# - The ICSE artifact's top-20 lists of the three registries (Hugging Face and PyPI per month,
#   npm per week), and the download counts behind its download-distribution figure: one value per
#   package, without names, for the most downloaded Hugging Face models and PyPI packages and a
#   short list of npm packages.
# - For the size of the Hub: the HFTorrent name list of August 2022 (the ICSE population), the
#   mid-2022 listing, the oldest ESEM snapshot, and the PeaTMOSS crawl's field table (2023).

# %%
top20 = pd.concat([data.load(s) for s in ("icse2023_top20_hf_models", "icse2023_top20_pypi", "icse2023_top20_npm")],
                  ignore_index=True)
values = data.load("icse2023_transformed_packages")
names = data.load_many("icse2023_hftorrent_names_")
data.provenance(["icse2023_top20_hf_models", "icse2023_top20_pypi", "icse2023_top20_npm",
                 "icse2023_transformed_packages", "icse2023_hftorrent_names_xaa", "icse2023_sdist_0_1_3",
                 "esem2024_peatmoss_ancient_db", "peatmoss_hf_none_freq"])

# %% [markdown]
# (The HFTorrent list is split into parts, `icse2023_hftorrent_names_xaa` to `_xcl`; only the
# first is listed above.)
#
# ## The method
#
# The download lists are truncated: each holds only packages above some download count, and the
# npm list is short. Concentration is therefore compared within the `top_n` most downloaded
# packages of each registry, where all three lists are complete: the share of the downloads that
# the `top_k` largest take, the Gini coefficient (0 when all packages are downloaded equally,
# near 1 when one takes everything) and the Lorenz curve (the share of downloads held by the
# least downloaded x % of packages). `analysis.concentration` computes all three.

# %% [markdown]
# ## The results
#
# ### The top-20 lists

# %%
top20["rank"] = top20.groupby("registry")["downloads"].rank(ascending=False, method="first").astype(int)
unsorted = top20.groupby("registry").apply(lambda g: int((g["position"] != g["rank"]).sum()), include_groups=False)
glue("npm_unsorted", int(unsorted.get("npm", 0)), display=False)

# %% mystnb={"figure": {"caption": "Downloads of the packages in the ICSE artifact's top-20 lists of Hugging Face, PyPI and npm (log scale; per month, for npm per week), each list sorted by count.", "name": "fig-icse-popularity-top20"}, "image": {"alt": "Horizontal bar charts, one panel per registry, of the downloads of its top 20 packages on a log scale."}}
alt.Chart(top20, title="The top-20 lists of the ICSE artifact").mark_bar().encode(
    x=alt.X("downloads:Q", scale=alt.Scale(type="log"), title="downloads (per month; npm per week)"),
    y=alt.Y("name:N", sort=alt.EncodingSortField("downloads", order="descending"), title=None),
    color=alt.Color("registry:N", legend=None),
    row=alt.Row("registry:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
    tooltip=["registry", "name", alt.Tooltip("downloads:Q", format=",")],
).resolve_scale(y="independent").properties(width=420, height=260)

# %% [markdown]
# The npm list is not in download order: {glue:text}`npm_unsorted:d` of its rows sit at another
# place than their count would give them ({numref}`fig-icse-popularity-top20` sorts by count).

# %% [markdown]
# ### Concentration within the most downloaded packages

# %%
rows, curves = [], []
for registry, group in values.groupby("registry"):
    top = group["downloads"].sort_values(ascending=False).head(top_n)
    rows.append({"registry": registry, "packages in the list": len(group), "compared": len(top),
                 f"top-{top_k} share": concentration.top_k_share(top, top_k),
                 "gini": concentration.gini(top)})
    curves.append(concentration.lorenz_curve(top, points=200).assign(registry=registry))
summary = pd.DataFrame(rows).set_index("registry")
for registry in summary.index:
    glue(f"gini_{registry}", float(summary.loc[registry, "gini"]), display=False)
    glue(f"share_{registry}", float(summary.loc[registry, f"top-{top_k} share"]), display=False)
glue("top_n", int(top_n), display=False)
glue("top_k", int(top_k), display=False)
others = summary.drop(index="huggingface")
hub_first = bool((summary.loc["huggingface", f"top-{top_k} share"] > others[f"top-{top_k} share"]).all()
                 and (summary.loc["huggingface", "gini"] > others["gini"]).all())
glue("hub_reading", "Downloads on the Hub pile up on a handful of models more than on the traditional registries, "
     "which fits reusers picking what is already popular (though it does not prove that they pick by popularity)."
     if hub_first else "By these measures downloads on the Hub are not more concentrated than on both traditional "
     "registries.", display=False)
display.table(summary, {f"top-{top_k} share": "{:.1%}", "gini": "{:.3f}"}, index=True)

# %% mystnb={"figure": {"caption": "Lorenz curves of the download counts of the `top_n` most downloaded packages of each registry, from the values behind the ICSE artifact's download-distribution figure; on the dashed diagonal every package would be downloaded equally.", "name": "fig-icse-popularity-lorenz"}, "image": {"alt": "Lorenz curves of download counts, one per registry, against the diagonal of equal downloads."}}
lorenz = pd.concat(curves)
diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(color="grey", strokeDash=[4, 4]).encode(x="x", y="y")
(alt.Chart(lorenz, title=f"Lorenz curves of the {top_n} most downloaded packages").mark_line().encode(
    x=alt.X("population_share:Q", title="share of packages (least downloaded first)", axis=alt.Axis(format="%")),
    y=alt.Y("value_share:Q", title="share of downloads", axis=alt.Axis(format="%")),
    color=alt.Color("registry:N", title=None),
) + diagonal).properties(height=300)

# %% [markdown]
# Among the {glue:text}`top_n:,d` most downloaded packages of each list
# ({numref}`fig-icse-popularity-lorenz`), the
# {glue:text}`top_k:d` largest take {glue:text}`share_huggingface:.0%` of the downloads on
# Hugging Face, against {glue:text}`share_pypi:.0%` on PyPI and {glue:text}`share_npm:.0%` on
# npm; the Gini coefficients are {glue:text}`gini_huggingface:.2f`,
# {glue:text}`gini_pypi:.2f` and {glue:text}`gini_npm:.2f`. {glue:text}`hub_reading`

# %% [markdown]
# ### How many models the Hub held

# %%
listing = data.load("icse2023_sdist_0_1_3")
ancient = data.load("esem2024_peatmoss_ancient_db")
none_freq = data.load("peatmoss_hf_none_freq")
counted = none_freq[(none_freq["table"] == 1) & (none_freq["freq"] > 0)]
peatmoss_models = int((counted["amount"] / counted["freq"]).round().median())
size = pd.DataFrame([
    {"list": "ESEM ancient snapshot", "date": data.source("esem2024_peatmoss_ancient_db").snapshot_date,
     "models": len(ancient)},
    {"list": "ICSE listing (hf.yaml)", "date": data.source("icse2023_sdist_0_1_3").snapshot_date, "models": len(listing)},
    {"list": "HFTorrent names (ICSE population)", "date": data.source("icse2023_hftorrent_names_xaa").snapshot_date,
     "models": int(names["model_id"].nunique())},
    {"list": "PeaTMOSS crawl (field table)", "date": data.source("peatmoss_hf_none_freq").snapshot_date,
     "models": peatmoss_models},
])
glue("hftorrent_ids", int(names["model_id"].nunique()), display=False)
glue("hftorrent_rows", len(names), display=False)
glue("peatmoss_models", peatmoss_models, display=False)
display.table(size, {"models": "{:,}"})

# %% [markdown]
# The HFTorrent list has {glue:text}`hftorrent_ids:,d` distinct model ids
# ({glue:text}`hftorrent_rows:,d` lines); the PeaTMOSS crawl a year later counted
# {glue:text}`peatmoss_models:,d` model records.

# %% [markdown]
# ## Comparison with the paper

# %%
packages = claims.record("icse2023.mining.hf_packages", int(names["model_id"].nunique()),
                         note="distinct ids in the HFTorrent name list of 2022-08-15; the paper's count may exclude "
                              "repositories it could not download")
difference = packages.computed - packages.claim.reported
glue("packages_reading", "The name list holds exactly as many models as the paper counts." if difference == 0 else
     f"The name list holds {abs(difference):,} {'more' if difference > 0 else 'fewer'} models than the paper counts "
     f"({packages.computed:,} against {packages.claim.reported:,}), a difference the artifact does not explain.",
     display=False)
latest = size.sort_values("date").iloc[-1]
at_study = int(names["model_id"].nunique())
claims.record("icse2023.summary.hundreds_of_thousands", "yes" if latest["models"] >= 100_000 else "no",
              note=f"latest public count: {latest['models']:,} models ({latest['list']}, {latest['date']}); "
                   f"at the time of the study the Hub had {at_study:,}")
glue("thousands_reading",
     f"\"Hundreds of thousands\" is true of the Hub by {str(latest['date']).split(' ')[0]} ({latest['models']:,} models), "
     f"not at the time of the study's mining ({at_study:,})." if latest["models"] >= 100_000 > at_study else
     f"\"Hundreds of thousands\" is {'' if at_study >= 100_000 else 'not '}true at the time of the study's mining "
     f"({at_study:,} models).", display=False)
claims.comparison("icse_popularity")

# %% [markdown]
# {glue:text}`packages_reading` {glue:text}`thousands_reading`

# %% [markdown]
# ## Caveats
#
# - The download lists are samples of the most downloaded packages, collected by the ICSE
#   authors at dates they do not state; they are compared only within their common top.
# - Download counts mean different things: per month on Hugging Face and PyPI, per week for the
#   npm top 20; Hub downloads count every file fetch, including automated ones.
# - Concentration of downloads fits selection by popularity but has other explanations: a few
#   models may simply be the best for common tasks, or be fetched by pipelines and tests.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run icse_popularity -p top_n 1000
# .venv/bin/hfcompendium run icse_popularity -p top_k 1
# ```

# %% [markdown]
# ## Exercises
#
# 1. Rerun with `top_n 1000`. npm has fewer values; how does the comparison between Hugging Face
#    and PyPI change?
# 2. What share of the downloads of the top 100 does the single most downloaded package take in
#    each registry (`top_k 1`)?
# 3. Check `concentration.gini` on hand-made data: what is the Gini coefficient of `[0, 0, 0, 1]`
#    and of `[5, 5, 5, 5]`?
#
# :::{admonition} Solution
# :class: dropdown
#
# 1. Over a longer top list both coefficients rise, and Hugging Face stays more concentrated than
#    PyPI; npm is then compared over its short list only, so leave it out of that comparison.
# 2. Read the top-1 share column of the rerun; the Hub's most downloaded model takes a larger
#    share than the top package of either traditional registry.
# 3. One item holding everything among four gives (n − 1)/n, equal values give 0:
#
#    ```python
#    concentration.gini([0, 0, 0, 1]), concentration.gini([5, 5, 5, 5])
#    ```
# :::
