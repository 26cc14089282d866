"""Exp 07 — concentration and the cross-sectional long/short (seed Part 5, Figure 9).

Variants (see :mod:`cascade_study.strategies`): long the hardest-hit quintile of alts (largest
cascade-hour overshoot ``r_BTC − r_alt``), and long hardest / short least-hit quintile (30 bp on
each leg). For each, the mean per trade with its stationary-bootstrap p-value
(:func:`alphacheck.significance.mean_test`; H1 mean > 0 for the long-only legs, two-sided for the
long/short) and the Jensen alpha/beta on BTC's trade return (:func:`alphacheck.alpha.jensen_alpha`,
HAC). The basket (all alts) is the reference row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from alphacheck import AlphaResult, TestResult, jensen_alpha, mean_test

from ..strategies import VARIANT_LABELS, TradeBook

ROWS = ("alt_long", "hardest", "long_short")


@dataclass(frozen=True)
class CrossSectionExperiment:
    tests: Mapping[str, TestResult]
    regressions: Mapping[str, AlphaResult]
    n: int

    def table(self) -> pd.DataFrame:
        rows = []
        for v in ROWS:
            t, a = self.tests[v], self.regressions[v]
            rows.append({"variant": VARIANT_LABELS[v], "n": t.n, "mean": t.estimate,
                         "pvalue": t.pvalue, "alternative": t.alternative, "beta": a.beta,
                         "alpha": a.alpha, "alpha_p": a.pvalue, "r2": a.rsquared})
        return pd.DataFrame(rows).set_index("variant")

    @property
    def long_short_mean(self) -> float:
        return float(self.tests["long_short"].estimate)


def run_cross_section(book: TradeBook, reps: int = 9_999, seed: int = 0) -> CrossSectionExperiment:
    b = book.trades["btc_gross"].rename("BTC")
    tests, regs = {}, {}
    for v in ROWS:
        r = book.variant(v).dropna()
        alt = "two-sided" if v == "long_short" else "greater"
        tests[v] = mean_test(r, alternative=alt, method="bootstrap", bootstrap="stationary",
                             reps=reps, seed=seed)
        regs[v] = jensen_alpha(r, b.reindex(r.index))
    return CrossSectionExperiment(tests=MappingProxyType(tests), regressions=MappingProxyType(regs),
                                  n=len(book.trades))
