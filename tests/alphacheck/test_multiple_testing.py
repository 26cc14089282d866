"""adjust_pvalues (statsmodels) and the Harvey-Liu haircut Sharpe ratio against hand computations."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from alphacheck import InputError
from alphacheck.overfitting import HaircutResult, adjust_pvalues, haircut_sharpe

P = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])


@pytest.mark.parametrize(
    "ours, theirs",
    [("holm", "holm"), ("bonferroni", "bonferroni"), ("bh", "fdr_bh"), ("bhy", "fdr_by"),
     ("hochberg", "simes-hochberg")],
)
def test_adjust_matches_statsmodels(ours, theirs):
    np.testing.assert_allclose(adjust_pvalues(P, method=ours), multipletests(P, method=theirs)[1])


def test_adjust_hand_values_and_pandas_roundtrip():
    s = pd.Series([0.01, 0.04, 0.03], index=["a", "b", "c"])
    bonf = adjust_pvalues(s, method="bonferroni")
    assert isinstance(bonf, pd.Series) and list(bonf.index) == ["a", "b", "c"]
    np.testing.assert_allclose(bonf.to_numpy(), [0.03, 0.12, 0.09])
    # Holm: sorted 0.01*3, 0.03*2, 0.04*1 -> 0.03, 0.06, max(0.04, 0.06) = 0.06
    np.testing.assert_allclose(adjust_pvalues(s, method="holm").to_numpy(), [0.03, 0.06, 0.06])
    # BH: 0.04*3/3 = 0.04, 0.03*3/2 = 0.045 -> min with later = 0.04, 0.01*3 = 0.03
    np.testing.assert_allclose(adjust_pvalues(s, method="bh").to_numpy(), [0.03, 0.04, 0.04])
    c3 = 1 + 1 / 2 + 1 / 3
    np.testing.assert_allclose(adjust_pvalues(s, method="bhy").to_numpy(),
                               np.minimum(np.array([0.03, 0.04, 0.04]) * c3, 1))
    assert isinstance(adjust_pvalues([0.1, 0.2]), np.ndarray)


@pytest.mark.parametrize("bad, match", [([0.1, 1.2], r"\[0, 1\]"), ([0.1, np.nan], "non-finite"), ([], "at least 1")])
def test_adjust_bad_inputs(bad, match):
    with pytest.raises(InputError, match=match):
        adjust_pvalues(bad)
    with pytest.raises(InputError, match="method"):
        adjust_pvalues([0.1], method="fdr")


# The Harvey & Liu haircut (rewritten to their published method in 0.2) is tested against the paper's
# worked example in test_haircut.py; here: its general properties.


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        adjust_pvalues(P, "holm")
    with pytest.raises(TypeError):
        haircut_sharpe(0.1, 500, 50)


def test_bonferroni_haircut_by_hand():
    # per period: t = SR sqrt(n), p = 2 P(t_{n-1} > |t|), Bonferroni M p, inverted with the same t law
    res = haircut_sharpe(0.1, n_obs=500, n_trials=10, method="bonferroni")
    t = 0.1 * np.sqrt(500)
    p = 2 * stats.t.sf(t, 499)
    assert res.statistic == pytest.approx(t) and res.single_pvalue == pytest.approx(p)
    assert res.pvalue == pytest.approx(10 * p)
    assert res.haircut_sharpe == pytest.approx(stats.t.isf(5 * p, 499) / np.sqrt(500))
    assert isinstance(res, HaircutResult)


@pytest.mark.parametrize("method", ["bonferroni", "holm", "bhy"])
def test_haircut_zero_for_one_trial_and_monotone_in_trials(method):
    assert haircut_sharpe(0.08, n_obs=1000, n_trials=1, method=method).haircut == pytest.approx(0.0, abs=1e-12)
    trials = (2, 5, 10, 50, 100, 1000)
    cuts = [haircut_sharpe(0.15, n_obs=1000, n_trials=m, method=method, n_sims=2000).haircut for m in trials]
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(cuts))
    assert cuts[-1] > cuts[0]


def test_negative_sharpe_and_total_haircut():
    neg = haircut_sharpe(-0.1, n_obs=500, n_trials=10, method="bonferroni")
    pos = haircut_sharpe(0.1, n_obs=500, n_trials=10, method="bonferroni")
    assert neg.haircut_sharpe == pytest.approx(-pos.haircut_sharpe)
    weak = haircut_sharpe(0.01, n_obs=100, n_trials=100, method="bonferroni")
    assert weak.pvalue == 1.0 and weak.haircut == 1.0 and weak.haircut_sharpe == 0.0
    assert "haircut" in pos.summary().lower()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sharpe": 0.0}, "undefined"),
        ({"sharpe": np.nan}, "finite"),
        ({"n_obs": 1}, ">= 3"),
        ({"n_trials": 0}, ">= 1"),
        ({"method": "fdr"}, "method"),
        ({"periods_per_year": -12}, "positive"),
    ],
)
def test_haircut_bad_inputs(kwargs, match):
    args = {"sharpe": 0.1, "n_obs": 100, "n_trials": 10}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        haircut_sharpe(**args)
