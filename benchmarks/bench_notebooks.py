"""Run every notebook (forced, fresh output folder) and report status, time and share of the run per notebook.

    .venv/bin/python benchmarks/bench_notebooks.py                                   # the seeds
    .venv/bin/python benchmarks/bench_notebooks.py --corpus DIR/articles.csv --story DIR/story.yaml [--quick]

The caches are whatever ``ANALYSIS_CACHE_DIR`` holds (cold: point it at an empty folder). For the issue-18 goals
(cold run, fresh clone, rerun after a markdown edit) see ``bench_goals.py``.
"""
from __future__ import annotations

import argparse
import tempfile
import time
import traceback
from pathlib import Path

from _common import machine


def main(argv=None) -> list[dict]:
    from analysis.run.notebooks import list_notebooks, run_notebook

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=None, help="a corpus (default: the seeds)")
    ap.add_argument("--story", default=None, help="its story file")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", nargs="*", default=None, help="notebook prefixes, e.g. 02 06")
    args = ap.parse_args(argv)
    what = args.corpus or "the seeds"
    print(f"# bench_notebooks: every notebook on {what}{' (quick)' if args.quick else ''}; {machine()}", flush=True)
    rows = []
    params = {"story": args.story} if args.story else None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t_all = time.perf_counter()
        for nb in list_notebooks(only=args.only):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                run_notebook(nb, output_dir=out, corpus=args.corpus, params=params, quick=args.quick, progress=False)
                status = "ok"
            except Exception as exc:
                status = "FAILED: " + (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:160]
                traceback.print_exc(limit=0)
            rows.append({"notebook": nb.name, "status": status, "seconds": time.perf_counter() - t0})
            print(f"  {nb.name:45s} {rows[-1]['seconds']:7.1f} s  {status}", flush=True)
        total = time.perf_counter() - t_all
        figs = sorted((out / "figures").glob("*.png"))
        print(f"total {total:.1f} s, {sum(r['status'] == 'ok' for r in rows)}/{len(rows)} notebooks ok, {len(figs)} figures")
        for r in rows:
            print(f"  {r['notebook']:45s} {r['seconds']:7.1f} s  {r['seconds'] / total:6.1%} of the run")
    return rows


if __name__ == "__main__":
    main()
