"""Fake Hub and Discourse APIs on 127.0.0.1 serving the hand-written fixtures, for tests of the captures.

`FakeHub` serves `tests/fixtures/hub_api` (model listing pages by cursor, commit lists) and
`FakeDiscourse` serves `tests/fixtures/forum_api` (site, topic lists, topics, post batches), both
on a `pytest_httpserver.HTTPServer`; `faults` replace chosen answers to test retries. `fast_policy`
is a retry policy whose waits are recorded instead of slept. The captures run unchanged against
them: only the server is fake.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from hfcompendium.snapshots.retries import RetryPolicy

FIXTURES = Path(__file__).parent / "fixtures"
HUB_FIXTURES = FIXTURES / "hub_api"
FORUM_FIXTURES = FIXTURES / "forum_api"


def hub_pages(prefix: str = "models_page") -> list[dict]:
    """The listing pages `<prefix>1.json`, `<prefix>2.json`, ... in order."""
    pages, n = [], 1
    while (HUB_FIXTURES / f"{prefix}{n}.json").exists():
        pages.append(json.loads((HUB_FIXTURES / f"{prefix}{n}.json").read_text()))
        n += 1
    return pages


PAGES = hub_pages("models_page")            # the pages the capture tests use
LIVE_PAGES = hub_pages("live_models_page")  # a larger Hub for running the chapters on a snapshot
COMMITS = json.loads((HUB_FIXTURES / "commits.json").read_text())["pages"]


def local_server() -> HTTPServer:
    """A started server on 127.0.0.1 (threaded, so a deliberately stalled answer holds up nothing else)."""
    http = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    http.start()
    return http


@pytest.fixture(scope="module")
def server():
    """One local server per test module (import this fixture into a test module to use it)."""
    http = local_server()
    yield http
    http.clear()
    http.stop()


def isolate_capture(tmp_path: Path, monkeypatch, token: str | None = None) -> None:
    """Fresh caches and Hugging Face home for one test; no endpoint, run log or token from outside
    (or exactly `token`)."""
    monkeypatch.setenv("HFCOMPENDIUM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.delenv("HFCOMPENDIUM_RUN_DIR", raising=False)
    if token is None:
        monkeypatch.delenv("HF_TOKEN", raising=False)
    else:
        monkeypatch.setenv("HF_TOKEN", token)


class FakeHub:
    """Serves the fixture pages by cursor; `faults` maps a request number (1-based) to a response maker."""

    def __init__(self, server: HTTPServer, faults: dict | None = None, pages=PAGES):
        self.server, self.faults, self.pages = server, faults or {}, pages
        self.requests: list[dict] = []
        server.clear()
        server.expect_request("/api/models").respond_with_handler(self.listing)
        for model_id in COMMITS:
            server.expect_request(f"/api/models/{model_id}/commits/main").respond_with_handler(self.commits)
        server.expect_request("/api/models/legacy-user/old-model/commits/main").respond_with_json(
            {"error": "Repository not found"}, status=404)

    @property
    def endpoint(self) -> str:
        return self.server.url_for("").rstrip("/")

    def record(self, request) -> Response | None:
        self.requests.append({"path": request.path, "args": request.args.to_dict(flat=False),
                              "authorization": request.headers.get("Authorization")})
        fault = self.faults.get(len(self.requests))
        return fault() if fault else None

    def listing(self, request):
        faulty = self.record(request)
        if faulty is not None:
            return faulty
        cursor = request.args.get("cursor")
        page = self.pages[0 if cursor is None else int(cursor.removeprefix("page-")) - 1]
        headers = {"Link": f'<{page["next_link"]}>; rel="next"'} if page["next_link"] else {}
        return Response(json.dumps(page["records"]), status=200, headers=headers, content_type="application/json")

    def commits(self, request):
        self.record(request)
        model_id = request.path.removeprefix("/api/models/").removesuffix("/commits/main")
        pages = COMMITS[unquote(model_id)]
        index = int(request.args.get("p", "0"))
        headers = {}
        if index + 1 < len(pages):
            headers["Link"] = f'<https://huggingface.co{request.path}?p={index + 1}>; rel="next"'
        return Response(json.dumps(pages[index]), headers=headers, content_type="application/json")

    def listing_requests(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == "/api/models"]


def forum_fixture(name: str) -> dict:
    return json.loads((FORUM_FIXTURES / name).read_text())


class FakeDiscourse:
    """Routes Discourse API paths to fixtures; `faults[(path, n)]` replaces the n-th answer to `path`."""

    def __init__(self, server: HTTPServer, faults: dict | None = None, third_page: bool = False):
        self.server, self.faults, self.third_page = server, faults or {}, third_page
        self.requests: list[tuple[str, dict]] = []
        server.clear()
        server.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)

    @property
    def endpoint(self) -> str:
        return self.server.url_for("").rstrip("/")

    def handle(self, request):
        self.requests.append((request.path, request.args.to_dict(flat=False)))
        seen = sum(1 for path, _ in self.requests if path == request.path)
        fault = self.faults.get((request.path, seen))
        if fault is not None:
            return fault()
        if request.path == "/site.json":
            return self.json(forum_fixture("site.json"))
        if request.path == "/latest.json":
            assert request.args.get("order") == "created"
            page = int(request.args.get("page", "0"))
            if page == 2:
                return Response("this page must not be needed", status=500)
            body = forum_fixture(f"latest_page{page}.json")
            if page == 1 and self.third_page:
                body["topic_list"]["more_topics_url"] = "/latest?order=created&page=2"
            return self.json(body)
        if request.path == "/t/304/posts.json":
            wanted = [int(i) for i in request.args.getlist("post_ids[]")]
            assert 1 <= len(wanted) <= 20
            pool = forum_fixture("posts_304.json")
            pool["post_stream"]["posts"] = [p for p in pool["post_stream"]["posts"] if p["id"] in wanted]
            return self.json(pool)
        match = re.fullmatch(r"/t/(\d+)\.json", request.path)
        if match and (FORUM_FIXTURES / f"topic_{match.group(1)}.json").exists():
            return self.json(forum_fixture(f"topic_{match.group(1)}.json"))
        return self.json({"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"},
                         status=404)

    @staticmethod
    def json(body, status=200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def topic_requests(self) -> list[str]:
        return [path for path, _ in self.requests if path.startswith("/t/")]


class Sleeps(list):
    """An injectable sleep that records its waits instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fast_policy(sleeps=None, **overrides) -> RetryPolicy:
    settings = {"timeout": 2.0, "max_attempts": 4, "backoff_base": 0.5, "backoff_max": 4.0,
                "sleep": sleeps if sleeps is not None else Sleeps()}
    return RetryPolicy(**{**settings, **overrides})
