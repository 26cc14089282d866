"""Loaders: bundled copy, the ../shared/data layout, and data.binance.vision downloads.

Every loader returns a :class:`MarketData` and raises :class:`DataError` naming the file on any
missing/corrupt input. Nothing is forward filled or interpolated.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import codec
from .errors import DataError
from .market import PANELS, MarketData, assemble
from .universe import BTC, SPOT_ONLY, UNIVERSE, market_of

BUNDLE_DIR = Path(__file__).with_name("bundled")
HOUR_MS = 3_600_000
KLINE_COLS = ["open_time", "open", "high", "low", "close", "volume", "close_time", "quote_volume",
              "count", "taker_buy_volume", "taker_buy_quote_volume", "ignore"]


# ---------------------------------------------------------------------------- helpers
def _ms_index(ms: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(np.asarray(ms, dtype=np.int64), unit="ms", utc=True)).as_unit("ns")


def _check_bars(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """Validate a bar frame indexed by open time (UTC): on the hour, sorted, unique, finite."""
    idx = df.index
    if len(idx) == 0:
        raise DataError(f"{where}: no rows")
    ns = idx.as_unit("ns").asi8
    if (ns % (HOUR_MS * 10**6)).any():
        bad = idx[(ns % (HOUR_MS * 10**6)) != 0][0]
        raise DataError(f"{where}: non-hourly timestamp {bad} (expected 1h klines on the hour)")
    if not idx.is_monotonic_increasing or idx.has_duplicates:
        raise DataError(f"{where}: timestamps not sorted/unique")
    vals = df[list(PANELS)].to_numpy()
    if not np.isfinite(vals).all():
        raise DataError(f"{where}: NaN or non-numeric OHLCV values")
    return df


def _read_csv(src, where: str, **kw) -> pd.DataFrame:
    try:
        # pandas >= 3 parses decimals exactly (round trip) by default; checked against Python's
        # float() in tests/cascade_study/test_data.py
        return pd.read_csv(src, **kw)
    except (EOFError, zlib.error) as e:  # a .gz cut short: gzip raises EOFError, not OSError
        raise DataError(f"{where}: truncated or corrupt compressed file ({e})") from e
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError,
            ValueError) as e:
        raise DataError(f"{where}: cannot parse CSV ({e})") from e


# ---------------------------------------------------------------------------- funding coverage
#: a perp symbol whose Binance funding covers less than this share of its price history is reported
MIN_FUNDING_COVERAGE = 0.5
#: a longer time between two Binance settlements (8 h apart, 1-4 h for some symbols) inside a symbol's funding history
#: is reported: a month's file missing from a download left the funding features silently thinner
MAX_FUNDING_GAP = pd.Timedelta(days=3)
FUNDING_NEED = ("the funding features (funding_agg, fr_z, funding_disp, the CFI) and the strict, medium and "
                "loose cascade levels are built from Binance funding")


def funding_warnings(bars: dict, binance: dict, market: dict) -> list[str]:
    """Warnings for perp symbols without Binance funding or with funding over < 50 % of their bars.

    The study runs without them (the funding aggregate is a volume-weighted mean over the symbols that
    have a rate), but its funding features then rest on fewer symbols — said in the report's data section.
    Spot-only symbols (no perp, so no funding expected) are exempt.
    """
    out = []
    for s, b in bars.items():
        if market.get(s) == "spot" or s in SPOT_ONLY or len(b) == 0:
            continue
        f = binance.get(s)
        if f is None or len(f) == 0:
            out.append(f"{s}: no Binance funding file — {s} is left out of the funding features "
                       "(funding_agg, fr_z, funding_disp, CFI)" + ("; funding_btc is empty" if s == BTC else ""))
            continue
        span = (b.index[-1] - b.index[0]).total_seconds()
        lo, hi = max(b.index[0], f.index[0]), min(b.index[-1], f.index[-1])
        covered = max((hi - lo).total_seconds(), 0.0) / span if span > 0 else 1.0
        if covered < MIN_FUNDING_COVERAGE:
            out.append(f"{s}: Binance funding covers only {covered:.0%} of its price history "
                       f"({f.index[0].date()} .. {f.index[-1].date()}, {len(f):,} settlements); outside it {s} is "
                       "left out of the funding features")
            continue
        step = pd.Series(f.index, index=f.index).diff()
        holes = step[step > MAX_FUNDING_GAP]
        if len(holes):  # e.g. a month's funding file missing from a download
            end = holes.idxmax()
            out.append(f"{s}: Binance funding has {len(holes)} gap(s) longer than {MAX_FUNDING_GAP.days} days inside "
                       f"its history (largest {holes.max().days} days, {(end - holes.max()).date()} .. {end.date()}); "
                       f"the funding features have no {s} settlement there")
    return out


def _require(df: pd.DataFrame, cols, where: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"{where}: missing column(s) {missing}; found {list(df.columns)}")


def _numeric(df: pd.DataFrame, cols, where: str) -> pd.DataFrame:
    for c in cols:
        if not pd.api.types.is_numeric_dtype(df[c]):
            conv = pd.to_numeric(df[c], errors="coerce")
            if conv.isna().any():
                raise DataError(f"{where}: non-numeric values in column {c!r}")
            df[c] = conv
    return df


def _epoch_ms(values: pd.Series, where: str) -> np.ndarray:
    """Binance epoch times: ms, or µs (values > 1e14) as used by newer data.binance.vision files."""
    v = pd.to_numeric(values, errors="coerce")
    if v.isna().any():
        raise DataError(f"{where}: unparsable epoch timestamps")
    v = v.to_numpy(dtype=np.int64)
    return np.where(v > 10**14, v // 1000, v)


# ---------------------------------------------------------------------------- shared layout
def read_shared_klines(path: Path) -> pd.DataFrame:
    """One ``klines_1h/<SYM>USDT_1h_<market>.csv.gz`` file -> bars indexed by UTC open time."""
    where = str(path)
    df = _read_csv(path, where)
    _require(df, ["open_time", *PANELS], where)
    _numeric(df, PANELS, where)
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(df["open_time"], utc=True, format="ISO8601")).as_unit("ns")
    except (ValueError, TypeError) as e:
        raise DataError(f"{where}: unparsable open_time ({e})") from e
    out = pd.DataFrame({c: df[c].to_numpy(np.float64) for c in PANELS}, index=idx)
    return _check_bars(out, where)


def read_shared_funding(path: Path) -> pd.Series:
    """A shared-layout funding file -> rate per settlement, indexed by settlement time (UTC).

    Binance files carry ``funding_time_ms`` (exact); Bybit/Hyperliquid only ISO ``funding_time``.
    """
    where = str(path)
    df = _read_csv(path, where)
    _require(df, ["funding_time", "funding_rate"], where)
    _numeric(df, ["funding_rate"], where)
    try:
        if "funding_time_ms" in df.columns:
            idx = _ms_index(_epoch_ms(df["funding_time_ms"], where))
        else:
            idx = pd.DatetimeIndex(pd.to_datetime(df["funding_time"], utc=True, format="ISO8601")).as_unit("ns")
    except (ValueError, TypeError) as e:
        raise DataError(f"{where}: unparsable funding_time ({e})") from e
    s = pd.Series(df["funding_rate"].to_numpy(np.float64), index=idx, name="funding_rate")
    if not s.index.is_monotonic_increasing or s.index.has_duplicates:
        s = s[~s.index.duplicated(keep="last")].sort_index()
    return s


def shared_files(data_dir: Path, symbols=UNIVERSE) -> dict:
    """The files of the ../shared/data layout used for ``symbols`` (missing ones left out)."""
    d = Path(data_dir)
    kl, fund = {}, {"binance": {}, "bybit": {}, "hyperliquid": {}}
    for s in symbols:
        p = d / "klines_1h" / f"{s}USDT_1h_{market_of(s)}.csv.gz"
        if p.exists():
            kl[s] = p
        for ex, name in (("binance", f"{s}USDT_funding_binance.csv.gz"),
                         ("bybit", f"{s}USDT_funding_bybit.csv.gz"),
                         ("hyperliquid", f"{s}_funding_hyperliquid.csv.gz")):
            p = d / "funding" / name
            if p.exists():
                fund[ex][s] = p
    return {"klines": kl, "funding": fund}


def load_shared(data_dir, symbols=UNIVERSE) -> MarketData:
    """Load the ``../shared/data`` layout (``klines_1h/*.csv.gz``, ``funding/*.csv.gz``).

    Klines: ``<SYM>USDT_1h_perp.csv.gz`` (``_spot`` for FTM). The UNI spot file is not used.
    """
    d = Path(data_dir)
    files = shared_files(d, symbols)
    missing = [s for s in symbols if s not in files["klines"]]
    if not files["klines"]:
        raise DataError(f"{d}: no klines_1h/<SYM>USDT_1h_<market>.csv.gz files found")
    if missing:
        raise DataError(f"{d / 'klines_1h'}: no kline file for {missing}")
    bars = {s: read_shared_klines(p) for s, p in files["klines"].items()}
    funding = {ex: {s: read_shared_funding(p) for s, p in per.items()}
               for ex, per in files["funding"].items()}
    market = {s: market_of(s) for s in bars}
    warnings = funding_warnings(bars, funding["binance"], market)
    if not funding["binance"]:
        where = d / "funding"
        what = "folder is missing" if not where.is_dir() else "holds no <SYM>USDT_funding_binance.csv.gz file"
        warnings = [f"{where}: the funding {what}; {FUNDING_NEED}"]
    return assemble(bars, market, funding, symbol_order=symbols,
                    meta={"source": str(d), "layout": "shared", "warnings": tuple(warnings)})


# ---------------------------------------------------------------------------- binance vision
_KLINE_RE = re.compile(r"^(?P<sym>[A-Z0-9]+?)USDT-1h-(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?\.(?:zip|csv)$")
_FUND_RE = re.compile(r"^(?P<sym>[A-Z0-9]+?)USDT-fundingRate-(?P<y>\d{4})-(?P<m>\d{2})\.(?:zip|csv)$")
_OTHER_FUND_RE = re.compile(r"^(?P<sym>[A-Z0-9]+?)(?:USDT)?_funding_(?P<ex>bybit|hyperliquid)\.csv(?:\.gz)?$")


def _open_text(path: Path) -> tuple[str, str]:
    """Return (text, where) for a .csv or a .zip holding one .csv."""
    where = str(path)
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                names = [n for n in z.namelist() if n.lower().endswith(".csv")]
                if not names:
                    raise DataError(f"{where}: zip holds no .csv member")
                where = f"{path}!{names[0]}"
                return z.read(names[0]).decode("utf-8"), where
        return path.read_text("utf-8"), where
    except (zipfile.BadZipFile, EOFError, zlib.error) as e:
        raise DataError(f"{where}: corrupt zip or truncated file ({e})") from e
    except UnicodeDecodeError as e:
        raise DataError(f"{where}: not a text CSV ({e})") from e


def _has_header(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0].split(",", 1)[0].strip()
    try:
        float(first)
        return False
    except ValueError:
        return True


def read_vision_klines(path: Path) -> pd.DataFrame:
    """One data.binance.vision 1h kline file (.zip or .csv, with or without header row)."""
    text, where = _open_text(path)
    if not text.strip():
        raise DataError(f"{where}: empty file")
    if _has_header(text):
        df = _read_csv(io.StringIO(text), where)
        _require(df, ["open_time", *PANELS], where)
    else:
        df = _read_csv(io.StringIO(text), where, header=None)
        if df.shape[1] < 6:
            raise DataError(f"{where}: expected >= 6 columns (open_time..volume), got {df.shape[1]}")
        df.columns = KLINE_COLS[:df.shape[1]] + [f"extra{i}" for i in range(df.shape[1] - len(KLINE_COLS))]
    _numeric(df, PANELS, where)
    idx = _ms_index(_epoch_ms(df["open_time"], where))
    out = pd.DataFrame({c: df[c].to_numpy(np.float64) for c in PANELS}, index=idx)
    return _check_bars(out, where)


def read_vision_funding(path: Path) -> pd.Series:
    """One data.binance.vision fundingRate file (calc_time, funding_interval_hours, last_funding_rate)."""
    text, where = _open_text(path)
    df = _read_csv(io.StringIO(text), where)
    _require(df, ["calc_time", "last_funding_rate"], where)
    _numeric(df, ["last_funding_rate"], where)
    idx = _ms_index(_epoch_ms(df["calc_time"], where))
    return pd.Series(df["last_funding_rate"].to_numpy(np.float64), index=idx, name="funding_rate")


def _sort_key(m: re.Match, path: Path):
    return (int(m["y"]), int(m["m"]), 0 if m.groupdict().get("d") is None else 1,
            int(m.groupdict().get("d") or 0), str(path))


def _stitch_bars(frames: list[pd.DataFrame], where: str) -> tuple[pd.DataFrame, int]:
    """Concatenate file frames in file order; on duplicated hours keep the later file.

    Returns the bars and the number of duplicated hours whose values disagreed.
    """
    allb = pd.concat(frames)
    dup_last = allb.index.duplicated(keep="last")
    conflicts = 0
    if dup_last.any():
        dups = allb[allb.index.duplicated(keep=False)]
        conflicts = int((dups.groupby(level=0).nunique() > 1).any(axis=1).sum())
    out = allb[~dup_last].sort_index()
    return _check_bars(out, where), conflicts


def load_binance_vision(data_dir, symbols=None) -> MarketData:
    """Load data.binance.vision downloads found anywhere under ``data_dir``.

    Recognised files (``.zip`` or unzipped ``.csv``), matched by file name, so the root may be the
    directory holding ``futures/``, ``data/futures/``, or a flat directory:
    ``<SYM>USDT-1h-YYYY-MM[-DD]`` (klines), ``<SYM>USDT-fundingRate-YYYY-MM`` (funding), plus
    shared-layout ``<SYM>USDT_funding_bybit.csv[.gz]`` / ``<SYM>_funding_hyperliquid.csv[.gz]``.
    Klines under a path containing ``spot`` are tagged "spot", otherwise "perp". Overlapping
    monthly/daily hours are de-duplicated (later file wins; disagreements counted in
    ``meta['duplicate_conflicts']``).
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError(f"{root}: not a directory")
    kfiles: dict[str, list] = {}
    ffiles: dict[str, list] = {}
    other: dict[str, dict[str, Path]] = {"bybit": {}, "hyperliquid": {}}
    market: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        if m := _KLINE_RE.match(p.name):
            kfiles.setdefault(m["sym"], []).append((_sort_key(m, p), p))
            rel = p.relative_to(root).parts
            market[m["sym"]] = "spot" if "spot" in rel else "perp"
        elif m := _FUND_RE.match(p.name):
            ffiles.setdefault(m["sym"], []).append((_sort_key(m, p), p))
        elif m := _OTHER_FUND_RE.match(p.name):
            other[m["ex"]][m["sym"]] = p
    if symbols is not None:
        symbols = list(symbols)
        missing = [s for s in symbols if s not in kfiles]
        if missing:
            raise DataError(f"{root}: no 1h kline files found for {missing}")
    else:
        symbols = [s for s in UNIVERSE if s in kfiles] + sorted(s for s in kfiles if s not in UNIVERSE)
    if not symbols:
        raise DataError(f"{root}: no data.binance.vision 1h kline files (<SYM>USDT-1h-YYYY-MM.zip/csv) found")
    bars, conflicts = {}, {}
    for s in symbols:
        files = [p for _, p in sorted(kfiles[s])]
        bars[s], conflicts[s] = _stitch_bars([read_vision_klines(p) for p in files],
                                             f"{root} ({s} klines)")
    funding = {"binance": {}, "bybit": {}, "hyperliquid": {}}
    for s in symbols:
        if s in ffiles:
            ser = pd.concat([read_vision_funding(p) for _, p in sorted(ffiles[s])])
            funding["binance"][s] = ser[~ser.index.duplicated(keep="last")].sort_index()
        for ex in ("bybit", "hyperliquid"):
            if s in other[ex]:
                funding[ex][s] = read_shared_funding(other[ex][s])
    warnings = funding_warnings(bars, funding["binance"], market)
    if not funding["binance"]:
        warnings = [f"{root}: no Binance funding files (<SYM>USDT-fundingRate-YYYY-MM.zip/csv) for {symbols}; "
                    f"{FUNDING_NEED} (`cascade-study download` fetches them with the klines)"]
    return assemble(bars, market, funding, symbol_order=symbols,
                    meta={"source": str(root), "layout": "binance_vision",
                          "duplicate_conflicts": conflicts, "warnings": tuple(warnings)})


# ---------------------------------------------------------------------------- bundled
def load_bundled(bundle_dir=None) -> MarketData:
    """Load the compact exact copy of ../shared/data shipped in ``cascade_study/data/bundled``."""
    d = Path(bundle_dir) if bundle_dir is not None else BUNDLE_DIR
    kpath, fpath = d / "klines.npz", d / "funding.npz"
    for p in (kpath, fpath):
        if not p.exists():
            raise DataError(f"{p}: bundled data file missing (rebuild with "
                            "`python -m cascade_study.data.build_bundle --source ../shared/data`)")
    try:
        with np.load(kpath) as z:
            enc = json.loads(str(z["encoding"]))
            bars, market = {}, {}
            for s, info in enc["klines"].items():
                hours = codec.decode_int(z[f"{s}/t"], info["t_base"])
                idx = pd.DatetimeIndex(pd.to_datetime(hours * HOUR_MS, unit="ms", utc=True)).as_unit("ns")
                bars[s] = pd.DataFrame({c: codec.decode(z[f"{s}/{c}"], *info[c]) for c in PANELS},
                                       index=idx)
                market[s] = info["market"]
        with np.load(fpath) as z:
            fenc = json.loads(str(z["encoding"]))
            funding = {}
            for ex, per in fenc.items():
                funding[ex] = {}
                for s, info in per.items():
                    ms = codec.decode_int(z[f"{ex}/{s}/t"], info["t_base"])
                    funding[ex][s] = pd.Series(codec.decode(z[f"{ex}/{s}/rate"], *info["rate"]),
                                               index=_ms_index(ms), name="funding_rate")
    except (OSError, ValueError, KeyError, EOFError, zlib.error, zipfile.BadZipFile) as e:
        raise DataError(f"{d}: corrupt bundle ({e})") from e
    warnings = funding_warnings(bars, funding.get("binance", {}), market)
    return assemble(bars, market, funding, symbol_order=enc["symbols"],
                    meta={"source": str(d), "layout": "bundled", "warnings": tuple(warnings)})


def detect_layout(data_dir) -> str:
    """'shared' if ``data_dir/klines_1h`` holds shared-layout files, else 'binance_vision'."""
    d = Path(data_dir)
    if any((d / "klines_1h").glob("*USDT_1h_*.csv*")):
        return "shared"
    return "binance_vision"


def load_market_data(data_dir=None, symbols=None) -> MarketData:
    """The one entry point: ``None`` -> bundled data; a directory -> shared or Binance Vision
    layout, detected automatically."""
    if data_dir is None:
        md = load_bundled()
        return md if symbols is None else _select(md, symbols)
    d = Path(data_dir)
    if not d.is_dir():
        raise DataError(f"{d}: data directory does not exist")
    if detect_layout(d) == "shared":
        return load_shared(d, symbols=UNIVERSE if symbols is None else symbols)
    return load_binance_vision(d, symbols=symbols)


def _select(md: MarketData, symbols) -> MarketData:
    missing = [s for s in symbols if s not in md.symbols]
    if missing:
        raise DataError(f"bundled data: unknown symbol(s) {missing}")
    bars = {s: pd.DataFrame({c: getattr(md, c)[s] for c in PANELS}).dropna() for s in symbols}
    funding = {ex: {s: f[s].dropna() for s in symbols if s in f} for ex, f in md.funding.items()}
    meta = dict(md.meta)
    meta["warnings"] = tuple(w for w in meta.get("warnings", ()) if w.split(":", 1)[0] in symbols)
    return assemble(bars, md.market, funding, meta=meta, symbol_order=symbols)
