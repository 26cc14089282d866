"""``cascade-study`` command line.

* ``cascade-study run [--data DIR] --out DIR [--seed N] [--reps N]`` — run the whole study and write
  report.md, report.html and figures/ under DIR (bundled data unless --data is given).
* ``cascade-study download --symbols BTC ETH ... --start 2021-01 --end 2021-03 --dest DIR`` — fetch
  data.binance.vision files (via :mod:`cascade_study.data.download`).
* ``cascade-study info [--data DIR]`` — summary of the data (span, symbols, gaps).

Bad input of any kind exits with status 2 and a one-line error (no traceback); what the data lack that the
study can run without (a symbol without funding, ...) is printed as ``cascade-study: warning: ...`` lines
on stderr and kept in the study result (``StudyResult.data_warnings``) for the report's data section.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


class CLIError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but an argument error is one line (no usage block) and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog.split()[0]}: error: {message} (see {self.prog} --help)\n")


def _load(data):
    from .data import DataError, load_market_data
    if data is not None:
        p = Path(data)
        if not p.exists():
            raise CLIError(f"--data: directory not found: {data}")
        if not p.is_dir():
            raise CLIError(f"--data: {data} is a file, not a data directory")
    try:
        return load_market_data(data)
    except DataError as e:
        raise CLIError(str(e)) from None


def _warn(md) -> None:
    """What the data lack that the study runs without: one warning line each on the terminal."""
    for w in md.meta.get("warnings", ()):
        print(f"cascade-study: warning: {w}", file=sys.stderr)


def cmd_run(args) -> int:
    from .report import write_report
    from .study import run_study
    if args.reps < 99:
        raise CLIError(f"--reps: must be >= 99, got {args.reps}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():  # checked before the study runs, not when the report is written
        raise CLIError(f"--out: {out} is a file, not a directory; pass a directory for the report and figures")
    from .study import require_study_data
    t0 = time.perf_counter()
    md = _load(args.data)
    require_study_data(md)  # what the study cannot run without is an error, before any warning
    _warn(md)
    res = run_study(md=md, seed=args.seed, reps=args.reps, progress=sys.stderr.isatty())
    paths = write_report(res, args.out)
    print(f"report (Markdown): {paths['markdown']}")
    print(f"report (HTML):     {paths['html']}")
    print(f"figures:           {paths['figures']}/ ({paths['n_figures']} PNG)")
    print(f"verdict: {res.final.label} — {res.final.text}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_download(args) -> int:
    from .data.download import download_binance_vision
    out = download_binance_vision(args.symbols, args.start, args.end, args.dest)
    print(f"downloaded to {args.dest}" + (f": {out}" if out else ""))
    return 0


def cmd_info(args) -> int:
    md = _load(args.data)
    _warn(md)
    print(repr(md))
    gr = md.gap_report()
    print(gr.to_string())
    print(f"1h returns excluded because of gaps: {int(gr['returns_excluded'].sum())}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from alphacheck import __version__

    p = _Parser(prog="cascade-study",
                                description="Crypto liquidation cascades: alpha or leveraged BTC beta?")
    p.add_argument("--version", action="version", version=f"cascade-study (alphacheck {__version__})")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    r = sub.add_parser("run", help="run the whole study and write the report")
    r.add_argument("--data", default=None, help="data directory (default: bundled data)")
    r.add_argument("--out", required=True, help="output directory")
    r.add_argument("--seed", type=int, default=0, help="seed of every bootstrap/permutation")
    r.add_argument("--reps", type=int, default=9_999, help="bootstrap replicates")
    r.set_defaults(func=cmd_run)
    d = sub.add_parser("download", help="download Binance Vision klines/funding")
    d.add_argument("--symbols", nargs="+", required=True)
    d.add_argument("--start", required=True)
    d.add_argument("--end", required=True)
    d.add_argument("--dest", required=True)
    d.set_defaults(func=cmd_download)
    i = sub.add_parser("info", help="summary of the data")
    i.add_argument("--data", default=None)
    i.set_defaults(func=cmd_info)
    return p


def _fail(msg) -> int:
    print(f"cascade-study: error: {' '.join(str(msg).split())}", file=sys.stderr)
    return 2


def main(argv=None) -> int:
    from alphacheck import InputError

    from .data import DataError
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CLIError, DataError, InputError) as e:
        return _fail(e)
    except OSError as e:  # e.g. the output directory cannot be created
        return _fail(f"{e.strerror or e}: {e.filename or ''}".rstrip(": "))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as e:  # no traceback for any input: one line, exit 2
        first = (str(e).strip().splitlines() or [""])[0]
        return _fail(f"could not complete ({type(e).__name__}: {first})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
