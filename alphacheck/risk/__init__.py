"""Path risk: drawdowns of the compounded equity curve (and, with the metrics issue, their inference)."""

from alphacheck.risk.drawdown import (
    DrawdownResult,
    drawdown_episodes,
    drawdown_series,
    equity_curve,
    max_drawdown,
    worst_losing_streak,
)

__all__ = ["DrawdownResult", "drawdown_episodes", "drawdown_series", "equity_curve", "max_drawdown",
           "worst_losing_streak"]
