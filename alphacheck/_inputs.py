"""The one validation layer: every public function turns its inputs into checked arrays here.

Accepted inputs: lists/tuples of numbers, 1-D ndarrays, pandas Series, single-column DataFrames
(and, via :func:`as_matrix`, 2-D arrays / DataFrames). Problems are raised as :class:`InputError`
(a ``ValueError``) whose message names the argument and the problem, so a user never sees a silent
NaN or a numpy traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["InputError"]  # the checks below are the library's, not the user's

NanPolicy = Literal["raise", "omit"]
#: the largest magnitude any input may have: squares and sums of n such values stay finite (1e100² = 1e200)
MAX_ABS = 1e100
# fewer observations than this are refused by tests whose p-values come from a large-sample law (HAC, the
# delta-method Sharpe SEs, PSR/DSR) or a bootstrap: on 3 returns the HAC mean test gave p = 2.6e-7
MIN_LARGE_SAMPLE = 10
ALTERNATIVES = ("two-sided", "greater", "less")


class InputError(ValueError):
    """Bad input to an alphacheck function; the message names the argument and the problem."""

    def __init__(self, name: str, problem: str):
        self.argument = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")

    def __reduce__(self) -> tuple:  # picklable (raised in a Dask worker, re-raised in the client)
        return (type(self), (self.argument, self.problem))


@dataclass(frozen=True)
class Checked:
    """A validated 1-D series: float64 ``values`` plus the pandas ``index`` it came with (or None)."""

    values: np.ndarray
    index: pd.Index | None
    name: str

    def __len__(self) -> int:
        return self.values.shape[0]

    @property
    def is_pandas(self) -> bool:
        return self.index is not None

    def wrap(self, values: np.ndarray, name: str | None = None) -> np.ndarray | pd.Series:
        """Return ``values`` (same length) as a Series on our index when pandas came in."""
        if self.index is None:
            return values
        return pd.Series(values, index=self.index, name=name or self.name)


@dataclass(frozen=True)
class CheckedMatrix:
    """A validated 2-D panel: float64 ``values`` of shape (n_obs, n_cols), index and column labels."""

    values: np.ndarray
    index: pd.Index | None
    columns: list
    name: str

    def __len__(self) -> int:
        return self.values.shape[0]

    @property
    def is_pandas(self) -> bool:
        return self.index is not None


def check_choice(value: Any, name: str, choices: Sequence[Any]) -> Any:  # Any: callers keep their Literal
    """``value`` if it is one of ``choices`` (the Literal options of a parameter), else InputError."""
    is_bool = isinstance(value, (bool, np.bool_))
    for c in choices:
        if c is None:
            match = value is None
        elif isinstance(c, str):
            match = isinstance(value, str) and value == c
        elif isinstance(c, bool):
            match = is_bool and bool(value) == c
        else:
            match = not is_bool and isinstance(value, (int, np.integer)) and value == c
        if match:
            return c
    raise InputError(name, f"must be one of {tuple(choices)}, got {value!r}")


def check_alternative(alternative: Any) -> Any:
    return check_choice(alternative, "alternative", ALTERNATIVES)


def check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(name, f"must be True or False, got {value!r}")
    return bool(value)


def check_reps(reps: Any, minimum: int = 99) -> int:
    """Bootstrap/permutation replicates: an integer >= ``minimum`` (99 gives p-values on a 1 % grid)."""
    return check_int(reps, "reps", minimum=minimum)


def check_seed(seed: Any) -> np.random.SeedSequence:
    """The one reading of ``seed``: None, an int, a SeedSequence or a Generator -> a SeedSequence.

    None draws fresh entropy; an int or a SeedSequence gives the same bits on every call; a Generator
    is advanced (one draw of 256 bits), so two calls with the same generator differ, and the same
    generator state gives the same bits.
    """
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63, size=4, dtype=np.uint64).tolist())
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise InputError("seed", f"must be a non-negative integer, got {seed}")
        return np.random.SeedSequence(int(seed))
    raise InputError("seed", "must be None, a non-negative integer, a numpy Generator or a SeedSequence, "
                             f"got {type(seed).__name__}")


def check_n_jobs(n_jobs: Any) -> int:
    """Workers: None = all cores (at most 8), -1 = all cores, k >= 1 = k."""
    import os

    cores = os.cpu_count() or 1
    if n_jobs is None:
        return min(cores, 8)
    n = check_int(n_jobs, "n_jobs")
    if n == -1:
        return cores
    if n < 1:
        raise InputError("n_jobs", f"must be None, -1 or a positive integer, got {n_jobs}")
    return n


def check_int(value: Any, name: str, minimum: int | None = None) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InputError(name, f"must be an integer, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise InputError(name, f"must be >= {minimum}, got {value}")
    return int(value)


def _refuse_string(value: Any, name: str, expected: str) -> None:
    """float("0") would turn a string into a number silently: a number given as text is an input error."""
    if isinstance(value, (str, bytes)):
        raise InputError(name, f"must be {expected}, got the string {value!r}")


def check_number(value: Any, name: str, *, minimum: float | None = None) -> float:
    """A finite real number, optionally >= ``minimum`` (costs, variances, bandwidths, moments)."""
    bound = "" if minimum is None else f" >= {minimum:g}"
    _refuse_string(value, name, f"a finite number{bound}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"must be a finite number{bound}, got {value!r}") from None
    if not np.isfinite(v) or (minimum is not None and v < minimum):
        raise InputError(name, f"must be a finite number{bound}, got {value!r}")
    return v


def check_positive(value: Any, name: str, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    _refuse_string(value, name, "a positive number")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"must be a positive number, got {value!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise InputError(name, f"must be a positive finite number, got {value!r}")
    return v


def check_probability(value: Any, name: str) -> float:
    _refuse_string(value, name, "a number in (0, 1)")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"must be a number in (0, 1), got {value!r}") from None
    if not 0.0 < v < 1.0:
        raise InputError(name, f"must be in (0, 1), got {value!r}")
    return v


def _check_index(index: pd.Index, name: str) -> None:
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise InputError(name, f"index has duplicated labels (first: {dup!r}): keep one row per period, e.g. "
                               f"{name}[~{name}.index.duplicated(keep='last')] (or aggregate them)")
    if isinstance(index, pd.DatetimeIndex) and not index.is_monotonic_increasing:
        raise InputError(name, f"timestamps are not sorted in increasing order: sort them first ({name}.sort_index())")


def _check_column_labels(columns: pd.Index, name: str) -> None:
    if isinstance(columns, pd.MultiIndex):  # the tests label their rows by column label, one level
        raise InputError(name, f"has MultiIndex columns ({columns.nlevels} levels): flatten them first, e.g. "
                               "df.columns = ['/'.join(map(str, c)) for c in df.columns]")
    if columns.has_duplicates:  # frame[c] would be a frame, read as "non-numeric" by the dtype checks
        dup = sorted({str(c) for c in columns[columns.duplicated()]})[:5]
        raise InputError(name, f"has duplicated column labels {dup}: give every column its own name")


def _numeric(arr: Any, name: str) -> np.ndarray:
    a = np.asarray(arr)
    if a.dtype == object:
        if any(isinstance(v, (str, bytes)) for v in a.ravel()):  # numpy would parse "0.01" silently
            raise InputError(name, "holds strings, not numbers: convert them first (pd.to_numeric(..., errors='raise'))")
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError):
            raise InputError(name, "must be numeric; found non-numeric values") from None
    else:
        check_numeric_dtype(a.dtype, name)
    return a.astype(np.float64, copy=True)


def check_numeric_dtype(dtype: np.dtype, name: str) -> None:
    """Integers and floats only: booleans (flags, positions) and other dtypes are refused by name."""
    if dtype.kind == "b":
        raise InputError(name, "must be numeric, got booleans")
    if dtype.kind not in "iuf":
        raise InputError(name, f"must be numeric, got dtype {dtype}")


def _nonfinite_problem(count: int, kind: str, where: Any, omit_hint: bool, rows: bool = False) -> str:
    """The non-finite message; it advises nan_policy='omit' only to callers whose function takes nan_policy."""
    what = f"non-finite values in {count} row(s)" if rows else f"{count} non-finite value(s)"
    first = "" if where is None else f", first at {where!r}" if not isinstance(where, str) else f", first at {where}"
    advice = ("clean them or pass nan_policy='omit' (drops those observations)" if omit_hint
              else "drop or fill them before the call (e.g. x.dropna())")
    return f"contains {what} ({kind}){first}; {advice}"


def check_magnitude(values: np.ndarray, name: str, index: pd.Index | None = None) -> None:
    """Refuse finite values so large that variances and products overflow (|x| > 1e100): no result computed
    from them would be finite, and no return, price or count is that large."""
    with np.errstate(invalid="ignore"):
        big = np.abs(values) > MAX_ABS
    if big.any():
        flat = np.flatnonzero(big.reshape(big.shape[0], -1).any(axis=1))[0] if big.ndim > 1 else int(np.argmax(big))
        raise InputError(name, f"has values too large to compute with (|x| up to {np.nanmax(np.abs(values)):.3g}, "
                               f"first at {_first_label(index, int(flat))}); rescale them (returns are fractions, "
                               "e.g. 0.012 for 1.2 %)")


#: the smallest standard deviation a regression or Sharpe input may have (the mirror of MAX_ABS): below it
#: variances underflow and the normal equations are singular
MIN_SCALE = 1e-50


def check_scale(values: np.ndarray, name: str) -> None:
    """Refuse a regression input (1-D, or 2-D by column) whose standard deviation is below :data:`MIN_SCALE`."""
    v = values if values.ndim == 2 else values[:, None]
    sd = v.std(axis=0)
    small = sd < MIN_SCALE
    if small.any():
        which = "" if values.ndim == 1 else f" in column(s) {np.flatnonzero(small).tolist()}"
        top = float(np.abs(v[:, small]).max())
        raise InputError(name, f"has values too small to compute with (standard deviation below {MIN_SCALE:g}, "
                               f"|x| at most {top:.3g}{which}); rescale them (returns are fractions, e.g. 0.012 "
                               "for 1.2 %)")


def _first_label(index: pd.Index | None, pos: int) -> Any:
    if index is None:
        return f"position {pos}"
    label = index[pos]
    return str(label) if isinstance(label, pd.Timestamp) else label


def _unwrap_frame(x: pd.DataFrame, name: str) -> pd.Series:
    if x.shape[1] != 1:
        raise InputError(name, f"expected one column, got a DataFrame with {x.shape[1]} columns")
    return x.iloc[:, 0]


def as_series(
    x: Any,
    name: str,
    *,
    min_obs: int = 2,
    nan_policy: NanPolicy = "raise",
    require_variance: bool = False,
    omit_hint: bool = False,
) -> Checked:
    """Validate one series of numbers (returns, signal, benchmark...).

    Parameters
    ----------
    x : list, ndarray, Series or single-column DataFrame
    name : the argument's name, used in error messages
    min_obs : fewest observations the calling method needs (after NaN handling)
    nan_policy : "raise" (default) rejects NaN/inf; "omit" drops those observations
    require_variance : reject a constant series (a variance or correlation is needed)
    omit_hint : the calling public function takes ``nan_policy``, so the NaN message may advise it
    """
    if nan_policy not in ("raise", "omit"):
        raise InputError("nan_policy", f"must be 'raise' or 'omit', got {nan_policy!r}")
    if x is None:
        raise InputError(name, "is required, got None")
    if isinstance(x, pd.DataFrame):
        x = _unwrap_frame(x, name)
    index = None
    if isinstance(x, pd.Series):
        _check_index(x.index, name)
        if pd.api.types.is_bool_dtype(x.dtype) or not (pd.api.types.is_numeric_dtype(x.dtype) or x.dtype == object):
            raise InputError(name, f"must be numeric, got dtype {x.dtype}")
        index = x.index
        if x.dtype == object:
            values = _numeric(x.to_numpy(), name)
        else:
            values = x.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        if np.isscalar(x) or (isinstance(x, np.ndarray) and x.ndim == 0):
            raise InputError(name, "must be a sequence of numbers, got a scalar")
        values = _numeric(x, name)
        if values.ndim == 2 and 1 in values.shape:
            values = values.reshape(-1)
        if values.ndim != 1:
            raise InputError(name, f"must be one-dimensional, got shape {values.shape}")
    bad = ~np.isfinite(values)
    if bad.any():
        if nan_policy == "raise":
            kind = "NaN" if np.isnan(values).any() else "inf"
            raise InputError(name, _nonfinite_problem(int(bad.sum()), kind, _first_label(index, int(np.argmax(bad))),
                                                      omit_hint))
        values = values[~bad]
        if index is not None:
            index = index[~bad]
    check_magnitude(values, name, index)
    if values.shape[0] < min_obs:
        raise InputError(name, f"needs at least {min_obs} observation{'s' if min_obs != 1 else ''}, got {values.shape[0]}")
    if require_variance and np.ptp(values) == 0:
        raise InputError(name, "is constant; the method needs a series with non-zero variance")
    return Checked(values, index, name)


def as_returns(
    x: Any,
    name: str,
    *,
    min_obs: int = 2,
    require_variance: bool = False,
    check_returns: bool = True,
    periods_per_year: float | None = None,
) -> Checked:
    """:func:`as_series` for an argument that must be a return series, plus the plausibility check.

    With ``check_returns`` (the default) values that look like prices, levels, cumulative or equity
    curves, percent units or positions are refused (:mod:`alphacheck._plausibility`); ``periods_per_year``
    (when the caller has it) gives the rules the frequency a DatetimeIndex would.
    """
    checked = as_series(x, name, min_obs=min_obs, require_variance=require_variance)
    if check_bool(check_returns, "check_returns"):
        check_plausible(checked.values, checked.index, name, periods_per_year=periods_per_year)
    return checked


# Columns of a family checked to be returns (the rules read every value: bounded cost for a million strategies).
PLAUSIBLE_COLUMNS = 50


def check_plausible(values: np.ndarray, index: pd.Index | None, name: str, *, hint: str = "",
                    periods_per_year: float | None = None) -> None:
    """Refuse values that look like prices, levels, cumulative curves, percent units or positions."""
    from alphacheck._plausibility import check_plausible_returns

    check_plausible_returns(values, index, name, hint=hint, periods_per_year=periods_per_year)


def check_plausible_pair(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """Refuse two aligned return series that co-move but differ in scale by 30x or more (percent vs fractions)."""
    from alphacheck._plausibility import check_plausible_pair as _pair

    _pair(a, b, names)


def as_matrix(
    x: Any,
    name: str,
    *,
    min_obs: int = 2,
    min_cols: int = 1,
    nan_policy: NanPolicy = "raise",
    omit_hint: bool = False,
) -> CheckedMatrix:
    """Validate a 2-D panel (observations x columns): ndarray, DataFrame, or 1-D (one column)."""
    if x is None:
        raise InputError(name, "is required, got None")
    index, columns = None, None
    if isinstance(x, pd.Series):
        x = x.to_frame()
    if isinstance(x, pd.DataFrame):
        _check_index(x.index, name)
        _check_column_labels(x.columns, name)
        non_num = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c]) or pd.api.types.is_bool_dtype(x[c])]
        if non_num:
            raise InputError(name, f"columns must be numeric; non-numeric: {non_num[:5]}")
        index, columns = x.index, list(x.columns)
        values = x.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = _numeric(x, name)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise InputError(name, f"must be two-dimensional (observations x columns), got shape {values.shape}")
        columns = list(range(values.shape[1]))
    bad_rows = ~np.isfinite(values).all(axis=1)
    if bad_rows.any():
        if nan_policy == "raise":
            kind = "NaN" if np.isnan(values).any() else "inf"
            raise InputError(name, _nonfinite_problem(int(bad_rows.sum()), kind,
                                                      _first_label(index, int(np.argmax(bad_rows))), omit_hint,
                                                      rows=True))
        values = values[~bad_rows]
        if index is not None:
            index = index[~bad_rows]
    check_magnitude(values, name, index)
    if values.shape[0] < min_obs:
        raise InputError(name, f"needs at least {min_obs} observation{'s' if min_obs != 1 else ''}, got {values.shape[0]}")
    if values.shape[1] < min_cols:
        raise InputError(name, f"needs at least {min_cols} column(s), got {values.shape[1]}")
    return CheckedMatrix(values, index, columns, name)


def as_panel(x: Any, name: str, *, min_rows: int = 1) -> pd.DataFrame:
    """Validate a time x asset panel where NaN marks a missing value (before listing, gaps).

    Accepts a DataFrame, a Series (one asset) or a 2-D array (positional index). Rejects duplicated
    index labels or asset columns, an index not sorted in time order, non-numeric or boolean columns,
    and inf (NaN is allowed: panels are ragged). Returns a float64 copy with the same labels.
    """
    if isinstance(x, pd.Series):
        x = x.to_frame(name=x.name if x.name is not None else 0)
    elif isinstance(x, np.ndarray) and x.ndim == 2:
        x = pd.DataFrame(_numeric(x, name))
    if not isinstance(x, pd.DataFrame):
        raise InputError(name, f"must be a time x asset DataFrame, Series or 2-D array, got {type(x).__name__}")
    _check_index(x.index, name)
    if not x.index.is_monotonic_increasing:
        raise InputError(name, "index is not sorted in increasing (time) order")
    if x.columns.has_duplicates:
        raise InputError(name, "columns (assets) have duplicated labels")
    non_num = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c]) or pd.api.types.is_bool_dtype(x[c])]
    if non_num:
        raise InputError(name, f"columns must be numeric; non-numeric: {non_num[:5]}")
    values = x.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(values).any():
        raise InputError(name, "contains inf; NaN marks a missing value, inf is not allowed")
    check_magnitude(values, name, x.index)
    if values.shape[0] < min_rows:
        raise InputError(name, f"needs at least {min_rows} rows, got {values.shape[0]}")
    return pd.DataFrame(values, index=x.index, columns=x.columns)


def _as_frame_or_array(d: Any, name: str) -> tuple[pd.DataFrame | np.ndarray, bool]:
    """Numeric 2-D view of one input, NaNs kept; returns (data, was_2d)."""
    if d is None:
        raise InputError(name, "is required, got None")
    if isinstance(d, pd.Series):
        d = d.to_frame()
    if isinstance(d, pd.DataFrame):
        _check_index(d.index, name)
        _check_column_labels(d.columns, name)
        non_num = [c for c in d.columns if not pd.api.types.is_numeric_dtype(d[c]) or pd.api.types.is_bool_dtype(d[c])]
        if non_num:
            raise InputError(name, f"must be numeric; non-numeric column(s): {non_num[:5]}")
        if d.shape[1] == 0:
            raise InputError(name, "has no columns")
        return d.astype(np.float64), d.shape[1] > 1
    if np.isscalar(d):
        raise InputError(name, "must be a sequence of numbers, got a scalar")
    arr = _numeric(d, name)
    if arr.ndim == 1:
        return arr[:, None], False
    if arr.ndim != 2:
        raise InputError(name, f"must be one- or two-dimensional, got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise InputError(name, "has no columns")
    return arr, arr.shape[1] > 1


def _index_kind(index: pd.Index) -> str:
    if isinstance(index, pd.DatetimeIndex):
        return f"a DatetimeIndex ({'tz-naive' if index.tz is None else f'time zone {index.tz}'})"
    return f"a {type(index).__name__}"


def _span(index: pd.Index) -> str:
    if len(index) == 0:
        return "no rows"
    lo, hi = index.min(), index.max()
    fmt = (lambda t: str(t.date()) if t == t.normalize() else str(t)) if isinstance(index, pd.DatetimeIndex) else str
    return f"{fmt(lo)} .. {fmt(hi)} ({len(index):,} rows)"


def _ranges(names: Sequence[str], frames: Sequence[pd.DataFrame]) -> str:
    """Both (all) index ranges, and the reason the labels do not meet when it is a known one."""
    text = "; ".join(f"{nm} covers {_span(f.index)}" for nm, f in zip(names, frames))
    idx = [f.index for f in frames]
    if all(isinstance(i, pd.DatetimeIndex) and len(i) for i in idx):
        lo, hi = max(i.min() for i in idx), min(i.max() for i in idx)
        if lo > hi:
            return text + " — the date ranges do not overlap"
        midnight = [bool((i == i.normalize()).all()) for i in idx]
        if any(midnight) and not all(midnight):
            return text + (" — some are stamped at midnight and some at a time of day; put both on dates "
                           "(x.index = x.index.normalize()) or on the same timestamps")
    return text


def _check_index_kinds(names: Sequence[str], frames: Sequence[pd.DataFrame]) -> None:
    """Index types or time zones that can never share labels: a clear error before the join."""
    kinds = [isinstance(f.index, pd.DatetimeIndex) for f in frames]
    if any(kinds) and not all(kinds):
        desc = "; ".join(f"{nm} has {_index_kind(f.index)} ({_span(f.index)})" for nm, f in zip(names, frames))
        raise InputError(", ".join(names), f"have different index types: {desc}. Give every input the same dates, "
                                           "or pass plain arrays of equal length (matched by position)")
    if all(kinds):
        aware = [f.index.tz is not None for f in frames]
        if any(aware) and not all(aware):
            desc = "; ".join(f"{nm} has {_index_kind(f.index)}" for nm, f in zip(names, frames))
            raise InputError(", ".join(names), f"mix time-zone-aware and tz-naive dates: {desc}. Make them all "
                                               "aware (x.tz_localize('UTC')) or all naive (x.tz_convert(None))")


# Inside the dates every input covers, at most this share of an input's rows may lack a partner. Beyond it the
# inner join is not trimming a longer history but pairing different calendars (daily with weekly, 7-day with
# business days) or dates shifted by a period, and would silently drop that input's returns (exchange holiday
# calendars differ by ~4 %).
_SPAN_LOSS = 0.10


def _check_span_losses(names: list[str], frames: list[pd.DataFrame], idx: pd.Index) -> None:
    """Refuse an inner join that drops more than :data:`_SPAN_LOSS` of an input's rows inside the common span."""
    if len(idx) == 0 or not all(f.index.is_monotonic_increasing for f in frames):
        return
    try:
        lo, hi = max(f.index[0] for f in frames), min(f.index[-1] for f in frames)
    except TypeError:  # labels without an order: no span
        return
    for nm, f in zip(names, frames):
        span = f.index.slice_indexer(lo, hi)
        inside = int(span.stop - span.start)
        lost = inside - len(idx)
        if lost > _SPAN_LOSS * inside:
            others = ", ".join(o for o in names if o != nm)
            raise InputError(
                nm,
                f"has {lost:,} of its {inside:,} observations between {lo} and {hi} without a matching label in "
                f"{others}: the inputs are on different calendars or frequencies, or dated a period apart, and "
                "aligning would silently drop them; put every input on the same dates (resample or reindex) or "
                "pass aligned arrays",
            )


def align(
    named: Sequence[tuple[str, Any]],
    *,
    min_obs: int = 2,
    nan_policy: NanPolicy = "raise",
    omit_hint: bool = False,
) -> tuple[list[np.ndarray], pd.Index | None]:
    """Align several series/panels observation by observation.

    ``named`` is a sequence of ``(argument_name, data)`` pairs; data may be 1-D or 2-D (a
    multi-column entry comes back 2-D, a single column 1-D). When every input is pandas they are
    inner-joined on the index; an overlap shorter than ``min_obs``, or one that loses more than half
    of the shortest input, is an error naming the arguments (misaligned dates). Plain arrays, or a
    mix of arrays and pandas, must have equal lengths. Non-finite rows are rejected, or dropped
    jointly from every input with ``nan_policy="omit"``.
    Returns the arrays and the common index (None when no pandas came in).
    """
    if nan_policy not in ("raise", "omit"):
        raise InputError("nan_policy", f"must be 'raise' or 'omit', got {nan_policy!r}")
    names = [nm for nm, _ in named]
    items = [(nm, *_as_frame_or_array(d, nm)) for nm, d in named]
    frames = [f for _, f, _ in items if isinstance(f, pd.DataFrame)]
    if frames and len(frames) == len(items):
        _check_index_kinds(names, frames)
        idx = frames[0].index
        for f in frames[1:]:
            idx = idx.intersection(f.index, sort=False)
        if isinstance(idx, pd.DatetimeIndex):
            idx = idx.sort_values()
        shortest = min(len(f) for f in frames)
        if len(idx) < min_obs:
            raise InputError(
                ", ".join(names), f"share only {len(idx)} index labels after aligning; need at least {min_obs}. "
                + _ranges(names, frames)
            )
        if len(idx) < 0.5 * shortest:
            raise InputError(
                ", ".join(names),
                f"are misaligned: only {len(idx)} of {shortest} observations share index labels; "
                "check the dates/frequency or pass aligned data. " + _ranges(names, frames),
            )
        _check_span_losses(names, frames, idx)
        arrays = [f.reindex(idx).to_numpy(dtype=np.float64, na_value=np.nan) for f in frames]
        index: pd.Index | None = idx
    else:
        lengths = {nm: len(f) for nm, f, _ in items}
        if len(set(lengths.values())) != 1:
            raise InputError(", ".join(names), f"must have the same length, got {lengths}")
        index = frames[0].index if frames else None
        arrays = [f.to_numpy(dtype=np.float64, na_value=np.nan) if isinstance(f, pd.DataFrame) else f for _, f, _ in items]
    bad = np.zeros(arrays[0].shape[0], dtype=bool)
    for nm, a in zip(names, arrays):
        row_bad = ~np.isfinite(a).all(axis=1)
        if row_bad.any() and nan_policy == "raise":
            kind = "NaN" if np.isnan(a).any() else "inf"
            raise InputError(nm, _nonfinite_problem(int(row_bad.sum()), kind,
                                                    _first_label(index, int(np.argmax(row_bad))), omit_hint, rows=True))
        bad |= row_bad
    if bad.any():
        arrays = [a[~bad] for a in arrays]
        if index is not None:
            index = index[~bad]
    for nm, a in zip(names, arrays):
        check_magnitude(a, nm, index)
    if arrays[0].shape[0] < min_obs:
        raise InputError(", ".join(names), f"need at least {min_obs} complete observations, got {arrays[0].shape[0]}")
    return [a if two_d else a[:, 0] for (_, _, two_d), a in zip(items, arrays)], index


def require_variance(values: np.ndarray, name: str) -> None:
    """Raise if a column of ``values`` (1-D or 2-D) is constant."""
    v = values if values.ndim == 2 else values[:, None]
    const = np.ptp(v, axis=0) == 0
    if const.any():
        which = "" if values.ndim == 1 else f" (column(s) {np.flatnonzero(const).tolist()})"
        raise InputError(name, f"is constant{which}; the method needs non-zero variance")
