"""Chapters: the notebooks in notebooks/, their declared parameters, and parameter validation.

Each chapter is a jupytext py:percent file whose header carries an
`hfcompendium:` block, for example

    #   hfcompendium:
    #     title: "Challenges of reusing pre-trained models"
    #     paper: saner2024
    #     parameters:
    #       window_start: {type: month, default: "2020-07", help: "first month"}
    #       window_end: {type: month, default: "2023-05", not_before: window_start}

and a code cell tagged `parameters` assigning the same defaults. Parameters given
on the command line are validated here, before any kernel starts.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths

PARAM_TYPES = ("int", "float", "str", "bool", "month", "date", "snapshot")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ParameterError(ValueError):
    """Parameters given for a chapter are unknown, malformed or inconsistent."""


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    default: object
    help: str = ""
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    not_before: str | None = None     # another parameter this one may not precede (windows)
    kind: str | None = None           # for type snapshot: "hub" or "forum"


@dataclass(frozen=True)
class Chapter:
    id: str
    path: Path
    title: str
    paper: str
    parameters: dict[str, ParamSpec] = field(default_factory=dict)

    @property
    def defaults(self) -> dict:
        return {name: spec.default for name, spec in self.parameters.items()}


def read_header(path: Path) -> dict:
    """The YAML header of a py:percent file (the commented block between '# ---' lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "# ---":
        return {}
    body = []
    for line in lines[1:]:
        if line.strip() == "# ---":
            break
        body.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return yaml.safe_load("\n".join(body)) or {}


def load_chapter(path: Path) -> Chapter:
    header = read_header(path)
    meta = (header.get("jupyter") or {}).get("hfcompendium")
    if not meta:
        raise ParameterError(f"{path.name}: no 'hfcompendium:' block in the jupytext header")
    specs = {}
    for name, raw in (meta.get("parameters") or {}).items():
        raw = dict(raw)
        if raw.get("type") not in PARAM_TYPES:
            raise ParameterError(f"{path.name}: parameter {name!r} has type {raw.get('type')!r}; use one of {PARAM_TYPES}")
        if "choices" in raw:
            raw["choices"] = tuple(raw["choices"])
        specs[name] = ParamSpec(name=name, **raw)
    return Chapter(id=path.stem, path=path, title=meta.get("title", path.stem), paper=meta.get("paper", ""), parameters=specs)


def discover(directory: Path | None = None) -> dict[str, Chapter]:
    directory = Path(directory or paths.NOTEBOOKS_DIR)
    return {p.stem: load_chapter(p) for p in sorted(directory.glob("*.py"))}


def get_chapter(chapter_id: str, chapters: dict[str, Chapter] | None = None) -> Chapter:
    chapters = chapters if chapters is not None else discover()
    if chapter_id not in chapters:
        raise ParameterError(f"Unknown chapter {chapter_id!r}. Chapters: {', '.join(chapters) or '(none)'}")
    return chapters[chapter_id]


def validate(chapter: Chapter, given: dict[str, object]) -> dict[str, object]:
    """Typed parameter values for a run: defaults overlaid with `given` (strings from a CLI are fine).

    Every problem is collected, so one error message lists all of them with the valid choices."""
    problems = []
    values = dict(chapter.defaults)
    for name, raw in given.items():
        spec = chapter.parameters.get(name)
        if spec is None:
            declared = ", ".join(f"{n} ({s.type})" for n, s in chapter.parameters.items()) or "none"
            problems.append(f"{name!r} is not a parameter of {chapter.id}; it declares: {declared}")
            continue
        try:
            values[name] = coerce(spec, raw)
        except ParameterError as exc:
            problems.append(str(exc))
    for name, spec in chapter.parameters.items():
        if spec.not_before and name in values and spec.not_before in values and not problems:
            if str(values[name]) < str(values[spec.not_before]):
                problems.append(
                    f"{name}={values[name]} comes before {spec.not_before}={values[spec.not_before]}: "
                    "a window must end on or after its start"
                )
    if problems:
        raise ParameterError(f"Invalid parameters for chapter {chapter.id}:\n" + "\n".join(f"  - {p}" for p in problems))
    return values


def coerce(spec: ParamSpec, raw: object) -> object:
    name, text = spec.name, str(raw).strip()
    try:
        if spec.type == "int":
            value = int(raw) if isinstance(raw, int) and not isinstance(raw, bool) else int(text)
        elif spec.type == "float":
            value = float(text)
            if not math.isfinite(value):
                raise ParameterError(f"{name}={raw!r} is not a finite number")
        elif spec.type == "bool":
            lowered = text.lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError
            value = lowered in {"true", "1", "yes"}
        elif spec.type == "month":
            match = MONTH.match(text)
            if not match or not 1 <= int(match.group(2)) <= 12:
                raise ValueError
            value = text
        elif spec.type == "date":
            if not DATE.match(text):
                raise ValueError
            try:
                value = dt.date.fromisoformat(text).isoformat()
            except ValueError as exc:      # 2023-02-30: the form is right, the day does not exist
                raise ParameterError(f"{name}={raw!r} is not a date that exists ({exc})") from None
        elif spec.type == "snapshot":
            value = text
            allowed = snapshot_choices(spec.kind)
            if value not in allowed:
                raise ParameterError(
                    f"{name}={value!r} is not a known {spec.kind or ''} snapshot; choices: {', '.join(allowed)}"
                )
        else:
            value = text
    except ParameterError:
        raise
    except ValueError:
        expected = {"month": "a month as YYYY-MM (e.g. 2021-03)", "date": "a date as YYYY-MM-DD",
                    "int": "a whole number", "float": "a number", "bool": "true or false"}.get(spec.type, spec.type)
        raise ParameterError(f"{name}={raw!r} is not {expected}") from None
    if spec.choices is not None and value not in spec.choices:
        raise ParameterError(f"{name}={value!r} is not allowed; choices: {', '.join(map(str, spec.choices))}")
    if spec.min is not None and value < spec.min:
        raise ParameterError(f"{name}={value} is below the minimum {spec.min}")
    if spec.max is not None and value > spec.max:
        raise ParameterError(f"{name}={value} is above the maximum {spec.max}")
    return value


def snapshot_choices(kind: str | None) -> list[str]:
    """'replication' (the pinned published data) plus every registered live snapshot of that kind."""
    choices = ["replication"]
    try:
        from .snapshots import registry as snapshot_registry
    except ImportError:
        return choices
    return choices + [s.name for s in snapshot_registry.list_snapshots(kind)]
