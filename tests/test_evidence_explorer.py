"""The evidence explorer: its numbers and sentences come from the measure store, and in headless Chromium a
clicked cell lists its evidence with the trigger in a <mark>, filters narrow the list, the article view shows
the sentence in context, and a hostile corpus runs no script and shows its strings as text."""
from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import headless_chromium

from analysis.viz.evidence import evidence_data, evidence_explorer_html, json_for_html

ROOT = Path(__file__).resolve().parents[1]
CONGESTION = ROOT / "tests" / "data" / "congestion"
CAP = 3
HOSTILE_OUTLET = "<img src=x onerror=alert(1)>"
# the emoji (outside the BMP) checks that offsets are converted to what JavaScript counts
HOSTILE_SENTENCE = "Mayor Nadia Falk \U0001F697 said the charge costs 12 dollars </script><script>alert(1)</script> a day."
HOSTILE_TITLE = "<b onmouseover=alert(2)>Charge</b> & more"


@pytest.fixture(scope="module")
def study():
    import analysis

    return analysis.open_study(str(CONGESTION / "articles.csv"), story=str(CONGESTION / "story.yaml"), progress=False)


@pytest.fixture(scope="module")
def page(study, tmp_path_factory):
    return evidence_explorer_html(study, tmp_path_factory.mktemp("evidence") / "evidence.html", cap=CAP)


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s.lower())


# ------------------------------------------------------------------------------------------ the page file
def test_page_is_self_contained_with_a_hashed_script(page):
    text = page.read_text(encoding="utf-8")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, flags=re.S)
    assert [a.strip() for a, _ in scripts] == ['type="application/json" id="evidence-data"', ""]
    code = scripts[1][1]
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text).group(1)
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert len(re.findall(r"<style>", text)) == 1
    assert not re.search(r"\s(src|href)=", text)           # no external (or any) linked resource
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code and "document.write" not in code


def test_json_block_escapes_markup():
    s = json_for_html({"a": "</script><script>alert(1)</script> & <b>"})
    assert "<" not in s and ">" not in s and "&" not in s
    import json

    assert json.loads(s)["a"] == "</script><script>alert(1)</script> & <b>"


# ------------------------------------------------------------------------------------ data from the store
def test_cells_count_what_the_store_holds_and_cap_their_evidence(study):
    d = evidence_data(study, cap=CAP)
    fr = study.measure("frame_codes")
    mk = study.measure("attribution_markers")
    seen = 0
    for c in d["cells"]:
        col, outlet = d["columns"][c["c"]], d["outlets"][c["o"]]
        if col["family"] == "frames":
            rows = fr[(fr["outlet"] == outlet) & (fr["frame"] == col["label"])]
        elif col["family"] == "attribution markers":
            rows = mk[(mk["outlet"] == outlet) & (mk["marker_class"] == col["label"])]
        else:
            continue
        assert c["n"] == rows["sent_id"].nunique() and c["hits"] == len(rows), (outlet, col)
        assert len(c["ev"]) == min(CAP, c["n"])
        texts = {d["docs"][d["sents"][d["ev"][e][0]][0]][4][d["sents"][d["ev"][e][0]][1]:d["sents"][d["ev"][e][0]][2]]
                 for e in c["ev"]}
        assert texts <= set(rows["text"]), (outlet, col)
        seen += 1
    assert seen >= 10
    # only the articles that evidence comes from are included
    used = {d["sents"][e[0]][0] for e in d["ev"]}
    assert used == set(range(len(d["docs"])))
    assert len(d["docs"]) <= len(study.corpus.documents)


def test_tone_cells_are_the_mean_tone_of_sentences_naming_the_group(study):
    d = evidence_data(study, cap=CAP)
    tone = study.measure("sentence_tone")
    tone = tone[tone["method"] == d["tone_method"]].set_index("sent_id")["tone"]
    am = study.measure("actor_mentions")
    am = am[am["method"] == "alias"]
    outlet_of = study.corpus.sentences.set_index("sent_id")["outlet"]
    checked = 0
    for c in d["cells"]:
        col = d["columns"][c["c"]]
        if col["family"] != "tone toward actors":
            continue
        sids = am.loc[am["group"] == col["label"], "sent_id"]
        sids = sids[sids.map(outlet_of) == d["outlets"][c["o"]]].unique()
        assert c["n"] == len(sids)
        assert c["value"] == pytest.approx(tone.reindex(sids).mean(), abs=5e-4)
        checked += 1
    assert checked >= 3


def test_bad_arguments_are_clear_errors(study):
    with pytest.raises(ValueError, match="cap"):
        evidence_data(study, cap=0)
    with pytest.raises(ValueError, match="tone_method"):
        evidence_data(study, tone_method="no-such-method")
    with pytest.raises(TypeError, match="Study"):
        evidence_data(object())


# ------------------------------------------------------------------------------------------ in a browser
@pytest.fixture(scope="module")
def browser():
    # record alert() calls instead of opening a dialog (runs before any page script, outside its CSP)
    yield from headless_chromium(init_script=(
        "window.__alerts = []; for (const f of ['alert', 'confirm', 'prompt']) "
        "{ window[f] = (m) => { window.__alerts.push(f + ':' + m); }; }"))


def _load(browser, path: Path):
    browser.get(path.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(r.startswith(("file:", "data:", "blob:")) for r in resources), resources


def _cell(browser, d, outlet: str, family: str, label: str):
    from selenium.webdriver.common.by import By

    ci = next(i for i, c in enumerate(d["columns"]) if c["family"] == family and c["label"] == label)
    return browser.find_element(By.CSS_SELECTOR, f'td.cell[data-outlet="{d["outlets"].index(outlet)}"][data-column="{ci}"]')


def _click(browser, element):
    """Scroll ``element`` to the middle of the grid (clear of the sticky outlet column), then click it."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'});", element)
    element.click()


def _listed(browser):
    from selenium.webdriver.common.by import By

    items = browser.find_elements(By.CSS_SELECTOR, "#ev-list li")
    return [(li.get_attribute("data-outlet"), li.find_element(By.CSS_SELECTOR, "p.sent").text,
             [m.text for m in li.find_elements(By.CSS_SELECTOR, "p.sent mark")]) for li in items]


def test_clicking_a_cell_lists_its_evidence_with_the_trigger_marked(page, study, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = evidence_data(study, cap=CAP)
    _load(browser, page)
    assert browser.find_element(By.ID, "title").text == d["title"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#grid td.cell")) == len(d["cells"])
    fr = study.measure("frame_codes")
    counts = fr.groupby(["outlet", "frame"])["sent_id"].nunique()
    outlet, frame = counts.idxmax()          # the fullest frames cell: more sentences than the cap
    n = int(counts.max())
    assert n > CAP
    _click(browser, _cell(browser, d, outlet, "frames", frame))
    rows = fr[(fr["outlet"] == outlet) & (fr["frame"] == frame)]
    triggers = dict(zip(rows["text"], rows["trigger"]))
    listed = _listed(browser)
    assert len(listed) == CAP
    for o, text, marks in listed:
        assert o == outlet and text in triggers
        assert marks, text
        parts = {_norm(p) for p in triggers[text].split("; ")}
        assert all(_norm(m) in parts for m in marks), (marks, triggers[text])
    assert f"{outlet}: showing {CAP} of {n} sentence(s)" in browser.find_element(By.ID, "ev-status").text

    # filter by outlet: all outlets, then another one
    sel = Select(browser.find_element(By.ID, "f-outlet"))
    sel.select_by_visible_text("all outlets")
    per_outlet = {o: min(CAP, int(counts.get((o, frame), 0))) for o in d["outlets"]}
    listed = _listed(browser)
    assert len(listed) == sum(per_outlet.values())
    assert {o for o, _, _ in listed} == {o for o, k in per_outlet.items() if k}
    other = next(o for o in d["outlets"] if o != outlet and per_outlet[o])
    sel.select_by_visible_text(other)
    listed = _listed(browser)
    assert len(listed) == per_outlet[other] and {o for o, _, _ in listed} == {other}

    # filter by actor group: every listed sentence names the group
    am = study.measure("actor_mentions")
    sel.select_by_visible_text("all outlets")
    all_texts = {t for _, t, _ in _listed(browser)}
    sent_text = study.corpus.sentences.set_index("sent_id")["text"]
    named = am[am["method"] == "alias"].assign(text=lambda x: x["sent_id"].map(sent_text))
    group = named[named["text"].isin(all_texts)]["group"].value_counts().index[0]
    Select(browser.find_element(By.ID, "f-actor")).select_by_visible_text(group)
    listed = _listed(browser)
    expected = all_texts & set(named.loc[named["group"] == group, "text"])
    assert listed and {t for _, t, _ in listed} == expected
    assert "match the filters" in browser.find_element(By.ID, "ev-status").text
    Select(browser.find_element(By.ID, "f-actor")).select_by_visible_text("any actor group")

    # filter by frame inside another measure's evidence: voices of one group, in sentences of that frame
    q = study.measure("quotes")
    vgroup = q["speaker_group"].value_counts().index[0]
    _click(browser, _cell(browser, d, q[q["speaker_group"] == vgroup]["outlet"].value_counts().index[0], "voices", vgroup))
    Select(browser.find_element(By.ID, "f-outlet")).select_by_visible_text("all outlets")
    before = {t for _, t, _ in _listed(browser)}
    Select(browser.find_element(By.ID, "f-frame")).select_by_visible_text(frame)
    after = {t for _, t, _ in _listed(browser)}
    assert after == before & set(fr.loc[fr["frame"] == frame, "text"])


def test_the_article_view_shows_the_sentence_in_context(page, study, browser):
    from selenium.webdriver.common.by import By

    d = evidence_data(study, cap=CAP)
    _load(browser, page)
    mk = study.measure("attribution_markers")
    outlet, cls = mk.groupby(["outlet", "marker_class"]).size().idxmax()
    _click(browser, _cell(browser, d, outlet, "attribution markers", cls))
    first = browser.find_element(By.CSS_SELECTOR, "#ev-list li")
    sentence = first.find_element(By.CSS_SELECTOR, "p.sent").text
    first.find_element(By.CSS_SELECTOR, "button.open").click()
    assert browser.find_element(By.ID, "article").is_displayed()
    assert not browser.find_element(By.ID, "panel").is_displayed()
    row = mk[(mk["outlet"] == outlet) & (mk["text"] == sentence)].iloc[0]
    doc = study.corpus.documents.set_index("doc_id").loc[row["doc_id"]]
    assert browser.find_element(By.ID, "art-title").text == doc["title"]
    ctx = browser.find_element(By.ID, "in-context")
    assert ctx.text == sentence
    marks = [m.text for m in ctx.find_elements(By.TAG_NAME, "mark")]
    assert row["marker"] in marks
    body = browser.find_element(By.ID, "art-body").get_attribute("textContent")
    assert body == doc["text"]
    browser.find_element(By.ID, "back").click()
    assert browser.find_element(By.ID, "panel").is_displayed() and len(_listed(browser)) >= 1


# --------------------------------------------------------------------------------------- hostile corpus
@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    import warnings

    import analysis

    tmp = tmp_path_factory.mktemp("hostile")
    df = pd.read_csv(CONGESTION / "articles.csv")
    df = df[df["id"].isin(["md01", "md02", "vs01", "vs02"])].copy()
    df.loc[df["outlet"] == "Valley Standard", "outlet"] = HOSTILE_OUTLET
    i = df.index[df["id"] == "md01"][0]
    # scraped HTML: the loader turns it into plain text, the escaped script tags becoming literal text
    df.loc[i, "text"] = "".join(f"<p>{html.escape(p)}</p>" for p in [HOSTILE_SENTENCE, *df.loc[i, "text"].split("\n\n")])
    df.loc[i, "title"] = HOSTILE_TITLE
    df.to_csv(tmp / "hostile.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        study = analysis.open_study(str(tmp / "hostile.csv"), story=str(CONGESTION / "story.yaml"), progress=False)
    assert HOSTILE_SENTENCE in set(study.corpus.sentences["text"])
    assert HOSTILE_OUTLET in set(study.corpus.documents["outlet"])
    return evidence_explorer_html(study, tmp / "evidence.html", cap=CAP), study


def test_hostile_strings_never_reach_the_page_as_markup(hostile_page):
    page, _ = hostile_page
    text = page.read_text(encoding="utf-8")
    assert "<img" not in text and "<b onmouseover" not in text
    assert text.count("</script>") == 2 and text.count("<script") == 2
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in text      # the outlet, escaped inside the JSON block


def test_hostile_corpus_runs_no_script_and_shows_the_strings_as_text(hostile_page, browser):
    from selenium.webdriver.common.by import By

    page, study = hostile_page
    d = evidence_data(study, cap=CAP)
    _load(browser, page)
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#grid th.row")]
    assert HOSTILE_OUTLET in heads
    # click every cell of both outlets and open every listed article
    for td in browser.find_elements(By.CSS_SELECTOR, "#grid td.cell"):
        _click(browser, td)
    fr = study.measure("frame_codes")
    row = fr[fr["text"] == HOSTILE_SENTENCE].iloc[0]
    _click(browser, _cell(browser, d, row["outlet"], "frames", row["frame"]))
    listed = _listed(browser)
    assert HOSTILE_SENTENCE in [t for _, t, _ in listed]
    li = [x for x in browser.find_elements(By.CSS_SELECTOR, "#ev-list li")
          if x.find_element(By.CSS_SELECTOR, "p.sent").text == HOSTILE_SENTENCE][0]
    marks = [m.text for m in li.find_elements(By.CSS_SELECTOR, "p.sent mark")]
    assert sorted(marks) == sorted(row["trigger"].split("; ")), (marks, row["trigger"])
    li.find_element(By.CSS_SELECTOR, "button.open").click()
    assert browser.find_element(By.ID, "art-title").text == HOSTILE_TITLE
    assert browser.find_element(By.ID, "in-context").text == HOSTILE_SENTENCE
    browser.find_element(By.ID, "back").click()
    _click(browser, _cell(browser, d, HOSTILE_OUTLET, "frames", fr[fr["outlet"] == HOSTILE_OUTLET]["frame"].iloc[0]))
    assert {o for o, _, _ in _listed(browser)} == {HOSTILE_OUTLET}
    assert browser.execute_script("return window.__alerts") == []
    assert browser.execute_script("return document.images.length") == 0
    assert browser.execute_script("return document.querySelectorAll('script').length") == 2
    assert browser.execute_script("return document.querySelectorAll('b, img, [onerror], [onmouseover]').length") == 0
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
