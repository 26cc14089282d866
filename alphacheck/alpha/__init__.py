"""Alpha and beta: Jensen regressions with traded factors and state variables, spread tests, up/down beta."""

from alphacheck.alpha.jensen import (
    AlphaResult,
    UpDownBetaResult,
    beta_adjusted,
    jensen_alpha,
    spread_test,
    updown_beta,
)

__all__ = ["AlphaResult", "UpDownBetaResult", "beta_adjusted", "jensen_alpha", "spread_test", "updown_beta"]
