"""`MarketData`: the hourly panels and funding settlements every cascade-study step reads.

Conventions
-----------
* Index: hourly UTC ``DatetimeIndex`` = kline **open time**. The row labelled ``t`` is the bar that
  opens at ``t`` and closes at ``t + 1h``; anything "known at row t" is known at that close.
* Panels ``open/high/low/close/volume``: one column per symbol, NaN where the symbol has no bar
  (before listing, after the last bar, inside gaps). Gaps are never forward filled.
* ``funding[exchange]``: the raw settlements, index = settlement time (UTC, as published, e.g.
  ``16:00:00.004``), columns = symbols, value = rate per settlement, NaN where a symbol has no
  settlement at that time. Binance and Bybit rates are per settlement (normally 8h); **Hyperliquid
  rates are its native hourly rates** (x8 for an 8h equivalent) and are kept as published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from .universe import BTC

PANELS = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True)
class MarketData:
    """Hourly OHLCV panels (symbols as columns) plus raw funding settlements per exchange.

    Frozen: attributes cannot be rebound. The DataFrames themselves are shared, so treat them as
    read-only (use :meth:`slice` or ``.copy()`` to derive new data).
    """

    open: pd.DataFrame
    high: pd.DataFrame
    low: pd.DataFrame
    close: pd.DataFrame
    volume: pd.DataFrame
    market: Mapping[str, str]
    funding: Mapping[str, pd.DataFrame]
    meta: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self):
        idx = self.close.index
        if not isinstance(idx, pd.DatetimeIndex) or idx.tz is None or str(idx.tz) != "UTC":
            raise ValueError("MarketData: index must be a tz-aware UTC DatetimeIndex")
        if len(idx) > 1 and not (np.diff(idx.as_unit("ns").asi8) == 3_600 * 10**9).all():
            raise ValueError("MarketData: index must be a complete, sorted hourly grid")
        for name in PANELS:
            p = getattr(self, name)
            if not p.index.equals(idx) or list(p.columns) != list(self.close.columns):
                raise ValueError(f"MarketData: panel {name!r} is not aligned with 'close'")
        object.__setattr__(self, "market", MappingProxyType(dict(self.market)))
        object.__setattr__(self, "funding", MappingProxyType(dict(self.funding)))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    # ------------------------------------------------------------------ accessors
    @property
    def index(self) -> pd.DatetimeIndex:
        return self.close.index

    @property
    def symbols(self) -> list[str]:
        return list(self.close.columns)

    @property
    def alts(self) -> list[str]:
        """All symbols except BTC."""
        return [s for s in self.symbols if s != BTC]

    def returns(self, hours: int = 1) -> pd.DataFrame:
        """Simple ``hours``-hour close-to-close returns ``close_t / close_{t-hours} - 1``.

        NaN whenever any bar in ``t-hours .. t`` is missing, so no return is ever computed
        across a gap (or from a bar before listing).
        """
        if int(hours) != hours or hours < 1:
            raise ValueError(f"returns: hours must be a positive integer, got {hours!r}")
        hours = int(hours)
        c = self.close
        ret = c / c.shift(hours) - 1.0
        if hours > 1:
            complete = c.notna().astype(np.int8).rolling(hours + 1).sum() == hours + 1
            ret = ret.where(complete)
        return ret

    def gap_report(self) -> pd.DataFrame:
        """Per symbol: span, bars, missing hours inside the span, gaps, 1h returns excluded.

        ``returns_excluded`` counts hours inside ``(first, last]`` whose 1h return is NaN
        (the missing hours themselves plus the first bar after each gap).
        """
        rows = {}
        r1 = self.returns(1)
        for s in self.symbols:
            have = self.close[s].notna().to_numpy()
            if not have.any():
                rows[s] = dict(market=self.market.get(s), first=pd.NaT, last=pd.NaT, bars=0,
                               missing_hours=0, gaps=0, returns_excluded=0)
                continue
            pos = np.flatnonzero(have)
            lo, hi = pos[0], pos[-1]
            inside = have[lo:hi + 1]
            starts = np.flatnonzero(inside[:-1] & ~inside[1:])  # last bar before each gap
            rows[s] = dict(
                market=self.market.get(s), first=self.index[lo], last=self.index[hi],
                bars=int(inside.sum()), missing_hours=int((~inside).sum()), gaps=len(starts),
                returns_excluded=int(r1[s].iloc[lo + 1:hi + 1].isna().sum()),
            )
        return pd.DataFrame.from_dict(rows, orient="index")

    def slice(self, start=None, end=None) -> MarketData:
        """Hours ``start <= t <= end`` (label-based, both ends inclusive); funding likewise.

        Funding settlements are kept up to the end of the last hour (``end + 1h``, exclusive),
        i.e. everything published before the close of the last bar.
        """
        start = None if start is None else pd.Timestamp(start)
        end = None if end is None else pd.Timestamp(end)
        start = start.tz_localize("UTC") if start is not None and start.tz is None else start
        end = end.tz_localize("UTC") if end is not None and end.tz is None else end
        panels = {n: getattr(self, n).loc[start:end] for n in PANELS}
        f_end = None if end is None else end + pd.Timedelta(hours=1)
        funding = {}
        for ex, f in self.funding.items():
            m = np.ones(len(f), bool)
            if start is not None:
                m &= f.index >= start
            if f_end is not None:
                m &= f.index < f_end
            funding[ex] = f.loc[m]
        return MarketData(**panels, market=dict(self.market), funding=funding, meta=dict(self.meta))

    def __repr__(self) -> str:
        i = self.index
        span = f"{i[0]} .. {i[-1]}" if len(i) else "empty"
        return (f"MarketData({len(i)} hours {span}, symbols={self.symbols}, "
                f"funding={ {k: v.shape for k, v in self.funding.items()} })")


def assemble(bars: Mapping[str, pd.DataFrame], market: Mapping[str, str],
             funding: Mapping[str, Mapping[str, pd.Series]], meta=None,
             symbol_order=None) -> MarketData:
    """Build a MarketData from per-symbol bar frames (index = UTC open time, OHLCV columns)
    and per-exchange dicts of funding Series (index = settlement time)."""
    syms = list(symbol_order) if symbol_order is not None else list(bars)
    syms = [s for s in syms if s in bars] + [s for s in bars if s not in (symbol_order or ())]
    syms = list(dict.fromkeys(syms))
    nonempty = [bars[s].index for s in syms if len(bars[s])]
    if nonempty:
        lo = min(ix[0] for ix in nonempty)
        hi = max(ix[-1] for ix in nonempty)
        index = pd.date_range(lo, hi, freq="h", name="open_time").as_unit("ns")
    else:
        index = pd.DatetimeIndex([], tz="UTC", name="open_time").as_unit("ns")
    panels = {}
    for name in PANELS:
        cols = {s: bars[s][name].reindex(index) for s in syms}
        panels[name] = pd.DataFrame(cols, index=index, columns=syms, dtype="float64")
    fund = {}
    for ex, per_sym in funding.items():
        per_sym = {s: v for s, v in per_sym.items() if len(v)}
        if not per_sym:
            continue
        order = [s for s in syms if s in per_sym] + [s for s in per_sym if s not in syms]
        df = pd.concat({s: per_sym[s] for s in order}, axis=1, sort=True)
        df.index.name = "funding_time"
        fund[ex] = df.astype("float64")
    return MarketData(**panels, market={s: market[s] for s in syms}, funding=fund, meta=meta or {})
