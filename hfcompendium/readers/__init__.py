"""Readers: one function per kind of source file, each returning a tidy DataFrame.

A reader has the signature `reader(path, source) -> pandas.DataFrame` and is
named in the registry as "module.function" (e.g. "saner.all_codes"). Readers
never execute anything from the data: no pickle, no eval; YAML through safe
loaders only, Python literals through `ast.literal_eval`.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Callable

import pandas as pd

Reader = Callable[..., pd.DataFrame]


class ReaderError(ValueError):
    """A source file does not have the shape its reader expects."""


def resolve(name: str) -> Reader:
    module_name, _, function_name = name.partition(".")
    if not function_name:
        raise ReaderError(f"Reader name {name!r} must look like 'module.function'")
    module = importlib.import_module(f"{__name__}.{module_name}")
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise ReaderError(f"No reader {function_name!r} in hfcompendium.readers.{module_name}") from None


def reader_fingerprint(name: str) -> str:
    """Source text of the reader's module: part of the tidy-table cache key."""
    module_name = name.partition(".")[0]
    return inspect.getsource(importlib.import_module(f"{__name__}.{module_name}"))
