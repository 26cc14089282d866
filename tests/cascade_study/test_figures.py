"""Every figure, as a PNG: not blank, no text box overlapping another, no error bar through a text box,
nothing drawn outside the canvas (matplotlib's renderer gives the boxes)."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.image import imread
from matplotlib.text import Text

from alphacheck.report.plots import to_png
from cascade_study.figures import FIGURES, all_figures


@pytest.fixture(scope="module")
def figures(bundled_study):
    return all_figures(bundled_study)


def _drawn_texts(fig, renderer):
    """(text, window box) of every visible, non-empty text that is drawn (tick labels outside the view
    interval are not drawn, so they are left out)."""
    hidden = set()
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                off = not ax.axison or not axis.get_visible()  # ax.axis("off"): no ticks, no axis labels drawn
                if off or loc is None or not (lo - 1e-9 * (hi - lo) <= loc <= hi + 1e-9 * (hi - lo)):
                    hidden.update({id(tick.label1), id(tick.label2)})
            if not ax.axison:
                hidden.update({id(axis.label), id(axis.offsetText)})
    return [(t, t.get_window_extent(renderer)) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def _overlap(a, b, tol=1.0) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0)) > tol and (min(a.y1, b.y1) - max(a.y0, b.y0)) > tol


def _segment_hits_box(p, q, box, tol=1.0) -> bool:
    t = np.linspace(0.0, 1.0, 200)[:, None]
    pts = p[None, :] * (1 - t) + q[None, :] * t
    inside = ((pts[:, 0] > box.x0 + tol) & (pts[:, 0] < box.x1 - tol) & (pts[:, 1] > box.y0 + tol)
              & (pts[:, 1] < box.y1 - tol))
    return bool(inside.any())


@pytest.mark.parametrize("name", [n for n, _ in FIGURES])
def test_figure_png_is_not_blank(figures, name):
    png = to_png(figures[name])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = imread(io.BytesIO(png), format="png")[..., :3]
    background = img[0, 0]
    ink = np.abs(img - background).sum(axis=2) > 0.1
    assert ink.mean() > 0.02, f"{name}: only {ink.mean():.2%} of the pixels are drawn"
    colours = np.unique((img.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
    assert len(colours) > 20, f"{name}: {len(colours)} colours"


@pytest.mark.parametrize("name", [n for n, _ in FIGURES])
def test_no_text_box_overlaps_another_or_leaves_the_canvas(figures, name):
    fig = figures[name]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = _drawn_texts(fig, renderer)
    assert len(texts) >= 4, f"{name}: {len(texts)} texts"
    canvas = fig.bbox
    outside = [t.get_text() for t, b in texts
               if b.x0 < canvas.x0 - 1 or b.y0 < canvas.y0 - 1 or b.x1 > canvas.x1 + 1 or b.y1 > canvas.y1 + 1]
    assert not outside, f"{name}: text outside the canvas: {outside}"
    clashes = [(a.get_text(), b.get_text()) for (a, ba), (b, bb) in itertools.combinations(texts, 2)
               if _overlap(ba, bb)]
    assert not clashes, f"{name}: overlapping text boxes: {clashes[:5]}"


@pytest.mark.parametrize("name", [n for n, _ in FIGURES])
def test_no_error_bar_crosses_a_text_box(figures, name):
    """The defect of 0.1's beta-decomposition figure: whiskers drawn through the value labels."""
    fig = figures[name]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_text().strip()]
        leg = ax.get_legend()
        if leg is not None:
            boxes.append(("legend", leg.get_window_extent(renderer)))
        for cont in ax.containers:
            if not isinstance(cont, ErrorbarContainer):
                continue
            for coll in cont.lines[2]:
                for seg in coll.get_segments():
                    p, q = (coll.get_transform().transform(np.asarray(seg)))
                    for label, box in boxes:
                        assert not _segment_hits_box(p, q, box), f"{name}: an error bar crosses '{label}'"


def test_the_overlap_check_can_fail():
    """The checks above would catch the 0.1 defects: a label run into the title, a whisker through a label."""
    from alphacheck.report.plots import new_figure

    fig, ax = new_figure(6, 3)
    ax.bar([0], [1.0])
    ax.set_ylim(0, 1.05)
    ax.annotate("spread +1.41%\np=0.033", (0, 1.02), ha="center", va="bottom", xytext=(0, 3),
                textcoords="offset points")
    ax.set_title("a title")
    fig.canvas.draw()
    texts = _drawn_texts(fig, fig.canvas.get_renderer())
    assert any(_overlap(ba, bb) for (_, ba), (_, bb) in itertools.combinations(texts, 2))
    fig2, ax2 = new_figure(6, 3)
    ax2.bar([0], [1.0])
    ax2.errorbar([0], [1.0], yerr=[[0.5], [0.5]], fmt="none")
    ax2.text(0, 1.2, "+1.00%\np 0.16", ha="center")
    fig2.canvas.draw()
    r = fig2.canvas.get_renderer()
    box = ax2.texts[0].get_window_extent(r)
    cont = next(c for c in ax2.containers if isinstance(c, ErrorbarContainer))
    coll = cont.lines[2][0]
    p, q = coll.get_transform().transform(np.asarray(coll.get_segments()[0]))
    assert _segment_hits_box(p, q, box)


def test_event_study_bars_and_their_error_bars_are_the_same_quantity(figures, bundled_study):
    """0.1 drew the pooled mean as the bar and the CI of the per-event mean as its error bar."""
    from matplotlib.container import BarContainer

    t = bundled_study.event_study.table
    ax = figures["event_study"].axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    errs = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    for bar, err, (mean, lo, hi) in zip(bars, errs, (("alt_event_mean", "alt_ci_low", "alt_ci_high"),
                                                      ("btc_mean", "btc_ci_low", "btc_ci_high"))):
        heights = np.array([p.get_height() for p in bar.patches])
        np.testing.assert_allclose(heights, 100 * t[mean].to_numpy(), rtol=1e-12)
        ys = np.array([[seg[0][1], seg[1][1]] for seg in err.lines[2][0].get_segments()])
        np.testing.assert_allclose(np.sort(ys, axis=1), 100 * t[[lo, hi]].to_numpy(), rtol=1e-12)
        assert ((ys.min(axis=1) <= heights) & (heights <= ys.max(axis=1))).all()


def test_equity_legend_uses_the_table_names(figures):
    from cascade_study.strategies import VARIANT_LABELS

    labels = [t.get_text() for t in figures["equity_curve"].axes[0].get_legend().get_texts()]
    assert any(VARIANT_LABELS["btc_fade"] in lab for lab in labels)
    assert not any("buy-the-dip" in lab for lab in labels)


def test_no_figure_is_a_picture_of_a_table(figures):
    from matplotlib.table import Table as MplTable

    for name, fig in figures.items():
        assert not fig.findobj(MplTable), f"{name} draws a table"


def test_every_sharpe_in_a_figure_names_its_convention(figures):
    seen = 0
    for name, fig in figures.items():
        for t in fig.findobj(Text):
            if "Sharpe" in t.get_text():
                seen += 1
                assert "√" in t.get_text() or "×" in t.get_text(), f"{name}: {t.get_text()!r}"
    assert seen >= 4
