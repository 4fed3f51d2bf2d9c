"""Live snapshots of the Hugging Face Hub and forum, as the same tidy tables the chapters read.

    hfcompendium snapshot hub      # resumable crawl of the Hub's model listing
    hfcompendium snapshot forum    # resumable crawl of the Discourse forum
    hfcompendium snapshot import-dump models.parquet --name hub-2026-11-01
    hfcompendium snapshot list

In a chapter, a `snapshot` parameter names one, and

    from hfcompendium.snapshots import load_table
    models = load_table(snapshot, "models")

reads a table (and records the read, so the book knows what the chapter used);
`provenance([snapshot])` names where it came from (endpoint, capture time, tables, rows, sha256).

Modules: `registry` (what exists, manifests, reading), `hub` and `forum` (the
capture clients), `hub_tables` and `forum_tables` (streaming conversion),
`mentions` (model-type mentions in text), `journal` and `retries` (resumable,
patient crawling), `cli`.
"""

__all__ = [
    "SnapshotError", "SnapshotInfo", "TableInfo", "content_hash", "get_snapshot", "list_snapshots", "load_table",
    "provenance",
    "capture_hub", "capture_forum", "import_hub_dump", "count_topic_mentions", "count_mentions_naive",
    "MentionMatcher",
]


_REGISTRY_NAMES = ("SnapshotError", "SnapshotInfo", "TableInfo", "content_hash", "get_snapshot", "list_snapshots",
                   "load_table", "provenance")


def __getattr__(name):
    # Everything loads on first use: chapters that only read tables need not import HTTP
    # clients or transformers, and the conversion's worker processes need not import pandas.
    if name in _REGISTRY_NAMES:
        from . import registry
        return getattr(registry, name)
    if name in ("capture_hub", "import_hub_dump"):
        from . import hub
        return getattr(hub, name)
    if name == "capture_forum":
        from .forum import capture_forum
        return capture_forum
    if name in ("count_topic_mentions", "count_mentions_naive", "MentionMatcher"):
        from . import mentions
        return getattr(mentions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
