"""Duplicate documents (issue 20): exact and near copies found before cleaning, the first kept."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis.corpus import load_corpus
from analysis.corpus.dedupe import comparison_text, find_duplicates, lsh_bands, shingles

CONGESTION = Path(__file__).parent / "data" / "congestion" / "articles.csv"
MENU = "Home\nNews\nTransport\nSubscribe to our newsletter"
FOOTER = "Share this article\nRelated stories\n© 2025 Metro Dispatch. All rights reserved."


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return load_corpus(CONGESTION).documents[["doc_id", "outlet", "text", "source"]]


def _jaccard(a: str, b: str) -> float:
    x, y = shingles(comparison_text(a)), shingles(comparison_text(b))
    return len(x & y) / len(x | y)


def _with_copies(articles: pd.DataFrame) -> pd.DataFrame:
    """The 15 invented articles plus: an exact copy of the first, and a copy of the second with page
    furniture around it and one sentence reworded (a re-scrape)."""
    a0, a1 = articles.iloc[0], articles.iloc[1]
    body = str(a1.text)
    first_sentence = re.split(r"(?<=\.)\s", body, maxsplit=1)[0]
    reworded = body.replace(first_sentence, first_sentence.replace(" on ", " late on ", 1), 1)
    assert reworded != body
    extra = pd.DataFrame([
        {"doc_id": "copy-exact", "outlet": a0.outlet, "text": a0.text, "source": "test"},
        {"doc_id": "copy-near", "outlet": a1.outlet, "text": f"{MENU}\n\n{reworded}\n\n{FOOTER}", "source": "test"},
    ])
    return pd.concat([articles, extra], ignore_index=True)


def test_distinct_real_articles_are_not_duplicates(articles):
    assert find_duplicates(articles).empty
    assert find_duplicates(articles, within_outlet=False, threshold=0.3).empty


def test_exact_and_near_copies_name_the_first(articles):
    docs = _with_copies(articles)
    dup = find_duplicates(docs).set_index("doc_id")
    assert sorted(dup.index) == ["copy-exact", "copy-near"]
    assert dup.loc["copy-exact", "duplicate_of"] == articles.doc_id.iloc[0]
    assert dup.loc["copy-exact", "kind"] == "exact" and dup.loc["copy-exact", "jaccard"] == 1.0
    near = dup.loc["copy-near"]
    want = _jaccard(str(articles.text.iloc[1]), str(docs.text.iloc[-1]))
    assert near.duplicate_of == articles.doc_id.iloc[1] and near.kind == "near"
    assert 0.9 <= want < 1 and near.jaccard == pytest.approx(want, abs=1e-4)
    assert near.reason == f"duplicate of {articles.doc_id.iloc[1]} (jaccard {want:.2f})"


def test_the_copy_listed_first_is_kept(articles):
    docs = _with_copies(articles).iloc[::-1].reset_index(drop=True)
    dup = find_duplicates(docs)
    assert set(dup.duplicate_of) == {"copy-exact", "copy-near"}
    assert set(dup.doc_id) == set(articles.doc_id.iloc[:2])


def test_shared_page_furniture_does_not_make_different_articles_duplicates(articles):
    docs = articles.assign(text=[f"{MENU}\n{t}\n{FOOTER}\n{FOOTER}" for t in articles.text])
    assert find_duplicates(docs).empty


def test_threshold_and_outlet_scope_are_parameters(articles):
    a = articles.iloc[0]
    paras = str(a.text).split("\n\n")
    trimmed = "\n\n".join(paras[:-1])  # the same article without its last paragraph
    j = _jaccard(str(a.text), trimmed)
    assert 0.5 < j < 0.9
    docs = pd.concat([articles, pd.DataFrame([{"doc_id": "trim", "outlet": a.outlet, "text": trimmed}])],
                     ignore_index=True)
    assert find_duplicates(docs).empty
    assert find_duplicates(docs, threshold=j - 0.01).doc_id.tolist() == ["trim"]
    other = docs.assign(outlet=lambda d: d.outlet.where(d.doc_id != "trim", "Another Outlet"))
    assert find_duplicates(other, threshold=j - 0.01).empty
    assert find_duplicates(other, threshold=j - 0.01, within_outlet=False).doc_id.tolist() == ["trim"]
    with pytest.raises(ValueError, match="threshold"):
        find_duplicates(docs, threshold=0)


def test_lsh_bands_find_pairs_at_the_threshold():
    for t in (0.7, 0.8, 0.9, 0.95):
        b, r = lsh_bands(t)
        assert b * r <= 128 and 1 - (1 - t**r) ** b >= 0.999


def test_candidates_not_all_pairs(monkeypatch):
    """Each document is checked against its few LSH candidates, not against every other document."""
    from analysis.corpus import dedupe, synthetic

    texts = load_corpus(CONGESTION).documents.text
    sentences = sorted({s for t in texts for s in re.split(r"(?<=[.!?])\s+", str(t)) if len(s.split()) >= 6})
    docs = synthetic.synthetic_corpus(1500, seed=3, sentences=sentences, outlets=("One",))
    docs = pd.concat([docs, docs.iloc[:40].assign(doc_id=lambda d: "again-" + d.doc_id)], ignore_index=True)
    checks = [0]
    real = dedupe._jaccard

    def counting(a, b):
        checks[0] += 1
        return real(a, b)

    monkeypatch.setattr(dedupe, "_jaccard", counting)
    dup = find_duplicates(docs)
    assert dup.doc_id.str.startswith("again-").sum() == 40
    assert checks[0] < len(docs)  # all pairs would be about a million


def test_build_corpus_drops_or_keeps_duplicates(articles, tmp_path, monkeypatch):
    docs = _with_copies(articles)
    c = analysis.build_corpus(docs, cache_dir=tmp_path, progress=False)
    assert len(c.documents) == 15 and "copy-near" not in set(c.documents.doc_id)
    rej = c.rejects.set_index("doc_id")
    assert rej.loc["copy-exact", "reason"] == f"duplicate of {articles.doc_id.iloc[0]} (jaccard 1.00)"
    assert rej.loc["copy-near", "reason"].startswith(f"duplicate of {articles.doc_id.iloc[1]} (jaccard 0.9")
    assert list(c.rejects.columns) == ["source", "doc_id", "reason"]
    assert (c.issues.set_index("doc_id").loc[["copy-exact", "copy-near"], "level"] == "rejected").all()
    kept = analysis.build_corpus(docs, cache_dir=tmp_path, progress=False, duplicates="keep")
    assert len(kept.documents) == 17 and kept.rejects.empty
    assert (kept.issues.set_index("doc_id").loc[["copy-exact", "copy-near"], "level"] == "warning").all()
    monkeypatch.setenv("ANALYSIS_DUPLICATES", "keep")
    assert len(analysis.build_corpus(docs, cache_dir=tmp_path, progress=False).documents) == 17
    monkeypatch.setenv("ANALYSIS_DUPLICATES", "maybe")
    with pytest.raises(ValueError, match="ANALYSIS_DUPLICATES"):
        analysis.build_corpus(docs, cache_dir=tmp_path, progress=False)


def test_duplicates_do_not_turn_each_others_body_into_boilerplate(tmp_path):
    """Two copies of one article whose short paragraphs would repeat across the outlet: the kept copy
    keeps every paragraph (boilerplate is computed on distinct documents)."""
    body = ("Drivers will pay a daily charge to enter the centre from June, the council said in a statement.\n\n"
            "The vote was nine to four.\n\nBuses are exempt.\n\nThe charge applies on weekdays only.")
    other = ("The harbour authority said on Friday that the new ferry terminal would open in the autumn, "
             "two years later than planned.")
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["Metro Dispatch"] * 3, "text": [body, body, other]})
    c = analysis.build_corpus(docs, cache_dir=tmp_path, progress=False)
    assert c.documents.doc_id.tolist() == ["a", "c"]
    assert c.documents.text.iloc[0] == body
    assert not (c.audit.rule == "outlet_boilerplate").any()
    kept = analysis.build_corpus(docs, cache_dir=tmp_path, progress=False, duplicates="keep")
    assert kept.documents.text.tolist()[:2] == [body, body]
