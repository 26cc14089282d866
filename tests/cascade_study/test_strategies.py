"""Trade construction on a synthetic panel with planted cascades and a planted alt beta."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cascade_study.cascades import detect_cascades
from cascade_study.data.market import assemble
from cascade_study.features import compute_features
from cascade_study.strategies import COST_BPS, build_trades, cascade_entries, fade_grid, fade_hourly_pnl

ALTS = ("ETH", "SOL", "XRP", "ADA")
PLANTED_BETA = 1.5


def make_cascade_market(n_events=60, spacing=100, warmup=300, beta=PLANTED_BETA, seed=7,
                        start="2021-01-01", close_pair=True, gap=None):
    """BTC + 4 alts. BTC hourly returns N(0, 0.5%) (a −3 % hour is a 6-sigma event, so none occur
    by chance); volumes lognormal(0, 0.2). At each planted hour BTC drops 5 % on 5x volume.
    Alts: r_alt = beta * r_BTC + N(0, 0.3%), i.e. a planted beta. With ``close_pair`` an extra
    cascade is planted 10 h after the first one (it must be merged away by the 48 h rule).
    ``gap``: (symbol, i0, i1) bar positions removed from one alt."""
    rng = np.random.default_rng(seed)
    n = warmup + n_events * spacing + 100
    r_btc = rng.normal(0, 0.005, n)
    vol_btc = rng.lognormal(0, 0.2, n) * 1000
    planted = warmup + spacing * np.arange(n_events)
    extra = [planted[0] + 10] if close_pair else []
    for i in list(planted) + extra:
        r_btc[i] = -0.05
        vol_btc[i] *= 5
    idx = pd.date_range(start, periods=n, freq="h", tz="UTC").as_unit("ns")

    def bars(r, vol, p0):
        close = p0 * np.cumprod(1 + r)
        opn = np.r_[p0, close[:-1]]
        return pd.DataFrame({"open": opn, "high": np.maximum(opn, close) * 1.001,
                             "low": np.minimum(opn, close) * 0.999, "close": close, "volume": vol},
                            index=idx)

    b = {"BTC": bars(r_btc, vol_btc, 30000.0)}
    for k, s in enumerate(ALTS):
        r = beta * r_btc + rng.normal(0, 0.003, n)
        b[s] = bars(r, rng.lognormal(0, 0.2, n) * 1000, 10.0 * (k + 1))
    if gap is not None:
        s, i0, i1 = gap
        b[s] = b[s].drop(b[s].index[i0:i1])
    md = assemble(b, {s: "perp" for s in b}, {}, symbol_order=("BTC",) + ALTS)
    return md, idx[planted]


@pytest.fixture(scope="module")
def planted():
    md, events = make_cascade_market()
    return md, compute_features(md), events


def test_detection_and_trades_at_exactly_the_planted_events(planted):
    md, feats, events = planted
    raw = detect_cascades(feats, "volume_only", 0)
    assert len(raw) == len(events) + 1           # the close pair is detected ...
    entries = cascade_entries(feats)             # ... and merged away by the 48 h rule
    assert entries.equals(events)
    book = build_trades(md, entries)
    assert book.entries.equals(events)
    assert (book.trades["exit"] == events + pd.Timedelta(hours=48)).all()
    assert (book.trades["n_alts"] == len(ALTS)).all()


def test_trade_returns_are_close_to_close_with_costs(planted):
    md, feats, events = planted
    book = build_trades(md, cascade_entries(feats))
    t0 = events[3]
    c = md.close
    btc = c.loc[t0 + pd.Timedelta(hours=48), "BTC"] / c.loc[t0, "BTC"] - 1
    alts = (c.loc[t0 + pd.Timedelta(hours=48), list(ALTS)] / c.loc[t0, list(ALTS)] - 1).mean()
    row = book.trades.loc[t0]
    cost = COST_BPS / 1e4
    assert row["btc_gross"] == pytest.approx(btc, rel=1e-12)
    assert row["alt_long"] == pytest.approx(alts - cost, rel=1e-12)
    assert row["btc_fade"] == pytest.approx(btc - cost, rel=1e-12)
    assert row["market_neutral"] == pytest.approx(alts - btc - 2 * cost, rel=1e-12)
    # long/short pays both legs
    assert row["long_short"] == pytest.approx(row["hardest_gross"] - row["least_gross"] - 2 * cost)


def test_hardest_hit_quintile_is_the_alt_that_fell_most(planted):
    md, feats, events = planted
    book = build_trades(md, cascade_entries(feats))
    t0 = events[5]
    r1 = md.returns(1).loc[t0]
    hardest = (r1["BTC"] - r1[list(ALTS)]).idxmax()   # ceil(4/5) = 1 alt per quintile
    gross = md.close.loc[t0 + pd.Timedelta(hours=48), hardest] / md.close.loc[t0, hardest] - 1
    assert book.trades.loc[t0, "hardest_gross"] == pytest.approx(gross, rel=1e-12)


def test_alt_with_a_gap_during_the_hold_is_excluded():
    md, events = make_cascade_market(n_events=5, gap=("SOL", 300 + 100 + 20, 300 + 100 + 22))
    book = build_trades(md, cascade_entries(compute_features(md)))
    t_gap = events[1]
    assert book.trades.loc[t_gap, "n_alts"] == len(ALTS) - 1
    assert book.excluded.loc[t_gap] == 1
    assert np.isnan(book.alt_gross_panel.loc[t_gap, "SOL"])
    assert book.trades.drop(t_gap)["n_alts"].eq(len(ALTS)).all()


def test_fade_grid_has_72_combinations_and_hourly_pnl_books_costs():
    assert len(fade_grid()) == 72
    idx = pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC")
    r = pd.Series(0.01, index=idx)
    pnl = fade_hourly_pnl(r, [idx[2]], hold=5, cost_bps=30)
    assert (pnl.iloc[3:8] != 0).all() and pnl.iloc[:3].eq(0).all() and pnl.iloc[8:].eq(0).all()
    assert pnl.sum() == pytest.approx(5 * 0.01 - 0.003)
