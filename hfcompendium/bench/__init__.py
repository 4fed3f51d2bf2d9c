"""Benchmarks: `hfcompendium bench` (or `make bench`) prints a table and writes JSON.

Each benchmark measures the project's way of doing something against a
baseline in the same run, so the reported figure is a ratio that holds on a
noisy machine, and states its target and whether it was met.
"""

from __future__ import annotations

import json
import platform
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    benchmark: str
    measure: str
    value: float
    unit: str
    baseline: float | None = None      # the same measure for the baseline, if any
    target: str = ""
    met: bool | None = None
    detail: dict = field(default_factory=dict)
    higher_is_better: bool = False     # a rate (records/s) rather than a time or a size

    @property
    def ratio(self) -> float | None:
        """How many times better than the baseline: baseline/value for times and sizes, value/baseline for rates."""
        if self.baseline in (None, 0) or self.value == 0:
            return None
        return self.value / self.baseline if self.higher_is_better else self.baseline / self.value


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def print_table(figures: list[Figure]) -> None:
    header = f"{'benchmark':<22} {'measure':<34} {'value':>12} {'baseline':>12} {'x better':>9}  target / met"
    print(header)
    print("-" * len(header))
    for f in figures:
        baseline = "" if f.baseline is None else f"{f.baseline:,.2f}"
        ratio = "" if f.ratio is None else f"{f.ratio:,.1f}x"
        met = "" if f.met is None else ("met" if f.met else "NOT met")
        print(f"{f.benchmark:<22} {f.measure:<34} {f.value:>10,.2f} {f.unit:<1} {baseline:>12} {ratio:>9}  {f.target} {met}")


def write_json(figures: list[Figure], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"bench-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    payload = {"machine": machine(), "figures": [{**asdict(f), "ratio": f.ratio} for f in figures]}
    target.write_text(json.dumps(payload, indent=1))
    return target
