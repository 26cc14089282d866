"""Speed of the steps every `cascade-study run` pays: loading the bundle and computing features."""

from cascade_study.data import load_bundled
from cascade_study.features import compute_features


def test_bench_load_bundle(benchmark):
    md = benchmark.pedantic(load_bundled, rounds=3, iterations=1)
    assert len(md.symbols) == 16
    assert benchmark.stats.stats.min < 3.0  # the whole study must run in < 60 s


def test_bench_features(benchmark):
    md = load_bundled()
    f = benchmark.pedantic(compute_features, args=(md,), rounds=3, iterations=1)
    assert f.shape[1] == 29
    assert benchmark.stats.stats.min < 10.0
