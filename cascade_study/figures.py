"""The ten figures of the write-up, drawn from a :class:`cascade_study.study.StudyResult`.

Every function returns a :class:`matplotlib.figure.Figure` built on the Agg canvas (no ``pyplot``,
so no global state leaks); :func:`all_figures` returns them in the write-up's order. Numbers are only
drawn here — they were computed by the experiments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from alphacheck.report import plots

from .seed import SEED, format_value
from .strategies import VARIANT_LABELS

GREEN, RED, ORANGE, BLUE, GREY = "#2a9d55", "#c0392b", "#d98b1a", "#1f5fa8", "#7f7f7f"
VARIANT_COLORS = {"alt_long": BLUE, "btc_fade": GREY, "market_neutral": ORANGE}

FIGURES = (
    ("research_journey", "Figure 1 — Research journey"),
    ("event_study", "Figure 2 — Post-cascade returns, alts vs BTC"),
    ("strategy_rules", "Figure 3 — Strategy rules"),
    ("performance_table", "Figure 4 — Out-of-sample performance, three variants"),
    ("annual_breakdown", "Figure 5 — Annual breakdown"),
    ("equity_curve", "Figure 6 — Equity curves"),
    ("trade_scatter", "Figure 7 — Trade scatter with the Jensen regression line"),
    ("beta_decomposition", "Figure 8 — Beta decomposition"),
    ("concentration_table", "Figure 9 — Concentration and cross-section"),
    ("drawdown_chart", "Figure 10 — Drawdown of the alts long-only strategy"),
)


def _fig(w=8.0, h=4.2):
    fig = Figure(figsize=(w, h), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _verdict_color(v: str) -> str:
    v = v.lower()
    if v.startswith(("pass", "promising", "alpha", "complete")):
        return GREEN
    if v.startswith(("failed", "no significant")):
        return RED
    return ORANGE


def _table_figure(df: pd.DataFrame, title: str, w=9.0, col_colors=None) -> Figure:
    fig = _fig(w, 0.9 + 0.38 * (len(df) + 1))
    ax = fig.add_subplot()
    ax.axis("off")
    tab = ax.table(cellText=df.to_numpy(dtype=str), colLabels=list(df.columns),
                   rowLabels=list(df.index), loc="center", cellLoc="center")
    tab.auto_set_font_size(False)
    tab.set_fontsize(8.5)
    tab.scale(1.0, 1.35)
    tab.auto_set_column_width(col=list(range(-1, df.shape[1])))
    for (r, c), cell in tab.get_celld().items():
        if r == 0:
            cell.set_facecolor("#dde6f0")
            cell.set_text_props(weight="bold")
    ax.set_title(title, fontsize=11)
    return fig


def research_journey(res) -> Figure:
    v, e = res.verdicts, res.evidence
    ac, es = res.alt_contagion, res.event_study
    steps = [
        ("Exp 01", "Cascade detection",
         f"{es.counts.loc['volume_only', 'events_merged']} volume-only events", "complete"),
        ("Exp 02", "Event study", f"T+48 spread {e.spread48:+.2%} (p={e.spread48_p:.3g})", v["Exp 02"]),
        ("CFI", "Fragility index", f"IC {e.cfi_ic:+.3f}, Q5/Q1 crash {e.cfi_crash_ratio:.2f}", v["CFI"]),
        ("Exp 05", "BTC fade, 72-grid WF", f"OOS Sharpe {e.fade_oos_sharpe:+.2f}, PBO {e.fade_pbo:.2f}",
         v["Exp 05"]),
        ("Exp 05b", "Alt contagion, 0 params", f"{e.long_mean:+.2%}/trade, p={e.long_p:.3g}, "
         f"n={ac.overall['alt_long'].n}", v["Exp 05b"]),
        ("Exp 06", "Beta decomposition", f"beta {e.beta:.2f}, alpha {e.alpha:+.2%} (p={e.alpha_p_hac:.3g})",
         v["Exp 06"]),
        ("Exp 07", "Cross-section L/S", f"L/S {e.ls_mean:+.2%}/trade (p={e.ls_p:.3g})", v["Exp 07"]),
        ("Final", "Verdict", res.final.label, res.final.label),
    ]
    fig = _fig(13, 4.2)
    ax = fig.add_subplot()
    ax.set_xlim(-0.6, len(steps) - 0.4)
    ax.set_ylim(-2.0, 1.4)
    ax.axis("off")
    ax.plot([0, len(steps) - 1], [0, 0], color=GREY, lw=2, zorder=0)
    for i, (tag, name, num, verdict) in enumerate(steps):
        c = _verdict_color(verdict)
        ax.scatter([i], [0], s=260, color=c, zorder=2)
        ax.text(i, 0.45, f"{tag}\n{name.replace(', ', chr(10))}", ha="center", va="bottom", fontsize=8,
                weight="bold")
        ax.text(i, -0.35, verdict.upper().replace(", ", ",\n"), ha="center", va="top", fontsize=7.5,
                color=c, weight="bold")
        ax.text(i, -0.8, num.replace(", ", "\n"), ha="center", va="top", fontsize=7)
    ax.set_title("Research journey: each experiment and the verdict our numbers give", fontsize=11)
    return fig


def event_study(res) -> Figure:
    t = res.event_study.table
    fig = _fig(8, 4.4)
    ax = fig.add_subplot()
    x = np.arange(len(t))
    w = 0.38
    for k, (col, lab, c) in enumerate((("alt", "alts (mean of alt-events)", BLUE), ("btc", "BTC", GREY))):
        m = 100 * t[f"{col}_mean"].to_numpy()
        lo = 100 * t[f"{col}_ci_low"].to_numpy()
        hi = 100 * t[f"{col}_ci_high"].to_numpy()
        ax.bar(x + (k - 0.5) * w, m, w, color=c, label=lab,
               yerr=np.vstack([m - lo, hi - m]), capsize=3, alpha=0.9)
    for i, (h, row) in enumerate(t.iterrows()):
        ax.annotate(f"spread {100 * row['spread']:+.2f}%\np={row['spread_p']:.3g}",
                    (i, 100 * max(row["alt_ci_high"], row["btc_ci_high"])), ha="center", va="bottom",
                    fontsize=7, xytext=(0, 3), textcoords="offset points")
    for h, key_a, key_b in ((24, "alt_t24", "btc_t24"), (48, "alt_t48", "btc_t48")):
        i = list(t.index).index(h)
        ax.scatter([i - w / 2, i + w / 2], [100 * SEED[key_a].value, 100 * SEED[key_b].value],
                   marker="D", color="black", s=22, zorder=3, label="seed" if h == 24 else None)
    ax.set_xticks(x, [f"T+{h}h" for h in t.index])
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("mean return after cascade (%)")
    n_ev = int(t["n_events"].iloc[-1])
    ax.set_title(f"Post-cascade returns: {n_ev} volume-only events, {int(t['n_obs'].iloc[-1])} alt-events "
                 "(95% CI, spread p clustered by event)", fontsize=9.5)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def strategy_rules(res) -> Figure:
    from .cascades import CASCADE_LEVELS
    lv = CASCADE_LEVELS["volume_only"]
    rules = pd.DataFrame({"rule": [
        lv.describe().split(": ", 1)[1],
        "Entry at the close of the cascade hour",
        "Equal-weight basket of all liquid alts with data at entry and a gap-free path to exit",
        f"Hold {res.book.hold} h, then exit at the close",
        f"{res.book.cost_bps:g} bp round trip per leg",
        "One trade at a time: events within the hold of the last kept event are dropped",
        "No optimized parameter; OOS = calendar years 2021-2025",
    ]}, index=["Signal", "Entry", "Universe", "Exit", "Costs", "Merging", "Validation"])
    return _table_figure(rules, "Alt contagion strategy: the complete specification", w=10)


def performance_table(res) -> Figure:
    ac = res.alt_contagion
    rows = {}
    for v, s in ac.overall.items():
        rows[VARIANT_LABELS[v]] = {
            "trades": s.n, "mean/trade": f"{s.mean:+.2%}", "p (mean>0)": f"{s.pvalue:.3g}",
            "Sharpe (trades/yr)": f"{s.sharpe:.2f}", "Sharpe (√(8760/48))": f"{s.sharpe_seed_convention:.2f}",
            "cumulative": f"{s.cumulative:+.0%}", "max DD": f"{s.max_drawdown:.0%}",
            "win rate": f"{s.win_rate:.0%}", "years > 0": f"{ac.positive_years[v]}/{ac.n_years}"}
    rows["seed: alts long-only"] = {
        "trades": 72, "mean/trade": "+2.33%", "p (mean>0)": "0.029", "Sharpe (trades/yr)": "-",
        "Sharpe (√(8760/48))": "3.58", "cumulative": "+299%", "max DD": "-34%", "win rate": "-",
        "years > 0": "5/5"}
    rows["seed: market-neutral"] = {k: "-" for k in rows["seed: alts long-only"]} | {"p (mean>0)": "0.28"}
    return _table_figure(pd.DataFrame(rows).T, "Out-of-sample performance 2021-2025 (net of costs)", w=12)


def annual_breakdown(res) -> Figure:
    by = res.alt_contagion.by_year
    fig = _fig(8, 4.2)
    ax = fig.add_subplot()
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
    ax.set_ylabel("mean return per trade (%)")
    ax.set_title("Annual out-of-sample breakdown (mean per trade, net)")
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def equity_curve(res) -> Figure:
    from .experiments.drawdown import equity_curve as wealth
    book = res.alt_contagion.book
    fig = _fig(9, 4.4)
    ax = fig.add_subplot()
    for v, ls in (("alt_long", "-"), ("btc_fade", "--"), ("market_neutral", "-.")):
        w = wealth(book.variant(v), book.trades["exit"], start=book.entries[0])
        lab = {"btc_fade": "BTC buy-the-dip (same trades)"}.get(v, VARIANT_LABELS[v])
        ax.plot(w.index, 100 * (w - 1), ls=ls, color=VARIANT_COLORS[v], lw=1.8, label=lab,
                drawstyle="steps-post")
    ax.axhline(100 * SEED["alt_cum"].value, color=BLUE, lw=0.8, ls=":", label="seed alts: +299%")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("cumulative return (%)")
    ax.set_title(f"Equity curves, {len(book.trades)} OOS trades 2021-2025 (compounded, net)")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, alpha=0.3)
    return fig


def trade_scatter(res) -> Figure:
    b = res.beta
    book = res.alt_contagion.book
    fig = plots.plot_scatter(book.variant("alt_long"), book.trades["btc_gross"], b.plain.alpha,
                             b.plain.beta, title="Alt basket vs BTC, per cascade trade")
    ax = fig.axes[0]
    ax.set_xlabel("BTC return over the trade (%)")
    ax.set_ylabel("alt basket net return (%)")
    ax.text(0.98, 0.03, f"R² = {b.plain.rsquared:.3f}\nalpha p (HAC) = {b.plain.pvalue:.3g}\n"
            f"seed: beta 1.158, alpha +0.98%, p 0.182", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=8, bbox=dict(facecolor="white", alpha=0.8, edgecolor=GREY))
    return fig


def beta_decomposition(res) -> Figure:
    b = res.beta
    labels = ["mean alt\nreturn", "beta x mean\nBTC return", "alpha\n(intercept)", "alpha with\nvol control"]
    vals = np.array([b.total_mean, b.beta_part, b.plain.alpha, b.vol_control.alpha])
    ci = [None, None, b.plain.confidence_interval(), b.vol_control.confidence_interval()]
    fig = _fig(8, 4.4)
    ax = fig.add_subplot()
    x = np.arange(len(vals))
    colors = [BLUE, GREY, GREEN if b.plain.pvalue < 0.05 else ORANGE,
              GREEN if b.vol_control.pvalue < 0.05 else ORANGE]
    ax.bar(x, 100 * vals, color=colors, width=0.6)
    for i, c in enumerate(ci):
        if c is not None:
            ax.errorbar([i], [100 * vals[i]], yerr=[[100 * (vals[i] - c[0])], [100 * (c[1] - vals[i])]],
                        color="black", capsize=5)
    ps = [None, None, b.plain.pvalue, b.vol_control.pvalue]
    seeds = [SEED["alt_mean"].value, None, SEED["alpha"].value, SEED["alpha_vol"].value]
    for i in range(len(vals)):
        txt = f"{100 * vals[i]:+.2f}%" + (f"\np={ps[i]:.3g}" if ps[i] is not None else "")
        ax.annotate(txt, (i, 100 * vals[i]), ha="center", va="bottom" if vals[i] >= 0 else "top",
                    fontsize=8, xytext=(12, 2), textcoords="offset points")
        if seeds[i] is not None:
            ax.scatter([i + 0.2], [100 * seeds[i]], marker="D", color="black", s=20,
                       label="seed" if i == 0 else None)
    ax.set_xticks(x, labels)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("% per trade")
    ax.set_title(f"Beta decomposition: beta {b.plain.beta:.2f}, R² {b.plain.rsquared:.2f} "
                 f"(95% HAC CI on alpha)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def concentration_table(res) -> Figure:
    t = res.cross_section.table()
    df = pd.DataFrame({
        "n": t["n"].astype(int).astype(str),
        "mean/trade": t["mean"].map(lambda v: f"{v:+.2%}"),
        "p": [f"{p:.3g} ({a})" for p, a in zip(t["pvalue"], t["alternative"])],
        "beta": t["beta"].map(lambda v: f"{v:.2f}"),
        "alpha": t["alpha"].map(lambda v: f"{v:+.2%}"),
        "alpha p": t["alpha_p"].map(lambda v: f"{v:.3g}"),
        "R²": t["r2"].map(lambda v: f"{v:.2f}"),
    }, index=t.index)
    df.loc["seed: long/short"] = ["-", "-0.64%", "-", "-", "-", "-", "-"]
    return _table_figure(df, "Concentration on the hardest-hit quintile and the cross-sectional long/short (per trade, OOS)", w=11)


def drawdown_chart(res) -> Figure:
    d = res.drawdown
    fig = _fig(9, 3.8)
    ax = fig.add_subplot()
    dd = d.drawdown
    ax.fill_between(dd.index, 100 * dd.to_numpy(), 0, color=RED, alpha=0.35, step="post")
    ax.plot(dd.index, 100 * dd.to_numpy(), color=RED, lw=1.0, drawstyle="steps-post")
    ax.annotate(f"max DD {d.max_drawdown:.0%}\n{d.max_drawdown_date:%Y-%m-%d}",
                (d.max_drawdown_date, 100 * d.max_drawdown), xytext=(20, -5), textcoords="offset points",
                fontsize=8, arrowprops=dict(arrowstyle="->"))
    ax.axhline(100 * SEED["max_dd"].value, color="black", ls=":", lw=0.9, label="seed: −34% (May 2021)")
    ax.set_ylabel("drawdown (%)")
    ax.set_title("Drawdown of the alts long-only equity curve (OOS trades, compounded)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, alpha=0.3)
    return fig


def all_figures(res) -> dict[str, Figure]:
    fns = {"research_journey": research_journey, "event_study": event_study,
           "strategy_rules": strategy_rules, "performance_table": performance_table,
           "annual_breakdown": annual_breakdown, "equity_curve": equity_curve,
           "trade_scatter": trade_scatter, "beta_decomposition": beta_decomposition,
           "concentration_table": concentration_table, "drawdown_chart": drawdown_chart}
    return {name: fns[name](res) for name, _ in FIGURES}


__all__ = ["FIGURES", "all_figures", "format_value"]
