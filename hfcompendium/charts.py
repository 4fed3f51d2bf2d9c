"""Charts and tables that render safely in the built book with no network.

Altair's default renderer loads Vega from a CDN, which shows an error offline.
`setup()` switches the kernel to the SVG renderer (vl-convert renders the chart
in-process), so every chart is stored in the notebook as a self-contained SVG.
Text in an SVG is XML-escaped, so model ids from the Hub show as text (styled
tables go through `hfcompendium.display.table` for the same reason).
"""

from __future__ import annotations

import altair as alt

PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d"]


def _theme():
    return {
        "config": {
            "view": {"continuousWidth": 560, "continuousHeight": 320, "stroke": None},
            "font": "DejaVu Sans, Helvetica, Arial, sans-serif",
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridOpacity": 0.35},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "title": {"fontSize": 14, "anchor": "start"},
            "range": {"category": PALETTE},
        }
    }


def setup() -> None:
    """Call once per chapter: offline SVG rendering, the book's theme, no row limit."""
    alt.theme.register("hfcompendium", enable=True)(_theme)
    alt.renderers.enable("svg")
    alt.data_transformers.disable_max_rows()


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text (for tests and for saving figures)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())
