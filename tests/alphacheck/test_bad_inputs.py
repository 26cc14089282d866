"""Issue 9: every row of the bad-input table, with the new behaviour (docs/bad-inputs.md).

Python API rows call :func:`alphacheck.audit` (and the function named in the row); CLI rows run
``alphacheck audit`` / ``cascade-study`` in-process and check the one-line error (exit 2, no traceback).
"""

from __future__ import annotations

import gzip
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alphacheck as ac
from alphacheck._plausibility import ImplausibleReturnsError
from alphacheck.cli import main as alphacheck_main
from alphacheck.cli import read_table
from tests.alphacheck import plausibility_series as ps

REPS = 199


@pytest.fixture(scope="module")
def daily():
    """Bundled BTC and ETH daily closes and returns (2,363 days of ETH/BTC), as in the issue."""
    md = ps.market()
    close = md.close[["BTC", "ETH"]].resample("1D").last().dropna()
    rets = close.pct_change().dropna()
    return close.loc[rets.index], rets


def _refused(call, argument, kind=None, fragment=None):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warning before the refusal
        with pytest.raises(ImplausibleReturnsError) as info:
            call()
    err = info.value
    assert err.argument == argument, str(err)
    assert "check_returns=False" in str(err)
    if kind is not None:
        assert err.kind == kind, str(err)
    if fragment is not None:
        assert fragment in str(err), str(err)
    return err


def _cli_error(args, capsys, fragment=None) -> str:
    code = alphacheck_main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alphacheck: error: ") and "Traceback" not in err, err
    if fragment:
        assert fragment in lines[0], lines[0]
    return lines[0]


def _write(path: Path, s: pd.Series, **kw) -> Path:
    pd.DataFrame({"date": s.index.strftime("%Y-%m-%d"), "value": s.to_numpy()}).to_csv(path, index=False, **kw)
    return path


# ------------------------------------------------------------------------------------------ python API rows
def test_price_ratio_as_returns(daily, tmp_path, capsys):
    close, rets = daily
    ratio = close["ETH"] / close["BTC"]
    assert 0.015 < ratio.min() < 0.02 and 0.085 < ratio.max() < 0.09  # the 0.017-0.088
    _refused(lambda: ac.audit(ratio, rets["BTC"], reps=REPS), "returns", "prices", "pct_change()")
    _refused(lambda: ac.audit(ratio.to_numpy(), rets["BTC"].to_numpy(), reps=REPS), "returns")  # no dates either
    ac.audit(rets["ETH"], rets["BTC"], reps=REPS)  # the returns themselves pass
    msg = _cli_error(["audit", str(_write(tmp_path / "r.csv", ratio)), "--benchmark",
                      str(_write(tmp_path / "b.csv", rets["BTC"])), "--out", str(tmp_path / "o")], capsys)
    assert "--no-check-returns" in msg and "check_returns=False" not in msg


def test_cumulative_return_column(daily):
    _, rets = daily
    cum = (1 + rets["BTC"]).cumprod() - 1
    window = cum.loc[:cum[cum > 0.57].index[0]]  # 0 -> 0.57, as in the issue
    assert window.iloc[-1] > 0.57 and abs(window.iloc[0]) < 0.1
    _refused(lambda: ac.audit(window, rets["BTC"].loc[window.index], reps=REPS), "returns", "cumulative",
             "(1 + returns).pct_change()")
    _refused(lambda: ac.audit(cum, rets["BTC"], reps=REPS), "returns", "cumulative")


def test_equity_curve_divided_by_100(daily):
    _, rets = daily
    eq = (1 + rets["ETH"]).cumprod() / 100
    eq = eq.loc[:eq[eq > 0.14].index[0]]  # 0.01 -> 0.14
    _refused(lambda: ac.audit(eq, rets["BTC"].loc[eq.index], reps=REPS), "returns", "prices", "pct_change()")


def test_position_series(daily):
    close, rets = daily
    pos = (close["ETH"] > close["ETH"].rolling(20).mean()).astype(float).iloc[20:]
    _refused(lambda: ac.audit(pos, reps=REPS), "returns", "positions", "position.shift(1) * asset_returns")
    _refused(lambda: ac.audit(np.sign(rets["ETH"]), rets["BTC"], reps=REPS), "returns", "positions")


def test_real_prices_no_warning_no_traceback(daily, tmp_path, capsys):
    close, _ = daily
    _refused(lambda: ac.audit(close["BTC"], reps=REPS), "returns", "prices")
    _refused(lambda: ac.mean_test(close["BTC"].to_numpy(), reps=REPS), "returns", "prices")
    _cli_error(["audit", str(_write(tmp_path / "p.csv", close["BTC"])), "--out", str(tmp_path / "o")], capsys,
               "returns: these values look like prices")


def test_benchmark_as_prices(daily):
    close, rets = daily
    _refused(lambda: ac.audit(rets["ETH"], close["BTC"], reps=REPS), "benchmark", "prices")
    _refused(lambda: ac.jensen_alpha(rets["ETH"], close["BTC"]), "benchmark")


def test_percent_units(daily):
    _, rets = daily
    _refused(lambda: ac.audit(rets["ETH"] * 100, rets["BTC"], reps=REPS), "returns", "percent", "returns / 100")
    # a low-volatility strategy in percent: collecting BTC's funding on a delta-hedged position, per day
    carry = ps.carry()["carry binance BTC daily"]
    ac.audit(carry, reps=REPS)  # as fractions: fine
    err = _refused(lambda: ac.audit(carry * 100, reps=REPS), "returns", "percent")
    assert "of the 2,486 periods gain" in str(err)
    # and a synthetic one (0.1 % daily sd, 3 bp a day): its compounding in percent is impossible
    rng = np.random.default_rng(4)
    low = pd.Series(rng.normal(0.0003, 0.001, 2_363), index=pd.date_range("2019-06-12", periods=2_363))
    ac.audit(low, reps=REPS)
    _refused(lambda: ac.audit(low * 100, reps=REPS), "returns", "percent", "standard errors")


def test_percent_benchmark_fraction_strategy(daily, tmp_path):
    _, rets = daily
    strat = 1.1 * rets["BTC"] + np.random.default_rng(1).normal(0, 0.01, len(rets))
    _refused(lambda: ac.audit(strat, rets["BTC"] * 100, reps=REPS), "benchmark", "percent")
    # a calm benchmark in percent passes every single-series rule; the pair rule names it
    rng = np.random.default_rng(2)
    calm = pd.Series(rng.normal(0.0003, 0.003, 2_000), index=pd.bdate_range("2015-01-01", periods=2_000))
    tracker = 1.1 * calm + rng.normal(0, 0.0015, calm.size)
    ac.mean_test(calm * 100, reps=REPS)  # alone it could be returns
    err = _refused(lambda: ac.audit(tracker, calm * 100, reps=REPS), "benchmark", "percent", "Divide benchmark by 100")
    assert err.rule == "pair"
    _refused(lambda: ac.spread_test(tracker, calm * 100, reps=REPS), "short")
    rep = ac.audit(tracker, calm, reps=REPS)  # in fractions: beta near the truth 1.10, and the report saves
    assert rep.checks["jensen_alpha"].numbers["beta"] == pytest.approx(1.1, abs=0.05)
    rep.save(tmp_path / "report")


def test_nan_message_fits_the_call(daily):
    _, rets = daily
    gappy = rets["ETH"].copy()
    gappy.iloc[10] = np.nan
    for call in (lambda: ac.audit(gappy, rets["BTC"], reps=REPS), lambda: ac.audit(gappy, reps=REPS),
                 lambda: ac.mean_test(gappy, reps=REPS), lambda: ac.jensen_alpha(gappy, rets["BTC"])):
        with pytest.raises(ac.InputError) as info:
            call()
        assert "nan_policy" not in str(info.value) and "dropna" in str(info.value)
        assert str(gappy.index[10].date()) in str(info.value)  # where the first one is
    with pytest.raises(ac.InputError, match="nan_policy='omit'"):
        ac.ic_test(gappy, rets["BTC"])
    ac.ic_test(gappy, rets["BTC"], nan_policy="omit")


def test_alignment_messages(daily):
    _, rets = daily
    aware, naive = rets["ETH"], rets["BTC"].tz_convert(None)  # the bundled dates are UTC
    with pytest.raises(ac.InputError, match="time-zone-aware and tz-naive") as info:
        ac.audit(aware, naive, reps=REPS)
    assert "time zone UTC" in str(info.value)
    with pytest.raises(ac.InputError, match="different index types") as info:
        ac.jensen_alpha(rets["ETH"], rets["BTC"].reset_index(drop=True))
    assert "DatetimeIndex" in str(info.value) and "RangeIndex" in str(info.value)
    later = rets["BTC"].copy()
    later.index = later.index + pd.Timedelta(days=4_000)
    with pytest.raises(ac.InputError, match="do not overlap") as info:
        ac.jensen_alpha(rets["ETH"], later)
    first, last = rets.index[0].date(), rets.index[-1].date()
    assert f"returns covers {first} .. {last}" in str(info.value)
    assert f"benchmark covers {later.index[0].date()} .. {later.index[-1].date()}" in str(info.value)


# ------------------------------------------------------------------------------------------------ CLI rows
def _frame(rets: pd.Series, fmt: str) -> pd.DataFrame:
    return pd.DataFrame({"date": rets.index.strftime(fmt), "ret": rets.to_numpy()})


def test_day_first_dates_are_never_read_month_first(daily, tmp_path, capsys):
    _, rets = daily
    strat = (1.1 * rets["BTC"] + np.random.default_rng(3).normal(0, 0.02, len(rets))).rename("ret")
    _frame(strat, "%d/%m/%Y").to_csv(tmp_path / "r.csv", index=False)
    _frame(rets["BTC"], "%d/%m/%Y").to_csv(tmp_path / "b.csv", index=False)
    notes: list[str] = []
    got = read_table(tmp_path / "r.csv", "returns", notes=notes)
    assert got.index.equals(pd.DatetimeIndex(strat.index.tz_localize(None), name="date"))
    assert any("day/month/year" in n for n in notes)
    code = alphacheck_main(["audit", str(tmp_path / "r.csv"), "--benchmark", str(tmp_path / "b.csv"),
                            "--reps", str(REPS), "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0 and "read: returns: dates read as day/month/year" in out
    beta = float(re.search(r"beta = ([0-9.]+)", out).group(1))
    assert beta == pytest.approx(1.1, abs=0.05)  # the truth, not 0.615
    # only days <= 12: ambiguous -> an error naming the first ambiguous row, unless --date-format is given
    july = strat.loc["2020-07-01":"2020-07-12"]
    _frame(july, "%d/%m/%Y").to_csv(tmp_path / "amb.csv", index=False)
    msg = _cli_error(["audit", str(tmp_path / "amb.csv"), "--out", str(tmp_path / "o")], capsys, "--date-format")
    assert "row 1 ('01/07/2020')" in msg and "1 Jul or 7 Jan" in msg, msg
    ok = read_table(tmp_path / "amb.csv", "returns", date_format="%d/%m/%Y")
    assert ok.index[1] == july.index[1].tz_localize(None)
    # a month-first file is read month-first when a row proves it
    _frame(strat, "%m/%d/%Y").to_csv(tmp_path / "mdy.csv", index=False)
    assert read_table(tmp_path / "mdy.csv", "returns").index.equals(got.index)


def test_headerless_csv(daily, tmp_path):
    _, rets = daily
    _frame(rets["BTC"], "%Y-%m-%d").to_csv(tmp_path / "nh.csv", index=False, header=False)
    got = read_table(tmp_path / "nh.csv", "returns")
    assert len(got) == len(rets) and got.iloc[0, 0] == pytest.approx(rets["BTC"].iloc[0])
    pd.DataFrame({"r": rets["BTC"].to_numpy()}).to_csv(tmp_path / "one.csv", index=False, header=False)
    assert len(read_table(tmp_path / "one.csv", "returns")) == len(rets)


def test_semicolon_and_decimal_comma(daily, tmp_path, capsys):
    _, rets = daily
    _frame(rets["BTC"], "%d.%m.%Y").to_csv(tmp_path / "x.csv", index=False, sep=";", decimal=",")
    got = read_table(tmp_path / "x.csv", "returns")
    np.testing.assert_allclose(got["ret"].to_numpy(), rets["BTC"].to_numpy(), rtol=1e-12)
    _frame(rets["BTC"], "%Y-%m-%d").to_csv(tmp_path / "t.tsv", index=False, sep="\t", decimal=",")
    assert len(read_table(tmp_path / "t.tsv", "returns")) == len(rets)
    # one column of '0,01': delimiter or decimal comma? an error asking for --sep and --decimal
    (tmp_path / "c.csv").write_text("\n".join(f"{v:.4f}".replace(".", ",") for v in rets["BTC"].iloc[:50]) + "\n")
    _cli_error(["audit", str(tmp_path / "c.csv"), "--out", str(tmp_path / "o")], capsys, "--sep and --decimal")
    got = read_table(tmp_path / "c.csv", "returns", sep=";", decimal=",")
    assert len(got) == 50


def test_directory_unreadable_and_truncated_files(daily, tmp_path, capsys, monkeypatch):
    _, rets = daily
    (tmp_path / "folder").mkdir()
    _cli_error(["audit", str(tmp_path / "folder"), "--out", str(tmp_path / "o")], capsys, "is a directory")
    raw = gzip.compress(_frame(rets["BTC"], "%Y-%m-%d").to_csv(index=False).encode())
    (tmp_path / "cut.csv.gz").write_bytes(raw[: len(raw) // 2])
    _cli_error(["audit", str(tmp_path / "cut.csv.gz"), "--out", str(tmp_path / "o")], capsys, "cut.csv.gz")
    (tmp_path / "bin.csv").write_bytes(b"\x00\x01\x02" * 100)
    _cli_error(["audit", str(tmp_path / "bin.csv"), "--out", str(tmp_path / "o")], capsys, "bin.csv")
    locked = _write(tmp_path / "locked.csv", rets["BTC"])

    def deny(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)  # root can read anything: simulate the unreadable file
    _cli_error(["audit", str(locked), "--out", str(tmp_path / "o")], capsys, "permission denied")


def test_argument_errors_are_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        alphacheck_main(["audit", "x.csv", "--reps", "many", "--out", str(tmp_path)])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("alphacheck: error: argument --reps")


# ------------------------------------------------------------------------------------------ cascade-study rows
UNIVERSE_SYMBOLS = ("BTC", "ETH", "SOL", "XRP", "DOGE", "BNB", "ADA", "AVAX", "LINK", "DOT", "LTC", "UNI", "ATOM",
                    "NEAR", "FIL", "FTM")


def _shared_dir(root: Path, synth, funding_for=UNIVERSE_SYMBOLS) -> Path:
    kl = root / "klines_1h"
    kl.mkdir(parents=True)
    for k, s in enumerate(UNIVERSE_SYMBOLS):
        b = synth.make_bars(200, seed=k, price=10.0 * (k + 1))
        df = b.copy()
        df.insert(0, "open_time", b.index.strftime("%Y-%m-%dT%H:%M:%SZ"))
        market = "spot" if s == "FTM" else "perp"
        with gzip.open(kl / f"{s}USDT_1h_{market}.csv.gz", "wt") as fh:
            df.to_csv(fh, index=False)
    if funding_for:
        fu = root / "funding"
        fu.mkdir()
        times = pd.date_range("2024-01-01", periods=25, freq="8h", tz="UTC")
        for s in funding_for:
            with gzip.open(fu / f"{s}USDT_funding_binance.csv.gz", "wt") as fh:
                fh.write("funding_time,funding_rate\n")
                fh.writelines(f"{t.strftime('%Y-%m-%dT%H:%M:%SZ')},0.0001\n" for t in times)
    return root


@pytest.fixture
def synth():
    from types import SimpleNamespace

    from tests.cascade_study.conftest import make_bars
    return SimpleNamespace(make_bars=make_bars)


def _study_error(args, capsys, fragment) -> str:
    from cascade_study.cli import main as study_main

    code = study_main(args)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("cascade-study: error: "), err
    assert "Traceback" not in err and fragment in lines[0], lines[0]
    return lines[0]


def test_cascade_truncated_file_names_it(tmp_path, synth, capsys):
    d = _shared_dir(tmp_path / "data", synth)
    f = d / "klines_1h" / "ETHUSDT_1h_perp.csv.gz"
    f.write_bytes(f.read_bytes()[:300])
    _study_error(["run", "--data", str(d), "--out", str(tmp_path / "o")], capsys, "ETHUSDT_1h_perp.csv.gz")
    _study_error(["info", "--data", str(d)], capsys, "truncated or corrupt")


def test_cascade_missing_funding_folder_is_an_error(tmp_path, synth, capsys):
    d = _shared_dir(tmp_path / "data", synth, funding_for=())
    _study_error(["run", "--data", str(d), "--out", str(tmp_path / "o")], capsys, "funding")
    from cascade_study.data import DataError, load_market_data
    from cascade_study.study import require_study_data

    md = load_market_data(d)
    assert any("funding folder is missing" in w for w in md.meta["warnings"])
    with pytest.raises(DataError, match=r"funding/.*cannot run without it"):
        require_study_data(md)


def test_cascade_symbol_without_funding_is_a_warning(tmp_path, synth, capsys):
    from cascade_study.cli import main as study_main
    from cascade_study.data import load_market_data
    from cascade_study.study import data_summary

    d = _shared_dir(tmp_path / "data", synth, funding_for=[s for s in UNIVERSE_SYMBOLS if s != "SOL"])
    assert study_main(["info", "--data", str(d)]) == 0
    err = capsys.readouterr().err
    assert "cascade-study: warning: SOL: no Binance funding file" in err
    md = load_market_data(d)
    summary, warnings_ = data_summary(md)
    assert summary["warnings"] == list(warnings_) and len(warnings_) == 1 and warnings_[0].startswith("SOL:")
    # the spot-only FTM is exempt; the bundled data have no warning at all
    assert not any(w.startswith("FTM") for w in warnings_)
    assert data_summary(ps.market())[1] == ()


def test_cascade_data_path_errors(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("x")
    _study_error(["run", "--data", str(f), "--out", str(tmp_path / "o")], capsys, "is a file")
    _study_error(["run", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "o")], capsys, "not found")


# ------------------------------------------------------------------------------------------ costs and trials
@pytest.mark.parametrize("cost_per", ["trade", "observation", "turnover"])
def test_costs_are_printed_in_their_unit_everywhere(cost_per):
    rng = np.random.default_rng(5)
    idx = pd.bdate_range("2020-01-01", periods=400)
    b = pd.Series(rng.normal(0.0005, 0.01, 400), index=idx)
    s = 0.4 * b + rng.normal(0.0015, 0.006, 400)
    kw = dict(turnover=pd.Series(np.full(400, 0.5), index=idx)) if cost_per == "turnover" else {}
    rep = ac.audit(s, b, cost_bps=5, cost_per=cost_per, reps=REPS, **kw)
    unit = {"trade": "per trade", "observation": "per observation", "turnover": "per unit of turnover"}[cost_per]
    text = "\n".join([rep.summary(), rep.to_markdown(), *rep.reasons])
    hits = list(re.finditer(r"\d bp\b(.{0,25})", text))
    assert len(hits) >= 3
    for m in hits:  # every cost in bp is followed by its unit
        assert m.group(1).startswith(f" {unit}"), text[max(m.start() - 80, 0):m.end() + 20]
    assert rep.settings["cost unit"].startswith(unit)


def test_n_trials_one_adds_the_selection_question():
    rng = np.random.default_rng(6)
    s = pd.Series(rng.normal(0.003, 0.01, 500), index=pd.bdate_range("2020-01-01", periods=500))
    rep = ac.audit(s, reps=REPS)
    assert rep.verdict == "significant, beta untested"
    note = [r for r in rep.reasons if r.startswith("note — n_trials = 1")]
    assert note and "how many variants" in note[0]
    assert not any("n_trials = 1" in r for r in ac.audit(s, n_trials=20, reps=REPS).reasons)
    noise = pd.Series(rng.normal(0, 0.01, 500), index=s.index)
    assert not any("n_trials = 1" in r for r in ac.audit(noise, reps=REPS).reasons)  # nothing significant


# --------------------------------------------------------------------------------------------------
# found by a new-user trial (0.2 review): exact fits, calendars that do not match, sub-periods, the rest


def _plain_refusal(call, argument, fragment):
    with pytest.raises(ac.InputError) as info:
        call()
    assert info.value.argument == argument, str(info.value)
    assert fragment in str(info.value), str(info.value)
    return info.value


def test_exact_fit_is_refused_in_every_regression():
    idx = pd.bdate_range("2020-01-01", periods=500)
    b = pd.Series(np.random.default_rng(3).normal(0.0008, 0.01, 500), idx)
    state = b.rolling(5).std().bfill()
    for call in (lambda: ac.audit(1.5 * b, benchmark=b, reps=REPS), lambda: ac.jensen_alpha(b, b),
                 lambda: ac.jensen_alpha(1.5 * b, b, method="bootstrap", reps=REPS),
                 lambda: ac.rolling_alpha(1.5 * b, b, window=100),
                 lambda: ac.conditional_alpha(1.5 * b, b, states=state),
                 lambda: ac.factor_alpha(pd.concat([b, 2 * b + 0.001], axis=1), pd.concat([b, state], axis=1))):
        _plain_refusal(call, "returns", "R² = 1")
    # a tight tracker is not an exact fit: tracking error 1e-3 of the benchmark's volatility still runs
    tracker = b + np.random.default_rng(4).normal(0, 1e-5, 500)
    assert 0 < ac.jensen_alpha(tracker, b).pvalue <= 1


def test_calendars_that_do_not_match_are_refused():
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2020-01-01", periods=1000)
    b = pd.Series(rng.normal(0.0015, 0.01, 1000), idx)
    r = b + rng.normal(0, 0.004, 1000)
    late = b.copy()
    late.index = late.index + pd.Timedelta(days=1)  # Friday's return lands on Saturday: 200 dates lost
    err = _plain_refusal(lambda: ac.audit(r, benchmark=late, reps=REPS), "returns", "different calendars")
    assert "200 of its 999" in str(err)
    weekly = (1 + b).resample("W-FRI").prod() - 1
    _plain_refusal(lambda: ac.jensen_alpha(r, weekly), "returns", "different calendars or frequencies")
    seven_day = pd.Series(rng.normal(0, 0.01, 1400), pd.date_range("2020-01-01", periods=1400, freq="D"))
    _plain_refusal(lambda: ac.jensen_alpha(seven_day, b), "returns", "different calendars")  # weekends dropped
    # a longer history on one side is trimmed (outside the common span), and a few holidays pass
    longer = pd.Series(rng.normal(0, 0.01, 3000), pd.bdate_range("2012-01-02", periods=3000))
    assert ac.jensen_alpha(r.iloc[-500:].set_axis(longer.index[-500:]), longer).n == 500
    holidays = b.drop(b.index[::40])  # 2.5 % of the dates missing on one side
    assert ac.jensen_alpha(r, holidays).n == 975


def test_audit_splits_are_validated():
    n = 600
    r = pd.Series(np.random.default_rng(0).normal(0.001, 0.01, n), pd.bdate_range("2020-01-01", periods=n))
    for bad, fragment in (("year", "splitter or a list"), (3, "splitter or a list"), ([["a"]], "integer positions"),
                          (np.arange(n) % 3, "np.flatnonzero"), ([[0.5, 1.5]], "integer positions"),
                          ([np.arange(10)], "at least two"), ([np.arange(5), np.arange(n, n + 5)], "outside")):
        _plain_refusal(lambda bad=bad: ac.audit(r, splits=bad, reps=REPS), "splits", fragment)
    rep = ac.audit(r, splits=[np.arange(300), np.arange(300, 600)], reps=REPS)
    assert "split 2" in rep.to_markdown()


def test_pbo_checks_its_trials_are_returns():
    x = np.random.default_rng(0).normal(0, 0.01, (800, 20))
    _refused(lambda: ac.pbo(100 * np.cumprod(1 + x, axis=0)), "trials[0]")
    assert ac.pbo(100 * np.cumprod(1 + x, axis=0), check_returns=False).pbo >= 0  # told otherwise, it runs


def test_impossible_settings_are_refused():
    _plain_refusal(lambda: ac.haircut_sharpe(1.0, n_obs=240, n_trials=10, periods_per_year=12, average_correlation=1.5),
                   "average_correlation", "[0, 1)")
    _plain_refusal(lambda: ac.deflated_sharpe_ratio_from_stats(0.1, n_obs=500, n_trials=10,
                                                               trial_sharpe_variance=0.01, kurtosis=0.0),
                   "kurtosis", "excess")
    r = np.random.default_rng(0).normal(0.001, 0.01, 300)
    _plain_refusal(lambda: ac.mean_test(r, null_value="0"), "null_value", "string")
    _plain_refusal(lambda: ac.audit(r, reps=REPS, meaningful_alpha=-1), "meaningful_alpha", ">= 0")
    # Giacomini-White's chi2 degrees of freedom count the test functions: collinear ones are refused
    n = 300
    idx = pd.date_range("2020-01-01", periods=n, freq="D")
    rng = np.random.default_rng(1)
    a, b, s = (pd.Series(rng.normal(size=n), idx) for _ in range(3))
    for states in (pd.concat([s, s], axis=1), pd.Series(1.0, idx), pd.concat([s, 2 * s + 1], axis=1)):
        _plain_refusal(lambda states=states: ac.giacomini_white(a, b, states=states), "states", "rank")
    assert ac.giacomini_white(a, b, states=s).details["q"] == 2


def test_family_and_comparison_settings_are_refused_by_name():
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.normal(0, 0.01, (300, 3)), columns=["a", "a", "b"])
    _plain_refusal(lambda: ac.model_confidence_set(x, reps=99), "losses", "duplicated column labels")
    _plain_refusal(lambda: ac.stepm(x, reps=99), "returns", "duplicated column labels")
    _plain_refusal(lambda: ac.false_discovery_control([True, False]), "pvalues", "booleans")
    y = rng.normal(0, 0.01, (300, 3))
    for test in (ac.spa, ac.stepm, ac.reality_check, ac.model_confidence_set):
        _plain_refusal(lambda test=test: test(y, reps=10), "reps", ">= 99")
    a, b = rng.normal(size=300), rng.normal(size=300)
    _plain_refusal(lambda: ac.diebold_mariano(a, b, horizon=12, maxlags=2), "maxlags", "horizon - 1 = 11")
    _plain_refusal(lambda: ac.diebold_mariano(a, b, horizon=300), "horizon", "half the sample")
