"""The raw layer: seeds are byte-identical to the shared originals and their metadata is evidenced."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"
SHARED = PROJECT_ROOT.parent / "shared" / "seeds"


def _sums() -> dict[str, str]:
    lines = (SEEDS / "SHA256SUMS").read_text().split("\n")
    return {name: digest for digest, name in (l.split() for l in lines if l.strip())}


def test_seed_hashes_match_recorded_sums():
    sums = _sums()
    assert len(sums) == 5
    for name, digest in sums.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/seeds not on this machine")
def test_seeds_are_byte_identical_to_shared_originals():
    for original in sorted(SHARED.glob("*.txt")):
        assert (SEEDS / original.name).read_bytes() == original.read_bytes(), original.name


def test_metadata_values_carry_evidence():
    meta = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    assert sorted(meta["file"]) == sorted(Path(n).name for n in _sums())
    for field in ("outlet", "outlet_type", "title", "date", "author"):
        ev = meta[f"{field}_evidence" if field != "date" else "date_evidence"]
        assert (ev.str.len() > 20).all(), f"{field} lacks evidence"
    assert meta.groupby("outlet").size().to_dict() == {
        "Business Times": 1, "Interesting Engineering": 1, "NS Tech": 1, "Sputnik": 2}


def test_metadata_titles_and_authors_appear_verbatim_in_raw_text():
    meta = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    for row in meta.itertuples():
        raw = (SEEDS / row.file).read_text(encoding="utf-8")
        for value in (row.title, row.author):
            if value:
                assert value in raw, (row.file, value)


def test_unsupported_values_are_left_unknown():
    meta = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    # no title line in either Sputnik page; the NS Tech date has no year; 003's header date is rejected
    assert meta.loc["000_a116c40674ff6413", "title"] == "" and meta.loc["003_1b8fdd14b32aa650", "title"] == ""
    assert meta.loc["001_4a911ba972fbb41c", "date"] == "" and meta.loc["001_4a911ba972fbb41c", "date_day"] == "20"
    assert meta.loc["003_1b8fdd14b32aa650", "date"] == "" and "24 June" in meta.loc["003_1b8fdd14b32aa650", "date_evidence"]
    raw000 = (SEEDS / "000_a116c40674ff6413.txt").read_text(encoding="utf-8")
    assert raw000.startswith("20:28 GMT20 October 2020") and meta.loc["000_a116c40674ff6413", "date"] == "2020-10-20"


def test_cleaning_finds_the_same_titles_as_the_metadata(seed_corpus):
    docs = seed_corpus.documents.set_index("doc_id")
    meta = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    from analysis.corpus.clean import clean_text

    for doc_id, row in meta.iterrows():
        extracted = clean_text(docs.loc[doc_id, "raw_text"], outlet=row.outlet).metadata.get("title", "")
        assert extracted == row.title, doc_id
