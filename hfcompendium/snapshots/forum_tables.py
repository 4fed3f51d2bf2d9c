"""Streaming conversion of captured forum topics into the tidy tables of a forum snapshot.

Input: the raw lines of `raw/topics.jsonl`, one topic each:
`{"topic": <the /t/{id}.json body>, "more_posts": [<posts fetched in batches>]}`.

    topics            id, title, created_at, category_id, category, tags, posts_count,
                      has_accepted_answer, accepted_answer_post_id
    posts             id, topic_id, post_number, created_at, username, text
    topic_mentions    topic_id, model_type: the model types each topic mentions
    mentions_monthly  model_type, month ("YYYY-MM"), count: topics mentioning each type,
                      by month of topic creation, every month from the first to the last
                      topic included (zeros too); the shape of the published forum table

A post's text is its markdown `raw` when the API included it, else its `cooked`
HTML reduced to text. A topic's text for mention matching is its title and the
text of every post (see `mentions` for the matching rules). The accepted answer
(Discourse's "solved" plugin) comes from the topic's `accepted_answer.post_number`
or from a post flagged `accepted_answer`.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from .hub_tables import MODEL_TYPES_MONTHLY_SCHEMA, TIMESTAMP, month_range
from .journal import parse_utc, tolerant_json
from .mentions import matcher_for

TOPICS_SCHEMA = pa.schema([
    pa.field("id", pa.int64(), nullable=False),
    pa.field("title", pa.string()),
    pa.field("created_at", TIMESTAMP),
    pa.field("category_id", pa.int64()),
    pa.field("category", pa.string()),
    pa.field("tags", pa.list_(pa.string())),
    pa.field("posts_count", pa.int64()),
    pa.field("has_accepted_answer", pa.bool_(), nullable=False),
    pa.field("accepted_answer_post_id", pa.int64()),
])
POSTS_SCHEMA = pa.schema([
    pa.field("id", pa.int64(), nullable=False),
    pa.field("topic_id", pa.int64(), nullable=False),
    pa.field("post_number", pa.int64()),
    pa.field("created_at", TIMESTAMP),
    pa.field("username", pa.string()),
    pa.field("text", pa.string()),
])
TOPIC_MENTIONS_SCHEMA = pa.schema([
    pa.field("topic_id", pa.int64(), nullable=False),
    pa.field("model_type", pa.string(), nullable=False),
])
MENTIONS_MONTHLY_SCHEMA = MODEL_TYPES_MONTHLY_SCHEMA
TABLES = ("topics", "posts", "topic_mentions", "mentions_monthly")
FLUSH_TOPICS = 2_000

_BLOCK_TAGS = {"p", "br", "div", "li", "pre", "blockquote", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "aside", "hr"}


class _TextOfHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of Discourse's cooked HTML (code blocks and link texts kept, tags dropped)."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def tag_names(tags) -> list[str]:
    """Tag names from strings (older Discourse) or objects with a name or slug (newer)."""
    names = []
    for tag in tags or []:
        if isinstance(tag, str):
            names.append(tag)
        elif isinstance(tag, dict):
            name = tag.get("name") or tag.get("slug") or tag.get("text")
            if isinstance(name, str):
                names.append(name)
    return names


def iter_posts(record: dict) -> Iterator[dict]:
    """Every post of a stored topic record: the embedded ones, then those fetched in batches."""
    topic = record.get("topic") or {}
    yield from ((topic.get("post_stream") or {}).get("posts") or [])
    yield from record.get("more_posts") or []


def post_text(post: dict) -> str:
    raw = post.get("raw")
    if isinstance(raw, str) and raw.strip():
        return raw
    cooked = post.get("cooked")
    return html_to_text(cooked) if isinstance(cooked, str) else ""




def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class ForumTablesWriter:
    """Consumes stored topic records; writes `topics`, `posts`, `topic_mentions` in batches and
    `mentions_monthly` at `close()`."""

    def __init__(self, out_dir: Path, categories: list[dict], types: Iterable[str]):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.category_names = {c["id"]: c.get("name") for c in categories if _int(c.get("id")) is not None}
        self.matcher = matcher_for(frozenset(types))
        self.notes: Counter = Counter()
        self._seen: set[int] = set()
        self._months: set[str] = set()
        self._monthly: Counter = Counter()
        self._rows = {table: [] for table in ("topics", "posts", "topic_mentions")}
        self._schemas = {"topics": TOPICS_SCHEMA, "posts": POSTS_SCHEMA, "topic_mentions": TOPIC_MENTIONS_SCHEMA}
        self._writers = {t: pq.ParquetWriter(self.path(t), s) for t, s in self._schemas.items()}

    def path(self, table: str) -> Path:
        return self.out_dir / f"{table}.parquet"

    def add(self, record: dict) -> None:
        topic = record.get("topic") or {}
        topic_id = _int(topic.get("id"))
        if topic_id is None or topic_id in self._seen:
            self.notes["topics_skipped_no_id_or_repeated"] += 1
            return
        self._seen.add(topic_id)
        posts = {}
        for post in iter_posts(record):
            if isinstance(post, dict) and _int(post.get("id")) is not None:
                posts.setdefault(post["id"], post)
        ordered = sorted(posts.values(), key=lambda p: (_int(p.get("post_number")) or 0, p["id"]))
        texts = [post_text(p) for p in ordered]
        created = parse_utc(topic.get("created_at"))
        self._add_topic(topic, topic_id, created, ordered)
        for post, text in zip(ordered, texts):
            self._rows["posts"].append({"id": post["id"], "topic_id": topic_id, "post_number": _int(post.get("post_number")),
                                        "created_at": parse_utc(post.get("created_at")),
                                        "username": post.get("username") if isinstance(post.get("username"), str) else None,
                                        "text": text})
        title = topic.get("title") if isinstance(topic.get("title"), str) else ""
        found = sorted(self.matcher.types_in("\n".join([title, *texts])))
        self._rows["topic_mentions"].extend({"topic_id": topic_id, "model_type": t} for t in found)
        if created is not None:
            month = f"{created:%Y-%m}"
            self._months.add(month)
            self._monthly.update((t, month) for t in found)
        else:
            self.notes["topics_without_creation_date"] += 1
        self.notes["posts"] += len(ordered)
        if len(self._rows["topics"]) >= FLUSH_TOPICS:
            self._flush()

    def _add_topic(self, topic: dict, topic_id: int, created, posts: list[dict]) -> None:
        by_number = {p.get("post_number"): p["id"] for p in posts}
        accepted = None
        answer = topic.get("accepted_answer")
        if isinstance(answer, dict):
            accepted = by_number.get(answer.get("post_number"))
        if accepted is None:
            accepted = next((p["id"] for p in posts if p.get("accepted_answer") is True), None)
        category_id = _int(topic.get("category_id"))
        self._rows["topics"].append({
            "id": topic_id,
            "title": topic.get("title") if isinstance(topic.get("title"), str) else None,
            "created_at": created,
            "category_id": category_id,
            "category": self.category_names.get(category_id),
            "tags": tag_names(topic.get("tags")),
            "posts_count": _int(topic.get("posts_count")),
            "has_accepted_answer": accepted is not None or topic.get("has_accepted_answer") is True,
            "accepted_answer_post_id": accepted,
        })

    def _flush(self) -> None:
        for table, rows in self._rows.items():
            if rows:
                self._writers[table].write_table(pa.Table.from_pylist(rows, schema=self._schemas[table]))
                rows.clear()

    def close(self) -> dict[str, Path]:
        self._flush()
        for writer in self._writers.values():
            writer.close()
        types = sorted({t for t, _ in self._monthly})
        months = month_range(self._months)
        rows = [(t, m, self._monthly.get((t, m), 0)) for t in types for m in months]
        pq.write_table(pa.Table.from_pydict(
            {"model_type": [r[0] for r in rows], "month": [r[1] for r in rows], "count": [r[2] for r in rows]},
            schema=MENTIONS_MONTHLY_SCHEMA), self.path("mentions_monthly"))
        self.notes["topics"] = len(self._seen)
        self.notes["types_mentioned"] = len(types)
        return {table: self.path(table) for table in TABLES}


def convert_topic_lines(lines: Iterable[bytes], writer: ForumTablesWriter) -> dict[str, Path]:
    """Convert stored topic lines (e.g. `Journal.iter_lines()`) into tables; returns the table files."""
    for number, line in enumerate(lines, start=1):
        try:
            record = tolerant_json(line)
        except ValueError as exc:
            raise ValueError(f"raw topic line {number} is not valid JSON ({exc})") from None
        writer.add(record)
    return writer.close()
