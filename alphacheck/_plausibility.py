"""Is this really a return series? Prices, levels, cumulative curves, percent units and positions are refused.

Every argument that must be a series of simple returns (``returns``, ``benchmark``, traded ``controls``, the
legs of a spread, each column of ``trials``) goes through :func:`check_plausible_returns` in the validation
layer (:func:`alphacheck._inputs.as_returns` / :func:`alphacheck._inputs.check_plausible`); a strategy and its
benchmark (or the two legs of a spread) also go through :func:`check_plausible_pair`. A refusal is an
:class:`ImplausibleReturnsError` (an :class:`~alphacheck._inputs.InputError`) naming the argument, saying what
the values look like, how to convert them, and that ``check_returns=False`` (CLI: ``--no-check-returns``)
turns the check off for data that really are returns.

The rules, from first principles
--------------------------------
A simple return r_t = P_t / P_{t-1} − 1 is a *change*: it is centred near zero, of either sign, its size is a
fraction of the capital (a loss cannot exceed it for a long position), and compounding it gives the wealth
W_T = Π (1 + r_t), which no real strategy multiplies by orders of magnitude with certainty. Each rule is one of
these facts turned into a bound; the bounds sit far outside what real return series do (the calibration
study in tests/alphacheck/test_plausibility.py measures the false-alarm count — zero — and the margins on
every series of the bundled market data and on simulated t(3), GARCH and AR(1) ρ = 0.9 returns).

``x`` is the series, n its length, P the observations per year (``periods_per_year`` when the caller has it,
else (n − 1) / span in years of a DatetimeIndex — the mean spacing, as the audit annualises; unknown without
dates), g_t = log(1 + x_t).

=====  ======================================================================================  ===================
rule   refuse when                                                                              looks like
=====  ======================================================================================  ===================
P      every value is −1, 0 or 1, or there are at most 5 distinct values, all in [−1, 1], and      positions, signals
       ±1 occurs at least twice (n >= 4) — a ±100 % return every few periods is a bet, not a
       strategy
M      the typical size median(|x|) > 1: most periods would move by more than 100 %               prices, percent
L      at least 2 values, and at least 1 % of them, are −1 or below (a loss of all the capital    percent,
       or more, which a long position can have once and shorts or spreads at most rarely)         positions
V      dates known (n >= 20): the robust annualised volatility IQR(x)/1.349 · sqrt(P) > 10        percent, scores
       (1,000 % a year; the most volatile real series here reach 4.3, hourly alts in a crash)
G      dates known (n >= 20, all x > −1): the annual growth is certain to exceed 20-fold:         levels, curves,
       P · (mean(g) − 4 se) > log 20, se = max(iid, Newey–West Bartlett) standard error of the    percent
       mean of g (Newey & West 1987, 1994 lag rule) — the best real window here gives 2.6-fold
T      n >= 20, all x > −1: compounding over the sample is certain to multiply (or divide) the     levels, curves,
       wealth by more than 10,000: n · (|mean(g)| − 4 se) > log 10,000, the same se — for        percent
       series without dates; the largest real value here is a factor of 2.0
=====  ======================================================================================  ===================

Pair rule (:func:`check_plausible_pair`, strategy vs benchmark or long vs short leg, n >= 20): the two move
together (|Pearson correlation| >= 0.5) while the standard deviation of one is at least 30 times that of the
other. A strategy that tracks its benchmark with a beta of 1/30 or less (or 30 or more) is a unit mismatch —
one series in percent, the other in fractions; the larger one is named. (A real low-volatility strategy
against a volatile benchmark — carry against BTC — does not co-move with it; leverage of 30 would lose more
than everything on a 3.3 % benchmark move.)

What the rules cannot see (and so pass): a level whose values are small enough to be a plausible carry or
bill return at its frequency (a price ratio quoted near 1e-5, e.g. DOGE/BTC; such series are shaped exactly
like the funding a delta-hedged position collects), percent units of a strategy whose volatility and growth
stay plausible after the ×100 (true volatility below about 10 % a year and a modest Sharpe ratio) when no
benchmark is given, and any short series (n < 20) that breaks none of the exact rules P, M, L. The
calibration test reports the detection counts per kind.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from alphacheck._inputs import InputError

__all__ = ["ImplausibleReturnsError", "Profile", "profile", "findings", "check_plausible_returns",
           "check_plausible_pair", "THRESHOLDS"]

#: Every bound of the rules above (the calibration test reports each margin against these).
THRESHOLDS = {
    "positions_min_obs": 4,        # P
    "positions_max_distinct": 5,   # P
    "positions_min_size": 0.25,    # P: sized positions
    "typical_max": 1.0,            # M: median |x|
    "below_min_count": 2,          # L
    "below_min_share": 0.01,       # L
    "stat_min_obs": 20,            # V, G, T, pair
    "vol_max": 10.0,               # V: robust annualised volatility (1,000 % a year)
    "growth_k": 5.0,               # G, T: standard errors below the estimate
    "growth_max": math.log(20.0),  # G: annual growth factor 20
    "total_max": math.log(1e4),    # T: total factor 10,000
    "drift_steps": 2.0,            # D: |mean log(1 + x)| at least this many sd of the first differences
    "drift_min": 0.02,             # D: |mean log(1 + x)| at least 2 % a period
    "drift_large": 0.05,           # D: below 5 % a period, also at least drift_short / sqrt(n) steps
    "drift_short": 60.0,
    "level_min_obs": 1000,         # W
    "level_lag1": 0.985,           # W: lag-1 autocorrelation at least
    "steady_share": 0.75,          # C: share of periods with a gain at least (n >= level_min_obs)
    "pair_corr": 0.6,              # pair: |correlation| at least
    "pair_z": 7.0,                 # pair: Fisher z = atanh|r| sqrt(n - 3) at least
    "pair_ratio": 30.0,            # pair: ratio of standard deviations at least
}
_OFF = "if they really are returns, pass check_returns=False"


class ImplausibleReturnsError(InputError):
    """A return-series argument that looks like prices, a level, a cumulative curve, percent units or positions.

    ``kind`` is one of "positions", "prices", "cumulative", "percent"; ``rule`` the rule that fired.
    """

    def __init__(self, name: str, problem: str, *, kind: str, rule: str):
        self.kind = kind
        self.rule = rule
        super().__init__(name, problem)

    def __reduce__(self) -> tuple:
        return (_rebuild_implausible, (self.argument, self.problem, self.kind, self.rule))


def _rebuild_implausible(name: str, problem: str, kind: str, rule: str) -> ImplausibleReturnsError:
    return ImplausibleReturnsError(name, problem, kind=kind, rule=rule)


@dataclasses.dataclass(frozen=True)
class Profile:
    """The statistics the rules read (NaN where a rule does not apply)."""

    n: int
    periods_per_year: float | None
    typical: float           # median |x|
    below_count: int         # values <= -1
    low: float
    high: float
    first: float
    all_positive: bool
    lag1: float              # lag-1 autocorrelation
    step_sd: float           # standard deviation of the first differences (NaN for n < 3)
    discrete: str | None     # "signs" (all in {-1, 0, 1}), "sized" (<= 5 values in [-1, 1]) or None
    ones: int                # count of |x| == 1
    zeros: int               # count of x == 0
    big: int                 # count of |x| >= positions_min_size
    gain_share: float        # share of x > 0
    robust_vol: float        # IQR / 1.349 (per period)
    annual_vol: float        # robust_vol * sqrt(P (1 - ρ_u)) * (1 - 2 * 1.166 / sqrt(n)): a lower bound
    mean_log: float          # mean log(1 + x) (NaN if some x <= -1)
    se_log: float            # its standard error, allowing for persistence (see :func:`_se_mean`)
    growth_lb: float         # P (mean_log - k se)   (annual, NaN without P)
    total_lb: float          # n (|mean_log| - k se)


def _periods_per_year(index: Any, n: int, periods_per_year: float | None) -> float | None:
    if periods_per_year is not None:
        return float(periods_per_year)
    if isinstance(index, pd.DatetimeIndex) and n >= 3 and len(index) == n:
        span = (index[-1] - index[0]).total_seconds() / (365.25 * 86400.0)
        if span > 0:
            return (n - 1) / span
    return None


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    # einsum, not BLAS: a threaded BLAS dot costs milliseconds on a loaded machine, this check runs on every call
    return float(np.einsum("i,i->", a, b))


def _bartlett_lrv(e: np.ndarray, lags: int) -> float:
    """Newey-West (1987) Bartlett long-run variance of the demeaned ``e`` (weights 1 - j/(lags + 1))."""
    n = e.size
    v = _dot(e, e) / n
    for j in range(1, min(lags, n - 1) + 1):
        v += 2.0 * (1.0 - j / (lags + 1)) * _dot(e[j:], e[:-j]) / n
    return v


def _rho_upper(rho_hat: float, n: int, allowance: float) -> float:
    """An upper value of the lag-1 autocorrelation: ρ̂ (>= 0) plus Kendall's (1954) small-sample bias of the
    AR(1) estimate, (1 + 4ρ)/n, plus ``allowance``/sqrt(n), capped at 0.97 (where Andrews & Monahan 1992 cap
    prewhitening). A short window of a strongly autocorrelated series estimates ρ far too low; the allowance
    keeps short windows cautious and fades with n."""
    r = max(rho_hat, 0.0) if np.isfinite(rho_hat) else 0.0
    return min(0.97, r + (1 + 4 * r) / n + allowance / math.sqrt(n))


def _se_mean(e: np.ndarray) -> float:
    """Standard error of the mean of the demeaned ``e``, never below what persistence could make it.

    The largest of (i) the iid se, (ii) the Newey-West Bartlett HAC se (lag rule of Newey & West 1994) and
    (iii) the AR(1) long-run se sd·sqrt((1 + ρ)/(1 − ρ)/n) at the upper value ρ = :func:`_rho_upper` (ρ̂, 6).
    A short window of a strongly autocorrelated return series (AR(1) ρ = 0.9, overlapping returns) can sit
    on one side of zero throughout and estimate its own ρ as 0.5; (iii) keeps that from looking like certain
    growth (max |mean|/se over 3,000 AR(1) 0.9 windows: 3.5 at n = 20, 3.4 at 72, 2.4 at 1,000).
    """
    from alphacheck._hac import newey_west_lags

    n = e.size
    iid = _dot(e, e) / n
    if not (iid > 0 and np.isfinite(iid)):
        return 0.0 if iid == 0 else float("inf")
    hac = _bartlett_lrv(e, newey_west_lags(n))
    rho = _rho_upper(_dot(e[1:], e[:-1]) / (n * iid), n, 6.0)
    ar = iid * (1 + rho) / (1 - rho)
    return math.sqrt(max(iid, hac, ar) / n)


def profile(values: np.ndarray, index: Any = None, *, periods_per_year: float | None = None) -> Profile:
    """Measure the statistics of :data:`THRESHOLDS`' rules on one finite 1-D series."""
    x = np.asarray(values, dtype=np.float64)
    n = int(x.size)
    nan = float("nan")
    if n == 0:
        return Profile(n=0, periods_per_year=None, typical=nan, below_count=0, low=nan, high=nan, first=nan,
                       all_positive=False, lag1=nan, step_sd=nan, discrete=None, ones=0, zeros=0, big=0, gain_share=nan,
                       robust_vol=nan,
                       annual_vol=nan, mean_log=nan, se_log=nan, growth_lb=nan, total_lb=nan)
    ppy = _periods_per_year(index, n, periods_per_year)
    with np.errstate(all="ignore"):
        a = np.abs(x)
        discrete = None
        if np.all((x == 0.0) | (a == 1.0)):
            discrete = "signs"
        elif a.max() <= 1.0 and np.unique(x).size <= THRESHOLDS["positions_max_distinct"]:
            discrete = "sized"
        typical = float(np.median(a))
        low, high = float(x.min()), float(x.max())
        lag1 = step_sd = robust = annual = mean_log = se = growth = total = nan
        if n >= 3 and high - low > 0 and typical <= 1e150:
            c = x - x.mean()
            d = _dot(c, c)
            if d > 0 and np.isfinite(d):
                lag1 = _dot(c[1:], c[:-1]) / d
            step_sd = float(np.std(np.diff(x)))
        if n >= THRESHOLDS["stat_min_obs"] and typical <= THRESHOLDS["typical_max"]:
            q25, q75 = np.quantile(x, [0.25, 0.75])
            robust = float(q75 - q25) / 1.349
            if ppy is not None:
                # independent periods a year: P (1 - ρ) with ρ an upper lag-1 autocorrelation, so overlapping
                # h-period returns (ρ = 1 - 1/h) count P/h; times the lower end of a 2-se band of the IQR scale
                # (relative se 1.166/sqrt(n) for normal data)
                rho_v = _rho_upper(lag1, n, 2.0)
                annual = robust * math.sqrt(ppy * (1.0 - rho_v)) * max(1.0 - 2.0 * 1.166 / math.sqrt(n), 0.0)
            if low > -1.0:
                g = np.log1p(x)
                mean_log = float(g.mean())
                se = _se_mean(g - mean_log)
                k = THRESHOLDS["growth_k"]
                if ppy is not None:
                    growth = ppy * (mean_log - k * se)
                total = n * (abs(mean_log) - k * se)
    return Profile(n=n, periods_per_year=ppy, typical=typical, below_count=int(np.count_nonzero(x <= -1.0)),
                   low=low, high=high, first=float(x[0]), all_positive=bool(low > 0), lag1=lag1, step_sd=step_sd,
                   discrete=discrete, ones=int(np.count_nonzero(a == 1.0)), zeros=int(np.count_nonzero(x == 0.0)),
                   big=int(np.count_nonzero(a >= THRESHOLDS["positions_min_size"])),
                   gain_share=float(np.count_nonzero(x > 0)) / n, robust_vol=robust,
                   annual_vol=annual, mean_log=mean_log, se_log=se, growth_lb=growth, total_lb=total)


def findings(p: Profile) -> list[str]:
    """The rules ("P", "M", "L", "V", "G", "T", "D", "W", "C") that ``p`` breaks, in that order."""
    t = THRESHOLDS
    out = []
    if p.n >= t["positions_min_obs"] and ((p.discrete == "signs" and p.ones >= 2)
                                         or (p.discrete == "sized" and p.big >= 2)):
        out.append("P")
    if p.typical > t["typical_max"]:
        out.append("M")
    if p.below_count >= t["below_min_count"] and p.below_count >= t["below_min_share"] * p.n:
        out.append("L")
    if p.annual_vol > t["vol_max"]:
        out.append("V")
    if p.growth_lb > t["growth_max"]:
        out.append("G")
    if p.total_lb > t["total_max"]:
        out.append("T")
    compounds = np.isfinite(p.mean_log) and (
        p.n * abs(p.mean_log) > t["total_max"]
        or (p.periods_per_year is not None and p.periods_per_year * abs(p.mean_log) > t["growth_max"]))
    if compounds and p.n >= t["stat_min_obs"] and abs(p.mean_log) >= t["drift_min"]:
        steps = t["drift_steps"] if abs(p.mean_log) >= t["drift_large"] else max(
            t["drift_steps"], t["drift_short"] / math.sqrt(p.n))
        if abs(p.mean_log) >= steps * p.step_sd:
            out.append("D")
    if p.n >= t["level_min_obs"] and compounds:
        if p.lag1 >= t["level_lag1"]:
            out.append("W")
        if p.gain_share >= t["steady_share"] and p.mean_log > 0:
            out.append("C")
    return out


# ----------------------------------------------------------------------------------------------- messages
def _num(v: float) -> str:
    if not np.isfinite(v):
        return str(v)
    a = abs(v)
    if a != 0 and (a >= 1e6 or a < 1e-3):
        return f"{v:.2g}"
    return f"{v:.3g}" if a < 100 else f"{v:,.0f}"


def _factor(log_factor: float) -> str:
    """exp(log_factor) in words: 'about 3.2e+43'."""
    if log_factor > 700:
        return f"e^{log_factor:,.0f}"
    return _num(math.exp(log_factor))


def _compounding(p: Profile, rules: list[str]) -> str:
    total = p.n * p.mean_log
    parts = []
    if "C" in rules:
        parts.append(f"{p.gain_share:.0%} of the {p.n:,} periods gain")
    if total > 0:
        parts.append(f"read as returns they would multiply the capital by {_factor(total)} over the "
                     f"{p.n:,} observations")
    else:
        parts.append(f"read as returns they would shrink the capital to 1/{_factor(-total)} of its start over the "
                     f"{p.n:,} observations")
    if p.periods_per_year is not None and p.growth_lb > THRESHOLDS["growth_max"]:
        parts.append(f"at least {_factor(p.growth_lb)}-fold a year given the dates "
                     f"({_num(p.periods_per_year)} observations a year; {THRESHOLDS['growth_k']:g} standard errors)")
    elif p.periods_per_year is not None and p.mean_log > 0:
        parts.append(f"{_factor(p.periods_per_year * p.mean_log)}-fold a year given the dates "
                     f"({_num(p.periods_per_year)} observations a year)")
    return ", ".join(parts)


def _level_kind(p: Profile) -> str:
    """Which level the values most likely are (the message leads with its conversion and names the others)."""
    if not p.all_positive and not (np.isfinite(p.lag1) and p.lag1 > 0.9):
        return "percent"
    if p.all_positive and (0.5 <= p.first <= 2.0 or 50.0 <= p.first <= 200.0 or 0.009 <= p.first <= 0.011):
        return "equity"  # an equity curve starts near 1 (or 100, or 0.01 once divided by 100)
    if abs(p.first) <= 3 * p.step_sd and not (p.all_positive and p.typical > 1.0):
        return "cumulative"  # starts at one period's return: near 0 on the scale of its own steps
    return "prices" if p.all_positive else "cumulative"


def _message(p: Profile, rules: list[str], name: str) -> tuple[str, str]:
    """(kind, problem text) for the first finding; the conversions name the argument."""
    rng = f"{_num(p.low)} to {_num(p.high)}"
    if rules[0] == "P":
        if p.discrete == "signs":
            present = [str(v) for v, there in ((-1, p.low == -1), (0, p.zeros > 0), (1, p.high == 1)) if there]
            what = "all values are " + (" or ".join(present) if len(present) < 3 else "-1, 0 or 1")
        else:
            what = (f"there are at most {THRESHOLDS['positions_max_distinct']} distinct values, all between "
                    f"-1 and 1 ({rng})")
        size = (f"{p.ones:,} of the {p.n:,} would be gains or losses of 100 %" if p.discrete == "signs" else
                f"{p.big:,} of the {p.n:,} would be gains or losses of "
                f"{_num(100 * THRESHOLDS['positions_min_size'])} % or more")
        return "positions", (
            f"these values look like a position or a signal, not returns: {what}, and read as returns {size}. "
            "A strategy's returns are the position held times the asset's return over the next period, e.g. "
            f"position.shift(1) * asset_returns; {_OFF}")
    kind = _level_kind(p)
    if kind in ("prices", "equity", "cumulative"):
        persistent = f", persistent as a level (lag-1 autocorrelation {p.lag1:.3f})" if np.isfinite(p.lag1) else ""
        sign = f"all {p.n:,} values are positive ({rng})" if p.all_positive else f"the values run from {rng}"
        evidence = [sign + persistent]
        if np.isfinite(p.mean_log) and (set(rules) & {"G", "T", "D", "W", "C"}):
            evidence.append(_compounding(p, rules))
        elif "M" in rules:
            evidence.append(f"the typical value, {_num(p.typical)}, would be a move of {_num(100 * p.typical)} % "
                            "in every period")
        label = {"prices": "prices or a price level (a price ratio, an index)",
                 "equity": "an equity curve (or prices)", "cumulative": "a cumulative-return curve"}[kind]
        level = f"{name}.pct_change().dropna()"
        cum = f"(1 + {name}).pct_change().dropna()"
        convert = (f"Convert a cumulative-return curve with {cum} (an equity curve or prices with {level})"
                   if kind == "cumulative" else
                   f"Convert with {level} (a cumulative-return curve, which starts near 0, with {cum})")
        text = f"these values look like {label}, not returns: " + "; ".join(evidence) + f". {convert}; {_OFF}"
        return ("prices" if kind in ("prices", "equity") else "cumulative"), text
    evidence = []
    if "M" in rules:
        evidence.append(f"the typical absolute value is {_num(p.typical)} (as a fraction: "
                        f"{_num(100 * p.typical)} % per period)")
    if "L" in rules:
        evidence.append(f"{p.below_count:,} of the {p.n:,} values are -1 or below (a loss of 100 % or more)")
    if "V" in rules:
        evidence.append(f"as fractions they would have a robust annualised volatility of {_num(100 * p.annual_vol)} % "
                        f"given the dates ({_num(p.periods_per_year or float('nan'))} observations a year)")
    if (set(rules) & {"G", "T", "D", "W", "C"}) and np.isfinite(p.mean_log):
        evidence.append(_compounding(p, rules))
    scale = f" (basis points: {name} / 10_000)" if p.typical > 5 else ""
    text = ("these values look like percent, not fractions (or a score or signal, not a return): "
            + "; ".join(evidence) + f". Divide percent by 100: {name} / 100{scale}; {_OFF}")
    return "percent", text


def check_plausible_returns(values: np.ndarray, index: Any, name: str, *, hint: str = "",
                            periods_per_year: float | None = None) -> None:
    """Raise :class:`ImplausibleReturnsError` when ``values`` look like prices, levels, curves, percent or positions.

    Parameters
    ----------
    values : ndarray
        Finite float64 values (validated by :func:`alphacheck._inputs.as_series` or ``align``).
    index : pandas Index or None
        Their index; a DatetimeIndex gives the frequency the rules V and G need.
    name : str
        The argument's name, first in the message.
    hint : str
        Extra advice appended to the message (e.g. "a state variable belongs in states=").
    periods_per_year : float or None
        Observations per year when the caller knows it (overrides the index).

    Examples
    --------
    >>> import numpy as np
    >>> check_plausible_returns(np.array([0.01, -0.02, 0.005, 0.0, 0.012]), None, "returns")
    >>> try:
    ...     check_plausible_returns(np.array([101.0, 102.5, 101.8, 103.0, 104.1]), None, "returns")
    ... except InputError as exc:
    ...     print(str(exc)[:59])
    returns: these values look like an equity curve (or prices)
    """
    p = profile(values, index, periods_per_year=periods_per_year)
    rules = findings(p)
    if not rules:
        return
    kind, text = _message(p, rules, name)
    if hint:
        text += f". {hint[0].upper()}{hint[1:]}"
    raise ImplausibleReturnsError(name, text, kind=kind, rule=rules[0])


def check_plausible_pair(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """The pair rule: two aligned return series that co-move but differ in scale by 30x or more.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> bench = rng.normal(0, 0.01, 500)
    >>> strat = 1.1 * bench + rng.normal(0, 0.005, 500)
    >>> check_plausible_pair(strat, bench, ("returns", "benchmark"))
    >>> try:
    ...     check_plausible_pair(strat, 100 * bench, ("returns", "benchmark"))
    ... except InputError as exc:
    ...     print(exc.argument)
    benchmark
    """
    t = THRESHOLDS
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim != 1 or a.shape != b.shape or a.size < t["stat_min_obs"]:
        return
    with np.errstate(all="ignore"):
        sa, sb = float(a.std()), float(b.std())
        if not (sa > 0 and sb > 0 and np.isfinite(sa) and np.isfinite(sb)):
            return
        corr = float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
    ratio = max(sa / sb, sb / sa)
    if not (np.isfinite(corr) and abs(corr) >= t["pair_corr"] and ratio >= t["pair_ratio"]):
        return
    if math.atanh(min(abs(corr), 1 - 1e-12)) * math.sqrt(a.size - 3) < t["pair_z"]:
        return
    big, small = (names[0], names[1]) if sa > sb else (names[1], names[0])
    beta = corr * sa / sb  # slope of the first on the second
    raise ImplausibleReturnsError(
        big,
        f"its values are {_num(ratio)} times as large as those of {small} (standard deviation "
        f"{_num(max(sa, sb))} vs {_num(min(sa, sb))}) while the two move together (correlation {corr:.2f}; "
        f"slope of {names[0]} on {names[1]} {_num(beta)}): one of them is in percent and the other in fractions, "
        f"most likely {big}. Divide {big} by 100 (or multiply {small} by 100) so both are fractions; "
        "if the scales really differ this much, pass check_returns=False",
        kind="percent", rule="pair")
