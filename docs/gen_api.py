"""Generate the API reference (docs/api/*.md, one page per module, plus docs/api.md) by introspection.

Run ``python docs/gen_api.py`` after changing a public signature; tests/test_docs.py checks that
every name in ``alphacheck.__all__`` is documented and that every documented signature is current.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import alphacheck

DOCS = Path(__file__).resolve().parent
API_DIR = DOCS / "api"

# module -> one-line description of what it holds
MODULES = {
    "alphacheck._audit": "the battery of checks: audit() -> AuditReport, the verdict rule table",
    "alphacheck.significance": "tests of the mean and the Sharpe ratio, generic bootstrap and permutation tests",
    "alphacheck.sharpe": "Sharpe ratio, its standard error, PSR, DSR, minimum track record",
    "alphacheck.power": "power: minimum detectable effects, track records needed, equivalence bounds",
    "alphacheck.alpha": "Jensen alpha, spread test, up/down beta, beta-hedged returns; rolling, conditional and "
                        "multi-factor alpha (GRS), structural breaks and alpha decay, factor-file readers",
    "alphacheck.compare": "is it better than what I run? Sharpe-ratio difference and equality, Diebold-Mariano, "
                          "Giacomini-White",
    "alphacheck.risk": "drawdowns, their bootstrap laws and tests, expected max drawdown, performance summary",
    "alphacheck.overfitting": "PBO (CSCV), haircut Sharpe, multiple-testing adjustments, Reality Check / SPA / StepM",
    "alphacheck.ic": "information coefficient, its tests, quantile returns, IC decay",
    "alphacheck.events": "event studies and event-driven trade returns",
    "alphacheck.splits": "time-series cross-validation splitters (scikit-learn protocol)",
    "alphacheck.walkforward": "walk-forward evaluation of a parameterised strategy",
    "alphacheck._resample": "bootstrap indices, the generic bootstrap, the automatic block length",
    "alphacheck._hac": "long-run (HAC) variance and the Newey-West lag rule",
    "alphacheck._results": "the result protocol: Result, TestResult, ConfidenceInterval, NoIntervalError",
    "alphacheck._inputs": "the validation layer: InputError",
    "alphacheck.report": "the report model (blocks -> Markdown / HTML) and the figures",
    "alphacheck.cli": "the `alphacheck` command line",
}


def first_line(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    line = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return line or "(no description)"


def signature(obj) -> str:
    """The live signature, annotations as written in the code."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    def ann(a) -> str:
        return a if isinstance(a, str) else inspect.formatannotation(a)

    parts, star_done = [], False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.kind is p.VAR_POSITIONAL:
            star_done = True
        prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
        piece = prefix + p.name + (f": {ann(p.annotation)}" if p.annotation is not p.empty else "")
        if p.default is not p.empty:
            piece += (" = " if p.annotation is not p.empty else "=") + repr(p.default)
        parts.append(piece)
    ret = "" if sig.return_annotation is sig.empty else f" -> {ann(sig.return_annotation)}"
    text = f"({', '.join(parts)}){ret}"  # annotations as written (ArrayLike, Literal[...]), not expanded
    return text.replace("typing.", "").replace("collections.abc.", "")


def public_members(mod) -> list[tuple[str, object]]:
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    out = []
    for name in names:
        obj = getattr(mod, name, None)
        if obj is None or inspect.ismodule(obj):
            continue
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        home = getattr(obj, "__module__", "") or ""
        if not home.startswith(mod.__name__):
            continue  # imported from elsewhere; documented on its own module's page
        out.append((name, obj))
    return sorted(out, key=lambda t: (not inspect.isfunction(t[1]), t[0]))


def entry(name: str, obj) -> str:
    kind = "class" if inspect.isclass(obj) else "function"
    return f"### `{name}{signature(obj)}`\n\n*{kind}* — {first_line(obj)}\n"


def module_page(modname: str) -> str:
    mod = importlib.import_module(modname)
    lines = [f"# `{modname}`", "", MODULES[modname] + ".", "", first_line(mod), ""]
    members = public_members(mod)
    if not members:
        lines.append("(no public functions or classes)")
    for name, obj in members:
        lines.append(entry(name, obj))
    return "\n".join(lines).rstrip() + "\n"


def index_page() -> str:
    lines = ["# API reference", "", "Generated by `python docs/gen_api.py` from the code (signatures and the first",
             "docstring paragraph). Everything below is also importable from `alphacheck` when it is in",
             "`alphacheck.__all__`:", "", "```text", ", ".join(sorted(alphacheck.__all__)), "```", "",
             "| module | holds |", "|---|---|"]
    for modname, desc in MODULES.items():
        short = modname.split(".", 1)[1]
        lines.append(f"| [`{modname}`](api/{short}.md) | {desc} |")
    constants = [n for n in alphacheck.__all__ if not n.startswith("__")
                 and not (inspect.isfunction(getattr(alphacheck, n)) or inspect.isclass(getattr(alphacheck, n)))]
    if constants:
        lines += ["", "## Constants", ""]
        lines += [f"- `{n}` = `{getattr(alphacheck, n)!r}`" for n in constants]
    return "\n".join(lines) + "\n"


def generate() -> dict[Path, str]:
    pages = {DOCS / "api.md": index_page()}
    for modname in MODULES:
        try:
            pages[API_DIR / f"{modname.split('.', 1)[1]}.md"] = module_page(modname)
        except ImportError as exc:  # a module not written yet
            print(f"skipping {modname}: {exc}", file=sys.stderr)
    return pages


def main() -> int:
    API_DIR.mkdir(exist_ok=True)
    pages = generate()
    for stale in set(API_DIR.glob("*.md")) - set(pages):  # a module that moved or went away
        stale.unlink()
        print(f"removed {stale.relative_to(DOCS.parent)}")
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(DOCS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
