"""Tests for analysis.measures.topics on hand-made token tables where the right answer is known."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from analysis import viz

from analysis.measures import topics as T

NO_EXTRA = T.VocabOptions(min_df=1, extra_stopwords=())


def make_tables(docs: list[tuple[str, str, list[str]]], *, stop=("the", "of", "a")):
    """(doc_id, outlet, [sentence, ...]) -> (tokens, sentences) tables of the documented shape.

    Each sentence is its own paragraph unless it starts with '+', which continues the previous one.
    Every word is a NOUN; words in ``stop`` are stop words; lemma = lowercase word.
    """
    toks, sents = [], []
    for doc_id, outlet, sentences in docs:
        ti, p = 0, -1
        for si, sent in enumerate(sentences):
            if not sent.startswith("+"):
                p += 1
            sent = sent.lstrip("+")
            sid = f"{doc_id}:s{si:04d}"
            sents.append({"doc_id": doc_id, "outlet": outlet, "para_id": f"{doc_id}:p{p:03d}", "sent_id": sid,
                          "sent_i": si, "para_kind": "body", "start_char": si * 100, "end_char": si * 100 + len(sent),
                          "text": sent, "n_tokens": len(sent.split())})
            for w in sent.split():
                toks.append({"doc_id": doc_id, "sent_id": sid, "token_i": ti, "text": w, "lemma": w.lower(),
                             "lower": w.lower(), "pos": "NOUN", "is_stop": w.lower() in stop,
                             "is_alpha": w.isalpha()})
                ti += 1
    return pd.DataFrame(toks), pd.DataFrame(sents)


THEME_A = ["missile", "army", "border", "troop", "tank", "soldier"]
THEME_B = ["harvest", "wheat", "farmer", "rain", "tractor", "field"]


def planted(seed: int = 0, n: int = 20):
    """Outlet 'War' writes only theme A sentences, outlet 'Farm' only theme B; two articles each."""
    rng = np.random.default_rng(seed)
    docs = []
    for outlet, theme in [("War", THEME_A), ("Farm", THEME_B)]:
        for d in range(2):
            sents = [" ".join(rng.choice(theme, size=5)) for _ in range(n // 2)]
            docs.append((f"{outlet.lower()}{d}", outlet, sents))
    return make_tables(docs)


def test_dtm_counts_and_df_filter():
    toks, sents = make_tables([("d1", "X", ["ban ban huawei", "huawei deal", "lonely"])])
    m = T.document_term_matrix(toks, options=T.VocabOptions(min_df=2, extra_stopwords=()))
    assert list(m.terms) == ["huawei"]  # 'ban' is in one unit only; 'deal', 'lonely' too
    assert m.X.toarray().ravel().tolist() == [1, 1]  # the unit with only 'lonely' is dropped
    m1 = T.document_term_matrix(toks, options=NO_EXTRA)
    row = m1.units.index[m1.units.unit_id == "d1:s0000"][0]
    assert m1.X[row, list(m1.terms).index("ban")] == 2
    # max_df as a share: huawei is in 2/3 units
    m2 = T.document_term_matrix(toks, options=T.VocabOptions(min_df=1, max_df=0.5, extra_stopwords=()))
    assert "huawei" not in m2.terms and "ban" in m2.terms


def test_content_terms_stopwords_pos_and_letters():
    toks, _ = make_tables([("d1", "X", ["The huawei said 5G 2019 ban"])])
    toks.loc[toks.text == "ban", "pos"] = "DET"
    terms = T.content_terms(toks).term.tolist()
    assert "the" not in terms and "2019" not in terms and "5g" in terms and "ban" not in terms
    toks.loc[toks.text == "said", "lemma"] = "say"
    assert "say" not in T.content_terms(toks).term.tolist()
    assert "say" in T.content_terms(toks, options=NO_EXTRA).term.tolist()


def test_bigrams_only_for_adjacent_content_words():
    toks, _ = make_tables([("d1", "X", ["base station of the base", "station base"])])
    m = T.document_term_matrix(toks, options=T.VocabOptions(min_df=1, ngram_range=(2, 2), extra_stopwords=()))
    assert list(m.terms) == ["base station", "station base"]
    # 'base' ... 'station' across the sentence boundary and across 'of the' are not bigrams
    assert m.X.toarray().tolist() == [[1, 0], [0, 1]]


def test_paragraph_units_with_sentence_metadata():
    toks, sents = make_tables([("d1", "X", ["ban huawei", "+ban deal", "deal huawei"])])
    m = T.document_term_matrix(toks, unit="para_id", sentences=sents, options=NO_EXTRA)
    assert m.units.unit_id.tolist() == ["d1:p000", "d1:p001"]
    assert m.units.text.iloc[0] == "ban huawei ban deal" and m.units.outlet.iloc[0] == "X"
    assert m.X[0, list(m.terms).index("ban")] == 2
    with pytest.raises(KeyError):
        T.document_term_matrix(toks, unit="para_id")


def test_npmi_known_values():
    # a&b always together -> 1; a&c never -> -1; a&d independent (p=.5,.5, joint .25) -> 0
    toks, _ = make_tables([("d", "X", ["aa bb dd", "aa bb", "cc dd", "cc"])], stop=())
    m = T.document_term_matrix(toks, options=NO_EXTRA)
    got = T.npmi_coherence([["aa", "bb"], ["aa", "cc"], ["aa", "dd"], ["aa", "zzz"]], m)
    assert got[:3] == pytest.approx([1.0, -1.0, 0.0], abs=1e-12)
    assert np.isnan(got[3])


def test_matched_jaccard_pairs_best_topics():
    col, jac = T.matched_jaccard([["a", "b"], ["c", "d"], ["e", "f"]], [["e", "f"], ["a", "x"], ["c", "d"]])
    assert col.tolist() == [1, 2, 0]
    assert jac.tolist() == pytest.approx([1 / 3, 1.0, 1.0])


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_two_planted_themes_separate(method):
    toks, sents = planted()
    m = T.document_term_matrix(toks, sentences=sents, options=NO_EXTRA)
    model = T.fit_topics(m, k=2, method=method, seed=1)
    top = T.top_terms(model, n=6)
    sets = [set(g.term) for _, g in top.groupby("topic")]
    assert sorted(map(sorted, sets)) == sorted([sorted(THEME_A), sorted(THEME_B)])
    truth = m.units.outlet.eq("War").to_numpy()
    dom = model.doc_topic.argmax(axis=1)
    assert (dom == dom[truth][0])[truth].all() and (dom != dom[truth][0])[~truth].all()
    assert np.allclose(model.doc_topic.sum(axis=1), 1) and np.allclose(model.topic_term.sum(axis=1), 1)
    # the most representative unit of each topic comes from that topic's outlet
    rep = T.representative_units(model, n=2)
    for t, g in rep.groupby("topic"):
        theme_words = sets[t - 1]
        assert all(set(txt.split()) <= theme_words for txt in g.text)


def test_deterministic_with_seed_and_seed_matters_for_nmf_init():
    toks, sents = planted()
    m = T.document_term_matrix(toks, sentences=sents, options=NO_EXTRA)
    a = T.fit_topics(m, k=3, method="nmf", seed=7)
    b = T.fit_topics(m, k=3, method="nmf", seed=7)
    assert np.array_equal(a.doc_topic, b.doc_topic)
    c = T.fit_topics(m, k=3, method="nmf", seed=8)
    assert not np.allclose(a.topic_term, c.topic_term)


def test_stability_and_model_selection_on_planted_corpus():
    toks, sents = planted()
    m = T.document_term_matrix(toks, sentences=sents, options=NO_EXTRA)
    st = T.topic_stability(m, k=2, method="nmf", seeds=(0, 1, 2), n_top=6)
    assert len(st) == 3 and st.stability.eq(1.0).all()
    sel = T.model_selection(m, ks=[2, 3], methods=["nmf", "lda"], seeds=(0, 1), n_top=6)
    assert len(sel) == 2 * 2 * 2 and set(sel.columns) == {"method", "k", "seed", "npmi", "stability"}
    assert sel.query("method == 'nmf' and k == 2").stability.eq(1.0).all()
    # two true themes: the k=2 topics are more coherent than k=3 ones (a theme gets split)
    nm = sel[sel.method == "nmf"].groupby("k").npmi.mean()
    assert nm[2] > nm[3]
    fig = viz.plot_model_selection(sel)
    assert [ax.get_title() for ax in fig.axes] == ["Coherence: mean NPMI of top words",
                                                   "Stability: top-word overlap across seeds"]
    means = sel.groupby(["method", "k"])[["npmi", "stability"]].mean()
    for ax, col in zip(fig.axes, ["npmi", "stability"]):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert sorted(lines) == ["LDA", "NMF"] and ax.get_xlabel() == "number of topics k"
        for method in ("lda", "nmf"):  # one line per method: the mean over seeds at each k
            assert list(lines[method.upper()].get_xdata()) == [2, 3]
            np.testing.assert_allclose(lines[method.upper()].get_ydata(), means.loc[method, col].to_numpy())


def test_outlet_shares_article_vs_unit_intervals():
    toks, sents = planted()
    m = T.document_term_matrix(toks, sentences=sents, options=NO_EXTRA)
    model = T.fit_topics(m, k=2, method="nmf", seed=0)
    war_topic = int(model.doc_topic[m.units.outlet.eq("War").to_numpy()].mean(axis=0).argmax()) + 1
    art = T.outlet_topic_shares(model, cluster="doc_id", n_boot=300, seed=3)
    unit = T.outlet_topic_shares(model, cluster=None, n_boot=300, seed=3)
    row = art[(art.outlet == "War") & (art.topic == war_topic)].iloc[0]
    assert row.estimate > 0.9 and row.ci_low <= row.estimate <= row.ci_high
    assert row.n_clusters == 2 and row.n_units == 20 and bool(row.small_n)
    # shares of each outlet sum to one across topics
    assert art.groupby("outlet").estimate.sum().to_numpy() == pytest.approx([1, 1])
    assert set(art.interval) == {"articles"} and set(unit.interval) == {"sentences"}
    # n_clusters and small_n count articles whichever level is resampled (as in tone and synthesis)
    assert (unit.n_clusters == 2).all() and unit.small_n.all() and (unit.n_units == 20).all()
    # by default the interval policy decides per outlet: two articles each -> sentences
    pd.testing.assert_frame_equal(T.outlet_topic_shares(model, n_boot=300, seed=3), unit)
    # deterministic
    pd.testing.assert_frame_equal(art, T.outlet_topic_shares(model, cluster="doc_id", n_boot=300, seed=3))
    both = pd.concat([art, unit])
    labels = sorted(art.label.unique())
    heat = viz.plot_share_heatmap(art)
    ax = heat.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Farm (2 art.)", "War (2 art.)"]   # articles behind each
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == labels
    # one annotation per outlet x topic cell: the estimate and its interval, rounded
    want = [f"{round(r.estimate, 2)}\n[{round(r.ci_low, 2)}, {round(r.ci_high, 2)}]"
            for r in art.sort_values(["outlet", "label"]).itertuples()]
    assert [t.get_text() for t in ax.texts] == want
    assert heat.axes[1].get_ylabel() == "mean topic share"
    fig = viz.plot_share_intervals(both)
    assert [a.get_title().replace("\n", " ") for a in fig.axes] == labels
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Farm (2 art.)", "War (2 art.)"]
    for a, lab in zip(fig.axes, labels):
        # per outlet and interval kind: a bar from ci_low to ci_high and a dot at the estimate
        assert len(a.get_lines()) == 2 * 2 * 2
        bars = sorted(tuple(line.get_xdata()) for line in a.get_lines() if len(line.get_xdata()) == 2)
        rows = both[both.label == lab]
        np.testing.assert_allclose(bars, sorted(zip(rows.ci_low, rows.ci_high)))
        dots = sorted(float(line.get_xdata()[0]) for line in a.get_lines() if len(line.get_xdata()) == 1)
        np.testing.assert_allclose(dots, sorted(rows.estimate))
    assert [t.get_text() for lg in fig.legends for t in lg.get_texts()] == [
        "95% interval, resampling articles", "95% interval, resampling sentences"]


def test_compare_nmf_and_lda_on_planted_themes():
    toks, sents = planted()
    m = T.document_term_matrix(toks, sentences=sents, options=NO_EXTRA)
    a, b = T.fit_topics(m, k=2, method="nmf", seed=0), T.fit_topics(m, k=2, method="lda", seed=0)
    cmp = T.compare_models(a, b, n_top=6)
    assert len(cmp) == 2 and (cmp.jaccard_top == 1.0).all() and (cmp.cosine > 0.9).all()
    assert T.dominant_topic_agreement(a, b) == pytest.approx(1.0)


def test_choose_k_prefers_coherent_stable_k():
    sel = pd.DataFrame({"method": ["nmf"] * 4 + ["lda"] * 2, "k": [2, 2, 3, 3, 2, 3], "seed": [0, 1] * 3,
                        "npmi": [0.1, 0.1, 0.5, 0.3, 0.9, 0.0], "stability": [1, 1, 0.9, 0.8, 0.2, 0.3]})
    assert T.choose_k(sel) == 3  # mean npmi .4 and mean stability .85
    assert T.choose_k(sel, min_stability=0.95) == 2
    assert T.choose_k(sel, method="lda") == 3  # nothing stable enough: the most stable k
    with pytest.raises(ValueError):
        T.choose_k(sel, method="xyz")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_scales_to_a_large_synthetic_corpus():
    """20,000 sentences, ~200,000 tokens: sparse matrix and NMF without dense per-row work."""
    rng = np.random.default_rng(0)
    n_sent, per = 20_000, 10
    vocab = np.array([f"w{i}" for i in range(3000)])
    words = vocab[rng.zipf(1.3, n_sent * per) % len(vocab)]
    sent = np.repeat(np.arange(n_sent), per)
    toks = pd.DataFrame({"doc_id": (sent // 40).astype(str), "sent_id": sent.astype(str),
                         "token_i": np.arange(n_sent * per), "lemma": words, "pos": "NOUN", "is_stop": False})
    m = T.document_term_matrix(toks, options=T.VocabOptions(min_df=5, extra_stopwords=()))
    assert m.X.shape[0] == n_sent and m.X.nnz < n_sent * per
    assert m.X.sum() == toks.lemma.isin(set(m.terms)).sum()
    model = T.fit_topics(m, k=5, method="nmf", seed=0, max_iter=50)
    assert model.doc_topic.shape == (n_sent, 5)


def test_contradictory_df_bounds_raise_a_clear_error():
    with pytest.raises(ValueError, match="max_df=2 corresponds to fewer units than min_df=3"):
        T.VocabOptions(min_df=3, max_df=2)
    with pytest.raises(ValueError, match=r"max_df=0.2 corresponds to fewer units than min_df=0.5"):
        T.VocabOptions(min_df=0.5, max_df=0.2)
    with pytest.raises(ValueError, match=r"must be in \[0.0, 1.0\]"):
        T.VocabOptions(max_df=1.5)
    with pytest.raises(TypeError, match="min_df must be an int"):
        T.VocabOptions(min_df="2")
    with pytest.raises(ValueError, match="ngram_range"):
        T.VocabOptions(ngram_range=(2, 1))
    # an int and a share can only be compared once the number of units is known
    toks, _ = make_tables([("d1", "X", ["ban huawei", "huawei deal", "ban deal", "spy ban"])])
    opts = T.VocabOptions(min_df=3, max_df=0.5, extra_stopwords=())
    with pytest.raises(ValueError, match="max_df=0.5 corresponds to 2 of 4 units, fewer than min_df=3"):
        T.document_term_matrix(toks, options=opts)


def test_too_few_units_for_a_topic_model_is_one_typed_error():
    toks, _ = make_tables([("d1", "X", ["ban huawei spy", "huawei deal", "ban deal"])])
    m = T.document_term_matrix(toks, options=NO_EXTRA)
    assert m.X.shape == (3, 4)
    with pytest.raises(T.TooFewUnitsError, match=r"k=4 cannot be estimated from 3 unit\(s\) and 4 term\(s\)") as e:
        T.fit_topics(m, k=4)
    assert (e.value.n_units, e.value.n_terms, e.value.k) == (3, 4, 4) and isinstance(e.value, ValueError)
    one = T.document_term_matrix(make_tables([("d", "X", ["ban huawei"])])[0], options=NO_EXTRA)
    with pytest.raises(T.TooFewUnitsError, match="from 1 unit"):
        T.model_selection(one, ks=[2], methods=["nmf"], seeds=(0,))
    assert T.fit_topics(m, k=3).doc_topic.shape == (3, 3)


def test_too_small_a_matrix_keeps_no_term_when_not_strict_and_says_why():
    """A corpus too small for min_df/max_df (here 4 sentences: max_df=0.3 keeps a word in at most 1.2 of them,
    fewer than min_df=2) gives an empty matrix with strict=False, and topic_model_problem names the numbers."""
    toks, _ = make_tables([("d1", "X", ["ban huawei", "huawei deal", "ban deal", "spy ban"])])
    opts = T.VocabOptions(min_df=2, max_df=0.3, extra_stopwords=())
    with pytest.raises(ValueError, match="max_df=0.3 corresponds to 1.2 of 4 units"):
        T.document_term_matrix(toks, options=opts)
    m = T.document_term_matrix(toks, options=opts, strict=False)
    assert m.X.shape == (0, 0) and m.n_candidate_units == 4
    why = T.topic_model_problem(m, k=2)
    assert why == ("topic model cannot be estimated: 4 sentences with content words; a term must occur in at least "
                   "min_df=2 and at most max_df=0.3 (1.2) of them, so none can be kept (needs at least 7 sentences)")
    # documents are checked first, only when given; then units and terms, as fit_topics does
    assert T.topic_model_problem(m, k=2, n_documents=1).startswith("topic model cannot be estimated: 1 document;")
    ok = T.document_term_matrix(toks, options=NO_EXTRA)
    assert T.topic_model_problem(ok, k=2, n_documents=2) == ""
    assert "k=5 topics need at least 5 sentences and 5 terms" in T.topic_model_problem(ok, k=5)
    with pytest.raises(T.TooFewUnitsError):
        T.fit_topics(ok, k=5)


def test_no_topic_model_means_empty_comparisons_not_errors():
    from analysis.measures.registry import TOPIC_MODEL_COLUMNS, topic_model_from_table

    empty = topic_model_from_table(pd.DataFrame(columns=TOPIC_MODEL_COLUMNS))
    assert empty.k == 0 and T.top_terms(empty).empty and T.representative_units(empty).empty
    assert T.outlet_topic_shares(empty).empty and T.compare_models(empty, empty).empty
    assert np.isnan(T.dominant_topic_agreement(empty, empty))


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_parallel_model_selection_equals_serial_on_the_seeds(seed_corpus, monkeypatch, start_method):
    """The (method, k, seed) grid fitted in two worker processes gives the serial table exactly, whichever way the
    workers start (ANALYSIS_START_METHOD)."""
    monkeypatch.setenv("ANALYSIS_START_METHOD", start_method)
    m = T.document_term_matrix(seed_corpus.tokens, sentences=seed_corpus.sentences,
                               options=T.VocabOptions(min_df=2, max_df=0.3))
    grid = dict(ks=[2, 3, 5], methods=("nmf", "lda"), seeds=(42, 43), n_top=10)
    serial = T.model_selection(m, **grid, n_jobs=1)
    parallel = T.model_selection(m, **grid, n_jobs=2)
    assert len(serial) == 12 and serial.npmi.notna().all() and serial.stability.lt(1).any()
    pd.testing.assert_frame_equal(parallel, serial, check_exact=True)


def test_grid_workers_follow_the_work_and_n_jobs():
    import os

    assert T._grid_workers(None, 21, T.PARALLEL_MIN_SECONDS) == min(os.cpu_count(), 21)
    assert T._grid_workers(None, 21, T.PARALLEL_MIN_SECONDS - 0.1) == 1
    assert T._grid_workers(2, 1, 1e9) == 1
    with pytest.raises(ValueError, match="n_jobs"):
        T._grid_workers(0, 5, 10.0)


def test_grid_estimate_keeps_the_seeds_in_one_process_and_sends_an_lda_plan_to_workers(seed_corpus):
    """The seeds' plan (LDA and NMF on about 90 sentences) is cheap; the same plan on 800 sentences is not."""
    from analysis.measures.registry import topic_plan

    m = T.document_term_matrix(seed_corpus.tokens, sentences=seed_corpus.sentences,
                               options=T.VocabOptions(min_df=2, max_df=0.3))
    plan = topic_plan(m.X.shape[0])
    grid = [(meth, k, s) for meth in plan["methods"] for k in plan["ks"] for s in plan["seeds"]]
    assert "lda" in plan["methods"] and T.grid_seconds(m, grid) < T.PARALLEL_MIN_SECONDS
    bigger = T.DocTermMatrix(X=T.sparse.vstack([m.X] * 9).tocsr(), terms=m.terms, units=m.units, unit=m.unit)
    assert T.grid_seconds(bigger, grid) >= T.PARALLEL_MIN_SECONDS


def _kill_worker(task):
    import os

    os._exit(1)


def test_a_dead_worker_falls_back_to_fitting_in_this_process(seed_corpus, monkeypatch):
    """A worker that dies (here: every fit kills its process) costs time, not the table: the grid is fitted here."""
    m = T.document_term_matrix(seed_corpus.tokens, sentences=seed_corpus.sentences,
                               options=T.VocabOptions(min_df=2, max_df=0.3))
    grid = dict(ks=[2, 3], methods=("nmf",), seeds=(1, 2), n_top=10)
    serial = T.model_selection(m, **grid, n_jobs=1)
    monkeypatch.setenv("ANALYSIS_START_METHOD", "fork")
    monkeypatch.setattr(T, "_fit_top_sets", _kill_worker)
    with pytest.warns(RuntimeWarning, match="worker process died"):
        again = T.model_selection(m, **grid, n_jobs=2)
    pd.testing.assert_frame_equal(again, serial, check_exact=True)
