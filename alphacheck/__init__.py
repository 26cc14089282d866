"""alphacheck: honest statistics for trading strategies — alpha, or beta, luck and overfitting?

The public API, grouped by what it answers. Every test returns a result with ``statistic``, ``pvalue``,
``alternative``, ``null``, ``estimate``, ``method``, ``n`` and ``confidence_interval()``; data arguments
are positional, options keyword-only, and one name means one thing everywhere (docs/architecture.md).
The methodology guide is in docs/; the API reference in docs/api.md.
"""

from importlib.metadata import PackageNotFoundError, version

# the one call
from alphacheck._audit import VERDICTS, AuditReport, Check, FamilyReport, audit, audit_family
from alphacheck._hac import LongRunVariance, long_run_variance, newey_west_lags
from alphacheck._inputs import InputError

# resampling and long-run variance
from alphacheck._resample import bootstrap_indices, bootstrap_statistic, optimal_block_length
from alphacheck._results import ConfidenceInterval, NoIntervalError, Result, TestResult

# alpha or beta?
from alphacheck.alpha import (
    AlphaDecayResult,
    AlphaResult,
    BreakDatesResult,
    BreakTestResult,
    ConditionalAlphaResult,
    FactorAlphaResult,
    RollingAlphaResult,
    UpDownBetaResult,
    alpha_decay,
    beta_adjusted,
    break_dates,
    break_test,
    conditional_alpha,
    expanding_alpha,
    factor_alpha,
    fluctuation_test,
    jensen_alpha,
    read_factors,
    read_french_factors,
    rolling_alpha,
    spread_test,
    updown_beta,
)

# better than the incumbent?
from alphacheck.compare import (
    SharpeEqualityResult,
    diebold_mariano,
    giacomini_white,
    sharpe_difference,
    sharpe_equality,
)
from alphacheck.events import EventStudyResult, event_study, event_trades

# signals and events
from alphacheck.ic import (
    ICResult,
    QuantileResult,
    forward_returns,
    ic_decay,
    ic_test,
    information_coefficient,
    quantile_returns,
)
from alphacheck.overfitting import (
    EffectiveTrialsResult,
    FamilyTestResult,
    FDRResult,
    HaircutResult,
    MCSResult,
    PBOResult,
    adjust_pvalues,
    effective_trials,
    false_discovery_control,
    haircut_sharpe,
    model_confidence_set,
    pbo,
    reality_check,
    spa,
    stepm,
    storey_pi0,
)

# what could the data have detected?
from alphacheck.power import PowerResult, equivalence_bound, power_analysis

# path risk
from alphacheck.risk import (
    DrawdownDistributionResult,
    DrawdownResult,
    PerformanceSummary,
    drawdown_distribution,
    drawdown_episodes,
    drawdown_series,
    drawdown_test,
    equity_curve,
    expected_max_drawdown,
    max_drawdown,
    performance_summary,
    worst_losing_streak,
)
from alphacheck.sharpe import (
    SharpeProbabilityResult,
    deflated_sharpe_ratio,
    deflated_sharpe_ratio_from_stats,
    expected_max_sharpe,
    min_track_record_length,
    probabilistic_sharpe_ratio,
    sharpe_ratio,
    sharpe_se,
)

# is the mean / the Sharpe ratio real?
from alphacheck.significance import bootstrap_test, mean_test, permutation_test, sharpe_test

# splitting, walk-forward, overfitting and data snooping
from alphacheck.splits import CalendarWindows, CombinatorialPurgedCV, PurgedKFold, WalkForward
from alphacheck.walkforward import WalkForwardResult, walk_forward

try:
    __version__ = version("alphacheck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "__version__", "InputError", "ConfidenceInterval", "NoIntervalError", "Result", "TestResult",
    "bootstrap_indices", "bootstrap_statistic", "optimal_block_length", "long_run_variance", "LongRunVariance",
    "newey_west_lags",
    "mean_test", "sharpe_test", "bootstrap_test", "permutation_test",
    "sharpe_ratio", "sharpe_se", "probabilistic_sharpe_ratio", "deflated_sharpe_ratio",
    "deflated_sharpe_ratio_from_stats", "min_track_record_length", "expected_max_sharpe", "SharpeProbabilityResult",
    "power_analysis", "equivalence_bound", "PowerResult",
    "jensen_alpha", "spread_test", "updown_beta", "beta_adjusted", "AlphaResult", "UpDownBetaResult",
    "rolling_alpha", "expanding_alpha", "RollingAlphaResult", "break_test", "fluctuation_test", "break_dates",
    "alpha_decay", "BreakTestResult", "BreakDatesResult", "AlphaDecayResult", "conditional_alpha",
    "ConditionalAlphaResult", "factor_alpha", "FactorAlphaResult", "read_french_factors", "read_factors",
    "information_coefficient", "ic_test", "quantile_returns", "ic_decay", "forward_returns", "ICResult",
    "QuantileResult", "event_study", "event_trades", "EventStudyResult",
    "WalkForward", "CalendarWindows", "PurgedKFold", "CombinatorialPurgedCV", "walk_forward", "WalkForwardResult",
    "pbo", "PBOResult", "haircut_sharpe", "HaircutResult", "adjust_pvalues", "reality_check", "spa", "stepm",
    "FamilyTestResult",
    "equity_curve", "drawdown_series", "drawdown_episodes", "max_drawdown", "worst_losing_streak", "DrawdownResult",
    "drawdown_distribution", "drawdown_test", "expected_max_drawdown", "DrawdownDistributionResult",
    "performance_summary", "PerformanceSummary",
    "audit", "AuditReport", "Check", "VERDICTS",
    "sharpe_difference", "sharpe_equality", "diebold_mariano", "giacomini_white", "SharpeEqualityResult",
    "model_confidence_set", "MCSResult", "false_discovery_control", "storey_pi0", "FDRResult",
    "effective_trials", "EffectiveTrialsResult", "audit_family", "FamilyReport",
]
