"""Coding-sheet workflow: sampling, export, import checks, reliability and machine-vs-human comparison."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.validate.coding import (
    CodingSheetError,
    codebook_questions,
    coding_reliability,
    disagreements,
    export_coding_sheet,
    frame_codes,
    human_labels,
    read_coding_sheets,
    sample_units,
)

CODEBOOK = {"frames": {
    "conflict": {"questions": [{"id": "C1", "text": "Does the story reflect disagreement?"},
                               {"id": "C2", "text": "Does one party reproach another?"}]},
    "economic": {"questions": [{"id": "E1", "text": "Is there a mention of financial losses or gains?"}]},
    "tone": {"questions": [{"id": "T1", "text": "How negative is the unit?", "scale": [1, 5]}]},
}}


@pytest.fixture
def units():
    return pd.DataFrame({"unit_id": [f"d{i}:s0" for i in range(6)], "doc_id": [f"d{i}" for i in range(6)],
                         "outlet": ["A", "A", "A", "B", "B", "B"], "unit_type": "sentence",
                         "text": ["They clashed.", "Prices rose.", "A quiet day.", "Critics slammed it.",
                                  "It cost $4bn.", "Nothing happened."]})


def filled(sheet: pd.DataFrame, coder: str, answers: dict[str, list]) -> pd.DataFrame:
    s = sheet.copy()
    s["coder"] = coder
    for q, vals in answers.items():
        s[q] = [str(v) for v in vals]
    return s


GOOD = {"C1": [1, 0, 0, 1, 0, 0], "C2": [0, 0, 0, 1, 0, 0], "E1": [0, 1, 0, 0, 1, 0], "T1": [4, 2, 1, 5, 3, 1]}


def test_codebook_questions_from_the_project_codebook():
    q = codebook_questions("semetko_valkenburg")
    assert set(q.frame) == {"responsibility", "human_interest", "conflict", "morality", "economic"}
    assert (q.level == "nominal").all() and q.question.is_unique
    # the visuals question cannot be coded from text and is left out by default
    assert len(codebook_questions("semetko_valkenburg", include_uncodable=True)) == len(q) + 1


def test_sample_is_stratified_and_reproducible(seed_corpus):
    a = sample_units(seed_corpus, unit="sentence", n_per_outlet=3, seed=7)
    b = sample_units(seed_corpus, unit="sentence", n_per_outlet=3, seed=7)
    c = sample_units(seed_corpus, unit="sentence", n_per_outlet=3, seed=8)
    assert a.equals(b) and not a.unit_id.equals(c.unit_id)
    assert a.groupby("outlet").size().eq(3).all()
    assert a.outlet.nunique() == seed_corpus.documents.outlet.nunique()
    assert set(a.unit_id) <= set(seed_corpus.sentences.sent_id)
    docs = sample_units(seed_corpus, unit="document", n_per_outlet=10)
    assert len(docs) == len(seed_corpus.documents)  # an outlet with fewer units gives all it has
    paras = sample_units(seed_corpus, unit="paragraph", frac=0.5, seed=1)
    assert set(paras.unit_id) <= set(seed_corpus.paragraphs.query("kind == 'body'").para_id)


def test_export_writes_sheet_and_instructions(units, tmp_path):
    sheet, instr = export_coding_sheet(units, CODEBOOK, tmp_path / "sheet.csv", title="Test")
    df = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert df.columns.tolist() == ["unit_id", "coder", "text", "C1", "C2", "E1", "T1", "notes"]
    assert df.unit_id.tolist() == units.unit_id.tolist() and (df.C1 == "").all()
    text = instr.read_text()
    assert "C2: Does one party reproach another?" in text and "whole number 1 to 5" in text
    blind = export_coding_sheet(units, CODEBOOK, tmp_path / "s2.csv", show_source=True)[0]
    assert "outlet" in pd.read_csv(blind).columns and "outlet" not in df.columns


def test_round_trip_and_reliability(units, tmp_path):
    sheet, _ = export_coding_sheet(units, CODEBOOK, tmp_path / "sheet.csv")
    blank = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    a = filled(blank, "ann", GOOD)
    b = filled(blank, "bob", {**GOOD, "E1": [0, 1, 0, 0, 0, 0]})  # bob misses one economic unit
    pa, pb = tmp_path / "ann.csv", tmp_path / "bob.csv"
    a.to_csv(pa, index=False)
    b.to_csv(pb, index=False)
    res = read_coding_sheets([pa, pb], CODEBOOK, units=units)
    assert res.problems.empty and len(res.codes) == 2 * 6 * 4
    assert res.codes.query("question == 'T1'").level.eq("interval").all()
    rel = coding_reliability(res.codes, n_boot=200).set_index(["scope", "question"])
    assert rel.loc[("question", "C1"), "alpha"] == 1.0
    assert rel.loc[("question", "E1"), "agreement"] == pytest.approx(5 / 6)
    assert rel.loc[("question", "E1"), "alpha"] < 1.0
    assert rel.loc[("question", "T1"), "level"] == "interval" and rel.loc[("question", "T1"), "alpha"] == 1.0
    # frame rows: conflict = C1 or C2, identical for both coders
    assert rel.loc[("frame", "conflict"), "alpha"] == 1.0
    assert "tone" not in rel.loc["frame"].index  # ratings are not collapsed to a yes/no frame


def test_bad_sheets_get_one_clear_message(units):
    blank = units[["unit_id", "text"]].assign(coder="")
    a = filled(blank, "ann", GOOD)
    b = filled(blank, "bob", GOOD)
    b.loc[0, "C1"] = "maybe"            # unknown code
    b.loc[1, "T1"] = "9"                # outside the 1-5 scale
    b.loc[2, "unit_id"] = ""            # missing id
    b = pd.concat([b, b.iloc[[3]]])     # duplicate row
    b = b.drop(index=5)                 # bob skipped a unit
    c = filled(blank.iloc[:1].assign(unit_id="zzz"), "cy", {k: v[:1] for k, v in GOOD.items()})
    with pytest.raises(CodingSheetError) as err:
        read_coding_sheets({"ann.csv": a, "bob.csv": b, "cy.csv": c}, CODEBOOK, units=units)
    probs = err.value.problems
    kinds = probs.problem.value_counts()
    assert kinds["unknown_code"] == 2 and kinds["missing_id"] == 1 and kinds["duplicate_row"] == 1
    assert kinds["unknown_id"] == 1
    # bob skipped d5 and (via the empty id) d2; cy coded nothing of the sample
    assert set(probs.query("problem == 'skipped_row'").detail.str.extract(r"coder '(\w+)'")[0]) == {"bob", "cy"}
    msg = str(err.value)
    assert "bob.csv, row 2: C1 = 'maybe'" in msg and "allowed: 0 or 1" in msg
    # report mode keeps every valid code and lists the rest: nothing silently dropped
    res = read_coding_sheets({"ann.csv": a, "bob.csv": b}, CODEBOOK, units=units, errors="report")
    bob = res.codes.query("coder == 'bob'")
    assert len(bob) == 4 * 4 - 2  # 4 usable rows x 4 questions, minus 2 unknown codes
    assert res.coverage.set_index("coder").loc["bob", "n_skipped"] == 2


def test_blank_answers_are_errors_unless_allowed(units):
    blank = units[["unit_id", "text"]].assign(coder="")
    a = filled(blank, "ann", GOOD)
    a.loc[4, "E1"] = ""
    with pytest.raises(CodingSheetError, match="E1 left blank"):
        read_coding_sheets([a], CODEBOOK, units=units)
    res = read_coding_sheets([a], CODEBOOK, units=units, allow_blank=True)
    assert res.codes.code.isna().sum() == 1
    # a coder's blank answer makes their frame code missing, not "no"
    fc = frame_codes(res.codes).set_index(["unit_id", "frame"]).code
    assert np.isnan(fc[("d4:s0", "economic")]) and fc[("d1:s0", "economic")] == 1.0


def test_missing_question_column_and_coder_names_from_mapping(units):
    sheet = units[["unit_id", "text"]].assign(C1="1", C2="0", E1="0")
    with pytest.raises(CodingSheetError, match=r"columns \['T1'\] are missing"):
        read_coding_sheets({"x": sheet}, CODEBOOK)
    ok = read_coding_sheets({"dana": sheet.assign(T1="3")}, CODEBOOK)
    assert set(ok.codes.coder) == {"dana"}


def test_human_labels_majority_and_ties():
    codes = pd.DataFrame({"unit_id": ["u"] * 3 + ["v"] * 2, "coder": ["a", "b", "c", "a", "b"],
                          "frame": "f", "code": [1.0, 1.0, 0.0, 1.0, 0.0]})
    lab = human_labels(codes).set_index("unit_id")
    assert lab.loc["u", "present"] and not lab.loc["v", "present"]
    assert human_labels(codes, tie="present").set_index("unit_id").loc["v", "present"]
    assert list(human_labels(codes, tie="drop").unit_id) == ["u"]


def test_disagreements_show_the_evidence_sentences():
    pred = pd.DataFrame({"doc_id": ["a", "b", "c"], "frame": "conflict", "present": [True, False, True]})
    gold = pd.DataFrame({"doc_id": ["a", "b", "c"], "frame": "conflict", "present": [False, True, True]})
    ev = pd.DataFrame({"doc_id": ["a", "a", "c"], "frame": "conflict",
                       "text": ["They fought over it.", "A battle of words.", "Clash."]})
    d = disagreements(pred, gold, evidence=ev).set_index("doc_id")
    assert d.loc["a", "kind"] == "false_positive" and d.loc["a", "n_evidence"] == 2
    assert d.loc["a", "evidence"] == "They fought over it. | A battle of words."
    assert d.loc["b", "kind"] == "false_negative" and d.loc["b", "evidence"] == ""
    assert "c" not in d.index


def test_codebook_questions_takes_a_path_and_rejects_other_objects():
    from analysis.measures.frames import CODEBOOK_DIR

    by_path = codebook_questions(CODEBOOK_DIR / "semetko_valkenburg.yaml")
    pd.testing.assert_frame_equal(by_path, codebook_questions("semetko_valkenburg"))

    class LooksLikeACodebook:
        frames = {"x": {"questions": [{"id": "Q1", "text": "?"}]}}

    with pytest.raises(TypeError, match="cannot read questions from a codebook of type LooksLikeACodebook"):
        codebook_questions(LooksLikeACodebook())
