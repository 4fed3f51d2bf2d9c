"""Bad inputs in snapshot conversion: data with surprises must not stop a conversion, nor be lost.

Unknown model types, bytes that are not UTF-8, broken emoji (lone surrogates) from the
server, empty months, HTML and script in model ids and topic titles (kept verbatim as data,
escaped where shown), model cards of several megabytes; and the conversion by worker
processes, which must give the very same tables as one process and report a bad line by
its number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fake_apis import FakeDiscourse, FakeHub, fast_policy, forum_fixture, isolate_capture
from werkzeug import Response

from hfcompendium import display, pages
from hfcompendium.bench.ingest import write_capture
from hfcompendium.snapshots import hub_records, hub_tables, registry
from hfcompendium.snapshots.forum import capture_forum
from hfcompendium.snapshots.hub import capture_hub
from hfcompendium.snapshots.journal import Journal
from hfcompendium.snapshots.model_types import valid_model_types

pytestmark = pytest.mark.timeout(120)
TYPES = valid_model_types()
HOSTILE_ID = 'evil/<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    isolate_capture(tmp_path, monkeypatch)


def record(model_id: str, **fields) -> dict:
    return {"id": model_id, "author": model_id.split("/")[0], "createdAt": "2024-01-10T10:00:00.000Z",
            "downloads": 1, "likes": 0, "tags": ["transformers"], **fields}


def raw_capture(directory: Path, lines: list[bytes]) -> Journal:
    """A finished capture's raw lines, as `snapshot hub` leaves them."""
    journal = Journal(directory, "models")
    journal.append(lines, {"done": True})
    return journal


def convert(journal: Journal, out: Path, workers: int = 0) -> dict[str, pd.DataFrame]:
    writer = hub_tables.HubTablesWriter(out, TYPES)
    files = hub_tables.convert_journal(journal, writer, workers=workers)
    return {table: pq.read_table(path).to_pandas() for table, path in files.items()} | {"_notes": writer.notes}


def line(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# ----------------------------------------------------------------------------- worker processes

def test_workers_give_the_same_table_files_as_one_process(tmp_path, monkeypatch):
    write_capture(tmp_path / "raw", 3_000, seed=7)
    journal = Journal(tmp_path / "raw", "models")
    with open(journal.lines_path, "ab") as handle:            # one very long line among the pieces
        handle.write(line(record("big/card", cardData={"text": "x" * 300_000, "base_model": "a/b"})) + b"\n")
    journal.checkpoint({"done": True})
    monkeypatch.setattr(hub_tables, "DECODE_BYTES", 64 << 10)  # some forty pieces
    monkeypatch.setattr(hub_tables, "PARALLEL_MIN_BYTES", 0)
    alone = hub_tables.convert_journal(journal, hub_tables.HubTablesWriter(tmp_path / "alone", TYPES), workers=0)
    writer = hub_tables.HubTablesWriter(tmp_path / "workers", TYPES)
    parallel = hub_tables.convert_journal(journal, writer, workers=2)
    for table in hub_tables.TABLES:
        assert parallel[table].read_bytes() == alone[table].read_bytes(), table
    assert writer.notes["records_read"] == 3_001
    links = pq.read_table(parallel["base_model_links"]).to_pandas()
    assert ("big/card", "a/b", "card") in set(zip(links["model_id"], links["base_model"], links["source"]))


@pytest.mark.parametrize("block_bytes", [7, 64, 1000])
def test_pieces_found_from_the_file_match_the_blocks_read(tmp_path, monkeypatch, block_bytes):
    lengths = [0, 3, 120, 5, 5, 900, 1, 40, 2000, 7, 64]
    journal = raw_capture(tmp_path, [b"x" * n for n in lengths])
    monkeypatch.setattr(hub_tables, "DECODE_BYTES", 50)
    monkeypatch.setattr(hub_tables, "_WINDOW", 16)
    expected, offset = [], 0
    for block in journal.iter_blocks(block_bytes):
        for piece in hub_tables._pieces([block]):
            expected.append((offset, len(piece.data), piece.ends_block))
            offset += len(piece.data)
    found = list(hub_tables._journal_spans(journal.lines_path, journal.complete_bytes(), block_bytes))
    assert found == expected and offset == journal.complete_bytes()


def test_a_bad_line_decoded_by_a_worker_is_reported_by_its_number(tmp_path, monkeypatch):
    lines = [line(record(f"u/m{n}")) for n in range(2_000)]
    lines[1_733] = b'{"id": "u/torn", "createdAt": "2024-0'
    journal = raw_capture(tmp_path / "raw", lines)
    monkeypatch.setattr(hub_tables, "DECODE_BYTES", 16 << 10)
    monkeypatch.setattr(hub_tables, "PARALLEL_MIN_BYTES", 0)
    with pytest.raises(hub_records.ConversionError, match=r"^raw line 1734 is not valid JSON .*u/torn"):
        convert(journal, tmp_path / "out", workers=2)


def test_a_worker_that_dies_or_reads_a_changed_file_is_reported(tmp_path):
    journal = raw_capture(tmp_path / "raw", [line(record(f"u/m{n}")) for n in range(50)])
    size = journal.lines_path.stat().st_size
    with hub_records.DecodingWorkers(1, journal.lines_path) as decoders:
        worker = decoders.workers[0]
        decoders.send(worker, (0, size))
        assert decoders.receive(worker).num_rows == 50
        decoders.send(worker, (size - 10, 100))                  # the file is shorter than that now
        with pytest.raises(hub_records.PieceError, match=r"ended before byte \d+: it changed during the conversion"):
            decoders.receive(worker)
        worker.process.kill()
        worker.process.wait()
        with pytest.raises(RuntimeError, match=r"a decoding worker stopped \(exit code -9\)"):
            decoders.send(worker, (0, size))
            decoders.receive(worker)


# ----------------------------------------------------------------------------- surprising values

def test_unknown_model_types_are_kept_but_not_counted(tmp_path):
    journal = raw_capture(tmp_path / "raw", [
        line(record("a/known", config={"model_type": "bert"})),
        line(record("a/custom", config={"model_type": "my-new-arch"})),
        line(record("a/odd", config={"model_type": {"nested": True}})),
        line(record("a/none", config={})),
    ])
    tables = convert(journal, tmp_path / "out")
    types = tables["models"].set_index("id")["model_type"]
    assert types["a/known"] == "bert" and types["a/custom"] == "my-new-arch"
    assert pd.isna(types["a/odd"]) and pd.isna(types["a/none"])
    monthly = tables["model_types_monthly"]
    assert monthly.values.tolist() == [["bert", "2024-01", 1]]
    assert tables["_notes"]["models_with_valid_type"] == 1


def test_bytes_that_are_not_utf8_become_replacement_characters(tmp_path):
    journal = raw_capture(tmp_path / "raw", [
        line(record("a/fine")),
        b'{"id":"a/bad\xff\xfeid","tags":["ok","t\xe9g"],"createdAt":"2024-02-01T00:00:00Z"}',
        b'{"id":"a/card","cardData":{"base_model":"x/\xc3(y"},"createdAt":"2024-02-01T00:00:00Z"}',
    ])
    tables = convert(journal, tmp_path / "out")
    models = tables["models"].set_index("id")
    assert list(models.index) == ["a/fine", "a/bad\ufffd\ufffdid", "a/card"]
    assert list(models.loc["a/bad\ufffd\ufffdid", "tags"]) == ["ok", "t\ufffdg"]
    assert tables["base_model_links"][["model_id", "base_model"]].values.tolist() == [["a/card", "x/\ufffd(y"]]


def test_a_broken_emoji_from_the_hub_is_stored_as_received_and_converted(server):
    broken = "user/model-\ud83d"                 # a lone surrogate: no UTF-8 can hold it
    page = {"next_link": None, "records": [record("user/ok"), record(broken, cardData={"base_model": "b/\udc00"})]}
    fake = FakeHub(server, pages=[page])
    capture_hub(name="hub-emoji", endpoint=fake.endpoint, policy=fast_policy(), progress=False)
    raw = (registry.snapshot_dir("hub-emoji") / "raw" / "models.jsonl").read_bytes()
    assert b"user/model-\\ud83d" in raw                          # kept exactly, as an escape
    models = registry.load_table("hub-emoji", "models")
    assert sorted(models["id"]) == ["user/model-\ufffd", "user/ok"]
    links = registry.load_table("hub-emoji", "base_model_links")
    assert links["base_model"].tolist() == ["b/\ufffd"]


def test_a_broken_emoji_in_a_forum_topic_is_stored_and_converted(server):
    topic = forum_fixture("topic_305.json")
    topic["title"] = "DistilBERT vs BERT \ud83d for <script>alert(1)</script>"
    fake = FakeDiscourse(server, faults={("/t/305.json", 1): lambda: Response(
        json.dumps(topic), content_type="application/json")})

    def crash_after_that_topic(count):
        if count == 2:                          # 900, then 305: stored, with its escape
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        capture_forum(name="forum-emoji", endpoint=fake.endpoint, rate=None, policy=fast_policy(), progress=False,
                      after_topic=crash_after_that_topic)
    capture_forum(name="forum-emoji", endpoint=fake.endpoint, rate=None, policy=fast_policy(), progress=False)
    assert fake.topic_requests().count("/t/305.json") == 1      # the resumed crawl read the stored line
    topics = registry.load_table("forum-emoji", "topics").set_index("id")
    assert topics.loc[305, "title"] == "DistilBERT vs BERT \ufffd for <script>alert(1)</script>"
    mentions = registry.load_table("forum-emoji", "topic_mentions")
    assert {"bert", "distilbert"} <= set(mentions[mentions["topic_id"] == 305]["model_type"])


def test_forum_lines_that_are_not_utf8_are_converted(tmp_path):
    from hfcompendium.snapshots import forum_tables

    topic = forum_fixture("topic_301.json")
    raw = json.dumps({"topic": topic, "more_posts": []}).encode().replace(b'"title": "', b'"title": "\xff', 1)
    writer = forum_tables.ForumTablesWriter(tmp_path, [], TYPES)
    files = forum_tables.convert_topic_lines([raw], writer)
    title = pq.read_table(files["topics"]).to_pylist()[0]["title"]
    assert title.startswith("\ufffd") and title[1:] == topic["title"]


def test_empty_months_get_zeros_and_undated_captures_give_empty_tables(tmp_path):
    journal = raw_capture(tmp_path / "raw", [
        line(record("a/jan", createdAt="2023-01-05T00:00:00Z", config={"model_type": "bert"})),
        line(record("a/apr", createdAt="2023-04-05T00:00:00Z", config={"model_type": "bert"}, cardData={"x": 1})),
    ])
    tables = convert(journal, tmp_path / "out")
    assert tables["model_types_monthly"].values.tolist() == [
        ["bert", "2023-01", 1], ["bert", "2023-02", 0], ["bert", "2023-03", 0], ["bert", "2023-04", 1]]
    assert tables["cards_monthly"].values.tolist() == [["2023-01", 1, 0, 0.0], ["2023-04", 1, 1, 1.0]]

    undated = raw_capture(tmp_path / "raw2", [
        line(record("a/old", createdAt="2022-03-02T23:29:04.000Z", config={"model_type": "bert"})),
        line(record("a/nodate", createdAt=None)),
    ])
    tables = convert(undated, tmp_path / "out2")
    assert len(tables["models"]) == 2
    assert tables["model_types_monthly"].empty and tables["cards_monthly"].empty
    assert tables["_notes"]["models_without_creation_month"] == 2

    empty = raw_capture(tmp_path / "raw3", [])
    tables = convert(empty, tmp_path / "out3")
    assert all(tables[t].empty for t in hub_tables.TABLES)


def test_html_and_script_in_ids_are_data_and_escaped_wherever_shown(server):
    page = {"next_link": None, "records": [
        record(HOSTILE_ID, tags=["transformers", "base_model:finetune:<b>bold</b>/x"], library_name="<i>lib</i>"),
        record("plain/model")]}
    capture_hub(name="hub-html", endpoint=FakeHub(server, pages=[page]).endpoint, policy=fast_policy(),
                progress=False)
    models = registry.load_table("hub-html", "models")
    assert HOSTILE_ID in set(models["id"])                       # verbatim: it is data
    links = registry.load_table("hub-html", "base_model_links")
    assert links["base_model"].tolist() == ["<b>bold</b>/x"]

    shown = [pages.cell(HOSTILE_ID), models.to_html(), display.table(models[["id", "library_name"]]).to_html(),
             links.to_html()]
    for text in shown:
        assert "<script>" not in text and "<img" not in text and "<b>bold" not in text and "<i>lib" not in text
        assert "&lt;script&gt;" in text or "&lt;b&gt;bold" in text
    assert pages.cell("a|b`c\nd") == "a\\|b&#96;c d"


# ----------------------------------------------------------------------------- huge values

def test_cards_of_several_megabytes_are_read_in_bounded_memory(tmp_path):
    """Three cards of 5 MB each (one naming its base at the very end): converted in a separate
    process, whose peak memory must stay far below what keeping such texts around would take."""
    huge = "lorem ipsum " * (5_000_000 // 12)
    lines = [line(record(f"u/small{n}")) for n in range(200)]
    lines[50] = line(record("u/huge1", cardData={"text": huge}))
    lines[120] = line(record("u/huge2", cardData={"text": huge, "base_model": ["base/one", "base/two"]}))
    lines[199] = line(record("u/huge3", cardData={"widget": [{"text": huge}]}, tags=["t"] * 50_000))
    raw_capture(tmp_path / "raw", lines)
    script = (
        "import json, resource, sys\nfrom pathlib import Path\n"
        "from hfcompendium.snapshots import hub_tables\nfrom hfcompendium.snapshots.journal import Journal\n"
        "hub_tables.DECODE_BYTES = 1 << 20\nhub_tables.PARALLEL_MIN_BYTES = 0\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "writer = hub_tables.HubTablesWriter(Path(sys.argv[2]), ['bert'])\n"
        "hub_tables.convert_journal(Journal(Path(sys.argv[1]), 'models'), writer, workers=1)\n"
        "own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'growth_mb': (own.ru_maxrss - before) / 1024, 'worker_mb': kids.ru_maxrss / 1024}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "raw"), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, env={**os.environ})
    assert done.returncode == 0, done.stderr
    memory = json.loads(done.stdout)
    assert memory["growth_mb"] < 150 and memory["worker_mb"] < 300, memory
    models = pq.read_table(tmp_path / "out" / "models.parquet").to_pandas().set_index("id")
    assert models.loc[["u/huge1", "u/huge2", "u/huge3"], "has_card"].all()
    assert len(models.loc["u/huge3", "tags"]) == 50_000
    links = pq.read_table(tmp_path / "out" / "base_model_links.parquet").to_pandas()
    assert links[["model_id", "base_model"]].values.tolist() == [["u/huge2", "base/one"], ["u/huge2", "base/two"]]
    assert (tmp_path / "out" / "models.parquet").stat().st_size < 1_000_000     # the card texts are not kept
