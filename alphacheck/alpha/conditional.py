"""Conditional alpha and beta (Ferson & Schadt 1996): both linear in lagged, centred state variables.

Model (Ferson & Schadt 1996, J. Finance 51(2), eq. (4), with the time-varying alpha of Christopherson,
Ferson & Glassman 1998, Rev. Financ. Stud. 11(1), eq. (3))::

    r_t = α_0 + α_1' z̃_{t−1} + β_0 b_t + β_1' (z̃_{t−1} b_t) + γ' f_t + e_t,   z̃_{t−1} = z_{t−1} − z̄

so the conditional beta is β(z) = β_0 + β_1' z̃ and the conditional alpha α(z) = α_0 + α_1' z̃. The state
variables z (volatility, funding, spreads, dividend yield) are *lagged* (known when the position is taken)
and *centred*, so α_0 and β_0 are the alpha and beta at the average state. Traded factors ``controls``
enter as they are. OLS through :mod:`alphacheck._ols`; the covariance is Newey & West (1987) HAC by default.

Joint tests (Wald, χ²(q) with the HAC covariance; Newey & West 1987, sec. 3): ``β_1 = 0`` (beta does not
move with the states), ``α_1 = 0`` (alpha does not), and both (no conditioning at all). The headline
test is H0: α_0 = ``null_value`` — the conditional alpha, the part of the return the benchmark does not
explain once beta is allowed to follow the states.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck._hac import refuse_unused_maxlags, resolve_maxlags
from alphacheck._inputs import (
    InputError,
    align,
    check_alternative,
    check_choice,
    check_int,
    check_number,
    check_plausible,
    check_probability,
    check_scale,
    require_variance,
)
from alphacheck._ols import covariance, ols, require_residuals
from alphacheck._pvalues import pvalue_from_law
from alphacheck._results import Interval, TestResult, cut_interval, format_number, frame_table, text_table
from alphacheck.alpha.jensen import _as_2d, _names
from alphacheck.significance import HAC_PVALUES, fixed_b_window

__all__ = ["ConditionalAlphaResult", "conditional_alpha"]

TERMS = ("alpha-and-beta", "beta")


@dataclasses.dataclass(frozen=True)
class ConditionalAlphaResult(TestResult):
    """Conditional (Ferson–Schadt) regression: the test of H0: α_0 = ``null_value`` plus the joint tests.

    Attributes (beyond the :class:`~alphacheck.TestResult` protocol, where ``estimate`` is α_0)
    ----------
    beta : float
        β_0, the beta at the average state.
    table : DataFrame
        coef, se, t, pvalue (two-sided), ci_low, ci_high of every term.
    beta_terms_test, alpha_terms_test, conditional_terms_test : TestResult
        Wald tests of β_1 = 0, α_1 = 0 (None with ``terms="beta"``) and all conditional terms = 0.
    conditional_beta, conditional_alpha : Series or ndarray
        β_0 + β_1' z̃_{t−1} and α_0 + α_1' z̃_{t−1} at each observation.
    state_means : mapping
        z̄ of each state variable (the centring).
    maxlags : int or None
        HAC window.
    rsquared : float
    """

    beta: float = float("nan")
    table: pd.DataFrame | None = None
    beta_terms_test: TestResult | None = None
    alpha_terms_test: TestResult | None = None
    conditional_terms_test: TestResult | None = None
    conditional_beta: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})
    conditional_alpha: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})
    state_means: Any = dataclasses.field(default_factory=dict)
    maxlags: int | None = None
    rsquared: float = float("nan")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy() if self.table is not None else super().to_frame()

    def wald_table(self) -> pd.DataFrame:
        """The joint tests: statistic, df, p-value."""
        rows = [t for t in (self.beta_terms_test, self.alpha_terms_test, self.conditional_terms_test) if t is not None]
        return pd.DataFrame({"H0": [t.null for t in rows], "chi2": [t.statistic for t in rows],
                             "df": [t.details["df"] for t in rows], "pvalue": [t.pvalue for t in rows]})

    def summary(self) -> str:
        lo, hi = self.confidence_interval()
        rows: list[tuple[str, Any]] = [
            ("Observations", self.n), ("R-squared", self.rsquared), ("Method", self.method),
            (f"H0: alpha_0 = {self.null_value:g} vs {self.alternative}", ""),
            ("  alpha_0 / se / t / p-value", f"{format_number(self.estimate)} / {format_number(self.se)} / "
                                             f"{format_number(self.statistic)} / {format_number(self.pvalue)}"),
            (f"  {100 * self.confidence_level:g}% CI for alpha_0", f"[{format_number(lo)}, {format_number(hi)}]"),
        ]
        for t in (self.beta_terms_test, self.alpha_terms_test, self.conditional_terms_test):
            if t is not None:
                rows.append((f"Wald H0: {t.null}", f"chi2({t.details['df']}) = {format_number(t.statistic)}, "
                                                   f"p = {format_number(t.pvalue)}"))
        return frame_table(self.table, title="Conditional alpha and beta (Ferson-Schadt)") + "\n" + text_table(rows)

    def _repr_html_(self) -> str:
        assert self.table is not None  # conditional_alpha always sets it
        return self.table.to_html(float_format=format_number) + super()._repr_html_()


def _wald(coef: np.ndarray, cov: np.ndarray, idx: list[int], null: str, method: str, n: int) -> TestResult:
    """Wald χ²(q) test that the coefficients ``idx`` are all zero: W = θ' V^{-1} θ (Newey & West 1987)."""
    th = coef[idx]
    v = cov[np.ix_(idx, idx)]
    w = float(th @ np.linalg.solve(v, th))
    q = len(idx)
    p = float(pvalue_from_law(w, law="chi2", df=q))
    return TestResult("Wald test of conditional terms", w, p, "two-sided", null, float(np.sqrt(w / q)),
                      f"Wald chi-square({q}) with the {method} covariance", n, float("nan"), 0.0, 0.95,
                      Interval("none", reason="a joint test of several coefficients has no interval for one number"),
                      None, {"df": q, "terms": [int(i) for i in idx]})


def conditional_alpha(returns: ArrayLike, benchmark: ArrayLike, states: ArrayLike, controls: ArrayLike | None = None,
                      *, state_lag: int = 1, terms: Literal["alpha-and-beta", "beta"] = "alpha-and-beta",
                      method: Literal["hac", "iid", "hc1"] = "hac", maxlags: int | None = None,
                      hac_pvalues: Literal["normal", "fixed-b"] = "normal",
                      alternative: Literal["two-sided", "greater", "less"] = "two-sided", null_value: float = 0.0,
                      confidence_level: float = 0.95, check_returns: bool = True) -> ConditionalAlphaResult:
    """Conditional alpha and beta linear in lagged state variables (Ferson & Schadt 1996), with joint tests.

    Parameters
    ----------
    returns, benchmark : array_like
        Strategy and benchmark returns, aligned (pandas: on the index).
    states : array_like
        State variables z_t (one column or several), observed at t; they enter lagged by ``state_lag``
        observations and centred at their mean over the estimation sample.
    controls : array_like or None
        Traded factor returns with constant loadings.
    state_lag : int
        How many observations the states are lagged (1: the state known at the previous close). 0 uses
        them as given (pass states that are already lagged).
    terms : {"alpha-and-beta", "beta"}
        Condition both alpha and beta (default; Christopherson, Ferson & Glassman 1998) or beta only
        (Ferson & Schadt 1996's original model).
    method : {"hac", "iid", "hc1"}
        Covariance: Newey & West (1987) HAC (default), iid OLS (α_0 against t(n − k), the Wald tests against χ²) or White HC1.
    maxlags : int or None
        HAC window (None: the Newey–West 1994 rule; with fixed-b max(rule, ⌈0.1 n⌉)).
    hac_pvalues : {"normal", "fixed-b"}
        Law of the α_0 t statistic (Kiefer & Vogelsang 2005 for fixed-b); the Wald tests use χ².
    alternative, null_value : str, float
        The α_0 test.
    confidence_level : float
        Level of the table's intervals and of ``confidence_interval()``.
    check_returns : bool
        Refuse returns, benchmark or controls that look like prices, levels, percent or positions.

    Returns
    -------
    ConditionalAlphaResult

    References
    ----------
    Ferson & Schadt (1996), "Measuring fund strategy and performance in changing economic conditions",
    J. Finance 51(2), 425-461, eq. (4); Christopherson, Ferson & Glassman (1998), Rev. Financ. Stud. 11(1),
    111-142, eq. (3); Newey & West (1987), Econometrica 55(3); Kiefer & Vogelsang (2005), Econometric Theory 21(6).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> n = 1500
    >>> vol = np.abs(rng.normal(1.0, 0.3, n))
    >>> b = rng.normal(0, 0.01, n)
    >>> beta_t = 1.0 + 0.8 * (np.r_[vol[0], vol[:-1]] - 1.0)        # beta rises with yesterday's volatility
    >>> r = beta_t * b + rng.normal(0, 0.004, n)
    >>> res = conditional_alpha(r, b, vol)
    >>> res.beta_terms_test.pvalue < 0.01, res.pvalue > 0.01
    (True, True)
    """
    terms = check_choice(terms, "terms", TERMS)
    method = check_choice(method, "method", ("hac", "iid", "hc1"))
    hac_pvalues = check_choice(hac_pvalues, "hac_pvalues", HAC_PVALUES)
    if hac_pvalues != "normal" and method != "hac":
        raise InputError("hac_pvalues", f"only applies to method='hac', got method={method!r}")
    alternative = check_alternative(alternative)
    null_value = check_number(null_value, "null_value")
    level = check_probability(confidence_level, "confidence_level")
    lag = check_int(state_lag, "state_lag", minimum=0)
    named = [("returns", returns), ("benchmark", benchmark), ("states", states)]
    if controls is not None:
        named.append(("controls", controls))
    arrays, index = align(named, min_obs=lag + 12)
    y, b, z = arrays[0], arrays[1], _as_2d(arrays[2])
    if y.ndim != 1 or b.ndim != 1:
        raise InputError("returns, benchmark", "must each be a single series")
    if check_returns:
        check_plausible(y, index, "returns")
        check_plausible(b, index, "benchmark")
    znames = _names(states, z.shape[1], "state")
    c = None
    cnames: list[str] = []
    if controls is not None:
        c = _as_2d(arrays[3])
        cnames = _names(controls, c.shape[1], "control")
        if check_returns:
            for j, nm in enumerate(cnames):
                check_plausible(c[:, j], index, f"controls[{nm!r}]",
                                hint="a state variable belongs in states=, where it conditions alpha and beta")
    n_all = y.size
    # z_{t-lag} beside r_t, b_t: drop the first `lag` observations
    y, b = y[lag:], b[lag:]
    zl = z[: n_all - lag]
    if c is not None:
        c = c[lag:]
    idx = index[lag:] if index is not None else None
    require_variance(y, "returns")
    require_variance(b, "benchmark")
    require_variance(zl, "states")
    for values, nm in ((y, "returns"), (b, "benchmark"), (zl, "states"), (c, "controls")):
        if values is not None:
            check_scale(values, nm)
    zbar = zl.mean(axis=0)
    zt = zl - zbar
    n = y.size
    cols, names = [np.ones(n)], ["alpha_0"]
    a_idx: list[int] = []
    if terms == "alpha-and-beta":
        for j, nm in enumerate(znames):
            cols.append(zt[:, j])
            names.append(f"alpha x {nm}")
            a_idx.append(len(cols) - 1)
    cols.append(b)
    names.append("beta_0")
    b0 = len(cols) - 1
    b_idx = []
    for j, nm in enumerate(znames):
        cols.append(zt[:, j] * b)
        names.append(f"beta x {nm}")
        b_idx.append(len(cols) - 1)
    if c is not None:
        cols += list(c.T)
        names += cnames
    if len(set(names)) != len(names):
        raise InputError("states", f"names must be unique, got {names}")
    X = np.column_stack(cols)
    p = X.shape[1]
    if n < max(12, p + 8):
        raise InputError("returns", f"needs at least {max(12, p + 8)} observations after lagging the states, got {n}")
    if np.linalg.matrix_rank(X) < p:
        raise InputError("states", "make the design rank deficient (collinear states or controls)")
    fit = ols(y, X)
    require_residuals(y, X, fit.resid, regressors="the benchmark, states and controls")
    lags = None
    refuse_unused_maxlags(maxlags, method)
    if method == "hac":
        lags = fixed_b_window(n, maxlags) if hac_pvalues == "fixed-b" else resolve_maxlags(maxlags, n)
    cov = covariance(fit, X, kind=method, maxlags=lags or 0)
    se = np.sqrt(np.diag(cov))
    coef = fit.coef
    tvals = coef / se
    tvals[0] = (coef[0] - null_value) / se[0]
    if method == "hac" and hac_pvalues == "fixed-b":
        law, rule = "fixed-b", Interval("fixed-b", n=n, maxlags=lags)
    elif method == "iid":
        law, rule = "t", Interval("t", df=n - p)
    else:
        law, rule = "normal", Interval("normal")
    kw = {"law": law, "df": n - p, "n": n, "maxlags": lags}
    pvals = np.asarray(pvalue_from_law(tvals, alternative="two-sided", **kw))
    cis = [cut_interval(rule, coef[a], se[a], level, "two-sided", None, names[a]) for a in range(p)]
    table = pd.DataFrame({"coef": coef, "se": se, "t": tvals, "pvalue": pvals, "ci_low": [ci.low for ci in cis],
                          "ci_high": [ci.high for ci in cis]}, index=pd.Index(names, name="term"))
    cov_text = {"hac": f"Newey-West HAC ({lags} lags, Bartlett, no small-sample correction)",
                "iid": "iid OLS", "hc1": "White HC1"}[method]
    beta_test = _wald(coef, cov, b_idx, "conditional beta terms = 0 (beta does not move with the states)",
                      cov_text, n)
    alpha_test = (_wald(coef, cov, a_idx, "conditional alpha terms = 0 (alpha does not move with the states)",
                        cov_text, n) if a_idx else None)
    all_test = (_wald(coef, cov, a_idx + b_idx, "all conditional terms = 0 (an unconditional model suffices)",
                      cov_text, n) if a_idx else beta_test)
    cond_beta = coef[b0] + zt @ coef[b_idx]
    cond_alpha = coef[0] + (zt @ coef[a_idx] if a_idx else 0.0)

    def wrap(v: Any, name: str) -> Any:
        v = np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()
        return pd.Series(v, index=idx, name=name) if idx is not None else v

    a_p = float(pvalue_from_law(tvals[0], alternative=alternative, **kw))
    how = (f"OLS of r_t on 1, {'z(t-' + str(lag) + '), ' if a_idx else ''}b_t, z(t-{lag}) b_t"
           f"{', controls' if cnames else ''} (states centred), {cov_text} covariance, {law} p-value")
    return ConditionalAlphaResult(
        test="conditional alpha (Ferson-Schadt)", statistic=float(tvals[0]), pvalue=a_p, alternative=alternative,
        null=f"alpha_0 = {null_value:g}", estimate=float(coef[0]), method=how, n=int(n), se=float(se[0]),
        null_value=null_value, confidence_level=level, interval=rule, bootstrap_distribution=None,
        details={"state_lag": lag, "terms": terms, "maxlags": lags,
                 "beta_terms_pvalue": beta_test.pvalue,
                 "alpha_terms_pvalue": alpha_test.pvalue if alpha_test is not None else None},
        beta=float(coef[b0]), table=table, beta_terms_test=beta_test, alpha_terms_test=alpha_test,
        conditional_terms_test=all_test, conditional_beta=wrap(cond_beta, "conditional_beta"),
        conditional_alpha=wrap(cond_alpha, "conditional_alpha"),
        state_means={nm: float(m) for nm, m in zip(znames, zbar)}, maxlags=lags, rsquared=fit.rsquared)

