"""Drawdowns of a compounded equity curve: the one implementation every caller uses.

Conventions (the same in every function here):

* **Wealth.** ``W_0 = start_value`` (1 by default) before the first observation and
  ``W_k = W_0 * prod_{j<=k} (1 + r_j)`` after observation ``k`` (simple returns, compounded).
* **Drawdown.** ``D_k = W_k / max(W_0, ..., W_k) - 1`` (Magdon-Ismail & Atiya 2004, "Maximum
  drawdown", Risk 17(10), eq. 1, on the compounded curve). The running peak *includes* the starting
  capital, so a loss on the very first observation is already a drawdown.
* **Positions.** Points of the curve are counted in observations compounded so far: position 0 is
  the starting capital, position ``k`` (1..n) is "after observation k". A *label* is the index label
  of observation ``k`` (``index[k - 1]``) when pandas came in; position 0 has no label (None).
* **Pandas in, pandas out.** :func:`equity_curve` and :func:`drawdown_series` return the n values
  after each observation, on the input's index (the starting point is ``start_value`` itself and has
  no label); with array input they return arrays.
* **Episodes.** An episode runs from a peak (the last point at the running maximum before the curve
  goes under water) to its trough (lowest point; the first one on ties) and to its recovery (the
  first point back at or above the peak; None while still under water).

Everything is vectorized: running maxima with ``np.maximum.accumulate``, episodes from the runs of
new-peak ids, losing streaks from run boundaries found with ``np.diff`` — no Python loop over
observations.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck._inputs import Checked, InputError, as_returns, check_positive
from alphacheck._results import Result, format_number, text_table

__all__ = ["DrawdownResult", "equity_curve", "drawdown_series", "drawdown_episodes", "max_drawdown",
           "worst_losing_streak"]

EPISODE_COLUMNS = ["peak", "trough", "recovery", "depth", "obs_to_trough", "obs_to_recover"]


def _checked(returns: Any, check_returns: bool = True) -> Checked:
    c = as_returns(returns, "returns", min_obs=1, check_returns=check_returns)
    bad = np.flatnonzero(c.values <= -1.0)
    if bad.size:
        i = int(bad[0])
        where = f"label {c.index[i]!r}" if c.index is not None else f"position {i}"
        raise InputError("returns", f"{bad.size} return(s) <= -1 (first: {c.values[i]:g} at {where}); "
                                    "compounded wealth would be zero or negative")
    return c


def _wealth(r: np.ndarray, start_value: float = 1.0) -> np.ndarray:
    """W_0..W_n (length n + 1)."""
    w = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    return w * start_value if start_value != 1.0 else w


def _drawdown(w: np.ndarray) -> np.ndarray:
    """D_0..D_n from W_0..W_n."""
    return w / np.maximum.accumulate(w) - 1.0


def _label(c: Checked, k: int | None) -> Any:
    if k is None or c.index is None or k == 0:
        return None
    return c.index[k - 1]


def equity_curve(returns: ArrayLike, *, start_value: float = 1.0, check_returns: bool = True) -> np.ndarray | pd.Series:
    """Compounded wealth ``W_k = start_value * prod_{j<=k}(1 + r_j)`` after each observation.

    Parameters
    ----------
    returns : array_like
        Simple returns.
    start_value : float
        W_0.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    ndarray or Series

    References
    ----------
    Magdon-Ismail & Atiya (2004), "Maximum drawdown", Risk 17(10) (the compounded curve).

    Returns the n values ``W_1..W_n``: a Series named ``"wealth"`` on the returns' index when pandas
    came in (wealth after observation k carries observation k's label), else an array. The starting
    point ``W_0 = start_value`` precedes the first observation and is not part of the output.
    Raises InputError if a return is <= -1 (wealth would be non-positive), NaN or inf.

    Examples
    --------
    >>> equity_curve([0.1, -0.5, 0.2]).round(3).tolist()
    [1.1, 0.55, 0.66]
    """
    c = _checked(returns, check_returns)
    v = float(check_positive(start_value, "start_value") or 0.0)  # never None: allow_none is off
    return c.wrap(_wealth(c.values, v)[1:], name="wealth")


def drawdown_series(returns: ArrayLike, *, check_returns: bool = True) -> np.ndarray | pd.Series:
    """Drawdown ``W_k / max(W_0..W_k) - 1`` after each observation (<= 0), peak including W_0 = 1.

    Parameters
    ----------
    returns : array_like
        Simple returns.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    ndarray or Series

    References
    ----------
    Magdon-Ismail & Atiya (2004), Risk 17(10), eq. 1.

    Magdon-Ismail & Atiya (2004), eq. 1, on the compounded curve. A Series named ``"drawdown"`` on
    the returns' index when pandas came in, else an array of length n.

    Examples
    --------
    >>> drawdown_series([0.1, -0.5, 0.2]).round(3).tolist()
    [0.0, -0.5, -0.4]
    """
    c = _checked(returns, check_returns)
    return c.wrap(_drawdown(_wealth(c.values))[1:], name="drawdown")


def _episode_positions(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Peak, trough, recovery (-1 = none) positions and depths of every episode, in time order,
    plus the drawdown D_0..D_n."""
    dd = _drawdown(w)
    at_peak = dd >= 0.0                     # W_k equals the running maximum
    peaks_all = np.flatnonzero(at_peak)     # position 0 is always a peak
    # runs of one new-peak id: from a peak to the next peak; length > 1 means the run went under water
    nxt = np.r_[peaks_all[1:], w.size]
    keep = np.diff(np.r_[peaks_all, w.size]) > 1
    peak, end = peaks_all[keep], nxt[keep]
    if peak.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, np.empty(0), dd
    # trough: the first position holding the minimum drawdown of its episode
    under = np.flatnonzero(~at_peak)
    episode_of = np.searchsorted(peak, under, side="right") - 1
    depth = np.minimum.reduceat(dd[under], np.r_[0, np.flatnonzero(np.diff(episode_of)) + 1])
    is_min = dd[under] == depth[episode_of]
    _, first = np.unique(episode_of[is_min], return_index=True)
    trough = under[is_min][first]
    recovery = np.where(end < w.size, end, -1)
    return peak, trough, recovery, depth, dd


def _episodes_frame(c: Checked, peak, trough, recovery, depth) -> pd.DataFrame:
    rec = [int(x) if x >= 0 else None for x in recovery]
    out = pd.DataFrame({
        "peak": peak.astype(np.int64), "trough": trough.astype(np.int64),
        "recovery": pd.Series(rec, dtype=object), "depth": depth.astype(float),
        "obs_to_trough": (trough - peak).astype(np.int64),
        "obs_to_recover": pd.Series([r - int(t) if r is not None else None for r, t in zip(rec, trough)],
                                    dtype=object),
    }, columns=EPISODE_COLUMNS)
    if c.index is not None:
        for col in ("peak", "trough", "recovery"):
            out[f"{col}_label"] = pd.Series([_label(c, k) for k in out[col]], dtype=object)
    order = np.argsort(out["depth"].to_numpy(), kind="stable")  # deepest first; ties in time order
    return out.iloc[order].reset_index(drop=True)


def drawdown_episodes(returns: ArrayLike, *, check_returns: bool = True) -> pd.DataFrame:
    """Peak -> trough -> recovery episodes of the compounded curve, deepest first.

    Parameters
    ----------
    returns : array_like
        Simple returns.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    DataFrame
        One row per episode (columns below).

    References
    ----------
    Magdon-Ismail & Atiya (2004), Risk 17(10).

    Columns: ``peak``, ``trough``, ``recovery`` (positions: 0 = starting capital, k = after
    observation k; ``recovery`` is None while still under water), ``depth`` (W_trough / W_peak - 1,
    the episode's lowest drawdown), ``obs_to_trough`` and ``obs_to_recover`` (observations from peak
    to trough and from trough to recovery; None if not recovered). With pandas input also
    ``peak_label``, ``trough_label``, ``recovery_label`` (observation labels; None for position 0 or
    no recovery). Empty (same columns) when the curve never goes under water.

    Examples
    --------
    >>> drawdown_episodes([0.02, -0.05, 0.01, 0.06])[["peak", "trough", "recovery", "depth"]].round(4).values.tolist()
    [[1, 2, 4, -0.05]]
    """
    c = _checked(returns, check_returns)
    peak, trough, recovery, depth, _ = _episode_positions(_wealth(c.values))
    return _episodes_frame(c, peak, trough, recovery, depth)


@dataclasses.dataclass(frozen=True)
class DrawdownResult(Result):
    """Maximum drawdown of a compounded return series, its dates and the time spent under water.

    Attributes
    ----------
    max_drawdown : min_k (W_k / max(W_0..W_k) - 1), <= 0 (0 when never under water)
    peak, trough, recovery : positions of the worst episode (0 = starting capital, k = after
        observation k); all None when never under water; ``recovery`` None if not recovered
    peak_label, trough_label, recovery_label : the observations' index labels (dates when a
        DatetimeIndex came in); None without pandas input, for position 0, or when absent
    recovered : False only while the worst drawdown has not been recovered
    longest_underwater : most consecutive observations with D_k < 0
    longest_underwater_span : for dated input, calendar time from the first observation of that
        spell to its recovery (or to the last observation if not recovered); else None
    total_return : W_n / W_0 - 1
    n : number of observations
    episodes : :func:`drawdown_episodes` table, deepest first
    """

    max_drawdown: float
    peak: int | None
    trough: int | None
    recovery: int | None
    peak_label: Any
    trough_label: Any
    recovery_label: Any
    recovered: bool
    longest_underwater: int
    longest_underwater_span: pd.Timedelta | None
    total_return: float
    n: int
    episodes: pd.DataFrame

    def _summary_rows(self) -> list[tuple[str, Any]]:
        rows = super()._summary_rows()
        for name in ("peak_label", "trough_label", "recovery_label", "longest_underwater_span"):
            v = getattr(self, name)
            if v is not None:
                rows.append((name, str(v)))
        return rows

    def summary(self) -> str:
        text = text_table(self._summary_rows(), title="DrawdownResult")
        if self.episodes.empty:
            return text + "\nno drawdown episodes"
        cols = [c for c in self.episodes.columns if not c.endswith("_label")]
        head = self.episodes[cols].head(5).to_string(float_format=format_number)
        return f"{text}\ndeepest episodes:\n{head}"


def max_drawdown(returns: ArrayLike, *, check_returns: bool = True) -> DrawdownResult:
    """Maximum drawdown of the compounded equity curve, with its peak/trough/recovery, the longest
    spell under water and all episodes.

    Parameters
    ----------
    returns : array_like
        Simple returns (a Series with a DatetimeIndex gives dates).
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    DrawdownResult

    ``MDD = min_k (W_k / max_{j<=k} W_j - 1)`` with ``W_0 = 1`` (Magdon-Ismail & Atiya 2004, eq. 1);
    the trough is the first point reaching it, the peak the last point at the running maximum before
    it. Labels are dates when a DatetimeIndex came in (see the module notes on positions).

    References
    ----------
    Magdon-Ismail & Atiya (2004), "Maximum drawdown", Risk 17(10), eq. 1.

    Examples
    --------
    >>> round(max_drawdown([0.02, -0.05, 0.01, 0.06]).max_drawdown, 3)
    -0.05
    """
    return _max_drawdown(_checked(returns, check_returns))


def _max_drawdown(c: Checked) -> DrawdownResult:
    """:func:`max_drawdown` of an already validated series."""
    w = _wealth(c.values)
    peak, trough, recovery, depth, dd = _episode_positions(w)
    episodes = _episodes_frame(c, peak, trough, recovery, depth)
    if peak.size == 0:
        p = t = rec = None
        longest, span = 0, None
    else:
        worst = int(np.argmin(depth))  # first (earliest) of equally deep episodes = first argmin of D
        p, t = int(peak[worst]), int(trough[worst])
        rec = int(recovery[worst]) if recovery[worst] >= 0 else None
        ends = np.where(recovery >= 0, recovery, w.size)
        spell = ends - peak - 1
        j = int(np.argmax(spell))        # earliest of equally long spells
        longest, span = int(spell[j]), None
        if isinstance(c.index, pd.DatetimeIndex):
            # from the first observation under water (position peak + 1) to the recovery or the end
            span = c.index[min(int(ends[j]), c.values.size) - 1] - c.index[int(peak[j])]
    return DrawdownResult(
        max_drawdown=float(dd.min()), peak=p, trough=t, recovery=rec,
        peak_label=_label(c, p), trough_label=_label(c, t), recovery_label=_label(c, rec),
        recovered=rec is not None or p is None, longest_underwater=longest, longest_underwater_span=span,
        total_return=float(w[-1] - 1.0), n=int(c.values.size), episodes=episodes,
    )


def worst_losing_streak(returns: ArrayLike, *, check_returns: bool = True) -> np.ndarray | pd.Series:
    """The run of consecutive negative returns with the worst compounded loss ``prod(1 + r) - 1``.

    Parameters
    ----------
    returns : array_like
        Simple returns.
    check_returns : bool
        Refuse inputs that are not returns.

    Returns
    -------
    ndarray or Series
        The slice of ``returns``.

    References
    ----------
    (descriptive; no inference) — see :func:`max_drawdown` for the curve conventions.

    Returns that slice of ``returns`` (a Series with its labels when pandas came in, else an array);
    empty when no return is negative. Equally bad runs: the earliest.

    Examples
    --------
    >>> worst_losing_streak([0.02, -0.01, -0.03, 0.01, -0.02]).tolist()
    [-0.01, -0.03]
    """
    c = _checked(returns, check_returns)
    r = c.values
    neg = r < 0
    edges = np.diff(np.r_[0, neg.astype(np.int8), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        sl = slice(0, 0)
    else:
        # product over each run: between runs the factors are 1.0 and do not change it
        growth = np.multiply.reduceat(np.where(neg, 1.0 + r, 1.0), starts)
        k = int(np.argmin(growth))
        sl = slice(int(starts[k]), int(stops[k]))
    if c.index is None:
        return r[sl].copy()
    return pd.Series(r[sl], index=c.index[sl], name=getattr(returns, "name", None))
