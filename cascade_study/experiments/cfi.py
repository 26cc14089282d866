"""CFI — does the Composite Fragility Index predict crashes? (seed Part 3 Exp 1-2, Part 8)

1. **IC sign.** Rank IC between CFI at hour t and BTC's forward 24 h return
   ``close[t+24] / close[t] − 1`` (:func:`alphacheck.ic.forward_returns`), pooled over all hours with
   both values. Hourly 24 h-forward returns overlap, so the test is
   ``alphacheck.ic_test(..., horizon=24, method="hac")``: a Newey–West HAC t with the library's
   overlap-aware lag window (``max(Newey–West rule, 6 (h − 1)) = 138`` lags for h = 24) and a
   fixed-b p-value on the products of the standardised ranks, whose mean **is** the Spearman
   correlation. The seed found +0.048:
   positive, i.e. high "fragility" = bull-market momentum, not crash risk.
2. **Tail risk.** A crash is a forward 24 h BTC return below −5 %. Crash rate per CFI quintile is
   the mean of the crash indicator per bucket (buckets by ``pandas.qcut``, as the pooled buckets of
   :func:`alphacheck.quantile_returns`); Q5/Q1 is the ratio of the top to the bottom bucket's crash rate
   (seed: 5.13). Descriptive only: the hourly 24 h windows overlap, so the independent-observation tests of
   ``quantile_returns`` (Welch, permutation) would not hold their size here and are not run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alphacheck import TestResult, forward_returns, ic_test, information_coefficient

from ..data.market import MarketData
from ..data.universe import BTC

HORIZON = 24
CRASH = -0.05


@dataclass(frozen=True)
class CFIExperiment:
    ic: float
    ic_test: TestResult
    n: int
    crash_rates: pd.Series
    crash_ratio: float
    crash_threshold: float


def run_cfi(md: MarketData, features: pd.DataFrame, seed: int = 0) -> CFIExperiment:
    fwd = forward_returns(md.returns(1)[BTC], horizon=HORIZON)
    both = pd.concat([features["cfi"], fwd.rename("fwd")], axis=1).dropna()
    ic = float(information_coefficient(both["cfi"], both["fwd"], correlation="spearman"))
    test = ic_test(both["cfi"], both["fwd"], correlation="spearman", horizon=HORIZON, method="hac")
    crash = (both["fwd"] < CRASH).astype(float).rename("crash")
    bucket = pd.qcut(both["cfi"], 5, labels=False) + 1
    rates = crash.groupby(bucket).mean().rename_axis("quantile")
    ratio = float(rates.iloc[-1] / rates.iloc[0]) if rates.iloc[0] > 0 else float("inf")
    return CFIExperiment(ic=ic, ic_test=test, n=len(both), crash_rates=rates,
                         crash_ratio=ratio, crash_threshold=CRASH)
