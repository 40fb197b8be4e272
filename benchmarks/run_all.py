"""Run every benchmark with one command and keep the output.

    .venv/bin/python benchmarks/run_all.py                    # default sizes: about 30 min on 2 idle cores, hours when shared
    .venv/bin/python benchmarks/run_all.py --growth 1000 10000 50000
    .venv/bin/python benchmarks/run_all.py --only parse cache # a subset

Runs the scripts one after another (never concurrently: they would slow each other down) and writes
their output to ``benchmarks/results/<name>.txt`` as well as the screen.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parse-docs", type=int, default=300)
    ap.add_argument("--cache-docs", type=int, default=1000)
    ap.add_argument("--growth", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--dask-docs", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--start-method-held", type=int, nargs="+", default=[10000, 50000])
    ap.add_argument("--only", nargs="*", choices=["parse", "cache", "growth", "start_method", "dask", "notebooks"])
    args = ap.parse_args(argv)
    jobs = {
        "parse": ["bench_parse.py", "--docs", str(args.parse_docs), "--repeats", str(args.repeats)],
        "cache": ["bench_pipeline_cache.py", "--docs", str(args.cache_docs)],
        "growth": ["bench_growth.py", "--sizes", *map(str, args.growth)],
        "start_method": ["bench_start_method.py", "--held", *map(str, args.start_method_held)],
        "dask": ["bench_distributed.py", "--docs", str(args.dask_docs), "--repeats", str(args.repeats)],
        "notebooks": ["bench_notebooks.py"],
    }
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    failed = 0
    for name, cmd in jobs.items():
        if args.only and name not in args.only:
            continue
        print(f"\n$ .venv/bin/python benchmarks/{' '.join(cmd)}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(HERE / cmd[0]), *cmd[1:]], cwd=HERE, capture_output=True, text=True)
        text = proc.stdout + (f"\n[stderr tail]\n{proc.stderr[-2000:]}" if proc.returncode else "")
        text += f"\n[{name}: exit {proc.returncode}, {time.perf_counter() - t0:.0f} s wall]\n"
        (results / f"{name}.txt").write_text(f"$ .venv/bin/python benchmarks/{' '.join(cmd)}\n{text}")
        print(text, flush=True)
        failed += proc.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
