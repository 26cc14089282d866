"""Multiple-testing adjustments: p-value corrections and the Harvey-Liu haircut Sharpe ratio.

Sources
-------
- Holm (1979), Bonferroni; Benjamini & Hochberg (1995) "BH"; Benjamini & Yekutieli (2001) "BHY":
  computed by ``statsmodels.stats.multitest.multipletests``.
- Harvey & Liu (2015), "Backtesting", Journal of Portfolio Management 42(1), 13-28, Section
  "Haircut Sharpe ratios"; Harvey, Liu & Zhu (2016), "... and the cross-section of expected
  returns", Review of Financial Studies 29(1), 5-68, for the Holm and BHY thresholds.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from scipy import stats

from alphacheck._inputs import InputError, as_series, check_int, check_positive
from alphacheck._results import Result, text_table

# Our names -> statsmodels' names.
_METHODS = {
    "bonferroni": "bonferroni",
    "holm": "holm",
    "sidak": "sidak",
    "holm-sidak": "holm-sidak",
    "hochberg": "simes-hochberg",
    "hommel": "hommel",
    "bh": "fdr_bh",
    "bhy": "fdr_by",
    "by": "fdr_by",
}
_HAIRCUT_METHODS = ("bhy", "bonferroni", "holm")


def adjust_pvalues(pvalues: Any, *, method: str = "holm") -> np.ndarray | Any:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    pvalues : 1-D array/list/Series of p-values in [0, 1]
    method : "holm" (FWER, Holm 1979), "bonferroni", "sidak", "holm-sidak", "hochberg",
        "hommel", "bh" (FDR, Benjamini-Hochberg 1995) or "bhy"/"by" (FDR under arbitrary
        dependence, Benjamini-Yekutieli 2001: BH with the factor c(m) = sum_{i<=m} 1/i).

    Returns adjusted p-values (capped at 1) in the input order: a Series on the same index when
    a Series came in, else an ndarray. Computed by statsmodels' ``multipletests``.
    """
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise InputError("method", f"must be one of {tuple(_METHODS)}, got {method!r}")
    checked = as_series(pvalues, "pvalues", min_obs=1)
    p = checked.values
    if ((p < 0) | (p > 1)).any():
        raise InputError("pvalues", f"must lie in [0, 1]; got values in [{p.min():.4g}, {p.max():.4g}]")
    from statsmodels.stats.multitest import multipletests

    adjusted = multipletests(p, method=_METHODS[method.lower()])[1]
    return checked.wrap(adjusted, name="adjusted_pvalue")


@dataclasses.dataclass(frozen=True)
class HaircutResult(Result):
    """Harvey-Liu haircut Sharpe ratio.

    ``sharpe`` and ``haircut_sharpe`` are in the units given (per period, or annualized when
    ``periods_per_year`` was passed); ``haircut`` = 1 - haircut_sharpe / sharpe.
    """

    sharpe: float
    haircut_sharpe: float
    haircut: float
    tstat: float
    pvalue: float
    adjusted_pvalue: float
    haircut_tstat: float
    n_obs: int
    n_trials: int
    method: str
    periods_per_year: float | None
    assumption: str

    def summary(self) -> str:
        rows = [
            ("method", f"Harvey-Liu haircut ({self.method})"),
            ("Sharpe ratio", self.sharpe),
            ("units", "annualized" if self.periods_per_year else "per period"),
            ("observations", self.n_obs),
            ("trials", self.n_trials),
            ("t-statistic", self.tstat),
            ("p-value (two-sided)", self.pvalue),
            ("adjusted p-value", self.adjusted_pvalue),
            ("haircut t-statistic", self.haircut_tstat),
            ("haircut Sharpe ratio", self.haircut_sharpe),
            ("haircut", self.haircut),
            ("assumption", self.assumption),
        ]
        return text_table(rows, title="Haircut Sharpe ratio (Harvey & Liu 2015)")


def haircut_sharpe(
    sharpe: float,
    *,
    n_obs: int,
    n_trials: int,
    method: str = "bhy",
    periods_per_year: float | None = None,
    trial_pvalues: Any = None,
) -> HaircutResult:
    """Haircut a Sharpe ratio for the number of strategies tried (Harvey & Liu 2015, "Backtesting").

    Steps (Harvey & Liu 2015, Section "Haircut Sharpe ratios", iid returns):

    1. t = SR * sqrt(n_obs) for a per-period SR; with ``periods_per_year`` the SR is annualized and
       t = SR_ann * sqrt(n_obs / periods_per_year) (the same number).
    2. p = 2 * (1 - Phi(|t|)), the two-sided normal p-value used in the paper.
    3. Adjust p for ``n_trials`` tests:
       - "bonferroni": p_adj = min(n_trials * p, 1).
       - "holm": the strategy is assumed to be the most significant of the trials (it is the one
         being reported), so Holm's first step applies: p_adj = min(n_trials * p, 1) — exact
         under that assumption and equal to Bonferroni.
       - "bhy": same assumption, and no support from the other trials: the BHY step-up adjusted
         p-value of the smallest p is min_j [m c(m) p_(j) / j], bounded above by m c(m) p_(1),
         c(m) = sum_{i<=m} 1/i; we use that bound, p_adj = min(n_trials * c(n_trials) * p, 1).
         It is conservative: Harvey & Liu's published BHY haircuts simulate the other trials'
         p-values from the Harvey-Liu-Zhu (2016) model, which lowers the BHY threshold, so their
         BHY haircuts are smaller than ours.
       With ``trial_pvalues`` (the p-values of the other n_trials - 1 trials) no assumption is
       needed: the strategy's p is appended and the family adjusted exactly by
       :func:`adjust_pvalues` (Holm/BHY as in Harvey, Liu & Zhu 2016, Section 4).
    4. Haircut t = Phi^{-1}(1 - p_adj / 2); haircut SR = sign(SR) * t_h / sqrt(n_obs) (per period)
       or / sqrt(years); haircut = 1 - SR_h / SR (0 when n_trials = 1, 1 when p_adj = 1).

    No autocorrelation correction is applied: pass a Sharpe ratio already adjusted (e.g. Lo 2002)
    if returns are serially correlated.
    """
    if method not in _HAIRCUT_METHODS:
        raise InputError("method", f"must be one of {_HAIRCUT_METHODS}, got {method!r}")
    try:
        sr = float(sharpe)
    except (TypeError, ValueError):
        raise InputError("sharpe", f"must be a number, got {sharpe!r}") from None
    if not np.isfinite(sr):
        raise InputError("sharpe", f"must be finite, got {sharpe!r}")
    if sr == 0.0:
        raise InputError("sharpe", "is 0; a haircut (a share of the Sharpe ratio) is undefined")
    n = check_int(n_obs, "n_obs", minimum=2)
    m = check_int(n_trials, "n_trials", minimum=1)
    ppy = check_positive(periods_per_year, "periods_per_year", allow_none=True)
    horizon = n / ppy if ppy else float(n)  # years if annualized, else periods
    t = sr * np.sqrt(horizon)
    p = float(2.0 * stats.norm.sf(abs(t)))
    if trial_pvalues is not None:
        others = as_series(trial_pvalues, "trial_pvalues", min_obs=0).values
        if others.shape[0] != m - 1:
            raise InputError("trial_pvalues", f"must hold the other n_trials - 1 = {m - 1} p-values, got {others.shape[0]}")
        p_adj = float(adjust_pvalues(np.append(others, p), method=method)[-1]) if m > 1 else p
        assumption = "exact: other trials' p-values given"
    else:
        factor = m * float(np.sum(1.0 / np.arange(1, m + 1))) if method == "bhy" else float(m)
        p_adj = min(factor * p, 1.0)
        assumption = (
            "n_trials * p (strategy = the trial with the smallest p-value)"
            if method != "bhy"
            else "n_trials * c(n_trials) * p (smallest p-value, no support from the other trials; conservative)"
        )
    t_h = float(stats.norm.isf(p_adj / 2.0))
    sr_h = float(np.sign(sr) * t_h / np.sqrt(horizon))
    return HaircutResult(
        sharpe=sr,
        haircut_sharpe=sr_h,
        haircut=float(1.0 - sr_h / sr),
        tstat=float(t),
        pvalue=p,
        adjusted_pvalue=p_adj,
        haircut_tstat=t_h,
        n_obs=n,
        n_trials=m,
        method=method,
        periods_per_year=ppy,
        assumption=assumption,
    )
