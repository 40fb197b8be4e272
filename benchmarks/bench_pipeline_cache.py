"""Cold vs cached run of the whole pipeline (load, clean, parse, measures; no notebooks), and +1% docs.

    .venv/bin/python benchmarks/bench_pipeline_cache.py --docs 1000

The corpus is a synthetic Parquet file (every text unique) read by ``analysis.build_corpus`` into a
fresh cache folder. Run 1 is cold (parses everything); run 2 is the same call again; run 3 adds 1%
new documents and must parse only those (cleaning and measures are recomputed: their cache is per corpus).
All measures of ``analysis.measures.MEASURES`` (VADER sentence tone, actor mentions, term counts,
framing-term rates, Semetko & Valkenburg frame codes; not the embedding-based hybrid tone) go through its cache.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from _common import corpus, machine, n_words


def _run(path: Path, cache: str, n_process: int | None) -> dict:
    import analysis
    from analysis.measures import compute_measures

    t0 = time.perf_counter()
    c = analysis.build_corpus(path, cache_dir=cache, n_process=n_process, progress=False)
    t_build = time.perf_counter() - t0
    tables = compute_measures(c, cache_dir=cache, progress=False)
    t_all = time.perf_counter() - t0
    return {"build": t_build, "with_all_measures": t_all, "rows": {k: len(v) for k, v in tables.items()},
            "stats": c.parse_stats}


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
                     "build_corpus s": round(r["build"], 2), "+ all measures s": round(r["with_all_measures"], 2)})
    print(pd.DataFrame(rows).to_string(index=False))
    print("\nmeasures (analysis.measures.MEASURES, cached per corpus fingerprint):",
          ", ".join(f"{k} ({v:,} rows)" for k, v in warm["rows"].items()))
    r_build = warm["build"] / cold["build"]
    r_all = warm["with_all_measures"] / cold["with_all_measures"]
    print(f"\ncached / cold, load+clean+parse: {r_build:.1%}")
    print(f"cached / cold, load+clean+parse+all measures: {r_all:.1%}  (goal <= 5%)")
    print(f"+1% run parsed {grown['stats'].n_parsed} of {args.docs + n_new} documents (new: {n_new})")
    return {"cold": cold, "warm": warm, "grown": grown, "ratio_build": r_build, "ratio_all": r_all}


if __name__ == "__main__":
    main()
