"""Valid model types: the keys of transformers' configuration auto-mapping.

The SANER 2024 study counts a Hub model under a model type only when its
`config.model_type` is one the installed transformers can map to a configuration
(`CONFIG_MAPPING_NAMES`); the same names are searched for in forum topics. The
list grows with every transformers release (175 names in mid-2023, many more now),
so each snapshot records the transformers version it used.

Importing this module does not import torch; transformers' configuration tables
load without it.
"""

from __future__ import annotations

import functools
import logging
import os


@functools.lru_cache(maxsize=1)
def valid_model_types() -> frozenset[str]:
    """Every `model_type` the installed transformers recognises."""
    # transformers warns at import that torch is missing; that is expected here.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.getLogger("transformers").setLevel(logging.ERROR)
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    return frozenset(CONFIG_MAPPING_NAMES)


def transformers_version() -> str:
    import transformers

    return transformers.__version__
