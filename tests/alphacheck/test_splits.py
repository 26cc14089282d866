"""Splitters: property-based invariants (hypothesis), closed forms for CPCV, sklearn compatibility."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score

from alphacheck import InputError
from alphacheck.splits import CalendarWindows, CombinatorialPurgedCV, PurgedKFold, WalkForward

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def blocks(test: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous runs [a, b) computed independently of the library helper."""
    runs, start = [], test[0]
    for prev, cur in itertools.pairwise(test):
        if cur != prev + 1:
            runs.append((start, prev + 1))
            start = cur
    runs.append((start, test[-1] + 1))
    return runs


def check_split(train, test, n, purge=0, embargo=0, empty_train_ok=False):
    """Invariants every split must satisfy (integer purge/embargo)."""
    for arr in (train, test):
        assert arr.dtype == np.int64
        assert np.all(np.diff(arr) > 0), "indices sorted and unique"
        assert arr.size == 0 or (arr.min() >= 0 and arr.max() < n), "indices in range"
    assert test.size > 0 and (train.size > 0 or empty_train_ok)
    assert not np.intersect1d(train, test).size, "no train index in the test set"
    for a, b in blocks(test):
        assert not np.any((train >= a - purge) & (train < a)), "train inside purge before a test block"
        assert not np.any((train >= b) & (train < b + embargo)), "train inside embargo after a test block"


def check_time_split(train, test, times, purge, embargo):
    """Invariants with offset purge/embargo on a DatetimeIndex."""
    check_split(train, test, len(times))
    tt = times[train]
    for a, b in blocks(test):
        assert not np.any((tt >= times[a] - purge) & (tt < times[a])), "train inside offset purge"
        assert not np.any((tt > times[b - 1]) & (tt <= times[b - 1] + embargo)), "train inside offset embargo"


# ----------------------------------------------------------------------------------------------- WalkForward


@PROPS
@given(
    n=st.integers(10, 300),
    train=st.integers(1, 60),
    test=st.integers(1, 40),
    step=st.one_of(st.none(), st.integers(1, 40)),
    expanding=st.booleans(),
    purge=st.integers(0, 10),
    embargo=st.integers(0, 10),
)
def test_walkforward_properties(n, train, test, step, expanding, purge, embargo):
    cv = WalkForward(train_size=train, test_size=test, step=step, expanding=expanding, purge=purge, embargo=embargo)
    step_ = test if step is None else step
    n_expected = (n - train - purge - test) // step_ + 1 if n >= train + purge + test else 0
    if n_expected == 0:
        with pytest.raises(InputError, match="too few"):
            list(cv.split(np.zeros(n)))
        return
    splits = list(cv.split(np.zeros(n)))
    assert len(splits) == n_expected == cv.get_n_splits(np.zeros(n))
    starts = [te[0] for _, te in splits]
    assert starts[0] == train + purge
    assert np.all(np.diff(starts) == step_), "test windows in time order, step apart"
    for tr, te in splits:
        check_split(tr, te, n, purge, embargo)
        assert te.size == test
        assert tr.max() == te[0] - purge - 1, "train ends purge observations before the test start"
        if expanding:
            assert tr[0] == 0 and tr.size == te[0] - purge
        else:
            assert tr.size == train and np.all(np.diff(tr) == 1)


@PROPS
@given(
    n_days=st.integers(200, 900),
    train_days=st.integers(30, 200),
    test_days=st.integers(10, 90),
    purge_days=st.integers(0, 10),
    embargo_days=st.integers(0, 10),
    expanding=st.booleans(),
)
def test_walkforward_offsets_properties(n_days, train_days, test_days, purge_days, embargo_days, expanding):
    times = pd.date_range("2020-01-01", periods=n_days, freq="D")
    X = pd.Series(0.0, index=times)
    P, E = pd.Timedelta(days=purge_days), pd.Timedelta(days=embargo_days)
    cv = WalkForward(train_size=f"{train_days}D", test_size=f"{test_days}D", expanding=expanding, purge=P, embargo=E)
    try:
        splits = list(cv.split(X))
    except InputError:
        assert train_days + purge_days + test_days > n_days
        return
    prev_end = None
    for tr, te in splits:
        check_time_split(tr, te, times, P, E)
        assert te.size == test_days  # daily data: a test_days window holds test_days rows
        span_start = times[te[0]] - P - pd.Timedelta(days=train_days)
        assert times[tr[0]] >= times[0] and times[tr[-1]] < times[te[0]] - P
        if not expanding:
            assert times[tr[0]] == span_start and tr.size == train_days
        if prev_end is not None:
            assert te[0] > prev_end
        prev_end = te[-1]


def test_walkforward_month_offsets_snap_to_calendar():
    times = pd.date_range("2019-01-01", "2021-12-31", freq="D")
    X = pd.DataFrame({"x": np.arange(len(times))}, index=times)
    splits = list(WalkForward(train_size="365D", test_size="3MS").split(X))
    starts = [times[te[0]] for _, te in splits]
    assert all(s.day == 1 and s.month in (1, 4, 7, 10) for s in starts)
    assert times[splits[-1][1][-1]] == pd.Timestamp("2021-12-31"), "last complete quarter kept"


# ----------------------------------------------------------------------------------------------- Calendar


@PROPS
@given(
    start=st.dates(min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2018-12-31").date()),
    n_days=st.integers(400, 1500),
    freq=st.sampled_from(["YE", "QE", "ME"]),
    purge=st.integers(0, 15),
    hourly=st.booleans(),
    min_train=st.integers(0, 100),
)
def test_calendar_windows_properties(start, n_days, freq, purge, hourly, min_train):
    times = pd.date_range(pd.Timestamp(start) + pd.Timedelta(hours=7 if hourly else 0), periods=n_days,
                          freq="6h" if hourly else "D")
    X = pd.DataFrame({"x": 0.0}, index=times)
    cv = CalendarWindows(freq=freq, purge=purge, min_train=min_train)
    period = {"YE": "Y", "QE": "Q", "ME": "M"}[freq]
    labels = times.to_period(period)
    # independent expectation: a period is tested iff enough observations precede it after the purge
    firsts = {p: int(np.flatnonzero(labels == p)[0]) for p in labels.unique()}
    expected = [p for p, f in firsts.items() if max(f - purge, 0) >= min_train]
    if not expected:
        with pytest.raises(InputError, match="too few"):
            list(cv.split(X))
        return
    splits = list(cv.split(X))
    seen_periods = []
    for tr, te in splits:
        check_split(tr, te, n_days, purge, 0, empty_train_ok=min_train == 0)
        assert tr.size >= min_train and tr.size == max(te[0] - purge, 0)
        assert np.all(np.diff(te) == 1)
        assert len(set(labels[te])) == 1, "a test window is one calendar period"
        p = labels[te[0]]
        whole = np.flatnonzero(labels == p)
        np.testing.assert_array_equal(te, whole)
        if tr.size:
            assert tr[0] == 0 and tr[-1] == te[0] - purge - 1, "everything earlier, minus the purge"
        seen_periods.append(p)
    assert seen_periods == sorted(seen_periods), "test windows in time order"
    assert seen_periods == expected


def test_calendar_windows_start_end_years():
    times = pd.date_range("2018-01-01", "2026-06-30", freq="D")
    X = pd.Series(0.0, index=times)
    splits = list(CalendarWindows(freq="YE", start="2021", end="2025", purge="3D").split(X))
    assert [times[te[0]].year for _, te in splits] == [2021, 2022, 2023, 2024, 2025]
    for tr, te in splits:
        assert times[te[0]] == pd.Timestamp(f"{times[te[0]].year}-01-01")
        assert times[te[-1]] == pd.Timestamp(f"{times[te[0]].year}-12-31")
        assert times[tr[-1]] == times[te[0]] - pd.Timedelta(days=4)
        assert tr[0] == 0


def test_calendar_windows_min_train_zero_keeps_the_first_period_with_empty_train():
    times = pd.date_range("2021-01-01", "2025-12-31 23:00", freq="7h")
    X = pd.Series(0.0, index=times)
    default = list(CalendarWindows(freq="YE", start="2021", end="2025").split(X))
    zero = list(CalendarWindows(freq="YE", start="2021", end="2025", min_train=0).split(X))
    assert [times[te[0]].year for _, te in default] == [2022, 2023, 2024, 2025]  # 2021 has no earlier data
    assert [times[te[0]].year for _, te in zero] == [2021, 2022, 2023, 2024, 2025]
    tr0, te0 = zero[0]
    assert tr0.dtype == np.int64 and tr0.size == 0 and tr0.shape == (0,)
    np.testing.assert_array_equal(te0, np.flatnonzero(times.year == 2021))
    for (tr_a, te_a), (tr_b, te_b) in zip(default, zero[1:]):
        np.testing.assert_array_equal(tr_a, tr_b)
        np.testing.assert_array_equal(te_a, te_b)
    assert CalendarWindows(freq="YE", min_train=0, purge=5).get_n_splits(X) == 5
    tests = np.concatenate([te for _, te in zero])
    np.testing.assert_array_equal(tests, np.arange(len(times)))  # the years partition the sample
    with pytest.raises(InputError, match="min_train"):
        list(CalendarWindows(freq="YE", min_train=-1).split(X))


# ----------------------------------------------------------------------------------------------- PurgedKFold


@PROPS
@given(n=st.integers(20, 400), k=st.integers(2, 10), purge=st.integers(0, 5), embargo=st.integers(0, 5))
def test_purged_kfold_properties(n, k, purge, embargo):
    cv = PurgedKFold(n_splits=k, purge=purge, embargo=embargo)
    splits = list(cv.split(np.zeros(n)))
    assert len(splits) == k == cv.get_n_splits()
    tests = np.concatenate([te for _, te in splits])
    np.testing.assert_array_equal(tests, np.arange(n))  # folds partition the sample in order
    sizes = [te.size for _, te in splits]
    assert max(sizes) - min(sizes) <= 1
    for tr, te in splits:
        check_split(tr, te, n, purge, embargo)
        a, b = te[0], te[-1] + 1
        expected = np.r_[np.arange(0, max(0, a - purge)), np.arange(min(n, b + embargo), n)]
        np.testing.assert_array_equal(tr, expected)  # train = the rest minus purge and embargo


@PROPS
@given(n_days=st.integers(60, 300), k=st.integers(2, 6), purge_h=st.integers(0, 72), embargo_h=st.integers(0, 72))
def test_purged_kfold_offsets(n_days, k, purge_h, embargo_h):
    times = pd.date_range("2021-01-01", periods=n_days, freq="D")
    P, E = pd.Timedelta(hours=purge_h), pd.Timedelta(hours=embargo_h)
    for tr, te in PurgedKFold(n_splits=k, purge=P, embargo=E).split(pd.Series(0.0, index=times)):
        check_time_split(tr, te, times, P, E)
        # nothing beyond the purge/embargo zones is removed
        assert tr.size == n_days - te.size - min(te[0], purge_h // 24) - min(n_days - 1 - te[-1], embargo_h // 24)


# ----------------------------------------------------------------------------------------------- CPCV


@PROPS
@given(
    n_groups=st.integers(2, 8),
    data=st.data(),
    extra=st.integers(0, 200),
    purge=st.integers(0, 3),
    embargo=st.integers(0, 3),
)
def test_cpcv_properties(n_groups, data, extra, purge, embargo):
    k = data.draw(st.integers(1, n_groups - 1))
    n = n_groups * (1 + purge + embargo + 2) + extra
    cv = CombinatorialPurgedCV(n_groups=n_groups, n_test_groups=k, purge=purge, embargo=embargo)
    X = np.zeros((n, 2))
    splits = list(cv.split(X))
    assert len(splits) == math.comb(n_groups, k) == cv.get_n_splits()
    counts = np.zeros(n, dtype=int)
    for tr, te in splits:
        check_split(tr, te, n, purge, embargo)
        counts[te] += 1
    assert np.all(counts == math.comb(n_groups - 1, k - 1)), "each observation tested C(N-1,k-1) times"
    # closed form: phi[N,k] = k/N * C(N,k) = C(N-1,k-1)   (Lopez de Prado 2018, sec. 12.4)
    assert cv.n_paths == math.comb(n_groups - 1, k - 1) == round(k / n_groups * math.comb(n_groups, k))
    paths = cv.paths()
    assert paths.shape == (cv.n_paths, n_groups)
    groups = cv.group_indices(X)
    np.testing.assert_array_equal(np.concatenate(groups), np.arange(n))
    for p in range(cv.n_paths):
        covered = np.zeros(n, dtype=int)
        for g in range(n_groups):
            _, te = splits[paths[p, g]]
            assert np.isin(groups[g], te).all(), "path uses a split that tests this group"
            covered[groups[g]] += 1
        assert np.all(covered == 1), "each path covers every observation exactly once"
    # each (group, split) test assignment is used by exactly one path
    pairs = {(g, paths[p, g]) for p in range(cv.n_paths) for g in range(n_groups)}
    assert len(pairs) == cv.n_paths * n_groups


def test_cpcv_purge_is_applied_around_each_block():
    cv = CombinatorialPurgedCV(n_groups=6, n_test_groups=2, purge=1, embargo=1)
    tr, te = list(cv.split(np.zeros(12)))[1]  # groups 0 and 2 -> test [0,1] and [4,5]
    np.testing.assert_array_equal(te, [0, 1, 4, 5])
    np.testing.assert_array_equal(tr, [7, 8, 9, 10, 11])  # 2 embargoed, 3 purged, 6 embargoed


# ----------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "cv, X, match",
    [
        (WalkForward(train_size=10, test_size=0), np.zeros(50), "test_size"),
        (WalkForward(train_size=0, test_size=5), np.zeros(50), "train_size"),
        (WalkForward(train_size=10, test_size=5, step=-1), np.zeros(50), "step"),
        (WalkForward(train_size=10, test_size="5D"), np.zeros(50), "all integers"),
        (WalkForward(train_size="10D", test_size="5D"), np.zeros(50), "no DatetimeIndex"),
        (WalkForward(train_size=10, test_size=5, purge="2D"), np.zeros(50), "no DatetimeIndex"),
        (WalkForward(train_size=10, test_size=5, purge=-1), np.zeros(50), "purge"),
        (WalkForward(train_size=40, test_size=20), np.zeros(50), "too few"),
        (WalkForward(train_size=10, test_size="5 bananas"), pd.Series(0.0, index=pd.date_range("2020", periods=50)),
         "offset"),
        (PurgedKFold(n_splits=60), np.zeros(50), "n_splits"),
        (PurgedKFold(n_splits=1), np.zeros(50), "n_splits"),
        (PurgedKFold(n_splits=5, embargo="1D"), np.zeros(50), "no DatetimeIndex"),
        (PurgedKFold(n_splits=2, purge=30, embargo=30), np.zeros(50), "no training data"),
        (CombinatorialPurgedCV(n_groups=6, n_test_groups=6), np.zeros(50), "n_test_groups"),
        (CombinatorialPurgedCV(n_groups=6, n_test_groups=0), np.zeros(50), "n_test_groups"),
        (CombinatorialPurgedCV(n_groups=60, n_test_groups=2), np.zeros(50), "n_groups"),
        (CalendarWindows(freq="YE"), np.zeros(50), "DatetimeIndex"),
        (CalendarWindows(freq="YE"), pd.Series(0.0, index=pd.date_range("2020-01-01", periods=50)), "too few"),
        (CalendarWindows(freq="nonsense"), pd.Series(0.0, index=pd.date_range("2020-01-01", periods=50)), "freq"),
        (CalendarWindows(freq="ME", start="2030"), pd.Series(0.0, index=pd.date_range("2020-01-01", periods=50)),
         "start"),
        (WalkForward(train_size=5, test_size=5), None, "X"),
    ],
)
def test_bad_parameters_raise_input_error(cv, X, match):
    with pytest.raises(InputError, match=match):
        list(cv.split(X))


def test_unsorted_or_duplicated_datetime_index_rejected():
    t = pd.date_range("2020-01-01", periods=50)
    with pytest.raises(InputError, match="not sorted"):
        list(PurgedKFold(n_splits=3).split(pd.Series(0.0, index=t[::-1])))
    with pytest.raises(InputError, match="duplicated"):
        list(PurgedKFold(n_splits=3).split(pd.Series(0.0, index=t.append(t[:1]))))


# ----------------------------------------------------------------------------------------------- sklearn


ALL = [
    WalkForward(train_size=60, test_size=20, purge=2),
    WalkForward(train_size=60, test_size=20, expanding=True, embargo=1),
    PurgedKFold(n_splits=4, purge=2, embargo=2),
    CombinatorialPurgedCV(n_groups=5, n_test_groups=2, purge=2, embargo=2),
    CalendarWindows(freq="QE", purge=2),
]


@pytest.mark.parametrize("cv", ALL, ids=lambda c: type(c).__name__)
def test_sklearn_clone_params_repr(cv):
    c = clone(cv)
    assert type(c) is type(cv) and c.get_params() == cv.get_params()
    assert repr(c) == repr(cv) and type(cv).__name__ in repr(cv)
    before = cv.purge
    c.set_params(purge=7)
    assert c.purge == 7 and cv.purge == before, "clone is independent of the original"
    with pytest.raises(InputError, match="not a parameter"):
        c.set_params(bogus=1)


@pytest.fixture(scope="module")
def linear_data():
    rng = np.random.default_rng(42)
    t = pd.date_range("2022-01-01", periods=360, freq="D")
    X = pd.DataFrame(rng.normal(size=(360, 3)), index=t, columns=list("abc"))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.1, size=360)
    return X, y


@pytest.mark.parametrize("cv", ALL, ids=lambda c: type(c).__name__)
def test_cross_val_score_and_grid_search(cv, linear_data):
    X, y = linear_data
    scores = cross_val_score(Ridge(alpha=1.0), X, y, cv=cv)
    assert scores.shape == (cv.get_n_splits(X),) and np.all(scores > 0.95)
    gs = GridSearchCV(Ridge(), {"alpha": [0.01, 1000.0]}, cv=cv).fit(X, y)
    assert gs.best_params_ == {"alpha": 0.01}
    assert gs.n_splits_ == cv.get_n_splits(X)


# ----------------------------------------------------------------------------------------------- 0.2 protocol


@pytest.mark.parametrize(
    "make",
    [
        lambda: WalkForward(60, 20),
        lambda: CalendarWindows("QE"),
        lambda: PurgedKFold(4),
        lambda: CombinatorialPurgedCV(5, 2),
    ],
    ids=["WalkForward", "CalendarWindows", "PurgedKFold", "CombinatorialPurgedCV"],
)
def test_constructor_options_are_keyword_only(make):
    # 0.2: every option is keyword-only, so a positional call cannot silently change meaning
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize("cv", ALL, ids=lambda c: type(c).__name__)
def test_protocol_without_base_cross_validator(cv, linear_data):
    # 0.2: the splitters follow sklearn's cross-validator protocol without subclassing BaseCrossValidator;
    # check_cv passes them through unchanged, so cross_val_score/GridSearchCV use them as they are
    from sklearn.model_selection import BaseCrossValidator, check_cv

    X, _ = linear_data
    assert not isinstance(cv, BaseCrossValidator)
    assert check_cv(cv) is cv
    assert cv.get_n_splits(X) == sum(1 for _ in cv.split(X))


def test_split_is_lazy():
    # 0.2: split() makes one split at a time; errors surface when the splits are asked for
    cv = WalkForward(train_size=10, test_size=5)
    it = cv.split(np.zeros(10_000))
    tr, te = next(it)
    np.testing.assert_array_equal(tr, np.arange(10))
    np.testing.assert_array_equal(te, np.arange(10, 15))
    too_few = WalkForward(train_size=40, test_size=20).split(np.zeros(50))  # no error yet
    with pytest.raises(InputError, match="too few"):
        next(too_few)


def test_import_alphacheck_does_not_import_sklearn():
    import subprocess
    import sys

    code = "import sys, alphacheck; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_period_index_is_read_as_period_starts():
    """Monthly returns on a PeriodIndex split exactly like the same returns on the months' first days."""
    periods = pd.period_range("2015-01", periods=120, freq="M")
    on_periods = pd.Series(0.0, index=periods)
    on_dates = pd.Series(0.0, index=periods.to_timestamp(how="start"))
    for splitter in (CalendarWindows(freq="YE", start="2017"), WalkForward(train_size="730D", test_size="365D"),
                     PurgedKFold(n_splits=5, purge="60D", embargo="31D")):
        a, b = list(splitter.split(on_periods)), list(splitter.split(on_dates))
        assert len(a) == len(b) > 0
        for (tr_a, te_a), (tr_b, te_b) in zip(a, b):
            np.testing.assert_array_equal(tr_a, tr_b)
            np.testing.assert_array_equal(te_a, te_b)
    first = next(iter(CalendarWindows(freq="YE", start="2017").split(on_periods)))[1]
    assert periods[first[0]] == pd.Period("2017-01", freq="M") and periods[first[-1]] == pd.Period("2017-12", freq="M")
    shuffled = pd.Series(0.0, index=periods[::-1])
    with pytest.raises(InputError, match="not sorted"):
        list(CalendarWindows(freq="YE").split(shuffled))


def test_date_asset_panel_split_by_rows_warns():
    dates = pd.date_range("2021-01-01", periods=60, freq="D")
    panel = pd.DataFrame({"x": 0.0}, index=pd.MultiIndex.from_product([dates, ["BTC", "ETH"]], names=["date", "asset"]))
    with pytest.warns(UserWarning, match="level 'date' repeats dates"):
        splits = list(WalkForward(train_size=40, test_size=20).split(panel))
    assert len(splits) == 4  # rows, as documented: the warning says so
    one_per_date = panel["x"].unstack()
    import warnings as _w

    with _w.catch_warnings():
        _w.simplefilter("error")
        assert len(list(WalkForward(train_size=20, test_size=10).split(one_per_date))) == 4


def test_zero_anchored_offsets_are_refused_not_leaked():
    """MonthEnd(0) rolls a date forward: as a purge it put up to 24 test rows into training (found by a trial)."""
    X = pd.Series(0.0, index=pd.date_range("2020-01-01", periods=120, freq="D"))
    for bad in ("0ME", "0MS", "0W", "0B", "-1D"):
        for kw in ({"purge": bad}, {"embargo": bad}):
            with pytest.raises(InputError, match="non-negative fixed span"):
                list(PurgedKFold(n_splits=5, **kw).split(X))
    for none in (0, "0D", pd.Timedelta(0)):
        for tr, te in PurgedKFold(n_splits=5, purge=none, embargo=none).split(X):
            assert np.intersect1d(tr, te).size == 0 and tr.size + te.size == 120
    with pytest.raises(InputError, match="train_size: must be a positive span"):
        list(WalkForward(train_size="0D", test_size="5D").split(X))


def test_walk_forward_train_ranges_equal_the_purged_complement():
    """WalkForward builds each training set as one range; it must equal the general rule (every row outside the
    test block and its purge / embargo, restricted to [lo, test start)) on regular and gappy dates, integer and
    offset sizes, purges and embargoes."""
    from alphacheck.splits import _train_complement

    n = 400
    rng = np.random.default_rng(0)
    gappy = pd.DatetimeIndex(np.sort(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.choice(3 * n, n, replace=False),
                                                                                   "D")))
    count = 0
    for times in (pd.date_range("2020-01-01", periods=n, freq="D"), gappy):
        X = pd.DataFrame({"a": np.arange(n)}, index=times)
        for tr, te, step, exp, pu, em in itertools.product([60, "80D"], [20, "30D"], [None, 13], [False, True],
                                                         [0, 3, "5D"], [0, "4D"]):
            if isinstance(tr, int) != isinstance(te, int) or (step is not None and not isinstance(tr, int)):
                continue
            sp = WalkForward(train_size=tr, test_size=te, step=step, expanding=exp, purge=pu, embargo=em)
            purge, embargo = sp._common()
            for train, test in sp.split(X):
                full = _train_complement(n, test, purge, embargo, times)
                lo = train[0] if train.size else test[0]
                want = full[(full >= (0 if exp else lo)) & (full < test[0])]
                np.testing.assert_array_equal(train, want)
                assert train.dtype == np.int64
                if isinstance(tr, int) and not exp:  # a rolling window holds train_size rows
                    assert train.size == tr
                count += 1
    assert count > 500
