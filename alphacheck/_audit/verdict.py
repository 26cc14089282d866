"""The audit verdict: one rule table, read top to bottom; the first rule that matches wins.

The rules are data (:data:`RULES`): each has an id, the verdict it gives, the condition in words and a
predicate over the typed :class:`Evidence` the checks produced. :func:`decide_verdict` applies them and
:func:`rule_text` prints the same table in every report, so the text cannot drift from the code.
p-values of the mean, Sharpe and deflated Sharpe are one-sided (H1: the quantity is > 0); the Jensen
alpha tests are two-sided (H1: α ≠ 0, as in every factor-model alpha table), and a positive estimate is
required. A test is significant when p <= ``alpha_level`` (α, default 0.05) — the convention the
confidence intervals, and so the cost break-evens, invert exactly.

Why these rules:

* *Overfitting first.* A result that was the best of many tries says nothing until it survives the
  selection: PBO (Bailey, Borwein, López de Prado & Zhu 2017) measures how often the in-sample winner
  falls below the out-of-sample median, and the deflated Sharpe ratio (Bailey & López de Prado 2014,
  eq. 2) discounts the raw Sharpe for the number of trials.
* *Alpha needs a benchmark and two agreeing two-sided tests*: the Newey–West HAC t and the studentised
  paired block bootstrap (calibration in docs/verdict.md and docs/size-atlas.md).
* *Significant but explained by the benchmark is beta* — and "not significant" is not "absent": the
  verdict says whether the alpha is *ruled out* (an equivalence test rejects an economically meaningful
  alpha: ``meaningful_alpha``, by default half the mean return, i.e. "alpha is not most of the return")
  or only *unproven* (the data are too few to detect it).
* *No benchmark, no "alpha"*: the beta is untested, and the verdict says so.

Informational checks (sub-period consistency, drawdown, up/down beta, market-neutral return, cost
sensitivity, PSR, haircut) never decide the verdict; their red flags are appended as notes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["VERDICTS", "Rule", "RULES", "Evidence", "decide_verdict", "rule_text"]

VERDICTS = (
    "alpha",
    "beta, not alpha (alpha ruled out)",
    "beta, not alpha (alpha unproven)",
    "not significant",
    "overfit",
    "significant, beta untested",
)

PBO_THRESHOLD = 0.5
# Notes that add nothing when the verdict is already "not significant".
RESTATING_CHECKS = ("market_neutral", "cost_sensitivity", "psr", "haircut_sharpe")
# Checks whose red flags are reported as notes under the verdict (they never decide it).
NOTE_CHECKS = ("consistency", "drawdown", "market_neutral", "updown_beta", "cost_sensitivity", "psr",
               "haircut_sharpe", "alpha_stability")


@dataclasses.dataclass(frozen=True)
class Evidence:
    """The numbers the rules read, taken from the checks' typed results (None: the check did not run)."""

    alpha_level: float
    n_trials: int
    has_benchmark: bool
    mean_p: float | None = None
    sharpe_p: float | None = None
    dsr_p: float | None = None
    pbo: float | None = None
    alpha: float | None = None
    alpha_hac_p: float | None = None
    alpha_boot_p: float | None = None
    alpha_ruled_out: bool | None = None  # the equivalence test against the economically meaningful alpha

    @property
    def alpha_significant(self) -> bool:
        return (self.alpha is not None and self.alpha > 0 and self.alpha_hac_p is not None
                and self.alpha_boot_p is not None and self.alpha_hac_p <= self.alpha_level
                and self.alpha_boot_p <= self.alpha_level)


def _lt(p: float | None, a: float) -> bool:
    """Significant: p <= the level (the convention the intervals and cost break-evens invert)."""
    return p is not None and p <= a


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    verdict: str
    condition: str
    applies: Callable[[Evidence], bool]


RULES: tuple[Rule, ...] = (
    Rule("O1", "overfit", "a T x N grid of trial returns was given and its PBO > 0.5",
         lambda e: e.pbo is not None and e.pbo > PBO_THRESHOLD),
    Rule("O2", "overfit", "n_trials > 1, the raw Sharpe is significant (one-sided) but the deflated Sharpe is not",
         lambda e: e.n_trials > 1 and _lt(e.sharpe_p, e.alpha_level) and e.dsr_p is not None
         and e.dsr_p > e.alpha_level),
    Rule("A", "alpha", "a benchmark was given, the Jensen alpha is > 0 and both its two-sided HAC p and its "
                       "two-sided studentised paired-bootstrap p are at most the level (p <= alpha_level)",
         lambda e: e.has_benchmark and e.alpha_significant),
    Rule("B1", "beta, not alpha (alpha ruled out)",
         "a benchmark was given, the raw mean is significant (one-sided), rule A failed and the equivalence test "
         "rules out an economically meaningful alpha (default: half the mean return)",
         lambda e: e.has_benchmark and _lt(e.mean_p, e.alpha_level) and e.alpha_ruled_out is True),
    Rule("B2", "beta, not alpha (alpha unproven)",
         "a benchmark was given, the raw mean is significant (one-sided) and rule A failed, but the data cannot "
         "rule out that alpha (underpowered)",
         lambda e: e.has_benchmark and _lt(e.mean_p, e.alpha_level)),
    Rule("U", "significant, beta untested", "no benchmark was given and both the raw mean and the Sharpe ratio "
                                            "are significant (one-sided)",
         lambda e: not e.has_benchmark and _lt(e.mean_p, e.alpha_level) and _lt(e.sharpe_p, e.alpha_level)),
    Rule("N", "not significant", "anything else", lambda e: True),
)


def rule_text() -> str:
    """The rule table in words (printed under every report)."""
    return ("Verdict rules (first match wins): " + "; ".join(f"{r.id} — {r.verdict}: {r.condition}" for r in RULES)
            + ". Alpha tests are two-sided; mean, Sharpe and deflated Sharpe one-sided.")


def _fmt_p(p: float | None) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.1e}"


def _reason(rule: Rule, e: Evidence, checks: Mapping[str, Any]) -> list[str]:
    a = e.alpha_level
    alpha_txt = (f"jensen_alpha: alpha = {e.alpha:.4g} per observation, two-sided HAC p = {_fmt_p(e.alpha_hac_p)}, "
                 f"bootstrap p = {_fmt_p(e.alpha_boot_p)}") if e.alpha is not None else "jensen_alpha: not available"
    mean_txt = f"mean: one-sided bootstrap p = {_fmt_p(e.mean_p)}"
    if rule.id == "O1":
        return [f"pbo: probability of backtest overfitting = {e.pbo:.2f} > {PBO_THRESHOLD} — the in-sample best "
                "configuration usually lands below the out-of-sample median (rule O1)"]
    if rule.id == "O2":
        return [f"sharpe: raw one-sided p = {_fmt_p(e.sharpe_p)} <= {a}, but after {e.n_trials} trials dsr: deflated "
                f"Sharpe p = {_fmt_p(e.dsr_p)} > {a} (rule O2)"]
    if rule.id == "A":
        out = [f"{alpha_txt}; alpha > 0 and both p <= {a} (rule A)"]
        ja = checks.get("jensen_alpha")
        if ja is not None and not ja.skipped:
            out.append(f"jensen_alpha: the benchmark explains {ja.numbers['benchmark_share']:.0%} of the return variance")
        cs = checks.get("cost_sensitivity")
        if cs is not None and "extra_bps_until_alpha_not_significant" in cs.numbers:
            from alphacheck._audit.costs import COST_UNIT

            extra = cs.numbers["extra_bps_until_alpha_not_significant"]
            assumed = cs.numbers["assumed_cost_bps"]
            bp = " ".join(["bp", COST_UNIT.get(cs.numbers.get("cost_per", ""), "")]).rstrip()
            if extra > 0:
                out.append(f"cost_sensitivity: alpha survives costs up to {extra:.1f} {bp} beyond the assumed "
                           f"{assumed:g} {bp} ({assumed + extra:.1f} {bp} in total) with both p <= {a}")
            else:
                out.append(f"cost_sensitivity: alpha is at its break-even cost ({assumed:g} {bp}): any extra cost "
                           "ends its significance")
        return out
    if rule.id in ("B1", "B2"):
        ja = checks.get("jensen_alpha")
        extra = ""
        if ja is not None and not ja.skipped:
            extra = (f", beta = {ja.numbers['beta']:.3g}, benchmark explains {ja.numbers['benchmark_share']:.0%} "
                     "of the variance")
        out = [f"{mean_txt} <= {a}, but {alpha_txt}{extra} — not a positive alpha with both p <= {a} (rule {rule.id})"]
        power = checks.get("alpha_power")
        if power is not None and not power.skipped:
            out.append(f"alpha_power: {power.interpretation}")
        return out
    if rule.id == "U":
        return [f"{mean_txt} and sharpe: one-sided p = {_fmt_p(e.sharpe_p)}, both <= {a}; no benchmark was given, "
                "so alpha versus beta is untested (rule U)"]
    if e.has_benchmark:
        out = [f"{mean_txt} > {a} and {alpha_txt} — not a positive alpha with both p <= {a} (rule N)"]
        power = checks.get("alpha_power")
        if power is not None and not power.skipped:
            out.append(f"alpha_power: {power.interpretation}")
        return out
    out = [f"{mean_txt}; sharpe: one-sided p = {_fmt_p(e.sharpe_p)} — not both <= {a} (rule N)"]
    power = checks.get("mean_power")
    if power is not None and not power.skipped:
        out.append(f"mean_power: {power.interpretation}")
    return out


def decide_verdict(evidence: Evidence, checks: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """Apply :data:`RULES` to the evidence; returns (verdict, rule id, reasons).

    Reasons name the check and its numbers, decisive ones first, then the red flags of the
    informational checks as notes.
    """
    rule = next(r for r in RULES if r.applies(evidence))
    reasons = _reason(rule, evidence, checks)
    for name in NOTE_CHECKS:
        if rule.verdict == "not significant" and name in RESTATING_CHECKS:
            continue  # their flag only repeats that nothing is significant
        check = checks.get(name)
        if check is not None and not check.skipped and check.passed is False:
            reasons.append(f"note — {name}: {check.interpretation}")
    if evidence.n_trials == 1 and rule.id in ("A", "B1", "B2", "U"):  # something was significant
        reasons.append("note — n_trials = 1: how many variants (parameters, filters, assets, periods) were tried "
                       "before this one? Pass n_trials (or trials) so the deflated Sharpe and the haircut can "
                       "account for the selection")
    return rule.verdict, rule.id, tuple(reasons)


def evidence_from_checks(checks: Mapping[str, Any], *, alpha_level: float, n_trials: int,
                         has_benchmark: bool) -> Evidence:
    """Read the typed results of the checks into :class:`Evidence`."""
    def ran(name: str) -> Any:
        c = checks.get(name)
        return None if c is None or c.skipped else c

    mean, sharpe, dsr, pb, ja, eq = (ran(n) for n in ("mean", "sharpe", "dsr", "pbo", "jensen_alpha", "alpha_power"))
    return Evidence(
        alpha_level=alpha_level, n_trials=n_trials, has_benchmark=has_benchmark,
        mean_p=mean.result.pvalue if mean else None, sharpe_p=sharpe.result.pvalue if sharpe else None,
        dsr_p=dsr.result.pvalue if dsr else None, pbo=pb.result.pbo if pb else None,
        alpha=ja.result.hac.estimate if ja else None, alpha_hac_p=ja.result.hac.pvalue if ja else None,
        alpha_boot_p=ja.result.bootstrap.pvalue if ja else None,
        alpha_ruled_out=eq.numbers.get("ruled_out") if eq else None)
