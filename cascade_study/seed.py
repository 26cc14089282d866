"""Every number the seed write-up quotes (../shared/SEED_STUDY.md), as data.

Each :class:`SeedNumber` carries the value as a fraction where it is a return (2.33 % -> 0.0233),
the unit to print it in, the experiment it belongs to, where the write-up says it, and the verdict
the write-up draws from it. The report prints ours beside each of these, labelled "seed".
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class SeedNumber:
    key: str
    label: str
    value: float
    unit: str          # "pct" (fraction printed as %), "bps", "count", "ratio", "p", "sharpe", "ic"
    experiment: str
    supports: str      # the verdict this number supports in the write-up
    where: str = ""

    def fmt(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def finding(self) -> str:
        """How the row is compared in the "same finding" column: "estimate" (a signed estimate: its sign and,
        where the seed gives a test, its significance), "p" (a p-value: significant at 5 % or not) or "none"
        (a count, rate, R² or statistic: no finding to compare)."""
        return FINDING.get(self.key, "estimate" if self.unit in ("pct", "bps", "ic", "sharpe") else "none")

    @property
    def seed_significant(self) -> bool | None:
        """Whether the write-up reports this estimate as significant at 5 % (None: it gives no test)."""
        p = SEED_P.get(self.key)
        return None if p is None else p < 0.05


MISSING = "n/a"  # the one missing-value marker (as alphacheck.report.blocks.MISSING)


def format_value(value: float | None, unit: str) -> str:
    """Format a number in ``unit`` (shared by seed and our numbers so they print alike); NaN/None -> "n/a"."""
    if value is None or value != value:
        return MISSING
    if unit == "pct":
        return f"{100 * value:+.2f}%"
    if unit == "pct_abs":
        return f"{100 * value:.1f}%"
    if unit == "bps":
        return f"{1e4 * value:+.1f} bp"
    if unit == "count":
        return f"{round(value)}"
    if unit == "p":
        return f"{value:.3g}" if value >= 1e-4 else f"{value:.1e}"
    return f"{value:.3g}"


_ROWS = [
    # event counts (Part 2, "Cascade Detection")
    SeedNumber("events_strict", "Strict cascades", 4, "count", "Exp 01", "cascades are rare", "Part 2"),
    SeedNumber("events_medium", "Medium cascades", 15, "count", "Exp 01", "cascades are rare", "Part 2"),
    SeedNumber("events_loose", "Loose cascades", 36, "count", "Exp 01", "cascades are rare", "Part 2"),
    SeedNumber("events_volume_only", "Volume-only cascades", 84, "count", "Exp 01",
               "cascades are rare (~14/yr)", "Part 2"),
    # Exp 02 event study
    SeedNumber("alt_t24", "Alts mean return T+24h", 0.0157, "pct", "Exp 02",
               "alts bounce more than BTC", "Part 3, pivot"),
    SeedNumber("btc_t24", "BTC mean return T+24h", 0.0056, "pct", "Exp 02",
               "alts bounce more than BTC", "Part 3, pivot"),
    SeedNumber("alt_t48", "Alts mean return T+48h", 0.0246, "pct", "Exp 02",
               "alts bounce more than BTC", "Part 3, pivot"),
    SeedNumber("btc_t48", "BTC mean return T+48h", 0.0110, "pct", "Exp 02",
               "alts bounce more than BTC", "Part 3, pivot"),
    SeedNumber("spread_t24", "Alt − BTC spread T+24h", 0.0101, "pct", "Exp 02",
               "spread significant (p < 0.001)", "Part 3, pivot"),
    SeedNumber("spread_t48", "Alt − BTC spread T+48h", 0.0135, "pct", "Exp 02",
               "spread significant (p < 0.001)", "Part 3, pivot"),
    SeedNumber("ic_depth", "IC(cascade depth, BTC recovery 24h), loose set", 0.70, "ic", "Exp 02",
               "promising but misleading (n = 36)", "Part 3, Exp 1-2"),
    SeedNumber("ic_overshoot", "IC(alt overshoot, alt recovery 24h)", 0.113, "ic", "Exp 02",
               "promising; really beta dispersion", "Part 3, pivot"),
    SeedNumber("ic_overshoot_p", "p of IC(overshoot)", 0.0001, "p", "Exp 02",
               "promising; really beta dispersion", "Part 3, pivot"),
    SeedNumber("q5_t48", "Hardest-hit quintile (Q5) mean T+48h", 0.0607, "pct", "Exp 02",
               "hardest hit bounce most", "Part 3, pivot"),
    SeedNumber("q5_win", "Q5 win rate T+48h", 0.66, "pct_abs", "Exp 02", "hardest hit bounce most",
               "Part 3, pivot"),
    SeedNumber("q5_t", "Q5 t-statistic T+48h", 7.02, "ratio", "Exp 02", "hardest hit bounce most",
               "Part 3, pivot"),
    # CFI
    SeedNumber("cfi_ic", "IC(CFI, forward 24h BTC return)", 0.048, "ic", "CFI",
               "positive sign: CFI is a bull-regime/momentum gauge, not a crash predictor",
               "Part 3, Exp 1-2"),
    SeedNumber("cfi_crash_ratio", "Crash rate Q5/Q1 of CFI", 5.13, "ratio", "CFI",
               "CFI flags tail risk (regime filter)", "Part 8"),
    # Exp 05 BTC fade walk-forward
    SeedNumber("fade_train_sharpe", "Fade grid: in-sample Sharpe, per trade × √(8760/hold)", 9.37, "sharpe", "Exp 05",
               "overfitting", "Part 3, Exp 5"),
    SeedNumber("fade_oos_sharpe", "Fade grid: OOS Sharpe, per trade × √(8760/hold)", -3.66, "sharpe", "Exp 05",
               "FAILED: overfitting", "Part 3, Exp 5"),
    SeedNumber("fade_oos_win", "Fade grid: OOS win rate", 0.373, "pct_abs", "Exp 05",
               "FAILED: overfitting", "Part 3, Exp 5"),
    SeedNumber("fade_oos_mean", "Fade grid: OOS mean per trade", -0.00639, "bps", "Exp 05",
               "FAILED: overfitting", "Part 3, Exp 5"),
    # Exp 05b alt contagion
    SeedNumber("alt_mean", "Alts long-only: mean per trade (net)", 0.0233, "pct", "Exp 05b",
               "PASS: significant", "Part 4"),
    SeedNumber("alt_p", "Alts long-only: p (mean > 0)", 0.029, "p", "Exp 05b", "PASS: significant",
               "Part 4"),
    SeedNumber("alt_sharpe", "Alts long-only: Sharpe, per trade × √(8760/hold)", 3.58, "sharpe", "Exp 05b",
               "PASS", "TL;DR"),
    SeedNumber("alt_n", "Alts long-only: OOS trades 2021-2025", 72, "count", "Exp 05b", "PASS",
               "TL;DR"),
    SeedNumber("alt_cum", "Alts long-only: cumulative return", 2.99, "pct", "Exp 05b", "PASS",
               "Figure 6"),
    SeedNumber("alt_years_positive", "Alts long-only: positive years of 5", 5, "count", "Exp 05b",
               "PASS: consistent", "Part 4"),
    SeedNumber("mn_p", "Market-neutral: p (mean > 0)", 0.28, "p", "Exp 05b",
               "not significant -> directional exposure", "Part 4"),
    # Exp 06 beta
    SeedNumber("beta", "Beta of alt basket on BTC (per trade)", 1.158, "ratio", "Exp 06",
               "leveraged beta", "Part 5"),
    SeedNumber("r2", "R² of alt basket on BTC", 0.543, "ratio", "Exp 06", "leveraged beta", "Part 5"),
    SeedNumber("alpha", "Jensen alpha per trade", 0.0098, "pct", "Exp 06",
               "MARGINAL: alpha not significant", "Part 5"),
    SeedNumber("alpha_p", "p of Jensen alpha", 0.182, "p", "Exp 06",
               "MARGINAL: alpha not significant", "Part 5"),
    SeedNumber("alpha_vol", "Jensen alpha with volatility control", -0.0074, "pct", "Exp 06",
               "alpha vanishes with controls", "Part 5"),
    SeedNumber("alpha_vol_p", "p of alpha with volatility control", 0.797, "p", "Exp 06",
               "alpha vanishes with controls", "Part 5"),
    SeedNumber("recover_n", "Trades where BTC recovers: n", 42, "count", "Exp 06",
               "works only when BTC bounces", "Part 5"),
    SeedNumber("recover_mean", "Alt return when BTC recovers", 0.0586, "pct", "Exp 06",
               "works only when BTC bounces", "Part 5"),
    SeedNumber("fall_n", "Trades where BTC keeps falling: n", 30, "count", "Exp 06",
               "works only when BTC bounces", "Part 5"),
    SeedNumber("fall_mean", "Alt return when BTC keeps falling", -0.0262, "pct", "Exp 06",
               "works only when BTC bounces", "Part 5"),
    # Exp 07 cross-section
    SeedNumber("ls_mean", "Long hardest / short least-hit: mean per trade", -0.0064, "pct", "Exp 07",
               "FAILED: L/S negative", "Part 5"),
    # Drawdown
    SeedNumber("max_dd", "Alts long-only: max drawdown", -0.34, "pct", "Drawdown",
               "severe drawdowns (May 2021)", "Part 6"),
]

SEED = MappingProxyType({s.key: s for s in _ROWS})

#: p-values (or their bounds) the write-up gives for its estimates; keys without an entry have no test there
SEED_P = MappingProxyType({
    "spread_t24": 0.001, "spread_t48": 0.001,          # "All differences significant at p < 0.001"
    "ic_depth": 0.0001, "ic_overshoot": 0.0001, "ic_overshoot_p": 0.0001,
    "q5_t48": 1e-6,                                    # t = 7.02
    "cfi_ic": 1e-6,                                    # "p < 10^-6"
    "alt_mean": 0.029, "alt_p": 0.029, "mn_p": 0.28,
    "alpha": 0.182, "alpha_p": 0.182, "alpha_vol": 0.797, "alpha_vol_p": 0.797,
})
#: rows compared other than by their unit's default
FINDING = MappingProxyType({
    "ic_overshoot_p": "p", "alt_p": "p", "mn_p": "p", "alpha_p": "p", "alpha_vol_p": "p",
    "beta": "estimate", "alt_cum": "estimate", "max_dd": "none", "q5_t": "none",
})

#: The seed's experiment verdicts (Appendix) in the vocabulary the report compares.
SEED_VERDICTS = MappingProxyType({
    "Exp 02": "promising",
    "CFI": "momentum, not crash predictor",
    "CFI tail": "strong tail-risk flag",
    "Exp 05": "FAILED",
    "Exp 05b": "PASS",
    "Exp 06": "beta, not alpha",
    "Exp 07": "FAILED",
    "Drawdown": "severe",
    "Final": "beta, not alpha",
})
SEED_FINAL_VERDICT = "DEAD as standalone alpha: the post-cascade alt return is leveraged BTC beta"
