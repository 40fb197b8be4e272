"""Topic models (NMF and LDA) over sentences or paragraphs, with coherence, stability and outlet shares.

The pipeline is: ``tokens`` table -> :func:`analysis.measures.vocab.content_terms` (lemmatized content
words, configurable with :class:`analysis.measures.vocab.VocabOptions`) -> :func:`document_term_matrix` (sparse units x terms counts) -> :func:`fit_topics`
-> tidy tables (:func:`top_terms`, :func:`representative_units`, :func:`topic_shares`,
:func:`outlet_topic_shares`). :func:`npmi_coherence` and :func:`topic_stability` (summarised over several
``k`` by :func:`model_selection`) make the choice of the number of topics visible.

Everything works on sparse matrices and vectorised pandas, so the same calls run on five articles or on
tens of thousands.

>>> import pandas as pd
>>> toks = pd.DataFrame({"doc_id": ["d"] * 4, "sent_id": ["s1", "s1", "s2", "s2"], "token_i": [0, 1, 2, 3],
...     "lemma": ["lease", "meridian", "lease", "meridian"], "pos": ["NOUN", "PROPN"] * 2, "is_stop": [False] * 4})
>>> dtm = document_term_matrix(toks, options=VocabOptions(min_df=1, extra_stopwords=()))
>>> dtm.X.shape, list(dtm.terms)
((2, 2), ['lease', 'meridian'])
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from analysis.intervals import IntervalPolicy, interval_policy
from analysis.measures.vocab import (  # noqa: F401 - re-exported: topics.VocabOptions etc. keep working
    NEWS_STOPWORDS_FILE, VocabOptions, content_terms, load_stopwords, ngrams,
)

METHODS = ("nmf", "lda")


@dataclass
class DocTermMatrix:
    """Sparse counts: ``X[i, j]`` = times term ``terms[j]`` occurs in unit ``units.unit_id[i]``.

    ``units`` has ``unit_id, doc_id, n_terms`` and, when a sentences table was given, ``outlet`` and
    ``text``. ``unit`` names the unit column (``sent_id``, ``para_id`` or ``doc_id``).
    """

    X: sparse.csr_matrix
    terms: np.ndarray
    units: pd.DataFrame
    unit: str
    options: VocabOptions = field(default_factory=VocabOptions)
    #: units with at least one content term before the ``min_df``/``max_df`` filter (-1: not recorded)
    n_candidate_units: int = -1


def _with_unit(tokens: pd.DataFrame, unit: str, sentences: pd.DataFrame | None) -> pd.DataFrame:
    if unit in tokens.columns:
        return tokens
    if sentences is None or unit not in sentences.columns:
        raise KeyError(f"unit {unit!r} is not a tokens column; pass sentences= with sent_id and {unit!r}")
    return tokens.merge(sentences[["sent_id", unit]], on="sent_id", how="left")


#: Units that lie within one document (what :func:`document_term_matrix` can count a batch of documents at a time).
PER_DOCUMENT_UNITS = ("sent_id", "para_id", "doc_id")


def document_term_matrix(
    tokens: pd.DataFrame | Iterable[pd.DataFrame],
    *,
    unit: str = "sent_id",
    sentences: pd.DataFrame | None = None,
    options: VocabOptions = VocabOptions(),
    strict: bool = True,
) -> DocTermMatrix:
    """Units x terms count matrix built from the ``tokens`` table (sparse; no dense intermediate).

    ``unit`` is a tokens column (``sent_id``, ``doc_id``) or a sentences column (``para_id``; then
    pass ``sentences``). Giving ``sentences`` also attaches ``outlet`` and the unit's ``text``.
    Units left with no term after filtering are dropped. ``min_df``/``max_df`` that contradict each other
    for this number of units raise ``ValueError``; with ``strict=False`` (a corpus too small for the
    options) they keep no term and the matrix is empty (:func:`topic_model_problem` says why).

    ``tokens`` can also be an iterable of token tables of consecutive batches of documents, in corpus order
    (:meth:`analysis.corpus.build.Corpus.token_batches`): each batch's terms are counted per unit and only
    those counts are kept (no token table and no list of every term occurrence is ever whole in memory), the
    vocabulary is decided by document frequency once every batch is counted, and the matrix, vocabulary and
    unit table are those of the whole table in one piece. A unit must then lie within one document
    (:data:`PER_DOCUMENT_UNITS`); other units are counted from the batches put together.

    >>> toks = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": ["a", "a", "b"], "token_i": [0, 1, 2],
    ...     "lemma": ["base", "station", "base"], "pos": ["NOUN"] * 3, "is_stop": [False] * 3})
    >>> m = document_term_matrix(toks, options=VocabOptions(min_df=1, ngram_range=(1, 2), extra_stopwords=()))
    >>> list(m.terms), m.X.toarray().tolist()
    (['base', 'base station', 'station'], [[1, 1, 1], [1, 0, 0]])
    >>> halves = [toks.assign(doc_id=["d", "d", "e"], sent_id=["a", "a", "b"]).iloc[i:j] for i, j in ((0, 2), (2, 3))]
    >>> document_term_matrix(halves, options=VocabOptions(min_df=1, extra_stopwords=())).X.toarray().tolist()
    [[1, 1], [1, 0]]
    """
    if isinstance(tokens, pd.DataFrame):
        chunks: Iterable[pd.DataFrame] = [tokens]
    elif unit in PER_DOCUMENT_UNITS:
        chunks = tokens
    else:   # a unit that may span documents, so batches: counted from the batches put together
        parts = list(tokens)
        chunks = [pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]] if parts else []
    pos = None
    if sentences is not None and unit == "sent_id" and "sent_i" in sentences.columns:
        pos = sentences.reset_index(drop=True).reset_index().set_index("sent_id")["index"]
    counts = _UnitTermCounts(unit, pos)
    for chunk in chunks:
        counts.add(_unit_terms(chunk, unit=unit, sentences=sentences, options=options, offset=counts.n_rows))
    X, vocab, units, n_units = counts.matrix(options, strict=strict)
    if sentences is not None:
        meta = sentences   # not copied: the sort and the groupby below make new tables, the merge takes columns
        if unit != "sent_id" and unit in meta.columns:
            meta = (meta.sort_values(["doc_id", "start_char"]) if "start_char" in meta.columns else meta)
            meta = meta.groupby(unit, sort=False).agg(outlet=("outlet", "first"), text=("text", " ".join)).reset_index()
        cols = [c for c in ("outlet", "text") if c in meta.columns]
        units = units.merge(meta[[unit, *cols]].rename(columns={unit: "unit_id"}), on="unit_id", how="left")
    return DocTermMatrix(X=X, terms=vocab, units=units, unit=unit, options=options, n_candidate_units=int(n_units))


def _unit_terms(tokens: pd.DataFrame, *, unit: str, sentences: pd.DataFrame | None, options: VocabOptions,
                offset: int) -> tuple[pd.DataFrame, int]:
    """The term occurrences of one token table, ``(doc_id, <unit>, term, gram, at)``, in the order of the
    one-piece table of every unigram then every n-gram: ``gram`` the n-gram's length; ``at`` the token's row
    in the whole token table (``offset`` + its row here) for unigrams, the first word's ``token_i`` for n-grams
    (whose table is ordered by ``doc_id, token_i``). Also the number of token rows (the next ``offset``)."""
    toks = _with_unit(tokens, unit, sentences).reset_index(drop=True)
    terms = content_terms(toks, options=options)
    lo, hi = options.ngram_range
    pieces = []
    if lo <= 1:
        pieces.append(pd.DataFrame({"doc_id": terms["doc_id"], unit: terms[unit], "term": terms["term"],
                                    "gram": np.int8(1), "at": terms.index.to_numpy(np.int64) + offset}))
    for n in range(max(lo, 2), hi + 1):
        g = ngrams(terms, unit, n)
        pieces.append(pd.DataFrame({"doc_id": g["doc_id"], unit: g[unit], "term": g["term"], "gram": np.int8(n),
                                    "at": g["token_i"].to_numpy(np.int64)}))
    long = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0].reset_index(drop=True)
    return long.dropna(subset=[unit]).reset_index(drop=True), len(toks)


class _UnitTermCounts:
    """Counts per (unit, term) of batches of term occurrences (:func:`_unit_terms`), kept as integer codes, and
    for the units whose row order is not given by the sentences table (``pos``) the first occurrence of each
    pair, which decides the unit order of the one-piece matrix (first appearance among the kept terms)."""

    def __init__(self, unit: str, pos: pd.Series | None):
        self.unit, self.pos, self.n_rows = unit, pos, 0
        self.unit_ids: dict = {}
        self.term_ids: dict = {}
        self.doc_ids: dict = {}
        self.unit_values: list = []      # unique unit values of each batch (their dtype kept)
        self.doc_values: list = []
        self.unit_doc: list[np.ndarray] = []
        self.unit_keyed: list[np.ndarray] = []
        self.pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.keyed: list[tuple[np.ndarray, ...]] = []

    @staticmethod
    def _global(ids: dict, uniques) -> tuple[np.ndarray, np.ndarray]:
        """Global codes of a batch's unique values, and which of them are new."""
        before = len(ids)
        codes = np.fromiter((ids.setdefault(v, len(ids)) for v in uniques), dtype=np.int64, count=len(uniques))
        return codes, codes >= before

    def add(self, batch: tuple[pd.DataFrame, int]) -> None:
        long, n_rows = batch
        self.n_rows += n_rows
        if long.empty:
            return
        u_codes, u_uniq = pd.factorize(long[self.unit])
        t_codes, t_uniq = pd.factorize(long["term"])
        d_codes, d_uniq = pd.factorize(long["doc_id"], sort=True)   # sorted: doc_id order within the batch
        u_gid, u_new = self._global(self.unit_ids, u_uniq)
        if not u_new.all():
            raise ValueError(f"unit {self.unit!r} values occur in two batches of documents: count them from the whole "
                             "token table (or use a unit within one document)")
        t_gid, _ = self._global(self.term_ids, t_uniq)
        d_gid, d_new = self._global(self.doc_ids, d_uniq)
        self.unit_values.append(pd.Series(u_uniq))
        self.doc_values.append(pd.Series(d_uniq[d_new]))
        # each unit's first document, and whether the unit needs its first occurrences: not placed by the
        # sentences table (no table, or not in it), or in several documents
        first_row = np.full(len(u_uniq), len(long), dtype=np.int64)
        np.minimum.at(first_row, u_codes, np.arange(len(long)))
        u_doc = d_codes[first_row]
        multi = np.zeros(len(u_uniq), dtype=bool)
        multi[u_codes[d_codes != u_doc[u_codes]]] = True
        keyed = multi if self.pos is not None else np.ones(len(u_uniq), dtype=bool)
        if self.pos is not None:
            keyed |= pd.Index(self.pos.index).get_indexer(pd.Index(u_uniq)) < 0
        self.unit_doc.append(d_gid[u_doc].astype(np.int32))
        self.unit_keyed.append(keyed)
        # one entry per (unit, term): its count and its first occurrence (gram, doc_id order, row)
        gram = long["gram"].to_numpy()
        at = long["at"].to_numpy()
        dsort = np.where(gram > 1, d_codes, 0)       # n-grams are ordered by doc_id, unigrams by row
        pair = u_codes.astype(np.int64) * len(t_uniq) + t_codes
        order = np.lexsort((at, dsort, gram, pair))
        ps = pair[order]
        first = np.ones(len(ps), dtype=bool)
        first[1:] = ps[1:] != ps[:-1]
        starts = np.flatnonzero(first)
        count = np.diff(np.append(starts, len(ps))).astype(np.int32)
        rows = order[starts]
        pu, pt = u_codes[rows], t_codes[rows]
        self.pairs.append((u_gid[pu].astype(np.int32), t_gid[pt].astype(np.int32), count))
        k = keyed[pu]
        if k.any():
            r = rows[k]
            self.keyed.append((u_gid[pu[k]].astype(np.int32), t_gid[pt[k]].astype(np.int32), gram[r].astype(np.int8),
                               d_gid[d_codes[r]].astype(np.int32), at[r]))

    def matrix(self, options: VocabOptions, *, strict: bool):
        """``(X, vocabulary, units, n_units)`` as the one-piece :func:`document_term_matrix` gives them."""
        cat = lambda arrays, dtype: np.concatenate(arrays) if arrays else np.zeros(0, dtype)  # noqa: E731
        pu, pt = cat([p[0] for p in self.pairs], np.int32), cat([p[1] for p in self.pairs], np.int32)
        count = cat([p[2] for p in self.pairs], np.int32).astype(np.int64)
        n_units, n_terms = len(self.unit_ids), len(self.term_ids)
        df = np.bincount(pt, minlength=n_terms)
        try:
            min_df, max_df = options.df_bounds(n_units)
        except ValueError:
            if strict:
                raise
            min_df, max_df = np.inf, -np.inf   # no term can be kept
        keep = (df >= min_df) & (df <= max_df)
        term_values = np.array(list(self.term_ids), dtype=object)
        vocab = np.array(sorted(map(str, term_values[keep])), dtype=object)
        col_of = np.full(n_terms, -1, dtype=np.int64)
        col_of[keep] = pd.Index(vocab).get_indexer(term_values[keep].astype(str))
        kept = keep[pt]
        units_kept = np.zeros(n_units, dtype=bool)
        units_kept[pu[kept]] = True
        unit_values = (pd.concat(self.unit_values, ignore_index=True) if self.unit_values
                       else pd.Series([], dtype=object))
        doc_values = pd.concat(self.doc_values, ignore_index=True) if self.doc_values else pd.Series([], dtype=object)
        unit_doc = cat(self.unit_doc, np.int32).astype(np.int64)
        keyed_unit = cat(self.unit_keyed, bool)
        # first kept occurrence of each keyed unit: (gram, doc_id order for n-grams, row or token_i)
        rank = np.empty(len(doc_values), dtype=np.int64)
        rank[np.argsort(doc_values.astype(str).to_numpy(dtype=object), kind="stable")] = np.arange(len(doc_values))
        ku, kt, kg, kd, ka = (cat([k[i] for k in self.keyed], dt) for i, dt in
                              enumerate((np.int32, np.int32, np.int8, np.int32, np.int64)))
        sel = keep[kt] if len(kt) else np.zeros(0, dtype=bool)
        ku, kg, kd, ka = ku[sel], kg[sel], kd[sel], ka[sel]
        order = np.lexsort((ka, np.where(kg > 1, rank[kd], 0), kg, ku))
        firsts = order[np.append(True, ku[order][1:] != ku[order][:-1])] if len(order) else order
        first_gram = np.full(n_units, np.iinfo(np.int64).max, dtype=np.int64)
        first_doc = np.zeros(n_units, dtype=np.int64)
        first_at = np.zeros(n_units, dtype=np.int64)
        first_gram[ku[firsts]] = kg[firsts]
        first_doc[ku[firsts]] = np.where(kg[firsts] > 1, rank[kd[firsts]], 0)
        first_at[ku[firsts]] = ka[firsts]
        unit_doc[ku[firsts]] = kd[firsts]     # a unit in several documents: the document of its first kept term
        rows = np.flatnonzero(units_kept)
        if self.pos is not None:   # units in the sentences table in its order, then the others as they first appear
            p = unit_values.iloc[rows].map(self.pos).to_numpy(dtype=float)
            missing = np.isnan(p)
            placed = rows[~missing][np.argsort(p[~missing], kind="stable")]
            rest = rows[missing]
            rest = rest[np.lexsort((first_at[rest], first_doc[rest], first_gram[rest]))]
            rows = np.concatenate([placed, rest])
        else:
            rows = rows[np.lexsort((first_at[rows], first_doc[rows], first_gram[rows]))]
        row_of = np.full(n_units, -1, dtype=np.int64)
        row_of[rows] = np.arange(len(rows))
        X = sparse.csr_matrix((count[kept], (row_of[pu[kept]], col_of[pt[kept]])), shape=(len(rows), len(vocab)))
        X.sum_duplicates()
        units = pd.DataFrame({"doc_id": doc_values.iloc[unit_doc[rows]].reset_index(drop=True),
                              "unit_id": unit_values.iloc[rows].reset_index(drop=True)})
        units["n_terms"] = np.asarray(X.sum(axis=1)).ravel()
        return X, vocab, units, n_units


#: What a unit column is called in messages.
_UNIT_WORDS = {"sent_id": "sentence", "para_id": "paragraph", "doc_id": "document"}


def topic_model_problem(dtm: DocTermMatrix, *, k: int, n_documents: int | None = None) -> str:
    """Why a topic model with ``k`` topics cannot be estimated from ``dtm`` (``""`` when it can).

    Checked in order: fewer documents than topics (only when ``n_documents`` is given), a ``min_df``/``max_df`` pair that keeps no term for this few units (the matrix was built with
    ``strict=False``), and fewer than ``max(2, k)`` units or ``k`` terms (:class:`TooFewUnitsError`).

    >>> toks = pd.DataFrame({"doc_id": "d", "sent_id": ["a", "a", "b"], "token_i": [0, 1, 2],
    ...     "lemma": ["ban", "spy", "deal"], "pos": "NOUN", "is_stop": False})
    >>> m = document_term_matrix(toks, options=VocabOptions(min_df=1, extra_stopwords=()))
    >>> topic_model_problem(m, k=2, n_documents=1)
    'topic model cannot be estimated: 1 document; needs at least 2 (no fewer documents than topics, k=2)'
    >>> topic_model_problem(m, k=2), topic_model_problem(m, k=3)
    ('', 'topic model cannot be estimated: 2 sentences and 3 terms left after the document-frequency filter (min_df=1, max_df=1.0); k=3 topics need at least 3 sentences and 3 terms')
    """
    what = _UNIT_WORDS.get(dtm.unit, "unit")
    n_docs = int(n_documents) if n_documents is not None else None
    if n_docs is not None and n_docs < k:
        return (f"topic model cannot be estimated: {n_docs} document{'s' * (n_docs != 1)}; needs at least {k} "
                f"(no fewer documents than topics, k={k})")
    n_units, n_terms = dtm.X.shape
    opts, n_cand = dtm.options, dtm.n_candidate_units
    if n_terms == 0 and n_cand > 0:
        lo, hi = (v * n_cand if isinstance(v, float) else float(v) for v in (opts.min_df, opts.max_df))
        if hi < lo:
            need = int(np.ceil(opts.min_df / opts.max_df)) if isinstance(opts.max_df, float) and opts.max_df > 0 else None
            return (f"topic model cannot be estimated: {n_cand} {what}{'s' * (n_cand != 1)} with content words; a "
                    f"term must occur in at least min_df={opts.min_df!r} and at most max_df={opts.max_df!r} "
                    f"({hi:g}) of them, so none can be kept"
                    + (f" (needs at least {need} {what}s)" if need else ""))
    if n_units < max(2, k) or n_terms < k:
        of = f" of {n_cand} with content words" if n_cand > n_units else ""
        return (f"topic model cannot be estimated: {n_units} {what}{'s' * (n_units != 1)}{of} and {n_terms} "
                f"term{'s' * (n_terms != 1)} left after the document-frequency filter (min_df={opts.min_df!r}, "
                f"max_df={opts.max_df!r}); k={k} topics need at least {max(2, k)} {what}s and {k} terms")
    return ""


class TooFewUnitsError(ValueError):
    """The matrix has too few units or terms for a topic model with ``k`` topics (``n_units``, ``n_terms``, ``k``)."""

    def __init__(self, *, n_units: int, n_terms: int, k: int):
        self.n_units, self.n_terms, self.k = n_units, n_terms, k
        super().__init__(f"a topic model with k={k} cannot be estimated from {n_units} unit(s) and {n_terms} term(s): "
                         f"it needs at least max(2, k) units and k terms (lower min_df, use smaller units, or "
                         "add documents)")


@dataclass
class TopicModel:
    """A fitted model in tidy-friendly arrays.

    ``doc_topic`` (units x k) rows sum to 1 (NaN for a unit the model gives no weight);
    ``topic_term`` (k x terms) rows sum to 1. ``estimator`` is the scikit-learn object.
    """

    method: str
    k: int
    seed: int
    doc_topic: np.ndarray
    topic_term: np.ndarray
    terms: np.ndarray
    units: pd.DataFrame
    estimator: object

    def labels(self, *, n: int = 3) -> list[str]:
        """Short names like ``"T1 lease · harbour · union"`` from the top ``n`` terms."""
        idx = np.argsort(-self.topic_term, axis=1, kind="stable")[:, :n]
        return [f"T{t + 1} " + " · ".join(self.terms[idx[t]]) for t in range(self.k)]


def _row_normalize(a: np.ndarray) -> np.ndarray:
    s = a.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = a / s
    out[(s == 0).ravel()] = np.nan
    return out


def fit_topics(
    dtm: DocTermMatrix,
    *,
    k: int,
    method: str = "nmf",
    seed: int = 42,
    nmf_tfidf: bool = True,
    max_iter: int | None = None,
) -> TopicModel:
    """Fit NMF or LDA with ``k`` topics.

    NMF factorises a tf-idf weighted matrix (``nmf_tfidf=False``: raw counts) from a *random* start, so
    different seeds give different solutions (that is what :func:`topic_stability` measures). LDA
    (batch variational Bayes) models raw counts as mixtures of topic word distributions.
    ``max_iter`` defaults to 1000 (NMF, stops earlier at convergence) and 20 (LDA: passes over the
    data; on ~3,000 sentences one LDA fit takes a few seconds, NMF well under one). Fewer than max(2, k)
    units or fewer than k terms raise :class:`TooFewUnitsError`, which names the numbers.

    >>> toks = pd.DataFrame({"doc_id": ["d"] * 4, "sent_id": ["a", "a", "b", "b"], "token_i": range(4),
    ...     "lemma": ["ban", "spy", "deal", "contract"], "pos": ["NOUN"] * 4, "is_stop": [False] * 4})
    >>> m = fit_topics(document_term_matrix(toks, options=VocabOptions(min_df=1, extra_stopwords=())), k=2)
    >>> m.doc_topic.shape, m.topic_term.shape
    ((2, 2), (2, 4))
    """
    if int(k) < 1:
        raise ValueError(f"k must be at least 1, not {k!r}")
    n_units, n_terms = dtm.X.shape
    if n_units < max(2, k) or n_terms < k:
        raise TooFewUnitsError(n_units=n_units, n_terms=n_terms, k=k)
    X = dtm.X.astype(float)
    if method == "nmf":
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer

        if nmf_tfidf:
            X = TfidfTransformer(sublinear_tf=True).fit_transform(X)
        est = NMF(n_components=k, init="random", random_state=seed, max_iter=max_iter or 1000, tol=1e-4)
        W = est.fit_transform(X)
        H = est.components_
    elif method == "lda":
        from sklearn.decomposition import LatentDirichletAllocation

        est = LatentDirichletAllocation(n_components=k, random_state=seed, learning_method="batch",
                                        max_iter=max_iter or 20)
        W = est.fit_transform(X)
        H = est.components_
    else:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    return TopicModel(method=method, k=k, seed=seed, doc_topic=_row_normalize(W), topic_term=_row_normalize(H),
                      terms=dtm.terms, units=dtm.units.copy(), estimator=est)


def top_terms(model: TopicModel, *, n: int = 10) -> pd.DataFrame:
    """Tidy ``topic, label, rank, term, weight`` for the ``n`` heaviest terms of each topic.

    ``topic`` counts from 1; ``weight`` is the term's share of the topic's word distribution.
    """
    idx = np.argsort(-model.topic_term, axis=1, kind="stable")[:, :n]
    labels = model.labels()
    rows = [{"topic": t + 1, "label": labels[t], "rank": r + 1, "term": model.terms[j],
             "weight": float(model.topic_term[t, j])}
            for t in range(model.k) for r, j in enumerate(idx[t])]
    return pd.DataFrame(rows, columns=["topic", "label", "rank", "term", "weight"])


def _top_sets(model: TopicModel, n: int) -> list[list[str]]:
    idx = np.argsort(-model.topic_term, axis=1, kind="stable")[:, :n]
    return [list(model.terms[row]) for row in idx]


def npmi_coherence(topics: Sequence[Sequence[str]], dtm: DocTermMatrix, *, eps: float = 1e-12) -> np.ndarray:
    """Mean normalized PMI of every pair of words in each topic, co-occurrence counted per unit.

    ``NPMI(a, b) = log(p(a,b) / (p(a) p(b))) / -log p(a,b)``: +1 = the words always appear together,
    0 = independent, -1 = never together (the value used when ``p(a,b) = 0``). Probabilities are the
    share of ``dtm`` units containing the word(s) (Bouma 2009; Lau, Newman & Baldwin 2014).
    Words missing from ``dtm`` are ignored; a topic with fewer than two known words gets NaN.

    >>> toks = pd.DataFrame({"doc_id": "d", "sent_id": ["a", "a", "b"], "token_i": [0, 1, 2],
    ...     "lemma": ["ban", "spy", "deal"], "pos": "NOUN", "is_stop": False})
    >>> m = document_term_matrix(toks, options=VocabOptions(min_df=1, extra_stopwords=()))
    >>> npmi_coherence([["ban", "spy"], ["ban", "deal"]], m).round(3).tolist()
    [1.0, -1.0]
    """
    B = (dtm.X > 0).astype(np.float64).tocsc()
    n = B.shape[0]
    pos = {t: i for i, t in enumerate(dtm.terms)}
    out = []
    for words in topics:
        idx = [pos[w] for w in dict.fromkeys(words) if w in pos]
        if len(idx) < 2:
            out.append(np.nan)
            continue
        sub = B[:, idx]
        co = (sub.T @ sub).toarray() / n
        p = np.diag(co)
        vals = []
        for a, b in itertools.combinations(range(len(idx)), 2):
            pab = co[a, b]
            if pab <= 0:
                vals.append(-1.0)
            elif pab >= 1 - eps:  # both words in every unit: perfectly associated
                vals.append(1.0)
            else:
                vals.append(float(np.log(pab / (p[a] * p[b])) / -np.log(pab)))
        out.append(float(np.mean(vals)))
    return np.array(out)


def matched_jaccard(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Pair topics of two runs one-to-one so the summed Jaccard overlap of their top words is largest.

    Returns ``(col_index, jaccard)``: topic ``i`` of ``a`` is matched to ``b[col_index[i]]``.

    >>> matched_jaccard([["x", "y"], ["p", "q"]], [["p", "q"], ["x", "z"]])
    (array([1, 0]), array([0.33333333, 1.        ]))
    """
    sa, sb = [set(t) for t in a], [set(t) for t in b]
    J = np.array([[len(x & y) / len(x | y) if x | y else 1.0 for y in sb] for x in sa])
    r, c = linear_sum_assignment(-J)
    order = np.argsort(r)
    return c[order], J[r[order], c[order]]


def topic_stability(
    dtm: DocTermMatrix, *, k: int, method: str = "nmf", seeds: Sequence[int] = (0, 1, 2, 3, 4), n_top: int = 10,
) -> pd.DataFrame:
    """How much the top-``n_top`` words agree between runs with different seeds.

    For each pair of seeds the topics are matched one-to-one (:func:`matched_jaccard`) and the mean
    Jaccard overlap of matched top-word sets is reported: 1 = the same topics every time, near 0 =
    the topics are artefacts of the random start. Returns ``seed_a, seed_b, stability``.
    """
    runs = {s: _top_sets(fit_topics(dtm, k=k, method=method, seed=s), n_top) for s in seeds}
    rows = [{"seed_a": a, "seed_b": b, "stability": float(matched_jaccard(runs[a], runs[b])[1].mean())}
            for a, b in itertools.combinations(seeds, 2)]
    return pd.DataFrame(rows, columns=["seed_a", "seed_b", "stability"])


#: Estimated seconds of a grid (:func:`grid_seconds`) above which :func:`model_selection` fits it in worker
#: processes by default; below it the workers would save less than they cost (the seeds' grid stays in one process).
PARALLEL_MIN_SECONDS = 5.0
_GRID: dict = {}


def grid_seconds(dtm: DocTermMatrix, grid: Sequence[tuple]) -> float:
    """A rough serial time for fitting ``grid`` ((method, k, ...) tuples) on ``dtm``, to decide on workers.

    LDA's batch variational Bayes visits every unit in Python-level loops for 20 passes: about 0.3 ms per unit
    and fit on this project's 2-core machine. NMF (coordinate descent on sparse tf-idf) costs about 0.5 us per
    non-zero count and topic. Measured 2026-12-07 on the realistic corpus (12,371 sentences, 108,627 non-zeros).

    >>> m = DocTermMatrix(X=sparse.csr_matrix(np.ones((1000, 50))), terms=np.arange(50), units=pd.DataFrame(), unit="u")
    >>> round(grid_seconds(m, [("lda", 5), ("nmf", 5)]), 3)
    0.425
    """
    n_units, nnz = dtm.X.shape[0], int(dtm.X.nnz)
    return float(sum(3e-4 * n_units if t[0] == "lda" else 5e-7 * nnz * int(t[1]) for t in grid))


def _init_grid_worker(X, terms) -> None:
    """Worker start: keep the matrix for every fit, one BLAS thread per worker (the workers fill the cores)."""
    _GRID.update(X=X, terms=terms)
    try:
        from threadpoolctl import threadpool_limits

        _GRID["limits"] = threadpool_limits(1)
    except ImportError:   # threadpoolctl comes with scikit-learn; without it the BLAS default stays
        pass


def _fit_top_sets(task: tuple[str, int, int, int]) -> list[list[str]]:
    """Top-``n_top`` word sets of one (method, k, seed) fit on the worker's matrix."""
    method, k, seed, n_top = task
    dtm = DocTermMatrix(X=_GRID["X"], terms=_GRID["terms"], units=pd.DataFrame(index=range(_GRID["X"].shape[0])),
                        unit="unit")
    return _top_sets(fit_topics(dtm, k=k, method=method, seed=seed), n_top)


def _grid_workers(n_jobs: int | None, n_fits: int, seconds: float) -> int:
    """Worker processes for a grid of ``n_fits`` fits estimated at ``seconds`` in one process: ``n_jobs``, or
    every core when the grid is worth it (:data:`PARALLEL_MIN_SECONDS`), never more than the fits.

    >>> _grid_workers(None, 35, 0.5), _grid_workers(1, 35, 500.0), _grid_workers(8, 3, 500.0)
    (1, 1, 3)
    """
    import os

    if n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if seconds >= PARALLEL_MIN_SECONDS else 1
    elif n_jobs < 1:
        raise ValueError(f"n_jobs must be at least 1 or None, not {n_jobs!r}")
    return max(1, min(int(n_jobs), n_fits))


def _grid_context():
    """The start method for the grid's workers: ``ANALYSIS_START_METHOD`` if set, else fork where available
    (the workers inherit the matrix and need no imports), else spawn."""
    import multiprocessing

    from analysis.config import get_settings

    wanted = get_settings().start_method
    available = multiprocessing.get_all_start_methods()
    if wanted == "auto":
        wanted = "fork" if "fork" in available else "spawn"
    if wanted not in available:
        raise ValueError(f"ANALYSIS_START_METHOD={wanted!r} is not available here (available: {available})")
    return multiprocessing.get_context(wanted)


def model_selection(
    dtm: DocTermMatrix,
    *,
    ks: Iterable[int] = range(2, 9),
    methods: Sequence[str] = METHODS,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    n_top: int = 10,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Coherence and stability for every (method, k, seed): the evidence for choosing ``k``.

    One row per fitted run: ``method, k, seed, npmi`` (mean NPMI of the run's topics, see
    :func:`npmi_coherence`) and ``stability`` (mean matched Jaccard of this run's top words with every
    other seed's run). Fits ``len(ks) * len(methods) * len(seeds)`` models: keep it small on big data.
    The fits are independent and seeded, so they run in ``n_jobs`` worker processes (``None``: every core
    when the grid would take :data:`PARALLEL_MIN_SECONDS` or more in one process, see :func:`grid_seconds`;
    1: in this process) with the same table as a serial run.

    >>> toks = pd.DataFrame({"doc_id": "d", "sent_id": [f"s{i // 2}" for i in range(12)], "token_i": range(12),
    ...     "lemma": ["ban", "spy", "deal", "port", "ban", "spy", "deal", "port", "ban", "spy", "deal", "port"],
    ...     "pos": "NOUN", "is_stop": False})
    >>> m = document_term_matrix(toks, options=VocabOptions(min_df=1, max_df=1.0, extra_stopwords=()))
    >>> sel = model_selection(m, ks=[2], methods=["nmf"], seeds=[0, 1], n_top=2)
    >>> sel[["method", "k", "seed"]].values.tolist()
    [['nmf', 2, 0], ['nmf', 2, 1]]
    """
    ks, methods, seeds = [int(k) for k in ks], list(methods), [int(s) for s in seeds]
    grid = [(method, k, s, n_top) for method in methods for k in ks for s in seeds]
    import multiprocessing

    workers = _grid_workers(n_jobs, len(grid), grid_seconds(dtm, grid))
    if multiprocessing.current_process().daemon:   # a daemonic worker may not start processes of its own
        workers = 1
    fitted: dict = {}
    if workers > 1:
        import warnings
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # the slowest fits first (LDA, then large k), so that the workers finish together
        order = sorted(grid, key=lambda t: (t[0] != "lda", -t[1]))
        try:
            with ProcessPoolExecutor(workers, mp_context=_grid_context(), initializer=_init_grid_worker,
                                     initargs=(dtm.X, dtm.terms)) as pool:
                fitted = dict(zip(order, pool.map(_fit_top_sets, order)))
        except BrokenProcessPool as exc:   # a worker died (e.g. out of memory): the same fits in this process
            warnings.warn(f"topic-model selection: a worker process died ({exc}); fitting the grid in this "
                          "process instead", RuntimeWarning, stacklevel=2)
            fitted = {}
    for t in grid:
        if t not in fitted:
            fitted[t] = _top_sets(fit_topics(dtm, k=t[1], method=t[0], seed=t[2]), n_top)
    rows = []
    for method in methods:
        for k in ks:
            tops = {s: fitted[(method, k, s, n_top)] for s in seeds}
            for s in seeds:
                others = [matched_jaccard(tops[s], tops[o])[1].mean() for o in seeds if o != s]
                rows.append({"method": method, "k": int(k), "seed": int(s),
                             "npmi": float(np.nanmean(npmi_coherence(tops[s], dtm))),
                             "stability": float(np.mean(others)) if others else np.nan})
    return pd.DataFrame(rows, columns=["method", "k", "seed", "npmi", "stability"])


def choose_k(selection: pd.DataFrame, *, method: str = "nmf", min_stability: float = 0.8) -> int:
    """A transparent rule for ``k``: the most coherent ``k`` (mean NPMI over seeds) among those whose
    mean stability is at least ``min_stability``; if none is that stable, the most stable ``k``.

    >>> sel = pd.DataFrame({"method": "nmf", "k": [2, 3, 4], "seed": 0, "npmi": [0.1, 0.3, 0.4],
    ...                     "stability": [1.0, 0.9, 0.5]})
    >>> choose_k(sel)
    3
    """
    s = selection[selection["method"] == method].groupby("k")[["npmi", "stability"]].mean()
    if s.empty:
        raise ValueError(f"no rows for method {method!r}")
    ok = s[s["stability"] >= min_stability]
    return int(ok["npmi"].idxmax()) if len(ok) else int(s["stability"].idxmax())


def coherence_problem(selection: pd.DataFrame, *, method: str = "nmf") -> str:
    """``""`` when some candidate ``k`` has positive mean NPMI coherence; else the sentence to print instead
    of naming themes: a model whose every candidate is incoherent found no coherent themes, whatever ``k``
    :func:`choose_k` returns.

    >>> sel = pd.DataFrame({"method": "nmf", "k": [2, 3], "seed": 0, "npmi": [-0.05, -0.02], "stability": 1.0})
    >>> coherence_problem(sel)
    'the topic model found no coherent themes: every candidate k (2-3) has negative or zero mean NPMI coherence (best -0.020 at k=3); its topics are word lists, not themes'
    >>> coherence_problem(sel.assign(npmi=[0.1, -0.02]))
    ''
    """
    s = selection[selection["method"] == method].groupby("k")["npmi"].mean().dropna()
    if s.empty or (s > 0).any():
        return ""
    return (f"the topic model found no coherent themes: every candidate k ({int(s.index.min())}-{int(s.index.max())}) "
            f"has negative or zero mean NPMI coherence (best {s.max():.3f} at k={int(s.idxmax())}); its topics are "
            "word lists, not themes")


def topic_shares(model: TopicModel) -> pd.DataFrame:
    """Long table ``unit_id, doc_id, [outlet], topic, label, share``: each unit's topic mixture."""
    labels = model.labels()
    meta_cols = [c for c in ("unit_id", "doc_id", "outlet") if c in model.units.columns]
    base = model.units[meta_cols].reset_index(drop=True)
    long = base.loc[base.index.repeat(model.k)].reset_index(drop=True)
    long["topic"] = np.tile(np.arange(1, model.k + 1), len(base))
    long["label"] = np.array(labels)[long["topic"].to_numpy() - 1]
    long["share"] = model.doc_topic.reshape(-1)
    return long


def outlet_topic_shares(
    model: TopicModel,
    *,
    by: str = "outlet",
    policy: IntervalPolicy | None = None,
    cluster: str | None = "auto",
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 42,
) -> pd.DataFrame:
    """Mean topic share of the units of each outlet, with a bootstrap interval (``stats.bootstrap_ci``).

    ``policy`` (:func:`analysis.intervals.interval_policy`, by default built from the model's units)
    decides per outlet whether to resample whole articles (honest when sentences of one article are not
    independent) or units (narrower; describes only these articles). ``cluster="doc_id"`` or ``None``
    forces articles or units for every outlet. Columns: ``outlet, topic, label, estimate, ci_low,
    ci_high, n_units, n_clusters`` (articles), ``small_n`` (too few articles), ``interval``
    (``"articles"``, ``"sentences"`` or ``"none"``: nothing to resample).
    """
    long = topic_shares(model)
    if model.k == 0:   # no topic model (a corpus too small for one): no shares to compare
        return pd.DataFrame(columns=[by, "topic", "label", "estimate", "ci_low", "ci_high", "n_units", "n_clusters",
                                     "small_n", "interval"])
    if by not in long.columns:
        raise KeyError(f"{by!r} not in the units table; build the matrix with sentences= to get outlets")
    if cluster != "auto":
        if policy is not None:
            raise ValueError("pass either policy= or cluster=, not both")
        if cluster not in ("doc_id", None):
            raise ValueError(f"cluster must be 'auto', 'doc_id' or None, not {cluster!r}")
        policy = interval_policy(long, by=by, resample="articles" if cluster else "units")
    elif policy is None:
        policy = interval_policy(long, by=by)
    unit = "articles" if long["unit_id"].astype(str).eq(long["doc_id"].astype(str)).all() else "sentences"
    ci = policy.intervals(long, value="share", by=[by, "topic"], unit=unit, n_boot=n_boot, level=level, seed=seed)
    ci.insert(2, "label", np.array(model.labels())[ci["topic"].to_numpy(dtype=int) - 1])
    return ci


def representative_units(model: TopicModel, *, n: int = 3, min_terms: int = 3) -> pd.DataFrame:
    """The ``n`` units with the highest share of each topic (ties: more terms first).

    Units with fewer than ``min_terms`` terms are skipped (a one-word heading is 100% anything).
    Returns ``topic, label, rank, unit_id, doc_id, [outlet], share, n_terms, [text]``.
    """
    labels = model.labels()
    u = model.units.reset_index(drop=True)
    eligible = (u["n_terms"] >= min_terms).to_numpy()
    rows = []
    for t in range(model.k):
        share = np.where(eligible, np.nan_to_num(model.doc_topic[:, t], nan=-1.0), -1.0)
        order = np.lexsort((-u["n_terms"].to_numpy(), -share))[:n]
        for r, i in enumerate(order):
            if share[i] < 0:
                continue
            rows.append({"topic": t + 1, "label": labels[t], "rank": r + 1, **u.iloc[i].to_dict(),
                         "share": float(model.doc_topic[i, t])})
    cols = ["topic", "label", "rank", *u.columns, "share"]
    return pd.DataFrame(rows, columns=cols)


def compare_models(a: TopicModel, b: TopicModel, *, n_top: int = 10) -> pd.DataFrame:
    """Match the topics of two models (e.g. NMF vs LDA on the same matrix) and say how alike they are.

    Topics are paired one-to-one by cosine similarity of their word distributions (needs the same
    vocabulary). Returns ``topic_a, topic_b, cosine, jaccard_top, label_a, label_b``.
    """
    cols = ["topic_a", "topic_b", "cosine", "jaccard_top", "label_a", "label_b"]
    if a.k == 0 or b.k == 0:   # no topic model (a corpus too small for one): nothing to match
        return pd.DataFrame(columns=cols)
    if list(a.terms) != list(b.terms):
        raise ValueError("models must share one vocabulary (fit both on the same DocTermMatrix)")
    A = a.topic_term / np.linalg.norm(a.topic_term, axis=1, keepdims=True)
    B = b.topic_term / np.linalg.norm(b.topic_term, axis=1, keepdims=True)
    C = A @ B.T
    r, c = linear_sum_assignment(-C)
    ta, tb = _top_sets(a, n_top), _top_sets(b, n_top)
    la, lb = a.labels(), b.labels()
    rows = [{"topic_a": i + 1, "topic_b": j + 1, "cosine": float(C[i, j]),
             "jaccard_top": len(set(ta[i]) & set(tb[j])) / len(set(ta[i]) | set(tb[j])),
             "label_a": la[i], "label_b": lb[j]} for i, j in zip(r, c)]
    return pd.DataFrame(rows, columns=["topic_a", "topic_b", "cosine", "jaccard_top", "label_a", "label_b"])


def dominant_topic_agreement(a: TopicModel, b: TopicModel) -> float:
    """Adjusted Rand index between the units' dominant topics in two models (1 = same partition); NaN when
    either has no topics (a corpus too small for a topic model)."""
    from sklearn.metrics import adjusted_rand_score

    if a.k == 0 or b.k == 0 or len(a.doc_topic) != len(b.doc_topic):
        return float("nan")   # no model, or models of different units: no agreement to measure
    ok = ~(np.isnan(a.doc_topic).any(axis=1) | np.isnan(b.doc_topic).any(axis=1))
    if not ok.any():
        return float("nan")
    return float(adjusted_rand_score(a.doc_topic[ok].argmax(axis=1), b.doc_topic[ok].argmax(axis=1)))
