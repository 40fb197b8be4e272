"""Tests for analysis.measures.kwic: term finding, rates and keyword-in-context lines."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from analysis import viz

from analysis.measures import kwic as K


def toy(texts: dict[str, list[str]], lemmas: dict[str, str] | None = None):
    """{doc_id: [sentence, ...]} -> (tokens, documents, sentences) with real character offsets."""
    lemmas = lemmas or {}
    toks, docs, sents = [], [], []
    for doc_id, sentences in texts.items():
        text, ti = "", 0
        for si, sent in enumerate(sentences):
            if text:
                text += " "
            sid = f"{doc_id}:s{si}"
            sents.append({"doc_id": doc_id, "sent_id": sid, "text": sent, "start_char": len(text)})
            for m in re.finditer(r"\w+|[^\w\s]", sent):
                w = m.group()
                toks.append({"doc_id": doc_id, "sent_id": sid, "token_i": ti, "text": w, "lower": w.lower(),
                             "lemma": lemmas.get(w.lower(), w.lower()), "start_char": len(text) + m.start(),
                             "end_char": len(text) + m.end(), "is_punct": not w[0].isalnum()})
                ti += 1
            text += sent
        docs.append({"doc_id": doc_id, "outlet": doc_id.rstrip("0123456789"), "text": text})
    return pd.DataFrame(toks), pd.DataFrame(docs), pd.DataFrame(sents)


TERMS = pd.DataFrame({"group": ["war", "war", "us", "us", "claims"],
                      "term": ["trade war", "war", "ban", "trade ban", "allegation"]})


def test_lemma_or_lower_form_and_longest_match_wins():
    toks, docs, _ = toy({"x1": ["The trade war and the war.", "A trade ban, then a ban.", "Allegations denied."]},
                        lemmas={"allegations": "allegation"})
    hits = K.find_terms(toks, TERMS)
    assert hits.term.tolist() == ["trade war", "war", "trade ban", "ban", "allegation"]
    lines = K.keyword_in_context(hits, docs)
    assert lines.match.tolist() == ["trade war", "war", "trade ban", "ban", "Allegations"]
    # without the lemma field the plural is not found
    assert "allegation" not in set(K.find_terms(toks, TERMS, fields=("lower",)).term)


def test_multiword_terms_need_adjacent_tokens_in_one_sentence():
    toks, docs, _ = toy({"x1": ["They trade.", "War began.", "Trade , war ."]})
    hits = K.find_terms(toks, TERMS)
    assert hits.term.tolist() == ["war", "war"]  # 'trade' + 'war' across a sentence or a comma is no phrase


def test_rates_include_zeros_and_use_word_counts():
    toks, docs, _ = toy({"a1": ["ban ban deal ."], "a2": ["deal deal"], "b1": ["war deal"]})
    hits = K.find_terms(toks, TERMS)
    r = K.term_rates(hits, toks, documents=docs, terms=TERMS, per=100).set_index(["outlet", "term"])
    assert r.loc[("a", "ban"), "n"] == 2 and r.loc[("a", "ban"), "n_words"] == 5  # the '.' is not a word
    assert r.loc[("a", "ban"), "rate"] == pytest.approx(40.0)
    assert r.loc[("b", "ban"), "n"] == 0 and r.loc[("a", "war"), "rate"] == 0
    assert r.loc[("a", "ban"), "n_docs_with"] == 1
    assert r["n"].sum() == len(hits)


def test_kwic_windows_and_sentences_and_alignment():
    toks, docs, sents = toy({"x1": ["Washington imposed a ban on the firm.", "Another ban followed soon after."]})
    hits = K.find_terms(toks, TERMS)
    lines = K.keyword_in_context(hits, docs, window=10, sentences=sents)
    assert lines.left.iloc[0] == "imposed a " and lines.right.iloc[0] == " on the fi"
    assert lines.sentence.tolist() == ["Washington imposed a ban on the firm.", "Another ban followed soon after."]
    txt = K.format_kwic(lines, width=12).splitlines()
    assert len(txt) == 2 and len({line.index("|ban|") for line in txt}) == 1


def test_the_seeds_story_terms_are_valid_and_no_term_list_is_a_default():
    from analysis.story import SEEDS_STORY, load_story

    t = load_story(SEEDS_STORY).terms
    with pytest.raises(TypeError):
        K.load_term_list()
    with pytest.raises(TypeError):
        K.load_kwic_views()
    assert not hasattr(K, "FRAMING_TERMS_FILE")
    assert not t.term.duplicated().any() and (t.term == t.term.str.lower()).all()
    issue_terms = {"crackdown", "ban", "blacklist", "campaign", "spy", "allegation", "security", "contract"}
    assert issue_terms <= set(t.term)
    assert t.group.nunique() >= 3 and (t.n_words >= 1).all()


def test_seed_corpus_counts_match_a_plain_text_search():
    import analysis
    from analysis.story import SEEDS_STORY, load_story

    c = analysis.build_corpus(progress=False)
    terms = load_story(SEEDS_STORY).terms
    hits = K.find_terms(c.tokens, terms)
    lines = K.keyword_in_context(hits, c.documents, sentences=c.sentences)
    for term, pattern in [("crackdown", r"\bcrackdowns?\b"), ("allegation", r"\ballegations?\b"),
                          ("backdoor", r"\bbackdoors?\b")]:
        expected = sum(len(re.findall(pattern, t, flags=re.I)) for t in c.documents.text)
        assert (hits.term == term).sum() == expected > 0, term
        assert lines[lines.term == term].match.str.lower().str.startswith(term).all()
    # every line quotes the sentence it came from
    assert all(m in s for m, s in zip(lines.match, lines.sentence))
    rates = K.term_rates(hits, c.tokens, documents=c.documents, terms=terms)
    fig = viz.plot_term_rates(rates)
    ax = fig.axes[0]
    used = rates.groupby("term").n.sum()
    used = used[used >= 1]
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == sorted(rates.outlet.unique())
    rows = [t.get_text() for t in ax.get_yticklabels()]  # "term  (group)", terms used at least once
    assert len(rows) == len(used) and {r.split("  (")[0] for r in rows} == set(used.index)
    # every cell is annotated with its raw count; together they are every hit
    assert len(ax.texts) == len(used) * rates.outlet.nunique()
    assert sum(int(t.get_text()) for t in ax.texts) == rates.n.sum() == len(hits)
    assert len(ax.lines) == rates[rates.term.isin(used.index)].group.nunique() - 1  # rules between groups
    assert fig.axes[1].get_ylabel() == "rate per 1,000 words"


def test_kwic_views_come_from_the_term_list_file(tmp_path):
    from analysis.config import PROJECT_ROOT

    byoc = PROJECT_ROOT / "tests" / "data" / "byoc" / "framing_terms.yaml"
    views = K.load_kwic_views(byoc)
    assert views and all(set(terms) <= set(K.load_term_list(byoc).term) for _t, terms in views)
    no_views = tmp_path / "terms.yaml"
    no_views.write_text("groups:\n  a: {description: First group, terms: [ban, trade war]}\n  b: {terms: [war]}\n")
    assert K.load_kwic_views(no_views) == [("First group", ["ban", "trade war"]), ("b", ["war"])]
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups:\n  a: {terms: [ban]}\nkwic:\n  - {title: X, terms: [ban, embargo]}\n")
    with pytest.raises(ValueError, match="embargo"):
        K.load_kwic_views(bad)


def test_format_kwic_views_titles_caps_and_reports_empty_views():
    toks, docs, sents = toy({"A1": ["The trade war and the ban.", "Another ban."], "B1": ["No war here."]})
    lines = K.keyword_in_context(K.find_terms(toks, TERMS), docs, window=20)
    text = K.format_kwic_views(lines, [("Bans", ["ban"]), ("Wars", ["trade war", "war"]), ("Claims", ["allegation"])],
                               width=20, max_lines=1)
    blocks = text.split("\n\n")
    assert blocks[0].startswith("== Bans (2 lines, first 1 shown)\n") and blocks[0].count("|ban|") == 1
    assert blocks[1].startswith("== Wars (2 lines, first 1 shown)")
    assert blocks[2] == "== Claims: no occurrence"
    assert "first" not in K.format_kwic_views(lines, [("Bans", ["ban"])], max_lines=None)


def test_format_kwic_views_shares_the_lines_between_outlets():
    toks, docs, sents = toy({"A1": ["A ban.", "A ban.", "A ban.", "A ban."], "B1": ["B ban.", "B ban."]})
    lines = K.keyword_in_context(K.find_terms(toks, TERMS), docs, window=10)
    text = K.format_kwic_views(lines, [("Bans", ["ban"])], max_lines=2, width=10)
    assert text.splitlines()[0] == "== Bans (6 lines, first 2 shown)"
    assert [ln.split()[0] for ln in text.splitlines()[1:]] == ["A", "B"]


@pytest.mark.parametrize("body, needle", [
    ("group:\n  a: {terms: [ban]}\n", "unknown key(s) ['group']"),                 # typo for 'groups'
    ("- ban\n- war\n", "expected a mapping with a 'groups:' key, got list"),
    ("groups: [ban, war]\n", "'groups' must be a non-empty mapping"),
    ("groups:\n  a: [ban, war]\n", "groups.a: must be a mapping"),
    ("groups:\n  a: {term: [ban]}\n", "groups.a: unknown key(s) ['term']"),
    ("groups:\n  a: {terms: ban}\n", "groups.a.terms: must be a non-empty list of strings"),
    ("groups:\n  a: {terms: [ban, 3]}\n", "groups.a.terms"),
    ("groups:\n  a: {terms: [ban]\n", "not valid YAML"),
])
def test_malformed_term_list_is_rejected_naming_file_and_key(tmp_path, body, needle):
    p = tmp_path / "my_terms.yaml"
    p.write_text(body)
    with pytest.raises(K.TermListError) as exc:
        K.load_term_list(p)
    assert str(exc.value).startswith("my_terms.yaml: ") and needle in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_an_edited_term_list_is_read_again(tmp_path):
    p = tmp_path / "terms.yaml"
    p.write_text("groups:\n  a: {terms: [ban]}\n")
    assert K.load_term_list(p).term.tolist() == ["ban"]
    p.write_text("groups:\n  a: {terms: [ban, embargo]}\n")
    assert K.load_term_list(p).term.tolist() == ["ban", "embargo"]


def test_find_terms_on_a_lemma_only_field_uses_the_lowercased_lemma():
    toks, _docs, _ = toy({"x1": ["Crackdown widens."]}, lemmas={"crackdown": "Crackdown"})
    hits = K.find_terms(toks, pd.DataFrame({"group": ["g"], "term": ["crackdown"]}), fields=("lemma",))
    assert hits.term.tolist() == ["crackdown"]
