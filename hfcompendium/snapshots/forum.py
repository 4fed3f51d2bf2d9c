"""`hfcompendium snapshot forum`: a resumable snapshot of a Discourse forum (discuss.huggingface.co).

A thin client of Discourse's public JSON API:

- categories: `/site.json` (every category, subcategories included), else `/categories.json`;
- topic lists: `/latest.json?order=created&page=N` (or `/c/{slug}/{id}.json?...` for one
  category), newest first, 30 topics a page, until `more_topics_url` disappears or,
  with `--from-date`, until a page holds only older topics;
- each topic: `/t/{id}.json`, which embeds its first posts (up to 20) and lists every
  post id in `post_stream.stream`; the other posts come from
  `/t/{id}/posts.json?post_ids[]=..` in batches of 20.

Requests are kept to about 3 a second (`--rate`), wait as asked on 429 (the JSON
body's `extras.wait_seconds`, or `Retry-After`) and retry 5xx and timeouts (see
`retries`). Each topic, with all its posts, becomes one line of
`raw/topics.jsonl` followed by a checkpoint (see `journal`): an interrupted
capture loses at most the topic in flight, and rerunning the same command
resumes at the page it was on, skipping topics already stored. Newest-first pages
shift when topics are created during the crawl; that repeats topics (skipped as
already stored) but never skips one.

Tags arrive as strings or as objects (`{"id", "name", "slug"}`) depending on the
Discourse version; both are read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Callable
from urllib.parse import urljoin, urlsplit

import httpx
import msgspec

from .. import __version__
from . import forum_tables
from .capture import Progress, check_endpoint, choose_name, open_journal, publish, staging_dir
from .journal import Journal, json_line, tolerant_json, write_json_atomically
from .model_types import transformers_version, valid_model_types
from .registry import SnapshotError, SnapshotInfo, snapshot_dir, utc_now
from .retries import RetryPolicy, Throttle, retry_after_seconds, send_with_retries

log = logging.getLogger("hfcompendium.snapshots.forum")

DEFAULT_ENDPOINT = "https://discuss.huggingface.co"
DEFAULT_RATE = 3.0          # requests per second
POSTS_PER_REQUEST = 20      # Discourse's limit for post_ids[]


class ForumError(RuntimeError):
    """The forum answered with an error or with something that is not the expected JSON."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def parse_date_range(from_date: str | None, to_date: str | None) -> tuple[dt.date | None, dt.date | None]:
    """Validate `--from-date`/`--to-date` (ISO dates, both inclusive, the end not before the start)."""
    parsed = []
    for option, text in (("--from-date", from_date), ("--to-date", to_date)):
        if text is None:
            parsed.append(None)
            continue
        try:
            parsed.append(dt.date.fromisoformat(text.strip()))
        except ValueError:
            raise SnapshotError(f"{option} {text!r} is not a date in ISO form YYYY-MM-DD (e.g. 2023-06-30)") from None
    start, end = parsed
    if start and end and end < start:
        raise SnapshotError(f"--to-date {end} is before --from-date {start}: the range must end on or after its start")
    return start, end


def forum_server_wait(response) -> float | None:
    """How long a 429 from Discourse asks us to wait: `extras.wait_seconds`, else `Retry-After`."""
    try:
        extras = response.json().get("extras") or {}
        if isinstance(extras.get("wait_seconds"), (int, float)):
            return float(extras["wait_seconds"])
    except (ValueError, AttributeError):
        pass
    return retry_after_seconds(response.headers)


class DiscourseClient:
    """GET requests for JSON from one Discourse site, throttled and retried."""

    def __init__(self, endpoint: str, *, policy: RetryPolicy = RetryPolicy(), rate: float | None = DEFAULT_RATE):
        self.endpoint = check_endpoint(endpoint)
        self.policy = policy
        self.throttle = Throttle(rate, sleep=policy.sleep)
        self.http = httpx.Client(timeout=policy.timeout, follow_redirects=True,
                                 headers={"Accept": "application/json",
                                          "User-Agent": f"hfcompendium/{__version__} (research snapshot)"})

    def close(self) -> None:
        self.http.close()

    def get_json(self, path: str, params: list[tuple[str, object]] | None = None) -> dict:
        url = urljoin(self.endpoint + "/", path.lstrip("/"))
        if urlsplit(url).netloc != urlsplit(self.endpoint).netloc:
            raise ForumError(f"refusing to follow {path!r} away from {self.endpoint}")

        def send():
            self.throttle.wait()
            return self.http.get(url, params=params)

        response = send_with_retries(send, what=f"GET {url}", policy=self.policy, server_wait=forum_server_wait)
        if response.status_code >= 400:
            raise ForumError(f"GET {response.url} failed with HTTP {response.status_code}", response.status_code)
        try:
            body = response.json()
        except ValueError as exc:
            raise ForumError(
                f"GET {response.url} returned a body that is not valid JSON ({exc}; it starts with "
                f"{response.content[:80]!r}). Nothing of it was saved; rerun the same command to retry."
            ) from None
        if not isinstance(body, dict):
            raise ForumError(f"GET {response.url} returned JSON that is not an object")
        return body

    def categories(self) -> list[dict]:
        try:
            categories = self.get_json("/site.json").get("categories")
        except ForumError as exc:
            if exc.status is None:
                raise
            categories = None
        if not isinstance(categories, list):
            listing = self.get_json("/categories.json", [("include_subcategories", "true")])
            categories = (listing.get("category_list") or {}).get("categories") or []
            for parent in list(categories):
                categories.extend(parent.get("subcategory_list") or [])
        return [c for c in categories if isinstance(c, dict)]

    def topic_list(self, page: int, category: str | None = None) -> dict:
        path = f"/c/{category}.json" if category else "/latest.json"
        body = self.get_json(path, [("order", "created"), ("page", page)])
        topic_list = body.get("topic_list")
        if not isinstance(topic_list, dict) or not isinstance(topic_list.get("topics", []), list):
            raise ForumError(f"GET {path} page {page} has no topic_list.topics")
        return topic_list

    def topic(self, topic_id: int) -> dict:
        """A topic as `/t/{id}.json` returns it, plus `more_posts`: its posts that were not embedded."""
        topic = self.get_json(f"/t/{topic_id}.json")
        stream = topic.get("post_stream") or {}
        embedded = {p.get("id") for p in stream.get("posts") or [] if isinstance(p, dict)}
        missing = [pid for pid in stream.get("stream") or [] if pid not in embedded]
        more = []
        for start in range(0, len(missing), POSTS_PER_REQUEST):
            batch = missing[start:start + POSTS_PER_REQUEST]
            body = self.get_json(f"/t/{topic_id}/posts.json", [("post_ids[]", pid) for pid in batch])
            more.extend((body.get("post_stream") or {}).get("posts") or [])
        return {"topic": topic, "more_posts": more}


def created_on(summary: dict) -> dt.date | None:
    text = summary.get("created_at")
    try:
        return dt.datetime.fromisoformat(text).date() if isinstance(text, str) else None
    except ValueError:
        return None


class _TopicId(msgspec.Struct):
    id: int


class _StoredTopic(msgspec.Struct):
    topic: _TopicId


def stored_topic_ids(journal: Journal) -> set[int]:
    """Ids of the topics already stored (decoding only the id of each stored line)."""
    decoder = msgspec.json.Decoder(_StoredTopic)
    ids = set()
    for line in journal.iter_lines():
        try:
            ids.add(decoder.decode(line).topic.id)
        except msgspec.DecodeError:       # a broken emoji (lone surrogate escape) elsewhere in the topic
            ids.add(msgspec.convert(tolerant_json(line), _StoredTopic).topic.id)
    return ids


def crawl_topics(client: DiscourseClient, journal: Journal, state: dict, *, progress: Progress,
                 after_topic: Callable[[int], None] | None = None) -> dict:
    """Walk the topic lists from `state["page"]`, storing each topic in range with all its posts."""
    parameters = state["parameters"]
    start, end = parse_date_range(parameters["from_date"], parameters["to_date"])
    limit = parameters["limit"]
    stored = stored_topic_ids(journal) | set(state.get("unavailable_ids", []))
    with progress.bar(limit, state["count"], "topics") as bar:
        while not state["done"]:
            listing = client.topic_list(state["page"], parameters["category"])
            summaries = [t for t in listing.get("topics") or [] if isinstance(t, dict) and "id" in t]
            for summary in summaries:
                if limit is not None and state["count"] >= limit:
                    break
                day = created_on(summary)
                if summary["id"] in stored or day is None or (start and day < start) or (end and day > end):
                    continue
                try:
                    record = client.topic(summary["id"])
                except ForumError as exc:
                    if exc.status in (403, 404, 410):   # deleted or made private since it was listed
                        log.info("skipping topic %s: %s", summary["id"], exc)
                        unavailable = [*state.get("unavailable_ids", []), summary["id"]]
                        state = journal.checkpoint({**state, "unavailable_ids": unavailable})
                        stored.add(summary["id"])
                        continue
                    raise
                line = json_line(record)
                state = journal.append([line], {**state, "count": state["count"] + 1})
                stored.add(summary["id"])
                bar.update(1)
                if after_topic is not None:
                    after_topic(state["count"])
            unpinned = [created_on(t) for t in summaries if not t.get("pinned")]
            older_only = start is not None and unpinned and all(d is not None and d < start for d in unpinned)
            done = (not summaries or not listing.get("more_topics_url") or older_only
                    or (limit is not None and state["count"] >= limit))
            state = journal.checkpoint({**state, "page": state["page"] + (0 if done else 1), "done": done})
    return state


def capture_forum(*, name: str | None = None, endpoint: str | None = None, from_date: str | None = None,
                  to_date: str | None = None, limit: int | None = None, category: str | None = None,
                  rate: float | None = DEFAULT_RATE, restart: bool = False, policy: RetryPolicy = RetryPolicy(),
                  progress: bool = True, after_topic: Callable[[int], None] | None = None) -> SnapshotInfo:
    """Crawl (or resume crawling) the forum, convert it to tables and register the snapshot.

    `category` is "slug/id" to capture one category. `after_topic(count)` is called after each
    stored topic (tests use it to simulate a crash).
    """
    start, end = parse_date_range(from_date, to_date)
    endpoint = check_endpoint(endpoint or DEFAULT_ENDPOINT)
    if limit is not None and limit < 1:
        raise SnapshotError("--limit must be at least 1")
    name = choose_name("forum", name, endpoint)
    directory = snapshot_dir(name)
    parameters = {"endpoint": endpoint, "order": "created", "category": category, "limit": limit,
                  "from_date": start.isoformat() if start else None, "to_date": end.isoformat() if end else None}
    journal, state = open_journal(directory, "topics", parameters, restart)
    client = DiscourseClient(endpoint, policy=policy, rate=rate)
    try:
        categories_file = journal.directory / "categories.json"
        if not categories_file.exists():
            write_json_atomically(categories_file, {"categories": client.categories()})
        if state is None:
            state = journal.checkpoint({"parameters": parameters, "captured_at": utc_now(), "page": 0,
                                        "count": 0, "done": False})
        else:
            log.info("resuming %s at list page %d after %d topics", name, state["page"], state["count"])
        state = crawl_topics(client, journal, state, progress=Progress(progress, " topics"), after_topic=after_topic)
    finally:
        client.close()

    categories = json.loads(categories_file.read_text(encoding="utf-8"))["categories"]
    writer = forum_tables.ForumTablesWriter(staging_dir(directory), categories, valid_model_types())
    files = forum_tables.convert_topic_lines(journal.iter_lines(), writer)
    notes = {**writer.notes, "unavailable_topics": len(state.get("unavailable_ids", []))}
    return publish(directory, files, kind="forum", source="api", endpoint=endpoint, captured_at=state["captured_at"],
                   parameters=parameters, transformers_version=transformers_version(), notes=notes)

