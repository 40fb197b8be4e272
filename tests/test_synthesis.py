"""The synthesis lines every measure up per outlet; every claim must be backed by real sentences."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import viz

from analysis.measures import actors
from analysis.measures import agency
from analysis.measures import attribution
from analysis.measures import frames as framing
from analysis.measures import quotes
from analysis.compare import synthesis
from analysis.measures.resources import markers_for
from analysis.story import SEEDS_STORY, load_story, with_files

STORY = load_story(SEEDS_STORY)


@pytest.fixture(scope="module")
def synth(seed_corpus):
    return synthesis.synthesize(seed_corpus, story=STORY, tone_method="vader", n_boot=500, progress=False)


def test_every_outlet_gets_a_claim_for_every_family(seed_corpus, synth):
    outlets = set(seed_corpus.documents.outlet)
    for fam in synthesis.FAMILIES:
        got = set(synth.claims.loc[synth.claims.family == fam, "outlet"])
        assert got == outlets, fam
    assert synth.claims.claim_id.is_unique
    wide = synth.side_by_side()
    assert set(wide.columns) == outlets and wide.index.get_level_values(0).nunique() == len(synthesis.FAMILIES)


def test_evidence_sentences_are_real_and_from_the_claims_outlet(seed_corpus, synth):
    sents = seed_corpus.sentences.set_index("sent_id")
    ev = synth.evidence
    assert len(ev) > 30
    assert ev.sent_id.isin(sents.index).all()
    assert (ev.text.to_numpy() == sents.loc[ev.sent_id, "text"].to_numpy()).all()
    assert (ev.outlet.to_numpy() == sents.loc[ev.sent_id, "outlet"].to_numpy()).all()
    assert ev.claim_id.isin(synth.claims.claim_id).all()
    # claims of these families always come with sentences on the seeds
    backed = set(ev.claim_id)
    for fam in ("topics", "tone", "tone about actors", "frames"):
        assert synth.claims.loc[synth.claims.family == fam, "claim_id"].isin(backed).all(), fam


def test_evidence_actually_shows_what_the_claim_says(seed_corpus, synth):
    table = STORY.actors
    c = synth.claims.set_index("claim_id")
    ev = synth.evidence.merge(c[["subject", "statement"]], left_on="claim_id", right_index=True)
    # frames: each evidence sentence fires the frame named in the claim
    cb = framing.load_codebook("semetko_valkenburg")
    coded = framing.code_sentences(seed_corpus, cb, actor_table=table)
    label_to_key = {f.label: k for k, f in cb.frames.items()}
    for _, r in ev[ev.family == "frames"].iterrows():
        frame = label_to_key[r.statement.split(":")[0]]
        assert ((coded.sent_id == r.sent_id) & (coded.frame == frame)).any()
    # tone about an actor: the sentence names that actor group
    mentions = actors.find_actor_mentions(seed_corpus, table=table)
    for _, r in ev[ev.family == "tone about actors"].iterrows():
        assert ((mentions.sent_id == r.sent_id) & (mentions.group == r.subject)).any()
    # agency: the sentence has a verb whose agent belongs to the group named first in the claim
    svo = agency.extract_svo(seed_corpus, table=table)
    for _, r in ev[ev.family == "agency"].iterrows():
        group = r.statement.split(":")[0]
        assert ((svo.sent_id == r.sent_id) & (svo.agent_group == group)).any()
    # voices: a quotation in the sentence is attributed to the group
    qs = quotes.extract_quotes(seed_corpus, table=table)
    for _, r in ev[ev.family == "voices"].iterrows():
        assert ((qs.sent_id == r.sent_id) & (qs.speaker_group == r.statement.split(":")[0])).any()
    # attribution: the sentence carries a distancing marker around an accusation
    marks = attribution.attribution_markers(seed_corpus, markers=markers_for(STORY))
    dist = marks[(marks.context == "accusation") & (marks.marker_class == "distancing")]
    assert ev[ev.family == "attribution"].sent_id.isin(dist.sent_id).all()


def test_numbers_match_the_measures_they_summarise(seed_corpus, synth):
    tone = synth.tables["tone"]
    comp = synth.comparison
    t = comp[comp.family == "tone"].set_index("outlet").estimate
    np.testing.assert_allclose(t.sort_index(), tone.groupby("outlet").tone.mean().sort_index())
    # the "most negative" evidence sentence is the outlet's minimum
    for o, g in tone.groupby("outlet"):
        neg = synth.evidence_for(f"{o} · tone · all sentences").iloc[0]
        assert neg.sent_id == g.sort_values(["tone", "sent_id"]).sent_id.iloc[0]
    # frame shares equal the fired share of the sentence x frame matrix
    mat = synth.tables["frames"]
    fr = comp[comp.family == "frames"]
    econ = fr[fr.quantity == "Economic consequences"].set_index("outlet").estimate.sort_index()
    direct = mat[mat.frame == "economic"].groupby("outlet").fired.mean().sort_index()
    np.testing.assert_allclose(econ, direct)
    # coverage claims count what the corpus holds
    cov = synth.claims[synth.claims.family == "coverage"].set_index("outlet")
    assert cov.value.to_dict() == seed_corpus.documents.groupby("outlet").size().astype(float).to_dict()
    # intervals contain their estimates
    ok = comp.dropna(subset=["ci_low"])
    assert ((ok.ci_low <= ok.estimate + 1e-9) & (ok.estimate <= ok.ci_high + 1e-9)).all()


def test_small_corpus_is_flagged_and_intervals_say_what_they_resample(synth):
    cav = synth.claims.groupby("outlet").caveat.apply(lambda s: s.str.contains("one article").all())
    # four outlets: three with one article (every claim flagged), Sputnik with two (not "one article")
    assert cav.sum() == 3 and not cav["Sputnik"]
    assert synth.claims[synth.claims.outlet == "Sputnik"].caveat.str.contains("only 2 articles").all()
    assert synth.settings["interval"] == "units"
    assert set(synth.comparison.interval) <= {"sentences", "quotations", "verb roles"}
    # no word is distinctive at z 1.96 on five articles, and the claims say so
    dw = synth.claims[synth.claims.family == "distinctive words"]
    assert dw.caveat.str.contains("no word reaches z 1.96").all()
    lim = synthesis.limits_table(synth)
    assert (lim.claims_with_caveat == lim.claims).all()


def test_outlet_differences_test_differences_not_interval_overlap(synth):
    d = synth.outlet_differences(n_perm=500)
    comp = synth.comparison
    assert len(d) == len(comp) and set(d.family) == set(comp.family)
    # the same estimates the comparison shows, and one BH family over every row with a p-value
    m = d.merge(comp, on=["family", "quantity", "outlet"], suffixes=("", "_comp"))
    np.testing.assert_allclose(m.estimate, m.estimate_comp)
    from scipy.stats import false_discovery_control

    ok = d.p_value.notna()
    np.testing.assert_allclose(d.q_value[ok], false_discovery_control(d.p_value[ok].to_numpy()))
    # on the seeds: one-article outlets cannot be estimated; Sputnik (two articles against three) never differs
    one = d[d.outlet != "Sputnik"]
    assert (one.verdict == "cannot be estimated (1 article)").all() and one.p_value.isna().all()
    assert (d[d.outlet == "Sputnik"].verdict == "not distinguishable").all()
    assert synth.clear_differences(n_perm=500).empty
    # the old interval non-overlap rule would have listed pairs: it must no longer drive the list
    ci = comp[comp.ci_high - comp.ci_low > 1e-12]
    gaps = sum(int((g.ci_low.to_numpy()[:, None] > g.ci_high.to_numpy()[None, :]).sum())
               for _, g in ci.groupby(["family", "quantity"]))
    assert gaps > 0


def test_clear_differences_keep_only_rows_with_q_below_alpha(tmp_path):
    import analysis
    from analysis.corpus.synthetic import synthetic_corpus

    df = synthetic_corpus(25, seed=7, sentences_per_doc=(5, 8))
    corp = analysis.build_corpus(df, cache_dir=tmp_path / "cache", progress=False)
    s = synthesis.synthesize(corp, story=STORY, tone_method="vader", n_topics=3, n_boot=200, progress=False)
    d = s.outlet_differences(n_perm=300)
    assert d.p_value.notna().all() and set(d.verdict) <= {"not distinguishable", "higher than the rest",
                                                           "lower than the rest"}
    clear = s.clear_differences(n_perm=300)
    assert (clear.q_value < 0.05).all() and len(clear) == int((d.q_value < 0.05).sum())
    assert ((clear.difference > 0) == clear.verdict.eq("higher than the rest")).all()


def test_outlet_differences_are_computed_once_per_synthesis(monkeypatch, tmp_path):
    """The permutation tests of every quantity run once per synthesis and arguments: clear_differences and a
    second call reuse them (the same seeded table), and a caller editing the returned table changes nothing."""
    import analysis
    from analysis.compare import stats
    from analysis.corpus.synthetic import synthetic_corpus

    corp = analysis.build_corpus(synthetic_corpus(20, seed=3, sentences_per_doc=(5, 8)), cache_dir=tmp_path / "c",
                                 progress=False)
    s = synthesis.synthesize(corp, story=STORY, tone_method="vader", n_topics=2, n_boot=100, progress=False)
    calls = []
    real = stats.outlet_differences
    monkeypatch.setattr(stats, "outlet_differences", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    first = s.outlet_differences(n_perm=200)
    first.loc[:, "difference"] = 99.0                     # the caller's copy
    again = s.outlet_differences(n_perm=200)
    clear = s.clear_differences(n_perm=200)
    assert len(calls) == 1 and not again.difference.eq(99.0).any()
    fresh = real(s.tables["units"], outlet="outlet", cluster="doc_id", value="value", by=["family", "quantity"],
                 n_boot=100, n_perm=200, seed=42)
    pd.testing.assert_frame_equal(again, fresh[again.columns])
    assert len(clear) == int((again.q_value < 0.05).sum())
    s.outlet_differences(n_perm=300)                      # other arguments: computed anew
    assert len(calls) == 2


def test_article_values_break_outlet_estimates_down_by_article(seed_corpus, synth):
    a = synthesis.article_values(synth)
    assert set(a.outlet) == {"Sputnik"} and a.doc_id.nunique() == 2  # the only outlet with two articles
    # the outlet estimate is the unit-weighted mean of its articles' values
    for (fam, q), g in a.groupby(["family", "quantity"]):
        assert np.average(g.value, weights=g.n_units) == pytest.approx(g.outlet_estimate.iloc[0])
    tone = synth.tables["tone"]
    per_doc = tone[tone.outlet == "Sputnik"].groupby("doc_id").tone.mean()
    got = a[a.family == "tone"].set_index("doc_id").value
    np.testing.assert_allclose(got.sort_index(), per_doc.sort_index())
    assert (a.spread >= 0).all()


def test_deterministic(seed_corpus, synth):
    again = synthesis.synthesize(seed_corpus, story=STORY, tone_method="vader", n_boot=500, progress=False)
    pd.testing.assert_frame_equal(again.comparison, synth.comparison)
    pd.testing.assert_frame_equal(again.claims, synth.claims)
    pd.testing.assert_frame_equal(again.evidence, synth.evidence)


def test_outputs_render(synth, tmp_path):
    fig = viz.plot_side_by_side(synth)
    comp = synth.comparison
    shown = [a for a in fig.axes if a.get_visible()]
    # one panel per quantity, at most six per family, titled "<family>: <quantity>"
    assert len(shown) == sum(min(g.quantity.nunique(), 6) for _, g in comp.groupby("family")) >= 8
    assert {a.get_title(loc="left").split(": ")[0] for a in shown} == set(comp.family)
    n_art = synth.claims.drop_duplicates("outlet").set_index("outlet").n_articles
    assert [t.get_text() for t in shown[0].get_yticklabels()] == [f"{o} ({n_art[o]} art., unit-level)"
                                                                  for o in sorted(n_art.index)]
    title = " ".join(fig.get_suptitle().split())
    assert n_art.sum() == 5 and "resample units (every outlet has fewer than 5 articles)" in title
    html = synthesis.claims_html(synth)
    assert html.count("<details>") == synth.evidence.claim_id.nunique()
    assert "<script" not in html and "&lt;" not in html.split("<h4>")[0]


def test_other_corpus_with_many_articles_uses_article_intervals(tmp_path):
    import analysis
    from analysis.corpus.synthetic import synthetic_corpus

    df = synthetic_corpus(25, seed=7, sentences_per_doc=(5, 8))
    corp = analysis.build_corpus(df, cache_dir=tmp_path / "cache", progress=False)
    s = synthesis.synthesize(corp, story=STORY, tone_method="vader", n_topics=3, n_boot=200, progress=False)
    assert s.settings["interval"] == "articles" and s.settings["n_topics"] == 3
    assert (s.comparison.interval == "articles").all()
    assert set(s.claims.outlet) == set(df.outlet) and len(set(df.outlet)) == 5
    assert not s.claims.caveat.str.contains("one article").any()
    assert s.evidence.sent_id.isin(corp.sentences.sent_id).all()


def test_story_markers_replace_the_accusation_lists(seed_corpus, synth, tmp_path):
    """The story's markers (here from a separate attribution file) decide which sentences are about the accusations."""
    story = tmp_path / "story.yaml"
    story.write_text("accusation_topic: {lemmas: [contract]}\ndenial: {lemmas: [deny]}\n"
                     "measures:\n  deal: {lemmas: [deal]}\n")
    s = synthesis.synthesize(seed_corpus, story=with_files(STORY, markers=story), tone_method="vader", n_topics=2,
                             n_boot=100, progress=False)
    acc = s.tables["attribution_contexts"].query("accusation")
    assert len(acc) and acc.text.str.contains(r"\bcontract", case=False).all()
    assert set(acc.sent_id) != set(synth.tables["attribution_contexts"].query("accusation").sent_id)


def test_one_small_outlet_does_not_switch_the_others_to_unit_intervals(tmp_path):
    import analysis
    from analysis.corpus.synthetic import synthetic_corpus

    df = synthetic_corpus(25, seed=7, sentences_per_doc=(5, 8))
    small = sorted(df.outlet.unique())[0]
    keep = df[df.outlet == small].index[1:]
    df = df.drop(index=keep).reset_index(drop=True)  # that outlet keeps a single article
    corp = analysis.build_corpus(df, cache_dir=tmp_path / "cache", progress=False)
    s = synthesis.synthesize(corp, story=STORY, tone_method="vader", n_topics=3, n_boot=100, progress=False)
    comp = s.comparison
    big = comp[comp.outlet != small]
    assert (big.interval == "articles").all()
    assert (big.small_n == (big.n_clusters < 5)).all()  # per row: the articles behind that quantity
    tone = big[big.family == "tone"]
    assert len(tone) == 4 and (tone.n_clusters == 5).all() and not tone.small_n.any()
    mine = comp[comp.outlet == small]
    assert set(mine.interval) <= {"sentences", "quotations", "verb roles", "none"} and "sentences" in set(mine.interval)
    assert (mine.n_clusters <= 1).all() and mine.small_n.all()
    assert s.settings["interval"] == "articles or units (per outlet)"
    policy = {r["outlet"]: r["resample"] for r in s.settings["interval_policy"]}
    assert policy.pop(small) == "units" and set(policy.values()) == {"articles"}
    claims = s.claims[s.claims.family == "tone"].set_index("outlet").interval
    assert claims[small] == "sentences" and (claims.drop(small) == "articles").all()


def _very_short_documents(n: int = 2000) -> pd.DataFrame:
    """``n`` one-sentence documents of 7 words from two outlets, whose every content word is in at least half of
    them: too few distinct words for a topic model (each is dropped by max_df=0.3), plenty for the rest."""
    rows = []
    for i in range(n):
        outlet, text = (("Gazette", f"Water rates rose again on day {i + 1}.") if i % 2 == 0 else
                        ("Monitor", f"Water bills fell again on day {i + 1}."))
        rows.append({"doc_id": f"v{i + 1:04d}", "outlet": outlet, "text": text})
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_synthesis_of_2000_very_short_documents_says_what_cannot_be_estimated(monkeypatch):
    """2,000 one-sentence documents and a discovered story (no markers): no topic model, no attribution, and
    the synthesis says so instead of failing (it raised a topic-model error and then failed on the empty
    attribution table)."""
    import warnings

    from types import SimpleNamespace

    import analysis
    from analysis.measures.registry import MeasureStore
    from analysis.story import resolve_story

    docs = _very_short_documents()
    assert docs.text.str.split().str.len().eq(7).all() and docs.text.is_unique
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corp = analysis.build_corpus(docs, progress=False)
    assert len(corp.documents) == 2000 and len(corp.sentences) == 2000
    story = resolve_story(None, corpus=corp, source="very_short_documents")
    # VADER only: embedding 2,000 sentences is most of the time and not what this test is about; no disk cache:
    # 2,000 per-document cache files would dominate the rest
    from analysis.measures import tone

    monkeypatch.setattr(tone, "available_methods", lambda: ["vader"])
    store = MeasureStore(corp, story, cache=False)
    s = synthesis.synthesize(SimpleNamespace(corpus=corp, measures=store), tone_method="vader", n_boot=200,
                             progress=False)
    claims = s.claims.set_index(["outlet", "family"])
    assert set(s.claims.outlet) == {"Gazette", "Monitor"} and set(s.claims.family) >= set(synthesis.FAMILIES) - {
        "tone about actors"}
    for outlet in ("Gazette", "Monitor"):
        topic = claims.loc[(outlet, "topics"), "statement"]
        assert topic.startswith("topic model cannot be estimated: 0 sentences of 2000 with content words and 0 "
                                "terms left after the document-frequency filter"), topic
        assert "cannot be estimated" in claims.loc[(outlet, "topics"), "caveat"]
        assert claims.loc[(outlet, "attribution"), "statement"].startswith("attribution cannot be estimated")
        assert claims.loc[(outlet, "coverage"), "value"] == 1000
    # the words each outlet alone uses are still found
    words = s.claims[s.claims.family == "distinctive words"].set_index("outlet").statement
    assert words["Gazette"].split(" (")[0] in {"rate", "rise"} and words["Monitor"].split(" (")[0] in {"bill", "fall"}
    assert s.settings["n_topics"] == 0 and any(m.startswith("topic model") for m in s.settings["cannot_estimate"])


def test_headlines_flag_ties_and_near_ties(synth):
    """Every claim naming a top frame or topic says when the runner-up has the same share or an overlapping interval."""
    comp = synth.comparison
    for fam, subject in (("frames", "most salient frame"), ("topics", "largest topic")):
        for o, g in comp[comp.family == fam].groupby("outlet"):
            g = g.sort_values(["estimate", "quantity"], ascending=[False, True])
            top, rest = g.iloc[0], g.iloc[1:]
            st = synth.claims.set_index(["outlet", "family"]).loc[(o, fam), "statement"]
            assert st.startswith(f"{top.quantity}:"), st
            ties = rest[np.isclose(rest.estimate, top.estimate)]
            near = rest[~np.isclose(rest.estimate, top.estimate) & (rest.ci_high >= top.ci_low)]
            assert ("tied with" in st) == (len(ties) > 0), st
            assert ("not distinguishable from" in st) == (len(near) > 0), st
            for q in list(ties.quantity)[:3] + list(near.quantity)[:3]:
                assert q in st


def test_tied_headline_statement_from_a_hand_made_table():
    from analysis.compare.synthesis import _flagged

    t = pd.DataFrame({"label": ["Morality", "Conflict", "Economic", "Human"], "estimate": [0.27, 0.27, 0.27, 0.1],
                      "ci_low": [0.2, 0.2, 0.2, 0.05], "ci_high": [0.34, 0.34, 0.34, 0.15]})
    row, flag = _flagged(t, item="label", pct=True)
    assert row.label == "Conflict" and flag == "; tied with Economic, Morality"
    row, flag = _flagged(t.iloc[1:].assign(estimate=[0.27, 0.24, 0.1]), item="label", pct=True)
    assert flag == "; not distinguishable from Economic, 24%"
    counts = pd.DataFrame({"group": ["b", "a", "c"], "count": [3, 3, 1]})
    row, flag = _flagged(counts, item="group", estimate="count")
    assert row.group == "a" and flag == "; tied with b"


def test_topic_claims_say_when_no_candidate_k_is_coherent(seed_corpus, monkeypatch):
    from analysis.measures import topics

    seen = {}

    def no_themes(selection, **kw):
        seen["rows"] = len(selection)
        return "the topic model found no coherent themes: every candidate k has negative coherence"

    assert topics.coherence_problem(synthesis.synthesize(seed_corpus, story=STORY, tone_method="vader", n_boot=200,
                                                         progress=False).tables["topic_selection"]) == ""
    monkeypatch.setattr(topics, "coherence_problem", no_themes)
    s = synthesis.synthesize(seed_corpus, story=STORY, tone_method="vader", n_boot=200, progress=False)
    caveats = s.claims.loc[s.claims.family == "topics", "caveat"]
    assert seen["rows"] > 0 and len(caveats) and caveats.str.contains("no coherent themes").all()
