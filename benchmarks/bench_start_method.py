"""Memory of the parse workers by start method, while the main process holds a small or a large corpus.

    .venv/bin/python benchmarks/bench_start_method.py --held 10000 50000 --parse 3000

The main process loads and cleans a synthetic corpus of ``--held`` documents (as a user's session would),
then parses only its first ``--parse`` documents with two worker processes started by each method
(``ANALYSIS_START_METHOD``). The parse is the same work every time, so a difference between the two corpus
sizes is memory the workers take from the parent: forked workers share the parent's pages and copy each
one they write into (including free space in the parent's heap that their allocator reuses); workers
started by the fork server or by spawn never see the parent's heap. Each (size, method) runs in a fresh
subprocess; peak memory is the summed PSS of the process and all its children (see ``_common.PeakRSS``).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(path: Path, n_parse: int) -> dict:
    from _common import PeakRSS

    from analysis.corpus.clean import clean_corpus
    from analysis.corpus.load import load_corpus
    from analysis.corpus.parse import ALL_COMPONENTS, load_model, parse_documents
    from analysis.corpus.shards import release_free_memory

    load_model(None, ALL_COMPONENTS)
    clean = clean_corpus(load_corpus(path).documents)
    docs = clean.documents[["doc_id", "text"]].copy()  # the corpus the session holds
    del clean
    gc.collect()
    release_free_memory()
    with tempfile.TemporaryDirectory() as tmp, PeakRSS() as m:
        t0 = time.perf_counter()
        parse_documents(docs.iloc[:n_parse], cache_dir=tmp, n_process=2, progress=False, load_tables=False)
        seconds = time.perf_counter() - t0
    return {"base": m.baseline, "peak": m.peak, "main": m.peak_main, "worker": m.peak_worker, "s": seconds}


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--held", type=int, nargs="+", default=[10000, 50000], help="documents the main process holds")
    ap.add_argument("--parse", type=int, default=3000, help="documents parsed (the same ones at every size)")
    ap.add_argument("--methods", nargs="+", default=["fork", "forkserver", "spawn"])
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.parse)))
        return []
    from _common import machine

    print(f"# bench_start_method: main process holds {args.held} documents, parses the first {args.parse} "
          f"with 2 workers; {machine()}", flush=True)
    script = [sys.executable, str(HERE / "bench_growth.py")]
    rows = []
    for held in args.held:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.parquet"
            made = subprocess.run([*script, "--make", str(held), "--corpus", str(path)], capture_output=True, text=True, cwd=HERE)
            if made.returncode:
                print(f"making {held} documents failed:\n{made.stderr[-2000:]}", flush=True)
                continue
            for method in args.methods:
                env = {**os.environ, "ANALYSIS_START_METHOD": method}
                proc = subprocess.run([sys.executable, str(HERE / "bench_start_method.py"), "--child", str(path),
                                       "--parse", str(args.parse)], capture_output=True, text=True, cwd=HERE, env=env)
                line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
                if proc.returncode or not line:
                    print(f"held {held}, {method} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}", flush=True)
                    continue
                r = {"held": held, "method": method, **json.loads(line[0][7:])}
                rows.append(r)
                print(f"  holds {held:>6} docs, {method:<10}: parse {r['s']:6.1f} s; PSS before {r['base'] / 2**20:5,.0f} MB, "
                      f"peak {r['peak'] / 2**20:5,.0f} MB, added by the parse {(r['peak'] - r['base']) / 2**20:5,.0f} MB "
                      f"(main {r['main'] / 2**20:,.0f}, largest child {r['worker'] / 2**20:,.0f})", flush=True)
    if len(args.held) > 1:
        print(f"\nadded by the parse, holding {args.held[-1]} vs {args.held[0]} documents:")
        for method in args.methods:
            a = [r for r in rows if r["method"] == method and r["held"] == args.held[0]]
            b = [r for r in rows if r["method"] == method and r["held"] == args.held[-1]]
            if a and b:
                da, db = (a[0]["peak"] - a[0]["base"]) / 2**20, (b[0]["peak"] - b[0]["base"]) / 2**20
                print(f"  {method:<10} {da:6,.0f} -> {db:6,.0f} MB ({db / da:.2f}x)")
    return rows


if __name__ == "__main__":
    main()
