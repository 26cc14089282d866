"""Reports: the block model and its Markdown/HTML renderers (:mod:`.blocks`) and the figures (:mod:`.plots`).

matplotlib is imported only by :mod:`alphacheck.report.plots`, i.e. only when a figure is drawn.
"""

from alphacheck.report.blocks import (
    MISSING,
    Block,
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

__all__ = ["MISSING", "Block", "BulletList", "Figure", "Heading", "Paragraph", "Preformatted", "Table", "Verdict", "to_html",
           "to_markdown"]
