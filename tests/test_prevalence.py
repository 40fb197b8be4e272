"""Topic prevalence ~ covariates (analysis.compare.prevalence, analysis.viz.prevalence).

The hand-made corpora are built here: articles of short sentences, each sentence drawn from one of three
invented themes (a port, a school, the weather). In the planted corpus one outlet ("Harbour Post") writes 60% of
its sentences about the port and the others 20%, so its port effect is known to be positive. Pure noise is the
same corpus with the outlets shuffled over the articles: the true outlet effect is 0.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from analysis import viz
from analysis.compare import prevalence as P
from analysis.config import PROJECT_ROOT
from analysis.measures import topics as T

THEMES = {
    "port": ["harbour", "ship", "crane", "dock", "cargo", "container", "pier", "freight"],
    "school": ["pupil", "teacher", "classroom", "exam", "lesson", "headteacher", "timetable", "homework"],
    "weather": ["rain", "storm", "flood", "wind", "forecast", "drought", "thunder", "frost"],
}
OUTLETS = ["Harbour Post", "Inland Courier", "Valley Times"]
CONGESTION = PROJECT_ROOT / "tests" / "data" / "congestion"


def handmade(seed: int = 0, *, n_articles: int = 8, n_sentences: int = 8, p_port: float = 0.6,
             outlets=OUTLETS, trend: bool = False, dated: bool = False):
    """``(tokens, sentences, documents)`` of a corpus where ``outlets[0]`` writes ``p_port`` of its sentences
    about the port theme and every other outlet 20%; ``trend``: the port share grows from 10% to 70% over
    90 days for every outlet instead."""
    rng = np.random.default_rng(seed)
    toks, sents, docs = [], [], []
    for o in outlets:
        for a in range(n_articles):
            doc = f"{o.split()[0].lower()}{a:02d}"
            day = int(rng.integers(0, 91))
            docs.append({"doc_id": doc, "outlet": o,
                         "date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=day) if dated or trend else pd.NaT})
            for s in range(n_sentences):
                p = 0.1 + 0.6 * day / 90 if trend else (p_port if o == outlets[0] else 0.2)
                theme = "port" if rng.random() < p else ("school", "weather")[rng.integers(0, 2)]
                words = list(rng.choice(THEMES[theme], size=6))
                sid = f"{doc}:s{s:03d}"
                sents.append({"doc_id": doc, "outlet": o, "sent_id": sid, "text": " ".join(words)})
                toks += [{"doc_id": doc, "sent_id": sid, "token_i": s * 10 + i, "lemma": w, "pos": "NOUN",
                          "is_stop": False} for i, w in enumerate(words)]
    return pd.DataFrame(toks), pd.DataFrame(sents), pd.DataFrame(docs)


def refits(toks, sents, *, k: int, n: int, method: str = "nmf"):
    dtm = T.document_term_matrix(toks, sentences=sents,
                                 options=T.VocabOptions(min_df=2, max_df=1.0, extra_stopwords=()))
    return [T.fit_topics(dtm, k=k, method=method, seed=s) for s in range(n)]


def port_topic(models) -> int:
    """The reference topic whose top words are the port theme's."""
    top = T.top_terms(models[0], n=5).groupby("topic")["term"].apply(set)
    return int(max(top.index, key=lambda t: len(top[t] & set(THEMES["port"]))))


@pytest.fixture(scope="module")
def planted():
    toks, sents, docs = handmade(0)
    return refits(toks, sents, k=3, n=6), docs


# ------------------------------------------------------------------------------------------- the pieces
def test_robust_ols_matches_the_sandwich_written_out():
    rng = np.random.default_rng(0)
    n = 30
    X = np.column_stack([np.repeat(np.eye(3), 10, axis=0), rng.normal(size=n)])
    Y = rng.random((2, n, 4))
    for hc in ("HC0", "HC1", "HC2", "HC3"):
        B, V = P.robust_ols(X, Y, hc=hc)
        r, k = 1, 2
        y = Y[r, :, k]
        A = np.linalg.inv(X.T @ X)
        b = A @ X.T @ y
        e = y - X @ b
        h = np.array([X[i] @ A @ X[i] for i in range(n)])
        w = {"HC0": np.ones(n), "HC1": np.full(n, n / (n - 4)), "HC2": 1 / (1 - h), "HC3": 1 / (1 - h) ** 2}[hc]
        meat = sum(w[i] * e[i] ** 2 * np.outer(X[i], X[i]) for i in range(n))
        assert np.allclose(B[r, :, k], b)
        assert np.allclose(V[r, k], A @ meat @ A), hc


def test_hc3_of_a_group_mean_is_the_jackknife_variance():
    """One indicator per outlet: HC3's variance of a group mean is sum(e^2) / (n_g - 1)^2."""
    X = np.repeat(np.eye(2), [3, 5], axis=0)
    y = np.array([1.0, 2, 4, 0, 1, 1, 3, 5])
    B, V = P.robust_ols(X, y[None, :, None], hc="HC3")
    for g, (lo, hi) in enumerate([(0, 3), (3, 8)]):
        e = y[lo:hi] - y[lo:hi].mean()
        assert B[0, g, 0] == pytest.approx(y[lo:hi].mean())
        assert V[0, 0, g, g] == pytest.approx((e ** 2).sum() / (hi - lo - 1) ** 2)


def test_alignment_recovers_a_permutation_and_a_reordered_vocabulary(planted):
    models, _ = planted
    ref = models[0]
    perm = np.array([2, 0, 1])
    rev = ref.topic_term[:, ::-1]
    shuffled = T.TopicModel(ref.method, ref.k, 99, ref.doc_topic[:, perm], rev[perm], ref.terms[::-1].copy(),
                            ref.units, None)
    order, cos = P.align_topics(ref, shuffled)
    assert np.allclose(cos, 1.0)
    assert np.array_equal(perm[order], np.arange(3))      # shuffled topic order[i] is reference topic i


def test_article_shares_weight_units_by_their_terms_and_skip_empty_units(planted):
    models, docs = planted
    m = models[0]
    Y = P.article_shares(m, docs["doc_id"])
    first = m.units["doc_id"] == docs["doc_id"][0]
    w = m.units.loc[first, "n_terms"].to_numpy(float)
    assert np.allclose(Y[0], (m.doc_topic[first.to_numpy()] * w[:, None]).sum(0) / w.sum())
    assert np.allclose(Y.sum(1), 1.0)
    theta = m.doc_topic.copy()
    theta[np.flatnonzero(first)[0]] = np.nan                 # a unit the model gives no weight
    m2 = T.TopicModel(m.method, m.k, m.seed, theta, m.topic_term, m.terms, m.units, None)
    rest = first.to_numpy().copy()
    rest[np.flatnonzero(first)[0]] = False
    w2 = m.units.loc[rest, "n_terms"].to_numpy(float)
    assert np.allclose(P.article_shares(m2, docs["doc_id"])[0], (m.doc_topic[rest] * w2[:, None]).sum(0) / w2.sum())


# ------------------------------------------------------------------------------------------- the effects
def test_the_planted_outlet_effect_is_found_with_its_sign_and_an_interval_excluding_zero(planted):
    models, docs = planted
    res = P.prevalence_from_models(models, docs, n_draws=200, seed=1)
    port = port_topic(models)
    eff = res.effects[(res.effects.topic == port) & (res.effects.covariate == "outlet")].set_index("term")
    assert eff.loc["Harbour Post", "estimate"] > 0.1 and eff.loc["Harbour Post", "ci_low"] > 0
    for other in OUTLETS[1:]:
        assert eff.loc[other, "estimate"] < 0
    assert set(eff["versus"]) == {"the average outlet"} and (eff["n_articles"] == 8).all()
    assert (eff["n_refits"] == 6).all() and (eff["alignment"] > 0.9).all() and eff["note"].eq("").all()
    # deviation coding: the outlets' effects sum to 0 for every topic
    sums = res.effects[res.effects.covariate == "outlet"].groupby("topic")["estimate"].sum()
    assert np.allclose(sums, 0, atol=1e-9)


def test_codings_compare_with_what_they_say(planted):
    models, docs = planted
    docs = docs[~docs.doc_id.isin(["valley00", "valley01", "valley02"])]    # unequal outlet sizes
    w = P.prevalence_from_models(models, docs, coding="weighted", n_draws=50).effects
    n = w.groupby("term")["n_articles"].first()
    weighted = w.assign(x=w.estimate * w.term.map(n / n.sum())).groupby("topic")["x"].sum()
    assert np.allclose(weighted, 0, atol=1e-9) and set(w.versus) == {"the corpus mean"}
    t = P.prevalence_from_models(models, docs, coding="treatment", reference="Valley Times", n_draws=50).effects
    assert set(t.term) == {"Harbour Post", "Inland Courier"} and set(t.versus) == {"Valley Times"}
    d = P.prevalence_from_models(models, docs, n_draws=50).effects.set_index(["topic", "term"])["estimate"]
    for topic in (1, 2, 3):   # treatment effect = difference of the deviation effects
        assert t.set_index(["topic", "term"]).loc[(topic, "Harbour Post"), "estimate"] == pytest.approx(
            d[(topic, "Harbour Post")] - d[(topic, "Valley Times")])


def test_same_seed_same_table_and_draws_set_the_width(planted):
    models, docs = planted
    a = P.prevalence_from_models(models, docs, n_draws=100, seed=3).effects
    b = P.prevalence_from_models(models, docs, n_draws=100, seed=3).effects
    pd.testing.assert_frame_equal(a, b)
    c = P.prevalence_from_models(models, docs, n_draws=100, seed=4).effects
    assert not np.allclose(a.ci_low, c.ci_low) and np.allclose(a.estimate, c.estimate)


def test_pure_noise_intervals_cover_zero_in_most_shuffles(planted):
    """Outlets shuffled over the articles (the topic fits do not see outlets, so they stay). Measured: in
    these 100 shuffles x 9 intervals the composed 95% intervals cover 0 in 91.4% of cases (one fit alone:
    92.0%); four other sets of 150 shuffles on two such corpora gave 91.9-95.1%. The 9 intervals of one
    shuffle are correlated (effects sum to 0 over outlets, shares to 1 over topics), so the rate moves by a
    few points between sets."""
    models, docs = planted
    rng = np.random.default_rng(7)
    covered = []
    for i in range(100):
        shuffled = docs.assign(outlet=rng.permutation(docs["outlet"].to_numpy()))
        e = P.prevalence_from_models(models, shuffled, n_draws=100, seed=i).effects
        covered += list((e.ci_low <= 0) & (e.ci_high >= 0))
    rate = float(np.mean(covered))
    assert 0.88 <= rate <= 0.995, rate


def test_composed_interval_is_as_wide_as_one_fit_when_the_topics_are_stable(planted):
    models, docs = planted
    e = P.prevalence_from_models(models, docs, n_draws=500, seed=0).effects
    ratio = (e.ci_high - e.ci_low) / (e.naive_high - e.naive_low)
    assert ratio.mean() >= 0.97 and ratio.min() >= 0.9, ratio.describe()
    # one fit: the simulated interval is the analytic one up to Monte Carlo error
    one = P.prevalence_from_models(models[:1], docs, n_draws=4000, seed=0).effects
    assert np.allclose(one.ci_high - one.ci_low, one.naive_high - one.naive_low, rtol=0.06)
    assert (one["alignment"].isna()).all() and (one["n_refits"] == 1).all()


def test_composed_interval_is_clearly_wider_when_the_topics_are_unstable():
    """Eight topics on three themes: NMF splits the themes differently on every seed. Measured: width ratio
    composed / one fit, mean 1.42 (median 1.28) on this corpus (1.46-1.82 on five others), against 0.99 with
    k = 3."""
    toks, sents, docs = handmade(5)
    models = refits(toks, sents, k=8, n=8)
    res = P.prevalence_from_models(models, docs, n_draws=300, seed=0)
    e = res.effects
    ratio = (e.ci_high - e.ci_low) / (e.naive_high - e.naive_low)
    assert ratio.mean() >= 1.2 and ratio.median() >= 1.1, ratio.describe()
    assert (e["alignment"] < 0.9).any()
    unstable = e[e["reappears"] < e["n_refits"]]
    assert len(unstable) and unstable["note"].str.startswith("unstable: reappears in").all()
    assert any("do not reappear in every refit" in n for n in res.notes)


# ------------------------------------------------------------------------------------------- time
def test_a_planted_trend_is_found_and_the_expected_share_rises():
    toks, sents, docs = handmade(2, trend=True)
    models = refits(toks, sents, k=3, n=4)
    port = port_topic(models)
    res = P.prevalence_from_models(models, docs, n_draws=200, seed=0)
    assert res.settings["time"] == "linear"
    trend = res.effects[(res.effects.topic == port) & (res.effects.covariate == "time")].iloc[0]
    assert trend["term"] == "trend per week" and trend["ci_low"] > 0 and trend["n_articles"] == len(docs)
    # 60 points over 90 days is 4.7 points a week
    assert 0.02 < trend["estimate"] < 0.08
    ot = res.over_time[res.over_time.topic == port].sort_values("date")
    assert len(ot) == 40 and ot["estimate"].iloc[-1] - ot["estimate"].iloc[0] > 0.3
    assert (ot["ci_low"] <= ot["estimate"]).all() and (ot["estimate"] <= ot["ci_high"]).all()
    spline = P.prevalence_from_models(models, docs, time="spline", n_knots=3, n_draws=100, seed=0)
    row = spline.effects[(spline.effects.topic == port) & (spline.effects.covariate == "time")].iloc[0]
    assert row["term"] == "last minus first date" and row["estimate"] > 0.3
    none = P.prevalence_from_models(models, docs, time="none", n_draws=50)
    assert set(none.effects.covariate) == {"outlet"} and none.over_time.empty


def test_undated_articles_keep_time_out_unless_asked_then_they_are_dropped_and_counted():
    toks, sents, docs = handmade(2, dated=True)
    models = refits(toks, sents, k=3, n=2)
    docs.loc[:2, "date"] = pd.NaT
    auto = P.prevalence_from_models(models, docs, n_draws=50)
    assert auto.settings["time"] == "none" and "time is not in the model: 3 of 24 articles have no date" in auto.notes
    asked = P.prevalence_from_models(models, docs, time="linear", n_draws=50)
    assert asked.settings["time"] == "linear" and asked.settings["n_articles"] == 21
    assert any("3 of 24 undated articles left out" in n for n in asked.notes)


# ------------------------------------------------------------------------------------------- what cannot be estimated
def test_small_outlets_and_a_single_outlet_give_cannot_be_estimated_rows(planted):
    models, docs = planted
    few = docs[~docs.doc_id.isin([f"valley{i:02d}" for i in range(1, 8)])]        # Valley Times: 1 article
    e = P.prevalence_from_models(models, few, n_draws=50).effects
    valley = e[e.term == "Valley Times"]
    assert len(valley) == 3 and valley.estimate.isna().all()
    assert valley.note.eq("cannot be estimated: 1 article (an outlet needs at least 2)").all()
    assert e[e.term != "Valley Times"].estimate.notna().all()
    one = P.prevalence_from_models(models, docs[docs.outlet == "Harbour Post"], n_draws=50)
    assert one.effects.estimate.isna().all() and len(one.effects) == 3
    assert one.effects.note.str.contains("only one outlet (Harbour Post)", regex=False).all()
    none = P.prevalence_from_models([], docs, no_model="topic model cannot be estimated: 1 document")
    assert len(none.effects) == 1 and none.effects.note.iloc[0] == "topic model cannot be estimated: 1 document"


def test_the_seeds_say_what_cannot_be_estimated():
    import analysis

    res = P.topic_prevalence(analysis.open_study(progress=False), n_refits=3, n_draws=20)
    e = res.effects
    assert e.estimate.isna().all() and e.topic.nunique() == res.settings["k"] > 0
    single = e[e.n_articles == 1]
    assert single.note.eq("cannot be estimated: 1 article (an outlet needs at least 2)").all()
    assert len(single.term.unique()) == 3
    assert e[e.n_articles == 2].note.str.contains("only one outlet").all()
    assert "time is not in the model: 4 of 5 articles have no date" in res.notes
    fig = viz.plot_prevalence_effects(e)
    text = " ".join(viz.figure_text(fig))
    assert "Outlet effects cannot be estimated" in text and "1 article" in text


def test_a_one_document_corpus_has_no_topic_model_and_says_why():
    import warnings

    import analysis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = analysis.open_study(PROJECT_ROOT / "tests" / "data" / "tiny" / "one_doc.csv", progress=False)
    res = P.topic_prevalence(study, n_refits=2)
    assert len(res.effects) == 1 and res.effects.note.iloc[0].startswith("topic model cannot be estimated: 1 document")
    assert res.over_time.empty and res.alignment.empty


def test_refits_come_from_the_measure_store():
    import analysis

    study = analysis.open_study(CONGESTION / "articles.csv", story=CONGESTION / "story.yaml", progress=False)
    K = study.measures.resolve("topic_model")["k"]
    res = P.topic_prevalence(study, k=K, n_refits=3, n_draws=50)
    assert res.settings["seeds"] == [42, 43, 44] and res.settings["time"] == "linear"
    direct = {s: study.measure("topic_model", k=K, seed=s) for s in (42, 43, 44)}
    assert all(not t.empty for t in direct.values())
    assert res.articles.groupby("doc_id").share.sum().round(6).eq(1).all() and res.articles.doc_id.nunique() == 15
    est = res.effects[res.effects.covariate == "outlet"]
    assert est.estimate.notna().all() and set(est.term) == set(study.corpus.documents.outlet)


# ------------------------------------------------------------------------------------------- figures
def test_effects_figure_draws_one_panel_per_topic_and_one_row_per_outlet(planted):
    models, docs = planted
    e = P.prevalence_from_models(models, docs, n_draws=50).effects
    fig = viz.plot_prevalence_effects(e)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3
    assert [t.get_text() for t in axes[0].get_yticklabels()] == [f"{o} (8 art.)" for o in OUTLETS]
    colors = viz.outlet_colors(OUTLETS)
    for ax in axes:
        # per outlet: one pale one-fit bar, one composed whisker, one dot; plus the zero line
        assert len(ax.lines) == 1 + 3 * len(OUTLETS)
        dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
        assert [matplotlib.colors.to_rgb(d.get_color()) for d in dots] == [colors[o] for o in OUTLETS]
    text = viz.figure_text(fig)
    assert any("vs the average outlet" in t for t in text) and any("6 refits" in t for t in text)
    assert not any("topics shown" in t for t in text)
    no_naive = viz.plot_prevalence_effects(e, show_naive=False)
    assert len([ax for ax in no_naive.axes if ax.get_visible()][0].lines) == 1 + 2 * len(OUTLETS)


def test_effects_figure_cuts_to_top_topics_says_so_and_grows_with_outlets_and_topics(planted):
    models, docs = planted
    e = P.prevalence_from_models(models, docs, n_draws=50).effects
    cut = viz.plot_prevalence_effects(e, max_topics=2)
    assert len([ax for ax in cut.axes if ax.get_visible()]) == 2
    assert any("top 2 of 3 topics shown" in t for t in viz.figure_text(cut))
    many = pd.concat([e.assign(topic=e.topic + 3 * i, label=e.label + f" {i}") for i in range(4)])
    more = pd.concat([many, many[many.term == "Valley Times"].assign(term="Zeta Daily")])
    small, big = viz.plot_prevalence_effects(e), viz.plot_prevalence_effects(more)
    assert big.get_figheight() > small.get_figheight() and big.get_figwidth() > small.get_figwidth()
    assert len([ax for ax in big.axes if ax.get_visible()]) == 12


def test_effects_figure_marks_unstable_topics_and_outlets_that_cannot_be_estimated(planted):
    models, docs = planted
    few = docs[~docs.doc_id.isin([f"valley{i:02d}" for i in range(1, 8)])]
    e = P.prevalence_from_models(models, few, n_draws=50).effects
    e.loc[e.topic == 1, "reappears"] = 4
    fig = viz.plot_prevalence_effects(e)
    ax = fig.axes[0]
    assert "unstable: in 4 of 6 refits" in ax.get_title()
    crosses = [ln for ln in ax.lines if ln.get_marker() == "x"]
    assert len(crosses) == 1 and any(t.get_text() == "1 article" for t in ax.texts)


def test_over_time_figure_draws_a_band_per_topic_and_the_articles():
    toks, sents, docs = handmade(2, trend=True)
    models = refits(toks, sents, k=3, n=2)
    res = P.prevalence_from_models(models, docs, n_draws=50, seed=0)
    fig = viz.plot_prevalence_over_time(res.over_time, articles=res.articles)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3
    for ax in axes:
        assert len(ax.lines) == 1 and len(ax.collections) == 2            # the band and the article dots
        assert len(ax.collections[1].get_offsets()) == len(docs)
    assert {"Harbour Post", "Inland Courier", "Valley Times"} <= set(viz.figure_text(fig))
    cut = viz.plot_prevalence_over_time(res.over_time, max_topics=1)
    assert any("top 1 of 3 topics shown" in t for t in viz.figure_text(cut))
    empty = viz.plot_prevalence_over_time(P.prevalence_from_models(models, docs, time="none").over_time,
                                          message="time is not in the model: no dates")
    assert "time is not in the model: no dates" in viz.figure_text(empty)


# ------------------------------------------------------------------------------------------- notebook
@pytest.mark.slow
def test_notebook_02_shows_prevalence_on_the_congestion_corpus(tmp_path):
    import nbformat

    from analysis.run.notebooks import run_all

    records = run_all(output_dir=tmp_path, corpus=str(CONGESTION / "articles.csv"), only=["02"], force=True,
                      params={"story": str(CONGESTION / "story.yaml")})
    assert records[0]["status"] == "executed"
    nb = nbformat.read(tmp_path / "notebooks" / "02_topics_and_distinctive_words.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "topic_prevalence(" in c.source]
    assert cells, "no prevalence cell"
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    shown = "\n".join(o.get("text", "") + "".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "Green Lane Journal" in shown and "trend per week" in shown
    for name in ("02_topic_prevalence_effects", "02_topic_prevalence_over_time"):
        assert (tmp_path / "figures" / f"{name}.png").stat().st_size > 5_000
