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
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from alphacheck._hac import newey_west_lags, refuse_unused_maxlags
from alphacheck._inputs import (
    InputError,
    _numeric,
    align,
    as_panel,
    check_alternative,
    check_bool,
    check_choice,
    check_int,
    check_plausible,
    check_probability,
    check_reps,
    check_seed,
)
from alphacheck._pvalues import pvalue_from_law, pvalue_from_replicates
from alphacheck._results import Interval, Result, TestResult, frame_table, text_table
from alphacheck.significance import hac_mean

__all__ = ["ICResult", "QuantileResult", "forward_returns", "information_coefficient", "ic_test", "quantile_returns",
           "ic_decay"]

CORRELATIONS = ("spearman", "pearson")
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

    ic: pd.Series | np.ndarray | None = dataclasses.field(default=None, metadata={"export": False})
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


def _check_correlation(correlation: str) -> Any:
    return check_choice(correlation, "correlation", CORRELATIONS)


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


def _pooled_pair(signal: Any, forward: Any, nan_policy: Any, min_obs: int = 3) -> tuple[np.ndarray, np.ndarray, pd.Index | None]:
    (s, f), index = align([("signal", signal), ("forward_returns", forward)], min_obs=min_obs, nan_policy=nan_policy,
                           omit_hint=True)
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


def information_coefficient(signal: ArrayLike, forward_returns: ArrayLike, *,
                            correlation: Literal["spearman", "pearson"] = "spearman",
                            nan_policy: Literal["raise", "omit"] = "raise") -> float | pd.Series:
    """Information coefficient between a signal and the forward returns it should predict.

    Parameters
    ----------
    signal, forward_returns :
        *Pooled*: two aligned 1-D series (e.g. one value per event) -> one float.
        *Panel*: two time x asset DataFrames (or 2-D arrays of equal shape) -> a Series with one
        cross-sectional IC per period. Panels are inner-joined on dates and assets; within a period,
        assets where either value is NaN are dropped, and periods with fewer than 3 valid assets (or
        a constant side) are dropped (``ic_test`` reports how many).
    correlation : {"spearman", "pearson"}
        Rank IC (Pearson correlation of average ranks, ties averaged, exactly as ``scipy.stats.spearmanr``;
        Spearman 1904) or the linear correlation.
    nan_policy : {"raise", "omit"}
        Pooled data only: reject or drop NaN pairs.

    Returns
    -------
    float or Series
        Pooled: the IC; panel: one IC per period.

    References
    ----------
    Grinold & Kahn (2000), Active Portfolio Management, ch. 6 (the IC); Spearman (1904).

    Examples
    --------
    >>> round(information_coefficient([1, 2, 3, 4, 5], [0.01, 0.03, 0.02, 0.05, 0.04]), 2)
    0.8
    """
    correlation = _check_correlation(correlation)
    if _is_panel(signal) or _is_panel(forward_returns):
        return _panel_ic(signal, forward_returns, correlation)[0]
    s, f, _ = _pooled_pair(signal, forward_returns, nan_policy)
    if correlation == "spearman":
        s, f = stats.rankdata(s), stats.rankdata(f)
    return float(_row_corr(s, f))


# --------------------------------------------------------------------------------------------------
# the HAC window for overlapping horizons


def _default_lags(n: int, horizon: int) -> int:
    return max(newey_west_lags(n), 6 * (horizon - 1))


def _overlap_mean_test(x: np.ndarray, *, horizon: int, maxlags: int | None, alternative: str, test: str,
                       confidence_level: float) -> TestResult:
    """The HAC mean test with fixed-b p-values and a window covering h-step overlap (module docstring)."""
    n = x.shape[0]
    if maxlags is None:
        lags = _default_lags(n, horizon)
    else:
        lags = check_int(maxlags, "maxlags", minimum=0)
        if lags < horizon - 1:
            raise InputError("maxlags", f"= {lags} does not cover the overlap of {horizon}-step returns; "
                                        f"need >= {horizon - 1}")
    lags = min(lags, n - 2)
    r = hac_mean(x, maxlags=lags, hac_pvalues="fixed-b", alternative=alternative, null_value=0.0,
                 confidence_level=confidence_level, test=test)
    return dataclasses.replace(r, details={**r.details, "horizon": horizon})


# --------------------------------------------------------------------------------------------------
# tests of the IC


def _permutation_corr_pvalue(x: np.ndarray, y: np.ndarray, r_obs: float, alternative: str, reps: int,
                             seed: Any) -> float:
    """Permutation p-value of a correlation: shuffle x against y, with the conventions of
    ``scipy.stats.permutation_test(permutation_type="pairings")`` (two-sided = twice the smaller tail).
    x, y are already ranked for Spearman, so r* is a Pearson correlation of the ranks."""
    rng = np.random.default_rng(check_seed(seed))
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
    return float(pvalue_from_replicates(null, r_obs, alternative=alternative, two_sided="doubled",
                                        tolerance=1e-14 * max(1.0, abs(r_obs))))


def _as_ic_result(r: TestResult, *, method: str | None = None, ic: Any = None, n_dropped: int = 0,
                  **details: Any) -> ICResult:
    fields = {fl.name: getattr(r, fl.name) for fl in dataclasses.fields(TestResult)}
    if method is not None:
        fields["method"] = method
    fields["details"] = {**r.details, **details}
    return ICResult(**fields, ic=ic, n_dropped=n_dropped)


def ic_test(signal: ArrayLike, forward_returns: ArrayLike, *, method: Literal["auto", "hac", "t", "permutation"] = "auto",
            correlation: Literal["spearman", "pearson"] = "spearman", horizon: int = 1,
            alternative: Literal["two-sided", "greater", "less"] = "two-sided", maxlags: int | None = None,
            reps: int = 9_999, seed: Any = None, confidence_level: float = 0.95,
            nan_policy: Literal["raise", "omit"] = "raise") -> ICResult:
    """Test whether the information coefficient is zero.

    Parameters
    ----------
    signal, forward_returns : array_like
        Pooled 1-D series or time x asset panels (see :func:`information_coefficient`).
    method : {"auto", "hac", "t", "permutation"}
        ``"hac"`` (panel default): mean of the per-period IC series with a Newey–West (1987) HAC standard
        error, window ``maxlags`` (default ``max(floor(4 (T/100)^(2/9)), 6 (h-1))``: the Newey–West 1994 rule,
        lengthened so that the Bartlett weights do not shrink the overlap's autocovariances much — lags
        >= h-1 are necessary, Hansen & Hodrick 1980) and fixed-b p-values (Kiefer & Vogelsang 2005).
        Pooled, for ONE regularly sampled time series (e.g. hourly signal against 24 h forward returns):
        with z the ranks (Spearman) or values (Pearson) centred and divided by their population sd, the IC
        is exactly mean(z_signal z_forward) and the same HAC test is applied to those products (OLS of
        z_forward on z_signal with a HAC score variance under H0; the rank-estimation terms of the
        Hoeffding (1948) projection vanish under independence). ``"t"``: panel — the naive t of the mean
        IC (ignores overlap; kept for comparison); pooled — t = r sqrt((n−2)/(1−r²)) against t(n−2) (Fisher
        1915; scipy's approximation for Spearman). ``"permutation"`` (pooled default): shuffle the signal
        against the returns (``scipy.stats.permutation_test`` conventions), valid for exchangeable
        observations. Pooled data with overlapping horizons are not independent: neither "t" nor
        "permutation" accounts for that.
    correlation : {"spearman", "pearson"}
        Rank IC or linear correlation.
    horizon : int
        h, the forward-return horizon in periods (the overlap the HAC window must cover).
    alternative : {"two-sided", "greater", "less"}
    maxlags : int or None
        HAC window (>= horizon − 1).
    reps, seed : int, seed
        Permutation replicates and seed.
    confidence_level : float
        Level of ``confidence_interval()`` (Fisher-z for pooled "t"/"permutation", with the Fieller, Hartley
        & Pearson 1957 variance 1.06/(n−3) for Spearman; fixed-b for "hac"; t for the naive panel t).
    nan_policy : {"raise", "omit"}
        Pooled data: reject or drop NaN pairs.

    Returns
    -------
    ICResult
        ``estimate`` = mean IC (panel) or the pooled IC; ``ic`` the per-period IC (panel).

    References
    ----------
    Newey & West (1987, 1994); Hansen & Hodrick (1980), JPE 88(5); Kiefer & Vogelsang (2005); Hoeffding (1948),
    Ann. Math. Stat. 19(3); Fieller, Hartley & Pearson (1957), Biometrika 44.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> s = rng.standard_normal(300)
    >>> res = ic_test(s, 0.1 * s + rng.standard_normal(300), reps=999, seed=1)
    >>> res.pvalue < 0.2
    True
    """
    correlation = _check_correlation(correlation)
    alternative = check_alternative(alternative)
    horizon = check_int(horizon, "horizon", minimum=1)
    method = check_choice(method, "method", ("auto", "hac", "t", "permutation"))
    level = check_probability(confidence_level, "confidence_level")
    label = "rank IC" if correlation == "spearman" else "Pearson IC"
    if _is_panel(signal) or _is_panel(forward_returns):
        method = "hac" if method == "auto" else method
        refuse_unused_maxlags(maxlags, method)
        if method == "permutation":
            raise InputError("method", "'permutation' is for pooled data; panels use 'hac' (or the naive 't')")
        ic, dropped = _panel_ic(signal, forward_returns, correlation)
        if len(ic) < 3:
            raise InputError("signal, forward_returns", f"only {len(ic)} periods have a valid IC; need at least 3")
        v = ic.to_numpy()
        if np.ptp(v) == 0:
            raise InputError("signal, forward_returns", "the per-period IC is constant; nothing to test")
        if method == "hac":
            r = _overlap_mean_test(v, horizon=horizon, maxlags=maxlags, alternative=alternative,
                                   test=f"mean {label}", confidence_level=level)
            return _as_ic_result(r, ic=ic, n_dropped=dropped, n_dropped_periods=dropped)
        n = v.shape[0]
        mean, se = float(v.mean()), float(v.std(ddof=1) / math.sqrt(n))
        t = mean / se
        return ICResult(f"mean {label}", t, float(pvalue_from_law(t, alternative=alternative, law="t", df=n - 1)),
                        alternative, f"mean {label} = 0", mean, "naive t on the IC series (iid; ignores overlap)", n,
                        se, 0.0, level, Interval("t", df=n - 1), None, {"horizon": horizon, "n_dropped": dropped},
                        ic=ic, n_dropped=dropped)
    method = "permutation" if method == "auto" else method
    refuse_unused_maxlags(maxlags, method)
    s, f, _ = _pooled_pair(signal, forward_returns, nan_policy, min_obs=4)
    if correlation == "spearman":
        s, f = stats.rankdata(s), stats.rankdata(f)
    rho = float(_row_corr(s, f))
    if abs(rho) >= 1.0 - 1e-12:  # t = r sqrt((n-2)/(1-r^2)) is infinite: no noise left to test against
        raise InputError("signal", f"is {'a monotone' if correlation == 'spearman' else 'an exact linear'} function of "
                                   f"forward_returns (IC = {rho:.12g}): a signal built from the returns it predicts "
                                   "(look-ahead)? Lag the signal so it uses data known before the return")
    if method == "hac":
        zs = (s - s.mean()) / s.std()  # population sd (ddof=0): mean(zs * zf) is exactly the correlation
        zf = (f - f.mean()) / f.std()
        r = _overlap_mean_test(zs * zf, horizon=horizon, maxlags=maxlags, alternative=alternative, test=label,
                               confidence_level=level)
        how = ("mean of standardized-rank products; " if correlation == "spearman"
               else "mean of standardized products; ") + r.method
        return _as_ic_result(r, method=how, layout="pooled time series")
    n = s.shape[0]
    t = rho * math.sqrt((n - 2) / (1.0 - rho * rho))
    p_t = float(pvalue_from_law(t, alternative=alternative, law="t", df=n - 2))
    if method == "t":
        p, how = p_t, f"t = r sqrt((n-2)/(1-r^2)), t({n - 2})"
    else:
        reps = check_reps(reps)
        p = _permutation_corr_pvalue(s, f, rho, alternative, reps, seed)
        how = f"permutation ({reps:,} shuffles of the signal)"
    zse = math.sqrt((1.06 if correlation == "spearman" else 1.0) / (n - 3)) if n > 3 else float("nan")
    return ICResult(label, t, p, alternative, f"{label} = 0", rho, how, n, zse, 0.0, level, Interval("fisher-z"),
                    None, {"t_pvalue": p_t, "horizon": horizon}, ic=None, n_dropped=0)


# --------------------------------------------------------------------------------------------------
# forward returns, quantiles, decay


def forward_returns(returns: ArrayLike, *, horizon: int,
                    check_returns: bool = True) -> pd.DataFrame | pd.Series | np.ndarray:
    """Compound h-step forward returns: row t holds prod_{k=1..h} (1 + r_{t+k}) - 1.

    Parameters
    ----------
    returns : Series, DataFrame or array
        Per-period simple returns (a time x asset panel or one series).
    horizon : int
        h.
    check_returns : bool
        Refuse columns that look like prices, levels, cumulative curves, percent units or positions
        (:mod:`alphacheck._plausibility`, on each column's non-missing values) — prices are the usual mistake
        here; False turns the check off.

    Returns
    -------
    The same kind as ``returns``. Row t starts *after* bar t, so a signal known at the close of bar t
    lines up with row t; NaN where a constituent return is missing or beyond the end (gaps are never bridged).

    References
    ----------
    Hansen & Hodrick (1980), JPE 88(5), on the overlap such returns carry.

    Examples
    --------
    >>> forward_returns([0.1, 0.1, 0.0, -0.5], horizon=2).round(3).tolist()
    [0.1, -0.5, nan, nan]
    """
    horizon = check_int(horizon, "horizon", minimum=1)
    if isinstance(returns, (pd.DataFrame, pd.Series)):
        frame = returns.to_frame() if isinstance(returns, pd.Series) else returns
        values = as_panel(frame, "returns").to_numpy()
    else:
        if returns is None or np.isscalar(returns):
            raise InputError("returns", f"must be a series or a time x asset panel, got {returns!r}")
        arr = _numeric(returns, "returns")
        if arr.ndim not in (1, 2):
            raise InputError("returns", f"must be 1-D or 2-D, got shape {arr.shape}")
        values = as_panel(arr[:, None] if arr.ndim == 1 else arr, "returns").to_numpy()
    if check_bool(check_returns, "check_returns"):
        idx = returns.index if isinstance(returns, (pd.DataFrame, pd.Series)) else None
        for j in range(values.shape[1]):
            ok = np.isfinite(values[:, j])
            name = "returns" if values.shape[1] == 1 else f"returns[{j}]"
            if isinstance(returns, pd.DataFrame):
                name = f"returns[{returns.columns[j]!r}]"
            check_plausible(values[ok, j], None if idx is None else idx[ok], name)
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


def quantile_returns(signal: ArrayLike, forward_returns: ArrayLike, *, q: int = 5,
                     alternative: Literal["two-sided", "greater", "less"] = "greater", horizon: int = 1,
                     maxlags: int | None = None, reps: int = 9_999, seed: Any = None, confidence_level: float = 0.95,
                     nan_policy: Literal["raise", "omit"] = "raise") -> QuantileResult:
    """Mean forward return per signal quantile and a test of the top-minus-bottom spread.

    Parameters
    ----------
    signal, forward_returns : array_like
        Pooled 1-D series or time x asset panels (see :func:`information_coefficient`).
    q : int
        Number of quantiles.
    alternative : {"greater", "two-sided", "less"}
        For the spread (top minus bottom).
    horizon, maxlags : int
        Panels: the forward horizon and HAC window (see :func:`ic_test`).
    reps, seed
        Pooled: permutation replicates and seed.
    confidence_level : float
        Level of the spread test's interval.
    nan_policy : {"raise", "omit"}
        Pooled: reject or drop NaN pairs.

    *Pooled* (two 1-D series): buckets from ``pandas.qcut(signal, q)`` (1 = lowest signal); the spread
    mean(top) - mean(bottom) is tested with Welch's unequal-variance t (Welch 1947, as
    ``scipy.stats.ttest_ind(equal_var=False)``) and a permutation test of the bucket labels (``reps``, ``seed``).
    Observations must be independent for either; overlapping horizons break that.

    *Panel* (time x asset): each period the assets with both values are ordered by signal (ties by column
    order) and split into q groups of near-equal size, bucket = floor(q (r - 1) / n_t) + 1 with r the
    ordinal rank; periods with fewer than q valid assets are dropped. ``mean`` is the time average of the
    per-period bucket means (each period weighs the same); the spread series (top - bottom per period) is
    tested with the Newey–West HAC t with fixed-b p-value, lag window covering ``horizon`` (overlap of
    h-step forward returns; see :func:`ic_test`).

    ``alternative`` defaults to "greater": a signal should rank the top bucket above the bottom one.

    Returns
    -------
    QuantileResult

    References
    ----------
    Welch (1947), Biometrika 34; Newey & West (1987); Kiefer & Vogelsang (2005).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> s = rng.standard_normal(500)
    >>> res = quantile_returns(s, 0.01 * s + rng.normal(0, 0.01, 500), reps=999, seed=0)
    >>> res.spread > 0
    True
    """
    q = check_int(q, "q", minimum=2)
    alternative = check_alternative(alternative)
    horizon = check_int(horizon, "horizon", minimum=1)
    reps = check_reps(reps)
    level = check_probability(confidence_level, "confidence_level")
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
        test = _overlap_mean_test(spread_v, horizon=horizon, maxlags=maxlags, alternative=alternative,
                                  test="top-minus-bottom quantile spread", confidence_level=level)
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
    test = TestResult("top-minus-bottom quantile spread", float(welch.statistic), float(welch.pvalue), alternative,
                      "mean(top quantile) - mean(bottom quantile) = 0", spread, f"Welch t ({df:.1f} df)",
                      int(len(top) + len(bottom)), se, 0.0, level, Interval("t", df=df), None, {"df": df})
    from alphacheck.significance import permutation_test

    p_perm = permutation_test(top, bottom, alternative=alternative, reps=reps, seed=seed).pvalue
    return QuantileResult(table, spread, test, p_perm, None, q, "pooled")


def ic_decay(signal: ArrayLike, returns: ArrayLike, *, horizons: Sequence[int] = (1, 4, 12, 24, 48),
             correlation: Literal["spearman", "pearson"] = "spearman",
             alternative: Literal["two-sided", "greater", "less"] = "two-sided") -> pd.DataFrame:
    """IC of a signal against h-step forward returns for several horizons, each with its HAC test.

    Parameters
    ----------
    signal, returns : DataFrame
        Time x asset panels: the signal and per-period simple returns.
    horizons : sequence of int
        Each h: forward returns by :func:`forward_returns`, tested by :func:`ic_test` (``method="hac"``,
        the default window for that h, fixed-b p-value).
    correlation, alternative
        As :func:`ic_test`.

    Returns
    -------
    DataFrame
        Indexed by horizon: ic_mean, se, t, pvalue, n (periods), n_dropped, maxlags.

    References
    ----------
    See :func:`ic_test`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> r = pd.DataFrame(rng.normal(0, 0.01, (400, 6)))
    >>> ic_decay(r.shift(1).fillna(0), r, horizons=[1, 4]).shape
    (2, 7)
    """
    hlist: Any = [horizons] if isinstance(horizons, (int, np.integer)) else horizons
    hs = [check_int(h, "horizons", minimum=1) for h in hlist]
    if len(hs) == 0 or len(set(hs)) != len(hs):
        raise InputError("horizons", f"must be a non-empty list of distinct positive integers, got {list(horizons)}")
    if not (_is_panel(returns) and _is_panel(signal)):
        raise InputError("returns", "ic_decay needs time x asset panels for signal and returns")
    rows = []
    for h in hs:
        r = ic_test(signal, forward_returns(returns, horizon=h), correlation=correlation, horizon=h,
                    alternative=alternative, method="hac")
        rows.append({"horizon": h, "ic_mean": r.estimate, "se": r.se, "t": r.statistic, "pvalue": r.pvalue,
                     "n": r.n, "n_dropped": r.n_dropped, "maxlags": r.details["maxlags"]})
    return pd.DataFrame(rows).set_index("horizon")
