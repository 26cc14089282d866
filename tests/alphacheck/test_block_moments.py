"""Block moments (_resample.resampled_block_moments / streamed_block_moments) and the studentised
bootstrap replicates built on them (significance.mean_replicates / sharpe_replicates), against brute
force over the resampled series of bootstrap_indices."""

import numpy as np
import pytest

from alphacheck import InputError, _resample
from alphacheck._resample import (
    bootstrap_indices,
    bootstrap_plan,
    resampled_block_moments,
    resampled_sums,
    streamed_block_moments,
    streamed_sums,
)
from alphacheck.significance import mean_replicates, sharpe_replicates

METHODS = ["stationary", "circular", "moving", "iid"]


def _brute_blocks(x, plan, idx):
    """Per replicate: list of block sums S_j (k,) and lengths L_j, read off the expanded indices."""
    out = []
    for r in range(plan.reps):
        pos, s_list, l_list = 0, [], []
        for length in plan.lengths[r]:
            blk = idx[r, pos : pos + length]
            pos += length
            s_list.append(x[blk].sum(axis=0))
            l_list.append(length)
        out.append((np.array(s_list), np.array(l_list, dtype=float)))
    return out


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n, b", [(60, 4.5), (37, 1.3), (25, 30.0)])
def test_block_moments_equal_brute_force(method, n, b):
    x = np.random.default_rng(1).standard_normal((n, 2)) + [2.0, -0.5]
    plan = bootstrap_plan(n, 9, method, b, seed=3)
    idx = bootstrap_indices(n, reps=9, bootstrap=method, block_length=b, seed=3)
    got = resampled_block_moments(x, plan)
    one = resampled_block_moments(x[:, 1], plan)
    for r, (s, ln) in enumerate(_brute_blocks(x, plan, idx)):
        np.testing.assert_allclose(got.sums[r], s.sum(axis=0), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(got.cross[r], s.T @ s, rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(got.length_sums[r], ln @ s, rtol=1e-12, atol=1e-10)
        assert got.length_squares[r] == ln @ ln
        assert one.cross[r] == pytest.approx(s[:, 1] @ s[:, 1], rel=1e-12)
    np.testing.assert_allclose(got.sums, resampled_sums(x, plan), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n, b, reps", [(3000, 7.5, 700), (2000, 1.5, 300), (500, 480.0, 200), (50, 3.0, 1500)])
def test_streamed_equals_plan_and_is_thread_independent(method, n, b, reps):
    # the fused stationary path draws the same replicates as bootstrap_plan (even slabs keep numpy's
    # bounded-integer stream), and its sums are those of streamed_sums
    x = np.random.default_rng(2).standard_normal((n, 2)) * [1.0, 3.0] + [0.5, 4.0]
    ref = resampled_block_moments(x, bootstrap_plan(n, reps, method, b, seed=5))
    one = streamed_block_moments(x, reps, method, b, seed=5, n_jobs=1)
    two = streamed_block_moments(x, reps, method, b, seed=5, n_jobs=2)
    for f in ("sums", "cross", "length_sums", "length_squares"):
        np.testing.assert_allclose(getattr(one, f), getattr(ref, f), rtol=1e-10, atol=1e-8)
        assert np.array_equal(getattr(one, f), getattr(two, f))
    np.testing.assert_allclose(one.sums, streamed_sums(x, reps, method, b, seed=5), rtol=1e-12, atol=1e-9)


def test_stationary_plan_truncation_reference():
    # every row sums to n; each block but the last non-empty one is a full geometric draw (>= 1)
    plan = bootstrap_plan(1000, 500, "stationary", 12.0, seed=8)
    assert (plan.lengths.sum(axis=1) == 1000).all()
    assert (plan.lengths[:, 0] >= 1).all() and (plan.lengths.min(axis=0) == 0).any()
    nonzero = plan.lengths > 0
    assert (np.diff(nonzero.astype(int), axis=1) <= 0).all()  # zeros only trail
    assert plan.lengths.max(axis=0)[-1] > 0  # no all-zero trailing column kept


def test_mean_replicates_match_resampled_series():
    n, b = 80, 5.0
    x = np.random.default_rng(4).standard_normal(n)
    c = x - x.mean()
    plan = bootstrap_plan(n, 12, "stationary", b, seed=1)
    idx = bootstrap_indices(n, reps=12, bootstrap="stationary", block_length=b, seed=1)
    d, v = mean_replicates(resampled_block_moments(c, plan), n)
    for r, (s, ln) in enumerate(_brute_blocks(c, plan, idx)):
        m = c[idx[r]].mean()
        assert d[r] == pytest.approx(m, abs=1e-14)
        assert v[r] == pytest.approx(((s - ln * m) ** 2).sum() / n, rel=1e-10)


def test_sharpe_replicates_match_influence_function_of_resampled_series():
    n, b = 90, 6.0
    x = 0.01 * np.random.default_rng(6).standard_t(5, n) + 0.002
    sd = x.std(ddof=1)
    sr = x.mean() / sd
    z = (x - x.mean()) / sd
    plan = bootstrap_plan(n, 10, "circular", b, seed=2)
    idx = bootstrap_indices(n, reps=10, bootstrap="circular", block_length=b, seed=2)
    srp, v = sharpe_replicates(resampled_block_moments(np.column_stack([z, z * z]), plan), sr, n)
    for r in range(10):
        xs = x[idx[r]]
        mu, sig = xs.mean(), xs.std()  # ddof=0
        sr_r = mu / sig
        psi = (xs - mu) / sig - sr_r / 2 * ((xs - mu) ** 2 / sig**2 - 1)
        pos, acc = 0, 0.0
        for length in plan.lengths[r]:
            acc += psi[pos : pos + length].sum() ** 2
            pos += length
        assert srp[r] == pytest.approx(sr_r, rel=1e-10)
        assert v[r] == pytest.approx(acc / n, rel=1e-8)


def test_bad_inputs():
    plan = bootstrap_plan(20, 3, "stationary", 3.0, seed=0)
    with pytest.raises(InputError) as e:
        resampled_block_moments(np.ones(19), plan)
    assert e.value.argument == "x"
    with pytest.raises(InputError) as e:
        resampled_block_moments(np.ones(20), "plan")
    assert e.value.argument == "plan"
    with pytest.raises(InputError) as e:
        streamed_block_moments(np.r_[np.ones(19), np.nan], 5, "stationary", 3.0)
    assert e.value.argument == "x"
    with pytest.raises(InputError) as e:
        streamed_block_moments(np.ones(20), 5, "stationary", None)
    assert e.value.argument == "block_length"


def _reference_plan(n, reps, b, seed):
    """The stationary plan as first written (np.minimum cap, whole-array concatenation, masked truncation);
    the faster generation must keep these bits for every seed."""
    import math

    from alphacheck._resample import _chunk_specs, _geometric

    def lengths_of(rng, rows):
        p = 1.0 / b
        m0 = int(math.ceil(n * p + 3.0 * math.sqrt(n * p) + 8.0))
        lengths = np.minimum(_geometric(rng, p, (rows, m0)), n)
        total = lengths.sum(axis=1)
        short = np.flatnonzero(total < n)
        m1 = int(math.ceil(2.0 * math.sqrt(n * p) + 4.0))
        while short.size:
            extra = np.minimum(_geometric(rng, p, (short.size, m1)), n)
            lengths = np.concatenate([lengths, np.zeros_like(lengths, shape=(rows, m1))], axis=1)
            lengths[short, -m1:] = extra
            total[short] += extra.sum(axis=1)
            short = short[total[short] < n]
        room = np.cumsum(lengths, axis=1) - lengths
        keep = max(int(np.searchsorted(room.min(axis=0), n, side="left")), 1)
        return np.minimum(np.maximum(n - room[:, :keep], 0), lengths[:, :keep])

    starts, lens = [], []
    # 0.2: the private _chunk_specs takes the SeedSequence that check_seed makes of an int seed
    for child, rows in _chunk_specs(n, reps, "stationary", b, np.random.SeedSequence(seed)):
        rng = np.random.default_rng(child)
        ln = lengths_of(rng, rows)
        lens.append(ln)
        starts.append(rng.integers(0, n, size=ln.shape, dtype=np.int64))
    m = max(a.shape[1] for a in lens)
    pad = lambda a: np.pad(a, ((0, 0), (0, m - a.shape[1])))
    return np.concatenate([pad(a) for a in starts]), np.concatenate([pad(a) for a in lens])


@pytest.mark.parametrize("n, b, reps", [(50_000, 27.2, 600), (500, 3.3, 999), (37, 1.5, 100), (1000, 900.0, 50), (10, 2.0, 1000)])
def test_stationary_plan_bits_unchanged(n, b, reps):
    for seed in range(3):
        plan = bootstrap_plan(n, reps, "stationary", b, seed)
        s, ln = _reference_plan(n, reps, b, seed)
        assert np.array_equal(plan.starts, s) and np.array_equal(plan.lengths, ln)


def test_mean_and_sharpe_tests_studentise_with_prewhitened_hac():
    from alphacheck._hac import long_run_variance
    from alphacheck.significance import mean_test, sharpe_test

    x = 0.01 * np.random.default_rng(9).standard_normal(300) + 0.001
    r = mean_test(x, reps=199, seed=0)
    se = np.sqrt(long_run_variance(x).value / x.size)
    assert r.se == pytest.approx(se) and r.statistic == pytest.approx(x.mean() / se)
    lo, hi = r.confidence_interval()
    assert lo < x.mean() < hi
    s = sharpe_test(x, reps=199, seed=0)
    s_scaled = sharpe_test(x * 7 + 0.0, reps=199, seed=0)  # scale-free
    assert s.statistic == pytest.approx(s_scaled.statistic) and s.pvalue == s_scaled.pvalue
    iid = sharpe_test(x, reps=199, seed=0, bootstrap="iid")
    assert 0 < iid.pvalue <= 1 and iid.se > 0


def test_dependent_columns_are_mapped_through_a_basis():
    # the audit's kind of columns: r - mean, its z-score, z², a benchmark's z, its square, y's z (r again),
    # a product, and the hedged book r - beta b (an affine combination): 5 independent columns of 8
    rng = np.random.default_rng(12)
    n = 900
    r, bm = rng.normal(0.001, 0.01, n), rng.normal(0.0, 0.01, n)
    z = (r - r.mean()) / r.std(ddof=1)
    bz, yz = (bm - bm.mean()) / bm.std(), (r - r.mean()) / r.std()
    x = np.column_stack([r - r.mean(), z, z * z, bz, bz * bz, yz, bz * yz, r - 0.8 * bm])
    cols, t = _resample._linear_basis(x)
    assert cols.tolist() == [0, 2, 3, 4, 6]
    np.testing.assert_allclose((x - x.mean(axis=0))[:, cols] @ t, x - x.mean(axis=0), atol=1e-15)
    for method, b in (("stationary", 6.0), ("circular", 3.0), ("stationary", 1.0)):
        got = streamed_block_moments(x, 200, method, b, seed=4)
        ref = resampled_block_moments(x, bootstrap_plan(n, 200, method, b, seed=4))  # every column gathered
        for f in ("sums", "cross", "length_sums", "length_squares"):
            np.testing.assert_allclose(getattr(got, f), getattr(ref, f), rtol=1e-10, atol=1e-12)


def test_nearly_dependent_columns_are_not_mapped():
    # a column that is a combination of others up to 1e-9 of its scale is gathered itself: the map is verified
    # on every row, not trusted from the correlations
    rng = np.random.default_rng(13)
    a = rng.standard_normal((500, 2))
    x = np.column_stack([a, a[:, 0] + 2 * a[:, 1] + 1e-9 * rng.standard_normal(500)])
    assert _resample._linear_basis(x) is None
    assert _resample._linear_basis(np.column_stack([a, a[:, 0] + 2 * a[:, 1]]))[0].tolist() == [0, 1]
    got = streamed_block_moments(x, 100, "stationary", 5.0, seed=1)
    ref = resampled_block_moments(x, bootstrap_plan(500, 100, "stationary", 5.0, seed=1))
    np.testing.assert_allclose(got.cross, ref.cross, rtol=1e-10)
