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
from hfcompendium.analysis import interviews

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
# interviewers; two rules (`hfcompendium/analysis/interviews.py`) turn two of their columns into
# categories:
#
# - *Traditional attributes*: popularity is ranked first when the memo starts with "popularity",
#   ranks it explicitly ("popularity >") or calls it the most useful or important attribute.
# - *Model performance or architecture*: "both" when the memo says both matter (or that they go
#   hand in hand or are related); otherwise the one of the two named first.

# %%
popularity_first = interviews.popularity_first(memos["Traditional attributes"])
weighs = interviews.performance_or_architecture(memos["Model performance or architecture"])
coded = pd.DataFrame({"participant": memos["participant"], "popularity ranked first": popularity_first,
                      "performance or architecture": weighs})

# %% [markdown]
# ## The results
#
# ### The participants

# %%
display.table(people.assign(model_types=people["model_types"].map(", ".join)))

# %% mystnb={"figure": {"caption": "The interview participants by deep-learning and software-engineering expertise, employer, number of projects, team size and the model types they work with (several per person), from the demographics table of the ICSE artifact.", "name": "fig-icse-interviews-participants"}, "image": {"alt": "Bar charts, one panel per attribute of the participants, with the number of participants for each value."}}
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
employers = people["company_type"].value_counts()
n_employer = int(employers.iloc[0])
n_nlp = int(people["model_types"].explode().eq("Natural Language Processing").groupby(level=0).any().sum())
employer_names = {"Startup": "start-ups", "Mid-size tech": "mid-size tech companies", "Big tech": "big tech companies",
                  "Student": "university (students)"}
employer = employer_names.get(employers.index[0], employers.index[0])
employer_word = interviews.quantity_word(n_employer, n_people)
glue("employer_reading", f"{employer_word} of them from {employer} ({n_employer})" if n_employer * 2 >= n_people else
     f"{n_employer} of them from {employer}, the largest group", display=False)
glue("nlp_reading", f"{interviews.quantity_word(n_nlp, n_people)} of them ({n_nlp})", display=False)
glue("employer_caveat", f"{employer_word} of them come from {employer}" if n_employer * 2 >= n_people else
     f"the largest group comes from {employer}", display=False)
glue("nlp_caveat", f"{interviews.quantity_word(n_nlp, n_people)} work with language models", display=False)

# %% [markdown]
# {numref}`fig-icse-interviews-participants` describes the {glue:text}`n_people:d` participants:
# {glue:text}`employer_reading`, and {glue:text}`nlp_reading` work with natural-language
# models.

# %% [markdown]
# ### What they said

# %%
n_popularity = int(popularity_first.sum())
glue("n_popularity", n_popularity, display=False)
glue("share_popularity", n_popularity / len(memos), display=False)
counts = coded["performance or architecture"].value_counts()
for answer in ("performance", "architecture", "both"):
    glue(f"n_{answer}", int(counts.get(answer, 0)), display=False)
display.table(coded)

# %%
display.table(memos[["participant", memo]]).set_properties(**{"white-space": "pre-wrap", "text-align": "left"})

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
glue("ranking_reading", f"The interviewees' own ranking supports the statement: popularity comes first for "
     f"{interviews.quantity_word(n_popularity, len(memos))} of them, ahead of maintenance and quality."
     if n_popularity / len(memos) > 0.5 else
     f"The interviewees' own ranking does not support the statement: popularity comes first for "
     f"{interviews.quantity_word(n_popularity, len(memos))} of them only.", display=False)
claims.comparison("icse_interviews")

# %% [markdown]
# {glue:text}`ranking_reading` What they say and what they do may differ; the download
# concentration in {doc}`icse_popularity` and the turnover in {doc}`esem_c2_turnover` look at
# behaviour instead.

# %% [markdown]
# ## Caveats
#
# - **Who took part.** {glue:text}`n_people:d` practitioners who agreed to be interviewed are
#   not a random sample of reusers: {glue:text}`employer_caveat` and {glue:text}`nlp_caveat`.
#   Reusers elsewhere may weigh popularity differently.
# - The memos are the interviewers' summaries, not transcripts; the rules read the summaries,
#   and a different reader could code borderline memos differently (the memo column chosen by
#   `memo` is shown in full for checking).
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
