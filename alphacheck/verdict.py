"""The audit verdict: one rule table, one function.

:func:`decide_verdict` turns the checks that :func:`alphacheck.audit` ran into one of five verdicts
and the reasons behind it. The rules are applied top to bottom; the first that matches wins.
p-values of the mean, Sharpe and deflated Sharpe are one-sided (H1: the quantity is > 0); the Jensen
alpha p-values are two-sided (H1: alpha ≠ 0, as in every factor-model alpha table and in the seed
study), and a positive estimate is required. All are compared with ``alpha_level`` (α, default 0.05).

======  ==========================================================================  ==============================
rule    condition (checks and numbers used)                                          verdict
======  ==========================================================================  ==============================
O1      ``pbo`` ran (a T × N grid of trial returns was given) and PBO > 0.5            "overfit"
O2      n_trials > 1, the raw Sharpe is significant (``sharpe`` p < α) but the         "overfit"
        deflated Sharpe ratio is not (``dsr`` p = 1 − DSR ≥ α)
A       a benchmark was given, the Jensen alpha is > 0 and BOTH its two-sided HAC      "alpha"
        (Newey–West) p < α and its two-sided paired block-bootstrap p < α
        (``jensen_alpha``)
B       a benchmark was given and the raw mean return is significant                   "beta, not alpha"
        (``mean`` bootstrap p < α) but rule A failed
U       no benchmark was given, and both the raw mean (``mean``) and the Sharpe         "significant, beta untested"
        ratio (``sharpe``) are significant
N       anything else                                                                   "not significant"
======  ==========================================================================  ==============================

Why these rules (what a demanding reviewer accepts):

* *Overfitting first.* A significant result that was the best of many tries says nothing until it
  survives the selection: PBO (Bailey, Borwein, López de Prado & Zhu 2017) measures how often the
  in-sample winner falls below the out-of-sample median, and the deflated Sharpe ratio (Bailey &
  López de Prado 2014, eq. 2) discounts the raw Sharpe for the number of trials. A strategy that is
  significant only before that discount is called "overfit". The haircut Sharpe (Harvey & Liu 2015)
  is reported beside it as a note: its published form uses two-sided p-values and a conservative
  BHY bound, so it is a second opinion rather than the rule.
* *Alpha needs a benchmark and two agreeing two-sided tests.* Jensen's (1968) alpha is the
  intercept of the regression of the strategy on the benchmark (and controls). Newey–West HAC
  standard errors over-reject in small samples (no small-sample correction, normal reference;
  Kiefer & Vogelsang 2005), and a block bootstrap with few blocks does too: at 72 observations a
  one-sided 5 % HAC test rejected a true zero alpha in 6.4 %, the bootstrap in 6.0 %, both in 5.7 %
  of 3,000 simulated seed-like worlds. Requiring both at the conventional two-sided level — the
  burden of proof is on the alpha claim — measured 3.1 % false "alpha" (nominal 2.5 % for a positive
  alpha), see tests/alphacheck/test_verdict_simulation.py and docs/verdict.md.
* *Significant but explained by the benchmark is beta* — the seed study's lesson 1 (+2.33 %/trade,
  p = 0.029, but alpha p = 0.182).
* *No benchmark, no "alpha".* Without a benchmark the beta is untested, and the verdict says so.

Informational checks (sub-period consistency, drawdown, up/down beta, market-neutral return,
cost sensitivity, PSR) do not change the verdict; their red flags are appended to the reasons as
notes so a reader sees them beside the verdict.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from alphacheck.results import text_table

VERDICTS = (
    "alpha",
    "beta, not alpha",
    "not significant",
    "overfit",
    "significant, beta untested",
)

@dataclasses.dataclass(frozen=True, eq=False)
class Check:
    """One check of the audit.

    Attributes
    ----------
    name : short key, e.g. "jensen_alpha".
    passed : True when the check supports the strategy, False for a red flag, None when it is
        informational (or skipped).
    numbers : the key numbers (name -> value) the verdict and the report use.
    result : the alphacheck result object(s) behind the numbers (None for descriptive checks).
    interpretation : one line saying what the numbers mean.
    skipped : why the check did not run (None when it ran).
    """

    name: str
    passed: bool | None
    numbers: Mapping[str, Any]
    result: Any = None
    interpretation: str = ""
    skipped: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", dict(self.numbers))

    def detail_text(self) -> str:
        """The underlying result's summary() text (or the numbers as a table)."""
        if self.skipped:
            return ""
        res = self.result
        if res is None:
            return text_table(list(self.numbers.items()), title=self.name)
        if isinstance(res, Mapping):
            return "\n".join(r.summary() for r in res.values() if hasattr(r, "summary"))
        return res.summary() if hasattr(res, "summary") else str(res)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "numbers": {k: (v.item() if isinstance(v, np.generic) else v) for k, v in self.numbers.items()},
            "interpretation": self.interpretation,
            "skipped": self.skipped,
        }


PBO_THRESHOLD = 0.5
# Notes that add nothing when the verdict is already "not significant".
RESTATING_CHECKS = ("market_neutral", "cost_sensitivity", "psr", "haircut_sharpe")

# Checks whose red flags are reported as notes under the verdict (they never decide it).
NOTE_CHECKS = ("consistency", "drawdown", "market_neutral", "updown_beta", "cost_sensitivity", "psr", "haircut_sharpe")


def _num(checks: Mapping[str, Any], name: str, key: str) -> float | None:
    """A number from a check that ran, or None when the check is absent/skipped/has no such number."""
    check = checks.get(name)
    if check is None or getattr(check, "skipped", None):
        return None
    value = check.numbers.get(key)
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _fmt_p(p: float) -> str:
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.1e}"


def decide_verdict(
    checks: Mapping[str, Any], *, alpha_level: float = 0.05, n_trials: int = 1, has_benchmark: bool
) -> tuple[str, tuple[str, ...]]:
    """Apply the rule table in this module's docstring to the audit's checks.

    Parameters
    ----------
    checks : mapping of check name -> :class:`alphacheck.audit.Check` (anything with ``numbers``,
        ``skipped``, ``passed`` and ``interpretation`` attributes). Numbers read: ``mean['pvalue']``,
        ``sharpe['pvalue']``, ``jensen_alpha['alpha']``, ``jensen_alpha['hac_pvalue']``,
        ``jensen_alpha['bootstrap_pvalue']``, ``dsr['pvalue']``, ``pbo['pbo']``; for verdict "alpha"
        ``cost_sensitivity['extra_bps_until_alpha_not_significant']`` and ``['assumed_cost_bps']``
        (the alpha's break-even cost, a reason line when present); and ``passed`` /
        ``interpretation`` of the informational checks for the notes.
    alpha_level : significance level α.
    n_trials : how many strategy variants were tried before this one.
    has_benchmark : whether a benchmark was given.

    Returns
    -------
    (verdict, reasons): the verdict (one of :data:`VERDICTS`) and the reasons, each naming the
    check and its numbers; decisive reasons first, then notes from informational checks.
    """
    a = alpha_level
    reasons: list[str] = []
    verdict: str | None = None

    mean_p = _num(checks, "mean", "pvalue")
    sharpe_p = _num(checks, "sharpe", "pvalue")
    mean_txt = f"mean: one-sided bootstrap p = {_fmt_p(mean_p)}" if mean_p is not None else "mean: not tested"

    # O1 — probability of backtest overfitting
    pbo = _num(checks, "pbo", "pbo")
    if pbo is not None and pbo > PBO_THRESHOLD:
        verdict = "overfit"
        reasons.append(
            f"pbo: probability of backtest overfitting = {pbo:.2f} > {PBO_THRESHOLD} — the in-sample best "
            "configuration usually lands below the out-of-sample median (rule O1)"
        )

    # O2 — significant only before accounting for the number of trials
    if verdict is None and n_trials > 1 and sharpe_p is not None and sharpe_p < a:
        dsr_p = _num(checks, "dsr", "pvalue")
        if dsr_p is not None and dsr_p >= a:
            verdict = "overfit"
            reasons.append(
                f"sharpe: raw one-sided p = {_fmt_p(sharpe_p)} < {a}, but after {n_trials} trials "
                f"dsr: deflated Sharpe p = {_fmt_p(dsr_p)} ≥ {a} (rule O2)"
            )

    if verdict is None and has_benchmark:
        alpha = _num(checks, "jensen_alpha", "alpha")
        hac_p = _num(checks, "jensen_alpha", "hac_pvalue")
        boot_p = _num(checks, "jensen_alpha", "bootstrap_pvalue")
        if alpha is None or hac_p is None or boot_p is None:
            alpha_txt = "jensen_alpha: not available"
        else:
            alpha_txt = (
                f"jensen_alpha: alpha = {alpha:.4g} per observation, two-sided HAC p = {_fmt_p(hac_p)}, "
                f"bootstrap p = {_fmt_p(boot_p)}"
            )
        if alpha is not None and hac_p is not None and boot_p is not None and alpha > 0 and hac_p < a and boot_p < a:
            verdict = "alpha"
            reasons.append(f"{alpha_txt}; alpha > 0 and both p < {a} (rule A)")
            share = _num(checks, "jensen_alpha", "benchmark_share")
            if share is not None:
                reasons.append(f"jensen_alpha: the benchmark explains {share:.0%} of the return variance")
            extra = _num(checks, "cost_sensitivity", "extra_bps_until_alpha_not_significant")
            if extra is not None:
                assumed = _num(checks, "cost_sensitivity", "assumed_cost_bps") or 0.0
                if extra > 0:
                    reasons.append(
                        f"cost_sensitivity: alpha survives costs up to {extra:.1f} bps per observation beyond "
                        f"the assumed {assumed:g} bps ({assumed + extra:.1f} bps in total) with both p < {a}"
                    )
                else:  # significant at the assumed cost, but within the inversion's tolerance of it
                    reasons.append(f"cost_sensitivity: alpha is at its break-even cost ({assumed:g} bps): "
                                   "any extra cost ends its significance")
        elif mean_p is not None and mean_p < a:
            verdict = "beta, not alpha"
            share = _num(checks, "jensen_alpha", "benchmark_share")
            beta = _num(checks, "jensen_alpha", "beta")
            extra = ""
            if beta is not None and share is not None:
                extra = f", beta = {beta:.3g}, benchmark explains {share:.0%} of the variance"
            reasons.append(f"{mean_txt} < {a}, but {alpha_txt}{extra} — not a positive alpha with both p < {a} (rule B)")
        else:
            verdict = "not significant"
            reasons.append(f"{mean_txt} ≥ {a} and {alpha_txt} — not a positive alpha with both p < {a} (rule N)")
    elif verdict is None:
        if mean_p is not None and sharpe_p is not None and mean_p < a and sharpe_p < a:
            verdict = "significant, beta untested"
            reasons.append(
                f"{mean_txt} and sharpe: one-sided p = {_fmt_p(sharpe_p)}, both < {a}; no benchmark was "
                "given, so alpha versus beta is untested (rule U)"
            )
        else:
            verdict = "not significant"
            sh = f"sharpe: one-sided p = {_fmt_p(sharpe_p)}" if sharpe_p is not None else "sharpe: not tested"
            reasons.append(f"{mean_txt}; {sh} — not both < {a} (rule N)")

    for name in NOTE_CHECKS:
        if verdict == "not significant" and name in RESTATING_CHECKS:
            continue  # their flag only repeats that nothing is significant
        check = checks.get(name)
        if check is not None and not getattr(check, "skipped", None) and check.passed is False:
            reasons.append(f"note — {name}: {check.interpretation}")
    assert verdict in VERDICTS
    return verdict, tuple(reasons)
