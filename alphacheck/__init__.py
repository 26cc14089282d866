"""alphacheck: honest statistics for trading strategies — alpha, or beta, luck and overfitting?

The public API is re-exported here, grouped by the module that holds it; see docs/ for the
methodology guide and docs/api.md for the reference.
"""

from alphacheck._inputs import InputError
from alphacheck.results import ConfidenceInterval, Result, TestResult

# resampling engines and long-run variance
from alphacheck.resample import (
    BlockMoments, BlockPlan, block_length, bootstrap_indices, bootstrap_plan, bootstrap_statistic,
    resampled_block_moments, resampled_sums, resolve_block_length, streamed_block_moments, streamed_sums,
)
from alphacheck.long_run_variance import LongRunVariance, long_run_variance

# tests of a return series
from alphacheck.significance import bootstrap_pvalue, mean_test, permutation_test, sharpe_test
from alphacheck.sharpe import (
    deflated_sharpe_ratio, deflated_sharpe_ratio_from_stats, expected_max_sharpe, min_track_record_length, probabilistic_sharpe_ratio,
    sharpe_ratio, sharpe_se,
)

# alpha and beta
from alphacheck.alpha import AlphaResult, UpDownBetaResult, beta_adjusted, jensen_alpha, spread_test, updown_beta

# signals and events
from alphacheck.ic import (
    ICResult, QuantileResult, forward_returns, ic_decay, ic_test, information_coefficient, quantile_returns,
)
from alphacheck.events import EventStudyResult, event_study, event_trades

# splitting, walk-forward, overfitting
from alphacheck.splits import CalendarWindows, CombinatorialPurgedCV, PurgedKFold, WalkForward
from alphacheck.walkforward import WalkForwardResult, walk_forward
from alphacheck.overfitting import (
    FamilyTestResult, HaircutResult, PBOResult, adjust_pvalues, haircut_sharpe, pbo, reality_check, spa, stepm,
)

# performance path
from alphacheck.drawdown import (
    DrawdownResult, drawdown_episodes, drawdown_series, equity_curve, max_drawdown, worst_losing_streak,
)

# the one call
from alphacheck.audit import AuditReport, Check, audit
from alphacheck.verdict import VERDICTS, decide_verdict

__version__ = "0.1.0"

__all__ = [
    "__version__", "InputError", "ConfidenceInterval", "Result", "TestResult",
    # resampling
    "BlockPlan", "BlockMoments", "block_length", "resolve_block_length", "bootstrap_plan", "bootstrap_indices",
    "bootstrap_statistic", "resampled_sums", "resampled_block_moments", "streamed_sums", "streamed_block_moments",
    "long_run_variance", "LongRunVariance",
    # return-series tests
    "mean_test", "sharpe_test", "bootstrap_pvalue", "permutation_test",
    "sharpe_ratio", "sharpe_se", "probabilistic_sharpe_ratio", "deflated_sharpe_ratio", "deflated_sharpe_ratio_from_stats",
    "min_track_record_length",
    "expected_max_sharpe",
    # alpha and beta
    "jensen_alpha", "spread_test", "updown_beta", "beta_adjusted", "AlphaResult", "UpDownBetaResult",
    # signals and events
    "information_coefficient", "ic_test", "quantile_returns", "ic_decay", "forward_returns", "ICResult",
    "QuantileResult", "event_study", "event_trades", "EventStudyResult",
    # splitting, walk-forward, overfitting
    "WalkForward", "CalendarWindows", "PurgedKFold", "CombinatorialPurgedCV", "walk_forward", "WalkForwardResult",
    "pbo", "PBOResult", "haircut_sharpe", "HaircutResult", "adjust_pvalues", "reality_check", "spa", "stepm",
    "FamilyTestResult",
    # performance path
    "equity_curve", "drawdown_series", "drawdown_episodes", "max_drawdown", "worst_losing_streak",
    "DrawdownResult",
    # audit
    "audit", "AuditReport", "Check", "VERDICTS", "decide_verdict",
]
