"""Experiments on synthetic panels (planted beta) and the verdict rules on fabricated evidence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cascade_study.experiments.alt_contagion_wf import run_alt_contagion
from cascade_study.experiments.beta import run_beta
from cascade_study.experiments.cross_section import run_cross_section
from cascade_study.experiments.drawdown import drawdown_episodes, equity_curve, run_drawdown, worst_losing_streak
from cascade_study.experiments.event_study import run_event_study
from cascade_study.features import compute_features
from cascade_study.strategies import build_trades, cascade_entries
from cascade_study.study import Evidence, experiment_verdicts, final_verdict
from cascade_study.verdicts import RULED_OUT, TRADE_VERDICTS, UNPROVEN, AlphaPower, alpha_power

from .test_strategies import PLANTED_BETA, make_cascade_market

REPS = 499


@pytest.fixture(scope="module")
def synthetic():
    md, events = make_cascade_market(n_events=80, spacing=80)
    feats = compute_features(md)
    return md, feats, events, build_trades(md, cascade_entries(feats))


def test_beta_decomposition_recovers_the_planted_beta(synthetic):
    _, feats, _, book = synthetic
    res = run_beta(book, feats, reps=REPS, seed=1)
    lo, hi = res.plain.table.loc[res.plain.table.index[1], ["ci_low", "ci_high"]]
    assert lo < PLANTED_BETA < hi
    assert abs(res.plain.beta - PLANTED_BETA) < 0.1
    assert res.plain.rsquared > 0.8
    # no planted alpha: the intercept is the cost (−30 bp) plus noise, not significant at 1 %
    assert res.plain.pvalue > 0.01 or res.plain.alpha < 0
    assert res.recover_n + res.fall_n == len(book.trades)
    # 0.2: plain is the HAC fit; the bootstrap is its own result (plain_boot, studentised paired bootstrap)
    assert "HAC" in res.plain.method and res.plain.maxlags is not None
    boot = res.plain_boot
    assert "bootstrap" in boot.method and boot.bootstrap_distribution.shape == (REPS,)
    assert boot.alpha == pytest.approx(res.plain.alpha, rel=1e-12)  # same OLS fit, other inference
    assert boot.beta == pytest.approx(res.plain.beta, rel=1e-12)
    lo, hi = boot.table.loc[boot.table.index[1], ["ci_low", "ci_high"]]
    assert lo < PLANTED_BETA < hi
    assert boot.pvalue > 0.01 or boot.alpha < 0
    # 0.2: the volatility control is a centred state variable, so its intercept is the alpha at the average
    # volatility: mean(alt) - beta * mean(BTC) over the same trades
    vol = res.vol_control
    assert vol.states == (res.control_name,) == ("btc_rv_24h",)
    ctrl = feats[res.control_name].reindex(book.entries)
    ok = ctrl.notna().to_numpy()
    y, b = book.variant("alt_long")[ok], book.trades["btc_gross"][ok]
    assert vol.n == ok.sum()
    assert vol.alpha == pytest.approx(y.mean() - vol.beta * b.mean(), rel=1e-9)
    assert vol.details["state_means"][res.control_name] == pytest.approx(ctrl[ok].mean(), rel=1e-12)
    # against an independent least-squares fit: centred control -> intercept = alpha at the mean volatility;
    # the uncentred (0.1) intercept is the alpha at zero volatility and differs by delta * mean(v)
    v = ctrl[ok].to_numpy()
    X = np.column_stack([np.ones(ok.sum()), b.to_numpy(), v - v.mean()])
    coef = np.linalg.lstsq(X, y.to_numpy(), rcond=None)[0]
    assert vol.alpha == pytest.approx(coef[0], rel=1e-9) and res.control_slope == pytest.approx(coef[2], rel=1e-9)
    X0 = np.column_stack([np.ones(ok.sum()), b.to_numpy(), v])
    coef0 = np.linalg.lstsq(X0, y.to_numpy(), rcond=None)[0]
    assert res.vol_uncentred.alpha == pytest.approx(coef0[0], rel=1e-9)
    assert res.vol_uncentred.alpha == pytest.approx(vol.alpha - coef[2] * v.mean(), rel=1e-9)
    assert abs(res.vol_uncentred.alpha - vol.alpha) > 10 * abs(vol.alpha - (y.mean() - vol.beta * b.mean()))
    assert res.control_mean == pytest.approx(v.mean(), rel=1e-12)


def test_beta_zero_planted_is_recovered_too():
    md, _ = make_cascade_market(n_events=60, spacing=80, beta=0.0, seed=3)
    feats = compute_features(md)
    book = build_trades(md, cascade_entries(feats))
    res = run_beta(book, feats, reps=REPS, seed=1)
    lo, hi = res.plain.table.iloc[1][["ci_low", "ci_high"]]
    assert lo < 0.0 < hi


def test_alt_contagion_counts_and_years(synthetic):
    *_, book = synthetic
    ac = run_alt_contagion(book, reps=REPS, seed=0)
    assert ac.overall["alt_long"].n == len(book.trades)
    s = ac.overall["alt_long"]
    r = book.variant("alt_long")
    assert s.mean == pytest.approx(r.mean())
    assert s.cumulative == pytest.approx(np.prod(1 + r) - 1)
    assert s.win_rate == pytest.approx((r > 0).mean())
    assert set(ac.by_year.index.get_level_values("year")) == {2021}
    assert 0 <= s.pvalue <= 1


def test_event_study_and_cross_section_run_on_synthetic(synthetic):
    md, feats, events, book = synthetic
    es = run_event_study(md, feats, reps=REPS, seed=0)
    assert es.events.equals(events)
    assert es.counts.loc["volume_only", "events_merged"] == len(events)
    assert es.counts.loc["volume_only", "events_unmerged"] == len(events) + 1
    assert list(es.table.index) == [1, 4, 12, 24, 48]
    assert (es.table["n_events"] == len(events)).all()
    cs = run_cross_section(book, reps=REPS, seed=0)
    assert cs.long_short_mean == pytest.approx(book.variant("long_short").mean())


def test_drawdown_episodes_on_a_known_path():
    idx = pd.date_range("2021-01-01", periods=6, freq="D", tz="UTC")
    r = pd.Series([0.10, -0.20, -0.10, 0.50, -0.05, 0.01], index=idx)
    w = equity_curve(r)
    assert w.iloc[0] == 1.0 and w.iloc[-1] == pytest.approx(1.1 * 0.8 * 0.9 * 1.5 * 0.95 * 1.01)
    ep = drawdown_episodes(r)
    # peak after trade 1 (1.10), trough after trade 3 (0.792): depth −28 %, recovered at trade 4
    assert ep.loc[0, "depth"] == pytest.approx(0.792 / 1.10 - 1)
    assert ep.loc[0, "peak"] == 1 and ep.loc[0, "trough"] == 3 and ep.loc[0, "recovery"] == 4
    assert pd.isna(ep.loc[1, "recovery"])
    streak = worst_losing_streak(r)
    assert list(streak["return"]) == [-0.20, -0.10]


def test_run_drawdown_dates_by_exit(synthetic):
    *_, book = synthetic
    d = run_drawdown(book)
    assert d.max_drawdown <= 0
    assert d.wealth.index[0] == book.entries[0]
    assert (d.wealth.index[1:] == pd.DatetimeIndex(book.trades["exit"])).all()


# --------------------------------------------------------------------------- verdict rules
UNDERPOWERED = AlphaPower(alpha=0.014, mde=0.03, upper=0.033, margin=0.023, ruled_out=False, n_needed=340.0,
                          power_at_estimate=0.2, n=69)
POWERFUL = dataclasses.replace(UNDERPOWERED, upper=0.01, ruled_out=True, mde=0.008, n_needed=30.0)
BASE = Evidence(spread48=0.014, spread48_p=0.03, cfi_ic=0.05, cfi_ic_p=1e-6, cfi_crash_ratio=1.4,
                fade_oos_sharpe=-0.3, fade_pbo=0.55, long_mean=0.023, long_p=0.02, mn_mean=0.012,
                mn_p=0.07, alpha=0.014, alpha_p_hac=0.16, alpha_p_boot=0.14, alpha_vol=0.003,
                alpha_vol_p=0.9, beta=1.25, r2=0.51, ls_mean=0.001, ls_p=0.9, max_drawdown=-0.41,
                power=UNDERPOWERED, trades_per_year=13.8)


def ev(**kw):
    return dataclasses.replace(BASE, **kw)


@pytest.mark.parametrize("kw, label", [
    (dict(), UNPROVEN),                                                           # the seed's case, underpowered
    (dict(power=POWERFUL), RULED_OUT),                                            # same, alpha excluded
    (dict(alpha_p_hac=0.01, alpha_p_boot=0.01, mn_p=0.01), "alpha"),              # rule 1
    (dict(alpha_p_hac=0.01, alpha_p_boot=0.01, mn_p=0.3), "inconclusive"),        # rule 2
    (dict(alpha_p_hac=0.01, alpha_p_boot=0.2), UNPROVEN),                         # one test only
    (dict(alpha=-0.01, alpha_p_hac=0.01, alpha_p_boot=0.01), UNPROVEN),           # negative alpha
    (dict(long_p=0.2, alpha_p_hac=0.01, alpha_p_boot=0.01), "inconclusive"),      # rule 5
    (dict(long_p=0.2), "no significant return"),                                  # rule 6
    (dict(long_mean=-0.01, long_p=0.01), "no significant return"),                # wrong sign
    (dict(long_p=float("nan")), "no significant return"),                         # untested never significant
])
def test_final_verdict_branches(kw, label):
    v = final_verdict(ev(**kw))
    assert v.label == label and label in TRADE_VERDICTS
    assert v.standalone_alpha == (label == "alpha")
    assert v.text and len(v.reasons) == 5
    assert not v.text.lower().startswith(label)          # the headline does not stutter


def test_power_aware_labels_are_the_audits():
    import alphacheck

    assert RULED_OUT in alphacheck.VERDICTS and UNPROVEN in alphacheck.VERDICTS


def test_final_verdict_text_is_built_from_the_numbers():
    v = final_verdict(ev(long_mean=0.0345, alpha=0.0111))
    assert "+3.45%" in v.text and "+1.11%" in v.text
    assert "69 trades" in v.power_text and "340 trades" in v.power_text and "25 years" in v.power_text
    assert "cannot rule out" in v.power_text
    assert "rule out an alpha as large as" in final_verdict(ev(power=POWERFUL)).power_text


def test_alpha_power_matches_the_library_and_decides_ruled_out():
    """alpha_power is power_analysis / equivalence_bound of both tests (the binding one), as the audit."""
    from alphacheck import jensen_alpha
    from alphacheck.power import equivalence_bound, power_analysis

    rng = np.random.default_rng(11)
    b = rng.normal(0.0, 0.05, 80)
    y = 0.004 + 1.2 * b + rng.normal(0, 0.02, 80)
    hac = jensen_alpha(y, b)
    boot = jensen_alpha(y, b, method="bootstrap", reps=REPS, seed=2)
    pw = alpha_power(hac, boot, margin=float(np.mean(y)))
    assert pw.upper == max(equivalence_bound(hac), equivalence_bound(boot))
    assert pw.mde == max(power_analysis(hac).minimum_detectable_effect, power_analysis(boot).minimum_detectable_effect)
    assert pw.ruled_out == (pw.upper < np.mean(y)) and pw.n == 80
    assert alpha_power(hac, margin=pw.upper + 1e-6).ruled_out is (equivalence_bound(hac) < pw.upper + 1e-6)
    assert alpha_power(hac, margin=-0.01).ruled_out is False      # no positive margin, nothing to rule out


def test_experiment_verdict_branches():
    v = experiment_verdicts(BASE)
    assert v == {"Exp 02": "promising", "CFI": "momentum, not crash predictor",
                 "CFI tail": "weak tail-risk flag", "Exp 05": "FAILED",
                 "Exp 05b": "PASS", "Exp 06": "beta, not alpha", "Exp 07": "FAILED",
                 "Drawdown": "severe"}
    flipped = experiment_verdicts(ev(spread48_p=0.5, cfi_ic=-0.02, fade_oos_sharpe=1.0, fade_pbo=0.2,
                                     long_p=0.5, alpha_p_hac=0.001, alpha_p_boot=0.001, ls_mean=0.01,
                                     ls_p=0.01, max_drawdown=-0.1))
    assert flipped == {"Exp 02": "not confirmed", "CFI": "crash predictor",
                       "CFI tail": "weak tail-risk flag", "Exp 05": "PASS",
                       "Exp 05b": "FAILED", "Exp 06": "alpha", "Exp 07": "PASS", "Drawdown": "moderate"}
    assert experiment_verdicts(ev(fade_oos_sharpe=1.0, fade_pbo=0.7))["Exp 05"] == "FAILED"
    assert experiment_verdicts(ev(cfi_crash_ratio=5.1))["CFI tail"] == "strong tail-risk flag"
    # the sign of an insignificant IC is not evidence either way
    assert experiment_verdicts(ev(cfi_ic=0.01, cfi_ic_p=0.49))["CFI"] == "no signal (not a crash predictor)"
    assert experiment_verdicts(ev(cfi_ic=-0.01, cfi_ic_p=0.49))["CFI"] == "no signal (not a crash predictor)"
