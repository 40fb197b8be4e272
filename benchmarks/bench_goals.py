"""The speed goals of issue 18, each measured and printed next to its goal; written to benchmarks/results/goals.txt.

    .venv/bin/python benchmarks/bench_goals.py                       # every goal (about 15-30 min on 2 quiet cores)
    .venv/bin/python benchmarks/bench_goals.py --goals notebooks synthesis rerun
    .venv/bin/python benchmarks/bench_goals.py --goals seeds parse --workdir /tmp/goals --keep

Everything runs in a fresh clone of this repository's committed HEAD (``git clone``; uncommitted changes are not
measured, and a warning says so), with the Python running this script and a fresh cache and output folder per
cold run, as a new user would:

* ``notebooks``: the six notebooks cold on the realistic synthetic corpus (``realistic_corpus.py``, ``--n``
  articles, default 300) with its story: ``python -m analysis.run --corpus ... --story ... --no-report``; the
  figure is the whole command (corpus build and parse included); each notebook's seconds and share are printed.
* ``report``: the same, cold again, with the HTML report (the runner's default).
* ``synthesis``: notebook 06 alone on the measures the ``notebooks`` run stored (``--only 06 --force``).
* ``rerun``: one markdown cell of one notebook of the clone edited, then the same command again (warm caches).
* ``seeds``: ``make figures``' command on the seeds, cold (``python -m analysis.run``, report included); the
  clone has no ``.venv`` of its own, so ``make``'s one-time setup is not part of the figure.
* ``parse``: ``bench_parse.py`` (our parse vs bare ``nlp.pipe`` on both cores).
* ``memory``: the 50k-document measures-stage peak, from ``bench_measures_memory.py``'s stored result when that
  script exists (``--run-memory`` runs it, hours); else "not measured here".

Wall-clock figures depend on the machine's load: the load average at start and end is written with them, and
each run also prints its CPU seconds (the runner, its kernels and workers), which a shared machine inflates less.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "goals.txt"
GOALS = ("notebooks", "report", "synthesis", "rerun", "seeds", "parse", "memory")
#: goal -> (what, target, unit, lower is better)
TARGETS = {
    "notebooks": ("every notebook (seven; the goal names six), cold caches, {n}-article realistic corpus, 2 cores", 180.0, "s", True),
    "report": ("same, with the HTML report", None, "s", True),
    "rerun": ("same, second run after editing one markdown cell of one notebook", 30.0, "s", True),
    "seeds": ("make figures on the seeds, cold, fresh clone (after setup)", 120.0, "s", True),
    "synthesis": ("synthesis (nb06) on stored measures, {n} articles", 20.0, "s", True),
    "memory": ("measures stage peak memory, 50k documents", 2048.0, "MB", True),
    "parse": ("parse vs bare nlp.pipe, both cores (throughput ratio)", 0.95, "x", False),
}
#: this checkout's human-coded validation data (``../shared/validation`` unless ANALYSIS_VALIDATION_DIR says)
VALIDATION_DIR = ROOT.parent / "shared" / "validation"
DONE = re.compile(r"\[done\]\s+(\S+\.ipynb)\s+in\s+([\d.]+)\s*s")


def _load() -> str:
    try:
        return "/".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def _clone(dest: Path) -> str:
    """A fresh clone of this repository's HEAD at ``dest``; returns the commit (and warns about uncommitted work)."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    commit = subprocess.run(["git", "-C", str(dest), "rev-parse", "--short", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    if dirty:
        print(f"warning: uncommitted changes in {ROOT} are not measured (the clone is HEAD {commit})", flush=True)
    return commit


def run_runner(clone: Path, *, cache: Path, out: Path, args: list[str], log: Path) -> dict:
    """``python -m analysis.run`` in ``clone`` with ``ANALYSIS_CACHE_DIR=cache``; wall time and per-notebook times."""
    env = {**os.environ, "PYTHONPATH": str(clone), "ANALYSIS_CACHE_DIR": str(cache), "PYTHONUNBUFFERED": "1",
           # the clone is not beside ../shared: give it this checkout's validation data, so that notebooks 03 and
           # 05 validate (embed and cross-validate) as they do for a user who has the data, instead of skipping
           "ANALYSIS_VALIDATION_DIR": os.environ.get("ANALYSIS_VALIDATION_DIR", str(VALIDATION_DIR))}
    env.pop("ANALYSIS_OUTPUT_DIR", None)
    cmd = [sys.executable, "-m", "analysis.run", "--output-dir", str(out), *args]
    import resource

    t0, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, cwd=clone, env=env, stdout=fh, stderr=subprocess.STDOUT)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)   # the runner, its kernels and workers
    text = log.read_text(encoding="utf-8", errors="replace").replace("\r", "\n")
    per = {name: float(s) for name, s in DONE.findall(text)}
    if proc.returncode:
        print(f"  FAILED (exit {proc.returncode}); last lines of {log}:\n" + "\n".join(text.splitlines()[-15:]), flush=True)
    return {"wall": wall, "cpu": cpu, "notebooks": per, "ok": proc.returncode == 0,
            "command": "ANALYSIS_CACHE_DIR=<fresh> " + " ".join(["python", *cmd[1:]]).replace(str(clone) + "/", "")}


def shares(per: dict[str, float], total: float, cpu: float | None = None) -> str:
    """Each notebook's seconds and share of the run, one line each (the rest: corpus build, parse, kernels);
    with ``cpu``, the CPU seconds of the whole command first (less sensitive to a shared machine's load)."""
    lines = [f"    CPU of the whole command (runner, kernels, workers): {cpu:,.1f} s"] if cpu is not None else []
    lines += [f"    {name:45s} {s:7.1f} s  {s / total:6.1%}" for name, s in per.items()]
    rest = total - sum(per.values())
    lines.append(f"    {'(corpus build and parse, report, runner)':45s} {rest:7.1f} s  {rest / total:6.1%}")
    return "\n".join(lines)


def edit_markdown(nb_path: Path) -> str:
    """Append a sentence to the first markdown cell of ``nb_path`` (stored as the project stores notebooks)."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += "\n\n(An edited sentence: the benchmark changed this markdown cell.)"
    nbformat.write(nb, nb_path)
    return f"{nb_path.name}, first markdown cell"


def parse_ratio(docs: int, repeats: int) -> tuple[float | None, str]:
    cmd = [sys.executable, str(HERE / "bench_parse.py"), "--docs", str(docs), "--repeats", str(repeats),
           "--processes", "2"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    m = re.search(r"throughput ours/bare n_process=2\s+([\d.]+)x", proc.stdout)
    if not m:
        print(proc.stdout[-2000:], proc.stderr[-2000:], flush=True)
    return (float(m.group(1)) if m else None), "python benchmarks/bench_parse.py " + " ".join(cmd[2:])


def memory_figure(run: bool) -> tuple[float | None, str]:
    """The 50k measures-stage peak (MB): run ``bench_measures_memory.py`` or read its newest stored result."""
    script = HERE / "bench_measures_memory.py"
    if not script.exists():
        return None, "not measured here (no benchmarks/bench_measures_memory.py)"
    cmd = f"python benchmarks/bench_measures_memory.py --docs 50000"
    if run:
        proc = subprocess.run([sys.executable, str(script), "--docs", "50000"], cwd=ROOT, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        text, source = proc.stdout, "this run"
    else:
        files = sorted((HERE / "results").glob("*measures_memory*.txt"), key=lambda p: p.stat().st_mtime)
        text = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files[-1:])
        source = f"stored result {files[-1].relative_to(ROOT)}" if files else ""
    hits = re.findall(r"\b50,?000 docs.*?measures-stage peak (?:PSS )?([\d,]+) MB", text)
    if not hits:
        return None, f"not measured here (no 50,000-document figure in {source or 'benchmarks/results'}; run {cmd})"
    return float(hits[-1].replace(",", "")), f"{cmd} ({source})"


def verdict(goal: str, figure: float | None) -> str:
    target, lower = TARGETS[goal][1], TARGETS[goal][3]
    if figure is None or target is None:
        return ""
    return "met" if (figure <= target if lower else figure >= target) else "NOT met"


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--goals", nargs="+", choices=GOALS, default=list(GOALS))
    ap.add_argument("--n", type=int, default=300, help="articles of the realistic corpus (default 300)")
    ap.add_argument("--seed", type=int, default=42, help="the corpus generator's seed")
    ap.add_argument("--workdir", type=Path, default=None, help="where the clone, corpus, caches and outputs go")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--parse-docs", type=int, default=300)
    ap.add_argument("--parse-repeats", type=int, default=2)
    ap.add_argument("--run-memory", action="store_true", help="run bench_measures_memory.py at 50k (hours)")
    ap.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from _common import machine
    from realistic_corpus import write_realistic_corpus

    goals = [g for g in GOALS if g in args.goals]
    if ("synthesis" in goals or "rerun" in goals) and "notebooks" not in goals:
        goals.insert(0, "notebooks")    # both need the stored measures of a full run
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-goals-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    header = [f"$ python benchmarks/bench_goals.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip(),
              f"# {started:%Y-%m-%d %H:%M} UTC; {machine()}"]
    print("\n".join(header), flush=True)
    clone = work / "clone"
    if clone.exists():
        shutil.rmtree(clone)
    commit = _clone(clone)
    header.append(f"# measured: a fresh clone of HEAD {commit}; work folder {work}")
    csv, story = write_realistic_corpus(work / "corpus", args.n, seed=args.seed)
    rc = ["--corpus", str(csv), "--story", str(story)]
    rows, lines = [], []

    def record(goal: str, figure: float | None, command: str, detail: str = "") -> None:
        what, target, unit, lower = TARGETS[goal]
        what = what.format(n=args.n)
        shown = "n/a" if figure is None else (f"{figure:.2f}{unit}" if unit == "x" else f"{figure:,.1f} {unit}")
        goal_s = "-" if target is None else f"{'<=' if lower else '>='} {target:g} {unit}"
        row = {"goal": goal, "what": what, "figure": figure, "unit": unit, "target": target,
               "verdict": verdict(goal, figure), "command": command, "detail": detail}
        rows.append(row)
        line = f"{what:70s} {shown:>12s}   goal {goal_s:10s} {row['verdict']}"
        lines.append(line + (f"\n{detail}" if detail else "") + f"\n    command: {command}")
        print(lines[-1], flush=True)

    def cold(name: str, extra: list[str]) -> dict:
        cache, out = work / f"cache-{name}", work / f"out-{name}"
        for p in (cache, out):
            shutil.rmtree(p, ignore_errors=True)
        print(f"[{name}] load {_load()} ...", flush=True)
        return run_runner(clone, cache=cache, out=out, args=extra, log=work / f"{name}.log")

    if "notebooks" in goals:
        r = cold("notebooks", [*rc, "--no-report", "--force"])
        record("notebooks", r["wall"] if r["ok"] else None, r["command"], shares(r["notebooks"], r["wall"], r["cpu"]))
    if "report" in goals:
        r = cold("report", [*rc, "--force"])
        record("report", r["wall"] if r["ok"] else None, r["command"], shares(r["notebooks"], r["wall"], r["cpu"]))
    if "synthesis" in goals:
        r = run_runner(clone, cache=work / "cache-notebooks", out=work / "out-notebooks",
                       args=[*rc, "--no-report", "--force", "--only", "06"], log=work / "synthesis.log")
        nb06 = next((s for n, s in r["notebooks"].items() if n.startswith("06")), None)
        record("synthesis", nb06 if r["ok"] else None, r["command"].replace("<fresh>", "<the notebooks run's>"),
               f"    whole command {r['wall']:.1f} s, {r['cpu']:.1f} s CPU (kernel start and corpus load from the caches "
               "included)")
    if "rerun" in goals:
        nb = sorted((clone / "notebooks").glob("03_*.ipynb"))[0]
        original = nb.read_bytes()
        what = edit_markdown(nb)
        try:
            r = run_runner(clone, cache=work / "cache-notebooks", out=work / "out-notebooks",
                           args=[*rc, "--no-report"], log=work / "rerun.log")
        finally:
            nb.write_bytes(original)
        ran = ", ".join(f"{n} {s:.1f} s" for n, s in r["notebooks"].items()) or "no notebook executed"
        record("rerun", r["wall"] if r["ok"] else None, r["command"].replace("<fresh>", "<the notebooks run's>"),
               f"    edited {what}; {ran}; {r['cpu']:.1f} s CPU")
    if "seeds" in goals:
        r = cold("seeds", [])
        record("seeds", r["wall"] if r["ok"] else None, r["command"], shares(r["notebooks"], r["wall"], r["cpu"]))
    if "parse" in goals:
        ratio, command = parse_ratio(args.parse_docs, args.parse_repeats)
        record("parse", ratio, command)
    if "memory" in goals:
        mb, command = memory_figure(args.run_memory)
        record("memory", mb, command)
    footer = f"# load average (1/5/15 min) at the end: {_load()}; {(datetime.now(timezone.utc) - started).seconds / 60:.1f} min"
    print(footer, flush=True)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("\n".join([*header, *lines, footer]) + "\n", encoding="utf-8")
        (RESULTS.with_suffix(".json")).write_text(json.dumps(rows, indent=1), encoding="utf-8")
        print(f"written {RESULTS.relative_to(ROOT)}", flush=True)
    if not args.keep and args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main()
