import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alphacheck import NoIntervalError
from alphacheck import TestResult as Res
from alphacheck._results import Interval

# 0.2: the interval is no longer stored (``ci=``) but cut on demand from ``se`` and the test's reference
# law. With a normal law, se = 0.003 / z_0.95 puts the lower bound of the one-sided 95% interval of the
# "greater" test at exactly 0.004 - 0.003 = 0.001 (the 0.1 fixture's ci low).
Z95 = stats.norm.ppf(0.95)
SE = 0.003 / Z95


def make(**kw):
    base = dict(test="mean return", statistic=2.5, pvalue=0.012, alternative="greater", null="mean = 0",
                method="t", n=120, estimate=0.004, se=SE, confidence_level=0.95, interval=Interval("normal"),
                details={"block_length": 4.5})
    base.update(kw)
    return Res(**base)


def test_frozen_including_details():
    r = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.pvalue = 0.5
    with pytest.raises(TypeError):
        r.details["block_length"] = 1.0


def test_summary_mentions_null_alternative_and_numbers():
    s = make().summary()
    # 0.2 (on purpose): a one-sided ("greater") test has a one-sided interval [low, inf)
    for fragment in ("mean = 0", "greater", "0.0120", "[0.0010, inf]", "95% CI", "standard error",
                     "block_length"):
        assert fragment in s
    # a two-sided test of the same estimate and se has the two-sided interval estimate -/+ z_0.975 se
    two = make(alternative="two-sided", se=0.003 / stats.norm.ppf(0.975)).summary()
    assert "[0.0010, 0.0070]" in two and "95% CI" in two


def test_exports():
    r = make()
    d = r.to_dict()
    # 0.2: to_dict() keeps what the interval is cut from (se, level, rule), not the bounds
    assert d["pvalue"] == 0.012 and d["se"] == SE and d["confidence_level"] == 0.95
    assert d["interval"]["kind"] == "normal" and d["details"] == {"block_length": 4.5}
    f = r.to_frame()
    assert isinstance(f, pd.DataFrame) and f.loc["mean return", "ci_low"] == pytest.approx(0.001, rel=1e-12)
    assert f.loc["mean return", "ci_high"] == np.inf  # one-sided test, one-sided interval (0.2)
    assert r.confidence_interval().low == pytest.approx(0.001, rel=1e-12)
    two = make(alternative="two-sided", se=0.003 / stats.norm.ppf(0.975))
    assert two.to_frame().loc["mean return", "ci_high"] == pytest.approx(0.007, rel=1e-12)
    assert two.confidence_interval() == pytest.approx((0.001, 0.007), rel=1e-12)
    assert r.reject(0.05) and not r.reject(0.01)


def test_no_ci():
    r = make(interval=Interval())  # kind "none": the test has no interval for its estimate
    with pytest.raises(NoIntervalError):  # 0.2: was AttributeError
        r.confidence_interval()
    assert np.isnan(r.to_frame()["ci_low"].iloc[0])
