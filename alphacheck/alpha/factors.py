"""Multi-factor alpha for many strategies at once, the Gibbons–Ross–Shanken joint test, and factor files.

* :func:`factor_alpha` — the time-series regression of each of N strategies on the same K traded factors,
  ``r_it = α_i + β_i' f_t + e_it`` (Black, Jensen & Scholes 1972; Fama & French 1993), and the joint test
  H0: α_1 = … = α_N = 0 of Gibbons, Ross & Shanken (1989):

      W = (T − N − K)/N · α̂' Σ̂⁻¹ α̂ / (1 + f̄' Ω̂⁻¹ f̄)  ~  F(N, T − N − K)

  (GRS eq. (8); Cochrane 2005, *Asset Pricing*, eq. (12.6)) with Σ̂ = Ê'Ê/T the residual covariance and
  Ω̂ = (1/T) Σ_t (f_t − f̄)(f_t − f̄)' the factor covariance (maximum-likelihood divisors T). The F law is
  exact when the errors are iid multivariate normal given the factors. ``method="bootstrap"`` keeps W but
  takes its null law from a block bootstrap under H0 (rows (f_t, ê_t) resampled together, r*_t = β̂' f*_t
  + ê*_t, so α = 0 holds in the bootstrap world; Chou & Zhou 2006, J. Financ. Econometrics 4(3), sec. 2,
  with blocks of rows as in Politis & Romano 1994), for non-normal, heteroskedastic or dependent returns:
  p = (1 + #{W* ≥ W}) / (B + 1). Per-strategy alphas get Newey–West HAC standard errors.
  α̂'Σ̂⁻¹α̂ is the squared Sharpe ratio of the best alpha portfolio (GRS sec. 3): ``estimate`` is its square root.
* :func:`read_french_factors` — a file of Kenneth French's data library (CSV or the ZIP it ships in):
  text lines, then tables whose header line starts with a comma, dates as YYYYMM / YYYYMMDD / YYYY,
  values in percent, −99.99 / −999 for missing. No network: you download the file.
* :func:`read_factors` — your own factor file: a CSV with a date column and one column per factor.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from alphacheck._hac import resolve_maxlags
from alphacheck._inputs import (
    InputError,
    align,
    check_choice,
    check_magnitude,
    check_plausible,
    check_probability,
    check_reps,
    require_variance,
)
from alphacheck._ols import covariance, ols, require_residuals
from alphacheck._pvalues import pvalue_from_counts, pvalue_from_law
from alphacheck._resample import METHODS, Scheme, SeedLike, map_index_chunks, resolve_block_length
from alphacheck._results import Interval, TestResult, format_number, frame_table, text_table

__all__ = ["FactorAlphaResult", "factor_alpha", "grs_statistic", "read_french_factors", "read_factors"]

FACTOR_METHODS = ("grs", "bootstrap")


@dataclasses.dataclass(frozen=True)
class FactorAlphaResult(TestResult):
    """The joint test that N strategies have zero alpha against K traded factors, and every regression.

    Attributes (beyond the :class:`~alphacheck.TestResult` protocol)
    ----------
    table : DataFrame
        Per strategy: alpha, its HAC se, t, two-sided p-value, R², residual sd, then one column per beta.
    alphas, betas : Series, DataFrame
        α̂_i and β̂_i (strategies x factors).
    residual_covariance, factor_covariance : DataFrame
        Σ̂ and Ω̂ (divisor T).
    sharpe_alpha : float
        sqrt(α̂'Σ̂⁻¹α̂), the per-period Sharpe ratio of the tangency portfolio of the alphas (``estimate``).
    factor_sharpe : float
        sqrt(f̄'Ω̂⁻¹f̄), the maximal Sharpe ratio attainable with the factors alone.
    pvalue_f : float
        The finite-sample F p-value of W (also reported with ``method="bootstrap"``).
    df : tuple
        (N, T − N − K).
    n_strategies, n_factors : int
    """

    table: pd.DataFrame | None = None
    alphas: pd.Series | None = None
    betas: pd.DataFrame | None = None
    residual_covariance: pd.DataFrame | None = None
    factor_covariance: pd.DataFrame | None = None
    sharpe_alpha: float = float("nan")
    factor_sharpe: float = float("nan")
    pvalue_f: float = float("nan")
    df: tuple = ()
    n_strategies: int = 0
    n_factors: int = 0

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy() if self.table is not None else super().to_frame()

    def summary(self) -> str:
        rows: list[tuple[str, Any]] = [
            ("Strategies N / factors K / observations T", f"{self.n_strategies} / {self.n_factors} / {self.n}"),
            ("Method", self.method),
            ("H0", self.null),
            ("GRS W", self.statistic),
            (f"F({self.df[0]}, {self.df[1]}) p-value", self.pvalue_f),
            ("p-value (reported)", self.pvalue),
            ("Sharpe of the alpha portfolio (per period)", self.sharpe_alpha),
            ("Sharpe of the factors (per period)", self.factor_sharpe),
        ]
        return frame_table(self.table, title="Factor alphas (OLS, HAC se)") + "\n" + text_table(
            rows, title="Gibbons-Ross-Shanken joint test")

    def _repr_html_(self) -> str:
        assert self.table is not None  # factor_alpha always sets it
        return self.table.to_html(float_format=format_number) + super()._repr_html_()


def grs_statistic(alphas: np.ndarray, resid: np.ndarray, factors: np.ndarray) -> tuple[float, float, float]:
    """(W, α̂'Σ̂⁻¹α̂, f̄'Ω̂⁻¹f̄) of GRS (1989) eq. (8) from the N alphas, the T x N residuals and the T x K factors."""
    t, n = resid.shape
    k = factors.shape[1]
    sigma = resid.T @ resid / t
    fbar = factors.mean(axis=0)
    fc = factors - fbar
    omega = fc.T @ fc / t
    a2 = float(alphas @ np.linalg.solve(sigma, alphas))
    f2 = float(fbar @ np.linalg.solve(omega, fbar))
    return (t - n - k) / n * a2 / (1.0 + f2), a2, f2


def _grs_replicates(rows: np.ndarray, n_f: int, idx: np.ndarray) -> np.ndarray:
    """W* of each bootstrap replicate (rows of ``idx``) of Z = [f, ê]: regress ê* on [1, f*] (α = 0 holds)."""
    z = rows[idx]                                            # (R, T, K + N)
    t = z.shape[1]
    f, e = z[:, :, :n_f], z[:, :, n_f:]
    n = e.shape[2]
    fbar = f.mean(axis=1)
    fc = f - fbar[:, None, :]
    ebar = e.mean(axis=1)
    ec = e - ebar[:, None, :]
    fct = np.swapaxes(fc, 1, 2)
    sff = fct @ fc                                           # T Ω*  (batched matmul: einsum is 6x slower here)
    sfe = fct @ ec
    slope = np.linalg.solve(sff, sfe)                        # (R, K, N)
    alpha = ebar - (fbar[:, None, :] @ slope)[:, 0, :]
    see = np.swapaxes(ec, 1, 2) @ ec
    sigma = (see - np.swapaxes(sfe, 1, 2) @ slope) / t       # residual covariance (divisor T)
    omega = sff / t
    a2 = np.sum(alpha * np.linalg.solve(sigma, alpha[..., None])[..., 0], axis=1)
    f2 = np.sum(fbar * np.linalg.solve(omega, fbar[..., None])[..., 0], axis=1)
    return (t - n - n_f) / n * a2 / (1.0 + f2)


def factor_alpha(returns: ArrayLike, controls: ArrayLike, *, method: Literal["grs", "bootstrap"] = "grs",
                 maxlags: int | None = None, reps: int = 9_999, bootstrap: Scheme = "stationary",
                 block_length: float | str = "auto", seed: SeedLike = None, n_jobs: int | None = None,
                 confidence_level: float = 0.95, check_returns: bool = True) -> FactorAlphaResult:
    """Alphas of N strategies against K traded factors and the Gibbons–Ross–Shanken test that all are zero.

    Parameters
    ----------
    returns : array_like
        T x N excess returns of the strategies (DataFrame, 2-D array; a single series is N = 1).
    controls : array_like
        T x K excess returns of the traded factors (e.g. Mkt-RF, SMB, HML from :func:`read_french_factors`),
        aligned with ``returns`` (pandas: on the index).
    method : {"grs", "bootstrap"}
        ``"grs"``: the exact F(N, T − N − K) law of W under iid normal errors (GRS 1989, eq. (8)).
        ``"bootstrap"``: the null law of W from a block bootstrap of the rows (f_t, ê_t) with α = 0 imposed
        (for non-normal, heteroskedastic, dependent returns).
    maxlags : int or None
        Newey–West window of the per-strategy alpha standard errors (None: the NW 1994 rule).
    reps, bootstrap, block_length, seed, n_jobs
        Bootstrap replicates, scheme, block length ("auto": Politis & White 2004 on [f, ê], the maximum over
        columns), seed and threads (``method="bootstrap"``).
    confidence_level : float
        Level of the per-strategy alpha intervals in ``table``.
    check_returns : bool
        Refuse returns or factors that look like prices, levels, percent or positions.

    Returns
    -------
    FactorAlphaResult
        ``statistic`` is W, ``estimate`` the Sharpe ratio of the alpha portfolio sqrt(α̂'Σ̂⁻¹α̂) (no interval:
        the test is joint); ``bootstrap_distribution`` holds W* with ``method="bootstrap"``.

    References
    ----------
    Gibbons, Ross & Shanken (1989), "A test of the efficiency of a given portfolio", Econometrica 57(5),
    1121-1152, eq. (8); Cochrane (2005), Asset Pricing, rev. ed., sec. 12.1; Chou & Zhou (2006), J. Financ.
    Econometrics 4(3), 488-512 (bootstrap GRS); Politis & Romano (1994), JASA 89(428); Newey & West (1987).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(0.005, 0.04, (240, 3))
    >>> r = f @ rng.uniform(0.5, 1.5, (3, 10)) + rng.normal(0, 0.02, (240, 10))
    >>> res = factor_alpha(r, f)
    >>> res.df, res.pvalue > 0.01
    ((10, 227), True)
    """
    method = check_choice(method, "method", FACTOR_METHODS)
    bootstrap = check_choice(bootstrap, "bootstrap", METHODS)
    if method == "bootstrap":
        reps = check_reps(reps)
    level = check_probability(confidence_level, "confidence_level")
    (y, f), index = align([("returns", returns), ("controls", controls)], min_obs=10)
    y = y[:, None] if y.ndim == 1 else y
    f = f[:, None] if f.ndim == 1 else f
    t, n = y.shape
    k = f.shape[1]
    snames = [str(c) for c in returns.columns] if isinstance(returns, pd.DataFrame) else (
        [str(returns.name)] if isinstance(returns, pd.Series) and returns.name is not None else
        [f"strategy_{i + 1}" for i in range(n)])
    fnames = [str(c) for c in controls.columns] if isinstance(controls, pd.DataFrame) else (
        [str(controls.name)] if isinstance(controls, pd.Series) and controls.name is not None else
        [f"factor_{j + 1}" for j in range(k)])
    if check_returns:
        for j in range(min(n, 50)):
            check_plausible(y[:, j], index, f"returns[{snames[j]!r}]")
        for j in range(k):
            check_plausible(f[:, j], index, f"controls[{fnames[j]!r}]",
                            hint="GRS needs traded factors (returns of portfolios); a state variable is not one")
    if t <= n + k:
        raise InputError("returns", f"the GRS test needs T > N + K; got T = {t}, N = {n}, K = {k}")
    require_variance(f, "controls")
    require_variance(y, "returns")
    X = np.column_stack([np.ones(t), f])
    if np.linalg.matrix_rank(X) < k + 1:
        raise InputError("controls", "are collinear (the factor covariance is singular)")
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)              # (K + 1, N)
    resid = y - X @ coef
    require_residuals(y, X, resid, regressors="the factors")
    if np.linalg.matrix_rank(resid) < n:
        raise InputError("returns", "the residual covariance is singular: a strategy is a combination of the "
                                    "factors and of the other strategies (drop it)")
    alphas = coef[0]
    w, a2, f2 = grs_statistic(alphas, resid, f)
    df = (n, t - n - k)
    p_f = float(pvalue_from_law(w, law="f", df=df[0], df_denominator=df[1]))
    lags = resolve_maxlags(maxlags, t)
    zc = float(special.ndtri(0.5 + level / 2))
    rows = []
    for i in range(n):
        fit = ols(y[:, i], X)
        se = float(np.sqrt(covariance(fit, X, kind="hac", maxlags=lags)[0, 0]))
        tt = float(alphas[i] / se)
        rows.append({"alpha": float(alphas[i]), "alpha_se": se, "t": tt,
                     "pvalue": float(pvalue_from_law(tt, alternative="two-sided")),
                     "ci_low": float(alphas[i] - zc * se), "ci_high": float(alphas[i] + zc * se),
                     "rsquared": fit.rsquared, "resid_sd": float(np.sqrt(resid[:, i] @ resid[:, i] / t)),
                     **{f"beta_{fn}": float(coef[1 + j, i]) for j, fn in enumerate(fnames)}})
    table = pd.DataFrame(rows, index=pd.Index(snames, name="strategy"))
    pivots = None
    bl: float | None = None
    if method == "bootstrap":
        zrows = np.column_stack([f, resid])
        bl = resolve_block_length(block_length, zrows, bootstrap)

        def work(idx: np.ndarray) -> np.ndarray:
            step = max(1, int(2**24 // (t * (n + k))))       # ~128 MB of gathered rows at a time
            return np.concatenate([_grs_replicates(zrows, k, idx[i: i + step]) for i in range(0, idx.shape[0], step)])

        pivots = np.concatenate(map_index_chunks(work, t, reps, bootstrap, bl, seed, n_jobs))
        p = float(pvalue_from_counts(np.count_nonzero(pivots >= w), reps))
        how = (f"GRS W against its {bootstrap} block-bootstrap null law (rows (f, e) resampled, alpha = 0 imposed; "
               f"block length {bl:.3g}, {reps:,} replicates); per-strategy HAC se ({lags} lags)")
    else:
        p = p_f
        how = f"GRS W, exact F({df[0]}, {df[1]}) law under iid normal errors; per-strategy HAC se ({lags} lags)"
    sig = pd.DataFrame(resid.T @ resid / t, index=snames, columns=snames)
    fc = f - f.mean(axis=0)
    om = pd.DataFrame(fc.T @ fc / t, index=fnames, columns=fnames)
    return FactorAlphaResult(
        test="Gibbons-Ross-Shanken joint alpha test", statistic=float(w), pvalue=p, alternative="two-sided",
        null=f"all {n} alphas = 0", estimate=float(np.sqrt(a2)), method=how, n=int(t), se=float("nan"),
        confidence_level=level,
        interval=Interval("none", reason="a joint test of N alphas; per-strategy intervals are in table"),
        bootstrap_distribution=pivots,
        details={"df_numerator": df[0], "df_denominator": df[1], "maxlags": lags, "block_length": bl,
                 "reps": reps if method == "bootstrap" else None, "pvalue_f": p_f},
        table=table, alphas=pd.Series(alphas, index=snames, name="alpha"),
        betas=pd.DataFrame(coef[1:].T, index=snames, columns=fnames), residual_covariance=sig, factor_covariance=om,
        sharpe_alpha=float(np.sqrt(a2)), factor_sharpe=float(np.sqrt(f2)), pvalue_f=p_f, df=df, n_strategies=int(n),
        n_factors=int(k))


# --------------------------------------------------------------------------------------------------
# factor files


def _text(path: Any) -> str:
    """The text of a CSV file, or of the one CSV inside a ZIP (French's library ships ZIPs)."""
    if isinstance(path, io.StringIO):
        return path.getvalue()
    p = Path(path)
    if not p.exists():
        raise InputError("path", f"no such file: {p}")
    if p.suffix.lower() == ".zip":
        with zipfile.ZipFile(p) as zf:
            names = [nm for nm in zf.namelist() if nm.lower().endswith((".csv", ".txt"))]
            if len(names) != 1:
                raise InputError("path", f"the ZIP must hold exactly one CSV/TXT file, found {names}")
            return zf.read(names[0]).decode("latin-1")
    return p.read_text(encoding="latin-1")


def _french_dates(labels: list[str]) -> pd.DatetimeIndex:
    lengths = {len(s) for s in labels}
    if lengths == {6}:
        return pd.to_datetime(labels, format="%Y%m") + pd.offsets.MonthEnd(0)
    if lengths == {8}:
        return pd.to_datetime(labels, format="%Y%m%d")
    if lengths == {4}:
        return pd.to_datetime(labels, format="%Y") + pd.offsets.YearEnd(0)
    raise InputError("path", f"dates must all be YYYYMM, YYYYMMDD or YYYY; found lengths {sorted(lengths)}")


def _french_tables(text: str) -> list[tuple[str, pd.DataFrame]]:
    lines = text.splitlines()
    tables: list[tuple[str, pd.DataFrame]] = []
    title = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(",") or (line.startswith(" ,")):
            header = [h.strip() for h in line.split(",")[1:]]
            rows, labels = [], []
            i += 1
            while i < len(lines) and lines[i].strip() and lines[i].split(",")[0].strip().isdigit():
                parts = lines[i].split(",")
                labels.append(parts[0].strip())
                try:
                    rows.append([float(v) for v in parts[1: 1 + len(header)]])
                except ValueError:
                    raise InputError("path", f"line {i + 1} is not numeric: {lines[i]!r}") from None
                if len(rows[-1]) != len(header):
                    raise InputError("path", f"line {i + 1} has {len(rows[-1])} values for {len(header)} columns")
                i += 1
            if rows:
                vals = np.asarray(rows, dtype=float)
                check_magnitude(vals, "path")  # inf or absurd magnitudes (percent values are below 1e100)
                vals[(vals <= -99.99 + 1e-9) & (vals >= -99.99 - 1e-9)] = np.nan
                vals[vals == -999.0] = np.nan
                frame = pd.DataFrame(vals / 100.0, index=_french_dates(labels), columns=header)
                frame.index.name = "date"
                tables.append((title.strip() or f"table {len(tables) + 1}", frame))
            continue
        if line.strip():
            title = line
        i += 1
    return tables


def read_french_factors(path: str | Path, *, table: int | str = 0) -> pd.DataFrame:
    """Read a file of Kenneth French's data library into decimal returns (no network: download it first).

    The layout (e.g. ``F-F_Research_Data_Factors.CSV``, ``..._daily.CSV``, ``F-F_Momentum_Factor.CSV``,
    portfolio files): free text, then one or more tables — a title line, a header line that starts with a
    comma (``,Mkt-RF,SMB,HML,RF``), rows ``YYYYMM,  2.96, -2.56, ...`` (or YYYYMMDD daily, YYYY annual) —
    separated by blank lines, values in percent, −99.99 or −999 for missing.

    Parameters
    ----------
    path : str or Path
        The CSV, or the ZIP holding it as the library distributes it.
    table : int or str
        Which table: its position (0: the first, the monthly factors in the factor files) or a case-insensitive
        piece of its title (e.g. ``"annual"``, ``"equal weighted"``).

    Returns
    -------
    DataFrame
        Decimal returns (percent / 100), NaN where missing; a DatetimeIndex named ``date`` at month ends
        (YYYYMM), days (YYYYMMDD) or year ends (YYYY). The risk-free rate, where the file has it, is the
        column ``RF``: subtract it from your returns before :func:`factor_alpha`.

    References
    ----------
    Kenneth R. French, Data Library, https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/data_library.html;
    Fama & French (1993), J. Financ. Econ. 33(1).

    Examples
    --------
    >>> import io
    >>> text = ("This file was created by CMPT_ME_BEME_RETS.\\n\\n,Mkt-RF,SMB,HML,RF\\n"
    ...         "192607,    2.96,   -2.56,   -2.43,    0.22\\n192608,    2.64,   -1.17,    3.82,    0.25\\n\\n"
    ...         " Annual Factors: January-December \\n,Mkt-RF,SMB,HML,RF\\n1927,   29.47,   -2.46,   -3.75,    3.12\\n")
    >>> float(read_french_factors(io.StringIO(text)).loc["1926-08-31", "HML"])
    0.0382
    >>> read_french_factors(io.StringIO(text), table="annual").shape
    (1, 4)
    """
    tables = _french_tables(_text(path))
    if not tables:
        raise InputError("path", "holds no table in the French data-library layout (a header line starting with "
                                 "',' followed by date rows)")
    if isinstance(table, (int, np.integer)) and not isinstance(table, bool):
        if not 0 <= table < len(tables):
            raise InputError("table", f"must be in [0, {len(tables)}); the file has tables "
                                      f"{[t for t, _ in tables]}")
        return tables[int(table)][1]
    if isinstance(table, str):
        hits = [frame for title, frame in tables if table.lower() in title.lower()]
        if not hits:
            raise InputError("table", f"no table title contains {table!r}; titles: {[t for t, _ in tables]}")
        return hits[0]
    raise InputError("table", f"must be a position or a piece of a title, got {table!r}")


def read_factors(path: str | Path, *, date_column: str | int = 0,
                 units: Literal["decimal", "percent"] = "decimal") -> pd.DataFrame:
    """Read your own factor file: a CSV with a date column and one numeric column per factor.

    Parameters
    ----------
    path : str or Path
        The CSV (comma-separated, a header row).
    date_column : str or int
        The column holding the dates (name or position); it becomes the index.
    units : {"decimal", "percent"}
        "percent" divides every value by 100 (5.0 means 5 %).

    Returns
    -------
    DataFrame
        Factor returns on a sorted DatetimeIndex named ``date``; NaN where a cell is empty (missing).

    References
    ----------
    The layout :func:`factor_alpha` expects for ``controls``; see Gibbons, Ross & Shanken (1989).

    Examples
    --------
    >>> import io
    >>> f = read_factors(io.StringIO("date,mkt,carry\\n2024-01-31,0.012,-0.003\\n2024-02-29,-0.004,0.001\\n"))
    >>> f.columns.tolist(), f.index.is_monotonic_increasing
    (['mkt', 'carry'], True)
    """
    units = check_choice(units, "units", ("decimal", "percent"))
    try:
        frame = pd.read_csv(io.StringIO(_text(path)))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError("path", f"is not a readable CSV: {exc}") from None
    if isinstance(date_column, (int, np.integer)) and not isinstance(date_column, bool):
        if not 0 <= date_column < frame.shape[1]:
            raise InputError("date_column", f"must be in [0, {frame.shape[1]}), got {date_column}")
        col = frame.columns[int(date_column)]
    elif isinstance(date_column, str) and date_column in frame.columns:
        col = date_column
    else:
        raise InputError("date_column", f"no column {date_column!r}; columns: {list(frame.columns)}")
    try:
        dates = pd.to_datetime(frame[col])
    except (ValueError, TypeError):
        raise InputError("date_column", f"column {col!r} does not hold dates") from None
    out = frame.drop(columns=[col])
    if out.shape[1] == 0:
        raise InputError("path", "holds no factor column besides the dates")
    bad = [c for c in out.columns if not pd.api.types.is_numeric_dtype(out[c])]
    if bad:
        raise InputError("path", f"non-numeric factor column(s): {bad}")
    out.index = pd.DatetimeIndex(dates, name="date")
    if out.index.has_duplicates:
        raise InputError("path", f"duplicated dates, first {out.index[out.index.duplicated()][0]}")
    out = out.sort_index().astype(float)
    check_magnitude(out.to_numpy(), "path", out.index)
    return out / 100.0 if units == "percent" else out
