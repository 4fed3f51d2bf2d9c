"""Data-layer benchmark: verifying and loading every registered source from a warm cache,
against parsing each source from its original bytes (what every notebook would otherwise do)."""

from __future__ import annotations

import time

from .. import data
from ..fetch import fetch
from ..registry import load_registry
from . import Figure


def run() -> list[Figure]:
    sources = list(load_registry().values())
    for source in sources:           # warm the byte cache and the tidy-table cache
        data.load(source.id)

    started = time.perf_counter()
    for source in sources:
        fetch(source)                # re-verifies the sha256 of the cached bytes
    verify = time.perf_counter() - started

    started = time.perf_counter()
    rows = sum(len(data.load(source.id)) for source in sources)
    cached = time.perf_counter() - started

    started = time.perf_counter()
    for source in sources:
        data.load(source.id, use_cache=False)
    parsed = time.perf_counter() - started
    return [
        Figure("data layer", f"verify {len(sources)} cached sources", verify, "s"),
        Figure("data layer", f"load all tidy tables ({rows:,} rows)", cached, "s", baseline=parsed,
               target="cached tables faster than re-parsing", met=cached < parsed),
    ]
