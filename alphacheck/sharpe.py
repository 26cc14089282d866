"""Sharpe ratio inference: standard errors, probabilistic and deflated Sharpe ratios.

Units: every formula works in *per-period* Sharpe ratios (mean / sd of the returns as given, sd with
ddof=1). ``periods_per_year`` only converts for display: annualized SR = per-period SR x sqrt(q)
(iid scaling), and annual inputs (``benchmark_sharpe``, trial Sharpes) are converted back by / sqrt(q).
Skewness γ3 and kurtosis γ4 are the sample moments of scipy.stats (biased, γ4 non-excess, normal = 3).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special  # Φ and Φ⁻¹ (scipy.stats' norm.cdf/ppf) without scipy.stats' ~0.6 s import

from alphacheck._hac import autocovariances, hac_matrix, resolve_maxlags
from alphacheck._inputs import (
    MIN_LARGE_SAMPLE,
    InputError,
    as_returns,
    as_series,
    check_choice,
    check_int,
    check_number,
    check_positive,
    check_probability,
    check_scale,
)
from alphacheck._results import Interval, TestResult, sharpe_null

__all__ = ["SharpeProbabilityResult", "sharpe_ratio", "sharpe_se", "probabilistic_sharpe_ratio", "deflated_sharpe_ratio",
           "deflated_sharpe_ratio_from_stats", "min_track_record_length", "expected_max_sharpe"]

EULER_GAMMA = 0.5772156649015329
SE_METHODS = ("normal", "mertens", "lo")


def _returns(returns: Any, min_obs: int = MIN_LARGE_SAMPLE, check_returns: bool = True):
    checked = as_returns(returns, "returns", min_obs=min_obs, require_variance=True, check_returns=check_returns)
    check_scale(checked.values, "returns")  # a Sharpe ratio of values below 1e-50 underflows in its moments
    return checked


def _sr(x: np.ndarray) -> float:
    return float(x.mean() / x.std(ddof=1))


def _moments(x: np.ndarray) -> tuple[float, float]:
    """Skewness m3 / m2^1.5 and (non-excess) kurtosis m4 / m2² from the biased central moments (the values of
    ``scipy.stats.skew(x)`` and ``kurtosis(x, fisher=False)``)."""
    d = x - x.mean()
    d2 = d * d
    m2 = float(d2.mean())
    return float((d2 * d).mean()) / m2**1.5, float((d2 * d2).mean()) / (m2 * m2)


def check_periods_per_year(periods_per_year: Any) -> float | None:
    return check_positive(periods_per_year, "periods_per_year", allow_none=True)


_ppy = check_periods_per_year


def sharpe_ratio(returns: ArrayLike, *, periods_per_year: float | None = None, check_returns: bool = True) -> float:
    """Sample Sharpe ratio mean / sd (ddof=1) of the (excess) returns; × sqrt(periods_per_year) if given.

    Parameters
    ----------
    returns : array_like
        Per-period (excess) returns.
    periods_per_year : float or None
        Annualise by sqrt(periods_per_year) (iid scaling; Lo 2002, eq. 14 with no autocorrelation).
    check_returns : bool
        Refuse inputs that are not returns (prices, percent, positions).

    Returns
    -------
    float

    References
    ----------
    Sharpe (1966), J. Business 39(1); Lo (2002), Financial Analysts Journal 58(4).

    Examples
    --------
    >>> round(sharpe_ratio([0.01, -0.005, 0.02, 0.0, 0.004]), 4)
    0.6008
    """
    x = _returns(returns, 2, check_returns).values
    q = _ppy(periods_per_year)
    return _sr(x) * (math.sqrt(q) if q else 1.0)


def lo_eta(x: np.ndarray, q: int) -> float:
    """Lo (2002), eq. (14)-(15): SR(q) = η(q) SR with η(q) = q / sqrt(q + 2 Σ_{k=1}^{q-1} (q-k) ρ_k),
    ρ_k the sample autocorrelations. Equals sqrt(q) for serially uncorrelated returns."""
    x = np.asarray(x, dtype=float)
    q = int(q)
    ks = np.arange(1, min(q, x.size))
    g = autocovariances(x - x.mean(), int(ks[-1]) if ks.size else 0)
    rho = g[1:] / g[0]
    inner = q + 2.0 * float(np.sum((q - ks) * rho))
    if inner <= 0:
        raise InputError("returns", "Lo's autocorrelation adjustment is undefined (negative variance ratio)")
    return q / math.sqrt(inner)


def _lo_gmm_se(x: np.ndarray, lags: int) -> float:
    """Lo (2002), eqs. (9)-(10): delta-method SE of the per-period SR from a Newey–West (Bartlett)
    estimate of the long-run covariance of ψ_t = (r_t − μ, (r_t − μ)² − σ²), robust to serial correlation."""
    n = x.size
    mu, var = x.mean(), x.var()
    omega = hac_matrix(np.column_stack([x - mu, (x - mu) ** 2 - var]), lags)
    sd = math.sqrt(var)
    grad = np.array([1 / sd, -mu / (2 * sd**3)])
    return math.sqrt(float(grad @ omega @ grad) / n)


def _sharpe_se_values(x: np.ndarray, method: str, maxlags: int | None) -> float:
    """Per-period SE of the Sharpe ratio of a validated array by ``method`` (see :func:`sharpe_se`)."""
    n = x.size
    sr = _sr(x)
    if method == "normal":
        return math.sqrt((1 + sr**2 / 2) / n)
    if method == "mertens":
        g3, g4 = _moments(x)
        v = 1 + sr**2 / 2 - g3 * sr + (g4 - 3) / 4 * sr**2
        return math.sqrt(max(v, 0.0) / n)
    return _lo_gmm_se(x, resolve_maxlags(maxlags, n))


def sharpe_se(returns: ArrayLike, *, method: Literal["normal", "mertens", "lo"] = "normal",
              periods_per_year: float | None = None, maxlags: int | None = None, check_returns: bool = True) -> float:
    """Standard error of the sample Sharpe ratio.

    Parameters
    ----------
    returns : array_like
        Per-period returns.
    method : {"normal", "mertens", "lo"}
        ``"normal"``: iid normal returns, sqrt((1 + SR²/2)/n) (Jobson & Korkie 1981; Lo 2002, eq. 8).
        ``"mertens"``: iid non-normal, sqrt((1 + SR²/2 − γ3 SR + (γ4 − 3)/4 SR²)/n) (Mertens 2002; γ4
        non-excess kurtosis). ``"lo"``: serially correlated returns, the delta-method GMM SE with a
        Newey–West long-run covariance (Lo 2002, eqs. 9-10), from moments with divisor n (Lo's GMM; "normal" and
        "mertens" use the SR with ddof = 1: at n = 1,500 the two SEs differ by about 3e-4 relative).
    periods_per_year : float or None
        q: the SE of the annualized SR — × sqrt(q) for "normal"/"mertens", × η(q) for "lo" (Lo's
        autocorrelation-adjusted factor, eqs. 14-15, :func:`lo_eta`, treated as fixed).
    maxlags : int or None
        Bartlett window of "lo" (None: Newey–West rule).
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    float

    References
    ----------
    Lo (2002), "The statistics of Sharpe ratios", Financial Analysts Journal 58(4), 36-52; Mertens (2002);
    Jobson & Korkie (1981), J. Finance 36(4).

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(0).normal(0.0005, 0.01, 2500)
    >>> round(sharpe_se(r), 4)
    0.02
    """
    method = check_choice(method, "method", SE_METHODS)
    x = _returns(returns, check_returns=check_returns).values
    q = _ppy(periods_per_year)
    se = _sharpe_se_values(x, method, maxlags)
    if q is None:
        return se
    if method == "lo":
        if q != int(q) or q < 1:
            raise InputError("periods_per_year", f"must be a whole number of periods for Lo's η(q), got {q}")
        return se * lo_eta(x, int(q))
    return se * math.sqrt(q)


def _psr_z(sr: float, n: int, g3: float, g4: float, sr_star: float) -> tuple[float, float, float]:
    """PSR, its z and the SE of SR̂ implied by the PSR variance term, from summary statistics."""
    denom = 1 - g3 * sr + (g4 - 1) / 4 * sr**2
    if not denom > 0:
        raise InputError("kurtosis", f"the PSR variance term 1 - skew*SR + (kurt-1)/4*SR^2 = {denom:.4g} is not positive")
    se = math.sqrt(denom / (n - 1))
    z = (sr - sr_star) / se
    return float(special.ndtr(z)), z, se


def _annual(sr: float, q: float | None) -> float | None:
    return None if q is None else sr * math.sqrt(q)


@dataclasses.dataclass(frozen=True)
class SharpeProbabilityResult(TestResult):
    """PSR or DSR as a test of H0: SR <= SR* (``null_value``) against SR > SR*.

    ``estimate`` is the per-period Sharpe ratio, ``probability`` the PSR/DSR itself (= 1 − ``pvalue``),
    ``statistic`` its z; the interval is the normal interval with the PSR standard error
    sqrt((1 − γ3 SR + (γ4 − 1)/4 SR²)/(n − 1)).
    """

    probability: float = float("nan")


def _probability_result(test: str, sr: float, n: int, g3: float, g4: float, sr_star: float, null: str,
                        method: str, q: float | None, details: dict[str, Any]) -> SharpeProbabilityResult:
    prob, z, se = _psr_z(sr, n, g3, g4, sr_star)
    return SharpeProbabilityResult(
        test=test, statistic=z, pvalue=1.0 - prob, alternative="greater", null=null, estimate=sr, method=method,
        n=n, se=se, null_value=sr_star, interval=Interval("normal"),
        details={"sharpe_annualized": _annual(sr, q), "skewness": g3, "kurtosis": g4, **details},
        probability=prob)


def probabilistic_sharpe_ratio(returns: ArrayLike, *, benchmark_sharpe: float = 0.0,
                               periods_per_year: float | None = None,
                               check_returns: bool = True) -> SharpeProbabilityResult:
    """Probabilistic Sharpe ratio: the probability that the true Sharpe exceeds ``benchmark_sharpe``.

    PSR(SR*) = Φ((SR̂ − SR*) sqrt(n − 1) / sqrt(1 − γ3 SR̂ + (γ4 − 1)/4 SR̂²)) in per-period units (γ3, γ4
    sample skewness and non-excess kurtosis).

    Parameters
    ----------
    returns : array_like
        Per-period returns.
    benchmark_sharpe : float
        SR*: annual when ``periods_per_year`` is given (then divided by its square root).
    periods_per_year : float or None
        Annualisation of ``benchmark_sharpe`` and of the reported Sharpe.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    SharpeProbabilityResult
        ``probability`` = PSR, ``pvalue`` = 1 − PSR.

    References
    ----------
    Bailey & López de Prado (2012), "The Sharpe ratio efficient frontier", J. Risk 15(2), sec. 3.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(0).normal(0.001, 0.01, 1000)
    >>> round(probabilistic_sharpe_ratio(r).probability, 3)
    0.953
    """
    x = _returns(returns, check_returns=check_returns).values
    q = _ppy(periods_per_year)
    bench = check_number(benchmark_sharpe, "benchmark_sharpe")
    sr_star = bench / (math.sqrt(q) if q else 1.0)
    g3, g4 = _moments(x)
    return _probability_result(
        "probabilistic Sharpe ratio", _sr(x), x.size, g3, g4, sr_star,
        sharpe_null("Sharpe ratio <=", bench, sr_star, bool(q)),
        "PSR, Bailey & Lopez de Prado (2012): normal approximation with skewness/kurtosis (estimate, standard error "
        "and interval per period)", q,
        {"benchmark_sharpe_per_period": sr_star})


def expected_max_sharpe(n_trials: int, *, trial_sharpe_variance: float, mean_sharpe: float = 0.0) -> float:
    """Expected maximum of ``n_trials`` Sharpe estimates with variance V (the "false strategy theorem").

    E[max] ≈ mean + sqrt(V) ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))), γ the Euler–Mascheroni constant;
    ``mean_sharpe`` for N = 1.

    Parameters
    ----------
    n_trials : int
        N, the number of (independent) trials.
    trial_sharpe_variance : float
        V, the variance of the trials' Sharpe ratios (per period).
    mean_sharpe : float
        Their mean.

    Returns
    -------
    float

    References
    ----------
    Bailey & López de Prado (2014), "The deflated Sharpe ratio", J. Portfolio Management 40(5), eq. 2.

    Examples
    --------
    >>> round(expected_max_sharpe(100, trial_sharpe_variance=0.5 / 250), 4)
    0.1132
    """
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    v = check_number(trial_sharpe_variance, "trial_sharpe_variance", minimum=0)
    mean = check_number(mean_sharpe, "mean_sharpe")
    if n_trials == 1:
        return float(mean)
    z = (1 - EULER_GAMMA) * special.ndtri(1 - 1 / n_trials) + EULER_GAMMA * special.ndtri(1 - 1 / (n_trials * math.e))
    return float(mean + math.sqrt(v) * z)


def deflated_sharpe_ratio(returns: ArrayLike, *, n_trials: int | None = None,
                          trial_sharpe_variance: float | None = None, trial_sharpes: ArrayLike | None = None,
                          trials: ArrayLike | None = None, periods_per_year: float | None = None,
                          check_returns: bool = True) -> SharpeProbabilityResult:
    """Deflated Sharpe ratio: PSR against the expected maximum Sharpe of ``n_trials`` unskilled trials.

    DSR = PSR(SR0), SR0 = sqrt(V) ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))) (:func:`expected_max_sharpe`).

    Parameters
    ----------
    returns : array_like
        Per-period returns of the selected strategy.
    n_trials : int or None
        N, the number of (effectively independent) variants tried. With ``trials`` it is the raw count (default:
        the number of trial columns; more trials than columns were tried when it is larger).
    trial_sharpe_variance : float or None
        V, the variance of the trials' Sharpe ratios; or give ``trial_sharpes`` (their sample variance,
        ddof=1, is used). Annual units when ``periods_per_year`` = q is given (divided by q).
    trial_sharpes : array_like or None
        The trials' Sharpe ratios (annual when ``periods_per_year`` is given).
    trials : (T, N) array_like or None
        The trials' returns. N in SR0 is then the *effective* number of independent trials
        (:func:`alphacheck.overfitting.effective_trials`, families of correlated variants counted by their
        participation ratio), plus ``n_trials`` − N untracked trials counted as independent; V is their
        per-period Sharpe variance unless ``trial_sharpe_variance``/``trial_sharpes`` is given. The raw and
        the effective counts are in ``details``.
    periods_per_year : float or None
        Units of the trial inputs and of the reported Sharpe.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    SharpeProbabilityResult
        ``probability`` = DSR, ``pvalue`` = 1 − DSR, ``null_value`` = SR0 (per period); ``details`` hold
        ``n_trials`` (raw) and ``n_effective_trials`` (what SR0 used).

    References
    ----------
    Bailey & López de Prado (2014), "The deflated Sharpe ratio: correcting for selection bias, backtest
    overfitting and non-normality", J. Portfolio Management 40(5), 94-107, eq. 2.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(0).normal(0.001, 0.01, 1250)
    >>> res = deflated_sharpe_ratio(r, n_trials=100, trial_sharpe_variance=0.5, periods_per_year=250)
    >>> 0 < res.probability < 1
    True
    """
    x = _returns(returns, check_returns=check_returns).values
    q = _ppy(periods_per_year)
    if trial_sharpe_variance is not None and trial_sharpes is not None:
        raise InputError("trial_sharpe_variance", "give either trial_sharpe_variance or trial_sharpes, not both")
    if trials is not None:
        from alphacheck._inputs import as_matrix
        from alphacheck.overfitting.trials import effective_trials

        mat = as_matrix(trials, "trials", min_obs=8, min_cols=2).values
        raw = mat.shape[1] if n_trials is None else max(check_int(n_trials, "n_trials", minimum=1), mat.shape[1])
        eff = effective_trials(mat)
        n_used = eff.n_effective + (raw - mat.shape[1])
        if trial_sharpe_variance is None and trial_sharpes is None:
            v = float(np.var(mat.mean(axis=0) / mat.std(axis=0, ddof=1), ddof=1))  # per period: no /q below
        elif trial_sharpes is not None:
            v = float(as_series(trial_sharpes, "trial_sharpes", min_obs=2).values.var(ddof=1)) / (q or 1.0)
        else:
            v = check_number(trial_sharpe_variance, "trial_sharpe_variance", minimum=0) / (q or 1.0)
        g3, g4 = _moments(x)
        note = (f"; N = {n_used:.3g} effective trials of {raw} (families of correlated trials counted by their "
                "participation ratio, alphacheck.overfitting.effective_trials)")
        return _dsr_result(_sr(x), x.size, g3, g4, raw, v, q, note, n_effective=n_used)
    if n_trials is None:
        raise InputError("n_trials", "is required (or pass trials, the trials' returns)")
    n_trials = check_int(n_trials, "n_trials", minimum=1)
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
    g3, g4 = _moments(x)
    return _dsr_result(_sr(x), x.size, g3, g4, n_trials, v, q)


def _expected_max_z(n_trials: float) -> float:
    """(1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e)) for a real N >= 1 (0 at N = 1): effective counts are not integers."""
    if n_trials <= 1.0:
        return 0.0
    return float((1 - EULER_GAMMA) * special.ndtri(1 - 1 / n_trials)
                 + EULER_GAMMA * special.ndtri(1 - 1 / (n_trials * math.e)))


def _dsr_result(sr: float, n: int, g3: float, g4: float, n_trials: int, v: float, q: float | None,
                trials_note: str = "", n_effective: float | None = None) -> SharpeProbabilityResult:
    """DSR from per-period SR, n, moments and per-period trial-Sharpe variance v; SR0 uses ``n_effective``
    (an effective number of independent trials) when given, else ``n_trials``."""
    if n_effective is None:
        sr0 = expected_max_sharpe(n_trials, trial_sharpe_variance=v)
        what = f"{n_trials} unskilled trials"
    else:
        sr0 = math.sqrt(v) * _expected_max_z(n_effective)
        what = f"{n_effective:.3g} effectively independent unskilled trials (of {n_trials})"
    return _probability_result(
        "deflated Sharpe ratio", sr, n, g3, g4, sr0,
        f"Sharpe ratio <= expected maximum of {what} ({sr0:.4g} per period)",
        "DSR, Bailey & Lopez de Prado (2014), eq. 2" + trials_note, q,
        {"sr0_per_period": sr0, "sr0_annualized": _annual(sr0, q), "n_trials": n_trials,
         "n_effective_trials": float(n_trials if n_effective is None else n_effective),
         "trial_sharpe_variance_per_period": v})


def deflated_sharpe_ratio_from_stats(sharpe: float, *, n_obs: int, n_trials: int, trial_sharpe_variance: float,
                                     skewness: float = 0.0, kurtosis: float = 3.0,
                                     periods_per_year: float | None = None) -> SharpeProbabilityResult:
    """Deflated Sharpe ratio from summary statistics, as reported in a backtest (no return series).

    Same formula as :func:`deflated_sharpe_ratio` (Bailey & López de Prado 2014, eq. 2).

    Parameters
    ----------
    sharpe : float
        The selected strategy's Sharpe ratio (annual when ``periods_per_year`` = q is given).
    n_obs : int
        Observations behind it.
    n_trials : int
        Variants tried.
    trial_sharpe_variance : float
        Variance of the trials' Sharpe ratios (annual units with q: divided by q).
    skewness, kurtosis : float
        Of the returns (non-excess kurtosis, 3 for a normal).
    periods_per_year : float or None
        q.

    Returns
    -------
    SharpeProbabilityResult

    References
    ----------
    Bailey & López de Prado (2014), numerical example: SR 2.5 and V 0.5 annualized, q = 250, T = 1,250,
    N = 100, skewness −3, kurtosis 10 give SR0 ≈ 0.1132 per day and DSR ≈ 0.90.

    Examples
    --------
    >>> res = deflated_sharpe_ratio_from_stats(2.5, n_obs=1250, n_trials=100, trial_sharpe_variance=0.5,
    ...                                        skewness=-3, kurtosis=10, periods_per_year=250)
    >>> round(res.null_value, 4), round(res.probability, 4)
    (0.1132, 0.9004)
    """
    n_obs = check_int(n_obs, "n_obs", minimum=2)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    q = _ppy(periods_per_year)
    sr = check_number(sharpe, "sharpe") / (math.sqrt(q) if q else 1.0)
    v = check_number(trial_sharpe_variance, "trial_sharpe_variance", minimum=0) / (q if q else 1.0)
    g3, g4 = check_number(skewness, "skewness"), check_number(kurtosis, "kurtosis")
    if g4 < 1.0 + g3 * g3:  # Pearson (1916): kurtosis >= 1 + skewness² for every distribution
        raise InputError("kurtosis", f"must be at least 1 + skewness² = {1.0 + g3 * g3:.4g} (Pearson's bound), got "
                                     f"{kurtosis!r}; this is the raw kurtosis (3 for a normal), not the excess "
                                     "kurtosis: add 3 to an excess kurtosis")
    return _dsr_result(sr, n_obs, g3, g4, n_trials, v, q)


def min_track_record_length(returns: ArrayLike, *, benchmark_sharpe: float = 0.0, confidence_level: float = 0.95,
                            periods_per_year: float | None = None, check_returns: bool = True) -> float:
    """Minimum track record length: observations needed for PSR(SR*) to reach ``confidence_level``.

    MinTRL = 1 + (1 − γ3 SR̂ + (γ4 − 1)/4 SR̂²) (Φ⁻¹(confidence_level) / (SR̂ − SR*))², per-period units;
    ``inf`` when SR̂ <= SR* (no track record suffices).

    Parameters
    ----------
    returns : array_like
        Per-period returns.
    benchmark_sharpe : float
        SR* (annual when ``periods_per_year`` is given).
    confidence_level : float
        The PSR to reach.
    periods_per_year : float or None
        Units of ``benchmark_sharpe``.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    float
        In observations.

    References
    ----------
    Bailey & López de Prado (2012), "The Sharpe ratio efficient frontier", J. Risk 15(2), sec. 4.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(0).normal(0.001, 0.01, 1000)
    >>> min_track_record_length(r) < 1000
    True
    """
    x = _returns(returns, check_returns=check_returns).values
    conf = check_probability(confidence_level, "confidence_level")
    q = _ppy(periods_per_year)
    sr_star = check_number(benchmark_sharpe, "benchmark_sharpe") / (math.sqrt(q) if q else 1.0)
    sr = _sr(x)
    if sr <= sr_star:
        return math.inf
    g3, g4 = _moments(x)
    return float(1 + (1 - g3 * sr + (g4 - 1) / 4 * sr**2) * (special.ndtri(conf) / (sr - sr_star)) ** 2)
