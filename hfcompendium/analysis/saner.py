"""Analyses behind the SANER 2024 chapters (Taraghi et al., "Deep Learning Model Reuse in the
HuggingFace Community: Challenges, Benefit and Trends").

Sections:
- inputs: the pinned replication data or a live snapshot (`hub_type_counts`, `forum_type_counts`,
  `card_table`), each loaded lazily;
- RQ1/RQ2 taxonomy and Table I (`taxonomy`, `table1`);
- Discourse categories and expertise (`canonical_tags`, `expertise_counts`, `code_count_candidates`);
- Table II: root causes mapped by explicit rules (`classify_root_causes`, `table2`, `rule_hits`);
- approximate assignment of open codes to codebook subcategories (`assign_codes`,
  `category_fit`, `figure2`);
- RQ3 model types: totals, coverage sets, the distribution correlation and its variants;
- RQ3 trends: monthly Spearman correlations per model type with corrections;
- RQ3 model cards: overall share, before/after comparison, threshold and trend tests.

The rules that map free text to categories live in `saner_rules` (data). Statistics come from
`hfcompendium.analysis.stats` (pingouin/scipy).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from . import saner_rules as rules
from . import stats

REPLICATION = "replication"

HUB_SOURCE = "saner2024_hub_model_types_over_time_created"
HUB_SOURCE_LAST_MODIFIED = "saner2024_hub_model_types_over_time_lastmodified"
FORUM_SOURCE = "saner2024_forum_model_mentions_over_time"
CARDS_SOURCE = "saner2024_card_data_stats_months_created"

# =============================================================================================
# Inputs: pinned replication data or a live snapshot
# =============================================================================================


def _snapshot_table(snapshot: str, table: str) -> pd.DataFrame:
    from hfcompendium import snapshots  # imported lazily: only live snapshots need it

    return snapshots.load_table(snapshot, table)


def hub_type_counts(snapshot: str = REPLICATION) -> pd.DataFrame:
    """New Hub models per model type and creation month (model_type, month "YYYY-MM", count int64).

    `replication`: the package's Hub_Model_Types_Over_Time_Created.csv; otherwise the live hub
    snapshot's table `model_types_monthly`."""
    if snapshot == REPLICATION:
        from hfcompendium import data

        return data.load(HUB_SOURCE)
    return _check_long(_snapshot_table(snapshot, "model_types_monthly"), f"hub snapshot {snapshot}")


def hub_type_counts_last_modified() -> pd.DataFrame:
    """The earlier Hub table of the package (by last-modified month; same columns as `hub_type_counts`)."""
    from hfcompendium import data

    return data.load(HUB_SOURCE_LAST_MODIFIED)


def forum_type_counts(snapshot: str = REPLICATION) -> pd.DataFrame:
    """Forum topics mentioning each model type per month (model_type, month, count int64).

    `replication`: the package's Forums_Model_Mentions_Over_Time.csv; otherwise the live forum
    snapshot's table `mentions_monthly`."""
    if snapshot == REPLICATION:
        from hfcompendium import data

        return data.load(FORUM_SOURCE)
    return _check_long(_snapshot_table(snapshot, "mentions_monthly"), f"forum snapshot {snapshot}")


def card_table(snapshot: str = REPLICATION) -> pd.DataFrame:
    """Models created per month and how many have a card (month, models, with_card, card_ratio)."""
    if snapshot == REPLICATION:
        from hfcompendium import data

        return data.load(CARDS_SOURCE)
    table = _snapshot_table(snapshot, "cards_monthly")
    missing = {"month", "models", "with_card"} - set(table.columns)
    if missing:
        raise ValueError(f"hub snapshot {snapshot}: table cards_monthly lacks {sorted(missing)}")
    table = table.copy()
    table["card_ratio"] = table["with_card"] / table["models"]
    return table


def _check_long(table: pd.DataFrame, what: str) -> pd.DataFrame:
    missing = {"model_type", "month", "count"} - set(table.columns)
    if missing:
        raise ValueError(f"{what}: expected columns model_type, month, count; missing {sorted(missing)}")
    return table[["model_type", "month", "count"]].astype({"model_type": "str", "month": "str", "count": "int64"})


# =============================================================================================
# Reported values
# =============================================================================================


def reported(claim_id: str):
    """The value the paper reports for a claim (from the claims registry), for use in prose and as an input."""
    from hfcompendium import claims

    return claims.load_claims()[claim_id].reported


def p_label(p: float, threshold: float, strict: bool = True) -> str:
    """The wording a paper uses for a p-value below a threshold ("p < 0.05" / "p <= 0.01"), else "p = ..."."""
    sign = "<" if strict else "<="
    ok = p < threshold if strict else p <= threshold
    if ok:
        return f"p {sign} {threshold:g}"
    return "p not computed" if p is None or np.isnan(p) else f"p = {p:.3g}"


# =============================================================================================
# Months
# =============================================================================================


def months_between(start: str, end: str) -> list[str]:
    """Every month from `start` to `end` inclusive, as "YYYY-MM" (empty if end < start)."""
    if end < start:
        return []
    return [str(p) for p in pd.period_range(start, end, freq="M")]


# =============================================================================================
# Taxonomy and Table I
# =============================================================================================


def category_key(name: str) -> str:
    """Comparable form of a category name: lower case, "&" read as "and", letters and digits only."""
    key = re.sub(r"[^a-z0-9]", "", str(name).lower().replace("&", "and"))
    return rules.CATEGORY_KEY_ALIASES.get(key, key)


def table1(overview: pd.DataFrame, kind: str = "challenge") -> pd.DataFrame:
    """Table I from the Overview sheet: label (C1.. or B1..), category, count, share (% of the kind's codings).

    Labels follow the sheet's order, which is the paper's order (by count, descending)."""
    part = overview[overview["kind"] == kind].sort_values("position")
    total = part["count"].sum()
    prefix = "C" if kind == "challenge" else "B"
    return pd.DataFrame({
        "label": [f"{prefix}{p}" for p in part["position"]],
        "category": part["category"].to_numpy(),
        "count": part["count"].to_numpy(dtype="int64"),
        "share": (100.0 * part["count"] / total).to_numpy() if total else np.full(len(part), np.nan),
    })


def taxonomy(codebook: pd.DataFrame, overview: pd.DataFrame | None = None) -> pd.DataFrame:
    """The codebook with the paper's category label (from `overview`) beside each row.

    Columns: label, category, subcategory (missing for categories without one), definition."""
    out = codebook[["kind", "category_no", "category", "subcategory", "definition"]].copy()
    out["label"] = pd.NA
    if overview is not None:
        labels = {}
        for kind in out["kind"].unique():
            t = table1(overview, kind)
            labels.update({(kind, category_key(c)): l for c, l in zip(t["category"], t["label"])})
        out["label"] = [labels.get((k, category_key(c)), pd.NA) for k, c in zip(out["kind"], out["category"])]
    return out[["label", "category", "subcategory", "definition", "kind", "category_no"]].reset_index(drop=True)


def taxonomy_counts(codebook: pd.DataFrame) -> dict:
    """Number of categories, codebook rows (the paper's "subcategories"), and named subcategories."""
    return {
        "categories": int(codebook["category"].nunique()),
        "rows": int(len(codebook)),
        "named_subcategories": int(codebook["subcategory"].notna().sum()),
        "categories_without_subcategory": int(codebook.groupby("category")["subcategory"].apply(lambda s: s.isna().all()).sum()),
    }


# =============================================================================================
# Discourse categories, expertise, code counts
# =============================================================================================


def tag_key(tag) -> str:
    key = re.sub(r"[^a-z0-9]", "", str(tag).lower())
    return rules.TAG_KEY_ALIASES.get(key, key)


def canonical_tags(tags: pd.Series, merge: bool = True) -> pd.Series:
    """Discourse categories with spelling variants merged ("beginners" -> "Beginners").

    Variants share a key (lower case, letters and digits only, plus `TAG_KEY_ALIASES`); each key is
    written with its most frequent spelling in `tags` (ties: alphabetical). `merge=False` returns
    the tags unchanged."""
    tags = tags.astype("str")
    if not merge or tags.empty:
        return tags
    keys = tags.map(tag_key)
    counts = pd.DataFrame({"key": keys, "tag": tags}).value_counts().reset_index(name="n")
    counts = counts.sort_values(["key", "n", "tag"], ascending=[True, False, True])
    spelling = counts.drop_duplicates("key").set_index("key")["tag"]
    return keys.map(spelling).astype("str")


def tag_variants(tags: pd.Series) -> pd.DataFrame:
    """Spellings that were merged: canonical tag, variant, rows with that spelling."""
    canon = canonical_tags(tags)
    frame = pd.DataFrame({"tag": canon, "spelling": tags.astype("str")})
    table = frame.value_counts().rename("rows").reset_index()
    merged = table.groupby("tag")["spelling"].transform("nunique") > 1
    return table[merged].sort_values(["tag", "rows"], ascending=[True, False]).reset_index(drop=True)


def tag_counts(codes: pd.DataFrame, merge: bool = True) -> pd.DataFrame:
    """Topics and codes per Discourse category: tag, topics, codes, topic_share (%), code_share (%)."""
    frame = codes.assign(tag=canonical_tags(codes["tag"], merge))
    table = frame.groupby("tag").agg(topics=("topic", "nunique"), codes=("code", "size")).reset_index()
    table["topic_share"] = 100 * table["topics"] / frame["topic"].nunique() if len(frame) else np.nan
    table["code_share"] = 100 * table["codes"] / len(frame) if len(frame) else np.nan
    return table.sort_values(["topics", "codes", "tag"], ascending=[False, False, True]).reset_index(drop=True)


def expertise_ratio(codes: pd.DataFrame, a: str = "Beginners", b: str = "Intermediate", merge: bool = True) -> dict:
    """Topics and codes of Discourse category `a` per one of `b` (e.g. Beginners per Intermediate).

    Returns counts for both and the two ratios (NaN when `b` has none)."""
    table = tag_counts(codes, merge).set_index("tag")
    key = {tag_key(t): t for t in table.index}

    def get(name, column):
        tag = name if not merge else key.get(tag_key(name))
        return int(table.loc[tag, column]) if tag in table.index else 0

    ta, tb, ca, cb = get(a, "topics"), get(b, "topics"), get(a, "codes"), get(b, "codes")
    return {"a": a, "b": b, "topics_a": ta, "topics_b": tb, "codes_a": ca, "codes_b": cb,
            "topic_ratio": ta / tb if tb else np.nan, "code_ratio": ca / cb if cb else np.nan}


def code_count_candidates(codes: pd.DataFrame, overview: pd.DataFrame | None = None) -> pd.DataFrame:
    """Candidate counts of "low-level codes" in the public files (to set beside the paper's 1,237)."""
    rows = [
        ("rows of All_Codes.csv (one open code each)", len(codes)),
        ("distinct (topic, code) pairs", int(codes[["topic", "code"]].drop_duplicates().shape[0])),
        ("distinct code texts", int(codes["code"].nunique())),
        ("rows with at least one note cell", int((codes["notes"].map(len) > 0).sum())),
    ]
    if overview is not None:
        rows.append(("codings in the Overview sheet (challenges + benefits)", int(overview["count"].sum())))
    return pd.DataFrame(rows, columns=["what", "count"])


# =============================================================================================
# Table II: root causes
# =============================================================================================

_TABLE2_GROUP = {row: group for group, row in rules.TABLE2_ROWS}


def _normalise_root_cause(text) -> str:
    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    text = text.strip().lower()
    for pattern, replacement in rules.ROOT_CAUSE_SPELLING.items():
        text = re.sub(pattern, replacement, text)
    return text


def classify_root_causes(root_causes: pd.DataFrame, prefer: str = "first") -> pd.DataFrame:
    """Assign each root cause to a row of Table II with the ordered rules in `saner_rules`.

    `prefer` decides rows matched by rules of different groups (e.g. "Lack of feature support by HF
    ... / Lack of knowledge by user"): "first" keeps the first matching rule; "user" or "hf" take the
    first matching rule of that group if there is one. Unmatched texts get row "unmapped".

    Adds columns: rule, row, group, matches (list of all matching rule ids), ambiguous (bool:
    matching rules point to different groups), two_causes (bool: the text names two causes, see
    `ROOT_CAUSE_TWO_CAUSES`)."""
    if prefer not in {"first", "user", "hf"}:
        raise ValueError("prefer must be 'first', 'user' or 'hf'")
    compiled = [(rid, re.compile(pattern), row) for rid, pattern, row, _ in rules.ROOT_CAUSE_RULES]
    wanted = {"user": "User-related", "hf": "HF-related"}.get(prefer)
    out_rule, out_row, out_matches, out_ambiguous = [], [], [], []
    for text in root_causes["root_cause"]:
        norm = _normalise_root_cause(text)
        hits = [(rid, row) for rid, rx, row in compiled if rx.search(norm)]
        groups = {_TABLE2_GROUP[row] for _, row in hits}
        chosen = hits[0] if hits else (None, "unmapped")
        if wanted and len(groups) > 1:
            for rid, row in hits:
                if _TABLE2_GROUP[row] == wanted:
                    chosen = (rid, row)
                    break
        out_rule.append(chosen[0])
        out_row.append(chosen[1])
        out_matches.append([rid for rid, _ in hits])
        out_ambiguous.append(len(groups) > 1)
    out = root_causes.copy()
    out["rule"] = pd.array(out_rule, dtype="str")
    out["row"] = out_row
    out["group"] = [_TABLE2_GROUP.get(r, "unmapped") for r in out_row]
    out["matches"] = out_matches
    out["ambiguous"] = out_ambiguous
    two = re.compile(rules.ROOT_CAUSE_TWO_CAUSES)
    out["two_causes"] = [bool(two.search(_normalise_root_cause(t))) for t in root_causes["root_cause"]]
    return out


def table2(classified: pd.DataFrame) -> pd.DataFrame:
    """Table II: group, row, count, share (% of all classified rows), in the paper's order.

    Rows with no root cause of a Table II row are listed last as "unmapped" (if any)."""
    total = len(classified)
    counts = classified["row"].value_counts()
    rows = [(g, r, int(counts.get(r, 0))) for g, r in rules.TABLE2_ROWS]
    if counts.get("unmapped", 0):
        rows.append(("unmapped", "unmapped", int(counts["unmapped"])))
    table = pd.DataFrame(rows, columns=["group", "row", "count"])
    table["share"] = 100 * table["count"] / total if total else np.nan
    return table


def table2_groups(table: pd.DataFrame) -> pd.DataFrame:
    """Group totals of Table II: group, count, share (%)."""
    out = table.groupby("group", sort=False)[["count", "share"]].sum().reset_index()
    return out


def rule_hits(classified: pd.DataFrame) -> pd.DataFrame:
    """For each rule: the Table II row it assigns, rows it decided, rows it matched at all, why."""
    decided = classified["rule"].value_counts()
    matched = pd.Series([m for ms in classified["matches"] for m in ms], dtype="str").value_counts()
    return pd.DataFrame([
        {"rule": rid, "row": row, "decides": int(decided.get(rid, 0)), "matches": int(matched.get(rid, 0)),
         "pattern": pattern, "why": why}
        for rid, pattern, row, why in rules.ROOT_CAUSE_RULES
    ])


def accepted_answers(root_causes: pd.DataFrame, codes: pd.DataFrame) -> dict:
    """Root-cause rows, their distinct topics, the coded sample's topics, and the resulting ratios."""
    sample = int(codes["topic"].nunique())
    answers = int(len(root_causes))
    topics = int(root_causes["topic"].nunique())
    outside = sorted(set(root_causes["topic"]) - set(codes["topic"]))
    return {"answers": answers, "answer_topics": topics, "sample_topics": sample,
            "ratio_answers": answers / sample if sample else np.nan,
            "ratio_topics": topics / sample if sample else np.nan,
            "topics_not_in_sample": outside}


# =============================================================================================
# Open codes -> codebook subcategories (approximation)
# =============================================================================================


@lru_cache(maxsize=1)
def _compiled_code_rules():
    return [(rid, re.compile(pattern, re.IGNORECASE), category, sub) for rid, pattern, category, sub in rules.CODE_RULES]


def code_rule_kinds(codebooks: pd.DataFrame) -> dict:
    """Map each codebook category key to its kind ("challenge" or "benefit")."""
    return {category_key(c): k for c, k in zip(codebooks["category"], codebooks["kind"])}


def assign_codes(codes: pd.DataFrame, codebooks: pd.DataFrame) -> pd.DataFrame:
    """Assign every open code to a codebook (sub)category with the first matching rule of `CODE_RULES`.

    `codebooks` is the two codebooks concatenated (challenges and benefits); it tells the kind of
    each category and checks that every rule names an existing (sub)category. Adds columns rule,
    kind, category, subcategory (missing where the category has none, or no rule matched: kind is
    then "unassigned")."""
    known = {(category_key(c), None if pd.isna(s) else s) for c, s in zip(codebooks["category"], codebooks["subcategory"])}
    kinds = code_rule_kinds(codebooks)
    compiled = _compiled_code_rules()
    for rid, _, category, sub in compiled:
        if (category_key(category), sub) not in known:
            raise ValueError(f"code rule {rid} names ({category!r}, {sub!r}), which is not in the codebooks")
    names = {category_key(c): c for c in codebooks["category"]}
    out_rule, out_kind, out_cat, out_sub = [], [], [], []
    for text in codes["code"].astype("str"):
        for rid, rx, category, sub in compiled:
            if rx.search(text):
                out_rule.append(rid)
                out_kind.append(kinds[category_key(category)])
                out_cat.append(names[category_key(category)])
                out_sub.append(sub)
                break
        else:
            out_rule.append(None)
            out_kind.append("unassigned")
            out_cat.append(None)
            out_sub.append(None)
    out = codes.copy()
    out["rule"] = pd.array(out_rule, dtype="str")
    out["kind"] = out_kind
    out["category"] = pd.array(out_cat, dtype="str")
    out["subcategory"] = pd.array(out_sub, dtype="str")
    return out


def category_fit(assigned: pd.DataFrame, overview: pd.DataFrame, kind: str = "challenge") -> pd.DataFrame:
    """Our approximate category totals beside Table I: label, category, ours, ours_share, paper, paper_share, difference (points)."""
    paper = table1(overview, kind)
    part = assigned[assigned["kind"] == kind]
    ours = part["category"].map(category_key).value_counts()
    table = paper.rename(columns={"count": "paper", "share": "paper_share"})
    table["ours"] = [int(ours.get(category_key(c), 0)) for c in table["category"]]
    total = table["ours"].sum()
    table["ours_share"] = 100 * table["ours"] / total if total else np.nan
    table["difference"] = table["ours_share"] - table["paper_share"]
    return table[["label", "category", "ours", "ours_share", "paper", "paper_share", "difference"]]


def fit_summary(fit: pd.DataFrame) -> dict:
    """How close approximate category shares are to the paper's: Spearman rho, mean and largest absolute difference."""
    rho = stats.spearman(fit["ours"], fit["paper"])
    return {"spearman": rho.r, "mean_abs_difference": float(fit["difference"].abs().mean()),
            "max_abs_difference": float(fit["difference"].abs().max())}


def figure2(assigned: pd.DataFrame, levels=("Beginners", "Intermediate"), merge: bool = True,
            min_share: float = 0.0) -> pd.DataFrame:
    """Share (%) of each challenge subcategory among the challenge codes of each expertise level.

    Long format: level, category, subcategory, item (subcategory, or the category where it has none),
    codes, share. Rows below `min_share` at every level are dropped (the paper's figure shows
    subcategories above 2 %)."""
    frame = assigned[assigned["kind"] == "challenge"].copy()
    frame["level"] = canonical_tags(frame["tag"], merge)
    keys = {tag_key(l): l for l in levels}
    frame = frame[frame["level"].map(tag_key).isin(keys)] if merge else frame[frame["level"].isin(levels)]
    frame["level"] = frame["level"].map(lambda t: keys.get(tag_key(t), t))
    frame["item"] = frame["subcategory"].fillna(frame["category"])
    counts = frame.groupby(["level", "category", "item"], dropna=False).size().rename("codes").reset_index()
    totals = frame.groupby("level").size()
    full = []
    items = counts[["category", "item"]].drop_duplicates()
    for level in levels:
        part = items.merge(counts[counts["level"] == level][["category", "item", "codes"]], how="left",
                           on=["category", "item"]).fillna({"codes": 0})
        part["level"] = level
        n = int(totals.get(level, 0))
        part["share"] = 100 * part["codes"] / n if n else np.nan
        full.append(part)
    out = pd.concat(full, ignore_index=True) if full else pd.DataFrame(columns=["level", "category", "item", "codes", "share"])
    out["codes"] = out["codes"].astype("int64")
    if min_share > 0 and not out.empty:
        keep = out.groupby("item")["share"].transform("max") > min_share
        out = out[keep]
    return out[["level", "category", "item", "codes", "share"]].sort_values(["item", "level"]).reset_index(drop=True)


def subcategory_shares(assigned: pd.DataFrame, kind: str = "challenge") -> pd.DataFrame:
    """Codes per (category, subcategory) under the approximate assignment, and their share (%) of all
    codes of that kind. Categories without subcategories appear with a missing subcategory."""
    part = assigned[assigned["kind"] == kind]
    table = part.groupby(["category", "subcategory"], dropna=False).size().rename("codes").reset_index()
    table["share"] = 100 * table["codes"] / len(part) if len(part) else np.nan
    return table.sort_values("codes", ascending=False).reset_index(drop=True)


def share_of(shares: pd.DataFrame, category: str, subcategory: str | None) -> float:
    """The share (%) of one (category, subcategory) in a `subcategory_shares` table (0 if absent)."""
    match = shares["category"].map(category_key) == category_key(category)
    match &= shares["subcategory"].isna() if subcategory is None else shares["subcategory"] == subcategory
    return float(shares.loc[match, "share"].sum())


def figure2_quoted(assigned: pd.DataFrame, levels=("Beginners", "Intermediate"), merge: bool = True) -> pd.DataFrame:
    """The subcategories the paper quotes from its Figure 2 (`FIGURE2_SUBCATEGORIES`): label, level, codes, share (%)."""
    full = figure2(assigned, levels, merge, min_share=0.0)
    rows = []
    for label, category, sub in rules.FIGURE2_SUBCATEGORIES:
        item = sub if sub is not None else category
        for level in levels:
            hit = full[(full["level"] == level) & (full["item"] == item)]
            rows.append({"label": label, "level": level, "codes": int(hit["codes"].sum()),
                         "share": float(hit["share"].sum()) if len(hit) else 0.0})
    return pd.DataFrame(rows)


def topic_periods(codes: pd.DataFrame, periods: int = 3) -> pd.Series:
    """Split the coded topics into `periods` groups of (nearly) equal size by topic number.

    Discourse numbers topics in the order they are created, so a higher number means a later
    topic; the groups are therefore successive stretches of time, though of unknown and unequal
    length in months. Returns, for every row of `codes`, the period (1 = earliest)."""
    topics = pd.Series(sorted(codes["topic"].unique()))
    if topics.empty:
        return pd.Series([], dtype="int64", index=codes.index)
    periods = max(1, min(periods, len(topics)))
    labels = pd.qcut(topics.rank(method="first"), periods, labels=False) + 1
    lookup = dict(zip(topics, labels.astype("int64")))
    return codes["topic"].map(lookup).astype("int64")


def level_totals(assigned: pd.DataFrame, levels=("Beginners", "Intermediate"), merge: bool = True) -> dict:
    """Challenge codes per expertise level under the approximate assignment."""
    frame = assigned[assigned["kind"] == "challenge"]
    tags = canonical_tags(frame["tag"], merge)
    return {level: int((tags.map(tag_key) == tag_key(level)).sum() if merge else (tags == level).sum()) for level in levels}


# =============================================================================================
# RQ3: model types on the forum and on the Hub
# =============================================================================================


def window_totals(long: pd.DataFrame, start: str, end: str) -> pd.Series:
    """Sum of `count` per model type over months start..end (inclusive); every type of the table is
    kept (0 if it has no count in the window). Sorted by count descending, then name."""
    inside = long[(long["month"] >= start) & (long["month"] <= end)]
    totals = inside.groupby("model_type")["count"].sum()
    totals = totals.reindex(sorted(long["model_type"].unique()), fill_value=0).astype("int64")
    return _sorted(totals)


def _sorted(totals: pd.Series) -> pd.Series:
    frame = totals.rename("count").rename_axis("model_type").reset_index()
    frame = frame.sort_values(["count", "model_type"], ascending=[False, True])
    return frame.set_index("model_type")["count"]


def coverage_types(totals: pd.Series, coverage: float = 0.9) -> list[str]:
    """The fewest most-counted types whose counts reach `coverage` of the total (ties broken by name)."""
    totals = _sorted(totals[totals > 0])
    if totals.empty:
        return []
    cumulative = totals.cumsum() / totals.sum()
    k = int((cumulative < coverage - 1e-12).sum()) + 1
    return list(totals.index[:min(k, len(totals))])


TYPE_SETS = ("forum_top", "hub_top", "forum", "hub", "union", "intersection", "both_top")


def type_set(forum: pd.Series, hub: pd.Series, which: str, coverage: float = 0.9) -> list[str]:
    """Model types to compare.

    forum_top / hub_top: the types covering `coverage` of the forum's / Hub's counts; both_top:
    types in both of these; forum / hub: every type of that side (the other side zero-filled);
    union / intersection of the two sides' types."""
    if which == "forum_top":
        return coverage_types(forum, coverage)
    if which == "hub_top":
        return coverage_types(hub, coverage)
    if which == "both_top":
        hub_top = set(coverage_types(hub, coverage))
        return [t for t in coverage_types(forum, coverage) if t in hub_top]
    if which == "forum":
        return list(forum.index)
    if which == "hub":
        return list(hub.index)
    if which == "union":
        return sorted(set(forum.index) | set(hub.index))
    if which == "intersection":
        return sorted(set(forum.index) & set(hub.index))
    raise ValueError(f"unknown type set {which!r}; choose from {TYPE_SETS}")


def distribution_table(forum: pd.Series, hub: pd.Series, types: list[str]) -> pd.DataFrame:
    """Per type: forum and hub counts (0 where a side lacks the type), shares of each side's total (%), ranks."""
    table = pd.DataFrame({"model_type": list(types)})
    table["forum"] = forum.reindex(types, fill_value=0).to_numpy(dtype="int64")
    table["hub"] = hub.reindex(types, fill_value=0).to_numpy(dtype="int64")
    table["forum_share"] = 100 * table["forum"] / forum.sum() if forum.sum() else np.nan
    table["hub_share"] = 100 * table["hub"] / hub.sum() if hub.sum() else np.nan
    table["forum_rank"] = table["forum"].rank(ascending=False, method="min").astype("int64") if len(table) else []
    table["hub_rank"] = table["hub"].rank(ascending=False, method="min").astype("int64") if len(table) else []
    table["on_forum"] = table["model_type"].isin(forum.index)
    table["on_hub"] = table["model_type"].isin(hub.index)
    return table


def distribution_correlation(forum: pd.Series, hub: pd.Series, types: list[str]) -> stats.Correlation:
    """Spearman's rho between forum and hub counts over `types` (zero-filled where a side lacks a type)."""
    table = distribution_table(forum, hub, types)
    return stats.spearman(table["forum"], table["hub"])


def rho_variants(forum_long: pd.DataFrame, hub_tables: dict[str, pd.DataFrame], forum_windows: dict,
                 hub_windows: dict, sets=TYPE_SETS, coverage: float = 0.9) -> pd.DataFrame:
    """Spearman's rho for every combination of hub table, forum window, hub window and type set.

    `hub_tables`: name -> long table; `*_windows`: name -> (start, end). Returns one row per
    combination with n, rho and p."""
    rows = []
    for (table_name, hub_long), (fw, (fa, fb)), (hw, (ha, hb)) in itertools.product(
            hub_tables.items(), forum_windows.items(), hub_windows.items()):
        forum = window_totals(forum_long, fa, fb)
        hub = window_totals(hub_long, ha, hb)
        for which in sets:
            types = type_set(forum, hub, which, coverage)
            result = distribution_correlation(forum, hub, types)
            rows.append({"hub_table": table_name, "forum_window": fw, "hub_window": hw, "types": which,
                         "n": result.n, "rho": result.r, "p": result.p})
    return pd.DataFrame(rows)


def top_k_share(totals: pd.Series, k: int) -> float:
    """Share (%) of the total held by the k most counted types."""
    return float(100 * _sorted(totals).iloc[:k].sum() / totals.sum()) if totals.sum() else np.nan


# =============================================================================================
# RQ3: trends over time per model type
# =============================================================================================


def monthly_matrix(long: pd.DataFrame, months: list[str], types: list[str] | None = None) -> pd.DataFrame:
    """Types x months counts, zero-filled (months or types absent from `long` count 0)."""
    wide = long.pivot_table(index="model_type", columns="month", values="count", aggfunc="sum", fill_value=0)
    index = types if types is not None else sorted(long["model_type"].unique())
    return wide.reindex(index=index, columns=months, fill_value=0).fillna(0).astype("int64")


TRIM_CHOICES = ("none", "first_any", "first_forum")
TREND_COLUMNS = ["model_type", "first_month", "months", "forum_total", "hub_total", "rho", "p", "ci_low", "ci_high",
                 "forum_tau", "forum_tau_p", "hub_tau", "hub_tau_p", "note"]


def trend_correlations(forum_long: pd.DataFrame, hub_long: pd.DataFrame, types: list[str], start: str,
                       end: str, trim: str = "first_any", confidence: float = 0.95) -> pd.DataFrame:
    """Spearman's rho between a type's monthly forum mentions and monthly new Hub models.

    The window runs from `start` to `end`; `trim` shortens it per type: "none" keeps every month,
    "first_any" starts at the first month with a count on either side, "first_forum" at the first
    month with a forum mention. Columns: model_type, first_month, months, forum_total, hub_total,
    rho, p, ci_low, ci_high (Spearman, forum against Hub), forum_tau, forum_tau_p, hub_tau,
    hub_tau_p (Mann-Kendall trend of each side over the same months), note."""
    if trim not in TRIM_CHOICES:
        raise ValueError(f"trim must be one of {TRIM_CHOICES}")
    months = months_between(start, end)
    forum = monthly_matrix(forum_long, months, types)
    hub = monthly_matrix(hub_long, months, types)
    rows = []
    for t in types:
        x, y = forum.loc[t], hub.loc[t]
        active = (x > 0) | (y > 0) if trim == "first_any" else (x > 0) if trim == "first_forum" else pd.Series(True, index=months)
        first = active.idxmax() if active.any() else None
        kept = [m for m in months if first is not None and m >= first]
        result = stats.spearman(x[kept].to_numpy(), y[kept].to_numpy(), confidence=confidence)
        forum_trend = stats.kendall_trend(x[kept].to_numpy())
        hub_trend = stats.kendall_trend(y[kept].to_numpy())
        rows.append({"model_type": t, "first_month": first, "months": len(kept),
                     "forum_total": int(x[kept].sum()), "hub_total": int(y[kept].sum()),
                     "rho": result.r, "p": result.p, "ci_low": result.ci_low, "ci_high": result.ci_high,
                     "forum_tau": forum_trend.r, "forum_tau_p": forum_trend.p,
                     "hub_tau": hub_trend.r, "hub_tau_p": hub_trend.p, "note": result.note})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def with_corrections(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Add Holm and Benjamini-Hochberg adjusted p-values and the decisions at `alpha`.

    New columns: p_holm, p_bh, significant (raw p <= alpha), significant_holm, significant_bh,
    changed (the decision differs between raw and Holm or BH)."""
    out = table.copy()
    holm = stats.adjust_pvalues(out["p"].to_numpy(), "holm", alpha)
    bh = stats.adjust_pvalues(out["p"].to_numpy(), "bh", alpha)
    out["p_holm"] = holm["p_adjusted"].to_numpy()
    out["p_bh"] = bh["p_adjusted"].to_numpy()
    out["significant"] = (out["p"] <= alpha).fillna(False).astype(bool)
    out["significant_holm"] = holm["reject"].to_numpy()
    out["significant_bh"] = bh["reject"].to_numpy()
    out["changed"] = (out["significant"] != out["significant_holm"]) | (out["significant"] != out["significant_bh"])
    return out


def normality_by_type(long: pd.DataFrame, types: list[str], start: str, end: str) -> pd.DataFrame:
    """Shapiro-Wilk on each type's monthly series over start..end: model_type, n, W, p, normal."""
    matrix = monthly_matrix(long, months_between(start, end), types)
    rows = [{"model_type": t, **stats.shapiro(matrix.loc[t].to_numpy())} for t in types]
    return pd.DataFrame(rows, columns=["model_type", "n", "W", "p", "normal", "note"])


# =============================================================================================
# RQ3: model cards
# =============================================================================================


def cards_in_window(cards: pd.DataFrame, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    keep = pd.Series(True, index=cards.index)
    if start:
        keep &= cards["month"] >= start
    if end:
        keep &= cards["month"] <= end
    return cards[keep].sort_values("month").reset_index(drop=True)


def card_overall(cards: pd.DataFrame) -> dict:
    """Models, models with a card, and the share (%) over all rows of `cards`."""
    models, with_card = int(cards["models"].sum()), int(cards["with_card"].sum())
    return {"months": len(cards), "models": models, "with_card": with_card,
            "share": 100 * with_card / models if models else np.nan}


def card_before_after(cards: pd.DataFrame, split: str, alternative: str = "greater") -> dict:
    """Monthly card shares from `split` on against those before it (Mann-Whitney U, effect sizes).

    `alternative="greater"` asks whether the later months have higher shares. Also returns each
    period's month count, median share and pooled share."""
    after = cards[cards["month"] >= split]
    before = cards[cards["month"] < split]
    test = stats.mann_whitney(after["card_ratio"], before["card_ratio"], alternative=alternative)
    pooled = lambda part: part["with_card"].sum() / part["models"].sum() if part["models"].sum() else np.nan  # noqa: E731
    return {**test, "months_before": len(before), "months_after": len(after),
            "median_before": float(before["card_ratio"].median()) if len(before) else np.nan,
            "median_after": float(after["card_ratio"].median()) if len(after) else np.nan,
            "pooled_before": float(pooled(before)), "pooled_after": float(pooled(after))}


def months_above(cards: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The months whose card share exceeds `threshold`."""
    return cards[cards["card_ratio"] > threshold].reset_index(drop=True)


def card_trend(cards: pd.DataFrame) -> stats.Correlation:
    """Kendall's tau between the monthly card share and time (Mann-Kendall trend test)."""
    return stats.kendall_trend(cards.sort_values("month")["card_ratio"].to_numpy())
