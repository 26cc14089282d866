"""Drawdown of the alts long-only strategy (seed Part 6: −34 % in May 2021).

The equity curve compounds the per-trade net returns in entry order (one trade at a time, so trades
never overlap): ``W_k = prod_{j<=k} (1 + r_j)`` with ``W_0 = 1`` before the first trade; the
drawdown is ``W_k / max_{j<=k} W_j − 1`` (the running peak includes the starting capital, as in
:func:`alphacheck.plots.drawdown`). An *episode* runs from a peak to the next time a new peak is
reached (the recovery; None while still under water); its depth is the lowest drawdown inside it.
Dates: a trade's P&L is realized at its exit, so the equity after trade k is dated at trade k's
exit time (the starting capital at the first entry).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..strategies import TradeBook


def equity_curve(returns: pd.Series, exits: pd.Series | None = None, start=None) -> pd.Series:
    """Compounded wealth (starting at 1) after each trade; indexed by exit time when given."""
    r = returns.to_numpy(dtype=float)
    w = np.r_[1.0, np.cumprod(1.0 + r)]
    if exits is not None:
        idx = pd.DatetimeIndex([start if start is not None else returns.index[0]]).append(
            pd.DatetimeIndex(exits.to_numpy()))
    else:
        idx = pd.Index(np.arange(len(w)))
    return pd.Series(w, index=idx, name="wealth")


def drawdown_series(wealth: pd.Series) -> pd.Series:
    return (wealth / wealth.cummax() - 1.0).rename("drawdown")


def drawdown_episodes(wealth: pd.Series) -> pd.DataFrame:
    """Peak -> trough -> recovery episodes, deepest first."""
    w = wealth.to_numpy()
    peak_val, peak_i = w[0], 0
    rows = []
    trough_i = None
    for i in range(1, len(w)):
        if w[i] >= peak_val:
            if trough_i is not None:
                rows.append((peak_i, trough_i, i))
                trough_i = None
            peak_val, peak_i = w[i], i
        else:
            if trough_i is None or w[i] < w[trough_i]:
                trough_i = i
    if trough_i is not None:
        rows.append((peak_i, trough_i, None))
    idx = wealth.index
    out = pd.DataFrame([{
        "peak": idx[p], "trough": idx[t], "recovery": idx[r] if r is not None else None,
        "depth": w[t] / w[p] - 1.0, "trades_to_trough": t - p,
        "trades_to_recover": (r - t) if r is not None else None,
    } for p, t, r in rows])
    if out.empty:
        return pd.DataFrame(columns=["peak", "trough", "recovery", "depth", "trades_to_trough",
                                     "trades_to_recover"])
    return out.sort_values("depth").reset_index(drop=True)


def worst_losing_streak(returns: pd.Series) -> pd.DataFrame:
    """The consecutive losing trades with the worst compounded loss (entries, returns)."""
    best_loss, best = 0.0, (None, None)
    start, acc = None, 1.0
    r = returns.to_numpy()
    for i, x in enumerate(r):
        if x < 0:
            if start is None:
                start, acc = i, 1.0
            acc *= 1.0 + x
            if acc - 1.0 < best_loss:
                best_loss, best = acc - 1.0, (start, i)
        else:
            start = None
    if best[0] is None:
        return pd.DataFrame(columns=["entry", "return"])
    seg = returns.iloc[best[0]:best[1] + 1]
    return pd.DataFrame({"entry": seg.index, "return": seg.to_numpy()})


@dataclass(frozen=True)
class DrawdownExperiment:
    wealth: pd.Series
    drawdown: pd.Series
    max_drawdown: float
    max_drawdown_date: pd.Timestamp
    episodes: pd.DataFrame
    worst_streak: pd.DataFrame
    worst_trades: pd.DataFrame

    @property
    def worst_streak_return(self) -> float:
        if self.worst_streak.empty:
            return 0.0
        return float(np.prod(1.0 + self.worst_streak["return"].to_numpy()) - 1.0)


def run_drawdown(book: TradeBook, variant: str = "alt_long") -> DrawdownExperiment:
    r = book.variant(variant)
    w = equity_curve(r, book.trades["exit"], start=book.entries[0])
    dd = drawdown_series(w)
    i = int(np.argmin(dd.to_numpy()))
    worst = pd.DataFrame({"entry": r.index, "return": r.to_numpy(),
                          "btc": book.trades["btc_gross"].to_numpy()}).nsmallest(5, "return")
    return DrawdownExperiment(wealth=w, drawdown=dd, max_drawdown=float(dd.iloc[i]),
                              max_drawdown_date=dd.index[i], episodes=drawdown_episodes(w).head(5),
                              worst_streak=worst_losing_streak(r), worst_trades=worst.reset_index(drop=True))
