"""Bad inputs during snapshot captures: storms of 429s and 5xx, stalls, answers that are not model
lists, odd records, and crashes at every stage. Each ends with a clear message and no lost
progress, and a rerun gives the snapshot an uninterrupted capture gives.

(`test_snapshot_hub.py` and `test_snapshot_forum.py` cover single 429s, 5xx, a stall, invalid
JSON and a crash between pages; these go further.)
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from fake_apis import FakeDiscourse, FakeHub, Sleeps, fast_policy, isolate_capture
from werkzeug import Response

from hfcompendium.snapshots import cli as snapshot_cli
from hfcompendium.snapshots import hub_tables, journal, registry
from hfcompendium.snapshots.capture import unfinished_captures
from hfcompendium.snapshots.forum import capture_forum
from hfcompendium.snapshots.hub import HubError, capture_hub
from hfcompendium.snapshots.retries import GaveUpError

HUB_TABLES = ("models", "model_types_monthly", "cards_monthly", "base_model_links", "libraries")
pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    isolate_capture(tmp_path, monkeypatch)


@pytest.fixture
def uninterrupted(server) -> str:
    """The content hash of a capture of the fixture pages that nothing went wrong with."""
    capture_hub(name="hub-reference", endpoint=FakeHub(server).endpoint, policy=fast_policy(), progress=False)
    return registry.content_hash("hub-reference")


def too_many_requests(wait: str = "1"):
    return lambda: Response("Too Many Requests", status=429, headers={"Retry-After": wait})


def raw_lines(name: str) -> list[bytes]:
    return (registry.snapshot_dir(name) / "raw" / "models.jsonl").read_bytes().splitlines()


def assert_unfinished(name: str, endpoint: str) -> None:
    """Progress kept, nothing half-published: raw lines and checkpoint, no tables, no manifest."""
    folder = registry.snapshot_dir(name)
    assert (folder / "raw" / "models.checkpoint.json").exists()
    assert not (folder / "snapshot.json").exists() and not (folder / "tables").exists()
    assert name not in [s.name for s in registry.list_snapshots()]
    assert unfinished_captures("hub", endpoint) == [name]


# ----------------------------------------------------------------------------- rate limits, errors, stalls

def test_a_storm_of_429s_is_waited_out_as_the_hub_asks(server, uninterrupted):
    storm = {n: (lambda: Response("", status=429, headers={"RateLimit": '"api";r=0;t=2'})) for n in range(2, 8)}
    fake = FakeHub(server, faults=storm)
    sleeps = Sleeps()
    capture_hub(name="hub-storm", endpoint=fake.endpoint, policy=fast_policy(sleeps, max_attempts=8), progress=False)
    assert sleeps == [3.0] * 6                          # the reset the header names, plus one second
    assert registry.content_hash("hub-storm") == uninterrupted


def test_a_storm_beyond_the_bound_gives_up_clearly_keeps_progress_and_resumes(server, uninterrupted, capsys,
                                                                               monkeypatch):
    fake = FakeHub(server, faults={n: too_many_requests() for n in range(2, 30)})
    # Through the command line, as a user meets it: exit status 1 and one clear sentence.
    with monkeypatch.context() as patch:
        patch.setattr(snapshot_cli, "_policy", lambda args: fast_policy(max_attempts=args.max_attempts))
        assert snapshot_cli.main(["hub", "--endpoint", fake.endpoint, "--name", "hub-gave-up", "--max-attempts",
                                  "4", "--no-progress"]) == 1
    error = capsys.readouterr().err
    assert re.search(r"capture failed: Giving up on GET http://127\.0\.0\.1:\d+/api/models\?\S*cursor=page-2 after 4 "
                     r"attempts; last problem: HTTP 429 \(rate limited\)\. Progress so far is saved; rerun the same "
                     r"command to resume\.", error), error
    assert "Traceback" not in error
    assert len(raw_lines("hub-gave-up")) == 3                       # page 1, whole
    assert_unfinished("hub-gave-up", fake.endpoint)

    resumed = FakeHub(server)
    capture_hub(name="hub-gave-up", endpoint=resumed.endpoint, policy=fast_policy(), progress=False)
    assert [r["args"].get("cursor") for r in resumed.listing_requests()] == [["page-2"], ["page-3"]]
    assert registry.content_hash("hub-gave-up") == uninterrupted


def test_5xx_429_and_stalls_in_a_row_are_all_retried(server, uninterrupted):
    def stall():
        import time
        time.sleep(1.5)
        return Response("[]", content_type="application/json")

    fake = FakeHub(server, faults={2: lambda: Response("", status=500), 3: lambda: Response("", status=429),
                                   4: stall, 5: lambda: Response("bad gateway", status=502)})
    sleeps = Sleeps()
    capture_hub(name="hub-mixed", endpoint=fake.endpoint, policy=fast_policy(sleeps, max_attempts=6, timeout=0.3),
                progress=False)
    assert sleeps == [0.5, 1.0, 2.0, 4.0]                           # doubling back-off, capped
    assert registry.content_hash("hub-mixed") == uninterrupted


def test_a_forum_storm_of_429s_then_one_beyond_the_bound(server):
    storm = {("/t/305.json", n): (lambda: Response("", status=429, headers={"Retry-After": "2"})) for n in range(1, 6)}
    sleeps = Sleeps()
    info = capture_forum(name="forum-storm", endpoint=FakeDiscourse(server, faults=storm).endpoint, rate=None,
                         policy=fast_policy(sleeps, max_attempts=6), progress=False)
    assert sleeps == [2.0] * 5 and info.tables["topics"].rows == 7

    endless = {("/t/304.json", n): (lambda: Response("", status=429)) for n in range(1, 20)}
    with pytest.raises(GaveUpError, match=r"t/304\.json after 3 attempts; last problem: HTTP 429 \(rate limited\)"):
        capture_forum(name="forum-endless", endpoint=FakeDiscourse(server, faults=endless).endpoint, rate=None,
                      policy=fast_policy(max_attempts=3), progress=False)
    kept = (registry.snapshot_dir("forum-endless") / "raw" / "topics.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["topic"]["id"] for line in kept] == [900, 305]    # topics before it are kept
    info = capture_forum(name="forum-endless", endpoint=FakeDiscourse(server).endpoint, rate=None,
                         policy=fast_policy(), progress=False)
    assert info.tables["topics"].rows == 7


# ----------------------------------------------------------------------------- answers of the wrong shape

@pytest.mark.parametrize("body, message", [
    ('{"error": "Internal Error"}', "did not return a list of model objects; nothing of it was saved"),
    ('[{"id": "a/b"}, 42]', "did not return a list of model objects; nothing of it was saved"),
    ("<html><body>Maintenance</body></html>", "not valid JSON.*Nothing of it was saved"),
    ("", "not valid JSON"),
])
def test_an_answer_that_is_not_a_model_list_stops_cleanly(server, uninterrupted, body, message):
    fake = FakeHub(server, faults={2: lambda: Response(body, content_type="application/json")})
    with pytest.raises(HubError, match=message):
        capture_hub(name="hub-shape", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    assert len(raw_lines("hub-shape")) == 3
    assert_unfinished("hub-shape", fake.endpoint)
    capture_hub(name="hub-shape", endpoint=FakeHub(server).endpoint, policy=fast_policy(), progress=False)
    assert registry.content_hash("hub-shape") == uninterrupted


def test_records_with_missing_or_repeated_fields(server):
    body = ('[{"modelId": "old/spelling", "createdAt": "2023-02-01T00:00:00.000Z"},'
            ' {"author": "nobody", "downloads": 5},'
            ' {"id": "dup/keys", "likes": 1, "likes": 7, "downloads": 3, "createdAt": "2023-02-02T00:00:00.000Z"},'
            ' {"id": "dup/keys", "likes": 99, "createdAt": "2023-02-03T00:00:00.000Z"},'
            ' {"id": "no/fields"}]')
    server.clear()
    server.expect_request("/api/models").respond_with_response(Response(body, content_type="application/json"))
    info = capture_hub(name="hub-fields", endpoint=server.url_for("").rstrip("/"), policy=fast_policy(),
                       progress=False)
    models = registry.load_table("hub-fields", "models").set_index("id")
    assert list(models.index) == ["old/spelling", "dup/keys", "no/fields"]
    assert models.loc["dup/keys", "likes"] == 7                     # the last of repeated keys, the first record
    assert models.loc["no/fields", ["downloads", "likes"]].tolist() == [0, 0]
    assert pd.isna(models.loc["no/fields", "created_at"]) and not models.loc["no/fields", "has_card"]
    assert info.notes["records_without_id"] == 1 and info.notes["duplicate_ids_dropped"] == 1


# ----------------------------------------------------------------------------- crashes

class Crash(Exception):
    pass


def test_a_crash_between_writing_a_page_and_its_checkpoint(server, uninterrupted, monkeypatch):
    real = journal.write_json_atomically
    calls = []

    def crash_on_third(target, payload):
        calls.append(target)
        if len(calls) == 3:                 # the first checkpoint, page 1's, then page 2's: its lines are written
            raise Crash
        real(target, payload)

    monkeypatch.setattr(journal, "write_json_atomically", crash_on_third)
    fake = FakeHub(server)
    with pytest.raises(Crash):
        capture_hub(name="hub-torn", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    monkeypatch.setattr(journal, "write_json_atomically", real)
    assert len(raw_lines("hub-torn")) == 6                          # page 2 on disk, but not checkpointed
    assert_unfinished("hub-torn", fake.endpoint)
    before = len(fake.listing_requests())
    capture_hub(name="hub-torn", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    assert [r["args"].get("cursor") for r in fake.listing_requests()[before:]] == [["page-2"], ["page-3"]]
    assert registry.content_hash("hub-torn") == uninterrupted
    assert not registry.load_table("hub-torn", "models")["id"].duplicated().any()


@pytest.mark.parametrize("stage", ["writing tables", "registering"])
def test_a_crash_while_converting_or_registering_leaves_no_snapshot_and_the_rerun_completes(
        server, uninterrupted, monkeypatch, stage):
    from hfcompendium.snapshots import capture

    target = (hub_tables.HubTablesWriter, "close") if stage == "writing tables" else (capture, "register")
    real = getattr(*target)

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(*target, crash)
    fake = FakeHub(server)
    with pytest.raises(Crash):
        capture_hub(name="hub-crash", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    monkeypatch.setattr(*target, real)
    folder = registry.snapshot_dir("hub-crash")
    assert not (folder / "snapshot.json").exists()
    assert "hub-crash" not in [s.name for s in registry.list_snapshots()]
    requests = len(fake.listing_requests())
    capture_hub(name="hub-crash", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    assert len(fake.listing_requests()) == requests                 # nothing fetched again: only converted
    assert registry.content_hash("hub-crash") == uninterrupted
    assert sorted(p.name for p in folder.iterdir()) == ["raw", "snapshot.json", "tables"]


def test_a_damaged_table_file_is_refused_with_its_hashes(server, uninterrupted):
    info = registry.get_snapshot("hub-reference")
    path = info.table_path("libraries")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(registry.SnapshotError,
                       match=r"Table 'libraries' of snapshot 'hub-reference' is damaged: .* has sha256 [0-9a-f]{64}, "
                             r"but the manifest records [0-9a-f]{64}\. Nothing was read\."):
        registry.load_table("hub-reference", "libraries")
    path.unlink()
    with pytest.raises(registry.SnapshotError, match="Table 'libraries' of snapshot 'hub-reference' is missing"):
        registry.load_table("hub-reference", "libraries")
    assert len(registry.load_table("hub-reference", "models")) == 9  # the other tables are still readable
