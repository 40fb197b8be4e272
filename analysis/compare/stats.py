"""Uncertainty for small corpora: grouped bootstrap intervals and sample-size flags.

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


# ------------------------------------------------------------------------------- differences between outlets
#: Columns of :func:`outlet_differences` (after any ``by`` columns).
DIFFERENCE_COLUMNS = ["outlet", "estimate", "rest", "difference", "ci_low", "ci_high", "p_value", "q_value",
                      "n_articles", "verdict"]
#: What :func:`outlet_differences` says when the data do not separate an outlet from the rest.
NOT_DISTINGUISHABLE = "not distinguishable"


def _one_difference_family(art: pd.DataFrame, *, n_boot: int, n_perm: int, level: float,
                           rng: np.random.Generator) -> pd.DataFrame:
    """Per outlet of one quantity: estimate, rest, difference, bootstrap interval and permutation p-value.

    ``art`` has one row per article: ``outlet, s`` (sum of values), ``n`` (units)."""
    outlets = art["outlet"].to_numpy()
    S, N = art["s"].to_numpy(dtype=float), art["n"].to_numpy(dtype=float)
    names, lab = np.unique(outlets, return_inverse=True)
    total_s, total_n = S.sum(), N.sum()
    a = (1 - level) / 2
    # permutations: shuffle outlet labels over articles, all outlets at once (chunked to bound memory)
    k = len(names)
    obs = np.empty(k)
    for j in range(k):
        m = lab == j
        obs[j] = S[m].sum() / N[m].sum() - (total_s - S[m].sum()) / max(total_n - N[m].sum(), np.finfo(float).tiny)
    exceed = np.zeros(k)
    chunk = max(1, int(2_000_000 // max(len(S), 1)))
    done = 0
    while done < n_perm:
        b = min(chunk, n_perm - done)
        perm_lab = lab[np.argsort(rng.random((b, len(S))), axis=1)]            # (b, articles)
        onehot = perm_lab[:, :, None] == np.arange(k)[None, None, :]          # (b, articles, outlets)
        s_in = np.einsum("bak,a->bk", onehot, S)
        n_in = np.einsum("bak,a->bk", onehot, N)
        with np.errstate(invalid="ignore", divide="ignore"):
            d = s_in / n_in - (total_s - s_in) / (total_n - n_in)
        exceed += (np.abs(d) >= np.abs(obs)[None, :] - 1e-12).sum(axis=0)
        done += b
    rows = []
    for j, name in enumerate(names):
        m = lab == j
        n_in, n_out = int(m.sum()), int((~m).sum())
        est = S[m].sum() / N[m].sum()
        rest = (total_s - S[m].sum()) / (total_n - N[m].sum()) if n_out else np.nan
        row = {"outlet": name, "estimate": est, "rest": rest, "difference": est - rest, "ci_low": np.nan,
               "ci_high": np.nan, "p_value": np.nan, "n_articles": n_in}
        if n_in < 2 or n_out < 2:
            why = f"{n_in} article" if n_in < 2 else f"the rest: {n_out} article"
            row["verdict"] = f"cannot be estimated ({why})"
            rows.append(row)
            continue
        Si, Ni, So, No = S[m], N[m], S[~m], N[~m]
        pi = rng.integers(0, n_in, (n_boot, n_in))                               # resample this outlet's articles
        po = rng.integers(0, n_out, (n_boot, n_out))                             # and the rest's, separately
        boot = Si[pi].sum(1) / Ni[pi].sum(1) - So[po].sum(1) / No[po].sum(1)
        lo, hi = np.quantile(boot, [a, 1 - a])
        row.update(ci_low=float(lo), ci_high=float(hi), p_value=float((1 + exceed[j]) / (n_perm + 1)), verdict="")
        rows.append(row)
    return pd.DataFrame(rows)


def outlet_differences(
    values: pd.DataFrame,
    *,
    outlet: str = "outlet",
    cluster: str = "doc_id",
    value: str = "value",
    by: Sequence[str] | None = None,
    n_boot: int = 2000,
    n_perm: int = 2000,
    level: float = 0.95,
    seed: int = 42,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Each outlet against the rest: the difference of unit means, with an article-cluster bootstrap interval,
    a permutation p-value and a Benjamini-Hochberg q-value.

    ``values`` has one row per unit (sentence, quote, verb role): ``outlet``, ``cluster`` (the article) and
    ``value``; ``by`` (e.g. ``["family", "quantity"]``) names several quantities in one table. Per outlet,
    ``estimate`` is its mean, ``rest`` the mean of every other outlet's units, ``difference`` their
    difference. The interval resamples *articles* (the outlet's and the rest's, separately), never sentences;
    the p-value shuffles outlet labels over articles (``n_perm`` times, two-sided, ``(1 + k) / (1 + n_perm)``).
    ``q_value`` is :func:`scipy.stats.false_discovery_control` over every row of the table that has a p-value
    (the whole family shown). ``verdict``: ``"higher than the rest"`` / ``"lower than the rest"`` when
    ``q_value < alpha``, else ``"not distinguishable"``; an outlet (or a rest) with fewer than two articles
    gets ``"cannot be estimated (1 article)"`` and no interval or p-value. Seeded: the same input gives the
    same table.

    >>> df = pd.DataFrame({"outlet": ["a"] * 8 + ["b"] * 8, "doc_id": [f"d{i // 2}" for i in range(16)],
    ...                    "value": [1.0, 0.9] * 4 + [0.1, 0.0] * 4})
    >>> d = outlet_differences(df, n_boot=200, n_perm=200)
    >>> d[["outlet", "difference", "verdict"]].round(2).values.tolist()
    [['a', 0.9, 'higher than the rest'], ['b', -0.9, 'lower than the rest']]
    """
    by_cols = list(by or [])
    for col in (*by_cols, outlet, cluster, value):
        if col not in values.columns:
            raise KeyError(f"column {col!r} not in table (columns: {list(values.columns)})")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    df = values[[*by_cols, outlet, cluster, value]].dropna(subset=[value])
    df = df.assign(_v=df[value].astype(float))
    art = (df.groupby([*by_cols, outlet, cluster], sort=True, dropna=False)["_v"].agg(s="sum", n="size")
           .reset_index().rename(columns={outlet: "outlet"}))
    rng = np.random.default_rng(seed)
    parts = []
    groups = art.groupby(by_cols, sort=True, dropna=False) if by_cols else [((), art)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        if g["outlet"].nunique() < 2:
            continue  # nothing to compare this quantity with
        t = _one_difference_family(g, n_boot=n_boot, n_perm=n_perm, level=level, rng=rng)
        for c, v in zip(by_cols, key):
            t[c] = v
        parts.append(t)
    cols = [*by_cols, *DIFFERENCE_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["q_value"] = np.nan
    ok = out["p_value"].notna().to_numpy()
    if ok.any():
        from scipy.stats import false_discovery_control

        out.loc[ok, "q_value"] = false_discovery_control(out.loc[ok, "p_value"].to_numpy())
    sig = ok & (out["q_value"].to_numpy() < alpha)
    out.loc[ok, "verdict"] = NOT_DISTINGUISHABLE
    out.loc[sig, "verdict"] = np.where(out.loc[sig, "difference"] > 0, "higher than the rest", "lower than the rest")
    out["n_articles"] = out["n_articles"].astype(int)
    return out[cols].reset_index(drop=True)


# ------------------------------------------------------------------------------- ties and near-ties of a top item
@dataclass(frozen=True)
class TopItem:
    """The top item of a ranking and who it cannot be told apart from (built by :func:`top_item`).

    ``tied``: items with the same estimate (alphabetical); ``near``: ``(item, estimate)`` of the others whose
    interval overlaps the top item's, largest first.
    """

    name: str
    estimate: float
    tied: list = None
    near: list = None

    def flag(self, fmt: Callable[[float], str] = lambda v: f"{v:.2f}", *, max_named: int = 3) -> str:
        """``"tied with A, B"`` and/or ``"not distinguishable from C, 24%"`` (``""`` when the top is clear)."""
        def names(items):
            shown = list(items)[:max_named]
            more = len(items) - len(shown)
            return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

        parts = []
        if self.tied:
            parts.append(f"tied with {names(self.tied)}")
        if self.near:
            parts.append("not distinguishable from " + names([f"{n}, {fmt(v)}" for n, v in self.near]))
        return "; ".join(parts)

    def note(self, fmt: Callable[[float], str] = lambda v: f"{v:.2f}", *, max_named: int = 3) -> str:
        """The estimate and its flag, e.g. ``"27%; tied with Economic, Morality"``."""
        flag = self.flag(fmt, max_named=max_named)
        return fmt(self.estimate) + (f"; {flag}" if flag else "")


def top_item(
    table: pd.DataFrame,
    *,
    item: str,
    estimate: str = "estimate",
    ci_low: str | None = "ci_low",
    ci_high: str | None = "ci_high",
    atol: float = 1e-12,
) -> TopItem:
    """The item with the largest ``estimate`` (alphabetically first among equals), with its ties and near-ties.

    A tie is an equal estimate (within ``atol``). A near-tie is another item whose ``[ci_low, ci_high]``
    overlaps the top item's interval; without interval columns (or with missing intervals) only exact ties
    are flagged. Every claim that names a top item (largest topic, main frame, main agent, largest voice,
    most distinctive word) should print :meth:`TopItem.note`, not the top item alone.

    >>> t = pd.DataFrame({"label": ["Morality", "Conflict", "Economic"], "estimate": [0.27, 0.27, 0.24],
    ...                   "ci_low": [0.2, 0.2, 0.18], "ci_high": [0.34, 0.34, 0.3]})
    >>> top = top_item(t, item="label")
    >>> top.name, top.note(lambda v: f"{v:.0%}")
    ('Conflict', '27%; tied with Morality; not distinguishable from Economic, 24%')
    """
    for col in (item, estimate):
        if col not in table.columns:
            raise KeyError(f"column {col!r} not in table (columns: {list(table.columns)})")
    t = table.dropna(subset=[estimate])
    if t.empty:
        raise ValueError("top_item needs at least one row with an estimate")
    t = t.assign(_name=t[item].astype(str)).sort_values([estimate, "_name"], ascending=[False, True], kind="stable")
    best = t.iloc[0]
    est = t[estimate].to_numpy(dtype=float)
    rest = t.iloc[1:]
    tie_mask = np.isclose(est[1:], est[0], rtol=0, atol=atol)
    tied = sorted(rest.loc[tie_mask, "_name"])
    near: list = []
    has_ci = ci_low in t.columns and ci_high in t.columns if ci_low and ci_high else False
    if has_ci and not (pd.isna(best[ci_low]) or pd.isna(best[ci_high])):
        others = rest.loc[~tie_mask]
        lo, hi = others[ci_low].to_numpy(dtype=float), others[ci_high].to_numpy(dtype=float)
        overlap = (hi >= float(best[ci_low]) - atol) & (lo <= float(best[ci_high]) + atol)
        near = [(str(n), float(v)) for n, v in zip(others.loc[overlap, "_name"], others.loc[overlap, estimate])]
    return TopItem(name=str(best["_name"]), estimate=float(best[estimate]), tied=tied, near=near)


#: A figure cell (an outlet's share or mean) resting on fewer units than this (sentences, quotations, verb
#: roles) is drawn hatched grey, without colour or interval: 10 units is where a share moves in steps of 10
#: points or less. The ``min_n=`` default of the frame heatmap and the side-by-side figure.
MIN_CELL_N = 10
