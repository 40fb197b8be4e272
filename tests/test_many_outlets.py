"""Many outlets: the hand-made 15-outlet corpus (tests/data/many_outlets) through every figure, the interval
policy and the synthesis.

Figures grow with the number of outlets, keep every outlet (or say "top N of M outlets shown"), give each outlet
its own colour, render Chinese, Japanese and Korean outlet names, draw thin cells grey with their n, label no
two things on top of each other, and say per outlet what its intervals resample; one outlet with one article
does not switch the others to sentence-level intervals and gets no "clear difference".
"""
from __future__ import annotations

import importlib.util
import re
import warnings
from itertools import combinations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import analysis
from analysis import viz

ROOT = Path(__file__).resolve().parent.parent
MANY = ROOT / "tests" / "data" / "many_outlets"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FIGS = _load("many_outlets_figures", Path(__file__).parent / "many_outlets_figures.py")


# ----------------------------------------------------------------------------------------------- the corpus
def test_articles_are_what_the_script_writes_and_fit_the_brief():
    mod = _load("make_many", MANY / "make_many_outlets_corpus.py")
    assert (MANY / "articles.csv").read_text(encoding="utf-8") == mod.csv_text()
    df = pd.read_csv(MANY / "articles.csv")
    assert list(df.columns) == ["id", "outlet", "date", "title", "url", "text"] and df["id"].is_unique
    sizes = df.outlet.value_counts()
    assert len(sizes) == 15 and sorted(sizes)[:2] == [1, 2] and sizes.iloc[:-2].between(4, 12).all()
    cjk = [o for o in sizes.index if CJK.search(o)]
    assert len(cjk) == 5 and any(re.search(r"[\uac00-\ud7af]", o) for o in cjk)           # Korean
    assert any(re.search(r"[\u3040-\u30ff]", o) for o in cjk)                              # Japanese kana
    assert sizes[[o for o in cjk if sizes[o] == 1]].size == 1                               # the 1-article one
    assert df["text"].str.contains(r'," said|," (?:he|she) said', regex=True).sum() >= 20
    assert df["text"].str.contains(r"\baccus").sum() >= 10 and df["text"].str.contains(r"\bden(?:y|ied|ies)\b").sum() >= 5


@pytest.fixture(scope="module")
def study():
    return FIGS.open_many()


def test_corpus_loads_whole_and_its_story_words_occur(study):
    corp, story = study.corpus, study.story
    assert len(corp.documents) == 94 and len(corp.rejects) == 0 and len(corp.issues) == 0
    removed = corp.audit[(corp.audit.action == "remove") & (corp.audit.rule != "blank_line")]
    assert set(removed.rule) == {"copyright", "navigation", "newsletter_widget", "promo_link"}   # page furniture
    assert story.name == "corvane_bay_desalination" and not story.discovered
    text = " ".join(corp.documents["text"])
    unseen = [a for a in story.actors["alias"]
              if not re.search(rf"(?<!\w)[{a[0].lower()}{a[0].upper()}]{re.escape(a[1:])}(?!\w)", text)]
    assert unseen == []
    words = set(corp.tokens["lemma"].str.lower()) | set(corp.tokens["lower"])
    assert [t for t in story.terms["term"] if not (t in words or (" " in t and t in text.lower()))] == []


# ------------------------------------------------------------------------------------------- intervals per outlet
def test_every_caller_decides_the_interval_level_per_outlet(study):
    """Tone, topic shares, frame shares and the synthesis: outlets with 5+ articles resample articles, the
    others sentences; the 1-article outlet switches nobody else."""
    from analysis.compare import interval_policy, synthesis
    from analysis.measures import frames, topics
    from analysis.measures import tone as S
    from analysis.measures.registry import topic_model_from_table

    n = study.corpus.documents.groupby("outlet").size()
    want = {o: "articles" if k >= 5 else "sentences" for o, k in n.items()}
    assert set(want.values()) == {"articles", "sentences"}
    policy = interval_policy(study.corpus.documents)
    assert dict(zip(policy.table["outlet"], policy.table["resample"])) == {o: "articles" if v == "articles" else "units"
                                                                      for o, v in want.items()}
    tone = S.outlet_tone(study.measure("sentence_tone"), n_boot=50)
    nmf = topic_model_from_table(study.measure("topic_model", seed=42, k="auto"), seed=42)
    shares = topics.outlet_topic_shares(nmf, n_boot=50)
    prof = frames.outlet_frame_profile(study.corpus, "semetko_valkenburg",
                                       coded=study.measure("frame_codes", codebook="semetko_valkenburg"), n_boot=50)
    for name, table in (("tone", tone), ("topics", shares), ("frames", prof)):
        assert viz.interval_levels(table) == want, name
    s = synthesis.synthesize(study, n_boot=50, progress=False)
    comp = s.comparison[s.comparison.family.isin(["tone", "topics", "frames"])]
    assert viz.interval_levels(comp) == want


# ------------------------------------------------------------------------------------------------ the figures
@pytest.fixture(scope="module")
def tables(study):
    return FIGS.tables(study)


@pytest.fixture(scope="module")
def figures(tables):
    viz.set_style()
    figs = FIGS.draw_all(tables)
    yield figs
    plt.close("all")


def _flat(texts) -> str:
    return " ".join(" ".join(texts).split())


@pytest.mark.slow
def test_every_figure_shows_every_outlet_or_says_which_it_leaves_out(tables, figures):
    outlets = tables["outlets"]
    for name in FIGS.OUTLET_FIGURES:
        said = _flat(viz.figure_text(figures[name]))
        missing = [o for o in outlets if " ".join(o.split()) not in said]
        if missing:
            assert re.search(r"top \d+ of 15 outlets shown|not shown|no line removed in", said), (name, missing)
            named = [o for o in missing if o in said]
            assert len(missing) - len(named) <= 3 or "more" in said, (name, missing)
    # the cuts are said: agency shows the top actor groups and names how many there were
    assert "actor groups shown (by verb roles)" in _flat(viz.figure_text(figures["04_agents_patients"]))
    assert "not shown, one article (no spread): 海港快讯" in _flat(viz.figure_text(figures["06_article_spread"]))


@pytest.mark.slow
def test_a_figure_that_cuts_to_a_top_n_says_so(tables):
    fig = viz.plot_fightin_words(tables["scores"], max_groups=8)
    assert len([a for a in fig.axes if a.get_visible()]) == 8
    assert "top 8 of 15 outlets shown (by words)" in fig.get_suptitle()
    heat = viz.plot_share_heatmap(tables["shares"], max_groups=5)
    assert len(heat.axes[0].get_yticklabels()) == 5 and "top 5 of 15 outlets shown (by articles)" in heat.axes[0].get_title()
    rates = viz.plot_term_rates(tables["rates"], max_groups=6)
    assert "top 6 of 15 outlets shown (by words)" in rates.axes[0].get_title().replace("\n", " ")
    plt.close("all")


@pytest.mark.slow
def test_figures_grow_with_the_number_of_outlets(tables, figures):
    few = FIGS.subset(tables, tables["outlets"][:3])
    small = FIGS.draw_all(few)
    # outlets only in a legend beside a fixed plot (the scatter, the spread by family): the legend fits either way
    legend_only = {"03_method_agreement", "06_article_spread"}
    same = {}
    for name in FIGS.OUTLET_FIGURES:
        w, h = figures[name].get_size_inches()
        w3, h3 = small[name].get_size_inches()
        if name not in legend_only and not w * h > w3 * h3 * 1.2:
            same[name] = ((w, h), (w3, h3))
    assert same == {}
    plt.close("all")


@pytest.mark.slow
def test_no_outlet_colour_repeats(tables, figures):
    colors = viz.outlet_colors(tables["outlets"])
    assert len(set(colors.values())) == 15
    legend = figures["03_method_agreement"].axes[0].get_legend()
    handles = [h for h, t in zip(legend.legend_handles, legend.get_texts()) if t.get_text() in colors]
    rgb = {matplotlib.colors.to_rgb(h.get_facecolor()[0] if hasattr(h, "get_facecolor") else h.get_markerfacecolor())
           for h in handles}
    assert len(handles) == 15 and len(rgb) == 15
    for name in ("04_frame_intervals", "06_side_by_side", "02_share_intervals"):
        ax = next(a for a in figures[name].axes if a.get_visible())
        dots = {tuple(matplotlib.colors.to_rgb(ln.get_color())) for ln in ax.get_lines() if ln.get_marker() == "o"}
        assert len(dots) >= 13, name       # one colour per outlet drawn (thin ones are grey crosses)


def test_cjk_outlet_names_render_without_missing_glyphs(tables):
    import os

    from analysis.viz.style import fallback_fonts

    if "WenQuanYi Micro Hei" not in fallback_fonts():
        if os.environ.get("CI"):
            pytest.fail("fonts-wqy-microhei is required in CI (make test installs it)")
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    viz.set_style()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = FIGS.draw_all(tables)
        for fig in figs.values():
            fig.canvas.draw()
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
    cjk = [o for o in tables["outlets"] if CJK.search(o)]
    for name in ("03_outlet_tone", "04_frame_profile", "06_side_by_side"):
        said = " ".join(viz.figure_text(figs[name]))
        assert all(o in said for o in cjk), name
    plt.close("all")


def _renderer(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _boxes(fig):
    """(what, bbox) of every visible text a reader must read: tick labels, titles, axis labels, the suptitle."""
    r = _renderer(fig)
    out = []
    def shown(ticks, labels, lim):   # tick labels of ticks inside the view (matplotlib keeps the others, undrawn)
        lo, hi = sorted(lim)
        return [t for x, t in zip(ticks, labels) if lo - 1e-9 <= x <= hi + 1e-9]

    for i, ax in enumerate(a for a in fig.axes if a.get_visible()):
        for kind, texts in (("ytick", shown(ax.get_yticks(), ax.get_yticklabels(), ax.get_ylim())),
                            ("xtick", shown(ax.get_xticks(), ax.get_xticklabels(), ax.get_xlim())),
                            ("title", [ax.title, ax._left_title]), ("label", [ax.xaxis.label, ax.yaxis.label])):
            out += [(i, kind, t.get_text(), t.get_window_extent(r)) for t in texts if t.get_visible() and t.get_text()]
    if fig._suptitle is not None and fig._suptitle.get_text():
        out.append((-1, "suptitle", fig._suptitle.get_text(), fig._suptitle.get_window_extent(r)))
    legends = [(i, a.get_legend()) for i, a in enumerate(a for a in fig.axes if a.get_visible()) if a.get_legend()]
    out += [(i, "legend", "legend: " + " / ".join(t.get_text() for t in leg.get_texts()), leg.get_window_extent(r))
            for i, leg in legends + [(-1, leg) for leg in fig.legends]]
    return out


def overlapping_labels(fig, *, pad: float = 1.0) -> list:
    """Pairs of texts whose boxes overlap, and texts that sit on another panel's plotting area."""
    def hit(a, b):
        return a.x0 + pad < b.x1 and b.x0 + pad < a.x1 and a.y0 + pad < b.y1 and b.y0 + pad < a.y1

    boxes = _boxes(fig)
    bad = [(a[2], b[2]) for a, b in combinations(boxes, 2)
           if hit(a[3], b[3]) and not (a[0] == b[0] and {a[1], b[1]} == {"label"})]
    r = _renderer(fig)
    panels = [a for a in fig.axes if a.get_visible()]
    for i, ax in enumerate(panels):
        area = ax.get_window_extent(r)
        bad += [(t, f"panel {i}") for j, kind, t, box in boxes if j != i and hit(box, area)]
    return bad


@pytest.mark.slow
def test_no_label_overlaps_another_label_or_panel(tables, figures):
    problems = {name: overlapping_labels(fig) for name, fig in figures.items()}
    assert {k: v[:6] for k, v in problems.items() if v} == {}
    few = FIGS.draw_all(FIGS.subset(tables, tables["outlets"][-3:]))       # and with three outlets (CJK names)
    problems = {name: overlapping_labels(fig) for name, fig in few.items()}
    assert {k: v[:6] for k, v in problems.items() if v} == {}
    plt.close("all")


def test_the_overlap_check_finds_overlapping_labels():
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.set_yticks(range(30), [f"label {i}" for i in range(30)])      # 30 labels in 1.5 inches
    assert overlapping_labels(fig)
    ok, ax2 = plt.subplots(figsize=(4, 6))
    ax2.set_yticks(range(5), [f"label {i}" for i in range(5)])
    assert overlapping_labels(ok) == []
    ax2.set_title("a title")
    ax2.legend(handles=[plt.Line2D([], [], label="a legend")], loc="lower left", bbox_to_anchor=(0.3, 1.0))
    assert overlapping_labels(ok) == [("a title", "legend: a legend")]      # a legend on the title
    plt.close("all")


@pytest.mark.slow
def test_thin_cells_are_drawn_grey_with_their_n(tables, figures):
    from analysis.intervals import MIN_CELL_N

    # tone toward actors: every cell with 2..9 sentences is hatched and says its n
    cells = tables["cells"]
    cells = cells[(cells.method == tables["main_method"]) & cells.actor.isin(tables["groups"])]
    thin = cells[(cells.n_units >= 2) & (cells.n_units < MIN_CELL_N)]
    ax = figures["03_actor_heatmap"].axes[0]
    assert len(thin) >= 5
    assert len([p for p in ax.patches if p.get_hatch()]) == len(thin)
    assert sorted(t.get_text() for t in ax.texts if t.get_text().startswith("n=") and "\n" not in t.get_text()) == \
        sorted(f"n={n}" for n in thin.n_units)
    # voices: outlets with fewer than 10 quotations keep their segments faded and hatched, and say their n
    vo = tables["voices"]
    n_q = vo.groupby("outlet").n.sum()
    few = n_q[n_q < MIN_CELL_N]
    vax = figures["04_voices"].axes[0]
    assert len(few) >= 1
    assert len([p for p in vax.patches if p.get_hatch()]) == len(few) * vo.speaker_group.nunique()
    assert sorted(t.get_text() for t in vax.texts if "too few" in t.get_text()) == \
        sorted(f"n={n}: too few quotations to compare shares" for n in few)
    # side by side: a grey cross, no interval, for every shown estimate below 10 units
    fig = figures["06_side_by_side"]
    crosses = sum(len([ln for ln in a.get_lines() if ln.get_marker() == "x"]) for a in fig.axes if a.get_visible())
    labels = sum(len([t for t in a.texts if "too few" in t.get_text()]) for a in fig.axes if a.get_visible())
    assert crosses >= 5 and crosses == labels
    assert "grey cross = fewer than 10 units" in _flat([fig.get_suptitle()])
    # attribution markers and agency say it too
    assert "too few" in _flat(viz.figure_text(figures["04_attribution_markers"]))
    assert "fewer than 10 verb roles" in figures["04_agents_patients"].get_suptitle()


@pytest.mark.slow
def test_each_outlets_interval_level_is_on_its_label(tables, figures):
    n = tables["n_docs"]
    small = sorted(o for o in n.index if n[o] < 5)
    big = sorted(o for o in n.index if n[o] >= 5)
    for name, tag in (("03_outlet_tone", "sentence-level"), ("02_share_heatmap", "sentence-level"),
                      ("04_frame_intervals", "sentence-level"), ("06_side_by_side", "unit-level")):
        ax = next(a for a in figures[name].axes if a.get_visible())
        labels = {t.get_text().split(" (")[0]: t.get_text() for t in ax.get_yticklabels()}
        assert all(tag in labels[o] for o in small), (name, [labels[o] for o in small])
        assert not any("level" in labels[o] for o in big), name
        said = _flat(viz.figure_text(figures[name]))
        assert "resample each outlet's articles" in said and f"'{tag}': fewer than 5 articles" in said, name


# ---------------------------------------------------------------------------------------------- the synthesis
@pytest.mark.slow
def test_synthesis_states_interval_levels_and_lists_no_difference_for_the_one_article_outlet(tables):
    synth = tables["synth"]
    n = tables["n_docs"]
    one = n.idxmin()
    assert n[one] == 1
    wide = synth.side_by_side()
    row = wide.loc[("coverage", "intervals")]
    assert row[one] == "over sentences, quotations, verb roles (1 article: this article only)"
    assert all(row[o] == f"over its {n[o]} articles" for o in n.index if n[o] >= 5)
    c = synth.claims[synth.claims.interval.isin(["sentences"])]
    assert len(c) and c.caveat.str.contains("interval over sentences, not articles").all()
    assert set(c.outlet) == {o for o in n.index if n[o] < 5}
    assert not synth.claims[synth.claims.interval == "articles"].caveat.str.contains("interval over").any()
    from analysis.compare import claims_html

    assert "95% intervals over its 12 articles" in claims_html(synth)
    diffs = synth.outlet_differences(n_perm=500)
    clear = synth.clear_differences(n_perm=500)
    assert one not in set(clear.outlet)
    assert (diffs[diffs.outlet == one].verdict == "cannot be estimated (1 article)").all()
    sig = diffs[diffs.q_value < 0.05]
    assert len(clear) == len(sig) and (clear.q_value < 0.05).all() and len(clear) > 0


# ---------------------------------------------------------------------------------------------- the notebooks
@pytest.mark.slow
def test_notebooks_run_on_fifteen_outlets_with_their_figures(tmp_path):
    import json

    from analysis.run import notebooks as R

    out = tmp_path / "run"
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYSIS_VALIDATION_DIR", str(tmp_path / "no_validation_data"))
    try:
        code = R.main(["--corpus", str(MANY / "articles.csv"), "--story", str(MANY / "story.yaml"),
                       "--output-dir", str(out), "--only", "02", "03", "04", "06", "--no-report"])
    finally:
        mp.undo()
    assert code == 0
    figs = {p.stem for p in (out / "figures").glob("*.png")}
    for want in ("02_topic_share_heatmap", "02_topic_share_intervals", "02_fightin_words", "03_outlet_tone",
                 "03_actor_outlet_tone_heatmap", "04_frame_profile", "04_frame_profile_intervals", "04_voices",
                 "04_agents_patients", "06_side_by_side"):
        assert want in figs, (want, sorted(figs))
    # no figure dropped an outlet silently, and the 1-article outlet has no clear difference in notebook 06
    from PIL import Image

    for name in ("02_topic_share_intervals", "02_fightin_words", "03_outlet_tone", "04_frame_profile_intervals",
                 "06_side_by_side"):
        said = " ".join(Image.open(out / "figures" / f"{name}.png").info.get("Description", "").split())
        assert all(" ".join(o.split()) in said for o in FIGS_OUTLETS), name
    one = next(o for o in FIGS_OUTLETS if CJK.search(o) and len(o) == 4 and o.startswith("海"))
    listed = clear_differences_listed(json.loads((out / "notebooks" / "06_synthesis.ipynb").read_text()))
    assert listed and not [row for row in listed if one in row], [row for row in listed if one in row]


def clear_differences_listed(nb: dict) -> list[str]:
    """Every row an executed notebook 06 shows as a clear difference (an outlet "higher/lower than the rest"):
    the lines of the tables printed by cells that call ``clear_differences()`` and the tuples they print."""
    rows = []
    said = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "clear_differences()" not in "".join(cell["source"]):
            continue
        text = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                       for o in cell.get("outputs", []))
        said |= "differences with q < 0.05" in text
        rows += re.findall(r"\('[^']*', '[^']*', '(?:higher|lower) than the rest'\)", text)
        rows += [line for line in text.splitlines() if re.search(r"(?:higher|lower) than the rest\s*$", line)]
    assert said, "notebook 06 no longer prints how many differences have q < 0.05"
    return rows


FIGS_OUTLETS = sorted(pd.read_csv(MANY / "articles.csv").outlet.unique())
