"""Reality Check / SPA / StepM against arch.bootstrap (exactly on shared resamples, and within
Monte-Carlo error on independent streams), plus size/power checks.

0.2: our bootstrap p-values are (1 + #{sim* >= stat}) / (1 + B); arch reports the share #{sim* > stat} / B.
On continuous data exact ties have probability zero, so both count the same replicates: the tests compare
the counts (see ``counts`` / ``arch_share``), not the p-values themselves.

``studentize``: "none" is what arch 8.0's SPA/StepM compute, "fixed" is Hansen's (2005) omega_k in the
statistic and the replicates (= arch on d_k / omega_k; the 0.1 ``studentize=True``), "replicate" studentises
each replicate by its own block variance (the default), and "hac" divides the observed means by the prewhitened QS
variance and the replicates by omega_k; arch has no counterpart of either (checked by hand below)."""

import numpy as np
import pandas as pd
import pytest
from arch.bootstrap import SPA, CircularBlockBootstrap, RealityCheck, StationaryBootstrap, StepM

from alphacheck import InputError, NoIntervalError, TestResult, mean_test
from alphacheck._hac import lrv_columns, stationary_bootstrap_lrv
from alphacheck._resample import BlockPlan, bootstrap_plan, resampled_sums
from alphacheck.overfitting import FamilyTestResult, reality_check, spa, stepm
from alphacheck.overfitting.data_snooping import _run


def counts(p, reps):
    """Replicates counted by our p = (1 + count) / (1 + reps), recovered exactly (as integers)."""
    return np.rint(np.asarray(p, dtype=float) * (1 + reps) - 1).astype(np.int64)


def arch_share(p, reps):
    """Our p-value(s) in arch's convention, count / reps, from the same count of replicates."""
    return counts(p, reps) / reps


def arch_counts(p, reps):
    """Replicates counted by arch's p = count / reps."""
    return np.rint(np.asarray(p, dtype=float) * reps).astype(np.int64)


def make_family(seed, t=500, k=20, superior=(), inferior=(), ar=0.0, hetero=False):
    """Strategy returns (t, k) and a benchmark, in return units (1 % per period); superior columns earn +0.25 sd
    per period over it."""
    rng = np.random.default_rng(seed)
    e = 0.01 * rng.standard_normal((t + 50, k + 1))
    if ar:
        for i in range(1, e.shape[0]):
            e[i] += ar * e[i - 1]
    e = e[50:]
    scale = np.linspace(0.5, 2.0, k) if hetero else np.ones(k)
    bench = e[:, 0]
    rets = bench[:, None] + e[:, 1:] * scale
    for j in superior:
        rets[:, j] += 0.0025 * scale[j]
    for j in inferior:
        rets[:, j] -= 0.005 * scale[j]
    return rets, bench


def plan_from_arch(bs_class, data, block, reps, seed, method):
    """The BlockPlan that reproduces an arch bootstrap's index stream (runs of consecutive indices)."""
    bs = bs_class(block, data, seed=seed)
    idx = np.array([bs.index.copy() for _ in bs.bootstrap(reps)])
    n = idx.shape[1]
    brk = np.ones_like(idx, dtype=bool)
    brk[:, 1:] = idx[:, 1:] != (idx[:, :-1] + 1) % n
    m = int(brk.sum(axis=1).max())
    starts, lengths = np.zeros((reps, m), np.int64), np.zeros((reps, m), np.int64)
    for r in range(reps):  # test helper only: converts arch's draws, not part of the computation
        pos = np.flatnonzero(brk[r])
        starts[r, : pos.size] = idx[r, pos]
        lengths[r, : pos.size] = np.diff(np.append(pos, n))
    return BlockPlan(starts, lengths, n, method, float(block))


def test_stationary_bootstrap_lrv_equals_arch():
    # 0.2: data_snooping.kernel_variance moved to alphacheck._hac.stationary_bootstrap_lrv
    rets, bench = make_family(1, t=300, k=5, ar=0.4)
    a = SPA(-bench, -rets, block_size=7)
    a._compute_variance()
    np.testing.assert_allclose(stationary_bootstrap_lrv(rets - bench[:, None], 7), a._loss_diff_var, rtol=1e-10)


DATASETS = {
    "noise": {},
    "one_superior": {"superior": (4,)},
    "inferior_mixed": {"superior": (2,), "inferior": (0, 1, 5, 6, 7)},
    "dependent_hetero": {"ar": 0.3, "hetero": True, "inferior": (3, 9)},
}


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("bs_class, method",
                         [(StationaryBootstrap, "stationary"), (CircularBlockBootstrap, "circular")])
def test_identical_to_arch_on_the_same_resamples(name, bs_class, method):
    rets, bench = make_family(7, t=300, k=12, **DATASETS[name])
    d = rets - bench[:, None]
    reps, block = 400, 6
    plan = plan_from_arch(bs_class, d, block, reps, 42, method)
    arch_name = "stationary" if method == "stationary" else "circular"
    a = SPA(-bench, -rets, block_size=block, reps=reps, bootstrap=arch_name, seed=42)
    a.compute()
    ours = _run("spa", rets, bench, reps, block, None, method, "none", 0.05, "spa", plan=plan)
    np.testing.assert_array_equal(counts(pd.Series(ours.pvalues)[["lower", "consistent", "upper"]], reps),
                                  arch_counts(a.pvalues, reps))
    # arch's better_models: mean > its 95% critical value, i.e. share(max sim* > stat_k) <= 5%
    assert sorted(np.flatnonzero(arch_share(ours.strategies["adjusted_pvalue"], reps) <= 0.05)) == sorted(
        a.better_models(0.05))
    # Reality Check = upper p-value, not studentized
    rc = RealityCheck(-bench, -rets, block_size=block, reps=reps, bootstrap=arch_name, seed=42)
    rc.compute()
    ours_rc = _run("rc", rets, bench, reps, block, None, method, "none", 0.05, "reality_check", plan=plan)
    assert counts(ours_rc.pvalue, reps) == arch_counts(rc.pvalues["upper"], reps)
    # StepM
    sm = StepM(-bench, -rets, size=0.05, block_size=block, reps=reps, bootstrap=arch_name, seed=42)
    sm.compute()
    ours_sm = _run("stepm", rets, bench, reps, block, None, method, "none", 0.05, "stepm", plan=plan)
    # the stepdown adjusted p-values in arch's share convention (a monotone map of ours: it commutes with
    # the running maximum) give arch's superior set
    assert sorted(np.flatnonzero(arch_share(ours_sm.strategies["adjusted_pvalue"], reps) <= 0.05)) == sorted(
        sm.superior_models)
    np.testing.assert_array_equal(ours_sm.strategies["superior"], ours_sm.strategies["adjusted_pvalue"] <= 0.05)
    # Studentized SPA == arch's SPA on differentials rescaled by omega_k
    omega = np.sqrt(stationary_bootstrap_lrv(d, block))
    a2 = SPA(np.zeros(len(d)), -d / omega, block_size=block, reps=reps, bootstrap=arch_name, seed=42)
    a2.compute()
    stud = _run("spa", rets, bench, reps, block, None, method, "fixed", 0.05, "spa", plan=plan)
    np.testing.assert_array_equal(counts(pd.Series(stud.pvalues)[["lower", "consistent", "upper"]], reps),
                                  arch_counts(a2.pvalues, reps))
    sm2 = StepM(np.zeros(len(d)), -d / omega, size=0.05, block_size=block, reps=reps, bootstrap=arch_name, seed=42)
    sm2.compute()
    stud_sm = _run("stepm", rets, bench, reps, block, None, method, "fixed", 0.05, "stepm", plan=plan)
    assert sorted(np.flatnonzero(arch_share(stud_sm.strategies["adjusted_pvalue"], reps) <= 0.05)) == sorted(
        sm2.superior_models)


# Independent random streams: agreement within Monte-Carlo error (5,000 replicates each side).
AGREEMENT = [
    ("noise", {}, 0.0),
    ("one_superior", {"superior": (4,)}, 0.0),
    ("weak_superior_mixed", {"superior": (2,), "inferior": (0, 1, 5), "t": 120}, 0.0),
    ("dependent_hetero", {"ar": 0.3, "hetero": True, "inferior": (3, 9)}, 0.0),
]


@pytest.mark.parametrize("name, kwargs, _", AGREEMENT, ids=[a[0] for a in AGREEMENT])
def test_pvalues_agree_with_arch_independent_streams(name, kwargs, _):
    rets, bench = make_family(2024, **kwargs)
    d = rets - bench[:, None]
    block, reps = 8, 5000
    a = SPA(-bench, -rets, block_size=block, reps=reps, seed=1)
    a.compute()
    ours = spa(rets, bench, reps=reps, block_length=block, seed=2, studentize="none")
    diff = np.abs(arch_share(pd.Series(ours.pvalues)[a.pvalues.index], reps) - a.pvalues.to_numpy())
    assert diff.max() <= 0.02, (ours.pvalues, a.pvalues.to_dict())
    omega = np.sqrt(stationary_bootstrap_lrv(d, block))
    a2 = SPA(np.zeros(len(d)), -d / omega, block_size=block, reps=reps, seed=1)
    a2.compute()
    stud = spa(rets, bench, reps=reps, block_length=block, seed=2, studentize="fixed")
    diff2 = np.abs(arch_share(pd.Series(stud.pvalues)[a2.pvalues.index], reps) - a2.pvalues.to_numpy())
    assert diff2.max() <= 0.02, (stud.pvalues, a2.pvalues.to_dict())


def test_stepm_finds_the_superior_strategies_like_arch():
    rets, bench = make_family(99, t=600, k=15, superior=(1, 6, 11))
    a = StepM(-bench, -rets, size=0.05, block_size=8, reps=3000, seed=3)
    a.compute()
    ours = stepm(rets, bench, reps=3000, block_length=8, seed=4, studentize="none")
    assert sorted(ours.superior) == sorted(a.superior_models) == [1, 6, 11]
    for studentize in ("fixed", "replicate", "hac"):  # Hansen's omega_k (the 0.1 default), the default, QS/omega
        stud = stepm(rets, bench, reps=3000, block_length=8, seed=4, studentize=studentize)
        assert sorted(stud.superior) == [1, 6, 11]
        assert stud.pvalue == stud.strategies["adjusted_pvalue"].min()
        # stepdown adjusted p-values are never above the single-step ones
        single = spa(rets, bench, reps=3000, block_length=8, seed=4, studentize=studentize)
        assert (stud.strategies["adjusted_pvalue"] <= single.strategies["adjusted_pvalue"] + 1e-12).all()


def test_pandas_in_labels_out_and_alignment():
    rets, bench = make_family(5, t=400, k=4, superior=(2,))
    idx = pd.date_range("2024-01-01", periods=400, freq="h")
    df = pd.DataFrame(rets, index=idx, columns=["a", "b", "c", "d"])
    b = pd.Series(bench, index=idx)
    res = stepm(df, b.iloc[10:], reps=500, block_length=5, seed=0)  # inner join on the index
    assert res.n == 390
    assert isinstance(res, FamilyTestResult)
    assert res.superior == ("c",)
    assert list(res.to_frame().index) == ["a", "b", "c", "d"]
    assert "StepM" in res.summary() and "superior" in res.summary()
    assert res.to_dict()["pvalues"]["consistent"] == res.pvalue


def test_benchmark_none_means_zero_and_seed_reproducible():
    rets, _ = make_family(6, t=300, k=6)
    r1 = spa(rets, reps=300, block_length=4, seed=9)
    r2 = spa(rets, np.zeros(300), reps=300, block_length=4, seed=9)
    assert r1.pvalues == r2.pvalues
    pd.testing.assert_frame_equal(r1.strategies, r2.strategies)
    r3 = spa(rets, reps=300, block_length=4, seed=10)
    assert not np.array_equal(r1.strategies["pvalue"], r3.strategies["pvalue"])


def test_auto_block_length_and_reality_check_defaults():
    rets, bench = make_family(8, t=400, k=5, ar=0.5)
    res = reality_check(rets, bench, reps=300, seed=0)
    assert res.recentring == "upper" and res.studentize == "none"
    assert res.block_length > 1.0 and np.isfinite(res.block_length)


def test_auto_block_length_is_the_median_column_for_replicate_studentisation():
    """With k strategies the largest of k noisy Politis-White lengths grows with k (k = 100 iid t(4) columns at
    T = 500: per-column median 1.2, maximum 5.75 on average); the default studentisation reads the median column's
    length rescaled to the n^(1/4) rate, the others (whose replicate scale is the bootstrap's own variance) the
    longest."""
    from alphacheck._blocklength import politis_white

    rets, bench = make_family(9, t=500, k=40)
    d = rets - bench[:, None]
    pw = np.maximum(politis_white(d)[:, 0], 1.0)
    assert pw.max() > 2 * np.median(pw)  # the two rules differ on this family
    # the median at the n^(1/4) rate of Hall, Horowitz & Jing (1995): Politis-White's n^(1/3) length x 500^(-1/12)
    want = max(1.0, np.median(pw) * 500 ** (-1 / 12), 500 / 1000)
    assert stepm(rets, bench, reps=99, seed=0).block_length == pytest.approx(want)
    assert spa(rets, bench, reps=99, seed=0).block_length == pytest.approx(want)
    ar = make_family(9, t=500, k=40)[0]
    ar[1:] += 0.5 * ar[:-1]  # dependent columns: the rescaled median is above the floor of 1
    pw_ar = np.maximum(politis_white(ar)[:, 0], 1.0)
    assert np.median(pw_ar) * 500 ** (-1 / 12) > 1.5
    assert stepm(ar, reps=99, seed=0).block_length == pytest.approx(np.median(pw_ar) * 500 ** (-1 / 12))
    for st in ("hac", "fixed", "none"):
        assert spa(rets, bench, reps=99, seed=0, studentize=st).block_length == pytest.approx(pw.max())


def test_size_and_power_reduced():
    """At 5% the SPA rejects ~5% of null worlds (all strategies equal to the benchmark in mean)."""
    rejections, power = 0, 0
    worlds = 200
    for w in range(worlds):
        rets, bench = make_family(10_000 + w, t=250, k=5)
        rejections += spa(rets, bench, reps=299, block_length=2, seed=w).pvalue < 0.05
        if w < 40:
            rets, bench = make_family(20_000 + w, t=250, k=5, superior=(0,))
            power += spa(rets, bench, reps=299, block_length=2, seed=w).pvalue < 0.05
    assert 0.015 <= rejections / worlds <= 0.10
    # +0.25 sd per period over T = 250: t ~ 3.95 against a max-of-5 critical value ~ 2.5
    assert power / 40 >= 0.8


@pytest.mark.slow
def test_size_full():
    # Serially independent differentials. With AR(1) phi = 0.2 differentials and T = 500 the SPA
    # over-rejects in finite samples (measured: ~8% at 5% for block lengths 4-10 or auto, arch's
    # SPA the same) -- a property of the block bootstrap at this T, documented in spa().
    rejections, worlds = 0, 2000
    for w in range(worlds):
        rets, bench = make_family(30_000 + w, t=500, k=10)
        rejections += spa(rets, bench, reps=499, block_length=4, seed=w).pvalue < 0.05
    assert 0.035 <= rejections / worlds <= 0.07


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"benchmark": np.zeros(99)}, "same length"),
        ({"bootstrap": "wild"}, "bootstrap"),
        ({"alpha_level": 1.5}, "alpha_level"),
        ({"studentize": True}, "studentize"),  # 0.2: "replicate", "hac", "fixed" or "none", not a bool
        ({"reps": 0}, "reps"),
        ({"block_length": 0.5}, "block_length"),
    ],
)
def test_bad_inputs(kwargs, match):
    rets, bench = make_family(1, t=100, k=3)
    args = {"returns": rets, "benchmark": bench, "reps": 100, "block_length": 3}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        spa(**args)


def test_nan_and_constant_differential_raise():
    rets, bench = make_family(1, t=100, k=3)
    bad = rets.copy()
    bad[4, 1] = np.nan
    with pytest.raises(InputError, match="non-finite"):
        spa(bad, bench, reps=99, block_length=3)
    same = rets.copy()
    same[:, 2] = bench + 0.01  # differential constant up to rounding
    with pytest.raises(InputError, match="constant"):
        spa(same, bench, reps=99, block_length=3)


def test_result_protocol_and_pvalue_never_zero():
    # 0.2: FamilyTestResult is a TestResult; p = (1 + #{max sim* >= stat}) / (1 + B) is never 0
    rets, bench = make_family(3, t=500, k=5, superior=(4,))
    reps = 999
    for fn in (reality_check, spa, stepm):
        res = fn(rets, bench, reps=reps, block_length=5, seed=0)
        assert isinstance(res, TestResult) and res.alternative == "greater"
        assert res.pvalue == 1 / (1 + reps)  # t ~ 5.6: no replicate reaches it
        assert (res.strategies["adjusted_pvalue"] >= 1 / (1 + reps)).all()
        assert res.reject(0.05) and res.superior == (4,) and res.alpha_level == 0.05
        assert res.estimate == pytest.approx((rets - bench[:, None]).mean(axis=0).max())
        with pytest.raises(NoIntervalError):
            res.confidence_interval()


def test_options_are_keyword_only():
    rets, bench = make_family(1, t=100, k=3)
    for fn in (reality_check, spa, stepm):
        with pytest.raises(TypeError):
            fn(rets, bench, 100)


def test_hac_studentisation_equals_a_hand_stepdown():
    """studentize="hac": T_k = mean/sqrt(QS lrv / T), T*_k = (mean* − g_k)/sqrt(ω̂_k² / T) with ω̂_k²
    Hansen's kernel variance, computed by hand from bootstrap_plan's replicates (the same seed), and the stepdown
    adjusted p-values of Romano & Wolf (2016) as a plain loop over ranks."""
    rets, bench = make_family(31, t=500, k=12, superior=(3, 8))
    d = rets - bench[:, None]
    t, block, reps = d.shape[0], 6.0, 999
    res = stepm(rets, bench, reps=reps, block_length=block, seed=7, studentize="hac")
    assert res.studentize == "hac"
    mean = d.mean(axis=0)
    hac, omega = lrv_columns(d), stationary_bootstrap_lrv(d, block)
    stat = mean / np.sqrt(hac / t)
    valid = mean >= -np.sqrt(hac / t * 2 * np.log(np.log(t)))
    plan = bootstrap_plan(t, reps, "stationary", block, seed=7)
    sims = (resampled_sums(d, plan) / t - np.where(valid, mean, 0.0)) / np.sqrt(omega / t)
    np.testing.assert_allclose(res.strategies["statistic"], stat, rtol=1e-12)
    np.testing.assert_allclose(res.strategies["pvalue"], (1 + (sims >= stat).sum(axis=0)) / (reps + 1))
    order = np.argsort(-stat)
    raw = [(1 + (sims[:, order[r:]].max(axis=1) >= stat[order[r]]).sum()) / (reps + 1) for r in range(len(stat))]
    adjusted = np.empty(len(stat))
    adjusted[order] = np.maximum.accumulate(raw)
    np.testing.assert_allclose(res.strategies["adjusted_pvalue"], adjusted)
    assert set(res.superior) == set(np.flatnonzero(adjusted <= 0.05))
    assert res.pvalue == (1 + (sims.max(axis=1) >= stat.max()).sum()) / (reps + 1)


def test_per_strategy_pvalue_is_that_strategys_own_bootstrap_test():
    """Each strategy's ``pvalue`` is its one-sided bootstrap test of mean <= 0, re-centred at its own mean: equal to
    ``mean_test(d, alternative="greater")`` on the same plan, also for a strategy far below the benchmark (Hansen's
    consistent rule leaves that one un-centred for the maximum, which gave it p ~ 0.5)."""
    rng = np.random.default_rng(7)
    bench = rng.normal(0.0003, 0.01, 600)
    rets = bench[:, None] + rng.normal(0, 0.01, (600, 10))
    rets[:, :2] += 0.0015
    rets[:, 9] -= 0.0012  # t ~ -3: below -sqrt(2 ln ln T) standard errors
    for test in (stepm, spa):
        tab = test(rets, bench, reps=999, block_length=5, seed=1).strategies
        assert tab["statistic"].iloc[9] < -np.sqrt(2 * np.log(np.log(600)))
        want = [mean_test(rets[:, j] - bench, alternative="greater", reps=999, block_length=5, seed=1).pvalue
                for j in range(10)]
        np.testing.assert_allclose(tab["pvalue"].to_numpy(), want, rtol=0, atol=1e-12)
        assert tab["pvalue"].iloc[9] > 0.99
