"""Run the whole cascade study in the seed's order and derive the verdicts from the measured numbers.

``run_study()`` loads the data (bundled by default), computes the features, builds the trades and
runs every experiment; it returns a frozen :class:`StudyResult`. The verdicts — per experiment and
final — are derived by the rule functions :func:`experiment_verdicts` and :func:`final_verdict`
from the numbers alone (nothing is hard-coded; the rules are tested branch by branch on fabricated
inputs).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd
from tqdm.auto import tqdm

from .data import DataError, MarketData, load_market_data
from .data.loaders import FUNDING_NEED
from .data.universe import BTC
from .experiments.alt_contagion_wf import AltContagionExperiment, run_alt_contagion
from .experiments.beta import BetaExperiment, run_beta
from .experiments.btc_fade_wf import FadeExperiment, run_btc_fade
from .experiments.cfi import CFIExperiment, run_cfi
from .experiments.cross_section import CrossSectionExperiment, run_cross_section
from .experiments.drawdown import DrawdownExperiment, run_drawdown
from .experiments.event_study import EventStudyExperiment, run_event_study
from .features import compute_features
from .strategies import TradeBook, build_trades, cascade_entries

ALPHA_LEVEL = 0.05
SEVERE_DRAWDOWN = -0.20


# ----------------------------------------------------------------------------- verdict rules
@dataclass(frozen=True)
class Evidence:
    """The numbers the verdict rules read (all measured by the experiments)."""
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


@dataclass(frozen=True)
class FinalVerdict:
    label: str          # "alpha" | "beta, not alpha" | "inconclusive" | "no significant return"
    text: str           # plain words, built from the numbers
    reasons: tuple
    standalone_alpha: bool


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


def final_verdict(e: Evidence, a: float = ALPHA_LEVEL) -> FinalVerdict:
    """The final verdict, by rule (first match wins):

    1. alts long-only significant (mean > 0, p < a), Jensen alpha > 0 with HAC and bootstrap p < a,
       and the market-neutral spread significant -> "alpha".
    2. alts long-only significant and alpha significant but market-neutral not -> "inconclusive".
    3. alts long-only significant but alpha not (HAC or bootstrap p >= a, or alpha <= 0)
       -> "beta, not alpha".
    4. alts long-only not significant but alpha significant -> "inconclusive".
    5. otherwise -> "no significant return".
    """
    long_sig = e.long_mean > 0 and e.long_p < a
    alpha_sig = e.alpha > 0 and e.alpha_p_hac < a and e.alpha_p_boot < a
    mn_sig = e.mn_mean > 0 and e.mn_p < a
    r = [f"alts long-only: mean {e.long_mean:+.2%}/trade, one-sided p = {e.long_p:.3g}",
         f"Jensen alpha {e.alpha:+.2%}/trade (HAC p = {e.alpha_p_hac:.3g}, bootstrap p = "
         f"{e.alpha_p_boot:.3g}), beta {e.beta:.3f}, R² {e.r2:.3f}",
         f"with volatility control: alpha {e.alpha_vol:+.2%} (p = {e.alpha_vol_p:.3g})",
         f"market-neutral (alts − BTC): mean {e.mn_mean:+.2%}/trade, p = {e.mn_p:.3g}",
         f"long hardest / short least-hit: {e.ls_mean:+.2%}/trade (p = {e.ls_p:.3g})"]
    if long_sig and alpha_sig and mn_sig:
        label = "alpha"
        text = (f"Alpha: the post-cascade alt return survives the BTC beta — Jensen alpha "
                f"{e.alpha:+.2%}/trade is significant and so is the market-neutral spread.")
    elif long_sig and alpha_sig:
        label = "inconclusive"
        text = (f"Inconclusive: the regression alpha ({e.alpha:+.2%}/trade) is significant but the "
                f"market-neutral spread is not (p = {e.mn_p:.3g}).")
    elif long_sig:
        label = "beta, not alpha"
        text = (f"Beta, not alpha: the alts long-only return ({e.long_mean:+.2%}/trade, p = "
                f"{e.long_p:.3g}) is significant, but once BTC's own return over the trade is "
                f"regressed out (beta {e.beta:.2f}, R² {e.r2:.2f}) the alpha of {e.alpha:+.2%} is "
                f"not (p = {e.alpha_p_hac:.3g}); the market-neutral spread is "
                f"{'not ' if not mn_sig else ''}significant (p = {e.mn_p:.3g}). The post-cascade "
                f"alt 'alpha' is leveraged BTC beta.")
    elif alpha_sig:
        label = "inconclusive"
        text = (f"Inconclusive: the long-only return is not significant (p = {e.long_p:.3g}) but "
                f"the regression alpha is ({e.alpha:+.2%}/trade).")
    else:
        label = "no significant return"
        text = (f"No significant return: neither the alts long-only mean ({e.long_mean:+.2%}/trade, "
                f"p = {e.long_p:.3g}) nor the Jensen alpha ({e.alpha:+.2%}, p = "
                f"{e.alpha_p_hac:.3g}) is significant; what co-movement there is, is BTC beta "
                f"{e.beta:.2f}. No standalone alpha.")
    return FinalVerdict(label=label, text=text, reasons=tuple(r), standalone_alpha=label == "alpha")


# ----------------------------------------------------------------------------- the study
def data_summary(md: MarketData) -> tuple[dict, tuple[str, ...]]:
    """The report's data section: span, symbols, BTC hours and the data warnings (also returned alone)."""
    idx = md.index
    warnings = tuple(str(w) for w in md.meta.get("warnings", ()))
    summary = {"hours": len(idx), "first": str(idx[0]) if len(idx) else "", "last": str(idx[-1]) if len(idx) else "",
               "symbols": md.symbols, "btc_hours": int(md.close["BTC"].notna().sum()), "warnings": list(warnings)}
    return summary, warnings


def require_study_data(md: MarketData) -> None:
    """What the study cannot run without: BTC bars and Binance funding (a :class:`DataError` naming it).

    Funding drives fr_z, the strict/medium/loose cascade levels and the CFI: without any the study would
    report 0 cascades at three levels and a CFI of other components — a different study, not a warning.
    What it can run without (one symbol's funding, partial coverage) is in ``md.meta["warnings"]``.
    """
    src = md.meta.get("source", "the market data")
    if BTC not in md.symbols or md.close[BTC].notna().sum() == 0:
        raise DataError(f"{src}: no BTC klines; every cascade is a BTC event, the study needs them")
    fb = md.funding.get("binance")
    if fb is None or fb.empty or fb.notna().sum().sum() == 0:
        where = (f"{src}/funding/ (the <SYM>USDT_funding_binance.csv.gz files)" if md.meta.get("layout") == "shared"
                 else f"<SYM>USDT-fundingRate-YYYY-MM files under {src}")
        raise DataError(f"{src}: no Binance funding ({where} missing); {FUNDING_NEED}, so the study cannot run "
                        "without it")



@dataclass(frozen=True)
class StudyResult:
    data_summary: Mapping[str, object]
    gap_report: pd.DataFrame
    book: TradeBook                  # all merged volume-only trades (all years)
    event_study: EventStudyExperiment
    cfi: CFIExperiment
    fade: FadeExperiment
    alt_contagion: AltContagionExperiment
    beta: BetaExperiment
    cross_section: CrossSectionExperiment
    drawdown: DrawdownExperiment
    evidence: Evidence
    verdicts: Mapping[str, str]
    final: FinalVerdict
    seed: int
    reps: int
    settings: Mapping[str, object] = field(default_factory=dict)
    #: what the data lack that the study ran without (a symbol without funding, ...); also in
    #: ``data_summary["warnings"]`` for the report's data section. Empty for the bundled data.
    data_warnings: tuple[str, ...] = ()


def gather_evidence(es, cfi, fade, ac, beta, cs, dd) -> Evidence:
    lt, mn = ac.overall["alt_long"], ac.overall["market_neutral"]
    t48 = es.table.loc[48]
    return Evidence(
        spread48=float(t48["spread"]), spread48_p=float(t48["spread_p"]), cfi_ic=cfi.ic,
        cfi_ic_p=float(cfi.ic_test.pvalue), cfi_crash_ratio=cfi.crash_ratio,
        fade_oos_sharpe=fade.oos_sharpe, fade_pbo=float(fade.pbo.pbo),
        long_mean=lt.mean, long_p=lt.pvalue, mn_mean=mn.mean, mn_p=mn.pvalue,
        alpha=beta.plain.alpha, alpha_p_hac=beta.plain.pvalue,
        alpha_p_boot=float(beta.plain_boot.pvalue), alpha_vol=beta.vol_control.alpha,
        alpha_vol_p=beta.vol_control.pvalue, beta=beta.plain.beta, r2=beta.plain.rsquared,
        ls_mean=cs.long_short_mean, ls_p=float(cs.tests["long_short"].pvalue),
        max_drawdown=dd.max_drawdown)


def run_study(md: MarketData | None = None, data_dir=None, seed: int = 0, reps: int = 9_999,
              progress: bool | None = None) -> StudyResult:
    """Run every experiment; ``progress`` None = tqdm bar only when stderr is a TTY."""
    if progress is None:
        progress = sys.stderr.isatty()
    steps = ["data", "features", "trades", "event study", "CFI", "BTC fade walk-forward",
             "alt contagion", "beta", "cross-section", "drawdown"]
    bar = tqdm(total=len(steps), desc="cascade study", disable=not progress)

    def step(name):
        bar.set_postfix_str(name)

    step("data")
    if md is None:
        md = load_market_data(data_dir)
    require_study_data(md)
    bar.update()
    step("features")
    features = compute_features(md)
    bar.update()
    step("trades")
    book = build_trades(md, cascade_entries(features))
    bar.update()
    step("event study")
    es = run_event_study(md, features, reps=reps, seed=seed)
    bar.update()
    step("CFI")
    cfi = run_cfi(md, features, seed=seed)
    bar.update()
    step("BTC fade walk-forward")
    fade = run_btc_fade(md, features)
    bar.update()
    step("alt contagion")
    ac = run_alt_contagion(book, reps=reps, seed=seed)
    bar.update()
    step("beta")
    beta = run_beta(ac.book, features, reps=reps, seed=seed)
    bar.update()
    step("cross-section")
    cs = run_cross_section(ac.book, reps=reps, seed=seed)
    bar.update()
    step("drawdown")
    dd = run_drawdown(ac.book)
    bar.update()
    bar.close()
    ev = gather_evidence(es, cfi, fade, ac, beta, cs, dd)
    summary, warnings = data_summary(md)
    return StudyResult(
        data_summary=summary, gap_report=md.gap_report(), book=book, event_study=es, cfi=cfi,
        fade=fade, alt_contagion=ac, beta=beta, cross_section=cs, drawdown=dd, evidence=ev,
        verdicts=experiment_verdicts(ev), final=final_verdict(ev), seed=seed, reps=reps,
        settings={"alpha_level": ALPHA_LEVEL, "hold_hours": book.hold, "cost_bps": book.cost_bps},
        data_warnings=warnings)
