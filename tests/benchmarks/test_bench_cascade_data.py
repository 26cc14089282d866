"""Speed of the steps every `cascade-study run` pays: loading the bundle and computing features.

Ceilings a loaded 2-core machine clears (the whole study must run in < 60 s): loading < 5 s and features
< 10 s by min time over 3 rounds (measured at load average 9 on 2 cores: 1.4 s and 1.0 s).
"""

from cascade_study.data import load_bundled
from cascade_study.features import compute_features


def test_bench_load_bundle(benchmark):
    md = benchmark.pedantic(load_bundled, rounds=3, iterations=1)
    assert len(md.symbols) == 16
    print(f"\nload_bundled: {benchmark.stats.stats.min:.3f} s")
    assert benchmark.stats.stats.min < 5.0  # 1.4 s at load average 9 on 2 cores


def test_bench_features(benchmark):
    md = load_bundled()
    f = benchmark.pedantic(compute_features, args=(md,), rounds=3, iterations=1)
    assert f.shape[1] == 29
    print(f"\ncompute_features: {benchmark.stats.stats.min:.3f} s")
    assert benchmark.stats.stats.min < 10.0  # 1.0 s at load average 9 on 2 cores
