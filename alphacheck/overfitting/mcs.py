"""The model confidence set (Hansen, Lunde & Nason 2011): the models not beaten by the rest.

Source
------
Hansen, P. R., Lunde, A. & Nason, J. M. (2011), "The model confidence set", Econometrica 79(2), 453-497
(HLN), sec. 3.1.2 ("tests constructed from t-statistics"): the equivalence test of H0,M: E[d_ij] = 0 for
all i, j in M, its elimination rule, and the MCS p-values (their Definition 2 and Theorem 2). The bootstrap
implementation (variances from the bootstrap, the same replicates at every step) is the one of HLN sec. 4.2
and of ``arch.bootstrap.MCS`` (arch 8.0), which :func:`model_confidence_set` reproduces exactly on the same
resamples (tests/alphacheck/test_mcs.py compares order, counts and sets).

Notation (losses L_{i,t}, T rows, k models; smaller is better)
--------------------------------------------------------------
    L̄_i = T⁻¹ Σ_t L_{i,t};  d_ij = L̄_i − L̄_j;  d_i· = L̄_i − m⁻¹ Σ_{j∈M} L̄_j
    ζ*_b,i = L̄*_b,i − L̄_i  (the recentred bootstrap means; only differences enter, so a loss series common to
    every model — a benchmark — changes nothing)
    var̂(d_ij) = B⁻¹ Σ_b (ζ*_b,i − ζ*_b,j)²,   var̂(d_i·) = B⁻¹ Σ_b (ζ*_b,i − m⁻¹ Σ_{j∈M} ζ*_b,j)²
    t_ij = d_ij / sqrt(var̂(d_ij)),   t_i· = d_i· / sqrt(var̂(d_i·))

Statistics and elimination rules (HLN sec. 3.1.2)
-------------------------------------------------
    "range":  T_R,M = max_{i,j∈M} |t_ij|,   e_R,M = argmax_{i∈M} sup_{j∈M} t_ij
    "max":    T_max,M = max_{i∈M} t_i·,     e_max,M = argmax_{i∈M} t_i·
  with replicates T*_b from ζ* in place of d (the same variances). Step p-value
  P_M = (1 + #{b : T*_b >= T_M}) / (1 + B) (:func:`alphacheck._pvalues.pvalue_from_counts`; arch reports
  #{T*_b > T_M}/B — the counts are equal unless a replicate ties T_M, and the tests compare counts).

MCS p-values (HLN Definition 2): eliminating e_1, e_2, … in turn, p̂_{e_j} = max_{i<=j} P_{M_i}; the last
model gets 1. The (1 − α) MCS is {i : p̂_i > α}: a model leaves when its MCS p-value is <= ``alpha_level``,
the rejection rule of every alphacheck test (HLN write p̂_i >= α; the two differ only when a p-value equals α).
Ties: "max" removes every model attaining T_max in the same step (arch); "range" removes the smallest model
index among the maximisers. Degenerate variances (identical columns) give t = 0 (d = 0) or ±inf and a
bootstrap term 0, where arch returns NaN or does not terminate; ``details["notes"]`` says when this happened.
:func:`model_confidence_set` refuses (InputError naming ``losses``) a pair whose losses differ by a nonzero
constant, and losses whose differentials all lack variance; :func:`mcs_from_sums` (the family audit) handles them.

Complexity (B replicates, k models, m = |M|): "max" O(B m) per step, O(B k²) in all; "range" computes
var̂(d_ij) and each replicate's row maxima once (O(B k²)) and per step re-scans only the rows whose arg-max
was the eliminated model — O(B k²) in all, against arch's O(B k³) re-indexing of a (B, m, m) array. The
bootstrap means come from :func:`alphacheck._resample.streamed_sums` (prefix sums over blocks, the sparse
engine), never a loop over replicates.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck import _resample as resample
from alphacheck._hac import lrv_matrix_columnwise
from alphacheck._inputs import InputError, align, check_choice, check_probability, check_reps, check_seed
from alphacheck._pvalues import pvalue_from_counts
from alphacheck._results import Interval, TestResult, format_number, frame_table, text_table

__all__ = ["MCSResult", "model_confidence_set"]

MCS_STATISTICS = ("max", "range")
MCS_STUDENTIZE = ("hac", "bootstrap")
_SMALL_CHUNK = 2**19  # ~4 MB per chunk in the elimination kernels (cache-sized)


def _range_steps(lbar, Z, warn, se_floor=None):
    """Elimination sequence for T_R.  Returns (eliminated groups, step counts #{T* >= T}, statistics, included).

    ``se_floor`` (k, k): HAC standard errors of d_ij; the observed t_ij then use max(bootstrap se, it)."""
    B, k = Z.shape
    ZT = np.ascontiguousarray(Z.T)  # (k, B)
    d = lbar[:, None] - lbar[None, :]  # d_ij
    t_obs = np.empty((k, k))
    inv_s = np.empty((k, k))  # 1 / sqrt(var̂(d_ij)); 0 where var̂ = 0 (i != j)
    Rm = np.empty((B, k))  # R*_b,i = max_{j∈M} t*_b,ij
    Ja = np.empty((B, k), dtype=np.int64)  # its arg-max j
    ci = max(1, _SMALL_CHUNK // (B * k))
    n_zero = 0
    for lo in range(0, k, ci):
        hi = min(k, lo + ci)
        rows = np.arange(hi - lo)
        D = ZT[lo:hi, :, None] - Z[None, :, :]  # D[a, b, j] = ζ*_b,(lo+a) − ζ*_b,j
        var = np.einsum("abj,abj->aj", D, D) / B  # var̂(d_ij), i in [lo, hi)
        var[rows, rows + lo] = 1.0  # arch adds eye(k): t_ii = 0, never 0/0 on the diagonal
        zero = var == 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = 1.0 / np.sqrt(var)
            if se_floor is None:
                t_obs[lo:hi] = d[lo:hi] * inv
            else:
                floor = se_floor[lo:hi].copy()
                floor[rows, rows + lo] = 0.0
                t_obs[lo:hi] = d[lo:hi] / np.maximum(np.sqrt(var), floor)
        if zero.any():
            n_zero += int(zero.sum())
            inv[zero] = 0.0
            t_obs[lo:hi][zero & (d[lo:hi] == 0.0)] = 0.0
        inv_s[lo:hi] = inv
        D *= inv[:, None, :]
        j = D.argmax(axis=2)  # (c, B)
        Ja[:, lo:hi] = j.T
        Rm[:, lo:hi] = np.take_along_axis(D, j[:, :, None], axis=2)[:, :, 0].T
    if n_zero:
        warn("var(d_ij) = 0 for some pair i != j (identical or constant-shifted loss series); "
             "arch returns NaN here, this engine sets t*_ij = 0 and t_ij = 0 or ±inf.")
    # buckets[j]: flat row ids b*k + i whose current arg-max is j (each row is in exactly one bucket)
    flat = Ja.ravel()
    srt = np.argsort(flat, kind="stable")
    bounds = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(flat, minlength=k), out=bounds[1:])
    buckets = [[srt[bounds[j] : bounds[j + 1]]] for j in range(k)]
    # compact layout: the m models of M occupy the first m columns of Zc / Ic / Rc (a removed model's
    # column is overwritten by the last active one), so recomputations copy contiguous row slices
    perm = np.arange(k)  # model at compact position p
    posof = np.arange(k)  # compact position of model i
    Zc = Z.copy()  # Zc[b, p] = ζ*_b,perm[p]
    Ic = inv_s  # Ic[i, p] = 1/sqrt(var̂(d_i,perm[p]))
    Rc = Rm  # Rc[b, p] = R*_b,perm[p]
    Tc = t_obs  # Tc[p, p'] = t_perm[p],perm[p'] (rows and columns move with the models)
    included = np.ones(k, dtype=bool)
    groups, counts, stats = [], [], []
    m = k
    while m > 1:
        rowmax = Tc[:m, :m].max(axis=1)
        stat = rowmax.max()
        # first i in row-major (model-index) order attaining T_R: smallest model index among maximisers
        e = int(perm[:m][rowmax == stat].min())
        tstar = Rc[:, :m].max(axis=1)  # T*_b,R
        counts.append(int(np.count_nonzero(tstar >= stat)))  # T* >= T
        stats.append(float(stat))
        groups.append([e])
        included[e] = False
        p, m = posof[e], m - 1
        if p != m:
            last = perm[m]
            Zc[:, p] = Zc[:, m]
            Ic[:, p] = Ic[:, m]
            Rc[:, p] = Rc[:, m]
            Tc[p, :] = Tc[m, :]
            Tc[:, p] = Tc[:, m]
            perm[p], posof[last] = last, p
        if m <= 1:
            break
        rows = np.concatenate(buckets[e])
        buckets[e] = []
        rows = rows[included[rows % k]]
        if rows.size == 0:
            continue
        bb, ii = np.divmod(rows, k)
        step = max(1, _SMALL_CHUNK // m)
        newj = np.empty(rows.size, dtype=np.int64)
        for lo in range(0, rows.size, step):
            b_, i_ = bb[lo : lo + step], ii[lo : lo + step]
            vals = Zc[b_, :m]
            np.subtract(Z[b_, i_][:, None], vals, out=vals)  # ζ*_b,i − ζ*_b,j, j ∈ M
            vals *= Ic[i_, :m]
            j = vals.argmax(axis=1)
            Rc[b_, posof[i_]] = vals[np.arange(j.size), j]
            newj[lo : lo + step] = perm[j]
        srt = np.argsort(newj, kind="stable")
        keys_sorted = newj[srt]
        rows_sorted = rows[srt]
        cut = np.flatnonzero(keys_sorted[1:] != keys_sorted[:-1]) + 1
        lo_ = np.concatenate(([0], cut)).tolist()
        hi_ = np.concatenate((cut, [rows.size])).tolist()
        for key, a, b in zip(keys_sorted[lo_].tolist(), lo_, hi_):
            buckets[key].append(rows_sorted[a:b])
    return groups, counts, stats, included


_CANCEL = 1e3  # fall back to the direct second moment when q_i / var̂(d_i·) exceeds this
_ZERO_SD = 1e-12  # sd_i <= 1e-12 * rms(ζ̃*_i) is treated as an exact zero (identical models)


def _max_steps(lbar, Z, warn, se_floor=None):
    """Elimination sequence for T_max.  Returns (eliminated groups, step counts #{T* >= T}, statistics, included).

    ``se_floor(ids)``: HAC standard errors of d_i· for the models ``ids`` (the current M); the observed t_i· then
    use max(bootstrap se, it), the replicates the bootstrap se (see :func:`model_confidence_set`).

    Work array: the models of M are the first m rows of W (k, B), W[r] = ζ̃*_·,ids[r] with
    ζ̃*_b,i = ζ*_b,i − mean_{all j} ζ*_b,j (removing the common component first, as arch does, keeps
    the moment identity below well conditioned).  A removed model's row is overwritten by the last
    active row (O(B) per removal, no column gathers).  Per step, with g_b = mean_{j∈M} ζ̃*_b,j kept
    as a running sum:

        var̂(d_i·) = q_i − 2 h_i + mean_b g_b²,   q_i = mean_b ζ̃*_b,i²,   h_i = mean_b ζ̃*_b,i g_b

    (one pass for h; if q_i / var̂(d_i·) > 1e3 the direct B^{-1} Σ_b (ζ̃*_b,i − g_b)² is used instead),
    and the bootstrap count uses  T_max < max_i (ζ̃*_b,i − g_b)/sd_i  ⇔  g_b < max_i (ζ̃*_b,i − T_max·sd_i)
    (sd_i > 0), i.e. two passes over the (m, B) block instead of five.
    """
    B, k = Z.shape
    W = np.array(Z.T, order="C")  # (k, B)
    W -= W.mean(axis=0)
    q = np.einsum("ib,ib->i", W, W) / B  # indexed by row (moves with the rows)
    lc = lbar.copy()  # L̄ by row (moves with the rows)
    S = W.sum(axis=0)  # running Σ_{j∈M} ζ̃*_b,j
    ids = np.arange(k)
    buf = np.empty((k, B))
    m = k
    groups, counts, stats = [], [], []
    while m > 1:
        X = W[:m]
        qm = q[:m]
        g = S / m
        h = X @ g  # BLAS matrix-vector product (einsum here is twice as slow)
        var = qm - (2.0 * h - np.dot(g, g)) / B
        zero = None
        if not (var * _CANCEL > qm).all():  # ill-conditioned or zero: direct second moment
            g = X.mean(axis=0)
            Y = buf[:m]
            np.subtract(X, g, out=Y)
            var = np.einsum("ib,ib->i", Y, Y) / B
            zero = np.sqrt(var) <= _ZERO_SD * np.sqrt(qm)  # numerically zero (identical models)
            if not zero.any():
                zero = None
        sd = np.sqrt(var)
        sd_obs = sd if se_floor is None else np.maximum(sd, se_floor(ids[:m]))
        lm = lc[:m]
        dm = lm - lm.sum() / m  # d_i·
        if zero is not None:
            warn("var(d_i.) = 0 for some model in M (the MCS is not valid for such losses); "
                 "arch warns and may not terminate, this engine sets the bootstrap term to 0.")
            if zero.all():
                break  # all remaining models indistinguishable: they survive with p-value 1
            with np.errstate(divide="ignore", invalid="ignore"):
                t = dm / sd_obs
            t[zero] = np.where(dm[zero] == 0.0, 0.0, np.copysign(np.inf, dm[zero]))
            stat = t.max()
            Y = buf[:m]
            np.subtract(X, g, out=Y)
            Y[~zero] /= sd[~zero, None]
            Y[zero] = 0.0
            hit = Y.max(axis=0) >= stat
        else:
            t = dm / sd_obs
            stat = t.max()
            Y = buf[:m]
            np.subtract(X, (stat * sd)[:, None], out=Y)
            hit = g <= Y.max(axis=0)  # T* >= T  <=>  g_b <= max_i (ζ̃*_b,i − T sd_i)
        counts.append(int(np.count_nonzero(hit)))
        stats.append(float(stat))
        rows = np.flatnonzero(t == stat)  # ties: all maximisers leave together (arch)
        groups.append(sorted(ids[rows].tolist()))
        for r in rows[::-1].tolist():  # descending, so a moved row is never one still to be removed
            S -= W[r]
            m -= 1
            W[r] = W[m]
            q[r] = q[m]
            lc[r] = lc[m]
            ids[r] = ids[m]
    included = np.zeros(k, dtype=bool)
    included[ids[:m]] = True
    return groups, counts, stats, included


@dataclasses.dataclass(frozen=True)
class MCSResult(TestResult):
    """The model confidence set.

    Protocol fields: ``statistic`` and ``pvalue`` are those of the first equivalence test (H0: all k models
    have equal expected loss), ``estimate`` the largest mean loss above the average of the k models.

    Attributes
    ----------
    included, excluded : labels of the models in / out of the (1 − ``alpha_level``) MCS.
    pvalues : MCS p-value of each model (a Series by label).
    order : labels in elimination order, the survivors last.
    table : per model, in elimination order: step, mean_loss, statistic (T_M of the step that removed it),
        count (#{T* >= T_M}), step_pvalue, mcs_pvalue, included.
    alpha_level, mcs_statistic ("range" or "max"), k, reps, block_length, bootstrap : the set-up.
    """

    included: tuple = ()
    excluded: tuple = ()
    pvalues: pd.Series | None = None
    order: tuple = ()
    table: pd.DataFrame | None = None
    alpha_level: float = 0.05
    mcs_statistic: str = "range"
    k: int = 0
    reps: int = 0
    block_length: float = float("nan")
    bootstrap: str = "stationary"

    def confidence_set(self, alpha_level: float) -> tuple:
        """The (1 − alpha_level) MCS from the same p-values (nothing is recomputed)."""
        level = check_probability(alpha_level, "alpha_level")
        assert self.pvalues is not None  # the MCS functions always set it
        return tuple(lb for lb, p in self.pvalues.items() if p > level)

    def to_frame(self) -> pd.DataFrame:
        """The per-model table (elimination order)."""
        assert self.table is not None  # the MCS functions always set it
        return self.table.copy()

    def summary(self) -> str:
        rows = [("H0", self.null), ("method", self.method), ("observations", self.n), ("models", self.k),
                ("first test statistic", self.statistic), ("first test p-value", self.pvalue),
                (f"MCS at {format_number(1 - self.alpha_level, 2)}", f"{len(self.included)} of {self.k} models")]
        assert self.table is not None  # the MCS functions always set it
        tab = self.table.tail(20)
        title = "Models (last 20 in elimination order)" if self.k > 20 else "Models (elimination order)"
        return text_table(rows, title=f"Test: {self.test}") + "\n" + frame_table(tab, title=title)


def _labels(losses: Any, k: int) -> list:
    if isinstance(losses, pd.DataFrame):
        return list(losses.columns)
    return list(range(k))


def _contrast_lrv(losses: np.ndarray) -> np.ndarray:
    """Long-run covariance (:func:`alphacheck._hac.lrv_matrix_columnwise`) of the losses net of their cross-sectional mean.

    Every contrast the MCS studentises — L_i − L_j, L_i − mean_{j∈M} L_j — is a combination w'x of these
    columns with Σ w = 0, so its HAC variance is a quadratic form of one matrix, and a loss series common to
    every model (a benchmark) drops out, as in the bootstrap.
    """
    return lrv_matrix_columnwise(losses - losses.mean(axis=1, keepdims=True))


def _hac_se_pairs(losses: np.ndarray) -> np.ndarray:
    """(k, k) HAC standard errors of d_ij = L̄_i − L̄_j: sqrt((Ω_ii + Ω_jj − 2Ω_ij) / T)."""
    om = _contrast_lrv(losses)
    dg = np.diag(om)
    return np.sqrt(np.maximum(dg[:, None] + dg[None, :] - 2 * om, 0.0) / losses.shape[0])


def _hac_se_centred(losses: np.ndarray) -> Any:
    """``se(ids)``: HAC standard errors of d_i· = L̄_i − mean_{j∈M} L̄_j for M = ``ids``:
    sqrt((Ω_ii − 2 mean_{j∈M} Ω_ij + mean_{j,l∈M} Ω_jl) / T)."""
    om = _contrast_lrv(losses)
    n = losses.shape[0]

    def se(ids: np.ndarray) -> np.ndarray:
        sub = om[np.ix_(ids, ids)]
        row = sub.mean(axis=1)
        return np.sqrt(np.maximum(np.diag(sub) - 2 * row + row.mean(), 0.0) / n)
    return se


def mcs_from_sums(losses: np.ndarray, sums: np.ndarray, *, method: str, alpha_level: float, names: list,
                  block_length: float, bootstrap: str, studentize: str = "hac",
                  test: str = "model confidence set") -> MCSResult:
    """The MCS from validated losses (T, k) and the bootstrap sums (B, k) of the same columns on one plan.

    Any common column may be added to every loss column (and to the sums) without changing the result: the
    audit feeds the sums of the differentials it already drew for StepM.
    """
    n, k = losses.shape
    reps = sums.shape[0]
    lbar = losses.mean(axis=0)
    z = sums / n - lbar  # ζ*_b,i
    notes: list[str] = []

    def note(msg: str) -> None:
        if msg not in notes:
            notes.append(msg)

    if method == "range":
        floor = _hac_se_pairs(losses) if studentize == "hac" else None
        groups, counts, stats, included = _range_steps(lbar, z, note, floor)
    else:
        groups, counts, stats, included = _max_steps(lbar, z, note, _hac_se_centred(losses) if studentize == "hac"
                                                     else None)
    order, step_counts, step_stats, step_no = [], [], [], []
    for i, (g, c, s) in enumerate(zip(groups, counts, stats)):
        order += g
        step_counts += [c] * len(g)
        step_stats += [s] * len(g)
        step_no += [i + 1] * len(g)
    survivors = [int(i) for i in np.flatnonzero(included)]
    order += survivors
    step_p = [float(pvalue_from_counts(c, reps)) for c in step_counts] + [1.0] * len(survivors)
    step_counts += [reps] * len(survivors)
    step_stats += [float("nan")] * len(survivors)
    step_no += [len(groups) + 1] * len(survivors)
    mcs_p = np.maximum.accumulate(np.asarray(step_p))
    keep = mcs_p > alpha_level
    labels = [names[i] for i in order]
    table = pd.DataFrame({"step": step_no, "mean_loss": lbar[order], "statistic": step_stats, "count": step_counts,
                          "step_pvalue": step_p, "mcs_pvalue": mcs_p, "included": keep},
                         index=pd.Index(labels, name="model"))
    by_model = np.empty(k)
    by_model[np.asarray(order)] = mcs_p
    pv = pd.Series(by_model, index=pd.Index(names, name="model"), name="mcs_pvalue")
    inc = tuple(lb for lb, p in zip(names, by_model) if p > alpha_level)
    exc = tuple(lb for lb, p in zip(names, by_model) if p <= alpha_level)
    first_stat = float(stats[0]) if stats else 0.0
    first_p = float(step_p[0]) if groups else 1.0
    stat_name = "T_R = max |t_ij|" if method == "range" else "T_max = max_i t_i."
    how = "iid bootstrap" if bootstrap == "iid" else f"{bootstrap} bootstrap (block length {block_length:.3g})"
    se_how = ("observed t's on max(bootstrap se, prewhitened-QS HAC se)" if studentize == "hac"
              else "bootstrap standard errors (HLN, arch)")
    return MCSResult(
        test=test, statistic=first_stat, pvalue=first_p, alternative="greater",
        null=f"all {k} models have equal expected loss", estimate=float((lbar - lbar.mean()).max()),
        method=f"Hansen-Lunde-Nason (2011) MCS, {stat_name}, {se_how}, {how}, {reps:,} replicates", n=n,
        interval=Interval("none", reason="a model confidence set is a set of models, not an interval"),
        details={"notes": tuple(notes), "steps": len(groups), "studentize": studentize}, included=inc, excluded=exc,
        pvalues=pv,
        order=tuple(labels), table=table, alpha_level=alpha_level, mcs_statistic=method, k=k, reps=reps,
        block_length=float(block_length), bootstrap=bootstrap)


def _refuse_constant_contrasts(x: np.ndarray) -> None:
    """InputError naming ``losses`` when a loss differential has no variance but a mean (one model's losses are
    another's plus a constant: its t-ratio would be a difference over rounding noise), or when no differential
    has any variance (every model the same: nothing to test). Identical models are handled (module notes)."""
    m = x.mean(axis=0)
    c = x - m
    g = c.T @ c
    d = np.diag(g)
    flat = d[:, None] + d[None, :] - 2.0 * g <= 1e-12 * (d[:, None] + d[None, :]) + 1e-300
    np.fill_diagonal(flat, True)
    if flat.all():
        raise InputError("losses", "no loss differential has any variance (every model's losses are the same up to "
                                   "a constant): there is nothing for the model confidence set to test")
    scale = np.abs(x).max(axis=0)
    shifted = flat & (np.abs(m[:, None] - m[None, :]) > 1e-12 * np.maximum(scale[:, None], scale[None, :]))
    if shifted.any():
        i, j = (int(v) for v in np.argwhere(shifted)[0])
        raise InputError("losses", f"models {i} and {j} differ by a constant (their loss differential has no "
                                   "variance, so no test can rank them by noise): drop one of them, or compare "
                                   "their mean losses directly")


def model_confidence_set(losses: ArrayLike, *, method: Literal["range", "max"] = "range", alpha_level: float = 0.05,
                         reps: int = 9_999, bootstrap: resample.Scheme = "stationary",
                         block_length: float | str = "auto", seed: resample.SeedLike = None,
                         n_jobs: int | None = None, studentize: Literal["hac", "bootstrap"] = "hac") -> MCSResult:
    """The model confidence set of Hansen, Lunde & Nason (2011): the models no other model beats.

    Starting from all k models, test H0,M: all models in M have equal expected loss with the statistic
    ``method``; if it rejects, eliminate the model the rule names and repeat on the rest. The models left
    when a test first fails to reject form the (1 − ``alpha_level``) MCS, which contains the best model(s)
    with probability >= 1 − ``alpha_level`` asymptotically (HLN Theorem 1). The formulas are in the module
    docstring.

    Parameters
    ----------
    losses : (T, k) array_like
        Losses of k models (lower is better) on the same T periods; for strategy returns pass ``-returns``.
        A DataFrame keeps its column labels.
    method : {"range", "max"}
        T_R (the largest pairwise t, arch's default ``method="R"``): a model leaves when another model beats
        it; or T_max (each model against the average of M), which keeps models that are only beaten by one
        standout (the average hides it).
    alpha_level : float
        A model leaves the set when its MCS p-value is <= alpha_level.
    reps, bootstrap, block_length, seed, n_jobs
        The bootstrap (one plan for every step): replicates, scheme, block length (``"auto"``: Politis &
        White 2004 on the loss columns, their maximum; arch's default is int(sqrt(T))), seed, threads.
    studentize : {"hac", "bootstrap"}
        The standard errors of the observed t's. ``"bootstrap"``: HLN's var̂ from the replicates — arch's
        algorithm, equal to ``arch.bootstrap.MCS`` on the same draws. ``"hac"`` (default): each observed t uses
        max(bootstrap se, HAC se), the HAC se from one long-run covariance of the loss contrasts
        (:func:`alphacheck._hac.lrv_matrix_columnwise`: column-prewhitened QS, Andrews & Monahan 1992) as a
        quadratic form per contrast; the replicates keep the bootstrap se. Under serial dependence the
        block-bootstrap var̂ is biased down (15 % at AR(1) 0.5, T = 500), which inflates every observed t and
        the maximum over many models turns into dropped models; the HAC floor removes that bias, and taking
        the larger of the two keeps the iid case at its level. The elimination rules and p-values are HLN's.

    Returns
    -------
    MCSResult

    Notes
    -----
    Measured size (docs/compare-size.md: the share of null worlds, all models with equal expected loss, in
    which the MCS drops a model; 2,000 worlds, 499 replicates; iid t(4) / GARCH / AR(1) 0.5, T = 500 and 2,000).
    Default ``studentize="hac"``: T_max k = 10 — 5.0 / 4.1, 3.8 / 4.1, 5.5 / 4.9 %; k = 100 — 5.1 / 4.6,
    3.8 / 3.3, 8.6 / 5.7 %; T_R k = 10 — 4.5 / 3.9, 3.5 / 4.0, 6.3 / 5.3 %; k = 100 — 5.8 / 4.1, 5.4 / 3.1,
    12.6 / 6.3 %. ``studentize="bootstrap"`` (HLN, arch): T_max k = 10 — 5.7 / 4.5, 5.2 / 5.0, 11.2 / 8.0 %;
    k = 100 — 8.1 / 6.0, 14.8 / 7.5, 27.7 / 11.0 %; T_R up to 74.1 % (k = 100, AR, T = 500). HLN's var̂ is a
    block-bootstrap variance, biased down under serial dependence (15 % at AR(1) 0.5, T = 500, measured), and
    the maximum over many t's turns that into dropped models; a longer block enlarges the bias. With 100 models,
    strongly dependent losses and T = 500 the HAC-floored T_max still drops a model in 8.6 % of null worlds
    (the HAC's own noise): read an exclusion there with that number in mind.

    References
    ----------
    Hansen, Lunde & Nason (2011), Econometrica 79(2), 453-497; Politis & Romano (1994); Politis & White (2004).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> losses = rng.standard_normal((500, 5)) ** 2 + np.array([0.0, 0.0, 0.05, 0.5, 1.0])
    >>> res = model_confidence_set(losses, reps=999, seed=1)
    >>> 3 in res.excluded and 4 in res.excluded
    True
    """
    method = check_choice(method, "method", MCS_STATISTICS)
    studentize = check_choice(studentize, "studentize", MCS_STUDENTIZE)
    level = check_probability(alpha_level, "alpha_level")
    reps = check_reps(reps)
    bootstrap = check_choice(bootstrap, "bootstrap", resample.METHODS)
    (x,), _ = align([("losses", losses)], min_obs=10)
    if x.ndim != 2 or x.shape[1] < 2:
        raise InputError("losses", "needs at least two models (columns)")
    if isinstance(seed, np.random.Generator):
        seed = check_seed(seed)
    # the products here are small; idle OpenBLAS threads spinning after each would slow the sparse threads by a
    # third (measured: 45 -> 34 ms at k = 100, T = 2,500, 1,000 replicates)
    with resample.single_thread_blas():
        _refuse_constant_contrasts(x)
        b = float(resample.resolve_block_length(block_length, x, bootstrap))
        sums = resample.streamed_sums(x, reps, bootstrap, b, seed, n_jobs=n_jobs, engine="sparse")
        return mcs_from_sums(x, sums, method=method, alpha_level=level, names=_labels(losses, x.shape[1]),
                             block_length=b, bootstrap=bootstrap, studentize=studentize)
