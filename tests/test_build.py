"""build_corpus and Corpus: one documents schema, lazy tables, cheap repr."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis.corpus.clean import AUDIT_COLUMNS

TWO = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "title": ["A title", None],
                    "text": ["Menu\n\nThe firm said it would appeal.\n\nIt gave no date.", "Officials disagreed."]})


def test_clean_false_keeps_the_documents_schema(tmp_path):
    cleaned = analysis.build_corpus(TWO, cache_dir=tmp_path, progress=False)
    raw = analysis.build_corpus(TWO, clean=False, cache_dir=tmp_path, progress=False)
    assert list(raw.documents.columns) == list(cleaned.documents.columns)
    assert list(raw.audit.columns) == list(cleaned.audit.columns) == AUDIT_COLUMNS and raw.audit.empty
    d = raw.documents.set_index("doc_id")
    assert d.raw_text.tolist() == d.text.tolist() == TWO.text.tolist()
    assert d.title_source.iloc[0] == "metadata" and d.title_source.iloc[1:].isna().all() and d.author_source.isna().all()
    assert d[["deck", "tags", "page_date_text"]].isna().all().all()
    assert d.n_words.tolist() == [11, 2]


def test_repr_and_subset_do_not_load_the_tables(tmp_path, monkeypatch):
    c = analysis.build_corpus(TWO, cache_dir=tmp_path, progress=False)
    text = repr(c)
    sub = c.subset(["b"])
    assert not c.tables_loaded and not sub.tables_loaded
    assert text.startswith("Corpus(2 documents, 2 outlets, ")
    eager = analysis.build_corpus(TWO, cache_dir=tmp_path, progress=False)
    eager.sentences  # loads the tables
    assert repr(eager) == text == (f"Corpus(2 documents, 2 outlets, {len(eager.sentences)} sentences, "
                                   f"{len(eager.tokens)} tokens, 0 rejected)")
    assert sub.sentences.doc_id.tolist() == ["b"] and sub.tokens.doc_id.unique().tolist() == ["b"]
    want = eager.sentences[eager.sentences.doc_id == "b"].reset_index(drop=True)
    pd.testing.assert_frame_equal(sub.sentences, want)
    loaded = eager.subset(["b"])  # loaded tables are filtered, not read again
    monkeypatch.setattr("analysis.corpus.shards.read_table", lambda *a, **k: 1 / 0)
    pd.testing.assert_frame_equal(loaded.sentences, want)


def test_tables_can_be_assigned():
    c = analysis.build_corpus(progress=False)
    c.sentences = c.sentences.head(3)
    assert len(c.sentences) == 3 and len(c.tokens) > 3


def test_docs_stream_shard_by_shard_in_corpus_order(tmp_path, monkeypatch):
    from analysis.corpus import parse, shards

    texts = {f"d{i}": f"Sentence number {i} is here. And one more." for i in range(6)}
    docs = pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})
    monkeypatch.setattr(parse, "SHARD_SIZE", 2)
    first = parse.parse_documents(docs.iloc[[0, 2, 4]], cache_dir=tmp_path, progress=False)
    parsed = parse.parse_documents(docs, cache_dir=tmp_path, progress=False)  # d0 d2 d4 | d1 d3 | d5
    assert len(first.shards) == 2 and len(parsed.shards) == 4
    reads = []
    real = shards._shard_docs

    def counting(shard, vocab):
        reads.append(shard)
        return real(shard, vocab)

    monkeypatch.setattr(shards, "_shard_docs", counting)
    stream = shards.iter_docs(parsed)
    doc_id, doc = next(stream)
    assert (doc_id, doc.text) == ("d0", texts["d0"]) and len(reads) == 1
    rest = list(stream)
    assert [(d, x.text) for d, x in rest] == [(d, texts[d]) for d in list(texts)[1:]]
    assert sorted(reads) == sorted(parsed.shards)  # every shard read once
    reads.clear()
    assert [d for d, _ in shards.iter_docs(parsed, doc_ids=["d5", "d0", "d5"])] == ["d5", "d0", "d5"]
    assert len(reads) == 2


CONGESTION = Path(__file__).parent / "data" / "congestion" / "articles.csv"


def _clean_tables(c):
    return c.documents.drop(columns=["raw_text"]), c.paragraphs, c.audit


@pytest.mark.parametrize("damage", ["delete audit", "truncate audit", "delete paras", "truncate docs", "empty docs"])
def test_damaged_cleaning_cache_is_rebuilt(tmp_path, damage):
    """A deleted or truncated cleaning-cache file is detected and its documents are cleaned again (issue 15)."""
    from analysis.corpus.build import clean_cache_root

    first = analysis.build_corpus(CONGESTION, cache_dir=tmp_path, progress=False)
    assert len(first.audit) > 100 and len(first.paragraphs) > 30
    root = clean_cache_root(tmp_path)
    part, how = damage.split()[1], damage.split()[0]
    (f,) = root.glob(f"*-{part}.parquet")
    if how == "delete":
        f.unlink()
    elif how == "truncate":
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    else:  # a readable file that lost its rows
        pd.read_parquet(f).head(0).to_parquet(f, index=False)
    again = analysis.build_corpus(CONGESTION, cache_dir=tmp_path, progress=False)
    for want, got in zip(_clean_tables(first), _clean_tables(again)):
        pd.testing.assert_frame_equal(got, want)
    if how != "empty":  # the damaged write was removed, one new one made
        assert len(list(root.glob("*-docs.parquet"))) == 1
    third = analysis.build_corpus(CONGESTION, cache_dir=tmp_path, progress=False)
    pd.testing.assert_frame_equal(third.audit, first.audit)


def test_documents_empty_after_cleaning_are_rejected_with_the_reason(tmp_path):
    """A page of furniture only leaves no text; it is rejected naming the rules, not kept with 0 sentences."""
    furniture = "Home\nListen Live\nGet short URL\n\n© 2025 Metro Dispatch. All rights reserved."
    docs = pd.read_csv(CONGESTION).head(3)
    docs = pd.concat([docs, pd.DataFrame([{"id": "furniture", "outlet": "Metro Dispatch", "text": furniture}])],
                     ignore_index=True)
    c = analysis.build_corpus(docs, cache_dir=tmp_path, progress=False)
    assert c.documents.doc_id.tolist() == docs.id.tolist()[:3]
    assert "furniture" not in set(c.audit.doc_id) | set(c.paragraphs.doc_id) | set(c.sentences.doc_id)
    (reason,) = c.rejects.loc[c.rejects.doc_id == "furniture", "reason"]
    assert reason.startswith("empty after cleaning (") and "navigation" in reason and "copyright" in reason
    assert c.rejects.loc[c.rejects.doc_id == "furniture", "source"].iloc[0] == "DataFrame:row 4"
    assert c.issues.loc[c.issues.doc_id == "furniture", "level"].tolist() == ["rejected"]
    assert "1 rejected" in repr(c)


def test_a_document_of_repeated_lines_only_is_kept_with_a_warning(tmp_path):
    """Lines repeated across the outlet are boilerplate, but a document made only of them is not emptied
    silently: it is kept as body and listed in issues."""
    menu = "Weather\nTraffic updates\nLetters"
    docs = pd.read_csv(CONGESTION).head(3).assign(text=lambda d: menu + "\n\n" + d.text)
    docs = pd.concat([docs, pd.DataFrame([{"id": "menu-only", "outlet": "Metro Dispatch", "text": menu}])],
                     ignore_index=True)
    c = analysis.build_corpus(docs, cache_dir=tmp_path, progress=False)
    assert c.audit.loc[c.audit.doc_id == "md01", "rule"].value_counts()["outlet_boilerplate"] == 3
    assert c.documents.set_index("doc_id").loc["menu-only", "text"] == "Weather Traffic updates Letters"
    (message,) = c.issues.loc[c.issues.doc_id == "menu-only", "message"]
    assert c.issues.loc[c.issues.doc_id == "menu-only", "level"].iloc[0] == "warning" and "only_body_kept" in message
