"""The report figures: built without pyplot, drawing the numbers they are given, non-blank PNGs."""

import io
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from alphacheck.report import plots


def _png_is_not_blank(png: bytes) -> bool:
    import matplotlib.image

    img = matplotlib.image.imread(io.BytesIO(png))
    return img.shape[0] > 50 and float(np.std(img[..., :3])) > 0.01


@pytest.fixture
def series():
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2022-01-03", periods=300)
    return rng.normal(0.0005, 0.01, 300), rng.normal(0.0003, 0.01, 300), idx


def test_every_figure_is_a_figure_with_a_non_blank_png(series):
    r, b, idx = series
    figs = [plots.plot_equity(r, b, idx), plots.plot_scatter(r, b, 0.0002, 1.1),
            plots.plot_periods(["2022", "2023"], [0.001, -0.002], [150, 150]),
            plots.plot_drawdown(r, idx), plots.plot_bootstrap(np.random.default_rng(1).normal(0, 1e-3, 999), 0.002)]
    for fig in figs:
        assert isinstance(fig, Figure)
        assert _png_is_not_blank(plots.to_png(fig))


def test_figures_draw_the_given_numbers(series):
    r, b, idx = series
    eq = plots.plot_equity(r, None, idx)
    y = eq.axes[0].lines[0].get_ydata()
    assert y[-1] == pytest.approx(100 * (np.prod(1 + r) - 1))
    dd = plots.plot_drawdown(r, idx)
    wealth = np.cumprod(1 + r)
    assert np.asarray(dd.axes[0].lines[0].get_ydata()).min() == pytest.approx(
        100 * float(np.min(wealth / np.maximum.accumulate(np.r_[1.0, wealth])[1:] - 1)))
    sc = plots.plot_scatter(r, b, 0.001, 2.0)
    assert "alpha = 0.10%" in sc.axes[0].get_legend().get_texts()[0].get_text()


def test_no_pyplot_state_leaks(series):
    r, b, idx = series
    plots.plot_equity(r, b, idx)
    if "matplotlib.pyplot" in sys.modules:  # another test may have imported it; then no figure may be open
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []
