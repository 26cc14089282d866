"""Exp 05 — BTC cascade fade, 72-combination grid, walk-forward on 3-month test windows.

Strategy (one combination): at the close of an hour with BTC 1h return < ``max_return`` and BTC
volume ratio > ``min_volume_ratio`` (and, with the CFI filter, CFI above its median of the previous
720 hours), go long BTC for ``hold`` hours; one trade at a time (events within ``hold`` of the
previously kept one are dropped); 30 bp round trip. Its hourly P&L
(:func:`cascade_study.strategies.fade_hourly_pnl`: BTC 1h returns while in the trade, half the cost
in the first and half in the last hour, 0 when flat) is the per-period return series that
:func:`alphacheck.walkforward.walk_forward` scores.

Walk-forward: :class:`alphacheck.splits.WalkForward` with an expanding training window (first one
365 days), 3-calendar-month test windows (``"3MS"``-style offsets) and a 48 h purge (the longest
hold, so no training trade ends inside the test window). In each window the combination with the
best in-sample hourly Sharpe is chosen and its test-window P&L recorded.

Sharpe conventions (stated because the seed's 9.37 / −3.66 are per-trade annualized numbers):
* **per trade, annualized with trades per year** (``n_trades / years`` of the window) — primary;
* per trade, annualized with ``sqrt(8760 / hold)`` (the seed's apparent convention, labelled; for
  the pooled OOS trades, whose holds differ by window, the trade-weighted mean hold);
* per hour, annualized with ``sqrt(8760)`` (what ``walk_forward`` optimises).
IS figures are the mean over windows of the chosen combination's in-sample value; OOS figures are
computed on all OOS trades pooled (trades whose entry lies in a test window of the combination
chosen for that window). Per-trade returns come from :func:`alphacheck.events.event_trades`.

Overfitting: :func:`alphacheck.overfitting.pbo` (CSCV, 16 groups) on the (days x 72) matrix of daily
P&L of all combinations, and :func:`alphacheck.sharpe.deflated_sharpe_ratio` of the full-sample best
combination's daily P&L with 72 trials and the 72 daily Sharpe ratios as the trial set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alphacheck import WalkForward, WalkForwardResult, deflated_sharpe_ratio, pbo, sharpe_ratio, walk_forward

from ..data.market import MarketData
from ..data.universe import BTC
from ..strategies import (COST_BPS, FadeParams, asset_trades, cfi_above_median, fade_entries,
                          fade_grid, fade_hourly_pnl)

HOURS_PER_YEAR = 8760.0
TRAIN = "365D"
TEST = "3MS"
PURGE_HOURS = 48


@dataclass(frozen=True)
class FadeExperiment:
    walk: WalkForwardResult
    grid: tuple
    windows: pd.DataFrame          # per window: test span, chosen combo, IS/OOS per-trade stats
    oos_trades: pd.Series          # per-trade net returns of the chosen combos, OOS
    is_sharpe: float               # mean over windows, per-trade, trades/year annualization
    oos_sharpe: float
    is_sharpe_seed_conv: float     # sqrt(8760/hold) annualization
    oos_sharpe_seed_conv: float
    is_sharpe_hourly: float        # sqrt(8760), walk_forward's score
    oos_sharpe_hourly: float
    oos_win_rate: float
    oos_mean: float
    oos_n: int
    pbo: Any
    dsr: Any
    best_full_sample: str
    n_trials: int


def _trade_sharpe(r: pd.Series, years: float, hold: int) -> tuple[float, float]:
    if len(r) < 2 or r.std() == 0 or years <= 0:
        return float("nan"), float("nan")
    return (float(sharpe_ratio(r, periods_per_year=len(r) / years)),
            float(sharpe_ratio(r, periods_per_year=HOURS_PER_YEAR / hold)))


def _years(a, b) -> float:
    return (pd.Timestamp(b) - pd.Timestamp(a)) / pd.Timedelta(days=365.25)


def run_btc_fade(md: MarketData, features: pd.DataFrame, cost_bps: float = COST_BPS,
                 progress: bool = False) -> FadeExperiment:
    start = md.close[BTC].first_valid_index()
    feats = features.loc[start:]
    r1 = md.returns(1)[BTC].loc[start:]
    cfi_ok = cfi_above_median(feats)
    grid = fade_grid()
    labels = [p.label for p in grid]
    entries = {p.label: fade_entries(feats, p, cfi_ok) for p in grid}

    def strategy(params: dict, data: pd.DataFrame) -> pd.Series:
        p: FadeParams = params["combo"]
        return fade_hourly_pnl(r1, entries[p.label], p.hold, cost_bps)

    splitter = WalkForward(train_size=TRAIN, test_size=TEST, expanding=True, purge=PURGE_HOURS)
    wf = walk_forward(strategy, [{"combo": p} for p in grid], feats, splitter=splitter, metric="sharpe",
                      periods_per_year=HOURS_PER_YEAR)

    trades = {p.label: asset_trades(md, entries[p.label], p.hold, cost_bps, symbols=[BTC])[BTC].dropna()
              for p in grid}
    rows, oos_parts = [], []
    for _, w in wf.windows.iterrows():
        if w["skipped"]:
            continue
        p = grid[int(w["param_index"])]
        tr = trades[p.label]
        is_tr = tr.loc[w["train_start"]:w["train_end"]]
        oos_tr = tr.loc[w["test_start"]:w["test_end"]]
        is_years = _years(w["train_start"], w["train_end"])
        is_sh, is_sh_seed = _trade_sharpe(is_tr, is_years, p.hold)
        oos_parts.append(oos_tr)
        rows.append({"test_start": w["test_start"], "test_end": w["test_end"], "combo": p.label,
                     "hold": p.hold, "is_trades": len(is_tr), "is_mean": is_tr.mean(),
                     "is_sharpe": is_sh, "is_sharpe_seed_conv": is_sh_seed,
                     "is_sharpe_hourly": w["is_score"], "oos_trades": len(oos_tr),
                     "oos_mean": oos_tr.mean() if len(oos_tr) else np.nan,
                     "oos_sharpe_hourly": w["oos_score"]})
    windows = pd.DataFrame(rows)
    oos = pd.concat(oos_parts).sort_index() if oos_parts else pd.Series(dtype=float)
    oos_years = _years(windows["test_start"].iloc[0], windows["test_end"].iloc[-1]) if len(windows) else 0
    # seed convention on pooled OOS trades of different holds: sqrt(8760 / mean hold of those trades)
    n_oos = windows["oos_trades"].to_numpy(dtype=float) if len(windows) else np.zeros(0)
    mean_hold = float(np.average(windows["hold"], weights=n_oos)) if n_oos.sum() > 0 else 48.0
    oos_sh, oos_sh_seed = _trade_sharpe(oos, oos_years, mean_hold)

    # overfitting diagnostics on daily P&L of all 72 combinations
    perf = wf.performance_matrix
    daily = perf.groupby(perf.index.floor("D")).sum()
    daily.columns = labels
    pbo_res = pbo(daily, n_groups=16, metric="sharpe")
    day_sr = daily.mean() / daily.std(ddof=1)
    best = str(day_sr.idxmax())
    dsr = deflated_sharpe_ratio(daily[best], n_trials=len(grid), trial_sharpes=day_sr.to_numpy())

    return FadeExperiment(
        walk=wf, grid=tuple(grid), windows=windows, oos_trades=oos,
        is_sharpe=float(windows["is_sharpe"].mean()), oos_sharpe=oos_sh,
        is_sharpe_seed_conv=float(windows["is_sharpe_seed_conv"].mean()), oos_sharpe_seed_conv=oos_sh_seed,
        is_sharpe_hourly=float(wf.is_score_mean), oos_sharpe_hourly=float(wf.oos_score),
        oos_win_rate=float((oos > 0).mean()) if len(oos) else float("nan"),
        oos_mean=float(oos.mean()) if len(oos) else float("nan"), oos_n=len(oos),
        pbo=pbo_res, dsr=dsr, best_full_sample=best, n_trials=len(grid))
