"""Tiny corpora: every notebook runs on one document, one outlet, two outlets of one document each and very
short texts, and says what cannot be estimated instead of failing.

The corpora (tests/data/tiny, invented articles on a fictional town's water-rate rise) are written by
tests/data/tiny/make_tiny_corpora.py.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import warnings

import nbformat
import pandas as pd
import pytest

from analysis.config import PROJECT_ROOT

TINY = PROJECT_ROOT / "tests" / "data" / "tiny"
CORPORA = {"one_doc": TINY / "one_doc.csv", "one_outlet": TINY / "one_outlet.csv",
           "two_singletons": TINY / "two_singletons", "short_texts": TINY / "short_texts.csv"}


def _generator():
    spec = importlib.util.spec_from_file_location("make_tiny", TINY / "make_tiny_corpora.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _build(name: str):
    import analysis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analysis.build_corpus(CORPORA[name], progress=False)


# ------------------------------------------------------------------------------------------- the corpora
def test_tiny_corpus_files_are_what_the_generator_writes():
    mod = _generator()
    assert CORPORA["one_doc"].read_bytes() == mod.csv_bytes(mod.ONE_DOC)
    assert CORPORA["one_outlet"].read_bytes() == mod.csv_bytes(mod.ONE_OUTLET)
    assert CORPORA["short_texts"].read_bytes() == mod.csv_bytes(mod.short_rows())
    files = mod.folder_files(mod.TWO_SINGLETONS)
    assert sorted(p.name for p in CORPORA["two_singletons"].iterdir()) == sorted(files)
    for name, data in files.items():
        assert (CORPORA["two_singletons"] / name).read_bytes() == data, name


def test_tiny_corpora_are_as_small_as_they_say():
    sizes = {name: _build(name).documents for name in CORPORA}
    assert sizes["one_doc"].shape[0] == 1
    assert sizes["one_outlet"].shape[0] == 3 and sizes["one_outlet"].outlet.nunique() == 1
    assert sizes["two_singletons"].outlet.value_counts().tolist() == [1, 1]
    short = sizes["short_texts"]
    assert short.shape[0] == 40 and short.outlet.value_counts().tolist() == [20, 20]
    n_words = pd.read_csv(CORPORA["short_texts"]).text.str.split().str.len()
    assert n_words.between(5, 8).all()
    assert (short.text.str.count(r"[.!?](\s|$)") == 1).all()       # one sentence each, kept whole by cleaning


# ------------------------------------------------------------------------------------------- the library
def test_one_document_gets_no_topic_model_and_says_why():
    from analysis.measures.registry import MeasureStore, topic_model_from_table, topic_model_limits
    from analysis.story import resolve_story
    from analysis import viz

    corp = _build("one_doc")
    store = MeasureStore(corp, resolve_story(None, corpus=corp, source=str(CORPORA["one_doc"])), cache=False)
    why = topic_model_limits(store)
    assert why.startswith("topic model cannot be estimated: 1 document; needs at least 2")
    assert store.get("topic_selection").empty
    assert store.resolve("topic_model")["k"] == 0
    model = topic_model_from_table(store.get("topic_model"))
    assert model.k == 0 and model.doc_topic.shape == (0, 0)
    fig = viz.plot_top_terms(model)
    assert any("cannot be estimated" in t for t in viz.figure_text(fig))


def test_one_outlet_gets_no_distinctive_words_and_a_warning():
    from analysis.compare.stats import CannotEstimateWarning
    from analysis.measures import distinctive as D
    from analysis import viz

    corp = _build("one_outlet")
    counts = D.term_counts(corp.tokens, documents=corp.documents)
    assert counts.outlet.nunique() == 1 and len(counts) > 20
    with pytest.warns(CannotEstimateWarning, match=r"1 outlet \('Brackenford Gazette'\); .* at least 2"):
        scores = D.log_odds_dirichlet(counts)
    assert scores.empty and list(scores.columns[:3]) == ["outlet", "term", "count"]
    assert D.exclusive_word_evidence(counts).empty
    said = " ".join(" ".join(viz.figure_text(viz.plot_fightin_words(scores))).split())
    assert "distinctive words cannot be estimated" in said


# ------------------------------------------------------------------------------------------- end to end
#: What each corpus cannot support, and the words the executed notebooks must use to say so.
EXPECTED = {
    "one_doc": {"02": ["topic model cannot be estimated: 1 document; needs at least 2",
                       "distinctive words cannot be estimated: 1 outlet"],
                "06": ["outlet comparisons cannot be estimated: 1 outlet",
                       "topic model cannot be estimated", "distinctive words cannot be estimated",
                       "attribution cannot be estimated"],
                "07": ["one bin, no trend", "same-event (paired) comparisons cannot be estimated"]},
    "one_outlet": {"02": ["distinctive words cannot be estimated: 1 outlet"],
                   "06": ["outlet comparisons cannot be estimated: 1 outlet",
                          "distinctive words cannot be estimated"],
                   "07": ["too few dated articles (3)", "same-event (paired) comparisons cannot be estimated"]},
    "two_singletons": {"06": ["one article: describes this article, not the outlet",
                              "no interval: fewer than 2 units to resample", "attribution cannot be estimated"],
                       "07": ["no interval (1 article)", "same-event (paired) comparisons cannot be estimated"]},
    "short_texts": {"06": ["attribution cannot be estimated"],
                    "07": ["same-event (paired) comparisons cannot be estimated"]},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORPORA))
def test_every_notebook_runs_on_a_tiny_corpus_and_says_what_cannot_be_estimated(name, tmp_path, monkeypatch):
    """The README's own-corpus command on each tiny corpus: exit code 0, every notebook executed without an
    error output, and the executed notebooks say what cannot be estimated.

    The shared human-coded validation data is hidden (as in tests/test_byoc.py): the sections that use it do not
    depend on the corpus and run on the seeds in tests/test_notebooks.py.
    """
    from analysis.run import notebooks as R

    monkeypatch.setenv("ANALYSIS_VALIDATION_DIR", str(tmp_path / "no_validation_data"))
    out = tmp_path / name
    assert R.main(["--corpus", str(CORPORA[name]), "--output-dir", str(out), "--no-report"]) == 0
    texts = {}
    for nb in R.list_notebooks():
        executed = nbformat.read(out / "notebooks" / nb.name, as_version=4)
        code = [c for c in executed.cells if c.cell_type == "code"]
        assert all(c.get("execution_count") for c in code), nb.name          # every cell ran
        errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, (nb.name, errors[:1])
        texts[nb.name[:2]] = " ".join(json.dumps([c.get("outputs", []) for c in code]).split())
    assert sorted(texts) == ["01", "02", "03", "04", "05", "06", "07"]
    for nb, phrases in EXPECTED[name].items():
        for phrase in phrases:
            assert phrase in texts[nb], (name, nb, phrase)
