"""Distinctive words per outlet: weighted log-odds ratios with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words: Lexical Feature Selection and Evaluation for
Identifying the Content of Political Conflict", Political Analysis 16(4), eq. 16-22. Each group (outlet)
is compared with all other groups pooled ("the rest"), so any number of outlets works. For word ``w``,
group counts ``y_i``, rest counts ``y_j``, totals ``n_i``, ``n_j`` and prior pseudo-counts ``a_w``
(``a_0 = sum a_w``)::

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
    var_w  ~= 1 / (y_iw + a_w) + 1 / (y_jw + a_w)          z_w = delta_w / sqrt(var_w)

The informative prior is the background word distribution (by default the whole corpus) scaled to
``a_0 = prior_scale * n``: frequent words get strong priors, so a word needs more evidence than a raw
ratio to become distinctive, and rare words cannot top the list by chance alone.

>>> import pandas as pd
>>> counts = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "term": ["ban", "deal", "ban", "deal"],
...                        "count": [9, 1, 1, 9]})
>>> s = log_odds_dirichlet(counts)
>>> s.loc[s.outlet == "A"].sort_values("z", ascending=False).term.tolist()
['ban', 'deal']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functools import lru_cache
from pathlib import Path
from typing import Iterable

from analysis.intervals import cannot_estimate
from analysis.config import PACKAGE_DATA
from analysis.measures.vocab import VocabOptions, content_terms

#: House-style markers (honorifics, byline and credit words), shown apart from content words.
HOUSE_STYLE_FILE: Path = PACKAGE_DATA / "house_style.yaml"

#: Columns of :func:`log_odds_dirichlet` after the group column (also those of its empty result).
SCORE_COLUMNS = ["term", "count", "count_rest", "freq", "total", "prior", "delta", "se", "z", "rank"]

#: Unigram content words, no document-frequency filter: distinctive words are often rare.
DEFAULT_OPTIONS = VocabOptions(min_df=1)


def term_counts(
    tokens: pd.DataFrame | Iterable[pd.DataFrame],
    *,
    documents: pd.DataFrame,
    by: str = "outlet",
    options: VocabOptions = DEFAULT_OPTIONS,
) -> pd.DataFrame:
    """Tidy ``<by>, term, count`` of content terms (see :class:`analysis.measures.topics.VocabOptions`).

    ``options.min_df`` here means: a term must occur in at least that many *documents*. ``tokens`` can also
    be an iterable of token tables of disjoint sets of documents (e.g.
    :meth:`analysis.corpus.build.Corpus.token_batches`): each is reduced to its counts per group and term and
    its documents per term, which are summed (the same table, without every term occurrence in memory).

    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": ["a0", "a0", "b0"], "token_i": [0, 1, 0],
    ...     "lemma": ["ban", "ban", "deal"], "pos": "NOUN", "is_stop": False})
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    >>> term_counts(toks, documents=docs).values.tolist()
    [['X', 'ban', 2], ['Y', 'deal', 1]]
    >>> term_counts([toks[:2], toks[2:]], documents=docs).equals(term_counts(toks, documents=docs))
    True
    """
    group = documents.set_index("doc_id")[by]
    df_parts, count_parts, n_docs = [], [], 0
    for chunk in [tokens] if isinstance(tokens, pd.DataFrame) else tokens:
        terms = content_terms(chunk, options=options)
        if options.ngram_range != (1, 1):
            from analysis.measures.vocab import ngrams as _ngrams

            lo, hi = options.ngram_range
            pieces = [terms] if lo <= 1 else []
            pieces += [_ngrams(terms, "sent_id", n) for n in range(max(lo, 2), hi + 1)]
            terms = pd.concat(pieces, ignore_index=True)
        df_parts.append(terms.groupby("term")["doc_id"].nunique())
        n_docs += chunk["doc_id"].nunique()
        count_parts.append(terms.assign(**{by: terms["doc_id"].map(group)}).groupby([by, "term"]).size())
        del terms
    one = len(df_parts) == 1
    df = df_parts[0] if one else pd.concat(df_parts).groupby(level=0).sum()
    lo_df = options.min_df * n_docs if isinstance(options.min_df, float) else options.min_df
    hi_df = options.max_df * n_docs if isinstance(options.max_df, float) else options.max_df
    keep = df[(df >= lo_df) & (df <= hi_df)].index
    counts = count_parts[0] if one else pd.concat(count_parts).groupby(level=[0, 1]).sum()
    counts = counts[counts.index.get_level_values("term").isin(keep)]
    out = counts.rename("count").reset_index()
    return out.sort_values([by, "term"]).reset_index(drop=True)


def comparison_problem(counts: pd.DataFrame, *, by: str = "outlet") -> str:
    """Why distinctive words cannot be estimated from ``counts`` (``""`` when they can): each group is compared
    with the others pooled, so it takes at least two groups with counted words.

    >>> comparison_problem(pd.DataFrame({"outlet": ["A", "A"], "term": ["ban", "deal"], "count": [2, 1]}))
    "distinctive words cannot be estimated: 1 outlet ('A'); each outlet is compared with the others, so at least 2 outlets with words are needed"
    """
    groups = sorted(counts.loc[counts["count"] > 0, by].dropna().unique(), key=str) if len(counts) else []
    if len(groups) >= 2:
        return ""
    named = f" ({', '.join(repr(g) for g in groups)})" if groups else ""
    return (f"distinctive words cannot be estimated: {len(groups)} {by}{'s' * (len(groups) != 1)}{named}; each {by} "
            f"is compared with the others, so at least 2 {by}s with words are needed")


def log_odds_dirichlet(
    counts: pd.DataFrame,
    *,
    by: str = "outlet",
    prior: pd.Series | None = None,
    prior_scale: float = 1.0,
) -> pd.DataFrame:
    """Each group against the rest: Monroe et al.'s weighted log-odds ``delta``, its ``se`` and ``z``.

    ``counts`` is tidy ``<by>, term, count``. ``prior`` is a Series of background counts indexed by term
    (e.g. from a larger reference corpus); default: the corpus' own total counts. It is rescaled to a
    total of ``prior_scale * n`` pseudo-counts (``n`` = all words counted); terms missing from a given
    prior get the smallest prior count. Returns one row per group and term with ``count, count_rest,
    freq`` (per 1,000 group words), ``total`` (corpus count), ``prior`` (the pseudo-count ``a_w`` added to
    both sides; with the default prior it equals ``prior_scale * total``), ``delta, se, z`` and ``rank``
    (1 = most distinctive of the group, by z). Fewer than two groups: an empty table and a
    :class:`analysis.intervals.CannotEstimateWarning` (:func:`comparison_problem`).
    """
    problem = comparison_problem(counts, by=by)
    if problem:
        cannot_estimate(problem)
        return pd.DataFrame(columns=[by, *SCORE_COLUMNS])
    wide = counts.pivot_table(index=by, columns="term", values="count", aggfunc="sum", fill_value=0)
    groups, terms = wide.index.to_numpy(), wide.columns.to_numpy()
    Y = wide.to_numpy(dtype=float)                       # groups x terms
    total = Y.sum(axis=0)
    n = total.sum()
    if prior is None:
        background = total
    else:
        background = prior.reindex(terms).to_numpy(dtype=float)
        floor = np.nanmin(background[background > 0]) if np.any(background > 0) else 1.0
        background = np.where(np.isnan(background) | (background <= 0), floor, background)
    a = background / background.sum() * prior_scale * n  # prior pseudo-counts a_w
    a0 = a.sum()
    n_i = Y.sum(axis=1, keepdims=True)
    Yr = total[None, :] - Y
    n_j = n - n_i
    delta = (np.log((Y + a) / (n_i + a0 - Y - a)) - np.log((Yr + a) / (n_j + a0 - Yr - a)))
    var = 1.0 / (Y + a) + 1.0 / (Yr + a)
    z = delta / np.sqrt(var)
    G, V = Y.shape
    out = pd.DataFrame({
        by: np.repeat(groups, V), "term": np.tile(terms, G),
        "count": Y.ravel().astype(int), "count_rest": Yr.ravel().astype(int),
        "freq": (Y / n_i * 1000).ravel(), "total": np.tile(total, G).astype(int),
        "prior": np.tile(a, G),
        "delta": delta.ravel(), "se": np.sqrt(var).ravel(), "z": z.ravel(),
    })
    out["rank"] = out.groupby(by)["z"].rank(ascending=False, method="first").astype(int)
    return out.sort_values([by, "rank"]).reset_index(drop=True)


def exclusive_word_evidence(
    counts: pd.DataFrame,
    *,
    by: str = "outlet",
    prior_scale: float = 1.0,
    z_line: float = 1.96,
    max_count: int | None = None,
) -> pd.DataFrame:
    """How much evidence a word used *only* by one group needs, under the default (corpus) prior.

    With the corpus as prior, a word used ``c`` times, all by group ``i``, gets ``a_w = prior_scale * c``
    on both sides, so its ``delta`` barely depends on ``c`` (the prior caps it) while its standard error
    falls like ``1/sqrt(c)``. Returns one row per group: ``n_words``, ``delta_exclusive`` (the ``delta`` of
    an exclusive word used once), ``z_once`` and ``min_count`` (the smallest ``c`` whose ``z`` reaches
    ``z_line``; NaN if none up to ``max_count``, by default the group's own word count).

    >>> import pandas as pd
    >>> c = pd.DataFrame({"outlet": ["A", "B"], "term": ["ban", "deal"], "count": [50, 50]})
    >>> int(exclusive_word_evidence(c).set_index("outlet").loc["A", "min_count"]) > 1
    True

    Fewer than two groups: an empty table (there is no "rest" to compare with; :func:`comparison_problem`).
    """
    if comparison_problem(counts, by=by):
        return pd.DataFrame(columns=[by, "n_words", "delta_exclusive", "z_once", "min_count"])
    n_i = counts.groupby(by)["count"].sum()
    n = float(n_i.sum())
    a0 = prior_scale * n
    top = int(n_i.max()) if max_count is None else int(max_count)
    c = np.arange(1, top + 1, dtype=float)[None, :]
    ni, nj = n_i.to_numpy(dtype=float)[:, None], n - n_i.to_numpy(dtype=float)[:, None]
    a = prior_scale * c
    possible = c <= ni                                   # a group cannot use a word more than it has words
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.log((c + a) / (ni + a0 - c - a)) - np.log(a / (nj + a0 - a))
        z = delta / np.sqrt(1.0 / (c + a) + 1.0 / a)
    reached = possible & (z >= z_line)
    first = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, np.nan)
    return pd.DataFrame({by: n_i.index, "n_words": n_i.to_numpy().astype(int), "delta_exclusive": delta[:, 0],
                         "z_once": z[:, 0], "min_count": first}).reset_index(drop=True)


def house_style_terms(path: str | Path | None = None) -> dict[str, str]:
    """``{term: category}`` of house-style markers (default ``analysis/data/house_style.yaml``): words an
    outlet's style guide or page layout puts in (``mr``, ``reporting``, ``getty``), not its content.

    >>> house_style_terms()["mr"]
    'honorifics'
    """
    p = Path(path or HOUSE_STYLE_FILE)
    return dict(_house_style(str(p.resolve()), p.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _house_style(path: str, _mtime: int) -> tuple[tuple[str, str], ...]:
    from analysis.story import read_yaml_mapping

    data = read_yaml_mapping(Path(path))
    out = []
    for category, terms in data.items():
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise ValueError(f"{path}: {category!r} must be a list of words")
        out += [(t.strip().lower().rstrip("."), str(category)) for t in terms]
    return tuple(out)


def house_style_category(terms: pd.Series, *, markers: dict[str, str] | None = None) -> pd.Series:
    """The house-style category of each term (``""`` for a content word); ``"mr."`` matches ``mr``.

    >>> house_style_category(pd.Series(["Mr.", "ban", "reporting"])).tolist()
    ['honorifics', '', 'bylines']
    """
    markers = house_style_terms() if markers is None else markers
    key = terms.astype(str).str.lower().str.rstrip(".")
    return key.map(markers).fillna("").astype(str)


def top_distinctive(scores: pd.DataFrame, *, n: int = 10, by: str = "outlet", min_count: int = 1,
                    house_style: str = "exclude", markers: dict[str, str] | None = None) -> pd.DataFrame:
    """The ``n`` highest-z terms of each group that the group used at least ``min_count`` times.

    ``house_style``: ``"exclude"`` (default: content words only), ``"only"`` (the house-style markers of
    :func:`house_style_terms`: honorifics, bylines, credits, which say how an outlet writes, not what) or
    ``"include"``. The result has a ``house_style`` column (the marker's category, ``""`` for content).

    >>> sc = pd.DataFrame({"outlet": "A", "term": ["mr.", "ban"], "count": [9, 3], "z": [25.0, 2.0]})
    >>> top_distinctive(sc).term.tolist(), top_distinctive(sc, house_style="only").term.tolist()
    (['ban'], ['mr.'])
    """
    if house_style not in ("exclude", "only", "include"):
        raise ValueError(f"house_style must be 'exclude', 'only' or 'include', not {house_style!r}")
    s = scores[scores["count"] >= min_count]
    s = s.assign(house_style=house_style_category(s["term"], markers=markers))
    if house_style == "exclude":
        s = s[s["house_style"] == ""]
    elif house_style == "only":
        s = s[s["house_style"] != ""]
    s = s.sort_values([by, "z"], ascending=[True, False])
    return s.groupby(by, sort=True).head(n).reset_index(drop=True)


def distinctive_contexts(
    scores: pd.DataFrame,
    tokens: pd.DataFrame,
    *,
    documents: pd.DataFrame,
    by: str = "outlet",
    n: int = 25,
    window: int = 50,
) -> pd.DataFrame:
    """KWIC lines for each group's ``n`` most distinctive terms, from that group's own documents.

    Columns as :func:`analysis.kwic.kwic`; ``term`` is the lemma scored in ``scores``.
    """
    from analysis.measures.kwic import find_terms, keyword_in_context

    top = top_distinctive(scores, n=n, by=by)
    terms = pd.DataFrame({"group": "distinctive", "term": top["term"].unique()})
    hits = find_terms(tokens, terms, fields=("lemma",))
    hits = hits.assign(**{by: hits["doc_id"].map(documents.set_index("doc_id")[by])})
    hits = hits.merge(top[[by, "term"]], on=[by, "term"])  # only the group that the term is distinctive of
    lines = keyword_in_context(hits.drop(columns=by), documents, window=window)
    return lines.rename(columns={"outlet": by}) if by != "outlet" and "outlet" in lines else lines
