# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "Do descendants keep their parent's library?"
#     paper: esem2024
#     parameters:
#       hub_snapshot: {type: snapshot, kind: hub, default: replication, help: "a Hub snapshot with base-model links and libraries (replication: the published data, which have none)"}
#       min_libraries: {type: int, default: 2, min: 1, max: 10, help: "libraries a base model must support to count (the paper: 2, the library and one other)"}
#       top_libraries: {type: int, default: 10, min: 1, max: 50, help: "libraries shown in the chart"}
#       library_source: {type: str, default: tags, choices: [tags, library_name], help: "what a model supports: its library field and library or framework tags (tags), or the library field only"}
#       relations: {type: str, default: "all", help: "base-model relations counted as direct descendants: all, or a comma-separated list (e.g. finetune,unspecified)"}
# ---

# %% [markdown]
# # Do descendants keep their parent's library?
#
# The review of {cite:t}`esem2024` lists the claim that the Transformers library makes
# it easier to derive new models (their C1). They measured it as a *preservation rate*: among base
# models that support Transformers and at least one other library, what share of their direct
# descendants still support Transformers, compared with the same rate for the other libraries
# (their equation 1 and Figure 5). They report Transformers first, followed by SafeTensors. The
# PeaTMOSS tables they used (base-model links and the libraries of every model) are not public.
# This chapter implements the metric, runs it on any Hub snapshot that has both tables, and says
# what public data can and cannot show.

# %% tags=["parameters"]
hub_snapshot = "replication"
min_libraries = 2
top_libraries = 10
library_source = "tags"
relations = "all"

# %%
import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts, claims, data, display
from hfcompendium.analysis import live, preservation

charts.setup()

# %% [markdown]
# ## The question
#
# When a model supports several libraries, which of them do its fine-tuned descendants keep?

# %% [markdown]
# ## The data
#
# The metric needs, for every model, the libraries it supports, and, for every descendant, its
# base model. The ESEM artifact publishes only the number of descendants per base model, without
# names or libraries, and PeaTMOSS publishes neither table in a form that can be fetched with a
# pinned hash. Live Hub snapshots taken with `.venv/bin/hfcompendium snapshot` record the
# base-model links (table `base_model_links`) and each model's library field and tags (table
# `models`); the parameter `hub_snapshot` selects one. For context, the PeaTMOSS crawl's field
# table counts how many models declare each library.

# %%
live_data = live.declare(hub_snapshot)
live.provenance(["esem2024_direct_descendants_per_download", "peatmoss_hf_none_freq"],
                {hub_snapshot: ["base_model_links", "models" if library_source == "tags" else "libraries"]})

# %%
links = libraries = None
if hub_snapshot != "replication":
    from hfcompendium import snapshots

    links = snapshots.load_table(hub_snapshot, "base_model_links")
    if relations != "all":
        wanted = [r.strip() for r in relations.split(",") if r.strip()]
        unknown = sorted(set(wanted) - set(links["relation"]))
        if unknown:
            raise ValueError(f"relations {unknown} do not occur in {hub_snapshot}; it has {sorted(set(links['relation']))}")
        links = links[links["relation"].isin(wanted)]
    if library_source == "tags":
        libraries = preservation.libraries_from_tags(snapshots.load_table(hub_snapshot, "models"))
    else:
        libraries = snapshots.load_table(hub_snapshot, "libraries")
available = links is not None and not links.empty and libraries is not None and not libraries.empty
status = (f"Snapshot {hub_snapshot} has {len(links):,} base-model links and {len(libraries):,} model-library pairs."
          if available else
          "No public data with both base-model links and libraries is available to this run "
          f"(hub_snapshot = {hub_snapshot}), so the preservation rates cannot be computed here.")
glue("status", status, display=False)

# %% [markdown]
# {glue:text}`status`

# %% [markdown]
# ## The method
#
# `preservation.preservation_rates` implements equation 1. For each library L it takes the base
# models that support L and at least `min_libraries` libraries in all, follows their direct
# descendants, and divides the number of descendants that support L by the number of
# descendants. A descendant with two qualifying base models counts under each; a descendant with
# no recorded library supports none. What a model supports is, by default
# (`library_source = tags`), its library field plus every tag naming a library or framework
# (`preservation.libraries_from_tags`), which comes closest to PeaTMOSS's list of libraries per
# model; the library field alone gives each model a single library, so that no base model could
# qualify with `min_libraries` 2. A made-up example (invented names, not data) shows the
# arithmetic with the paper's minimum of two libraries, whatever `min_libraries` is in this run:

# %%
toy_links = pd.DataFrame({"model_id": ["d1", "d2", "d3", "d4"], "base_model": ["b1", "b1", "b1", "b2"]})
toy_libraries = pd.DataFrame({"model_id": ["b1", "b1", "b2", "d1", "d2", "d2", "d4"],
                              "library_name": ["transformers", "safetensors", "timm", "transformers", "transformers",
                                               "safetensors", "timm"]})
display.table(preservation.preservation_rates(toy_links, toy_libraries, min_libraries=2), {"rate": "{:.1%}"})

# %% [markdown]
# Base model b1 supports Transformers and SafeTensors: its descendants d1 and d2 keep
# Transformers, only d2 keeps SafeTensors, and d3 (no recorded library) keeps neither. Base model
# b2 supports timm alone, so it does not count.

# %% [markdown]
# ## The results

# %%
none_freq = data.load("peatmoss_hf_none_freq")
declared = none_freq[none_freq["table"] == 3].rename(columns={"name": "library", "freq": "rate"})
glue("no_library_declared", float(declared.set_index("library").loc["None", "rate"]), display=False)
named = declared[declared["library"] != "None"].sort_values("rate", ascending=False, ignore_index=True)
glue("first_declared", str(named.loc[0, "library"]), display=False)
glue("first_declared_rate", float(named.loc[0, "rate"]), display=False)
glue("second_declared", str(named.loc[1, "library"]), display=False)
glue("second_declared_rate", float(named.loc[1, "rate"]), display=False)
rates = (preservation.preservation_rates(links, libraries, min_libraries=min_libraries) if available
         else pd.DataFrame(columns=preservation.COLUMNS))
if not rates.empty:
    chart_data, x_title = rates.head(top_libraries), "preservation rate"
else:
    chart_data = declared[declared["library"] != "None"].head(top_libraries)
    x_title = "share of all models declaring the library (PeaTMOSS crawl)"
glue("results_note", "The table gives the preservation rates of this snapshot." if not rates.empty else
     f"No base model of {hub_snapshot} supports {min_libraries} or more libraries and has a recorded descendant, so "
     "the rates stay empty." if available else "Without the two tables the rates stay empty.", display=False)
glue("chart_subject", f"the {top_libraries} most preserved libraries of this snapshot" if not rates.empty else
     "instead which libraries the models of the PeaTMOSS crawl declare", display=False)
display.table(rates, {"rate": "{:.1%}"})

# %% mystnb={"figure": {"caption": "When this run computes preservation rates (from a Hub snapshot with base-model links and libraries): the rate of the `top_libraries` most preserved libraries, the share of the direct descendants of qualifying base models that keep the library. Otherwise, as in the book's own build: the share of the models of the PeaTMOSS crawl that declare each library (its field table), for the `top_libraries` most declared.", "name": "fig-esem-c1-libraries"}, "image": {"alt": "Horizontal bar chart, one bar per library, longest first: the preservation rate, or without a snapshot the share of models declaring the library."}}
alt.Chart(chart_data, title="Preservation rate by library" if not rates.empty else "Libraries declared by Hub models, 2023"
          ).mark_bar().encode(
    x=alt.X("rate:Q", title=x_title, axis=alt.Axis(format="%")),
    y=alt.Y("library:N", sort="-x", title=None),
    tooltip=["library", alt.Tooltip("rate:Q", format=".1%")],
).properties(height=alt.Step(18))

# %% [markdown]
# {glue:text}`results_note` {numref}`fig-esem-c1-libraries` shows
# {glue:text}`chart_subject`. The public crawl shows the starting point of the claim: the library most models of the PeaTMOSS crawl declare is
# {glue:text}`first_declared` ({glue:text}`first_declared_rate:.0%` of them), the next
# {glue:text}`second_declared` ({glue:text}`second_declared_rate:.0%`), and
# {glue:text}`no_library_declared:.0%` declare none. Whether descendants *keep* a library is
# what the preservation rate adds.

# %% [markdown]
# ## Comparison with the paper

# %%
if available and not rates.empty:
    ranked = rates.sort_values("rate", ascending=False, ignore_index=True)
    transformers = rates.set_index("library")["rate"].get("transformers")
    if transformers is None:
        claims.record_unavailable("esem2024.s5_3_2.transformers_preservation",
                                  f"no qualifying base model supports transformers in {hub_snapshot}")
    else:
        claims.record("esem2024.s5_3_2.transformers_preservation", float(transformers),
                      note=f"snapshot {hub_snapshot}, min_libraries = {min_libraries}")
    claims.record("esem2024.fig5.most_preserved_library", str(ranked.loc[0, "library"]),
                  note=f"snapshot {hub_snapshot}")
    if len(ranked) > 1:
        claims.record("esem2024.fig5.second_library", str(ranked.loc[1, "library"]), note=f"snapshot {hub_snapshot}")
else:
    reason = ("not reproducible from public data: the PeaTMOSS base-model links and model libraries are not "
              "published, and " + (f"no base model of {hub_snapshot} qualifies (min_libraries = {min_libraries})"
                                   if available else "this run has no Hub snapshot with both tables"))
    for claim_id in ("esem2024.s5_3_2.transformers_preservation", "esem2024.fig5.most_preserved_library",
                     "esem2024.fig5.second_library"):
        claims.record_unavailable(claim_id, reason)
counts = claims.comparison_counts("esem_c1_library_preservation")
glue("comparison_summary", live.summary(
    f"Of the {counts['n_claims']} statements of this chapter, this run reproduces {counts['n_reproduced']}, finds "
    f"a different value for {counts['n_differs']} and cannot compute {counts['n_unavailable']}"
    + (": without base-model links and libraries the preservation rates do not exist." if counts["n_unavailable"]
       else "."), live_data), display=False)
claims.comparison("esem_c1_library_preservation")

# %% [markdown]
# {glue:text}`comparison_summary`

# %% [markdown]
# ## Caveats
#
# - Base-model links on the Hub come from model cards that name a base model; many fine-tuned
#   models do not, and links added later by the Hub or by third parties differ in coverage.
# - "Supports a library" is read from declared metadata (the library field and library tags);
#   a repository may contain weights for a library it does not declare.
# - SafeTensors is a file format more than a library; it spread by conversion bots and Hub
#   defaults, so its preservation measures tooling as much as developer choice.
# - The paper's denominator counts descendants of qualifying base models only; the rate says
#   nothing about base models that support a single library.

# %% [markdown]
# ## Rerun this chapter
#
# With a live snapshot (see `.venv/bin/hfcompendium snapshot`):
#
# ```bash
# .venv/bin/hfcompendium run esem_c1_library_preservation -p hub_snapshot <name>
# .venv/bin/hfcompendium run esem_c1_library_preservation -p hub_snapshot <name> -p min_libraries 1
# ```

# %% [markdown]
# ## Exercises
#
# 1. In the toy example, what happens to the rates with `min_libraries=1`?
# 2. Add a descendant `d5` of `b1` that supports only SafeTensors to the toy example. Which
#    library is now preserved more often?
# 3. With a live snapshot, compare `min_libraries 2` and `min_libraries 1`: does Transformers stay
#    first when single-library base models are included?
#
# :::{admonition} Solution
# :class: dropdown
#
# 1. b2 (a single library) now counts too, adding a row for `timm` in which its one descendant
#    keeps the library:
#
#    ```python
#    preservation.preservation_rates(toy_links, toy_libraries, min_libraries=1)
#    ```
#
# 2. Both libraries are then kept by half of b1's descendants:
#
#    ```python
#    links2 = pd.concat([toy_links, pd.DataFrame({"model_id": ["d5"], "base_model": ["b1"]})])
#    libraries2 = pd.concat([toy_libraries, pd.DataFrame({"model_id": ["d5"], "library_name": ["safetensors"]})])
#    preservation.preservation_rates(links2, libraries2)
#    ```
#
# 3. Run both and compare the first rows; single-library base models add many descendants of
#    the dominant library.
# :::
