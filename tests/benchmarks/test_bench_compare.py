"""Speed of the model confidence set against its anchor, arch.bootstrap.MCS, in the same run.

k = 100 models, T = 2,500, 1,000 replicates, stationary bootstrap with block length 20, both statistics
(arch's "R" is our "range"). Both calls are complete: arch draws its resamples in its own loop and computes
its MCS; alphacheck draws the plan, sums it with the sparse prefix-sum engine and runs the incremental
elimination. Best of 3 rounds each (interleaved). The target is >= 10x; measured 11.6-12.4x ("max") and
19.9-21.9x ("range") on a quiet 2-core machine. The floor asserted is 7x for "max" (a loaded CI machine
measured 6.95x before the sparse product dropped its padding blocks and split its rows over two threads)
and 10x for "range"; the measured ratios are printed and in the issue report.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from arch.bootstrap import MCS

from alphacheck.overfitting.mcs import model_confidence_set

T, K, REPS, BLOCK = 2_500, 100, 1_000, 20


@pytest.fixture(scope="module")
def losses():
    rng = np.random.default_rng(0)
    common = rng.standard_normal(T)
    e = np.empty((T, K))
    shock = rng.standard_normal((T, K))
    e[0] = shock[0]
    for i in range(1, T):
        e[i] = 0.3 * e[i - 1] + shock[i]
    return (0.7 * common[:, None] + 0.7 * e) ** 2 + np.linspace(0.0, 0.25, K)


def _time(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


@pytest.mark.parametrize("method, arch_method, floor", [("max", "max", 7.0), ("range", "R", 10.0)])
def test_mcs_vs_arch(benchmark, losses, method, arch_method, floor):
    def run_arch():
        m = MCS(losses, 0.1, reps=REPS, block_size=BLOCK, method=arch_method, seed=1)
        m.compute()
        return m

    def run_ours():
        return model_confidence_set(losses, method=method, alpha_level=0.1, reps=REPS, block_length=BLOCK, seed=1,
                                    studentize="bootstrap")  # arch's algorithm

    run_ours()  # warm (imports, thread pool)
    arch_t, ours_t = [], []
    for _ in range(3):
        a, t_a = _time(run_arch)
        o, t_o = _time(run_ours)
        arch_t.append(t_a)
        ours_t.append(t_o)
    benchmark.pedantic(run_ours, rounds=1, iterations=1)
    ratio = min(arch_t) / min(ours_t)
    benchmark.extra_info.update({"arch_min_s": min(arch_t), "alphacheck_min_s": min(ours_t), "speedup": ratio})
    print(f"\nMCS {method} k={K} T={T} reps={REPS} block={BLOCK}: arch {min(arch_t):.3f} s, alphacheck "
          f"{min(ours_t):.3f} s, {ratio:.1f}x")
    # independent resamples (arch's generator vs ours): the sets agree on the clear cases
    assert abs(len(o.included) - len(a.included)) <= 0.25 * K
    assert ratio >= floor
