"""Cached measures: same tables as uncached, invalidated by the right changes, written by one command."""
from __future__ import annotations

import copy

import pandas as pd
import pytest

import analysis
from analysis import measures as M
from analysis.synthetic import synthetic_corpus


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
