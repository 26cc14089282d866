"""Result types shared by every test.

Every test returns a frozen dataclass. The common one is :class:`TestResult` (``statistic``,
``pvalue``, ``alternative``, ``null``, ``method``, ``n``, an ``estimate`` and its confidence interval).
Results with several coefficients (regressions, families of strategies) live beside the function
that makes them and build on :class:`Result`, which supplies ``to_dict()``, ``to_frame()`` and a
``summary()`` text table, so every result prints and exports the same way.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd


class ConfidenceInterval(NamedTuple):
    low: float
    high: float


def _plain(value: Any) -> Any:
    """Convert numpy scalars/arrays and pandas objects to plain Python for to_dict()."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.Series):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return {str(k): _plain(v) for k, v in value.to_dict(orient="index").items()}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Result):
        return value.to_dict()
    return value


def format_number(x: Any, digits: int = 4) -> str:
    """Compact number formatting for summaries: p-values in scientific form when tiny."""
    if x is None:
        return "-"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        if math.isnan(x):
            return "nan"
        if x != 0 and (abs(x) < 10 ** (-digits) or abs(x) >= 10**7):
            return f"{x:.{max(digits - 1, 1)}e}"
        return f"{x:.{digits}f}"
    return str(x)


def text_table(rows: list[tuple[str, Any]], title: str | None = None, width: int = 72) -> str:
    """Two-column key/value table with rules, in the spirit of statsmodels' summary()."""
    lines = []
    rule = "=" * width
    if title:
        lines += [rule, title.center(width).rstrip(), rule]
    else:
        lines.append(rule)
    keyw = max((len(k) for k, _ in rows), default=0) + 2
    for k, v in rows:
        lines.append(f"{k:<{keyw}}{format_number(v)}")
    lines.append(rule)
    return "\n".join(lines)


def frame_table(df: pd.DataFrame, title: str | None = None, digits: int = 4) -> str:
    """Render a coefficient table (DataFrame) as fixed-width text."""
    body = df.to_string(float_format=lambda v: format_number(v, digits))
    width = max(72, max(len(line) for line in body.splitlines()))
    rule = "=" * width
    head = [rule, title.center(width).rstrip(), rule] if title else [rule]
    return "\n".join(head + [body, rule])


@dataclasses.dataclass(frozen=True)
class Result:
    """Base for all result objects: export and print helpers over the dataclass fields."""

    def __post_init__(self) -> None:
        # Freeze mutable mapping fields so a frozen result is really immutable.
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, dict):
                object.__setattr__(self, f.name, MappingProxyType(dict(v)))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def _summary_rows(self) -> list[tuple[str, Any]]:
        rows = []
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, (int, float, str, np.number, bool)) or v is None:
                rows.append((f.name, v))
            elif isinstance(v, tuple) and len(v) == 2 and all(isinstance(u, (int, float, np.number)) for u in v):
                rows.append((f.name, f"[{format_number(v[0])}, {format_number(v[1])}]"))
        return rows

    def summary(self) -> str:
        return text_table(self._summary_rows(), title=type(self).__name__)

    def to_frame(self) -> pd.DataFrame:
        """One row, one column per scalar field."""
        return pd.DataFrame([{k: v for k, v in self._summary_rows()}])

    def __str__(self) -> str:
        return self.summary()


@dataclasses.dataclass(frozen=True)
class TestResult(Result):
    """A hypothesis test.

    Attributes
    ----------
    test : what was tested, e.g. "mean return"
    statistic : the test statistic (t, z, or the estimate itself for bootstrap tests — see ``method``)
    pvalue : p-value of ``null`` against ``alternative``
    alternative : "two-sided", "greater" or "less" (relative to the null value)
    null : the null hypothesis in words, e.g. "mean return = 0"
    method : how the p-value was computed (distribution, bootstrap scheme, block length, replicates)
    n : number of observations used
    estimate : the point estimate of the quantity tested
    ci : confidence interval for ``estimate`` (None when not meaningful)
    ci_level : its coverage, e.g. 0.95
    details : other numbers worth keeping (standard errors, block length, ...)
    """

    __test__ = False  # keep pytest from collecting this class

    test: str
    statistic: float
    pvalue: float
    alternative: str
    null: str
    method: str
    n: int
    estimate: float = float("nan")
    ci: tuple[float, float] | None = None
    ci_level: float | None = None
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def confidence_interval(self) -> ConfidenceInterval:
        if self.ci is None:
            raise AttributeError(f"{self.test}: no confidence interval for this test")
        return ConfidenceInterval(*self.ci)

    def significant(self, level: float = 0.05) -> bool:
        return bool(self.pvalue < level)

    def _summary_rows(self) -> list[tuple[str, Any]]:
        rows: list[tuple[str, Any]] = [
            ("H0", self.null),
            ("H1", self.alternative),
            ("method", self.method),
            ("n", self.n),
            ("estimate", self.estimate),
            ("statistic", self.statistic),
            ("p-value", self.pvalue),
        ]
        if self.ci is not None:
            lvl = f"{100 * (self.ci_level or 0.95):g}% CI"
            rows.append((lvl, f"[{format_number(self.ci[0])}, {format_number(self.ci[1])}]"))
        for k, v in self.details.items():
            if isinstance(v, (int, float, str, np.number)) or v is None:
                rows.append((k, v))
        return rows

    def summary(self) -> str:
        return text_table(self._summary_rows(), title=f"Test: {self.test}")

    def to_frame(self) -> pd.DataFrame:
        row = {
            "test": self.test,
            "estimate": self.estimate,
            "statistic": self.statistic,
            "pvalue": self.pvalue,
            "alternative": self.alternative,
            "null": self.null,
            "method": self.method,
            "n": self.n,
            "ci_low": self.ci[0] if self.ci else np.nan,
            "ci_high": self.ci[1] if self.ci else np.nan,
        }
        return pd.DataFrame([row]).set_index("test")
