"""The Hub capture against a local fake Hub serving hand-written fixtures (tests/fixtures/hub_api).

The real client is used throughout: huggingface_hub's HTTP session, the retry loop,
the journal and the table conversion. Only the server is fake, on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fake_apis import FakeHub, Sleeps, fast_policy, isolate_capture
from werkzeug import Response

from hfcompendium.snapshots import hub_records, registry
from hfcompendium.snapshots.hub import HubError, capture_hub, import_hub_dump, onto_endpoint
from hfcompendium.snapshots.retries import GaveUpError

TABLES = ("models", "model_types_monthly", "cards_monthly", "base_model_links", "libraries")

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    isolate_capture(tmp_path, monkeypatch)


def tables_of(name: str) -> dict[str, pd.DataFrame]:
    return {table: registry.load_table(name, table) for table in TABLES}


def test_capture_follows_pages_and_builds_tables(server):
    fake = FakeHub(server)
    info = capture_hub(name="hub-test", endpoint=fake.endpoint, policy=fast_policy(), progress=False)

    first = fake.listing_requests()[0]["args"]
    assert first["sort"] == ["createdAt"] and first["direction"] == ["1"] and first["limit"] == ["1000"]
    assert set(first["expand[]"]) >= {"createdAt", "downloadsAllTime", "config", "cardData", "gated", "tags"}
    # Pages 2 and 3 were asked of the local server although the recorded links name huggingface.co.
    assert [r["args"].get("cursor") for r in fake.listing_requests()] == [None, ["page-2"], ["page-3"]]

    assert info.name == "hub-test" and info.kind == "hub" and info.source == "api"
    assert info.endpoint == fake.endpoint
    assert info.parameters["sort"] == "createdAt"
    assert info.transformers_version
    models = registry.load_table("hub-test", "models").set_index("id")
    assert len(models) == 9                                        # 10 records, one id repeated
    assert info.notes["duplicate_ids_dropped"] == 1
    assert "legacy-user/old-model" in models.index                 # read from the deprecated modelId
    assert models["created_at_is_sentinel"].sum() == 3
    assert models.loc["org/llama-merge", "downloads"] == 77        # the first occurrence is kept
    assert models.loc["user/whisper-small-fr", ["downloads", "likes"]].tolist() == [0, 0]
    assert pd.isna(models.loc["legacy-user/old-model", "downloads_all_time"])
    assert str(models["downloads_all_time"].dtype) == "Int64"
    assert models.loc["org/custom-arch", "gated"] == "auto"
    assert models.loc["google-bert/bert-base-uncased", "gated"] == "false"
    assert models.loc["user/t5-with-text-config", "model_type"] == "t5"   # the top-level type, not text_config's
    assert pd.isna(models.loc["user/qwen-gguf", "model_type"])
    assert not models.loc["user/qwen-gguf", "has_card"] and not models.loc["legacy-user/old-model", "has_card"]
    assert models.loc["org/custom-arch", "has_card"]
    assert str(models["created_at"].dtype) == "datetime64[us, UTC]"
    assert list(models.loc["user/whisper-small-fr", "tags"]) == [
        "transformers", "whisper", "base_model:adapter:openai/whisper-small"]


def test_derived_tables(server):
    fake = FakeHub(server)
    capture_hub(name="hub-derived", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    tables = tables_of("hub-derived")

    monthly = tables["model_types_monthly"]
    assert list(monthly.columns) == ["model_type", "month", "count"]
    assert str(monthly["count"].dtype) == "int64"
    counted = monthly[monthly["count"] > 0].sort_values(["month", "model_type"])
    assert counted.values.tolist() == [["bert", "2023-05", 1], ["llama", "2024-01", 1],
                                       ["whisper", "2024-02", 1], ["t5", "2024-03", 1]]
    # Every month from 2023-05 to 2024-03 for every counted type; sentinel rows left out.
    assert len(monthly) == 4 * 11

    cards = tables["cards_monthly"].set_index("month")
    assert cards.loc["2024-01"].tolist() == [2, 2, 1.0]
    assert cards.loc["2024-02", ["models", "with_card"]].tolist() == [2, 1]
    assert "2022-03" not in cards.index

    links = tables["base_model_links"]
    rows = set(map(tuple, links[["model_id", "base_model", "relation", "source"]].values.tolist()))
    assert rows == {
        ("someone/bert-finetuned-squad", "google-bert/bert-base-uncased", "finetune", "tag"),
        ("someone/bert-finetuned-squad", "google-bert/bert-base-uncased", "unspecified", "card"),
        ("org/llama-merge", "a-lab/llama-a", "merge", "tag"),
        ("org/llama-merge", "c-lab/llama-c", "merge", "tag"),
        ("org/llama-merge", "a-lab/llama-a", "unspecified", "card"),
        ("org/llama-merge", "c-lab/llama-c", "unspecified", "card"),
        ("user/whisper-small-fr", "openai/whisper-small", "adapter", "tag"),
        ("user/qwen-gguf", "Qwen/Qwen2-7B", "quantized", "tag"),
    }
    libraries = tables["libraries"]
    assert set(libraries["library_name"]) == {"transformers", "gguf"}
    assert len(libraries) == 8                                     # the legacy model names no library


def test_next_links_are_moved_onto_the_endpoint():
    recorded = "https://huggingface.co/api/models?sort=createdAt&cursor=abc"
    assert onto_endpoint(recorded, "http://127.0.0.1:8123", "x") == \
        "http://127.0.0.1:8123/api/models?sort=createdAt&cursor=abc"
    assert onto_endpoint("/api/models?cursor=abc", "http://127.0.0.1:8123", "http://127.0.0.1:8123/api/models") == \
        "http://127.0.0.1:8123/api/models?cursor=abc"
    assert onto_endpoint(recorded, "http://mirror.local/hub", "x") == "http://mirror.local/hub/api/models?sort=createdAt&cursor=abc"
    assert onto_endpoint("http://evil.example/api/models?cursor=z", "https://huggingface.co", "x") == \
        "https://huggingface.co/api/models?cursor=z"


@pytest.mark.parametrize("headers, expected_wait", [
    ({"RateLimit": '"api";r=0;t=7', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}, 8.0),
    ({"RateLimit": "r=0;t=5"}, 6.0),
    ({"Retry-After": "3"}, 3.0),
])
def test_rate_limit_waits_as_the_server_asks(server, headers, expected_wait):
    fake = FakeHub(server, faults={2: lambda: Response("slow down", status=429, headers=headers)})
    sleeps = Sleeps()
    info = capture_hub(name="hub-429", endpoint=fake.endpoint, policy=fast_policy(sleeps), progress=False)
    assert sleeps == [expected_wait]
    assert info.tables["models"].rows == 9


def test_server_errors_are_retried_with_backoff(server):
    window = {"RateLimit": '"api";r=400;t=250'}     # the window header on every answer: not a reason to wait
    fake = FakeHub(server, faults={1: lambda: Response("oops", status=500, headers=window),
                                   2: lambda: Response("oops", status=503)})
    sleeps = Sleeps()
    info = capture_hub(name="hub-5xx", endpoint=fake.endpoint, policy=fast_policy(sleeps), progress=False)
    assert sleeps == [0.5, 1.0]
    assert info.tables["models"].rows == 9


def test_a_stalled_response_hits_the_timeout_and_is_retried(server):
    def stall():
        time.sleep(1.5)
        return Response("[]", content_type="application/json")

    fake = FakeHub(server, faults={1: stall})
    sleeps = Sleeps()
    started = time.monotonic()
    info = capture_hub(name="hub-stall", endpoint=fake.endpoint, policy=fast_policy(sleeps, timeout=0.3),
                       progress=False)
    assert time.monotonic() - started < 1.4          # did not wait for the stalled answer
    assert sleeps == [0.5]
    assert info.tables["models"].rows == 9


def test_gives_up_after_the_bound_with_a_clear_message_then_resumes(server):
    fake = FakeHub(server, faults={n: (lambda: Response("down", status=503)) for n in range(2, 5)})
    with pytest.raises(GaveUpError, match=r"after 3 attempts; last problem: HTTP 503.*rerun the same command"):
        capture_hub(name="hub-down", endpoint=fake.endpoint, policy=fast_policy(max_attempts=3), progress=False)
    assert "hub-down" not in [s.name for s in registry.list_snapshots()]
    info = capture_hub(name="hub-down", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    assert info.tables["models"].rows == 9
    assert [r["args"].get("cursor") for r in fake.listing_requests()][-2:] == [["page-2"], ["page-3"]]


def test_a_wait_longer_than_allowed_stops_the_crawl(server):
    fake = FakeHub(server, faults={1: lambda: Response("", status=429, headers={"Retry-After": "3600"})})
    with pytest.raises(GaveUpError, match="asks to wait 3600 s"):
        capture_hub(name="hub-long-wait", endpoint=fake.endpoint, policy=fast_policy(max_server_wait=60),
                    progress=False)


class Crash(Exception):
    pass


def test_crash_and_resume_gives_the_same_tables_as_an_uninterrupted_crawl(server):
    FakeHub(server)
    capture_hub(name="hub-whole", endpoint=server.url_for("").rstrip("/"), policy=fast_policy(), progress=False)

    def crash_after_first_page(pages, count):
        if pages == 1:
            raise Crash

    fake = FakeHub(server)
    with pytest.raises(Crash):
        capture_hub(name="hub-resumed", endpoint=fake.endpoint, policy=fast_policy(), progress=False,
                    after_page=crash_after_first_page)
    raw = registry.snapshot_dir("hub-resumed") / "raw" / "models.jsonl"
    with open(raw, "ab") as handle:      # a page half-written when the process died
        handle.write(b'{"id": "torn/record", "createdAt": "2024-0')
    before = len(fake.listing_requests())
    capture_hub(name="hub-resumed", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    assert [r["args"].get("cursor") for r in fake.listing_requests()[before:]] == [["page-2"], ["page-3"]]

    whole, resumed = tables_of("hub-whole"), tables_of("hub-resumed")
    for table in TABLES:
        pd.testing.assert_frame_equal(whole[table], resumed[table])
    assert registry.content_hash("hub-whole") == registry.content_hash("hub-resumed")
    assert not resumed["models"]["id"].duplicated().any()


def test_resuming_with_other_settings_is_refused(server):
    fake = FakeHub(server)
    with pytest.raises(Crash):
        capture_hub(name="hub-other", endpoint=fake.endpoint, policy=fast_policy(), progress=False,
                    after_page=lambda pages, count: (_ for _ in ()).throw(Crash()))
    with pytest.raises(registry.SnapshotError, match="other settings"):
        capture_hub(name="hub-other", endpoint=fake.endpoint, limit=2, policy=fast_policy(), progress=False)
    info = capture_hub(name="hub-other", endpoint=fake.endpoint, limit=2, restart=True, policy=fast_policy(),
                       progress=False)
    assert info.tables["models"].rows == 2


def test_a_malformed_page_stops_cleanly_and_the_rerun_completes(server):
    broken = FakeHub(server, faults={2: lambda: Response('[{"id": "x", ', content_type="application/json")})
    with pytest.raises(HubError, match="not valid JSON.*rerun the same command"):
        capture_hub(name="hub-malformed", endpoint=broken.endpoint, policy=fast_policy(), progress=False)
    raw = registry.snapshot_dir("hub-malformed") / "raw" / "models.jsonl"
    assert len(raw.read_bytes().splitlines()) == 3         # page 1 only, intact
    FakeHub(server)
    info = capture_hub(name="hub-malformed", endpoint=broken.endpoint, policy=fast_policy(), progress=False)
    assert info.tables["models"].rows == 9


def test_default_names_and_resuming_without_a_name(server):
    fake = FakeHub(server)
    with pytest.raises(Crash):
        capture_hub(endpoint=fake.endpoint, policy=fast_policy(), progress=False,
                    after_page=lambda pages, count: (_ for _ in ()).throw(Crash()))
    info = capture_hub(endpoint=fake.endpoint, policy=fast_policy(), progress=False)   # resumes the unfinished one
    assert info.name == registry.default_name("hub") and info.tables["models"].rows == 9
    with pytest.raises(registry.SnapshotError, match="already exists"):
        capture_hub(endpoint=fake.endpoint, policy=fast_policy(), progress=False)


def test_limit_takes_a_sample(server):
    fake = FakeHub(server)
    info = capture_hub(name="hub-sample", endpoint=fake.endpoint, limit=4, policy=fast_policy(), progress=False)
    assert fake.listing_requests()[0]["args"]["limit"] == ["4"]
    assert info.tables["models"].rows == 4
    assert len(fake.listing_requests()) == 2


def test_the_token_is_sent_but_never_written(server, monkeypatch, tmp_path, capsys, caplog):
    monkeypatch.setenv("HF_TOKEN", "secret-xyz")
    fake = FakeHub(server, faults={2: lambda: Response("", status=429, headers={"Retry-After": "1"})})
    run_dir = tmp_path / "run"
    monkeypatch.setenv("HFCOMPENDIUM_RUN_DIR", str(run_dir))
    capture_hub(name="hub-token", endpoint=fake.endpoint, first_commit_dates=True, policy=fast_policy(),
                progress=True)
    for table in TABLES:
        registry.load_table("hub-token", table)
    assert {r["authorization"] for r in fake.requests} == {"Bearer secret-xyz"}
    written = [p for p in (tmp_path).rglob("*") if p.is_file()]
    assert any(p.name == "snapshot.json" for p in written) and any(p.name == "reads.jsonl" for p in written)
    assert not [p for p in written if b"secret-xyz" in p.read_bytes()]
    captured = capsys.readouterr()
    assert "secret-xyz" not in captured.out + captured.err + caplog.text


def test_first_commit_dates_replace_the_sentinel_in_monthly_counts(server):
    fake = FakeHub(server)
    info = capture_hub(name="hub-commits", endpoint=fake.endpoint, first_commit_dates=True, policy=fast_policy(),
                       progress=False)
    models = registry.load_table("hub-commits", "models").set_index("id")
    assert str(models.loc["google-bert/bert-base-uncased", "first_commit_at"]) == "2018-11-14 23:35:08+00:00"
    assert str(models.loc["distilbert/distilbert-base-uncased", "first_commit_at"]) == "2019-08-28 15:00:00+00:00"
    assert pd.isna(models.loc["legacy-user/old-model", "first_commit_at"])     # 404: the sentinel stays
    assert models.loc["google-bert/bert-base-uncased", "created_at_is_sentinel"]
    commit_paths = [r["path"] for r in fake.requests if r["path"].endswith("/commits/main")]
    assert commit_paths.count("/api/models/google-bert/bert-base-uncased/commits/main") == 2   # both pages
    monthly = registry.load_table("hub-commits", "model_types_monthly")
    counted = monthly[monthly["count"] > 0]
    assert ("bert", "2018-11") in set(zip(counted["model_type"], counted["month"]))
    assert ("distilbert", "2019-08") in set(zip(counted["model_type"], counted["month"]))
    assert monthly["month"].min() == "2018-11"
    assert info.notes["first_commit_dates_used"] == 2


def test_odd_field_shapes_do_not_break_conversion():
    lines = [
        b'{"id":"a/x","createdAt":"not a date","downloads":"12","likes":3.0,"tags":["t",5,null],'
        b'"config":["not","an","object"],"cardData":{"base_model":{"odd":1}},"gated":true,"author":7}',
        b'{"modelId":"a/y","createdAt":"2024-05-01T00:00:00Z","config":{"model_type":42},"cardData":null}',
        b'{"author":"nobody"}',
    ]
    batch = hub_records.staging_from_json_lines(lines)
    rows = batch.to_pylist()
    assert [r["id"] for r in rows] == ["a/x", "a/y", None]
    assert rows[0]["created_at"] is None and rows[0]["downloads"] == 0 and rows[0]["likes"] == 3
    assert rows[0]["tags"] == ["t"] and rows[0]["model_type"] is None and rows[0]["gated"] == "true"
    assert rows[0]["author"] is None and rows[0]["has_card"] and rows[0]["card_base_models"] is None
    assert rows[1]["model_type"] is None and not rows[1]["has_card"]
    with pytest.raises(hub_records.ConversionError, match="raw line 2 is not valid JSON"):
        hub_records.staging_from_json_lines([b'{"id":"ok"}', b'{"id": '])


def _write_dump(path: Path, as_json_strings: bool) -> None:
    config = [{"model_type": "bert", "architectures": ["BertModel"]}, {"model_type": "nonsense"}, None]
    card = [{"base_model": "google-bert/bert-base-uncased", "license": "mit"}, {"base_model": None, "license": None},
            None]
    if as_json_strings:
        config_column = pa.array([json.dumps(c) if c else None for c in config], pa.string())
        # A JSON dump holds each card as written: the second model's card is an empty object.
        card_column = pa.array([json.dumps({k: v for k, v in c.items() if v is not None}) if c else None
                                for c in card], pa.string())
    else:
        config_column = pa.array(config)
        card_column = pa.array(card)
    table = pa.table({
        "id": ["u/bert-ft", "u/other", "u/plain"],
        "author": ["u", "u", "u"],
        "createdAt": pa.array(["2023-01-05T00:00:00.000Z", "2023-03-09T10:00:00.000Z", "2022-03-02T23:29:04.000Z"]),
        "lastModified": pa.array([pd.Timestamp("2023-02-01", tz="UTC")] * 3),
        "downloads": [10, 20, 30],
        "downloadsAllTime": [100, None, 300],
        "likes": [1, 2, 3],
        "library_name": ["transformers", None, "timm"],
        "pipeline_tag": ["fill-mask", None, None],
        "tags": [["bert", "base_model:finetune:google-bert/bert-base-uncased"], [], None],
        "config": config_column,
        "cardData": card_column,
        "gated": [False, True, False],
        "unrelated_column": [1, 2, 3],
    })
    pq.write_table(table, path)


@pytest.mark.parametrize("as_json_strings", [False, True], ids=["struct-columns", "json-string-columns"])
def test_import_a_public_dump(tmp_path, as_json_strings):
    dump = tmp_path / "models.parquet"
    _write_dump(dump, as_json_strings)
    info = import_hub_dump(dump, name="hub-dump")
    assert info.source == "dump" and info.endpoint is None and info.parameters["dump_file"] == "models.parquet"
    models = registry.load_table("hub-dump", "models").set_index("id")
    assert models["model_type"].tolist()[:2] == ["bert", "nonsense"]
    assert models["has_card"].tolist() == [True, False, False]
    assert models["gated"].tolist() == ["false", "true", "false"]
    assert models["created_at_is_sentinel"].tolist() == [False, False, True]
    assert str(models["last_modified"].dtype) == "datetime64[us, UTC]"
    monthly = registry.load_table("hub-dump", "model_types_monthly")
    assert monthly.values.tolist() == [["bert", "2023-01", 1], ["bert", "2023-02", 0], ["bert", "2023-03", 0]]
    links = registry.load_table("hub-dump", "base_model_links")
    assert sorted(links["source"]) == ["card", "tag"]


def test_cli_captures_and_lists(server, tmp_path):
    fake = FakeHub(server)
    environment = {**os.environ, "HFCOMPENDIUM_CACHE": os.environ["HFCOMPENDIUM_CACHE"]}
    command = [sys.executable, "-m", "hfcompendium.snapshots.cli"]
    done = subprocess.run(command + ["hub", "--endpoint", fake.endpoint, "--name", "hub-cli", "--no-progress"],
                          capture_output=True, text=True, env=environment, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "registered snapshot hub-cli" in done.stdout
    listed = subprocess.run(command + ["list", "--format", "json"], capture_output=True, text=True,
                            env=environment, timeout=60)
    assert [s["name"] for s in json.loads(listed.stdout)] == ["hub-cli"]
    assert len(registry.load_table("hub-cli", "models")) == 9
    again = subprocess.run(command + ["hub", "--endpoint", fake.endpoint, "--name", "hub-cli", "--no-progress"],
                           capture_output=True, text=True, env=environment, timeout=60)
    assert again.returncode == 2 and "already exists" in again.stderr
