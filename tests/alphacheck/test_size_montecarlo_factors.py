"""Monte-Carlo size of the Gibbons–Ross–Shanken test: the F law under normality, the bootstrap under GARCH.

Worlds (N = 10 strategies, K = 3 traded factors, alpha = 0): factors f = premium + ``world("garch", T, rng, 3)``
(GARCH(1,1), α = 0.1, β = 0.85, t(5) shocks, sd 1 %; premia 0.05 %, 0.02 %, 0.03 % per period), loadings
uniform on [0.5, 1.5] (drawn once per world), errors ``world("garch", T, rng, 10, common=0.3)`` (cross-
correlated GARCH-t(5) residuals). ``factor_alpha(method="bootstrap")`` is called in every world; the GRS F
p-value of the same world is read off the result (``pvalue_f``). Normal worlds (iid Gaussian errors and factors)
check that the F law is exact.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alphacheck.alpha.factors import factor_alpha
from tests.worlds import world

LEVEL = 0.05
N_STRAT, N_FACT = 10, 3
PREMIA = np.array([0.0005, 0.0002, 0.0003])


def garch_world(t: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    f = PREMIA + world("garch", t, rng, N_FACT)
    beta = rng.uniform(0.5, 1.5, (N_FACT, N_STRAT))
    e = world("garch", t, rng, N_STRAT, common=0.3)
    return f @ beta + e, f


def normal_world(t: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    f = PREMIA + 0.01 * rng.standard_normal((t, N_FACT))
    beta = rng.uniform(0.5, 1.5, (N_FACT, N_STRAT))
    e = 0.01 * rng.standard_normal((t, N_STRAT)) @ np.linalg.cholesky(0.7 * np.eye(N_STRAT) + 0.3).T
    return f @ beta + e, f


def grs_rates(t: int, worlds: int, reps: int, seed: int, kind: str = "garch") -> dict[str, float]:
    rng = np.random.default_rng(seed)
    boot = grs = 0
    for i in range(worlds):
        r, f = (garch_world if kind == "garch" else normal_world)(t, rng)
        if kind == "garch":
            res = factor_alpha(r, f, method="bootstrap", reps=reps, seed=seed * 7919 + i, n_jobs=1)
            boot += res.pvalue <= LEVEL
        else:
            res = factor_alpha(r, f)
        grs += res.pvalue_f < LEVEL
    return {"bootstrap": boot / worlds if kind == "garch" else float("nan"), "grs_f": grs / worlds, "worlds": worlds}


def _se(p: float, m: int) -> float:
    return math.sqrt(p * (1 - p) / m)


def test_grs_f_exact_under_normality():
    """The F(N, T − N − K) law is exact for iid normal errors: 1,000 worlds at T = 60, band 5 % ± 3.5 SE."""
    out = grs_rates(60, 1000, 0, seed=3, kind="normal")
    print(f"\n[GRS normal T=60] {out}")
    assert abs(out["grs_f"] - LEVEL) <= 3.5 * _se(LEVEL, 1000)


@pytest.mark.parametrize("t", [240, 1000])
def test_grs_bootstrap_size_reduced(t):
    """Default run: 150 GARCH worlds, 99 replicates, band 5 % ± 3.5 SE = [0 %, 11.2 %]."""
    out = grs_rates(t, 150, 99, seed=5)
    print(f"\n[GRS bootstrap size, reduced] T={t}: {out}")
    assert out["bootstrap"] <= LEVEL + 3.5 * _se(LEVEL, 150)


@pytest.mark.slow
@pytest.mark.parametrize("t", [240, 1000])
def test_grs_bootstrap_size_full(t):
    """2,000 GARCH(1,1)-t(5) null worlds, 199 replicates: the bootstrap GRS rejects in [4 %, 6 %]."""
    out = grs_rates(t, 2000, 199, seed=17)
    print(f"\n[GRS size] T={t}: bootstrap {out['bootstrap']:.4f} (SE {_se(out['bootstrap'], 2000):.4f}), "
          f"GRS F {out['grs_f']:.4f} (SE {_se(out['grs_f'], 2000):.4f})")
    assert 0.04 <= out["bootstrap"] <= 0.06
