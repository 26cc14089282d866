"""Power analysis against independent references: statsmodels' normal power and closed forms (Cohen 1988)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower

from alphacheck import mean_test, power_analysis
from alphacheck.power import power_at


def _z_test(alternative: str, mean: float = 0.0006):
    r = np.random.default_rng(0).normal(mean, 0.01, 500)
    return mean_test(r, alternative=alternative, method="hac")  # normal reference law


@pytest.mark.parametrize("alternative,sm_alt", [("two-sided", "two-sided"), ("greater", "larger")])
def test_power_and_mde_equal_statsmodels_normal_power(alternative, sm_alt):
    res = _z_test(alternative)
    pa = power_analysis(res)
    assert res.interval.kind == "normal"
    # statsmodels' one-sample normal power: effect size θ / (se √n), nobs n, ratio 0
    es = res.estimate / (res.se * math.sqrt(res.n))
    ref = NormalIndPower().power(effect_size=es, nobs1=res.n, alpha=0.05, ratio=0, alternative=sm_alt)
    assert pa.power_at_estimate == pytest.approx(ref, rel=1e-10)
    c = stats.norm.ppf(0.975 if alternative == "two-sided" else 0.95)
    assert pa.minimum_detectable_effect == pytest.approx((c + stats.norm.ppf(0.8)) * res.se, rel=1e-12)
    assert pa.n_needed == math.ceil(res.n * ((c + stats.norm.ppf(0.8)) * res.se / res.estimate) ** 2)
    assert float(power_at(pa.minimum_detectable_effect, res.se, c, alternative)) == pytest.approx(0.8, abs=1e-3)


def test_an_effect_on_the_untested_side_needs_no_finite_track_record():
    """statsmodels' solve_power refuses here ("no solution"): power at θ falls as n grows."""
    pa = power_analysis(_z_test("greater", mean=-0.0006))
    assert pa.effect < 0 and math.isinf(pa.n_needed) and "does not look for" in pa.note
    assert "does not look for" in pa.sentence()
    assert math.isinf(power_analysis(_z_test("two-sided"), effect=0.0).n_needed)


@pytest.mark.parametrize("alternative,sm_alt,r_alt", [("two-sided", "two-sided", "two.sided"),
                                                       ("greater", "larger", "one.sided"),
                                                       ("less", "smaller", None)])
def test_t_test_power_is_the_exact_noncentral_t_of_statsmodels_and_r(alternative, sm_alt, r_alt):
    """A one-sample t test: power, MDE and n needed from the noncentral t(n − 1, θ/se) — statsmodels' TTestPower,
    scipy's nct at the returned MDE and n, and R's power.t.test(strict = TRUE) (both tails, as here)."""
    import shutil
    import subprocess

    from statsmodels.stats.power import TTestPower

    sign = -1.0 if alternative == "less" else 1.0
    r = np.random.default_rng(0).normal(sign * 0.0005, 0.01, 500)
    res = mean_test(r, method="t", alternative=alternative)
    pa = power_analysis(res)
    n, df = res.n, res.n - 1
    assert pa.df == df
    d = res.estimate / (res.se * math.sqrt(n))  # Cohen's d = mean / sd
    ref = TTestPower().power(effect_size=d, nobs=n, alpha=0.05, alternative=sm_alt)
    assert pa.power_at_estimate == pytest.approx(ref, rel=1e-12)

    def exact(theta: float, m: int) -> float:  # P(reject) under noncentral t, by scipy.stats directly
        nu, nc = m - 1, theta / (res.se * math.sqrt(n / m))
        c = stats.t.ppf(0.975 if alternative == "two-sided" else 0.95, nu)
        up, down = stats.nct.sf(c, nu, nc), stats.nct.cdf(-c, nu, nc)
        return {"two-sided": up + down, "greater": up, "less": down}[alternative]

    assert exact(sign * pa.minimum_detectable_effect, n) == pytest.approx(0.8, abs=1e-10)
    m = int(pa.n_needed)
    assert exact(res.estimate, m) >= 0.8 > exact(res.estimate, m - 1)
    assert m == math.ceil(TTestPower().solve_power(effect_size=d, nobs=None, alpha=0.05, power=0.8,
                                                   alternative=sm_alt))
    if r_alt is not None and shutil.which("Rscript"):
        code = (f"p <- power.t.test(n = {n}, delta = {abs(d)!r}, sd = 1, sig.level = 0.05, type = 'one.sample', "
                f"alternative = '{r_alt}', strict = TRUE); "
                f"q <- power.t.test(delta = {abs(d)!r}, sd = 1, power = 0.8, type = 'one.sample', "
                f"alternative = '{r_alt}', strict = TRUE); cat(sprintf('%.17g %.17g', p$power, q$n))")
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=True).stdout.split()
        assert pa.power_at_estimate == pytest.approx(float(out[0]), rel=1e-8)
        assert m == math.ceil(float(out[1]))
