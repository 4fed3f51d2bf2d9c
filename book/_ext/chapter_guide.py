"""Sphinx extension: the `chapter-table` directive, a table of every chapter written from the chapters.

The teaching guide uses it so that its list of chapters is always the list in `notebooks/`:
for each chapter its title (a link) and id, the paper, reading time, execution time in the last
build, number of exercises and parameters. Reading time counts the words of the chapter's
prose at 200 words a minute; execution time is the one papermill recorded in the executed
notebook. The page is read again on every build, so the table follows new chapters.
"""

from __future__ import annotations

import math
import re

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

PAPERS = {"saner2024": "SANER 2024", "icse2023": "ICSE 2023", "esem2024": "ESEM 2024"}
WORDS_PER_MINUTE = 200
NUMBERED_ITEM = re.compile(r"^\d+\.\s")


def chapter_facts(chapter) -> dict:
    """Reading minutes, exercises, and the execution seconds of the last build (None if never built)."""
    import jupytext
    import nbformat

    from hfcompendium import paths

    notebook = jupytext.read(chapter.path)
    words, exercises = 0, 0
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        words += len(re.findall(r"\w+", cell.source))
        in_exercises = False
        for line in cell.source.splitlines():
            if line.startswith("#"):
                in_exercises = line.lstrip("#").strip().lower().startswith("exercise")
            elif in_exercises and NUMBERED_ITEM.match(line):
                exercises += 1
    seconds = None
    executed = paths.EXECUTED_DIR / f"{chapter.id}.ipynb"
    if executed.exists():
        metadata = nbformat.read(executed, as_version=4).metadata
        seconds = (metadata.get("papermill") or {}).get("duration")
    return {"minutes": max(5, 5 * math.ceil(words / WORDS_PER_MINUTE / 5)), "exercises": exercises,
            "seconds": seconds}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


class ChapterTable(SphinxDirective):
    has_content = False
    required_arguments = 0

    def run(self):
        from hfcompendium.chapters import discover

        chapters = discover()
        self.env.hfcompendium_chapter_table_docs = getattr(self.env, "hfcompendium_chapter_table_docs", set())
        self.env.hfcompendium_chapter_table_docs.add(self.env.docname)
        lines = ["| chapter (id) | paper | reading | execution | exercises | parameters |",
                 "|---|---|---:|---:|---:|---|"]
        for chapter in chapters.values():
            self.env.note_dependency(str(chapter.path))
            facts = chapter_facts(chapter)
            seconds = "—" if facts["seconds"] is None else f"{facts['seconds']:.0f} s"
            parameters = ", ".join(f"`{name}`" for name in chapter.parameters) or "—"
            lines.append(
                f"| {{doc}}`/book/executed/{chapter.id}` <br> `{chapter.id}` | {_cell(PAPERS.get(chapter.paper, chapter.paper))} "
                f"| {facts['minutes']} min | {seconds} | {facts['exercises']} | {parameters} |"
            )
        if not chapters:
            return [nodes.paragraph(text="No chapter has been written yet.")]
        container = nodes.container(classes=["hfcompendium-chapter-table"])
        self.state.nested_parse(StringList(lines, source=self.env.docname), self.content_offset, container)
        return [container]


def _always_reread(app, env, added, changed, removed):
    """The pages with the table are read on every build: chapters come and go."""
    return sorted(getattr(env, "hfcompendium_chapter_table_docs", set()) - set(removed))


def setup(app):
    app.add_directive("chapter-table", ChapterTable)
    app.connect("env-get-outdated", _always_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
