"""Exact, compact column encoding for the bundled data.

A float column whose values are all decimals with at most ``d`` digits after the point is stored
as the integers ``k = round(x * 10**d)`` (delta-encoded, smallest int dtype). Decoding computes
``k / 10**d``: both operands are exact doubles (|k| < 2**53, d <= 22) and IEEE division is
correctly rounded, so the result is the double nearest to the decimal — the same double the CSV
parser produced. The encoder verifies this bit-for-bit and falls back to raw float64 otherwise.
"""

from __future__ import annotations

import numpy as np

MAX_DECIMALS = 12


def _smallest_int(a: np.ndarray) -> np.ndarray:
    for dt in (np.int8, np.int16, np.int32):
        info = np.iinfo(dt)
        if a.size == 0 or (a.min() >= info.min and a.max() <= info.max):
            return a.astype(dt)
    return a.astype(np.int64)


def encode(x: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Return ``(payload, decimals, base)``; decimals = -1 means payload is raw float64.

    Integer payload: ``k[0] = base``, ``k[i] = k[i-1] + payload[i]`` (payload[0] = 0).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0 or not np.isfinite(x).all():
        return x.copy(), -1, 0
    for d in range(MAX_DECIMALS + 1):
        scale = 10.0 ** d
        k = np.round(x * scale)
        if np.abs(k).max(initial=0) >= 2 ** 53:
            break
        if np.array_equal(k / scale, x):
            k = k.astype(np.int64)
            delta = np.diff(k, prepend=k[0])
            return _smallest_int(delta), d, int(k[0])
    return x.copy(), -1, 0


def decode(payload: np.ndarray, decimals: int, base: int) -> np.ndarray:
    if decimals < 0:
        return np.asarray(payload, dtype=np.float64)
    k = np.cumsum(payload.astype(np.int64)) + np.int64(base)
    return k / (10.0 ** decimals)


def encode_int(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Delta-encode an int64 series (timestamps): ``(deltas, base)``."""
    x = np.asarray(x, dtype=np.int64)
    if x.size == 0:
        return x.copy(), 0
    return _smallest_int(np.diff(x, prepend=x[0])), int(x[0])


def decode_int(payload: np.ndarray, base: int) -> np.ndarray:
    return np.cumsum(payload.astype(np.int64)) + np.int64(base)
