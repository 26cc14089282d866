"""Tests for alphacheck.sharpe: each formula recomputed by hand from scipy moments."""

import math

import numpy as np
import pytest
from scipy import stats

from alphacheck import InputError
from alphacheck.sharpe import (
    EULER_GAMMA,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    lo_eta,
    min_track_record_length,
    probabilistic_sharpe_ratio,
    sharpe_ratio,
    sharpe_se,
)

X = 0.01 * np.random.default_rng(7).standard_t(5, 750) + 0.001
N = X.size
SR = X.mean() / X.std(ddof=1)
G3 = stats.skew(X)
G4 = stats.kurtosis(X, fisher=False)


def test_sharpe_and_se_by_hand():
    assert sharpe_ratio(X) == pytest.approx(SR)
    assert sharpe_ratio(X, periods_per_year=252) == pytest.approx(SR * math.sqrt(252))
    assert sharpe_se(X) == pytest.approx(math.sqrt((1 + SR**2 / 2) / N))
    mert = math.sqrt((1 + SR**2 / 2 - G3 * SR + (G4 - 3) / 4 * SR**2) / N)
    assert sharpe_se(X, method="mertens") == pytest.approx(mert)
    assert sharpe_se(X, method="mertens", periods_per_year=12) == pytest.approx(mert * math.sqrt(12))


def test_mertens_reduces_to_normal_for_normal_data():
    z = np.random.default_rng(1).standard_normal(400_000) + 0.1
    assert sharpe_se(z, method="mertens", check_returns=False) / sharpe_se(z, method="normal", check_returns=False) == \
        pytest.approx(1, abs=0.005)  # unit-variance draws


def test_lo_eta_by_hand():
    e = np.random.default_rng(2).standard_normal(3000)
    x = e.copy()
    for t in range(1, x.size):
        x[t] = 0.2 * x[t - 1] + e[t]
    q = 12
    xc = x - x.mean()
    rho = [np.sum(xc[k:] * xc[:-k]) / np.sum(xc**2) for k in range(1, q)]
    eta = q / math.sqrt(q + 2 * sum((q - k) * rho[k - 1] for k in range(1, q)))
    assert lo_eta(x, q) == pytest.approx(eta)
    assert lo_eta(x, q) < math.sqrt(q)  # positive autocorrelation shrinks the annualization factor
    assert sharpe_se(x, method="lo", periods_per_year=q, check_returns=False) == pytest.approx(
        sharpe_se(x, method="lo", check_returns=False) * eta)  # unit-variance draws


def test_psr_by_hand():
    sr_star = 0.02
    z = (SR - sr_star) * math.sqrt(N - 1) / math.sqrt(1 - G3 * SR + (G4 - 1) / 4 * SR**2)
    r = probabilistic_sharpe_ratio(X, benchmark_sharpe=sr_star)
    # 0.2: the PSR itself is `.probability`; `.estimate` is now the Sharpe ratio under test
    assert r.probability == pytest.approx(stats.norm.cdf(z))
    assert r.estimate == pytest.approx(SR)
    assert r.pvalue == pytest.approx(1 - stats.norm.cdf(z))
    r_ann = probabilistic_sharpe_ratio(X, benchmark_sharpe=sr_star * math.sqrt(252), periods_per_year=252)
    assert r_ann.probability == pytest.approx(r.probability)
    # H0 given annually is stated in the per-period units of the estimate, its se and interval too
    assert r_ann.null == f"Sharpe ratio <= {sr_star * math.sqrt(252):g} annualized, i.e. {sr_star:.4g} per period"
    assert "(per period)" in r.null


def test_dsr_by_hand_and_n1():
    n_trials, v = 20, 0.002
    sr0 = math.sqrt(v) * ((1 - EULER_GAMMA) * stats.norm.ppf(1 - 1 / n_trials)
                          + EULER_GAMMA * stats.norm.ppf(1 - 1 / (n_trials * math.e)))
    z = (SR - sr0) * math.sqrt(N - 1) / math.sqrt(1 - G3 * SR + (G4 - 1) / 4 * SR**2)
    r = deflated_sharpe_ratio(X, n_trials=n_trials, trial_sharpe_variance=v)
    # 0.2: the DSR itself is `.probability`; `.estimate` is the Sharpe ratio
    assert r.probability == pytest.approx(stats.norm.cdf(z))
    ts = np.random.default_rng(3).normal(0, 0.05, 20)
    r2 = deflated_sharpe_ratio(X, n_trials=20, trial_sharpes=ts)
    assert r2.details["trial_sharpe_variance_per_period"] == pytest.approx(ts.var(ddof=1))
    assert deflated_sharpe_ratio(X, n_trials=1).probability == pytest.approx(probabilistic_sharpe_ratio(X).probability)
    assert r.probability < probabilistic_sharpe_ratio(X).probability


def test_min_track_record_by_hand():
    m = 1 + (1 - G3 * SR + (G4 - 1) / 4 * SR**2) * (stats.norm.ppf(0.95) / SR) ** 2
    assert min_track_record_length(X) == pytest.approx(m)
    assert min_track_record_length(-X) == math.inf


def test_expected_max_sharpe_vs_monte_carlo():
    rng = np.random.default_rng(5)
    n_trials, T = 50, 250
    v = 1 / T  # variance of a Sharpe estimate of a zero-mean normal series
    sims = rng.standard_normal((2000, n_trials, T))
    srs = sims.mean(axis=2) / sims.std(axis=2, ddof=1)
    mc = srs.max(axis=1).mean()
    assert expected_max_sharpe(n_trials, trial_sharpe_variance=v) == pytest.approx(mc, rel=0.04)
    assert expected_max_sharpe(1, trial_sharpe_variance=v, mean_sharpe=0.1) == 0.1


def test_bad_inputs():
    with pytest.raises(InputError, match="method"):
        sharpe_se(X, method="bogus")
    with pytest.raises(InputError, match="returns"):
        sharpe_ratio([0.01] * 10)
    with pytest.raises(InputError, match="n_trials"):
        deflated_sharpe_ratio(X, n_trials=0, trial_sharpe_variance=0.1)
    with pytest.raises(InputError, match="trial_sharpe_variance"):
        deflated_sharpe_ratio(X, n_trials=5)
    with pytest.raises(InputError, match="confidence_level"):
        min_track_record_length(X, confidence_level=1.5)


def test_dsr_reproduces_the_papers_numerical_example():
    """Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", numerical example: 100 trials with
    annualized trial-Sharpe variance 0.5, the selected strategy's annualized SR 2.5 over 5 years of daily
    returns (T = 1,250, 250 days a year), skewness −3, kurtosis 10 -> SR0 ≈ 0.1132 per day, DSR ≈ 0.9004."""
    from alphacheck.sharpe import deflated_sharpe_ratio_from_stats

    r = deflated_sharpe_ratio_from_stats(2.5, n_obs=1250, n_trials=100, trial_sharpe_variance=0.5, skewness=-3,
                                         kurtosis=10, periods_per_year=250)
    assert r.details["sr0_per_period"] == pytest.approx(0.1132, abs=5e-5)
    # 0.2: the DSR is `.probability` (`.estimate` is the Sharpe ratio)
    assert r.probability == pytest.approx(0.9004, abs=1e-3)
    # the same numbers written out from the paper's equations
    sr0 = math.sqrt(0.5 / 250) * ((1 - EULER_GAMMA) * stats.norm.ppf(1 - 1 / 100)
                                  + EULER_GAMMA * stats.norm.ppf(1 - 1 / (100 * math.e)))
    sr = 2.5 / math.sqrt(250)
    z = (sr - sr0) * math.sqrt(1249) / math.sqrt(1 + 3 * sr + 9 / 4 * sr**2)
    assert r.probability == pytest.approx(stats.norm.cdf(z), rel=1e-12)


def test_dsr_from_returns_equals_dsr_from_their_statistics():
    from alphacheck.sharpe import deflated_sharpe_ratio_from_stats

    a = deflated_sharpe_ratio(X, n_trials=40, trial_sharpe_variance=0.002)
    b = deflated_sharpe_ratio_from_stats(SR, n_obs=N, n_trials=40, trial_sharpe_variance=0.002, skewness=G3,
                                         kurtosis=G4)
    assert a.probability == pytest.approx(b.probability, rel=1e-12)
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12)
    with pytest.raises(InputError, match="trial_sharpe_variance"):
        deflated_sharpe_ratio_from_stats(1.0, n_obs=100, n_trials=10, trial_sharpe_variance=-1.0)
    with pytest.raises(InputError, match="n_obs"):
        deflated_sharpe_ratio_from_stats(1.0, n_obs=1, n_trials=10, trial_sharpe_variance=0.1)
