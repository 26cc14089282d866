"""Audit the winner of a parameter grid honestly: PBO, deflated Sharpe and haircut Sharpe.

    python examples/parameter_grid_pbo.py [--out audit_out/]

A moving-average trend rule on a random walk (no edge by construction) is run for 4 x 3 x 3 = 36
parameter combinations; the in-sample best looks good on its own. Passing the whole grid
(``trials``) and ``n_trials`` to the audit shows what it is.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
import pandas as pd

import alphacheck as ac


def trend_rule(prices: pd.Series, fast: int, slow: int, band: float) -> pd.Series:
    """Long when the fast MA is above the slow MA by more than ``band``, else flat; next-day returns."""
    f, s = prices.rolling(fast).mean(), prices.rolling(slow).mean()
    position = (f > s * (1 + band)).astype(float).shift(1).fillna(0.0)
    return position * prices.pct_change().fillna(0.0)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=9_999)
    p.add_argument("--out", default="audit_out")
    args = p.parse_args(argv)

    rng = np.random.default_rng(21)  # a draw where the winner looks significant alone (most draws: not even that)
    days = pd.bdate_range("2019-01-01", periods=4 * 252)
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0002, 0.012, days.size))), index=days)
    grid = {f"fast{f}_slow{s}_band{b}": trend_rule(prices, f, s, b)
            for f, s, b in itertools.product((5, 10, 20, 40), (60, 120, 200), (0.0, 0.01, 0.02))}
    trials = pd.DataFrame(grid).iloc[200:]              # drop the warm-up of the longest average
    sharpe = trials.mean() / trials.std()
    best = sharpe.idxmax()
    print(f"{len(grid)} combinations; in-sample best {best}: Sharpe {sharpe[best] * np.sqrt(252):.2f} annualised")

    naive = ac.audit(trials[best], periods_per_year=252, reps=args.reps)
    honest = ac.audit(trials[best], n_trials=len(grid), trials=trials, periods_per_year=252,
                      reps=args.reps)
    print(f"\nas if it were the only idea: {naive.verdict}")
    print(f"with the grid accounted for: {honest.verdict}")
    for name in ("dsr", "pbo", "haircut_sharpe"):
        print(f"  {name}: {honest.checks[name].interpretation}")
    paths = honest.save(args.out)
    print(f"\nreport written to {paths['html']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
