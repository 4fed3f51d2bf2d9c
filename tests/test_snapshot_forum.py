"""The forum capture against a local fake Discourse serving hand-written fixtures (tests/fixtures/forum_api)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter

import pandas as pd
import pytest
from fake_apis import FakeDiscourse, Sleeps, fast_policy, isolate_capture
from fake_apis import forum_fixture as fixture
from werkzeug import Response

from hfcompendium.snapshots import registry
from hfcompendium.snapshots.forum import ForumError, capture_forum, parse_date_range
from hfcompendium.snapshots.forum_tables import html_to_text, tag_names
from hfcompendium.snapshots.retries import GaveUpError, Throttle

TABLES = ("topics", "posts", "topic_mentions", "mentions_monthly")

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    isolate_capture(tmp_path, monkeypatch)


def capture(fake, name, **options):
    options = {"rate": None, "policy": fast_policy(), "progress": False, **options}
    return capture_forum(name=name, endpoint=fake.endpoint, **options)


def test_capture_builds_topics_posts_and_mentions(server):
    fake = FakeDiscourse(server)
    info = capture(fake, "forum-test")
    assert info.kind == "forum" and info.source == "api" and info.endpoint == fake.endpoint
    assert info.notes["unavailable_topics"] == 1                     # topic 299 answered 404

    topics = registry.load_table("forum-test", "topics").set_index("id")
    assert sorted(topics.index) == [300, 301, 302, 303, 304, 305, 900]
    assert topics.loc[305, "category"] == "Beginners" and topics.loc[303, "category"] == "Course"
    assert list(topics.loc[305, "tags"]) == ["bert", "classification"]        # tags as objects
    assert list(topics.loc[304, "tags"]) == ["llama", "peft"]                 # tags as strings
    assert list(topics.loc[303, "tags"]) == []                                # no tags field
    assert topics.loc[305, "accepted_answer_post_id"] == 3053                 # from accepted_answer.post_number
    assert topics.loc[302, "accepted_answer_post_id"] == 3022                 # from the post's flag
    assert topics.loc[305, "has_accepted_answer"] and not topics.loc[304, "has_accepted_answer"]
    assert pd.isna(topics.loc[304, "accepted_answer_post_id"])
    assert str(topics["accepted_answer_post_id"].dtype) == "Int64"
    assert topics.loc[304, "posts_count"] == 45

    posts = registry.load_table("forum-test", "posts")
    assert len(posts) == 55 and not posts["id"].duplicated().any()
    assert sorted(posts[posts["topic_id"] == 304]["post_number"]) == list(range(1, 46))
    batches = [args["post_ids[]"] for path, args in fake.requests if path == "/t/304/posts.json"]
    assert [len(b) for b in batches] == [20, 5]
    assert batches[0][0] == "30421" and batches[1][-1] == "30445"
    text = posts.set_index("id")["text"]
    assert text[3052] == "Depends on latency & accuracy."                    # cooked HTML reduced to text
    assert text[3051].startswith("Should I use distilbert")                   # raw preferred
    assert "from transformers import CLIPModel" in text[3031]                 # code kept

    mentions = registry.load_table("forum-test", "topic_mentions")
    by_topic = mentions.groupby("topic_id")["model_type"].apply(set).to_dict()
    assert by_topic == {305: {"bert", "distilbert", "roberta"}, 304: {"llama", "gpt2"}, 303: {"opt", "clip"},
                        302: {"t5", "mt5"}, 301: {"whisper"}, 300: {"gpt2"}}


def test_mentions_monthly_has_the_published_shape(server):
    capture(FakeDiscourse(server), "forum-monthly")
    monthly = registry.load_table("forum-monthly", "mentions_monthly")
    assert list(monthly.columns) == ["model_type", "month", "count"]
    assert [str(t) for t in monthly.dtypes] in (["str", "str", "int64"], ["object", "object", "int64"],
                                                ["string", "string", "int64"])
    assert monthly["month"].min() == "2020-07" and monthly["month"].max() == "2023-06"
    assert len(monthly) == 10 * 36                                 # 10 types, every month 2020-07..2023-06
    counted = {(t, m): c for t, m, c in monthly.values.tolist() if c}
    assert counted == {("bert", "2023-06"): 1, ("distilbert", "2023-06"): 1, ("roberta", "2023-06"): 1,
                       ("llama", "2023-06"): 1, ("gpt2", "2023-06"): 1, ("opt", "2023-05"): 1,
                       ("clip", "2023-05"): 1, ("t5", "2023-05"): 1, ("mt5", "2023-05"): 1,
                       ("whisper", "2023-04"): 1, ("gpt2", "2022-12"): 1}


def test_date_range_limits_topics_and_stops_paging_early(server):
    fake = FakeDiscourse(server, third_page=True)
    info = capture(fake, "forum-range", from_date="2023-05-03", to_date="2023-06-10")
    topics = registry.load_table("forum-range", "topics")
    assert sorted(topics["id"]) == [303, 304]
    assert info.parameters["from_date"] == "2023-05-03" and info.parameters["to_date"] == "2023-06-10"
    pages = [args["page"] for path, args in fake.requests if path == "/latest.json"]
    assert pages == [["0"], ["1"]]                                 # page 1 held only older topics: no page 2
    assert set(fake.topic_requests()) == {"/t/303.json", "/t/304.json", "/t/304/posts.json"}


@pytest.mark.parametrize("from_date, to_date, message", [
    ("2023-13-01", None, "--from-date '2023-13-01' is not a date"),
    ("yesterday", None, "is not a date in ISO form"),
    ("2023-06-01", "2023-05-01", "--to-date 2023-05-01 is before --from-date 2023-06-01"),
])
def test_date_range_validation(from_date, to_date, message):
    with pytest.raises(registry.SnapshotError, match=re.escape(message)):
        parse_date_range(from_date, to_date)


def test_a_valid_single_day_range():
    start, end = parse_date_range("2023-05-01", "2023-05-01")
    assert start == end


@pytest.mark.parametrize("answer, expected_wait", [
    (lambda: Response(json.dumps({"errors": ["You've performed this action too many times."],
                                  "error_type": "rate_limit", "extras": {"wait_seconds": 12, "time_left": "12 seconds"}}),
                      status=429, content_type="application/json"), 12.0),
    (lambda: Response("Too Many Requests", status=429, headers={"Retry-After": "4"}), 4.0),
])
def test_rate_limit_waits_as_asked(server, answer, expected_wait):
    fake = FakeDiscourse(server, faults={("/t/305.json", 1): answer})
    sleeps = Sleeps()
    info = capture(fake, "forum-429", policy=fast_policy(sleeps))
    assert sleeps == [expected_wait]
    assert info.tables["topics"].rows == 7


def test_server_errors_and_stalls_are_retried(server):
    def stall():
        time.sleep(1.5)
        return FakeDiscourse.json(fixture("topic_303.json"))

    fake = FakeDiscourse(server, faults={("/latest.json", 1): lambda: Response("", status=502),
                                         ("/t/303.json", 1): stall})
    sleeps = Sleeps()
    started = time.monotonic()
    info = capture(fake, "forum-flaky", policy=fast_policy(sleeps, timeout=0.3))
    assert time.monotonic() - started < 1.4
    assert sleeps == [0.5, 0.5]
    assert info.tables["topics"].rows == 7


def test_gives_up_with_a_clear_message(server):
    fake = FakeDiscourse(server, faults={("/t/304.json", n): (lambda: Response("", status=500)) for n in (1, 2, 3)})
    with pytest.raises(GaveUpError, match=r"GET .*/t/304.json after 3 attempts; last problem: HTTP 500"):
        capture(fake, "forum-down", policy=fast_policy(max_attempts=3))
    assert registry.list_snapshots("forum") == []


class Crash(Exception):
    pass


def test_crash_and_resume_gives_the_same_tables(server):
    capture(FakeDiscourse(server), "forum-whole")

    def crash_after_two(count):
        if count == 2:
            raise Crash

    fake = FakeDiscourse(server)
    with pytest.raises(Crash):
        capture(fake, "forum-resumed", after_topic=crash_after_two)
    before = len(fake.requests)
    capture(fake, "forum-resumed")
    again = [path for path, _ in fake.requests[before:] if path.startswith("/t/")]
    assert "/t/900.json" not in again and "/t/305.json" not in again        # stored before the crash
    assert "/site.json" not in [path for path, _ in fake.requests[before:]]
    for table in TABLES:
        pd.testing.assert_frame_equal(registry.load_table("forum-whole", table),
                                      registry.load_table("forum-resumed", table))
    assert registry.content_hash("forum-whole") == registry.content_hash("forum-resumed")


def test_a_malformed_answer_stops_cleanly_and_the_rerun_completes(server):
    fake = FakeDiscourse(server, faults={("/t/303.json", 1): lambda: Response("{\"post_stream\": [",
                                                                               content_type="application/json")})
    with pytest.raises(ForumError, match="not valid JSON"):
        capture(fake, "forum-malformed")
    raw = registry.snapshot_dir("forum-malformed") / "raw" / "topics.jsonl"
    assert [json.loads(line)["topic"]["id"] for line in raw.read_bytes().splitlines()] == [900, 305, 304]
    info = capture(fake, "forum-malformed")
    assert info.tables["topics"].rows == 7


def test_limit_takes_a_sample(server):
    fake = FakeDiscourse(server)
    info = capture(fake, "forum-sample", limit=2)
    assert info.tables["topics"].rows == 2
    assert [path for path, _ in fake.requests if path == "/latest.json"] == ["/latest.json"]


def test_throttle_spaces_requests():
    now = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    throttle = Throttle(4.0, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        throttle.wait()
        now[0] += 0.05                      # the request itself
    assert sleeps == pytest.approx([0.2, 0.2])
    assert Throttle(None, sleep=sleep).interval == 0


def test_polite_rate_is_applied_to_every_request(server):
    fake = FakeDiscourse(server)
    sleeps = Sleeps()
    capture(fake, "forum-polite", rate=3.0, policy=fast_policy(sleeps), limit=1)
    assert len(sleeps) >= len(fake.requests) - 1 and all(0 < s <= 1 / 3 for s in sleeps)


def test_tag_shapes_and_cooked_html():
    assert tag_names(["a", {"id": 1, "name": "b", "slug": "b-slug"}, {"id": 2, "slug": "c"}, 7, None]) == ["a", "b", "c"]
    assert tag_names(None) == []
    assert html_to_text("<p>x &lt; y</p><pre><code>import bert\n</code></pre><p>z&amp;w</p>") == "x < y\nimport bert\nz&w"


def test_cli_forum_and_date_errors(server, tmp_path):
    fake = FakeDiscourse(server)
    command = [sys.executable, "-m", "hfcompendium.snapshots.cli", "forum", "--endpoint", fake.endpoint,
               "--no-progress", "--rate", "1000"]
    bad = subprocess.run(command + ["--from-date", "2023-06-01", "--to-date", "2023-01-01"],
                         capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert bad.returncode == 2 and "is before --from-date" in bad.stderr
    done = subprocess.run(command + ["--name", "forum-cli", "--limit", "3"], capture_output=True, text=True,
                          env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "registered snapshot forum-cli" in done.stdout
    assert registry.get_snapshot("forum-cli").tables["topics"].rows == 3
    assert Counter(path for path, _ in fake.requests)["/site.json"] == 1
