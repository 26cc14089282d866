"""alphacheck.compare against independent references.

* Ledoit–Wolf HAC: a hand computation of their delta method written from the paper and their programs —
  moments, gradient, a per-equation VAR(1) fit, the singular-value cap, Γ̂(j) as explicit sums over t, the
  kernel sum, the T'/(T' − 4) factor and the recolouring — equal to 1e-10 (QS and Parzen kernels).
* Ledoit–Wolf bootstrap: their replicate loop (resample, moments, gradient, ζ_j over consecutive blocks,
  d* = |Δ̂* − Δ̂|/se*, count d* >= d) run on the same circular-bootstrap indices: the same p-value.
* Jobson–Korkie–Memmel: the closed form, and a Monte Carlo check that θ is the variance of its numerator.
* Diebold–Mariano: statsmodels' ``diebold_mariano_test`` (with and without HLN) and a hand computation.
* Giacomini–White: n R² of the regression of 1 on Z (their computation) for τ = 1.
* k-way equality: k = 2 "normal" is the square of the JK–Memmel z; "hac" uses a hand-built Wald form.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alphacheck import InputError
from alphacheck._resample import bootstrap_indices
from alphacheck.compare import diebold_mariano, giacomini_white, sharpe_difference, sharpe_equality
from tests.worlds import world


def _pair(seed=0, n=750, kind="garch", delta=0.0005):
    rng = np.random.default_rng(seed)
    x = world(kind, n, rng, 2, common=0.5)
    return x[:, 0] + 0.0005 + delta, x[:, 1] + 0.0005


# --------------------------------------------------------------------------------------------------
# Ledoit-Wolf HAC: hand computation


def qs(z):
    a = 6 * math.pi * z / 5
    return 25 / (12 * math.pi**2 * z**2) * (math.sin(a) / a - math.cos(a))


def parzen(z):
    z = abs(z)
    return 1 - 6 * z**2 + 6 * z**3 if z <= 0.5 else (2 * (1 - z) ** 3 if z <= 1 else 0.0)


def lw_hand(r1, r2, kernel):
    """Ledoit & Wolf (2008) sec. 3.1 with the prewhitened kernel HAC, by loops (no alphacheck code)."""
    t = len(r1)
    m1, m2, g1, g2 = r1.mean(), r2.mean(), (r1**2).mean(), (r2**2).mean()
    grad = np.array([g1 / (g1 - m1**2) ** 1.5, -g2 / (g2 - m2**2) ** 1.5,
                     -0.5 * m1 / (g1 - m1**2) ** 1.5, 0.5 * m2 / (g2 - m2**2) ** 1.5])
    v = np.column_stack([r1 - m1, r2 - m2, r1**2 - g1, r2**2 - g2])
    a = np.zeros((4, 4))
    for j in range(4):  # one regression per equation, no intercept (their lm(V[2:T, j] ~ -1 + ...))
        a[j] = np.linalg.lstsq(v[:-1], v[1:, j], rcond=None)[0]
    u, s, vt = np.linalg.svd(a)
    a = u @ np.diag(np.minimum(s, 0.97)) @ vt
    e = v[1:] - v[:-1] @ a.T
    tn = e.shape[0]
    num = den = 0.0
    for j in range(4):  # Andrews (1991) eq. (6.4), unit weights, AR(1) of each demeaned column
        c = e[:, j] - e[:, j].mean()
        rho = min(max(float(c[1:] @ c[:-1] / (c[:-1] @ c[:-1])), -0.97), 0.97)
        sig2 = float(np.mean((c[1:] - rho * c[:-1]) ** 2))
        num += 4 * rho**2 * sig2**2 / (1 - rho) ** 8
        den += sig2**2 / (1 - rho) ** 4
    alpha = num / den

    def gamma(j):
        out = np.zeros((4, 4))
        for i in range(j, tn):
            out += np.outer(e[i], e[i - j])
        return out / tn

    psi = gamma(0)
    if kernel == "qs":
        s_star = 1.3221 * (alpha * tn) ** 0.2
        for j in range(1, tn):
            g = gamma(j)
            psi += qs(j / s_star) * (g + g.T)
    else:
        s_star = 2.6614 * (alpha * tn) ** 0.2
        j = 1
        while j < s_star:
            g = gamma(j)
            psi += parzen(j / s_star) * (g + g.T)
            j += 1
    psi *= tn / (tn - 4)
    d = np.linalg.inv(np.eye(4) - a)
    psi = d @ psi @ d.T
    se = math.sqrt(grad @ psi @ grad / t)
    diff = m1 / r1.std(ddof=1) - m2 / r2.std(ddof=1)
    return diff, se


@pytest.mark.parametrize("kernel", ["qs", "parzen"])
@pytest.mark.parametrize("kind", ["iid-t4", "ar0.5", "garch"])
def test_ledoit_wolf_hac_equals_hand_computation(kind, kernel):
    r1, r2 = _pair(1, 300, kind)
    diff, se = lw_hand(r1, r2, kernel)
    res = sharpe_difference(r1, r2, method="hac", kernel="quadratic-spectral" if kernel == "qs" else "parzen")
    assert res.estimate == pytest.approx(diff, rel=1e-12)
    assert res.se == pytest.approx(se, rel=1e-10)
    assert res.statistic == pytest.approx(diff / se, rel=1e-10)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(diff / se)), rel=1e-9)
    lo, hi = res.confidence_interval()
    assert (lo + hi) / 2 == pytest.approx(diff) and hi - lo == pytest.approx(2 * 1.959963984540054 * se)


def test_ledoit_wolf_gradient_is_the_derivative():
    from alphacheck.compare import lw_gradient

    v = np.array([0.02, 0.01, 0.05, 0.03])

    def f(w):
        return w[0] / math.sqrt(w[2] - w[0] ** 2) - w[1] / math.sqrt(w[3] - w[1] ** 2)

    num = [(f(v + h) - f(v - h)) / 2e-7 for h in np.eye(4) * 1e-7]
    np.testing.assert_allclose(lw_gradient(v), num, rtol=1e-6)


# --------------------------------------------------------------------------------------------------
# Ledoit-Wolf bootstrap: their replicate loop on the same draws


def test_ledoit_wolf_bootstrap_equals_their_loop_on_the_same_draws():
    r1, r2 = _pair(2, 400, "ar0.5")
    b, reps, seed = 8, 299, 11  # 400 = 50 blocks of 8: the circular plan is LW's cbb.sequence layout
    res = sharpe_difference(r1, r2, method="bootstrap", bootstrap="circular", block_length=b, reps=reps, seed=seed)
    diff, se = lw_hand(r1, r2, "qs")
    d = abs(diff) / se
    idx = bootstrap_indices(400, reps=reps, bootstrap="circular", block_length=b, seed=seed)
    ret = np.column_stack([r1, r2])
    count, t_star = 0, []
    for row in idx:
        rs = ret[row]
        d_star = rs[:, 0].mean() / rs[:, 0].std(ddof=1) - rs[:, 1].mean() / rs[:, 1].std(ddof=1)
        m1, m2, g1, g2 = rs[:, 0].mean(), rs[:, 1].mean(), (rs[:, 0] ** 2).mean(), (rs[:, 1] ** 2).mean()
        grad = np.array([g1 / (g1 - m1**2) ** 1.5, -g2 / (g2 - m2**2) ** 1.5,
                         -0.5 * m1 / (g1 - m1**2) ** 1.5, 0.5 * m2 / (g2 - m2**2) ** 1.5])
        y = np.column_stack([rs[:, 0] - m1, rs[:, 1] - m2, rs[:, 0] ** 2 - g1, rs[:, 1] ** 2 - g2])
        psi = np.zeros((4, 4))
        for j in range(400 // b):
            zeta = math.sqrt(b) * y[j * b:(j + 1) * b].mean(axis=0)
            psi += np.outer(zeta, zeta)
        psi /= 400 // b
        se_star = math.sqrt(grad @ psi @ grad / 400)
        t_star.append((d_star - diff) / se_star)
        count += abs(d_star - diff) / se_star >= d
    np.testing.assert_allclose(res.bootstrap_distribution, t_star, rtol=1e-9, atol=1e-12)
    assert res.pvalue == pytest.approx((1 + count) / (1 + reps), abs=1e-15)
    assert res.statistic == pytest.approx(diff / se, rel=1e-10)


def test_bootstrap_interval_inverts_the_test():
    r1, r2 = _pair(3, 500, "iid-t4", delta=0.001)
    res = sharpe_difference(r1, r2, reps=999, seed=4)
    lo, hi = res.confidence_interval(confidence_level=0.9)
    for edge, inside in ((lo, 1e-9), (hi, -1e-9)):
        p_in = sharpe_difference(r1, r2, reps=999, seed=4, null_value=edge + inside).pvalue
        p_out = sharpe_difference(r1, r2, reps=999, seed=4, null_value=edge - inside).pvalue
        assert p_in > 0.1 >= p_out


def test_same_seed_same_bits_and_annualised_null():
    r1, r2 = _pair(5, 300, "garch")
    a = sharpe_difference(r1, r2, reps=299, seed=1)
    b = sharpe_difference(pd.Series(r1), pd.Series(r2), reps=299, seed=1)
    assert a.pvalue == b.pvalue and np.array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    c = sharpe_difference(r1, r2, method="hac", null_value=0.1 * math.sqrt(252), periods_per_year=252)
    assert c.null_value == pytest.approx(0.1)


# --------------------------------------------------------------------------------------------------
# Jobson-Korkie with Memmel's correction


def test_jobson_korkie_memmel_equals_its_closed_form():
    r1, r2 = _pair(6, 500, "iid-t4")
    t = r1.size
    m1, m2 = r1.mean(), r2.mean()
    s1, s2 = r1.std(ddof=1), r2.std(ddof=1)
    s12 = np.cov(r1, r2)[0, 1]
    theta = (2 * s1**2 * s2**2 - 2 * s1 * s2 * s12 + 0.5 * m1**2 * s2**2 + 0.5 * m2**2 * s1**2
             - m1 * m2 * s12**2 / (s1 * s2)) / t
    z = (s2 * m1 - s1 * m2) / math.sqrt(theta)
    res = sharpe_difference(r1, r2, method="jobson-korkie")
    assert res.statistic == pytest.approx(z, rel=1e-12)
    assert res.details["jk_statistic"] == pytest.approx(z, rel=1e-12)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)
    assert res.estimate == pytest.approx(m1 / s1 - m2 / s2, rel=1e-12)


def test_memmel_theta_is_the_variance_of_the_jk_numerator():
    """θ (with Memmel's last term μ1μ2σ12²/(σ1σ2)) matches the simulated variance of σ̂2μ̂1 − σ̂1μ̂2 under
    bivariate normality with large Sharpe ratios (where the correction matters); the uncorrected Jobson-Korkie
    last term (μ1μ2/(2σ1σ2))(σ12² + σ1²σ2²) does not."""
    rng = np.random.default_rng(1)
    t, reps = 400, 20_000
    mu, s, rho = np.array([0.8, 1.2]), np.array([1.0, 1.5]), 0.3
    cov = np.array([[s[0] ** 2, rho * s[0] * s[1]], [rho * s[0] * s[1], s[1] ** 2]])
    x = rng.standard_normal((reps, t, 2)) @ np.linalg.cholesky(cov).T + mu
    m, sd = x.mean(axis=1), x.std(axis=1)
    var_mc = np.var(sd[:, 1] * m[:, 0] - sd[:, 0] * m[:, 1]) * t
    s1, s2, s12 = s[0], s[1], rho * s[0] * s[1]
    base = 2 * s1**2 * s2**2 - 2 * s1 * s2 * s12 + 0.5 * mu[0] ** 2 * s2**2 + 0.5 * mu[1] ** 2 * s1**2
    memmel = base - mu[0] * mu[1] * s12**2 / (s1 * s2)
    jk = base - mu[0] * mu[1] / (2 * s1 * s2) * (s12**2 + s1**2 * s2**2)
    se_mc = var_mc * math.sqrt(2 / reps)
    assert abs(var_mc - memmel) < 4 * se_mc
    assert abs(var_mc - jk) > 10 * se_mc


# --------------------------------------------------------------------------------------------------
# k-way equality


def test_two_way_normal_equality_is_the_jk_memmel_square():
    r1, r2 = _pair(7, 600, "iid-t4", delta=0.0005)
    w = sharpe_equality(np.column_stack([r1, r2]), method="normal")
    z = sharpe_difference(r1, r2, method="jobson-korkie").statistic
    assert w.statistic == pytest.approx(z**2, rel=1e-10)
    assert w.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-8)


def test_hac_equality_equals_a_hand_wald_form():
    rng = np.random.default_rng(8)
    x = world("ar0.3", 500, rng, 4, common=0.4) + 0.0005
    res = sharpe_equality(x, method="hac", maxlags=5)
    t, k = x.shape
    mu, sd = x.mean(0), x.std(0)
    sr = mu / sd
    z = (x - mu) / sd
    psi = z - 0.5 * sr * (z**2 - 1)
    omega = psi.T @ psi / t
    for j in range(1, 6):
        g = psi[j:].T @ psi[:-j] / t
        omega += (1 - j / 6) * (g + g.T)
    c = np.hstack([np.eye(k - 1), -np.ones((k - 1, 1))])
    w = t * (c @ sr) @ np.linalg.solve(c @ omega @ c.T, c @ sr)
    assert res.statistic == pytest.approx(w, rel=1e-10)
    assert res.pvalue == pytest.approx(stats.chi2.sf(w, k - 1), rel=1e-9)
    assert list(res.sharpes.index) == [0, 1, 2, 3]


def test_bootstrap_equality_is_the_replicate_studentised_max_t_by_loops():
    """The default test by hand: t_i from the 1-D prewhitened QS LRV of u_i = ψ_i − ψ̄, and every replicate's
    SR* and Götze–Künsch block variance from its own blocks (the plan's starts and lengths, looped), each
    coordinate's t* divided by its root mean square over the replicates."""
    from alphacheck._hac import lrv
    from alphacheck._resample import bootstrap_plan

    rng = np.random.default_rng(9)
    x = world("ar0.3", 120, rng, 3, common=0.4) + 0.001
    res = sharpe_equality(x, reps=99, block_length=6.0, seed=4, check_returns=False)
    t, k = x.shape
    mu, sd = x.mean(0), x.std(0)
    sr = mu / sd
    z = (x - mu) / sd
    psi = z - 0.5 * sr * (z**2 - 1)
    u = psi - psi.mean(axis=1, keepdims=True)
    tt = (sr - sr.mean()) / np.sqrt([lrv(u[:, i]).value / t for i in range(k)])
    assert res.statistic == pytest.approx(np.abs(tt).max(), rel=1e-10)
    np.testing.assert_allclose(res.details["t"], tt, rtol=1e-10)
    plan = bootstrap_plan(t, 99, "stationary", 6.0, seed=4)
    expect = []
    for r in range(99):
        rows = [(s + j) % t for s, ln in zip(plan.starts[r], plan.lengths[r]) for j in range(ln)]
        zs = z[rows]
        srs = (sr + zs.mean(0)) / zs.std(0)
        dev = (srs - sr) - (srs - sr).mean()
        ub = u[rows].mean(0)
        var = np.zeros(k)
        pos = 0
        for ln in plan.lengths[r]:
            if ln == 0:
                continue
            var += (u[rows[pos:pos + ln]].sum(0) - ln * ub) ** 2
            pos += ln
        expect.append(dev / np.sqrt(var / t / t))
    expect = np.array(expect)
    expect = np.max(np.abs(expect) / np.sqrt(np.mean(expect**2, axis=0)), axis=1)  # each t* on unit RMS
    np.testing.assert_allclose(res.bootstrap_distribution, expect, rtol=1e-8)
    assert res.pvalue == pytest.approx((1 + np.sum(np.array(expect) >= res.statistic)) / 100)


# --------------------------------------------------------------------------------------------------
# Diebold-Mariano and Giacomini-White


def _forecasts(seed=0, n=300):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(n)
    e = rng.standard_normal(n)
    fa = y + 0.8 * (e + 0.5 * np.roll(e, 1))
    fb = y + 0.85 * rng.standard_normal(n)
    return y, fa, fb


@pytest.mark.parametrize("horizon", [1, 3])
@pytest.mark.parametrize("harvey", [True, False])
def test_diebold_mariano_equals_statsmodels(horizon, harvey):
    from statsmodels.tsa.stattools import diebold_mariano_test

    y, fa, fb = _forecasts(1)
    sm = diebold_mariano_test(y, fa, fb, harvey_adj=harvey, horizon=horizon)
    ours = diebold_mariano((y - fa) ** 2, (y - fb) ** 2, horizon=horizon, maxlags=sm.lags,
                           method="hln" if harvey else "dm")
    assert ours.statistic == pytest.approx(sm.statistic, rel=1e-10)
    assert ours.pvalue == pytest.approx(sm.pvalue, rel=1e-9)


def test_diebold_mariano_hln_by_hand():
    y, fa, fb = _forecasts(2, 200)
    d = (y - fa) ** 2 - (y - fb) ** 2
    t, h, lags = d.size, 2, 4
    c = d - d.mean()
    lrv = c @ c / t + 2 * sum((1 - j / (lags + 1)) * (c[j:] @ c[:-j]) / t for j in range(1, lags + 1))
    dm = d.mean() / math.sqrt(lrv / t)
    hln = dm * math.sqrt((t + 1 - 2 * h + h * (h - 1) / t) / t)
    res = diebold_mariano((y - fa) ** 2, (y - fb) ** 2, horizon=h, maxlags=lags)
    assert res.statistic == pytest.approx(hln, rel=1e-12)
    assert res.pvalue == pytest.approx(2 * stats.t.sf(abs(hln), t - 1), rel=1e-10)
    lo, hi = res.confidence_interval()
    q = stats.t.isf(0.025, t - 1)
    assert lo == pytest.approx(d.mean() - q * d.mean() / hln) and hi == pytest.approx(d.mean() + q * d.mean() / hln)
    fb_res = diebold_mariano((y - fa) ** 2, (y - fb) ** 2, method="dm", hac_pvalues="fixed-b")
    assert fb_res.details["maxlags"] == max(math.ceil(0.1 * t), 4)
    with pytest.raises(InputError, match="hac_pvalues"):
        diebold_mariano((y - fa) ** 2, (y - fb) ** 2, hac_pvalues="fixed-b")


def test_giacomini_white_is_n_r2_of_ones_on_z():
    y, fa, fb = _forecasts(3, 400)
    la, lb = (y - fa) ** 2, (y - fb) ** 2
    d = la - lb
    z = np.column_stack([np.ones(d.size - 1), d[:-1]]) * d[1:, None]
    ones = np.ones(z.shape[0])
    fit = z @ np.linalg.lstsq(z, ones, rcond=None)[0]
    nr2 = z.shape[0] * (fit @ fit) / (ones @ ones)  # uncentred R²
    res = giacomini_white(la, lb)
    assert res.statistic == pytest.approx(nr2, rel=1e-10)
    assert res.pvalue == pytest.approx(stats.chi2.sf(nr2, 2), rel=1e-9)
    st = giacomini_white(la, lb, np.column_stack([d, y]))
    assert st.details["q"] == 3
    assert giacomini_white(la, lb, horizon=2).details["horizon"] == 2


def test_inputs_are_refused_with_the_argument_named():
    r1, r2 = _pair(9, 200)
    with pytest.raises(InputError, match="incumbent"):
        sharpe_difference(r1, r2[:-5])
    with pytest.raises(InputError, match="method"):
        sharpe_difference(r1, r2, method="lo")
    with pytest.raises(InputError, match="returns"):
        sharpe_equality(r1)
    with pytest.raises(InputError, match="losses - incumbent"):
        diebold_mariano(r1, r1 + 1.0)


def test_wald_equality_refuses_more_strategies_than_observations():
    """k >= T: the contrast covariance has rank <= T - 1; an inverse of it gave p = 0.0 on equal Sharpe ratios."""
    y = np.random.default_rng(0).normal(0.0003, 0.01, (40, 120))
    for method in ("normal", "hac"):
        with pytest.raises(InputError, match=r"singular.*method='bootstrap'"):
            sharpe_equality(y, method=method)
    assert 0.0 < sharpe_equality(y[:, :5], method="hac").pvalue <= 1.0


def test_sharpe_difference_refuses_one_strategy_at_two_leverages():
    x = np.random.default_rng(1).normal(0.0004, 0.01, 600)
    for method in ("bootstrap", "hac", "jobson-korkie"):
        for other in (x, 2.0 * x):
            with pytest.raises(InputError, match="two leverages"):
                sharpe_difference(other, x, method=method, reps=199, seed=1)
    shifted = sharpe_difference(2.0 * x + 0.001, x, reps=199, seed=1)  # same shape, different Sharpe: testable
    assert shifted.estimate > 0 and shifted.pvalue <= 0.05


def test_auto_block_length_on_a_degenerate_series_names_block_length():
    from alphacheck._resample import resolve_block_length

    with pytest.raises(InputError, match=r"block_length: 'auto' has no Politis-White length for column\(s\) \[1\]"):
        resolve_block_length("auto", np.column_stack([np.random.default_rng(0).standard_normal(50), np.ones(50)]))


def test_loss_tests_accept_a_constant_incumbent_loss():
    """A cash incumbent (constant loss) is a legitimate comparison: only d = losses − incumbent must vary, and the
    answer is the one of any pair with the same d."""
    rng = np.random.default_rng(0)
    losses, noise = rng.normal(0, 1, 300) ** 2, rng.normal(0, 1, 300)
    cash = np.full(300, 1.0)
    assert diebold_mariano(losses, cash).pvalue == pytest.approx(diebold_mariano(losses + noise, cash + noise).pvalue,
                                                                  rel=1e-12)
    assert giacomini_white(losses, cash).pvalue == pytest.approx(
        giacomini_white(losses + noise, cash + noise).pvalue, rel=1e-9)
    with pytest.raises(InputError, match="losses - incumbent: is constant"):
        diebold_mariano(np.ones(300), cash)
