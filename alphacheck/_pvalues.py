"""p-values: from a statistic and its reference law, and from bootstrap or permutation counts.

Every p-value in alphacheck comes from one of these functions.

* :func:`pvalue_from_law` — ``"normal"``, ``"t"`` (``df``), ``"chi2"`` / ``"f"`` (upper tail, for Wald
  and F statistics; ``alternative`` must be "two-sided", the test is of a quadratic form) and
  ``"fixed-b"`` (Kiefer & Vogelsang 2005; :mod:`alphacheck._hac`).
* :func:`pvalue_from_replicates` — ``(1 + #{T* at least as extreme as t}) / (1 + B)`` (Davison &
  Hinkley 1997, eq. 4.11; Phipson & Smyth 2010 for permutations), so a p-value is never 0 and the
  test is exact-size for exchangeable replicates. Two-sided uses ``|T*| >= |t|`` (a symmetric test,
  right for studentised pivots; the interval in :mod:`alphacheck._results` is then symmetric too).
* :func:`pvalue_from_counts` — the same rule from a count of exceedances (family tests count
  ``max_k sim*_k >= stat`` themselves).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from scipy import special  # the laws' functions themselves: scipy.stats costs ~0.6 s to import

__all__ = ["pvalue_from_law", "pvalue_from_replicates", "pvalue_from_counts"]

Law = Literal["normal", "t", "chi2", "f", "fixed-b"]


def _one_or_many(p: np.ndarray) -> Any:
    return float(p) if np.ndim(p) == 0 else p


def pvalue_from_law(statistic: Any, *, alternative: str = "two-sided", law: Law = "normal",
                    df: float | None = None, df_denominator: float | None = None,
                    n: int | None = None, maxlags: int | None = None) -> Any:
    """p-value(s) of ``statistic`` under ``law``; a number in gives a number out, an array an array.

    ``"t"`` needs ``df``; ``"chi2"`` needs ``df`` (upper tail); ``"f"`` needs ``df`` and
    ``df_denominator`` (upper tail); ``"fixed-b"`` needs ``n`` and ``maxlags`` (Bartlett window).
    """
    t = np.asarray(statistic, dtype=np.float64)
    if law in ("chi2", "f"):
        p = special.chdtrc(df, t) if law == "chi2" else special.fdtrc(df, df_denominator, t)  # scipy.stats' chi2/f.sf
        return _one_or_many(np.asarray(p))
    if law == "fixed-b":
        from alphacheck._hac import fixed_b_pvalue

        return fixed_b_pvalue(t, n=int(n or 0), maxlags=int(maxlags or 0), alternative=alternative)
    if law == "t":
        sf, cdf = (lambda v: special.stdtr(df, -v)), (lambda v: special.stdtr(df, v))  # scipy.stats' t.sf/t.cdf
    else:
        sf, cdf = (lambda v: special.ndtr(-v)), special.ndtr
    if alternative == "greater":
        p = sf(t)
    elif alternative == "less":
        p = cdf(t)
    else:
        p = np.minimum(2.0 * sf(np.abs(t)), 1.0)
    return _one_or_many(np.asarray(p, dtype=np.float64))


def pvalue_from_counts(count: Any, reps: int) -> Any:
    """``(1 + count) / (1 + reps)``: the bootstrap/permutation p-value from a number of exceedances."""
    p = (1.0 + np.asarray(count, dtype=np.float64)) / (1.0 + reps)
    return _one_or_many(p)


def pvalue_from_replicates(replicates: np.ndarray, observed: Any, *, alternative: str,
                           two_sided: Literal["symmetric", "doubled"] = "symmetric", tolerance: float = 0.0) -> Any:
    """Bootstrap/permutation p-value(s) of ``observed`` against replicates of the statistic under the null.

    ``replicates`` has shape (B,) or (B, k) (then ``observed`` has shape (k,) and k p-values come back).
    Greater: #{T* >= t}; less: #{T* <= t}; two-sided ``"symmetric"``: #{|T*| >= |t|}; ``"doubled"``:
    2 min(p_greater, p_less) capped at 1 (the convention of ``scipy.stats.permutation_test``).
    ``tolerance`` counts replicates within it of t as ties (scipy's 1e-14 relative guard).
    """
    r = np.asarray(replicates, dtype=np.float64)
    t = np.asarray(observed, dtype=np.float64)
    b = r.shape[0]
    if alternative == "greater":
        return pvalue_from_counts(np.count_nonzero(r >= t - tolerance, axis=0), b)
    if alternative == "less":
        return pvalue_from_counts(np.count_nonzero(r <= t + tolerance, axis=0), b)
    if two_sided == "doubled":
        up = np.asarray(pvalue_from_counts(np.count_nonzero(r >= t - tolerance, axis=0), b))
        down = np.asarray(pvalue_from_counts(np.count_nonzero(r <= t + tolerance, axis=0), b))
        return _one_or_many(np.minimum(2.0 * np.minimum(up, down), 1.0))
    return pvalue_from_counts(np.count_nonzero(np.abs(r) >= np.abs(t) - tolerance, axis=0), b)
