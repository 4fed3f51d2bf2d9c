"""Sphinx extension: every page of the book works with no network.

- Thebe (live code in the page) is switched off: it would load its library from a CDN and
  start a kernel on a remote Binder. Readers who want to run a chapter use the launch button
  (Binder) or a clone of the repository.
- Every script and stylesheet a page links must be a file of the site: a page that would
  load one from elsewhere (a CDN, a font service) is reported as a build warning, which
  fails the book build (`-W`).

MathJax is served from the site by `sphinx-mathjax-offline` (see `_config.yml`); charts are
inline SVG written when the chapters execute.
"""

from __future__ import annotations

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _disable_thebe(app) -> None:
    try:
        import sphinx_thebe
    except ImportError:
        return
    handlers = {sphinx_thebe.init_thebe_core, sphinx_thebe.update_thebe_context}
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            if listener.handler in handlers:
                app.disconnect(listener.id)


def _outside(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _check_page_assets(app, pagename, templatename, context, doctree) -> None:
    assets = [getattr(a, "filename", a) for a in context.get("script_files", []) + context.get("css_files", [])]
    for url in assets:
        if isinstance(url, str) and _outside(url):
            logger.warning("page %s would load %s from outside the site; the book must work offline",
                           pagename, url, type="offline_site", location=pagename)


def setup(app):
    # Extensions named before this one in the configuration have registered their handlers.
    app.connect("builder-inited", _disable_thebe, priority=100)
    app.connect("html-page-context", _check_page_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
