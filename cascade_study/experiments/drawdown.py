"""Drawdown of the alts long-only strategy (seed Part 6: −34 % in May 2021).

The arithmetic is :mod:`alphacheck.drawdown` (equity ``W_k = prod_{j<=k} (1 + r_j)`` with ``W_0 = 1``,
drawdown ``W_k / max_{j<=k} W_j − 1`` with the starting capital in the running peak, episodes, losing
streaks); the per-trade net returns are compounded in entry order (one trade at a time, so trades
never overlap). What this module adds is the trade calendar: a trade's P&L is realized at its exit,
so the equity after trade k is dated at trade k's exit time and the starting capital at the first
entry. Without exit times the curve is indexed by the number of trades done (0 = start).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import alphacheck as _dd

from ..strategies import TradeBook


def _trade_index(returns: pd.Series, exits: pd.Series | None, start) -> pd.Index:
    """Index of the n + 1 curve points: [start, exit_1, ..., exit_n], or 0..n without exits."""
    if exits is None:
        return pd.Index(np.arange(len(returns) + 1))
    return pd.DatetimeIndex([start if start is not None else returns.index[0]]).append(
        pd.DatetimeIndex(exits.to_numpy()))


def equity_curve(returns: pd.Series, exits: pd.Series | None = None, start=None) -> pd.Series:
    """Compounded wealth (starting at 1) before the first trade and after each trade; dated by exit
    time (the start at ``start``, default the first entry) when exits are given."""
    w = np.r_[1.0, _dd.equity_curve(returns.to_numpy(dtype=float))]
    return pd.Series(w, index=_trade_index(returns, exits, start), name="wealth")


def drawdown_series(returns: pd.Series, exits: pd.Series | None = None, start=None) -> pd.Series:
    """Drawdown at the same n + 1 points as :func:`equity_curve` (0 at the start)."""
    dd = np.r_[0.0, _dd.drawdown_series(returns.to_numpy(dtype=float))]
    return pd.Series(dd, index=_trade_index(returns, exits, start), name="drawdown")


def drawdown_episodes(returns: pd.Series, exits: pd.Series | None = None, start=None) -> pd.DataFrame:
    """Peak -> trough -> recovery episodes, deepest first, labelled on the :func:`equity_curve` index."""
    ep = _dd.drawdown_episodes(returns.to_numpy(dtype=float))
    if ep.empty:
        return pd.DataFrame(columns=["peak", "trough", "recovery", "depth", "trades_to_trough",
                                     "trades_to_recover"])
    idx = _trade_index(returns, exits, start)
    # curve position k (0 = start, k = after trade k) is idx[k]
    return pd.DataFrame([{
        "peak": idx[e.peak], "trough": idx[e.trough],
        "recovery": idx[e.recovery] if e.recovery is not None else None,
        "depth": e.depth, "trades_to_trough": e.obs_to_trough, "trades_to_recover": e.obs_to_recover,
    } for e in ep.itertuples()])


def worst_losing_streak(returns: pd.Series) -> pd.DataFrame:
    """The consecutive losing trades with the worst compounded loss (entries, returns)."""
    seg = _dd.worst_losing_streak(returns, check_returns=False)
    if seg.empty:
        return pd.DataFrame(columns=["entry", "return"])
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
    exits, start = book.trades["exit"], book.entries[0]
    w = equity_curve(r, exits, start=start)
    dd = drawdown_series(r, exits, start=start)
    i = int(np.argmin(dd.to_numpy()))
    worst = pd.DataFrame({"entry": r.index, "return": r.to_numpy(),
                          "btc": book.trades["btc_gross"].to_numpy()}).nsmallest(5, "return")
    return DrawdownExperiment(wealth=w, drawdown=dd, max_drawdown=float(dd.iloc[i]),
                              max_drawdown_date=dd.index[i], episodes=drawdown_episodes(r, exits, start).head(5),
                              worst_streak=worst_losing_streak(r), worst_trades=worst.reset_index(drop=True))
