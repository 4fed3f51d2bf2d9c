# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "The claims of the review"
#     paper: esem2024
#     parameters:
#       theme: {type: str, default: "all", choices: ["all", "Trends in Design", "Selection Considerations", "Repository and Maintenance Lifecycle", "Documentation and Understanding", "Downstream Usage"], help: "show the claims of one theme only (the counts always use all claims)"}
# ---

# %% [markdown]
# # The claims of the review
#
# {cite:t}`esem2024` searched the literature on pre-trained model reuse on Hugging
# Face, extracted the claims the studies make, and consolidated them (their Table 3). They
# marked a few of them as lacking large-scale quantitative support and went on to measure those.
# This chapter writes the consolidated claims down as data, counts what can be counted, and
# points to the chapters where each of the marked claims is measured again.

# %% tags=["parameters"]
theme = "all"

# %%
import altair as alt
import pandas as pd
import yaml
from myst_nb import glue

from hfcompendium import charts, claims, data, paths

charts.setup()

# %% [markdown]
# ## The question
#
# What does the review claim, on what evidence, and do its own counts agree with one another?
# Which of the claims lacked numbers, and where does this book put numbers to them?

# %% [markdown]
# ## The data
#
# The claims come from the paper itself: `data/esem2024_review_claims.yml` paraphrases each row
# of Table 3 in our words, with its theme, the kinds of evidence the paper names, the paper's
# reference numbers and its mark for the claims without quantitative support. The review's own
# search results (the lists of papers and extracted claims) are not in the paper's public
# repository, so the counts of the search steps cannot be recomputed. For the sizes of the data
# sets the validation names, a few public files help: the oldest Hugging Face snapshot of the
# ESEM artifact, a table of field missingness over the PeaTMOSS crawl, and the PeaTMOSS links
# from GitHub repositories to models.

# %%
with open(paths.DATA_DIR / "esem2024_review_claims.yml", encoding="utf-8") as handle:
    review = yaml.safe_load(handle)
data.provenance(["esem2024_peatmoss_ancient_db", "peatmoss_hf_none_freq", "peatmoss_reuse_mapping"])

# %% [markdown]
# ## The method
#
# Counting is done on the transcribed table: claims, claims per theme, the marked claims per
# theme, and the distinct kinds of evidence. These counts are then set against the numbers the
# paper prints in its abstract and in §4.2. For the data sets of §5.2 we count rows in the public
# files that correspond to them, and say where the correspondence is only partial.

# %%
table = pd.DataFrame(review["claims"])
table["claim no."] = range(1, len(table) + 1)
table["basis"] = table["basis"].map(", ".join)
table["works"] = table["works"].map(lambda ws: ", ".join(f"[{w}]" for w in ws))
table["paper id"] = table["paper_id"].map(lambda v: "" if pd.isna(v) else f"† ({int(v)})")
table["measured in"] = table["chapters"].map(lambda cs: ", ".join(cs) if isinstance(cs, list) else "")
shown = table if theme == "all" else table[table["theme"] == theme]
shown[["claim no.", "theme", "claim", "basis", "works", "paper id", "measured in"]].set_index("claim no.")

# %% [markdown]
# ## The results
#
# The table above lists the claims (filtered by the `theme` parameter); the counts below always
# use all of them.

# %%
n_claims = len(table)
unquantified = table[table["unquantified"]]
per_theme = (table.groupby(["theme", "unquantified"]).size().unstack(fill_value=0)
             .reindex(columns=[False, True], fill_value=0)
             .rename(columns={False: "with quantitative support", True: "unquantified (†)"})
             .rename_axis(columns=None))
basis_kinds = sorted({b for bases in review["claims"] for b in bases["basis"]})
cited_works = sorted({w for c in review["claims"] for w in c["works"]})
glue("n_claims", n_claims, display=False)
glue("n_unquantified", len(unquantified), display=False)
glue("n_basis_kinds", len(basis_kinds), display=False)
glue("n_cited_works", len(cited_works), display=False)
glue("n_themes", int(table["theme"].nunique()), display=False)
per_theme

# %% mystnb={"figure": {"caption": "Claims of the review's Table 3 per theme, split by whether the paper marks them (†) as lacking quantitative support; counted from this book's transcription of the table.", "name": "fig-esem-claims-review-themes"}, "image": {"alt": "Stacked bar chart of the number of claims per theme, split into claims with and without quantitative support."}}
long = per_theme.reset_index().melt(id_vars="theme", var_name="status", value_name="claims")
alt.Chart(long, title="Claims of the review per theme").mark_bar().encode(
    x=alt.X("claims:Q", title="claims", axis=alt.Axis(tickMinStep=1)),
    y=alt.Y("theme:N", title=None, sort="-x"),
    color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom")),
    tooltip=["theme", "status", "claims"],
).properties(height=160)

# %% [markdown]
# The transcribed table has {glue:text}`n_claims:d` claims in {glue:text}`n_themes:d` themes
# ({numref}`fig-esem-claims-review-themes`), {glue:text}`n_unquantified:d` of them marked as lacking
# quantitative support; the claims rest
# on {glue:text}`n_basis_kinds:d` kinds of evidence and cite {glue:text}`n_cited_works:d`
# distinct works. The marked claims, and where this book measures them:
#
# - (1) Transformers eases the derivation of new models: the preservation of libraries from
#   base models to descendants, {doc}`esem_c1_library_preservation`.
# - (2) Popularity weighs more than maintenance and quality: the turnover of the most downloaded
#   models, {doc}`esem_c2_turnover`; downloads against descendants, {doc}`esem_c2_descendants`;
#   the interviewees' own ranking, {doc}`icse_interviews`; and how concentrated downloads are,
#   {doc}`icse_popularity`.
# - (3) Documentation quality influences selection: {doc}`esem_c3_documentation`.
# - (4) Deep-learning attributes shape selection: the review found it too imprecise to measure;
#   the interview memos in {doc}`icse_interviews` show what the interviewees said about
#   performance and architecture.

# %% [markdown]
# ### The data sets named in §5.2
#
# The oldest Hugging Face snapshot of the turnover figure is the one file of the paper's inputs
# that is public. For PeaTMOSS only extracts are public: a table of missing fields over the
# model records of its crawl, and the links from GitHub repositories to models that its licence
# analysis used.

# %%
ancient = data.load("esem2024_peatmoss_ancient_db")
none_freq = data.load("peatmoss_hf_none_freq")
mapping = data.load("peatmoss_reuse_mapping")
counted = none_freq[none_freq["freq"] > 0]
records = (counted["amount"] / counted["freq"]).round().groupby(counted["table"]).median().astype(int)
sizes = pd.DataFrame([
    {"file": "ESEM 'ancient' snapshot", "what": "models", "count": len(ancient)},
    {"file": "ESEM 'ancient' snapshot", "what": "models with a download count", "count": int(ancient["downloads"].notna().sum())},
    {"file": "PeaTMOSS missingness table 1", "what": "model records counted", "count": int(records.loc[1])},
    {"file": "PeaTMOSS missingness table 2", "what": "other (dataset) records counted", "count": int(records.loc[2])},
    {"file": "PeaTMOSS reuse links", "what": "links (rows)", "count": len(mapping)},
    {"file": "PeaTMOSS reuse links", "what": "distinct GitHub repositories", "count": int(mapping["gh_repo"].nunique())},
    {"file": "PeaTMOSS reuse links", "what": "distinct models", "count": int(mapping["hf_model"].nunique())},
])
glue("ancient_rows", len(ancient), display=False)
glue("peatmoss_model_records", int(records.loc[1]), display=False)
glue("ancient_date", data.source("esem2024_peatmoss_ancient_db").snapshot_date, display=False)
sizes

# %% [markdown]
# ## Comparison with the paper
#
# The counts of the table agree with the abstract, but not with the text of §4.2, which counts
# the unevaluated claims differently from Table 3 (the ledger rows below): the two disagree about
# the documentation theme. The data-set counts match for the oldest snapshot ({glue:text}`ancient_rows:,d` models); for PeaTMOSS the public extracts come
# from other stages of the same project and cannot stand in for the counts of §5.2.

# %%
marked = unquantified.groupby("theme").size()
claims.record("esem2024.table3.consolidated_claims", n_claims)
claims.record("esem2024.finding2.basis_kinds", len(basis_kinds))
claims.record("esem2024.abstract.unquantified_claims", len(unquantified))
claims.record("esem2024.s4_2.unquantified_claims_text", len(unquantified),
              note="counted from Table 3, which agrees with the abstract; the text of §4.2 counts more")
claims.record("esem2024.s4_2.unquantified_design_trends", int(marked.get("Trends in Design", 0)))
claims.record("esem2024.s4_2.unquantified_selection", int(marked.get("Selection Considerations", 0)))
claims.record("esem2024.s4_2.unquantified_documentation", int(marked.get("Documentation and Understanding", 0)),
              note="Table 3 marks only claim (3) under documentation; §4.2 counts more")
no_slr = "the review's search results and extracted claims are not in the public artifact"
for claim_id in ["esem2024.s4_1.search_hits", "esem2024.s4_1.after_deduplication", "esem2024.s4_1.claims_discussed",
                 "esem2024.s4_1.claims_kept", "esem2024.s4_2.motivation_claims", "esem2024.s4_2.work_claims"]:
    claims.record_unavailable(claim_id, no_slr)
claims.record_unavailable("esem2024.s4_1.selected_studies", no_slr + "; shown: distinct works cited in Table 3",
                          value=len(cited_works))
claims.record("esem2024.s5_2_1.hf_model_metadata_models", len(ancient),
              note="rows of PeaTMOSS_ANCIENT.db, the file the ESEM notebook uses for this snapshot")
undated = ("the file carries no date; its content points to about June 2021 "
           "(see the data catalogue and the turnover chapter)")
claims.record_unavailable("esem2024.s5_2_1.hf_model_metadata_date", undated)
claims.record_unavailable("esem2024.s5_4_1.hf_model_metadata_date", undated)
claims.record_unavailable("esem2024.s5_2_1.ptmtorrent_packages", "PTMTorrent's package list is not in the public data")
claims.record_unavailable("esem2024.s5_2_1.peatmoss_packages", "the PeaTMOSS database is not in the public data")
claims.record_unavailable("esem2024.s5_2_1.peatmoss_pytorch_hub_packages", "the PeaTMOSS database is not in the public data")
claims.record_unavailable("esem2024.s5_2_1.peatmoss_hf_packages",
                          "the PeaTMOSS database is not in the public data; shown: model records of the "
                          "PeaTMOSS crawl's missingness table (another stage of the crawl)", value=int(records.loc[1]))
claims.record_unavailable("esem2024.s5_2_1.peatmoss_github_projects",
                          "the PeaTMOSS database is not in the public data; shown: repositories in the "
                          "licence-analysis links (a subset)", value=int(mapping["gh_repo"].nunique()))
claims.record_unavailable("esem2024.s5_2_1.peatmoss_reuse_links",
                          "the PeaTMOSS database is not in the public data; shown: rows of the "
                          "licence-analysis links (a subset)", value=len(mapping))
claims.comparison("esem_claims_review", glue_prefix="ledger_")

# %% [markdown]
# Of the {glue:text}`ledger_n_claims` numbers above, {glue:text}`ledger_n_reproduced` are reproduced,
# {glue:text}`ledger_n_differs` with a different value and {glue:text}`ledger_n_unavailable` cannot be
# computed from public material.

# %% [markdown]
# ## Caveats
#
# - The table is a transcription: counting it checks the paper's internal consistency, not the
#   review itself. The search, screening and extraction steps (§4.1) cannot be repeated from
#   public material, so their counts stay unverified.
# - The paper calls its oldest Hugging Face snapshot "HF Model Metadata" and gives it one date in
#   §5.2.1 and another in §5.4.1 (ledger rows above). The file the artifact actually uses has
#   exactly the {glue:text}`ancient_rows:,d` models the paper states, but its columns and content
#   match an older public dump, of about {glue:text}`ancient_date` (the turnover chapter shows the
#   evidence).
# - The PeaTMOSS extracts count {glue:text}`peatmoss_model_records:,d` model records and a
#   subset of the reuse links; they are shown beside the paper's numbers only as the nearest
#   public figures, not as a check.

# %% [markdown]
# ## Rerun this chapter
#
# The parameter only filters the table shown; for example:
#
# ```bash
# .venv/bin/hfcompendium run esem_claims_review -p theme "Documentation and Understanding"
# ```

# %% [markdown]
# ## Exercises
#
# 1. Rerun the chapter for the theme "Selection Considerations". Which kinds of evidence support
#    its claims, and why does that make them candidates for measurement?
# 2. Using the table above, find the works cited for more than one claim.
#
# :::{admonition} Solution
# :class: dropdown
#
# 1. The claims of that theme rest on interviews only, all from a single study ([28]); interviews
#    report what practitioners say they do, so a measurement of what the registry shows is the
#    natural complement.
# 2. In a code cell:
#
#    ```python
#    works = pd.DataFrame(review["claims"]).explode("works")
#    works.groupby("works").size().loc[lambda s: s > 1]
#    ```
#
#    The output lists every reference cited under two or more claims; Castaño et al.'s study of
#    the evolution and maintenance of models ([14]) is cited most often.
# :::
