"""The study's figures, drawn from a :class:`cascade_study.study.StudyResult`.

Every figure is a plot of numbers (no picture of a table), built on :func:`alphacheck.report.plots.new_figure`
(Agg canvas, constrained layout, no ``pyplot``). Numbers are only drawn here — they were computed by the
experiments. Rules that keep the figures readable (checked by tests/cascade_study/test_figures.py, which
asks matplotlib's renderer for every text box): numbers that belong to a bar go into its tick label, not
on the bar (so no whisker crosses them); every Sharpe ratio names its convention; legends and labels use
the variant names of the tables (:data:`cascade_study.strategies.VARIANT_LABELS`).
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure

from alphacheck.report import plots

from .seed import SEED, format_value
from .strategies import VARIANT_LABELS

GREEN, RED, ORANGE, BLUE, GREY = "#2a9d55", "#c0392b", "#d98b1a", "#1f5fa8", "#7f7f7f"
VARIANT_COLORS = {"alt_long": BLUE, "btc_fade": GREY, "market_neutral": ORANGE}
SHARPE_SEED = "per trade × √(8760/hold)"
SHARPE_TPY = "per trade × √(trades/yr)"
Z95 = 1.959963984540054

FIGURES = (
    ("research_journey", "Figure 1 — Research journey: each experiment and the verdict our numbers give"),
    ("event_study", "Figure 2 — Post-cascade returns, alts vs BTC, and their spread"),
    ("oos_performance", "Figure 3 — Out-of-sample mean return per trade, three variants"),
    ("annual_breakdown", "Figure 4 — Annual out-of-sample breakdown"),
    ("equity_curve", "Figure 5 — Equity curves of the out-of-sample trades"),
    ("trade_scatter", "Figure 6 — Alt basket vs BTC per trade, with the Jensen regression line"),
    ("beta_decomposition", "Figure 7 — Beta decomposition of the mean trade return"),
    ("concentration", "Figure 8 — Concentration on the hardest-hit alts and the cross-sectional long/short"),
    ("drawdown_chart", "Figure 9 — Drawdown of the alts long-only strategy"),
    ("fade_training", "Figure 10 — BTC fade walk-forward: our training window vs the seed's"),
    ("robustness", "Figure 11 — Robustness: the alt-contagion result and its alpha across set-up choices"),
)


def _panels(w: float, h: float, nrows: int = 1, ncols: int = 2, **kw):
    """A figure from :func:`alphacheck.report.plots.new_figure` with a grid of gridded axes."""
    fig, ax = plots.new_figure(w, h)
    fig.delaxes(ax)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw).ravel()
    for a in axes:
        a.grid(True, alpha=0.3)
    return fig, axes


def _pct(v: float, d: int = 2) -> str:
    return "n/a" if v is None or v != v else f"{100 * v:+.{d}f}%"


def _p(v: float) -> str:
    return format_value(v, "p")


def _verdict_color(v: str) -> str:
    v = v.lower()
    if v.startswith(("pass", "promising", "alpha", "complete", "robust")):
        return GREEN
    if v.startswith(("failed", "no significant", "no signal")):
        return RED
    return ORANGE


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(part, width) for part in text.split("\n"))


# ----------------------------------------------------------------------------- 1
def research_journey(res) -> Figure:
    v, e = res.verdicts, res.evidence
    ac, es, rob = res.alt_contagion, res.event_study, res.robustness
    n_ok = sum(c.survives for c in rob.conclusions)
    steps = [
        ("Exp 01", "Cascade detection", f"{es.counts.loc['volume_only', 'events_merged']} volume-only events",
         "complete"),
        ("Exp 02", "Event study", f"T+48h spread {_pct(e.spread48)}, p={_p(e.spread48_p)}", v["Exp 02"]),
        ("CFI", "Fragility index", f"IC {e.cfi_ic:+.3f}, p={_p(e.cfi_ic_p)}", v["CFI"]),
        ("Exp 05", "BTC fade, 72-grid", f"OOS Sharpe {e.fade_oos_sharpe:+.2f} ({SHARPE_SEED}), PBO {e.fade_pbo:.2f}",
         v["Exp 05"]),
        ("Exp 05b", "Alt contagion", f"{_pct(e.long_mean)}/trade, p={_p(e.long_p)}, "
                                     f"n={ac.overall['alt_long'].n}", v["Exp 05b"]),
        ("Exp 06", "Beta decomposition", f"beta {e.beta:.2f}, alpha {_pct(e.alpha)}, p={_p(e.alpha_p_hac)}",
         v["Exp 06"]),
        ("Exp 07", "Cross-section L/S", f"L/S {_pct(e.ls_mean)}/trade, p={_p(e.ls_p)}", v["Exp 07"]),
        ("Robust.", f"{len(rob.cells)} cells", f"{n_ok} of {len(rob.conclusions)} conclusions hold in every cell",
         "mixed"),
        ("Final", "Verdict", "", res.final.label),
    ]
    fig, ax = plots.new_figure(13.0, 3.4)
    ax.grid(False)
    ax.set_xlim(-0.55, len(steps) - 0.45)
    ax.set_ylim(-1.95, 1.15)
    ax.axis("off")
    ax.plot([0, len(steps) - 1], [0, 0], color=GREY, lw=2, zorder=0)
    for i, (tag, name, num, verdict) in enumerate(steps):
        c = _verdict_color(verdict)
        ax.scatter([i], [0], s=240, color=c, zorder=2)
        ax.text(i, 0.35, f"{tag}\n{_wrap(name, 14)}", ha="center", va="bottom", fontsize=8, weight="bold")
        ax.text(i, -0.3, _wrap(verdict.upper(), 15), ha="center", va="top", fontsize=7, color=c, weight="bold")
        if num:
            ax.text(i, -1.05, _wrap(num, 17), ha="center", va="top", fontsize=6.8)
    ax.set_title("Research journey: each experiment and the verdict our numbers give", fontsize=11)
    return fig


# ----------------------------------------------------------------------------- 2
def event_study(res) -> Figure:
    t = res.event_study.table
    fig, (ax, bx) = _panels(11.0, 4.4, 1, 2, width_ratios=[1.25, 1.0])
    x = np.arange(len(t))
    w = 0.38
    for k, (col, lab, c) in enumerate((("alt_event", "alt basket (mean over events)", BLUE),
                                       ("btc", "BTC (mean over events)", GREY))):
        m = 100 * t[f"{col}_mean"].to_numpy()
        lo = 100 * t[f"{col.replace('_event', '')}_ci_low"].to_numpy()
        hi = 100 * t[f"{col.replace('_event', '')}_ci_high"].to_numpy()
        ax.bar(x + (k - 0.5) * w, m, w, color=c, label=lab, alpha=0.9)
        ax.errorbar(x + (k - 0.5) * w, m, yerr=np.vstack([m - lo, hi - m]), fmt="none", ecolor="black",
                    capsize=3, lw=1)
    ax.scatter(x - w / 2, 100 * t["alt_mean"].to_numpy(), marker="D", facecolors="white", edgecolors="black",
               s=20, zorder=3, label="ours, alts pooled over alt-events")
    for h, key_a, key_b in ((24, "alt_t24", "btc_t24"), (48, "alt_t48", "btc_t48")):
        i = list(t.index).index(h)
        ax.scatter([i - w / 2 + 0.1, i + w / 2 + 0.1], [100 * SEED[key_a].value, 100 * SEED[key_b].value],
                   marker="D", color="black", s=20, zorder=3, label="seed (alts pooled)" if h == 24 else None)
    ax.set_xticks(x, [f"T+{h}h" for h in t.index])
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("mean return after the cascade (%)")
    ax.set_title(f"Returns after {int(t['n_events'].iloc[-1])} volume-only cascades (95% CI)", fontsize=10)
    ax.legend(loc="upper left", fontsize=7.5)
    s = 100 * t["spread"].to_numpy()
    slo, shi = 100 * t["spread_ci_low"].to_numpy(), 100 * t["spread_ci_high"].to_numpy()
    col = [GREEN if p < 0.05 else ORANGE for p in t["spread_p"]]
    bx.bar(x, s, 0.55, color=col)
    bx.errorbar(x, s, yerr=np.vstack([s - slo, shi - s]), fmt="none", ecolor="black", capsize=3, lw=1)
    bx.axhline(0, color="black", lw=0.6)
    bx.set_xticks(x, [f"T+{h}h\np {_p(p)}\nBH {_p(q)}" for h, p, q in zip(t.index, t["spread_p"], t["spread_p_bh"])],
                  fontsize=7.5)
    bx.set_ylabel("alt − BTC spread (%)")
    bx.set_title("Spread, clustered by event (95% CI; p and BH-adjusted p)", fontsize=10)
    return fig


# ----------------------------------------------------------------------------- 3
def oos_performance(res) -> Figure:
    ac = res.alt_contagion
    fig, ax = plots.new_figure(8.0, 4.4)
    names = list(ac.overall)
    x = np.arange(len(names))
    for i, v in enumerate(names):
        s = ac.overall[v]
        se = s.test.se if s.test is not None else np.nan
        ax.bar(i, 100 * s.mean, 0.6, color=VARIANT_COLORS.get(v, GREY))
        ax.errorbar([i], [100 * s.mean], yerr=[[100 * Z95 * se], [100 * Z95 * se]], fmt="none", ecolor="black",
                    capsize=5, lw=1)
    ax.scatter([0.2], [100 * SEED["alt_mean"].value], marker="D", color="black", s=24, zorder=3,
               label=f"seed: alts long-only {_pct(SEED['alt_mean'].value)}")
    labels = [f"{VARIANT_LABELS[v]}\nn {ac.overall[v].n}, {_pct(ac.overall[v].mean)}, p {_p(ac.overall[v].pvalue)}"
              f"\nSharpe {ac.overall[v].sharpe_seed_convention:.2f} ({SHARPE_SEED})" for v in names]
    ax.set_xticks(x, labels, fontsize=7.5)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("mean net return per trade (%)")
    ax.set_title("OOS 2021–2025, net of costs: mean per trade ± 1.96 SE (one-sided bootstrap p)", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return fig


# ----------------------------------------------------------------------------- 4
def annual_breakdown(res) -> Figure:
    by = res.alt_contagion.by_year
    fig, ax = plots.new_figure(8.0, 4.2)
    years = sorted(by.index.get_level_values("year").unique())
    variants = list(res.alt_contagion.overall)
    w = 0.8 / len(variants)
    x = np.arange(len(years))
    for k, v in enumerate(variants):
        sub = by.xs(v, level="variant").reindex(years)
        ax.bar(x + (k - (len(variants) - 1) / 2) * w, 100 * sub["mean"].to_numpy(), w,
               color=VARIANT_COLORS.get(v, GREY), label=VARIANT_LABELS[v])
    n = by.xs(variants[0], level="variant").reindex(years)["n"]
    ax.set_xticks(x, [f"{y}\n(n={int(c)})" for y, c in zip(years, n)])
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("mean net return per trade (%)")
    ax.set_title("Annual out-of-sample breakdown (mean per trade, net)")
    ax.legend(fontsize=8, loc="best")
    return fig


# ----------------------------------------------------------------------------- 5
def equity_curve(res) -> Figure:
    from .experiments.drawdown import equity_curve as wealth
    book = res.alt_contagion.book
    fig, ax = plots.new_figure(9.0, 4.4)
    for v, ls in (("alt_long", "-"), ("btc_fade", "--"), ("market_neutral", "-.")):
        w = wealth(book.variant(v), book.trades["exit"], start=book.entries[0])
        ax.plot(w.index, 100 * (w - 1), ls=ls, color=VARIANT_COLORS[v], lw=1.8,
                label=f"{VARIANT_LABELS[v]} (same trades)" if v != "alt_long" else VARIANT_LABELS[v],
                drawstyle="steps-post")
    ax.axhline(100 * SEED["alt_cum"].value, color=BLUE, lw=0.8, ls=":",
               label=f"seed, alts long-only: {_pct(SEED['alt_cum'].value, 0)}")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("cumulative return (%)")
    ax.set_title(f"Equity curves, {len(book.trades)} OOS trades 2021-2025 (compounded, net)")
    ax.legend(fontsize=8, loc="upper left")
    return fig


# ----------------------------------------------------------------------------- 6
def trade_scatter(res) -> Figure:
    b = res.beta
    book = res.alt_contagion.book
    fig = plots.plot_scatter(book.variant("alt_long"), book.trades["btc_gross"], b.plain.alpha, b.plain.beta,
                             title="Alt basket vs BTC, per cascade trade")
    ax = fig.axes[0]
    ax.set_xlabel("BTC return over the trade (%)")
    ax.set_ylabel("alt basket net return (%)")
    ax.text(0.98, 0.03, f"R² = {b.plain.rsquared:.3f}\nalpha p (HAC) = {_p(b.plain.pvalue)}\n"
            f"seed: beta {SEED['beta'].value:.3f}, alpha {_pct(SEED['alpha'].value)}, p {_p(SEED['alpha_p'].value)}",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
            bbox=dict(facecolor="white", alpha=0.85, edgecolor=GREY))
    return fig


# ----------------------------------------------------------------------------- 7
def beta_decomposition(res) -> Figure:
    b = res.beta
    vals = np.array([b.total_mean, b.beta_part, b.plain.alpha, b.vol_control.alpha, b.vol_uncentred.alpha])
    ps = [None, None, b.plain.pvalue, b.vol_control.pvalue, b.vol_uncentred.pvalue]
    seeds = [SEED["alt_mean"].value, None, SEED["alpha"].value, SEED["alpha_vol"].value, None]
    names = ["mean alt return", "beta × mean BTC return", "alpha (intercept)", "alpha, vol. control centred",
             "vol. control uncentred (0.1)"]
    labels = [f"{_wrap(nm, 15)}\n{_pct(v)}" + (f"\np {_p(p)}" if p is not None else "")
              + (f"\nseed {_pct(s)}" if s is not None else "") for nm, v, p, s in zip(names, vals, ps, seeds)]
    fig, ax = plots.new_figure(9.5, 4.8)
    x = np.arange(len(vals))
    sig = lambda r: GREEN if r.pvalue < 0.05 else ORANGE
    colors = [BLUE, GREY, sig(b.plain), sig(b.vol_control), "#d9d9d9"]
    for i, (v, c) in enumerate(zip(vals, colors)):
        ax.bar(i, 100 * v, color=c, width=0.6, edgecolor=GREY if i == 4 else c, hatch="//" if i == 4 else None)
    for i, r in ((2, b.plain), (3, b.vol_control), (4, b.vol_uncentred)):
        lo, hi = r.confidence_interval()
        ax.errorbar([i], [100 * vals[i]], yerr=[[100 * (vals[i] - lo)], [100 * (hi - vals[i])]], fmt="none",
                    ecolor="black", capsize=5, lw=1)
    for i, s in enumerate(seeds):
        if s is not None:
            ax.scatter([i + 0.22], [100 * s], marker="D", color="black", s=20, zorder=3,
                       label="seed" if i == 0 else None)
    ax.set_xticks(x, labels, fontsize=8)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("% per trade")
    ax.set_title(f"Beta decomposition: beta {b.plain.beta:.2f}, R² {b.plain.rsquared:.2f} (95% HAC CI on alpha)",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.margins(y=0.08)
    return fig


# ----------------------------------------------------------------------------- 8
def concentration(res) -> Figure:
    cs = res.cross_section
    rows = list(cs.tests)
    fig, (ax, bx) = _panels(10.0, 4.4, 1, 2, sharey=True)
    x = np.arange(len(rows))
    for i, v in enumerate(rows):
        t, a = cs.tests[v], cs.regressions[v]
        ax.bar(i, 100 * t.estimate, 0.6, color=BLUE if t.estimate > 0 else RED)
        ax.errorbar([i], [100 * t.estimate], yerr=[[100 * Z95 * t.se], [100 * Z95 * t.se]], fmt="none",
                    ecolor="black", capsize=5, lw=1)
        lo, hi = a.confidence_interval()
        bx.bar(i, 100 * a.alpha, 0.6, color=GREEN if a.pvalue < 0.05 else ORANGE)
        bx.errorbar([i], [100 * a.alpha], yerr=[[100 * (a.alpha - lo)], [100 * (hi - a.alpha)]], fmt="none",
                    ecolor="black", capsize=5, lw=1)
    k = rows.index("long_short")
    ax.scatter([k + 0.22], [100 * SEED["ls_mean"].value], marker="D", color="black", s=22, zorder=3,
               label=f"seed L/S {_pct(SEED['ls_mean'].value)}")
    ax.set_xticks(x, [f"{_wrap(VARIANT_LABELS[v], 16)}\n{_pct(cs.tests[v].estimate)}, p {_p(cs.tests[v].pvalue)}"
                      for v in rows], fontsize=7.5)
    bx.set_xticks(x, [f"{_wrap(VARIANT_LABELS[v], 16)}\nbeta {cs.regressions[v].beta:.2f}, "
                      f"p {_p(cs.regressions[v].pvalue)}" for v in rows], fontsize=7.5)
    for a in (ax, bx):
        a.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("% per trade (OOS, net)")
    ax.set_title("Mean per trade ± 1.96 SE", fontsize=10)
    bx.set_title("Jensen alpha on BTC, 95% HAC CI", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    return fig


# ----------------------------------------------------------------------------- 9
def drawdown_chart(res) -> Figure:
    d = res.drawdown
    fig, ax = plots.new_figure(9.0, 3.8)
    dd = d.drawdown
    ax.fill_between(dd.index, 100 * dd.to_numpy(), 0, color=RED, alpha=0.35, step="post")
    ax.plot(dd.index, 100 * dd.to_numpy(), color=RED, lw=1.0, drawstyle="steps-post")
    ax.scatter([d.max_drawdown_date], [100 * d.max_drawdown], color="black", s=18, zorder=3,
               label=f"ours: max drawdown {_pct(d.max_drawdown, 1)} ({d.max_drawdown_date:%Y-%m-%d})")
    ax.axhline(100 * SEED["max_dd"].value, color="black", ls=":", lw=0.9,
               label=f"seed: {_pct(SEED['max_dd'].value, 0)} (May 2021)")
    ax.set_ylim(min(100 * d.max_drawdown, 100 * SEED["max_dd"].value) * 1.3, 2)
    ax.set_ylabel("drawdown (%)")
    ax.set_title("Drawdown of the alts long-only equity curve (OOS trades, compounded)")
    ax.legend(fontsize=8, loc="lower right")
    return fig


# ----------------------------------------------------------------------------- 10
def fade_training(res) -> Figure:
    fx = {"ours": res.fade, "seed": res.fade_seed_windows}
    fig, (ax, bx) = _panels(11.0, 4.4, 1, 2, width_ratios=[1.35, 1.0])
    styles = {"ours": (BLUE, "-"), "seed": (ORANGE, "--")}
    for k, f in fx.items():
        if f.oos_pnl is None or f.oos_pnl.empty:
            continue
        cum = 100 * f.oos_pnl.cumsum()
        moves = f.oos_pnl.to_numpy() != 0  # draw the hours where the curve moves (and the ends), as steps
        moves[[0, -1]] = True
        cum = cum[moves]
        c, ls = styles[k]
        ax.plot(cum.index, cum.to_numpy(), color=c, ls=ls, lw=1.5, drawstyle="steps-post",
                label=f"{'ours (365-day expanding)' if k == 'ours' else 'seed (3-month rolling)'}: "
                      f"{f.oos_n} trades, {1e4 * f.oos_mean:+.0f} bp/trade")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("cumulative OOS P&L (%, summed)")
    ax.set_title("OOS P&L of the combination chosen in each quarter", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left")
    x = np.arange(2)
    w = 0.36
    for j, (k, f) in enumerate(fx.items()):
        c, _ = styles[k]
        vals = [f.is_sharpe_seed_conv, f.oos_sharpe_seed_conv]
        bx.bar(x + (j - 0.5) * w, vals, w, color=c, label="ours" if k == "ours" else "seed's windows")
    bx.scatter(x + 0.5 * w + 0.12, [SEED["fade_train_sharpe"].value, SEED["fade_oos_sharpe"].value], marker="D",
               color="black", s=22, zorder=3, label="seed's reported")
    bx.set_xticks(x, ["in-sample\n(mean over quarters)", "out-of-sample\n(pooled trades)"])
    bx.axhline(0, color="black", lw=0.6)
    bx.set_ylabel(f"Sharpe ({SHARPE_SEED})")
    bx.set_title(f"Sharpe, {SHARPE_SEED}", fontsize=10)
    bx.legend(fontsize=7.5, loc="upper right")
    return fig


# ----------------------------------------------------------------------------- 11
def robustness(res) -> Figure:
    rob = res.robustness
    tab = rob.table()
    n = len(tab)
    fig, (ax, bx) = _panels(11.0, 1.3 + 0.34 * n, 1, 2, sharey=True)
    y = np.arange(n)[::-1]
    main_v = rob.main.verdict
    for k, row in tab.iterrows():
        yk = y[k]
        changed = row["verdict"] != main_v
        color = GREY if row["verdict"] == "too few trades" else (ORANGE if changed else BLUE)
        for a, est, lo, hi, p in ((ax, row["mean"], row["mean_ci_low"], row["mean_ci_high"], row["mean_p"]),
                                  (bx, row["alpha"], row["alpha_ci_low"], row["alpha_ci_high"], row["alpha_p_hac"])):
            if est != est or row["verdict"] == "too few trades":
                continue
            if lo == lo:
                a.plot([100 * lo, 100 * hi], [yk, yk], color=color, lw=1.4)
            filled = p == p and p < 0.05
            a.scatter([100 * est], [yk], s=34, zorder=3, color=color if filled else "white", edgecolors=color,
                      linewidths=1.4)
    for a, col in ((ax, "mean"), (bx, "alpha")):
        a.axvline(0, color="black", lw=0.7)
        a.axvline(100 * tab.loc[0, col], color=BLUE, lw=0.8, ls=":")
    ax.set_yticks(y, [f"{r.cell} (n {r.trades}" + (", untested)" if r.verdict == "too few trades" else ")")
                      for r in tab.itertuples()], fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("alts long-only mean per trade (%), ± 1.96 SE")
    bx.set_xlabel("Jensen alpha per trade (%), 95% HAC CI")
    ax.set_title("Mean per trade", fontsize=10)
    bx.set_title("Alpha on BTC's trade return", fontsize=10)
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], marker="o", ls="", color=BLUE, label="verdict as main set-up"),
               Line2D([], [], marker="o", ls="", color=ORANGE, label="verdict changes"),
               Line2D([], [], marker="o", ls="", color=GREY, markerfacecolor="white",
                      label="open: p ≥ 0.05 (uncorrected)")]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    return fig


_FUNCS = {"research_journey": research_journey, "event_study": event_study, "oos_performance": oos_performance,
          "annual_breakdown": annual_breakdown, "equity_curve": equity_curve, "trade_scatter": trade_scatter,
          "beta_decomposition": beta_decomposition, "concentration": concentration,
          "drawdown_chart": drawdown_chart, "fade_training": fade_training, "robustness": robustness}


def all_figures(res) -> dict[str, Figure]:
    """Every figure of :data:`FIGURES`, in order."""
    return {name: _FUNCS[name](res) for name, _ in FIGURES}


__all__ = ["FIGURES", "all_figures"]
