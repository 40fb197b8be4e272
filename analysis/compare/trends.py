"""Coverage over time: articles, mean sentence tone and frame shares per outlet and time bin, with intervals.

Time is binned by calendar day, week (Monday to Sunday), month, quarter or year. :func:`choose_time_unit`
picks the finest unit that gives at most ``max_bins`` bins over the corpus's span *and* at least
``min_per_bin`` dated articles per bin on average, so a six-month corpus of 40 articles is read by month and
one of 10,000 articles by week; ``unit=`` forces one. Per outlet and bin:

* **volume**: the number of articles, with an exact Poisson interval (Garwood 1936): how uncertain the
  outlet's publishing *rate* in that bin is, if it published at a steady rate;
* **mean sentence tone** and **frame shares** (the share of sentences firing each frame): unit means (every
  sentence of the bin counts once, as in notebooks 03 and 06) with a percentile bootstrap that resamples the
  bin's **articles**, and no interval, said as ``"no interval (3 articles)"``, when the bin has fewer than
  ``min_articles`` articles (:data:`analysis.compare.stats.SMALL_N`).

Articles without a full date are never dropped silently: :func:`date_status` lists each with what is known
(a year only, a day and month without a year, a date printed on the page that was not taken as the
publication date, the loader's warning) and why it is not binned. A date given as a year only, which the
loader reads as January 1 with a warning, counts as partial and is not binned.

>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": list("abcd"), "outlet": ["A", "A", "B", "B"],
...                      "date": pd.to_datetime(["2025-01-03", "2025-02-10", "2025-02-11", None])})
>>> tb = time_bins(docs, unit="month")
>>> tb.articles[["doc_id", "bin_label"]].values.tolist(), tb.undated.doc_id.tolist()
([['a', 'Jan 2025'], ['b', 'Feb 2025'], ['c', 'Feb 2025']], ['d'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.compare.stats import SMALL_N

#: Time units, finest first, with their pandas period frequency (weeks run Monday to Sunday).
TIME_UNITS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
#: Columns of :func:`date_status`.
DATE_STATUS_COLUMNS = ["doc_id", "outlet", "title", "date", "status", "known", "why"]
#: Columns of :func:`volume_over_time`.
VOLUME_COLUMNS = ["outlet", "bin", "bin_label", "articles", "ci_low", "ci_high"]
#: Columns of :func:`time_means` (after any ``by`` columns).
TIME_MEAN_COLUMNS = ["outlet", "bin", "bin_label", "estimate", "ci_low", "ci_high", "n_units", "n_articles", "interval"]
#: The ``outlet`` of the rows of :func:`time_means` that pool every outlet (``overall=True``).
ALL_OUTLETS = "all outlets"
_YEAR_ONLY = re.compile(r"date '?(?P<value>[^']*)'? is a year only")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _partial_text(row: pd.Series) -> str:
    """What a metadata row's ``date_year``/``date_month``/``date_day`` columns say, e.g. ``"day and month 20 Feb,
    no year"``; ``""`` when they say nothing."""
    def num(col):
        v = row.get(col)
        try:
            return None if v is None or pd.isna(v) or str(v).strip() == "" else int(float(v))
        except (TypeError, ValueError):
            return None

    y, m, d = num("date_year"), num("date_month"), num("date_day")
    month = pd.Timestamp(2000, m, 1).strftime("%b") if m and 1 <= m <= 12 else None
    if y and month and d:
        return f"{d} {month} {y}"
    if y and month:
        return f"month {month} {y}, no day"
    if month and d:
        return f"day and month {d} {month}, no year"
    if y:
        return f"year {y} only"
    if month:
        return f"month {month} only"
    return ""


def date_status(documents: pd.DataFrame, *, issues: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every article's date: ``doc_id, outlet, title, date`` (the full date that is binned, or NaT),
    ``status`` (``"full date"``, ``"partial date"`` or ``"no date"``), ``known`` (what the corpus does know:
    partial ``date_year``/``date_month``/``date_day`` columns, the page's own date text found by cleaning) and
    ``why`` (the loader's warning about the date, when there was one). ``issues`` is ``Corpus.issues``; with it,
    a year-only date (read by the loader as January 1) is ``"partial date"`` and not binned.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["A", "B", "B"],
    ...                      "date": pd.to_datetime(["2025-01-01", None, "2025-03-02"]),
    ...                      "page_date_text": [None, "04 June 2020", None]})
    >>> iss = pd.DataFrame({"level": ["warning"], "source": ["t.csv:row 1"], "doc_id": ["a"],
    ...                     "message": ["date '2025' is a year only: read as 2025-01-01"]})
    >>> date_status(docs, issues=iss)[["doc_id", "status", "known"]].values.tolist()
    [['a', 'partial date', 'year 2025 only (read by the loader as 2025-01-01, not binned)'], ['b', 'no date', 'date printed on the page: 04 June 2020 (not taken as the publication date)'], ['c', 'full date', '']]
    """
    for col in ("doc_id", "outlet", "date"):
        if col not in documents.columns:
            raise KeyError(f"column {col!r} not in the documents table (columns: {list(documents.columns)})")
    docs = documents.reset_index(drop=True)
    notes: dict[str, list[str]] = {}
    year_only: dict[str, str] = {}
    if issues is not None and len(issues):
        iss = issues[issues["doc_id"].notna() & issues["message"].astype(str).str.contains(r"\bdate\b", case=False)]
        for doc, msg in zip(iss["doc_id"].astype(str), iss["message"].astype(str)):
            notes.setdefault(doc, []).append(msg)
            m = _YEAR_ONLY.search(msg)
            if m:
                year_only[doc] = m.group("value")
    rows = []
    for _, r in docs.iterrows():
        doc = str(r["doc_id"])
        date = pd.Timestamp(r["date"]) if pd.notna(r["date"]) else pd.NaT
        known = []
        if doc in year_only and pd.notna(date):
            known.append(f"year {year_only[doc]} only (read by the loader as {date.date()}, not binned)")
            status, date = "partial date", pd.NaT
        elif pd.notna(date):
            status = "full date"
        else:
            part = _partial_text(r)
            status = "partial date" if part else "no date"
            if part:
                known.append(part)
        if status != "full date":
            page = r.get("page_date_text")
            if isinstance(page, str) and page.strip():
                known.append(f"date printed on the page: {page.strip()} (not taken as the publication date)")
        why = "; ".join(notes.get(doc, [])) if status != "full date" else ""
        if status == "no date" and not why:
            why = "no date in the source"
        rows.append({"doc_id": doc, "outlet": str(r["outlet"]), "title": r.get("title"), "date": date,
                     "status": status, "known": "; ".join(known), "why": why})
    out = pd.DataFrame(rows, columns=DATE_STATUS_COLUMNS)
    out["date"] = pd.to_datetime(out["date"])
    return out


def _n_bins(dates: pd.Series, unit: str) -> int:
    p = dates.dt.to_period(TIME_UNITS[unit])
    return int((p.max() - p.min()).n) + 1


def choose_time_unit(dates: pd.Series, *, max_bins: int = 60, min_per_bin: float = 5) -> tuple[str, str]:
    """``(unit, rule)``: the finest of day, week, month, quarter and year with at most ``max_bins`` bins over
    the span of ``dates`` and at least ``min_per_bin`` dated articles per bin on average; ``rule`` says why.
    When no unit manages both (few dated articles), the unit with the fewest bins that still gives two (the
    finer of equals).

    >>> d = pd.Series(pd.to_datetime(["2025-01-09"] * 20 + ["2025-06-28"] * 21))
    >>> choose_time_unit(d)[0], choose_time_unit(d, min_per_bin=1)[0], choose_time_unit(d[:1])[0]
    ('month', 'week', 'day')
    """
    dates = pd.to_datetime(pd.Series(dates)).dropna()
    if dates.empty:
        return "month", "no article has a full date: nothing to bin"
    n = len(dates)
    span = f"{dates.min().date()} to {dates.max().date()}, {(dates.max() - dates.min()).days + 1} days"
    counts = {u: _n_bins(dates, u) for u in TIME_UNITS}
    for u, k in counts.items():
        if k <= max_bins and n / k >= min_per_bin:
            return u, (f"by {u}: the finest of day, week, month, quarter and year with at most {max_bins} bins over "
                       f"the span ({span}) and at least {min_per_bin:g} dated articles per bin on average "
                       f"({n} articles / {_plural(k, 'bin')} = {n / k:.1f})")
    two = [u for u, k in counts.items() if k >= 2]
    if not two:
        return "day", f"by day: every dated article falls on one day ({dates.min().date()}), one bin, no trend"
    u = min(two, key=lambda unit: counts[unit])            # finest first, so the finer of equals
    return u, (f"by {u}: too few dated articles ({n}) for {min_per_bin:g} per bin at any unit, so the unit with "
               f"the fewest bins that still gives two ({_plural(counts[u], 'bin')} over {span})")


def bin_label(start: pd.Timestamp, unit: str) -> str:
    """A bin's label: ``2025-01-09`` (day), ``week of 2025-01-06``, ``Jan 2025``, ``2025 Q1``, ``2025``.

    >>> [bin_label(pd.Timestamp("2025-02-03"), u) for u in TIME_UNITS]
    ['2025-02-03', 'week of 2025-02-03', 'Feb 2025', '2025 Q1', '2025']
    """
    start = pd.Timestamp(start)
    if unit == "day":
        return f"{start.date()}"
    if unit == "week":
        return f"week of {start.date()}"
    if unit == "month":
        return start.strftime("%b %Y")
    if unit == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"


@dataclass
class TimeBins:
    """Which bin each dated article falls in (built by :func:`time_bins`).

    ``articles``: ``doc_id, outlet, date, bin`` (the bin's first day), ``bin_label``; ``bins``: every bin from
    the first to the last, empty ones included (``bin, bin_label``); ``dates``: :func:`date_status` of every article.
    """

    unit: str
    rule: str
    articles: pd.DataFrame
    bins: pd.DataFrame
    dates: pd.DataFrame
    settings: dict = field(default_factory=dict)

    @property
    def undated(self) -> pd.DataFrame:
        """The articles that are not binned (partial or no date), with what is known and why."""
        return self.dates[self.dates["status"] != "full date"].reset_index(drop=True)

    def describe(self) -> str:
        """One sentence: how many articles are dated, the span, the unit and its rule, how many are not binned."""
        n, k = len(self.dates), len(self.articles)
        if k == 0:
            return f"None of the {n} articles has a full date: coverage over time cannot be estimated."
        und = self.undated
        part = int((und["status"] == "partial date").sum())
        return (f"{k} of {_plural(n, 'article')} {'has' if k == 1 else 'have'} a full date; binned {self.rule}. "
                + (f"{len(und)} not binned ({part} with a partial date, {len(und) - part} without a date): "
                   "listed below, never dropped silently." if len(und) else "Every article is binned."))


def time_bins(documents: pd.DataFrame, *, issues: pd.DataFrame | None = None, unit: str = "auto",
              max_bins: int = 60, min_per_bin: float = 5) -> TimeBins:
    """Bin every article with a full date (:func:`date_status`) by ``unit`` (``"auto"``: :func:`choose_time_unit`).

    ``issues`` (``Corpus.issues``) lets a year-only date count as partial. Raises ``ValueError`` for an unknown
    unit.
    """
    if unit != "auto" and unit not in TIME_UNITS:
        raise ValueError(f"unit must be 'auto' or one of {list(TIME_UNITS)}, not {unit!r}")
    status = date_status(documents, issues=issues)
    dated = status[status["status"] == "full date"]
    if unit == "auto":
        unit, rule = choose_time_unit(dated["date"], max_bins=max_bins, min_per_bin=min_per_bin)
    else:
        k = _n_bins(dated["date"], unit) if len(dated) else 0
        rule = f"by {unit} (chosen by hand: {_plural(k, 'bin')})"
    freq = TIME_UNITS[unit]
    starts = dated["date"].dt.to_period(freq).dt.start_time
    arts = pd.DataFrame({"doc_id": dated["doc_id"].to_numpy(), "outlet": dated["outlet"].to_numpy(),
                         "date": dated["date"].to_numpy(), "bin": starts.to_numpy()})
    if len(arts):
        periods = pd.period_range(dated["date"].min().to_period(freq), dated["date"].max().to_period(freq), freq=freq)
        all_bins = pd.DataFrame({"bin": periods.start_time})
    else:
        all_bins = pd.DataFrame({"bin": pd.to_datetime([])})
    all_bins["bin_label"] = [bin_label(b, unit) for b in all_bins["bin"]]
    arts["bin_label"] = [bin_label(b, unit) for b in arts["bin"]]
    return TimeBins(unit=unit, rule=rule, articles=arts.sort_values(["bin", "outlet", "doc_id"], ignore_index=True),
                    bins=all_bins, dates=status,
                    settings={"max_bins": max_bins, "min_per_bin": min_per_bin})


def poisson_interval(counts, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of a Poisson mean for each count.

    >>> lo, hi = poisson_interval([0, 4])
    >>> [round(float(x), 2) for x in (*lo, *hi)]
    [0.0, 1.09, 3.69, 10.24]
    """
    from scipy.stats import chi2

    k = np.asarray(counts, dtype=float)
    a = 1 - level
    lo = np.where(k > 0, chi2.ppf(a / 2, 2 * k) / 2, 0.0)
    hi = chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return np.nan_to_num(lo), hi


def volume_over_time(bins: TimeBins, *, level: float = 0.95) -> pd.DataFrame:
    """Articles per outlet and bin (zeros included between the first and last bin) with a Poisson interval.

    Columns ``outlet, bin, bin_label, articles, ci_low, ci_high``.
    """
    arts = bins.articles
    outlets = sorted(set(bins.dates["outlet"].astype(str)))
    if arts.empty or not outlets:
        return pd.DataFrame(columns=VOLUME_COLUMNS)
    grid = pd.MultiIndex.from_product([outlets, bins.bins["bin"]], names=["outlet", "bin"])
    n = arts.groupby(["outlet", "bin"]).size().reindex(grid, fill_value=0).rename("articles").reset_index()
    n = n.merge(bins.bins, on="bin", how="left")
    lo, hi = poisson_interval(n["articles"], level=level)
    n["ci_low"], n["ci_high"] = lo, hi
    return n[VOLUME_COLUMNS]


def _cluster_bootstrap(S: np.ndarray, N: np.ndarray, *, n_boot: int, level: float, rng: np.random.Generator):
    """Percentile interval of ``sum(S) / sum(N)`` resampling the rows (articles) with replacement."""
    n = len(S)
    a = (1 - level) / 2
    chunk = max(1, 4_000_000 // max(n, 1))
    est = np.empty(n_boot)
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        W = rng.multinomial(n, np.full(n, 1.0 / n), size=b).astype(float)   # (b, articles): times each is drawn
        est[done:done + b] = (W @ S) / (W @ N)
        done += b
    lo, hi = np.quantile(est, [a, 1 - a])
    return float(lo), float(hi)


def time_means(values: pd.DataFrame, bins: TimeBins, *, value: str = "value", by: Sequence[str] | None = None,
               cluster: str = "doc_id", n_boot: int = 2000, level: float = 0.95, seed: int = 42,
               min_articles: int = SMALL_N, overall: bool = False, overall_label: str = ALL_OUTLETS) -> pd.DataFrame:
    """Mean of ``value`` over the units (sentences) of each outlet and bin, with an article-cluster bootstrap.

    ``values`` has one row per unit with ``cluster`` (the article) and ``value``; units of articles that are not
    binned (:attr:`TimeBins.undated`) are left out here and listed there. Columns ``by..., outlet, bin, bin_label,
    estimate, ci_low, ci_high, n_units, n_articles, interval``: ``interval`` is ``"articles"`` (a percentile
    bootstrap resampling the bin's articles) or ``"no interval (3 articles)"`` below ``min_articles``.
    ``overall=True`` adds rows pooling every outlet, with ``outlet`` = ``overall_label``. Seeded.

    >>> docs = pd.DataFrame({"doc_id": list("abcdef"), "outlet": ["A"] * 6,
    ...                      "date": pd.to_datetime(["2025-01-02"] * 5 + ["2025-02-02"])})
    >>> tb = time_bins(docs, unit="month")
    >>> sents = pd.DataFrame({"doc_id": list("aabcdef"), "value": [1.0, 0.0, 1, 0, 1, 0, 1]})
    >>> time_means(sents, tb, n_boot=100)[["bin_label", "estimate", "n_articles", "interval"]].values.tolist()
    [['Jan 2025', 0.5, 5, 'articles'], ['Feb 2025', 1.0, 1, 'no interval (1 article)']]
    """
    by_cols = list(by or [])
    for col in (*by_cols, cluster, value):
        if col not in values.columns:
            raise KeyError(f"column {col!r} not in table (columns: {list(values.columns)})")
    cols = [*by_cols, *TIME_MEAN_COLUMNS]
    placed = bins.articles[["doc_id", "outlet", "bin", "bin_label"]].rename(columns={"doc_id": cluster})
    df = values[[*by_cols, cluster, value]].dropna(subset=[value]).merge(placed, on=cluster, how="inner")
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.assign(_v=df[value].astype(float))
    art = df.groupby([*by_cols, "outlet", "bin", "bin_label", cluster], sort=True).agg(s=("_v", "sum"), n=("_v", "size"))
    art = art.reset_index()
    if overall:
        art = pd.concat([art, art.assign(outlet=overall_label)], ignore_index=True)
    rng = np.random.default_rng(seed)
    rows = []
    for key, g in art.groupby([*by_cols, "outlet", "bin", "bin_label"], sort=True):
        S, N = g["s"].to_numpy(dtype=float), g["n"].to_numpy(dtype=float)
        k = len(g)
        row = dict(zip([*by_cols, "outlet", "bin", "bin_label"], key))
        row.update(estimate=float(S.sum() / N.sum()), n_units=int(N.sum()), n_articles=int(k))
        if k >= max(int(min_articles), 2):
            lo, hi = _cluster_bootstrap(S, N, n_boot=n_boot, level=level, rng=rng)
            row.update(ci_low=lo, ci_high=hi, interval="articles")
        else:
            row.update(ci_low=np.nan, ci_high=np.nan, interval=f"no interval ({_plural(k, 'article')})")
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.sort_values([*by_cols, "outlet", "bin"], kind="stable", ignore_index=True)[cols]


@dataclass
class Trends:
    """Coverage over time (built by :func:`time_trends`): ``volume`` (:func:`volume_over_time`), ``tone`` and
    ``frames`` (:func:`time_means`; frames have ``frame`` and ``label`` columns first), the ``bins`` and the
    settings they were computed with."""

    bins: TimeBins
    volume: pd.DataFrame
    tone: pd.DataFrame
    frames: pd.DataFrame
    settings: dict = field(default_factory=dict)


def time_trends(
    study,
    *,
    unit: str = "auto",
    tone_method: str | None = None,
    codebook: str | Path = "semetko_valkenburg",
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 42,
    min_articles: int = SMALL_N,
    max_bins: int = 60,
    min_per_bin: float = 5,
    overall: bool = True,
) -> Trends:
    """Volume, mean sentence tone and frame shares per outlet and time bin, read from the study's measure store
    (``sentence_tone``, ``frame_codes``), so the numbers are those of notebooks 03, 04 and 06 per bin.

    ``tone_method`` defaults to ``"hybrid"`` when the embedding model is installed, else ``"vader"``; frame
    shares are the share of sentences firing each frame of ``codebook``. ``overall`` adds an all-outlets row
    per bin to ``tone`` and ``frames``.
    """
    from analysis.measures import frames as framing
    from analysis.measures import tone as sentiment

    corpus = study.corpus
    bins = time_bins(corpus.documents, issues=corpus.issues, unit=unit, max_bins=max_bins, min_per_bin=min_per_bin)
    method = tone_method or ("hybrid" if "hybrid" in sentiment.available_methods() else "vader")
    tone = study.measure("sentence_tone")
    tone = tone[tone["method"] == method]
    opts = dict(n_boot=n_boot, level=level, seed=seed, min_articles=min_articles, overall=overall)
    tone_t = time_means(tone, bins, value="tone", **opts)
    cb = codebook if isinstance(codebook, framing.Codebook) else framing.load_codebook(codebook)
    coded = study.measure("frame_codes", codebook=cb.path or cb.name)
    mat = framing.sentence_frame_matrix(corpus, cb, coded=coded)
    labels = {k: f.label for k, f in cb.frames.items()}
    frames_t = time_means(mat.assign(label=mat["frame"].map(labels)), bins, value="fired", by=["frame", "label"],
                          **opts)
    return Trends(bins=bins, volume=volume_over_time(bins, level=level), tone=tone_t, frames=frames_t,
                  settings={"unit": bins.unit, "rule": bins.rule, "tone_method": method, "codebook": cb.name,
                            "n_boot": n_boot, "level": level, "seed": seed, "min_articles": min_articles})


__all__ = ["ALL_OUTLETS", "DATE_STATUS_COLUMNS", "TIME_MEAN_COLUMNS", "TIME_UNITS", "TimeBins", "Trends",
           "VOLUME_COLUMNS", "bin_label", "choose_time_unit", "date_status", "poisson_interval", "time_bins",
           "time_means", "time_trends", "volume_over_time"]
