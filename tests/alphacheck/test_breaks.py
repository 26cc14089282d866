"""alphacheck.alpha.breaks against R strucchange / sandwich, closed forms and planted breaks.

The R comparisons call ``Rscript`` (strucchange, sandwich, jsonlite) on CSV files the test writes; they skip
with a reason when Rscript or the packages are absent. Datasets (trimming 15 %, strucchange's default
``from = 0.15``; one run also at ``from = 0.25``):

* ``stable``: n = 400, r = 0.0004 + 0.9 b + e, b AR(1) (0.1), e iid normal — no break;
* ``alpha_break``: n = 500, the intercept rises by one error sd after observation 300, b AR(1) (0.3);
* ``beta_break``: n = 350 (a trimming that falls between Hansen's tabulated π₀), beta 0.6 -> 1.4 after 140.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from alphacheck._inputs import InputError
from alphacheck.alpha.breaks import (
    _plain_f,
    _trim,
    alpha_decay,
    break_dates,
    break_test,
    fluctuation_test,
    hansen_pvalue,
)

RSCRIPT = shutil.which("Rscript")


def _ar1(rng, n, rho, scale=1.0):
    x = np.empty(n)
    x[0] = rng.standard_normal() * scale / math.sqrt(1 - rho**2)
    for t in range(1, n):
        x[t] = rho * x[t - 1] + scale * rng.standard_normal()
    return x


def datasets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out = {}
    rng = np.random.default_rng(101)
    b = _ar1(rng, 400, 0.1, 0.01)
    out["stable"] = (0.0004 + 0.9 * b + 0.008 * rng.standard_normal(400), b)
    rng = np.random.default_rng(202)
    b = _ar1(rng, 500, 0.3, 0.01)
    out["alpha_break"] = (0.001 + 0.8 * b + 0.01 * rng.standard_normal(500) + np.where(np.arange(500) >= 300, 0.01, 0),
                          b)
    rng = np.random.default_rng(303)
    b = 0.01 * rng.standard_normal(350)
    out["beta_break"] = (0.002 + np.where(np.arange(350) < 140, 0.6, 1.4) * b + 0.01 * rng.standard_normal(350), b)
    return out


R_SCRIPT = r"""
ok <- suppressWarnings(suppressMessages(all(sapply(c("strucchange", "sandwich", "jsonlite"), requireNamespace,
                                                   quietly = TRUE))))
if (!ok) { cat("MISSING-PACKAGES\n"); quit(status = 3) }
suppressMessages({library(strucchange); library(sandwich); library(jsonlite)})
args <- commandArgs(TRUE)
d <- read.csv(args[1])
res <- list()
for (fr in c(0.15, 0.25)) {
  fs <- Fstats(y ~ x, data = d, from = fr)
  key <- if (fr == 0.15) "" else "_25"
  res[[paste0("F", key)]] <- as.vector(fs$Fstats)
  res[[paste0("breakpoint", key)]] <- fs$breakpoint
  for (tp in c("supF", "aveF", "expF")) {
    tt <- sctest(fs, type = tp)
    res[[paste0(tp, key, "_stat")]] <- unname(tt$statistic); res[[paste0(tp, key, "_p")]] <- tt$p.value
  }
}
fm <- lm(y ~ x, data = d)
res$meat_qs <- as.vector(meatHAC(fm, prewhite = 1, kernel = "Quadratic Spectral", adjust = FALSE))
for (tp in c("OLS-CUSUM", "OLS-MOSUM")) {
  for (lr in c(FALSE, TRUE)) {
    e <- efp(y ~ x, data = d, type = tp, h = 0.15, lrvar = lr); tt <- sctest(e)
    key <- paste0(tolower(sub("OLS-", "", tp)), if (lr) "_hac" else "_iid")
    res[[paste0(key, "_stat")]] <- unname(tt$statistic); res[[paste0(key, "_p")]] <- tt$p.value
  }
}
bp <- breakpoints(y ~ x, data = d, h = 0.15)
sb <- summary(bp)
res$rss <- unname(sb$RSS["RSS", ]); res$bic <- unname(sb$RSS["BIC", ])
res$bp_chosen <- if (any(is.na(bp$breakpoints))) integer(0) else bp$breakpoints
b1 <- breakpoints(bp, breaks = 1)$breakpoints
res$bp1 <- b1
ci <- suppressWarnings(confint(bp, breaks = 1))$confint
res$ci1 <- unname(ci[1, ])
ci <- suppressWarnings(confint(bp, breaks = 1, vcov. = function(x) kernHAC(x, adjust = FALSE)))$confint
res$ci1_hac <- unname(ci[1, ])
writeLines(toJSON(lapply(res, function(v) sprintf("%.17g", v))), args[2])
"""


@pytest.fixture(scope="module")
def rres(tmp_path_factory):
    if RSCRIPT is None:
        pytest.skip("Rscript is not installed: the strucchange comparisons need R (CI installs it)")
    tmp = tmp_path_factory.mktemp("rbreaks")
    script = tmp / "ref.R"
    script.write_text(R_SCRIPT)
    out = {}
    for name, (y, x) in datasets().items():
        csv = tmp / f"{name}.csv"
        pd.DataFrame({"y": y, "x": x}).to_csv(csv, index=False, float_format="%.17g")
        js = tmp / f"{name}.json"
        proc = subprocess.run([RSCRIPT, str(script), str(csv), str(js)], capture_output=True, text=True, timeout=1200)
        if proc.returncode == 3 or "MISSING-PACKAGES" in proc.stdout:
            pytest.skip("R packages strucchange, sandwich and jsonlite are needed for the comparison")
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[name] = {k: np.array([float(v) for v in vals]) for k, vals in json.loads(js.read_text()).items()}
    return out


NAMES = ["stable", "alpha_break", "beta_break"]


@pytest.mark.parametrize("name", NAMES)
def test_sup_f_statistic_and_pvalue_equal_strucchange(rres, name):
    y, x = datasets()[name]
    ref = rres[name]
    for key, trim in (("", 0.15), ("_25", 0.25)):
        X = np.column_stack([np.ones_like(x), x])
        frm, to, _ = _trim(y.size, 2, trim)
        np.testing.assert_allclose(_plain_f(y, X, frm, to), ref[f"F{key}"], rtol=1e-10)
        for f in ("sup", "ave", "exp"):
            res = break_test(y, x, method="ols", functional=f, trimming=trim, check_returns=False)
            np.testing.assert_allclose(res.statistic, ref[f"{f}F{key}_stat"][0], rtol=1e-10)
            np.testing.assert_allclose(res.pvalue, ref[f"{f}F{key}_p"][0], rtol=1e-9, atol=1e-14)
            if f == "sup":
                assert res.break_point == int(ref[f"breakpoint{key}"][0])


@pytest.mark.parametrize("name", NAMES)
def test_hac_meat_equals_sandwich(rres, name):
    """The HAC of the LM statistic is sandwich::meatHAC(prewhite = 1, QS, adjust = FALSE)."""
    from alphacheck._hac import lrv_matrix

    y, x = datasets()[name]
    X = np.column_stack([np.ones_like(x), x])
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    om = lrv_matrix(X * e[:, None], weights=np.array([0.0, 1.0])).value
    np.testing.assert_allclose(om.ravel(order="F"), rres[name]["meat_qs"], rtol=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_cusum_mosum_equal_strucchange(rres, name):
    y, x = datasets()[name]
    ref = rres[name]
    for proc in ("cusum", "mosum"):
        for m in ("iid", "hac"):
            res = fluctuation_test(y, x, process=proc, method=m, bandwidth=0.15, check_returns=False)
            np.testing.assert_allclose(res.statistic, ref[f"{proc}_{m}_stat"][0], rtol=1e-9)
            np.testing.assert_allclose(res.pvalue, ref[f"{proc}_{m}_p"][0], rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_bai_perron_equal_strucchange(rres, name):
    y, x = datasets()[name]
    ref = rres[name]
    bd = break_dates(y, x, method="iid", check_returns=False)
    np.testing.assert_allclose(bd.rss.to_numpy(), ref["rss"], rtol=1e-9)
    np.testing.assert_allclose(bd.bic.to_numpy(), ref["bic"], rtol=1e-10)
    assert bd.breaks["break_point"].tolist() == [int(v) for v in ref["bp_chosen"]]
    one = break_dates(y, x, n_breaks=1, method="iid", check_returns=False)
    got = one.breaks.iloc[0]
    assert [got["low"], got["break_point"], got["high"]] == list(ref["ci1"])
    hac = break_dates(y, x, n_breaks=1, method="hac", check_returns=False).breaks.iloc[0]
    assert [hac["low"], hac["break_point"], hac["high"]] == list(ref["ci1_hac"])


def test_hansen_pvalue_limits():
    # tau = 0.5 (lambda = 1): the chi2(k) law; the table rows are exact at the tabulated trimmings
    from scipy import stats

    assert hansen_pvalue(3.0, functional="sup", k=2, lam=1.0) == pytest.approx(stats.chi2.sf(3.0, 2), rel=1e-12)
    p = [hansen_pvalue(s, functional="sup", k=2, lam=32.11) for s in (5.0, 10.0, 15.0, 20.0)]
    assert all(np.diff(p) < 0)


def test_break_test_planted_alpha_break_and_results():
    rng = np.random.default_rng(0)
    n = 600
    idx = pd.bdate_range("2020-01-01", periods=n)
    b = pd.Series(rng.normal(0, 0.01, n), idx)
    r = pd.Series(np.where(np.arange(n) < 360, 0.002, 0.0) + 0.8 * b.to_numpy() + rng.normal(0, 0.005, n), idx)
    res = break_test(r, b, terms="alpha", reps=499, seed=1)
    assert res.pvalue < 0.01 and abs(res.break_point - 360) < 30
    assert res.break_label == idx[res.break_point - 1]
    assert res.alpha_before > 0.0015 and abs(res.alpha_after) < 0.0007
    assert res.beta_before == res.beta_after  # alpha-only break: a common beta
    assert res.bootstrap_distribution.shape == (499,)
    assert res.details["sup_pvalue_hansen"] < 0.01
    hac = break_test(r, b, method="hac", terms="alpha")
    assert hac.statistic == pytest.approx(res.statistic) and hac.pvalue == res.details["sup_pvalue_hansen"]
    assert isinstance(res.sequence, pd.Series) and res.sequence.idxmax() == res.break_label
    # a stable series: no break found, the bootstrap p is not small
    stable = break_test(rng.normal(0.0005, 0.01, 500), reps=299, seed=2)
    assert stable.pvalue > 0.01
    with pytest.raises(InputError, match="terms"):
        break_test(r, b, method="ols", terms="alpha")
    with pytest.raises(InputError, match="trimming"):
        break_test(r, b, trimming=0.6)


def test_lm_statistic_matches_hand_computation():
    """LM(τ) = S_τ' Ω̂⁻¹ S_τ / (n π (1 − π)) with Ω̂ from lrv_matrix, S the partial sums of x_t ê_t."""
    from alphacheck._hac import lrv_matrix

    rng = np.random.default_rng(3)
    n = 300
    b = rng.normal(0, 1, n)
    y = 0.5 * b + rng.normal(0, 1, n)
    X = np.column_stack([np.ones(n), b])
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    g = X * e[:, None]
    om = lrv_matrix(g, weights=np.array([0.0, 1.0])).value
    frm, to, _ = _trim(n, 2, 0.15)
    s = np.cumsum(g, axis=0)
    hand = [s[t - 1] @ np.linalg.solve(om, s[t - 1]) / (n * (t / n) * (1 - t / n)) for t in range(frm, to + 1)]
    res = break_test(y, b, method="hac", check_returns=False)
    np.testing.assert_allclose(res.sequence.to_numpy(), hand, rtol=1e-12)
    assert res.statistic == pytest.approx(max(hand), rel=1e-12)


def test_alpha_decay_recovers_half_life_and_covers():
    """Planted half-life 400 over 2,000 periods; coverage of the 95 % interval of λ on 150 worlds."""
    lam = math.log(2) / 400
    t = np.arange(2000)
    rng = np.random.default_rng(7)
    covered = 0
    worlds = 150
    for _ in range(worlds):
        r = 0.004 * np.exp(-lam * t) + rng.normal(0, 0.01, 2000)
        res = alpha_decay(r, alternative="two-sided")
        lo, hi = res.confidence_interval()
        covered += lo <= lam <= hi
    share = covered / worlds
    print(f"\n[alpha_decay] coverage of the 95% lambda interval on {worlds} planted worlds: {share:.3f}")
    assert 0.88 <= share <= 0.99
    res = alpha_decay(0.004 * np.exp(-lam * t) + np.random.default_rng(5).normal(0, 0.01, 2000))
    assert res.identified and 200 < res.half_life < 800
    assert res.half_life_interval[0] < res.half_life < res.half_life_interval[1]


def test_alpha_decay_no_decay_and_dates():
    rng = np.random.default_rng(11)
    idx = pd.bdate_range("2015-01-01", periods=1500)
    r = pd.Series(0.001 + rng.normal(0, 0.01, 1500), idx)
    res = alpha_decay(r)
    assert res.pvalue > 0.01
    assert res.half_life_interval[1] == math.inf  # the λ interval includes 0: no upper bound on the half-life
    assert 200 < res.details["periods_per_year"] < 300
    ppy = res.details["periods_per_year"]
    assert res.half_life == math.inf or res.half_life_years == pytest.approx(res.half_life / ppy)


def test_break_dates_two_breaks_and_labels():
    rng = np.random.default_rng(4)
    n = 600
    idx = pd.bdate_range("2019-01-01", periods=n)
    b = rng.normal(0, 0.01, n)
    alpha = np.select([np.arange(n) < 200, np.arange(n) < 420], [0.004, -0.002], 0.001)
    r = pd.Series(alpha + 0.9 * b + rng.normal(0, 0.003, n), idx)
    bd = break_dates(r, pd.Series(b, idx), n_breaks=2)
    pts = bd.breaks["break_point"].tolist()
    assert abs(pts[0] - 200) <= 10 and abs(pts[1] - 420) <= 30
    assert (bd.breaks["low"] <= bd.breaks["break_point"]).all()
    assert (bd.breaks["break_point"] <= bd.breaks["high"]).all()
    assert bd.breaks["label"].iloc[0] == idx[pts[0] - 1]
    assert len(bd.segments) == 3 and bd.segments["alpha"].iloc[0] == pytest.approx(0.004, abs=0.001)
    assert "Bai-Perron" in bd.summary()
