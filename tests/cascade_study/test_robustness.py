"""The robustness section: the cells, their tests, the family corrections and the conclusion rules."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from alphacheck import adjust_pvalues, jensen_alpha, mean_test
from cascade_study.experiments.alt_contagion_wf import run_alt_contagion
from cascade_study.experiments.robustness import (
    MIN_TRADES,
    SEED_HOURS,
    CellSpec,
    Conclusion,
    cell_specs,
    conclusions,
    run_robustness,
    seed_length_span,
    select_trades,
)
from cascade_study.features import compute_features
from cascade_study.strategies import build_trades, cascade_entries
from cascade_study.verdicts import UNPROVEN

from .test_strategies import make_cascade_market

REPS = 299


def test_cells_are_every_choice_the_issue_lists():
    cells = cell_specs()
    main = cells[0]
    assert (main.delay, main.cost_bps, main.hold, main.level, main.span, main.drop_year) == (
        0, 30.0, 48, "volume_only", "oos", None)
    assert sorted(c.delay for c in cells if c.group in ("main", "entry delay")) == [0, 1, 2]
    assert sorted(c.cost_bps for c in cells if c.group in ("main", "cost")) == [10, 30, 50]
    assert sorted(c.hold for c in cells if c.group in ("main", "hold")) == [24, 48, 72]
    assert {c.level for c in cells if c.group in ("main", "cascade level")} == {"strict", "medium", "loose",
                                                                                 "volume_only"}
    assert {c.span for c in cells if c.group in ("main", "sample span")} == {"oos", "full", "seed_length"}
    assert sorted(c.drop_year for c in cells if c.group == "years") == [2021, 2022, 2023, 2024, 2025]
    # every non-main cell changes exactly one choice
    fields = ("level", "hold", "cost_bps", "delay", "span", "drop_year")
    for c in cells[1:]:
        assert sum(getattr(c, f) != getattr(main, f) for f in fields) == 1, c


def test_seed_length_span_has_the_seeds_hours():
    lo, hi = seed_length_span()
    assert (hi - lo) / pd.Timedelta(hours=1) + 1 == SEED_HOURS
    assert hi == pd.Timestamp("2026-02-28 23:00", tz="UTC")


@pytest.fixture(scope="module")
def synthetic():
    """Planted cascades over 2021-2025 (beta 1.5, no alpha)."""
    md, _events = make_cascade_market(n_events=90, spacing=480, start="2021-01-01", seed=9)
    feats = compute_features(md)
    book = build_trades(md, cascade_entries(feats))
    return md, feats, book


@pytest.fixture(scope="module")
def robust(synthetic):
    md, feats, _book = synthetic
    return run_robustness(md, feats, reps=REPS, seed=4)


def test_main_cell_is_the_headline_analysis(synthetic, robust):
    _md, _feats, book = synthetic
    ac = run_alt_contagion(book, reps=REPS, seed=4)
    main = robust.main
    assert main.n == ac.overall["alt_long"].n
    assert main.mean == pytest.approx(ac.overall["alt_long"].mean, rel=1e-12)
    assert main.mean_p == ac.overall["alt_long"].pvalue          # same test, same seed, same bits
    hac = jensen_alpha(ac.book.variant("alt_long"), ac.book.trades["btc_gross"])
    assert main.alpha == pytest.approx(hac.alpha, rel=1e-12) and main.alpha_p_hac == pytest.approx(hac.pvalue)


def test_cells_change_what_they_say(synthetic, robust):
    md, feats, book = synthetic
    tab = robust.table()
    by = {c.spec.label: c for c in robust.cells}
    # cost: same trades, net shifted by the cost difference
    assert by["10 bp round trip"].n == robust.main.n
    assert by["10 bp round trip"].mean == pytest.approx(robust.main.mean + 0.002, rel=1e-9)
    # without a year: that year's trades are gone
    c = next(c for c in robust.cells if c.spec.drop_year == 2021)
    n21 = int((book.between("2021", "2025-12-31 23:00").entries.year == 2021).sum())
    assert c.n == robust.main.n - n21
    # the delay cell's trades enter later (its book is built from the same signals)
    d2 = build_trades(md, cascade_entries(feats), delay=2)
    assert by["enter 2 h after the close"].mean == pytest.approx(
        select_trades(d2, CellSpec("x", "x", delay=2)).variant("alt_long").mean(), rel=1e-12)
    assert next(iter(tab["cell"])) == "main set-up" and len(tab) == len(cell_specs())
    assert (tab.loc[tab["verdict"] != "too few trades", "trades"] >= MIN_TRADES).all()


def test_family_corrections_over_the_cells(robust):
    tab = robust.table()
    tested = tab[tab["verdict"] != "too few trades"]
    np.testing.assert_allclose(tested["mean_p_bh"], adjust_pvalues(tested["mean_p"].to_numpy(), method="bh"))
    np.testing.assert_allclose(tested["alpha_p_holm"], adjust_pvalues(tested["alpha_p_hac"].to_numpy(),
                                                                      method="holm"))
    assert (tested["mean_p_bh"] >= tested["mean_p"] - 1e-15).all()
    sm = robust.stepm_mean
    assert sm.k == len(tested) and sm.n == robust.months
    assert np.isfinite(tested["mean_p_stepm"]).all() and np.isfinite(tested["alpha_p_stepm"]).all()
    # StepM's family p is its smallest adjusted p (its own contract)
    assert sm.pvalue == pytest.approx(tested["mean_p_stepm"].min())


def test_no_planted_alpha_is_found_in_any_cell(robust):
    tab = robust.table()
    tested = tab[tab["verdict"] != "too few trades"]
    assert (tested["verdict"] != "alpha").all()
    assert (tested["beta"] > 1.2).all()              # planted beta 1.5


def test_conclusion_rules_on_a_fabricated_table(robust):
    """conclusions() reads the table: make the long-only mean insignificant in one cell only."""
    cells = list(robust.cells)
    k = next(i for i, c in enumerate(cells) if c.spec.label == "hold 24 h")

    class FakeTest:
        def __init__(self, p, est):
            self.pvalue, self.estimate, self.se = p, est, 0.01

    cells = [dataclasses.replace(c, mean=0.02, mean_test=FakeTest(0.5 if i == k else 0.01, 0.02),
                                 verdict=UNPROVEN) if c.tested else c for i, c in enumerate(cells)]
    fake = dataclasses.replace(robust, cells=tuple(cells))
    got = {c.claim: c for c in conclusions(fake)}
    sig = next(v for key, v in got.items() if key.startswith("the alts long-only mean is significant"))
    assert sig.fails == ("hold 24 h",) and not sig.survives
    assert got["the alts long-only mean per trade is positive"].survives
    assert "fails in: hold 24 h" in sig.sentence()
    assert Conclusion("x", (), ("a", "b"), ()).where_fails() == "fails in every tested cell"
    assert Conclusion("x", ("a",), tuple("bcdefg"), ()).where_fails(most=2) == "fails in: b, c and 4 more"


def test_too_few_trades_are_reported_untested(synthetic):
    md, feats, _book = synthetic
    few = run_robustness(md, feats, reps=REPS, seed=0, specs=(CellSpec("main", "main set-up"),
                                                              CellSpec("cascade level", "strict", level="strict")))
    strict = few.cells[1]
    assert strict.n < MIN_TRADES and strict.verdict == "too few trades" and not strict.tested
    assert np.isnan(strict.mean_p)
    tab = few.table()
    assert tab.loc[1, "verdict_changes"]  # reported, and its row says n/a for the tests
    assert few.stepm_mean is None        # a family of one tested cell is not a family
    c = conclusions(few)[0]
    assert c.untested == ("strict",)


def test_mean_test_is_the_one_sided_bootstrap(synthetic, robust):
    _md, _feats, book = synthetic
    y = book.between("2021", "2025-12-31 23:00").variant("alt_long")
    t = mean_test(y, alternative="greater", method="bootstrap", reps=REPS, seed=4)
    assert robust.main.mean_test.pvalue == t.pvalue and robust.main.mean_test.alternative == "greater"
