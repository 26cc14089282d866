"""Open the audit's HTML report in headless Chromium: the page renders, shows the verdict, and embeds
every figure as a decodable, non-blank PNG.

Chromium comes from the Debian package ``chromium`` (/usr/bin/chromium), which CI installs. The tests never
install anything: without Chromium the browser tests are skipped with the reason; the check that the page
embeds every figure as a decodable PNG runs either way.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg

from alphacheck import audit

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _find_chromium() -> str | None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = _find_chromium()
    if path is None:
        pytest.skip(f"headless Chromium not found ({CHROMIUM} is absent and no `chromium` on PATH); CI installs "
                    "the Debian package `chromium` (apt-get install -y chromium) — the tests never install it")
    return path


@pytest.fixture(scope="module")
def report_files(tmp_path_factory):
    rng = np.random.default_rng(12)
    n = 72
    idx = pd.date_range("2021-01-05", periods=n, freq="25D")
    btc = pd.Series(rng.normal(0.0117, 0.0584, n), idx)
    strat = 1.158 * btc + rng.normal(0.0, 0.062, n)
    rep = audit(strat, benchmark=btc, cost_bps=30, reps=499)
    out = tmp_path_factory.mktemp("html_report")
    paths = rep.save(out)
    return rep, paths["html"], len(rep.plot())


def _run(chromium: str, tmp_path, *extra: str, url: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def _non_blank_png(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = mpimg.imread(io.BytesIO(data), format="png")
    assert img.ndim == 3 and img.shape[0] > 50 and img.shape[1] > 50
    assert float(img[..., :3].std()) > 0.01, "image is blank"
    return img


def test_screenshot_renders_non_blank_page(chromium, report_files, tmp_path):
    _, html_path, _ = report_files
    shot = tmp_path / "report.png"
    proc = _run(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1400,6000",
                url=html_path.resolve().as_uri())
    assert shot.exists(), f"no screenshot; chromium said: {proc.stderr[-800:]}"
    img = _non_blank_png(shot.read_bytes())
    assert img.shape[1] == 1400
    # the page has content well below the fold (figures), not just a header
    rows_with_ink = np.flatnonzero(img[..., :3].std(axis=(1, 2)) > 0.01)
    assert rows_with_ink.max() > 2000


def test_dom_has_verdict_and_every_figure(chromium, report_files, tmp_path):
    rep, html_path, n_figures = report_files
    proc = _run(chromium, tmp_path, "--dump-dom", url=html_path.resolve().as_uri())
    dom = proc.stdout
    assert "<body" in dom, proc.stderr[-800:]
    assert f"Verdict: {rep.verdict}" in dom
    for reason in rep.reasons[:1]:
        assert reason.split(":")[0] in dom
    images = re.findall(r'<img[^>]+src="data:image/png;base64,([A-Za-z0-9+/=]+)"', dom)
    assert n_figures == 5  # equity, scatter, periods, drawdown, bootstrap (with a benchmark)
    assert len(images) == n_figures
    for b64 in images:
        _non_blank_png(base64.b64decode(b64))


def test_html_embeds_every_figure_without_a_browser(report_files):
    """The same page read as text (no browser needed): the verdict and one decodable PNG per figure."""
    rep, html_path, n_figures = report_files
    html = html_path.read_text(encoding="utf-8")
    assert f"Verdict: {rep.verdict}" in html
    images = re.findall(r'<img[^>]+src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert n_figures == 5 and len(images) == n_figures
    for b64 in images:
        _non_blank_png(base64.b64decode(b64))
