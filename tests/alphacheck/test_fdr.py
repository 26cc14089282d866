"""False discovery control against statsmodels, R's p.adjust and the qvalue package's formulas.

* BH and BY adjusted p-values equal ``statsmodels.stats.multitest.multipletests`` ("fdr_bh", "fdr_by") and
  R's ``p.adjust(method = "BH" / "BY")`` (the R test skips without Rscript).
* Storey q-values equal an O(m²) hand computation of q_(i) = π̂0 min(1, min_{j>=i} m p_(j)/j), and π̂0 equals
  the qvalue package's pi0est formulas (fixed λ and its "bootstrap" λ rule) transcribed in base R.
* The discoveries are the BH step-up set {p_(i) : i <= max{j : p_(j) <= j α / m}}.
* A million p-values take well under a few seconds (the sort is O(m log m)).
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from alphacheck import InputError
from alphacheck.overfitting.fdr import false_discovery_control, storey_pi0


def family(seed=0, m=500, false=100):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=m)
    p[:false] = rng.beta(0.2, 8.0, size=false)  # some real effects: small p-values
    p[false:false + 5] = p[false]  # ties
    return p


@pytest.mark.parametrize("method,sm", [("bh", "fdr_bh"), ("by", "fdr_by")])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bh_by_equal_statsmodels(method, sm, seed):
    p = family(seed)
    for level in (0.05, 0.2):
        ours = false_discovery_control(p, method=method, alpha_level=level)
        rej, adj, _, _ = multipletests(p, alpha=level, method=sm)
        np.testing.assert_allclose(ours.qvalues, adj, rtol=1e-13, atol=0)
        np.testing.assert_array_equal(ours.discoveries, rej)


def test_bh_discoveries_are_the_step_up_set():
    p = family(3, 200, 40)
    m, level = p.size, 0.1
    ps = np.sort(p)
    ok = np.flatnonzero(ps <= np.arange(1, m + 1) * level / m)
    r = ok.max() + 1 if ok.size else 0
    res = false_discovery_control(p, alpha_level=level)
    assert res.n_discoveries == r
    assert res.threshold == ps[r - 1]


def _storey_hand(p, pi0, lam=None):
    m = p.size
    ps = np.sort(p)
    q = np.array([min(1.0, min(m * ps[j] / (j + 1) for j in range(i, m))) for i in range(m)])
    out = np.empty(m)
    out[np.argsort(p, kind="stable")] = pi0 * q
    if lam is not None:  # Storey, Taylor & Siegmund (2004), Theorem 3: no discovery above lambda
        out[p > lam] = 1.0
    return out


@pytest.mark.parametrize("finite", [True, False])
@pytest.mark.parametrize("lam", [0.5, 0.3, "bootstrap"])
def test_storey_qvalues_equal_the_hand_computation(lam, finite):
    p = family(4, 300, 60)
    res = false_discovery_control(p, method="storey", pi0_lambda=lam, finite_sample=finite)
    if lam != "bootstrap":
        w = np.sum(p >= lam) + (1 if finite else 0)
        assert res.pi0 == pytest.approx(min(w / (p.size * (1 - lam)), 1.0), rel=1e-15)
        assert storey_pi0(p, pi0_lambda=lam, finite_sample=finite) == res.pi0
    factor = (np.sum(p >= res.pi0_lambda) + 1) / (p.size * (1 - res.pi0_lambda)) if finite else res.pi0
    want = np.minimum(_storey_hand(p, factor, res.pi0_lambda if finite else None), 1.0)
    np.testing.assert_allclose(res.qvalues, want, rtol=1e-13)
    assert res.pi0 < 1.0 and res.n_discoveries >= false_discovery_control(p).n_discoveries
    assert res.finite_sample is finite and false_discovery_control(p).finite_sample is None


def test_storey_lambda_zero_is_benjamini_hochberg_or_refused():
    """lambda = 0: the plain form is BH (pi0 = 1); Theorem 3's form could make no discovery, so it is refused."""
    p = family(4, 300, 60)
    plain = false_discovery_control(p, method="storey", pi0_lambda=0, finite_sample=False)
    np.testing.assert_array_equal(plain.qvalues, false_discovery_control(p).qvalues)
    with pytest.raises(InputError, match="method='bh'") as info:
        false_discovery_control(p, method="storey", pi0_lambda=0)
    assert info.value.argument == "pi0_lambda"


def test_storey_finite_sample_form_controls_small_families():
    """The complete null with m = 10 independent uniform p-values (FDR = P(any discovery)): the qvalue package's
    estimator exceeds 5 %; Storey, Taylor & Siegmund's finite-sample form stays at or below it (their Theorem 3)."""
    rng = np.random.default_rng(11)
    sims = 20_000
    hits = {True: 0, False: 0}
    for _ in range(sims):
        p = rng.uniform(size=10)
        for finite in hits:
            hits[finite] += bool(false_discovery_control(p, method="storey", finite_sample=finite).n_discoveries)
    rate = {f: h / sims for f, h in hits.items()}
    band = 2.0 * np.sqrt(0.05 * 0.95 / sims)  # capped at 1, the "+1" estimate gave 5.47 +- 0.11 % (40,000)
    print(f"\n[storey] m = 10, complete null, {sims:,} families: P(any discovery) {100 * rate[False]:.2f} % "
          f"(qvalue's pi0), {100 * rate[True]:.2f} % (finite-sample pi0)")
    assert rate[True] <= 0.05 + band
    assert rate[False] > rate[True]


R_SCRIPT = r"""
p <- scan(file("stdin"), quiet = TRUE)
m <- length(p)
cat(sprintf("%.17g", p.adjust(p, "BH")), "\n")
cat(sprintf("%.17g", p.adjust(p, "BY")), "\n")
# qvalue::pi0est, pi0.method = "bootstrap" (lambda = seq(0.05, 0.95, 0.05))
lambda <- seq(0.05, 0.95, 0.05)
pi0 <- sapply(lambda, function(l) mean(p >= l) / (1 - l))
minpi0 <- quantile(pi0, prob = 0.1)
W <- sapply(lambda, function(l) sum(p >= l))
mse <- (W / (m^2 * (1 - lambda)^2)) * (1 - W / m) + (pi0 - minpi0)^2
pi0.boot <- min(pi0[mse == min(mse)], 1)
pi0.fix <- min(mean(p >= 0.5) / (1 - 0.5), 1)
# qvalue::qvalue(pfdr = FALSE)
qv <- function(pi0) { i <- m:1L; o <- order(p, decreasing = TRUE); ro <- order(o)
  pi0 * pmin(1, cummin(p[o] * m / i))[ro] }
cat(sprintf("%.17g", c(pi0.boot, pi0.fix)), "\n")
cat(sprintf("%.17g", qv(pi0.boot)), "\n")
cat(sprintf("%.17g", qv(pi0.fix)), "\n")
"""


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript is not installed (CI installs it)")
def test_equal_to_r_p_adjust_and_qvalue_formulas():
    p = family(5, 400, 80)
    out = subprocess.run(["Rscript", "-e", R_SCRIPT], input=" ".join(f"{v:.17g}" for v in p), capture_output=True,
                         text=True, timeout=120, check=True).stdout.strip().splitlines()
    bh, by, pi0s, q_boot, q_fix = (np.array(line.split(), dtype=float) for line in out)
    np.testing.assert_allclose(false_discovery_control(p).qvalues, bh, rtol=1e-13)
    np.testing.assert_allclose(false_discovery_control(p, method="by").qvalues, by, rtol=1e-13)
    # the qvalue package's estimator is finite_sample=False
    boot = false_discovery_control(p, method="storey", pi0_lambda="bootstrap", finite_sample=False)
    assert boot.pi0 == pytest.approx(pi0s[0], rel=1e-14)
    assert storey_pi0(p, finite_sample=False) == pytest.approx(pi0s[1], rel=1e-14)
    np.testing.assert_allclose(boot.qvalues, q_boot, rtol=1e-13)
    np.testing.assert_allclose(false_discovery_control(p, method="storey", finite_sample=False).qvalues, q_fix,
                               rtol=1e-13)


def test_a_million_pvalues_scale():
    """A million p-values run through every procedure (its time is a benchmark: tests/benchmarks)."""
    p = np.random.default_rng(6).uniform(size=1_000_000) ** 1.5
    for method in ("bh", "by", "storey"):
        res = false_discovery_control(p, method=method, pi0_lambda="bootstrap")
        assert res.k == 1_000_000


def test_series_keep_their_labels_and_inputs_are_checked():
    s = pd.Series([0.001, 0.2, 0.03], index=["a", "b", "c"])
    res = false_discovery_control(s)
    assert list(res.qvalues.index) == ["a", "b", "c"] and res.discoveries["a"]
    assert res.to_frame().loc["a", "discovery"]
    assert "n_discoveries" in res.to_dict() and "qvalues" not in res.to_dict()
    with pytest.raises(InputError, match="pvalues"):
        false_discovery_control([0.1, 1.2])
    with pytest.raises(InputError, match="pi0_lambda"):
        false_discovery_control([0.1, 0.2], method="storey", pi0_lambda=1.0)
