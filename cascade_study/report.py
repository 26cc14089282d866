"""Markdown + self-contained HTML report of a :class:`cascade_study.study.StudyResult`.

``write_report(result, out_dir)`` writes ``report.md``, ``report.html`` (figures embedded as base64
PNG, own CSS, no scripts or network) and the ten PNGs under ``out_dir/figures/``. Every seed number
is printed beside ours, labelled "seed"; each experiment has a "verdict agrees?" entry. The report is
built once as a list of blocks and rendered to both formats, so they always say the same thing.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from alphacheck.report.plots import to_png

from .figures import FIGURES, all_figures
from .seed import SEED, SEED_FINAL_VERDICT, SEED_VERDICTS, format_value
from .strategies import MERGE_RULE, VARIANT_LABELS
from .study import ALPHA_LEVEL


@dataclass(frozen=True)
class Block:
    kind: str      # "h1" | "h2" | "p" | "table" | "figure" | "list" | "verdict"
    content: object


def our_numbers(res) -> dict[str, float]:
    """Our value for every seed key (same units as :data:`cascade_study.seed.SEED`)."""
    es, cfi, fade, ac, b, cs, dd = (res.event_study, res.cfi, res.fade, res.alt_contagion, res.beta,
                                    res.cross_section, res.drawdown)
    t = es.table
    lt, mn = ac.overall["alt_long"], ac.overall["market_neutral"]
    out = {f"events_{lv}": float(es.counts.loc[lv, "events_merged"]) for lv in es.counts.index}
    out.update({
        "alt_t24": t.loc[24, "alt_mean"], "btc_t24": t.loc[24, "btc_mean"],
        "alt_t48": t.loc[48, "alt_mean"], "btc_t48": t.loc[48, "btc_mean"],
        "spread_t24": t.loc[24, "spread"], "spread_t48": t.loc[48, "spread"],
        "ic_depth": es.ic_depth.estimate if es.ic_depth is not None else float("nan"), "ic_overshoot": es.ic_overshoot.estimate,
        "ic_overshoot_p": es.ic_overshoot.pvalue, "q5_t48": es.q5_mean, "q5_win": es.q5_win,
        "q5_t": es.q5_t, "cfi_ic": cfi.ic, "cfi_crash_ratio": cfi.crash_ratio,
        "fade_train_sharpe": fade.is_sharpe_seed_conv, "fade_oos_sharpe": fade.oos_sharpe_seed_conv,
        "fade_oos_win": fade.oos_win_rate, "fade_oos_mean": fade.oos_mean,
        "alt_mean": lt.mean, "alt_p": lt.pvalue, "alt_sharpe": lt.sharpe_seed_convention,
        "alt_n": lt.n, "alt_cum": lt.cumulative, "alt_years_positive": ac.positive_years["alt_long"],
        "mn_p": mn.pvalue, "beta": b.plain.beta, "r2": b.plain.rsquared, "alpha": b.plain.alpha,
        "alpha_p": b.plain.pvalue, "alpha_vol": b.vol_control.alpha,
        "alpha_vol_p": b.vol_control.pvalue, "recover_n": b.recover_n,
        "recover_mean": b.recover_mean, "fall_n": b.fall_n, "fall_mean": b.fall_mean,
        "ls_mean": cs.long_short_mean, "max_dd": dd.max_drawdown,
    })
    return {k: float(v) for k, v in out.items()}


def seed_comparison(res) -> pd.DataFrame:
    ours = our_numbers(res)
    rows = []
    for k, s in SEED.items():
        ours_v = ours.get(k)
        rows.append({"experiment": s.experiment, "quantity": s.label, "ours": format_value(ours_v, s.unit),
                     "seed": s.fmt(), "seed's verdict": s.supports,
                     "same sign": ("yes" if ours_v is not None and (ours_v > 0) == (s.value > 0) else "no")
                     if s.unit in ("pct", "ic", "sharpe", "bps") else "-"})
    return pd.DataFrame(rows)


def verdict_table(res) -> pd.DataFrame:
    rows = []
    for exp, ours in res.verdicts.items():
        seed = SEED_VERDICTS[exp]
        rows.append({"experiment": exp, "seed verdict": seed, "our verdict": ours,
                     "verdict agrees?": "yes" if ours.lower() == seed.lower() else "NO"})
    final_agrees = res.final.label == SEED_VERDICTS["Final"]
    rows.append({"experiment": "Final", "seed verdict": SEED_VERDICTS["Final"],
                 "our verdict": res.final.label,
                 "verdict agrees?": "yes" if final_agrees else
                 ("partly (no standalone alpha either way)" if not res.final.standalone_alpha else "NO")})
    return pd.DataFrame(rows).set_index("experiment")


def _fmt_frame(df: pd.DataFrame, pct=(), p=(), num=(), ints=()) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if c in pct:
            out[c] = out[c].map(lambda v: format_value(v, "pct"))
        elif c in p:
            out[c] = out[c].map(lambda v: format_value(v, "p"))
        elif c in ints:
            out[c] = out[c].map(lambda v: f"{int(v)}" if v == v else "n/a")
        elif c in num:
            out[c] = out[c].map(lambda v: f"{v:.3g}" if isinstance(v, float) else v)
    return out


def build_blocks(res) -> list[Block]:
    B = []
    es, cfi, fade, ac, b, cs, dd = (res.event_study, res.cfi, res.fade, res.alt_contagion, res.beta,
                                    res.cross_section, res.drawdown)
    B.append(Block("h1", "Liquidation-cascade study: alpha or leveraged BTC beta?"))
    B.append(Block("verdict", f"FINAL VERDICT — {res.final.label.upper()}. {res.final.text}"))
    B.append(Block("p", f"Seed's final verdict: {SEED_FINAL_VERDICT}. Ours is derived by rule "
                        "(cascade_study.study.final_verdict) from the numbers below:"))
    B.append(Block("list", list(res.final.reasons)))
    B.append(Block("h2", "Verdicts per experiment (ours vs seed)"))
    B.append(Block("table", verdict_table(res)))
    B.append(Block("figure", "research_journey"))

    B.append(Block("h2", "Data"))
    s = res.data_summary
    B.append(Block("p", f"{s['hours']:,} hourly bars {s['first']} → {s['last']}; BTC has "
                        f"{s['btc_hours']:,} hours (seed: 50,462). Symbols: {', '.join(s['symbols'])}. "
                        "Returns are never computed across a gap."))
    gr = res.gap_report[["market", "first", "last", "bars", "missing_hours", "gaps", "returns_excluded"]]
    B.append(Block("p", f"1h returns excluded because of data gaps (MarketData.gap_report): "
                        f"{int(gr['returns_excluded'].sum()):,} in total; alt legs dropped from OOS trades "
                        f"because an alt had a bar at entry but a gap or end of data before exit: "
                        f"{ac.excluded_alt_returns}."))
    B.append(Block("table", gr.astype({"first": str, "last": str})))
    B.append(Block("p", f"Merging rule. {MERGE_RULE} The hold is {res.book.hold} h, so events within "
                        f"{res.book.hold} h of the last kept event are merged into it."))

    B.append(Block("h2", "Every seed number beside ours"))
    B.append(Block("p", "Ours will not equal the seed's (different data vintage, 15 vs 587 symbols); the "
                        "verdicts are what must agree. Sharpe ratios in this table use the seed's apparent "
                        "convention (per trade × √(8760/hold)); see Exp 05/05b for the trades-per-year "
                        "annualization. Event counts: merged with the 48 h rule."))
    B.append(Block("table", seed_comparison(res).set_index("experiment")))

    # Exp 01
    B.append(Block("h2", "Exp 01 — cascade detection"))
    c = es.counts.rename(columns={"events_unmerged": "ours (every cascade hour)",
                                  "events_merged": "ours (48 h merge)", "seed": "seed"})
    B.append(Block("table", c))

    # Exp 02
    B.append(Block("h2", "Exp 02 — event study"))
    t = es.table
    B.append(Block("p", f"{len(es.events)} volume-only events (48 h merge), {es.n_alt_events} alt-event "
                        "observations at T+24h. Spread = alt CAR − BTC CAR (alphacheck.events.event_study, "
                        "benchmark = BTC), tested clustered by event (one observation per event, t, two-sided; "
                        "iid bootstrap over events and the naive pooled p beside it). "
                        "Seed at T+24h: alts +1.57% vs BTC +0.56%; T+48h: +2.46% vs +1.10%."))
    B.append(Block("table", _fmt_frame(t, pct=("alt_mean", "alt_event_mean", "alt_ci_low", "alt_ci_high",
                                               "btc_mean", "btc_ci_low", "btc_ci_high", "spread"),
                                       p=("spread_p", "spread_boot_p", "spread_naive_p"),
                                       ints=("n_events", "n_obs", "n_excluded"))))
    B.append(Block("figure", "event_study"))
    B.append(Block("list", [
        (f"IC(cascade depth, BTC recovery 24h), loose set (n = {es.n_depth}): {es.ic_depth.estimate:+.3f}, "
         f"permutation p = {es.ic_depth.pvalue:.3g} — seed 0.70 (n = 36, p < 0.0001)") if es.ic_depth is not None
        else f"IC(cascade depth, BTC recovery 24h): only {es.n_depth} loose events — not computed (seed 0.70)",
        f"IC(alt overshoot, alt recovery 24h), pooled over {es.ic_overshoot.n} alt-events: "
        f"{es.ic_overshoot.estimate:+.3f}, permutation p = {es.ic_overshoot.pvalue:.3g} — seed 0.113 (p = 0.0001)",
        f"Hardest-hit quintile (Q5) at T+48h: mean {es.q5_mean:+.2%}, win rate {es.q5_win:.0%}, "
        f"t = {es.q5_t:.2f} — seed +6.07%, 66%, t = 7.02 (t treats alt-events as independent; alts "
        "of one event co-move, so it overstates)",
    ]))
    B.append(Block("table", _fmt_frame(es.quintiles.table, pct=("mean", "std"), num=("win_rate",))))

    # CFI
    B.append(Block("h2", "CFI — sign of the IC and tail risk"))
    B.append(Block("p", f"IC(CFI, forward 24h BTC return) = {cfi.ic:+.4f} over {cfi.n:,} hours; "
                        f"{cfi.ic_test.method}: p = {cfi.ic_test.pvalue:.3g} (two-sided). Sign: "
                        f"{_cfi_sign_words(cfi.ic, cfi.ic_test.pvalue)}"
                        f" (seed +0.048). Crash = forward 24h BTC return < {cfi.crash_threshold:.0%}; "
                        f"crash rate by CFI quintile below; Q5/Q1 = {cfi.crash_ratio:.2f} (seed 5.13)."))
    B.append(Block("table", cfi.crash_rates.map(lambda v: f"{v:.2%}").to_frame("crash rate")))

    # Exp 05
    B.append(Block("h2", "Exp 05 — BTC cascade fade, 72-combination walk-forward"))
    B.append(Block("p", f"{fade.n_trials} combinations (returns −2/−3/−4/−5 % × volume 1.5/2/3× × hold "
                        "12/24/48 h × CFI filter off/on [CFI above its trailing 720 h median]); expanding "
                        f"train (first 365 days), 3-month test windows, 48 h purge; {len(fade.windows)} windows. "
                        "Best in-sample hourly Sharpe chosen per window."))
    B.append(Block("table", pd.DataFrame({
        "ours": [f"{fade.is_sharpe_seed_conv:.2f}", f"{fade.oos_sharpe_seed_conv:.2f}",
                 f"{fade.is_sharpe:.2f}", f"{fade.oos_sharpe:.2f}", f"{fade.is_sharpe_hourly:.2f}",
                 f"{fade.oos_sharpe_hourly:.2f}", f"{fade.oos_win_rate:.1%}",
                 f"{1e4 * fade.oos_mean:+.1f} bp", f"{fade.oos_n}", f"{fade.pbo.pbo:.2f}",
                 f"{fade.dsr.pvalue:.3g}"],
        "seed": ["9.37", "-3.66", "-", "-", "-", "-", "37.3%", "-63.9 bp", "-", "-", "-"]},
        index=["IS Sharpe, per trade × √(8760/hold) (seed convention)", "OOS Sharpe, same convention",
               "IS Sharpe, per trade × √(trades/yr)", "OOS Sharpe, per trade × √(trades/yr)",
               "IS Sharpe, hourly × √8760", "OOS Sharpe, hourly × √8760", "OOS win rate",
               "OOS mean per trade", "OOS trades", "PBO (CSCV, 16 groups, daily P&L)",
               f"DSR p ({fade.n_trials} trials), best full-sample combo"])))
    B.append(Block("table", _fmt_frame(fade.windows.assign(test_start=fade.windows["test_start"].astype(str).str[:10],
                                                           test_end=fade.windows["test_end"].astype(str).str[:10]),
                                       pct=("is_mean", "oos_mean"),
                                       num=("is_sharpe", "is_sharpe_seed_conv", "is_sharpe_hourly",
                                            "oos_sharpe_hourly"))))

    # Exp 05b
    B.append(Block("h2", "Exp 05b — alt contagion, zero parameters, OOS 2021-2025"))
    B.append(Block("figure", "strategy_rules"))
    B.append(Block("p", "p-values: alphacheck.significance.mean_test, H1 mean > 0, studentised stationary "
                        f"bootstrap ({res.reps:,} replicates, seed {res.seed}) — trades do not overlap but "
                        "cluster in turbulent months. Sharpe: per trade × √(trades per year) [primary] and "
                        "× √(8760/48) [seed convention]. Market-neutral and L/S pay 30 bp on each leg."))
    B.append(Block("table", _fmt_frame(ac.table(), pct=("mean", "cumulative", "max_drawdown"), p=("pvalue",),
                                       num=("sharpe", "sharpe_seed_conv", "win_rate"))))
    B.append(Block("figure", "performance_table"))
    B.append(Block("table", _fmt_frame(ac.by_year.reset_index().assign(
        variant=lambda d: d["variant"].map(VARIANT_LABELS)).set_index(["year", "variant"]),
        pct=("mean", "cumulative"), p=("pvalue",), num=("sharpe", "win_rate"))))
    B.append(Block("p", f"Positive years: " + ", ".join(f"{VARIANT_LABELS[v]} {k}/{ac.n_years}"
                                                        for v, k in ac.positive_years.items())
                   + " (seed: alts long-only 5/5). Years with < 10 trades get no bootstrap p (n/a)."))
    B.append(Block("figure", "annual_breakdown"))
    B.append(Block("figure", "equity_curve"))

    # Exp 06
    B.append(Block("h2", "Exp 06 — beta decomposition"))
    B.append(Block("p", f"alt_k = alpha + beta · BTC_k + e_k over {b.plain.n} OOS trades (alt basket net; "
                        f"BTC gross, same entry/exit); {b.plain.method}; studentised paired stationary bootstrap "
                        f"p = {b.plain_boot.pvalue:.3g}. Volatility control: {b.control_name} at entry, as a "
                        "centred state variable (the alpha is at the average volatility)."))
    B.append(Block("table", pd.DataFrame({
        "ours": [f"{b.plain.beta:.3f}", f"{b.plain.rsquared:.3f}", f"{b.plain.alpha:+.2%}",
                 f"{b.plain.pvalue:.3g}", f"{b.plain_boot.pvalue:.3g}",
                 f"{b.vol_control.alpha:+.2%}", f"{b.vol_control.pvalue:.3g}",
                 f"{b.recover_n}", f"{b.recover_mean:+.2%}", f"{b.fall_n}", f"{b.fall_mean:+.2%}"],
        "seed": ["1.158", "0.543", "+0.98%", "0.182", "-", "-0.74%", "0.797", "42", "+5.86%", "30", "-2.62%"]},
        index=["beta", "R²", "alpha per trade", "alpha p (HAC, two-sided)", "alpha p (bootstrap)",
               "alpha with vol control", "its p (HAC)", "BTC recovers: n", "  alt mean",
               "BTC keeps falling: n", "  alt mean"])))
    B.append(Block("figure", "trade_scatter"))
    B.append(Block("figure", "beta_decomposition"))

    # Exp 07
    B.append(Block("h2", "Exp 07 — concentration and cross-sectional long/short"))
    B.append(Block("table", _fmt_frame(cs.table(), pct=("mean", "alpha"), p=("pvalue", "alpha_p"),
                                       num=("beta", "r2"))))
    B.append(Block("p", f"Long hardest / short least-hit: {cs.long_short_mean:+.2%} per trade (seed −0.64%)."))
    B.append(Block("figure", "concentration_table"))

    # Drawdown
    B.append(Block("h2", "Drawdown"))
    B.append(Block("p", f"Max drawdown of the alts long-only equity curve: {dd.max_drawdown:.1%} at "
                        f"{dd.max_drawdown_date:%Y-%m-%d} (seed −34%, May 2021). Worst losing streak: "
                        f"{len(dd.worst_streak)} trades, {dd.worst_streak_return:+.1%} compounded."))
    ep = dd.episodes.copy()
    for col in ("peak", "trough", "recovery"):
        ep[col] = ep[col].map(lambda v: "not recovered" if v is None or v != v else f"{pd.Timestamp(v):%Y-%m-%d}")
    B.append(Block("table", _fmt_frame(ep, pct=("depth",))))
    B.append(Block("table", _fmt_frame(dd.worst_streak.assign(entry=dd.worst_streak["entry"].astype(str)),
                                       pct=("return",))))
    B.append(Block("figure", "drawdown_chart"))

    B.append(Block("h2", "Method notes"))
    B.append(Block("list", [
        "Timing: a cascade on the bar opening at t is known at its close; trades enter at close[t] "
        "and exit at close[t + hold]. Features are causal (cascade_study.features).",
        "All statistics come from alphacheck (mean_test, sharpe_ratio, jensen_alpha, spread_test, ic_test, "
        "quantile_returns, event_study, walk_forward, pbo, deflated_sharpe_ratio, CalendarWindows, WalkForward).",
        "CFI IC test: the hourly 24 h-forward returns overlap, so alphacheck.ic_test(method='hac', horizon=24) "
        "tests the mean of the products of standardised ranks (which is the Spearman IC) with a Newey–West "
        "HAC standard error over the library's overlap-aware lag window and fixed-b p-values.",
    ]))
    return B


def _cfi_sign_words(ic: float, p: float, a: float = ALPHA_LEVEL) -> str:
    if p >= a:
        return (f"{'positive' if ic > 0 else 'negative'} but NOT significant — no evidence either way, so "
                "CFI is neither a momentum gauge nor a crash predictor here (the seed's IC was significant)")
    if ic > 0:
        return "POSITIVE and significant — high fragility goes with higher returns (momentum), as the seed found"
    return "NEGATIVE and significant — CFI predicts lower returns (a crash predictor), unlike the seed"


# ----------------------------------------------------------------------------- rendering
def _md_table(df: pd.DataFrame) -> str:
    cols = [df.index.name or ""] + [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in df.iterrows():
        idx = " / ".join(map(str, idx)) if isinstance(idx, tuple) else str(idx)
        cells = [idx] + [str(v).replace("|", "\\|") for v in row.to_numpy()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [df.index.name or ""] + list(df.columns))
    body = []
    for idx, row in df.iterrows():
        idx = " / ".join(map(str, idx)) if isinstance(idx, tuple) else str(idx)
        cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in row.to_numpy())
        body.append(f"<tr><th>{html.escape(idx)}</th>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.85em}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
thead th{background:#dde6f0}.verdict{background:#fff4e0;border-left:6px solid #d98b1a;padding:0.8em 1em;font-size:1.1em}
img{max-width:100%;border:1px solid #eee;margin:0.5em 0}figcaption{font-size:0.85em;color:#555}"""


def write_report(result, out_dir) -> dict[str, Path]:
    """Write report.md, report.html and figures/*.png; return their paths."""
    out = Path(out_dir)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    titles = dict(FIGURES)
    pngs = {}
    for name, fig in all_figures(result).items():
        pngs[name] = to_png(fig)
        fig.clear()
        (fig_dir / f"{name}.png").write_bytes(pngs[name])
    blocks = build_blocks(result)
    md, body = [], []
    for blk in blocks:
        k, c = blk.kind, blk.content
        if k == "h1":
            md.append(f"# {c}\n")
            body.append(f"<h1>{html.escape(c)}</h1>")
        elif k == "h2":
            md.append(f"## {c}\n")
            body.append(f"<h2>{html.escape(c)}</h2>")
        elif k == "p":
            md.append(f"{c}\n")
            body.append(f"<p>{html.escape(c)}</p>")
        elif k == "verdict":
            md.append(f"> **{c}**\n")
            body.append(f"<p class='verdict'><b>{html.escape(c)}</b></p>")
        elif k == "list":
            md.append("\n".join(f"- {x}" for x in c) + "\n")
            body.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in c) + "</ul>")
        elif k == "table":
            md.append(_md_table(c) + "\n")
            body.append(_html_table(c))
        elif k == "figure":
            md.append(f"![{titles[c]}](figures/{c}.png)\n\n*{titles[c]}*\n")
            b64 = base64.b64encode(pngs[c]).decode("ascii")
            body.append(f"<figure><img alt='{html.escape(titles[c])}' src='data:image/png;base64,{b64}'>"
                        f"<figcaption>{html.escape(titles[c])}</figcaption></figure>")
    md_path, html_path = out / "report.md", out / "report.html"
    md_path.write_text("\n".join(md), encoding="utf-8")
    html_path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Cascade study</title>"
                         f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>", encoding="utf-8")
    return {"markdown": md_path, "html": html_path, "figures": fig_dir}
