"""Synthetic market panels for the cascade_study data/feature/cascade tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cascade_study.data.market import assemble

SHARED_DATA = Path(__file__).parents[2].parent / "shared" / "data"


def make_bars(n: int, start="2024-01-01", seed=0, price=100.0, vol_scale=1000.0) -> pd.DataFrame:
    """Random-walk hourly OHLCV bars (prices rounded to 2 decimals, volumes to 3)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=n, freq="h", tz="UTC").as_unit("ns")
    close = np.round(price * np.exp(np.cumsum(rng.normal(0, 0.005, n))), 2)
    opn = np.round(np.r_[price, close[:-1]], 2)
    high = np.round(np.maximum(opn, close) * (1 + rng.uniform(0, 0.003, n)), 2)
    low = np.round(np.minimum(opn, close) * (1 - rng.uniform(0, 0.003, n)), 2)
    vol = np.round(vol_scale * rng.lognormal(0, 0.3, n), 3)
    return pd.DataFrame({"open": opn, "high": high, "low": low, "close": close, "volume": vol},
                        index=idx)


def make_market(n=720, symbols=("BTC", "ETH", "SOL", "FTM"), seed=0, gaps=None,
                start="2024-01-01", hl_from=None, bybit=True):
    """A synthetic MarketData: random-walk bars, Binance funding every 8h (stamped a few ms after
    the hour, like the real archive), Bybit 8h funding and Hyperliquid hourly funding for BTC/ETH.

    ``gaps``: {symbol: [(i0, i1), ...]} bar positions removed (half-open).
    """
    rng = np.random.default_rng(seed)
    bars, market = {}, {}
    for k, s in enumerate(symbols):
        b = make_bars(n, start, seed=seed * 100 + k, price=100.0 * (k + 1))
        drop = [i for i0, i1 in (gaps or {}).get(s, []) for i in range(i0, i1)]
        b = b.drop(b.index[drop])
        bars[s] = b
        market[s] = "spot" if s == "FTM" else "perp"
    t0 = pd.Timestamp(start, tz="UTC")
    settle = pd.date_range(t0, t0 + pd.Timedelta(hours=n), freq="8h") + pd.Timedelta(milliseconds=4)
    binance = {s: pd.Series(np.round(rng.normal(1e-4, 1e-4, len(settle)), 8), index=settle)
               for s in symbols}
    funding = {"binance": binance}
    if bybit:
        st = settle[len(settle) // 2:]
        funding["bybit"] = {s: pd.Series(np.round(rng.normal(1e-4, 1e-4, len(st)), 8), index=st)
                            for s in symbols[:2]}
    hs = pd.date_range(t0 + pd.Timedelta(hours=hl_from if hl_from is not None else n // 3),
                       t0 + pd.Timedelta(hours=n), freq="h")
    funding["hyperliquid"] = {s: pd.Series(rng.normal(1.25e-5, 1e-5, len(hs)), index=hs)
                              for s in symbols[:2]}
    return assemble(bars, market, funding, symbol_order=symbols)


@pytest.fixture
def synthetic_market():
    return make_market()


@pytest.fixture
def gappy_market():
    return make_market(n=300, symbols=("BTC", "ETH", "UNI"), gaps={"UNI": [(100, 110), (200, 201)]})


@pytest.fixture(scope="session")
def bundled_market():
    from cascade_study.data import load_bundled
    return load_bundled()


@pytest.fixture(scope="session")
def bundled_study():
    """The whole study on the bundled data, reduced replicates (shared by the report and figure tests)."""
    from cascade_study.study import run_study
    return run_study(reps=199, seed=3, progress=False)


@pytest.fixture(scope="session")
def synth():
    """The synthetic-data factories (test modules here are not a package, so no imports)."""
    from types import SimpleNamespace
    return SimpleNamespace(make_bars=make_bars, make_market=make_market, shared_data=SHARED_DATA)
