"""Is this really a return series? (rules land with the inputs issue; see docs/bad-inputs.md)"""

from __future__ import annotations

from typing import Any

import numpy as np


def check_plausible_returns(values: np.ndarray, index: Any, name: str, *, hint: str = "") -> None:
    """Raise InputError when ``values`` look like prices, levels, cumulative curves, percent or positions."""
    return None
