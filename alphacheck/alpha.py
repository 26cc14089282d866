"""Is it alpha or beta? Regression of strategy returns on a benchmark (and controls).

* :func:`jensen_alpha` — Jensen (1968) regression ``r_t = alpha + beta * b_t + gamma' c_t + e_t`` by OLS,
  with Newey–West (1987) HAC standard errors (default), iid ("nonrobust") or White HC1, and optionally
  a paired stationary block bootstrap of the rows (Politis & Romano 1994) for the alpha p-value.
  HAC p-values are normal (as statsmodels) or, with ``hac_pvalues="fixed-b"``, from the fixed-b
  reference law (Kiefer & Vogelsang 2005; :mod:`alphacheck.fixed_b`).
* :func:`spread_test` — long-minus-short (market-neutral) mean return test.
* :func:`updown_beta` — separate betas (and alphas) in up and down benchmark regimes and a HAC
  Wald test of ``beta_up = beta_down`` (Henriksson & Merton 1981; Pettengill, Sundaram & Mathur 1995).
* :func:`beta_adjusted` — the beta-hedged return ``r_t - beta * b_t``.

Coefficients, standard errors, t statistics and p-values of the analytic covariances are taken from
statsmodels ``OLS(...).fit(cov_type=...)`` with its defaults, so they match statsmodels (and R's
``sandwich::NeweyWest(fit, lag=L, prewhite=FALSE, adjust=FALSE)`` + ``lmtest::coeftest(..., df=Inf)``)
to floating-point precision.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from alphacheck._inputs import (
    InputError,
    align,
    check_alternative,
    check_int,
    check_probability,
    require_variance,
)
from alphacheck.fixed_b import fixed_b_critical_value, fixed_b_pvalue
from alphacheck.resample import bootstrap_plan, resampled_sums
from alphacheck.resample import resolve_block_length as resample_block_length
from alphacheck.results import Result, TestResult, format_number, frame_table, text_table
from alphacheck.significance import mean_test

__all__ = [
    "AlphaResult",
    "UpDownBetaResult",
    "jensen_alpha",
    "spread_test",
    "updown_beta",
    "beta_adjusted",
    "newey_west_lags",
    "bootstrap_coefficients",
]

_COV_TYPES = ("HAC", "nonrobust", "HC1", "bootstrap")
_HAC_PVALUES = ("normal", "fixed-b")


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def newey_west_lags(n: int) -> int:
    """Newey–West (1994) automatic lag rule for the Bartlett kernel: ``floor(4 * (n / 100) ** (2 / 9))``.

    This is the plug-in-free ("rule of thumb") bandwidth of Newey & West (1994, Rev. Econ. Stud.
    61(4), p. 631), also used by statsmodels' ``acf``/``q_stat`` helpers and by Stata's ``newey``
    documentation examples. n=100 -> 4, n=500 -> 5, n=1000 -> 6, n=10000 -> 11 lags.
    """
    n = check_int(n, "n", minimum=1)
    return int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))


# Default bandwidth share b = L / n for fixed-b p-values (Kiefer & Vogelsang 2005 recommend b well above the
# rule-of-thumb; at b = 0.1 the measured size is near nominal, see jensen_alpha).
FIXED_B_BANDWIDTH = 0.1


def _check_maxlags(maxlags: Any, n: int) -> int:
    if maxlags is None:
        return newey_west_lags(n)
    lags = check_int(maxlags, "maxlags", minimum=0)
    if lags >= n - 1:
        raise InputError("maxlags", f"must be smaller than the number of observations minus one ({n - 1}), got {lags}")
    return lags


def _column_names(controls: Any, k: int) -> list[str]:
    if isinstance(controls, pd.DataFrame):
        names = [str(c) for c in controls.columns]
    elif isinstance(controls, pd.Series) and controls.name is not None:
        names = [str(controls.name)]
    else:
        names = [f"control_{i + 1}" for i in range(k)] if k > 1 else ["control"]
    if len(set(names)) != len(names) or {"const", "benchmark"} & set(names):
        raise InputError("controls", f"column names must be unique and differ from 'const'/'benchmark', got {names}")
    return names


def _prepare(returns: Any, benchmark: Any, controls: Any, min_extra: int = 0):
    """Validate and align; return y, X (with constant first), column names, index."""
    named = [("returns", returns), ("benchmark", benchmark)]
    if controls is not None:
        named.append(("controls", controls))
    arrays, index = align(named, min_obs=2)
    y, b = arrays[0], arrays[1]
    if y.ndim != 1:
        raise InputError("returns", f"must be a single series, got {y.shape[1]} columns")
    if b.ndim != 1:
        raise InputError("benchmark", f"must be a single series, got {b.shape[1]} columns; pass the others as controls")
    cols = [np.ones_like(b), b]
    names = ["const", "benchmark"]
    if controls is not None:
        c = arrays[2] if arrays[2].ndim == 2 else arrays[2][:, None]
        cols += list(c.T)
        names += _column_names(controls, c.shape[1])
    X = np.column_stack(cols)
    n, p = X.shape
    min_obs = max(10, p + 5) + min_extra
    if n < min_obs:
        raise InputError("returns", f"needs at least {min_obs} aligned observations for this regression, got {n}")
    require_variance(y, "returns")
    require_variance(b, "benchmark")
    if p > 2:
        require_variance(X[:, 2:], "controls")
        if np.linalg.matrix_rank(X) < p:
            raise InputError("controls", "are collinear with the benchmark or with each other (design matrix is rank deficient)")
    return y, X, names, index


def _sm_fit(y: np.ndarray, X: np.ndarray, cov: str, maxlags: int | None):
    model = sm.OLS(y, X)
    if cov == "HAC":
        # statsmodels defaults: Bartlett weights, use_correction=False, use_t=False (normal p-values)
        return model.fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    if cov == "HC1":
        return model.fit(cov_type="HC1")
    return model.fit()


def _pvalue(stat: float, alternative: str, df: float | None) -> float:
    dist = stats.t(df) if df is not None else stats.norm
    if alternative == "greater":
        return float(dist.sf(stat))
    if alternative == "less":
        return float(dist.cdf(stat))
    return float(2.0 * dist.sf(abs(stat)))


def _r2(y: np.ndarray, X: np.ndarray) -> float:
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    yc = y - y.mean()
    return float(1.0 - resid @ resid / (yc @ yc))


def _ssr(y: np.ndarray, X: np.ndarray) -> float:
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    return float(resid @ resid)


# --------------------------------------------------------------------------------------------------
# paired block bootstrap via moment sums
# --------------------------------------------------------------------------------------------------


def _pair_products(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All products Z_i * Z_j (i <= j), row by row: the summands of Z'Z."""
    iu, ju = np.triu_indices(Z.shape[1])
    return Z[:, iu] * Z[:, ju], iu, ju


def bootstrap_coefficients(y: np.ndarray, X: np.ndarray, plan) -> np.ndarray:
    """OLS coefficients of every paired-bootstrap replicate, shape (reps, p).

    Replicate r re-uses rows ``t`` of (y, X) as drawn by ``plan`` (blocks of whole rows, so the
    dependence between returns, benchmark and controls is kept — the "pairs" or "cases" bootstrap of
    Freedman 1981 / Davison & Hinkley 1997, §6.2.4, applied blockwise as in Politis & Romano 1994).
    Its normal equations ``(X*'X*) b* = X*'y*`` are sums over resampled rows of the products
    ``x_i x_j`` and ``x_i y``, so they come from :func:`alphacheck.resample.resampled_sums` on the
    product columns (prefix sums, O(blocks x p^2) per replicate) and the (reps, p, p) stack is solved
    at once. For conditioning, the non-constant columns are centred and scaled by their full-sample
    mean and sd first; the map back to the original coefficients is exact (an affine reparametrisation
    of the same least-squares problem).
    """
    n, p = X.shape
    mu = X[:, 1:].mean(axis=0)
    sd = X[:, 1:].std(axis=0)
    ymu, ysd = y.mean(), y.std()
    Xs = np.column_stack([np.ones(n), (X[:, 1:] - mu) / sd])
    Z = np.column_stack([Xs, (y - ymu) / ysd])
    prods, iu, ju = _pair_products(Z)
    # resampled_sums is fastest on narrow inputs (1-D prefix lookups per column); feed it groups of
    # at most 4 product columns — a loop over the p(p+1)/2 columns, never over replicates.
    sums = np.column_stack([resampled_sums(prods[:, j : j + 4], plan) for j in range(0, prods.shape[1], 4)])
    reps = sums.shape[0]
    M = np.empty((reps, p + 1, p + 1))
    M[:, iu, ju] = sums
    M[:, ju, iu] = sums
    XtX, Xty = M[:, :p, :p], M[:, :p, p]
    try:
        coef_s = np.linalg.solve(XtX, Xty[..., None])[..., 0]
    except np.linalg.LinAlgError:
        # a replicate drew (almost) no variation in a regressor: least-squares (minimum-norm) solution
        coef_s = np.einsum("rij,rj->ri", np.linalg.pinv(XtX), Xty)
    # back to the original parametrisation: y = ymu + ysd*(a + sum g_j (x_j - mu_j)/sd_j)
    slopes = coef_s[:, 1:] * ysd / sd
    const = ymu + ysd * coef_s[:, 0] - slopes @ mu
    return np.column_stack([const, slopes])


def _bootstrap_block_length(block_length: Any, X: np.ndarray, resid: np.ndarray) -> float:
    # "auto": Politis–White (2004) on the regression scores x_t * e_t — their autocorrelation is what
    # the variance of the OLS coefficients depends on (max over columns).
    return resample_block_length(block_length, X * resid[:, None], "stationary")


def _bootstrap_pvalues(coef: np.ndarray, boot: np.ndarray, alternative: str) -> np.ndarray:
    """Null-imposed p-values from the centred bootstrap distribution (coef* - coef_hat).

    Under H0: theta = 0, the law of theta_hat - 0 is approximated by that of theta* - theta_hat
    (Davison & Hinkley 1997, §4.4, eq. 4.19 "basic bootstrap" test; Hall & Wilson 1991 guideline 1:
    resample with the null imposed by centring). p = (1 + #{extreme}) / (reps + 1).
    """
    d = boot - coef
    reps = boot.shape[0]
    if alternative == "greater":
        count = (d >= coef).sum(axis=0)
    elif alternative == "less":
        count = (d <= coef).sum(axis=0)
    else:
        count = (np.abs(d) >= np.abs(coef)).sum(axis=0)
    return (1.0 + count) / (reps + 1.0)


def _bootstrap_cis(coef: np.ndarray, boot: np.ndarray, ci_level: float) -> np.ndarray:
    """Symmetric basic intervals coef ± q_level(|coef* - coef|); they invert the two-sided p-value."""
    q = np.quantile(np.abs(boot - coef), ci_level, axis=0)
    return np.column_stack([coef - q, coef + q])


# --------------------------------------------------------------------------------------------------
# Jensen's alpha
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class AlphaResult(Result):
    """Jensen's alpha regression ``returns = alpha + beta * benchmark + gamma' controls + e``.

    Attributes
    ----------
    alpha, alpha_se, alpha_t, alpha_pvalue, alpha_ci : the intercept, its standard error, t statistic,
        p-value of H0: alpha = 0 against ``alternative``, and ``ci_level`` two-sided interval — all
        from the covariance ``cov_type`` (for ``cov_type="bootstrap"``: bootstrap sd, centred bootstrap
        p-value and symmetric bootstrap interval).
    beta : coefficient of the benchmark.  betas : all slope coefficients (benchmark, controls).
    table : coef, se, t, pvalue (two-sided, as statsmodels prints), ci_low, ci_high per regressor.
    rsquared, rsquared_adj : of the full regression.
    benchmark_share : R² of returns regressed on the benchmark alone (with intercept), i.e. the squared
        correlation — the share of the variance of returns the benchmark explains by itself.
    benchmark_share_partial : with controls, the partial R² of the benchmark given the controls,
        (SSR_without_benchmark - SSR_full) / SSR_without_benchmark; None without controls.
    n, cov_type, maxlags (HAC lags, None otherwise), ci_level, alternative.
    bootstrap_pvalue, bootstrap_ci, block_length, reps : paired stationary-bootstrap results for alpha
        (None when no bootstrap was run).
    residuals, fitted : Series on the aligned index when pandas came in, else arrays.
    hac_pvalues : reference law of the HAC t statistics, "normal" or "fixed-b" (None unless cov_type="HAC").
    critical_value : the two-sided ``ci_level`` critical value the intervals use (normal, Student t for
        "nonrobust", or the fixed-b quantile; None for the bootstrap covariance).
    """

    alpha: float
    alpha_se: float
    alpha_t: float
    alpha_pvalue: float
    alpha_ci: tuple[float, float]
    beta: float
    betas: pd.Series
    table: pd.DataFrame
    rsquared: float
    rsquared_adj: float
    benchmark_share: float
    benchmark_share_partial: float | None
    n: int
    cov_type: str
    maxlags: int | None
    ci_level: float
    alternative: str
    bootstrap_pvalue: float | None
    bootstrap_ci: tuple[float, float] | None
    block_length: float | None
    reps: int | None
    residuals: Any = dataclasses.field(repr=False)
    fitted: Any = dataclasses.field(repr=False)
    hac_pvalues: str | None = None
    critical_value: float | None = None

    @property
    def method(self) -> str:
        if self.cov_type == "HAC":
            base = f"OLS, Newey-West HAC covariance (Bartlett kernel, {self.maxlags} lags, no small-sample correction), "
            if self.hac_pvalues == "fixed-b":
                b = (self.maxlags + 1) / self.n
                return base + f"fixed-b p-values and intervals (Kiefer-Vogelsang 2005, b = {b:.3g})"
            return base + "normal p-value"
        if self.cov_type == "HC1":
            return "OLS, White HC1 covariance, normal p-value"
        if self.cov_type == "nonrobust":
            return f"OLS, iid covariance, Student t({self.n - len(self.table)}) p-value"
        return (
            f"OLS, paired stationary block bootstrap ({self.reps} replicates, mean block length "
            f"{self.block_length:.3g}), centred (null-imposed) bootstrap p-value and symmetric interval"
        )

    @property
    def test(self) -> TestResult:
        """The alpha test as a :class:`TestResult` (statistic = alpha_t)."""
        details: dict[str, Any] = {"alpha_se": self.alpha_se, "beta": self.beta, "cov_type": self.cov_type}
        if self.maxlags is not None:
            details["maxlags"] = self.maxlags
            details["hac_pvalues"] = self.hac_pvalues
        if self.critical_value is not None:
            details["critical_value"] = self.critical_value
        if self.bootstrap_pvalue is not None:
            details["bootstrap_pvalue"] = self.bootstrap_pvalue
            details["block_length"] = self.block_length
            details["reps"] = self.reps
        return TestResult(
            test="Jensen's alpha (regression intercept)",
            statistic=self.alpha_t,
            pvalue=self.alpha_pvalue,
            alternative=self.alternative,
            null="alpha = 0",
            method=self.method,
            n=self.n,
            estimate=self.alpha,
            ci=self.alpha_ci,
            ci_level=self.ci_level,
            details=details,
        )

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        for key in ("residuals", "fitted"):
            v = getattr(self, key)
            d[key] = np.asarray(v).tolist()
        return d

    def summary(self) -> str:
        level = f"{100 * self.ci_level:g}%"
        title = "Jensen's alpha regression (OLS)"
        tab = self.table.rename(columns={"ci_low": f"[{level}", "ci_high": f"{level}]"})
        rows: list[tuple[str, Any]] = [
            ("Observations", self.n),
            ("R-squared", self.rsquared),
            ("Adj. R-squared", self.rsquared_adj),
            ("Benchmark share (R² of returns on benchmark alone)", self.benchmark_share),
        ]
        if self.benchmark_share_partial is not None:
            rows.append(("Benchmark partial R² (given controls)", self.benchmark_share_partial))
        rows.append(("Covariance", self.method))
        rows.append(("H0: alpha = 0 vs H1: alpha " + {"two-sided": "!= 0", "greater": "> 0", "less": "< 0"}[self.alternative], ""))
        rows.append(("  alpha / t / p-value", f"{format_number(self.alpha)} / {format_number(self.alpha_t)} / {format_number(self.alpha_pvalue)}"))
        if self.bootstrap_pvalue is not None and self.cov_type != "bootstrap":
            rows.append(
                (
                    f"  bootstrap p-value (paired stationary, {self.reps} reps, block {self.block_length:.3g})",
                    self.bootstrap_pvalue,
                )
            )
            lo, hi = self.bootstrap_ci
            rows.append((f"  bootstrap {level} CI for alpha", f"[{format_number(lo)}, {format_number(hi)}]"))
        return frame_table(tab, title=title) + "\n" + text_table(rows)


def jensen_alpha(
    returns: Any,
    benchmark: Any,
    controls: Any = None,
    cov: str = "HAC",
    maxlags: int | None = None,
    bootstrap: bool = False,
    reps: int = 9_999,
    block_length: Any = "auto",
    seed: Any = None,
    alternative: str = "two-sided",
    ci_level: float = 0.95,
    hac_pvalues: str = "normal",
) -> AlphaResult:
    """Jensen's alpha: OLS of ``returns`` on a constant, ``benchmark`` and optional ``controls``.

    Model (Jensen 1968): ``r_t = alpha + beta * b_t + gamma' c_t + e_t``. Returns are used as given
    (pass excess returns over the risk-free rate if that is what you mean by alpha).

    Parameters
    ----------
    returns, benchmark : Series or arrays of per-period returns. Pandas inputs are aligned on their
        index (inner join; little overlap, duplicated labels or NaN raise ``InputError``).
    controls : optional Series, DataFrame (one column per control) or 2-D array of extra factors.
    cov : covariance of the OLS coefficients.
        ``"HAC"`` (default): Newey & West (1987) with Bartlett weights ``1 - j/(L+1)`` and
        ``L = maxlags``, by default the Newey–West (1994) rule ``floor(4 (n/100)^(2/9))``
        (:func:`newey_west_lags`). As in statsmodels' defaults (``use_correction=False``,
        ``use_t=False``) there is no n/(n-k) small-sample correction and p-values and intervals use the
        normal distribution — identical to ``sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L})``
        and to R ``coeftest(fit, vcov = NeweyWest(fit, lag = L, prewhite = FALSE, adjust = FALSE), df = Inf)``.
        ``"nonrobust"``: classical iid covariance ``s² (X'X)^-1`` with Student-t(n - k) p-values.
        ``"HC1"``: White (1980) with the n/(n-k) correction (MacKinnon & White 1985), normal p-values.
        ``"bootstrap"``: every standard error, p-value and interval comes from the paired block bootstrap
        below (se = sd of replicates, t = coef / se).
    maxlags : HAC truncation lag L (None = Newey–West rule; with ``hac_pvalues="fixed-b"``, None means
        ``max(Newey–West rule, ceil(0.1 n))``, the proportional bandwidth fixed-b theory is built for).
    bootstrap : also run the paired block bootstrap and report ``bootstrap_pvalue``/``bootstrap_ci``
        for alpha beside the analytic ones.
    reps, block_length, seed : bootstrap replicates, mean block length (``"auto"``: Politis & White
        2004 / Patton, Politis & White 2009 on the regression scores ``x_t e_t``, max over regressors)
        and seed (same seed, same bits).
    alternative : "two-sided", "greater" (alpha > 0) or "less", for ``alpha_pvalue`` and
        ``bootstrap_pvalue``; the ``table`` p-values are always two-sided (as statsmodels prints them).
    ci_level : coverage of the two-sided intervals.
    hac_pvalues : reference law for the HAC t statistics (``cov="HAC"`` only).
        ``"normal"`` (default): N(0, 1), exactly statsmodels' numbers. ``"fixed-b"``: standard errors and
        t statistics are unchanged; every p-value (``alpha_pvalue`` and the whole ``table``) comes from the
        fixed-b law of a Bartlett-HAC t with ``b = (maxlags + 1) / n`` (Kiefer & Vogelsang 2005,
        Econometric Theory 21(6); Kiefer, Vogelsang & Bunzel 2000, Econometrica 68(3), for a single
        coefficient of a linear regression), simulated once per (n, maxlags) by
        :func:`alphacheck.fixed_b.fixed_b_pvalue`, and intervals are ``coef ± c * se`` with its
        ``ci_level`` critical value c (:func:`alphacheck.fixed_b.fixed_b_critical_value`). Unless ``maxlags``
        is given, the window is the proportional bandwidth ``max(NW rule, ceil(0.1 n))``. The normal law
        is liberal with autocorrelated errors in small samples; measured two-sided 5 % rejection rates on
        AR(1) errors (rho = 0.3) with an AR(1) benchmark, same 2,000 worlds: n = 500 normal 7.75 %,
        fixed-b 5.65 %; n = 72 normal 9.7 %, fixed-b 6.7 %; iid t(4), n = 500: 5.9 % vs 4.95 %. At the NW
        window (b = 0.012) fixed-b barely helps (6.3 % vs 6.6 %, 20,000 worlds): it corrects the noise of
        the HAC variance, and only a proportional window also removes the Bartlett bias
        (``tests/alphacheck/test_size_montecarlo_alpha.py``; docs/architecture.md).

    Bootstrap method
    ----------------
    Paired (rows/"cases") stationary block bootstrap (Politis & Romano 1994; pairs bootstrap for
    regression: Freedman 1981, Davison & Hinkley 1997 §6.2.4 and §8.2.3 for blocks): blocks of whole
    rows (r_t, b_t, c_t) with geometric lengths of mean ``block_length`` are resampled and OLS is
    re-estimated on each replicate (computed from resampled moment sums, see
    :func:`bootstrap_coefficients`). The p-value imposes the null by centring: the bootstrap law of
    ``alpha* - alpha_hat`` stands in for the null law of ``alpha_hat - 0``, so (two-sided)
    ``p = (1 + #{|alpha* - alpha_hat| >= |alpha_hat|}) / (reps + 1)``; one-sided analogues use the
    signed difference. It is not studentised (no asymptotic refinement claimed, but no inconsistent
    within-replicate standard error either). ``bootstrap_ci`` is the symmetric basic interval
    ``alpha_hat ± q(|alpha* - alpha_hat|)`` that inverts the two-sided test.
    Cost grows as reps x (n / block_length) x (k+1)(k+2)/2 prefix-sum look-ups (k regressors incl. the
    constant): about 1 s for n=1,000 and 25 s for n=10,000 with 3 controls and 9,999 replicates on
    2 cores; lower ``reps`` for exploratory runs.

    Returns
    -------
    AlphaResult
    """
    if cov not in _COV_TYPES:
        raise InputError("cov", f"must be one of {_COV_TYPES}, got {cov!r}")
    if hac_pvalues not in _HAC_PVALUES:
        raise InputError("hac_pvalues", f"must be one of {_HAC_PVALUES}, got {hac_pvalues!r}")
    if hac_pvalues != "normal" and cov != "HAC":
        raise InputError("hac_pvalues", f"only applies to cov='HAC', got cov={cov!r}")
    alternative = check_alternative(alternative)
    ci_level = check_probability(ci_level, "ci_level")
    if not isinstance(bootstrap, (bool, np.bool_)):
        raise InputError("bootstrap", f"must be True or False, got {bootstrap!r}")
    run_boot = bool(bootstrap) or cov == "bootstrap"
    if run_boot:
        reps = check_int(reps, "reps", minimum=99)

    y, X, names, index = _prepare(returns, benchmark, controls)
    n, p = X.shape
    if cov == "HAC" and hac_pvalues == "fixed-b" and maxlags is None:
        # Fixed-b theory is for bandwidths proportional to n (Kiefer & Vogelsang 2005): at the NW rule
        # (b ~ 0.01) it corrects the noise of the HAC variance but not the bias of a short window.
        lags = min(max(newey_west_lags(n), math.ceil(FIXED_B_BANDWIDTH * n)), n - 2)
    else:
        lags = _check_maxlags(maxlags, n) if cov == "HAC" else None
    if cov != "HAC" and maxlags is not None:
        raise InputError("maxlags", f"only applies to cov='HAC', got cov={cov!r}")

    fit = _sm_fit(y, X, "nonrobust" if cov == "bootstrap" else cov, lags)
    coef = np.asarray(fit.params)
    resid = np.asarray(fit.resid)
    fitted = np.asarray(fit.fittedvalues)

    boot_p = boot_ci = bl = None
    boot_reps = None
    if run_boot:
        bl = _bootstrap_block_length(block_length, X, resid)
        plan = bootstrap_plan(n, reps, method="stationary", block_length=bl, seed=seed)
        boot = bootstrap_coefficients(y, X, plan)
        boot_reps = reps
        pv_alt = _bootstrap_pvalues(coef, boot, alternative)
        cis = _bootstrap_cis(coef, boot, ci_level)
        boot_p = float(pv_alt[0])
        boot_ci = (float(cis[0, 0]), float(cis[0, 1]))

    if cov == "bootstrap":
        se = boot.std(axis=0, ddof=1)
        tvals = coef / se
        pvals = _bootstrap_pvalues(coef, boot, "two-sided")
        ci = cis
        alpha_p = boot_p
        df = None
        crit = None
    elif cov == "HAC" and hac_pvalues == "fixed-b":
        se = np.asarray(fit.bse)
        tvals = np.asarray(fit.tvalues)
        pvals = np.asarray(fixed_b_pvalue(tvals, n, lags, "two-sided"))
        crit = fixed_b_critical_value(n, lags, ci_level)
        ci = np.column_stack([coef - crit * se, coef + crit * se])
        alpha_p = fixed_b_pvalue(float(tvals[0]), n, lags, alternative)
    else:
        se = np.asarray(fit.bse)
        tvals = np.asarray(fit.tvalues)
        pvals = np.asarray(fit.pvalues)
        ci = np.asarray(fit.conf_int(alpha=1.0 - ci_level))
        df = float(fit.df_resid) if fit.use_t else None
        alpha_p = _pvalue(float(tvals[0]), alternative, df)
        crit = float((stats.t(df) if df is not None else stats.norm).ppf(0.5 + ci_level / 2))

    table = pd.DataFrame(
        {"coef": coef, "se": se, "t": tvals, "pvalue": pvals, "ci_low": ci[:, 0], "ci_high": ci[:, 1]},
        index=pd.Index(names, name="term"),
    )
    share = _r2(y, X[:, :2])
    partial = None
    if p > 2:
        ssr_wo = _ssr(y, np.delete(X, 1, axis=1))
        partial = float((ssr_wo - float(resid @ resid)) / ssr_wo)

    def wrap(v: np.ndarray, name: str):
        return pd.Series(v, index=index, name=name) if index is not None else v

    return AlphaResult(
        alpha=float(coef[0]),
        alpha_se=float(se[0]),
        alpha_t=float(tvals[0]),
        alpha_pvalue=float(alpha_p),
        alpha_ci=(float(ci[0, 0]), float(ci[0, 1])),
        beta=float(coef[1]),
        betas=pd.Series(coef[1:], index=names[1:], name="beta"),
        table=table,
        rsquared=float(fit.rsquared),
        rsquared_adj=float(fit.rsquared_adj),
        benchmark_share=share,
        benchmark_share_partial=partial,
        n=int(n),
        cov_type=cov,
        maxlags=lags,
        ci_level=ci_level,
        alternative=alternative,
        bootstrap_pvalue=boot_p,
        bootstrap_ci=boot_ci,
        block_length=bl,
        reps=boot_reps,
        residuals=wrap(resid, "residual"),
        fitted=wrap(fitted, "fitted"),
        hac_pvalues=hac_pvalues if cov == "HAC" else None,
        critical_value=crit,
    )


# --------------------------------------------------------------------------------------------------
# long-minus-short spread
# --------------------------------------------------------------------------------------------------


def spread_test(
    long: Any,
    short: Any,
    alternative: str = "greater",
    method: str = "bootstrap",
    reps: int = 10_000,
    seed: Any = None,
    block_length: Any = "auto",
    bootstrap: str = "stationary",
    ci_level: float = 0.95,
) -> TestResult:
    """Test the mean of the market-neutral spread ``long_t - short_t`` (per period or per trade).

    The two legs are aligned (pandas: on the index) and differenced; the test of H0: E[long - short] = 0
    is :func:`alphacheck.significance.mean_test` on the difference (``method="bootstrap"``: stationary
    block bootstrap, Politis & Romano 1994; ``"t"``: one-sample t; ``"hac"``: Newey–West t). Because the
    difference is taken period by period, common (market) moves cancel before testing.
    Default ``alternative="greater"``: the long leg beats the short leg.
    """
    alternative = check_alternative(alternative)
    (lv, sv), index = align([("long", long), ("short", short)], min_obs=3)
    if lv.ndim != 1 or sv.ndim != 1:
        raise InputError("long, short", "must each be a single series of returns")
    diff = lv - sv
    data = pd.Series(diff, index=index, name="long_minus_short") if index is not None else diff
    res = mean_test(
        data,
        alternative=alternative,
        method=method,
        reps=reps,
        block_length=block_length,
        bootstrap=bootstrap,
        seed=seed,
        ci_level=ci_level,
    )
    return dataclasses.replace(res, test="long-minus-short spread mean", null="mean(long - short) = 0")


# --------------------------------------------------------------------------------------------------
# up/down beta
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class UpDownBetaResult(Result):
    """Up/down-market betas and alphas, and the HAC test of H0: beta_up = beta_down.

    ``statistic`` is the t statistic of ``beta_up - beta_down`` (its square is the Wald chi²(1)),
    ``pvalue`` its two-sided normal p-value. ``table`` holds all four coefficients with HAC se/t/p/CI.
    """

    beta_up: float
    beta_down: float
    beta_up_se: float
    beta_down_se: float
    alpha_up: float
    alpha_down: float
    alpha_up_se: float
    alpha_down_se: float
    difference: float
    difference_se: float
    statistic: float
    pvalue: float
    wald_chi2: float
    n_up: int
    n_down: int
    n: int
    threshold: float
    maxlags: int
    rsquared: float
    table: pd.DataFrame

    @property
    def test(self) -> TestResult:
        return TestResult(
            test="up/down beta equality",
            statistic=self.statistic,
            pvalue=self.pvalue,
            alternative="two-sided",
            null="beta_up = beta_down",
            method=f"OLS with Newey-West HAC covariance ({self.maxlags} lags, Bartlett, no small-sample correction), normal p-value",
            n=self.n,
            estimate=self.difference,
            ci=(self.difference - 1.959963984540054 * self.difference_se, self.difference + 1.959963984540054 * self.difference_se),
            ci_level=0.95,
            details={"beta_up": self.beta_up, "beta_down": self.beta_down, "n_up": self.n_up, "n_down": self.n_down},
        )

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        rows: list[tuple[str, Any]] = [
            ("Observations (up / down)", f"{self.n} ({self.n_up} / {self.n_down})"),
            ("Regime split", f"up: benchmark > {format_number(self.threshold)}"),
            ("R-squared", self.rsquared),
            ("Covariance", f"Newey-West HAC, {self.maxlags} lags, no small-sample correction"),
            ("H0: beta_up = beta_down vs two-sided", ""),
            ("  difference / t / p-value", f"{format_number(self.difference)} / {format_number(self.statistic)} / {format_number(self.pvalue)}"),
        ]
        return frame_table(self.table, title="Up/down beta regression (OLS)") + "\n" + text_table(rows)


def updown_beta(returns: Any, benchmark: Any, threshold: float = 0.0, maxlags: int | None = None) -> UpDownBetaResult:
    """Separate betas (and alphas) when the benchmark is up vs down.

    Specification (two-regime piecewise regression, one equation, shared HAC covariance)::

        r_t = alpha_down + (alpha_up - alpha_down) * U_t + beta_down * b_t * (1 - U_t) + beta_up * b_t * U_t + e_t,
        U_t = 1{b_t > threshold}

    i.e. each regime has its own intercept and slope (``alpha_up`` is the intercept of the up-regime
    line). This is the up/down-market beta of Pettengill, Sundaram & Mathur (1995) and the timing
    regression of Henriksson & Merton (1981), which is the same model with a common intercept and
    ``beta_up - beta_down`` as the timing coefficient. Standard errors: Newey–West HAC (Bartlett,
    ``maxlags`` by the Newey–West 1994 rule unless given, no small-sample correction, as statsmodels).
    H0: beta_up = beta_down is tested with statsmodels ``t_test``/``wald_test`` on the HAC covariance.
    """
    thr = float(threshold)
    if not np.isfinite(thr):
        raise InputError("threshold", f"must be a finite number, got {threshold!r}")
    y, X0, _, _ = _prepare(returns, benchmark, None)
    b = X0[:, 1]
    up = b > thr
    n_up, n_down = int(up.sum()), int((~up).sum())
    for label, mask, cnt in (("up", up, n_up), ("down", ~up, n_down)):
        if cnt < 5:
            raise InputError("benchmark", f"has only {cnt} observation(s) in the {label} regime (threshold {thr}); need at least 5")
        if np.ptp(b[mask]) == 0:
            raise InputError("benchmark", f"is constant within the {label} regime; beta_{label} is not identified")
    n = len(y)
    lags = _check_maxlags(maxlags, n)
    names = ["alpha_down", "alpha_up_minus_down", "beta_down", "beta_up"]
    X = np.column_stack([np.ones(n), up.astype(float), b * (~up), b * up])
    fit = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    params = np.asarray(fit.params)
    diff = fit.t_test(np.array([[0.0, 0.0, -1.0, 1.0]]))
    wald = fit.wald_test(np.array([[0.0, 0.0, -1.0, 1.0]]), scalar=True)
    aup = fit.t_test(np.array([[1.0, 1.0, 0.0, 0.0]]))
    bse = np.asarray(fit.bse)
    ci = np.asarray(fit.conf_int())
    table = pd.DataFrame(
        {"coef": params, "se": bse, "t": np.asarray(fit.tvalues), "pvalue": np.asarray(fit.pvalues),
         "ci_low": ci[:, 0], "ci_high": ci[:, 1]},
        index=pd.Index(names, name="term"),
    )
    return UpDownBetaResult(
        beta_up=float(params[3]),
        beta_down=float(params[2]),
        beta_up_se=float(bse[3]),
        beta_down_se=float(bse[2]),
        alpha_up=float(np.squeeze(aup.effect)),
        alpha_down=float(params[0]),
        alpha_up_se=float(np.squeeze(aup.sd)),
        alpha_down_se=float(bse[0]),
        difference=float(np.squeeze(diff.effect)),
        difference_se=float(np.squeeze(diff.sd)),
        statistic=float(np.squeeze(diff.tvalue)),
        pvalue=float(np.squeeze(diff.pvalue)),
        wald_chi2=float(np.squeeze(wald.statistic)),
        n_up=n_up,
        n_down=n_down,
        n=int(n),
        threshold=thr,
        maxlags=lags,
        rsquared=float(fit.rsquared),
        table=table,
    )


# --------------------------------------------------------------------------------------------------
# beta-hedged returns
# --------------------------------------------------------------------------------------------------


def beta_adjusted(returns: Any, benchmark: Any, beta: float | None = None) -> np.ndarray | pd.Series:
    """Beta-hedged returns ``returns_t - beta * benchmark_t``.

    ``beta`` defaults to the OLS slope of returns on a constant and the benchmark (Jensen 1968), i.e.
    cov(r, b) / var(b). The intercept is not removed: the result's mean is alpha plus
    beta-independent drift, which is what a hedged book earns. Pandas in -> Series on the aligned index out.
    """
    if beta is None:
        y, X, _, index = _prepare(returns, benchmark, None)
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        b_hat = float(coef[1])
        bench = X[:, 1]
    else:
        try:
            b_hat = float(beta)
        except (TypeError, ValueError):
            raise InputError("beta", f"must be a number, got {beta!r}") from None
        if not np.isfinite(b_hat):
            raise InputError("beta", f"must be finite, got {beta!r}")
        (y, bench), index = align([("returns", returns), ("benchmark", benchmark)], min_obs=1)
        if bench.ndim != 1:
            raise InputError("benchmark", "must be a single series")
        if y.ndim != 1:
            raise InputError("returns", "must be a single series")
    out = y - b_hat * bench
    if index is not None:
        name = returns.name if isinstance(returns, pd.Series) and returns.name is not None else "returns"
        return pd.Series(out, index=index, name=f"{name}_beta_adjusted")
    return out
