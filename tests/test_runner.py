"""The notebook runner's bookkeeping (output folder, skip stamps, timing) without executing notebooks."""
from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest

import analysis.run.notebooks as R
from analysis.config import PROJECT_ROOT


KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


@pytest.fixture
def fake_books(tmp_path, monkeypatch):
    """Two tiny notebooks, and a ``run_notebook`` that only writes the executed copy and counts calls."""
    folder = tmp_path / "books"
    folder.mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        cells = [nbformat.v4.new_code_cell("x = 1")]
        if name == "02_b.ipynb":  # the one with a slow step declares ``quick``
            cells.insert(0, nbformat.v4.new_code_cell("quick = False  # True: fewer folds",
                                                      metadata={"tags": ["parameters"]}))
        nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=KERNEL), folder / name)
    calls, quick_calls = [], []

    def fake_run(nb, *, output_dir, corpus=None, seed=42, params=None, quick=False):
        out = output_dir / "notebooks" / nb.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("{}")
        calls.append(nb.name)
        quick_calls.append(quick)
        return out

    monkeypatch.setattr(R, "run_notebook", fake_run)
    return folder, calls


def test_output_dir_follows_analysis_output_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "elsewhere"))
    assert R.default_output_dir(None) == tmp_path / "elsewhere"
    assert R.default_output_dir("/data/my_news.csv") == tmp_path / "elsewhere" / "my_news"
    with pytest.raises(ValueError, match="seeds' results"):
        R.check_output_dir("/data/my_news.csv", tmp_path / "elsewhere")
    R.check_output_dir("/data/my_news.csv", PROJECT_ROOT / "outputs")  # no longer the seeds' folder


def test_runner_cli_writes_to_analysis_output_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "out"))
    seen = {}
    monkeypatch.setattr(R, "write_corpus_report", lambda corpus, out: seen.update(report=out) or
                        {"documents": 5, "rejected": 0, "warnings": 0, "reasons": {}, "rejects": None})
    monkeypatch.setattr(R, "run_all", lambda **kw: seen.update(run=kw["output_dir"]) or [])
    assert R.main(["--no-report"]) == 0
    assert seen == {"report": tmp_path / "out", "run": tmp_path / "out"}


def test_measures_cli_writes_to_analysis_output_dir(tmp_path, monkeypatch):
    import analysis
    import analysis.measures.registry as M

    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "out"))
    import analysis.story

    monkeypatch.setattr(analysis, "build_corpus", lambda source: source)
    monkeypatch.setattr(analysis.story, "resolve_story", lambda story, corpus, source: "a story")
    class FakeStore:   # the CLI writes each measure from the store, one by one
        def __init__(self, corpus, story, *, cache):
            assert story == "a story"

        def get(self, name):
            return pd.DataFrame({"a": [1]})

    monkeypatch.setattr(M, "MEASURES", {"m": None})
    monkeypatch.setattr(M, "MeasureStore", FakeStore)
    assert M.main([]) == 0
    assert (tmp_path / "out" / "measures" / "m.parquet").exists()
    corpus = tmp_path / "my_news.csv"
    corpus.write_text("x")
    assert M.main(["--corpus", str(corpus)]) == 0
    assert (tmp_path / "out" / "my_news" / "measures" / "m.parquet").exists()
    with pytest.raises(SystemExit, match=r"unknown measure\(s\) \['nope'\]; available: \['m'\]"):
        M.main(["--which", "nope"])


@pytest.mark.parametrize("change", ["spacy_model", "validation_dir", "validation_dir_created", "embeddings"])
def test_changing_the_environment_reruns_the_notebooks(tmp_path, monkeypatch, fake_books, change):
    folder, calls = fake_books
    out = tmp_path / "out"
    monkeypatch.setenv("ANALYSIS_VALIDATION_DIR", str(tmp_path / "validation"))
    monkeypatch.setattr(R, "embeddings_available", lambda: False)
    R.run_all(output_dir=out, notebook_dir=folder)
    R.run_all(output_dir=out, notebook_dir=folder)
    assert calls == ["01_a.ipynb", "02_b.ipynb"]  # the second run skipped both
    if change == "spacy_model":
        monkeypatch.setenv("ANALYSIS_SPACY_MODEL", str(_model_folder(tmp_path / "other_model", "3.8.0")))
    elif change == "validation_dir":
        monkeypatch.setenv("ANALYSIS_VALIDATION_DIR", str(tmp_path / "other"))
    elif change == "validation_dir_created":
        (tmp_path / "validation").mkdir()
    else:
        monkeypatch.setattr(R, "embeddings_available", lambda: True)
    R.run_all(output_dir=out, notebook_dir=folder)
    assert calls == ["01_a.ipynb", "02_b.ipynb"] * 2


def _model_folder(path, version):
    """A spaCy pipeline folder as far as the stamps look: its meta.json."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "meta.json").write_text(json.dumps({"lang": "en", "name": "core_test", "version": version,
                                                "pipeline": ["tok2vec", "parser"]}))
    return path


def test_environment_key_says_whether_the_model_is_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_SPACY_MODEL", "no_such_model_xyz")
    assert R.environment_key()["spacy_model"] == {"name": "no_such_model_xyz", "installed": False}
    monkeypatch.setenv("ANALYSIS_SPACY_MODEL", str(tmp_path))  # a folder without a pipeline's meta.json is not one
    assert R.environment_key()["spacy_model"]["installed"] is False
    monkeypatch.setenv("ANALYSIS_SPACY_MODEL", str(_model_folder(tmp_path / "m", "1.0.0")))  # a model folder is
    assert R.environment_key()["spacy_model"]["installed"] is True
    monkeypatch.delenv("ANALYSIS_SPACY_MODEL")
    assert R.environment_key()["spacy_model"]["version"] == "3.8.0"  # the installed default pipeline's


def test_a_missing_spacy_model_stops_the_run_instead_of_skipping(tmp_path, monkeypatch, fake_books, capsys):
    folder, calls = fake_books
    out = tmp_path / "out"
    R.run_all(output_dir=out, notebook_dir=folder)
    capsys.readouterr()
    monkeypatch.setenv("ANALYSIS_SPACY_MODEL", "no_such_model_xyz")
    from analysis.corpus.parse import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match=r"'no_such_model_xyz' \(ANALYSIS_SPACY_MODEL\) is not installed: pip install"):
        R.run_all(output_dir=out, notebook_dir=folder)
    assert "[skip]" not in capsys.readouterr().out and calls == ["01_a.ipynb", "02_b.ipynb"]
    # the command line says so and exits with an error, before any notebook
    monkeypatch.setattr(R, "write_corpus_report", lambda corpus, out: {"documents": 5, "rejected": 0, "warnings": 0,
                                                                       "reasons": {}, "rejects": None})
    assert R.main(["--output-dir", str(out), "--no-report"]) == 2
    assert "error: spaCy model 'no_such_model_xyz' (ANALYSIS_SPACY_MODEL) is not installed" in capsys.readouterr().err


def test_model_version_and_other_result_settings_rerun_the_notebooks(tmp_path, monkeypatch, fake_books):
    folder, calls = fake_books
    out = tmp_path / "out"
    model = _model_folder(tmp_path / "model", "1.0.0")
    monkeypatch.setenv("ANALYSIS_SPACY_MODEL", str(model))
    R.run_all(output_dir=out, notebook_dir=folder)
    R.run_all(output_dir=out, notebook_dir=folder)
    assert len(calls) == 2  # up to date
    _model_folder(model, "1.1.0")  # same name, new version
    R.run_all(output_dir=out, notebook_dir=folder)
    assert len(calls) == 4
    monkeypatch.setenv("ANALYSIS_N_PROCESS", "2")  # speed only: still up to date
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "elsewhere"))
    R.run_all(output_dir=out, notebook_dir=folder)
    assert len(calls) == 4
    monkeypatch.setenv("ANALYSIS_MAX_DOC_CHARS", "5000")  # a setting the runner does not know: counts
    R.run_all(output_dir=out, notebook_dir=folder)
    assert len(calls) == 6


def test_runner_prints_each_notebooks_time_and_share(tmp_path, monkeypatch, fake_books, capsys):
    folder, _ = fake_books
    ticks = iter([0.0, 3.0, 3.0, 4.0])  # 01 takes 3 s, 02 takes 1 s
    monkeypatch.setattr(R.time, "perf_counter", lambda: next(ticks))
    records = R.run_all(output_dir=tmp_path / "out", notebook_dir=folder)
    assert [(r["seconds"], r["share"]) for r in records] == [(3.0, 0.75), (1.0, 0.25)]
    text = capsys.readouterr().out
    assert "01_a.ipynb in 3.0 s (75% of the run)" in text and "02_b.ipynb in 1.0 s (25% of the run)" in text


def test_quick_message_says_what_was_cut():
    assert R.quick_message({"folds": (3, 5), "seeds": (1, 3)}) == \
        "quick mode: 3 folds instead of 5, 1 seed instead of 3; figures are rougher"
    assert R.quick_message({"candidate k": (4, 7)}) == "quick mode: 4 candidate k instead of 7; figures are rougher"


def test_quick_run_is_stamped_apart_from_the_full_run(tmp_path, monkeypatch, fake_books, capsys):
    folder, calls = fake_books
    out = tmp_path / "out"
    R.run_all(output_dir=out, notebook_dir=folder)
    R.run_all(output_dir=out, notebook_dir=folder)
    assert calls == ["01_a.ipynb", "02_b.ipynb"]              # the full run is up to date
    capsys.readouterr()
    records = R.run_all(output_dir=out, notebook_dir=folder, quick=True)
    assert calls == ["01_a.ipynb", "02_b.ipynb"] * 2          # a quick run is not the full run
    assert [r["quick"] for r in records] == [False, True]    # only 02 declares ``quick``
    text = capsys.readouterr().out
    assert "[run ] 02_b.ipynb ... (quick mode)" in text and "quick mode: fewer folds and restarts in 02_b.ipynb" in text
    R.run_all(output_dir=out, notebook_dir=folder)
    assert calls == ["01_a.ipynb", "02_b.ipynb"] * 3          # ... and does not mark the full run up to date
    assert "quick mode" not in capsys.readouterr().out


def test_quick_reaches_only_the_notebooks_that_declare_it(tmp_path, monkeypatch):
    import papermill as pm

    seen = {}
    monkeypatch.setattr(pm, "execute_notebook", lambda src, dst, parameters, **kw: seen.update({src: parameters}))
    book = tmp_path / "01_a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "quick = False  # True: fewer folds", metadata={"tags": ["parameters"]})], metadata=KERNEL), book)
    plain = tmp_path / "02_b.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")], metadata=KERNEL), plain)
    for nb in (book, plain):
        R.run_notebook(nb, output_dir=tmp_path / "out", quick=True, progress=False)
    assert seen[str(book)]["quick"] is True and "quick" not in seen[str(plain)]
    R.run_notebook(book, output_dir=tmp_path / "out", progress=False)
    assert "quick" not in seen[str(book)]


def test_the_cli_quick_flag_reaches_run_all(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "out"))
    seen = {}
    monkeypatch.setattr(R, "write_corpus_report", lambda corpus, out: {"documents": 5, "rejected": 0, "warnings": 0,
                                                                      "reasons": {}, "rejects": None})
    monkeypatch.setattr(R, "run_all", lambda **kw: seen.update(quick=kw["quick"]) or [])
    assert R.main(["--no-report", "--quick"]) == 0 and seen == {"quick": True}
    assert R.main(["--no-report"]) == 0 and seen == {"quick": False}


def test_the_slow_notebooks_declare_quick_and_default_to_the_full_run():
    import papermill as pm

    books = {nb.name[:2]: nb for nb in R.list_notebooks()}
    for prefix in ("02", "05"):
        declared = pm.inspect_notebook(str(books[prefix]))
        assert "quick" in declared, prefix            # a comment papermill cannot parse drops the parameter
        assert declared["quick"]["default"] == "False"


def test_section_progress_writes_one_line_per_section_or_per_30_s():
    now = [0.0]
    lines = []
    rep = R.SectionProgress("05_x.ipynb", 6, every=30.0, clock=lambda: now[0], write=lines.append)
    md = lambda text: {"cell_type": "markdown", "source": text}
    code = {"cell_type": "code", "source": "x = 1"}
    rep.cell_start(md("# Title\n## 1. Data"), 0)
    for i in (1, 2):
        now[0] += 5
        rep.cell_start(code, i)       # the second cell of the section writes nothing
    rep.cell_start(md("## 3. Supervised classifier\ntext"), 3)
    now[0] = 52.0
    rep.cell_start(code, 4)
    now[0] = 60.0
    rep.cell_start(code, 4)           # same section, 8 s later: nothing
    now[0] = 83.0
    rep.cell_start(code, 5)           # same section, 31 s after its line: a heartbeat
    assert lines == ["[run ] 05_x.ipynb · 1. Data (cell 2/6, 5 s)",
                     "[run ] 05_x.ipynb · 3. Supervised classifier (cell 5/6, 52 s)",
                     "[run ] 05_x.ipynb · 3. Supervised classifier (cell 6/6, 83 s)"]
    now[0] = 100.0
    assert rep.tick() is None         # a long cell: nothing until 30 s after the last line ...
    now[0] = 114.0
    assert rep.tick() == "[run ] 05_x.ipynb · 3. Supervised classifier (cell 6/6, 114 s)"
    assert rep.tick() is None and len(lines) == 4


def test_the_runner_prints_the_sections_of_an_executing_notebook(tmp_path, capsys):
    """A real run (papermill, a kernel) of a notebook with two sections; its progress bar makes no warning."""
    folder = tmp_path / "books"
    folder.mkdir()
    cells = [nbformat.v4.new_markdown_cell("# Fake\n## First part"), nbformat.v4.new_code_cell("a = 1"),
             nbformat.v4.new_markdown_cell("## Second part"),
             nbformat.v4.new_code_cell("from analysis._progress import tqdm_class\nb = sum(tqdm_class()(range(3)))")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=KERNEL), folder / "01_fake.ipynb")
    records = R.run_all(output_dir=tmp_path / "out", notebook_dir=folder)
    assert records[0]["status"] == "executed"
    text = capsys.readouterr().out
    assert "[run ] 01_fake.ipynb · First part (cell " in text and "[run ] 01_fake.ipynb · Second part (cell " in text
    executed = (tmp_path / "out" / "notebooks" / "01_fake.ipynb").read_text()
    assert "IProgress" not in executed and "TqdmWarning" not in executed


def test_progress_bars_fall_back_to_plain_tqdm_without_ipywidgets(monkeypatch):
    import importlib.util

    import tqdm
    import tqdm.auto

    from analysis._progress import tqdm_class

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ipywidgets" else real(name, *a))
    assert tqdm_class() is tqdm.tqdm
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "ipywidgets" else real(name, *a))
    assert tqdm_class() is tqdm.auto.tqdm


# ------------------------------------------------------------------ precise staleness: text edits keep the outputs

def _book(folder, name="01_fake.ipynb", *, intro="Counting to three.", code="print(sum(range(4)))"):
    cells = [nbformat.v4.new_markdown_cell(f"# Fake\n\n{intro}"),
             nbformat.v4.new_code_cell("output_dir = '../outputs'\nseed = 42", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_markdown_cell("## First part"), nbformat.v4.new_code_cell(code),
             nbformat.v4.new_markdown_cell("## Exercises\n1. **Double it.** Print twice the sum."),
             nbformat.v4.new_code_cell("# Exercise 1\nprint(2 * sum(range(4)))", metadata={"tags": ["solution"]})]
    path = folder / name
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=KERNEL), path)
    return path


def _edit(path, index, source):
    nb = nbformat.read(path, as_version=4)
    nb.cells[index].source = source
    nbformat.write(nb, path)


def test_a_markdown_edit_is_carried_into_the_executed_copy_without_a_kernel(tmp_path, monkeypatch, capsys):
    """Executed once (a real kernel); then a Markdown edit reruns nothing and the new text reaches the executed
    notebook and the report; then a code edit executes the notebook again."""
    import papermill as pm

    from analysis.run.report import build_report

    folder, out = tmp_path / "books", tmp_path / "out"
    folder.mkdir()
    book = _book(folder)
    assert [r["status"] for r in R.run_all(output_dir=out, notebook_dir=folder)] == ["executed"]
    executed = out / "notebooks" / "01_fake.ipynb"
    first = nbformat.read(executed, as_version=4)
    # executed copy: title, parameters, injected parameters, "First part", its code, exercises, solution
    assert first.cells[4].outputs[0]["text"] == "6\n"
    capsys.readouterr()

    _edit(book, 2, "## First part, now with a better heading\n\nWe add the numbers 0 to 3.")
    started = []
    real = pm.execute_notebook
    monkeypatch.setattr(pm, "execute_notebook", lambda *a, **k: started.append(a) or real(*a, **k))
    records = R.run_all(output_dir=out, notebook_dir=folder)
    assert [r["status"] for r in records] == ["text updated"] and started == []   # no kernel started
    assert "[text] 01_fake.ipynb: markdown changed, outputs kept" in capsys.readouterr().out
    carried = nbformat.read(executed, as_version=4)
    assert carried.cells[3].source.startswith("## First part, now with a better heading")
    assert carried.cells[4].outputs == first.cells[4].outputs                         # outputs kept
    assert carried.cells[4].execution_count == first.cells[4].execution_count
    assert "injected-parameters" in carried.cells[2].metadata["tags"] and "output_dir" in carried.cells[2].source
    page = (build_report(out).parent / "01_fake.html").read_text(encoding="utf-8")
    assert "now with a better heading" in page and "We add the numbers 0 to 3." in page

    assert [r["status"] for r in R.run_all(output_dir=out, notebook_dir=folder)] == ["up to date"]
    _edit(book, 3, "print(sum(range(5)))")                                          # a code edit executes
    assert [r["status"] for r in R.run_all(output_dir=out, notebook_dir=folder)] == ["executed"]
    assert len(started) == 1
    rerun = nbformat.read(executed, as_version=4)
    assert rerun.cells[4].outputs[0]["text"] == "10\n" and "better heading" in rerun.cells[3].source


def test_tags_that_change_execution_are_code_and_other_tags_are_text():
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    key = R.execution_fingerprint(book)
    book.cells[0].metadata["tags"] = ["solution"]
    assert R.execution_fingerprint(book) == key
    book.cells[0].metadata["tags"] = ["raises-exception"]
    assert R.execution_fingerprint(book) != key


def test_an_executed_copy_whose_code_cells_do_not_match_is_executed_again(tmp_path, fake_books, capsys):
    """Stamps say "text only", but the executed copy has other code cells (edited by hand, or another version):
    the notebook is executed, not patched."""
    folder, calls = fake_books
    out = tmp_path / "out"
    R.run_all(output_dir=out, notebook_dir=folder)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("y = 2")], metadata=KERNEL),
                   out / "notebooks" / "01_a.ipynb")                               # not the notebook's code
    nb = nbformat.read(folder / "01_a.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("# A new title"))
    nbformat.write(nb, folder / "01_a.ipynb")
    capsys.readouterr()
    R.run_all(output_dir=out, notebook_dir=folder)
    assert calls == ["01_a.ipynb", "02_b.ipynb", "01_a.ipynb"]
    assert "[run ] 01_a.ipynb: its executed copy's code cells do not match the notebook's" in capsys.readouterr().out


def test_stamps_of_an_older_runner_rerun_everything_once(tmp_path, fake_books):
    folder, calls = fake_books
    out = tmp_path / "out"
    (out / "notebooks").mkdir(parents=True)
    (out / "notebooks" / ".stamps.json").write_text(json.dumps({"01_a.ipynb": "abc", "02_b.ipynb": "def"}))
    R.run_all(output_dir=out, notebook_dir=folder)
    R.run_all(output_dir=out, notebook_dir=folder)
    assert calls == ["01_a.ipynb", "02_b.ipynb"]
    stamps = json.loads((out / "notebooks" / ".stamps.json").read_text())
    assert stamps["version"] == R.STAMPS_VERSION and sorted(stamps["notebooks"]) == ["01_a.ipynb", "02_b.ipynb"]
    assert set(R.notebook_times(out)) == {"01_a.ipynb", "02_b.ipynb"}


@pytest.fixture
def fake_steps(tmp_path, monkeypatch):
    """``main`` on two tiny notebooks, with the corpus report and the exports replaced by counters (the report is
    real)."""
    import analysis.run.exports as E

    folder = tmp_path / "books"
    folder.mkdir()
    _book(folder)
    monkeypatch.setattr(R, "NOTEBOOK_DIR", folder)
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "out"))
    counts = {"corpus": 0, "exports": 0}

    def corpus_report(corpus, out, **kw):
        counts["corpus"] += 1
        for name in ("rejects.csv", "issues.csv"):
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text("x\n")
        return {"documents": 5, "rejected": 0, "warnings": 0, "reasons": {}, "rejects": None}

    def exports(out, **kw):
        counts["exports"] += 1
        (out / "tables").mkdir(parents=True, exist_ok=True)
        (out / "tables" / "manifest.json").write_text("{}")
        (out / "evidence_explorer.html").write_text("<html></html>")
        return {"explorer": out / "evidence_explorer.html", "tables": out / "tables"}

    monkeypatch.setattr(R, "write_corpus_report", corpus_report)
    monkeypatch.setattr(E, "write_run_outputs", exports)
    return folder / "01_fake.ipynb", tmp_path / "out", counts


def test_the_steps_after_the_notebooks_rerun_only_when_their_inputs_changed(fake_steps, capsys, monkeypatch):
    import analysis.run.report as report

    book, out, counts = fake_steps
    assert R.main([]) == 0
    assert counts == {"corpus": 1, "exports": 1} and (out / "report" / "index.html").exists()
    capsys.readouterr()
    builds = []
    real = report.build_report
    monkeypatch.setattr(report, "build_report", lambda *a, **k: builds.append(a) or real(*a, **k))
    assert R.main([]) == 0                                   # nothing changed: every step is skipped
    text = capsys.readouterr().out
    assert counts == {"corpus": 1, "exports": 1} and builds == []
    assert "[skip] 01_fake.ipynb: up to date" in text and "[skip] report: up to date" in text
    assert "[skip] evidence explorer and tables: up to date" in text
    assert text.startswith("corpus: 5 documents loaded, 0 rejected, 0 warnings")   # the stored summary

    _edit(book, 0, "# Fake\n\nA clearer introduction.")       # text only: the report is rebuilt, nothing else
    assert R.main([]) == 0
    text = capsys.readouterr().out
    assert "[text] 01_fake.ipynb: markdown changed, outputs kept" in text
    assert len(builds) == 1 and counts == {"corpus": 1, "exports": 1}
    assert "A clearer introduction." in (out / "report" / "01_fake.html").read_text(encoding="utf-8")
    (out / "evidence_explorer.html").unlink()                 # a missing output reruns its step
    assert R.main([]) == 0 and counts["exports"] == 2
    assert R.main(["--force"]) == 0 and counts == {"corpus": 2, "exports": 3} and len(builds) == 2


def test_the_kernel_runs_encrypted_and_prints_no_tcp_warning(tmp_path, capfd):
    import zmq

    folder = tmp_path / "books"
    folder.mkdir()
    _book(folder)
    if zmq.has("curve"):
        assert R.kernel_config().KernelManager.transport_encryption == "auto"
    R.run_all(output_dir=tmp_path / "out", notebook_dir=folder)
    captured = capfd.readouterr()
    assert "[done] 01_fake.ipynb" in captured.out
    assert "Kernel is running over TCP" not in captured.out + captured.err


def test_the_console_counts_warnings_only_for_documents_kept(tmp_path):
    """The port-lease corpus warns about HTML markup in rows 22 and 24 and about a date in row 32; row 24 is
    then rejected (nothing but markup): two warnings, not three."""
    bad = PROJECT_ROOT / "tests" / "data" / "byoc" / "articles_with_bad_rows.csv"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = R.write_corpus_report(str(bad), tmp_path)
    issues = pd.read_csv(tmp_path / "issues.csv")
    assert (issues.level == "warning").sum() == 3 and rep["warnings"] == 2
    assert "2 warnings" in R.format_corpus_report(rep, tmp_path)


def test_input_warnings_show_as_one_table_not_as_raw_warnings():
    import warnings

    from analysis.corpus.build import build_corpus
    from analysis.viz import hide_input_warnings, input_warnings_table

    bad = PROJECT_ROOT / "tests" / "data" / "byoc" / "articles_with_bad_rows.csv"
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        hide_input_warnings()
        corpus = build_corpus(str(bad), progress=False)
    assert not [w for w in shown if "row 2" in str(w.message)]     # none of rows 22, 24, 32 printed
    table = input_warnings_table(corpus.issues, corpus.rejects)
    assert table["rows"].sum() == 2 and len(table) == 2
    assert any("row 22 [cc05]" in first for first in table["first rows"])
    assert not any("row 24" in first for first in table["first rows"])  # rejected afterwards


def test_make_prints_no_stray_backslash_lines():
    import subprocess

    done = subprocess.run(["make", "-n", "-o", ".venv/.installed", "figures", "CORPUS=my corpus.csv"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    run = [line for line in done.stdout.splitlines() if "analysis.run" in line]
    assert run and all(line.strip() != "\\" for line in done.stdout.splitlines()), done.stdout
    assert run[-1].endswith('-m analysis.run --corpus "my corpus.csv"'), run
