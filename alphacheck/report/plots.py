"""Matplotlib figures for reports (imported only when a figure is drawn).

Every function builds a :class:`matplotlib.figure.Figure` directly (Agg canvas, no ``pyplot``), so
nothing leaks into global plotting state and figures are garbage-collected like any object. Inputs are
plain arrays plus an optional index (dates or trade numbers); the statistics drawn here are computed
elsewhere and only passed in. Names start with ``plot_``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from alphacheck.risk.drawdown import _drawdown, _wealth

__all__ = ["plot_equity", "plot_scatter", "plot_periods", "plot_drawdown", "plot_bootstrap", "plot_family",
           "plot_rolling_alpha",
           "new_figure", "to_png"]

_STRATEGY = "#1f5fa8"
_BENCH = "#7f7f7f"
_GAIN = "#2a9d55"
_LOSS = "#c0392b"


def new_figure(width: float = 8.0, height: float = 4.2) -> tuple[Figure, Any]:
    """A constrained-layout Agg figure with one gridded axes."""
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.grid(True, alpha=0.3)
    return fig, ax


def _x(index: Any, n: int) -> tuple[np.ndarray | pd.Index, str]:
    if index is not None and len(index) == n:
        label = "date" if isinstance(index, pd.DatetimeIndex) else "observation"
        return index, label
    return np.arange(1, n + 1), "observation"


def _compounded(returns: Any) -> np.ndarray:
    """Cumulative compounded return after each observation (the wealth of risk.drawdown, minus 1)."""
    return _wealth(np.asarray(returns, dtype=float))[1:] - 1.0


def plot_equity(returns: Any, benchmark: Any = None, index: Any = None, title: str = "Equity curve") -> Figure:
    """Cumulative compounded return of the strategy (and of the benchmark on the same observations)."""
    r = np.asarray(returns, dtype=float)
    fig, ax = new_figure()
    x, xlabel = _x(index, r.size)
    ax.plot(x, 100 * _compounded(r), color=_STRATEGY, lw=1.8, label="strategy")
    if benchmark is not None:
        ax.plot(x, 100 * _compounded(benchmark), color=_BENCH, lw=1.4, ls="--", label="benchmark")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cumulative return (%)")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return fig


def plot_scatter(
    returns: Any, benchmark: Any, alpha: float, beta: float, title: str = "Strategy vs benchmark"
) -> Figure:
    """Each observation as a dot (green = gain, red = loss) with the fitted line ``alpha + beta * b``."""
    r = np.asarray(returns, dtype=float)
    b = np.asarray(benchmark, dtype=float)
    fig, ax = new_figure(7.0, 5.0)
    colors = np.where(r > 0, _GAIN, _LOSS)
    ax.scatter(100 * b, 100 * r, c=colors, s=28, alpha=0.8, edgecolors="none")
    grid = np.linspace(b.min(), b.max(), 50)
    ax.plot(100 * grid, 100 * (alpha + beta * grid), color="black", lw=1.5,
            label=f"fit: alpha = {100 * alpha:.2f}%, beta = {beta:.2f}")
    ax.axhline(0, color="black", lw=0.5)
    ax.axvline(0, color="black", lw=0.5)
    ax.set_xlabel("benchmark return (%)")
    ax.set_ylabel("strategy return (%)")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return fig


def plot_periods(labels: Sequence[Any], means: Sequence[float], counts: Sequence[int] | None = None,
                title: str = "Mean return by sub-period") -> Figure:
    """Bar per sub-period (calendar year or split): mean return, green when positive, red otherwise."""
    m = np.asarray(means, dtype=float)
    fig, ax = new_figure(max(5.0, 1.1 * len(m) + 2), 4.0)
    pos = np.arange(len(m))
    ax.bar(pos, 100 * m, color=np.where(m > 0, _GAIN, _LOSS), width=0.65)
    ax.set_xticks(pos, [str(lb) for lb in labels])
    if counts is not None:
        for p, v, c in zip(pos, m, counts):
            ax.annotate(f"n={c}", (p, 100 * v), ha="center", va="bottom" if v >= 0 else "top", fontsize=8,
                        xytext=(0, 3 if v >= 0 else -3), textcoords="offset points")
    ax.axhline(0, color="black", lw=0.6)
    ax.margins(y=0.12)  # room for the n= labels
    ax.set_ylabel("mean return (%)")
    ax.set_title(title)
    return fig


def plot_drawdown(returns: Any, index: Any = None, title: str = "Drawdown") -> Figure:
    """Drawdown of the compounded equity curve from its running peak (starting capital included), in
    percent; the numbers are those of :func:`alphacheck.drawdown_series`."""
    dd = _drawdown(_wealth(np.asarray(returns, dtype=float)))[1:]
    fig, ax = new_figure(8.0, 3.4)
    x, xlabel = _x(index, dd.size)
    ax.fill_between(x, 100 * dd, 0, color=_LOSS, alpha=0.35, step="post")
    ax.plot(x, 100 * dd, color=_LOSS, lw=1.0, drawstyle="steps-post")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("drawdown (%)")
    ax.set_title(title)
    return fig


def plot_bootstrap(replicates: Any, observed: float, null_value: float = 0.0,
                   title: str = "Bootstrap distribution of the mean return") -> Figure:
    """Histogram of bootstrap replicates of a statistic, with the observed value and the null marked."""
    reps = np.asarray(replicates, dtype=float)
    fig, ax = new_figure(7.0, 4.0)
    ax.hist(100 * reps, bins=60, color=_STRATEGY, alpha=0.7)
    ax.axvline(100 * observed, color="black", lw=1.8, label=f"observed = {100 * observed:.3g}%")
    ax.axvline(100 * null_value, color=_LOSS, lw=1.4, ls="--", label=f"null = {100 * null_value:.3g}%")
    ax.set_xlabel("statistic (%)")
    ax.set_ylabel("replicates")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return fig


def plot_family(labels: Sequence[Any], statistics: Any, stepm: Any, fdr: Any, mcs: Any,
                title: str = "Which variants are real?") -> Figure:
    """One bar per variant (sorted): its studentised statistic against the benchmark, coloured by the sets
    that keep it — all three (survives), beats the benchmark (StepM or FDR) but beaten by another variant
    (not in the MCS), only in the MCS, or none. At most 60 bars (the highest statistics)."""
    stat = np.asarray(statistics, dtype=float)
    sm, fd, mc = (np.asarray(a, dtype=bool) for a in (stepm, fdr, mcs))
    order = np.argsort(-stat, kind="stable")[:60]
    groups = [("survives (MCS, FDR and StepM)", _GAIN, sm & fd & mc), ("beats the benchmark, not in the MCS",
              "#e69f00", (sm | fd) & ~mc), ("in the MCS only", _STRATEGY, mc & ~(sm & fd)),
              ("none", _BENCH, ~mc & ~(sm | fd))]
    fig, ax = new_figure(max(6.0, 0.16 * order.size + 3), 4.4)
    pos = np.arange(order.size)
    colors = np.full(order.size, _BENCH, dtype=object)
    for _, color, mask in groups[::-1]:
        colors[mask[order]] = color
    ax.bar(pos, stat[order], color=list(colors), width=0.8)
    for name, color, mask in groups:
        if mask[order].any():
            ax.bar([], [], color=color, label=f"{name} ({int(mask.sum())})")
    if order.size <= 40:
        ax.set_xticks(pos, [str(labels[i]) for i in order], rotation=90, fontsize=7)
    else:
        ax.set_xticks([])
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("variant (sorted by statistic)")
    ax.set_ylabel("studentised mean differential")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def plot_rolling_alpha(result: Any, title: str | None = None) -> Figure:
    """Alpha (top, in percent per observation) and beta (bottom) of each window of a
    :class:`alphacheck.RollingAlphaResult`, with their pointwise confidence bands; zero alpha is marked."""
    t = result.table
    x = t.index
    fig = Figure(figsize=(8.0, 5.6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax_a, ax_b = fig.subplots(2, 1, sharex=True)
    level = f"{100 * result.confidence_level:g}%"
    for ax, col, scale, color, label in ((ax_a, "alpha", 100.0, _STRATEGY, "alpha (%)"),
                                         (ax_b, "beta", 1.0, _BENCH, "beta")):
        ax.grid(True, alpha=0.3)
        ax.fill_between(x, scale * t[f"{col}_low"], scale * t[f"{col}_high"], color=color, alpha=0.2,
                        label=f"{level} band")
        ax.plot(x, scale * t[col], color=color, lw=1.6, label=col)
        ax.set_ylabel(label)
        ax.legend(loc="upper left", fontsize=8)
    ax_a.axhline(0, color="black", lw=0.7)
    ax_b.set_xlabel("window end (date)" if isinstance(x, pd.DatetimeIndex) else "window end (observation)")
    ax_a.set_title(title or f"{result.kind.capitalize()} alpha and beta (window {result.window})")
    return fig


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
