"""Cascade detection at the four levels, and the one-trade-at-a-time merging rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cascade_study.cascades import CASCADE_LEVELS, cascade_counts, detect_cascades, merge_events
from cascade_study.features import compute_features


def test_levels_match_seed():
    assert list(CASCADE_LEVELS) == ["strict", "medium", "loose", "volume_only"]
    got = {k: (v.max_return, v.min_volume_ratio, v.min_funding_z, v.seed_count)
           for k, v in CASCADE_LEVELS.items()}
    assert got == {"strict": (-0.03, 3.0, 2.0, 4), "medium": (-0.02, 2.0, 1.5, 15),
                   "loose": (-0.02, 1.5, 1.0, 36), "volume_only": (-0.03, 2.0, None, 84)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        CASCADE_LEVELS["strict"].max_return = -0.5


@pytest.fixture
def planted():
    """Quiet hours plus planted (ret, vol_ratio, fr_z) rows with known level membership."""
    idx = pd.date_range("2024-01-01", periods=500, freq="h", tz="UTC")
    f = pd.DataFrame({"btc_ret_1h": 0.001, "btc_vol_ratio": 1.0, "fr_z": 0.0}, index=idx)
    plants = {
        10: (-0.035, 3.5, 2.5),    # strict, medium, loose, volume_only
        60: (-0.025, 2.5, 1.8),    # medium, loose
        110: (-0.021, 1.6, 1.1),   # loose only
        160: (-0.040, 2.2, -1.0),  # volume_only only (no funding stress)
        210: (-0.040, 2.2, np.nan),  # volume_only only (funding z unknown)
        260: (-0.030, 3.5, 2.5),   # boundary: ret == -3% is not < -3% -> medium, loose
        310: (-0.050, 3.0, 2.5),   # boundary: vol == 3 is not > 3 -> medium, loose, volume_only
        360: (-0.050, 1.4, 5.0),   # volume too low for every level
        361: (np.nan, 9.0, 9.0),   # NaN return never triggers
    }
    for i, row in plants.items():
        f.iloc[i] = row
    exp = {"strict": [10], "medium": [10, 60, 260, 310], "loose": [10, 60, 110, 260, 310],
           "volume_only": [10, 160, 210, 310]}
    return f, {k: idx[v] for k, v in exp.items()}


@pytest.mark.parametrize("level", list(CASCADE_LEVELS))
def test_detects_exactly_the_planted_events(planted, level):
    f, exp = planted
    got = detect_cascades(f, level)
    assert got.equals(exp[level]), (level, got)
    assert detect_cascades(f, CASCADE_LEVELS[level]).equals(got)  # level object accepted


def test_merging_within_detection(planted):
    f, _ = planted
    # loose hits at 10, 60, 110, 260, 310: with a 100 h gap keep 10, 110 (100 h after 10), 260
    got = detect_cascades(f, "loose", min_gap_hours=100)
    assert list(got) == list(f.index[[10, 110, 260]])


def test_merge_rule_is_relative_to_last_kept_event():
    t0 = pd.Timestamp("2024-01-01", tz="UTC")
    hours = [0, 10, 47, 48, 60, 95, 97, 200]
    times = pd.DatetimeIndex([t0 + pd.Timedelta(hours=h) for h in hours])
    kept = merge_events(times, 48)
    # 0 kept; 10, 47 dropped (< 48 h); 48 kept (exactly 48 h); 60, 95 dropped; 97 kept (49 h
    # after 48 -- dropped 95 does not extend the blackout); 200 kept
    assert [(t - t0) / pd.Timedelta(hours=1) for t in kept] == [0, 48, 97, 200]
    assert merge_events(times, 0).equals(times)
    assert merge_events(times[::-1], 48).equals(kept)  # order-insensitive
    assert len(merge_events(pd.DatetimeIndex([], tz="UTC"), 48)) == 0
    with pytest.raises(ValueError):
        merge_events(times, -1)


def test_bad_inputs():
    f = pd.DataFrame({"btc_ret_1h": [0.0]}, index=pd.date_range("2024", periods=1, freq="h", tz="UTC"))
    with pytest.raises(ValueError, match="missing column"):
        detect_cascades(f, "volume_only")
    with pytest.raises(ValueError, match="unknown cascade level"):
        detect_cascades(f, "extreme")


def test_end_to_end_planted_crash(synth):
    """A BTC crash with heavy volume but calm funding: volume-only finds it, strict does not."""
    md = synth.make_market(n=400, symbols=("BTC", "ETH"), seed=11)
    close, vol = md.close.copy(), md.volume.copy()
    i = 300
    close.iloc[i:, 0] = close.iloc[i:, 0] * 0.95  # -5% in hour 300, level shift afterwards
    vol.iloc[i, 0] = vol.iloc[i - 24:i, 0].mean() * 4
    md2 = dataclasses.replace(md, close=close, volume=vol,
                              low=np.minimum(md.low, close), open=md.open)
    f = compute_features(md2)
    assert f["btc_ret_1h"].iloc[i] < -0.04
    assert list(detect_cascades(f, "volume_only")) == [md.index[i]]
    assert f["fr_z"].iloc[i] < 2 and len(detect_cascades(f, "strict")) == 0


def test_cascade_counts_table(planted):
    f, exp = planted
    tab = cascade_counts(f)
    assert tab["events"].to_dict() == {k: len(v) for k, v in exp.items()}
    assert tab.loc["volume_only", "seed_count"] == 84
    assert "any funding" in tab.loc["volume_only", "rule"]
