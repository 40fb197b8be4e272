"""The one registry of measures, and the store every notebook and the synthesis read them from.

:data:`MEASURES` names every table-producing measure (``fn(corpus, story, **params)``), its default
parameters, the package files it depends on and whether its rows depend on one document alone.
:class:`MeasureStore` computes a measure once per (corpus, story, parameters), keeps it in memory for the
session and on disk as Parquet (:mod:`analysis.measures.cache`: keyed by the corpus, the story's digest, the
resolved parameters, the code and data files and the library versions), so the same quantity has the same
value in every notebook. One command writes them all for use outside Python::

    python -m analysis.measures [--corpus PATH] [--story YAML] [--output-dir DIR]   # -> DIR/measures/*.parquet

>>> import analysis
>>> from analysis.story import resolve_story
>>> store = MeasureStore(analysis.build_corpus(progress=False), resolve_story(None))
>>> int(store.get("coverage").articles.sum())
5
"""
from __future__ import annotations

import argparse
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd

from analysis.measures import cache as C
from analysis.store import is_verified, read_table, write_table
from analysis.story import Story


@dataclass(frozen=True)
class Measure:
    """A named table-producing function ``fn(corpus, story, **params)`` and what its result depends on."""

    fn: Callable
    code: tuple[str, ...]                 # package files (relative to analysis/) the result depends on
    params: Mapping = field(default_factory=dict)   # defaults; the resolved values are part of the key
    libraries: tuple[str, ...] = ()       # distributions whose version is part of the key
    per_document: bool = False            # each document's rows depend on that document alone
    uses_story: bool = True               # the story's digest is part of the key
    #: ``params -> files`` the result also depends on (e.g. the codebook a name resolves to)
    data_files: Callable[[Mapping], Sequence[Path]] | None = None
    #: ``keyword -> (measure, shared params)``: computed for the whole corpus, ``fn`` is handed that measure's
    #: table (with the same values of the shared params) instead of computing it again
    reuses: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    #: ``(store, params) -> params`` that turns ``None``/``"auto"`` defaults into the values computed with
    #: (they, not the defaults, are the cache key)
    resolve: Callable[["MeasureStore", dict], dict] | None = None
    description: str = ""


# --------------------------------------------------------------------------------------------- measures
def _coverage(c, story):
    from analysis.corpus.describe import outlet_summary

    cov = outlet_summary(c, max_chars=C.BATCH_CHARS).rename(columns={"documents": "articles"}).reset_index()
    return cov[["outlet", "articles", "paragraphs", "sentences", "words", "entities", "words_per_sentence"]]


def _tone(c, story, *, methods):
    from analysis.measures.tone import sentence_tone

    if "hybrid" in methods:
        # one MiniLM pass per sentence for both embedding measures: the sentence vectors hybrid tone reads
        # and the actor-mention span vectors target_tone reads (its table stays independent of the story)
        from analysis.measures.actors import find_actor_mentions
        from analysis.measures.target_tone import embed_sentences

        embed_sentences(c.sentences, find_actor_mentions(c, table=story.actors))
    return sentence_tone(c.sentences, methods=list(methods))


def _target_tone(c, story):
    from analysis.measures.actors import find_actor_mentions
    from analysis.measures.target_tone import score_mentions

    return score_mentions(c.sentences, c.tokens, find_actor_mentions(c, table=story.actors))


def _actors(c, story):
    from analysis.measures.actors import find_actor_mentions

    return find_actor_mentions(c, table=story.actors)


def _term_counts(c, story, *, by="outlet", min_df=1):
    from dataclasses import replace

    from analysis.measures.distinctive import DEFAULT_OPTIONS, term_counts

    return term_counts(_token_batches(c, "term_counts"), documents=c.documents, by=by,
                       options=replace(DEFAULT_OPTIONS, min_df=min_df))


def _term_hits(c, story, *, fields=("lemma", "lower")):
    from analysis.measures.kwic import HIT_COLUMNS, find_terms

    if story.terms.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    return find_terms(c.tokens, story.terms, fields=tuple(fields))


def _term_rates(c, story, *, fields=("lemma", "lower"), by="outlet", per=1000, hits=None):
    from analysis.measures.kwic import term_rates

    if hits is None:
        hits = _term_hits(c, story, fields=fields)
    return term_rates(hits, _token_batches(c, "framing_term_rates"), documents=c.documents, terms=story.terms, by=by,
                      per=per)


def _measure_names(c, story, *, fields=("lemma", "lower")):
    hits = _term_hits(c, story, fields=fields)
    hits = hits[hits["group"] == story.measure_group] if story.measure_group else hits.iloc[:0]
    sents = c.sentences[["sent_id", "outlet", "text"]]
    out = hits.merge(sents, on="sent_id", how="left")
    out["mention"] = [t[s - b:e - b] if isinstance(t, str) else "" for t, s, e, b in
                      zip(out["text"], out["start_char"], out["end_char"],
                          out["sent_id"].map(c.sentences.set_index("sent_id")["start_char"]).fillna(0).astype(int))]
    return out[["doc_id", "outlet", "sent_id", "term", "mention", "start_char", "end_char", "text"]]


def _codebook_file(params: Mapping) -> list[Path]:
    return [Path(params["codebook"])]   # resolved to the codebook's file by _resolve_codebook


def _resolve_codebook(store, kw: dict) -> dict:
    """A codebook name, path or ``Codebook``: keyed by the file it resolves to."""
    from analysis.measures.frames import load_codebook

    cb = kw["codebook"]
    return {**kw, "codebook": str(cb.path if hasattr(cb, "frames") else load_codebook(cb).path)}


def _resolve_methods(store, kw: dict) -> dict:
    """``methods=None``: every tone method installed here; an empty list is an error."""
    from analysis.measures.tone import available_methods

    methods = list(available_methods() if kw["methods"] is None else kw["methods"])
    if not methods:
        raise ValueError("sentence_tone needs at least one method")
    return {**kw, "methods": methods}


def _resolve_topic_plan(store, kw: dict) -> dict:
    """``"auto"`` candidate k, methods and restarts from :func:`topic_plan`, sized to the number of units."""
    n_units = store.corpus.sentences.shape[0] if kw["unit"] == "sent_id" else len(store.corpus.documents)
    plan = topic_plan(n_units, seed=kw["seed"])
    return {**kw, **{k: plan[k] for k in ("ks", "methods", "seeds") if kw[k] == "auto"}}


def _resolve_k(store, kw: dict) -> dict:
    """``k="auto"``: :func:`analysis.measures.topics.choose_k` on the stored topic selection."""
    if kw["k"] != "auto":
        return kw
    from analysis.measures.topics import choose_k

    sel = store.get("topic_selection", unit=kw["unit"], min_df=kw["min_df"], max_df=kw["max_df"], seed=kw["seed"])
    if sel.empty:   # too small a corpus: k = 0, the topic model is an empty table (topic_model_limits says why)
        return {**kw, "k": 0}
    method = kw["method"] if kw["method"] in set(sel["method"]) else "nmf"
    return {**kw, "k": choose_k(sel, method=method, min_stability=0.8)}


def _frames(c, story, *, codebook="semetko_valkenburg"):
    from analysis.measures.frames import code_sentences

    return code_sentences(c, codebook, actor_table=story.actors)


def _svo(c, story):
    from analysis.measures.agency import extract_svo

    return extract_svo(c, table=story.actors)


def _quotes(c, story, *, min_words=4):
    from analysis.measures.quotes import extract_quotes
    from analysis.measures.resources import markers_for

    return extract_quotes(c, table=story.actors, markers=markers_for(story), min_words=min_words)


def _contexts(c, story):
    from analysis.measures.attribution import MARKER_CLASSES, context_sentences
    from analysis.measures.resources import has_markers, markers_for

    if not has_markers(story):
        return pd.DataFrame(columns=["doc_id", "outlet", "sent_id", "accusation", "denial", *MARKER_CLASSES, "text"])
    return context_sentences(c, markers=markers_for(story))


def _markers(c, story):
    from analysis.measures.attribution import MARKER_COLUMNS, attribution_markers
    from analysis.measures.resources import has_markers, markers_for

    if not has_markers(story):
        return pd.DataFrame(columns=MARKER_COLUMNS)
    return attribution_markers(c, markers=markers_for(story))


def _topic_selection(c, story, *, unit="sent_id", min_df=2, max_df=0.3, ks, methods, seeds, n_top=10, seed=42):
    from analysis.measures.topics import VocabOptions, document_term_matrix, model_selection, topic_model_problem

    dtm = document_term_matrix(_token_batches(c, "topic_selection"), unit=unit, sentences=c.sentences,
                               options=VocabOptions(min_df=min_df, max_df=max_df), strict=False)
    # a corpus too small for the smallest k gets an empty selection (k = 0); larger k it cannot fit are left out
    n_docs = len(c.documents)
    ks = [k for k in ks if not topic_model_problem(dtm, k=int(k))]
    if ks and topic_model_problem(dtm, k=min(ks), n_documents=n_docs):
        ks = []
    return model_selection(dtm, ks=ks, methods=tuple(methods), seeds=tuple(seeds), n_top=n_top)


def _topic_model(c, story, *, unit="sent_id", min_df=2, max_df=0.3, k, method="nmf", seed=42):
    from analysis.measures.topics import VocabOptions, document_term_matrix, fit_topics, topic_shares

    if int(k) == 0:   # the corpus is too small for a topic model (see topic_model_limits): no rows
        return pd.DataFrame(columns=TOPIC_MODEL_COLUMNS)
    dtm = document_term_matrix(_token_batches(c, "topic_model"), unit=unit, sentences=c.sentences,
                               options=VocabOptions(min_df=min_df, max_df=max_df))
    model = fit_topics(dtm, k=int(k), method=method, seed=seed)
    long = topic_shares(model)
    weights = pd.DataFrame(model.topic_term.T, columns=[f"t{i + 1}" for i in range(model.k)])
    weights.insert(0, "term", model.terms)
    # one table: the unit-topic shares, then the topic-term weights as rows of kind "term"
    long.insert(0, "kind", "unit")
    w = weights.melt(id_vars="term", var_name="topic", value_name="share")
    w = w.assign(kind="term", topic=w["topic"].str[1:].astype(int), unit_id=w["term"])
    w["label"] = w["topic"].map(dict(zip(range(1, model.k + 1), model.labels())))
    out = pd.concat([long, w.drop(columns="term")], ignore_index=True)
    units = model.units.drop(columns=[x for x in ("outlet", "doc_id") if x in model.units.columns and x in long])
    return out.merge(units, on="unit_id", how="left") if "unit_id" in units else out


_FRAMES = ("measures/frames.py", "measures/actors.py", "measures/match.py")
#: Every measure the notebooks and the synthesis show. Add one here and it is computed, cached and written.
MEASURES: dict[str, Measure] = {
    "coverage": Measure(_coverage, ("corpus/describe.py",), uses_story=False,
                        description="articles, paragraphs, sentences, words (non-punctuation tokens), entities per outlet"),
    "sentence_tone": Measure(_tone, ("measures/tone.py", "measures/embeddings.py", "data/tone_model.json"), {"methods": None},
                             ("vaderSentiment", "sentence-transformers"), per_document=True, uses_story=False, resolve=_resolve_methods,
                             description="tone of every sentence by each method"),
    "actor_mentions": Measure(_actors, ("measures/actors.py", "measures/match.py"), per_document=True,
                              description="every mention of a story actor (alias) or other named entity"),
    "target_tone": Measure(_target_tone, ("measures/target_tone.py", "measures/tone.py", "measures/embeddings.py",
                                          "measures/actors.py",
                                          "measures/match.py", "data/target_tone_model.json",
                                          "data/target_tone_model_weights.npy"), per_document=True,
                           libraries=("vaderSentiment", "sentence-transformers", "spacy"),
                           description="tone toward every actor mention (target-dependent model), with class probabilities"),
    "term_counts": Measure(_term_counts, ("measures/distinctive.py", "measures/topics.py", "data/stopwords_news.txt"),
                           {"by": "outlet", "min_df": 1}, uses_story=False,
                           description="content-term counts per outlet (distinctive words)"),
    "framing_term_hits": Measure(_term_hits, ("measures/kwic.py", "measures/match.py"), {"fields": ["lemma", "lower"]}, per_document=True,
                                 description="every occurrence of a story framing term"),
    "framing_term_rates": Measure(_term_rates, ("measures/kwic.py", "measures/match.py"),
                                  {"fields": ["lemma", "lower"], "by": "outlet", "per": 1000},
                                  reuses={"hits": ("framing_term_hits", ("fields",))}, description="framing-term counts and rates per 1,000 words per outlet"),
    "measure_names": Measure(_measure_names, ("measures/kwic.py", "measures/match.py"), {"fields": ["lemma", "lower"]}, per_document=True,
                             description="each naming of the contested measure (the story's measure group)"),
    "frame_codes": Measure(_frames, _FRAMES, {"codebook": "semetko_valkenburg"}, per_document=True,
                           data_files=_codebook_file, resolve=_resolve_codebook,
                           description="(sentence, frame, question) hits of a codebook with their triggers"),
    "svo": Measure(_svo, ("measures/agency.py", "measures/actors.py", "measures/match.py"), per_document=True,
                   description="agent-verb-patient roles"),
    "quotes": Measure(_quotes, ("measures/quotes.py", "measures/agency.py", "measures/resources.py", "measures/match.py",
                                "data/attribution_markers.yaml"), {"min_words": 4}, per_document=True,
                      description="quotations with speakers"),
    "attribution_contexts": Measure(_contexts, ("measures/attribution.py", "measures/resources.py", "measures/match.py",
                                                "data/attribution_markers.yaml"), per_document=True,
                                    description="sentences about the accusations/denials and their marker classes"),
    "attribution_markers": Measure(_markers, ("measures/attribution.py", "measures/resources.py", "measures/match.py",
                                              "data/attribution_markers.yaml"), per_document=True,
                                   description="every distancing, hedge and assertion marker in those sentences"),
    "topic_selection": Measure(_topic_selection, ("measures/topics.py", "data/stopwords_news.txt"),
                               {"unit": "sent_id", "min_df": 2, "max_df": 0.3, "ks": "auto", "methods": "auto",
                                "seeds": "auto", "n_top": 10, "seed": 42}, uses_story=False,
                               resolve=_resolve_topic_plan,
                               description="coherence and stability of every (method, k, seed) topic model"),
    "topic_model": Measure(_topic_model, ("measures/topics.py", "data/stopwords_news.txt"),
                           {"unit": "sent_id", "min_df": 2, "max_df": 0.3, "k": "auto", "method": "nmf", "seed": 42},
                           uses_story=False, resolve=_resolve_k,
                           description="unit-topic shares (kind 'unit') and topic-term weights (kind 'term')"),
}


def topic_model_from_table(table: pd.DataFrame, *, method: str = "nmf", seed: int = 42):
    """The :class:`analysis.measures.topics.TopicModel` stored as the ``topic_model`` measure's table
    (no scikit-learn estimator: everything the notebooks and the synthesis read from a model)."""
    import numpy as np

    from analysis.measures.topics import TopicModel

    units = table[table["kind"] == "unit"]
    terms = table[table["kind"] == "term"]
    k = int(units["topic"].max()) if len(units) else 0
    if k == 0:   # no topic model (the corpus was too small): k = 0, no units, no terms
        meta = [c for c in ("unit_id", "doc_id", "outlet", "n_terms", "text") if c in table.columns]
        return TopicModel(method=method, k=0, seed=seed, doc_topic=np.zeros((0, 0)), topic_term=np.zeros((0, 0)),
                          terms=np.asarray([], dtype=object), units=pd.DataFrame(columns=meta), estimator=None)
    unit_ids = list(dict.fromkeys(units["unit_id"]))
    doc_topic = (units.pivot(index="unit_id", columns="topic", values="share").reindex(unit_ids).to_numpy(float))
    term_ids = list(dict.fromkeys(terms["unit_id"]))
    topic_term = terms.pivot(index="unit_id", columns="topic", values="share").reindex(term_ids).to_numpy(float).T
    meta = [c for c in ("unit_id", "doc_id", "outlet", "n_terms", "text") if c in units.columns]
    unit_table = units.drop_duplicates("unit_id")[meta].reset_index(drop=True)
    return TopicModel(method=method, k=k, seed=seed, doc_topic=doc_topic, topic_term=topic_term,
                      terms=np.asarray(term_ids, dtype=object), units=unit_table, estimator=None)


#: Columns of the ``topic_model`` measure's table (also those of its empty table when no model can be fitted).
TOPIC_MODEL_COLUMNS = ["kind", "unit_id", "doc_id", "outlet", "topic", "label", "share", "n_terms", "text"]


def topic_model_limits(store: "MeasureStore", *, unit: str = "sent_id", min_df: int | float = 2,
                       max_df: int | float = 0.3, seed: int = 42) -> str:
    """Why the store's corpus is too small for the ``topic_selection``/``topic_model`` measures with these
    parameters (``""`` when a topic model can be estimated): e.g. ``"topic model cannot be estimated: 1
    document; needs at least 2 (no fewer documents than topics, k=2)"``. Then ``topic_selection`` is empty
    and ``topic_model`` resolves ``k="auto"`` to 0 and has no rows.

    >>> import analysis
    >>> from analysis.story import resolve_story
    >>> topic_model_limits(MeasureStore(analysis.build_corpus(progress=False), resolve_story(None)))
    ''
    """
    from analysis.measures.topics import VocabOptions, document_term_matrix, topic_model_problem

    kw = store.resolve("topic_selection", unit=unit, min_df=min_df, max_df=max_df, seed=seed)
    c = store.corpus
    dtm = document_term_matrix(_token_batches(c, "topic_selection"), unit=unit, sentences=c.sentences,
                               options=VocabOptions(min_df=min_df, max_df=max_df), strict=False)
    ks = [int(k) for k in kw["ks"]]
    if not ks:
        return "topic model cannot be estimated: no candidate number of topics"
    return topic_model_problem(dtm, k=min(ks), n_documents=len(c.documents))


def topic_plan(n_units: int, *, seed: int = 42) -> dict:
    """The one rule for the topic-model search: candidate ``k``, methods and restarts sized to the corpus.

    >>> topic_plan(90)["ks"], topic_plan(9000)["methods"]
    ([2, 3, 4, 5, 6, 7, 8], ['nmf'])
    """
    big = n_units > 5000
    return {"ks": list(range(2, max(3, min(9, n_units // 10 + 1)))),
            "methods": ["nmf"] if big else ["nmf", "lda"],
            "seeds": [seed + i for i in range(3 if big else 5)]}


def quick_topic_plan(plan: dict) -> dict:
    """The ``quick`` run's (``python -m analysis.run --quick``) smaller search: every other candidate ``k``
    (the largest kept) and 2 restarts (the fewest that still give a stability), from a :func:`topic_plan`.

    >>> quick_topic_plan(topic_plan(90))
    {'ks': [2, 4, 6, 8], 'methods': ['nmf', 'lda'], 'seeds': [42, 43]}
    """
    ks = list(plan["ks"])
    quick_ks = ks[::2] + ([ks[-1]] if ks and (len(ks) - 1) % 2 else [])
    return {"ks": quick_ks, "methods": list(plan["methods"]), "seeds": list(plan["seeds"])[:2]}


# ------------------------------------------------------------------------------------------------ store
#: The token columns (besides ``doc_id``) each measure that needs the whole corpus's tokens reads, a batch of
#: documents at a time (:meth:`analysis.corpus.build.Corpus.token_batches`, at most
#: :data:`analysis.measures.cache.BATCH_CHARS` characters each): it counts each batch and sums the counts, so
#: computing it never loads (or keeps) the whole token table, nor those columns of it. (Per-document measures
#: are computed batch by batch too, :func:`analysis.measures.cache.in_batches`.) ``framing_term_rates`` gets
#: its hits (``reuses``) and counts words as non-punctuation tokens: it would also drop tokens whose ``text``
#: is blank, but the token table has none (whitespace tokens are never stored), so ``text`` is not read.
TOKEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "coverage": ("is_punct",),
    "term_counts": ("lemma", "pos", "is_stop"),
    "framing_term_rates": ("is_punct",),
    "topic_selection": ("sent_id", "lemma", "pos", "is_stop"),
    "topic_model": ("sent_id", "lemma", "pos", "is_stop"),
}


def _token_batches(c, name: str):
    """The token columns :data:`TOKEN_COLUMNS` gives measure ``name``, a batch of documents at a time
    (:meth:`analysis.corpus.build.Corpus.token_batches`); the whole token table of a corpus-like object
    without that method."""
    if hasattr(c, "token_batches"):
        return c.token_batches(TOKEN_COLUMNS[name], max_chars=C.BATCH_CHARS)
    return c.tokens


#: Bytes of measure tables (pandas' deep memory usage) a :class:`MeasureStore` keeps in memory between calls;
#: a larger table is not kept but read back from its Parquet file each time it is asked for, so a session on a
#: large corpus does not hold every table it ever asked for.
MEMORY_BYTES = 256 * 2**20


class MeasureStore:
    """Every measure of one corpus under one story, computed once and cached (memory, then Parquet on disk).

    ``get(name, **params)`` returns a copy-safe table (do not modify it in place). ``cache=False`` skips the
    disk cache (the in-memory one is always used). The in-memory cache keeps at most ``memory_items`` tables of
    at most ``memory_bytes`` bytes in all (default :data:`MEMORY_BYTES`; ``None``: no limit), the least recently
    used going first. ``path(name, **params)`` computes a measure into its Parquet file without reading it.
    """

    def __init__(self, corpus, story: Story, *, cache: bool = True, cache_dir: str | Path | None = None,
                 memory_items: int = 64, memory_bytes: int | None = MEMORY_BYTES):
        if not isinstance(story, Story):
            raise TypeError(f"story must be an analysis.story.Story, not {type(story).__name__} "
                            "(use analysis.story.resolve_story or load_story)")
        self.corpus, self.story, self.cache, self.cache_dir = corpus, story, cache, cache_dir
        self._memory: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._sizes: dict[tuple, int] = {}
        self._memory_items, self._memory_bytes = memory_items, memory_bytes
        self._fingerprint: str | None = None

    def __repr__(self) -> str:
        return f"MeasureStore(story={self.story.name!r}, {len(self._memory)} tables in memory)"

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = C.corpus_fingerprint(self.corpus)
        return self._fingerprint

    def resolve(self, name: str, **params) -> dict:
        """The parameters ``name`` is computed with: defaults, overrides, and every ``"auto"`` resolved."""
        if name not in MEASURES:
            raise KeyError(f"unknown measure {name!r}; available: {sorted(MEASURES)}")
        unknown = sorted(set(params) - set(MEASURES[name].params))
        if unknown:
            raise TypeError(f"measure {name!r} has no parameter(s) {unknown}; it takes {sorted(MEASURES[name].params)}")
        kw = {**MEASURES[name].params, **params}
        hook = MEASURES[name].resolve
        return hook(self, kw) if hook is not None else kw

    def key(self, name: str, kw: Mapping) -> str:
        """The part of the cache key that is not the corpus: parameters, story, code and data files."""
        m = MEASURES[name]
        data = [Path(p) for p in (m.data_files(kw) if m.data_files else ())]
        files = ["measures/registry.py", *m.code, *data]
        story = self.story.digest if m.uses_story else "-"
        # a data file counts by its name and bytes (in files_digest), not by where it lies: a moved project or a
        # fresh clone keeps its cached tables
        where = {str(p): p.name for p in data}
        params = {k: where.get(v, v) if isinstance(v, str) else v for k, v in kw.items()}
        return f"{C.params_digest({**params, '_story': story})}-{C.files_digest(files, m.libraries)}"

    def get(self, name: str, **params) -> pd.DataFrame:
        """The table of measure ``name`` (see :data:`MEASURES`) with ``params`` overriding its defaults."""
        kw = self.resolve(name, **params)
        key = self.key(name, kw)
        mem_key = (name, key)
        if mem_key in self._memory:
            self._memory.move_to_end(mem_key)
            return self._memory[mem_key]
        table = self._table(name, kw, key)
        self._remember(mem_key, table)
        return table

    def path(self, name: str, **params) -> Path:
        """The Parquet file (an :mod:`analysis.store` entry, with its check file) that holds the table of measure
        ``name``: computed and written first when it is not there, and not read. A per-document measure is
        written a batch at a time (:func:`analysis.measures.cache.per_document`), so computing a large one this
        way never holds its whole table; :meth:`get` reads it when it is asked for.

        >>> import analysis
        >>> from analysis.story import resolve_story
        >>> store = MeasureStore(analysis.build_corpus(progress=False), resolve_story(None))
        >>> store.path("actor_mentions").suffix, len(store._memory)
        ('.parquet', 0)
        """
        if not self.cache:
            raise ValueError("MeasureStore(cache=False) writes no file; use get()")
        kw = self.resolve(name, **params)
        key = self.key(name, kw)
        path = self._path(name, key)
        if not is_verified(path):
            self._write(name, kw, key, path)
        return path

    def _path(self, name: str, key: str) -> Path:
        return C.cache_root(self.cache_dir) / f"{name}-{self.fingerprint}-{key}.parquet"

    def _computer(self, name: str, kw: dict):
        """``corpus -> table`` for measure ``name`` with the resolved ``kw`` (and the tables it reuses)."""
        m = MEASURES[name]
        given = {arg: self.get(other, **{p: kw[p] for p in shared}) for arg, (other, shared) in m.reuses.items()}
        return lambda corpus: m.fn(corpus, self.story, **kw, **given)

    def _table(self, name: str, kw: dict, key: str) -> pd.DataFrame:
        m = MEASURES[name]
        if not self.cache:
            compute = self._computer(name, kw)
            return C.compute_per_document(self.corpus, compute) if m.per_document else compute(self.corpus)
        path = self._path(name, key)
        hit = read_table(path)
        if hit is not None:
            return hit
        table = self._write(name, kw, key, path)
        if table is None:   # written a batch at a time: read now that it is asked for
            table = read_table(path)
            if table is None:
                raise RuntimeError(f"the measure table {path} just written cannot be read back; is another process "
                                   "deleting files in the cache folder?")
        return table

    def _write(self, name: str, kw: dict, key: str, path: Path) -> pd.DataFrame | None:
        """Compute measure ``name`` into ``path``; its table when it was whole in memory anyway (a whole-corpus
        measure), None for a per-document measure (written a batch at a time, not read back)."""
        m = MEASURES[name]
        compute = self._computer(name, kw)
        if m.per_document:
            C.per_document(self.corpus, C.per_document_root(self.corpus, name, key, cache_dir=self.cache_dir),
                           compute, out=path)
            return None
        table = compute(self.corpus)
        write_table(table, path)
        return table

    def _remember(self, mem_key: tuple, table: pd.DataFrame) -> None:
        """Keep ``table`` in memory unless it alone is over the byte limit; drop the least recently used tables
        beyond ``memory_items`` or ``memory_bytes``."""
        size = int(table.memory_usage(deep=True).sum()) if self._memory_bytes is not None else 0
        if self._memory_bytes is not None and size > self._memory_bytes:
            return
        self._memory[mem_key], self._sizes[mem_key] = table, size
        while len(self._memory) > self._memory_items or (
                self._memory_bytes is not None and sum(self._sizes.values()) > self._memory_bytes):
            old, _ = self._memory.popitem(last=False)
            self._sizes.pop(old, None)

    def tables(self, names: Sequence[str] | None = None, *, progress: bool | None = None) -> dict[str, pd.DataFrame]:
        """``name -> table`` for ``names`` (default: every measure). An empty list gives an empty dict."""
        names = list(MEASURES) if names is None else list(names)
        show = progress if progress is not None else len(self.corpus.documents) > 1000
        if show:
            from analysis._progress import tqdm_class

            tqdm = tqdm_class()

            names = tqdm(names, desc="measures", unit="measure")
        return {n: self.get(n) for n in names}


def measure_names(which: Sequence[str] | None) -> list[str]:
    """``which`` as a list (``None``: every measure), checked against :data:`MEASURES` (``KeyError`` naming
    the unknown ones and the available ones)."""
    names = list(MEASURES) if which is None else list(which)
    unknown = sorted(set(names) - set(MEASURES))
    if unknown:
        raise KeyError(f"unknown measure(s) {unknown}; available: {sorted(MEASURES)}")
    return names


def compute_measures(corpus, *, story: Story, which: Sequence[str] | None = None, cache: bool = True,
                     cache_dir: str | Path | None = None, params: Mapping[str, Mapping] | None = None,
                     progress: bool | None = None) -> dict[str, pd.DataFrame]:
    """``name -> table`` for ``which`` measures (``None``: all; ``[]``: none) under ``story``.

    ``params``: ``{name: {parameter: value}}`` overriding :data:`MEASURES` defaults (part of the key).
    """
    names = measure_names(which)
    if not names:
        return {}
    store = MeasureStore(corpus, story, cache=cache, cache_dir=cache_dir)
    params = params or {}
    out = {}
    for n in names:
        out[n] = store.get(n, **params.get(n, {}))
    return out


def clear_measures_cache(cache_dir: str | Path | None = None) -> None:
    """Delete every cached measure table."""
    import shutil

    shutil.rmtree(C.cache_root(cache_dir), ignore_errors=True)


def write_measures(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<out_dir>/<name>.parquet`` (readable by pandas, R ``arrow``, DuckDB ...)."""
    out_dir = Path(out_dir)
    return [write_table(df.reset_index(drop=True), out_dir / f"{name}.parquet") for name, df in tables.items()]


def main(argv: list[str] | None = None) -> int:
    from analysis.config import get_settings

    ap = argparse.ArgumentParser(description="Compute the cached measures and write them as Parquet.")
    ap.add_argument("--corpus", default=None, help="folder / CSV / TSV / JSONL / Parquet (default: the seeds)")
    ap.add_argument("--story", default=None, help="story YAML (default: the seeds' story for the seeds, "
                                                  "else one discovered from the corpus)")
    ap.add_argument("--output-dir", default=None, type=Path,
                    help="default: ANALYSIS_OUTPUT_DIR (outputs/) for the seeds, <that>/<corpus name>/ for --corpus")
    ap.add_argument("--which", nargs="*", default=None, help=f"subset of {sorted(MEASURES)}")
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args(argv)
    if args.output_dir is None:
        from analysis.corpus.describe import corpus_name

        base = get_settings().output_dir
        args.output_dir = base if args.corpus is None else base / corpus_name(args.corpus)
    import analysis
    from analysis.story import resolve_story

    try:   # before the corpus is built: a typo fails at once
        names = measure_names(args.which)
    except KeyError as exc:
        raise SystemExit(exc.args[0]) from None
    t0 = time.perf_counter()
    corpus = analysis.build_corpus(args.corpus)
    story = resolve_story(args.story, corpus=corpus, source=args.corpus)
    store = MeasureStore(corpus, story, cache=not args.no_cache)
    out_dir = args.output_dir / "measures"
    for name in names:   # one by one (the store keeps at most MEMORY_BYTES of them in memory)
        df = store.get(name)
        p = write_measures({name: df}, out_dir)[0]
        print(f"{name:22s} {len(df):>9,} rows -> {p}")
        del df
    print(f"{len(names)} measures in {time.perf_counter() - t0:.1f} s")
    return 0


__all__ = ["MEASURES", "MEMORY_BYTES", "Measure", "MeasureStore", "TOKEN_COLUMNS", "clear_measures_cache", "compute_measures", "main", "measure_names",
           "topic_model_from_table", "topic_plan", "quick_topic_plan", "write_measures", "TOPIC_MODEL_COLUMNS", "topic_model_limits"]
