"""The same calls on one machine, in threads/processes, through joblib backends and on a 2-worker Dask LocalCluster
give the same bits: bootstrap_statistic (replicate chunks drawn from their own seeds wherever they run) and
walk_forward (the grid through ``joblib.parallel_config``). The family tests' cluster runs are in
test_family_streaming.py."""

from __future__ import annotations

import os

import joblib
import numpy as np
import pandas as pd
import pytest

from alphacheck import WalkForward, _resample, bootstrap_statistic, walk_forward


def pid_statistic(x):
    return float(os.getpid())


def trimmed_mean(x):
    s = np.sort(x)
    return s[len(s) // 10: -len(s) // 10].mean()


@pytest.fixture(scope="module")
def series():
    return np.random.default_rng(0).standard_normal(600) * 0.01


def test_bootstrap_statistic_same_bits_for_every_dispatch(series, monkeypatch):
    monkeypatch.setattr(_resample, "_TASK_REPS", 100)  # several tasks per plan chunk
    ref = bootstrap_statistic(series, trimmed_mean, reps=999, block_length=5, seed=3)
    assert np.array_equal(ref, bootstrap_statistic(series, trimmed_mean, reps=999, block_length=5, seed=3, n_jobs=2))
    with joblib.parallel_config(backend="threading", n_jobs=2):
        assert np.array_equal(ref, bootstrap_statistic(series, trimmed_mean, reps=999, block_length=5, seed=3))
    idx = _resample.bootstrap_indices(series.size, reps=999, block_length=5, seed=3)
    np.testing.assert_array_equal(ref, [trimmed_mean(series[i]) for i in idx])  # the plan's replicates


def test_joblib_configured_detects_a_context():
    assert not _resample.joblib_configured()
    with joblib.parallel_config(backend="threading"):
        assert _resample.joblib_configured()


def rule(params, data):
    w = params["w"]
    sig = np.sign(data.rolling(w).mean().shift(1)).fillna(0.0)
    return sig * data * params["lev"]


@pytest.fixture(scope="module")
def hourly():
    idx = pd.date_range("2021-01-01", periods=3_000, freq="h")
    return pd.Series(np.random.default_rng(1).standard_normal(3_000) * 0.004, index=idx)


GRID = {"w": [3, 6, 12, 24, 48], "lev": [0.5, 1.0, 2.0]}


def same_walk(a, b):
    pd.testing.assert_frame_equal(a.is_scores, b.is_scores)
    pd.testing.assert_frame_equal(a.oos_scores, b.oos_scores)
    pd.testing.assert_series_equal(a.oos_returns, b.oos_returns)
    assert a.oos_score == b.oos_score or (np.isnan(a.oos_score) and np.isnan(b.oos_score))


def test_walk_forward_threads_processes_and_joblib_contexts(hourly, monkeypatch):
    sp = WalkForward(train_size=1_000, test_size=250)
    ref = walk_forward(rule, GRID, hourly, splitter=sp)
    same_walk(ref, walk_forward(rule, GRID, hourly, splitter=sp, n_jobs=2))  # threads (short calls)
    import alphacheck.walkforward as wf

    monkeypatch.setattr(wf, "_PROCESS_SECONDS", 0.0)  # force the process path
    same_walk(ref, walk_forward(rule, GRID, hourly, splitter=sp, n_jobs=2))
    with joblib.parallel_config(backend="threading", n_jobs=2):
        same_walk(ref, walk_forward(rule, GRID, hourly, splitter=sp))


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("dask.array", reason="dask is not installed (pip install -e '.[distributed]')")
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_on_a_local_cluster(series, hourly, client, monkeypatch):
    import dask.array as da

    monkeypatch.setattr(_resample, "_TASK_REPS", 100)
    ref = bootstrap_statistic(series, trimmed_mean, reps=999, block_length=5, seed=3)
    with joblib.parallel_config(backend="dask"):
        assert np.array_equal(ref, bootstrap_statistic(series, trimmed_mean, reps=999, block_length=5, seed=3))
        pids = set(bootstrap_statistic(series, pid_statistic, reps=999, block_length=5, seed=3).tolist())
    assert os.getpid() not in pids  # ran on the workers
    x = da.from_array(series, chunks=100)
    assert np.array_equal(ref, bootstrap_statistic(x, trimmed_mean, reps=999, block_length=5, seed=3))
    assert os.getpid() not in set(bootstrap_statistic(x, pid_statistic, reps=299, block_length=5, seed=3).tolist())
    sp = WalkForward(train_size=1_000, test_size=250)
    wref = walk_forward(rule, GRID, hourly, splitter=sp)
    with joblib.parallel_config(backend="dask"):
        same_walk(wref, walk_forward(rule, GRID, hourly, splitter=sp))
