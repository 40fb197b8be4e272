"""The measure store: cached tables equal uncached ones, keys follow every input, one command writes them."""
from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis.corpus.synthetic import synthetic_corpus
from analysis.measures import cache as C
from analysis.measures import registry as M
from analysis.story import SEEDS_STORY, load_story, story_from_dict

STORY = load_story(SEEDS_STORY)
CHEAP = ["coverage", "actor_mentions", "term_counts", "framing_term_hits", "framing_term_rates", "measure_names",
         "frame_codes", "attribution_contexts", "attribution_markers"]


def _store(corpus, tmp_path=None, *, story=STORY, cache=True):
    return M.MeasureStore(corpus, story, cache=cache, cache_dir=tmp_path)


def test_cached_measures_equal_uncached(seed_corpus, tmp_path):
    names = [*CHEAP, "svo", "quotes"]
    cold = M.compute_measures(seed_corpus, story=STORY, which=names, cache_dir=tmp_path)
    assert set(cold) == set(names)
    warm = M.compute_measures(seed_corpus, story=STORY, which=names, cache_dir=tmp_path)
    fresh = M.compute_measures(seed_corpus, story=STORY, which=names, cache=False)
    for name in names:
        pd.testing.assert_frame_equal(warm[name], fresh[name])
        pd.testing.assert_frame_equal(cold[name], fresh[name])
    assert {"Huawei", "US government"} <= set(cold["actor_mentions"].group)
    assert len(cold["framing_term_hits"]) and len(cold["frame_codes"])
    assert int(cold["coverage"].articles.sum()) == len(seed_corpus.documents)
    assert int(cold["coverage"].sentences.sum()) == len(seed_corpus.sentences)


def test_empty_which_means_no_measure(seed_corpus, tmp_path):
    assert M.compute_measures(seed_corpus, story=STORY, which=[], cache_dir=tmp_path) == {}
    with pytest.raises(KeyError, match="unknown measure"):
        M.compute_measures(seed_corpus, story=STORY, which=["no_such_measure"])
    with pytest.raises(TypeError, match="no parameter"):
        _store(seed_corpus, tmp_path).get("term_counts", min_dff=2)
    with pytest.raises(TypeError, match="Story"):
        M.MeasureStore(seed_corpus, "huawei.yaml")


def test_cache_is_read_not_recomputed(seed_corpus, tmp_path, monkeypatch):
    _store(seed_corpus, tmp_path).get("term_counts")

    def boom(c, story, **kw):
        raise AssertionError("recomputed")

    monkeypatch.setitem(M.MEASURES, "term_counts", replace(M.MEASURES["term_counts"], fn=boom))
    _store(seed_corpus, tmp_path).get("term_counts")            # a new store: read from disk
    with pytest.raises(AssertionError, match="recomputed"):
        _store(seed_corpus, tmp_path).get("term_counts", min_df=2)


def test_parameter_change_invalidates_and_defaults_spelled_out_are_the_same_key(seed_corpus, tmp_path):
    store = _store(seed_corpus, tmp_path)
    default, strict = store.get("term_counts"), store.get("term_counts", min_df=2)
    assert len(list((tmp_path / "measures").glob("term_counts-*.parquet"))) == 2
    assert len(strict) < len(default)
    pd.testing.assert_frame_equal(strict, _store(seed_corpus, cache=False).get("term_counts", min_df=2))
    kw = store.resolve("term_counts", min_df=1)
    assert store.key("term_counts", kw) == store.key("term_counts", store.resolve("term_counts"))


def test_story_digest_is_part_of_the_key_of_story_measures_only(seed_corpus, tmp_path):
    data = yaml_roundtrip(STORY)
    data["actors"] = [a for a in data["actors"] if a["group"] != "Huawei"]
    data["groups"] = {g: v for g, v in data["groups"].items() if g != "Huawei"}
    other = story_from_dict(data)
    a, b = _store(seed_corpus, tmp_path), _store(seed_corpus, tmp_path, story=other)
    for name in ("actor_mentions", "frame_codes", "quotes"):
        assert a.key(name, a.resolve(name)) != b.key(name, b.resolve(name))
    for name in ("term_counts", "coverage", "sentence_tone"):
        assert a.key(name, a.resolve(name)) == b.key(name, b.resolve(name))
    assert "Huawei" in set(a.get("actor_mentions").group) and "Huawei" not in set(b.get("actor_mentions").group)


def yaml_roundtrip(story):
    import yaml

    return yaml.safe_load(yaml.safe_dump(story.to_dict()))


def test_an_edited_codebook_file_is_not_served_from_the_cache(seed_corpus, tmp_path):
    """The review's defect 1: a user codebook edited between two runs gave the stale cached table."""
    book = tmp_path / "mine.yaml"
    body = """name: mine
title: test
frames:
  money:
    label: Money
    questions:
      - id: Q1
        text: money?
        indicators:
          - id: money
            lemmas: [{lemmas}]
"""
    book.write_text(body.replace("{lemmas}", "contract"))
    before = _store(seed_corpus, tmp_path).get("frame_codes", codebook=str(book))
    book.write_text(body.replace("{lemmas}", "contract, deal, money, billion, company"))
    after = _store(seed_corpus, tmp_path).get("frame_codes", codebook=str(book))
    fresh = _store(seed_corpus, cache=False).get("frame_codes", codebook=str(book))
    assert len(after) > len(before)
    pd.testing.assert_frame_equal(after, fresh)


def test_a_codebook_counts_by_its_name_and_bytes_not_its_folder(seed_corpus, tmp_path):
    """A moved project or a fresh clone in another folder keeps its cached frame codes."""
    import shutil

    from analysis.measures.frames import load_codebook

    packaged = Path(load_codebook("semetko_valkenburg").path)
    here, there = tmp_path / "a" / packaged.name, tmp_path / "b" / "c" / packaged.name
    for p in (here, there):
        p.parent.mkdir(parents=True)
        shutil.copyfile(packaged, p)
    store = _store(seed_corpus, tmp_path / "cache")
    key = lambda book: store.key("frame_codes", store.resolve("frame_codes", codebook=str(book)))  # noqa: E731
    assert key(here) == key(there) == key(packaged)
    assert store.key("frame_codes", store.resolve("frame_codes", codebook="semetko_valkenburg")) == key(here)
    there.write_text(there.read_text() + "\n# an edit\n")
    assert key(there) != key(here)


def test_changed_code_or_data_file_invalidates_only_its_measure(seed_corpus, tmp_path, monkeypatch):
    dep = tmp_path / "my_dictionary.yaml"
    dep.write_text("words: [ban]\n")
    calls = []
    fake = M.Measure(lambda c, story: calls.append(1) or pd.DataFrame({"n": [len(c.sentences)]}), (str(dep),),
                     uses_story=False)
    monkeypatch.setitem(M.MEASURES, "fake", fake)
    store = _store(seed_corpus, tmp_path)
    before = store.key("term_counts", store.resolve("term_counts"))
    _store(seed_corpus, tmp_path).get("fake")
    _store(seed_corpus, tmp_path).get("fake")
    assert len(calls) == 1
    dep.write_text("words: [ban, sanction]\n")
    _store(seed_corpus, tmp_path).get("fake")
    assert len(calls) == 2
    assert store.key("term_counts", store.resolve("term_counts")) == before


def test_fingerprint_changes_with_any_document(seed_corpus):
    fp = C.corpus_fingerprint(seed_corpus)
    other = copy.copy(seed_corpus)
    other.documents = seed_corpus.documents.copy()
    other.documents.loc[other.documents.index[-1], "text"] += " One more sentence."
    assert C.corpus_fingerprint(other) != fp
    other.documents = seed_corpus.documents.assign(outlet="Same Outlet")
    assert C.corpus_fingerprint(other) != fp
    other.documents = seed_corpus.documents.iloc[::-1]
    assert C.corpus_fingerprint(other) != fp   # tables follow corpus order
    assert C.corpus_fingerprint(seed_corpus) == fp


def test_synthetic_corpus_new_document_recomputes(tmp_path):
    src = synthetic_corpus(13, seed=11)
    small = analysis.build_corpus(src.iloc[:12], cache_dir=tmp_path, progress=False, n_process=1)
    grown = analysis.build_corpus(src, cache_dir=tmp_path, progress=False, n_process=1)
    assert grown.parse_stats.n_parsed == 1
    assert C.corpus_fingerprint(small) != C.corpus_fingerprint(grown)
    names = ["framing_term_rates", "actor_mentions"]
    for c in (small, grown):
        cached = M.compute_measures(c, story=STORY, cache_dir=tmp_path, which=names)
        fresh = M.compute_measures(c, story=STORY, cache=False, which=names)
        for name in names:
            pd.testing.assert_frame_equal(cached[name], fresh[name])
    assert len(list((tmp_path / "measures").glob("actor_mentions-*.parquet"))) == 2


def test_command_writes_parquet(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "from_env"))
    assert M.main(["--output-dir", str(tmp_path), "--which", "coverage", "term_counts"]) == 0
    t = pd.read_parquet(tmp_path / "measures" / "coverage.parquet")
    assert {"outlet", "articles", "words"} <= set(t.columns) and int(t.articles.sum()) == 5
    assert (tmp_path / "measures" / "term_counts.parquet").exists()


PER_DOC = [n for n, m in M.MEASURES.items() if m.per_document and n != "sentence_tone"]


def _recording(monkeypatch, seen, names):
    for name in names:
        m = M.MEASURES[name]

        def fn(c, story, _fn=m.fn, _name=name, **kw):
            seen.setdefault(_name, []).append(sorted(c.documents.doc_id.astype(str)))
            return _fn(c, story, **kw)

        monkeypatch.setitem(M.MEASURES, name, replace(m, fn=fn))


def test_grown_corpus_computes_per_document_measures_only_for_new_documents(seed_corpus, tmp_path, monkeypatch):
    ids = seed_corpus.documents.doc_id.astype(str).tolist()
    seen: dict[str, list] = {}
    _recording(monkeypatch, seen, PER_DOC)
    first = seed_corpus.subset(ids[:-1])
    M.compute_measures(first, story=STORY, cache_dir=tmp_path, which=PER_DOC)
    assert all(seen[n] == [sorted(ids[:-1])] for n in PER_DOC)
    seen.clear()
    grown = M.compute_measures(seed_corpus, story=STORY, cache_dir=tmp_path, which=PER_DOC)
    assert all(seen[n] == [[ids[-1]]] for n in PER_DOC), seen
    fresh = M.compute_measures(seed_corpus, story=STORY, cache=False, which=PER_DOC)
    for name in PER_DOC:
        pd.testing.assert_frame_equal(grown[name], fresh[name])
        order = grown[name].doc_id.map({d: i for i, d in enumerate(ids)})
        assert order.is_monotonic_increasing   # rows grouped by document in corpus order
    seen.clear()
    rev = seed_corpus.subset(ids)
    rev.documents = seed_corpus.documents.iloc[::-1].reset_index(drop=True)
    again = M.compute_measures(rev, story=STORY, cache_dir=tmp_path, which=PER_DOC)
    assert seen == {}   # a reordered corpus is assembled from the per-document cache
    assert again["actor_mentions"].doc_id.iloc[0] == ids[-1]


def test_damaged_cache_entries_are_rebuilt(seed_corpus, tmp_path):
    store = _store(seed_corpus, tmp_path)
    good = store.get("actor_mentions")
    for p in (tmp_path / "measures").rglob("*.parquet"):
        p.write_bytes(p.read_bytes()[:40])      # truncated
    again = _store(seed_corpus, tmp_path).get("actor_mentions")
    pd.testing.assert_frame_equal(again, good)


def test_no_pickle_is_ever_read(seed_corpus, tmp_path):
    """A planted pickle next to a cache entry is ignored; mixed-type columns are stored as JSON."""
    store = _store(seed_corpus, tmp_path)
    kw = store.resolve("coverage")
    path = tmp_path / "measures" / f"coverage-{store.fingerprint}-{store.key('coverage', kw)}.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"planted": [1]}).to_pickle(path)
    assert "planted" not in store.get("coverage").columns
    from analysis.store import read_table, write_table

    mixed = pd.DataFrame({"x": [[1, "a"], {"k": 2}, 3]})
    back = read_table(write_table(mixed, tmp_path / "mixed.parquet"))
    assert back["x"].tolist() == [[1, "a"], {"k": 2}, 3]
    assert not list(tmp_path.rglob("*.pkl"))[1:]   # only the planted one


def test_term_rates_reuse_the_term_hits(seed_corpus, tmp_path, monkeypatch):
    import analysis.measures.kwic as K

    alone = _store(seed_corpus, cache=False).get("framing_term_rates")
    calls = []
    real = K.find_terms
    monkeypatch.setattr(K, "find_terms", lambda *a, **k: calls.append(1) or real(*a, **k))
    store = _store(seed_corpus, tmp_path)
    store.get("framing_term_hits")
    rates = store.get("framing_term_rates")
    assert len(calls) == 1  # the rates were counted from the hits table, not from a second search
    pd.testing.assert_frame_equal(rates, alone)


def test_one_lexicon_for_the_measure_names(seed_corpus):
    """Notebook 02's term rates and notebook 04's lexical-choice counts come from one lexicon."""
    store = _store(seed_corpus, cache=False)
    names = store.get("measure_names")
    rates = store.get("framing_term_rates")
    per_term = rates[rates.group == STORY.measure_group].groupby("term").n.sum()
    assert names.groupby("term").size().to_dict() == per_term[per_term > 0].to_dict()
    assert (names.mention.str.len() > 0).all()


def test_topic_model_round_trips_through_its_table(seed_corpus, tmp_path):
    from analysis.measures.topics import topic_shares

    store = _store(seed_corpus, tmp_path)
    k = store.resolve("topic_model")["k"]
    model = M.topic_model_from_table(store.get("topic_model"))
    assert model.k == k and model.doc_topic.shape[1] == k and model.topic_term.shape[0] == k
    again = M.topic_model_from_table(_store(seed_corpus, tmp_path).get("topic_model"))
    pd.testing.assert_frame_equal(topic_shares(model), topic_shares(again))
    assert Path(tmp_path / "measures").exists()
