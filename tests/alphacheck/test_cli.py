"""`alphacheck audit` command line: happy path on dated CSVs, and one-line errors on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alphacheck import VERDICTS
from alphacheck.cli import main

N = 72


@pytest.fixture
def csvs(tmp_path: Path) -> dict[str, Path]:
    """Seed-like per-trade returns: strategy = 1.16 * benchmark + noise, on 72 dated trades."""
    rng = np.random.default_rng(7)
    dates = pd.date_range("2021-01-03", periods=N, freq="9D")
    bench = rng.normal(0.0117, 0.0584, N)
    strat = 1.158 * bench + rng.normal(0.0, 0.062, N)
    paths = {
        "returns": tmp_path / "returns.csv",
        "bench": tmp_path / "bench.csv",
        "two_cols": tmp_path / "two_cols.csv",
        "grid": tmp_path / "grid.csv",
    }
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "alt_basket": strat}).to_csv(paths["returns"], index=False)
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "btc": bench}).to_csv(paths["bench"], index=False)
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "a": strat, "b": bench}).to_csv(paths["two_cols"], index=False)
    grid = pd.DataFrame(rng.normal(0.0, 0.05, (N, 6)), columns=[f"cfg{i}" for i in range(6)])
    grid.insert(0, "date", dates.strftime("%Y-%m-%d"))
    grid.to_csv(paths["grid"], index=False)
    return paths


def test_audit_on_dated_csvs_writes_report(csvs, tmp_path, capsys):
    out = tmp_path / "report"
    code = main(["audit", str(csvs["returns"]), "--benchmark", str(csvs["bench"]), "--cost-bps", "30",
                 "--reps", "499", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    first = printed.splitlines()[0]
    assert first.startswith("verdict: ")
    verdict = first.removeprefix("verdict: ")
    assert verdict in VERDICTS  # 0.2: "beta, not alpha" says "(alpha ruled out)" or "(alpha unproven)"
    assert "rule " in printed  # the decisive reason is printed
    assert str(out / "report.html") in printed
    for name in ("report.md", "report.html", "equity.png", "scatter.png", "periods.png", "drawdown.png", "bootstrap.png"):
        assert (out / name).stat().st_size > 0, name
    html = (out / "report.html").read_text()
    assert f"Verdict: {verdict}" in html
    md = (out / "report.md").read_text()
    assert "| 2021 |" in md  # calendar-year consistency from the date column


def test_trials_grid_and_column_choice(csvs, tmp_path, capsys):
    out = tmp_path / "r2"
    # 0.2: --trials-returns -> --trials (the grid), --trials (the count) -> --n-trials
    code = main(["audit", str(csvs["two_cols"]), "--column", "a", "--trials", str(csvs["grid"]),
                 "--n-trials", "6", "--reps", "299", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    md = (out / "report.md").read_text()
    assert "| pbo |" in md and "| dsr |" in md


def _bad(args, capsys) -> str:
    code = main(args)
    err = capsys.readouterr().err
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("alphacheck: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_missing_file(tmp_path, capsys):
    msg = _bad(["audit", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")], capsys)
    assert "not found" in msg and "nope.csv" in msg


def test_several_columns_need_column_option(csvs, tmp_path, capsys):
    msg = _bad(["audit", str(csvs["two_cols"]), "--out", str(tmp_path / "o")], capsys)
    assert "--column NAME" in msg and "a, b" in msg


def test_unknown_column(csvs, tmp_path, capsys):
    msg = _bad(["audit", str(csvs["two_cols"]), "--column", "zzz", "--out", str(tmp_path / "o")], capsys)
    assert "zzz" in msg


def test_non_numeric(tmp_path, capsys):
    p = tmp_path / "r.csv"
    p.write_text("date,ret\n2021-01-01,0.01\n2021-01-02,abc\n2021-01-03,0.02\n")
    msg = _bad(["audit", str(p), "--out", str(tmp_path / "o")], capsys)
    assert "not numeric" in msg and "'abc'" in msg


def test_nan(tmp_path, capsys):
    p = tmp_path / "r.csv"
    rows = "\n".join(f"2021-01-{d:02d},{0.01 * (d % 3 - 1)}" for d in range(1, 20))
    p.write_text("date,ret\n" + rows + "\n2021-01-20,\n")
    msg = _bad(["audit", str(p), "--out", str(tmp_path / "o")], capsys)
    assert "missing values" in msg and "2021-01-20" in msg


def test_misaligned_dates(csvs, tmp_path, capsys):
    bench = pd.read_csv(csvs["bench"])
    bench["date"] = pd.date_range("2015-01-01", periods=len(bench), freq="D").strftime("%Y-%m-%d")
    p = tmp_path / "bench_shifted.csv"
    bench.to_csv(p, index=False)
    msg = _bad(["audit", str(csvs["returns"]), "--benchmark", str(p), "--out", str(tmp_path / "o")], capsys)
    assert "returns, benchmark" in msg


def test_dates_in_one_file_only(csvs, tmp_path, capsys):
    p = tmp_path / "plain.csv"
    pd.read_csv(csvs["bench"])[["btc"]].to_csv(p, index=False)
    msg = _bad(["audit", str(csvs["returns"]), "--benchmark", str(p), "--out", str(tmp_path / "o")], capsys)
    assert "date column" in msg


def test_plain_columns_without_dates(tmp_path, capsys):
    rng = np.random.default_rng(3)
    p = tmp_path / "plain.csv"
    pd.DataFrame({"r": rng.normal(0.01, 0.05, 40)}).to_csv(p, index=False)
    code = main(["audit", str(p), "--reps", "199", "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("verdict: ")


def test_plain_columns_of_different_lengths_are_refused(tmp_path, capsys):
    """Without dates rows pair by position: 400 returns against 380 benchmark rows is an error, not a silent cut."""
    rng = np.random.default_rng(3)
    r, b = tmp_path / "r.csv", tmp_path / "b.csv"
    pd.DataFrame({"r": rng.normal(0.01, 0.05, 400)}).to_csv(r, index=False)
    pd.DataFrame({"b": rng.normal(0.01, 0.05, 380)}).to_csv(b, index=False)
    msg = _bad(["audit", str(r), "--benchmark", str(b), "--out", str(tmp_path / "o")], capsys)
    assert "380 rows" in msg and "400" in msg and "by position" in msg


def test_dated_inputs_say_how_many_rows_the_audit_used(csvs, tmp_path, capsys):
    bench = pd.read_csv(csvs["bench"]).iloc[10:]  # the benchmark starts 10 trades later
    p = tmp_path / "bench_late.csv"
    bench.to_csv(p, index=False)
    code = main(["audit", str(csvs["returns"]), "--benchmark", str(p), "--reps", "199", "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0 and f"the audit used {N - 10} of the {N} returns rows" in out


def test_console_script_prints_one_line_error(tmp_path):
    """The installed entry point: non-zero exit, a single stderr line, no traceback."""
    exe = Path(sys.executable).with_name("alphacheck")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "alphacheck.cli"]
    proc = subprocess.run(cmd + ["audit", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("alphacheck: error: returns file not found")


def test_compare_to_meaningful_alpha_turnover_and_threads(csvs, tmp_path, capsys):
    rng = np.random.default_rng(8)
    dates = pd.date_range("2021-01-03", periods=N, freq="9D")
    inc, turn = tmp_path / "incumbent.csv", tmp_path / "turnover.csv"
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "old": rng.normal(0.01, 0.06, N)}).to_csv(inc, index=False)
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "turnover": np.full(N, 2.0)}).to_csv(turn, index=False)
    out = tmp_path / "cmp"
    code = main(["audit", str(csvs["returns"]), "--benchmark", str(csvs["bench"]), "--compare-to", str(inc),
                 "--meaningful-alpha", "0.004", "--cost-bps", "10", "--cost-per", "turnover", "--turnover", str(turn),
                 "--n-jobs", "1", "--reps", "299", "--out", str(out)])
    assert code == 0, capsys.readouterr()
    md = (out / "report.md").read_text()
    assert "sharpe_diff" in md and "diebold_mariano" in md
    assert "0.004" in md  # the margin the equivalence test used
    # cost_per turnover without the series: the library's error in CLI words
    line = _bad(["audit", str(csvs["returns"]), "--cost-per", "turnover", "--out", str(tmp_path / "x")], capsys)
    assert "--cost-per turnover" in line


def test_a_turnover_file_with_several_columns_names_its_option(csvs, tmp_path, capsys):
    dates = pd.date_range("2021-01-03", periods=N, freq="9D")
    turn = tmp_path / "turn2.csv"
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "a": np.ones(N), "b": np.ones(N)}).to_csv(turn, index=False)
    line = _bad(["audit", str(csvs["returns"]), "--cost-per", "turnover", "--turnover", str(turn),
                 "--out", str(tmp_path / "x")], capsys)
    assert "--turnover-column" in line


def test_an_unsorted_file_is_sorted_and_the_cli_says_so(csvs, tmp_path, capsys):
    """The Python API refuses unsorted dates; the CLI reads a file's rows in date order and now says it did."""
    df = pd.read_csv(csvs["returns"])
    p = tmp_path / "shuffled.csv"
    df.sample(frac=1.0, random_state=0).to_csv(p, index=False)
    code = main(["audit", str(p), "--reps", "199", "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0 and "returns: rows were not in date order; sorted by date" in out
