"""The verdict rule table (alphacheck.verdict), branch by branch, on fabricated check outcomes."""

from __future__ import annotations

import dataclasses

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


def test_rule_A_reason_states_the_alpha_breakeven_cost():
    w = world()
    w["cost_sensitivity"] = chk("cost_sensitivity", True, assumed_cost_bps=10.0,
                                extra_bps_until_alpha_not_significant=22.04)
    v, reasons = decide(w)
    assert v == "alpha"
    assert reasons[2] == ("cost_sensitivity: alpha survives costs up to 22.0 bps per observation beyond the "
                          "assumed 10 bps (32.0 bps in total) with both p < 0.05")
    # not part of the other verdicts' reasons
    v, reasons = decide(world(hac_p=0.2) | {"cost_sensitivity": w["cost_sensitivity"]})
    assert v == "beta, not alpha" and not any("survives" in r for r in reasons)


@pytest.mark.parametrize("missing", ["jensen_alpha"])
def test_missing_alpha_with_benchmark_falls_back_to_mean(missing):
    w = world()
    w[missing] = skipped(missing)
    v, reasons = decide(w)
    assert v == "beta, not alpha" and "not available" in reasons[0]


# ------------------------------------------------------------------------------------------------
# audit() end to end
# ------------------------------------------------------------------------------------------------

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from alphacheck import InputError, audit, jensen_alpha  # noqa: E402
from alphacheck.significance import mean_test  # noqa: E402
from alphacheck.audit import drawdown_stats  # noqa: E402
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
    assert rep.verdict == "beta, not alpha"
    assert rep.reasons[0].startswith("mean:") and "rule B" in rep.reasons[0]
    assert not rep.checks["market_neutral"].passed


def test_planted_alpha_is_alpha():
    s, b = seed_like(alpha=0.02, noise=0.03, seed=2)
    rep = audit(s, b, reps=REPS)
    assert rep.verdict == "alpha"
    ja = rep.checks["jensen_alpha"].numbers
    assert ja["hac_pvalue"] < 0.05 and ja["bootstrap_pvalue"] < 0.05 and ja["alpha"] > 0


def test_no_benchmark_never_says_alpha():
    rng = np.random.default_rng(3)
    r = rng.normal(0.01, 0.02, 120)
    rep = audit(r, reps=REPS)
    assert rep.verdict == "significant, beta untested"
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
    rep = audit(grid[:, best], n_trials=100, trials_returns=grid, reps=REPS)
    assert rep.checks["sharpe"].numbers["pvalue"] < 0.05  # looks significant on its own
    assert rep.checks["dsr"].numbers["pvalue"] >= 0.05
    assert rep.verdict == "overfit"
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
    ja = jensen_alpha(net, b, bootstrap=True, reps=REPS, seed=3)
    assert rep.checks["jensen_alpha"].numbers["alpha"] == pytest.approx(ja.alpha)
    assert rep.checks["jensen_alpha"].numbers["hac_pvalue"] == pytest.approx(ja.alpha_pvalue)
    assert rep.checks["jensen_alpha"].numbers["bootstrap_pvalue"] == pytest.approx(ja.bootstrap_pvalue)
    mt = mean_test(net, alternative="greater", reps=REPS, seed=3)
    assert rep.checks["mean"].numbers["pvalue"] == pytest.approx(mt.pvalue)
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
    kw = dict(alternative="greater", reps=REPS, seed=0)
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
        assert at.alpha_pvalue == pytest.approx(0.05, abs=1e-6)
        assert at.alpha_se == pytest.approx(base.alpha_se, rel=1e-9)  # se untouched by the shift
        assert np.allclose(at.betas, base.betas, rtol=1e-9, atol=1e-12)
        assert np.allclose(at.residuals, base.residuals, atol=1e-12)
        zero = jensen_alpha(net - cs["extra_bps_until_alpha_le_0"] * 1e-4, b, controls=ctrl)
        assert zero.alpha == pytest.approx(0.0, abs=1e-12)
        # bootstrap break-even: the audit's own bootstrap test (same seed, reps) straddles the level there
        c_boot = cs["extra_bps_until_alpha_bootstrap_not_significant"] * 1e-4
        kw = dict(controls=ctrl, bootstrap=True, reps=REPS, seed=1)
        tol = 0.01 * base.alpha_se
        assert jensen_alpha(net - (c_boot - tol), b, **kw).bootstrap_pvalue < 0.05
        assert jensen_alpha(net - (c_boot + tol), b, **kw).bootstrap_pvalue >= 0.05
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
    assert line == [f"cost_sensitivity: alpha survives costs up to {extra:.1f} bps per observation beyond the "
                    f"assumed 10 bps ({10 + extra:.1f} bps in total) with both p < 0.05"]
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
    assert cs.passed is False and "the alpha does not survive the assumed 5 bps" in txt
    # without a benchmark the edge is the mean
    plain = audit(s.to_numpy(), reps=REPS, cost_bps=5).checks["cost_sensitivity"]
    assert "alpha" not in plain.interpretation and not re.search(r"-\s*\d", plain.interpretation)
    assert plain.passed is False and "the mean does not survive" in plain.interpretation


def test_cost_flag_follows_the_alpha_not_the_mean():
    # leveraged beta: the mean easily survives the cost, the alpha never was significant -> FLAG
    s, b = seed_like(alpha=0.0, btc_mean=0.03, noise=0.03, seed=1)
    rep = audit(s, b, reps=REPS, cost_bps=10)
    cs = rep.checks["cost_sensitivity"]
    assert rep.verdict == "beta, not alpha"
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
    d = drawdown_stats(r, None)
    wealth = np.cumprod(1 + r)
    assert d["max_drawdown"] == pytest.approx(0.88 / 1.10 - 1)
    assert d["peak_obs"] == 1 and d["trough_obs"] == 2
    assert d["recovery_obs"] == 5  # 1.1*0.8*1.05*1.1*1.2 = 1.219 > 1.1
    assert d["total_return"] == pytest.approx(wealth[-1] - 1)
    assert d["longest_underwater_obs"] == 3
    idx = pd.date_range("2024-01-01", periods=6, freq="D")
    dd = drawdown_stats(r, idx)
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
    res = rep.checks["jensen_alpha"].result
    assert list(res.betas.index)[1:] == ["vol"]
    assert rep.settings["controls"] == 1


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
        audit(s, periods_per_year=12, trades_per_year=14)


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


def test_bootstrap_figure_redraws_the_mean_tests_replicates():
    """The figure's replicates are the mean test's own: same plan, so the same bootstrap sd of the mean."""
    from alphacheck.resample import streamed_sums

    rng = np.random.default_rng(18)
    r = rng.normal(0.004, 0.02, 90)
    rep = audit(r, reps=REPS, seed=4)
    mt = rep.checks["mean"].result["bootstrap"]
    reps = streamed_sums(r, REPS, "stationary", mt.details["block_length"], 4) / r.size
    assert reps.std(ddof=1) == pytest.approx(mt.details["bootstrap_se"], rel=1e-9)
    bars = rep.plot()["bootstrap"].axes[0].patches  # histogram bars of the same replicates
    assert sum(p.get_height() for p in bars) == REPS
