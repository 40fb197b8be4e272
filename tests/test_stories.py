"""A second story runs through every notebook and the report with no code edit, and nothing in what it
produces names the seeds' story (titles, labels, figure names and words, printed output, report pages)."""
from __future__ import annotations

import json
import re

import nbformat
import pytest
from PIL import Image

from analysis.config import PROJECT_ROOT
from analysis.run import notebooks as R

CONGESTION = PROJECT_ROOT / "tests" / "data" / "congestion"
#: words that belong to the seeds' story; none may appear in another story's outputs
SEED_STORY_WORDS = re.compile(r"huawei|crackdown|\bUS measures|\b5G\b|sputnik|NS Tech|Business Times|"
                              r"Interesting Engineering|Ren Zhengfei|\bMTS\b", re.I)


def _outputs_text(path) -> str:
    """Everything the code cells of an executed notebook printed or displayed (text and HTML)."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            for mime in ("text/plain", "text/html"):
                value = out.get("data", {}).get(mime)
                if value:
                    parts.append(value if isinstance(value, str) else "".join(value))
            if out.get("output_type") == "error":
                parts.append("ERROR " + out.get("ename", "") + ": " + out.get("evalue", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def congestion_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("congestion")
    # without the shared validation data, as on a machine that lacks it: those sections do not depend on the
    # corpus, take most of notebook 05's time and run on the seeds in tests/test_notebooks.py
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYSIS_VALIDATION_DIR", str(out / "no_validation_data"))
    try:
        code = R.main(["--corpus", str(CONGESTION / "articles.csv"), "--story", str(CONGESTION / "story.yaml"),
                       "--output-dir", str(out / "run")])
    finally:
        mp.undo()
    assert code == 0
    return out / "run"


@pytest.mark.slow
def test_second_story_runs_every_notebook_and_the_report(congestion_run):
    out = congestion_run
    for nb in R.list_notebooks():
        text = _outputs_text(out / "notebooks" / nb.name)
        assert "ERROR" not in text, (nb.name, text[text.index("ERROR"):][:300])
        assert list((out / "figures").glob(f"{nb.name[:2]}_*.png")), nb.name
    story = json.loads((out / "story.json").read_text())
    assert story["name"] == "halvercombe_congestion_charge" and not story["discovered"]
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{story['title']}</title>".replace("'", "&#x27;") in index
    pages = sorted((out / "report").glob("0*.html"))
    assert len(pages) == len(R.list_notebooks())
    for page in pages:
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S).group(1)
        assert title.strip() not in ("", "Notebook") and "congestion charge" in title, (page.name, title)


@pytest.mark.slow
def test_nothing_the_second_story_produces_names_the_seeds_story(congestion_run):
    out = congestion_run
    leaks = {}
    for nb in R.list_notebooks():
        text = _outputs_text(out / "notebooks" / nb.name)
        found = sorted({m.group(0) for m in SEED_STORY_WORDS.finditer(text)})
        if found:
            leaks[nb.name] = found
    for png in sorted((out / "figures").glob("*.png")):
        words = Image.open(png).text.get("Description", "")
        assert words, f"{png.name} carries no figure text"
        found = sorted({m.group(0) for m in SEED_STORY_WORDS.finditer(png.name + " " + words)})
        if found:
            leaks[png.name] = found
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    heads = " ".join(re.findall(r"<(?:title|h1|figcaption)>(.*?)</", index, re.S))
    if SEED_STORY_WORDS.search(heads):
        leaks["report/index.html"] = sorted({m.group(0) for m in SEED_STORY_WORDS.finditer(heads)})
    claims = (out / "06_claims.html").read_text(encoding="utf-8")
    if SEED_STORY_WORDS.search(claims):
        leaks["06_claims.html"] = sorted({m.group(0) for m in SEED_STORY_WORDS.finditer(claims)})
    assert not leaks, leaks


@pytest.mark.slow
def test_the_story_file_decides_titles_actors_and_lexicons(congestion_run):
    out = congestion_run
    text = {nb.name[:2]: _outputs_text(out / "notebooks" / nb.name) for nb in R.list_notebooks()}
    import analysis

    story = analysis.load_story(CONGESTION / "story.yaml")
    assert story.title in text["06"]
    groups = set(story.actors["group"])
    assert sum(g in text["03"] for g in groups) >= 2           # actor groups of this story, not discovered names
    view_titles = [t for t, _ in story.kwic_views]
    assert all(t in text["02"] for t in view_titles)            # the story's keyword-in-context views
    assert f"Names for {story.label('measure')}" in Image.open(out / "figures" / "04_measure_names.png").text["Description"]
