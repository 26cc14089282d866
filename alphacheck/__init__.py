"""alphacheck: honest statistics for trading strategies — alpha, or beta, luck and overfitting?

The public API is re-exported here; see docs/ for the methodology guide.
"""

from alphacheck._inputs import InputError
from alphacheck.results import ConfidenceInterval, Result, TestResult
from alphacheck.splits import CalendarWindows, CombinatorialPurgedCV, PurgedKFold, WalkForward
from alphacheck.walkforward import WalkForwardResult, walk_forward

__version__ = "0.1.0"

__all__ = ["InputError", "ConfidenceInterval", "Result", "TestResult", "__version__"]
__all__ += ["WalkForward", "CalendarWindows", "PurgedKFold", "CombinatorialPurgedCV", "walk_forward", "WalkForwardResult"]
