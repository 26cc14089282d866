"""Which of my variants are real? :func:`audit_family` judges a whole family of strategy variants at once.

One seed serves every resampling procedure. With ``block_length="auto"`` the model confidence set reads Politis &
White's longest length over the differentials and StepM (with the FDR set built on its p-values) the median
column's at the n^(1/4) rate (:func:`alphacheck.stepm`: its replicate-studentised pivot does not need the longest,
and with many variants the longest is noise-inflated); a given number is used by both:

* StepM (Romano & Wolf 2005, :func:`alphacheck.stepm`): the variants that beat the benchmark with the
  family-wise error rate controlled at ``alpha_level``;
* the FDR set: Benjamini–Hochberg (1995) at ``alpha_level`` on the per-variant one-sided studentised
  bootstrap p-values of StepM's table (:func:`alphacheck.overfitting.false_discovery_control`);
* the model confidence set (Hansen, Lunde & Nason 2011, T_max, :mod:`alphacheck.overfitting.mcs`) on the
  losses −(returns − benchmark), from the sums of the same replicates: the variants no other variant beats;

and beside them the PBO of the grid (CSCV, Bailey et al. 2017), the effective number of independent trials
(:func:`alphacheck.overfitting.effective_trials`, on the differentials returns − benchmark: variants that all
hold the benchmark are not alike for that) and the deflated Sharpe ratio of the in-sample best variant at that
effective number. A variant *survives* when it is in all three sets: it beats the benchmark under
FWER control, it is a discovery under FDR control, and no other variant beats it.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alphacheck import _resample as resample
from alphacheck._inputs import (
    InputError,
    align,
    check_bool,
    check_plausible,
    check_probability,
    check_reps,
    check_seed,
)
from alphacheck._results import ReportIntervals, format_number, text_table
from alphacheck.report.blocks import (
    Block,
    BulletList,
    Figure,
    Heading,
    Paragraph,
    Preformatted,
    Table,
    to_html,
    to_markdown,
    write_report,
)

__all__ = ["FamilyReport", "audit_family"]

FIGURE_TITLE = "Variants by studentised statistic against the benchmark, coloured by which sets keep them"


@dataclasses.dataclass(frozen=True, eq=False)
class FamilyReport(ReportIntervals):
    """The family audit.

    Attributes
    ----------
    survivors : labels of the variants in the MCS, the FDR set and StepM's superior set.
    variants : per variant: sharpe, mean_differential, statistic, pvalue (one-sided, alone), qvalue (BH),
        fdr, stepm_adjusted_pvalue, stepm, mcs_pvalue, mcs, survives.
    numbers : the headline numbers (variants, effective trials, PBO, set sizes, DSR of the best).
    settings : observations, benchmark, level, replicates, block length, seed.
    results : the typed results behind them: "stepm", "fdr", "mcs", "pbo", "effective_trials", "dsr".

    Methods: :meth:`summary`, :meth:`to_frame`, :meth:`to_dict`, :meth:`blocks`, :meth:`to_markdown`,
    :meth:`to_html`, :meth:`plot`, :meth:`save`.
    """

    survivors: tuple
    variants: pd.DataFrame = dataclasses.field(repr=False)
    numbers: Mapping[str, Any]
    settings: Mapping[str, Any]
    results: Mapping[str, Any] = dataclasses.field(repr=False)

    def __post_init__(self) -> None:
        for name in ("numbers", "settings", "results"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def headline(self) -> str:
        """One sentence: which variants survive."""
        n = self.numbers["variants"]
        if not self.survivors:
            return f"None of the {n} variants survives (MCS, FDR and StepM together)."
        names = ", ".join(str(s) for s in self.survivors[:10]) + (" ..." if len(self.survivors) > 10 else "")
        return f"{len(self.survivors)} of {n} variants survive: {names}."

    def findings(self) -> list[str]:
        nb = self.numbers
        a = self.settings["alpha_level"]
        out = [f"stepm: {nb['stepm_superior']} variant(s) beat the benchmark with the family-wise error rate at {a:g}",
               f"fdr: {nb['fdr_discoveries']} discovery(ies) at false discovery rate {a:g} (Benjamini-Hochberg)",
               f"mcs: {nb['mcs_size']} of {nb['variants']} variants in the {1 - a:.0%} model confidence set "
               f"(first test p = {format_number(nb['mcs_pvalue'])})",
               f"effective trials: {nb['effective_trials']:.3g} independent of {nb['variants']} "
               f"({nb['families']} families of correlated variants)"]
        if nb.get("pbo") is not None:
            flag = " — the in-sample best is overfit (PBO > 0.5)" if nb["pbo"] > 0.5 else ""
            out.append(f"pbo: probability of backtest overfitting {nb['pbo']:.2f}{flag}")
        if nb.get("dsr_best") is not None:
            out.append(f"dsr: the in-sample best ({nb['best']}) has deflated Sharpe {nb['dsr_best']:.3f} at "
                       f"{nb['effective_trials']:.3g} effective trials ({nb['dsr_best_raw']:.3f} at all "
                       f"{nb['variants']})")
        return out

    def summary(self) -> str:
        rows = list(self.numbers.items()) + list(self.settings.items())
        lines = [text_table(rows, title="Family audit"), self.headline(), ""]
        lines += [f"  - {f}" for f in self.findings()]
        top = self.variants.sort_values("statistic", ascending=False).head(20)
        lines += ["", top.to_string(float_format=lambda v: format_number(v))]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_frame(self) -> pd.DataFrame:
        """The per-variant table."""
        return self.variants.copy()

    def to_dict(self) -> dict[str, Any]:
        return {"survivors": [str(s) for s in self.survivors], "numbers": dict(self.numbers),
                "settings": dict(self.settings), "headline": self.headline(), "findings": self.findings()}

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(f)}</li>" for f in self.findings())
        return f"<p><b>{html.escape(self.headline())}</b></p><ul>{items}</ul>" + self.variants.head(50).to_html()

    def blocks(self, figures: Mapping[str, bytes] | None = None) -> list[Block]:
        """The report as blocks for :mod:`alphacheck.report`."""
        table = self.variants.sort_values("statistic", ascending=False)
        out: list[Block] = [Heading("Family audit: which variants are real?", 1), Paragraph(self.headline()),
                            BulletList(self.findings()), Heading("Settings"),
                            Table(pd.DataFrame({"value": [format_number(v) for v in self.settings.values()]},
                                               index=pd.Index(list(self.settings), name="setting"))),
                            Heading("Variants"),
                            Table(table.head(50), caption="top 50 by statistic" if len(table) > 50 else "")]
        if figures:
            out += [Figure(name, FIGURE_TITLE, png) for name, png in figures.items()]
        out.append(Heading("Details"))
        for name, res in self.results.items():
            if hasattr(res, "summary"):
                out += [Heading(name, 3), Preformatted(res.summary())]
        return out

    def to_markdown(self, image_paths: Mapping[str, str] | None = None) -> str:
        figs = {name: b"" for name in (image_paths or {})}
        return to_markdown(self.blocks(figs), figure_paths=image_paths)

    def to_html(self, figures: bool = True) -> str:
        return to_html(self.blocks(self._pngs() if figures else None), title="Family audit")

    def plot(self) -> dict[str, Any]:
        """The one figure: each variant's studentised statistic, coloured by the sets that keep it."""
        from alphacheck.report.plots import plot_family

        v = self.variants
        return {"family": plot_family(list(v.index), v["statistic"].to_numpy(), v["stepm"].to_numpy(),
                                      v["fdr"].to_numpy(), v["mcs"].to_numpy())}

    def _pngs(self) -> dict[str, bytes]:
        from alphacheck.report.plots import to_png

        return {name: to_png(fig) for name, fig in self.plot().items()}

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write report.md, report.html and family.png into ``out_dir``; return the paths."""
        pngs = self._pngs()
        return write_report(out_dir, self.blocks(pngs), pngs, title="Family audit")


def audit_family(trials: ArrayLike, benchmark: ArrayLike | None = None, *, reps: int = 9_999,
                 block_length: float | str = "auto", seed: Any = 0, alpha_level: float = 0.05,
                 n_jobs: int | None = None, periods_per_year: float | None = None,
                 check_returns: bool = True) -> FamilyReport:
    """Which of a family of strategy variants are real? MCS, FDR set, StepM, PBO and effective trials in one report.

    Parameters
    ----------
    trials : (T, N) array_like
        Returns of the N variants on the same T observations (a DataFrame keeps its column names).
    benchmark : array_like or None
        The benchmark's returns on the same observations (None: 0, i.e. "does the variant make money?").
    reps : int
        Replicates of each bootstrap (one seed; one plan when ``block_length`` is a number).
    block_length : float or "auto"
        Stationary-bootstrap mean block length ("auto": Politis & White 2004 on the differentials: the maximum
        over them for the MCS, the median for StepM and the FDR set, see the module docstring).
    seed : None, int, Generator or SeedSequence
        Seed (default 0: the same report on every call).
    alpha_level : float
        FWER of StepM, FDR of Benjamini–Hochberg, and 1 − the MCS's coverage.
    n_jobs : int or None
        Threads of the bootstrap engine.
    periods_per_year : float or None
        Annualisation of the reported Sharpe ratios.
    check_returns : bool
        Refuse inputs that do not look like returns (the first 50 variants are checked).

    Returns
    -------
    FamilyReport

    References
    ----------
    Romano & Wolf (2005), Econometrica 73(4); Benjamini & Hochberg (1995), JRSS B 57(1); Hansen, Lunde &
    Nason (2011), Econometrica 79(2); Bailey, Borwein, López de Prado & Zhu (2017), J. Comput. Finance 20(4);
    López de Prado & Lewis (2019), Quantitative Finance 19(9); Bailey & López de Prado (2014).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> grid = rng.normal(0.0, 0.01, (750, 12))
    >>> grid[:, 3] += 0.002                                   # one real variant
    >>> report = audit_family(grid, reps=499)
    >>> 3 in report.survivors
    True
    """
    from alphacheck.overfitting import effective_trials, false_discovery_control, pbo, stepm
    from alphacheck.overfitting.mcs import mcs_from_sums
    from alphacheck.sharpe import _dsr_result, _moments, check_periods_per_year

    reps = check_reps(reps)
    level = check_probability(alpha_level, "alpha_level")
    q = check_periods_per_year(periods_per_year)
    root = check_seed(seed)  # one SeedSequence for every procedure: the same replicates
    if benchmark is None:
        (r,), index = align([("trials", trials)], min_obs=20)
        bench = None
    else:
        (r, bench), index = align([("trials", trials), ("benchmark", benchmark)], min_obs=20)
        if bench.ndim != 1:
            raise InputError("benchmark", f"must be one series, got {bench.shape[1]} columns")
    if r.ndim != 2 or r.shape[1] < 2:
        raise InputError("trials", "needs at least two variants (columns)")
    names = list(trials.columns) if isinstance(trials, pd.DataFrame) else list(range(r.shape[1]))
    if check_bool(check_returns, "check_returns"):
        for j in range(min(r.shape[1], 50)):
            check_plausible(r[:, j], index, f"trials[{names[j]!r}]")
        if bench is not None:
            check_plausible(bench, index, "benchmark")
    d = r if bench is None else r - bench[:, None]
    frame = pd.DataFrame(r, columns=names, index=index)
    # StepM first: it refuses a variant equal to the benchmark (plus a constant) before the MCS reads the longest
    # Politis-White length of the differentials, which such a variant leaves undefined
    sm = stepm(frame, None if bench is None else pd.Series(bench, index=frame.index), reps=reps,
               block_length=block_length, seed=root, n_jobs=n_jobs, alpha_level=level,
               check_returns=False)  # checked above, as "trials"
    b = float(resample.resolve_block_length(block_length, d, "stationary"))
    table = sm.strategies
    assert table is not None  # stepm always sets it
    fdr = false_discovery_control(table["pvalue"], alpha_level=level)
    sums = resample.streamed_sums(d, reps, "stationary", b, root, n_jobs=n_jobs, engine="sparse")
    # T_max with HAC-floored t's (the default variance): with many variants arch's T_R drops a model far more
    # often under the null (k = 100, T = 2,000, AR(1) 0.5: 24.5 %; T_max 11.0 % with HLN's variance, 5.7 % here)
    mcs = mcs_from_sums(-d, -sums, method="max", alpha_level=level, names=names, block_length=b,
                        bootstrap="stationary")
    assert mcs.pvalues is not None  # mcs_from_sums always sets it
    eff = effective_trials(d)  # what the variants differ by: a common benchmark exposure is not a choice
    sharpe = r.mean(axis=0) / r.std(axis=0, ddof=1)
    results: dict[str, Any] = {"stepm": sm, "fdr": fdr, "mcs": mcs, "effective_trials": eff}
    pbo_value = None
    if r.shape[0] >= 16:
        s = 16 if r.shape[0] >= 64 else max(2, 2 * ((r.shape[0] // 4) // 2))
        try:
            results["pbo"] = pbo(r, n_groups=s, check_returns=False)  # checked above, as "trials"
        except InputError:  # a variant flat over half the groups: its Sharpe is undefined, its mean is not
            results["pbo"] = pbo(r, n_groups=s, metric="mean", check_returns=False)
        pbo_value = float(results["pbo"].pbo)
    best = int(np.argmax(sharpe))
    x = r[:, best]
    g3, g4 = _moments(x)
    v = float(np.var(sharpe, ddof=1))
    dsr = _dsr_result(float(sharpe[best]), x.size, g3, g4, r.shape[1], v, q, n_effective=eff.n_effective)
    dsr_raw = _dsr_result(float(sharpe[best]), x.size, g3, g4, r.shape[1], v, q)
    results["dsr"] = dsr
    variants = pd.DataFrame({
        "sharpe": sharpe, "mean_differential": table["mean_differential"].to_numpy(),
        "statistic": table["statistic"].to_numpy(), "pvalue": table["pvalue"].to_numpy(),
        "qvalue": np.asarray(fdr.qvalues), "fdr": np.asarray(fdr.discoveries),
        "stepm_adjusted_pvalue": table["adjusted_pvalue"].to_numpy(), "stepm": table["superior"].to_numpy(),
        "mcs_pvalue": mcs.pvalues.reindex(names).to_numpy(),
    }, index=pd.Index(names, name="variant"))
    variants["mcs"] = variants["mcs_pvalue"] > level
    variants["survives"] = variants["fdr"] & variants["stepm"] & variants["mcs"]
    if q:
        variants.insert(1, "sharpe_annualized", sharpe * np.sqrt(q))
    numbers = {"variants": r.shape[1], "effective_trials": eff.n_effective, "families": eff.n_clusters,
               "stepm_superior": int(variants["stepm"].sum()), "fdr_discoveries": int(variants["fdr"].sum()),
               "mcs_size": int(variants["mcs"].sum()), "mcs_pvalue": mcs.pvalue,
               "survivors": int(variants["survives"].sum()), "pbo": pbo_value, "best": names[best],
               "dsr_best": dsr.probability, "dsr_best_raw": dsr_raw.probability}
    settings = {"observations": r.shape[0], "benchmark": "given" if bench is not None else "none (0)",
                "alpha_level": level, "reps": reps, "block length": b, "StepM block length": float(sm.block_length),
                "seed": seed if isinstance(seed, (int, np.integer)) else type(seed).__name__}
    survivors = tuple(lb for lb, ok in zip(names, variants["survives"]) if ok)
    return FamilyReport(survivors=survivors, variants=variants, numbers=numbers, settings=settings, results=results)
