"""The HTML report: built from the executed notebooks, opens from disk in headless Chromium with no
console errors and no network requests, and shows every figure."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import headless_chromium

from analysis.run.report import build_report, strip_external_resources



def test_external_scripts_are_stripped():
    page = ('<head><script src="https://cdnjs.cloudflare.com/x.js"></script><link rel="stylesheet" href="http://cdn.x/a.css">'
            '<script type="module">import m from "https://cdn.jsdelivr.net/npm/m.mjs";</script><script>var local = 1;</script></head>')
    out = strip_external_resources(page)
    assert "https://" not in out and "http://" not in out and "var local = 1;" in out


@pytest.fixture(scope="module")
def report(executed_outputs, tmp_path_factory):
    # built from a copy: the executed outputs are shared with the other xdist worker, and build_report
    # replaces <output_dir>/report/ wholesale, which must not happen under a page another worker is loading
    out, _ = executed_outputs
    own = tmp_path_factory.mktemp("report")
    for sub in ("notebooks", "figures"):
        shutil.copytree(out / sub, own / sub)
    return build_report(own)


def test_report_has_an_index_and_a_page_per_notebook(report, executed_outputs):
    out, records = executed_outputs
    for folder in (report.parent, report.parent.parent / "report_instructor"):
        pages = {p.stem for p in folder.glob("*.html")} - {"index"}
        assert pages == {r["notebook"][:-6] for r in records}
        index = (folder / "index.html").read_text()
        for name in pages:
            assert f'href="{name}.html"' in index
        assert len(list((folder / "figures").glob("*.png"))) == len(list((out / "figures").glob("*.png")))
        assert index.count("(estimate)") == len(pages) and index.count("in this run (measured ") == len(pages)


def test_the_student_report_has_no_worked_solution_and_the_key_has_them_all(report, executed_outputs):
    """Every solution cell of the executed notebooks: its code is not in the student pages (its numbered prompt
    is), and it is in the instructor key, labelled. No page shows the machine's folders."""
    import html as H

    import nbformat

    from analysis.config import PROJECT_ROOT
    from analysis.run.exercises import exercise_prompts, solution_numbers

    out, _ = executed_outputs
    key = report.parent.parent / "report_instructor"
    for path in sorted((out / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        student = (report.parent / f"{path.stem}.html").read_text(encoding="utf-8")
        answers = (key / f"{path.stem}.html").read_text(encoding="utf-8")
        prompts = exercise_prompts(nb)
        for i, n in solution_numbers(nb):
            code = [line for line in nb.cells[i].source.splitlines() if line.strip() and not line.startswith("#")]
            longest = max(code, key=len)
            assert H.escape(longest) not in student and longest not in student, (path.name, n)
            assert f"Exercise {n}: {H.escape(prompts[n])}" in student or f"Exercise {n}:" in H.unescape(student)
            assert f"worked solution to exercise {n}" in answers
        assert "Instructor key" in answers and "Instructor key" not in student
        for page in (student, answers):
            assert str(PROJECT_ROOT) not in page and str(out) not in page, path.name


@pytest.fixture(scope="module")
def browser():
    yield from headless_chromium()


def test_every_page_loads_without_errors_or_network_and_shows_its_figures(report, browser):
    """The student report and the instructor key: every page loads from disk, has a real title, and shows its
    figures; no student page links to the instructor key."""
    shots = report.parent.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    key = report.parent.parent / "report_instructor"
    for page in sorted(report.parent.glob("*.html")) + sorted(key.glob("*.html")):
        browser.get(page.as_uri())
        title = browser.title
        assert title and title != "Notebook" and ("instructor key" in title) is (page.parent == key), (page, title)
        links = browser.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'))")
        if page.parent == report.parent:
            assert not [h for h in links if "instructor" in h], (page.name, links)
        browser.execute_script("window.scrollTo(0, document.body.scrollHeight);")
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, (page.name, errors)
        resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
        assert all(r.startswith(("file:", "data:", "blob:")) for r in resources), (page.name, resources)
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert images, f"{page.name} shows no figure"
        assert all(c and w > 0 and h > 0 for c, w, h in images), (page.name, images)
        shot = shots / f"{page.parent.name}_{page.stem}.png"
        assert browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 5_000


@pytest.mark.parametrize("seeds", [True, False])
def test_a_report_on_another_corpus_says_the_seeds_notes_are_about_the_demo(tmp_path, seeds):
    import json

    import nbformat

    from analysis.run.report import SEEDS_NOTES_BANNER

    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01 · Corpus\n\nOn the seeds, one outlet has two articles.")])
    nbformat.write(nb, tmp_path / "notebooks" / "01_corpus.ipynb")
    (tmp_path / "story.json").write_text(json.dumps({"title": "A story", "seeds": seeds}))
    index = build_report(tmp_path)
    page = (index.parent / "01_corpus.html").read_text(encoding="utf-8")
    assert ("seeds-notes" in page) is (not seeds)
    assert (SEEDS_NOTES_BANNER.split("\u201c")[0].strip() in page) is (not seeds)


def _executed_demo(folder, *, output_dir: str, validation: str):
    """An executed notebook as the runner writes it: injected absolute paths, a printed local folder, an
    exercise with its worked solution."""
    import nbformat

    v4 = nbformat.v4
    (folder / "notebooks").mkdir(parents=True)
    cells = [
        v4.new_markdown_cell("# 01 · A demo notebook\n\n**Time.** About 25 minutes to work through and 20 "
                             "minutes for the exercises (our estimate).\n\n**Goals.** None."),
        v4.new_code_cell("corpus = None\noutput_dir = \"../outputs\"", metadata={"tags": ["parameters"]}),
        v4.new_code_cell(f"# Parameters\ncorpus = None\noutput_dir = \"{output_dir}\"\n",
                         metadata={"tags": ["injected-parameters"]}),
        v4.new_markdown_cell("## 1. Data"),
        v4.new_code_cell("print(...)", outputs=[v4.new_output("stream", text=f"Narrative Frames data: {validation}/nf\n")]),
        v4.new_markdown_cell("## Exercises\n\n1. **Double it.** Print twice the answer."),
        v4.new_code_cell("# Exercise 1\nprint(the_answer * 2)", metadata={"tags": ["solution"]},
                         outputs=[v4.new_output("stream", text="SECRET ANSWER 84\n")]),
    ]
    nbformat.write(v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                         "display_name": "Python 3"}}),
                   folder / "notebooks" / "01_demo.ipynb")


def test_student_report_and_instructor_key_from_one_executed_notebook(tmp_path, monkeypatch):
    import json

    from analysis.config import PROJECT_ROOT
    from analysis.run.notebooks import read_stamps, write_stamps

    validation = tmp_path / "validation"
    monkeypatch.setenv("ANALYSIS_VALIDATION_DIR", str(validation))
    out = PROJECT_ROOT / ".cache" / "test-report-demo" / tmp_path.name   # inside the project, like outputs/
    try:
        _executed_demo(out, output_dir=str(out), validation=str(validation))
        (out / "story.json").write_text(json.dumps({"title": "A <b>story</b>", "seeds": True}))
        stamps = read_stamps(out)
        stamps["notebooks"]["01_demo.ipynb"] = {"seconds": 12.3, "when": "2026-12-03T10:00:00+00:00", "quick": False}
        write_stamps(out, stamps)
        index = build_report(out)
        student = (index.parent / "01_demo.html").read_text(encoding="utf-8")
        key_index = (out / "report_instructor" / "index.html").read_text(encoding="utf-8")
        key = (out / "report_instructor" / "01_demo.html").read_text(encoding="utf-8")
        students_index = index.read_text(encoding="utf-8")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    # the student page: the numbered prompt, not the answer; no link to the key
    assert "SECRET ANSWER" not in student and "the_answer * 2" not in student
    assert "# Exercise 1: Double it." in student and "instructor" not in (student + students_index).lower()
    assert "notebooks/exercises/01_demo_exercises.ipynb" in student and "worked solution" not in student
    # the key: the answer, labelled, a banner on every page, a link back to the student report
    assert "SECRET ANSWER 84" in key and "worked solution to exercise 1" in key
    assert "Instructor key: these pages contain the worked solutions" in key and "Instructor key" in key_index
    assert 'href="../report/index.html"' in key_index
    # real titles, escaped
    assert "<title>01 · A demo notebook · A &lt;b&gt;story&lt;/b&gt;</title>" in student
    assert "<title>01 · A demo notebook · A &lt;b&gt;story&lt;/b&gt; · instructor key</title>" in key
    assert "<title>A &lt;b&gt;story&lt;/b&gt;</title>" in students_index
    # local folders are named, not shown, in every page; the executed notebook keeps the real paths
    for page in (student, key):
        assert str(out) not in page and str(validation) not in page and str(PROJECT_ROOT) not in page
        assert "Narrative Frames data: &lt;validation data&gt;/nf" in page
        assert "&lt;project&gt;/.cache/test-report-demo/" in page
    # the time a notebook takes: the stated estimate and the measured run
    assert ("study: about 25 min + 20 min for the exercises (estimate) · running it took 12 s in this run "
            "(measured 2026-12-03)") in students_index


def test_a_report_built_from_copied_notebooks_names_the_folders_they_ran_with(tmp_path, monkeypatch):
    """Notebooks executed elsewhere (papermill records the parameters they ran with) and copied into another
    folder: their output folder and corpus folder are still shown by name, not as paths."""
    import json

    import nbformat

    validation = tmp_path / "validation"
    monkeypatch.setenv("ANALYSIS_VALIDATION_DIR", str(validation))
    ran_in, corpus = tmp_path / "elsewhere" / "outputs", tmp_path / "data" / "news.csv"
    _executed_demo(tmp_path / "copy", output_dir=str(ran_in), validation=str(validation))
    path = tmp_path / "copy" / "notebooks" / "01_demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.metadata["papermill"] = {"parameters": {"corpus": str(corpus), "output_dir": str(ran_in), "seed": 42}}
    nb.cells[2].source += f'corpus = "{corpus}"\n'
    nbformat.write(nb, path)
    (tmp_path / "copy" / "story.json").write_text(json.dumps({"title": "T", "seeds": False}))
    index = build_report(tmp_path / "copy")
    for page in (index.parent / "01_demo.html", tmp_path / "copy" / "report_instructor" / "01_demo.html"):
        text = page.read_text(encoding="utf-8")
        assert str(tmp_path) not in text
        assert "&lt;output&gt;" in text and "&lt;corpus folder&gt;/news.csv" in text


def test_displayed_tables_have_rounded_numbers_and_human_labels():
    """``analysis.viz.show_table``: every column the synthesis and interval tables show gets a label without
    an underscore (``n_articles`` -> ``articles``); numbers are rounded, counts stay whole; names it does not
    know (outlets, frames) are left alone; the table itself is not changed."""
    import numpy as np
    import pandas as pd

    from analysis.compare.stats import DIFFERENCE_COLUMNS
    from analysis.compare.synthesis import CLAIM_COLUMNS, COMPARISON_COLUMNS
    from analysis.viz import show_table

    for columns in (COMPARISON_COLUMNS, CLAIM_COLUMNS, DIFFERENCE_COLUMNS):
        shown = show_table(pd.DataFrame(columns=columns))
        raw = [c for c in shown.columns if "_" in c and c not in ("claim_id",)]
        assert raw == [], raw
    profile = pd.DataFrame({"outlet": ["NS_Tech"], "frame": ["economic"], "estimate": [0.523810],
                            "ci_low": [0.243651], "n_clusters": [3.0], "small_n": [True]})
    shown = show_table(profile)
    assert list(shown.columns) == ["outlet", "frame", "estimate", "95% CI low", "articles", "small n"]
    assert shown.loc[0, "estimate"] == 0.52 and shown.loc[0, "95% CI low"] == 0.24
    assert str(shown["articles"].dtype) == "Int64" and shown.loc[0, "outlet"] == "NS_Tech"
    assert profile.loc[0, "estimate"] == 0.523810 and "ci_low" in profile          # the original is untouched
    wide = show_table(pd.DataFrame(np.full((2, 2), 1 / 3), columns=["economic", "conflict"],
                                   index=pd.Index(["a", "b"], name="doc_id")), digits=3)
    assert wide.index.name == "article" and wide.iloc[0, 0] == 0.333
