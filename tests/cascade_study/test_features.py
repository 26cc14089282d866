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


# --------------------------------------------------------------------------- funding interval (0.2 fix)
def _two_hour_market(synth):
    """BTC/ETH/SOL, Binance funding every 8 h, except SOL settles every 2 h (rate per 2 h) from hour 96 on,
    as SOL did in November 2022."""
    md = synth.make_market(n=200, symbols=("BTC", "ETH", "SOL"), seed=5, bybit=False, hl_from=10_000)
    fb = md.funding["binance"].copy()
    t0 = md.index[0]
    extra = pd.date_range(t0 + pd.Timedelta(hours=96), t0 + pd.Timedelta(hours=200), freq="2h")
    extra = extra + pd.Timedelta(milliseconds=7)
    sol = pd.concat([fb["SOL"].dropna().loc[: t0 + pd.Timedelta(hours=95)],
                     pd.Series(np.linspace(-4e-4, 4e-4, len(extra)), index=extra)])
    fb = fb.drop(columns="SOL").join(sol.rename("SOL"), how="outer")
    from dataclasses import replace
    return replace(md, funding={**md.funding, "binance": fb})


def test_settlement_hours_from_the_spacing():
    from cascade_study.features import settlement_hours

    t = pd.to_datetime(["2022-11-09 16:00:00.004", "2022-11-09 20:00:00.01", "2022-11-10 00:00", "2022-11-10 02:00",
                        "2022-11-10 04:00:00.3", "2022-11-10 12:00", "2022-12-20 00:00"], utc=True, format="ISO8601")
    h = settlement_hours(pd.Series(1e-4, index=t))
    assert h.tolist() == [8, 4, 4, 2, 2, 8, 8]          # first = 8; a 40-day hole is a gap, not an interval


def test_two_hour_settlements_enter_on_the_8h_scale(synth):
    """0.1 used a 2 h rate as if it were an 8 h rate (4x too small); 0.2 rescales it by 8 / 2."""
    from cascade_study.features import aggregate_funding, funding_per_8h

    md = _two_hour_market(synth)
    raw = md.funding["binance"]
    scaled = funding_per_8h(raw)
    t_two = raw["SOL"].dropna().index[raw["SOL"].dropna().index > md.index[100]][0]
    assert scaled.loc[t_two, "SOL"] == pytest.approx(4 * raw.loc[t_two, "SOL"], rel=1e-15)
    np.testing.assert_array_equal(scaled["BTC"].to_numpy(), raw["BTC"].to_numpy())  # 8 h rates untouched
    f = compute_features(md)
    lat = latest_rates(raw, md.index, md.symbols, 24)
    t = t_two.floor("h")
    assert f.loc[t, "funding_btc"] == lat.loc[t, "BTC"]
    # the aggregate weighs SOL's 8 h-equivalent rate, not the raw 2 h rate
    agg, fb = aggregate_funding(md)
    assert fb.loc[t, "SOL"] == pytest.approx(4 * raw.loc[t_two, "SOL"], rel=1e-15)
    assert f.loc[t, "funding_agg"] == agg.loc[t]
    old, _ = aggregate_funding(md, rescale=False)
    assert old.loc[t] != pytest.approx(agg.loc[t], rel=1e-6)
    np.testing.assert_array_equal(agg.iloc[:96].to_numpy(), old.iloc[:96].to_numpy())  # identical before


def test_interval_rule_reproduces_the_archive_interval_column(synth):
    """On the staged SOL archive (funding_interval_hours column) the spacing rule agrees on every settlement
    but the one where Binance switched the interval between two settlements (2022-11-10 04:00, 4 h accrued)."""
    from cascade_study.features import settlement_hours

    path = synth.shared_data / "funding" / "SOLUSDT_funding_binance.csv.gz"
    if not path.exists():
        pytest.skip(f"{path} not present (only the bundled copy is shipped, without the interval column)")
    df = pd.read_csv(path)
    idx = pd.DatetimeIndex(pd.to_datetime(df["funding_time_ms"], unit="ms", utc=True))
    h = settlement_hours(pd.Series(df["funding_rate"].to_numpy(), index=idx)).to_numpy()
    stated = df["funding_interval_hours"].to_numpy()
    differ = idx[h != stated]
    assert (stated != 8).sum() == 101
    assert list(differ.strftime("%Y-%m-%d %H:%M")) == ["2022-11-10 04:00"]
