"""Tests for alphacheck._resample: exactness of prefix sums, determinism, block lengths vs arch."""

import numpy as np
import pandas as pd
import pytest
from arch.bootstrap import StationaryBootstrap
from arch.bootstrap import optimal_block_length as arch_optimal_block_length

from alphacheck import InputError
from alphacheck._resample import (
    METHODS,
    BlockPlan,
    bootstrap_indices,
    bootstrap_plan,
    bootstrap_statistic,
    optimal_block_length,
    resampled_sums,
    streamed_sums,
)


def ar1(n, rho, seed):
    e = np.random.default_rng(seed).standard_normal(n)
    x = np.empty(n)
    x[0] = e[0]
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [1, 2, 7, 250])
def test_sums_equal_brute_force(method, n):
    b = min(6.5, n)
    x = np.random.default_rng(3).standard_normal((n, 3)) + 5.0
    plan = bootstrap_plan(n, 200, method, b, seed=11)
    idx = bootstrap_indices(n, reps=200, bootstrap=method, block_length=b, seed=11)
    assert idx.shape == (200, n) and idx.min() >= 0 and idx.max() < n
    brute = x[idx].sum(axis=1)
    np.testing.assert_allclose(resampled_sums(x, plan), brute, rtol=0, atol=1e-10)
    np.testing.assert_allclose(resampled_sums(x, plan, chunk=7), brute, rtol=0, atol=1e-10)
    np.testing.assert_allclose(streamed_sums(x, 200, method, b, seed=11), brute, rtol=0, atol=1e-10)
    np.testing.assert_allclose(resampled_sums(x[:, 0], plan), brute[:, 0], rtol=0, atol=1e-10)
    assert (plan.lengths.sum(axis=1) == n).all()
    assert plan.starts.dtype == np.int64 and plan.lengths.dtype == np.int64


def test_plan_structure_per_method():
    n, b = 100, 7.0
    circ = bootstrap_plan(n, 50, "circular", b, seed=1)
    assert (circ.lengths[:, :-1] == 7).all() and (circ.lengths[:, -1] == 100 - 14 * 7).all()
    mov = bootstrap_plan(n, 500, "moving", b, seed=1)
    assert mov.starts.max() <= n - 7 and mov.starts.min() >= 0
    idx = bootstrap_indices(n, reps=500, bootstrap="moving", block_length=b, seed=1)
    # moving blocks never wrap: consecutive indices inside a block increase by one
    assert idx.max() < n
    iid = bootstrap_plan(n, 5, "iid", None, seed=1)
    assert (iid.lengths == 1).all()


def test_same_seed_same_bits_different_seed_differs():
    for method in METHODS:
        a = bootstrap_plan(500, 300, method, 9.0, seed=42)
        b = bootstrap_plan(500, 300, method, 9.0, seed=42)
        c = bootstrap_plan(500, 300, method, 9.0, seed=43)
        assert np.array_equal(a.starts, b.starts) and np.array_equal(a.lengths, b.lengths)
        assert not np.array_equal(a.starts, c.starts)
    x = np.random.default_rng(0).standard_normal(2000)
    s1 = streamed_sums(x, 3000, "stationary", 5.0, seed=5, n_jobs=1)
    s2 = streamed_sums(x, 3000, "stationary", 5.0, seed=5, n_jobs=2)
    assert np.array_equal(s1, s2)


def test_stationary_mean_block_length():
    b = 12.0
    plan = bootstrap_plan(20_000, 200, "stationary", b, seed=7)
    # drop the truncated final block of each replicate and the zero padding
    L = plan.lengths
    last = (L > 0).sum(axis=1) - 1
    full = np.ones_like(L, dtype=bool)
    full[np.arange(L.shape[0]), last] = False
    lengths = L[full & (L > 0)]
    se = np.sqrt(b * (b - 1)) / np.sqrt(lengths.size)
    assert abs(lengths.mean() - b) < 4 * se
    # geometric: P(L = 1) = 1/b
    assert abs((lengths == 1).mean() - 1 / b) < 0.01


def test_bootstrap_variance_of_mean_matches_arch():
    x = ar1(2000, 0.4, seed=1)
    b = optimal_block_length(x)
    reps = 20_000
    ours = streamed_sums(x, reps, "stationary", b, seed=1) / x.size
    theirs = StationaryBootstrap(b, x, seed=np.random.default_rng(2)).apply(np.mean, reps)
    ratio = ours.std() / theirs.std()
    assert abs(ratio - 1) < 0.03, ratio


def test_block_length_matches_arch():
    x = ar1(1000, 0.5, seed=3)
    ref = arch_optimal_block_length(x)
    assert optimal_block_length(x) == pytest.approx(ref["stationary"].iloc[0])
    assert optimal_block_length(x, bootstrap="circular") == pytest.approx(ref["circular"].iloc[0])
    two = np.column_stack([x, np.random.default_rng(1).standard_normal(1000)])
    assert optimal_block_length(two) == pytest.approx(arch_optimal_block_length(two)["stationary"].max())
    assert optimal_block_length(np.random.default_rng(1).standard_normal(1000) * 1e-3) >= 1.0
    assert optimal_block_length(x, bootstrap="iid") == 1.0


def test_bootstrap_statistic_generic_and_parallel_deterministic():
    x = ar1(300, 0.3, seed=4)
    s1 = bootstrap_statistic(x, np.median, reps=300, block_length=5.0, seed=9)
    s2 = bootstrap_statistic(x, np.median, reps=300, block_length=5.0, seed=9, n_jobs=2)
    assert s1.shape == (300,) and np.array_equal(s1, s2)
    idx = bootstrap_indices(300, reps=300, bootstrap="stationary", block_length=5.0, seed=9)
    np.testing.assert_array_equal(s1, np.median(x[idx], axis=1))
    # 2-D aligned rows, vector statistic, auto block length
    df = pd.DataFrame({"a": x, "b": x**2})
    out = bootstrap_statistic(df, lambda d: d.mean(axis=0), reps=50, seed=1)
    assert out.shape == (50, 2)


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError, match="bootstrap"):  # 0.2: the scheme option is named `bootstrap`
        bootstrap_plan(10, 5, "block", 2.0)
    with pytest.raises(InputError, match="block_length"):
        bootstrap_plan(10, 5, "stationary", None)
    with pytest.raises(InputError, match="block_length"):
        bootstrap_plan(10, 5, "stationary", 0.5)
    with pytest.raises(InputError, match="reps"):
        bootstrap_plan(10, 0, "iid")
    with pytest.raises(InputError, match="n"):
        bootstrap_plan(0, 5, "iid")
    with pytest.raises(InputError, match="x"):
        optimal_block_length(np.ones(50))
    with pytest.raises(InputError, match="x"):
        optimal_block_length([1.0, np.nan] * 20)
    plan = bootstrap_plan(10, 5, "iid", seed=0)
    with pytest.raises(InputError, match="x"):
        resampled_sums(np.ones(9), plan)
    with pytest.raises(InputError, match="plan"):
        resampled_sums(np.ones(10), "plan")
    with pytest.raises(InputError, match="statistic"):
        bootstrap_statistic(np.arange(20.0), "mean")
    assert isinstance(plan, BlockPlan) and plan.reps == 5


def test_resolve_block_length_is_the_one_place_auto_is_read():
    from alphacheck import InputError
    from alphacheck._resample import optimal_block_length, resolve_block_length

    rng = np.random.default_rng(3)
    x = np.convolve(rng.standard_normal(2_000), np.ones(5), mode="same")
    assert resolve_block_length("auto", x) == optimal_block_length(x)
    assert resolve_block_length(None, x, "circular") == optimal_block_length(x, bootstrap="circular")
    assert resolve_block_length(7, x) == 7.0
    assert resolve_block_length(1_000, x) == 1_000.0
    with pytest.raises(InputError, match=r"at least two blocks per replicate: at most n/2 = 1000"):
        resolve_block_length(10_000, x)  # a replicate would be the sample rotated: its pivot is rounding noise
    assert resolve_block_length("auto", x, "iid") == 1.0
    for bad in ("long", 0.5, float("nan")):
        with pytest.raises(InputError, match="block_length"):
            resolve_block_length(bad, x)


@pytest.mark.parametrize("method,b", [("stationary", 3.5), ("stationary", 1.0), ("circular", 4.0), ("moving", 3.0)])
def test_bootstrap_indices_are_the_plan_blocks_laid_end_to_end(method, b):
    # the vectorised expansion against a loop over the plan's blocks (start, start + 1, ... wrapped mod n)
    from alphacheck._resample import bootstrap_indices, bootstrap_plan

    n = 37
    plan = bootstrap_plan(n, 25, method, b, seed=8)
    idx = bootstrap_indices(n, reps=25, bootstrap=method, block_length=b, seed=8)
    for r in range(25):
        row = [(s + j) % n for s, ln in zip(plan.starts[r], plan.lengths[r]) for j in range(ln)]
        assert idx[r].tolist() == row


@pytest.mark.parametrize("bad, message", [
    (lambda v: "a", "must return a number or an array of numbers, got str"),
    (lambda v: None, "got NoneType"),  # numpy would have made it NaN
    (lambda v: [1.0, "x"], "must return a number"),
    (lambda v: np.nan, "is not finite on the data itself"),
])
def test_bootstrap_statistic_refuses_a_statistic_that_is_not_numbers(bad, message):
    x = np.random.default_rng(0).standard_normal(100)
    with pytest.raises(InputError, match=message) as info:
        bootstrap_statistic(x, bad, reps=9, seed=1)
    assert info.value.argument == "statistic"


def test_bootstrap_statistic_warns_about_undefined_replicates():
    y = np.r_[np.zeros(190), np.ones(10)]  # some resamples hold no 1: a Sharpe of 0/0
    with pytest.warns(UserWarning, match=r"statistic: \d+ of 50 replicates are not finite"), \
            np.errstate(invalid="ignore", divide="ignore"):
        draws = bootstrap_statistic(y, lambda v: v.mean() / v.std(), reps=50, seed=1, block_length=20)
    assert np.isnan(draws).any() and np.isfinite(draws).any()


@pytest.mark.parametrize("paired", [False, True])
@pytest.mark.parametrize("bad", [lambda a, b: "a", lambda a, b: None, lambda a, b: np.nan])
def test_permutation_and_bootstrap_tests_refuse_a_statistic_that_is_not_one_number(bad, paired):
    from alphacheck import bootstrap_test, permutation_test

    x, y = np.random.default_rng(0).standard_normal((2, 50))
    with pytest.raises(InputError) as info:
        permutation_test(x, y, statistic=bad, reps=99, seed=1, paired=paired)
    assert info.value.argument == "statistic"
    with pytest.raises(InputError) as info:
        bootstrap_test(x, lambda v: bad(v, v), reps=99, seed=1)
    assert info.value.argument == "statistic"
