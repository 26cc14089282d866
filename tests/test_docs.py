"""The documentation is executable: every ```python block in docs/*.md runs (blocks of one page share a
namespace, in order), and the API reference lists every public name with its current signature."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

DOCS = Path(__file__).resolve().parents[1] / "docs"
# architecture.md holds API contracts in a ```python block (signatures, not code), and is not ours.
PAGES = sorted(p for p in DOCS.glob("*.md") if p.name != "architecture.md")
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def test_docs_exist():
    names = {p.name for p in PAGES}
    assert {"index.md", "methodology.md", "verdict.md", "api.md"} <= names
    assert sum(1 for n in names if n.startswith("pitfall-")) >= 7


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)], ids=lambda p: p.name)
def test_code_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that write files write here
    namespace: dict = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for i, code in enumerate(blocks(page), 1):
        try:
            exec(compile(code, f"{page.name}[block {i}]", "exec"), namespace)
        except Exception as exc:  # show which block failed
            raise AssertionError(f"{page.name}, python block {i} failed: {exc!r}") from exc


def test_pitfall_pages_have_test_formula_source_and_example():
    for page in DOCS.glob("pitfall-*.md"):
        text = page.read_text(encoding="utf-8")
        for heading in ("## The test", "## Formula", "## Source", "## Example"):
            assert heading in text, f"{page.name} lacks {heading!r}"
        assert blocks(page), f"{page.name} has no runnable example"


def test_index_links_resolve():
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+\.md)\)", text)
    assert links
    for link in links:
        assert (DOCS / link).exists(), link


def test_api_reference_covers_alphacheck_all():
    import alphacheck

    api_text = (DOCS / "api.md").read_text() + "".join(p.read_text() for p in (DOCS / "api").glob("*.md"))
    missing = [n for n in alphacheck.__all__ if n != "__version__" and f"`{n}" not in api_text]
    assert not missing, f"not in the API reference (run python docs/gen_api.py): {missing}"


def test_api_reference_signatures_are_current():
    sys.path.insert(0, str(DOCS))
    try:
        gen = importlib.import_module("gen_api")
    finally:
        sys.path.remove(str(DOCS))
    stale = []
    for page in (DOCS / "api").glob("*.md"):
        modname = f"alphacheck.{page.stem}"
        mod = importlib.import_module(modname)
        for name, sig in re.findall(r"^### `(\w+)(\(.*\).*)`$", page.read_text(), re.M):
            obj = getattr(mod, name, None)
            if obj is None or ((inspect.isfunction(obj) or inspect.isclass(obj)) and gen.signature(obj) != sig):
                stale.append(f"{modname}.{name}")
    assert not stale, f"API reference out of date (run python docs/gen_api.py): {stale}"


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load_example(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", ["own_returns_csv", "own_returns_pandas", "parameter_grid_pbo"])
def test_examples_run(name, tmp_path, capsys):
    out = tmp_path / "out"
    assert _load_example(name).main(["--out", str(out), "--reps", "499"]) == 0
    printed = capsys.readouterr().out
    assert "report written to" in printed
    assert (out / "report.html").exists() and (out / "report.md").exists()


def test_example_verdicts(tmp_path, capsys):
    _load_example("own_returns_pandas").main(["--out", str(tmp_path / "a"), "--reps", "499"])
    assert "verdict                  alpha" in capsys.readouterr().out
    _load_example("parameter_grid_pbo").main(["--out", str(tmp_path / "b"), "--reps", "499"])
    printed = capsys.readouterr().out
    assert "as if it were the only idea: significant, beta untested" in printed
    assert "with the grid accounted for: overfit" in printed


def test_cascade_example_runs_as_a_script(tmp_path):
    """Run the example the way a user does (a script: its folder goes first on sys.path, so a file named
    like a package would shadow it) on the bundled data; the study takes seconds."""
    import subprocess

    out = tmp_path / "study"
    proc = subprocess.run([sys.executable, str(EXAMPLES / "run_cascade_study.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "verdict:" in proc.stdout
    assert (out / "report.html").exists() and (out / "report.md").exists()
    assert len(list((out / "figures").glob("*.png"))) == 11
