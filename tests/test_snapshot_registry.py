"""The local snapshot registry (manifests, reading, content hash) and the crash-safe journal under captures."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hfcompendium import chapters, runlog
from hfcompendium.snapshots import registry
from hfcompendium.snapshots.journal import Journal
from hfcompendium.snapshots.registry import SnapshotError


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPENDIUM_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("HFCOMPENDIUM_RUN_DIR", raising=False)


def make_snapshot(name: str, kind: str = "hub", counts=(3, 4)) -> registry.SnapshotInfo:
    tables = registry.snapshot_dir(name) / registry.TABLES_DIR
    tables.mkdir(parents=True)
    schema = pa.schema([pa.field("model_type", pa.string(), nullable=False),
                        pa.field("month", pa.string(), nullable=False),
                        pa.field("count", pa.int64(), nullable=False),
                        pa.field("maybe", pa.int64())])
    pq.write_table(pa.table({"model_type": ["bert", "t5"], "month": ["2023-01", "2023-01"], "count": list(counts),
                             "maybe": [1, None]}, schema=schema), tables / "monthly.parquet")
    return registry.register(name, kind=kind, source="api", endpoint="http://127.0.0.1:1", captured_at="2026-11-22T00:00:00Z",
                             parameters={"limit": None}, transformers_version="5.23.0",
                             table_files={"monthly": tables / "monthly.parquet"})


def test_empty_registry_and_unknown_kind():
    assert registry.list_snapshots() == []
    with pytest.raises(SnapshotError, match="Unknown snapshot kind 'models'"):
        registry.list_snapshots("models")


def test_register_list_get_and_load():
    made = make_snapshot("hub-2026-11-22")
    make_snapshot("forum-2026-11-22", kind="forum")
    assert [s.name for s in registry.list_snapshots()] == ["forum-2026-11-22", "hub-2026-11-22"]
    assert [s.name for s in registry.list_snapshots("hub")] == ["hub-2026-11-22"]
    info = registry.get_snapshot("hub-2026-11-22")
    assert info == made
    assert info.tables["monthly"].rows == 2 and len(info.tables["monthly"].sha256) == 64
    assert info.transformers_version == "5.23.0" and info.captured_at == "2026-11-22T00:00:00Z"
    manifest = json.loads((info.path / registry.MANIFEST).read_text())
    assert {"name", "kind", "source", "endpoint", "captured_at", "parameters", "transformers_version",
            "tables"} <= set(manifest)
    frame = registry.load_table("hub-2026-11-22", "monthly")
    assert str(frame["count"].dtype) == "int64" and str(frame["maybe"].dtype) == "Int64"
    assert frame["count"].tolist() == [3, 4]


def test_unknown_names_and_tables_are_explained():
    make_snapshot("hub-a")
    with pytest.raises(SnapshotError, match=r"Unknown snapshot 'hub-b'\. Known snapshots: hub-a"):
        registry.get_snapshot("hub-b")
    with pytest.raises(SnapshotError, match="has no table 'models'; tables: monthly"):
        registry.load_table("hub-a", "models")
    with pytest.raises(SnapshotError, match="Unknown snapshot '../etc'"):
        registry.get_snapshot("../etc")


def test_reads_are_logged_with_the_table_hash(tmp_path, monkeypatch):
    info = make_snapshot("hub-logged")
    monkeypatch.setenv(runlog.RUN_DIR_ENV, str(tmp_path / "run"))
    registry.load_table("hub-logged", "monthly")
    reads = runlog.read_records(tmp_path / "run", runlog.READS_FILE)
    assert reads == [{"source": "snapshot:hub-logged/monthly", "sha256": info.tables["monthly"].sha256}]


def test_content_hash_follows_the_tables():
    make_snapshot("hub-x")
    make_snapshot("hub-y")
    assert registry.content_hash("hub-x") == registry.content_hash("hub-y")
    make_snapshot("hub-z", counts=(3, 5))
    assert registry.content_hash("hub-z") != registry.content_hash("hub-x")


def test_unfinished_and_damaged_folders_are_not_listed():
    make_snapshot("hub-good")
    unfinished = registry.snapshot_dir("hub-unfinished") / registry.RAW_DIR
    Journal(unfinished, "models").append([b'{"id": "a"}'], {"parameters": {}, "count": 1})
    damaged = registry.snapshot_dir("hub-damaged")
    damaged.mkdir(parents=True)
    (damaged / registry.MANIFEST).write_text("{not json")
    with pytest.warns(UserWarning, match="hub-damaged"):
        assert [s.name for s in registry.list_snapshots()] == ["hub-good"]


def test_names():
    late_evening = dt.datetime(2026, 11, 22, 23, 59, tzinfo=dt.timezone.utc)
    assert registry.default_name("hub", late_evening) == "hub-2026-11-22"
    assert registry.default_name("forum", late_evening.astimezone(dt.timezone(dt.timedelta(hours=5)))) == \
        "forum-2026-11-22"
    for bad in ("", "../x", "a/b", "-x", "x" * 101):
        with pytest.raises(SnapshotError, match="not usable"):
            registry.check_name(bad)


def test_chapter_parameters_offer_registered_snapshots():
    make_snapshot("hub-2026-11-22")
    make_snapshot("forum-2026-11-22", kind="forum")
    assert chapters.snapshot_choices("hub") == ["replication", "hub-2026-11-22"]
    spec = chapters.ParamSpec(name="hub_snapshot", type="snapshot", default="replication", kind="hub")
    assert chapters.coerce(spec, "hub-2026-11-22") == "hub-2026-11-22"
    with pytest.raises(chapters.ParameterError, match="choices: replication, hub-2026-11-22"):
        chapters.coerce(spec, "forum-2026-11-22")


def test_journal_cuts_off_a_page_whose_checkpoint_was_never_written(tmp_path):
    journal = Journal(tmp_path, "models")
    assert journal.resume() is None
    state = journal.append([b'{"id":"a"}', b'{"id":"b"}'], {"next": "page-2", "count": 2})
    with open(journal.lines_path, "ab") as handle:
        handle.write(b'{"id":"c"}\n{"id":"d')               # died before the checkpoint
    assert list(journal.iter_lines()) == [b'{"id":"a"}', b'{"id":"b"}']
    resumed = Journal(tmp_path, "models").resume()
    assert resumed == state and resumed["next"] == "page-2"
    assert journal.lines_path.read_bytes() == b'{"id":"a"}\n{"id":"b"}\n'


def test_journal_refuses_records_shorter_than_their_checkpoint(tmp_path):
    journal = Journal(tmp_path, "models")
    journal.append([b'{"id":"a"}'], {"count": 1})
    journal.lines_path.write_bytes(b"")
    with pytest.raises(RuntimeError, match="shorter .* than its checkpoint"):
        Journal(tmp_path, "models").resume()


def test_journal_lines_without_any_checkpoint_are_discarded(tmp_path):
    journal = Journal(tmp_path, "models")
    tmp_path.joinpath("models.jsonl").write_bytes(b'{"id":"half"}\n')
    assert journal.resume() is None and not journal.lines_path.exists()
