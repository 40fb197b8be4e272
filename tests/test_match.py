"""The one matcher layer (analysis.measures.match): rules, overlap policy, cache keying and the table path."""
from __future__ import annotations

import pandas as pd
import pytest
import spacy
from spacy.tokens import Doc

from analysis.measures import match as M


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def _doc(nlp, words, lemmas=None, sent_starts=None):
    return Doc(nlp.vocab, words=words, lemmas=lemmas or [w.lower() for w in words], sent_starts=sent_starts)


def _labels(doc, matches):
    return [(m.label, doc[m.start:m.end].text) for m in matches]


def test_longest_match_wins_even_when_it_starts_later(nlp):
    doc = _doc(nlp, ["a", "US", "effort", "to", "lobby", "and", "a", "trade", "ban", "ban"])
    rule = M.lexicon_rule
    lex = M.Lexicon((rule("phrase", "effort", "US effort"), rule("phrase", "effort", "effort to lobby"),
                     rule("words", "ban", ["ban"]), rule("words", "trade ban", ["trade", "ban"])))
    assert _labels(doc, M.match_doc(doc, lex)) == [
        ("effort", "effort to lobby"), ("trade ban", "trade ban"), ("ban", "ban")]
    every = M.match_doc(doc, lex, overlaps=True)
    assert ("effort", "US effort") in _labels(doc, every) and len(every) == 5


def test_a_word_matches_its_lemma_or_its_lowercase_form(nlp):
    doc = _doc(nlp, ["Allegations", "of", "spying", "allegations"], lemmas=["allegation", "of", "spy", "allegation"])
    assert _labels(doc, M.match_doc(doc, M.term_lexicon(["allegation"]))) == [
        ("allegation", "Allegations"), ("allegation", "allegations")]
    assert M.match_doc(doc, M.term_lexicon(["allegation"], attrs=["LOWER"])) == []
    # each word of a multi-word term may match by either form ("spying" by its form, "allegations" by lemma)
    assert _labels(doc, M.match_doc(doc, M.term_lexicon(["spying allegation"]))) == [
        ("spying allegation", "spying allegations")]


def test_multiword_matches_stay_inside_one_sentence(nlp):
    doc = _doc(nlp, ["trade", "war", "trade", "war"], sent_starts=[True, False, False, True])
    assert _labels(doc, M.match_doc(doc, M.term_lexicon(["trade war"]))) == [("trade war", "trade war")]


def test_alias_case_rule(nlp):
    lex = M.alias_lexicon([("the US", "US government"), ("US", "US government"), ("White House", "US government"),
                           ("Huawei's founder", "Ren Zhengfei")])
    texts = ["The US said", "the us said", "us", "white House", "White house", "White\nHouse",
             "White   House", "Huawei\u2019s founder"]
    got = M.match_texts(texts, lex)
    assert got[0] == [(0, 6, "US government")]         # first letter folded, "the US" beats "US"
    assert got[1] == [] and got[2] == []                # the pronoun "us" is not the US
    assert got[3] == [(0, 11, "US government")]         # the first character is case-insensitive ...
    assert got[4] == []                                 # ... the others are not
    assert got[5] == [(0, 11, "US government")] and got[6] == [(0, 13, "US government")]  # line breaks, runs
    assert got[7] == [(0, 16, "Ren Zhengfei")]          # curly apostrophe


def test_span_input_reports_doc_offsets(nlp):
    doc = nlp("The ban and the trade ban.")
    span = doc[3:6]
    assert [(m.start, m.end) for m in M.match_doc(span, M.term_lexicon(["trade ban"]))] == [(4, 6)]


def test_pos_conditions_and_dependency_and_entity_rules():
    from analysis.corpus.parse import load_model

    doc = load_model()("In May, Washington may ban Huawei.")
    lex = M.Lexicon((M.lexicon_rule("words", "hedge", ["may"], pos_not_in=["PROPN"]),
                     M.lexicon_rule("entity", "place", ["GPE"])))
    assert _labels(doc, M.match_doc(doc, lex)) == [("place", "Washington"), ("hedge", "may")]


def test_equal_content_is_one_lexicon_and_other_content_is_another():
    a, b = M.term_lexicon(["ban", "war"]), M.term_lexicon(["war", "ban"])
    assert M.term_lexicon(["ban", "war"]) == a and hash(M.term_lexicon(["ban", "war"])) == hash(a)
    assert a != b  # order is part of the content (it decides the label order of equal spans)
    assert M.alias_lexicon([("US", "A")]) != M.alias_lexicon([("US", "B")])
    with pytest.raises(ValueError, match="kind"):
        M.Lexicon((("regex", "x", "y", {}),))


def test_cache_is_bounded_and_never_returns_another_lexicons_matcher(nlp):
    """The old id()-keyed caches returned a stale matcher once CPython reused a freed object's id."""
    words = [f"w{i}" for i in range(3 * M.COMPILED_CACHE_SIZE)] + ["claim", "reportedly"]
    doc = _doc(nlp, words)
    for i in range(3 * M.COMPILED_CACHE_SIZE):
        for term in (words[i], "claim", "reportedly"):
            lex = M.term_lexicon([term])  # a fresh object each time, dropped right after
            assert [m.label for m in M.match_doc(doc, lex)] == [term]
            del lex  # freed at once: an id()-keyed cache would hand its id's matcher to the next one
        assert M.matcher_cache_info().currsize <= M.COMPILED_CACHE_SIZE
    assert M.matcher_cache_info().maxsize == M.COMPILED_CACHE_SIZE


def test_a_lexicon_is_compiled_for_each_vocab(nlp):
    lex = M.term_lexicon(["ban"])
    other = spacy.blank("en").vocab
    a, b = M.compile_lexicon(lex, nlp.vocab), M.compile_lexicon(lex, other)
    assert a is not b and a.vocab is nlp.vocab and b.vocab is other
    assert M.compile_lexicon(lex, nlp.vocab) is a


def test_table_rows_continue_only_within_a_sentence_and_without_gaps():
    t = pd.DataFrame({"doc_id": ["d"] * 6 + ["e"], "sent_id": ["s0", "s0", "s1", "s1", "s1", "s1", "e0"],
                      "token_i": [0, 1, 2, 3, 5, 6, 0],
                      "text": ["trade", "war", "trade", "trade", "war", "trade", "war"]})
    got = M.match_tokens(t, M.term_lexicon(["trade war", "war"]), fields=("text",))
    assert got.values.tolist() == [["trade war", 0, 2], ["war", 4, 5], ["war", 6, 7]]
    with pytest.raises(KeyError, match="pos"):
        M.match_tokens(t, M.term_lexicon(["war"]), fields=("pos",))


def test_the_table_path_and_the_doc_path_agree_on_the_seeds(seed_corpus):
    from analysis.measures.kwic import find_terms
    from analysis.story import SEEDS_STORY, load_story

    terms = load_story(SEEDS_STORY).terms
    table = find_terms(seed_corpus.tokens, terms)
    lex = M.term_lexicon(terms.term)
    from_docs = []
    for doc_id, doc in seed_corpus.docs():
        for m in M.match_doc(doc, lex):
            from_docs.append((doc_id, doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1]), m.label))
    assert len(table) > 50
    expected = table[["doc_id", "start_char", "end_char", "term"]].itertuples(index=False, name=None)
    assert sorted(from_docs) == sorted(expected)
