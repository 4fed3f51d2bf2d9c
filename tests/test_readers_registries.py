"""PyPI and npm top lists: the real files of the mirror and a hand-made JS module."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hfcompendium import data
from hfcompendium.readers import ReaderError, registries

PYPI_SIZES = {"pypi_top_30d_2021_01": 4_000, "pypi_top_30d_2022_11": 5_000, "pypi_top_30d_2023_10": 8_000,
              "pypi_top_30d_2025_02": 15_000}
NPM_SIZES = {"npm_top_download_2022_11_03": 4_355, "npm_top_download_2022_11_04": 4_366,
             "npm_top_download_2023_08_24": 4_975, "npm_top_download_2023_11_22": 5_111,
             "npm_top_download_2024_02_20": 5_157, "npm_top_download_2025_12_04": 13_628}


@pytest.mark.parametrize("source_id, rows", PYPI_SIZES.items())
def test_pypi_lists(mirror, source_id, rows):
    frame = data.load(source_id)
    assert len(frame) == rows and frame["name"].is_unique
    assert frame["rank"].tolist()[:3] == [1, 2, 3] and frame["downloads"].is_monotonic_decreasing
    assert frame["last_update"].iloc[0].tz is not None


@pytest.mark.parametrize("source_id, rows", NPM_SIZES.items())
def test_npm_lists(mirror, source_id, rows):
    frame = data.load(source_id)
    assert len(frame) == rows and frame["name"].is_unique
    assert frame["rank"].tolist() == list(range(1, rows + 1))


def test_every_registered_list_loads(mirror):
    for source in data.sources("pypi_top_30d_") + data.sources("npm_top_download_"):
        assert len(data.load(source.id)) > 1_000


def test_js_module_strings_are_read_in_order_without_running_it(tmp_path):
    # Hand-made fixture module: single and double quotes, a scoped name, an escaped quote.
    module = tmp_path / "top-download.js"
    module.write_text("""export const topDownload = [
  'semver',
  "@types/node",
  'it\\'s',
  'debug'
]
""", encoding="utf-8")
    frame = registries.npm_top(module, SimpleNamespace(id="fixture"))
    assert frame["name"].tolist() == ["semver", "@types/node", "it's", "debug"]
    assert frame["rank"].tolist() == [1, 2, 3, 4]


def test_js_module_without_the_array_is_refused(tmp_path):
    module = tmp_path / "other.js"
    module.write_text("export default 42\n", encoding="utf-8")
    with pytest.raises(ReaderError):
        registries.npm_top(module, SimpleNamespace(id="fixture"))
