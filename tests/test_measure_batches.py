"""Memory at scale without changing a number: categorical token columns, per-document measures computed batch
by batch over tiny shards, tables read one at a time; every measure's table equals the one computed the way it
was before (string columns, the whole corpus in one piece)."""
from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis.corpus import parse
from analysis.corpus.build import Corpus
from analysis.corpus.shards import CATEGORICAL_COLUMNS, read_table, read_tables
from analysis.corpus.synthetic import synthetic_corpus
from analysis.measures import cache as C
from analysis.measures import registry as M
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
