"""Tests for alphacheck.alpha against statsmodels, closed forms and planted effects."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from alphacheck import newey_west_lags
from alphacheck._hac import fixed_b_critical_value, fixed_b_pvalue, long_run_variance
from alphacheck._inputs import InputError
from alphacheck._ols import paired_bootstrap
from alphacheck._resample import bootstrap_indices, bootstrap_plan
from alphacheck._results import TestResult
from alphacheck.alpha import (
    AlphaResult,
    UpDownBetaResult,
    beta_adjusted,
    jensen_alpha,
    spread_test,
    updown_beta,
)


def _world(n=600, alpha=0.0, beta=1.3, seed=0, pandas=True, ar=0.0):
    rng = np.random.default_rng(seed)
    b = rng.standard_normal(n) * 0.02
    c = rng.standard_normal((n, 2)) * 0.01
    e = rng.standard_normal(n) * 0.01
    for t in range(1, n):
        e[t] += ar * e[t - 1]
    r = alpha + beta * b + c @ np.array([0.4, -0.2]) + e
    if not pandas:
        return r, b, c
    idx = pd.date_range("2021-01-01", periods=n, freq="h")
    return (
        pd.Series(r, idx, name="strat"),
        pd.Series(b, idx, name="btc"),
        pd.DataFrame(c, idx, columns=["mom", "size"]),
    )


def _design(r, b, c):
    return np.column_stack([np.ones(len(b)), np.asarray(b), np.asarray(c)]), np.asarray(r)


def _newey_west_by_hand(X, resid, L):
    """Newey-West (1987) sandwich: (X'X)^-1 [S0 + sum_j w_j (Sj + Sj')] (X'X)^-1, w_j = 1 - j/(L+1)."""
    u = X * resid[:, None]
    S = u.T @ u
    for j in range(1, L + 1):
        G = u[j:].T @ u[:-j]
        S += (1 - j / (L + 1)) * (G + G.T)
    bread = np.linalg.inv(X.T @ X)
    return bread @ S @ bread


# ------------------------------------------------------------------ analytic covariances


def test_lag_rule():
    assert [newey_west_lags(n) for n in (100, 500, 1000, 10_000)] == [4, 5, 6, 11]
    assert newey_west_lags(250) == int(np.floor(4 * 2.5 ** (2 / 9)))


def test_hac_matches_statsmodels_and_hand_formula_with_controls():
    r, b, c = _world(ar=0.4)
    res = jensen_alpha(r, b, c)
    X, y = _design(r, b, c)
    L = newey_west_lags(len(y))
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L})
    assert res.maxlags == L and "Newey-West HAC" in res.method  # 0.2: cov_type removed, method says it
    np.testing.assert_allclose(res.table["coef"], ref.params, rtol=1e-12)
    np.testing.assert_allclose(res.table["se"], ref.bse, rtol=1e-12)
    np.testing.assert_allclose(res.table["t"], ref.tvalues, rtol=1e-12)
    np.testing.assert_allclose(res.table["pvalue"], ref.pvalues, rtol=1e-10)
    np.testing.assert_allclose(res.table[["ci_low", "ci_high"]], ref.conf_int(), rtol=1e-12)
    assert res.alpha == pytest.approx(ref.params[0], rel=1e-12)
    assert res.pvalue == pytest.approx(ref.pvalues[0], rel=1e-10)
    assert res.estimate == res.alpha and res.se == pytest.approx(ref.bse[0], rel=1e-12)
    assert res.statistic == pytest.approx(ref.tvalues[0], rel=1e-12)
    assert res.confidence_interval() == pytest.approx(tuple(ref.conf_int()[0]), rel=1e-12)
    assert res.beta == pytest.approx(ref.params[1], rel=1e-12)
    assert list(res.betas.index) == ["benchmark", "mom", "size"]
    # independent: the sandwich written out, normal p-values, no small-sample correction
    cov = _newey_west_by_hand(X, y - X @ ref.params, L)
    np.testing.assert_allclose(res.table["se"], np.sqrt(np.diag(cov)), rtol=1e-10)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(res.alpha / np.sqrt(cov[0, 0]))), rel=1e-9)


def test_hac_explicit_maxlags_matches_statsmodels():
    r, b, c = _world(n=300, seed=3, pandas=False)
    res = jensen_alpha(r, b, c, maxlags=12)
    X, y = _design(r, b, c)
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 12})
    np.testing.assert_allclose(res.table["se"], ref.bse, rtol=1e-12)
    assert res.maxlags == 12


def test_hac_fixed_b_keeps_se_and_t_and_uses_the_fixed_b_law():
    r, b, c = _world(n=400, alpha=0.0015, seed=11, ar=0.3)
    fb = jensen_alpha(r, b, c, hac_pvalues="fixed-b")
    assert fb.maxlags == max(newey_west_lags(400), 40)  # proportional default bandwidth b = 0.1
    norm = jensen_alpha(r, b, c, maxlags=fb.maxlags)
    assert norm.details["hac_pvalues"] == "normal" and fb.details["hac_pvalues"] == "fixed-b"
    np.testing.assert_array_equal(fb.table[["coef", "se", "t"]], norm.table[["coef", "se", "t"]])
    n, L = fb.n, fb.maxlags
    np.testing.assert_array_equal(fb.table["pvalue"], fixed_b_pvalue(fb.table["t"].to_numpy(), n=n, maxlags=L))
    crit = fixed_b_critical_value(n, L, confidence_level=0.95)
    # 0.2: critical_value is no longer a field; the intervals are cut with it (normal: z_0.975)
    z = stats.norm.ppf(0.975)
    assert crit > z == pytest.approx(1.959963984540054)
    np.testing.assert_allclose(fb.table["ci_low"], fb.table["coef"] - crit * fb.table["se"], rtol=1e-12)
    np.testing.assert_allclose(fb.table["ci_high"], fb.table["coef"] + crit * fb.table["se"], rtol=1e-12)
    np.testing.assert_allclose(norm.table["ci_low"], norm.table["coef"] - z * norm.table["se"], rtol=1e-12)
    assert fb.confidence_interval() == pytest.approx(
        (fb.table["ci_low"].iloc[0], fb.table["ci_high"].iloc[0]), rel=1e-12)
    assert 0.001 < norm.pvalue < fb.pvalue  # heavier tails than N(0, 1)
    assert fb.pvalue == fb.table["pvalue"].iloc[0]
    g = jensen_alpha(r, b, c, hac_pvalues="fixed-b", alternative="greater")
    assert fb.statistic > 0 and g.pvalue == pytest.approx(fb.pvalue / 2, rel=1e-12)
    # 0.2 (on purpose): the one-sided test has the one-sided interval [alpha - c_0.95 se, inf), c_0.95 the
    # one-sided 95% point of the symmetric fixed-b law = its two-sided 90% critical value
    c_one = fixed_b_critical_value(n, L, confidence_level=0.90)
    assert g.confidence_interval() == pytest.approx((g.estimate - c_one * g.se, np.inf), rel=1e-12)
    assert "fixed-b" in fb.method and "fixed-b" in fb.summary() and "normal p-value" in norm.method


def test_hac_fixed_b_critical_value_matches_kiefer_vogelsang_for_a_regression():
    # b = (L + 1) / n = 0.1: KV (2005) Bartlett 5% two-sided critical value 1.96 + 2.9694 b + 0.4160 b^2 - 0.5324 b^3;
    # a regression t equal to it has a fixed-b p-value of ~5% (the normal would say ~0.3%)
    r, b, c = _world(n=500, seed=12, pandas=False)
    res = jensen_alpha(r, b, c, maxlags=49, hac_pvalues="fixed-b", confidence_level=0.95)
    kv = 1.96 + 2.9694 * 0.1 + 0.4160 * 0.01 - 0.5324 * 0.001
    # 0.2: the critical value is the half-width of the alpha interval in units of se
    lo, hi = res.confidence_interval()
    assert (hi - lo) / (2 * res.se) == pytest.approx(kv, abs=0.05)
    assert fixed_b_critical_value(res.n, res.maxlags, confidence_level=0.95) == pytest.approx(kv, abs=0.05)
    assert fixed_b_pvalue(kv, n=res.n, maxlags=res.maxlags) == pytest.approx(0.05, abs=0.01)


def test_hac_pvalues_option_is_validated():
    r, b, _ = _world(n=200, seed=13, pandas=False)
    with pytest.raises(InputError, match="hac_pvalues"):
        jensen_alpha(r, b, hac_pvalues="student")
    with pytest.raises(InputError, match="hac_pvalues"):
        jensen_alpha(r, b, method="hc1", hac_pvalues="fixed-b")
    assert jensen_alpha(r, b, method="hc1").details["hac_pvalues"] is None


def test_nonrobust_equals_closed_form():
    r, b, c = _world(n=200, seed=5, pandas=False)
    res = jensen_alpha(r, b, c, method="iid")
    X, y = _design(r, b, c)
    n, k = X.shape
    coef = np.linalg.solve(X.T @ X, X.T @ y)
    e = y - X @ coef
    s2 = e @ e / (n - k)
    se = np.sqrt(np.diag(s2 * np.linalg.inv(X.T @ X)))
    np.testing.assert_allclose(res.table["coef"], coef, rtol=1e-10)
    np.testing.assert_allclose(res.table["se"], se, rtol=1e-10)
    t = coef / se
    np.testing.assert_allclose(res.table["pvalue"], 2 * stats.t.sf(np.abs(t), n - k), rtol=1e-8)
    q = stats.t.ppf(0.975, n - k)
    assert res.confidence_interval() == pytest.approx((coef[0] - q * se[0], coef[0] + q * se[0]), rel=1e-10)
    assert res.maxlags is None


def test_hc1_equals_hand_formula():
    r, b, c = _world(n=250, seed=6, pandas=False)
    res = jensen_alpha(r, b, c, method="hc1")
    X, y = _design(r, b, c)
    n, k = X.shape
    coef = np.linalg.solve(X.T @ X, X.T @ y)
    e = y - X @ coef
    bread = np.linalg.inv(X.T @ X)
    cov = n / (n - k) * bread @ (X.T * e**2) @ X @ bread
    np.testing.assert_allclose(res.table["se"], np.sqrt(np.diag(cov)), rtol=1e-10)


def test_rsquared_and_benchmark_share_by_hand():
    r, b, c = _world(seed=7)
    res = jensen_alpha(r, b, c)
    X, y = _design(r, b, c)
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ coef
    tss = ((y - y.mean()) ** 2).sum()
    r2 = 1 - e @ e / tss
    n, k = X.shape
    assert res.rsquared == pytest.approx(r2, rel=1e-10)
    assert res.rsquared_adj == pytest.approx(1 - (1 - r2) * (n - 1) / (n - k), rel=1e-10)
    assert res.benchmark_share == pytest.approx(np.corrcoef(y, b)[0, 1] ** 2, rel=1e-10)
    Xc = X[:, [0, 2, 3]]
    e0 = y - Xc @ np.linalg.lstsq(Xc, y, rcond=None)[0]
    assert res.benchmark_share_partial == pytest.approx((e0 @ e0 - e @ e) / (e0 @ e0), rel=1e-10)
    assert jensen_alpha(r, b).benchmark_share_partial is None


def test_alternatives_and_test_property():
    r, b, _ = _world(n=800, alpha=0.0008, seed=8)
    two = jensen_alpha(r, b)
    assert two.statistic > 0
    greater = jensen_alpha(r, b, alternative="greater")
    less = jensen_alpha(r, b, alternative="less")
    assert greater.pvalue == pytest.approx(two.pvalue / 2, rel=1e-10)
    assert less.pvalue == pytest.approx(1 - two.pvalue / 2, rel=1e-10)
    # the table stays two-sided, like statsmodels
    assert greater.table.loc["const", "pvalue"] == pytest.approx(two.pvalue, rel=1e-12)
    # 0.2: the AlphaResult is itself the TestResult of the alpha (``.test`` removed)
    t = greater
    assert isinstance(t, TestResult)
    assert (t.statistic, t.estimate, t.alternative) == (two.statistic, two.alpha, "greater")
    assert t.null == "alpha = 0" and "Newey-West" in t.method
    # 0.2 (on purpose): one-sided tests have one-sided intervals, the table's stay two-sided
    z = stats.norm.ppf(0.95)
    assert greater.confidence_interval() == pytest.approx((greater.alpha - z * greater.se, np.inf), rel=1e-12)
    assert less.confidence_interval() == pytest.approx((-np.inf, less.alpha + z * less.se), rel=1e-12)
    assert greater.table.loc["const", "ci_low"] == pytest.approx(two.confidence_interval().low, rel=1e-12)


# ------------------------------------------------------------------ planted effects


def test_planted_beta_covered():
    # (the rejection rate under alpha = 0 is checked by the Monte-Carlo size study, not one seed)
    r, b, c = _world(n=1500, alpha=0.0, beta=1.3, seed=11)
    res = jensen_alpha(r, b, c, method="bootstrap", reps=999, seed=0)
    lo, hi = res.table.loc["benchmark", ["ci_low", "ci_high"]]
    assert lo < 1.3 < hi
    assert res.beta == pytest.approx(1.3, abs=3 * res.table.loc["benchmark", "se"])


def test_planted_alpha_detected_by_hac_and_bootstrap():
    r, b, c = _world(n=1500, alpha=0.001, beta=1.3, seed=12)
    # 0.2: the HAC and the bootstrap test are two calls (bootstrap=True is method="bootstrap")
    res = jensen_alpha(r, b, c)
    boot = jensen_alpha(r, b, c, method="bootstrap", reps=1999, seed=1)
    assert res.alpha == pytest.approx(0.001, abs=0.0004)
    assert boot.alpha == res.alpha  # same OLS point estimate
    assert res.pvalue < 1e-3
    assert boot.pvalue < 0.01
    assert boot.confidence_interval()[0] > 0


def test_pandas_in_pandas_out_and_numpy_in_numpy_out():
    r, b, c = _world(n=300, seed=13)
    res = jensen_alpha(r, b, c)
    assert isinstance(res.residuals, pd.Series) and res.residuals.index.equals(r.index)
    assert isinstance(res.fitted, pd.Series)
    np.testing.assert_allclose(res.fitted + res.residuals, r.to_numpy(), rtol=1e-12)
    rn, bn, cn = _world(n=300, seed=13, pandas=False)
    resn = jensen_alpha(rn, bn, cn)
    assert isinstance(resn.residuals, np.ndarray)
    assert resn.alpha == pytest.approx(res.alpha, rel=1e-12)
    assert list(resn.betas.index) == ["benchmark", "control_1", "control_2"]


def test_controls_are_aligned_by_index():
    r, b, c = _world(n=400, seed=14)
    # controls with extra history before the strategy starts: only the common dates are used
    extra = pd.DataFrame(
        np.ones((40, 2)), index=c.index[0] - pd.Timedelta(hours=1) * np.arange(40, 0, -1), columns=c.columns
    )
    a1 = jensen_alpha(r, b, c)
    a2 = jensen_alpha(r, b, pd.concat([extra, c]))
    assert a2.alpha == a1.alpha and a2.n == 400
    with pytest.raises(InputError, match="sorted"):
        jensen_alpha(r, b, c.sample(frac=1.0, random_state=0))
    # partial overlap: inner join on the common dates
    a3 = jensen_alpha(r.iloc[50:], b, c.iloc[:-30])
    assert a3.n == 320
    single = jensen_alpha(r, b, c["mom"])
    assert list(single.betas.index) == ["benchmark", "mom"]


def test_summary_frame_dict():
    r, b, c = _world(n=300, seed=15)
    res = jensen_alpha(r, b, c)
    boot = jensen_alpha(r, b, c, method="bootstrap", reps=199, seed=0)
    text = res.summary()
    # 0.2 wording: "H0: alpha = <null> vs <alternative>"; the bootstrap test is its own result
    assert "H0: alpha = 0 vs two-sided" in text
    assert "5 lags" in text and "mom" in text
    btext = boot.summary()
    assert "bootstrap" in btext and "199 replicates" in btext and "mom" in btext
    pd.testing.assert_frame_equal(res.to_frame(), res.table)
    pd.testing.assert_frame_equal(boot.to_frame(), boot.table)
    d = res.to_dict()
    json.dumps(d)
    json.dumps(boot.to_dict())
    # 0.2: alpha is ``estimate``; large arrays (residuals, fitted, replicates) are left out of to_dict()
    assert d["estimate"] == res.alpha and d["pvalue"] == res.pvalue and len(res.residuals) == 300
    assert "residuals" not in d and "bootstrap_distribution" not in boot.to_dict()
    with pytest.raises(dataclasses_frozen_error()):
        res.alpha = 1.0  # type: ignore[misc]
    assert isinstance(res, AlphaResult)


def dataclasses_frozen_error():
    import dataclasses

    return dataclasses.FrozenInstanceError


# ------------------------------------------------------------------ paired block bootstrap


def _explicit_paired_bootstrap(y, X, plan):
    """The studentised paired block bootstrap written out, one replicate at a time.

    Replicate r concatenates the blocks of rows (starts[r, j] + i) % n, i < lengths[r, j], re-fits OLS,
    and studentises each coefficient by its own block variance (Goetze & Kuensch 1996): scores
    x_t (y_t - x_t'b*) summed within each block, Omega* = sum_j s_j s_j', V* = A*^-1 Omega* A*^-1,
    A* = X*'X*. Returns (coefficients, pivots (b* - b_hat) / se*), each (reps, p).
    """
    n = len(y)
    b_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    coefs, pivots = [], []
    for r in range(plan.reps):
        blocks = [(s + np.arange(L)) % n for s, L in zip(plan.starts[r], plan.lengths[r]) if L > 0]
        rows = np.concatenate(blocks)
        assert rows.size == n
        Xs, ys = X[rows], y[rows]
        bs = np.linalg.lstsq(Xs, ys, rcond=None)[0]
        u = Xs * (ys - Xs @ bs)[:, None]
        ends = np.cumsum([len(blk) for blk in blocks])
        S = np.array([u[e - len(blk):e].sum(axis=0) for e, blk in zip(ends, blocks)])
        A_inv = np.linalg.inv(Xs.T @ Xs)
        V = A_inv @ (S.T @ S) @ A_inv
        coefs.append(bs)
        pivots.append((bs - b_hat) / np.sqrt(np.diag(V)))
    return np.array(coefs), np.array(pivots)


def _prewhitened_alpha_se(y, X):
    """se of the OLS intercept: AR(1)-prewhitened QS long-run variance of its influence function over n."""
    n = len(y)
    b_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    w = n * np.linalg.inv(X.T @ X)[:, 0]
    psi = (X @ w) * (y - X @ b_hat)
    return float(np.sqrt(long_run_variance(psi).value / n))


def test_batched_moment_regression_equals_explicit_rows():
    # 0.2: alpha.bootstrap_coefficients -> alphacheck._ols.paired_bootstrap (streamed, studentised)
    r, b, c = _world(n=250, seed=21, pandas=False)
    X, y = _design(r, b, c)
    idx = bootstrap_indices(len(y), reps=40, bootstrap="stationary", block_length=7.0, seed=3)
    batched = paired_bootstrap(y, X, reps=40, block_length=7.0, bootstrap="stationary", seed=3)
    for rep in range(40):
        explicit = np.linalg.lstsq(X[idx[rep]], y[idx[rep]], rcond=None)[0]
        np.testing.assert_allclose(batched.coef[rep], explicit, rtol=1e-9, atol=1e-12)
    # the studentised pivots too, from the same plan written out block by block
    coefs, pivots = _explicit_paired_bootstrap(y, X, bootstrap_plan(len(y), 40, "stationary", 7.0, seed=3))
    np.testing.assert_allclose(batched.coef, coefs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(batched.pivots, pivots, rtol=1e-7, atol=1e-9)


def test_bootstrap_pvalue_and_ci_equal_explicit_loop():
    # 0.2 (on purpose): the bootstrap test is studentised. T = alpha_hat / se (prewhitened QS se), the pivots
    # T* = (alpha* - alpha_hat) / se* of the explicit loop; p = (1 + #{|T*| >= |T|}) / (1 + B) and the
    # interval alpha_hat -/+ q se with q the order statistic of |T*| that inverts that count rule.
    r, b, c = _world(n=200, alpha=0.0015, seed=22, pandas=False)
    X, y = _design(r, b, c)
    res = jensen_alpha(r, b, c, method="bootstrap", reps=199, block_length=5.0, seed=9)
    _, piv = _explicit_paired_bootstrap(y, X, bootstrap_plan(len(y), 199, "stationary", 5.0, seed=9))
    d = piv[:, 0]
    a_hat = np.linalg.lstsq(X, y, rcond=None)[0][0]
    se = _prewhitened_alpha_se(y, X)
    T = a_hat / se
    assert res.se == pytest.approx(se, rel=1e-10) and res.statistic == pytest.approx(T, rel=1e-10)
    np.testing.assert_allclose(res.bootstrap_distribution, d, rtol=1e-7, atol=1e-9)
    assert res.pvalue == pytest.approx((1 + np.sum(np.abs(d) >= abs(T))) / 200, rel=1e-12)
    # k = floor(0.05 * 200 - 1) = 9 replicates may be at least as extreme: q is the 10th largest |T*|
    q = np.sort(np.abs(d))[-10]
    assert res.confidence_interval() == pytest.approx((a_hat - q * se, a_hat + q * se), rel=1e-8)
    assert res.block_length == 5.0 and res.details["reps"] == 199
    g = jensen_alpha(r, b, c, method="bootstrap", reps=199, block_length=5.0, seed=9, alternative="greater")
    assert g.pvalue == pytest.approx((1 + np.sum(d >= T)) / 200, rel=1e-12)
    # one-sided test, one-sided interval [alpha_hat - q_up se, inf), q_up the 10th largest T*
    assert g.confidence_interval() == pytest.approx((a_hat - np.sort(d)[-10] * se, np.inf), rel=1e-8)


def test_bootstrap_is_seeded():
    r, b, _ = _world(n=300, seed=23)
    p1 = jensen_alpha(r, b, method="bootstrap", reps=299, seed=5)
    p2 = jensen_alpha(r, b, method="bootstrap", reps=299, seed=5)
    assert p1.pvalue == p2.pvalue and p1.confidence_interval() == p2.confidence_interval()
    assert p1.block_length == p2.block_length >= 1.0


def test_bootstrap_close_to_hac_on_big_sample():
    # AR(1) errors; alpha planted so |t| is about 2 and the p-value is informative
    r, b, _ = _world(n=4000, alpha=0.00045, seed=24, ar=0.3, pandas=False)
    hac = jensen_alpha(r, b, maxlags=12)
    boot = jensen_alpha(r, b, method="bootstrap", reps=4999, block_length=20.0, seed=2)
    assert 1.0 < abs(hac.statistic) < 3.5
    assert boot.se == pytest.approx(hac.se, rel=0.1)
    assert boot.pvalue == pytest.approx(hac.pvalue, abs=0.03)
    # beta's bootstrap se too
    assert boot.table.loc["benchmark", "se"] == pytest.approx(hac.table.loc["benchmark", "se"], rel=0.1)


def test_cov_bootstrap_table_uses_replicates():
    r, b, c = _world(n=300, seed=25)
    res = jensen_alpha(r, b, c, method="bootstrap", reps=499, seed=4)
    assert "bootstrap" in res.method and res.maxlags is None  # 0.2: cov_type removed
    assert res.pvalue == res.table.loc["const", "pvalue"]  # two-sided: the table's bootstrap p
    assert res.confidence_interval() == (res.table.loc["const", "ci_low"], res.table.loc["const", "ci_high"])
    assert res.statistic == pytest.approx(res.alpha / res.se)
    assert res.bootstrap_distribution.shape == (499,)
    assert "bootstrap" in res.method


# ------------------------------------------------------------------ up/down beta


def test_updown_recovers_planted_betas_and_rejects_equality():
    rng = np.random.default_rng(31)
    n = 2000
    bench = rng.standard_normal(n) * 0.02
    r = 0.5 * bench * (bench > 0) + 1.5 * bench * (bench <= 0) + rng.standard_normal(n) * 0.01
    res = updown_beta(r, bench, check_returns=False)  # a -0.8 %/period drift: a test world, not a strategy
    assert isinstance(res, UpDownBetaResult)
    assert res.beta_up == pytest.approx(0.5, abs=0.08)
    assert res.beta_down == pytest.approx(1.5, abs=0.08)
    assert res.pvalue < 1e-6
    assert res.n_up == int((bench > 0).sum()) and res.n_up + res.n_down == n
    # equals statsmodels with the documented design and HAC lags
    L = newey_west_lags(n)
    up = bench > 0
    X = np.column_stack([np.ones(n), up, bench * ~up, bench * up])
    ref = sm.OLS(r, X).fit(cov_type="HAC", cov_kwds={"maxlags": L})
    np.testing.assert_allclose(res.table["coef"], ref.params, rtol=1e-12)
    cov = ref.cov_params()
    d_se = np.sqrt(cov[2, 2] + cov[3, 3] - 2 * cov[2, 3])
    assert res.statistic == pytest.approx((ref.params[3] - ref.params[2]) / d_se, rel=1e-10)
    assert res.wald_chi2 == pytest.approx(res.statistic**2, rel=1e-10)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(res.statistic)), rel=1e-8)
    assert res.alpha_up == pytest.approx(ref.params[0] + ref.params[1], rel=1e-10)
    assert "beta_up = beta_down" in res.summary()
    assert res.null == "beta_up = beta_down"  # 0.2: the result is the TestResult (``.test`` removed)
    assert res.estimate == pytest.approx(res.beta_up - res.beta_down, rel=1e-12)
    assert res.se == pytest.approx(d_se, rel=1e-10)


def test_updown_equal_betas_not_rejected():
    rng = np.random.default_rng(32)
    bench = rng.standard_normal(1500)
    r = 1.0 * bench + rng.standard_normal(1500)
    assert updown_beta(r, bench, check_returns=False).pvalue > 0.05  # unit-variance draws


def test_updown_regime_too_small():
    rng = np.random.default_rng(33)
    bench = np.abs(rng.standard_normal(100)) + 0.1
    bench[:3] = -1.0
    with pytest.raises(InputError, match=r"benchmark.*down regime"):
        updown_beta(bench * 2 + rng.standard_normal(100), bench, check_returns=False)


# ------------------------------------------------------------------ beta_adjusted


def test_beta_adjusted():
    r, b, _ = _world(n=300, seed=41)
    out = beta_adjusted(r, b)
    beta = np.cov(r, b)[0, 1] / np.var(b, ddof=1)
    assert isinstance(out, pd.Series) and out.index.equals(r.index)
    np.testing.assert_allclose(out.to_numpy(), (r - beta * b).to_numpy(), rtol=1e-10)
    assert abs(np.corrcoef(out, b)[0, 1]) < 1e-10
    fixed = beta_adjusted(r.to_numpy(), b.to_numpy(), beta=1.0)
    assert isinstance(fixed, np.ndarray)
    np.testing.assert_allclose(fixed, r.to_numpy() - b.to_numpy())
    with pytest.raises(InputError, match="beta"):
        beta_adjusted(r, b, beta="x")


# ------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    "mutate, argument",
    [
        (lambda r, b, c: (r.where(r.index != r.index[5]), b, c), "returns"),
        (lambda r, b, c: (r, b.where(b.index != b.index[9]), c), "benchmark"),
        (lambda r, b, c: (r, b, c.assign(mom=np.inf)), "controls"),
        (lambda r, b, c: (r, b * 0 + 1.0, c), "benchmark"),
        (lambda r, b, c: (r.iloc[:8], b.iloc[:8], c.iloc[:8]), "returns"),
        (lambda r, b, c: (r, b, c.assign(mom="a")), "controls"),
        (lambda r, b, c: (r, b, c.assign(mom=1.0)), "controls"),
        (lambda r, b, c: (r, b, c.assign(mom=c["size"] * 2)), "controls"),
        (lambda r, b, c: (pd.concat([r, r.iloc[:3]]), b, c), "returns"),
        (lambda r, b, c: (r, b.set_axis(b.index + pd.Timedelta(hours=250)), c), "benchmark"),
        (lambda r, b, c: (r.to_numpy()[:-1], b.to_numpy(), c.to_numpy()), "returns"),
    ],
    ids=["nan-returns", "nan-benchmark", "inf-controls", "constant-benchmark", "too-short",
         "non-numeric-control", "constant-control", "collinear-control", "duplicated-index",
         "misaligned", "length-mismatch"],
)
def test_bad_inputs_raise_named_input_error(mutate, argument):
    r, b, c = _world(n=300, seed=51)
    rr, bb, cc = mutate(r, b, c)
    with pytest.raises(InputError) as err:
        jensen_alpha(rr, bb, cc)
    assert argument in err.value.argument


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"method": "HAC3"}, "method"),
        ({"alternative": "bigger"}, "alternative"),
        ({"maxlags": -1}, "maxlags"),
        ({"maxlags": 2.5}, "maxlags"),
        ({"maxlags": 3, "method": "hc1"}, "maxlags"),
        ({"method": "bootstrap", "reps": 10}, "reps"),
        ({"method": "bootstrap", "block_length": "long"}, "block_length"),
        ({"method": "bootstrap", "block_length": 0.5}, "block_length"),
        ({"confidence_level": 95}, "confidence_level"),
    ],
)
def test_bad_options_raise(kwargs, argument):
    r, b, _ = _world(n=200, seed=52)
    with pytest.raises(InputError) as err:
        jensen_alpha(r, b, **kwargs)
    assert err.value.argument == argument


# ------------------------------------------------------------------ spread_test


def test_spread_test_delegates_to_mean_test_on_difference():
    from alphacheck.significance import mean_test

    rng = np.random.default_rng(61)
    idx = pd.date_range("2022-01-01", periods=500, freq="D")
    market = rng.standard_normal(500) * 0.03
    long = pd.Series(market + 0.002 + rng.standard_normal(500) * 0.005, idx)
    short = pd.Series(market + rng.standard_normal(500) * 0.005, idx)
    res = spread_test(long, short, reps=1999, seed=3)
    ref = mean_test(long - short, alternative="greater", method="bootstrap", reps=1999, seed=3)
    assert res.pvalue == ref.pvalue and res.statistic == ref.statistic and res.estimate == ref.estimate
    assert res.alternative == "greater" and res.null == "mean(long - short) = 0"
    assert res.pvalue < 0.01  # 2 bp/day on 0.7% noise over 500 days: t about 6
    t = spread_test(long, short, method="t")
    assert t.pvalue == pytest.approx(stats.ttest_1samp(long - short, 0.0, alternative="greater").pvalue, rel=1e-8)
    # aligned on the index: a misaligned short leg is refused
    with pytest.raises(InputError, match="long, short"):
        spread_test(long, short.set_axis(idx + pd.Timedelta(days=400)))


def test_spread_test_arrays_hac_equals_mean_test():
    from alphacheck.significance import mean_test

    rng = np.random.default_rng(62)
    common = rng.standard_normal(800)
    a, b = common + rng.standard_normal(800) * 0.1, common + rng.standard_normal(800) * 0.1
    res = spread_test(a, b, alternative="two-sided", method="hac", check_returns=False)  # unit-variance draws
    ref = mean_test(a - b, alternative="two-sided", method="hac", check_returns=False)
    assert res.pvalue == ref.pvalue and res.n == 800
    assert res.estimate == pytest.approx(np.mean(a - b), rel=1e-12)
    with pytest.raises(InputError, match="long, short"):
        spread_test(a, b[:-1])
