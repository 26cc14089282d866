"""The audit's outcome, :class:`AuditReport`, and its rendering through the shared block model."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alphacheck._audit.checks import Check
from alphacheck._audit.data import AuditData
from alphacheck._audit.verdict import rule_text
from alphacheck._results import ReportIntervals, format_number, text_table
from alphacheck.report.blocks import (
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
    write_report,
)

__all__ = ["AuditReport"]

FIGURE_TITLES = {
    "equity": "Equity curve: strategy vs benchmark",
    "scatter": "Strategy vs benchmark, with the Jensen regression line",
    "periods": "Mean return by sub-period",
    "drawdown": "Drawdown",
    "bootstrap": "Bootstrap distribution of the mean under the null (the replicates the mean test drew)",
}
VERDICT_COLORS = {
    "alpha": "#1e7b3c", "beta, not alpha (alpha ruled out)": "#b36b00", "beta, not alpha (alpha unproven)": "#b36b00",
    "not significant": "#6f6f6f", "overfit": "#b0282b", "significant, beta untested": "#1f5fa8",
}


def _numbers_text(numbers: Mapping[str, Any], limit: int = 8) -> str:
    return "; ".join(f"{k} = {format_number(v)}" for k, v in list(numbers.items())[:limit])


@dataclasses.dataclass(frozen=True, eq=False)
class AuditReport(ReportIntervals):
    """The audit's outcome.

    Attributes
    ----------
    verdict : str
        One of :data:`alphacheck.VERDICTS`.
    rule : str
        The id of the rule that decided it (see :func:`alphacheck._audit.verdict.rule_text`).
    reasons : tuple of str
        Each names the check and its numbers; decisive reasons first, then notes.
    checks : mapping
        Check name -> :class:`Check`.
    settings : mapping
        Observations, dates, costs and their unit, annualisation, level, replicates, seed.
    periods : DataFrame
        Per sub-period: n, mean, win rate, total return.

    Methods: :meth:`summary`, :meth:`to_dict`, :meth:`to_frame`, :meth:`blocks`, :meth:`to_markdown`,
    :meth:`to_html`, :meth:`plot`, :meth:`save`; in Jupyter the report shows as its verdict and checks table.
    """

    verdict: str
    rule: str
    reasons: tuple[str, ...]
    checks: Mapping[str, Check]
    settings: Mapping[str, Any]
    periods: pd.DataFrame = dataclasses.field(repr=False)
    data: AuditData = dataclasses.field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", MappingProxyType(dict(self.checks)))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    rule_note = property(lambda self: rule_text())

    # ---- text and tables -----------------------------------------------------------------------
    def summary(self) -> str:
        lines = [text_table([("verdict", self.verdict), ("rule", self.rule)] + list(self.settings.items()),
                            title="Alpha audit"), "Reasons:"]
        lines += [f"  - {r}" for r in self.reasons]
        lines += ["", "Checks:"]
        width = max((len(name) for name in self.checks), default=0) + 2
        for name, c in self.checks.items():
            lines.append(f"  {name:<{width}}{c.status:<8}{c.skipped or c.interpretation}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_frame(self) -> pd.DataFrame:
        """One row per check: status, key numbers, interpretation."""
        return pd.DataFrame([{"check": n, "status": c.status, "key numbers": _numbers_text(c.numbers),
                              "interpretation": c.skipped or c.interpretation} for n, c in self.checks.items()]
                            ).set_index("check")

    def period_table(self) -> pd.DataFrame:
        """Per sub-period: number of observations, mean, share of positive observations, total return."""
        return self.periods.copy()

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "rule": self.rule, "reasons": list(self.reasons),
                "settings": dict(self.settings), "checks": {k: c.to_dict() for k, c in self.checks.items()}}

    def _repr_html_(self) -> str:
        color = VERDICT_COLORS.get(self.verdict, "#333")
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons)
        return (f'<div style="background:{color};color:#fff;padding:6px 10px;font-weight:600">'
                f"Verdict: {html.escape(self.verdict)}</div><ul>{reasons}</ul>"
                + self.to_frame().to_html())

    # ---- the document ----------------------------------------------------------------------------
    def blocks(self, figures: Mapping[str, bytes] | None = None) -> list[Block]:
        """The report as blocks (headings, verdict, tables, figures) for :mod:`alphacheck.report`."""
        out: list[Block] = [Heading("Alpha audit", 1),
                            Verdict(f"Verdict: {self.verdict}", VERDICT_COLORS.get(self.verdict, "#333")),
                            Heading("Why"), BulletList(list(self.reasons)),
                            Heading("Settings"),
                            Table(pd.DataFrame({"value": [format_number(v) for v in self.settings.values()]},
                                               index=pd.Index(list(self.settings), name="setting"))),
                            Heading("Checks"), Table(self.to_frame())]
        out += [Heading("Sub-periods"), Table(self.periods)]
        perf = self.checks.get("performance_summary")
        if perf is not None and not perf.skipped and perf.result is not None:
            tab = perf.result.table[["estimate", "se", "ci_low", "ci_high", "description"]]
            out += [Heading("Performance summary"),
                    Table(tab, caption=f"{100 * perf.result.confidence_level:g}% intervals; standard errors by "
                                       "influence functions (Chen & Martin 2021) or the block bootstrap")]
        if figures:
            out.append(Heading("Figures"))
            out += [Figure(name, FIGURE_TITLES.get(name, name), png) for name, png in figures.items()]
        out.append(Heading("Details"))
        for name, check in self.checks.items():
            text = check.detail_text()
            if text:
                out += [Heading(name, 3), Preformatted(text)]
        out.append(Paragraph(rule_text()))
        return out

    def to_markdown(self, image_paths: Mapping[str, str] | None = None) -> str:
        """Markdown; ``image_paths`` (figure name -> relative path) adds the figures."""
        figs = {name: b"" for name in (image_paths or {})}
        return to_markdown(self.blocks(figs), figure_paths=image_paths)

    def to_html(self, figures: bool = True) -> str:
        """One self-contained HTML page (inline CSS, figures embedded as base64 PNG when ``figures``)."""
        return to_html(self.blocks(self._pngs() if figures else None), title=f"Alpha audit: {self.verdict}")

    # ---- figures ---------------------------------------------------------------------------------
    def plot(self) -> dict[str, Any]:
        """Figures (name -> matplotlib Figure): equity, scatter (with a benchmark), periods, drawdown and the
        bootstrap law of the mean under the null, from the replicates the mean test kept (no re-run)."""
        from alphacheck.report import plots

        d = self.data
        r, b, idx = d.returns, d.benchmark, d.index
        figs: dict[str, Any] = {"equity": plots.plot_equity(r, b, idx)}
        ja = self.checks.get("jensen_alpha")
        if b is not None and ja is not None and not ja.skipped:
            figs["scatter"] = plots.plot_scatter(r, b, ja.numbers["alpha"], ja.numbers["beta"])
        p = self.periods
        figs["periods"] = plots.plot_periods(list(p.index), p["mean"].to_numpy(), p["n"].to_numpy())
        figs["drawdown"] = plots.plot_drawdown(r, idx)
        mt = self.checks["mean"].result
        null_means = np.asarray(mt.bootstrap_distribution) * mt.se  # T* on the scale of the mean, centred on 0
        figs["bootstrap"] = plots.plot_bootstrap(null_means, float(mt.estimate),
                                                 title="Bootstrap law of the mean under the null (T* x se)")
        return figs

    def _pngs(self) -> dict[str, bytes]:
        from alphacheck.report.plots import to_png

        return {name: to_png(fig) for name, fig in self.plot().items()}

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write report.md, report.html and one PNG per figure into ``out_dir``; return the paths."""
        pngs = self._pngs()
        return write_report(out_dir, self.blocks(pngs), pngs, title=f"Alpha audit: {self.verdict}")
