"""Dask path: parse speed with one vs two workers on a LocalCluster, and equality with the local run.

    .venv/bin/python benchmarks/bench_distributed.py --docs 400 --repeats 2

Each LocalCluster (1 or 2 worker processes, 1 thread each) is started and its workers load the model
before timing; each timed run parses the same synthetic corpus into a fresh cache. Rounds alternate
1 and 2 workers; the speedup is the median of per-round ratios.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import pandas as pd

from _common import corpus, machine, n_words


def _warm(model, components):
    from analysis.corpus.parse import load_model

    load_model(model, components)
    return True


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--partition-size", type=int, default=50)
    args = ap.parse_args(argv)
    from analysis.corpus.distributed import dask_client, parse_distributed
    from analysis.corpus.parse import ALL_COMPONENTS, parse_documents

    docs = corpus(args.docs)[["doc_id", "text"]]
    words = n_words(docs.text)
    print(f"# bench_distributed: {len(docs)} documents, {words:,} words, partitions of {args.partition_size}; {machine()}")
    times: dict[int, list[float]] = {1: [], 2: []}
    results = {}
    with dask_client("local", n_workers=1) as c1, dask_client("local", n_workers=2) as c2:
        clients = {1: c1, 2: c2}
        for c in clients.values():
            c.run(_warm, None, ALL_COMPONENTS)
        for r in range(args.repeats):
            for n in ((1, 2) if r % 2 == 0 else (2, 1)):
                with tempfile.TemporaryDirectory() as d:
                    t0 = time.perf_counter()
                    p = parse_distributed(docs, scheduler=clients[n], cache_dir=d, partition_size=args.partition_size,
                                          progress=False)
                    times[n].append(time.perf_counter() - t0)
                    results[n] = p.tokens
                print(f"  round {r + 1}: {n} worker(s) {times[n][-1]:7.1f} s  {words / times[n][-1]:8,.0f} words/s", flush=True)
    with tempfile.TemporaryDirectory() as d:
        local = parse_documents(docs, cache_dir=d, n_process=1, progress=False).tokens
    same = all(local.equals(t) for t in results.values())
    speedup = statistics.median(a / b for a, b in zip(times[1], times[2]))
    print(f"\nmedian: 1 worker {statistics.median(times[1]):.1f} s, 2 workers {statistics.median(times[2]):.1f} s")
    print(f"speedup 1 -> 2 workers: {speedup:.2f}x; token tables identical to the local run: {same}")
    return {"times": times, "speedup": speedup, "identical": same}


if __name__ == "__main__":
    main()
