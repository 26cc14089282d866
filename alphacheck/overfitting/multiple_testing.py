"""Multiple-testing adjustments of a family of p-values.

Sources: Holm (1979), Bonferroni; Benjamini & Hochberg (1995) "BH"; Benjamini & Yekutieli (2001) "BY";
computed by ``statsmodels.stats.multitest.multipletests``. The Harvey & Liu haircut is in
:mod:`alphacheck.overfitting.haircut`.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from alphacheck._inputs import InputError, as_series

__all__ = ["adjust_pvalues"]

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
AdjustMethod = Literal["bonferroni", "holm", "sidak", "holm-sidak", "hochberg", "hommel", "bh", "by"]


def adjust_pvalues(pvalues: Any, *, method: AdjustMethod = "holm") -> np.ndarray | Any:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    pvalues : 1-D array/list/Series of p-values in [0, 1]
    method : "holm" (FWER, Holm 1979), "bonferroni", "sidak", "holm-sidak", "hochberg",
        "hommel", "bh" (FDR, Benjamini-Hochberg 1995) or "by" (FDR under arbitrary dependence,
        Benjamini-Yekutieli 2001: BH with the factor c(m) = sum_{i<=m} 1/i; "bhy" is accepted too).

    Returns
    -------
    ndarray or Series
        Adjusted p-values (capped at 1) in the input order: a Series on the same index when a Series came
        in. Computed by statsmodels' ``multipletests``.

    References
    ----------
    Holm (1979), Scand. J. Statist. 6(2); Benjamini & Hochberg (1995), JRSS B 57(1); Benjamini & Yekutieli
    (2001), Ann. Statist. 29(4).

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(3).tolist()
    [0.03, 0.06, 0.06]
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
