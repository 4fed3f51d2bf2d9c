"""HF_TOKEN is a secret: it goes to the configured Hub endpoint only and is never written or printed,
not even when a capture fails. (`test_snapshot_hub.py` checks a successful capture;
`test_book.py` checks the executed notebooks and the site.)"""

from __future__ import annotations

import logging

import pytest
from fake_apis import FakeDiscourse, FakeHub, fast_policy, isolate_capture
from werkzeug import Response

from hfcompendium.snapshots.forum import capture_forum
from hfcompendium.snapshots.hub import HubError, capture_hub
from hfcompendium.snapshots.retries import GaveUpError

SECRET = "hf_SeCrEt-token-4b1d"
pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def with_token(tmp_path, monkeypatch, caplog):
    isolate_capture(tmp_path, monkeypatch, token=SECRET)
    caplog.set_level(logging.DEBUG)


def assert_nowhere(tmp_path, *texts: str) -> None:
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written, "the capture wrote nothing at all"
    assert not [p for p in written if SECRET.encode() in p.read_bytes()]
    for text in texts:
        assert SECRET not in text


@pytest.mark.parametrize("fault, error, message", [
    (lambda: Response('{"error": "Invalid credentials in Authorization header"}', status=401,
                      content_type="application/json"), HubError, "401"),
    (lambda: Response("down", status=503), GaveUpError, "after 4 attempts; last problem: HTTP 503"),
])
def test_a_failing_capture_leaks_the_token_nowhere(server, tmp_path, capsys, caplog, fault, error, message):
    fake = FakeHub(server, faults={n: fault for n in range(2, 10)})
    with pytest.raises(error, match=message) as raised:
        capture_hub(name="hub-secret", endpoint=fake.endpoint, policy=fast_policy(), progress=True)
    captured = capsys.readouterr()
    assert {r["authorization"] for r in fake.requests} == {f"Bearer {SECRET}"}
    assert_nowhere(tmp_path, str(raised.value), repr(raised.value), captured.out, captured.err, caplog.text)


def test_the_forum_never_receives_nor_stores_the_token(server, tmp_path, capsys, caplog):
    authorizations = []

    class Recording(FakeDiscourse):
        def handle(self, request):
            authorizations.append(request.headers.get("Authorization"))
            return super().handle(request)

    fake = Recording(server)
    capture_forum(name="forum-secret", endpoint=fake.endpoint, rate=None, policy=fast_policy(), progress=True)
    assert authorizations and set(authorizations) == {None}        # the Hub's token is not the forum's business
    captured = capsys.readouterr()
    assert_nowhere(tmp_path, captured.out, captured.err, caplog.text)
