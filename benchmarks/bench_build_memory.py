"""Peak memory of a real ``analysis.build_corpus`` call (load, clean, parse with two workers) on a synthetic
corpus: PSS of the main process, of the largest worker, and of all together, sampled once a second.

    .venv/bin/python benchmarks/bench_build_memory.py --docs 10000

The corpus is generated and written to Parquet in a separate process, so the measured process holds only
what ``build_corpus`` keeps. Fresh temporary cache; model loading happens before the measurement.
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


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--n-process", type=int, default=2)
    args = ap.parse_args(argv)
    from _common import PeakRSS, machine

    print(f"# bench_build_memory: {args.docs} documents, n_process={args.n_process}; {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.parquet"
        subprocess.run([sys.executable, "-c", "import sys; from _common import corpus; "
                        f"corpus({args.docs}).to_parquet(sys.argv[1], index=False)", str(path)], check=True, cwd=HERE)
        import analysis
        from analysis.corpus.parse import ALL_COMPONENTS, load_model

        load_model(None, ALL_COMPONENTS)
        with PeakRSS() as m:
            t0 = time.perf_counter()
            analysis.build_corpus(path, cache_dir=Path(tmp) / "cache", n_process=args.n_process, progress=False)
            seconds = time.perf_counter() - t0
        peak = {"main": m.peak_main, "worker": m.peak_worker, "total": m.peak}
    out = {"docs": args.docs, "seconds": round(seconds), **{k: v >> 20 for k, v in peak.items()}}
    print(f"peak PSS (MB): main process {out['main']:,}, largest worker {out['worker']:,}, all {out['total']:,}; "
          f"{out['seconds']} s")
    print("RESULT " + json.dumps(out))
    return out


if __name__ == "__main__":
    main()
