"""Run the whole cascade study in the seed's order and derive the verdicts from the measured numbers.

``run_study()`` loads the data (bundled by default), computes the features, builds the trades and
runs every experiment; it returns a frozen :class:`StudyResult`. The verdicts — per experiment and
final — are derived by the rule functions of :mod:`cascade_study.verdicts` (re-exported here)
from the numbers alone (nothing is hard-coded; the rules are tested branch by branch on fabricated
inputs).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

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
from .experiments.data_caveats import DataCaveats, measure_caveats
from .experiments.drawdown import DrawdownExperiment, run_drawdown
from .experiments.event_study import EventStudyExperiment, run_event_study
from .experiments.robustness import RobustnessExperiment, run_robustness
from .features import compute_features
from .strategies import COST_BPS, TradeBook, build_trades, cascade_entries
from .verdicts import ALPHA_LEVEL, Evidence, FinalVerdict, alpha_power, experiment_verdicts, final_verdict

__all__ = ["ALPHA_LEVEL", "Evidence", "FinalVerdict", "StudyResult", "experiment_verdicts", "final_verdict",
           "gather_evidence", "run_study"]


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
    fade: FadeExperiment             # ours: expanding training window (first 365 days)
    fade_seed_windows: FadeExperiment  # the seed's rolling 3-month training windows, same test quarters
    alt_contagion: AltContagionExperiment
    beta: BetaExperiment
    cross_section: CrossSectionExperiment
    drawdown: DrawdownExperiment
    robustness: RobustnessExperiment
    caveats: DataCaveats
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
    """The numbers the verdict rules read, with what the alpha tests can rule out (margin: the mean return)."""
    lt, mn = ac.overall["alt_long"], ac.overall["market_neutral"]
    t48 = es.table.loc[48]
    power = alpha_power(beta.plain, beta.plain_boot, margin=lt.mean, alpha_level=ALPHA_LEVEL)
    return Evidence(
        spread48=float(t48["spread"]), spread48_p=float(t48["spread_p"]), cfi_ic=cfi.ic,
        cfi_ic_p=float(cfi.ic_test.pvalue), cfi_crash_ratio=cfi.crash_ratio,
        fade_oos_sharpe=fade.oos_sharpe_seed_conv, fade_pbo=float(fade.pbo.pbo),
        long_mean=lt.mean, long_p=lt.pvalue, mn_mean=mn.mean, mn_p=mn.pvalue,
        alpha=beta.plain.alpha, alpha_p_hac=beta.plain.pvalue,
        alpha_p_boot=float(beta.plain_boot.pvalue), alpha_vol=beta.vol_control.alpha,
        alpha_vol_p=beta.vol_control.pvalue, beta=beta.plain.beta, r2=beta.plain.rsquared,
        ls_mean=cs.long_short_mean, ls_p=float(cs.tests["long_short"].pvalue),
        max_drawdown=dd.max_drawdown, power=power, trades_per_year=lt.trades_per_year)


def run_study(md: MarketData | None = None, data_dir=None, seed: int = 0, reps: int = 9_999,
              progress: bool | None = None) -> StudyResult:
    """Run every experiment; ``progress`` None = tqdm bar only when stderr is a TTY."""
    if progress is None:
        progress = sys.stderr.isatty()
    steps = ["data", "features", "trades", "event study", "CFI", "BTC fade walk-forward",
             "alt contagion", "beta", "cross-section", "drawdown", "robustness", "data caveats"]
    bar = tqdm(total=len(steps), desc="cascade study", disable=not progress)
    timings: dict[str, float] = {}
    clock = [time.perf_counter(), None]

    def step(name):
        now = time.perf_counter()
        if clock[1] is not None:
            timings[clock[1]] = now - clock[0]
        clock[0], clock[1] = now, name
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
    r1 = md.returns(1)
    book = build_trades(md, cascade_entries(features), returns_1h=r1)
    bar.update()
    step("event study")
    es = run_event_study(md, features, reps=reps, seed=seed)
    bar.update()
    step("CFI")
    cfi = run_cfi(md, features, seed=seed)
    bar.update()
    step("BTC fade walk-forward")
    fades = run_btc_fade(md, features, reps=reps, seed=seed)
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
    step("robustness")
    rob = run_robustness(md, features, reps=reps, seed=seed,
                         books={("volume_only", book.hold, 0, COST_BPS): book})
    bar.update()
    step("data caveats")
    cav = measure_caveats(md, features, ac.book)
    bar.update()
    step(None)
    bar.close()
    ev = gather_evidence(es, cfi, fades["ours"], ac, beta, cs, dd)
    summary, warnings = data_summary(md)
    return StudyResult(
        data_summary=summary, gap_report=md.gap_report(), book=book, event_study=es, cfi=cfi,
        fade=fades["ours"], fade_seed_windows=fades["seed"], alt_contagion=ac, beta=beta, cross_section=cs,
        drawdown=dd, robustness=rob, caveats=cav, evidence=ev, verdicts=experiment_verdicts(ev),
        final=final_verdict(ev), seed=seed, reps=reps,
        settings={"alpha_level": ALPHA_LEVEL, "hold_hours": book.hold, "cost_bps": book.cost_bps,
                  "seconds": timings},
        data_warnings=warnings)
