import dataclasses

import numpy as np
import pandas as pd
import pytest

from alphacheck import TestResult as Res


def make(**kw):
    base = dict(test="mean return", statistic=2.5, pvalue=0.012, alternative="greater", null="mean = 0",
                method="t", n=120, estimate=0.004, ci=(0.001, 0.007), ci_level=0.95, details={"se": 0.0016})
    base.update(kw)
    return Res(**base)


def test_frozen_including_details():
    r = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.pvalue = 0.5
    with pytest.raises(TypeError):
        r.details["se"] = 1.0


def test_summary_mentions_null_alternative_and_numbers():
    s = make().summary()
    for fragment in ("mean = 0", "greater", "0.0120", "[0.0010, 0.0070]", "95% CI", "se"):
        assert fragment in s


def test_exports():
    r = make()
    d = r.to_dict()
    assert d["pvalue"] == 0.012 and d["ci"] == [0.001, 0.007] and d["details"] == {"se": 0.0016}
    f = r.to_frame()
    assert isinstance(f, pd.DataFrame) and f.loc["mean return", "ci_high"] == 0.007
    assert r.confidence_interval().low == 0.001
    assert r.significant(0.05) and not r.significant(0.01)


def test_no_ci():
    r = make(ci=None, ci_level=None)
    with pytest.raises(AttributeError):
        r.confidence_interval()
    assert np.isnan(r.to_frame()["ci_low"].iloc[0])
