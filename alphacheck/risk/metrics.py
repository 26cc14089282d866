"""Descriptive performance metrics with standard errors and confidence intervals: ``performance_summary()``.

Every metric is an estimate with sampling error. Where the metric is a smooth functional of the return
distribution its standard error comes from its influence function ψ (Hampel 1974): θ̂ − θ ≈ (1/n) Σ_t ψ(r_t),
so Var(θ̂) ≈ Ω_ψ / n with Ω_ψ the long-run variance of the series ψ(r_t) — the route of Chen & Martin
(2021), which carries serial correlation through the spectral density of ψ at frequency 0. We estimate
Ω_ψ by the AR(1)-prewhitened Quadratic-Spectral kernel (Andrews 1991; Andrews & Monahan 1992:
:func:`alphacheck._hac.lrv`, the estimator of every alphacheck HAC standard error) where Chen & Martin fit
a GLM with elastic net to the periodogram; both are consistent. The interval is θ̂ ∓ z se.

Influence functions (r a return, c = ``threshold``, μ = E r, q_α the α-quantile, f the density;
Zhang, Martin & Christidis 2021; Chen & Martin 2021, sec. 2):

* mean-excess ratios — Sortino S = (μ − c)/δ, δ² = E[(c − r)₊²] (Sortino & Price 1994):
  ψ_S = (r − μ)/δ − (S/(2δ²)) ((c − r)₊² − δ²);
* Omega Ω = U/L, U = E(r − c)₊, L = E(c − r)₊ (Keating & Shadwick 2002): ψ_Ω = ((r − c)₊ − U)/L − (U/L²)((c − r)₊ − L);
* VaR_α = −q_α (a loss, historical quantile): ψ = −(α − 1{r <= q_α}) / f(q_α), f by a Gaussian kernel density
  with Silverman's (1986, eq. (3.31)) bandwidth;
* CVaR_α = ES_α = −E[r | r <= q_α] (Acerbi & Tasche 2002, historical): ψ = −(r − q_α) 1{r <= q_α}/α − q_α − ES_α
  (no density needed);
* hit rate p = P(r > 0): ψ = 1{r > 0} − p;
* skewness γ = m3/m2^{3/2}, z = (r − μ)/σ: ψ = z³ − γ − 3z − (3γ/2)(z² − 1);
* excess kurtosis κ = m4/m2² − 3: ψ = z⁴ − 4γz − 2(κ + 3) z² + (κ + 3).

The Calmar ratio (growth rate over maximum drawdown; Young 1991) is a path statistic and the tail ratio
|q_0.95| / |q_0.05| has no influence function in Chen & Martin: both use the block bootstrap of the returns
(Politis & Romano 1994; plans from :mod:`alphacheck._resample`), se = sd of the replicates and a percentile
interval. The kurtosis standard error needs finite eighth moments and the skewness one finite sixth moments:
with fat tails (t(4), GARCH with t(5) shocks) they do not exist and those intervals cannot be trusted
(documented coverage in the tests).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from alphacheck._hac import lrv
from alphacheck._inputs import (
    InputError,
    as_returns,
    check_choice,
    check_magnitude,
    check_number,
    check_positive,
    check_probability,
    check_reps,
)
from alphacheck._resample import (
    METHODS,
    BlockPlan,
    Scheme,
    SeedLike,
    _plan_indices,
    map_index_chunks,
    map_plan_chunks,
    resolve_block_length,
)
from alphacheck._results import Result, format_number, frame_table, text_table
from alphacheck.risk._block_paths import block_path_extremes, range_tables, table_levels

__all__ = ["PerformanceSummary", "performance_summary", "metric_influence"]

METRICS = ("sortino", "calmar", "omega", "var", "cvar", "tail_ratio", "hit_rate", "skewness", "kurtosis")
_BOOTSTRAP_METRICS = ("calmar", "tail_ratio")
_LABELS = {
    "sortino": "Sortino ratio (per period)", "calmar": "Calmar ratio", "omega": "Omega ratio",
    "var": "VaR (historical)", "cvar": "CVaR / expected shortfall (historical)", "tail_ratio": "tail ratio",
    "hit_rate": "hit rate", "skewness": "skewness", "kurtosis": "excess kurtosis",
}


def _silverman_density(x: np.ndarray, at: float) -> float:
    """Gaussian kernel density at ``at`` with Silverman's rule h = 0.9 min(s, IQR/1.34) n^{-1/5}."""
    n = x.size
    s = float(x.std(ddof=1))
    iqr = float(np.subtract(*np.quantile(x, [0.75, 0.25])))
    spread = min(s, iqr / 1.34) if iqr > 0 else s
    h = 0.9 * spread * n ** -0.2
    return float(np.mean(np.exp(-0.5 * ((at - x) / h) ** 2)) / (h * math.sqrt(2 * math.pi)))


def metric_influence(x: np.ndarray, metric: str, *, threshold: float = 0.0,
                     var_level: float = 0.05) -> tuple[float, np.ndarray]:
    """(estimate, influence-function series ψ(r_t)) of one metric on validated returns (module docstring)."""
    mu = float(x.mean())
    c = threshold
    if metric == "sortino":
        down = np.minimum(x - c, 0.0) ** 2
        d2 = float(down.mean())
        if d2 <= 0:
            raise InputError("returns", "have no observation below the threshold: the Sortino ratio is undefined")
        d = math.sqrt(d2)
        s = (mu - c) / d
        return s, (x - mu) / d - s / (2 * d2) * (down - d2)
    if metric == "omega":
        up, dn = np.maximum(x - c, 0.0), np.maximum(c - x, 0.0)
        u, lo = float(up.mean()), float(dn.mean())
        if lo <= 0:
            raise InputError("returns", "have no observation below the threshold: the Omega ratio is undefined")
        return u / lo, (up - u) / lo - u / lo**2 * (dn - lo)
    if metric in ("var", "cvar"):
        q = float(np.quantile(x, var_level))
        below = x <= q
        if metric == "var":
            f = _silverman_density(x, q)
            return -q, -(var_level - below.astype(float)) / f
        es = -float(x[below].mean())
        return es, -(x - q) * below / var_level - q - es
    if metric == "hit_rate":
        p = float(np.mean(x > 0))
        return p, (x > 0).astype(float) - p
    sd = float(x.std())
    z = (x - mu) / sd
    g = float(np.mean(z**3))
    if metric == "skewness":
        return g, z**3 - g - 3 * z - 1.5 * g * (z**2 - 1)
    if metric == "kurtosis":
        k = float(np.mean(z**4))
        return k - 3.0, z**4 - 4 * g * z - 2 * k * z**2 + k
    raise InputError("metric", f"unknown metric {metric!r}")


def _growth(w_end: np.ndarray, n: int, periods_per_year: float | None) -> np.ndarray:
    """Compound growth rate per year (or per period without a calendar): W^{q/n} − 1."""
    q = periods_per_year if periods_per_year is not None else 1.0
    return np.power(np.maximum(w_end, 1e-300), q / n) - 1.0


def _path_metrics(paths: np.ndarray, periods_per_year: float | None, overwrite: bool = False,
                  tails: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Max drawdown, Calmar ratio and tail ratio of each row of simple returns (B, n).

    ``overwrite=True`` compounds in ``paths``' own memory (a temporary: the bootstrap's gathered paths), which
    saves three allocations and passes over B x n values. ``tails``: the rows' 5 % and 95 % quantiles (2, B)
    when the caller has them (:func:`_resampled_quantiles`), else ``np.quantile``.
    """
    n = paths.shape[1]
    q = np.quantile(paths, _TAILS, axis=1) if tails is None else tails
    w = np.add(paths, 1.0, out=paths if overwrite else None)
    np.cumprod(w, axis=1, out=w)
    w_end = w[:, -1].copy()
    peak = np.maximum.accumulate(w, axis=1)
    np.maximum(peak, 1.0, out=peak)  # W_0 = 1 is the first peak
    np.divide(w, peak, out=w)
    mdd = np.minimum(w.min(axis=1) - 1.0, 0.0)
    return _path_ratios(mdd, w_end, q, n, periods_per_year)


def _path_ratios(mdd: np.ndarray, w_end: np.ndarray, tails: np.ndarray, n: int,
                 periods_per_year: float | None) -> dict[str, np.ndarray]:
    """The path metrics from each path's max drawdown, end wealth and 5 % / 95 % quantiles (2, B): Calmar
    (growth / |MDD|, inf without a drawdown) and the tail ratio |q95| / |q05|."""
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.abs(tails[1]) / np.abs(tails[0])
        calmar = np.where(mdd < 0, _growth(w_end, n, periods_per_year) / np.abs(mdd), np.inf)
    return {"max_drawdown": mdd, "calmar": calmar, "tail_ratio": tail}


_TAILS = (0.05, 0.95)  # the tail ratio's quantiles


def _tail_position(n: int, q: float) -> tuple[int, float, bool, int, int]:
    """(m, gamma, top, deep, depth) of numpy's "linear" quantile q of n values counted from the nearer end:
    order statistics m and m + 1 interpolated by gamma, ``deep`` the farther of the two from that end and
    ``depth`` the band of ranks counted (about 3 deep: a resample rarely has fewer than deep draws in it)."""
    h = (n - 1) * q  # numpy's virtual index and interpolation weight for "linear"
    m = int(np.floor(h))
    top = q > 0.5
    deep = (n - 1 - m) if top else min(m + 1, n - 1)
    return m, h - m, top, deep, min(n, 3 * deep + 64)


def _in_band(ranks: np.ndarray, n: int, top: bool, depth: int) -> np.ndarray:
    """Which ``ranks`` (of n) lie in the band of ``depth`` ranks at the top (or the bottom) of the sample."""
    return ranks >= n - depth if top else ranks < depth


def _quantile_from_band(kept: np.ndarray, counts_per_row: np.ndarray, x_sorted: np.ndarray,
                        q: float) -> tuple[np.ndarray, np.ndarray]:
    """(quantile q of every row, rows answered) from the ranks ``kept`` that fall in q's band (row after row,
    ``counts_per_row`` of them per row): the j-th draw from the end is the first rank whose running count
    exceeds j. Rows with too few draws in the band come back unanswered (False)."""
    n, rows = x_sorted.size, counts_per_row.size
    m, gamma, top, deep, depth = _tail_position(n, q)
    from_end = (n - 1 - kept) if top else kept
    key = np.repeat(np.arange(rows, dtype=np.int64) * depth, counts_per_row) + from_end
    cum = np.cumsum(np.bincount(key, minlength=rows * depth).reshape(rows, depth), axis=1)
    a, b = (_order_statistic(cum, x_sorted, pos, top) for pos in (m, min(m + 1, n - 1)))
    diff = b - a
    res = a + diff * gamma
    if gamma >= 0.5:
        res = b - diff * (1 - gamma)
    return res, cum[:, -1] > deep


def _resampled_quantiles(ranks: np.ndarray, x_sorted: np.ndarray, probs: tuple[float, ...]) -> np.ndarray:
    """``np.quantile(x[idx], probs, axis=1)`` (method "linear", same bits) of rows resampled from one series.

    ``ranks = rank[idx]`` (rows, n): each draw's position in ``x_sorted``. A tail quantile needs two order
    statistics near position m = floor((n-1) q), counted from the nearer end: the draws within a depth D ≈ 3m of
    that end are counted per row by rank (one bincount over rows x D), and the j-th one from the end is the first
    rank whose running count exceeds j. About 3x faster than the partition np.quantile runs on every row at
    n = 50,000; a row with too few draws within the depth (a resample drawn almost entirely from the other side)
    falls back to sorting that row. Ties are ordered by rank, which orders equal values: the same values.
    """
    rows, n = ranks.shape
    out = np.empty((len(probs), rows))
    for i, q in enumerate(probs):
        _, _, top, _, depth = _tail_position(n, q)
        sel = _in_band(ranks, n, top, depth)
        kept = np.compress(sel.ravel(), ranks.ravel())  # 5x faster than ranks[sel] (numpy 2.4)
        res, ok = _quantile_from_band(kept, np.count_nonzero(sel, axis=1), x_sorted, q)
        if not ok.all():
            bad = np.flatnonzero(~ok)
            res[bad] = np.quantile(x_sorted[ranks[bad]], q, axis=1)
        out[i] = res
    return out


def _block_quantiles(plan: BlockPlan, rank2: np.ndarray, x_sorted: np.ndarray, bands: list[tuple[np.ndarray,
                     np.ndarray]], probs: tuple[float, ...]) -> np.ndarray:
    """:func:`_resampled_quantiles` of the replicates of ``plan`` without expanding them: block [s, s + L) of the
    doubled series holds the band draws ``band_ranks[C[s] : C[s + L]]`` (``bands[i] = (C, band_ranks)``: C[i] the
    number of band positions before i, band_ranks their ranks in position order), so only the ~3 q n draws in
    each band are touched. The same bits."""
    s, L = plan.starts, plan.lengths
    out = np.empty((len(probs), plan.reps))
    for i, q in enumerate(probs):
        before, band_ranks = bands[i]
        c0 = before[s].ravel()
        cnt = before[s + L].ravel() - c0
        offsets = np.cumsum(cnt) - cnt
        take = np.arange(int(offsets[-1] + cnt[-1]), dtype=np.int64) + np.repeat(c0 - offsets, cnt)
        res, ok = _quantile_from_band(band_ranks[take], cnt.reshape(s.shape).sum(axis=1), x_sorted, q)
        if not ok.all():
            bad = np.flatnonzero(~ok)
            idx = _plan_indices(plan[bad], wrap=False)
            res[bad] = np.quantile(x_sorted[rank2[idx]], q, axis=1)
        out[i] = res
    return out


def _order_statistic(cum: np.ndarray, x_sorted: np.ndarray, pos: int, top: bool) -> np.ndarray:
    """Ascending order statistic ``pos`` of every row from running rank counts from the bottom (or the top)."""
    n = x_sorted.size
    v = np.argmax(cum > ((n - 1 - pos) if top else pos), axis=1)
    return x_sorted[(n - 1 - v) if top else v]


# From this mean block length on, the paths are reduced block by block (:mod:`alphacheck.risk._block_paths`,
# O(blocks) per replicate) instead of expanded and compounded (O(n)). Measured on 2 threads, 499 replicates:
# n = 50,000: b = 5 0.69 s vs 0.41 s expanded, b = 10 0.36 vs 0.37, b = 50 0.11 vs 0.37; n = 2,000 alike.
_BLOCK_PATHS_FROM = 10.0
# Tables reach blocks this many mean lengths long (stationary lengths are geometric: 3e-4 of them are longer,
# and those are cut into pieces, the same path); fixed-length schemes need exactly b.
_TABLE_REACH = 8.0


def path_draws(x: np.ndarray, *, reps: int, bootstrap: str, block_length: float, seed: Any, n_jobs: int | None,
               periods_per_year: float | None) -> dict[str, np.ndarray]:
    """Max drawdown, Calmar and tail ratio of ``reps`` block-bootstrapped paths of validated returns ``x``.

    The paths are the first ``reps`` replicates of the plan of ``seed`` (:func:`alphacheck.bootstrap_indices`),
    in ``n_jobs`` threads; the audit draws them once for its drawdown percentile and its metric standard errors.
    Short blocks: each slice of replicates is expanded and compounded. Longer blocks (mean length
    ``_BLOCK_PATHS_FROM`` and up): each block is read off range tables in O(1) (max drawdown and end wealth in
    log wealth, equal to compounding to rounding; tail quantiles from the draws in the tails' rank bands, the
    same bits), so a replicate costs O(n / b).
    """
    n = x.size
    order = np.argsort(x, kind="stable")
    x_sorted = x[order]
    rank = np.empty(n, dtype=np.int32 if n < 2**31 else np.int64)
    rank[order] = np.arange(n)
    rank2 = np.concatenate([rank, rank])  # gathered by unwrapped indices
    keys = ("max_drawdown", *_BOOTSTRAP_METRICS)
    reach = int(np.ceil(block_length * (_TABLE_REACH if bootstrap == "stationary" else 1.0)))
    if bootstrap == "iid" or block_length < _BLOCK_PATHS_FROM or (
            1 << (table_levels(n, reach) - 1)) < block_length:  # tables too narrow (memory cap): pieces cost more
        x2 = np.concatenate([x, x])

        def work(idx: np.ndarray) -> dict[str, np.ndarray]:  # ~2**21 indices at a time
            tails = _resampled_quantiles(rank2[idx], x_sorted, _TAILS)
            return _path_metrics(x2[idx], periods_per_year, overwrite=True, tails=tails)

        chunks = map_index_chunks(work, n, reps, bootstrap, block_length, seed, n_jobs, wrap=False)
        return {k: np.concatenate([ch[k] for ch in chunks]) for k in keys}

    tables = range_tables(x, reach)
    bands = []
    for q in _TAILS:
        _, _, top, _, depth = _tail_position(n, q)
        inside = _in_band(rank2, n, top, depth)
        before = np.zeros(2 * n + 1, dtype=np.int64)
        np.cumsum(inside, out=before[1:])
        bands.append((before, rank2[inside]))

    def blocks(plan: BlockPlan) -> dict[str, np.ndarray]:
        mdd, log_end = block_path_extremes(tables, plan)
        with np.errstate(over="ignore"):  # a path whose wealth overflows has infinite growth, as compounded
            w_end = np.exp(log_end)
        return _path_ratios(mdd, w_end, _block_quantiles(plan, rank2, x_sorted, bands, _TAILS), n, periods_per_year)

    chunks = map_plan_chunks(blocks, n, reps, bootstrap, block_length, seed, n_jobs)
    return {k: np.concatenate([ch[k] for ch in chunks]) for k in keys}


@dataclasses.dataclass(frozen=True)
class PerformanceSummary(Result):
    """Performance metrics with standard errors and confidence intervals.

    Attributes
    ----------
    table : DataFrame
        One row per metric: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``method`` (influence function +
        HAC long-run variance, or block bootstrap) and ``description``.
    n : int
    confidence_level : float
    threshold : float
        Minimum acceptable return of the Sortino and Omega ratios.
    var_level : float
        Tail probability of VaR and CVaR (0.05: the 95 % VaR).
    periods_per_year : float or None
        Calendar of the Calmar ratio's growth rate (None: per period).
    block_length : float
        Block length of the bootstrap metrics.
    reps : int
    """

    table: pd.DataFrame
    n: int
    confidence_level: float
    threshold: float
    var_level: float
    periods_per_year: float | None
    block_length: float
    reps: int

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        tab = self.table[["estimate", "se", "ci_low", "ci_high", "method"]]
        rows: list[tuple[str, Any]] = [
            ("observations", self.n), ("interval level", self.confidence_level),
            ("threshold (Sortino, Omega)", self.threshold), ("VaR / CVaR tail probability", self.var_level),
            ("Calmar growth", "per year" if self.periods_per_year else "per period"),
            ("bootstrap", f"stationary block bootstrap, block length {format_number(self.block_length)}, "
                          f"{self.reps:,} replicates (Calmar, tail ratio)")]
        return frame_table(tab, title="Performance summary (standard errors and intervals)") + "\n" + text_table(rows)

    def _repr_html_(self) -> str:
        return self.table.to_html(float_format=format_number)


def performance_summary(returns: ArrayLike, *, periods_per_year: float | None = None, threshold: float = 0.0,
                        var_level: float = 0.05, reps: int = 9_999, bootstrap: Scheme = "stationary",
                        block_length: float | str = "auto", seed: SeedLike = None, n_jobs: int | None = None,
                        confidence_level: float = 0.95, check_returns: bool = True) -> PerformanceSummary:
    """Sortino, Calmar, Omega, VaR/CVaR, tail ratio, hit rate, skewness and kurtosis, each with a standard error.

    Parameters
    ----------
    returns : array_like
        Per-period simple returns. A DatetimeIndex sets ``periods_per_year`` when it is not given.
    periods_per_year : float or None
        Calendar of the Calmar ratio (compound growth per year over |max drawdown|); None and no dates: the
        growth per period.
    threshold : float
        Minimum acceptable return (per period) of the Sortino and Omega ratios.
    var_level : float
        Tail probability α of VaR and CVaR (0.05: 95 % VaR); reported as positive losses.
    reps, bootstrap, block_length, seed, n_jobs
        The block bootstrap of the Calmar and tail ratios: replicates, scheme, block length ("auto": Politis &
        White 2004), seed, threads.
    confidence_level : float
        Level of the intervals.
    check_returns : bool
        Refuse inputs that look like prices, cumulative returns, percent or positions.

    Returns
    -------
    PerformanceSummary
        ``table`` (and ``to_frame()``) with estimate, se, ci_low, ci_high and the route of each metric.

    Notes
    -----
    Measured coverage of the 95 % intervals (tests/alphacheck/test_coverage_metrics.py, n = 1,000, 120 worlds):
    Sortino, Omega and hit rate cover within binomial error on iid t(4) and GARCH(1,1) returns. The historical
    VaR and CVaR intervals do not under heavy tails and volatility clustering — VaR 95.0 % / CVaR 86.7 % on iid
    t(4), VaR 69.2 % / CVaR 65.0 % on GARCH: read them as lower bounds on the uncertainty of a tail quantile.

    References
    ----------
    Chen, X. & Martin, R. D. (2021), "Standard errors of risk and performance estimators for serially correlated
    returns", SSRN 3085672 (the influence-function route); Zhang, S., Martin, R. D. & Christidis, A. A. (2021),
    "Influence functions for risk and performance estimators", J. Math. Finance 11(1), 15-47; Sortino & Price
    (1994), J. Investing 3(3); Keating & Shadwick (2002), J. Performance Measurement 6(3); Young (1991),
    Futures 20(12) (Calmar); Acerbi & Tasche (2002), J. Banking Finance 26(7); Andrews & Monahan (1992),
    Econometrica 60(4); Politis & Romano (1994), JASA 89(428).

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(0).normal(0.0005, 0.01, 1000)
    >>> s = performance_summary(r, periods_per_year=252, reps=499, seed=1)
    >>> list(s.table.index)[:3], bool((s.table["se"] > 0).all())
    (['sortino', 'calmar', 'omega'], True)
    """
    level = check_probability(confidence_level, "confidence_level")
    c = check_number(threshold, "threshold")
    check_magnitude(np.array([c]), "threshold")
    alpha = check_probability(var_level, "var_level")
    reps = check_reps(reps)
    bootstrap = check_choice(bootstrap, "bootstrap", METHODS)
    chk = as_returns(returns, "returns", min_obs=30, require_variance=True, check_returns=check_returns)
    x = chk.values
    if (x <= -1.0).any():
        raise InputError("returns", "has returns <= -1: compounded wealth would be zero or negative")
    ppy = check_positive(periods_per_year, "periods_per_year", allow_none=True)
    if ppy is None and isinstance(chk.index, pd.DatetimeIndex) and x.size >= 2:
        years = (chk.index[-1] - chk.index[0]) / pd.Timedelta(days=365.25)
        ppy = (x.size - 1) / years if years > 0 else None
    return _performance_summary(x, periods_per_year=ppy, threshold=c, var_level=alpha, reps=reps,
                                bootstrap=bootstrap, block_length=block_length, seed=seed, n_jobs=n_jobs,
                                confidence_level=level)


def _performance_summary(x: np.ndarray, *, periods_per_year: float | None, threshold: float, var_level: float,
                         reps: int, bootstrap: str, block_length: Any, seed: Any, n_jobs: int | None,
                         confidence_level: float, draws: dict[str, np.ndarray] | None = None) -> PerformanceSummary:
    """The engine of :func:`performance_summary` on validated returns (no return <= -1); the audit calls it with
    ``draws``, the :func:`path_draws` of the same ``reps``, scheme, block length and seed, computed once."""
    ppy, c, alpha, level = periods_per_year, threshold, var_level, confidence_level
    n = x.size
    z = float(special.ndtri(0.5 + level / 2))
    rows = {}
    for name in METRICS:
        if name in _BOOTSTRAP_METRICS:
            continue
        est, psi = metric_influence(x, name, threshold=c, var_level=alpha)
        se = math.sqrt(lrv(psi).value / n) if np.ptp(psi) > 0 else 0.0
        rows[name] = (est, se, est - z * se, est + z * se,
                      "influence function, prewhitened QS long-run variance (Chen & Martin 2021)")
    b = resolve_block_length(block_length, x, bootstrap)

    boot = draws if draws is not None else path_draws(x, reps=reps, bootstrap=bootstrap, block_length=b, seed=seed,
                                                      n_jobs=n_jobs, periods_per_year=ppy)
    observed = _path_metrics(x[None, :], ppy)
    for name in _BOOTSTRAP_METRICS:
        rep = boot[name]
        fin = rep[np.isfinite(rep)]
        est = float(observed[name][0])
        if fin.size < 2:
            raise InputError("returns", f"the {name} is undefined on almost every resampled path")
        lo, hi = np.quantile(fin, [(1 - level) / 2, (1 + level) / 2])
        rows[name] = (est, float(np.std(fin, ddof=1)), float(lo), float(hi),
                      f"{bootstrap} block bootstrap (block length {b:.3g}, {reps:,} replicates), percentile interval")
    table = pd.DataFrame({m: rows[m] for m in METRICS}, index=["estimate", "se", "ci_low", "ci_high", "method"]).T
    table[["estimate", "se", "ci_low", "ci_high"]] = table[["estimate", "se", "ci_low", "ci_high"]].astype(float)
    desc = dict(_LABELS)
    desc["var"] = f"VaR at {1 - alpha:.0%} (a positive loss)"
    desc["cvar"] = f"CVaR / expected shortfall at {1 - alpha:.0%} (a positive loss)"
    desc["calmar"] = "Calmar ratio (" + ("annual" if ppy else "per-period") + " compound growth / |max drawdown|)"
    table["description"] = [desc[m] for m in METRICS]
    table.index.name = "metric"
    return PerformanceSummary(table=table, n=int(n), confidence_level=level, threshold=c, var_level=alpha,
                              periods_per_year=ppy, block_length=float(b), reps=int(reps))
