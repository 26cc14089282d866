"""audit(..., compare_to=) and audit_family: the pieces equal the standalone functions on the same draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alphacheck as ac
from alphacheck._resample import streamed_block_moments, streamed_sums
from alphacheck.compare import diebold_mariano, sharpe_difference


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2019-01-01", periods=750)
    b = pd.Series(rng.normal(0.0004, 0.01, 750), index=idx)
    new = pd.Series(0.0008 + 0.5 * b.to_numpy() + rng.normal(0, 0.006, 750), index=idx)
    old = pd.Series(0.0002 + 0.5 * b.to_numpy() + rng.normal(0, 0.006, 750), index=idx)
    return new, old, b


def test_compare_to_adds_two_informational_checks(pair):
    new, old, b = pair
    with_cmp = ac.audit(new, b, compare_to=old, reps=499, seed=3)
    without = ac.audit(new, b, reps=499, seed=3)
    assert with_cmp.verdict == without.verdict and with_cmp.rule == without.rule
    assert with_cmp.reasons == without.reasons
    for name in without.checks:  # nothing else moves: the comparison columns do not enter the block length
        assert with_cmp.checks[name].numbers == without.checks[name].numbers
    sd, dm = with_cmp.checks["sharpe_diff"], with_cmp.checks["diebold_mariano"]
    b_len = with_cmp.settings["block length"]
    alone = sharpe_difference(new, old, reps=499, seed=3, block_length=b_len, confidence_level=0.95)
    assert sd.result.pvalue == alone.pvalue and np.array_equal(sd.result.bootstrap_distribution,
                                                              alone.bootstrap_distribution)
    dm_alone = diebold_mariano(-new, -old, method="dm", hac_pvalues="fixed-b")
    assert dm.result.pvalue == pytest.approx(dm_alone.pvalue, rel=1e-12)
    assert sd.passed is True and dm.passed is True  # the new strategy is better here
    assert "sharpe_diff" in with_cmp.to_frame().index


def test_compare_to_must_cover_the_dates(pair):
    new, old, _ = pair
    with pytest.raises(ac.InputError, match="compare_to"):
        ac.audit(new, compare_to=old.iloc[:-10], reps=199)
    with pytest.raises(ac.InputError, match="compare_to"):
        ac.audit(new.to_numpy(), compare_to=old.to_numpy()[:-1], reps=199)


@pytest.fixture(scope="module")
def grid():
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2020-01-01", periods=800)
    bench = pd.Series(rng.normal(0.0003, 0.01, 800), index=idx, name="bench")
    x = bench.to_numpy()[:, None] + rng.normal(0, 0.006, (800, 15))
    x[:, 2] += 0.0015  # two real variants
    x[:, 7] += 0.0012
    return pd.DataFrame(x, index=idx, columns=[f"v{i}" for i in range(15)]), bench


def test_audit_family_pieces_equal_the_standalone_functions(grid):
    trials, bench = grid
    rep = ac.audit_family(trials, bench, reps=999, seed=5)
    b = rep.settings["block length"]
    sm = ac.stepm(trials, bench, reps=999, block_length=b, seed=5)
    assert list(rep.variants.index[rep.variants["stepm"]]) == list(sm.superior)
    fdr = ac.false_discovery_control(sm.strategies["pvalue"])
    assert list(rep.variants["fdr"]) == list(fdr.discoveries)
    mcs = ac.model_confidence_set(-(trials.sub(bench, axis=0)), method="max", reps=999, block_length=b, seed=5)
    assert rep.results["mcs"].order == mcs.order
    np.testing.assert_array_equal(rep.variants["mcs_pvalue"], mcs.pvalues.reindex(trials.columns))
    eff = ac.effective_trials(trials.sub(bench, axis=0))
    assert rep.numbers["effective_trials"] == eff.n_effective
    assert set(rep.survivors) <= {"v2", "v7"} and "v2" in rep.survivors
    assert rep.headline().startswith(f"{len(rep.survivors)} of 15 variants survive")


def test_the_procedures_read_the_same_replicates():
    x = np.random.default_rng(2).standard_normal((400, 6))
    mom = streamed_block_moments(x, 299, "stationary", 4.0, np.random.SeedSequence(9), pairs="diagonal")
    sums = streamed_sums(x, 299, "stationary", 4.0, np.random.SeedSequence(9), engine="sparse")
    np.testing.assert_allclose(mom.sums, sums, rtol=0, atol=1e-10)


def test_family_report_renders(grid, tmp_path):
    trials, bench = grid
    rep = ac.audit_family(trials.iloc[:, :8], bench, reps=299)
    paths = rep.save(tmp_path)
    assert paths["family"].stat().st_size > 1000
    html = paths["html"].read_text()
    assert "Family audit" in html and "data:image/png;base64" in html and html.count("<figure") == 1
    md = paths["markdown"].read_text()
    assert "which variants are real" in md and "family.png" in md
    assert rep.to_frame().shape[0] == 8 and rep.to_dict()["headline"] == rep.headline()
    assert "Variants" not in rep.summary() or rep.summary()


def test_audit_family_refuses_a_variant_equal_to_the_benchmark():
    rng = np.random.default_rng(0)
    b = rng.normal(0.0003, 0.01, 500)
    trials = b[:, None] + rng.normal(0, 0.01, (500, 6))
    trials[:, 2] = b
    with pytest.raises(ac.InputError, match=r"returns - benchmark: is constant.*\[2\]"):
        ac.audit_family(trials, benchmark=b, reps=199, seed=1)


def test_better_or_worse_flags_at_p_equal_to_the_level():
    """The compare_to checks decide with p <= level, the rule of their own interpretation and of every test."""
    from alphacheck._audit.checks import _better_or_worse

    assert _better_or_worse(0.05, True, 0.05) is True
    assert _better_or_worse(0.05, False, 0.05) is False
    assert _better_or_worse(0.0501, True, 0.05) is None
