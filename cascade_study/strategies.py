"""Trades built from BTC cascade events: the seed's alt-contagion strategy and its variants.

Timing (no look-ahead; see :mod:`cascade_study.data.market`): a cascade detected on the bar that
opens at ``t`` is known at that bar's close (``t + 1h``). A trade enters at ``close[t + delay]``
(``delay`` = 0 by default: at the close of the cascade bar; 1 or 2 h in the robustness section) and exits
``hold`` hours later at ``close[t + delay + hold]``. Per-asset trade returns over complete price paths
come from :func:`alphacheck.event_trades` (entry/hold/cost arithmetic lives there, not here).

Rules (seed write-up, Part 4 and ../shared/SEED_STUDY.md decisions)
-------------------------------------------------------------------
* **One trade at a time.** Events closer than the hold to the previously *kept* event are dropped
  (:func:`cascade_study.cascades.merge_events` with ``min_gap_hours = hold``).
* **Alt basket, decided at entry** (:data:`BASKET_RULE`). Equal weight over every alt of the universe that
  has a bar at the entry hour — nothing after the entry decides membership.
* **Missing exit price** (:data:`EXIT_RULE`). If an alt's price path has a missing bar before the planned
  exit (exchange downtime, the UNI perp gaps, FTM's delisting), its leg is closed at the last close before
  the gap — the last price anyone could have traded — and held as cash to the exit; the trade keeps the leg
  (its weight does not move to the other alts). BTC, the signal asset, must have a complete path, else the
  trade is dropped (BTC has no gap in the bundled data). We never compute a return across a gap.
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
  with the largest (hardest) / smallest (least) overshoot among the basket's alts with an overshoot
  (ties: universe order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alphacheck import event_trades

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
BASKET_RULE = ("Basket membership is decided at entry: every alt with a bar at the entry hour is in the "
               "trade, equally weighted; nothing that happens after the entry changes membership.")
EXIT_RULE = ("Missing exit price: an alt whose price path has a missing bar before the planned exit is closed "
             "at the last close before the gap and held as cash until the exit (its leg stays in the "
             "equal-weight basket); a return is never computed across a gap.")


def cascade_entries(features: pd.DataFrame, level="volume_only", hold: int = HOLD_HOURS) -> pd.DatetimeIndex:
    """Signal hours: cascade hours at ``level`` merged with ``min_gap_hours = hold``."""
    return detect_cascades(features, level, min_gap_hours=hold)


@dataclass(frozen=True)
class Legs:
    """Per-asset gross returns of trades entered at ``entries`` (rows) for ``symbols`` (columns).

    ``gross``: NaN where the asset has no bar at entry (not a member) or the planned exit lies beyond the
    data grid. ``closed_early``: True where the leg was closed at the last close before a gap
    (:data:`EXIT_RULE`). ``exit_time``: the bar whose close ended the leg.
    """
    gross: pd.DataFrame
    closed_early: pd.DataFrame
    exit_time: pd.DataFrame


def leg_returns(md: MarketData, entries, hold: int = HOLD_HOURS, symbols=None) -> Legs:
    """Gross per-leg returns under :data:`BASKET_RULE` and :data:`EXIT_RULE`.

    Legs with a complete path are :func:`alphacheck.event_trades`'s close-to-close returns (bit for bit);
    a leg whose path has a gap is ``close[g − 1] / close[entry] − 1`` with ``g`` the first missing bar
    after the entry (0 when the bar right after the entry is missing).
    """
    entries = pd.DatetimeIndex(entries)
    symbols = list(md.symbols if symbols is None else symbols)
    shape = (len(entries), len(symbols))
    gross = pd.DataFrame(np.full(shape, np.nan), index=entries, columns=symbols)
    early = pd.DataFrame(np.zeros(shape, bool), index=entries, columns=symbols)
    if len(entries) == 0:
        return Legs(gross, early, pd.DataFrame(pd.NaT, index=entries, columns=symbols, dtype="datetime64[ns, UTC]"))
    close = md.close[symbols]
    tr = event_trades(close, entries, hold=int(hold), overlap="allow")
    if len(tr):
        wide = tr.pivot(index="entry_time", columns="asset", values="gross_return")
        gross.loc[wide.index, wide.columns] = wide.to_numpy()
    rows = md.index.get_indexer(entries)
    if (rows < 0).any():
        raise ValueError(f"entries: {int((rows < 0).sum())} entry time(s) are not on the data's hourly grid")
    v = close.to_numpy()
    n = len(md.index)
    full = gross.notna().to_numpy()
    exit_row = np.where(full, rows[:, None] + int(hold), -1)
    g = gross.to_numpy(copy=True)
    e = early.to_numpy(copy=True)
    # members (bar at entry) without a complete path: close at the last bar before the gap
    todo = np.isfinite(v[rows]) & ~full & (rows + int(hold) < n)[:, None]
    for i, j in zip(*np.nonzero(todo)):
        r = rows[i]
        path = np.isfinite(v[r:r + int(hold) + 1, j])
        last = r + int(np.argmin(path)) - 1  # path[0] is True (bar at entry); the first False is the gap
        g[i, j] = v[last, j] / v[r, j] - 1.0
        e[i, j] = True
        exit_row[i, j] = last
    times = np.where(exit_row >= 0, md.index.as_unit("ns").asi8[np.maximum(exit_row, 0)], np.iinfo(np.int64).min)
    exit_t = pd.DataFrame({c: pd.DatetimeIndex(pd.to_datetime(times[:, k], utc=True)) for k, c in enumerate(symbols)},
                          index=entries)
    return Legs(pd.DataFrame(g, index=entries, columns=symbols), pd.DataFrame(e, index=entries, columns=symbols),
                exit_t)


def asset_trades(md: MarketData, entries, hold: int = HOLD_HOURS, cost_bps: float = 0.0,
                 symbols=None) -> pd.DataFrame:
    """Per-asset net trade returns (entry hour x symbol) over complete price paths only
    (:func:`alphacheck.event_trades`: NaN where a bar is missing between entry and exit or the exit lies
    beyond the data). Used for the BTC fade grid; alt baskets use :func:`leg_returns`."""
    entries = pd.DatetimeIndex(entries)
    symbols = list(md.symbols if symbols is None else symbols)
    out = pd.DataFrame(np.nan, index=entries, columns=symbols)
    if len(entries) == 0:
        return out
    tr = event_trades(md.close[symbols], entries, hold=int(hold), cost_bps=cost_bps, overlap="allow")
    if len(tr):
        wide = tr.pivot(index="entry_time", columns="asset", values="net_return")
        out.loc[wide.index, wide.columns] = wide.to_numpy()
    return out


@dataclass(frozen=True)
class TradeBook:
    """All per-trade returns of one event set.

    ``trades``: indexed by entry hour, columns ``signal`` (the cascade bar), ``exit``, ``n_alts``,
    ``btc_gross``, ``alt_gross``, ``hardest_gross``, ``least_gross`` and the net variants of :data:`VARIANTS`.
    ``alt_gross_panel``: per-alt gross trade returns (NaN where the alt was not a member at entry).
    ``overshoot``: per-alt overshoot at the cascade hour (BTC 1h return − alt 1h return).
    ``closed_early``: per-leg flags, True where the leg was closed at a gap (:data:`EXIT_RULE`).
    """
    trades: pd.DataFrame
    alt_gross_panel: pd.DataFrame
    overshoot: pd.DataFrame
    closed_early: pd.DataFrame
    hold: int
    cost_bps: float
    delay: int = 0

    @property
    def entries(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.trades.index)

    @property
    def legs_closed_early(self) -> pd.Series:
        """Number of alt legs closed at a gap, per trade."""
        return self.closed_early.sum(axis=1)

    def variant(self, name: str) -> pd.Series:
        if name not in VARIANTS:
            raise ValueError(f"variant: unknown {name!r}; choose from {VARIANTS}")
        return self.trades[name].rename(name)

    def select(self, mask) -> TradeBook:
        """The trades where ``mask`` (boolean, aligned with ``trades``) is True."""
        sl = self.trades.index[np.asarray(mask, dtype=bool)]
        return TradeBook(self.trades.loc[sl], self.alt_gross_panel.loc[sl], self.overshoot.loc[sl],
                         self.closed_early.loc[sl], self.hold, self.cost_bps, self.delay)

    def with_cost(self, cost_bps: float) -> TradeBook:
        """The same trades at another round-trip cost (net variants recomputed from the gross returns)."""
        t = self.trades.copy()
        c = float(cost_bps) / 1e4
        t["alt_long"] = t["alt_gross"] - c
        t["btc_fade"] = t["btc_gross"] - c
        t["market_neutral"] = (t["alt_gross"] - c) - (t["btc_gross"] + c)
        t["hardest"] = t["hardest_gross"] - c
        t["long_short"] = (t["hardest_gross"] - c) - (t["least_gross"] + c)
        return TradeBook(t, self.alt_gross_panel, self.overshoot, self.closed_early, self.hold, float(cost_bps),
                         self.delay)

    def between(self, start, end) -> TradeBook:
        """Trades whose entry lies in ``[start, end]`` (inclusive, label-based)."""
        sl = self.trades.loc[start:end].index
        return self.select(self.trades.index.isin(sl))


def _quintile_mean(values: pd.DataFrame, score: pd.DataFrame, hardest: bool, q: float) -> pd.Series:
    """Row-wise mean of ``values`` over the ceil(q*n) columns with the largest (hardest) or smallest
    ``score`` among the n columns where both are available (ties: column order)."""
    v, s = values.to_numpy(dtype=float), score.to_numpy(dtype=float)
    ok = np.isfinite(v) & np.isfinite(s)
    n = ok.sum(axis=1)
    k = np.maximum(1, np.ceil(q * n - 1e-12)).astype(int)
    key = np.where(ok, -s if hardest else s, np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(v.shape[1])[None, :].repeat(v.shape[0], 0), axis=1)
    pick = ok & (rank < k[:, None])
    with np.errstate(invalid="ignore"):
        out = np.where(n > 0, np.where(pick, v, 0.0).sum(axis=1) / np.maximum(pick.sum(axis=1), 1), np.nan)
    return pd.Series(out, index=values.index)


def build_trades(md: MarketData, signals, hold: int = HOLD_HOURS, cost_bps: float = COST_BPS,
                 quintile: float = QUINTILE, delay: int = 0, *, legs: Legs | None = None,
                 returns_1h: pd.DataFrame | None = None) -> TradeBook:
    """Build every variant's per-trade return for the cascade bars ``signals`` (see the module docstring).

    Entries are ``signals + delay`` hours (signals whose entry falls outside the data are dropped). Trades
    without a complete BTC path to the exit or without any alt at entry are dropped. ``legs`` (from
    :func:`leg_returns` with the same ``hold`` on a superset of the entries, columns BTC + alts) and
    ``returns_1h`` (``md.returns(1)``) may be passed to share that work between several books.
    """
    signals = pd.DatetimeIndex(signals)
    delay = int(delay)
    if delay < 0:
        raise ValueError(f"delay: must be >= 0 hours, got {delay}")
    entries = signals + pd.Timedelta(hours=delay)
    inside = entries.isin(md.index)
    signals, entries = signals[inside], entries[inside]
    alts = md.alts
    if legs is None:
        legs = leg_returns(md, entries, hold, [BTC, *alts])
    else:
        legs = Legs(legs.gross.reindex(entries), legs.closed_early.reindex(entries, fill_value=False),
                    legs.exit_time.reindex(entries))
    btc = legs.gross[BTC].where(~legs.closed_early[BTC])
    alt_g = legs.gross[alts]
    r1 = (md.returns(1) if returns_1h is None else returns_1h).reindex(signals)
    overshoot = pd.DataFrame(r1[BTC].to_numpy()[:, None] - r1[alts].to_numpy(), index=entries, columns=alts)
    overshoot = overshoot.where(alt_g.notna())
    c = cost_bps / 1e4
    n_alts = alt_g.notna().sum(axis=1)
    alt_gross = alt_g.mean(axis=1)
    hardest_g = _quintile_mean(alt_g, overshoot, True, quintile)
    least_g = _quintile_mean(alt_g, overshoot, False, quintile)
    trades = pd.DataFrame({
        "signal": signals,
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
    keep = (trades["btc_gross"].notna() & (n_alts > 0)).to_numpy()
    early = legs.closed_early[alts]
    return TradeBook(trades.loc[keep], alt_g.loc[keep], overshoot.loc[keep], early.loc[keep], int(hold),
                     float(cost_bps), delay)


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
