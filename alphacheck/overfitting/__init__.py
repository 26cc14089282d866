"""Overfitting and data-snooping diagnostics.

- :mod:`~alphacheck.overfitting.cscv`: ``pbo`` — probability of backtest overfitting (CSCV).
- :mod:`~alphacheck.overfitting.multiple_testing`: ``adjust_pvalues``.
- :mod:`~alphacheck.overfitting.haircut`: ``haircut_sharpe`` (Harvey & Liu 2015, as published).
- :mod:`~alphacheck.overfitting.data_snooping`: ``reality_check``, ``spa``, ``stepm`` for a family
  of strategies against a benchmark.
- :mod:`~alphacheck.overfitting.mcs`: ``model_confidence_set`` (Hansen, Lunde & Nason 2011).
- :mod:`~alphacheck.overfitting.fdr`: ``false_discovery_control`` (BH, BY, Storey q-values), ``storey_pi0``.
- :mod:`~alphacheck.overfitting.trials`: ``effective_trials``, the effective number of independent trials.
"""

from alphacheck.overfitting.cscv import PBOResult, pbo
from alphacheck.overfitting.data_snooping import FamilyTestResult, reality_check, spa, stepm
from alphacheck.overfitting.fdr import FDRResult, false_discovery_control, storey_pi0
from alphacheck.overfitting.haircut import HaircutResult, haircut_sharpe
from alphacheck.overfitting.mcs import MCSResult, model_confidence_set
from alphacheck.overfitting.multiple_testing import adjust_pvalues
from alphacheck.overfitting.trials import EffectiveTrialsResult, effective_trials

__all__ = ["FamilyTestResult", "HaircutResult", "PBOResult", "adjust_pvalues", "haircut_sharpe", "pbo",
           "reality_check", "spa", "stepm", "MCSResult", "model_confidence_set", "FDRResult",
           "false_discovery_control", "storey_pi0", "EffectiveTrialsResult", "effective_trials"]
