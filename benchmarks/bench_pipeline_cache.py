"""Cold vs cached run of the whole pipeline (load, clean, parse, measures; no notebooks), and +1% docs.

    .venv/bin/python benchmarks/bench_pipeline_cache.py --docs 1000

The corpus is a synthetic Parquet file (every text unique) read by ``analysis.build_corpus`` into a
fresh cache folder. Run 1 is cold (parses everything); run 2 is the same call again; run 3 adds 1%
new documents and must parse only those. Measures are listed in ``benchmarks/measures.py``; the
table-only measures count in the headline ratio, framing (which re-tokenises sentences) is shown apart.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from _common import corpus, machine, n_words
from measures import OTHER_MEASURES, TABLE_MEASURES, run_measures


def _run(path: Path, cache: str, n_process: int | None) -> dict:
    import analysis

    t0 = time.perf_counter()
    c = analysis.build_corpus(path, cache_dir=cache, n_process=n_process, progress=False)
    t_build = time.perf_counter() - t0
    m = run_measures(c, TABLE_MEASURES)
    t_table = time.perf_counter() - t0
    o = run_measures(c, OTHER_MEASURES)
    t_all = time.perf_counter() - t0
    return {"build": t_build, "with_table_measures": t_all - sum(v for v in o.values() if isinstance(v, float)),
            "with_all_measures": t_all, "measures": {**m, **o}, "stats": c.parse_stats, "_t": t_table}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--n-process", type=int, default=2)
    args = ap.parse_args(argv)
    from analysis.parsing import ALL_COMPONENTS, load_model

    load_model(None, ALL_COMPONENTS)  # model load is not what we compare
    n_new = max(1, args.docs // 100)
    full = corpus(args.docs + n_new)
    base, extra = full.iloc[:args.docs], full
    print(f"# bench_pipeline_cache: {args.docs} documents ({n_words(base.text):,} words), +{n_new} new; {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        p1, p2 = Path(tmp) / "corpus.parquet", Path(tmp) / "corpus_plus.parquet"
        base.to_parquet(p1, index=False)
        extra.to_parquet(p2, index=False)
        cache = str(Path(tmp) / "cache")
        cold = _run(p1, cache, args.n_process)
        warm = _run(p1, cache, args.n_process)
        grown = _run(p2, cache, args.n_process)
    rows = []
    for name, r in (("cold", cold), ("cached re-run", warm), ("+1% new documents", grown)):
        rows.append({"run": name, "parsed": r["stats"].n_parsed, "from cache": r["stats"].n_cached,
                     "build_corpus s": round(r["build"], 2), "+table measures s": round(r["with_table_measures"], 2),
                     "+framing s": round(r["with_all_measures"], 2)})
    print(pd.DataFrame(rows).to_string(index=False))
    print("\nmeasures (seconds, cached run):")
    for k, v in warm["measures"].items():
        print(f"  {k:45s} {v if isinstance(v, str) else round(v, 2)}")
    r_table = warm["with_table_measures"] / cold["with_table_measures"]
    r_all = warm["with_all_measures"] / cold["with_all_measures"]
    print(f"\ncached / cold, load+clean+parse+table measures: {r_table:.1%}")
    print(f"cached / cold, also with framing.code_sentences: {r_all:.1%}")
    print(f"+1% run parsed {grown['stats'].n_parsed} of {args.docs + n_new} documents (new: {n_new})")
    return {"cold": cold, "warm": warm, "grown": grown, "ratio_table": r_table, "ratio_all": r_all}


if __name__ == "__main__":
    main()
