"""The verdict rule table (alphacheck._audit.verdict), rule by rule, on fabricated evidence; then audit() end to end.

0.2: the rules read a typed :class:`Evidence` (taken from the checks' results by ``evidence_from_checks``);
``decide_verdict(evidence, checks)`` returns (verdict, rule id, reasons) and reads the checks only for the
wording of the reasons and the notes, so the tests fabricate Evidence plus the few Check records the
reasons name.
"""

from __future__ import annotations

import dataclasses

import pytest

from alphacheck import VERDICTS, Check
from alphacheck._audit.verdict import RULES, Evidence, decide_verdict, rule_text

BETA_RULED_OUT = "beta, not alpha (alpha ruled out)"
BETA_UNPROVEN = "beta, not alpha (alpha unproven)"
BETA_VERDICTS = (BETA_RULED_OUT, BETA_UNPROVEN)


def chk(name, passed=None, **numbers):
    return Check(name=name, passed=passed, numbers=numbers, interpretation=f"{name} interpretation")


def skipped(name):
    return Check(name=name, passed=None, numbers={}, skipped="not run")


def world(mean_p=0.01, sharpe_p=0.01, alpha=0.01, hac_p=0.01, boot_p=0.01, share=0.5, beta=1.2,
          dsr_p=None, hc_p=None, pbo=None, benchmark=True, ruled_out=None):
    """(evidence fields, checks): the numbers the rules read, and the checks the reasons quote."""
    ev = dict(mean_p=mean_p, sharpe_p=sharpe_p, dsr_p=dsr_p, pbo=pbo, alpha_ruled_out=ruled_out)
    checks = {"mean": chk("mean", pvalue=mean_p), "sharpe": chk("sharpe", pvalue=sharpe_p)}
    checks["dsr"] = chk("dsr", pvalue=dsr_p) if dsr_p is not None else skipped("dsr")
    checks["haircut_sharpe"] = (chk("haircut_sharpe", adjusted_pvalue=hc_p) if hc_p is not None
                                else skipped("haircut_sharpe"))
    checks["pbo"] = chk("pbo", pbo=pbo) if pbo is not None else skipped("pbo")
    if benchmark:
        ev.update(alpha=alpha, alpha_hac_p=hac_p, alpha_boot_p=boot_p)
        checks["jensen_alpha"] = chk("jensen_alpha", alpha=alpha, hac_pvalue=hac_p, bootstrap_pvalue=boot_p,
                                     benchmark_share=share, beta=beta)
    else:
        checks["jensen_alpha"] = skipped("jensen_alpha")
    return ev, checks


def with_checks(w, **extra):
    ev, checks = w
    return ev, {**checks, **extra}


def decide(w, n_trials=1, benchmark=True, level=0.05):
    """(verdict, reasons) as in 0.1; the rule id is checked through decide_rule."""
    v, _, reasons = decide_rule(w, n_trials, benchmark, level)
    return v, reasons


def decide_rule(w, n_trials=1, benchmark=True, level=0.05):
    ev, checks = w
    evidence = Evidence(alpha_level=level, n_trials=n_trials, has_benchmark=benchmark, **ev)
    verdict, rule, reasons = decide_verdict(evidence, checks)
    assert verdict in VERDICTS and isinstance(reasons, tuple)
    assert verdict == next(r.verdict for r in RULES if r.id == rule)
    return verdict, rule, reasons


def test_verdict_set_is_small_and_fixed():
    # 0.2: "beta, not alpha" says whether the alpha is ruled out or only unproven
    assert len(VERDICTS) == 6
    assert set(VERDICTS) == {"alpha", BETA_RULED_OUT, BETA_UNPROVEN, "not significant", "overfit",
                             "significant, beta untested"}
    # every verdict is given by some rule and every rule gives a verdict of the set
    assert {r.verdict for r in RULES} == set(VERDICTS)
    assert len({r.id for r in RULES}) == len(RULES)
    assert RULES[-1].id == "N" and RULES[-1].verdict == "not significant"  # the catch-all comes last


# one fabricated world per rule: (kwargs of world(), kwargs of decide()); each must be decided by its rule
RULE_WORLDS = {
    "O1": (dict(pbo=0.62), {}),
    "O2": (dict(dsr_p=0.2, hc_p=0.01), dict(n_trials=72)),
    "A": (dict(), {}),
    "B1": (dict(hac_p=0.2, boot_p=0.3, ruled_out=True), {}),
    "B2": (dict(hac_p=0.2, boot_p=0.3), {}),
    "U": (dict(benchmark=False), dict(benchmark=False)),
    "N": (dict(mean_p=0.3, sharpe_p=0.3, hac_p=0.4, boot_p=0.5), {}),
}


def test_every_rule_has_a_world():
    assert set(RULE_WORLDS) == {r.id for r in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_decides_its_world(rule):
    wkw, dkw = RULE_WORLDS[rule.id]
    v, rid, reasons = decide_rule(world(**wkw), **dkw)
    assert (v, rid) == (rule.verdict, rule.id)
    assert f"rule {rule.id}" in reasons[0]  # the decisive reason names its rule
    # the rule's own predicate holds, and no earlier rule's does (first match wins)
    ev, _ = world(**wkw)
    evidence = Evidence(alpha_level=0.05, n_trials=dkw.get("n_trials", 1), has_benchmark=dkw.get("benchmark", True),
                        **ev)
    i = RULES.index(rule)
    assert rule.applies(evidence)
    assert not any(r.applies(evidence) for r in RULES[:i])


def test_rule_text_lists_every_rule():
    text = rule_text()
    assert text.startswith("Verdict rules (first match wins)")
    for r in RULES:
        assert f"{r.id} — {r.verdict}: {r.condition}" in text
    # in rule order
    positions = [text.index(f"{r.id} — {r.verdict}") for r in RULES]
    assert positions == sorted(positions)


def test_rule_O1_pbo_above_half_is_overfit_even_when_everything_else_is_significant():
    v, rule, reasons = decide_rule(world(pbo=0.62))
    assert v == "overfit" and rule == "O1"
    assert "pbo" in reasons[0] and "0.62" in reasons[0] and "O1" in reasons[0]


def test_rule_O1_boundary_pbo_exactly_half_is_not_overfit():
    v, rule, _ = decide_rule(world(pbo=0.5))
    assert v == "alpha" and rule == "A"


def test_rule_O2_dsr_fails_after_trials():
    v, rule, reasons = decide_rule(world(dsr_p=0.2, hc_p=0.01), n_trials=72)
    assert v == "overfit" and rule == "O2"
    assert "dsr" in reasons[0] and "72 trials" in reasons[0] and "0.2" in reasons[0]


def test_rule_O2_haircut_alone_is_a_note_not_the_rule():
    w = with_checks(world(dsr_p=0.01, hc_p=0.3),
                    haircut_sharpe=Check("haircut_sharpe", False, {"adjusted_pvalue": 0.3},
                                         interpretation="haircut flagged"))
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
    # 0.2: a failed rule A with a significant mean is beta; unproven unless the equivalence test rules it out
    assert decide(world(hac_p=0.01, boot_p=0.07))[0] == BETA_UNPROVEN
    assert decide(world(hac_p=0.07, boot_p=0.01))[0] == BETA_UNPROVEN
    assert decide(world(hac_p=0.07, boot_p=0.01, ruled_out=True))[0] == BETA_RULED_OUT
    # rule A comes before B1: a significant positive alpha is alpha whatever the equivalence test says
    assert decide(world(ruled_out=True))[0] == "alpha"


def test_rule_A_negative_alpha_is_never_alpha():
    v, _ = decide(world(alpha=-0.01, hac_p=0.001, boot_p=0.001))
    assert v in BETA_VERDICTS
    assert v == BETA_UNPROVEN


def test_rule_B_significant_mean_explained_by_benchmark():
    # the seed study: mean p = 0.029, alpha p = 0.182
    w = world(mean_p=0.029, alpha=0.0098, hac_p=0.091, boot_p=0.12, share=0.543, beta=1.158)
    v, rule, reasons = decide_rule(w)
    assert v == BETA_UNPROVEN and rule == "B2"
    assert "0.029" in reasons[0] and "0.091" in reasons[0] and "54%" in reasons[0] and "rule B2" in reasons[0]


def test_rule_B1_alpha_ruled_out_by_the_equivalence_test():
    w = world(mean_p=0.029, alpha=0.0008, hac_p=0.81, boot_p=0.84, share=0.9, beta=1.158, ruled_out=True)
    w = with_checks(w, alpha_power=chk("alpha_power", passed=None, ruled_out=True))
    v, rule, reasons = decide_rule(w)
    assert v == BETA_RULED_OUT and rule == "B1"
    assert "0.029" in reasons[0] and "0.81" in reasons[0] and "90%" in reasons[0] and "rule B1" in reasons[0]
    assert reasons[1] == "alpha_power: alpha_power interpretation"  # the equivalence test is quoted
    # ruled_out False or unknown: unproven
    assert decide(world(mean_p=0.029, hac_p=0.81, boot_p=0.84, ruled_out=False))[0] == BETA_UNPROVEN
    # B1 needs a significant raw mean too: otherwise nothing needs explaining
    assert decide(world(mean_p=0.3, sharpe_p=0.3, hac_p=0.81, boot_p=0.84, ruled_out=True))[0] == "not significant"


def test_rule_N_with_benchmark():
    v, reasons = decide(world(mean_p=0.3, sharpe_p=0.3, hac_p=0.4, boot_p=0.5))
    assert v == "not significant" and "rule N" in reasons[0]
    w = with_checks(world(mean_p=0.3, sharpe_p=0.3, hac_p=0.4, boot_p=0.5), alpha_power=chk("alpha_power"))
    assert decide(w)[1][1] == "alpha_power: alpha_power interpretation"


def test_rule_N_without_benchmark_quotes_the_mean_power():
    w = with_checks(world(mean_p=0.3, sharpe_p=0.3, benchmark=False), mean_power=chk("mean_power"))
    v, rule, reasons = decide_rule(w, benchmark=False)
    assert (v, rule) == ("not significant", "N") and "rule N" in reasons[0]
    assert reasons[1] == "mean_power: mean_power interpretation"


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
    w = with_checks(world(), consistency=chk("consistency", passed=False), drawdown=chk("drawdown", passed=None),
                    market_neutral=chk("market_neutral", passed=True))
    v, reasons = decide(w)
    assert v == "alpha"
    # 0.2: with n_trials = 1 a significant verdict ends with the selection note, after the checks' notes
    assert reasons[-2] == "note — consistency: consistency interpretation"
    assert reasons[-1].startswith("note — n_trials = 1:")
    assert not any("drawdown" in r or "market_neutral" in r for r in reasons)


def test_n_trials_note_only_when_something_was_significant_and_one_trial_claimed():
    for rule, (wkw, dkw) in RULE_WORLDS.items():
        _, rid, reasons = decide_rule(world(**wkw), **dkw)
        noted = any(r.startswith("note — n_trials = 1:") for r in reasons)
        assert noted == (rid in ("A", "B1", "B2", "U") and dkw.get("n_trials", 1) == 1), rule
    assert not any("n_trials = 1" in r for r in decide(world(dsr_p=0.01), n_trials=5)[1])


def test_restating_notes_are_dropped_when_not_significant():
    flags = {n: chk(n, passed=False) for n in ("market_neutral", "cost_sensitivity", "psr", "haircut_sharpe",
                                               "consistency")}
    _, reasons = decide(with_checks(world(mean_p=0.3, sharpe_p=0.3, hac_p=0.4, boot_p=0.5), **flags))
    assert [r for r in reasons if r.startswith("note")] == ["note — consistency: consistency interpretation"]
    _, reasons = decide(with_checks(world(hac_p=0.4), **flags))  # beta: every red flag is a note
    assert sum(r.startswith("note — ") and "n_trials" not in r for r in reasons) == 5


def test_rule_A_reason_states_the_alpha_breakeven_cost():
    cs = chk("cost_sensitivity", True, assumed_cost_bps=10.0, extra_bps_until_alpha_not_significant=22.04,
             cost_per="trade")
    w = with_checks(world(), cost_sensitivity=cs)
    v, reasons = decide(w)
    assert v == "alpha"
    # issue 9: every cost is printed in its unit (cost_per), here too
    assert reasons[2] == ("cost_sensitivity: alpha survives costs up to 22.0 bp per trade beyond the "
                          "assumed 10 bp per trade (32.0 bp per trade in total) with both p <= 0.05")
    # at the break-even (no room left) the reason says so
    at = chk("cost_sensitivity", True, assumed_cost_bps=10.0, extra_bps_until_alpha_not_significant=0.0,
             cost_per="observation")
    assert decide(with_checks(world(), cost_sensitivity=at))[1][2] == (
        "cost_sensitivity: alpha is at its break-even cost (10 bp per observation): any extra cost ends its "
        "significance")
    # not part of the other verdicts' reasons
    v, reasons = decide(with_checks(world(hac_p=0.2), cost_sensitivity=cs))
    assert v in BETA_VERDICTS and not any("survives" in r for r in reasons)


@pytest.mark.parametrize("missing", ["jensen_alpha"])
def test_missing_alpha_with_benchmark_falls_back_to_mean(missing):
    ev, checks = world()
    ev.update(alpha=None, alpha_hac_p=None, alpha_boot_p=None)
    checks[missing] = skipped(missing)
    v, reasons = decide((ev, checks))
    assert v == BETA_UNPROVEN and "not available" in reasons[0]


def test_evidence_is_read_from_the_checks_typed_results():
    """evidence_from_checks reads the results behind the checks, not the report's numbers table."""
    from types import SimpleNamespace as NS

    from alphacheck._audit.checks import AlphaEvidence
    from alphacheck._audit.verdict import evidence_from_checks

    def ran(name, result, **numbers):
        return Check(name, None, numbers, result=result)

    checks = {"mean": ran("mean", NS(pvalue=0.01), pvalue=0.9), "sharpe": ran("sharpe", NS(pvalue=0.02)),
              "dsr": ran("dsr", NS(pvalue=0.3)), "pbo": ran("pbo", NS(pbo=0.4)),
              "jensen_alpha": ran("jensen_alpha", AlphaEvidence(NS(estimate=0.002, pvalue=0.04), NS(pvalue=0.03))),
              "alpha_power": ran("alpha_power", None, ruled_out=False)}
    e = evidence_from_checks(checks, alpha_level=0.05, n_trials=3, has_benchmark=True)
    assert e == Evidence(alpha_level=0.05, n_trials=3, has_benchmark=True, mean_p=0.01, sharpe_p=0.02, dsr_p=0.3,
                         pbo=0.4, alpha=0.002, alpha_hac_p=0.04, alpha_boot_p=0.03, alpha_ruled_out=False)
    assert e.alpha_significant
    checks = {k: skipped(k) for k in checks}
    e = evidence_from_checks(checks, alpha_level=0.05, n_trials=1, has_benchmark=False)
    assert e == Evidence(alpha_level=0.05, n_trials=1, has_benchmark=False)
    assert dataclasses.replace(e, alpha=0.01, alpha_hac_p=0.01, alpha_boot_p=0.01).alpha_significant


# ------------------------------------------------------------------------------------------------
# audit() end to end
# ------------------------------------------------------------------------------------------------

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from alphacheck import InputError, audit, jensen_alpha  # noqa: E402
from alphacheck._audit.checks import drawdown_numbers  # noqa: E402  (0.1: audit.drawdown_stats)
from alphacheck.significance import mean_test  # noqa: E402
from alphacheck.splits import PurgedKFold  # noqa: E402

REPS = 499


def seed_like(alpha=0.0, n=72, btc_mean=0.0117, noise=0.062, seed=0, dated=True):
    rng = np.random.default_rng(seed)
    btc = rng.normal(btc_mean, 0.0584, n)
    strat = alpha + 1.158 * btc + rng.normal(0.0, noise, n)
    if dated:
        idx = pd.date_range("2021-01-04", periods=n, freq="25D")
        return pd.Series(strat, idx, name="alts"), pd.Series(btc, idx, name="btc")
    return strat, btc


def test_leveraged_beta_is_beta_not_alpha():
    # big benchmark drift, zero alpha: the raw mean is significant, the alpha is not
    s, b = seed_like(alpha=0.0, btc_mean=0.03, noise=0.03, seed=1)
    rep = audit(s, b, reps=REPS)
    assert rep.checks["mean"].numbers["pvalue"] < 0.05
    assert rep.verdict in BETA_VERDICTS and rep.rule in ("B1", "B2")
    assert rep.reasons[0].startswith("mean:") and f"rule {rep.rule}" in rep.reasons[0]
    # 0.2: ruled out (B1) or unproven (B2) is what the equivalence test of the alpha_power check says
    assert rep.rule == ("B1" if rep.checks["alpha_power"].numbers["ruled_out"] else "B2")
    assert not rep.checks["market_neutral"].passed


def test_planted_alpha_is_alpha():
    s, b = seed_like(alpha=0.02, noise=0.03, seed=2)
    rep = audit(s, b, reps=REPS)
    assert rep.verdict == "alpha" and rep.rule == "A"
    ja = rep.checks["jensen_alpha"].numbers
    assert ja["hac_pvalue"] < 0.05 and ja["bootstrap_pvalue"] < 0.05 and ja["alpha"] > 0


def test_no_benchmark_never_says_alpha():
    rng = np.random.default_rng(3)
    r = rng.normal(0.01, 0.02, 120)
    rep = audit(r, reps=REPS)
    assert rep.verdict == "significant, beta untested" and rep.rule == "U"
    for name in ("jensen_alpha", "updown_beta", "market_neutral"):
        assert rep.checks[name].skipped == "no benchmark given"


def test_noise_is_not_significant():
    rng = np.random.default_rng(4)
    r = rng.normal(0.0, 0.02, 200)
    assert audit(r, reps=REPS).verdict == "not significant"


def test_best_of_many_noise_strategies_is_overfit():
    rng = np.random.default_rng(5)
    grid = rng.normal(0.0, 0.01, (240, 100))
    best = int(np.argmax(grid.mean(axis=0) / grid.std(axis=0, ddof=1)))
    rep = audit(grid[:, best], n_trials=100, trials=grid, reps=REPS)  # 0.2: trials_returns -> trials
    assert rep.checks["sharpe"].numbers["pvalue"] < 0.05  # looks significant on its own
    assert rep.checks["dsr"].numbers["pvalue"] >= 0.05
    assert rep.verdict == "overfit" and rep.rule in ("O1", "O2")
    assert "pbo" in rep.checks and not rep.checks["pbo"].skipped
    assert 0.0 <= rep.checks["pbo"].numbers["pbo"] <= 1.0


def test_dsr_without_trial_returns_uses_stated_assumption():
    rng = np.random.default_rng(6)
    r = rng.normal(0.004, 0.02, 250)
    rep = audit(r, n_trials=50, reps=REPS)
    assert "assumed trial Sharpe variance" in rep.checks["dsr"].interpretation
    one = audit(r, n_trials=1, reps=REPS)
    assert one.checks["dsr"].skipped and one.checks["haircut_sharpe"].skipped


def test_same_seed_same_report_and_seed_matters():
    s, b = seed_like(seed=7)
    a1 = audit(s, b, reps=REPS, seed=11).to_dict()
    a2 = audit(s, b, reps=REPS, seed=11).to_dict()
    a3 = audit(s, b, reps=REPS, seed=12).to_dict()
    assert a1 == a2
    assert a1["checks"]["mean"]["numbers"]["pvalue"] != a3["checks"]["mean"]["numbers"]["pvalue"]


def test_numbers_come_from_the_modules():
    s, b = seed_like(seed=8)
    rep = audit(s, b, reps=REPS, seed=3, cost_bps=10)
    net = s - 10e-4
    # 0.2: the HAC and the bootstrap alpha tests are two calls (bootstrap=True -> method="bootstrap"); every
    # bootstrap test of the audit uses its one plan, whose block length the settings report
    bl = rep.settings["block length"]
    ja = jensen_alpha(net, b)
    jb = jensen_alpha(net, b, method="bootstrap", reps=REPS, seed=3, block_length=bl)
    assert rep.checks["jensen_alpha"].numbers["alpha"] == pytest.approx(ja.alpha)
    assert rep.checks["jensen_alpha"].numbers["hac_pvalue"] == pytest.approx(ja.pvalue)
    assert rep.checks["jensen_alpha"].numbers["bootstrap_pvalue"] == pytest.approx(jb.pvalue)
    # the typed results behind the numbers are the same tests
    res = rep.checks["jensen_alpha"].result
    assert res.hac.pvalue == pytest.approx(ja.pvalue) and res.bootstrap.pvalue == pytest.approx(jb.pvalue)
    mt = mean_test(net, alternative="greater", reps=REPS, seed=3, block_length=bl)
    assert rep.checks["mean"].numbers["pvalue"] == pytest.approx(mt.pvalue)
    assert rep.checks["mean"].result.pvalue == pytest.approx(mt.pvalue)
    # OLS identity: the in-sample beta-hedged book earns exactly the Jensen alpha on average
    assert rep.checks["market_neutral"].numbers["mean"] == pytest.approx(ja.alpha, abs=1e-12)


def test_cost_breakevens():
    rng = np.random.default_rng(9)
    r = rng.normal(0.01, 0.03, 150)
    rep = audit(r, reps=REPS, cost_bps=5)
    cs = rep.checks["cost_sensitivity"].numbers
    net = r - 5e-4
    # mean <= 0 once the extra cost reaches the mean (closed form)
    assert cs["extra_bps_until_mean_le_0"] == pytest.approx(net.mean() * 1e4)
    # significance is lost exactly at the reported extra cost: the test straddles alpha there
    c = cs["extra_bps_until_not_significant"] * 1e-4
    assert 0 < c < net.mean()
    kw = dict(alternative="greater", reps=REPS, seed=0, block_length=rep.settings["block length"])  # 0.2: shared plan
    se = net.std(ddof=1) / np.sqrt(net.size)
    assert mean_test(net - (c - 0.01 * se), **kw).pvalue < 0.05
    assert mean_test(net - (c + 0.01 * se), **kw).pvalue >= 0.05
    assert cs["total_bps_until_not_significant"] == pytest.approx(5 + c * 1e4)


def test_alpha_cost_breakevens_closed_form():
    """A cost c per observation shifts the OLS intercept by exactly -c (same slopes, residuals, HAC se):
    the reported HAC break-even puts the two-sided HAC p exactly at the level, the <= 0 break-even puts
    alpha exactly at 0, and the bootstrap break-even straddles the level. With a control too."""
    s, b = seed_like(alpha=0.02, noise=0.03, seed=2)
    vol = pd.Series(np.abs(np.random.default_rng(5).normal(0.03, 0.01, len(s))), index=s.index, name="vol")
    for ctrl in (None, vol):
        rep = audit(s, b, controls=ctrl, reps=REPS, cost_bps=10, seed=1)
        cs = rep.checks["cost_sensitivity"].numbers
        net = s - 10e-4  # the convention: extra costs beyond the assumed 10 bps already deducted
        base = jensen_alpha(net, b, controls=ctrl)
        c_hac = cs["extra_bps_until_alpha_hac_not_significant"] * 1e-4
        at = jensen_alpha(net - c_hac, b, controls=ctrl)
        assert 0 < c_hac < base.alpha
        assert at.pvalue == pytest.approx(0.05, abs=1e-6)
        assert at.se == pytest.approx(base.se, rel=1e-9)  # se untouched by the shift
        assert np.allclose(at.betas, base.betas, rtol=1e-9, atol=1e-12)
        assert np.allclose(at.residuals, base.residuals, atol=1e-12)
        zero = jensen_alpha(net - cs["extra_bps_until_alpha_le_0"] * 1e-4, b, controls=ctrl)
        assert zero.alpha == pytest.approx(0.0, abs=1e-12)
        # bootstrap break-even: the audit's own bootstrap test (same seed, reps) straddles the level there
        c_boot = cs["extra_bps_until_alpha_bootstrap_not_significant"] * 1e-4
        kw = dict(controls=ctrl, method="bootstrap", reps=REPS, seed=1, block_length=rep.settings["block length"])
        tol = 0.01 * base.se
        assert jensen_alpha(net - (c_boot - tol), b, **kw).pvalue <= 0.05  # significant is p <= alpha_level
        assert jensen_alpha(net - (c_boot + tol), b, **kw).pvalue > 0.05
        # rule A needs both tests: the alpha survives up to the smaller break-even
        assert cs["extra_bps_until_alpha_not_significant"] == pytest.approx(min(c_hac, c_boot) * 1e4, rel=1e-12)
        assert cs["total_bps_until_alpha_le_0"] == pytest.approx(10 + base.alpha * 1e4)
        assert rep.verdict == "alpha"
        # the edge the verdict relies on is the alpha: pass iff it survives twice the assumed cost
        assert rep.checks["cost_sensitivity"].passed == (cs["extra_bps_until_alpha_not_significant"] >= 10)
        assert "alpha significance lost at" in rep.checks["cost_sensitivity"].interpretation


def test_alpha_verdict_states_the_alpha_breakeven_cost():
    s, b = seed_like(alpha=0.02, noise=0.03, seed=2)
    rep = audit(s, b, reps=REPS, cost_bps=10)
    assert rep.verdict == "alpha"
    extra = rep.checks["cost_sensitivity"].numbers["extra_bps_until_alpha_not_significant"]
    line = [r for r in rep.reasons if r.startswith("cost_sensitivity:")]
    # issue 9: the cost unit everywhere (cost_per defaults to "trade")
    assert line == [f"cost_sensitivity: alpha survives costs up to {extra:.1f} bp per trade beyond the "
                    f"assumed 10 bp per trade ({10 + extra:.1f} bp per trade in total) with both p <= 0.05"]
    # decisive reasons first: the break-even line follows the rule-A reason, before any note
    assert rep.reasons.index(line[0]) < len([r for r in rep.reasons if not r.startswith("note")])


def test_cost_wording_never_presents_a_negative_breakeven():
    """Not significant even before costs: the table keeps the negative numbers, the text says so in words."""
    s, b = seed_like(alpha=-0.01, btc_mean=0.0, noise=0.03, seed=6)
    rep = audit(s, b, reps=REPS, cost_bps=5)
    cs = rep.checks["cost_sensitivity"]
    assert cs.numbers["total_bps_until_not_significant"] < 0
    assert cs.numbers["total_bps_until_alpha_not_significant"] < 0
    assert cs.numbers["extra_bps_until_alpha_le_0"] < 0
    txt = cs.interpretation
    assert "mean not significant even before costs" in txt and "alpha not significant even before costs" in txt
    assert "alpha <= 0 even before costs" in txt
    import re

    assert not re.search(r"-\s*\d", txt), txt  # no negative number anywhere in the sentence
    assert cs.passed is False and "the alpha does not survive the assumed 5 bp per trade" in txt  # 0.2 wording
    # without a benchmark the edge is the mean
    plain = audit(s.to_numpy(), reps=REPS, cost_bps=5).checks["cost_sensitivity"]
    assert "alpha" not in plain.interpretation and not re.search(r"-\s*\d", plain.interpretation)
    assert plain.passed is False and "the mean does not survive" in plain.interpretation


def test_cost_flag_follows_the_alpha_not_the_mean():
    # leveraged beta: the mean easily survives the cost, the alpha never was significant -> FLAG
    s, b = seed_like(alpha=0.0, btc_mean=0.03, noise=0.03, seed=1)
    rep = audit(s, b, reps=REPS, cost_bps=10)
    cs = rep.checks["cost_sensitivity"]
    assert rep.verdict in BETA_VERDICTS
    assert cs.numbers["extra_bps_until_not_significant"] > 10  # the mean would pass the doubling
    assert cs.passed is False and "the alpha does not survive" in cs.interpretation


def test_consistency_calendar_years_splitter_and_thirds():
    s, b = seed_like(seed=10)
    rep = audit(s, b, reps=REPS)
    years = sorted(set(s.index.year))
    assert list(rep.period_table().index) == years
    assert rep.period_table()["n"].sum() == len(s)
    assert rep.period_table().loc[years[0], "mean"] == pytest.approx((s - 0)[s.index.year == years[0]].mean())
    plain = audit(s.to_numpy(), reps=REPS)
    assert len(plain.period_table()) == 3 and "3 equal parts" in plain.checks["consistency"].interpretation
    kf = audit(s.to_numpy(), reps=REPS, splits=PurgedKFold(n_splits=4))
    assert len(kf.period_table()) == 4
    lst = audit(s.to_numpy(), reps=REPS, splits=[np.arange(0, 10), np.arange(10, 72)])
    assert list(lst.period_table()["n"]) == [10, 62]
    with pytest.raises(InputError, match="splits"):
        audit(s.to_numpy(), reps=REPS, splits=[np.arange(0, 100)])


def test_drawdown_closed_form():
    r = np.array([0.10, -0.20, 0.05, 0.10, 0.20, -0.05])
    d = drawdown_numbers(r, None)
    wealth = np.cumprod(1 + r)
    assert d["max_drawdown"] == pytest.approx(0.88 / 1.10 - 1)
    assert d["peak_obs"] == 1 and d["trough_obs"] == 2
    assert d["recovery_obs"] == 5  # 1.1*0.8*1.05*1.1*1.2 = 1.219 > 1.1
    assert d["total_return"] == pytest.approx(wealth[-1] - 1)
    assert d["longest_underwater_obs"] == 3
    idx = pd.date_range("2024-01-01", periods=6, freq="D")
    dd = drawdown_numbers(r, idx)
    assert dd["peak_date"] == "2024-01-01" and dd["trough_date"] == "2024-01-02"
    assert dd["recovery_date"] == "2024-01-05"


def test_updown_skipped_when_a_regime_is_too_small():
    rng = np.random.default_rng(13)
    b = np.abs(rng.normal(0.01, 0.02, 60))
    b[:3] = -0.01
    s = 1.2 * b + rng.normal(0, 0.01, 60)
    rep = audit(s, b, reps=REPS)
    assert "down regime" in rep.checks["updown_beta"].skipped


def test_controls_enter_the_regression():
    s, b = seed_like(seed=14)
    vol = pd.DataFrame({"vol": np.abs(np.random.default_rng(1).normal(0.03, 0.01, len(s)))}, index=s.index)
    rep = audit(s, b, controls=vol, reps=REPS)
    res = rep.checks["jensen_alpha"].result  # 0.2: the HAC and the bootstrap AlphaResult
    assert list(res.hac.betas.index)[1:] == ["vol"] and list(res.bootstrap.betas.index)[1:] == ["vol"]
    assert rep.settings["controls"] == 1
    # a state variable is centred: same slopes and residuals, intercept at the average state
    st = audit(s, b, states=vol, reps=REPS).checks["jensen_alpha"].result.hac
    assert st.states == ("vol",) and st.beta == pytest.approx(res.hac.beta, rel=1e-10)
    assert st.alpha == pytest.approx(res.hac.alpha + res.hac.betas["vol"] * vol["vol"].mean(), rel=1e-10)


def test_bad_inputs():
    s, b = seed_like(seed=15)
    with pytest.raises(InputError, match="controls"):
        audit(s, controls=b)
    with pytest.raises(InputError, match="returns, benchmark"):
        audit(s, b.set_axis(b.index + pd.Timedelta(days=3000)))
    bad = s.copy()
    bad.iloc[3] = np.nan
    with pytest.raises(InputError, match="non-finite"):
        audit(bad, b)
    with pytest.raises(InputError, match="cost_bps"):
        audit(s, cost_bps=-1)
    with pytest.raises(InputError, match="periods_per_year"):
        audit(s, periods_per_year=-12)
    # 0.2: trades_per_year was merged into periods_per_year (no shim), so the 0.1 conflict check is gone
    with pytest.raises(TypeError, match="trades_per_year"):
        audit(s, trades_per_year=14)
    with pytest.raises(TypeError):  # options are keyword-only
        audit(s, b, None, None, 5)
    with pytest.raises(InputError, match="turnover"):
        audit(s, cost_bps=5, cost_per="turnover")


def test_report_outputs(tmp_path):
    s, b = seed_like(seed=16)
    rep = audit(s, b, reps=REPS, cost_bps=30)
    text = rep.summary()
    assert rep.verdict in text and all(name in text for name in rep.checks)
    md = rep.to_markdown()
    assert f"**Verdict: {rep.verdict}**" in md and "| jensen_alpha |" in md and "## Sub-periods" in md
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    figs = rep.plot()
    assert plt.get_fignums() == before  # no pyplot state leaks
    assert set(figs) == {"equity", "scatter", "periods", "drawdown", "bootstrap"}
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs.values())
    html = rep.to_html()
    assert html.count("data:image/png;base64,") == 5
    paths = rep.save(tmp_path / "out")
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "report.md", "report.html", "equity.png", "scatter.png", "periods.png", "drawdown.png", "bootstrap.png"}
    assert "(equity.png)" in paths["markdown"].read_text()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.verdict = "alpha"


def test_no_benchmark_figures():
    rng = np.random.default_rng(17)
    rep = audit(rng.normal(0.001, 0.01, 100), reps=REPS)
    assert set(rep.plot()) == {"equity", "periods", "drawdown", "bootstrap"}


def test_bootstrap_figure_redraws_the_mean_tests_replicates(monkeypatch):
    """0.2: the figure draws the replicates the mean test kept (T* x se), without re-running the bootstrap;
    they are the mean test's own (same plan: a fresh mean_test with the seed gives the same pivots)."""
    import alphacheck._resample
    import alphacheck.significance

    rng = np.random.default_rng(18)
    r = rng.normal(0.004, 0.02, 90)
    rep = audit(r, reps=REPS, seed=4)
    mt = rep.checks["mean"].result
    again = mean_test(r, alternative="greater", reps=REPS, seed=4, block_length=rep.settings["block length"])
    # same plan, same pivots (up to rounding: the audit reduces all its tests' columns in one pass)
    np.testing.assert_allclose(mt.bootstrap_distribution, again.bootstrap_distribution, rtol=1e-12, atol=1e-12)
    assert mt.pvalue == again.pvalue
    assert mt.bootstrap_distribution.shape == (REPS,)

    def no_rerun(*args, **kwargs):
        raise AssertionError("the figure re-ran the bootstrap")

    for mod in (alphacheck._resample, alphacheck.significance):
        for name in ("streamed_sums", "streamed_block_moments"):
            if hasattr(mod, name):
                monkeypatch.setattr(mod, name, no_rerun)
    ax = rep.plot()["bootstrap"].axes[0]
    bars = ax.patches  # histogram bars of the kept replicates
    assert sum(p.get_height() for p in bars) == REPS
    values = 100 * mt.bootstrap_distribution * mt.se  # T* on the scale of the mean, the axis in percent
    counts, edges = np.histogram(values, bins=len(bars))
    np.testing.assert_array_equal([p.get_height() for p in bars], counts)
    np.testing.assert_allclose([p.get_x() for p in bars], edges[:-1], rtol=1e-12, atol=1e-12)


def test_a_later_benchmark_is_named_in_the_reasons():
    """The audit runs on the dates every input covers; dropping strategy rows silently hid a third of the data."""
    idx = pd.date_range("2021-01-01", periods=1095, freq="D")
    rng = np.random.default_rng(0)
    x, b = pd.Series(rng.normal(0.002, 0.03, 1095), idx), pd.Series(rng.normal(0.001, 0.03, 1095), idx)
    rep = audit(x, b.loc["2022":], reps=199)
    assert rep.reasons[-1] == ("note: the audit used 730 of the 1,095 returns rows (2022-01-01 to 2023-12-31: the "
                               "dates every input covers)")
    assert not any("the audit used" in r for r in audit(x, b, reps=199).reasons)
