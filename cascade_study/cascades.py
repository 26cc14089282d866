"""BTC liquidation-cascade detection at the seed's four strictness levels.

A cascade hour is an hour ``t`` whose close satisfies (seed write-up, "Cascade Detection";
../shared/SEED_STUDY.md decisions):

    btc_ret_1h_t < max_return  and  btc_vol_ratio_t > min_volume_ratio  [and  fr_z_t > min_funding_z]

with the features of :func:`cascade_study.features.compute_features` (all known at ``t``'s close;
strict inequalities; a NaN feature never triggers).

Merging rule (one trade at a time): events are scanned in time order; the first is kept; each later
event is kept only if it is at least ``min_gap_hours`` after the previously **kept** event, otherwise
dropped. Dropped events do not extend the blackout. The study uses ``min_gap_hours`` = hold period
(48 h). ``min_gap_hours=0`` keeps every cascade hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class CascadeLevel:
    """One detection rule. ``min_funding_z=None`` means no funding condition."""
    name: str
    max_return: float
    min_volume_ratio: float
    min_funding_z: float | None
    seed_count: int  # events the seed write-up reports for this level

    def describe(self) -> str:
        fz = "any funding" if self.min_funding_z is None else f"fr_z > {self.min_funding_z:g}"
        return (f"{self.name}: BTC 1h return < {self.max_return:+.0%}, "
                f"volume > {self.min_volume_ratio:g}x 24h mean, {fz}")


CASCADE_LEVELS = MappingProxyType({
    lv.name: lv for lv in (
        CascadeLevel("strict", -0.03, 3.0, 2.0, seed_count=4),
        CascadeLevel("medium", -0.02, 2.0, 1.5, seed_count=15),
        CascadeLevel("loose", -0.02, 1.5, 1.0, seed_count=36),
        CascadeLevel("volume_only", -0.03, 2.0, None, seed_count=84),
    )
})


def _level(level) -> CascadeLevel:
    if isinstance(level, CascadeLevel):
        return level
    try:
        return CASCADE_LEVELS[level]
    except KeyError:
        raise ValueError(f"level: unknown cascade level {level!r}; "
                         f"choose from {list(CASCADE_LEVELS)}") from None


def cascade_mask(features: pd.DataFrame, level) -> pd.Series:
    """Boolean Series: True at hours satisfying ``level``'s conditions (before merging)."""
    lv = _level(level)
    need = ["btc_ret_1h", "btc_vol_ratio"] + ([] if lv.min_funding_z is None else ["fr_z"])
    missing = [c for c in need if c not in features.columns]
    if missing:
        raise ValueError(f"features: missing column(s) {missing}")
    m = (features["btc_ret_1h"] < lv.max_return) & (features["btc_vol_ratio"] > lv.min_volume_ratio)
    if lv.min_funding_z is not None:
        m &= features["fr_z"] > lv.min_funding_z
    return m.fillna(False).astype(bool)


def merge_events(times, min_gap_hours: float = 0) -> pd.DatetimeIndex:
    """Keep an event only if it is >= ``min_gap_hours`` after the previously kept event."""
    if min_gap_hours < 0:
        raise ValueError(f"min_gap_hours: must be >= 0, got {min_gap_hours}")
    t = pd.DatetimeIndex(times).sort_values().unique()
    if min_gap_hours == 0 or len(t) < 2:
        return t
    gap = pd.Timedelta(hours=min_gap_hours)
    keep = np.zeros(len(t), bool)
    last = None
    for i, ti in enumerate(t):
        if last is None or ti - last >= gap:
            keep[i] = True
            last = ti
    return t[keep]


def detect_cascades(features: pd.DataFrame, level, min_gap_hours: float = 0) -> pd.DatetimeIndex:
    """Cascade hours (the hour whose close triggers) at ``level``, merged by ``min_gap_hours``."""
    m = cascade_mask(features, level)
    return merge_events(features.index[m.to_numpy()], min_gap_hours)


def cascade_counts(features: pd.DataFrame, min_gap_hours: float = 0) -> pd.DataFrame:
    """Event count per level next to the seed's count."""
    rows = {name: {"events": len(detect_cascades(features, lv, min_gap_hours)),
                   "seed_count": lv.seed_count, "rule": lv.describe()}
            for name, lv in CASCADE_LEVELS.items()}
    return pd.DataFrame.from_dict(rows, orient="index")
