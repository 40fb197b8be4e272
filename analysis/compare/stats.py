"""Outlet comparisons: each outlet against the rest (:func:`outlet_differences`) and ties of a top item
(:func:`top_item`).

The interval machinery (:func:`bootstrap_ci`, :class:`IntervalPolicy`, :func:`interval_policy`,
:func:`cannot_estimate`, :data:`SMALL_N`, :data:`MIN_CELL_N`) lives in :mod:`analysis.intervals`, below every
stage, and is re-exported here unchanged, so ``from analysis.compare.stats import bootstrap_ci`` keeps working.

>>> import pandas as pd
>>> df = pd.DataFrame({"outlet": ["a"] * 4 + ["b"] * 4, "tone": [1, 2, 3, 4, -1, -2, -3, -4]})
>>> ci = bootstrap_ci(df, value="tone", by="outlet", n_boot=200, seed=0)
>>> list(ci.columns)
['outlet', 'estimate', 'ci_low', 'ci_high', 'n_units', 'n_clusters', 'small_n']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from analysis.intervals import (  # noqa: F401  (re-exported: the interval machinery's old home)
    MIN_CELL_N,
    RESAMPLE_LEVELS,
    SMALL_N,
    CannotEstimateWarning,
    IntervalPolicy,
    bootstrap_ci,
    cannot_estimate,
    interval_policy,
)

__all__ = [
    "CannotEstimateWarning", "DIFFERENCE_COLUMNS", "IntervalPolicy", "MIN_CELL_N", "NOT_DISTINGUISHABLE",
    "RESAMPLE_LEVELS", "SMALL_N", "TopItem", "bootstrap_ci", "cannot_estimate", "interval_policy",
    "outlet_differences", "top_item",
]


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
