"""Scale benchmarks (issue 14): speed against anchors timed in the same run, and peak resident memory (RSS) of
each measured process, read from ``/proc/self/status`` (VmHWM) in a fresh subprocess (so one test's memory never
counts against another's, and imports are included).

Each test prints its numbers ("[scale] ..."); assertions are ceilings and floors a loaded 2-core machine clears
(memory ceilings are the issue's targets: memory does not depend on the load). Long ones are also marked
``slow`` (they do not fit CI's 90 minutes together): the 100,000-strategy memory-mapped SPA/StepM and the
10^6-strategy LocalCluster run. ``pytest -m speed tests/benchmarks/test_bench_scale.py -s`` runs the others.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
ANCHOR_COMMIT = "3df4b5c"  # alphacheck 0.1's last engine commit: the anchor for jensen_alpha's bootstrap


def measure(code: str, *, pythonpath: Path = ROOT, timeout: float = 3_600) -> dict:
    """Run ``code`` in a fresh interpreter; it must leave a dict ``out``. Returns it with ``peak_mb`` (max RSS)."""
    script = textwrap.dedent(code) + textwrap.dedent("""
        import json, sys
        # VmHWM is this process image's own peak: ru_maxrss would carry over the forking parent's peak (Linux
        # keeps it across exec), so every measurement would read at least the pytest process's size
        with open("/proc/self/status") as fh:
            out["peak_mb"] = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024.0
        sys.stdout.write("\\n@@" + json.dumps(out))
    """)
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=pythonpath,
                          timeout=timeout)
    if proc.returncode:
        raise AssertionError(proc.stderr[-4000:])
    return json.loads(proc.stdout.rsplit("@@", 1)[1])


def load() -> float:
    return os.getloadavg()[0]


# --------------------------------------------------------------------------------------------------------
# Politis-White: the FFT estimator against arch's O(n^1.5) loop


def test_politis_white_vs_arch():
    from arch.bootstrap import optimal_block_length as arch_obl

    from alphacheck._blocklength import politis_white

    rng = np.random.default_rng(0)
    rows = []
    for n in (50_000, 1_000_000):
        e = rng.standard_normal(n)
        x = e.copy()
        x[1:] += 0.5 * e[:-1]  # MA(1)
        t0 = time.perf_counter()
        ours = politis_white(x[:, None])
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs = arch_obl(x).to_numpy()
        t_arch = time.perf_counter() - t0
        rel = float(np.max(np.abs(ours - theirs) / theirs))
        rows.append((n, t_ours, t_arch, rel))
        assert rel <= 1e-8
    for n, a, b, rel in rows:
        print(f"\n[scale] Politis-White n={n:,}: ours {a:.3f} s, arch {b:.3f} s, {b / a:.0f}x, max rel diff {rel:.1e}"
              f" (load {load():.1f})")
    # arch's loop is O(n^1.5) in BLAS dot products (sqrt(n) lags x 3 dots of length n), so the ratio follows the
    # machine's dot-product speed: 28-56x at n = 1e6 on earlier machines, 3.5-8x on an AVX-512 EPYC
    # (arch 0.20-0.30 s, ours 0.03-0.08 s, 2026-12-04); equality to 1e-8 is the gate, the floor only says faster
    assert rows[-1][2] / rows[-1][1] >= 2.0


# --------------------------------------------------------------------------------------------------------
# audit(): one call, two kinds of returns


AUDIT = """
import time
import numpy as np, pandas as pd
import alphacheck as ac
n, rho, freq = {n}, {rho}, "{freq}"
rng = np.random.default_rng(14)
idx = pd.date_range("2020-01-01", periods=n, freq=freq)
b = rng.normal(0.0, 0.01, n)
e = rng.normal(0.0, 0.01, n)
for t in range(1, n):
    e[t] += rho * e[t - 1]
r = pd.Series(0.0002 + 0.8 * b + e, index=idx)
bench = pd.Series(b, index=idx)
ac.audit(r.iloc[:500], benchmark=bench.iloc[:500], reps=99)  # imports and first calls, not timed
t0 = time.perf_counter(); rep = ac.audit(r, benchmark=bench); audit_s = time.perf_counter() - t0
t0 = time.perf_counter(); ac.mean_test(r); ac.jensen_alpha(r, bench); core_s = time.perf_counter() - t0
out = {{"audit_s": audit_s, "core_s": core_s, "verdict": rep.verdict}}
"""


@pytest.mark.parametrize("kind,n,rho,freq,target_s", [
    ("hourly, serially independent", 50_000, 0.0, "h", 1.0),
    ("hourly, AR(1) 0.2", 50_000, 0.2, "h", 1.0),
    ("daily", 2_000, 0.0, "D", 0.3),
])
def test_audit_time_and_memory(kind, n, rho, freq, target_s):
    out = measure(AUDIT.format(n=n, rho=rho, freq=freq))
    print(f"\n[scale] audit {kind}, n={n:,}: {out['audit_s']:.3f} s (target {target_s} s; mean_test + HAC alpha alone "
          f"{out['core_s']:.3f} s), peak RSS {out['peak_mb']:.0f} MB (target 600 MB), verdict {out['verdict']!r}, "
          f"load {load():.1f}")
    assert out["peak_mb"] < 600
    # a floor a loaded 2-core machine clears (the measured figure is printed; on a quiet 2-core machine 0.65-0.67 s
    # at n = 50,000 once long blocks' paths were read off range tables, 0.93-1.0 s before; 0.27-0.31 s daily, where
    # the 9,999 replicates' block moments are 0.18-0.20 s: random draws, two row gathers and a 6 x 6 Gram per block)
    assert out["audit_s"] < 10 * target_s


# --------------------------------------------------------------------------------------------------------
# jensen_alpha(method="bootstrap"): memory at n = 1e6, speed at n = 1e5 against 0.1's implementation


ALPHA_NEW = """
import time
import numpy as np
import alphacheck as ac
n, reps = {n}, {reps}
rng = np.random.default_rng(3)
b = rng.normal(0, 0.01, n)
r = 0.0001 + 0.9 * b + rng.normal(0, 0.01, n)
ac.jensen_alpha(r[:1000], b[:1000], method="bootstrap", reps=99, seed=1)
t0 = time.perf_counter()
res = ac.jensen_alpha(r, b, method="bootstrap", reps=reps, block_length={block}, seed=1)
out = {{"seconds": time.perf_counter() - t0, "pvalue": res.pvalue}}
"""

ALPHA_OLD = """
import time
import numpy as np
import alphacheck as ac
n, reps = {n}, {reps}
rng = np.random.default_rng(3)
b = rng.normal(0, 0.01, n)
r = 0.0001 + 0.9 * b + rng.normal(0, 0.01, n)
ac.jensen_alpha(r[:1000], b[:1000], bootstrap=True, reps=99, seed=1)
t0 = time.perf_counter()
res = ac.jensen_alpha(r, b, bootstrap=True, reps=reps, block_length={block}, seed=1)
out = {{"seconds": time.perf_counter() - t0}}
"""


def test_jensen_alpha_bootstrap_memory_at_one_million():
    out = measure(ALPHA_NEW.format(n=1_000_000, reps=9_999, block="'auto'"))
    print(f"\n[scale] jensen_alpha bootstrap n=1e6, 9,999 reps: {out['seconds']:.2f} s, peak RSS {out['peak_mb']:.0f} MB "
          f"(target 1,500 MB), load {load():.1f}")
    assert out["peak_mb"] < 1_500


@pytest.fixture(scope="module")
def anchor_checkout(tmp_path_factory):
    """alphacheck 0.1 at ANCHOR_COMMIT, extracted from this repository's history into a temporary directory."""
    dest = tmp_path_factory.mktemp("alphacheck_0_1")
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ANCHOR_COMMIT, "alphacheck"], check=True,
                                 capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip(f"commit {ANCHOR_COMMIT} (the 0.1 anchor) is not in this checkout's history")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def test_jensen_alpha_bootstrap_vs_0_1(anchor_checkout):
    n, reps = 100_000, 999  # 0.1 at its default 9,999 replicates would need ~18 GB
    new = measure(ALPHA_NEW.format(n=n, reps=reps, block="'auto'"))
    old = measure(ALPHA_OLD.format(n=n, reps=reps, block="'auto'"), pythonpath=anchor_checkout)
    ratio = old["seconds"] / new["seconds"]
    print(f"\n[scale] jensen_alpha bootstrap n=1e5, {reps} reps, block_length='auto' (each version's rule): 0.2 "
          f"{new['seconds']:.2f} s / "
          f"{new['peak_mb']:.0f} MB, 0.1 {old['seconds']:.2f} s / {old['peak_mb']:.0f} MB: {ratio:.1f}x, "
          f"load {load():.1f}")
    assert ratio >= 3.0


# --------------------------------------------------------------------------------------------------------
# CombinatorialPurgedCV: lazy splits


def test_cpcv_first_split_and_memory():
    out = measure("""
        import time
        import numpy as np
        from alphacheck import CombinatorialPurgedCV
        X = np.zeros((1_000_000, 1))
        cv = CombinatorialPurgedCV(n_groups=16, n_test_groups=8)
        t0 = time.perf_counter()
        it = cv.split(X)
        train, test = next(it)
        first = time.perf_counter() - t0
        count, size = 1, train.size + test.size
        for train, test in it:
            count += 1
            if count == 1_000:
                break
        out = {"first_s": first, "thousand_s": time.perf_counter() - t0, "count": count, "size": int(size)}
    """)
    print(f"\n[scale] CPCV(16, 8) on 1e6 rows: first split {out['first_s']:.3f} s (target 1 s), 1,000 splits "
          f"{out['thousand_s']:.2f} s, peak RSS {out['peak_mb']:.0f} MB (target 1,000 MB), load {load():.1f}")
    assert out["count"] == 1_000 and out["size"] == 1_000_000
    assert out["peak_mb"] < 1_000
    assert out["first_s"] < 1.0


def test_walk_forward_splitter_many_splits():
    """19,980 rolling splits of 1e6 rows: each training set is one range (O(train) per split), not the O(n)
    complement of its test block (87 s for these splits before, measured 2026-12-04)."""
    out = measure("""
        import time
        import numpy as np
        from alphacheck import WalkForward
        X = np.zeros((1_000_000, 1))
        sp = WalkForward(train_size=1_000, test_size=50)
        t0 = time.perf_counter()
        count = sum(1 for _ in sp.split(X))
        out = {"seconds": time.perf_counter() - t0, "count": count}
    """)
    print(f"\n[scale] WalkForward(1,000 / 50) on 1e6 rows: {out['count']:,} splits in {out['seconds']:.2f} s, peak RSS "
          f"{out['peak_mb']:.0f} MB, load {load():.1f}")
    assert out["count"] == 19_980
    assert out["seconds"] < 5.0  # 0.04 s measured on a quiet machine; a loaded one clears 100x that floor


def test_import_time():
    """``python -c "import alphacheck"`` (target 0.5 s) and the first mean_test / sharpe_test, imports included."""
    out = measure("""
        import time
        t0 = time.perf_counter()
        import alphacheck
        t1 = time.perf_counter()
        import numpy as np
        x = np.random.default_rng(0).standard_normal(500) * 0.01
        alphacheck.mean_test(x, reps=99, seed=1)
        alphacheck.sharpe_test(x, reps=99, seed=1)
        out = {"import_s": t1 - t0, "first_s": time.perf_counter() - t1}
    """)
    print(f"\n[scale] import alphacheck {out['import_s']:.3f} s (target 0.5 s); first mean_test + sharpe_test with "
          f"their imports (numpy, pandas, scipy.special) {out['first_s']:.2f} s, load {load():.1f}")
    assert out["import_s"] < 0.5


# --------------------------------------------------------------------------------------------------------
# walk_forward: n_jobs = 2 against n_jobs = 1, 720 parameter sets over 5 years of hourly data

WALK = """
import time
import numpy as np, pandas as pd
from alphacheck import WalkForward, walk_forward
n = 5 * 8_760
idx = pd.date_range("2019-01-01", periods=n, freq="h")
r = pd.Series(np.random.default_rng(0).standard_normal(n) * 0.004, index=idx)
grid = {"fast": [2, 4, 6, 8, 12, 16, 24, 36, 48, 72], "slow": [96, 120, 168, 240, 336, 504, 720, 1000, 1500],
        "band": [0.0, 1e-4, 2e-4, 4e-4, 8e-4, 1.6e-3, 3.2e-3, 6.4e-3]}
cs = np.concatenate([[0.0], np.cumsum(r.cumsum().to_numpy())])


def ma(w):
    out = np.full(n, np.nan)
    out[w - 1:] = (cs[w:] - cs[:-w]) / w
    return out


def crossover(p, data):
    spread = ma(p["fast"]) - ma(p["slow"])
    pos = np.where(spread > p["band"], 1.0, np.where(spread < -p["band"], -1.0, 0.0))
    return np.concatenate([[0.0], pos[:-1]]) * data.to_numpy()


sp = WalkForward(train_size=8_760, test_size=720)
walk_forward(crossover, {"fast": [2], "slow": [96], "band": [0.0]}, r, splitter=sp, n_jobs=2)  # warm-up
times = {1: [], 2: []}
for _ in range(3):
    for jobs in (1, 2):
        t0 = time.perf_counter()
        res = walk_forward(crossover, grid, r, splitter=sp, n_jobs=jobs)
        times[jobs].append(time.perf_counter() - t0)
out = {"one": min(times[1]), "two": min(times[2]), "sets": len(res.params), "splits": res.n_splits}
"""


def test_walk_forward_two_jobs():
    out = measure(WALK)
    ratio = out["one"] / out["two"]
    print(f"\n[scale] walk_forward {out['sets']} sets x {out['splits']} splits on 43,800 hourly rows: n_jobs=1 "
          f"{out['one']:.2f} s, n_jobs=2 {out['two']:.2f} s: {ratio:.2f}x (target 1.5x), peak RSS "
          f"{out['peak_mb']:.0f} MB, load {load():.1f}")
    assert out["sets"] == 720
    # measured 1.45x (0.95 / 0.65 s, 753 MB) on a quiet 2-core machine once the scorer kept only the prefix rows
    # its windows read (1.20x, 1.34 / 1.12 s, 1,472 MB before); the strategy calls themselves (numpy on 43,800-row
    # arrays, memory-bound) scale 1.3-1.5x in two threads, so 1.5x is not reliably reached. The floor guards
    # against threads that hurt (0.1 was 12x slower with n_jobs=2; a loaded CI machine measured 1.00x)
    assert ratio >= 0.8


# --------------------------------------------------------------------------------------------------------
# PBO against pypbo's algorithm (pypbo is not on PyPI: put a checkout of github.com/esvhd/pypbo on
# PYPBO_PATH to run this anchor; its code is not part of this repository)


def test_pbo_vs_pypbo():
    path = os.environ.get("PYPBO_PATH")
    if not path:
        pytest.skip("set PYPBO_PATH to a checkout of github.com/esvhd/pypbo (not on PyPI) to time the anchor")
    sys.path.insert(0, path)
    import types

    for name in ("seaborn",):  # pypbo imports it for its plots only
        sys.modules.setdefault(name, types.ModuleType(name))
    import importlib

    pp = importlib.import_module("pypbo.pbo")  # the module: pypbo/__init__.py rebinds the name pypbo.pbo to its function

    from alphacheck.overfitting import pbo

    rng = np.random.default_rng(7)
    t, n_cfg, s = 2_000, 100, 16
    perf = rng.standard_normal((t, n_cfg)) * 0.01

    def sharpe(x):
        return x.mean(axis=0) / x.std(axis=0, ddof=1)

    t0 = time.perf_counter()
    theirs = pp.pbo(perf, S=s, metric_func=sharpe, threshold=0, n_jobs=1, verbose=False, plot=False, hist=False)
    t_theirs = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = pbo(perf, n_groups=s)
    t_ours = time.perf_counter() - t0
    print(f"\n[scale] PBO N={n_cfg} T={t:,} S={s}: alphacheck {t_ours:.3f} s (PBO {ours.pbo:.4f}), pypbo "
          f"{t_theirs:.2f} s (PBO {theirs.pbo:.4f}): {t_theirs / t_ours:.0f}x, load {load():.1f}")
    assert abs(ours.pbo - theirs.pbo) < 1e-12
    assert t_theirs / t_ours >= 10


# --------------------------------------------------------------------------------------------------------
# SPA / StepM on 100,000 strategies memory-mapped from disk (slow: several minutes on 2 cores)


FAMILY_FILE = """
import numpy as np
t, k, width = {t}, {k}, 5_000
out_arr = np.lib.format.open_memmap("{path}", mode="w+", dtype=np.float64, shape=(t, k))
bench = np.random.default_rng(0).normal(0, 0.01, t)
for lo in range(0, k, width):
    g = np.random.default_rng([1, lo])
    block = bench[:, None] + g.normal(0, 0.01, (t, min(width, k - lo)))
    if lo == 0:
        block[:, :3] += 0.002
    out_arr[:, lo:lo + block.shape[1]] = block
out_arr.flush()
np.save("{path}.bench.npy", bench)
out = {{}}
"""

FAMILY_RUN = """
import time
import numpy as np
from alphacheck.overfitting import spa, stepm
bench = np.load("{path}.bench.npy")
t0 = time.perf_counter(); s = spa("{path}", bench, reps={reps}, seed=1); t_spa = time.perf_counter() - t0
t0 = time.perf_counter(); m = stepm("{path}", bench, reps={reps}, seed=1); t_stepm = time.perf_counter() - t0
out = {{"spa_s": t_spa, "stepm_s": t_stepm, "spa_p": s.pvalue, "superior": [int(j) for j in m.superior],
        "block": s.block_length, "blocks": s.details["blocks_of_strategies"]}}
"""


@pytest.mark.slow
def test_spa_stepm_hundred_thousand_memory_mapped(tmp_path):
    path = tmp_path / "family.npy"
    measure(FAMILY_FILE.format(t=2_500, k=100_000, path=path))
    size_mb = path.stat().st_size / 2**20
    out = measure(FAMILY_RUN.format(path=path, reps=1_000))
    print(f"\n[scale] SPA / StepM k=100,000 T=2,500 1,000 reps from a {size_mb:,.0f} MB memory-mapped file: SPA "
          f"{out['spa_s']:.0f} s, StepM {out['stepm_s']:.0f} s, {out['blocks']} blocks, block length "
          f"{out['block']:.3g}, peak RSS {out['peak_mb']:.0f} MB (target 4,096 MB), superior {out['superior']}, "
          f"load {load():.1f}")
    assert out["peak_mb"] < 4_096


def test_spa_stepm_memory_mapped_equals_in_memory(tmp_path):
    """k = 1,000: the memory-mapped run gives the in-memory bits (the file is small enough to hold)."""
    from alphacheck.overfitting import spa, stepm

    path = tmp_path / "family.npy"
    measure(FAMILY_FILE.format(t=2_500, k=1_000, path=path))
    bench = np.load(f"{path}.bench.npy")
    data = np.load(path)
    for fn in (spa, stepm):
        a = fn(data, bench, reps=1_000, seed=1)
        b = fn(str(path), bench, reps=1_000, seed=1)
        assert a.pvalues == b.pvalues and a.superior == b.superior
        np.testing.assert_array_equal(a.strategies.to_numpy(dtype=float), b.strategies.to_numpy(dtype=float))
    print(f"\n[scale] k=1,000 T=2,500: memory-mapped SPA/StepM equal the in-memory run bit for bit (superior "
          f"{b.superior})")


# --------------------------------------------------------------------------------------------------------
# 10^6 strategies generated block by block on a 2-worker LocalCluster (slow)


CLUSTER = """
import time
import numpy as np
import dask.array as da
from distributed import Client, LocalCluster
from alphacheck import adjust_pvalues
from alphacheck.overfitting import stepm

T, K, WIDTH, REPS = {t}, {k}, {width}, {reps}
bench = np.random.default_rng(0).normal(0, 0.01, T)


def make_block(block_id=None):
    j = block_id[1]
    g = np.random.default_rng([2024, j])
    x = bench[:, None] + g.normal(0, 0.01, (T, WIDTH))
    if j == 0:
        x[:, :5] += 0.003
    return x


def peak(dask_worker=None):
    # this process image's peak resident memory (VmHWM; see measure())
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024.0


class Generated:
    # the same blocks generated in this process, one at a time (never held together)
    shape = (T, K)

    def __getitem__(self, key):
        cols = key[1]
        lo, hi = cols.start, cols.stop
        parts = [make_block(block_id=(0, j)) for j in range(lo // WIDTH, (hi - 1) // WIDTH + 1)]
        x = np.concatenate(parts, axis=1)
        return x[:, lo - (lo // WIDTH) * WIDTH: hi - (lo // WIDTH) * WIDTH]


kw = dict(reps=REPS, bootstrap="{bootstrap}", block_length={block}, seed=1)
lazy = da.map_blocks(make_block, chunks=((T,), (WIDTH,) * (K // WIDTH)), dtype=float)
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
    with Client(cluster) as client:
        t0 = time.perf_counter()
        on_cluster = stepm(lazy, bench, **kw)
        cluster_s = time.perf_counter() - t0
        worker_mb = sorted(client.run(peak).values())
fdr_cluster = adjust_pvalues(on_cluster.strategies["pvalue"].to_numpy(), method="bh")
t0 = time.perf_counter()
local = stepm(Generated(), bench, n_jobs=1, **kw)
local_s = time.perf_counter() - t0
fdr_local = adjust_pvalues(local.strategies["pvalue"].to_numpy(), method="bh")
same = (on_cluster.pvalues == local.pvalues and on_cluster.superior == local.superior
        and bool(np.array_equal(on_cluster.strategies.to_numpy(dtype=float), local.strategies.to_numpy(dtype=float)))
        and bool(np.array_equal(fdr_cluster, fdr_local)))
out = {{"cluster_s": cluster_s, "local_s": local_s, "worker_mb": worker_mb, "same": same,
        "spa_p": on_cluster.pvalue, "superior": [int(j) for j in on_cluster.superior],
        "fdr": int((fdr_cluster <= 0.05).sum()), "blocks": on_cluster.details["blocks_of_strategies"]}}
"""


@pytest.mark.slow
def test_million_strategies_on_a_local_cluster():
    pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install -e '.[distributed]')")
    out = measure(CLUSTER.format(t=1_000, k=1_000_000, width=10_000, reps=1_000, bootstrap="iid", block="'auto'"))
    print(f"\n[scale] 10^6 strategies x T=1,000, iid bootstrap, 1,000 reps, generated block by block: 2-worker "
          f"LocalCluster {out['cluster_s']:.0f} s (peak RSS per worker {out['worker_mb'][0]:.0f} / "
          f"{out['worker_mb'][1]:.0f} MB), one process {out['local_s']:.0f} s (peak RSS {out['peak_mb']:.0f} MB), "
          f"identical: {out['same']}; SPA p {out['spa_p']:.4g}, StepM superior {out['superior']}, "
          f"BH-FDR 5 %: {out['fdr']}; load {load():.1f}")
    assert out["same"]
