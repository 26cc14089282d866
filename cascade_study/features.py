"""The 29 aggregate market-wide features of the cascade study, and the Composite Fragility Index.

Timing convention (no look-ahead)
---------------------------------
Row ``t`` is the hourly bar that opens at ``t`` and closes at ``t + 1h``. Every feature at row ``t``
uses only information available at that close: bars ``<= t`` and funding settlements published at
or before it. A funding settlement stamped ``τ`` (e.g. 08:00:00.004) is assigned to the hour
``floor(τ, 1h)`` (the 08:00 bar, which closes at 09:00, after ``τ``) and forward filled from there to
later hours, for at most ``funding_max_stale_hours`` (default 24 h: Binance settles every <= 8 h,
so an older rate means the symbol stopped trading perps, e.g. FTM's two months of funding).
Funding rates are per settlement. Binance settles every 8 h, but shortened some intervals under stress
(SOL settled every 2 h/4 h in November 2022, during the FTX crash). Every rate is put on the 8 h scale
before it enters a feature (:func:`funding_per_8h`): ``r_8h = r x 8 / h`` with ``h`` = hours since the
symbol's previous settlement (rounded, at least 1, at most 8 — a longer spacing is a data gap, not a
longer interval; the first settlement counts as 8 h). From the timestamps alone this reproduces the
archive's ``funding_interval_hours`` on every SOL settlement but one (2022-11-10 04:00, 4 h after the
previous one, stated as 2 h — the interval was switched during that period; we scale by the 4 h actually
accrued).
All rolling windows are trailing and include the current hour unless stated otherwise; the
volume ratio's baseline excludes it. Returns are never computed across a gap
(:meth:`MarketData.returns`).

Z-scores (``_zscore``) are ``(x_t - mean) / std`` over the trailing ``z_window`` hours **including**
``t`` (pandas ``rolling(z_window, min_periods=z_window)``, sample std, ddof=1); NaN until the window
is full of valid values and where the window is (numerically) constant.

Source: definitions follow the seed write-up (../shared/SEED_STUDY.md, "Feature Engineering" and the
"decisions" list); the remaining features are standard market-state measures chosen here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.market import MarketData
from .data.universe import BTC

FEATURE_DESCRIPTIONS: dict[str, str] = {
    "btc_ret_1h": "BTC 1h simple close-to-close return (price velocity, 1h)",
    "btc_ret_4h": "BTC 4h simple return (price velocity, 4h)",
    "btc_ret_24h": "BTC 24h simple return",
    "btc_accel_1h": "BTC acceleration: btc_ret_1h minus the previous hour's btc_ret_1h",
    "btc_accel_4h": "BTC acceleration: btc_ret_4h minus btc_ret_4h four hours earlier",
    "btc_vol_ratio": "BTC volume / mean BTC volume of the previous 24 hours (current hour excluded)",
    "btc_vol_z": "z-score of log(1 + BTC volume) over the trailing 168 h",
    "btc_rv_24h": "BTC realized volatility: std of hourly returns over the trailing 24 h (not annualized)",
    "btc_rv_168h": "BTC realized volatility: std of hourly returns over the trailing 168 h",
    "btc_rv_ratio": "btc_rv_24h / btc_rv_168h (short-term volatility regime)",
    "btc_dd_24h": "BTC close / highest high of the trailing 24 h - 1 (drawdown from 24h high)",
    "btc_dd_168h": "BTC close / highest high of the trailing 168 h - 1 (drawdown from 7d high)",
    "btc_range_1h": "BTC (high - low) / open of the current bar (intra-hour range)",
    "alt_ret_1h": "equal-weight mean 1h return of the alts with a return this hour",
    "alt_ret_4h": "equal-weight mean 4h return of the alts with a 4h return this hour",
    "alt_minus_btc_1h": "alt_ret_1h - btc_ret_1h (alt over/under-shoot vs BTC)",
    "alt_breadth_down": "share of alts (with a 1h return) whose 1h return is negative",
    "alt_dispersion_1h": "cross-sectional std of alt 1h returns",
    "alt_vol_ratio": "median across alts of the volume ratio (volume / mean of previous 24 h)",
    "mkt_vol_z": "z-score (168 h) of log total USD volume (sum of close*volume over symbols)",
    "funding_agg": "Binance funding: mean of latest published rates weighted by trailing-24h USD volume",
    "fr_z": "z-score of funding_agg over the trailing 168 h",
    "funding_btc": "latest published Binance BTC funding rate (per 8h settlement)",
    "funding_change_24h": "funding_agg minus funding_agg 24 h earlier",
    "funding_disp": "cross-sectional std of latest Binance funding rates (positioning dispersion)",
    "funding_disp_z": "z-score of funding_disp over the trailing 168 h",
    "funding_xex_gap": ("cross-exchange gap: mean over symbols of Binance rate minus mean(Bybit, "
                        "8 x Hyperliquid hourly); NaN where no symbol has Bybit/Hyperliquid data"),
    "funding_xex_gap_absz": "z-score of |funding_xex_gap| over the trailing 168 h",
    "cfi": ("Composite Fragility Index: equal-weight mean of the available z-scores fr_z, "
            "funding_disp_z, funding_xex_gap_absz, BTC volume-ratio z, BTC 24h-RV z"),
}


def _zscore(x: pd.Series, window: int) -> pd.Series:
    """Trailing z-score including the current value; NaN where the window is constant."""
    roll = x.rolling(window, min_periods=window)
    mean, std = roll.mean(), roll.std()
    scale = x.abs().rolling(window, min_periods=window).mean()
    ok = std > 1e-9 * scale  # pandas' online std leaves ~1e-16 relative noise on flat windows
    return ((x - mean) / std).where(ok)


def volume_ratio(volume: pd.DataFrame | pd.Series, window: int = 24):
    """volume_t / mean(volume_{t-window} .. volume_{t-1}); NaN unless all ``window`` previous
    hours have a bar, and where that mean is 0."""
    base = volume.shift(1).rolling(window, min_periods=window).mean()
    return (volume / base.where(base > 0))


FUNDING_BASE_HOURS = 8
FUNDING_RULE = ("Funding rates are put on the 8 h scale before use: rate x 8 / h, with h the hours since the "
                "symbol's previous settlement (rounded, between 1 and 8; the first settlement counts as 8 h). "
                "This matters only for SOL in November 2022, when Binance settled every 2 h/4 h.")


def settlement_hours(rates: pd.Series, base_hours: int = FUNDING_BASE_HOURS) -> pd.Series:
    """Accrual interval of each settlement of one symbol (hours since its previous settlement, rounded,
    clipped to ``[1, base_hours]``; the first settlement gets ``base_hours``). NaN rates are skipped."""
    s = rates.dropna()
    if s.empty:
        return pd.Series(dtype=float, index=s.index)
    ns = s.index.as_unit("ns").asi8
    h = np.r_[float(base_hours), np.round(np.diff(ns) / 3.6e12)]
    return pd.Series(np.clip(h, 1.0, float(base_hours)), index=s.index, name="interval_hours")


def funding_per_8h(funding: pd.DataFrame | None, base_hours: int = FUNDING_BASE_HOURS) -> pd.DataFrame | None:
    """Per-settlement rates rescaled to the 8 h convention: ``r * base_hours / h`` (h from
    :func:`settlement_hours`, per symbol). Rates already on an 8 h spacing are returned unchanged (bit for bit)."""
    if funding is None or funding.empty:
        return funding
    out = funding.copy()
    for s in out.columns:
        h = settlement_hours(out[s], base_hours)
        if len(h) and (h != base_hours).any():
            scale = (base_hours / h).reindex(out.index)
            out[s] = out[s] * scale.where(out[s].notna())
    return out


def latest_rates(funding: pd.DataFrame | None, index: pd.DatetimeIndex, symbols,
                 max_stale_hours: int) -> pd.DataFrame:
    """Latest published rate per symbol at each hour (see module docstring for timing)."""
    out = pd.DataFrame(np.nan, index=index, columns=list(symbols))
    if funding is None or funding.empty or len(index) == 0:
        return out
    hour = funding.index.floor("h")
    for s in symbols:
        if s not in funding.columns:
            continue
        col = pd.Series(funding[s].to_numpy(), index=hour).dropna()
        col = col[~col.index.duplicated(keep="last")]  # two settlements in one hour: last wins
        col = col[(col.index >= index[0]) & (col.index <= index[-1])]
        out[s] = col.reindex(index).ffill(limit=max_stale_hours)
    return out


def usd_volume_24h(md: MarketData) -> pd.DataFrame:
    """Trailing 24 h USD volume per symbol (sum of close x volume over hours t-23 .. t; NaN until 24 bars)."""
    return (md.close * md.volume).rolling(24, min_periods=24).sum()


def aggregate_funding(md: MarketData, *, symbols=None, rescale: bool = True, max_stale_hours: int = 24,
                      usd24: pd.DataFrame | None = None,
                      latest: pd.DataFrame | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """The volume-weighted aggregate Binance funding rate and the latest published rate per symbol.

    ``funding_agg_t = sum_s w_s,t f_s,t / sum_s w_s,t`` over ``symbols`` (default all) with ``f_s,t`` the
    latest published rate (8 h scale unless ``rescale=False``, the 0.1 behaviour) and ``w_s,t`` the symbol's
    trailing-24 h USD volume; only symbols having both enter. ``symbols`` and ``rescale`` exist to measure
    how the funding-conditioned cascade counts depend on the coverage and the rescaling (data caveats);
    ``latest`` may pass the latest-rates frame this function returned (same ``rescale``) to skip recomputing it.
    """
    syms = md.symbols
    raw = md.funding.get("binance")
    fb = latest if latest is not None else latest_rates(funding_per_8h(raw) if rescale else raw, md.index, syms,
                                                        max_stale_hours)
    if usd24 is None:
        usd24 = usd_volume_24h(md)
    use = fb
    if symbols is not None:
        use = fb.copy()
        use.loc[:, ~fb.columns.isin(list(symbols))] = np.nan
    w = usd24.where(use.notna() & (usd24 > 0))
    wsum = w.sum(axis=1, min_count=1)
    agg = (w * use).sum(axis=1, min_count=1) / wsum.where(wsum > 0)
    return agg.rename("funding_agg"), fb


def funding_zscore(md: MarketData, *, z_window: int = 168, **kw) -> pd.Series:
    """``fr_z`` from :func:`aggregate_funding` (same keywords), as in :func:`compute_features`."""
    return _zscore(aggregate_funding(md, **kw)[0], z_window).rename("fr_z")


def compute_features(md: MarketData, z_window: int = 168, vol_window: int = 24,
                     funding_max_stale_hours: int = 24) -> pd.DataFrame:
    """The 29 hourly features of ``FEATURE_DESCRIPTIONS`` (columns in that order), causal.

    Aggregate funding (seed: "volume-weighted average funding rate ... z-scored over 168 hours"):
    ``funding_agg_t = sum_s w_s,t f_s,t / sum_s w_s,t`` with ``f_s,t`` the latest published Binance
    rate on the 8 h scale (:func:`funding_per_8h`) and ``w_s,t`` the symbol's USD volume (sum of
    close*volume) over hours ``t-23 .. t``; only
    symbols having both enter. Hyperliquid rates are hourly and are multiplied by 8 before
    comparison with 8h Binance/Bybit rates in ``funding_xex_gap``.

    CFI: ``cfi_t = mean_k z_k,t`` over the components available at ``t`` (equal weights 1/K_t):
    fr_z, funding_disp_z, funding_xex_gap_absz (only 2020-21 and 2025-26 have Bybit/Hyperliquid
    data), z(btc_vol_ratio) and z(btc_rv_24h), each a trailing ``z_window`` z-score.
    """
    if BTC not in md.symbols:
        raise ValueError("compute_features: MarketData has no BTC column")
    idx = md.index
    close, high, low, opn, vol = md.close, md.high, md.low, md.open, md.volume
    alts = md.alts
    r1, r4, r24 = md.returns(1), md.returns(4), md.returns(24)
    f: dict[str, pd.Series] = {}

    # --- BTC price, volume, volatility
    f["btc_ret_1h"] = r1[BTC]
    f["btc_ret_4h"] = r4[BTC]
    f["btc_ret_24h"] = r24[BTC]
    f["btc_accel_1h"] = r1[BTC] - r1[BTC].shift(1)
    f["btc_accel_4h"] = r4[BTC] - r4[BTC].shift(4)
    vr = volume_ratio(vol, vol_window)
    f["btc_vol_ratio"] = vr[BTC]
    f["btc_vol_z"] = _zscore(np.log1p(vol[BTC]), z_window)
    f["btc_rv_24h"] = r1[BTC].rolling(24, min_periods=24).std()
    f["btc_rv_168h"] = r1[BTC].rolling(168, min_periods=168).std()
    f["btc_rv_ratio"] = f["btc_rv_24h"] / f["btc_rv_168h"].where(f["btc_rv_168h"] > 0)
    f["btc_dd_24h"] = close[BTC] / high[BTC].rolling(24, min_periods=24).max() - 1.0
    f["btc_dd_168h"] = close[BTC] / high[BTC].rolling(168, min_periods=168).max() - 1.0
    f["btc_range_1h"] = (high[BTC] - low[BTC]) / opn[BTC]

    # --- alt basket
    ra1, ra4 = r1[alts], r4[alts]
    n1 = ra1.notna().sum(axis=1)
    f["alt_ret_1h"] = ra1.mean(axis=1)
    f["alt_ret_4h"] = ra4.mean(axis=1)
    f["alt_minus_btc_1h"] = f["alt_ret_1h"] - f["btc_ret_1h"]
    f["alt_breadth_down"] = (ra1 < 0).sum(axis=1).div(n1.where(n1 > 0))
    f["alt_dispersion_1h"] = ra1.std(axis=1)
    f["alt_vol_ratio"] = vr[alts].median(axis=1)
    usd = close * vol
    total_usd = usd.sum(axis=1, min_count=1)
    f["mkt_vol_z"] = _zscore(np.log(total_usd.where(total_usd > 0)), z_window)

    # --- funding (every rate on the 8 h scale, FUNDING_RULE)
    syms = md.symbols
    usd24 = usd.rolling(24, min_periods=24).sum()
    f["funding_agg"], fb = aggregate_funding(md, usd24=usd24, max_stale_hours=funding_max_stale_hours)
    f["fr_z"] = _zscore(f["funding_agg"], z_window)
    f["funding_btc"] = fb[BTC]
    f["funding_change_24h"] = f["funding_agg"] - f["funding_agg"].shift(24)
    f["funding_disp"] = fb.std(axis=1)
    f["funding_disp_z"] = _zscore(f["funding_disp"], z_window)
    by = latest_rates(funding_per_8h(md.funding.get("bybit")), idx, syms, funding_max_stale_hours)
    hl = latest_rates(md.funding.get("hyperliquid"), idx, syms, funding_max_stale_hours) * 8.0
    other = pd.concat([by, hl]).groupby(level=0, sort=False).mean()  # per symbol mean of available
    other = other.reindex(idx)
    gap = fb - other
    f["funding_xex_gap"] = gap.mean(axis=1)
    f["funding_xex_gap_absz"] = _zscore(f["funding_xex_gap"].abs(), z_window)

    # --- composite fragility index
    comps = pd.concat([f["fr_z"], f["funding_disp_z"], f["funding_xex_gap_absz"],
                       _zscore(f["btc_vol_ratio"], z_window), _zscore(f["btc_rv_24h"], z_window)],
                      axis=1)
    f["cfi"] = comps.mean(axis=1)

    out = pd.DataFrame({k: f[k] for k in FEATURE_DESCRIPTIONS}, index=idx)
    return out.replace([np.inf, -np.inf], np.nan)
