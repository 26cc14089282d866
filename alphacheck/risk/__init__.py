"""Path risk: drawdowns of the compounded equity curve, their bootstrap laws and tests, and metrics with errors."""

from alphacheck.risk.drawdown import (
    DrawdownResult,
    drawdown_episodes,
    drawdown_series,
    equity_curve,
    max_drawdown,
    worst_losing_streak,
)
from alphacheck.risk.inference import (
    DrawdownDistributionResult,
    drawdown_distribution,
    drawdown_test,
    expected_max_drawdown,
)
from alphacheck.risk.metrics import PerformanceSummary, performance_summary

__all__ = ["DrawdownResult", "drawdown_episodes", "drawdown_series", "equity_curve", "max_drawdown",
           "worst_losing_streak", "DrawdownDistributionResult", "drawdown_distribution", "drawdown_test",
           "expected_max_drawdown", "PerformanceSummary", "performance_summary"]
