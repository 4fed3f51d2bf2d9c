# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "How concentrated reuse by GitHub projects is"
#     paper: esem2024
#     parameters:
#       top_k: {type: int, default: 10, min: 1, max: 500, help: "k of the top-k share and models listed"}
#       owner_share: {type: float, default: 0.1, min: 0.01, max: 0.5, help: "share of owners (those with the most of the most downloaded models) whose combined share is reported"}
# ---

# %% [markdown]
# # How concentrated reuse by GitHub projects is
#
# PeaTMOSS {cite}`peatmoss2024` linked GitHub repositories to the Hub models they load. The ESEM
# review {cite}`esem2024` used these links as a third measure of popularity ("downstream
# dependents"), and its Table 3 repeats a claim by Castaño et al. that a small group of
# contributors owns the popular models. This chapter measures how concentrated downstream reuse
# is, across models and across owners, and checks the ownership claim on the mid-2022 listing.

# %% tags=["parameters"]
top_k = 10
owner_share = 0.1

# %%
import altair as alt
import pandas as pd
from myst_nb import glue
from scipy import stats

from hfcompendium import charts, claims, data, display
from hfcompendium.analysis import concentration

charts.setup()
CLAIM_OWNER_SHARE = 0.1   # the reading of "a small group" fixed in the claims registry
CLAIM_TOP = 1000

# %% [markdown]
# ## The question
#
# Do a few models take most of the reuse by GitHub projects? Do a few owners hold most of the
# popular models?

# %% [markdown]
# ## The data
#
# The PeaTMOSS links used by its licence analysis (one row per GitHub repository and model it
# reuses), the PeaTMOSS list of models above a download threshold (autumn 2023), and the mid-2022
# Hub listing of the ICSE artifact.

# %%
links = data.load("peatmoss_reuse_mapping")
peatmoss = data.load("peatmoss_2k_filtered_models")
listing = data.load("icse2023_sdist_0_1_3")
data.provenance(["peatmoss_reuse_mapping", "peatmoss_2k_filtered_models", "icse2023_sdist_0_1_3"])

# %% [markdown]
# ## The method
#
# Reuse of a model is the number of distinct GitHub repositories linked to it; reuse of an owner
# (the part of the model id before the slash) the number of distinct repositories linked to any
# of its models. Concentration is measured with the top-k share, the Gini coefficient and the
# Lorenz curve (`analysis.concentration`). Ownership of popular models is the share of the most
# downloaded models of the listing that belong to the `owner_share` of owners with the most of
# them. Model ids without a slash are the Hub's oldest models; they are grouped as one owner.

# %% [markdown]
# ## The results

# %%
per_model = links.groupby("hf_model")["gh_repo"].nunique().sort_values(ascending=False)
per_owner = links.assign(owner=links["hf_model"].map(concentration.model_owner)).groupby("owner")["gh_repo"].nunique()
per_owner = per_owner.sort_values(ascending=False)
summary = pd.DataFrame([
    {"unit": "models", "count": len(per_model), f"top-{top_k} share": concentration.top_k_share(per_model, top_k),
     "gini": concentration.gini(per_model)},
    {"unit": "owners", "count": len(per_owner), f"top-{top_k} share": concentration.top_k_share(per_owner, top_k),
     "gini": concentration.gini(per_owner)},
]).set_index("unit")
glue("n_links", len(links), display=False)
glue("n_repos", int(links["gh_repo"].nunique()), display=False)
glue("n_models", len(per_model), display=False)
glue("top_k", int(top_k), display=False)
glue("model_share", float(summary.loc["models", f"top-{top_k} share"]), display=False)
glue("model_gini", float(summary.loc["models", "gini"]), display=False)
glue("owner_share_top", float(summary.loc["owners", f"top-{top_k} share"]), display=False)
glue("top_models", display.prose_list(per_model.index[:3]), display=False)
display.table(summary, {"count": "{:,}", f"top-{top_k} share": "{:.1%}", "gini": "{:.2f}"}, index=True)

# %% mystnb={"figure": {"caption": "Lorenz curves of reuse by GitHub repositories: distinct repositories linked to each model and to each owner, from the PeaTMOSS links of its licence analysis; on the dashed diagonal every model or owner would be reused equally.", "name": "fig-ext-downstream-reuse-lorenz"}, "image": {"alt": "Two Lorenz curves, for models and for owners, bowed far below the diagonal of equal reuse."}}
curves = pd.concat([concentration.lorenz_curve(per_model, points=300).assign(unit="models"),
                    concentration.lorenz_curve(per_owner, points=300).assign(unit="owners")])
diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(color="grey", strokeDash=[4, 4]).encode(x="x", y="y")
(alt.Chart(curves, title="Lorenz curves of reuse by GitHub repositories").mark_line().encode(
    x=alt.X("population_share:Q", title="share of models or owners (least reused first)", axis=alt.Axis(format="%")),
    y=alt.Y("value_share:Q", title="share of repository links", axis=alt.Axis(format="%")),
    color=alt.Color("unit:N", title=None),
) + diagonal).properties(height=300)

# %%
display.table(per_model.head(top_k).rename("GitHub repositories").rename_axis("model").reset_index(),
              {"GitHub repositories": "{:,}"})

# %% [markdown]
# The links join {glue:text}`n_repos:,d` repositories to {glue:text}`n_models:,d` models
# ({glue:text}`n_links:,d` links; {numref}`fig-ext-downstream-reuse-lorenz`). The
# {glue:text}`top_k:d` most reused models take
# {glue:text}`model_share:.0%` of the repositories' links to models (Gini
# {glue:text}`model_gini:.2f`); the {glue:text}`top_k:d` most reused owners
# {glue:text}`owner_share_top:.0%`. The three most reused models are {glue:text}`top_models`.

# %%
joined = peatmoss.assign(repos=peatmoss["model_id"].map(per_model).fillna(0).astype(int))
rho = stats.spearmanr(joined["downloads"], joined["repos"])
glue("rho_downloads_repos", float(rho.statistic), display=False)
glue("n_peatmoss_reused", int((joined["repos"] > 0).sum()), display=False)
glue("n_peatmoss", len(joined), display=False)
strength = abs(rho.statistic)
glue("rho_reading", "go together only weakly" if strength < 0.3 else "go together moderately" if strength < 0.5
     else "go together strongly", display=False)
glue("rho_conclusion", ": downloads and downstream projects measure different kinds of popularity" if strength < 0.5
     else "", display=False)
display.table(pd.DataFrame({"statistic": ["Spearman rho: downloads against GitHub repositories"],
                            "value": [rho.statistic], "p": [rho.pvalue], "models": [len(joined)]}),
              {"value": "{:.3f}", "p": "{:.1e}", "models": "{:,}"})

# %% [markdown]
# Among the {glue:text}`n_peatmoss:,d` PeaTMOSS models above the download threshold,
# {glue:text}`n_peatmoss_reused:,d` are linked from GitHub, and downloads and reuse
# {glue:text}`rho_reading` (Spearman {glue:text}`rho_downloads_repos:.2f`){glue:text}`rho_conclusion`.

# %% [markdown]
# ### Who owns the popular models

# %%
top = listing[listing["has_info"]].nsmallest(CLAIM_TOP, "position")
owned = top["model_id"].map(concentration.model_owner).value_counts()
glue("n_owners", len(owned), display=False)
glue("owner_fraction", float(owner_share), display=False)
glue("owner_top_share", concentration.top_fraction_share(owned, owner_share), display=False)
display.table(owned.head(top_k).rename(f"models among the {CLAIM_TOP:,} most downloaded").rename_axis("owner")
              .reset_index())

# %% [markdown]
# The most downloaded models of mid-2022 belong to {glue:text}`n_owners:,d` owners; the
# {glue:text}`owner_fraction:.0%` of owners with the most of them hold
# {glue:text}`owner_top_share:.0%` of the list.

# %% [markdown]
# ## Comparison with the paper

# %%
claim_share = concentration.top_fraction_share(owned, CLAIM_OWNER_SHARE)
claims.record("esem2024.table3.few_own_popular", "yes" if claim_share >= 0.5 else "no",
              note=f"{claim_share:.1%} of the {CLAIM_TOP:,} most downloaded models (mid-2022) "
                   f"belong to the top {CLAIM_OWNER_SHARE:.0%} of their {len(owned):,} owners; legacy ids "
                   "without an owner counted as one owner")
glue("ownership_reading", "holds" if claim_share >= 0.5 else "does not hold", display=False)
claims.comparison("ext_downstream_reuse")

# %% [markdown]
# The ownership claim {glue:text}`ownership_reading` on the mid-2022 listing. The sizes of the PeaTMOSS link tables that
# the review reports are compared in {doc}`esem_claims_review`; these links are a subset.

# %% [markdown]
# ## Caveats
#
# - The links are those of the PeaTMOSS licence analysis, a subset of all its links; repositories
#   that load models in ways the PeaTMOSS scanner does not recognise are missing.
# - Legacy ids without an owner (such as the original BERT and GPT-2 checkpoints) are grouped as
#   one owner; they were published by Hugging Face and by research groups alike.
# - The links (2023) and the listing (2022) are a year apart.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run ext_downstream_reuse -p top_k 50
# .venv/bin/hfcompendium run ext_downstream_reuse -p owner_share 0.01
# ```

# %% [markdown]
# ## Exercises
#
# 1. How much of the reuse goes to spaCy's English pipelines? Filter `per_model` by the prefix
#    `spacy/`.
# 2. Rerun with `owner_share 0.01`. What share of the popular models do the very largest owners
#    hold?
#
# :::{admonition} Solution
# :class: dropdown
#
# 1. ```python
#    per_model[per_model.index.str.startswith("spacy/")].sum() / per_model.sum()
#    ```
#
#    (a share of the links, as the Lorenz curves use).
# 2. Read the sentence under the ownership table of the rerun: the very largest owners hold far
#    more of the list than their number would suggest.
# :::
