"""Command line: ``alphacheck audit returns.csv --benchmark bench.csv --trials grid.csv --out report/``.

Reading a CSV (every rule says what it did on stdout, or stops with one line):

* **Files**: ``.csv``, ``.txt``, or compressed ``.gz``, ``.bz2``, ``.xz``, ``.zip`` (one member); UTF-8 (a BOM is
  fine) or Latin-1. A directory, a missing or unreadable file and a damaged or truncated archive are each one
  line naming the file.
* **Delimiter and decimal mark** are sniffed from the first 200 lines: the delimiter is the one of
  ``, ; TAB |`` that splits every line into the same number (> 1) of fields; a decimal comma is recognised in
  ``;``/TAB/``|`` files (``0,0125``). When a comma could be either (one column of ``0,01``) the read stops and
  asks for ``--sep`` and ``--decimal``.
* **Header**: a first row whose fields are all numbers or dates is data, not a header (the columns are then
  called ``date`` and ``value``/``value2``...).
* **Dates**: a column named date/datetime/time/timestamp, or a first column of dates. ISO dates
  (``2021-03-05``) and dates with month names are read as such; numeric day/month dates (``05/03/2021``) are
  read day-first only when some row proves it (a first field > 12), month-first only when some row proves
  that, and otherwise stop with an error naming the first ambiguous row — ``--date-format`` (strftime codes,
  e.g. ``%d/%m/%Y``) gives the order. ``yyyymmdd`` integers and epoch seconds/milliseconds are read too.

Bad input of any kind ends with exit code 2 and one line ``alphacheck: error: ...`` on stderr (no traceback):
argument errors included.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import gzip
import io
import lzma
import re
import sys
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from alphacheck._inputs import InputError

__all__ = ["main", "read_table"]

DATE_NAMES = ("date", "datetime", "time", "timestamp")
SEPARATORS = (",", ";", "\t", "|")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_DMY = re.compile(r"^(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4}|\d{2})(?:([ T])(.+))?$")
_ISOISH = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_MONTH = re.compile(r"[A-Za-z]{3}")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")


class CLIError(Exception):
    """A user-facing input problem; its message is printed as the one-line error."""


class _Parser(argparse.ArgumentParser):
    """argparse, but an argument error is one line (no usage block) and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog.split()[0]}: error: {message} (see {self.prog} --help)\n")


# --------------------------------------------------------------------------------------------- reading
def _read_text(p: Path, role: str) -> str:
    """The file's text: directories, missing/unreadable files and damaged archives are one-line errors."""
    if not p.exists():
        raise CLIError(f"{role} file not found: {p}")
    if p.is_dir():
        raise CLIError(f"{role} file {p} is a directory, not a CSV file")
    try:
        raw = p.read_bytes()
    except PermissionError:
        raise CLIError(f"{role} file {p} cannot be read: permission denied") from None
    except OSError as exc:
        raise CLIError(f"{role} file {p} cannot be read: {exc.strerror or exc}") from None
    suffix = p.suffix.lower()
    try:
        if suffix == ".gz":
            raw = gzip.decompress(raw)
        elif suffix == ".bz2":
            raw = bz2.decompress(raw)
        elif suffix == ".xz":
            raw = lzma.decompress(raw)
        elif suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                names = [n for n in z.namelist() if not n.endswith("/")]
                if len(names) != 1:
                    raise CLIError(f"{role} file {p} is a zip with {len(names)} files; it must hold exactly one CSV")
                raw = z.read(names[0])
    except CLIError:
        raise
    except (EOFError, OSError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, ValueError) as exc:
        what = "ends early (truncated)" if isinstance(exc, EOFError) else f"is damaged ({exc})"
        raise CLIError(f"{role} file {p}: the {suffix[1:]} archive {what}") from None
    if b"\x00" in raw[:4096]:
        raise CLIError(f"{role} file {p} is not a text CSV (binary content)")
    for enc in ("utf-8-sig", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise CLIError(f"{role} file {p} is not a text CSV")  # pragma: no cover (latin-1 decodes anything)


def _fields(line: str, sep: str) -> list[str]:
    return [f.strip().strip('"').strip("'").strip() for f in line.split(sep)]


def _single_value(line: str) -> bool:
    return not any(sep in line for sep in SEPARATORS)


_COMMA_NUMBER = re.compile(r"\s*[+-]?\d+,\d+\s*")


def _sniff_sep(lines: list[str], role: str, p: Path) -> tuple[str, str | None]:
    """(delimiter, decimal mark if the sniffing settled it): the delimiter splits every sampled line into the
    same number (> 1) of fields; a ',' that could as well be a decimal comma is an error, not a guess."""
    if all(_single_value(line) for line in lines):
        return ",", None  # one column, no delimiter at all
    consistent = [sep for sep in SEPARATORS if len({line.count(sep) for line in lines}) == 1 and sep in lines[0]]
    if consistent == [","] and all(_COMMA_NUMBER.fullmatch(line) for line in lines):
        raise CLIError(f"{role} file {p}: ',' could be a column delimiter or a decimal comma (e.g. "
                       f"{lines[0].strip()!r}); pass --sep and --decimal (e.g. --sep ';' --decimal ',')")
    if consistent:
        non_comma = [sep for sep in consistent if sep != ","]
        return (non_comma[0] if non_comma else ","), None
    body = lines[1:]
    if body and _single_value(lines[0]) and all(_COMMA_NUMBER.fullmatch(line) for line in body):
        return ";", ","  # a one-field header over '0,01' rows: one column with decimal commas
    raise CLIError(f"{role} file {p}: cannot tell the column delimiter (the lines have different numbers of "
                   "commas, semicolons, tabs and pipes); pass --sep")


def _sniff_decimal(lines: list[str], sep: str, role: str, p: Path) -> str:
    if sep == ",":
        return "."
    fields = [f for line in lines for f in _fields(line, sep)]
    comma = sum(bool(re.fullmatch(r"[+-]?\d*,\d+", f)) for f in fields)
    dot = sum(bool(re.fullmatch(r"[+-]?\d*\.\d+([eE][+-]?\d+)?", f)) for f in fields)
    if comma and dot:
        raise CLIError(f"{role} file {p}: numbers use both ',' and '.' as decimal mark; pass --decimal")
    return "," if comma else "."


def _looks_like_date(f: str) -> bool:
    return bool(_DMY.match(f) or _ISOISH.match(f))


def _is_number(f: str, decimal: str) -> bool:
    f = f.replace(decimal, ".") if decimal != "." else f
    return bool(_NUMBER.match(f)) or f.lower() in ("nan", "inf", "-inf", "+inf")


def _is_data_row(fields: list[str], decimal: str) -> bool:
    """A row of numbers and dates (at least one number): data, not a header."""
    if not fields or any(f == "" for f in fields):
        return False
    kinds = [_is_number(f, decimal) or _looks_like_date(f) for f in fields]
    return all(kinds) and any(_is_number(f, decimal) for f in fields)


def _row_ref(i: int, value: object) -> str:
    return f"row {i + 1} ({value!r})"


def _parse_dates(col: pd.Series, date_format: str | None, where: str) -> tuple[pd.DatetimeIndex, str | None]:
    """Dates of one column; numeric day/month orders are never guessed. Returns (index, note)."""
    s = col.astype(str).str.strip()
    if date_format:
        parsed = pd.to_datetime(s, format=date_format, errors="coerce")
        if parsed.isna().any():
            i = int(np.flatnonzero(parsed.isna().to_numpy())[0])
            raise CLIError(f"{where}: {_row_ref(i, s.iloc[i])} does not match --date-format {date_format!r}")
        return pd.DatetimeIndex(parsed), None
    if pd.api.types.is_numeric_dtype(col):
        v = col.to_numpy(dtype=float)
        if np.isfinite(v).all() and (v == np.round(v)).all():
            if ((v >= 19000101) & (v <= 21001231)).all():
                parsed = pd.to_datetime(col.astype(np.int64).astype(str), format="%Y%m%d", errors="coerce")
                if not parsed.isna().any():
                    return pd.DatetimeIndex(parsed), "dates read as yyyymmdd"
            for unit, lo, hi in (("s", 1e8, 1e11), ("ms", 1e11, 1e14), ("us", 1e14, 1e17)):
                if ((v >= lo) & (v < hi)).all():
                    return (pd.DatetimeIndex(pd.to_datetime(v.astype(np.int64), unit=unit)),
                            f"dates read as epoch {unit}")
        raise CLIError(f"{where}: numbers that are not dates (e.g. {col.iloc[0]!r}); pass --date-format")
    m = s.str.extract(_DMY)
    matched = m[0].notna().to_numpy()
    if matched.any():
        if not matched.all():
            i, j = int(np.flatnonzero(matched)[0]), int(np.flatnonzero(~matched)[0])
            raise CLIError(f"{where}: mixed date formats ({_row_ref(i, s.iloc[i])} vs {_row_ref(j, s.iloc[j])}); "
                           "pass --date-format")
        a, b = m[0].astype(int).to_numpy(), m[2].astype(int).to_numpy()
        day_first, month_first = a > 12, b > 12
        if day_first.any() and month_first.any():
            i, j = int(np.flatnonzero(day_first)[0]), int(np.flatnonzero(month_first)[0])
            raise CLIError(f"{where}: day/month order differs between rows ({_row_ref(i, s.iloc[i])} is day first, "
                           f"{_row_ref(j, s.iloc[j])} month first); pass --date-format")
        sep = m[1].iloc[0]
        if not day_first.any() and not month_first.any():
            differ = np.flatnonzero(a != b)
            yfmt = "%Y" if len(m[3].iloc[0]) == 4 else "%y"
            formats = f"pass --date-format '%d{sep}%m{sep}{yfmt}' (day first) or '%m{sep}%d{sep}{yfmt}' (month first)"
            if differ.size == 0:  # every date reads the same both ways (01/01, 02/02, ...): still say which
                raise CLIError(f"{where}: day/month order cannot be told (every row has day = month); {formats}")
            i = int(differ[0])
            raise CLIError(
                f"{where}: day/month order is ambiguous: no row has a day above 12, and the first row that reads "
                f"differently either way is {_row_ref(i, s.iloc[i])}: {a[i]} {_month_name(b[i])} or "
                f"{b[i]} {_month_name(a[i])}; {formats}")
        day, month = (a, b) if day_first.any() else (b, a)
        year = m[3].astype(int).to_numpy()
        year = np.where(m[3].str.len().to_numpy() == 2, np.where(year < 69, 2000 + year, 1900 + year), year)
        rest = m[5].fillna("").to_numpy()
        iso = pd.Series([f"{y:04d}-{mo:02d}-{d:02d}" + (f" {r}" if r else "")
                         for y, mo, d, r in zip(year, month, day, rest)])
        try:
            parsed = pd.to_datetime(iso, format="ISO8601")
        except (ValueError, TypeError):
            parsed = pd.to_datetime(iso, format="ISO8601", errors="coerce")
            i = int(np.flatnonzero(parsed.isna().to_numpy())[0])
            raise CLIError(f"{where}: {_row_ref(i, s.iloc[i])} is not a valid date") from None
        proof = int(np.flatnonzero(day_first if day_first.any() else month_first)[0])
        order = "day/month/year" if day_first.any() else "month/day/year"
        return pd.DatetimeIndex(parsed), f"dates read as {order} ({_row_ref(proof, s.iloc[proof])} proves the order)"
    for fmt in ("ISO8601", "mixed"):
        try:
            return pd.DatetimeIndex(pd.to_datetime(s, format=fmt, utc=True)), None
        except (ValueError, TypeError, OverflowError):
            continue
    parsed = pd.to_datetime(s, format="mixed", errors="coerce", utc=True)
    i = int(np.flatnonzero(parsed.isna().to_numpy())[0]) if parsed.isna().any() else 0
    raise CLIError(f"{where}: {_row_ref(i, s.iloc[i])} is not a date; pass --date-format")


def _month_name(m: int) -> str:
    import calendar

    return calendar.month_abbr[m] if 1 <= m <= 12 else str(m)


def _date_column(df: pd.DataFrame) -> str | None:
    for c in df.columns:
        if str(c).strip().lower() in DATE_NAMES:
            return c
    first = df.columns[0]
    col = df[first].astype(str).str.strip()
    sample = col.head(50)
    if len(sample) and sample.map(_looks_like_date).mean() >= 0.5:
        return first
    if len(sample) and not pd.to_numeric(sample, errors="coerce").notna().all() and sample.str.contains(_MONTH).all():
        parsed = pd.to_datetime(sample, format="mixed", errors="coerce")
        if parsed.notna().all():
            return first
    return None


def read_table(path: str | Path, role: str, *, sep: str | None = None, decimal: str | None = None,
               date_format: str | None = None, notes: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV into a numeric DataFrame indexed by dates when it has a date column.

    ``notes`` (a list) collects what was inferred (headerless, delimiter, decimal comma, date order).
    """
    p = Path(path)
    notes = notes if notes is not None else []
    text = _read_text(p, role)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise CLIError(f"{role} file {p} is empty")
    sample = lines[:200]
    if sep is None:
        sep, sniffed_decimal = _sniff_sep(sample, role, p)
        if sniffed_decimal is not None and decimal is None:
            decimal = sniffed_decimal
            notes.append(f"{role}: one column with decimal commas")
        elif sep != ",":
            notes.append(f"{role}: columns separated by {_SEP_NAMES[sep]}s")
    if decimal is None:
        decimal = _sniff_decimal(sample, sep, role, p)
        if decimal == ",":
            notes.append(f"{role}: decimal comma")
    if sep == decimal:
        raise CLIError(f"{role} file {p}: --sep and --decimal are both {sep!r}")
    header = not _is_data_row(_fields(lines[0], sep), decimal)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, header=0 if header else None, dtype=str,
                         keep_default_na=False, skipinitialspace=True, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CLIError(f"{role} file {p} is not a readable CSV ({first}); check --sep") from None
    if not header:
        first_fields = _fields(lines[0], sep)
        names = ["date"] if _looks_like_date(first_fields[0]) and not _is_number(first_fields[0], decimal) else []
        k = df.shape[1] - len(names)
        names += ["value"] + [f"value{i}" for i in range(2, k + 1)]
        df.columns = names[: df.shape[1]]
        notes.append(f"{role}: no header row (the first row is data); columns read as {', '.join(df.columns)}")
    df.columns = [str(c).strip() for c in df.columns]
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise CLIError(f"{role} file {p} has no data rows")
    if pd.Index(df.columns).has_duplicates:
        dup = pd.Index(df.columns)[pd.Index(df.columns).duplicated()][0]
        raise CLIError(f"{role} file {p} has two columns named {dup!r}")
    where = f"{role} file {p}"
    dcol = _date_column(df)
    if dcol is not None:
        raw = df[dcol]
        numeric = pd.to_numeric(raw.str.strip(), errors="coerce")
        idx, note = _parse_dates(numeric if numeric.notna().all() else raw, date_format, f"{where}, column {dcol!r}")
        if note:
            notes.append(f"{role}: {note}")
        if idx.tz is not None:
            idx = idx.tz_convert("UTC").tz_localize(None)
        df = df.drop(columns=[dcol])
        df.index = idx.rename("date")
        if df.index.has_duplicates:
            raise CLIError(f"{where}: duplicated date {df.index[df.index.duplicated()][0]}")
        if not df.index.is_monotonic_increasing:  # a file's row order is not a claim about time: sort, and say so
            df = df.sort_index()
            notes.append(f"{role}: rows were not in date order; sorted by date")
    elif date_format:
        raise CLIError(f"{where}: --date-format given but no date column found (name it date)")
    if df.shape[1] == 0:
        raise CLIError(f"{where} has a date column but no value column")
    out = {}
    for c in df.columns:
        txt = df[c].astype(str).str.strip()
        if decimal != ".":
            txt = txt.str.replace(decimal, ".", regex=False)
        missing = txt.isin(["", "na", "NA", "NaN", "nan", "null", "NULL", "None", "#N/A"])
        num = pd.to_numeric(txt.where(~missing), errors="coerce")
        bad = num.isna() & ~missing
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise CLIError(f"{where}: column {c!r} is not numeric (e.g. {df[c].iloc[i]!r} in row {i + 1})")
        out[c] = num.astype(float)
    df = pd.DataFrame(out, index=df.index)
    nan_rows = df.isna().any(axis=1)
    if nan_rows.any():
        at = df.index[nan_rows][0]
        at = at.date() if isinstance(at, pd.Timestamp) and at == at.normalize() else at
        raise CLIError(f"{where}: {int(nan_rows.sum())} row(s) with missing values (first at {at})")
    return df


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

    parser = _Parser(prog="alphacheck", description="Honest statistics for trading strategies.")
    parser.add_argument("--version", action="version", version=f"alphacheck {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
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
    a.add_argument("--compare-to", help="CSV of the incumbent strategy's returns on the same dates/rows: adds the "
                                        "Sharpe-difference and Diebold-Mariano checks")
    a.add_argument("--compare-to-column", help="incumbent column when the CSV has several")
    a.add_argument("--meaningful-alpha", type=float,
                   help="smallest alpha per period worth having (the equivalence margin; default half the mean)")
    a.add_argument("--turnover", help="CSV of per-period turnover (with --cost-per turnover)")
    a.add_argument("--turnover-column", help="turnover column when the CSV has several")
    a.add_argument("--n-jobs", type=int, help="bootstrap threads (default: CPU count, at most 8; same bits)")
    a.add_argument("--cost-per", choices=("trade", "observation", "turnover"), default="trade",
                   help="what one cost is charged for: a trade (each row is one round trip; default) or an observation")
    a.add_argument("--no-check-returns", action="store_true",
                   help="turn off the check that the inputs are returns (not prices, percent or positions)")
    a.add_argument("--date-format", help="strftime format of the date column, e.g. %%d/%%m/%%Y (day first); "
                                         "needed when day and month cannot be told apart")
    a.add_argument("--sep", help="column delimiter of the CSV files (default: sniffed; e.g. ';')")
    a.add_argument("--decimal", help="decimal mark of the CSV files (default: sniffed; e.g. ',')")
    a.add_argument("--reps", type=int, default=9_999, help="bootstrap replicates (default 9999)")
    a.add_argument("--alpha-level", type=float, default=0.05, help="significance level (default 0.05)")
    a.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    a.add_argument("--out", required=True, help="directory for report.md, report.html and figures")
    return parser


def _unescape(sep: str | None) -> str | None:
    if sep is None:
        return None
    sep = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(sep, sep)
    if len(sep) != 1:
        raise CLIError(f"--sep/--decimal must be one character, got {sep!r}")
    return sep


def run_audit(args: argparse.Namespace) -> int:
    from alphacheck import audit

    notes: list[str] = []
    opts = dict(sep=_unescape(args.sep), decimal=_unescape(args.decimal), date_format=args.date_format, notes=notes)
    rdf = read_table(args.returns, "returns", **opts)
    returns = pick_column(rdf, args.column, "returns", args.returns, "--column")

    def table(path: str | None, role: str, column: str | None = None,
              option: str | None = None) -> pd.DataFrame | pd.Series | None:
        """The file's table (or, given ``option``, its one chosen column), its dates checked against returns'."""
        if not path:
            return None
        out = read_table(path, role, **opts)
        if option is not None:
            out = pick_column(out, column, role, path, option)
        _check_dates(returns, out, role)
        dated = isinstance(returns.index, pd.DatetimeIndex)
        if len(out) != len(returns) and (role == "trials" or not dated):  # rows that must pair one to one
            why = ("the trials grid needs one row per returns row" if dated else
                   "without a date column rows are matched by position, so they must match (or add a date column "
                   "to both)")
            raise CLIError(f"{role} has {len(out)} rows but returns has {len(returns)}: {why}")
        return out

    bench = table(args.benchmark, "benchmark", args.benchmark_column, "--benchmark-column")
    controls, states, trials = table(args.controls, "controls"), table(args.states, "states"), table(args.trials, "trials")
    incumbent = table(args.compare_to, "compare-to", args.compare_to_column, "--compare-to-column")
    turnover = table(args.turnover, "turnover", args.turnover_column, "--turnover-column")
    report = audit(
        returns, bench, controls, states, n_trials=args.n_trials, trials=trials,
        periods_per_year=args.periods_per_year, cost_bps=args.cost_bps, cost_per=args.cost_per, turnover=turnover,
        seed=args.seed, reps=args.reps, alpha_level=args.alpha_level, check_returns=not args.no_check_returns,
        n_jobs=args.n_jobs, meaningful_alpha=args.meaningful_alpha, compare_to=incumbent,
    )
    paths = report.save(args.out)
    print(f"verdict: {report.verdict}")
    for reason in report.reasons:
        print(f"  - {reason}")
    for note in notes:
        print(f"  read: {note}")
    n_fig = sum(1 for k in paths if k not in ("markdown", "html"))
    print(f"report written to {paths['html']} and {paths['markdown']} ({n_fig} figures in {Path(args.out)})")
    return 0


def _cli_words(msg: str) -> str:
    """Library advice in command-line words: the options the CLI has."""
    return (msg.replace("pass check_returns=False", "pass --no-check-returns")
               .replace("check_returns=False", "--no-check-returns")
               .replace("pass periods_per_year", "pass --periods-per-year")
               .replace("n_trials (or trials)", "--n-trials (or --trials)")
               .replace("cost_per='turnover'", "--cost-per turnover")
               .replace("meaningful_alpha", "--meaningful-alpha"))


def _fail(msg: str) -> int:
    print(f"alphacheck: error: {' '.join(str(msg).split())}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            # a numerical warning means a result cannot be trusted: stop with one line instead
            warnings.simplefilter("error", RuntimeWarning)
            if args.command == "audit":
                return run_audit(args)
    except (CLIError, InputError) as exc:
        return _fail(_cli_words(str(exc)))
    except OSError as exc:  # e.g. the output directory cannot be created
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # no traceback for any input: one line, exit 2
        first = (str(exc).strip().splitlines() or [""])[0]
        return _fail(f"could not complete the audit ({type(exc).__name__}: {first})")
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
