"""Trade construction on a synthetic panel with planted cascades and a planted alt beta."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cascade_study.cascades import detect_cascades
from cascade_study.data.market import assemble
from cascade_study.features import compute_features
from cascade_study.strategies import (
    COST_BPS,
    VARIANTS,
    build_trades,
    cascade_entries,
    fade_grid,
    fade_hourly_pnl,
    leg_returns,
)

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


def test_alt_with_a_gap_during_the_hold_is_closed_at_the_last_price_before_the_gap():
    """0.2 rule (EXIT_RULE): a member at entry stays in the basket; its leg is closed at the last close before
    the gap. 0.1 dropped the leg (basket chosen with future data): n_alts was 3 and the alt NaN."""
    i0, i1 = 300 + 100 + 20, 300 + 100 + 22             # SOL bars 20 and 21 h after the second event missing
    md, events = make_cascade_market(n_events=5, gap=("SOL", i0, i1))
    book = build_trades(md, cascade_entries(compute_features(md)))
    t_gap = events[1]
    assert book.trades.loc[t_gap, "n_alts"] == len(ALTS)
    assert book.closed_early.loc[t_gap, "SOL"] and book.legs_closed_early.loc[t_gap] == 1
    last = t_gap + pd.Timedelta(hours=19)                # the last SOL bar before the gap
    want = md.close.loc[last, "SOL"] / md.close.loc[t_gap, "SOL"] - 1
    assert book.alt_gross_panel.loc[t_gap, "SOL"] == pytest.approx(want, rel=1e-12)
    others = [a for a in ALTS if a != "SOL"]
    full = (md.close.loc[t_gap + pd.Timedelta(hours=48), others] / md.close.loc[t_gap, others] - 1)
    assert book.trades.loc[t_gap, "alt_gross"] == pytest.approx((full.sum() + want) / len(ALTS), rel=1e-12)
    assert book.trades.drop(t_gap)["n_alts"].eq(len(ALTS)).all()
    assert book.legs_closed_early.drop(t_gap).eq(0).all()


def test_gap_right_after_entry_closes_the_leg_flat():
    md, events = make_cascade_market(n_events=5, gap=("ETH", 400 + 1, 400 + 5))
    book = build_trades(md, cascade_entries(compute_features(md)))
    t0 = events[1]
    assert book.closed_early.loc[t0, "ETH"] and book.alt_gross_panel.loc[t0, "ETH"] == 0.0


def test_basket_membership_does_not_depend_on_data_after_entry():
    """Deleting an alt's bars after the entry (delisting during the trade) must not change who is in the
    basket at that entry — 0.1 failed this (it required a complete path to the exit)."""
    md, events = make_cascade_market(n_events=5)
    t0 = events[2]
    cut = md.close.index.get_loc(t0)
    gone, _ = make_cascade_market(n_events=5, gap=("XRP", cut + 1, len(md.index)))  # XRP ends at the entry
    book = build_trades(gone, cascade_entries(compute_features(gone)))
    assert book.trades.loc[t0, "n_alts"] == len(ALTS)
    assert book.alt_gross_panel.loc[t0, "XRP"] == 0.0   # closed at its last price, the entry price
    assert book.trades.loc[t0, "signal"] == t0
    # an alt without a bar AT the entry is not a member
    assert np.isnan(book.alt_gross_panel.loc[events[3], "XRP"])
    assert book.trades.loc[events[3], "n_alts"] == len(ALTS) - 1


def test_leg_returns_equal_event_trades_on_complete_paths(planted):
    from alphacheck import event_trades

    md, _feats, events = planted
    legs = leg_returns(md, events, 48)
    ref = event_trades(md.close, events, hold=48, overlap="allow")
    wide = ref.pivot(index="entry_time", columns="asset", values="gross_return")
    np.testing.assert_array_equal(legs.gross[wide.columns].loc[wide.index].to_numpy(), wide.to_numpy())
    assert not legs.closed_early.to_numpy().any()
    assert (legs.exit_time["BTC"] == events + pd.Timedelta(hours=48)).all()


def test_entry_delay_enters_later_and_keeps_the_signal(planted):
    md, _feats, events = planted
    book = build_trades(md, events, delay=2)
    assert (book.entries == events + pd.Timedelta(hours=2)).all()
    assert (pd.DatetimeIndex(book.trades["signal"]) == events).all()
    t0 = events[4] + pd.Timedelta(hours=2)
    want = md.close.loc[t0 + pd.Timedelta(hours=48), "BTC"] / md.close.loc[t0, "BTC"] - 1
    assert book.trades.loc[t0, "btc_gross"] == pytest.approx(want, rel=1e-12)
    # the overshoot is still measured on the cascade bar
    r1 = md.returns(1).loc[events[4]]
    assert book.overshoot.loc[t0, "ETH"] == pytest.approx(r1["BTC"] - r1["ETH"], rel=1e-12)


def test_with_cost_recomputes_every_net_variant(planted):
    md, _feats, events = planted
    book = build_trades(md, events)
    cheap = book.with_cost(10.0)
    assert cheap.cost_bps == 10.0
    diff = (cheap.trades[list(VARIANTS)] - book.trades[list(VARIANTS)]).iloc[0]
    assert diff["alt_long"] == pytest.approx(0.002) and diff["market_neutral"] == pytest.approx(0.004)
    assert diff["long_short"] == pytest.approx(0.004) and diff["btc_fade"] == pytest.approx(0.002)
    assert build_trades(md, events, cost_bps=10.0).trades.equals(cheap.trades)


def test_vectorised_quintile_mean_matches_a_loop():
    from cascade_study.strategies import _quintile_mean

    rng = np.random.default_rng(4)
    v = pd.DataFrame(rng.normal(size=(40, 9)))
    sc = pd.DataFrame(rng.normal(size=(40, 9)))
    v[v > 1.2] = np.nan
    sc[sc < -1.3] = np.nan
    for hardest in (True, False):
        got = _quintile_mean(v, sc, hardest, 0.2)
        for t in v.index:
            ok = v.loc[t].notna() & sc.loc[t].notna()
            k = max(1, math.ceil(0.2 * ok.sum()))
            ranked = sc.loc[t][ok].sort_values(ascending=not hardest)
            assert got.loc[t] == pytest.approx(v.loc[t, ranked.index[:k]].mean(), rel=1e-12)


def test_fade_grid_has_72_combinations_and_hourly_pnl_books_costs():
    assert len(fade_grid()) == 72
    idx = pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC")
    r = pd.Series(0.01, index=idx)
    pnl = fade_hourly_pnl(r, [idx[2]], hold=5, cost_bps=30)
    assert (pnl.iloc[3:8] != 0).all() and pnl.iloc[:3].eq(0).all() and pnl.iloc[8:].eq(0).all()
    assert pnl.sum() == pytest.approx(5 * 0.01 - 0.003)
