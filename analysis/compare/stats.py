"""Uncertainty for small corpora: grouped bootstrap intervals and sample-size flags.

All measures report intervals from :func:`bootstrap_ci` so that every notebook shows the same kind of
uncertainty. Resampling is over *units* (rows, or clusters such as documents when ``cluster`` is given)
within each group, with a seeded generator, so results are deterministic.

>>> import pandas as pd
>>> df = pd.DataFrame({"outlet": ["a"] * 4 + ["b"] * 4, "tone": [1, 2, 3, 4, -1, -2, -3, -4]})
>>> ci = bootstrap_ci(df, value="tone", by="outlet", n_boot=200, seed=0)
>>> list(ci.columns)
['outlet', 'estimate', 'ci_low', 'ci_high', 'n_units', 'n_clusters', 'small_n']
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import pandas as pd

#: Below this many independent clusters (documents, by default) an estimate is flagged ``small_n``.
SMALL_N = 5


def _stat_fn(stat: str | Callable[[np.ndarray], float]) -> Callable[[np.ndarray], float]:
    if callable(stat):
        return stat
    table = {"mean": np.mean, "median": np.median, "sum": np.sum}
    if stat not in table:
        raise ValueError(f"stat must be one of {sorted(table)} or a callable, not {stat!r}")
    return table[stat]


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
    equal to its estimate when clustered: there is nothing to resample.
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
            parts = [vals[inv == k] for k in range(len(uniq))]
            n_clusters = len(uniq)
        else:
            parts = None
            n_clusters = len(vals)
        est = float(fn(vals)) if len(vals) else np.nan
        if len(vals) == 0:
            lo = hi = np.nan
        else:
            boots = np.empty(n_boot)
            for b in range(n_boot):
                if parts is not None:
                    pick = rng.integers(0, n_clusters, n_clusters)
                    sample = np.concatenate([parts[k] for k in pick])
                else:
                    sample = vals[rng.integers(0, len(vals), len(vals))]
                boots[b] = fn(sample)
            lo, hi = np.quantile(boots, [alpha, 1 - alpha])
        rows.append(
            {**dict(zip(by_cols, key)), "estimate": est, "ci_low": float(lo), "ci_high": float(hi),
             "n_units": int(len(vals)), "n_clusters": int(n_clusters), "small_n": bool(n_clusters < small_n)}
        )
    return pd.DataFrame(rows, columns=[*by_cols, "estimate", "ci_low", "ci_high", "n_units", "n_clusters", "small_n"])
