# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "RQ1: the challenges of reusing pre-trained models"
#     paper: saner2024
#     parameters:
#       merge_tag_variants: {type: bool, default: true, help: "count forum categories whose names differ only in case or spacing (beginners, Beginners) as one"}
#       tag_a: {type: str, default: "Beginners", choices: ["Beginners", "Intermediate", "Transformers", "Models", "Datasets", "Spaces", "Research", "Tokenizers", "Hub", "Course"], help: "forum category counted in the ratio's numerator"}
#       tag_b: {type: str, default: "Intermediate", choices: ["Beginners", "Intermediate", "Transformers", "Models", "Datasets", "Spaces", "Research", "Tokenizers", "Hub", "Course"], help: "forum category counted in the ratio's denominator"}
# ---

# %% [markdown]
# # RQ1: the challenges of reusing pre-trained models
#
# {cite:t}`saner2024` read a random sample of discussions from the Hugging Face
# forum and sorted the difficulties people describe into a taxonomy of challenges. This chapter
# rebuilds the challenge half of their Table I from the replication package, checks the counts
# quoted around it, and looks at which forum categories the coded discussions come from.

# %% tags=["parameters"]
merge_tag_variants = True
tag_a = "Beginners"
tag_b = "Intermediate"

# %%
import altair as alt
from myst_nb import glue

from hfcompendium import charts, claims, data, display
from hfcompendium.analysis import saner, stats

CHAPTER = "saner_rq1_challenges"
charts.setup()

# %% [markdown]
# ## The question
#
# Which challenges do people meet when they reuse pre-trained models from Hugging Face, and how
# often does each kind come up? The paper answers with a taxonomy of challenge categories,
# divided into subcategories, and counts how many times each category was coded. We ask whether the
# published files give the same taxonomy and the same counts, and which parts of the paper's
# account the published files cannot support.

# %% [markdown]
# ## The data
#
# Four files of the replication package are used: the codebook of challenges (one row per
# subcategory, with a definition and an example), the codebook workbook whose sheet "Overview"
# gives the number of codings per category, the codebook of benefits (only for the number of
# themes), and the open codes of the coded forum topics (one row per code, with the topic
# number and the topic's forum category).

# %%
SOURCES = ["saner2024_codebook_challenges", "saner2024_codebook_xlsx", "saner2024_codebook_benefits",
           "saner2024_all_codes"]
codebook = data.load("saner2024_codebook_challenges")
benefits_codebook = data.load("saner2024_codebook_benefits")
overview = data.load("saner2024_codebook_xlsx")
codes = data.load("saner2024_all_codes")
data.provenance(SOURCES)

# %% [markdown]
# ## The method
#
# - **Taxonomy.** The codebook is read as published; each category receives the label (C1 to
#   C17) of its row in Table I, matched by name.
# - **Table I.** Counts come from the Overview sheet; the sheet has no percentages, so each
#   share is computed here as the category's count over the sum of all challenge counts.
# - **Codes.** The open codes are counted in several ways (rows, distinct texts, distinct
#   topic–code pairs) to find which count the paper's number of low-level codes corresponds to.
# - **Forum categories.** Each coded topic carries the forum (Discourse) category it was posted
#   in. The file spells some categories in more than one way (for example `beginners` and
#   `Beginners`); with `merge_tag_variants` on, spellings that differ only in case, spacing or
#   punctuation are counted as one category. We count topics and codes per category and compute
#   the ratio the paper reports between two of them (parameters `tag_a`, `tag_b`).
# - **Sample size.** The size of the paper's first random sample is checked against Cochran's
#   formula for the confidence level and margin of error the paper names, with a
#   finite-population correction.

# %% [markdown]
# ## The results
#
# ### The taxonomy

# %%
taxonomy = saner.taxonomy(codebook, overview)
counts = saner.taxonomy_counts(codebook)
benefit_counts = saner.taxonomy_counts(benefits_codebook)
glue("n_categories", counts["categories"], display=False)
glue("n_rows", counts["rows"], display=False)
glue("n_named_sub", counts["named_subcategories"], display=False)
glue("n_no_sub", counts["categories_without_subcategory"], display=False)
glue("n_themes", counts["categories"] + benefit_counts["categories"], display=False)
glue("paper_subcategories", saner.reported("saner2024.sec3c1.challenge_subcategories"), display=False)
display.table(taxonomy[["label", "category", "subcategory", "definition"]]
              .assign(subcategory=lambda t: t["subcategory"].fillna("(no subcategory)")))

# %% [markdown]
# The codebook has {glue:text}`n_categories` categories and {glue:text}`n_rows` rows. Of these
# rows, {glue:text}`n_named_sub` name a subcategory and {glue:text}`n_no_sub` belong to
# categories that have no subcategory, so the paper's {glue:text}`paper_subcategories`
# subcategories count every row of the codebook. Together with the benefit categories of the
# other codebook this makes {glue:text}`n_themes` themes.

# %%
claims.record("saner2024.sec3c1.challenge_categories", counts["categories"])
claims.record("saner2024.sec3c1.challenge_subcategories", counts["rows"],
              note=f"{counts['named_subcategories']} named subcategories plus {counts['categories_without_subcategory']} "
                   "categories without one: the paper counts every codebook row")
claims.record("saner2024.sec3b.themes", counts["categories"] + benefit_counts["categories"]);

# %% [markdown]
# ### Table I, the challenges

# %%
table = saner.table1(overview, "challenge")
total = int(table["count"].sum())
glue("challenge_total", total, display=False)
for row in table.itertuples():
    number = row.label[1:]
    claims.record(f"saner2024.table1.c{number}_count", row.count)
    claims.record(f"saner2024.table1.c{number}_share", row.share,
                  note=f"share computed here: count / sum of the {len(table)} counts")
claims.record("saner2024.table1.challenge_total", total)
top3 = table.head(3)
glue("top3_names", display.prose_list(top3["category"].str.lower()), display=False)
glue("top3_share", float(top3["share"].sum()), display=False)
display.table(table, {"share": "{:.2f}"})

# %% [markdown]
# The Overview sheet holds {glue:text}`challenge_total` challenge codings, listed from the
# largest category to the smallest, the order of Table I ({numref}`fig-saner-rq1-categories`). The three largest categories,
# {glue:text}`top3_names`, hold {glue:text}`top3_share:.1f` % of them: using and understanding a
# model and getting it through training and onto the hardware are where people most often get
# stuck.

# %% mystnb={"figure": {"caption": "Share of challenge codings per category (Table I, challenge half), computed from the counts of the codebook's Overview sheet; the labels C1 to C17 are those of Table I.", "name": "fig-saner-rq1-categories"}, "image": {"alt": "Horizontal bar chart of the share of challenge codings in each category, labelled C1 to C17."}}
bars = alt.Chart(table).mark_bar().encode(
    x=alt.X("share:Q", title="share of challenge codings (%)"),
    y=alt.Y("category:N", sort="-x", title=None),
    tooltip=["label", "category", "count", alt.Tooltip("share:Q", format=".2f")],
)
labels = bars.mark_text(align="left", dx=3, fontSize=10).encode(text="label:N")
(bars + labels).properties(title="Challenges per category (Overview sheet of the codebook)", height=380)

# %%
c2, c10, c11 = (int(table.loc[table["label"] == label, "count"].iloc[0]) for label in ("C2", "C10", "C11"))
claims.record("saner2024.sec5.training_inference_api_share", 100 * (c2 + c10 + c11) / total,
              note=f"(C2 + C10 + C11) / all challenge codings = {c2 + c10 + c11}/{total} = {100 * (c2 + c10 + c11) / total:.3f} %");

# %% [markdown]
# ### How many codes?

# %%
candidates = saner.code_count_candidates(codes, overview)
n_topics = int(codes["topic"].nunique())
n_rows = len(codes)
glue("n_topics", n_topics, display=False)
glue("n_code_rows", n_rows, display=False)
glue("n_overview_codings", int(overview["count"].sum()), display=False)
glue("n_blocks", int(codes["block"].nunique()), display=False)
glue("paper_codes", saner.reported("saner2024.sec3b.low_level_codes"), display=False)
claims.record("saner2024.sec3b.coded_topics", n_topics)
claims.record("saner2024.sec3b.low_level_codes", n_rows,
              note="rows of All_Codes.csv; no other count of the public files matches either (see the table of candidates); "
                   "the package README gives yet another row count for this file, so its versions differed")
display.table(candidates)

# %% [markdown]
# The coded data cover {glue:text}`n_topics` topics, as the paper says, but hold
# {glue:text}`n_code_rows:,` codes, not {glue:text}`paper_codes:,`. None of the other ways of counting in the table
# reaches the paper's number: distinct pairs and texts are fewer, and the codings of the
# Overview sheet ({glue:text}`n_overview_codings:,`) are more, because one open code can be
# counted in more than one category. The file joins {glue:text}`n_blocks` coding sheets
# (its running topic number restarts at 1 in each), so codes may have been merged or dropped
# when the sheets were put together; the public data do not let us tell.

# %% [markdown]
# ### Forum categories of the coded topics

# %%
tags = saner.tag_counts(codes, merge=merge_tag_variants)
variants = saner.tag_variants(codes["tag"])
ratio = saner.expertise_ratio(codes, tag_a, tag_b, merge=merge_tag_variants)
for key in ("topics_a", "topics_b", "codes_a", "codes_b"):
    glue(key, ratio[key], display=False)
glue("topic_ratio", ratio["topic_ratio"], display=False)
glue("code_ratio", ratio["code_ratio"], display=False)
glue("tag_a", tag_a, display=False)
glue("tag_b", tag_b, display=False)
glue("n_variant_rows", int(variants.groupby("tag")["rows"].apply(lambda r: r.iloc[1:].sum()).sum()), display=False)
display.table(tags, {"topic_share": "{:.1f}", "code_share": "{:.1f}"})

# %% mystnb={"figure": {"caption": "Coded topics and codes per forum (Discourse) category, for the 12 categories with the most coded topics, from `All_Codes.csv`; with `merge_tag_variants` on, spellings of a category are counted together.", "name": "fig-saner-rq1-forum-categories"}, "image": {"alt": "Grouped horizontal bar chart of coded topics and codes for the 12 largest forum categories."}}
alt.Chart(tags.head(12)).transform_fold(["topics", "codes"], as_=["count of", "n"]).mark_bar().encode(
    x=alt.X("n:Q", title="number"),
    y=alt.Y("tag:N", sort=alt.EncodingSortField("topics", order="descending"), title="forum category"),
    color=alt.Color("count of:N", title=None),
    yOffset="count of:N",
    tooltip=["tag", "count of:N", "n:Q"],
).properties(title="Coded topics and codes per forum category (12 largest)", height=360)

# %% [markdown]
# {numref}`fig-saner-rq1-forum-categories` shows the forum categories with the most coded topics.
# {glue:text}`tag_a` has {glue:text}`topics_a` coded topics and {glue:text}`codes_a` codes;
# {glue:text}`tag_b` has {glue:text}`topics_b` topics and {glue:text}`codes_b` codes. That is
# {glue:text}`topic_ratio:.2f` topics and {glue:text}`code_ratio:.2f` codes of the first per one
# of the second. The spellings that were merged are listed below ({glue:text}`n_variant_rows`
# rows use a less common spelling).

# %%
display.table(variants)

# %%
exact = saner.expertise_ratio(codes, "Beginners", "Intermediate", merge=False)
merged = saner.expertise_ratio(codes, "Beginners", "Intermediate", merge=True)
used = merged if merge_tag_variants else exact
glue("exact_topic_ratio", exact["topic_ratio"], display=False)
glue("exact_code_ratio", exact["code_ratio"], display=False)
glue("merged_topic_ratio", merged["topic_ratio"], display=False)
glue("merged_code_ratio", merged["code_ratio"], display=False)
paper_ratio = saner.reported("saner2024.sec3c3.sample_topic_ratio")
lower = codes[codes["tag"] == "beginners"]
glue("paper_ratio", paper_ratio, display=False)
glue("lower_codes", len(lower), display=False)
glue("lower_topics", int(lower["topic"].nunique()), display=False)
variant_note = (f"with the spelling 'Beginners' only: {exact['topic_ratio']:.2f} topics and {exact['code_ratio']:.2f} codes "
                f"(round to {round(exact['topic_ratio'])} and {round(exact['code_ratio'])}); merging 'beginners' gives "
                f"{merged['topic_ratio']:.2f} and {merged['code_ratio']:.2f}")
claims.record("saner2024.sec3c3.sample_topic_ratio", used["topic_ratio"], note=variant_note)
claims.record("saner2024.sec3c3.sample_code_ratio", used["code_ratio"], note=variant_note);

# %% [markdown]
# The paper reports {glue:text}`paper_ratio` Beginners topics, and as many Beginners codes, per
# Intermediate one. Counting only the spelling `Beginners` reproduces this
# ({glue:text}`exact_topic_ratio:.2f` and {glue:text}`exact_code_ratio:.2f`). The file also
# files {glue:text}`lower_codes` codes of {glue:text}`lower_topics` topics under `beginners`,
# which is the same forum category; with them the ratios become
# {glue:text}`merged_topic_ratio:.2f` and {glue:text}`merged_code_ratio:.2f`. The paper's
# ratio therefore seems to leave out the lower-case spelling.

# %% [markdown]
# ### The sample

# %%
population = saner.reported("saner2024.sec3b.mined_topics")
n_sample = stats.sample_size_proportion(population, confidence=0.95, margin=0.05)
glue("n_sample", n_sample, display=False)
glue("population", population, display=False)
glue("paper_posts", saner.reported("saner2024.sec3b.mined_posts"), display=False)
claims.record("saner2024.sec3b.sample_size", n_sample,
              note=f"Cochran's formula with finite-population correction for the paper's N = {population:,} topics")
claims.record_unavailable("saner2024.sec3b.mined_topics",
                          "the mined forum corpus (Forums_Topics_Corpus.csv) is named in the package but its content is not public")
claims.record_unavailable("saner2024.sec3b.mined_posts",
                          "the mined posts (Forums_Posts_Processed_DataFrame.csv) are named in the package but their content is not public")
for round_ in ("kappa_round1", "kappa_round2"):
    claims.record_unavailable(f"saner2024.sec3b.{round_}",
                              "the raters' separate codings are not published, only the merged codes")

# %% [markdown]
# For the paper's population of {glue:text}`population:,` topics, Cochran's formula asks for {glue:text}`n_sample` topics,
# the size of the paper's first random sample. Coding then continued until saturation, which
# is why the coded data hold more topics than that.

# %% [markdown]
# ## Comparison with the paper

# %%
recorded = claims.recorded_table()
recorded = recorded[recorded["id"].isin(claims.chapter_claim_ids(CHAPTER))]
table1_claims = recorded[recorded["id"].str.startswith("saner2024.table1.")]
glue("table1_reading", "Every count and share of Table I's challenges is reproduced: the percentages are exactly the "
     "counts of the Overview sheet over their sum." if (table1_claims["verdict"] == claims.REPRODUCED).all() else
     f"{int((table1_claims['verdict'] != claims.REPRODUCED).sum())} of the {len(table1_claims)} counts and shares of "
     "Table I's challenges are not reproduced.", display=False)
spellings = " (the two spellings of the category merged)" if merge_tag_variants else ""
described = {
    "saner2024.sec3b.low_level_codes": "the number of low-level codes",
    "saner2024.sec3c3.sample_topic_ratio": f"the Beginners-to-Intermediate ratio of topics{spellings}",
    "saner2024.sec3c3.sample_code_ratio": f"the Beginners-to-Intermediate ratio of codes{spellings}",
    "saner2024.sec5.training_inference_api_share": "a sum quoted in the discussion whose last digit disagrees with "
                                                   "the rounding of the counts it adds up",
}
differing = recorded.loc[recorded["verdict"] == claims.DIFFERS]
differences = [described.get(cid, statement[0].lower() + statement[1:])
               for cid, statement in zip(differing["id"], differing["statement"])]
ratios = [described[f"saner2024.sec3c3.sample_{what}_ratio"] for what in ("topic", "code")]
if all(ratio in differences for ratio in ratios):            # one phrase for the pair
    differences[differences.index(ratios[0])] = f"the Beginners-to-Intermediate ratios of topics and of codes{spellings}"
    differences.remove(ratios[1])
glue("differences_reading", "" if not differences else
     f"The difference is {differences[0]}." if len(differences) == 1 else
     f"The differences are {display.prose_list(differences)}.", display=False)
claims.comparison(CHAPTER)

# %% [markdown]
# Of the {glue:text}`n_claims` numbers this chapter checks, {glue:text}`n_reproduced` are
# reproduced, {glue:text}`n_differs` with a different value and {glue:text}`n_unavailable` cannot be computed
# from the public files. {glue:text}`table1_reading` {glue:text}`differences_reading`

# %% [markdown]
# ## Caveats
#
# - **Which code belongs to which category is not published.** The Overview sheet gives only
#   category totals, and `All_Codes.csv` gives open codes without their category or
#   subcategory. Table I can therefore be re-added but not recounted from the codes, the
#   subcategory shares quoted in the paper's text cannot be recomputed, and nothing can be said
#   about how codes were grouped. The chapter on expertise tries an explicit, approximate
#   assignment of codes to subcategories.
# - **Codings are not codes.** The Overview sheet counts {glue:text}`n_overview_codings:,`
#   codings against {glue:text}`n_code_rows:,` code rows, so a code can carry more than one
#   category; shares are shares of codings.
# - **Forum categories as recorded by the coders.** The category of each topic comes from the
#   coded data, not from the forum; we only merge spellings, we do not check them against the
#   forum.
# - **Counts of the mined forum are not public.** The {glue:text}`population:,` topics and
#   {glue:text}`paper_posts:,` posts, and the raters' agreement, rest on files the package names
#   but does not contain.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run saner_rq1_challenges -p merge_tag_variants false
# .venv/bin/hfcompendium run saner_rq1_challenges -p tag_a Transformers -p tag_b Datasets
# ```
#
# `merge_tag_variants` decides whether spellings of a forum category that differ only in case
# or spacing are merged; `tag_a` and `tag_b` choose the two forum categories whose ratio is
# computed.

# %% [markdown]
# ## Exercises
#
# 1. Rerun the chapter with `merge_tag_variants` set to `false`. Which claims change verdict,
#    and why?
#
# :::{admonition} Solution
# :class: dropdown
# The two Beginners-to-Intermediate ratios: with only the spelling `Beginners` they are
# {glue:text}`exact_topic_ratio:.2f` (topics) and {glue:text}`exact_code_ratio:.2f` (codes),
# both within half a unit of the paper's {glue:text}`paper_ratio`, so they are reproduced. Everything else in the
# chapter comes from the codebooks and does not depend on forum categories.
# :::
#
# 2. The codebook's example quotations name a topic (`T639: ...`). How many of these topics
#    are among the coded topics of `All_Codes.csv`?
#
# :::{admonition} Solution
# :class: dropdown
# ```python
# examples = set(codebook["example_topic"].dropna().astype(int))
# len(examples & set(codes["topic"])), len(examples)
# ```
# The column `example_topic` is parsed by the reader from the example's `T<number>:` prefix.
# :::
#
# 3. Using `hfcompendium.analysis.stats.sample_size_proportion`, how large would the sample have
#    had to be for a 3 % margin of error at the same confidence level?
#
# :::{admonition} Solution
# :class: dropdown
# ```python
# stats.sample_size_proportion(population, confidence=0.95, margin=0.03)
# ```
# A smaller margin grows the sample roughly with the inverse square of the margin, damped by
# the finite-population correction.
# :::
