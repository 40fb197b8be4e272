"""Execute every notebook top to bottom with papermill and collect their figures in one folder.

``python -m analysis.run_notebooks [--corpus PATH] [--output-dir outputs] [--only 01 03] [--force]``

Each notebook gets its ``parameters`` cell filled (``corpus``, ``output_dir``, ``seed``); executed copies
go to ``<output-dir>/notebooks/``, figures to ``<output-dir>/figures/`` and the static HTML report (see
:mod:`analysis.report`) to ``<output-dir>/report/``. A notebook is skipped when
neither it, the ``analysis`` package, the corpus nor the parameters changed since its last successful
run (a stamp per notebook, like spaCy projects' steps); ``--force`` reruns everything.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from .config import PROJECT_ROOT

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"


def list_notebooks(folder: Path = NOTEBOOK_DIR, only: list[str] | None = None) -> list[Path]:
    """Notebooks named ``NN_*.ipynb`` in order (exercise copies under ``exercises/`` are not run)."""
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        books = [p for p in books if any(p.name.startswith(o) for o in only)]
    return books


def _digest(paths: list[Path], extra: str) -> str:
    h = hashlib.sha256(extra.encode())
    for p in paths:
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(p.parent if p.is_dir() else f.parent)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def run_notebook(nb: Path, *, output_dir: Path, corpus: str | None = None, seed: int = 42) -> Path:
    """Execute one notebook; return the executed copy. Raises with the failing cell on error."""
    import papermill as pm

    out_nb = output_dir / "notebooks" / nb.name
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(nb), str(out_nb),
        parameters={"corpus": corpus, "output_dir": str(output_dir.resolve()), "seed": seed},
        cwd=str(nb.parent), kernel_name="python3", language="python", progress_bar=False, log_output=False,
    )
    return out_nb


def run_all(*, output_dir: Path, corpus: str | None = None, seed: int = 42, only: list[str] | None = None,
            force: bool = False, notebook_dir: Path = NOTEBOOK_DIR) -> list[dict]:
    """Run the notebooks, skipping up-to-date ones; return one record per notebook."""
    output_dir = Path(output_dir)
    stamps_path = output_dir / "notebooks" / ".stamps.json"
    stamps = json.loads(stamps_path.read_text()) if stamps_path.exists() else {}
    inputs = [PROJECT_ROOT / "analysis"] + ([Path(corpus)] if corpus else [PROJECT_ROOT / "seeds"])
    records = []
    for nb in list_notebooks(notebook_dir, only):
        key = _digest([nb, *inputs], json.dumps([corpus, seed]))
        out_nb = output_dir / "notebooks" / nb.name
        if not force and stamps.get(nb.name) == key and out_nb.exists():
            print(f"[skip] {nb.name}: up to date", flush=True)
            records.append({"notebook": nb.name, "status": "up to date", "seconds": 0.0})
            continue
        print(f"[run ] {nb.name} ...", flush=True)
        t0 = time.perf_counter()
        run_notebook(nb, output_dir=output_dir, corpus=corpus, seed=seed)
        secs = time.perf_counter() - t0
        print(f"[done] {nb.name} in {secs:.1f} s", flush=True)
        stamps[nb.name] = key
        stamps_path.parent.mkdir(parents=True, exist_ok=True)
        stamps_path.write_text(json.dumps(stamps, indent=1))
        records.append({"notebook": nb.name, "status": "executed", "seconds": round(secs, 1)})
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=None, help="folder / CSV / TSV / JSONL / Parquet (default: the seeds)")
    ap.add_argument("--output-dir", default=str(PROJECT_ROOT / "outputs"), type=Path)
    ap.add_argument("--seed", default=42, type=int)
    ap.add_argument("--only", nargs="*", help="notebook prefixes to run, e.g. 01 03")
    ap.add_argument("--force", action="store_true", help="rerun notebooks that are up to date")
    ap.add_argument("--no-report", action="store_true", help="do not render the HTML report")
    args = ap.parse_args(argv)
    corpus = str(Path(args.corpus).resolve()) if args.corpus else None
    if corpus and not Path(corpus).exists():
        print(f"error: corpus {corpus} does not exist", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    recs = run_all(output_dir=args.output_dir, corpus=corpus, seed=args.seed, only=args.only, force=args.force)
    figs = sorted((Path(args.output_dir) / "figures").glob("*.png"))
    print(f"{len(recs)} notebooks, {len(figs)} figures in {Path(args.output_dir) / 'figures'} "
          f"({time.perf_counter() - t0:.1f} s)")
    if not args.no_report and not args.only:
        from .report import build_report

        print(f"report: {build_report(args.output_dir)} (open it in a browser; it needs no network)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
