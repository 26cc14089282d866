"""Download 1h klines and funding from data.binance.vision (public, no key needed).

Writes the standard layout ``dest/futures/um/monthly/{klines/<SYM>/1h,fundingRate/<SYM>}/*.zip``, which
:func:`cascade_study.data.load_binance_vision` reads. Missing months (404) are skipped.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd

BASE = "https://data.binance.vision/data/futures/um/monthly"


def _pair(symbol: str) -> str:
    return symbol if symbol.endswith("USDT") else f"{symbol}USDT"


def kline_url(symbol: str, year: int, month: int) -> str:
    s = _pair(symbol)
    return f"{BASE}/klines/{s}/1h/{s}-1h-{year:04d}-{month:02d}.zip"


def funding_url(symbol: str, year: int, month: int) -> str:
    s = _pair(symbol)
    return f"{BASE}/fundingRate/{s}/{s}-fundingRate-{year:04d}-{month:02d}.zip"


def months(start, end) -> list[tuple[int, int]]:
    """(year, month) pairs from start's month to end's month inclusive."""
    p = pd.period_range(pd.Timestamp(start).to_period("M"), pd.Timestamp(end).to_period("M"), freq="M")
    return [(x.year, x.month) for x in p]


def download_binance_vision(symbols, start, end, dest, funding: bool = True, timeout: float = 60.0):
    """Fetch monthly 1h kline (and funding) zips for ``symbols`` between ``start`` and ``end``.

    Existing files are not re-downloaded. Returns the list of files present afterwards.
    """
    dest = Path(dest)
    got = []
    jobs = []
    for sym in symbols:
        for y, m in months(start, end):
            s = _pair(sym)
            jobs.append((kline_url(sym, y, m), dest / "futures/um/monthly/klines" / s / "1h"))
            if funding:
                jobs.append((funding_url(sym, y, m), dest / "futures/um/monthly/fundingRate" / s))
    for i, (url, folder) in enumerate(jobs, 1):
        target = folder / url.rsplit("/", 1)[1]
        if target.exists():
            got.append(target)
            continue
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                data = r.read()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                print(f"[{i}/{len(jobs)}] missing (404) {url}", file=sys.stderr)
                continue
            raise
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        got.append(target)
        print(f"[{i}/{len(jobs)}] {target}")
    print(f"downloaded into {dest}: {len(got)} files")
    return got
