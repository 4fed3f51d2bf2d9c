"""Bad files in the caches and the mirror: each is caught, replaced or refused, and nothing partial stays.

`test_fetch.py` covers the source cache and the mirror (corrupted files, a download cut
short, no network and no mirror); these add truncated copies and the tidy-table cache
(parquet files of parsed sources), whose damage must never come back as wrong values.
"""

from __future__ import annotations

import hashlib
import random

import pandas as pd
import pytest

from hfcompendium import data, paths
from hfcompendium.fetch import IntegrityError, cached_path, fetch
from hfcompendium.registry import get_source

SOURCE_ID = "saner2024_card_data_stats_months_created"   # a small real file, a table of a few dozen rows
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def cache(tmp_path, monkeypatch, mirror):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv("HFCOMPENDIUM_RUN_DIR", raising=False)
    return tmp_path / "cache"


def leftovers(directory) -> list:
    return [p for p in directory.rglob("*") if p.is_file() and p.name.startswith(".partial")]


def table_entry() -> "pd.DataFrame":
    entries = list(paths.table_cache_dir().glob(f"{SOURCE_ID}-*.parquet"))
    assert len(entries) == 1, entries
    return entries[0]


def test_a_truncated_source_in_the_cache_is_replaced_by_a_verified_copy(cache):
    source = get_source(SOURCE_ID)
    target = fetch(source)
    target.write_bytes(target.read_bytes()[: source.size // 2])
    assert hashlib.sha256(fetch(source).read_bytes()).hexdigest() == source.sha256
    assert not leftovers(cache)


def test_a_truncated_source_in_the_mirror_is_refused_and_nothing_is_cached(cache, tmp_path, monkeypatch, mirror):
    source = get_source(SOURCE_ID)
    short = tmp_path / "short-mirror"
    short.mkdir()
    (short / source.sha256).write_bytes((mirror / source.sha256).read_bytes()[:100])
    monkeypatch.setenv(paths.MIRROR_ENV, str(short))
    with pytest.raises(IntegrityError, match=f"has sha256 [0-9a-f]{{64}}, but the registry expects {source.sha256}"):
        fetch(source)
    assert not cached_path(source).exists() and not leftovers(cache)


def test_a_damaged_tidy_table_never_comes_back_as_wrong_values(cache):
    """A byte changed anywhere in a cached table: either the damage is harmless, or the entry is
    refused and rebuilt from the verified source. Without page checksums most such changes
    silently alter values."""
    good = data.load(SOURCE_ID)
    entry = table_entry()
    original = entry.read_bytes()
    rng = random.Random(2024)
    for position in sorted(rng.sample(range(4, len(original) - 8), 40)):
        damaged = bytearray(original)
        damaged[position] ^= 0x5A
        entry.write_bytes(bytes(damaged))
        pd.testing.assert_frame_equal(data.load(SOURCE_ID), good, obj=f"table after damage at byte {position}")
        entry = table_entry()
        assert pd.read_parquet(entry).equals(good)               # the entry is good again (or was unharmed)
    assert not leftovers(cache)


@pytest.mark.parametrize("keep", [0, 7, 0.5])
def test_a_truncated_tidy_table_is_rebuilt(cache, keep):
    good = data.load(SOURCE_ID)
    entry = table_entry()
    size = entry.stat().st_size
    entry.write_bytes(entry.read_bytes()[: int(size * keep) if isinstance(keep, float) else keep])
    pd.testing.assert_frame_equal(data.load(SOURCE_ID), good)
    assert table_entry().stat().st_size == size and not leftovers(cache)


def test_a_table_that_cannot_be_stored_is_still_returned_and_leaves_nothing(cache, monkeypatch):
    def disk_full(frame, path, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"PAR1 half a table")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    table = data.load(SOURCE_ID)
    assert len(table) > 0
    assert not list(paths.table_cache_dir().glob("*.parquet")) and not leftovers(cache)
