"""Tests for alphacheck.significance against scipy, statsmodels and arch."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from arch.bootstrap import StationaryBootstrap
from scipy import stats

import alphacheck as ac
from alphacheck import InputError
from alphacheck.significance import bootstrap_test, mean_test, permutation_test, sharpe_test

rng0 = np.random.default_rng(0)
X = 0.01 * rng0.standard_t(5, 400) + 0.0005


@pytest.mark.parametrize("alt", ["two-sided", "greater", "less"])
def test_t_path_equals_scipy(alt):
    r = mean_test(X, method="t", alternative=alt, null_value=0.001)
    ref = stats.ttest_1samp(X, 0.001, alternative=alt)
    assert r.statistic == ref.statistic and r.pvalue == ref.pvalue
    assert r.confidence_interval() == tuple(ref.confidence_interval(0.95))


def test_hac_path_equals_statsmodels():
    r = mean_test(X, method="hac")
    lags = int(np.floor(4 * (400 / 100) ** (2 / 9)))
    fit = sm.OLS(X, np.ones(400)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    assert r.statistic == pytest.approx(fit.tvalues[0], rel=1e-12)
    assert r.pvalue == pytest.approx(fit.pvalues[0], rel=1e-10)
    assert r.details["maxlags"] == lags


def test_bootstrap_se_matches_arch():
    e = np.random.default_rng(1).standard_normal(3000)
    x = np.empty_like(e)
    x[0] = e[0]
    for t in range(1, x.size):
        x[t] = 0.3 * x[t - 1] + e[t]
    r = mean_test(x, reps=20_000, seed=3, check_returns=False)  # unit-variance AR(1) draws
    b = r.details["block_length"]
    ref = StationaryBootstrap(b, x, seed=4).apply(np.mean, 20_000).std(ddof=1)
    assert abs(r.details["bootstrap_se"] / ref - 1) < 0.03


def test_pvalues_alternatives_and_signal():
    g = mean_test(X, alternative="greater", reps=999, seed=1)
    l_ = mean_test(X, alternative="less", reps=999, seed=1)
    assert 0 < g.pvalue <= 1 and 0 < l_.pvalue <= 1
    assert g.pvalue + l_.pvalue == pytest.approx(1 + 1 / 1000, abs=2 / 1000)
    strong = 0.01 * np.random.default_rng(2).standard_normal(500) + 0.01
    assert mean_test(strong, reps=999, seed=0).pvalue == pytest.approx(1 / 1000)
    assert sharpe_test(strong, reps=999, seed=0).pvalue == pytest.approx(1 / 1000)
    s = pd.Series(X, index=pd.date_range("2020", periods=400, freq="D"))
    assert mean_test(s, reps=99, seed=0).estimate == pytest.approx(X.mean())
    a = mean_test(X, reps=500, seed=5)
    b = mean_test(X, reps=500, seed=5)
    assert a.pvalue == b.pvalue and a.confidence_interval() == b.confidence_interval()


def test_sharpe_methods_consistent():
    for m in ["normal", "mertens", "lo", "bootstrap"]:
        r = sharpe_test(X, method=m, reps=999, seed=0, periods_per_year=252)
        assert 0 < r.pvalue <= 1
        assert r.estimate == pytest.approx(X.mean() / X.std(ddof=1))
    z = sharpe_test(X, method="normal")
    sr = X.mean() / X.std(ddof=1)
    assert z.statistic == pytest.approx(sr / np.sqrt((1 + sr**2 / 2) / 400))


def test_permutation_vs_scipy():
    r = np.random.default_rng(3)
    x, y = r.normal(0.3, 1, 15), r.normal(0, 1, 12)
    ours = permutation_test(x, y, reps=20_000, seed=1)
    ref = stats.permutation_test((x, y), lambda a, b: a.mean() - b.mean(), n_resamples=20_000,
                                 permutation_type="independent", random_state=1)
    assert ours.pvalue == pytest.approx(ref.pvalue, abs=0.01)
    d = r.normal(0.4, 1, 14)
    ours_p = permutation_test(d, np.zeros(14), reps=20_000, seed=1, paired=True, alternative="greater")
    ref_p = stats.permutation_test((d,), np.mean, permutation_type="samples", alternative="greater",
                                   n_resamples=np.inf)
    assert ours_p.pvalue == pytest.approx(ref_p.pvalue, abs=0.01)
    call = permutation_test(x, y, statistic=lambda a, b: np.median(a) - np.median(b), reps=500, seed=0)
    assert 0 < call.pvalue <= 1


def test_bootstrap_test_generic():
    r = bootstrap_test(X, np.mean, reps=999, seed=0)
    assert r.estimate == pytest.approx(X.mean()) and 0 < r.pvalue <= 1
    strong = np.random.default_rng(1).standard_normal(300) + 2
    assert bootstrap_test(strong, np.median, reps=199, seed=0).pvalue == pytest.approx(1 / 200)


@pytest.mark.parametrize(
    "kwargs, arg",
    [
        ({"returns": [0.1, np.nan] * 10}, "returns"),
        ({"returns": [0.1, np.inf] * 10}, "returns"),
        ({"returns": [0.1, 0.2]}, "returns"),
        ({"returns": [0.1] * 30}, "returns"),
        ({"returns": ["a", "b"] * 10}, "returns"),
        ({"returns": pd.Series(np.arange(20.0), index=[0] * 20)}, "returns"),
        ({"returns": X, "alternative": "bigger"}, "alternative"),
        ({"returns": X, "reps": 0}, "reps"),
        ({"returns": X, "reps": 2.5}, "reps"),
        ({"returns": X, "method": "z"}, "method"),
        ({"returns": X, "block_length": -1}, "block_length"),
    ],
)
def test_bad_inputs(kwargs, arg):
    for fn in (mean_test, sharpe_test):
        with pytest.raises(InputError) as e:
            fn(**kwargs)
        assert e.value.argument == arg


def test_a_block_length_near_n_is_refused():
    """b = n made every replicate a rotation of the sample: T* was rounding noise (-8.3e7) and p = 1.0."""
    x = np.random.default_rng(0).normal(0.001, 0.01, 300)
    for scheme in ("moving", "circular", "stationary"):
        with pytest.raises(InputError, match="at least two blocks per replicate"):
            mean_test(x, bootstrap=scheme, block_length=300, reps=199, seed=1)
    assert 0.0 < mean_test(x, bootstrap="moving", block_length=150, reps=199, seed=1).pvalue <= 1.0


def test_sharpe_test_warns_on_sparse_returns():
    x = np.r_[np.zeros(99), 0.01]
    with pytest.warns(UserWarning, match="only 1 of 100 returns are non-zero"):
        sharpe_test(x, reps=199, seed=1, check_returns=False)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sharpe_test(np.random.default_rng(0).normal(0, 0.01, 100), reps=199, seed=1)


@pytest.mark.parametrize("call", [
    lambda r: mean_test(r, method="hac"),
    lambda r: sharpe_test(r, method="lo"),
    lambda r: sharpe_test(r, method="normal"),
    lambda r: ac.probabilistic_sharpe_ratio(r),
    lambda r: ac.sharpe_se(r, method="mertens"),
    lambda r: ac.min_track_record_length(r),
])
def test_large_sample_laws_refuse_a_handful_of_returns(call):
    """On 3 returns the HAC mean test said p = 2.6e-7 and Lo's Sharpe test p = 0.006: asymptotic laws need data."""
    with pytest.raises(InputError, match="needs at least 10 observations") as info:
        call([0.01, 0.02, 0.025])
    assert info.value.argument == "returns"


def test_exact_t_test_runs_on_few_returns_and_unused_maxlags_are_refused():
    assert mean_test([0.01, 0.02, 0.025], method="t").pvalue == pytest.approx(0.0532707, rel=1e-5)
    r = np.random.default_rng(0).normal(0, 0.01, 200)
    for call in (lambda: mean_test(r, maxlags=5), lambda: sharpe_test(r, maxlags=5, reps=99)):
        with pytest.raises(InputError, match="does not use it") as info:
            call()
        assert info.value.argument == "maxlags"
    with pytest.raises(InputError, match="must be >= 0"):
        mean_test(r, method="hac", maxlags=-1)


def test_jensen_alpha_and_ic_test_refuse_an_unused_maxlags():
    rng = np.random.default_rng(0)
    b = rng.normal(0, 0.01, 300)
    r = 0.5 * b + rng.normal(0, 0.01, 300)
    for call in (lambda: ac.jensen_alpha(r, b, method="bootstrap", maxlags=3, reps=99),
                 lambda: ac.jensen_alpha(r, b, method="iid", maxlags=3),
                 lambda: ac.ic_test(b, r, method="t", maxlags=3),
                 lambda: ac.ic_test(b, r, maxlags=3, reps=99)):  # "auto" on pooled data is the permutation test
        with pytest.raises(InputError) as info:
            call()
        assert info.value.argument == "maxlags"
    assert 0 < ac.ic_test(b, r, method="hac", maxlags=3).pvalue <= 1  # the method that uses it accepts it
