"""Command line: ``alphacheck audit returns.csv --benchmark bench.csv --trials 72 --out report/``.

CSV inputs have either a date column (a column named date/time/timestamp/datetime, or a first
column whose text parses as dates) or none (plain rows, matched by position). A returns file with
several numeric columns needs ``--column NAME``. Bad input ends with exit code 2 and a one-line
``alphacheck: error: ...`` message on stderr (no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from alphacheck._inputs import InputError

__all__ = ["main"]

DATE_NAMES = ("date", "datetime", "time", "timestamp")


class CLIError(Exception):
    """A user-facing input problem; its message is printed as the one-line error."""


def _date_column(df: pd.DataFrame) -> str | None:
    for c in df.columns:
        if str(c).strip().lower() in DATE_NAMES:
            return c
    first = df.columns[0]
    col = df[first]
    if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
        try:
            pd.to_datetime(col, utc=False, format="mixed")
        except (ValueError, TypeError):
            return None
        return first
    return None


def read_table(path: str | Path, role: str) -> pd.DataFrame:
    """Read a CSV into a numeric DataFrame indexed by dates when it has a date column."""
    p = Path(path)
    if not p.is_file():
        raise CLIError(f"{role} file not found: {p}")
    try:
        df = pd.read_csv(p)
    except pd.errors.EmptyDataError:
        raise CLIError(f"{role} file {p} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CLIError(f"{role} file {p} is not a readable CSV ({str(exc).splitlines()[0]})") from None
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise CLIError(f"{role} file {p} has no data rows")
    dcol = _date_column(df)
    if dcol is not None:
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(df[dcol], format="mixed"), name="date")
        except (ValueError, TypeError) as exc:
            raise CLIError(f"{role} file {p}: column {dcol!r} has values that are not dates ({exc})") from None
        if idx.tz is not None:
            idx = idx.tz_convert("UTC").tz_localize(None)
        df = df.drop(columns=[dcol])
        df.index = idx
        if df.index.has_duplicates:
            raise CLIError(f"{role} file {p}: duplicated date {df.index[df.index.duplicated()][0]}")
        if not df.index.is_monotonic_increasing:
            df = df.sort_index()
    if df.shape[1] == 0:
        raise CLIError(f"{role} file {p} has a date column but no value column")
    for c in df.columns:
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            bad = pd.to_numeric(df[c], errors="coerce").isna() & df[c].notna()
            first = df[c][bad].iloc[0] if bad.any() else None
            raise CLIError(f"{role} file {p}: column {c!r} is not numeric (e.g. {first!r})")
    nan_rows = df.isna().any(axis=1)
    if nan_rows.any():
        where = df.index[nan_rows][0]
        raise CLIError(f"{role} file {p}: {int(nan_rows.sum())} row(s) with missing values (first at {where})")
    return df.astype(float)


def pick_column(df: pd.DataFrame, column: str | None, role: str, path: str, option: str) -> pd.Series:
    if column is not None:
        if column not in df.columns:
            raise CLIError(f"{role} file {path} has no column {column!r}; columns: {', '.join(map(str, df.columns))}")
        return df[column]
    if df.shape[1] > 1:
        raise CLIError(
            f"{role} file {path} has {df.shape[1]} numeric columns ({', '.join(map(str, df.columns))}); "
            f"choose one with {option} NAME"
        )
    return df.iloc[:, 0]


def _check_dates(a: pd.DataFrame | pd.Series, b: pd.DataFrame | pd.Series, what: str) -> None:
    da, db = isinstance(a.index, pd.DatetimeIndex), isinstance(b.index, pd.DatetimeIndex)
    if da != db:
        raise CLIError(f"returns and {what} must both have a date column or both have none")


def build_parser() -> argparse.ArgumentParser:
    from alphacheck import __version__

    parser = argparse.ArgumentParser(prog="alphacheck", description="Honest statistics for trading strategies.")
    parser.add_argument("--version", action="version", version=f"alphacheck {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("audit", help="audit a strategy's returns: alpha, or beta, luck and overfitting?")
    a.add_argument("returns", help="CSV of per-period or per-trade returns (optional date column)")
    a.add_argument("--column", help="returns column to audit when the CSV has several")
    a.add_argument("--benchmark", help="CSV of benchmark returns on the same dates/rows")
    a.add_argument("--benchmark-column", help="benchmark column when the CSV has several")
    a.add_argument("--controls", help="CSV of traded factor returns for the Jensen regression (all numeric columns)")
    a.add_argument("--states", help="CSV of state variables (volatility, funding, ...): centred in the regression")
    a.add_argument("--n-trials", type=int, default=1, help="number of strategy variants tried (default 1)")
    a.add_argument("--trials", help="CSV of the variants' returns (T rows x N columns) for PBO/DSR")
    a.add_argument("--periods-per-year", type=float,
                   help="observations per year, for per-trade returns trades per year (annualising only)")
    a.add_argument("--cost-bps", type=float, default=0.0, help="round-trip cost in bps")
    a.add_argument("--cost-per", choices=("trade", "observation"), default="trade",
                   help="what one cost is charged for: a trade (each row is one round trip; default) or an observation")
    a.add_argument("--no-check-returns", action="store_true",
                   help="turn off the check that the inputs are returns (not prices, percent or positions)")
    a.add_argument("--reps", type=int, default=9_999, help="bootstrap replicates (default 9999)")
    a.add_argument("--alpha-level", type=float, default=0.05, help="significance level (default 0.05)")
    a.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    a.add_argument("--out", required=True, help="directory for report.md, report.html and figures")
    return parser


def run_audit(args: argparse.Namespace) -> int:
    from alphacheck import audit

    rdf = read_table(args.returns, "returns")
    returns = pick_column(rdf, args.column, "returns", args.returns, "--column")
    bench = controls = states = trials = None
    if args.benchmark:
        bdf = read_table(args.benchmark, "benchmark")
        bench = pick_column(bdf, args.benchmark_column, "benchmark", args.benchmark, "--benchmark-column")
        _check_dates(returns, bench, "benchmark")
    if args.controls:
        controls = read_table(args.controls, "controls")
        _check_dates(returns, controls, "controls")
    if args.states:
        states = read_table(args.states, "states")
        _check_dates(returns, states, "states")
    if args.trials:
        trials = read_table(args.trials, "trials")
        _check_dates(returns, trials, "trials")
        if len(trials) != len(returns):
            raise CLIError(f"trials has {len(trials)} rows but returns has {len(returns)}; they must match")
    report = audit(
        returns, bench, controls, states, n_trials=args.n_trials, trials=trials,
        periods_per_year=args.periods_per_year, cost_bps=args.cost_bps, cost_per=args.cost_per, seed=args.seed,
        reps=args.reps, alpha_level=args.alpha_level, check_returns=not args.no_check_returns,
    )
    paths = report.save(args.out)
    print(f"verdict: {report.verdict}")
    for reason in report.reasons:
        print(f"  - {reason}")
    n_fig = sum(1 for k in paths if k not in ("markdown", "html"))
    print(f"report written to {paths['html']} and {paths['markdown']} ({n_fig} figures in {Path(args.out)})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "audit":
            return run_audit(args)
    except (CLIError, InputError) as exc:
        msg = " ".join(str(exc).split())
        print(f"alphacheck: error: {msg}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the output directory cannot be created
        print(f"alphacheck: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
