"""The one report model: blocks rendered to Markdown and to self-contained HTML say the same thing."""

import base64
import html.parser

import numpy as np
import pandas as pd
import pytest

from alphacheck.report import (
    MISSING,
    BulletList,
    Figure,
    Heading,
    Paragraph,
    Preformatted,
    Table,
    Verdict,
    to_html,
    to_markdown,
)
from alphacheck.report.blocks import cell

PNG = base64.b64decode(  # a 1 x 1 white PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")


def blocks():
    frame = pd.DataFrame({"estimate": [0.0123, np.nan], "p": [1e-7, 0.5], "label": ["a|b", None]},
                         index=pd.Index(["x", "y"], name="row"))
    return [Heading("Title", 1), Verdict("Verdict: alpha", "#1e7b3c"), Paragraph("A < B & C"),
            BulletList(["one", "two"]), Table(frame, caption="numbers"), Preformatted("a  b\n1  2"),
            Figure("fig", "A figure", PNG)]


def test_cell_uses_one_missing_marker_and_compact_numbers():
    assert cell(float("nan")) == cell(None) == cell("nan") == cell(pd.NaT) == MISSING == "n/a"
    assert cell(1e-7) == "1.000e-07" and cell(0.5) == "0.5000" and cell(1234) == "1,234"


def test_markdown_renders_every_block():
    md = to_markdown(blocks(), figure_paths={"fig": "fig.png"})
    assert md.startswith("# Title")
    assert "> **Verdict: alpha**" in md
    assert "- one\n- two" in md
    assert "| row | estimate | p | label |" in md and "a\\|b" in md  # pipes escaped
    assert "| y | n/a | 0.5000 | n/a |" in md
    assert "```\na  b\n1  2\n```" in md
    assert "![A figure](fig.png)" in md
    assert "A figure" not in to_markdown(blocks())  # no path: no figure link


class _Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_escaped_and_parses():
    page = to_html(blocks(), title="T & U")
    p = _Collector()
    p.feed(page)
    tags = [t for t, _ in p.tags]
    for t in ("h1", "table", "caption", "ul", "pre", "figure", "img"):
        assert t in tags
    img = next(a for t, a in p.tags if t == "img")
    assert img["src"].startswith("data:image/png;base64,")
    assert base64.b64decode(img["src"].split(",", 1)[1]) == PNG
    assert "A &lt; B &amp; C" in page and "<title>T &amp; U</title>" in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert "overflow-wrap:anywhere" in page  # long cells wrap instead of running off the page


@pytest.mark.parametrize("render", [to_markdown, lambda b: to_html(b, title="t")])
def test_both_renderers_carry_the_same_text(render):
    out = render(blocks())
    for text in ("Title", "Verdict: alpha", "one", "two", "numbers", "0.0123"):
        assert text in out


def test_table_cells_keep_each_columns_type():
    """A mixed int/float frame renders its int column as integers (a row read as one array would upcast them)."""
    frame = pd.DataFrame({"n": np.array([366, 365]), "mean": [0.00017, -0.00085]}, index=pd.Index(["2020", "2021"]))
    md = to_markdown([Table(frame)])
    assert "| 2020 | 366 | 0.0002 |" in md and "366.0" not in md
