"""Jensen alpha and the mean test against R: sandwich + lmtest (HAC and HC1 covariances) and tseries.

Each comparison writes the data to R on stdin and reads back R's numbers; it skips with a reason when Rscript
or a package is absent (CI installs r-cran-sandwich, r-cran-lmtest and r-cran-tseries).
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import alphacheck as ac
from alphacheck._hac import newey_west_lags

RSCRIPT = shutil.which("Rscript")
pytestmark = pytest.mark.skipif(RSCRIPT is None, reason="Rscript is not installed (CI installs it)")


def _r(code: str, *columns: np.ndarray) -> np.ndarray:
    data = "\n".join(" ".join(f"{v:.17g}" for v in row) for row in np.column_stack(columns))
    proc = subprocess.run([RSCRIPT, "-e", code], input=data, capture_output=True, text=True, timeout=120)
    if proc.returncode:
        if "there is no package" in proc.stderr:
            pytest.skip(f"an R package is missing: {proc.stderr.strip()[-200:]}")
        raise AssertionError(proc.stderr[-2000:])
    return np.array(proc.stdout.split(), dtype=float)


def _world(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    b = 0.01 * rng.standard_normal(n)
    c = 0.01 * rng.standard_normal(n)
    e = np.empty(n)
    e[0] = rng.standard_normal()
    for t in range(1, n):  # AR(1) 0.5 errors with GARCH-like scale changes: HAC and HC1 differ from iid
        e[t] = 0.5 * e[t - 1] + rng.standard_normal() * (1.5 if (t // 100) % 2 else 0.7)
    r = 0.0004 + 1.1 * b + 0.3 * c + 0.008 * e
    return r, b, c


HAC_R = """
suppressMessages({library(sandwich); library(lmtest)})
d <- as.matrix(read.table(file("stdin")))
m <- lm(d[, 1] ~ d[, 2] + d[, 3])
for (V in list(NeweyWest(m, lag = LAGS, prewhite = FALSE, adjust = FALSE), vcovHC(m, type = "HC1"))) {
  ct <- coeftest(m, vcov. = V, df = Inf)
  cat(sprintf("%.17g", c(ct[1, 2], ct[1, 3], ct[1, 4], sqrt(diag(V))[2])), "\n")
}
"""


@pytest.mark.parametrize("seed", [1, 2])
def test_jensen_alpha_hac_and_hc1_equal_sandwich(seed):
    r, b, c = _world(600, seed)
    lags = newey_west_lags(r.size)
    out = _r(HAC_R.replace("LAGS", str(lags)), r, b, c).reshape(2, 4)
    for row, method in zip(out, ("hac", "hc1")):
        res = ac.jensen_alpha(r, b, controls=c, method=method, **({"maxlags": lags} if method == "hac" else {}))
        assert res.se == pytest.approx(row[0], rel=1e-9), method
        assert res.statistic == pytest.approx(row[1], rel=1e-9), method
        assert res.pvalue == pytest.approx(row[2], rel=1e-8, abs=1e-14), method


def test_hac_mean_test_equals_sandwich_on_an_intercept_only_model():
    r, _, _ = _world(800, 3)
    lags = newey_west_lags(r.size)
    code = ("suppressMessages({library(sandwich); library(lmtest)}); d <- as.matrix(read.table(file('stdin'))); "
            f"m <- lm(d[, 1] ~ 1); ct <- coeftest(m, vcov. = NeweyWest(m, lag = {lags}, prewhite = FALSE, "
            "adjust = FALSE), df = Inf); cat(sprintf('%.17g', c(ct[1, 2], ct[1, 4])))")
    se, p = _r(code, r)
    res = ac.mean_test(r, method="hac", maxlags=lags)
    assert res.se == pytest.approx(se, rel=1e-9)
    assert res.pvalue == pytest.approx(p, rel=1e-8)
