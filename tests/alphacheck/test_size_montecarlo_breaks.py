"""Monte-Carlo size and power of the structural-break tests (alphacheck.alpha.breaks).

Null worlds: ``tests.worlds.regression_world(kind, 500, rng)`` — r = 1.2 b + e with alpha 0 and constant
beta, benchmark and errors both drawn from ``kind``: "iid-t4" (iid Student t(4)) and "ar0.5" (AR(1) benchmark
and AR(1) errors, ρ = 0.5). Each world runs ``break_test(r, b, method="bootstrap", reps=...)`` once: its
p-value is the bootstrap test's, ``details["sup_pvalue_hansen"]`` the p-value of the same HAC sup-LM under
Hansen's (1997) asymptotic law (``method="hac"``), and one ``method="ols"`` call gives strucchange's plain
sup-F. Rates are reported with binomial standard errors.

Planted breaks: the same worlds with alpha 0 up to observation 300 and ``shift`` after it (a break at 0.6 n);
the detection rate is the share of 5 % rejections, the date error |τ̂ − 300| of the test's argmax date and of
Bai–Perron's one-break date (``break_dates(n_breaks=1)``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alphacheck.alpha.breaks import break_dates, break_test
from tests.worlds import regression_world

LEVEL = 0.05
N = 500
T0 = 300


def _se(p: float, m: int) -> float:
    return math.sqrt(p * (1 - p) / m)


def null_rates(kind: str, worlds: int, reps: int, seed: int) -> dict[str, float]:
    """Rejection rates at 5 % of the bootstrap and Hansen-law HAC sup-LM and of the plain sup-F."""
    rng = np.random.default_rng(seed)
    boot = hac = plain = 0
    for i in range(worlds):
        r, b = regression_world(kind, N, rng)
        res = break_test(r, b, reps=reps, seed=seed * 100_003 + i, n_jobs=1)
        boot += res.pvalue <= LEVEL
        hac += res.details["sup_pvalue_hansen"] < LEVEL
        plain += break_test(r, b, method="ols").pvalue < LEVEL
    return {"bootstrap": boot / worlds, "hac": hac / worlds, "ols": plain / worlds, "worlds": worlds}


def planted(kind: str, worlds: int, shift: float, reps: int, seed: int) -> dict[str, float]:
    """Detection rate and date errors on worlds with an alpha break of ``shift`` after observation 300."""
    rng = np.random.default_rng(seed)
    det = det_alpha = 0
    err_test, err_bp = [], []
    after = (np.arange(N) >= T0).astype(float)
    for i in range(worlds):
        r, b = regression_world(kind, N, rng)
        r = r + shift * after
        res = break_test(r, b, reps=reps, seed=seed * 100_003 + i, n_jobs=1)
        det += res.pvalue <= LEVEL
        det_alpha += break_test(r, b, terms="alpha", reps=reps, seed=seed * 100_003 + i, n_jobs=1).pvalue <= LEVEL
        err_test.append(abs(res.break_point - T0))
        bd = break_dates(r, b, n_breaks=1)
        err_bp.append(abs(int(bd.breaks["break_point"].iloc[0]) - T0))
    e1, e2 = np.asarray(err_test), np.asarray(err_bp)
    return {"detection_all": det / worlds, "detection_alpha": det_alpha / worlds,
            "date_mae_test": float(e1.mean()), "date_median_test": float(np.median(e1)),
            "date_mae_bai_perron": float(e2.mean()), "date_median_bai_perron": float(np.median(e2)),
            "within_25_bai_perron": float(np.mean(e2 <= 25)), "worlds": worlds}


@pytest.mark.parametrize("kind", ["iid-t4", "ar0.5"])
def test_break_size_reduced(kind):
    """Default run: 120 worlds, 99 replicates; band 5 % ± 3.5 binomial SE = [0 %, 12.0 %] (never flakes)."""
    rates = null_rates(kind, 120, 99, seed=7)
    half = 3.5 * _se(LEVEL, 120)
    print(f"\n[breaks size, reduced] {kind}: {rates}")
    assert rates["bootstrap"] <= LEVEL + half
    assert rates["hac"] <= LEVEL + half
    if kind == "ar0.5":  # strucchange's homoskedastic sup-F cannot hold its size under AR(1) errors
        assert rates["ols"] > 0.25


def test_break_detection_reduced():
    """Default run: 40 worlds with an alpha shift of 0.4 % (0.4 error sd) at 0.6 n: most are detected."""
    out = planted("iid-t4", 40, 0.004, 99, seed=8)
    print(f"\n[breaks planted, reduced] {out}")
    assert out["detection_all"] >= 0.6 and out["detection_alpha"] >= 0.7
    assert out["date_median_bai_perron"] <= 25


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["iid-t4", "ar0.5"])
def test_break_size_full(kind):
    """2,000 stable null worlds (n = 500), 199 replicates: the bootstrap HAC sup-LM rejects in [4 %, 6 %]."""
    rates = null_rates(kind, 2000, 199, seed=11)
    print(f"\n[breaks size] {kind}: " + ", ".join(
        f"{k} {v:.4f} (SE {_se(v, 2000):.4f})" for k, v in rates.items() if k != "worlds"))
    assert 0.04 <= rates["bootstrap"] <= 0.06


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["iid-t4", "ar0.5"])
@pytest.mark.parametrize("shift", [0.002, 0.004])
def test_break_detection_full(kind, shift):
    """500 worlds per cell: detection rate and date error reported (asserted only loosely).

    Where the break is found in at least 30 % of worlds, Bai–Perron's median date error is at most 60
    observations; where it is nearly undetectable (AR(1) 0.5, shift 0.2 error sd: 6.2 % detected, median error
    80) the date carries little information, and the bound is that of a date drawn uniformly over the trimmed
    range [75, 425] (median |U − 300| = 87.5).
    """
    out = planted(kind, 500, shift, 199, seed=12)
    print(f"\n[breaks planted] {kind} shift {shift}: {out}")
    assert out["date_median_bai_perron"] <= (60 if out["detection_all"] >= 0.3 else 87.5)
