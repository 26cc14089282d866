"""Is it better than what I have? Tests that compare strategies on the same dates.

* :func:`sharpe_difference` — H0: SR(returns) − SR(incumbent) = ``null_value``. ``method="bootstrap"``
  (default): the studentised block bootstrap of Ledoit & Wolf (2008, sec. 3.2); ``"hac"``: their HAC
  delta-method test (sec. 3.1) with a VAR(1)-prewhitened kernel (Andrews & Monahan 1992);
  ``"jobson-korkie"``: Jobson & Korkie (1981) with the correction of Memmel (2003), valid for iid normal
  returns only (the classical reference).
* :func:`sharpe_equality` — H0: the k Sharpe ratios are equal, a Wald statistic on k − 1 contrasts:
  Leung & Wong (2008) under iid normality, Wright, Yam & Yung (2014) with a HAC covariance, or its
  bootstrap calibration.
* :func:`diebold_mariano` — H0: equal expected loss, Diebold & Mariano (1995) with the Harvey, Leybourne &
  Newbold (1997) small-sample correction.
* :func:`giacomini_white` — H0: the loss differential is unpredictable from the information at the
  forecast origin, Giacomini & White (2006) conditional predictive ability.

Conventions. Sharpe ratios are per period, mean / sd with ddof = 1 (:func:`alphacheck.sharpe_ratio`);
``periods_per_year`` only converts ``null_value`` (annual when given) and the reported annualised numbers.
Loss-based tests take *losses* (lower is better); for return series pass ``-returns`` (a return gain is a
loss reduction). Each public function validates its inputs once and calls an engine on float arrays,
which :func:`alphacheck.audit` reuses.

References
----------
Ledoit & Wolf (2008), "Robust performance hypothesis testing with the Sharpe ratio", J. Empirical Finance
15(5), 850-859. Jobson & Korkie (1981), J. Finance 36(4), 889-908; Memmel (2003), Finance Letters 1(1),
21-23. Leung & Wong (2008), J. Risk 10(3); Wright, Yam & Yung (2014), J. Risk 16(4), 3-21. Diebold & Mariano
(1995), JBES 13(3), 253-263; Harvey, Leybourne & Newbold (1997), Int. J. Forecasting 13(2), 281-291;
Giacomini & White (2006), Econometrica 74(6), 1545-1578. Andrews (1991), Econometrica 59(3); Andrews &
Monahan (1992), Econometrica 60(4); Götze & Künsch (1996), Ann. Statist. 24(5); Politis & White (2004).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck._hac import hac_matrix, lrv_columns, prewhitened_hac_matrix, resolve_maxlags
from alphacheck._inputs import (
    InputError,
    align,
    as_matrix,
    check_alternative,
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_plausible,
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
    resolve_block_length,
    streamed_block_moments,
)
from alphacheck._results import Interval, TestResult, sharpe_null

__all__ = ["SharpeEqualityResult", "diebold_mariano", "giacomini_white", "sharpe_difference", "sharpe_equality"]

DIFFERENCE_METHODS = ("bootstrap", "hac", "jobson-korkie")
EQUALITY_METHODS = ("bootstrap", "hac", "normal")
LW_KERNELS = ("quadratic-spectral", "parzen")
DM_METHODS = ("hln", "dm")


# --------------------------------------------------------------------------------------------------
# validation


def _pair(returns: Any, incumbent: Any, check_returns: Any, *, names: tuple[str, str] = ("returns", "incumbent"),
          min_obs: int = 10, plausible: bool = True,
          constant_ok: bool = False) -> tuple[np.ndarray, np.ndarray, pd.Index | None]:
    (a, b), index = align([(names[0], returns), (names[1], incumbent)], min_obs=min_obs)
    for nm, v in zip(names, (a, b)):
        if v.ndim != 1:
            raise InputError(nm, f"must be one series, got {v.shape[1]} columns")
        if np.ptp(v) == 0:
            if constant_ok:
                continue
            raise InputError(nm, "is constant; the method needs a series with non-zero variance")
        check_scale(v, nm)
        if plausible and check_bool(check_returns, "check_returns"):
            check_plausible(v, index, nm)
    return a, b, index


def _loss_differential(losses: Any, incumbent: Any, min_obs: int) -> tuple[np.ndarray, pd.Index | None]:
    """d = losses − incumbent on the shared dates, refused when it does not vary (up to rounding); either loss may
    be constant on its own (cash, a fixed forecast)."""
    a, b, index = _pair(losses, incumbent, False, names=("losses", "incumbent"), min_obs=min_obs, plausible=False,
                        constant_ok=True)
    d = a - b
    if np.ptp(d) <= 1e-12 * max(float(np.abs(a).max()), float(np.abs(b).max())):
        raise InputError("losses - incumbent", "is constant (up to rounding); there is no sampling variance to test "
                                               "against")
    return d, index


def _scale(q: float | None) -> float:
    return math.sqrt(q) if q else 1.0


# --------------------------------------------------------------------------------------------------
# Sharpe-ratio difference: Ledoit & Wolf (2008)


def lw_columns(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The columns (r1, r2, r1², r2²) whose means v = (μ1, μ2, γ1, γ2) the Ledoit–Wolf tests work on.

    Raw returns, as in Ledoit & Wolf: the Andrews (1991) bandwidth weights the columns by σ̂_a⁴, so the HAC
    standard error (not Δ̂) depends slightly on the units of the returns — theirs does too. The audit draws
    its block moments of these columns.
    """
    return np.column_stack([x1, x2, x1 * x1, x2 * x2])


def lw_gradient(v: np.ndarray) -> np.ndarray:
    """∇f at v = (μ1, μ2, γ1, γ2) (first and uncentred second moments), f = μ1/√(γ1−μ1²) − μ2/√(γ2−μ2²).

    Ledoit & Wolf (2008), sec. 3.1: ∇f = (γ1/(γ1−μ1²)^{3/2}, −γ2/(γ2−μ2²)^{3/2}, −μ1/(2(γ1−μ1²)^{3/2}),
    μ2/(2(γ2−μ2²)^{3/2})). Works on the last axis (many replicates at once).
    """
    m1, m2, g1, g2 = (v[..., i] for i in range(4))
    c1 = (g1 - m1**2) ** 1.5
    c2 = (g2 - m2**2) ** 1.5
    return np.stack([g1 / c1, -g2 / c2, -0.5 * m1 / c1, 0.5 * m2 / c2], axis=-1)


def _lw_hac(cols: np.ndarray, kernel: str) -> tuple[float, float, dict[str, Any]]:
    """(Δ̂, se, details): Δ̂ = SR1 − SR2 (sd ddof = 1), se = sqrt(∇f' Ψ̂ ∇f / T) (Ledoit & Wolf 2008, eq. (6)).

    Ψ̂ is the VAR(1)-prewhitened kernel HAC of y_t = (r1 − μ̂1, r2 − μ̂2, r1² − γ̂1, r2² − γ̂2)
    (:func:`alphacheck._hac.prewhitened_hac_matrix`, with the T'/(T' − 4) factor of their programs).
    """
    n = cols.shape[0]
    v = cols.mean(axis=0)
    delta = float(cols[:, 0].mean() / cols[:, 0].std(ddof=1) - cols[:, 1].mean() / cols[:, 1].std(ddof=1))
    grad = lw_gradient(v)
    psi = prewhitened_hac_matrix(cols - v, kernel=kernel)
    var = float(grad @ psi.value @ grad) / n
    if not var > 0:
        raise InputError("returns, incumbent", "the HAC variance of the Sharpe-ratio difference is not positive")
    return delta, math.sqrt(var), {"hac_kernel": kernel, "hac_bandwidth": psi.bandwidth,
                                   "hac_alpha2": psi.alpha2, "gradient": grad.tolist()}


def lw_replicates(mom: BlockMoments, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per replicate: Δ̂* (sd ddof = 1) and its standard error from the replicate's own blocks.

    ``mom``: block moments of (r1, r2, r1², r2²) (:func:`lw_columns`). With v* the replicate's moments and
    S_j the block sums, Ψ̂* = (1/T) Σ_j (S_j − L_j v*)(S_j − L_j v*)' — Ledoit & Wolf's (2008, sec. 3.2.2)
    Ψ̂* = (1/l) Σ_j ζ_j ζ_j', ζ_j = b^{-1/2} Σ_{t in block j} y*_t, for l blocks of length b = T/l (the
    Götze & Künsch 1996 block variance; for unequal blocks the same formula) — and se* = sqrt(∇f(v*)' Ψ̂* ∇f(v*) / T).
    """
    v = mom.sums / n
    var = np.maximum(v[:, 2:] - v[:, :2] ** 2, 0.0)
    sd = np.sqrt(var * n / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        sr = np.where(sd > 0, v[:, :2] / np.where(sd > 0, sd, 1.0), 0.0)
        grad = np.nan_to_num(lw_gradient(v), nan=0.0, posinf=0.0, neginf=0.0)
    ls = mom.length_sums
    centred = (mom.cross - ls[:, :, None] * v[:, None, :] - v[:, :, None] * ls[:, None, :]
               + mom.length_squares[:, None, None] * v[:, :, None] * v[:, None, :])
    quad = np.einsum("ri,rij,rj->r", grad, centred, grad) / n  # ∇f' Ψ̂* ∇f
    se = np.sqrt(np.maximum(quad, 0.0) / n)
    return sr[:, 0] - sr[:, 1], se


def _sharpe_difference(x1: np.ndarray, x2: np.ndarray, *, method: str = "bootstrap", alternative: str = "two-sided",
                       null_value: float = 0.0, periods_per_year: float | None = None, reps: int = 9_999,
                       bootstrap: str = "stationary", block_length: Any = "auto", kernel: str = "quadratic-spectral",
                       seed: Any = None, n_jobs: int | None = None, confidence_level: float = 0.95,
                       moments: BlockMoments | None = None) -> TestResult:
    """The Sharpe-difference test on validated arrays (see :func:`sharpe_difference`); ``moments`` reuses block
    moments of :func:`lw_columns` drawn by the caller with ``block_length`` (the audit's one plan)."""
    n = x1.size
    q = periods_per_year
    d0 = null_value / _scale(q)
    s1, s2 = float(x1.std(ddof=1)), float(x2.std(ddof=1))
    sr1, sr2 = float(x1.mean()) / s1, float(x2.mean()) / s2
    rho = float(np.corrcoef(x1, x2)[0, 1])
    z_gap = float(np.max(np.abs((x1 - x1.mean()) / s1 - (x2 - x2.mean()) / s2)))
    if z_gap <= 1e-10 and abs(sr1 - sr2) <= 1e-12 * max(1.0, abs(sr1)):
        # r = c·incumbent with c > 0: Δ̂ = 0 identically and every variance of it is 0 (a p-value would be noise)
        raise InputError("returns, incumbent", "are one strategy at two leverages (one is a positive multiple of the "
                                               "other): their Sharpe ratios are equal by construction, so there is "
                                               "no difference to test")
    common = {"sharpe": sr1, "incumbent_sharpe": sr2, "correlation": rho, "periods_per_year": q,
              "difference_annualized": (sr1 - sr2) * _scale(q) if q else None}
    null = sharpe_null("SR(returns) - SR(incumbent) =", null_value, d0, bool(q))
    test = "Sharpe-ratio difference"
    if method == "jobson-korkie":
        m1, m2 = float(x1.mean()), float(x2.mean())
        s12 = float(np.cov(x1, x2, ddof=1)[0, 1])
        theta = (2 * s1**2 * s2**2 - 2 * s1 * s2 * s12 + 0.5 * m1**2 * s2**2 + 0.5 * m2**2 * s1**2
                 - m1 * m2 * s12**2 / (s1 * s2)) / n
        if not theta > 0:
            raise InputError("returns, incumbent", "the Jobson-Korkie variance is not positive")
        se = math.sqrt(theta) / (s1 * s2)
        z = (sr1 - sr2 - d0) / se
        return TestResult(test, float(z), float(pvalue_from_law(z, alternative=alternative)), alternative, null,
                          sr1 - sr2, "Jobson-Korkie (1981) z with Memmel's (2003) correction (iid normal returns)", n,
                          se, d0, confidence_level, Interval("normal"), None,
                          {"jk_statistic": (s2 * m1 - s1 * m2) / math.sqrt(theta), "theta": theta, **common})
    cols = lw_columns(x1, x2)
    delta, se, hac = _lw_hac(cols, kernel)
    t_obs = (delta - d0) / se
    if method == "hac":
        return TestResult(test, float(t_obs), float(pvalue_from_law(t_obs, alternative=alternative)), alternative,
                          null, delta, f"Ledoit-Wolf (2008) HAC delta method, VAR(1)-prewhitened {kernel} kernel "
                          "(Andrews & Monahan 1992), normal p-value", n, se, d0, confidence_level, Interval("normal"),
                          None, {**hac, **common})
    # "auto": Politis-White on the statistic's influence series ∇f(v̂)'(y_t − v̂), the linearised Δ̂, not the
    # maximum over the four columns: under GARCH the squares' persistence drove that maximum to 13-46 and left
    # too few blocks for each replicate's variance (3.4 / 3.4 % at 5 %; 5.4 / 4.8 % from the influence series)
    influence = (cols - cols.mean(axis=0)) @ np.asarray(hac["gradient"])
    b = float(resolve_block_length(block_length, influence, bootstrap))
    if moments is None:
        moments = streamed_block_moments(cols, reps, bootstrap, b, seed, n_jobs=n_jobs)
    d_star, se_star = lw_replicates(moments, n)
    t_star = np.zeros_like(d_star)
    np.divide(d_star - delta, se_star, out=t_star, where=se_star > 0)
    p = pvalue_from_replicates(t_star, t_obs, alternative=alternative)
    how = f"{bootstrap} bootstrap (block length {b:.3g})" if bootstrap != "iid" else "iid bootstrap"
    return TestResult(test, float(t_obs), float(p), alternative, null, delta,
                      f"Ledoit-Wolf (2008) studentised {how}, {reps:,} replicates; T by the prewhitened {kernel} HAC, "
                      "T* by each replicate's block variance", n, se, d0, confidence_level, Interval("bootstrap-t"),
                      t_star, {"block_length": b, "reps": reps, "bootstrap_se": float(np.std(d_star, ddof=1)),
                               **hac, **common})


def _check_common(alternative: Any, null_value: Any, reps: Any, bootstrap: Any, confidence_level: Any,
                  seed: Any) -> tuple[Any, float, int, Any, float, Any]:  # Any: callers keep their Literal
    alternative = check_alternative(alternative)
    null_value = check_number(null_value, "null_value")
    reps = check_reps(reps)
    bootstrap = check_choice(bootstrap, "bootstrap", METHODS)
    level = check_probability(confidence_level, "confidence_level")
    if isinstance(seed, np.random.Generator):  # read once: a generator advances, its draw is the seed
        seed = check_seed(seed)
    return alternative, null_value, reps, bootstrap, level, seed


def sharpe_difference(returns: ArrayLike, incumbent: ArrayLike, *,
                      method: Literal["bootstrap", "hac", "jobson-korkie"] = "bootstrap",
                      alternative: Literal["two-sided", "greater", "less"] = "two-sided", null_value: float = 0.0,
                      reps: int = 9_999, bootstrap: Scheme = "stationary", block_length: float | str = "auto",
                      kernel: Literal["quadratic-spectral", "parzen"] = "quadratic-spectral", seed: SeedLike = None,
                      n_jobs: int | None = None, periods_per_year: float | None = None, confidence_level: float = 0.95,
                      check_returns: bool = True) -> TestResult:
    """Test H0: SR(returns) − SR(incumbent) = ``null_value`` for two strategies on the same dates.

    Parameters
    ----------
    returns, incumbent : array_like
        Per-period returns of the candidate and of the strategy it would replace (pandas inputs are aligned
        on the index; arrays must have equal lengths).
    method : {"bootstrap", "hac", "jobson-korkie"}
        ``"bootstrap"`` (Ledoit & Wolf 2008, sec. 3.2): T = (Δ̂ − Δ0)/se, se the HAC standard error below;
        replicates T* = (Δ̂* − Δ̂)/se*, se* from each replicate's own block variance of y
        (:func:`lw_replicates`); p = (1 + #{|T*| >= |T|})/(1 + B) — their Remark 3.2 — and the interval
        Δ̂ ∓ q(|T*|) se is their symmetric studentised interval. ``"hac"`` (sec. 3.1): Δ̂ = f(v̂),
        v = (μ1, μ2, γ1, γ2) the first and uncentred second moments, se² = ∇f(v̂)' Ψ̂ ∇f(v̂)/T (their
        eq. (6)) with Ψ̂ the VAR(1)-prewhitened kernel HAC of y_t = (r1 − μ̂1, r2 − μ̂2, r1² − γ̂1, r2² − γ̂2)
        (Andrews & Monahan 1992), normal p-value. ``"jobson-korkie"``: z = (σ̂2 μ̂1 − σ̂1 μ̂2)/sqrt(θ̂),
        θ̂ = (1/T)(2σ̂1²σ̂2² − 2σ̂1σ̂2σ̂12 + ½μ̂1²σ̂2² + ½μ̂2²σ̂1² − μ̂1μ̂2σ̂12²/(σ̂1σ̂2)) — the delta-method variance
        under iid bivariate normality with Memmel's (2003) correction (sample moments, ddof = 1); reported in
        Sharpe units: se = sqrt(θ̂)/(σ̂1σ̂2), so z = Δ̂/se for Δ0 = 0.
    alternative : {"two-sided", "greater", "less"}
        "greater": the candidate's Sharpe ratio is higher.
    null_value : float
        Δ0 (annual when ``periods_per_year`` is given).
    reps, bootstrap, block_length, seed, n_jobs
        Bootstrap replicates, scheme (Ledoit & Wolf use the circular block bootstrap: pass
        ``bootstrap="circular"``), block length and seed. ``"auto"``: Politis & White (2004) on the influence
        series of Δ̂, ∇f(v̂)'(y_t − v̂) (the linearised statistic; :func:`alphacheck._resample.resolve_block_length`)
        — not Ledoit & Wolf's calibration (their Algorithm 3.1 re-runs the bootstrap on 1,000 pseudo-series per
        candidate length).
    kernel : {"quadratic-spectral", "parzen"}
        HAC kernel: QS with the Andrews (1991) bandwidth 1.3221 (α̂(2)T)^{1/5} (the paper's choice), or the
        Parzen kernel with 2.6614 (α̂(2)T)^{1/5} (what the authors' published programs use).
    periods_per_year : float or None
        Units of ``null_value`` and of the annualised numbers in ``details``.
    confidence_level : float
        Level of ``confidence_interval()``, which inverts the test.
    check_returns : bool
        Refuse inputs that look like prices, cumulative curves, percent or positions.

    Returns
    -------
    TestResult
        ``estimate`` = Δ̂ per period (SR with sd ddof = 1, as :func:`alphacheck.sharpe_ratio`); ``details`` hold
        both Sharpe ratios, their correlation, the HAC bandwidth; the bootstrap keeps T* in
        ``bootstrap_distribution``.

    Notes
    -----
    Measured size at 5 % (docs/compare-size.md; 2,000 null worlds, two strategies with correlation 0.5 and
    equal Sharpe ratios, T = 500 / 2,000): bootstrap 5.9 / 5.1 % (iid t(4)), 4.9 / 5.7 % (AR(1) 0.5),
    5.4 / 4.8 % (GARCH; 3.4 / 3.4 % with the block length from the four columns' maximum, which the squares'
    volatility persistence drove to 13-46); "hac" 6.3 / 4.8, 6.8 / 6.6, 5.5 / 5.1 %; Jobson–Korkie–Memmel
    5.9 / 5.0 % on iid t(4) but 26.9 / 25.3 % under AR(1) 0.5 (it assumes independence: a classical reference,
    not a test for dependent returns).

    References
    ----------
    Ledoit & Wolf (2008), J. Empirical Finance 15(5), 850-859, sec. 3; Jobson & Korkie (1981), J. Finance 36(4);
    Memmel (2003), Finance Letters 1(1); Andrews & Monahan (1992), Econometrica 60(4); Götze & Künsch (1996).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> common = rng.normal(0, 0.01, 1000)
    >>> new = 0.0008 + common + rng.normal(0, 0.005, 1000)
    >>> old = 0.0002 + common + rng.normal(0, 0.005, 1000)
    >>> res = sharpe_difference(new, old, method="hac")
    >>> res.estimate > 0, res.pvalue < 0.05
    (True, True)
    """
    method = check_choice(method, "method", DIFFERENCE_METHODS)
    kernel = check_choice(kernel, "kernel", LW_KERNELS)
    alternative, null_value, reps, bootstrap, level, seed = _check_common(alternative, null_value, reps, bootstrap,
                                                                          confidence_level, seed)
    from alphacheck.sharpe import check_periods_per_year

    q = check_periods_per_year(periods_per_year)
    x1, x2, _ = _pair(returns, incumbent, check_returns)
    return _sharpe_difference(x1, x2, method=method, alternative=alternative, null_value=null_value,
                              periods_per_year=q, reps=reps, bootstrap=bootstrap, block_length=block_length,
                              kernel=kernel, seed=seed, n_jobs=n_jobs, confidence_level=level)


# --------------------------------------------------------------------------------------------------
# k-way equality of Sharpe ratios


@dataclasses.dataclass(frozen=True)
class SharpeEqualityResult(TestResult):
    """Test of equal Sharpe ratios; ``sharpes`` (per period, ddof = 1) by strategy, ``df`` = k − 1 (the χ² law of
    the Wald forms).

    ``estimate`` is the spread max SR − min SR; there is no interval (a joint test of k − 1 contrasts
    bounds no single parameter).
    """

    sharpes: pd.Series | None = None
    df: int = 0


def _influence(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sharpe ratios (ddof = 0) and their influence functions ψ_it = z_it − (SR_i/2)(z_it² − 1), z = (x − μ)/σ
    (Lo 2002, eqs. 9-10; Mertens 2002): √T(SR̂ − SR) ≈ T^{-1/2} Σ_t ψ_t."""
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    z = (x - mu) / sd
    sr = mu / sd
    return sr, z - 0.5 * sr * (z * z - 1.0)


def _wald(c_sr: np.ndarray, cov: np.ndarray, n: int, method: str) -> float:
    """n c' A⁻¹ c for the (k − 1)-square contrast covariance A; refused when A is singular to working precision
    or k >= T (the sample covariance of k series has rank <= T − 1; Leung–Wong's ρ² term hides that numerically),
    where an inverse turns estimation noise into a huge W and a p-value near 0 on equal Sharpe ratios."""
    from scipy import linalg

    eig = np.linalg.eigvalsh(cov)
    m = cov.shape[0] + 1
    if m >= n or not eig[0] > 1e-10 * max(eig[-1], 0.0):
        raise InputError("returns", f"{m} strategies on {n} observations make the {m - 1} x {m - 1} covariance of "
                                    f"the Sharpe-ratio contrasts singular: method={method!r} inverts it. Use "
                                    "method='bootstrap' (no matrix is inverted) or fewer strategies than "
                                    "observations")
    return float(n * c_sr @ linalg.cho_solve(linalg.cho_factor(cov), c_sr))


def _equality_max_t(x: np.ndarray, reps: int, bootstrap: str, block_length: Any, seed: Any,
                    n_jobs: int | None) -> tuple[float, float, np.ndarray, float, np.ndarray]:
    """(T, p, T*, block length, t): the replicate-studentised max-|t| test of equal Sharpe ratios.

    Contrasts c_i = SR_i − SR̄ with influence functions u_i = ψ_i − ψ̄ (:func:`_influence`); t_i = c_i / se_i,
    se_i² the AR(1)-prewhitened QS long-run variance of u_i over T; T = max_i |t_i|. Replicate b: SR*_b from the
    resampled moments of z and z², c*_b = (SR*_b − SR) minus its mean over i, se*_b,i² the Götze–Künsch (1996)
    block variance of u_i in replicate b, t*_b,i = c*_b,i / se*_b,i — the studentisation of Ledoit & Wolf
    (2008, sec. 3.2) and of Romano & Wolf's (2005) StepM, applied to k contrasts at once — and
    T*_b = max_i |t*_b,i| / r_i with r_i = (B⁻¹ Σ_b t*_b,i²)^½. The t*'s are pivots, but each with a random
    studentiser, so their spread exceeds the observed t's (Jensen: E[1/v*] > 1/E[v*]); r_i removes that
    scale, which the maximum over k would otherwise turn into a conservative test (measured without it:
    0.7 % at k = 10, AR(0.5), T = 500; with it 2.3 %, and 5.0 % at T = 2,000). No k x k covariance is
    inverted, so the size holds for many strategies, where a Wald form does not (docs/compare-size.md).
    """
    n, k = x.shape
    sr, psi = _influence(x)
    u = psi - psi.mean(axis=1, keepdims=True)
    b = float(resolve_block_length(block_length, psi, bootstrap))
    se = np.sqrt(lrv_columns(u) / n)
    t_obs = (sr - sr.mean()) / se
    stat = float(np.max(np.abs(t_obs)))
    mu, sd = x.mean(axis=0), x.std(axis=0)
    z = (x - mu) / sd  # SR* from the resampled moments of z: SR* = (SR + μ*_z)/σ*_z
    mom = streamed_block_moments(np.hstack([z, z * z, u]), reps, bootstrap, b, seed, n_jobs=n_jobs, pairs="diagonal")
    m1 = mom.sums[:, :k] / n
    var = np.maximum(mom.sums[:, k:2 * k] / n - m1**2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sr_star = np.where(var > 0, (sr + m1) / np.sqrt(np.where(var > 0, var, 1.0)), sr)
    dev = sr_star - sr
    dev -= dev.mean(axis=1, keepdims=True)
    mu_u = mom.sums[:, 2 * k:] / n
    v = (mom.cross[:, 2 * k:] - 2 * mu_u * mom.length_sums[:, 2 * k:] + mu_u**2 * mom.length_squares[:, None]) / n
    se_star = np.sqrt(np.maximum(v, 0.0) / n)
    se_star = np.where(se_star > 0, se_star, np.inf)  # a degenerate replicate never exceeds
    tstar = dev / se_star
    # a random studentiser inflates each t*: E[1/v*] > 1/E[v*] (var t* = 1.05-1.2 at 40-170 blocks, measured),
    # and the max over k amplifies it (conservative: 0.7 % at k = 10, AR(0.5), T = 500); the observed t has a
    # smooth QS studentiser, so each coordinate's t* is put on unit root mean square over the replicates
    rms = np.sqrt(np.mean(np.where(np.isfinite(tstar), tstar, 0.0) ** 2, axis=0))
    dist = np.max(np.abs(tstar) / np.where(rms > 0, rms, 1.0), axis=1)
    p = float(pvalue_from_replicates(dist, stat, alternative="greater"))
    return stat, p, dist, b, t_obs


def sharpe_equality(returns: ArrayLike, *, method: Literal["bootstrap", "hac", "normal"] = "bootstrap",
                    reps: int = 9_999, bootstrap: Scheme = "stationary", block_length: float | str = "auto",
                    maxlags: int | None = None, seed: SeedLike = None, n_jobs: int | None = None,
                    check_returns: bool = True) -> SharpeEqualityResult:
    """Test H0: SR_1 = … = SR_k for k strategies on the same dates.

    Wald forms ("normal", "hac"): W = T (C ŜR)' (C Σ̂ C')⁻¹ (C ŜR), C the (k − 1) x k contrasts SR_i − SR_k,
    Σ̂ the asymptotic covariance of √T ŜR. The default bootstrap form: max_i |SR_i − SR̄| / se_i.

    Parameters
    ----------
    returns : (T, k) array_like
        Per-period returns of k >= 2 strategies (a DataFrame keeps its column names).
    method : {"bootstrap", "hac", "normal"}
        ``"normal"``: Leung & Wong (2008) under iid normal returns, Σ_ij = ρ_ij + ½ SR_i SR_j ρ_ij²
        (Σ_ii = 1 + ½SR_i²; for k = 2, W is the square of the Jobson–Korkie–Memmel z), χ²(k − 1).
        ``"hac"``: Wright, Yam & Yung (2014), the GMM/delta-method form robust to non-normality and serial
        dependence, Σ̂ the Newey–West long-run covariance of the Sharpe influence functions
        ψ_it = z_it − (SR_i/2)(z_it² − 1) (``maxlags``), χ²(k − 1). A Wald form inverts a (k − 1)-square
        covariance estimated with few effective degrees of freedom (about 1.5 T / window for Newey–West), so
        its size is far off unless T / window is large against k: at k = 100, T = 2,000 the HAC χ² rejects
        69 % of iid null worlds (docs/compare-size.md), and the iid-normal form on iid normal returns at T = 40
        rejected 16 / 91 / 100 % at k = 10 / 30 / 39 (100 worlds each); with k >= T the covariance is singular and
        both Wald forms are refused (:class:`InputError`). ``"bootstrap"`` (default): the replicate-studentised
        max-|t| test of the contrasts SR_i − SR̄ (:func:`_equality_max_t`; no matrix is inverted),
        p = (1 + #{T* >= T})/(1 + B); ``statistic`` is max |t|.
    reps, bootstrap, block_length, seed, n_jobs
        The bootstrap (``block_length="auto"``: Politis & White 2004 on the influence functions, maximum; the
        median column's length, which StepM reads, was measured and not adopted here: at k = 100, T = 500 it
        moved the size from 0.5 to 2.3 % under AR(1) 0.5 but from 0.8 to 9.15 % under GARCH, 2,000 worlds).
    maxlags : int or None
        Newey–West window of Σ̂ for "hac" (None: the Newey–West 1994 rule).
    check_returns : bool
        Refuse inputs that do not look like returns (the first 50 columns are checked).

    Returns
    -------
    SharpeEqualityResult

    Notes
    -----
    Measured size at 5 %: docs/compare-size.md (2,000 null worlds per cell; k = 10 and 100, T = 500 and
    2,000). Default bootstrap: k = 10 — 5.5 / 4.6 % (iid t(4), T = 500 / 2,000), 3.5 / 4.8 % (AR(1) 0.5),
    5.2 / 5.9 % (GARCH); k = 100 — 4.3 / 4.8, 0.5 / 2.8, 0.8 / 2.9 % (conservative with few blocks per
    replicate). The Wald forms need T / window well above k: the HAC χ² rejected 10.5 % (iid t(4)) and
    23.5 % (AR(1) 0.5) of null worlds at k = 10, T = 500, and 69-100 % at k = 100.

    References
    ----------
    Leung & Wong (2008), J. Risk 10(3); Wright, Yam & Yung (2014), J. Risk 16(4), 3-21; Lo (2002); Newey & West
    (1987, 1994); Politis & Romano (1994).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(0.0005, 0.01, (750, 4))
    >>> res = sharpe_equality(x, method="hac")
    >>> res.df, res.pvalue > 0.05
    (3, True)
    """
    method = check_choice(method, "method", EQUALITY_METHODS)
    reps = check_reps(reps)
    bootstrap = check_choice(bootstrap, "bootstrap", METHODS)
    (x,), index = align([("returns", returns)], min_obs=10)
    if x.ndim != 2 or x.shape[1] < 2:
        raise InputError("returns", "needs at least two strategies (columns)")
    n, k = x.shape
    if (np.ptp(x, axis=0) == 0).any():
        raise InputError("returns", f"column(s) {np.flatnonzero(np.ptp(x, axis=0) == 0).tolist()} are constant")
    check_scale(x, "returns")
    if check_bool(check_returns, "check_returns"):
        for j in range(min(k, 50)):
            check_plausible(x[:, j], index, f"returns[{j}]")
    names = list(returns.columns) if isinstance(returns, pd.DataFrame) else list(range(k))
    sr_report = x.mean(axis=0) / x.std(axis=0, ddof=1)
    c = np.hstack([np.eye(k - 1), -np.ones((k - 1, 1))])
    extra: dict[str, Any]
    if method == "normal":
        rho = np.corrcoef(x.T)
        cov = rho + 0.5 * np.outer(sr_report, sr_report) * rho**2
        w = _wald(c @ sr_report, c @ cov @ c.T, n, method)
        p = float(pvalue_from_law(w, law="chi2", df=k - 1))
        how, reps_used, dist, extra = "Leung-Wong (2008) iid-normal covariance, chi2 law", None, None, {}
    elif method == "hac":
        sr, psi = _influence(x)
        lags = resolve_maxlags(maxlags, n)
        a = c @ hac_matrix(psi, lags) @ c.T
        w = _wald(c @ sr, a, n, method)
        extra = {"maxlags": lags}
        p = float(pvalue_from_law(w, law="chi2", df=k - 1))
        how = f"Wright-Yam-Yung (2014) Newey-West HAC covariance ({lags} lags), chi2 law"
        reps_used, dist = None, None
    else:
        if isinstance(seed, np.random.Generator):
            seed = check_seed(seed)
        w, p, dist, b, t_obs = _equality_max_t(x, reps, bootstrap, block_length, seed, n_jobs)
        how = (f"max |t| of SR_i - mean SR (AR(1)-prewhitened QS standard errors), law from the {bootstrap} "
               f"bootstrap with each replicate studentised by its own block variance (block length {b:.3g}, "
               f"{reps:,} replicates)")
        reps_used = reps
        extra = {"block_length": b, "reps": reps, "t": t_obs.tolist()}
    sharpes = pd.Series(sr_report, index=pd.Index(names, name="strategy"), name="sharpe")
    return SharpeEqualityResult(
        test="equality of Sharpe ratios", statistic=float(w), pvalue=p, alternative="two-sided",
        null=f"the {k} Sharpe ratios are equal", estimate=float(sr_report.max() - sr_report.min()), method=how, n=n,
        interval=Interval("none", reason="a joint test of k - 1 contrasts bounds no single parameter"),
        bootstrap_distribution=dist, details={"k": k, "reps": reps_used, **extra}, sharpes=sharpes,
        df=k - 1)


# --------------------------------------------------------------------------------------------------
# Diebold-Mariano and Giacomini-White


def hln_factor(n: int, horizon: int) -> float:
    """Harvey, Leybourne & Newbold (1997), eq. (9): sqrt((T + 1 − 2h + h(h − 1)/T) / T)."""
    return math.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)


def _diebold_mariano(d: np.ndarray, *, horizon: int = 1, method: str = "hln", maxlags: int | None = None,
                     hac_pvalues: str = "normal", alternative: str = "two-sided",
                     confidence_level: float = 0.95) -> TestResult:
    """DM on a validated loss differential d = losses − incumbent (see :func:`diebold_mariano`)."""
    from alphacheck.significance import fixed_b_window, hac_mean

    n = d.size
    if hac_pvalues == "fixed-b":
        lags = max(fixed_b_window(n, maxlags), horizon - 1)
    elif maxlags is None:
        lags = max(resolve_maxlags(None, n), horizon - 1)
    else:
        lags = resolve_maxlags(maxlags, n)
    res = hac_mean(d, maxlags=lags, hac_pvalues=hac_pvalues, alternative=alternative, null_value=0.0,
                   confidence_level=confidence_level, test="mean loss differential",
                   null="equal expected loss: E[losses - incumbent] = 0")
    dm = res.statistic
    details = {"horizon": horizon, "maxlags": lags, "dm_statistic": dm, "hac_pvalues": hac_pvalues,
               "share_of_periods_candidate_lower_loss": float(np.mean(d < 0))}
    if method == "hln":
        f = hln_factor(n, horizon)
        stat = f * dm
        p = float(pvalue_from_law(stat, alternative=alternative, law="t", df=n - 1))
        return TestResult("Diebold-Mariano", float(stat), p, alternative, res.null, res.estimate,
                          f"Diebold-Mariano (1995) with the Harvey-Leybourne-Newbold (1997) correction, Newey-West "
                          f"variance ({lags} lags), Student t({n - 1})", n, res.se / f, 0.0, confidence_level,
                          Interval("t", df=n - 1), None, {**details, "hln_factor": f})
    law = "fixed-b (Kiefer-Vogelsang 2005; Coroneo & Iacone 2020)" if hac_pvalues == "fixed-b" else "normal"
    return TestResult("Diebold-Mariano", float(dm), float(res.pvalue), alternative, res.null, res.estimate,
                      f"Diebold-Mariano (1995), Newey-West variance ({lags} lags), {law} p-value", n, res.se, 0.0,
                      confidence_level, res.interval, None, details)


def diebold_mariano(losses: ArrayLike, incumbent: ArrayLike, *, horizon: int = 1,
                    method: Literal["hln", "dm"] = "hln", maxlags: int | None = None,
                    hac_pvalues: Literal["normal", "fixed-b"] = "normal",
                    alternative: Literal["two-sided", "greater", "less"] = "two-sided",
                    confidence_level: float = 0.95) -> TestResult:
    """Diebold–Mariano test of equal predictive accuracy: H0: E[d_t] = 0, d_t = losses_t − incumbent_t.

    DM = d̄ / sqrt(ω̂/T), ω̂ the Newey–West (Bartlett) long-run variance of d with ``maxlags`` lags (Diebold &
    Mariano 1995, eq. (7), with the Bartlett window statsmodels uses). ``method="hln"``: DM* = DM ·
    sqrt((T + 1 − 2h + h(h − 1)/T)/T) against Student t(T − 1) (Harvey, Leybourne & Newbold 1997, eq. (9));
    ``"dm"``: DM against N(0, 1), or against the fixed-b law with ``hac_pvalues="fixed-b"`` (window
    max(Newey–West rule, ⌈0.1 T⌉), Kiefer & Vogelsang 2005; the DM form of Coroneo & Iacone 2020), which holds
    its size when d is autocorrelated (return differentials are, h-step forecast errors are MA(h − 1)).

    Parameters
    ----------
    losses, incumbent : array_like
        Per-period losses (lower is better) of the candidate and of the incumbent; for returns pass
        ``-returns`` and ``-incumbent_returns``.
    horizon : int
        h, the forecast horizon (the HLN factor and the smallest window h − 1).
    method : {"hln", "dm"}
        With or without the HLN small-sample correction.
    maxlags : int or None
        Newey–West window; None: max(h − 1, floor(4 (T/100)^{2/9})) (statsmodels' default is
        max(h − 1, ceil(T^{1/3})): pass ``maxlags`` to reproduce it).
    hac_pvalues : {"normal", "fixed-b"}
        Reference law for ``method="dm"`` (fixed-b replaces the HLN correction: with "hln" it is refused).
    alternative : {"two-sided", "greater", "less"}
        "less": the candidate has the lower expected loss.
    confidence_level : float
        Level of the interval for E[d].

    Returns
    -------
    TestResult
        ``estimate`` = d̄; ``se`` the standard error the statistic divides by.

    Notes
    -----
    Measured size at 5 % (docs/compare-size.md; 2,000 null worlds, T = 500 / 2,000): "hln" 6.1 / 4.8 %
    (iid t(4)), 9.6 / 7.5 % (AR(1) 0.5), 4.0 / 4.2 % (GARCH) — the Newey–West rule window is too short for a
    strongly autocorrelated differential; ``method="dm", hac_pvalues="fixed-b"`` 5.1 / 4.2, 5.5 / 5.2,
    4.0 / 4.0 % (the audit's choice).

    References
    ----------
    Diebold & Mariano (1995), JBES 13(3); Harvey, Leybourne & Newbold (1997), Int. J. Forecasting 13(2);
    Coroneo & Iacone (2020), J. Applied Econometrics 35(4); Kiefer & Vogelsang (2005).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.standard_normal(300)
    >>> good, bad = y + 0.5 * rng.standard_normal(300), y + rng.standard_normal(300)
    >>> res = diebold_mariano((y - good) ** 2, (y - bad) ** 2, alternative="less")
    >>> res.pvalue < 0.05
    True
    """
    horizon = check_int(horizon, "horizon", minimum=1)
    method = check_choice(method, "method", DM_METHODS)
    hac_pvalues = check_choice(hac_pvalues, "hac_pvalues", ("normal", "fixed-b"))
    if method == "hln" and hac_pvalues == "fixed-b":
        raise InputError("hac_pvalues", "fixed-b p-values replace the HLN small-sample correction: pass method='dm'")
    alternative = check_alternative(alternative)
    level = check_probability(confidence_level, "confidence_level")
    if maxlags is not None and check_int(maxlags, "maxlags", minimum=0) < horizon - 1:
        raise InputError("maxlags", f"must be at least horizon - 1 = {horizon - 1}: an h-step forecast error is "
                                    f"autocorrelated to lag h - 1 by construction (Diebold & Mariano 1995), got "
                                    f"{maxlags}")
    d, _ = _loss_differential(losses, incumbent, 10)
    if horizon >= d.size / 2:
        raise InputError("horizon", f"must be below half the sample ({d.size} observations), got {horizon}")
    return _diebold_mariano(d, horizon=horizon, method=method, maxlags=maxlags, hac_pvalues=hac_pvalues,
                            alternative=alternative, confidence_level=level)


def _giacomini_white(d: np.ndarray, h: np.ndarray, horizon: int) -> tuple[float, int, np.ndarray, int]:
    """(statistic, q, Z̄, n): Z_t = h_{t−τ} d_t; n Z̄' Ω̂⁻¹ Z̄ (Giacomini & White 2006, eq. (4))."""
    z = h[: d.size - horizon] * d[horizon:, None]
    n, q = z.shape
    zbar = z.mean(axis=0)
    if horizon == 1:
        omega = z.T @ z / n  # Z_t is a martingale difference under H0 (their Theorem 1)
    else:
        omega = hac_matrix(z, horizon - 1)  # Newey-West with τ − 1 lags (their sec. 3, for τ > 1)
    stat = float(n * zbar @ np.linalg.lstsq(omega, zbar, rcond=None)[0])
    return stat, q, zbar, n


def giacomini_white(losses: ArrayLike, incumbent: ArrayLike, states: ArrayLike | None = None, *, horizon: int = 1,
                    ) -> TestResult:
    """Giacomini–White (2006) test of conditional predictive ability: H0: E[d_{t+τ} | F_t] = 0.

    d_t = losses_t − incumbent_t; test functions h_t (q of them, known at t): a constant and ``states``
    (row t of ``states`` is known when the forecast for t + τ is made), or by default h_t = (1, d_t) (their
    empirical choice). Z_{t+τ} = h_t d_{t+τ}; GW = n Z̄' Ω̂⁻¹ Z̄ ~ χ²(q), Ω̂ = (1/n) Σ Z Z' for τ = 1 (Z is a
    martingale difference under H0) or the Newey–West estimate with τ − 1 lags for τ > 1 (their eq. (4) and
    Theorem 1); n = T − τ. For τ = 1 the statistic is n R² of the regression of 1 on Z (their computation).
    The null is stronger than Diebold–Mariano's: a predictable d (an autocorrelated return differential)
    rejects it even when E[d] = 0.

    Parameters
    ----------
    losses, incumbent : array_like
        Per-period losses of the two forecasts or strategies (for returns, ``-returns``).
    states : array_like or None
        (T,) or (T, p) conditioning variables aligned with the losses; a constant is added.
    horizon : int
        τ, the forecast horizon.

    Returns
    -------
    TestResult
        ``statistic`` the χ² value; ``estimate`` d̄; ``details["candidate_better_share"]`` the share of periods
        where the fitted E[d | h] is negative (their decision rule: the candidate predicted better).

    Notes
    -----
    Measured size at 5 % (docs/compare-size.md; 2,000 worlds whose differential is a martingale difference,
    T = 500 / 2,000): 5.8 / 4.7 % (iid t(4)), 5.9 / 4.8 % (shared AR(1) 0.5 component), 4.5 / 5.0 % (GARCH).
    When d itself is AR(1) 0.5 the conditional null is false and GW rejects in every world.

    References
    ----------
    Giacomini & White (2006), "Tests of conditional predictive ability", Econometrica 74(6), 1545-1578.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> res = giacomini_white(rng.standard_normal(500) ** 2, rng.standard_normal(500) ** 2)
    >>> res.details["q"], res.pvalue > 0.05
    (2, True)
    """
    horizon = check_int(horizon, "horizon", minimum=1)
    d, index = _loss_differential(losses, incumbent, max(10, horizon + 5))
    if states is None:
        h = np.column_stack([np.ones(d.size), d])
        names = ["constant", "d_t"]
    else:
        if isinstance(states, (pd.Series, pd.DataFrame)) and index is not None:
            # pandas losses and states: align on the dates (labels checked unique and sorted first)
            chk = as_matrix(states, "states", min_obs=1, nan_policy="omit")
            states = pd.DataFrame(chk.values, index=chk.index).reindex(index)
        s = as_matrix(states, "states", min_obs=1).values
        if s.shape[0] != d.size:
            raise InputError("states", f"must have one row per observation ({d.size}), got {s.shape[0]}")
        h = np.column_stack([np.ones(d.size), s])
        names = ["constant"] + [f"state_{j}" for j in range(s.shape[1])]
        rank = int(np.linalg.matrix_rank(h / np.maximum(np.abs(h).max(axis=0), 1e-300)))
        if rank < h.shape[1]:  # the Wald form would count a redundant moment in its chi2 degrees of freedom
            raise InputError("states", f"the test functions (a constant and {s.shape[1]} state column(s)) have rank "
                                       f"{rank}, not {h.shape[1]}: a state is constant or a linear combination of "
                                       "others; drop it (the constant is always included)")
    stat, q, zbar, n = _giacomini_white(d, h, horizon)
    p = float(pvalue_from_law(stat, law="chi2", df=q))
    hh = h[: d.size - horizon]
    delta = np.linalg.lstsq(hh, d[horizon:], rcond=None)[0]
    better = float(np.mean(hh @ delta < 0))
    return TestResult(
        "Giacomini-White", stat, p, "two-sided", "equal conditional predictive ability: E[d_{t+tau} | h_t] = 0",
        float(d.mean()), f"Giacomini-White (2006) Wald test, {q} test functions ({', '.join(names)}), "
        f"horizon {horizon}, chi2({q})", n,
        interval=Interval("none", reason="a Wald test of q moment conditions bounds no single parameter"),
        details={"q": q, "horizon": horizon, "test_functions": names, "mean_z": zbar.tolist(),
                 "candidate_better_share": better})
