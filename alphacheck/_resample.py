"""Bootstrap resampling schemes, kept separate from the statistic (as in ``arch.bootstrap``).

Schemes
-------
* ``"iid"``        — Efron's bootstrap: blocks of length 1.
* ``"stationary"`` — Politis & Romano (1994), "The Stationary Bootstrap", JASA 89(428): blocks start at
  uniform positions, have geometric lengths with mean ``b`` (P(L = l) = p(1-p)^(l-1), p = 1/b) and wrap
  around the end of the sample (circularly).
* ``"circular"``   — Politis & Romano (1992), "A circular block-resampling procedure for stationary data":
  fixed length ceil(b), uniform starts, circular wrap.
* ``"moving"``     — Künsch (1989), Ann. Statist. 17(3): fixed length ceil(b), starts uniform on
  {0, ..., n-b}, no wrap.

A resampling scheme is described by a :class:`BlockPlan`: for every replicate the block start positions
and lengths; the lengths of each replicate are truncated so they sum to exactly ``n`` (trailing blocks
of length 0 pad the rectangle). From a plan,

* :func:`resampled_sums` computes the sum of every resampled series in O(1) per block (O(k) for k
  columns) from prefix sums of the doubled (circular) series. Means, Sharpe ratios and any moment sums
  (pass ``x**2`` or cross-products as columns) therefore cost O(blocks) per replicate instead of O(n);
* :func:`bootstrap_indices` expands it to (reps, n) observation indices for generic statistics.

Determinism: replicates are generated in fixed-size chunks whose size depends only on (n, block
length) — never on ``chunk``/``n_jobs``/threads or the machine; chunk i draws from
``np.random.default_rng(np.random.SeedSequence(seed).spawn(...)[i])``. The same seed therefore gives
the same bits whichever function consumes the plan and however the chunks are scheduled.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from alphacheck._inputs import (
    InputError,
    as_matrix,
    check_choice,
    check_int,
    check_n_jobs,
    check_seed,
    require_variance,
)

__all__ = ["optimal_block_length", "bootstrap_indices", "bootstrap_statistic"]  # the engines below stay private

METHODS = ("iid", "stationary", "circular", "moving")
SUM_ENGINES = ("gather", "sparse")
Scheme = Literal["stationary", "circular", "moving", "iid"]
SeedLike = Any  # None | int | np.random.Generator | np.random.SeedSequence (read by _inputs.check_seed)
# Target size of one generated plan chunk (starts + lengths, int64): ~8 MB.
_PLAN_CHUNK_BYTES = 8 * 2**20
_INDEX_ELEMENTS = 2**21  # observation indices expanded at once by map_index_chunks (16 MB of int64)
_SLICE_ROWS = 64  # replicates per task of map_plan_chunks / map_index_chunks: several tasks even for short series
# Target size of temporaries in resampled_sums / bootstrap_indices: ~200 MB.
_WORK_BYTES = 200 * 2**20
# below this many multiply-adds a sparse product is not worth a thread pool (~0.2 ms to start)
_THREAD_MIN_FLOPS = 2_000_000


@dataclass(frozen=True)
class BlockPlan:
    """Block starts and lengths of ``reps`` bootstrap replicates of a series of length ``n``.

    ``starts`` and ``lengths`` are (reps, m) int64 arrays. Block j of replicate r covers the
    observations ``(starts[r, j] + i) % n`` for ``i < lengths[r, j]``; concatenating the blocks of
    a replicate in order gives the resampled series. ``lengths[r].sum() == n`` for every r (the last
    block is truncated; zero-length blocks pad).
    """

    starts: np.ndarray
    lengths: np.ndarray
    n: int
    method: str
    block_length: float

    @property
    def reps(self) -> int:
        return self.starts.shape[0]

    def __getitem__(self, rows: slice | np.ndarray) -> BlockPlan:
        """The plan of a slice (or an index array) of replicates (used for chunked processing)."""
        return BlockPlan(self.starts[rows], self.lengths[rows], self.n, self.method, self.block_length)


def _check_method(method: str) -> str:
    return check_choice(method, "bootstrap", METHODS)


def optimal_block_length(x: ArrayLike, *, bootstrap: Scheme = "stationary") -> float:
    """Optimal mean (stationary) or fixed (circular, moving) block length of a series.

    Politis & White (2004), "Automatic block-length selection for the dependent bootstrap",
    Econometric Reviews 23(1), 53-70, with the correction of Patton, Politis & White (2009),
    Econometric Reviews 28(4), 372-375 (:func:`alphacheck._blocklength.politis_white`).

    Parameters
    ----------
    x : array_like
        A series (n,) or several columns (n, k): the maximum over columns is returned, so every
        column's dependence is covered.
    bootstrap : {"stationary", "circular", "moving", "iid"}
        The scheme; the circular and moving block bootstraps share one optimal length (Politis &
        White 2004, sec. 3); "iid" returns 1.

    Returns
    -------
    float
        The block length, floored at 1.

    References
    ----------
    Politis & White (2004), Econometric Reviews 23(1), 53-70; Patton, Politis & White (2009), Econometric
    Reviews 28(4), 372-375.

    Examples
    --------
    >>> import numpy as np
    >>> e = np.random.default_rng(1).standard_normal(2000)
    >>> x = np.convolve(e, np.ones(5), mode="valid")   # an MA(4) series
    >>> optimal_block_length(x) > 1
    True
    """
    method = _check_method(bootstrap)
    checked = as_matrix(x, "x", min_obs=10)
    require_variance(checked.values, "x")
    return _politis_white(checked.values, method)


def _politis_white(values: np.ndarray, method: str) -> float:
    """The block length of validated (n, k) or (n,) values: the maximum over columns, floored at 1."""
    if method == "iid":
        return 1.0
    return politis_white_max(values if values.ndim == 2 else values[:, None], method)


def _resolve_block_length(method: str, b: Any, n: int) -> float:
    if method == "iid":
        return 1.0
    if b is None or (isinstance(b, str) and b == "auto"):
        raise InputError(
            "block_length",
            f"bootstrap {method!r} needs a number here: only the length n is known, so 'auto' (a function of the "
            "data) cannot be computed; pass e.g. alphacheck.optimal_block_length(x)",
        )
    if isinstance(b, str):
        raise InputError("block_length", f"must be a positive number or 'auto', got {b!r}")
    try:
        v = float(b)
    except (TypeError, ValueError):
        raise InputError("block_length", f"must be a positive number or 'auto', got {b!r}") from None
    if not np.isfinite(v) or v < 1:
        raise InputError("block_length", f"must be a finite number >= 1, got {b!r}")
    return min(v, float(n))


# "auto" never uses more than this many blocks per replicate: beyond it the studentised bootstrap law is
# already resolved and the cost would only grow with n (see resolve_block_length).
MAX_BLOCKS = 1_000


def resolve_block_length(block_length: Any, data: Any, method: str = "stationary") -> float:
    """The block length a bootstrap of ``data`` will use: the one place "auto" is interpreted.

    ``"auto"`` or None -> max(:func:`optimal_block_length`, n / 1,000): Politis & White (2004) on ``data`` (for 2-D data
    the maximum over columns; the replicate-studentised family tests read the median column's length at the n^(1/4)
    rate instead, :func:`studentised_block_length`), but never more than 1,000 blocks per replicate. The tests that
    use "auto" are studentised with each replicate's own block variance (Götze & Künsch 1996), whose validity needs
    only b -> infinity and b/n -> 0, not the variance-optimal b of Politis & White; with
    1,000 blocks the bootstrap law of the pivot is resolved (measured sizes: docs/size-atlas.md) and the
    cost stops growing with n (a replicate costs O(blocks), not O(n)). A number -> validated (finite, >= 1)
    and at most n/2 (two blocks per replicate); ``method="iid"`` -> 1. Raises :class:`InputError` naming
    ``block_length`` otherwise.
    """
    _check_method(method)
    n = int(np.shape(data)[0])
    if method == "iid":
        return 1.0
    if is_auto(block_length):
        # callers pass validated float arrays: no second validation
        values = np.asarray(data, dtype=np.float64)
        if n < 10:
            raise InputError("block_length", f"'auto' needs at least 10 observations, got {n}; give a number")
        return auto_block_length(_politis_white(values, method), n)
    b = _resolve_block_length(method, block_length, n)
    if b > n / 2:
        # one or two blocks per replicate: every replicate is (nearly) a rotation of the sample, a studentised
        # pivot is rounding noise over rounding noise (|T*| ~ 1e7 at b = n) and its p-value means nothing
        raise InputError("block_length", f"must leave at least two blocks per replicate: at most n/2 = {n / 2:g} "
                                         f"for {n} observations, got {block_length!r}")
    return b


def is_auto(block_length: Any) -> bool:
    """``block_length`` asks for the data-driven length (None or "auto")."""
    return block_length is None or (isinstance(block_length, str) and block_length == "auto")


def auto_block_length(politis_white_length: float, n: int) -> float:
    """What "auto" resolves to once the Politis-White length (floored at 1) is known: max(it, n / 1,000), at most n.

    The one formula behind :func:`resolve_block_length`, also used by engines that compute the Politis-White
    length chunk by chunk of columns (the maximum over chunks is the maximum over columns).
    """
    return min(max(float(politis_white_length), n / MAX_BLOCKS), float(n))


def studentised_block_length(politis_white_lengths: np.ndarray, n: int) -> float:
    """"auto" for a replicate-studentised maximum over k columns: the median column's Politis-White length (each
    floored at 1), times n^(1/4 − 1/3), then :func:`auto_block_length`.

    Politis & White (2004) target the variance of the mean, whose error-optimal block grows as n^(1/3); for a
    one-sided distribution function of a studentised statistic the optimal block grows as n^(1/4) (Hall, Horowitz
    & Jing 1995, Biometrika 82(3), sec. 2-3), so their length is rescaled to that rate keeping its constant
    (0.60 at n = 500, 0.53 at 2,000). The median, not the longest: the longest of k noisy lengths grows with k
    although no column's dependence does. Measured effect on StepM's FWER: docs/compare-size.md.
    """
    med = float(np.median(np.maximum(politis_white_lengths, 1.0)))
    return auto_block_length(max(1.0, med * float(n) ** (1.0 / 4.0 - 1.0 / 3.0)), n)


def politis_white_columns(values: np.ndarray, method: str) -> np.ndarray:
    """The Politis-White length of every column of validated ``values`` (n, k), each floored at 1 (as
    :func:`optimal_block_length`)."""
    from alphacheck._blocklength import politis_white

    b = politis_white(values)[:, 0 if method == "stationary" else 1]
    if not np.all(np.isfinite(b)):
        bad = np.flatnonzero(~np.isfinite(b)).tolist()[:5]
        raise InputError("block_length", f"'auto' has no Politis-White length for column(s) {bad} of the series "
                                         "resampled (constant, or without autocovariance): give a number")
    return np.maximum(b, 1.0)


def politis_white_max(values: np.ndarray, method: str) -> float:
    """Largest Politis-White length over the columns of validated ``values`` (n, k), floored at 1; per column, so
    the maximum of chunk maxima is the maximum over columns."""
    return float(np.max(politis_white_columns(values, method)))


def _chunk_reps(n: int, b: float) -> int:
    """Replicates per generated plan chunk; depends only on (n, b) so plans are reproducible."""
    m_est = n / b + 3.0 * math.sqrt(n / b) + 8.0
    return max(1, int(_PLAN_CHUNK_BYTES // (16 * m_est)))


def _geometric(rng: np.random.Generator, p: float, shape: tuple[int, int]) -> np.ndarray:
    """Geometric(p) lengths on {1, 2, ...} by inversion, L = 1 + floor(log(1 - U) / log(1 - p)).

    U is drawn in float32 (3x faster than ``rng.geometric``): the CDF is then exact up to the
    2**-24 grid of U, i.e. probabilities are off by < 6e-8, far below any Monte-Carlo error.
    """
    u = rng.random(shape, dtype=np.float32)
    np.subtract(np.float32(1.0), u, out=u)
    np.log(u, out=u)
    u *= np.float32(1.0 / math.log1p(-p))
    out = u.astype(np.int64)
    out += 1
    return out


def _stationary_lengths(rng: np.random.Generator, rows: int, n: int, b: float) -> np.ndarray:
    """Geometric(1/b) block lengths, enough blocks per row to cover n observations, truncated to sum to n."""
    if b <= 1.0:
        return np.ones((rows, n), dtype=np.int64)
    p = 1.0 / b
    # The number of blocks is about n/b with sd about sqrt(n/b): draw a first batch covering nearly
    # every row, then extend only the rows still short (vectorized, deterministic given the stream).
    # Lengths above n need no cap here: _truncate cuts every block at the n-th observation.
    m0 = int(math.ceil(n * p + 3.0 * math.sqrt(n * p) + 8.0))
    lengths = _geometric(rng, p, (rows, m0))
    total = lengths.sum(axis=1)
    short = np.flatnonzero(total < n)
    m1 = int(math.ceil(2.0 * math.sqrt(n * p) + 4.0))
    extras = []
    while short.size:
        extra = _geometric(rng, p, (short.size, m1))
        extras.append((short, extra))
        total[short] += extra.sum(axis=1)
        short = short[total[short] < n]
    if extras:  # one allocation for all extensions (rows not extended pad with zeros)
        full = np.zeros((rows, m0 + m1 * len(extras)), dtype=np.int64)
        full[:, :m0] = lengths
        for i, (idx, extra) in enumerate(extras):
            full[idx, m0 + i * m1 : m0 + (i + 1) * m1] = extra
        lengths = full
    return _truncate(lengths, n)


def _truncate(lengths: np.ndarray, n: int) -> np.ndarray:
    """Cut lengths so each row sums to exactly n; drop columns that are zero in every row.

    Row r's block j_r = #{cumulative sums < n} is the one reaching observation n: it is cut to
    n − (its start), later blocks to 0. Rows must sum to at least n.
    """
    rows = lengths.shape[0]
    cum = np.cumsum(lengths, axis=1)
    j = np.count_nonzero(cum < n, axis=1)
    keep = int(j.max()) + 1  # columns some row still uses
    out = lengths[:, :keep].copy()
    r = np.arange(rows)
    out[r, j] = n - (cum[r, j] - lengths[r, j])
    lo = int(j.min()) + 1
    if lo < keep:
        tail = out[:, lo:keep]
        tail[np.arange(lo, keep)[None, :] > j[:, None]] = 0
    return out


def _generate_chunk(rng: np.random.Generator, rows: int, n: int, method: str, b: float) -> tuple[np.ndarray, np.ndarray]:
    if method == "iid":
        lengths = np.ones((rows, n), dtype=np.int64)
        starts = rng.integers(0, n, size=(rows, n), dtype=np.int64)
        return starts, lengths
    if method == "stationary":
        lengths = _stationary_lengths(rng, rows, n, b)
        starts = rng.integers(0, n, size=lengths.shape, dtype=np.int64)
        return starts, lengths
    length = min(int(math.ceil(b - 1e-12)), n)
    m = int(math.ceil(n / length))
    lengths = np.full((rows, m), length, dtype=np.int64)
    lengths[:, -1] = n - (m - 1) * length
    high = n if method == "circular" else n - length + 1
    starts = rng.integers(0, high, size=(rows, m), dtype=np.int64)
    return starts, lengths


def _check_common(n: Any, reps: Any, method: str, b: Any, seed: Any) -> tuple[int, int, str, float, np.random.SeedSequence]:
    n = check_int(n, "n", minimum=1)
    reps = check_int(reps, "reps", minimum=1)
    _check_method(method)
    b = _resolve_block_length(method, b, n)
    return n, reps, method, b, check_seed(seed)


def child_seeds(root: np.random.SeedSequence, count: int) -> list[np.random.SeedSequence]:
    """The children ``root.spawn(count)`` would give, without mutating ``root``.

    A SeedSequence passed twice therefore gives the same bits twice (``spawn`` counts its calls).
    """
    return [np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (root.n_children_spawned + i,),
                                   pool_size=root.pool_size) for i in range(count)]


def _chunk_specs(n: int, reps: int, method: str, b: float, seed: np.random.SeedSequence) -> list[tuple[Any, int]]:
    """(child seed, rows) per plan chunk: chunk i draws from ``default_rng(SeedSequence(seed).spawn()[i])``.

    Independent child streams let chunks be generated in any order or in parallel threads while
    the bits stay a function of the seed alone.
    """
    step = _chunk_reps(n, b)
    sizes = [min(step, reps - lo) for lo in range(0, reps, step)]
    return list(zip(child_seeds(seed, len(sizes)), sizes))


def plan_specs(n: int, reps: int, method: str, block_length: float | None, seed: Any) -> list[tuple[Any, int]]:
    """The (child seed, replicates) of every plan chunk of :func:`bootstrap_plan` with these arguments.

    A chunk's draws are a function of its spec alone, so chunks can be generated anywhere (another thread,
    another process, a Dask worker) and give the replicates of :func:`bootstrap_plan`.
    """
    n, reps, method, b, root = _check_common(n, reps, method, block_length, seed)
    return _chunk_specs(n, reps, method, b, root)


def _make_plan(spec: tuple[Any, int], n: int, method: str, b: float) -> BlockPlan:
    child, rows = spec
    starts, lengths = _generate_chunk(np.random.default_rng(child), rows, n, method, b)
    return BlockPlan(starts, lengths, n, method, b)


def iter_plan(
    n: int, reps: int, method: str = "stationary", block_length: float | None = None, seed: Any = None
) -> Iterator[BlockPlan]:
    """Yield the plan of ``reps`` replicates in consecutive chunks (bounded memory).

    Concatenating the chunks gives exactly :func:`bootstrap_plan` with the same arguments.
    """
    n, reps, method, b, root = _check_common(n, reps, method, block_length, seed)
    for spec in _chunk_specs(n, reps, method, b, root):
        yield _make_plan(spec, n, method, b)


def bootstrap_plan(
    n: int, reps: int, method: str = "stationary", block_length: float | None = None, seed: Any = None
) -> BlockPlan:
    """Block starts and lengths of ``reps`` bootstrap replicates of a length-``n`` series.

    Parameters
    ----------
    n : sample size
    reps : number of bootstrap replicates
    method : "iid", "stationary", "circular" or "moving" (see module docstring for the references)
    block_length : mean (stationary) or fixed (circular/moving, rounded up) block length; required for
        block methods (compute it from data with :func:`block_length`); ignored for "iid"
    seed : None, int or ``np.random.SeedSequence``; the same seed gives identical plans (see module
        docstring for how chunks derive their streams)

    Generation is vectorized over replicates and blocks (no Python loop over replicates).
    """
    chunks = list(iter_plan(n, reps, method, block_length, seed))
    m = max(c.starts.shape[1] for c in chunks)

    def pad(a: np.ndarray) -> np.ndarray:
        return np.pad(a, ((0, 0), (0, m - a.shape[1]))) if a.shape[1] < m else a

    starts = np.concatenate([pad(c.starts) for c in chunks])
    lengths = np.concatenate([pad(c.lengths) for c in chunks])
    return BlockPlan(starts, lengths, chunks[0].n, chunks[0].method, chunks[0].block_length)


def _as_columns(x: Any, n: int) -> tuple[np.ndarray, bool]:
    a = np.asarray(x, dtype=np.float64)
    one_d = a.ndim == 1
    a = a[:, None] if one_d else a
    if a.ndim != 2 or a.shape[0] != n:
        raise InputError("x", f"must have {n} rows to match the plan, got shape {np.shape(x)}")
    if not np.isfinite(a).all():
        raise InputError("x", "contains non-finite values")
    return a, one_d


def _prefix(a: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, int]:
    """Prefix sums of the centred, doubled series, columns packed in pairs as complex numbers.

    Centring keeps cancellation error small (the means are added back as n * mean because each
    replicate has exactly n observations). Packing two real columns into one complex128 halves
    the number of random-access gathers, the dominant cost.
    """
    k = a.shape[1]
    mean = a.mean(axis=0)
    c = a - mean
    if k % 2:
        c = np.concatenate([c, np.zeros((c.shape[0], 1))], axis=1)
    doubled = np.concatenate([c, c])
    prefix = np.zeros((doubled.shape[0] + 1, doubled.shape[1]))
    np.cumsum(doubled, axis=0, out=prefix[1:])
    packed = [prefix[:, j] + 1j * prefix[:, j + 1] for j in range(0, prefix.shape[1], 2)]
    return packed, mean, k


def _sums_from_prefix(prefix: tuple, plan: BlockPlan, chunk: int | None) -> np.ndarray:
    packed, mean, k = prefix
    reps, m = plan.starts.shape
    if chunk is None:
        chunk = max(1, int(_WORK_BYTES // (40 * m)))  # ends (8 B) + two complex gathers (32 B) per block
    out = np.empty((reps, 2 * len(packed)))
    for lo in range(0, reps, chunk):
        s = plan.starts[lo : lo + chunk]
        e = s + plan.lengths[lo : lo + chunk]
        for j, p in enumerate(packed):
            tot = p[e].sum(axis=1) - p[s].sum(axis=1)
            out[lo : lo + chunk, 2 * j] = tot.real
            out[lo : lo + chunk, 2 * j + 1] = tot.imag
    return out[:, :k] + plan.n * mean


def _row_prefix(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-major prefix sums (2n+1, k) of the centred doubled series, and the column means."""
    mean = a.mean(axis=0)
    n = a.shape[0]
    prefix = np.empty((2 * n + 1, a.shape[1]))
    prefix[0] = 0.0
    np.subtract(a, mean, out=prefix[1 : n + 1])
    np.cumsum(prefix[1 : n + 1], axis=0, out=prefix[1 : n + 1])
    np.add(prefix[1 : n + 1], prefix[n], out=prefix[n + 1 :])  # second copy: P[n + j] = P[n] + P[j]
    return prefix, mean


def _sums_sparse(prefix: tuple[np.ndarray, np.ndarray], plan: BlockPlan, threads: int = 1) -> np.ndarray:
    """Σ_j (P[s_j + L_j] − P[s_j]) for every replicate as one sparse product W @ P (scipy CSR).

    W (reps, 2n+1) holds +1 at each block end and −1 at each block start; zero-length padding blocks are left
    out (a fifth of the entries at b = 20). P is row-major, so every block reads two contiguous k-vectors: the
    fast layout for many columns (O(blocks · k) flops in one C loop, no (reps, blocks, k) temporary).
    ``threads`` > 1 splits the replicates into that many row ranges, each its own CSR product in a thread
    (scipy's sparsetools release the GIL); each row's sum is computed the same way, so the bits do not change.
    """
    from scipy import sparse

    rows_prefix, mean = prefix
    reps = plan.starts.shape[0]
    used = plan.lengths > 0
    per_row = 2 * np.count_nonzero(used, axis=1)
    indptr = np.zeros(reps + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1:])
    keep = np.flatnonzero(used)  # row-major: each replicate's blocks stay in order
    starts = plan.starts.ravel()[keep]
    cols = np.stack((starts + plan.lengths.ravel()[keep], starts), axis=1).ravel()  # end, start of each block
    vals = np.tile(np.array([1.0, -1.0]), keep.size)
    width = rows_prefix.shape[0]

    def product(lo: int, hi: int) -> np.ndarray:
        a, b = int(indptr[lo]), int(indptr[hi])
        w = sparse.csr_matrix((vals[a:b], cols[a:b], indptr[lo : hi + 1] - a), shape=(hi - lo, width))
        return np.asarray(w @ rows_prefix)

    parts = min(max(threads, 1), reps)
    if parts == 1 or cols.size * rows_prefix.shape[1] < _THREAD_MIN_FLOPS:
        out = product(0, reps)
    else:
        cuts = np.linspace(0, reps, parts + 1).astype(int).tolist()
        with ThreadPoolExecutor(max_workers=parts) as pool:
            out = np.concatenate(list(pool.map(product, cuts[:-1], cuts[1:])))
    return out + plan.n * mean


def resampled_sums(x: Any, plan: BlockPlan, chunk: int | None = None, engine: str = "gather") -> np.ndarray:
    """Sum of every resampled series, via prefix sums of the doubled series.

    For ``x`` of shape (n,) returns (reps,); for (n, k) returns (reps, k). Block [s, s+L) of the
    circularly extended series sums to P[s+L] - P[s] with P the prefix sums of ``concat(x, x)``, so
    each block costs O(1) per column whatever its length. ``chunk`` replicates are processed at a
    time (default: bounded to ~200 MB of temporaries). Sums of squares or cross-products: pass
    ``x**2`` or ``x[:, [i]] * x[:, [j]]`` as columns. ``engine="sparse"``: the same sums as one sparse
    product of the block incidence matrix with row-major prefix sums (:func:`_sums_sparse`; faster for
    many columns, equal up to rounding).
    """
    if not isinstance(plan, BlockPlan):
        raise InputError("plan", f"must be a BlockPlan, got {type(plan).__name__}")
    if chunk is not None:
        chunk = check_int(chunk, "chunk", minimum=1)
    a, one_d = _as_columns(x, plan.n)
    engine = check_choice(engine, "engine", SUM_ENGINES)
    out = _sums_sparse(_row_prefix(a), plan) if engine == "sparse" else _sums_from_prefix(_prefix(a), plan, chunk)
    return out[:, 0] if one_d else out


def run_chunks(work: Callable, specs: list, n_jobs: int | None) -> list:
    """``[work(s) for s in specs]`` in ``n_jobs`` threads (numpy's generators and gathers release the GIL)."""
    workers = check_n_jobs(n_jobs)
    if workers == 1 or len(specs) == 1:
        return [work(sp) for sp in specs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(work, specs))


def streamed_sums(
    x: Any,
    reps: int,
    method: str = "stationary",
    block_length: float | None = None,
    seed: Any = None,
    n_jobs: int | None = None,
    engine: str = "gather",
) -> np.ndarray:
    """``resampled_sums(x, bootstrap_plan(n, reps, ...))`` without materialising the whole plan.

    Identical bits to the two-step form (same seed, same ``engine``), memory bounded by a few plan chunks.
    Chunks are generated and summed in ``n_jobs`` threads (default: CPU count, at most 8; numpy's random
    generation and gathers release the GIL); the result does not depend on ``n_jobs``. ``engine``:
    "gather" (column-wise prefix gathers) or "sparse" (one CSR product per chunk, faster for many columns;
    the same replicates, sums equal up to rounding).
    """
    a, one_d = _as_columns(x, np.shape(x)[0] if np.ndim(x) else 0)
    n, reps, method, b, root = _check_common(a.shape[0], reps, method, block_length, seed)
    engine = check_choice(engine, "engine", SUM_ENGINES)
    specs = _chunk_specs(n, reps, method, b, root)
    # fewer chunks than threads (one chunk up to ~200 MB of plan): the spare threads split each chunk's product
    inner = max(1, check_n_jobs(n_jobs) // len(specs))
    out = np.concatenate(run_chunks(sums_worker(a, method, b, engine, threads=inner), specs, n_jobs))
    return out[:, 0] if one_d else out


def sums_worker(a: np.ndarray, method: str, b: float, engine: str = "gather",
                threads: int = 1) -> Callable[[tuple[Any, int]], np.ndarray]:
    """``work(spec)`` -> (rows, k) resampled sums of the validated 2-D ``a`` for one plan chunk (see
    :func:`plan_specs`); the per-chunk computation of :func:`streamed_sums`. ``threads``: row ranges of the
    sparse engine's product run in that many threads (same bits)."""
    n = a.shape[0]
    if _unit_blocks(method, b):
        def work(spec: tuple[Any, int]) -> np.ndarray:
            return _unit_counts(spec, n) @ a
    elif engine == "sparse":
        rows = _row_prefix(a)

        def work(spec: tuple[Any, int]) -> np.ndarray:
            return _sums_sparse(rows, _make_plan(spec, n, method, b), threads)
    else:
        prefix = _prefix(a)

        def work(spec: tuple[Any, int]) -> np.ndarray:
            return _sums_from_prefix(prefix, _make_plan(spec, n, method, b), None)
    return work


def map_plan_chunks(work: Callable[[BlockPlan], Any], n: int, reps: int, method: str = "stationary",
                    block_length: float | None = None, seed: Any = None, n_jobs: int | None = None,
                    rows: int = _SLICE_ROWS) -> list:
    """``[work(plan of replicates i .. i + rows)]`` over the replicates of :func:`bootstrap_plan` with the same
    arguments, in order, in ``n_jobs`` threads; memory holds a few plan chunks, never the whole plan.

    Plans are cheap (one draw per block) and are generated first, chunk by chunk in the threads; the threads
    then share the slices of ``rows`` replicates, not the plan chunks, which are sized by blocks and can be few
    and uneven (at n = 50,000, b = 50: 475 + 24 replicates).
    """
    n, reps, method, b, root = _check_common(n, reps, method, block_length, seed)
    plans = run_chunks(lambda spec: _make_plan(spec, n, method, b), _chunk_specs(n, reps, method, b, root), n_jobs)
    slices = [(plan, i) for plan in plans for i in range(0, plan.reps, rows)]
    return run_chunks(lambda sl: work(sl[0][sl[1]: sl[1] + rows]), slices, n_jobs)


def map_index_chunks(work: Callable[[np.ndarray], Any], n: int, reps: int, method: str = "stationary",
                     block_length: float | None = None, seed: Any = None, n_jobs: int | None = None,
                     wrap: bool = True) -> list:
    """``[work(indices of plan slice i) for every slice]`` in ``n_jobs`` threads (:func:`map_plan_chunks`).

    The replicates are those of :func:`bootstrap_indices` with the same arguments (concatenating the slices'
    rows in order gives it), so path statistics (drawdowns, regressions on resampled rows) see the same
    resamples as every other consumer of the seed. ``wrap=False`` skips the final ``mod n``: indices run up to
    2n − 2, for callers that gather from the doubled series (one pass fewer over every index).
    """
    # a slice's indices and their temporaries stay near 16 MB per thread however long the series, and short series
    # still give the threads several slices (n = 2,000, 499 paths: one slice of 1,048 rows was one thread's work;
    # slices of 64 rows took the audit's path draws from 0.042 to 0.024 s)
    step = max(1, min(_INDEX_ELEMENTS // max(int(n), 1), _SLICE_ROWS))
    return map_plan_chunks(lambda plan: work(_plan_indices(plan, wrap)), n, reps, method, block_length, seed,
                           n_jobs, rows=step)


def _plan_indices(plan: BlockPlan, wrap: bool = True) -> np.ndarray:
    """Expand a plan to (reps, n) observation indices.

    One cumulative sum of steps: +1 inside a block, and at a block's first position the jump from the previous
    block's last (unwrapped) index to this block's start; then wrap mod n. Twice as fast as two np.repeat's of
    the starts and offsets at b = 50 (and the same integers).
    """
    reps, n = plan.reps, plan.n
    lengths = plan.lengths.ravel()
    used = lengths > 0  # rows are padded with empty blocks
    lengths, starts = lengths[used], plan.starts.ravel()[used]
    idx = np.ones(reps * n, dtype=np.int64)
    before = np.zeros_like(starts)
    before[1:] = starts[:-1] + lengths[:-1] - 1  # last index of the previous block (0 before the first block)
    idx[np.cumsum(lengths) - lengths] = starts - before
    np.cumsum(idx, out=idx)
    if wrap:  # unwrapped, a block's indices are start + offset < 2n - 1
        idx %= n
    return idx.reshape(reps, n)


def bootstrap_indices(n: int, *, reps: int = 9_999, bootstrap: Scheme = "stationary",
                      block_length: float | None = None, seed: SeedLike = None) -> np.ndarray:
    """Observation indices of bootstrap replicates of a series of length ``n``, shape (reps, n).

    Parameters
    ----------
    n : int
        Sample size.
    reps : int
        Replicates.
    bootstrap : {"stationary", "circular", "moving", "iid"}
        Stationary: Politis & Romano (1994), JASA 89(428), geometric block lengths of mean
        ``block_length``, wrapped; circular: Politis & Romano (1992), fixed length, wrapped; moving:
        Künsch (1989), Ann. Statist. 17(3), fixed length, no wrap; iid: Efron (1979).
    block_length : float
        Mean (stationary) or fixed (circular, moving; rounded up) block length; required for block
        schemes (see :func:`optimal_block_length`).
    seed : None, int, Generator or SeedSequence
        The same seed gives the same indices (chunk i of the plan draws from child i of the seed).

    Returns
    -------
    ndarray of int64, shape (reps, n)
        Row r is replicate r's index sequence: ``x[idx[r]]`` is a resampled series.

    References
    ----------
    Efron (1979), Ann. Statist. 7(1); Künsch (1989), Ann. Statist. 17(3); Politis & Romano (1992, 1994).

    Examples
    --------
    >>> idx = bootstrap_indices(10, reps=3, bootstrap="circular", block_length=4, seed=0)
    >>> idx.shape
    (3, 10)
    """
    return np.concatenate([_plan_indices(p) for p in iter_plan(n, reps, bootstrap, block_length, seed)])


def statistic_value(out: Any) -> np.ndarray:
    """A user statistic's value as float64; InputError naming ``statistic`` when it is not numbers (None, a string,
    an object array: numpy would turn None into NaN silently and a string into a ValueError)."""
    arr = np.asarray(out)
    if out is None or arr.dtype.kind not in "biuf":
        raise InputError("statistic", f"must return a number or an array of numbers, got {type(out).__name__}"
                                      f"{'' if out is None else f' of dtype {arr.dtype}'}")
    return arr.astype(np.float64, copy=False)


def _apply_chunk(data: np.ndarray, statistic: Callable, plan: BlockPlan) -> list:
    idx = _plan_indices(plan)
    return [statistic_value(statistic(data[row])) for row in idx]


def _apply_spec(data: np.ndarray, statistic: Callable, spec: tuple[Any, int], lo: int, hi: int, method: str,
                b: float) -> list:
    """Replicates lo..hi-1 of one plan chunk, drawn where this runs (a thread, a process, a Dask worker) from the
    chunk's own seed: the replicates of :func:`bootstrap_plan`, wherever they are computed."""
    plan = _make_plan(spec, data.shape[0], method, b)
    return _apply_chunk(data, statistic, plan[lo:hi])


def joblib_configured() -> bool:
    """A ``joblib.parallel_config(...)`` (or ``parallel_backend``) context chose a backend or a number of jobs."""
    try:
        from joblib._parallel_backends import LokyBackend
        from joblib.parallel import get_active_backend
    except ImportError:  # pragma: no cover - joblib is a dependency
        return False
    backend, jobs = get_active_backend()
    return not (type(backend) is LokyBackend and jobs is None)


# Replicates per task when a bootstrap of a user statistic is spread over workers.
_TASK_REPS = 256


def bootstrap_statistic(data: ArrayLike, statistic: Callable[[np.ndarray], Any], *, reps: int = 9_999,
                        bootstrap: Scheme = "stationary", block_length: float | str = "auto",
                        seed: SeedLike = None, n_jobs: int | None = 1) -> np.ndarray:
    """Bootstrap distribution of any statistic of the rows of ``data``.

    Parameters
    ----------
    data : array_like or dask.array.Array
        1-D (a series) or 2-D (aligned rows resampled together, e.g. returns and benchmark). A Dask array is
        computed once, and the replicates run as Dask tasks on the active scheduler (a ``dask.distributed``
        cluster when a ``Client`` exists): chunks of ``_TASK_REPS`` replicates, each drawn on its worker from
        its plan chunk's own seed.
    statistic : callable
        ``statistic(resampled_data)`` -> a scalar or a fixed-shape array.
    reps, bootstrap, block_length, seed
        As :func:`bootstrap_indices`; ``block_length="auto"`` is :func:`optimal_block_length` of the data.
    n_jobs : int or None
        Chunks of replicates are evaluated in parallel through joblib (``n_jobs`` workers). Default 1 runs them
        here, one after the other — ``statistic`` is your code and may not be safe to run in threads — unless a
        ``joblib.parallel_config(...)`` context is active: then its backend and number of jobs are used, so
        ``with joblib.parallel_config(backend="dask"):`` sends the chunks to a Dask cluster. Every chunk draws its
        replicates from its own seed, so the result is the same bits for every ``n_jobs``, backend or cluster.

    Returns
    -------
    ndarray, shape (reps,) + the statistic's shape

    References
    ----------
    Davison & Hinkley (1997), Bootstrap Methods and their Application, ch. 2 and 8 (block resampling).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal(200)
    >>> draws = bootstrap_statistic(x, np.median, reps=199, bootstrap="iid", seed=1)
    >>> draws.shape
    (199,)
    """
    if not callable(statistic):
        raise InputError("statistic", f"must be callable, got {type(statistic).__name__}")
    reps = check_int(reps, "reps", minimum=1)
    workers = check_n_jobs(n_jobs)
    from alphacheck._columns import is_dask_array

    on_dask = is_dask_array(data)
    if on_dask:
        data = np.asarray(data.compute())  # type: ignore[union-attr]
    checked = as_matrix(data, "data", min_obs=2)
    values = checked.values[:, 0] if np.ndim(data) == 1 else checked.values
    method = _check_method(bootstrap)
    b = resolve_block_length(block_length, checked.values, method)
    n, reps, method, b, root = _check_common(values.shape[0], reps, method, b, seed)
    observed = statistic_value(statistic(values))
    if not np.all(np.isfinite(observed)):
        raise InputError("statistic", f"is not finite on the data itself (got {observed.tolist()!r}): the bootstrap "
                                      "of an undefined statistic means nothing; make it defined on the data")
    specs = _chunk_specs(n, reps, method, b, root)
    tasks = [(spec, lo, min(lo + _TASK_REPS, spec[1])) for spec in specs for lo in range(0, spec[1], _TASK_REPS)]
    if on_dask:
        import dask

        shared = dask.delayed(values, pure=True)
        call = dask.delayed(_apply_spec, pure=True)
        parts = list(dask.compute(*[call(shared, statistic, sp, lo, hi, method, b) for sp, lo, hi in tasks]))
    elif workers == 1 and not joblib_configured():
        parts = [_apply_chunk(values, statistic, _make_plan(sp, n, method, b)) for sp in specs]
    else:
        from joblib import Parallel, delayed

        jobs = workers if n_jobs != 1 else None  # None: the parallel_config context's number of jobs
        parts = Parallel(n_jobs=jobs)(delayed(_apply_spec)(values, statistic, sp, lo, hi, method, b)
                                      for sp, lo, hi in tasks)
    out = [r for part in parts for r in part]
    shapes = {r.shape for r in out} | {observed.shape}
    if len(shapes) != 1:
        raise InputError("statistic", f"must return the same shape on the data and on every replicate, got "
                                      f"{sorted(shapes)}")
    draws = np.stack(out)
    bad = int(np.count_nonzero(~np.isfinite(draws).reshape(reps, -1).all(axis=1)))
    if bad:
        warnings.warn(f"statistic: {bad} of {reps} replicates are not finite (NaN or inf), although the statistic is "
                      "finite on the data; drop them (np.isfinite) before reading quantiles, or make the statistic "
                      "defined on every resample", stacklevel=2)
    return draws


@dataclass(frozen=True)
class BlockMoments:
    """Per-replicate block moments of a plan applied to x (n, k); S_j = sum of x over block j, L_j its length.

    ``sums`` (reps, k) = Σ_j S_j (the resampled sums); ``cross`` (reps, k, k) = Σ_j S_j S_jᵀ;
    ``length_sums`` (reps, k) = Σ_j L_j S_j; ``length_squares`` (reps,) = Σ_j L_j². With these,
    (1/n) Σ_j (S_j − L_j x̄*)² — the within-replicate block variance that studentises a block-bootstrap
    mean (Götze & Künsch 1996, Ann. Statist. 24(5), eq. (2.4)) — and the same for any linear
    combination of the columns cost O(k²) per replicate. 1-D input gives ``sums``/``cross``/``length_sums`` of shape (reps,).
    """

    sums: np.ndarray
    cross: np.ndarray
    length_sums: np.ndarray
    length_squares: np.ndarray


def _block_prefix(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prefix sums (k, 2n+1) of the centred doubled series (centring keeps cancellation small), and the means."""
    aug, mean = _gram_prefix(a)
    return np.ascontiguousarray(aug[:, 1:].T), mean


def _gram_prefix(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-major prefix sums (2n+1, k+1) of [1, centred doubled series], and the means.

    Column 0 is the position t itself (the prefix sum of ones), so ``P[e] - P[s]`` is the block's length and
    then its k sums: one row gather per block end fetches every column of it at once (one cache line for a few
    columns, where k column gathers cost k misses).
    """
    mean = a.mean(axis=0)
    c = a - mean
    n, k = c.shape
    prefix = np.zeros((2 * n + 1, k + 1))
    prefix[:, 0] = np.arange(2 * n + 1, dtype=np.float64)
    np.cumsum(np.concatenate([c, c]), axis=0, out=prefix[1:, 1:])
    return prefix, mean


Pairs = Any  # None (every pair i <= j), "diagonal", or a sequence of (i, j) pairs with i <= j


def _pair_index(pairs: Pairs, k: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """(iu, ju, diagonal) of the cross moments to compute; ``diagonal`` stores cross as (reps, k)."""
    if pairs is None:
        iu, ju = np.triu_indices(k)
        return iu, ju, False
    if isinstance(pairs, str) and pairs == "diagonal":
        ar = np.arange(k)
        return ar, ar, True
    pr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return np.minimum(pr[:, 0], pr[:, 1]), np.maximum(pr[:, 0], pr[:, 1]), False


def _reduce_blocks(aug: np.ndarray, s: np.ndarray, ln: np.ndarray, out: tuple, sl: slice,
                   pairs: tuple[np.ndarray, np.ndarray, bool]) -> None:
    """Write Σ S, the requested Σ S_i S_j, Σ L S, Σ L² of the replicates ``sl`` (starts ``s``, lengths ``ln``)."""
    rows, m = s.shape
    if pairs[2]:  # ``aug`` is the column-major prefix of _block_prefix
        _column_squares(aug, s, s + ln, ln, np.empty((rows, m)), np.empty((rows, m)), np.empty((rows, m)), out, sl)
        return
    k1 = aug.shape[1]
    _gram_blocks(aug, s, s + ln, np.empty((rows, m, k1)), np.empty((rows, m, k1)), out, sl, pairs)


def _column_squares(cols: np.ndarray, s: np.ndarray, e: np.ndarray, ln: np.ndarray, lf: np.ndarray, bi: np.ndarray,
                    g2: np.ndarray, out: tuple, sl: slice) -> None:
    """Σ S, Σ S² (cross as (reps, k)), Σ L S, Σ L² of replicates ``sl``, one column of ``cols`` (k, 2n+1) at a time:
    what per-column studentisation of many columns needs, in O(k) per block and O(rows x m) scratch."""
    sums, cross, lsum, l2 = out
    np.copyto(lf, ln)
    l2[sl] = np.einsum("ij,ij->i", lf, lf)
    for i, c in enumerate(cols):
        np.take(c, e, out=bi, mode="clip")
        np.take(c, s, out=g2, mode="clip")
        bi -= g2
        sums[sl, i] = bi.sum(axis=1)
        lsum[sl, i] = np.einsum("ij,ij->i", bi, lf)
        cross[sl, i] = np.einsum("ij,ij->i", bi, bi)


def _gram_blocks(aug: np.ndarray, s: np.ndarray, e: np.ndarray, ge: np.ndarray, gs: np.ndarray,
                 out: tuple, sl: slice, pairs: tuple[np.ndarray, np.ndarray, bool]) -> None:
    """Block moments of replicates ``sl`` from block starts ``s`` and ends ``e`` (rows, m) on the augmented prefix.

    Each block gives the row D_j = [L_j, S_j] (two row gathers of ``aug`` and a difference; an empty padding
    block, e = s, gives zeros); one batched matrix product DᵀD per replicate gives Σ L², Σ L S and Σ S Sᵀ at
    once and 1ᵀD gives Σ S: 1.6x faster than a gather per column and a dot product per moment (BLAS runs
    these small products on one thread, so the bits do not depend on the thread count). ``ge``, ``gs`` are
    scratch of shape (rows, m, k+1).
    """
    sums, cross, lsum, l2 = out
    np.take(aug, e, axis=0, out=ge, mode="clip")  # indices are in range; "raise" would buffer the output
    np.take(aug, s, axis=0, out=gs, mode="clip")
    d = np.subtract(ge, gs, out=ge)
    g = np.matmul(d.transpose(0, 2, 1), d)
    sums[sl] = np.matmul(np.ones((1, d.shape[1])), d)[:, 0, 1:]
    l2[sl] = g[:, 0, 0]
    lsum[sl] = g[:, 0, 1:]
    iu, ju, _ = pairs
    cross[sl, iu, ju] = g[:, 1 + iu, 1 + ju]
    cross[sl, ju, iu] = g[:, 1 + ju, 1 + iu]


def _empty_moments(reps: int, k: int, pairs: tuple[np.ndarray, np.ndarray, bool]) -> tuple:
    cross = np.zeros((reps, k)) if pairs[2] else np.zeros((reps, k, k))
    return np.empty((reps, k)), cross, np.empty((reps, k)), np.empty(reps)


def _shift_moments(out: tuple, mean: np.ndarray, n: int) -> tuple:
    """Moments of the centred series -> moments of the raw series: S = S^c + L m (Σ_j L_j = n)."""
    sums, cross, lsum, l2 = out
    if cross.ndim == 2:  # diagonal only: Σ (S^c + L m)² = Σ S^c² + 2 m Σ L S^c + m² Σ L²
        cross += 2.0 * lsum * mean[None, :] + l2[:, None] * (mean * mean)[None, :]
    else:
        cross += lsum[:, :, None] * mean[None, None, :] + mean[None, :, None] * lsum[:, None, :]
        cross += l2[:, None, None] * np.outer(mean, mean)[None]
    lsum += l2[:, None] * mean[None, :]
    sums += n * mean
    return sums, cross, lsum, l2


def _moments_from_prefix(prefix: tuple[np.ndarray, np.ndarray], plan: BlockPlan, chunk: int | None,
                         pairs: tuple[np.ndarray, np.ndarray, bool] | None = None) -> tuple:
    """Block moments of the centred series, then shifted back exactly by the means (``prefix``: :func:`_gram_prefix`)."""
    aug, mean = prefix
    pairs = _pair_index(None, aug.shape[1] - 1) if pairs is None else pairs
    k = aug.shape[0] if pairs[2] else aug.shape[1] - 1
    reps, m = plan.starts.shape
    if chunk is None:
        per_block = 40 if pairs[2] else 16 * (k + 1) + 16  # bytes of scratch and indices
        chunk = max(1, int(_WORK_BYTES // (per_block * m)))
    out = _empty_moments(reps, k, pairs)
    for lo in range(0, reps, chunk):
        sl = slice(lo, min(lo + chunk, reps))
        _reduce_blocks(aug, plan.starts[sl], plan.lengths[sl], out, sl, pairs)
    return _shift_moments(out, mean, plan.n)


# Rows per slab in the fused stationary path. Even, so every slab draws an even number of bounded
# 32-bit integers and the stream equals one draw for the whole chunk (numpy packs two per 64-bit
# output and drops an odd leftover at the end of a call; tested against bootstrap_plan).
_SLAB_ROWS = 64
_buffers = threading.local()


def _buffer(name: str, size: int, dtype: type) -> np.ndarray:
    """A per-thread scratch array of at least ``size`` elements, reused across chunks.

    Fresh multi-MB temporaries for every chunk cost more in page faults than the arithmetic on
    them (measured: ~2x on n = 50,000), so the fused path works in recycled buffers (a few MB per
    thread, bounded like a plan chunk).
    """
    buf = getattr(_buffers, name, None)
    if buf is None or buf.size < size or buf.dtype != dtype:
        buf = np.empty(max(size, 1), dtype=dtype)
        setattr(_buffers, name, buf)
    return buf[:size]


def _stationary_moments_chunk(spec: tuple[Any, int], n: int, b: float, prefix: np.ndarray,
                              pairs: tuple[np.ndarray, np.ndarray, bool]) -> tuple:
    """Block moments of one stationary-bootstrap plan chunk, drawn and reduced slab by slab.

    ``prefix``: the augmented row-major prefix of :func:`_gram_prefix`, or for squares only ("diagonal" pairs of
    every column) the column-major one of :func:`_block_prefix`, reduced a column at a time.

    Draws exactly the numbers of ``_generate_chunk`` in the same order (geometric lengths for every
    row, the extensions of short rows, then the starts row-major), so the replicates are those of
    :func:`bootstrap_plan`; the arithmetic is that of ``_geometric``, ``_truncate`` and ``_reduce_blocks``.
    """
    child, rows = spec
    rng = np.random.default_rng(child)
    p = 1.0 / b
    m0 = int(math.ceil(n * p + 3.0 * math.sqrt(n * p) + 8.0))
    m1 = int(math.ceil(2.0 * math.sqrt(n * p) + 4.0))
    slab = _SLAB_ROWS
    scale = np.float32(1.0 / math.log1p(-p))
    lengths = _buffer("lengths", rows * m0, np.int64).reshape(rows, m0)
    u_all = _buffer("u", slab * m0, np.float32)
    for lo in range(0, rows, slab):
        r = min(slab, rows - lo)
        u = u_all[: r * m0].reshape(r, m0)
        rng.random(out=u, dtype=np.float32)  # == _geometric(rng, p, (r, m0)), in place
        np.subtract(np.float32(1.0), u, out=u)
        np.log(u, out=u)
        u *= scale
        dst = lengths[lo : lo + r]
        np.copyto(dst, u, casting="unsafe")
        dst += 1
    total = lengths.sum(axis=1)
    short = np.flatnonzero(total < n)
    extras = []
    while short.size:  # as in _stationary_lengths
        extra = _geometric(rng, p, (short.size, m1))
        extras.append((short, extra))
        total[short] += extra.sum(axis=1)
        short = short[total[short] < n]
    if extras:
        full = np.zeros((rows, m0 + m1 * len(extras)), dtype=np.int64)
        full[:, :m0] = lengths
        for i, (idx, extra) in enumerate(extras):
            full[idx, m0 + i * m1 : m0 + (i + 1) * m1] = extra
        lengths = full
    m = lengths.shape[1]
    # block j reaching observation n in each row and its cut length n - start_j (see _truncate).
    # Cumulative sums are increasing, so only columns from g on, where some row may reach n, are compared.
    j = np.empty(rows, dtype=np.int64)
    cut_len = np.empty(rows, dtype=np.int64)
    cum_all = _buffer("cum", slab * m, np.int64)
    flag_all = _buffer("flag", slab * m, np.bool_)
    for lo in range(0, rows, slab):
        r = min(slab, rows - lo)
        cum = cum_all[: r * m].reshape(r, m)
        np.cumsum(lengths[lo : lo + r], axis=1, out=cum)
        g = int(np.searchsorted(cum.max(axis=0), n))  # first column where some row reaches n
        tail = cum[:, g:]
        flag: np.ndarray = flag_all[: tail.size].reshape(tail.shape)
        np.less(tail, n, out=flag)
        js = g + np.count_nonzero(flag, axis=1)
        ar = np.arange(r)
        j[lo : lo + r] = js
        cut_len[lo : lo + r] = n - cum[ar, js] + lengths[lo + ar, js]
    keep = int(j.max()) + 1
    diagonal = pairs[2]  # squares of every column (many columns): the column-major prefix
    k = prefix.shape[0] if diagonal else prefix.shape[1] - 1
    out = _empty_moments(rows, k, pairs)
    col_index = np.arange(keep)
    ln_all = _buffer("ln", slab * keep, np.int64)
    e_all = _buffer("e", slab * keep, np.int64)
    if diagonal:  # one column's block sums at a time (memory O(slab x blocks), not O(k x slab x blocks))
        lf_all = _buffer("lf", slab * keep, np.float64)
        blk_all = _buffer("blk", slab * keep, np.float64)
        g2_all = _buffer("g2", slab * keep, np.float64)
    else:
        ge_all = _buffer("ge", slab * keep * (k + 1), np.float64)
        gs_all = _buffer("gs", slab * keep * (k + 1), np.float64)
    for lo in range(0, rows, slab):
        r = min(slab, rows - lo)
        shape = (r, keep)
        ln = ln_all[: r * keep].reshape(shape)
        np.copyto(ln, lengths[lo : lo + r, :keep])
        js = j[lo : lo + r]
        ln[np.arange(r), js] = cut_len[lo : lo + r]
        first = int(js.min()) + 1  # columns before every row's cut block stay as drawn
        flag = flag_all[: r * (keep - first)].reshape(r, keep - first)
        np.greater(col_index[None, first:], js[:, None], out=flag)
        np.copyto(ln[:, first:], 0, where=flag)
        starts = rng.integers(0, n, size=shape, dtype=np.int64)
        e = e_all[: r * keep].reshape(shape)
        np.add(starts, ln, out=e)
        sl = slice(lo, lo + r)
        if not diagonal:
            _gram_blocks(prefix, starts, e, ge_all[: r * keep * (k + 1)].reshape(r, keep, k + 1),
                         gs_all[: r * keep * (k + 1)].reshape(r, keep, k + 1), out, sl, pairs)
            continue
        _column_squares(prefix, starts, e, ln, lf_all[: r * keep].reshape(shape), blk_all[: r * keep].reshape(shape),
                        g2_all[: r * keep].reshape(shape), out, sl)
    return out


def _unit_blocks(method: str, b: float) -> bool:
    """Every block has length 1 (iid, or a block scheme at b = 1): resampling is plain iid drawing."""
    return method == "iid" or (method in ("stationary", "circular", "moving") and math.ceil(b - 1e-12) <= 1)


def _unit_counts(spec: tuple[Any, int], n: int) -> np.ndarray:
    """How often each observation is drawn in each replicate of a unit-block chunk, (rows, n) float64.

    Same draws as :func:`_generate_chunk` (``rng.integers(0, n, (rows, n))``), so the replicates equal
    :func:`bootstrap_plan`'s; counting them turns every block sum into one matrix product.
    """
    child, rows = spec
    starts = np.random.default_rng(child).integers(0, n, size=(rows, n), dtype=np.int64)
    starts += (np.arange(rows, dtype=np.int64) * n)[:, None]
    return np.bincount(starts.ravel(), minlength=rows * n).reshape(rows, n).astype(np.float64)


def _unit_block_moments(spec: tuple[Any, int], n: int, centred: np.ndarray, products: np.ndarray,
                        pairs: tuple[np.ndarray, np.ndarray, bool]) -> tuple:
    """Block moments of a unit-block chunk from draw counts W: Σ S = W c, Σ S_i S_j = W (c_i c_j), Σ L S = Σ S,
    Σ L² = n (``products`` are the columns c_i c_j of the requested pairs)."""
    w = _unit_counts(spec, n)
    rows, k = w.shape[0], centred.shape[1]
    sums = w @ centred
    prods = w @ products
    iu, ju, diagonal = pairs
    if diagonal:
        cross = prods
    else:
        cross = np.zeros((rows, k, k))
        cross[:, iu, ju] = prods
        cross[:, ju, iu] = prods
    return sums, cross, sums.copy(), np.full(rows, float(n))


def _wrap_moments(parts: tuple, one_d: bool) -> BlockMoments:
    sums, cross, lsum, l2 = parts
    if one_d:
        return BlockMoments(sums[:, 0], cross[:, 0, 0] if cross.ndim == 3 else cross[:, 0], lsum[:, 0], l2)
    return BlockMoments(sums, cross, lsum, l2)


def resampled_block_moments(x: Any, plan: BlockPlan, chunk: int | None = None) -> BlockMoments:
    """Block moments (Σ S_j, Σ S_j S_jᵀ, Σ L_j S_j, Σ L_j²) of every replicate of ``plan`` (see :class:`BlockMoments`).

    Same prefix-sum gather as :func:`resampled_sums` (block sum = P[s+L] − P[s] of the doubled series):
    O(blocks · k²) per replicate, vectorized over replicates, ``chunk`` replicates at a time.
    ``sums`` equals ``resampled_sums(x, plan)`` up to rounding.
    """
    if not isinstance(plan, BlockPlan):
        raise InputError("plan", f"must be a BlockPlan, got {type(plan).__name__}")
    if chunk is not None:
        chunk = check_int(chunk, "chunk", minimum=1)
    a, one_d = _as_columns(x, plan.n)
    return _wrap_moments(_moments_from_prefix(_gram_prefix(a), plan, chunk), one_d)


def streamed_block_moments(
    x: Any,
    reps: int,
    method: str = "stationary",
    block_length: float | None = None,
    seed: Any = None,
    n_jobs: int | None = None,
    pairs: Pairs = None,
) -> BlockMoments:
    """``resampled_block_moments(x, bootstrap_plan(n, reps, ...))`` without materialising the whole plan.

    Same replicates as :func:`streamed_sums` / :func:`bootstrap_plan` with the same seed (``sums``
    agree to rounding); chunks generated and reduced in ``n_jobs`` threads; bits independent of ``n_jobs``.
    ``pairs`` chooses the cross moments Σ_j S_ij S_lj computed: None every pair; "diagonal" only the squares,
    returned as (reps, k) — what per-column studentisation of many columns needs, O(k) instead of O(k²) per
    block; or a list of (i, l) pairs (the others stay 0) — what several tests sharing one plan need.
    Columns that are linear combinations of others (after centring) are not gathered: their moments are mapped
    from the independent columns' (:func:`_linear_basis`), equal to gathering them up to rounding.
    """
    a, one_d = _as_columns(x, np.shape(x)[0] if np.ndim(x) else 0)
    n, reps, method, b, root = _check_common(a.shape[0], reps, method, block_length, seed)
    pidx = _pair_index(pairs, a.shape[1])
    basis = None if pidx[2] else _linear_basis(a)
    if basis is None:
        work, mean = _moments_worker(a, method, b, pairs)
    else:  # the moments of the independent columns, mapped to every column afterwards
        work, _ = _moments_worker(a[:, basis[0]], method, b, None)
        mean = a.mean(axis=0)
    with single_thread_blas():  # the Gram products: the same bits whatever the BLAS threads, none spinning idle
        parts = run_chunks(work, _chunk_specs(n, reps, method, b, root), n_jobs)
    out = tuple(np.concatenate([p[i] for p in parts]) for i in range(4))
    if basis is not None:
        out = _map_moments(out, basis[1], pidx)
    return _wrap_moments(_shift_moments(out, mean, n), one_d)


_BASIS_MAX_COLUMNS = 64  # the O(n k²) search for dependent columns pays only while k² per block is the cost


def _linear_basis(a: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(columns, T) when some centred columns of ``a`` (n, k) are linear combinations of others: c = c[:, columns] T.

    Block sums are linear in the series, so the moments of the dependent columns follow exactly from those of
    the basis (:func:`_map_moments`); the audit's columns are such a family (r − r̄, the z-scores of r and the
    regression's standardised y are one column up to scale; the hedged book is r − β b), and each column left
    out saves two gathers per block. Columns enter the basis in order unless the residual of their projection on
    the basis so far is below 1e-10 of their variance; the map is then verified on every row (max error
    ≤ 1e-12 of the column's scale), and None (compute every column) is returned unless some column was left out.
    """
    k = a.shape[1]
    if k < 2 or k > _BASIS_MAX_COLUMNS:
        return None
    c = a - a.mean(axis=0)
    g = c.T @ c
    d = np.sqrt(np.diag(g))
    if not np.all(d > 0):
        return None
    corr = g / np.outer(d, d)
    basis: list[int] = []
    for i in range(k):
        if basis:
            rb = corr[np.ix_(basis, basis)]
            v = corr[basis, i]
            resid = 1.0 - v @ np.linalg.solve(rb, v)
            if resid < 1e-10:
                continue
        basis.append(i)
    if len(basis) == k:
        return None
    cb = c[:, basis]
    t = np.linalg.solve(g[np.ix_(basis, basis)], g[basis, :])
    err = np.abs(c - cb @ t).max(axis=0)
    if np.any(err > 1e-12 * np.abs(c).max(axis=0)):
        return None
    t[:, basis] = np.eye(len(basis))  # the basis columns map to themselves exactly
    return np.asarray(basis), t


def _map_moments(out: tuple, t: np.ndarray, pairs: tuple[np.ndarray, np.ndarray, bool]) -> tuple:
    """Centred block moments of the basis columns -> those of every column c = c_basis T (linear in each block)."""
    sums, cross, lsum, l2 = out
    full = np.einsum("rab,ai,bj->rij", cross, t, t, optimize=True)
    iu, ju, _ = pairs
    mapped = np.zeros_like(full)
    mapped[:, iu, ju] = full[:, iu, ju]
    mapped[:, ju, iu] = full[:, ju, iu]
    return sums @ t, mapped, lsum @ t, l2


def _moments_worker(a: np.ndarray, method: str, b: float, pairs: Pairs) -> tuple[Callable, np.ndarray]:
    """(work, mean): ``work(spec)`` -> the centred block moments of one plan chunk of ``a`` (n, k); shift them
    back with ``_shift_moments(parts, mean, n)`` (elementwise per replicate, so per chunk or after concatenation
    gives the same bits)."""
    n = a.shape[0]
    mean = a.mean(axis=0)
    pidx = _pair_index(pairs, a.shape[1])
    if _unit_blocks(method, b):
        centred = a - mean
        products = centred[:, pidx[0]] * centred[:, pidx[1]]

        def work(spec: tuple[Any, int]) -> tuple:
            return _unit_block_moments(spec, n, centred, products, pidx)
    else:
        prefix, mean = _block_prefix(a) if pidx[2] else _gram_prefix(a)

        def work(spec: tuple[Any, int]) -> tuple:
            if method == "stationary":
                return _stationary_moments_chunk(spec, n, b, prefix, pidx)
            return _moments_from_prefix((prefix, np.zeros_like(mean)), _make_plan(spec, n, method, b), None, pidx)
    return work, mean


def block_moments_worker(a: np.ndarray, method: str, b: float,
                         pairs: Pairs = None) -> Callable[[tuple[Any, int]], BlockMoments]:
    """``work(spec)`` -> the :class:`BlockMoments` (2-D fields) of one plan chunk (:func:`plan_specs`) applied to
    the validated 2-D ``a``: the rows of :func:`streamed_block_moments` for that chunk, bit for bit."""
    inner, mean = _moments_worker(a, method, b, pairs)
    n = a.shape[0]

    def work(spec: tuple[Any, int]) -> BlockMoments:
        return BlockMoments(*_shift_moments(inner(spec), mean, n))
    return work


_BLAS: dict[str, Any] = {}  # the threadpoolctl controller, made once: scanning the loaded libraries costs ~4 ms
_BLAS_LOCK = threading.Lock()


def single_thread_blas() -> Any:
    """A context in which BLAS runs one thread (threadpoolctl, when installed; else a no-op).

    OpenBLAS splits a matrix product among its threads in ways that change the last bits with the thread
    count; engines that promise the same bits on one machine, in worker processes and on a cluster run their
    products single-threaded (their own chunks are the parallelism). The controller is built once, after
    scipy's linear algebra (which may bring its own BLAS) is loaded.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn, a dependency
        import contextlib

        return contextlib.nullcontext()
    with _BLAS_LOCK:
        if "controller" not in _BLAS:
            import scipy.linalg  # noqa: F401  (load every BLAS the engines call before the scan)

            _BLAS["controller"] = ThreadpoolController()
    return _BLAS["controller"].limit(limits=1, user_api="blas")
