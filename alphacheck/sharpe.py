"""Sharpe ratio inference: standard errors, probabilistic and deflated Sharpe ratios.

Units: every formula works in *per-period* Sharpe ratios (mean / sd of the returns as given, sd with
ddof=1). ``periods_per_year`` only converts for display: annualized SR = per-period SR x sqrt(q)
(iid scaling), and annual inputs (``benchmark_sharpe``, trial Sharpes) are converted back by / sqrt(q).
Skewness γ3 and kurtosis γ4 are the sample moments of scipy.stats (biased, γ4 non-excess, normal = 3).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from alphacheck._inputs import InputError, as_series, check_int, check_number, check_positive, check_probability
from alphacheck.results import TestResult

EULER_GAMMA = 0.5772156649015329
SE_METHODS = ("normal", "mertens", "lo")


def _returns(returns: Any, min_obs: int = 3):
    return as_series(returns, "returns", min_obs=min_obs, require_variance=True)


def _sr(x: np.ndarray) -> float:
    return float(x.mean() / x.std(ddof=1))


def _moments(x: np.ndarray) -> tuple[float, float]:
    return float(stats.skew(x)), float(stats.kurtosis(x, fisher=False))


def _ppy(periods_per_year: Any) -> float | None:
    return check_positive(periods_per_year, "periods_per_year", allow_none=True)


def sharpe_ratio(returns: Any, periods_per_year: float | None = None) -> float:
    """Sample Sharpe ratio mean / sd (ddof=1) of the (excess) returns; x sqrt(periods_per_year) if given."""
    x = _returns(returns, 2).values
    q = _ppy(periods_per_year)
    return _sr(x) * (math.sqrt(q) if q else 1.0)


def lo_eta(x: np.ndarray, q: int) -> float:
    """Lo (2002), eq. (14)-(15): SR(q) = η(q) SR with η(q) = q / sqrt(q + 2 Σ_{k=1}^{q-1} (q-k) ρ_k),
    ρ_k the sample autocorrelations. Equals sqrt(q) for serially uncorrelated returns."""
    x = np.asarray(x, dtype=float)
    q = int(q)
    xc = x - x.mean()
    denom = float(xc @ xc)
    ks = np.arange(1, min(q, x.size))
    rho = np.array([float(xc[k:] @ xc[:-k]) / denom for k in ks])
    inner = q + 2.0 * float(np.sum((q - ks) * rho))
    if inner <= 0:
        raise InputError("returns", "Lo's autocorrelation adjustment is undefined (negative variance ratio)")
    return q / math.sqrt(inner)


def _lo_gmm_se(x: np.ndarray, lags: int) -> float:
    """Lo (2002), eqs. (9)-(10): delta-method SE of the per-period SR from a Newey–West (Bartlett)
    estimate of the long-run covariance of ψ_t = (r_t − μ, (r_t − μ)² − σ²), robust to serial correlation."""
    n = x.size
    mu, var = x.mean(), x.var()
    psi = np.column_stack([x - mu, (x - mu) ** 2 - var])
    omega = psi.T @ psi / n
    for k in range(1, lags + 1):
        g = psi[k:].T @ psi[:-k] / n
        omega += (1 - k / (lags + 1)) * (g + g.T)
    sd = math.sqrt(var)
    grad = np.array([1 / sd, -mu / (2 * sd**3)])
    return math.sqrt(float(grad @ omega @ grad) / n)


def _nw_lags(n: int) -> int:
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def sharpe_se(
    returns: Any, method: str = "normal", periods_per_year: float | None = None, lags: int | None = None
) -> float:
    """Standard error of the sample Sharpe ratio.

    * ``"normal"`` — iid normal returns: sqrt((1 + SR²/2) / n) (Jobson & Korkie 1981; Lo 2002, eq. 8).
    * ``"mertens"`` — iid, non-normal: sqrt((1 + SR²/2 − γ3·SR + (γ4 − 3)/4·SR²) / n)
      (Mertens 2002, "Comments on variance of the IID estimator in Lo (2002)"; γ4 non-excess kurtosis).
    * ``"lo"`` — serially correlated returns: delta-method GMM SE with a Newey–West long-run covariance
      (Lo 2002, eqs. 9-10), ``lags`` Bartlett lags (default floor(4 (n/100)^(2/9))).

    With ``periods_per_year`` = q the SE of the annualized SR is returned: x sqrt(q) for "normal" and
    "mertens"; for "lo" x η(q), Lo's autocorrelation-adjusted factor (eq. 14-15, see :func:`lo_eta`),
    treating η(q) as fixed.
    """
    if method not in SE_METHODS:
        raise InputError("method", f"must be one of {SE_METHODS}, got {method!r}")
    x = _returns(returns, 3).values
    q = _ppy(periods_per_year)
    n = x.size
    sr = _sr(x)
    if method == "normal":
        se = math.sqrt((1 + sr**2 / 2) / n)
    elif method == "mertens":
        g3, g4 = _moments(x)
        v = 1 + sr**2 / 2 - g3 * sr + (g4 - 3) / 4 * sr**2
        se = math.sqrt(max(v, 0.0) / n)
    else:
        lags = _nw_lags(n) if lags is None else check_int(lags, "lags", minimum=0)
        se = _lo_gmm_se(x, lags)
    if q is None:
        return se
    if method == "lo":
        if q != int(q) or q < 1:
            raise InputError("periods_per_year", f"must be a whole number of periods for Lo's η(q), got {q}")
        return se * lo_eta(x, int(q))
    return se * math.sqrt(q)


def _psr_z(sr: float, n: int, g3: float, g4: float, sr_star: float) -> tuple[float, float]:
    """PSR and its z from summary statistics (per-period SR, n observations, skewness, kurtosis)."""
    denom = 1 - g3 * sr + (g4 - 1) / 4 * sr**2
    if not denom > 0:
        raise InputError("kurtosis", f"the PSR variance term 1 - skew*SR + (kurt-1)/4*SR^2 = {denom:.4g} is not positive")
    z = (sr - sr_star) * math.sqrt(n - 1) / math.sqrt(denom)
    return float(stats.norm.cdf(z)), z


def _psr_parts(x: np.ndarray, sr_star: float) -> tuple[float, float, float, float, float]:
    sr = _sr(x)
    g3, g4 = _moments(x)
    psr, z = _psr_z(sr, x.size, g3, g4, sr_star)
    return psr, z, sr, g3, g4


def _annual(sr: float, q: float | None) -> float | None:
    return None if q is None else sr * math.sqrt(q)


def probabilistic_sharpe_ratio(
    returns: Any, benchmark_sharpe: float = 0.0, periods_per_year: float | None = None
) -> TestResult:
    """Probabilistic Sharpe ratio (Bailey & López de Prado 2012, "The Sharpe ratio efficient frontier", sec. 3):

        PSR(SR*) = Φ( (SR̂ − SR*) sqrt(n − 1) / sqrt(1 − γ3 SR̂ + (γ4 − 1)/4 SR̂²) )

    in per-period units (``benchmark_sharpe`` is annual when ``periods_per_year`` is given, and is then
    divided by sqrt(periods_per_year)). Returned as a TestResult of H0: SR <= SR* vs "greater", with
    ``estimate`` = PSR, ``statistic`` = the z above and ``pvalue`` = 1 − PSR.
    """
    x = _returns(returns, 3).values
    q = _ppy(periods_per_year)
    sr_star = float(benchmark_sharpe) / (math.sqrt(q) if q else 1.0)
    psr, z, sr, g3, g4 = _psr_parts(x, sr_star)
    return TestResult(
        test="probabilistic Sharpe ratio",
        statistic=z,
        pvalue=1.0 - psr,
        alternative="greater",
        null=f"Sharpe ratio <= {benchmark_sharpe:g}" + (" (annualized)" if q else " (per period)"),
        method="PSR, Bailey & Lopez de Prado (2012): normal approximation with skewness/kurtosis",
        n=x.size,
        estimate=psr,
        details={
            "sharpe": sr,
            "sharpe_annualized": _annual(sr, q),
            "benchmark_sharpe_per_period": sr_star,
            "skewness": g3,
            "kurtosis": g4,
        },
    )


def expected_max_sharpe(n_trials: int, trial_sharpe_variance: float, mean_sharpe: float = 0.0) -> float:
    """Expected maximum of N Sharpe estimates with variance V (Bailey & López de Prado 2014, eq. 2 / the
    "false strategy theorem"):  E[max] ≈ mean + sqrt(V) ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))),
    γ the Euler–Mascheroni constant. Returns ``mean_sharpe`` for N = 1."""
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    v = check_number(trial_sharpe_variance, "trial_sharpe_variance", minimum=0)
    if n_trials == 1:
        return float(mean_sharpe)
    z = (1 - EULER_GAMMA) * stats.norm.ppf(1 - 1 / n_trials) + EULER_GAMMA * stats.norm.ppf(1 - 1 / (n_trials * math.e))
    return float(mean_sharpe + math.sqrt(v) * z)


def deflated_sharpe_ratio(
    returns: Any,
    n_trials: int,
    trial_sharpe_variance: float | None = None,
    trial_sharpes: Any = None,
    periods_per_year: float | None = None,
) -> TestResult:
    """Deflated Sharpe ratio (Bailey & López de Prado 2014, "The Deflated Sharpe Ratio", eq. 2):
    DSR = PSR(SR0) with SR0 = sqrt(V[SR_n]) ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))).

    V[SR_n] is the variance of the N trials' Sharpe ratios: ``trial_sharpe_variance`` or the sample
    variance (ddof=1) of ``trial_sharpes``. Per-period units: when ``periods_per_year`` = q is given,
    trial Sharpes/variance are taken as annualized and divided by sqrt(q) / q. With N = 1, SR0 = 0 and
    DSR = PSR(0). ``pvalue`` = 1 − DSR.
    """
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    x = _returns(returns, 3).values
    q = _ppy(periods_per_year)
    if trial_sharpe_variance is not None and trial_sharpes is not None:
        raise InputError("trial_sharpe_variance", "give either trial_sharpe_variance or trial_sharpes, not both")
    if trial_sharpes is not None:
        ts = as_series(trial_sharpes, "trial_sharpes", min_obs=2).values
        v = float(ts.var(ddof=1))
    elif trial_sharpe_variance is not None:
        v = check_number(trial_sharpe_variance, "trial_sharpe_variance", minimum=0)
    elif n_trials == 1:
        v = 0.0
    else:
        raise InputError("trial_sharpe_variance", "needed when n_trials > 1 (or pass trial_sharpes)")
    if q:
        v = v / q
    sr = _sr(x)
    g3, g4 = _moments(x)
    return _dsr_result(sr, x.size, g3, g4, n_trials, v, q)


def _dsr_result(sr: float, n: int, g3: float, g4: float, n_trials: int, v: float, q: float | None) -> TestResult:
    """DSR from per-period SR, n, moments and per-period trial-Sharpe variance v."""
    sr0 = expected_max_sharpe(n_trials, v, 0.0)
    dsr, z = _psr_z(sr, n, g3, g4, sr0)
    return TestResult(
        test="deflated Sharpe ratio",
        statistic=z,
        pvalue=1.0 - dsr,
        alternative="greater",
        null=f"Sharpe ratio <= expected maximum of {n_trials} unskilled trials ({sr0:.4g} per period)",
        method="DSR, Bailey & Lopez de Prado (2014), eq. 2",
        n=n,
        estimate=dsr,
        details={
            "sharpe": sr,
            "sharpe_annualized": _annual(sr, q),
            "sr0_per_period": sr0,
            "sr0_annualized": _annual(sr0, q),
            "n_trials": n_trials,
            "trial_sharpe_variance_per_period": v,
            "skewness": g3,
            "kurtosis": g4,
        },
    )


def deflated_sharpe_ratio_from_stats(
    sharpe: float,
    n_obs: int,
    n_trials: int,
    trial_sharpe_variance: float,
    skewness: float = 0.0,
    kurtosis: float = 3.0,
    periods_per_year: float | None = None,
) -> TestResult:
    """Deflated Sharpe ratio from summary statistics, as reported in a backtest (no return series).

    Same formula as :func:`deflated_sharpe_ratio` (Bailey & López de Prado 2014, eq. 2). ``sharpe`` and
    ``trial_sharpe_variance`` are per period, or annualized when ``periods_per_year`` = q is given (then
    divided by sqrt(q) and q); ``kurtosis`` is the non-excess kurtosis (3 for a normal). Reproduces the
    paper's numerical example: SR 2.5 and V 0.5 annualized, q = 250, T = 1,250, N = 100, skewness −3,
    kurtosis 10 give SR0 ≈ 0.1132 per day and DSR ≈ 0.90.
    """
    n_obs = check_int(n_obs, "n_obs", minimum=2)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    q = _ppy(periods_per_year)
    sr = check_number(sharpe, "sharpe") / (math.sqrt(q) if q else 1.0)
    v = check_number(trial_sharpe_variance, "trial_sharpe_variance", minimum=0) / (q if q else 1.0)
    g3, g4 = check_number(skewness, "skewness"), check_number(kurtosis, "kurtosis")
    return _dsr_result(sr, n_obs, g3, g4, n_trials, v, q)


def min_track_record_length(
    returns: Any, benchmark_sharpe: float = 0.0, confidence: float = 0.95, periods_per_year: float | None = None
) -> float:
    """Minimum track record length (Bailey & López de Prado 2012, sec. 4), in observations:

        MinTRL = 1 + (1 − γ3 SR̂ + (γ4 − 1)/4 SR̂²) (Φ⁻¹(confidence) / (SR̂ − SR*))²

    per-period units (``benchmark_sharpe`` annual when ``periods_per_year`` given). ``inf`` when
    SR̂ <= SR* (no track record length suffices)."""
    x = _returns(returns, 3).values
    conf = check_probability(confidence, "confidence")
    q = _ppy(periods_per_year)
    sr_star = float(benchmark_sharpe) / (math.sqrt(q) if q else 1.0)
    sr = _sr(x)
    if sr <= sr_star:
        return math.inf
    g3, g4 = _moments(x)
    return float(1 + (1 - g3 * sr + (g4 - 1) / 4 * sr**2) * (stats.norm.ppf(conf) / (sr - sr_star)) ** 2)
