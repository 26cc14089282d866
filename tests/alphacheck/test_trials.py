"""The effective number of trials, and the DSR / haircut with it.

Must show: 100 trials built as 5 independent clusters of 20 near-copies (ρ = 0.95 within) give an effective
count near 5; the DSR and the haircut are reported at that count and at 100 (printed with -s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alphacheck import InputError, audit, deflated_sharpe_ratio, haircut_sharpe
from alphacheck.overfitting.trials import effective_trials, participation_ratio


def clusters(seed=0, t=1000, families=5, size=20, rho=0.95, loose=0):
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((t, families)).repeat(size, axis=1)
    x = np.sqrt(rho) * f + np.sqrt(1 - rho) * rng.standard_normal((t, families * size))
    if loose:
        x = np.hstack([x, rng.standard_normal((t, loose))])
    return 0.01 * x


@pytest.mark.parametrize("t", [500, 2000])
def test_five_clusters_of_twenty_near_copies_give_about_five(t):
    x = clusters(1, t)
    res = effective_trials(x)
    assert res.n_clusters == 5
    assert list(res.clusters["size"]) == [20] * 5
    # each family of 20 copies at ρ = 0.95 counts 400 / (20 + 380 · 0.95²) = 1.10
    assert res.n_effective == pytest.approx(5 * 400 / (20 + 380 * 0.95**2), rel=0.02)
    assert 4.5 <= res.n_effective <= 6.0
    onc = effective_trials(x, method="onc")
    assert onc.n_clusters == 5 and abs(onc.n_effective - res.n_effective) < 0.05
    eig = effective_trials(x, method="eigenvalue")
    assert 4.5 <= eig.n_effective <= 6.0


def test_independent_trials_count_fully_and_mixtures_add_up():
    rng = np.random.default_rng(2)
    ind = effective_trials(0.01 * rng.standard_normal((1000, 100)))
    assert ind.n_effective >= 95  # the bias correction of r² keeps N/(1 + N/T) ~ 91 from showing up
    mix = effective_trials(clusters(3, 1000, loose=50))
    assert 50 <= mix.n_effective <= 60  # 5 families (~5.5) + 50 unrelated variants
    assert effective_trials(clusters(3, 1000, loose=50), method="eigenvalue").n_effective < 20  # why not the default


def test_participation_ratio_closed_form():
    r = np.full((10, 10), 0.5)
    np.fill_diagonal(r, 1.0)
    # equicorrelated: tr(R²) = 10 + 90 · 0.25; with T huge the bias correction vanishes
    assert participation_ratio(r, 10**12) == pytest.approx(100 / (10 + 90 * 0.25))
    assert participation_ratio(np.eye(4), 10**12) == 4.0


def test_dsr_and_haircut_at_the_effective_count_and_at_100(capsys):
    x = clusters(4, 1250)
    trials = pd.DataFrame(x)
    sr = x.mean(axis=0) / x.std(axis=0, ddof=1)
    best = x[:, int(np.argmax(sr))]
    eff = deflated_sharpe_ratio(best, trials=trials)
    v = float(np.var(sr, ddof=1))
    raw = deflated_sharpe_ratio(best, n_trials=100, trial_sharpe_variance=v)
    n_eff = eff.details["n_effective_trials"]
    assert eff.details["n_trials"] == 100 and 4.5 <= n_eff <= 6.0
    assert eff.null_value < raw.null_value and eff.probability > raw.probability
    hc_eff = haircut_sharpe(float(sr.max()), n_obs=1250, n_trials=round(n_eff))
    hc_raw = haircut_sharpe(float(sr.max()), n_obs=1250, n_trials=100)
    assert hc_eff.haircut < hc_raw.haircut
    with capsys.disabled():
        print(f"\n[effective trials] N_eff = {n_eff:.2f} of 100 (families {effective_trials(trials).n_clusters}); "
              f"DSR {eff.probability:.3f} (SR0 {eff.null_value:.4f}) vs {raw.probability:.3f} at 100 "
              f"(SR0 {raw.null_value:.4f}); haircut {hc_eff.haircut:.1%} at {round(n_eff)} vs {hc_raw.haircut:.1%} "
              "at 100")
    extra = deflated_sharpe_ratio(best, trials=trials, n_trials=150)  # 50 untracked trials count as independent
    assert extra.details["n_effective_trials"] == pytest.approx(n_eff + 50)


def test_audit_uses_the_effective_count_and_reports_both():
    x = clusters(5, 600)
    trials = pd.DataFrame(x, index=pd.bdate_range("2021-01-01", periods=600))
    best = trials.iloc[:, int(np.argmax(x.mean(0) / x.std(0)))]
    rep = audit(best, trials=trials, reps=299)
    assert rep.settings["n_trials"] == 100 and 4.5 <= rep.settings["effective trials"] <= 6.0
    assert rep.checks["dsr"].numbers["n_trials"] == 100
    assert rep.checks["dsr"].numbers["n_effective"] == pytest.approx(rep.settings["effective trials"], abs=0.01)
    assert rep.checks["haircut_sharpe"].numbers["n_effective"] in (5, 6)


def test_inputs():
    with pytest.raises(InputError, match="trials"):
        effective_trials(np.ones((50, 3)))
    with pytest.raises(InputError, match="n_trials"):
        deflated_sharpe_ratio(np.random.default_rng(0).normal(0, 0.01, 100))


def test_effective_trials_refuses_a_constant_column_exactly():
    x = np.random.default_rng(3).normal(0.0002, 0.006, (300, 6))
    x[:, 0] = 0.001  # its sd is a rounding residue (~1e-19), not 0: it was counted as one more independent trial
    with pytest.raises(InputError, match=r"column\(s\) \[0\] are constant"):
        effective_trials(x)
    with pytest.raises(InputError, match="duplicated column labels"):
        effective_trials(pd.DataFrame(x[:, 1:3], columns=["a", "a"]))


def test_two_variants_are_clustered_like_more():
    """Two unrelated variants are two families (was one: the clustering skipped N < 3); two near-copies are one."""
    x = np.random.default_rng(0).normal(0, 0.01, (500, 2))
    two = effective_trials(x)
    assert two.n_clusters == 2 and two.n_effective == pytest.approx(2.0)
    copies = effective_trials(np.column_stack([x[:, 0], 0.97 * x[:, 0] + 0.2 * x[:, 1]]))
    assert copies.n_clusters == 1 and 1.0 <= copies.n_effective < 1.1
