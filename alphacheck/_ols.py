"""Ordinary least squares, its covariances and the studentised paired block bootstrap, streamed.

The one home of regression arithmetic in alphacheck (Jensen alpha, up/down beta, factor models,
rolling and conditional alpha, break tests all fit through here).

* :func:`ols` — coefficients, residuals, (X'X)^{-1}, R², by a least-squares solve.
* :func:`covariance` — ``"iid"`` s²(X'X)^{-1} (s² = SSR/(n-p)); ``"hc1"`` White (1980) with the
  n/(n-p) factor (MacKinnon & White 1985); ``"hac"`` Newey & West (1987): (X'X)^{-1} n Ω̂ (X'X)^{-1} with
  Ω̂ the Bartlett long-run covariance of the scores x_t e_t (:func:`alphacheck._hac.hac_matrix`), no
  small-sample factor — equal to statsmodels ``OLS.fit(cov_type="HAC", cov_kwds={"maxlags": L})`` and R
  ``sandwich::NeweyWest(fit, lag = L, prewhite = FALSE, adjust = FALSE)``.
* :func:`influence` — ψ_t = n c'(X'X)^{-1} x_t e_t, the influence function of a linear combination c'β̂
  (c'β̂ − c'β = mean(ψ) exactly), whose long-run variance over n is the variance of c'β̂.
* :func:`paired_bootstrap` — the studentised paired (rows/"cases") block bootstrap.

Paired block bootstrap (Freedman 1981; Davison & Hinkley 1997, sec. 6.2.4 and 8.2.3; blocks of rows
as in Politis & Romano 1994): blocks of whole rows (y_t, x_t) are resampled and OLS re-fitted on each
replicate. The normal equations of replicate r are sums over its blocks of the products x_a x_b and
x_a y, so with S_j the vector of block-j sums of those product columns (and L_j the block length) the
replicate's X*'X* and X*'y* are Σ_j S_j. Each replicate is studentised by its own block variance
(Götze & Künsch 1996, Ann. Statist. 24(5), eq. (2.4), for a smooth function of means): its score
block sums are s_j = Σ_{t∈j} x_t (y_t − x_t'β*) = M(β*) S_j, linear in S_j, so
Ω* = Σ_j s_j s_j' = M C M' with C = Σ_j S_j S_j' — the block cross moments of
:func:`alphacheck._resample.streamed_block_moments` — and Var*(c'β*) = c' A*^{-1} Ω* A*^{-1} c,
A* = X*'X*. The pivot T*_r = (c'β*_r − c'β̂)/se*_r stands in for the null law of
T = (c'β̂ − c_0)/se, where se² is the AR(1)-prewhitened Quadratic-Spectral long-run variance of ψ over n
(Andrews & Monahan 1992), as in the mean and Sharpe tests. Memory is O(n + reps · k²): the plan is drawn
and reduced chunk by chunk in threads, never held whole; the bits depend on the seed only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from alphacheck._hac import hac_matrix, lrv
from alphacheck._inputs import InputError
from alphacheck._resample import streamed_block_moments

__all__ = ["OLSFit", "ols", "require_residuals", "covariance", "influence", "paired_bootstrap", "PairedBootstrap"]

CovKind = Literal["hac", "iid", "hc1"]


@dataclass(frozen=True)
class OLSFit:
    """Least-squares fit of y on X (X holds the constant if there is one)."""

    coef: np.ndarray
    resid: np.ndarray
    fitted: np.ndarray
    xtx_inv: np.ndarray
    n: int
    p: int
    ssr: float
    rsquared: float
    rsquared_adj: float


def ols(y: np.ndarray, X: np.ndarray) -> OLSFit:
    """OLS of y (n,) on X (n, p); R² is centred when X holds a constant column (as statsmodels)."""
    n, p = X.shape
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    fitted = X @ coef
    resid = y - fitted
    xtx_inv = np.linalg.inv(X.T @ X)
    ssr = float(resid @ resid)
    has_const = bool(np.any(np.all(X == X[0], axis=0) & (X[0] != 0)))
    tss = float(((y - y.mean()) ** 2).sum()) if has_const else float(y @ y)
    r2 = 1.0 - ssr / tss if tss > 0 else float("nan")
    dof = n - p
    r2_adj = 1.0 - (1.0 - r2) * (n - (1 if has_const else 0)) / dof if dof > 0 else float("nan")
    return OLSFit(coef, resid, fitted, xtx_inv, n, p, ssr, float(r2), float(r2_adj))


# Residuals smaller than this share of the dependent variable's spread are rounding, not tracking error: an
# exact fit. A real index tracker's residual sd is ~1e-3 of its returns'; rounding leaves ~1e-16.
_EXACT_FIT = 1e-10


def require_residuals(y: np.ndarray, X: np.ndarray, resid: np.ndarray | None = None, *, name: str = "returns",
                      regressors: str = "the benchmark and controls") -> None:
    """Refuse an exact fit: y (n,) or (n, m) a linear combination of X's columns up to rounding (R² = 1).

    There the residuals are rounding noise, so every standard error, t and p-value would be an artefact of
    the last bits (alpha ~1e-19 "significant"); the question "is there alpha beyond the regressors" has no
    sampling variance to answer it with. ``resid``: the fit's residuals when already computed."""
    if resid is None:
        resid = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    y2 = y if y.ndim == 2 else y[:, None]
    r2 = resid if resid.ndim == 2 else resid[:, None]
    exact = np.std(r2, axis=0) <= _EXACT_FIT * np.std(y2, axis=0)
    if exact.any():
        which = "" if y.ndim == 1 else f" (column(s) {np.flatnonzero(exact)[:5].tolist()})"
        raise InputError(name, f"is an exact linear combination of {regressors}{which}: the regression residuals "
                               "vanish up to rounding (R² = 1), so there is no alpha or tracking error to test; "
                               "check that the returns are not the benchmark itself (scaled or shifted)")


def covariance(fit: OLSFit, X: np.ndarray, *, kind: CovKind = "hac", maxlags: int = 0) -> np.ndarray:
    """Covariance of the OLS coefficients (see the module docstring for the three kinds)."""
    if kind == "iid":
        return fit.xtx_inv * (fit.ssr / (fit.n - fit.p))
    u = X * fit.resid[:, None]
    if kind == "hc1":
        meat = u.T @ u * (fit.n / (fit.n - fit.p))
    else:
        meat = fit.n * hac_matrix(u, maxlags)
    return fit.xtx_inv @ meat @ fit.xtx_inv


def influence(fit: OLSFit, X: np.ndarray, contrast: np.ndarray) -> np.ndarray:
    """ψ_t = n c'(X'X)^{-1} x_t e_t for the linear combination c'β (c = ``contrast``)."""
    w = fit.n * (fit.xtx_inv @ contrast)
    return (X @ w) * fit.resid


def prewhitened_se(fit: OLSFit, X: np.ndarray, contrast: np.ndarray) -> float:
    """se of c'β̂ from the AR(1)-prewhitened QS long-run variance of its influence function."""
    psi = influence(fit, X, contrast)
    if np.ptp(psi) == 0:
        raise InputError("returns", "the regression residuals are all zero; the fit is exact and has no sampling error")
    return float(np.sqrt(lrv(psi).value / fit.n))


@dataclass(frozen=True)
class PairedBootstrap:
    """Replicates of a paired block bootstrap: coefficients (reps, p) and studentised pivots (reps, p).

    ``pivots[r, a] = (β*_ra − β̂_a) / se*_ra``; ``coef`` are in the original parametrisation.
    """

    coef: np.ndarray
    pivots: np.ndarray
    block_length: float
    reps: int


def _product_columns(Z: np.ndarray) -> tuple[np.ndarray, dict[tuple[int, int], int]]:
    """The products Z_a Z_b (a <= b) the normal equations need — X'X and X'y of Z = [1, X_1.., y] — and
    their column of the output. The constant's square is the block length itself (no column) and y·y is
    not needed, which halves the block cross moments for a one-benchmark regression."""
    p = Z.shape[1] - 1
    pairs = [(a, b) for a in range(p) for b in range(a, p + 1) if (a, b) != (0, 0)]
    return np.column_stack([Z[:, a] * Z[:, b] for a, b in pairs]), {ab: c for c, ab in enumerate(pairs)}


@dataclass(frozen=True)
class RegressionColumns:
    """The product columns a paired bootstrap of y on X needs, and how to map moments back.

    ``products`` (n, k) are Z_a Z_b of the standardised Z = [1, (X_1.. − μ)/σ, (y − ȳ)/s_y] for the pairs the
    normal equations use (:func:`_product_columns`); ``col`` maps a pair to its column.
    """

    products: np.ndarray
    col: dict
    mu: np.ndarray
    sd: np.ndarray
    ymu: float
    ysd: float


def regression_columns(y: np.ndarray, X: np.ndarray) -> RegressionColumns:
    """Standardise y and X (an exact affine reparametrisation) and build the product columns."""
    n = X.shape[0]
    mu, sd = X[:, 1:].mean(axis=0), X[:, 1:].std(axis=0)
    ymu, ysd = float(y.mean()), float(y.std())
    Z = np.column_stack([np.ones(n), (X[:, 1:] - mu) / sd, (y - ymu) / ysd])
    prods, col = _product_columns(Z)
    return RegressionColumns(prods, col, mu, sd, ymu, ysd)


def paired_bootstrap(y: np.ndarray, X: np.ndarray, *, reps: int, block_length: float,
                     bootstrap: str = "stationary", seed: Any = None, n_jobs: int | None = None,
                     moments: Any = None, columns: RegressionColumns | None = None) -> PairedBootstrap:
    """Studentised paired block bootstrap of every OLS coefficient (see the module docstring).

    X must hold the constant in column 0. Columns 1.. and y are centred and scaled by their full-sample
    means and sds first (an exact affine reparametrisation that keeps the normal equations well
    conditioned); coefficients are mapped back and the pivots are invariant to it. ``moments`` (with the
    ``columns`` they were computed from) reuses block moments another caller already drew — the audit draws
    one plan for all its tests.
    """
    n, p = X.shape
    rc = regression_columns(y, X) if columns is None else columns
    mu, sd, ymu, ysd = rc.mu, rc.sd, rc.ymu, rc.ysd
    mom = (streamed_block_moments(rc.products, reps, bootstrap, block_length, seed, n_jobs=n_jobs)
           if moments is None else moments)
    k = rc.products.shape[1]
    # the length column: block sums of Z_0 Z_0 = 1 are the block lengths L_j
    sums = np.column_stack([np.full(reps, float(n)), mom.sums])
    cross = np.empty((reps, k + 1, k + 1))
    cross[:, 0, 0] = mom.length_squares
    cross[:, 0, 1:] = cross[:, 1:, 0] = mom.length_sums
    cross[:, 1:, 1:] = mom.cross
    col = {ab: c + 1 for ab, c in rc.col.items()}
    col[(0, 0)] = 0
    A = np.empty((reps, p, p))
    for a in range(p):
        for b in range(a, p):
            A[:, a, b] = A[:, b, a] = sums[:, col[(a, b)]]
    Axy = np.column_stack([sums[:, col[(a, p)]] for a in range(p)])
    try:
        gamma = np.linalg.solve(A, Axy[..., None])[..., 0]
        A_inv = np.linalg.inv(A)
    except np.linalg.LinAlgError:
        # a replicate drew (almost) no variation in a regressor: minimum-norm least squares
        A_inv = np.linalg.pinv(A)
        gamma = np.einsum("rij,rj->ri", A_inv, Axy)
    # score block sums s_j = Sxy_j - Sxx_j γ*: s_j[a] = Σ_c W[a, c] S_j[c], W built per replicate
    W = np.zeros((reps, p, k + 1))
    for a in range(p):
        W[:, a, col[(a, p)]] = 1.0
        for b in range(p):
            W[:, a, col[(min(a, b), max(a, b))]] -= gamma[:, b]
    omega = np.einsum("rak,rkl,rbl->rab", W, cross, W)
    V = np.einsum("rij,rjk,rlk->ril", A_inv, omega, A_inv)
    # contrasts of the original coefficients in the standardised parametrisation
    C = np.zeros((p, p))
    C[0, 0] = 1.0
    C[0, 1:] = -mu / sd
    C[1:, 1:] = np.diag(1.0 / sd)
    # β_orig = ymu e_0 + ysd C γ  (intercept: ymu + ysd (γ0 - Σ γ_j mu_j/sd_j); slope j: ysd γ_j / sd_j)
    coef = ysd * gamma @ C.T
    coef[:, 0] += ymu
    var = np.einsum("ai,rij,aj->ra", C, V, C) * ysd**2
    fit = ols(y, X)
    se_star = np.sqrt(np.maximum(var, 0.0))
    pivots = np.zeros_like(coef)
    np.divide(coef - fit.coef[None, :], se_star, out=pivots, where=se_star > 0)
    return PairedBootstrap(coef=coef, pivots=pivots, block_length=float(block_length), reps=int(reps))
