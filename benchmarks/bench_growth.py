"""Growth with corpus size: time and peak memory of each stage at 1k, 10k (, 50k) documents.

    .venv/bin/python benchmarks/bench_growth.py --sizes 1000 10000
    .venv/bin/python benchmarks/bench_growth.py --sizes 1000 10000 50000   # if you have the hours

The synthetic corpus is written to Parquet by one subprocess; each size is then measured in a fresh
subprocess (so peak memory is that size's own, without the generator's) with a fresh cache:
1. load + clean the synthetic Parquet corpus;
2. parse, streaming shards to disk (``parse_documents(load_tables=False)``, ``n_process`` workers);
3. measures from the on-disk tables: a cached ``build_corpus`` (reads Parquet, parses nothing) plus the
   table measures of ``benchmarks/measures.py``, called directly on the corpus's whole tables (the measure
   store computes the same measures batch by batch: ``bench_measures_memory.py`` measures that path, with the
   issue-18 goal of <= 2 GB at 50k documents next to it).
Peak memory is the proportional set size (PSS) of the process plus all its children (workers, fork server),
sampled every 1 s (the summed RSS, which counts shared pages once per process, is printed too). "Before the
parse" is the PSS when ``parse_documents`` is called (the session holding the clean corpus); "added by it" is
the peak minus that. Workers start as ``ANALYSIS_START_METHOD`` says (default ``auto``: fork below
``analysis.corpus.parse.FORK_MAX_CHARS`` characters of text to parse, the fork server above).
"""
from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def make(n_docs: int, path: Path) -> int:
    """Write the synthetic corpus of ``n_docs`` to ``path`` (in its own process, so the measured process
    starts as a user's would: reading a Parquet file, without the generator's memory); return its words."""
    from _common import corpus, n_words

    df = corpus(n_docs)
    df.to_parquet(path, index=False)
    return n_words(df.text)


def child(n_docs: int, n_process: int, path: Path) -> dict:
    from _common import PeakRSS

    import analysis
    from analysis.corpus.clean import clean_corpus
    from analysis.corpus.load import load_corpus
    from analysis.corpus.parse import ALL_COMPONENTS, load_model, parse_documents
    from analysis.corpus.shards import release_free_memory
    from measures import TABLE_MEASURES, run_measures

    out: dict = {"docs": n_docs}
    with tempfile.TemporaryDirectory() as tmp:
        load_model(None, ALL_COMPONENTS)
        cache = Path(tmp) / "cache"
        with PeakRSS() as m:
            t0 = time.perf_counter()
            raw = load_corpus(path)
            clean = clean_corpus(raw.documents)
            out["clean_s"] = time.perf_counter() - t0
        out["clean_peak"], out["clean_peak_rss"] = m.peak, m.peak_rss
        docs = clean.documents[["doc_id", "text"]].copy()
        del raw, clean
        gc.collect()
        release_free_memory()  # as a forked parse does first; done for every method so "before the parse" is comparable
        with PeakRSS() as m:
            t0 = time.perf_counter()
            parsed = parse_documents(docs, cache_dir=cache, n_process=n_process, progress=False, load_tables=False)
            out["parse_s"] = time.perf_counter() - t0
        out["parse_base"], out["parse_peak"], out["parse_peak_rss"] = m.baseline, m.peak, m.peak_rss
        out["parse_peak_main"], out["parse_peak_worker"] = m.peak_main, m.peak_worker
        out["n_parsed"], out["n_shards"] = parsed.stats.n_parsed, len(parsed.shards)
        out["cache_mb"] = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) / 2**20
        del parsed, docs
        with PeakRSS() as m:
            t0 = time.perf_counter()
            c = analysis.build_corpus(path, cache_dir=cache, progress=False)
            out["tables_s"] = time.perf_counter() - t0
            res = run_measures(c, TABLE_MEASURES)
            out["measures_s"] = time.perf_counter() - t0 - out["tables_s"]
        out["measures_peak"], out["measures_peak_rss"] = m.peak, m.peak_rss
        out["reparsed"] = c.parse_stats.n_parsed
        out["n_tokens"] = len(c.tokens)
        out["skipped"] = {k: v for k, v in res.items() if isinstance(v, str)}
    return out


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--n-process", type=int, default=2)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--make", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make:
        print(f"WORDS {make(args.make, args.corpus)}")
        return []
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.n_process, args.corpus)))
        return []
    from _common import machine

    print(f"# bench_growth: sizes {args.sizes}, n_process={args.n_process}; {machine()}", flush=True)
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.parquet"
            script = [sys.executable, str(HERE / "bench_growth.py")]
            made = subprocess.run([*script, "--make", str(n), "--corpus", str(path)], capture_output=True, text=True, cwd=HERE)
            proc = subprocess.run([*script, "--child", str(n), "--n-process", str(args.n_process), "--corpus", str(path)],
                                  capture_output=True, text=True, cwd=HERE)
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if made.returncode or proc.returncode or not line:
            print(f"size {n} failed (exit {made.returncode}/{proc.returncode}):\n{made.stderr[-1500:]}{proc.stderr[-3000:]}", flush=True)
            continue
        r = json.loads(line[0][7:])
        r["words"] = int(made.stdout.split()[-1])
        rows.append(r)
        print(f"  {n:>6} docs {r['words']:>11,} words: clean {r['clean_s']:7.1f} s, parse {r['parse_s']:8.1f} s "
              f"({r['words'] / r['parse_s']:,.0f} words/s), tables+measures {r['tables_s'] + r['measures_s']:6.1f} s; "
              f"peak PSS parse {r['parse_peak'] / 2**20:,.0f} MB (before the parse {r['parse_base'] / 2**20:,.0f}, "
              f"added by it {(r['parse_peak'] - r['parse_base']) / 2**20:,.0f}; main {r['parse_peak_main'] / 2**20:,.0f}, "
              f"largest worker {r['parse_peak_worker'] / 2**20:,.0f}; summed RSS {r['parse_peak_rss'] / 2**20:,.0f}), "
              f"measures {r['measures_peak'] / 2**20:,.0f} MB (issue 18 goal <= 2,048 MB at 50k, met: "
              f"{r['measures_peak'] <= 2048 * 2**20}); "
              f"cache {r['cache_mb']:,.0f} MB in {r['n_shards']} shards; re-parsed by measures: {r['reparsed']}", flush=True)
    if len(rows) > 1:
        a = rows[0]
        print("\nrelative to the smallest size (x docs -> x time is linear):")
        for r in rows[1:]:
            k = r["docs"] / a["docs"]
            print(f"  {r['docs']:>6} docs ({k:.0f}x): clean {r['clean_s'] / a['clean_s']:.1f}x, parse {r['parse_s'] / a['parse_s']:.1f}x, "
                  f"tables+measures {(r['tables_s'] + r['measures_s']) / (a['tables_s'] + a['measures_s']):.1f}x; "
                  f"peak PSS parse {r['parse_peak'] / a['parse_peak']:.2f}x (added by the parse "
                  f"{(r['parse_peak'] - r['parse_base']) / (a['parse_peak'] - a['parse_base']):.2f}x), measures {r['measures_peak'] / a['measures_peak']:.2f}x")
    return rows


if __name__ == "__main__":
    main()
