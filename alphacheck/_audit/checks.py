"""The audit's checks: one small function each, reading the validated :class:`AuditData` only.

Every function returns a :class:`Check` record: ``passed`` (True supports the strategy, False is a red
flag, None informational), the key ``numbers`` for the report table, the typed ``result`` object(s) the
verdict reads, and one line of ``interpretation``. No function re-validates inputs or re-estimates a
block length: the mean and Sharpe tests share ``data.block_length``; the regression bootstrap and the
hedged-book test estimate theirs on their own series.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from alphacheck._audit.bootstrap import SharedBootstrap, shared_bootstrap
from alphacheck._audit.data import AuditData
from alphacheck._inputs import Checked, InputError
from alphacheck._results import format_number, text_table
from alphacheck.alpha.jensen import AlphaResult, fit_alpha, fit_updown
from alphacheck.overfitting import haircut_sharpe, pbo
from alphacheck.power import equivalence_bound, power_analysis
from alphacheck.risk.drawdown import _max_drawdown
from alphacheck.risk.metrics import _performance_summary, path_draws
from alphacheck.sharpe import _dsr_result, _moments, _probability_result, _sharpe_se_values
from alphacheck.significance import _mean_test, _sharpe_test

__all__ = ["Check", "AlphaEvidence", "run_checks"]


@dataclasses.dataclass(frozen=True, eq=False)
class Check:
    """One check of the audit.

    Attributes
    ----------
    name : str
        Short key, e.g. ``"jensen_alpha"``.
    passed : bool or None
        True when the check supports the strategy, False for a red flag, None when informational.
    numbers : mapping
        The key numbers (name -> value) shown in the report.
    result : object
        The typed alphacheck result(s) behind the numbers (None for descriptive checks).
    interpretation : str
        One line saying what the numbers mean.
    skipped : str or None
        Why the check did not run.
    """

    name: str
    passed: bool | None
    numbers: Mapping[str, Any]
    result: Any = None
    interpretation: str = ""
    skipped: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", dict(self.numbers))

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return {True: "pass", False: "FLAG", None: "info"}[self.passed]

    def detail_text(self) -> str:
        """The underlying result's summary() text (or the numbers as a table)."""
        if self.skipped:
            return ""
        res = self.result
        if res is None:
            return text_table(list(self.numbers.items()), title=self.name)
        if dataclasses.is_dataclass(res) and not hasattr(res, "summary"):
            parts = [getattr(res, f.name) for f in dataclasses.fields(res)]
            return "\n".join(p.summary() for p in parts if hasattr(p, "summary"))
        return res.summary() if hasattr(res, "summary") else str(res)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed,
                "numbers": {k: (v.item() if isinstance(v, np.generic) else v) for k, v in self.numbers.items()},
                "interpretation": self.interpretation, "skipped": self.skipped}


def skipped(name: str, reason: str) -> Check:
    return Check(name=name, passed=None, numbers={}, interpretation="", skipped=reason)


def fmt_p(p: float) -> str:
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.1e}"


@dataclasses.dataclass(frozen=True)
class AlphaEvidence:
    """The two alpha tests the verdict needs: Newey–West HAC and the studentised paired bootstrap."""

    hac: AlphaResult
    bootstrap: AlphaResult


# --------------------------------------------------------------------------------------------------
# return-series checks


def check_mean(d: AuditData, sb: SharedBootstrap) -> Check:
    mt = _mean_test(d.returns, method="bootstrap", alternative="greater", block_length=sb.block_length,
                    confidence_level=1.0 - d.alpha_level, reps=d.reps, moments=sb.mean)
    hac = _mean_test(d.returns, method="hac", alternative="greater")
    lo, _ = mt.confidence_interval()
    return Check(
        "mean", passed=mt.pvalue <= d.alpha_level,
        numbers={"mean": mt.estimate, "pvalue": mt.pvalue, "ci_low": lo, "hac_pvalue": hac.pvalue,
                 "block_length": mt.details["block_length"]},
        result=mt,
        interpretation=(f"mean {format_number(mt.estimate)} per observation; one-sided bootstrap p = {fmt_p(mt.pvalue)} "
                        f"(HAC t cross-check p = {fmt_p(hac.pvalue)})"))


def check_sharpe(d: AuditData, sb: SharedBootstrap) -> Check:
    st = _sharpe_test(d.returns, method="bootstrap", alternative="greater", block_length=sb.block_length,
                      periods_per_year=d.periods_per_year, reps=d.reps, moments=sb.sharpe)
    sr = st.estimate
    q = d.periods_per_year
    sr_ann = sr * math.sqrt(q) if q else float("nan")
    return Check(
        "sharpe", passed=st.pvalue <= d.alpha_level,
        numbers={"sharpe": sr, "sharpe_annual": sr_ann, "pvalue": st.pvalue}, result=st,
        interpretation=(f"Sharpe {sr:.3f} per observation" + (f" ({sr_ann:.2f} annualised)" if q else "")
                        + f"; one-sided bootstrap p = {fmt_p(st.pvalue)}"))


def check_psr(d: AuditData) -> Check:
    x = d.returns
    g3, g4 = _moments(x)
    sr = float(x.mean() / x.std(ddof=1))
    psr = _probability_result("probabilistic Sharpe ratio", sr, x.size, g3, g4, 0.0, "Sharpe ratio <= 0 (per period)",
                              "PSR, Bailey & Lopez de Prado (2012)", d.periods_per_year, {})
    above = psr.pvalue <= d.alpha_level
    return Check(
        "psr", passed=above, numbers={"psr": psr.probability, "pvalue": psr.pvalue}, result=psr,
        interpretation=(f"probability that the true Sharpe exceeds 0 (skew/kurtosis-adjusted) = {psr.probability:.3f}, "
                        + ("above" if above else "below") + f" the {1 - d.alpha_level:.0%} bar"))


def check_dsr(d: AuditData) -> Check:
    if d.n_trials <= 1:
        return skipped("dsr", "n_trials = 1: nothing to deflate (pass n_trials if this strategy was chosen among variants)")
    x = d.returns
    g3, g4 = _moments(x)
    sr = float(x.mean() / x.std(ddof=1))
    n_eff = effective_trial_count(d)
    if d.trials is not None:
        t = d.trials
        trial_sr = t.mean(axis=0) / t.std(axis=0, ddof=1)
        v = float(np.var(trial_sr, ddof=1))
        how = (f"trial Sharpe variance measured on the {t.shape[1]} given variants; N = {n_eff:.3g} effectively "
               f"independent trials of {d.n_trials} (alphacheck.overfitting.effective_trials)")
    else:
        v = _sharpe_se_values(x, "normal", None) ** 2
        how = ("assumed trial Sharpe variance = sampling variance of a Sharpe estimate (skill-less independent "
               "variants); pass trials to measure it")
    dsr = _dsr_result(sr, x.size, g3, g4, d.n_trials, v, d.periods_per_year,
                      n_effective=n_eff if d.trials is not None else None)
    return Check(
        "dsr", passed=dsr.pvalue <= d.alpha_level,
        numbers={"dsr": dsr.probability, "pvalue": dsr.pvalue, "n_trials": d.n_trials, "n_effective": n_eff,
                 "sr0": dsr.details["sr0_per_period"]},
        result=dsr, interpretation=f"deflated Sharpe (best of {d.n_trials} trials) p = {fmt_p(dsr.pvalue)}; {how}")


def effective_trial_count(d: AuditData) -> float:
    """N for the DSR and the haircut: the effective number of the given trials plus the untracked ones
    (n_trials beyond the trial columns, counted as independent); the raw n_trials without trials."""
    if d.effective_trials is None:
        return float(d.n_trials)
    return float(d.effective_trials.n_effective + d.n_trials - d.effective_trials.n_trials)


def check_haircut(d: AuditData, sharpe: Check) -> Check:
    if d.n_trials <= 1:
        return skipped("haircut_sharpe", "n_trials = 1: nothing to haircut")
    sr = float(sharpe.numbers["sharpe"])
    if sr == 0.0:
        return skipped("haircut_sharpe", "the Sharpe ratio is exactly 0: nothing to haircut")
    m = max(1, round(effective_trial_count(d)))
    hc = haircut_sharpe(sr, n_obs=d.n, n_trials=m)
    p = float(hc.pvalue)
    of = f" (effective, of {d.n_trials})" if m != d.n_trials else ""
    return Check(
        "haircut_sharpe", passed=(p <= d.alpha_level) if sharpe.passed else None,
        numbers={"haircut_sharpe": float(hc.haircut_sharpe), "haircut": float(hc.haircut), "adjusted_pvalue": p,
                 "n_trials": d.n_trials, "n_effective": m},
        result=hc,
        interpretation=(f"Sharpe after the multiple-testing haircut for {m} trials{of}: "
                        f"{float(hc.haircut_sharpe):.3f} per observation; Harvey-Liu {hc.procedure.upper()}-adjusted "
                        f"p = {fmt_p(p)}"))


def check_pbo(d: AuditData) -> Check:
    if d.trials is None:
        return skipped("pbo", "no trials (T x N grid of variant returns) given")
    t_rows = d.trials.shape[0]
    s = 16 if t_rows >= 64 else max(2, 2 * ((t_rows // 4) // 2))
    note = ""
    try:
        pb = pbo(d.trials, n_groups=s, check_returns=False)  # checked by prepare_audit_data
    except InputError as exc:
        # e.g. a configuration flat over half the groups: its Sharpe is undefined, its mean is not
        pb = pbo(d.trials, n_groups=s, metric="mean", check_returns=False)
        note = f" (metric: mean return; the Sharpe metric failed: {exc.problem})"
    return Check(
        "pbo", passed=pb.pbo <= 0.5,
        numbers={"pbo": pb.pbo, "prob_oos_loss": pb.prob_oos_loss, "degradation_slope": pb.degradation_slope,
                 "n_groups": s, "n_configs": d.trials.shape[1]},
        result=pb,
        interpretation=(f"the in-sample best of {d.trials.shape[1]} variants ranks below the out-of-sample median "
                        f"in {pb.pbo:.0%} of {pb.n_combinations} CSCV splits{note}"))


# --------------------------------------------------------------------------------------------------
# alpha and beta


def check_alpha(d: AuditData, sb: SharedBootstrap) -> Check:
    reg = d.regression
    assert reg is not None
    level = 1.0 - d.alpha_level  # the intervals then invert the verdict's tests (the cost break-evens)
    hac = fit_alpha(reg, method="hac", confidence_level=level)
    boot = fit_alpha(reg, method="bootstrap", confidence_level=level, reps=d.reps, block_length=sb.block_length,
                     moments=sb.regression, columns=sb.regression_columns)
    a = hac.estimate
    passed = bool(a > 0 and hac.pvalue <= d.alpha_level and boot.pvalue <= d.alpha_level)
    return Check(
        "jensen_alpha", passed=passed,
        numbers={"alpha": a, "hac_pvalue": hac.pvalue, "bootstrap_pvalue": boot.pvalue, "beta": hac.beta,
                 "rsquared": hac.rsquared, "benchmark_share": hac.benchmark_share},
        result=AlphaEvidence(hac, boot),
        interpretation=(f"alpha {format_number(a)} per observation (two-sided HAC p = {fmt_p(hac.pvalue)}, "
                        f"bootstrap p = {fmt_p(boot.pvalue)}), beta {hac.beta:.3f}; the benchmark explains "
                        f"{hac.benchmark_share:.0%} of the variance"))


def check_alpha_power(d: AuditData, alpha: Check, mean: Check) -> Check:
    """What the alpha tests can detect, and whether an alpha as large as the margin is ruled out.

    The margin Δ (``meaningful_alpha``) defaults to half the strategy's mean return: "alpha ruled out" then
    says that an alpha making up half or more of the return is excluded — most of the return is beta. Both alpha tests
    must reject for rule A, so the binding (larger) minimum detectable alpha and the larger upper bound are
    reported; the equivalence test has level ``alpha_level`` (:func:`alphacheck.power.equivalence_bound`).
    """
    hac, boot = alpha.result.hac, alpha.result.bootstrap
    pa = max((power_analysis(t, alpha_level=d.alpha_level) for t in (hac, boot)),
             key=lambda r: r.minimum_detectable_effect)
    upper = max(equivalence_bound(t, alpha_level=d.alpha_level) for t in (hac, boot))
    margin = d.meaningful_alpha if d.meaningful_alpha is not None else 0.5 * float(d.returns.mean())
    ruled_out = bool(margin > 0 and upper < margin)
    lo, hi = boot.confidence_interval()
    n_txt = ("" if not np.isfinite(pa.n_needed) else
             f"; detecting the estimated alpha ({pa.effect:.4g}) with 80% power needs about {pa.n_needed:,.0f} "
             f"observations (there are {d.n:,})")
    if margin <= 0:
        eq_txt = "no positive margin to test against (the mean return is not positive)"
    elif ruled_out:
        eq_txt = (f"an alpha as large as {margin:.4g} (half the mean return) is ruled out (upper "
                  f"{1 - d.alpha_level:.0%} bound {upper:.4g}, the larger of the HAC and bootstrap bounds): most of the "
                  "return is beta" if d.meaningful_alpha is None
                  else f"an alpha as large as {margin:.4g} (meaningful_alpha) is ruled out (upper "
                       f"{1 - d.alpha_level:.0%} bound {upper:.4g}, the larger of the HAC and bootstrap bounds)")
    else:
        eq_txt = (f"an alpha as large as {margin:.4g}" + (" (half the mean return)" if d.meaningful_alpha is None else "")
                  + f" is NOT ruled out (upper {1 - d.alpha_level:.0%} bound {upper:.4g}, the larger of the HAC and "
                    "bootstrap bounds): the data are too few "
                    "to tell alpha from beta")
    return Check(
        "alpha_power", passed=None,
        numbers={"minimum_detectable_alpha": pa.minimum_detectable_effect, "power_at_estimate": pa.power_at_estimate,
                 "n_needed": pa.n_needed, "upper_bound": upper, "margin": margin, "ruled_out": ruled_out,
                 "ci_low": lo, "ci_high": hi},
        result=pa,
        interpretation=(f"alpha {boot.estimate:.4g}, {100 * boot.confidence_level:g}% CI [{lo:.4g}, {hi:.4g}] "
                        f"(studentised paired bootstrap); the "
                        f"minimum alpha detectable with 80% power is {pa.minimum_detectable_effect:.4g} per observation"
                        f"{n_txt}; {eq_txt}"))


def check_mean_power(d: AuditData, mean: Check) -> Check:
    """What the mean test can detect (reported under a "not significant" verdict without a benchmark)."""
    pa = power_analysis(mean.result, alpha_level=d.alpha_level)
    return Check("mean_power", passed=None,
                 numbers={"minimum_detectable_mean": pa.minimum_detectable_effect,
                          "power_at_estimate": pa.power_at_estimate, "n_needed": pa.n_needed},
                 result=pa, interpretation=pa.sentence(what="mean return"))


def check_updown(d: AuditData) -> Check:
    reg = d.regression
    assert reg is not None
    try:
        ud = fit_updown(reg.y, reg.X[:, 1])
    except InputError as exc:
        return skipped("updown_beta", str(exc))
    asym = ud.pvalue <= d.alpha_level
    if asym and ud.beta_up > ud.beta_down:
        passed, txt = True, "higher beta in up markets than in down markets (convex, timing-like)"
    elif asym:
        passed, txt = False, "higher beta in down markets than in up markets: losses amplified in sell-offs"
    else:
        passed, txt = None, "no evidence of different betas up vs down: it moves with the benchmark both ways"
    return Check(
        "updown_beta", passed=passed,
        numbers={"beta_up": ud.beta_up, "beta_down": ud.beta_down, "pvalue": ud.pvalue, "n_up": ud.n_up,
                 "n_down": ud.n_down},
        result=ud, interpretation=f"beta up {ud.beta_up:.3f} vs down {ud.beta_down:.3f} (equality p = {fmt_p(ud.pvalue)}): {txt}")


def check_market_neutral(d: AuditData, sb: SharedBootstrap) -> Check:
    assert sb.hedged_returns is not None and sb.hedge_beta is not None
    beta = sb.hedge_beta
    mn = _mean_test(sb.hedged_returns, method="bootstrap", alternative="greater", reps=d.reps,
                    block_length=sb.block_length, moments=sb.hedged)
    sig = mn.pvalue <= d.alpha_level
    return Check(
        "market_neutral", passed=sig,
        numbers={"mean": mn.estimate, "pvalue": mn.pvalue, "hedge_beta": beta}, result=mn,
        interpretation=(f"beta-hedged (long strategy, short {beta:.2f} x benchmark) mean {format_number(mn.estimate)}, "
                        f"one-sided bootstrap p = {fmt_p(mn.pvalue)}" + ("" if sig else ": the hedged book is not significant")))


# --------------------------------------------------------------------------------------------------
# better than the incumbent? (compare_to; informational: the verdict rules never read these)


def _better_or_worse(p: float, better: bool, level: float) -> bool | None:
    return (True if better else False) if p <= level else None  # the rejection rule of every test here


def check_sharpe_difference(d: AuditData, sb: SharedBootstrap) -> Check:
    """Ledoit & Wolf (2008) studentised bootstrap of SR(returns) − SR(compare_to), two-sided, on the audit's plan."""
    from alphacheck.compare import _sharpe_difference

    assert d.incumbent is not None  # the check runs only with compare_to
    res = _sharpe_difference(d.returns, d.incumbent, method="bootstrap", reps=d.reps, block_length=sb.block_length,
                             periods_per_year=d.periods_per_year, confidence_level=1.0 - d.alpha_level,
                             moments=sb.compare)
    lo, hi = res.confidence_interval()
    q = d.periods_per_year
    ann = f" ({res.estimate * math.sqrt(q):+.2f} annualised)" if q else ""
    verdict = ("higher than the incumbent's" if res.estimate > 0 else "lower than the incumbent's") \
        if res.pvalue <= d.alpha_level else "not distinguishable from the incumbent's"
    return Check(
        "sharpe_diff", passed=_better_or_worse(res.pvalue, res.estimate > 0, d.alpha_level),
        numbers={"difference": res.estimate, "pvalue": res.pvalue, "ci_low": lo, "ci_high": hi,
                 "sharpe": res.details["sharpe"], "incumbent_sharpe": res.details["incumbent_sharpe"],
                 "correlation": res.details["correlation"]},
        result=res,
        interpretation=(f"Sharpe {res.details['sharpe']:.3f} vs the incumbent's {res.details['incumbent_sharpe']:.3f} "
                        f"per observation: difference {res.estimate:+.3f}{ann}, two-sided Ledoit-Wolf bootstrap "
                        f"p = {fmt_p(res.pvalue)} — {verdict}"))


def check_diebold_mariano(d: AuditData) -> Check:
    """Diebold–Mariano on the losses −returns vs −compare_to: a test of equal mean return, fixed-b p-value
    (the return differential is autocorrelated in general; Coroneo & Iacone 2020)."""
    from alphacheck.compare import _diebold_mariano

    res = _diebold_mariano(d.incumbent - d.returns, method="dm", hac_pvalues="fixed-b",
                           confidence_level=1.0 - d.alpha_level)
    better = res.estimate < 0  # the candidate's loss (−return) is lower
    verdict = ("higher" if better else "lower") + " mean return than the incumbent" \
        if res.pvalue <= d.alpha_level else "no difference in mean return from the incumbent"
    return Check(
        "diebold_mariano", passed=_better_or_worse(res.pvalue, better, d.alpha_level),
        numbers={"mean_return_difference": -res.estimate, "statistic": res.statistic, "pvalue": res.pvalue,
                 "maxlags": res.details["maxlags"]},
        result=res,
        interpretation=(f"mean return {-res.estimate:+.4g} per observation above the incumbent's; Diebold-Mariano "
                        f"two-sided fixed-b p = {fmt_p(res.pvalue)} — {verdict}"))


# --------------------------------------------------------------------------------------------------
# descriptive checks


_SPLITS_HINT = ("pass a scikit-learn splitter (e.g. alphacheck.CalendarWindows) or a list of integer position arrays, "
                "one per sub-period (for group labels g: [np.flatnonzero(g == v) for v in np.unique(g)])")


def _split_parts(splits: Any, index: pd.Index | None, n: int) -> tuple[list[np.ndarray], str]:
    """The sub-periods ``splits`` names, validated: each a non-empty array of integer positions in [0, n)."""
    if isinstance(splits, (str, bytes, int, float)) or (isinstance(splits, np.ndarray) and splits.ndim < 2
                                                          and splits.dtype != object):
        raise InputError("splits", f"must be a splitter or a list of position arrays, got {splits!r:.60}; "
                                   + _SPLITS_HINT)
    if hasattr(splits, "split"):
        X = pd.DataFrame(index=index) if index is not None else np.zeros((n, 1))
        try:
            raw = [test for _, test in splits.split(X)]
        except (TypeError, ValueError) as exc:
            raise InputError("splits", f"{type(splits).__name__}.split failed on the returns: {exc}") from None
        how = f"test windows of {type(splits).__name__}"
    else:
        try:
            raw = list(splits)
        except TypeError:
            raise InputError("splits", f"must be a splitter or a list of position arrays, got "
                                       f"{type(splits).__name__}; " + _SPLITS_HINT) from None
        how = "the given index arrays"
    parts = []
    for i, p in enumerate(raw):
        a = np.asarray(p)
        if a.ndim != 1 or a.size == 0 or a.dtype.kind not in "iu":
            raise InputError("splits", f"sub-period {i + 1} must be a non-empty 1-D array of integer positions, got "
                                       f"{a.dtype} of shape {a.shape}; " + _SPLITS_HINT)
        if a.min() < 0 or a.max() >= n:
            raise InputError("splits", f"sub-period {i + 1} has positions outside [0, {n})")
        parts.append(a.astype(np.int64))
    if len(parts) < 2:
        raise InputError("splits", f"gives {len(parts)} sub-period(s); the consistency check compares at least two")
    return parts, how


def sub_periods(index: pd.Index | None, n: int, splits: Any) -> tuple[list[Any], list[np.ndarray], str]:
    """Sub-periods for the consistency check: given splits, calendar years, or thirds/halves."""
    if splits is not None:
        parts, how = _split_parts(splits, index, n)
        return [f"split {i + 1}" for i in range(len(parts))], parts, how
    if isinstance(index, pd.DatetimeIndex):
        years = index.year
        labels = sorted(set(years))
        if len(labels) >= 2:
            return labels, [np.flatnonzero(years == y) for y in labels], "calendar years"
    k = 3 if n >= 30 else 2
    parts = np.array_split(np.arange(n), k)
    return [f"{['first', 'second', 'third'][i]} {['half', 'third'][k - 2]}" for i in range(k)], parts, f"{k} equal parts"


def period_frame(r: np.ndarray, labels: list[Any], parts: list[np.ndarray]) -> pd.DataFrame:
    rows = [{"period": lb, "n": int(r[p].size), "mean": float(r[p].mean()), "win_rate": float((r[p] > 0).mean()),
             "total_return": float(np.prod(1.0 + r[p]) - 1.0)} for lb, p in zip(labels, parts)]
    return pd.DataFrame(rows).set_index("period")


def check_consistency(d: AuditData, periods: pd.DataFrame, how: str) -> Check:
    share = float((periods["mean"] > 0).mean())
    k = int((periods["mean"] > 0).sum())
    passed = True if share == 1.0 else (False if share <= 0.5 else None)
    return Check(
        "consistency", passed=passed,
        numbers={"n_periods": len(periods), "share_positive": share, "worst_period_mean": float(periods["mean"].min()),
                 "best_period_mean": float(periods["mean"].max())},
        interpretation=f"mean positive in {k} of {len(periods)} sub-periods ({how})")


def drawdown_numbers(returns: np.ndarray, index: pd.Index | None) -> dict[str, Any]:
    """Max drawdown, its peak/trough/recovery and the longest spell under water (risk.max_drawdown)."""
    res = _max_drawdown(Checked(np.asarray(returns, dtype=np.float64), index, "returns"))
    peak, trough = res.peak or 0, res.trough or 0
    recovery = res.recovery if res.peak is not None else 0
    out: dict[str, Any] = {"max_drawdown": res.max_drawdown, "total_return": res.total_return,
                           "longest_underwater_obs": res.longest_underwater, "recovered": res.recovered}
    if isinstance(index, pd.DatetimeIndex):
        def date(k: int) -> str:
            return str(index[max(k - 1, 0)].date())  # the starting capital is dated at the first observation

        out["peak_date"], out["trough_date"] = date(peak), date(trough)
        out["recovery_date"] = date(recovery) if recovery is not None else "not recovered"
        if res.longest_underwater_span is not None:
            out["longest_underwater_days"] = int(res.longest_underwater_span.days)
    else:
        out["peak_obs"], out["trough_obs"] = peak, trough
        out["recovery_obs"] = recovery if recovery is not None else "not recovered"
    return out


# Replicates of the descriptive path checks (drawdown percentile, metric SEs): each replicate compounds a whole
# path (O(n)), and a percentile or a standard error needs far fewer draws than a p-value at the 5 % level
# (Efron & Tibshirani 1993, sec. 6.4: 200 replicates for a standard error);
# the first PATH_REPS replicates of the audit's plan (chunks depend only on n and the block length).
PATH_REPS = 499


def audit_path_draws(d: AuditData, block_length: float) -> dict[str, np.ndarray] | None:
    """The audit's PATH_REPS bootstrapped paths (its plan: seed, stationary scheme, the shared block length),
    compounded once for both the drawdown percentile and the metric SEs; None when a return <= -1."""
    if not (d.returns > -1.0).all():
        return None
    return path_draws(d.returns, reps=min(d.reps, PATH_REPS), bootstrap="stationary", block_length=block_length,
                      seed=d.seed, n_jobs=d.n_jobs, periods_per_year=d.periods_per_year)


def check_drawdown(d: AuditData, block_length: float | None = None,
                   draws: dict[str, np.ndarray] | None = None) -> Check:
    dd = drawdown_numbers(d.returns, d.index)
    where = f" ({dd['peak_date']} to {dd['trough_date']})" if "peak_date" in dd else ""
    span = f" ({dd['longest_underwater_days']} days)" if "longest_underwater_days" in dd else ""
    boot = ""
    if block_length is not None and (d.returns > -1.0).all():
        # the audit's one plan (same seed and block length as the mean test), each resample compounded
        reps = min(d.reps, PATH_REPS)
        if draws is None:
            draws = audit_path_draws(d, block_length)
        assert draws is not None
        sims = draws["max_drawdown"]
        pct = float(100.0 * np.mean(sims > dd["max_drawdown"]))
        dd["max_drawdown_percentile"] = pct
        dd["bootstrap_median_max_drawdown"] = float(np.median(sims))
        dd["bootstrap_q05_max_drawdown"] = float(np.quantile(sims, 0.05))
        boot = (f"; deeper than {pct:.0f}% of {reps:,} block-bootstrapped paths of these returns (median "
                f"{dd['bootstrap_median_max_drawdown']:.1%}, 5% worst beyond {dd['bootstrap_q05_max_drawdown']:.1%})")
    return Check("drawdown", passed=None, numbers=dd,
                 interpretation=(f"max drawdown {dd['max_drawdown']:.1%}{where}; longest spell under water "
                                 f"{dd['longest_underwater_obs']} observations{span}{boot}"))


def check_alpha_stability(d: AuditData) -> Check:
    """Did the alpha change during the sample? A HAC sup-LM test of a break in the intercept (beta constant),
    Hansen (1997) p-value (:func:`alphacheck.break_test` with ``terms="alpha", method="hac"``): a significant
    break is a red-flag note (it never changes the verdict)."""
    from alphacheck.alpha.breaks import _break_test, _Design

    reg = d.regression
    assert reg is not None
    if reg.y.size < 40:
        return skipped("alpha_stability", f"{reg.y.size} observations: too few for a break test (needs 40)")
    des = _Design(reg.y, reg.X, list(reg.names), reg.index)
    bt = _break_test(des, method="hac", functional="sup", terms="alpha", trimming=0.15, reps=0,
                     bootstrap="stationary", block_length="auto", seed=None, n_jobs=d.n_jobs, confidence_level=0.95)
    sig = bt.pvalue <= d.alpha_level
    lab = bt.break_label
    date = str(lab.date()) if isinstance(lab, pd.Timestamp) else f"observation {bt.break_point}"
    text = (f"alpha changed around {date}: {format_number(bt.alpha_before)} per observation before, "
            f"{format_number(bt.alpha_after)} after (sup-LM p = {fmt_p(bt.pvalue)})" if sig else
            f"no evidence that the alpha changed (sup-LM p = {fmt_p(bt.pvalue)}; most likely date {date}, "
            f"alpha {format_number(bt.alpha_before)} before, {format_number(bt.alpha_after)} after)")
    return Check("alpha_stability", passed=False if sig else None,
                 numbers={"break_date": date, "alpha_before": bt.alpha_before, "alpha_after": bt.alpha_after,
                          "pvalue": bt.pvalue, "statistic": bt.statistic},
                 result=bt, interpretation=text)


def check_performance(d: AuditData, block_length: float, draws: dict[str, np.ndarray] | None = None) -> Check:
    """The performance summary (metrics with standard errors); informational, shown as a table in the report."""
    if d.n < 30:
        return skipped("performance_summary", f"{d.n} observations: too few for the metric standard errors")
    if (d.returns <= -1.0).any():
        return skipped("performance_summary", "a return <= -1: the compounded metrics are undefined")
    try:
        ps = _performance_summary(d.returns, periods_per_year=d.periods_per_year, threshold=0.0, var_level=0.05,
                                  reps=min(d.reps, PATH_REPS), bootstrap="stationary", block_length=block_length,
                                  seed=d.seed, n_jobs=d.n_jobs, confidence_level=0.95, draws=draws)
    except InputError as exc:
        return skipped("performance_summary", exc.problem)
    t = ps.table
    return Check("performance_summary", passed=None,
                 numbers={m: float(t.loc[m, "estimate"]) for m in t.index}, result=ps,
                 interpretation=(f"Sortino {t.loc['sortino', 'estimate']:.3f} (se {t.loc['sortino', 'se']:.3f}), "
                                 f"Omega {t.loc['omega', 'estimate']:.2f}, 95% VaR {t.loc['var', 'estimate']:.2%}, "
                                 f"CVaR {t.loc['cvar', 'estimate']:.2%}, hit rate {t.loc['hit_rate', 'estimate']:.1%}"))


def run_checks(d: AuditData, splits: Any) -> tuple[dict[str, Check], pd.DataFrame, float]:
    """Every check, in report order, the sub-period table and the shared bootstrap's block length."""
    from alphacheck._audit.costs import check_costs

    checks: dict[str, Check] = {}
    sb = shared_bootstrap(d)
    checks["mean"] = check_mean(d, sb)
    checks["sharpe"] = check_sharpe(d, sb)
    checks["psr"] = check_psr(d)
    checks["dsr"] = check_dsr(d)
    checks["haircut_sharpe"] = check_haircut(d, checks["sharpe"])
    checks["pbo"] = check_pbo(d)
    if d.regression is not None:
        checks["jensen_alpha"] = check_alpha(d, sb)
        checks["alpha_power"] = check_alpha_power(d, checks["jensen_alpha"], checks["mean"])
        checks["updown_beta"] = check_updown(d)
        checks["market_neutral"] = check_market_neutral(d, sb)
        checks["alpha_stability"] = check_alpha_stability(d)
    else:
        for name in ("jensen_alpha", "alpha_power", "updown_beta", "market_neutral", "alpha_stability"):
            checks[name] = skipped(name, "no benchmark given")
    checks["mean_power"] = check_mean_power(d, checks["mean"])
    if d.incumbent is not None:
        checks["sharpe_diff"] = check_sharpe_difference(d, sb)
        checks["diebold_mariano"] = check_diebold_mariano(d)
    labels, parts, how = sub_periods(d.index, d.n, splits)
    periods = period_frame(d.returns, labels, parts)
    checks["consistency"] = check_consistency(d, periods, how)
    draws = audit_path_draws(d, sb.block_length)
    checks["drawdown"] = check_drawdown(d, sb.block_length, draws)
    checks["performance_summary"] = check_performance(d, sb.block_length, draws)
    checks["cost_sensitivity"] = check_costs(d, checks)
    return checks, periods, sb.block_length
