"""Command line for live snapshots: `hfcompendium snapshot hub | forum | list | import-dump`.

Also runs on its own: `python -m hfcompendium.snapshots.cli hub --endpoint ... --name ...`.

Exit status: 0 done, 1 the capture failed (its progress is kept; rerun to resume),
2 invalid options, 130 interrupted (progress kept; rerun to resume).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from .registry import SnapshotError


def add_commands(subparsers) -> None:
    """Add the `snapshot` command (with its sub-commands) to an argparse sub-parser set."""
    snapshot = subparsers.add_parser("snapshot", help="capture, import and list live snapshots of the Hub and forum",
                                     description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_subcommands(snapshot)


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="snapshot_command", required=True)

    hub = sub.add_parser("hub", help="capture the Hub's model listing (resumable)")
    hub.add_argument("--endpoint", help="Hub URL (default: $HF_ENDPOINT, else https://huggingface.co)")
    hub.add_argument("--first-commit-dates", action="store_true",
                     help="also fetch first-commit dates of models whose createdAt is the 2022-03-02 sentinel "
                          "(one or more requests per such model)")
    _add_common(hub)
    hub.set_defaults(func=cmd_hub)

    forum = sub.add_parser("forum", help="capture the forum's topics and posts (resumable)")
    forum.add_argument("--endpoint", help="forum URL (default https://discuss.huggingface.co)")
    forum.add_argument("--from-date", help="first topic creation date included (YYYY-MM-DD)")
    forum.add_argument("--to-date", help="last topic creation date included (YYYY-MM-DD)")
    forum.add_argument("--category", metavar="SLUG/ID", help="capture one category only, e.g. beginners/5")
    forum.add_argument("--rate", type=float, default=3.0, help="requests per second at most (default 3)")
    _add_common(forum)
    forum.set_defaults(func=cmd_forum)

    listing = sub.add_parser("list", help="list registered snapshots")
    listing.add_argument("--kind", choices=["hub", "forum"])
    listing.add_argument("--format", choices=["table", "json"], default="table")
    listing.set_defaults(func=cmd_list)

    dump = sub.add_parser("import-dump", help="make a hub snapshot from a downloaded models.parquet dump")
    dump.add_argument("path", help="the dump file (parquet, one row per model)")
    dump.add_argument("--name", required=True, help="snapshot name, e.g. hub-2026-11-01")
    dump.set_defaults(func=cmd_import_dump)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="snapshot name (default <kind>-<UTC date>; an unfinished capture is resumed)")
    parser.add_argument("--limit", type=int, help="stop after this many models/topics (a sample)")
    parser.add_argument("--restart", action="store_true", help="discard an unfinished capture of that name first")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a silent request is retried")
    parser.add_argument("--max-attempts", type=int, default=8, help="attempts per request before giving up")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _policy(args):
    from .retries import RetryPolicy

    if args.timeout <= 0 or args.max_attempts < 1:
        raise SnapshotError("--timeout must be positive and --max-attempts at least 1")
    return RetryPolicy(timeout=args.timeout, max_attempts=args.max_attempts)


def _run(capture) -> int:
    """Run a capture, turning its failures into a message and an exit status."""
    from .hub_records import ConversionError

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        info = capture()
    except (RuntimeError, ConversionError, OSError) as exc:
        # GaveUpError, HubError and ForumError are RuntimeErrors: the crawl stopped, its progress is kept.
        print(f"capture failed: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:      # SnapshotError included: options or names that cannot work
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: progress is saved; rerun the same command to resume", file=sys.stderr)
        return 130
    rows = ", ".join(f"{table} {entry.rows:,}" for table, entry in sorted(info.tables.items()))
    print(f"registered snapshot {info.name} ({info.kind}, {info.source}): {rows}")
    print(f"chapters read it through a {info.kind} snapshot parameter: -p <parameter> {info.name}")
    return 0


def cmd_hub(args) -> int:
    from .hub import capture_hub

    return _run(lambda: capture_hub(name=args.name, endpoint=args.endpoint, limit=args.limit,
                                    first_commit_dates=args.first_commit_dates, restart=args.restart,
                                    policy=_policy(args), progress=not args.no_progress))


def cmd_forum(args) -> int:
    from .forum import capture_forum

    return _run(lambda: capture_forum(name=args.name, endpoint=args.endpoint, from_date=args.from_date,
                                      to_date=args.to_date, limit=args.limit, category=args.category,
                                      rate=args.rate, restart=args.restart, policy=_policy(args),
                                      progress=not args.no_progress))


def cmd_import_dump(args) -> int:
    from .hub import import_hub_dump

    return _run(lambda: import_hub_dump(args.path, name=args.name))


def cmd_list(args) -> int:
    from .registry import list_snapshots

    snapshots = list_snapshots(args.kind)
    if args.format == "json":
        json.dump([{"name": s.name, "kind": s.kind, "source": s.source, "endpoint": s.endpoint,
                    "captured_at": s.captured_at, "tables": {t: e.rows for t, e in s.tables.items()}}
                   for s in snapshots], sys.stdout, indent=1)
        print()
        return 0
    if not snapshots:
        print("no snapshots yet: capture one with `hfcompendium snapshot hub` or `hfcompendium snapshot forum`")
        return 0
    for s in snapshots:
        main_table = "models" if s.kind == "hub" else "topics"
        rows = s.tables[main_table].rows if main_table in s.tables else 0
        print(f"{s.name:<24} {s.kind:<6} {s.source:<5} {s.captured_at:<21} {rows:>10,} {main_table}  "
              f"{s.endpoint or s.parameters.get('dump_file', '')}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hfcompendium.snapshots.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_subcommands(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
