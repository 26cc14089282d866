"""Audit returns you already have in pandas: a Series with dates, and the benchmark on the same dates.

    python examples/own_returns_pandas.py [--out audit_out/]

Here the "strategy" is a daily series with a small planted alpha and a 0.4 beta to a market index,
so the audit should find alpha; replace ``strategy`` and ``market`` with your own Series.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import alphacheck as ac


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=9_999)
    p.add_argument("--out", default="audit_out")
    args = p.parse_args(argv)

    rng = np.random.default_rng(42)
    days = pd.bdate_range("2021-01-04", periods=3 * 252)
    market = pd.Series(rng.normal(0.0004, 0.011, days.size), index=days, name="market")
    strategy = pd.Series(0.0008 + 0.4 * market.to_numpy() + rng.normal(0, 0.007, days.size),
                         index=days, name="strategy")

    report = ac.audit(strategy, benchmark=market, periods_per_year=252, cost_bps=1.0, reps=args.reps)
    print(report.summary())
    print("\nper calendar year:\n", report.period_table().round(5))
    alpha = report.checks["jensen_alpha"].result       # the two alpha tests: .hac and .bootstrap
    print("\n" + alpha.hac.summary())                  # the full regression, Newey-West HAC inference
    print(f"studentised paired-bootstrap alpha p = {alpha.bootstrap.pvalue:.3g}")
    paths = report.save(args.out)
    print(f"\nreport written to {paths['html']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
