"""walk_forward: planted best parameter, exact OOS concatenation, parallel equality, degradation."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from alphacheck import InputError
from alphacheck.splits import CalendarWindows, PurgedKFold, WalkForward
from alphacheck.walkforward import WalkForwardResult, walk_forward

T, K = 1200, 8
WF100 = WalkForward(train_size=100, test_size=100)


@pytest.fixture(scope="module")
def panel():
    """K noise return columns on a daily index; column 5 carries a planted edge."""
    rng = np.random.default_rng(7)
    t = pd.date_range("2019-01-01", periods=T, freq="D")
    R = rng.normal(0.0, 0.01, size=(T, K))
    R[:, 5] += 0.02  # Sharpe ~2 per period: wins every window by a wide margin
    return pd.DataFrame(R, index=t, columns=[f"c{j}" for j in range(K)])


def pick(params, data):
    """A 'strategy' whose returns are column k of the panel (causal trivially)."""
    return data[f"c{params['k']}"]


SPLITTERS = [
    WalkForward(train_size=200, test_size=100),
    WalkForward(train_size="180D", test_size="3MS", expanding=True, purge=2),
    CalendarWindows(freq="QE", purge=3),
    PurgedKFold(n_splits=5, purge=5, embargo=5),
]


@pytest.mark.parametrize("splitter", SPLITTERS, ids=lambda s: repr(s).split("(")[0])
@pytest.mark.parametrize("metric", ["sharpe", "mean"])
def test_planted_best_parameter_chosen_and_oos_is_exact_concatenation(panel, splitter, metric):
    res = walk_forward(pick, {"k": list(range(K))}, panel, splitter=splitter, metric=metric)
    assert isinstance(res, WalkForwardResult)
    assert (res.windows["param_index"] == 5).all()
    assert (res.windows["params"] == "k=5").all()
    splits = list(splitter.split(panel))
    assert res.n_splits == len(splits) and res.n_skipped == 0
    expected = pd.concat([panel["c5"].iloc[te] for _, te in splits])
    pd.testing.assert_series_equal(res.oos_returns, expected.rename("oos_returns"), check_exact=True, check_freq=False)
    assert list(res.windows["n_test"]) == [te.size for _, te in splits]
    pd.testing.assert_frame_equal(res.performance_matrix, panel.set_axis(res.performance_matrix.columns, axis=1))


def test_oos_choice_follows_in_sample_winner_when_regimes_switch():
    """The best column changes half-way; the chosen one lags by a window, as it must without look-ahead."""
    n = 800
    rng = np.random.default_rng(3)
    R = rng.normal(0, 0.01, size=(n, 2))
    R[:400, 0] += 0.02
    R[400:, 1] += 0.02
    res = walk_forward(lambda p, d: d[:, p["k"]], {"k": [0, 1]}, R, splitter=WalkForward(train_size=100, test_size=100))
    chosen = res.windows.set_index("test_start")["param_index"]
    # train [200,300) -> test 300: col 0; train [400,500) -> test 500: col 1
    assert chosen[300] == 0 and chosen[500] == 1 and chosen[400] == 0  # train [300,400) still says col 0
    assert isinstance(res.oos_returns, np.ndarray)
    np.testing.assert_array_equal(res.oos_returns, np.concatenate([R[s : s + 100, k] for s, k in chosen.items()]))


def test_scores_match_direct_computation(panel):
    """Prefix-sum scores equal numpy on each (possibly non-contiguous) index set."""
    splitter = PurgedKFold(n_splits=4, purge=10, embargo=10)
    res = walk_forward(pick, {"k": list(range(K))}, panel, splitter=splitter, periods_per_year=365)
    R = panel.to_numpy()
    for s, (tr, te) in enumerate(splitter.split(panel)):
        for idx, got in ((tr, res.is_scores.iloc[s]), (te, res.oos_scores.iloc[s])):
            x = R[idx]
            want = x.mean(0) / x.std(0, ddof=1) * np.sqrt(365)
            np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-9)
    mres = walk_forward(pick, {"k": list(range(K))}, panel, splitter=splitter, metric="mean")
    tr, _ = next(splitter.split(panel))
    np.testing.assert_allclose(mres.is_scores.iloc[0].to_numpy(), R[tr].mean(0), rtol=1e-10)
    full = res.oos_returns.to_numpy()
    assert res.oos_score == pytest.approx(full.mean() / full.std(ddof=1) * np.sqrt(365), rel=1e-9)


def test_n_jobs_two_gives_identical_result(panel):
    grid = {"k": list(range(K)), "scale": [0.5, 1.0]}

    def strat(p, d):
        return d[f"c{p['k']}"] * p["scale"]

    a = walk_forward(strat, grid, panel, splitter=WalkForward(train_size=150, test_size=75), n_jobs=1)
    b = walk_forward(strat, grid, panel, splitter=WalkForward(train_size=150, test_size=75), n_jobs=2)
    pd.testing.assert_series_equal(a.oos_returns, b.oos_returns, check_exact=True)
    pd.testing.assert_frame_equal(a.windows, b.windows, check_exact=True)
    pd.testing.assert_frame_equal(a.is_scores, b.is_scores, check_exact=True)
    assert a.degradation == b.degradation


def test_degradation_positive_on_pure_noise_grid():
    """Choosing the in-sample max among 50 noise strategies: IS max is biased up, OOS ~ 0."""
    rng = np.random.default_rng(11)
    noise = rng.normal(0, 0.01, size=(1500, 50))
    res = walk_forward(lambda p, d: d[:, p["j"]], {"j": list(range(50))}, noise,
                       splitter=WalkForward(train_size=250, test_size=125))
    assert res.is_score_mean > 0.1  # max of 50 N(0, 1/sqrt(250)) Sharpes ~ +0.14
    assert abs(res.oos_score_mean) < 0.1
    assert res.degradation > 0.1
    assert abs(res.is_oos_rank_correlation) < 0.2
    # the same tool on a grid with real, persistent differences shows little degradation
    edge = noise + np.linspace(0, 0.002, 50)  # per-period Sharpe 0 .. 0.2 across the grid
    good = walk_forward(lambda p, d: d[:, p["j"]], {"j": list(range(50))}, edge,
                        splitter=WalkForward(train_size=250, test_size=125))
    assert good.is_oos_rank_correlation > 0.3 > res.is_oos_rank_correlation


def test_zero_variance_excluded_and_all_undefined_window_skipped():
    n = 300
    rng = np.random.default_rng(5)
    good = rng.normal(0.001, 0.01, n)
    flat = np.full(n, 0.05)  # huge mean, zero variance: Sharpe undefined, never chosen
    zeros = np.zeros(n)
    data = np.column_stack([good, flat, zeros])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = walk_forward(lambda p, d: d[:, p["j"]], {"j": [0, 1, 2]}, data, splitter=WF100)
        assert (res.windows["param_index"] == 0).all()
        assert res.is_scores.iloc[:, 1:].isna().all().all()
        only_flat = walk_forward(lambda p, d: d[:, p["j"]], {"j": [1, 2]}, data, splitter=WF100)
    assert only_flat.windows["skipped"].all() and only_flat.n_skipped == only_flat.n_splits
    assert only_flat.oos_returns.size == 0 and np.isnan(only_flat.degradation)
    # 'mean' is defined on a constant series: the flat column wins it
    m = walk_forward(lambda p, d: d[:, p["j"]], {"j": [0, 1]}, data, splitter=WF100, metric="mean")
    assert (m.windows["param_index"] == 1).all()


def test_callable_metric_list_of_dicts_and_ties_first():
    data = np.random.default_rng(2).normal(0, 1, (400, 3))

    def total(window):  # vectorised: (n_obs, K) -> (K,)
        return window.sum(axis=0) * 0.0  # all tied

    res = walk_forward(lambda p, d: d[:, p["j"]], [{"j": 2}, {"j": 0}, {"j": 1}], data, splitter=WF100, metric=total)
    assert res.metric == "total" and (res.windows["param_index"] == 0).all() and res.params[0] == {"j": 2}


def test_summary_and_exports(panel):
    res = walk_forward(pick, {"k": [0, 5]}, panel, splitter=CalendarWindows(freq="YE"))
    text = res.summary()
    assert "Walk-forward evaluation" in text and "k=5" in text and "degradation" in text
    assert list(res.to_frame().columns)[:4] == ["train_start", "train_end", "test_start", "test_end"]
    d = res.to_dict()
    assert d["n_splits"] == res.n_splits == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.degradation = 0.0  # frozen


def test_bad_inputs():
    data = np.random.default_rng(0).normal(0, 1, (300, 2))
    strat = lambda p, d: d[:, p["j"]]
    with pytest.raises(InputError, match="metric"):
        walk_forward(strat, {"j": [0]}, data, splitter=WF100, metric="sortino")
    with pytest.raises(InputError, match="param_grid"):
        walk_forward(strat, {"j": []}, data, splitter=WF100)
    with pytest.raises(InputError, match="overlapping"):
        walk_forward(strat, {"j": [0]}, data, splitter=WalkForward(train_size=100, test_size=100, step=50))
    with pytest.raises(InputError, match=r"strategy output for j=0.*non-finite"):
        walk_forward(lambda p, d: np.r_[np.nan, d[1:, 0]], {"j": [0]}, data, splitter=WF100)
    with pytest.raises(InputError, match="has 299 values"):
        walk_forward(lambda p, d: d[1:, 0], {"j": [0]}, data, splitter=WF100)
    with pytest.raises(InputError, match="periods_per_year"):
        walk_forward(strat, {"j": [0]}, data, splitter=WF100, periods_per_year=0)
    with pytest.raises(InputError, match="metric"):
        walk_forward(strat, {"j": [0, 1]}, data, splitter=WF100, metric=lambda w: w.mean())
    s = pd.DataFrame(data, index=pd.date_range("2020-01-01", periods=300))
    with pytest.raises(InputError, match="index differs"):
        walk_forward(lambda p, d: d[0].reset_index(drop=True), {"j": [0]}, s, splitter=WF100)


def test_options_are_keyword_only():
    # 0.2: splitter, metric, n_jobs and periods_per_year come after `*`
    data = np.random.default_rng(0).normal(0, 1, (300, 2))
    with pytest.raises(TypeError):
        walk_forward(lambda p, d: d[:, p["j"]], {"j": [0]}, data, WF100)


def _direct_scores(R, idx):
    """Sharpe and mean of each column on rows idx, straight from numpy; NaN Sharpe on a constant window."""
    x = R[idx]
    with np.errstate(invalid="ignore", divide="ignore"):
        sharpe = np.where(np.ptp(x, axis=0) == 0, np.nan, x.mean(0) / x.std(0, ddof=1))
    return sharpe, x.mean(0)


@pytest.mark.parametrize("splitter", [WalkForward(train_size=5_000, test_size=5_000),
                                      WalkForward(train_size=5_000, test_size=5_000, expanding=True),
                                      PurgedKFold(n_splits=12, purge=24, embargo=24)],
                         ids=["rolling", "expanding", "kfold"])
def test_all_zero_and_constant_windows_in_a_long_series_score_nan(splitter):
    """Regression: prefix-sum rounding over 60,000 rows used to give an all-zero window a Sharpe ~1e-7."""
    n = 60_000
    rng = np.random.default_rng(21)
    R = rng.normal(0.001, 0.01, size=(n, 3))
    R[20_000:25_000, 0] = 0.0  # no trade for a whole test window
    R[35_000:40_000, 0] = 0.0123  # constant window
    R[:, 1] = np.where(rng.random(n) < 0.01, rng.normal(0.002, 0.02, n), 0.0)  # sparse trades, many empty windows
    R[45_000:50_000, 2] = 0.005 + 1e-6 * rng.standard_normal(5_000)  # tiny but real variance: defined
    res = walk_forward(lambda p, d: d[:, p["j"]], {"j": [0, 1, 2]}, R, splitter=splitter)
    mres = walk_forward(lambda p, d: d[:, p["j"]], {"j": [0, 1, 2]}, R, splitter=splitter, metric="mean")
    n_nan = 0
    for s, (tr, te) in enumerate(splitter.split(R)):
        for idx, got, got_mean in ((tr, res.is_scores.iloc[s], mres.is_scores.iloc[s]),
                                   (te, res.oos_scores.iloc[s], mres.oos_scores.iloc[s])):
            want, want_mean = _direct_scores(R, np.sort(idx))
            np.testing.assert_array_equal(np.isnan(got.to_numpy()), np.isnan(want))
            np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-9)
            np.testing.assert_allclose(got_mean.to_numpy(), want_mean, rtol=1e-9, atol=1e-15)
            n_nan += int(np.isnan(want).sum())
    assert n_nan >= 2  # the zero and constant windows were tested
    zero_win = [s for s, (_, te) in enumerate(splitter.split(R)) if te[0] == 20_000]
    const_win = [s for s, (_, te) in enumerate(splitter.split(R)) if te[0] == 35_000]
    for s, value in ((zero_win, 0.0), (const_win, 0.0123)):
        assert np.isnan(res.oos_scores.iloc[s[0], 0])
        assert mres.oos_scores.iloc[s[0], 0] == value  # a constant window's mean is exact


def test_constant_across_blocks_needs_equal_levels():
    """Non-contiguous train sets: constant only if every block holds the same value."""
    R = np.zeros((300, 2))
    R[100:200] = np.random.default_rng(3).normal(0, 0.01, (100, 2))
    R[200:, 1] = 0.5  # column 1: zero block + 0.5 block around the middle fold -> not constant
    res = walk_forward(lambda p, d: d[:, p["j"]], {"j": [0, 1]}, R, splitter=PurgedKFold(n_splits=3))
    assert np.isnan(res.is_scores.iloc[1, 0])  # train = rows 0..99 and 200..299, all zero
    tr = np.r_[0:100, 200:300]
    assert res.is_scores.iloc[1, 1] == pytest.approx(R[tr, 1].mean() / R[tr, 1].std(ddof=1), rel=1e-12)


@pytest.mark.parametrize("metric", ["sharpe", "mean", lambda m: m.mean(axis=0)])
def test_many_blocks_of_sets_in_threads_equal_one_thread(metric):
    # 45 sets: three blocks of calls + prefix sums (16, 16, 13), run as thread tasks with n_jobs=2
    rng = np.random.default_rng(4)
    r = pd.Series(rng.normal(0, 0.01, 1_500), index=pd.date_range("2021-01-01", periods=1_500, freq="h"))

    def rule(p, x):
        return np.sign(x.shift(1).rolling(p["w"]).mean()).fillna(0) * x * p["lev"]

    grid = {"w": [2, 3, 5, 8, 13, 21, 34, 55, 89], "lev": [0.5, 1.0, 1.5, 2.0, 3.0]}
    sp = WalkForward(train_size=500, test_size=250)
    one = walk_forward(rule, grid, r, splitter=sp, metric=metric)
    two = walk_forward(rule, grid, r, splitter=sp, metric=metric, n_jobs=2)
    assert len(one.params) == 45
    pd.testing.assert_frame_equal(one.windows, two.windows)
    pd.testing.assert_frame_equal(one.is_scores, two.is_scores)
    pd.testing.assert_frame_equal(one.oos_scores, two.oos_scores)
    pd.testing.assert_series_equal(one.oos_returns, two.oos_returns)


def test_a_bad_output_in_a_later_block_is_named_with_threads():
    r = pd.Series(np.random.default_rng(5).normal(0, 0.01, 800))

    def rule(p, x):
        return x.iloc[:-1] if p["w"] == 40 else x * p["w"]  # set 40 (third block) returns one row short

    with pytest.raises(InputError, match="w=40"):
        walk_forward(rule, {"w": list(range(1, 46))}, r, splitter=WalkForward(train_size=300, test_size=100), n_jobs=2)


def test_an_ndarray_output_with_nan_or_huge_values_in_a_later_block_is_named():
    """float64 ndarray outputs skip the per-call validation; their block's check names the bad set."""
    x = np.random.default_rng(6).normal(0, 0.01, 800)
    sp = WalkForward(train_size=300, test_size=100)

    def rule(p, d):
        out = d * p["w"]
        if p["w"] == 37:
            out[5] = np.nan
        if p["w"] == 41:
            out[9] = 1e200
        return out

    for n_jobs in (1, 2):
        with pytest.raises(InputError, match=r"strategy output for w=37.*non-finite"):
            walk_forward(rule, {"w": list(range(1, 46))}, x, splitter=sp, n_jobs=n_jobs)
    with pytest.raises(InputError, match=r"strategy output for w=41.*too large"):
        walk_forward(rule, {"w": list(range(38, 46))}, x, splitter=sp)


@pytest.mark.parametrize("metric", ["sharpe", "mean"])
def test_kept_prefix_rows_score_as_the_full_prefix(metric):
    """The scorer keeps only the prefix rows its windows read; scores equal those from every row (to rounding),
    and constant windows (NaN Sharpe) are found exactly, for multi-block purged train sets too."""
    from alphacheck.splits import PurgedKFold
    from alphacheck.walkforward import _WindowScorer

    rng = np.random.default_rng(8)
    R = rng.normal(0, 0.01, (3_000, 6))
    R[400:900, 1] = 0.0  # an all-zero stretch
    R[1_200:1_700, 2] = 0.003  # a constant stretch
    windows = [np.sort(w) for tr, te in PurgedKFold(n_splits=6, purge=10).split(R) for w in (tr, te)]
    windows += [np.arange(400, 900), np.arange(1_200, 1_700), np.r_[400:500, 600:700]]
    full = _WindowScorer(np.asfortranarray(R), metric, None)
    kept = _WindowScorer(np.asfortranarray(R), metric, None, rows=_WindowScorer.rows_for(windows, R.shape[0]))
    assert kept.rows.size < 60
    for w in windows:
        a, b = full(w), kept(w)
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)
    assert np.isnan(kept(np.arange(400, 900))[1]) == (metric == "sharpe")


def test_rank_correlations_equal_scipy_per_row():
    from scipy import stats

    from alphacheck.walkforward import _rank_correlations

    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(12, 30)), rng.normal(size=(12, 30))
    a[3, 4] = np.nan  # that set is dropped from split 3's correlation
    b[5] = 1.0  # constant OOS scores: undefined
    a[7, :15] = a[7, 15:]  # ties
    got = _rank_correlations(a, b)
    for s in range(12):
        ok = np.isfinite(a[s]) & np.isfinite(b[s])
        want = np.nan if np.ptp(b[s][ok]) == 0 else stats.spearmanr(a[s][ok], b[s][ok]).statistic
        np.testing.assert_allclose(got[s], want, rtol=1e-12)
