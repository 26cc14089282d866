"""The model confidence set against ``arch.bootstrap.MCS`` (arch 8.0) on the same resamples.

arch's resamples are read off its own bootstrap generator (same class, block size and seed as its MCS) and
checked against the indices arch stores (``MCS._bootstrap_indices``); they become a BlockPlan (runs of
consecutive indices) and alphacheck's sums engine (:func:`alphacheck._resample.resampled_sums`) turns them into
the bootstrap means the MCS reads. Equal means: the same elimination order, the same count #{T* >= T} at
every step as arch's #{T* > T} (no replicate ties T), hence arch's p-values (its share count/B, running
maximum) and its included/excluded sets. Our own p-values are (1 + count)/(1 + B).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from arch.bootstrap import MCS, CircularBlockBootstrap, MovingBlockBootstrap, StationaryBootstrap

from alphacheck import InputError
from alphacheck._resample import BlockPlan, resampled_sums
from alphacheck.overfitting.mcs import mcs_from_sums, model_confidence_set

ARCH_CLASSES = {"stationary": StationaryBootstrap, "circular": CircularBlockBootstrap, "mbb": MovingBlockBootstrap}


def _ar(rng, t, k, phi):
    e = rng.standard_normal((t, k))
    for i in range(1, t):
        e[i] += phi * e[i - 1]
    return e


def dataset(name: str, t: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if name == "iid_sq":
        return rng.standard_normal((t, k)) ** 2 + np.linspace(0.0, 0.3, k)
    if name == "factor_ar":  # a common factor and AR(1) parts: correlated, serially dependent
        f = _ar(rng, t, 1, 0.5)
        return (0.8 * f + 0.6 * _ar(rng, t, k, 0.3)) ** 2 + np.linspace(0.0, 0.2, k)
    if name == "heavy":
        x = np.abs(rng.standard_t(3, size=(t, k)))
        x[:, : max(1, k // 4)] += 0.5
        return x
    if name == "equal":
        return rng.standard_normal((t, k)) ** 2
    mkt = rng.standard_normal(t) * 0.01  # losses = -returns of correlated strategies (negative values)
    r = mkt[:, None] * rng.uniform(0.5, 1.5, k) + 0.01 * rng.standard_normal((t, k))
    return -(r + np.linspace(-0.002, 0.002, k))


def arch_plan(t, reps, block, bootstrap, seed):
    """arch's resamples (its generator, as its MCS draws them) as a BlockPlan of runs of consecutive indices."""
    bs = ARCH_CLASSES[bootstrap](block, np.arange(t), seed=seed)
    idx = np.array([data[0][0] for data in bs.bootstrap(reps)])
    brk = np.ones_like(idx, dtype=bool)
    brk[:, 1:] = idx[:, 1:] != (idx[:, :-1] + 1) % t
    m = int(brk.sum(axis=1).max())
    starts, lengths = np.zeros((reps, m), np.int64), np.zeros((reps, m), np.int64)
    for r in range(reps):  # test helper: converts arch's draws; the MCS itself never loops over replicates
        pos = np.flatnonzero(brk[r])
        starts[r, : pos.size] = idx[r, pos]
        lengths[r, : pos.size] = np.diff(np.append(pos, t))
    return idx, BlockPlan(starts, lengths, t, "stationary", float(block))


def run_both(losses, method, size, block, bootstrap, seed, reps, engine="sparse"):
    t, k = losses.shape
    arch_method = "R" if method == "range" else "max"
    ref = MCS(losses, size, reps=reps, block_size=block, method=arch_method, bootstrap=bootstrap, seed=seed)
    ref.compute()
    idx, plan = arch_plan(t, reps, block, bootstrap, seed)
    assert all(np.array_equal(a, b) for a, b in zip(idx, ref._bootstrap_indices))  # the same resamples
    sums = resampled_sums(losses, plan, engine=engine)
    res = mcs_from_sums(losses, sums, method=method, alpha_level=size, names=list(range(k)), block_length=block,
                        bootstrap="stationary", studentize="bootstrap")
    return ref, res


def assert_equal_to_arch(ref, res):
    reps = res.reps
    tab = res.table
    order = np.asarray(ref.pvalues.index, dtype=np.int64)
    assert list(res.order) == order.tolist()
    eliminated = tab["step_pvalue"].to_numpy() < 1.0
    share = np.maximum.accumulate(np.where(eliminated, tab["count"].to_numpy() / reps, 1.0))  # arch's convention
    np.testing.assert_array_equal(share, ref.pvalues["Pvalue"].to_numpy())
    np.testing.assert_allclose(tab["mcs_pvalue"], np.maximum.accumulate(np.where(
        eliminated, (1 + tab["count"].to_numpy()) / (1 + reps), 1.0)), rtol=0, atol=1e-15)
    included_arch = sorted(int(i) for i, s in zip(order, share) if s > ref.size)
    assert included_arch == sorted(int(i) for i in ref.included)


CASES = [("iid_sq", 400, 8, 1), ("factor_ar", 600, 15, 2), ("heavy", 500, 12, 3), ("equal", 300, 10, 4),
         ("neg_returns", 750, 20, 5), ("factor_ar", 1000, 40, 6), ("iid_sq", 250, 2, 7), ("heavy", 350, 3, 8)]


@pytest.mark.parametrize("method", ["max", "range"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-T{c[1]}-k{c[2]}")
def test_equal_to_arch(case, method):
    name, t, k, seed = case
    ref, res = run_both(dataset(name, t, k, seed), method, 0.1, 10, "stationary", 100 + seed, 500)
    assert_equal_to_arch(ref, res)


@pytest.mark.parametrize("method", ["max", "range"])
@pytest.mark.parametrize("bootstrap", ["stationary", "circular", "mbb"])
@pytest.mark.parametrize("block", [1, 12, 40])
def test_equal_to_arch_across_schemes_and_block_lengths(block, bootstrap, method):
    ref, res = run_both(dataset("factor_ar", 480, 10, 11), method, 0.25, block, bootstrap, 7, 400)
    assert_equal_to_arch(ref, res)


@pytest.mark.parametrize("engine", ["sparse", "gather"])
def test_both_sums_engines_give_arch(engine):
    ref, res = run_both(dataset("heavy", 700, 25, 21), "range", 0.25, 15, "stationary", 3, 600, engine=engine)
    assert_equal_to_arch(ref, res)


@pytest.mark.slow
def test_equal_to_arch_k100_t2500():
    losses = dataset("factor_ar", 2500, 100, 99)
    for method in ("max", "range"):
        ref, res = run_both(losses, method, 0.1, 20, "stationary", 2024, 1000)
        assert_equal_to_arch(ref, res)


def test_max_ties_leave_together_like_arch():
    rng = np.random.default_rng(5)
    base = rng.standard_normal((400, 6)) ** 2 + np.linspace(0.0, 0.2, 6)
    worst = base[:, [-1]] + 1.0
    ref, res = run_both(np.hstack([base, worst, worst]), "max", 0.1, 8, "stationary", 1, 300)
    assert_equal_to_arch(ref, res)
    assert set(res.order[:2]) == {6, 7} and res.table["step"].iloc[0] == res.table["step"].iloc[1]


def _hand_lrv_matrix(d):
    """Column-prewhitened QS long-run covariance by explicit lag sums (Andrews & Monahan 1992 with a diagonal
    VAR(1); Andrews 1991 eq. (6.4) bandwidth from each residual column's AR(1) fit, equal weights)."""
    c = d - d.mean(0)
    phi = np.clip([(c[1:, a] @ c[:-1, a]) / (c[:-1, a] @ c[:-1, a]) for a in range(c.shape[1])], -0.97, 0.97)
    e = c[1:] - phi * c[:-1]
    e = e - e.mean(0)
    n = e.shape[0]
    rho = np.clip([(e[1:, a] @ e[:-1, a]) / (e[:-1, a] @ e[:-1, a]) for a in range(e.shape[1])], -0.97, 0.97)
    s2 = np.array([np.mean((e[1:, a] - rho[a] * e[:-1, a]) ** 2) for a in range(e.shape[1])])
    a2 = np.sum(4 * rho**2 * s2**2 / (1 - rho) ** 8) / np.sum(s2**2 / (1 - rho) ** 4)
    bw = 1.3221 * (a2 * n) ** 0.2
    om = e.T @ e / n
    for h in range(1, n):
        x = 6 * np.pi * (h / bw) / 5
        w = 25 / (12 * np.pi**2 * (h / bw) ** 2) * (np.sin(x) / x - np.cos(x))
        g = e[h:].T @ e[:-h] / n
        om += w * (g + g.T)
    return om / np.outer(1 - phi, 1 - phi)


def test_columnwise_long_run_covariance_equals_lag_sums():
    from alphacheck._hac import PHI_CAP, lrv_columns, lrv_matrix_columnwise

    assert PHI_CAP == 0.97  # the hand reference clips as the engine does
    x = dataset("factor_ar", 300, 5, 1)
    x = x - x.mean(axis=1, keepdims=True)  # contrasts: rank k - 1, nothing to invert
    om = lrv_matrix_columnwise(x)
    np.testing.assert_allclose(om, _hand_lrv_matrix(x), rtol=1e-9, atol=1e-13)
    assert np.linalg.eigvalsh(om).min() > -1e-12  # positive semi-definite
    np.testing.assert_allclose(lrv_matrix_columnwise(x[:, [2]])[0, 0], lrv_columns(x[:, [2]])[0], rtol=1e-12)


def _naive(losses, means, method, hac=False):
    """Textbook loop: every statistic recomputed from scratch at every step; counts T* >= T. ``hac``: the observed
    t's use max(bootstrap se, HAC se of the loss differential)."""
    lbar = losses.mean(0)
    z = means - lbar
    b, k = z.shape
    inc = list(range(k))
    if method == "range":
        dd = z[:, :, None] - z[:, None, :]
        var = (dd**2).mean(0) + np.eye(k)
        tb = dd / np.sqrt(var)
        se = np.sqrt(var)
        if hac:
            om = _hand_lrv_matrix(losses - losses.mean(1, keepdims=True))
            for i in range(k):
                for j in range(k):
                    if i != j:
                        w = np.zeros(k)
                        w[i], w[j] = 1.0, -1.0
                        se[i, j] = max(se[i, j], math.sqrt(max(w @ om @ w, 0.0) / losses.shape[0]))
        tobs = (lbar[:, None] - lbar[None, :]) / se
    order, p = [], []
    while len(inc) > 1:
        a = np.array(inc)
        if method == "range":
            sub = tobs[np.ix_(a, a)]
            stat = sub.max()
            e = [int(a[np.argmax(sub.max(1) == stat)])]
            ts = tb[:, a][:, :, a].max(axis=(1, 2))
        else:
            zc = z[:, a] - z[:, a].mean(1, keepdims=True)
            sd = np.sqrt((zc**2).mean(0))
            se = sd.copy()
            if hac:
                om = _hand_lrv_matrix(losses - losses.mean(1, keepdims=True))
                hs = []
                for i in a:
                    w = -np.isin(np.arange(k), a).astype(float) / a.size
                    w[i] += 1.0
                    hs.append(math.sqrt(max(w @ om @ w, 0.0) / losses.shape[0]))
                se = np.maximum(sd, hs)
            t = (lbar[a] - lbar[a].mean()) / se
            stat = t.max()
            e = [int(x) for x in a[t == stat]]
            ts = (zc / sd).max(1)
        pv = (1 + np.count_nonzero(ts >= stat)) / (1 + b)
        order += e
        p += [pv] * len(e)
        inc = [i for i in inc if i not in e]
    order += inc
    p += [1.0] * len(inc)
    return order, np.maximum.accumulate(p)


@pytest.mark.parametrize("method", ["max", "range"])
@pytest.mark.parametrize("seed", range(4))
def test_incremental_engine_equals_the_textbook_loop(method, seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 35))
    losses = dataset("factor_ar", 300, k, seed)
    reps = int(rng.integers(50, 400))
    means = losses.mean(0) + 0.05 * rng.standard_normal((reps, k))
    for studentize in ("bootstrap", "hac"):
        order, p = _naive(losses, means, method, hac=studentize == "hac")
        res = mcs_from_sums(losses, means * 300, method=method, alpha_level=0.1, names=list(range(k)),
                            block_length=1, bootstrap="iid", studentize=studentize)
        assert list(res.order) == order
        np.testing.assert_allclose(res.table["mcs_pvalue"], p, rtol=0, atol=1e-12)


def test_public_function_protocol_and_labels():
    losses = pd.DataFrame(dataset("factor_ar", 600, 6, 3), columns=list("abcdef"))
    res = model_confidence_set(losses, method="range", reps=499, seed=2, alpha_level=0.1)
    assert set(res.included) | set(res.excluded) == set("abcdef")
    assert res.pvalue == res.table["mcs_pvalue"].iloc[0] and res.statistic == res.table["statistic"].iloc[0]
    assert res.confidence_set(0.1) == res.included
    assert set(res.confidence_set(0.01)) >= set(res.included)
    with pytest.raises(Exception, match="no confidence interval"):
        res.confidence_interval()
    again = model_confidence_set(losses, method="range", reps=499, seed=2, alpha_level=0.1)
    assert again.pvalues.equals(res.pvalues)
    assert "Models" in res.summary() and res.to_frame().shape[0] == 6


def test_a_common_loss_column_changes_nothing():
    """Only differences of losses enter: adding a benchmark's loss to every model leaves the MCS unchanged."""
    x = dataset("factor_ar", 500, 8, 4)
    common = 3.0 * np.random.default_rng(1).standard_normal(500)
    a = model_confidence_set(x, reps=299, block_length=5, seed=3)
    b = model_confidence_set(x + common[:, None], reps=299, block_length=5, seed=3)
    assert a.order == b.order and np.allclose(a.pvalues, b.pvalues)


def test_duplicate_models_are_handled_and_noted():
    rng = np.random.default_rng(2)
    base = rng.standard_normal((300, 4)) ** 2 + np.array([0.5, 0.6, 0.7, 0.8])
    losses = np.hstack([base, base[:, [0]]])
    losses[:, [0, 4]] -= 0.5  # the identical pair is the best
    for method in ("max", "range"):
        res = model_confidence_set(losses, method=method, reps=199, block_length=5, seed=3)
        assert np.isfinite(res.pvalues).all()
        assert res.details["notes"]
        assert {0, 4} <= set(res.included)


def test_inputs_refused():
    with pytest.raises(InputError, match="losses"):
        model_confidence_set(np.ones((50, 1)))
    with pytest.raises(InputError, match="method"):
        model_confidence_set(np.random.default_rng(0).standard_normal((50, 3)), method="SQ")


@pytest.mark.parametrize("make, message", [
    (lambda x: np.ones_like(x), "no loss differential has any variance"),  # every model the same constant
    (lambda x: np.column_stack([x[:, 0], x[:, 0] + 2.0, x[:, 0] - 1.0]), "no loss differential"),  # all shifts
    (lambda x: np.column_stack([x[:, 0], x[:, 1], x[:, 1] + 0.3]), "models 1 and 2 differ by a constant"),
])
def test_a_loss_differential_without_variance_is_refused_naming_losses(make, message):
    x = make(np.random.default_rng(4).standard_normal((80, 3)))
    for kwargs in ({}, {"block_length": 3}):  # "auto" and a given length: the same refusal, not a 0/0 t-ratio
        with pytest.raises(InputError, match=f"^losses: {message}"):
            model_confidence_set(x, reps=99, seed=1, **kwargs)
