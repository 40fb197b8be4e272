"""Parsing internals added for scale: streaming shards, fast DocBin packing, reading tables from Parquet."""
from __future__ import annotations

import pandas as pd
import spacy
from spacy.tokens import DocBin

from analysis.corpus import parse as parsing
from analysis.corpus.parse import load_model, parse_documents
from analysis.corpus.shards import _docbin_add, read_table

TEXTS = {
    "d1": "Huawei was banned by the US.\n\nWashington said the company helps Beijing spy. Huawei denied it.",
    "d2": "Mr. Smith said: “Huawei is safe.”\n\nBritain agreed (in part).",
    "d3": "x",
}


def _docs(texts):
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


def test_fast_docbin_packing_round_trips_like_spacys_own():
    nlp = load_model()
    docs = list(nlp.pipe(TEXTS.values()))
    ours, theirs, seen = DocBin(store_user_data=False), DocBin(store_user_data=False), set()
    for d in docs:
        _docbin_add(ours, d, seen)
        theirs.add(d)
    assert theirs.strings <= ours.strings and ours.strings - theirs.strings <= {"_"}
    vocab = spacy.blank("en").vocab
    back = list(DocBin().from_bytes(ours.to_bytes()).get_docs(vocab))
    assert [d.to_json() for d in back] == [d.to_json() for d in docs]


def test_shards_hold_at_most_shard_size_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(parsing, "SHARD_SIZE", 2)
    parsed = parse_documents(_docs(TEXTS), cache_dir=tmp_path, n_process=1, progress=False)
    assert len(parsed.shards) == 2
    whole = parse_documents(_docs(TEXTS), cache_dir=tmp_path / "one", n_process=1, progress=False)
    pd.testing.assert_frame_equal(parsed.tokens, whole.tokens)


def test_tables_can_stay_on_disk_and_be_read_by_column(tmp_path):
    full = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    lazy = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False, load_tables=False)
    assert lazy.tokens.empty and lazy.stats.n_parsed == 0
    toks = read_table(lazy, "tokens", columns=["lemma", "pos"])
    assert toks.columns.tolist() == ["doc_id", "sent_id", "lemma", "pos"]
    pd.testing.assert_frame_equal(toks, full.tokens[["doc_id", "sent_id", "lemma", "pos"]])
    pd.testing.assert_frame_equal(read_table(lazy, "sentences"), full.sentences)
    ents = read_table(lazy, "entities", doc_ids=["d2"])
    assert set(ents.doc_id) == {"d2"} and len(ents) == (full.entities.doc_id == "d2").sum()
