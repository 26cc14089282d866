"""The API contract: every public function and result class speaks the one dialect and the one protocol.

Walks ``alphacheck.__all__``. Fails on a positional option, a name outside the dialect, a retired 0.1 name,
a non-Literal string option, a wrong shared default, a result class without the protocol, or a test whose
result breaks it when called (the calls below run every public test on small data).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import pickle
import types
import typing

import numpy as np
import pandas as pd
import pytest

import alphacheck as ac
from alphacheck._results import Result, TestResult

# names a public function may take positionally: its data (and the few scalars that *are* the data)
DATA = {
    "returns", "benchmark", "controls", "states", "trials", "signal", "forward_returns", "returns_panel", "events",
    "prices", "entries", "x", "y", "data", "statistic", "strategy", "param_grid", "pvalues", "sharpe", "n",
    "n_trials", "long", "short", "losses", "incumbent", "result", "path",
}
# option names of the dialect (docs/architecture.md) and the function-specific options allowed beside them
DIALECT = {
    "reps", "bootstrap", "method", "correlation", "maxlags", "kernel", "hac_pvalues", "block_length",
    "confidence_level", "alpha_level", "alternative", "null_value", "seed", "n_jobs", "periods_per_year", "metric",
    "n_trials", "cost_bps", "cost_per", "nan_policy", "check_returns",
}
SPECIFIC = {
    "prewhiten", "horizon", "horizons", "q", "cluster", "hold", "overlap", "direction", "weights", "splitter",
    "n_groups", "studentize", "trial_sharpe_variance", "trial_sharpes", "benchmark_sharpe", "n_obs", "skewness",
    "kurtosis", "mean_sharpe", "paired", "threshold", "beta", "start_value", "trial_pvalues", "turnover", "splits",
    "trials", "states", "controls", "benchmark", "statistic", "autocorrelation", "correlation", "n_sims",
    "meaningful_alpha", "compare_to", "power", "effect", "k_fwer", "pi0_lambda", "finite_sample", "average_correlation",
    # issue 12: alpha through time, factor models, path risk, metrics
    "window", "step", "min_periods", "state_lag", "terms", "functional", "trimming", "process", "n_breaks",
    "max_breaks", "min_segment", "bandwidth", "table", "date_column", "units", "mean", "volatility", "var_level",
}
RETIRED = {"ci_level", "confidence", "size", "hac_lags", "lags", "threads", "score", "cov", "test", "trials_returns",
           "performance", "trades_per_year", "null"}
SHARED_DEFAULTS = {"reps": 9_999, "confidence_level": 0.95, "alpha_level": 0.05, "null_value": 0.0,
                   "check_returns": True, "bootstrap": "stationary", "block_length": "auto"}

PUBLIC = [(name, getattr(ac, name)) for name in ac.__all__ if not name.startswith("__")]
FUNCTIONS = [(n, o) for n, o in PUBLIC if inspect.isfunction(o)]
RESULTS = [(n, o) for n, o in PUBLIC if inspect.isclass(o) and issubclass(o, Result)]
SPLITTERS = [(n, o) for n, o in PUBLIC if inspect.isclass(o) and hasattr(o, "split")]


def test_counts_are_what_the_note_reports():
    print(f"\n[contract] {len(FUNCTIONS)} public functions, {len(RESULTS)} result classes, {len(SPLITTERS)} splitters")
    assert len(FUNCTIONS) >= 40 and len(RESULTS) >= 12


@pytest.mark.parametrize("name,fn", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_signature_speaks_the_dialect(name, fn):
    sig = inspect.signature(fn)
    hints = typing.get_type_hints(fn)
    for p in sig.parameters.values():
        assert p.name not in RETIRED, f"{name}: retired 0.1 name {p.name!r}"
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            assert p.name in DATA, f"{name}: option {p.name!r} must be keyword-only (after *)"
            continue
        if p.kind is p.VAR_KEYWORD or p.kind is p.VAR_POSITIONAL:
            continue
        assert p.name in DIALECT | SPECIFIC, f"{name}: {p.name!r} is not in the dialect table"
        if p.name in SHARED_DEFAULTS and not (name == "bootstrap_indices" and p.name == "block_length"):
            # (bootstrap_indices gets only n, no data to estimate a block length from: it must be given)
            assert p.default == SHARED_DEFAULTS[p.name], f"{name}: {p.name} defaults to {p.default!r}"
        if isinstance(p.default, str) and p.name not in ("block_length", "statistic"):
            # (block_length takes a number or "auto"; statistic a callable or "mean_difference")
            ann = hints.get(p.name)
            args = typing.get_args(ann) if ann is not None else ()
            literal = typing.get_origin(ann) is typing.Literal or any(typing.get_origin(a) is typing.Literal for a in args)
            assert literal, f"{name}: string option {p.name!r} must be typed with Literal[...]"


@pytest.mark.parametrize("name,fn", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_numpydoc_sections(name, fn):
    doc = inspect.getdoc(fn) or ""
    for section in ("Parameters", "Returns", "References", "Examples"):
        assert f"{section}\n----" in doc, f"{name}: docstring lacks a {section} section"
    assert ">>> " in doc, f"{name}: its Examples section has no doctest"


@pytest.mark.parametrize("name,cls", RESULTS, ids=[n for n, _ in RESULTS])
def test_result_classes_have_the_protocol(name, cls):
    for method in ("summary", "to_dict", "to_frame", "_repr_html_", "confidence_interval"):
        assert callable(getattr(cls, method, None)), f"{name} lacks {method}()"
    params = inspect.signature(cls.confidence_interval).parameters
    assert "confidence_level" in params and params["confidence_level"].default is None
    if issubclass(cls, TestResult):
        fields = {f.name for f in dataclasses.fields(cls)}
        for f in ("statistic", "pvalue", "alternative", "null", "estimate", "method", "n", "se",
                  "bootstrap_distribution", "confidence_level"):
            assert f in fields, f"{name} lacks {f}"
        params = inspect.signature(cls.confidence_interval).parameters
        assert "confidence_level" in params and params["confidence_level"].default is None


@pytest.mark.parametrize("name,cls", SPLITTERS, ids=[n for n, _ in SPLITTERS])
def test_splitters_are_keyword_only(name, cls):
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        assert p.kind is p.KEYWORD_ONLY, f"{name}({p.name}) must be keyword-only"


# ---------------------------------------------------------------------------------------------------------
# every public test, called: its result must honour the protocol

RNG = np.random.default_rng(0)
N = 240
IDX = pd.bdate_range("2020-01-01", periods=N)
B = pd.Series(RNG.normal(0.0004, 0.01, N), index=IDX, name="bench")
R = pd.Series(0.0002 + 0.8 * B.to_numpy() + RNG.normal(0, 0.006, N), index=IDX, name="strat")
PANEL = pd.DataFrame(RNG.normal(0, 0.01, (N, 6)), index=IDX, columns=list("abcdef"))
TRIALS = pd.DataFrame(RNG.normal(0, 0.01, (N, 8)), index=IDX)
SMALL = dict(reps=199, seed=RNG)  # a Generator seed is accepted everywhere

CALLS = {
    "mean_test": lambda: ac.mean_test(R, **SMALL),
    "mean_test_hac": lambda: ac.mean_test(R, method="hac", hac_pvalues="fixed-b"),
    "sharpe_test": lambda: ac.sharpe_test(R, **SMALL),
    "bootstrap_test": lambda: ac.bootstrap_test(R.to_numpy(), np.median, **SMALL),
    "permutation_test": lambda: ac.permutation_test(R, B, **SMALL),
    "probabilistic_sharpe_ratio": lambda: ac.probabilistic_sharpe_ratio(R),
    "deflated_sharpe_ratio": lambda: ac.deflated_sharpe_ratio(R, n_trials=10, trial_sharpe_variance=0.001),
    "jensen_alpha": lambda: ac.jensen_alpha(R, B),
    "jensen_alpha_bootstrap": lambda: ac.jensen_alpha(R, B, method="bootstrap", **SMALL),
    "spread_test": lambda: ac.spread_test(R, B, **SMALL),
    "updown_beta": lambda: ac.updown_beta(R, B),
    "ic_test": lambda: ac.ic_test(PANEL.shift(1).fillna(0), PANEL),
    "haircut_sharpe": lambda: ac.haircut_sharpe(0.1, n_obs=N, n_trials=10),
    "spa": lambda: ac.spa(TRIALS, **SMALL),
    "stepm": lambda: ac.stepm(TRIALS, **SMALL),
    "reality_check": lambda: ac.reality_check(TRIALS, **SMALL),
    "stepm_k_fwer": lambda: ac.stepm(TRIALS, k_fwer=2, **SMALL),
    "sharpe_difference": lambda: ac.sharpe_difference(R, B, **SMALL),
    "sharpe_difference_hac": lambda: ac.sharpe_difference(R, B, method="hac"),
    "sharpe_difference_jk": lambda: ac.sharpe_difference(R, B, method="jobson-korkie"),
    "sharpe_equality": lambda: ac.sharpe_equality(TRIALS, **SMALL),
    "diebold_mariano": lambda: ac.diebold_mariano(-R, -B),
    "giacomini_white": lambda: ac.giacomini_white(-R, -B),
    "model_confidence_set": lambda: ac.model_confidence_set(-TRIALS, **SMALL),
    "break_test": lambda: ac.break_test(R, B, **SMALL),
    "break_test_hac_alpha": lambda: ac.break_test(R, B, method="hac", terms="alpha"),
    "fluctuation_test": lambda: ac.fluctuation_test(R, B, process="mosum"),
    "alpha_decay": lambda: ac.alpha_decay(R, B),
    "conditional_alpha": lambda: ac.conditional_alpha(R, B, PANEL["a"].abs()),
    "factor_alpha": lambda: ac.factor_alpha(PANEL, B),
    "factor_alpha_bootstrap": lambda: ac.factor_alpha(PANEL, B, method="bootstrap", **SMALL),
    "drawdown_test": lambda: ac.drawdown_test(R, mean=0.001, volatility=0.01, **SMALL),
}


@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
def test_results_honour_the_protocol_when_called(call):
    res = CALLS[call]()
    assert isinstance(res, TestResult)
    for f in ("statistic", "pvalue"):
        v = getattr(res, f)
        assert isinstance(v, float) and np.isfinite(v), f"{call}: {f} = {v!r}"
    assert 0.0 < res.pvalue <= 1.0
    assert res.alternative in ("two-sided", "greater", "less")
    assert isinstance(res.null, str) and res.null and isinstance(res.method, str) and res.method
    assert isinstance(res.n, int) and res.n > 0
    try:
        lo, hi = res.confidence_interval()
        lo9, hi9 = res.confidence_interval(confidence_level=0.9)
        assert lo <= lo9 <= hi9 <= hi, f"{call}: a 90 % interval must lie inside the 95 % one"
    except ac.NoIntervalError as exc:
        assert str(exc)
    json.dumps(res.to_dict(), default=str)
    assert isinstance(res.to_frame(), pd.DataFrame)
    assert "<table" in res._repr_html_()
    assert res.summary()
    back = pickle.loads(pickle.dumps(res))  # results travel between processes (joblib, Dask) and into caches
    assert type(back) is type(res) and back.summary() == res.summary() and back.to_dict().keys() == res.to_dict().keys()
    assert isinstance(back.details, types.MappingProxyType)  # still read-only after the round trip


def test_descriptive_results_have_no_interval_and_say_so():
    noise = np.random.default_rng(0).normal(0, 0.01, (400, 6))
    for res in (ac.pbo(noise, n_groups=4), ac.false_discovery_control([0.01, 0.2, 0.03, 0.5])):
        with pytest.raises(ac.NoIntervalError, match="descriptive result"):
            res.confidence_interval(confidence_level=0.9)


def test_audit_report_displays_as_a_table():
    rep = ac.audit(R, B, reps=199)
    assert rep.verdict in ac.VERDICTS
    back = copy.deepcopy(pickle.loads(pickle.dumps(rep)))
    assert back.verdict == rep.verdict and back.summary() == rep.summary()
    fam = ac.audit_family(TRIALS, reps=199, seed=1)
    assert pickle.loads(pickle.dumps(fam)).summary() == fam.summary()
    assert "<table" in rep._repr_html_()
    json.dumps(rep.to_dict(), default=str)
    # the summary's check column is as wide as the longest name ("performance_summary" ran into its status)
    lines = rep.summary().split("Checks:\n")[1].splitlines()
    width = max(len(name) for name in rep.checks) + 2
    assert [line[2:2 + width].strip() for line in lines] == list(rep.checks)
    assert all(line[2 + width - 1] == " " and line[2 + width] != " " for line in lines), lines
    with pytest.raises(ac.NoIntervalError, match="report of several tests"):
        rep.confidence_interval(confidence_level=0.9)
    fam = ac.audit_family(np.random.default_rng(0).normal(0, 0.01, (300, 6)), reps=99)
    with pytest.raises(ac.NoIntervalError, match="report of several tests"):
        fam.confidence_interval()
