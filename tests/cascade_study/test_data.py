"""Data layer: Binance Vision / shared / bundled loaders, MarketData semantics, errors."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cascade_study.data import DataError, load_binance_vision, load_bundled, load_market_data, load_shared
from cascade_study.data.download import funding_url, kline_url, months
from cascade_study.data.loaders import BUNDLE_DIR, KLINE_COLS

SHARED_DATA = Path(__file__).parents[2].parent / "shared" / "data"

H = 3_600_000


# ---------------------------------------------------------------------------- vision tree helpers
def _kline_rows(bars: pd.DataFrame, unit="ms") -> pd.DataFrame:
    ms = bars.index.as_unit("ns").asi8 // 10**6
    t = ms * 1000 if unit == "us" else ms
    df = pd.DataFrame({"open_time": t, **{c: bars[c].to_numpy() for c in
                                          ("open", "high", "low", "close", "volume")}})
    df["close_time"] = t + (H * (1000 if unit == "us" else 1)) - 1
    df["quote_volume"] = (bars["close"] * bars["volume"]).round(4).to_numpy()
    df["count"] = 10
    df["taker_buy_volume"] = (bars["volume"] / 2).round(3).to_numpy()
    df["taker_buy_quote_volume"] = 1.0
    df["ignore"] = 0
    return df[KLINE_COLS]


def _write(path: Path, df: pd.DataFrame, header=True, zipped=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = df.to_csv(index=False, header=header)
    if zipped:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(path.with_suffix(".csv").name, text)
    else:
        path.write_text(text)


@pytest.fixture
def vision_tree(tmp_path, synth):
    """BTC: Jan zip with header, Feb zip without header, a Feb-29 daily csv overlapping Feb
    (identical), a Mar-01 daily csv with µs timestamps; funding zips; ETH monthly csv."""
    make_bars = synth.make_bars
    root = tmp_path / "data"
    kdir = root / "futures/um/monthly/klines/BTCUSDT/1h"
    ddir = root / "futures/um/daily/klines/BTCUSDT/1h"
    bars = make_bars(24 * 61, start="2024-01-01", seed=1)  # Jan + Feb 2024 (29 days) + Mar 1
    jan, feb = bars.loc["2024-01"], bars.loc["2024-02"]
    mar1 = bars.loc["2024-03-01"]
    _write(kdir / "BTCUSDT-1h-2024-01.zip", _kline_rows(jan), header=True)
    _write(kdir / "BTCUSDT-1h-2024-02.zip", _kline_rows(feb), header=False)
    _write(ddir / "BTCUSDT-1h-2024-02-29.csv", _kline_rows(feb.loc["2024-02-29"]), zipped=False)
    _write(ddir / "BTCUSDT-1h-2024-03-01.csv", _kline_rows(mar1, unit="us"), zipped=False)
    ebars = make_bars(24 * 31, start="2024-01-01", seed=2)
    _write(root / "futures/um/monthly/klines/ETHUSDT/1h/ETHUSDT-1h-2024-01.csv", _kline_rows(ebars),
           zipped=False)
    fdir = root / "futures/um/monthly/fundingRate/BTCUSDT"
    st = pd.date_range("2024-01-01", "2024-01-31 16:00", freq="8h", tz="UTC")
    rates = np.round(np.linspace(-1e-4, 3e-4, len(st)), 8)
    fund = pd.DataFrame({"calc_time": st.as_unit("ns").asi8 // 10**6 + 3,
                         "funding_interval_hours": 8, "last_funding_rate": rates})
    _write(fdir / "BTCUSDT-fundingRate-2024-01.zip", fund)
    full = bars.loc[: "2024-03-01 23:00"]
    return dict(root=tmp_path, btc=full, eth=ebars, fund=pd.Series(rates, index=st + pd.Timedelta(milliseconds=3)))


def test_vision_tree_loads_expected_panels(vision_tree):
    md = load_binance_vision(vision_tree["root"])  # lenient root: holds data/futures/...
    assert md.symbols == ["BTC", "ETH"]
    assert dict(md.market) == {"BTC": "perp", "ETH": "perp"}
    exp = vision_tree["btc"]
    for c in ("open", "high", "low", "close", "volume"):
        got = getattr(md, c)["BTC"].dropna()
        assert got.index.equals(exp.index)
        np.testing.assert_array_equal(got.to_numpy(), exp[c].to_numpy())
        np.testing.assert_array_equal(getattr(md, c)["ETH"].dropna().to_numpy(),
                                      vision_tree["eth"][c].to_numpy())
    # ETH ends on Jan 31: NaN afterwards, never forward filled
    assert md.close["ETH"].loc["2024-02-01":].isna().all()
    f = md.funding["binance"]["BTC"].dropna()
    pd.testing.assert_series_equal(f, vision_tree["fund"], check_names=False, check_freq=False,
                                   check_index_type=False)
    assert md.meta["duplicate_conflicts"] == {"BTC": 0, "ETH": 0}


@pytest.mark.parametrize("sub", ["data", "data/futures/um/monthly/klines/BTCUSDT/1h"])
def test_vision_root_is_lenient(vision_tree, sub):
    md = load_market_data(vision_tree["root"] / sub)
    assert "BTC" in md.symbols and md.meta["layout"] == "binance_vision"


def test_duplicate_hours_later_file_wins_and_is_counted(vision_tree):
    root = vision_tree["root"]
    bars = vision_tree["btc"].loc["2024-02-29"].copy()
    bars.loc[bars.index[5], "close"] += 1.0  # daily file revises one candle
    _write(root / "data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-02-29.csv",
           _kline_rows(bars), zipped=False)
    md = load_binance_vision(root)
    assert md.meta["duplicate_conflicts"]["BTC"] == 1
    assert md.close["BTC"].loc[bars.index[5]] == bars["close"].iloc[5]


def test_corrupt_zip_names_file(vision_tree):
    bad = vision_tree["root"] / "data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(DataError, match=r"BTCUSDT-1h-2024-01\.zip.*corrupt zip"):
        load_binance_vision(vision_tree["root"])


def test_missing_column_names_file(tmp_path, synth):
    make_bars = synth.make_bars
    df = _kline_rows(make_bars(24)).drop(columns=["close"])
    p = tmp_path / "BTCUSDT-1h-2024-01.csv"
    _write(p, df, zipped=False)
    with pytest.raises(DataError, match=r"BTCUSDT-1h-2024-01\.csv.*missing column.*close"):
        load_binance_vision(tmp_path)


def test_unparsable_and_non_hourly(tmp_path, synth):
    make_bars = synth.make_bars
    df = _kline_rows(make_bars(24))
    df.loc[3, "open_time"] += 60_000  # 1 minute off the hour
    _write(tmp_path / "BTCUSDT-1h-2024-01.csv", df, zipped=False)
    with pytest.raises(DataError, match=r"BTCUSDT-1h-2024-01\.csv.*non-hourly"):
        load_binance_vision(tmp_path)
    df = _kline_rows(make_bars(24)).astype({"high": object})
    df.loc[2, "high"] = "abc"
    _write(tmp_path / "BTCUSDT-1h-2024-01.csv", df, zipped=False)
    with pytest.raises(DataError, match=r"BTCUSDT-1h-2024-01\.csv.*non-numeric.*high"):
        load_binance_vision(tmp_path)


def test_empty_dir_and_missing_symbol(tmp_path, vision_tree):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match=r"empty.*no data.binance.vision"):
        load_market_data(empty)
    with pytest.raises(DataError, match=r"no 1h kline files found for \['SOL'\]"):
        load_binance_vision(vision_tree["root"], symbols=["BTC", "SOL"])
    with pytest.raises(DataError, match="does not exist"):
        load_market_data(tmp_path / "nope")


def test_shared_layout_small(tmp_path, synth):
    make_bars = synth.make_bars
    """A two-symbol ../shared/data-style directory (gz CSV with src column)."""
    kl, fu = tmp_path / "klines_1h", tmp_path / "funding"
    kl.mkdir(), fu.mkdir()
    b = make_bars(48, seed=3)
    df = b.copy()
    df.insert(0, "open_time", b.index.strftime("%Y-%m-%dT%H:%M:%SZ"))
    df["src"] = "R"
    with gzip.open(kl / "BTCUSDT_1h_perp.csv.gz", "wt") as fh:
        df.to_csv(fh, index=False)
    with gzip.open(fu / "BTC_funding_hyperliquid.csv.gz", "wt") as fh:
        fh.write("funding_time,funding_rate\n2024-01-01T05:00:00Z,1.2500000000000006e-05\n")
    md = load_market_data(tmp_path, symbols=["BTC"])
    np.testing.assert_array_equal(md.close["BTC"].to_numpy(), b["close"].to_numpy())
    assert md.funding["hyperliquid"]["BTC"].iloc[0] == 1.2500000000000006e-05
    with pytest.raises(DataError, match=r"klines_1h.*no kline file for \['ETH'\]"):
        load_shared(tmp_path, symbols=["BTC", "ETH"])
    with gzip.open(kl / "BTCUSDT_1h_perp.csv.gz", "wt") as fh:
        df.drop(columns=["volume"]).to_csv(fh, index=False)
    with pytest.raises(DataError, match=r"BTCUSDT_1h_perp\.csv\.gz.*missing column.*volume"):
        load_shared(tmp_path, symbols=["BTC"])


# ---------------------------------------------------------------------------- MarketData
def test_gaps_stay_nan_and_returns_never_cross(gappy_market):
    md = gappy_market
    uni = md.close["UNI"]
    assert uni.iloc[100:110].isna().all() and np.isnan(uni.iloc[200])
    r1, r4 = md.returns(1)["UNI"], md.returns(4)["UNI"]
    assert r1.iloc[100:111].isna().all() and r1.iloc[[200, 201]].isna().all()
    assert np.isfinite(r1.iloc[111]) and np.isfinite(r1.iloc[202])
    # a 4h return is NaN whenever any hour of its window is missing, even if both ends exist
    assert r4.iloc[100:114].isna().all() and r4.iloc[200:205].isna().all()
    assert r4.iloc[114] == pytest.approx(uni.iloc[114] / uni.iloc[110] - 1, abs=0)
    rep = md.gap_report()
    assert rep.loc["UNI", "missing_hours"] == 11 and rep.loc["UNI", "gaps"] == 2
    assert rep.loc["UNI", "returns_excluded"] == 13  # 11 missing + first bar after each gap
    assert rep.loc["BTC", "missing_hours"] == 0 and rep.loc["BTC", "returns_excluded"] == 0


def test_marketdata_accessors(synthetic_market):
    md = synthetic_market
    assert md.symbols == ["BTC", "ETH", "SOL", "FTM"] and md.alts == ["ETH", "SOL", "FTM"]
    assert md.market["FTM"] == "spot"
    with pytest.raises(dataclasses.FrozenInstanceError):
        md.close = md.open
    with pytest.raises(TypeError):
        md.market["BTC"] = "spot"
    s = md.slice("2024-01-05", "2024-01-10 23:00")
    assert s.index[0] == pd.Timestamp("2024-01-05", tz="UTC") and len(s.index) == 6 * 24
    f = s.funding["binance"]
    assert f.index.min() >= s.index[0] and f.index.max() < s.index[-1] + pd.Timedelta(hours=1)
    with pytest.raises(ValueError):
        md.returns(0)


# ---------------------------------------------------------------------------- bundle
def test_bundle_loads_complete():
    md = load_bundled()
    assert len(md.symbols) == 16 and md.market["FTM"] == "spot"
    assert set(md.funding) == {"binance", "bybit", "hyperliquid"}
    size = sum(p.stat().st_size for p in BUNDLE_DIR.iterdir())
    assert size < 12e6
    # spot checks from ../shared/data/README.md
    assert md.close.loc["2021-01-01 00:00", "BTC"] == 29015.0
    assert md.low.loc["2021-05-19 13:00", "BTC"] == 28688.0
    assert md.low.loc["2025-10-10 21:00", "BTC"] == 101516.5
    rep = md.gap_report()
    assert rep.loc["UNI", "missing_hours"] == 9436  # README summary table: 2 gaps / 9436 h
    assert rep.loc["FTM", "missing_hours"] == 71


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data not present")
def test_bundle_round_trips_exactly_against_shared_data():
    from cascade_study.data.build_bundle import verify
    from cascade_study.data.loaders import detect_layout
    assert detect_layout(SHARED_DATA) == "shared"
    verify(SHARED_DATA)  # raises AssertionError on any bit difference
    manifest = json.loads((BUNDLE_DIR / "MANIFEST.json").read_text())
    for entry in manifest["files"]:
        src = SHARED_DATA / entry["source_file"]
        assert hashlib.sha256(src.read_bytes()).hexdigest() == entry["sha256"], src
    for name, info in manifest["bundle_files"].items():
        assert hashlib.sha256((BUNDLE_DIR / name).read_bytes()).hexdigest() == info["sha256"]


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data not present")
@pytest.mark.parametrize("name", ["klines_1h/FTMUSDT_1h_spot.csv.gz", "funding/BTC_funding_hyperliquid.csv.gz"])
def test_bundle_equals_python_float_parse(bundled_market, name):
    """Independent of pandas' CSV parser: bundled values == Python float() of the source text."""
    import csv
    with gzip.open(SHARED_DATA / name, "rt") as fh:
        rows = list(csv.DictReader(fh))
    if name.startswith("klines"):
        got = bundled_market.close["FTM"].dropna().to_numpy()
        exp = np.array([float(r["close"]) for r in rows])
        np.testing.assert_array_equal(bundled_market.volume["FTM"].dropna().to_numpy(),
                                      np.array([float(r["volume"]) for r in rows]))
    else:
        got = bundled_market.funding["hyperliquid"]["BTC"].dropna().to_numpy()
        exp = np.array([float(r["funding_rate"]) for r in rows])
    np.testing.assert_array_equal(got, exp)


def test_download_urls():
    assert kline_url("BTC", 2021, 5) == ("https://data.binance.vision/data/futures/um/monthly/"
                                         "klines/BTCUSDT/1h/BTCUSDT-1h-2021-05.zip")
    assert funding_url("ETHUSDT", 2022, 11) == ("https://data.binance.vision/data/futures/um/monthly/"
                                                "fundingRate/ETHUSDT/ETHUSDT-fundingRate-2022-11.zip")
    assert months("2021-11-15", "2022-02-01") == [(2021, 11), (2021, 12), (2022, 1), (2022, 2)]


def test_a_hole_in_funding_is_reported():
    """A month's funding file missing from a download (helper-22) thinned the funding features silently."""
    from cascade_study.data.loaders import funding_warnings

    hours = pd.date_range("2021-01-01", periods=24 * 90, freq="h", tz="UTC")
    bars = {"BTC": pd.DataFrame({"close": 1.0}, index=hours)}
    settle = pd.date_range("2021-01-01", periods=3 * 90, freq="8h", tz="UTC")
    full = pd.Series(1e-4, index=settle)
    assert funding_warnings(bars, {"BTC": full}, {}) == []
    holed = full[(settle < "2021-02-01") | (settle >= "2021-03-01")]
    (msg,) = funding_warnings(bars, {"BTC": holed}, {})
    assert msg.startswith("BTC: Binance funding has 1 gap(s) longer than 3 days") and "2021-01-31 .. 2021-03-01" in msg
