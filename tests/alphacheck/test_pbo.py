"""PBO by CSCV (Bailey, Borwein, López de Prado & Zhu 2017) against a brute-force loop and known cases."""

from fractions import Fraction
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alphacheck import InputError
from alphacheck.overfitting import PBOResult, pbo


def brute_force_cscv(m: np.ndarray, s: int, metric: str = "sharpe"):
    """Literal transcription of the paper's Section 2 steps, one combination at a time."""
    t, n = m.shape
    g = t // s
    m = m[: g * s]
    blocks = [m[i * g : (i + 1) * g] for i in range(s)]

    def perf(rows):
        if metric == "mean":
            return rows.mean(axis=0)
        return rows.mean(axis=0) / rows.std(axis=0, ddof=1)

    logits, is_best, oos_best, chosen = [], [], [], []
    for combo in combinations(range(s), s // 2):
        train = np.vstack([blocks[i] for i in combo])
        test = np.vstack([blocks[i] for i in range(s) if i not in combo])
        r, rbar = perf(train), perf(test)
        nstar = int(np.argmax(r))
        # average rank of rbar[nstar] among rbar, 1 = lowest
        rank = (rbar < rbar[nstar]).sum() + ((rbar == rbar[nstar]).sum() + 1) / 2
        w = rank / (n + 1)
        logits.append(np.log(w / (1 - w)))
        is_best.append(r[nstar])
        oos_best.append(rbar[nstar])
        chosen.append(nstar)
    return np.array(logits), np.array(is_best), np.array(oos_best), np.array(chosen)


@pytest.mark.parametrize("metric", ["sharpe", "mean"])
def test_tiny_example_matches_brute_force(metric):
    rng = np.random.default_rng(3)
    m = rng.standard_normal((8, 3))
    res = pbo(m, n_groups=4, metric=metric)
    logits, is_b, oos_b, chosen = brute_force_cscv(m, 4, metric)
    assert res.n_combinations == 6
    np.testing.assert_allclose(res.logits, logits, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.is_metric, is_b, rtol=1e-10)
    np.testing.assert_allclose(res.oos_metric, oos_b, rtol=1e-10)
    np.testing.assert_array_equal(res.selected.astype(int), chosen)
    assert res.pbo == pytest.approx(np.mean(logits <= 0))
    # with N = 3 the relative rank is one of 1/4, 2/4, 3/4: logit = -ln 3, 0, ln 3
    assert set(np.round(res.logits, 12)) <= {round(-np.log(3), 12), 0.0, round(np.log(3), 12)}


def test_hand_checked_values():
    # Column 0 is best in every first half and worst in every second half -> always overfit.
    m = np.array(
        [[3.0, 1.0, 2.0], [3.2, 1.1, 2.1], [2.9, 0.9, 2.2], [3.1, 1.2, 1.9],
         [-3.0, 1.0, 0.0], [-3.1, 1.1, 0.1], [-2.9, 0.8, -0.1], [-3.2, 1.2, 0.2]]
    )  # fmt: skip
    res = pbo(m, n_groups=2, metric="mean")
    # combinations: IS = group 0 (rows 0-3) -> best col 0, OOS rank 1 of 3 -> w = 1/4
    #               IS = group 1 (rows 4-7) -> best col 1 (mean 1.025), OOS rank of col 1 in
    #               group 0 means (3.05, 1.05, 2.05) is 1 -> w = 1/4
    np.testing.assert_allclose(res.relative_ranks, [0.25, 0.25])
    np.testing.assert_allclose(res.logits, [np.log(1 / 3)] * 2)
    assert res.pbo == 1.0
    assert res.prob_oos_loss == 0.5  # col 0's OOS mean is -3.05 < 0; col 1's is 1.05


def test_larger_random_matches_brute_force_and_dataframe_labels():
    rng = np.random.default_rng(11)
    m = pd.DataFrame(rng.standard_normal((203, 7)), columns=list("abcdefg"))
    res = pbo(m, n_groups=6)
    logits, is_b, oos_b, chosen = brute_force_cscv(m.to_numpy(), 6)
    np.testing.assert_allclose(res.logits, logits, rtol=1e-10, atol=1e-12)
    assert list(res.selected) == [m.columns[i] for i in chosen]
    assert res.n_obs_used == 198 and res.n_obs_dropped == 5
    frame = res.to_frame()
    assert list(frame.columns) == ["selected", "is_metric", "oos_metric", "relative_rank", "logit"]
    assert len(frame) == 20
    slope, intercept = np.polyfit(is_b, oos_b, 1)
    assert res.degradation_slope == pytest.approx(slope, rel=1e-8)
    assert res.degradation_intercept == pytest.approx(intercept, rel=1e-8, abs=1e-12)
    assert res.degradation_rsquared == pytest.approx(np.corrcoef(is_b, oos_b)[0, 1] ** 2, rel=1e-8)


def test_callable_metric_matches_builtin():
    rng = np.random.default_rng(5)
    m = rng.standard_normal((120, 6))
    custom = pbo(m, n_groups=6, metric=lambda a: a.mean(axis=0) / a.std(axis=0, ddof=1))
    builtin = pbo(m, n_groups=6)
    np.testing.assert_allclose(custom.logits, builtin.logits, rtol=1e-10)
    assert custom.pbo == builtin.pbo


def test_one_truly_superior_strategy_gives_pbo_near_zero():
    rng = np.random.default_rng(0)
    m = rng.standard_normal((2000, 50))
    m[:, 17] += 0.2  # Sharpe 0.2 per period vs pure noise
    res = pbo(m, n_groups=10)
    assert res.pbo < 0.01
    assert res.selection_frequency().index[0] == 17
    assert res.prob_oos_loss < 0.01


def test_pure_noise_family_gives_pbo_near_half():
    vals = []
    for seed in range(8):
        rng = np.random.default_rng(100 + seed)
        vals.append(pbo(rng.standard_normal((1000, 40)), n_groups=10).pbo)
    assert abs(np.mean(vals) - 0.5) < 0.1


def test_summary_and_dict():
    rng = np.random.default_rng(1)
    res = pbo(rng.standard_normal((100, 5)), n_groups=4)
    assert isinstance(res, PBOResult)
    text = res.summary()
    assert "PBO" in text and "combinations" in text
    assert res.to_dict()["n_combinations"] == 6


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"trials": np.random.default_rng(0).standard_normal((100, 1))}, "at least 2 column"),
        ({"n_groups": 5}, "even"),
        ({"n_groups": 0}, ">= 2"),
        ({"trials": np.random.default_rng(0).standard_normal((10, 4)), "n_groups": 16}, "rows"),
        ({"metric": "sortino"}, "metric"),
        ({"n_groups": 2.0}, "integer"),
    ],
)
def test_bad_inputs_raise(kwargs, match):
    args = {"trials": np.random.default_rng(0).standard_normal((100, 4)), "n_groups": 4}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        pbo(**args)


def test_options_are_keyword_only():
    # 0.2: pbo(trials, *, n_groups, metric)
    with pytest.raises(TypeError):
        pbo(np.random.default_rng(0).standard_normal((100, 4)), 4)


def test_constant_column_and_nan_raise():
    m = np.random.default_rng(0).standard_normal((100, 4))
    m[:, 2] = 0.01
    with pytest.raises(InputError, match="constant"):
        pbo(m, n_groups=4)
    m = np.random.default_rng(0).standard_normal((100, 4))
    m[5, 1] = np.nan
    with pytest.raises(InputError, match="non-finite"):
        pbo(m, n_groups=4)


def test_column_constant_within_a_half_raises():
    m = np.random.default_rng(0).standard_normal((40, 3))
    m[:20, 1] = 0.5  # constant on groups 0-1: Sharpe undefined when they form a half
    with pytest.raises(InputError, match="zero variance"):
        pbo(m, n_groups=4)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_cfg=st.integers(2, 9), groups=st.sampled_from([2, 4, 6]),
       scale=st.floats(0.01, 100))
def test_properties_permutation_and_scale_invariance(seed, n_cfg, groups, scale):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((groups * 5 + 3, n_cfg))
    base = pbo(m, n_groups=groups)
    perm = rng.permutation(n_cfg)
    permuted = pbo(m[:, perm], n_groups=groups)
    np.testing.assert_allclose(permuted.logits, base.logits, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(perm[permuted.selected.astype(int)], base.selected.astype(int))
    np.testing.assert_allclose(pbo(m * scale, n_groups=groups).logits, base.logits, rtol=1e-9, atol=1e-12)
    logits, *_ = brute_force_cscv(m, groups)
    np.testing.assert_allclose(base.logits, logits, rtol=1e-9, atol=1e-12)
    assert 0.0 <= base.pbo <= 1.0 and np.all(np.abs(base.logits) <= np.log(n_cfg) + 1e-12)


# ----------------------------------------------------------------------------------------------- exact ties


def exact_cscv(m: np.ndarray, s: int, metric: str):
    """Brute-force CSCV in exact rational arithmetic, for integer P&L: ties are exact, not rounded.

    The Sharpe ratio is ordered through sign(S) S^2 (n-1) / (n (n Q - S^2)) (= sign(mean) mean^2 / var,
    S and Q the integer sum and sum of squares over the n rows), the mean through S / n. Selection is the
    first column among exact ties; the OOS rank is the average (mid-)rank, 1 = lowest.
    """
    t, n_cfg = m.shape
    g = t // s
    m = np.asarray(m[: g * s], dtype=np.int64)
    gs = m.reshape(s, g, n_cfg).sum(axis=1)
    gq = (m.reshape(s, g, n_cfg) ** 2).sum(axis=1)

    def key(sums, sq, n):
        out = []
        for S, Q in zip(sums.tolist(), sq.tolist()):
            if metric == "mean":
                out.append(Fraction(S, n))
            else:
                d = n * Q - S * S
                assert d > 0, "zero variance on a half"
                out.append((1 if S > 0 else -1 if S < 0 else 0) * Fraction(S * S * (n - 1), n * d))
        return out

    logits, chosen, is_ties, oos_ties = [], [], 0, 0
    n_half = g * (s // 2)
    for combo in combinations(range(s), s // 2):
        rest = [i for i in range(s) if i not in combo]
        r = key(gs[list(combo)].sum(axis=0), gq[list(combo)].sum(axis=0), n_half)
        rbar = key(gs[rest].sum(axis=0), gq[rest].sum(axis=0), n_half)
        top = max(r)
        nstar = r.index(top)  # first index on exact ties
        is_ties += r.count(top) > 1
        less = sum(v < rbar[nstar] for v in rbar)
        equal = sum(v == rbar[nstar] for v in rbar)
        oos_ties += equal > 1
        w = (less + (equal + 1) / 2) / (n_cfg + 1)
        logits.append(np.log(w / (1 - w)))
        chosen.append(nstar)
    return np.array(logits), np.array(chosen), is_ties, oos_ties


def integer_pnl(n_groups: int, seed: int) -> np.ndarray:
    """Integer P&L with exact ties: every column has a twin whose rows are shuffled within each group
    (same group sums and sums of squares, different summation order), plus small-integer coincidences."""
    rng = np.random.default_rng(seed)
    g, half = 6, 5
    base = rng.integers(-3, 4, size=(n_groups * g, half))
    twin = base.reshape(n_groups, g, half).copy()
    for grp in twin:
        for j in range(half):
            rng.shuffle(grp[:, j])
    m = np.hstack([base, twin.reshape(n_groups * g, half)])
    m = m[:, rng.permutation(2 * half)]
    return np.vstack([m, rng.integers(-3, 4, size=(3, 2 * half))])  # 3 trailing rows, dropped by CSCV


@pytest.mark.parametrize("n_groups", [4, 8])
@pytest.mark.parametrize("metric", ["sharpe", "mean"])
@pytest.mark.parametrize("path", ["fast", "callable"])
def test_integer_pnl_ties_match_exact_brute_force(n_groups, metric, path):
    # 0.2: metrics within 1e-10 (relative) are ties, so rounding no longer orders exactly tied configurations
    m = integer_pnl(n_groups, seed=n_groups)
    if path == "fast":
        arg = metric
    elif metric == "sharpe":
        arg = lambda a: a.mean(axis=0) / a.std(axis=0, ddof=1)
    else:
        arg = lambda a: a.mean(axis=0)
    res = pbo(m, n_groups=n_groups, metric=arg)
    logits, chosen, is_ties, oos_ties = exact_cscv(m, n_groups, metric)
    assert is_ties == res.n_combinations and oos_ties == res.n_combinations  # the twins tie every time
    np.testing.assert_array_equal(res.selected.astype(int), chosen)
    np.testing.assert_allclose(res.logits, logits, rtol=1e-12, atol=1e-12)
    assert res.pbo == np.mean(logits <= 0)
    assert res.n_obs_dropped == 3
