"""alphacheck.risk.drawdown: hand-computed paths, a brute-force loop reference, pandas round trips, bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from alphacheck import InputError
from alphacheck.risk.drawdown import (
    DrawdownResult,
    drawdown_episodes,
    drawdown_series,
    equity_curve,
    max_drawdown,
    worst_losing_streak,
)


# --------------------------------------------------------------------------- hand-computed paths
def test_known_path():
    r = np.array([0.10, -0.20, -0.10, 0.50, -0.05, 0.01])
    # wealth 1.10, 0.88, 0.792, 1.188, 1.1286, 1.139886; peak 1.10 then 1.188
    np.testing.assert_allclose(equity_curve(r), [1.10, 0.88, 0.792, 1.188, 1.1286, 1.139886])
    np.testing.assert_allclose(drawdown_series(r), [0, 0.88 / 1.1 - 1, 0.792 / 1.1 - 1, 0,
                                                    1.1286 / 1.188 - 1, 1.139886 / 1.188 - 1], atol=1e-15)
    ep = drawdown_episodes(r)
    assert list(ep["peak"]) == [1, 4] and list(ep["trough"]) == [3, 5]
    assert ep.loc[0, "recovery"] == 4 and ep.loc[1, "recovery"] is None
    assert list(ep["obs_to_trough"]) == [2, 1] and ep.loc[0, "obs_to_recover"] == 1
    assert ep.loc[1, "obs_to_recover"] is None
    assert ep["depth"].tolist() == pytest.approx([0.792 / 1.1 - 1, 1.1286 / 1.188 - 1])
    res = max_drawdown(r)
    assert res.max_drawdown == pytest.approx(-0.28)
    assert (res.peak, res.trough, res.recovery, res.recovered) == (1, 3, 4, True)
    assert res.longest_underwater == 2 and res.total_return == pytest.approx(0.139886)
    assert res.peak_label is None and res.longest_underwater_span is None
    assert list(worst_losing_streak(r)) == [-0.20, -0.10]


def test_first_observation_a_loss_is_a_drawdown():
    r = [-0.10, 0.05, 0.10]  # wealth 0.9, 0.945, 1.0395: peak is the starting capital
    np.testing.assert_allclose(drawdown_series(r), [-0.10, 0.945 - 1, 0.0], atol=1e-15)
    res = max_drawdown(r)
    assert res.max_drawdown == pytest.approx(-0.10)
    assert (res.peak, res.trough, res.recovery) == (0, 1, 3)
    assert res.longest_underwater == 2


def test_never_recovering():
    res = max_drawdown([0.10, -0.10, -0.10])
    assert (res.peak, res.trough, res.recovery, res.recovered) == (1, 3, None, False)
    assert res.max_drawdown == pytest.approx(0.81 - 1)
    assert res.longest_underwater == 2
    assert len(res.episodes) == 1 and res.episodes.loc[0, "recovery"] is None


def test_equal_peaks_the_peak_is_the_last_point_at_the_high():
    # wealth 1.1, 1.1, 0.55, 1.1, 1.1, 0.99 (exact binary scalings: the 1.1's are equal)
    r = [0.10, 0.0, -0.5, 1.0, 0.0, -0.10]
    ep = drawdown_episodes(r, check_returns=False)  # six exact binary steps look like a position series
    assert list(ep["peak"]) == [2, 5] and list(ep["trough"]) == [3, 6]
    assert ep.loc[0, "recovery"] == 4 and ep.loc[1, "recovery"] is None
    assert ep.loc[0, "depth"] == -0.5
    res = max_drawdown(r, check_returns=False)
    assert (res.peak, res.trough, res.recovery) == (2, 3, 4)


def test_all_positive_means_no_drawdown():
    r = pd.Series([0.01, 0.02, 0.0, 0.03], index=pd.date_range("2024-01-01", periods=4))
    assert (drawdown_series(r) == 0).all()
    ep = drawdown_episodes(r)
    assert ep.empty and {"peak", "trough", "recovery", "depth"} <= set(ep.columns)
    res = max_drawdown(r)
    assert res.max_drawdown == 0.0 and res.peak is None and res.recovered
    assert res.longest_underwater == 0 and res.longest_underwater_span is None
    assert len(worst_losing_streak(r)) == 0
    assert "no drawdown episodes" in res.summary()


def test_worst_losing_streak_is_the_worst_compounded_run():
    # runs: [-0.1, -0.1] -> -19 %; [-0.15] -> -15 %; [-0.05, -0.05, -0.05, -0.06] -> -19.4 %
    r = np.array([0.02, -0.1, -0.1, 0.03, -0.15, 0.01, -0.05, -0.05, -0.05, -0.06, 0.0])
    np.testing.assert_array_equal(worst_losing_streak(r), [-0.05, -0.05, -0.05, -0.06])
    assert list(worst_losing_streak([-0.1, 0.1, -0.1])) == [-0.1]  # equally bad: the earliest


# --------------------------------------------------------------------------- brute-force reference
def loop_reference(r: np.ndarray):
    """Episodes, longest spell under water and worst streak with plain Python loops."""
    w = [1.0]
    for x in r:
        w.append(w[-1] * (1.0 + x))
    peak_val, peak_i, trough_i, rows = w[0], 0, None, []
    for i in range(1, len(w)):
        if w[i] >= peak_val:
            if trough_i is not None:
                rows.append((peak_i, trough_i, i, w[trough_i] / w[peak_i] - 1.0))
                trough_i = None
            peak_val, peak_i = w[i], i
        elif trough_i is None or w[i] < w[trough_i]:
            trough_i = i
    if trough_i is not None:
        rows.append((peak_i, trough_i, None, w[trough_i] / w[peak_i] - 1.0))
    run = longest = 0
    for i in range(1, len(w)):
        peak_so_far = max(w[: i + 1])
        run = run + 1 if w[i] < peak_so_far else 0
        longest = max(longest, run)
    best, best_run, cur, acc = 0.0, [], [], 1.0
    for x in r:
        if x < 0:
            cur, acc = cur + [x], acc * (1.0 + x)
            if acc - 1.0 < best:
                best, best_run = acc - 1.0, list(cur)
        else:
            cur, acc = [], 1.0
    return w, rows, longest, best_run


@pytest.mark.parametrize("seed", range(40))
def test_matches_a_brute_force_loop(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    r = rng.normal(0.002, 0.04, n)
    r[rng.random(n) < 0.15] = 0.0  # exact ties at the peak
    w, rows, longest, streak = loop_reference(r)
    np.testing.assert_allclose(equity_curve(r), w[1:], rtol=1e-13)
    ep = drawdown_episodes(r)
    ref = sorted(rows, key=lambda t: t[3])
    assert len(ep) == len(ref)
    assert list(ep["peak"]) == [t[0] for t in ref] and list(ep["trough"]) == [t[1] for t in ref]
    assert list(ep["recovery"]) == [t[2] for t in ref]
    np.testing.assert_allclose(ep["depth"].to_numpy(dtype=float), [t[3] for t in ref], rtol=1e-12)
    res = max_drawdown(r)
    assert res.max_drawdown == pytest.approx(min([0.0] + [t[3] for t in rows]), abs=1e-15)
    assert res.longest_underwater == longest
    assert list(worst_losing_streak(r)) == streak


# --------------------------------------------------------------------------- pandas in, pandas out
def test_pandas_round_trip_with_dates():
    idx = pd.date_range("2021-01-01", periods=6, freq="D", tz="UTC")
    r = pd.Series([0.10, -0.20, -0.10, 0.50, -0.05, 0.01], index=idx, name="strat")
    w = equity_curve(r, start_value=100.0)
    assert isinstance(w, pd.Series) and w.name == "wealth" and w.index.equals(idx)
    assert w.iloc[0] == pytest.approx(110.0)
    dd = drawdown_series(r)
    assert dd.name == "drawdown" and dd.index.equals(idx)
    ep = drawdown_episodes(r)
    assert ep.loc[0, "peak_label"] == idx[0] and ep.loc[0, "trough_label"] == idx[2]
    assert ep.loc[0, "recovery_label"] == idx[3] and ep.loc[1, "recovery_label"] is None
    res = max_drawdown(r)
    assert isinstance(res, DrawdownResult)
    assert (res.peak_label, res.trough_label, res.recovery_label) == (idx[0], idx[2], idx[3])
    # first observation under water (day 2) to the recovery (day 4)
    assert res.longest_underwater_span == pd.Timedelta(days=2)
    d = res.to_dict()
    assert d["max_drawdown"] == pytest.approx(-0.28) and len(d["episodes"]) == 2
    assert res.to_frame().loc[0, "trough"] == 3
    assert "2021-01-03" in res.summary()
    streak = worst_losing_streak(r)
    assert streak.index.equals(idx[1:3]) and streak.name == "strat"
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.max_drawdown = 0.0  # type: ignore[misc]


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("fn", [equity_curve, drawdown_series, drawdown_episodes, max_drawdown, worst_losing_streak])
def test_bad_input_names_returns(fn):
    with pytest.raises(InputError, match=r"returns.*<= -1"):
        fn([0.1, -1.0, 0.2])
    with pytest.raises(InputError, match=r"returns.*non-finite"):
        fn([0.1, np.nan])
    with pytest.raises(InputError, match=r"returns.*at least 1"):
        fn([])
    with pytest.raises(InputError, match=r"returns.*numeric"):
        fn(["a", "b"])


def test_bad_start_value():
    with pytest.raises(InputError, match="start_value"):
        equity_curve([0.1], start_value=0.0)
