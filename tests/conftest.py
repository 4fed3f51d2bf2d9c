"""Test setup: the data mirror, and caches that never touch a developer's own.

CI points HFCOMPENDIUM_MIRROR at the shared mirror; without it the tests look for
../shared/data/mirror beside the checkout. Every test session gets fresh caches
(sources, tidy tables, snapshots), so the tests exercise real fetching and never
depend on what an earlier run left behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The fake Hub and Discourse servers: their `server` fixture is available to every test module.
pytest_plugins = ["fake_apis"]


def pytest_configure(config):
    if not os.environ.get("HFCOMPENDIUM_MIRROR"):
        beside = PROJECT_ROOT.parent / "shared" / "data" / "mirror"
        if beside.is_dir():
            os.environ["HFCOMPENDIUM_MIRROR"] = str(beside)
    os.environ["HFCOMPENDIUM_CACHE"] = tempfile.mkdtemp(prefix="hfcompendium-test-cache-")
    os.environ["HFCOMPENDIUM_RUNS"] = tempfile.mkdtemp(prefix="hfcompendium-test-runs-")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="hfcompendium-test-hf-home-")
    # A chapter's run log is only written inside a pipeline execution.
    os.environ.pop("HFCOMPENDIUM_RUN_DIR", None)


@pytest.fixture(scope="session")
def mirror() -> Path:
    value = os.environ.get("HFCOMPENDIUM_MIRROR")
    if not value or not Path(value).is_dir():
        pytest.fail("These tests read the real data: set HFCOMPENDIUM_MIRROR to the data mirror directory")
    return Path(value)
