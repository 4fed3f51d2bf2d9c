"""One lock for the README commands, CI and Binder."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict[str, str]:
    result = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        assert match, f"requirements.txt: {line!r} is not an exact pin"
        result[match.group(1).lower().replace("_", "-")] = match.group(2)
    return result


def test_every_requirement_is_pinned_exactly_and_jupyter_book_is_1x():
    locked = pins()
    assert locked["jupyter-book"] == "1.0.4.post1"
    assert locked["sphinx"].startswith("7.")


def test_direct_dependencies_are_all_locked():
    locked = pins()
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name = re.split(r"[=<>!~ ]", line)[0].lower().replace("_", "-")
            assert name in locked, f"{name} is in requirements.in but not locked in requirements.txt"


def test_binder_environment_installs_the_same_lock():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    assert "python=3.11" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-e ."]
