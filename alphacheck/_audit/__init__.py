"""The audit: one call runs the battery of checks and says whether a strategy's returns are alpha.

Layout: :mod:`.data` validates every input once into an :class:`~._audit.data.AuditData`; :mod:`.checks`
holds one small function per check, each returning a typed :class:`Check`; :mod:`.costs` reads the cost
break-evens off the fitted tests; :mod:`.verdict` is the rule table; :mod:`.report` the
:class:`AuditReport` and its rendering.

=================  ===========================================================================  ======
check              what it runs                                                                  lesson
=================  ===========================================================================  ======
mean               studentised stationary-bootstrap mean test, H1: mean > 0 (HAC t beside it)    —
sharpe             studentised bootstrap Sharpe test, H1: Sharpe > 0                             —
psr                probabilistic Sharpe ratio vs 0 (Bailey & López de Prado 2012)                —
dsr                deflated Sharpe ratio given n_trials (Bailey & López de Prado 2014)           2
haircut_sharpe     Harvey & Liu (2015) haircut for n_trials                                      2
pbo                CSCV PBO on the T x N grid of trial returns                                   2
jensen_alpha       HAC and studentised paired-bootstrap alpha, two-sided, alpha > 0 needed       1
updown_beta        up/down betas (Henriksson–Merton / Pettengill et al.)                         1
market_neutral     mean test of the beta-hedged book                                             7
consistency        mean per calendar year (DatetimeIndex) / per split / per third                —
drawdown           max drawdown, its dates, longest time under water, its bootstrap percentile    —
alpha_stability    HAC sup-LM test of a break in alpha (date, alpha before/after), a note        —
performance_summary Sortino, Calmar, Omega, VaR/CVaR, ... with standard errors (a table)          —
cost_sensitivity   extra cost at which the mean — and the alpha — stops being significant        4
sharpe_diff        (compare_to) Ledoit–Wolf bootstrap of SR − SR(incumbent), informational         —
diebold_mariano    (compare_to) Diebold–Mariano, fixed-b, of the return differential, informational  —
=================  ===========================================================================  ======

Deflated Sharpe without trial returns: the DSR needs the variance of the trials' Sharpe ratios; without
``trials`` the audit assumes skill-less independent variants, whose Sharpe estimates scatter with the
sampling variance of a Sharpe estimate on this sample (normal-iid, Lo 2002). Correlated variants have a
smaller variance: pass ``trials`` when you have them.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from alphacheck._audit.checks import Check, run_checks
from alphacheck._audit.costs import cost_unit_text
from alphacheck._audit.data import AuditData, prepare_audit_data
from alphacheck._audit.family import FamilyReport, audit_family
from alphacheck._audit.report import AuditReport
from alphacheck._audit.verdict import VERDICTS, decide_verdict, evidence_from_checks
from alphacheck._resample import single_thread_blas

__all__ = ["audit", "AuditReport", "Check", "VERDICTS", "audit_family", "FamilyReport"]


def _settings(d: AuditData) -> dict[str, Any]:
    out: dict[str, Any] = {"observations": d.n}
    if d.index is not None and hasattr(d.index, "date") and len(d.index):
        out["first"], out["last"] = str(d.index[0].date()), str(d.index[-1].date())
    reg = d.regression
    out.update({
        "benchmark": "given" if reg is not None else "none",
        "controls": 0 if reg is None else reg.X.shape[1] - 2 - len(reg.states),
        "states (centred)": "none" if reg is None or not reg.states else ", ".join(reg.states),
        "n_trials": d.n_trials,
        **({"effective trials": round(d.effective_trials.n_effective + d.n_trials - d.effective_trials.n_trials, 2)}
           if d.effective_trials is not None else {}),
        **({"compare_to": "given"} if d.incumbent is not None else {}),
        "cost_bps": d.cost_bps,
        "cost unit": cost_unit_text(d.cost_per),
        "periods_per_year": d.periods_per_year if d.periods_per_year is not None else "unknown",
        "periods_per_year_source": d.periods_per_year_source,
        "alpha_level": d.alpha_level,
        "reps": d.reps,
        "seed": d.seed_label,
    })
    return out


def audit(returns: ArrayLike, benchmark: ArrayLike | None = None, controls: ArrayLike | None = None,
          states: ArrayLike | None = None, *, n_trials: int = 1, trials: ArrayLike | None = None,
          periods_per_year: float | None = None, cost_bps: float = 0.0,
          cost_per: Literal["trade", "observation", "turnover"] = "trade", turnover: ArrayLike | None = None,
          splits: Any = None, reps: int = 9_999, seed: Any = 0, alpha_level: float = 0.05,
          n_jobs: int | None = None, meaningful_alpha: float | None = None,
          check_returns: bool = True, compare_to: ArrayLike | None = None) -> AuditReport:
    """Audit a strategy's returns: is it alpha, or beta, luck and overfitting?

    Parameters
    ----------
    returns : array_like
        Per-period or per-trade returns (Series, 1-D array, list), gross of ``cost_bps``.
    benchmark : array_like or None
        The benchmark's return on the same observations (per trade: over the same holding window);
        pandas inputs are aligned on the index, arrays must have equal lengths.
    controls : array_like or None
        Traded factor returns for the Jensen regression (uncentred).
    states : array_like or None
        State variables (volatility, funding, spreads): centred, so the alpha is at the average state.
    n_trials : int
        How many strategy variants were tried before this one (grid size, research iterations).
    trials : array_like or None
        (T x N) returns of the N variants on the same T observations: PBO, the measured trial-Sharpe
        variance for the DSR, and n_trials = max(n_trials, N); the DSR and the haircut use the *effective*
        number of independent trials (:func:`alphacheck.overfitting.effective_trials`), reported beside N.
    periods_per_year : float or None
        Observations per year, to annualise Sharpe ratios only (inferred from a DatetimeIndex otherwise);
        for per-trade returns, trades per year.
    cost_bps : float
        Round-trip cost in basis points, deducted before testing (0 when the returns are already net).
    cost_per : {"trade", "observation", "turnover"}
        What one cost is charged for: "trade" (each observation is one round trip — per-trade returns),
        "observation" (a round trip every period), "turnover" (cost_bps times ``turnover``, the fraction of
        capital traded each period). The report prints the cost in this unit.
    turnover : array_like or None
        Per-observation turnover for ``cost_per="turnover"``.
    splits : splitter or list of index arrays or None
        Sub-periods for the consistency check (default: calendar years with a DatetimeIndex, else thirds).
    reps, seed : int, seed
        Bootstrap replicates and seed (same seed, same report).
    alpha_level : float
        Level of every test and of the verdict rules.
    n_jobs : int or None
        Threads of the bootstrap engines (results do not depend on it).
    meaningful_alpha : float or None
        The alpha (per observation, return units) that would matter economically: "alpha ruled out" means
        the data exclude an alpha this large (equivalence test at ``alpha_level``). Default: half the
        strategy's mean return — "alpha ruled out" then means alpha is not most of the return.
    check_returns : bool
        Refuse inputs that look like prices, cumulative curves, percent units or positions.
    compare_to : array_like or None
        The incumbent's returns on the same observations ("is it better than what I run now?"): adds the
        checks ``sharpe_diff`` (Ledoit & Wolf 2008 studentised bootstrap, on the audit's own plan) and
        ``diebold_mariano`` (fixed-b). Informational: the verdict rules do not read them.

    Returns
    -------
    AuditReport

    References
    ----------
    See each check's function; the rule table is in :mod:`alphacheck._audit.verdict` and docs/verdict.md.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> bench = rng.normal(0.0005, 0.01, 750)
    >>> strat = 1.1 * bench + rng.normal(0, 0.004, 750)
    >>> report = audit(strat, bench, reps=499)
    >>> report.verdict in ("beta, not alpha (alpha ruled out)", "beta, not alpha (alpha unproven)", "not significant")
    True
    """
    d = prepare_audit_data(returns, benchmark, controls, states, n_trials=n_trials, periods_per_year=periods_per_year,
                           cost_bps=cost_bps, cost_per=cost_per, turnover=turnover, trials=trials, seed=seed, reps=reps,
                           alpha_level=alpha_level, n_jobs=n_jobs, check_returns=check_returns,
                           meaningful_alpha=meaningful_alpha, compare_to=compare_to)
    with single_thread_blas():  # its products are small; OpenBLAS threads spinning between them slow the engines' own
        checks, periods, block_length = run_checks(d, splits)
    evidence = evidence_from_checks(checks, alpha_level=d.alpha_level, n_trials=d.n_trials,
                                    has_benchmark=d.regression is not None)
    verdict, rule, reasons = decide_verdict(evidence, checks)
    settings = _settings(d)
    settings["block length"] = block_length
    given = int(np.shape(returns)[0]) if np.ndim(returns) else settings["observations"]
    if settings["observations"] < given:  # dated inputs: only the dates every input covers are audited
        reasons = (*reasons, f"note: the audit used {settings['observations']:,} of the {given:,} returns rows "
                             f"({settings['first']} to {settings['last']}: the dates every input covers)")
    return AuditReport(verdict=verdict, rule=rule, reasons=reasons, checks=checks, settings=settings,
                       periods=periods, data=d)
