"""Cost break-evens read off the fitted tests: no test is re-run.

A cost c per observation turns the returns r into r − c. For the mean test that is the test of H0:
E[r] = c; the studentised bootstrap's pivots T* do not depend on the null value, so the one-sided
p-value p(c) = (1 + #{T* >= (x̄ − c)/se})/(1 + B) is non-decreasing in c, and the lower end of the
level-(1 − α) interval of :meth:`alphacheck.TestResult.confidence_interval` — cut from the kept pivots
to invert exactly that count rule — is the largest c still significant (Efron & Tibshirani 1993, ch. 12;
Davison & Hinkley 1997, sec. 4.4, test inversion).

For the Jensen alpha, X = [1, b, ...] holds the constant, so the OLS fit of r − c·1 is β̂ − c e₁: the
intercept moves by −c, slopes and residuals do not, and every standard error built from X and e is
unchanged (Newey–West's (X'X)⁻¹ S (X'X)⁻¹ included). The paired bootstrap's replicates move the same
way, so their pivots do not change either. Hence the two-sided HAC test stops rejecting at
c = α̂ − z se and the bootstrap one at the lower end of its level-(1 − α) interval; the verdict's alpha
rule needs both, so the alpha survives up to the smaller of the two.

With ``cost_per="turnover"`` (cost c per unit of the turnover series τ_t) the shift c τ_t is not a
constant; the break-even is reported as the c at which c·mean(τ) reaches the same bound — exact for the
mean's level, an approximation for its variance (the cost series' variation is ignored), and said so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alphacheck._audit.checks import Check
from alphacheck._audit.data import _BPS, AuditData

__all__ = ["check_costs", "cost_unit_text", "COST_UNIT"]

#: the unit every cost in the report is printed in ("30 bp per trade")
COST_UNIT = {"trade": "per trade", "observation": "per observation", "turnover": "per unit of turnover"}


def cost_unit_text(cost_per: str) -> str:
    return {"trade": "per trade (each observation is one round trip)",
            "observation": "per observation (a round trip every period)",
            "turnover": "per unit of turnover (times the fraction of capital traded each period)"}[cost_per]


def _phrase(edge: str, total_sig: float, total_zero: float, cost: float, unit: str) -> str:
    """Where the edge stops being significant / turns <= 0, in total bps — never a negative break-even."""
    if not total_sig > 0:  # NaN included: not significant at any cost
        sig = f"{edge} not significant even before costs"
    elif total_sig <= cost:
        sig = (f"{edge} significant only below {total_sig:.1f} bp {unit} in total, less than the assumed "
               f"{cost:g} bp {unit}")
    else:
        sig = f"{edge} significance lost at {total_sig:.1f} bp {unit} in total"
    zero = f"{edge} <= 0 even before costs" if not total_zero > 0 else f"{edge} <= 0 at {total_zero:.1f} bp {unit}"
    return f"{sig}, {zero}"


def check_costs(d: AuditData, checks: dict[str, Check]) -> Check:
    """Extra cost (beyond the assumed ``cost_bps``, already deducted) at which each edge ends."""
    cost = d.cost_bps
    scale = 1.0 / _BPS
    if d.turnover is not None:
        scale /= float(d.turnover.mean())
    unit = COST_UNIT[d.cost_per]
    mean = checks["mean"]
    lo = float(mean.result.confidence_interval()[0])
    sig_extra = lo * scale if np.isfinite(lo) else float("nan")
    zero_extra = float(d.returns.mean()) * scale
    numbers: dict[str, Any] = {
        "assumed_cost_bps": cost, "cost_per": d.cost_per,
        "extra_bps_until_not_significant": sig_extra, "extra_bps_until_mean_le_0": zero_extra,
        "total_bps_until_not_significant": cost + sig_extra, "total_bps_until_mean_le_0": cost + zero_extra,
    }
    phrases = [_phrase("mean", cost + sig_extra, cost + zero_extra, cost, unit)]
    alpha = checks.get("jensen_alpha")
    if alpha is not None and not alpha.skipped:
        hac, boot = alpha.result.hac, alpha.result.bootstrap
        hac_extra = float(hac.confidence_interval()[0]) * scale
        boot_extra = float(boot.confidence_interval()[0]) * scale
        a_extra = min(hac_extra, boot_extra)
        a_zero = hac.estimate * scale
        numbers.update({
            "extra_bps_until_alpha_not_significant": a_extra,
            "extra_bps_until_alpha_hac_not_significant": hac_extra,
            "extra_bps_until_alpha_bootstrap_not_significant": boot_extra,
            "extra_bps_until_alpha_le_0": a_zero,
            "total_bps_until_alpha_not_significant": cost + a_extra, "total_bps_until_alpha_le_0": cost + a_zero,
        })
        phrase = _phrase("alpha", cost + a_extra, cost + a_zero, cost, unit)
        if cost + a_extra > 0:
            phrase += (f" (both tests needed: HAC lost at {cost + hac_extra:.1f}, bootstrap at "
                       f"{cost + boot_extra:.1f} bp {unit})")
        phrases.append(phrase)
        edge, edge_sig, edge_extra = "alpha", bool(alpha.passed), a_extra
    else:
        edge, edge_sig, edge_extra = "mean", bool(mean.passed), sig_extra
    # FLAG when the edge the verdict relies on does not survive the assumed cost or, with a cost
    # assumed, twice it (stressed markets cost 3-5x); pass when it survives twice; info at cost 0
    if not edge_sig:
        passed = False
        txt = (f"the {edge} does not survive the assumed {cost:g} bp {unit}" if cost > 0
               else f"the {edge} is not significant (returns treated as net)")
    elif cost > 0:
        passed = bool(edge_extra >= cost)
        txt = (f"the {edge} survives a doubling of the assumed cost" if passed
               else f"the {edge} does not survive a doubling of the assumed cost (stressed markets cost 3-5x normal)")
    else:
        passed, txt = None, "returns treated as net (cost_bps = 0)"
    if d.cost_per == "turnover":
        txt += "; turnover break-evens scale by the mean turnover (the cost series' own variance is ignored)"
    return Check("cost_sensitivity", passed=passed, numbers=numbers, interpretation="; ".join(phrases + [txt]))
