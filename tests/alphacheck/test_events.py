import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alphacheck._inputs import InputError
from alphacheck.events import EventStudyResult, event_study, event_trades

IDX = pd.date_range("2024-01-01", periods=7, freq="h")


def _small():
    r = pd.DataFrame(
        {
            "A": [0.00, 0.10, -0.05, 0.02, 0.01, np.nan, 0.03],
            "B": [0.00, -0.02, 0.04, 0.01, -0.03, 0.02, 0.01],
        },
        index=IDX,
    )
    bench = pd.Series([0.0, 0.01, 0.02, -0.01, 0.0, 0.01, 0.02], index=IDX)
    return r, bench


def test_car_hand_computed_with_benchmark_and_exclusions():
    r, bench = _small()
    res = event_study(r, IDX[[0, 3]], horizons=(1, 2), benchmark=bench, reps=199, seed=0)
    pe = res.per_event.set_index(["event", "asset", "horizon"])
    # event at bar 0: window starts with bar 1
    assert pe.loc[(IDX[0], "A", 2), "car"] == pytest.approx(1.10 * 0.95 - 1)
    assert pe.loc[(IDX[0], "B", 2), "car"] == pytest.approx(0.98 * 1.04 - 1)
    assert pe.loc[(IDX[0], "A", 2), "benchmark_car"] == pytest.approx(1.01 * 1.02 - 1)
    assert pe.loc[(IDX[0], "A", 2), "abnormal"] == pytest.approx((1.10 * 0.95) - (1.01 * 1.02))
    # event at bar 3: A's 2-bar window contains the missing bar 5 -> excluded, never bridged
    assert (IDX[3], "A", 2) not in pe.index
    assert pe.loc[(IDX[3], "A", 1), "car"] == pytest.approx(0.01)
    assert pe.loc[(IDX[3], "B", 2), "abnormal"] == pytest.approx(0.97 * 1.02 - 1 - (1.0 * 1.01 - 1))
    assert res.table.loc[2, "n_excluded"] == 1 and res.table.loc[2, "n_obs"] == 3
    assert res.table.loc[1, "n_excluded"] == 0 and res.table.loc[1, "n_events"] == 2
    assert res.tested == "abnormal"
    # per-event average first, then across events
    ev0 = np.mean([1.10 * 0.95 - 1.01 * 1.02, 0.98 * 1.04 - 1.01 * 1.02])
    ev3 = 0.97 * 1.02 - 1.01
    assert res.table.loc[2, "mean_car"] == pytest.approx((ev0 + ev3) / 2)
    # past the end of the data: a horizon no event completes, or a single event, has no test (it was all NaN)
    with pytest.raises(InputError, match="3 bars leaves 0 of 2 events") as info:
        event_study(r, IDX[[4, 5]], horizons=(1, 3), reps=199)
    assert info.value.argument == "horizons"
    with pytest.raises(InputError, match="at least 2 events, got 1") as info:
        event_study(r, IDX[[5]], horizons=(1,), reps=199)
    assert info.value.argument == "events"
    assert event_study(r, IDX[[3, 5]], horizons=(1,), reps=199).tested == "raw"


def _random_study(n_events=200, n_assets=10, seed=1, drift=0.0):
    rng = np.random.default_rng(seed)
    T = 30 * n_events
    idx = pd.date_range("2023-01-01", periods=T, freq="h")
    common = rng.standard_normal((T, 1))  # cross-correlated assets: a common factor
    r = pd.DataFrame(0.01 * (common + rng.standard_normal((T, n_assets))), index=idx)
    pos = np.arange(10, T - 30, 30)[:n_events]
    r.iloc[pos + 1] += drift
    return r, idx[pos]


def test_clustered_t_equals_t_over_per_event_means_by_hand():
    r, ev = _random_study(n_events=60, drift=0.002)
    r.iloc[ev.size * 5 + 3, 2] = np.nan  # a hole somewhere: unequal assets per event is fine
    res = event_study(r, ev, horizons=(1, 4), reps=999, seed=0)
    for h in (1, 4):
        pe = res.per_event[res.per_event["horizon"] == h]
        means = pe.groupby("event")["abnormal"].mean()
        ref = stats.ttest_1samp(means, 0.0)
        assert res.table.loc[h, "t"] == pytest.approx(ref.statistic, rel=1e-10)
        assert res.table.loc[h, "pvalue"] == pytest.approx(ref.pvalue, rel=1e-8)
        naive = stats.ttest_1samp(pe["abnormal"], 0.0)
        assert res.table.loc[h, "naive_t"] == pytest.approx(naive.statistic, rel=1e-10)
        assert res.table.loc[h, "naive_pvalue"] == pytest.approx(naive.pvalue, rel=1e-8)
        assert res.table.loc[h, "mean_car"] == pytest.approx(means.mean())
        assert res.table.loc[h, "win_rate"] == pytest.approx((pe["abnormal"] > 0).mean())
        assert res.table.loc[h, "n_events"] == means.size
    # cluster="none" moves the pooled test into t/pvalue
    none = event_study(r, ev, horizons=(1,), reps=999, seed=0, cluster="none")
    assert none.table.loc[1, "t"] == pytest.approx(res.table.loc[1, "naive_t"])
    assert isinstance(res, EventStudyResult) and "Event study" in res.summary()
    assert res.to_frame().shape[0] == 2


def test_bootstrap_pvalue_close_to_t_on_larger_samples_and_seeded():
    r, ev = _random_study(n_events=200, drift=0.0015, seed=2)
    res = event_study(r, ev, horizons=(1, 12), reps=9_999, seed=3)
    for h in (1, 12):
        assert res.table.loc[h, "boot_pvalue"] == pytest.approx(res.table.loc[h, "pvalue"], abs=0.02)
    again = event_study(r, ev, horizons=(1, 12), reps=9_999, seed=3)
    pd.testing.assert_frame_equal(res.table, again.table)


def test_pooled_t_overstates_significance_with_common_shocks():
    # a common factor across assets: the naive pooled t is much larger in magnitude than the clustered t
    r, ev = _random_study(n_events=80, n_assets=20, seed=4, drift=0.001)
    res = event_study(r, ev, horizons=(1,), reps=999, seed=0)
    assert abs(res.table.loc[1, "naive_t"]) > 1.5 * abs(res.table.loc[1, "t"])


def test_event_formats_agree():
    r, ev = _random_study(n_events=30, n_assets=3, seed=5)
    base = event_study(r, ev, horizons=(4,), reps=199, seed=0)
    pairs = pd.DataFrame({"time": np.repeat(ev, 3), "asset": np.tile([0, 1, 2], ev.size)})
    by_pairs = event_study(r, pairs, horizons=(4,), reps=199, seed=0)
    by_map = event_study(r, {0: ev, 1: ev, 2: list(ev)}, horizons=(4,), reps=199, seed=0)
    pd.testing.assert_frame_equal(base.table, by_pairs.table)
    pd.testing.assert_frame_equal(base.table, by_map.table)
    only_a = event_study(r, {0: ev[:10]}, horizons=(4,), reps=199, seed=0)
    assert only_a.table.loc[4, "n_obs"] == 10


def test_event_study_bad_inputs():
    r, bench = _small()
    with pytest.raises(InputError, match="events"):
        event_study(r, [pd.Timestamp("2030-01-01")])
    with pytest.raises(InputError, match="events"):
        event_study(r, {"Z": [IDX[0]]})
    with pytest.raises(InputError, match="horizons"):
        event_study(r, IDX[:2], horizons=(0, 2))
    with pytest.raises(InputError, match="returns_panel"):
        event_study(r.iloc[::-1], IDX[:2])
    with pytest.raises(InputError, match="benchmark"):
        event_study(r, IDX[:2], benchmark=bench.to_numpy())
    with pytest.raises(InputError, match="cluster"):
        event_study(r, IDX[:2], cluster="asset")


# ---------------------------------------------------------------- trades

PX = pd.Series([100.0, 110.0, 99.0, 104.0, np.nan, 120.0, 126.0, 130.0], index=pd.date_range("2024", periods=8, freq="D"))


def test_trades_hand_computed_with_round_trip_costs_and_short():
    t = event_trades(PX, PX.index[[0]], hold=2, cost_bps=25)
    assert t.loc[0, "entry_time"] == PX.index[0] and t.loc[0, "exit_time"] == PX.index[2]
    assert t.loc[0, "gross_return"] == pytest.approx(99 / 100 - 1)
    assert t.loc[0, "net_return"] == pytest.approx(99 / 100 - 1 - 0.0025)
    s = event_trades(PX, PX.index[[1]], hold=2, cost_bps=10, direction=-1)
    assert s.loc[0, "gross_return"] == pytest.approx(-(104 / 110 - 1))
    assert s.loc[0, "net_return"] == pytest.approx(-(104 / 110 - 1) - 0.001)


def test_trades_overlap_skip_allow_gaps_and_end():
    entries = PX.index[[0, 1, 2, 5, 6]]
    skip = event_trades(PX, entries, hold=2)
    # 0->2 kept; 1 skipped (before exit bar 2); 2->4 has the missing bar -> dropped; 5->7 kept;
    # 6->8 is past the end (checked first) -> dropped
    assert list(skip["entry_time"]) == [PX.index[0], PX.index[5]]
    assert skip.attrs["n_skipped_overlap"] == 1 and skip.attrs["n_dropped_gap"] == 1
    assert skip.attrs["n_entries"] == 5 and skip.attrs["n_dropped_end"] == 1
    allow = event_trades(PX, entries, hold=2, overlap="allow")
    assert list(allow["entry_time"]) == [PX.index[0], PX.index[1], PX.index[5]]
    assert allow.attrs["n_dropped_gap"] == 1 and allow.attrs["n_dropped_end"] == 1  # 6 + 2 = 8: past the end
    assert allow.loc[1, "gross_return"] == pytest.approx(104 / 110 - 1)
    # entering at the previous exit bar is allowed under "skip"
    chain = event_trades(PX, PX.index[[5, 7]], hold=1)
    assert len(chain) == 1 and chain.attrs["n_dropped_end"] == 1
    chain = event_trades(PX, PX.index[[0, 2]], hold=2, overlap="skip")
    assert len(chain) == 1 and chain.attrs["n_skipped_overlap"] == 0 and chain.attrs["n_dropped_gap"] == 1


def test_trades_panel_per_asset_and_equal_weight_basket():
    px = pd.DataFrame({"a": PX, "b": [50.0, 51.0, 52.0, 53.0, 54.0, np.nan, 56.0, 57.0]}, index=PX.index)
    per = event_trades(px, PX.index[[1, 3]], hold=3)
    a = per[per["asset"] == "a"]
    b = per[per["asset"] == "b"]
    assert list(a["entry_time"]) == []  # a: 1->4 ends on the missing bar; 3->6 crosses it
    assert list(b["entry_time"]) == [PX.index[1]]  # b: 1->4 ok; 3->6 crosses b's missing bar 5
    assert b.iloc[0]["gross_return"] == pytest.approx(54 / 51 - 1)
    basket = event_trades(px, PX.index[[0, 2, 3]], hold=3, cost_bps=20, overlap="allow", weights="equal")
    # entry 0 -> exit 3: both assets; entry 2 -> exit 5: only a has both prices; entry 3 -> exit 6: both
    assert basket.loc[0, "gross_return"] == pytest.approx(np.mean([104 / 100 - 1, 53 / 50 - 1]))
    assert basket.loc[0, "n_assets"] == 2
    assert basket.loc[1, "gross_return"] == pytest.approx(120 / 99 - 1) and basket.loc[1, "n_assets"] == 1
    assert basket.loc[2, "gross_return"] == pytest.approx(np.mean([126 / 104 - 1, 56 / 53 - 1]))
    assert basket["net_return"].to_numpy() == pytest.approx(basket["gross_return"].to_numpy() - 0.002)
    skip = event_trades(px, PX.index[[0, 2, 3]], hold=3, weights="equal")
    assert len(skip) == 2 and skip.attrs["n_skipped_overlap"] == 1
    chosen = event_trades(px, {"b": [PX.index[0]], "a": [PX.index[0], PX.index[5]]}, hold=2)
    assert list(zip(chosen["asset"], chosen["entry_time"])) == [("a", PX.index[0]), ("b", PX.index[0]), ("a", PX.index[5])]


def test_trades_bad_inputs():
    with pytest.raises(InputError, match="cost_bps"):
        event_trades(PX, PX.index[[0]], hold=2, cost_bps=-1)
    with pytest.raises(InputError, match="cost_bps"):  # not a bare float() ValueError
        event_trades(PX, PX.index[[0]], hold=2, cost_bps="thirty")
    with pytest.raises(InputError, match="overlap"):
        event_trades(PX, PX.index[[0]], hold=2, overlap="maybe")
    with pytest.raises(InputError, match="entries"):
        event_trades(PX, [pd.Timestamp("1999-01-01")], hold=2)
    with pytest.raises(InputError, match="prices"):
        event_trades(PX - 200, PX.index[[0]], hold=2)
    with pytest.raises(InputError, match="hold"):
        event_trades(PX, PX.index[[0]], hold=0)


def test_event_study_refuses_prices_in_the_panel_and_the_benchmark():
    """Prices compounded as returns overflowed (CAR 3.3e18, p = 0.006, a numpy overflow warning)."""
    idx = pd.date_range("2021-01-01", periods=1095, freq="D")
    x = pd.Series(np.random.default_rng(0).normal(0.002, 0.03, 1095), idx)
    price = 30_000 * (1 + x).cumprod()
    with pytest.raises(InputError, match="look like prices") as info:
        event_study(price.to_frame("BTC"), idx[[100, 300, 500]], reps=199)
    assert info.value.argument == "returns_panel['BTC']"
    with pytest.raises(InputError, match="look like prices") as info:
        event_study(x.to_frame("A"), idx[[100, 300, 500]], benchmark=price, reps=199)
    assert info.value.argument == "benchmark"
    assert event_study(price.to_frame("BTC").pct_change().dropna(), idx[[100, 300, 500]], reps=199,
                       check_returns=True).table["n_events"].min() == 3


def test_entries_may_be_a_boolean_mask_and_a_time_zone_mismatch_is_named():
    idx = pd.date_range("2024-01-01", periods=50, freq="D")
    p = pd.Series(100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.01, 50))), index=idx)
    mask = pd.Series(False, index=idx)
    mask.iloc[[5, 20]] = True
    by_times = event_trades(p, idx[[5, 20]], hold=3)
    pd.testing.assert_frame_equal(event_trades(p, mask, hold=3), by_times)  # was "not in prices' index: False"
    pd.testing.assert_frame_equal(event_trades(p, mask.to_numpy(), hold=3), by_times)
    with pytest.raises(InputError, match="another index"):
        event_trades(p, mask.iloc[1:], hold=3)
    with pytest.raises(InputError, match="the times are in UTC and the index is naive"):
        event_trades(p, idx[[5]].tz_localize("UTC"), hold=3)
    r = p.pct_change().dropna().to_frame("A")
    events = pd.Series(False, index=r.index)
    events.iloc[[5, 20, 30]] = True
    assert event_study(r, events, horizons=(1,), reps=99).table.loc[1, "n_events"] == 3
