"""Every test under tests/benchmarks carries the ``speed`` marker.

The benchmarks time alphacheck against its anchors (arch) and the cascade study's data steps; they take
minutes and their timings depend on the machine's load, so they run in their own CI step
(``pytest -m speed tests/benchmarks``) and the default ``pytest`` run deselects them
(``-m "... and not speed"`` in the pyproject addopts). Their speed assertions are floors (ratios) and
ceilings (seconds) that a loaded 2-core machine clears; each module states its numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MARKER = "speed"
HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    if not any(str(line).split(":")[0].strip() == MARKER for line in config.getini("markers")):
        config.addinivalue_line("markers", f"{MARKER}: speed benchmarks (tests/benchmarks), their own CI step")


@pytest.hookimpl(tryfirst=True)  # before the mark plugin applies -m
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # this hook receives the whole session's items, not only this folder's: mark only the ones in here
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(MARKER)
