"""Strings from the Hub are data from strangers: tables and charts show them as text."""

from __future__ import annotations

import altair as alt
import pandas as pd

from hfcompendium import charts, display

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def test_book_tables_escape_html():
    frame = pd.DataFrame({"model": [HOSTILE], "downloads": [1000]})
    rendered = [display.table(frame, {"downloads": "{:,}"}).to_html(), display.table(frame).to_html(),
                display.table(frame, "{}", index=True).to_html(), frame.to_html()]
    assert "1,000" in rendered[0]
    for html in rendered:
        assert "<script>" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_charts_render_hostile_labels_as_text():
    charts.setup()
    chart = alt.Chart(pd.DataFrame({"model": [HOSTILE, "bert"], "n": [1, 2]})).mark_bar().encode(x="model:N", y="n:Q")
    svg = charts.to_svg(chart)
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg


def test_prose_list():
    assert display.prose_list([]) == "none" and display.prose_list([], empty="") == ""
    assert display.prose_list(["bert"]) == "bert"
    assert display.prose_list(["bert", "gpt2"]) == "bert and gpt2"
    assert display.prose_list(["bert", "gpt2", "t5"]) == "bert, gpt2 and t5"
