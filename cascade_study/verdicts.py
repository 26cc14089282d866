"""The study's verdict rules: derived from the measured numbers alone, never hard-coded.

* :func:`experiment_verdicts` — one verdict per experiment in the seed's vocabulary (Appendix).
* :func:`trade_verdict` — the verdict of one set of trades (alts long-only mean, Jensen alpha, market-neutral
  spread, and what the alpha tests can rule out); used for the final verdict and for every robustness cell.
* :func:`final_verdict` — :func:`trade_verdict` on the main trades, with its reasons in words.
* :func:`alpha_power` — what the alpha tests can and cannot rule out (:mod:`alphacheck.power`): the audit's
  power-aware split of "beta, not alpha" into *alpha ruled out* and *alpha unproven*.

All p-values are compared with ``alpha_level`` (5 %). The rules are tested branch by branch on fabricated
inputs (tests/cascade_study/test_experiments.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import alphacheck
from alphacheck.power import equivalence_bound, power_analysis

ALPHA_LEVEL = 0.05
SEVERE_DRAWDOWN = -0.20
POWER = 0.80

#: the audit's power-aware verdicts (alphacheck.VERDICTS), used verbatim
RULED_OUT = "beta, not alpha (alpha ruled out)"
UNPROVEN = "beta, not alpha (alpha unproven)"
if RULED_OUT not in alphacheck.VERDICTS or UNPROVEN not in alphacheck.VERDICTS:  # pragma: no cover
    raise ImportError("cascade_study: alphacheck.VERDICTS no longer holds the power-aware 'beta, not alpha' verdicts")
TRADE_VERDICTS = ("alpha", RULED_OUT, UNPROVEN, "inconclusive", "no significant return", "too few trades")


# ----------------------------------------------------------------------------- power
@dataclass(frozen=True)
class AlphaPower:
    """What the two alpha tests (HAC and bootstrap) can and cannot rule out, as the audit's ``alpha_power``.

    ``mde``: the larger of the two tests' minimum detectable alphas at 80 % power and level 5 %;
    ``upper``: the larger one-sided 95 % upper confidence bound of the alpha; ``margin``: the alpha tested
    against — the mean return of the trades (an alpha as large as the whole return); ``ruled_out``:
    ``upper < margin`` (Schuirmann's 1987 one-sided test at level 5 %); ``n_needed``: trades needed to
    detect the estimated alpha with 80 % power (inf when the estimate is <= 0); ``n``: trades used.
    """
    alpha: float
    mde: float
    upper: float
    margin: float
    ruled_out: bool
    n_needed: float
    power_at_estimate: float
    n: int

    def sentence(self, trades_per_year: float | None = None) -> str:
        """What the trades can and cannot rule out, and how many would be needed, in words."""
        head = f"With {self.n} trades the alpha tests"
        rule = (f"rule out an alpha as large as the whole mean return ({self.margin:+.2%} per trade): the upper 95 % "
                f"bound is {self.upper:+.2%}" if self.ruled_out else
                f"cannot rule out an alpha as large as the whole mean return ({self.margin:+.2%} per trade): the upper "
                f"95 % bound is {self.upper:+.2%}" if self.margin > 0 else
                f"have no positive mean return to test an alpha against (upper 95 % bound {self.upper:+.2%})")
        mde = (f"; the smallest alpha they detect with {POWER:.0%} power at the {ALPHA_LEVEL:.0%} level is "
               f"{self.mde:+.2%} per trade (power at the estimated {self.alpha:+.2%}: {self.power_at_estimate:.0%})")
        if math.isfinite(self.n_needed):
            years = (f", about {self.n_needed / trades_per_year:.0f} years of cascades at the "
                     f"{trades_per_year:.1f} trades a year seen here" if trades_per_year else "")
            need = (f"; detecting an alpha of {self.alpha:+.2%} with {POWER:.0%} power would need about "
                    f"{self.n_needed:,.0f} trades{years}")
        else:
            need = "; no number of trades would make a non-positive alpha estimate significant"
        return f"{head} {rule}{mde}{need}."


def alpha_power(hac, boot=None, margin: float = float("nan"), alpha_level: float = ALPHA_LEVEL) -> AlphaPower:
    """:class:`AlphaPower` from the HAC (and, when given, the bootstrap) :class:`alphacheck.AlphaResult`:
    the binding (larger) MDE and the larger upper bound, as the audit's ``check_alpha_power``."""
    tests = [t for t in (hac, boot) if t is not None]
    pa = max((power_analysis(t, alpha_level=alpha_level, power=POWER) for t in tests),
             key=lambda r: r.minimum_detectable_effect)
    upper = max(equivalence_bound(t, alpha_level=alpha_level) for t in tests)
    ruled_out = bool(margin > 0 and upper < margin)
    return AlphaPower(alpha=float(hac.alpha), mde=float(pa.minimum_detectable_effect), upper=float(upper),
                      margin=float(margin), ruled_out=ruled_out, n_needed=float(pa.n_needed),
                      power_at_estimate=float(pa.power_at_estimate), n=int(hac.n))


# ----------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Evidence:
    """The numbers the verdict rules read (all measured by the experiments).

    ``fade_oos_sharpe`` is the per-trade OOS Sharpe of the BTC fade walk-forward annualised with
    √(8760 / hold) (the seed's convention; its sign is the sign of every convention).
    """
    spread48: float
    spread48_p: float
    cfi_ic: float
    cfi_ic_p: float
    cfi_crash_ratio: float
    fade_oos_sharpe: float
    fade_pbo: float
    long_mean: float
    long_p: float
    mn_mean: float
    mn_p: float
    alpha: float
    alpha_p_hac: float
    alpha_p_boot: float
    alpha_vol: float
    alpha_vol_p: float
    beta: float
    r2: float
    ls_mean: float
    ls_p: float
    max_drawdown: float
    power: AlphaPower | None = None
    trades_per_year: float | None = None


@dataclass(frozen=True)
class FinalVerdict:
    label: str          # one of TRADE_VERDICTS
    text: str           # plain words, built from the numbers (does not repeat the label)
    reasons: tuple
    standalone_alpha: bool
    power_text: str = ""


def experiment_verdicts(e: Evidence, a: float = ALPHA_LEVEL) -> dict[str, str]:
    """Per-experiment verdicts in the seed's vocabulary (Appendix), by rule:

    * Exp 02: "promising" if the T+48h alt-minus-BTC spread is > 0 with p < a, else "not confirmed".
    * CFI: "momentum, not crash predictor" if IC(CFI, fwd 24h) > 0 with p < a; "crash predictor" if
      IC < 0 with p < a; otherwise "no signal (not a crash predictor)" — the sign alone is not evidence.
    * CFI tail: "strong tail-risk flag" if the Q5/Q1 crash-rate ratio >= 2, else "weak tail-risk flag".
    * Exp 05: "FAILED" if the OOS Sharpe <= 0 or PBO > 0.5, else "PASS".
    * Exp 05b: "PASS" if the alts long-only mean > 0 with p < a, else "FAILED".
    * Exp 06: "alpha" if alpha > 0 and both HAC and bootstrap p < a, else "beta, not alpha".
    * Exp 07: "FAILED" unless the long/short mean > 0 with p < a ("PASS").
    * Drawdown: "severe" if max drawdown < −20 %, else "moderate".
    """
    return {
        "Exp 02": "promising" if e.spread48 > 0 and e.spread48_p < a else "not confirmed",
        "CFI": ("no signal (not a crash predictor)" if e.cfi_ic_p >= a
                else "momentum, not crash predictor" if e.cfi_ic > 0 else "crash predictor"),
        "CFI tail": "strong tail-risk flag" if e.cfi_crash_ratio >= 2 else "weak tail-risk flag",
        "Exp 05": "FAILED" if (e.fade_oos_sharpe <= 0 or e.fade_pbo > 0.5) else "PASS",
        "Exp 05b": "PASS" if e.long_mean > 0 and e.long_p < a else "FAILED",
        "Exp 06": ("alpha" if e.alpha > 0 and e.alpha_p_hac < a and e.alpha_p_boot < a
                   else "beta, not alpha"),
        "Exp 07": "PASS" if e.ls_mean > 0 and e.ls_p < a else "FAILED",
        "Drawdown": "severe" if e.max_drawdown < SEVERE_DRAWDOWN else "moderate",
    }


def _lt(p: float, a: float) -> bool:
    return p is not None and p == p and p < a


#: the rules of :func:`trade_verdict`, in words (printed in the report)
TRADE_RULES = (
    ("alpha", "alts long-only mean > 0 with one-sided p < 5 %, Jensen alpha > 0 with two-sided HAC and bootstrap "
              "p < 5 %, and the market-neutral spread > 0 with p < 5 %"),
    ("inconclusive", "long-only and alpha significant, market-neutral not"),
    (RULED_OUT, "long-only significant, alpha not, and the one-sided 95 % upper bound of the alpha lies below the "
                "mean return (an alpha that large is excluded)"),
    (UNPROVEN, "long-only significant, alpha not, and that alpha cannot be excluded (underpowered)"),
    ("inconclusive", "long-only not significant but alpha significant"),
    ("no significant return", "anything else"),
    ("too few trades", "(robustness cells) fewer than 10 trades: not tested"),
)


def trade_verdict(long_mean: float, long_p: float, alpha: float, alpha_p_hac: float, alpha_p_boot: float,
                  mn_mean: float, mn_p: float, ruled_out: bool | None, a: float = ALPHA_LEVEL) -> str:
    """The verdict of one set of trades (first match wins):

    1. alts long-only significant (mean > 0, one-sided p < a), Jensen alpha > 0 with HAC and bootstrap
       p < a (two-sided), and the market-neutral spread significant -> "alpha".
    2. long-only and alpha significant but market-neutral not -> "inconclusive".
    3. long-only significant, alpha not, and the alpha tests rule out an alpha as large as the mean return
       (:func:`alpha_power`) -> "beta, not alpha (alpha ruled out)".
    4. long-only significant, alpha not, and the data cannot rule that alpha out -> "beta, not alpha
       (alpha unproven)".
    5. long-only not significant but alpha significant -> "inconclusive".
    6. otherwise -> "no significant return".
    NaN p-values (too few trades for a test) never count as significant.
    """
    long_sig = long_mean > 0 and _lt(long_p, a)
    alpha_sig = alpha > 0 and _lt(alpha_p_hac, a) and _lt(alpha_p_boot, a)
    mn_sig = mn_mean > 0 and _lt(mn_p, a)
    if long_sig and alpha_sig:
        return "alpha" if mn_sig else "inconclusive"
    if long_sig:
        return RULED_OUT if ruled_out else UNPROVEN
    if alpha_sig:
        return "inconclusive"
    return "no significant return"


def final_verdict(e: Evidence, a: float = ALPHA_LEVEL) -> FinalVerdict:
    """:func:`trade_verdict` on the main trades, with the reasons and the power sentence in words."""
    label = trade_verdict(e.long_mean, e.long_p, e.alpha, e.alpha_p_hac, e.alpha_p_boot, e.mn_mean, e.mn_p,
                          e.power.ruled_out if e.power is not None else None, a)
    mn_sig = e.mn_mean > 0 and _lt(e.mn_p, a)
    r = [f"alts long-only: mean {e.long_mean:+.2%}/trade, one-sided p = {e.long_p:.3g}",
         f"Jensen alpha {e.alpha:+.2%}/trade (HAC p = {e.alpha_p_hac:.3g}, bootstrap p = "
         f"{e.alpha_p_boot:.3g}), beta {e.beta:.3f}, R² {e.r2:.3f}",
         f"with the volatility control (centred, the alpha at average volatility): alpha {e.alpha_vol:+.2%} "
         f"(p = {e.alpha_vol_p:.3g})",
         f"market-neutral (alts − BTC): mean {e.mn_mean:+.2%}/trade, p = {e.mn_p:.3g}",
         f"long hardest / short least-hit: {e.ls_mean:+.2%}/trade (p = {e.ls_p:.3g})"]
    power_text = e.power.sentence(e.trades_per_year) if e.power is not None else ""
    if label == "alpha":
        text = (f"the post-cascade alt return survives the BTC beta — Jensen alpha {e.alpha:+.2%}/trade is "
                "significant and so is the market-neutral spread.")
    elif label == "inconclusive" and _lt(e.long_p, a):
        text = (f"the regression alpha ({e.alpha:+.2%}/trade) is significant but the market-neutral spread is "
                f"not (p = {e.mn_p:.3g}).")
    elif label in (RULED_OUT, UNPROVEN):
        rule, tail = (("and the data rule out an alpha as large as that return",
                       "an alpha of that size is excluded") if label == RULED_OUT else
                      ("and the data are too few to rule out an alpha as large as that return",
                       "an alpha is not proven — and, with this few trades, not excluded either"))
        text = (f"the alts long-only return ({e.long_mean:+.2%}/trade, p = {e.long_p:.3g}) is significant, but "
                f"once BTC's own return over the trade is regressed out (beta {e.beta:.2f}, R² {e.r2:.2f}) the "
                f"alpha of {e.alpha:+.2%} is not (HAC p = {e.alpha_p_hac:.3g}), {rule}; the market-neutral "
                f"spread is {'' if mn_sig else 'not '}significant (p = {e.mn_p:.3g}). What the trades show is "
                f"leveraged BTC beta; {tail}.")
    elif label == "inconclusive":
        text = (f"the long-only return is not significant (p = {e.long_p:.3g}) but the regression alpha is "
                f"({e.alpha:+.2%}/trade).")
    else:
        text = (f"neither the alts long-only mean ({e.long_mean:+.2%}/trade, p = {e.long_p:.3g}) nor the Jensen "
                f"alpha ({e.alpha:+.2%}, p = {e.alpha_p_hac:.3g}) is significant; what co-movement there is, is "
                f"BTC beta {e.beta:.2f}. No standalone alpha.")
    return FinalVerdict(label=label, text=text[0].upper() + text[1:], reasons=tuple(r),
                        standalone_alpha=label == "alpha", power_text=power_text)
