"""Same-event (paired) comparisons: the loader's event column, analysis.compare.events, its figure, and
notebook 07 on the hand-made events corpus.

The corpus (tests/data/events, written by make_events_corpus.py) has an outlet x event confound built in: the
Harbour Sentinel covers mostly the grim events, while within every event all outlets write from the same pool
of sentences; the Lowmoor Gazette adds two warm closing sentences to every article (a real within-event
difference).
"""
from __future__ import annotations

import importlib.util
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.compare import events as E
from analysis.compare.stats import CannotEstimateWarning
from analysis.config import PROJECT_ROOT

EVENTS = PROJECT_ROOT / "tests" / "data" / "events"
SENTINEL, GAZETTE = "Harbour Sentinel", "Lowmoor Gazette"


def _generator():
    spec = importlib.util.spec_from_file_location("make_events", EVENTS / "make_events_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def study():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analysis.open_study(EVENTS / "articles.csv", story=EVENTS / "story.yaml", progress=False)


@pytest.fixture(scope="module")
def vader_tone(study):
    tone = study.measure("sentence_tone")
    return E.attach_events(tone[tone["method"] == "vader"], study.corpus.documents)


# ------------------------------------------------------------------------------------------- the corpus
def test_corpus_file_is_what_the_generator_writes():
    assert (EVENTS / "articles.csv").read_text(encoding="utf-8") == _generator().csv_text()


def test_events_corpus_loads_with_its_event_column_and_odd_values(study):
    mod = _generator()
    docs = study.corpus.documents.set_index("doc_id")
    rows = {r["id"]: r for r in mod.rows()}
    assert len(docs) == len(rows) and study.corpus.rejects.empty
    assert docs["event"].dtype == "string"
    blank = [i for i, r in rows.items() if not r["event"]]
    assert blank and docs.loc[blank, "event"].isna().all()              # an article without an event: NA
    named = [i for i in rows if i not in blank]
    assert (docs.loc[named, "event"] == pd.Series({i: rows[i]["event"] for i in named})).all()
    odd = {(o, ev): v for (o, ev), v in mod.ODD_DATES.items()}
    assert any(v == "yesterday" for v in odd.values()) and any(v == "2025" for v in odd.values())
    warned = study.corpus.issues.loc[study.corpus.issues.level == "warning", "message"]
    assert warned.str.contains("relative date 'yesterday'").any() and warned.str.contains("is a year only").any()


# ------------------------------------------------------------------------------------------- the loader
def _load(df, **kw):
    from analysis.corpus import load_corpus

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        raw = load_corpus(df, **kw)
    return raw, [str(x.message) for x in w]


TEXTS = ["The river flooded the town.", "A fair opened in the park.", "Firefighters fought a blaze.",
         "Pupils won a prize."]


@pytest.mark.parametrize("name", ["event", "Event ID", "story_id", "Story", "cluster", "EVENT_NAME"])
def test_loader_finds_the_event_column_by_its_synonyms(name):
    df = pd.DataFrame({"id": list("abcd"), "text": TEXTS, "outlet": ["X", "Y", "X", "Y"],
                       name: ["flood", " flood ", None, 3.0]})
    raw, _ = _load(df)
    assert raw.documents["event"].tolist()[:2] == ["flood", "flood"]     # spaces trimmed
    assert pd.isna(raw.documents["event"].iloc[2])                       # missing: not paired
    assert raw.documents["event"].iloc[3] == "3"                         # a number becomes its text
    assert raw.rejects.empty


def test_loader_event_column_is_mapped_by_hand_and_absent_without_one():
    df = pd.DataFrame({"id": list("ab"), "body": TEXTS[:2], "source": ["X", "Y"], "grp": ["e1", "e1"],
                       "event": ["not this", "nor this"]})
    raw, said = _load(df, columns={"event": "grp"})
    assert raw.documents["event"].tolist() == ["e1", "e1"]
    assert raw.documents["user_event"].tolist() == ["not this", "nor this"]   # the other "event" column kept aside
    assert any("user_event" in m for m in said)
    no_event, _ = _load(df.drop(columns=["grp", "event"]))
    assert "event" not in no_event.documents.columns
    from analysis.run.notebooks import parse_columns

    mapped, _ = _load(df, columns=parse_columns("event=grp,text=body"))     # the --columns form
    assert mapped.documents["event"].tolist() == ["e1", "e1"]


def test_loader_a_malformed_event_is_not_paired_and_said(tmp_path):
    path = tmp_path / "arts.jsonl"
    lines = [{"id": "a", "text": TEXTS[0], "outlet": "X", "event": "flood"},
             {"id": "b", "text": TEXTS[1], "outlet": "Y", "event": ["flood", "fair"]},
             {"id": "c", "text": TEXTS[2], "outlet": "Y", "event": True},
             {"id": "d", "text": TEXTS[3], "outlet": "X"}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    raw, said = _load(path)
    ev = raw.documents.set_index("doc_id")["event"]
    assert ev["a"] == "flood" and ev[["b", "c", "d"]].isna().all()
    assert raw.rejects.empty                                               # kept, just not paired
    msgs = raw.issues.set_index("doc_id")["message"]
    assert "not a label (list)" in msgs["b"] and "not a label (bool)" in msgs["c"]
    assert "arts.jsonl:line 2" in raw.issues.set_index("doc_id").loc["b", "source"]
    assert any("not paired" in m for m in said)


def test_loader_reads_the_event_from_a_folder_metadata_table(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in zip("ab", TEXTS):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text("doc_id,outlet,Story ID\na,X,fire-1\nb,Y,\n", encoding="utf-8")
    raw, _ = _load(folder)
    ev = raw.documents.set_index("doc_id")["event"]
    assert ev["a"] == "fire-1" and pd.isna(ev["b"])


# ------------------------------------------------------------------------------------------- coverage
def test_event_coverage_and_description_count_what_cannot_be_paired(study):
    mod = _generator()
    docs = study.corpus.documents
    cov = E.event_coverage(docs)
    outlets_per_event: dict[str, set] = {}
    for o, evs in mod.COVERS.items():
        for ev in evs:
            if ev:
                outlets_per_event.setdefault(ev, set()).add(o)
    assert dict(zip(cov.event, cov.n_outlets)) == {k: len(v) for k, v in outlets_per_event.items()}
    single = sorted(k for k, v in outlets_per_event.items() if len(v) == 1)
    assert sorted(cov.loc[~cov.paired, "event"]) == single
    text = E.describe_events(docs)
    n_blank = sum(1 for r in mod.rows() if not r["event"])
    assert f"({n_blank} without: not paired)" in text and all(s in text for s in single)
    assert "no event column" in E.describe_events(docs.drop(columns="event"))


# ------------------------------------------------------------------------------------------- the confound
def test_paired_analysis_sees_through_the_outlet_event_confound(vader_tone):
    d = E.event_differences(vader_tone, value="tone", seed=1).set_index("outlet")
    s = d.loc[SENTINEL]
    assert s.unpaired < -0.2 and s.unpaired_verdict == "lower than the rest"       # the naive comparison
    assert abs(s.paired) < abs(s.unpaired) / 4                                       # mostly the events
    g = d.loc[GAZETTE]
    assert g.paired > 0.05 and g.verdict == "higher than the rest within the same events"
    assert g.ci_low > 0 and g.n_events == 11
    pairs = E.event_differences(vader_tone, value="tone", versus="outlets", seed=1)
    sent = pairs[(pairs.outlet == SENTINEL) & (pairs.versus != GAZETTE)]
    assert len(sent) == 2 and (sent.verdict == "not distinguishable").all()         # like the others, per event
    assert (sent.unpaired.abs() > 3 * sent.paired.abs()).all()
    gaz = pairs[(pairs.outlet == GAZETTE) | (pairs.versus == GAZETTE)]
    assert gaz.verdict.str.contains(f"than {GAZETTE} within the same events|higher than .* within", regex=True).sum() >= 2


def test_paired_difference_is_the_mean_of_the_per_event_differences(vader_tone):
    d = E.event_differences(vader_tone, value="tone", n_boot=300).set_index("outlet")
    w = E.within_event_table(vader_tone, value="tone")
    per = w.groupby("outlet")["difference"].agg(["mean", "size"])
    assert np.allclose(d.loc[per.index, "paired"], per["mean"]) and (d.loc[per.index, "n_events"] == per["size"]).all()
    # one event by hand: the Sentinel's article mean minus every other outlet's article mean in that event
    art = vader_tone.groupby(["doc_id", "outlet", "event"]).tone.mean().reset_index()
    ev = w[w.outlet == SENTINEL].event.iloc[0]
    a = art[art.event == ev]
    expect = a[a.outlet == SENTINEL].tone.mean() - a[a.outlet != SENTINEL].tone.mean()
    assert np.isclose(w[(w.outlet == SENTINEL) & (w.event == ev)].difference.iloc[0], expect)
    assert ((d.ci_low <= d.paired) & (d.paired <= d.ci_high)).all()


def test_event_differences_are_seeded():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"outlet": np.repeat(list("ABC"), 40), "doc_id": [f"d{i}" for i in range(120)],
                       "event": np.tile([f"e{i}" for i in range(20)], 6), "value": rng.normal(size=120)})
    a, b = E.event_differences(df, seed=5), E.event_differences(df, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not E.event_differences(df, seed=6)[["ci_low"]].equals(a[["ci_low"]])


def test_sign_flip_test_is_exact_for_few_events_and_calibrated_without_an_effect():
    p, floor = E.sign_flip_p(np.array([0.2, 0.1, 0.3, 0.4]))
    assert p == floor == 2 / 16                                           # all positive: the smallest p possible
    exact, _ = E.sign_flip_p(np.arange(1, 11) * 0.1 - 0.3, n_perm=5000)
    approx, floor_mc = E.sign_flip_p(np.arange(1, 11) * 0.1 - 0.3, n_perm=500, rng=np.random.default_rng(0))
    assert abs(exact - approx) < 0.06 and floor_mc == 1 / 501
    # no effect: outlets write alike within events, events differ a lot -> p < 0.05 in about 5% of corpora
    rng = np.random.default_rng(11)
    hits = 0
    runs = 200
    for _ in range(runs):
        ev = np.repeat([f"e{i}" for i in range(12)], 4)
        level = np.repeat(rng.normal(0, 1, 12), 4)                        # the event sets the tone
        df = pd.DataFrame({"outlet": np.tile(list("ABCD"), 12), "doc_id": [f"d{i}" for i in range(48)],
                           "event": ev, "value": level + rng.normal(0, 0.3, 48)})
        d = E.event_differences(df, n_boot=50, n_perm=4096, seed=int(rng.integers(1e9)), unpaired=False)
        hits += int(d.loc[d.outlet == "A", "p_value"].iloc[0] < 0.05)
    assert hits / runs < 0.09, hits / runs


def test_cannot_be_estimated_is_said_out_loud():
    df = pd.DataFrame({"outlet": ["A", "B", "A", "B", "C", "C"], "doc_id": list("pqrstu"),
                       "event": ["e1", "e1", "e2", "e2", "e9", None], "value": [1.0, 0.5, 0.2, 0.1, 0.0, 0.3]})
    d = E.event_differences(df, n_boot=100).set_index("outlet")
    assert d.loc["C", "verdict"] == "cannot be estimated (0 shared events)" and pd.isna(d.loc["C", "p_value"])
    one = E.event_differences(df[df.event != "e2"], n_boot=100).set_index("outlet")
    assert one.loc["A", "verdict"] == "cannot be estimated (1 shared event)"
    with pytest.warns(CannotEstimateWarning, match="no event column"):
        assert E.event_differences(df.drop(columns="event")).empty
    with pytest.warns(CannotEstimateWarning, match="1 outlet"):
        assert E.event_differences(df[df.outlet == "A"]).empty
    with pytest.raises(KeyError, match="'tone'"):
        E.event_differences(df, value="tone")


def test_q_values_adjust_across_the_whole_table(vader_tone):
    two = pd.concat([vader_tone.assign(quantity="tone"),
                     vader_tone.assign(quantity="noise", tone=np.random.default_rng(0).normal(size=len(vader_tone)))])
    d = E.event_differences(two, value="tone", by=["quantity"], n_boot=200)
    from scipy.stats import false_discovery_control

    ok = d.p_value.notna()
    assert np.allclose(d.loc[ok, "q_value"], false_discovery_control(d.loc[ok, "p_value"]))
    assert list(d.columns[:2]) == ["quantity", "outlet"]


# ------------------------------------------------------------------------------------------- the figure
def test_event_difference_figure_draws_paired_and_unpaired_per_outlet(vader_tone):
    import matplotlib

    matplotlib.use("Agg")
    from analysis import viz

    two = pd.concat([vader_tone.assign(quantity="tone"), vader_tone.assign(quantity="tone again")])
    d = E.event_differences(two, value="tone", by=["quantity"], n_boot=200)
    fig = viz.plot_event_differences(d)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    n_outlets = d.outlet.nunique()
    for ax in axes:
        marks = [ln for ln in ax.get_lines() if ln.get_marker() in ("o", "D")]
        assert sum(ln.get_marker() == "o" for ln in marks) == n_outlets    # paired dots
        assert sum(ln.get_marker() == "D" for ln in marks) == n_outlets    # unpaired diamonds
        assert [t.get_text() for t in ax.get_yticklabels()] == sorted(d.outlet.unique())
    words = " ".join(viz.figure_text(fig))
    assert "higher than the rest within the same events" in words and "paired: within the same events" in words
    small = E.event_differences(vader_tone[vader_tone.event.isin(["dock-fire"]) | vader_tone.event.isna()],
                                value="tone", n_boot=50)
    assert "cannot be estimated (1 shared event)" in " ".join(viz.figure_text(viz.plot_event_differences(small)))
    empty = viz.plot_event_differences(pd.DataFrame(columns=E.EVENT_DIFFERENCE_COLUMNS))
    assert any("cannot be estimated" in t for t in viz.figure_text(empty))


# ------------------------------------------------------------------------------------------- notebook 07
@pytest.mark.slow
def test_notebook_07_on_the_events_corpus_shows_the_confound(tmp_path, monkeypatch):
    import nbformat

    from analysis.run import notebooks as R

    monkeypatch.setenv("ANALYSIS_VALIDATION_DIR", str(tmp_path / "no_validation_data"))
    out = tmp_path / "events"
    assert R.main(["--corpus", str(EVENTS / "articles.csv"), "--story", str(EVENTS / "story.yaml"),
                   "--output-dir", str(out), "--only", "07", "--no-report"]) == 0
    nb = nbformat.read(out / "notebooks" / "07_time_and_events.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code)
    assert not [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    text = " ".join(json.dumps([c.get("outputs", []) for c in code]).split())
    assert "binned by month" in text and "nc10" in text and "lg07" in text and "kd06" in text
    assert "higher than the rest within the same events" in text
    assert "not paired: hustings" in text
    figs = {p.name for p in (out / "figures").glob("07_*.png")}
    assert {"07_volume.png", "07_tone_over_time.png", "07_frames_over_time.png", "07_event_differences.png"} <= figs
