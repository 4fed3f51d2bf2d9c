# ---
# jupyter:
#   jupytext: {formats: "py:percent"}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   hfcompendium:
#     title: "Who was interviewed, and what they said about popularity"
#     paper: icse2023
#     parameters:
#       memo: {type: str, default: "Traditional attributes", choices: ["Traditional attributes", "Model performance or architecture", "Where to select the models", "Decision making process"], help: "memo column shown in full"}
# ---

# %% [markdown]
# # Who was interviewed, and what they said about popularity
#
# Besides mining the registry, {cite:t}`icse2023` interviewed practitioners who reuse
# pre-trained models. Their artifact publishes the participants' demographics (pseudonymised as
# numbers) and the analysis memos written for each interview. This chapter shows who took part,
# and reads two memo questions with explicit rules: which traditional attribute (popularity,
# maintenance, quality) the interviewees put first, and whether they weigh performance or
# architecture. The first bears on the summary's statement that reusers pick by popularity, and
# on claim (2) of the ESEM review {cite}`esem2024`; the second on its claim (4).

# %% tags=["parameters"]
memo = "Traditional attributes"

# %%
import altair as alt
import pandas as pd
from myst_nb import glue

from hfcompendium import charts, claims, data, display

charts.setup()

# %% [markdown]
# ## The question
#
# Who are the interviewees, and how many of them rank popularity first when choosing a model?

# %% [markdown]
# ## The data
#
# The demographics table and the memo workbook of the ICSE artifact, used as published. The
# participants are identified only by number.

# %%
people = data.load("icse2023_interview_demographics")
memos = data.load("icse2023_interview_memos")
data.provenance(["icse2023_interview_demographics", "icse2023_interview_memos"])

# %% [markdown]
# ## The method
#
# The demographics are tabulated as they are. The memos are free text written by the
# interviewers; two rules turn two of their columns into categories:
#
# - *Traditional attributes*: popularity is ranked first when the memo starts with "popularity",
#   ranks it explicitly ("popularity >") or calls it the most useful or important attribute.
# - *Model performance or architecture*: "both" when the memo says both matter (or that they go
#   hand in hand or are related); otherwise the one of the two named first.

# %%
traditional = memos["Traditional attributes"].fillna("").str.lower()
popularity_first = (traditional.str.match(r"\s*-?\s*popularity\b")
                    | traditional.str.contains(r"popularity\s*>")
                    | traditional.str.contains(r"popularity is the most"))
choice = memos["Model performance or architecture"].fillna("").str.lower()
both = choice.str.contains(r"\bboth\b|hand-in-hand|related")
performance_at = choice.str.find("performance").where(lambda s: s >= 0, 10**6)
architecture_at = choice.str.find("architecture").where(lambda s: s >= 0, 10**6)
weighs = pd.Series("performance", index=memos.index).where(performance_at < architecture_at, "architecture")
weighs = weighs.where(~both, "both").where(choice != "", "no answer")
coded = pd.DataFrame({"participant": memos["participant"], "popularity ranked first": popularity_first,
                      "performance or architecture": weighs})

# %% [markdown]
# ## The results
#
# ### The participants

# %%
people.assign(model_types=people["model_types"].map(", ".join)).set_index("participant")

# %% mystnb={"figure": {"caption": "The interview participants by deep-learning and software-engineering expertise, employer, number of projects, team size and the model types they work with (several per person), from the demographics table of the ICSE artifact.", "name": "fig-icse-interviews-participants"}}
profile = pd.concat([
    people[column].value_counts().rename_axis("value").reset_index(name="participants").assign(attribute=label)
    for column, label in [("dl_expertise", "deep-learning expertise"), ("se_expertise", "software-engineering expertise"),
                          ("company_type", "employer"), ("projects", "projects"), ("team_size", "team size")]
] + [people["model_types"].explode().value_counts().rename_axis("value").reset_index(name="participants")
     .assign(attribute="model types (several per person)")])
alt.Chart(profile, title="Interview participants").mark_bar().encode(
    x=alt.X("participants:Q", title="participants", axis=alt.Axis(tickMinStep=1)),
    y=alt.Y("value:N", title=None, sort="-x"),
    row=alt.Row("attribute:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
    tooltip=["attribute", "value", "participants"],
).resolve_scale(y="independent").properties(width=300, height=alt.Step(14))

# %%
n_people = len(people)
glue("n_people", n_people, display=False)
glue("n_startup", int((people["company_type"] == "Startup").sum()), display=False)
glue("n_nlp", int(people["model_types"].map(lambda ts: "Natural Language Processing" in ts).sum()), display=False)

# %% [markdown]
# The {glue:text}`n_people:d` participants ({numref}`fig-icse-interviews-participants`) are mostly
# from start-ups
# ({glue:text}`n_startup:d`), and {glue:text}`n_nlp:d` of them work with natural-language models.

# %% [markdown]
# ### What they said

# %%
n_popularity = int(popularity_first.sum())
glue("n_popularity", n_popularity, display=False)
glue("share_popularity", n_popularity / len(memos), display=False)
counts = coded["performance or architecture"].value_counts()
for answer in ("performance", "architecture", "both"):
    glue(f"n_{answer}", int(counts.get(answer, 0)), display=False)
coded.set_index("participant")

# %%
display.table(memos[["participant", memo]].set_index("participant"), index=True).set_properties(**{"white-space": "pre-wrap", "text-align": "left"})

# %% [markdown]
# By the rule above, {glue:text}`n_popularity:d` of the interviewees
# ({glue:text}`share_popularity:.0%`) rank popularity first among the traditional attributes. On
# the deep-learning side, {glue:text}`n_performance:d` put performance first,
# {glue:text}`n_architecture:d` architecture and {glue:text}`n_both:d` weigh both.

# %% [markdown]
# ## Comparison with the paper

# %%
claims.record("icse2023.interviews.participants", n_people)
claims.record("icse2023.summary.pick_by_popularity", "yes" if n_popularity / len(memos) > 0.5 else "no",
              note=f"{n_popularity} of {len(memos)} memos rank popularity first among popularity, maintenance "
                   "and quality")
claims.comparison("icse_interviews")

# %% [markdown]
# The interviewees' own ranking supports the statement: popularity comes first for most of them,
# ahead of maintenance and quality. What they say and what they do may differ; the download
# concentration in {doc}`icse_popularity` and the turnover in {doc}`esem_c2_turnover` look at
# behaviour instead.

# %% [markdown]
# ## Caveats
#
# - So few interviews are a small, self-selected sample: mostly start-up engineers working on
#   language models.
# - The memos are the interviewers' summaries, not transcripts; the rules read the summaries,
#   and a different reader could code borderline memos differently (the full memo column is
#   shown for checking).
# - Ranking popularity first when asked to rank three given attributes is not the same as
#   choosing models by download counts.

# %% [markdown]
# ## Rerun this chapter
#
# ```bash
# .venv/bin/hfcompendium run icse_interviews -p memo "Model performance or architecture"
# .venv/bin/hfcompendium run icse_interviews -p memo "Where to select the models"
# ```

# %% [markdown]
# ## Exercises
#
# 1. Rerun with `memo "Where to select the models"`. How many interviewees name Hugging Face or
#    a model hub as where they look first?
# 2. Read the memo column for the traditional attributes and code it yourself. Do you agree with
#    the rule on every participant?
# 3. How many participants work in teams of more than five people?
#
# :::{admonition} Solution
# :class: dropdown
#
# 1. Count the memos that mention Hugging Face or a model hub:
#
#    ```python
#    memos["Where to select the models"].str.contains("hugging ?face|hf\\b|model hub", case=False).sum()
#    ```
#
# 2. The borderline memos are those that name several attributes without an order ("all of them
#    are helpful"); the rule does not count them as ranking popularity first.
# 3. ```python
#    people["team_size"].isin(["5-10", "10-25", "25+"]).sum()
#    ```
#
#    (the ranges are coarse: "5-10" may include teams of exactly five).
# :::
