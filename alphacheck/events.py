"""Event studies and event-driven trades.

* :func:`event_study` — cumulative (abnormal) returns after events over several horizons, tested with the
  event-clustered t, a bootstrap over events, and the naive pooled t for comparison.
* :func:`event_trades` — trade returns of "enter at the close of the event bar, exit ``hold`` bars later",
  with round-trip costs, one-position-at-a-time, gap handling and an equal-weight basket mode.

Timing convention (both functions): an event at bar t is known at the *close* of bar t; the position or
the cumulative return starts there, so the first return that counts is the one of bar t+1, and an
h-bar window covers bars t+1 ... t+h. Missing bars are never bridged: a window with a missing return (or a
price path with a missing bar), or one that runs past the end of the data, is excluded and counted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck._inputs import (
    PLAUSIBLE_COLUMNS,
    InputError,
    as_panel,
    check_alternative,
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_plausible,
    check_reps,
)
from alphacheck._pvalues import pvalue_from_law
from alphacheck._results import Result, frame_table, text_table

__all__ = ["EventStudyResult", "event_study", "event_trades"]


@dataclasses.dataclass(frozen=True)
class EventStudyResult(Result):
    """Cumulative returns after events.

    Attributes
    ----------
    table : DataFrame indexed by horizon with
        ``mean_car`` — mean over events of each event's average CAR across its assets (event-weighted);
        ``t``, ``pvalue`` — event-clustered t (one observation per event) and its t(n_events - 1) p-value;
        ``boot_pvalue`` — studentised iid bootstrap over events (NaN with fewer than 10 events);
        ``naive_t``, ``naive_pvalue`` — pooled t over all (event, asset) observations, as if independent;
        ``pooled_mean`` — mean over all observations; ``win_rate`` — share of observations > 0;
        ``event_win_rate`` — share of events whose average is > 0; ``n_events``, ``n_obs``;
        ``n_excluded`` — (event, asset) windows dropped (missing return or past the end of the data);
        ``n_overlapping`` — consecutive events closer than h bars (their windows share returns).
    per_event : long DataFrame (event, asset, horizon, car, benchmark_car, abnormal) with the valid windows;
        ``abnormal`` = car - benchmark_car, equal to ``car`` when no benchmark was given.
    tested : "abnormal" (benchmark given) or "raw" cumulative returns.
    """

    table: pd.DataFrame
    per_event: pd.DataFrame
    horizons: tuple
    tested: str
    alternative: str
    n_events_input: int
    reps: int

    def summary(self) -> str:
        head = text_table(
            [
                ("events given", self.n_events_input),
                ("tested", f"{self.tested} cumulative return, H0: mean = 0, H1: {self.alternative}"),
                ("t", "event-clustered: one observation per event (mean over its assets)"),
                ("boot_pvalue", f"studentised iid bootstrap over events, {self.reps:,} replicates (n/a below 10 "
                                "events)"),
                ("naive_t", "pooled over (event, asset) pairs, ignores cross-correlation"),
            ],
            title="Event study",
        )
        return head + "\n" + frame_table(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


# --------------------------------------------------------------------------------------------------
# input handling


def _mask_times(times: Any, index: pd.Index, name: str) -> Any:
    """A boolean mask (a Series on the data's index, or an array of its length) -> the times where it is True."""
    if isinstance(times, pd.Series) and pd.api.types.is_bool_dtype(times):
        if not times.index.equals(index):
            raise InputError(name, "is a boolean mask on another index: align it with the data's index first")
        return index[times.to_numpy()]
    if isinstance(times, np.ndarray) and times.dtype == bool:
        if times.shape != (len(index),):
            raise InputError(name, f"is a boolean mask of shape {times.shape}; it needs one value per row "
                                   f"({len(index)})")
        return index[times]
    return times


def _missing_times_text(missing: pd.Index, index: pd.Index) -> str:
    """Why times are not found: a time-zone mismatch is named (tz-aware times never equal naive ones)."""
    if not (isinstance(missing, pd.DatetimeIndex) and isinstance(index, pd.DatetimeIndex)):
        return ""
    tz_t, tz_i = missing.tz, index.tz
    if (tz_t is None) == (tz_i is None):
        return ""
    return (f"; the times are {'naive' if tz_t is None else f'in {tz_t}'} and the index is "
            f"{'naive' if tz_i is None else f'in {tz_i}'}: convert one (tz_localize / tz_convert)")


def _event_pairs(events: Any, frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Row positions and column positions of (time, asset) events; a bare list of times means all assets."""
    cols = frame.columns
    if isinstance(events, pd.DataFrame):
        if events.shape[1] != 2:
            raise InputError(name, f"a DataFrame of events needs two columns (time, asset), got {events.shape[1]}")
        times, assets = events.iloc[:, 0].to_numpy(), events.iloc[:, 1].to_numpy()
    elif isinstance(events, Mapping):
        times_l, assets_l = [], []
        for asset, ts in events.items():
            ts = [ts] if np.isscalar(ts) or isinstance(ts, pd.Timestamp) else list(ts)
            times_l += ts
            assets_l += [asset] * len(ts)
        times, assets = np.asarray(times_l, dtype=object), np.asarray(assets_l, dtype=object)
    else:
        if events is None or np.isscalar(events):
            raise InputError(name, "must be a list/DatetimeIndex of event times, a (time, asset) DataFrame or a mapping")
        t_unique = pd.Index(_mask_times(events, frame.index, name)).unique()
        times = np.repeat(np.asarray(t_unique, dtype=object), len(cols))
        assets = np.tile(np.asarray(cols, dtype=object), len(t_unique))
    if len(times) == 0:
        raise InputError(name, "is empty")
    rows = frame.index.get_indexer(pd.Index(times))
    if (rows < 0).any():
        missing = pd.Index(times)[rows < 0].unique()  # a time shared by several assets counts once
        raise InputError(name, f"{len(missing)} event time(s) are not in the data's index (first: {missing[0]!r})"
                               + _missing_times_text(missing, frame.index))
    cpos = cols.get_indexer(pd.Index(assets))
    if (cpos < 0).any():
        bad = pd.Index(assets)[cpos < 0][0]
        raise InputError(name, f"{int((cpos < 0).sum())} event asset(s) are not columns of the data (first: {bad!r})")
    pairs = pd.DataFrame({"r": rows, "c": cpos}).drop_duplicates().sort_values(["r", "c"])
    return pairs["r"].to_numpy(), pairs["c"].to_numpy()


def _horizons(horizons: Any) -> list[int]:
    if isinstance(horizons, (int, np.integer)):
        horizons = [horizons]
    hs = [check_int(h, "horizons", minimum=1) for h in horizons]
    if not hs or len(set(hs)) != len(hs):
        raise InputError("horizons", f"must be distinct positive integers, got {list(horizons)}")
    return sorted(hs)


def _window_growth(values: np.ndarray, rows: np.ndarray, cols: np.ndarray, horizons: list[int]) -> dict[int, np.ndarray]:
    """Compound return over bars rows+1 .. rows+h for each pair; NaN if a bar is missing or past the end."""
    n = values.shape[0]
    growth = np.ones(rows.shape[0])
    out = {}
    for k in range(1, max(horizons) + 1):  # one gather per step: O(max h x pairs)
        pos = rows + k
        inside = pos < n
        step = np.full(rows.shape[0], np.nan)
        step[inside] = values[pos[inside], cols[inside]]
        growth = growth * (1.0 + step)
        if k in horizons:
            out[k] = growth - 1.0
    return out


def _t_p(t: float, df: float, alternative: str) -> float:
    if not np.isfinite(t):
        return float("nan")
    return float(pvalue_from_law(t, alternative=alternative, law="t", df=df))


def _mean_t(x: np.ndarray, scale: float) -> float:
    """One-sample t of the mean against 0; NaN when the spread is nil relative to the data's ``scale``
    (e.g. abnormal returns against a benchmark that is the same assets' average: rounding noise only)."""
    if x.size < 2:
        return float("nan")
    sd = x.std(ddof=1)
    return float(x.mean() / (sd / math.sqrt(x.size))) if sd > 1e-9 * scale else float("nan")


# --------------------------------------------------------------------------------------------------
# event study


def event_study(
    returns_panel: ArrayLike,
    events: Any,
    benchmark: Any = None,
    *,
    horizons: Sequence[int] = (1, 4, 12, 24, 48),
    reps: int = 9_999,
    seed: Any = None,
    cluster: Literal["event", "none"] = "event",
    alternative: Literal["two-sided", "greater", "less"] = "two-sided",
    check_returns: bool = True,
) -> EventStudyResult:
    """Cumulative (abnormal) returns after events, and whether their mean is zero.

    Parameters
    ----------
    returns_panel : time x asset DataFrame of per-period simple returns (a Series = one asset). NaN = missing.
    events : a list/DatetimeIndex of event bars (the same events for every asset), a two-column DataFrame
        of (time, asset) pairs, or a mapping asset -> event times. Times must be labels of the index.
    horizons : windows h in bars; the CAR of an event at bar t is prod_{k=1..h} (1 + r_{t+k}) - 1
        (compounded from the close of the event bar, MacKinlay 1997, J. Econ. Lit. 35(1), with
        buy-and-hold compounding). Windows with a missing return or past the end are excluded and counted.
    benchmark : optional Series of per-period benchmark returns (e.g. BTC) on the same index; the tested
        quantity is then the abnormal return CAR_asset - CAR_benchmark over the same window (market-adjusted
        model, beta = 1; Brown & Warner 1985).
    reps, seed : bootstrap replicates over events.
    cluster : "event" (default) puts the event-clustered test in ``t``/``pvalue``; "none" puts the pooled one
        there (both are always in the table).
    alternative : "two-sided", "greater" or "less".
    check_returns : refuse a panel column (the first 50) or a benchmark that looks like prices, levels, percent or
        positions (compounding a price as a return overflows into meaningless CARs).

    Inference
    ---------
    Assets reacting to the same event are cross-correlated, so an event with 30 assets is not 30 independent
    draws: the pooled t over (event, asset) pairs overstates significance (Kolari & Pynnönen 2010, RFS 23(11),
    on event-induced cross-correlation). The primary test therefore averages each event's CARs across its
    assets and treats each event as ONE observation: t = mean / (sd / sqrt(n_events)) against t(n_events - 1)
    (a cross-sectional/portfolio t, Brown & Warner 1985, J. Fin. Econ. 14). The bootstrap resamples events iid
    (studentised, :func:`alphacheck.significance.mean_test`, ``bootstrap="iid"``), which assumes the events'
    windows do not overlap — merge events closer than h bars beforehand; ``n_overlapping`` counts the
    consecutive event pairs closer than h bars.

    Returns
    -------
    EventStudyResult

    References
    ----------
    MacKinlay (1997), J. Econ. Lit. 35(1); Brown & Warner (1985), J. Fin. Econ. 14; Kolari & Pynnönen (2010),
    Rev. Fin. Stud. 23(11).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.date_range("2024-01-01", periods=200, freq="h")
    >>> panel = pd.DataFrame(np.random.default_rng(0).normal(0, 0.01, (200, 3)), index=idx, columns=list("abc"))
    >>> res = event_study(panel, idx[[10, 60, 110, 160]], horizons=[1, 4], reps=99, seed=0)
    >>> list(res.table.index)
    [1, 4]
    """
    alternative = check_alternative(alternative)
    reps = check_reps(reps)
    cluster = check_choice(cluster, "cluster", ("event", "none"))
    frame = as_panel(returns_panel, "returns_panel", min_rows=2)
    if np.nanmin(frame.to_numpy(), initial=0.0) < -1.0:
        raise InputError("returns_panel", "has simple returns below -100%; pass simple returns, not prices or logs")
    plausible = check_bool(check_returns, "check_returns")
    if plausible:
        for col in list(frame.columns)[:PLAUSIBLE_COLUMNS]:
            v = frame[col].to_numpy(dtype=np.float64, na_value=np.nan)
            ok = np.isfinite(v)
            if ok.sum() >= 3:
                check_plausible(v[ok], frame.index[ok], f"returns_panel[{col!r}]")
    hs = _horizons(horizons)
    rows, cols = _event_pairs(events, frame, "events")
    values = frame.to_numpy()
    car = _window_growth(values, rows, cols, hs)
    bench_car = None
    if benchmark is not None:
        if not isinstance(benchmark, pd.Series):
            raise InputError("benchmark", f"must be a pandas Series of per-period returns, got {type(benchmark).__name__}")
        if benchmark.index.has_duplicates:
            raise InputError("benchmark", "index has duplicated labels")
        b = benchmark.reindex(frame.index).to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(b).any():
            raise InputError("benchmark", "contains inf")
        if np.isfinite(b).sum() < 0.5 * len(frame):
            raise InputError("benchmark", "covers less than half of returns_panel's index; check the dates")
        if plausible:
            check_plausible(b[np.isfinite(b)], frame.index[np.isfinite(b)], "benchmark")
        bench_car = _window_growth(b[:, None], rows, np.zeros_like(rows), hs)
    from alphacheck.significance import _mean_test  # local: significance is a sibling module with heavier deps

    event_ids = np.unique(rows)
    pos_sorted = np.sort(event_ids)
    table_rows, long_parts = [], []
    for h in hs:
        c = car[h]
        bc = bench_car[h] if bench_car is not None else np.zeros_like(c)
        ab = c - bc
        ok = np.isfinite(ab)
        obs = ab[ok]
        ev = rows[ok]
        per_event = pd.Series(obs).groupby(ev).mean()
        m = per_event.to_numpy()
        n_ev, n_obs = m.size, obs.size
        if n_ev < 2:  # no spread across events: every t and p would be NaN
            if event_ids.size < 2:
                raise InputError("events", f"needs at least 2 events, got {event_ids.size}: the test compares the "
                                           "spread of CARs across events")
            raise InputError("horizons", f"{h} bars leaves {n_ev} of {event_ids.size} events with a complete window "
                                         "(the data end, or returns are missing, before the others close); use "
                                         "shorter horizons")
        scale = float(np.abs(c[ok]).max()) if n_obs else 0.0
        t_c, t_n = _mean_t(m, scale), _mean_t(obs, scale)
        p_c, p_n = _t_p(t_c, n_ev - 1, alternative), _t_p(t_n, n_obs - 1, alternative)
        boot = float("nan")
        if n_ev >= 10 and np.isfinite(t_c):
            boot = _mean_test(m, alternative=alternative, method="bootstrap", bootstrap="iid", reps=reps, seed=seed).pvalue
        t_main, p_main = (t_c, p_c) if cluster == "event" else (t_n, p_n)
        table_rows.append({
            "horizon": h,
            "mean_car": float(m.mean()) if n_ev else float("nan"),
            "t": t_main,
            "pvalue": p_main,
            "boot_pvalue": boot,
            "cluster_t": t_c,
            "cluster_pvalue": p_c,
            "naive_t": t_n,
            "naive_pvalue": p_n,
            "pooled_mean": float(obs.mean()) if n_obs else float("nan"),
            "win_rate": float((obs > 0).mean()) if n_obs else float("nan"),
            "event_win_rate": float((m > 0).mean()) if n_ev else float("nan"),
            "n_events": int(n_ev),
            "n_obs": int(n_obs),
            "n_excluded": int((~ok).sum()),
            "n_overlapping": int((np.diff(pos_sorted) < h).sum()),
        })
        long_parts.append(pd.DataFrame({
            "event": frame.index[rows[ok]],
            "asset": frame.columns[cols[ok]],
            "horizon": h,
            "car": c[ok],
            "benchmark_car": bc[ok] if bench_car is not None else np.nan,
            "abnormal": ab[ok],
        }))
    table = pd.DataFrame(table_rows).set_index("horizon")
    long = pd.concat(long_parts, ignore_index=True)
    return EventStudyResult(
        table=table,
        per_event=long,
        horizons=tuple(hs),
        tested="abnormal" if bench_car is not None else "raw",
        alternative=alternative,
        n_events_input=int(event_ids.size),
        reps=reps,
    )


# --------------------------------------------------------------------------------------------------
# trades


def _entry_positions(entries: Any, index: pd.Index) -> np.ndarray:
    if entries is None or np.isscalar(entries):
        raise InputError("entries", "must be a list/DatetimeIndex of entry times")
    idx = pd.Index(_mask_times(entries, index, "entries")).unique()
    rows = index.get_indexer(idx)
    if (rows < 0).any():
        raise InputError("entries", f"{int((rows < 0).sum())} entry time(s) are not in prices' index "
                                  f"(first: {idx[rows < 0][0]!r})" + _missing_times_text(idx[rows < 0], index))
    return np.sort(rows)


def _schedule(rows: np.ndarray, hold: int, n: int, overlap: str,
              trade: Callable[[int, int], Any]) -> tuple[list, dict]:
    """Walk entry rows in time order under the position rule; ``trade(r, x)`` returns the trade's payload,
    or None when its price path has a gap. Returns [(entry_row, exit_row, payload)] and the drop counts
    (checked in this order: exit past the end, overlap with the open position, gap)."""
    kept, counts = [], {"skipped_overlap": 0, "dropped_end": 0, "dropped_gap": 0}
    free_from = -1  # first row at which a new position may open (the previous exit bar)
    for r in rows:
        x = r + hold
        if x >= n:
            counts["dropped_end"] += 1
            continue
        if overlap == "skip" and r < free_from:
            counts["skipped_overlap"] += 1
            continue
        payload = trade(r, x)
        if payload is None:
            counts["dropped_gap"] += 1
            continue
        kept.append((r, x, payload))
        free_from = x
    return kept, counts


def _single_path_return(p: np.ndarray) -> Callable[[int, int], float | None]:
    """Simple return of one price path; None when any bar from entry to exit is missing."""
    return lambda r, x: (p[x] / p[r] - 1.0) if np.isfinite(p[r : x + 1]).all() else None


def _basket_return(values: np.ndarray) -> Callable[[int, int], tuple[float, int] | None]:
    """Equal-weight return over the assets priced at entry and exit, and how many they are."""
    def trade(r: int, x: int):
        ok = np.isfinite(values[r]) & np.isfinite(values[x])
        return (float(np.mean(values[x, ok] / values[r, ok] - 1.0)), int(ok.sum())) if ok.any() else None
    return trade


def event_trades(
    prices: ArrayLike,
    entries: Any,
    *,
    hold: int,
    cost_bps: float = 0.0,
    overlap: Literal["skip", "allow"] = "skip",
    direction: Literal[1, -1] = 1,
    weights: Literal["equal"] | None = None,
) -> pd.DataFrame:
    """Returns of trades that enter at the close of each entry bar and exit ``hold`` bars later.

    Parameters
    ----------
    prices : Series of prices (one asset) or time x asset DataFrame. NaN = missing bar.
    entries : entry times (labels of the index), or a boolean mask on the index (True at an entry). For a panel
        without ``weights`` the same times apply to every asset; a (time, asset) DataFrame or mapping asset ->
        times selects assets per entry.
    hold : bars between entry and exit (exit at the close of bar entry + hold).
    cost_bps : ROUND-TRIP cost in basis points, subtracted once from the simple return:
        ``net = gross - cost_bps / 1e4`` (entry and exit costs together; no compounding of costs).
    overlap : "skip" — one position at a time (per asset; per basket with ``weights``): an entry before
        the previous trade's exit bar is skipped and counted (entering at the exit bar is allowed);
        "allow" — every entry is a trade.
    direction : +1 long, -1 short; gross = direction * (P_exit / P_entry - 1) (a short's simple return).
    weights : None (one trade per asset) or "equal" — a basket per entry time, equally weighted over the
        assets that have a price at entry AND at exit (other assets are left out of that trade).

    Trades whose exit is past the end of the data, or (single assets) whose price path has a missing bar
    between entry and exit, are dropped and counted — gaps are never bridged (the past-the-end check comes
    first, then the overlap check, then the gap check). Duplicate entries collapse.

    Returns
    -------
    DataFrame with entry_time, exit_time, gross_return, net_return (plus ``asset``, or ``n_assets`` for a
    basket), sorted by entry time. Counts are in ``.attrs``: ``n_entries``, ``n_skipped_overlap``,
    ``n_dropped_end``, ``n_dropped_gap``, ``cost_bps``.

    References
    ----------
    The timing convention (known at the close, first return the next bar) avoids the look-ahead bias of
    Bailey, Borwein, López de Prado & Zhu (2014), "Pseudo-mathematics and financial charlatanism", sec. 5.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.Series([100.0, 101, 103, 102, 105], index=pd.date_range("2024-01-01", periods=5, freq="D"))
    >>> event_trades(p, [p.index[0], p.index[2]], hold=2, cost_bps=10)["net_return"].round(4).tolist()
    [0.029, 0.0184]
    """
    hold = check_int(hold, "hold", minimum=1)
    cost = check_number(cost_bps, "cost_bps", minimum=0)
    overlap = check_choice(overlap, "overlap", ("skip", "allow"))
    direction = check_choice(direction, "direction", (1, -1))
    weights = check_choice(weights, "weights", (None, "equal"))
    single = isinstance(prices, pd.Series)
    frame = as_panel(prices, "prices", min_rows=2)
    if (frame.to_numpy()[np.isfinite(frame.to_numpy())] <= 0).any():
        raise InputError("prices", "must be positive prices (got values <= 0); pass prices, not returns")
    values = frame.to_numpy()
    counts = {"skipped_overlap": 0, "dropped_end": 0, "dropped_gap": 0}
    records = []
    if weights == "equal":
        rows = _entry_positions(entries, frame.index)
        kept, counts = _schedule(rows, hold, values.shape[0], overlap, _basket_return(values))
        records = [{"entry_time": frame.index[r], "exit_time": frame.index[x], "n_assets": k,
                    "gross_return": direction * g} for r, x, (g, k) in kept]
        n_entries = int(rows.size)
    else:
        if single or not isinstance(entries, (pd.DataFrame, Mapping)):
            per_asset = {c: _entry_positions(entries, frame.index) for c in range(frame.shape[1])}
        else:
            r_all, c_all = _event_pairs(entries, frame, "entries")
            per_asset = {c: np.sort(r_all[c_all == c]) for c in np.unique(c_all)}
        n_entries = int(sum(v.size for v in per_asset.values()))
        for c, rows in per_asset.items():
            kept, cnt = _schedule(rows, hold, values.shape[0], overlap, _single_path_return(values[:, c]))
            for k in counts:
                counts[k] += cnt[k]
            for r, x, g in kept:
                rec = {"entry_time": frame.index[r], "exit_time": frame.index[x], "gross_return": direction * g}
                if not single:
                    rec = {"asset": frame.columns[c], **rec}
                records.append(rec)
    cols = (["entry_time", "exit_time"] + (["asset"] if (not single and weights is None) else [])
            + (["n_assets"] if weights == "equal" else []) + ["gross_return"])
    out = pd.DataFrame(records, columns=cols)
    out["net_return"] = out["gross_return"] - cost / 1e4
    out = out.sort_values(["entry_time"] + (["asset"] if "asset" in out else []), kind="stable").reset_index(drop=True)
    out.attrs.update({"n_entries": n_entries, "n_skipped_overlap": counts["skipped_overlap"],
                      "n_dropped_end": counts["dropped_end"], "n_dropped_gap": counts["dropped_gap"], "cost_bps": cost})
    return out
