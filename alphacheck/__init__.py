"""alphacheck: honest statistics for trading strategies — alpha, or beta, luck and overfitting?

The public API, grouped by what it answers. Every test returns a result with ``statistic``, ``pvalue``,
``alternative``, ``null``, ``estimate``, ``method``, ``n`` and ``confidence_interval()``; data arguments
are positional, options keyword-only, and one name means one thing everywhere (docs/architecture.md).
The methodology guide is in docs/; the API reference in docs/api.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# ``import alphacheck`` loads none of its modules (PEP 562): each public name is imported from its home on first
# use, so the import costs ~0.05 s instead of ~1.2 s (numpy, pandas and scipy.stats; measured on a 2-core
# machine) and a script that needs one test loads only that test's modules. The imports below are the one list
# of homes: read for the type checker, and parsed (``_homes``) for the run-time lookup.
if TYPE_CHECKING:
    __version__: str

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


# the modules those imports read, for an install without this file's source (a frozen application): then a name is
# looked up in each in turn (tests/alphacheck/test_blocklength.py checks the two lists agree)
_MODULES = ("alphacheck._audit", "alphacheck._hac", "alphacheck._inputs", "alphacheck._resample", "alphacheck._results",
            "alphacheck.alpha", "alphacheck.compare", "alphacheck.events", "alphacheck.ic", "alphacheck.overfitting",
            "alphacheck.power", "alphacheck.risk", "alphacheck.sharpe", "alphacheck.significance", "alphacheck.splits",
            "alphacheck.walkforward")


def _homes() -> dict[str, str]:
    """{public name: defining module}, read from the ``if TYPE_CHECKING:`` imports of this file."""
    import ast
    from pathlib import Path

    try:
        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    except OSError:  # no source: every public module is imported and searched
        return {name: module for module in _MODULES for name in __all__
                if hasattr(importlib.import_module(module), name)}
    guard = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    return {alias.asname or alias.name: str(node.module) for node in guard.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}


_HOMES: dict[str, str] = {}
_SUBMODULES = frozenset({"alpha", "cli", "compare", "events", "ic", "overfitting", "power", "report", "risk",
                         "sharpe", "significance", "splits", "walkforward"})


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: Any = version("alphacheck")
        except PackageNotFoundError:  # running from a source tree that was never installed
            value = "0+unknown"
    elif name in _SUBMODULES:
        value = importlib.import_module(f"alphacheck.{name}")
    else:
        if not _HOMES:
            _HOMES.update(_homes())
        if name not in _HOMES:
            raise AttributeError(f"module 'alphacheck' has no attribute {name!r}")
        value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
