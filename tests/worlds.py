"""The null (and planted-effect) worlds every size and power study uses: one generator, one definition.

Kinds (all returns have mean 0 unless an effect is planted, and a per-period sd near 1 %):

* ``"iid-t4"`` — iid Student t(4), scaled to sd 1 % (``"iid-t<df>"`` for any df > 2, e.g. ``"iid-t3"``).
* ``"ar0.3"``, ``"ar0.5"``, ``"ar0.9"`` — AR(1) r_t = ρ r_{t−1} + e_t with Gaussian e, stationary start.
* ``"garch"`` — GARCH(1,1) with ω = 1e-6, α = 0.1, β = 0.85 and unit-variance t(5) innovations
  (Bollerslev 1986; unconditional sd sqrt(ω/(1 − α − β)) = 0.45 %), burn-in 500.
* ``"regime"`` — two-state Markov-switching volatility, P(stay) = 0.98 in each state, high/low sd ratio 3
  (low 0.5 %, high 1.5 %), Gaussian shocks (Hamilton 1989 style, no mean switch).

``world(kind, n, rng, k)`` returns an (n, k) array of k independent columns; ``common`` (0..1) mixes in one
shared column so the k series are correlated (a family of strategies). Seeds: pass a Generator.
"""

from __future__ import annotations

import numpy as np

KINDS = ("iid-t4", "ar0.3", "ar0.5", "garch", "regime")
SD = 0.01


def _ar(rng: np.random.Generator, n: int, k: int, rho: float) -> np.ndarray:
    e = rng.standard_normal((n, k)) * np.sqrt(1 - rho**2)
    x = np.empty((n, k))
    x[0] = rng.standard_normal(k)  # stationary start
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


def _garch(rng: np.random.Generator, n: int, k: int, burn: int = 500) -> np.ndarray:
    omega, alpha, beta = 1e-6, 0.1, 0.85
    z = rng.standard_t(5, size=(n + burn, k)) / np.sqrt(5 / 3)  # unit variance
    h = np.full(k, omega / (1 - alpha - beta))
    out = np.empty((n + burn, k))
    prev = np.zeros(k)
    for t in range(n + burn):
        h = omega + alpha * prev**2 + beta * h
        prev = np.sqrt(h) * z[t]
        out[t] = prev
    return out[burn:] / np.sqrt(omega / (1 - alpha - beta))  # unit unconditional sd


def _regime(rng: np.random.Generator, n: int, k: int, stay: float = 0.98, ratio: float = 3.0) -> np.ndarray:
    switch = rng.random((n, k)) > stay
    state = np.cumsum(switch, axis=0) % 2
    state ^= rng.integers(0, 2, size=k)  # random initial state (the chain is symmetric: 50/50 stationary)
    vol = np.where(state == 1, ratio, 1.0)
    return rng.standard_normal((n, k)) * vol / np.sqrt((1 + ratio**2) / 2)


def world(kind: str, n: int, rng: np.random.Generator, k: int = 1, common: float = 0.0) -> np.ndarray:
    """(n, k) null returns of ``kind`` with sd near :data:`SD`; ``common`` > 0 correlates the columns."""
    if kind.startswith("iid-t"):  # iid Student t(df) scaled to unit sd ("iid-t4", "iid-t3", ...)
        df = float(kind[5:])
        x = rng.standard_t(df, size=(n, k)) / np.sqrt(df / (df - 2.0))
    elif kind.startswith("ar"):
        x = _ar(rng, n, k, float(kind[2:]))
    elif kind == "garch":
        x = _garch(rng, n, k)
    elif kind == "regime":
        x = _regime(rng, n, k)
    else:
        raise ValueError(f"unknown world {kind!r}; one of {KINDS} or ar<rho>")
    if common > 0:
        shared = world(kind, n, rng, 1)
        x = np.sqrt(1 - common) * x + np.sqrt(common) * shared
    return SD * x


def regression_world(kind: str, n: int, rng: np.random.Generator, beta: float = 1.2,
                     alpha: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(returns, benchmark): benchmark and errors both drawn from ``kind`` (so AR worlds have an AR(1)
    benchmark and AR(1) errors with the same ρ), r = α + β b + e with sd(e) = sd(b)."""
    b = world(kind, n, rng)[:, 0] + 0.0004
    e = world(kind, n, rng)[:, 0]
    return alpha + beta * b + e, b
