"""Is the edge still there? Structural breaks in alpha and beta, break dates, and the decay of an edge.

The regression is Jensen's, ``r_t = x_t'θ + e_t`` with x_t = (1, b_t, f_t) (a constant only without a
benchmark: a break in the mean). A break at τ means θ differs before and after observation τ; break points
are 1-based "last observation of the first segment", as R strucchange reports them.

* :func:`break_test` — Andrews (1993) sup-F/sup-LM over the trimmed candidate dates τ ∈ [π₀n, (1 − π₀)n]
  (and the ave/exp functionals of Andrews & Ploberger 1994), p-values from the response surfaces of
  Hansen (1997, JBES 15(1), tables of R ``strucchange``), or from a block bootstrap.

  - ``method="ols"``: the Chow F sequence F(τ) = (RSS₀ − RSS₁(τ)) / (RSS₁(τ)/(n − 2k)) on the Wald (k x F)
    scale, computed from prefix sums on the orthonormal basis of X — exactly strucchange
    ``sctest(Fstats(y ~ x, from = trimming), type = "supF")`` (tested to 1e-10). It assumes iid errors: with
    AR(1) errors (ρ = 0.5) it rejects a stable model in about half of the samples (measured).
  - ``method="hac"``: the LM form LM(τ) = S_τ' Ω̂⁻¹ S_τ / (n π(1 − π)), π = τ/n, S_τ = Σ_{t<=τ} x_t ê_t with the
    full-sample residuals (Andrews 1993, eq. (4.4) with a HAC estimate; Ω̂ one matrix for every τ), Ω̂ the
    VAR(1)-prewhitened Quadratic-Spectral long-run covariance of the scores with the Andrews (1991) bandwidth
    (:func:`alphacheck._hac.lrv_matrix`, equal to R ``sandwich::meatHAC(prewhite = 1, adjust = FALSE)``),
    Hansen p-values. A Wald form that re-estimates the HAC at every split over-rejects badly (the sup picks
    the split whose variance happens to be small); the LM form does not.
  - ``method="bootstrap"`` (default): the same HAC LM statistic, its null law from a block bootstrap of the
    rows (x_t, ê_t) with the null imposed (r*_t = x*_t'θ̂ + ê*_t, every replicate refitted and
    re-studentised by its own Ω̂*): p = (1 + #{LM* >= LM}) / (B + 1). Diebold & Chen (1996) found the
    bootstrap sup-LM better sized than its asymptotic law in dependent data; ours is measured in the tests.

  ``terms="alpha"`` tests a break in the intercept only (partial structural change, Andrews 1993 sec. 4;
  k = 1 in Hansen's table), the question "did the alpha change?".
* :func:`fluctuation_test` — OLS-CUSUM (Ploberger & Krämer 1992) and OLS-MOSUM (Chu, Hornik & Kuan 1995)
  of the residuals, scaled by the iid σ̂ (strucchange ``efp``) or by the prewhitened-QS long-run variance
  (``efp(..., lrvar = TRUE)``), with strucchange's Brownian-bridge p-values.
* :func:`break_dates` — Bai & Perron (1998, 2003) least-squares dates of m breaks by dynamic programming,
  m by BIC (or given), with Bai (1997) confidence intervals for each date (strucchange ``breakpoints`` and
  ``confint``; iid or HAC segment variances).
* :func:`alpha_decay` — the edge half-life: r_t = a e^{−λt} + β'x_t + e_t (an alpha that decays
  exponentially from a at t = 0, McLean & Pontiff 2016's question), fitted by profiled nonlinear least squares;
  Newey–West HAC covariance of (a, λ, β) from the gradient (Gallant 1987, ch. 1, eq. (1.10)); the test of
  H0: λ = 0 and the half-life ln 2/λ̂ with the interval mapped from λ's.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, special, stats

from alphacheck._hac import lrv_matrix, resolve_maxlags
from alphacheck._inputs import (
    InputError,
    as_returns,
    check_alternative,
    check_choice,
    check_int,
    check_number,
    check_positive,
    check_probability,
    check_reps,
    check_scale,
)
from alphacheck._ols import covariance, ols
from alphacheck._pvalues import pvalue_from_counts, pvalue_from_law
from alphacheck._resample import METHODS, Scheme, SeedLike, map_index_chunks, resolve_block_length
from alphacheck._results import Interval, Result, TestResult, frame_table, text_table
from alphacheck.alpha.jensen import prepare_regression

__all__ = ["BreakTestResult", "BreakDatesResult", "AlphaDecayResult", "break_test", "fluctuation_test",
           "break_dates", "alpha_decay"]

_DATA = Path(__file__).resolve().parent / "data"
BREAK_METHODS = ("bootstrap", "hac", "ols")
FUNCTIONALS = ("sup", "ave", "exp")


# --------------------------------------------------------------------------------------------------
# inputs


@dataclasses.dataclass(frozen=True)
class _Design:
    y: np.ndarray
    X: np.ndarray
    names: list[str]
    index: pd.Index | None


def _design(returns: Any, benchmark: Any, controls: Any, check_returns: bool, min_obs: int = 30) -> _Design:
    if benchmark is None:
        if controls is not None:
            raise InputError("controls", "needs a benchmark (it enters the regression beside it)")
        chk = as_returns(returns, "returns", min_obs=min_obs, require_variance=True, check_returns=check_returns)
        check_scale(chk.values, "returns")
        return _Design(chk.values, np.ones((chk.values.size, 1)), ["const"], chk.index)
    d = prepare_regression(returns, benchmark, controls, check_returns=check_returns)
    if d.y.size < min_obs:
        raise InputError("returns", f"needs at least {min_obs} aligned observations, got {d.y.size}")
    return _Design(d.y, d.X, d.names, d.index)


def _trim(n: int, k: int, trimming: float) -> tuple[int, int, float]:
    """strucchange ``Fstats`` candidates: from = floor(π₀ n) raised to k + 1, to = n − from lowered to n − k − 1;
    λ = ((n − from) to) / (from (n − to)), the trimming parameter of Hansen's tables."""
    frm = max(math.floor(trimming * n), k + 1)
    to = min(n - math.floor(trimming * n), n - k - 1)
    if frm > to:
        raise InputError("trimming", f"leaves no candidate break date for n = {n} and {k} coefficients")
    return frm, to, ((n - frm) * to) / (frm * (n - to))


# --------------------------------------------------------------------------------------------------
# Hansen (1997) p-values and the strucchange tables


@functools.lru_cache(maxsize=1)
def _hansen_table() -> dict[str, np.ndarray]:
    rows = [ln.strip().split(",") for ln in (_DATA / "hansen1997.csv").read_text().splitlines()
            if ln.strip() and not ln.startswith(("#", "type"))]
    out = {}
    for tp in ("sup", "ave", "exp"):
        arr = np.array([[float(v) for v in r[3:]] for r in rows if r[0] == tp])
        out[tp] = arr.reshape(40, 25, 5)
    return out


def hansen_pvalue(statistic: float, *, functional: str, k: int, lam: float) -> float:
    """Hansen (1997) approximate asymptotic p-value of a sup/ave/exp-F statistic (strucchange ``pvalue.Fstats``).

    p = 1 − F_χ²(η)(max(0, b0 + b1 x + b2 x² + b3 x³)) from the response-surface row of k (<= 40) coefficients
    and trimming π₀ = λ if λ < 1 else 1/(1 + √λ), interpolated linearly between the tabulated π₀ = 0.49 −
    0.02 (j − 1); π₀ = 0.5 gives the χ²(k) law.
    """
    beta = _hansen_table()[functional][min(k, 40) - 1]
    tau = lam if lam < 1 else 1.0 / (1.0 + math.sqrt(lam))
    x = float(statistic)
    dummy = beta[:, 0] + beta[:, 1] * x + beta[:, 2] * x**2 + beta[:, 3] * x**3
    pp = 1.0 - stats.chi2.cdf(np.maximum(dummy, 0.0), beta[:, 4])
    if tau == 0.5:
        return float(1.0 - stats.chi2.cdf(x, k))
    if tau <= 0.01:
        return float(pp[24])
    if tau >= 0.49:
        return float(((0.5 - tau) * pp[0] + (tau - 0.49) * (1.0 - stats.chi2.cdf(x, k))) * 100)
    taua = (0.51 - tau) * 50
    j = math.floor(taua)
    return float((j + 1 - taua) * pp[j - 1] + (taua - j) * pp[j])


@functools.lru_cache(maxsize=1)
def _mosum_table() -> np.ndarray:
    rows = [ln.strip().split(",") for ln in (_DATA / "mosum_critical.csv").read_text().splitlines()
            if ln.strip() and not ln.startswith(("#", "k,"))]
    return np.array([[float(v) for v in r[3:]] for r in rows]).reshape(6, 10, 4)


def _pvalue_cusum(x: float, k: int = 1) -> float:
    """P(sup |B⁰| > x) of a Brownian bridge (Kolmogorov series, 100 terms), strucchange ``pvalue.efp``."""
    if x < 0.1:
        return 1.0
    i = np.arange(1, 101)
    p = float(np.sum((-1.0) ** i * np.exp(-2.0 * i**2 * x**2)))
    return 1.0 - (1.0 + 2.0 * p) ** k


def _pvalue_mosum(x: float, h: float, k: int = 1) -> float:
    """strucchange's OLS-MOSUM p-value: Chu, Hornik & Kuan (1995) critical values interpolated in h and level."""
    crit = _mosum_table()[min(k, 6) - 1]
    hs = np.arange(1, 11) * 0.05
    ipl = np.array([np.interp(h, hs, crit[:, c]) for c in range(4)])
    return float(np.interp(x, np.r_[0.0, ipl], [1.0, 0.1, 0.05, 0.025, 0.01]))


# --------------------------------------------------------------------------------------------------
# the statistics


def _plain_f(y: np.ndarray, X: np.ndarray, frm: int, to: int) -> np.ndarray:
    """strucchange ``Fstats`` (homoskedastic): F(τ) = (RSS₀ − RSS₁)/(RSS₁/(n − 2k)), τ = frm..to.

    RSS₀ − RSS₁(τ) = s₁'A₁⁻¹s₁ + s₂'A₂⁻¹s₂ with A the segment sums of q_t q_t', s of q_t ê_t (Q = orthonormal
    basis of X, ê the full-sample residuals): split-regression RSS without refits, O(n k²).
    """
    n, k = X.shape
    q, _ = np.linalg.qr(X)
    e = y - q @ (q.T @ y)
    pts = np.arange(frm, to + 1)
    qq = q[:, :, None] * q[:, None, :]
    qe = q * e[:, None]
    a_all, s_all = qq.sum(axis=0), qe.sum(axis=0)
    a1 = np.cumsum(qq, axis=0)[pts - 1]
    s1 = np.cumsum(qe, axis=0)[pts - 1]
    a2, s2 = a_all[None] - a1, s_all[None] - s1
    num = (np.einsum("pi,pi->p", s1, np.linalg.solve(a1, s1[..., None])[..., 0])
           + np.einsum("pi,pi->p", s2, np.linalg.solve(a2, s2[..., None])[..., 0]))
    return num / ((float(e @ e) - num) / (n - 2 * k))


def _lm_batch(ys: np.ndarray, xs: np.ndarray, pts: np.ndarray, cols: list[int],
              weights: np.ndarray) -> np.ndarray:
    """HAC LM sequences of a batch of regressions: ys (S, n), xs (S, n, k) -> (S, #τ).

    Scores g_t = x_t ê_t of each fit; Ω̂ the prewhitened QS long-run covariance of the tested columns ``cols``.
    """
    n = ys.shape[1]
    xt = np.swapaxes(xs, 1, 2)
    coef = np.linalg.solve(xt @ xs, (xt @ ys[..., None]))[..., 0]
    e = ys - (xs @ coef[..., None])[..., 0]
    g = (xs * e[..., None])[..., cols]
    omega = lrv_matrix(g, weights=weights).value
    s = np.cumsum(g, axis=1)[:, pts - 1, :]
    pi = pts / n
    quad = np.einsum("spi,spi->sp", s, np.linalg.solve(omega[:, None], s[..., None])[..., 0])
    return quad / (n * pi * (1 - pi))[None, :]


def _functionals(seq: np.ndarray) -> dict[str, np.ndarray]:
    """sup, ave and exp (log mean exp(F/2), Andrews & Ploberger 1994) over the last axis."""
    m = seq.shape[-1]
    return {"sup": seq.max(axis=-1), "ave": seq.mean(axis=-1),
            "exp": special.logsumexp(0.5 * seq, axis=-1) - math.log(m)}


def _score_weights(names: list[str], cols: list[int]) -> np.ndarray:
    """Andrews (1991) bandwidth weights: 0 for the intercept's score when other scores exist, else 1."""
    w = np.array([0.0 if names[c] == "const" else 1.0 for c in cols])
    return np.ones(len(cols)) if not w.any() else w


def _segment_fits(y: np.ndarray, X: np.ndarray, tau: int, terms: str) -> tuple[np.ndarray, np.ndarray]:
    """(θ before, θ after) at the break τ: separate fits (all terms) or a common slope with a shifted intercept."""
    if terms == "all":
        return ols(y[:tau], X[:tau]).coef, ols(y[tau:], X[tau:]).coef
    d = (np.arange(y.size) >= tau).astype(float)
    c = ols(y, np.column_stack([X, d])).coef
    after = c[:-1].copy()
    after[0] += c[-1]
    return c[:-1], after


@dataclasses.dataclass(frozen=True)
class BreakTestResult(TestResult):
    """A test of parameter stability; ``estimate`` is the alpha after the most likely break minus before.

    Attributes (beyond the :class:`~alphacheck.TestResult` protocol)
    ----------
    break_point : int
        The candidate date maximising the statistic: the last observation (1-based) of the first segment.
    break_label : object
        Its index label (a date) when pandas came in, else the same position.
    alpha_before, alpha_after, beta_before, beta_after : float
        Coefficients of the two segments at ``break_point`` (NaN beta without a benchmark).
    sequence : Series
        The statistic at every candidate date (F(τ), LM(τ) or the fluctuation process).
    functional : str
        "sup", "ave", "exp" (break_test) or "max" (fluctuation_test).
    trimming : float
    terms : str
        "all" or "alpha".
    """

    break_point: int = 0
    break_label: Any = None
    alpha_before: float = float("nan")
    alpha_after: float = float("nan")
    beta_before: float = float("nan")
    beta_after: float = float("nan")
    sequence: pd.Series | None = dataclasses.field(default=None, repr=False, metadata={"export": False})
    functional: str = "sup"
    trimming: float = 0.15
    terms: str = "all"

    def _summary_rows(self) -> list[tuple[str, Any]]:
        rows = super()._summary_rows()
        return [(k, str(v) if k == "break_label" else v) for k, v in rows]


def _label(index: pd.Index | None, tau: int | np.integer) -> Any:
    return index[tau - 1] if index is not None else tau


def break_test(returns: ArrayLike, benchmark: ArrayLike | None = None, controls: ArrayLike | None = None, *,
               method: Literal["bootstrap", "hac", "ols"] = "bootstrap",
               functional: Literal["sup", "ave", "exp"] = "sup", terms: Literal["all", "alpha"] = "all",
               trimming: float = 0.15, reps: int = 9_999, bootstrap: Scheme = "stationary",
               block_length: float | str = "auto", seed: SeedLike = None, n_jobs: int | None = None,
               confidence_level: float = 0.95, check_returns: bool = True) -> BreakTestResult:
    """Did alpha (or beta) change at some unknown date? Andrews (1993) sup-F / sup-LM with Hansen (1997) p-values.

    Parameters
    ----------
    returns : array_like
        Strategy returns.
    benchmark, controls : array_like or None
        The regressors (Jensen's regression); without a benchmark the test is of a break in the mean return.
    method : {"bootstrap", "hac", "ols"}
        ``"bootstrap"`` (default): HAC LM statistic, block-bootstrap p-value under the null. ``"hac"``: the same
        statistic, Hansen's asymptotic p-value. ``"ols"``: the homoskedastic Chow sup-F of strucchange (iid errors
        only). See the module docstring.
    functional : {"sup", "ave", "exp"}
        sup (Andrews 1993), ave or exp (Andrews & Ploberger 1994) over the candidate dates.
    terms : {"all", "alpha"}
        Test every coefficient (strucchange's test) or the intercept only (a change in alpha, beta constant).
        With "alpha" the HAC and bootstrap forms scale by the long-run variance of the residuals alone (their own
        Andrews bandwidth), not by the intercept's element of the joint score HAC: both are consistent; the joint
        one gave sup 8.149 / p 0.062 where this gives 8.054 / 0.064 on one series (an independent check).
    trimming : float
        π₀: candidate dates from floor(π₀ n) to n − floor(π₀ n) (strucchange ``from = π₀``; default 15 %).
    reps, bootstrap, block_length, seed, n_jobs
        Bootstrap replicates, scheme, block length ("auto": Politis & White 2004 on the scores x_t ê_t), seed and
        threads (``method="bootstrap"``).
    confidence_level : float
        Kept for the protocol (the test has no interval).
    check_returns : bool
        Refuse inputs that look like prices, levels, percent or positions.

    Returns
    -------
    BreakTestResult
        ``statistic`` the functional, ``break_point`` / ``break_label`` the argmax date with the segment
        coefficients; ``details`` hold the Hansen p-values of all three functionals.

    References
    ----------
    Andrews, D. W. K. (1993), "Tests for parameter instability and structural change with unknown change
    point", Econometrica 61(4), 821-856; Andrews & Ploberger (1994), Econometrica 62(6), 1383-1414; Hansen, B. E.
    (1997), "Approximate asymptotic p values for structural-change tests", JBES 15(1), 60-67; Zeileis, Leisch,
    Hornik & Kleiber (2002), "strucchange", J. Stat. Softw. 7(2); Andrews (1991), Econometrica 59(3); Andrews &
    Monahan (1992), Econometrica 60(4); Diebold & Chen (1996), J. Econometrics 70(1).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> b = rng.normal(0, 0.01, 600)
    >>> alpha = np.where(np.arange(600) < 360, 0.002, 0.0)       # the edge stops after observation 360
    >>> r = alpha + 0.8 * b + rng.normal(0, 0.005, 600)
    >>> res = break_test(r, b, terms="alpha", reps=499, seed=1)
    >>> res.pvalue < 0.01, abs(res.break_point - 360) < 30
    (True, True)
    """
    method = check_choice(method, "method", BREAK_METHODS)
    functional = check_choice(functional, "functional", FUNCTIONALS)
    terms = check_choice(terms, "terms", ("all", "alpha"))
    trim = check_number(trimming, "trimming")
    if not 0.0 < trim < 0.5:
        raise InputError("trimming", f"must be in (0, 0.5), got {trimming!r}")
    level = check_probability(confidence_level, "confidence_level")
    bootstrap = check_choice(bootstrap, "bootstrap", METHODS)
    if method == "bootstrap":
        reps = check_reps(reps)
    d = _design(returns, benchmark, controls, check_returns)
    return _break_test(d, method=method, functional=functional, terms=terms, trimming=trim, reps=reps,
                       bootstrap=bootstrap, block_length=block_length, seed=seed, n_jobs=n_jobs,
                       confidence_level=level)


def _break_test(d: _Design, *, method: str, functional: str, terms: str, trimming: float, reps: int,
                bootstrap: str, block_length: Any, seed: Any, n_jobs: int | None,
                confidence_level: float) -> BreakTestResult:
    """The break test on a validated design (the engine behind :func:`break_test`; the audit calls it)."""
    y, X = d.y, d.X
    n, k = X.shape
    cols = [0] if terms == "alpha" else list(range(k))
    kt = len(cols)
    frm, to, lam = _trim(n, k, trimming)
    pts = np.arange(frm, to + 1)
    if method == "ols":
        if terms == "alpha" and k > 1:
            raise InputError("terms", "method='ols' (strucchange's Fstats) tests every coefficient; use "
                                      "terms='all', or method='hac' / 'bootstrap' for an alpha-only break")
        seq = _plain_f(y, X, frm, to)
        how = f"Chow F sequence (homoskedastic, strucchange Fstats), trimming {trimming:g}; Hansen (1997) p-value"
    else:
        seq = _lm_batch(y[None], X[None], pts, cols, _score_weights(d.names, cols))[0]
        how = (f"LM sequence with a prewhitened QS HAC of the scores (Andrews 1993, LM form), trimming "
               f"{trimming:g}, {'alpha only' if terms == 'alpha' else 'all coefficients'}")
    stats_all = {f: float(v) for f, v in _functionals(seq).items()}
    stat = stats_all[functional]
    hansen = {f: hansen_pvalue(stats_all[f], functional=f, k=kt, lam=lam) for f in FUNCTIONALS}
    pivots = None
    bl = None
    if method == "bootstrap":
        fit = ols(y, X)
        e = fit.resid
        bl = resolve_block_length(block_length, X * e[:, None], bootstrap)
        w = _score_weights(d.names, cols)

        def work(idx: np.ndarray) -> np.ndarray:
            step = max(1, int(2**21 // (n * k)))
            out = []
            for i in range(0, idx.shape[0], step):
                ix = idx[i: i + step]
                out.append(_functionals(_lm_batch(e[ix], X[ix], pts, cols, w))[functional])
            return np.concatenate(out)

        pivots = np.concatenate(map_index_chunks(work, n, reps, bootstrap, bl, seed, n_jobs))
        p = float(pvalue_from_counts(np.count_nonzero(pivots >= stat), reps))
        how += (f"; p-value from the {bootstrap} block bootstrap of the rows (x, e) under the null (block length "
                f"{bl:.3g}, {reps:,} replicates)")
    else:
        p = hansen[functional]
        if method == "hac":
            how += "; Hansen (1997) p-value"
    tau = int(pts[int(np.argmax(seq))])
    before, after = _segment_fits(y, X, tau, "all" if method == "ols" else terms)
    # one vectorised take, not one boxed Timestamp per candidate date (35,000 of them at n = 50,000)
    lab = d.index[np.asarray(pts) - 1] if d.index is not None else pd.Index(pts)
    return BreakTestResult(
        test=f"structural break ({functional}-{'F' if method == 'ols' else 'LM'})", statistic=stat, pvalue=p,
        alternative="two-sided",
        null=("alpha is constant" if terms == "alpha" else "all coefficients are constant") + " over the sample",
        estimate=float(after[0] - before[0]), method=how, n=int(n), se=float("nan"), null_value=0.0,
        confidence_level=confidence_level,
        interval=Interval("none", reason="a stability test over unknown dates; see break_dates for date intervals"),
        bootstrap_distribution=pivots,
        details={"from": frm, "to": to, "lambda": lam, "k_tested": kt, "block_length": bl,
                 "reps": reps if method == "bootstrap" else None,
                 **{f"{f}_statistic": v for f, v in stats_all.items()},
                 **{f"{f}_pvalue_hansen": v for f, v in hansen.items()}},
        break_point=tau, break_label=_label(d.index, tau), alpha_before=float(before[0]), alpha_after=float(after[0]),
        beta_before=float(before[1]) if k > 1 else float("nan"), beta_after=float(after[1]) if k > 1 else float("nan"),
        sequence=pd.Series(seq, index=lab.rename("break"), name="statistic"), functional=functional,
        trimming=trimming, terms=terms)


def fluctuation_test(returns: ArrayLike, benchmark: ArrayLike | None = None, controls: ArrayLike | None = None,
                     *, process: Literal["cusum", "mosum"] = "cusum", method: Literal["hac", "iid"] = "hac",
                     bandwidth: float = 0.15, confidence_level: float = 0.95,
                     check_returns: bool = True) -> BreakTestResult:
    """OLS-CUSUM (Ploberger & Krämer 1992) or OLS-MOSUM (Chu, Hornik & Kuan 1995) test of a stable regression.

    The process of cumulated (CUSUM) or moving sums over ⌊bandwidth n⌋ observations (MOSUM) of the full-sample OLS
    residuals, W(t) = Σ_{s<=t} ê_s / (σ̂ √n), behaves like a Brownian bridge under H0; the statistic is max_t |W(t)|
    with strucchange's p-values (Kolmogorov series; Chu et al.'s critical values interpolated).

    Parameters
    ----------
    returns, benchmark, controls : array_like
        As :func:`break_test`.
    process : {"cusum", "mosum"}
        Cumulated or moving sums.
    method : {"hac", "iid"}
        σ̂² the prewhitened QS long-run variance of ê times n/(n − k)·n/(n − 1) (strucchange ``efp(lrvar = TRUE)``,
        robust to autocorrelation; default) or Σ(ê − ē)²/(n − k) (``efp`` default, iid errors only).
    bandwidth : float
        The MOSUM bandwidth h (share of the sample, strucchange ``efp(h = )``), 0.05 to 0.5; CUSUM ignores it.
    confidence_level : float
        Kept for the protocol (no interval).
    check_returns : bool
        Refuse inputs that look like prices, levels, percent or positions.

    Returns
    -------
    BreakTestResult
        ``sequence`` is the process; ``break_point`` the date of its largest excursion.

    References
    ----------
    Ploberger & Krämer (1992), Econometrica 60(2), 271-285; Chu, Hornik & Kuan (1995), Biometrika 82(3),
    603-617; Zeileis et al. (2002), J. Stat. Softw. 7(2); Andrews & Monahan (1992), Econometrica 60(4).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(2)
    >>> r = np.r_[rng.normal(0.003, 0.01, 300), rng.normal(-0.002, 0.01, 300)]
    >>> fluctuation_test(r).pvalue < 0.01
    True
    """
    process = check_choice(process, "process", ("cusum", "mosum"))
    method = check_choice(method, "method", ("hac", "iid"))
    h = check_number(bandwidth, "bandwidth")
    if not 0.05 <= h <= 0.5:
        raise InputError("bandwidth", f"must be in [0.05, 0.5] (the tabulated MOSUM bandwidths), got {bandwidth!r}")
    level = check_probability(confidence_level, "confidence_level")
    d = _design(returns, benchmark, controls, check_returns)
    y, X = d.y, d.X
    n, k = X.shape
    e = ols(y, X).resid
    ec = e - e.mean()
    if method == "iid":
        sigma = math.sqrt(float(ec @ ec) / (n - k))
    else:
        omega = float(lrv_matrix(ec[:, None]).value[0, 0]) * n / (n - 1)  # sandwich::lrvar: kernHAC, adjust=TRUE
        sigma = math.sqrt(omega) * math.sqrt(n / (n - k))
    cs = np.r_[0.0, np.cumsum(e)]
    if process == "cusum":
        proc = cs / (sigma * math.sqrt(n))
        stat = float(np.max(np.abs(proc[1:])))
        p = _pvalue_cusum(stat)
        pos = np.arange(n + 1)
        tau = int(np.argmax(np.abs(proc[1:]))) + 1
    else:
        nh = math.floor(n * h)
        proc = (cs[nh:] - cs[: n - nh + 1]) / (sigma * math.sqrt(n))
        stat = float(np.max(np.abs(proc)))
        p = _pvalue_mosum(stat, h)
        pos = np.arange(nh, n + 1)
        tau = int(pos[int(np.argmax(np.abs(proc)))])
    tau = min(max(tau, k + 1), n - k - 1)
    before, after = _segment_fits(y, X, tau, "all")
    lab = [_label(d.index, int(t)) if t > 0 else None for t in pos]
    return BreakTestResult(
        test=f"OLS-{process.upper()} fluctuation test", statistic=stat, pvalue=p, alternative="two-sided",
        null="the regression is stable over the sample", estimate=float(after[0] - before[0]),
        method=(f"OLS-{process.upper()} of the residuals" + (f", bandwidth {h:g}" if process == "mosum" else "")
                + (", scaled by the prewhitened QS long-run variance (strucchange efp lrvar = TRUE)"
                   if method == "hac" else ", iid scale (strucchange efp)")
                + ", strucchange p-value"),
        n=int(n), se=float("nan"), confidence_level=level,
        interval=Interval("none", reason="a stability test; see break_dates for date intervals"),
        details={"sigma": sigma, "bandwidth": h if process == "mosum" else None},
        break_point=tau, break_label=_label(d.index, tau), alpha_before=float(before[0]), alpha_after=float(after[0]),
        beta_before=float(before[1]) if k > 1 else float("nan"), beta_after=float(after[1]) if k > 1 else float("nan"),
        sequence=pd.Series(proc, index=pd.Index(lab, name="observation"), name="process"), functional="max",
        trimming=float("nan"), terms="all")


# --------------------------------------------------------------------------------------------------
# Bai-Perron break dates


def _rss_triangle(y: np.ndarray, X: np.ndarray, h: int) -> np.ndarray:
    """RSS of the OLS fit on observations i..j (0-based, inclusive) for j − i + 1 >= h, +inf otherwise.

    From prefix sums of q q', q ê, ê² on the orthonormal basis Q of X and the full-sample residuals ê (segment
    RSS is invariant to that reparametrisation); O(n² k²) time, O(n²) memory.
    """
    n, k = X.shape
    q, _ = np.linalg.qr(X)
    e = y - q @ (q.T @ y)
    p_qq = np.concatenate([np.zeros((1, k, k)), np.cumsum(q[:, :, None] * q[:, None, :], axis=0)])
    p_qe = np.concatenate([np.zeros((1, k)), np.cumsum(q * e[:, None], axis=0)])
    p_ee = np.r_[0.0, np.cumsum(e * e)]
    out = np.full((n, n), np.inf)
    ends = np.arange(n)
    for i0 in range(0, n - h + 1, 128):
        starts = np.arange(i0, min(i0 + 128, n - h + 1))
        si, ej = np.meshgrid(starts, ends, indexing="ij")
        ok = ej - si + 1 >= h
        a, b = si[ok], ej[ok] + 1
        A = p_qq[b] - p_qq[a]
        s = p_qe[b] - p_qe[a]
        quad = np.einsum("pi,pi->p", s, np.linalg.solve(A, s[..., None])[..., 0])
        block = np.full(si.shape, np.inf)
        block[ok] = (p_ee[b] - p_ee[a]) - quad
        out[starts] = block
    return out


def _bai_perron(rss: np.ndarray, n: int, k: int, h: int, max_breaks: int) -> tuple[dict, np.ndarray]:
    """Optimal break points for m = 1..max_breaks (dynamic programming, Bai & Perron 2003 sec. 3) and RSS(m)."""
    idx = np.arange(h, n - h + 1)
    cost = {1: rss[0, idx - 1].copy()}
    arg: dict[int, np.ndarray] = {}
    for m in range(2, max_breaks + 1):
        cm = np.full(idx.size, np.inf)
        am = np.zeros(idx.size, dtype=int)
        ii = idx[idx >= m * h]
        if ii.size:
            jj = np.arange((m - 1) * h, n - 2 * h + 1)
            jg, ig = np.meshgrid(jj, ii)
            vals = np.where(jg <= ig - h, cost[m - 1][np.clip(jg - h, 0, idx.size - 1)] + rss[jg, ig - 1], np.inf)
            a = np.argmin(vals, axis=1)
            cm[ii - h] = vals[np.arange(ii.size), a]
            am[ii - h] = jj[a]
        cost[m], arg[m] = cm, am
    total = np.empty(max_breaks + 1)
    total[0] = rss[0, n - 1]
    dates: dict[int, np.ndarray] = {}
    for m in range(1, max_breaks + 1):
        tot = cost[m] + rss[idx, n - 1]
        j = int(np.argmin(tot))
        opt = [int(idx[j])]
        for mm in range(m, 1, -1):
            opt.insert(0, int(arg[mm][opt[0] - h]))
        dates[m] = np.array(opt)
        bp = [0, *opt, n]
        total[m] = sum(rss[bp[i], bp[i + 1] - 1] for i in range(len(bp) - 1))
    return dates, total


def _pargmax_v(x: float, xi: float, phi1: float, phi2: float) -> float:
    """P(argmax_s V(s) <= x): the limit law of a break-date estimator (Bai 1997, Proposition 3; strucchange)."""
    phi = xi * (phi2 / phi1) ** 2
    ncdf = special.log_ndtr
    if x < 0:
        v = abs(x)
        frac = xi / phi
        return float(-math.exp(math.log(v) / 2 - v / 8 - math.log(2 * math.pi) / 2)
                     - (phi / xi * (phi + 2 * xi) / (phi + xi))
                     * math.exp(frac * (1 + frac) * v / 2 + ncdf(-(0.5 + frac) * math.sqrt(v)))
                     + math.exp(math.log(v / 2 - 2 + (phi + 2 * xi) ** 2 / ((phi + xi) * xi))
                                + ncdf(-math.sqrt(v) / 2)))
    if x == 0:
        c = xi / phi * (2 * phi + xi) / (phi + xi)
        a = (2 * phi + xi) ** 2 / ((phi + xi) * phi)
        return float(1 + c * 0.5 - math.exp(math.log(a - 2) + math.log(0.5)))
    frac = xi**2 / phi
    return float(1 + math.sqrt(frac) * math.exp(math.log(x) / 2 - frac * x / 8 - math.log(2 * math.pi) / 2)
                 + (xi / phi * (2 * phi + xi) / (phi + xi))
                 * math.exp((phi + xi) * x / 2 + ncdf(-(phi + xi / 2) / math.sqrt(phi) * math.sqrt(x)))
                 - math.exp(math.log((2 * phi + xi) ** 2 / ((phi + xi) * phi) - 2 + frac * x / 2)
                            + ncdf(-math.sqrt(frac) * math.sqrt(x) / 2)))


def _date_intervals(y: np.ndarray, X: np.ndarray, bp: np.ndarray, level: float, method: str,
                    names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Bai (1997) intervals (strucchange ``confint.breakpointsfull``, het.reg and het.err): for break i with
    δ = θ_{i+1} − θ_i, Q_i = X_i'X_i/n_i and Ω_i the segment's score covariance (σ_i² Q_i iid; the prewhitened QS
    long-run covariance with ``method="hac"``): ξ = δ'Q_{i+1}δ / δ'Q_iδ, φ_i² = δ'Ω_iδ / δ'Q_iδ, the (1 ± L)/2
    quantiles of argmax V scaled by φ_1²/δ'Q_iδ; interval (bp − ⌈upper⌉, bp − ⌊lower⌋) (NaN where P(argmax V <= 0)
    is outside the quantiles)."""
    n = y.size
    a2 = (1 - level) / 2
    edges = np.r_[0, bp, n]
    seg = []
    for i in range(bp.size + 1):
        Xs, ys = X[edges[i]: edges[i + 1]], y[edges[i]: edges[i + 1]]
        fit = ols(ys, Xs)
        q = Xs.T @ Xs / Xs.shape[0]
        if method == "iid":
            om = q * (fit.ssr / Xs.shape[0])
        else:
            w = np.array([0.0 if nm == "const" else 1.0 for nm in names]) if len(names) > 1 else np.ones(1)
            om = lrv_matrix(Xs * fit.resid[:, None], weights=w).value
        seg.append((fit.coef, q, om))
    lower = np.full(bp.size, np.nan)
    upper = np.full(bp.size, np.nan)
    for i in range(bp.size):
        (b1, q1, o1), (b2, q2, o2) = seg[i], seg[i + 1]
        delta = b2 - b1
        qp1, qp2 = float(delta @ q1 @ delta), float(delta @ q2 @ delta)
        xi = qp2 / qp1
        phi1, phi2 = math.sqrt(float(delta @ o1 @ delta) / qp1), math.sqrt(float(delta @ o2 @ delta) / qp2)
        p0 = _pargmax_v(0.0, xi, phi1, phi2)
        if not np.isfinite(p0) or p0 < a2 or p0 > 1 - a2:
            continue
        ub = lb = 0.0
        while _pargmax_v(ub, xi, phi1, phi2) < 1 - a2:
            ub += 1000.0
        while _pargmax_v(lb, xi, phi1, phi2) > a2:
            lb -= 1000.0
        def cdf(v: float, xi: float = xi, phi1: float = phi1, phi2: float = phi2) -> float:
            return _pargmax_v(v, xi, phi1, phi2)

        ru = optimize.brentq(lambda v: cdf(v) - (1 - a2), 0.0, ub, xtol=1e-10)
        rl = optimize.brentq(lambda v: cdf(v) - a2, lb, 0.0, xtol=1e-10)
        upper[i] = bp[i] - math.floor(rl * phi1**2 / qp1)
        lower[i] = bp[i] - math.ceil(ru * phi1**2 / qp1)
    return lower, upper


@dataclasses.dataclass(frozen=True)
class BreakDatesResult(Result):
    """Bai–Perron break dates, their confidence intervals and the coefficients of every segment.

    Attributes
    ----------
    n_breaks : int
        Chosen number of breaks (BIC, or as given).
    breaks : DataFrame
        One row per break: ``break_point`` (last observation of the segment before, 1-based), ``low``, ``high``
        (the interval's bounds), their labels (dates) with pandas input.
    segments : DataFrame
        One row per segment: first and last observation, n, alpha, beta (the other slopes follow).
    bic : Series
        BIC(m) = n (log(RSS_m/n) + 1 + log 2π) + log(n) (k + 1)(m + 1), m = 0..max_breaks (strucchange).
    rss : Series
    min_segment : int
        h, the fewest observations in a segment.
    method : str
    confidence_level : float
    n : int
    """

    n_breaks: int
    breaks: pd.DataFrame
    segments: pd.DataFrame
    bic: pd.Series
    rss: pd.Series
    min_segment: int
    method: str
    confidence_level: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        return self.segments.copy()

    def summary(self) -> str:
        rows: list[tuple[str, Any]] = [("observations", self.n), ("breaks (chosen)", self.n_breaks),
                                       ("min segment", self.min_segment), ("method", self.method)]
        out = text_table(rows, title="Bai-Perron break dates")
        if len(self.breaks):
            out += "\n" + frame_table(self.breaks, title=f"break dates, {100 * self.confidence_level:g}% intervals")
        return out + "\n" + frame_table(self.segments, title="segments")


def break_dates(returns: ArrayLike, benchmark: ArrayLike | None = None, controls: ArrayLike | None = None, *,
                n_breaks: int | None = None, max_breaks: int | None = None, min_segment: float = 0.15,
                method: Literal["hac", "iid"] = "hac", confidence_level: float = 0.95,
                check_returns: bool = True) -> BreakDatesResult:
    """Least-squares dates of structural breaks (Bai & Perron 1998, 2003) with Bai (1997) confidence intervals.

    Parameters
    ----------
    returns, benchmark, controls : array_like
        As :func:`break_test`; every coefficient may change at a break.
    n_breaks : int or None
        The number of breaks; None chooses it by BIC (strucchange's default; BIC over-counts breaks under
        autocorrelated errors — check with :func:`break_test` first).
    max_breaks : int or None
        Largest number considered (default: as many as segments of ``min_segment`` allow, ⌈n/h⌉ − 2).
    min_segment : float
        h as a share of n (strucchange ``h = 0.15``), at least k + 1 observations.
    method : {"hac", "iid"}
        Segment score variances of the intervals: prewhitened QS long-run covariances (default; strucchange
        ``confint(..., vcov. = kernHAC)`` without its small-sample factor) or iid σ_i² Q_i (strucchange default).
    confidence_level : float
        Level of the date intervals.
    check_returns : bool
        Refuse inputs that look like prices, levels, percent or positions.

    Returns
    -------
    BreakDatesResult

    References
    ----------
    Bai, J. & Perron, P. (1998), Econometrica 66(1), 47-78; (2003), "Computation and analysis of multiple
    structural change models", J. Appl. Econometrics 18(1), 1-22; Bai, J. (1997), "Estimation of a change point
    in multiple regression models", Rev. Econ. Stat. 79(4), 551-563; Zeileis, Kleiber, Krämer & Hornik (2003),
    Comput. Stat. Data Anal. 44 (strucchange ``breakpoints``).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(4)
    >>> b = rng.normal(0, 0.01, 500)
    >>> r = np.where(np.arange(500) < 300, 0.004, -0.001) + 0.9 * b + rng.normal(0, 0.004, 500)
    >>> bd = break_dates(r, b, n_breaks=1)
    >>> int(bd.breaks["break_point"].iloc[0]) in range(290, 311)
    True
    """
    method = check_choice(method, "method", ("hac", "iid"))
    level = check_probability(confidence_level, "confidence_level")
    share = check_number(min_segment, "min_segment")
    d = _design(returns, benchmark, controls, check_returns)
    y, X = d.y, d.X
    n, k = X.shape
    if n > 5000:
        raise InputError("returns", f"Bai-Perron needs an n x n table of segment fits; n = {n} is above 5,000 "
                                    "(aggregate to a lower frequency)")
    h = math.floor(share * n) if share < 1 else int(share)
    if h <= k or h > n // 2:
        raise InputError("min_segment", f"gives {h} observations per segment; it must be > {k} (the coefficients) "
                                        f"and <= n/2 = {n // 2}")
    cap = math.ceil(n / h) - 2
    mb = cap if max_breaks is None else min(check_int(max_breaks, "max_breaks", minimum=1), cap)
    if mb < 1:
        raise InputError("min_segment", "leaves room for no break")
    rss_tab = _rss_triangle(y, X, h)
    dates, rss = _bai_perron(rss_tab, n, k, h, mb)
    ms = np.arange(mb + 1)
    bic = n * (np.log(rss) + 1 - math.log(n) + math.log(2 * math.pi)) + math.log(n) * (k + 1) * (ms + 1)
    if n_breaks is None:
        m = int(np.argmin(bic))
    else:
        m = check_int(n_breaks, "n_breaks", minimum=0)
        if m > mb:
            raise InputError("n_breaks", f"must be at most {mb} for min_segment {share:g}")
    bp = dates[m] if m > 0 else np.array([], dtype=int)
    if m > 0:
        lo, hi = _date_intervals(y, X, bp, level, method, d.names)
    else:
        lo = hi = np.array([])
    brk = pd.DataFrame({"break_point": bp.astype(int), "low": lo, "high": hi})
    if d.index is not None and m > 0:
        def lab(v: float) -> Any:
            assert d.index is not None  # checked above
            return d.index[int(v) - 1] if np.isfinite(v) and 1 <= v <= n else None

        brk["label"] = [lab(v) for v in bp]
        brk["low_label"] = [lab(v) for v in lo]
        brk["high_label"] = [lab(v) for v in hi]
    edges = np.r_[0, bp, n]
    segs = []
    for i in range(m + 1):
        fit = ols(y[edges[i]: edges[i + 1]], X[edges[i]: edges[i + 1]])
        row: dict[str, Any] = {"first": int(edges[i]) + 1, "last": int(edges[i + 1]), "n": int(edges[i + 1] - edges[i])}
        row.update({("alpha" if nm == "const" else ("beta" if nm == "benchmark" else nm)): float(c)
                    for nm, c in zip(d.names, fit.coef)})
        segs.append(row)
    how = (f"Bai-Perron dynamic programming (min segment {h}), number of breaks "
           + ("by BIC" if n_breaks is None else "given") + "; Bai (1997) intervals with "
           + ("prewhitened QS HAC segment variances" if method == "hac" else "iid segment variances"))
    return BreakDatesResult(n_breaks=m, breaks=brk, segments=pd.DataFrame(segs),
                            bic=pd.Series(bic, index=ms, name="BIC"),
                            rss=pd.Series(rss, index=ms, name="RSS"), min_segment=h, method=how,
                            confidence_level=level, n=int(n))


# --------------------------------------------------------------------------------------------------
# edge decay


@dataclasses.dataclass(frozen=True)
class AlphaDecayResult(TestResult):
    """Exponential decay of the alpha; ``estimate`` is the decay rate λ per period (> 0: the edge fades).

    Attributes (beyond the protocol)
    ----------
    initial_alpha, initial_alpha_se : float
        a, the alpha at the first observation.
    current_alpha, current_alpha_se : float
        a e^{−λ(n−1)}, the alpha the fit implies at the last observation (delta-method se).
    half_life : float
        ln 2 / λ̂ in periods (inf for λ̂ <= 0: no decay; negative λ is a growing alpha).
    half_life_interval : tuple
        (low, high) in periods, mapped from the two-sided ``confidence_level`` interval of λ (high = inf when the
        interval includes 0).
    half_life_years, half_life_years_interval : float, tuple
        The same in years with ``periods_per_year`` (or a DatetimeIndex); NaN otherwise.
    linear_trend, linear_trend_pvalue : float
        The slope of alpha per sample length in r_t = α₀ + α₁ (t/n) + β'x_t + e_t and its two-sided HAC p-value (a
        model-free check).
    identified : bool
        False when the initial alpha is not significant at 5 % (two-sided): then the decay rate is not identified.
    """

    initial_alpha: float = float("nan")
    initial_alpha_se: float = float("nan")
    current_alpha: float = float("nan")
    current_alpha_se: float = float("nan")
    half_life: float = float("nan")
    half_life_interval: tuple = (float("nan"), float("nan"))
    half_life_years: float = float("nan")
    half_life_years_interval: tuple = (float("nan"), float("nan"))
    linear_trend: float = float("nan")
    linear_trend_pvalue: float = float("nan")
    identified: bool = False
    fitted_alpha: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})


def _decay_profile(y: np.ndarray, X: np.ndarray, t: np.ndarray, lam: float) -> float:
    z = np.column_stack([np.exp(-lam * t), X[:, 1:]])
    coef, *_ = np.linalg.lstsq(z, y, rcond=None)
    r = y - z @ coef
    return float(r @ r)


def alpha_decay(returns: ArrayLike, benchmark: ArrayLike | None = None, controls: ArrayLike | None = None, *,
                alternative: Literal["greater", "two-sided", "less"] = "greater", maxlags: int | None = None,
                periods_per_year: float | None = None, confidence_level: float = 0.95,
                check_returns: bool = True) -> AlphaDecayResult:
    """How fast is the edge decaying? The half-life of an exponentially decaying alpha, with its uncertainty.

    Model: r_t = a e^{−λ t} + β'x_t + e_t, t = 0..n−1 (x_t the benchmark and controls, none for the mean
    return). For each λ the model is linear in (a, β) (OLS); λ̂ minimises the profiled residual sum of squares
    over λ n ∈ [−5, 60] (a grid, then Brent's bounded method). The covariance of θ̂ = (a, λ, β) is the
    Newey–West (1987) HAC sandwich on the gradient design Z_t = (e^{−λt}, −a t e^{−λt}, x_t) (Gallant 1987,
    eq. (1.10); the first-order conditions Z'ê = 0 make it the OLS HAC of the linearised model). The test is
    H0: λ = 0 (a constant alpha) with a normal p-value; the half-life ln 2/λ and its interval map λ's interval.

    Parameters
    ----------
    returns, benchmark, controls : array_like
        As :func:`break_test`.
    alternative : {"greater", "two-sided", "less"}
        H1 for λ: "greater" (default) — the alpha decays.
    maxlags : int or None
        HAC window (None: the Newey–West 1994 rule).
    periods_per_year : float or None
        Converts the half-life to years (inferred from a DatetimeIndex when None).
    confidence_level : float
        Level of the λ interval (one-sided with a one-sided ``alternative``) and of the two-sided half-life interval.
    check_returns : bool
        Refuse inputs that look like prices, levels, percent or positions.

    Returns
    -------
    AlphaDecayResult

    References
    ----------
    McLean, R. D. & Pontiff, J. (2016), "Does academic research destroy stock return predictability?",
    J. Finance 71(1), 5-32; Gallant, A. R. (1987), Nonlinear Statistical Models, Wiley, ch. 1; Newey & West
    (1987), Econometrica 55(3); Brent (1973), Algorithms for Minimization without Derivatives, ch. 5.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(5)
    >>> t = np.arange(2000)
    >>> r = 0.004 * np.exp(-np.log(2) / 400 * t) + rng.normal(0, 0.01, 2000)   # half-life 400 periods
    >>> res = alpha_decay(r)
    >>> res.pvalue < 0.05, 200 < res.half_life < 800
    (True, True)
    """
    alternative = check_alternative(alternative)
    level = check_probability(confidence_level, "confidence_level")
    ppy = check_positive(periods_per_year, "periods_per_year", allow_none=True)
    d = _design(returns, benchmark, controls, check_returns)
    y, X = d.y, d.X
    n = X.shape[0]
    if ppy is None and isinstance(d.index, pd.DatetimeIndex):
        years = (d.index[-1] - d.index[0]) / pd.Timedelta(days=365.25)
        ppy = (n - 1) / years if years > 0 else None
    t = np.arange(n, dtype=np.float64)
    grid = np.linspace(-5.0, 60.0, 261) / n
    ssr = np.array([_decay_profile(y, X, t, g) for g in grid])
    j = int(np.argmin(ssr))
    lo_g, hi_g = grid[max(j - 1, 0)], grid[min(j + 1, grid.size - 1)]
    if hi_g > lo_g:
        opt = optimize.minimize_scalar(lambda v: _decay_profile(y, X, t, v), bounds=(lo_g, hi_g), method="bounded",
                                       options={"xatol": 1e-10 / n})
        lam = float(opt.x) if opt.fun <= ssr[j] else float(grid[j])
    else:
        lam = float(grid[j])
    f = np.exp(-lam * t)
    zlin = np.column_stack([f, X[:, 1:]])
    coef, *_ = np.linalg.lstsq(zlin, y, rcond=None)
    a = float(coef[0])
    resid = y - zlin @ coef
    Z = np.column_stack([f, -a * t * f, X[:, 1:]])
    theta = np.r_[a, lam, coef[1:]]
    lags = resolve_maxlags(maxlags, n)
    fit = ols(resid + Z @ theta, Z)
    cov = covariance(fit, Z, kind="hac", maxlags=lags)
    se_a, se_l = math.sqrt(cov[0, 0]), math.sqrt(cov[1, 1])
    stat = lam / se_l
    p = float(pvalue_from_law(stat, alternative=alternative))
    zc = float(special.ndtri(0.5 + level / 2))
    l_lo, l_hi = lam - zc * se_l, lam + zc * se_l

    def half(v: float) -> float:
        return math.log(2.0) / v if v > 0 else math.inf

    hl = half(lam)
    hl_int = (half(l_hi), half(l_lo)) if l_lo > 0 else ((half(l_hi), math.inf) if l_hi > 0 else (math.inf, math.inf))
    gcur = np.zeros(Z.shape[1])
    gcur[0] = math.exp(-lam * (n - 1))
    gcur[1] = -a * (n - 1) * math.exp(-lam * (n - 1))
    cur = a * math.exp(-lam * (n - 1))
    cur_se = math.sqrt(float(gcur @ cov @ gcur))
    lin_x = np.column_stack([np.ones(n), t / n, X[:, 1:]])
    lin = ols(y, lin_x)
    lin_cov = covariance(lin, lin_x, kind="hac", maxlags=lags)
    lin_t = float(lin.coef[1] / math.sqrt(lin_cov[1, 1]))
    years = (hl / ppy if ppy else float("nan"))
    years_int = (hl_int[0] / ppy, hl_int[1] / ppy) if ppy else (float("nan"), float("nan"))
    fitted = a * f
    return AlphaDecayResult(
        test="alpha decay (exponential)", statistic=float(stat), pvalue=p, alternative=alternative,
        null="decay rate lambda = 0 (constant alpha)", estimate=lam,
        method=(f"profiled NLS of r_t = a exp(-lambda t) + beta'x_t + e_t; Newey-West HAC ({lags} lags) on the "
                "gradient; normal p-value"),
        n=int(n), se=float(se_l), null_value=0.0, confidence_level=level, interval=Interval("normal"),
        details={"maxlags": lags, "periods_per_year": ppy, "lambda_interval": (l_lo, l_hi)},
        initial_alpha=a, initial_alpha_se=float(se_a), current_alpha=float(cur), current_alpha_se=float(cur_se),
        half_life=float(hl), half_life_interval=hl_int, half_life_years=float(years),
        half_life_years_interval=years_int,
        linear_trend=float(lin.coef[1]), linear_trend_pvalue=float(pvalue_from_law(lin_t)),
        identified=bool(abs(a / se_a) > 1.959963984540054),
        fitted_alpha=pd.Series(fitted, index=d.index, name="alpha") if d.index is not None else fitted)
