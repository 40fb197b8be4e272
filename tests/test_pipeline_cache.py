"""The cleaning cache: per-document Parquet entries, equal to uncached cleaning, invalidated by the right changes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis.corpus import clean as cleaning
from analysis.corpus import build as pipeline
from analysis.corpus.clean import clean_corpus
from analysis.corpus.load import load_corpus
from analysis.corpus.build import cached_clean, clean_cache_root
from analysis.corpus.synthetic import synthetic_corpus

BYOC = Path(__file__).parent / "data" / "byoc" / "articles.csv"


def _assert_same(cached, direct):
    for got, want in zip(cached, (direct.documents, direct.paragraphs, direct.audit)):
        pd.testing.assert_frame_equal(got, want)


def _count_cleaned(monkeypatch) -> list[int]:
    """Record how many documents each call of the real cleaning receives."""
    calls: list[int] = []
    real = pipeline.clean_corpus

    def counting(documents, **kw):
        calls.append(len(documents))
        return real(documents, **kw)

    monkeypatch.setattr(pipeline, "clean_corpus", counting)
    return calls


@pytest.mark.parametrize("source", ["seeds", "byoc", "synthetic", "empty"])
def test_cached_cleaning_equals_uncached(source, tmp_path):
    if source == "byoc" and not BYOC.exists():
        pytest.skip("no bring-your-own-corpus test data")
    docs = {"seeds": lambda: load_corpus().documents,
            "byoc": lambda: load_corpus(BYOC).documents,
            "synthetic": lambda: load_corpus(synthetic_corpus(40, seed=3)).documents,
            "empty": lambda: load_corpus().documents.iloc[:0]}[source]()
    direct = clean_corpus(docs)
    _assert_same(cached_clean(docs, cache_dir=tmp_path), direct)   # cold: cleans and writes
    _assert_same(cached_clean(docs, cache_dir=tmp_path), direct)   # warm: reads the Parquet entries
    if len(docs):
        assert list(clean_cache_root(tmp_path).glob("*-docs.parquet"))


def test_only_new_documents_are_cleaned(tmp_path, monkeypatch):
    calls = _count_cleaned(monkeypatch)
    full = load_corpus(synthetic_corpus(33, seed=5)).documents
    base = full.iloc[:30]
    cached_clean(base, cache_dir=tmp_path)
    cached_clean(base, cache_dir=tmp_path)
    _assert_same(cached_clean(full, cache_dir=tmp_path), clean_corpus(full))
    assert calls == [30, 3]
    # metadata is merged after the cache: a changed title is not a cache miss but shows in the result
    retitled = full.assign(title=None)
    _assert_same(cached_clean(retitled, cache_dir=tmp_path), clean_corpus(retitled))
    assert calls == [30, 3]


def test_outlet_boilerplate_invalidates_the_documents_that_contain_it(tmp_path, monkeypatch):
    calls = _count_cleaned(monkeypatch)
    body = "The ministry said on Monday that the network would be ready next year. It gave no date."
    rows = [{"doc_id": f"d{i}", "outlet": "Ledger", "text": f"Report {i} opens the day.\n\n{body} Item {i}."} for i in range(3)]
    rows[0]["text"] += "\n\nLedger Extra Edition"
    docs = load_corpus(pd.DataFrame(rows)).documents
    _assert_same(cached_clean(docs, cache_dir=tmp_path), clean_corpus(docs))
    # a second document with the same short line makes it outlet boilerplate: both documents re-clean
    rows[1]["text"] += "\n\nLedger Extra Edition"
    docs2 = load_corpus(pd.DataFrame(rows)).documents
    direct = clean_corpus(docs2)
    assert (direct.audit.rule == "outlet_boilerplate").sum() == 2
    _assert_same(cached_clean(docs2, cache_dir=tmp_path), direct)
    assert calls == [3, 2]   # d0 (same text, new boilerplate line) and d1 (new text); d2 from the cache


def test_rules_file_or_code_change_starts_a_fresh_cache(tmp_path, monkeypatch):
    docs = load_corpus().documents
    before = clean_cache_root(tmp_path)
    rules = tmp_path / "rules.yaml"
    shutil.copy(cleaning.DEFAULT_RULES, rules)
    monkeypatch.setattr(cleaning, "DEFAULT_RULES", rules)
    assert clean_cache_root(tmp_path) == before   # same content, same cache
    rules.write_text(rules.read_text() + "\n# edited\n")
    assert clean_cache_root(tmp_path) != before
    monkeypatch.setattr(pipeline, "CLEAN_CACHE_FORMAT", "test")
    assert clean_cache_root(tmp_path).name.startswith("vtest-")
    calls = _count_cleaned(monkeypatch)
    cached_clean(docs, cache_dir=tmp_path)
    assert calls == [len(docs)]


def test_cached_build_corpus_equals_cold(tmp_path):
    src = synthetic_corpus(12, seed=9)
    cold = analysis.build_corpus(src, cache_dir=tmp_path, progress=False, n_process=1)
    warm = analysis.build_corpus(src, cache_dir=tmp_path, progress=False, n_process=1)
    assert cold.parse_stats.n_parsed == 12 and warm.parse_stats.n_parsed == 0
    for name in ("documents", "paragraphs", "sentences", "tokens", "entities", "audit"):
        pd.testing.assert_frame_equal(getattr(warm, name), getattr(cold, name))


def test_tables_are_read_lazily_and_equal_the_eager_tables(tmp_path):
    from analysis.corpus.parse import parse_documents
    from analysis.corpus.build import _attach_paragraphs

    src = synthetic_corpus(8, seed=2)
    c = analysis.build_corpus(src, cache_dir=tmp_path, progress=False, n_process=1)
    assert not c.tables_loaded
    M = __import__("analysis.measures.registry", fromlist=["compute_measures"])
    story = analysis.load_story(analysis.story.SEEDS_STORY)
    M.compute_measures(c, story=story, cache_dir=tmp_path, which=["term_counts"])
    again = analysis.build_corpus(src, cache_dir=tmp_path, progress=False, n_process=1)
    M.compute_measures(again, story=story, cache_dir=tmp_path, which=["term_counts"])
    assert not again.tables_loaded   # measures from the cache: the token table was never read
    eager = parse_documents(c.documents, cache_dir=tmp_path, progress=False)
    pd.testing.assert_frame_equal(again.tokens, eager.tokens)
    pd.testing.assert_frame_equal(again.entities, eager.entities)
    pd.testing.assert_frame_equal(again.sentences, _attach_paragraphs(eager.sentences, c.paragraphs, c.documents))
    assert again.tables_loaded
