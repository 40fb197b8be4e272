"""Synthetic corpus: unique, seeded, several outlets, and unchanged by cleaning."""
from __future__ import annotations

import pandas as pd

from analysis.corpus.clean import clean_corpus
from analysis.corpus.load import load_corpus
from analysis.corpus.parse import text_key
from analysis.corpus.synthetic import seed_sentences, synthetic_corpus, write_synthetic_corpus

POOL = [
    "Huawei was banned by the US in May after a long investigation.",
    "Washington said the company helps Beijing spy on its customers.",
    "Huawei denied the allegations and called the ban unfair.",
    "Russia chose Huawei to build its 5G network in Moscow.",
    "MTS signed the deal with Huawei in Moscow on Wednesday.",
    "The White House claims Huawei is a risk to national security.",
    "Britain allowed Huawei a limited role in its mobile networks.",
    "Analysts expect the trade war between the two countries to continue.",
]


def test_every_document_is_unique_and_the_draw_is_seeded():
    a = synthetic_corpus(300, seed=1, sentences=POOL, sentences_per_doc=(1, 3))
    assert a.doc_id.is_unique and a.text.map(text_key).is_unique
    assert a.outlet.nunique() == 5 and a.outlet.value_counts().min() == 60
    pd.testing.assert_frame_equal(a, synthetic_corpus(300, seed=1, sentences=POOL, sentences_per_doc=(1, 3)))
    assert not a.text.equals(synthetic_corpus(300, seed=2, sentences=POOL, sentences_per_doc=(1, 3)).text)


def test_documents_are_paragraphs_of_pool_sentences_used_once():
    df = synthetic_corpus(50, seed=3, sentences=POOL, sentences_per_doc=(4, 8))
    for text in df.text:
        paragraphs = text.split("\n\n")
        assert all(p.strip() == p and p for p in paragraphs)
        body = text.split(". ", 1)[1] if text.startswith("Dispatch") else text
        used = [s for s in POOL if s in body]
        assert 4 <= len(used) <= 8
        assert all(body.count(s) == 1 for s in used)
        assert all(len(p.split()) > 12 for p in paragraphs)


def test_synthetic_documents_survive_loading_and_cleaning_unchanged():
    df = synthetic_corpus(40, seed=4, sentences=POOL, sentences_per_doc=(2, 6))
    raw = load_corpus(df)
    assert raw.rejects.empty and raw.issues.empty
    clean = clean_corpus(raw.documents)
    assert clean.documents.text.astype(str).tolist() == df.text.tolist()
    assert (clean.audit.action.isin(["keep"]) | (clean.audit.raw_line.str.strip() == "")).all()


def test_written_csv_loads_as_a_corpus(tmp_path):
    path = write_synthetic_corpus(12, tmp_path / "syn.csv", seed=5, sentences=POOL)
    raw = load_corpus(path)
    assert len(raw.documents) == 12 and raw.rejects.empty
    assert raw.documents.date.notna().all() and set(raw.documents.outlet) <= set(synthetic_corpus(12, seed=5, sentences=POOL).outlet)


def test_default_pool_is_the_clean_seed_body_sentences():
    pool = seed_sentences()
    assert len(pool) > 50 and len(set(pool)) == len(pool)
    assert all(s[-1] in ".!?\"”’')" for s in pool)
    df = synthetic_corpus(5, seed=6)
    assert df.text.str.split().str.len().gt(100).all()
