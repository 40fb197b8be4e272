"""Documents longer than the model's ``max_length`` are parsed in pieces; offsets index the whole text."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import iter_docs, load_corpus
from analysis.corpus.parse import ALL_COMPONENTS, load_model, parse_documents, split_long_text

CONGESTION = Path(__file__).parent / "data" / "congestion" / "articles.csv"


@pytest.fixture(scope="module")
def long_doc() -> pd.DataFrame:
    texts = load_corpus(CONGESTION).documents.text.astype(str).tolist()
    text = "\n\n".join(texts[:4])  # four real articles as one document of several thousand characters
    return pd.DataFrame({"doc_id": ["long"], "text": [text]})


def test_split_pieces_join_back_and_respect_the_limit(long_doc):
    text = long_doc.text.iloc[0]
    for limit in (50, 400, 1000, len(text)):
        pieces = split_long_text(text, limit)
        assert "".join(pieces) == text
        assert all(0 < len(p) <= limit for p in pieces)
    # at 1000 characters every cut falls after a paragraph break
    assert all(p.endswith("\n\n") for p in split_long_text(text, 1000)[:-1])
    assert split_long_text("a" * 7, 3) == ["aaa", "aaa", "a"]


def test_document_longer_than_max_length_is_parsed_with_offsets_into_its_text(long_doc, tmp_path, monkeypatch):
    text = long_doc.text.iloc[0]
    whole = parse_documents(long_doc, cache_dir=tmp_path / "whole", progress=False)
    nlp = load_model(components=ALL_COMPONENTS)  # the pipeline parse_documents uses
    monkeypatch.setattr(nlp, "max_length", 1000)
    assert len(text) > 3 * nlp.max_length
    pieces = parse_documents(long_doc, cache_dir=tmp_path / "pieces", progress=False)
    s, t = pieces.sentences, pieces.tokens
    assert len(s) > 20
    for row in s.itertuples():
        assert text[row.start_char:row.end_char] == row.text
    for row in t.sample(200, random_state=0).itertuples():
        assert text[row.start_char:row.start_char + len(row.text)] == row.text
    # paragraph breaks are sentence boundaries anyway, so cutting at them changes no sentence or token
    assert s.text.tolist() == whole.sentences.text.tolist()
    assert t.text.tolist() == whole.tokens.text.tolist()
    assert len(pieces.entities) > 0
    # the Doc in the cache is one Doc of the whole text
    (doc_id, doc), = list(iter_docs(pieces))
    assert doc_id == "long" and doc.text == text


def test_build_corpus_with_a_long_document_keeps_every_document(long_doc, tmp_path, monkeypatch):
    """One over-long document no longer stops the build (it used to fail with E088 after cleaning)."""
    import analysis

    nlp = load_model(components=ALL_COMPONENTS)
    monkeypatch.setattr(nlp, "max_length", 1500)
    docs = pd.concat([long_doc.assign(outlet="Long Outlet"),
                      pd.DataFrame({"doc_id": ["short"], "outlet": ["Other"], "text": ["A short note on the vote."]})],
                     ignore_index=True)
    c = analysis.build_corpus(docs, cache_dir=tmp_path, progress=False)
    assert c.documents.doc_id.tolist() == ["long", "short"] and c.rejects.empty
    clean = c.documents.set_index("doc_id").text
    assert len(clean["long"]) > 3 * nlp.max_length
    for row in c.sentences.itertuples():
        assert clean[row.doc_id][row.start_char:row.end_char] == row.text
    assert set(c.sentences.doc_id) == {"long", "short"}
