"""Time-series cross-validation splitters with purging and embargo (scikit-learn API).

Every splitter follows the scikit-learn cross-validator protocol: ``split(X, y=None, groups=None)``
yields ``(train_idx, test_idx)`` int64 position arrays in increasing order, lazily (one split at a
time, so memory does not grow with the number of splits), ``get_n_splits(X=None, y=None, groups=None)``
counts them, and the keyword-only constructor only stores its arguments verbatim
(``get_params``/``set_params``/``sklearn.base.clone`` work; there is no fitted state). So they plug into
``cross_val_score``, ``GridSearchCV`` and :func:`alphacheck.walk_forward` — by the protocol, without
importing scikit-learn (``sklearn.model_selection.check_cv`` passes any object with ``split`` through).

Time axis
---------
When ``X`` is a DataFrame/Series with a :class:`pandas.DatetimeIndex`, sizes, purge and embargo may be
pandas offsets or offset strings (``"90D"``, ``"3MS"``, ``pd.Timedelta("2h")``); plain integers always
count observations (rows). Arrays, or pandas objects without a DatetimeIndex, use positions only, and
an offset there is an :class:`~alphacheck.InputError`. The DatetimeIndex must be sorted and free of
duplicates (one row per timestamp). A :class:`pandas.PeriodIndex` (monthly or quarterly returns) is read as the
periods' start timestamps.

Purge and embargo (López de Prado 2018, *Advances in Financial Machine Learning*, sec. 7.4.1–7.4.2)
---------------------------------------------------------------------------------------------------
Let a test set consist of maximal contiguous blocks of positions ``[a, b)`` (first test observation
``t_a``, last ``t_{b-1}``), and let an observation's label at ``t`` depend on the window ``[t, t+h]``.

* ``purge=h`` (int) removes from train every observation whose label window overlaps the test block,
  i.e. positions ``a-h, ..., a-1`` (the ``h`` observations just before each test block). With an
  offset ``P`` it removes the observations with ``t_a - P <= t < t_a``.
* ``embargo=e`` (int) removes from train the ``e`` observations just after each test block, positions
  ``b, ..., b+e-1``; with an offset ``E`` those with ``t_{b-1} < t <= t_{b-1} + E``. This guards against
  serial correlation leaking from the test period into a later training period, and it also covers
  the test labels' own windows ``[t, t+h]`` that reach past the block: use ``embargo >= purge`` to purge
  strictly on both sides, as sec. 7.4.1 does.

Train sets that lie entirely before their test set (:class:`WalkForward`, :class:`CalendarWindows`)
are unaffected by the embargo (and ``CalendarWindows(min_train=0)`` may yield an empty train set); it matters for
:class:`PurgedKFold` and :class:`CombinatorialPurgedCV`.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from alphacheck._inputs import InputError, check_int

__all__ = ["WalkForward", "CalendarWindows", "PurgedKFold", "CombinatorialPurgedCV"]

Size = Any  # int (observations) or a pandas offset / offset string / Timedelta


# --------------------------------------------------------------------------------------------------
# parameter and index helpers


def _is_offset_like(value: Any) -> bool:
    return isinstance(value, (str, pd.DateOffset, pd.Timedelta, _dt.timedelta, np.timedelta64))


def _check_size(value: Any, name: str, minimum: int) -> int | pd.DateOffset:
    """An int >= minimum (observations) or a positive pandas offset."""
    if _is_offset_like(value):
        try:
            off = to_offset(pd.Timedelta(value) if isinstance(value, (_dt.timedelta, np.timedelta64)) else value)
        except (TypeError, ValueError):
            raise InputError(name, f"is not a valid pandas offset, got {value!r}") from None
        if off.n < 0 or (off.n == 0 and (minimum > 0 or not _fixed_span(off))):
            # a zero anchored offset ("0ME", "0W", "0B") rolls a date *forward*: purge would drop no row at all
            hint = " (give 0, an int, for none)" if minimum == 0 else ""
            kind = "positive" if minimum > 0 else "non-negative fixed"
            raise InputError(name, f"must be a {kind} span, got {value!r}{hint}")
        return off
    return check_int(value, name, minimum=minimum)


def _fixed_span(off: pd.DateOffset) -> bool:
    """A fixed-length offset (hours, days, a Timedelta), not one anchored to calendar points (month ends, weeks)."""
    try:
        return off.nanos >= 0
    except ValueError:
        return False


def _n_obs(X: Any) -> int:
    if X is None:
        raise InputError("X", "is required to build the splits (its length and index), got None")
    if hasattr(X, "shape") and len(X.shape) >= 1:
        return int(X.shape[0])
    try:
        return len(X)
    except TypeError:
        raise InputError("X", f"must be array-like with a length, got {type(X).__name__}") from None


def _time_index(X: Any) -> pd.DatetimeIndex | None:
    idx = getattr(X, "index", None)
    if isinstance(idx, pd.MultiIndex):
        _warn_panel(idx)
        return None
    if isinstance(idx, pd.PeriodIndex):  # monthly/quarterly data: each period at its start timestamp
        idx = idx.to_timestamp(how="start")
    if not isinstance(idx, pd.DatetimeIndex):
        return None
    if idx.has_duplicates:
        raise InputError("X", f"DatetimeIndex has duplicated timestamps (first: {idx[idx.duplicated()][0]})")
    if not idx.is_monotonic_increasing:
        raise InputError("X", "DatetimeIndex is not sorted in increasing order")
    return idx


def _warn_panel(idx: pd.MultiIndex) -> None:
    """A (date, asset) panel is cut by rows: one date's rows can fall in both the training and the test set."""
    for level in range(idx.nlevels):
        values = idx.get_level_values(level)
        if isinstance(values, (pd.DatetimeIndex, pd.PeriodIndex)) and values.has_duplicates:
            warnings.warn(
                f"X has a MultiIndex whose level {idx.names[level] or level!r} repeats dates: the splitter counts "
                "rows, not dates, so one date's rows can be split between training and test. Split one row per "
                "date (e.g. X.unstack()) and map the positions back, or group by date first",
                UserWarning, stacklevel=4)
            return


def _need_times(times: pd.DatetimeIndex | None, name: str, value: Any) -> pd.DatetimeIndex:
    if times is None:
        raise InputError(
            name, f"is a time offset ({value!r}) but X has no DatetimeIndex; pass a DataFrame/Series indexed by time "
            "or give the size in observations (int)"
        )
    return times


def _blocks(test: np.ndarray) -> list[tuple[int, int]]:
    """Maximal contiguous runs [a, b) of a sorted position array."""
    if test.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(test) != 1)
    starts = np.r_[test[0], test[breaks + 1]]
    ends = np.r_[test[breaks] + 1, test[-1] + 1]
    return list(zip(starts.tolist(), ends.tolist()))


def _purge_start(a: int, purge: Any, times: pd.DatetimeIndex | None) -> int:
    """First position purged before a test block starting at position a."""
    if isinstance(purge, int):
        return max(0, a - purge)
    t = _need_times(times, "purge", purge)
    return int(t.searchsorted(t[a] - purge, side="left"))


def _embargo_end(b: int, n: int, embargo: Any, times: pd.DatetimeIndex | None) -> int:
    """One past the last position embargoed after a test block ending (exclusive) at b."""
    if isinstance(embargo, int):
        return min(n, b + embargo)
    t = _need_times(times, "embargo", embargo)
    return int(t.searchsorted(t[b - 1] + embargo, side="right"))


def _train_complement(n: int, test: np.ndarray, purge: Any, embargo: Any, times: pd.DatetimeIndex | None) -> np.ndarray:
    """All positions not in ``test`` nor purged before / embargoed after any of its blocks."""
    keep = np.ones(n, dtype=bool)
    for a, b in _blocks(test):
        keep[_purge_start(a, purge, times) : _embargo_end(b, n, embargo, times)] = False
    return np.flatnonzero(keep).astype(np.int64)


class _Splitter:
    """Shared plumbing: the scikit-learn splitter protocol (params, repr, n_splits by enumeration)."""

    purge: Any  # set by the splitters that purge (validated in _common)
    embargo: Any

    @classmethod
    def _param_names(cls) -> list[str]:
        import inspect

        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> _Splitter:
        valid = set(self._param_names())
        for k, v in params.items():
            if k not in valid:
                raise InputError(k, f"is not a parameter of {type(self).__name__}; valid: {sorted(valid)}")
            setattr(self, k, v)
        return self

    def _common(self) -> tuple[Any, Any]:
        purge = _check_size(self.purge, "purge", minimum=0)
        embargo = _check_size(self.embargo, "embargo", minimum=0)
        return purge, embargo

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of splits; walk-forward and calendar splitters need ``X`` to count them."""
        return sum(1 for _ in self.split(X, y, groups))

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train_idx, test_idx)`` int64 position arrays, each made as it is asked for (memory
        does not grow with the number of splits); ``y`` and ``groups`` are ignored."""
        n = _n_obs(X)
        if n == 0:
            raise InputError("X", "is empty: there is nothing to split")
        times = _time_index(X)
        produced = False
        for split in self._splits(n, times):
            produced = True
            yield split
        if not produced:
            raise InputError("X", f"{n} observations are too few for even one split with {self!r}")

    def _splits(self, n: int, times: pd.DatetimeIndex | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        raise NotImplementedError


# --------------------------------------------------------------------------------------------------
# walk-forward


class WalkForward(_Splitter):
    """Rolling or expanding walk-forward splits: train on the past, test on the next window.

    Parameters
    ----------
    train_size : int or offset
        Training window length: observations (int), or a time span (``"365D"``) on a DatetimeIndex.
        With ``expanding=True`` it is the minimum (first) training length and the window then grows
        from the first observation.
    test_size : int or offset
        Test window length (observations or time span). Every test window is complete: a trailing
        partial window is dropped (for offsets, a window counts as complete when its end is no later
        than one median sampling interval after the last timestamp).
    step : int or offset, default ``test_size``
        Distance between consecutive test starts; ``step < test_size`` gives overlapping test windows.
    expanding : bool
        Grow the training window from the start of the sample instead of rolling it.
    purge, embargo : int or offset
        See the module docstring. The training window ends where the purge begins, so it still holds
        ``train_size`` observations (int) or spans ``train_size`` (offset) — the purged gap is extra.

    Integer sizes: test windows start at positions ``s_k = s_0 + k*step``, ``s_0`` the first position
    whose purged training window of ``train_size`` fits in the sample. Offset sizes: test windows are
    ``[T_k, T_k + test_size)`` with ``T_0 = t_0 + train_size`` and ``T_{k+1} = T_k + step`` (calendar
    arithmetic, so ``"3MS"`` snaps to month starts), where ``T_0 = t_0 + train_size`` moved later by the
    purge (an offset, or that many observations); a window is skipped when its training span would
    begin before the first timestamp or when it holds no observation. ``size``/``step`` must be all
    ints or all offsets.
    """

    def __init__(self, *, train_size: Size, test_size: Size, step: Size = None, expanding: bool = False,
                 purge: Size = 0, embargo: Size = 0):
        self.train_size = train_size
        self.test_size = test_size
        self.step = step
        self.expanding = expanding
        self.purge = purge
        self.embargo = embargo

    def _sizes(self) -> tuple[Any, Any, Any]:
        train = _check_size(self.train_size, "train_size", minimum=1)
        test = _check_size(self.test_size, "test_size", minimum=1)
        step = test if self.step is None else _check_size(self.step, "step", minimum=1)
        kinds = {isinstance(v, int) for v in (train, test, step)}
        if len(kinds) != 1:
            raise InputError("train_size, test_size, step", "must be all integers or all time offsets, not a mix")
        if not isinstance(self.expanding, (bool, np.bool_)):
            raise InputError("expanding", f"must be True or False, got {self.expanding!r}")
        return train, test, step

    def _splits(self, n, times):
        train_size, test_size, step = self._sizes()
        purge, embargo = self._common()
        if isinstance(train_size, int):
            yield from self._int_splits(n, times, train_size, test_size, step, purge, embargo)
        else:
            yield from self._offset_splits(n, _need_times(times, "train_size", self.train_size),
                                           train_size, test_size, step, purge, embargo)

    def _train(self, n, times, a, b, lo, purge, embargo):
        # the rows of [lo, a) outside the purge before [a, b) (the embargo lies after it): one contiguous range, made
        # in O(train) rather than as the O(n) complement of the test block (87 s for 20,000 splits of 1e6 rows)
        return np.arange(lo, max(lo, _purge_start(a, purge, times)), dtype=np.int64)

    def _int_splits(self, n, times, train_size, test_size, step, purge, embargo):
        # train end (exclusive) for a test start a is where the purge begins
        if isinstance(purge, int):
            a = train_size + purge
        else:  # first test start whose purge boundary leaves train_size observations before it
            t = _need_times(times, "purge", self.purge)
            ends = t.searchsorted(t - purge, side="left")
            ok = np.flatnonzero(ends >= train_size)
            a = int(ok[0]) if ok.size else n
        while a + test_size <= n:
            end = _purge_start(a, purge, times)
            lo = 0 if self.expanding else end - train_size
            yield self._train(n, times, a, a + test_size, lo, purge, embargo), np.arange(a, a + test_size, dtype=np.int64)
            a += step

    def _offset_splits(self, n, times, train_size, test_size, step, purge, embargo):
        t0, t_last = times[0], times[-1]
        spacing = pd.Series(times).diff().median() if n > 1 else pd.Timedelta(0)
        start = t0 + train_size  # first test start leaving a full training span before the purge
        if isinstance(purge, int):
            a0 = int(times.searchsorted(start, side="left")) + purge
            start = times[a0] if a0 < n else t_last + spacing + pd.Timedelta(1, "ns")
        else:
            start = start + purge
        while start <= t_last:
            stop = start + test_size
            if stop > t_last + spacing:
                break
            a = int(times.searchsorted(start, side="left"))
            b = int(times.searchsorted(stop, side="left"))
            if b > a:
                end = _purge_start(a, purge, times)
                boundary = times[end] if isinstance(purge, int) else times[a] - purge
                if boundary - train_size >= t0:
                    lo = 0 if self.expanding else int(times.searchsorted(boundary - train_size, side="left"))
                    train = self._train(n, times, a, b, lo, purge, embargo)
                    if train.size:
                        yield train, np.arange(a, b, dtype=np.int64)
            start = start + step


# --------------------------------------------------------------------------------------------------
# calendar windows


class CalendarWindows(_Splitter):
    """Anchored calendar test windows, everything earlier as training data.

    Each calendar period of ``freq`` (``"YE"`` years, ``"QE"`` quarters, ``"ME"`` months, or any
    pandas frequency ``resample`` accepts) that intersects ``[start, end]`` is one test window; the
    training set is every earlier observation minus the purge. ``start``/``end`` slice like
    ``Series.loc[start:end]`` (inclusive, partial strings allowed), so ``start="2021", end="2025"``
    tests each calendar year 2021–2025 in turn, and test windows are trimmed to that range. Periods
    at the edges of the sample may be partial. A window is skipped when fewer than ``min_train``
    training observations precede it. ``min_train=0`` keeps every window, yielding an empty int64 train
    array where nothing precedes it: for a rule with nothing to fit (zero parameters), so the splitter
    only defines the out-of-sample calendar periods. Requires a DatetimeIndex on ``X``.
    """

    def __init__(self, *, freq: str = "YE", start: Any = None, end: Any = None, purge: Size = 0, embargo: Size = 0,
                 min_train: int = 1):
        self.freq = freq
        self.start = start
        self.end = end
        self.purge = purge
        self.embargo = embargo
        self.min_train = min_train

    def _splits(self, n, times):
        if times is None:
            raise InputError("X", "CalendarWindows needs a DataFrame/Series with a DatetimeIndex (or PeriodIndex)")
        try:
            to_offset(self.freq)
        except (TypeError, ValueError):
            raise InputError("freq", f"is not a pandas frequency, got {self.freq!r}") from None
        purge, embargo = self._common()
        min_train = check_int(self.min_train, "min_train", minimum=0)
        pos = pd.Series(np.arange(n, dtype=np.int64), index=times)
        try:
            eligible = pos.loc[self.start : self.end]
        except (TypeError, ValueError, KeyError) as exc:
            raise InputError("start, end", f"could not slice the DatetimeIndex: {exc}") from None
        if eligible.empty:
            raise InputError("start, end", f"select no observations between {times[0]} and {times[-1]}")
        for _, idx in eligible.groupby(pd.Grouper(freq=self.freq)).indices.items():
            test = eligible.to_numpy()[np.sort(np.asarray(idx))]
            if test.size == 0:
                continue
            train = _train_complement(n, test, purge, embargo, times)
            train = train[train < test[0]]
            if train.size >= min_train:
                yield train, test


# --------------------------------------------------------------------------------------------------
# purged k-fold and combinatorial purged CV


class PurgedKFold(_Splitter):
    """K contiguous folds (no shuffling); train on all other folds after purge and embargo.

    López de Prado (2018), *Advances in Financial Machine Learning*, sec. 7.4 (purged K-fold CV).
    Fold sizes follow ``numpy.array_split`` (the first ``n % n_splits`` folds get one extra row).
    """

    def __init__(self, *, n_splits: int = 5, purge: Size = 0, embargo: Size = 0):
        self.n_splits = n_splits
        self.purge = purge
        self.embargo = embargo

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return check_int(self.n_splits, "n_splits", minimum=2)

    def _splits(self, n, times):
        k = check_int(self.n_splits, "n_splits", minimum=2)
        purge, embargo = self._common()
        if k > n:
            raise InputError("n_splits", f"= {k} exceeds the number of observations ({n})")
        for test in np.array_split(np.arange(n, dtype=np.int64), k):
            train = _train_complement(n, test, purge, embargo, times)
            if train.size == 0:
                raise InputError("purge, embargo", f"leave no training data for the fold {test[0]}..{test[-1]}")
            yield train, test


class CombinatorialPurgedCV(_Splitter):
    """Combinatorial purged cross-validation (CPCV), López de Prado (2018), ch. 12.

    The sample is cut into ``n_groups`` = N contiguous groups (``numpy.array_split``); every choice of
    ``n_test_groups`` = k of them is a test set, the rest (purged and embargoed around every test
    block) is the training set. Splits come in ``itertools.combinations`` order, so there are
    ``C(N, k)`` of them and each group is tested in ``C(N-1, k-1)`` splits.

    Backtest paths (sec. 12.4, eq. for φ[N, k]): the test predictions recombine into

        n_paths = k / N · C(N, k) = C(N-1, k-1)

    complete out-of-sample paths, each covering every observation exactly once. :meth:`paths`
    returns an ``(n_paths, N)`` array whose row ``p`` gives, for every group ``g``, the split whose
    test predictions path ``p`` uses on group ``g`` (the ``p``-th split, in order, that tests ``g``).
    :meth:`group_indices` gives each group's positions for a given ``X``.
    """

    def __init__(self, *, n_groups: int = 6, n_test_groups: int = 2, purge: Size = 0, embargo: Size = 0):
        self.n_groups = n_groups
        self.n_test_groups = n_test_groups
        self.purge = purge
        self.embargo = embargo

    def _nk(self) -> tuple[int, int]:
        n_groups = check_int(self.n_groups, "n_groups", minimum=2)
        k = check_int(self.n_test_groups, "n_test_groups", minimum=1)
        if k >= n_groups:
            raise InputError("n_test_groups", f"must be smaller than n_groups ({n_groups}), got {k}")
        return n_groups, k

    def _combinations(self) -> list[tuple[int, ...]]:
        n_groups, k = self._nk()
        return list(itertools.combinations(range(n_groups), k))

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        n_groups, k = self._nk()
        return math.comb(n_groups, k)

    @property
    def n_paths(self) -> int:
        """Number of backtest paths, k/N·C(N,k) = C(N−1, k−1) (López de Prado 2018, sec. 12.4)."""
        n_groups, k = self._nk()
        return math.comb(n_groups - 1, k - 1)

    def paths(self) -> np.ndarray:
        """``(n_paths, n_groups)`` int64 array: split index used for each group on each path."""
        n_groups, _ = self._nk()
        combos = self._combinations()
        out = np.empty((self.n_paths, n_groups), dtype=np.int64)
        for g in range(n_groups):
            out[:, g] = [s for s, c in enumerate(combos) if g in c]
        return out

    def group_indices(self, X) -> list[np.ndarray]:
        """Positions of each of the N contiguous groups of ``X``."""
        return self._groups(_n_obs(X))

    def _groups(self, n: int) -> list[np.ndarray]:
        n_groups, _ = self._nk()
        if n_groups > n:
            raise InputError("n_groups", f"= {n_groups} exceeds the number of observations ({n})")
        return np.array_split(np.arange(n, dtype=np.int64), n_groups)

    def _splits(self, n, times):
        purge, embargo = self._common()
        groups = self._groups(n)
        n_groups, k = self._nk()
        for combo in itertools.combinations(range(n_groups), k):
            test = np.concatenate([groups[g] for g in combo])
            train = _train_complement(n, test, purge, embargo, times)
            if train.size == 0:
                raise InputError("purge, embargo", f"leave no training data when testing groups {combo}")
            yield train, test
