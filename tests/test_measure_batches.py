"""Memory at scale without changing a number: categorical token columns, per-document measures computed batch
by batch over tiny shards, tables read one at a time; every measure's table equals the one computed the way it
was before (string columns, the whole corpus in one piece)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

import analysis
from analysis.corpus import parse
from analysis.corpus.build import Corpus
from analysis.corpus.shards import CATEGORICAL_COLUMNS, read_table, read_tables
from analysis.corpus.synthetic import synthetic_corpus
from analysis.measures import cache as C
from analysis.measures import registry as M
from analysis.measures import topics as T
from analysis.store import read_table as read_store_table
from analysis.story import SEEDS_STORY, load_story

STORY = load_story(SEEDS_STORY)
#: every measure but the two that need the embedding model (sentence_tone is asked for with VADER only)
NAMES = ["coverage", "sentence_tone", "actor_mentions", "term_counts", "framing_term_hits", "framing_term_rates",
         "measure_names", "frame_codes", "svo", "quotes", "attribution_contexts", "attribution_markers"]
PARAMS = {"sentence_tone": {"methods": ["vader"]}}


def as_before(corpus: Corpus) -> Corpus:
    """The corpus with every table in memory and the categorical token columns as plain ``string`` columns,
    as ``Corpus.tokens`` held them before they became categoricals."""
    tokens = corpus.tokens.copy()
    for c in CATEGORICAL_COLUMNS["tokens"]:
        tokens[c] = tokens[c].astype("string")
    return Corpus(documents=corpus.documents, paragraphs=corpus.paragraphs, sentences=corpus.sentences,
                  tokens=tokens, entities=corpus.entities, audit=corpus.audit, rejects=corpus.rejects,
                  issues=corpus.issues, parse_stats=corpus.parse_stats, _parsed=corpus._parsed)


def tables(corpus, names, *, cache_dir=None, cache=True, params=PARAMS):
    store = M.MeasureStore(corpus, STORY, cache=cache, cache_dir=cache_dir)
    return {n: store.get(n, **params.get(n, {})) for n in names}


def assert_same(got: dict, want: dict) -> None:
    for name in want:
        try:
            pd.testing.assert_frame_equal(got[name], want[name])
        except AssertionError as exc:
            raise AssertionError(f"measure {name!r} differs: {exc}") from None


def test_low_cardinality_token_columns_are_sorted_categoricals(seed_corpus):
    toks = seed_corpus.tokens
    for c in CATEGORICAL_COLUMNS["tokens"]:
        cats = toks[c].cat.categories
        assert cats.tolist() == sorted(cats.tolist()) and str(cats.dtype) == "string", c
    assert set(toks["pos"].astype(str)) >= {"NOUN", "VERB", "PROPN"} and toks["pos"].cat.codes.dtype == "int8"
    # what the consumers do with them gives what it gave on strings
    plain = toks["pos"].astype("string")
    assert (toks["pos"] == "VERB").tolist() == (plain == "VERB").tolist()
    assert toks["pos"].isin(["NOUN", "PROPN"]).tolist() == plain.isin(["NOUN", "PROPN"]).tolist()
    by_cat, by_str = toks.groupby("pos").size(), toks.assign(pos=plain).groupby("pos").size()
    assert by_cat.index.astype(str).tolist() == by_str.index.tolist() and by_cat.tolist() == by_str.tolist()
    cols = read_table(seed_corpus._parsed, "tokens", columns=["dep"])
    assert isinstance(cols["dep"].dtype, pd.CategoricalDtype) and cols["dep"].astype(str).equals(toks["dep"].astype(str))
    empty = read_table(seed_corpus._parsed, "tokens", doc_ids=[])
    assert empty.empty and isinstance(empty["tag"].dtype, pd.CategoricalDtype)


def test_measures_on_the_seeds_equal_the_whole_corpus_string_tables(tmp_path, monkeypatch):
    corpus = analysis.build_corpus(progress=False)
    want = tables(as_before(corpus), NAMES, cache=False)            # as before: one piece, string columns
    monkeypatch.setattr(C, "BATCH_CHARS", 1)                           # every document a batch of its own
    got = tables(corpus, NAMES, cache_dir=tmp_path)
    assert_same(got, want)
    per_doc = [n for n in NAMES if M.MEASURES[n].per_document]
    for n in per_doc:   # one cache batch per document: each was written as it was computed
        folder = next((tmp_path / "measures" / "per_document").glob(f"{n}-*"))
        assert len(list(folder.glob("*.keys.json"))) == len(corpus.documents), n
    assert_same(tables(corpus, per_doc, cache=False), {n: want[n] for n in per_doc})
    assert_same(tables(corpus, NAMES, cache_dir=tmp_path), want)    # read back from the cache


def test_per_document_measures_do_not_read_the_whole_corpus_tables(tmp_path, monkeypatch):
    corpus = analysis.build_corpus(progress=False)
    monkeypatch.setattr(C, "BATCH_CHARS", 6_000)
    seen = []
    real = Corpus.subset

    def subset(self, doc_ids):
        sub = real(self, doc_ids)
        seen.append(len(sub.documents))
        return sub

    monkeypatch.setattr(Corpus, "subset", subset)
    store = M.MeasureStore(corpus, STORY, cache_dir=tmp_path)
    for n in ("actor_mentions", "framing_term_hits", "frame_codes", "quotes"):
        store.get(n)
    assert corpus._sentences is None and corpus._tokens is None and corpus._entities is None
    assert seen == [2, 2, 1] * 4


@pytest.mark.slow
def test_measures_over_many_tiny_shards_equal_the_whole_corpus(tmp_path, monkeypatch):
    """A few hundred synthetic documents parsed into 12-document shards, per-document measures in batches that
    cut across shards: every table equals the one-piece string-column computation."""
    src = tmp_path / "syn.parquet"
    synthetic_corpus(240, seed=3).to_parquet(src, index=False)
    monkeypatch.setattr(parse, "SHARD_SIZE", 12)
    corpus = analysis.build_corpus(src, cache_dir=tmp_path / "cache", progress=False, n_process=1)
    assert len(corpus._parsed.shards) == 20
    topics = {"topic_selection": {"ks": [2, 3], "methods": ["nmf"], "seeds": [42, 43]},
              "topic_model": {"k": 3}}
    params = {**PARAMS, **topics}
    names = [*NAMES, "topic_selection", "topic_model"]
    want = tables(as_before(corpus), names, cache=False, params=params)
    monkeypatch.setattr(C, "BATCH_CHARS", 50_000)   # about 30 documents a batch, not aligned with the shards
    again = analysis.build_corpus(src, cache_dir=tmp_path / "cache", progress=False)
    assert again.parse_stats.n_parsed == 0 and not again.tables_loaded
    got = tables(again, names, cache_dir=tmp_path / "cache", params=params)
    assert_same(got, want)
    folder = next((tmp_path / "cache" / "measures" / "per_document").glob("actor_mentions-*"))
    assert len(list(folder.glob("*.keys.json"))) >= 8
    streamed = [(d, doc.text) for d, doc in again.docs()]
    assert [d for d, _ in streamed] == again.documents["doc_id"].tolist()
    assert [t for _, t in streamed] == again.documents["text"].astype(str).tolist()


def test_whole_corpus_measures_read_only_their_token_columns_a_batch_at_a_time(tmp_path, monkeypatch):
    corpus = analysis.build_corpus(progress=False)
    view = corpus.with_token_columns(["lemma", "pos", "is_stop"])
    assert view.tokens.columns.tolist() == ["doc_id", "lemma", "pos", "is_stop"]
    assert corpus.with_token_columns(["sent_id"]).tokens.columns.tolist() == ["doc_id", "sent_id"]
    assert corpus._tokens is None   # read for the view only
    pd.testing.assert_frame_equal(view.tokens, corpus.tokens[view.tokens.columns.tolist()])
    assert view.sentences is corpus.sentences   # the other tables are the corpus's own
    with pytest.raises(KeyError, match="no token column"):
        corpus.with_token_columns(["lemmas"])
    fresh = analysis.build_corpus(progress=False)
    store = M.MeasureStore(fresh, STORY, cache_dir=tmp_path)
    store.get("framing_term_hits")   # per document (reads whole batches); the rates reuse it
    fresh._tokens = fresh._sentences = fresh._entities = None
    read = []
    real = read_tables

    def spy(keys, index, *, names=("sentences", "tokens", "entities"), columns=None, sent_id=True):
        read.append((tuple(names), None if columns is None else tuple(columns), len(keys)))
        return real(keys, index, names=names, columns=columns, sent_id=sent_id)

    monkeypatch.setattr("analysis.corpus.shards.read_tables", spy)
    monkeypatch.setattr(C, "BATCH_CHARS", 6_000)   # batches of 2, 2 and 1 of the five seeds
    for name in ("coverage", "term_counts", "framing_term_rates", "topic_selection"):
        store.get(name, **({"ks": [2], "methods": ["nmf"], "seeds": [42]} if name == "topic_selection" else {}))
    assert fresh._tokens is None and fresh._entities is None
    token_reads = [(cols, n) for names, cols, n in read if names == ("tokens",)]
    assert all(cols is not None for cols, _ in token_reads)   # the whole token table was never read
    names = ("coverage", "term_counts", "framing_term_rates", "topic_selection")
    for cols in {M.TOKEN_COLUMNS[n] for n in names}:
        # each measure read only its columns, one batch of documents at a time
        sharing = sum(M.TOKEN_COLUMNS[n] == cols for n in names)   # coverage and the rates read the same
        assert [n for c, n in token_reads if c == cols] == [2, 2, 1] * sharing, cols
    assert {c for c, _ in token_reads} == {M.TOKEN_COLUMNS[n] for n in names}
    assert [n for names, cols, n in read if names == ("entities",)] == [2, 2, 1]   # coverage counts them per batch


# --------------------------------------------------------------- whole-corpus measures from batches of documents
def matrix_before(tokens, *, unit="sent_id", sentences=None, options=T.VocabOptions(), strict=True):
    """``topics.document_term_matrix`` as it was before it could count batches (commit 95bdaf0): every term
    occurrence of the whole token table in one frame. The reference the batched matrix must equal."""
    toks = T._with_unit(tokens, unit, sentences)
    terms = T.content_terms(toks, options=options)
    lo, hi = options.ngram_range
    pieces = [terms] if lo <= 1 else []
    pieces += [T.ngrams(terms, unit, n) for n in range(max(lo, 2), hi + 1)]
    long = pd.concat(pieces, ignore_index=True)[["doc_id", unit, "term"]]
    long = long.dropna(subset=[unit])
    pairs = long.drop_duplicates([unit, "term"])
    n_units = long[unit].nunique()
    df = pairs["term"].value_counts()
    try:
        min_df, max_df = options.df_bounds(n_units)
    except ValueError:
        if strict:
            raise
        min_df, max_df = np.inf, -np.inf
    keep_terms = df[(df >= min_df) & (df <= max_df)].index
    long = long[long["term"].isin(keep_terms)]
    vocab = np.array(sorted(map(str, keep_terms)), dtype=object)
    unit_order = long.drop_duplicates(unit)[["doc_id", unit]].reset_index(drop=True)
    if sentences is not None and unit == "sent_id" and "sent_i" in sentences.columns:
        pos = sentences.reset_index(drop=True).reset_index().set_index("sent_id")["index"]
        unit_order = unit_order.iloc[np.argsort(unit_order[unit].map(pos).to_numpy(), kind="stable")].reset_index(drop=True)
    row = pd.Index(unit_order[unit]).get_indexer(long[unit])
    col = pd.Index(vocab).get_indexer(long["term"])
    X = sparse.csr_matrix((np.ones(len(long), dtype=np.int64), (row, col)), shape=(len(unit_order), len(vocab)))
    X.sum_duplicates()
    units = unit_order.rename(columns={unit: "unit_id"})
    units["n_terms"] = np.asarray(X.sum(axis=1)).ravel()
    if sentences is not None:
        meta = sentences.copy()
        if unit != "sent_id" and unit in meta.columns:
            meta = (meta.sort_values(["doc_id", "start_char"]) if "start_char" in meta.columns else meta)
            meta = meta.groupby(unit, sort=False).agg(outlet=("outlet", "first"), text=("text", " ".join)).reset_index()
        cols = [c for c in ("outlet", "text") if c in meta.columns]
        units = units.merge(meta[[unit, *cols]].rename(columns={unit: "unit_id"}), on="unit_id", how="left")
    return T.DocTermMatrix(X=X, terms=vocab, units=units, unit=unit, options=options, n_candidate_units=int(n_units))


def assert_same_matrix(got, want) -> None:
    assert list(got.terms) == list(want.terms)
    assert got.X.shape == want.X.shape and got.X.dtype == want.X.dtype
    for part in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(got.X, part), getattr(want.X, part), err_msg=part)
    pd.testing.assert_frame_equal(got.units, want.units)
    assert got.n_candidate_units == want.n_candidate_units


def doc_batches(tokens, documents, size):
    ids = documents["doc_id"].tolist()
    return [tokens[tokens["doc_id"].isin(ids[i:i + size])] for i in range(0, len(ids), size)]


@pytest.mark.parametrize("unit, with_sentences", [("sent_id", True), ("sent_id", False), ("para_id", True)])
@pytest.mark.parametrize("options", [T.VocabOptions(), T.VocabOptions(min_df=2, max_df=0.3),
                                     T.VocabOptions(min_df=1, ngram_range=(1, 2)),
                                     T.VocabOptions(min_df=2, max_df=0.5, ngram_range=(1, 3)),
                                     T.VocabOptions(min_df=1, ngram_range=(2, 2)),
                                     T.VocabOptions(min_df=0.02, use_lemma=False, pos=("NOUN", "PROPN"))],
                         ids=["default", "topic-measures", "bigrams", "trigrams", "only-bigrams", "shares-lower"])
def test_term_matrix_from_batches_equals_the_matrix_of_the_whole_table(seed_corpus, unit, with_sentences, options):
    toks, sents = seed_corpus.tokens, seed_corpus.sentences if with_sentences else None
    want = matrix_before(toks, unit=unit, sentences=sents, options=options)
    assert want.X.nnz > 100 and want.X.shape[0] > 50
    for size in (1, 2):   # five, then three batches of documents
        assert_same_matrix(T.document_term_matrix(doc_batches(toks, seed_corpus.documents, size), unit=unit,
                                                  sentences=sents, options=options), want)
    assert_same_matrix(T.document_term_matrix(toks, unit=unit, sentences=sents, options=options), want)


def test_term_matrix_from_batches_handles_any_token_order_and_units_across_documents(seed_corpus):
    toks, sents = seed_corpus.tokens, seed_corpus.sentences
    opts = T.VocabOptions(min_df=1, ngram_range=(1, 2))
    shuffled = toks.sample(frac=1.0, random_state=3)   # rows not in corpus order: unit order from first appearance
    assert_same_matrix(T.document_term_matrix(shuffled, options=opts), matrix_before(shuffled, options=opts))
    assert_same_matrix(T.document_term_matrix(shuffled, sentences=sents, options=opts),
                       matrix_before(shuffled, sentences=sents, options=opts))
    # a unit spanning documents (here a token column pairing the seeds) is counted from the batches put together
    group = {d: f"g{i // 2}" for i, d in enumerate(seed_corpus.documents["doc_id"])}
    paired = toks.assign(pair=toks["doc_id"].map(group))
    got = T.document_term_matrix(doc_batches(paired, seed_corpus.documents, 1), unit="pair", options=opts)
    assert_same_matrix(got, matrix_before(paired, unit="pair", options=opts))
    assert got.units["unit_id"].tolist() == ["g0", "g1", "g2"]
    # unit="doc_id" (the old code could not: the unit column was selected twice) counts whole documents
    by_doc = T.document_term_matrix(doc_batches(toks, seed_corpus.documents, 2), unit="doc_id", options=opts)
    assert_same_matrix(by_doc, matrix_before(toks.assign(d=toks["doc_id"]), unit="d", options=opts))
    assert by_doc.units["unit_id"].tolist() == seed_corpus.documents["doc_id"].tolist()
    # strict: contradicting bounds raise for the batches as for the whole table
    tight = T.VocabOptions(min_df=60, max_df=0.1)
    with pytest.raises(ValueError, match="no term could be kept"):
        T.document_term_matrix(doc_batches(toks, seed_corpus.documents, 2), options=tight)
    empty = T.document_term_matrix(doc_batches(toks, seed_corpus.documents, 2), options=tight, strict=False)
    assert_same_matrix(empty, matrix_before(toks, options=tight, strict=False))
    assert T.document_term_matrix([], options=opts).X.shape == (0, 0)


def test_term_counts_rates_and_coverage_from_batches_equal_the_whole_table(seed_corpus):
    from analysis.corpus.describe import outlet_summary
    from analysis.measures import distinctive as D
    from analysis.measures import kwic as K

    c, docs = seed_corpus, seed_corpus.documents
    toks = c.tokens
    for opts in (D.DEFAULT_OPTIONS, T.VocabOptions(min_df=2, ngram_range=(1, 2)), T.VocabOptions(min_df=0.3, max_df=0.9)):
        want = D.term_counts(toks, documents=docs, options=opts)
        assert len(want) > 20
        for size in (1, 2):
            pd.testing.assert_frame_equal(D.term_counts(doc_batches(toks, docs, size), documents=docs, options=opts), want)
    hits = K.find_terms(toks, STORY.terms)
    want = K.term_rates(hits, toks, documents=docs, terms=STORY.terms)
    assert want["n"].sum() > 0
    for size in (1, 3):
        pd.testing.assert_frame_equal(K.term_rates(hits, doc_batches(toks, docs, size), documents=docs,
                                                   terms=STORY.terms), want)
    # coverage from a fresh corpus, counted per batch from the shards (nothing kept), equals the loaded tables' count
    fresh = analysis.build_corpus(progress=False)
    got = outlet_summary(fresh, max_chars=1)
    assert not fresh.tables_loaded
    assert got.equals(outlet_summary(c)) and got["words"].sum() == (~toks["is_punct"]).sum()
    parts = list(fresh.table_batches("sentences", ["outlet", "para_id"], max_chars=6_000))
    assert [len(p["doc_id"].unique()) for p in parts] == [2, 2, 1]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), c.sentences[["doc_id", "outlet", "para_id"]])
    with pytest.raises(KeyError, match="no sentences column"):
        next(fresh.table_batches("sentences", ["lemma"]))


# ----------------------------------------------------------------------- the store, a batch at a time
def test_table_written_a_part_at_a_time_reads_as_the_concatenated_parts(tmp_path):
    from analysis import store as S

    parts = [pd.DataFrame({"doc_id": ["a", "a"], "n": [1, 2], "who": [None, None], "score": [0.5, 1.5],
                           "tags": [["x"], []]}),
             pd.DataFrame({"doc_id": ["b"], "n": [3], "who": ["Ann"], "score": [2.0], "tags": [["y", "z"]]}),
             pd.DataFrame({"doc_id": pd.Series([], dtype="str"), "n": pd.Series([], dtype="int64"),
                           "who": pd.Series([], dtype=object), "score": pd.Series([], dtype=float),
                           "tags": pd.Series([], dtype=object)}),
             pd.DataFrame({"doc_id": ["c"], "n": [4.5], "who": [None], "score": [None], "tags": [["w"]]})]
    paths = [S.write_table(p, tmp_path / f"part{i}.parquet") for i, p in enumerate(parts)]
    schema = S.combined_schema(paths)
    assert schema is not None and str(schema.field("who").type) == "large_string" and str(schema.field("n").type) == "double"
    out = S.write_table_parts((S.read_arrow(p) for p in paths), tmp_path / "whole.parquet", schema=schema)
    whole = pd.concat([p for p in parts if len(p)], ignore_index=True)
    pd.testing.assert_frame_equal(S.read_table(out), S.read_table(S.write_table(whole, tmp_path / "once.parquet")))
    assert S.is_verified(out) and S.read_json(S.check_path(out))["rows"] == 4
    # a column Parquet stores as JSON in one part only, or of another type, cannot be combined without pandas
    mixed = S.write_table(pd.DataFrame({"doc_id": ["d"], "n": [5], "who": [None], "score": [1.0], "tags": [["v", 3]]}),
                          tmp_path / "mixed.parquet")
    assert S.combined_schema([paths[0], mixed]) is None
    other = S.write_table(pd.DataFrame({"doc_id": ["d"], "n": ["five"], "who": [None], "score": [1.0], "tags": [[]]}),
                          tmp_path / "other.parquet")
    assert S.combined_schema([paths[0], other]) is None
    assert S.combined_schema([paths[0], S.write_table(pd.DataFrame({"x": [1]}), tmp_path / "x.parquet")]) is None


def test_per_document_measure_written_a_batch_at_a_time_equals_the_concatenated_batches(tmp_path, monkeypatch):
    """``cache.per_document`` streams the batches into the measure's file; when their columns cannot be stored as
    one (an object column that Parquet stores as JSON in one batch only) it puts them together in pandas: the same
    table either way, and the same as the one-piece computation."""
    corpus = analysis.build_corpus(progress=False)

    def compute(c):
        rows = c.sentences[["doc_id", "sent_id", "n_tokens"]].copy()
        # an object column of strings, in one document also numbers (Parquet stores that batch's column as JSON)
        rows["mark"] = pd.Series([int(n) if s.startswith("001_") and int(s[-4:]) % 7 == 0 else s[-4:]
                                  for s, n in zip(rows["sent_id"], rows["n_tokens"])], dtype=object)
        return rows

    want = compute(corpus)
    written = []
    real = C.write_table_parts
    monkeypatch.setattr(C, "write_table_parts", lambda *a, **k: written.append(1) or real(*a, **k))
    for chars in (1, 6_000, 10**9):
        monkeypatch.setattr(C, "BATCH_CHARS", chars)
        out = C.per_document(corpus, tmp_path / f"cache-{chars}", compute, out=tmp_path / f"t-{chars}.parquet")
        got = read_store_table(out)
        pd.testing.assert_frame_equal(got, want)
    assert len(written) == 1   # one batch holds every document: its one part is streamed; the others are mixed

    def plain(c):
        return compute(c).assign(mark=lambda d: d["mark"].astype(str).astype(object))

    monkeypatch.setattr(C, "BATCH_CHARS", 1)
    out = C.per_document(corpus, tmp_path / "plain", plain, out=tmp_path / "plain.parquet")
    assert len(written) == 2
    pd.testing.assert_frame_equal(read_store_table(out), plain(corpus))
    # a corpus in another order computes nothing new and writes its own order
    shuffled = corpus.subset(corpus.documents["doc_id"])   # same documents
    shuffled.documents = corpus.documents.iloc[::-1].reset_index(drop=True)
    calls = []
    out = C.per_document(shuffled, tmp_path / "plain", lambda c: calls.append(1) or plain(c),
                         out=tmp_path / "reversed.parquet")
    assert not calls
    want = C.in_corpus_order(plain(corpus), shuffled.documents["doc_id"])
    pd.testing.assert_frame_equal(read_store_table(out), want)


def test_store_reads_a_large_table_back_when_asked_and_keeps_only_small_ones(tmp_path, monkeypatch):
    corpus = analysis.build_corpus(progress=False)
    store = M.MeasureStore(corpus, STORY, cache_dir=tmp_path, memory_bytes=20_000)
    path = store.path("actor_mentions")        # computed into its file, nothing read into memory
    assert path.exists() and not store._memory
    computed = []
    real = M.MEASURES["actor_mentions"].fn
    monkeypatch.setitem(M.MEASURES, "actor_mentions",
                        replace(M.MEASURES["actor_mentions"], fn=lambda *a, **k: computed.append(1) or real(*a, **k)))
    big = store.get("actor_mentions")
    assert big.memory_usage(deep=True).sum() > 20_000 and not store._memory and not computed
    small = store.get("coverage")
    assert list(store._memory) == [("coverage", store.key("coverage", store.resolve("coverage")))]
    assert store.get("coverage") is small
    pd.testing.assert_frame_equal(store.get("actor_mentions"), big)   # read again from its file
    unlimited = M.MeasureStore(corpus, STORY, cache_dir=tmp_path, memory_bytes=None)
    assert unlimited.get("actor_mentions") is unlimited.get("actor_mentions")
    with pytest.raises(ValueError, match="cache=False"):
        M.MeasureStore(corpus, STORY, cache=False).path("coverage")
