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
omega_k / sqrt(T) as Hansen (2005) does (arch's SPA applied to d_k / omega_k): it over-rejects under
dependence (11.95 % at 5 %, 10 null strategies, T = 500, AR(1) rho = 0.5), because the stationary-bootstrap
variance of a mean is biased low at moderate T. The default ``studentize="replicate"`` divides the observed mean
by the AR(1)-prewhitened QS long-run variance and each replicate by its own block variance (Götze & Künsch 1996),
as the mean test does, with the median column's Politis-White length rescaled to the n^(1/4) rate for "auto"
(``block_length`` below): it
controls the FWER everywhere measured, conservatively only with many strongly autocorrelated strategies.
``studentize="hac"`` keeps the QS variance for the observed mean and divides each replicate by omega_k / sqrt(T),
the bootstrap's own variance of the mean (the split the MCS's default makes): its size is near 5 % without
dependence, above it where the HAC t itself over-rejects (parameter notes below).
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
from alphacheck._columns import Columns, as_columns, check_block, map_blocks
from alphacheck._hac import lrv_columns, stationary_bootstrap_lrv
from alphacheck._inputs import (
    PLAUSIBLE_COLUMNS,
    InputError,
    check_bool,
    check_choice,
    check_int,
    check_plausible,
    check_probability,
    check_reps,
    require_variance,
)
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
    strategies : per-strategy DataFrame: mean_differential, statistic, pvalue (that strategy alone: the
        one-sided bootstrap p-value of mean <= 0, its replicates re-centred at its own mean),
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
    k_fwer: int = 1

    def to_frame(self) -> pd.DataFrame:
        """The per-strategy table (one row per strategy)."""
        assert self.strategies is not None  # the family tests always set it
        return self.strategies.copy()

    def summary(self) -> str:
        rows = [("H0", self.null), ("H1", self.alternative_text()), ("method", self.method),
                ("observations", self.n), ("strategies", self.k), ("statistic (max)", self.statistic),
                (f"p-value ({self.recentring})", self.pvalue)]
        rows += [(f"p-value {name}", v) for name, v in self.pvalues.items()]
        rows.append((f"superior at {format_number(self.alpha_level, 2)}", len(self.superior)))
        assert self.strategies is not None  # the family tests always set it
        table = self.strategies.sort_values("statistic", ascending=False).head(20)
        title = "Strategies (top 20 by statistic)" if self.k > 20 else "Strategies"
        return text_table(rows, title=f"Test: {self.test}") + "\n" + frame_table(table, title=title)

    def alternative_text(self) -> str:
        return "at least one strategy beats the benchmark: max_k E[d_k] > 0"


STUDENTIZE = ("replicate", "hac", "fixed", "none")
# k-StepM (k_fwer >= 2): subsets I of the rejected strategies examined per step (Romano & Wolf 2007, sec. 4.3)
N_MAX = 50
# k-StepM: strategies beyond the current rejections whose replicates are fetched with the ones a step needs
_FETCH_AHEAD = 256


# --------------------------------------------------------------------------------------------------------
# per block of strategies (each function runs on a (T, c) block; on a Dask cluster, as a task)


def _differentials(block: np.ndarray, bench: np.ndarray | None) -> np.ndarray:
    return block if bench is None else block - bench[:, None]


def _stats_block(block: np.ndarray, lo: int, hi: int, extra: Any, groups: list, bench: np.ndarray | None,
                 bench_sd: float | None, method: str, need_pw: bool, studentize: str, b_len: float | None,
                 check_finite: bool, plausible: Any = None) -> list:
    """Pass 1 over a block: checks, means, long-run variances, Politis-White lengths (per column).

    ``plausible``: None (no check), or the returns' index (``False`` when there is none): the block's columns among
    the family's first :data:`PLAUSIBLE_COLUMNS` are checked to be returns, not prices, levels, percent or positions.
    """
    labels = extra
    if check_finite:
        check_block(block, "returns", labels, 0)
    if plausible is not None:
        index = plausible if isinstance(plausible, pd.Index) else None
        for j in range(max(0, min(hi, PLAUSIBLE_COLUMNS) - lo)):
            check_plausible(block[:, j], index, f"returns[{labels[j]!r}]")
    d = _differentials(block, bench)
    require_variance(d, "returns - benchmark")
    # a strategy equal to the benchmark plus a constant leaves rounding noise only: reject it too
    level = np.maximum(np.std(block, axis=0), np.std(d, axis=0) if bench_sd is None else bench_sd)
    const = np.std(d, axis=0) <= 1e-10 * level
    if const.any():
        raise InputError(
            "returns - benchmark",
            f"is constant (up to rounding) for strategy(ies) {[labels[i] for i in np.flatnonzero(const)[:5]]}; "
            "a strategy equal to the benchmark plus a constant cannot be tested",
        )
    out: dict[str, Any] = {"mean": d.mean(axis=0)}
    if studentize in ("replicate", "hac"):
        out["omega2"] = lrv_columns(d)
    if studentize != "replicate" and b_len is not None:  # Hansen's ω̂_k²: the replicates' scale for "hac"
        out["kernel2" if studentize == "hac" else "omega2"] = stationary_bootstrap_lrv(d, b_len)
    if need_pw:
        out["pw"] = resample.politis_white_columns(d, method)
    return [out]


def _omega_block(block: np.ndarray, lo: int, hi: int, extra: Any, groups: list, bench: np.ndarray | None,
                 b_len: float) -> list:
    """Pass 1b (unstudentised or Hansen-studentised tests with an "auto" block length): ω̂_k² at the block length."""
    return [stationary_bootstrap_lrv(_differentials(block, bench), b_len)]


def _boot_block(block: np.ndarray, lo: int, hi: int, extra: Any, groups: list, bench: np.ndarray | None,
                method: str, b_len: float, studentize: str, used: int, stairs: int, collect: Any,
                n_jobs: int | None) -> list:
    """Pass 2 over a block: the bootstrap draws of every group of replicates applied to its strategies.

    Per group (a plan chunk, see :func:`alphacheck._resample.plan_specs`, or an explicit plan) returns the running
    reductions the tests need, never the (replicates x strategies) matrix: the maxima over the block's strategies of the
    simulated statistics under the three re-centrings (3, rows); the per-strategy counts of sim*_k >= stat_k
    re-centred at the strategy's own mean (c,: its one-sided bootstrap p-value); and, for StepM, the staircase of each
    replicate (the strategies whose sim* exceeds — or, for k-StepM, is among the ``stairs`` largest of — every sim*
    ranked below it). ``collect`` (local column indices) returns those columns' simulated statistics instead.
    """
    centres, scale, stat, pos = extra
    d = _differentials(block, bench)
    t = d.shape[0]
    with resample.single_thread_blas():
        if studentize == "replicate":
            work: Any = resample.block_moments_worker(d, method, b_len, "diagonal")
        else:
            work = resample.sums_worker(d, method, b_len)

        def one(group: Any) -> Any:
            if isinstance(group, resample.BlockPlan):  # an explicit plan (the tests feed arch's resamples)
                if studentize == "replicate":
                    full = resample.resampled_block_moments(d, group)
                    boot: Any = resample.BlockMoments(full.sums, np.diagonal(full.cross, axis1=1, axis2=2).copy(),
                                                      full.length_sums, full.length_squares)
                else:
                    boot = resample.resampled_sums(d, group)
            else:
                boot = work(group)
            if studentize == "replicate":
                m = boot.sums / t
                # Götze & Künsch (1996) block variance of each replicate's own differentials
                v = (boot.cross - 2 * m * boot.length_sums + m**2 * boot.length_squares[:, None]) / t
                boot_scale = np.sqrt(np.maximum(v, 0.0) / t)
                boot_scale = np.where(boot_scale > 0, boot_scale, np.inf)  # a degenerate replicate never exceeds
            else:
                m = boot / t
                boot_scale = scale
            if collect is not None:
                return (m[:, collect] - centres[used][collect]) / (boot_scale[:, collect] if boot_scale.ndim == 2
                                                                    else boot_scale[collect])
            sims = [(m - centres[r]) / boot_scale for r in range(3)]
            mx = np.stack([sm.max(axis=1) for sm in sims])
            # a strategy alone: its own null, re-centred at its own mean (Hansen's consistent rule, which leaves a
            # strategy far below the benchmark un-centred, is for the maximum; it would give such a strategy p ~ 0.5)
            counts = np.count_nonzero(sims[2] >= stat[None, :], axis=0)
            front = _staircase(sims[used], pos, stairs) if stairs else None
            return mx, counts, front

        return resample.run_chunks(one, groups, n_jobs)


# --------------------------------------------------------------------------------------------------------
# staircases: what the stepdown needs of each replicate, kept while streaming over strategies


def _staircase(sims: np.ndarray, pos: np.ndarray, stairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Per replicate (row), the points (rank position, sim*) that are among the ``stairs`` largest of all sim*
    ranked at or below them, as (rows, F) arrays ordered by position, largest first (padding: position -1,
    value -inf). max_{ranks >= i} sim* (and the ``stairs`` largest values over ranks >= i) can be read off them
    for every i, so StepM's stepdown (Romano & Wolf 2005) needs only these, not every sim*.
    """
    perm = np.argsort(-pos, kind="stable")
    return _keep_stairs(sims[:, perm], np.broadcast_to(pos[perm], sims.shape), stairs)


def _keep_stairs(vals: np.ndarray, pos: np.ndarray, stairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep the staircase points of rows whose columns are ordered by position, largest first."""
    rows, n = vals.shape
    if n == 0:
        return np.full((rows, 0), -1, dtype=np.int64), np.empty((rows, 0))
    if stairs == 1:
        prev = np.empty_like(vals)
        prev[:, 0] = -np.inf
        np.maximum.accumulate(vals[:, :-1], axis=1, out=prev[:, 1:])
        keep = vals > prev
    else:  # kept when above the stairs-th largest value ranked below it (-inf while fewer are)
        keep = np.empty(vals.shape, dtype=bool)
        top = np.full((rows, stairs), -np.inf)  # ascending: top[:, 0] is the stairs-th largest so far
        for j in range(n):
            v = vals[:, j]
            keep[:, j] = v > top[:, 0]
            top[:, 0] = np.maximum(top[:, 0], v)
            top.sort(axis=1)
    keep &= pos >= 0
    r, c = np.nonzero(keep)
    counts = np.bincount(r, minlength=rows)
    width = int(counts.max()) if r.size else 0
    slot = np.arange(r.size) - np.repeat(np.cumsum(counts) - counts, counts)
    out_pos = np.full((rows, width), -1, dtype=np.int64)
    out_val = np.full((rows, width), -np.inf)
    out_pos[r, slot] = pos[r, c]
    out_val[r, slot] = vals[r, c]
    return out_pos, out_val


def _merge_stairs(a: tuple, b: tuple, stairs: int) -> tuple[np.ndarray, np.ndarray]:
    """The staircase of the union of two sets of strategies (exact: it depends only on the points)."""
    pos = np.concatenate([a[0], b[0]], axis=1)
    val = np.concatenate([a[1], b[1]], axis=1)
    order = np.argsort(-pos, axis=1, kind="stable")  # padding (-1) sorts last
    return _keep_stairs(np.take_along_axis(val, order, axis=1), np.take_along_axis(pos, order, axis=1), stairs)


def _stepdown_counts(stairs: tuple, stat_sorted: np.ndarray) -> np.ndarray:
    """#{b : max_{ranks j >= i} sim*_bj >= stat_(i)} for every rank i, from the replicates' staircases.

    Between two consecutive staircase points p' < p of a replicate, max_{j >= i} sim* is the value v at p for
    i in (p', p]; as stat_(i) decreases in i, v >= stat_(i) holds on the suffix i >= q(v) = #{i : stat_(i) > v}
    of that stretch. Each stretch adds 1 on [max(q(v), p' + 1), p] (a difference array).
    """
    pos, val = stairs
    k = stat_sorted.size
    real = pos >= 0
    # ascending positions per row (padding last); the previous point's position bounds each stretch from below
    key = np.where(real, pos, k)
    asc = np.argsort(key, axis=1, kind="stable")
    asc_pos = np.take_along_axis(key, asc, axis=1)
    asc_val = np.take_along_axis(val, asc, axis=1)
    prev = np.concatenate([np.full((pos.shape[0], 1), -1, dtype=np.int64), asc_pos[:, :-1]], axis=1)
    ok = asc_pos < k
    v = asc_val[ok]
    hi = asc_pos[ok]
    lo = np.maximum(np.searchsorted(-stat_sorted, -v, side="left"), prev[ok] + 1)
    keep = lo <= hi
    diff = np.bincount(lo[keep], minlength=k + 1) - np.bincount(hi[keep] + 1, minlength=k + 1)
    return np.cumsum(diff)[:k]


def _suffix_top(stairs: tuple, start: int, kk: int) -> np.ndarray:
    """(reps, kk): the kk largest sim* over ranks >= start of each replicate (-inf when fewer), from its staircase."""
    pos, val = stairs
    v = np.where(pos >= start, val, -np.inf)
    if v.shape[1] < kk:
        v = np.concatenate([v, np.full((v.shape[0], kk - v.shape[1]), -np.inf)], axis=1)
    return -np.partition(-v, kk - 1, axis=1)[:, :kk]


def _k_stepm(stairs: tuple, stat_sorted: np.ndarray, kk: int, size: float, reps: int,
             sims_at: Any) -> tuple[int, np.ndarray]:
    """Romano & Wolf's (2007) k-StepM on the studentised statistics: (number rejected, per-rank step p-value).

    Step 1: the 1 - α quantile of the bootstrap k-max (the kk-th largest re-centred sim*) over every strategy; in
    p-value form, reject rank i when p(i) = (1 + #{b : kmax*_b >= stat_(i)}) / (1 + B) <= α. While at least kk
    are rejected, step j: for each set I of kk - 1 rejected strategies, the k-max over I and the strategies not
    yet rejected; p_j(i) is the largest of these p-values (the critical value is the largest quantile over I,
    Romano & Wolf 2007, Algorithm 4.1); when there are more than ``N_MAX`` such sets, only those drawn from the
    N* least significant rejected strategies, N* the largest with C(N*, kk - 1) <= N_MAX (their Algorithm 4.2,
    the "streamlined" method). Stop when a step rejects nothing new. kk = 1 is StepM.
    """
    from itertools import combinations
    from math import comb

    k = stat_sorted.size
    step_p = np.ones(k)
    rejected = 0
    while True:
        tops = _suffix_top(stairs, rejected, kk)
        if rejected == 0:
            kmax_sets = [tops[:, kk - 1]]
        else:
            n_star = rejected
            while comb(n_star, kk - 1) > N_MAX:
                n_star -= 1
            block = sims_at(rejected - n_star, rejected)  # (reps, n_star): sim* of the least significant rejected
            kmax_sets = []
            for sub in combinations(range(n_star), kk - 1):
                union = np.concatenate([tops, block[:, list(sub)]], axis=1)
                kmax_sets.append(-np.partition(-union, kk - 1, axis=1)[:, kk - 1])
        cand = stat_sorted[rejected:]
        p = np.zeros(cand.size)
        for kmax in kmax_sets:
            cnt = reps - np.searchsorted(np.sort(kmax), cand, side="left")  # #{b : kmax*_b >= stat_(i)}
            p = np.maximum(p, np.asarray(pvalue_from_counts(cnt, reps)))
        step_p[rejected:] = p
        above = p > size
        new = int(np.argmax(above)) if above.any() else p.size  # p does not decrease with the rank
        if rejected == 0 and new < kk:  # fewer than k rejections cannot hold k false ones: stop
            return new, step_p
        if new == 0:
            return rejected, step_p
        rejected += new
        if rejected == k:
            return rejected, step_p


# --------------------------------------------------------------------------------------------------------
# the tests


def _run(test, returns, benchmark, reps, block_length, seed, bootstrap, studentize, size, procedure, plan=None,
         n_jobs=None, k_fwer=1, check_returns=True):
    size = check_probability(size, "alpha_level")
    studentize = check_choice(studentize, "studentize", STUDENTIZE)
    reps = check_reps(reps)
    method = check_choice(bootstrap, "bootstrap", resample.METHODS)
    kk = check_int(k_fwer, "k_fwer", minimum=1)
    src, bench = as_columns(returns, "returns", benchmark=benchmark, min_obs=10)
    t, k = src.n_obs, src.n_cols
    if kk > k:
        raise InputError("k_fwer", f"must be at most the number of strategies ({k}), got {kk}")
    labels = src.labels
    bounds = src.bounds()
    block_labels = [labels[lo:hi] if not isinstance(labels, range) else range(lo, hi) for lo, hi in bounds]
    auto = resample.is_auto(block_length) and method != "iid"
    b_len = None if auto else float(resample.resolve_block_length(block_length, np.empty((t, 0)), method))
    bench_sd = None if bench is None else float(np.std(bench))
    plausible = None
    if check_bool(check_returns, "check_returns"):
        if bench is not None:
            check_plausible(bench, src.index, "benchmark")
        plausible = src.index if src.index is not None else False

    # pass 1: per-strategy numbers (and the largest Politis-White length)
    first = [r[0] for r in map_blocks(src, _stats_block, bench, bench_sd, method, auto, studentize, b_len,
                                      not src.in_memory, plausible, per_block=block_labels)]
    mean = np.concatenate([f["mean"] for f in first])
    if auto:
        pw = np.concatenate([f["pw"] for f in first])
        # "replicate": the median column's length at the n^(1/4) rate; the others: the longest (``block_length``
        # in _PARAMS_DOC)
        b_len = (resample.studentised_block_length(pw, t) if studentize == "replicate"
                 else resample.auto_block_length(float(pw.max()), t))
    assert b_len is not None
    if plan is not None:  # an explicit plan (tests feed arch's resamples through this)
        reps, b_len = plan.reps, float(plan.block_length)
    def kernel_variance() -> np.ndarray:
        if plan is None and "kernel2" in first[0]:
            return np.concatenate([f["kernel2"] for f in first])
        # pass 1b: Hansen's ω̂_k² needs the block length, known only now
        return np.concatenate([r[0] for r in map_blocks(src, _omega_block, bench, b_len)])

    omega2 = np.concatenate([f["omega2"] for f in first]) if "omega2" in first[0] else kernel_variance()
    # "hac": T_k by the prewhitened QS variance, T*_k by the bootstrap's own variance of the mean, ω̂_k²
    kernel2 = kernel_variance() if studentize == "hac" else omega2
    if (omega2 <= 0).any() or (kernel2 <= 0).any():
        raise InputError("returns", "a differential has a non-positive long-run variance estimate")
    # Hansen (2005): a strategy far below the benchmark (mean < -sqrt(omega^2/T * 2 ln ln T)) is
    # not re-centred in the consistent p-value.
    valid = mean >= -np.sqrt(omega2 / t * 2.0 * np.log(np.log(t)))
    centres = np.stack([np.maximum(mean, 0.0), np.where(valid, mean, 0.0), mean])  # lower, consistent, upper
    scale = np.sqrt(omega2 / t) if studentize != "none" else np.ones_like(mean)
    stat = mean / scale
    recentring = "upper" if procedure == "reality_check" else "consistent"
    used = _RECENTRING.index(recentring)
    order = np.argsort(-stat, kind="stable")
    pos = np.empty(k, dtype=np.int64)
    pos[order] = np.arange(k)
    stat_sorted = stat[order]
    top = stat.max()
    stairs = kk if procedure == "stepm" else 0

    # pass 2: the same bootstrap draws, block of strategies by block, reduced on the fly
    groups: list = [plan] if plan is not None else resample.plan_specs(t, reps, method, b_len, seed)
    rep_scale = np.sqrt(kernel2 / t) if studentize == "hac" else scale  # what divides each replicate's mean
    ctx = [(centres[:, lo:hi], rep_scale[lo:hi], stat[lo:hi], pos[lo:hi]) for lo, hi in bounds]
    parts = map_blocks(src, _boot_block, bench, method, b_len, studentize, used, stairs, None,
                       n_jobs if src.dask is None else 1, per_block=ctx, groups=groups)
    mx = np.concatenate([np.max(np.stack([blk[g][0] for blk in parts]), axis=0) for g in range(len(groups))], axis=1)
    counts = np.zeros(k, dtype=np.int64)
    for (lo, hi), blk in zip(bounds, parts):
        counts[lo:hi] = np.sum([blk[g][1] for g in range(len(groups))], axis=0)
    individual = np.asarray(pvalue_from_counts(counts, reps))
    pvalues = {r: float(pvalue_from_counts(np.count_nonzero(mx[i] >= top), reps)) for i, r in enumerate(_RECENTRING)}
    if procedure == "stepm":
        fronts = []
        for g in range(len(groups)):
            front = parts[0][g][2]
            for blk in parts[1:]:
                front = _merge_stairs(front, blk[g][2], kk)
            fronts.append(front)
        width = max(f[0].shape[1] for f in fronts)
        pad = [(np.pad(f[0], ((0, 0), (0, width - f[0].shape[1])), constant_values=-1),
                np.pad(f[1], ((0, 0), (0, width - f[1].shape[1])), constant_values=-np.inf)) for f in fronts]
        staircase = (np.concatenate([p[0] for p in pad]), np.concatenate([p[1] for p in pad]))
        if kk == 1:
            raw = np.asarray(pvalue_from_counts(_stepdown_counts(staircase, stat_sorted), reps))
            adjusted_sorted = np.maximum.accumulate(raw)
        else:
            cache: dict[int, np.ndarray] = {}

            def sims_at(lo_rank: int, hi_rank: int) -> np.ndarray:
                missing = [r for r in range(lo_rank, hi_rank) if r not in cache]
                if missing:
                    want = np.arange(min(missing), min(k, max(missing) + 1 + _FETCH_AHEAD))
                    for r, col in zip(want, _fetch_sims(src, bench, groups, order[want], method, b_len, studentize,
                                                        used, ctx, bounds, n_jobs).T):
                        cache[int(r)] = col
                return np.column_stack([cache[r] for r in range(lo_rank, hi_rank)])

            _, adjusted_sorted = _k_stepm(staircase, stat_sorted, kk, size, reps, sims_at)
        adjusted = np.empty(k)
        adjusted[order] = adjusted_sorted
    else:  # single step (White 2000; Hansen 2005): P*(max_l sim*_l >= stat_k)
        srt = np.sort(mx[used])
        adjusted = np.asarray(pvalue_from_counts(reps - np.searchsorted(srt, stat, side="left"), reps))
    superior = adjusted <= size
    table = pd.DataFrame(
        {
            "mean_differential": mean,
            "statistic": stat,
            "pvalue": individual,
            "adjusted_pvalue": adjusted,
            "superior": superior,
        },
        index=pd.Index(list(labels), name="strategy"),
    )
    stud = {"hac": "studentised: T by the prewhitened QS long-run variance, T* by the bootstrap's variance of the "
                   "mean (the stationary-bootstrap kernel variance)",
            "replicate": "studentised: T by the prewhitened QS long-run variance, T* by each replicate's block "
                         "variance (Goetze & Kuensch 1996)",
            "fixed": "studentised by the stationary-bootstrap kernel variance in T and T* (Hansen 2005)",
            "none": "not studentised (what arch 8.0 computes)"}[studentize]
    method_text = (f"{method} bootstrap, block length {b_len:.4g}, {reps:,} replicates, {stud}, {recentring} "
                   "re-centring")
    if procedure == "stepm" and kk > 1:
        method_text += f"; k-StepM controlling the {kk}-FWER (Romano & Wolf 2007)"
    return FamilyTestResult(
        test=test,
        statistic=float(top),
        pvalue=pvalues[recentring],
        alternative="greater",
        null="no strategy has a higher expected return than the benchmark: max_k E[d_k] <= 0",
        estimate=float(mean.max()),
        method=method_text,
        n=int(t),
        interval=Interval("none", reason="a family-wise test of many strategies bounds no single parameter"),
        bootstrap_distribution=mx[used],
        details={"source": src.source, "blocks_of_strategies": len(bounds), "replicate_chunks": len(groups)},
        pvalues=pvalues,
        strategies=table,
        superior=tuple(c for c, sup in zip(labels, superior) if sup),
        alpha_level=size,
        k=int(k),
        reps=int(reps),
        block_length=float(b_len),
        bootstrap=method,
        studentize=studentize,
        recentring=recentring,
        k_fwer=kk,
    )


def _fetch_sims(src, bench, groups, columns, method, b_len, studentize, used, ctx, bounds, n_jobs) -> np.ndarray:
    """(reps, len(columns)) re-centred sim* of the given strategies: the blocks holding them are bootstrapped again
    with the same draws (k-StepM's later steps need the replicates of a few named strategies)."""
    out = np.empty((sum(g.reps if isinstance(g, resample.BlockPlan) else g[1] for g in groups), len(columns)))
    for b, (lo, hi) in enumerate(bounds):
        sel = np.flatnonzero((columns >= lo) & (columns < hi))
        if not sel.size:
            continue
        reader: Any = (lambda a, z, lo=lo: src.read(lo + a, lo + z)) if src.dask is None else None
        sub = Columns(src.n_obs, hi - lo, range(hi - lo), None, reader, dask=None if src.dask is None else src.dask[:, lo:hi],
                      in_memory=src.in_memory, source=src.source, width=hi - lo)
        res = map_blocks(sub, _boot_block, bench, method, b_len, studentize, used, 0, columns[sel] - lo,
                         n_jobs if src.dask is None else 1, per_block=[ctx[b]], groups=groups)[0]
        out[:, sel] = np.concatenate(res)
    return out

_PARAMS_DOC = """
    Parameters
    ----------
    returns : (T, k) DataFrame/array of strategy returns (or performance differentials when
        ``benchmark`` is None); a Series/1-D array is one strategy
    benchmark : (T,) benchmark returns, or None (= 0). Differentials d = returns - benchmark.
    reps : bootstrap replicates (9,999)
    block_length : "auto" (max(Politis-White 2004 via :func:`alphacheck.optimal_block_length` of the differential columns,
        T / 1,000): with ``studentize="replicate"`` the median column's length times T^(1/4 − 1/3),
        :func:`alphacheck._resample.studentised_block_length`, otherwise the longest) or a number (mean block length
        for "stationary", fixed length for "circular"/"moving"; arch's default is int(sqrt(T))). The longest of k
        noisy lengths grows with k although each column's dependence does not (k = 100 at T = 500, common correlation
        0.5: per-column median 1.2 / 8.4 / 1.5 and maximum 5.8 / 21 / 25 on iid t(4) / AR(1) 0.5 / GARCH worlds), and
        ~20 blocks make each replicate's own studentiser noisy enough to widen the maximum over k (StepM 0.1-2.9 % at
        k = 100 with the longest); the replicate-studentised pivot needs only b -> infinity, b/T -> 0 (Götze & Künsch
        1996), so it reads the typical column, at the n^(1/4) rate Hall, Horowitz & Jing (1995) give for a one-sided
        distribution function (Politis-White's length is variance-optimal, rate n^(1/3)). The other studentisations
        scale replicates by the bootstrap's own variance, which a short block biases down under dependence: they keep
        the longest.
    seed : int/None/SeedSequence; the same seed gives the same bits
    bootstrap : "stationary" (default, as in White 2000 and Hansen 2005), "circular", "moving", "iid"
    studentize : (spa, stepm) "replicate" (default): T_k = mean(d_k)/(σ̂_k/√T) with σ̂_k² the AR(1)-prewhitened QS
        long-run variance (Andrews & Monahan 1992), each replicate's T*_k divided by its own block variance (Götze &
        Künsch 1996) — it controls the FWER on every measured world: StepM 4.2-5.5 % at k = 10 (iid t(4), AR(1) 0.5,
        GARCH; T = 500 and 2,000), 4.15-5.55 % at k = 100, conservative under AR(1) 0.5 at k = 100, T = 500
        (3.55 %) (docs/compare-size.md, 2,000 null worlds per cell). "hac": T as for "replicate", T*_k = (mean*(d_k) −
        g_k)/(ω̂_k/√T) with ω̂_k² Hansen's (2005) stationary-bootstrap kernel variance — the bootstrap's exact
        variance of √T mean* under the stationary bootstrap (Politis & Romano 1994, Lemma 1;
        a consistent estimate of the same long-run variance under the other schemes); near 5 % on iid and GARCH
        returns (StepM 4.1-5.7 % at k = 10 and 100) and more powerful, but it over-rejects where the HAC t
        itself does, under dependence at T = 500: 6.3 / 8.6 % under AR(1) 0.5 at k = 10 / 100 (5.8 / 6.2 % at
        T = 2,000), and 7-12.5 % at k = 100, T = 500 with correlation 0.3 (docs/size-atlas.md, 200 worlds);
        "fixed": Hansen's ω̂_k in both (over-rejects: 17.7 % at k = 100, T = 500, GARCH, 29.5 % under AR(1)
        0.5, on 600 worlds); "none": the unstudentised statistic that arch 8.0's SPA/StepM compute
    alpha_level : family-wise error rate for ``superior``
    n_jobs : threads of the bootstrap engine (the bits do not depend on it)
    k_fwer : (stepm) k >= 1: control the probability of k or more false findings (k = 1: the FWER)
    check_returns : refuse a benchmark, or any of the first 50 strategies, whose values look like prices, levels,
        cumulative curves, percent units or positions (the plausibility rules of docs/architecture.md); False
        skips it (for losses, forecast errors or other differentials that are not returns)

    Returns
    -------
    FamilyTestResult
"""

_REFERENCES = """
    References
    ----------
    White, H. (2000). A Reality Check for Data Snooping. Econometrica 68(5), 1097-1126.
    Hansen, P. R. (2005). A Test for Superior Predictive Ability. JBES 23(4), 365-380.
    Romano, J. P. & Wolf, M. (2005). Stepwise Multiple Testing as Formalized Data Snooping. Econometrica 73(4),
    1237-1282; (2007) Control of generalized error rates in multiple testing. Annals of Statistics 35(4).
    Götze, F. & Künsch, H. R. (1996). Second-order correctness of the blockwise bootstrap for stationary
    observations. Annals of Statistics 24(5), 1914-1933.
"""

_EXAMPLE = """
    Examples
    --------
    >>> import numpy as np, alphacheck as ac
    >>> rng = np.random.default_rng(0)
    >>> trials = rng.normal(0.0, 0.01, (500, 5))
    >>> trials[:, 0] += 0.004                      # one variant with a real edge
    >>> res = ac.{name}(trials, reps=499, seed=1)
    >>> bool(res.pvalue < 0.05)
    True
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
    check_returns: bool = True,
) -> FamilyTestResult:
    """White's (2000) Reality Check for data snooping.

    V = max_k mean(d_k); bootstrap V*_b = max_k (mean*_b(d_k) - mean(d_k)); p = share(V*_b > V)
    (White 2000, Section 2.3 — the "upper" p-value; not studentized). Equals
    ``arch.bootstrap.RealityCheck(-benchmark, -returns).pvalues["upper"]``. Per-strategy
    ``adjusted_pvalue`` = P*(V* > mean(d_k)) (single step); ``superior`` = adjusted p <= alpha_level.
    """
    return _run("Reality Check (White 2000)", returns, benchmark, reps, block_length, seed, bootstrap, "none",
                alpha_level, "reality_check", n_jobs=n_jobs, check_returns=check_returns)


def spa(
    returns: ArrayLike,
    benchmark: ArrayLike | None = None,
    *,
    reps: int = 9_999,
    bootstrap: resample.Scheme = "stationary",
    block_length: float | str = "auto",
    seed: resample.SeedLike = None,
    n_jobs: int | None = None,
    studentize: Literal["replicate", "hac", "fixed", "none"] = "replicate",
    alpha_level: float = 0.05,
    check_returns: bool = True,
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
                "spa", n_jobs=n_jobs, check_returns=check_returns)


def stepm(
    returns: ArrayLike,
    benchmark: ArrayLike | None = None,
    *,
    reps: int = 9_999,
    bootstrap: resample.Scheme = "stationary",
    block_length: float | str = "auto",
    seed: resample.SeedLike = None,
    n_jobs: int | None = None,
    studentize: Literal["replicate", "hac", "fixed", "none"] = "replicate",
    alpha_level: float = 0.05,
    k_fwer: int = 1,
    check_returns: bool = True,
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

    ``k_fwer`` = k >= 2: Romano & Wolf's (2007) k-StepM, which controls the k-FWER, the probability of k or more
    false "superior" findings, on the same bootstrap draws: its critical values are quantiles of the k-th largest
    re-centred statistic (the k-max) instead of the largest. Step 1 uses the k-max over every strategy; if it finds
    at least k strategies, each further step takes, over the sets I of k - 1 strategies found so far, the largest
    quantile of the k-max over I and the strategies not yet found (their Algorithm 4.1), restricted, when there are
    more than 50 such sets, to sets drawn from the N* least significant strategies found, N* the largest with
    C(N*, k - 1) <= 50 (the streamlined Algorithm 4.2, N_max = 50); it stops when a step finds nothing new.
    In p-value form, a strategy is found at a step when (1 + #{k-max* >= its statistic}) / (1 + B) <= alpha_level
    for every such I; ``adjusted_pvalue`` is then that step's p-value (the largest over I): <= alpha_level for the
    strategies found, above it for the others. k = 1 is StepM.
    """
    return _run("StepM (Romano & Wolf 2005)" if k_fwer == 1 else f"k-StepM (Romano & Wolf 2007), k = {k_fwer}",
                returns, benchmark, reps, block_length, seed, bootstrap, studentize, alpha_level, "stepm",
                n_jobs=n_jobs, k_fwer=k_fwer, check_returns=check_returns)


for _f in (reality_check, spa, stepm):
    if _f.__doc__:  # None under python -OO
        _f.__doc__ += _PARAMS_DOC + _REFERENCES + _EXAMPLE.replace("{name}", _f.__name__)
