"""audit() on 2,000 daily returns with a benchmark and costs: 0.2 against 0.1, in the same run.

The 0.1 anchor is the package as it was at commit 3df4b5c (before the 0.2 refactor), exported with
`git archive` into a temporary directory and timed in a subprocess on the same data; the 0.2 call is timed
here. Also counted, per 0.2 call: validations of the inputs (calls into the validation layer's entry
points) and Politis–White block-length estimates. Floors are what a loaded 2-core machine clears.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

import alphacheck as ac
from alphacheck import _blocklength, _inputs

ROOT = Path(__file__).resolve().parents[2]
OLD = "3df4b5c"


def _data():
    rng = np.random.default_rng(7)
    n = 2_000
    idx = pd.bdate_range("2017-01-02", periods=n)
    b = rng.normal(0.0004, 0.01, n)
    r = 0.0002 + 1.1 * b + rng.normal(0, 0.006, n)
    return pd.Series(r, idx, name="strategy"), pd.Series(b, idx, name="benchmark")


def _old_audit_seconds(tmp: Path, rounds: int) -> tuple[float, str]:
    """Min wall time of the 0.1 audit over ``rounds`` calls, and its verdict (subprocess, same data)."""
    src = tmp / "v01"
    src.mkdir()
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", OLD, "alphacheck"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(src)], input=tar.stdout, check=True)
    code = textwrap.dedent(f"""
        import json, sys, time
        sys.path.insert(0, {str(src)!r})
        sys.path.insert(1, {str(ROOT)!r})
        from tests.benchmarks.test_bench_audit_v01 import _data
        import alphacheck as old
        assert old.__file__.startswith({str(src)!r})
        r, b = _data()
        old.audit(r, benchmark=b, cost_bps=2, reps=9_999)          # warm imports and caches
        times = []
        for _ in range({rounds}):
            t0 = time.perf_counter(); rep = old.audit(r, benchmark=b, cost_bps=2, reps=9_999)
            times.append(time.perf_counter() - t0)
        print(json.dumps({{"seconds": min(times), "verdict": rep.verdict}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return float(res["seconds"]), str(res["verdict"])


def test_bench_audit_2000_daily_against_v01(benchmark, tmp_path, monkeypatch):
    r, b = _data()
    ac.audit(r, b, cost_bps=2)  # warm imports and the fixed-b cache

    counts = {"validations": 0, "politis_white": 0}
    for name in ("as_series", "as_returns", "as_matrix", "align"):
        orig = getattr(_inputs, name)

        def counted(*a, _orig=orig, **k):
            counts["validations"] += 1
            return _orig(*a, **k)

        monkeypatch.setattr(_inputs, name, counted)
        for mod in list(sys.modules.values()):  # the names imported into other modules
            if getattr(mod, "__name__", "").startswith("alphacheck") and getattr(mod, name, None) is orig:
                monkeypatch.setattr(mod, name, counted)
    pw = _blocklength.politis_white

    def counted_pw(*a, **k):
        counts["politis_white"] += 1
        return pw(*a, **k)

    monkeypatch.setattr(_blocklength, "politis_white", counted_pw)
    rep = ac.audit(r, b, cost_bps=2)
    per_call = dict(counts)
    monkeypatch.undo()

    rounds = 5
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        rep = ac.audit(r, b, cost_bps=2)
        times.append(time.perf_counter() - t0)
    new = min(times)
    benchmark.pedantic(ac.audit, args=(r, b), kwargs={"cost_bps": 2}, rounds=1, iterations=1)
    old, old_verdict = _old_audit_seconds(tmp_path, rounds=3)
    ratio = old / new
    print(f"\n[bench] audit 2,000 daily + benchmark + cost: 0.1 {old:.3f} s ({old_verdict!r}), "
          f"0.2 {new:.3f} s ({rep.verdict!r}), {ratio:.1f}x faster; per 0.2 call: "
          f"{per_call['validations']} validation entry calls, {per_call['politis_white']} Politis-White estimate(s)")
    # One audit validates its inputs once: returns+benchmark aligned in one call (prepare_regression's align).
    assert per_call["validations"] <= 2, per_call
    assert per_call["politis_white"] == 1, per_call
    # the same data say the same thing in both versions (0.2 adds which kind of "beta, not alpha")
    assert rep.verdict.split(" (")[0] == old_verdict.split(" (")[0] or {rep.verdict, old_verdict} <= {
        "not significant", "beta, not alpha (alpha unproven)", "beta, not alpha (alpha ruled out)"}
    assert ratio >= 2.0  # floor for a loaded machine; measured ratios are printed above
