"""Trades built from BTC cascade events: the seed's alt-contagion strategy and its variants.

Timing (no look-ahead; see :mod:`cascade_study.data.market`): a cascade detected on the bar that
opens at ``t`` is known at that bar's close (``t + 1h``). Every trade enters at ``close[t]`` and exits
``hold`` hours later at ``close[t + hold]``. Per-asset trade returns come from
:func:`alphacheck.events.event_trades` (entry/hold/cost arithmetic lives there, not here).

Rules (seed write-up, Part 4 and ../shared/SEED_STUDY.md decisions)
-------------------------------------------------------------------
* **One trade at a time.** Events closer than the hold to the previously *kept* event are dropped
  (:func:`cascade_study.cascades.merge_events` with ``min_gap_hours = hold``).
* **Alt basket.** Equal weight over every alt of the universe that has a bar at the entry hour *and*
  a complete, gap-free price path to the exit hour (``MarketData.returns(hold)`` is not NaN at the
  exit). An alt whose data stops (delisting, UNI perp gap) during the hold is excluded from that
  trade; we never compute a return across a gap. The count of such exclusions is kept
  (``TradeBook.excluded``).
* **Costs.** ``cost_bps`` (30 bp) round trip is charged on every leg: the long-only variants pay
  30 bp; market-neutral (long alt basket, short BTC, equal notional) and the cross-sectional
  long/short pay 30 bp on each leg, i.e. 60 bp per unit of long notional.
* **Variants** (per trade, net of costs):
    - ``alt_long``        long the equal-weight alt basket (the seed's "alts long-only");
    - ``btc_fade``        long BTC only (the seed's "BTC-only" variant);
    - ``market_neutral``  alt basket minus BTC;
    - ``hardest``         long the hardest-hit quintile of alts (concentration);
    - ``long_short``      long hardest-hit quintile, short least-hit quintile.
* **Hardest hit.** Overshoot of alt ``i`` at the cascade hour = ``r_BTC,t − r_i,t`` (1h returns of
  the cascade bar; positive = the alt fell more than BTC). The quintile is the ``ceil(n/5)`` alts
  with the largest (hardest) / smallest (least) overshoot among the basket's alts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alphacheck.events import event_trades

from .cascades import CascadeLevel, cascade_mask, detect_cascades, merge_events
from .data.market import MarketData
from .data.universe import BTC

HOLD_HOURS = 48
COST_BPS = 30.0
QUINTILE = 0.2
VARIANTS = ("alt_long", "btc_fade", "market_neutral", "hardest", "long_short")
VARIANT_LABELS = {
    "alt_long": "Alts long-only",
    "btc_fade": "BTC-only fade",
    "market_neutral": "Market-neutral (alts − BTC)",
    "hardest": "Hardest-hit quintile long",
    "long_short": "Long hardest / short least-hit",
}
MERGE_RULE = ("One trade at a time: cascade hours are scanned in time order and an event is kept only "
              "if it comes at least the hold period after the previously kept event; dropped events "
              "do not extend the blackout.")


def cascade_entries(features: pd.DataFrame, level="volume_only", hold: int = HOLD_HOURS) -> pd.DatetimeIndex:
    """Entry hours: cascade hours at ``level`` merged with ``min_gap_hours = hold``."""
    return detect_cascades(features, level, min_gap_hours=hold)


def asset_trades(md: MarketData, entries, hold: int = HOLD_HOURS, cost_bps: float = 0.0,
                 symbols=None) -> pd.DataFrame:
    """Per-asset trade returns (entry hour x symbol) from :func:`alphacheck.events.event_trades`.

    ``NaN`` where the symbol has no bar at entry, no bar at exit, or any missing bar in between
    (gap-free rule), or where the exit lies beyond the data. ``cost_bps`` is subtracted by
    ``event_trades`` (its ``net`` column); pass 0 to get gross returns.
    """
    entries = pd.DatetimeIndex(entries)
    symbols = list(md.symbols if symbols is None else symbols)
    out = pd.DataFrame(np.nan, index=entries, columns=symbols)
    if len(entries) == 0:
        return out
    # one trade per (entry, asset); merging was done before (overlap="allow"); event_trades drops
    # trades with a missing bar between entry and exit or an exit past the data (gaps never bridged)
    tr = event_trades(md.close[symbols], entries, hold=int(hold), cost_bps=cost_bps, overlap="allow")
    if len(tr):
        wide = tr.pivot(index="entry_time", columns="asset", values="net_return")
        out.loc[wide.index, wide.columns] = wide.to_numpy()
    return out


@dataclass(frozen=True)
class TradeBook:
    """All per-trade returns of one event set.

    ``trades``: indexed by entry hour, columns ``exit``, ``n_alts``, ``btc_gross``, ``alt_gross``,
    ``hardest_gross``, ``least_gross`` and the net variants of :data:`VARIANTS`.
    ``alt_gross_panel``: per-alt gross trade returns (NaN where excluded).
    ``overshoot``: per-alt overshoot at the cascade hour (BTC 1h return − alt 1h return).
    ``excluded``: alts with a bar at entry but excluded for a gap/end of data before exit, per trade.
    """
    trades: pd.DataFrame
    alt_gross_panel: pd.DataFrame
    overshoot: pd.DataFrame
    excluded: pd.Series
    hold: int
    cost_bps: float

    @property
    def entries(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.trades.index)

    def variant(self, name: str) -> pd.Series:
        if name not in VARIANTS:
            raise ValueError(f"variant: unknown {name!r}; choose from {VARIANTS}")
        return self.trades[name].rename(name)

    def between(self, start, end) -> "TradeBook":
        """Trades whose entry lies in ``[start, end]`` (inclusive, label-based)."""
        sl = self.trades.loc[start:end].index
        return TradeBook(self.trades.loc[sl], self.alt_gross_panel.loc[sl], self.overshoot.loc[sl],
                         self.excluded.loc[sl], self.hold, self.cost_bps)


def _quintile_mean(values: pd.DataFrame, score: pd.DataFrame, hardest: bool, q: float) -> pd.Series:
    """Row-wise mean of ``values`` over the ceil(q*n) columns with the largest (hardest) or smallest
    ``score`` among columns where both are available."""
    out = pd.Series(np.nan, index=values.index)
    for t in values.index:
        v, s = values.loc[t], score.loc[t]
        ok = v.notna() & s.notna()
        n = int(ok.sum())
        if n == 0:
            continue
        k = max(1, math.ceil(q * n))
        ranked = s[ok].sort_values(ascending=not hardest, kind="mergesort")
        out.loc[t] = float(v[ranked.index[:k]].mean())
    return out


def build_trades(md: MarketData, entries, hold: int = HOLD_HOURS, cost_bps: float = COST_BPS,
                 quintile: float = QUINTILE) -> TradeBook:
    """Build every variant's per-trade return at ``entries`` (see module docstring for the rules).

    Trades without BTC data to exit or without any eligible alt are dropped.
    """
    entries = pd.DatetimeIndex(entries)
    alts = md.alts
    gross = asset_trades(md, entries, hold, 0.0)
    btc = gross[BTC]
    alt_g = gross[alts]
    r1 = md.returns(1).reindex(entries)
    overshoot = (r1[BTC].to_numpy()[:, None] - r1[alts]).where(alt_g.notna())
    at_entry = md.close[alts].reindex(entries).notna()
    excluded = (at_entry & alt_g.isna()).sum(axis=1)
    c = cost_bps / 1e4
    n_alts = alt_g.notna().sum(axis=1)
    alt_gross = alt_g.mean(axis=1)
    hardest_g = _quintile_mean(alt_g, overshoot, True, quintile)
    least_g = _quintile_mean(alt_g, overshoot, False, quintile)
    trades = pd.DataFrame({
        "exit": entries + pd.Timedelta(hours=hold),
        "n_alts": n_alts,
        "btc_gross": btc,
        "alt_gross": alt_gross,
        "hardest_gross": hardest_g,
        "least_gross": least_g,
        "alt_long": alt_gross - c,
        "btc_fade": btc - c,
        "market_neutral": (alt_gross - c) - (btc + c),   # short leg: −(return) and its own cost
        "hardest": hardest_g - c,
        "long_short": (hardest_g - c) - (least_g + c),
    }, index=entries)
    trades.index.name = "entry"
    keep = trades["btc_gross"].notna() & (n_alts > 0)
    trades = trades.loc[keep]
    return TradeBook(trades, alt_g.loc[keep], overshoot.loc[keep], excluded.loc[keep], hold, cost_bps)


# ----------------------------------------------------------------------------- BTC fade (Exp 05)
@dataclass(frozen=True)
class FadeParams:
    """One combination of the BTC-fade grid (Exp 05)."""
    max_return: float
    min_volume_ratio: float
    hold: int
    cfi_filter: bool

    @property
    def label(self) -> str:
        return (f"ret<{self.max_return:+.0%} vol>{self.min_volume_ratio:g}x hold={self.hold}h "
                f"cfi={'on' if self.cfi_filter else 'off'}")


FADE_RETURNS = (-0.02, -0.03, -0.04, -0.05)
FADE_VOLUMES = (1.5, 2.0, 3.0)
FADE_HOLDS = (12, 24, 48)
FADE_CFI = (False, True)
CFI_MEDIAN_WINDOW = 720  # trailing 30 days


def fade_grid() -> list[FadeParams]:
    """The 4 x 3 x 3 x 2 = 72 combinations of Exp 05."""
    return [FadeParams(r, v, h, c) for r in FADE_RETURNS for v in FADE_VOLUMES for h in FADE_HOLDS
            for c in FADE_CFI]


def cfi_above_median(features: pd.DataFrame, window: int = CFI_MEDIAN_WINDOW) -> pd.Series:
    """True where CFI exceeds its median over the previous ``window`` hours (current hour excluded)."""
    med = features["cfi"].shift(1).rolling(window, min_periods=window // 2).median()
    return (features["cfi"] > med).fillna(False)


def fade_entries(features: pd.DataFrame, p: FadeParams, cfi_ok: pd.Series | None = None) -> pd.DatetimeIndex:
    """Entry hours of one fade combination (merged with ``min_gap_hours = hold``)."""
    lv = CascadeLevel("fade", p.max_return, p.min_volume_ratio, None, seed_count=0)
    m = cascade_mask(features, lv)
    if p.cfi_filter:
        m &= cfi_ok if cfi_ok is not None else cfi_above_median(features)
    return merge_events(features.index[m.to_numpy()], p.hold)


def fade_hourly_pnl(btc_r1: pd.Series, entries, hold: int, cost_bps: float = COST_BPS) -> pd.Series:
    """Hourly P&L of "long BTC for ``hold`` hours after each entry": the position earns the BTC 1h
    returns of bars ``t+1 .. t+hold`` (constant notional); half the round-trip cost is charged in the
    first hour and half in the last. Zero when flat. Entries must not overlap (merged)."""
    pos = np.zeros(len(btc_r1))
    cost = np.zeros(len(btc_r1))
    loc = btc_r1.index.get_indexer(pd.DatetimeIndex(entries))
    half = cost_bps / 2e4
    for i in loc[loc >= 0]:
        if i + hold >= len(btc_r1):
            continue
        pos[i + 1:i + hold + 1] = 1.0
        cost[i + 1] += half
        cost[i + hold] += half
    pnl = pos * np.nan_to_num(btc_r1.to_numpy()) - cost
    return pd.Series(pnl, index=btc_r1.index, name="fade_pnl")
