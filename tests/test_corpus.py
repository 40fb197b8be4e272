"""Loading: every supported source gives the same schema; bad input is rejected or warned, never lost."""
from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

from analysis.corpus.load import DOCUMENT_COLUMNS, CorpusError, load_corpus

GOOD = "Huawei signed a 5G deal with MTS. Officials in Washington criticised the agreement."


def _load(source, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw = load_corpus(source, **kw)
    return raw, [str(w.message) for w in caught]


def test_seeds_load_by_default():
    raw, _ = _load(None)
    assert len(raw.documents) == 5 and raw.rejects.empty
    assert list(raw.documents.columns[: len(DOCUMENT_COLUMNS)]) == DOCUMENT_COLUMNS
    assert raw.documents.loc[raw.documents.doc_id == "004_1949151933592ead", "author"].item() == "Jessica Miley"
    assert str(raw.documents.date.dtype).startswith("datetime64")


def test_csv_with_column_mapping_keeps_extra_columns(tmp_path):
    df = pd.DataFrame({"ID": ["a", "b"], "body": [GOOD, GOOD + " More."], "source": ["Daily A", "Daily B"],
                       "published": ["2020-01-02", "3 March 2019"], "headline": ["T1", "T2"], "section": ["tech", "world"]})
    path = tmp_path / "c.csv"
    df.to_csv(path, index=False)
    raw, _ = _load(path, columns={"id": "ID", "text": "body", "outlet": "source", "date": "published", "title": "headline"})
    d = raw.documents
    assert d.doc_id.tolist() == ["a", "b"] and d.outlet.tolist() == ["Daily A", "Daily B"]
    assert d.date.dt.strftime("%Y-%m-%d").tolist() == ["2020-01-02", "2019-03-03"]
    assert d.section.tolist() == ["tech", "world"] and d.title.tolist() == ["T1", "T2"]


def test_table_formats_give_the_same_documents(tmp_path):
    df = pd.DataFrame({"id": ["x1", "x2"], "text": [GOOD, "Beijing denied the claims."], "outlet": ["A", "B"], "date": ["2020-05-01", None]})
    df.to_csv(tmp_path / "t.tsv", sep="\t", index=False)
    df.to_parquet(tmp_path / "t.parquet")
    (tmp_path / "t.jsonl").write_text("\n".join(json.dumps(r) for r in df.to_dict("records")))
    loaded = [_load(tmp_path / f)[0].documents for f in ("t.tsv", "t.parquet", "t.jsonl")] + [_load(df)[0].documents]
    for d in loaded:
        assert d.doc_id.tolist() == ["x1", "x2"] and d.text.tolist() == df.text.tolist()
        assert d.date.isna().tolist() == [False, True]


def test_bad_rows_are_rejected_or_warned_with_row_and_reason(tmp_path):
    rows = [
        {"id": "ok", "text": GOOD, "outlet": "A", "date": "2020-01-01"},
        {"id": "empty", "text": "   \n ", "outlet": "A", "date": ""},
        {"id": "nooutlet", "text": GOOD, "outlet": "", "date": ""},
        {"id": "ok", "text": "Another text entirely.", "outlet": "B", "date": ""},
        {"id": "baddate", "text": GOOD, "outlet": "B", "date": "sometime in spring"},
        {"id": "html", "text": "<p>Huawei <b>denied</b> it.</p><p>Second paragraph.</p>", "outlet": "C", "date": ""},
    ]
    path = tmp_path / "bad.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    raw, warned = _load(path)
    assert raw.documents.doc_id.tolist() == ["ok", "baddate", "html"]
    reasons = dict(zip(raw.rejects.source, raw.rejects.reason))
    assert reasons["bad.csv:row 2"] == "whitespace-only text"
    assert reasons["bad.csv:row 3"] == "missing outlet"
    assert "duplicate id 'ok'" in reasons["bad.csv:row 4"] and "row 1" in reasons["bad.csv:row 4"]
    assert pd.isna(raw.documents.set_index("doc_id").loc["baddate", "date"])
    assert any("bad.csv:row 5" in w and "unparseable date" in w for w in warned)
    html_text = raw.documents.set_index("doc_id").loc["html", "text"]
    assert "<" not in html_text and "Huawei denied it." in html_text and "\n\n" in html_text
    assert any("HTML markup" in w and "row 6" in w for w in warned)
    # nothing lost: every input row is a document or a reject
    assert len(raw.documents) + len(raw.rejects) == len(rows)


def test_undecodable_bytes_are_rejected_naming_the_file_and_byte(tmp_path):
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"Huawei said\n\xff\xfe it would sue.")
    (folder / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (folder / "orphan.txt").write_text(GOOD, encoding="utf-8")
    pd.DataFrame({"file": ["good.txt", "broken.txt", "blank.txt", "missing.txt"], "outlet": ["A", "A", "B", "B"]}).to_csv(
        folder / "metadata.csv", index=False)
    raw, _ = _load(folder)
    assert raw.documents.doc_id.tolist() == ["good"]
    reasons = dict(zip(raw.rejects.doc_id, raw.rejects.reason))
    assert reasons["broken"] == "undecodable bytes: not valid UTF-8 at byte 12 (line 2)"
    assert reasons["blank"] == "whitespace-only text"
    assert reasons["missing"].startswith("file not found")
    assert "no metadata row" in reasons["orphan"]


def test_undecodable_row_in_csv_is_rejected_and_others_kept(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"id,text,outlet\na,Huawei denied it.,X\nb,Bad \xff byte here.,X\nc,Beijing agreed.,Y\n")
    raw, _ = _load(path)
    assert raw.documents.doc_id.tolist() == ["a", "c"]
    assert raw.rejects.iloc[0].to_dict() == {"source": "mixed.csv:row 2", "doc_id": "b",
                                             "reason": "undecodable bytes in the text field (not valid UTF-8)"}


def test_malformed_jsonl_line_is_rejected_with_line_number(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "Huawei denied it.", "outlet": "X"}\n{"id": "b", "text": \n[1, 2]\n')
    raw, _ = _load(path)
    assert raw.documents.doc_id.tolist() == ["a"]
    assert raw.rejects.source.tolist() == ["c.jsonl:line 2", "c.jsonl:line 3"]


def test_html_folder_extracts_main_text_and_metadata(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    body = " ".join(["Huawei has signed a contract to build 5G networks in Russia, the company said on Wednesday."] * 3)
    (folder / "p1.html").write_text(f"""<html><head><title>Huawei wins Russian deal | Tech Daily</title>
<meta property="og:site_name" content="Tech Daily"><meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2019-06-05"></head><body>
<nav><a href="/">Home</a> <a href="/tech">Tech</a></nav>
<article><h1>Huawei wins Russian deal</h1><p>{body}</p>
<p>Officials in Washington have urged allies to ban the company from their networks, citing security risks.</p></article>
<footer>Copyright 2019 Tech Daily. Subscribe to our newsletter.</footer></body></html>""", encoding="utf-8")
    raw, _ = _load(folder)
    d = raw.documents.iloc[0]
    assert d.outlet == "Tech Daily" and d.author == "Ann Lee" and str(d.date.date()) == "2019-06-05"
    assert "Officials in Washington" in d.text and "Subscribe" not in d.text and "Home" not in d.text
    assert list(raw.documents.columns[: len(DOCUMENT_COLUMNS)]) == DOCUMENT_COLUMNS


def test_missing_source_and_bad_mapping_raise_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_corpus(tmp_path / "nope.csv")
    path = tmp_path / "c.csv"
    pd.DataFrame({"body": [GOOD], "outlet": ["A"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match="column 'content'"):
        load_corpus(path, columns={"text": "content"})
    pd.DataFrame({"words": [GOOD], "outlet": ["A"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match="no text column"):
        load_corpus(path)
    (tmp_path / "x.docx").write_text("x")
    with pytest.raises(CorpusError, match="cannot read"):
        load_corpus(tmp_path / "x.docx")


def test_outlet_option_fills_missing_outlets(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [GOOD, GOOD], "outlet": ["", "Given"]}).to_csv(path, index=False)
    raw, _ = _load(path, outlet="Default Outlet")
    assert raw.documents.outlet.tolist() == ["Default Outlet", "Given"]


def test_empty_whitespace_and_non_string_texts_get_their_own_reasons(tmp_path):
    rows = [{"id": "e", "text": "", "outlet": "A"}, {"id": "n", "text": None, "outlet": "A"},
            {"id": "w", "text": " \n\t ", "outlet": "A"}, {"id": "i", "text": 5, "outlet": "A"},
            {"id": "ok", "text": GOOD, "outlet": "A"}]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    raw, _ = _load(path)
    assert raw.documents.doc_id.tolist() == ["ok"]
    assert dict(zip(raw.rejects.doc_id, raw.rejects.reason)) == {
        "e": "empty text", "n": "empty text", "w": "whitespace-only text", "i": "text is not a string (int)"}
