"""Same-event comparisons: each outlet against the rest *within the events both covered* (paired differences).

When outlets choose different events, a plain outlet comparison mixes two things: how an outlet writes, and
which events it covered. An outlet that reports mostly fires and floods reads as "negative" even if it
describes each fire exactly as the others do: outlet and event are confounded. When the corpus says which
event (story) each article reports (the loader's optional ``event`` column), the comparison can be made
inside each event and then averaged over events:

* per event ``e`` the outlet covered together with at least one other outlet, ``d_e`` = the mean of the
  outlet's articles in ``e`` minus the mean of the other outlets' articles in ``e`` (each article weighs one,
  whatever its length; an article's value is the mean of its units, e.g. its sentences' tone);
* ``paired`` = the mean of ``d_e`` over those shared events (each event weighs one);
* an interval from resampling **events** (the independent units once articles are paired by event), and a
  two-sided **sign-flip** permutation p-value: if the outlet wrote like the rest within events, each ``d_e``
  would be as likely positive as negative, so the signs are flipped at random (all ``2**n`` sign patterns when
  that is at most ``n_perm``, an exact test; else ``n_perm`` random ones);
* Benjamini-Hochberg ``q_value`` across every row of the table (the family shown), and the verdict words of
  :func:`analysis.compare.stats.outlet_differences` with "within the same events" added;
* beside it the ``unpaired`` difference of article means over *all* the outlet's articles against all the
  rest's (what a comparison without the event column says), with its own article-bootstrap interval,
  permutation p-value and verdict (:func:`analysis.compare.stats.outlet_differences`, one unit per article).

An article without an event is left out of the pairing (it is still in the unpaired difference); an event
covered by one outlet only pairs nothing. :func:`event_coverage` and :func:`describe_events` say how many.

>>> import pandas as pd
>>> arts = pd.DataFrame({"outlet": list("AAAB" "ABBB"), "doc_id": [f"d{i}" for i in range(8)],
...                      "event": ["storm"] * 4 + ["fair"] * 4,
...                      "value": [-0.6, -0.6, -0.6, -0.6, 0.4, 0.4, 0.4, 0.4]})
>>> d = event_differences(arts, n_boot=200)
>>> d[["outlet", "paired", "unpaired", "n_events"]].round(2).values.tolist()
[['A', 0.0, -0.5, 2], ['B', 0.0, 0.5, 2]]
"""
from __future__ import annotations

from itertools import combinations
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from analysis.compare.stats import NOT_DISTINGUISHABLE, cannot_estimate, outlet_differences

#: Columns of :func:`event_differences` (after any ``by`` columns).
EVENT_DIFFERENCE_COLUMNS = [
    "outlet", "versus", "n_events", "n_articles", "n_other_articles", "paired", "ci_low", "ci_high", "p_value",
    "q_value", "p_floor", "verdict", "unpaired", "unpaired_ci_low", "unpaired_ci_high", "unpaired_q",
    "unpaired_verdict",
]
#: Columns of :func:`within_event_table` (after any ``by`` columns).
WITHIN_EVENT_COLUMNS = ["outlet", "versus", "event", "outlet_mean", "other_mean", "difference", "n_articles",
                        "n_other_articles"]
#: Columns of :func:`event_coverage`.
EVENT_COVERAGE_COLUMNS = ["event", "articles", "n_outlets", "outlets", "first_date", "last_date", "paired"]
#: ``versus`` of a comparison with every other outlet pooled.
REST = "the rest"
#: What :func:`event_differences` says when a corpus gives it nothing to pair.
NO_EVENTS = ("same-event comparisons cannot be estimated: {why}; pairing needs an event (story) column naming the "
             "event each article reports (docs/bring_your_own_corpus.md)")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def has_events(documents: pd.DataFrame, *, event: str = "event") -> bool:
    """True when ``documents`` has an ``event`` column with at least one value.

    >>> has_events(pd.DataFrame({"event": [None, "flood"]})), has_events(pd.DataFrame({"doc_id": ["a"]}))
    (True, False)
    """
    return event in documents.columns and bool(documents[event].notna().any())


def attach_events(values: pd.DataFrame, documents: pd.DataFrame, *, event: str = "event",
                  cluster: str = "doc_id") -> pd.DataFrame:
    """``values`` (one row per unit or article, with ``cluster``) with each article's ``event`` added.

    ``documents`` without an ``event`` column give an all-missing column (nothing is paired).

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "event": ["flood", None]})
    >>> attach_events(pd.DataFrame({"doc_id": ["a", "a", "b"], "value": [1, 2, 3]}), docs).event.tolist()
    ['flood', 'flood', <NA>]
    """
    if cluster not in values.columns:
        raise KeyError(f"column {cluster!r} not in table (columns: {list(values.columns)})")
    if event in documents.columns:
        ev = documents[[cluster, event]].drop_duplicates(cluster).astype({event: "string"})
    else:
        ev = pd.DataFrame({cluster: documents[cluster], event: pd.Series(pd.NA, index=documents.index, dtype="string")})
    out = values.drop(columns=[event], errors="ignore").merge(ev, on=cluster, how="left")
    out[event] = out[event].astype("string")
    return out


def event_coverage(documents: pd.DataFrame, *, event: str = "event", outlet: str = "outlet",
                   date: str = "date") -> pd.DataFrame:
    """One row per event: its articles, how many outlets covered it and which, its first and last date, and
    ``paired`` (covered by at least two outlets, so it can pair an outlet with the rest). Articles without an
    event are not in the table; events covered by more outlets come first.

    >>> docs = pd.DataFrame({"outlet": ["A", "B", "A", "B"], "event": ["fire", "fire", "fair", None],
    ...                      "date": pd.to_datetime(["2025-01-02", "2025-01-03", None, "2025-02-01"])})
    >>> event_coverage(docs)[["event", "articles", "outlets", "paired"]].values.tolist()
    [['fire', 2, 'A, B', True], ['fair', 1, 'A', False]]
    """
    if event not in documents.columns:
        return pd.DataFrame(columns=EVENT_COVERAGE_COLUMNS)
    d = documents[documents[event].notna()]
    if d.empty:
        return pd.DataFrame(columns=EVENT_COVERAGE_COLUMNS)
    dates = d[date] if date in d.columns else pd.Series(pd.NaT, index=d.index)
    g = d.assign(_date=pd.to_datetime(dates)).groupby(event, sort=True)
    out = pd.DataFrame({
        "articles": g.size(),
        "n_outlets": g[outlet].nunique(),
        "outlets": g[outlet].agg(lambda s: ", ".join(sorted(set(map(str, s))))),
        "first_date": g["_date"].min(),
        "last_date": g["_date"].max(),
    }).rename_axis("event").reset_index()
    out["event"] = out["event"].astype(str)
    out["paired"] = out["n_outlets"] >= 2
    return out.sort_values(["n_outlets", "articles", "event"], ascending=[False, False, True],
                           ignore_index=True)[EVENT_COVERAGE_COLUMNS]


def describe_events(documents: pd.DataFrame, *, event: str = "event", outlet: str = "outlet") -> str:
    """What the corpus offers for pairing, in one sentence (how many articles have no event, how many events
    one outlet alone covered).

    >>> docs = pd.DataFrame({"outlet": ["A", "B", "A", "B"], "event": ["fire", "fire", "fair", None]})
    >>> describe_events(docs)
    '3 of 4 articles name an event (1 without: not paired); 2 events, 1 covered by two or more outlets (2 articles), 1 by one outlet only (not paired: fair).'
    >>> describe_events(docs.drop(columns="event"))
    'This corpus has no event column: same-event (paired) comparisons cannot be estimated.'
    """
    if event not in documents.columns:
        return "This corpus has no event column: same-event (paired) comparisons cannot be estimated."
    n = len(documents)
    have = int(documents[event].notna().sum())
    if have == 0:
        return (f"The event column is empty for all {n} articles: same-event (paired) comparisons cannot be "
                "estimated.")
    cov = event_coverage(documents, event=event, outlet=outlet)
    shared, single = cov[cov["paired"]], cov[~cov["paired"]]
    listed = ", ".join(single["event"].head(5)) + (f" and {len(single) - 5} more" if len(single) > 5 else "")
    return (f"{have} of {n} articles name an event" + (f" ({n - have} without: not paired)" if n > have else "")
            + f"; {_plural(len(cov), 'event')}, {len(shared)} covered by two or more outlets "
            f"({_plural(int(shared['articles'].sum()), 'article')})"
            + (f", {len(single)} by one outlet only (not paired: {listed})" if len(single) else "") + ".")


def _article_values(values: pd.DataFrame, *, by: list[str], outlet: str, cluster: str, event: str,
                    value: str) -> pd.DataFrame:
    """One row per (by..., article): ``outlet, event, v`` (the mean of its units' values)."""
    for col in (*by, outlet, cluster, value):
        if col not in values.columns:
            raise KeyError(f"column {col!r} not in table (columns: {list(values.columns)})")
    cols = [*by, outlet, cluster, value] + ([event] if event in values.columns else [])
    df = values[cols].dropna(subset=[value])
    if event not in df.columns:
        df = df.assign(**{event: pd.NA})
    df = df.assign(_v=df[value].astype(float))
    art = (df.groupby([*by, cluster], sort=True, dropna=False)
           .agg(outlet=(outlet, "first"), event=(event, "first"), v=("_v", "mean")).reset_index())
    art["outlet"] = art["outlet"].astype(str)
    art["event"] = art["event"].astype("string")
    return art


def _pairs(art: pd.DataFrame, versus: str) -> list[tuple[str, str]]:
    names = sorted(art["outlet"].unique())
    if versus == "rest":
        return [(o, REST) for o in names]
    return list(combinations(names, 2))


def _within(art: pd.DataFrame, versus: str) -> pd.DataFrame:
    """Per (outlet, versus, event) of one family: the two means and their difference (shared events only)."""
    paired = art[art["event"].notna()]
    rows = []
    if paired.empty:
        return pd.DataFrame(columns=WITHIN_EVENT_COLUMNS)
    s = paired.pivot_table(index="event", columns="outlet", values="v", aggfunc="sum", fill_value=0.0)
    n = paired.pivot_table(index="event", columns="outlet", values="v", aggfunc="size", fill_value=0)
    events = s.index.astype(str).to_numpy()
    S, N = s.to_numpy(dtype=float), n.to_numpy(dtype=float)
    col = {o: j for j, o in enumerate(s.columns)}
    tot_s, tot_n = S.sum(axis=1), N.sum(axis=1)
    for a, b in _pairs(art, versus):
        if a not in col:
            continue
        ja = col[a]
        if b == REST:
            s_b, n_b = tot_s - S[:, ja], tot_n - N[:, ja]
        elif b in col:
            s_b, n_b = S[:, col[b]], N[:, col[b]]
        else:
            continue
        ok = (N[:, ja] > 0) & (n_b > 0)
        m_a = S[ok, ja] / N[ok, ja]
        m_b = s_b[ok] / n_b[ok]
        rows.append(pd.DataFrame({"outlet": a, "versus": b, "event": events[ok], "outlet_mean": m_a,
                                  "other_mean": m_b, "difference": m_a - m_b, "n_articles": N[ok, ja].astype(int),
                                  "n_other_articles": n_b[ok].astype(int)}))
    if not rows:
        return pd.DataFrame(columns=WITHIN_EVENT_COLUMNS)
    return pd.concat(rows, ignore_index=True)[WITHIN_EVENT_COLUMNS]


def _families(art: pd.DataFrame, by: list[str]):
    if not by:
        yield (), art
        return
    for key, g in art.groupby(by, sort=True, dropna=False):
        yield (key if isinstance(key, tuple) else (key,)), g


def within_event_table(
    values: pd.DataFrame,
    *,
    event: str = "event",
    outlet: str = "outlet",
    cluster: str = "doc_id",
    value: str = "value",
    by: Sequence[str] | None = None,
    versus: Literal["rest", "outlets"] = "rest",
) -> pd.DataFrame:
    """The paired differences behind :func:`event_differences`, one row per shared event.

    Columns ``by..., outlet, versus, event, outlet_mean, other_mean, difference, n_articles, n_other_articles``:
    the mean of the outlet's articles in the event, the mean of the other outlets' articles in the same event
    (``versus="rest"``) or of one other outlet's (``versus="outlets"``), and their difference.

    >>> arts = pd.DataFrame({"outlet": ["A", "B", "B", "A"], "doc_id": list("pqrs"),
    ...                      "event": ["fire", "fire", "fire", None], "value": [-0.5, -0.2, -0.4, 0.9]})
    >>> within_event_table(arts)[["outlet", "event", "difference", "n_other_articles"]].round(2).values.tolist()
    [['A', 'fire', -0.2, 2], ['B', 'fire', 0.2, 1]]
    """
    by_cols = list(by or [])
    if versus not in ("rest", "outlets"):
        raise ValueError(f"versus must be 'rest' or 'outlets', not {versus!r}")
    art = _article_values(values, by=by_cols, outlet=outlet, cluster=cluster, event=event, value=value)
    parts = []
    for key, g in _families(art, by_cols):
        t = _within(g, versus)
        for c, v in zip(by_cols, key):
            t.insert(by_cols.index(c), c, v)
        parts.append(t)
    cols = [*by_cols, *WITHIN_EVENT_COLUMNS]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def sign_flip_p(d: np.ndarray, *, n_perm: int = 5000, rng: np.random.Generator | None = None) -> tuple[float, float]:
    """Two-sided sign-flip permutation p-value of ``mean(d) == 0`` and the smallest p ``len(d)`` values allow.

    Exact (all ``2**n`` sign patterns, the observed one included) when ``2**n <= n_perm``; otherwise
    ``n_perm`` random patterns and ``(1 + k) / (1 + n_perm)``. Returns ``(p, p_floor)``.

    >>> sign_flip_p(np.array([0.3, 0.2, 0.25]))
    (0.25, 0.25)
    >>> round(sign_flip_p(np.array([0.3, -0.2, 0.25, -0.1]))[0], 3)
    0.75
    """
    d = np.asarray(d, dtype=float)
    n = len(d)
    if n == 0:
        return np.nan, np.nan
    obs = abs(d.mean())
    tol = 1e-12 * max(1.0, float(np.abs(d).max()))
    if 2 ** n <= n_perm:
        patterns = 1 - 2 * ((np.arange(2 ** n)[:, None] >> np.arange(n)[None, :]) & 1)   # (2**n, n) of +-1
        means = np.abs(patterns @ d) / n
        return float((means >= obs - tol).mean()), float(2 / 2 ** n)
    rng = rng or np.random.default_rng(0)
    exceed, done, chunk = 0, 0, max(1, 2_000_000 // n)
    while done < n_perm:
        b = min(chunk, n_perm - done)
        signs = rng.integers(0, 2, (b, n)) * 2 - 1
        exceed += int((np.abs(signs @ d) / n >= obs - tol).sum())
        done += b
    return float((1 + exceed) / (1 + n_perm)), float(1 / (1 + n_perm))


def _bh(p: np.ndarray) -> np.ndarray:
    from scipy.stats import false_discovery_control

    q = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = false_discovery_control(p[ok])
    return q


def _unpaired(art: pd.DataFrame, *, by: list[str], cluster: str, versus: str, n_boot: int, n_perm: int,
              level: float, seed: int, alpha: float) -> pd.DataFrame:
    """Unpaired difference of article means for every (by..., outlet, versus), over every article."""
    cols = [*by, "outlet", "versus", "unpaired", "unpaired_ci_low", "unpaired_ci_high", "unpaired_p", "unpaired_verdict"]
    units = art.rename(columns={"v": "value"})
    if versus == "rest":
        d = outlet_differences(units, outlet="outlet", cluster=cluster, value="value", by=by or None,
                               n_boot=n_boot, n_perm=n_perm, level=level, seed=seed, alpha=alpha)
        if d.empty:
            return pd.DataFrame(columns=cols)
        return d.assign(versus=REST).rename(columns={
            "difference": "unpaired", "ci_low": "unpaired_ci_low", "ci_high": "unpaired_ci_high",
            "p_value": "unpaired_p", "verdict": "unpaired_verdict"})[cols]
    stacked = []
    for a, b in _pairs(art, versus):
        sub = units[units["outlet"].isin([a, b])]
        stacked.append(sub.assign(versus=b, _pair=f"{a}\x00{b}", _first=a))
    if not stacked:
        return pd.DataFrame(columns=cols)
    st = pd.concat(stacked, ignore_index=True)
    d = outlet_differences(st, outlet="outlet", cluster=cluster, value="value", by=[*by, "_pair"],
                           n_boot=n_boot, n_perm=n_perm, level=level, seed=seed, alpha=alpha)
    if d.empty:
        return pd.DataFrame(columns=cols)
    d["versus"] = d["_pair"].str.split("\x00").str[1]
    d = d[d["outlet"] == d["_pair"].str.split("\x00").str[0]].reset_index(drop=True)
    fallback = [str(w).replace(REST, v) for w, v in zip(d["verdict"], d["versus"])]   # "(the rest: 1 article)"
    d["unpaired_verdict"] = _verdicts(d["p_value"].to_numpy(dtype=float), d["difference"].to_numpy(dtype=float),
                                      d["versus"].tolist(), fallback, alpha=alpha, within="")
    return d.rename(columns={"difference": "unpaired", "ci_low": "unpaired_ci_low", "ci_high": "unpaired_ci_high",
                             "p_value": "unpaired_p"})[cols]


def _verdicts(p: np.ndarray, diff: np.ndarray, versus: list[str], fallback: list[str], *, alpha: float,
              within: str) -> list[str]:
    q = _bh(p)
    out = []
    for pi, qi, di, v, fb in zip(p, q, diff, versus, fallback):
        if np.isnan(pi):
            out.append(fb)
        elif qi < alpha:
            out.append(f"{'higher' if di > 0 else 'lower'} than {v}{within}")
        else:
            out.append(NOT_DISTINGUISHABLE)
    return out


def event_differences(
    values: pd.DataFrame,
    *,
    event: str = "event",
    outlet: str = "outlet",
    cluster: str = "doc_id",
    value: str = "value",
    by: Sequence[str] | None = None,
    versus: Literal["rest", "outlets"] = "rest",
    n_boot: int = 2000,
    n_perm: int = 5000,
    level: float = 0.95,
    seed: int = 42,
    alpha: float = 0.05,
    min_events: int = 2,
    unpaired: bool = True,
) -> pd.DataFrame:
    """Each outlet against the rest (or, ``versus="outlets"``, against each other outlet) within the same events.

    ``values`` has one row per unit (sentence, quotation ...) or per article: ``outlet``, ``cluster`` (the
    article), ``event`` (missing: the article is not paired) and ``value``; ``by`` (e.g. ``["family",
    "quantity"]``) names several quantities in one table. Each article counts once, with the mean of its
    units. Columns ``by..., outlet, versus, n_events`` (events shared with the other side), ``n_articles``,
    ``n_other_articles`` (articles in those events), ``paired`` (mean over shared events of the outlet's
    article mean minus the other side's), ``ci_low, ci_high`` (percentile bootstrap resampling events),
    ``p_value`` (sign-flip permutation over events, :func:`sign_flip_p`), ``q_value`` (Benjamini-Hochberg over
    every row with a p-value), ``p_floor`` (the smallest p these events allow), ``verdict`` ("higher than the
    rest within the same events", "lower ...", "not distinguishable", or "cannot be estimated (1 shared
    event)" below ``min_events``), and the same comparison unpaired over all articles: ``unpaired``,
    ``unpaired_ci_low``, ``unpaired_ci_high``, ``unpaired_q``, ``unpaired_verdict`` (``unpaired=False`` leaves
    them empty and saves its permutations). Seeded.

    A corpus without events, or with fewer than two outlets, gives an empty table and a
    :class:`~analysis.compare.stats.CannotEstimateWarning` that says why.
    """
    by_cols = list(by or [])
    cols = [*by_cols, *EVENT_DIFFERENCE_COLUMNS]
    if versus not in ("rest", "outlets"):
        raise ValueError(f"versus must be 'rest' or 'outlets', not {versus!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    if int(min_events) < 1:
        raise ValueError(f"min_events must be at least 1, not {min_events!r}")
    art = _article_values(values, by=by_cols, outlet=outlet, cluster=cluster, event=event, value=value)
    if art["outlet"].nunique() < 2:
        cannot_estimate(NO_EVENTS.format(why=f"{art['outlet'].nunique()} outlet(s); comparing outlets needs 2"))
        return pd.DataFrame(columns=cols)
    if not art["event"].notna().any():
        why = "no article names an event" if event in values.columns else "the table has no event column"
        cannot_estimate(NO_EVENTS.format(why=why))
        return pd.DataFrame(columns=cols)
    rng = np.random.default_rng(seed)
    a = (1 - level) / 2
    rows = []
    for key, g in _families(art, by_cols):
        within = _within(g, versus)
        per = {(o, v): grp["difference"].to_numpy(dtype=float) for (o, v), grp in within.groupby(["outlet", "versus"])}
        counts = within.groupby(["outlet", "versus"])[["n_articles", "n_other_articles"]].sum()
        for o, v in _pairs(g, versus):
            d = per.get((o, v), np.empty(0))
            n_art, n_oth = (int(counts.loc[(o, v), "n_articles"]), int(counts.loc[(o, v), "n_other_articles"])) \
                if (o, v) in counts.index else (0, 0)
            row = {**dict(zip(by_cols, key)), "outlet": o, "versus": v, "n_events": len(d), "n_articles": n_art,
                   "n_other_articles": n_oth, "paired": float(d.mean()) if len(d) else np.nan,
                   "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "p_floor": np.nan,
                   "verdict": f"cannot be estimated ({_plural(len(d), 'shared event')})"}
            if len(d) >= min_events:
                boot = d[rng.integers(0, len(d), (n_boot, len(d)))].mean(axis=1)
                lo, hi = np.quantile(boot, [a, 1 - a])
                p, floor = sign_flip_p(d, n_perm=n_perm, rng=rng)
                row.update(ci_low=float(lo), ci_high=float(hi), p_value=p, p_floor=floor, verdict="")
            rows.append(row)
    out = pd.DataFrame(rows)
    out["q_value"] = _bh(out["p_value"].to_numpy(dtype=float))
    out["verdict"] = _verdicts(out["p_value"].to_numpy(dtype=float), out["paired"].to_numpy(dtype=float),
                               out["versus"].tolist(), out["verdict"].tolist(), alpha=alpha,
                               within=" within the same events")
    if unpaired:
        un = _unpaired(art, by=by_cols, cluster=cluster, versus=versus, n_boot=n_boot, n_perm=n_perm, level=level,
                       seed=seed, alpha=alpha)
        un["unpaired_q"] = _bh(un["unpaired_p"].to_numpy(dtype=float))
        out = out.merge(un.drop(columns="unpaired_p"), on=[*by_cols, "outlet", "versus"], how="left")
    else:
        out = out.assign(unpaired=np.nan, unpaired_ci_low=np.nan, unpaired_ci_high=np.nan, unpaired_q=np.nan,
                         unpaired_verdict="")
    for c in ("n_events", "n_articles", "n_other_articles"):
        out[c] = out[c].astype(int)
    return out[cols].reset_index(drop=True)


__all__ = ["EVENT_COVERAGE_COLUMNS", "EVENT_DIFFERENCE_COLUMNS", "NO_EVENTS", "REST", "WITHIN_EVENT_COLUMNS",
           "attach_events", "describe_events", "event_coverage", "event_differences", "has_events", "sign_flip_p",
           "within_event_table"]
