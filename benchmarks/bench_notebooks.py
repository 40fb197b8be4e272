"""Run every notebook on the seeds (forced, fresh output folder) and report status and time per notebook.

    .venv/bin/python benchmarks/bench_notebooks.py
"""
from __future__ import annotations

import tempfile
import time
import traceback
from pathlib import Path

from _common import machine


def main(argv=None) -> list[dict]:
    from analysis.run.notebooks import list_notebooks, run_all, run_notebook

    print(f"# bench_notebooks: every notebook on the seeds; {machine()}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t_all = time.perf_counter()
        for nb in list_notebooks():
            t0 = time.perf_counter()
            try:
                run_notebook(nb, output_dir=out)
                status = "ok"
            except Exception as exc:
                status = "FAILED: " + (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:160]
                traceback.print_exc(limit=0)
            rows.append({"notebook": nb.name, "status": status, "seconds": time.perf_counter() - t0})
            print(f"  {nb.name:45s} {rows[-1]['seconds']:7.1f} s  {status}", flush=True)
        total = time.perf_counter() - t_all
        figs = sorted((out / "figures").glob("*.png"))
        print(f"total {total:.1f} s, {sum(r['status'] == 'ok' for r in rows)}/{len(rows)} notebooks ok, {len(figs)} figures")
    return rows


if __name__ == "__main__":
    main()
