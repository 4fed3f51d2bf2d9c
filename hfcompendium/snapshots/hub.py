"""`hfcompendium snapshot hub`: a fresh, resumable snapshot of the Hub's model listing.

The crawl pages through `GET {endpoint}/api/models` with `sort=createdAt`,
`direction=1` and `limit=1000`, asking (`expand[]=`) for the fields the chapters
use, and follows the `Link: <...>; rel="next"` header. Sorting by an immutable
key matters: sorted by downloads, models whose counts change during a crawl of
hours move between pages and are skipped or seen twice; sorted by creation time,
ascending, models created during the crawl only add pages at the end.

It uses huggingface_hub's HTTP session and functions (`get_session`,
`build_hf_headers`, `hf_raise_for_status`) rather than `HfApi.list_models`,
which sends no timeout and cannot resume. Every request has a timeout, waits as
the Hub asks on 429 (its `RateLimit: "api";r=0;t=<seconds>` header, or
`Retry-After`), and retries 5xx and timeouts with exponential back-off (see
`retries`). Each page is appended to `raw/models.jsonl` and checkpointed (see
`journal`), so Ctrl-C or a crash loses at most one page and rerunning the same
command resumes. Next links are rewritten onto the configured endpoint: a link
naming another host (a recorded page from huggingface.co, a proxy) is never
followed there, and the token is only ever sent to the configured endpoint.

The token comes from `HF_TOKEN` if set. It is sent as a header and never
printed, logged, or written to a record, checkpoint or manifest.

Data traps (how the tables handle them is in `hub_tables`):

- `downloads` is the last 30 days only; `downloadsAllTime` is the total.
- `createdAt` of repositories older than the Hub's creation-date field is the
  sentinel 2022-03-02T23:29:04.000Z. `--first-commit-dates` fetches
  `GET /api/models/{id}/commits/main` (every page; the oldest commit is last) for
  those rows only, resumably; it is one or more requests per old model, so it is
  off by default.
- `modelId` is the deprecated name of `id`; either is read.
- Base models appear as tags `base_model:<relation>:<id>` or bare `base_model:<id>`,
  and as `cardData.base_model` (a string or a list).
- The model type is `config.model_type`; tags are not reliable for it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

import msgspec
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

from .. import __version__
from ..fetch import sha256_of
from . import hub_tables
from .capture import Progress, check_endpoint, choose_name, open_journal, publish, staging_dir
from .journal import Journal, json_line, tolerant_json
from .model_types import transformers_version, valid_model_types
from .registry import SnapshotInfo, check_name, snapshot_dir, utc_now
from .retries import RetryPolicy, ratelimit_reset_seconds, retry_after_seconds, send_with_retries

log = logging.getLogger("hfcompendium.snapshots.hub")

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 1000
SORT_KEY = "createdAt"
EXPAND = ("author", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes", "library_name",
          "pipeline_tag", "tags", "config", "cardData", "sha", "gated")
SENTINEL_TEXT = "2022-03-02T23:29:04.000Z"


class HubError(RuntimeError):
    """The Hub answered with an error or with something that is not a model listing."""


def default_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT


def onto_endpoint(link: str, endpoint: str, current_url: str) -> str:
    """`link` (absolute or relative) with the scheme and host of `endpoint`, keeping its path and query.

    An endpoint with a path prefix (a mirror at http://host/hub) keeps that prefix.
    """
    absolute = urlsplit(urljoin(current_url, link))
    base = urlsplit(endpoint)
    prefix = base.path.rstrip("/")
    path = absolute.path
    if prefix and not path.startswith(prefix + "/"):
        path = prefix + path
    return urlunsplit((base.scheme, base.netloc, path, absolute.query, ""))


def hub_server_wait(response) -> float | None:
    """How long the Hub asks us to wait before retrying.

    On 429 its `RateLimit` header says when the window resets (`t=<seconds>`, rounded
    down, so one second is added); otherwise, and on 5xx, `Retry-After` may say.
    Only a 429's `RateLimit` counts: the header rides on every answer and a 5xx with
    a long window ahead must not stall the crawl for minutes.
    """
    if response.status_code == 429:
        reset = ratelimit_reset_seconds(response.headers)
        if reset is not None:
            return reset + 1
    return retry_after_seconds(response.headers)


class HubClient:
    """GET requests to one Hub endpoint through huggingface_hub's shared HTTP session."""

    def __init__(self, endpoint: str, *, token: str | None = None, policy: RetryPolicy = RetryPolicy()):
        self.endpoint = check_endpoint(endpoint)
        self.policy = policy
        # token=False keeps huggingface_hub from reading a stored token: only HF_TOKEN (or an explicit one) is used.
        self._headers = build_hf_headers(token=token or False, library_name="hfcompendium",
                                         library_version=__version__)

    def get(self, url: str):
        def send():
            return get_session().get(url, headers=self._headers, timeout=self.policy.timeout)

        response = send_with_retries(send, what=f"GET {url}", policy=self.policy, server_wait=hub_server_wait)
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError as exc:
            raise HubError(f"GET {url} failed: {exc}") from None
        return response

    def listing_url(self, limit: int | None = None) -> str:
        params = [("sort", SORT_KEY), ("direction", "1"), ("limit", str(min(PAGE_SIZE, limit or PAGE_SIZE)))]
        params += [("expand[]", field) for field in EXPAND]
        return f"{self.endpoint}/api/models?{urlencode(params)}"

    def next_url(self, response, current_url: str) -> str | None:
        link = response.links.get("next", {}).get("url")
        return onto_endpoint(link, self.endpoint, current_url) if link else None

    def parse_json(self, response, url: str):
        try:
            return response.json()
        except ValueError as exc:
            raise HubError(
                f"GET {url} returned a body that is not valid JSON ({exc}; it starts with "
                f"{response.content[:80]!r}). Nothing of it was saved; rerun the same command to retry from this page."
            ) from None

    def model_commit_dates(self, model_id: str) -> Iterator[str]:
        """Dates of every commit on the main branch of a model, following the commits' pagination."""
        url: str | None = f"{self.endpoint}/api/models/{quote(model_id, safe='/')}/commits/main"
        while url:
            response = self.get(url)
            commits = self.parse_json(response, url)
            if not isinstance(commits, list):
                raise HubError(f"GET {url} did not return a list of commits")
            yield from (c["date"] for c in commits if isinstance(c, dict) and isinstance(c.get("date"), str))
            url = self.next_url(response, url)


def crawl_models(client: HubClient, journal: Journal, state: dict, *, limit: int | None,
                 progress: Progress, after_page: Callable[[int, int], None] | None = None) -> dict:
    """Fetch listing pages from `state["next_url"]` until the end (or `limit`), checkpointing each."""
    with progress.bar(limit, state["count"], "models") as bar:
        while not state["done"]:
            url = state["next_url"]
            response = client.get(url)
            records = client.parse_json(response, url)
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise HubError(f"GET {url} did not return a list of model objects; nothing of it was saved")
            if limit is not None:
                records = records[: max(0, limit - state["count"])]
            next_url = client.next_url(response, url)
            if next_url == url:
                raise HubError(f"GET {url} names itself as the next page; stopping to avoid a loop")
            count = state["count"] + len(records)
            done = next_url is None or (limit is not None and count >= limit)
            lines = [json_line(r) for r in records]
            state = journal.append(lines, {**state, "next_url": None if done else next_url, "count": count,
                                           "pages": state["pages"] + 1, "done": done})
            bar.update(len(records))
            if after_page is not None:
                after_page(state["pages"], state["count"])
    return state


class _IdAndCreation(msgspec.Struct):
    id: object = None
    modelId: object = None
    createdAt: object = None


def sentinel_model_ids(models: Journal) -> list[str]:
    """Ids of captured models whose `createdAt` is the sentinel date."""
    decoder = msgspec.json.Decoder(_IdAndCreation)
    found = []
    for line in models.iter_lines():
        if SENTINEL_TEXT.encode() in line:
            try:
                record = decoder.decode(line)
            except (msgspec.DecodeError, UnicodeDecodeError):    # odd text elsewhere in the record
                record = msgspec.convert(tolerant_json(line), _IdAndCreation, strict=False)
            model_id = record.id if record.id is not None else record.modelId
            if record.createdAt == SENTINEL_TEXT and isinstance(model_id, str):
                found.append(model_id)
    return found


def fetch_first_commit_dates(client: HubClient, models: Journal, raw_dir: Path, *, progress: Progress) -> dict[str, str]:
    """First-commit dates of sentinel-dated models, fetched once each and kept in `raw/first_commits.jsonl`."""
    journal = Journal(raw_dir, "first_commits")
    state = journal.resume() or {"count": 0}
    done = {json.loads(line)["id"] for line in journal.iter_lines()}
    wanted = [m for m in sentinel_model_ids(models) if m not in done]
    with progress.bar(len(done) + len(wanted), len(done), "first commits") as bar:
        for model_id in wanted:
            record = {"id": model_id, "first_commit_at": None}
            try:
                dates = list(client.model_commit_dates(model_id))
                record["first_commit_at"] = min(dates) if dates else None
            except HubError as exc:
                record["error"] = str(exc)[:300]   # deleted or gated since the listing: keep the sentinel
            state = journal.append([json.dumps(record).encode()], {"count": state["count"] + 1})
            bar.update(1)
    return {r["id"]: r["first_commit_at"] for r in map(json.loads, journal.iter_lines()) if r["first_commit_at"]}


def capture_hub(*, name: str | None = None, endpoint: str | None = None, limit: int | None = None,
                first_commit_dates: bool = False, restart: bool = False, policy: RetryPolicy = RetryPolicy(),
                progress: bool = True, after_page: Callable[[int, int], None] | None = None) -> SnapshotInfo:
    """Crawl (or resume crawling) the Hub's model listing, convert it to tables, and register the snapshot.

    `after_page(pages, models)` is called after each page is safely stored (tests use it to
    simulate a crash). Returns the registered snapshot.
    """
    endpoint = check_endpoint(endpoint or default_endpoint())
    if limit is not None and limit < 1:
        raise ValueError("--limit must be at least 1")
    client = HubClient(endpoint, token=os.environ.get("HF_TOKEN") or None, policy=policy)
    name = choose_name("hub", name, endpoint)
    directory = snapshot_dir(name)
    parameters = {"endpoint": endpoint, "sort": SORT_KEY, "direction": 1, "page_size": PAGE_SIZE,
                  "expand": list(EXPAND), "limit": limit}
    journal, state = open_journal(directory, "models", parameters, restart)
    if state is None:
        state = journal.checkpoint({"parameters": parameters, "captured_at": utc_now(),
                                    "next_url": client.listing_url(limit), "count": 0, "pages": 0, "done": False})
    else:
        log.info("resuming %s after %d models", name, state["count"])
    bar = Progress(progress, " models")
    state = crawl_models(client, journal, state, limit=limit, progress=bar, after_page=after_page)

    first_commits = {}
    if first_commit_dates:
        first_commits = fetch_first_commit_dates(client, journal, journal.directory, progress=Progress(progress, " models"))
    writer = hub_tables.HubTablesWriter(staging_dir(directory), valid_model_types(), first_commits)
    files = hub_tables.convert_journal(journal, writer)
    return publish(directory, files, kind="hub", source="api", endpoint=endpoint, captured_at=state["captured_at"],
                   parameters={**parameters, "first_commit_dates": first_commit_dates},
                   transformers_version=transformers_version(), notes=dict(writer.notes))


def import_hub_dump(path: Path, *, name: str) -> SnapshotInfo:
    """Register a hub snapshot made from a downloaded `models.parquet` dump (no network needed)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No dump file at {path}")
    name = choose_name("hub", check_name(name), endpoint="")
    directory = snapshot_dir(name)
    writer = hub_tables.HubTablesWriter(staging_dir(directory), valid_model_types())
    files = hub_tables.convert_dump(path, writer)
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
    return publish(directory, files, kind="hub", source="dump", endpoint=None, captured_at=utc_now(),
                   parameters={"dump_file": path.name, "dump_sha256": sha256_of(path),
                               "dump_modified_at": modified.isoformat().replace("+00:00", "Z")},
                   transformers_version=transformers_version(), notes=dict(writer.notes))
