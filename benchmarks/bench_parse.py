"""Parsing throughput: our cached pipeline vs bare spaCy ``nlp.pipe`` vs the naive per-document loop.

    .venv/bin/python benchmarks/bench_parse.py --docs 600 --repeats 2

Same model, same components, same synthetic corpus (every text unique, cold cache each time), same
batch size. Runs are interleaved round by round so machine load hits every variant alike; ratios are
computed within a round and the median over rounds is printed. Model loading is excluded from all.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from _common import corpus, machine, n_words


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)

    import spacy

    from analysis.config import get_settings
    from analysis.corpus.parse import ALL_COMPONENTS, load_model, parse_documents

    docs = corpus(args.docs)[["doc_id", "text"]]
    texts = docs.text.tolist()
    words = n_words(texts)
    name = get_settings().spacy_model
    bare = spacy.load(name)
    assert tuple(bare.pipe_names) == ALL_COMPONENTS, bare.pipe_names
    load_model(name, ALL_COMPONENTS)  # ours, loaded once, outside the timings

    def naive():
        out = [bare(t) for t in texts]
        return len(out)

    def bare_pipe(n):
        return lambda: sum(1 for _ in bare.pipe(texts, n_process=n, batch_size=args.batch_size))

    def ours(n):
        def run():
            with tempfile.TemporaryDirectory() as d:
                p = parse_documents(docs, cache_dir=d, n_process=n, batch_size=args.batch_size, progress=False)
                assert p.stats.n_parsed == len(docs)
        return run

    variants = {"naive loop nlp(text)": naive}
    for n in args.processes:
        variants[f"bare nlp.pipe n_process={n}"] = bare_pipe(n)
        variants[f"ours parse_documents n_process={n}"] = ours(n)
    times: dict[str, list[float]] = {k: [] for k in variants}
    names = list(variants)
    print(f"# bench_parse: {len(docs)} documents, {words:,} words; {machine()}")
    for r in range(args.repeats):
        order = names[r % len(names):] + names[:r % len(names)]  # rotate the order each round
        for k in order:
            t0 = time.perf_counter()
            variants[k]()
            times[k].append(time.perf_counter() - t0)
            print(f"  round {r + 1}: {k:38s} {times[k][-1]:7.1f} s  {words / times[k][-1]:8,.0f} words/s", flush=True)
    print("\nvariant                                  median s   words/s")
    for k in names:
        med = statistics.median(times[k])
        print(f"{k:40s} {med:8.1f}  {words / med:8,.0f}")
    ratios = {}
    print("\nratio (within each round, median over rounds)")
    for n in args.processes:
        o = times[f"ours parse_documents n_process={n}"]
        b = times[f"bare nlp.pipe n_process={n}"]
        nv = times["naive loop nlp(text)"]
        ratios[f"ours/bare n_process={n}"] = statistics.median(bb / oo for bb, oo in zip(b, o))
        ratios[f"ours n_process={n} / naive loop"] = statistics.median(nn / oo for nn, oo in zip(nv, o))
    for k, v in ratios.items():
        print(f"  throughput {k:34s} {v:5.2f}x")
    return {"times": times, "ratios": ratios, "words": words}


if __name__ == "__main__":
    main()
