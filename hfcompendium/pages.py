"""Pages written by code at build time: the claims ledger and the data catalogue.

Both are MyST markdown in book/generated/. A page is rewritten only when its
text changes, so an unchanged build leaves Sphinx nothing to redo. Every
string that comes from data is escaped before it enters the markdown.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from . import claims as claims_module
from . import paths, runlog
from .registry import load_registry

PAPER_TITLES = {
    "saner2024": "Taraghi et al., SANER 2024",
    "icse2023": "Jiang et al., ICSE 2023",
    "esem2024": "Jones et al., ESEM 2024",
}
BADGES = {
    claims_module.REPRODUCED: "{bdg-success}`reproduced`",
    claims_module.DIFFERS: "{bdg-warning}`differs`",
    claims_module.NOT_REPRODUCIBLE: "{bdg-dark}`not reproducible`",
    claims_module.NOT_COMPUTED: "{bdg-danger}`not computed`",
}


def cell(value) -> str:
    """Text safe inside a markdown table cell: HTML-escaped, no pipes, no line breaks."""
    if value is None:
        return "—"
    text = html.escape(str(value), quote=False)
    return text.replace("|", "\\|").replace("\n", " ").replace("`", "&#96;")


def number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return cell(value)


def write_if_changed(path: Path, text: str) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    temporary = path.with_suffix(".partial")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return True


def ledger_markdown(results: list[claims_module.Result], chapter_titles: dict[str, str]) -> str:
    lines = [
        "---",
        "html_theme.sidebar_secondary.remove: true",
        "---",
        "# Claims ledger",
        "",
        "Every number the three papers report that this book addresses, beside the number the book",
        "computes from public data when it is built. The verdict is derived, never typed: a value is",
        "*reproduced* when it equals the reported one up to the paper's rounding (or the claim's stated",
        "tolerance), *differs* otherwise, and *not reproducible* when the public data cannot give it;",
        "the note says why, and may show the nearest number that can be computed.",
        "*Not computed* marks a claim no chapter has recorded yet.",
        "",
        "## Summary",
        "",
        "| paper | reproduced | differs | not reproducible | not computed | total |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    summary = claims_module.summary(results)
    for row in summary.to_dict("records"):
        lines.append(
            f"| {cell(PAPER_TITLES.get(row['paper'], row['paper']))} | {row[claims_module.REPRODUCED]} | "
            f"{row[claims_module.DIFFERS]} | {row[claims_module.NOT_REPRODUCIBLE]} | "
            f"{row[claims_module.NOT_COMPUTED]} | {row['total']} |"
        )
    by_paper: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        by_paper[result.claim.paper][result.claim.chapter].append(result)
    for paper in sorted(by_paper):
        lines += ["", f"## {PAPER_TITLES.get(paper, paper)}", "", f"Paper: {{cite:t}}`{paper}`."]
        for chapter, chapter_results in by_paper[paper].items():
            title = (f"{{doc}}`{cell(chapter_titles[chapter])} </book/executed/{chapter}>`"
                     if chapter in chapter_titles else cell(chapter))
            counts = defaultdict(int)
            for r in chapter_results:
                counts[r.verdict] += 1
            tally = ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
            lines += ["", f"### {cell(chapter_titles.get(chapter, chapter))}", "",
                      f"Computed in {title} ({tally}).", "",
                      "| where | statement | reported | computed | verdict | note |",
                      "|---|---|---:|---:|---|---|"]
            for r in chapter_results:
                lines.append(
                    f"| {cell(r.claim.where)} | {cell(r.claim.statement)} <br> <small>`{cell(r.claim.id)}`</small> | "
                    f"{number(r.claim.reported)} | {number(r.computed)} | {BADGES[r.verdict]} | {cell(r.note)} |"
                )
    return "\n".join(lines) + "\n"


def catalogue_markdown(readers_of: dict[str, list[str]], rows_of: dict[str, str], chapter_titles: dict[str, str]) -> str:
    registry = load_registry()
    lines = [
        "---",
        "html_theme.sidebar_secondary.remove: true",
        "---",
        "# Data catalogue",
        "",
        "Every file the book reads, generated from the source registry (`data/sources.yml`). Each is the",
        "original file at a pinned commit of a public repository; the book verifies its sha256 before",
        "use. *Used by* lists the chapters that read it in this build.",
        "",
    ]
    groups: dict[str, list] = defaultdict(list)
    for source in registry.values():
        groups[source.repo].append(source)
    for repo, sources in groups.items():
        first = sources[0]
        lines += [f"## {cell(repo)}", "", f"Licence: {cell(first.licence)}", "",
                  f"Citation: {cell(first.citation)}", "",
                  "| source | what | snapshot | rows | used by | sha256 |", "|---|---|---|---:|---|---|"]
        for s in sources:
            licence = "" if s.licence == first.licence else f" <br> Licence: {cell(s.licence)}"
            used = ", ".join(
                f"{{doc}}`{cell(chapter_titles.get(c, c))} </book/executed/{c}>`" for c in readers_of.get(s.id, [])
            ) or "—"
            origin = f"[{cell(s.filename)}]({s.url})"
            snapshot = f"{cell(s.snapshot_date or 'n/a')} ({cell(s.snapshot_date_basis)})"
            lines.append(
                f"| `{cell(s.id)}` {origin} | {cell(s.description)} <br> *{cell(s.snapshot_note)}*{licence} | {snapshot} | "
                f"{rows_of.get(s.id, '—')} | {used} | `{s.sha256[:16]}…` |"
            )
        lines.append("")
    return "\n".join(lines)


def table_rows(source_ids) -> dict[str, str]:
    """Row counts of the tidy tables (from the table cache after the first build)."""
    from . import data

    rows = {}
    for source_id in source_ids:
        try:
            rows[source_id] = f"{len(data.load(source_id)):,}"
        except Exception as exc:  # show the problem on the page rather than hide the source
            rows[source_id] = cell(f"unreadable: {type(exc).__name__}")
    return rows


def write_generated_pages(run_dirs: dict[str, Path]) -> None:
    from .chapters import discover

    chapter_titles = {c.id: c.title for c in discover().values()}
    results = claims_module.ledger(run_dirs)
    write_if_changed(paths.GENERATED_DIR / "claims_ledger.md", ledger_markdown(results, chapter_titles))

    readers_of: dict[str, list[str]] = defaultdict(list)
    for chapter, run_dir in sorted(run_dirs.items()):
        for read in runlog.read_records(run_dir, runlog.READS_FILE):
            if chapter not in readers_of[read["source"]]:
                readers_of[read["source"]].append(chapter)
    rows = table_rows(load_registry().keys())
    write_if_changed(paths.GENERATED_DIR / "data_catalogue.md", catalogue_markdown(readers_of, rows, chapter_titles))
