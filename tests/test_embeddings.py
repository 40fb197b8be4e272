"""The embedding store: one vector per text, computed once, read back for every use; damage is repaired."""
from __future__ import annotations

import multiprocessing
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.measures import embeddings as E
from analysis.store import CacheDamageWarning, check_path

needs_embeddings = pytest.mark.skipif(not E.embeddings_available(), reason="sentence-transformers not installed")


@pytest.fixture(scope="module")
def seed_sentences(seed_corpus):
    s = seed_corpus.sentences
    return list(dict.fromkeys(s.loc[s.para_kind == "body", "text"].astype(str)))


class CountingModel:
    """The real model behind a wrapper that records every batch of texts it is asked to encode."""

    def __init__(self, model):
        self.model, self.batches = model, []

    def __getattr__(self, name):
        return getattr(self.model, name)

    def __getitem__(self, i):
        return self.model[i]

    def encode(self, texts, **kw):
        self.batches.append(list(texts))
        return self.model.encode(texts, **kw)

    @property
    def n_texts(self):
        return sum(len(b) for b in self.batches)


@pytest.fixture
def counting(monkeypatch):
    real = E.load_embedding_model()
    wrapper = CountingModel(real)
    monkeypatch.setattr(E, "load_embedding_model", lambda path=None: wrapper)
    return wrapper


def _fake(texts):
    """A stand-in model: a deterministic 6-dimensional vector per text."""
    return np.array([[len(t), t.count(" "), t.count("e"), len(set(t)), 1.0, sum(map(ord, t)) % 7] for t in texts],
                    dtype=np.float32)


def _keys(texts, model="fake"):
    return [E.text_key(t, model=model) for t in texts]


# ------------------------------------------------------------------------------------------ real model
@needs_embeddings
def test_a_sentence_gets_the_same_stored_vector_in_any_batch_or_corpus(tmp_path, seed_sentences):
    a, b = seed_sentences[:24], seed_sentences[12:60][::-1]          # overlapping, other neighbours, other order
    ea = E.embed_texts(a, cache_dir=tmp_path)
    eb = E.embed_texts(b, cache_dir=tmp_path)
    pos_b = {t: i for i, t in enumerate(b)}
    shared = [t for t in a if t in pos_b]
    assert len(shared) == 12
    for t in shared:   # bit for bit: the vector stored with the first batch is read back
        np.testing.assert_array_equal(ea[a.index(t)], eb[pos_b[t]])
    # the same sentences embedded alone in a fresh store: equal up to float noise only
    alone = np.vstack([E.embed_texts([t], cache_dir=tmp_path / "fresh") for t in shared[:4]])
    np.testing.assert_allclose(alone, eb[[pos_b[t] for t in shared[:4]]], atol=2e-6)
    np.testing.assert_allclose(np.linalg.norm(eb, axis=1), 1.0, atol=1e-5)


@needs_embeddings
def test_a_grown_corpus_embeds_only_its_new_sentences(tmp_path, seed_sentences, counting):
    first, grown = seed_sentences[:30], seed_sentences[:30] + seed_sentences[30:40]
    E.embed_texts(first + first[:5], cache_dir=tmp_path)        # a repeated sentence is embedded once
    assert counting.n_texts == 30
    E.embed_texts(grown, cache_dir=tmp_path)
    assert counting.n_texts == 40 and set(counting.batches[-1]) == set(seed_sentences[30:40])
    E.embed_texts(grown[::-1], cache_dir=tmp_path)              # nothing new: no model call at all
    assert len(counting.batches) == 2
    # the misses are handed to the model shortest first (similar lengths share a batch)
    lengths = [len(t) for t in counting.batches[0]]
    assert lengths == sorted(lengths)


@needs_embeddings
def test_sentence_tone_target_tone_and_the_frame_classifier_share_one_vector(tmp_path, seed_sentences):
    from analysis.measures.target_tone import embed_spans
    from analysis.validate.frame_classifier import embed_documents

    s = seed_sentences[3]
    sent, span = embed_spans([seed_sentences[7], s], [(1, 0, 6)], cache_dir=tmp_path)
    e = E.embed_texts([s, seed_sentences[7]], cache_dir=tmp_path)
    np.testing.assert_array_equal(sent, e[::-1])
    doc = embed_documents([s], cache_dir=tmp_path)                # one chunk: the sentence itself
    np.testing.assert_array_equal(doc[0], e[0])
    again, span2 = embed_spans([s], [(0, 0, 6)], cache_dir=tmp_path)
    np.testing.assert_array_equal(span2, span)
    assert E.embedding_store(cache_dir=tmp_path, kind="span").stats()["entries"] == 1


# --------------------------------------------------------------------------------------- store mechanics
def test_get_returns_input_order_and_existing_entries_win(tmp_path):
    store = E.EmbeddingStore(tmp_path)
    texts = ["one two", "three", "one two", "four five six"]
    v = store.get(_keys(texts), texts, _fake)
    np.testing.assert_array_equal(v, _fake(texts))
    # a second writer with other numbers for a stored text does not replace it
    other = store.add(_keys(["three", "seven"]), np.full((2, 6), 9.0))
    np.testing.assert_array_equal(other[0], _fake(["three"])[0])
    np.testing.assert_array_equal(other[1], np.full(6, 9.0))
    assert len(store) == 4
    found = store.lookup(_keys(["seven", "nope"]))[1]
    assert found.tolist() == [True, False]


def test_a_missing_text_is_computed_once_and_in_pieces(tmp_path):
    calls = []

    def compute(texts):
        calls.append(list(texts))
        return _fake(texts)

    store = E.EmbeddingStore(tmp_path)
    texts = [f"sentence number {i} " + "x" * (i % 5) for i in range(10)] * 2
    store.get(_keys(texts), texts, compute, piece_rows=4)
    assert [len(c) for c in calls] == [4, 4, 2] and store.stats()["segments"] == 3
    assert sum(len(c) for c in calls) == 10


def test_small_segments_are_merged_without_losing_an_entry(tmp_path):
    store = E.EmbeddingStore(tmp_path, max_small_segments=4, segment_rows=6)
    texts = [f"text {i}" for i in range(14)]
    for t in texts:
        store.get(_keys([t]), [t], _fake)
    st = store.stats()
    assert st["entries"] == 14 and st["segments"] <= 5
    fresh = E.EmbeddingStore(tmp_path)          # another process's view
    v, found = fresh.lookup(_keys(texts))
    assert found.all()
    np.testing.assert_array_equal(v, _fake(texts))
    assert not list(tmp_path.glob(".*.tmp"))


def _worker(args):
    folder, seed = args
    store = E.EmbeddingStore(folder)
    texts = [f"shared text {i}" for i in range(50)]
    rng = np.random.default_rng(seed)
    return store.get(_keys(texts), texts, lambda ts: rng.normal(size=(len(ts), 4)).astype(np.float32), piece_rows=7)


def test_processes_adding_the_same_texts_agree_on_one_vector(tmp_path):
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(3) as pool:
        results = pool.map(_worker, [(str(tmp_path), s) for s in range(3)])
    stored, found = E.EmbeddingStore(tmp_path).lookup(_keys([f"shared text {i}" for i in range(50)]))
    assert found.all() and len(E.EmbeddingStore(tmp_path)) == 50
    for r in results:          # every process returned the stored vector, whichever process computed it
        np.testing.assert_array_equal(r, stored)


# ------------------------------------------------------------------------------------------- damage
def _filled(tmp_path, n=8):
    store = E.EmbeddingStore(tmp_path)
    texts = [f"a text of {i} words" for i in range(n)]
    first = store.get(_keys(texts), texts, _fake)
    (seg,) = tmp_path.glob("seg-*.npy")
    return texts, first, seg


def _recount(tmp_path, texts):
    calls = []

    def compute(ts):
        calls.append(len(ts))
        return _fake(ts)

    return E.EmbeddingStore(tmp_path).get(_keys(texts), texts, compute), sum(calls)


def test_a_corrupted_vector_segment_is_removed_with_a_warning_and_rebuilt(tmp_path):
    texts, first, seg = _filled(tmp_path)
    raw = bytearray(seg.read_bytes())
    raw[-5] ^= 0xFF
    seg.write_bytes(bytes(raw))
    with pytest.warns(CacheDamageWarning, match=seg.name):
        again, n = _recount(tmp_path, texts)
    assert n == len(texts)
    np.testing.assert_array_equal(again, first)
    assert not seg.exists() and len(list(tmp_path.glob("seg-*.keys.parquet"))) == 1


def test_a_truncated_segment_and_a_damaged_index_are_rebuilt(tmp_path):
    texts, first, seg = _filled(tmp_path)
    seg.write_bytes(seg.read_bytes()[:100])
    with pytest.warns(CacheDamageWarning, match="bytes"):
        again, n = _recount(tmp_path, texts)
    assert n == len(texts)
    np.testing.assert_array_equal(again, first)
    # now the index: a keys file cut short
    (keys,) = tmp_path.glob("seg-*.keys.parquet")
    keys.write_bytes(keys.read_bytes()[:50])
    with pytest.warns(CacheDamageWarning, match="keys.parquet"):
        again, n = _recount(tmp_path, texts)
    assert n == len(texts)
    np.testing.assert_array_equal(again, first)
    # the vectors the lost index pointed at are not kept as an orphan
    assert len(list(tmp_path.glob("seg-*.npy"))) == len(list(tmp_path.glob("seg-*.keys.parquet"))) == 1


def test_vectors_without_a_check_file_or_of_the_wrong_length_are_rebuilt(tmp_path):
    texts, first, seg = _filled(tmp_path)
    check_path(seg).unlink()
    with pytest.warns(CacheDamageWarning, match="unchecked"):
        again, n = _recount(tmp_path, texts)
    assert n == len(texts)
    # a segment whose array has fewer rows than its keys (a valid file of another entry put in its place)
    (seg,) = tmp_path.glob("seg-*.npy")
    from analysis.store import save_array

    save_array(seg, np.zeros((3, 6), dtype=np.float32))
    with pytest.warns(CacheDamageWarning, match="3 vectors|\\(3, 6\\)"):
        again, n = _recount(tmp_path, texts)
    assert n == len(texts)
    np.testing.assert_array_equal(again, first)


def test_no_pickle_an_object_array_in_a_segment_is_refused(tmp_path):
    texts, first, seg = _filled(tmp_path)
    marker = tmp_path / "PWNED"

    class Boom:
        def __reduce__(self):
            import pathlib

            return (pathlib.Path.touch, (marker,))

    from analysis.store import file_sha256, write_json

    with open(seg, "wb") as fh:
        np.save(fh, np.array([Boom()] * len(texts), dtype=object), allow_pickle=True)
    write_json(check_path(seg), {"entry": seg.name, "bytes": seg.stat().st_size, "sha256": file_sha256(seg),
                                 "rows": len(texts)})
    with pytest.warns(CacheDamageWarning):
        again, n = _recount(tmp_path, texts)
    assert not marker.exists() and n == len(texts)
    np.testing.assert_array_equal(again, first)
    keys = pd.read_parquet(next(tmp_path.glob("seg-*.keys.parquet")))   # plain integers: the keys' two halves
    assert keys.columns.tolist() == ["key_hi", "key_lo"] and keys.dtypes.eq(np.uint64).all()
    assert {f"{h:016x}{lo:016x}" for h, lo in zip(keys.key_hi, keys.key_lo)} == set(_keys(texts))


def test_keys_depend_on_model_kind_extra_and_text():
    base = E.text_key("Acme won.", model="m")
    assert len({base, E.text_key("Acme won.", model="m2"), E.text_key("Acme won.", model="m", kind="span"),
                E.text_key("Acme won.", model="m", extra="w8:0:4"), E.text_key("Acme won!", model="m")}) == 5
    with pytest.raises(ValueError, match="kind"):
        E.embedding_store(cache_dir="/tmp", kind="../x")


def test_one_folder_holds_one_vector_length(tmp_path):
    store = E.EmbeddingStore(tmp_path)
    store.add(_keys(["a"]), np.ones((1, 4)))
    with pytest.raises(ValueError, match="dimensions"):
        store.add(_keys(["a", "b"]), np.ones((2, 5)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # nothing damaged: no warning
        assert store.dim == 4


def test_an_index_of_another_layout_is_rebuilt_not_raised(tmp_path):
    from analysis.store import write_table

    texts, first, seg = _filled(tmp_path)
    (keys,) = tmp_path.glob("seg-*.keys.parquet")
    write_table(pd.DataFrame({"key": _keys(texts)}), keys)      # a valid table, but not this store's columns
    with pytest.warns(CacheDamageWarning, match="key_hi"):
        again, n = _recount(tmp_path, texts)
    assert n == len(texts)
    np.testing.assert_array_equal(again, first)
