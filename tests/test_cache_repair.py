"""Damaged or planted cache entries: the parse cache and the measure cache check every entry when they read
it (key, row counts, checksum written next to it), rebuild a damaged one with a warning naming it, and never
unpickle anything (a planted pickle or object array at any cache location is ignored or refused, never run).

The corpus is six real articles of the hand-made port-lease corpus (tests/data/byoc), parsed in two steps so
the parse cache has two shards.
"""
from __future__ import annotations

import json
import pickle
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.config import PROJECT_ROOT
from analysis.measures import registry as M
from analysis.store import CacheDamageWarning, check_path, load_array, read_table, save_array, write_table
from analysis.story import load_story

BYOC = PROJECT_ROOT / "tests" / "data" / "byoc"
STORY = load_story(BYOC / "story.yaml")
#: measures cached whole (coverage, term_counts) and per document (frame_codes, svo: the latter from the Docs)
MEASURES = ["coverage", "term_counts", "frame_codes", "svo"]


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    rows = pd.read_csv(BYOC / "articles.csv")
    rows = pd.concat([rows[rows.outlet == o].head(2) for o in rows.outlet.unique()], ignore_index=True)
    rows.head(3).to_csv(folder / "first.csv", index=False)
    rows.to_csv(folder / "all.csv", index=False)
    return folder


def _build(path, cache):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the corpus' own issues are not what is tested here
        warnings.simplefilter("error", CacheDamageWarning)  # ... but a repair must not go unnoticed below
        return analysis.build_corpus(path, cache_dir=cache, progress=False)


def _docs(corpus) -> list:
    return [(d, [(t.text, t.dep_, t.head.i, t.ent_type_) for t in doc]) for d, doc in corpus.docs()]


def _tables(corpus) -> dict:
    store = M.MeasureStore(corpus, STORY, cache=False)
    return {n: store.get(n) for n in MEASURES}


@pytest.fixture(scope="module")
def fresh(articles, tmp_path_factory):
    corpus = _build(articles / "all.csv", tmp_path_factory.mktemp("fresh"))
    return {"sentences": corpus.sentences, "tokens": corpus.tokens, "entities": corpus.entities,
            "docs": _docs(corpus), "measures": _tables(corpus)}


def _two_shard_cache(articles, cache) -> list[Path]:
    _build(articles / "first.csv", cache)
    _build(articles / "all.csv", cache)
    shards = sorted(cache.glob("parse/*/shard-*"))
    assert len(shards) == 2
    return shards


def _assert_like_fresh(corpus, fresh):
    for name in ("sentences", "tokens", "entities"):
        pd.testing.assert_frame_equal(getattr(corpus, name).reset_index(drop=True), fresh[name].reset_index(drop=True))
    assert _docs(corpus) == fresh["docs"]
    for name, table in _tables(corpus).items():
        pd.testing.assert_frame_equal(table, fresh["measures"][name], obj=name)


@pytest.mark.parametrize("damage", ["truncate_tokens", "corrupt_docbin", "swap_docbins", "drop_checksums"])
def test_a_damaged_parse_shard_is_rebuilt_with_a_warning(articles, fresh, tmp_path, damage):
    cache = tmp_path / "cache"
    first, second = _two_shard_cache(articles, cache)
    if damage == "truncate_tokens":
        f = second / "tokens.parquet"
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
        damaged = [second]
    elif damage == "corrupt_docbin":
        f = first / "docs.spacy"
        data = bytearray(f.read_bytes())
        data[len(data) // 2: len(data) // 2 + 64] = bytes(64)  # same size, 64 bytes zeroed
        f.write_bytes(bytes(data))
        damaged = [first]
    elif damage == "swap_docbins":  # each shard now holds the other's Docs: wrong documents, silently
        a, b = first / "docs.spacy", second / "docs.spacy"
        tmp = a.read_bytes()
        a.write_bytes(b.read_bytes())
        b.write_bytes(tmp)
        damaged = [first, second]
    else:
        (first / "checksums.json").unlink()
        damaged = [first]
    n_damaged = sum(len(json.loads((s / "keys.json").read_text())) for s in damaged)
    with pytest.warns(CacheDamageWarning) as record:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the corpus' own issues
            warnings.simplefilter("always", CacheDamageWarning)
            corpus = analysis.build_corpus(articles / "all.csv", cache_dir=cache, progress=False)
    messages = "\n".join(str(w.message) for w in record if issubclass(w.category, CacheDamageWarning))
    for shard in damaged:
        assert shard.name in messages, messages
    assert not any(s.exists() for s in damaged)
    assert corpus.parse_stats.n_parsed == n_damaged  # only the damaged shards' documents are parsed again
    _assert_like_fresh(corpus, fresh)
    # repaired for good: the next build parses nothing and warns of nothing
    again = _build(articles / "all.csv", cache)
    assert again.parse_stats.n_parsed == 0
    _assert_like_fresh(again, fresh)


def _measure_entries(cache: Path) -> dict[str, Path]:
    """measure name -> its whole-table cache entry."""
    return {n: next((cache / "measures").glob(f"{n}-*.parquet")) for n in MEASURES}


@pytest.mark.parametrize("damage", ["truncate", "corrupt", "swap_tables", "swap_with_checks", "per_document_batch"])
def test_a_damaged_measure_entry_is_rebuilt_with_a_warning(articles, fresh, tmp_path, damage):
    cache = tmp_path / "cache"
    corpus = _build(articles / "all.csv", cache)
    M.MeasureStore(corpus, STORY, cache_dir=cache).tables(MEASURES)
    entries = _measure_entries(cache)
    if damage == "truncate":
        f = entries["coverage"]
        f.write_bytes(f.read_bytes()[:100])
        named = [f.name]
    elif damage == "corrupt":
        f = entries["frame_codes"]
        data = bytearray(f.read_bytes())
        data[len(data) // 3] ^= 0xFF
        f.write_bytes(bytes(data))
        named = [f.name]
    elif damage in ("swap_tables", "swap_with_checks"):  # two valid Parquet files under each other's names
        a, b = entries["coverage"], entries["term_counts"]
        pairs = [(a, b)] + ([(check_path(a), check_path(b))] if damage == "swap_with_checks" else [])
        for x, y in pairs:
            tmp = x.read_bytes()
            x.write_bytes(y.read_bytes())
            y.write_bytes(tmp)
        named = [a.name, b.name]
    else:  # a per-document batch holds another batch's rows: whole entry gone, batch swapped
        entries["frame_codes"].unlink()
        batch = next((cache / "measures" / "per_document").glob("frame_codes-*/*.parquet"))
        other = next((cache / "measures" / "per_document").glob("svo-*/*.parquet"))
        shutil.copy(other, batch)
        shutil.copy(check_path(other), check_path(batch))
        named = [batch.name]
    store = M.MeasureStore(corpus, STORY, cache_dir=cache)
    with pytest.warns(CacheDamageWarning) as record:
        got = {n: store.get(n) for n in MEASURES}
    messages = "\n".join(str(w.message) for w in record)
    for name in named:
        assert name in messages, messages
    for name, table in got.items():
        pd.testing.assert_frame_equal(table, fresh["measures"][name], obj=name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheDamageWarning)
        again = {n: M.MeasureStore(corpus, STORY, cache_dir=cache).get(n) for n in MEASURES}
    for name, table in again.items():
        pd.testing.assert_frame_equal(table, fresh["measures"][name], obj=name)


# --------------------------------------------------------------------------------------------- never pickle
class _Payload:
    """Unpickling this creates the marker file: proof that code from the cache ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _plant_pickles(cache: Path, marker: Path) -> int:
    """Next to every cache file: ``<name>.pkl`` and ``<stem>.pkl``; every folder gets a ``cache.pkl``, and a
    ``joblib`` and ``.pickle`` twin. Returns how many files were planted."""
    payload = pickle.dumps(_Payload(marker))
    planted = set()
    for f in [p for p in cache.rglob("*") if p.is_file()]:
        planted |= {f.with_name(f.name + ".pkl"), f.with_suffix(".pkl"), f.with_suffix(".pickle"),
                    f.with_suffix(".joblib"), f.parent / "cache.pkl"}
    for p in planted:
        p.write_bytes(payload)
    return len(planted)


def _object_npy(path: Path, marker: Path) -> None:
    """An ``.npy`` of an object array (its items are pickles) with a check that matches it: what an attacker
    who can write the cache folder would leave."""
    import hashlib

    arr = np.empty(1, dtype=object)
    arr[0] = _Payload(marker)
    with open(path, "wb") as fh:
        np.save(fh, arr, allow_pickle=True)
    data = path.read_bytes()
    check_path(path).write_text(json.dumps({"entry": path.name, "bytes": len(data), "rows": 1,
                                            "sha256": hashlib.sha256(data).hexdigest()}))


def _pickled_extension_parquet(path: Path, marker: Path) -> None:
    """A Parquet file whose column claims a pickled Python extension type (pyarrow CVE-2023-47248), with a
    matching check file."""
    import hashlib

    import pyarrow as pa
    import pyarrow.parquet as pq

    field = pa.field("x", pa.binary(), metadata={b"ARROW:extension:name": b"arrow.py_extension_type",
                                                 b"ARROW:extension:metadata": pickle.dumps(_Payload(marker))})
    pq.write_table(pa.table({"x": pa.array([b"a"])}).cast(pa.schema([field])), path)
    data = path.read_bytes()
    check_path(path).write_text(json.dumps({"entry": path.name, "bytes": len(data), "rows": 1,
                                            "sha256": hashlib.sha256(data).hexdigest()}))


def test_no_code_path_loads_pickle_or_joblib():
    import re

    libs = r"(pickle|cPickle|joblib|cloudpickle|dill|shelve)"
    pattern = re.compile(rf"\b(import|from)\s+{libs}\b|\b{libs}\.(load|loads|Unpickler|open)\b"
                         r"|\bread_pickle\b|\btorch\.load\b|allow_pickle\s*=\s*True")
    assert pattern.search("import pickle") and pattern.search("x = joblib.load(p)") and pattern.search("pd.read_pickle(p)")
    assert not pattern.search("No pickle: the NPY holds one float32 array")
    hits = []
    files = [f for folder in ("analysis", "scripts", "benchmarks") for f in sorted((PROJECT_ROOT / folder).rglob("*.py"))]
    for f in files + sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and "Never pickle" not in line and "never pickle" not in line.lower():
                hits.append(f"{f.relative_to(PROJECT_ROOT)}:{i}: {line.strip()}")
    assert not hits, hits


def test_planted_pickles_at_every_cache_location_are_ignored(articles, fresh, tmp_path):
    cache, marker = tmp_path / "cache", tmp_path / "PWNED"
    corpus = _build(articles / "all.csv", cache)
    M.MeasureStore(corpus, STORY, cache_dir=cache).tables(MEASURES)
    locations = {p.parent for p in cache.rglob("*") if p.is_file()}
    assert {"measures", "per_document", "parse"} <= {part for loc in locations for part in loc.parts}
    assert _plant_pickles(cache, marker) > 20
    corpus = _build(articles / "all.csv", cache)
    assert corpus.parse_stats.n_parsed == 0  # the real entries still serve; the planted files are not read
    _assert_like_fresh(corpus, fresh)
    assert not marker.exists()


def test_pickle_bytes_or_object_arrays_in_place_of_cache_entries_never_run(articles, fresh, tmp_path):
    cache, marker = tmp_path / "cache", tmp_path / "PWNED"
    corpus = _build(articles / "all.csv", cache)
    M.MeasureStore(corpus, STORY, cache_dir=cache).tables(MEASURES)
    payload = pickle.dumps(_Payload(marker))
    # every measure entry and per-document batch becomes pickle bytes, with a check file that matches
    for f in (cache / "measures").rglob("*.parquet"):
        f.write_bytes(payload)
        import hashlib

        check_path(f).write_text(json.dumps({"entry": f.name, "bytes": len(payload), "rows": 1,
                                             "sha256": hashlib.sha256(payload).hexdigest()}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheDamageWarning)
        got = {n: M.MeasureStore(corpus, STORY, cache_dir=cache).get(n) for n in MEASURES}
    for name, table in got.items():
        pd.testing.assert_frame_equal(table, fresh["measures"][name], obj=name)
    assert not marker.exists()
    # an array cache entry holding an object array, and a table claiming a pickled extension type
    arr = save_array(tmp_path / "arrays" / "emb_x.npy", np.ones((2, 3), dtype=np.float32))
    _object_npy(arr, marker)
    with pytest.warns(CacheDamageWarning, match="emb_x.npy"):
        assert load_array(arr) is None
    table = write_table(pd.DataFrame({"a": [1]}), tmp_path / "tables" / "t.parquet")
    _pickled_extension_parquet(table, marker)
    read_table(table)
    assert not marker.exists()


def test_embedding_caches_refuse_object_arrays(tmp_path):
    from analysis.measures.tone import embed_texts, embeddings_available

    if not embeddings_available():
        pytest.skip("the embedding model is not installed")
    marker = tmp_path / "PWNED"
    texts = ["The council approved the lease on Tuesday.", "Residents said the port would bring noise."]
    first = embed_texts(texts, cache_dir=tmp_path / "emb")
    files = list((tmp_path / "emb").rglob("*.npy"))   # the embedding store's vector segments
    assert files
    for f in files:
        _object_npy(f, marker)
    with pytest.warns(CacheDamageWarning):
        again = embed_texts(texts, cache_dir=tmp_path / "emb")
    np.testing.assert_allclose(again, first, rtol=1e-5, atol=1e-6)
    assert not marker.exists()
