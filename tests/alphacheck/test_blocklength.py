"""alphacheck._blocklength (FFT Politis-White) against arch.bootstrap.optimal_block_length (arch 8.0.0).

Equal to 1e-8 relative on every series below (short, long, dependent, heavy-tailed, integer, badly scaled,
degenerate, 2-D), on 200 random series, and on forced runs of each exact fallback path; a column's value does
not depend on the other columns passed with it; ``import alphacheck`` and the first "auto" call import neither
arch nor matplotlib. ``python tests/alphacheck/test_blocklength.py`` prints the per-series table.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import alphacheck
from alphacheck import _blocklength as pw

arch_bootstrap = pytest.importorskip("arch.bootstrap", reason="arch is the reference implementation")
arch_obl = arch_bootstrap.optimal_block_length
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

RTOL = 1e-8


# ----------------------------------------------------------------------------------------
# series generators (all seeded)
# ----------------------------------------------------------------------------------------
def _rng(seed):
    return np.random.default_rng(seed)


def ar1(n, rho, seed):
    e = _rng(seed).standard_normal(n)
    x = np.empty(n)
    x[0] = e[0] / np.sqrt(max(1e-12, 1 - rho**2))
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


def ma(n, q, seed, theta=None):
    e = _rng(seed).standard_normal(n + q)
    theta = np.ones(q) if theta is None else np.asarray(theta, float)
    x = e[q:].copy()
    for j in range(1, q + 1):
        x += theta[j - 1] * e[q - j : n + q - j]
    return x


def garch(n, seed, omega=0.05, alpha=0.1, beta=0.85):
    z = _rng(seed).standard_normal(n)
    x = np.empty(n)
    s2 = omega / (1 - alpha - beta)
    for t in range(n):
        x[t] = np.sqrt(s2) * z[t]
        s2 = omega + alpha * x[t] ** 2 + beta * s2
    return x


def spike_pair(n):
    """Nonzero only at two points further apart than m_max, mean exactly 0: arch's
    autocovariances at lags 1..m_max are exactly 0, so G = 0 and b = 0 exactly."""
    x = np.zeros(n)
    x[0], x[n // 2] = 1.0, -1.0
    return x


def series_cases():
    """(name, x) pairs; x is what is passed to both functions."""
    c = []
    for n in (8, 9, 10, 11, 12, 15, 16, 17, 20, 30, 50, 63, 64, 65, 100):
        for s in range(3):
            c.append((f"iid n={n} s={s}", _rng(100 + 7 * n + s).standard_normal(n)))
        c.append((f"ar0.5 n={n}", ar1(n, 0.5, 200 + n)))
    for n in (500, 5_000, 50_000):
        for s in range(4):
            c.append((f"iid normal n={n} s={s}", _rng(1000 + s + n).standard_normal(n)))
            c.append((f"t(3) n={n} s={s}", _rng(2000 + s + n).standard_t(3, n)))
        for rho in (0.1, 0.5, 0.9, 0.99):
            for s in range(2):
                c.append((f"AR(1) rho={rho} n={n} s={s}", ar1(n, rho, 3000 + s + n + int(100 * rho))))
        c.append((f"AR(1) rho=-0.7 n={n}", ar1(n, -0.7, 3500 + n)))
        c.append((f"GARCH(1,1) n={n}", garch(n, 4000 + n)))
        c.append((f"GARCH returns^2 n={n}", garch(n, 4100 + n) ** 2))
        c.append((f"MA(5) n={n}", ma(n, 5, 5000 + n)))
        c.append((f"MA(1) theta=-1 (over-differenced) n={n}", ma(n, 1, 5100 + n, [-1.0])))
        c.append((f"MA(1) theta=-0.999 n={n}", ma(n, 1, 5150 + n, [-0.999])))
        c.append((f"1e6 + 1e-6 noise n={n}", 1e6 + 1e-6 * _rng(5200 + n).standard_normal(n)))
        c.append((f"0.1 + 1e-13 noise n={n}", 0.1 + 1e-13 * _rng(5300 + n).standard_normal(n)))
        c.append((f"constant 0.1 (mean not exact) n={n}", np.full(n, 0.1)))
        c.append((f"integer Poisson(3) n={n}", _rng(5400 + n).poisson(3, n)))
        c.append((f"integer signs +-1 n={n}", _rng(5500 + n).choice([-1, 1], n)))
        c.append((f"integer AR counts n={n}", np.round(10 * ar1(n, 0.8, 5600 + n)).astype(np.int64)))
        c.append((f"Cauchy n={n}", _rng(5700 + n).standard_cauchy(n)))
        c.append((f"random walk n={n}", np.cumsum(_rng(5800 + n).standard_normal(n))))
        sine = np.sin(2 * np.pi * np.arange(n) / 50)
        c.append((f"sine period 50 + noise n={n}", sine + 0.1 * _rng(5900 + n).standard_normal(n)))
        c.append((f"alternating +-1 n={n}", (-1.0) ** np.arange(n)))
        c.append((f"linear trend n={n}", np.arange(n, dtype=float)))
        spikes = np.where(_rng(6000 + n).random(n) < 1e-3, 1e4, 0.0)
        c.append((f"sparse spikes n={n}", spikes * _rng(6001 + n).standard_normal(n)))
        c.append((f"spike pair (G = 0) n={n}", spike_pair(n)))
        c.append((f"scale 1e150 n={n}", 1e150 * _rng(6100 + n).standard_normal(n)))
        c.append((f"scale 1e-150 n={n}", 1e-150 * _rng(6200 + n).standard_normal(n)))
        c.append((f"scale 1e100 n={n}", 1e100 * _rng(6300 + n).standard_normal(n)))
        c.append((f"scale 1e60 n={n}", 1e60 * ar1(n, 0.5, 6400 + n)))
        c.append((f"scale 1e-60 n={n}", 1e-60 * ar1(n, 0.5, 6500 + n)))
        c.append((f"scale 1e-80 n={n}", 1e-80 * ar1(n, 0.5, 6600 + n)))
        tiny = 1e-200 * _rng(6700 + n).standard_normal(n - 2)
        c.append((f"two points carry all energy, rest 1e-200 n={n}", np.r_[1.0, -1.0, tiny]))
    for s in range(3):
        n = 100_000
        c.append((f"iid normal n=1e5 s={s}", _rng(7000 + s).standard_normal(n)))
        c.append((f"AR(1) 0.9 n=1e5 s={s}", ar1(n, 0.9, 7100 + s)))
        c.append((f"GARCH n=1e5 s={s}", garch(n, 7200 + s)))
    c.append(("AR(1) 0.99 n=1e5", ar1(100_000, 0.99, 7300)))
    c.append(("t(3) n=1e5", _rng(7400).standard_t(3, 100_000)))
    # 2-D inputs (column by column)
    n = 2_000
    cols = [
        _rng(8000).standard_normal(n),
        ar1(n, 0.9, 8001),
        garch(n, 8002),
        ma(n, 5, 8003),
        np.full(n, 3.0),  # exactly constant -> NaN
        1e9 + _rng(8004).standard_normal(n),
        _rng(8005).poisson(1, n).astype(float),
    ]
    c.append(("2-D (2000, 7) mixed", np.column_stack(cols)))
    c.append(("2-D Fortran-ordered (3000, 4)", np.asfortranarray(_rng(8100).standard_normal((3000, 4)).cumsum(0))))
    c.append(("2-D (50, 3) short", _rng(8200).standard_normal((50, 3))))
    c.append(("2-D (10, 2) short", _rng(8300).standard_normal((10, 2))))
    c.append(("2-D integer (1000, 3)", _rng(8400).integers(-5, 6, (1000, 3))))
    c.append(("2-D with a NaN column", np.column_stack([_rng(8500).standard_normal(300), np.r_[np.nan, np.ones(299)]])))
    # edge cases arch hits
    c.append(("exactly constant n=100 (NaN)", np.ones(100)))
    c.append(("exactly constant n=20 (NaN)", np.full(20, 7.0)))
    c.append(("zeros n=1000 (NaN)", np.zeros(1000)))
    c.append(("n=1 (NaN)", np.array([3.0])))
    c.append(("0-d (NaN)", np.array(2.5)))
    c.append(("contains NaN", np.r_[_rng(8600).standard_normal(99), np.nan]))
    c.append(("contains +inf", np.r_[_rng(8700).standard_normal(99), np.inf]))
    c.append(("python list n=10", [1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 10.0]))
    c.append(("pandas Series", pd.Series(ar1(400, 0.6, 8800), name="r")))
    c.append(("pandas DataFrame", pd.DataFrame({"a": ar1(400, 0.3, 8900), "b": ar1(400, -0.3, 8901)})))
    c.append(("float32 input", _rng(9000).standard_normal(1000).astype(np.float32)))
    c.append(("2-D (n, 0)", np.empty((100, 0))))
    return c


def compare(x):
    """Return (ours, arch's, max relative difference); NaNs must coincide."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = arch_obl(x).to_numpy(dtype=float)
    got = pw.optimal_block_length(x)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.array_equal(np.isnan(got), np.isnan(want)), (got, want)
    fin = ~np.isnan(want)
    if not fin.any():
        return got, want, 0.0
    g, w = got[fin], want[fin]
    scale = np.where(w == 0, 1.0, np.abs(w))
    rel = np.abs(g - w) / scale
    assert np.all((w != 0) | (g == 0)), "arch gives exactly 0, we must too"
    return got, want, float(rel.max())


CASES = series_cases()


@pytest.mark.parametrize("name,x", CASES, ids=[c[0] for c in CASES])
def test_equal_to_arch(name, x):
    _, _, rel = compare(x)
    assert rel <= RTOL, f"{name}: max relative difference {rel:.3g}"


def _fuzz(count):
    rng = _rng(12345)
    worst = 0.0
    for i in range(count):
        n = int(rng.integers(8, 20_000))
        kind = i % 5
        if kind == 0:
            x = rng.standard_normal(n)
        elif kind == 1:
            x = ar1(n, float(rng.uniform(-0.95, 0.99)), i)
        elif kind == 2:
            x = rng.standard_t(float(rng.uniform(2.1, 6)), n)
        elif kind == 3:
            x = ma(n, int(rng.integers(1, 12)), i, rng.uniform(-1, 1, 11))
        else:
            x = np.round(rng.standard_normal(n) * rng.uniform(0.5, 5))
        x = x * 10.0 ** rng.uniform(-8, 8) + rng.uniform(-1e3, 1e3)
        worst = max(worst, compare(x)[2])
    assert worst <= RTOL, worst


def test_random_series_fuzz():
    """40 random series of random length, type and scale (the first 40 of the slow run's 200)."""
    _fuzz(40)


@pytest.mark.slow
def test_many_random_series_fuzz():
    """200 random series of random length, type and scale."""
    _fuzz(200)


@pytest.mark.parametrize("n", [0, 2, 3, 4, 5, 6, 7])
def test_too_short_raises_like_arch(n):
    x = np.arange(n, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, OverflowError)):
            arch_obl(x)
    with pytest.raises(ValueError):
        pw.optimal_block_length(x)


def test_3d_raises():
    with pytest.raises(ValueError):
        pw.optimal_block_length(np.zeros((10, 2, 2)))


def test_shape_and_2d_equals_columnwise():
    x = np.column_stack([ar1(3000, r, 10 + i) for i, r in enumerate((0.0, 0.5, 0.95))])
    both = pw.optimal_block_length(x)
    assert both.shape == (3, 2)
    for j in range(3):
        assert np.array_equal(both[j], pw.optimal_block_length(x[:, j])[0])
    assert pw.optimal_block_length(x[:, 0]).shape == (1, 2)


def test_spike_pair_hits_exact_zero_via_fallback():
    before = pw.STATS["given_m_fallbacks"]
    got = pw.optimal_block_length(spike_pair(5000))
    assert np.array_equal(got, np.zeros((1, 2)))
    assert pw.STATS["given_m_fallbacks"] == before + 1


def test_guard1_band_forced_wide(monkeypatch):
    """Recompute (almost) every lag exactly: the decisions and values must not change."""
    monkeypatch.setattr(pw, "_BAND", 0.9)
    before = pw.STATS["lags_recomputed"]
    for seed, rho in [(1, 0.0), (2, 0.3), (3, 0.9)]:
        x = ar1(3000, rho, seed)
        assert compare(x)[2] <= RTOL
    assert pw.STATS["lags_recomputed"] > before + 50


def test_guard2_forced(monkeypatch):
    """Force the O(n M) exact finish on every column: arch's numbers to the last bit or so."""
    monkeypatch.setattr(pw, "_OUT_TOL", -1.0)
    before = pw.STATS["given_m_fallbacks"]
    worst = 0.0
    for seed, rho in [(1, 0.0), (2, 0.5), (3, 0.95)]:
        worst = max(worst, compare(ar1(5000, rho, seed))[2])
    assert pw.STATS["given_m_fallbacks"] >= before + 3
    assert worst <= 1e-14, worst


def test_replica_forced(monkeypatch):
    """The line-for-line replica (used for n < 64 and extreme scales) equals arch."""
    monkeypatch.setattr(pw, "_SMALL_N", 10**9)
    worst = 0.0
    for seed, rho in [(1, 0.0), (2, 0.5), (3, 0.95)]:
        worst = max(worst, compare(ar1(2000, rho, seed))[2])
    assert worst <= 1e-14, worst


def test_no_fallback_on_ordinary_series():
    """The fast path must decide by itself on ordinary data (else it would not be fast)."""
    before = dict(pw.STATS)
    for seed, rho in [(1, 0.0), (2, 0.5), (3, 0.9), (4, 0.99)]:
        pw.optimal_block_length(ar1(200_000, rho, seed))
    assert pw.STATS["given_m_fallbacks"] == before["given_m_fallbacks"]
    assert pw.STATS["replica_columns"] == before["replica_columns"]


def test_import_and_first_auto_call_import_neither_arch_nor_matplotlib():
    code = (
        f"import sys, numpy as np; sys.path.insert(0, {ROOT!r}); import alphacheck; "
        "x = np.random.default_rng(0).standard_normal(3000) * 0.01; "
        "b = alphacheck.optimal_block_length(x); "
        "alphacheck.mean_test(x, reps=99, seed=1); "
        "print(b, [m for m in ('arch', 'matplotlib', 'statsmodels') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    b, bad = out.stdout.split(maxsplit=1)
    assert bad.strip() == "[]", bad
    assert float(b) >= 1.0


def test_import_loads_no_module_and_every_public_name_resolves():
    """``import alphacheck`` is lazy (PEP 562): numpy, pandas and scipy load with the first name used; the lazy
    table covers ``__all__`` exactly, and the core tests never load scipy.stats (~0.6 s of import)."""
    code = (
        f"import sys; sys.path.insert(0, {ROOT!r}); import alphacheck; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'pandas', 'scipy'))); "
        "names = set(alphacheck._homes()); print(sorted(names ^ (set(alphacheck.__all__) - {'__version__'}))); "
        "import numpy as np; x = np.random.default_rng(0).standard_normal(500) * 0.01; "
        "alphacheck.mean_test(x, reps=99, seed=1); alphacheck.sharpe_test(x, reps=99, seed=1); "
        "alphacheck.mean_test(x, method='hac'); alphacheck.sharpe_test(x, method='lo'); "
        "alphacheck.sharpe_test(x, method='mertens'); "
        "print([m for m in ('scipy.stats', 'scipy.optimize', 'sklearn', 'statsmodels') if m in sys.modules]); "
        "print(all(getattr(alphacheck, n) is not None for n in alphacheck.__all__), alphacheck.alpha.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded, mismatch, heavy, resolved = out.stdout.strip().splitlines()
    assert loaded == "[]", loaded
    assert mismatch == "[]", mismatch
    assert heavy == "[]", heavy
    assert resolved == "True alphacheck.alpha"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = alphacheck.nope
    homes = alphacheck._homes()
    assert sorted(set(homes.values())) == sorted(alphacheck._MODULES)


def test_lazy_import_without_source_finds_every_name(monkeypatch):
    """A frozen application ships no .py source: the lookup then searches the public modules and finds the same
    objects (setdefault: the first module holding a name is its home, as for the parsed imports)."""
    parsed = alphacheck._homes()

    monkeypatch.setattr(alphacheck, "__file__", "/nonexistent/alphacheck/__init__.pyc")
    searched = alphacheck._homes()
    assert searched.keys() == parsed.keys()
    assert all(getattr(importlib.import_module(searched[n]), n) is getattr(alphacheck, n) for n in parsed)


def test_column_values_do_not_depend_on_the_other_columns():
    """A family is processed in chunks of columns: every chunking must give the same bits."""
    rng = _rng(77)
    x = np.column_stack([ar1(1500, float(r), 20 + i) for i, r in enumerate(rng.uniform(-0.5, 0.95, 23))])
    whole = pw.politis_white(x)
    for width in (1, 2, 3, 5, 8, 23):
        parts = np.concatenate([pw.politis_white(np.ascontiguousarray(x[:, lo:lo + width]))
                                for lo in range(0, x.shape[1], width)])
        assert np.array_equal(parts, whole), width


def test_optimal_block_length_reads_the_fft_table():
    from alphacheck import optimal_block_length

    x = np.column_stack([ar1(4000, 0.2, 1), ar1(4000, 0.8, 2)])
    want = arch_obl(x).to_numpy()
    assert optimal_block_length(x) == pytest.approx(max(want[:, 0].max(), 1.0), rel=1e-12)
    assert optimal_block_length(x, bootstrap="circular") == pytest.approx(max(want[:, 1].max(), 1.0), rel=1e-12)


def main():
    rows = []
    for name, x in CASES:
        _, want, rel = compare(x)
        rows.append((name, rel, want.ravel()[:2]))
    w = max(len(r[0]) for r in rows)
    for name, rel, want in rows:
        print(f"{name:<{w}}  max rel diff {rel:9.2e}   arch {want}")
    worst = max(rows, key=lambda r: r[1])
    print(f"\n{len(rows)} series; max relative difference {worst[1]:.3e} ({worst[0]})")
    print("fallback counters:", pw.STATS)


if __name__ == "__main__":
    main()
