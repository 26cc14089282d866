"""alphacheck: honest statistics for trading strategies — alpha, or beta, luck and overfitting?

The public API is re-exported here; see docs/ for the methodology guide.
"""

from alphacheck._inputs import InputError
from alphacheck.results import ConfidenceInterval, Result, TestResult
from alphacheck.splits import CalendarWindows, CombinatorialPurgedCV, PurgedKFold, WalkForward
from alphacheck.walkforward import WalkForwardResult, walk_forward
from alphacheck.overfitting import (
    FamilyTestResult, HaircutResult, PBOResult, adjust_pvalues, haircut_sharpe, pbo, reality_check, spa, stepm,
)
from alphacheck.ic import (
    ICResult, QuantileResult, forward_returns, ic_decay, ic_test, information_coefficient, quantile_returns,
)
from alphacheck.events import EventStudyResult, event_study, event_trades
from alphacheck.alpha import AlphaResult, UpDownBetaResult, beta_adjusted, jensen_alpha, spread_test, updown_beta
from alphacheck.significance import bootstrap_pvalue, mean_test, permutation_test, sharpe_test
from alphacheck.sharpe import (
    deflated_sharpe_ratio, expected_max_sharpe, min_track_record_length, probabilistic_sharpe_ratio,
    sharpe_ratio, sharpe_se,
)
from alphacheck.resample import (
    BlockMoments, BlockPlan, block_length, bootstrap_indices, bootstrap_plan, bootstrap_statistic,
    resampled_block_moments, resampled_sums, streamed_block_moments, streamed_sums,
)
from alphacheck.long_run_variance import LongRunVariance, long_run_variance
from alphacheck.audit import AuditReport, Check, audit
from alphacheck.verdict import VERDICTS, decide_verdict

__version__ = "0.1.0"

__all__ = ["InputError", "ConfidenceInterval", "Result", "TestResult", "__version__"]
__all__ += ["WalkForward", "CalendarWindows", "PurgedKFold", "CombinatorialPurgedCV", "walk_forward", "WalkForwardResult"]
__all__ += ["pbo", "PBOResult", "haircut_sharpe", "HaircutResult", "adjust_pvalues", "reality_check", "spa", "stepm", "FamilyTestResult"]
__all__ += ["information_coefficient", "ic_test", "quantile_returns", "ic_decay", "forward_returns", "ICResult", "QuantileResult"]
__all__ += ["event_study", "event_trades", "EventStudyResult"]
__all__ += ["jensen_alpha", "spread_test", "updown_beta", "beta_adjusted", "AlphaResult", "UpDownBetaResult"]
__all__ += ["audit", "AuditReport", "Check", "VERDICTS", "decide_verdict"]
__all__ += ["mean_test", "sharpe_test", "bootstrap_pvalue", "permutation_test"]
__all__ += ["sharpe_ratio", "sharpe_se", "probabilistic_sharpe_ratio", "deflated_sharpe_ratio", "min_track_record_length", "expected_max_sharpe"]
__all__ += ["BlockPlan", "BlockMoments", "block_length", "bootstrap_plan", "bootstrap_indices", "bootstrap_statistic",
            "resampled_sums", "resampled_block_moments", "streamed_sums", "streamed_block_moments",
            "long_run_variance", "LongRunVariance"]
