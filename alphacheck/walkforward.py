"""Walk-forward evaluation of a parameterised strategy over any splitter.

Design: the strategy is evaluated **once per parameter set over the whole sample**, then sliced by
the splitter's indices. So ``strategy(params, data)`` must return one return per row of ``data`` and
must be *causal*: its return at row ``t`` may use information up to ``t`` only (signals formed with
data through ``t-1``, held over ``t``). A strategy that fits something on the whole sample
(e.g. a z-score with full-sample mean) leaks the future into every window and this tool cannot see
that. In exchange the grid costs one strategy run per parameter set, not one per (split × set).

For every split, each parameter set is scored on the training rows, the best is chosen, and its
returns on the test rows are recorded. Scores of all (split, set) pairs come from prefix sums over
the (T × K) return matrix — a few array slices per split, no Python loop over observations.

Choice rule: the chosen set maximises the in-sample score among the sets whose score is defined; a
Sharpe ratio is undefined (NaN) on fewer than 2 observations, on a constant window (e.g. all zero:
no trade; detected exactly, not through a rounded variance) or when variance <= 1e-14 mean^2 (values
equal to 7 digits), a mean on 0 observations. Ties go to the first set in grid order. When no set
has a defined score the window is *skipped*: it is listed in ``windows`` with ``skipped=True`` and
contributes no out-of-sample returns.

Degradation measures (Bailey, Borwein, López de Prado & Zhu 2017, "The probability of backtest
overfitting", J. Computational Finance 20(4), sec. 2 and fig. "OOS performance degradation"):
``degradation`` = mean in-sample score of the chosen sets − mean out-of-sample score of the same
sets; ``is_oos_slope`` = OLS slope of the chosen sets' OOS score on their IS score across windows
(negative under overfitting); ``is_oos_rank_correlation`` = mean over windows of the Spearman
correlation between IS and OOS scores across all parameter sets.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from tqdm.auto import tqdm

from alphacheck._columns import chunk_bounds
from alphacheck._inputs import MAX_ABS, InputError, as_series, check_n_jobs, check_positive
from alphacheck._resample import joblib_configured, run_chunks
from alphacheck._results import Result, frame_table, text_table
from alphacheck.splits import _blocks

__all__ = ["walk_forward", "WalkForwardResult"]

_ZERO_VAR_RTOL = 1e-14
# Columns per prefix-sum task (a thread's share of the scoring set-up): small enough for its scratch arrays to
# be reused from cache-sized buffers.
_COLS = 16
_local = threading.local()


def _scratch(name: str, shape: tuple[int, int], dtype: Any = np.float64) -> np.ndarray:
    """A per-thread column-major scratch array, reused across tasks (fresh large temporaries cost page faults)."""
    buf = getattr(_local, name, None)
    size = shape[0] * shape[1]
    if buf is None or buf.size < size or buf.dtype != np.dtype(dtype):
        buf = np.empty(size, dtype=dtype)
        setattr(_local, name, buf)
    return buf[:size].reshape(shape, order="F")


@dataclasses.dataclass(frozen=True)
class WalkForwardResult(Result):
    """Outcome of :func:`walk_forward`.

    Attributes
    ----------
    oos_returns : the chosen sets' test-window returns, concatenated in split order (Series indexed
        like ``data`` when ``data`` was pandas, else ndarray)
    windows : one row per split: train/test start and end (index labels, or positions), n_train,
        n_test, param_index, params, is_score, oos_score, skipped
    is_scores, oos_scores : DataFrames (splits × parameter sets) of every set's IS / OOS score
    performance_matrix : (T × K) full-sample returns of every parameter set (input for ``pbo``);
        DataFrame when ``data`` was pandas
    params : the K parameter sets, in grid order (column j of the matrices)
    metric : name of the score ("sharpe", "mean" or the callable's name)
    n_splits, n_skipped : windows produced by the splitter / skipped (no defined IS score)
    is_score_mean, oos_score_mean : mean IS / OOS score of the chosen sets over used windows
    degradation : is_score_mean − oos_score_mean
    is_oos_slope : OLS slope of chosen OOS score on chosen IS score across windows (NaN if < 3
        windows or constant IS scores)
    is_oos_rank_correlation : mean per-window Spearman correlation of IS vs OOS scores across sets
    oos_score : the score of the whole concatenated ``oos_returns``
    """

    oos_returns: np.ndarray | pd.Series
    windows: pd.DataFrame
    is_scores: pd.DataFrame
    oos_scores: pd.DataFrame
    performance_matrix: np.ndarray | pd.DataFrame
    params: tuple
    metric: str
    n_splits: int
    n_skipped: int
    is_score_mean: float
    oos_score_mean: float
    degradation: float
    is_oos_slope: float
    is_oos_rank_correlation: float
    oos_score: float

    def summary(self) -> str:
        head = text_table(self._summary_rows(), title="Walk-forward evaluation")
        cols = ["test_start", "test_end", "n_test", "params", "is_score", "oos_score"]
        return head + "\n" + frame_table(self.windows[cols], title="Windows (chosen parameter set per split)")

    def to_frame(self) -> pd.DataFrame:
        """The per-window table (same as ``windows``)."""
        return self.windows.copy()


# --------------------------------------------------------------------------------------------------


def _param_sets(param_grid: Any) -> list[dict]:
    if isinstance(param_grid, Mapping):
        grids = [param_grid]
    elif isinstance(param_grid, Sequence) and not isinstance(param_grid, str) and all(
        isinstance(g, Mapping) for g in param_grid
    ):
        grids = list(param_grid)
    else:
        raise InputError("param_grid", "must be a dict of lists or a list of dicts")
    # a scalar value means a single choice, so a list of plain dicts is a list of parameter sets
    grids = [{k: (v if isinstance(v, (list, tuple, np.ndarray)) else [v]) for k, v in g.items()} for g in grids]
    from sklearn.model_selection import ParameterGrid

    try:
        sets = list(ParameterGrid(grids))
    except (TypeError, ValueError) as exc:
        raise InputError("param_grid", str(exc)) from None
    if not sets:
        raise InputError("param_grid", "contains no parameter set")
    return sets


# A strategy call at least this long (measured on the first parameter set) goes to worker processes when
# n_jobs > 1; shorter ones run in threads, each task a block of calls followed by the block's prefix sums.
# Process workers cost ~1-2 s to start and pickle ``data`` to every task; numpy/pandas strategies release the
# GIL inside their array operations (measured on 2 cores, 720 sets x 43,800 hourly rows, ~1.5 ms a call:
# processes 2x slower than serial).
_PROCESS_SECONDS = 0.05


def _run_grid(strategy: Callable, sets: list[dict], data: Any, workers: int, configured: bool,
              n_jobs: int | None) -> list:
    """Evaluate parameter sets through the active ``joblib.parallel_config`` backend (e.g. Dask) when one is set,
    else in worker processes (the caller measured a first call of _PROCESS_SECONDS or more)."""
    from joblib import Parallel, delayed

    if configured:
        jobs = workers if n_jobs != 1 else None  # None: the context's number of jobs
        return list(Parallel(n_jobs=jobs)(delayed(_run_one)(strategy, p, data) for p in sets))
    return list(Parallel(n_jobs=workers, prefer="processes")(delayed(_run_one)(strategy, p, data) for p in sets))


def _label(params: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items()) or "(default)"


def _run_one(strategy: Callable, params: dict, data: Any) -> Any:
    return strategy(params, data)


def _as_column(out: Any, label: str, n: int, index: pd.Index | None) -> np.ndarray:
    name = f"strategy output for {label}"
    if isinstance(out, pd.Series) and index is not None and not out.index.equals(index):
        raise InputError(name, "is a Series whose index differs from data's index; return returns aligned to data rows")
    checked = as_series(out, name, min_obs=1)
    if len(checked) != n:
        raise InputError(name, f"has {len(checked)} values but data has {n} rows; return one return per row")
    return checked.values


class _WindowScorer:
    """Scores all K columns of R over arbitrary index sets via prefix sums of centred returns.

    Prefix sums make a window's mean and sum of squares O(1) per block, but their rounding error grows
    with the whole sample, not the window: over ~55,000 rows an all-zero window's variance comes out
    ~1e-20 instead of 0 (a Sharpe of ~1e-7 instead of NaN). Hence two guards:

    * constant windows (all-zero included) are detected exactly from prefix counts of changes
      ``R[t] != R[t-1]`` — no rounding — and get an undefined Sharpe and their exact value as mean;
    * a window's centred sum of squares ``ss = s2 - s1^2/n`` is trusted only when it exceeds 10^6 times
      a bound on its rounding error (sequential prefix sums: entry k carries at most ~k eps times the
      sum of |terms|, Higham 2002, *Accuracy and Stability of Numerical Algorithms*, eq. (4.4)), i.e.
      ``4 B T eps (sum C^2 + |s1| sum|C| / n)`` for a window of B blocks; otherwise that column's mean
      and variance are recomputed directly (two-pass) from the window's rows.
    """

    _TRUST = 1e6  # ss must exceed the rounding bound by this factor (relative error <= 1e-6)

    def __init__(self, R: np.ndarray, metric: Any, periods_per_year: float | None, filled: bool = True,
                 rows: np.ndarray | None = None):
        self.R = R
        self.score = metric
        self.ann = 1.0 if periods_per_year is None else float(periods_per_year)
        T, K = R.shape
        self.col_mean = np.empty(K)
        # only the prefix rows the windows read are kept (``rows``: sorted, with 0 and T; None = every row): at
        # 720 sets x 43,800 rows the full prefix matrices were ~0.75 GB of fresh pages, and page faults serialise
        # the threads. Row-major: a window reads a few rows of K values each.
        self.rows = np.arange(T + 1) if rows is None else np.asarray(rows, dtype=np.int64)
        self._pos = np.full(T + 1, -1, dtype=np.int64)
        self._pos[self.rows] = np.arange(self.rows.size)
        # change[q] = R[q+1] != R[q]; D[r] = Σ_{q < r-1} change[q] is the running total up to segment start r - 1
        ends = np.maximum(self.rows - 1, 0)
        c_starts = np.unique(ends[ends < T - 1])  # contains 0 (row 0) when T > 1
        self._change_rows = (c_starts, np.searchsorted(c_starts, ends))
        m = self.rows.size
        self.S1 = np.empty((m, K))
        self.S2 = np.empty((m, K))
        # D[i] = number of positions p in 1..i-1 with R[p] != R[p-1]; block [a, b) is constant iff D[b] == D[a+1]
        self.D = np.zeros((m, K), dtype=np.int64)
        self._abs_sum = np.empty(K)
        if not filled:  # the caller fills R's columns and calls prefix() on them, then finish()
            return
        for lo, hi in chunk_bounds(T, K, _COLS):
            self.prefix(slice(lo, hi))
        self.finish()

    @staticmethod
    def rows_for(windows: Sequence[np.ndarray], n: int) -> np.ndarray:
        """The prefix rows that scoring ``windows`` (sorted index arrays) reads: 0, n and each block's a, a + 1, b."""
        parts = [np.array([0, n], dtype=np.int64)]
        for idx in windows:
            if idx.size:
                blocks = np.asarray(_blocks(idx), dtype=np.int64)
                parts += [blocks[:, 0], blocks[:, 0] + 1, blocks[:, 1]]
        return np.unique(np.concatenate(parts))

    def finish(self) -> None:
        eps = np.finfo(np.float64).eps
        T = self.R.shape[0]
        self._err_s2 = 4.0 * T * eps * self.S2[self._pos[T]]  # per block
        self._err_s1 = 4.0 * T * eps * self._abs_sum  # per block, times |s1| / n

    def prefix(self, sl: slice) -> None:
        """Column means (and, for the built-in metrics, the prefix sums) of the columns ``sl`` of R."""
        if callable(self.score):
            self.col_mean[sl] = self.R[:, sl].mean(axis=0)
        else:
            self._prefix(sl, self._abs_sum)

    def _prefix(self, sl: slice, abs_sum: np.ndarray) -> None:
        """Means and the kept prefix rows of the columns ``sl`` (a thread's share) of the column-major R.

        The prefix sums at the kept rows r_0 = 0 < r_1 < ... < r_m = T are the running totals of the segment sums
        Σ_{r_j <= t < r_{j+1}} (one ``np.add.reduceat`` pass over the columns, then a cumulative sum over m rows):
        4x faster than a full ``np.cumsum`` along the rows, which also holds the GIL (the threads queued on it).
        The rounding of each kept row is then at most that of the sequential prefix sum it replaces, so the
        error bound of the class docstring still holds."""
        R = self.R[:, sl]
        T, w = R.shape
        C = _scratch("c", (T, w))
        buf = _scratch("a", (T, w))
        self.col_mean[sl] = R.sum(axis=0) / T
        np.subtract(R, self.col_mean[sl], out=C)  # centring keeps sum-of-squares cancellation small
        np.abs(C, out=buf)
        abs_sum[sl] = buf.sum(axis=0)
        starts = self.rows[:-1]
        self.S1[0, sl] = 0.0
        np.cumsum(np.add.reduceat(C, starts, axis=0), axis=0, out=self.S1[1:, sl])
        np.multiply(C, C, out=buf)
        self.S2[0, sl] = 0.0
        np.cumsum(np.add.reduceat(buf, starts, axis=0), axis=0, out=self.S2[1:, sl])
        if T > 1:
            change = _scratch("d", (T - 1, w), bool)
            np.not_equal(R[1:], R[:-1], out=change)
            c_starts, c_pos = self._change_rows
            counts = np.zeros((c_starts.size + 1, w), dtype=np.int64)
            np.cumsum(np.add.reduceat(change, c_starts, axis=0, dtype=np.int64), axis=0, out=counts[1:])
            self.D[:, sl] = counts[c_pos]

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        K = self.R.shape[1]
        if callable(self.score):
            out = np.asarray(self.score(self.R[idx]), dtype=np.float64)
            if out.shape != (K,):
                raise InputError("metric", f"callable must map an (n_obs, {K}) return matrix to {K} scores, got {out.shape}")
            return out
        n = idx.size
        if n == 0:
            return np.full(K, np.nan)
        blocks = _blocks(idx)
        s1 = np.zeros(K)
        s2 = np.zeros(K)
        changes = np.zeros(K, dtype=np.int64)
        first = self.R[blocks[0][0]]
        pos = self._pos
        for a, b in blocks:
            pa, pb = pos[a], pos[b]
            if pa < 0 or pb < 0 or pos[a + 1] < 0:
                raise RuntimeError("walk_forward: a window reads a prefix row that was not kept")
            s1 += self.S1[pb] - self.S1[pa]
            s2 += self.S2[pb] - self.S2[pa]
            changes += self.D[pb] - self.D[pos[a + 1]]
            changes += self.R[a] != first  # a block starting at another value breaks constancy
        constant = changes == 0
        mc = s1 / n
        mean = np.where(constant, first, mc + self.col_mean)
        ss = s2 - s1 * mc
        bound = len(blocks) * (self._err_s2 + self._err_s1 * np.abs(mc))
        direct = ~constant & (ss <= self._TRUST * bound)
        var = ss / (n - 1) if n > 1 else np.full(K, np.nan)
        if direct.any():
            cols = np.flatnonzero(direct)
            x = self.R[np.ix_(idx, cols)]
            mean[cols] = x.mean(axis=0)
            if n > 1:
                var[cols] = x.var(axis=0, ddof=1)
        if self.score == "mean":
            return mean * self.ann
        if n < 2:
            return np.full(K, np.nan)
        undefined = constant | (var <= _ZERO_VAR_RTOL * mean * mean)
        sd = np.sqrt(np.where(undefined, 1.0, var))
        return np.where(undefined, np.nan, mean / sd * np.sqrt(self.ann))


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return np.nan
    return float(stats.spearmanr(x[ok], y[ok]).statistic)


def _rank_correlations(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman correlation of the rows of ``a`` and ``b`` (splits x sets): the Pearson correlation of their
    average ranks, all fully finite rows at once (scipy's ``spearmanr`` per row cost 1.5 ms); rows with a
    non-finite score go through :func:`_rank_correlation` (which drops those sets)."""
    out = np.full(a.shape[0], np.nan)
    full = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    if full.any() and a.shape[1] >= 3:
        ra = stats.rankdata(a[full], axis=1)
        rb = stats.rankdata(b[full], axis=1)
        ra -= ra.mean(axis=1, keepdims=True)
        rb -= rb.mean(axis=1, keepdims=True)
        den = np.sqrt(np.einsum("ij,ij->i", ra, ra) * np.einsum("ij,ij->i", rb, rb))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[full] = np.where(den > 0, np.einsum("ij,ij->i", ra, rb) / den, np.nan)
    for s in np.flatnonzero(~full):
        out[s] = _rank_correlation(a[s], b[s])
    return out


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """OLS slope cov(x, y)/var(x); NaN with fewer than 3 points or (numerically) constant x."""
    if x.size < 3:
        return np.nan
    xc, yc = x - x.mean(), y - y.mean()
    sxx = float(np.einsum("i,i->", xc, xc))
    if not sxx > 1e-20 * max(float(np.einsum("i,i->", x, x)), 1e-300):
        return np.nan
    return float(np.einsum("i,i->", xc, yc)) / sxx


def walk_forward(
    strategy: Callable[[dict, Any], Any],
    param_grid: Mapping[str, Sequence] | Sequence[Mapping[str, Any]],
    data: Any,
    *,
    splitter: Any,
    metric: Literal["sharpe", "mean"] | Callable[[np.ndarray], np.ndarray] = "sharpe",
    n_jobs: int | None = 1,
    periods_per_year: float | None = None,
) -> WalkForwardResult:
    """Choose parameters in-sample on each split and record their out-of-sample returns.

    Parameters
    ----------
    strategy : ``strategy(params, data) -> returns`` — one per-period return per row of ``data``
        (Series aligned to ``data.index``, or array), **causal** (return at t uses information up to
        t only); called once per parameter set on the whole sample (see the module docstring).
    param_grid : dict of lists (a grid, via ``sklearn.model_selection.ParameterGrid``) or a list of
        dicts (each a grid; scalar values are single choices, so a list of plain dicts lists sets).
    data : whatever the strategy needs; ``len(data)`` rows, passed to ``splitter.split(data)``.
    splitter : any scikit-learn splitter (``WalkForward``, ``CalendarWindows``, ``PurgedKFold``, ...)
        whose test sets do not overlap (one OOS return per period).
    metric : "sharpe" (mean/std, ddof=1, × sqrt(periods_per_year) if given), "mean" (× periods_per_year
        if given), or a callable mapping an ``(n_obs, K)`` return matrix to ``K`` scores (higher is better).
    n_jobs : workers (results identical to ``n_jobs=1``). The parameter sets run in ``n_jobs`` threads, 16 sets
        and their prefix sums per task (so the strategy calls and the scoring set-up share the cores), or in worker
        processes when the first call takes 50 ms or more (then the process start-up pays for itself), so
        ``strategy`` must be safe to call concurrently (a pure function of ``params`` and ``data``, as the causal
        design asks anyway); the window scores run in threads. Inside a
        ``joblib.parallel_config(backend=...)`` context (e.g. ``backend="dask"``) the parameter sets go to that
        backend, also with the default ``n_jobs=1``.
    periods_per_year : annualisation factor for the score; None keeps per-period scores.

    Returns
    -------
    WalkForwardResult

    References
    ----------
    Bailey, Borwein, López de Prado & Zhu (2017), J. Computational Finance 20(4), sec. 2 (degradation);
    López de Prado (2018), Advances in Financial Machine Learning, ch. 7 and 11-12.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from alphacheck import WalkForward
    >>> r = pd.Series(np.random.default_rng(0).normal(0, 0.01, 600))
    >>> rule = lambda p, x: np.sign(x.shift(1).rolling(p["w"]).mean()).fillna(0) * x
    >>> res = walk_forward(rule, {"w": [5, 20]}, r, splitter=WalkForward(train_size=200, test_size=100))
    >>> res.n_splits
    4
    """
    score = metric
    if not (callable(score) or score in ("sharpe", "mean")):
        raise InputError("metric", f"must be 'sharpe', 'mean' or a callable, got {score!r}")
    if periods_per_year is not None:
        periods_per_year = check_positive(periods_per_year, "periods_per_year")
    if not callable(strategy):
        raise InputError("strategy", "must be callable as strategy(params, data)")
    if not hasattr(splitter, "split"):
        raise InputError("splitter", "must have a split(X) method yielding (train_idx, test_idx)")
    try:
        n = len(data)
    except TypeError:
        raise InputError("data", f"must have a length (rows), got {type(data).__name__}") from None
    index = data.index if isinstance(data, (pd.Series, pd.DataFrame)) else None

    sets = _param_sets(param_grid)
    labels = [_label(p) for p in sets]
    if len(set(labels)) != len(labels):
        labels = [f"{j}: {lab}" for j, lab in enumerate(labels)]

    # 1. the splits (first: the scorer keeps only the prefix rows their windows read)
    splits = [(np.asarray(tr, dtype=np.int64), np.asarray(te, dtype=np.int64)) for tr, te in splitter.split(data)]
    if not splits:
        raise InputError("splitter", "produced no split for this data")
    seen = np.zeros(n, dtype=bool)
    for _, te in splits:
        if seen[te].any():
            raise InputError(
                "splitter",
                "has overlapping test sets; walk_forward records one out-of-sample return per period, "
                "so use non-overlapping test windows (e.g. step >= test_size)",
            )
        seen[te] = True
    sorted_splits = [(np.sort(tr), np.sort(te)) for tr, te in splits]

    # 2. every parameter set's full-sample returns, once, and their prefix sums
    workers = check_n_jobs(n_jobs)
    configured = joblib_configured()
    R = np.empty((n, len(sets)), order="F")  # column-major: each set's returns and prefix sums are contiguous
    kept = None if callable(score) else _WindowScorer.rows_for([w for sp in sorted_splits for w in sp], n)
    scorer = _WindowScorer(R, score, periods_per_year, filled=False, rows=kept)
    blocks = [slice(lo, hi) for lo, hi in chunk_bounds(n, len(sets), _COLS)]

    def fill(sl: slice, outs: Sequence) -> None:
        for j, o in zip(range(sl.start, sl.stop), outs):
            if type(o) is np.ndarray and o.dtype == np.float64 and o.shape == (n,):
                R[:, j] = o  # checked with the block below (two reductions instead of a validation per call)
            else:
                R[:, j] = _as_column(o, labels[j], n, index)
        block = R[:, sl]
        bad = ~((block.max(axis=0) <= MAX_ABS) & (block.min(axis=0) >= -MAX_ABS))  # NaN compares False
        for col in (sl.start + np.flatnonzero(bad)).tolist():  # the column's own validation names it
            _as_column(R[:, col], labels[col], n, index)
        scorer.prefix(sl)

    def run_block(sl: slice) -> None:  # a block of sets: their calls, then their prefix sums (one task)
        fill(sl, [_run_one(strategy, p, data) for p in sets[sl]])

    if workers == 1 and not configured:
        show = sys.stderr.isatty() and len(sets) > 1
        for sl in tqdm(blocks, desc="strategy grid", disable=not show, unit="block"):
            run_block(sl)
    else:
        start = time.perf_counter()
        first = _run_one(strategy, sets[0], data)
        seconds = time.perf_counter() - start
        if configured or seconds >= _PROCESS_SECONDS:
            outs = _run_grid(strategy, sets[1:], data, workers, configured, n_jobs)
            outs.insert(0, first)
            run_chunks(lambda sl: fill(sl, outs[sl]), blocks, workers)
            del outs
        else:  # quick calls: each thread runs a block of calls and its prefix sums, so both halves share the cores
            fill(blocks[0], [first, *(_run_one(strategy, p, data) for p in sets[blocks[0]][1:])])
            run_chunks(run_block, blocks[1:], workers)
    scorer.finish()

    # 3. score every set on every split, choose in-sample, record out-of-sample
    if callable(score) or workers == 1:
        IS = np.vstack([scorer(tr) for tr, _ in sorted_splits])
        OOS = np.vstack([scorer(te) for _, te in sorted_splits])
    else:  # our own arithmetic: safe in threads, numpy releases the GIL on the (n x K) gathers
        scored = run_chunks(lambda sp: (scorer(sp[0]), scorer(sp[1])), sorted_splits, workers)
        IS = np.vstack([a for a, _ in scored])
        OOS = np.vstack([b for _, b in scored])

    pos_label = (lambda i: index[i]) if index is not None else (lambda i: int(i))
    rows, oos_parts, oos_idx = [], [], []
    for s, (tr, te) in enumerate(sorted_splits):
        defined = np.isfinite(IS[s])
        skipped = not defined.any()
        j = -1 if skipped else int(np.argmax(np.where(defined, IS[s], -np.inf)))
        rows.append({
            "train_start": pos_label(tr[0]) if tr.size else None,
            "train_end": pos_label(tr[-1]) if tr.size else None,
            "test_start": pos_label(te[0]),
            "test_end": pos_label(te[-1]),
            "n_train": int(tr.size),
            "n_test": int(te.size),
            "param_index": j,
            "params": None if skipped else _label(sets[j]),
            "is_score": np.nan if skipped else float(IS[s, j]),
            "oos_score": np.nan if skipped else float(OOS[s, j]),
            "skipped": skipped,
        })
        if not skipped:
            oos_parts.append(R[te, j])
            oos_idx.append(te)
    windows = pd.DataFrame(rows)
    windows.index.name = "split"

    oos_values = np.concatenate(oos_parts) if oos_parts else np.empty(0)
    oos_positions = np.concatenate(oos_idx) if oos_idx else np.empty(0, dtype=np.int64)
    oos_returns: Any = oos_values if index is None else pd.Series(oos_values, index=index[oos_positions], name="oos_returns")
    oos_score = _score_series(oos_values, score, periods_per_year)

    used = ~windows["skipped"].to_numpy()
    chosen_is = windows["is_score"].to_numpy(dtype=float)[used]
    chosen_oos = windows["oos_score"].to_numpy(dtype=float)[used]
    both = np.isfinite(chosen_is) & np.isfinite(chosen_oos)
    is_mean = float(np.mean(chosen_is[both])) if both.any() else np.nan
    oos_mean = float(np.mean(chosen_oos[both])) if both.any() else np.nan
    rank_corrs = _rank_correlations(IS, OOS)
    rank_corr = float(np.mean(rank_corrs[np.isfinite(rank_corrs)])) if np.isfinite(rank_corrs).any() else np.nan

    perf: Any = R if index is None else pd.DataFrame(R, index=index, columns=labels, copy=False)
    score_name = score if isinstance(score, str) else getattr(score, "__name__", "custom")
    return WalkForwardResult(
        oos_returns=oos_returns,
        windows=windows,
        is_scores=pd.DataFrame(IS, columns=labels, index=windows.index),
        oos_scores=pd.DataFrame(OOS, columns=labels, index=windows.index),
        performance_matrix=perf,
        params=tuple(sets),
        metric=score_name,
        n_splits=len(splits),
        n_skipped=int((~used).sum()),
        is_score_mean=is_mean,
        oos_score_mean=oos_mean,
        degradation=is_mean - oos_mean,
        is_oos_slope=_slope(chosen_is[both], chosen_oos[both]),
        is_oos_rank_correlation=rank_corr,
        oos_score=oos_score,
    )


def _score_series(x: np.ndarray, score: Any, periods_per_year: float | None) -> float:
    """Score of one return series with the same rule as the windows."""
    if x.size == 0:
        return np.nan
    rows = None if callable(score) else np.unique([0, 1, x.size])  # one window: the whole series
    return float(_WindowScorer(x[:, None], score, periods_per_year, rows=rows)(np.arange(x.size))[0])
