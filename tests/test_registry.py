"""The source registry is complete, well formed, and every reader it names exists."""

from __future__ import annotations

import re

import pytest

from hfcompendium import readers
from hfcompendium.registry import RegistryError, get_source, load_registry, parse_registry


def test_registry_entries_are_pinned_and_hashed():
    registry = load_registry()
    assert len(registry) >= 128
    for source in registry.values():
        assert re.fullmatch(r"[0-9a-f]{64}", source.sha256)
        assert source.commit in source.url, f"{source.id}: URL must point at the pinned commit"
        assert source.url.startswith("https://raw.githubusercontent.com/")
        assert source.size > 0
        assert source.licence and source.citation


def test_every_reader_named_in_the_registry_exists():
    missing = []
    for source in load_registry().values():
        try:
            assert callable(readers.resolve(source.reader))
        except (ImportError, readers.ReaderError) as exc:
            missing.append(f"{source.id}: {exc}")
    assert not missing, "\n".join(missing)


def test_unknown_source_error_names_similar_ids():
    with pytest.raises(RegistryError, match="saner2024_all_codes"):
        get_source("saner2024_all_code")


@pytest.mark.parametrize("text, problem", [
    ("nothing: here", "sources"),
    ("sources:\n  - id: x\n", "missing fields"),
])
def test_malformed_registry_is_rejected(text, problem):
    with pytest.raises(RegistryError, match=problem):
        parse_registry(text)


def test_registry_rejects_an_unpinned_commit():
    entry = dict(vars(next(iter(load_registry().values()))))
    entry["commit"] = "main"
    import yaml

    with pytest.raises(RegistryError, match="40-hex"):
        parse_registry(yaml.safe_dump({"sources": [entry]}))
