"""The validation layer: every bad input raises InputError naming the argument and the problem."""

import numpy as np
import pandas as pd
import pytest

from alphacheck import InputError
from alphacheck._inputs import (
    align,
    as_matrix,
    as_panel,
    as_series,
    check_alternative,
    check_int,
    check_number,
    check_positive,
    check_probability,
    require_variance,
)


def _raises(fn, argument, fragment):
    with pytest.raises(InputError) as info:
        fn()
    err = info.value
    assert isinstance(err, ValueError)
    assert err.argument == argument
    assert str(err).startswith(f"{argument}:")
    assert fragment in str(err), str(err)
    return err


class TestAsSeries:
    def test_accepts_list_array_series_frame(self):
        ref = np.array([0.1, -0.2, 0.3])
        for x in ([0.1, -0.2, 0.3], ref, pd.Series(ref), pd.DataFrame({"r": ref}), ref[:, None]):
            c = as_series(x, "returns")
            np.testing.assert_array_equal(c.values, ref)
            assert c.values.dtype == np.float64

    def test_integers_are_converted(self):
        assert as_series([1, 2, 3], "x").values.dtype == np.float64

    def test_keeps_index_and_wraps_back(self):
        idx = pd.date_range("2021-01-01", periods=3, tz="UTC")
        c = as_series(pd.Series([1.0, 2.0, 3.0], index=idx), "returns")
        out = c.wrap(c.values * 2)
        assert isinstance(out, pd.Series) and out.index.equals(idx)
        assert isinstance(as_series([1.0, 2.0], "r").wrap(np.zeros(2)), np.ndarray)

    def test_does_not_mutate_input(self):
        x = np.array([1.0, 2.0, np.nan])
        c = as_series(x, "returns", nan_policy="omit")
        c.values[0] = 99
        assert x[0] == 1.0

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_non_finite_rejected(self, bad):
        _raises(lambda: as_series([0.1, bad, 0.2], "returns"), "returns", "non-finite")

    def test_nan_omitted_on_request(self):
        idx = pd.date_range("2021", periods=4)
        c = as_series(pd.Series([1.0, np.nan, 3.0, np.inf], index=idx), "returns", nan_policy="omit")
        np.testing.assert_array_equal(c.values, [1.0, 3.0])
        assert list(c.index) == [idx[0], idx[2]]

    def test_too_short(self):
        _raises(lambda: as_series([0.1], "returns", min_obs=2), "returns", "at least 2 observations, got 1")
        _raises(lambda: as_series([1.0, np.nan, 2.0], "returns", min_obs=3, nan_policy="omit"), "returns", "got 2")

    def test_constant(self):
        _raises(lambda: as_series([0.5] * 10, "benchmark", require_variance=True), "benchmark", "constant")

    def test_duplicated_index(self):
        s = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2021-01-01", "2021-01-01", "2021-01-02"]))
        _raises(lambda: as_series(s, "returns"), "returns", "duplicated")

    def test_unsorted_timestamps(self):
        s = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2021-01-03", "2021-01-01", "2021-01-02"]))
        _raises(lambda: as_series(s, "returns"), "returns", "not sorted")

    @pytest.mark.parametrize(
        "bad",
        [["a", "b", "c"], pd.Series(["a", "b", "c"]), np.array([True, False, True]), pd.Series([True, False])],
    )
    def test_wrong_dtype(self, bad):
        _raises(lambda: as_series(bad, "returns"), "returns", "numeric")

    def test_datetime_values_rejected(self):
        _raises(lambda: as_series(pd.Series(pd.date_range("2020", periods=3)), "returns"), "returns", "numeric")

    def test_shape_problems(self):
        _raises(lambda: as_series(np.zeros((3, 2)), "returns"), "returns", "one-dimensional")
        _raises(lambda: as_series(pd.DataFrame({"a": [1.0], "b": [2.0]}), "returns"), "returns", "one column")
        _raises(lambda: as_series(3.0, "returns"), "returns", "scalar")
        _raises(lambda: as_series(None, "returns"), "returns", "required")

    def test_bad_nan_policy(self):
        _raises(lambda: as_series([1.0, 2.0], "returns", nan_policy="drop"), "nan_policy", "raise")


class TestAsMatrix:
    def test_frame_and_array(self):
        df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]})
        m = as_matrix(df, "panel")
        assert m.values.shape == (3, 2) and m.columns == ["a", "b"]
        assert as_matrix(np.arange(4.0), "panel").values.shape == (4, 1)

    def test_errors(self):
        _raises(lambda: as_matrix(pd.DataFrame({"a": [1.0, np.nan]}), "panel"), "panel", "non-finite")
        _raises(lambda: as_matrix(pd.DataFrame({"a": ["x", "y"]}), "panel"), "panel", "numeric")
        _raises(lambda: as_matrix(np.zeros((2, 2, 2)), "panel"), "panel", "two-dimensional")
        _raises(lambda: as_matrix(np.zeros((3, 1)), "panel", min_cols=2), "panel", "at least 2 column")
        _raises(lambda: as_matrix(np.zeros((1, 3)), "panel"), "panel", "at least 2 observations")


class TestAlign:
    idx = pd.date_range("2021-01-01", periods=10, freq="D")

    def test_inner_join_on_index(self):
        a = pd.Series(np.arange(10.0), index=self.idx)
        b = pd.Series(np.arange(10.0) * 2, index=self.idx + pd.Timedelta(days=2))
        (x, y), index = align([("returns", a), ("benchmark", b)], min_obs=3)
        assert len(index) == 8 and index[0] == self.idx[2]
        np.testing.assert_array_equal(y, x * 2 - 4)

    def test_misaligned_overlap_too_small(self):
        a = pd.Series(np.arange(10.0), index=self.idx)
        b = pd.Series(np.arange(10.0), index=self.idx + pd.Timedelta(days=100))
        _raises(lambda: align([("returns", a), ("benchmark", b)]), "returns, benchmark", "share only 0")

    def test_misaligned_most_lost(self):
        a = pd.Series(np.arange(10.0), index=self.idx)
        b = pd.Series(np.arange(10.0), index=self.idx + pd.Timedelta(days=7))
        _raises(lambda: align([("returns", a), ("benchmark", b)], min_obs=2), "returns, benchmark", "misaligned")

    def test_arrays_must_match_length(self):
        _raises(lambda: align([("returns", [1.0, 2.0, 3.0]), ("benchmark", [1.0, 2.0])]), "returns, benchmark", "same length")

    def test_nan_rows_dropped_jointly_or_rejected(self):
        r = [1.0, np.nan, 3.0, 4.0]
        b = [1.0, 2.0, np.inf, 4.0]
        _raises(lambda: align([("returns", r), ("benchmark", b)]), "returns", "non-finite")
        (x, y), _ = align([("returns", r), ("benchmark", b)], nan_policy="omit")
        np.testing.assert_array_equal(x, [1.0, 4.0])
        np.testing.assert_array_equal(y, [1.0, 4.0])

    def test_two_d_controls_stay_two_d(self):
        controls = pd.DataFrame({"c1": np.arange(10.0), "c2": np.ones(10)}, index=self.idx)
        r = pd.Series(np.arange(10.0), index=self.idx)
        (x, c), _ = align([("returns", r), ("controls", controls)])
        assert x.ndim == 1 and c.shape == (10, 2)

    def test_duplicated_index_named(self):
        r = pd.Series([1.0, 2.0, 3.0], index=[0, 0, 1])
        _raises(lambda: align([("returns", r), ("benchmark", pd.Series([1.0, 2.0, 3.0]))]), "returns", "duplicated")

    def test_non_numeric_named(self):
        _raises(
            lambda: align([("returns", pd.Series([1.0, 2.0])), ("controls", pd.DataFrame({"c": ["a", "b"]}))]),
            "controls",
            "numeric",
        )


def test_scalar_checks():
    assert check_alternative("greater") == "greater"
    _raises(lambda: check_alternative("bigger"), "alternative", "two-sided")
    assert check_int(5, "reps", minimum=1) == 5
    _raises(lambda: check_int(2.5, "reps"), "reps", "integer")
    _raises(lambda: check_int(True, "reps"), "reps", "integer")
    _raises(lambda: check_int(0, "reps", minimum=1), "reps", ">= 1")
    assert check_positive(2, "block_length") == 2.0
    _raises(lambda: check_positive(-1, "block_length"), "block_length", "positive")
    _raises(lambda: check_positive("x", "block_length"), "block_length", "positive")
    assert check_number(0, "cost_bps", minimum=0) == 0.0 and check_number(-1.5, "skewness") == -1.5
    _raises(lambda: check_number("-1.5", "skewness"), "skewness", "string")  # no silent float("...")
    _raises(lambda: check_number(-1, "cost_bps", minimum=0), "cost_bps", "finite number >= 0")
    _raises(lambda: check_number("x", "cost_bps", minimum=0), "cost_bps", "finite number >= 0")
    _raises(lambda: check_number(float("nan"), "kurtosis"), "kurtosis", "finite number")
    assert check_probability(0.05, "level") == 0.05
    _raises(lambda: check_probability(1.5, "level"), "level", "(0, 1)")
    _raises(lambda: require_variance(np.ones((5, 2)), "controls"), "controls", "column(s) [0, 1]")


class TestAsPanel:
    idx = pd.date_range("2021-01-01", periods=4, freq="h")

    def test_nan_allowed_labels_kept(self):
        df = pd.DataFrame({"A": [1.0, np.nan, 3.0, 4.0], "B": [1, 2, 3, 4]}, index=self.idx)
        out = as_panel(df, "prices")
        assert out.dtypes.eq(np.float64).all() and out.index.equals(self.idx) and np.isnan(out.iloc[1, 0])
        assert list(as_panel(pd.Series([1.0, 2.0], name="BTC"), "prices").columns) == ["BTC"]
        assert as_panel(np.ones((3, 2)), "prices").shape == (3, 2)

    def test_errors_name_the_argument(self):
        df = pd.DataFrame({"A": [1.0, 2.0, 3.0, 4.0]}, index=self.idx)
        _raises(lambda: as_panel(df.replace(2.0, np.inf), "prices"), "prices", "inf")
        _raises(lambda: as_panel(df.iloc[[1, 0, 2, 3]], "prices"), "prices", "not sorted")
        _raises(lambda: as_panel(pd.concat([df, df.iloc[[3]]]), "prices"), "prices", "duplicated")
        _raises(lambda: as_panel(pd.concat([df, df], axis=1), "prices"), "prices", "columns (assets)")
        _raises(lambda: as_panel(df.assign(B="x"), "prices"), "prices", "numeric")
        _raises(lambda: as_panel([1.0, 2.0], "prices"), "prices", "DataFrame")
        _raises(lambda: as_panel(df.iloc[:1], "prices", min_rows=2), "prices", "at least 2 rows")
