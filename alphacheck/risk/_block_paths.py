"""Max drawdown and end wealth of block-resampled paths from range tables, O(1) per block.

A block-bootstrap replicate is a concatenation of segments of the (doubled, for wrapping) series. In log
wealth V_i = Σ_{t<i} log(1 + x_t), block j covering observations [s, s + L) moves the path by V_{s+L} − V_s and
visits the levels E_j + V_c − V_s, c = s+1 … s+L, where E_j is the log wealth before the block. With
Q_j = max(0, max_{i<j} (E_i + max_i)) the running peak entering block j (W_0 = 1 is the first peak), the deepest
point of block j relative to the running peak is

    min( E_j + min_j − Q_j ,  dd_j ),   min_j = min_c V_c − V_s,   dd_j = min_{s<a<=c<=s+L} (V_c − V_a),

because W_c / max(peak_in, M_c) = min(W_c / peak_in, W_c / M_c) (M_c the running maximum inside the block).
Range minima and maxima come from sparse tables (Bentley 1975; the overlapping-halves query of Bender &
Farach-Colton 2000); the range drawdown of an interval covered by two overlapping power-of-two halves A, B is
min(dd(A), dd(B), min(B \\ A) − max(A \\ B)): a pair a <= c with both ends in A or both in B is inside one half,
and otherwise a lies in A \\ B and c in B \\ A. Every block costs a fixed number of table lookups however long
it is, so at mean block length b the paths cost O(blocks) = O(n / b) per replicate instead of O(n).

Tables hold ``levels`` power-of-two widths; a longer block is cut into consecutive pieces of the longest width
(the path is the same concatenation), so memory stays bounded at any n.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from alphacheck._resample import BlockPlan

__all__ = ["RangeTables", "range_tables", "table_levels", "block_path_extremes", "TABLE_BYTES"]

TABLE_BYTES = 128 * 2**20  # the three tables of the doubled series stay under this many bytes


@dataclasses.dataclass(frozen=True)
class RangeTables:
    """Sparse tables over the log wealth ``v`` (length 2n + 1) of the doubled series.

    ``windows`` is (levels · v.size, 3): row k · v.size + i holds the minimum, the maximum and
    min_{i<=a<=c<i+2^k} (v_c − v_a) of the window [i, i + 2^k), side by side so one block's lookups touch one
    cache line per window (rows whose window runs past the end are never read). ``level[L]`` = k · v.size,
    k = floor(log2 L), for the block lengths L < 2 ``widest``.
    """

    v: np.ndarray
    windows: np.ndarray
    level: np.ndarray
    widest: int


def table_levels(n: int, max_length: int) -> int:
    """Power-of-two widths the tables of a series of length ``n`` hold: enough for ``max_length``, within
    :data:`TABLE_BYTES`."""
    fit = max(1, TABLE_BYTES // (3 * 8 * (2 * n + 1)))
    return int(min(fit, max(1, int(max_length).bit_length())))


def range_tables(x: np.ndarray, max_length: int) -> RangeTables:
    """Tables for blocks of up to ``max_length`` observations of the doubled series of validated returns ``x``
    (every return > −1), with :func:`table_levels` levels."""
    v = np.concatenate([[0.0], np.cumsum(np.log1p(np.concatenate([x, x])))])
    size = v.size
    levels = table_levels(x.size, max_length)
    t = np.empty((levels, size, 3))
    t[0, :, 0], t[0, :, 1], t[0, :, 2] = v, v, 0.0
    for k in range(1, levels):
        h = 1 << (k - 1)
        w = size - (1 << k) + 1  # windows of width 2^k that fit
        left, right, out = t[k - 1, :w], t[k - 1, h : h + w], t[k, :w]
        np.minimum(left[:, 0], right[:, 0], out=out[:, 0])
        np.maximum(left[:, 1], right[:, 1], out=out[:, 1])
        np.minimum(left[:, 2], right[:, 2], out=out[:, 2])
        np.minimum(out[:, 2], right[:, 0] - left[:, 1], out=out[:, 2])
        t[k, w:] = (np.inf, -np.inf, 0.0)
    widest = 1 << (levels - 1)
    level = np.zeros(2 * widest, dtype=np.int64)
    level[1:] = (np.frexp(np.arange(1, 2 * widest, dtype=np.float64))[1] - 1) * size
    return RangeTables(v, t.reshape(levels * size, 3), level, widest)


def _split(starts: np.ndarray, lengths: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut blocks longer than ``width`` into consecutive pieces of ``width`` (the last one shorter): the same
    concatenation, so the same path."""
    pieces = -(-lengths // width)
    if int(pieces.max(initial=0)) <= 1:
        return starts, lengths
    rows = starts.shape[0]
    per_row = pieces.sum(axis=1)
    m = int(per_row.max())
    flat_pieces = pieces.ravel()
    first = np.repeat(starts.ravel(), flat_pieces)
    total = np.repeat(lengths.ravel(), flat_pieces)
    before = np.repeat(np.cumsum(flat_pieces) - flat_pieces, flat_pieces)
    j = np.arange(first.size) - before  # piece number within its block
    row = np.repeat(np.arange(rows), per_row)
    col = np.arange(first.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    s_out = np.zeros((rows, m), dtype=starts.dtype)
    l_out = np.zeros((rows, m), dtype=lengths.dtype)
    s_out[row, col] = first + j * width
    l_out[row, col] = np.minimum(total - j * width, width)
    return s_out, l_out


def block_path_extremes(tables: RangeTables, plan: BlockPlan) -> tuple[np.ndarray, np.ndarray]:
    """(max drawdown <= 0, log end wealth) of every replicate of ``plan`` (the module docstring's recursion)."""
    s, L = _split(plan.starts, plan.lengths, tables.widest)
    v, win, level, size = tables.v, tables.windows, tables.level, tables.v.size
    used = L > 0
    safe = np.maximum(L, 1)  # padding blocks (L = 0) read a width-1 window and are masked below
    lo = s + 1  # the block's levels are v[lo .. s + L]
    row = level[safe]  # k * size, k = floor(log2 L)
    half = np.left_shift(1, row // size)
    a = row + lo  # window A = [lo, lo + 2^k)
    wa = np.take(win, a, axis=0)
    wb = np.take(win, a + (safe - half), axis=0)  # window B = [s + L + 1 − 2^k, s + L]
    base = v[s]
    change = np.where(used, v[s + L] - base, 0.0)
    block_low = np.where(used, np.minimum(wa[..., 0], wb[..., 0]) - base, np.inf)
    block_high = np.where(used, np.maximum(wa[..., 1], wb[..., 1]) - base, -np.inf)
    # range drawdown over the two halves: min(dd(A), dd(B), min(B \ A) − max(A \ B)), |A \ B| = L − 2^k < 2^k
    inner = np.minimum(wa[..., 2], wb[..., 2])
    rest = safe - half
    rest_row = level[np.maximum(rest, 1)]
    ab = rest_row + lo  # A \ B = [lo, lo + rest)
    ba = ab + half  # B \ A = [lo + 2^k, s + L]
    far = rest - np.left_shift(1, rest_row // size)
    cross = (np.minimum(win[ba, 0], win[ba + far, 0]) - np.maximum(win[ab, 1], win[ab + far, 1]))
    inner = np.where(used & (rest > 0), np.minimum(inner, cross), np.where(used, inner, 0.0))

    before = np.cumsum(change, axis=1)
    before -= change  # E_j, the exclusive running sum per row
    tops = before + block_high
    peak = np.empty_like(tops)
    peak[:, 0] = 0.0
    np.maximum.accumulate(tops[:, :-1], axis=1, out=peak[:, 1:])
    np.maximum(peak, 0.0, out=peak)
    depth = np.minimum(before + block_low - peak, inner)
    mdd = np.minimum(np.expm1(depth.min(axis=1)), 0.0)
    return mdd, change.sum(axis=1)
