"""Alpha and beta through time: rolling-window and expanding-window Jensen regressions with HAC bands.

Each window is one OLS fit of ``r_t = α + β b_t + γ' f_t + e_t`` (Jensen 1968) through :mod:`alphacheck._ols`
— the same coefficients and Newey & West (1987) covariance as :func:`alphacheck.jensen_alpha` on that window
(Bartlett weights 1 − j/(L+1), L = ``maxlags`` or the Newey–West 1994 rule floor(4 (m/100)^(2/9)) of the
window length m, no small-sample factor). The bands are pointwise: α̂_w ± z se_w for each window w, at
``confidence_level``; they are not a simultaneous band over all windows (use :func:`alphacheck.break_test`
to test whether alpha changed at all).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from alphacheck._hac import refuse_unused_maxlags, resolve_maxlags
from alphacheck._inputs import InputError, check_choice, check_int, check_probability
from alphacheck._ols import covariance, ols
from alphacheck._results import Result, format_number, text_table
from alphacheck.alpha.jensen import prepare_regression

__all__ = ["RollingAlphaResult", "rolling_alpha", "expanding_alpha"]

COV_KINDS = ("hac", "iid", "hc1")


@dataclasses.dataclass(frozen=True)
class RollingAlphaResult(Result):
    """Alpha and beta of each window.

    Attributes
    ----------
    table : DataFrame
        One row per window, indexed by the label of its last observation (its position without pandas):
        ``start``, ``n``, ``alpha``, ``alpha_se``, ``alpha_low``, ``alpha_high``, ``beta``, ``beta_se``,
        ``beta_low``, ``beta_high``, ``maxlags``.
    kind : str
        ``"rolling"`` or ``"expanding"``.
    window : int
        Window length (rolling) or the first window's length (expanding).
    method : str
        What was done.
    confidence_level : float
        Level of the pointwise bands.
    n : int
        Observations of the aligned data.
    """

    table: pd.DataFrame
    kind: str
    window: int
    method: str
    confidence_level: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        t = self.table
        rows: list[tuple[str, Any]] = [
            ("windows", len(t)), ("kind", self.kind), ("window", self.window), ("method", self.method),
            ("alpha: first / last window",
             f"{format_number(t['alpha'].iloc[0])} / {format_number(t['alpha'].iloc[-1])}"),
            ("alpha: min / max", f"{format_number(t['alpha'].min())} / {format_number(t['alpha'].max())}"),
            ("beta: first / last window", f"{format_number(t['beta'].iloc[0])} / {format_number(t['beta'].iloc[-1])}"),
            ("share of windows with alpha band above 0", float((t["alpha_low"] > 0).mean())),
        ]
        return text_table(rows, title=f"{self.kind.capitalize()} alpha and beta")

    def plot(self, title: str | None = None) -> Any:
        """The figure of :func:`alphacheck.report.plots.plot_rolling_alpha`."""
        from alphacheck.report.plots import plot_rolling_alpha

        return plot_rolling_alpha(self, title=title)


def _windows(returns: Any, benchmark: Any, controls: Any, *, kind: str, window: int, step: int, method: Any,
             maxlags: int | None, confidence_level: float, check_returns: bool) -> RollingAlphaResult:
    method = check_choice(method, "method", COV_KINDS)
    level = check_probability(confidence_level, "confidence_level")
    step = check_int(step, "step", minimum=1)
    data = prepare_regression(returns, benchmark, controls, check_returns=check_returns)
    y, X = data.y, data.X
    n, p = X.shape
    window = check_int(window, "window" if kind == "rolling" else "min_periods", minimum=max(10, p + 5))
    if window > n:
        raise InputError("window" if kind == "rolling" else "min_periods",
                         f"must be at most the {n} aligned observations, got {window}")
    refuse_unused_maxlags(maxlags, method)
    z = float(special.ndtri(0.5 + level / 2))
    ends = np.arange(window, n + 1, step)
    if ends[-1] != n:
        ends = np.r_[ends, n]
    rows = []
    for end in ends:
        start = end - window if kind == "rolling" else 0
        Xw, yw = X[start:end], y[start:end]
        if np.ptp(Xw[:, 1]) == 0:
            raise InputError("benchmark", f"is constant in the window ending at observation {end}")
        m = end - start
        lags = resolve_maxlags(maxlags, m) if method == "hac" else 0
        fit = ols(yw, Xw)
        se = np.sqrt(np.diag(covariance(fit, Xw, kind=method, maxlags=lags)))
        a, b = fit.coef[0], fit.coef[1]
        rows.append((start, m, a, se[0], a - z * se[0], a + z * se[0], b, se[1], b - z * se[1], b + z * se[1],
                     lags if method == "hac" else None))
    cols = ["start", "n", "alpha", "alpha_se", "alpha_low", "alpha_high", "beta", "beta_se", "beta_low",
            "beta_high", "maxlags"]
    index = data.index[ends - 1] if data.index is not None else pd.Index(ends - 1, name="position")
    table = pd.DataFrame(rows, columns=cols, index=index)
    how = {"hac": "Newey-West HAC (Bartlett, NW 1994 lag rule per window unless maxlags is given)",
           "iid": "iid OLS covariance", "hc1": "White HC1 covariance"}[method]
    desc = (f"OLS per {kind} window ({'length' if kind == 'rolling' else 'first length'} {window}, step {step}); "
            f"{how}; pointwise normal {100 * level:g}% bands")
    return RollingAlphaResult(table=table, kind=kind, window=window, method=desc, confidence_level=level, n=int(n))


def rolling_alpha(returns: ArrayLike, benchmark: ArrayLike, controls: ArrayLike | None = None, *, window: int,
                  step: int = 1, method: Literal["hac", "iid", "hc1"] = "hac", maxlags: int | None = None,
                  confidence_level: float = 0.95, check_returns: bool = True) -> RollingAlphaResult:
    """Alpha and beta on every rolling window of ``window`` observations, with HAC confidence bands.

    Parameters
    ----------
    returns, benchmark : array_like
        Aligned strategy and benchmark returns (pandas: on the index).
    controls : array_like or None
        Traded factor returns, entering every window's regression.
    window : int
        Observations per window (at least max(10, regressors + 5)).
    step : int
        Distance between window ends (1: every window; the last window always ends at the last observation).
    method : {"hac", "iid", "hc1"}
        Covariance of each window's fit: Newey & West (1987) (default), iid OLS or White HC1.
    maxlags : int or None
        HAC window; None: the Newey–West (1994) rule on each window's length.
    confidence_level : float
        Level of the pointwise bands α̂ ± z se.
    check_returns : bool
        Refuse inputs that look like prices, levels, percent or positions.

    Returns
    -------
    RollingAlphaResult
        ``table`` per window; ``plot()`` draws alpha and beta with their bands.

    References
    ----------
    Jensen (1968), J. Finance 23(2); Newey & West (1987), Econometrica 55(3); Newey & West (1994),
    Rev. Econ. Stud. 61(4).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> b = rng.normal(0, 0.01, 600)
    >>> r = 0.0005 + 0.8 * b + rng.normal(0, 0.005, 600)
    >>> res = rolling_alpha(r, b, window=250, step=50)
    >>> len(res.table), round(float(res.table["beta"].mean()), 1)
    (8, 0.8)
    """
    return _windows(returns, benchmark, controls, kind="rolling", window=window, step=step, method=method,
                    maxlags=maxlags, confidence_level=confidence_level, check_returns=check_returns)


def expanding_alpha(returns: ArrayLike, benchmark: ArrayLike, controls: ArrayLike | None = None, *,
                    min_periods: int = 60, step: int = 1, method: Literal["hac", "iid", "hc1"] = "hac",
                    maxlags: int | None = None, confidence_level: float = 0.95,
                    check_returns: bool = True) -> RollingAlphaResult:
    """Alpha and beta on expanding windows (all observations up to each date), with HAC confidence bands.

    The first window holds ``min_periods`` observations; each later one adds ``step`` more. The last row is
    :func:`alphacheck.jensen_alpha` on the whole sample (same coefficients and HAC standard errors).

    Parameters
    ----------
    returns, benchmark, controls : array_like
        As :func:`rolling_alpha`.
    min_periods : int
        Length of the first window.
    step, method, maxlags, confidence_level, check_returns
        As :func:`rolling_alpha`.

    Returns
    -------
    RollingAlphaResult

    References
    ----------
    Jensen (1968); Newey & West (1987, 1994).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> b = rng.normal(0, 0.01, 400)
    >>> r = 1.1 * b + rng.normal(0, 0.004, 400)
    >>> res = expanding_alpha(r, b, min_periods=100, step=100)
    >>> res.table["n"].tolist()
    [100, 200, 300, 400]
    """
    return _windows(returns, benchmark, controls, kind="expanding", window=min_periods, step=step, method=method,
                    maxlags=maxlags, confidence_level=confidence_level, check_returns=check_returns)
