"""The series the plausibility layer is calibrated on: real returns (must pass) and non-returns (must be refused).

Everything is built from the bundled market data (``cascade_study.data.load_market_data()``: BTC and 15 alts,
hourly bars 2019-06 .. 2026-05, Binance/Bybit/Hyperliquid funding) and from the simulated worlds of
tests/worlds.py. Each builder returns ``{label: pd.Series}`` with a DatetimeIndex (UTC); the study also runs
every series as a plain array (no dates).

Returns (the false-alarm set)
-----------------------------
* ``asset``: each symbol's simple returns at 1h (``MarketData.returns(1)``, never across a gap), 1d (last
  close of each UTC day), per trade every 48 h (close every 48th hour) and per trade at cascade-like dates
  (48 h holds entered at hours where BTC fell more than 2 % in an hour, merged one trade at a time).
* ``spread``: long/short spreads — each alt minus BTC, the equal-weight alt basket minus BTC, and ETH minus
  the alt basket — at the same four frequencies.
* ``carry``: low-volatility carry, i.e. collecting the funding rate on a delta-hedged position (long spot,
  short perp): the rate per settlement for every exchange and symbol (Binance/Bybit 8 h, Hyperliquid 1 h),
  the daily sum, and a carry net of a 2 bp-per-day hedge cost.

Not returns (the detection set)
-------------------------------
* ``prices``: each symbol's close at 1h, 1d and every 48 h.
* ``levels``: price ratios (each alt / BTC, e.g. ETH/BTC 0.017-0.088) at 1h and 1d.
* ``cumulative``: cumulative-return curves ``(1 + r).cumprod() - 1`` of each symbol's 1d and 48 h returns.
* ``equity``: equity curves ``(1 + r).cumprod()`` and the same divided by 100 and times 100.
* ``percent``: every asset return series at 1h, 1d and 48 h and every daily spread, times 100.
* ``percent carry``: every carry series times 100 (a low-volatility strategy in percent).
* ``positions``: 0/1 (close above its 20-period mean), ±1 (sign of the last return) and 0/±0.5/±1 sized
  positions, daily.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

FREQS = ("1h", "1d", "48h", "cascade")
WINDOWS = (24, 72, 250, 1000, 5000)


@functools.lru_cache(maxsize=1)
def market():
    from cascade_study.data import load_market_data

    return load_market_data()


def _daily_close(md) -> pd.DataFrame:
    return md.close.resample("1D").last()


@functools.lru_cache(maxsize=1)
def cascade_dates() -> pd.DatetimeIndex:
    from cascade_study.cascades import merge_events

    md = market()
    r1 = md.returns(1)["BTC"]
    return merge_events(r1.index[(r1 < -0.02).to_numpy()], min_gap_hours=48)


@functools.lru_cache(maxsize=1)
def _asset_returns() -> dict[str, pd.DataFrame]:
    """Symbol panels of simple returns at each frequency (NaN where a symbol has no return)."""
    md = market()
    daily = _daily_close(md)
    every48 = md.close.iloc[::48]
    r48 = md.returns(48)
    entries = cascade_dates()
    exits = entries + pd.Timedelta(hours=48)
    ok = exits <= md.index[-1]
    casc = pd.DataFrame(r48.reindex(exits[ok]).to_numpy(), index=entries[ok], columns=md.symbols)
    return {
        "1h": md.returns(1),
        "1d": daily / daily.shift(1) - 1.0,
        "48h": every48 / every48.shift(1) - 1.0,
        "cascade": casc,
    }


def asset_returns() -> dict[str, pd.Series]:
    out = {}
    for f, panel in _asset_returns().items():
        for s in panel.columns:
            out[f"{s} {f}"] = panel[s].dropna()
    return out


def spreads() -> dict[str, pd.Series]:
    md = market()
    out = {}
    for f, panel in _asset_returns().items():
        btc = panel["BTC"]
        basket = panel[md.alts].mean(axis=1)
        for s in md.alts:
            out[f"{s}-BTC {f}"] = (panel[s] - btc).dropna()
        out[f"alt basket-BTC {f}"] = (basket - btc).dropna()
        out[f"ETH-alt basket {f}"] = (panel["ETH"] - basket).dropna()
    return out


def carry() -> dict[str, pd.Series]:
    md = market()
    out = {}
    for ex, panel in md.funding.items():
        for s in panel.columns:
            f = panel[s].dropna()
            if len(f) < 72:
                continue
            out[f"carry {ex} {s} per settlement"] = f
            day = f.resample("1D").sum(min_count=1).dropna()
            out[f"carry {ex} {s} daily"] = day
            out[f"carry {ex} {s} daily net of 2 bp"] = day - 2e-4
    return out


def real_returns() -> dict[str, dict[str, pd.Series]]:
    return {"asset": asset_returns(), "spread": spreads(), "carry": carry()}


# ------------------------------------------------------------------------------------------------ not returns
def prices() -> dict[str, pd.Series]:
    md = market()
    daily = _daily_close(md)
    out = {}
    for s in md.symbols:
        out[f"{s} close 1h"] = md.close[s].dropna()
        out[f"{s} close 1d"] = daily[s].dropna()
        out[f"{s} close 48h"] = md.close[s].iloc[::48].dropna()
    return out


def levels() -> dict[str, pd.Series]:
    md = market()
    daily = _daily_close(md)
    out = {}
    for s in md.alts:
        out[f"{s}/BTC 1h"] = (md.close[s] / md.close["BTC"]).dropna()
        out[f"{s}/BTC 1d"] = (daily[s] / daily["BTC"]).dropna()
    return out


def cumulative() -> dict[str, pd.Series]:
    out = {}
    for f in ("1d", "48h"):
        for s, r in _asset_returns()[f].items():
            r = r.dropna()
            out[f"{s} cumulative {f}"] = (1 + r).cumprod() - 1
    return out


def equity() -> dict[str, pd.Series]:
    out = {}
    for s, r in _asset_returns()["1d"].items():
        eq = (1 + r.dropna()).cumprod()
        out[f"{s} equity 1d"] = eq
        out[f"{s} equity/100 1d"] = eq / 100
        out[f"{s} equity x100 1d"] = eq * 100
    return out


def percent() -> dict[str, pd.Series]:
    out = {f"{k} x100": v * 100 for k, v in asset_returns().items() if k.endswith((" 1d", " 1h", " 48h"))}
    out.update({f"{k} x100": v * 100 for k, v in spreads().items() if k.endswith(" 1d")})
    return out


def percent_carry() -> dict[str, pd.Series]:
    return {f"{k} x100": v * 100 for k, v in carry().items()}


def positions() -> dict[str, pd.Series]:
    md = market()
    daily = _daily_close(md)
    out = {}
    for s in md.symbols:
        c = daily[s].dropna()
        above = (c > c.rolling(20).mean()).astype(float).iloc[20:]
        sign = np.sign(c.pct_change()).iloc[1:]
        mom = c / c.shift(20) - 1
        sized = (np.sign(mom) * np.where(mom.abs() > 0.2, 1.0, 0.5)).iloc[20:]
        out[f"{s} 0/1 position"] = above
        out[f"{s} ±1 signal"] = sign[sign != 0] if (sign == 0).mean() > 0.5 else sign
        out[f"{s} sized position"] = pd.Series(sized, index=c.index[20:])
    return out


def not_returns() -> dict[str, dict[str, pd.Series]]:
    return {"prices": prices(), "levels": levels(), "cumulative": cumulative(), "equity": equity(),
            "percent": percent(), "percent carry": percent_carry(), "positions": positions()}


# ------------------------------------------------------------------------------------------------ windows
def windows(s: pd.Series, sizes=WINDOWS, cap: int | None = None):
    """The full series and its consecutive non-overlapping windows of each size (at most ``cap`` per size,
    evenly spread over the sample, when ``cap`` is given)."""
    yield "full", s
    n = len(s)
    for w in sizes:
        k = n // w
        if k < 2:
            continue
        starts = np.arange(k) * w
        if cap is not None and k > cap:
            starts = starts[np.linspace(0, k - 1, cap).round().astype(int)]
        for st in starts:
            yield w, s.iloc[st:st + w]
