"""Uncertainty for small corpora: grouped bootstrap intervals, the per-outlet interval policy and sample-size
flags, shared by every stage that reports an interval (measures, validation, comparisons, figures).

This module sits beside :mod:`analysis.store`, below every stage, so that the measures stage can draw its
intervals without importing the comparison stage. :mod:`analysis.compare.stats` (and :mod:`analysis.compare`)
re-export every name here unchanged.

All measures report intervals from :func:`bootstrap_ci` so that every notebook shows the same kind of
uncertainty. Resampling is over *units* (rows, or clusters such as documents when ``cluster`` is given)
within each group, with a seeded generator, so results are deterministic.

>>> import pandas as pd
>>> df = pd.DataFrame({"outlet": ["a"] * 4 + ["b"] * 4, "tone": [1, 2, 3, 4, -1, -2, -3, -4]})
>>> ci = bootstrap_ci(df, value="tone", by="outlet", n_boot=200, seed=0)
>>> list(ci.columns)
['outlet', 'estimate', 'ci_low', 'ci_high', 'n_units', 'n_clusters', 'small_n']

Which level to resample is decided once, per outlet, by :func:`interval_policy`: an outlet with at least
:data:`SMALL_N` articles resamples its articles; one with fewer resamples its sentences (the interval then
describes only these articles) and is flagged ``small_n``. Every measure's interval table goes through
:meth:`IntervalPolicy.intervals`, so ``small_n`` and ``n_clusters`` always count articles.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Sequence

import numpy as np
import pandas as pd

#: Below this many articles an outlet resamples sentences instead of articles, and an estimate is flagged
#: ``small_n`` (the one default of :func:`interval_policy` and :func:`bootstrap_ci`).
SMALL_N = 5
#: What an outlet's bootstrap resamples, as decided by :func:`interval_policy`.
RESAMPLE_LEVELS = ("articles", "units")


class CannotEstimateWarning(UserWarning):
    """A quantity cannot be estimated from this corpus (too few documents, outlets or units); the message
    says which and why. The function that warns returns an empty or degenerate result instead of failing."""


def cannot_estimate(message: str, *, stacklevel: int = 3) -> str:
    """Say out loud (a :class:`CannotEstimateWarning`, shown in notebooks) that something cannot be estimated;
    returns ``message``.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _ = cannot_estimate("distinctive words cannot be estimated: 1 outlet")
    >>> str(w[0].message), w[0].category.__name__
    ('distinctive words cannot be estimated: 1 outlet', 'CannotEstimateWarning')
    """
    import warnings

    warnings.warn(message, CannotEstimateWarning, stacklevel=stacklevel)
    return message


def _stat_fn(stat: str | Callable[[np.ndarray], float]) -> Callable[[np.ndarray], float]:
    if callable(stat):
        return stat
    table = {"mean": np.mean, "median": np.median, "sum": np.sum}
    if stat not in table:
        raise ValueError(f"stat must be one of {sorted(table)} or a callable, not {stat!r}")
    return table[stat]


#: Resampled values held at once by :func:`bootstrap_ci` (rows x sample size); bounds its memory (16 MB).
_BOOT_BLOCK = 2_000_000


def _boot_stats(vals: np.ndarray, inv: np.ndarray | None, n_clusters: int, fn: Callable, n_boot: int,
                rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` bootstrap replicates of ``fn(vals)``, resampling rows (``inv`` None) or clusters.

    The indices are drawn in blocks of whole replicates, ``rng.integers(0, m, (rows, m))``, which gives the
    same numbers as one ``rng.integers(0, m, m)`` per replicate (NumPy's Generator draws each bounded
    integer on its own), so the resamples are those of a loop over replicates. The statistic is then taken
    over the block at once: for rows, ``fn(sample, axis=1)`` for mean/median/sum (the same values as per
    row); for clusters, the mean (sum) is the ratio of the picked clusters' sums to their sizes, equal to the
    mean of the concatenated sample up to floating-point rounding. Any other statistic is called per replicate.
    """
    m = n_clusters if inv is not None else len(vals)
    out = np.empty(n_boot)
    step = max(1, _BOOT_BLOCK // max(m, 1))
    axis_fn = fn if fn in (np.mean, np.median, np.sum) else None
    if inv is not None:
        sums = np.bincount(inv, weights=vals, minlength=m)
        sizes = np.bincount(inv, minlength=m).astype(float)
        parts = None if fn in (np.mean, np.sum) else [vals[inv == k] for k in range(m)]
    for start in range(0, n_boot, step):
        b = min(step, n_boot - start)
        pick = rng.integers(0, m, (b, m))
        if inv is None:
            sample = vals[pick]
            out[start:start + b] = axis_fn(sample, axis=1) if axis_fn else [fn(row) for row in sample]
        elif fn is np.mean:
            out[start:start + b] = sums[pick].sum(axis=1) / sizes[pick].sum(axis=1)
        elif fn is np.sum:
            out[start:start + b] = sums[pick].sum(axis=1)
        else:
            out[start:start + b] = [fn(np.concatenate([parts[k] for k in row])) for row in pick]
    return out


def bootstrap_ci(
    df: pd.DataFrame,
    *,
    value: str,
    by: str | Sequence[str] | None = None,
    cluster: str | None = None,
    stat: str | Callable[[np.ndarray], float] = "mean",
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 42,
    small_n: int = SMALL_N,
) -> pd.DataFrame:
    """Percentile bootstrap interval of ``stat(value)`` for each group in ``by``.

    ``cluster`` (e.g. ``"doc_id"``) resamples whole clusters instead of rows, which is the honest choice
    when rows (sentences) from one article are not independent. ``small_n`` flags groups with fewer
    independent clusters than the threshold. A group with a single cluster gets a degenerate interval
    equal to its estimate when clustered: there is nothing to resample. The replicates of a group are
    computed together (vectorised); the resamples are those of one seeded draw per replicate in turn.

    >>> df = pd.DataFrame({"g": ["x"] * 6, "doc": ["a", "a", "b", "b", "c", "c"], "v": [1.0, 1, 0, 0, 1, 0]})
    >>> ci = bootstrap_ci(df, value="v", by="g", cluster="doc", n_boot=500, seed=1)
    >>> ci[["estimate", "n_units", "n_clusters", "small_n"]].values.tolist()
    [[0.5, 6, 3, True]]
    >>> bool(0 <= ci.ci_low.iloc[0] < 0.5 < ci.ci_high.iloc[0] <= 1)
    True
    """
    if value not in df.columns:
        raise KeyError(f"column {value!r} not in table (columns: {list(df.columns)})")
    fn = _stat_fn(stat)
    rng = np.random.default_rng(seed)
    by_cols = [by] if isinstance(by, str) else list(by or [])
    groups = df.groupby(by_cols, sort=True, dropna=False) if by_cols else [((), df)]
    alpha = (1 - level) / 2
    rows = []
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        vals = g[value].to_numpy(dtype=float)
        mask = ~np.isnan(vals)
        vals = vals[mask]
        if cluster is not None:
            labels = g[cluster].to_numpy()[mask]
            uniq, inv = np.unique(labels, return_inverse=True)
            n_clusters = len(uniq)
        else:
            inv = None
            n_clusters = len(vals)
        est = float(fn(vals)) if len(vals) else np.nan
        if len(vals) == 0:
            lo = hi = np.nan
        else:
            boots = _boot_stats(vals, inv, n_clusters, fn, n_boot, rng)
            lo, hi = np.quantile(boots, [alpha, 1 - alpha])
        rows.append(
            {**dict(zip(by_cols, key)), "estimate": est, "ci_low": float(lo), "ci_high": float(hi),
             "n_units": int(len(vals)), "n_clusters": int(n_clusters), "small_n": bool(n_clusters < small_n)}
        )
    return pd.DataFrame(rows, columns=[*by_cols, "estimate", "ci_low", "ci_high", "n_units", "n_clusters", "small_n"])


@dataclass(frozen=True, eq=False)  # a table field: compare .table, not policies
class IntervalPolicy:
    """Per outlet: whether intervals resample articles or units (sentences), and whether ``small_n``.

    ``table`` has one row per outlet: ``<by>, n_articles, resample`` (``"articles"`` or ``"units"``),
    ``small_n`` (fewer than ``min_articles`` articles). Build it with :func:`interval_policy`.
    """

    table: pd.DataFrame
    by: str = "outlet"
    doc_col: str = "doc_id"
    min_articles: int = SMALL_N

    def resample(self, outlet) -> str:
        """``"articles"`` or ``"units"`` for one outlet (``KeyError`` naming it if the policy lacks it)."""
        hit = self.table.loc[self.table[self.by] == outlet, "resample"]
        if hit.empty:
            raise KeyError(f"{self.by} {outlet!r} is not in the interval policy "
                           f"(it has: {self.table[self.by].tolist()}); build the policy from a table that includes it")
        return str(hit.iloc[0])

    def describe(self, *, unit: str = "sentences") -> str:
        """What is resampled, in words: ``"articles"``, ``unit``, or both with ``"(per outlet)"``."""
        levels = set(self.table["resample"])
        if levels == {"articles"}:
            return "articles"
        if levels <= {"units"}:
            return unit
        return f"articles or {unit} (per {self.by})"

    def intervals(
        self,
        df: pd.DataFrame,
        *,
        value: str,
        by: Sequence[str],
        unit: str = "sentences",
        stat: str | Callable[[np.ndarray], float] = "mean",
        n_boot: int = 2000,
        level: float = 0.95,
        seed: int = 42,
    ) -> pd.DataFrame:
        """:func:`bootstrap_ci` of ``value`` per ``by`` group, resampling at each outlet's level.

        ``by`` must start with the policy's column (the outlet). Columns: ``by..., estimate, ci_low,
        ci_high, n_units, n_clusters`` (articles behind the row), ``small_n`` (``n_clusters`` below the
        policy's minimum), ``interval`` (``"articles"``, ``unit``, or ``"none"`` when the row has fewer
        than two articles or units to resample: its interval is just the estimate).

        >>> df = pd.DataFrame({"outlet": ["a"] * 6 + ["b"] * 3, "doc_id": list("pqrstu") + ["v"] * 3,
        ...                    "tone": [1.0, 2, 3, 4, 5, 6, -1, -2, -3]})
        >>> pol = interval_policy(df, min_articles=5)
        >>> ci = pol.intervals(df, value="tone", by=["outlet"], n_boot=100)
        >>> ci[["outlet", "interval", "n_clusters", "small_n"]].values.tolist()
        [['a', 'articles', 6, False], ['b', 'sentences', 1, True]]
        """
        by_cols = list(by)
        if not by_cols or by_cols[0] != self.by:
            raise ValueError(f"by must start with the policy's column {self.by!r}, not {by_cols}")
        for col in (*by_cols, value, self.doc_col):
            if col not in df.columns:
                raise KeyError(f"column {col!r} not in table (columns: {list(df.columns)})")
        level_of = dict(zip(self.table[self.by], self.table["resample"]))
        missing = sorted(set(df[self.by]) - set(level_of), key=str)
        if missing:
            raise KeyError(f"{self.by} {missing[0]!r} is not in the interval policy (it has: {list(level_of)}); "
                           "build the policy from a table that includes it")
        levels = df[self.by].map(level_of)
        parts = []
        for lev in RESAMPLE_LEVELS:
            sub = df[levels.to_numpy() == lev]
            if sub.empty:
                continue
            ci = bootstrap_ci(sub, value=value, by=by_cols, cluster=self.doc_col if lev == "articles" else None,
                              stat=stat, n_boot=n_boot, level=level, seed=seed, small_n=self.min_articles)
            ci["interval"] = np.where(ci["n_units"].to_numpy() == 0, "none", "articles" if lev == "articles" else unit)
            parts.append(ci)
        cols = [*by_cols, "estimate", "ci_low", "ci_high", "n_units", "n_clusters", "small_n", "interval"]
        if not parts:
            return pd.DataFrame(columns=cols)
        out = pd.concat(parts, ignore_index=True)
        resampled = np.where(out["interval"].eq("articles"), out["n_clusters"], out["n_units"])
        articles = (df.dropna(subset=[value]).groupby(by_cols, sort=True, dropna=False)[self.doc_col].nunique()
                    .rename("n_articles").reset_index())
        out = out.drop(columns="n_clusters").merge(articles, on=by_cols, how="left")
        out["n_clusters"] = out.pop("n_articles").fillna(0).astype(int)
        out["small_n"] = out["n_clusters"] < self.min_articles
        out.loc[resampled < 2, "interval"] = "none"
        return out.sort_values(by_cols, kind="stable", ignore_index=True)[cols]


def interval_policy(
    table: pd.DataFrame,
    *,
    by: str = "outlet",
    doc_col: str = "doc_id",
    min_articles: int = SMALL_N,
    resample: Literal["auto", "articles", "units"] = "auto",
) -> IntervalPolicy:
    """Decide, per outlet, what every interval resamples: its articles (at least ``min_articles``) or units.

    ``table`` is any table with ``by`` and ``doc_col`` columns (the documents table, or sentences).
    The decision is per outlet: one outlet with one article does not switch the others to sentence-level
    intervals. ``resample="articles"`` or ``"units"`` forces one level for every outlet (``small_n`` still
    counts articles).

    >>> docs = pd.DataFrame({"outlet": ["a"] * 5 + ["b"], "doc_id": list("pqrstu")})
    >>> interval_policy(docs).table.values.tolist()
    [['a', 5, 'articles', False], ['b', 1, 'units', True]]
    """
    for col in (by, doc_col):
        if col not in table.columns:
            raise KeyError(f"column {col!r} not in table (columns: {list(table.columns)})")
    if resample not in ("auto", *RESAMPLE_LEVELS):
        raise ValueError(f"resample must be 'auto', 'articles' or 'units', not {resample!r}")
    if int(min_articles) < 1:
        raise ValueError(f"min_articles must be at least 1, not {min_articles!r}")
    n = table.groupby(by, sort=True)[doc_col].nunique().rename("n_articles").reset_index()
    if resample == "auto":
        n["resample"] = np.where(n["n_articles"] >= min_articles, "articles", "units")
    else:
        n["resample"] = resample
    n["small_n"] = n["n_articles"] < min_articles
    return IntervalPolicy(table=n, by=by, doc_col=doc_col, min_articles=int(min_articles))


#: A figure cell (an outlet's share or mean) resting on fewer units than this (sentences, quotations, verb
#: roles) is drawn hatched grey, without colour or interval: 10 units is where a share moves in steps of 10
#: points or less. The ``min_n=`` default of the frame heatmap and the side-by-side figure.
MIN_CELL_N = 10
