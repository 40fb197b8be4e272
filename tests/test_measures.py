"""Cached cleaning and cached measures: same results as uncached, invalidated by the right changes."""
from __future__ import annotations

import copy

import pandas as pd
import pytest

from analysis import measures as M
from analysis.cleaning import clean_corpus
from analysis.corpus import load_corpus
from analysis.pipeline import cached_clean


def test_cached_cleaning_equals_uncached_and_follows_the_documents(tmp_path):
    raw = load_corpus()
    direct = clean_corpus(raw.documents)
    first = cached_clean(raw.documents, cache_dir=tmp_path)
    assert len(list((tmp_path / "clean").glob("*.pkl"))) == 1
    again = cached_clean(raw.documents, cache_dir=tmp_path)
    for a, b, c in zip(first, again, (direct.documents, direct.paragraphs, direct.audit)):
        pd.testing.assert_frame_equal(a, b)
        pd.testing.assert_frame_equal(a, c)
    changed = raw.documents.copy()
    changed.loc[0, "text"] = changed.loc[0, "text"] + "\n\nRead more: something else entirely"
    docs, _, audit = cached_clean(changed, cache_dir=tmp_path)
    assert len(list((tmp_path / "clean").glob("*.pkl"))) == 2
    assert len(audit) == len(direct.audit) + 2


def test_cached_measures_equal_uncached(seed_corpus, tmp_path):
    cold = M.compute_measures(seed_corpus, cache_dir=tmp_path)
    assert set(cold) == set(M.MEASURES)
    assert len(list((tmp_path / "measures").glob("*.pkl"))) == len(M.MEASURES)
    warm = M.compute_measures(seed_corpus, cache_dir=tmp_path)
    fresh = M.compute_measures(seed_corpus, cache=False)
    for name in M.MEASURES:
        pd.testing.assert_frame_equal(warm[name], cold[name])
        pd.testing.assert_frame_equal(fresh[name], cold[name])
    assert len(cold["sentence_tone_vader"]) == len(seed_corpus.sentences)
    assert {"Huawei", "US government"} <= set(cold["actor_mentions"].group)


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


def test_fingerprint_changes_with_any_document(seed_corpus):
    fp = M.corpus_fingerprint(seed_corpus)
    other = copy.copy(seed_corpus)
    other.documents = seed_corpus.documents.copy()
    other.documents.loc[other.documents.index[-1], "text"] += " One more sentence."
    assert M.corpus_fingerprint(other) != fp
    other.documents = seed_corpus.documents.assign(outlet="Same Outlet")
    assert M.corpus_fingerprint(other) != fp
    assert M.corpus_fingerprint(seed_corpus) == fp


def test_command_writes_parquet(tmp_path):
    assert M.main(["--output-dir", str(tmp_path), "--which", "sentence_tone_vader", "term_counts"]) == 0
    t = pd.read_parquet(tmp_path / "measures" / "sentence_tone_vader.parquet")
    assert {"sent_id", "tone", "outlet"} <= set(t.columns) and len(t) > 50
    assert (tmp_path / "measures" / "term_counts.parquet").exists()
