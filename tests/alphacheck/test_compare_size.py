"""Size (and power at one planted difference) of the comparison and family tests at 5 %.

Worlds (tests/worlds.py, the same for every study): iid t(4), AR(1) ρ = 0.5, GARCH(1,1) t(5); n = 500 and
2,000. Pairwise tests: two strategies with a common component (correlation 0.5) and the same Sharpe ratio
0.05 per period; losses are −returns. Families: k = 10 and 100 strategies, common component 0.5. Under the
null every strategy has the same mean (MCS, k-way equality) and mean 0 (FDR: the per-strategy one-sided
studentised bootstrap p-values of :func:`alphacheck.stepm`'s table, so a discovery is false). Bootstrap
tests use 499 replicates and the "auto" block length (families: one Politis-White length per world, the
maximum over the strategies' returns, given to every test). A rate is (rejections)/(worlds), binomial SE
sqrt(0.05 · 0.95 / worlds) (0.49 % at 2,000 worlds).

What is measured is reported in the issue's report (the full study, ``@slow``, 2,000 worlds per cell);
the default run checks a reduced study on 200 worlds against 5 % ± 3.5 binomial SE (so it never flakes)
for the tests whose size is claimed in the docstrings.

Power: n = 500, 500 worlds, one planted difference: +0.1 per-period Sharpe (mean +0.001 at sd 0.01) for the
candidate (pairwise) or for strategy 0 (families).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from alphacheck._hac import lrv_columns
from alphacheck._resample import resolve_block_length
from alphacheck.compare import diebold_mariano, giacomini_white, sharpe_difference, sharpe_equality
from alphacheck.overfitting.data_snooping import stepm
from alphacheck.overfitting.fdr import false_discovery_control
from alphacheck.overfitting.mcs import model_confidence_set
from tests.worlds import world

ALPHA, REPS = 0.05, 499
KINDS = ("iid-t4", "ar0.5", "garch")
PAIRWISE = ("lw_bootstrap", "lw_hac", "jobson_korkie", "dm_hln", "dm_fixed_b", "gw", "gw_mds")
FAMILY = ("mcs_max", "mcs_range", "mcs_max_hln", "mcs_range_hln", "equality_bootstrap", "equality_hac", "fdr_bh",
          "fdr_by", "fdr_storey",
          "fdr_bh_hac", "fdr_by_hac", "fdr_storey_hac", "stepm_fwer", "stepm_2fwer", "stepm_hac_fwer", "stepm_hac_2fwer")
SR_SHIFT = 0.0005  # both strategies' mean: Sharpe 0.05 per period
PLANT = 0.001  # +0.1 Sharpe per period


def _rng(base: int, w: int) -> np.random.Generator:
    return np.random.default_rng([base, w])


def pairwise_world(kind: str, n: int, base: int, w: int, delta: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    x = world(kind, n, _rng(base, w), 2, common=0.5) + SR_SHIFT
    return x[:, 0] + delta, x[:, 1]


def gw_null_world(kind: str, n: int, base: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Two strategies whose return differential is a martingale difference (GW's conditional null):
    a shared component of ``kind`` (so the returns are AR(1) in the AR world) plus independent
    idiosyncratic parts that are serially independent (iid t(4); GARCH in the GARCH world, itself an MDS).
    In :func:`pairwise_world` the AR world's differential is AR(1), which E[d_t | d_{t-1}] = 0 excludes:
    there GW's rejection rate is power, not size."""
    rng = _rng(base + 1000, w)
    shared = world(kind, n, rng, 1)[:, 0]
    idio = world("garch" if kind == "garch" else "iid-t4", n, rng, 2)
    return shared + idio[:, 0] + SR_SHIFT, shared + idio[:, 1] + SR_SHIFT


def pairwise_rejections(kind: str, n: int, worlds: int, base: int, delta: float = 0.0) -> dict[str, int]:
    """Rejections at 5 % of each pairwise test over ``worlds`` worlds."""
    out = dict.fromkeys(PAIRWISE, 0)
    for w in range(worlds):
        a, b = pairwise_world(kind, n, base, w, delta)
        out["lw_bootstrap"] += sharpe_difference(a, b, reps=REPS, seed=w).pvalue <= ALPHA
        out["lw_hac"] += sharpe_difference(a, b, method="hac").pvalue <= ALPHA
        out["jobson_korkie"] += sharpe_difference(a, b, method="jobson-korkie").pvalue <= ALPHA
        out["dm_hln"] += diebold_mariano(-a, -b).pvalue <= ALPHA
        out["dm_fixed_b"] += diebold_mariano(-a, -b, method="dm", hac_pvalues="fixed-b").pvalue <= ALPHA
        out["gw"] += giacomini_white(-a, -b).pvalue <= ALPHA
        if delta == 0.0:
            ga, gb = gw_null_world(kind, n, base, w)
            out["gw_mds"] += giacomini_white(-ga, -gb).pvalue <= ALPHA
    return out


def family_rejections(kind: str, n: int, k: int, worlds: int, base: int, plant: float = 0.0,
                      tests: tuple[str, ...] = FAMILY) -> dict[str, int]:
    """Rejections at 5 %: MCS (the first test rejects, i.e. the MCS drops a model), k-way equality, FDR
    procedures on StepM's bootstrap p-values and on one-sided HAC t-test p-values (``*_hac``; continuous,
    so no floor at 1/(B + 1)) (any discovery; with a plant: strategy 0 discovered), StepM (any strategy found superior:
    the FWER; with a plant: strategy 0 found) and 2-StepM (two or more found: the 2-FWER of Romano & Wolf
    2007; with a plant: strategy 0 found)."""
    out = dict.fromkeys(tests, 0)
    for w in range(worlds):
        x0 = world(kind, n, _rng(base, w), k, common=0.5)
        x0[:, 0] += plant
        x = x0 + SR_SHIFT
        b = resolve_block_length("auto", x, "stationary")  # one Politis-White length per world, for every test
        opts = {"reps": REPS, "seed": w, "block_length": b}
        if "mcs_max" in tests:
            out["mcs_max"] += len(model_confidence_set(-x, method="max", **opts).excluded) > 0
        if "mcs_range" in tests:
            out["mcs_range"] += len(model_confidence_set(-x, method="range", **opts).excluded) > 0
        for name, stat in (("mcs_max_hln", "max"), ("mcs_range_hln", "range")):  # HLN's (arch's) bootstrap se
            if name in tests:
                out[name] += len(model_confidence_set(-x, method=stat, studentize="bootstrap", **opts).excluded) > 0
        if "equality_bootstrap" in tests:
            out["equality_bootstrap"] += sharpe_equality(x, check_returns=False, **opts).pvalue <= ALPHA
        if "equality_hac" in tests:
            out["equality_hac"] += sharpe_equality(x, method="hac", check_returns=False).pvalue <= ALPHA
        if any(t.endswith("_hac") and t.startswith("fdr") for t in tests):
            # continuous p-values: one-sided HAC t-tests of mean 0 (prewhitened QS, normal law), one per strategy
            p_hac = stats.norm.sf(x0.mean(axis=0) / np.sqrt(lrv_columns(x0) / n))
            for name, method in (("fdr_bh_hac", "bh"), ("fdr_by_hac", "by"), ("fdr_storey_hac", "storey")):
                if name in out:
                    disc = false_discovery_control(p_hac, method=method).discoveries
                    out[name] += bool(disc[0]) if plant else bool(disc.any())
        if any(t.startswith(("fdr", "stepm")) and not t.endswith("_hac") and not t.startswith("stepm_hac")
               for t in tests):
            # StepM's own "auto" length (the median column's Politis-White length for its default studentisation)
            sm_opts = {**opts, "block_length": "auto"}
            sm = stepm(x0, **sm_opts)
            p = sm.strategies["pvalue"].to_numpy()
            if "stepm_fwer" in out:
                out["stepm_fwer"] += (0 in sm.superior) if plant else len(sm.superior) > 0
            if "stepm_2fwer" in out:
                sm2 = stepm(x0, k_fwer=2, **sm_opts)
                out["stepm_2fwer"] += (0 in sm2.superior) if plant else len(sm2.superior) > 1
            for name, method in (("fdr_bh", "bh"), ("fdr_by", "by"), ("fdr_storey", "storey")):
                if name in out:
                    disc = false_discovery_control(p, method=method).discoveries
                    out[name] += bool(disc[0]) if plant else bool(disc.any())
        for name, kk in (("stepm_hac_fwer", 1), ("stepm_hac_2fwer", 2)):  # T by QS, T* by Hansen's omega
            if name in out:
                sh = stepm(x0, studentize="hac", k_fwer=kk, **opts)
                out[name] += (0 in sh.superior) if plant else len(sh.superior) > (kk - 1)
    return out


def _fmt(rates: dict[str, float]) -> str:
    return ", ".join(f"{t} {v:.4f}" for t, v in rates.items())


def _band(worlds: int) -> float:
    return 3.5 * math.sqrt(ALPHA * (1 - ALPHA) / worlds)


REDUCED = 200


@pytest.mark.parametrize("kind", ["iid-t4", "ar0.5"])
def test_pairwise_size_reduced(kind):
    rej = pairwise_rejections(kind, 500, REDUCED, base=11)
    rates = {t: r / REDUCED for t, r in rej.items()}
    print(f"\n[pairwise size, {REDUCED} worlds, {kind}, n=500] " + ", ".join(f"{t} {v:.3f}" for t, v in rates.items()))
    band = _band(REDUCED)
    for t in ("lw_bootstrap", "lw_hac", "dm_fixed_b"):
        assert abs(rates[t] - ALPHA) <= band, (t, rates[t])


def test_family_size_reduced():
    rej = family_rejections("iid-t4", 500, 10, REDUCED, base=12)
    rates = {t: r / REDUCED for t, r in rej.items()}
    print(f"\n[family size, {REDUCED} worlds, iid-t4, n=500, k=10] " + _fmt(rates))
    band = _band(REDUCED)
    for t in ("mcs_max", "mcs_range", "equality_bootstrap", "fdr_bh"):
        assert abs(rates[t] - ALPHA) <= band, (t, rates[t])
    assert rates["fdr_by"] <= rates["fdr_bh"]  # BY is BH at alpha / c(k)


@pytest.mark.slow
@pytest.mark.parametrize("n", [500, 2000])
@pytest.mark.parametrize("kind", KINDS)
def test_pairwise_size_full(kind, n):
    rej = pairwise_rejections(kind, n, 2000, base=21)
    print(f"\n[pairwise size, 2000 worlds, {kind}, n={n}] " + ", ".join(f"{t} {r / 2000:.4f}" for t, r in rej.items()))
    # the tests whose size the docstrings claim (docs/compare-size.md: 4.0-5.9 % measured); the HLN DM, the HAC
    # Ledoit-Wolf and Jobson-Korkie over-reject under AR(1) 0.5 and are documented as such
    for t in ("lw_bootstrap", "dm_fixed_b", "gw_mds"):
        assert 0.04 <= rej[t] / 2000 <= 0.06, (t, rej[t] / 2000)


@pytest.mark.slow
@pytest.mark.parametrize("k", [10, 100])
@pytest.mark.parametrize("n", [500, 2000])
@pytest.mark.parametrize("kind", KINDS)
def test_family_size_full(kind, n, k):
    rej = family_rejections(kind, n, k, 2000, base=22)
    print(f"\n[family size, 2000 worlds, {kind}, n={n}, k={k}] " + _fmt({t: r / 2000 for t, r in rej.items()}))
    rates = {t: r / 2000 for t, r in rej.items()}
    # StepM's default controls the FWER everywhere (conservatively at k = 100); studentize="hac" (T by the QS
    # variance, T* by Hansen's omega) holds 4.1-5.7 % on the iid and GARCH worlds (its 2-FWER 3.3-5.9 %) and
    # carries the HAC t's own excess under AR(1) 0.5, 5.8-8.6 % (both documented in stepm's docstring)
    assert rates["stepm_fwer"] <= 0.06 and rates["stepm_2fwer"] <= 0.06
    if kind == "ar0.5":
        assert rates["stepm_hac_fwer"] <= 0.09 and rates["stepm_hac_2fwer"] <= 0.07, rates
    else:
        assert 0.04 <= rates["stepm_hac_fwer"] <= 0.06 and 0.03 <= rates["stepm_hac_2fwer"] <= 0.06, rates
    assert rates["equality_bootstrap"] <= 0.065
    if not (kind == "ar0.5" and n == 500):  # there the HAC p-values themselves over-reject (7.8 % at k = 100)
        assert rates["fdr_bh_hac"] <= 0.065
    # the HAC-floored MCS (the default): 3.3-5.7 % measured except AR(1) 0.5 at T = 500, k = 100 (8.6 / 12.6 %)
    if not (kind == "ar0.5" and n == 500 and k == 100):
        for t in ("mcs_max", "mcs_range"):
            assert 0.025 <= rates[t] <= 0.07, (t, rates[t])
    assert rates["mcs_max"] <= rates["mcs_max_hln"] + 0.01  # never worse than HLN's variance


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_power_at_a_planted_difference(kind):
    pw = pairwise_rejections(kind, 500, 500, base=31, delta=PLANT)
    fam = family_rejections(kind, 500, 10, 500, base=32, plant=PLANT)
    print(f"\n[power, 500 worlds, {kind}, n=500, +0.1 Sharpe] " + _fmt({t: r / 500 for t, r in {**pw, **fam}.items()}))
    assert pw["lw_bootstrap"] / 500 > 0.15  # measured 24.6 % (AR(1) 0.5) to 57.2 % (iid t(4))
    assert fam["stepm_fwer"] / 500 > 0.15
