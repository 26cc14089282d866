"""Family tests streamed over blocks of strategies: the same bits from every source and every chunking,
k-StepM (Romano & Wolf 2007) against a brute-force reference on the full replicate matrix, its k-FWER.

The engine (alphacheck.overfitting.data_snooping) never holds the (replicates x strategies) matrix: it keeps
per-replicate maxima, per-strategy counts and, for StepM, each replicate's staircase. These tests build that
matrix the plain way (alphacheck._resample.streamed_block_moments on all columns at once) and compare.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np
import pandas as pd
import pytest

from alphacheck import _columns, _resample
from alphacheck._hac import lrv_columns, stationary_bootstrap_lrv
from alphacheck._inputs import InputError
from alphacheck._pvalues import pvalue_from_counts
from alphacheck.overfitting import reality_check, spa, stepm
from tests.worlds import world

T, K = 400, 61


@pytest.fixture(scope="module")
def family():
    rng = np.random.default_rng(5)
    bench = rng.standard_normal(T) * 0.01
    rets = bench[:, None] + rng.standard_normal((T, K)) * 0.01
    rets[:, [3, 20, 44, 45]] += 0.0025
    rets[1:] += 0.2 * rets[:-1]
    return rets, bench


CALLS = [
    ("spa-replicate", lambda x, b, **kw: spa(x, b, **kw)),
    ("spa-hac", lambda x, b, **kw: spa(x, b, studentize="hac", **kw)),
    ("spa-fixed", lambda x, b, **kw: spa(x, b, studentize="fixed", **kw)),
    ("rc", lambda x, b, **kw: reality_check(x, b, **kw)),
    ("stepm-replicate", lambda x, b, **kw: stepm(x, b, **kw)),
    ("stepm-hac", lambda x, b, **kw: stepm(x, b, studentize="hac", **kw)),
    ("stepm-none", lambda x, b, **kw: stepm(x, b, studentize="none", **kw)),
    ("kstepm-2", lambda x, b, **kw: stepm(x, b, k_fwer=2, **kw)),
    ("kstepm-3-fixed", lambda x, b, **kw: stepm(x, b, k_fwer=3, studentize="fixed", **kw)),
]


def same(a, b, rtol=0.0):
    """Equal results; ``rtol`` > 0 only where the two runs multiply matrices of different shapes (below)."""
    assert a.pvalues == b.pvalues
    assert a.block_length == b.block_length and a.statistic == b.statistic
    if rtol:
        np.testing.assert_allclose(a.strategies.to_numpy(dtype=float), b.strategies.to_numpy(dtype=float), rtol=rtol)
        np.testing.assert_allclose(a.bootstrap_distribution, b.bootstrap_distribution, rtol=rtol)
    else:
        np.testing.assert_array_equal(a.strategies.to_numpy(dtype=float), b.strategies.to_numpy(dtype=float))
        np.testing.assert_array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    assert a.superior == b.superior


@pytest.fixture
def small_chunks(monkeypatch):
    """Blocks of 8 strategies and plan chunks of ~100 replicates: many blocks x many replicate groups."""
    monkeypatch.setattr(_columns, "CHUNK_BYTES", 8 * T * 8)
    monkeypatch.setattr(_resample, "_PLAN_CHUNK_BYTES", 200_000)


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("bootstrap,block", [("stationary", "auto"), ("circular", 4), ("iid", "auto")])
def test_chunked_equals_whole(family, monkeypatch, name, call, bootstrap, block):
    rets, bench = family
    monkeypatch.setattr(_resample, "_PLAN_CHUNK_BYTES", 200_000)
    kw = dict(reps=499, seed=4, bootstrap=bootstrap, block_length=block)
    whole = call(rets, bench, **kw)
    assert whole.details["blocks_of_strategies"] == 1 and whole.details["replicate_chunks"] > 1
    monkeypatch.setattr(_columns, "CHUNK_BYTES", 8 * T * 8)
    chunked = call(rets, bench, **kw)
    assert chunked.details["blocks_of_strategies"] == 8  # 61 = 7 x 8 + 5
    # Unit blocks (iid, or a block length of 1) resample through one BLAS product per block, counts (reps x T) @
    # block (T x width): OpenBLAS's small-matrix kernels (AVX-512, seen on this project's machines) round a column
    # differently as the width changes, so blocks of 8 and one block of 61 agree to ~1e-16, not bit for bit. For
    # a given (T, k) every source, thread count and cluster reads the same blocks (alphacheck._columns), hence
    # the exact comparisons below and in the tests of sources.
    same(whole, chunked, rtol=1e-13 if bootstrap == "iid" else 0.0)
    one_thread = call(rets, bench, n_jobs=1, **kw)  # the same blocks as ``chunked`` in one thread
    same(chunked, one_thread)


def test_block_bounds_never_leave_one_column():
    assert _columns.chunk_bounds(100, 17, 8) == [(0, 8), (8, 17)]
    assert _columns.chunk_bounds(100, 16, 8) == [(0, 8), (8, 16)]
    assert _columns.chunk_bounds(100, 1, 8) == [(0, 1)]
    assert _columns.chunk_width(2_500) % 8 == 0 and _columns.chunk_width(2_500) * 2_500 * 8 <= _columns.CHUNK_BYTES


class CountingFamily:
    """A lazy family (shape + column slicing) that generates each block from a seed and records what is read."""

    def __init__(self, rets):
        self.rets = rets
        self.shape = rets.shape
        self.widest = 0

    def __getitem__(self, key):
        rows, cols = key
        assert rows == slice(None)
        self.widest = max(self.widest, len(range(*cols.indices(self.shape[1]))))
        return self.rets[:, cols].copy()


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_memmap_parquet_and_lazy_sources_give_the_in_memory_bits(family, small_chunks, tmp_path, name, call):
    rets, bench = family
    kw = dict(reps=299, seed=7)
    ref = call(rets, bench, **kw)
    path = tmp_path / "family.npy"
    np.save(path, rets)
    from_path = call(str(path), bench, **kw)
    same(ref, from_path)
    assert from_path.details["source"] == "memory-mapped .npy file"
    same(ref, call(np.load(path, mmap_mode="r"), bench, **kw))
    fortran = tmp_path / "fortran.npy"
    np.save(fortran, np.asfortranarray(rets))
    same(ref, call(fortran, bench, **kw))
    lazy = CountingFamily(rets)
    same(ref, call(lazy, bench, **kw))
    assert lazy.widest == 8  # never more than one block of strategies at a time


def test_parquet_source(family, small_chunks, tmp_path):
    rets, bench = family
    frame = pd.DataFrame(rets, columns=[f"s{j}" for j in range(K)])
    path = tmp_path / "family.parquet"
    try:
        frame.to_parquet(path)
    except ImportError:
        pytest.skip("neither pyarrow nor fastparquet is installed (pip install pyarrow)")
    for call in (spa, stepm):
        ref = call(frame, bench, reps=299, seed=7)
        got = call(str(path), bench, reps=299, seed=7)
        assert got.details["source"].startswith("Parquet file")
        same(ref, got)
        assert list(got.strategies.index) == list(frame.columns)


def test_out_of_memory_inputs_are_checked(family, tmp_path):
    rets, bench = family
    bad = rets.copy()
    bad[7, 30] = np.nan
    path = tmp_path / "bad.npy"
    np.save(path, bad)
    with pytest.raises(InputError, match="non-finite"):
        spa(str(path), bench, reps=99, seed=1)
    np.save(path, rets)
    with pytest.raises(InputError, match="same length"):
        spa(str(path), bench[:-1], reps=99, seed=1)
    with pytest.raises(InputError, match="file not found"):
        spa(str(tmp_path / "missing.npy"), bench, reps=99)
    (tmp_path / "family.csv").write_text("x")
    with pytest.raises(InputError, match=r"\.npy"):
        spa(str(tmp_path / "family.csv"), bench, reps=99)
    with pytest.raises(InputError, match="k_fwer"):
        stepm(rets[:, :3], bench, reps=99, k_fwer=4)


def _price_family(rets):
    bad = rets.copy()
    bad[:, 30] = 100.0 * np.cumprod(1.0 + rets[:, 30])  # a price level, not a return
    return bad


@pytest.mark.parametrize("name, call", CALLS[:1] + CALLS[3:5])
def test_non_returns_are_refused_in_memory_and_on_disk(family, tmp_path, name, call):
    """Prices among the first 50 strategies, or as the benchmark, raise an InputError naming them, wherever the
    family lives (pass 1 checks each block as it reads it); check_returns=False lets losses through."""
    from alphacheck._plausibility import ImplausibleReturnsError

    rets, bench = family
    bad = _price_family(rets)
    path = tmp_path / "prices.npy"
    np.save(path, bad)
    for source in (bad, str(path), pd.DataFrame(bad, columns=[f"s{j}" for j in range(K)])):
        with pytest.raises(ImplausibleReturnsError) as info:
            call(source, bench, reps=99, seed=1)
        assert info.value.argument in ("returns[30]", "returns['s30']") and "check_returns=False" in str(info.value)
    with pytest.raises(ImplausibleReturnsError) as info:
        call(rets, 100.0 * np.cumprod(1.0 + bench), reps=99, seed=1)
    assert info.value.argument == "benchmark"
    call(bad, bench, reps=99, seed=1, check_returns=False)  # off: runs
    call(100.0 * rets, 100.0 * bench, reps=99, seed=1, check_returns=False)  # percent units, told so
    with pytest.raises(InputError, match="check_returns"):
        call(rets, bench, reps=99, check_returns="no")
    late = rets.copy()
    late[:, 55] = 100.0 * np.cumprod(1.0 + rets[:, 55])
    call(late, bench, reps=99, seed=1)  # beyond the first 50 strategies: not read twice (bounded cost)


# --------------------------------------------------------------------------------------------------------
# k-StepM against the plain computation on the full (replicates x strategies) matrix


def full_sims(rets, bench, reps, seed, b, studentize="replicate"):
    """The re-centred studentised sim* of every strategy (consistent re-centring), computed the plain way:
    "hac" divides each replicate's mean by Hansen's ω̂_k, "replicate" by its own block variance."""
    d = rets - bench[:, None]
    t = d.shape[0]
    mean = d.mean(axis=0)
    omega2 = lrv_columns(d)
    valid = mean >= -np.sqrt(omega2 / t * 2.0 * np.log(np.log(t)))
    centre = np.where(valid, mean, 0.0)
    stat = mean / np.sqrt(omega2 / t)
    if studentize == "hac":
        sums = _resample.streamed_sums(d, reps, "stationary", b, seed)
        return (sums / t - centre) / np.sqrt(stationary_bootstrap_lrv(d, b) / t), stat
    mom = _resample.streamed_block_moments(d, reps, "stationary", b, seed, pairs="diagonal")
    m = mom.sums / t
    v = (mom.cross - 2 * m * mom.length_sums + m**2 * mom.length_squares[:, None]) / t
    sc = np.sqrt(np.maximum(v, 0.0) / t)
    return (m - centre) / np.where(sc > 0, sc, np.inf), stat


def kth_largest(a, k):
    return -np.partition(-a, k - 1, axis=1)[:, k - 1]


def reference_kstepm(sims, stat, k, alpha, n_max=50):
    """Romano & Wolf (2007) k-StepM, generic algorithm with the N_max streamlining, on the full matrix."""
    reps = sims.shape[0]
    order = np.argsort(-stat, kind="stable")
    ts, s = stat[order], sims[:, order]
    n = ts.size

    def pvals(kmax, cand):
        return np.array([pvalue_from_counts(np.count_nonzero(kmax >= v), reps) for v in ts[cand]])

    rejected = int(np.sum(np.maximum.accumulate(pvals(kth_largest(s, k), np.arange(n))) <= alpha))
    if rejected < k:
        return set(order[:rejected].tolist())
    while rejected < n:
        n_star = rejected
        while comb(n_star, k - 1) > n_max:
            n_star -= 1
        cand = np.arange(rejected, n)
        p = np.zeros(cand.size)
        for sub in combinations(range(rejected - n_star, rejected), k - 1):
            cols = list(sub) + list(range(rejected, n))
            p = np.maximum(p, pvals(kth_largest(s[:, cols], k), cand))
        new = int(np.sum(np.maximum.accumulate(p) <= alpha))
        if new == 0:
            break
        rejected += new
    return set(order[:rejected].tolist())


@pytest.mark.parametrize("studentize", ["hac", "replicate"])
@pytest.mark.parametrize("k_fwer", [1, 2, 3, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kstepm_equals_the_plain_algorithm(small_chunks, k_fwer, seed, studentize):
    rng = np.random.default_rng(100 + seed)
    t, k = 300, 40
    bench = rng.standard_normal(t) * 0.01
    rets = bench[:, None] + rng.standard_normal((t, k)) * 0.01
    rets[:, :12] += np.linspace(0.0008, 0.003, 12)  # a range of effects: several steps
    opts = {"reps": 499, "seed": seed, "block_length": 3, "alpha_level": 0.1, "studentize": studentize}
    res = stepm(rets, bench, k_fwer=k_fwer, **opts)
    sims, stat = full_sims(rets, bench, 499, seed, 3.0, studentize)
    want = reference_kstepm(sims, stat, k_fwer, 0.1)
    assert set(res.superior) == want
    if k_fwer == 1:  # the k = 1 algorithm is StepM's stepdown: the same set as its adjusted p-values
        plain = stepm(rets, bench, **opts)
        assert set(plain.superior) == want
    assert res.k_fwer == k_fwer and (k_fwer == 1 or "k-StepM" in res.test)


def test_kstepm_finds_at_least_what_stepm_finds(family):
    rets, bench = family
    one = stepm(rets, bench, reps=999, seed=3)
    two = stepm(rets, bench, reps=999, seed=3, k_fwer=2)
    assert set(one.superior) <= set(two.superior)


def test_kstepm_streamlined_many_rejections(small_chunks):
    """More than N_MAX subsets (k = 3 after 12 rejections: C(12, 2) = 66 > 50) and a fetch of replicates."""
    rng = np.random.default_rng(9)
    t, k = 300, 60
    bench = rng.standard_normal(t) * 0.01
    rets = bench[:, None] + rng.standard_normal((t, k)) * 0.01
    rets[:, :30] += np.linspace(0.001, 0.004, 30)
    res = stepm(rets, bench, reps=399, seed=5, block_length=2, k_fwer=3)
    sims, stat = full_sims(rets, bench, 399, 5, 2.0)
    want = reference_kstepm(sims, stat, 3, 0.05)
    assert len(want) > 12 and set(res.superior) == want


def test_kfwer_size_reduced():
    """k = 2 at 5 %: P(2 or more false findings) <= 5 % on 200 null worlds of 20 correlated strategies, 3 of
    which carry an edge (the 17 true nulls have zero mean differential). Full study: 2,000 worlds (slow)."""
    _kfwer_study(200, band_sd=3.5)


@pytest.mark.slow
def test_kfwer_size_full():
    _kfwer_study(2_000, band_sd=3.5)


def _kfwer_study(worlds, band_sd):
    rng = np.random.default_rng(2007)
    bad = 0
    for w in range(worlds):
        r = world("ar0.3", 250, rng, k=21, common=0.5)
        bench, rets = r[:, 0], r[:, 1:].copy()
        rets[:, :3] += 0.004
        res = stepm(rets, bench, reps=199, seed=w, k_fwer=2, n_jobs=1)
        false = sum(1 for j in res.superior if j >= 3)
        bad += false >= 2
    rate = bad / worlds
    se = np.sqrt(0.05 * 0.95 / worlds)
    print(f"\n[k-StepM] k = 2, P(>= 2 false findings) = {rate:.4f} (SE {se:.4f}) over {worlds} worlds")
    assert rate <= 0.05 + band_sd * se


# --------------------------------------------------------------------------------------------------------
# Dask: the same call on a 2-worker LocalCluster gives the same bits


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("dask.array", reason="dask is not installed (pip install -e '.[distributed]')")
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_dask_family_on_a_local_cluster_is_bit_identical(family, client, monkeypatch):
    import dask.array as da

    rets, bench = family
    monkeypatch.setattr(_resample, "_PLAN_CHUNK_BYTES", 200_000)
    x = da.from_array(rets, chunks=(T // 2, 13))  # row chunks are merged, column chunks re-blocked
    for name, call in CALLS:
        ref = call(rets, bench, reps=499, seed=11)
        got = call(x, bench, reps=499, seed=11)
        assert got.details["source"] == "Dask array" and got.details["replicate_chunks"] > 1, name
        same(ref, got)
    assert len(client.scheduler_info()["workers"]) == 2


def test_dask_family_refuses_prices_on_the_workers(family, client):
    """The plausibility check runs where the block is (a worker) and its InputError reaches the caller intact."""
    import dask.array as da

    from alphacheck._plausibility import ImplausibleReturnsError

    rets, bench = family
    x = da.from_array(_price_family(rets), chunks=(T, 13))
    with pytest.raises(ImplausibleReturnsError) as info:
        stepm(x, bench, reps=99, seed=1)
    assert info.value.argument == "returns[30]" and info.value.kind == "prices"


def test_dask_family_generated_by_blocks(client, monkeypatch):
    """A family generated block by block from a seed on the workers (never held anywhere) equals the same family
    generated in this process."""
    import dask.array as da

    monkeypatch.setattr(_columns, "CHUNK_BYTES", 16 * T * 8)
    t, k, width = T, 80, 16

    def block(block_id=None):
        j = block_id[1]
        g = np.random.default_rng([2024, j])
        return g.standard_normal((t, width)) * 0.01 + (0.002 if j == 0 else 0.0)

    x = da.map_blocks(block, chunks=((t,), (width,) * (k // width)), dtype=float)
    local = np.column_stack([block(block_id=(0, j)) for j in range(k // width)])
    bench = np.random.default_rng(1).standard_normal(t) * 0.01
    same(stepm(local, bench, reps=299, seed=2), stepm(x, bench, reps=299, seed=2))


# --------------------------------------------------------------------------------------------------------
# PBO: only the (S x N) per-group sums are kept, block by block of configurations


def test_pbo_blocks_and_sources_give_the_in_memory_bits(monkeypatch, tmp_path):
    from alphacheck.overfitting import pbo

    rng = np.random.default_rng(17)
    trials = rng.standard_normal((1_603, 45)) * 0.01  # 1603 = 16 x 100 + 3 rows dropped
    trials[:, 7] += 0.001
    ref = pbo(trials, n_groups=16)
    monkeypatch.setattr(_columns, "CHUNK_BYTES", 8 * 1_603 * 8)
    path = tmp_path / "trials.npy"
    np.save(path, trials)
    for got in (pbo(trials, n_groups=16), pbo(str(path), n_groups=16), pbo(CountingFamily(trials), n_groups=16)):
        assert got.pbo == ref.pbo and got.n_obs_dropped == 3
        for f in ("logits", "is_metric", "oos_metric", "selected"):
            np.testing.assert_array_equal(getattr(got, f), getattr(ref, f))
    with pytest.raises(InputError, match="callable metric"):
        pbo(str(path), n_groups=16, metric=lambda x: x.mean(axis=0))
    bad = trials.copy()
    bad[:, 30] = 0.001  # constant (a constant 1.0 is refused earlier, as a position)
    np.save(path, bad)
    with pytest.raises(InputError, match=r"constant \(column\(s\) \[30\]"):
        pbo(str(path), n_groups=16)


def test_pbo_dask_on_a_local_cluster(client, monkeypatch):
    import dask.array as da

    from alphacheck.overfitting import pbo

    rng = np.random.default_rng(18)
    trials = rng.standard_normal((1_600, 40)) * 0.01
    monkeypatch.setattr(_columns, "CHUNK_BYTES", 8 * 1_600 * 8)
    ref = pbo(trials, n_groups=16)
    got = pbo(da.from_array(trials, chunks=(400, 7)), n_groups=16)
    assert got.pbo == ref.pbo
    np.testing.assert_array_equal(got.logits, ref.logits)


def test_dask_float32_family_gives_the_in_memory_bits_and_booleans_are_refused(tmp_path):
    """Dask blocks become float64 like every other source's (a float32 family gave other numbers, a boolean one a
    numpy TypeError); a boolean family is refused from every source, as in memory."""
    import dask.array as da

    x = np.random.default_rng(0).normal(0.0005, 0.01, (500, 40)).astype(np.float32)
    kw = dict(reps=199, seed=1)
    same(stepm(x, **kw), stepm(da.from_array(x, chunks=(500, 10)), **kw))
    np.save(tmp_path / "flags.npy", x > 0)
    for source in (x > 0, da.from_array(x > 0, chunks=(500, 10)), str(tmp_path / "flags.npy")):
        with pytest.raises(InputError, match="must be numeric, got booleans"):
            spa(source, check_returns=False, **kw)


def test_hansen_variance_does_not_depend_on_blas_threads_or_block_width():
    """ω̂² of studentize="hac" is a numpy reduction, not a BLAS GEMV (whose rounding moved with the thread count,
    so a one-thread Dask worker and an in-process run differed)."""
    from threadpoolctl import threadpool_limits

    d = world("ar0.5", 2_000, np.random.default_rng(7), 300, common=0.3)
    with threadpool_limits(2):
        two = stationary_bootstrap_lrv(d, 5.0)
    with threadpool_limits(1):
        one = stationary_bootstrap_lrv(d, 5.0)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, np.concatenate([stationary_bootstrap_lrv(d[:, lo:lo + 8], 5.0)
                                                       for lo in range(0, 300, 8)]))
