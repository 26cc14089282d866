"""Overfitting and data-snooping diagnostics.

- :mod:`~alphacheck.overfitting.cscv`: ``pbo`` — probability of backtest overfitting (CSCV).
- :mod:`~alphacheck.overfitting.multiple_testing`: ``adjust_pvalues``.
- :mod:`~alphacheck.overfitting.haircut`: ``haircut_sharpe`` (Harvey & Liu 2015, as published).
- :mod:`~alphacheck.overfitting.data_snooping`: ``reality_check``, ``spa``, ``stepm`` for a family
  of strategies against a benchmark.
"""

from alphacheck.overfitting.cscv import PBOResult, pbo
from alphacheck.overfitting.data_snooping import FamilyTestResult, reality_check, spa, stepm
from alphacheck.overfitting.haircut import HaircutResult, haircut_sharpe
from alphacheck.overfitting.multiple_testing import adjust_pvalues

__all__ = ["FamilyTestResult", "HaircutResult", "PBOResult", "adjust_pvalues", "haircut_sharpe", "pbo",
           "reality_check", "spa", "stepm"]
