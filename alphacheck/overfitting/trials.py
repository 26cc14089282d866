"""How many independent trials were there? The effective number of trials from the trials' returns.

The deflated Sharpe ratio and the haircut need N, the number of *independent* variants tried. A grid of
100 variants that are 5 families of near-copies is about 5 trials, not 100. Estimators:

* ``method="clustering"`` (default) — group the trials into families, then count each family by its
  participation ratio. Families: average-linkage hierarchical clustering of the correlation distance 1 − ρ,
  merging while the average correlation between two groups is at least 0.5 (a fixed cut, so unrelated
  variants stay apart and no cluster count has to be chosen). Each family c counts for its participation
  ratio PR_c = n_c² / tr(R_c²) (below): a family of near-copies counts about 1, a family of loosely related
  variants more (a variant and its sign flip, ρ = −1, are two families: the best of the pair is |SR|, whose
  expected maximum exceeds one trial's; the eigenvalue count below sees ρ² = 1 and counts them as one).
  n_effective = Σ_c PR_c; the number of families K is reported beside it. This is the
  clustering idea of López de Prado & Lewis (2019), "Detection of false investment strategies using
  unsupervised learning methods", Quantitative Finance 19(9), 1555-1565, with a deterministic clustering:
  their ONC k-means (``method="onc"``) always returns clusters, even when there is no cluster structure —
  measured: 100 independent variants give 2 ONC clusters, and 5 tight families plus 50 unrelated variants
  on T = 500 give 2 — so its K undercounts; counting each cluster by PR_c repairs the first case only.
* ``method="onc"`` — the ONC algorithm of López de Prado & Lewis (2019) / López de Prado (2020),
  *Machine Learning for Asset Managers*, ch. 4, snippets 4.1-4.2: k-means of the rows of
  D_ij = sqrt((1 − ρ_ij)/2) for k = 2, …, min(N − 1, 50) (3 k-means++ starts each, at most 64 principal
  components of D), the partition with the highest silhouette quality mean(s)/sd(s) (Rousseeuw 1987),
  below-average clusters re-clustered recursively; n_effective = Σ_c PR_c, K beside it. Slow (seconds for
  N = 100) and unstable without cluster structure; kept to reproduce the paper's K.
* ``method="eigenvalue"`` — the participation ratio of the whole correlation matrix,
  PR = (Σ λ_i)² / Σ λ_i² = N² / tr(R²) (the effective number of degrees of freedom of Bretherton et al.
  1999, J. Climate 12(7), eq. (5)). It counts one block of near-copies as ~1 and N independent series as N,
  but mixes blocks of different sizes badly (5 tight families plus 50 unrelated variants give ~12, not ~55).

Both remove the sampling bias of r̂²: E[r̂_ij²] ≈ ρ_ij² + (1 − ρ_ij²)²/(T − 1) for serially independent
returns, so tr(R²) is estimated by N + Σ_{i≠j} (r̂_ij² − (1 − r̂_ij²)²/(T − 1)) (without it, N independent
series on T observations look like N/(1 + N/T) trials). PR is then kept in [1, N].

Measured on 5 families of 20 near-copies (ρ = 0.95 within): clustering 5.5 (K = 5), eigenvalue 5.5; on 100
independent variants 100 and 100; on 5 families plus 50 unrelated variants 55.5 and 12 (T = 2,000).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck._inputs import InputError, as_matrix, check_choice, check_scale, check_seed
from alphacheck._results import Result

__all__ = ["EffectiveTrialsResult", "effective_trials"]

TRIAL_METHODS = ("clustering", "onc", "eigenvalue")
FAMILY_CORRELATION = 0.5
MAX_CLUSTERS = 50
N_INIT = 3
MAX_FEATURES = 64
_KMEANS_ITER = 100


@dataclasses.dataclass(frozen=True)
class EffectiveTrialsResult(Result):
    """The effective number of independent trials.

    Attributes
    ----------
    n_effective : the effective number (float, in [1, n_trials]).
    n_trials : N, the number of trial columns given.
    method : "clustering", "onc" or "eigenvalue".
    n_clusters : K, the number of families / ONC clusters (López de Prado & Lewis's estimate; ``n_trials`` for
        "eigenvalue", which does not cluster).
    participation_ratio : the participation ratio of the whole correlation matrix (the "eigenvalue" estimate).
    average_correlation : mean off-diagonal correlation.
    labels : cluster of each trial (a Series on the trial names).
    clusters : per cluster: size, its participation ratio (its contribution), mean within-cluster correlation.
    """

    n_effective: float
    n_trials: int
    method: str
    n_clusters: int
    participation_ratio: float
    average_correlation: float
    labels: pd.Series | None = dataclasses.field(default=None, repr=False, metadata={"export": False})
    clusters: pd.DataFrame | None = dataclasses.field(default=None, repr=False, metadata={"export": False})

    def to_frame(self) -> pd.DataFrame:
        """The per-cluster table."""
        assert self.clusters is not None  # effective_trials always sets it
        return self.clusters.copy()

    def _title(self) -> str:
        return "Effective number of trials"


def participation_ratio(r: np.ndarray, n_obs: int) -> float:
    """N² / tr(R²) with the first-order bias of r̂² removed (module docstring), clipped to [1, N]."""
    n = r.shape[0]
    if n == 1:
        return 1.0
    off = r[~np.eye(n, dtype=bool)]
    r2 = off * off
    tr = n + max(float(np.sum(r2 - (1.0 - r2) ** 2 / (n_obs - 1))), 0.0)
    return float(min(max(n * n / tr, 1.0), float(n)))


def _silhouette(dist: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Silhouette s_i = (b_i − a_i)/max(a_i, b_i) (Rousseeuw 1987); 0 for a member of a singleton cluster."""
    onehot = np.zeros((labels.size, k))
    onehot[np.arange(labels.size), labels] = 1.0
    sizes = onehot.sum(axis=0)
    tot = dist @ onehot  # sum of distances to each cluster
    own = tot[np.arange(labels.size), labels]
    own_size = sizes[labels]
    a = np.where(own_size > 1, own / np.maximum(own_size - 1, 1), 0.0)
    other = np.where(onehot > 0, np.inf, tot / np.where(sizes > 0, sizes, 1.0))
    other[:, sizes == 0] = np.inf
    b = other.min(axis=1)
    den = np.maximum(a, b)
    s = np.where((own_size > 1) & (den > 0) & np.isfinite(b), (b - a) / np.where(den > 0, den, 1.0), 0.0)
    return s


def _kmeans(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Lloyd's k-means with k-means++ seeding (Arthur & Vassilvitskii 2007); labels 0..k'-1 (empty dropped)."""
    n = x.shape[0]
    sq = np.einsum("ij,ij->i", x, x)
    centres = np.empty((k, x.shape[1]))
    centres[0] = x[rng.integers(n)]
    d2 = np.maximum(sq - 2 * x @ centres[0] + centres[0] @ centres[0], 0.0)
    for j in range(1, k):
        tot = d2.sum()
        i = int(rng.choice(n, p=d2 / tot)) if tot > 0 else int(rng.integers(n))
        centres[j] = x[i]
        d2 = np.minimum(d2, np.maximum(sq - 2 * x @ centres[j] + centres[j] @ centres[j], 0.0))
    labels = np.full(n, -1)
    for _ in range(_KMEANS_ITER):
        dist = sq[:, None] - 2 * x @ centres.T + np.einsum("ij,ij->i", centres, centres)[None, :]
        new = dist.argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, x)
        filled = counts > 0
        centres[filled] = sums[filled] / counts[filled, None]
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def _quality(s: np.ndarray) -> float:
    sd = float(s.std())
    return float(s.mean()) / sd if sd > 0 else (np.inf if s.mean() > 0 else 0.0)


def _cluster_tstats(s: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.array([_quality(s[labels == c]) for c in range(labels.max() + 1)])


def _onc_base(r: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """López de Prado (2020) snippet 4.1: best k-means partition of the distance rows by silhouette quality."""
    n = r.shape[0]
    d = np.sqrt(np.clip((1.0 - r) / 2.0, 0.0, None))
    dist = np.sqrt(np.maximum(np.einsum("ij,ij->i", d, d)[:, None] + np.einsum("ij,ij->i", d, d)[None, :]
                              - 2 * d @ d.T, 0.0))
    feats = d
    if n > MAX_FEATURES:
        c = d - d.mean(axis=0)
        u, sv, _ = np.linalg.svd(c, full_matrices=False)
        feats = u[:, :MAX_FEATURES] * sv[:MAX_FEATURES]
    best_q, best = -np.inf, (np.zeros(n, dtype=int), np.zeros(n))
    for _ in range(N_INIT):
        for k in range(2, min(n - 1, MAX_CLUSTERS) + 1):
            labels = _kmeans(feats, k, rng)
            kk = labels.max() + 1
            if kk < 2:
                continue
            s = _silhouette(dist, labels, kk)
            q = _quality(s)
            if q > best_q:
                best_q, best = q, (labels, s)
    return best


def _onc(r: np.ndarray, rng: np.random.Generator, depth: int = 0) -> np.ndarray:
    """López de Prado (2020) snippet 4.2 (clusterKMeansTop): re-cluster the below-average clusters."""
    n = r.shape[0]
    if n < 3:
        return np.zeros(n, dtype=int)
    labels, s = _onc_base(r, rng)
    t = _cluster_tstats(s, labels)
    finite = t[np.isfinite(t)]
    mean_t = float(finite.mean()) if finite.size else 0.0
    redo = np.flatnonzero(t < mean_t)
    if redo.size <= 1 or depth > 20:
        return labels
    keys = np.flatnonzero(np.isin(labels, redo))
    sub = _onc(r[np.ix_(keys, keys)], rng, depth + 1)
    new = labels.copy()
    keep = [c for c in range(labels.max() + 1) if c not in set(redo.tolist())]
    remap = {c: i for i, c in enumerate(keep)}
    for i in range(n):
        if labels[i] in remap:
            new[i] = remap[labels[i]]
    new[keys] = len(keep) + sub
    d = np.sqrt(np.clip((1.0 - r) / 2.0, 0.0, None))
    dist = np.sqrt(np.maximum(np.einsum("ij,ij->i", d, d)[:, None] + np.einsum("ij,ij->i", d, d)[None, :]
                              - 2 * d @ d.T, 0.0))
    s_new = _silhouette(dist, new, new.max() + 1)
    t_new = _cluster_tstats(s_new, new)
    finite_new = t_new[np.isfinite(t_new)]
    old_mean = float(np.mean(t[redo][np.isfinite(t[redo])])) if np.isfinite(t[redo]).any() else 0.0
    new_mean = float(finite_new.mean()) if finite_new.size else 0.0
    return new if new_mean > old_mean else labels


def _families(r: np.ndarray) -> np.ndarray:
    """Average-linkage clusters of 1 − ρ cut where the average between-group correlation falls below 0.5."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = np.clip(1.0 - r, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    return fcluster(tree, t=1.0 - FAMILY_CORRELATION, criterion="distance") - 1


def _correlation(x: np.ndarray) -> np.ndarray:
    const = np.ptp(x, axis=0) == 0  # exact: a constant 0.001 has a rounding-residue sd of ~1e-19, not 0
    if const.any():
        raise InputError("trials", f"column(s) {np.flatnonzero(const).tolist()[:5]} are constant")
    check_scale(x, "trials")  # varying but tiny (|x| ~ 1e-196): the variances underflow
    r = np.corrcoef(x.T)
    np.fill_diagonal(r, 1.0)
    return np.clip(r, -1.0, 1.0)


def effective_trials(trials: ArrayLike, *, method: Literal["clustering", "eigenvalue"] = "clustering",
                     seed: Any = 0) -> EffectiveTrialsResult:
    """The effective number of independent trials behind a (T x N) grid of trial returns.

    Parameters
    ----------
    trials : (T, N) array_like
        Returns of the N variants on the same T observations (a DataFrame keeps its column names).
    method : {"clustering", "onc", "eigenvalue"}
        Families of correlated trials each counted by its participation ratio (default), the same with López
        de Prado & Lewis's ONC clusters, or the participation ratio of the whole correlation matrix (formulas
        in the module docstring).
    seed : None, int, Generator or SeedSequence
        Seed of the ONC k-means starts (default 0: the same answer on every call); the other methods are
        deterministic.

    Returns
    -------
    EffectiveTrialsResult

    References
    ----------
    López de Prado & Lewis (2019), Quantitative Finance 19(9), 1555-1565; López de Prado (2020), Machine Learning
    for Asset Managers, ch. 4; Bretherton, Widmann, Dymnikov, Wallace & Bladé (1999), J. Climate 12(7), eq. (5);
    Rousseeuw (1987), J. Comput. Appl. Math. 20.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> family = rng.standard_normal((1000, 5)).repeat(20, axis=1)       # 5 ideas ...
    >>> trials = 0.01 * (np.sqrt(0.95) * family + np.sqrt(0.05) * rng.standard_normal((1000, 100)))
    >>> res = effective_trials(trials)                                    # ... in 100 near-copies
    >>> res.n_clusters, round(res.n_effective, 1)
    (5, 5.5)
    """
    method = check_choice(method, "method", TRIAL_METHODS)
    m = as_matrix(trials, "trials", min_obs=8, min_cols=1)
    x = m.values
    t_obs, n = x.shape
    r = _correlation(x) if n > 1 else np.ones((1, 1))
    off = r[~np.eye(n, dtype=bool)]
    avg = float(off.mean()) if off.size else 1.0
    pr_all = participation_ratio(r, t_obs)
    names = list(m.columns)
    if method == "eigenvalue" or n < 2 or (method == "onc" and n < 3):  # ONC scores silhouettes: 3 or more
        labels = np.arange(n) if method == "eigenvalue" else np.zeros(n, dtype=int)
        table = pd.DataFrame({"size": [n], "effective": [pr_all], "mean_correlation": [avg]},
                             index=pd.Index([0], name="cluster"))
        return EffectiveTrialsResult(n_effective=pr_all, n_trials=n, method=method,
                                     n_clusters=n if method == "eigenvalue" else 1, participation_ratio=pr_all,
                                     average_correlation=avg,
                                     labels=pd.Series(labels, index=pd.Index(names, name="trial"), name="cluster"),
                                     clusters=table)
    labels = _families(r) if method == "clustering" else _onc(r, np.random.default_rng(check_seed(seed)))
    rows = []
    for c in range(labels.max() + 1):
        idx = np.flatnonzero(labels == c)
        sub = r[np.ix_(idx, idx)]
        within = sub[~np.eye(idx.size, dtype=bool)]
        rows.append({"size": idx.size, "effective": participation_ratio(sub, t_obs),
                     "mean_correlation": float(within.mean()) if within.size else 1.0})
    table = pd.DataFrame(rows, index=pd.Index(range(len(rows)), name="cluster"))
    n_eff = float(min(max(table["effective"].sum(), 1.0), n))
    return EffectiveTrialsResult(n_effective=n_eff, n_trials=n, method=method, n_clusters=len(rows),
                                 participation_ratio=pr_all, average_correlation=avg,
                                 labels=pd.Series(labels, index=pd.Index(names, name="trial"), name="cluster"),
                                 clusters=table)
