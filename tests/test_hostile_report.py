"""A corpus whose outlet names, titles, author and actor names are markup (stored XSS attempts) runs
through every notebook and the report, and no page runs any of it: every generated HTML page opens in
headless Chromium with no alert dialog, no injected element, and the hostile names shown as plain text.

The articles are four real texts of the hand-made congestion corpus (tests/data/congestion) with their
metadata replaced by hostile strings; the story is that corpus' story file with one actor and one group
renamed to markup.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest

from conftest import headless_chromium
import yaml

from analysis.config import PROJECT_ROOT

CONGESTION = PROJECT_ROOT / "tests" / "data" / "congestion"

OUTLET_IMG = "<img src=x onerror=alert(1)>"
OUTLET_SCRIPT = '"><script>alert(2)</script>'
OUTLET_ATTR = "Ledger' onmouseover='alert(5)' x='"
TITLE_SVG = "<svg onload=alert(3)> Charge starts on Monday"
AUTHOR = '<b onmouseover=alert(4)>Dana</b> "Reyes"'
ACTOR = "Nadia <i onclick=alert(6)>Falk</i>"
GROUP = "city <u onclick=alert(7)>hall</u>"
OUTLETS = [OUTLET_IMG, OUTLET_SCRIPT, OUTLET_ATTR, OUTLET_IMG]
#: what an injected element would look like in the DOM (none may exist)
INJECTED = "img[src=x], svg[onload], [onerror], [onload], [onmouseover], [onclick]"


def write_hostile_corpus(folder) -> tuple:
    """Four congestion articles with hostile metadata, and the congestion story with markup names."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(CONGESTION / "articles.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # one article from each of three outlets and a second from the first: real text, about 250 words each
    picked = [r for r in rows if r["id"].startswith("md")][:2] + [r for r in rows if not r["id"].startswith("md")][:2]
    out = []
    for i, (row, outlet) in enumerate(zip(picked, OUTLETS)):
        out.append({"id": f"h{i}", "outlet": outlet, "date": row["date"],
                    "title": TITLE_SVG if i == 0 else row["title"], "author": AUTHOR if i == 1 else "",
                    "text": row["text"]})
    corpus = folder / "hostile.csv"
    with open(corpus, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]))
        w.writeheader()
        w.writerows(out)
    story = yaml.safe_load((CONGESTION / "story.yaml").read_text(encoding="utf-8"))
    story["groups"][GROUP] = story["groups"].pop("city government")
    for actor in story["actors"]:
        if actor.get("group") == "city government":
            actor["group"] = GROUP
        if actor["actor"] == "Nadia Falk":
            actor["actor"] = ACTOR
    story_path = folder / "story.yaml"
    story_path.write_text(yaml.safe_dump(story, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return corpus, story_path


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """The whole collection and the report on the hostile corpus, once (a few minutes)."""
    root = tmp_path_factory.mktemp("hostile")
    corpus, story = write_hostile_corpus(root / "corpus")
    out = root / "out"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ANALYSIS_CACHE_DIR": str(root / "cache"),
           # the shared human-coded data do not depend on the corpus (see test_byoc): hidden to save minutes
           "ANALYSIS_VALIDATION_DIR": str(root / "no_validation_data")}
    proc = subprocess.run([sys.executable, "-m", "analysis.run", "--corpus", str(corpus), "--story", str(story),
                           "--output-dir", str(out)], env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def browser():
    # an alert stays open, for switch_to.alert to see
    yield from headless_chromium(capabilities={"unhandledPromptBehavior": "ignore"})


def _no_alert(driver, where):
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    pytest.fail(f"{where}: an alert fired ({text!r})")


def _check_document(driver, where) -> str:
    """No alert, no injected element, no executable script that calls alert; return the visible text."""
    _no_alert(driver, where)
    injected = driver.execute_script(
        f"return Array.from(document.querySelectorAll({INJECTED!r})).map(e => e.outerHTML.slice(0, 200))")
    assert not injected, (where, injected)
    scripts = driver.execute_script(
        "return Array.from(document.scripts).filter(s => ['', 'text/javascript', 'module'].includes(s.type))"
        ".map(s => s.textContent).filter(t => t.includes('alert('))")  # data blocks (JSON) are inert
    assert not scripts, (where, [s[:200] for s in scripts])
    return driver.execute_script(
        "return document.body.innerText + '\\n' + Array.from(document.querySelectorAll('option, title'))"
        ".map(o => o.textContent).join('\\n')")


def _visit(driver, page) -> str:
    """Open a page and every frame in it; return all their text."""
    from selenium.webdriver.common.by import By

    driver.get(page.as_uri())
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight);")
    text = _check_document(driver, page.name)
    for i, frame in enumerate(driver.find_elements(By.TAG_NAME, "iframe")):
        driver.switch_to.frame(frame)
        text += "\n" + _check_document(driver, f"{page.name} frame {i}")
        driver.switch_to.default_content()
    _no_alert(driver, page.name)
    return text


def hostile_pages(out) -> list:
    """Every HTML page the run wrote: the report, the claims page, the term explorer."""
    return sorted((out / "report").glob("*.html")) + sorted(out.glob("*.html"))


@pytest.mark.slow
def test_generated_pages_escape_every_hostile_string_and_declare_a_policy(hostile_run):
    pages = hostile_pages(hostile_run)
    names = {p.name for p in pages}
    assert {"index.html", "06_synthesis.html", "06_claims.html", "02_term_explorer.html"} <= names, names
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text, page.name
        for raw in ("<img src=x onerror", "<script>alert(2)", "<svg onload", "<b onmouseover", "<i onclick",
                    "<u onclick"):
            assert raw not in text, (page.name, raw)


@pytest.mark.slow
def test_no_hostile_string_runs_in_the_browser_and_all_show_as_text(hostile_run, browser):
    seen = {}
    for page in hostile_pages(hostile_run):
        seen[page.name] = _visit(browser, page)
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, (page.name, errors)  # a policy violation is logged as an error
    for name in ("06_synthesis.html", "06_claims.html", "02_term_explorer.html", "02_topics_and_distinctive_words.html"):
        # (the explorer lists outlets from its script: also proof that the policy lets its own script run)
        for outlet in (OUTLET_IMG, OUTLET_SCRIPT, OUTLET_ATTR):
            assert outlet in seen[name], (name, outlet)
    everything = "\n".join(seen.values())
    assert TITLE_SVG in everything and (ACTOR in everything or GROUP in everything)
