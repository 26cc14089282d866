"""Exp 05 — BTC cascade fade, 72-combination grid, walk-forward on 3-month test windows.

Strategy (one combination): at the close of an hour with BTC 1h return < ``max_return`` and BTC
volume ratio > ``min_volume_ratio`` (and, with the CFI filter, CFI above its median of the previous
720 hours), go long BTC for ``hold`` hours; one trade at a time (events within ``hold`` of the
previously kept one are dropped); 30 bp round trip. Its hourly P&L
(:func:`cascade_study.strategies.fade_hourly_pnl`: BTC 1h returns while in the trade, half the cost
in the first and half in the last hour, 0 when flat) is the per-period return series that
:func:`alphacheck.walkforward.walk_forward` scores.

Walk-forward: :class:`alphacheck.splits.WalkForward` with 3-calendar-month test windows (``"3MS"``
offsets) and a 48 h purge (the longest hold, so no training trade ends inside the test window). In each
window the combination with the best in-sample hourly Sharpe is chosen and its test-window P&L recorded.
Two training schemes (:data:`SCHEMES`), because the seed does not say which it used:

* ``"ours"`` — an expanding training window, the first one 365 days (at least a year of cascades to
  choose from); 22 test quarters.
* ``"seed"`` — a rolling 3-month training window, which is what the seed's "72 parameter combinations on
  3-month windows ... ~3 events per window" implies; scored on the test quarters that overlap ours.

Many test quarters have no OOS trade: the combination chosen in-sample is often a strict one (a −4 % or
−5 % hour on 2-3x volume) that fires a few times a year, so the quarter's P&L is flat zero. Such quarters
add no trade to the per-trade statistics and count as zero-return hours in the hourly Sharpe.

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

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from alphacheck import (
    InputError,
    TestResult,
    WalkForward,
    WalkForwardResult,
    deflated_sharpe_ratio,
    mean_test,
    pbo,
    sharpe_ratio,
    walk_forward,
)

from ..data.market import MarketData
from ..data.universe import BTC
from ..strategies import COST_BPS, asset_trades, cfi_above_median, fade_entries, fade_grid, fade_hourly_pnl

HOURS_PER_YEAR = 8760.0
TRAIN = "365D"
TEST = "3MS"
PURGE_HOURS = 48
SCHEMES = {
    "ours": {"train_size": TRAIN, "expanding": True,
             "label": "ours: expanding training window, first 365 days"},
    "seed": {"train_size": "3MS", "expanding": False,
             "label": "seed's: rolling 3-month training window"},
}


@dataclass(frozen=True)
class FadeExperiment:
    scheme: str
    scheme_label: str
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
    oos_test: TestResult | None = None   # mean per OOS trade, two-sided stationary bootstrap
    pbo_variants: int = 72               # the variants PBO could rank (those with P&L in at least half the groups)
    oos_pnl: pd.Series | None = None     # hourly OOS P&L of the chosen combinations, test windows in order

    @property
    def n_windows(self) -> int:
        return len(self.windows)

    @property
    def zero_trade_windows(self) -> int:
        """Test windows in which the combination chosen in-sample made no trade."""
        return int((self.windows["oos_trades"] == 0).sum()) if len(self.windows) else 0


def _trade_sharpe(r: pd.Series, years: float, hold: int) -> tuple[float, float]:
    if len(r) < 2 or r.std() == 0 or years <= 0:
        return float("nan"), float("nan")
    return (float(sharpe_ratio(r, periods_per_year=len(r) / years)),
            float(sharpe_ratio(r, periods_per_year=HOURS_PER_YEAR / hold)))


def _years(a, b) -> float:
    return (pd.Timestamp(b) - pd.Timestamp(a)) / pd.Timedelta(days=365.25)


class _TestsEndingAfter:
    """A splitter wrapper keeping only the splits whose test window ends after ``start`` (so two schemes
    are scored on the same quarters)."""

    def __init__(self, splitter, index: pd.DatetimeIndex, start):
        self.splitter, self.index, self.start = splitter, index, start

    def split(self, X, y=None, groups=None):
        for tr, te in self.splitter.split(X):
            if len(te) and self.index[te[-1]] > self.start:
                yield tr, te


def _fade_trades(md: MarketData, entries: dict, grid, cost_bps: float) -> dict:
    """Per-combination BTC trade returns (net), one :func:`alphacheck.event_trades` call per hold."""
    out = {}
    for h in sorted({p.hold for p in grid}):
        ps = [p for p in grid if p.hold == h]
        union = pd.DatetimeIndex(sorted(set().union(*(set(entries[p.label]) for p in ps))))
        tr = asset_trades(md, union, h, cost_bps, symbols=[BTC])[BTC].dropna()
        for p in ps:
            out[p.label] = tr.reindex(pd.DatetimeIndex(entries[p.label])).dropna()
    return out


def _run_scheme(scheme: str, md: MarketData, feats: pd.DataFrame, grid, pnl: dict, trades: dict, pbo_res, dsr,
                best: str, reps: int, seed: int, first_test=None) -> FadeExperiment:
    cfg = SCHEMES[scheme]

    def strategy(params: dict, data: pd.DataFrame) -> pd.Series:
        return pnl[params["combo"].label]

    splitter = WalkForward(train_size=cfg["train_size"], test_size=TEST, expanding=cfg["expanding"],
                           purge=PURGE_HOURS)
    if first_test is not None:
        splitter = _TestsEndingAfter(splitter, feats.index, first_test)
    wf = walk_forward(strategy, [{"combo": p} for p in grid], feats, splitter=splitter, metric="sharpe",
                      periods_per_year=HOURS_PER_YEAR)
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
                     "hold": p.hold, "is_years": is_years, "is_trades": len(is_tr),
                     "is_mean": is_tr.mean() if len(is_tr) else np.nan,
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
    test = None
    if len(oos) >= 3:
        try:
            test = mean_test(oos, alternative="two-sided", method="bootstrap", reps=reps, seed=seed)
        except InputError:
            test = None
    oos_pnl = wf.oos_returns if isinstance(wf.oos_returns, pd.Series) else None
    return FadeExperiment(
        scheme=scheme, scheme_label=cfg["label"], walk=wf, grid=tuple(grid), windows=windows, oos_trades=oos,
        is_sharpe=float(windows["is_sharpe"].mean()), oos_sharpe=oos_sh,
        is_sharpe_seed_conv=float(windows["is_sharpe_seed_conv"].mean()), oos_sharpe_seed_conv=oos_sh_seed,
        is_sharpe_hourly=float(wf.is_score_mean), oos_sharpe_hourly=float(wf.oos_score),
        oos_win_rate=float((oos > 0).mean()) if len(oos) else float("nan"),
        oos_mean=float(oos.mean()) if len(oos) else float("nan"), oos_n=len(oos),
        pbo=pbo_res, dsr=dsr, best_full_sample=best, n_trials=len(grid), oos_test=test, oos_pnl=oos_pnl)


def run_btc_fade(md: MarketData, features: pd.DataFrame, cost_bps: float = COST_BPS, reps: int = 9_999,
                 seed: int = 0) -> dict[str, FadeExperiment]:
    """Both training schemes of :data:`SCHEMES` on the same 72 P&L columns: ``{"ours": ..., "seed": ...}``.

    PBO and the deflated Sharpe ratio read the full-sample P&L matrix, so they are the same for both.
    """
    start = md.close[BTC].first_valid_index()
    feats = features.loc[start:]
    r1 = md.returns(1)[BTC].loc[start:]
    cfi_ok = cfi_above_median(feats)
    grid = fade_grid()
    labels = [p.label for p in grid]
    entries = {p.label: fade_entries(feats, p, cfi_ok) for p in grid}
    pnl = {p.label: fade_hourly_pnl(r1, entries[p.label], p.hold, cost_bps) for p in grid}
    trades = _fade_trades(md, entries, grid, cost_bps)

    # overfitting diagnostics on daily P&L of all 72 combinations
    perf = pd.DataFrame(pnl)[labels]
    daily = perf.groupby(perf.index.floor("D")).sum()
    rankable = _rankable_variants(daily, PBO_GROUPS)
    pbo_res = pbo(daily[rankable], n_groups=PBO_GROUPS, metric="sharpe")
    day_sr = daily.mean() / daily.std(ddof=1)
    best = str(day_sr.idxmax())
    dsr = deflated_sharpe_ratio(daily[best], n_trials=len(grid), trial_sharpes=day_sr.to_numpy())

    ours = _run_scheme("ours", md, feats, grid, pnl, trades, pbo_res, dsr, best, reps, seed)
    first = ours.windows["test_start"].iloc[0] if len(ours.windows) else None
    theirs = _run_scheme("seed", md, feats, grid, pnl, trades, pbo_res, dsr, best, reps, seed, first_test=first)
    return {name: replace(exp, pbo_variants=len(rankable)) for name, exp in
            (("ours", ours), ("seed", theirs))}


PBO_GROUPS = 16


def _rankable_variants(daily: pd.DataFrame, n_groups: int) -> list:
    """The variants whose Sharpe ratio is defined on every half of the CSCV groups: a variant with no P&L (all zero)
    in half the groups has none there. On the bundled data all 72 are; on a shorter or thinner download
    (fewer symbols, two years) some rarely trade, and PBO ranks the others rather than stopping the study."""
    g = len(daily) // n_groups
    blocks = daily.iloc[: g * n_groups].to_numpy().reshape(n_groups, g, daily.shape[1])
    silent = (blocks == 0.0).all(axis=1).sum(axis=0)  # groups in which the variant never trades
    keep = [c for c, z in zip(daily.columns, silent) if z < n_groups // 2]
    if len(keep) < 2:
        raise InputError("data", f"only {len(keep)} of the {daily.shape[1]} fade variants trade in at least half of "
                                 f"the {n_groups} PBO periods: the data are too short or too thin for the grid")
    return keep
