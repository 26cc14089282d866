"""Exp 01–02 — cascade counts and the post-cascade event study (seed Part 2, Part 3 "The Pivot").

Events: volume-only BTC cascades (BTC 1h return < −3 %, volume > 2x its previous-24 h mean), merged
with the 48 h one-trade-at-a-time rule. For an event detected on the bar opening at t, the h-hour
forward return of asset i is ``close[t+h] / close[t] − 1`` (:func:`alphacheck.ic.forward_returns` —
never across a gap), h in {1, 4, 12, 24, 48}.

* **Alt vs BTC by horizon.** :func:`alphacheck.events.event_study` with ``benchmark`` = BTC 1h
  returns: the abnormal return of an alt-event is its CAR minus BTC's CAR over the same window; the
  spread is tested *clustered by event* (each event's mean abnormal return is one observation; t with
  n_events − 1 df, two-sided; the iid bootstrap over events and the naive pooled p are kept too), and the
  five horizons' p-values are adjusted by Benjamini–Hochberg (:func:`alphacheck.adjust_pvalues`). Alts:
  ``alt_mean`` is the mean over all alt-event pairs (the seed's pooled number); ``alt_event_mean`` the mean
  over events of each event's alt-basket mean, the quantity whose CI is given (and drawn): CIs of the
  per-event alt and BTC means by :func:`alphacheck.mean_test` (studentised bootstrap), of the spread by
  the event-clustered t.
* **IC(depth, BTC recovery 24 h)** on the *loose* event set (merged): depth = −BTC 1h return at the
  cascade bar; :func:`alphacheck.ic.ic_test`, Spearman, permutation p (small n).
* **IC(overshoot, alt recovery 24 h)** pooled over alt-events: overshoot = BTC 1h return − alt 1h
  return at the cascade bar (positive = the alt fell more); permutation p.
* **Quintiles** of overshoot vs the alt's 48 h forward return, pooled (:func:`alphacheck.ic.quantile_returns`);
  Q5 = hardest hit: mean, win rate, and the one-sample t of the Q5 mean
  (:func:`alphacheck.significance.mean_test`, ``method="t"``; like the seed's t it treats alt-events as
  independent although alts of one event co-move — an overstatement we flag).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alphacheck import (
    EventStudyResult,
    ICResult,
    QuantileResult,
    TestResult,
    adjust_pvalues,
    event_study,
    forward_returns,
    ic_test,
    mean_test,
    quantile_returns,
)

from ..cascades import CASCADE_LEVELS, detect_cascades
from ..data.market import MarketData
from ..data.universe import BTC

HORIZONS = (1, 4, 12, 24, 48)
MERGE_HOURS = 48


@dataclass(frozen=True)
class EventStudyExperiment:
    counts: pd.DataFrame       # per level: rule, events (no merge), events (48h merge), seed
    events: pd.DatetimeIndex   # volume-only, merged
    table: pd.DataFrame        # per horizon: alt/btc means + CIs, spread, p, n_events, n_obs
    study: EventStudyResult      # alphacheck result (abnormal = alt CAR − BTC CAR)
    n_alt_events: int
    ic_depth: ICResult | None
    n_depth: int
    ic_overshoot: ICResult
    quintiles: QuantileResult
    q5_mean: float
    q5_win: float
    q5_t: float
    q5_test: TestResult


def cascade_count_table(features: pd.DataFrame, merge_hours: int = MERGE_HOURS) -> pd.DataFrame:
    rows = []
    for name, lv in CASCADE_LEVELS.items():
        rows.append({"level": name, "rule": lv.describe(),
                     "events_unmerged": len(detect_cascades(features, lv, 0)),
                     "events_merged": len(detect_cascades(features, lv, merge_hours)),
                     "seed": lv.seed_count})
    return pd.DataFrame(rows).set_index("level")


def _stack(panel: pd.DataFrame, name: str) -> pd.Series:
    s = panel.stack()
    s.index.names = ["event", "symbol"]
    return s.rename(name)


def run_event_study(md: MarketData, features: pd.DataFrame, reps: int = 9_999,
                    seed: int = 0) -> EventStudyExperiment:
    counts = cascade_count_table(features)
    events = detect_cascades(features, "volume_only", MERGE_HOURS)
    r1 = md.returns(1)
    alts = md.alts
    fwd = {h: forward_returns(r1, horizon=h).reindex(events) for h in HORIZONS}
    study = event_study(r1[alts], events, r1[BTC], horizons=HORIZONS, reps=reps, seed=seed,
                        cluster="event", alternative="two-sided")
    pe = study.per_event
    rows = []
    for h in HORIZONS:
        ph = pe[pe["horizon"] == h]
        alt_ev = ph.groupby("event")["car"].mean()
        btc_ev = ph.groupby("event")["benchmark_car"].first()
        ma = mean_test(alt_ev, alternative="two-sided", reps=reps, seed=seed).confidence_interval()
        mb = mean_test(btc_ev, alternative="two-sided", reps=reps, seed=seed).confidence_interval()
        # the spread's interval: the event-clustered t of event_study (one observation per event), inverted
        ms = mean_test(ph.groupby("event")["abnormal"].mean(), alternative="two-sided",
                       method="t").confidence_interval()
        st = study.table.loc[h]
        rows.append({"horizon": h, "alt_mean": float(ph["car"].mean()), "alt_event_mean": float(alt_ev.mean()),
                     "alt_ci_low": ma.low, "alt_ci_high": ma.high,
                     "btc_mean": float(btc_ev.mean()), "btc_ci_low": mb.low, "btc_ci_high": mb.high,
                     "spread": float(st["mean_car"]), "spread_ci_low": ms.low, "spread_ci_high": ms.high,
                     "spread_p": float(st["pvalue"]),
                     "spread_boot_p": float(st["boot_pvalue"]), "spread_naive_p": float(st["naive_pvalue"]),
                     "n_events": int(st["n_events"]), "n_obs": int(st["n_obs"]),
                     "n_excluded": int(st["n_excluded"])})
    table = pd.DataFrame(rows).set_index("horizon")
    # five horizons are five tests of one idea: Benjamini-Hochberg over them
    table["spread_p_bh"] = adjust_pvalues(table["spread_p"], method="bh").to_numpy()

    # IC(depth, BTC recovery 24h) on the loose set
    loose = detect_cascades(features, "loose", MERGE_HOURS)
    depth = (-r1[BTC].reindex(loose)).rename("depth")
    rec = forward_returns(r1[BTC], horizon=24).reindex(loose).rename("recovery")
    dd = pd.concat([depth, rec], axis=1).dropna()
    ic_depth = None  # too few loose events (e.g. no funding data) -> not computed
    if len(dd) >= 4:
        ic_depth = ic_test(dd["depth"], dd["recovery"], correlation="spearman", horizon=24,
                           method="permutation", reps=reps, seed=seed)

    # IC(overshoot, alt recovery 24h) pooled over alt-events
    over = (r1[BTC].reindex(events).to_numpy()[:, None] - r1[alts].reindex(events))
    pooled = pd.concat([_stack(over, "overshoot"), _stack(fwd[24][alts], "rec24"),
                        _stack(fwd[48][alts], "rec48")], axis=1)
    p24 = pooled[["overshoot", "rec24"]].dropna()
    ic_over = ic_test(p24["overshoot"].reset_index(drop=True), p24["rec24"].reset_index(drop=True),
                      correlation="spearman", horizon=24, method="permutation", reps=reps, seed=seed)
    p48 = pooled[["overshoot", "rec48"]].dropna().reset_index(drop=True)
    qr = quantile_returns(p48["overshoot"], p48["rec48"], q=5, reps=reps, seed=seed)
    bucket = pd.qcut(p48["overshoot"], 5, labels=False)
    q5 = p48.loc[bucket == 4, "rec48"]
    q5_test = mean_test(q5, alternative="two-sided", method="t")
    return EventStudyExperiment(
        counts=counts, events=events, table=table, study=study,
        n_alt_events=int(table.loc[24, "n_obs"]), ic_depth=ic_depth, n_depth=len(dd),
        ic_overshoot=ic_over, quintiles=qr, q5_mean=float(qr.table["mean"].iloc[-1]),
        q5_win=float(qr.table["win_rate"].iloc[-1]), q5_t=float(q5_test.statistic), q5_test=q5_test)
