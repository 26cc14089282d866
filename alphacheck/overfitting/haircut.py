"""The Harvey & Liu (2015) haircut Sharpe ratio, as published.

Sources
-------
[HL]   Harvey & Liu (2015), "Backtesting", Journal of Portfolio Management 42(1), 13-28, section "Haircut
       Sharpe ratios": the t-ratio / Sharpe link, the Bonferroni, Holm and BHY adjusted p-values and the
       inversion of the adjusted p-value into a haircut Sharpe ratio.
[CODE] The authors' programs ``Haircut_SR.m`` and ``sample_random_multests.m``, which fix the details the
       paper leaves open (monthly sample size, Student t on N - 1 df, the simulation of the other tests).
[HLZ]  Harvey, Liu & Zhu (2016), "... and the cross-section of expected returns", Rev. Fin. Stud. 29(1),
       5-68: the model of the cross-section of factor t-statistics whose fitted parameters [CODE] uses.
[LO]   Lo (2002), "The statistics of Sharpe ratios", Financial Analysts Journal 58(4): the AR(1) factor.

Holm and BHY need the p-values of the *other* tests; like the authors we draw them from the HLZ model
(``n_sims`` panels) and take the median of the strategy's adjusted p-value over the panels. HL's BHY
recursion starts from the raw largest p-value of the family (not from c(M) p_(M) as Benjamini &
Yekutieli 2001 and ``statsmodels``' ``fdr_by`` do), which is why it is computed here and not by
:func:`alphacheck.adjust_pvalues`. The worked example of [HL] (monthly, 120 observations, SR 1 with
autocorrelation 0.1, i.e. 0.912 after [LO], 100 tests, correlation 0.4) gives adjusted p-values 0.465
(Bonferroni, exact), 0.409 (Holm) and 0.174 (BHY; 52.6 % haircut) at the authors' 2,000 panels; with
many panels BHY converges to 0.1701 (52.2 %) — the medians sit on discrete values, so at 2,000 panels
they jump between neighbours (tests/alphacheck/test_haircut.py).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any, Literal

import numpy as np
from scipy import special, stats

from alphacheck._inputs import InputError, check_choice, check_int, check_number, check_positive, check_seed
from alphacheck._results import Interval, TestResult

__all__ = ["HaircutResult", "haircut_sharpe"]

HAIRCUT_METHODS = ("bhy", "holm", "bonferroni", "average", "bhy-bound")
# a per-period Sharpe above this (7.9 a year on daily data) is far more likely an annualised one passed without
# periods_per_year: haircut_sharpe(1.0, n_obs=500, n_trials=10) read it per period and gave p = 1e-75
HAIRCUT_PER_PERIOD_WARN = 0.5

#: Fitted HLZ parameters by average correlation, columns (rho, m_tot, p0, lambda) ([CODE] ``para0``):
#: rho the average correlation the row was fitted for, m_tot the total number of factors tried, p0 the
#: probability that a tried factor is a null, lambda the mean of the exponential law of a true factor's
#: monthly mean return.
HLZ_TABLE = np.array(
    [
        [0.0, 1295.0, 0.39660, 0.0054995],
        [0.2, 1377.0, 0.44589, 0.0055508],
        [0.4, 1476.0, 0.48604, 0.0055413],
        [0.6, 1773.0, 0.59902, 0.0055512],
        [0.8, 3109.0, 0.83901, 0.0055956],
    ]
)
#: Monthly volatility the simulated factors are given: 15 % a year ([CODE] `sigma = 0.15/sqrt(12)`).
HLZ_MONTHLY_VOL = 0.15 / np.sqrt(12.0)
#: Length, in months, of the simulated factors' samples ([CODE] `N = 240`).
HLZ_N_MONTHS = 240
#: Monte-Carlo repetitions used by the authors ([CODE] `WW = 2000`); ``haircut_sharpe`` defaults to 10,000
#: for a smaller Monte-Carlo error (``n_sims=AUTHORS_N_SIMS`` reproduces their 52.6 % BHY example at seed 0).
AUTHORS_N_SIMS = 2000


@dataclasses.dataclass(frozen=True)
class HLZParams:
    """Interpolated HLZ parameters (one row of ``HLZ_TABLE``, see :func:`hlz_parameters`)."""

    rho: float
    m_tot: float
    p0: float
    lam: float


def hlz_parameters(correlation: float) -> HLZParams:
    """HLZ model parameters for an average cross-correlation ``correlation`` ([CODE] `para_inter`).

    Linear interpolation between the rows of :data:`HLZ_TABLE` whose rho brackets
    ``correlation``.  Two behaviours of [CODE] are reproduced on purpose:

    * for 0.8 <= correlation < 1 the [0.6, 0.8) formula is reused, i.e. the table is
      *extrapolated* from its last two rows (p0 exceeds 1 above about 0.93, making every
      simulated factor a null);
    * outside [0, 1) the row rho = 0.2 is used ("Set at the preferred level if RHO is
      misspecified") -- including its rho, so the simulated correlation is 0.2 then.
    """
    r = float(correlation)
    t = HLZ_TABLE
    if 0.0 <= r < 0.2:
        row = ((0.2 - r) / 0.2) * t[0] + (r / 0.2) * t[1]
    elif 0.2 <= r < 0.4:
        row = ((0.4 - r) / 0.2) * t[1] + ((r - 0.2) / 0.2) * t[2]
    elif 0.4 <= r < 0.6:
        row = ((0.6 - r) / 0.2) * t[2] + ((r - 0.4) / 0.2) * t[3]
    elif 0.6 <= r < 1.0:  # [0.6, 0.8) and, as in [CODE], the extrapolating [0.8, 1) branch
        row = ((0.8 - r) / 0.2) * t[3] + ((r - 0.6) / 0.2) * t[4]
    else:
        row = t[1]
    return HLZParams(rho=float(row[0]), m_tot=float(row[1]), p0=float(row[2]), lam=float(row[3]))


def simulate_hlz_tstats(
    n_tests: int,
    n_sims: int,
    params: HLZParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Absolute t-statistics of ``n_tests`` other strategies, ``n_sims`` times: shape (n_sims, n_tests).

    The HLZ data-generating process of [CODE] sample_random_multests.m, with
    sigma = 0.15/sqrt(12) and a 240-month sample:

        mu_j    = 1{U_j > p0} * E_j,           U_j ~ U(0,1),  E_j ~ Exponential(mean lambda)
        eps     ~ N(0, (sigma^2/240) * Sigma),  Sigma = equicorrelation(rho)
        t_j     = |mu_j + eps_j| / (sigma / sqrt(240)).

    [CODE] draws ``Nsim_tests = (floor(M/m_tot)+1)*floor(m_tot+1)`` >= M correlated columns with
    ``mvnrnd`` and keeps the first M; because Sigma is equicorrelated every M columns have the
    same joint law, so we draw exactly M columns with the one-factor representation
    eps_j = (sigma/sqrt(240)) * (sqrt(rho) Z_0 + sqrt(1-rho) Z_j), which is the same law at
    O(M) instead of O(m_tot^2) cost.  (m_tot therefore never affects the result.)
    """
    m = int(n_tests)
    w = int(n_sims)
    rho = params.rho
    if not (0.0 <= rho <= 1.0):
        raise ValueError(f"simulated correlation must lie in [0, 1], got {rho}")
    scale = HLZ_MONTHLY_VOL / np.sqrt(HLZ_N_MONTHS)  # standard error of a factor's mean
    z0 = rng.standard_normal((w, 1))
    z = rng.standard_normal((w, m))
    u = rng.random((w, m))
    e = rng.exponential(params.lam, (w, m))
    shock = np.sqrt(rho) * z0 + np.sqrt(1.0 - rho) * z  # in units of `scale`
    mu = np.where(u > params.p0, e, 0.0) / scale
    return np.abs(mu + shock)


def lo_autocorrelation_factor(rho: Any, q: float) -> np.ndarray:
    """[LO] AR(1) factor eta(q) = [1 + 2 rho/(1-rho) (1 - (1 - rho^q) / (q (1-rho)))]^(-1/2).

    ``SR_annual = sqrt(q) * SR_period * eta(q)`` for a return series with first-order
    autocorrelation ``rho`` sampled q times a year ([CODE] `sr_annual = SR*[...]^(-0.5)`).
    eta = 1 at rho = 0 and at q = 1 (annual data, which [CODE] leaves unadjusted).
    """
    r = np.asarray(rho, dtype=float)
    if np.any((r <= -1.0) | (r >= 1.0)):
        raise InputError("autocorrelation", "must lie in (-1, 1)")
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = np.where(r == 0.0, 0.0, (2.0 * r / (1.0 - r)) * (1.0 - (1.0 - r**q) / (q * (1.0 - r))))
    return (1.0 + inner) ** -0.5


def harmonic(m: int) -> float:
    """c(m) = sum_{j=1}^m 1/j, the BHY constant ([HL] section "Multiple testing", BHY)."""
    return float(np.sum(1.0 / np.arange(1, int(m) + 1)))


def _holm_bhy_of_observed(p_sim: np.ndarray, p_obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Holm and BHY adjusted p-value of the observed strategy inside each simulated family.

    ``p_sim`` (W, M) are the other tests' p-values, ``p_obs`` (K,) the strategy's p-value(s).
    Each family is the M simulated p-values plus the observed one, m = M + 1 tests
    ([CODE] `p_val_all = [p_val_sub', p_val]`).  With s the sorted simulated p-values and k the
    0-based rank of p_obs (= number of s strictly below it; ties resolve to the first equal
    position, as [CODE]'s ``p_holm_vec(p_val_order == p_val)`` then ``(1)``):

        Holm: max( max_{j<k} (m - j) s_j , (m - k) p_obs ), capped at 1
        BHY : p_obs if k = M, else min( m c(m)/(k+1) p_obs , min_{j>=k} tau_j ),
              tau_j = m c(m)/(j+2) s_j for j < M-1 (s_j sits at family position j+1),
              tau_{M-1} = s_{M-1} (the raw largest p-value of the family).

    This is the closed form of [CODE]'s Holm double loop and BHY backward recursion evaluated
    at the observed position only.  Returns two (W, K) arrays.
    """
    w, m_sim = p_sim.shape
    m = m_sim + 1
    c = harmonic(m)
    s = np.sort(p_sim, axis=1)
    j = np.arange(m_sim)
    holm_prefix = np.maximum.accumulate((m - j) * s, axis=1)  # max_{i<=j} (m - i) s_i
    holm_prefix = np.concatenate([np.zeros((w, 1)), holm_prefix], axis=1)  # index k -> max over j<k
    tau = m * c / (j + 2.0) * s
    tau[:, -1] = s[:, -1]
    bhy_suffix = np.minimum.accumulate(tau[:, ::-1], axis=1)[:, ::-1]  # min_{i>=j} tau_i
    bhy_suffix = np.concatenate([bhy_suffix, np.full((w, 1), np.inf)], axis=1)

    k = np.empty((w, p_obs.size), dtype=np.intp)
    step = max(1, int(4_000_000 // max(1, w * m_sim)))  # bound the (W, M, K) comparison memory
    for a in range(0, p_obs.size, step):
        blk = p_obs[a : a + step]
        k[:, a : a + step] = (s[:, :, None] < blk[None, None, :]).sum(axis=1)
    holm = np.minimum(np.maximum(np.take_along_axis(holm_prefix, k, axis=1), (m - k) * p_obs), 1.0)
    bhy = np.where(
        k == m_sim,
        p_obs,
        np.minimum(m * c / (k + 1.0) * p_obs, np.take_along_axis(bhy_suffix, k, axis=1)),
    )
    return holm, bhy


def _median_and_se(x: np.ndarray) -> tuple[float, float]:
    """Median over the panels and a distribution-free Monte-Carlo SE: half the order-statistic 95 % CI / 1.96."""
    w = x.shape[0]
    med = float(np.median(x))
    xs = np.sort(x)
    half = 1.959964 * np.sqrt(w) / 2.0
    lo = int(max(0, np.floor(w / 2.0 - half)))
    hi = int(min(w - 1, np.ceil(w / 2.0 + half)))
    return med, float((xs[hi] - xs[lo]) / (2.0 * 1.959964))


@dataclasses.dataclass(frozen=True)
class HaircutResult(TestResult):
    """The haircut: ``pvalue`` is the multiple-testing adjusted p-value, ``statistic`` the strategy's t-ratio.

    Attributes (beyond the protocol; ``estimate`` is the haircut Sharpe ratio)
    ----------
    sharpe : the Sharpe ratio the haircut starts from (annualised and Lo-corrected when
        ``periods_per_year`` is given, else per period).
    haircut_sharpe : the Sharpe ratio whose single-test p-value equals the adjusted one.
    haircut : (sharpe - haircut_sharpe) / sharpe.
    single_pvalue : the strategy's own two-sided p-value (Student t, N - 1 df).
    n_months : N, the monthly observations of [CODE] (= n_obs without ``periods_per_year``).
    n_trials, average_correlation, n_sims : the set-up; ``mc_se`` the Monte-Carlo SE of the adjusted p-value.
    """

    sharpe: float = float("nan")
    haircut_sharpe: float = float("nan")
    haircut: float = float("nan")
    single_pvalue: float = float("nan")
    n_months: int = 0
    n_trials: int = 1
    average_correlation: float = 0.2
    n_sims: int = 0
    mc_se: float = 0.0
    procedure: str = "bhy"


def haircut_sharpe(sharpe: float, *, n_obs: int, n_trials: int,
                   method: Literal["bhy", "holm", "bonferroni", "average", "bhy-bound"] = "bhy",
                   periods_per_year: float | None = None, autocorrelation: float = 0.0,
                   average_correlation: float = 0.2,
                   n_sims: int = 10_000, seed: Any = 0) -> HaircutResult:
    """Haircut a Sharpe ratio for the number of strategies tried (Harvey & Liu 2015), as published.

    Parameters
    ----------
    sharpe : float
        The strategy's Sharpe ratio: annualised when ``periods_per_year`` = q is given, else per period.
    n_obs : int
        Return observations behind it (at frequency q).
    n_trials : int
        M, the number of tests ([CODE] ``num_test``): Bonferroni multiplies by M, Holm and BHY adjust the
        family of M simulated other tests plus this one. 1 means no multiple testing (no haircut).
    method : {"bhy", "holm", "bonferroni", "average", "bhy-bound"}
        The three of [HL]; "average" is their mean of the three adjusted p-values; "bhy-bound" is the
        conservative closed form min(M c(M) p, 1) (the strategy the most significant of M tests, the others
        lending no support) — *not* what [HL] publish, kept as a named option.
    periods_per_year : float or None
        q. Given: the Sharpe is annual, corrected for ``autocorrelation`` by [LO]'s factor, and
        N = floor(n_obs · 12 / q) months ([CODE]; the authors' daily year has 360 days). None: a per-period
        Sharpe with N = n_obs (the t-ratio SR sqrt(n_obs) and df n_obs − 1 are the same).
    autocorrelation : float
        First-order autocorrelation of the returns at frequency q (0: no correction).
    average_correlation : float
        Average correlation among the strategies, which selects the HLZ parameters (0.2, the authors'
        "preferred level"; their worked example uses 0.4).
    n_sims : int
        Panels of simulated other tests for Holm/BHY/average (the authors use 2,000; the medians sit on
        discrete values, see the module docstring, so more panels give stabler numbers).
    seed : None, int, Generator or SeedSequence
        Seed of the simulation (default 0: the same haircut on every call).

    Returns
    -------
    HaircutResult

    References
    ----------
    Harvey & Liu (2015), J. Portfolio Management 42(1), 13-28; Harvey, Liu & Zhu (2016), Rev. Fin. Stud. 29(1);
    Lo (2002), Financial Analysts Journal 58(4).

    Examples
    --------
    >>> res = haircut_sharpe(1.0, n_obs=120, n_trials=100, method="bonferroni", periods_per_year=12,
    ...                      autocorrelation=0.1, average_correlation=0.4)
    >>> round(res.pvalue, 3), round(res.sharpe, 3)
    (0.465, 0.912)
    """
    method = check_choice(method, "method", HAIRCUT_METHODS)
    sr_in = check_number(sharpe, "sharpe")
    if sr_in == 0.0:
        raise InputError("sharpe", "is 0; a haircut (a share of the Sharpe ratio) is undefined")
    n_obs = check_int(n_obs, "n_obs", minimum=3)
    m = check_int(n_trials, "n_trials", minimum=1)
    rho = check_number(autocorrelation, "autocorrelation")
    corr = check_number(average_correlation, "average_correlation")
    if not 0.0 <= corr < 1.0:
        raise InputError("average_correlation", f"must be in [0, 1) (the range HLZ fitted their model on), got "
                                                f"{average_correlation!r}; for a negative average correlation pass 0")
    n_sims = check_int(n_sims, "n_sims", minimum=1)
    q = check_positive(periods_per_year, "periods_per_year", allow_none=True)
    if q is None:
        if abs(sr_in) > HAIRCUT_PER_PERIOD_WARN:
            warnings.warn(f"sharpe: {sr_in:g} is read as a per-period Sharpe ratio (periods_per_year is None), "
                          f"which is {abs(sr_in) * math.sqrt(252):.3g} a year on daily data; if it is annualised, pass "
                          "periods_per_year", UserWarning, stacklevel=2)
        sr, n_months, monthly = sr_in, n_obs, 1.0  # per period: t = SR sqrt(n)
    else:
        sr = float(sr_in * lo_autocorrelation_factor(rho, q))
        n_months = int(np.floor(n_obs * 12.0 / q + 1e-9))
        monthly = np.sqrt(12.0)
        if n_months < 3:
            raise InputError("n_obs", f"gives {n_months} monthly observations at {q:g} per year; need at least 3")
    df = n_months - 1.0
    t = sr / monthly * np.sqrt(n_months)
    p = float(2.0 * stats.t.sf(abs(t), df))
    mc_se, sims = 0.0, 0
    if m == 1:
        p_adj = p
    elif method == "bonferroni":
        p_adj = min(m * p, 1.0)
    elif method == "bhy-bound":
        p_adj = min(m * harmonic(m) * p, 1.0)
    else:
        params = hlz_parameters(corr)
        rng = np.random.default_rng(check_seed(seed))
        chunk = max(1, int(2_000_000 // m))  # panel rows drawn at a time (fixed, so deterministic)
        holm_rows, bhy_rows = [], []
        for start in range(0, n_sims, chunk):
            tstat = simulate_hlz_tstats(m, min(chunk, n_sims - start), params, rng)
            h, y = _holm_bhy_of_observed(2.0 * special.ndtr(-tstat), np.array([p]))  # normal law ([CODE])
            holm_rows.append(h[:, 0])
            bhy_rows.append(y[:, 0])
        p_h, se_h = _median_and_se(np.concatenate(holm_rows))
        p_y, se_y = _median_and_se(np.concatenate(bhy_rows))
        sims = n_sims
        if method == "holm":
            p_adj, mc_se = p_h, se_h
        elif method == "bhy":
            p_adj, mc_se = p_y, se_y
        else:
            p_adj, mc_se = (min(m * p, 1.0) + p_h + p_y) / 3.0, (se_h + se_y) / 3.0
    t_h = float(stats.t.isf(p_adj / 2.0, df))  # [HL] eq. (5) with the t law of [CODE]
    sr_h = float(np.sign(sr) * t_h / np.sqrt(n_months) * monthly)
    unit = "annualised" if q else "per period"
    return HaircutResult(
        test="haircut Sharpe ratio", statistic=float(t), pvalue=float(p_adj), alternative="two-sided",
        null=f"Sharpe ratio = 0, after {m} tests", estimate=sr_h,
        method=(f"Harvey & Liu (2015) {method} haircut, Student t({int(df)}) p-values"
                + (f", HLZ (2016) simulation of the other tests ({sims:,} panels, correlation {corr:g})" if sims else "")),
        n=n_obs, interval=Interval("none", reason="a haircut adjusts a p-value; it is not an interval estimator"),
        details={"units": unit, "monthly_observations": n_months},
        sharpe=sr, haircut_sharpe=sr_h, haircut=float((sr - sr_h) / sr), single_pvalue=p, n_months=n_months,
        n_trials=m, average_correlation=corr, n_sims=sims, mc_se=mc_se, procedure=method)
