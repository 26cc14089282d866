"""Build ``cascade_study/data/bundled/`` from ../shared/data.

    python -m cascade_study.data.build_bundle --source ../shared/data

Writes ``klines.npz`` / ``funding.npz`` (exact integer/delta encoding, see :mod:`.codec`) and
``MANIFEST.json`` (source file, rows, span, sha256 of the source). Verifies the round trip
before writing: the bundle decodes to the very same doubles the CSV parser reads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from . import codec
from .loaders import (
    BUNDLE_DIR,
    HOUR_MS,
    load_bundled,
    load_shared,
    read_shared_funding,
    read_shared_klines,
    shared_files,
)
from .market import PANELS
from .universe import UNIVERSE, market_of


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ms(idx) -> np.ndarray:
    return idx.as_unit("ns").asi8 // 10**6


def build(source, dest=None) -> dict:
    """Encode the shared data into ``dest`` (default: the package's bundled/ dir)."""
    source, dest = Path(source), Path(dest) if dest is not None else BUNDLE_DIR
    dest.mkdir(parents=True, exist_ok=True)
    files = shared_files(source, UNIVERSE)
    arrays, kenc, manifest = {}, {}, {"source_dir": "../shared/data", "files": []}

    def note(path, kind, symbol, n, first, last):
        manifest["files"].append({
            "source_file": str(path.relative_to(source)), "kind": kind, "symbol": symbol,
            "rows": int(n), "first": str(first), "last": str(last), "sha256": _sha256(path)})

    for s in UNIVERSE:
        p = files["klines"][s]
        bars = read_shared_klines(p)
        hours = _ms(bars.index) // HOUR_MS
        arrays[f"{s}/t"], t_base = codec.encode_int(hours)
        info = {"market": market_of(s), "t_base": t_base}
        for c in PANELS:
            payload, d, base = codec.encode(bars[c].to_numpy())
            arrays[f"{s}/{c}"] = payload
            info[c] = [d, base]
        kenc[s] = info
        note(p, f"klines_1h_{market_of(s)}", s, len(bars), bars.index[0], bars.index[-1])
    arrays["encoding"] = np.array(json.dumps({"symbols": list(UNIVERSE), "klines": kenc}))
    np.savez_compressed(dest / "klines.npz", **arrays)

    farrays, fenc = {}, {}
    for ex, per in files["funding"].items():
        fenc[ex] = {}
        for s, p in per.items():
            ser = read_shared_funding(p)
            farrays[f"{ex}/{s}/t"], t_base = codec.encode_int(_ms(ser.index))
            payload, d, base = codec.encode(ser.to_numpy())
            farrays[f"{ex}/{s}/rate"] = payload
            fenc[ex][s] = {"t_base": t_base, "rate": [d, base]}
            note(p, f"funding_{ex}", s, len(ser), ser.index[0], ser.index[-1])
    farrays["encoding"] = np.array(json.dumps(fenc))
    np.savez_compressed(dest / "funding.npz", **farrays)

    verify(source, dest)
    manifest["bundle_files"] = {p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)}
                                for p in (dest / "klines.npz", dest / "funding.npz")}
    (dest / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def verify(source, dest=None) -> None:
    """Raise AssertionError unless the bundle equals the shared data exactly."""
    a = load_bundled(dest)
    b = load_shared(source)
    assert a.symbols == b.symbols and dict(a.market) == dict(b.market)
    for c in PANELS:
        x, y = getattr(a, c), getattr(b, c)
        assert x.index.equals(y.index), c
        assert np.array_equal(x.to_numpy(), y.to_numpy(), equal_nan=True), f"panel {c} differs"
    assert set(a.funding) == set(b.funding)
    for ex in a.funding:
        x, y = a.funding[ex], b.funding[ex]
        assert x.index.equals(y.index) and list(x.columns) == list(y.columns), ex
        assert np.array_equal(x.to_numpy(), y.to_numpy(), equal_nan=True), f"funding {ex} differs"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default="../shared/data", help="the ../shared/data directory")
    ap.add_argument("--dest", default=None, help="output directory (default: package bundled/)")
    args = ap.parse_args(argv)
    dest = Path(args.dest) if args.dest else BUNDLE_DIR
    m = build(args.source, dest)
    total = sum(v["bytes"] for v in m["bundle_files"].values())
    print(f"bundle written to {dest} ({total / 1e6:.2f} MB, {len(m['files'])} source files); "
          "round trip verified")


if __name__ == "__main__":
    main()
