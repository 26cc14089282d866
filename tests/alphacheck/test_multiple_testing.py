"""adjust_pvalues (statsmodels) and the Harvey-Liu haircut Sharpe ratio against hand computations."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from alphacheck import InputError
from alphacheck.overfitting import HaircutResult, adjust_pvalues, haircut_sharpe

P = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])


@pytest.mark.parametrize(
    "ours, theirs", [("holm", "holm"), ("bonferroni", "bonferroni"), ("bh", "fdr_bh"), ("bhy", "fdr_by"), ("hochberg", "simes-hochberg")]
)
def test_adjust_matches_statsmodels(ours, theirs):
    np.testing.assert_allclose(adjust_pvalues(P, ours), multipletests(P, method=theirs)[1])


def test_adjust_hand_values_and_pandas_roundtrip():
    s = pd.Series([0.01, 0.04, 0.03], index=["a", "b", "c"])
    bonf = adjust_pvalues(s, "bonferroni")
    assert isinstance(bonf, pd.Series) and list(bonf.index) == ["a", "b", "c"]
    np.testing.assert_allclose(bonf.to_numpy(), [0.03, 0.12, 0.09])
    # Holm: sorted 0.01*3, 0.03*2, 0.04*1 -> 0.03, 0.06, max(0.04, 0.06) = 0.06
    np.testing.assert_allclose(adjust_pvalues(s, "holm").to_numpy(), [0.03, 0.06, 0.06])
    # BH: 0.04*3/3 = 0.04, 0.03*3/2 = 0.045 -> min with later = 0.04, 0.01*3 = 0.03
    np.testing.assert_allclose(adjust_pvalues(s, "bh").to_numpy(), [0.03, 0.04, 0.04])
    c3 = 1 + 1 / 2 + 1 / 3
    np.testing.assert_allclose(adjust_pvalues(s, "bhy").to_numpy(), np.minimum(np.array([0.03, 0.04, 0.04]) * c3, 1))
    assert isinstance(adjust_pvalues([0.1, 0.2]), np.ndarray)


@pytest.mark.parametrize("bad, match", [([0.1, 1.2], r"\[0, 1\]"), ([0.1, np.nan], "non-finite"), ([], "at least 1")])
def test_adjust_bad_inputs(bad, match):
    with pytest.raises(InputError, match=match):
        adjust_pvalues(bad)
    with pytest.raises(InputError, match="method"):
        adjust_pvalues([0.1], "fdr")


def test_bonferroni_haircut_by_hand():
    # Harvey & Liu's running example: annualized SR 0.92 from 10 years of monthly data, 200 trials.
    res = haircut_sharpe(0.92, n_obs=120, n_trials=200, method="bonferroni", periods_per_year=12)
    t = 0.92 * np.sqrt(10)
    p = 2 * stats.norm.sf(t)
    p_b = min(200 * p, 1)
    t_b = stats.norm.isf(p_b / 2)
    assert isinstance(res, HaircutResult)
    assert res.tstat == pytest.approx(t, rel=1e-12)
    assert res.pvalue == pytest.approx(p, rel=1e-12)
    assert res.adjusted_pvalue == pytest.approx(p_b, rel=1e-12)
    assert res.haircut_sharpe == pytest.approx(t_b / np.sqrt(10), rel=1e-10)
    assert res.haircut == pytest.approx(1 - t_b / np.sqrt(10) / 0.92, rel=1e-10)
    assert 0.85 < res.haircut < 0.90  # ~88%, far above the "50% rule of thumb"


def test_per_period_and_annualized_units_agree():
    per = haircut_sharpe(0.05, n_obs=2520, n_trials=20, method="bonferroni")
    ann = haircut_sharpe(0.05 * np.sqrt(252), n_obs=2520, n_trials=20, method="bonferroni", periods_per_year=252)
    assert per.tstat == pytest.approx(ann.tstat)
    assert per.haircut == pytest.approx(ann.haircut)
    assert ann.haircut_sharpe == pytest.approx(per.haircut_sharpe * np.sqrt(252))


def test_holm_equals_bonferroni_and_bhy_uses_c_m():
    h = haircut_sharpe(0.1, 500, 50, method="holm")
    b = haircut_sharpe(0.1, 500, 50, method="bonferroni")
    y = haircut_sharpe(0.1, 500, 50, method="bhy")
    assert h.adjusted_pvalue == b.adjusted_pvalue
    c_m = np.sum(1 / np.arange(1, 51))
    assert y.adjusted_pvalue == pytest.approx(min(50 * c_m * b.pvalue, 1))
    assert "conservative" in y.assumption


def test_trial_pvalues_give_exact_family_adjustment():
    others = np.array([0.0001, 0.002, 0.3, 0.5])
    res = haircut_sharpe(0.1, 500, 5, method="bhy", trial_pvalues=others)
    p = 2 * stats.norm.sf(0.1 * np.sqrt(500))
    expected = multipletests(np.append(others, p), method="fdr_by")[1][-1]
    assert res.adjusted_pvalue == pytest.approx(expected)
    with pytest.raises(InputError, match="n_trials - 1"):
        haircut_sharpe(0.1, 500, 5, trial_pvalues=[0.1, 0.2])


@pytest.mark.parametrize("method", ["bonferroni", "holm", "bhy"])
def test_haircut_zero_for_one_trial_and_monotone_in_trials(method):
    assert haircut_sharpe(0.08, 1000, 1, method=method).haircut == pytest.approx(0.0, abs=1e-12)
    trials = (1, 2, 5, 10, 50, 100, 1000)
    cuts = [haircut_sharpe(0.15, 1000, m, method=method).haircut for m in trials]  # t = 4.74: no saturation
    assert all(a < b for a, b in zip(cuts, cuts[1:]))
    weak = [haircut_sharpe(0.08, 1000, m, method=method).haircut for m in trials]  # saturates at 1
    assert all(a <= b for a, b in zip(weak, weak[1:])) and weak[-1] == 1.0


def test_negative_sharpe_and_total_haircut():
    neg = haircut_sharpe(-0.1, 500, 10, method="bonferroni")
    pos = haircut_sharpe(0.1, 500, 10, method="bonferroni")
    assert neg.haircut_sharpe == pytest.approx(-pos.haircut_sharpe)
    weak = haircut_sharpe(0.01, 100, 100, method="bonferroni")
    assert weak.adjusted_pvalue == 1.0 and weak.haircut == 1.0 and weak.haircut_sharpe == 0.0
    assert "haircut" in pos.summary().lower()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sharpe": 0.0}, "undefined"),
        ({"sharpe": np.nan}, "finite"),
        ({"n_obs": 1}, ">= 2"),
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
