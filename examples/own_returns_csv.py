"""Audit a strategy from CSV files: per-trade (or per-period) returns and the benchmark.

    python examples/own_returns_csv.py returns.csv --benchmark btc.csv --cost-bps 30 --out audit_out/

Each CSV has a date column (or none — then rows are matched by position) and one return column
(pick one with --column when there are several). Without a returns file the example writes a
seed-like pair of CSVs first (72 trades, alts = 1.16 x BTC + noise) and audits those.
The same thing from the shell: ``alphacheck audit returns.csv --benchmark btc.csv --out audit_out/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import alphacheck as ac


def write_demo_csvs(folder: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(22)  # a draw where, as in the seed study, the raw mean looks significant
    dates = pd.date_range("2021-01-04", periods=72, freq="25D")
    btc = rng.normal(0.0117, 0.0584, 72)
    alts = 1.158 * btc + rng.normal(0.0, 0.062, 72)
    folder.mkdir(parents=True, exist_ok=True)
    r, b = folder / "returns.csv", folder / "btc.csv"
    pd.DataFrame({"date": dates.date, "alt_basket": alts}).to_csv(r, index=False)
    pd.DataFrame({"date": dates.date, "btc": btc}).to_csv(b, index=False)
    return r, b


def read_returns(path: Path, column: str | None = None) -> pd.Series:
    """A return column of a CSV, indexed by its date column when there is one."""
    df = pd.read_csv(path)
    date_cols = [c for c in df.columns if c.lower() in ("date", "time", "timestamp", "datetime")]
    if date_cols:
        df = df.set_index(pd.DatetimeIndex(pd.to_datetime(df.pop(date_cols[0]))))
    if column is None:
        if df.shape[1] != 1:
            raise SystemExit(f"{path} has columns {list(df.columns)}; choose one with --column")
        column = df.columns[0]
    return df[column].astype(float)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("returns", nargs="?", help="returns CSV (default: write and use a demo file)")
    p.add_argument("--benchmark", help="benchmark CSV")
    p.add_argument("--column", help="returns column when the CSV has several")
    p.add_argument("--cost-bps", type=float, default=30.0)
    p.add_argument("--reps", type=int, default=9_999)
    p.add_argument("--out", default="audit_out")
    args = p.parse_args(argv)
    out = Path(args.out)
    if args.returns is None:
        r_path, b_path = write_demo_csvs(out / "input")
    else:
        r_path, b_path = Path(args.returns), Path(args.benchmark) if args.benchmark else None
    returns = read_returns(r_path, args.column)
    benchmark = read_returns(b_path) if b_path else None
    report = ac.audit(returns, benchmark=benchmark, cost_bps=args.cost_bps, reps=args.reps)
    print(report.summary())
    paths = report.save(out)
    print(f"\nreport written to {paths['html']} and {paths['markdown']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
