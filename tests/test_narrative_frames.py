"""Loaders for the Narrative Frames Corpus and for generic labels tables."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.config import validation_path
from analysis.validate.narrative_frames import (
    CITATION,
    LabelWarning,
    frame_mapping,
    load_narrative_frames,
    majority_labels,
    normalize_outlets,
    parse_bool,
    question_table,
    read_labels,
    repair_bool,
)

NF = validation_path("narrative_frames")
needs_data = pytest.mark.skipif(NF is None, reason="shared narrative_frames data not on this machine")


def test_mapping_and_citation_come_from_the_data_file():
    m = frame_mapping().set_index("label")
    assert set(m.index) == {"RE", "HI", "CO", "MO", "EC"}
    assert m.loc["RE", "frame"] == "responsibility" and "Not the same construct" in m.loc["RE", "caveat"]
    assert "Frermann" in CITATION and "2023" in CITATION
    q = question_table().set_index("question")
    assert q.loc["ec2", "frame"] == "economic" and pd.isna(q.loc["co4", "frame"])


def test_parse_bool_and_read_labels_reports_malformed_values(tmp_path):
    assert [parse_bool(v) for v in ["TRUE", "no", 0, "1.0", None, "", "yes?"]] == \
        [True, False, False, True, None, None, None]
    p = tmp_path / "labels.tsv"
    pd.DataFrame({"ID": ["1", "2", "3"], "CO": ["True", "", "False"], "EC": ["False", "Flase", "True"]}) \
        .to_csv(p, sep="\t", index=False)
    lab = read_labels(p, id_col="ID", frames={"CO": "conflict", "EC": "economic"})
    assert len(lab.labels) == 4  # 6 cells, 2 malformed
    issues = lab.issues.set_index("field")
    assert issues.loc["conflict", "count"] == 1 and issues.loc["economic", "value"] == "'Flase'"
    assert lab.wide().loc["3", "economic"] == True  # noqa: E712
    with pytest.raises(ValueError, match="2 malformed"):
        read_labels(p, id_col="ID", frames={"CO": "conflict", "EC": "economic"}, on_malformed="raise")


def test_read_labels_long_format_and_duplicates():
    long = pd.DataFrame({"doc": ["a", "a", "b"], "frame": ["f", "g", "f"], "v": ["yes", "no", "1"]})
    lab = read_labels(long, id_col="doc", frame_col="frame", value_col="v")
    assert lab.labels.present.tolist() == [True, False, True]
    with pytest.raises(ValueError, match="duplicate"):
        read_labels(pd.concat([long, long]), id_col="doc", frame_col="frame", value_col="v")


def test_normalize_outlets_merges_spellings_and_reports_them():
    s, issues = normalize_outlets(pd.Series(["thehuffingtonpost", "The Huffington Post", "breitbart", "vox"]))
    assert s.tolist() == ["The Huffington Post", "The Huffington Post", "breitbart", "vox"]
    assert issues["value"].tolist() == ["thehuffingtonpost -> The Huffington Post"]


def test_loader_on_a_tiny_hand_made_copy(tmp_path):
    pd.DataFrame({"ID": ["7", "8"], "source": ["cnn", "CNN"], "mbfc": ["left_bias"] * 2,
                  "date": ["2019-01-02", "2019-02-03"], "text": ["A fight.", "Costs rise."],
                  "RE": ["False", "True"], "HI": ["False", "False"], "CO": ["True", ""], "MO": ["False"] * 2,
                  "EC": ["False", "True"]}).to_csv(tmp_path / "articles_train.tsv", sep="\t", index=False)
    ann = {"7": {"_source": "cnn", "co1": ["yes", ["yes", "yes", -1, -1]], "co2": ["no", ["no", "maybe", -1, -1]],
                 "ec1": ["NO AGREEMENT", ["yes", "no", -1, -1]]},
           "8": {"_source": "CNN", "co1": ["no", [-1, "no", "no", -1]], "co2": ["no", [-1, "no", "no", -1]],
                 "ec1": ["yes", [-1, "yes", "yes", -1]]}}
    (tmp_path / "full_annotations_train.json").write_text(json.dumps(ann))
    nf = load_narrative_frames(tmp_path)
    assert nf.articles.outlet.tolist() == ["CNN", "CNN"]
    assert len(nf.labels) == 9  # 10 labels, one empty CO
    kinds = nf.issues.groupby("kind")["count"].sum()
    assert kinds["malformed_label"] == 1 and kinds["outlet_spelling"] == 1
    assert kinds["unknown_answer"] == 1 and kinds["no_agreement"] == 1
    # coder slot -1 = did not code: 2 coders per article, 3 questions each
    assert len(nf.answers) == 12 and set(nf.answers.coder) == {1, 2, 3}
    cf = nf.coder_frames(rule="any").set_index(["doc_id", "frame", "coder"]).code
    assert cf[("7", "conflict", 1)] == 1.0
    assert pd.isna(cf[("7", "conflict", 2)])  # one answer unknown: no guessed frame code
    assert cf[("8", "conflict", 3)] == 0.0


@needs_data
def test_real_data_loads_with_reported_problems():
    nf = load_narrative_frames()
    assert nf.articles.doc_id.nunique() == 300
    assert set(nf.labels.frame) == {"responsibility", "human_interest", "conflict", "morality", "economic"}
    malformed = nf.issues.query("kind == 'malformed_label'")["count"].sum()
    # every article x frame either has a label or is counted as malformed
    assert len(nf.labels) + malformed == 300 * 5
    merged = nf.issues.query("kind == 'outlet_spelling'")["count"].sum()
    assert merged > 0 and nf.articles.outlet.nunique() < nf.articles.outlet_raw.nunique()
    counts = nf.answers.groupby("doc_id").coder.nunique()
    assert counts.between(2, 4).all()


@needs_data
def test_documented_resolution_mapping_reproduces_the_labels():
    # The YAML claims: RE label == (re2 and re6 both yes) on every labelled article. Check it.
    nf = load_narrative_frames()
    agg = nf.aggregated.pivot(index="doc_id", columns="question", values="answer")
    re = nf.labels.query("label == 'RE'").set_index("doc_id").present
    rule = (agg.loc[re.index, "re2"] == "yes") & (agg.loc[re.index, "re6"] == "yes")
    assert (rule == re).all()


def test_a_label_with_stray_punctuation_is_read_with_a_warning(tmp_path):
    # the shape of the held-out copy's one malformed economic cell: "False)"
    pd.DataFrame({"ID": ["7", "8", "9"], "source": ["cnn"] * 3, "mbfc": ["left_bias"] * 3,
                  "date": ["2019-01-02"] * 3, "text": ["A fight.", "Costs rise.", "Rain."],
                  "RE": ["False"] * 3, "HI": ["False"] * 3, "CO": ["True"] * 3, "MO": ["False"] * 3,
                  "EC": ["False)", "True", "Tru"]}).to_csv(tmp_path / "articles_train.tsv", sep="\t", index=False)
    (tmp_path / "full_annotations_train.json").write_text(json.dumps(
        {i: {"co1": ["yes", ["yes", "yes", -1, -1]]} for i in ("7", "8", "9")}))
    with pytest.warns(LabelWarning, match=r"articles_train.tsv: ID 7, column economic: malformed label 'False\)'"):
        nf = load_narrative_frames(tmp_path)
    ec = nf.labels.query("frame == 'economic'").set_index("doc_id").present
    assert ec.to_dict() == {"7": False, "8": True}          # repaired; the misspelt "Tru" is left out
    kinds = nf.issues.groupby("kind")["count"].sum()
    assert kinds["repaired_label"] == 1 and kinds["malformed_label"] == 1
    assert repair_bool("False)") is False and repair_bool("(maybe)") is None


def test_majority_labels_are_more_than_half_of_the_coders(tmp_path):
    pd.DataFrame({"ID": ["7", "8"], "source": ["cnn"] * 2, "mbfc": ["x"] * 2, "date": ["2019-01-02"] * 2,
                  "text": ["a", "b"], "RE": ["False"] * 2, "HI": ["False"] * 2, "CO": ["False"] * 2,
                  "MO": ["False"] * 2, "EC": ["False"] * 2}).to_csv(tmp_path / "articles_train.tsv", sep="\t",
                                                                   index=False)
    ann = {"7": {"co1": ["yes", ["yes", "yes", "no", -1]], "co2": ["no", ["no", "no", "no", -1]],
                 "co3": ["no", ["no", "no", "no", -1]]},
           "8": {"co1": ["yes", ["yes", "no", -1, -1]], "co2": ["no", ["no", "no", -1, -1]],
                 "co3": ["no", ["no", "no", -1, -1]]}}
    (tmp_path / "full_annotations_train.json").write_text(json.dumps(ann))
    m = majority_labels(load_narrative_frames(tmp_path)).query("frame == 'conflict'").set_index("doc_id")
    assert m.present.to_dict() == {"7": True, "8": False}   # 2 of 3 yes; 1 of 2 is a tie, not a majority
    assert m.n_coders.to_dict() == {"7": 3, "8": 2}
