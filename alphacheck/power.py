"""What a test could have detected: minimum detectable effects, track records needed, power curves,
and the equivalence test that separates "ruled out" from "unproven".

Every test result carries its estimate's standard error ``se`` (HAC or prewhitened long-run variance
where the data are dependent) and its reference law; power follows from them by the standard normal
approximation to the law of the statistic under an alternative θ (Cohen 1988, ch. 2; for dependent data
with the long-run variance, e.g. Lo 2002 for the Sharpe ratio):

* two-sided level-α test with critical value c (the test's own: normal, Student t, fixed-b, or the
  bootstrap quantile of |T*|):   power(θ) = Φ(θ/se − c) + Φ(−θ/se − c);   one-sided: Φ(θ/se − c);
* minimum detectable effect at power π:   MDE = (c + z_π) se,   z_π = Φ⁻¹(π);
* observations needed to detect θ, with se ∝ 1/√n:   n_needed = ⌈n ((c + z_π) se / θ)²⌉ (infinite when θ = 0 or
  θ lies on the side a one-sided test does not look for: power at θ then falls as n grows).

A test whose reference law is Student t with ν degrees of freedom (the one-sample t, OLS with iid errors) gets
its exact power instead: T is noncentral t(ν, δ = θ/se) under θ, so power(θ) = 1 − F_ν,δ(c) + F_ν,δ(−c)
(one-sided: 1 − F_ν,δ(c)), the MDE is the δ se solving power = π, and n_needed the smallest n at which that power,
with se ∝ 1/√n, ν = n − (n₀ − ν₀) and c the t(ν) quantile, reaches π (Cohen 1988, sec. 2.3; the numbers of
statsmodels' ``TTestPower`` and R's ``power.t.test``, tests/alphacheck/test_power.py).

Equivalence (Schuirmann 1987, two one-sided tests; Wellek 2010, ch. 4): "an effect as large as Δ is
ruled out" at level α when the one-sided upper (1 − α) confidence bound of the test's own interval lies
below Δ. The bound is cut from the same rule as the test's ``confidence_interval`` (bootstrap pivots
included), so the equivalence test has level α whenever the interval has its coverage.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from scipy import special

from alphacheck._inputs import InputError, check_number, check_probability
from alphacheck._results import NoIntervalError, Result, TestResult, bootstrap_quantile, cut_interval

__all__ = ["PowerResult", "power_analysis", "equivalence_bound"]


_INFINITE = "n_needed is infinite: "  # how a note on an infinite n_needed begins (sentence() drops it)


@dataclasses.dataclass(frozen=True)
class PowerResult(Result):
    """What a test could and could not detect.

    Attributes
    ----------
    test : str
        The test analysed.
    estimate, se, n : float, float, int
        Its estimate, standard error and sample size.
    alpha_level, power : float
        The level of the test and the target power.
    critical_value : float
        c, the test's own critical value at ``alpha_level``.
    minimum_detectable_effect : float
        The smallest effect detected with probability ``power``: (c + z_power) se, or for a t test the exact one.
    power_at_estimate : float
        The probability of rejecting if the true effect were the estimate.
    effect : float
        The effect the track record is sized for (default the estimate).
    n_needed : float
        Observations (or trades) needed to detect ``effect`` with probability ``power``, rounded up to a whole
        number; inf if the effect is 0 or on the side a one-sided test does not look for.
    alternative : str
        As the test's.
    note : str
        Why a number is infinite ("" when none is).
    df : float or None
        The degrees of freedom of a Student-t test, whose power is the exact noncentral-t one; None: the normal
        approximation (module docstring).
    """

    test: str
    estimate: float
    se: float
    n: int
    alpha_level: float
    power: float
    critical_value: float
    minimum_detectable_effect: float
    power_at_estimate: float
    effect: float
    n_needed: float
    alternative: str
    note: str = ""
    df: float | None = None

    def power_curve(self, effects: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """(effects, power) over a grid (default 0 to 2 MDE) — what :func:`alphacheck.report.plots.plot_power` draws."""
        th = np.linspace(0.0, 2.0 * self.minimum_detectable_effect, 101) if effects is None else np.asarray(effects, float)
        return th, power_at(th, self.se, self.critical_value, self.alternative, self.df)

    def sentence(self, unit: str = "per observation", what: str = "effect") -> str:
        """One line for a report: what the data can detect and what they would need."""
        n_txt = ((self.note.removeprefix(_INFINITE) if self.note else "no track record would detect it")
                 if not math.isfinite(self.n_needed)
                 else f"detecting the estimated {what} of {self.effect:.4g} with {self.power:.0%} power needs about "
                      f"{self.n_needed:,.0f} observations (there are {self.n:,})")
        article = "an" if what[:1].lower() in "aeiou" else "a"
        return (f"with {self.n:,} observations the test detects {article} {what} of {self.minimum_detectable_effect:.4g} "
                f"{unit} with {self.power:.0%} power at level {self.alpha_level:g} (power at the estimate "
                f"{self.estimate:.4g}: {self.power_at_estimate:.0%}); {n_txt}")


def power_at(effect: Any, se: float, critical_value: float, alternative: str, df: float | None = None) -> np.ndarray:
    """Power of a level test with critical value c at true effect(s) θ: the normal approximation, or with ``df``
    the exact noncentral-t power (module docstring)."""
    z = np.asarray(effect, dtype=float) / se
    if alternative == "less":  # the mirror image of "greater"
        z = -z
    c = critical_value
    if df is None:
        upper, lower = special.ndtr(z - c), special.ndtr(-z - c)
    else:  # P(T > c) and P(T < -c), T ~ noncentral t(df, z)
        upper, lower = 1.0 - special.nctdtr(df, z, c), special.nctdtr(df, z, -c)
    return upper + lower if alternative == "two-sided" else upper


def _t_critical(df: float, alpha_level: float, alternative: str) -> float:
    return float(special.stdtrit(df, 1.0 - (alpha_level / 2 if alternative == "two-sided" else alpha_level)))


def _t_mde(se: float, c: float, df: float, power: float, alternative: str) -> float:
    """The effect detected with probability ``power`` by the t test (δ se, δ the noncentrality solving it)."""
    def short(d: float) -> float:
        return float(power_at(d * se, se, c, "greater" if alternative == "less" else alternative, df)) - power

    if short(0.0) >= 0:  # even no effect is rejected that often (power <= the level)
        return 0.0
    hi = max(1.0, 2.0 * (c + float(special.ndtri(power))))
    while short(hi) < 0:
        hi *= 2.0
    from scipy import optimize

    return float(optimize.brentq(short, 0.0, hi, xtol=1e-12, rtol=4 * np.finfo(float).eps)) * se


def _t_n_needed(theta: float, se: float, n: int, df: float, alpha_level: float, power: float,
                alternative: str) -> float:
    """The smallest whole n at which the t test detects ``theta`` with probability ``power`` (se ∝ 1/√n, the
    degrees of freedom n − (n₀ − ν₀), the critical value of t(ν) at each n)."""
    lost = n - df  # observations the test's degrees of freedom do not count (1 for a mean, k for a regression)

    def reaches(m: int) -> bool:
        nu = m - lost
        return nu >= 1 and bool(power_at(theta, se * math.sqrt(n / m), _t_critical(nu, alpha_level, alternative),
                                         alternative, nu) >= power)

    lo = int(math.floor(lost))  # no degrees of freedom left: never reaches
    hi = max(lo + 1, n)
    while not reaches(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if reaches(mid) else (mid, hi)
    return float(hi)


def _unreachable_level(result: TestResult, alpha_level: float) -> InputError:
    b = result.bootstrap_distribution
    why = (f"its {np.size(b):,} bootstrap replicates cannot give a p-value below {1 / (np.size(b) + 1):.3g}; "
           "rerun the test with more reps or " if result.interval.kind == "bootstrap-t" and b is not None
           else "its reference law has no finite critical value there; ")
    return InputError("alpha_level", f"{alpha_level:g} is too small for the test {result.test!r}: {why}pass a larger "
                                     "alpha_level")


def critical_value(result: TestResult, alpha_level: float) -> float:
    """The test's own critical value at ``alpha_level``: the quantile of its reference law or of |T*|/T*.

    Raises :class:`InputError` when the test cannot reject at that level (no finite critical value) or has
    no interval rule (a family-wise or path statistic)."""
    kind = result.interval.kind
    if kind == "bootstrap-t" and result.bootstrap_distribution is not None:
        side = "abs" if result.alternative == "two-sided" else ("upper" if result.alternative == "greater" else "lower")
        c = abs(bootstrap_quantile(np.asarray(result.bootstrap_distribution), alpha_level, side))
    else:
        # the width of the test's own interval at level 1 - alpha, in standard errors
        try:
            lo, _ = cut_interval(result.interval, 0.0, 1.0, 1.0 - alpha_level,
                                 "two-sided" if result.alternative == "two-sided" else "greater", None, result.test)
        except NoIntervalError as exc:
            raise InputError("result", f"{exc}; power needs a test with an interval rule") from None
        c = float(-lo)
    if not math.isfinite(c):
        raise _unreachable_level(result, alpha_level)
    return c


def power_analysis(result: TestResult, *, alpha_level: float = 0.05, power: float = 0.8,
                   effect: float | None = None) -> PowerResult:
    """What ``result``'s test could detect: MDE at ``power``, power at the estimate, track record needed.

    Parameters
    ----------
    result : TestResult
        Any test with a finite standard error (``se``) and an interval rule.
    alpha_level : float
        The level at which detection is judged.
    power : float
        The target probability of rejecting (0.8 is Cohen's convention).
    effect : float or None
        The effect to size the track record for (default: the estimate minus the null value).

    Returns
    -------
    PowerResult

    References
    ----------
    Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, ch. 2; Lo (2002), Financial Analysts
    Journal 58(4) (dependence through the long-run variance); Bailey & López de Prado (2012) for the Sharpe
    ratio's minimum track record.

    Examples
    --------
    >>> import numpy as np
    >>> from alphacheck import mean_test
    >>> r = np.random.default_rng(0).normal(0.0005, 0.01, 500)
    >>> pa = power_analysis(mean_test(r, method="t"))
    >>> round(pa.minimum_detectable_effect / pa.se, 2)
    2.81
    """
    if not isinstance(result, TestResult):
        raise InputError("result", f"must be an alphacheck TestResult, got {type(result).__name__}")
    a = check_probability(alpha_level, "alpha_level")
    pw = check_probability(power, "power")
    se = float(result.se)
    if not (math.isfinite(se) and se > 0):
        raise InputError("result", f"{result.test}: has no finite standard error, so its power cannot be computed")
    c = critical_value(result, a)
    df = float(result.interval.df) if result.interval.kind == "t" and result.interval.df else None
    z = float(special.ndtri(pw))
    mde = (c + z) * se if df is None else _t_mde(se, c, df, pw, result.alternative)
    est = float(result.estimate - result.null_value)
    theta = est if effect is None else check_number(effect, "effect")
    wrong_side = (result.alternative == "greater" and theta < 0) or (result.alternative == "less" and theta > 0)
    if theta == 0 or wrong_side:  # power at θ tends to 0, not 1, as n grows: no track record is enough
        n_needed = math.inf
        note = _INFINITE + ("no track record detects an effect of 0" if theta == 0 else
                            f"an effect of {theta:.4g} lies on the side the one-sided test "
                            f"({result.alternative}) does not look for: no track record detects it (more data "
                            "only make a rejection less likely)")
    elif df is None:  # whole observations: the smallest n at which the approximation reaches the power
        n_needed = float(math.ceil(result.n * ((c + z) * se / theta) ** 2 - 1e-9))
        note = ""
    else:
        n_needed = _t_n_needed(theta, se, int(result.n), df, a, pw, result.alternative)
        note = ""
    return PowerResult(test=result.test, estimate=float(result.estimate), se=se, n=int(result.n), alpha_level=a,
                       power=pw, critical_value=c, minimum_detectable_effect=mde,
                       power_at_estimate=float(power_at(est, se, c, result.alternative, df)), effect=theta,
                       n_needed=n_needed, alternative=result.alternative, note=note, df=df)


def equivalence_bound(result: TestResult, *, alpha_level: float = 0.05) -> float:
    """The one-sided upper (1 − α) confidence bound of the estimate, from the test's own interval rule.

    An effect as large as Δ is ruled out at level α when this bound is below Δ (Schuirmann 1987).

    Parameters
    ----------
    result : TestResult
        Any test with an interval rule (bootstrap pivots included).
    alpha_level : float
        The level of the equivalence test.

    Returns
    -------
    float
        The upper bound: every effect above it is rejected at ``alpha_level``.

    References
    ----------
    Schuirmann (1987), "A comparison of the two one-sided tests procedure ...", J. Pharmacokinetics and
    Biopharmaceutics 15(6); Wellek (2010), Testing Statistical Hypotheses of Equivalence and Noninferiority, ch. 4.

    Examples
    --------
    >>> import numpy as np
    >>> from alphacheck import mean_test
    >>> r = np.random.default_rng(0).normal(0.0, 0.01, 2000)
    >>> equivalence_bound(mean_test(r, method="t")) < 0.001   # a mean of 10 bp per period is ruled out
    True
    """
    if not isinstance(result, TestResult):
        raise InputError("result", f"must be an alphacheck TestResult, got {type(result).__name__}")
    a = check_probability(alpha_level, "alpha_level")
    pivots = None if result.bootstrap_distribution is None else np.asarray(result.bootstrap_distribution)
    try:
        bound = float(cut_interval(result.interval, result.estimate, result.se, 1.0 - a, "less", pivots,
                                   result.test).high)
    except NoIntervalError as exc:
        raise InputError("result", f"{exc}; an equivalence bound needs a test with an interval rule") from None
    if not math.isfinite(bound):
        raise _unreachable_level(result, a)
    return bound
