"""Growth with corpus size: time and peak memory of each stage at 1k, 10k (, 50k) documents.

    .venv/bin/python benchmarks/bench_growth.py --sizes 1000 10000
    .venv/bin/python benchmarks/bench_growth.py --sizes 1000 10000 50000   # if you have the hours

Each size runs in a fresh subprocess (so peak memory is that size's own) with a fresh cache:
1. load + clean the synthetic Parquet corpus;
2. parse, streaming shards to disk (``parse_documents(load_tables=False)``, ``n_process`` workers);
3. measures from the on-disk tables: a cached ``build_corpus`` (reads Parquet, parses nothing) plus the
   table measures of ``benchmarks/measures.py``.
Peak memory is the proportional set size (PSS) of the process plus its worker processes, sampled every
1 s (the summed RSS, which counts pages shared by forked workers once per process, is printed too).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(n_docs: int, n_process: int) -> dict:
    from _common import PeakRSS, corpus, n_words

    import analysis
    from analysis.cleaning import clean_corpus
    from analysis.corpus import load_corpus
    from analysis.parsing import ALL_COMPONENTS, load_model, parse_documents
    from measures import TABLE_MEASURES, run_measures

    out: dict = {"docs": n_docs}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.parquet"
        df = corpus(n_docs)
        out["words"] = n_words(df.text)
        df.to_parquet(path, index=False)
        del df
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
    args = ap.parse_args(argv)
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.n_process)))
        return []
    from _common import machine

    print(f"# bench_growth: sizes {args.sizes}, n_process={args.n_process}; {machine()}", flush=True)
    rows = []
    for n in args.sizes:
        proc = subprocess.run([sys.executable, str(HERE / "bench_growth.py"), "--child", str(n),
                               "--n-process", str(args.n_process)], capture_output=True, text=True, cwd=HERE)
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if proc.returncode or not line:
            print(f"size {n} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}", flush=True)
            continue
        r = json.loads(line[0][7:])
        rows.append(r)
        print(f"  {n:>6} docs {r['words']:>11,} words: clean {r['clean_s']:7.1f} s, parse {r['parse_s']:8.1f} s "
              f"({r['words'] / r['parse_s']:,.0f} words/s), tables+measures {r['tables_s'] + r['measures_s']:6.1f} s; "
              f"peak PSS parse {r['parse_peak'] / 2**20:,.0f} MB (main {r['parse_peak_main'] / 2**20:,.0f}, "
              f"largest worker {r['parse_peak_worker'] / 2**20:,.0f}; summed RSS {r['parse_peak_rss'] / 2**20:,.0f}), "
              f"measures {r['measures_peak'] / 2**20:,.0f} MB; "
              f"cache {r['cache_mb']:,.0f} MB in {r['n_shards']} shards; re-parsed by measures: {r['reparsed']}", flush=True)
    if len(rows) > 1:
        a = rows[0]
        print("\nrelative to the smallest size (x docs -> x time is linear):")
        for r in rows[1:]:
            k = r["docs"] / a["docs"]
            print(f"  {r['docs']:>6} docs ({k:.0f}x): clean {r['clean_s'] / a['clean_s']:.1f}x, parse {r['parse_s'] / a['parse_s']:.1f}x, "
                  f"tables+measures {(r['tables_s'] + r['measures_s']) / (a['tables_s'] + a['measures_s']):.1f}x; "
                  f"peak PSS parse {r['parse_peak'] / a['parse_peak']:.2f}x, measures {r['measures_peak'] / a['measures_peak']:.2f}x")
    return rows


if __name__ == "__main__":
    main()
