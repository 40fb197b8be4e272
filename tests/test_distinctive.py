"""Tests for analysis.measures.distinctive (Fightin' Words log-odds) on corpora with a known answer."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from analysis import viz

from analysis.measures import distinctive as D
from analysis.measures.topics import VocabOptions


def tokens_for(docs: dict[str, str]) -> pd.DataFrame:
    """{doc_id: text} -> minimal tokens table (every word a NOUN, lemma = lowercase word)."""
    rows = []
    for doc_id, text in docs.items():
        pos = 0
        for i, w in enumerate(text.split()):
            rows.append({"doc_id": doc_id, "sent_id": f"{doc_id}:s0", "token_i": i, "text": w,
                         "lemma": w.lower(), "pos": "NOUN", "is_stop": False,
                         "start_char": pos, "end_char": pos + len(w)})
            pos += len(w) + 1
    return pd.DataFrame(rows)


COMMON = "huawei network deal market phone " * 6


def three_outlets():
    docs = {
        "a1": COMMON + "crackdown crackdown crackdown",
        "a2": COMMON + "crackdown crackdown",
        "b1": COMMON + "partnership partnership",
        "b2": COMMON + "partnership partnership partnership",
        "c1": COMMON,
        "c2": COMMON + "phone phone",
    }
    documents = pd.DataFrame({"doc_id": list(docs), "outlet": ["A", "A", "B", "B", "C", "C"],
                              "text": [" ".join(t.split()) for t in docs.values()]})
    return tokens_for(docs), documents


def test_planted_word_tops_its_outlet_with_three_outlets():
    toks, documents = three_outlets()
    counts = D.term_counts(toks, documents=documents, options=VocabOptions(min_df=1, extra_stopwords=()))
    s = D.log_odds_dirichlet(counts)
    assert set(s.outlet) == {"A", "B", "C"}
    top = D.top_distinctive(s, n=1)
    assert dict(zip(top.outlet, top.term)) == {"A": "crackdown", "B": "partnership", "C": "phone"}
    row = s[(s.outlet == "A") & (s.term == "crackdown")].iloc[0]
    assert row["count"] == 5 and row.count_rest == 0 and row["rank"] == 1
    assert row.z > s[(s.outlet == "A") & (s.term != "crackdown")].z.max() + 1
    # the word A never uses is negative for A
    assert s[(s.outlet == "A") & (s.term == "partnership")].z.iloc[0] < 0


def test_identical_distributions_give_zero_and_two_groups_are_mirror_images():
    same = pd.DataFrame({"outlet": ["A"] * 3 + ["B"] * 3, "term": ["x", "y", "z"] * 2, "count": [2, 4, 6, 4, 8, 12]})
    assert D.log_odds_dirichlet(same).z.to_numpy() == pytest.approx(0, abs=1e-12)
    diff = pd.DataFrame({"outlet": ["A"] * 3 + ["B"] * 3, "term": ["x", "y", "z"] * 2, "count": [9, 1, 5, 1, 9, 5]})
    s = D.log_odds_dirichlet(diff).set_index(["outlet", "term"])
    for t in "xyz":
        assert s.loc[("A", t), "z"] == pytest.approx(-s.loc[("B", t), "z"])
    assert s.loc[("A", "x"), "z"] > 0 > s.loc[("A", "y"), "z"]


def test_matches_monroe_formula_by_hand():
    # A: x=3, y=1 (n=4); B: x=1, y=5 (n=6). Prior = corpus counts (x=4, y=6), a0 = 10.
    c = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "term": ["x", "y", "x", "y"], "count": [3, 1, 1, 5]})
    s = D.log_odds_dirichlet(c).set_index(["outlet", "term"])
    delta = np.log((3 + 4) / (4 + 10 - 3 - 4)) - np.log((1 + 4) / (6 + 10 - 1 - 4))
    se = np.sqrt(1 / (3 + 4) + 1 / (1 + 4))
    assert s.loc[("A", "x"), "delta"] == pytest.approx(delta)
    assert s.loc[("A", "x"), "z"] == pytest.approx(delta / se)


def test_stronger_prior_shrinks_and_custom_prior_is_used():
    toks, documents = three_outlets()
    counts = D.term_counts(toks, documents=documents, options=VocabOptions(min_df=1, extra_stopwords=()))
    weak = D.log_odds_dirichlet(counts, prior_scale=0.1).set_index(["outlet", "term"]).z
    strong = D.log_odds_dirichlet(counts, prior_scale=10).set_index(["outlet", "term"]).z
    assert abs(strong[("A", "crackdown")]) < abs(weak[("A", "crackdown")])
    # the prior is a distribution: only its shape matters, and the default is the corpus itself
    totals = counts.groupby("term")["count"].sum()
    base = D.log_odds_dirichlet(counts)
    pd.testing.assert_frame_equal(D.log_odds_dirichlet(counts, prior=totals * 7), base)
    # terms missing from a given prior are kept (with the smallest prior count), not dropped
    partial = D.log_odds_dirichlet(counts, prior=totals.drop("huawei"))
    assert len(partial) == len(base) and partial.z.notna().all()
    assert not np.allclose(partial.z, base.z)


def test_prior_column_is_the_pseudo_count_added_to_both_sides():
    toks, documents = three_outlets()
    counts = D.term_counts(toks, documents=documents, options=VocabOptions(min_df=1, extra_stopwords=()))
    for scale in (0.1, 1.0, 10.0):
        s = D.log_odds_dirichlet(counts, prior_scale=scale)
        # default prior: each word's pseudo-count is its own corpus count times the scale
        np.testing.assert_allclose(s.prior, scale * s.total)
        # and delta is recovered from count, count_rest and prior alone
        n_i = s.groupby("outlet")["count"].transform("sum")
        n_j = s.total.groupby(s.outlet).transform("sum") - n_i
        a0 = s.groupby("outlet")["prior"].transform("sum")
        delta = (np.log((s["count"] + s.prior) / (n_i + a0 - s["count"] - s.prior))
                 - np.log((s.count_rest + s.prior) / (n_j + a0 - s.count_rest - s.prior)))
        np.testing.assert_allclose(delta, s.delta)


def test_term_counts_document_frequency_filter():
    toks, documents = three_outlets()
    counts = D.term_counts(toks, documents=documents, options=VocabOptions(min_df=3, extra_stopwords=()))
    assert "crackdown" not in set(counts.term)  # in 2 documents only
    assert counts.loc[(counts.outlet == "C") & (counts.term == "phone"), "count"].item() == 6 + 8


def test_plot_and_offline_html_explorer(tmp_path):
    toks, documents = three_outlets()
    s = D.log_odds_dirichlet(D.term_counts(toks, documents=documents, options=VocabOptions(min_df=1, extra_stopwords=())))
    fig = viz.plot_fightin_words(s, n_label=2)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    outlets = sorted(s.outlet.unique())
    assert [ax.get_title() for ax in shown] == [f"{o} vs the rest" for o in outlets]
    for ax, o in zip(shown, outlets):
        # the two highest-z words used by the outlet are named
        top = s[(s.outlet == o) & (s["count"] > 0)].nlargest(2, "z").term.tolist()
        assert sorted(t.get_text() for t in ax.texts) == sorted(top)
        assert sum(len(c.get_offsets()) for c in ax.collections) == (s.outlet == o).sum()  # every term is a dot
    ctx = pd.DataFrame({"outlet": ["A"], "term": ["crackdown"], "left": ["the US"], "match": ["crackdown"], "right": ["on"]})
    p = viz.term_explorer_html(s, tmp_path / "x.html", contexts=ctx)
    html = p.read_text()
    assert "crackdown" in html and "<script>" in html
    assert "http://" not in html and "https://" not in html and "src=" not in html  # nothing fetched


def test_seed_corpus_exclusive_word_is_positive_only_for_its_outlet():
    import analysis
    c = analysis.build_corpus(progress=False)
    counts = D.term_counts(c.tokens, documents=c.documents)
    s = D.log_odds_dirichlet(counts)
    per_outlet = counts.groupby("term").outlet.nunique()
    exclusive = counts[counts.term.isin(per_outlet[per_outlet == 1].index)].sort_values("count").iloc[-1]
    zs = s[s.term == exclusive.term].set_index("outlet").z
    assert zs[exclusive.outlet] > 0 and (zs.drop(exclusive.outlet) < 0).all()


def test_contexts_come_from_the_outlet_the_term_is_distinctive_of():
    toks, documents = three_outlets()
    s = D.log_odds_dirichlet(D.term_counts(toks, documents=documents, options=VocabOptions(min_df=1, extra_stopwords=())))
    ctx = D.distinctive_contexts(s, toks, documents=documents, n=1)
    assert set(zip(ctx.outlet, ctx.term)) == {("A", "crackdown"), ("B", "partnership"), ("C", "phone")}
    assert (ctx[ctx.term == "crackdown"].match == "crackdown").sum() == 5
    assert (ctx[ctx.term == "phone"].doc_id.str.startswith("c")).all()  # not A's or B's phones


def test_exclusive_word_evidence_matches_the_scores_of_real_exclusive_words(seed_corpus):
    counts = D.term_counts(seed_corpus.tokens, documents=seed_corpus.documents, options=D.DEFAULT_OPTIONS)
    for scale in (0.5, 1.0):
        scores = D.log_odds_dirichlet(counts, prior_scale=scale)
        ev = D.exclusive_word_evidence(counts, prior_scale=scale).set_index("outlet")
        excl = scores[scores.count_rest == 0]
        assert excl.outlet.nunique() == 4
        for outlet, g in excl.groupby("outlet"):
            # the prior caps delta: every exclusive word of an outlet has (nearly) the same delta
            assert g.delta.max() - g.delta.min() < 0.02
            once = g[g["count"] == 1]
            if len(once):
                assert once.z.iloc[0] == pytest.approx(ev.loc[outlet, "z_once"], rel=1e-9)
            # min_count is the true threshold: exclusive words at or above it clear the line, below it do not
            m = ev.loc[outlet, "min_count"]
            assert (g.loc[g["count"] >= m, "z"] >= 1.96).all()
            assert (g.loc[g["count"] < m, "z"] < 1.96).all()
    # a weaker prior lowers the bar
    weak = D.exclusive_word_evidence(counts, prior_scale=0.1).min_count
    strong = D.exclusive_word_evidence(counts, prior_scale=10).min_count
    assert (weak < strong).all()


def test_a_house_honorific_is_shown_apart_from_content_words(tmp_path):
    """One outlet writes "Mr." before every surname: that is house style, not a finding about the story."""
    import pandas as pd

    from analysis.corpus import build_corpus
    from analysis.measures import distinctive

    a = ("Mr. Okafor said the council would review the bridge tolls. Mr. Lindqvist disagreed with Mr. Okafor. "
         "Mr. Okafor later repeated that tolls fund repairs.")
    b = ("Okafor said the council would review the bridge tolls. Lindqvist disagreed with Okafor about traffic. "
         "Okafor later repeated that tolls fund repairs and ferries.")
    rows = [{"id": f"{o}{i}", "outlet": o, "text": t.replace("bridge", w)}
            for o, t in (("Herald", a), ("Courier", b)) for i, w in enumerate(["bridge", "river", "harbour"])]
    corpus = build_corpus(pd.DataFrame(rows), cache_dir=tmp_path / "cache", progress=False)
    counts = distinctive.term_counts(corpus.tokens, documents=corpus.documents)
    scores = distinctive.log_odds_dirichlet(counts)
    herald_all = distinctive.top_distinctive(scores, n=3, house_style="include").query("outlet == 'Herald'")
    assert herald_all["house_style"].iloc[0] == "honorifics"     # without the split, "mr" tops the list
    content = distinctive.top_distinctive(scores, n=3).query("outlet == 'Herald'")
    style = distinctive.top_distinctive(scores, n=3, house_style="only").query("outlet == 'Herald'")
    assert not content["term"].str.lower().str.rstrip(".").eq("mr").any()
    assert style["term"].str.lower().str.rstrip(".").eq("mr").any()
    with pytest.raises(ValueError, match="house_style"):
        distinctive.top_distinctive(scores, house_style="drop")
