"""Families of strategies read chunk by chunk of columns, wherever they live.

A family test (SPA, StepM, Reality Check) or PBO needs, per strategy, a few numbers (means, long-run
variances, bootstrap maxima, counts): it never needs the whole (T x k) matrix at once. :func:`as_columns`
wraps the ``returns`` / ``trials`` argument in a :class:`Columns` source that hands out (T x c) blocks of
columns, so the peak memory of those tests is one block plus O(k) numbers:

* an ndarray or DataFrame in memory (blocks are copies of column slices);
* a memory-mapped ``.npy`` file: a path (``"family.npy"``, opened read-only with ``np.load(mmap_mode="r")``) or
  an ``np.memmap``; the pages a block touched are handed back to the kernel after it is read
  (``madvise(MADV_DONTNEED)`` on read-only maps), so the resident size stays one block, not the file;
* a Parquet file (a path ending in ``.parquet``/``.parq``), one column per strategy, read column block by column
  block with pyarrow when installed, else fastparquet;
* a Dask array (``dask.array``): blocks become tasks on whatever scheduler is active (a
  ``dask.distributed.Client`` if one exists), never gathered;
* any other object with a 2-D ``shape`` and column slicing ``x[:, lo:hi]`` (h5py, zarr, a class that generates
  a block from a seed).

Blocks always have the same boundaries for a given (T, k) — multiples of :func:`chunk_width` columns, a
trailing block of one column merged into the one before — whatever the source, so every source gives the
same bits (matrix products, whose rounding depends on the shapes, see the same shapes everywhere). Blocks of
another width (a different ``CHUNK_BYTES``) agree with them to rounding (~1e-16 relative), not bit for bit, on
the unit-block path (block length 1), which multiplies draw counts by each block with BLAS: OpenBLAS's
small-matrix kernels round a column differently as the width changes (measured on AVX-512 machines).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alphacheck._inputs import InputError, align, check_numeric_dtype

__all__ = ["Columns", "as_columns", "open_family", "check_block", "chunk_width", "chunk_bounds", "is_dask_array",
           "map_blocks"]

# Bytes of one (T x c) float64 block of columns.
CHUNK_BYTES = 32 * 2**20


def chunk_width(n_obs: int) -> int:
    """Columns per block for series of length ``n_obs``: ~32 MB of float64, a multiple of 8, at least 8."""
    return max(8, (CHUNK_BYTES // (8 * max(int(n_obs), 1))) // 8 * 8)


def chunk_bounds(n_obs: int, n_cols: int, width: int | None = None) -> list[tuple[int, int]]:
    """(lo, hi) column ranges of the blocks: multiples of ``width``; a last block of one column joins the one
    before (one-column reductions round differently from wider ones in numpy)."""
    w = chunk_width(n_obs) if width is None else max(int(width), 1)
    bounds = [(lo, min(lo + w, n_cols)) for lo in range(0, n_cols, w)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
        bounds[-2:] = [(bounds[-2][0], n_cols)]
    return bounds


def is_dask_array(x: Any) -> bool:
    """A ``dask.array.Array``, recognised without importing dask."""
    return type(x).__module__.startswith("dask.") and hasattr(x, "to_delayed") and hasattr(x, "chunks")


@dataclass
class Columns:
    """A (n_obs x n_cols) family read by blocks of columns (see the module docstring).

    ``read(lo, hi)`` returns columns lo..hi-1 as a C-contiguous float64 (n_obs, hi - lo) array; ``dask`` is the
    Dask array when the family is one (blocks are then computed where the tasks run, see :func:`map_blocks`).
    """

    n_obs: int
    n_cols: int
    labels: Sequence[Any]
    index: pd.Index | None
    reader: Callable[[int, int], np.ndarray] | None
    dask: Any = None
    in_memory: bool = True
    source: str = "array"
    width: int | None = field(default=None)

    def bounds(self) -> list[tuple[int, int]]:
        return chunk_bounds(self.n_obs, self.n_cols, self.width)

    def read(self, lo: int, hi: int) -> np.ndarray:
        if self.reader is None:
            raise RuntimeError("a Dask family is read by its tasks (map_blocks), not by read()")
        return self.reader(lo, hi)


def _float_block(block: Any, name: str) -> np.ndarray:
    a = np.asarray(block)
    check_numeric_dtype(a.dtype, name)
    return np.ascontiguousarray(a, dtype=np.float64)


def _release(m: Any) -> None:
    """Hand the pages of a read-only memory map back to the kernel (its file stays in the page cache)."""
    base = getattr(m, "_mmap", None)
    if base is None or getattr(m, "mode", None) != "r" or not hasattr(base, "madvise"):
        return
    try:
        base.madvise(mmap.MADV_DONTNEED)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - platform without madvise
        pass


def _memmap_columns(m: np.ndarray, name: str, source: str) -> Columns:
    if m.ndim == 1:
        m = m.reshape(-1, 1)
    if m.ndim != 2:
        raise InputError(name, f"must be two-dimensional (observations x strategies), got shape {m.shape}")

    def read(lo: int, hi: int) -> np.ndarray:
        out = _float_block(m[:, lo:hi], name)
        _release(m)
        return out

    return Columns(int(m.shape[0]), int(m.shape[1]), range(m.shape[1]), None, read, in_memory=False, source=source)


def _parquet_columns(path: str, name: str) -> Columns:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        pq = None
    if pq is not None:
        pf = pq.ParquetFile(path)
        meta = pf.schema_arrow.pandas_metadata or {}
        skip = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
        names = [c for c in pf.schema_arrow.names if c not in skip]
        n_obs = pf.metadata.num_rows

        def read(lo: int, hi: int) -> np.ndarray:
            table = pf.read(columns=names[lo:hi])
            return np.ascontiguousarray(np.column_stack([table.column(c).to_numpy() for c in names[lo:hi]]),
                                        dtype=np.float64)
        source = "Parquet file (pyarrow)"
    else:
        try:
            import fastparquet
        except ImportError:
            raise InputError(name, "is a Parquet file; reading it needs pyarrow or fastparquet "
                                   "(pip install pyarrow)") from None
        pf = fastparquet.ParquetFile(path)
        names = list(pf.columns)
        n_obs = int(pf.count())

        def read(lo: int, hi: int) -> np.ndarray:
            frame = pf.to_pandas(columns=names[lo:hi], index=False)
            return _float_block(frame[names[lo:hi]].to_numpy(dtype=np.float64), name)
        source = "Parquet file (fastparquet)"
    return Columns(int(n_obs), len(names), names, None, read, in_memory=False, source=source)


def _lazy_columns(x: Any, name: str) -> Columns:
    shape = tuple(int(s) for s in x.shape)
    if len(shape) != 2:
        raise InputError(name, f"must be two-dimensional (observations x strategies), got shape {shape}")

    def read(lo: int, hi: int) -> np.ndarray:
        out = _float_block(x[:, lo:hi], name)
        if out.shape != (shape[0], hi - lo):
            raise InputError(name, f"x[:, {lo}:{hi}] gave shape {out.shape}, expected {(shape[0], hi - lo)}")
        return out

    return Columns(shape[0], shape[1], range(shape[1]), None, read, in_memory=False, source=type(x).__name__)


def _dask_columns(x: Any, name: str) -> Columns:
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2:
        raise InputError(name, f"must be two-dimensional (observations x strategies), got shape {x.shape}")
    if any(np.isnan(s) for s in x.shape):
        raise InputError(name, "is a Dask array of unknown shape; call .compute_chunk_sizes() first")
    check_numeric_dtype(np.dtype(x.dtype), name)
    return Columns(int(x.shape[0]), int(x.shape[1]), range(int(x.shape[1])), None, None, dask=x, in_memory=False,
                   source="Dask array")


def open_family(x: Any, name: str) -> Columns | None:
    """A Columns source for out-of-memory inputs (paths, memory maps, Dask arrays, lazy objects), None for in-memory
    ones (which the caller validates with :mod:`alphacheck._inputs`)."""
    if isinstance(x, (str, os.PathLike)):
        path = os.fspath(x)
        if not os.path.exists(path):
            raise InputError(name, f"file not found: {path}")
        low = path.lower()
        if low.endswith(".npy"):
            return _memmap_columns(np.load(path, mmap_mode="r"), name, "memory-mapped .npy file")
        if low.endswith((".parquet", ".parq", ".pq")):
            return _parquet_columns(path, name)
        raise InputError(name, f"a path must end in .npy (memory-mapped) or .parquet, got {path!r}")
    if isinstance(x, np.memmap):
        return _memmap_columns(x, name, "np.memmap")
    if is_dask_array(x):
        return _dask_columns(x, name)
    if isinstance(x, (np.ndarray, pd.DataFrame, pd.Series, list, tuple)) or not hasattr(x, "shape"):
        return None
    if hasattr(x, "__getitem__"):
        return _lazy_columns(x, name)
    return None


def as_columns(x: Any, name: str, *, benchmark: Any = None, benchmark_name: str = "benchmark",
               min_obs: int = 2) -> tuple[Columns, np.ndarray | None]:
    """``(Columns, benchmark values or None)`` for a family argument; in-memory inputs go through
    :func:`alphacheck._inputs.align` (pandas inputs inner-joined on the index, non-finite rows refused).

    Out-of-memory families are aligned by position: ``benchmark`` must have one value per row; their
    non-finite values are refused block by block by the engines (:func:`check_block`).
    """
    src = open_family(x, name)
    if src is None:
        named = [(name, x)] if benchmark is None else [(name, x), (benchmark_name, benchmark)]
        arrays, index = align(named, min_obs=min_obs)
        r = arrays[0] if arrays[0].ndim == 2 else arrays[0][:, None]
        if isinstance(x, pd.DataFrame):
            labels: Sequence[Any] = list(x.columns)
        elif isinstance(x, pd.Series):
            labels = [x.name if x.name is not None else 0]
        else:
            labels = range(r.shape[1])

        def read(lo: int, hi: int) -> np.ndarray:
            return np.ascontiguousarray(r[:, lo:hi], dtype=np.float64)

        bench = None
        if benchmark is not None:
            bench = arrays[1]
            if bench.ndim != 1:
                raise InputError(benchmark_name, f"must be one series, got {bench.shape[1]} columns")
        return Columns(int(r.shape[0]), int(r.shape[1]), labels, index, read), bench
    if src.n_obs < min_obs:
        raise InputError(name, f"needs at least {min_obs} observations, got {src.n_obs}")
    if src.n_cols < 1:
        raise InputError(name, "has no columns")
    bench = None
    if benchmark is not None:
        b = np.asarray(benchmark.to_numpy() if isinstance(benchmark, (pd.Series, pd.DataFrame)) else benchmark,
                       dtype=np.float64)
        if b.ndim == 2 and b.shape[1] == 1:
            b = b[:, 0]
        if b.ndim != 1:
            raise InputError(benchmark_name, f"must be one series, got shape {b.shape}")
        if b.shape[0] != src.n_obs:
            raise InputError(f"{name}, {benchmark_name}",
                             f"must have the same length, got {src.n_obs} and {b.shape[0]} observations "
                             f"({src.source} families are aligned by position)")
        if not np.isfinite(b).all():
            raise InputError(benchmark_name, "contains non-finite values")
        bench = np.ascontiguousarray(b)
    return src, bench


def check_block(block: np.ndarray, name: str, labels: Sequence[Any], lo: int) -> None:
    """Refuse non-finite values in a block read from an out-of-memory family (in-memory ones were checked by
    :func:`align`)."""
    finite = np.isfinite(block)
    if not finite.all():
        cols = np.flatnonzero(~finite.all(axis=0))
        raise InputError(name, f"contains non-finite values (strategies {[labels[lo + j] for j in cols[:5]]})")


def map_blocks(src: Columns, fn: Callable[..., list], *args: Any, per_block: Sequence[Any] | None = None,
               groups: Sequence[Any] = (None,), **kwargs: Any) -> list[list[Any]]:
    """``out[i][g] = fn(block_i, lo_i, hi_i, per_block[i], [groups[g]], *args, **kwargs)[0]`` for every block i
    and group g (groups: e.g. chunks of bootstrap replicates).

    In memory or on disk each block is read once, here, and ``fn`` gets all the groups in one call (it may
    thread over them). For a Dask family every (block, group) pair is a task on the active scheduler (a
    ``dask.distributed`` cluster when a ``Client`` exists) that computes its block where it runs; the results
    (small: per-strategy numbers, per-replicate maxima) come back in order, so the answer is the one the
    single-process loop gives.
    """
    bounds = src.bounds()
    extra = [None] * len(bounds) if per_block is None else list(per_block)
    groups = list(groups)
    if src.dask is None:
        out = []
        for (lo, hi), e in zip(bounds, extra):
            res = fn(src.read(lo, hi), lo, hi, e, groups, *args, **kwargs)
            if len(res) != len(groups):
                raise RuntimeError("map_blocks: fn must return one result per group")
            out.append(list(res))
        return out
    import dask

    x = src.dask.rechunk(((src.n_obs,), tuple(hi - lo for lo, hi in bounds)))
    blocks = x.to_delayed().ravel()
    call = dask.delayed(_first, pure=True)
    tasks = [call(fn, blk, lo, hi, e, [g], *args, **kwargs)
             for blk, (lo, hi), e in zip(blocks, bounds, extra) for g in groups]
    flat = dask.compute(*tasks)
    return [list(flat[i * len(groups):(i + 1) * len(groups)]) for i in range(len(bounds))]


def _first(fn: Callable[..., list], block: Any, lo: int, hi: int, extra: Any, groups: list, *args: Any,
           **kwargs: Any) -> Any:
    """Run one (block, group) task (on a Dask worker): the block arrives as a numpy array, made float64 and
    contiguous as every other source's blocks are (a float32 family gives the bits of its in-memory run)."""
    return fn(_float_block(block, "returns"), lo, hi, extra, groups, *args, **kwargs)[0]
