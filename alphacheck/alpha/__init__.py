"""Alpha and beta: Jensen regressions; alpha through time (rolling, breaks, decay); conditional, multi-factor alpha."""

from alphacheck.alpha.breaks import (
    AlphaDecayResult,
    BreakDatesResult,
    BreakTestResult,
    alpha_decay,
    break_dates,
    break_test,
    fluctuation_test,
)
from alphacheck.alpha.conditional import ConditionalAlphaResult, conditional_alpha
from alphacheck.alpha.factors import FactorAlphaResult, factor_alpha, read_factors, read_french_factors
from alphacheck.alpha.jensen import (
    AlphaResult,
    UpDownBetaResult,
    beta_adjusted,
    jensen_alpha,
    spread_test,
    updown_beta,
)
from alphacheck.alpha.rolling import RollingAlphaResult, expanding_alpha, rolling_alpha

__all__ = ["AlphaResult", "UpDownBetaResult", "beta_adjusted", "jensen_alpha", "spread_test", "updown_beta",
           "RollingAlphaResult", "rolling_alpha", "expanding_alpha",
           "BreakTestResult", "BreakDatesResult", "AlphaDecayResult", "break_test", "fluctuation_test", "break_dates",
           "alpha_decay", "ConditionalAlphaResult", "conditional_alpha",
           "FactorAlphaResult", "factor_alpha", "read_french_factors", "read_factors"]
