"""The size-and-power atlas: every test of alphacheck on the same null worlds, at 5 %.

    python scripts/size_atlas.py --worlds 2000 --reps 999 --jobs 2        # the full study (hours)
    python scripts/size_atlas.py --worlds 40 --only mean_test_bootstrap   # a quick look

For every test and every world (tests/worlds.py: iid t(4), AR(1) ρ = 0.3 and 0.5, GARCH(1,1) t(5),
regime-switching volatility) and sample size (n = 72, 500, 2,000; families k = 10 and 100 strategies at
T = 500 and 2,000), the share of null worlds in which the test rejects at 5 %, with its binomial standard
error sqrt(p(1 − p)/W), and the power at one planted effect (n = 500). Results are cached per cell in a
JSON file (``--cache``), so a rerun only computes missing cells; ``--markdown`` writes docs/size-atlas.md.
Bootstrap tests use ``--reps`` replicates (999 by default: the Monte-Carlo error of a p-value near 0.05 is
then ±0.007, symmetric, so it widens the spread of the rejection rate by a negligible amount).
The reduced size tests of the default test run (tests/alphacheck/test_size_montecarlo_*.py) cover the same
tests on fewer worlds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import alphacheck as ac  # noqa: E402
from alphacheck.alpha.jensen import fit_alpha, prepare_regression  # noqa: E402
from tests.worlds import KINDS, regression_world, world  # noqa: E402

LEVEL = 0.05
SERIES_N = (72, 500, 2000)
FAMILY = ((10, 500), (10, 2000), (100, 500), (100, 2000))


@dataclass(frozen=True)
class Spec:
    """One row of the atlas: how to draw data and how to get a decision."""

    name: str
    kind: str  # "series" | "regression" | "family"
    reject: Callable[..., bool]
    effect: float  # planted effect for the power column (series: mean in sd units; regression: alpha/sd(e))
    note: str = ""


def _series(kind: str, n: int, rng: np.random.Generator, effect: float = 0.0) -> np.ndarray:
    x = world(kind, n, rng)[:, 0]
    return x + effect * x.std()


def _p(res) -> float:
    return float(res.pvalue)


def spec_list(reps: int) -> list[Spec]:
    boot = dict(reps=reps, check_returns=False)

    def alpha_rule(y, b, seed):
        data = prepare_regression(y, b, check_returns=False)
        hac = fit_alpha(data, method="hac")
        bs = fit_alpha(data, method="bootstrap", reps=reps, seed=seed)
        return hac.estimate > 0 and hac.pvalue <= LEVEL and bs.pvalue <= LEVEL

    return [
        Spec("mean_test (studentised stationary bootstrap)", "series",
             lambda x, s: _p(ac.mean_test(x, seed=s, **boot)) <= LEVEL, 0.25),
        Spec("mean_test (Newey-West HAC, normal)", "series",
             lambda x, s: _p(ac.mean_test(x, method="hac", check_returns=False)) <= LEVEL, 0.25),
        Spec("mean_test (HAC, fixed-b)", "series",
             lambda x, s: _p(ac.mean_test(x, method="hac", hac_pvalues="fixed-b", check_returns=False)) <= LEVEL, 0.25),
        Spec("mean_test (t)", "series", lambda x, s: _p(ac.mean_test(x, method="t", check_returns=False)) <= LEVEL,
             0.25, "assumes independence"),
        Spec("sharpe_test (studentised bootstrap)", "series",
             lambda x, s: _p(ac.sharpe_test(x, seed=s, **boot)) <= LEVEL, 0.25),
        Spec("sharpe_test (Lo HAC)", "series",
             lambda x, s: _p(ac.sharpe_test(x, method="lo", check_returns=False)) <= LEVEL, 0.25),
        Spec("probabilistic_sharpe_ratio (one-sided)", "series",
             lambda x, s: _p(ac.probabilistic_sharpe_ratio(x, check_returns=False)) <= LEVEL, 0.25,
             "one-sided, assumes independence"),
        Spec("jensen_alpha (HAC, normal)", "regression",
             lambda y, b, s: _p(ac.jensen_alpha(y, b, check_returns=False)) <= LEVEL, 0.25),
        Spec("jensen_alpha (HAC, fixed-b)", "regression",
             lambda y, b, s: _p(ac.jensen_alpha(y, b, hac_pvalues="fixed-b", check_returns=False)) <= LEVEL, 0.25),
        Spec("jensen_alpha (studentised paired bootstrap)", "regression",
             lambda y, b, s: _p(ac.jensen_alpha(y, b, method="bootstrap", seed=s, **boot)) <= LEVEL, 0.25),
        Spec("jensen_alpha (iid OLS t)", "regression",
             lambda y, b, s: _p(ac.jensen_alpha(y, b, method="iid", check_returns=False)) <= LEVEL, 0.25,
             "assumes independence"),
        Spec("audit alpha rule (alpha > 0, HAC and bootstrap p <= 5 %)", "regression", alpha_rule, 0.25,
             "a one-sided claim from two two-sided tests: nominal 2.5 %"),
        Spec("updown_beta (HAC)", "regression",
             lambda y, b, s: _p(ac.updown_beta(y, b, check_returns=False)) <= LEVEL, float("nan")),
        Spec("spa (replicate-studentised)", "family",
             lambda x, s: _p(ac.spa(x, reps=reps, seed=s)) <= LEVEL, 0.25),
        Spec("stepm (any strategy superior)", "family",
             lambda x, s: len(ac.stepm(x, reps=reps, seed=s).superior) > 0, 0.25),
        Spec("spa (studentize=\"hac\")", "family",
             lambda x, s: _p(ac.spa(x, reps=reps, seed=s, studentize="hac")) <= LEVEL, 0.25,
             "T by the QS variance, replicates by Hansen's omega: over-rejects at T = 500 under dependence"),
        Spec("stepm (studentize=\"hac\"; any strategy superior)", "family",
             lambda x, s: len(ac.stepm(x, reps=reps, seed=s, studentize="hac").superior) > 0, 0.25),
        Spec("reality_check", "family", lambda x, s: _p(ac.reality_check(x, reps=reps, seed=s)) <= LEVEL, 0.25),
    ]


def _cell(spec: Spec, kind: str, n: int, k: int, effect: float, worlds: int, seed: int) -> tuple[int, int]:
    """(rejections, worlds) of ``spec`` on ``worlds`` draws of world ``kind``."""
    rej = 0
    for w in range(worlds):
        rng = np.random.default_rng([seed, w])
        if spec.kind == "series":
            rej += bool(spec.reject(_series(kind, n, rng, effect), w))
        elif spec.kind == "regression":
            y, b = regression_world(kind, n, rng, alpha=effect * 0.01)
            rej += bool(spec.reject(y, b, w))
        else:
            x = world(kind, n, rng, k, common=0.3)
            if effect:
                x[:, 0] += effect * x[:, 0].std()
            rej += bool(spec.reject(x, w))
    return rej, worlds


def _key(name: str, kind: str, n: int, k: int, power: bool) -> str:
    return f"{name}|{kind}|n={n}|k={k}|{'power' if power else 'size'}"


def run(worlds: int, reps: int, jobs: int, cache: Path, only: str | None = None, seed: int = 20261201,
        sizes: tuple = SERIES_N, families: tuple = FAMILY, kinds: tuple = KINDS, verbose: bool = True,
        test_kinds: tuple = ("series", "regression", "family")) -> dict:
    """Compute the missing cells; returns the cache dict {key: [rejections, worlds]}."""
    from joblib import Parallel, delayed

    done = json.loads(cache.read_text()) if cache.exists() else {}
    todo = []
    for spec in spec_list(reps):
        if (only and only not in spec.name) or spec.kind not in test_kinds:
            continue
        grid = [(n, 1) for n in sizes] if spec.kind != "family" else [(t, k) for k, t in families]
        for kind in kinds:
            for n, k in grid:
                key = _key(spec.name, kind, n, k, False)
                if done.get(key, [0, 0])[1] < worlds:
                    todo.append((key, spec, kind, n, k, 0.0))
            n_pow, k_pow = (500, 1) if spec.kind != "family" else (500, 10)
            if math.isfinite(spec.effect):
                key = _key(spec.name, kind, n_pow, k_pow, True)
                if done.get(key, [0, 0])[1] < worlds:
                    todo.append((key, spec, kind, n_pow, k_pow, spec.effect))
    names = {sp.name: sp for sp in spec_list(reps)}
    t0 = time.perf_counter()
    cache.parent.mkdir(parents=True, exist_ok=True)
    batch = max(jobs, 1) * 4
    with Parallel(n_jobs=jobs) as pool:
        for lo in range(0, len(todo), batch):  # save after every batch: a long run can be stopped and resumed
            part = todo[lo : lo + batch]
            out = pool(delayed(_cell)(names[sp.name], kind, n, k, eff, worlds, seed) for _, sp, kind, n, k, eff in part)
            for (key, *_), res in zip(part, out):
                done[key] = list(res)
            cache.write_text(json.dumps(done, indent=1, sort_keys=True))
            if verbose:
                print(f"[atlas] {lo + len(part)}/{len(todo)} cells, {time.perf_counter() - t0:.0f} s", flush=True)
    if verbose:
        print(f"[atlas] {len(todo)} cells x {worlds} worlds in {time.perf_counter() - t0:.0f} s")
    return done


def _fmt(rej: int, w: int) -> str:
    p = rej / w
    return f"{100 * p:.1f} ± {100 * math.sqrt(max(p * (1 - p), 1e-12) / w):.1f}"


def markdown(done: dict, reps: int, worlds: int) -> str:
    """The atlas as Markdown tables (one per kind of test)."""
    lines = ["# Size-and-power atlas", "",
             "Rejection rates (%) at the 5 % level on null worlds (size) and at one planted effect (power), "
             "± one binomial standard error; generated by `scripts/size_atlas.py` "
             f"({worlds:,} worlds per cell, {reps:,} bootstrap replicates). Worlds (tests/worlds.py): iid t(4); "
             "AR(1) ρ = 0.3 and 0.5 (for regressions: AR(1) benchmark and AR(1) errors with the same ρ); "
             "GARCH(1,1) ω = 1e-6, α = 0.1, β = 0.85, t(5); two-state regime-switching volatility "
             "(persistence 0.98, ratio 3). Power: n = 500, effect 0.25 sd (series: mean; regressions: alpha "
             "in units of the benchmark sd; families: the first of 10 strategies).", "",
             "The comparison and family-inference tests (Sharpe difference, Diebold–Mariano, Giacomini–White, "
             "the model confidence set, Sharpe equality, FDR, k-StepM) have their own full-size study: "
             "[compare-size.md](compare-size.md).", ""]
    for kind, header in (("series", "Tests of one return series"), ("regression", "Alpha and beta"),
                         ("family", "Families of strategies (k x T, common correlation 0.3)")):
        specs = [s for s in spec_list(reps) if s.kind == kind]
        if not specs:
            continue
        cols = ([f"n={n}" for n in SERIES_N] if kind != "family" else [f"k={k},T={t}" for k, t in FAMILY])
        lines += [f"## {header}", "", "| test | world | " + " | ".join(cols) + " | power |",
                  "|---|---|" + "---|" * (len(cols) + 1)]
        grid = [(n, 1) for n in SERIES_N] if kind != "family" else [(t, k) for k, t in FAMILY]
        for spec in specs:
            for wk in KINDS:
                cells = []
                for n, k in grid:
                    v = done.get(_key(spec.name, wk, n, k, False))
                    cells.append(_fmt(*v) if v else "—")
                n_pow, k_pow = (500, 1) if kind != "family" else (500, 10)
                pv = done.get(_key(spec.name, wk, n_pow, k_pow, True))
                lines.append(f"| {spec.name} | {wk} | " + " | ".join(cells) + f" | {_fmt(*pv) if pv else '—'} |")
        notes = [f"{s.name}: {s.note}" for s in specs if s.note]
        lines += [""] + ([f"Notes: {'; '.join(notes)}.", ""] if notes else [])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worlds", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=999)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default=None, help="run only tests whose name contains this text")
    ap.add_argument("--test-kinds", default="series,regression,family", help="comma-separated subset")
    ap.add_argument("--cache", default=str(ROOT / "docs" / "atlas" / "size_atlas.json"))
    ap.add_argument("--markdown", default=str(ROOT / "docs" / "size-atlas.md"))
    args = ap.parse_args(argv)
    done = run(args.worlds, args.reps, args.jobs, Path(args.cache), args.only,
               test_kinds=tuple(args.test_kinds.split(",")))
    Path(args.markdown).write_text(markdown(done, args.reps, args.worlds), encoding="utf-8")
    print(f"[atlas] wrote {args.markdown} and {args.cache}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
