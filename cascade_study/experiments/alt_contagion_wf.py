"""Exp 05b — alt contagion, zero parameters, out of sample by calendar year 2021–2025.

The rule is fixed in advance (volume-only cascade, equal-weight alt basket, 48 h hold, 30 bp), so
"walk-forward" means: evaluate the same rule on each calendar-year test window 2021–2025 (trades
whose entry falls in the year), with nothing re-fitted. The windows come from
:class:`alphacheck.splits.CalendarWindows` (``freq="YE"``, ``min_train=0``: no training data needed)
applied to the per-trade series indexed by entry time.

Statistics (all from alphacheck):
* mean per trade and its p-value: :func:`alphacheck.significance.mean_test`, H0 mean = 0 vs
  H1 mean > 0, **stationary bootstrap** (Politis & Romano 1994) with automatic block length — trades
  do not overlap, but they cluster in turbulent months, so a block bootstrap is the safer choice;
  9,999 replicates, seeded.
* Sharpe: :func:`alphacheck.sharpe_ratio` of per-trade returns annualized with the realized
  number of trades per year (``n / years`` of the window) — what an investor holding the strategy
  would see. The seed's 3.58 matches instead ``sqrt(8760 / hold)`` annualization (as if a 48 h trade
  were placed back to back all year; 2.33 %/trade and 3.58 imply a per-trade s.d. of 8.8 %, which is
  what 48 h alt returns after cascades show); we print that convention too, labelled.
* cumulative return (compounded), max drawdown (:mod:`.drawdown`), win rate (share of trades > 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from alphacheck import CalendarWindows, InputError, mean_test, sharpe_ratio

from ..strategies import HOLD_HOURS, VARIANT_LABELS, TradeBook
from .drawdown import drawdown_series, equity_curve

OOS_START, OOS_END = "2021", "2025"
MAIN_VARIANTS = ("alt_long", "btc_fade", "market_neutral")


@dataclass(frozen=True)
class VariantStats:
    variant: str
    n: int
    mean: float
    pvalue: float
    test: Any                 # alphacheck TestResult (None when too few trades)
    sharpe: float             # annualized with trades/year
    sharpe_seed_convention: float  # annualized with sqrt(8760 / hold)
    trades_per_year: float
    cumulative: float
    max_drawdown: float
    win_rate: float

    @property
    def label(self) -> str:
        return VARIANT_LABELS.get(self.variant, self.variant)

    def row(self) -> dict:
        return {"variant": self.label, "n": self.n, "mean": self.mean, "pvalue": self.pvalue,
                "sharpe": self.sharpe, "sharpe_seed_conv": self.sharpe_seed_convention,
                "cumulative": self.cumulative, "max_drawdown": self.max_drawdown,
                "win_rate": self.win_rate}


def variant_stats(returns: pd.Series, years: float, hold: int = HOLD_HOURS, reps: int = 9_999,
                  seed: int = 0, alternative: str = "greater") -> VariantStats:
    """Per-trade statistics of one variant over a window of ``years`` years."""
    r = returns.dropna()
    n = len(r)
    tpy = n / years if years > 0 else float("nan")
    test, p = None, float("nan")
    sharpe = sharpe_seed = float("nan")
    if n >= 3:
        try:
            test = mean_test(r, alternative=alternative, method="bootstrap", bootstrap="stationary",
                             reps=reps, seed=seed)
            p = float(test.pvalue)
        except InputError:
            test = None
        if r.std() > 0:
            sharpe = float(sharpe_ratio(r, periods_per_year=tpy))
            sharpe_seed = float(sharpe_ratio(r, periods_per_year=8760.0 / hold))
    w = equity_curve(r) if n else pd.Series([1.0])
    return VariantStats(
        variant=str(returns.name), n=n, mean=float(r.mean()) if n else float("nan"), pvalue=p,
        test=test, sharpe=sharpe, sharpe_seed_convention=sharpe_seed, trades_per_year=tpy,
        cumulative=float(w.iloc[-1] - 1.0), max_drawdown=float(drawdown_series(r).min()) if n else 0.0,
        win_rate=float((r > 0).mean()) if n else float("nan"))


@dataclass(frozen=True)
class AltContagionExperiment:
    book: TradeBook                     # OOS trades (entries in 2021..2025)
    overall: Mapping[str, VariantStats]
    by_year: pd.DataFrame               # rows (year, variant)
    positive_years: Mapping[str, int]
    n_years: int
    legs_closed_early: int              # alt legs closed at the last close before a gap (EXIT_RULE)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([self.overall[v].row() for v in self.overall]).set_index("variant")


def run_alt_contagion(book: TradeBook, reps: int = 9_999, seed: int = 0,
                      start: str = OOS_START, end: str = OOS_END,
                      variants=MAIN_VARIANTS) -> AltContagionExperiment:
    oos = book.between(start, f"{end}-12-31 23:00")
    years_span = (pd.Timestamp(f"{int(end) + 1}-01-01", tz="UTC")
                  - pd.Timestamp(f"{start}-01-01", tz="UTC")).days / 365.25
    overall = {v: variant_stats(oos.variant(v), years_span, book.hold, reps, seed) for v in variants}
    rows = []
    # calendar-year test windows; nothing is fitted, so the (possibly empty) train sets are unused
    full = oos.trades[list(variants)]
    years = CalendarWindows(freq="YE", start=start, end=end, min_train=0)
    for _, test_idx in (years.split(full) if len(full) else ()):
        sub = full.iloc[test_idx]
        year = sub.index[0].year
        for v in variants:
            s = variant_stats(sub[v], 1.0, book.hold, reps, seed)
            rows.append({"year": int(year), "variant": v, "n": s.n, "mean": s.mean, "pvalue": s.pvalue,
                         "sharpe": s.sharpe, "cumulative": s.cumulative, "win_rate": s.win_rate})
    by_year = pd.DataFrame(rows).set_index(["year", "variant"]) if rows else pd.DataFrame()
    pos = {v: int((by_year.xs(v, level="variant")["mean"] > 0).sum()) if rows else 0 for v in variants}
    n_years = len(by_year.index.get_level_values("year").unique()) if rows else 0
    return AltContagionExperiment(book=oos, overall=MappingProxyType(overall), by_year=by_year,
                                  positive_years=MappingProxyType(pos), n_years=n_years,
                                  legs_closed_early=int(oos.legs_closed_early.sum()))
