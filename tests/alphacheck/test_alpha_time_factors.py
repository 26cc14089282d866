"""Rolling and expanding alpha, conditional (Ferson-Schadt) alpha, multi-factor alpha and GRS, factor files."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from alphacheck import newey_west_lags
from alphacheck._inputs import InputError
from alphacheck.alpha import (
    conditional_alpha,
    expanding_alpha,
    factor_alpha,
    jensen_alpha,
    read_factors,
    read_french_factors,
    rolling_alpha,
)
from alphacheck.alpha.factors import _grs_replicates, grs_statistic

# ---------------------------------------------------------------------------------------------- rolling


def _pair(n=600, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-01-01", periods=n)
    b = pd.Series(rng.normal(0, 0.01, n), idx, name="bench")
    r = pd.Series(0.0004 + 0.8 * b.to_numpy() + rng.normal(0, 0.005, n), idx, name="strat")
    return r, b


def test_rolling_windows_equal_jensen_alpha_on_each_window():
    r, b = _pair()
    res = rolling_alpha(r, b, window=250, step=70)
    assert res.table.index[-1] == r.index[-1]
    for end, row in res.table.iloc[[0, 3, -1]].iterrows():
        pos = r.index.get_loc(end) + 1
        ja = jensen_alpha(r.iloc[pos - 250: pos], b.iloc[pos - 250: pos])
        assert row["alpha"] == pytest.approx(ja.alpha, rel=1e-12)
        assert row["alpha_se"] == pytest.approx(ja.se, rel=1e-12)
        assert row["beta"] == pytest.approx(ja.beta, rel=1e-12)
        assert row["maxlags"] == newey_west_lags(250)
        assert row["alpha_low"] == pytest.approx(ja.confidence_interval().low, rel=1e-10)


def test_expanding_last_window_is_the_full_sample_and_plot():
    r, b = _pair()
    res = expanding_alpha(r, b, min_periods=120, step=120, method="iid")
    full = jensen_alpha(r, b, method="iid")
    assert res.table["n"].iloc[-1] == 600 and res.table["alpha"].iloc[-1] == pytest.approx(full.alpha, rel=1e-12)
    # iid bands are normal-law here (pointwise z), the standard error is the iid one
    assert res.table["alpha_se"].iloc[-1] == pytest.approx(full.se, rel=1e-12)
    from alphacheck.report.plots import plot_rolling_alpha, to_png

    fig = plot_rolling_alpha(res)
    assert len(fig.axes) == 2 and to_png(fig)[:4] == b"\x89PNG"
    assert "Expanding" in res.summary()
    with pytest.raises(InputError, match="window"):
        rolling_alpha(r, b, window=5000)
    with pytest.raises(InputError, match="maxlags"):
        rolling_alpha(r, b, window=200, method="iid", maxlags=3)


# ---------------------------------------------------------------------------------------------- conditional


def _conditional_world(n=1500, seed=0, beta_slope=0.8, alpha_slope=0.0):
    rng = np.random.default_rng(seed)
    vol = np.abs(rng.normal(1.0, 0.3, n))
    b = rng.normal(0, 0.01, n)
    lagged = np.r_[vol[0], vol[:-1]] - 1.0
    r = alpha_slope * lagged + (1.0 + beta_slope * lagged) * b + rng.normal(0, 0.004, n)
    return r, b, vol


def test_conditional_alpha_equals_statsmodels_hac_and_wald():
    r, b, vol = _conditional_world()
    res = conditional_alpha(r, b, vol)
    z = vol[:-1] - vol[:-1].mean()
    X = np.column_stack([np.ones(z.size), z, b[1:], z * b[1:]])
    ref = sm.OLS(r[1:], X).fit(cov_type="HAC", cov_kwds={"maxlags": res.maxlags})
    np.testing.assert_allclose(res.table["coef"], ref.params, rtol=1e-10)
    np.testing.assert_allclose(res.table["se"], ref.bse, rtol=1e-10)
    assert res.pvalue == pytest.approx(ref.pvalues[0], rel=1e-10)
    w = ref.wald_test(np.array([[0, 0, 0, 1.0]]), use_f=False, scalar=True)
    assert res.beta_terms_test.statistic == pytest.approx(float(w.statistic), rel=1e-10)
    w2 = ref.wald_test(np.array([[0, 1.0, 0, 0], [0, 0, 0, 1.0]]), use_f=False, scalar=True)
    assert res.conditional_terms_test.statistic == pytest.approx(float(w2.statistic), rel=1e-10)
    assert res.conditional_terms_test.pvalue == pytest.approx(float(w2.pvalue), rel=1e-8)
    assert res.beta_terms_test.pvalue < 1e-6 and res.alpha_terms_test.pvalue > 0.01
    assert res.conditional_beta.shape == (1499,)
    assert res.beta == pytest.approx(1.0, abs=0.05)
    assert len(res.wald_table()) == 3 and "Ferson-Schadt" in res.summary()


def test_conditional_beta_only_and_lag_zero():
    r, b, vol = _conditional_world(beta_slope=0.0, alpha_slope=0.002)
    both = conditional_alpha(r, b, vol)
    assert both.alpha_terms_test.pvalue < 0.01 and both.beta_terms_test.pvalue > 0.01
    only_beta = conditional_alpha(r, b, vol, terms="beta")
    assert only_beta.alpha_terms_test is None and "alpha x state" not in only_beta.table.index
    lagged = pd.Series(vol).shift(1).to_numpy()[1:]
    same = conditional_alpha(r[1:], b[1:], lagged, state_lag=0)
    np.testing.assert_allclose(same.table["coef"], both.table["coef"], rtol=1e-12)
    with pytest.raises(InputError, match="hac_pvalues"):
        conditional_alpha(r, b, vol, method="iid", hac_pvalues="fixed-b")


# ---------------------------------------------------------------------------------------------- factors / GRS


def _factor_world(t=240, n=10, k=3, seed=0, alpha=0.0):
    rng = np.random.default_rng(seed)
    f = rng.normal(0.005, 0.04, (t, k))
    r = alpha + f @ rng.uniform(0.5, 1.5, (k, n)) + rng.normal(0, 0.02, (t, n))
    return r, f


def _grs_by_hand(r, f):
    """GRS (1989) eq. (8) with MLE covariances, from statsmodels regressions one strategy at a time."""
    t, n = r.shape
    k = f.shape[1]
    X = sm.add_constant(f)
    fits = [sm.OLS(r[:, i], X).fit() for i in range(n)]
    a = np.array([ft.params[0] for ft in fits])
    E = np.column_stack([ft.resid for ft in fits])
    sigma = E.T @ E / t
    mu = f.mean(axis=0)
    omega = np.cov(f.T, bias=True).reshape(k, k)
    w = (t - n - k) / n * (a @ np.linalg.inv(sigma) @ a) / (1 + mu @ np.linalg.inv(omega) @ mu)
    return w, stats.f.sf(w, n, t - n - k)


def test_grs_equals_hand_computation():
    r, f = _factor_world(alpha=0.006)
    res = factor_alpha(r, f)
    w, p = _grs_by_hand(r, f)
    assert res.statistic == pytest.approx(w, rel=1e-10) and res.pvalue == pytest.approx(p, rel=1e-8)
    assert res.df == (10, 227) and res.pvalue < 0.01
    assert res.table.shape[0] == 10 and "beta_factor_1" in res.table.columns
    assert res.sharpe_alpha == pytest.approx(res.estimate)


def test_grs_single_strategy_is_the_squared_ols_t():
    """N = 1: W = t² of the iid OLS alpha and the F(1, T − K − 1) p-value is the two-sided t p-value."""
    r, f = _factor_world(n=1, alpha=0.003, seed=4)
    ols = sm.OLS(r[:, 0], sm.add_constant(f)).fit()
    res = factor_alpha(r[:, 0], f)
    assert res.statistic == pytest.approx(ols.tvalues[0] ** 2, rel=1e-10)
    assert res.pvalue == pytest.approx(ols.pvalues[0], rel=1e-8)


def test_grs_bootstrap_replicates_and_reproducibility():
    r, f = _factor_world(seed=2)
    a = factor_alpha(r, f, method="bootstrap", reps=299, seed=5)
    b = factor_alpha(r, f, method="bootstrap", reps=299, seed=5, n_jobs=1)
    np.testing.assert_array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    assert a.pvalue == (1 + np.count_nonzero(a.bootstrap_distribution >= a.statistic)) / 300
    assert a.pvalue_f == pytest.approx(factor_alpha(r, f).pvalue)
    # one replicate by hand: regress the resampled residuals on [1, resampled factors]
    X = np.column_stack([np.ones(240), f])
    e = r - X @ np.linalg.lstsq(X, r, rcond=None)[0]
    z = np.column_stack([f, e])
    idx = np.random.default_rng(0).integers(0, 240, (1, 240))
    Xs = np.column_stack([np.ones(240), f[idx[0]]])
    es = e[idx[0]] - Xs @ np.linalg.lstsq(Xs, e[idx[0]], rcond=None)[0]
    al = np.linalg.lstsq(Xs, e[idx[0]], rcond=None)[0][0]
    assert _grs_replicates(z, 3, idx)[0] == pytest.approx(grs_statistic(al, es, f[idx[0]])[0], rel=1e-9)


def test_factor_alpha_input_errors():
    r, f = _factor_world(t=12, n=10)
    with pytest.raises(InputError, match="T > N"):
        factor_alpha(r, f)
    r, f = _factor_world()
    with pytest.raises(InputError, match="collinear"):
        factor_alpha(r, np.column_stack([f, f[:, 0]]))


FRENCH = """This file was created by CMPT_ME_BEME_RETS using the 202312 CRSP database.
The 1-month TBill return is from Ibbotson and Associates, Inc.

,Mkt-RF,SMB,HML,RF
192607,    2.96,   -2.56,   -2.43,    0.22
192608,    2.64,   -1.17,    3.82,    0.25
192609,    0.36,   -1.40,    0.13,    0.23
192610,  -99.99,   -0.09,    0.70,    0.32

 Annual Factors: January-December
,Mkt-RF,SMB,HML,RF
1927,   29.47,   -2.46,   -3.75,    3.12
1928,   35.39,    4.41,   -5.83,    3.56

Copyright 2023 Kenneth R. French
"""


def test_read_french_factors_layout(tmp_path):
    p = tmp_path / "F-F_Research_Data_Factors.CSV"
    p.write_text(FRENCH.replace("\n", "\r\n"), encoding="latin-1")
    m = read_french_factors(p)
    assert list(m.columns) == ["Mkt-RF", "SMB", "HML", "RF"] and len(m) == 4
    assert m.index[0] == pd.Timestamp("1926-07-31") and m.loc["1926-08-31", "HML"] == pytest.approx(0.0382)
    assert np.isnan(m.iloc[3, 0])
    a = read_french_factors(p, table="annual")
    assert a.index[-1] == pd.Timestamp("1928-12-31") and a.iloc[0, 0] == pytest.approx(0.2947)
    z = tmp_path / "F-F_Research_Data_Factors_CSV.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("F-F_Research_Data_Factors.CSV", FRENCH)
    pd.testing.assert_frame_equal(read_french_factors(z), m)
    daily = tmp_path / "daily.CSV"
    daily.write_text("daily file\n\n,Mkt-RF,SMB,HML,RF\n19260701,    0.10,   -0.25,   -0.27,    0.009\n"
                     "19260702,    0.45,   -0.33,   -0.06,    0.009\n")
    d = read_french_factors(daily)
    assert d.index[1] == pd.Timestamp("1926-07-02") and d.iloc[1, 0] == pytest.approx(0.0045)
    with pytest.raises(InputError, match="table"):
        read_french_factors(p, table="weekly")
    (tmp_path / "bad.csv").write_text("nothing here\n")
    with pytest.raises(InputError, match="layout"):
        read_french_factors(tmp_path / "bad.csv")


def test_read_factors_own_file_and_alpha(tmp_path):
    rng = np.random.default_rng(9)
    dates = pd.date_range("2020-01-31", periods=120, freq="ME")
    f = pd.DataFrame(rng.normal(0.5, 4.0, (120, 2)), index=dates, columns=["mkt", "carry"])
    p = tmp_path / "my_factors.csv"
    f.rename_axis("month").reset_index().to_csv(p, index=False)
    got = read_factors(p, date_column="month", units="percent")
    np.testing.assert_allclose(got.to_numpy(), f.to_numpy() / 100)
    assert got.index.equals(pd.DatetimeIndex(dates, name="date"))
    strat = pd.DataFrame(got.to_numpy() @ np.array([[1.0, 0.5], [0.2, 0.8]]) + rng.normal(0, 0.01, (120, 2)),
                         index=got.index, columns=["s1", "s2"])
    res = factor_alpha(strat, got)
    assert list(res.table.index) == ["s1", "s2"] and list(res.betas.columns) == ["mkt", "carry"]
    with pytest.raises(InputError, match="date_column"):
        read_factors(p, date_column="day")
    (tmp_path / "dup.csv").write_text("date,x\n2020-01-31,1\n2020-01-31,2\n")
    with pytest.raises(InputError, match="duplicated"):
        read_factors(tmp_path / "dup.csv")
    assert read_factors(io.StringIO("d,x\n2020-01-02,0.1\n2020-01-01,0.2\n")).index.is_monotonic_increasing
