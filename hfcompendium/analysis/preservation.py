"""Library preservation from base models to their direct descendants (ESEM 2024, equation 1).

For a library L, B is the set of base models that support L and at least one other library, D_b
the direct descendants of b, and S(d, L) = 1 when descendant d supports L. Then

    P_L = sum_{b in B} sum_{d in D_b} S(d, L) / sum_{b in B} |D_b|

A descendant with two base models in B counts once under each. A descendant with no known
library supports none.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["library", "base_models", "descendants", "supporting", "rate"]
# Hub tags that name a framework or weight format rather than a task, language or licence.
FRAMEWORK_TAGS = frozenset({"pytorch", "tf", "jax", "safetensors", "onnx", "tflite", "coreml", "gguf", "rust",
                            "keras", "tensorboard", "openvino", "mlx"})


def preservation_rates(links: pd.DataFrame, libraries: pd.DataFrame, min_libraries: int = 2) -> pd.DataFrame:
    """P_L for every library some qualifying base model supports, most preserved first.

    links:      one row per (descendant, base model) pair, columns `model_id` (descendant) and `base_model`
    libraries:  one row per (model, library) pair, columns `model_id` and `library_name`
    min_libraries: a base model qualifies for L when it supports L and at least this many libraries
                   in all (2 in the paper: L and one other)
    """
    libs = libraries[["model_id", "library_name"]].dropna().drop_duplicates()
    pairs = links[["model_id", "base_model"]].dropna().drop_duplicates()
    per_model = libs.groupby("model_id")["library_name"].agg(frozenset)
    counts = per_model.map(len)
    qualifying = libs[libs["model_id"].map(counts) >= min_libraries].rename(
        columns={"model_id": "base_model", "library_name": "library"})
    if qualifying.empty or pairs.empty:
        return pd.DataFrame(columns=COLUMNS).astype({"base_models": "int64", "descendants": "int64",
                                                     "supporting": "int64", "rate": "float64"})
    rows = qualifying.merge(pairs, on="base_model", how="inner")
    support = rows["model_id"].map(per_model)
    rows["supports"] = [lib in s if isinstance(s, frozenset) else False for lib, s in zip(rows["library"], support)]
    table = rows.groupby("library").agg(base_models=("base_model", "nunique"), descendants=("model_id", "size"),
                                        supporting=("supports", "sum"))
    table["rate"] = table["supporting"] / table["descendants"]
    table = table.reset_index().astype({"base_models": "int64", "descendants": "int64", "supporting": "int64"})
    return table.sort_values(["rate", "descendants", "library"], ascending=[False, False, True],
                             ignore_index=True)[COLUMNS]


def libraries_from_tags(models: pd.DataFrame, extra: frozenset[str] = FRAMEWORK_TAGS) -> pd.DataFrame:
    """All libraries each model supports, as (model_id, library_name) pairs.

    A model supports its `library_name` and every tag that is either the `library_name` of some
    model in the same table (e.g. "transformers", "timm", "diffusers") or one of `extra`
    (framework and weight-format tags such as "pytorch" or "safetensors").
    models: columns `id`, `library_name` and `tags` (list of str or None)
    """
    known = set(models["library_name"].dropna().astype(str)) | set(extra)
    pairs = [(model_id, library) for model_id, library in zip(models["id"], models["library_name"])
             if isinstance(library, str)]
    for model_id, tags in zip(models["id"], models["tags"]):
        if tags is None or (isinstance(tags, float) and tags != tags):
            continue
        pairs.extend((model_id, str(tag)) for tag in tags if str(tag) in known)
    return pd.DataFrame(pairs, columns=["model_id", "library_name"]).drop_duplicates(ignore_index=True)
