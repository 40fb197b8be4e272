"""Hostile and careless input to the loader: every file here is hand-made to break it.

Each test names the defect it guards against (the numbers of the loader review); every input document
must end up in ``documents`` or in ``rejects`` with a reason, and problems that cost no document are
recorded in ``issues``.
"""
from __future__ import annotations

import json
import os
import subprocess
import warnings

import pandas as pd
import pytest

from analysis.corpus.load import CorpusError, load_corpus

A = "Huawei signed a 5G deal with MTS on Wednesday as the company said."
B = "Officials in Washington criticised the agreement and urged allies to act."
C = "Beijing denied the claims and called the measures political."
D = "Analysts said the dispute would hurt suppliers on both sides."
E = "Shares in the supplier fell four percent in early trading."


def _load(source, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw = load_corpus(source, **kw)
    return raw, [str(w.message) for w in caught]


def _accounted(raw, ids):
    """Every id is a document or a reject (with a non-empty reason)."""
    docs = set(raw.documents.doc_id)
    rej = {d: r for d, r in zip(raw.rejects.doc_id, raw.rejects.reason) if isinstance(d, str)}
    missing = [i for i in ids if i not in docs and not rej.get(i)]
    assert not missing, (missing, raw.rejects)


# -- 2: a quote opened in one row and closed in a later one --------------------------------------------


def test_quote_closed_in_a_later_row_does_not_swallow_rows_silently(tmp_path):
    path = tmp_path / "swallow.csv"
    path.write_text("id,text,outlet\n"
                    f"a1,{A},Daily\n"
                    f'a2,"He said: {B},Daily\n'
                    f"a3,{C},Tribune\n"
                    f'a4,{D}" and left,Tribune\n'
                    f"a5,{E},Daily\n", encoding="utf-8")
    raw, _ = _load(path)
    _accounted(raw, ["a1", "a2", "a3", "a4", "a5"])
    texts = raw.documents.text.tolist()
    assert not any(other in t for t in texts for other in (C, D) if not t.startswith(other))
    assert {"a1", "a5"} <= set(raw.documents.doc_id)
    reasons = " ".join(raw.rejects.reason)
    assert "line 3" in reasons and "quote" in reasons


def test_quote_closed_with_text_after_it_rejects_only_that_row(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_text(f'id,text,outlet\na1,{A},Daily\na2,"{B},Daily\na3,{C}" he said,Tribune\na4,{D},Daily\n',
                    encoding="utf-8")
    raw, _ = _load(path)
    _accounted(raw, ["a1", "a2", "a3", "a4"])
    assert raw.documents.set_index("doc_id").loc["a4", "text"] == D
    assert "a2" in set(raw.rejects.doc_id)
    assert raw.rejects.set_index("doc_id").loc["a2", "source"] == "stray.csv:row 2"


def test_tsv_text_starting_with_a_quote_keeps_its_quote_marks(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text(f'id\ttext\toutlet\nt1\t"We will sue," the company said. {A}\tDaily\nt2\t{B}\tDaily\n',
                    encoding="utf-8")
    raw, _ = _load(path)
    assert raw.documents.set_index("doc_id").loc["t1", "text"] == f'"We will sue," the company said. {A}'
    assert len(raw.documents) == 2


# -- 3, 4: HTML detection needs real tags; every element is stripped ---------------------------------


def test_plain_text_with_angle_brackets_is_not_taken_for_html(tmp_path):
    text = ("If p<a holds for the sample, the test at <b to the fifth power is weak; with <p 5 "
            "observations per outlet the interval is wide and nothing else follows.")
    raw, warned = _load(pd.DataFrame({"id": ["m"], "text": [text], "outlet": ["Stats Weekly"]}))
    assert raw.documents.text.item() == text
    assert not any("HTML" in w for w in warned)


@pytest.mark.parametrize("markup, hidden", [
    ('<img src=x onerror="alert(1)">' + A, "alert"),
    ('<iframe src="https://evil.example/x">fallback words</iframe>' + A, "fallback"),
    ("<svg onload=alert(1)><text>svg words</text></svg>" + A, "svg words"),
    ("<table><tr><td>" + A + "</td></tr></table>", None),
    ("<script>var stolen = document.cookie;</script>" + A, "cookie"),
])
def test_any_html_element_is_detected_and_stripped(markup, hidden):
    raw, warned = _load(pd.DataFrame({"id": ["h"], "text": [markup], "outlet": ["X"]}))
    text = raw.documents.text.item()
    assert any("HTML markup" in w for w in warned)
    assert A in text and "<" not in text
    if hidden:
        assert hidden not in text


# -- 5: malformed rows and unreadable files -------------------------------------------------------------


def test_row_with_too_many_fields_is_rejected_and_the_rest_kept(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(f"id,text,outlet\na1,{A},Daily\na2,Too, many, fields here,Daily\na3,{C},Tribune\n",
                    encoding="utf-8")
    raw, _ = _load(path)
    assert raw.documents.doc_id.tolist() == ["a1", "a3"]
    rej = raw.rejects.set_index("doc_id").loc["a2"]
    assert rej.source == "wide.csv:row 2" and "5 fields, the header has 3" in rej.reason


def test_unclosed_quote_rejects_its_row_only(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text(f'id,text,outlet\na1,{A},Daily\na2,{B},Daily\na3,"{C},Tribune\n', encoding="utf-8")
    raw, _ = _load(path)
    assert raw.documents.doc_id.tolist() == ["a1", "a2"]
    assert "never closed" in raw.rejects.set_index("doc_id").loc["a3", "reason"]


@pytest.mark.parametrize("name, content, match", [
    ("empty.csv", b"", "empty.csv is empty"),
    ("fake.parquet", b"id,text\n1,not parquet at all\n", "fake.parquet cannot be read as Parquet"),
    ("empty.parquet", b"", "empty.parquet cannot be read as Parquet"),
])
def test_unreadable_files_raise_a_corpus_error_naming_the_file(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=match):
        load_corpus(path)


def test_cli_prints_the_error_not_a_traceback(tmp_path, capsys):
    from analysis.run.notebooks import main

    (tmp_path / "empty.csv").write_bytes(b"")
    assert main(["--corpus", str(tmp_path / "empty.csv"), "--output-dir", str(tmp_path / "out"), "--no-report"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "empty.csv is empty" in err and "Traceback" not in err


# -- 6: U+2028 inside a JSON string ----------------------------------------------------------------------


def test_jsonl_line_separator_inside_a_string_keeps_the_record(tmp_path):
    df = pd.DataFrame({"id": ["j1", "j2", "j3"], "text": [A + "\u2028" + B, "Bad \u2029 para " + C, D],
                       "outlet": ["X", "X", "Y"]})
    path = tmp_path / "u.jsonl"
    df.to_json(path, orient="records", lines=True, force_ascii=False)
    assert "\u2028" in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8") + "{broken\n", encoding="utf-8")
    raw, _ = _load(path)
    assert raw.documents.text.tolist() == df.text.tolist()
    assert raw.rejects.source.tolist() == ["u.jsonl:line 4"]


# -- 7: dates --------------------------------------------------------------------------------------------


def test_epoch_numbers_are_read_as_epochs(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": "s", "text": A, "outlet": "X", "date": 1560000000},
        {"id": "ms", "text": B, "outlet": "X", "date": 1560000000000},
        {"id": "str", "text": C, "outlet": "X", "date": "1560000000"}]), encoding="utf-8")
    raw, warned = _load(path)
    assert raw.documents.date.dt.strftime("%Y-%m-%d").tolist() == ["2019-06-08"] * 3
    assert any("Unix time" in w for w in warned)


def _dated(tmp_path, dates):
    path = tmp_path / "d.csv"
    pd.DataFrame({"id": [f"d{i}" for i in range(len(dates))], "text": [A] * len(dates), "outlet": "X",
                  "date": dates}).to_csv(path, index=False)
    return path


def test_day_first_is_one_setting_for_the_whole_file(tmp_path):
    path = _dated(tmp_path, ["06/07/2019", "24/06/2019"])
    raw, warned = _load(path)      # 24/06 can only be day-first, so 06/07 is too
    assert raw.documents.date.dt.strftime("%Y-%m-%d").tolist() == ["2019-07-06", "2019-06-24"]
    assert any("day-first" in w for w in warned)
    raw, warned = _load(path, dayfirst=False)
    assert raw.documents.date.dt.strftime("%Y-%m-%d").fillna("").tolist() == ["2019-06-07", ""]
    assert any("unparseable date '24/06/2019'" in w for w in warned)


def test_ambiguous_dates_are_warned_and_the_setting_decides(tmp_path):
    path = _dated(tmp_path, ["06/07/2019", "03/04/2020"])
    raw, warned = _load(path)
    assert raw.documents.date.dt.strftime("%Y-%m-%d").tolist() == ["2019-06-07", "2020-03-04"]
    assert (raw.issues.message.str.contains("ambiguous date")).sum() == 2
    raw, warned = _load(path, dayfirst=True)
    assert raw.documents.date.dt.strftime("%Y-%m-%d").tolist() == ["2019-07-06", "2020-04-03"]
    assert not raw.issues.message.str.contains("ambiguous").any()


def test_relative_dates_are_refused_but_the_document_kept(tmp_path):
    raw, warned = _load(_dated(tmp_path, ["today", "now", "3 days ago", "2020-01-05"]))
    assert len(raw.documents) == 4 and raw.rejects.empty
    assert raw.documents.date.isna().tolist() == [True, True, True, False]
    assert (raw.issues.message.str.startswith("relative date")).sum() == 3


# -- 8: Latin-1 metadata ------------------------------------------------------------------------------------


def test_latin1_metadata_is_read_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "metadata.csv").write_bytes("file,outlet,title\na.txt,Le Monde Diplomatique,Caf\u00e9 et Huawei\n"
                                            .replace("Diplomatique", "Diplomatique \u00e9d.").encode("latin-1"))
    raw, warned = _load(tmp_path)
    d = raw.documents.iloc[0]
    assert d.outlet == "Le Monde Diplomatique \u00e9d." and d.title == "Caf\u00e9 et Huawei"
    assert "\ufffd" not in d.outlet + d.title
    assert raw.issues.message.str.contains("not UTF-8").any()


# -- 13: symbolic links out of the corpus folder -------------------------------------------------------------


def test_symlink_out_of_the_corpus_folder_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(A, encoding="utf-8")
    os.symlink(secret, folder / "leak.txt")
    os.symlink(folder / "a.txt", folder / "inside.txt")     # a link inside the folder is fine
    pd.DataFrame({"file": ["a.txt", "leak.txt", "inside.txt"], "outlet": ["X", "X", "Y"]}).to_csv(
        folder / "metadata.csv", index=False)
    raw, _ = _load(folder)
    assert not raw.documents.text.str.contains("root:").any()
    assert sorted(raw.documents.doc_id) == ["a", "inside"]
    assert "outside the corpus folder" in raw.rejects.set_index("doc_id").loc["leak", "reason"]


# -- 16: UTF-16 without a BOM, NUL bytes -----------------------------------------------------------------------


def test_utf16_without_bom_is_decoded_and_nul_garbage_rejected(tmp_path):
    (tmp_path / "wide.txt").write_bytes(A.encode("utf-16-le"))
    (tmp_path / "bom.txt").write_bytes(B.encode("utf-16"))
    (tmp_path / "bin.txt").write_bytes(b"PK\x03\x04\x14\x00\x00\x00" + C.encode())
    pd.DataFrame({"file": ["wide.txt", "bom.txt", "bin.txt"], "outlet": "X"}).to_csv(tmp_path / "metadata.csv",
                                                                                    index=False)
    raw, warned = _load(tmp_path)
    docs = raw.documents.set_index("doc_id")
    assert docs.loc["wide", "text"] == A and docs.loc["bom", "text"] == B
    assert raw.rejects.set_index("doc_id").loc["bin", "reason"].startswith("NUL bytes")
    assert any("UTF-16-LE" in w for w in warned)


def test_nul_bytes_in_a_table_text_reject_that_row(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(f"id,text,outlet\na1,{A},X\na2,bin\x00ary,X\n".encode())
    raw, _ = _load(path)
    assert raw.documents.doc_id.tolist() == ["a1"]
    assert "NUL" in raw.rejects.set_index("doc_id").loc["a2", "reason"]


# -- 17: metadata paths and row numbers ------------------------------------------------------------------------


def test_metadata_paths_are_not_reduced_to_stems(tmp_path):
    (tmp_path / "x.txt").write_text(A, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text(B, encoding="utf-8")
    pd.DataFrame({"file": ["sub/x.txt", "gone.txt"], "outlet": ["Sub Outlet", "Y"]}).to_csv(
        tmp_path / "metadata.csv", index=False)
    raw, _ = _load(tmp_path)
    assert raw.documents.empty                      # x.txt has no metadata row of its own
    rej = raw.rejects.set_index("source")
    assert "subfolder" in rej.loc["metadata.csv:row 1", "reason"]
    assert rej.loc["metadata.csv:row 2", "reason"].startswith("file not found")
    assert "listed in metadata.csv:row 2" in rej.loc["metadata.csv:row 2", "reason"]
    assert "no metadata row" in rej.loc[f"{tmp_path.name}/x.txt", "reason"]


# -- 18: reserved column names, non-string ids, formula injection, paths with spaces ---------------------------


def test_user_columns_with_reserved_names_are_kept_under_a_prefix(tmp_path):
    df = pd.DataFrame({"id": ["a"], "text": [A], "outlet": ["X"], "source": ["wire"], "raw_text": ["orig"],
                       "n_chars": ["12"]})
    raw, warned = _load(df)
    d = raw.documents.iloc[0]
    assert (d.user_source, d.user_raw_text, d.user_n_chars) == ("wire", "orig", "12")
    assert d.source == "DataFrame:row 1"
    assert any("user_raw_text" in w for w in warned)


def test_non_string_ids_and_outlets_are_warned_or_rejected(tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": ["j7"], "text": A, "outlet": "X"}, {"id": True, "text": B, "outlet": "X"},
        {"id": 1.0, "text": C, "outlet": "X"}, {"id": "ok", "text": D, "outlet": False}]), encoding="utf-8")
    raw, warned = _load(path)
    assert raw.documents.doc_id.tolist() == ["1"]
    assert any("id 1.0 is a number" in w for w in warned)
    reasons = raw.rejects.reason.tolist()
    assert reasons == ["id is not a string (list: ['j7'])", "id is not a string (True)",
                       "outlet is not a string (False)"]


def test_rejects_csv_cannot_run_formulas(tmp_path):
    from analysis.run.notebooks import write_corpus_report

    path = tmp_path / "f.csv"
    pd.DataFrame({"id": ["=HYPERLINK(\"http://evil\",\"x\")", "@SUM(1)", "ok"], "text": ["", "  ", A],
                  "outlet": ["X", "X", "X"]}).to_csv(path, index=False)
    write_corpus_report(str(path), tmp_path / "out")
    written = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str)
    assert written.doc_id.tolist() == ["'=HYPERLINK(\"http://evil\",\"x\")", "'@SUM(1)"]


def test_make_quotes_paths_with_spaces_and_passes_columns():
    from analysis.config import PROJECT_ROOT

    out = subprocess.run(["make", "-n", "figures", "CORPUS=my data/a b.csv", "COLUMNS=text=Article,outlet=Source",
                          "STAMP=/dev/null"], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT).stdout
    assert '--corpus "my data/a b.csv"' in out and '--columns "text=Article,outlet=Source"' in out
    assert "--output-dir" not in out            # the runner's default: outputs/<corpus name>/


# -- 19: a CSV as downloaded, and --columns ------------------------------------------------------------------------


def test_downloaded_column_names_are_recognised(tmp_path):
    path = tmp_path / "download.csv"
    pd.DataFrame({"Article": [A, B], "Source": ["Daily", "Tribune"], "Title": ["T1", "T2"],
                  "Date Published": ["2019-06-05", "2019-06-06"]}).to_csv(path, index=False)
    raw, _ = _load(path)
    d = raw.documents
    assert d.text.tolist() == [A, B] and d.outlet.tolist() == ["Daily", "Tribune"]
    assert d.title.tolist() == ["T1", "T2"] and d.date.dt.day.tolist() == [5, 6]
    raw, _ = _load(path, columns={"text": "article", "outlet": "SOURCE"})   # a mapping up to case
    assert raw.documents.outlet.tolist() == ["Daily", "Tribune"]


def test_columns_option_reaches_the_loader_and_the_notebooks(tmp_path, monkeypatch):
    import analysis.run.notebooks as R

    path = tmp_path / "odd.csv"
    pd.DataFrame({"Words": [A], "Paper": ["Daily"]}).to_csv(path, index=False)
    seen = {}
    monkeypatch.setattr(R, "run_all", lambda **kw: seen.update(kw) or [])
    assert R.main(["--corpus", str(path), "--columns", "text=Words,outlet=Paper", "--output-dir",
                   str(tmp_path / "out"), "--no-report"]) == 0
    assert seen["params"]["columns"] == {"text": "Words", "outlet": "Paper"}
    assert R.main(["--corpus", str(path), "--columns", "text", "--output-dir", str(tmp_path / "o2")]) == 2
    declared = [R.declared_parameters(nb) for nb in R.list_notebooks()]
    assert all("columns" in d for d in declared)


# -- 21: outlet spellings -----------------------------------------------------------------------------------------


def test_outlet_spellings_are_merged_and_variants_warned():
    df = pd.DataFrame({"id": list("abcdef"), "text": [A, B, C, D, E, A + " Again."],
                       "outlet": ["fox", "FOX", "Fox ", "fox", "The Guardian", "Guardian"]})
    raw, warned = _load(df)
    assert raw.documents.outlet.tolist() == ["fox"] * 4 + ["The Guardian", "Guardian"]
    assert any("read as one outlet 'fox'" in w for w in warned)
    assert any("'Guardian', 'The Guardian'" in w and "outlet_aliases" in w for w in warned)
    raw, warned = _load(df, outlet_aliases={"guardian": "The Guardian", "FOX": "Fox News"})
    assert raw.documents.outlet.tolist() == ["Fox News"] * 4 + ["The Guardian"] * 2
    assert not any("outlet" in w for w in warned)      # the aliases settled every spelling


def test_open_study_applies_the_story_outlet_aliases(tmp_path, monkeypatch):
    import analysis.study as S
    from analysis.config import PROJECT_ROOT

    story = (PROJECT_ROOT / "tests" / "data" / "byoc" / "story.yaml").read_text(encoding="utf-8")
    path = tmp_path / "story.yaml"
    path.write_text(story.replace("outlet_aliases: {}", "") + "\noutlet_aliases:\n  the Ledger: Harbor Ledger\n",
                    encoding="utf-8")
    seen = {}

    class Stop(Exception):
        pass

    def fake_build(corpus, **kw):
        seen.update(kw)
        raise Stop

    monkeypatch.setattr(S, "build_corpus", fake_build)
    with pytest.raises(Stop):
        S.open_study("articles.csv", story=path)
    assert seen["outlet_aliases"] == {"the Ledger": "Harbor Ledger"}


def test_metadata_columns_are_found_by_synonyms_and_reserved_names_kept(tmp_path):
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    pd.DataFrame({"file": ["a.txt"], "Publisher": ["Daily"], "text": ["from the metadata"], "Date Published": ["2019"],
                  "outlet_type": ["tabloid"]}).to_csv(tmp_path / "metadata.csv", index=False)
    raw, warned = _load(tmp_path)
    d = raw.documents.iloc[0]
    assert (d.outlet, d.user_text, d.outlet_type, d.text) == ("Daily", "from the metadata", "tabloid", A)
    assert d.source == f"{tmp_path.name}/a.txt" and str(d.date.date()) == "2019-01-01"
    assert any("year only" in w for w in warned)


def test_tsv_row_with_an_unbalanced_quote_is_kept_as_written(tmp_path):
    path = tmp_path / "u.tsv"
    path.write_text(f'id\ttext\toutlet\nt1\t"Never closed {A}\tDaily\nt2\t{B}\tDaily\nt3\tHe said "no" {C}\tTribune\n',
                    encoding="utf-8")
    raw, warned = _load(path)
    docs = raw.documents.set_index("doc_id")
    assert docs.text.tolist() == [f'"Never closed {A}', B, f'He said "no" {C}'] and raw.rejects.empty
    assert any("quote marks as text" in w for w in warned)


def test_quoted_text_that_only_may_hold_rows_is_kept_with_a_warning(tmp_path):
    """Two paragraphs that happen to look like rows (an id-like first word, the right number of commas) but name
    no outlet of the file: kept as one document, with a warning naming the lines."""
    path = tmp_path / "maybe.csv"
    path.write_text(f'id,text,outlet\na1,"First, paragraph\nSecond, paragraph",Daily\na2,{B},Daily\n',
                    encoding="utf-8")
    raw, warned = _load(path)
    assert raw.documents.text.tolist() == ["First, paragraph\nSecond, paragraph", B]
    assert any("row 1" in w and "lines 2-3" in w and "check the quoting" in w for w in warned)
