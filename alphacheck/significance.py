"""Significance of a strategy's mean return and Sharpe ratio; generic bootstrap and permutation tests.

Bootstrap p-values use p = (1 + #{B replicates at least as extreme}) / (1 + B) (Davison & Hinkley 1997,
eq. 4.11; :mod:`alphacheck._pvalues`), so p is never 0. The null is imposed by centring (Hall & Wilson
1991, guidelines 1 and 2): the bootstrap law of (θ* − θ̂)/se* stands in for the null law of (θ̂ − θ0)/se.
Intervals invert the tests (:mod:`alphacheck._results`).

Each public test validates its inputs and calls an engine (``_mean_test``, ``_sharpe_test``) that
trusts already validated float arrays; :func:`alphacheck.audit` calls the engines on data it
validated once.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from alphacheck._hac import bartlett_lrv, lrv, refuse_unused_maxlags, resolve_maxlags
from alphacheck._inputs import (
    MIN_LARGE_SAMPLE,
    InputError,
    as_matrix,
    as_returns,
    as_series,
    check_alternative,
    check_choice,
    check_number,
    check_probability,
    check_reps,
    check_scale,
    check_seed,
)
from alphacheck._pvalues import pvalue_from_law, pvalue_from_replicates
from alphacheck._resample import (
    METHODS,
    BlockMoments,
    Scheme,
    SeedLike,
    bootstrap_statistic,
    resolve_block_length,
    statistic_value,
    streamed_block_moments,
    streamed_sums,
)
from alphacheck._results import Interval, TestResult, sharpe_null

__all__ = ["mean_test", "sharpe_test", "bootstrap_test", "permutation_test"]

MEAN_METHODS = ("bootstrap", "hac", "t")
SHARPE_METHODS = ("bootstrap", "lo", "mertens", "normal")
HAC_PVALUES = ("normal", "fixed-b")
FIXED_B_SHARE = 0.1  # default window share b = (L+1)/n for fixed-b p-values (Kiefer & Vogelsang 2005)


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros_like(a)
    np.divide(a, b, out=out, where=b > 0)
    return out


def mean_replicates(mom: BlockMoments, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per replicate: x̄* and the within-replicate block variance σ̂*² = (1/n) Σ_j (S_j − L_j x̄*)²
    (Götze & Künsch 1996, Ann. Statist. 24(5), eq. (2.4)), from 1-D block moments of x − x̄.

    Expanded as (Σ S_j² − 2 x̄* Σ L_j S_j + x̄*² Σ L_j²)/n. Since E*[S_j | L_j] = L_j x̄ for wrapped
    blocks, σ̂*² is close to unbiased for n Var*(x̄*), so (x̄* − x̄)/(σ̂*/√n) is a pivot whatever the
    block length.
    """
    m = mom.sums / n
    v = (mom.cross - 2 * m * mom.length_sums + m**2 * mom.length_squares) / n
    return m, np.maximum(v, 0.0)


def sharpe_replicates(mom: BlockMoments, sr: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per replicate: SR* (ddof=0) and the block variance of its influence function.

    ``mom`` are block moments of (z, z²), z = (x − x̄)/s (ddof=1), sr = x̄/s. With μ*, σ*² the replicate's
    mean and variance (ddof=0) of z, SR* = (sr + μ*)/σ*. The Sharpe influence function (Lo 2002,
    eqs. 9-10; Mertens 2002; Opdyke 2007, eq. 3) ψ_t = (z_t − μ*)/σ* − (SR*/2)((z_t − μ*)²/σ*² − 1) is
    affine in (z_t, z_t², 1): its block sums are α a_j + β q_j + γ L_j with α = 1/σ* + SR* μ*/σ*²,
    β = −SR*/(2σ*²), γ = −μ*/σ* − SR* μ*²/(2σ*²) + SR*/2, and σ̂*² = (1/n) Σ_j (α a_j + β q_j + γ L_j)² is a
    quadratic form in the block moments (Götze & Künsch 1996 studentisation, as :func:`mean_replicates`).
    """
    mu = mom.sums[:, 0] / n
    sig = np.sqrt(np.maximum(mom.sums[:, 1] / n - mu**2, 0.0))
    inv = _safe_div(np.ones_like(sig), sig)
    srp = (sr + mu) * inv
    alpha = inv + srp * mu * inv**2
    beta = -srp / 2 * inv**2
    gamma = -mu * inv - srp / 2 * (mu**2 * inv**2 - 1)
    cr, ls = mom.cross, mom.length_sums
    v = (alpha**2 * cr[:, 0, 0] + beta**2 * cr[:, 1, 1] + gamma**2 * mom.length_squares
         + 2 * alpha * beta * cr[:, 0, 1] + 2 * alpha * gamma * ls[:, 0] + 2 * beta * gamma * ls[:, 1]) / n
    return srp, np.maximum(v, 0.0)


def _describe(scheme: str, b: float, reps: int) -> str:
    if scheme == "iid":
        return f"iid bootstrap, {reps:,} replicates"
    return f"{scheme} bootstrap (block length {b:.3g}), {reps:,} replicates"


def fixed_b_window(n: int, maxlags: int | None) -> int:
    """The Bartlett window for fixed-b p-values: as given, else max(NW rule, ceil(0.1 n)) (KV 2005's b)."""
    if maxlags is not None:
        return resolve_maxlags(maxlags, n)
    return min(max(resolve_maxlags(None, n), math.ceil(FIXED_B_SHARE * n)), n - 2)


def hac_mean(x: np.ndarray, *, maxlags: int, hac_pvalues: str, alternative: str, null_value: float,
             confidence_level: float, test: str, null: str | None = None) -> TestResult:
    """Newey–West HAC t test of a mean (the one HAC mean test; the reference law is ``hac_pvalues``).

    se = sqrt(ω̂/n), ω̂ the Bartlett long-run variance with window ``maxlags`` (Newey & West 1987) — the
    number statsmodels' ``OLS(x, 1).fit(cov_type="HAC")`` gives; p-value and interval from N(0, 1) or
    from the fixed-b law of that window (Kiefer & Vogelsang 2005).
    """
    n = x.size
    mean = float(x.mean())
    se = math.sqrt(max(float(bartlett_lrv(x - mean, maxlags)), 0.0) / n)
    if se == 0.0:
        raise InputError("returns", "is constant; its mean has no sampling variance to test against")
    t = (mean - null_value) / se
    law: Any = "fixed-b" if hac_pvalues == "fixed-b" else "normal"
    p = pvalue_from_law(t, alternative=alternative, law=law, n=n, maxlags=maxlags)
    rule = Interval("fixed-b", n=n, maxlags=maxlags) if law == "fixed-b" else Interval("normal")
    how = "fixed-b p-value (Kiefer-Vogelsang 2005)" if law == "fixed-b" else "normal p-value"
    return TestResult(test, float(t), float(p), alternative, null or f"{test} = {null_value:g}", mean,
                      f"Newey-West HAC t (Bartlett, {maxlags} lags), {how}", n, se, null_value, confidence_level,
                      rule, None, {"maxlags": maxlags, "hac_pvalues": hac_pvalues,
                                   "pvalue_normal": float(pvalue_from_law(t, alternative=alternative))})


def _mean_test(x: np.ndarray, *, method: str = "bootstrap", alternative: str = "two-sided", null_value: float = 0.0,
               reps: int = 9_999, bootstrap: str = "stationary", block_length: Any = "auto", seed: Any = None,
               n_jobs: int | None = None, maxlags: int | None = None, hac_pvalues: str = "normal",
               confidence_level: float = 0.95, test: str = "mean return", moments: Any = None) -> TestResult:
    """The mean test on a validated float array (see :func:`mean_test`); ``moments`` reuses block moments of
    x − x̄ drawn by the caller with ``block_length`` (the audit draws one plan for all its tests)."""
    n = x.size
    mean = float(x.mean())
    sd = float(x.std(ddof=1))
    null = f"{test} = {null_value:g}"
    if method == "t":
        from scipy import stats  # only this method needs scipy.stats (~0.6 s to import)

        r = stats.ttest_1samp(x, null_value, alternative=alternative)
        return TestResult(test, float(r.statistic), float(r.pvalue), alternative, null, mean, "one-sample t test", n,
                          sd / math.sqrt(n), null_value, confidence_level, Interval("t", df=n - 1), None, {"df": n - 1})
    if method == "hac":
        lags = fixed_b_window(n, maxlags) if hac_pvalues == "fixed-b" else resolve_maxlags(maxlags, n)
        return hac_mean(x, maxlags=lags, hac_pvalues=hac_pvalues, alternative=alternative, null_value=null_value,
                        confidence_level=confidence_level, test=test, null=null)
    b = resolve_block_length(block_length, x, bootstrap)
    if bootstrap == "iid":
        # independent data: s/√n studentises both worlds (bootstrap-t; Efron & Tibshirani 1993, ch. 12)
        sums = streamed_sums(np.column_stack([x, x * x]), reps, bootstrap, b, seed, n_jobs=n_jobs)
        m_star = sums[:, 0] / n
        s_star = np.sqrt(np.maximum(sums[:, 1] - n * m_star**2, 0.0) / (n - 1))
        t_star = _safe_div((m_star - mean) * math.sqrt(n), s_star)
        se = sd / math.sqrt(n)
        extra: dict[str, Any] = {"studentisation": "iid standard error s/sqrt(n) in T and T*"}
    else:
        v = lrv(x)
        se = math.sqrt(v.value / n)
        mom = streamed_block_moments(x - mean, reps, bootstrap, b, seed, n_jobs=n_jobs) if moments is None else moments
        d_star, v_star = mean_replicates(mom, n)
        t_star = _safe_div(d_star * math.sqrt(n), np.sqrt(v_star))
        m_star = d_star + mean
        extra = {"studentisation": "T: AR(1)-prewhitened QS HAC (Andrews & Monahan 1992); T*: within-replicate "
                 "block variance (Goetze & Kuensch 1996)", "long_run_variance": v.value,
                 "prewhiten_phi": v.phi, "hac_bandwidth": v.bandwidth}
    t_obs = (mean - null_value) / se
    p = pvalue_from_replicates(t_star, t_obs, alternative=alternative)
    return TestResult(test, float(t_obs), float(p), alternative, null, mean, "studentised " + _describe(bootstrap, b, reps),
                      n, se, null_value, confidence_level, Interval("bootstrap-t"), t_star,
                      {"block_length": b, "reps": reps, "bootstrap_se": float(m_star.std(ddof=1)),
                       "iid_se": sd / math.sqrt(n), **extra})


def _check_test_options(method: str, methods: tuple, alternative: str, null_value: Any, reps: Any, bootstrap: str,
                        confidence_level: Any, seed: Any) -> tuple[Any, Any, float, int, Any, float, Any]:
    method = check_choice(method, "method", methods)
    alternative = check_alternative(alternative)
    null_value = check_number(null_value, "null_value")
    reps = check_reps(reps)
    bootstrap = check_choice(bootstrap, "bootstrap", METHODS)
    confidence_level = check_probability(confidence_level, "confidence_level")
    if isinstance(seed, np.random.Generator):  # read once: a generator advances, its draw is the seed
        seed = check_seed(seed)
    return method, alternative, null_value, reps, bootstrap, confidence_level, seed


def mean_test(returns: ArrayLike, *, method: Literal["bootstrap", "hac", "t"] = "bootstrap",
              alternative: Literal["two-sided", "greater", "less"] = "two-sided", null_value: float = 0.0,
              reps: int = 9_999, bootstrap: Scheme = "stationary", block_length: float | str = "auto",
              seed: SeedLike = None, n_jobs: int | None = None, maxlags: int | None = None,
              hac_pvalues: Literal["normal", "fixed-b"] = "normal", confidence_level: float = 0.95,
              check_returns: bool = True) -> TestResult:
    """Test H0: E[r] = ``null_value`` for a return series.

    Parameters
    ----------
    returns : array_like
        Per-period or per-trade returns (fractions: 0.01 is 1 %).
    method : {"bootstrap", "hac", "t"}
        ``"bootstrap"`` (default): studentised, null-imposed block bootstrap (Hall & Wilson 1991,
        guideline 2). T = (x̄ − μ0)/(σ̂/√n), σ̂² the AR(1)-prewhitened Quadratic-Spectral long-run
        variance with the Andrews (1991) bandwidth (Andrews & Monahan 1992); each replicate
        T* = (x̄* − x̄)/(σ̂*/√n) with σ̂*² its own block variance (Götze & Künsch 1996, eq. (2.4)), from one
        prefix-sum pass. (A plain s/√n or Newey–West pivot over-rejects under positive autocorrelation:
        the block-bootstrap variance is biased low by O(1/b), Politis & Romano 1994, Lemma 1.) With
        ``bootstrap="iid"`` s/√n studentises both (the bootstrap-t). ``"hac"``: Newey & West (1987) t with
        ``maxlags`` and the ``hac_pvalues`` law. ``"t"``: the one-sample t (``scipy.stats.ttest_1samp``).
    alternative : {"two-sided", "greater", "less"}
    null_value : float
        The mean under H0.
    reps, bootstrap, block_length, seed, n_jobs
        Bootstrap replicates, scheme, block length ("auto": Politis & White 2004), seed, threads.
    maxlags : int or None
        HAC window (``method="hac"``); None: the Newey–West rule, or max(rule, ⌈0.1 n⌉) with fixed-b.
    hac_pvalues : {"normal", "fixed-b"}
        Reference law of the HAC t (Kiefer & Vogelsang 2005).
    confidence_level : float
        Level of ``confidence_interval()`` (which inverts the test).
    check_returns : bool
        Refuse inputs that look like prices, cumulative returns, percent or positions (see
        :func:`alphacheck._inputs.as_returns`); False turns the check off.

    Returns
    -------
    TestResult
        ``bootstrap_distribution`` holds the pivots T* (bootstrap), ``details["bootstrap_se"]`` the sd of x̄*.

    References
    ----------
    Hall & Wilson (1991), Biometrics 47(2); Politis & Romano (1994), JASA 89(428); Götze & Künsch (1996),
    Ann. Statist. 24(5); Andrews & Monahan (1992), Econometrica 60(4); Newey & West (1987).

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(0).normal(0.001, 0.01, 750)
    >>> res = mean_test(r, alternative="greater", reps=999, seed=1)
    >>> res.pvalue < 0.05, res.confidence_interval().high
    (True, inf)
    """
    method, alternative, null_value, reps, bootstrap, level, seed = _check_test_options(
        method, MEAN_METHODS, alternative, null_value, reps, bootstrap, confidence_level, seed)
    hac_pvalues = check_choice(hac_pvalues, "hac_pvalues", HAC_PVALUES)
    x = as_returns(returns, "returns", min_obs=3 if method == "t" else MIN_LARGE_SAMPLE, require_variance=True,
                   check_returns=check_returns).values
    refuse_unused_maxlags(maxlags, method)
    return _mean_test(x, method=method, alternative=alternative, null_value=null_value, reps=reps, bootstrap=bootstrap,
                      block_length=block_length, seed=seed, n_jobs=n_jobs, maxlags=maxlags, hac_pvalues=hac_pvalues,
                      confidence_level=level)


def _sharpe_test(x: np.ndarray, *, method: str = "bootstrap", alternative: str = "two-sided", null_value: float = 0.0,
                 periods_per_year: float | None = None, reps: int = 9_999, bootstrap: str = "stationary",
                 block_length: Any = "auto", seed: Any = None, n_jobs: int | None = None, maxlags: int | None = None,
                 confidence_level: float = 0.95, moments: Any = None) -> TestResult:
    """The Sharpe test on a validated float array (see :func:`sharpe_test`); ``moments`` reuses block moments
    of (z, z²), z = (x − x̄)/s, drawn by the caller with ``block_length``."""
    from alphacheck.sharpe import _sharpe_se_values

    q = periods_per_year
    scale = math.sqrt(q) if q else 1.0
    sr0 = null_value / scale
    n = x.size
    mean, sd = float(x.mean()), float(x.std(ddof=1))
    sr = mean / sd
    null = sharpe_null("Sharpe ratio =", null_value, sr0, bool(q))
    common = {"sharpe_annualized": sr * scale if q else None, "periods_per_year": q}
    if method != "bootstrap":
        se = _sharpe_se_values(x, method, maxlags)
        zs = (sr - sr0) / se
        return TestResult("Sharpe ratio", float(zs), float(pvalue_from_law(zs, alternative=alternative)), alternative,
                          null, sr, f"z test, {method} standard error", n, se, sr0, confidence_level,
                          Interval("normal"), None, common)
    b = resolve_block_length(block_length, x, bootstrap)
    # standardise (z = (x − x̄)/s) so the block moments of (z, z²) are well conditioned; ψ is
    # affine-invariant, only SR enters its coefficients
    z = (x - mean) / sd
    c = math.sqrt((n - 1) / n)  # SR (ddof=1) = c⁻¹ x̄/σ̂ (ddof=0); both worlds use the ddof=0 ψ below
    sr_pop = sr / c
    psi = z / c - (sr_pop / 2) * (z * z / c**2 - 1)  # Sharpe influence function (Lo 2002; Mertens 2002)
    extra: dict[str, Any]
    if bootstrap == "iid":
        lrv_value, extra = float(psi @ psi) / n, {"studentisation": "iid influence-function variance"}
    else:
        v = lrv(psi)
        lrv_value = v.value
        extra = {"studentisation": "T: AR(1)-prewhitened QS HAC of the influence function (Andrews & Monahan "
                 "1992); T*: within-replicate block variance of it (Goetze & Kuensch 1996)",
                 "long_run_variance": lrv_value, "prewhiten_phi": v.phi, "hac_bandwidth": v.bandwidth}
    se = c * math.sqrt(lrv_value / n)  # in ddof=1 Sharpe units
    if moments is None:
        moments = streamed_block_moments(np.column_stack([z, z * z]), reps, bootstrap, b, seed, n_jobs=n_jobs)
    srp, v_star = sharpe_replicates(moments, sr, n)
    t_star = _safe_div((srp - sr_pop) * math.sqrt(n), np.sqrt(v_star))
    t_obs = (sr - sr0) / se
    p = pvalue_from_replicates(t_star, t_obs, alternative=alternative)
    details = {"block_length": b, "reps": reps, "bootstrap_se": float((c * srp).std(ddof=1)),
               "iid_se": math.sqrt((1 + sr**2 / 2) / n), **extra, **common}
    return TestResult("Sharpe ratio", float(t_obs), float(p), alternative, null, sr,
                      "studentised " + _describe(bootstrap, b, reps), n, se, sr0, confidence_level,
                      Interval("bootstrap-t"), t_star, details)


SPARSE_SHARPE = 30  # fewer non-zero returns than this: sharpe_test warns (measured sizes in its Notes)


def sharpe_test(returns: ArrayLike, *, method: Literal["bootstrap", "lo", "mertens", "normal"] = "bootstrap",
                alternative: Literal["two-sided", "greater", "less"] = "two-sided", null_value: float = 0.0,
                periods_per_year: float | None = None, reps: int = 9_999, bootstrap: Scheme = "stationary",
                block_length: float | str = "auto", seed: SeedLike = None, n_jobs: int | None = None,
                maxlags: int | None = None, confidence_level: float = 0.95, check_returns: bool = True) -> TestResult:
    """Test H0: SR = ``null_value`` (per-period SR = mean/sd, ddof=1).

    Parameters
    ----------
    returns : array_like
        Per-period or per-trade returns.
    method : {"bootstrap", "lo", "mertens", "normal"}
        ``"bootstrap"``: studentised null-imposed block bootstrap on the Sharpe influence function
        ψ_t = (x_t − μ)/σ − (SR/2)((x_t − μ)²/σ² − 1) (delta method; Lo 2002, Mertens 2002, Opdyke 2007):
        T = (SR̂ − SR0)/se, se² the AR(1)-prewhitened QS long-run variance of ψ̂ over n; T* studentised by the
        replicate's block variance of its own ψ* (Götze & Künsch 1996, :func:`sharpe_replicates`).
        ``"normal"``, ``"mertens"``, ``"lo"``: z = (SR̂ − SR0)/se with :func:`alphacheck.sharpe_se`.
    alternative, reps, bootstrap, block_length, seed, n_jobs, confidence_level, check_returns
        As :func:`mean_test`.
    null_value : float
        SR under H0: annual when ``periods_per_year`` is given (divided by its square root), else per period.
    periods_per_year : float or None
        Only converts the null and the reported annualized Sharpe (iid scaling).
    maxlags : int or None
        Bartlett window of ``method="lo"`` (None: Newey–West rule).

    Returns
    -------
    TestResult
        ``estimate`` is the per-period Sharpe ratio; the interval is in per-period units.

    Notes
    -----
    Sparse returns (mostly zero: an event strategy out of the market most days) break the Sharpe ratio's
    asymptotics long before the mean's: on zero-mean null worlds of n = 250 with k non-zero N(0, 1 %) returns,
    the share of p <= 5 % was 18.7 / 14.7 / 7.0 % for the bootstrap at k = 5 / 10 / 25 (300 worlds each; "lo"
    23.3 / 16.3 / 8.3 %) while :func:`mean_test` held 0.0 / 1.0 / 4.0 %; 7.2 % at k = 50 (mean 6.2 %, 400
    worlds) and 4.2 % at k = 50 of n = 1,000. With zeros and fewer than 30 non-zero returns a ``UserWarning`` says so.

    References
    ----------
    Lo (2002), Financial Analysts Journal 58(4), eqs. 8-10; Mertens (2002); Opdyke (2007), J. Asset Mgmt 8(5);
    Götze & Künsch (1996); Andrews & Monahan (1992).

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(2).normal(0.001, 0.01, 1000)
    >>> round(sharpe_test(r, method="normal").estimate, 3)
    0.077
    """
    from alphacheck.sharpe import check_periods_per_year

    method, alternative, null_value, reps, bootstrap, level, seed = _check_test_options(
        method, SHARPE_METHODS, alternative, null_value, reps, bootstrap, confidence_level, seed)
    q = check_periods_per_year(periods_per_year)
    x = as_returns(returns, "returns", min_obs=MIN_LARGE_SAMPLE, require_variance=True,
                   check_returns=check_returns).values
    refuse_unused_maxlags(maxlags, method, uses="lo")
    check_scale(x, "returns")  # the Sharpe moments of values below 1e-50 underflow
    active = int(np.count_nonzero(x))
    if active < min(SPARSE_SHARPE, x.size):  # zeros among few non-zero returns (a short series is another matter)
        warnings.warn(f"returns: only {active} of {x.size} returns are non-zero; Sharpe-ratio tests over-reject on "
                      "such sparse series (18.7 % at 5 % with 5 of 250, see sharpe_test's Notes): test the mean "
                      "instead (mean_test, per period or on the non-zero trade returns)", UserWarning, stacklevel=2)
    return _sharpe_test(x, method=method, alternative=alternative, null_value=null_value, periods_per_year=q,
                        reps=reps, bootstrap=bootstrap, block_length=block_length, seed=seed, n_jobs=n_jobs,
                        maxlags=maxlags, confidence_level=level)


def bootstrap_test(data: ArrayLike, statistic: Callable[[np.ndarray], float], *,
                   alternative: Literal["two-sided", "greater", "less"] = "two-sided", null_value: float = 0.0,
                   reps: int = 9_999, bootstrap: Scheme = "stationary", block_length: float | str = "auto",
                   seed: SeedLike = None, n_jobs: int | None = 1, confidence_level: float = 0.95) -> TestResult:
    """Bootstrap test of H0: θ = ``null_value`` for any scalar ``statistic`` of the rows of ``data``.

    Parameters
    ----------
    data : array_like
        1-D or 2-D (rows resampled together).
    statistic : callable
        ``statistic(rows) -> float``.
    alternative, null_value, reps, bootstrap, block_length, seed, confidence_level
        As :func:`mean_test`.
    n_jobs : int or None
        Workers for evaluating ``statistic`` (joblib; default 1, your callable may not be thread-safe).

    Returns
    -------
    TestResult
        Null imposed by centring (Hall & Wilson 1991, guideline 1): the law of θ* − θ̂ stands in for that
        of θ̂ − θ0 (not studentised: use :func:`mean_test` / :func:`sharpe_test` for those statistics);
        the interval is the symmetric basic interval θ̂ ∓ q(|θ* − θ̂|) that inverts the two-sided test.

    References
    ----------
    Davison & Hinkley (1997), Bootstrap Methods and their Application, sec. 4.4 and 5.2.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal(300)
    >>> res = bootstrap_test(x, np.median, reps=499, bootstrap="iid", seed=3)
    >>> res.pvalue > 0.05
    True
    """
    _, alternative, theta0, reps, bootstrap, level, seed = _check_test_options(
        "bootstrap", ("bootstrap",), alternative, null_value, reps, bootstrap, confidence_level, seed)
    if not callable(statistic):
        raise InputError("statistic", f"must be callable, got {type(statistic).__name__}")
    checked = as_matrix(data, "data", min_obs=3)
    values = checked.values[:, 0] if np.ndim(data) == 1 else checked.values
    estimate = _one_number(statistic(values), "on the data")
    b = resolve_block_length(block_length, checked.values, bootstrap)
    with warnings.catch_warnings():  # a non-finite replicate is refused just below, not warned about first
        warnings.filterwarnings("ignore", message="statistic: ")
        star = bootstrap_statistic(values, statistic, reps=reps, bootstrap=bootstrap, block_length=b, seed=seed,
                                   n_jobs=n_jobs)
    if star.ndim != 1 or not np.isfinite(star).all():
        raise InputError("statistic", "must return one finite number on every bootstrap replicate")
    d = star - estimate
    p = pvalue_from_replicates(d, estimate - theta0, alternative=alternative)
    return TestResult("bootstrap test", estimate - theta0, float(p), alternative, f"statistic = {theta0:g}", estimate,
                      "centred " + _describe(bootstrap, b, reps), values.shape[0], 1.0, theta0, level,
                      Interval("bootstrap-t"), d, {"block_length": b, "reps": reps,
                                                   "bootstrap_se": float(star.std(ddof=1))})


def _one_number(value: Any, where: str) -> float:
    """A callable statistic's value on the data: one finite number, else InputError naming ``statistic``."""
    est = statistic_value(value)
    if est.shape != () or not np.isfinite(est):
        raise InputError("statistic", f"must return one finite number {where}, got {est.tolist()!r}")
    return float(est)


def permutation_test(x: ArrayLike, y: ArrayLike, *,
                     statistic: Literal["mean_difference"] | Callable = "mean_difference", paired: bool = False,
                     alternative: Literal["two-sided", "greater", "less"] = "two-sided", reps: int = 9_999,
                     seed: SeedLike = None) -> TestResult:
    """Permutation test of H0: x and y are exchangeable.

    Parameters
    ----------
    x, y : array_like
        The two samples.
    statistic : "mean_difference" or callable
        mean(x) − mean(y) (vectorised over permutations) or f(x, y) (called once per permutation).
    paired : bool
        False: group labels are shuffled. True: the signs of x − y are flipped (H0: the differences are
        symmetric about 0).
    alternative, reps, seed
        As :func:`mean_test`.

    Returns
    -------
    TestResult
        p = (1 + #{at least as extreme}) / (1 + B) (Phipson & Smyth 2010); no interval (a permutation
        test of exchangeability has no parameter to bound).

    References
    ----------
    Phipson & Smyth (2010), Stat. Appl. Genet. Mol. Biol. 9(1).

    Examples
    --------
    >>> res = permutation_test([1.2, 0.8, 1.5, 1.1], [0.2, 0.4, -0.1, 0.3], reps=999, seed=0)
    >>> res.pvalue < 0.1
    True
    """
    alternative = check_alternative(alternative)
    reps = check_reps(reps)
    xv = as_series(x, "x", min_obs=2).values
    yv = as_series(y, "y", min_obs=2).values
    stat_fn: Any = statistic  # the callable branch below
    if not (statistic == "mean_difference" or callable(statistic)):
        raise InputError("statistic", f"must be 'mean_difference' or a callable, got {statistic!r}")
    rng = np.random.default_rng(check_seed(seed))
    if paired:
        if xv.size != yv.size:
            raise InputError("y", f"paired test needs equal lengths, got {xv.size} and {yv.size}")
        d = xv - yv
        signs = rng.choice(np.array([-1.0, 1.0]), size=(reps, d.size))
        if statistic == "mean_difference":
            obs = float(d.mean())
            perm = (signs * d).mean(axis=1)
        else:
            obs = _one_number(stat_fn(xv, yv), "on x and y")
            # flipping the sign of d_i == swapping x_i and y_i
            perm = np.array([statistic_value(stat_fn(np.where(s > 0, xv, yv), np.where(s > 0, yv, xv)))
                             for s in signs])
    else:
        pooled = np.concatenate([xv, yv])
        nx = xv.size
        order = rng.permuted(np.broadcast_to(np.arange(pooled.size), (reps, pooled.size)), axis=1)
        if statistic == "mean_difference":
            obs = float(xv.mean() - yv.mean())
            shuffled = pooled[order]
            perm = shuffled[:, :nx].mean(axis=1) - shuffled[:, nx:].mean(axis=1)
        else:
            obs = _one_number(stat_fn(xv, yv), "on x and y")
            perm = np.array([statistic_value(stat_fn(pooled[o[:nx]], pooled[o[nx:]])) for o in order])
    if perm.shape != (reps,) or not np.isfinite(perm).all():
        raise InputError("statistic", "must return one finite number on every permutation")
    p = pvalue_from_replicates(perm, obs, alternative=alternative)
    name = statistic if isinstance(statistic, str) else getattr(statistic, "__name__", "statistic")
    return TestResult("permutation test", obs, float(p), alternative,
                      "x and y exchangeable" if not paired else "paired differences symmetric about 0", obs,
                      f"{'sign-flip' if paired else 'label'} permutation, {reps:,} permutations, statistic {name}",
                      xv.size + (0 if paired else yv.size), float("nan"), 0.0, 0.95,
                      Interval("none", reason="a permutation test of exchangeability bounds no parameter"), perm,
                      {"reps": reps})
