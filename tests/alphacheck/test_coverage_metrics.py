"""Coverage of the 95 % intervals of ``performance_summary`` on iid t(4) and GARCH(1,1)-t(5) worlds.

Worlds: r = μ + ``world(kind, 1000, rng)``, μ = 0.05 % per period, sd 1 % (``tests.worlds``), 252 periods a
year. The true value of each metric:

* iid t(4): closed forms of the scaled Student t (quantiles, the expected shortfall
  E[T | T <= q] = −(ν + q²)/(ν − 1) f(q)/α, the hit rate) and numerical integrals (Sortino's downside
  deviation, Omega); skewness 0; the excess kurtosis is infinite (t(4) has no fourth moment), so its interval
  has no target and is not scored.
* GARCH(1,1), α = 0.1, β = 0.85, t(5) shocks: one long simulated path (4 million observations) for quantiles,
  shortfall, Sortino, Omega, hit rate; skewness 0 (symmetric shocks); the excess kurtosis of the closed form
  κ_z (1 − (α + β)²) / (1 − β² − 2αβ − κ_z α²) − 3 = 47.1 (κ_z = 9; Bollerslev 1986, He & Teräsvirta 1999).
* Calmar: the ratio has no population value (the maximum drawdown of n periods does not concentrate); the
  target scored is g / E|MDD_n| with g = exp(252 E log(1 + r)) − 1, both from 20,000 simulated paths.

Coverage is the share of worlds whose interval contains the target, with its binomial SE.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from scipy import integrate, stats

from alphacheck.risk.inference import path_statistics
from alphacheck.risk.metrics import METRICS, performance_summary
from tests.worlds import SD, world

MU, N, PPY = 0.0005, 1000, 252
LEVEL = 0.95


def _t4_truths() -> dict[str, float]:
    c = SD / math.sqrt(2.0)
    t4 = stats.t(4)
    dens = lambda r: t4.pdf((r - MU) / c) / c
    d2 = integrate.quad(lambda r: r * r * dens(r), -np.inf, 0.0, limit=200)[0]
    up = integrate.quad(lambda r: r * dens(r), 0.0, np.inf, limit=200)[0]
    dn = integrate.quad(lambda r: -r * dens(r), -np.inf, 0.0, limit=200)[0]
    q05, q95 = t4.ppf(0.05), t4.ppf(0.95)
    es_t = -(4 + q05**2) / 3 * t4.pdf(q05) / 0.05
    return {"sortino": MU / math.sqrt(d2), "omega": up / dn, "var": -(MU + c * q05), "cvar": -(MU + c * es_t),
            "tail_ratio": abs(MU + c * q95) / abs(MU + c * q05), "hit_rate": float(t4.sf(-MU / c)),
            "skewness": 0.0, "kurtosis": math.inf}


def _sample_truths(x: np.ndarray) -> dict[str, float]:
    d2 = float(np.mean(np.minimum(x, 0.0) ** 2))
    q05, q95 = np.quantile(x, [0.05, 0.95])
    return {"sortino": float(x.mean()) / math.sqrt(d2),
            "omega": float(np.mean(np.maximum(x, 0)) / np.mean(np.maximum(-x, 0))), "var": float(-q05),
            "cvar": float(-x[x <= q05].mean()), "tail_ratio": float(abs(q95) / abs(q05)),
            "hit_rate": float(np.mean(x > 0)), "skewness": 0.0}


def _calmar_target(kind: str, paths: int = 20_000) -> float:
    rng = np.random.default_rng(909)
    mdd, logg = [], []
    for _ in range(paths // 500):
        block = MU + world(kind, N, rng, 500).T
        mdd.append(path_statistics(block)["max_drawdown"])
        logg.append(np.log1p(block).mean(axis=1))
    g = math.exp(PPY * float(np.mean(np.concatenate(logg)))) - 1.0
    return g / float(np.mean(np.abs(np.concatenate(mdd))))


@functools.lru_cache(maxsize=2)
def truths(kind: str) -> dict[str, float]:
    if kind == "iid-t4":
        out = _t4_truths()
    else:
        rng = np.random.default_rng(808)
        out = _sample_truths(MU + world("garch", 500_000, rng, 8).ravel())
        kz, a, b = 9.0, 0.1, 0.85
        out["kurtosis"] = kz * (1 - (a + b) ** 2) / (1 - b**2 - 2 * a * b - kz * a**2) - 3.0
    out["calmar"] = _calmar_target(kind)
    return out


def coverage(kind: str, worlds: int, reps: int, seed: int) -> dict[str, float]:
    truth = truths(kind)
    rng = np.random.default_rng(seed)
    hits = {m: 0 for m in METRICS}
    for i in range(worlds):
        r = MU + world(kind, N, rng)[:, 0]
        tab = performance_summary(r, periods_per_year=PPY, reps=reps, seed=seed * 7877 + i, n_jobs=1,
                                  confidence_level=LEVEL).table
        for m in METRICS:
            hits[m] += bool(tab.loc[m, "ci_low"] <= truth[m] <= tab.loc[m, "ci_high"])
    return {m: hits[m] / worlds for m in METRICS}


def _se(p: float, m: int) -> float:
    return math.sqrt(p * (1 - p) / m)


@pytest.mark.parametrize("kind", ["iid-t4", "garch"])
def test_coverage_reduced(kind):
    """Default run: 120 worlds, 199 replicates; the influence-function intervals of the mean-type metrics cover
    within 95 % ± 3.5 binomial SE (= [88.0 %, 100 %]). The tail quantiles do not (measured: VaR 95.0 % / CVaR
    86.7 % on iid t4, VaR 69.2 % / CVaR 65.0 % on GARCH): their undercoverage is documented in
    :func:`alphacheck.performance_summary` and asserted here so that a change in it is noticed."""
    cov = coverage(kind, 120, 199, seed=41)
    print(f"\n[coverage, reduced] {kind}: {cov}")
    lo = LEVEL - 3.5 * _se(LEVEL, 120)
    for m in ("omega", "hit_rate", "sortino"):
        assert cov[m] >= lo, (m, cov[m])
    if kind == "iid-t4":
        assert cov["var"] >= lo
    else:  # the documented shortfall under volatility clustering
        assert cov["var"] < lo and cov["cvar"] < lo


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["iid-t4", "garch"])
def test_coverage_full(kind):
    """1,000 worlds, 499 replicates: coverage of each metric's 95 % interval, printed; the metrics whose
    estimator has the moments its interval needs must cover in [93 %, 97 %]."""
    cov = coverage(kind, 1000, 499, seed=43)
    print(f"\n[coverage] {kind}: " + ", ".join(f"{m} {v:.3f} (SE {_se(v, 1000):.3f})" for m, v in cov.items()))
    for m in ("omega", "hit_rate", "sortino"):
        assert 0.93 <= cov[m] <= 0.97, (m, cov[m])
