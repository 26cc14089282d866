"""The audit: one call runs the battery of checks and says whether a strategy's returns are alpha.

:func:`audit` takes a strategy's per-period or per-trade returns (and optionally the benchmark on
the same observations, control factors, the number of variants tried and their returns) and returns
an :class:`AuditReport` with a verdict from :mod:`alphacheck.verdict`, the reasons, and one
:class:`Check` per test. Every statistic comes from the alphacheck modules (significance, sharpe,
alpha, overfitting); this module only orchestrates, summarises (sub-period means, drawdowns) and
renders.

The checks, and the lesson of the seed study (docs/methodology.md) each one encodes:

==================  ===========================================================================  ========
check               what it runs                                                                lesson
==================  ===========================================================================  ========
mean                significance.mean_test, stationary bootstrap, H1: mean > 0                    —
sharpe              significance.sharpe_test, bootstrap, H1: Sharpe > 0                           —
psr                 sharpe.probabilistic_sharpe_ratio vs 0 (Bailey & López de Prado 2012)         —
dsr                 sharpe.deflated_sharpe_ratio given n_trials (Bailey & López de Prado 2014)    2
jensen_alpha        alpha.jensen_alpha, HAC + paired block bootstrap, two-sided, alpha > 0 needed  1
updown_beta         alpha.updown_beta (Henriksson–Merton / Pettengill et al.)                     1
market_neutral      alpha.beta_adjusted, then significance.mean_test on the hedged returns        7
consistency         mean per calendar year (DatetimeIndex) / per split / per third                —
drawdown            max drawdown, its dates, longest time under water                             —
cost_sensitivity    extra cost (bps) at which the mean — and, with a benchmark, the alpha —       4
                    stops being significant / turns ≤ 0; FLAG rule below
pbo                 overfitting.pbo on the T × N grid of trial returns (CSCV)                     2
haircut_sharpe      overfitting.haircut_sharpe with n_trials (Harvey & Liu 2015)                  2
==================  ===========================================================================  ========

Cost sensitivity: a round-trip cost c per observation is subtracted from every return. Break-evens
are reported as ``extra_bps_*`` (beyond the assumed ``cost_bps``, which is already deducted; negative
when the assumed cost is already past it) and ``total_bps_*`` (= cost_bps + extra). The mean's
significance break-even inverts the one-sided bootstrap mean test; the alpha's is closed form for
HAC (``α̂ - z_{1-α/2} se_HAC``: a constant shift moves only the OLS intercept, see
``_alpha_breakevens``) and an inversion of the centred paired-bootstrap test; the alpha keys
(``extra_bps_until_alpha_not_significant`` = the smaller of the two, as rule A needs both;
``..._alpha_hac_...``, ``..._alpha_bootstrap_...``, ``extra_bps_until_alpha_le_0``) appear only with a
benchmark. The status is about the edge the verdict relies on — the Jensen alpha (rule A: positive,
HAC and bootstrap p < α) when a benchmark is given, the one-sided mean test otherwise:

=======  ====================================================================================
status   condition
=======  ====================================================================================
FLAG     the edge is not significant at the assumed cost, or cost_bps > 0 and it is not at
         twice the assumed cost (extra break-even < cost_bps; stressed markets cost 3-5x)
pass     cost_bps > 0 and the edge is still significant at twice the assumed cost
info     cost_bps = 0 and the edge is significant (returns treated as net)
=======  ====================================================================================

The interpretation never presents a negative cost as a break-even: it says "not significant even
before costs" instead. With verdict "alpha" the reasons state the alpha's break-even cost.

Deflated Sharpe without trial returns: the DSR needs the variance of the Sharpe ratios of the
``n_trials`` variants. When ``trials_returns`` is given it is measured from them. Otherwise the audit
assumes the variants were skill-less and independent, so their Sharpe estimates scatter with the
sampling variance of a Sharpe estimate on this sample, ``sharpe.sharpe_se(returns)**2`` (Lo 2002 /
Mertens 2002 normal-iid formula). That is the dispersion the null hypothesis itself implies; real
variants are correlated (smaller variance, fewer effective trials), so pass ``trials_returns`` when
you have them. The assumption is written into the dsr check.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alphacheck import alpha as _alpha
from alphacheck import overfitting as _overfitting
from alphacheck import sharpe as _sharpe
from alphacheck import significance as _significance
from alphacheck._inputs import InputError, align, as_matrix, as_series, check_int, check_number, check_probability
from alphacheck.drawdown import max_drawdown
from alphacheck.results import format_number, text_table
from alphacheck.verdict import VERDICTS, Check, decide_verdict

__all__ = ["Check", "AuditReport", "audit", "VERDICTS"]

_BPS = 1e-4


def _skip(name: str, reason: str) -> Check:
    return Check(name=name, passed=None, numbers={}, interpretation="", skipped=reason)


@dataclasses.dataclass(frozen=True, eq=False)
class AuditReport:
    """The audit's outcome: ``verdict`` (one of :data:`alphacheck.verdict.VERDICTS`), ``reasons``,
    ``checks`` (name -> :class:`Check`), ``settings`` and the data the figures are drawn from.

    Methods: :meth:`summary` (text), :meth:`to_markdown`, :meth:`to_html` (self-contained, figures as
    base64 PNG), :meth:`plot` (dict of matplotlib Figures), :meth:`save` (report.md, report.html and
    one PNG per figure), :meth:`to_dict`, :meth:`period_table`.
    """

    verdict: str
    reasons: tuple[str, ...]
    checks: Mapping[str, Check]
    settings: Mapping[str, Any]
    returns: np.ndarray = dataclasses.field(repr=False)
    benchmark: np.ndarray | None = dataclasses.field(repr=False)
    index: pd.Index | None = dataclasses.field(repr=False)
    periods: pd.DataFrame | None = dataclasses.field(repr=False)

    rule_note = (
        "Verdict rules (first match wins): overfit if PBO > 0.5 or, with n_trials > 1, the raw Sharpe is "
        "significant but the deflated/haircut Sharpe is not; alpha if the Jensen alpha is > 0 with both HAC "
        "and bootstrap one-sided p < alpha_level; beta, not alpha if the raw mean is significant but the alpha "
        "is not; significant, beta untested if there is no benchmark and mean and Sharpe are significant; "
        "otherwise not significant. See alphacheck.verdict."
    )

    def __post_init__(self) -> None:
        from types import MappingProxyType

        object.__setattr__(self, "checks", MappingProxyType(dict(self.checks)))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    # ---- text -------------------------------------------------------------------------------
    def summary(self) -> str:
        lines = [text_table([("verdict", self.verdict)] + list(self.settings.items()), title="Alpha audit")]
        lines.append("Reasons:")
        lines += [f"  - {r}" for r in self.reasons]
        lines.append("")
        lines.append("Checks:")
        for name, c in self.checks.items():
            status = "skipped" if c.skipped else {True: "pass", False: "FLAG", None: "info"}[c.passed]
            detail = c.skipped if c.skipped else c.interpretation
            lines.append(f"  {name:<17}{status:<8}{detail}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def period_table(self) -> pd.DataFrame | None:
        """Per sub-period: number of observations, mean, share of positive observations, total return."""
        return None if self.periods is None else self.periods.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "settings": dict(self.settings),
            "checks": {k: c.to_dict() for k, c in self.checks.items()},
        }

    def to_markdown(self, image_paths: Mapping[str, str] | None = None) -> str:
        """Markdown report; ``image_paths`` (figure name -> relative path) adds the figures."""
        from alphacheck.report_render import to_markdown

        return to_markdown(self, image_paths)

    def to_html(self, figures: bool = True) -> str:
        """Self-contained HTML page (inline CSS, figures embedded as base64 PNG when ``figures``)."""
        from alphacheck.plots import to_png
        from alphacheck.report_render import to_html

        pngs = {name: to_png(fig) for name, fig in self.plot().items()} if figures else {}
        return to_html(self, pngs)

    # ---- figures ----------------------------------------------------------------------------
    def plot(self) -> dict[str, Any]:
        """Figures (name -> matplotlib Figure): equity, scatter (with a benchmark), periods, drawdown,
        bootstrap (the bootstrap law of the mean that the mean test used, re-drawn with its seed)."""
        from alphacheck import plots
        from alphacheck.resample import streamed_sums

        r, b, idx = self.returns, self.benchmark, self.index
        figs: dict[str, Any] = {"equity": plots.equity_curve(r, b, idx)}
        ja = self.checks.get("jensen_alpha")
        if b is not None and ja is not None and not ja.skipped:
            figs["scatter"] = plots.trade_scatter(r, b, ja.numbers["alpha"], ja.numbers["beta"])
        if self.periods is not None:
            p = self.periods
            figs["periods"] = plots.period_bars(list(p.index), p["mean"].to_numpy(), p["n"].to_numpy())
        figs["drawdown"] = plots.drawdown(r, idx)
        mt = self.checks["mean"].result["bootstrap"]
        # the very replicates the mean test drew (same scheme, block length, reps and seed)
        sums = streamed_sums(r, int(mt.details["reps"]), "stationary", float(mt.details["block_length"]),
                             self.settings["seed"])
        figs["bootstrap"] = plots.bootstrap_distribution(sums / r.size - r.mean(), float(r.mean()))
        figs["bootstrap"].axes[0].set_title("Bootstrap replicates of the mean, centred on 0 (the null)")
        return figs

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write report.md, report.html and one PNG per figure into ``out_dir``; return the paths."""
        from alphacheck.plots import to_png
        from alphacheck.report_render import to_html

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        pngs = {name: to_png(fig) for name, fig in self.plot().items()}
        paths: dict[str, Path] = {}
        for name, png in pngs.items():
            p = out / f"{name}.png"
            p.write_bytes(png)
            paths[name] = p
        md = out / "report.md"
        md.write_text(self.to_markdown({name: f"{name}.png" for name in pngs}), encoding="utf-8")
        html_path = out / "report.html"
        html_path.write_text(to_html(self, pngs), encoding="utf-8")
        paths["markdown"] = md
        paths["html"] = html_path
        return paths


# ------------------------------------------------------------------------------------------------
# helpers (descriptive numbers only; the inferential statistics come from the alphacheck modules)
# ------------------------------------------------------------------------------------------------


def _fp(p: float) -> str:
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.1e}"


def _annualisation(index: pd.Index | None, n: int, periods_per_year: Any, trades_per_year: Any) -> tuple[float | None, str]:
    if periods_per_year is not None and trades_per_year is not None:
        raise InputError("periods_per_year, trades_per_year", "give at most one of them")
    given = periods_per_year if periods_per_year is not None else trades_per_year
    if given is not None:
        try:
            v = float(given)
        except (TypeError, ValueError):
            raise InputError("periods_per_year", f"must be a positive number, got {given!r}") from None
        if not np.isfinite(v) or v <= 0:
            raise InputError("periods_per_year", f"must be a positive number, got {given!r}")
        return v, "given"
    if isinstance(index, pd.DatetimeIndex) and n >= 2:
        years = (index[-1] - index[0]) / pd.Timedelta(days=365.25)
        if years > 0:
            # n observations span n - 1 gaps
            return (n - 1) / years, "inferred from the dates"
    return None, "unknown"


def drawdown_stats(returns: np.ndarray, index: pd.Index | None) -> dict[str, Any]:
    """Max drawdown of the compounded equity curve, its peak/trough/recovery and the longest spell
    under water (observations, and calendar days when dated), from :func:`alphacheck.drawdown.max_drawdown`."""
    res = max_drawdown(pd.Series(returns, index=index) if index is not None else returns)
    # positions: 0 = before the first observation, k = after observation k; no drawdown -> all 0
    peak, trough = res.peak or 0, res.trough or 0
    recovery = res.recovery if res.peak is not None else 0
    out: dict[str, Any] = {
        "max_drawdown": res.max_drawdown,
        "total_return": res.total_return,
        "longest_underwater_obs": res.longest_underwater,
        "recovered": res.recovered,
    }
    if isinstance(index, pd.DatetimeIndex):
        def date(k: int) -> str:
            return str(index[max(k - 1, 0)].date())  # the starting capital is dated at the first observation

        out["peak_date"] = date(peak)
        out["trough_date"] = date(trough)
        out["recovery_date"] = date(recovery) if recovery is not None else "not recovered"
        if res.longest_underwater_span is not None:
            out["longest_underwater_days"] = int(res.longest_underwater_span.days)
    else:
        out["peak_obs"], out["trough_obs"] = peak, trough
        out["recovery_obs"] = recovery if recovery is not None else "not recovered"
    return out


def _sub_periods(index: pd.Index | None, n: int, splits: Any) -> tuple[list[Any], list[np.ndarray], str]:
    if splits is not None:
        if hasattr(splits, "split"):
            X = pd.DataFrame(index=index) if index is not None else np.zeros((n, 1))
            parts = [np.asarray(test, dtype=np.int64) for _, test in splits.split(X)]
            how = f"test windows of {type(splits).__name__}"
        else:
            parts = [np.asarray(p, dtype=np.int64) for p in splits]
            how = "the given index arrays"
        for p in parts:
            if p.size == 0 or p.min() < 0 or p.max() >= n:
                raise InputError("splits", f"index arrays must be non-empty positions in [0, {n})")
        return [f"split {i + 1}" for i in range(len(parts))], parts, how
    if isinstance(index, pd.DatetimeIndex):
        years = index.year
        labels = sorted(set(years))
        if len(labels) >= 2:
            return labels, [np.flatnonzero(years == y) for y in labels], "calendar years"
    k = 3 if n >= 30 else 2
    parts = np.array_split(np.arange(n), k)
    return [f"{['first', 'second', 'third'][i]} {['half', 'third'][k - 2]}" for i in range(k)], parts, f"{k} equal parts"


def _period_frame(r: np.ndarray, labels: list[Any], parts: list[np.ndarray]) -> pd.DataFrame:
    rows = []
    for lb, p in zip(labels, parts):
        x = r[p]
        rows.append({"period": lb, "n": int(x.size), "mean": float(x.mean()), "win_rate": float((x > 0).mean()),
                     "total_return": float(np.prod(1.0 + x) - 1.0)})
    return pd.DataFrame(rows).set_index("period")


def _invert_test(p_at: Any, guess: float, tol: float, alpha_level: float, upper: float = math.inf) -> float:
    """Largest c (to within ``tol``) with ``p_at(c) < alpha_level`` for a p-value non-decreasing in c
    on (-inf, ``upper``], starting from ``guess`` (an interval end that inverts the same test).

    The guess is confirmed with the test at ``guess ± tol``; otherwise the bracket is widened
    geometrically and bisected (an interval's quantile interpolation and the p-value's counting rule
    can differ by an order statistic). NaN when nothing down to 5,000 × ``tol`` below the guess is
    significant (too few replicates for level α)."""
    lo, hi = guess - tol, min(guess + tol, upper)
    p_lo, p_hi = p_at(lo), p_at(hi)
    if p_lo < alpha_level <= p_hi:
        return guess
    step = tol
    while p_lo >= alpha_level:
        hi, step = lo, 2.0 * step
        lo = guess - step
        if step > 5_000.0 * tol:
            return float("nan")  # never significant at any cost
        p_lo = p_at(lo)
    while p_hi < alpha_level:
        lo, step = hi, 2.0 * step
        hi = min(guess + step, upper)
        p_hi = p_at(hi)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if p_at(mid) < alpha_level:
            lo = mid
        else:
            hi = mid
    return lo


def _breakeven_cost(r: np.ndarray, alpha_level: float, test_kwargs: dict[str, Any]) -> float:
    """Largest extra cost c (return units per observation, negative when the returns are already past
    it) at which ``mean_test(r, null_value=c)`` — the same as testing ``r - c`` against 0 — is still
    one-sided significant.

    ``mean_test``'s bootstrap is studentised and null-imposed: its replicates T* do not depend on
    the null value, and p(c) = (1 + #{T* >= (mean - c)/se}) / (1 + B) is non-decreasing in c. The
    lower end of its bootstrap-t interval at level 1 - 2α, ``mean - q*_{1-α} se``, is therefore the
    cost where p crosses α (test inversion; Efron & Tibshirani 1993, ch. 12). We take that from one
    call and confirm it with the test at c ± 1 % of a standard error (:func:`_invert_test`)."""

    def p_at(c: float) -> float:
        return _significance.mean_test(r, null_value=c, **test_kwargs).pvalue

    se = float(r.std(ddof=1) / math.sqrt(r.size))
    guess = float(_significance.mean_test(r, ci_level=1.0 - 2.0 * alpha_level, **test_kwargs).ci[0])
    return _invert_test(p_at, guess, 1e-2 * se, alpha_level)


def _alpha_breakevens(ja: Any, r: np.ndarray, bench: np.ndarray, ctrl: Any, alpha_level: float,
                      boot: dict[str, Any]) -> tuple[float, float]:
    """Extra per-observation cost c (return units, beyond the cost already deducted from ``r``) at
    which the two-sided Jensen-alpha test at level α stops rejecting: (HAC, bootstrap).

    Why closed form: a cost c per observation turns ``r`` into ``r - c·1``. With X = [1, b, controls]
    and OLS fit r = X β̂ + e (normal equations X'e = 0), ``1 = X e₁``, so
    r - c·1 = X (β̂ - c e₁) + e and X'(r - c·1 - X(β̂ - c e₁)) = X'e = 0: the fit of the shifted
    returns is β̂ - c e₁ — intercept α̂ - c, same slopes, same residuals e. Every standard error built
    from X and e (Newey–West HAC: (X'X)⁻¹ S(X, e) (X'X)⁻¹) is unchanged. Hence the HAC two-sided
    p-value is 2(1 - Φ(|α̂ - c| / se)) and it reaches α at c = α̂ - z_{1-α/2} se (Newey & West 1987;
    test inversion).

    Bootstrap: each paired replicate regresses (r* - c·1) on X* (rows resampled by the same plan —
    ``block_length="auto"`` is fitted on the scores X·e, which do not move), so by the same identity
    every replicate intercept moves by -c and the centred law of α* - α̂ is unchanged; the two-sided
    p(c) = (1 + #{|α* - α̂| ≥ |α̂ - c|}) / (B + 1) is non-decreasing in c up to α̂. ``ja`` was run with
    ``ci_level = 1 - α``, so the lower end of its symmetric basic interval α̂ - q_{1-α}(|α* - α̂|)
    inverts that test (Davison & Hinkley 1997, §4.4 and §5.2); :func:`_invert_test` confirms it with
    the bootstrap p-value of ``r - c`` at c ± 1 % of a HAC standard error (bisecting if the
    interval's quantile interpolation and the p-value's counting differ by an order statistic).
    """
    from scipy.stats import norm

    hac = ja.alpha - float(norm.ppf(1.0 - alpha_level / 2.0)) * ja.alpha_se

    def p_at(c: float) -> float:
        return _alpha.jensen_alpha(r - c, bench, controls=ctrl, cov="HAC", bootstrap=True,
                                   alternative="two-sided", **boot).bootstrap_pvalue

    boot_c = _invert_test(p_at, float(ja.bootstrap_ci[0]), 1e-2 * ja.alpha_se, alpha_level, upper=ja.alpha)
    return float(hac), float(boot_c)


def _cost_phrase(edge: str, total_sig: float, total_zero: float, cost: float) -> str:
    """Where the edge stops being significant / turns ≤ 0, in total bps — never a negative cost
    presented as a break-even."""
    if not total_sig > 0:  # also NaN: not significant at any cost
        sig = f"{edge} not significant even before costs"
    elif total_sig <= cost:
        sig = (f"{edge} significant only below {total_sig:.1f} bps per observation in total, "
               f"less than the assumed {cost:g} bps")
    else:
        sig = f"{edge} significance lost at {total_sig:.1f} bps per observation in total"
    zero = f"{edge} <= 0 even before costs" if not total_zero > 0 else f"{edge} <= 0 at {total_zero:.1f} bps"
    return f"{sig}, {zero}"


# ------------------------------------------------------------------------------------------------
# the audit
# ------------------------------------------------------------------------------------------------


def audit(
    returns: Any,
    benchmark: Any = None,
    controls: Any = None,
    n_trials: int = 1,
    periods_per_year: float | None = None,
    cost_bps: float = 0.0,
    splits: Any = None,
    trials_returns: Any = None,
    trades_per_year: float | None = None,
    seed: int = 0,
    reps: int = 9_999,
    alpha_level: float = 0.05,
) -> AuditReport:
    """Audit a strategy's returns: is it alpha, or beta, luck and overfitting?

    Parameters
    ----------
    returns : per-period or per-trade returns (Series, 1-D array, list). Gross of ``cost_bps``.
    benchmark : the benchmark's return on the same observations (per trade: over the same holding
        window). Pandas inputs are aligned on their index; arrays must have equal lengths.
    controls : extra regressors for the Jensen regression (Series, DataFrame or 2-D array).
    n_trials : how many strategy variants were tried (grid size, research iterations) before this one.
    periods_per_year / trades_per_year : observations per year, only to annualise Sharpe ratios
        (give at most one; inferred from a DatetimeIndex otherwise). Tests use per-period numbers.
    cost_bps : round-trip cost in basis points deducted from every observation before testing
        (0 when ``returns`` are already net).
    splits : sub-periods for the consistency check: an alphacheck/sklearn splitter (its test windows)
        or a list of integer position arrays. Default: calendar years with a DatetimeIndex, else
        thirds (halves below 30 observations).
    trials_returns : (T × N) returns of the N variants on the same T observations → PBO and the
        measured trial-Sharpe variance for the DSR.
    seed, reps : bootstrap seed and replicates (same seed → same report).
    alpha_level : significance level α of every test and of the verdict rules.

    Returns
    -------
    AuditReport — ``verdict``, ``reasons``, ``checks``; see :mod:`alphacheck.verdict` for the rules.

    Notes
    -----
    The market-neutral check hedges with the in-sample OLS beta — the same hedge the Jensen regression
    applies implicitly — and tests the mean of the hedged series. It is the tradable version of the
    alpha test (what a long-strategy / short-beta-times-benchmark book earned), without the
    regression's allowance for estimating beta, so its p-value is a little optimistic; the verdict
    uses the Jensen alpha.
    """
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    reps = check_int(reps, "reps", minimum=99)
    alpha_level = check_probability(alpha_level, "alpha_level")
    cost = check_number(cost_bps, "cost_bps", minimum=0)

    # ---- inputs ----
    if benchmark is not None:
        named = [("returns", returns), ("benchmark", benchmark)]
        if controls is not None:
            named.append(("controls", controls))
        arrays, index = align(named, min_obs=10)
        gross, bench = arrays[0], arrays[1]
        ctrl = arrays[2] if controls is not None else None
        if bench.ndim != 1:
            raise InputError("benchmark", "must be a single series")
        if gross.ndim != 1:
            raise InputError("returns", "must be a single series; pass one column")
        if ctrl is not None and isinstance(controls, pd.DataFrame):
            ctrl = pd.DataFrame(ctrl.reshape(len(gross), -1), columns=list(controls.columns))
    else:
        if controls is not None:
            raise InputError("controls", "need a benchmark (controls enter the Jensen regression)")
        chk = as_series(returns, "returns", min_obs=10, require_variance=True)
        gross, bench, ctrl, index = chk.values, None, None, chk.index
    n = gross.size
    r = gross - cost * _BPS
    ppy, ppy_source = _annualisation(index, n, periods_per_year, trades_per_year)

    settings: dict[str, Any] = {"observations": n}
    if isinstance(index, pd.DatetimeIndex):
        settings["first"] = str(index[0].date())
        settings["last"] = str(index[-1].date())
    settings.update({
        "benchmark": "given" if bench is not None else "none",
        "controls": 0 if ctrl is None else int(np.asarray(ctrl).reshape(n, -1).shape[1]),
        "n_trials": n_trials,
        "cost_bps": cost,
        "periods_per_year": ppy if ppy is not None else "unknown",
        "periods_per_year_source": ppy_source,
        "alpha_level": alpha_level,
        "reps": reps,
        "seed": seed,
    })

    boot = dict(reps=reps, seed=seed)
    checks: dict[str, Check] = {}

    # ---- mean ----
    mt = _significance.mean_test(r, alternative="greater", method="bootstrap", **boot)
    mt_hac = _significance.mean_test(r, alternative="greater", method="hac")
    bl = mt.details.get("block_length") if mt.details else None
    checks["mean"] = Check(
        "mean",
        passed=mt.pvalue < alpha_level,
        numbers={"mean": mt.estimate, "pvalue": mt.pvalue, "ci_low": mt.ci[0] if mt.ci else float("nan"),
                 "ci_high": mt.ci[1] if mt.ci else float("nan"), "hac_pvalue": mt_hac.pvalue,
                 "block_length": float(bl) if bl is not None else float("nan")},
        result={"bootstrap": mt, "hac": mt_hac},
        interpretation=(f"mean {format_number(mt.estimate)} per observation; one-sided bootstrap p = {_fp(mt.pvalue)} "
                        f"(HAC t cross-check p = {_fp(mt_hac.pvalue)})"),
    )

    # ---- Sharpe, PSR ----
    st = _significance.sharpe_test(r, alternative="greater", method="bootstrap", **boot)
    sr = _sharpe.sharpe_ratio(r)
    sr_ann = _sharpe.sharpe_ratio(r, periods_per_year=ppy) if ppy is not None else float("nan")
    checks["sharpe"] = Check(
        "sharpe",
        passed=st.pvalue < alpha_level,
        numbers={"sharpe": sr, "sharpe_annual": sr_ann, "pvalue": st.pvalue},
        result=st,
        interpretation=(f"Sharpe {sr:.3f} per observation"
                        + (f" ({sr_ann:.2f} annualised)" if ppy is not None else "")
                        + f"; one-sided bootstrap p = {_fp(st.pvalue)}"),
    )
    psr = _sharpe.probabilistic_sharpe_ratio(r, benchmark_sharpe=0.0)
    checks["psr"] = Check(
        "psr",
        passed=psr.pvalue < alpha_level,
        numbers={"psr": psr.estimate, "pvalue": psr.pvalue},
        result=psr,
        interpretation=(f"probability that the true Sharpe exceeds 0 (skew/kurtosis-adjusted) = {psr.estimate:.3f}, "
                        + ("above" if psr.pvalue < alpha_level else "below") + f" the {1 - alpha_level:.0%} bar"),
    )

    # ---- multiple testing: DSR, haircut, PBO ----
    trials_mat = None
    if trials_returns is not None:
        trials_mat = as_matrix(trials_returns, "trials_returns", min_obs=8, min_cols=2).values
        if n_trials < trials_mat.shape[1]:
            n_trials = trials_mat.shape[1]
            settings["n_trials"] = n_trials
    if n_trials > 1:
        if trials_mat is not None:
            trial_sr = np.array([_sharpe.sharpe_ratio(trials_mat[:, j]) for j in range(trials_mat.shape[1])])
            dsr = _sharpe.deflated_sharpe_ratio(r, n_trials, trial_sharpes=trial_sr)
            how = f"trial Sharpe variance measured on the {trials_mat.shape[1]} given variants"
        else:
            var = _sharpe.sharpe_se(r, method="normal") ** 2
            dsr = _sharpe.deflated_sharpe_ratio(r, n_trials, trial_sharpe_variance=var)
            how = ("assumed trial Sharpe variance = sampling variance of a Sharpe estimate "
                   "(skill-less independent variants); pass trials_returns to measure it")
        checks["dsr"] = Check(
            "dsr",
            passed=dsr.pvalue < alpha_level,
            numbers={"dsr": dsr.estimate, "pvalue": dsr.pvalue, "n_trials": n_trials,
                     "sr0": dsr.details["sr0_per_period"]},
            result=dsr,
            interpretation=f"deflated Sharpe (best of {n_trials} trials) p = {_fp(dsr.pvalue)}; {how}",
        )
        hc = _overfitting.haircut_sharpe(sr, n_obs=n, n_trials=n_trials, method="bhy")
        hc_p = float(hc.adjusted_pvalue)
        checks["haircut_sharpe"] = Check(
            "haircut_sharpe",
            passed=hc_p < alpha_level if checks["sharpe"].passed else None,
            numbers={"haircut_sharpe": float(hc.haircut_sharpe), "haircut": float(hc.haircut),
                     "adjusted_pvalue": hc_p},
            result=hc,
            interpretation=(f"Sharpe after the multiple-testing haircut for {n_trials} trials: "
                            f"{float(hc.haircut_sharpe):.3f} per observation; BHY-adjusted two-sided p = {_fp(hc_p)}"),
        )
    else:
        reason = "n_trials = 1: nothing to deflate (pass n_trials if this strategy was chosen among variants)"
        checks["dsr"] = _skip("dsr", reason)
        checks["haircut_sharpe"] = _skip("haircut_sharpe", reason)
    if trials_mat is not None:
        t_rows = trials_mat.shape[0]
        s = 16 if t_rows >= 64 else max(2, 2 * ((t_rows // 4) // 2))
        metric_note = ""
        try:
            pb = _overfitting.pbo(trials_returns, n_groups=s)
        except InputError as exc:
            # e.g. a configuration that stays flat over half the groups: its Sharpe is undefined,
            # the mean return is not; say which metric was used
            pb = _overfitting.pbo(trials_returns, n_groups=s, metric="mean")
            metric_note = f" (metric: mean return; the Sharpe metric failed: {exc.problem})"
        checks["pbo"] = Check(
            "pbo",
            passed=pb.pbo <= 0.5,
            numbers={"pbo": pb.pbo, "prob_oos_loss": pb.prob_oos_loss, "degradation_slope": pb.degradation_slope,
                     "n_groups": s, "n_configs": trials_mat.shape[1]},
            result=pb,
            interpretation=(f"the in-sample best of {trials_mat.shape[1]} variants ranks below the out-of-sample "
                            f"median in {pb.pbo:.0%} of {pb.n_combinations} CSCV splits{metric_note}"),
        )
    else:
        checks["pbo"] = _skip("pbo", "no trials_returns (T x N grid of variant returns) given")

    # ---- alpha vs beta ----
    if bench is not None:
        # ci_level = 1 - α: the bootstrap interval then inverts the verdict's test (cost break-even)
        ja = _alpha.jensen_alpha(r, bench, controls=ctrl, cov="HAC", bootstrap=True, alternative="two-sided",
                                 ci_level=1.0 - alpha_level, **boot)
        checks["jensen_alpha"] = Check(
            "jensen_alpha",
            passed=bool(ja.alpha > 0 and ja.alpha_pvalue < alpha_level and ja.bootstrap_pvalue < alpha_level),
            numbers={"alpha": ja.alpha, "hac_pvalue": ja.alpha_pvalue, "bootstrap_pvalue": ja.bootstrap_pvalue,
                     "beta": ja.beta, "rsquared": ja.rsquared, "benchmark_share": ja.benchmark_share},
            result=ja,
            interpretation=(f"alpha {format_number(ja.alpha)} per observation (two-sided HAC p = {_fp(ja.alpha_pvalue)}, "
                            f"bootstrap p = {_fp(ja.bootstrap_pvalue)}), beta {ja.beta:.3f}; the benchmark "
                            f"explains {ja.benchmark_share:.0%} of the variance"),
        )
        try:
            ud = _alpha.updown_beta(r, bench)
            asym = ud.pvalue < alpha_level
            if asym and ud.beta_up > ud.beta_down:
                passed, txt = True, "higher beta in up markets than in down markets (convex, timing-like)"
            elif asym:
                passed, txt = False, "higher beta in down markets than in up markets: losses amplified in sell-offs"
            else:
                passed, txt = None, "no evidence of different betas up vs down: it moves with the benchmark both ways"
            checks["updown_beta"] = Check(
                "updown_beta", passed=passed,
                numbers={"beta_up": ud.beta_up, "beta_down": ud.beta_down, "pvalue": ud.pvalue,
                         "n_up": ud.n_up, "n_down": ud.n_down},
                result=ud,
                interpretation=f"beta up {ud.beta_up:.3f} vs down {ud.beta_down:.3f} (equality p = {_fp(ud.pvalue)}): {txt}",
            )
        except InputError as exc:
            checks["updown_beta"] = _skip("updown_beta", str(exc))
        hedged = np.asarray(_alpha.beta_adjusted(r, bench))
        mn = _significance.mean_test(hedged, alternative="greater", method="bootstrap", **boot)
        checks["market_neutral"] = Check(
            "market_neutral",
            passed=mn.pvalue < alpha_level,
            numbers={"mean": mn.estimate, "pvalue": mn.pvalue, "hedge_beta": ja.beta if ctrl is None else float("nan")},
            result=mn,
            interpretation=(f"beta-hedged (long strategy, short beta x benchmark) mean {format_number(mn.estimate)}, "
                            f"one-sided bootstrap p = {_fp(mn.pvalue)}"
                            + ("" if mn.pvalue < alpha_level else ": the hedged book is not significant")),
        )
    else:
        for nm in ("jensen_alpha", "updown_beta", "market_neutral"):
            checks[nm] = _skip(nm, "no benchmark given")

    # ---- consistency across sub-periods ----
    labels, parts, how = _sub_periods(index, n, splits)
    periods = _period_frame(r, labels, parts)
    share_pos = float((periods["mean"] > 0).mean())
    k_pos = int((periods["mean"] > 0).sum())
    passed_c = True if share_pos == 1.0 else (False if share_pos <= 0.5 else None)
    checks["consistency"] = Check(
        "consistency",
        passed=passed_c,
        numbers={"n_periods": len(parts), "share_positive": share_pos,
                 "worst_period_mean": float(periods["mean"].min()), "best_period_mean": float(periods["mean"].max())},
        result=None,
        interpretation=f"mean positive in {k_pos} of {len(parts)} sub-periods ({how})",
    )

    # ---- drawdown ----
    dd = drawdown_stats(r, index)
    where = f" ({dd['peak_date']} to {dd['trough_date']})" if "peak_date" in dd else ""
    checks["drawdown"] = Check(
        "drawdown",
        passed=None,
        numbers=dd,
        result=None,
        interpretation=(f"max drawdown {dd['max_drawdown']:.1%}{where}; longest spell under water "
                        f"{dd['longest_underwater_obs']} observations"
                        + (f" ({dd['longest_underwater_days']} days)" if "longest_underwater_days" in dd else "")),
    )

    # ---- cost sensitivity ----
    # Convention (mean and alpha alike): "extra" = cost beyond the assumed cost_bps already deducted
    # from r (negative when the assumed cost is already past the break-even); "total" = cost_bps + extra.
    sig_c = _breakeven_cost(r, alpha_level, dict(alternative="greater", method="bootstrap", **boot))
    zero_c = float(r.mean())
    total_sig, total_zero = cost + sig_c / _BPS, cost + zero_c / _BPS
    numbers: dict[str, Any] = {
        "assumed_cost_bps": cost, "extra_bps_until_not_significant": sig_c / _BPS,
        "extra_bps_until_mean_le_0": zero_c / _BPS,
        "total_bps_until_not_significant": total_sig,
        "total_bps_until_mean_le_0": total_zero,
    }
    phrases = [_cost_phrase("mean", total_sig, total_zero, cost)]
    if bench is not None:
        # the verdict's edge is the Jensen alpha: rule A needs both two-sided tests, so the alpha
        # survives up to the smaller of the two break-evens
        hac_c, boot_c = _alpha_breakevens(ja, r, bench, ctrl, alpha_level, boot)
        a_sig = min(hac_c, boot_c) if np.isfinite(boot_c) else float("nan")
        numbers.update({
            "extra_bps_until_alpha_not_significant": a_sig / _BPS,
            "extra_bps_until_alpha_hac_not_significant": hac_c / _BPS,
            "extra_bps_until_alpha_bootstrap_not_significant": boot_c / _BPS,
            "extra_bps_until_alpha_le_0": ja.alpha / _BPS,
            "total_bps_until_alpha_not_significant": cost + a_sig / _BPS,
            "total_bps_until_alpha_le_0": cost + ja.alpha / _BPS,
        })
        a_phrase = _cost_phrase("alpha", cost + a_sig / _BPS, cost + ja.alpha / _BPS, cost)
        if cost + a_sig / _BPS > 0:
            a_phrase += (f" (both tests needed: HAC lost at {cost + hac_c / _BPS:.1f}, "
                         f"bootstrap at {cost + boot_c / _BPS:.1f} bps)")
        phrases.append(a_phrase)
        edge, edge_sig, edge_extra = "alpha", bool(checks["jensen_alpha"].passed), a_sig
    else:
        edge, edge_sig, edge_extra = "mean", bool(mt.pvalue < alpha_level), sig_c
    # status: FLAG when the edge the verdict relies on does not survive the assumed cost (or, with a
    # cost assumed, twice it); pass when it survives twice the cost; info at cost 0 when significant
    if not edge_sig:
        passed_cost = False
        txt = (f"the {edge} does not survive the assumed {cost:g} bps" if cost > 0
               else f"the {edge} is not significant (returns treated as net)")
    elif cost > 0:
        passed_cost = bool(edge_extra / _BPS >= cost)
        txt = (f"the {edge} survives a doubling of the assumed cost" if passed_cost
               else f"the {edge} does not survive a doubling of the assumed cost (stressed markets cost 3-5x normal)")
    else:
        passed_cost, txt = None, "returns treated as net (cost_bps = 0)"
    checks["cost_sensitivity"] = Check(
        "cost_sensitivity",
        passed=passed_cost,
        numbers=numbers,
        result=None,
        interpretation="; ".join(phrases + [txt]),
    )

    order = ["mean", "sharpe", "psr", "dsr", "haircut_sharpe", "pbo", "jensen_alpha", "updown_beta",
             "market_neutral", "consistency", "drawdown", "cost_sensitivity"]
    checks = {k: checks[k] for k in order}
    verdict, reasons = decide_verdict(checks, alpha_level=alpha_level, n_trials=n_trials, has_benchmark=bench is not None)
    return AuditReport(
        verdict=verdict,
        reasons=reasons,
        checks=checks,
        settings=settings,
        returns=r,
        benchmark=bench,
        index=index,
        periods=periods,
    )
