"""The shared fixed-b reference law (alphacheck._hac): KV (2005) critical values, p-value arithmetic, inputs."""

import numpy as np
import pytest
from scipy import stats

from alphacheck._hac import bartlett_lrv, fixed_b_critical_value, fixed_b_pvalue, fixed_b_scales
from alphacheck._inputs import InputError


@pytest.mark.parametrize("n, lags", [(500, 49), (500, 99), (2000, 199)])
def test_critical_value_matches_kiefer_vogelsang_polynomial(n, lags):
    # Kiefer & Vogelsang (2005), Bartlett kernel, two-sided 5% (97.5% quantile of T):
    # 1.96 + 2.9694 b + 0.4160 b^2 - 0.5324 b^3 with b = M / T, M = maxlags + 1.
    b = (lags + 1) / n
    kv = 1.96 + 2.9694 * b + 0.4160 * b**2 - 0.5324 * b**3
    assert fixed_b_critical_value(n, lags, confidence_level=0.95) == pytest.approx(kv, abs=0.05)


def test_small_b_is_close_to_normal_and_pvalues_invert_the_critical_value():
    assert fixed_b_critical_value(5000, 0) == pytest.approx(1.96, abs=0.04)
    c = fixed_b_critical_value(500, 5, confidence_level=0.95)
    assert fixed_b_pvalue(c, n=500, maxlags=5) == pytest.approx(0.05, abs=0.002)
    assert fixed_b_pvalue(-c, n=500, maxlags=5) == fixed_b_pvalue(c, n=500, maxlags=5)


def test_pvalue_arrays_one_sided_and_heavier_tails_than_normal():
    t = np.array([-2.5, -0.3, 0.0, 1.0, 2.2, 4.0])
    two = fixed_b_pvalue(t, n=300, maxlags=30)
    assert isinstance(two, np.ndarray) and two.shape == t.shape
    assert [fixed_b_pvalue(v, n=300, maxlags=30) for v in t] == list(two)
    g = fixed_b_pvalue(t, n=300, maxlags=30, alternative="greater")
    ls = fixed_b_pvalue(t, n=300, maxlags=30, alternative="less")
    pos = t > 0
    np.testing.assert_allclose(g[pos], two[pos] / 2)
    np.testing.assert_allclose(ls[pos], 1 - two[pos] / 2)
    np.testing.assert_allclose(ls[~pos & (t < 0)], two[t < 0] / 2)
    big = np.abs(t) >= 1.0
    assert np.all(two[big] > 2 * stats.norm.sf(np.abs(t[big])))  # b = 0.1: heavier tails than N(0, 1)


def test_scales_are_seeded_cached_and_read_only():
    a = fixed_b_scales(400, 7)
    assert a is fixed_b_scales(400, 7) and a.shape == (20_000,)
    assert np.all(np.diff(a) >= 0) and a[0] > 0
    with pytest.raises(ValueError):
        a[0] = 0.0
    # long series are simulated at n = 1,000 with the same b
    assert fixed_b_critical_value(4000, 39) == fixed_b_critical_value(1000, 9)


def test_conditional_monte_carlo_agrees_with_brute_force_counts():
    # independent draws (another seed) of the statistic itself, |T| = |sqrt(n) mean| / sqrt(Bartlett LRV)
    n, L = 200, 9
    rng = np.random.default_rng(123)
    x = rng.standard_normal((100_000, n))
    m = x.mean(axis=1)
    t_abs = np.abs(m) * np.sqrt(n) / np.sqrt(bartlett_lrv(x - m[:, None], L))
    for t in (1.0, 2.0, 2.5):
        assert fixed_b_pvalue(t, n=n, maxlags=L) == pytest.approx(np.mean(t_abs >= t), abs=0.003)  # MC SE <= 0.0016
    assert fixed_b_critical_value(n, L) == pytest.approx(np.quantile(t_abs, 0.95), abs=0.02)  # SE ~ 0.007


def test_bartlett_lrv_matches_direct_sum():
    rng = np.random.default_rng(3)
    e = rng.standard_normal((3, 200))
    e -= e.mean(axis=1, keepdims=True)
    L = 6
    direct = [sum((1 - j / (L + 1)) * (2 if j else 1) * (x[j:] @ x[: 200 - j]) / 200 for j in range(L + 1)) for x in e]
    np.testing.assert_allclose(bartlett_lrv(e, L), direct, rtol=1e-10)


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError, match="maxlags"):
        fixed_b_pvalue(1.0, n=100, maxlags=100)
    with pytest.raises(InputError, match="alternative"):
        fixed_b_pvalue(1.0, n=100, maxlags=4, alternative="bigger")
    with pytest.raises(InputError, match="n"):
        fixed_b_scales(2.5, 1)
    with pytest.raises(InputError, match="confidence_level"):  # 0.2: ci_level -> confidence_level
        fixed_b_critical_value(100, 4, confidence_level=1.5)
