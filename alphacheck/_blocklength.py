"""Politis & White (2004) automatic block length (TEMPORARY: arch-backed until the FFT version lands)."""

from __future__ import annotations

import numpy as np


def politis_white(x: np.ndarray) -> np.ndarray:
    """(k, 2) array: optimal stationary and circular block lengths of each column of x (n, k)."""
    from arch.bootstrap import optimal_block_length

    table = optimal_block_length(x)
    return table[["stationary", "circular"]].to_numpy()
