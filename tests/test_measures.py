"""Cached measures: same tables as uncached, invalidated by the right changes, written by one command."""
from __future__ import annotations

import copy

import pandas as pd
import pytest

import analysis
from analysis.measures import registry as M
from analysis.corpus.synthetic import synthetic_corpus


def test_cached_measures_equal_uncached(seed_corpus, tmp_path):
    cold = M.compute_measures(seed_corpus, cache_dir=tmp_path)
    assert set(cold) == set(M.MEASURES)
    assert len(list((tmp_path / "measures").glob("*.parquet"))) == len(M.MEASURES)
    warm = M.compute_measures(seed_corpus, cache_dir=tmp_path)
    fresh = M.compute_measures(seed_corpus, cache=False)
    for name in M.MEASURES:
        pd.testing.assert_frame_equal(warm[name], fresh[name])
        pd.testing.assert_frame_equal(cold[name], fresh[name])
    assert len(cold["sentence_tone_vader"]) == len(seed_corpus.sentences)
    assert {"Huawei", "US government"} <= set(cold["actor_mentions"].group)
    assert len(cold["framing_term_hits"]) and len(cold["frame_codes"])


def test_cache_is_read_not_recomputed(seed_corpus, tmp_path, monkeypatch):
    M.compute_measures(seed_corpus, which=["term_counts"], cache_dir=tmp_path)

    def boom(c, **kw):
        raise AssertionError("recomputed")

    monkeypatch.setitem(M.MEASURES, "term_counts", M.Measure(boom, M.MEASURES["term_counts"].depends_on,
                                                             M.MEASURES["term_counts"].params))
    M.compute_measures(seed_corpus, which=["term_counts"], cache_dir=tmp_path)
    with pytest.raises(AssertionError, match="recomputed"):
        M.compute_measures(seed_corpus, which=["term_counts"], cache_dir=tmp_path, params={"term_counts": {"min_df": 2}})


def test_parameter_change_invalidates(seed_corpus, tmp_path):
    default = M.compute_measures(seed_corpus, which=["term_counts"], cache_dir=tmp_path)["term_counts"]
    strict = M.compute_measures(seed_corpus, which=["term_counts"], cache_dir=tmp_path,
                                params={"term_counts": {"min_df": 2}})["term_counts"]
    assert len(list((tmp_path / "measures").glob("term_counts-*.parquet"))) == 2
    assert len(strict) < len(default)
    pd.testing.assert_frame_equal(strict, M.compute_measures(seed_corpus, which=["term_counts"], cache=False,
                                                             params={"term_counts": {"min_df": 2}})["term_counts"])
    # the defaults spelled out are the same key as no override
    same = M.measure_cache_path(seed_corpus, "term_counts", cache_dir=tmp_path, params={"min_df": 1})
    assert same == M.measure_cache_path(seed_corpus, "term_counts", cache_dir=tmp_path)


def test_changed_data_file_invalidates_only_its_measure(seed_corpus, tmp_path, monkeypatch):
    dep = tmp_path / "my_dictionary.yaml"
    dep.write_text("words: [ban]\n")
    calls = []
    fake = M.Measure(lambda c: calls.append(1) or pd.DataFrame({"n": [len(c.sentences)]}), (str(dep),))
    monkeypatch.setitem(M.MEASURES, "fake", fake)
    M.compute_measures(seed_corpus, which=["fake", "term_counts"], cache_dir=tmp_path)
    M.compute_measures(seed_corpus, which=["fake"], cache_dir=tmp_path)
    assert len(calls) == 1
    before = M.measure_cache_path(seed_corpus, "term_counts", cache_dir=tmp_path)
    dep.write_text("words: [ban, sanction]\n")
    M.compute_measures(seed_corpus, which=["fake"], cache_dir=tmp_path)
    assert len(calls) == 2
    assert M.measure_cache_path(seed_corpus, "term_counts", cache_dir=tmp_path) == before
    with pytest.raises(KeyError, match="unknown measure"):
        M.compute_measures(seed_corpus, which=["no_such_measure"])


def test_real_codebook_file_is_part_of_the_key(seed_corpus, tmp_path, monkeypatch):
    """Editing the packaged codebook YAML changes frame_codes' key and no other measure's."""
    book = tmp_path / "pkg" / "codebooks" / "semetko_valkenburg.yaml"
    book.parent.mkdir(parents=True)
    book.write_bytes((M.PACKAGE_ROOT / "codebooks" / "semetko_valkenburg.yaml").read_bytes())
    keys = {n: M.measure_cache_path(seed_corpus, n, cache_dir=tmp_path) for n in M.MEASURES}
    dep = tuple(str(book) if d.startswith("codebooks/") else d for d in M.MEASURES["frame_codes"].depends_on)
    monkeypatch.setitem(M.MEASURES, "frame_codes", M.Measure(M.MEASURES["frame_codes"].fn, dep,
                                                             M.MEASURES["frame_codes"].params))
    unedited = M.measure_cache_path(seed_corpus, "frame_codes", cache_dir=tmp_path)
    assert M.measure_cache_path(seed_corpus, "frame_codes", cache_dir=tmp_path) == unedited
    book.write_text(book.read_text() + "\n# edited\n")
    assert M.measure_cache_path(seed_corpus, "frame_codes", cache_dir=tmp_path) != unedited
    assert all(M.measure_cache_path(seed_corpus, n, cache_dir=tmp_path) == keys[n] for n in M.MEASURES if n != "frame_codes")


def test_fingerprint_changes_with_any_document(seed_corpus):
    fp = M.corpus_fingerprint(seed_corpus)
    other = copy.copy(seed_corpus)
    other.documents = seed_corpus.documents.copy()
    other.documents.loc[other.documents.index[-1], "text"] += " One more sentence."
    assert M.corpus_fingerprint(other) != fp
    other.documents = seed_corpus.documents.assign(outlet="Same Outlet")
    assert M.corpus_fingerprint(other) != fp
    other.documents = seed_corpus.documents.iloc[::-1]
    assert M.corpus_fingerprint(other) != fp   # tables follow corpus order
    assert M.corpus_fingerprint(seed_corpus) == fp


def test_synthetic_corpus_new_document_recomputes(tmp_path):
    """On a small generated corpus: cached == uncached, and one more document is a new fingerprint."""
    src = synthetic_corpus(13, seed=11)
    small = analysis.build_corpus(src.iloc[:12], cache_dir=tmp_path, progress=False, n_process=1)
    grown = analysis.build_corpus(src, cache_dir=tmp_path, progress=False, n_process=1)
    assert grown.parse_stats.n_parsed == 1
    assert M.corpus_fingerprint(small) != M.corpus_fingerprint(grown)
    for c in (small, grown):
        cached = M.compute_measures(c, cache_dir=tmp_path, which=["sentence_tone_vader", "framing_term_rates"])
        again = M.compute_measures(c, cache_dir=tmp_path, which=["sentence_tone_vader", "framing_term_rates"])
        fresh = M.compute_measures(c, cache=False, which=["sentence_tone_vader", "framing_term_rates"])
        for name in fresh:
            pd.testing.assert_frame_equal(cached[name], fresh[name])
            pd.testing.assert_frame_equal(again[name], fresh[name])
    assert len(list((tmp_path / "measures").glob("sentence_tone_vader-*.parquet"))) == 2
    assert len(cached["sentence_tone_vader"]) == len(grown.sentences)


def test_command_writes_parquet(tmp_path):
    assert M.main(["--output-dir", str(tmp_path), "--which", "sentence_tone_vader", "term_counts"]) == 0
    t = pd.read_parquet(tmp_path / "measures" / "sentence_tone_vader.parquet")
    assert {"sent_id", "tone", "outlet"} <= set(t.columns) and len(t) > 50
    assert (tmp_path / "measures" / "term_counts.parquet").exists()


PER_DOC = [n for n, m in M.MEASURES.items() if m.per_document]


def _recording(monkeypatch, seen):
    from dataclasses import replace

    for name in PER_DOC:
        m = M.MEASURES[name]

        def fn(c, _fn=m.fn, _name=name, **kw):
            seen.setdefault(_name, []).append(sorted(c.documents.doc_id.astype(str)))
            return _fn(c, **kw)

        monkeypatch.setitem(M.MEASURES, name, replace(m, fn=fn))


def test_grown_corpus_computes_per_document_measures_only_for_new_documents(seed_corpus, tmp_path, monkeypatch):
    """Tone, actor mentions, term hits and frame codes depend on one document each: after the corpus grows
    by one document only that document is computed, and every table equals the uncached whole-corpus one."""
    assert set(PER_DOC) == {"sentence_tone_vader", "actor_mentions", "framing_term_hits", "frame_codes"}
    ids = seed_corpus.documents.doc_id.astype(str).tolist()
    seen: dict[str, list] = {}
    _recording(monkeypatch, seen)
    first = seed_corpus.subset(ids[:-1])
    assert first.documents.doc_id.tolist() == ids[:-1] and set(first.sentences.doc_id) == set(ids[:-1])
    M.compute_measures(first, cache_dir=tmp_path)
    assert all(seen[n] == [sorted(ids[:-1])] for n in PER_DOC)
    seen.clear()
    grown = M.compute_measures(seed_corpus, cache_dir=tmp_path)
    assert all(seen[n] == [[ids[-1]]] for n in PER_DOC), seen
    fresh = M.compute_measures(seed_corpus, cache=False)
    for name in M.MEASURES:
        pd.testing.assert_frame_equal(grown[name], fresh[name])
    # rows come grouped by document in corpus order
    for name in PER_DOC:
        order = grown[name].doc_id.map({d: i for i, d in enumerate(ids)})
        assert order.is_monotonic_increasing
    # a reordered corpus (new fingerprint) is assembled from the per-document cache without computing
    seen.clear()
    rev = seed_corpus.subset(ids)
    rev.documents = seed_corpus.documents.iloc[::-1].reset_index(drop=True)
    again = M.compute_measures(rev, cache_dir=tmp_path, which=PER_DOC)
    assert seen == {}
    assert again["actor_mentions"].doc_id.iloc[0] == ids[-1]


def test_per_document_cache_on_another_corpus(tmp_path, monkeypatch):
    """The hand-made bring-your-own-corpus data (30 articles, three outlets): built in two steps, the
    per-document tables equal the uncached ones, and a changed title re-computes only that document."""
    from pathlib import Path

    src = Path(__file__).parent / "data" / "byoc" / "articles.csv"
    full = analysis.build_corpus(src, cache_dir=tmp_path, progress=False, n_process=1)
    ids = full.documents.doc_id.astype(str).tolist()
    M.compute_measures(full.subset(ids[::2]), cache_dir=tmp_path, which=PER_DOC)
    seen: dict[str, list] = {}
    _recording(monkeypatch, seen)
    got = M.compute_measures(full, cache_dir=tmp_path, which=PER_DOC)
    assert all(seen[n] == [sorted(ids[1::2])] for n in PER_DOC)
    fresh = M.compute_measures(full, cache=False, which=PER_DOC)
    for name in PER_DOC:
        pd.testing.assert_frame_equal(got[name], fresh[name])
    seen.clear()
    retitled = full.subset(ids)
    retitled.documents = full.documents.assign(title=full.documents.title.where(full.documents.doc_id != ids[3], "New"))
    M.compute_measures(retitled, cache_dir=tmp_path, which=PER_DOC)
    assert all(seen[n] == [[ids[3]]] for n in PER_DOC)
    # the same articles read from another file (other ``source`` values, other row order) need no computing
    seen.clear()
    moved = tmp_path / "moved.csv"
    pd.read_csv(src).iloc[::-1].to_csv(moved, index=False)
    again = analysis.build_corpus(moved, cache_dir=tmp_path, progress=False, n_process=1)
    assert again.parse_stats.n_parsed == 0 and set(again.documents.source) != set(full.documents.source)
    M.compute_measures(again, cache_dir=tmp_path, which=PER_DOC)
    assert seen == {}


def test_term_rates_reuse_the_term_hits_just_computed(seed_corpus, tmp_path, monkeypatch):
    import analysis.measures.kwic as K

    alone = M.compute_measures(seed_corpus, which=["framing_term_rates"], cache=False)["framing_term_rates"]
    calls = []
    real = K.find_terms
    monkeypatch.setattr(K, "find_terms", lambda *a, **k: calls.append(1) or real(*a, **k))
    both = M.compute_measures(seed_corpus, which=["framing_term_hits", "framing_term_rates"], cache=False)
    assert len(calls) == 1  # the rates were counted from the hits table, not from a second search
    pd.testing.assert_frame_equal(both["framing_term_rates"], alone)
    # hits read back from the cache (a Parquet round trip) give the same rates
    M.compute_measures(seed_corpus, which=["framing_term_hits"], cache_dir=tmp_path)
    calls.clear()
    again = M.compute_measures(seed_corpus, which=["framing_term_hits", "framing_term_rates"], cache_dir=tmp_path)
    assert calls == []
    pd.testing.assert_frame_equal(again["framing_term_rates"], alone)
    # different fields: the hits do not fit, so the rates search again
    other = M.compute_measures(seed_corpus, which=["framing_term_hits", "framing_term_rates"], cache=False,
                               params={"framing_term_hits": {"fields": ["lower"]}})
    assert len(calls) == 2
    pd.testing.assert_frame_equal(other["framing_term_rates"], alone)
