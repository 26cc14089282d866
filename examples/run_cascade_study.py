"""Run the worked case: the liquidation-cascade study, audited with alphacheck.

    python examples/run_cascade_study.py [--out results/]

Equivalent to ``cascade-study run --out results/``; see cascade_study/ for the experiments.
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="results")
    args, rest = p.parse_known_args(argv)
    from cascade_study.cli import main as cascade_main

    return cascade_main(["run", "--out", args.out, *rest])


if __name__ == "__main__":
    raise SystemExit(main())
