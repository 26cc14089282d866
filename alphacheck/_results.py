"""The result protocol every alphacheck test follows (the scipy.stats discipline).

* :class:`Result` — the base of every result object: ``summary()`` (a text table a reader can paste),
  ``to_dict()`` (plain Python), ``to_frame()`` (a pandas table) and ``_repr_html_()`` (Jupyter shows
  the same table). Frozen dataclasses; mapping fields are frozen too.
* :class:`TestResult` — a hypothesis test: ``statistic``, ``pvalue``, ``alternative``, ``null``,
  ``estimate``, ``method``, ``n``, ``se`` and ``confidence_interval(confidence_level=None)``, re-cut on
  demand from what the test kept (its standard error and reference law, or its bootstrap replicates in
  ``bootstrap_distribution``), so a new level never re-runs the test.

Intervals invert their test. For every rule below the interval at level L is the set of null values
c that the same test, with the same alternative, does *not* reject at level 1 - L: two-sided tests give
two-sided intervals, ``alternative="greater"`` gives ``[low, inf)`` and ``"less"`` gives ``(-inf, high]``
(as ``scipy.stats.ttest_1samp(...).confidence_interval()``). For bootstrap tests the bounds are order
statistics of the kept pivots chosen so that the count rule ``p = (1 + #{T* at least as extreme}) /
(1 + B)`` is exactly <= 1 - L outside the interval and > 1 - L inside (Davison & Hinkley 1997, sec. 5.2
and 4.4, test inversion), so a break-even cost read off an interval is exactly where the p-value
crosses the level.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from alphacheck._inputs import check_probability

__all__ = ["ConfidenceInterval", "Interval", "NoIntervalError", "Result", "TestResult"]

IntervalKind = Literal["normal", "t", "fixed-b", "bootstrap-t", "fisher-z", "none"]


class ConfidenceInterval(NamedTuple):
    """Bounds of a confidence interval (``-inf``/``inf`` for the open side of a one-sided interval)."""

    low: float
    high: float


class NoIntervalError(ValueError):
    """Raised by ``confidence_interval()`` for a test that has no interval for its estimate."""


class ReadOnlyMappings:
    """Pickling (and ``copy.deepcopy``) for frozen results whose mapping fields are read-only views.

    A result's dict fields are stored as ``MappingProxyType`` so that a frozen result is really immutable, and pickle
    cannot hold such a view (``TypeError: cannot pickle 'mappingproxy' object``, which also broke sending a result
    between processes): the state carries the plain dicts and the views are rebuilt on loading.
    """

    def __getstate__(self) -> dict[str, Any]:
        return {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in vars(self).items()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, MappingProxyType(v) if isinstance(v, dict) else v)


class ReportIntervals(ReadOnlyMappings):
    """``confidence_interval()`` for reports (the audit's, the family audit's): a report bounds no one estimate."""

    def confidence_interval(self, confidence_level: float | None = None) -> ConfidenceInterval:
        """Raises :class:`NoIntervalError`: a report holds several tests; each test's own result has its interval."""
        raise NoIntervalError(f"{type(self).__name__} is a report of several tests, not a test of one estimate: it "
                              "has no confidence interval (each test's result in the report has its own)")


@dataclasses.dataclass(frozen=True)
class Interval:
    """How ``TestResult.confidence_interval`` cuts an interval around ``estimate``.

    kind
        ``"normal"``: estimate ∓ z se; ``"t"``: Student-t with ``df``; ``"fixed-b"``: the Kiefer &
        Vogelsang (2005) law of a Bartlett-HAC t with window ``maxlags`` on ``n`` observations;
        ``"bootstrap-t"``: estimate − se · (order statistic of the kept pivots T*), se = 1 gives the
        basic (centred) bootstrap interval; ``"fisher-z"``: tanh(atanh(r) ∓ z se) for a correlation;
        ``"none"``: no interval (``reason`` says why).
    """

    kind: IntervalKind = "none"
    df: float | None = None
    n: int | None = None
    maxlags: int | None = None
    reason: str = ""


def _plain(value: Any) -> Any:
    """numpy scalars/arrays and pandas objects -> plain Python, for to_dict()."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.Series):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return {str(k): _plain(v) for k, v in value.to_dict(orient="index").items()}
    if isinstance(value, (pd.Timestamp, pd.Timedelta)):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, Interval):
        return dataclasses.asdict(value)
    return value


def sharpe_null(head: str, value: float, per_period: float, annualized: bool) -> str:
    """H0 text for a Sharpe hypothesis given in annual units: both units, since the estimate, its standard error
    and interval are per period (``head`` e.g. "Sharpe ratio <=")."""
    if annualized:
        return f"{head} {value:g} annualized, i.e. {per_period:.4g} per period"
    return f"{head} {value:g} (per period)"


def format_number(x: Any, digits: int = 4) -> str:
    """Compact number formatting for tables: tiny or huge numbers in scientific form; NaN as "n/a"."""
    if x is None:
        return "-"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        if math.isnan(x):
            return "n/a"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if x != 0 and (abs(float(x)) < 10.0 ** (-digits) or abs(float(x)) >= 1e7):
            return f"{x:.{max(digits - 1, 1)}e}"
        if float(x).is_integer() and abs(float(x)) >= 100:  # a count held as a float (n needed, observations)
            return f"{int(x):,}"
        return f"{x:.{digits}f}"
    return str(x)


def text_table(rows: list[tuple[str, Any]], title: str | None = None, width: int = 72) -> str:
    """Two-column key/value table with rules, in the spirit of statsmodels' summary()."""
    rule = "=" * width
    lines = [rule, title.center(width).rstrip(), rule] if title else [rule]
    keyw = max((len(k) for k, _ in rows), default=0) + 2
    lines += [f"{k:<{keyw}}{format_number(v)}" for k, v in rows]
    lines.append(rule)
    return "\n".join(lines)


def frame_table(df: pd.DataFrame, title: str | None = None, digits: int = 4) -> str:
    """A DataFrame as fixed-width text between rules."""
    body = df.to_string(float_format=lambda v: format_number(v, digits))
    width = max(72, max(len(line) for line in body.splitlines()))
    rule = "=" * width
    head = [rule, title.center(width).rstrip(), rule] if title else [rule]
    return "\n".join(head + [body, rule])


def html_table(rows: list[tuple[str, Any]], title: str | None = None) -> str:
    """Key/value rows as an HTML table (what Jupyter shows for a result)."""
    cap = f"<caption>{html.escape(title)}</caption>" if title else ""
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                   f"<td style='text-align:left'>{html.escape(format_number(v))}</td></tr>" for k, v in rows)
    return f"<table>{cap}{body}</table>"


def _is_scalar(v: Any) -> bool:
    return isinstance(v, (int, float, str, np.number, bool, np.bool_)) or v is None


@dataclasses.dataclass(frozen=True)
class Result(ReadOnlyMappings):
    """Base of all result objects: export and print helpers over the dataclass fields.

    Fields whose name starts with an underscore and fields marked ``metadata={"export": False}``
    (large arrays such as bootstrap replicates) are left out of ``to_dict()``.
    """

    def __post_init__(self) -> None:
        # freeze mutable mapping fields so a frozen result really is immutable
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, dict):
                object.__setattr__(self, f.name, MappingProxyType(dict(v)))

    def _exported(self) -> list[dataclasses.Field]:
        return [f for f in dataclasses.fields(self) if f.metadata.get("export", True) and not f.name.startswith("_")]

    def confidence_interval(self, confidence_level: float | None = None) -> ConfidenceInterval:
        """A descriptive result (PBO, FDR, a performance summary, power) tests no single estimate: no interval.

        Raises :class:`NoIntervalError` — the error every result without an interval raises (tests override this)."""
        raise NoIntervalError(f"{type(self).__name__} is a descriptive result, not a test of one estimate: it has no "
                              "confidence interval (see its fields, summary() or to_frame())")

    def to_dict(self) -> dict[str, Any]:
        """Every exported field as plain Python (numbers, strings, lists, dicts)."""
        return {f.name: _plain(getattr(self, f.name)) for f in self._exported()}

    def _summary_rows(self) -> list[tuple[str, Any]]:
        rows: list[tuple[str, Any]] = []
        for f in self._exported():
            v = getattr(self, f.name)
            if _is_scalar(v):
                rows.append((f.name, v))
            elif isinstance(v, tuple) and len(v) == 2 and all(isinstance(u, (int, float, np.number)) for u in v):
                rows.append((f.name, f"[{format_number(v[0])}, {format_number(v[1])}]"))
        return rows

    def _title(self) -> str:
        return type(self).__name__

    def summary(self) -> str:
        """A text table of the result."""
        return text_table(self._summary_rows(), title=self._title())

    def to_frame(self) -> pd.DataFrame:
        """One row, one column per scalar field."""
        return pd.DataFrame([dict(self._summary_rows())])

    def _repr_html_(self) -> str:
        return html_table(self._summary_rows(), title=self._title())

    def __str__(self) -> str:
        return self.summary()


_ALTERNATIVE_TEXT = {"two-sided": "!=", "greater": ">", "less": "<"}


@dataclasses.dataclass(frozen=True)
class TestResult(Result):
    """A hypothesis test.

    Attributes
    ----------
    test : str
        What was tested, e.g. ``"mean return"``.
    statistic : float
        The test statistic (a t, z, F or chi-square value; ``method`` says which).
    pvalue : float
        p-value of ``null`` against ``alternative``.
    alternative : str
        ``"two-sided"``, ``"greater"`` or ``"less"`` (relative to ``null_value``).
    null : str
        The null hypothesis in words, e.g. ``"mean return = 0"``.
    estimate : float
        The point estimate of the tested quantity.
    method : str
        What was done: estimator, reference law or bootstrap scheme, block length, replicates.
    n : int
        Observations used.
    se : float
        Standard error of ``estimate`` used by the test (NaN where the test has none).
    null_value : float
        The value of the quantity under the null.
    confidence_level : float
        Default level of :meth:`confidence_interval`.
    interval : Interval
        The rule :meth:`confidence_interval` uses (see the module docstring).
    bootstrap_distribution : ndarray or None
        The kept replicates of the pivot T* (studentised and centred: the bootstrap stand-in for the
        null law of the statistic), so intervals and plots never re-run the bootstrap.
    details : mapping
        Other numbers worth keeping (block length, replicates, lag window, ...).
    """

    __test__ = False  # keep pytest from collecting this class

    test: str
    statistic: float
    pvalue: float
    alternative: str
    null: str
    estimate: float
    method: str
    n: int
    se: float = float("nan")
    null_value: float = 0.0
    confidence_level: float = 0.95
    interval: Interval = Interval()
    bootstrap_distribution: np.ndarray | None = dataclasses.field(default=None, repr=False,
                                                                   metadata={"export": False})
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def confidence_interval(self, confidence_level: float | None = None) -> ConfidenceInterval:
        """Interval for ``estimate`` at ``confidence_level`` (default: the result's own level).

        It inverts the test: with a one-sided ``alternative`` the interval is one-sided. Raises
        :class:`NoIntervalError` for tests without one (e.g. a family-wise test of many strategies).
        """
        from alphacheck._inputs import check_probability

        level = self.confidence_level if confidence_level is None else check_probability(
            confidence_level, "confidence_level")
        return cut_interval(self.interval, self.estimate, self.se, level, self.alternative,
                            self.bootstrap_distribution, self.test)

    def reject(self, alpha_level: float = 0.05) -> bool:
        """Whether the test rejects ``null`` at ``alpha_level`` (a probability: 0.05, not 5)."""
        level = check_probability(alpha_level, "alpha_level")
        return bool(self.pvalue <= level) if np.isfinite(self.pvalue) else False

    def _interval_text(self) -> str | None:
        try:
            lo, hi = self.confidence_interval()
        except NoIntervalError:
            return None
        return f"[{format_number(lo)}, {format_number(hi)}]"

    def _alternative_text(self) -> str:
        """H1 in words: against the null value when the test bounds one estimate; else "H0 is false" (a Wald, sup-F or
        path statistic tests several conditions or none that ``null_value`` states)."""
        if self.interval.kind == "none":
            side = {"two-sided": "", "greater": " (one-sided: large values of the statistic count against H0)",
                    "less": " (one-sided: small values of the statistic count against H0)"}.get(self.alternative, "")
            return f"H0 is false{side}"
        return f"{self.alternative}: true value {_ALTERNATIVE_TEXT.get(self.alternative, '?')} {self.null_value:g}"

    def _summary_rows(self) -> list[tuple[str, Any]]:
        rows: list[tuple[str, Any]] = [
            ("H0", self.null),
            ("H1", self._alternative_text()),
            ("method", self.method),
            ("n", self.n),
            ("estimate", self.estimate),
            ("standard error", self.se),
            ("statistic", self.statistic),
            ("p-value", self.pvalue),
        ]
        ci = self._interval_text()
        if ci is not None:
            rows.append((f"{100 * self.confidence_level:g}% CI", ci))
        base = {f.name for f in dataclasses.fields(TestResult)}
        rows += [(f.name, getattr(self, f.name)) for f in self._exported()
                 if f.name not in base and _is_scalar(getattr(self, f.name))]
        rows += [(k, v) for k, v in self.details.items() if _is_scalar(v)]
        return rows

    def _title(self) -> str:
        return f"Test: {self.test}"

    def to_frame(self) -> pd.DataFrame:
        """One row: estimate, statistic, p-value, hypotheses, method, n and the default interval."""
        try:
            lo, hi = self.confidence_interval()
        except NoIntervalError:
            lo = hi = float("nan")
        row = {"test": self.test, "estimate": self.estimate, "se": self.se, "statistic": self.statistic,
               "pvalue": self.pvalue, "alternative": self.alternative, "null": self.null, "method": self.method,
               "n": self.n, "ci_low": lo, "ci_high": hi, "confidence_level": self.confidence_level}
        return pd.DataFrame([row]).set_index("test")


# --------------------------------------------------------------------------------------------------
# interval cutting (the inverse of the p-value rules in alphacheck._pvalues)


def _count_rank(reps: int, alpha: float) -> int:
    """Largest count k of replicates at least as extreme with (1 + k)/(1 + B) <= alpha (-1: none)."""
    return int(math.floor(alpha * (reps + 1) - 1 + 1e-9))


def bootstrap_quantile(pivots: np.ndarray, alpha: float, side: str) -> float:
    """The order statistic of the pivots T* that bounds the non-rejection region at level ``alpha``.

    ``side`` "upper": the (k+1)-th largest T* (one-sided "greater" tests reject t above it);
    "lower": the (k+1)-th smallest (one-sided "less"); "abs": the (k+1)-th largest |T*| (two-sided).
    k = floor(alpha (B+1) - 1); with k < 0 nothing can be rejected and +inf (or -inf) comes back.
    """
    b = pivots.size
    k = _count_rank(b, alpha)
    if k < 0:
        return -math.inf if side == "lower" else math.inf
    if side == "abs":
        return float(np.partition(np.abs(pivots), b - 1 - k)[b - 1 - k])
    if side == "upper":
        return float(np.partition(pivots, b - 1 - k)[b - 1 - k])
    return float(np.partition(pivots, k)[k])


def _critical(rule: Interval, tail: float) -> float:
    """Upper ``tail`` critical value of the reference law (P(T > c) = tail)."""
    if rule.kind in ("normal", "fisher-z"):
        return float(special.ndtri(1.0 - tail))
    if rule.kind == "t":
        return float(-special.stdtrit(rule.df, tail))  # scipy.stats' t.isf
    from alphacheck._hac import fixed_b_critical_value  # symmetric law: one-sided tail = two-sided 2*tail

    return fixed_b_critical_value(int(rule.n or 0), int(rule.maxlags or 0), confidence_level=1.0 - 2.0 * tail)


def cut_interval(rule: Interval, estimate: float, se: float, level: float, alternative: str,
                 pivots: np.ndarray | None, what: str) -> ConfidenceInterval:
    """Interval for ``estimate`` at ``level`` under ``rule`` (see the module docstring)."""
    alpha = 1.0 - level
    if rule.kind == "none":
        raise NoIntervalError(f"{what}: no confidence interval" + (f" ({rule.reason})" if rule.reason else ""))
    if rule.kind == "bootstrap-t":
        if pivots is None or pivots.size == 0:
            raise NoIntervalError(f"{what}: the bootstrap replicates were not kept")
        if alternative == "two-sided":
            q = bootstrap_quantile(pivots, alpha, "abs")
            return ConfidenceInterval(estimate - q * se, estimate + q * se)
        if alternative == "greater":
            return ConfidenceInterval(estimate - bootstrap_quantile(pivots, alpha, "upper") * se, math.inf)
        return ConfidenceInterval(-math.inf, estimate - bootstrap_quantile(pivots, alpha, "lower") * se)
    if not np.isfinite(se):
        raise NoIntervalError(f"{what}: no finite standard error")
    tail = alpha / 2.0 if alternative == "two-sided" else alpha
    c = _critical(rule, tail)
    if rule.kind == "fisher-z":
        z = math.atanh(min(max(estimate, -0.999999999), 0.999999999))
        lo, hi = math.tanh(z - c * se), math.tanh(z + c * se)
    else:
        lo, hi = estimate - c * se, estimate + c * se
    if alternative == "greater":
        return ConfidenceInterval(lo, math.inf)
    if alternative == "less":
        return ConfidenceInterval(-math.inf, hi)
    return ConfidenceInterval(lo, hi)
