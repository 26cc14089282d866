"""The one report model: a document is a list of blocks, rendered to Markdown or to self-contained HTML.

Blocks: :class:`Heading`, :class:`Paragraph`, :class:`Verdict` (a highlighted headline), :class:`BulletList`,
:class:`Table` (a DataFrame; formatted here, one missing-value marker "n/a"), :class:`Figure` (PNG bytes).
:func:`to_markdown` and :func:`to_html` render the same list, so the two formats always say the same thing;
:class:`alphacheck.AuditReport` and the cascade study both build their reports as blocks.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from alphacheck._results import format_number

__all__ = ["Heading", "Paragraph", "Preformatted", "Verdict", "BulletList", "Table", "Figure", "Block", "to_markdown", "to_html",
           "write_report", "MISSING"]

MISSING = "n/a"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Preformatted:
    """Fixed-width text (a result's summary table)."""

    text: str


@dataclass(frozen=True)
class Verdict:
    text: str
    color: str = "#b36b00"


@dataclass(frozen=True)
class BulletList:
    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    caption: str = ""
    index: bool = True


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    png: bytes = field(repr=False)


Block = Heading | Paragraph | Preformatted | Verdict | BulletList | Table | Figure


def cell(value: object) -> str:
    """One table cell as text: numbers compact, NaN/None as the one missing marker."""
    if value is None:
        return MISSING
    if isinstance(value, float) and value != value:
        return MISSING
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return format_number(value)
    text = str(value)
    return MISSING if text in ("nan", "NaN", "None", "<NA>", "NaT") else text


def _rows(frame: pd.DataFrame, index: bool) -> tuple[list[str], list[list[str]]]:
    head = ([str(frame.index.name or "")] if index else []) + [str(c) for c in frame.columns]
    rows = []
    for idx, row in zip(frame.index, frame.itertuples(index=False, name=None)):  # by column: ints stay ints
        label = " / ".join(map(str, idx)) if isinstance(idx, tuple) else str(idx)
        rows.append(([label] if index else []) + [cell(v) for v in row])
    return head, rows


def to_markdown(blocks: Sequence[Block], *, figure_paths: Mapping[str, str] | None = None) -> str:
    """Markdown; figures link to ``figure_paths[name]`` (omitted when no path is given)."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {b.text}\n")
        elif isinstance(b, Paragraph):
            out.append(f"{b.text}\n")
        elif isinstance(b, Preformatted):
            out.append(f"```\n{b.text}\n```\n")
        elif isinstance(b, Verdict):
            out.append(f"> **{b.text}**\n")
        elif isinstance(b, BulletList):
            out.append("\n".join(f"- {x}" for x in b.items) + "\n")
        elif isinstance(b, Table):
            head, rows = _rows(b.frame, b.index)
            lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in r) + " |" for r in rows]
            out.append(("*" + b.caption + "*\n\n" if b.caption else "") + "\n".join(lines) + "\n")
        elif isinstance(b, Figure) and figure_paths and b.name in figure_paths:
            out.append(f"![{b.title}]({figure_paths[b.name]})\n\n*{b.title}*\n")
    return "\n".join(out)


CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1150px;margin:24px auto;
padding:0 16px;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:10px 0 18px;font-size:0.85em;max-width:100%}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top;overflow-wrap:anywhere}
thead th{background:#e8edf3}th:first-child,td:first-child{text-align:left}
caption{caption-side:top;text-align:left;color:#555;font-style:italic;padding-bottom:4px}
.verdict{color:#fff;padding:12px 18px;border-radius:6px;font-size:1.15em;font-weight:600;margin:8px 0 14px}
pre{background:#f7f7f7;border:1px solid #e2e2e2;padding:8px;overflow-x:auto;font-size:0.8em}
figure{margin:14px 0 22px}figure img{max-width:100%;border:1px solid #ddd}figcaption{color:#555;font-size:0.9em}"""


def to_html(blocks: Sequence[Block], *, title: str) -> str:
    """One self-contained HTML page (inline CSS, figures as base64 PNG, no scripts, no network)."""
    esc = html.escape
    body: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{esc(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            body.append(f"<p>{esc(b.text)}</p>")
        elif isinstance(b, Preformatted):
            body.append(f"<pre>{esc(b.text)}</pre>")
        elif isinstance(b, Verdict):
            body.append(f'<div class="verdict" id="verdict" style="background:{esc(b.color)}">{esc(b.text)}</div>')
        elif isinstance(b, BulletList):
            body.append("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in b.items) + "</ul>")
        elif isinstance(b, Table):
            head, rows = _rows(b.frame, b.index)
            cap = f"<caption>{esc(b.caption)}</caption>" if b.caption else ""
            th = "".join(f"<th>{esc(c)}</th>" for c in head)
            tr = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
            body.append(f"<table>{cap}<thead><tr>{th}</tr></thead><tbody>{tr}</tbody></table>")
        elif isinstance(b, Figure):
            b64 = base64.b64encode(b.png).decode("ascii")
            body.append(f'<figure id="fig-{esc(b.name)}"><img alt="{esc(b.title)}" src="data:image/png;base64,{b64}">'
                        f"<figcaption>{esc(b.title)}</figcaption></figure>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>")


def write_report(out_dir: str | Path, blocks: Sequence[Block], pngs: Mapping[str, bytes], *,
                 title: str) -> dict[str, Path]:
    """Write ``<name>.png`` per figure, report.md (linking them) and report.html (embedding them) into
    ``out_dir``; return the paths by figure name, "markdown" and "html"."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, png in pngs.items():
        paths[name] = out / f"{name}.png"
        paths[name].write_bytes(png)
    paths["markdown"] = out / "report.md"
    paths["markdown"].write_text(to_markdown(blocks, figure_paths={n: f"{n}.png" for n in pngs}), encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(to_html(blocks, title=title), encoding="utf-8")
    return paths
