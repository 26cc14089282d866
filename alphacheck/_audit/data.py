"""The audit's inputs, validated once: every check reads this object and never re-validates."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from alphacheck._inputs import (
    InputError,
    align,
    as_matrix,
    as_returns,
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_plausible,
    check_positive,
    check_probability,
    check_reps,
    check_seed,
)
from alphacheck.alpha.jensen import RegressionData, prepare_regression

_BPS = 1e-4
COST_UNITS = ("trade", "observation", "turnover")


@dataclasses.dataclass(frozen=True)
class AuditData:
    """Validated audit inputs.

    ``returns`` are net of costs (``gross`` minus the cost of each observation); ``regression`` holds the
    aligned Jensen design on the net returns (None without a benchmark). ``incumbent`` (``compare_to``) is
    taken as given (net); ``effective_trials`` is the effective number of independent trials of ``trials``.
    """

    gross: np.ndarray
    returns: np.ndarray
    costs: np.ndarray
    benchmark: np.ndarray | None
    regression: RegressionData | None
    index: pd.Index | None
    periods_per_year: float | None
    periods_per_year_source: str
    cost_bps: float
    cost_per: str
    turnover: np.ndarray | None
    trials: np.ndarray | None
    trial_names: list
    n_trials: int
    alpha_level: float
    reps: int
    seed: np.random.SeedSequence
    seed_label: Any
    n_jobs: int | None
    meaningful_alpha: float | None = None
    incumbent: np.ndarray | None = None  # compare_to: the incumbent's returns on the same observations
    effective_trials: Any = None  # EffectiveTrialsResult of ``trials`` (None without trials)

    @property
    def n(self) -> int:
        return int(self.returns.size)


def _annualisation(index: pd.Index | None, n: int, periods_per_year: Any) -> tuple[float | None, str]:
    if periods_per_year is not None:
        return check_positive(periods_per_year, "periods_per_year"), "given"
    if isinstance(index, pd.DatetimeIndex) and n >= 2:
        years = (index[-1] - index[0]) / pd.Timedelta(days=365.25)
        if years > 0:
            return (n - 1) / years, "inferred from the dates"  # n observations span n - 1 gaps
    return None, "unknown"


def prepare_audit_data(returns: Any, benchmark: Any, controls: Any, states: Any, *, n_trials: Any,
                       periods_per_year: Any, cost_bps: Any, cost_per: Any, turnover: Any, trials: Any,
                       seed: Any, reps: Any, alpha_level: Any, n_jobs: Any, check_returns: bool,
                       meaningful_alpha: Any = None, compare_to: Any = None) -> AuditData:
    """Validate every audit input once and return the :class:`AuditData` all checks share."""
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    check_returns = check_bool(check_returns, "check_returns")
    reps = check_reps(reps)
    alpha_level = check_probability(alpha_level, "alpha_level")
    cost = check_number(cost_bps, "cost_bps", minimum=0)
    cost_per = check_choice(cost_per, "cost_per", COST_UNITS)
    if cost_per == "turnover" and turnover is None:
        raise InputError("turnover", "is required with cost_per='turnover' (the fraction of capital traded in "
                                     "each period, aligned with returns)")
    if turnover is not None and cost_per != "turnover":
        raise InputError("turnover", "is only used with cost_per='turnover'")
    given_ppy = None if periods_per_year is None else check_positive(periods_per_year, "periods_per_year")
    seed_label = seed if isinstance(seed, (int, np.integer)) else type(seed).__name__
    root = check_seed(seed)
    if benchmark is None:
        for name, value in (("controls", controls), ("states", states)):
            if value is not None:
                raise InputError(name, "needs a benchmark (it enters the Jensen regression)")
    regression = None
    if benchmark is not None:
        # the design is built on gross returns and shifted to net below (a cost per observation moves
        # only the intercept; with turnover costs the net series is re-aligned)
        regression = prepare_regression(returns, benchmark, controls, states, check_returns=check_returns,
                                        periods_per_year=given_ppy)
        gross, index = regression.y, regression.index
        bench = regression.X[:, 1].copy()
    else:
        chk = as_returns(returns, "returns", min_obs=10, require_variance=True, check_returns=check_returns,
                         periods_per_year=given_ppy)
        gross, index, bench = chk.values, chk.index, None
    n = gross.size
    if n < 10:
        raise InputError("returns", f"needs at least 10 observations, got {n}")
    if cost_per == "turnover":
        (tau,), _ = align([("turnover", turnover)], min_obs=1)
        if tau.ndim != 1 or tau.size != n:
            raise InputError("turnover", f"must be one value per observation of returns ({n}), got {tau.shape}")
        if (tau < 0).any():
            raise InputError("turnover", "must be >= 0 (the fraction of capital traded)")
        if not tau.mean() > 0:
            raise InputError("turnover", "is zero everywhere: nothing is traded, so no cost applies")
        costs = cost * _BPS * tau
    else:
        tau = None
        costs = np.full(n, cost * _BPS)
    net = gross - costs
    if (net <= -1.0).any():
        i = int(np.flatnonzero(net <= -1.0)[0])
        raise InputError("returns", f"{int((net <= -1.0).sum())} return(s) net of costs are <= -100 % (first at "
                                    f"position {i}: {net[i]:g}); a simple return cannot lose more than everything "
                                    "— are these percent (divide by 100) or log returns (np.expm1)?")
    if regression is not None:
        regression = dataclasses.replace(regression, y=net)
    trial_mat, trial_names, eff = None, [], None
    if trials is not None:
        m = as_matrix(trials, "trials", min_obs=8, min_cols=2)
        trial_mat, trial_names = m.values, list(m.columns)
        if check_returns:
            for j in range(min(trial_mat.shape[1], 50)):  # the first 50 columns tell what the grid holds
                check_plausible(trial_mat[:, j], m.index, f"trials[{trial_names[j]!r}]", periods_per_year=given_ppy)
        n_trials = max(n_trials, trial_mat.shape[1])
        from alphacheck.overfitting.trials import effective_trials

        eff = effective_trials(trial_mat)
    incumbent = None if compare_to is None else _incumbent(compare_to, index, n, check_returns)
    ppy, source = _annualisation(index, n, periods_per_year)
    return AuditData(gross=gross, returns=net, costs=costs, benchmark=bench, regression=regression, index=index,
                     periods_per_year=ppy, periods_per_year_source=source, cost_bps=cost, cost_per=cost_per, turnover=tau,
                     trials=trial_mat, trial_names=trial_names, n_trials=n_trials, alpha_level=alpha_level, reps=reps,
                     seed=root, seed_label=seed_label, n_jobs=n_jobs,
                     meaningful_alpha=None if meaningful_alpha is None else check_number(meaningful_alpha,
                                                                                          "meaningful_alpha",
                                                                                          minimum=0.0),
                     incumbent=incumbent, effective_trials=eff)


def _incumbent(compare_to: Any, index: pd.Index | None, n: int, check_returns: bool) -> np.ndarray:
    """The incumbent's returns on the audited observations: aligned on the dates when both are pandas with a
    DatetimeIndex-like index, else one value per observation."""
    if index is not None and isinstance(compare_to, (pd.Series, pd.DataFrame)):
        frame = compare_to if isinstance(compare_to, pd.Series) else compare_to.squeeze(axis=1)
        frame = frame.reindex(index)
        if frame.isna().any():
            raise InputError("compare_to", f"misses {int(frame.isna().sum())} of the {n} audited observations (it must "
                                           "cover the same dates as returns)")
        values = as_returns(frame, "compare_to", min_obs=10, require_variance=True,
                            check_returns=check_returns).values
    else:
        values = as_returns(compare_to, "compare_to", min_obs=10, require_variance=True,
                            check_returns=check_returns).values
        if values.size != n:
            raise InputError("compare_to", f"must have one value per observation of returns ({n}), got {values.size}")
    return values
