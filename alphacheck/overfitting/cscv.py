"""Probability of backtest overfitting (PBO) by combinatorially symmetric cross-validation (CSCV).

Source: Bailey, Borwein, López de Prado & Zhu (2017), "The probability of backtest overfitting",
Journal of Computational Finance 20(4), 39-69 (SSRN 2326253, 2014), Section 2 ("the CSCV procedure").

The fast path never materialises the C(S, S/2) in-sample/out-of-sample matrices: per-group column
sums and sums of squares (S x N) are computed once; the sums over the S/2 groups of a combination are
a 0/1 (combinations x S) matrix times those (S x N) matrices, done in chunks of combinations.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from itertools import chain, combinations
from math import comb
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from alphacheck._columns import Columns, check_block, map_blocks
from alphacheck._columns import open_family as _open_family
from alphacheck._inputs import (
    PLAUSIBLE_COLUMNS,
    InputError,
    as_matrix,
    check_bool,
    check_int,
    check_plausible,
    require_variance,
)
from alphacheck._plausibility import ImplausibleReturnsError, profile
from alphacheck._results import Result, frame_table, text_table

__all__ = ["PBOResult", "pbo"]

_LEVEL_LAG1 = 0.9  # prices and curves sit near 1 (0.997 for 800 daily prices); P&L and returns far below it

_METRICS = ("sharpe", "mean")
_MAX_COMBINATIONS = 5_000_000
# Metrics closer than this (relative to the row's largest |metric|) are ties. Sums over groups and the
# centring shift leave ~1e-16 relative noise, so exactly tied configurations (integer or rounded P&L)
# would otherwise be ordered by rounding, not by the tie rules below.
_TIE_RTOL = 1e-10
# Cells (combinations x configurations) per chunk: bounds each temporary array to ~16 MB.
_CHUNK_CELLS = 2_000_000


@dataclasses.dataclass(frozen=True, eq=False)
class PBOResult(Result):
    """Outcome of CSCV (Bailey et al. 2017).

    Attributes
    ----------
    pbo : probability of backtest overfitting, the share of combinations whose logit is <= 0
        (the in-sample best configuration ranks at or below the out-of-sample median).
    logits : (C,) logits lambda_c = ln(w_c / (1 - w_c)), one per combination.
    relative_ranks : (C,) w_c = rank of the IS-best configuration among the OOS metrics / (N + 1).
    is_metric, oos_metric : (C,) metric of the IS-best configuration in sample and out of sample.
    selected : (C,) column label chosen in sample in each combination.
    degradation_slope, degradation_intercept, degradation_rsquared : OLS of ``oos_metric`` on
        ``is_metric`` (with intercept) across combinations — the paper's "performance degradation".
    prob_oos_loss : share of combinations where the IS-best configuration's OOS metric is < 0.
    metric : name of the performance metric; n_groups (S), n_combinations (C), n_configs (N),
    n_obs_used : rows used (a multiple of S), n_obs_dropped : trailing rows dropped.
    """

    pbo: float
    logits: np.ndarray
    relative_ranks: np.ndarray
    is_metric: np.ndarray
    oos_metric: np.ndarray
    selected: np.ndarray
    degradation_slope: float
    degradation_intercept: float
    degradation_rsquared: float
    prob_oos_loss: float
    metric: str
    n_groups: int
    n_combinations: int
    n_configs: int
    n_obs_used: int
    n_obs_dropped: int

    def selection_frequency(self) -> pd.Series:
        """How often each configuration was the in-sample best, as a share of combinations."""
        return pd.Series(self.selected).value_counts(normalize=True).rename("share")

    def to_frame(self) -> pd.DataFrame:
        """One row per CSCV combination: selected config, IS/OOS metric, relative rank, logit."""
        return pd.DataFrame(
            {
                "selected": self.selected,
                "is_metric": self.is_metric,
                "oos_metric": self.oos_metric,
                "relative_rank": self.relative_ranks,
                "logit": self.logits,
            },
            index=pd.RangeIndex(self.n_combinations, name="combination"),
        )

    def summary(self) -> str:
        rows = [
            ("method", "CSCV (Bailey, Borwein, Lopez de Prado & Zhu 2017)"),
            ("metric", self.metric),
            ("configurations (N)", self.n_configs),
            ("groups (S)", self.n_groups),
            ("combinations", self.n_combinations),
            ("observations used", self.n_obs_used),
            ("observations dropped (end)", self.n_obs_dropped),
            ("PBO  P(logit <= 0)", self.pbo),
            ("median logit", float(np.median(self.logits))),
            ("P(OOS metric < 0)", self.prob_oos_loss),
            ("degradation slope", self.degradation_slope),
            ("degradation intercept", self.degradation_intercept),
            ("degradation R^2", self.degradation_rsquared),
        ]
        top = self.selection_frequency().head(5).to_frame()
        return text_table(rows, title="Probability of backtest overfitting") + "\n" + frame_table(
            top, title="Most often selected in sample"
        )


def _metric_from_sums(s: np.ndarray, q: np.ndarray, n: int, shift: np.ndarray, metric: str) -> np.ndarray:
    """Metric per cell from centred sums ``s`` and sums of squares ``q`` over ``n`` rows.

    Data were centred by ``shift`` (the column means) before summing, which keeps the variance
    (q - s^2/n) / (n - 1) free of cancellation; the mean is s/n + shift.
    """
    mean = s / n + shift
    if metric == "mean":
        return mean
    var = (q - s * s / n) / (n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return mean / np.sqrt(np.maximum(var, 0.0))


def _tolerance(m: np.ndarray) -> np.ndarray:
    return _TIE_RTOL * np.maximum(np.abs(m).max(axis=1, keepdims=True), 1e-300)


def _first_argmax(m: np.ndarray) -> np.ndarray:
    """Per row, the first column within the tie tolerance of the row maximum (first index on ties)."""
    return np.argmax(m >= m.max(axis=1, keepdims=True) - _tolerance(m), axis=1)


def _rank_of_selected(oos: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Average (mid-)rank, 1..N ascending, of oos[c, best[c]] within row c (ties share their mean rank)."""
    chosen = oos[np.arange(oos.shape[0]), best][:, None]
    tol = _tolerance(oos)
    less = (oos < chosen - tol).sum(axis=1)
    equal = (np.abs(oos - chosen) <= tol).sum(axis=1)  # includes the chosen cell itself
    return less + (equal + 1) / 2.0


def _group_sums(block: np.ndarray, lo: int, hi: int, extra: Any, groups: list, n_groups: int, rows: int,
                check_finite: bool) -> list:
    """Per block of configurations (a task on a Dask cluster): column means and the per-group sums and sums of
    squares of the centred first ``rows`` rows — all CSCV needs of the data (S x N numbers)."""
    if check_finite:
        check_block(block, "trials", extra, 0)
    const = np.ptp(block, axis=0) == 0
    if const.any():
        raise InputError("trials", f"is constant (column(s) {[extra[j] for j in np.flatnonzero(const)[:5]]}); "
                                   "the method needs non-zero variance")
    x = block[:rows]
    n_cfg = x.shape[1]
    shift = x.mean(axis=0)
    grouped = (x - shift).reshape(n_groups, rows // n_groups, n_cfg)
    return [(shift, grouped.sum(axis=1), (grouped * grouped).sum(axis=1))]


def _cscv_sums(sums: tuple, t: int, n_groups: int, metric: str, combos: np.ndarray, columns: Any) -> tuple:
    shift, gsum, gsq = sums
    n_cfg = shift.size
    g = t // n_groups
    tot_s, tot_q = gsum.sum(axis=0), gsq.sum(axis=0)
    n_half = g * (n_groups // 2)
    n_comb = combos.shape[0]
    out_best = np.empty(n_comb, dtype=np.int64)
    out_is = np.empty(n_comb)
    out_oos = np.empty(n_comb)
    out_rank = np.empty(n_comb)
    step = max(1, _CHUNK_CELLS // n_cfg)
    for lo in range(0, n_comb, step):
        chosen = combos[lo : lo + step]
        m = np.zeros((chosen.shape[0], n_groups))  # 0/1 membership of the IS groups
        m[np.arange(chosen.shape[0])[:, None], chosen] = 1.0
        is_s, is_q = m @ gsum, m @ gsq
        is_metric = _metric_from_sums(is_s, is_q, n_half, shift, metric)
        oos_metric = _metric_from_sums(tot_s - is_s, tot_q - is_q, n_half, shift, metric)
        if not (np.isfinite(is_metric).all() and np.isfinite(oos_metric).all()):
            bad = ~(np.isfinite(is_metric).all(axis=0) & np.isfinite(oos_metric).all(axis=0))
            raise InputError(
                "trials",
                f"the {metric} metric is undefined (zero variance) on half of the groups for column(s) "
                f"{[columns[i] for i in np.flatnonzero(bad)[:5]]}",
            )
        best = _first_argmax(is_metric)
        rows = np.arange(m.shape[0])
        out_best[lo : lo + step] = best
        out_is[lo : lo + step] = is_metric[rows, best]
        out_oos[lo : lo + step] = oos_metric[rows, best]
        out_rank[lo : lo + step] = _rank_of_selected(oos_metric, best)
    return out_best, out_is, out_oos, out_rank


def _cscv_callable(x: np.ndarray, n_groups: int, metric: Callable, combos: np.ndarray) -> tuple:
    t, n_cfg = x.shape
    groups = x.reshape(n_groups, t // n_groups, n_cfg)
    all_groups = np.arange(n_groups)
    n_comb = combos.shape[0]
    out_best = np.empty(n_comb, dtype=np.int64)
    out_is, out_oos, out_rank = np.empty(n_comb), np.empty(n_comb), np.empty(n_comb)

    def evaluate(idx: np.ndarray, label: str) -> np.ndarray:
        v = np.asarray(metric(groups[idx].reshape(-1, n_cfg)), dtype=np.float64).reshape(-1)
        if v.shape != (n_cfg,):
            raise InputError("metric", f"must return one value per configuration ({n_cfg}), got shape {v.shape}")
        if not np.isfinite(v).all():
            raise InputError("metric", f"returned non-finite values on an {label} half")
        return v

    progress = tqdm(combos, desc="CSCV", unit="comb", disable=not sys.stderr.isatty(), leave=False)
    for c, chosen in enumerate(progress):
        is_m = evaluate(chosen, "in-sample")
        oos_m = evaluate(np.setdiff1d(all_groups, chosen), "out-of-sample")
        best = int(_first_argmax(is_m[None, :])[0])
        out_best[c], out_is[c], out_oos[c] = best, is_m[best], oos_m[best]
        out_rank[c] = _rank_of_selected(oos_m[None, :], np.array([best]))[0]
    return out_best, out_is, out_oos, out_rank


def pbo(trials: ArrayLike, *, n_groups: int = 16,
        metric: Literal["sharpe", "mean"] | Callable[[np.ndarray], np.ndarray] = "sharpe",
        check_returns: bool = True) -> PBOResult:
    """Probability of backtest overfitting by CSCV (Bailey, Borwein, López de Prado & Zhu 2017).

    Parameters
    ----------
    trials : (T, N) DataFrame or array, or an out-of-memory family
        Per-period returns (or P&L) of N strategy configurations over the same T periods. Also a ``.npy`` path
        or ``np.memmap`` (memory-mapped), a ``.parquet`` path, a Dask array, or any object with a 2-D ``shape``
        and column slicing: read block by block of configurations (only the S x N per-group sums are kept, the
        same bits as in memory; a Dask array's blocks are tasks on the active scheduler).
    n_groups : int, even, >= 2
        S, the number of contiguous row groups. CSCV needs S submatrices "of equal dimensions" (paper,
        sec. 2, step 2): when T is not a multiple of S the *last* ``T mod S`` rows are dropped (reported as
        ``n_obs_dropped``) — the end rather than the start, so the sample keeps its first observation and
        the dropped rows (fewer than S) are the most recent ones, never a hole in the middle.
    metric : "sharpe" (per-period mean / sample std, ddof=1), "mean", or a callable mapping a
        (rows, N) array to N values (evaluated once per half; slow path, a Python loop over
        combinations).
    check_returns : bool
        Refuse trials whose first 50 configurations look like prices, equity or cumulative curves or held positions
        (the plausibility rules of docs/bad-inputs.md, and a lag-1 autocorrelation of 0.9 or more: a level). The
        units are not checked: P&L in currency ranks the configurations as their returns do.

    Procedure (paper, Section 2): for each of the C(S, S/2) ways to pick S/2 groups as the
    in-sample (IS) set J, with the complement as out-of-sample (OOS): n* = argmax of the IS metric
    (first index on ties; metrics within 1e-10 of each other, relative, are ties, so exactly tied integer
    or rounded P&L gives the same answer as a brute-force CSCV); w_c = r/(N+1), r the rank (1 = worst,
    average rank on ties) of n*'s OOS
    metric among the N OOS metrics; logit lambda_c = ln(w_c / (1 - w_c)). PBO = share of
    combinations with lambda_c <= 0 (tie rule: lambda = 0, the exact OOS median, which happens
    only for odd N, counts as overfit, i.e. the integral of f(lambda) over (-inf, 0]).
    Performance degradation is the OLS fit oos_metric = a + b * is_metric across combinations;
    ``prob_oos_loss`` is the share of combinations with n*'s OOS metric < 0.

    Returns
    -------
    PBOResult

    References
    ----------
    Bailey, Borwein, López de Prado & Zhu (2017), "The probability of backtest overfitting", J. Computational
    Finance 20(4), 39-69, sec. 2.

    Examples
    --------
    >>> import numpy as np
    >>> noise = np.random.default_rng(0).normal(0, 0.01, (800, 20))
    >>> 0.2 < pbo(noise, n_groups=8).pbo < 0.8
    True
    """
    s = check_int(n_groups, "n_groups", minimum=2)
    if s % 2:
        raise InputError("n_groups", f"must be even (IS and OOS take S/2 groups each), got {s}")
    if isinstance(metric, str):
        if metric not in _METRICS:
            raise InputError("metric", f"must be one of {_METRICS} or a callable, got {metric!r}")
        metric_name: str = metric
    elif callable(metric):
        metric_name = getattr(metric, "__name__", "custom")
    else:
        raise InputError("metric", f"must be one of {_METRICS} or a callable, got {type(metric).__name__}")
    src = _open_family(trials, "trials")
    if src is None:
        checked = as_matrix(trials, "trials", min_obs=2, min_cols=2)
        values = checked.values
        src = Columns(values.shape[0], values.shape[1], checked.columns, None,
                      lambda lo, hi: values[:, lo:hi])  # layout kept: a DataFrame's (column-major) bits as in 0.2
    elif callable(metric):
        raise InputError("metric", f"a callable metric needs the trials in memory, not a {src.source}")
    elif src.n_cols < 2:
        raise InputError("trials", f"needs at least 2 columns (configurations), got {src.n_cols}")
    t_all, n_cfg = src.n_obs, src.n_cols
    if check_bool(check_returns, "check_returns"):
        m = min(n_cfg, PLAUSIBLE_COLUMNS)
        head = src.read(0, m) if src.reader is not None else np.asarray(src.dask[:, :m].compute(), dtype=np.float64)
        for j in range(m):
            try:
                check_plausible(head[:, j], src.index, f"trials[{src.labels[j]!r}]")
            except ImplausibleReturnsError as exc:
                # CSCV ranks Sharpe ratios or means, which a change of units leaves alone, so P&L in currency (the
                # paper's input) must pass although the scale rules read it as percent or prices; what changes
                # what is ranked is a level (prices, curves, held positions), and a level is persistent
                if exc.kind != "percent" and profile(head[:, j], src.index).lag1 >= _LEVEL_LAG1:
                    raise
    min_rows = 2 * s if metric_name == "sharpe" else s
    if t_all < min_rows:
        raise InputError(
            "trials",
            f"has {t_all} rows; n_groups={s} needs at least {min_rows} "
            f"({'two rows per group for a standard deviation' if metric_name == 'sharpe' else 'one row per group'})",
        )
    n_comb = comb(s, s // 2)
    if n_comb > _MAX_COMBINATIONS:
        raise InputError("n_groups", f"{s} groups give {n_comb:,} combinations; use at most 24 groups")
    g = t_all // s
    # int8 group ids straight from the iterator: no list of tuples even for C(24, 12) = 2.7M rows
    combos = np.fromiter(chain.from_iterable(combinations(range(s), s // 2)), dtype=np.int8, count=n_comb * (s // 2))
    combos = combos.reshape(n_comb, s // 2)
    labels = src.labels
    if callable(metric):
        values = src.read(0, n_cfg)
        require_variance(values, "trials")
        best, is_m, oos_m, rank = _cscv_callable(values[: g * s], s, metric, combos)
    else:  # block by block of configurations: only the (S x N) group sums are kept
        bounds = src.bounds()
        parts = [r[0] for r in map_blocks(src, _group_sums, s, g * s, not src.in_memory,
                                          per_block=[labels[lo:hi] for lo, hi in bounds])]
        sums = tuple(np.concatenate([p[i] for p in parts], axis=-1) for i in range(3))
        best, is_m, oos_m, rank = _cscv_sums(sums, g * s, s, metric_name, combos, labels)
    omega = rank / (n_cfg + 1.0)
    logits = np.log(omega / (1.0 - omega))
    slope, intercept, r2 = _ols(is_m, oos_m)
    return PBOResult(
        pbo=float(np.mean(logits <= 0.0)),
        logits=logits,
        relative_ranks=omega,
        is_metric=is_m,
        oos_metric=oos_m,
        selected=np.asarray(list(labels), dtype=object)[best],
        degradation_slope=slope,
        degradation_intercept=intercept,
        degradation_rsquared=r2,
        prob_oos_loss=float(np.mean(oos_m < 0.0)),
        metric=metric_name,
        n_groups=s,
        n_combinations=int(n_comb),
        n_configs=int(n_cfg),
        n_obs_used=int(g * s),
        n_obs_dropped=int(t_all - g * s),
    )


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Slope, intercept and R^2 of y = a + b x; NaN slope when x does not vary."""
    xc, yc = x - x.mean(), y - y.mean()
    sxx = float(xc @ xc)
    if sxx <= 0.0:
        return float("nan"), float("nan"), float("nan")
    b = float(xc @ yc) / sxx
    a = float(y.mean() - b * x.mean())
    syy = float(yc @ yc)
    r2 = float((xc @ yc) ** 2 / (sxx * syy)) if syy > 0 else float("nan")
    return b, a, r2
