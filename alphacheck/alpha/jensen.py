"""Is it alpha or beta? The regression of strategy returns on a benchmark, traded factors and states.

* :func:`jensen_alpha` — Jensen (1968): ``r_t = α + β b_t + γ' f_t + δ' (z_t − z̄) + e_t`` by OLS, where
  ``f`` are traded factor returns (``controls``, entering as they are, so the intercept stays an alpha)
  and ``z`` state variables (``states``: volatility, funding, spreads — centred, so the intercept is the
  alpha at the *average* state, not at a meaningless zero state). Inference: Newey–West HAC (normal or
  fixed-b law), iid, HC1, or the studentised paired block bootstrap (:mod:`alphacheck._ols`).
* :func:`spread_test` — long-minus-short (market-neutral) mean return test.
* :func:`updown_beta` — separate betas (and alphas) in up and down benchmark regimes and the HAC test
  of ``beta_up = beta_down`` (Henriksson & Merton 1981; Pettengill, Sundaram & Mathur 1995).
* :func:`beta_adjusted` — the beta-hedged return ``r_t − β b_t``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck._hac import refuse_unused_maxlags, resolve_maxlags
from alphacheck._inputs import (
    InputError,
    align,
    check_alternative,
    check_bool,
    check_choice,
    check_number,
    check_plausible,
    check_plausible_pair,
    check_probability,
    check_reps,
    check_scale,
    require_variance,
)
from alphacheck._ols import OLSFit, covariance, ols, paired_bootstrap, prewhitened_se, require_residuals
from alphacheck._pvalues import pvalue_from_law, pvalue_from_replicates
from alphacheck._resample import METHODS, Scheme, SeedLike, resolve_block_length
from alphacheck._results import Interval, TestResult, cut_interval, format_number, frame_table, text_table
from alphacheck.significance import HAC_PVALUES, _mean_test, fixed_b_window

__all__ = ["AlphaResult", "UpDownBetaResult", "jensen_alpha", "spread_test", "updown_beta", "beta_adjusted"]

ALPHA_METHODS = ("hac", "bootstrap", "iid", "hc1")


@dataclasses.dataclass(frozen=True)
class AlphaResult(TestResult):
    """Jensen's alpha regression: the test of H0: α = ``null_value`` plus the whole fitted table.

    Attributes (beyond the :class:`~alphacheck.TestResult` protocol, where ``estimate`` is α)
    ----------
    beta : float
        Coefficient of the benchmark.
    betas : Series
        Every slope (benchmark, controls, states).
    table : DataFrame
        coef, se, t, pvalue (two-sided, as statsmodels prints), ci_low, ci_high per term, by ``method``.
    rsquared, rsquared_adj : float
        Of the full regression.
    benchmark_share : float
        R² of returns on the benchmark alone: the share of their variance the benchmark explains.
    benchmark_share_partial : float or None
        With controls/states, the partial R² of the benchmark given them.
    maxlags : int or None
        HAC window (``method="hac"``).
    block_length : float or None
        Mean block length of the paired bootstrap (``method="bootstrap"``).
    states : tuple
        Names of the centred state variables (their means in ``details["state_means"]``).
    residuals, fitted : Series or ndarray
        On the aligned index when pandas came in.
    """

    beta: float = float("nan")
    betas: pd.Series | None = None
    table: pd.DataFrame | None = None
    rsquared: float = float("nan")
    rsquared_adj: float = float("nan")
    benchmark_share: float = float("nan")
    benchmark_share_partial: float | None = None
    maxlags: int | None = None
    block_length: float | None = None
    states: tuple = ()
    residuals: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})
    fitted: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})
    coefficient_pivots: np.ndarray | None = dataclasses.field(default=None, repr=False, metadata={"export": False})

    @property
    def alpha(self) -> float:
        """The intercept α (= ``estimate``)."""
        return self.estimate

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table."""
        return self.table.copy() if self.table is not None else super().to_frame()

    def summary(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        assert self.table is not None  # fit_alpha always sets it
        tab = self.table.rename(columns={"ci_low": f"[{level}", "ci_high": f"{level}]"})
        lo, hi = self.confidence_interval()
        rows: list[tuple[str, Any]] = [
            ("Observations", self.n),
            ("R-squared", self.rsquared),
            ("Adj. R-squared", self.rsquared_adj),
            ("Benchmark share (R² of returns on benchmark alone)", self.benchmark_share),
        ]
        if self.benchmark_share_partial is not None:
            rows.append(("Benchmark partial R² (given controls)", self.benchmark_share_partial))
        if self.states:
            rows.append(("State variables (centred)", ", ".join(self.states)))
        rows += [("Method", self.method),
                 (f"H0: alpha = {self.null_value:g} vs {self.alternative}", ""),
                 ("  alpha / se / t / p-value", f"{format_number(self.estimate)} / {format_number(self.se)} / "
                                                f"{format_number(self.statistic)} / {format_number(self.pvalue)}"),
                 (f"  {level} CI for alpha", f"[{format_number(lo)}, {format_number(hi)}]")]
        return frame_table(tab, title="Jensen's alpha regression (OLS)") + "\n" + text_table(rows)

    def _repr_html_(self) -> str:
        assert self.table is not None  # fit_alpha always sets it
        return self.table.to_html(float_format=format_number) + super()._repr_html_()


def _names(x: Any, k: int, default: str) -> list[str]:
    if isinstance(x, pd.DataFrame):
        return [str(c) for c in x.columns]
    if isinstance(x, pd.Series) and x.name is not None:
        return [str(x.name)]
    return [f"{default}_{i + 1}" for i in range(k)] if k > 1 else [default]


def _as_2d(a: np.ndarray) -> np.ndarray:
    return a if a.ndim == 2 else a[:, None]


@dataclasses.dataclass(frozen=True)
class RegressionData:
    """Aligned, validated regression inputs: y, X = [1, benchmark, controls, centred states]."""

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    index: pd.Index | None
    states: tuple
    state_means: dict

    @functools.cached_property
    def fit(self) -> OLSFit:
        """The OLS fit of y on X, made once per instance (the exact-fit check and the alpha tests share it; a copy
        with another y, ``dataclasses.replace(data, y=...)``, fits its own)."""
        return ols(self.y, self.X)


def prepare_regression(returns: Any, benchmark: Any, controls: Any = None, states: Any = None, *,
                       check_returns: bool = True, min_extra: int = 0,
                       periods_per_year: float | None = None, exact_fit: bool = False) -> RegressionData:
    """Validate and align the regression inputs once (the audit keeps the result).

    With ``check_returns`` every return series (returns, benchmark, each control) goes through the
    plausibility rules, and returns vs benchmark through the pair rule (percent against fractions).
    An exact fit (R² = 1 up to rounding) is refused unless ``exact_fit`` (a hedge needs only the slope).
    """
    named = [("returns", returns), ("benchmark", benchmark)]
    if controls is not None:
        named.append(("controls", controls))
    if states is not None:
        named.append(("states", states))
    arrays, index = align(named, min_obs=2)
    y, b = arrays[0], arrays[1]
    if y.ndim != 1:
        raise InputError("returns", f"must be a single series, got {y.shape[1]} columns")
    if b.ndim != 1:
        raise InputError("benchmark", f"must be a single series, got {b.shape[1]} columns; pass the others as controls")
    if check_bool(check_returns, "check_returns"):
        check_plausible(y, index, "returns", periods_per_year=periods_per_year)
        check_plausible(b, index, "benchmark", periods_per_year=periods_per_year)
        check_plausible_pair(y, b, ("returns", "benchmark"))
    cols, names = [np.ones_like(b), b], ["const", "benchmark"]
    pos = 2
    if controls is not None:
        c = _as_2d(arrays[pos])
        pos += 1
        cn = _names(controls, c.shape[1], "control")
        if check_returns:
            for j, nm in enumerate(cn):
                check_plausible(c[:, j], index, f"controls[{nm!r}]", periods_per_year=periods_per_year,
                                hint="a state variable (volatility, funding, a spread level) belongs in states=, "
                                     "where it is centred so the intercept stays an alpha")
        cols += list(c.T)
        names += cn
    state_names: list[str] = []
    means: dict[str, float] = {}
    if states is not None:
        z = _as_2d(arrays[pos])
        state_names = _names(states, z.shape[1], "state")
        m = z.mean(axis=0)
        means = {nm: float(v) for nm, v in zip(state_names, m)}
        cols += list((z - m).T)  # centred: the intercept is the alpha at the average state
        names += state_names
    if len(set(names)) != len(names):
        raise InputError("controls", f"column names must be unique and differ from 'const'/'benchmark', got {names}")
    X = np.column_stack(cols)
    n, p = X.shape
    min_obs = max(10, p + 5) + min_extra
    if n < min_obs:
        raise InputError("returns", f"needs at least {min_obs} aligned observations for this regression, got {n}")
    require_variance(y, "returns")
    require_variance(b, "benchmark")
    check_scale(y, "returns")
    check_scale(b, "benchmark")
    if p > 2:
        require_variance(X[:, 2:], "controls" if controls is not None else "states")
        check_scale(X[:, 2:], "controls" if controls is not None else "states")
        if np.linalg.matrix_rank(X) < p:
            raise InputError("controls", "are collinear with the benchmark or with each other "
                                         "(the design matrix is rank deficient)")
    data = RegressionData(y, X, names, index, tuple(state_names), means)
    if not exact_fit:
        extra = (" and controls" if controls is not None else "") + (" and states" if states is not None else "")
        require_residuals(y, X, data.fit.resid, regressors="the benchmark" + extra)
    return data


def _r2(y: np.ndarray, X: np.ndarray) -> float:
    return ols(y, X).rsquared


def fit_alpha(data: RegressionData, *, method: str = "hac", alternative: str = "two-sided", null_value: float = 0.0,
              maxlags: int | None = None, hac_pvalues: str = "normal", reps: int = 9_999,
              bootstrap: str = "stationary", block_length: Any = "auto", seed: Any = None,
              n_jobs: int | None = None, confidence_level: float = 0.95, moments: Any = None,
              columns: Any = None) -> AlphaResult:
    """The Jensen regression on validated data (the engine behind :func:`jensen_alpha`); ``moments`` and
    ``columns`` reuse block moments of :func:`alphacheck._ols.regression_columns` drawn by the caller."""
    y, X, names = data.y, data.X, data.names
    n, p = X.shape
    fit = data.fit
    coef = fit.coef
    lags: int | None = None
    bl: float | None = None
    pivots = coef_pivots = None
    refuse_unused_maxlags(maxlags, method)
    if method == "bootstrap":
        bl = resolve_block_length(block_length, X * fit.resid[:, None], bootstrap)
        boot = paired_bootstrap(y, X, reps=reps, block_length=bl, bootstrap=bootstrap, seed=seed, n_jobs=n_jobs,
                                moments=moments, columns=columns)
        se = np.array([prewhitened_se(fit, X, np.eye(p)[a]) for a in range(p)])
        tvals = (coef - np.r_[null_value, np.zeros(p - 1)]) / se
        pvals = np.asarray(pvalue_from_replicates(boot.pivots, tvals, alternative="two-sided"))
        rule = Interval("bootstrap-t")
        coef_pivots = boot.pivots
        pivots = boot.pivots[:, 0]
        alpha_p = float(pvalue_from_replicates(pivots, tvals[0], alternative=alternative))
        how = (f"OLS; studentised paired {bootstrap} block bootstrap ({reps:,} replicates, block length {bl:.3g}): "
               "T by the prewhitened QS HAC of the coefficient's influence function, T* by each replicate's "
               "block variance")
        cis = [cut_interval(rule, coef[a], se[a], confidence_level, "two-sided", coef_pivots[:, a], names[a])
               for a in range(p)]
    else:
        if method == "hac":
            lags = fixed_b_window(n, maxlags) if hac_pvalues == "fixed-b" else resolve_maxlags(maxlags, n)
        kind: Any = method  # "hac", "iid" or "hc1" here (validated by the callers)
        cov = covariance(fit, X, kind=kind, maxlags=lags or 0)
        se = np.sqrt(np.diag(cov))
        tvals = (coef - np.r_[null_value, np.zeros(p - 1)]) / se
        if method == "iid":
            law, rule = "t", Interval("t", df=n - p)
            how = f"OLS, iid covariance, Student t({n - p}) p-values"
        elif method == "hc1":
            law, rule = "normal", Interval("normal")
            how = "OLS, White HC1 covariance, normal p-values"
        elif hac_pvalues == "fixed-b":
            assert lags is not None  # method == "hac": set above
            law, rule = "fixed-b", Interval("fixed-b", n=n, maxlags=lags)
            how = (f"OLS, Newey-West HAC covariance (Bartlett, {lags} lags, no small-sample correction), fixed-b "
                   f"p-values and intervals (Kiefer-Vogelsang 2005, b = {(lags + 1) / n:.3g})")
        else:
            law, rule = "normal", Interval("normal")
            how = (f"OLS, Newey-West HAC covariance (Bartlett, {lags} lags, no small-sample correction), "
                   "normal p-values")
        kw = {"law": law, "df": n - p, "n": n, "maxlags": lags}
        pvals = np.asarray(pvalue_from_law(tvals, alternative="two-sided", **kw))
        alpha_p = float(pvalue_from_law(tvals[0], alternative=alternative, **kw))
        cis = [cut_interval(rule, coef[a], se[a], confidence_level, "two-sided", None, names[a]) for a in range(p)]
    table = pd.DataFrame({"coef": coef, "se": se, "t": tvals, "pvalue": pvals,
                          "ci_low": [c.low for c in cis], "ci_high": [c.high for c in cis]},
                         index=pd.Index(names, name="term"))
    partial = None
    if p > 2:
        ssr_wo = ols(y, np.delete(X, 1, axis=1)).ssr
        partial = float((ssr_wo - fit.ssr) / ssr_wo)

    def wrap(v: np.ndarray, name: str) -> Any:
        return pd.Series(v, index=data.index, name=name) if data.index is not None else v

    details: dict[str, Any] = {"maxlags": lags, "hac_pvalues": hac_pvalues if method == "hac" else None,
                               "block_length": bl, "reps": reps if method == "bootstrap" else None}
    if data.state_means:
        details["state_means"] = dict(data.state_means)
    return AlphaResult(
        test="Jensen's alpha", statistic=float(tvals[0]), pvalue=alpha_p, alternative=alternative,
        null=f"alpha = {null_value:g}", estimate=float(coef[0]), method=how, n=int(n), se=float(se[0]),
        null_value=null_value, confidence_level=confidence_level, interval=rule, bootstrap_distribution=pivots,
        details=details, beta=float(coef[1]), betas=pd.Series(coef[1:], index=names[1:], name="beta"), table=table,
        rsquared=fit.rsquared, rsquared_adj=fit.rsquared_adj, benchmark_share=_r2(y, X[:, :2]),
        benchmark_share_partial=partial, maxlags=lags, block_length=bl, states=data.states,
        residuals=wrap(fit.resid, "residual"), fitted=wrap(fit.fitted, "fitted"), coefficient_pivots=coef_pivots)


def jensen_alpha(returns: ArrayLike, benchmark: ArrayLike, controls: ArrayLike | None = None,
                 states: ArrayLike | None = None, *, method: Literal["hac", "bootstrap", "iid", "hc1"] = "hac",
                 alternative: Literal["two-sided", "greater", "less"] = "two-sided", null_value: float = 0.0,
                 maxlags: int | None = None, hac_pvalues: Literal["normal", "fixed-b"] = "normal", reps: int = 9_999,
                 bootstrap: Scheme = "stationary", block_length: float | str = "auto", seed: SeedLike = None,
                 n_jobs: int | None = None, confidence_level: float = 0.95, check_returns: bool = True) -> AlphaResult:
    """Jensen's alpha: OLS of ``returns`` on a constant, ``benchmark``, traded ``controls`` and centred ``states``.

    Model (Jensen 1968): ``r_t = α + β b_t + γ' f_t + δ' (z_t − z̄) + e_t``. Returns are used as given (pass
    excess returns over the risk-free rate if that is what you mean by alpha).

    Parameters
    ----------
    returns, benchmark : array_like
        Per-period or per-trade returns on the same observations; pandas inputs are inner-joined on the index.
    controls : array_like or None
        Traded factor returns (Series, DataFrame, 2-D array). They enter uncentred, so α stays the return
        not explained by any traded factor. A column that does not look like a return series is refused
        (move it to ``states``) unless ``check_returns=False``.
    states : array_like or None
        State (conditioning) variables — volatility, funding rates, spreads, any level. They are centred
        (z − z̄), so α is the alpha at the sample-average state; uncentred, the intercept would be the alpha
        at a zero state (zero volatility), which is meaningless. Means are in ``details["state_means"]``.
        For betas that move with the state use :func:`alphacheck.conditional_alpha` (Ferson & Schadt 1996).
    method : {"hac", "bootstrap", "iid", "hc1"}
        ``"hac"`` (default): Newey & West (1987), Bartlett weights 1 − j/(L+1), L = ``maxlags`` (Newey–West
        1994 rule by default), no small-sample correction, normal p-values — identical to statsmodels
        ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L})`` and to R ``coeftest(fit, vcov =
        NeweyWest(fit, lag = L, prewhite = FALSE, adjust = FALSE), df = Inf)``. ``"bootstrap"``: the
        studentised paired block bootstrap of :mod:`alphacheck._ols` — T = α̂/se with se from the
        prewhitened QS long-run variance of α's influence function (Andrews & Monahan 1992), T* by each
        replicate's block variance (Götze & Künsch 1996); p = (1 + #{|T*| >= |T|})/(B + 1) for two-sided.
        ``"iid"``: s²(X'X)⁻¹ with Student-t(n − k). ``"hc1"``: White (1980) with n/(n − k).
    alternative : {"two-sided", "greater", "less"}
        For ``pvalue`` and the interval; the ``table`` p-values are always two-sided.
    null_value : float
        α under H0.
    maxlags : int or None
        HAC window; with ``hac_pvalues="fixed-b"`` None means max(NW rule, ⌈0.1 n⌉).
    hac_pvalues : {"normal", "fixed-b"}
        Reference law of the HAC t statistics: N(0, 1) (statsmodels' numbers) or the fixed-b law of a
        Bartlett-HAC t with b = (L + 1)/n (Kiefer & Vogelsang 2005; Kiefer, Vogelsang & Bunzel 2000 for a
        regression coefficient).
    reps, bootstrap, block_length, seed, n_jobs
        Bootstrap replicates, scheme, block length ("auto": Politis & White 2004 on the scores x_t e_t,
        maximum over regressors), seed and threads (``method="bootstrap"``).
    confidence_level : float
        Level of the table's intervals and of ``confidence_interval()``.
    check_returns : bool
        Refuse returns, benchmark or controls that look like prices, levels, percent or positions.

    Returns
    -------
    AlphaResult

    References
    ----------
    Jensen (1968), J. Finance 23(2); Newey & West (1987), Econometrica 55(3); Kiefer & Vogelsang (2005),
    Econometric Theory 21(6); Freedman (1981), Ann. Statist. 9(6); Götze & Künsch (1996), Ann. Statist. 24(5);
    Ferson & Schadt (1996), J. Finance 51(2), for centred state variables.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> b = rng.normal(0.0005, 0.01, 1000)
    >>> r = 0.0002 + 1.2 * b + rng.normal(0, 0.005, 1000)
    >>> res = jensen_alpha(r, b)
    >>> round(res.beta, 2), res.pvalue > 0.05
    (1.23, True)
    """
    method = check_choice(method, "method", ALPHA_METHODS)
    hac_pvalues = check_choice(hac_pvalues, "hac_pvalues", HAC_PVALUES)
    if hac_pvalues != "normal" and method != "hac":
        raise InputError("hac_pvalues", f"only applies to method='hac', got method={method!r}")
    alternative = check_alternative(alternative)
    level = check_probability(confidence_level, "confidence_level")
    null_value = check_number(null_value, "null_value")
    bootstrap = check_choice(bootstrap, "bootstrap", METHODS)
    if method == "bootstrap":
        reps = check_reps(reps)
    data = prepare_regression(returns, benchmark, controls, states, check_returns=check_returns)
    return fit_alpha(data, method=method, alternative=alternative, null_value=null_value, maxlags=maxlags,
                     hac_pvalues=hac_pvalues, reps=reps, bootstrap=bootstrap, block_length=block_length, seed=seed,
                     n_jobs=n_jobs, confidence_level=level)


def spread_test(long: ArrayLike, short: ArrayLike, *, method: Literal["bootstrap", "hac", "t"] = "bootstrap",
                alternative: Literal["two-sided", "greater", "less"] = "greater", reps: int = 9_999,
                bootstrap: Scheme = "stationary", block_length: float | str = "auto", seed: SeedLike = None,
                n_jobs: int | None = None, confidence_level: float = 0.95, check_returns: bool = True) -> TestResult:
    """Test the mean of the market-neutral spread ``long_t − short_t`` (per period or per trade).

    Parameters
    ----------
    long, short : array_like
        Returns of the two legs, aligned (pandas: on the index) and differenced period by period, so
        common (market) moves cancel before testing.
    method, reps, bootstrap, block_length, seed, n_jobs, confidence_level, check_returns
        As :func:`alphacheck.mean_test`, which tests the difference.
    alternative : {"greater", "two-sided", "less"}
        Default "greater": the long leg beats the short leg.

    Returns
    -------
    TestResult

    References
    ----------
    See :func:`alphacheck.mean_test`.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> m = rng.normal(0, 0.01, 500)
    >>> res = spread_test(m + 0.002 + rng.normal(0, 0.002, 500), m, reps=999, seed=0)
    >>> res.pvalue < 0.01
    True
    """
    method = check_choice(method, "method", ("bootstrap", "hac", "t"))
    alternative = check_alternative(alternative)
    level = check_probability(confidence_level, "confidence_level")
    reps = check_reps(reps)
    (lv, sv), index = align([("long", long), ("short", short)], min_obs=3)
    if lv.ndim != 1 or sv.ndim != 1:
        raise InputError("long, short", "must each be a single series of returns")
    if check_bool(check_returns, "check_returns"):
        check_plausible(lv, index, "long")
        check_plausible(sv, index, "short")
        check_plausible_pair(lv, sv, ("long", "short"))
    diff = lv - sv
    require_variance(diff, "long - short")
    res = _mean_test(diff, method=method, alternative=alternative, reps=reps, bootstrap=bootstrap,
                     block_length=block_length, seed=seed, n_jobs=n_jobs, confidence_level=level,
                     test="long-minus-short spread mean")
    return dataclasses.replace(res, null="mean(long - short) = 0")


@dataclasses.dataclass(frozen=True)
class UpDownBetaResult(TestResult):
    """Up/down-market betas and alphas; the test (``statistic``, ``pvalue``) is H0: beta_up = beta_down.

    ``estimate`` is beta_up − beta_down; ``table`` holds all four coefficients with HAC se/t/p/CI.
    """

    beta_up: float = float("nan")
    beta_down: float = float("nan")
    beta_up_se: float = float("nan")
    beta_down_se: float = float("nan")
    alpha_up: float = float("nan")
    alpha_down: float = float("nan")
    alpha_up_se: float = float("nan")
    alpha_down_se: float = float("nan")
    wald_chi2: float = float("nan")
    n_up: int = 0
    n_down: int = 0
    threshold: float = 0.0
    maxlags: int = 0
    rsquared: float = float("nan")
    table: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy() if self.table is not None else super().to_frame()

    def summary(self) -> str:
        rows: list[tuple[str, Any]] = [
            ("Observations (up / down)", f"{self.n} ({self.n_up} / {self.n_down})"),
            ("Regime split", f"up: benchmark > {format_number(self.threshold)}"),
            ("R-squared", self.rsquared),
            ("Covariance", f"Newey-West HAC, {self.maxlags} lags, no small-sample correction"),
            ("H0: beta_up = beta_down vs two-sided", ""),
            ("  difference / t / p-value", f"{format_number(self.estimate)} / {format_number(self.statistic)} / "
                                           f"{format_number(self.pvalue)}"),
        ]
        return frame_table(self.table, title="Up/down beta regression (OLS)") + "\n" + text_table(rows)


def fit_updown(y: np.ndarray, b: np.ndarray, *, threshold: float = 0.0, maxlags: int | None = None,
               confidence_level: float = 0.95) -> UpDownBetaResult:
    """The up/down regression on validated arrays (engine of :func:`updown_beta`)."""
    up = b > threshold
    n_up, n_down = int(up.sum()), int((~up).sum())
    for label, mask, cnt in (("up", up, n_up), ("down", ~up, n_down)):
        if cnt < 5:
            raise InputError("benchmark", f"has only {cnt} observation(s) in the {label} regime (threshold "
                                          f"{threshold:g}); need at least 5")
        if np.ptp(b[mask]) == 0:
            raise InputError("benchmark", f"is constant within the {label} regime; beta_{label} is not identified")
    n = y.size
    lags = resolve_maxlags(maxlags, n)
    names = ["alpha_down", "alpha_up_minus_down", "beta_down", "beta_up"]
    X = np.column_stack([np.ones(n), up.astype(float), b * (~up), b * up])
    fit: OLSFit = ols(y, X)
    cov = covariance(fit, X, kind="hac", maxlags=lags)
    se = np.sqrt(np.diag(cov))
    t = fit.coef / se
    rule = Interval("normal")
    cis = [cut_interval(rule, fit.coef[a], se[a], confidence_level, "two-sided", None, names[a]) for a in range(4)]
    table = pd.DataFrame({"coef": fit.coef, "se": se, "t": t,
                          "pvalue": np.asarray(pvalue_from_law(t, alternative="two-sided")),
                          "ci_low": [c.low for c in cis], "ci_high": [c.high for c in cis]},
                         index=pd.Index(names, name="term"))
    d = np.array([0.0, 0.0, -1.0, 1.0])
    a_up = np.array([1.0, 1.0, 0.0, 0.0])
    diff, diff_se = float(d @ fit.coef), math.sqrt(float(d @ cov @ d))
    stat = diff / diff_se
    return UpDownBetaResult(
        test="up/down beta equality", statistic=stat, pvalue=float(pvalue_from_law(stat, alternative="two-sided")),
        alternative="two-sided", null="beta_up = beta_down", estimate=diff,
        method=(f"OLS with Newey-West HAC covariance ({lags} lags, Bartlett, no small-sample correction), "
                "normal p-value"),
        n=int(n), se=diff_se, confidence_level=confidence_level, interval=rule,
        details={"beta_up": float(fit.coef[3]), "beta_down": float(fit.coef[2])},
        beta_up=float(fit.coef[3]), beta_down=float(fit.coef[2]), beta_up_se=float(se[3]), beta_down_se=float(se[2]),
        alpha_up=float(a_up @ fit.coef), alpha_down=float(fit.coef[0]),
        alpha_up_se=math.sqrt(float(a_up @ cov @ a_up)), alpha_down_se=float(se[0]), wald_chi2=stat**2,
        n_up=n_up, n_down=n_down, threshold=float(threshold), maxlags=lags, rsquared=fit.rsquared, table=table)


def updown_beta(returns: ArrayLike, benchmark: ArrayLike, *, threshold: float = 0.0, maxlags: int | None = None,
                confidence_level: float = 0.95, check_returns: bool = True) -> UpDownBetaResult:
    """Separate betas (and alphas) when the benchmark is up vs down, and the test of their equality.

    Model (two regimes, one equation, one HAC covariance)::

        r_t = α_down + (α_up − α_down) U_t + β_down b_t (1 − U_t) + β_up b_t U_t + e_t,  U_t = 1{b_t > threshold}

    the up/down-market beta of Pettengill, Sundaram & Mathur (1995) and the timing regression of
    Henriksson & Merton (1981) (the same model with one intercept; β_up − β_down is the timing coefficient).

    Parameters
    ----------
    returns, benchmark : array_like
        Aligned returns.
    threshold : float
        Benchmark return splitting the regimes.
    maxlags : int or None
        Newey–West window (None: the NW 1994 rule).
    confidence_level : float
        Level of the intervals.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    UpDownBetaResult
        The test of H0: β_up = β_down (two-sided, normal p-value on the HAC t; its square is the Wald χ²(1)).

    References
    ----------
    Henriksson & Merton (1981), J. Business 54(4); Pettengill, Sundaram & Mathur (1995), JFQA 30(1);
    Newey & West (1987).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> b = rng.normal(0, 0.01, 800)
    >>> r = np.where(b > 0, 1.5, 0.5) * b + rng.normal(0, 0.003, 800)
    >>> updown_beta(r, b).pvalue < 0.01
    True
    """
    thr = check_number(threshold, "threshold")
    level = check_probability(confidence_level, "confidence_level")
    data = prepare_regression(returns, benchmark, check_returns=check_returns)
    return fit_updown(data.y, data.X[:, 1], threshold=thr, maxlags=maxlags, confidence_level=level)


def beta_adjusted(returns: ArrayLike, benchmark: ArrayLike, *, beta: float | None = None,
                  check_returns: bool = True) -> np.ndarray | pd.Series:
    """Beta-hedged returns ``returns_t − β benchmark_t``.

    Parameters
    ----------
    returns, benchmark : array_like
        Aligned returns.
    beta : float or None
        The hedge ratio; default the OLS slope of returns on a constant and the benchmark (Jensen 1968),
        cov(r, b)/var(b). The intercept is not removed: the mean of the result is what a hedged book earns.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    ndarray or Series
        Pandas in, a Series on the aligned index out.

    References
    ----------
    Jensen (1968), J. Finance 23(2).

    Examples
    --------
    >>> import numpy as np
    >>> b = np.array([0.01, -0.02, 0.015, 0.005, -0.01, 0.02, 0.0, -0.005, 0.01, 0.004, -0.003, 0.007])
    >>> h = beta_adjusted(2 * b + 0.001, b)
    >>> bool(np.allclose(h, 0.001))
    True
    """
    if beta is None:
        data = prepare_regression(returns, benchmark, check_returns=check_returns, exact_fit=True)
        y, bench, index = data.y, data.X[:, 1], data.index
        b_hat = float(ols(y, data.X[:, :2]).coef[1])
    else:
        b_hat = check_number(beta, "beta")
        (y, bench), index = align([("returns", returns), ("benchmark", benchmark)], min_obs=1)
        if bench.ndim != 1:
            raise InputError("benchmark", "must be a single series")
        if y.ndim != 1:
            raise InputError("returns", "must be a single series")
        if check_bool(check_returns, "check_returns"):
            check_plausible(y, index, "returns")
            check_plausible(bench, index, "benchmark")
            check_plausible_pair(y, bench, ("returns", "benchmark"))
    out = y - b_hat * bench
    if index is not None:
        name = returns.name if isinstance(returns, pd.Series) and returns.name is not None else "returns"
        return pd.Series(out, index=index, name=f"{name}_beta_adjusted")
    return out
