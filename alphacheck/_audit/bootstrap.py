"""One fitted bootstrap for the whole audit.

The mean, Sharpe, Jensen-alpha and hedged-book tests all resample the same n observations. The audit
draws ONE plan — one seed, one block length: the "auto" length (:func:`alphacheck._resample.resolve_block_length`)
of every series those tests resample (the returns, the regression scores x_t e_t, the hedged book), the
maximum over them, so every test's dependence is covered — and reduces it, in one streamed pass, to the block
moments each test needs:
x − x̄ for the mean, (z, z²) for the Sharpe ratio, the regression product columns for the paired bootstrap,
h − h̄ for the hedged book, and with ``compare_to`` (r, r_inc, r², r_inc²) for the Ledoit–Wolf
Sharpe-difference test (these columns do not enter the block length and are reduced in a call of their own on the
same plan, so comparing changes none of the other numbers). Each test then reads its pivots off its own columns
(cross moments are taken only within a test's columns). The cost break-evens come from the same replicates
(:mod:`alphacheck._audit.costs`), so nothing is redrawn.

Each test on its own, with the same ``seed`` and ``block_length``, gives the audit's numbers (to rounding: the
engine maps the audit's dependent columns through independent ones):
``mean_test(returns, block_length=report.settings["block length"], seed=...)`` and so on.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from alphacheck._audit.data import AuditData
from alphacheck._ols import RegressionColumns, ols, regression_columns
from alphacheck._resample import BlockMoments, resolve_block_length, streamed_block_moments

__all__ = ["SharedBootstrap", "shared_bootstrap"]


@dataclasses.dataclass(frozen=True)
class SharedBootstrap:
    """Block moments of every series the audit resamples, split per test."""

    block_length: float
    mean: BlockMoments
    sharpe: BlockMoments
    regression: BlockMoments | None
    regression_columns: RegressionColumns | None
    hedged: BlockMoments | None
    hedged_returns: np.ndarray | None
    hedge_beta: float | None
    compare: BlockMoments | None = None  # (r, incumbent, r², incumbent²) for the Ledoit-Wolf test (compare_to)


def _sub(mom: BlockMoments, cols: list[int]) -> BlockMoments:
    ix = np.asarray(cols)
    cross = mom.cross[:, ix][:, :, ix]
    if len(cols) == 1:
        return BlockMoments(mom.sums[:, ix[0]], cross[:, 0, 0], mom.length_sums[:, ix[0]], mom.length_squares)
    return BlockMoments(mom.sums[:, ix], cross, mom.length_sums[:, ix], mom.length_squares)


def shared_bootstrap(d: AuditData) -> SharedBootstrap:
    """Draw the audit's one plan and reduce it to every test's block moments."""
    r = d.returns
    mean, sd = float(r.mean()), float(r.std(ddof=1))
    z = (r - mean) / sd
    blocks = [(r - mean)[:, None], np.column_stack([z, z * z])]
    pw_series = [r[:, None]]
    rc = hedged = beta = None
    if d.regression is not None:
        reg = d.regression
        fit = reg.fit
        rc = regression_columns(reg.y, reg.X)
        beta = float(ols(r, reg.X[:, :2]).coef[1])
        hedged = r - beta * reg.X[:, 1]
        blocks += [rc.products, (hedged - hedged.mean())[:, None]]
        pw_series += [reg.X * fit.resid[:, None], hedged[:, None]]
    b = resolve_block_length("auto", np.column_stack(pw_series), "stationary")
    x = np.column_stack(blocks)
    starts = np.cumsum([0] + [blk.shape[1] for blk in blocks])
    groups = [list(range(starts[i], starts[i + 1])) for i in range(len(blocks))]
    pairs = [(i, j) for g in groups for a, i in enumerate(g) for j in g[a:]]
    mom = streamed_block_moments(x, d.reps, "stationary", b, d.seed, n_jobs=d.n_jobs, pairs=pairs)
    compare = None
    if d.incumbent is not None:
        # the same plan (seed, block length) in a call of its own: the engine maps dependent columns through the
        # independent ones, so extra columns in the main call would move the other tests' last bits
        from alphacheck.compare import lw_columns

        compare = streamed_block_moments(lw_columns(r, d.incumbent), d.reps, "stationary", b, d.seed,
                                         n_jobs=d.n_jobs)
    return SharedBootstrap(
        block_length=float(b), mean=_sub(mom, groups[0]), sharpe=_sub(mom, groups[1]),
        regression=_sub(mom, groups[2]) if rc is not None else None, regression_columns=rc,
        hedged=_sub(mom, groups[3]) if rc is not None else None, hedged_returns=hedged, hedge_beta=beta,
        compare=compare)
