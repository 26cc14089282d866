"""Markdown and self-contained HTML rendering of an :class:`alphacheck.audit.AuditReport`.

Rendering only: every number shown was computed by :func:`alphacheck.audit.audit`. The HTML page
embeds figures as base64 PNG ``<img>`` tags and carries its own CSS, so it is one file that opens
anywhere (no network, no scripts).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from typing import Any

from alphacheck.results import format_number

FIGURE_TITLES = {
    "equity": "Equity curve: strategy vs benchmark",
    "scatter": "Strategy vs benchmark, with the Jensen regression line",
    "periods": "Mean return by sub-period",
    "drawdown": "Drawdown",
    "bootstrap": "Bootstrap distribution of the mean return",
}

_VERDICT_COLORS = {
    "alpha": "#1e7b3c",
    "beta, not alpha": "#b36b00",
    "not significant": "#7a7a7a",
    "overfit": "#b0282b",
    "significant, beta untested": "#1f5fa8",
}


def _status(check: Any) -> str:
    if check.skipped:
        return "skipped"
    return {True: "pass", False: "FLAG", None: "info"}[check.passed]


def _numbers_text(numbers: Mapping[str, Any], limit: int = 8) -> str:
    items = list(numbers.items())[:limit]
    return "; ".join(f"{k} = {format_number(v)}" for k, v in items)


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def settings_rows(report: Any) -> list[tuple[str, str]]:
    return [(k, format_number(v)) for k, v in report.settings.items()]


def to_markdown(report: Any, image_paths: Mapping[str, str] | None = None) -> str:
    """The report as Markdown; ``image_paths`` (figure name -> relative path) adds figure links."""
    lines = [
        "# Alpha audit",
        "",
        f"**Verdict: {report.verdict}**",
        "",
        "## Why",
        "",
    ]
    lines += [f"- {r}" for r in report.reasons]
    lines += ["", "## Settings", "", "| setting | value |", "|---|---|"]
    lines += [f"| {k} | {_md_escape(v)} |" for k, v in settings_rows(report)]
    lines += ["", "## Checks", "", "| check | status | key numbers | interpretation |", "|---|---|---|---|"]
    for name, check in report.checks.items():
        interp = check.skipped if check.skipped else check.interpretation
        lines.append(
            f"| {name} | {_status(check)} | {_md_escape(_numbers_text(check.numbers))} | {_md_escape(interp)} |"
        )
    periods = report.period_table()
    if periods is not None:
        cols = list(periods.columns)
        lines += ["", "## Sub-periods", "", "| period | " + " | ".join(cols) + " |",
                  "|---" * (len(cols) + 1) + "|"]
        for label, row in periods.iterrows():
            lines.append(f"| {label} | " + " | ".join(format_number(row[c]) for c in cols) + " |")
    if image_paths:
        lines += ["", "## Figures", ""]
        for name, path in image_paths.items():
            lines += [f"![{FIGURE_TITLES.get(name, name)}]({path})", ""]
    lines += ["", "## Details", ""]
    for name, check in report.checks.items():
        text = check.detail_text()
        if text:
            lines += [f"### {name}", "", "```", text, "```", ""]
    lines += ["", f"*{report.rule_note}*", ""]
    return "\n".join(lines)


_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1250px;margin:24px auto;
padding:0 16px;color:#222;line-height:1.45}
h1{margin-bottom:4px} .verdict{font-size:1.6em;font-weight:700;color:#fff;padding:12px 18px;
border-radius:6px;display:inline-block;margin:8px 0 12px}
table{border-collapse:collapse;margin:8px 0 18px;font-size:0.92em}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2} td.pass{color:#1e7b3c;font-weight:600} td.FLAG{color:#b0282b;font-weight:700}
td.info,td.skipped{color:#666}
figure{margin:14px 0 22px} figure img{max-width:100%;border:1px solid #ddd}
figcaption{color:#555;font-size:0.9em}
pre{background:#f7f7f7;border:1px solid #e2e2e2;padding:8px;overflow-x:auto;font-size:0.82em}
"""


def to_html(report: Any, figures_png: Mapping[str, bytes]) -> str:
    """The report as one self-contained HTML page with the given PNG figures embedded."""
    esc = html.escape
    color = _VERDICT_COLORS.get(report.verdict, "#333")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Alpha audit: ' + esc(report.verdict) + "</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Alpha audit</h1>",
        f'<div class="verdict" id="verdict" style="background:{color}">Verdict: {esc(report.verdict)}</div>',
        "<h2>Why</h2><ul>",
    ]
    parts += [f"<li>{esc(r)}</li>" for r in report.reasons]
    parts += ["</ul>", "<h2>Settings</h2><table><tr><th>setting</th><th>value</th></tr>"]
    parts += [f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in settings_rows(report)]
    parts += [
        "</table>",
        "<h2>Checks</h2><table><tr><th>check</th><th>status</th><th>key numbers</th><th>interpretation</th></tr>",
    ]
    for name, check in report.checks.items():
        status = _status(check)
        interp = check.skipped if check.skipped else check.interpretation
        parts.append(
            f'<tr><td>{esc(name)}</td><td class="{status}">{status}</td>'
            f"<td>{esc(_numbers_text(check.numbers))}</td><td>{esc(interp)}</td></tr>"
        )
    parts.append("</table>")
    periods = report.period_table()
    if periods is not None:
        parts += ["<h2>Sub-periods</h2>", periods.to_html(float_format=lambda v: format_number(v), border=0)]
    if figures_png:
        parts.append("<h2>Figures</h2>")
        for name, png in figures_png.items():
            b64 = base64.b64encode(png).decode("ascii")
            title = esc(FIGURE_TITLES.get(name, name))
            parts.append(
                f'<figure id="fig-{esc(name)}"><img alt="{title}" src="data:image/png;base64,{b64}">'
                f"<figcaption>{title}</figcaption></figure>"
            )
    parts.append("<h2>Details</h2>")
    for name, check in report.checks.items():
        text = check.detail_text()
        if text:
            parts.append(f"<h3>{esc(name)}</h3><pre>{esc(text)}</pre>")
    parts += [f"<p><em>{esc(report.rule_note)}</em></p>", "</body></html>"]
    return "\n".join(parts)
