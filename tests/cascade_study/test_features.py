"""Features: causality (no look-ahead), hand computations, funding timing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cascade_study.features import FEATURE_DESCRIPTIONS, compute_features, latest_rates


def test_29_named_features(synthetic_market):
    f = compute_features(synthetic_market)
    assert f.shape[1] == 29 and list(f.columns) == list(FEATURE_DESCRIPTIONS)
    assert f.index.equals(synthetic_market.index)
    assert all(isinstance(v, str) and v for v in FEATURE_DESCRIPTIONS.values())
    # after warm-up (Hyperliquid from hour 240 + 168) every feature is populated on the synthetic panel
    late = f.iloc[420:]
    assert late.notna().all().all(), late.columns[late.isna().any()].tolist()


def _assert_prefix_equal(full: pd.DataFrame, trunc: pd.DataFrame):
    assert trunc.index.equals(full.index[: len(trunc)])
    np.testing.assert_array_equal(trunc.to_numpy(), full.iloc[: len(trunc)].to_numpy())


@pytest.mark.parametrize("cut", [170, 333, 500, 719])
def test_no_lookahead_synthetic(synthetic_market, cut):
    md = synthetic_market
    full = compute_features(md)
    t = md.index[cut]
    trunc = compute_features(md.slice(None, t))
    _assert_prefix_equal(full, trunc)


def test_lookahead_would_be_detected(synthetic_market):
    """The check above can fail: changing data after t changes a centered statistic."""
    md = synthetic_market
    close = md.close["BTC"]
    centered = close.rolling(5, center=True).mean()
    trunc = md.slice(None, md.index[300]).close["BTC"].rolling(5, center=True).mean()
    assert not np.array_equal(centered.iloc[:301].to_numpy(), trunc.to_numpy(), equal_nan=True)


def test_no_lookahead_bundled(bundled_market):
    # Feb-Jun 2025: Binance + Bybit + Hyperliquid funding, UNI gap, all 15 perps
    md = bundled_market.slice("2025-02-01", "2025-06-30 23:00")
    full = compute_features(md)
    assert full["funding_xex_gap"].notna().sum() > 2000
    for t in ["2025-03-10 08:00", "2025-04-07 15:00", "2025-05-22 00:00"]:
        _assert_prefix_equal(full, compute_features(md.slice(None, t)))


def test_volume_ratio_excludes_current_hour(synthetic_market):
    md = synthetic_market
    f = compute_features(md)
    v = md.volume["BTC"].to_numpy()
    for i in (24, 100, 555):
        assert f["btc_vol_ratio"].iloc[i] == pytest.approx(v[i] / v[i - 24:i].mean(), rel=1e-12)
    assert np.isnan(f["btc_vol_ratio"].iloc[23])  # needs 24 previous hours
    # alt median ratio, by hand
    i = 300
    ratios = [md.volume[s].iloc[i] / md.volume[s].iloc[i - 24:i].mean() for s in md.alts]
    assert f["alt_vol_ratio"].iloc[i] == pytest.approx(np.median(ratios), rel=1e-12)


def test_funding_timing_and_staleness(synthetic_market):
    md = synthetic_market
    fb = md.funding["binance"]
    lat = latest_rates(fb, md.index, md.symbols, max_stale_hours=24)
    first = fb["BTC"].dropna().index[1]  # e.g. 2024-01-01 08:00:00.004
    h = first.floor("h")
    assert lat.loc[h, "BTC"] == fb.loc[first, "BTC"]  # known at the close of the 08:00 bar
    assert lat.loc[h - pd.Timedelta(hours=1), "BTC"] == fb["BTC"].dropna().iloc[0]
    # a symbol whose settlements stop is NaN once the last rate is > 24 h old
    cut = fb.copy()
    cut.loc[cut.index > md.index[100], "ETH"] = np.nan
    last = cut["ETH"].dropna().index[-1].floor("h")
    lat2 = latest_rates(cut, md.index, md.symbols, max_stale_hours=24)
    assert lat2.loc[last + pd.Timedelta(hours=24), "ETH"] == cut["ETH"].dropna().iloc[-1]
    assert np.isnan(lat2.loc[last + pd.Timedelta(hours=25), "ETH"])


def _hand_funding_agg(md, max_stale=24):
    """Loop implementation of the volume-weighted latest-funding aggregate."""
    fb = md.funding["binance"]
    close, vol = md.close.to_numpy(), md.volume.to_numpy()
    out = np.full(len(md.index), np.nan)
    for i, t in enumerate(md.index):
        num = den = 0.0
        for j, s in enumerate(md.symbols):
            ser = fb[s].dropna()
            known = ser[ser.index.floor("h") <= t]
            if known.empty or (t - known.index[-1].floor("h")) > pd.Timedelta(hours=max_stale):
                continue
            if i < 23:
                continue
            w = np.sum(close[i - 23:i + 1, j] * vol[i - 23:i + 1, j])
            if not np.isfinite(w) or w <= 0:
                continue
            num += w * known.iloc[-1]
            den += w
        out[i] = num / den if den > 0 else np.nan
    return out


def test_fr_z_hand_computation(synth):
    md = synth.make_market(n=120, symbols=("BTC", "ETH", "SOL"), seed=7, gaps={"SOL": [(40, 50)]})
    f = compute_features(md, z_window=10)
    agg = _hand_funding_agg(md)
    np.testing.assert_allclose(f["funding_agg"].to_numpy(), agg, rtol=1e-12, equal_nan=True)
    z = np.full(len(agg), np.nan)
    for i in range(9, len(agg)):
        w = agg[i - 9:i + 1]
        if np.isfinite(w).all():
            z[i] = (agg[i] - w.mean()) / w.std(ddof=1)
    got = f["fr_z"].to_numpy()
    np.testing.assert_allclose(got, z, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.isfinite(got).sum() > 80


def test_cross_exchange_gap_hyperliquid_times_8(synth):
    md = synth.make_market(n=200, symbols=("BTC", "ETH"), seed=3, bybit=False, hl_from=50)
    f = compute_features(md)
    t = md.index[150]
    lat = lambda ex: latest_rates(md.funding[ex], md.index, md.symbols, 24).loc[t]
    b, hl = lat("binance"), lat("hyperliquid")
    assert f.loc[t, "funding_xex_gap"] == pytest.approx(np.mean(b - 8 * hl), rel=1e-12)
    assert f["funding_xex_gap"].iloc[:50].isna().all()  # no Bybit/Hyperliquid yet -> NaN


def test_cfi_is_mean_of_available_components(synthetic_market):
    from cascade_study.features import _zscore
    f = compute_features(synthetic_market)
    comps = pd.concat([f["fr_z"], f["funding_disp_z"], f["funding_xex_gap_absz"],
                       _zscore(f["btc_vol_ratio"], 168), _zscore(f["btc_rv_24h"], 168)], axis=1)
    np.testing.assert_allclose(f["cfi"], comps.mean(axis=1), equal_nan=True)
    i = 200  # before the cross-exchange z is available: 4 components
    assert np.isnan(comps.iloc[i, 2]) and f["cfi"].iloc[i] == pytest.approx(comps.iloc[i].dropna().mean())


def test_bundled_features_sane(bundled_market):
    f = compute_features(bundled_market)
    # the 2025-10-10 cascade: a large BTC drop with heavy volume
    day = f.loc["2025-10-10 20:00":"2025-10-10 22:00"]
    assert day["btc_ret_1h"].min() < -0.02 and day["btc_vol_ratio"].max() > 3
    breadth = f["alt_breadth_down"].dropna()
    assert len(breadth) > 0.9 * len(f) and breadth.between(0, 1).all()
    assert not np.isinf(f.to_numpy()).any()
