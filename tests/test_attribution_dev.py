"""The hand-annotated attribution dev set, its scorer and the stored benchmark result notebook 04 prints."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import attribution_benchmark as B  # noqa: E402

PASSAGES = B.load_passages()


def test_the_dev_set_is_well_formed_and_large_enough():
    ids = [p["id"] for p in PASSAGES]
    assert len(ids) == len(set(ids)) >= 40
    split = pd.Series([p["split"] for p in PASSAGES]).value_counts()
    assert split["heldout"] >= 15 and split["dev"] >= 25
    kinds = {a["kind"] for p in PASSAGES for a in p["attributions"]}
    assert kinds == {"direct", "indirect", "mixed"}
    assert any(not p["attributions"] for p in PASSAGES)              # passages with no attribution at all
    assert any(p["provenance"].startswith("seeds/") for p in PASSAGES)
    for p in PASSAGES:
        for a in p["attributions"]:
            for role in ("source", "cue", "content"):
                if a[role] is not None:
                    assert p["text"][slice(*a[role])] == a[f"{role}_text"], (p["id"], role)
            if a["kind"] == "direct":
                s, e = a["content"]
                assert p["text"][s - 1] in "“\"" or p["text"][s - 2:s].strip() in "“\"", p["id"]


def test_a_bad_line_is_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "dev.jsonl"
    bad.write_text(json.dumps(PASSAGES[0]) + "\n" + json.dumps({**PASSAGES[0], "attributions": [
        {**PASSAGES[0]["attributions"][0], "content": [5, 100000]}]}) + "\n")
    with pytest.raises(ValueError, match="dev.jsonl: line 2: content offsets"):
        B.load_passages(bad)


def test_the_scorer_counts_overlap_matches_and_speakers():
    p = {"id": "x", "text": "Maduro said that trial installation will begin shortly.", "attributions": [
        {"source": [0, 6], "cue": [7, 11], "content": [17, 54], "speaker": "Nicolas Maduro", "kind": "indirect"}]}
    half = [{"content": (17, 38), "source": (0, 6), "cue": (7, 11), "speaker": "Nicolas Maduro"}]   # 21 of 37 chars
    c = B.passage_counts(p, half)
    assert (c["content_tp"], c["content_tp_exact"], c["speaker_ok"], c["indirect_found"]) == (1, 0, 1, 1)
    short = [{"content": (17, 30), "source": None, "cue": (7, 11), "speaker": "Maduro"}]            # 13 of 37 chars
    c = B.passage_counts(p, short)
    assert (c["content_tp"], c["source_pred"], c["speaker_ok"], c["indirect_found"]) == (0, 0, 0, 0)
    f = B.figures(pd.DataFrame([B.passage_counts(p, half), B.passage_counts(p, [])]))
    assert f["content_recall"] == 0.5 and f["content_precision"] == 1.0 and f["speaker_accuracy"] == 0.5


def test_the_stored_result_is_what_the_benchmark_measures_now():
    """benchmarks/results/attribution_benchmark.json (read by notebook 04) matches the current code and dev set."""
    stored = json.loads(B.OUT.read_text())
    now = B.run(n_boot=20, seed=stored["seed"], with_textacy=False)
    got = pd.DataFrame(now["results"]).set_index(["system", "split", "metric"]).estimate
    want = pd.DataFrame(stored["results"]).set_index(["system", "split", "metric"]).estimate
    pd.testing.assert_series_equal(got.sort_index(), want.loc[got.index].sort_index(), check_names=False)
    assert {"dev", "heldout", "all"} <= set(pd.DataFrame(stored["results"]).split)
