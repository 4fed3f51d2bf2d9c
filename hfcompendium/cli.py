"""Command line: `hfcompendium book | run | claims | data | chapters | snapshot`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import paths


def cmd_book(args) -> int:
    from .build import build_book

    return build_book(force=args.all, workers=args.jobs, render=not args.no_render)


def cmd_run(args) -> int:
    from .build import static_key, tree_digest
    from .chapters import ParameterError, get_chapter, validate
    from .execute import execute_in_subprocess, notebook_path

    try:
        chapter = get_chapter(args.chapter)
        given = dict(args.parameter or [])
        values = validate(chapter, given)
    except ParameterError as exc:
        print(exc, file=sys.stderr)
        return 2
    changed = {k: v for k, v in values.items() if v != chapter.defaults.get(k)}
    label = "-".join(f"{k}={v}" for k, v in sorted(changed.items())) or "defaults"
    out_dir = Path(args.output) if args.output else paths.runs_dir() / f"{chapter.id}--{_safe(label)}"
    key = static_key(chapter, values, tree_digest(paths.PROJECT_ROOT / "hfcompendium", "*.py"))
    print(f"executing {chapter.id} with {label} into {out_dir}")
    outcome = execute_in_subprocess(chapter, values, out_dir, {"key": key})
    if not outcome.ok:
        print(f"FAILED: {outcome.message}", file=sys.stderr)
        return 1
    print(f"done in {outcome.seconds:.1f} s: {notebook_path(out_dir, chapter.id)}")
    return 0


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-=_." else "_" for c in text)[:120]


def cmd_claims(args) -> int:
    from . import claims
    from .chapters import discover
    from .execute import run_dir_for

    run_root = Path(args.runs) if args.runs else paths.EXECUTED_DIR
    results = claims.ledger({c: run_dir_for(run_root, c) for c in discover()})
    if args.paper:
        results = [r for r in results if r.claim.paper == args.paper]
    if args.format == "json":
        json.dump([r.as_dict() for r in results], sys.stdout, indent=1, default=str)
        print()
        return 0
    import pandas as pd

    frame = pd.DataFrame([r.as_dict() for r in results])
    if frame.empty:
        print("no claims")
        return 0
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 60, "display.width", 200):
        print(frame[["id", "reported", "reproduced", "verdict", "note"]].to_string(index=False))
        print()
        print(claims.summary(results).to_string(index=False))
    return 0


def cmd_chapters(args) -> int:
    from .chapters import discover

    for chapter in discover().values():
        print(f"{chapter.id}: {chapter.title}")
        for spec in chapter.parameters.values():
            extra = f" choices={list(spec.choices)}" if spec.choices else ""
            print(f"    -p {spec.name} <{spec.type}>  default {spec.default!r}{extra}  {spec.help}")
    return 0


def cmd_data(args) -> int:
    from .fetch import DataError, fetch
    from .registry import load_registry

    registry = load_registry()
    selected = [s for s in registry.values() if not args.ids or s.id in args.ids]
    failures = 0
    started = time.monotonic()
    for source in selected:
        try:
            local = fetch(source)
            if args.verbose:
                print(f"ok      {source.id}  {local}")
        except DataError as exc:
            failures += 1
            print(f"FAILED  {source.id}\n{exc}", file=sys.stderr)
    print(f"{len(selected) - failures} of {len(selected)} sources verified in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


BENCHMARKS = ("book", "ingest", "mentions", "data_layer")


def cmd_bench(args) -> int:
    import importlib

    from .bench import machine, print_table, write_json

    figures = []
    for name in args.only or BENCHMARKS:
        print(f"running benchmark: {name} ...", flush=True)
        module = importlib.import_module(f"hfcompendium.bench.{name}")
        figures += module.run(**({"scale": args.scale} if name in ("ingest", "mentions") else {}))
    print()
    print("machine:", ", ".join(f"{k} {v}" for k, v in machine().items()))
    print_table(figures)
    print(f"\nwritten to {write_json(figures, paths.PROJECT_ROOT / 'bench-results')}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hfcompendium", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    book = sub.add_parser("book", help="execute changed chapters and build the site into _build/html")
    book.add_argument("--all", action="store_true", help="re-execute every chapter and rebuild every page")
    book.add_argument("--jobs", type=int, default=None, help="chapters executed in parallel (default: cores)")
    book.add_argument("--no-render", action="store_true", help="execute and write generated pages only")
    book.set_defaults(func=cmd_book)

    run = sub.add_parser("run", help="execute one chapter with other parameters (into runs/)")
    run.add_argument("chapter")
    run.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    run.add_argument("-o", "--output", help="output folder (default runs/<chapter>--<parameters>)")
    run.set_defaults(func=cmd_run)

    claims = sub.add_parser("claims", help="print the claims ledger of the last book build")
    claims.add_argument("--format", choices=["table", "json"], default="table")
    claims.add_argument("--paper", choices=["saner2024", "esem2024", "icse2023"])
    claims.add_argument("--runs", help="folder of executed chapters (default book/executed)")
    claims.set_defaults(func=cmd_claims)

    chapters = sub.add_parser("chapters", help="list chapters and their parameters")
    chapters.set_defaults(func=cmd_chapters)

    data = sub.add_parser("data", help="fetch and verify registered sources")
    data.add_argument("ids", nargs="*", help="source ids (default: all)")
    data.add_argument("-v", "--verbose", action="store_true")
    data.set_defaults(func=cmd_data)

    bench = sub.add_parser("bench", help="performance benchmarks: a table of figures and ratios, and JSON")
    bench.add_argument("--only", nargs="+", choices=BENCHMARKS, help="benchmarks to run (default: all)")
    bench.add_argument("--scale", type=float, default=1.0,
                       help="fraction of the full synthetic sizes for ingest/mentions (1.0 = full)")
    bench.set_defaults(func=cmd_bench)

    try:
        from .snapshots.cli import add_commands
    except ImportError:
        pass
    else:
        add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
