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
    pages = {p.stem for p in report.parent.glob("*.html")} - {"index"}
    assert pages == {r["notebook"][:-6] for r in records}
    index = report.read_text()
    for name in pages:
        assert f'href="{name}.html"' in index
    assert len(list((report.parent / "figures").glob("*.png"))) == len(list((out / "figures").glob("*.png")))


@pytest.fixture(scope="module")
def browser():
    yield from headless_chromium()


def test_every_page_loads_without_errors_or_network_and_shows_its_figures(report, browser):
    shots = report.parent.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    for page in sorted(report.parent.glob("*.html")):
        browser.get(page.as_uri())
        browser.execute_script("window.scrollTo(0, document.body.scrollHeight);")
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, (page.name, errors)
        resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
        assert all(r.startswith(("file:", "data:", "blob:")) for r in resources), (page.name, resources)
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert images, f"{page.name} shows no figure"
        assert all(c and w > 0 and h > 0 for c, w, h in images), (page.name, images)
        assert browser.save_screenshot(str(shots / f"{page.stem}.png"))
        assert (shots / f"{page.stem}.png").stat().st_size > 5_000


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
