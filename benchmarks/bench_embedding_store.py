"""The embedding store (issue 18): tone measures on a corpus, and lookups in a store of a million vectors.

    .venv/bin/python benchmarks/bench_embedding_store.py tone CORPUS.csv [--story STORY.yaml] [--fresh-store]
    .venv/bin/python benchmarks/bench_embedding_store.py scale --entries 1000000 --folder /tmp/store

``tone`` builds the corpus (through the parse cache), then times ``sentence_tone`` (VADER + hybrid) and
``target_tone``, each computed (not read from the measure cache), and prints one JSON line: wall and CPU
seconds (this process, both cores) per measure, the corpus's sentences and distinct sentences. It runs with
whichever ``analysis`` is first on ``PYTHONPATH``, so the same command times an older checkout (A/B);
``--fresh-store`` empties ``<cache>/embedding_store`` first (a cold store; the parse cache stays warm).

``scale`` fills a store with ``--entries`` random 384-dimensional vectors (in segments of
``SEGMENT_ROWS``, the way a big corpus fills it), then, in a new process, times what a measure pays:
the first lookup of 12,000 stored keys spread over every segment (index built, every segment's
checksum verified once) plus 1,000 missing ones, a second such lookup, and a lookup of 12,000 keys of one
segment in another new process.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:  # the checkout on PYTHONPATH (an A/B run times another one), else this one
    import analysis  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def tone(args) -> dict:
    import analysis
    from analysis.config import get_settings
    from analysis.measures.registry import MEASURES
    from analysis.story import resolve_story

    if args.fresh_store:
        shutil.rmtree(get_settings().cache_dir / "embedding_store", ignore_errors=True)
    corpus = analysis.build_corpus(args.corpus, progress=False)
    story = resolve_story(args.story, corpus=corpus, source=args.corpus)
    _ = corpus.sentences, corpus.tokens, corpus.entities
    out = {"analysis": analysis.__file__, "documents": len(corpus.documents), "sentences": len(corpus.sentences),
           "distinct_sentences": int(corpus.sentences["text"].nunique())}
    for name in args.measures:
        kw = {"methods": ["vader", "hybrid"]} if name == "sentence_tone" else {}
        c0, t0 = _cpu(), time.perf_counter()
        table = MEASURES[name].fn(corpus, story, **kw)
        out[name] = {"wall_s": round(time.perf_counter() - t0, 2), "cpu_s": round(_cpu() - c0, 2), "rows": len(table)}
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            table.to_parquet(Path(args.save) / f"{name}.parquet")
    return out


_LOOKUP = r"""
import json, sys, time, numpy as np
from analysis.measures.embeddings import EmbeddingStore
store = EmbeddingStore(sys.argv[1]); keys = json.loads(open(sys.argv[2]).read())
t0 = time.perf_counter(); v, found = store.lookup(keys); t1 = time.perf_counter()
v, found = store.lookup(keys); t2 = time.perf_counter()
print(json.dumps({"first_s": round(t1 - t0, 3), "second_s": round(t2 - t1, 3), "found": int(found.sum())}))
"""


def scale(args) -> dict:
    import numpy as np

    from analysis.measures.embeddings import EmbeddingStore, text_key

    folder = Path(args.folder)
    rng = np.random.default_rng(0)
    fill = None
    if not (args.reuse and len(EmbeddingStore(folder)) == args.entries):
        shutil.rmtree(folder, ignore_errors=True)
        store = EmbeddingStore(folder)
        t0 = time.perf_counter()
        step = store.segment_rows
        for c in range(0, args.entries, step):
            n = min(step, args.entries - c)
            store.add([text_key(f"sentence {i}", model="bench") for i in range(c, c + n)],
                      rng.normal(size=(n, 384)).astype(np.float32))
        fill = round(time.perf_counter() - t0, 1)
    store = EmbeddingStore(folder)
    spread = rng.choice(args.entries, size=12_000, replace=False)
    keys = [text_key(f"sentence {i}", model="bench") for i in spread]
    keys += [text_key(f"absent {i}", model="bench") for i in range(1_000)]
    one_seg = [text_key(f"sentence {i}", model="bench") for i in range(args.entries - 12_000, args.entries)]

    def run(ks):
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(ks, fh)
        try:
            r = subprocess.run([sys.executable, "-c", _LOOKUP, str(folder), fh.name], capture_output=True,
                               text=True, check=True, cwd=ROOT)
        finally:
            Path(fh.name).unlink()
        return json.loads(r.stdout.strip().splitlines()[-1])

    st = store.stats()
    return {"entries": st["entries"], "segments": st["segments"], "gigabytes": round(st["bytes"] / 1e9, 2),
            "fill_s": fill, "lookup_12k_spread_plus_1k_missing": run(keys),
            "lookup_12k_one_segment": run(one_seg)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tone")
    t.add_argument("corpus")
    t.add_argument("--story")
    t.add_argument("--fresh-store", action="store_true")
    t.add_argument("--measures", nargs="+", default=["sentence_tone", "target_tone"])
    t.add_argument("--save", help="folder to write each measure's table to (Parquet), to compare runs")
    s = sub.add_parser("scale")
    s.add_argument("--entries", type=int, default=1_000_000)
    s.add_argument("--folder", default="/tmp/embedding-store-scale")
    s.add_argument("--reuse", action="store_true", help="keep a store of that size already in --folder")
    args = ap.parse_args(argv)
    print(json.dumps(tone(args) if args.cmd == "tone" else scale(args)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
