"""Data caveats and their measured effect on the event counts (and, where they touch them, on the trades).

Each caveat of the bundled data (../shared/data/README.md) is switched off or varied one at a time and the
merged cascade counts of the four levels are recounted (:func:`cascade_study.cascades.cascade_counts`, 48 h
merge), so the report can say how much each one moves the numbers the seed compares:

* **sample span** — the data run 2019-09 → 2026-05, the seed's BTC series had 50,462 hours: counts on the
  full data, on the 50,462 h ending at the end of the write-up's month (February 2026), and their range over
  every 50,462 h window starting on the first of a month inside the data;
* **funding coverage** — our aggregate funding covers the 16 study symbols, the seed's the top 50: the
  funding-conditioned counts with the aggregate over BTC alone, BTC + ETH, and all 16 (ours);
* **SOL's 2 h/4 h settlements** (November 2022) — counts without the 8 h rescaling (the 0.1 behaviour);
* **FTM** — spot klines only, Binance funding for two months of 2022: counts with FTM left out of the
  funding aggregate; trades with an FTM leg and the mean per trade without FTM;
* **gaps** — UNI perp (9,436 h), FTM spot (71 h), ATOM/FIL (672 h at the end); BTC has none, so the
  volume-only counts cannot move; the funding-conditioned counts with the gapped symbols (UNI, ATOM, FIL,
  FTM) left out of the aggregate bound what their missing hours can do; trades: alt legs closed at a gap
  (:data:`cascade_study.strategies.EXIT_RULE`) and the mean per trade under 0.1's rule, which dropped those
  legs (membership decided with the future).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cascades import CASCADE_LEVELS, cascade_counts
from ..data.market import MarketData
from ..data.universe import BTC
from ..features import aggregate_funding, funding_zscore, usd_volume_24h
from ..strategies import TradeBook
from .robustness import SEED_HOURS, seed_length_span

MERGE_HOURS = 48
GAPPED = ("UNI", "ATOM", "FIL", "FTM")


@dataclass(frozen=True)
class DataCaveats:
    counts: pd.DataFrame          # rows: variants, columns: the four levels (merged counts) + "what"
    span_range: pd.DataFrame      # per level: min and max over every seed-length window (month starts)
    span_windows: int
    seed_span: tuple
    btc_missing_hours: int
    ftm_trades: int               # OOS trades with an FTM leg
    mean_without_ftm: float       # OOS alts long-only mean with FTM removed from every basket
    legs_closed_early: int        # OOS alt legs closed at a gap
    mean_old_rule: float          # OOS alts long-only mean under 0.1's rule (legs with a gap dropped)
    mean_main: float
    members_missing_at_entry: pd.Series  # per alt: OOS trades at which the alt was listed but had no bar
    coverage_shift: int           # largest change of a funding-conditioned count across the coverage variants
    sol_hours: int                # hours whose fr_z the 8 h rescaling changes
    sol_max_dz: float             # largest |change| of fr_z from the rescaling


def _counts(features: pd.DataFrame, fr_z: pd.Series | None = None) -> pd.Series:
    f = features if fr_z is None else features.assign(fr_z=fr_z.reindex(features.index))
    return cascade_counts(f, MERGE_HOURS)["events"]


def measure_caveats(md: MarketData, features: pd.DataFrame, oos: TradeBook) -> DataCaveats:
    """Recount the events under each caveat's variant (see the module docstring); ``oos`` = the OOS trades."""
    usd24 = usd_volume_24h(md)
    latest = aggregate_funding(md, usd24=usd24)[1]  # the 8 h-scale latest rates, shared by the coverage variants
    z = lambda **kw: funding_zscore(md, usd24=usd24, latest=latest, **kw)
    lo, hi = seed_length_span()
    z_main, z_raw = z(), funding_zscore(md, usd24=usd24, rescale=False)
    dz = (z_main - z_raw).abs()
    rows = {
        "full data (ours)": ("every hour of the bundled data", _counts(features)),
        "seed-length span": (f"the {SEED_HOURS:,} h {lo:%Y-%m-%d} → {hi:%Y-%m-%d}",
                             _counts(features.loc[lo:hi])),
        "funding: BTC only": ("aggregate funding over BTC alone", _counts(features, z(symbols=[BTC]))),
        "funding: BTC + ETH": ("aggregate funding over BTC and ETH", _counts(features, z(symbols=[BTC, "ETH"]))),
        "SOL not rescaled to 8 h": ("0.1: SOL's 2 h/4 h rates used as if 8 h", _counts(features, z_raw)),
        "without FTM funding": ("FTM left out of the funding aggregate",
                                _counts(features, z(symbols=[s for s in md.symbols if s != "FTM"]))),
        "without gapped symbols": ("UNI, ATOM, FIL, FTM left out of the funding aggregate",
                                   _counts(features, z(symbols=[s for s in md.symbols if s not in GAPPED]))),
    }
    counts = pd.DataFrame({k: v[1] for k, v in rows.items()}).T[list(CASCADE_LEVELS)]
    counts.insert(0, "variant", [v[0] for v in rows.values()])
    counts.loc["seed"] = ["the seed write-up", *[lv.seed_count for lv in CASCADE_LEVELS.values()]]

    # every seed-length window starting on the first of a month (00:00) inside the data
    t0, t1 = features.index[0], features.index[-1]
    starts = pd.date_range(t0.ceil("D"), t1, freq="MS")
    starts = starts[starts + pd.Timedelta(hours=SEED_HOURS - 1) <= t1]
    per = [_counts(features.loc[s:s + pd.Timedelta(hours=SEED_HOURS - 1)]) for s in starts]
    span_range = (pd.DataFrame(per).agg(["min", "max"]).T if per
                  else pd.DataFrame(np.nan, index=list(CASCADE_LEVELS), columns=["min", "max"]))

    alts = list(oos.alt_gross_panel.columns)
    panel = oos.alt_gross_panel
    c = oos.cost_bps / 1e4
    ftm = int(panel["FTM"].notna().sum()) if "FTM" in panel else 0
    without_ftm = (panel[[a for a in alts if a != "FTM"]].mean(axis=1) - c).mean() if ftm else float("nan")
    old = (panel.where(~oos.closed_early).mean(axis=1) - c).mean()
    listed = md.close[alts].notna()
    first, last = listed.idxmax(), listed[::-1].idxmax()
    at = oos.entries
    in_life = pd.DataFrame({a: (at >= first[a]) & (at <= last[a]) for a in alts}, index=at)
    missing = (in_life & panel.isna()).sum()
    cond = [k for k, lv in CASCADE_LEVELS.items() if lv.min_funding_z is not None]
    cov = counts.loc[["full data (ours)", "funding: BTC only", "funding: BTC + ETH"], cond].astype(int)
    return DataCaveats(
        counts=counts, span_range=span_range, span_windows=len(starts), seed_span=(lo, hi),
        btc_missing_hours=int(md.gap_report().loc[BTC, "missing_hours"]), ftm_trades=ftm,
        mean_without_ftm=float(without_ftm), legs_closed_early=int(oos.closed_early.to_numpy().sum()),
        mean_old_rule=float(old), mean_main=float(oos.variant("alt_long").mean()),
        members_missing_at_entry=missing[missing > 0], coverage_shift=int((cov.max() - cov.min()).max()),
        sol_hours=int((dz > 1e-9).sum()), sol_max_dz=float(dz.max()) if dz.notna().any() else 0.0)
