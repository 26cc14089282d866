"""Monte-Carlo size of ``drawdown_test`` and the Magdon-Ismail check of the bootstrap drawdown law.

Null worlds: r = μ + ``world(kind, 500, rng)`` with μ = 0.05 % per period and sd 1 % — the claim
(mean = μ, volatility = 0.01) is true. Kinds "iid-t4", "garch" (GARCH(1,1)-t(5)) and "ar0.3". The one-sided
5 % test (a drawdown deeper than the claim predicts) must reject about 5 % of them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alphacheck.risk.inference import drawdown_distribution, drawdown_test, expected_max_drawdown
from tests.worlds import world

LEVEL = 0.05
MU, SIGMA, N = 0.0005, 0.01, 500


def size(kind: str, worlds: int, reps: int, seed: int, method: str = "bootstrap") -> float:
    rng = np.random.default_rng(seed)
    rej = 0
    for i in range(worlds):
        r = MU + world(kind, N, rng)[:, 0]
        res = drawdown_test(r, mean=MU, volatility=SIGMA, method=method, reps=reps, seed=seed * 7907 + i, n_jobs=1)
        rej += res.pvalue <= LEVEL
    return rej / worlds


def _se(p: float, m: int) -> float:
    return math.sqrt(p * (1 - p) / m)


@pytest.mark.parametrize("kind", ["iid-t4", "garch", "ar0.3"])
def test_drawdown_test_size_reduced(kind):
    """Default run: 200 worlds, 99 replicates, band 5 % ± 3.5 SE = [0 %, 10.4 %]."""
    rate = size(kind, 200, 99, seed=21)
    print(f"\n[drawdown_test size, reduced] {kind}: {rate:.4f}")
    assert rate <= LEVEL + 3.5 * _se(LEVEL, 200)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["iid-t4", "garch", "ar0.3"])
def test_drawdown_test_size_full(kind):
    """2,000 null worlds, 199 replicates: rejection rate in [4 %, 6 %]."""
    rate = size(kind, 2000, 199, seed=23)
    print(f"\n[drawdown_test size] {kind}: {rate:.4f} (SE {_se(rate, 2000):.4f})")
    assert 0.04 <= rate <= 0.06


# Three (μ, σ, T) of iid normal log returns; the bootstrap mean of the log max drawdown −log(1 + MDD*) must be
# within 2 % of Magdon-Ismail's E[D_T] at the sample's log-return mean and sd (ddof 0) — the moments of the law the
# iid bootstrap samples from. T is large so that sampling the path at T points (which lowers the drawdown by about
# 2 × 0.5826 σ, Asmussen, Glynn & Pitman 1995) stays well inside the tolerance.
MI_CASES = [(0.0, 0.01, 20_000), (0.0001, 0.01, 40_000), (-0.00015, 0.01, 10_000)]


def mi_gap(mu: float, sigma: float, t: int, reps: int, seed: int) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(t)
    logr = mu + sigma * (z - z.mean()) / z.std()           # exactly mean mu, sd sigma (ddof 0)
    r = np.expm1(logr)
    res = drawdown_distribution(r, reps=reps, bootstrap="iid", seed=seed + 1, check_returns=False)
    boot = float(np.mean(-np.log1p(res.replicates["max_drawdown"])))
    ref = expected_max_drawdown(mean=mu, volatility=sigma, n_obs=t)
    return boot, ref, boot / ref - 1.0


@pytest.mark.parametrize("case", MI_CASES[2:])
def test_bootstrap_mean_drawdown_matches_magdon_ismail_reduced(case):
    """Default run: 1,500 replicates (Monte-Carlo error of the mean about 1 %): within 4 %."""
    boot, ref, gap = mi_gap(*case, reps=1500, seed=31)
    print(f"\n[Magdon-Ismail, reduced] {case}: bootstrap {boot:.5f} vs formula {ref:.5f} ({100 * gap:+.2f} %)")
    assert abs(gap) <= 0.04


@pytest.mark.slow
@pytest.mark.parametrize("case", MI_CASES)
def test_bootstrap_mean_drawdown_matches_magdon_ismail_full(case):
    """9,999 replicates: the bootstrap mean is within 2 % of the formula."""
    boot, ref, gap = mi_gap(*case, reps=9_999, seed=33)
    print(f"\n[Magdon-Ismail] mu={case[0]}, sigma={case[1]}, T={case[2]}: bootstrap {boot:.5f} vs formula {ref:.5f} "
          f"({100 * gap:+.2f} %)")
    assert abs(gap) <= 0.02
