"""Long-run (HAC) variances: kernels, lag rules, prewhitening, autocovariances and the fixed-b law.

The one home of every heteroskedasticity-and-autocorrelation-consistent variance in alphacheck.

Conventions (the same everywhere)
---------------------------------
* Autocovariances use divisor n: ``γ̂(j) = (1/n) Σ_t x_t x_{t-j}'`` of demeaned series (of scores that
  already sum to zero, for regressions); they come from :func:`autocovariances` (one FFT per column,
  O(n log n), or direct products when few lags are needed).
* Bartlett weights are ``1 - j/S`` with bandwidth ``S = maxlags + 1`` (Newey & West 1987, eq. 2):
  lags ``1..maxlags`` enter; this is statsmodels' and R ``sandwich::NeweyWest(lag = L)``'s convention.
* ``maxlags=None`` means the Newey & West (1994, Rev. Econ. Stud. 61(4), p. 631) rule of thumb
  ``floor(4 (n/100)^(2/9))`` (:func:`newey_west_lags`): n = 100 -> 4, 500 -> 5, 1,000 -> 6, 10,000 -> 11.
* Quadratic Spectral (QS) kernel ``k(z) = 25/(12π²z²) [sin(6πz/5)/(6πz/5) - cos(6πz/5)]`` (Andrews 1991,
  Econometrica 59(3), eq. (2.7)) at every lag, with the Andrews (1991) AR(1) plug-in bandwidth
  (eqs. (6.2)-(6.4)): Bartlett ``S = 1.1447 (α(1) n)^{1/3}``, QS ``S = 1.3221 (α(2) n)^{1/5}``.
* Prewhitening (Andrews & Monahan 1992, Econometrica 60(4), eqs. (2.4)-(2.6)): e_t = c_t - φ̂ c_{t-1}
  with the OLS AR(1) slope capped at |φ̂| <= 0.97, a kernel estimate on e, recoloured by 1/(1 - φ̂)².

Fixed-b law (Kiefer & Vogelsang 2005, Econometric Theory 21(6), 1130-1164): a Bartlett-HAC t statistic
with window ``M = maxlags + 1`` and ``b = M/n`` held fixed converges to a non-normal law that depends on
b only (their Theorem 1); it also holds for one coefficient of a linear regression (Kiefer, Vogelsang &
Bunzel 2000, Econometrica 68(3), Theorem 2; KV 2005 sec. 3). We simulate it: the HAC t of the mean of
iid Gaussian series of length n (n <= 1,000; longer series are simulated at n = 1,000 with the same b),
20,000 seeded draws of the HAC standard deviation S, and p-values by conditional Monte Carlo
``P(|T| >= t) = E[2 Φ(-t S)]`` (T = Z/S with Z independent of S), which cuts the simulation error of the
5 % critical value to about 0.001. The tests check the 97.5 % quantile against KV's polynomial
``1.96 + 2.9694 b + 0.4160 b² - 0.5324 b³``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import fft, special

from alphacheck._inputs import InputError, as_series, check_alternative, check_choice, check_int, check_number
from alphacheck._results import Result

__all__ = ["LongRunVariance", "long_run_variance", "newey_west_lags"]

Kernel = Literal["quadratic-spectral", "bartlett"]
KERNELS = ("quadratic-spectral", "bartlett")
PHI_CAP = 0.97
_DIRECT_LAGS = 32  # up to this many lags, direct products beat the FFT


def newey_west_lags(n: int) -> int:
    """Newey & West (1994) rule of thumb for the Bartlett window: ``floor(4 (n/100)^(2/9))``.

    Parameters
    ----------
    n : int
        Observations.

    Returns
    -------
    int
        The lag window L (weights 1 − j/(L+1)); n = 100 -> 4, 500 -> 5, 1,000 -> 6, 10,000 -> 11.

    References
    ----------
    Newey & West (1994), "Automatic lag selection in covariance matrix estimation", Rev. Econ. Stud. 61(4), p. 631.

    Examples
    --------
    >>> newey_west_lags(500), newey_west_lags(10_000)
    (5, 11)
    """
    n = check_int(n, "n", minimum=1)
    return int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))


def refuse_unused_maxlags(maxlags: Any, method: str, uses: str = "hac") -> None:
    """InputError naming ``maxlags`` when it is given to a method that has no HAC window (it would be ignored)."""
    if maxlags is not None and method != uses:
        raise InputError("maxlags", f"only applies to method={uses!r}; method={method!r} does not use it")


def resolve_maxlags(maxlags: Any, n: int, *, minimum: int = 0) -> int:
    """``maxlags`` as given (validated, < n) or the Newey–West rule when None."""
    if maxlags is None:
        return max(newey_west_lags(n), minimum)
    lags = check_int(maxlags, "maxlags", minimum=minimum)
    if lags > n - 2:
        raise InputError("maxlags", f"must be at most n - 2 = {n - 2} for {n} observations, got {lags}")
    return lags


# --------------------------------------------------------------------------------------------------
# autocovariances


def autocovariances(x: np.ndarray, max_lag: int, *, axis: int = 0) -> np.ndarray:
    """γ̂(0..max_lag) of each series along ``axis`` (already demeaned by the caller), divisor n.

    Many series (columns, or rows with ``axis=-1``) at once; FFT when many lags are needed.
    The output has the lags on ``axis``.
    """
    a = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    n = a.shape[-1]
    max_lag = min(max_lag, n - 1)
    if max_lag <= _DIRECT_LAGS:
        out = np.stack([np.einsum("...i,...i->...", a[..., j:], a[..., : n - j]) for j in range(max_lag + 1)], axis=-1)
    else:
        size = fft.next_fast_len(2 * n)
        spec = fft.rfft(a, n=size, axis=-1)
        out = fft.irfft(spec.real**2 + spec.imag**2, n=size, axis=-1)[..., : max_lag + 1]
    return np.moveaxis(out / n, -1, axis)


def cross_covariances(u: np.ndarray, max_lag: int) -> np.ndarray:
    """Γ̂_j = (1/n) Σ_t u_t u_{t-j}' for j = 0..max_lag, shape (max_lag + 1, k, k); u is (n, k).

    Direct products for short windows; for long windows (fixed-b) one FFT per column and one inverse
    FFT per pair, O(k² n log n).
    """
    n = u.shape[0]
    max_lag = min(max_lag, n - 1)
    if max_lag <= _DIRECT_LAGS:
        return np.stack([u[j:].T @ u[: n - j] for j in range(max_lag + 1)]) / n
    size = fft.next_fast_len(2 * n)
    spec = fft.rfft(u, n=size, axis=0)  # (freq, k)
    prod = spec[:, :, None] * np.conj(spec[:, None, :])  # E[u_t u_{t-j}'] <-> F_a conj(F_b)
    return fft.irfft(prod, n=size, axis=0)[: max_lag + 1] / n


# --------------------------------------------------------------------------------------------------
# kernels


def bartlett_weights(maxlags: int) -> np.ndarray:
    """w_j = 1 - j/(maxlags + 1), j = 0..maxlags (Newey & West 1987)."""
    return 1.0 - np.arange(maxlags + 1) / (maxlags + 1.0)


def qs_weights(z: np.ndarray) -> np.ndarray:
    """Quadratic Spectral kernel k(z) (Andrews 1991, eq. (2.7)); k(0) = 1."""
    z = np.asarray(z, dtype=float)
    out = np.ones_like(z)
    nz = z != 0
    a = 6 * math.pi * z[nz] / 5
    out[nz] = 25 / (12 * math.pi**2 * z[nz] ** 2) * (np.sin(a) / a - np.cos(a))
    return out


def _ar1(c: np.ndarray) -> float:
    # einsum, not BLAS: a BLAS call here can wait for its thread pool (measured 10 ms on a busy machine)
    den = float(np.einsum("i,i->", c[:-1], c[:-1]))
    if den <= 0:
        return 0.0
    return float(np.clip(float(np.einsum("i,i->", c[1:], c[:-1])) / den, -PHI_CAP, PHI_CAP))


def andrews_bandwidth(e: np.ndarray, kernel: str = "quadratic-spectral") -> float:
    """Andrews (1991) AR(1) plug-in bandwidth S for ``kernel`` (eqs. (6.2)-(6.4), Table I constants)."""
    c = np.asarray(e, dtype=float) - float(np.mean(e))
    rho = _ar1(c)
    n = c.size
    if kernel == "bartlett":
        a1 = 4 * rho**2 / ((1 - rho) ** 2 * (1 + rho) ** 2)
        return 1.1447 * (a1 * n) ** (1 / 3)
    a2 = 4 * rho**2 / (1 - rho) ** 4
    return 1.3221 * (a2 * n) ** (1 / 5)


def kernel_lrv(e: np.ndarray, kernel: str, bandwidth: float) -> float:
    """γ̂(0) + 2 Σ_{j>=1} k(j/S) γ̂(j) of the demeaned ``e`` (no prewhitening); Bartlett k(z) = 1 - z."""
    e = np.asarray(e, dtype=float)
    e = e - e.mean()
    n = e.size
    if kernel == "bartlett":
        lags = min(int(math.ceil(bandwidth)) - 1, n - 1)  # k(j/S) = 1 - j/S vanishes for j >= S
        if lags < 1:
            return float(np.einsum("i,i->", e, e)) / n
        g = autocovariances(e, lags)
        j = np.arange(1, lags + 1)
        return float(g[0] + 2 * np.sum((1 - j / bandwidth) * g[1:]))
    if bandwidth <= 0:
        return float(np.einsum("i,i->", e, e)) / n
    g = autocovariances(e, n - 1)  # the QS weights never vanish, so every lag enters
    w = qs_weights(np.arange(1, n) / bandwidth)
    return float(max(g[0] + 2 * np.sum(w * g[1:]), 0.0))


@dataclass(frozen=True)
class LongRunVariance(Result):
    """Ω̂ (``value``), the prewhitening AR(1) coefficient φ̂ (0 without prewhitening), kernel, bandwidth S, n."""

    value: float
    phi: float
    kernel: str
    bandwidth: float
    n: int


def lrv(values: np.ndarray, *, kernel: str = "quadratic-spectral", prewhiten: bool = True,
        bandwidth: float | None = None) -> LongRunVariance:
    """Long-run variance of an already validated 1-D float array (the engine behind :func:`long_run_variance`)."""
    c = values - values.mean()
    phi = _ar1(c) if prewhiten else 0.0
    e = c[1:] - phi * c[:-1] if prewhiten else c
    s = andrews_bandwidth(e, kernel) if bandwidth is None else bandwidth
    omega = kernel_lrv(e, kernel, s) / (1 - phi) ** 2
    if not omega > 0:
        raise InputError("x", "the long-run variance estimate is not positive")
    return LongRunVariance(float(omega), float(phi), kernel, float(s), int(values.size))


def _prewhitened_columns(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(φ, e, ρ) per column of d (T, k): the clipped AR(1) coefficient of the demeaned column, the demeaned
    prewhitening residuals e_t = c_t − φ c_{t−1}, and the clipped AR(1) coefficient of e (Andrews' plug-in)."""
    c = d - d.mean(axis=0)
    den = np.einsum("ij,ij->j", c[:-1], c[:-1])
    phi = np.clip(np.einsum("ij,ij->j", c[1:], c[:-1]) / np.where(den > 0, den, 1.0), -PHI_CAP, PHI_CAP)
    phi = np.where(den > 0, phi, 0.0)
    e = c[1:] - phi * c[:-1]
    e = e - e.mean(axis=0)
    den_e = np.einsum("ij,ij->j", e[:-1], e[:-1])
    rho = np.where(den_e > 0, np.clip(np.einsum("ij,ij->j", e[1:], e[:-1]) / np.where(den_e > 0, den_e, 1.0),
                                      -PHI_CAP, PHI_CAP), 0.0)
    return phi, e, rho


def lrv_columns(d: np.ndarray) -> np.ndarray:
    """:func:`lrv` (AR(1)-prewhitened QS, Andrews bandwidth) of every column of d (T, k), vectorised.

    The same numbers as ``[lrv(d[:, j]).value for j in range(k)]``: one batched FFT for the
    autocovariances of the prewhitened columns, each with its own AR(1) coefficient and bandwidth.
    """
    phi, e, rho = _prewhitened_columns(d)
    n = e.shape[0]
    bw = 1.3221 * (4 * rho**2 / (1 - rho) ** 4 * n) ** (1 / 5)  # Andrews (1991) QS plug-in, per column
    g = autocovariances(e, n - 1, axis=0)  # (n, k)
    z = np.arange(1, n)[:, None] / np.where(bw > 0, bw, 1.0)[None, :]
    w = qs_weights(z)
    omega = g[0] + 2.0 * np.einsum("jk,jk->k", w, g[1:])
    omega = np.where(bw > 0, np.maximum(omega, 0.0), g[0])
    return omega / (1 - phi) ** 2


def long_run_variance(x: Any, *, kernel: Kernel = "quadratic-spectral", prewhiten: bool = True,
                      maxlags: int | None = None) -> LongRunVariance:
    """Long-run variance Ω = Σ_j γ(j) = lim n Var(x̄) of a series, by a (prewhitened) kernel estimator.

    Parameters
    ----------
    x : array_like
        The series (1-D).
    kernel : {"quadratic-spectral", "bartlett"}
        Lag window (Andrews 1991, eq. (2.7); Newey & West 1987).
    prewhiten : bool
        AR(1) prewhitening and recolouring (Andrews & Monahan 1992, eqs. (2.4)-(2.6)).
    maxlags : int or None
        Bartlett: the window (weights 1 - j/(maxlags+1)); QS: the bandwidth S = maxlags + 1. None: the
        Andrews (1991) AR(1) plug-in bandwidth on the (prewhitened) series.

    Returns
    -------
    LongRunVariance
        ``value / n`` estimates Var(x̄).

    References
    ----------
    Andrews (1991), Econometrica 59(3), 817-858; Andrews & Monahan (1992), Econometrica 60(4), 953-966;
    Newey & West (1987), Econometrica 55(3), 703-708.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal(500)
    >>> round(long_run_variance(x).value, 2)
    0.99
    """
    kernel = check_choice(kernel, "kernel", KERNELS)
    v = as_series(x, "x", min_obs=5, require_variance=True).values
    bw = None if maxlags is None else check_int(maxlags, "maxlags", minimum=0) + 1.0
    return lrv(v, kernel=kernel, prewhiten=bool(prewhiten), bandwidth=bw)


def parzen_weights(z: np.ndarray) -> np.ndarray:
    """Parzen kernel k(z): 1 − 6z² + 6|z|³ for |z| <= 1/2, 2(1 − |z|)³ for |z| <= 1, 0 beyond (Andrews 1991, p. 821)."""
    a = np.abs(np.asarray(z, dtype=float))
    return np.where(a <= 0.5, 1 - 6 * a**2 + 6 * a**3, np.where(a <= 1.0, 2 * (1 - a) ** 3, 0.0))


@dataclass(frozen=True)
class PrewhitenedHAC:
    """A VAR(1)-prewhitened kernel long-run covariance: ``value`` (p, p), the capped VAR matrix ``var``,
    kernel, bandwidth S, Andrews' α̂(2) and the rows T' = T − 1 of the prewhitened residuals."""

    value: np.ndarray
    var: np.ndarray
    kernel: str
    bandwidth: float
    alpha2: float
    rows: int


def prewhitened_hac_matrix(u: np.ndarray, *, kernel: str = "quadratic-spectral",
                           dof_correction: bool = True) -> PrewhitenedHAC:
    """Long-run covariance Ψ̂ of the columns of ``u`` (T, p) (already demeaned) by a VAR(1)-prewhitened kernel.

    Andrews & Monahan (1992), Econometrica 60(4), eqs. (2.4)-(2.6): fit u_t = A u_{t−1} + e_t by OLS (no
    intercept), cap the singular values of Â at 0.97 (their adjustment; Ledoit & Wolf 2008's programs do the
    same), form e_t = u_t − Â u_{t−1} (t = 2..T, T' = T − 1 rows), estimate Ω̂_e = Γ̂_e(0) + Σ_{j>=1} k(j/S)
    (Γ̂_e(j) + Γ̂_e(j)') with Γ̂_e(j) = (1/T') Σ_t e_t e_{t−j}', recolour Ψ̂ = (I − Â)⁻¹ Ω̂_e (I − Â)⁻¹'.
    Bandwidth: Andrews (1991) eq. (6.4) with unit weights, α̂(2) = Σ_a 4ρ̂_a²σ̂_a⁴/(1−ρ̂_a)⁸ / Σ_a σ̂_a⁴/(1−ρ̂_a)⁴
    from univariate AR(1) fits of each (demeaned) column of e (no intercept, ρ̂ capped at ±0.97, σ̂² the mean
    squared AR residual); QS: S = 1.3221 (α̂(2) T')^{1/5}, every lag enters; Parzen: S = 2.6614 (α̂(2) T')^{1/5},
    lags j < S. ``dof_correction`` multiplies Ω̂_e by T'/(T' − p) (the T/(T − 4) of Ledoit & Wolf's programs
    for p = 4 moments). Kernels: ``"quadratic-spectral"`` (Andrews 1991, eq. (2.7)) or ``"parzen"``.
    """
    u = np.asarray(u, dtype=np.float64)
    p = u.shape[1]
    x, y = u[:-1], u[1:]
    a = np.linalg.lstsq(x, y, rcond=None)[0].T  # row j: the regression of u_j,t on u_{t-1}
    left, sv, right = np.linalg.svd(a)
    a = (left * np.minimum(sv, PHI_CAP)) @ right
    e = y - x @ a.T
    rows = e.shape[0]
    c = e - e.mean(axis=0)
    den = np.einsum("ij,ij->j", c[:-1], c[:-1])
    rho = np.clip(np.einsum("ij,ij->j", c[1:], c[:-1]) / np.where(den > 0, den, 1.0), -PHI_CAP, PHI_CAP)
    rho = np.where(den > 0, rho, 0.0)
    sig2 = np.mean((c[1:] - rho * c[:-1]) ** 2, axis=0)
    den_a = float(np.sum(sig2**2 / (1 - rho) ** 4))
    alpha2 = float(np.sum(4 * rho**2 * sig2**2 / (1 - rho) ** 8) / den_a) if den_a > 0 else 0.0
    if kernel == "parzen":
        bw = 2.6614 * (alpha2 * rows) ** 0.2
        lags = min(int(math.ceil(bw)) - 1, rows - 1) if bw > 0 else 0
        g = cross_covariances(e, max(lags, 0))
        w = parzen_weights(np.arange(1, g.shape[0]) / bw) if lags >= 1 else np.zeros(0)
    else:
        bw = 1.3221 * (alpha2 * rows) ** 0.2
        g = cross_covariances(e, rows - 1) if bw > 0 else cross_covariances(e, 0)
        w = qs_weights(np.arange(1, g.shape[0]) / bw) if bw > 0 else np.zeros(0)
    omega = g[0].copy()
    if w.size:
        acc = np.tensordot(w, g[1:], axes=1)
        omega += acc + acc.T
    if dof_correction:
        omega *= rows / (rows - p)
    d = np.linalg.inv(np.eye(p) - a)
    return PrewhitenedHAC(d @ omega @ d.T, a, kernel, float(bw), alpha2, rows)


def bartlett_lrv(e: np.ndarray, maxlags: int) -> np.ndarray:
    """Newey–West Bartlett long-run variance of demeaned series along the last axis (many at once)."""
    lags = min(maxlags, e.shape[-1] - 1)
    acov = autocovariances(e, lags, axis=-1)
    w = bartlett_weights(lags)
    w[1:] *= 2.0
    return acov @ w


def hac_matrix(u: np.ndarray, maxlags: int) -> np.ndarray:
    """Newey–West long-run covariance Ω̂ = Γ̂_0 + Σ_{j<=L} (1 - j/(L+1)) (Γ̂_j + Γ̂_j') of scores u (n, k)."""
    g = cross_covariances(u, maxlags)
    w = bartlett_weights(g.shape[0] - 1)
    omega = g[0].copy()
    if g.shape[0] > 1:
        acc = np.tensordot(w[1:], g[1:], axes=1)
        omega += acc + acc.T
    return omega


def stationary_bootstrap_lrv(d: np.ndarray, block_length: float) -> np.ndarray:
    """The stationary-bootstrap variance of sqrt(T) mean(d_k) for each column of d (T, k).

    ω_k² = γ̂_0 + 2 Σ_{i=1}^{T-1} κ(T, i) γ̂_i with κ(T, i) = (1 - i/T)(1 - p)^i + (i/T)(1 - p)^{T-i},
    p = 1/block_length (Politis & Romano 1994, Lemma 1; Hansen 2005, JBES 23(4), the SPA variance),
    the estimator ``arch.bootstrap.SPA`` computes with an O(T²k) loop; here one FFT per column.
    """
    t = d.shape[0]
    acov = autocovariances(d - d.mean(axis=0), t - 1, axis=0)
    p = 1.0 / block_length
    i = np.arange(1, t, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_q = np.log1p(-p) if p < 1.0 else -np.inf  # (1-p)^i underflows cleanly to 0 in log space
    kappa = (1.0 - i / t) * np.exp(i * log_q) + (i / t) * np.exp((t - i) * log_q)
    # numpy's own loop, not BLAS: a GEMV's rounding changes with the BLAS thread count (one thread on a Dask
    # worker, several in-process), and the family tests promise the same bits on both
    return acov[0] + 2.0 * np.einsum("i,ij->j", kappa, acov[1:])


# --------------------------------------------------------------------------------------------------
# multivariate prewhitened kernel long-run covariance (the sandwich::kernHAC meat)


def _sandwich_qs(z: np.ndarray) -> np.ndarray:
    """QS weights as R ``sandwich::kweights`` computes them (a Gaussian-shaped fit below |z| < 0.001)."""
    z = np.asarray(z, dtype=float)
    out = np.ones_like(z)
    small = np.abs(z) < 1e-3
    big = ~small
    out[big] = qs_weights(z[big])
    if small.any():
        cf = 1e6 * math.log(float(qs_weights(np.array([1e-3]))[0]))
        out[small] = np.exp(cf * z[small] ** 2)
    return out


def _ar1_with_intercept(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column (last axis) of v (..., n, k): OLS AR(1) slope with an intercept and the residual sd
    sqrt(RSS / (n − 1)) — R ``ar(x, order.max = 1, aic = FALSE, method = "ols")``, as ``bwAndrews`` fits it."""
    m = v.shape[-2] - 1
    xa, ya = v[..., :-1, :], v[..., 1:, :]
    xc = xa - xa.mean(axis=-2, keepdims=True)
    yc = ya - ya.mean(axis=-2, keepdims=True)
    sxx = np.einsum("...tk,...tk->...k", xc, xc)
    sxy = np.einsum("...tk,...tk->...k", xc, yc)
    syy = np.einsum("...tk,...tk->...k", yc, yc)
    rho = np.divide(sxy, sxx, out=np.zeros_like(sxy), where=sxx > 0)
    return rho, np.sqrt(np.maximum(syy - rho * sxy, 0.0) / m)


@dataclass(frozen=True)
class LongRunCovariance:
    """Ω̂ (``value``, k x k per observation: Var(Σ_t u_t) ≈ n Ω̂), the QS bandwidth and the VAR(1) matrix."""

    value: np.ndarray
    bandwidth: np.ndarray | float
    var_coef: np.ndarray | None


def lrv_matrix(u: np.ndarray, *, weights: np.ndarray | None = None, prewhiten: bool = True,
               bandwidth: float | None = None) -> LongRunCovariance:
    """Prewhitened Quadratic-Spectral long-run covariance of the columns of u — one (n, k) or a batch (S, n, k).

    The estimator of Andrews (1991, Econometrica 59(3), eqs. (2.7), (6.2)-(6.4)) with the VAR(1)
    prewhitening of Andrews & Monahan (1992, Econometrica 60(4), eqs. (2.4)-(2.6)), computed exactly as
    R ``sandwich::meatHAC(x, prewhite = 1, kernel = "Quadratic Spectral", adjust = FALSE, bw = bwAndrews)``
    (Zeileis 2004, J. Stat. Softw. 11(10)): v_t = u_t − Â u_{t−1} (OLS VAR(1) without intercept);
    bandwidth S = 1.3221 (n α̂(2))^{1/5} with α̂(2) = Σ_a w_a 4 ρ_a² σ_a⁴/(1 − ρ_a)⁸ / Σ_a w_a σ_a⁴/(1 − ρ_a)⁴ from
    AR(1) fits with intercept to each column of v (``weights`` w_a; default 1, as Andrews recommends, and
    0 for the intercept's score where the caller passes that); Ω̂_v = Σ_{|j|<n} k(j/S) Γ̂_j with Γ̂_j =
    (1/n) Σ_t v_t v_{t+j}' (every lag: QS weights never vanish); recoloured Ω̂ = D Ω̂_v D', D = (I − Â)^{-1}.
    ``u`` are scores that already sum to zero (regression scores x_t e_t) or are demeaned by the caller.
    """
    U = np.asarray(u, dtype=np.float64)
    single = U.ndim == 2
    if single:
        U = U[None]
    s, n, k = U.shape
    w = np.ones(k) if weights is None else np.asarray(weights, dtype=np.float64)
    if prewhiten:
        xl, yl = U[:, :-1, :], U[:, 1:, :]
        xx = np.einsum("sti,stj->sij", xl, xl)
        yx = np.einsum("sti,stj->sij", yl, xl)
        A = np.swapaxes(np.linalg.solve(xx, np.swapaxes(yx, 1, 2)), 1, 2)  # A = (Σ y x')(Σ x x')^{-1}
        V = yl - np.einsum("sij,stj->sti", A, xl)
        D = np.linalg.inv(np.eye(k)[None] - A)
    else:
        A = None
        V = U
        D = None
    nv = V.shape[1]
    if bandwidth is None:
        rho, sig = _ar1_with_intercept(V)
        den = np.sum(w * (sig / (1 - rho)) ** 4, axis=-1)
        a2 = np.sum(w * 4 * rho**2 * sig**4 / (1 - rho) ** 8, axis=-1) / den
        bw = 1.3221 * (nv * a2) ** 0.2
    else:
        bw = np.full(s, float(bandwidth))
    size = fft.next_fast_len(2 * nv)
    spec = fft.rfft(V, n=size, axis=1)
    cross = fft.irfft(spec[:, :, :, None] * np.conj(spec[:, :, None, :]), n=size, axis=1)[:, :nv]  # (S, lag, k, k)
    lags = np.arange(nv, dtype=np.float64)
    kw = _sandwich_qs(lags[None, :] / np.where(bw > 0, bw, 1.0)[:, None])
    kw = np.where(bw[:, None] > 0, kw, (lags == 0)[None, :].astype(float))
    # sandwich keeps the weights up to the last one with |k| > 1e-7 and drops the rest
    big = np.abs(kw) > 1e-7
    last = nv - 1 - np.argmax(big[:, ::-1], axis=1)
    kw = np.where(lags[None, :] <= last[:, None], kw, 0.0)
    # cross[j] = Σ_t v_{t+j} v_t' ; Ω̂_v n = k(0) Γ_0 + Σ_{j>=1} k(j/S) (G_j + G_j')
    half = np.einsum("sj,sjab->sab", kw[:, 1:], cross[:, 1:])
    utu = kw[:, 0, None, None] * cross[:, 0] + half + np.swapaxes(half, 1, 2)
    if D is not None:
        utu = D @ utu @ np.swapaxes(D, 1, 2)
    omega = utu / n
    if single:
        return LongRunCovariance(omega[0], float(bw[0]), None if A is None else A[0])
    return LongRunCovariance(omega, bw, A)


# --------------------------------------------------------------------------------------------------
# fixed-b reference law

_FIXED_B_REPS = 20_000
_FIXED_B_MAX_N = 1_000
_FIXED_B_SEED = 20050601  # fixed: the reference law must be the same bits on every call


def _check_n_lags(n: Any, maxlags: Any) -> tuple[int, int]:
    n = check_int(n, "n", minimum=3)
    lags = check_int(maxlags, "maxlags", minimum=0)
    if lags > n - 1:
        raise InputError("maxlags", f"must be at most n - 1 = {n - 1}, got {lags}")
    return n, lags


@functools.lru_cache(maxsize=64)
def _simulated_scales(n: int, lags: int) -> np.ndarray:
    if n > _FIXED_B_MAX_N:
        lags = max(int(round((lags + 1) * _FIXED_B_MAX_N / n)) - 1, 0)
        n = _FIXED_B_MAX_N
    rng = np.random.default_rng(_FIXED_B_SEED)
    out = []
    chunk = max(1, 4_000_000 // n)  # bounded memory; the chunking does not change the draws
    remaining = _FIXED_B_REPS
    while remaining > 0:
        k = min(chunk, remaining)
        x = rng.standard_normal((k, n))
        out.append(np.sqrt(bartlett_lrv(x - x.mean(axis=1)[:, None], lags)))
        remaining -= k
    scales = np.sort(np.concatenate(out))
    scales.flags.writeable = False  # cached and shared: nobody may modify it
    return scales


def fixed_b_scales(n: int, maxlags: int) -> np.ndarray:
    """Sorted (read-only) draws of S = sqrt(ω̂), the Bartlett-HAC sd of unit-variance iid Gaussian series."""
    n, lags = _check_n_lags(n, maxlags)
    return _simulated_scales(n, lags)


def _two_sided(t_abs: np.ndarray, scales: np.ndarray) -> np.ndarray:
    # mean over draws of 2 Φ(-|t| S), blockwise so that many t values never build a huge matrix
    flat = t_abs.ravel()
    out = np.empty(flat.shape)
    step = max(1, 2_000_000 // scales.size)
    for i in range(0, flat.size, step):
        out[i : i + step] = 2.0 * special.ndtr(-np.outer(flat[i : i + step], scales)).mean(axis=1)
    return out.reshape(t_abs.shape)


def fixed_b_pvalue(t: Any, *, n: int, maxlags: int, alternative: str = "two-sided") -> Any:
    """p-value(s) of Bartlett-HAC t statistic(s) under the fixed-b law (Kiefer & Vogelsang 2005).

    Two-sided p = mean_i 2Φ(-|t| S_i) over the draws of :func:`fixed_b_scales`; the law is symmetric, so a
    one-sided p is half of it in the direction of ``alternative`` and 1 minus half against it.
    """
    alternative = check_alternative(alternative)
    scales = fixed_b_scales(n, maxlags)
    tv = np.asarray(t, dtype=np.float64)
    p_two = np.minimum(_two_sided(np.abs(tv), scales), 1.0)
    if alternative == "two-sided":
        p = p_two
    else:
        half = p_two / 2.0
        p = np.where((tv > 0) == (alternative == "greater"), half, 1.0 - half)
    return float(p) if np.ndim(p) == 0 else p


@functools.lru_cache(maxsize=256)
def _critical_value(n: int, lags: int, confidence_level: float) -> float:
    scales = _simulated_scales(n, lags)
    target = 1.0 - confidence_level

    def excess(c: float) -> float:
        return float(_two_sided(np.array([c]), scales)[0]) - target

    hi = 2.0 * float(special.ndtri(1.0 - target / 2.0)) / float(scales[0])  # P(|T| >= hi) < target
    from scipy import optimize

    return float(optimize.brentq(excess, 0.0, hi, xtol=1e-10))


def fixed_b_critical_value(n: int, maxlags: int, *, confidence_level: float = 0.95) -> float:
    """Two-sided critical value c with P(|T| >= c) = 1 - confidence_level under the fixed-b law."""
    level = check_number(confidence_level, "confidence_level")
    if not 0.0 < level < 1.0:
        raise InputError("confidence_level", f"must be in (0, 1), got {confidence_level!r}")
    n, lags = _check_n_lags(n, maxlags)
    return _critical_value(n, lags, level)


def lrv_matrix_columnwise(d: np.ndarray) -> np.ndarray:
    """Long-run covariance matrix (k, k) of the columns of d (T, k): column-by-column prewhitened QS, one bandwidth.

    Andrews & Monahan (1992, Econometrica 60(4), sec. 3) with a diagonal VAR(1) prewhitening: each column's own
    AR(1) coefficient φ_a (as :func:`lrv_columns`), residuals e_t; Ω_e = Γ̂_0 + Σ_{h>=1} w(h/S)(Γ̂_h + Γ̂_hᵀ) with the QS
    kernel and the Andrews (1991, eq. (6.4)) AR(1) plug-in bandwidth S = 1.3221 (α̂(2) n)^{1/5},
    α̂(2) = Σ_a 4ρ_a²σ_a⁴/(1−ρ_a)⁸ / Σ_a σ_a⁴/(1−ρ_a)⁴ (equal weights; ρ_a, σ_a² the AR(1) fit to column a of e);
    recoloured Ω_ab = Ω_e,ab / ((1−φ_a)(1−φ_b)). The QS window is non-negative, so Ω is positive semi-definite and
    every w'Ωw is a long-run variance of the combination w'd: the variance of many contrasts from one O(T k²)
    matrix product (the FFT of each column against the kernel weights, then EᵀWE / n) instead of an estimate per
    contrast. One column gives :func:`lrv_columns`' value. Unlike :func:`lrv_matrix` (a full VAR(1), R sandwich's
    estimator, O(T k²) memory) nothing is inverted — rank-deficient columns (contrasts summing to zero) are fine —
    and memory stays O(T k), so k in the thousands works.
    """
    phi, e, rho = _prewhitened_columns(d)
    n = e.shape[0]
    s2 = np.mean((e[1:] - rho * e[:-1]) ** 2, axis=0)  # AR(1) innovation variances
    num = np.sum(4 * rho**2 * s2**2 / (1 - rho) ** 8)
    den_a = np.sum(s2**2 / (1 - rho) ** 4)
    alpha2 = num / den_a if den_a > 0 else 0.0
    bw = 1.3221 * (alpha2 * n) ** (1 / 5)
    if bw > 0:
        w = np.concatenate([qs_weights(np.arange(n - 1, 0, -1) / bw), [1.0], qs_weights(np.arange(1, n) / bw)])
        size = fft.next_fast_len(3 * n - 2)
        conv = fft.irfft(fft.rfft(e, n=size, axis=0) * fft.rfft(w, n=size)[:, None], n=size, axis=0)
        we = conv[n - 1 : 2 * n - 1]  # (W e)_t = Σ_s w(|t − s|/S) e_s
        omega = e.T @ we / n
        omega = 0.5 * (omega + omega.T)
    else:
        omega = e.T @ e / n
    return omega / np.outer(1 - phi, 1 - phi)
