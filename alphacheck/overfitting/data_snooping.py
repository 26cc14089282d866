"""Data-snooping tests for a family of strategies against a benchmark: White's Reality Check,
Hansen's SPA and Romano-Wolf's StepM.

Sources
-------
- White (2000), "A reality check for data snooping", Econometrica 68(5), 1097-1126.
- Hansen (2005), "A test for superior predictive ability", Journal of Business & Economic
  Statistics 23(4), 365-380: studentized statistic, lower/consistent/upper re-centring, the
  stationary-bootstrap variance estimator omega_k^2 with kernel kappa(T, i) (from Politis &
  Romano 1994) and the consistent threshold -sqrt(omega_k^2 / T * 2 ln ln T).
- Romano & Wolf (2005), "Stepwise multiple testing as formalized data snooping", Econometrica
  73(4), 1237-1282; stepdown adjusted p-values as in Romano & Wolf (2016), "Efficient computation
  of adjusted p-values for resampling-based stepdown multiple testing", Statistics & Probability
  Letters 113, 38-40.

Conventions (translated from ``arch.bootstrap.SPA`` / ``StepM``, which take *losses*)
---------------------------------------------------------------------------------------
Our inputs are *returns*: loss = -return, so arch's loss differential ``benchmark_loss - model_loss`` is
our performance differential d_t,k = returns_t,k - benchmark_t (benchmark None = 0).
``spa(returns, benchmark, studentize="none")`` computes what ``arch.bootstrap.SPA(-benchmark, -returns)``
computes (arch 8.0 estimates omega_k^2 but, despite its ``studentize=True`` default, does not divide by it:
its statistic is max_k mean(d_k)). ``studentize="fixed"`` divides every mean and bootstrap mean by
omega_k / sqrt(T) as Hansen (2005) does (arch's SPA applied to d_k / omega_k). The default
``studentize="replicate"`` divides the observed mean by the AR(1)-prewhitened QS long-run variance and
each replicate by its own block variance (Götze & Künsch 1996), as the mean test does: with the fixed
omega_k the test over-rejected under dependence (11.95 % at 5 %, 10 null strategies, T = 500, AR(1)
rho = 0.5), because the stationary-bootstrap variance of a mean is biased low at moderate T.
p = (1 + #{replicates with max_k sim*_k >= max_k stat_k}) / (1 + B) (:mod:`alphacheck._pvalues`), never 0;
arch reports the plain share #{sim* > stat}/B (the tests compare counts). As in arch, without Hansen's
max(., 0) floor; the two differ only when every strategy underperforms (both p-values are then large).

The bootstrap means of the k differential columns come from :func:`alphacheck.resample.streamed_sums`
(prefix sums over blocks, O(blocks x k) per replicate), never a loop over replicates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck import _resample as resample
from alphacheck._hac import lrv_columns, stationary_bootstrap_lrv
from alphacheck._inputs import InputError, align, check_choice, check_probability, check_reps, require_variance
from alphacheck._pvalues import pvalue_from_counts
from alphacheck._results import Interval, TestResult, format_number, frame_table, text_table

__all__ = ["FamilyTestResult", "reality_check", "spa", "stepm"]

_RECENTRING = ("lower", "consistent", "upper")


@dataclasses.dataclass(frozen=True)
class FamilyTestResult(TestResult):
    """A test of "no strategy beats the benchmark" over a family of k strategies.

    Protocol fields: ``statistic`` = max_k stat_k (mean differential, or its t-ratio when studentised);
    ``pvalue`` = the family p-value (Reality Check: upper; SPA and StepM: consistent re-centring);
    ``estimate`` = the largest mean differential; no confidence interval (a family-wise test has no
    single parameter to bound).

    Attributes
    ----------
    pvalues : {"lower", "consistent", "upper"} family p-values (Hansen 2005).
    strategies : per-strategy DataFrame: mean_differential, statistic, pvalue (that strategy alone),
        adjusted_pvalue (family-wise: single step for Reality Check/SPA, stepdown for StepM), superior
        (adjusted_pvalue <= alpha_level).
    superior : labels of the strategies found superior to the benchmark at ``alpha_level``.
    alpha_level : the family-wise error rate used for ``superior``.
    k, reps, block_length, bootstrap, studentize, recentring : the set-up.
    """

    pvalues: Mapping[str, float] = dataclasses.field(default_factory=dict)
    strategies: pd.DataFrame | None = None
    superior: tuple = ()
    alpha_level: float = 0.05
    k: int = 0
    reps: int = 0
    block_length: float = float("nan")
    bootstrap: str = "stationary"
    studentize: str = "replicate"
    recentring: str = "consistent"

    def to_frame(self) -> pd.DataFrame:
        """The per-strategy table (one row per strategy)."""
        return self.strategies.copy()

    def summary(self) -> str:
        rows = [("H0", self.null), ("H1", self.alternative_text()), ("method", self.method),
                ("observations", self.n), ("strategies", self.k), ("statistic (max)", self.statistic),
                (f"p-value ({self.recentring})", self.pvalue)]
        rows += [(f"p-value {name}", v) for name, v in self.pvalues.items()]
        rows.append((f"superior at {format_number(self.alpha_level, 2)}", len(self.superior)))
        table = self.strategies.sort_values("statistic", ascending=False).head(20)
        title = "Strategies (top 20 by statistic)" if self.k > 20 else "Strategies"
        return text_table(rows, title=f"Test: {self.test}") + "\n" + frame_table(table, title=title)

    def alternative_text(self) -> str:
        return "at least one strategy beats the benchmark: max_k E[d_k] > 0"


@dataclasses.dataclass(frozen=True)
class _Snoop:
    """Everything the three tests share: statistics and bootstrap draws of the differentials."""

    mean: np.ndarray  # (k,) mean differential
    scale: np.ndarray  # (k,) divisor of the observed means (1 when not studentised)
    stat: np.ndarray  # (k,) mean / scale
    centres: dict  # recentring name -> (k,) centre of the bootstrap means
    boot_means: np.ndarray  # (reps, k) bootstrap means of the differentials
    boot_scale: np.ndarray  # (reps, k) or (k,): divisor of the bootstrap means


def _simulated(s: _Snoop, recentring: str) -> np.ndarray:
    return (s.boot_means - s.centres[recentring]) / s.boot_scale


STUDENTIZE = ("replicate", "fixed", "none")


def _snoop(d: np.ndarray, boot: Any, block_length: float, studentize: str) -> _Snoop:
    """Statistics and simulated statistics under the three studentisations (see :func:`spa`)."""
    t = d.shape[0]
    mean = d.mean(axis=0)
    if studentize == "replicate":
        omega2 = lrv_columns(d)
        sums = boot.sums
        m = sums / t
        # Götze & Künsch (1996) block variance of each replicate's own differentials
        v = (boot.cross - 2 * m * boot.length_sums + m**2 * boot.length_squares[:, None]) / t
        boot_scale = np.sqrt(np.maximum(v, 0.0) / t)
        boot_scale = np.where(boot_scale > 0, boot_scale, np.inf)  # a degenerate replicate never exceeds
    else:
        omega2 = stationary_bootstrap_lrv(d, block_length)
        m = boot / t
    if (omega2 <= 0).any():
        raise InputError("returns", "a differential has a non-positive long-run variance estimate")
    # Hansen (2005): a strategy far below the benchmark (mean < -sqrt(omega^2/T * 2 ln ln T)) is
    # not re-centred in the consistent p-value.
    valid = mean >= -np.sqrt(omega2 / t * 2.0 * np.log(np.log(t)))
    centres = {"lower": np.maximum(mean, 0.0), "consistent": np.where(valid, mean, 0.0), "upper": mean}
    scale = np.sqrt(omega2 / t) if studentize != "none" else np.ones_like(mean)
    if studentize != "replicate":
        boot_scale = scale
    return _Snoop(mean, scale, mean / scale, centres, m, boot_scale)


def _family_pvalues(s: _Snoop) -> dict[str, float]:
    top = s.stat.max()
    reps = s.boot_means.shape[0]
    return {r: float(pvalue_from_counts(np.count_nonzero(_simulated(s, r).max(axis=1) >= top), reps))
            for r in _RECENTRING}


def _single_step(s: _Snoop, recentring: str) -> np.ndarray:
    """Family-wise adjusted p-value of each strategy: P*(max_l sim*_l >= stat_k) (White 2000; Hansen 2005)."""
    mx = _simulated(s, recentring).max(axis=1)
    return np.asarray(pvalue_from_counts((mx[:, None] >= s.stat[None, :]).sum(axis=0), mx.size))


def _stepdown(s: _Snoop, recentring: str) -> np.ndarray:
    """Romano-Wolf stepdown adjusted p-values (Romano & Wolf 2016, Algorithm 4.1 in spirit).

    Order strategies by statistic, largest first; for the i-th, p_i = P*(max over strategies ranked
    i..k of sim* > stat_(i)); adjusted p = running maximum of p_i. {adjusted p <= alpha_level} is the set
    StepM rejects at ``alpha_level`` when critical values are bootstrap quantiles of the same maxima.
    """
    order = np.argsort(-s.stat, kind="stable")
    sim = _simulated(s, recentring)[:, order]
    suffix_max = np.maximum.accumulate(sim[:, ::-1], axis=1)[:, ::-1]
    raw = np.asarray(pvalue_from_counts((suffix_max >= s.stat[order][None, :]).sum(axis=0), sim.shape[0]))
    adjusted = np.maximum.accumulate(raw)
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def _prepare(returns: Any, benchmark: Any, reps: Any, block_length: Any, bootstrap: str):
    reps = check_reps(reps, minimum=1)
    check_choice(bootstrap, "bootstrap", resample.METHODS)
    if benchmark is None:
        (r,), index = align([("returns", returns)], min_obs=10)
        r = r if r.ndim == 2 else r[:, None]
        d = r
    else:
        (r, b), index = align([("returns", returns), ("benchmark", benchmark)], min_obs=10)
        if b.ndim != 1:
            raise InputError("benchmark", f"must be one series, got {b.shape[1]} columns")
        r = r if r.ndim == 2 else r[:, None]
        d = r - b[:, None]
    columns = list(returns.columns) if isinstance(returns, pd.DataFrame) else list(range(d.shape[1]))
    if isinstance(returns, pd.Series):
        columns = [returns.name if returns.name is not None else 0]
    require_variance(d, "returns - benchmark")
    # a strategy equal to the benchmark plus a constant leaves rounding noise only: reject it too
    level = np.maximum(np.std(r, axis=0), np.std(d, axis=0) if benchmark is None else np.std(b))
    const = np.std(d, axis=0) <= 1e-10 * level
    if const.any():
        raise InputError(
            "returns - benchmark",
            f"is constant (up to rounding) for strategy(ies) {[columns[i] for i in np.flatnonzero(const)[:5]]}; "
            "a strategy equal to the benchmark plus a constant cannot be tested",
        )
    b_len = resample.resolve_block_length(block_length, d, bootstrap)
    return d, columns, reps, float(b_len)


def _run(test: str, returns, benchmark, reps, block_length, seed, bootstrap, studentize, size, procedure, plan=None,
         n_jobs=None):
    size = check_probability(size, "alpha_level")
    studentize = check_choice(studentize, "studentize", STUDENTIZE)
    d, columns, reps, b_len = _prepare(returns, benchmark, reps, block_length, bootstrap)
    if plan is not None:  # an explicit plan (tests feed arch's resamples through this)
        reps, b_len = plan.reps, float(plan.block_length)
    if studentize == "replicate":
        boot = (resample.streamed_block_moments(d, reps, bootstrap, b_len, seed, n_jobs=n_jobs, pairs="diagonal")
                if plan is None else resample.resampled_block_moments(d, plan))
        if plan is not None:  # full cross moments: keep the diagonal
            boot = resample.BlockMoments(boot.sums, np.diagonal(boot.cross, axis1=1, axis2=2).copy(),
                                         boot.length_sums, boot.length_squares)
        if d.shape[1] == 1 and boot.sums.ndim == 1:
            boot = resample.BlockMoments(boot.sums[:, None], boot.cross[:, None], boot.length_sums[:, None],
                                         boot.length_squares)
    else:
        boot = (resample.streamed_sums(d, reps, bootstrap, b_len, seed, n_jobs=n_jobs) if plan is None
                else resample.resampled_sums(d, plan))
    s = _snoop(d, boot, b_len, studentize)
    pvalues = _family_pvalues(s)
    recentring = "upper" if procedure == "reality_check" else "consistent"
    adjusted = _stepdown(s, recentring) if procedure == "stepm" else _single_step(s, recentring)
    individual = np.asarray(pvalue_from_counts((_simulated(s, recentring) >= s.stat[None, :]).sum(axis=0), reps))
    superior = adjusted <= size
    table = pd.DataFrame(
        {
            "mean_differential": s.mean,
            "statistic": s.stat,
            "pvalue": individual,
            "adjusted_pvalue": adjusted,
            "superior": superior,
        },
        index=pd.Index(columns, name="strategy"),
    )
    stud = {"replicate": "studentised: T by the prewhitened QS long-run variance, T* by each replicate's block "
                         "variance (Goetze & Kuensch 1996)",
            "fixed": "studentised by the stationary-bootstrap kernel variance in T and T* (Hansen 2005)",
            "none": "not studentised (what arch 8.0 computes)"}[studentize]
    method = f"{bootstrap} bootstrap, block length {b_len:.4g}, {reps:,} replicates, {stud}, {recentring} re-centring"
    return FamilyTestResult(
        test=test,
        statistic=float(s.stat.max()),
        pvalue=pvalues[recentring],
        alternative="greater",
        null="no strategy has a higher expected return than the benchmark: max_k E[d_k] <= 0",
        estimate=float(s.mean.max()),
        method=method,
        n=int(d.shape[0]),
        interval=Interval("none", reason="a family-wise test of many strategies bounds no single parameter"),
        pvalues=pvalues,
        strategies=table,
        superior=tuple(c for c, sup in zip(columns, superior) if sup),
        alpha_level=size,
        k=int(d.shape[1]),
        reps=int(reps),
        block_length=b_len,
        bootstrap=bootstrap,
        studentize=studentize,
        recentring=recentring,
    )


_PARAMS_DOC = """
    Parameters
    ----------
    returns : (T, k) DataFrame/array of strategy returns (or performance differentials when
        ``benchmark`` is None); a Series/1-D array is one strategy
    benchmark : (T,) benchmark returns, or None (= 0). Differentials d = returns - benchmark.
    reps : bootstrap replicates (9,999)
    block_length : "auto" (Politis-White 2004 via :func:`alphacheck.resample.block_length`, the
        maximum over the differential columns) or a number (mean block length for "stationary",
        fixed length for "circular"/"moving"; arch's default is int(sqrt(T)))
    seed : int/None/SeedSequence; the same seed gives the same bits
    bootstrap : "stationary" (default, as in White 2000 and Hansen 2005), "circular", "moving", "iid"
    studentize : (spa, stepm) "replicate" (default): T_k = mean(d_k)/(σ̂_k/√T) with σ̂_k² the AR(1)-
        prewhitened QS long-run variance (Andrews & Monahan 1992), each replicate's T*_k divided by its own
        block variance (Götze & Künsch 1996) — the studentisation of the mean test, which holds its size
        under dependence (docs/size-atlas.md); "fixed": Hansen's (2005) ω̂_k (stationary-bootstrap kernel
        variance) in both; "none": the unstudentised statistic that arch 8.0's SPA/StepM compute
    alpha_level : family-wise error rate for ``superior``
    n_jobs : threads of the bootstrap engine (the bits do not depend on it)

    Returns
    -------
    FamilyTestResult
"""


def reality_check(
    returns: ArrayLike,
    benchmark: ArrayLike | None = None,
    *,
    reps: int = 9_999,
    bootstrap: resample.Scheme = "stationary",
    block_length: float | str = "auto",
    seed: resample.SeedLike = None,
    n_jobs: int | None = None,
    alpha_level: float = 0.05,
) -> FamilyTestResult:
    """White's (2000) Reality Check for data snooping.

    V = max_k mean(d_k); bootstrap V*_b = max_k (mean*_b(d_k) - mean(d_k)); p = share(V*_b > V)
    (White 2000, Section 2.3 — the "upper" p-value; not studentized). Equals
    ``arch.bootstrap.RealityCheck(-benchmark, -returns).pvalues["upper"]``. Per-strategy
    ``adjusted_pvalue`` = P*(V* > mean(d_k)) (single step); ``superior`` = adjusted p <= alpha_level.
    """
    return _run("Reality Check (White 2000)", returns, benchmark, reps, block_length, seed, bootstrap, "none",
                alpha_level, "reality_check", n_jobs=n_jobs)


def spa(
    returns: ArrayLike,
    benchmark: ArrayLike | None = None,
    *,
    reps: int = 9_999,
    bootstrap: resample.Scheme = "stationary",
    block_length: float | str = "auto",
    seed: resample.SeedLike = None,
    n_jobs: int | None = None,
    studentize: Literal["replicate", "fixed", "none"] = "replicate",
    alpha_level: float = 0.05,
) -> FamilyTestResult:
    """Hansen's (2005) test for superior predictive ability (SPA).

    stat_k = mean(d_k) / scale_k (``studentize`` below); bootstrap sim*_k =
    (mean*(d_k) - g(mean(d_k))) / scale*_k with three re-centrings g: lower =
    max(mean, 0); consistent = mean if mean >= -sqrt(omega^2/T * 2 ln ln T) else 0; upper = mean.
    p = (1 + #{max_k sim*_k >= max_k stat_k})/(1 + B). ``pvalue`` is the consistent one; all three
    are in ``pvalues``. Per-strategy ``adjusted_pvalue`` = P*(max_l sim*_l >= stat_k) (single step, the
    set arch's ``better_models`` returns). Measured size at the least favourable null: docs/size-atlas.md.
    """
    return _run("SPA (Hansen 2005)", returns, benchmark, reps, block_length, seed, bootstrap, studentize, alpha_level,
                "spa", n_jobs=n_jobs)


def stepm(
    returns: ArrayLike,
    benchmark: ArrayLike | None = None,
    *,
    reps: int = 9_999,
    bootstrap: resample.Scheme = "stationary",
    block_length: float | str = "auto",
    seed: resample.SeedLike = None,
    n_jobs: int | None = None,
    studentize: Literal["replicate", "fixed", "none"] = "replicate",
    alpha_level: float = 0.05,
) -> FamilyTestResult:
    """Romano & Wolf's (2005) StepM: which strategies beat the benchmark, controlling the FWER.

    Uses the SPA statistics and bootstrap draws (consistent re-centring, as arch's StepM does) and
    steps down: reject every strategy whose statistic exceeds the bootstrap quantile of the max over
    the strategies not yet rejected, remove them, repeat. Reported as stepdown adjusted p-values
    (Romano & Wolf 2016); ``superior`` = adjusted p <= ``alpha_level``, which reproduces the set returned
    by ``arch.bootstrap.StepM(-benchmark, -returns, size=alpha_level).superior_models`` on the same
    resamples (with ``studentize="none"``; with ``"fixed"`` the same on d_k / omega_k), up to
    arch's interpolated-quantile boundary (a strategy whose statistic ties the critical value). ``pvalue`` is the
    family (consistent SPA) p-value, equal to the smallest adjusted p-value.
    """
    return _run("StepM (Romano & Wolf 2005)", returns, benchmark, reps, block_length, seed, bootstrap, studentize,
                alpha_level, "stepm", n_jobs=n_jobs)


for _f in (reality_check, spa, stepm):
    if _f.__doc__:  # None under python -OO
        _f.__doc__ += _PARAMS_DOC
