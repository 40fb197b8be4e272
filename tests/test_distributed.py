"""Dask path: a LocalCluster (2 worker processes) writes the same cache and gives the same tables."""
from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("distributed")

from analysis.corpus.distributed import _partitions, dask_client, map_units, model_loads, parse_distributed  # noqa: E402
from analysis.corpus.parse import parse_documents  # noqa: E402
from analysis.corpus.shards import read_table  # noqa: E402
from analysis.corpus.synthetic import synthetic_corpus  # noqa: E402

SENTENCES = [
    "Huawei was banned by the US in May.", "Washington said the company helps Beijing spy on customers.",
    "Huawei denied the allegations and called the ban unfair.", "Russia chose Huawei to build its 5G network.",
    "MTS signed the deal with Huawei in Moscow on Wednesday.", "The White House claims Huawei is a security risk.",
    "Britain allowed Huawei a limited role in its networks.", "Analysts expect the trade war to continue.",
]


@pytest.fixture(scope="module")
def client():
    with dask_client("local", n_workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def docs():
    return synthetic_corpus(16, seed=7, sentences=SENTENCES, sentences_per_doc=(3, 5))[["doc_id", "text"]]


def test_dask_parse_writes_the_same_tables_as_the_local_run(client, docs, tmp_path):
    local = parse_documents(docs, cache_dir=tmp_path / "local", n_process=1, progress=False)
    dist = parse_distributed(docs, scheduler=client, cache_dir=tmp_path / "dask", partition_size=5)
    assert dist.stats.n_parsed == len(docs) and len(dist.shards) == 4  # 16 docs in partitions of 5
    for name in ("sentences", "tokens", "entities"):
        pd.testing.assert_frame_equal(getattr(local, name), getattr(dist, name))
    # the shards on disk are the same tables: a local run on the Dask cache parses nothing
    again = parse_documents(docs, cache_dir=tmp_path / "dask", progress=False)
    assert again.stats.n_parsed == 0
    pd.testing.assert_frame_equal(again.tokens, local.tokens)
    # a second Dask run parses only new documents
    more = pd.concat([docs, pd.DataFrame({"doc_id": ["new"], "text": ["Huawei opened a lab in Paris."]})])
    grown = parse_distributed(more, scheduler=client, cache_dir=tmp_path / "dask")
    assert (grown.stats.n_parsed, grown.stats.n_cached) == (1, len(docs))


def test_each_worker_loads_the_model_once(client, docs, tmp_path):
    parse_distributed(docs, scheduler=client, cache_dir=tmp_path / "a", partition_size=2)  # 8 tasks on 2 workers
    # the same partitions again (fresh cache): re-scattered data must not collide with released keys
    again = parse_distributed(docs, scheduler=client, cache_dir=tmp_path / "b", partition_size=2)
    assert again.stats.n_parsed == len(docs)
    loads = client.run(model_loads)
    assert len(loads) == 2
    assert all(n == 1 for _pid, n in loads.values()), loads


def test_partitions_are_sent_as_workers_free_up_not_all_at_once(client, docs, tmp_path, monkeypatch):
    seen = []  # (partitions sent so far, shards already written) at each send
    real = client.scatter

    def scatter(data, **kw):
        seen.append((len(seen), len(list(tmp_path.rglob("shard-*")))))
        return real(data, **kw)

    monkeypatch.setattr(client, "scatter", scatter)
    parsed = parse_distributed(docs, scheduler=client, cache_dir=tmp_path, partition_size=1, progress=False)
    assert parsed.stats.n_parsed == len(docs) and len(seen) == len(docs)
    ahead = 2 * sum(client.nthreads().values())  # two partitions per worker thread in flight
    assert ahead == 4 and all(written >= sent - ahead for sent, written in seen), seen
    assert seen[-1][1] >= len(docs) - ahead  # the last partition went out after most had been parsed


def test_map_units_matches_the_local_measure(client, docs, tmp_path):
    parsed = parse_documents(docs, cache_dir=tmp_path, progress=False)
    tokens = read_table(parsed, "tokens", columns=["lemma", "pos", "is_stop"])
    local = _content_lemmas(tokens)
    dist = map_units(_content_lemmas, tokens, scheduler=client, n_partitions=3)
    pd.testing.assert_frame_equal(local, dist)


def test_partitions_keep_documents_whole():
    t = pd.DataFrame({"doc_id": list("aabbbcdd"), "v": range(8)})
    parts = _partitions(t, "doc_id", 3)
    assert [p.doc_id.unique().tolist() for p in parts] == [["a", "b"], ["c", "d"]]
    assert pd.concat(parts).equals(t)


def _content_lemmas(tokens: pd.DataFrame) -> pd.DataFrame:
    keep = tokens[tokens.pos.isin(["NOUN", "PROPN", "VERB"]) & ~tokens.is_stop.astype(bool)]
    return keep[["doc_id", "sent_id", "lemma"]].reset_index(drop=True)
