"""The CLI end to end on the bundled data (about 10 s with reduced replicates) and its error path."""

from __future__ import annotations

import base64
import re

import pytest

from cascade_study.cli import main
from cascade_study.figures import FIGURES
from cascade_study.seed import SEED


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cascade_report")
    code = main(["run", "--out", str(out), "--reps", "199", "--seed", "3"])
    assert code == 0
    return out


def test_run_writes_report_and_ten_figures(run_dir, capsys):
    pngs = sorted(p.name for p in (run_dir / "figures").glob("*.png"))
    assert pngs == sorted(f"{name}.png" for name, _ in FIGURES)
    assert len(pngs) == 10
    for p in (run_dir / "figures").glob("*.png"):
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (run_dir / "report.md").read_text()
    html = (run_dir / "report.html").read_text()
    for name, _ in FIGURES:
        assert f"figures/{name}.png" in md
    imgs = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert len(imgs) == 10 and all(base64.b64decode(i)[:4] == b"\x89PNG" for i in imgs)
    assert "<script" not in html and "http" not in html.split("<body>")[1]


def test_report_content_has_seed_numbers_verdicts_and_rules(run_dir):
    md = (run_dir / "report.md").read_text()
    assert "FINAL VERDICT" in md
    assert "verdict agrees?" in md
    assert "One trade at a time" in md                  # merging rule stated
    assert "returns excluded because of data gaps" in md
    assert md.count("seed") > 20
    for key in ("alt_mean", "beta", "alpha_p", "max_dd", "ls_mean"):
        assert SEED[key].label in md and SEED[key].fmt() in md
    for n in (4, 15, 36, 84):                           # event counts per level beside the seed's
        assert f"| {n} |" in md
    # 0.2: Exp 06 reports the studentised bootstrap alpha beside the HAC one, and the volatility control
    # as a centred state variable
    assert "studentised paired stationary bootstrap p =" in md
    assert "centred state variable (the alpha is at the average volatility)" in md


def test_run_prints_where_outputs_went(tmp_path, capsys):
    code = main(["run", "--out", str(tmp_path / "o"), "--reps", "99"])
    out = capsys.readouterr().out
    assert code == 0
    assert str(tmp_path / "o" / "report.md") in out and str(tmp_path / "o" / "report.html") in out
    assert "verdict:" in out


def test_missing_data_dir_is_a_one_line_error(tmp_path, capsys):
    code = main(["run", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("cascade-study: error: --data") and "\n" not in err


def test_bad_reps_is_a_one_line_error(tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path), "--reps", "5"]) == 2
    assert "--reps" in capsys.readouterr().err


def test_info_prints_gap_counts(capsys):
    assert main(["info"]) == 0
    assert "returns excluded" in capsys.readouterr().out
