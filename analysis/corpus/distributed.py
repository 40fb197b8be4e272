"""The same parse and per-unit measures on a Dask cluster (``dask.distributed``), same on-disk tables.

Give a scheduler address (``"tcp://10.0.0.5:8786"``), ``"local"`` for a :class:`~distributed.LocalCluster`
on this machine, or an existing :class:`~distributed.Client`. The corpus is split into partitions of
documents; each worker loads the spaCy model once (a per-process cache, see
:func:`analysis.parsing.load_model`), parses its partitions with ``nlp.pipe`` and writes the same
immutable cache shards a local run writes. The tables are then read from those shards exactly as in
a local run, so results are identical; only already-cached documents are skipped, as locally.

On a real cluster the cache folder (``cache_dir`` or ``ANALYSIS_CACHE_DIR``) must be a path every
worker and the client can read and write (a shared file system), and workers need the same
``analysis`` package and spaCy model installed.

>>> parsed = parse_distributed(docs, scheduler="local", n_workers=2)        # doctest: +SKIP
>>> corpus = analysis.build_corpus("articles.csv", scheduler="local")       # doctest: +SKIP
>>> tone = map_units(sentence_tone, corpus.sentences, scheduler="local", methods=["vader"])  # doctest: +SKIP
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import pandas as pd

from analysis.corpus.parse import finish_parse, load_model, parse_chunk, plan_parse
from analysis.corpus.shards import Parsed

if TYPE_CHECKING:
    from distributed import Client

#: Documents per Dask task (and per cache shard written by a worker).
DEFAULT_PARTITION_SIZE = 250


@contextmanager
def dask_client(scheduler: "str | Client | None" = "local", *, n_workers: int = 2, threads_per_worker: int = 1) -> Iterator[object]:
    """A ``distributed.Client`` for ``scheduler``: ``"local"`` (a new LocalCluster with ``n_workers``
    worker processes, closed on exit), an address string, or an existing Client (left open).

    >>> with dask_client("local", n_workers=2) as client:   # doctest: +SKIP
    ...     client.ncores()
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler in (None, "local"):
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
                               dashboard_address=":0")
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    client = Client(str(scheduler))
    try:
        yield client
    finally:
        client.close()


def _parse_partition(pairs: list[tuple[str, str]], root: str, model: str, components: tuple[str, ...],
                     pipe_batch_size: int) -> list[tuple[str, list[str], int]]:
    """Worker task: parse ``(key, text)`` pairs and write them as one cache shard under ``root``."""
    nlp = load_model(model, components)  # cached per worker process: loaded once, not per task
    written = parse_chunk(nlp, pairs, root, batch_size=pipe_batch_size)  # in a memory zone, like the local pool
    return [(str(shard), keys, os.getpid()) for shard, keys in written]


def model_loads() -> tuple[int, int]:
    """``(pid, number of spaCy pipelines loaded in this process)``; run it on workers to check reuse."""
    from analysis.corpus.parse import models_loaded

    return os.getpid(), models_loaded()


def parse_distributed(
    documents: pd.DataFrame,
    *,
    scheduler: "str | Client | None" = "local",
    n_workers: int = 2,
    model: str | None = None,
    components: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    batch_size: int = 32,
    load_tables: bool = True,
    progress: bool | None = None,
) -> Parsed:
    """Like :func:`analysis.parsing.parse_documents`, with the parsing done by Dask workers.

    ``scheduler``: ``"local"`` (LocalCluster of ``n_workers`` processes), an address, or a Client.
    Returns the same :class:`~analysis.corpus.shards.Parsed` (same tables, same cache) as a local parse.
    Partitions of ``partition_size`` texts are sent as workers free up, two per worker thread ahead, so
    neither this process nor the cluster holds the whole corpus's texts at once. ``progress``: tqdm bar
    over documents (default: on above 20 documents to parse).

    >>> parse_distributed(docs, scheduler="tcp://scheduler:8786").stats.n_parsed   # doctest: +SKIP
    """
    from distributed import as_completed
    from analysis._progress import tqdm_class

    tqdm = tqdm_class()

    plan = plan_parse(documents, model=model, components=components, cache_dir=cache_dir)
    if plan.todo:
        plan.root.mkdir(parents=True, exist_ok=True)
        size = max(1, partition_size)
        starts = iter(range(0, len(plan.todo), size))
        show = progress if progress is not None else len(plan.todo) > 20
        with dask_client(scheduler, n_workers=n_workers) as client, \
                tqdm(total=len(plan.todo), desc=f"parsing with {plan.model} on Dask", unit="doc", disable=not show) as bar:

            def submit(start: int):
                # hash=False, a fresh key: equal data scattered again must not reuse a released one
                data = client.scatter(plan.chunk(start, size), hash=False)
                return client.submit(_parse_partition, data, root=str(plan.root), model=plan.model,
                                     components=plan.components, pipe_batch_size=batch_size, pure=False)

            ahead = 2 * max(1, sum(client.nthreads().values()))
            running = as_completed([submit(i) for _, i in zip(range(ahead), starts)])
            for future in running:
                for shard, keys, _pid in future.result():
                    plan.index.update({k: Path(shard) for k in keys})
                    bar.update(len(keys))
                future.release()
                nxt = next(starts, None)
                if nxt is not None:
                    running.add(submit(nxt))
    return finish_parse(plan, load_tables=load_tables)


def _partitions(table: pd.DataFrame, by: str | None, n: int) -> list[pd.DataFrame]:
    if table.empty:
        return [table]
    if by is None:
        size = -(-len(table) // n)
        return [table.iloc[i:i + size] for i in range(0, len(table), size)]
    groups = pd.Index(pd.unique(table[by]))
    size = -(-len(groups) // n)
    codes = pd.Series(groups.get_indexer(table[by]) // size, index=table.index)
    return [part for _, part in table.groupby(codes, sort=True)]


def map_units(
    func: Callable[..., pd.DataFrame],
    table: pd.DataFrame,
    *,
    scheduler: "str | Client | None" = "local",
    n_workers: int = 2,
    by: str | None = "doc_id",
    n_partitions: int | None = None,
    **kwargs,
) -> pd.DataFrame:
    """Run a per-unit measure ``func(table_part, **kwargs)`` on Dask workers; concatenate in order.

    The table is split into partitions that keep each ``by`` group (a document) whole, so any measure
    that treats units independently gives the same table as ``func(table, **kwargs)``. ``func`` must
    be importable on the workers (a function of the ``analysis`` package, not a lambda in a notebook).

    >>> from analysis.measures.tone import sentence_tone
    >>> map_units(sentence_tone, corpus.sentences, scheduler="local", methods=["vader"])  # doctest: +SKIP
    """
    with dask_client(scheduler, n_workers=n_workers) as client:
        n = n_partitions or max(1, 4 * sum(client.ncores().values()))
        parts = _partitions(table, by, n)
        data = client.scatter(parts, hash=False)  # fresh keys: re-scattering equal data must not reuse released ones
        futures = client.map(func, data, pure=False, **kwargs)
        results = client.gather(futures)
    return pd.concat(results, ignore_index=True) if results else func(table, **kwargs)
