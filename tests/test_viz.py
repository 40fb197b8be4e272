"""Tests for analysis.viz: what each figure draws (bars, points, lines, tick labels, titles, legends).

Tables are real measure outputs on the seeds (``seed_corpus``) or small hand-made tables with a known answer.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import viz
from analysis.measures import distinctive as D
from analysis.measures import kwic as K
from analysis.measures import tone as S
from analysis.measures import topics as T


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def ytick_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def xtick_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def visible_axes(fig) -> list:
    """Plot panels only (no colour bars, no hidden spare panels)."""
    return [a for a in fig.axes if a.get_visible() and a.get_label() != "<colorbar>"]


def legend_overlaps(fig, ax, legend) -> bool:
    """True if the legend's box covers any plotted point or interval end of ``ax`` (display coordinates)."""
    fig.canvas.draw()
    box = legend.get_window_extent()
    pts = []
    for line in ax.get_lines():
        xy = line.get_xydata()
        if len(xy):
            pts.append(ax.transData.transform(xy))
    for coll in ax.collections:
        off = coll.get_offsets()
        if len(off):
            pts.append(ax.transData.transform(off))
    pts = np.vstack(pts)
    pts = pts[np.isfinite(pts).all(axis=1)]
    return bool(((pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)).any())


# ------------------------------------------------------------------------------------------------ style
def test_outlet_colors_never_repeat_and_keep_the_colourblind_palette_up_to_ten():
    import seaborn as sns

    for n in (3, 10, 12, 20, 31):
        c = viz.outlet_colors([f"outlet {i:02d}" for i in range(n)])
        assert len(c) == n and len(set(c.values())) == n, n
    five = viz.outlet_colors(["E", "D", "C", "B", "A"])
    assert list(five.values()) == list(sns.color_palette("colorblind", 5))  # sorted names, as before


def test_category_colors_keep_greys_for_unnamed_speakers_only():
    groups = [f"group {i}" for i in range(16)] + ["unresolved", "no speaker found"]
    c = viz.category_colors(groups)
    assert c["unresolved"] == viz.UNNAMED_COLORS["unresolved"]
    named = [c[g] for g in groups[:16]]
    assert len(set(named)) == 16
    assert not any(abs(r - g) < 0.02 and abs(g - b) < 0.02 for r, g, b in named)  # no grey among named groups


def test_row_height_grows_with_rows():
    assert viz.row_height(2) < viz.row_height(10) < viz.row_height(40)


# ------------------------------------------------------------------------------------------------- tone
@pytest.fixture(scope="module")
def seed_tone(seed_corpus):
    return S.sentence_tone(seed_corpus.sentences, methods=["vader"])


def test_tone_distributions_one_row_per_outlet_and_a_mean_bar_each(seed_tone, seed_corpus):
    outlets = sorted(seed_corpus.documents.outlet.unique())
    fig = viz.plot_tone_distributions(seed_tone, methods=["vader"])
    (ax,) = visible_axes(fig)
    assert ytick_labels(ax) == outlets
    assert ax.get_title() == S.METHOD_LABELS["vader"]
    mean_bars = [line for line in ax.get_lines() if line.get_color() == "black"]
    assert len(mean_bars) == len(outlets)
    dots = sum(len(c.get_offsets()) for c in ax.collections)
    assert dots == len(seed_tone)


def test_outlet_tone_points_labels_and_title(seed_tone):
    table = S.outlet_tone(seed_tone, seed=0, n_boot=200)
    fig = viz.plot_outlet_tone(table, title="Tone per outlet")
    ax = fig.axes[0]
    assert ax.get_title() == "Tone per outlet"
    n_docs = table.groupby("outlet").n_docs.max()
    levels = viz.interval_levels(table)
    assert set(levels.values()) == {"sentences"}   # every seed outlet has fewer than 5 articles
    assert ytick_labels(ax) == [f"{o} ({n} art., sentence-level)" for o, n in n_docs.items()]
    assert "resample sentences (every outlet has fewer than 5 articles)" in ax.get_xlabel().replace("\n", " ")
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert sum(len(line.get_xdata()) for line in points) == len(table)


def test_actor_heatmap_annotates_only_cells_with_enough_sentences():
    cells = pd.DataFrame({"outlet": ["P", "P", "Q"], "actor": ["US", "Huawei", "US"], "method": "vader",
                          "estimate": [0.2, -0.3, 0.1], "ci_low": [0.0, -0.5, 0.1], "ci_high": [0.4, -0.1, 0.1],
                          "n_units": [5, 3, 1]})
    fig = viz.plot_actor_heatmap(cells, method="vader", min_sentences=2, min_n=2)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 2 and any("n=5" in t for t in texts) and not any("n=1" in t for t in texts)
    # outlets are rows (they scale to many outlets), actors columns
    assert ytick_labels(fig.axes[0]) == ["P"] and xtick_labels(fig.axes[0]) == ["US", "Huawei"]
    # below min_n (default 10 sentences) a cell is hatched grey with its n, no mean and no interval
    thin = viz.plot_actor_heatmap(cells, method="vader", min_sentences=2)
    ax = thin.axes[0]
    assert [t.get_text() for t in ax.texts] == ["n=5", "n=3"]
    assert len([p for p in ax.patches if p.get_hatch()]) == 2
    assert "too few to show a mean" in ax.get_title()
    # no cell has enough sentences: a figure that says what cannot be estimated, not an error
    empty = viz.plot_actor_heatmap(cells, method="vader", min_sentences=10)
    said = " ".join(" ".join(viz.figure_text(empty)).split())
    assert "tone toward actors cannot be estimated" in said and "10 or more sentences" in said


def test_method_agreement_legend_is_outside_the_points():
    rng = np.random.default_rng(0)
    n = 60
    v = rng.uniform(-1, 1, n)
    tone = pd.concat([pd.DataFrame({"sent_id": range(n), "outlet": np.repeat(["C", "A", "B"], n // 3),
                                    "method": m, "tone": v if m == "vader" else np.clip(v * 0.8, -1, 1)})
                      for m in ("vader", "hybrid")])
    fig = viz.plot_method_agreement(tone)
    ax = fig.axes[0]
    assert ax.get_title().startswith(f"Method agreement on {n} sentences")
    assert sum(len(c.get_offsets()) for c in ax.collections) == n
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B", "C", "y = x"]
    assert not legend_overlaps(fig, ax, ax.get_legend())


def test_validation_bars_are_labelled_in_words():
    results = pd.DataFrame({"method": ["vader", "vader", "hybrid", "hybrid"], "domain": ["tweets", "movies"] * 2,
                            "metric": "pearson_r", "value": [0.8, 0.4, 0.85, 0.7]})
    fig = viz.plot_validation(results, reference={"one human": 0.9}, title="Agreement")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Pearson r" and ax.get_title() == "Agreement"
    assert sum(len(c) for c in ax.containers) == 4
    assert xtick_labels(ax) == ["tweets", "movies"]


# ----------------------------------------------------------------------------------------------- topics
@pytest.fixture(scope="module")
def seed_topics(seed_corpus):
    dtm = T.document_term_matrix(seed_corpus.tokens, sentences=seed_corpus.sentences)
    model = T.fit_topics(dtm, k=3, method="nmf", seed=0)
    return dtm, model


def test_model_selection_one_line_per_method_in_each_panel(seed_topics):
    dtm, _ = seed_topics
    sel = T.model_selection(dtm, ks=[2, 3], methods=["nmf", "lda"], seeds=(0, 1), n_top=5)
    fig = viz.plot_model_selection(sel)
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 2]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["LDA", "NMF"]
    assert list(fig.axes[0].get_xticks()) == [2, 3]


def test_top_terms_one_panel_per_topic_with_n_bars(seed_topics):
    _, model = seed_topics
    fig = viz.plot_top_terms(model, n=6)
    panels = visible_axes(fig)
    assert [ax.get_title() for ax in panels] == [f"NMF topic {t}" for t in (1, 2, 3)]
    assert all(len(ax.patches) == 6 for ax in panels)


def test_share_heatmap_and_intervals_show_every_outlet(seed_topics, seed_corpus):
    _, model = seed_topics
    outlets = sorted(seed_corpus.documents.outlet.unique())
    art = T.outlet_topic_shares(model, cluster="doc_id", n_boot=100, seed=0)
    unit = T.outlet_topic_shares(model, cluster=None, n_boot=100, seed=0)
    heat = viz.plot_share_heatmap(art)
    n_art = art.groupby("outlet").n_clusters.max()
    levels = viz.interval_levels(art)
    assert ytick_labels(heat.axes[0]) == [viz.outlet_label(o, n_articles=n_art[o], level=levels[o]) for o in outlets]
    assert any("(1 art., no interval)" in t for t in ytick_labels(heat.axes[0]))   # forced articles: none to resample
    assert len(heat.axes[0].texts) == len(outlets) * 3
    fig = viz.plot_share_intervals(pd.concat([art, unit]), colors=viz.outlet_colors(outlets))
    panels = visible_axes(fig)
    assert len(panels) == 3 and ytick_labels(panels[0]) == [f"{o} ({n_art[o]} art.)" for o in outlets]
    markers = [line for line in panels[0].get_lines() if line.get_marker() in ("o", "D")]
    assert len(markers) == 2 * len(outlets)  # an article-level and a unit-level estimate per outlet
    # a one-article outlet has no article-level interval: a dot and a note, no bar
    first = sorted(art.label.unique(), key=lambda lab: art.loc[art.label == lab, "topic"].iloc[0])[0]
    one = art[(art.interval == "none") & (art.label == first)]
    notes = [t.get_text() for t in panels[0].texts]
    assert notes.count("1 article: no interval") == len(one)
    bars = [line for line in panels[0].get_lines() if len(line.get_xdata()) == 2]
    assert len(bars) == 2 * len(outlets) - len(one)


# ------------------------------------------------------------------------------------------------ terms
def three_outlet_scores() -> pd.DataFrame:
    counts = pd.DataFrame({"outlet": np.repeat(["A", "B", "C"], 4),
                           "term": ["ban", "deal", "phone", "network"] * 3,
                           "count": [20, 2, 5, 5, 2, 20, 5, 5, 3, 3, 12, 5]})
    return D.log_odds_dirichlet(counts)


def test_fightin_words_panel_per_outlet_and_caps_the_panels():
    s = three_outlet_scores()
    fig = viz.plot_fightin_words(s, n_label=2)
    assert [ax.get_title() for ax in visible_axes(fig)] == ["A vs the rest", "B vs the rest", "C vs the rest"]
    assert [len(ax.texts) for ax in visible_axes(fig)] == [2, 2, 2]
    assert sum(len(c.get_offsets()) for c in visible_axes(fig)[0].collections) == 4  # every term is a point
    capped = viz.plot_fightin_words(s, max_groups=2)
    assert [ax.get_title() for ax in visible_axes(capped)] == ["A vs the rest", "B vs the rest"]  # C is smallest


def test_term_rates_title_comes_from_the_caller_and_rows_are_terms(seed_corpus):
    from analysis.story import SEEDS_STORY, load_story

    terms = load_story(SEEDS_STORY).terms
    hits = K.find_terms(seed_corpus.tokens, terms)
    rates = K.term_rates(hits, seed_corpus.tokens, documents=seed_corpus.documents, terms=terms)
    fig = viz.plot_term_rates(rates, min_total=1, title="Names for the lease")
    ax = fig.axes[0]
    assert ax.get_title().startswith("Names for the lease: ")
    used = rates.groupby("term").n.sum()
    assert len(ytick_labels(ax)) == int((used >= 1).sum())
    assert [t.replace("\n", " ") for t in xtick_labels(ax)] == sorted(seed_corpus.documents.outlet.unique())


def test_offline_html_explorer(tmp_path):
    s = three_outlet_scores()
    ctx = pd.DataFrame({"outlet": ["A"], "term": ["ban"], "left": ["the US"], "match": ["ban"], "right": ["on"]})
    p = viz.term_explorer_html(s, tmp_path / "x.html", contexts=ctx, title="Distinctive terms")
    html = p.read_text()
    assert "<title>Distinctive terms</title>" in html and '"ban"' in html and "<script>" in html
    assert "http://" not in html and "https://" not in html and "src=" not in html  # nothing fetched


# -------------------------------------------------------------------------------------------- synthesis
def test_article_spread_one_dot_per_quantity_and_outlet():
    per_article = pd.DataFrame({
        "family": ["tone", "tone", "tone", "frames", "frames"], "quantity": ["overall"] * 3 + ["conflict"] * 2,
        "outlet": ["A", "A", "B", "A", "B"], "doc_id": ["a1", "a2", "b1", "a1", "b1"],
        "spread": [0.2, 0.2, 0.1, 0.3, 0.05]})
    fig = viz.plot_article_spread(per_article)
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["tone", "frames"]  # synthesis reading order
    assert sum(len(c.get_offsets()) for c in ax.collections) == 4
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]
    assert not legend_overlaps(fig, ax, ax.get_legend())


# ----------------------------------------------------------------------------------------------- frames
def frame_profile(n_articles: dict[str, int], estimates: dict[str, list[float]]) -> pd.DataFrame:
    """A profile table of the documented shape; a single-article outlet gets a zero-width interval."""
    frames = ["conflict", "economic", "morality"]
    rows = []
    for outlet, est in estimates.items():
        for f, e in zip(frames, est):
            w = 0.0 if n_articles[outlet] == 1 else 0.1
            rows.append({"outlet": outlet, "frame": f, "estimate": e, "ci_low": max(0, e - w), "ci_high": min(1, e + w),
                         "n_units": 20, "n_clusters": n_articles[outlet], "small_n": n_articles[outlet] < 5,
                         "n_evidence": int(round(e * 20))})
    return pd.DataFrame(rows)


LABELS = {"conflict": "Conflict", "economic": "Economic consequences", "morality": "Morality"}


def test_frame_profile_heatmap_cells_ticks_and_title():
    prof = frame_profile({"A": 1, "B": 2}, {"A": [0.25, 0.5, 0.0], "B": [0.1, 0.2, 0.3]})
    fig = viz.plot_frame_profile(prof, labels=LABELS, n_docs=pd.Series({"A": 1, "B": 2}), title="My codebook")
    ax = fig.axes[0]
    assert [t.replace("\n", " ") for t in xtick_labels(ax)] == ["Conflict", "Economic consequences", "Morality"]
    assert ytick_labels(ax) == ["A (1 art.)", "B (2 art.)"]
    assert [t.get_text() for t in ax.texts][:3] == ["25%\n(5)", "50%\n(10)", "0%\n(0)"]
    assert ax.get_title().startswith("My codebook: share of sentences")
    counts = viz.plot_frame_profile(prof, labels=LABELS, frames=["morality", "conflict"], annotate="count")
    assert xtick_labels(counts.axes[0]) == ["Morality", "Conflict"]
    assert [t.get_text() for t in counts.axes[0].texts] == ["0", "5", "6", "2"]


def test_frame_profile_heatmap_of_the_seeds_uses_the_codebook(seed_corpus):
    from analysis.measures import frames as framing

    sv = framing.load_codebook("semetko_valkenburg")
    prof = framing.outlet_frame_profile(seed_corpus, sv, n_boot=50, seed=0)
    n_docs = seed_corpus.documents.groupby("outlet").size()
    fig = viz.plot_frame_profile(prof, codebook=sv, n_docs=n_docs)
    ax = fig.axes[0]
    assert [t.replace("\n", " ") for t in xtick_labels(ax)] == [f.label for f in sv.frames.values()]
    assert ytick_labels(ax) == [f"{o} ({n} art.)" for o, n in n_docs.items()]
    assert ax.get_title().startswith(sv.title)


def test_frame_intervals_one_panel_per_frame_with_every_outlet():
    prof = frame_profile({"A": 1, "B": 3, "C": 2}, {"A": [0.5, 0.3, 0.95], "B": [0.2, 0.4, 0.9], "C": [0.1, 0.6, 0.8]})
    fig = viz.plot_frame_intervals(prof, labels=LABELS, n_docs=pd.Series({"A": 1, "B": 3, "C": 2}))
    panels = visible_axes(fig)
    assert [ax.get_title() for ax in panels] == ["Conflict", "Economic consequences", "Morality"]
    assert ytick_labels(panels[0]) == ["A (1 art.)", "B (3 art.)", "C (2 art.)"]
    for ax in panels:   # one point per outlet, at its row
        pts = [line for line in ax.get_lines() if line.get_marker() == "o"]
        assert sorted(p.get_ydata()[0] for p in pts) == [0, 1, 2]
    # an old table without per-outlet levels: the title says what its intervals cannot show
    assert "single-article outlets have no interval" in fig.get_suptitle()


def test_frame_intervals_say_each_outlets_interval_level():
    prof = frame_profile({"A": 12, "B": 2, "C": 1}, {o: [0.5, 0.3, 0.1] for o in "ABC"})
    prof["interval"] = prof.outlet.map({"A": "articles", "B": "sentences", "C": "sentences"})
    fig = viz.plot_frame_intervals(prof, labels=LABELS, n_docs=pd.Series({"A": 12, "B": 2, "C": 1}))
    assert ytick_labels(visible_axes(fig)[0]) == ["A (12 art.)", "B (2 art., sentence-level)",
                                                  "C (1 art., sentence-level)"]
    title = " ".join(fig.get_suptitle().split())
    assert "resample each outlet's articles" in title and "'sentence-level': fewer than 5 articles" in title
    assert "single-article" not in title
    every = prof.assign(interval="articles")
    assert "intervals resample articles" in viz.plot_frame_intervals(every, labels=LABELS).get_suptitle()


def test_frame_intervals_grow_and_wrap_with_outlets_and_frames():
    est = [0.2, 0.3, 0.4]
    small = viz.plot_frame_intervals(frame_profile({"A": 3, "B": 3}, {"A": est, "B": est}), labels=LABELS)
    outlets = {f"outlet {i:02d}": 3 for i in range(14)}
    big = viz.plot_frame_intervals(frame_profile(outlets, {o: est for o in outlets}), labels=LABELS)
    assert big.get_figheight() > small.get_figheight()
    colors = {tuple(p.get_color()) for p in visible_axes(big)[0].get_lines() if p.get_marker() == "o"}
    assert len(colors) == 14
    five = frame_profile({"A": 3}, {"A": est})
    five = pd.concat([five, five.assign(frame=five.frame + "_2")], ignore_index=True)
    wrapped = viz.plot_frame_intervals(five, max_cols=3)
    assert len(visible_axes(wrapped)) == 6 and len(wrapped.axes) == 6   # 2 rows of 3


def test_frame_intervals_draw_thin_shares_grey_without_interval():
    prof = frame_profile({"A": 3, "B": 3}, {"A": [0.25, 0.5, 0.0], "B": [0.5, 1.0, 0.0]})
    prof.loc[prof.outlet == "B", "n_units"] = 4
    ax = visible_axes(viz.plot_frame_intervals(prof, labels=LABELS))[0]
    crosses = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    assert len(crosses) == 1 and crosses[0].get_ydata()[0] == 1
    assert [t.get_text() for t in ax.texts] == ["n=4 (too few)"]


# ------------------------------------------------------------------------------------ agency and voices
def test_agents_patients_wraps_panels_and_draws_both_roles():
    outlets = [f"O{i}" for i in range(7)]
    roles = pd.DataFrame([{"outlet": o, "actor": a, "role": r, "n": n}
                          for o in outlets for a, r, n in [("officials", "agent", 4), ("officials", "patient", 1),
                                                           ("firm", "patient", 3), ("experts", "agent", 1)]])
    fig = viz.plot_agents_patients(roles, n_docs=pd.Series(dict.fromkeys(outlets, 2)), top=2, min_n=1)
    panels = visible_axes(fig)
    assert len(panels) == 7 and len(fig.axes) == 8  # 2 rows of 4, the spare panel hidden
    assert panels[0].get_title() == "O0 (2 art.)"
    assert "top 2 of 3 actor groups shown (by verb roles)" in fig.get_suptitle()
    assert ytick_labels(panels[0]) == ["officials", "firm"]  # 5 and 3 roles; experts (1) is cut by top=2
    widths = [round(p.get_width()) for p in panels[0].patches]
    assert widths == [4, 0, -1, -3]  # agents right of zero, patients left
    # 8 verb roles per outlet: below the default min_n of 10 every panel is grey and says so
    thin = viz.plot_agents_patients(roles, top=2)
    assert all(ax.get_title().endswith("n=8 roles: too few") for ax in visible_axes(thin))
    assert "fewer than 10 verb roles" in thin.get_suptitle()


def test_voices_stack_one_segment_per_group_and_unnamed_are_grey():
    vo = pd.DataFrame({"outlet": ["A", "A", "A", "B", "B"],
                       "speaker_group": ["officials", "unresolved", "experts", "officials", "no speaker found"],
                       "n": [4, 3, 2, 1, 1], "share": [4 / 9, 3 / 9, 2 / 9, 0.5, 0.5]})
    fig = viz.plot_voices(vo, min_n=1)
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["A (n=9)", "B (n=2)"]
    assert len(ax.patches) == 4 * 2  # every group has a (possibly empty) segment per outlet
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["officials", "unresolved", "experts", "no speaker found"]
    grey = dict(zip([t.get_text() for t in legend.get_texts()], [h.get_facecolor()[:3] for h in legend.legend_handles]))
    assert grey["unresolved"] == pytest.approx(viz.UNNAMED_COLORS["unresolved"])
    fig.canvas.draw()
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1  # beside the bars, not on them
    # fewer than min_n quotations: B's segments faded and hatched, no percentages, its n said
    thin = viz.plot_voices(vo, min_n=5).axes[0]
    assert [t.get_text() for t in thin.texts] == ["44%", "33%", "22%", "n=2: too few quotations to compare shares"]
    faded = [p for p in thin.patches if p.get_hatch() == viz.style.THIN_HATCH]
    assert len(faded) == 4 and all(p.get_alpha() == 0.3 and p.get_y() > 0.5 for p in faded)     # B's row only
    assert thin.get_legend().get_texts()[-1].get_text() == "fewer than 5 quotations: faded, too few to compare"


def test_attribution_markers_bars_per_outlet_and_class_with_the_callers_title():
    acc = pd.DataFrame({"outlet": ["A", "B"], "n_sentences": [3, 4], "distancing": [0.5, 0.0],
                        "hedge": [0.25, 0.5], "assertion": [0.0, 0.25]})
    den = pd.DataFrame({"outlet": ["A"], "n_sentences": [2], "distancing": [1.0], "hedge": [0.0], "assertion": [0.0]})
    fig = viz.plot_attribution_markers(acc, den, title="Around the port accusations", min_n=1)
    assert fig._suptitle.get_text() == "Around the port accusations"
    assert [len(ax.patches) for ax in fig.axes] == [6, 6]
    # below min_n sentences in a panel: that outlet's bars faded and hatched, and its n (B has no denial sentence)
    thin = viz.plot_attribution_markers(acc, den, min_n=4)
    assert [[t.get_text() for t in ax.texts] for ax in thin.axes] == [["n=3: too few"], ["n=2: too few"]]
    assert [len([p for p in ax.patches if p.get_hatch()]) for ax in thin.axes] == [3, 3]
    assert ytick_labels(fig.axes[0]) == ["A\n(accusation n=3, denial n=2)", "B\n(accusation n=4, denial n=0)"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["distancing", "hedge", "assertion"]


def test_term_heatmap_orders_terms_by_mentions():
    prof = pd.DataFrame({"outlet": ["A", "A", "B"], "term": ["lease", "deal", "deal"], "n": [1, 2, 3],
                         "per_1000_words": [1.0, 2.0, 1.5]})
    fig = viz.plot_term_heatmap(prof, title="Names for the lease")
    ax = fig.axes[0]
    assert xtick_labels(ax) == ["deal", "lease"] and ytick_labels(ax) == ["A", "B"]
    assert [t.get_text() for t in ax.texts] == ["2", "1", "3", "0"]
    assert ax.get_title().startswith("Names for the lease: ")
    with pytest.raises(ValueError):
        viz.plot_term_heatmap(prof.iloc[:0])


# ------------------------------------------------------------------------------------------- validation
def test_sample_composition_two_bars_per_outlet_and_the_callers_title():
    comp = pd.DataFrame({"in corpus": [0.6, 0.3, 0.1], "in sample": [1 / 3] * 3}, index=["A", "B", "C"])
    fig = viz.plot_sample_composition(comp, title="Sample of 18 sentences")
    ax = fig.axes[0]
    assert ax.get_title() == "Sample of 18 sentences" and ytick_labels(ax) == ["A", "B", "C"]
    assert len(ax.patches) == 6 and ax.get_xlabel() == "share of sentences"
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1


def test_reliability_rows_questions_then_bold_frames():
    from analysis.validate import reliability

    q = pd.DataFrame({"question": ["Q2", "Q1", "Q3"], "frame": ["conflict", "conflict", "economic"],
                      "alpha": [0.5, 0.7, 0.9], "alpha_low": [0.3, 0.6, 0.8], "alpha_high": [0.6, 0.8, 1.0],
                      "agreement": [0.8, 0.9, 0.95]})
    f = pd.DataFrame({"frame": ["conflict", "economic"], "alpha": [0.6, 0.85], "alpha_low": [0.5, 0.7],
                      "alpha_high": [0.7, 0.95], "agreement": [0.85, 0.9]})
    q["frame"] = q["frame"].replace("economic", "economic_consequences")
    f["frame"] = f["frame"].replace("economic", "economic_consequences")
    fig = viz.plot_reliability(q, f, title="Reliability")
    ax = fig.axes[0]
    labels = ytick_labels(ax)  # top to bottom
    assert labels == ["Q1 (conflict)", "Q2 (conflict)", "Q3 (economic consequences)", "frame: conflict",
                      "frame: economic consequences"]
    assert [t.get_fontweight() for t in ax.get_yticklabels()] == ["normal"] * 3 + ["bold"] * 2
    assert ax.get_yticks()[0] > ax.get_yticks()[-1]  # first row on top
    diamonds = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert len(diamonds) == 5
    dashed = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert dashed == [reliability.ALPHA_TENTATIVE, reliability.ALPHA_RELIABLE]


def test_f1_comparison_bars_and_labels_in_words():
    scores = pd.DataFrame({"always-yes floor": [0.4, 0.2], "codebook indicators": [0.6, 0.3],
                           "classifier (5-fold CV)": [0.7, 0.5]}, index=["conflict", "economic_consequences"])
    fig = viz.plot_f1_comparison(scores, title="F1 (n = 40)")
    ax = fig.axes[0]
    assert xtick_labels(ax) == ["conflict", "economic consequences"] and ax.get_title() == "F1 (n = 40)"
    assert len(ax.patches) == 6
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(scores.columns)
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1


def test_calibration_one_line_per_frame_and_the_diagonal():
    cal = pd.DataFrame({"frame": ["conflict"] * 3 + ["human_interest"] * 3, "bin": [0, 1, 2] * 2, "n": 4,
                        "mean_predicted": [0.1, 0.5, 0.9, 0.2, 0.4, 0.6], "observed": [0.0, 0.5, 1.0, 0.0, 0.25, 0.5]})
    fig = viz.plot_calibration(cal)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["conflict", "human interest"]
    assert not legend_overlaps(fig, ax, ax.get_legend())


def test_frame_probabilities_cells_flags_cuts_and_row_cap():
    table = pd.DataFrame([{"outlet": o, "doc_id": f"{o}{d}", "frame": f, "probability": p,
                           "indicators_present": f == "conflict"}
                          for o in "AB" for d in range(3) for f, p in [("conflict", 0.8), ("economic", 0.3)]])
    fig = viz.plot_frame_probabilities(table, thresholds={"conflict": 0.2, "economic": 0.45}, title="port corpus")
    ax = fig.axes[0]
    assert len(ax.texts) == 12 and sum("●" in t.get_text() for t in ax.texts) == 6
    assert xtick_labels(ax) == ["conflict\n(cut 0.20)", "economic\n(cut 0.45)"]
    assert ytick_labels(ax)[0] == "A (A0)"
    assert ax.get_title().startswith("port corpus: classifier probability")
    capped = viz.plot_frame_probabilities(table, title="port corpus", max_rows=4)
    assert len(ytick_labels(capped.axes[0])) == 4
    assert capped.axes[0].get_title().startswith("port corpus (4 of 6 articles): ")


# ----------------------------------------------------------------------------------------------- corpus
def test_lines_by_rule_stacks_outlets_per_rule(seed_corpus):
    from analysis.corpus import describe

    summary = describe.audit_summary(seed_corpus.audit)
    fig = viz.plot_lines_by_rule(summary)
    ax = fig.axes[0]
    removed = summary[~summary.rule.isin(["blank_line", "body"])]
    per_rule = removed.groupby("rule", observed=True).n_lines.sum()
    assert len(ytick_labels(ax)) == (per_rule > 0).sum() and "_" not in "".join(ytick_labels(ax))
    totals = {r.replace("_", " "): n for r, n in per_rule.items()}
    assert [totals[t] for t in ytick_labels(ax)] == sorted(totals.values())  # most lines on top
    assert sum(p.get_width() for p in ax.patches) == per_rule.sum()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == sorted(seed_corpus.documents.outlet.unique())
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1
    with pytest.raises(ValueError):
        viz.plot_lines_by_rule(summary[summary.rule == "body"])


def test_kept_vs_removed_in_words(seed_corpus):
    from analysis.corpus import describe

    share = describe.kept_share(seed_corpus.audit)
    fig = viz.plot_kept_vs_removed(share)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "non-blank raw lines" and "_" not in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["kept", "removed"]
    assert ytick_labels(ax) == list(share.index)
    widths = [p.get_width() for p in ax.patches]
    assert widths == list(share.kept_lines) + list(share.removed_lines)


def test_text_per_outlet_bars_and_one_dot_per_sentence(seed_corpus):
    from analysis.corpus import describe

    stats = describe.outlet_summary(seed_corpus)
    lengths = describe.sentence_lengths(seed_corpus)
    fig = viz.plot_text_per_outlet(stats, lengths)
    bars, dots = fig.axes
    assert ytick_labels(bars) == list(stats.index)
    assert [p.get_width() for p in bars.patches] == list(stats.words)
    assert sum(len(c.get_offsets()) for c in dots.collections) == len(lengths)


def test_top_entities_heatmap_and_size_grows_with_entities(seed_corpus):
    from analysis.corpus import describe

    ents = describe.top_entities(seed_corpus, n=15)
    fig = viz.plot_top_entities(ents)
    ax = fig.axes[0]
    assert ytick_labels(ax) == list(ents.index)
    assert [t.replace("\n", " ") for t in xtick_labels(ax)] == list(ents.columns)
    assert len(ax.texts) == ents.size
    small = viz.plot_top_entities(describe.top_entities(seed_corpus, n=4))
    assert small.get_figheight() < fig.get_figheight()


def test_share_intervals_colour_each_outlet_without_a_palette():
    rows = [{"outlet": f"O{i:02d}", "topic": 1, "label": "T1 a · b", "estimate": 0.5, "ci_low": 0.4, "ci_high": 0.6,
             "n_units": 10, "n_clusters": 3, "interval": "article"} for i in range(12)]
    fig = viz.plot_share_intervals(pd.DataFrame(rows))
    colors = {tuple(line.get_color()) for line in fig.axes[0].get_lines() if line.get_marker() == "o"}
    assert len(colors) == 12


def test_outlet_names_in_chinese_render_with_the_fallback_font():
    """An outlet named in Chinese renders as glyphs, not empty boxes (matplotlib warns "Glyph ... missing")."""
    import os
    import warnings

    import matplotlib.pyplot as plt

    from analysis.viz.style import fallback_fonts, set_style

    if "WenQuanYi Micro Hei" not in fallback_fonts():
        if os.environ.get("CI"):
            pytest.fail("fonts-wqy-microhei is required in CI (make test installs it)")
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")

    def missing_glyphs(families) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with plt.rc_context({"font.family": families}):
                fig, ax = plt.subplots()
                ax.barh(["新华社", "Reuters"], [3, 2])
                fig.canvas.draw()
                plt.close(fig)
        return [str(w.message) for w in caught if "missing from font" in str(w.message)]

    assert missing_glyphs(["DejaVu Sans"])          # the default font alone has no CJK glyphs
    set_style()
    assert not missing_glyphs(plt.rcParams["font.family"])


# ------------------------------------------------------------------------------- thin cells (min_n greying)
def test_frame_profile_hatches_cells_below_min_n():
    prof = frame_profile({"A": 3, "B": 3}, {"A": [0.25, 0.5, 0.0], "B": [0.5, 1.0, 0.0]})
    prof.loc[prof.outlet == "B", ["n_units", "n_evidence"]] = [[2, 1], [2, 2], [2, 0]]
    fig = viz.plot_frame_profile(prof, labels=LABELS)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts[:3] == ["25%\n(5)", "50%\n(10)", "0%\n(0)"] and texts[3:] == ["n=2"] * 3
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 3 and {(p.get_x(), p.get_y()) for p in hatched} == {(0, 1), (1, 1), (2, 1)}
    assert fig.legends[0].get_texts()[0].get_text() == "fewer than 10 sentences: too few to show a share"
    # the threshold is a parameter: min_n=2 shows every cell in colour, and no legend is drawn
    fig2 = viz.plot_frame_profile(prof, labels=LABELS, min_n=2)
    ax2 = fig2.axes[0]
    assert not [p for p in ax2.patches if p.get_hatch()] and fig2.legends == []
    assert [t.get_text() for t in ax2.texts][3:] == ["50%\n(1)", "100%\n(2)", "0%\n(0)"]


def test_side_by_side_draws_thin_estimates_grey_without_interval():
    from analysis.compare.synthesis import Synthesis

    comp = pd.DataFrame({"family": "tone", "quantity": "mean tone", "outlet": ["A", "B"], "estimate": [0.1, -0.4],
                         "ci_low": [0.0, -0.9], "ci_high": [0.2, 0.1], "n_units": [40, 2], "n_clusters": [3, 1],
                         "unit": "sentences", "interval": "articles", "small_n": [True, True]})
    claims = pd.DataFrame({"outlet": ["A", "B"], "n_articles": [3, 1]})
    fig = viz.plot_side_by_side(Synthesis(comparison=comp, claims=claims, evidence=pd.DataFrame(), settings={}))
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["n=40", "n=2 (too few)"]
    crosses = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    assert len(crosses) == 1 and crosses[0].get_ydata()[0] == 1
    assert "fewer than 10 units" in fig.get_suptitle()
    # only outlet A has an error bar
    assert len(ax.containers) == 1


# ------------------------------------------------------------------------------- many outlets: sizes and levels
def test_figure_size_is_one_rule_that_grows_with_rows_columns_labels_and_legends():
    assert viz.figure_size(15)[1] > viz.figure_size(3)[1] and viz.figure_size(1, 15)[0] > viz.figure_size(1, 3)[0]
    latin = viz.figure_size(3, labels=["Mainichi"], minimum=(0, 0))[0]
    cjk = viz.figure_size(3, labels=["毎日新聞社"], minimum=(0, 0))[0]         # 5 wide characters: 10 cells, wider than 8 Latin
    assert cjk > latin
    assert viz.figure_size(2, legend_entries=30)[1] > viz.figure_size(2)[1]
    assert viz.figure_size(10_000, 10_000) == viz.style.MAX_SIZE
    assert viz.facet_grid(15, max_cols=4) == (4, 4) and viz.facet_grid(5, max_cols=4) == (2, 3)


def shares_table(levels: dict[str, tuple[int, str, int]]) -> pd.DataFrame:
    """outlet -> (articles, interval level, sentences): two topics per outlet, shaped like outlet_topic_shares."""
    rows = []
    for o, (n_art, level, n_units) in levels.items():
        for t, e in ((1, 0.6), (2, 0.4)):
            rows.append({"outlet": o, "topic": t, "label": f"T{t} w{t} · v{t}", "estimate": e, "ci_low": e - 0.1,
                         "ci_high": e + 0.1, "n_units": n_units, "n_clusters": n_art, "small_n": n_art < 5,
                         "interval": level})
    return pd.DataFrame(rows)


def test_share_heatmap_hatches_thin_cells_and_labels_each_outlets_level():
    t = shares_table({"A": (12, "articles", 120), "B": (2, "sentences", 4), "C": (3, "sentences", 30)})
    ax = viz.plot_share_heatmap(t).axes[0]
    assert ytick_labels(ax) == ["A (12 art.)", "B (2 art., sentence-level)", "C (3 art., sentence-level)"]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2 and {p.get_y() for p in hatched} == {1}        # B's two cells, row 1
    assert [t.get_text() for t in ax.texts].count("n=4") == 2
    title = " ".join(ax.get_title().split())
    assert "resample each outlet's articles; 'sentence-level': fewer than 5 articles" in title
    assert "hatched: fewer than 10 sentences" in title


def test_share_intervals_one_interval_per_outlet_at_its_level_and_thin_crosses():
    t = shares_table({"A": (12, "articles", 120), "B": (2, "sentences", 4)})
    fig = viz.plot_share_intervals(t)
    panels = visible_axes(fig)
    assert ytick_labels(panels[0]) == ["A (12 art.)", "B (2 art., sentence-level)"]
    assert [len([ln for ln in ax.get_lines() if ln.get_marker() == "x"]) for ax in panels] == [1, 1]
    assert "'sentence-level'" in fig.get_suptitle()
    many = shares_table({f"outlet {i:02d}": (6, "articles", 60) for i in range(15)})
    assert len(ytick_labels(visible_axes(viz.plot_share_intervals(many))[0])) == 15       # no silent cut at 12
    cut = viz.plot_share_intervals(many, max_groups=5)
    assert "top 5 of 15 outlets shown (by articles)" in cut.get_suptitle()


def test_outlet_tone_thin_means_are_grey_crosses_without_interval():
    table = pd.DataFrame({"outlet": ["A", "B"], "method": "vader", "estimate": [0.1, -0.3], "ci_low": [0.0, -0.6],
                          "ci_high": [0.2, 0.0], "n_units": [50, 3], "n_clusters": [6, 1], "n_docs": [6, 1],
                          "small_n": [False, True], "interval": ["articles", "sentences"]})
    ax = viz.plot_outlet_tone(table).axes[0]
    assert ytick_labels(ax) == ["A (6 art.)", "B (1 art., sentence-level)"]
    assert [t.get_text() for t in ax.texts] == ["n=3 (too few)"]
    assert len([ln for ln in ax.get_lines() if ln.get_marker() == "x"]) == 1
    assert "grey cross: fewer than 10 sentences" in ax.get_xlabel().replace("\n", " ")


def test_term_rates_and_fightin_words_keep_every_outlet_unless_asked():
    counts = pd.DataFrame({"outlet": np.repeat([f"O{i:02d}" for i in range(14)], 3),
                           "term": ["ban", "deal", "port"] * 14, "count": np.tile([5, 3, 2], 14)})
    counts.loc[counts.outlet == "O03", "count"] = [1, 9, 2]
    scores = D.log_odds_dirichlet(counts)
    fig = viz.plot_fightin_words(scores, n_label=1)
    assert len(visible_axes(fig)) == 14 and fig.get_suptitle() == ""
    rates = pd.DataFrame({"outlet": [f"O{i:02d}" for i in range(14)], "group": "g", "term": "ban", "n": 2,
                          "n_words": range(100, 1500, 100), "rate": 1.0})
    ax = viz.plot_term_rates(rates).axes[0]
    assert len(xtick_labels(ax)) == 14 and "shown" not in ax.get_title()
