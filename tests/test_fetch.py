"""The data layer finds, verifies and caches original bytes, and fails loudly and cleanly."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path

import pytest

from hfcompendium import fetch as fetch_module
from hfcompendium import paths
from hfcompendium.fetch import DataUnavailableError, IntegrityError, cached_path, fetch
from hfcompendium.registry import get_source

SOURCE_ID = "saner2024_card_data_stats_months_created"   # a small real file (1,448 bytes)


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def no_leftovers(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and p.name.startswith(".partial")]


def test_good_file_comes_from_the_mirror_then_from_the_cache(mirror, isolated_cache, monkeypatch):
    source = get_source(SOURCE_ID)
    local = fetch(source)
    assert local == cached_path(source)
    assert hashlib.sha256(local.read_bytes()).hexdigest() == source.sha256
    monkeypatch.delenv(paths.MIRROR_ENV)          # now only the cache can serve it
    assert fetch(source) == local


def test_corrupted_mirror_file_is_rejected_and_nothing_is_cached(tmp_path, isolated_cache, monkeypatch, mirror):
    source = get_source(SOURCE_ID)
    bad_mirror = tmp_path / "mirror"
    bad_mirror.mkdir()
    original = (mirror / source.sha256).read_bytes()
    (bad_mirror / source.sha256).write_bytes(original[:-10] + b"tampered!!")
    monkeypatch.setenv(paths.MIRROR_ENV, str(bad_mirror))
    with pytest.raises(IntegrityError) as raised:
        fetch(source)
    message = str(raised.value)
    assert source.sha256 in message
    assert hashlib.sha256((bad_mirror / source.sha256).read_bytes()).hexdigest() in message
    assert str(bad_mirror / source.sha256) in message
    assert "To fix" in message
    assert not cached_path(source).exists()
    assert not no_leftovers(isolated_cache)


def test_corrupted_cache_entry_is_replaced_by_a_verified_copy(mirror, isolated_cache):
    source = get_source(SOURCE_ID)
    target = cached_path(source)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the file")
    assert hashlib.sha256(fetch(source).read_bytes()).hexdigest() == source.sha256


def test_offline_without_mirror_says_which_variable_and_url(isolated_cache, monkeypatch):
    source = dataclasses.replace(get_source(SOURCE_ID), url="http://127.0.0.1:9/unreachable.csv")
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    with pytest.raises(DataUnavailableError) as raised:
        fetch(source)
    message = str(raised.value)
    assert paths.MIRROR_ENV in message
    assert "http://127.0.0.1:9/unreachable.csv" in message
    assert source.sha256 in message


def test_download_from_origin_is_verified(httpserver, mirror, isolated_cache, monkeypatch):
    real = get_source(SOURCE_ID)
    payload = (mirror / real.sha256).read_bytes()
    httpserver.expect_request("/raw/card.csv").respond_with_data(payload)
    source = dataclasses.replace(real, url=httpserver.url_for("/raw/card.csv"))
    monkeypatch.delenv(paths.MIRROR_ENV)
    assert fetch(source).read_bytes() == payload


def test_truncated_download_is_not_cached(httpserver, mirror, isolated_cache, monkeypatch):
    real = get_source(SOURCE_ID)
    payload = (mirror / real.sha256).read_bytes()
    httpserver.expect_request("/raw/card.csv").respond_with_data(payload[: len(payload) // 2])
    source = dataclasses.replace(real, url=httpserver.url_for("/raw/card.csv"))
    monkeypatch.delenv(paths.MIRROR_ENV)
    with pytest.raises(IntegrityError):
        fetch(source)
    assert not cached_path(source).exists()
    assert not no_leftovers(isolated_cache)


class BrokenStream(io.RawIOBase):
    """A response that dies after its first block, as a dropped connection does."""

    def __init__(self, payload: bytes):
        self.payload, self.sent = payload, False

    def read(self, size=-1):
        if self.sent:
            raise ConnectionResetError("connection dropped mid-download")
        self.sent = True
        return self.payload[:100]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_interrupted_download_leaves_no_partial_file_and_a_retry_succeeds(mirror, isolated_cache, monkeypatch):
    source = get_source(SOURCE_ID)
    payload = (mirror / source.sha256).read_bytes()
    monkeypatch.delenv(paths.MIRROR_ENV)
    monkeypatch.setattr(fetch_module.urllib.request, "urlopen", lambda *a, **k: BrokenStream(payload))
    with pytest.raises(DataUnavailableError) as raised:
        fetch(source)
    assert "connection dropped" in str(raised.value)
    assert not cached_path(source).exists()
    assert not no_leftovers(isolated_cache)
    monkeypatch.setenv(paths.MIRROR_ENV, str(mirror))
    assert fetch(source).read_bytes() == payload


def test_every_registered_source_is_in_the_mirror_with_the_right_size(mirror):
    from hfcompendium.registry import load_registry

    for source in load_registry().values():
        file = mirror / source.sha256
        assert file.exists(), f"{source.id}: not in the mirror"
        assert file.stat().st_size == source.size, source.id
