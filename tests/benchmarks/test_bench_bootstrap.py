"""Benchmark: alphacheck's prefix-sum stationary bootstrap of the mean vs arch, same run, same block length.

n = 50,000, 10,000 replicates, AR(1) rho = 0.3 returns (Politis-White block length from the data).
Times alphacheck's mean_test (the whole test: prewhitened HAC, fused plan generation + block moments in
threads, p-value, CI) against arch's StationaryBootstrap.apply(np.mean) by min times across rounds, prints
the speed-up, and asserts that its bootstrap SE (sd of the replicate means) is within 3% of arch's.

Speed floor: the speed-up must be >= 3x. Measured on 2 cores: 25x with a free second core, ~16x at load
average 2.5, 13x and 8x in two runs at load average 8-10; alphacheck runs its plan chunks in threads, so its
advantage shrinks most when no core is free, and the floor leaves room for that (losing the prefix-sum
engine would put it near 1x). Min over 15 rounds (0.1-0.2 s each) estimates the uncontended time, arch's min over 2
rounds (2.5 s each, single-threaded). The load average is printed with the result.
"""

import os
import time

import numpy as np
import pytest
from arch.bootstrap import StationaryBootstrap

from alphacheck import mean_test, optimal_block_length

N, REPS = 50_000, 10_000
MIN_SPEEDUP = 3.0  # clears a loaded 2-core machine (8x-13x measured at load average 8-10)


@pytest.fixture(scope="module")
def series():
    e = np.random.default_rng(0).standard_normal(N)
    x = np.empty(N)
    x[0] = e[0]
    for t in range(1, N):
        x[t] = 0.3 * x[t - 1] + e[t]
    return 0.01 * x, optimal_block_length(x)


def min_time(benchmark, fn, **kwargs):
    """Run ``fn`` under pytest-benchmark and return (result, min seconds); falls back to a direct
    timing when benchmarks are disabled (--benchmark-disable)."""
    result = benchmark.pedantic(fn, iterations=1, **kwargs)
    if benchmark.disabled or benchmark.stats is None:
        start = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - start
    return result, benchmark.stats.stats.min


_results = {}


def test_bench_arch_stationary_mean(benchmark, series):
    x, b = series
    out, seconds = min_time(benchmark, lambda: StationaryBootstrap(b, x, seed=1).apply(np.mean, REPS), rounds=2)
    _results["arch_min"] = seconds
    _results["arch_se"] = float(out.std(ddof=1))


def test_bench_alphacheck_mean_test(benchmark, series):
    x, b = series
    res, ours_min = min_time(benchmark, lambda: mean_test(x, reps=REPS, block_length=b, seed=1), rounds=15,
                             warmup_rounds=1)
    if "arch_min" not in _results:  # run on its own: time arch here, in the same run
        t0 = time.perf_counter()
        theirs = StationaryBootstrap(b, x, seed=1).apply(np.mean, REPS)
        _results["arch_min"] = time.perf_counter() - t0
        _results["arch_se"] = float(theirs.std(ddof=1))
    ratio = _results["arch_min"] / ours_min
    se_ratio = res.details["bootstrap_se"] / _results["arch_se"]
    print(f"\n[bench] block length {b:.2f}; arch {_results['arch_min']:.3f}s, alphacheck {ours_min:.3f}s, "
          f"speed-up {ratio:.1f}x; bootstrap SE ratio {se_ratio:.4f}; load average {os.getloadavg()[0]:.2f}")
    assert ratio >= MIN_SPEEDUP
    assert abs(se_ratio - 1) < 0.03
