"""Property-based fuzz over every public function (alphacheck.__all__) and both command lines.

Inputs: lists, arrays, Series and frames holding NaN, inf, huge (1e300) and tiny (1e-300) magnitudes,
constant runs, integers, percent-sized and price-sized values, object dtypes (numbers as strings, None,
text), empty and length-1 inputs, on RangeIndex, daily, tz-aware, duplicated, unsorted and mixed-tz indices.
The contract, for every call: it returns a result whose numbers are finite (NaN only where the result states
why), or it raises :class:`alphacheck.InputError` / :class:`cascade_study.data.DataError` — never another
exception, never a RuntimeWarning, never a hang (small ``reps``; a 120 s alarm per call). The command
lines exit 0, or 2 with exactly one ``...: error:`` line and no traceback.

Hypothesis runs derandomized (the same examples every run, so the default run cannot flake);
``-m slow`` runs 10x the examples. The number of examples is printed by ``test_zz_examples_run``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import json
import math
import signal
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alphacheck as ac
from alphacheck._results import Result, TestResult
from cascade_study.data import DataError

EXAMPLES = 30
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
COUNTS: Counter = Counter()
OUTCOMES: Counter = Counter()
SMALL = dict(reps=99, seed=0)

# ------------------------------------------------------------------------------------------------ inputs
# about half of the draws are valid inputs (so the computing paths are fuzzed too), half are broken
VALUE_KINDS = ("returns",) * 12 + ("const", "runs", "huge", "tiny", "nan", "inf", "ints", "percent", "prices",
                                   "positions", "zeros", "mixed")
CONTAINERS = ("list", "array", "series", "series_dates", "series_dates", "series_tz", "frame", "column") * 2 + (
    "series_dup", "series_unsorted", "frame2", "object", "object_text")
SIZES = (0, 1, 2, 3, 5, 12, 30, 60, 60, 80, 80, 80)


def _values(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    x = rng.standard_t(4, n) * 0.01 + 0.0005
    if kind == "const":
        x = np.full(n, float(rng.choice([0.0, 0.01, -0.02, 1.0])))
    elif kind == "runs":
        x = np.repeat(x[: max(1, n // 5)], 5)[:n]
        if x.size < n:
            x = np.pad(x, (0, n - x.size), constant_values=0.0)
    elif kind == "huge":
        x = x * 10.0 ** rng.integers(100, 305)
    elif kind == "tiny":
        x = x * 10.0 ** -rng.integers(100, 320)
    elif kind == "nan" and n:
        x[rng.integers(0, n)] = np.nan
    elif kind == "inf" and n:
        x[rng.integers(0, n)] = rng.choice([np.inf, -np.inf])
    elif kind == "ints":
        x = rng.integers(-3, 4, n).astype(float)
    elif kind == "percent":
        x = x * 100
    elif kind == "prices":
        x = 30_000 * np.cumprod(1 + x)
    elif kind == "positions":
        x = rng.integers(0, 2, n).astype(float)
    elif kind == "zeros":
        x = np.zeros(n)
    elif kind == "mixed" and n:
        x[rng.integers(0, n, size=max(1, n // 10))] *= 1e6
    return x


def _index(rng, n: int, kind: str):
    if kind == "series":
        return pd.RangeIndex(n)
    if kind in ("series_dates", "frame", "frame2", "column"):
        return pd.bdate_range("2020-01-01", periods=n)
    if kind == "series_tz":
        return pd.date_range("2020-01-01", periods=n, freq="D", tz="UTC")
    if kind == "series_dup":
        idx = pd.bdate_range("2020-01-01", periods=n)
        return idx[np.minimum(np.arange(n), np.maximum(np.arange(n) - 1, 0))] if n > 1 else idx
    if kind == "series_unsorted":
        return pd.bdate_range("2020-01-01", periods=n)[rng.permutation(n)]
    return None


def _wrap(rng, x: np.ndarray, container: str):
    n = x.size
    if container == "list":
        return x.tolist()
    if container == "array":
        return x
    if container == "object":
        return np.array([str(v) if i % 3 == 0 else (None if i % 7 == 3 else v) for i, v in enumerate(x)], dtype=object)
    if container == "object_text":
        return pd.Series(["x", *x[1:].tolist()] if n else [], dtype=object)
    if container == "column":
        return x[:, None]
    idx = _index(rng, n, container)
    if container == "frame":
        return pd.DataFrame({"r": x}, index=idx)
    if container == "frame2":
        return pd.DataFrame({"a": x, "b": x[::-1].copy()}, index=idx)
    return pd.Series(x, index=idx, name="r")


@st.composite
def series_input(draw, min_size=0, max_size=80, containers=CONTAINERS):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = max(min_size, min(draw(st.sampled_from(SIZES)), max_size))
    kind = draw(st.sampled_from(VALUE_KINDS))
    container = draw(st.sampled_from(containers))
    return _wrap(rng, _values(rng, n, kind), container)


@st.composite
def pair_input(draw, max_size=80):
    """(x, y): same-length series that may not align (shifted, mixed tz, index types, other lengths)."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = min(draw(st.sampled_from(SIZES)), max_size)
    kx, ky = draw(st.sampled_from(VALUE_KINDS)), draw(st.sampled_from(VALUE_KINDS))
    x, y = _values(rng, n, kx), _values(rng, n, ky)
    if kx == "returns" and ky == "returns" and n:
        x = 1.1 * y + 0.5 * x
    how = draw(st.sampled_from(["arrays", "series", "series_tz", "shifted"] * 3 + [
        "mixed_tz", "types", "lengths", "disjoint", "frames", "object", "dup"]))
    idx = pd.bdate_range("2020-01-01", periods=n)
    if how == "arrays":
        return x, y
    if how == "series":
        return pd.Series(x, idx), pd.Series(y, idx)
    if how == "series_tz":
        return pd.Series(x, idx.tz_localize("UTC")), pd.Series(y, idx.tz_localize("UTC"))
    if how == "shifted":
        return pd.Series(x, idx), pd.Series(y, idx + pd.Timedelta(days=int(rng.integers(1, 40))))
    if how == "mixed_tz":
        return pd.Series(x, idx.tz_localize("UTC")), pd.Series(y, idx)
    if how == "types":
        return pd.Series(x, idx), pd.Series(y)
    if how == "lengths":
        return x, y[: max(n - 1, 0)]
    if how == "disjoint":
        return pd.Series(x, idx), pd.Series(y, idx + pd.Timedelta(days=3_000))
    if how == "frames":
        return pd.DataFrame({"x": x}, idx), pd.DataFrame({"y": y, "z": x}, idx)
    if how == "object":
        return x.astype(object), np.array([str(v) for v in y], dtype=object)
    d = idx[np.maximum(np.arange(n) - 1, 0)] if n else idx
    return pd.Series(x, d), pd.Series(y, d)


@st.composite
def panel_input(draw, max_rows=80, max_cols=6):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = min(draw(st.sampled_from(SIZES)), max_rows)
    k = draw(st.sampled_from([0, 1, 2, 3, 3, 4, 4, max_cols, max_cols]))
    kind = draw(st.sampled_from(VALUE_KINDS))
    x = np.column_stack([_values(rng, n, kind) for _ in range(k)]) if k else np.empty((n, 0))
    if draw(st.booleans()) and x.size:
        x[rng.random(x.shape) < 0.05] = np.nan  # ragged panel
    how = draw(st.sampled_from(["frame", "array", "frame_tz"] * 3 + ["frame_dup", "frame_unsorted", "frame_text",
                                                                    "list"]))
    idx = pd.bdate_range("2020-01-01", periods=n)
    cols = [f"c{i}" for i in range(k)]
    if how == "array":
        return x
    if how == "list":
        return x.tolist()
    if how == "frame_tz":
        return pd.DataFrame(x, index=idx.tz_localize("UTC"), columns=cols)
    if how == "frame_dup" and n > 1:
        return pd.DataFrame(x, index=idx[np.maximum(np.arange(n) - 1, 0)], columns=cols)
    if how == "frame_unsorted":
        return pd.DataFrame(x, index=idx[rng.permutation(n)], columns=cols)
    df = pd.DataFrame(x, index=idx, columns=cols)
    if how == "frame_text" and k and n:
        df = df.astype(object)
        df.iloc[0, 0] = "oops"
    return df


SCALARS = st.sampled_from([0, 1, 2, -1, 3, 10, 0.5, -0.5, 1e300, -1e300, 1e-300, float("nan"), float("inf"),
                           True, "x", None, 7.5, 100, 250])


# ------------------------------------------------------------------------------------------------ the contract
@contextlib.contextmanager
def _alarm(seconds: int = 120):
    def boom(*_):
        raise TimeoutError(f"call did not finish in {seconds} s (a hang)")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _finite_number(v) -> bool:
    return isinstance(v, (bool, np.bool_)) or not isinstance(v, (float, np.floating)) or math.isfinite(v)


def _states_a_reason(res) -> bool:
    text = json.dumps(res.to_dict(), default=str).lower() if hasattr(res, "to_dict") else str(res).lower()
    return any(w in text for w in ("reason", "undefined", "not available", "cannot", "too few", "no ", "skipped"))


def _check_result(name: str, out) -> None:
    """Finite numbers, or NaN with a stated reason; every result renders."""
    if isinstance(out, (float, np.floating, int, np.integer)):
        assert _finite_number(float(out)) or (name == "min_track_record_length" and out == math.inf), (name, out)
        return
    if name == "forward_returns":  # documented: NaN in the last `horizon` rows (beyond the end) and at gaps
        out = pd.DataFrame(np.asarray(out, dtype=float).reshape(len(out), -1))
        assert np.isfinite(out.to_numpy()[~np.isnan(out.to_numpy())]).all(), out
        return
    if isinstance(out, np.ndarray):
        if out.dtype.kind in "fc":
            assert np.isfinite(out).all(), (name, out)
        return
    if isinstance(out, pd.Series):
        if out.dtype.kind in "fc":
            assert np.isfinite(out.to_numpy()).all(), (name, out)
        return
    if isinstance(out, pd.DataFrame):
        num = out.select_dtypes("number")
        bad = ~np.isfinite(num.to_numpy(dtype=float)) if num.size else np.zeros((0, 0), bool)
        if bad.any():  # NaN only in columns the function documents as "not available" (e.g. no recovery yet)
            cols = set(num.columns[bad.any(axis=0)])
            assert cols <= NAN_COLUMNS.get(name, set()), (name, cols, out)
        return
    if isinstance(out, ac.AuditReport):
        assert out.verdict in ac.VERDICTS and out.reasons
        out.summary(), out.to_markdown(), json.dumps(out.to_dict(), default=str)
        return
    if isinstance(out, TestResult):
        for f in ("statistic", "pvalue"):
            v = getattr(out, f)
            assert _finite_number(v) or _states_a_reason(out), (name, f, v, out.summary())
        assert np.isnan(out.pvalue) or 0.0 <= out.pvalue <= 1.0, (name, out.pvalue)
    if isinstance(out, Result):
        out.summary(), out.to_frame(), out._repr_html_()
        json.dumps(out.to_dict(), default=str)
        if dataclasses.is_dataclass(out):
            for f in dataclasses.fields(out):
                v = getattr(out, f.name)
                if isinstance(v, (float, np.floating)) and not math.isfinite(v):
                    assert _states_a_reason(out), (name, f.name, v, out.summary())
        return
    if inspect.isgenerator(out) or isinstance(out, list):
        list(out)


FRENCH_COLUMNS = {"Mkt-RF", "SMB", "HML", "RF"}  # the columns of the fuzzed French files
NAN_COLUMNS = {  # DataFrame columns documented to hold NaN (with the reason in the function's docstring)
    "drawdown_episodes": {"recovery_periods", "duration_periods", "recovered"},
    "ic_decay": {"ic", "pvalue", "se", "statistic", "n"},
    "event_trades": set(),
    "read_french_factors": FRENCH_COLUMNS,  # "NaN where missing" (the file's -99.99 / -999)
    "read_factors": {"mkt", "carry"},  # "NaN where a cell is empty (missing)"
}


def run_contract(name: str, thunk) -> None:
    COUNTS[name] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            with _alarm():
                out = thunk()
        except (ac.InputError, DataError) as exc:
            assert str(exc).strip(), name
            OUTCOMES["refused"] += 1
            return
        _check_result(name, out)
    OUTCOMES["returned"] += 1


# ------------------------------------------------------------------------------------------------ call specs
def _strategy(params, data):
    """The user's callable (its own errors would be its own): numbers it cannot read become NaN."""
    r = pd.to_numeric(pd.Series(np.asarray(data, dtype=object).ravel()), errors="coerce").to_numpy(dtype=float)
    return r * params["k"]


def _events(draw, panel):
    idx = getattr(panel, "index", None)
    if isinstance(idx, pd.DatetimeIndex) and len(idx):
        k = draw(st.integers(0, min(len(idx), 5)))
        return list(idx[:: max(1, len(idx) // max(k, 1))][:k])
    return draw(st.sampled_from([[], [0, 5], [1, 2, 3], ["2020-01-06"], None, 7]))


TESTS_TO_SIZE = ["t", "hac", "fixed-b", "bootstrap", "greater", "less", "drawdown"]


def _a_test(x, how: str):
    """A TestResult to size: a mean test of the fuzzed series (its own refusals are InputErrors), or a test
    without an interval rule."""
    if how == "drawdown":
        return ac.drawdown_test(x, mean=0.0, volatility=0.01, **SMALL)
    if how in ("greater", "less"):
        return ac.mean_test(x, method="t", alternative=how)
    if how == "fixed-b":
        return ac.mean_test(x, method="hac", hac_pvalues="fixed-b")
    return ac.mean_test(x, method=how, **SMALL)


def _or(default, *others):
    """Half the draws the default (so the computing path runs), half a fuzzed scalar or one of ``others``."""
    return st.one_of(st.just(default), SCALARS, *(st.just(o) for o in others))


@st.composite
def pvalue_input(draw):
    """p-values: uniform draws (some tiny, ties at 0 and 1) in the usual containers, or broken values."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.sampled_from(SIZES))
    kind = draw(st.sampled_from(["uniform"] * 6 + ["small", "ties", "nan", "out", "const"]))
    x = rng.uniform(0, 1, n)
    if kind == "small":
        x = x ** 8
    elif kind == "ties" and n:
        x[rng.integers(0, 2, n).astype(bool)] = float(rng.choice([0.0, 1.0]))
    elif kind == "nan" and n:
        x[rng.integers(0, n)] = np.nan
    elif kind == "out" and n:
        x[rng.integers(0, n)] = float(rng.choice([-0.1, 1.5, np.inf]))
    elif kind == "const":
        x = np.full(n, float(rng.choice([0.0, 0.5, 1.0])))
    return _wrap(rng, x, draw(st.sampled_from(("list", "array", "series", "series_dates", "object", "frame2"))))


@st.composite
def french_file(draw):
    """A French data-library CSV (monthly / daily / annual tables, -99.99 missing) with optional damage."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.sampled_from([0, 1, 3, 12]))
    freq = draw(st.sampled_from(["%Y%m", "%Y%m%d", "%Y"]))
    damage = draw(st.sampled_from(["none"] * 5 + ["na_value", "text", "ragged", "dup", "mixed_dates", "no_header",
                                                  "inf", "huge", "empty", "unsorted", "zip", "zip_two", "missing"]))
    dates = pd.date_range("1990-01-31", periods=max(n, 1), freq={"%Y%m": "ME", "%Y%m%d": "D", "%Y": "YE"}[freq])
    rows = [f"{d.strftime(freq)}," + ",".join(f"{v:8.2f}" for v in rng.standard_t(4, 4)) for d in dates[:n]]
    if damage == "na_value" and rows:
        rows[0] = rows[0].rsplit(",", 1)[0] + ",  -99.99"
    elif damage == "text" and rows:
        rows[-1] = rows[-1].rsplit(",", 1)[0] + ", n/a"
    elif damage == "ragged" and rows:
        rows[0] += ", 1.0"
    elif damage == "dup" and rows:
        rows.append(rows[-1])
    elif damage == "mixed_dates" and rows:
        rows.append("19991," + rows[0].split(",", 1)[1])
    elif damage == "inf" and rows:
        rows[0] = rows[0].rsplit(",", 1)[0] + ", inf"
    elif damage == "huge" and rows:
        rows[0] = rows[0].rsplit(",", 1)[0] + ", 1e300"
    elif damage == "unsorted":
        rows = rows[::-1]
    header = "" if damage == "no_header" else ",Mkt-RF,SMB,HML,RF\n"
    text = "" if damage == "empty" else ("This file was created by a fuzz test.\n\n" + header + "\n".join(rows)
                                         + "\n\n Annual Factors: January-December \n,Mkt-RF,SMB,HML,RF\n"
                                         + "1991,   29.47,   -2.46,   -3.75,    3.12\n")
    return text, damage


@st.composite
def factor_csv(draw):
    """Your own factor CSV: a date column plus factor columns, with optional damage."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.sampled_from([0, 1, 3, 12]))
    damage = draw(st.sampled_from(["none"] * 5 + ["blank_cell", "text", "bad_date", "dup", "only_dates", "empty",
                                                  "unsorted", "inf", "huge", "ragged", "no_header", "missing"]))
    dates = pd.bdate_range("2024-01-01", periods=n).strftime("%Y-%m-%d").tolist()
    vals = rng.standard_t(4, (n, 2)) * 0.01
    rows = [f"{d},{a:.6f},{b:.6f}" for d, (a, b) in zip(dates, vals)]
    header = "date,mkt,carry"
    if damage == "blank_cell" and rows:
        rows[0] = rows[0].rsplit(",", 1)[0] + ","
    elif damage == "text" and rows:
        rows[-1] = rows[-1].rsplit(",", 1)[0] + ",oops"
    elif damage == "bad_date" and rows:
        rows[0] = "not-a-date," + rows[0].split(",", 1)[1]
    elif damage == "dup" and rows:
        rows.append(rows[-1])
    elif damage == "only_dates":
        header, rows = "date", dates
    elif damage == "unsorted":
        rows = rows[::-1]
    elif damage == "inf" and rows:
        rows[0] = rows[0].rsplit(",", 1)[0] + ",inf"
    elif damage == "huge" and rows:
        rows[0] = rows[0].rsplit(",", 1)[0] + ",1e300"
    elif damage == "ragged" and rows:
        rows[0] += ",1,2"
    elif damage == "no_header":
        header = ""
    text = "" if damage == "empty" else "\n".join(([header] if header else []) + rows) + "\n"
    return text, damage


def _read_file(reader, text: str, damage: str, **kwargs):
    """Write ``text`` to a temporary file (a ZIP for damage 'zip' / 'zip_two', absent for 'missing'), read it."""
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "factors.csv"
        if damage in ("zip", "zip_two"):
            p = Path(tmp) / "factors.zip"
            with zipfile.ZipFile(p, "w") as z:
                z.writestr("F-F_Research_Data_Factors.CSV", text)
                if damage == "zip_two":
                    z.writestr("other.csv", text)
        elif damage != "missing":
            p.write_text(text, encoding="latin-1")
        return reader(p, **kwargs)


def SPECS():  # name -> draw -> thunk
    S = series_input()
    return {
        "bootstrap_indices": lambda d: (lambda n=d(SCALARS), b=d(SCALARS): ac.bootstrap_indices(
            n, reps=99, block_length=b if not isinstance(b, str) else 2.0, seed=0)),
        "bootstrap_statistic": lambda d: (lambda x=d(S): ac.bootstrap_statistic(x, np.mean, **SMALL)),
        "optimal_block_length": lambda d: (lambda x=d(S): ac.optimal_block_length(x)),
        "long_run_variance": lambda d: (lambda x=d(S), m=d(SCALARS): ac.long_run_variance(
            x, maxlags=m if isinstance(m, int) and not isinstance(m, bool) else None)),
        "newey_west_lags": lambda d: (lambda n=d(SCALARS): ac.newey_west_lags(n)),
        "mean_test": lambda d: (lambda x=d(S), m=d(st.sampled_from(["bootstrap", "hac", "t"])): ac.mean_test(
            x, method=m, **SMALL)),
        "sharpe_test": lambda d: (lambda x=d(S), m=d(st.sampled_from(["bootstrap", "lo", "mertens", "normal"])):
                                  ac.sharpe_test(x, method=m, **SMALL)),
        "bootstrap_test": lambda d: (lambda x=d(S): ac.bootstrap_test(x, np.median, **SMALL)),
        "permutation_test": lambda d: (lambda p=d(pair_input()), pa=d(st.booleans()): ac.permutation_test(
            p[0], p[1], paired=pa, **SMALL)),
        "sharpe_ratio": lambda d: (lambda x=d(S), p=d(SCALARS): ac.sharpe_ratio(
            x, periods_per_year=p if p not in (0, None) else None)),
        "sharpe_se": lambda d: (lambda x=d(S), m=d(st.sampled_from(["normal", "mertens", "lo"])): ac.sharpe_se(
            x, method=m)),
        "probabilistic_sharpe_ratio": lambda d: (lambda x=d(S), b=d(SCALARS): ac.probabilistic_sharpe_ratio(
            x, benchmark_sharpe=b if isinstance(b, (int, float)) else 0.0)),
        "deflated_sharpe_ratio": lambda d: (lambda x=d(S), n=d(SCALARS), v=d(SCALARS): ac.deflated_sharpe_ratio(
            x, n_trials=n, trial_sharpe_variance=v)),
        "deflated_sharpe_ratio_from_stats": lambda d: (
            lambda s=d(SCALARS), o=d(SCALARS), n=d(SCALARS), v=d(SCALARS), k=d(SCALARS):
            ac.deflated_sharpe_ratio_from_stats(s, n_obs=o, n_trials=n, trial_sharpe_variance=v, kurtosis=k)),
        "min_track_record_length": lambda d: (lambda x=d(S), c=d(SCALARS): ac.min_track_record_length(
            x, confidence_level=c if isinstance(c, float) else 0.95)),
        "expected_max_sharpe": lambda d: (lambda n=d(SCALARS), v=d(SCALARS): ac.expected_max_sharpe(
            n, trial_sharpe_variance=v)),
        "jensen_alpha": lambda d: (lambda p=d(pair_input()), m=d(st.sampled_from(["hac", "bootstrap", "iid", "hc1"])):
                                   ac.jensen_alpha(p[0], p[1], method=m, **SMALL)),
        "spread_test": lambda d: (lambda p=d(pair_input()): ac.spread_test(p[0], p[1], **SMALL)),
        "updown_beta": lambda d: (lambda p=d(pair_input()): ac.updown_beta(p[0], p[1])),
        "beta_adjusted": lambda d: (lambda p=d(pair_input()), b=d(SCALARS): ac.beta_adjusted(
            p[0], p[1], beta=b if isinstance(b, (int, float)) and not isinstance(b, bool) else None)),
        "information_coefficient": lambda d: (lambda a=d(panel_input()), b=d(panel_input()),
                                              o=d(st.sampled_from(["raise", "omit"])):
                                              ac.information_coefficient(a, b, nan_policy=o)),
        "ic_test": lambda d: (lambda p=d(pair_input()), m=d(st.sampled_from(["auto", "hac", "t", "permutation"])),
                              h=d(st.sampled_from([1, 2, 5])): ac.ic_test(p[0], p[1], method=m, horizon=h, **SMALL)),
        "quantile_returns": lambda d: (lambda a=d(panel_input()), b=d(panel_input()), q=d(st.sampled_from([2, 3, 5])):
                                       ac.quantile_returns(a, b, q=q, **SMALL)),
        "ic_decay": lambda d: (lambda a=d(panel_input()), b=d(panel_input()): ac.ic_decay(a, b, horizons=(1, 2))),
        "forward_returns": lambda d: (lambda x=d(S), h=d(SCALARS): ac.forward_returns(x, horizon=h)),
        "event_study": lambda d: (lambda p=d(panel_input()): ac.event_study(p, _events(d, p), horizons=(1, 2),
                                                                            **SMALL)),
        "event_trades": lambda d: (lambda p=d(panel_input()), h=d(SCALARS): ac.event_trades(p, _events(d, p),
                                                                                            hold=h)),
        "walk_forward": lambda d: (lambda x=d(S), t=d(st.sampled_from([2, 5, 10])): ac.walk_forward(
            _strategy, {"k": [1.0, -1.0]}, x, splitter=ac.WalkForward(train_size=t, test_size=t))),
        "pbo": lambda d: (lambda m=d(panel_input()), g=d(st.sampled_from([2, 4, 16])): ac.pbo(m, n_groups=g)),
        "haircut_sharpe": lambda d: (lambda s=d(SCALARS), o=d(SCALARS), n=d(SCALARS): ac.haircut_sharpe(
            s, n_obs=o, n_trials=n, n_sims=200)),
        "adjust_pvalues": lambda d: (lambda x=d(S), m=d(st.sampled_from(["holm", "bonferroni", "bh", "by", "bhy"])):
                                     ac.adjust_pvalues(x, method=m)),
        "reality_check": lambda d: (lambda m=d(panel_input()): ac.reality_check(m, **SMALL)),
        "spa": lambda d: (lambda m=d(panel_input()): ac.spa(m, **SMALL)),
        "stepm": lambda d: (lambda m=d(panel_input()): ac.stepm(m, **SMALL)),
        "equity_curve": lambda d: (lambda x=d(S): ac.equity_curve(x)),
        "drawdown_series": lambda d: (lambda x=d(S): ac.drawdown_series(x)),
        "drawdown_episodes": lambda d: (lambda x=d(S): ac.drawdown_episodes(x)),
        "max_drawdown": lambda d: (lambda x=d(S): ac.max_drawdown(x)),
        "worst_losing_streak": lambda d: (lambda x=d(S): ac.worst_losing_streak(x)),
        "audit": lambda d: (lambda p=d(pair_input(max_size=60)), c=d(SCALARS), t=d(st.sampled_from([None, "grid"])):
                            ac.audit(p[0], p[1] if d(st.booleans()) else None, cost_bps=c, reps=99,
                                     trials=None if t is None else np.random.default_rng(0).normal(
                                         0, 0.01, (len(p[0]) if hasattr(p[0], "__len__") else 0, 4)))),
        # power of a test
        "power_analysis": lambda d: (lambda x=d(S), m=d(st.sampled_from(TESTS_TO_SIZE)),
                                     a=d(_or(0.05)), pw=d(_or(0.8)), e=d(_or(None, 0.001, -0.001, 0.0)):
                                     ac.power_analysis(_a_test(x, m), alpha_level=a, power=pw, effect=e)),
        "equivalence_bound": lambda d: (lambda x=d(S), m=d(st.sampled_from(TESTS_TO_SIZE)), a=d(_or(0.05)):
                                        ac.equivalence_bound(_a_test(x, m), alpha_level=a)),
        # alpha through time
        "rolling_alpha": lambda d: (lambda p=d(pair_input()), c=d(st.one_of(st.none(), S)),
                                    w=d(st.one_of(st.sampled_from([2, 3, 5, 12, 30]), SCALARS)),
                                    st_=d(_or(1, 5)), m=d(st.sampled_from(["hac", "iid", "hc1"])):
                                    ac.rolling_alpha(p[0], p[1], c, window=w, step=st_, method=m)),
        "expanding_alpha": lambda d: (lambda p=d(pair_input()), mp=d(st.one_of(st.sampled_from([2, 5, 12, 60]),
                                                                                SCALARS)),
                                      st_=d(_or(1, 7)), m=d(st.sampled_from(["hac", "iid", "hc1"])):
                                      ac.expanding_alpha(p[0], p[1], min_periods=mp, step=st_, method=m)),
        "break_test": lambda d: (lambda p=d(pair_input()), b=d(st.booleans()),
                                 m=d(st.sampled_from(["bootstrap", "hac", "ols"])),
                                 f=d(st.sampled_from(["sup", "ave", "exp"])), t=d(st.sampled_from(["all", "alpha"])),
                                 tr=d(_or(0.15, 0.3, 0.49)):
                                 ac.break_test(p[0], p[1] if b else None, method=m, functional=f, terms=t,
                                               trimming=tr, **SMALL)),
        "fluctuation_test": lambda d: (lambda p=d(pair_input()), b=d(st.booleans()),
                                       pr=d(st.sampled_from(["cusum", "mosum"])), m=d(st.sampled_from(["hac", "iid"])),
                                       w=d(_or(0.15, 0.3)):
                                       ac.fluctuation_test(p[0], p[1] if b else None, process=pr, method=m,
                                                           bandwidth=w)),
        "break_dates": lambda d: (lambda p=d(pair_input()), b=d(st.booleans()), nb=d(_or(None, 1, 2)),
                                  mb=d(_or(None, 3)), ms=d(_or(0.15, 0.3)), m=d(st.sampled_from(["hac", "iid"])):
                                  ac.break_dates(p[0], p[1] if b else None, n_breaks=nb, max_breaks=mb,
                                                 min_segment=ms, method=m)),
        "alpha_decay": lambda d: (lambda p=d(pair_input()), b=d(st.booleans()),
                                  a=d(st.sampled_from(["greater", "two-sided", "less"])), ppy=d(_or(None, 252)):
                                  ac.alpha_decay(p[0], p[1] if b else None, alternative=a, periods_per_year=ppy)),
        "conditional_alpha": lambda d: (lambda p=d(pair_input()), z=d(st.one_of(S, panel_input(max_cols=3))),
                                        sl=d(_or(1, 0)), t=d(st.sampled_from(["alpha-and-beta", "beta"])),
                                        m=d(st.sampled_from(["hac", "iid", "hc1"])),
                                        h=d(st.sampled_from(["normal", "fixed-b"])):
                                        ac.conditional_alpha(p[0], p[1], z, state_lag=sl, terms=t, method=m,
                                                             hac_pvalues=h)),
        "factor_alpha": lambda d: (lambda r=d(st.one_of(S, panel_input())), f=d(st.one_of(S, panel_input(max_cols=3))),
                                   m=d(st.sampled_from(["grs", "bootstrap"])):
                                   ac.factor_alpha(r, f, method=m, **SMALL)),
        "read_french_factors": lambda d: (lambda c=d(french_file()), t=d(_or(0, 1, 2, "annual", "monthly")):
                                          _read_file(ac.read_french_factors, *c, table=t)),
        "read_factors": lambda d: (lambda c=d(factor_csv()), dc=d(_or(0, "date", 1, "nope")),
                                   u=d(st.sampled_from(["decimal", "percent", "bp"])):
                                   _read_file(ac.read_factors, *c, date_column=dc, units=u)),
        # path risk
        "drawdown_distribution": lambda d: (lambda x=d(S): ac.drawdown_distribution(x, **SMALL)),
        "drawdown_test": lambda d: (lambda x=d(S), mu=d(_or(0.0005, 0.0, -0.001)), v=d(_or(0.01, 0.02)),
                                    m=d(st.sampled_from(["bootstrap", "normal"])):
                                    ac.drawdown_test(x, mean=mu, volatility=v, method=m, **SMALL)),
        "expected_max_drawdown": lambda d: (lambda mu=d(_or(0.0005, 0.0, -0.001)), v=d(_or(0.01)),
                                            n=d(_or(252, 1, 10**6)):
                                            ac.expected_max_drawdown(mean=mu, volatility=v, n_obs=n)),
        "performance_summary": lambda d: (lambda x=d(S), ppy=d(_or(None, 252)), th=d(_or(0.0)),
                                          vl=d(_or(0.05, 0.01)):
                                          ac.performance_summary(x, periods_per_year=ppy, threshold=th, var_level=vl,
                                                                 **SMALL)),
        # compare strategies
        "sharpe_difference": lambda d: (lambda p=d(pair_input()),
                                        m=d(st.sampled_from(["bootstrap", "hac", "jobson-korkie"])),
                                        a=d(st.sampled_from(["two-sided", "greater", "less"])), nv=d(_or(0.0)):
                                        ac.sharpe_difference(p[0], p[1], method=m, alternative=a, null_value=nv,
                                                             **SMALL)),
        "sharpe_equality": lambda d: (lambda m=d(panel_input()), me=d(st.sampled_from(["bootstrap", "hac", "normal"])):
                                      ac.sharpe_equality(m, method=me, **SMALL)),
        "diebold_mariano": lambda d: (lambda p=d(pair_input()), h=d(_or(1, 2, 5)), m=d(st.sampled_from(["hln", "dm"])),
                                      hp=d(st.sampled_from(["normal", "fixed-b"])),
                                      a=d(st.sampled_from(["two-sided", "greater", "less"])):
                                      ac.diebold_mariano(p[0], p[1], horizon=h, method=m, hac_pvalues=hp,
                                                         alternative=a)),
        "giacomini_white": lambda d: (lambda p=d(pair_input()), z=d(st.one_of(st.none(), S, panel_input(max_cols=3))),
                                      h=d(_or(1, 2)):
                                      ac.giacomini_white(p[0], p[1], z, horizon=h)),
        # families of strategies
        "model_confidence_set": lambda d: (lambda m=d(panel_input()), me=d(st.sampled_from(["range", "max"])),
                                           a=d(_or(0.05, 0.1)):
                                           ac.model_confidence_set(m, method=me, alpha_level=a, **SMALL)),
        "false_discovery_control": lambda d: (lambda x=d(st.one_of(pvalue_input(), S)),
                                              m=d(st.sampled_from(["bh", "by", "storey"])), a=d(_or(0.05)),
                                              lam=d(_or(0.5, "bootstrap")):
                                              ac.false_discovery_control(x, method=m, alpha_level=a, pi0_lambda=lam)),
        "storey_pi0": lambda d: (lambda x=d(st.one_of(pvalue_input(), S)), lam=d(_or(0.5, "bootstrap", 0.9)):
                                 ac.storey_pi0(x, pi0_lambda=lam)),
        "effective_trials": lambda d: (lambda m=d(panel_input()), me=d(st.sampled_from(["clustering", "eigenvalue"])),
                                       s=d(_or(0)):
                                       ac.effective_trials(m, method=me, seed=s)),
        "audit_family": lambda d: (lambda m=d(panel_input(max_rows=60)), b=d(st.one_of(st.none(), S)),
                                   a=d(_or(0.05)), ppy=d(_or(None, 252)):
                                   ac.audit_family(m, b, reps=99, alpha_level=a, periods_per_year=ppy)),
    }


SPLITTERS = {
    "WalkForward": lambda: ac.WalkForward(train_size=5, test_size=3),
    "CalendarWindows": lambda: ac.CalendarWindows(freq="ME"),
    "PurgedKFold": lambda: ac.PurgedKFold(n_splits=3),
    "CombinatorialPurgedCV": lambda: ac.CombinatorialPurgedCV(n_groups=4, n_test_groups=2),
}
FUNCTIONS = [n for n in ac.__all__ if inspect.isfunction(getattr(ac, n))]


def test_every_public_function_and_splitter_is_fuzzed():
    assert sorted(SPECS()) == sorted(FUNCTIONS), set(FUNCTIONS) ^ set(SPECS())
    assert sorted(SPLITTERS) == sorted(n for n in ac.__all__ if inspect.isclass(getattr(ac, n))
                                       and hasattr(getattr(ac, n), "split"))


def _fuzz(name: str, examples: int):
    spec = SPECS()[name]

    @settings(max_examples=examples, **SETTINGS)
    @given(st.data())
    def run(data):
        run_contract(name, spec(data.draw))

    run()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_fuzz_public_function(name):
    _fuzz(name, EXAMPLES if name != "audit" else 15)


@pytest.mark.slow
@pytest.mark.parametrize("name", FUNCTIONS)
def test_fuzz_public_function_more(name):
    _fuzz(name, 10 * EXAMPLES if name != "audit" else 100)


@pytest.mark.parametrize("name", list(SPLITTERS))
def test_fuzz_splitters(name):
    @settings(max_examples=EXAMPLES, **SETTINGS)
    @given(series_input(max_size=120))
    def run(x):
        run_contract(name, lambda: [tuple(map(np.asarray, s)) for s in SPLITTERS[name]().split(x)])

    run()


# ------------------------------------------------------------------------------------------------ the CLIs
def _cli_text(rng, n, kind, layout):
    x = _values(rng, n, kind)
    dates = pd.bdate_range("2019-12-20", periods=n)
    fmt = {"iso": "%Y-%m-%d", "dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y", "dmy_dots": "%d.%m.%Y", "tz": "%Y-%m-%dT%H:%M:%S%z",
           "none": None, "yyyymmdd": "%Y%m%d"}[layout["dates"]]
    sep, dec = layout["sep"], layout["decimal"]
    vals = [f"{v:.6g}".replace(".", dec) if np.isfinite(v) else ("" if np.isnan(v) else str(v)) for v in x]
    rows = []
    for i, v in enumerate(vals):
        if fmt is None:
            rows.append(v)
        else:
            d = (dates[i].tz_localize("UTC") if layout["dates"] == "tz" else dates[i]).strftime(fmt)
            rows.append(f"{d}{sep}{v}")
    header = ("ret" if fmt is None else f"date{sep}ret") if layout["header"] else None
    text = "\n".join(([header] if header else []) + rows) + "\n"
    if layout["junk"] == "text" and rows:
        text = text.replace(vals[0], "abc", 1) if vals[0] else text + "abc\n"
    elif layout["junk"] == "ragged":
        text += f"1{sep}2{sep}3\n"
    elif layout["junk"] == "blank":
        text = ""
    return text


@st.composite
def cli_case(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.sampled_from([0, 1, 5, 12, 40, 80, 80, 80]))
    layout = {"dates": draw(st.sampled_from(["iso", "dmy", "mdy", "dmy_dots", "tz", "none", "yyyymmdd"])),
              "sep": draw(st.sampled_from([",", ";", "\t"])), "decimal": draw(st.sampled_from([".", ","])),
              "header": draw(st.booleans()), "junk": draw(st.sampled_from(["none"] * 8 + ["text", "ragged", "blank"]))}
    if layout["sep"] == "," and layout["decimal"] == ",":
        layout["decimal"] = "."
    kind = draw(st.sampled_from(VALUE_KINDS))
    target = draw(st.sampled_from(["file"] * 8 + ["gz", "truncated_gz", "dir", "missing", "binary"]))
    bench = draw(st.sampled_from([None, None, "same", "same", "other"]))
    extra = draw(st.sampled_from([[]] * 6 + [["--date-format", "%d/%m/%Y"], ["--sep", ";"], ["--decimal", ","],
                                             ["--no-check-returns"], ["--cost-bps", "-5"], ["--reps", "10"],
                                             ["--n-trials", "0"], ["--cost-bps", "30"]]))
    return rng, n, layout, kind, target, bench, extra


def _write_case(tmp: Path, rng, n, layout, kind, target, name="r") -> Path:
    import gzip

    text = _cli_text(rng, n, kind, layout)
    p = tmp / f"{name}.csv"
    if target == "dir":
        p.mkdir(exist_ok=True)
        return p
    if target == "missing":
        return tmp / "missing.csv"
    if target in ("gz", "truncated_gz"):
        raw = gzip.compress(text.encode())
        p = tmp / f"{name}.csv.gz"
        p.write_bytes(raw if target == "gz" else raw[: max(len(raw) // 2, 1)])
        return p
    if target == "binary":
        p.write_bytes(bytes(rng.integers(0, 256, 300, dtype=np.uint8)))
        return p
    p.write_text(text)
    return p


def _one_line_or_ok(code, err: str, prog: str) -> None:
    assert "Traceback" not in err, err
    assert code in (0, 2), (code, err)
    lines = [line for line in err.strip().splitlines() if line and not line.startswith(f"{prog}: warning:")]
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), err


def test_fuzz_alphacheck_cli(tmp_path, capsys):
    from alphacheck.cli import main

    @settings(max_examples=EXAMPLES, **SETTINGS)
    @given(cli_case())
    def run(case):
        rng, n, layout, kind, target, bench, extra = case
        COUNTS["alphacheck CLI"] += 1
        tmp = tmp_path / f"case{COUNTS['alphacheck CLI']}"
        tmp.mkdir()
        r = _write_case(tmp, rng, n, layout, kind, target)
        args = ["audit", str(r), "--reps", "99", "--out", str(tmp / "out"), *extra]
        if bench:
            b = _write_case(tmp, rng, n if bench == "same" else max(n - 3, 0), layout, "returns", "file", "b")
            args += ["--benchmark", str(b)]
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            try:
                with _alarm():
                    code = main(args)
            except SystemExit as exc:  # argparse: one line, exit 2
                code = exc.code
        _one_line_or_ok(code, capsys.readouterr().err, "alphacheck")
        OUTCOMES["CLI exit 0" if code == 0 else "CLI exit 2"] += 1

    run()


@st.composite
def study_case(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    layout = draw(st.sampled_from(["shared", "vision", "empty", "file"]))
    damage = draw(st.sampled_from(["none", "truncate", "no_funding", "one_funding_missing", "bad_column",
                                   "text_values", "empty_file", "dir_as_file", "unsorted", "missing_symbol"]))
    return rng, layout, damage


def _study_dir(tmp: Path, rng, layout, damage) -> Path:
    import gzip
    import zipfile

    from tests.cascade_study.conftest import make_bars

    root = tmp / "data"
    if layout == "file":
        root.write_text("not a directory")
        return root
    root.mkdir()
    if layout == "empty":
        return root
    symbols = ("BTC", "ETH", "SOL", "XRP", "DOGE", "BNB", "ADA", "AVAX", "LINK", "DOT", "LTC", "UNI", "ATOM", "NEAR",
               "FIL", "FTM")
    if damage == "missing_symbol":
        symbols = symbols[:-2]
    files = []
    for k, s in enumerate(symbols):
        b = make_bars(72, seed=int(rng.integers(0, 10_000)) + k, price=10.0 * (k + 1))
        if damage == "unsorted" and k == 0:
            b = b.iloc[::-1]
        df = b.copy()
        if layout == "shared":
            df.insert(0, "open_time", b.index.strftime("%Y-%m-%dT%H:%M:%SZ"))
            if damage == "bad_column" and k == 1:
                df = df.drop(columns=["volume"])
            if damage == "text_values" and k == 2:
                df = df.astype(object)
                df.iloc[3, 2] = "n/a"
            market = "spot" if s == "FTM" else "perp"
            p = root / "klines_1h" / f"{s}USDT_1h_{market}.csv.gz"
            p.parent.mkdir(exist_ok=True)
            if damage == "dir_as_file" and k == 3:
                p.mkdir()
                continue
            with gzip.open(p, "wt") as fh:
                df.to_csv(fh, index=False)
        else:
            ms = (b.index.asi8 // 10**6).astype(np.int64)
            rows = "\n".join(f"{t},{o},{h},{lo},{c},{v},{t + 3_599_999},0,0,0,0,0" for t, o, h, lo, c, v in
                             zip(ms, b.open, b.high, b.low, b.close, b.volume))
            p = root / "futures" / "um" / "monthly" / "klines" / f"{s}USDT" / "1h" / f"{s}USDT-1h-2024-01.zip"
            p.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(p, "w") as z:
                z.writestr(f"{s}USDT-1h-2024-01.csv", rows if damage != "empty_file" or k else "")
        files.append(p)
    skip_funding = damage == "no_funding"
    times = pd.date_range("2024-01-01", periods=9, freq="8h", tz="UTC")
    for s in symbols:
        if skip_funding or (damage == "one_funding_missing" and s == "SOL"):
            continue
        if layout == "shared":
            f = root / "funding" / f"{s}USDT_funding_binance.csv.gz"
            f.parent.mkdir(exist_ok=True)
            with gzip.open(f, "wt") as fh:
                fh.write("funding_time,funding_rate\n")
                fh.writelines(f"{t.strftime('%Y-%m-%dT%H:%M:%SZ')},0.0001\n" for t in times)
        else:
            f = root / "futures" / "um" / "monthly" / "fundingRate" / f"{s}USDT" / f"{s}USDT-fundingRate-2024-01.zip"
            f.parent.mkdir(parents=True, exist_ok=True)
            body = "calc_time,funding_interval_hours,last_funding_rate\n" + "\n".join(
                f"{t.value // 10**6},8,0.0001" for t in times)
            with zipfile.ZipFile(f, "w") as z:
                z.writestr(f.name.replace(".zip", ".csv"), body)
        files.append(f)
    if damage == "truncate" and files:
        victim = files[int(rng.integers(0, len(files)))]
        victim.write_bytes(victim.read_bytes()[: max(10, victim.stat().st_size // 2)])
    if damage == "empty_file" and layout == "shared" and files:
        files[0].write_bytes(b"")
    return root


def test_fuzz_cascade_study_cli(tmp_path, capsys):
    from cascade_study.cli import main

    @settings(max_examples=EXAMPLES, **SETTINGS)
    @given(study_case())
    def run(case):
        rng, layout, damage = case
        COUNTS["cascade-study CLI"] += 1
        tmp = tmp_path / f"case{COUNTS['cascade-study CLI']}"
        tmp.mkdir()
        d = _study_dir(tmp, rng, layout, damage)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            with _alarm():
                code = main(["info", "--data", str(d)])
            _one_line_or_ok(code, capsys.readouterr().err, "cascade-study")
            if damage in ("no_funding", "truncate") or layout in ("empty", "file"):
                with _alarm():
                    code = main(["run", "--data", str(d), "--out", str(tmp / "out"), "--reps", "99"])
                err = capsys.readouterr().err
                _one_line_or_ok(code, err, "cascade-study")
                assert code == 2, err  # none of these can be studied
        OUTCOMES["study CLI"] += 1

    run()


def test_zz_examples_run():
    total = sum(COUNTS.values())
    print(f"\n[fuzz] {total:,} examples: " + ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items())))
    print(f"[fuzz] outcomes: {dict(OUTCOMES)}")
    assert total >= 0
