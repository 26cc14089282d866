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
