"""The verdict rule table (alphacheck.verdict), branch by branch, on fabricated check outcomes."""

from __future__ import annotations

import pytest

from alphacheck.verdict import VERDICTS, Check, decide_verdict


def chk(name, passed=None, **numbers):
    return Check(name=name, passed=passed, numbers=numbers, interpretation=f"{name} interpretation")


def skipped(name):
    return Check(name=name, passed=None, numbers={}, skipped="not run")


def world(mean_p=0.01, sharpe_p=0.01, alpha=0.01, hac_p=0.01, boot_p=0.01, share=0.5, beta=1.2,
          dsr_p=None, hc_p=None, pbo=None, benchmark=True):
    checks = {"mean": chk("mean", pvalue=mean_p), "sharpe": chk("sharpe", pvalue=sharpe_p)}
    checks["dsr"] = chk("dsr", pvalue=dsr_p) if dsr_p is not None else skipped("dsr")
    checks["haircut_sharpe"] = chk("haircut_sharpe", adjusted_pvalue=hc_p) if hc_p is not None else skipped("haircut_sharpe")
    checks["pbo"] = chk("pbo", pbo=pbo) if pbo is not None else skipped("pbo")
    if benchmark:
        checks["jensen_alpha"] = chk("jensen_alpha", alpha=alpha, hac_pvalue=hac_p, bootstrap_pvalue=boot_p,
                                     benchmark_share=share, beta=beta)
    else:
        checks["jensen_alpha"] = skipped("jensen_alpha")
    return checks


def decide(checks, n_trials=1, benchmark=True, level=0.05):
    return decide_verdict(checks, alpha_level=level, n_trials=n_trials, has_benchmark=benchmark)


def test_verdict_set_is_small_and_fixed():
    assert len(VERDICTS) == 5
    assert set(VERDICTS) == {"alpha", "beta, not alpha", "not significant", "overfit", "significant, beta untested"}


def test_rule_O1_pbo_above_half_is_overfit_even_when_everything_else_is_significant():
    v, reasons = decide(world(pbo=0.62))
    assert v == "overfit"
    assert "pbo" in reasons[0] and "0.62" in reasons[0] and "O1" in reasons[0]


def test_rule_O1_boundary_pbo_exactly_half_is_not_overfit():
    v, _ = decide(world(pbo=0.5))
    assert v == "alpha"


def test_rule_O2_dsr_fails_after_trials():
    v, reasons = decide(world(dsr_p=0.2, hc_p=0.01), n_trials=72)
    assert v == "overfit"
    assert "dsr" in reasons[0] and "72 trials" in reasons[0] and "0.2" in reasons[0]


def test_rule_O2_haircut_alone_is_a_note_not_the_rule():
    w = world(dsr_p=0.01, hc_p=0.3)
    w["haircut_sharpe"] = Check("haircut_sharpe", False, {"adjusted_pvalue": 0.3}, interpretation="haircut flagged")
    v, reasons = decide(w, n_trials=10)
    assert v == "alpha" and reasons[-1] == "note — haircut_sharpe: haircut flagged"


def test_rule_O2_needs_more_than_one_trial():
    # with n_trials = 1 the deflation numbers are ignored (and normally skipped)
    v, _ = decide(world(dsr_p=0.2, hc_p=0.3), n_trials=1)
    assert v == "alpha"


def test_rule_O2_not_applied_when_raw_sharpe_not_significant():
    v, reasons = decide(world(mean_p=0.2, sharpe_p=0.2, hac_p=0.3, boot_p=0.3, dsr_p=0.9, hc_p=0.9), n_trials=72)
    assert v == "not significant" and "rule N" in reasons[0]


def test_rule_O2_survives_deflation_gives_alpha():
    v, _ = decide(world(dsr_p=0.01, hc_p=0.02), n_trials=5)
    assert v == "alpha"


def test_rule_A_alpha_needs_both_hac_and_bootstrap():
    v, reasons = decide(world(hac_p=0.01, boot_p=0.02))
    assert v == "alpha" and "rule A" in reasons[0] and "0.01" in reasons[0]
    assert v == "alpha" and any("explains 50%" in r for r in reasons)
    assert decide(world(hac_p=0.01, boot_p=0.07))[0] == "beta, not alpha"
    assert decide(world(hac_p=0.07, boot_p=0.01))[0] == "beta, not alpha"


def test_rule_A_negative_alpha_is_never_alpha():
    v, _ = decide(world(alpha=-0.01, hac_p=0.001, boot_p=0.001))
    assert v == "beta, not alpha"


def test_rule_B_significant_mean_explained_by_benchmark():
    # the seed study: mean p = 0.029, alpha p = 0.182
    v, reasons = decide(world(mean_p=0.029, alpha=0.0098, hac_p=0.091, boot_p=0.12, share=0.543, beta=1.158))
    assert v == "beta, not alpha"
    assert "0.029" in reasons[0] and "0.091" in reasons[0] and "54%" in reasons[0] and "rule B" in reasons[0]


def test_rule_N_with_benchmark():
    v, reasons = decide(world(mean_p=0.3, sharpe_p=0.3, hac_p=0.4, boot_p=0.5))
    assert v == "not significant" and "rule N" in reasons[0]


def test_rule_U_no_benchmark_significant():
    v, reasons = decide(world(benchmark=False), benchmark=False)
    assert v == "significant, beta untested" and "no benchmark" in reasons[0]


def test_rule_U_needs_mean_and_sharpe():
    assert decide(world(sharpe_p=0.08, benchmark=False), benchmark=False)[0] == "not significant"
    assert decide(world(mean_p=0.08, benchmark=False), benchmark=False)[0] == "not significant"


def test_alpha_level_is_respected():
    w = world(mean_p=0.03, hac_p=0.03, boot_p=0.03)
    assert decide(w, level=0.05)[0] == "alpha"
    assert decide(w, level=0.01)[0] == "not significant"


def test_informational_flags_become_notes_without_changing_the_verdict():
    w = world()
    w["consistency"] = chk("consistency", passed=False)
    w["drawdown"] = chk("drawdown", passed=None)
    w["market_neutral"] = chk("market_neutral", passed=True)
    v, reasons = decide(w)
    assert v == "alpha"
    assert reasons[-1] == "note — consistency: consistency interpretation"
    assert not any("drawdown" in r or "market_neutral" in r for r in reasons)


@pytest.mark.parametrize("missing", ["jensen_alpha"])
def test_missing_alpha_with_benchmark_falls_back_to_mean(missing):
    w = world()
    w[missing] = skipped(missing)
    v, reasons = decide(w)
    assert v == "beta, not alpha" and "not available" in reasons[0]
