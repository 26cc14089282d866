"""long_run_variance: kernel sums against arch.covariance, Andrews (1991) bandwidth formulas, AR(1) truth."""

import math

import numpy as np
import pytest
from arch.covariance.kernel import Bartlett, QuadraticSpectral

from alphacheck import InputError
from alphacheck._hac import andrews_bandwidth, kernel_lrv, long_run_variance, qs_weights


def _ar1(n, rho, seed):
    e = np.random.default_rng(seed).standard_normal(n + 200)
    x = np.empty_like(e)
    x[0] = e[0]
    for t in range(1, x.size):
        x[t] = rho * x[t - 1] + e[t]
    return x[200:]


@pytest.mark.parametrize("bandwidth", [0.7, 3.0, 11.4, 60.0])
def test_qs_kernel_sum_equals_arch(bandwidth):
    e = _ar1(700, 0.4, 1)
    ref = QuadraticSpectral(e, bandwidth=bandwidth).cov.long_run[0, 0]
    assert kernel_lrv(e, "quadratic-spectral", bandwidth) == pytest.approx(ref, rel=1e-10)


@pytest.mark.parametrize("lags", [1, 4, 12, 40])
def test_bartlett_kernel_sum_equals_arch(lags):
    # Andrews' k(j/S) = 1 - j/S equals arch's Newey-West weights 1 - j/(L+1) at S = L + 1
    e = _ar1(700, 0.4, 2)
    ref = Bartlett(e, bandwidth=lags).cov.long_run[0, 0]
    assert kernel_lrv(e, "bartlett", lags + 1.0) == pytest.approx(ref, rel=1e-10)


def test_qs_weights_and_bandwidth_formulas():
    assert qs_weights(np.array([0.0]))[0] == 1.0
    z = 0.8
    a = 6 * math.pi * z / 5
    assert qs_weights(np.array([z]))[0] == pytest.approx(25 / (12 * math.pi**2 * z**2) * (math.sin(a) / a - math.cos(a)))
    e = _ar1(1000, 0.5, 3)
    c = e - e.mean()
    rho = (c[1:] @ c[:-1]) / (c[:-1] @ c[:-1])
    a2 = 4 * rho**2 / (1 - rho) ** 4
    a1 = 4 * rho**2 / ((1 - rho) ** 2 * (1 + rho) ** 2)
    assert andrews_bandwidth(e) == pytest.approx(1.3221 * (a2 * 1000) ** 0.2)
    assert andrews_bandwidth(e, "bartlett") == pytest.approx(1.1447 * (a1 * 1000) ** (1 / 3))


def test_prewhitened_estimate_is_close_to_truth_and_less_biased_than_newey_west():
    # AR(1) rho = 0.3, unit innovations: long-run variance 1/(1-rho)^2 = 2.0408; average over worlds of n = 500
    pw, nw = [], []
    for seed in range(200):
        x = _ar1(500, 0.3, 100 + seed)
        pw.append(long_run_variance(x).value)
        nw.append(Bartlett(x, bandwidth=int(4 * (500 / 100) ** (2 / 9))).cov.long_run[0, 0])
    truth = 1 / 0.7**2
    assert abs(np.mean(pw) / truth - 1) < 0.04
    assert abs(np.mean(pw) / truth - 1) < abs(np.mean(nw) / truth - 1)


def test_iid_and_options():
    x = np.random.default_rng(5).standard_normal(5000)
    r = long_run_variance(x)
    assert r.value == pytest.approx(x.var(), rel=0.05) and abs(r.phi) < 0.05 and r.n == 5000
    # 0.2: the public option is maxlags, bandwidth S = maxlags + 1 (S = 5.0 <-> maxlags=4)
    plain = long_run_variance(x, kernel="bartlett", prewhiten=False, maxlags=4)
    assert plain.phi == 0.0 and plain.value == pytest.approx(kernel_lrv(x, "bartlett", 5.0))
    capped = long_run_variance(np.cumsum(np.random.default_rng(6).standard_normal(400)))
    assert capped.phi == pytest.approx(0.97)


@pytest.mark.parametrize("kwargs, arg", [
    ({"x": [1.0, np.nan] * 10}, "x"), ({"x": [1.0] * 20}, "x"), ({"x": [1.0, 2.0]}, "x"),
    ({"x": np.arange(20.0), "kernel": "parzen"}, "kernel"),
    ({"x": np.arange(20.0) % 3, "maxlags": -1}, "maxlags"),  # 0.2: bandwidth= -> maxlags=
])
def test_bad_inputs(kwargs, arg):
    with pytest.raises(InputError) as e:
        long_run_variance(**kwargs)
    assert e.value.argument == arg
