"""Robustness — does the alt-contagion result (and its alpha) survive reasonable set-up choices?

Every cell changes one choice of the main strategy (volume-only cascades, entry at the close of the cascade
bar, 48 h hold, 30 bp, out-of-sample calendar years 2021–2025) and re-runs the whole chain on the bundled
data: trades (:func:`cascade_study.strategies.build_trades`), the alts long-only mean per trade and its
one-sided stationary-bootstrap p (:func:`alphacheck.mean_test`), the Jensen alpha on BTC's own trade
return with its two-sided HAC and studentised-bootstrap p (:func:`alphacheck.jensen_alpha`), the
market-neutral spread, what the alpha tests can rule out (:func:`cascade_study.verdicts.alpha_power`) and
the verdict (:func:`cascade_study.verdicts.trade_verdict`). The cells (:func:`cell_specs`):

* entry delay 0 (main), 1, 2 h after the cascade bar's close (the fill assumption);
* round-trip cost 10, 30 (main), 50 bp;
* hold 24, 48 (main), 72 h (events merged with the same hold);
* cascade definition: the four levels of the seed (strict, medium, loose, volume-only = main);
* sample span: 2021–2025 (main), every trade of the full data (2019-09 → 2026-05), and every trade in a
  span of the seed's length (:data:`SEED_HOURS` = 50,462 h ending :data:`SEED_SPAN_END`, the end of the
  write-up's month);
* without each calendar year 2021, …, 2025 (the other four years).

Family correction (the table is itself a family of 17 tests of each hypothesis): the long-only p-values and
the alpha HAC p-values are adjusted across the cells by Benjamini–Hochberg (FDR; valid under the positive
dependence of overlapping trade sets, Benjamini & Yekutieli 2001) and by Holm (FWER, any dependence), with
:func:`alphacheck.adjust_pvalues`; and Romano & Wolf's StepM (:func:`alphacheck.stepm`, FWER with the
cells' dependence bootstrapped jointly) runs on the cells' calendar-month P&L (sum of the net returns of
the trades entered in the month, 0 in months without a trade; same months for every cell) for the
long-only return, and on the beta-hedged P&L ``alt − beta_cell · BTC`` per trade for the alpha (its mean
is the OLS alpha; the hedge ratio is taken as known, so this StepM ignores the error in beta). Cells with
fewer than :data:`MIN_TRADES` trades are reported but left out of the tests and the families.

:func:`conclusions` states, by rule, which conclusions hold in every cell and which hang on one choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alphacheck import AlphaResult, InputError, TestResult, adjust_pvalues, jensen_alpha, mean_test, stepm

from ..data.market import MarketData
from ..data.universe import BTC
from ..strategies import COST_BPS, HOLD_HOURS, TradeBook, build_trades, cascade_entries, leg_returns
from ..verdicts import ALPHA_LEVEL, AlphaPower, alpha_power, trade_verdict

SEED_HOURS = 50_462
SEED_SPAN_END = "2026-02-28 23:00"
OOS_START, OOS_END = 2021, 2025
MIN_TRADES = 10
Z95 = 1.959963984540054
LEVEL_LABELS = {"strict": "strict", "medium": "medium", "loose": "loose", "volume_only": "volume-only"}


@dataclass(frozen=True)
class CellSpec:
    """One robustness cell: the main set-up with one choice changed."""
    group: str
    label: str
    level: str = "volume_only"
    hold: int = HOLD_HOURS
    cost_bps: float = COST_BPS
    delay: int = 0
    span: str = "oos"            # "oos" (2021–2025), "full", "seed_length"
    drop_year: int | None = None

    @property
    def book_key(self) -> tuple:
        return (self.level, self.hold, self.delay, self.cost_bps)


def cell_specs(years=range(OOS_START, OOS_END + 1)) -> tuple[CellSpec, ...]:
    """The cells of the robustness table, main set-up first."""
    main = CellSpec("main", "main set-up")
    cells = [main]
    cells += [replace(main, group="entry delay", label=f"enter {d} h after the close", delay=d) for d in (1, 2)]
    cells += [replace(main, group="cost", label=f"{c:g} bp round trip", cost_bps=float(c)) for c in (10, 50)]
    cells += [replace(main, group="hold", label=f"hold {h} h", hold=h) for h in (24, 72)]
    cells += [replace(main, group="cascade level", label=f"{LEVEL_LABELS[lv]} cascades", level=lv)
              for lv in ("strict", "medium", "loose")]
    cells += [replace(main, group="sample span", label="full data, every trade", span="full"),
              replace(main, group="sample span", label=f"seed-length span ({SEED_HOURS:,} h)", span="seed_length")]
    cells += [replace(main, group="years", label=f"without {y}", drop_year=int(y)) for y in years]
    return tuple(cells)


def seed_length_span(end: str = SEED_SPAN_END, hours: int = SEED_HOURS) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``hours`` hourly bars ending at ``end`` (inclusive): (first bar, last bar)."""
    last = pd.Timestamp(end, tz="UTC")
    return last - pd.Timedelta(hours=hours - 1), last


def select_trades(book: TradeBook, spec: CellSpec) -> TradeBook:
    """The trades of ``book`` in the cell's sample (entry times)."""
    t = book.entries
    if spec.span == "oos":
        mask = (t.year >= OOS_START) & (t.year <= OOS_END)
    elif spec.span == "full":
        mask = np.ones(len(t), bool)
    elif spec.span == "seed_length":
        lo, hi = seed_length_span()
        mask = (t >= lo) & (t <= hi)
    else:
        raise ValueError(f"span: unknown {spec.span!r}")
    if spec.drop_year is not None:
        mask &= t.year != spec.drop_year
    return book.select(mask)


@dataclass(frozen=True)
class CellResult:
    spec: CellSpec
    n: int
    mean: float
    mean_test: TestResult | None
    alpha_hac: AlphaResult | None
    alpha_boot: AlphaResult | None
    mn_test: TestResult | None
    power: AlphaPower | None
    verdict: str
    monthly: pd.Series = field(repr=False)          # calendar-month P&L of the long-only trades
    monthly_hedged: pd.Series = field(repr=False)   # the same, beta-hedged (alpha StepM)

    @property
    def tested(self) -> bool:
        return self.mean_test is not None

    def _p(self, res) -> float:
        return float(res.pvalue) if res is not None else float("nan")

    @property
    def mean_p(self) -> float:
        return self._p(self.mean_test)

    @property
    def alpha(self) -> float:
        return float(self.alpha_hac.alpha) if self.alpha_hac is not None else float("nan")

    @property
    def alpha_p_hac(self) -> float:
        return self._p(self.alpha_hac)

    @property
    def alpha_p_boot(self) -> float:
        return self._p(self.alpha_boot)

    @property
    def beta(self) -> float:
        return float(self.alpha_hac.beta) if self.alpha_hac is not None else float("nan")

    @property
    def mn_mean(self) -> float:
        return float(self.mn_test.estimate) if self.mn_test is not None else float("nan")

    @property
    def mn_p(self) -> float:
        return self._p(self.mn_test)


def _monthly(values: pd.Series, months: pd.PeriodIndex) -> pd.Series:
    if values.empty:
        return pd.Series(0.0, index=months)
    per = values.index.tz_convert("UTC").tz_localize(None).to_period("M")
    return values.groupby(per).sum().reindex(months, fill_value=0.0)


def evaluate_cell(spec: CellSpec, book: TradeBook, months: pd.PeriodIndex, reps: int, seed: int,
                  a: float = ALPHA_LEVEL) -> CellResult:
    """Run the tests of one cell on its trades (no test below :data:`MIN_TRADES` trades)."""
    y = book.variant("alt_long")
    b = book.trades["btc_gross"].rename("BTC")
    n = len(y)
    empty = pd.Series(0.0, index=months)
    if n < MIN_TRADES:
        return CellResult(spec, n, float(y.mean()) if n else float("nan"), None, None, None, None, None,
                          "too few trades", _monthly(y, months), empty)
    try:
        mt = mean_test(y, alternative="greater", method="bootstrap", reps=reps, seed=seed)
        hac = jensen_alpha(y, b)
        boot = jensen_alpha(y, b, method="bootstrap", reps=reps, seed=seed)
        mn = None
        if mt.pvalue < a and hac.alpha > 0 and hac.pvalue < a and boot.pvalue < a:  # only then it decides
            mn = mean_test(book.variant("market_neutral"), alternative="greater", method="bootstrap",
                           reps=reps, seed=seed)
    except InputError:  # e.g. a degenerate sample; reported as untested
        return CellResult(spec, n, float(y.mean()), None, None, None, None, None, "too few trades",
                          _monthly(y, months), empty)
    pw = alpha_power(hac, boot, margin=float(y.mean()), alpha_level=a)
    verdict = trade_verdict(float(y.mean()), float(mt.pvalue), float(hac.alpha), float(hac.pvalue),
                            float(boot.pvalue), float(mn.estimate) if mn is not None else float("nan"),
                            float(mn.pvalue) if mn is not None else float("nan"), pw.ruled_out, a)
    hedged = y - hac.beta * b
    return CellResult(spec, n, float(y.mean()), mt, hac, boot, mn, pw, verdict, _monthly(y, months),
                      _monthly(hedged, months))


@dataclass(frozen=True)
class RobustnessExperiment:
    cells: tuple                         # CellResult, main set-up first
    adjusted: pd.DataFrame               # per tested cell: BH / Holm adjusted p of the mean and the alpha
    stepm_mean: Any                      # FamilyTestResult (long-only monthly P&L) or None
    stepm_alpha: Any                     # FamilyTestResult (beta-hedged monthly P&L) or None
    months: int
    settings: Mapping[str, object] = field(default_factory=dict)

    @property
    def main(self) -> CellResult:
        return self.cells[0]

    @property
    def conclusions(self) -> tuple:
        """:func:`conclusions` of this table."""
        return conclusions(self)

    def table(self) -> pd.DataFrame:
        """One row per cell (numbers, not formatted)."""
        rows = []
        for k, c in enumerate(self.cells):
            adj = self.adjusted.loc[k] if k in self.adjusted.index else None
            sm = _stepm_p(self.stepm_mean, k)
            sa = _stepm_p(self.stepm_alpha, k)
            rows.append({
                "group": c.spec.group, "cell": c.spec.label, "trades": c.n, "mean": c.mean, "mean_p": c.mean_p,
                "mean_p_bh": adj["mean_p_bh"] if adj is not None else np.nan,
                "mean_p_holm": adj["mean_p_holm"] if adj is not None else np.nan, "mean_p_stepm": sm,
                "alpha": c.alpha, "alpha_p_hac": c.alpha_p_hac, "alpha_p_boot": c.alpha_p_boot,
                "alpha_p_bh": adj["alpha_p_bh"] if adj is not None else np.nan,
                "alpha_p_holm": adj["alpha_p_holm"] if adj is not None else np.nan, "alpha_p_stepm": sa,
                "alpha_ci_low": _ci(c.alpha_hac)[0], "alpha_ci_high": _ci(c.alpha_hac)[1],
                "mean_ci_low": _ci(c.mean_test)[0], "mean_ci_high": _ci(c.mean_test)[1],
                "beta": c.beta, "mn_p": c.mn_p, "upper": c.power.upper if c.power else np.nan,
                "mde": c.power.mde if c.power else np.nan, "n_needed": c.power.n_needed if c.power else np.nan,
                "verdict": c.verdict, "verdict_changes": c.verdict != self.main.verdict,
            })
        return pd.DataFrame(rows)


def _stepm_p(res, k: int) -> float:
    if res is None:
        return float("nan")
    key = f"cell{k}"
    return float(res.strategies.loc[key, "adjusted_pvalue"]) if key in res.strategies.index else float("nan")


def _ci(res) -> tuple[float, float]:
    """Normal 95 % interval estimate ± 1.96 se from the test's own standard error (for the one-sided mean
    test a two-sided interval, as drawn in the robustness figure; for the HAC alpha its own interval)."""
    if res is None or not np.isfinite(res.se):
        return float("nan"), float("nan")
    return float(res.estimate - Z95 * res.se), float(res.estimate + Z95 * res.se)


def run_robustness(md: MarketData, features: pd.DataFrame, reps: int = 9_999, seed: int = 0,
                   specs: tuple | None = None, books: Mapping | None = None) -> RobustnessExperiment:
    """Every cell of :func:`cell_specs`; ``books`` may pass already built :class:`TradeBook` s keyed by
    :attr:`CellSpec.book_key` (the main book is reused that way)."""
    specs = cell_specs() if specs is None else tuple(specs)
    cache: dict = dict(books or {})
    # one leg computation per hold over the union of the entries of every book with that hold
    need = {(sp.level, sp.hold, sp.delay) for sp in specs
            if not any(k[:3] == (sp.level, sp.hold, sp.delay) for k in cache)}
    signals = {k: cascade_entries(features, k[0], k[1]) for k in need}
    r1 = md.returns(1) if need else None
    legs = {}
    for h in {k[1] for k in need}:
        ent = [signals[k] + pd.Timedelta(hours=k[2]) for k in need if k[1] == h]
        union = ent[0].append(ent[1:]).unique().sort_values()
        legs[h] = leg_returns(md, union[union.isin(md.index)], h, [BTC, *md.alts])
    for k in sorted(need, key=str):
        cache[(*k, COST_BPS)] = build_trades(md, signals[k], hold=k[1], cost_bps=COST_BPS, delay=k[2],
                                             legs=legs[k[1]], returns_1h=r1)
    per_cell = []
    for sp in specs:
        if sp.book_key not in cache:  # another cost on the same trades
            base = next(v for k, v in cache.items() if k[:3] == sp.book_key[:3])
            cache[sp.book_key] = base.with_cost(sp.cost_bps)
        per_cell.append(select_trades(cache[sp.book_key], sp))
    first = min((b.entries.min() for b in per_cell if len(b.trades)), default=md.index[0])
    last = max((b.entries.max() for b in per_cell if len(b.trades)), default=md.index[-1])
    months = pd.period_range(first.tz_localize(None).to_period("M"), last.tz_localize(None).to_period("M"), freq="M")
    cells = tuple(evaluate_cell(sp, b, months, reps, seed) for sp, b in zip(specs, per_cell))

    tested = [k for k, c in enumerate(cells) if c.tested]
    adjusted = pd.DataFrame(index=pd.Index(tested, name="cell"))
    if tested:
        mp = pd.Series([cells[k].mean_p for k in tested], index=tested)
        ap = pd.Series([cells[k].alpha_p_hac for k in tested], index=tested)
        adjusted["mean_p_bh"] = adjust_pvalues(mp, method="bh")
        adjusted["mean_p_holm"] = adjust_pvalues(mp, method="holm")
        adjusted["alpha_p_bh"] = adjust_pvalues(ap, method="bh")
        adjusted["alpha_p_holm"] = adjust_pvalues(ap, method="holm")
    sm = sa = None
    if len(tested) >= 2:
        pnl = pd.DataFrame({f"cell{k}": cells[k].monthly for k in tested})
        hedged = pd.DataFrame({f"cell{k}": cells[k].monthly_hedged for k in tested})
        sm = stepm(pnl, reps=reps, seed=seed, alpha_level=ALPHA_LEVEL)
        sa = stepm(hedged, reps=reps, seed=seed, alpha_level=ALPHA_LEVEL)
    return RobustnessExperiment(cells=cells, adjusted=adjusted, stepm_mean=sm, stepm_alpha=sa, months=len(months),
                                settings=MappingProxyType({"min_trades": MIN_TRADES, "reps": reps, "seed": seed,
                                                           "seed_span": seed_length_span()}))


# ----------------------------------------------------------------------------- conclusions
@dataclass(frozen=True)
class Conclusion:
    claim: str
    holds: tuple          # labels of the cells where it holds
    fails: tuple          # labels of the cells where it fails
    untested: tuple       # cells with too few trades

    @property
    def survives(self) -> bool:
        return not self.fails

    def where_fails(self, most: int = 4) -> str:
        """Where the claim fails, in words (every cell / the cells, the first ``most`` and how many more)."""
        if not self.fails:
            return "fails nowhere"
        if not self.holds:
            return "fails in every tested cell"
        shown = ", ".join(self.fails[:most])
        more = len(self.fails) - most
        return f"fails in: {shown}" + (f" and {more} more" if more > 0 else "")

    def sentence(self, untested: bool = True) -> str:
        n = len(self.holds) + len(self.fails)
        if self.survives:
            out = f"{self.claim}: holds in all {n} tested cells"
        elif not self.holds:
            out = f"{self.claim}: fails in all {n} tested cells"
        else:
            out = f"{self.claim}: holds in {len(self.holds)} of {n} tested cells; fails in: {', '.join(self.fails)}"
        if self.untested and untested:
            out += f" (untested, fewer than {MIN_TRADES} trades: {', '.join(self.untested)})"
        return out + "."


def conclusions(rob: RobustnessExperiment, a: float = ALPHA_LEVEL) -> tuple[Conclusion, ...]:
    """Which conclusions of the main set-up hold in every cell, by rule (cells below MIN_TRADES: untested)."""
    tab = rob.table()
    tested = tab[tab["verdict"] != "too few trades"]
    untested = tuple(tab.loc[tab["verdict"] == "too few trades", "cell"])

    def concl(claim: str, ok: pd.Series) -> Conclusion:
        return Conclusion(claim, tuple(tested.loc[ok, "cell"]), tuple(tested.loc[~ok, "cell"]), untested)

    return (
        concl("the alts long-only mean per trade is positive", tested["mean"] > 0),
        concl(f"the alts long-only mean is significant (one-sided p < {a:g}, uncorrected)", tested["mean_p"] < a),
        concl(f"it stays significant after the Benjamini–Hochberg correction over the {len(tested)} cells",
              tested["mean_p_bh"] < a),
        concl("it stays significant under StepM (family-wise, monthly P&L)", tested["mean_p_stepm"] < a),
        concl("beta on BTC is above 1 (alts amplify BTC)", tested["beta"] > 1),
        concl(f"the Jensen alpha is not significant (HAC p >= {a:g}, uncorrected)", tested["alpha_p_hac"] >= a),
        concl("no cell shows a standalone alpha (verdict is not 'alpha')", tested["verdict"] != "alpha"),
        concl("an alpha as large as the mean return is not ruled out (the data are underpowered)",
              tested["upper"] >= tested["mean"]),
        concl(f"the verdict is the main set-up's ('{rob.main.verdict}')", ~tested["verdict_changes"]),
    )
