"""Drawdown inference, the Magdon-Ismail expected maximum drawdown, and the metrics' standard errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import linalg, stats

from alphacheck._inputs import InputError
from alphacheck.risk import (
    drawdown_distribution,
    drawdown_test,
    expected_max_drawdown,
    max_drawdown,
    performance_summary,
)
from alphacheck.risk.inference import _expected_mdd_unit, _hitting_cdf, path_statistics
from alphacheck.risk.metrics import metric_influence

# ---------------------------------------------------------------------------------------------- path statistics


def test_path_statistics_equal_max_drawdown_path_by_path():
    rng = np.random.default_rng(0)
    paths = rng.normal(0.0003, 0.02, (60, 300))
    paths[5] = np.abs(paths[5])  # never under water
    st = path_statistics(paths)
    for i in range(60):
        dd = max_drawdown(paths[i], check_returns=False)
        assert st["max_drawdown"][i] == pytest.approx(dd.max_drawdown, abs=1e-15)
        assert st["longest_underwater"][i] == dd.longest_underwater
        if dd.peak is None:
            assert st["time_to_recovery"][i] == 0
        elif dd.recovery is None:
            assert st["time_to_recovery"][i] == math.inf
        else:
            assert st["time_to_recovery"][i] == dd.recovery - dd.trough


def test_drawdown_distribution_percentile_and_reproducibility():
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2020-01-01", periods=500)
    r = pd.Series(rng.normal(0.0005, 0.01, 500), idx)
    a = drawdown_distribution(r, reps=999, seed=3)
    b = drawdown_distribution(r, reps=999, seed=3, n_jobs=1)
    np.testing.assert_array_equal(a.replicates["max_drawdown"], b.replicates["max_drawdown"])
    mdd = a.replicates["max_drawdown"]
    assert a.observed["max_drawdown"] == pytest.approx(max_drawdown(r).max_drawdown)
    assert a.max_drawdown_percentile == pytest.approx(100 * np.mean(mdd > a.observed["max_drawdown"]))
    assert a.table.loc["max_drawdown", "q_low"] <= a.table.loc["max_drawdown", "median"] <= 0
    assert 0 <= a.censored_share <= 1 and "Bootstrap law" in a.summary()
    # a path whose losses all come together is extreme in its own bootstrap law
    sorted_path = np.sort(rng.normal(0.0005, 0.01, 500))[::-1]
    ext = drawdown_distribution(sorted_path, reps=499, bootstrap="iid", seed=4)
    assert ext.max_drawdown_percentile > 99.0


def test_drawdown_test_rejects_a_broken_claim_and_keeps_a_true_one():
    rng = np.random.default_rng(3)
    live = rng.normal(-0.001, 0.01, 500)
    res = drawdown_test(live, mean=0.001, volatility=0.01, reps=999, seed=0)
    assert res.pvalue < 0.05 and res.alternative == "less" and res.bootstrap_distribution.shape == (999,)
    assert res.pvalue == (1 + np.count_nonzero(res.bootstrap_distribution <= res.statistic)) / 1000
    assert res.details["predicted_low"] < res.details["predicted_median"] < 0
    # every drawdown in the result is signed <= 0, the Brownian reference too (-E[D_T] in log wealth, its fraction)
    e = expected_max_drawdown(mean=0.001 - 0.01**2 / 2, volatility=0.01, n_obs=500)
    assert res.details["brownian_expected_log_drawdown"] == pytest.approx(-e, rel=1e-12)
    assert res.details["brownian_expected_max_drawdown"] == pytest.approx(math.exp(-e) - 1, rel=1e-12)
    ok = drawdown_test(rng.normal(0.001, 0.01, 500), mean=0.001, volatility=0.01, method="normal", reps=999, seed=1)
    assert ok.pvalue > 0.05
    with pytest.raises(InputError, match="volatility"):
        drawdown_test(live, mean=0.0, volatility=-0.01)


# ---------------------------------------------------------------------------------------------- Magdon-Ismail


def _series_survival(hh: float, m: float) -> float:
    """Reference: P(D_1 < hh) by the eigenfunction series of the reflected drawdown (well-conditioned for
    m >= 0 and mild negative drifts); an independent route from the Laplace inversion of the library."""
    c = m * hh
    count = int(3.5 * hh + 40)
    n = np.arange(1, count + 1, dtype=float)
    if abs(c) < 1e-12:
        z = (n - 0.5) * math.pi
        return float(np.sum(4 * (-1) ** (n + 1) / ((2 * n - 1) * math.pi) * np.exp(-(z**2) / (2 * hh**2))))
    lo, hi = ((n * math.pi, n * math.pi + math.pi / 2) if c > 0 else ((n - 0.5) * math.pi, n * math.pi))
    if 0 < c < 1:
        lo, hi = np.r_[1e-300, lo], np.r_[math.pi / 2, hi]
    z = np.array([__import__("scipy.optimize").optimize.brentq(lambda v: c * math.sin(v) - v * math.cos(v), a, b,
                                                                 xtol=1e-15) for a, b in zip(lo, hi)])
    s = float(np.sum(z * np.sin(z) / ((c**2 + z**2) * (0.5 - np.sin(2 * z) / (4 * z)))
                     * np.exp(-c - (z**2 + c**2) / (2 * hh**2))))
    if c > 1:
        from scipy import optimize

        # the root η of tanh η = η/c through δ = c − η (η is within 2c e^{-2c} of c: c² − η² must not cancel)
        delta = optimize.brentq(lambda dl: c * math.tanh(c - dl) - (c - dl), 1e-300, c * (1 - 1e-9), xtol=1e-300,
                                rtol=1e-15)
        eta, c2e2 = c - delta, delta * (2 * c - delta)
        s += (eta * math.exp(-c) * math.sinh(eta) / (c2e2 * (math.sinh(2 * eta) / (4 * eta) - 0.5))
              * math.exp(-c2e2 / (2 * hh**2)))
    return s


def _collocation_survival(hh: float, m: float, points: int = 60) -> float:
    """Reference: Chebyshev collocation of u_t = u_yy/2 − m u_y on [0, hh] (u_y(0) = 0, u(hh) = 0), expm in t."""
    x = np.cos(np.pi * np.arange(points + 1) / points)
    cc = np.r_[2.0, np.ones(points - 1), 2.0] * (-1.0) ** np.arange(points + 1)
    d = np.outer(cc, 1 / cc) / (x[:, None] - x[None, :] + np.eye(points + 1))
    d -= np.diag(d.sum(axis=1))
    dy = d * 2 / hh
    op = 0.5 * dy @ dy - m * dy
    inner = np.arange(1, points)
    elim = -dy[points, inner] / dy[points, points]
    red = op[np.ix_(inner, inner)] + np.outer(op[inner, points], elim)
    return float(elim @ (linalg.expm(red) @ np.ones(points - 1)))


@pytest.mark.parametrize("m,hh", [(0.0, 1.0), (0.5, 1.0), (3.0, 0.5), (3.0, 2.0), (-0.5, 1.0), (-1.4, 4.0)])
def test_hitting_law_equals_the_eigen_series(m, hh):
    assert 1 - _hitting_cdf(np.array([hh]), m)[0] == pytest.approx(_series_survival(hh, m), abs=1e-11)


@pytest.mark.parametrize("m,hh", [(-3.0, 3.0), (-3.0, 6.0), (-2.0, 8.0)])
def test_hitting_law_equals_collocation_for_strong_negative_drift(m, hh):
    big_m = 32 if m * m / 2 <= 10 else 40
    assert 1 - _hitting_cdf(np.array([hh]), m, big_m)[0] == pytest.approx(_collocation_survival(hh, m), abs=1e-9)


def test_expected_max_drawdown_closed_form_limits_and_scaling():
    # μ = 0: σ sqrt(πT/2) (Magdon-Ismail et al. 2004, eq. (11))
    assert expected_max_drawdown(mean=0.0, volatility=0.02, n_obs=500) == pytest.approx(
        0.02 * math.sqrt(math.pi * 500 / 2), rel=1e-10)
    # the large-x limits Q_p(x) ~ ¼ log x + 0.49088, Q_n(x) ~ x + ½
    for x in (1000.0, 5000.0):
        m = math.sqrt(2 * x)
        assert m / 2 * _expected_mdd_unit(m) == pytest.approx(0.25 * math.log(x) + 0.49088, abs=1e-3)
    for x in (10.0, 14.0):
        m = -math.sqrt(2 * x)
        assert -m / 2 * _expected_mdd_unit(m) == pytest.approx(x + 0.5, abs=1e-4)
    # small drift: dE[D]/dm at 0 is E[D W_1] (Girsanov) = -0.409 ± 0.011 by Monte Carlo (80,000 paths)
    slope = (_expected_mdd_unit(1e-3) - _expected_mdd_unit(-1e-3)) / 2e-3
    assert slope == pytest.approx(-0.409, abs=0.035)
    # drift lowers the expected drawdown, scaling: E[D](μ, σ, T) = σ√T E[D_1](μ√T/σ)
    e1 = expected_max_drawdown(mean=0.0005, volatility=0.01, n_obs=250)
    assert e1 < 0.01 * math.sqrt(math.pi * 250 / 2)
    assert expected_max_drawdown(mean=0.001, volatility=0.02, n_obs=250) == pytest.approx(2 * e1, rel=1e-12)


def test_expected_max_drawdown_against_simulation():
    """Random walks of 4,000 steps, 4,000 paths: within 2 % of the formula after the discrete-sampling shift of
    2 × 0.5826 σ (Asmussen, Glynn & Pitman 1995) plus Monte-Carlo error."""
    rng = np.random.default_rng(12)
    mu, sigma, t = -0.00025, 0.01, 4000
    x = np.cumsum(mu + sigma * rng.standard_normal((4000, t)), axis=1)
    x = np.concatenate([np.zeros((4000, 1)), x], axis=1)
    sim = float(np.mean((np.maximum.accumulate(x, axis=1) - x).max(axis=1)))
    ref = expected_max_drawdown(mean=mu, volatility=sigma, n_obs=t)
    assert abs((sim + 2 * 0.5826 * sigma) / ref - 1) < 0.02


# ---------------------------------------------------------------------------------------------- metrics


def test_influence_functions_have_mean_zero_and_match_estimates():
    rng = np.random.default_rng(5)
    x = rng.standard_t(6, 3000) * 0.01 + 0.0005
    for m in ("sortino", "omega", "var", "cvar", "hit_rate", "skewness", "kurtosis"):
        _, psi = metric_influence(x, m)
        assert abs(psi.mean()) < 1e-8 * max(1.0, np.abs(psi).max()) or m == "var"
    assert metric_influence(x, "skewness")[0] == pytest.approx(stats.skew(x), rel=1e-12)
    assert metric_influence(x, "kurtosis")[0] == pytest.approx(stats.kurtosis(x), rel=1e-12)
    assert metric_influence(x, "var")[0] == pytest.approx(-np.quantile(x, 0.05), rel=1e-12)
    q = np.quantile(x, 0.05)
    assert metric_influence(x, "cvar")[0] == pytest.approx(-x[x <= q].mean(), rel=1e-12)


def test_influence_functions_are_gateaux_derivatives():
    """(T(F_ε) − T(F_n))/ε -> ψ(z) for F_ε = (1 − ε) F_n + ε δ_z: the formulas are the derivatives (smooth metrics)."""
    rng = np.random.default_rng(6)
    x = rng.normal(0.0005, 0.01, 4000)
    z = -0.013
    data = np.r_[x, z]

    def functional(metric, w):
        mu = np.sum(w * data)
        if metric == "sortino":
            return mu / math.sqrt(np.sum(w * np.minimum(data, 0) ** 2))
        if metric == "omega":
            return np.sum(w * np.maximum(data, 0)) / np.sum(w * np.maximum(-data, 0))
        sd = math.sqrt(np.sum(w * (data - mu) ** 2))
        if metric == "skewness":
            return np.sum(w * ((data - mu) / sd) ** 3)
        return np.sum(w * ((data - mu) / sd) ** 4) - 3

    eps = 1e-6
    w0 = np.r_[np.full(x.size, 1 / x.size), 0.0]
    w1 = np.r_[np.full(x.size, (1 - eps) / x.size), eps]
    for metric in ("sortino", "omega", "skewness", "kurtosis"):
        num = (functional(metric, w1) - functional(metric, w0)) / eps
        assert num == pytest.approx(_psi_at(metric, x, z), rel=2e-3), metric
        # the library's ψ at an observation equals the formula with the sample's moments
        _, psi = metric_influence(x, metric)
        assert psi[0] == pytest.approx(_psi_at(metric, x, x[0]), rel=1e-9, abs=1e-12), metric


def _psi_at(metric, x, z):
    mu, sd = x.mean(), x.std()
    if metric == "sortino":
        d2 = np.mean(np.minimum(x, 0) ** 2)
        s = mu / math.sqrt(d2)
        return (z - mu) / math.sqrt(d2) - s / (2 * d2) * (min(z, 0) ** 2 - d2)
    if metric == "omega":
        u, lo = np.mean(np.maximum(x, 0)), np.mean(np.maximum(-x, 0))
        return (max(z, 0) - u) / lo - u / lo**2 * (max(-z, 0) - lo)
    g = np.mean(((x - mu) / sd) ** 3)
    k = np.mean(((x - mu) / sd) ** 4)
    zz = (z - mu) / sd
    if metric == "skewness":
        return zz**3 - g - 3 * zz - 1.5 * g * (zz**2 - 1)
    return zz**4 - 4 * g * zz - 2 * k * zz**2 + k


def test_metric_standard_errors_match_iid_normal_theory():
    """iid N: se(skew) ≈ sqrt(6/n), se(excess kurtosis) ≈ sqrt(24/n), se(hit rate) = sqrt(p(1 − p)/n),
    se(VaR) = sqrt(α(1 − α)/n)/f(q) (Kendall & Stuart; the quantile's asymptotic variance)."""
    rng = np.random.default_rng(8)
    n = 20_000
    x = rng.normal(0.0, 0.01, n)
    tab = performance_summary(x, reps=199, seed=1, check_returns=False).table
    assert tab.loc["skewness", "se"] == pytest.approx(math.sqrt(6 / n), rel=0.08)
    assert tab.loc["kurtosis", "se"] == pytest.approx(math.sqrt(24 / n), rel=0.12)
    p = np.mean(x > 0)
    assert tab.loc["hit_rate", "se"] == pytest.approx(math.sqrt(p * (1 - p) / n), rel=0.05)
    f = stats.norm.pdf(stats.norm.ppf(0.05, scale=0.01), scale=0.01)
    assert tab.loc["var", "se"] == pytest.approx(math.sqrt(0.05 * 0.95 / n) / f, rel=0.1)
    assert (tab["ci_low"] <= tab["estimate"]).all() and (tab["estimate"] <= tab["ci_high"]).all()


def test_performance_summary_table_dates_and_dependence():
    rng = np.random.default_rng(9)
    idx = pd.bdate_range("2018-01-01", periods=1000)
    e = rng.normal(0, 0.01, 1000)
    ar = np.empty(1000)
    ar[0] = e[0]
    for t in range(1, 1000):
        ar[t] = 0.5 * ar[t - 1] + e[t]
    s = performance_summary(pd.Series(0.0005 + ar, idx), reps=299, seed=2)
    assert 240 < s.periods_per_year < 265 and "annual" in s.table.loc["calmar", "description"]
    iid = performance_summary(0.0005 + e * np.sqrt(4 / 3), reps=299, seed=2, check_returns=False)
    # positive autocorrelation widens the hit-rate and Sortino standard errors (long-run variance of ψ)
    assert s.table.loc["sortino", "se"] > 1.3 * iid.table.loc["sortino", "se"]
    assert list(s.to_frame().columns[:4]) == ["estimate", "se", "ci_low", "ci_high"]
    with pytest.raises(InputError, match="threshold"):
        performance_summary(ar + 1.0, threshold=-5.0, check_returns=False)


@pytest.mark.parametrize("n, b", [(50_000, 50.0), (2_000, 2.3), (37, 3.0), (5_000, 5_000.0)])
def test_resampled_tail_quantiles_equal_numpy(n, b):
    # the bootstrap's 5 % / 95 % quantiles by rank counting: numpy's "linear" quantile to the bit, with ties
    from alphacheck._resample import bootstrap_indices
    from alphacheck.risk.metrics import _TAILS, _resampled_quantiles

    x = np.random.default_rng(n).standard_t(4, n) * 0.01
    x[::7] = x[0]
    order = np.argsort(x, kind="stable")
    rank = np.empty(n, dtype=np.int32)
    rank[order] = np.arange(n)
    idx = bootstrap_indices(n, reps=30, block_length=b, seed=3)
    assert np.array_equal(_resampled_quantiles(rank[idx], x[order], _TAILS), np.quantile(x[idx], _TAILS, axis=1))
    # a row drawn entirely from one end of the sample has too few draws near the other: the fallback
    lopsided = np.vstack([rank[idx[0]], np.full(n, n - 1), np.arange(n) % 3])
    got = _resampled_quantiles(lopsided.astype(np.int32), x[order], _TAILS)
    assert np.array_equal(got, np.quantile(x[order][lopsided], _TAILS, axis=1))


def _compounded_extremes(x: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = np.cumprod(1.0 + x[idx], axis=1)
    peak = np.maximum(np.maximum.accumulate(w, axis=1), 1.0)
    return np.minimum((w / peak).min(axis=1) - 1.0, 0.0), np.log(w[:, -1])


@pytest.mark.parametrize("method, b, reach", [("stationary", 12.0, 400), ("circular", 9.0, 9), ("moving", 7.0, 7),
                                              ("stationary", 40.0, 4), ("circular", 33.0, 2)])
def test_block_path_extremes_equal_compounding(method, b, reach):
    # range-table drawdown of each block in O(1) (and blocks wider than the tables cut into pieces) equals the
    # compounded resampled path, wrapping blocks included
    from alphacheck._resample import _plan_indices, bootstrap_plan
    from alphacheck.risk._block_paths import block_path_extremes, range_tables

    rng = np.random.default_rng(int(b))
    x = rng.standard_t(4, 3_000) * 0.01 + 0.0002
    x[100:400] = np.abs(x[100:400])  # a long climb, then a crash: drawdowns that span many blocks
    x[400:420] = -0.05
    plan = bootstrap_plan(x.size, reps=40, method=method, block_length=b, seed=5)
    tables = range_tables(x, reach)
    assert tables.widest <= max(reach, 1)
    mdd, log_end = block_path_extremes(tables, plan)
    ref_mdd, ref_end = _compounded_extremes(x, _plan_indices(plan))
    np.testing.assert_allclose(mdd, ref_mdd, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(log_end, ref_end, rtol=1e-10, atol=1e-12)
    assert (mdd < 0).all()


def test_block_path_extremes_of_a_path_that_never_falls():
    from alphacheck._resample import bootstrap_plan
    from alphacheck.risk._block_paths import block_path_extremes, range_tables

    x = np.full(500, 0.001)
    mdd, log_end = block_path_extremes(range_tables(x, 64), bootstrap_plan(500, 10, "stationary", 8.0, seed=1))
    assert np.array_equal(mdd, np.zeros(10))
    np.testing.assert_allclose(log_end, 500 * np.log1p(0.001), rtol=1e-12)


@pytest.mark.parametrize("method, b", [("stationary", 25.0), ("circular", 12.0), ("moving", 30.0)])
def test_path_draws_by_blocks_equal_expanded_paths(monkeypatch, method, b):
    # the two routes of path_draws see the same replicates: drawdown and Calmar to rounding, tail quantiles bit-equal
    from alphacheck.risk import metrics

    rng = np.random.default_rng(7)
    x = rng.standard_t(4, 4_000) * 0.01
    x[::11] = x[3]  # ties in the tails' ranks
    kw = dict(reps=130, bootstrap=method, block_length=b, seed=11, n_jobs=2, periods_per_year=252.0)
    blocks = metrics.path_draws(x, **kw)
    monkeypatch.setattr(metrics, "_BLOCK_PATHS_FROM", np.inf)
    expanded = metrics.path_draws(x, **kw)
    assert np.array_equal(blocks["tail_ratio"], expanded["tail_ratio"])
    np.testing.assert_allclose(blocks["max_drawdown"], expanded["max_drawdown"], rtol=1e-12)
    np.testing.assert_allclose(blocks["calmar"], expanded["calmar"], rtol=1e-9)
    # and the same bits on any thread count (the slices are fixed by the plan, not by the threads)
    monkeypatch.setattr(metrics, "_BLOCK_PATHS_FROM", 10.0)
    one = metrics.path_draws(x, **{**kw, "n_jobs": 1})
    assert all(np.array_equal(one[k], blocks[k]) for k in blocks)
