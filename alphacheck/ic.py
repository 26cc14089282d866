"""Information coefficients: does a signal rank the forward returns it claims to predict?

* :func:`information_coefficient` — rank (Spearman) or linear (Pearson) correlation between a signal and
  forward returns: one number for pooled data (e.g. one row per event), or one cross-sectional IC per
  period for a time x asset panel.
* :func:`ic_test` — is the mean IC different from zero?  Panels: Newey–West HAC on the per-period IC
  series with a lag window that covers the overlap of h-step forward returns, and fixed-b p-values.
  Pooled: permutation p-value or the t approximation; for one time series with overlapping h-step
  forward returns, ``test="hac"`` (the same HAC test on the standardized-rank products, whose mean is
  the IC).
* :func:`quantile_returns` — mean forward return per signal quantile and the top-minus-bottom spread.
* :func:`ic_decay` — IC and its HAC test across forecast horizons.
* :func:`forward_returns` — compound h-step forward returns from a panel of per-period returns.

Why the lag window matters: with h-step forward returns sampled every period, consecutive forward
returns share h-1 one-period returns, so the per-period IC series is (at least) MA(h-1) under the null
(Hansen & Hodrick 1980, JPE 88(5)). A Newey & West (1987, Econometrica 55(3)) HAC variance needs
``maxlags >= h-1``. Bartlett weights ``1 - j/(L+1)`` shrink those autocovariances, and at ``L = h-1``
the long-run variance of a triangular MA(h-1) autocorrelation is understated by about a third
((1 + 2h/3)/h of the truth), so ``ic_test`` uses ``L = max(NW rule, 6(h-1))`` by default, which cuts
the understatement to about ``h / (3(L+1)) ~ 6 %``; a long window relative to the sample makes the
normal reference too liberal, so p-values come from the fixed-b reference distribution of
Kiefer & Vogelsang (2005, Econometric Theory 21(6)). ``tests/alphacheck/test_size_montecarlo_ic.py``
measures the resulting size. Measured rejection rates at 5%, h = 24, 20 assets, persistent signal
(AR(1), phi = 0.98), 6,000 null worlds: T = 1,200 -> 5.8%, T = 2,000 -> 5.5%; at T = 600 (only 25
non-overlapping windows) about 6.0-6.5% over 2,000 worlds — still slightly liberal, so prefer T >= 50 h.
The naive t on the same IC series rejects ~65%.
Pooled time series (``ic_test(..., test="hac")``: one AR(1) signal, phi = 0.98, against overlapping
24-step forward sums, same lag rule and fixed-b reference), rejection at 5%: n = 2,000 -> 6.0%,
n = 5,000 -> 5.3% (2,000 worlds), n = 20,000 -> 5.8% (6,000 worlds); the pooled naive t rejects 65-66%.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from alphacheck._inputs import InputError, align, as_panel, check_alternative, check_int
from alphacheck.fixed_b import bartlett_lrv, fixed_b_critical_value, fixed_b_pvalue
from alphacheck.results import Result, TestResult, frame_table, text_table

__all__ = [
    "ICResult",
    "QuantileResult",
    "forward_returns",
    "information_coefficient",
    "ic_test",
    "quantile_returns",
    "ic_decay",
    "newey_west_lags",
    "hac_mean_test",
]

METHODS = ("spearman", "pearson")
MIN_ASSETS = 3  # a cross-sectional correlation needs at least three assets


# --------------------------------------------------------------------------------------------------
# result types


@dataclasses.dataclass(frozen=True)
class ICResult(TestResult):
    """A test of the mean information coefficient, with the IC series it was computed from.

    ``ic`` is the per-period IC series (panel) or None (pooled); ``n_dropped`` counts the periods
    dropped because fewer than three assets had both a signal and a forward return, or a side was
    constant in that period.
    """

    ic: pd.Series | np.ndarray | None = None
    n_dropped: int = 0


@dataclasses.dataclass(frozen=True)
class QuantileResult(Result):
    """Forward returns by signal quantile.

    Attributes
    ----------
    table : DataFrame indexed by quantile (1 = lowest signal) with ``mean``, ``count``, ``win_rate``
        (share of forward returns > 0) and ``std``.
    spread : mean(top quantile) - mean(bottom quantile)
    spread_test : TestResult for the spread (panel: HAC t on the per-period spread series with fixed-b
        p-value; pooled: Welch t)
    permutation_pvalue : pooled only — permutation p-value of the spread (labels of the top and bottom
        observations shuffled); None for panels
    spread_series : panel only — the per-period top-minus-bottom series
    q, layout : number of quantiles; "panel" or "pooled"
    """

    table: pd.DataFrame
    spread: float
    spread_test: TestResult
    permutation_pvalue: float | None
    spread_series: pd.Series | np.ndarray | None
    q: int
    layout: str

    def summary(self) -> str:
        head = text_table(
            [
                ("layout", self.layout),
                ("quantiles", self.q),
                ("top - bottom", self.spread),
                ("spread statistic", self.spread_test.statistic),
                ("spread p-value", self.spread_test.pvalue),
                ("spread method", self.spread_test.method),
                ("H1", self.spread_test.alternative),
                ("permutation p-value", self.permutation_pvalue),
            ],
            title="Forward returns by signal quantile",
        )
        return head + "\n" + frame_table(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


# --------------------------------------------------------------------------------------------------
# input handling


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise InputError("method", f"must be one of {METHODS}, got {method!r}")
    return method


def _is_panel(x: Any) -> bool:
    if isinstance(x, pd.DataFrame):
        return x.shape[1] > 1
    if isinstance(x, np.ndarray):
        return x.ndim == 2 and x.shape[1] > 1
    return False


def _align_panels(signal: Any, forward: Any, names=("signal", "forward_returns")) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inner-join two time x asset panels on dates and assets; reject poor overlap."""
    a, b = as_panel(signal, names[0]), as_panel(forward, names[1])
    both_arrays = not isinstance(signal, pd.DataFrame) and not isinstance(forward, pd.DataFrame)
    if both_arrays and a.shape != b.shape:
        raise InputError(f"{names[0]}, {names[1]}", f"must have the same shape, got {a.shape} and {b.shape}")
    cols = a.columns.intersection(b.columns, sort=False)
    if len(cols) < MIN_ASSETS:
        raise InputError(
            f"{names[0]}, {names[1]}", f"share only {len(cols)} asset column(s); a cross-sectional IC needs >= {MIN_ASSETS}"
        )
    if len(cols) < 0.5 * min(a.shape[1], b.shape[1]):
        raise InputError(f"{names[0]}, {names[1]}", f"are misaligned: only {len(cols)} asset columns in common")
    idx = a.index.intersection(b.index, sort=False)
    if isinstance(idx, pd.DatetimeIndex):
        idx = idx.sort_values()
    shortest = min(len(a), len(b))
    if len(idx) < 3 or len(idx) < 0.5 * shortest:
        raise InputError(
            f"{names[0]}, {names[1]}",
            f"are misaligned: only {len(idx)} of {shortest} periods share index labels; check dates/frequency",
        )
    return a.loc[idx, cols], b.loc[idx, cols]


# --------------------------------------------------------------------------------------------------
# correlation kernels


def _row_corr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson correlation along the last axis; NaN where a side is constant."""
    xc = x - x.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    den = np.sqrt((xc * xc).sum(axis=-1) * (yc * yc).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xc * yc).sum(axis=-1) / den
    return np.where(den > 0, np.clip(r, -1.0, 1.0), np.nan)


def _panel_ic_values(s: np.ndarray, f: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-row correlation over the assets where both are finite. Returns (ic, n_valid)."""
    valid = np.isfinite(s) & np.isfinite(f)
    n_valid = valid.sum(axis=1)
    s = np.where(valid, s, np.nan)
    f = np.where(valid, f, np.nan)
    if method == "spearman":  # average ranks for ties, as scipy.stats.spearmanr
        s = stats.rankdata(s, axis=1, nan_policy="omit")
        f = stats.rankdata(f, axis=1, nan_policy="omit")
    cnt = np.maximum(n_valid, 1)
    sc = s - np.nansum(s, axis=1, keepdims=True) / cnt[:, None]
    fc = f - np.nansum(f, axis=1, keepdims=True) / cnt[:, None]
    sc, fc = np.where(valid, sc, 0.0), np.where(valid, fc, 0.0)
    sxx, syy = (sc * sc).sum(axis=1), (fc * fc).sum(axis=1)
    # A side constant within a period gives an undefined IC (scipy returns NaN): test the range, not
    # the centred sum of squares, which rounding can leave slightly above zero.
    with np.errstate(invalid="ignore"):
        spread_s = np.nanmax(np.where(valid, s, -np.inf), axis=1) - np.nanmin(np.where(valid, s, np.inf), axis=1)
        spread_f = np.nanmax(np.where(valid, f, -np.inf), axis=1) - np.nanmin(np.where(valid, f, np.inf), axis=1)
    ok = (n_valid >= MIN_ASSETS) & (spread_s > 0) & (spread_f > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ic = (sc * fc).sum(axis=1) / np.sqrt(sxx * syy)
    return np.where(ok, np.clip(ic, -1.0, 1.0), np.nan), n_valid


def _pooled_pair(signal: Any, forward: Any, nan_policy: str, min_obs: int = 3) -> tuple[np.ndarray, np.ndarray, pd.Index | None]:
    (s, f), index = align([("signal", signal), ("forward_returns", forward)], min_obs=min_obs, nan_policy=nan_policy)
    if np.ptp(s) == 0:
        raise InputError("signal", "is constant; a correlation needs a signal that varies")
    if np.ptp(f) == 0:
        raise InputError("forward_returns", "is constant; a correlation needs returns that vary")
    return s, f, index


def _panel_ic(signal: Any, forward: Any, method: str) -> tuple[pd.Series, int]:
    a, b = _align_panels(signal, forward)
    ic, _ = _panel_ic_values(a.to_numpy(), b.to_numpy(), method)
    keep = np.isfinite(ic)
    if keep.sum() == 0:
        raise InputError(
            "signal, forward_returns",
            f"no period has >= {MIN_ASSETS} assets with a varying signal and forward return; no IC can be computed",
        )
    series = pd.Series(ic[keep], index=a.index[keep], name=f"{method}_ic")
    return series, int((~keep).sum())


def information_coefficient(signal: Any, forward_returns: Any, method: str = "spearman", nan_policy: str = "raise"):
    """Information coefficient between a signal and the forward returns it should predict.

    Parameters
    ----------
    signal, forward_returns :
        *Pooled*: two aligned 1-D series (e.g. one value per event) -> one float.
        *Panel*: two time x asset DataFrames (or 2-D arrays of equal shape) -> a Series with one
        cross-sectional IC per period. Panels are inner-joined on dates and assets; within a period,
        assets where either value is NaN are dropped, and periods with fewer than 3 valid assets (or
        a constant side) are dropped (``ic_test`` reports how many).
    method : "spearman" (rank IC: Pearson correlation of average ranks, ties averaged, exactly as
        ``scipy.stats.spearmanr``) or "pearson".
    nan_policy : pooled data only — "raise" (default) or "omit" NaN pairs (validation layer).
    """
    _check_method(method)
    if _is_panel(signal) or _is_panel(forward_returns):
        return _panel_ic(signal, forward_returns, method)[0]
    s, f, _ = _pooled_pair(signal, forward_returns, nan_policy)
    if method == "spearman":
        s, f = stats.rankdata(s), stats.rankdata(f)
    return float(_row_corr(s, f))


# --------------------------------------------------------------------------------------------------
# HAC machinery


def newey_west_lags(n: int) -> int:
    """Newey & West (1994, RES 61(4)) plug-in rule for the Bartlett kernel: floor(4 (n/100)^(2/9))."""
    return int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))


def _default_lags(n: int, horizon: int) -> int:
    return max(newey_west_lags(n), 6 * (horizon - 1))


def hac_mean_test(
    x: Any,
    horizon: int = 1,
    maxlags: int | None = None,
    alternative: str = "two-sided",
    test: str = "the mean",
    null_value: float = 0.0,
    ci_level: float = 0.95,
) -> TestResult:
    """Newey–West HAC t test of a mean, with fixed-b p-values, for series built from overlapping windows.

    ``se = sqrt(omega / n)`` with the Bartlett long-run variance ``omega`` (Newey & West 1987) — the same
    number as ``statsmodels OLS(x, const).fit(cov_type="HAC", cov_kwds={"maxlags": L}).bse``.
    Lag window: ``maxlags`` if given (must be >= horizon - 1 to cover the overlap, Hansen & Hodrick 1980),
    else ``max(floor(4 (n/100)^(2/9)), 6 (horizon - 1))`` (Newey–West 1994 rule, lengthened for overlap; see
    the module docstring). p-value and CI use the fixed-b reference law (Kiefer & Vogelsang 2005), simulated
    once per (n, L); ``details["pvalue_normal"]`` holds the usual normal-reference p-value for comparison.
    """
    check_alternative(alternative)
    horizon = check_int(horizon, "horizon", minimum=1)
    v = np.asarray(x, dtype=np.float64)
    n = v.shape[0]
    if n < 3:
        raise InputError("x", f"needs at least 3 observations, got {n}")
    if maxlags is None:
        lags = _default_lags(n, horizon)
    else:
        lags = check_int(maxlags, "maxlags", minimum=0)
        if lags < horizon - 1:
            raise InputError("maxlags", f"= {lags} does not cover the overlap of {horizon}-step returns; need >= {horizon - 1}")
    lags = min(lags, n - 1)
    mean = float(v.mean())
    lrv = float(bartlett_lrv(v - mean, lags))
    se = math.sqrt(max(lrv, 0.0) / n)
    if se == 0.0:
        raise InputError("x", "is constant; its mean has no sampling variance to test against")
    t = (mean - null_value) / se
    p = fixed_b_pvalue(t, n, lags, alternative)
    if alternative == "two-sided":
        p_norm = 2.0 * stats.norm.sf(abs(t))
    else:
        p_norm = stats.norm.sf(t) if alternative == "greater" else stats.norm.cdf(t)
    crit = fixed_b_critical_value(n, lags, ci_level)
    return TestResult(
        test=test,
        statistic=t,
        pvalue=p,
        alternative=alternative,
        null=f"{test} = {null_value:g}",
        method=f"Newey-West HAC t (Bartlett, {lags} lags), fixed-b p-value (Kiefer-Vogelsang 2005)",
        n=n,
        estimate=mean,
        ci=(mean - crit * se, mean + crit * se),
        ci_level=ci_level,
        details={"se": se, "maxlags": lags, "horizon": horizon, "pvalue_normal": float(p_norm), "critical_value": crit},
    )


# --------------------------------------------------------------------------------------------------
# tests of the IC


def _t_pvalue(t: float, df: float, alternative: str) -> float:
    if alternative == "two-sided":
        return float(2.0 * stats.t.sf(abs(t), df))
    return float(stats.t.sf(t, df) if alternative == "greater" else stats.t.cdf(t, df))


def _permutation_corr_pvalue(
    x: np.ndarray, y: np.ndarray, r_obs: float, alternative: str, reps: int, seed
) -> tuple[float, np.ndarray]:
    """Permutation p-value for a correlation: shuffle x against y (scipy.stats.permutation_test
    convention, ``permutation_type="pairings"``: p = (#{r* as or more extreme} + 1) / (reps + 1), two-sided
    = 2 * min(one-sided p's)). x, y are already ranked for Spearman, so r* is a Pearson correlation."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    xc = (x - x.mean()) / np.sqrt(((x - x.mean()) ** 2).sum())
    yc = (y - y.mean()) / np.sqrt(((y - y.mean()) ** 2).sum())
    chunk = max(1, 2_000_000 // n)
    null = np.empty(reps)
    done = 0
    while done < reps:
        k = min(chunk, reps - done)
        perm = rng.permuted(np.broadcast_to(xc, (k, n)), axis=1)
        null[done : done + k] = perm @ yc
        done += k
    eps = 1e-14 * max(1.0, abs(r_obs))  # scipy's tolerance for ties with the observed statistic
    p_greater = (np.sum(null >= r_obs - eps) + 1.0) / (reps + 1.0)
    p_less = (np.sum(null <= r_obs + eps) + 1.0) / (reps + 1.0)
    if alternative == "greater":
        return float(p_greater), null
    if alternative == "less":
        return float(p_less), null
    return float(min(2.0 * min(p_greater, p_less), 1.0)), null


def _pooled_hac_test(s: np.ndarray, f: np.ndarray, label: str, horizon: int, maxlags: int | None,
                     alternative: str) -> ICResult:
    """HAC test of a pooled time-series correlation as the mean of standardized products (see ic_test)."""
    zs = (s - s.mean()) / s.std()  # population s.d. (ddof=0): mean(zs * zf) is then exactly the correlation
    zf = (f - f.mean()) / f.std()
    r = hac_mean_test(zs * zf, horizon=horizon, maxlags=maxlags, alternative=alternative, test=label)
    fields = {fl.name: getattr(r, fl.name) for fl in dataclasses.fields(TestResult)}
    fields["method"] = "mean of standardized-rank products; " + r.method if label == "rank IC" else (
        "mean of standardized products; " + r.method)
    fields["details"] = {**r.details, "layout": "pooled time series"}
    return ICResult(**fields, ic=None, n_dropped=0)


def ic_test(
    signal: Any,
    forward_returns: Any,
    method: str = "spearman",
    horizon: int = 1,
    alternative: str = "two-sided",
    test: str = "auto",
    maxlags: int | None = None,
    reps: int = 9_999,
    seed=None,
    nan_policy: str = "raise",
) -> ICResult:
    """Test whether the information coefficient is zero.

    Parameters
    ----------
    signal, forward_returns : pooled 1-D series or time x asset panels (see :func:`information_coefficient`).
    method : "spearman" (rank IC) or "pearson".
    horizon : the forward-return horizon h in periods. Panels: h-step forward returns sampled every period
        overlap, the IC series is MA(h-1) under the null, and the HAC lag window covers it.
    alternative : "two-sided", "greater" (IC > 0) or "less".
    test :
        * "hac" (panel default): mean of the per-period IC series, Newey–West (1987) HAC standard error with
          ``maxlags`` (default ``max(floor(4 (T/100)^(2/9)), 6 (h-1))``: Newey–West 1994 rule, lengthened so the
          Bartlett weights do not shrink the overlap's autocovariances much — lags >= h-1 are necessary,
          Hansen & Hodrick 1980) and a fixed-b p-value (Kiefer & Vogelsang 2005). See :func:`hac_mean_test`.
          Pooled — for ONE time series (signal at t and its h-step forward return from t, aligned in time and
          in time order, e.g. hourly IC against 24 h forward returns): with ``z`` the ranks (Spearman; values
          for Pearson) centred and divided by their population s.d. (ddof=0), the IC is exactly
          ``mean(z_signal * z_forward)`` (Spearman 1904: the Pearson correlation of average ranks, as
          ``scipy.stats.spearmanr``), and the same :func:`hac_mean_test` (lag rule for ``horizon``, fixed-b
          p-value) is applied to the products ``z_signal,t * z_forward,t``. This is OLS of ``z_forward`` on
          ``z_signal`` with a HAC score variance under H0 (Newey & West 1987; Hansen & Hodrick 1980 for the
          overlap). Ranks are estimated from the whole sample; under H0 (signal independent of the forward
          returns) the rank-estimation terms of the Hoeffding (1948, Ann. Math. Stat. 19(3)) projection of
          Spearman's rho vanish, so the products' mean has the HAC long-run variance to first order.
          Measured size (``test_ic.py``): null AR(1) signal vs overlapping forward sums, see the module docstring.
        * "t": panel — the naive t test of the mean IC (iid, t with T-1 df; over-rejects with overlapping
          horizons — kept for comparison). Pooled — t = r sqrt((n-2)/(1-r^2)) against t with n-2 df (exact for
          Pearson under bivariate normality, Fisher 1915; the large-sample approximation scipy.stats.spearmanr
          uses for Spearman).
        * "permutation" (pooled default): shuffle the signal against the returns ``reps`` times
          (p-value convention of ``scipy.stats.permutation_test``); valid for exchangeable observations.
        Pooled data with overlapping horizons (e.g. events closer together than h periods) are not
        independent; neither "t" nor "permutation" accounts for that — use "hac" for a regularly sampled
        time series, or merge or thin irregular events first.
    maxlags : HAC lag window ("hac"); must be >= horizon - 1.
    reps, seed : permutation replicates and seed (pooled "permutation").
    nan_policy : pooled data — "raise" or "omit" NaN pairs.

    Returns
    -------
    ICResult: ``estimate`` = mean IC (panel) or the pooled IC, ``statistic`` = t, ``pvalue``, ``ic`` the
    per-period IC Series (panel), ``n`` periods (panel) or pairs (pooled), ``n_dropped`` periods dropped.
    """
    _check_method(method)
    check_alternative(alternative)
    horizon = check_int(horizon, "horizon", minimum=1)
    if test not in ("auto", "hac", "t", "permutation"):
        raise InputError("test", f"must be 'auto', 'hac', 't' or 'permutation', got {test!r}")
    label = "rank IC" if method == "spearman" else "Pearson IC"
    panel = _is_panel(signal) or _is_panel(forward_returns)
    if panel:
        test = "hac" if test == "auto" else test
        if test == "permutation":
            raise InputError("test", "'permutation' is for pooled data; panels use 'hac' (or the naive 't')")
        ic, dropped = _panel_ic(signal, forward_returns, method)
        if len(ic) < 3:
            raise InputError("signal, forward_returns", f"only {len(ic)} periods have a valid IC; need at least 3")
        if np.ptp(ic.to_numpy()) == 0:
            raise InputError("signal, forward_returns", "the per-period IC is constant; nothing to test")
        if test == "hac":
            r = hac_mean_test(ic.to_numpy(), horizon=horizon, maxlags=maxlags, alternative=alternative, test=f"mean {label}")
            fields = {f.name: getattr(r, f.name) for f in dataclasses.fields(TestResult)}
            fields["details"] = {**r.details, "n_dropped": dropped}
            return ICResult(**fields, ic=ic, n_dropped=dropped)
        v = ic.to_numpy()
        n = v.shape[0]
        mean, se = float(v.mean()), float(v.std(ddof=1) / math.sqrt(n))
        t = mean / se
        crit = float(stats.t.ppf(0.975, n - 1))
        return ICResult(
            test=f"mean {label}",
            statistic=t,
            pvalue=_t_pvalue(t, n - 1, alternative),
            alternative=alternative,
            null=f"mean {label} = 0",
            method="naive t on the IC series (iid; ignores overlap)",
            n=n,
            estimate=mean,
            ci=(mean - crit * se, mean + crit * se),
            ci_level=0.95,
            details={"se": se, "horizon": horizon, "n_dropped": dropped},
            ic=ic,
            n_dropped=dropped,
        )
    test = "permutation" if test == "auto" else test
    s, f, _ = _pooled_pair(signal, forward_returns, nan_policy, min_obs=4)
    if method == "spearman":
        s, f = stats.rankdata(s), stats.rankdata(f)
    if test == "hac":
        return _pooled_hac_test(s, f, label, horizon, maxlags, alternative)
    n = s.shape[0]
    r = float(_row_corr(s, f))
    with np.errstate(divide="ignore"):
        t = r * math.sqrt((n - 2) / (1.0 - r * r)) if abs(r) < 1 else math.copysign(math.inf, r)
    details: dict[str, Any] = {"t_pvalue": _t_pvalue(t, n - 2, alternative), "horizon": horizon}
    # Fisher z interval for the correlation (Fisher 1921; for Spearman the Fieller, Hartley & Pearson 1957 variance 1.06/(n-3)).
    z, zse = math.atanh(min(max(r, -0.999999), 0.999999)), math.sqrt((1.06 if method == "spearman" else 1.0) / (n - 3))
    ci = (math.tanh(z - 1.959963984540054 * zse), math.tanh(z + 1.959963984540054 * zse))
    if test == "t":
        p, how = details["t_pvalue"], f"t = r sqrt((n-2)/(1-r^2)), t({n - 2})"
    else:
        reps = check_int(reps, "reps", minimum=99)
        p, _ = _permutation_corr_pvalue(s, f, r, alternative, reps, seed)
        how = f"permutation ({reps:,} shuffles of the signal)"
    return ICResult(
        test=label,
        statistic=t,
        pvalue=p,
        alternative=alternative,
        null=f"{label} = 0",
        method=how,
        n=n,
        estimate=r,
        ci=ci,
        ci_level=0.95,
        details=details,
        ic=None,
        n_dropped=0,
    )


# --------------------------------------------------------------------------------------------------
# forward returns, quantiles, decay


def forward_returns(returns: Any, horizon: int) -> pd.DataFrame | pd.Series | np.ndarray:
    """Compound h-step forward returns: row t holds prod_{k=1..h} (1 + r_{t+k}) - 1.

    Row t therefore starts *after* bar t, so a signal known at the close of bar t lines up with row t.
    NaN where any of the h constituent returns is missing or beyond the end of the sample — gaps are
    never bridged. Accepts a Series, a time x asset DataFrame or an array; returns the same kind.
    """
    horizon = check_int(horizon, "horizon", minimum=1)
    if isinstance(returns, (pd.DataFrame, pd.Series)):
        frame = returns.to_frame() if isinstance(returns, pd.Series) else returns
        values = as_panel(frame, "returns").to_numpy()
    else:
        arr = np.asarray(returns, dtype=np.float64)
        if arr.ndim not in (1, 2):
            raise InputError("returns", f"must be 1-D or 2-D, got shape {arr.shape}")
        values = arr[:, None] if arr.ndim == 1 else arr
        if np.isinf(values).any():
            raise InputError("returns", "contains inf")
    if np.nanmin(values, initial=0.0) < -1.0:
        raise InputError("returns", "has simple returns below -100%; pass simple (not log or price) returns")
    n = values.shape[0]
    out = np.full(values.shape, np.nan)
    if horizon < n:
        growth = np.ones((n - horizon, values.shape[1]))
        for k in range(1, horizon + 1):  # h vector multiplies; NaN in any constituent propagates
            growth *= 1.0 + values[k : n - horizon + k]
        out[: n - horizon] = growth - 1.0
    if isinstance(returns, pd.DataFrame):
        return pd.DataFrame(out, index=returns.index, columns=returns.columns)
    if isinstance(returns, pd.Series):
        return pd.Series(out[:, 0], index=returns.index, name=returns.name)
    return out if np.ndim(returns) == 2 else out[:, 0]


def _perm_mean_diff_pvalue(a: np.ndarray, b: np.ndarray, alternative: str, reps: int, seed) -> float:
    """Permutation p-value of mean(a) - mean(b) (labels shuffled; scipy.stats.permutation_test convention)."""
    rng = np.random.default_rng(seed)
    pooled = np.concatenate([a, b])
    m, na = pooled.shape[0], a.shape[0]
    obs = a.mean() - b.mean()
    total = pooled.sum()
    chunk = max(1, 2_000_000 // m)
    null = np.empty(reps)
    done = 0
    while done < reps:
        k = min(chunk, reps - done)
        perm = rng.permuted(np.broadcast_to(pooled, (k, m)), axis=1)
        sa = perm[:, :na].sum(axis=1)
        null[done : done + k] = sa / na - (total - sa) / (m - na)
        done += k
    eps = 1e-12 * max(1.0, abs(obs))
    p_greater = (np.sum(null >= obs - eps) + 1.0) / (reps + 1.0)
    p_less = (np.sum(null <= obs + eps) + 1.0) / (reps + 1.0)
    if alternative == "greater":
        return float(p_greater)
    if alternative == "less":
        return float(p_less)
    return float(min(2.0 * min(p_greater, p_less), 1.0))


def quantile_returns(
    signal: Any,
    forward_returns: Any,
    q: int = 5,
    alternative: str = "greater",
    horizon: int = 1,
    maxlags: int | None = None,
    reps: int = 9_999,
    seed=None,
    nan_policy: str = "raise",
) -> QuantileResult:
    """Mean forward return per signal quantile and a test of the top-minus-bottom spread.

    *Pooled* (two 1-D series): buckets from ``pandas.qcut(signal, q)`` (1 = lowest signal); the spread
    mean(top) - mean(bottom) is tested with Welch's unequal-variance t (Welch 1947, as
    ``scipy.stats.ttest_ind(equal_var=False)``) and a permutation test of the bucket labels (``reps``, ``seed``).
    Observations must be independent for either; overlapping horizons break that.

    *Panel* (time x asset): each period the assets with both values are ordered by signal (ties by column
    order) and split into q groups of near-equal size, bucket = floor(q (r - 1) / n_t) + 1 with r the
    ordinal rank; periods with fewer than q valid assets are dropped. ``mean`` is the time average of the
    per-period bucket means (each period weighs the same); the spread series (top - bottom per period) is
    tested with the Newey–West HAC t with fixed-b p-value of :func:`hac_mean_test`, lag window covering
    ``horizon`` (overlap of h-step forward returns).

    ``alternative`` defaults to "greater": a signal should rank the top bucket above the bottom one.
    """
    q = check_int(q, "q", minimum=2)
    check_alternative(alternative)
    horizon = check_int(horizon, "horizon", minimum=1)
    reps = check_int(reps, "reps", minimum=99)
    labels = pd.Index(range(1, q + 1), name="quantile")
    if _is_panel(signal) or _is_panel(forward_returns):
        a, b = _align_panels(signal, forward_returns)
        s, f = a.to_numpy(), b.to_numpy()
        valid = np.isfinite(s) & np.isfinite(f)
        n_t = valid.sum(axis=1)
        keep = n_t >= q
        if keep.sum() < 3:
            raise InputError("signal, forward_returns", f"fewer than 3 periods have >= {q} assets with both values")
        s, f, valid, n_t = s[keep], f[keep], valid[keep], n_t[keep]
        ranks = stats.rankdata(np.where(valid, s, np.nan), method="ordinal", axis=1, nan_policy="omit")
        bucket = np.where(valid, np.floor(q * (np.nan_to_num(ranks) - 1) / n_t[:, None]), -1).astype(int)
        per_period = np.empty((s.shape[0], q))
        rows = []
        for k in range(q):
            m = bucket == k
            per_period[:, k] = np.where(m, f, 0.0).sum(axis=1) / m.sum(axis=1)
            obs = f[m]
            rows.append({"mean": per_period[:, k].mean(), "count": int(m.sum()), "win_rate": float((obs > 0).mean()),
                         "periods": int(s.shape[0])})
        table = pd.DataFrame(rows, index=labels)
        spread_v = per_period[:, -1] - per_period[:, 0]
        if np.ptp(spread_v) == 0:
            raise InputError("signal, forward_returns", "the top-minus-bottom spread is constant over time; nothing to test")
        test = hac_mean_test(spread_v, horizon=horizon, maxlags=maxlags, alternative=alternative,
                             test="top-minus-bottom quantile spread")
        spread_series = pd.Series(spread_v, index=a.index[keep], name="spread")
        return QuantileResult(table, float(spread_v.mean()), test, None, spread_series, q, "panel")
    s, f, _ = _pooled_pair(signal, forward_returns, nan_policy, min_obs=2 * q)
    try:
        bucket = pd.qcut(s, q, labels=False)
    except ValueError:
        raise InputError("signal", f"has too few distinct values to split into {q} quantiles") from None
    frame = pd.DataFrame({"bucket": np.asarray(bucket) + 1, "f": f})
    g = frame.groupby("bucket")["f"]
    table = pd.DataFrame({"mean": g.mean(), "count": g.size(), "win_rate": g.apply(lambda x: float((x > 0).mean())),
                          "std": g.std(ddof=1)}).reindex(labels)
    top, bottom = f[frame["bucket"].to_numpy() == q], f[frame["bucket"].to_numpy() == 1]
    if len(top) < 2 or len(bottom) < 2:
        raise InputError("signal", "the top or bottom quantile has fewer than 2 observations")
    welch = stats.ttest_ind(top, bottom, equal_var=False, alternative=alternative)
    spread = float(top.mean() - bottom.mean())
    se = math.sqrt(top.var(ddof=1) / len(top) + bottom.var(ddof=1) / len(bottom))
    df = float(welch.df)
    crit = float(stats.t.ppf(0.975, df))
    test = TestResult(
        test="top-minus-bottom quantile spread",
        statistic=float(welch.statistic),
        pvalue=float(welch.pvalue),
        alternative=alternative,
        null="mean(top quantile) - mean(bottom quantile) = 0",
        method=f"Welch t ({df:.1f} df)",
        n=int(len(top) + len(bottom)),
        estimate=spread,
        ci=(spread - crit * se, spread + crit * se),
        ci_level=0.95,
        details={"se": se, "df": df},
    )
    p_perm = _perm_mean_diff_pvalue(top, bottom, alternative, reps, seed)
    return QuantileResult(table, spread, test, p_perm, None, q, "pooled")


def ic_decay(
    signal: Any,
    returns: Any,
    horizons: Sequence[int] = (1, 4, 12, 24, 48),
    method: str = "spearman",
    alternative: str = "two-sided",
) -> pd.DataFrame:
    """IC of a signal against h-step forward returns for several horizons, each with its HAC test.

    ``returns`` is a time x asset panel of per-period simple returns; for each h the forward returns are
    built with :func:`forward_returns` (compounded, NaN if any constituent is missing — no bridged gaps)
    and tested with :func:`ic_test` (``test="hac"``, default lag window for that h, fixed-b p-value).
    Returns a DataFrame indexed by horizon: ic_mean, se, t, pvalue, n (periods), n_dropped, maxlags.
    """
    if isinstance(horizons, (int, np.integer)):
        horizons = [horizons]
    hs = [check_int(h, "horizons", minimum=1) for h in horizons]
    if len(hs) == 0 or len(set(hs)) != len(hs):
        raise InputError("horizons", f"must be a non-empty list of distinct positive integers, got {list(horizons)}")
    if not (_is_panel(returns) and _is_panel(signal)):
        raise InputError("returns", "ic_decay needs time x asset panels for signal and returns")
    rows = []
    for h in hs:
        r = ic_test(signal, forward_returns(returns, h), method=method, horizon=h, alternative=alternative, test="hac")
        rows.append({"horizon": h, "ic_mean": r.estimate, "se": r.details["se"], "t": r.statistic, "pvalue": r.pvalue,
                     "n": r.n, "n_dropped": r.n_dropped, "maxlags": r.details["maxlags"]})
    return pd.DataFrame(rows).set_index("horizon")
