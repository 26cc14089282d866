"""Politis & White (2004) / Patton, Politis & White (2009) automatic block length, O(n log n).

Value for value equal to ``arch.bootstrap.optimal_block_length`` (arch 8.0.0), which alphacheck 0.1 called:
tested to 1e-8 relative (tests/alphacheck/test_blocklength.py; ~1e-14 measured), without importing arch (which
imports matplotlib) and in O(n log n) instead of arch's O(n^1.5).

Sources
-------
* D. N. Politis & H. White (2004), "Automatic Block-Length Selection for the Dependent
  Bootstrap", *Econometric Reviews* 23(1), 53-70, DOI 10.1081/ETC-120028836: the plug-in
  block lengths b_SB = (2 G^2 / D_SB)^(1/3) n^(1/3) and b_CB = (2 G^2 / D_CB)^(1/3) n^(1/3),
  G and g(0) estimated with the flat-top (trapezoidal) lag window of Politis & Romano (1995),
  lambda(t) = 1 for |t| <= 1/2, 2(1 - |t|) for 1/2 < |t| <= 1, 0 beyond, at bandwidth M = 2 m_hat,
  m_hat picked from the correlogram by the "K_N consecutive insignificant autocorrelations"
  rule with the band c sqrt(log10(n)/n), c = 2 (the paper's Section 3.2 and its footnote c).
* A. Patton, D. N. Politis & H. White (2009), "Correction to 'Automatic Block-Length Selection
  for the Dependent Bootstrap'", *Econometric Reviews* 28(4), 372-375, DOI
  10.1080/07474930802459016: the corrected stationary-bootstrap constant D_SB = 2 g(0)^2 (the
  circular constant is D_CB = (4/3) g(0)^2), so that b_CB / b_SB = (3/2)^(1/3).
* ``arch.bootstrap.optimal_block_length`` (arch 8.0.0, ``arch/bootstrap/base.py``,
  ``_single_optimal_block``), whose numbers this module reproduces, tuning choices and
  quirks included (see :func:`optimal_block_length`).

Why this is fast: arch computes each of the m_max + 1 ~ sqrt(n) autocovariances with its own
O(n) dot product (plus two O(n) sums of squares per lag): O(n^1.5). Here all autocovariances
come from one zero-padded real FFT of the demeaned series (O(n log n)), and the lag-specific
sums of squares from one total plus cumulative sums over the first/last m_max + 1 squares.

Why it is still *equal*: FFT autocovariances differ from arch's dot products by ~1e-16 of
R(0). Two things could turn that into a visible difference, and both are guarded:

1. The discrete "|rho_i| < cv" tests that pick m_hat. Any lag whose FFT-based |rho_i| lies
   within a relative 1e-6 of cv (the FFT error is ~1e-13 relative there) is recomputed with
   exactly arch's three dot products, so the decision is arch's own.
2. Cancellation in G or in g(0) (e.g. G = 0 exactly for a series whose lagged products all
   vanish, g(0) ~ 0 for an over-differenced series). A forward error bound on the outputs is
   computed from an error model of the FFT and of arch's own dot products (constant 4, >= 20x
   the largest measured); a column whose bound exceeds 1e-9 relative (and is not safely
   above the b_max cap) gets its M + 1 autocovariances recomputed with arch's dot products and
   arch's sequential flat-top loop (O(n M), M is known by then). Columns outside the safe
   floating-point range (max|x - mean| sqrt(n) > 1e70, max|x - mean| < 1e-70, or some lag's
   sum of squares below 1e-250: products could overflow or go subnormal, so arch's own
   rounding would be unpredictable) and short series (n < 64) run a line-for-line replica of
   arch's function.

Pure numpy (``numpy.fft``; ``scipy.fft`` is not used because importing it costs ~0.45 s).
"""

from __future__ import annotations

import numpy as np

__all__ = ["optimal_block_length", "politis_white"]

_SMALL_N = 64  # below this every column goes through the exact replica (cost is negligible)
_BAND = 1e-6  # relative half-width around cv inside which a lag's |rho| is recomputed exactly
_OUT_TOL = 1e-9  # max tolerated forward error bound (relative) on an output before falling back
_FFT_C = 4.0  # error-model constant; the largest measured constant is 0.18 (>= 20x margin)
_EPS = np.finfo(float).eps
# How often each exact path ran (diagnostics for the tests; counts only, not thread-safe).
STATS = {"fast_columns": 0, "lags_recomputed": 0, "given_m_fallbacks": 0, "replica_columns": 0}
_SAFE_HI = 1e70  # fast path needs max|e| * sqrt(n) < 1e70 (so v1 * v2 <= c0^2 < 1e280) ...
_SAFE_LO = 1e-70  # ... and max|e| > 1e-70 (c0 > 1e-140), and min(v1, v2) > _V_MIN
_V_MIN = 1e-250


def _next_fast_len(target: int) -> int:
    """Smallest 2^a 3^b 5^c >= target (a >= 1, so the length is even for the real FFT)."""
    best = 2 * target
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p = p35
            while p < target:
                p *= 2
            if p % 2:
                p *= 2
            best = min(best, p)
            p35 *= 3
        p5 *= 5
    return best


def _tuning(n: int) -> tuple[int, int, float, float]:
    """arch's tuning constants: K_N, m_max, the band cv and the cap b_max."""
    kn = max(5, int(np.log10(n)))
    m_max = int(np.ceil(np.sqrt(n))) + kn
    cv = 2 * np.sqrt(np.log10(n) / n)
    b_max = np.ceil(min(3 * np.sqrt(n), n / 3))
    return kn, m_max, float(cv), float(b_max)


def _arch_tail(acv: np.ndarray, m: int, nobs: int, b_max: float) -> tuple[float, float]:
    """arch's final step, same operations in the same order: flat-top sums, D's, b's, cap."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        g = 0.0
        lr_acv = acv[0]
        for k in range(1, m + 1):
            lam = 1 if k / m <= 1 / 2 else 2 * (1 - k / m)
            g += 2 * lam * k * acv[k]
            lr_acv += 2 * lam * acv[k]
        d_sb = 2 * lr_acv**2
        d_cb = 4 / 3 * lr_acv**2
        b_sb = ((2 * g**2) / d_sb) ** (1 / 3) * nobs ** (1 / 3)
        b_cb = ((2 * g**2) / d_cb) ** (1 / 3) * nobs ** (1 / 3)
    return min(b_sb, b_max), min(b_cb, b_max)


def _exact_column(eps: np.ndarray) -> tuple[float, float]:
    """Line-for-line replica of arch 8.0.0 ``_single_optimal_block`` on a demeaned column."""
    nobs = eps.shape[0]
    kn, m_max, cv, b_max = _tuning(nobs)
    acv = np.zeros(m_max + 1)
    abs_acorr = np.zeros(m_max + 1)
    opt_m = None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in range(m_max + 1):
            v1 = eps[i + 1 :] @ eps[i + 1 :]
            v2 = eps[: -(i + 1)] @ eps[: -(i + 1)]
            cross_prod = eps[i:] @ eps[: nobs - i]
            acv[i] = cross_prod / nobs
            abs_acorr[i] = np.abs(cross_prod) / np.sqrt(v1 * v2)
            if i >= kn:
                if np.all(abs_acorr[i - kn : i] < cv) and opt_m is None:
                    opt_m = i - kn
    m = 2 * max(opt_m, 1) if opt_m is not None else m_max
    m = min(m, m_max)
    return _arch_tail(acv, m, nobs, b_max)


def _exact_given_m(eps: np.ndarray, m: int) -> tuple[float, float]:
    """arch's result once m is known: the m + 1 autocovariances by arch's own dot products
    (O(n m)), then arch's tail. Used when the FFT values would leave G or g(0) ill-conditioned."""
    e = np.array(eps, dtype=float, copy=True)
    nobs = e.shape[0]
    b_max = _tuning(nobs)[3]
    acv = np.zeros(m + 1)
    for i in range(m + 1):
        acv[i] = (e[i:] @ e[: nobs - i]) / nobs
    return _arch_tail(acv, m, nobs, b_max)


def _exact_lag(eps: np.ndarray, i: int) -> float:
    """arch's |rho_i| for one lag (same three dot products, on a fresh contiguous copy)."""
    e = np.array(eps, dtype=float, copy=True)
    n = e.shape[0]
    v1 = e[i + 1 :] @ e[i + 1 :]
    v2 = e[: -(i + 1)] @ e[: -(i + 1)]
    cross = e[i:] @ e[: n - i]
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.abs(cross) / np.sqrt(v1 * v2))


def _fast_block(eps: np.ndarray, n: int):
    """Fast path for a (k, n) block of demeaned, finite, well-scaled rows (n >= _SMALL_N).

    Returns (out, m, redo, replica): out is (k, 2); rows flagged in redo have a forward error
    bound above _OUT_TOL and must be finished by :func:`_exact_given_m` with their bandwidth m;
    rows flagged in replica (some v1/v2 near underflow) must go through :func:`_exact_column`.
    """
    k = eps.shape[0]
    kn, m_max, cv, b_max = _tuning(n)
    h = m_max + 1  # lags 0..m_max
    L = _next_fast_len(n + m_max)  # zero padding >= m_max: no circular wrap for lags <= m_max

    # --- all autocovariance sums c_i = sum_t eps_t eps_{t+i}, i = 0..m_max: one real FFT ---
    f = np.fft.rfft(eps, L, axis=1)
    p = f.real * f.real
    p += f.imag * f.imag
    del f
    cross = np.fft.irfft(p, L, axis=1)[:, :h]
    del p

    # --- arch's normalisers v1(i) = sum_{t>i} eps_t^2, v2(i) = sum_{t<n-i-1} eps_t^2 --------
    # Each is a sum of non-negative terms split into a bulk (pairwise np.sum) plus a short
    # cumulative sum, so there is no cancellation. (No BLAS call on the fast path: OpenBLAS's
    # threads made short calls 5-20x slower on a loaded machine.)
    sq = eps * eps
    sq_head = sq[:, 1 : h + 1]  # t = 1..h
    sq_tail = sq[:, n - h - 1 : n - 1]  # t = n-h-1..n-2
    t1 = sq[:, h + 1 :].sum(axis=1)  # t = h+1..n-1
    t2 = sq[:, : n - h - 1].sum(axis=1)  # t = 0..n-h-2
    v1 = np.cumsum(sq_head[:, ::-1], axis=1)[:, ::-1] + t1[:, None]  # i = 0..m_max
    v2 = np.cumsum(sq_tail, axis=1)[:, ::-1] + t2[:, None]
    c0 = t1 + sq_head.sum(axis=1) + sq[:, 0]  # sum of all squares, accurate
    del sq
    with np.errstate(divide="ignore", invalid="ignore"):
        abs_acorr = np.abs(cross) / np.sqrt(v1 * v2)
    replica = ~(np.minimum(v1.min(axis=1), v2.min(axis=1)) > _V_MIN)

    # --- guard 1: recompute exactly every lag whose |rho| is close to the band edge --------
    near = np.abs(abs_acorr[:, :m_max] - cv) <= _BAND * cv
    for r, i in zip(*np.nonzero(near)):
        abs_acorr[r, i] = _exact_lag(eps[r], int(i))
        STATS["lags_recomputed"] += 1

    # --- m_hat: first j with |rho_j|, ..., |rho_{j+kn-1}| all < cv (arch's indexing) -------
    ins = abs_acorr[:, :m_max] < cv
    cs = np.concatenate([np.zeros((k, 1), dtype=np.int64), np.cumsum(ins, axis=1)], axis=1)
    window = (cs[:, kn:] - cs[:, : m_max - kn + 1]) == kn  # window start j = 0..m_max-kn
    found = window.any(axis=1)
    opt_m = np.argmax(window, axis=1)
    m = np.where(found, 2 * np.maximum(opt_m, 1), m_max)
    m = np.minimum(m, m_max)

    # --- flat-top lag window, G and g(0) ------------------------------------------------------
    acv = cross / n
    lags = np.arange(1, h, dtype=float)
    ratio = lags[None, :] / m[:, None].astype(float)
    lam = np.where(ratio <= 0.5, 1.0, 2 * (1 - ratio))
    lam[ratio > 1] = 0.0
    tg = 2 * lam * lags * acv[:, 1:]
    tl = 2 * lam * acv[:, 1:]
    g = tg.sum(axis=1)
    lr_acv = acv[:, 0] + tl.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d_sb = 2 * lr_acv**2
        d_cb = 4 / 3 * lr_acv**2
        b_sb = ((2 * g**2) / d_sb) ** (1 / 3) * n ** (1 / 3)
        b_cb = ((2 * g**2) / d_cb) ** (1 / 3) * n ** (1 / 3)

        # --- guard 2: forward error bound on the outputs ------------------------------------
        # per-lag |acv_here - acv_arch|: FFT error (norm-wise, ~ eps log2 L c0) plus a model
        # of arch's own dot-product rounding (~ eps (c0 + sqrt(n) |c_i|)), both with margin.
        log_l = np.log2(L)
        delta = _FFT_C * _EPS * ((1 + log_l) * c0[:, None] + np.sqrt(n) * np.abs(cross)) / n
        mf = m.astype(float)
        err_g = np.sum(2 * lam * lags * delta[:, 1:], axis=1)
        err_l = delta[:, 0] + np.sum(2 * lam * delta[:, 1:], axis=1)
        # ... plus summing in another order than arch's sequential loop (<= (m + 16) eps sum|.|)
        err_g += (mf + 16) * _EPS * np.sum(np.abs(tg), axis=1)
        err_l += (mf + 16) * _EPS * (np.abs(acv[:, 0]) + np.sum(np.abs(tl), axis=1))
        rel = (2.0 / 3.0) * (err_g / np.abs(g) + err_l / np.abs(lr_acv)) + 16 * _EPS
        b_unc = np.stack([b_sb, b_cb], axis=1)
        # both columns stay capped whatever the error (b_cb >= b_sb, so test b_sb)
        capped = b_sb * (1 - 2 * rel) > b_max
    ok = (rel <= _OUT_TOL) | capped
    out = np.where(b_unc > b_max, b_max, b_unc)
    return out, m, ~ok & ~replica, replica


def optimal_block_length(x) -> np.ndarray:
    """Politis-White (2004) / Patton-Politis-White (2009) optimal block lengths, as arch.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, k)
        The series (column by column if 2-D). Converted with ``np.asarray(x, dtype=float)``;
        a 0-d input counts as one observation, as in arch.

    Returns
    -------
    ndarray, shape (k, 2)
        Column 0: expected block length for the stationary bootstrap (Politis & Romano 1994);
        column 1: block length for the circular block bootstrap (Politis & Romano 1992), for
        each input column. Equal to ``arch.bootstrap.optimal_block_length(x).to_numpy()``
        (arch 8.0.0) to ~1e-13 relative in practice.

    Algorithm (arch's version of PW 2004 Sec. 3 with the PPW 2009 correction)
    -------------------------------------------------------------------------
    With e = x - mean(x), n observations:

    * K_N = max(5, floor(log10 n)); m_max = ceil(sqrt n) + K_N; cv = 2 sqrt(log10(n) / n);
      b_max = ceil(min(3 sqrt n, n / 3)).
    * R(i) = n^-1 sum_t e_t e_{t+i} for i = 0..m_max (one FFT here).
    * |rho_i| = |n R(i)| / sqrt(sum_{t>i} e_t^2 * sum_{t<n-i-1} e_t^2) (arch's normaliser: the
      two sums are shifted by one observation relative to the cross-product).
    * m_hat = first j in 0..m_max-K_N with |rho_j|, ..., |rho_{j+K_N-1}| all < cv;
      M = min(2 max(m_hat, 1), m_max), or M = m_max if there is no such j.
    * G = 2 sum_{k=1}^M lambda(k/M) k R(k); g(0) = R(0) + 2 sum_{k=1}^M lambda(k/M) R(k);
      D_SB = 2 g(0)^2, D_CB = (4/3) g(0)^2; b = min((2 G^2 / D)^(1/3) n^(1/3), b_max).

    Edge cases are arch's: a constant series (e = 0 exactly) gives NaN; any non-finite value
    gives NaN; n = 1 gives NaN. For n = 0 and 2 <= n <= 7 arch raises (OverflowError and a
    matmul ValueError respectively); here a ValueError is raised for both.
    """
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        a = a[:, None]
    elif a.ndim != 2:
        raise ValueError("x must be 1-d or 2-d")
    n, k = a.shape
    if n == 0 or 2 <= n <= 7:
        raise ValueError(
            f"optimal_block_length needs n == 1 or n >= 8 observations (arch fails on n = {n})"
        )
    out = np.full((k, 2), np.nan)
    if k == 0:
        return out
    xt = np.ascontiguousarray(a.T)  # (k, n): row j is column j, as arch's x_arr.T[j]
    mean = xt.mean(axis=1)
    rows = np.nonzero(np.isfinite(mean))[0]  # a non-finite value anywhere: arch gives NaN
    chunk = max(1, (1 << 23) // n)  # bound the (chunk, L) FFT buffers
    for s in range(0, rows.size, chunk):
        idx = rows[s : s + chunk]
        if idx[-1] - idx[0] == idx.size - 1:  # contiguous rows: a view, no gather copy
            eps = xt[idx[0] : idx[-1] + 1] - mean[idx, None]
        else:
            eps = xt[idx] - mean[idx, None]
        amax = np.maximum(eps.max(axis=1), -eps.min(axis=1))
        nonzero = amax > 0  # e == 0 exactly: arch's 0/0 gives NaN for both columns
        if n >= _SMALL_N:
            fast = nonzero & (amax > _SAFE_LO) & (amax * np.sqrt(n) < _SAFE_HI)
        else:
            fast = np.zeros_like(nonzero)
        if fast.any():
            sel = np.nonzero(fast)[0]
            res, m, redo, replica = _fast_block(eps[sel], n)
            out[idx[sel]] = res
            STATS["fast_columns"] += int(sel.size - replica.sum())
            fast[sel[replica]] = False  # finished by the replica below
            for r in np.nonzero(redo)[0]:
                out[idx[sel[r]]] = _exact_given_m(eps[sel[r]], int(m[r]))
                STATS["given_m_fallbacks"] += 1
        for j in np.nonzero(nonzero & ~fast)[0]:
            out[idx[j]] = _exact_column(np.array(eps[j]))
            STATS["replica_columns"] += 1
    return out


def politis_white(x: np.ndarray) -> np.ndarray:
    """(k, 2) array: the stationary (column 0) and circular (column 1) block lengths of each column of x (n, k).

    What :func:`alphacheck._resample.optimal_block_length` reads; same numbers as
    ``arch.bootstrap.optimal_block_length(x)[["stationary", "circular"]].to_numpy()``. Each column is computed on
    its own (row-wise FFTs and reductions), so a column's value does not depend on which other columns are passed
    with it: chunks of a large family give the same bits as the whole family.
    """
    return optimal_block_length(x)
