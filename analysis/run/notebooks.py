"""Execute every notebook top to bottom with papermill and collect their figures in one folder.

``python -m analysis.run [--corpus PATH] [--story YAML] [--actors YAML] [--framing-terms YAML]
[--attribution-markers YAML] [--columns text=Article,outlet=Source] [-p NAME VALUE] [--output-dir DIR] [--only 01 03]
[--quick]``

``--quick`` (``make figures QUICK=1``) sets the ``quick`` parameter of the notebooks with slow steps (02: fewer
topic-model restarts and candidate k; 05: fewer cross-validation folds and repeats): each says what it cut
(:func:`quick_message`), the figures are rougher, and the skip stamps include it (a quick run never marks
the full run up to date). The default is the full analysis.

While a notebook runs, the console shows its section (the last Markdown heading before the running cell),
e.g. ``[run ] 05_validating_frames.ipynb · D. A supervised frame classifier (cell 30/41, 89 s)``: one line
when a section starts and one every 30 s within it (:class:`SectionProgress`).

Each notebook gets its ``parameters`` cell filled (``corpus``, ``output_dir``, ``seed``, ``story``, and any
extra parameter the notebook declares: the older separate story files ``actors`` (notebooks 03, 04, 06),
``framing_terms`` (02) and ``attribution_markers`` (04, 06), which replace that part of the story, or anything
given with ``-p``, e.g. ``codebook``); executed copies
go to ``<output-dir>/notebooks/``, figures to ``<output-dir>/figures/`` and the static HTML report (see
:mod:`analysis.run.report`) to ``<output-dir>/report/``. A notebook is skipped when
neither it, the ``analysis`` package, the corpus nor the parameters changed since its last successful
run (a stamp per notebook, like spaCy projects' steps); ``--force`` reruns everything.

The seeds' results go to ``ANALYSIS_OUTPUT_DIR`` (default ``outputs/``). With ``--corpus`` and no
``--output-dir``, everything goes to ``<that folder>/<corpus name>/``, so the seeds' results are never
overwritten (an explicit ``--output-dir`` naming the seeds' folder with ``--corpus`` is refused). The skip
stamps also cover the environment (:func:`environment_key`): another spaCy model or model version,
other validation data, an installed embedding model or any other ``ANALYSIS_*`` setting that can change a
result reruns the notebooks; a spaCy model that is not installed stops the run with the install command. At
the end each executed notebook's time and share of the run are printed. ``--columns`` maps our column names
to a table's own (the loader, and every notebook as the ``columns`` parameter). Before any notebook runs, the
corpus is built once (loaded, deduplicated, cleaned, parsed) and ``<output-dir>/rejects.csv`` (every input
row or file left out, and why) and ``issues.csv`` (every warning) are written and summarised.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from analysis.config import PROJECT_ROOT, get_settings
from analysis.measures.tone import embeddings_available

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
#: The seeds' output folder when ``ANALYSIS_OUTPUT_DIR`` is not set (see :func:`seeds_output_dir`).
SEEDS_OUTPUT_DIR = PROJECT_ROOT / "outputs"
#: Names the seeds' run uses inside ``outputs/``: a corpus with one of these names gets ``<name>_corpus``.
RESERVED_OUTPUT_NAMES = {"figures", "notebooks", "report", "coding"}
#: Story-specific files a notebook can take as a parameter: parameter name -> (command-line option, what it is).
STORY_FILES = {
    "story": ("--story", "story file YAML, or a folder holding story.yaml (every notebook; default: the seeds' "
                         "story for the seeds, a story discovered from the corpus otherwise)"),
    "actors": ("--actors", "actor list YAML for your story (notebooks 03, 04, 06)"),
    "framing_terms": ("--framing-terms", "framing-term list YAML for keyword in context (notebook 02)"),
    "attribution_markers": ("--attribution-markers",
                            "accusation / denial / names-for-the-measure lists YAML (notebooks 04, 06)"),
}


def quick_message(changes: dict[str, tuple[int, int]]) -> str:
    """The line a ``quick`` notebook prints: ``{what: (quick, full)}`` -> what it cut.

    >>> quick_message({"folds": (3, 5), "seeds": (1, 3)})
    'quick mode: 3 folds instead of 5, 1 seed instead of 3; figures are rougher'
    """
    parts = [f"{q} {what[:-1] if q == 1 and what.endswith('s') else what} instead of {full}"
             for what, (q, full) in changes.items()]
    return f"quick mode: {', '.join(parts)}; figures are rougher"


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


#: ``ANALYSIS_*`` settings that change where things go or how fast, never a result: left out of the stamps.
RESULT_NEUTRAL_SETTINGS = frozenset({"ANALYSIS_CACHE_DIR", "ANALYSIS_OUTPUT_DIR", "ANALYSIS_N_PROCESS",
                                     "ANALYSIS_START_METHOD"})


def _model_meta(model: str) -> dict | None:
    """The spaCy pipeline's ``meta.json`` (installed package or folder), or None when there is none."""
    try:
        import spacy.util

        path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model).expanduser()
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, ImportError, TypeError):
        return None
    return meta if isinstance(meta, dict) else None


def _folder_listing(folder: Path) -> str:
    """Hash of a folder's file names, sizes and modification times (not the bytes: cheap for large data)."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(folder)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def environment_key() -> dict:
    """What of the environment changes a notebook's output, part of the skip stamps: the spaCy model
    (``ANALYSIS_SPACY_MODEL``: whether it is installed, its version and pipeline from its ``meta.json``, and
    spaCy's version), the validation data folder (``ANALYSIS_VALIDATION_DIR``: whether it exists, and its
    files' names, sizes and times), whether the optional embedding model is installed, and every other
    ``ANALYSIS_*`` setting except those in :data:`RESULT_NEUTRAL_SETTINGS` (a new setting counts by default).

    >>> sorted(environment_key())
    ['embeddings', 'settings', 'spacy_model', 'validation_dir']
    """
    import os

    settings = get_settings()
    model = settings.spacy_model
    meta = _model_meta(model)
    spacy_model: dict = {"name": model, "installed": meta is not None}
    if meta is not None:
        import spacy

        spacy_model.update(version=meta.get("version"), pipeline=meta.get("pipeline"),
                           model_name=f"{meta.get('lang', '')}_{meta.get('name', '')}", spacy=spacy.__version__)
    vdir = settings.validation_dir
    return {"spacy_model": spacy_model,
            "validation_dir": {"path": str(vdir), "exists": vdir.exists(), "files": _folder_listing(vdir)},
            "embeddings": embeddings_available(),
            "settings": {k: v for k, v in sorted(os.environ.items())
                         if k.startswith("ANALYSIS_") and k not in RESULT_NEUTRAL_SETTINGS
                         and k not in ("ANALYSIS_SPACY_MODEL", "ANALYSIS_VALIDATION_DIR")}}


def check_environment(env: dict | None = None) -> None:
    """Raise :class:`~analysis.corpus.parse.ModelNotFoundError` naming ``ANALYSIS_SPACY_MODEL`` and the
    install command when the configured spaCy model is not installed (before any notebook runs or is skipped).

    >>> check_environment({"spacy_model": {"name": "no_such_model", "installed": False}})
    Traceback (most recent call last):
    ...
    analysis.corpus.parse.ModelNotFoundError: spaCy model 'no_such_model' (ANALYSIS_SPACY_MODEL) is not installed: ...
    """
    from analysis.config import SPACY_MODEL_INSTALL_HINT
    from analysis.corpus.parse import ModelNotFoundError

    model = (env or environment_key())["spacy_model"]
    if not model["installed"]:
        raise ModelNotFoundError(f"spaCy model {model['name']!r} (ANALYSIS_SPACY_MODEL) is not installed: "
                                 f"{SPACY_MODEL_INSTALL_HINT}")


def declared_parameters(nb: Path) -> set[str]:
    """Names assigned in the notebook's ``parameters`` cell."""
    import papermill as pm

    return set(pm.inspect_notebook(str(nb)))


def seeds_output_dir() -> Path:
    """The seeds' output folder: ``ANALYSIS_OUTPUT_DIR``, by default ``outputs/`` of the project.

    >>> seeds_output_dir() == get_settings().output_dir
    True
    """
    return get_settings().output_dir


def default_output_dir(corpus: str | Path | None) -> Path:
    """:func:`seeds_output_dir` for the seeds, ``<seeds_output_dir>/<corpus name>/`` for anything else.

    A corpus named like a folder of the seeds' run (``figures``, ``notebooks`` ...) gets ``<name>_corpus``.

    >>> default_output_dir(None) == seeds_output_dir(), default_output_dir("/data/my_news.csv").name
    (True, 'my_news')
    >>> default_output_dir("/data/notebooks").name
    'notebooks_corpus'
    """
    from analysis.corpus.describe import corpus_name

    root = seeds_output_dir()
    if corpus is None:
        return root
    name = corpus_name(corpus)
    return root / (f"{name}_corpus" if name in RESERVED_OUTPUT_NAMES else name)


def check_output_dir(corpus: str | Path | None, output_dir: str | Path) -> None:
    """Refuse to write a user corpus' results over the seeds' (:func:`seeds_output_dir` itself);
    raises ``ValueError``."""
    if corpus is not None and Path(output_dir).resolve() == seeds_output_dir().resolve():
        raise ValueError(f"{output_dir} holds the seeds' results; give your corpus its own --output-dir "
                         f"(default: {default_output_dir(corpus)})")


def _parameter_value(value: str):
    """``-p`` values: JSON literals (numbers, true, null, lists) as such; existing paths made absolute
    (notebooks run in ``notebooks/``); anything else as a string."""
    try:
        return json.loads(value)
    except (json.JSONDecodeError, ValueError):
        pass
    p = Path(value).expanduser()
    return str(p.resolve()) if p.exists() else value


def parse_columns(value: str) -> dict[str, str]:
    """The ``--columns`` option: ``text=Article,outlet=Source`` -> ``{"text": "Article", "outlet": "Source"}``
    (our name ``=`` your column; commas separate pairs). Raises ``ValueError`` on a malformed pair.

    >>> parse_columns("text=Article, outlet=Source,date=Date Published")
    {'text': 'Article', 'outlet': 'Source', 'date': 'Date Published'}
    """
    mapping = {}
    for pair in (p for p in value.split(",") if p.strip()):
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ValueError(f"--columns: {pair.strip()!r} is not ours=yours (e.g. text=Article,outlet=Source)")
        mapping[ours.strip()] = theirs.strip()
    if not mapping:
        raise ValueError("--columns is empty (e.g. text=Article,outlet=Source)")
    return mapping


def write_corpus_report(corpus: str | None, output_dir: Path, *, columns: dict | None = None,
                        outlet_aliases: dict | None = None) -> dict:
    """Build the corpus once (load, deduplicate, clean, parse: the notebooks then reuse the caches), write
    ``rejects.csv`` and ``issues.csv`` to ``output_dir``; return counts.

    The rejects are the loader's plus the build's (duplicates, documents empty after cleaning). The CSV files
    are spreadsheet-safe (cells that would run as formulas start with ``'``)."""
    import gc
    import warnings

    from analysis.corpus.build import build_corpus
    from analysis.corpus.load import spreadsheet_safe

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = build_corpus(corpus, columns=columns, outlet_aliases=outlet_aliases)
    n_docs, rejects, issues = len(built.documents), built.rejects, built.issues
    del built
    gc.collect()
    output_dir.mkdir(parents=True, exist_ok=True)
    spreadsheet_safe(rejects).to_csv(output_dir / "rejects.csv", index=False)
    spreadsheet_safe(issues).to_csv(output_dir / "issues.csv", index=False)
    reasons = (rejects["reason"].astype(str).str.replace(r"^duplicate of .*$", "duplicate", regex=True)
               .str.replace(r"(:| '| \().*$", "", regex=True).value_counts().to_dict()) if len(rejects) else {}
    return {"documents": n_docs, "rejected": len(rejects),
            "warnings": int((issues["level"] != "rejected").sum()) if len(issues) else 0,
            "reasons": reasons, "rejects": rejects}


def format_corpus_report(rep: dict, output_dir: Path, *, max_rows: int = 20) -> str:
    """The console summary of :func:`write_corpus_report`: counts, reasons, and the first rejected rows."""
    reasons = "; ".join(f"{n} {r}" for r, n in rep["reasons"].items())
    lines = [f"corpus: {rep['documents']} documents loaded, {rep['rejected']} rejected"
             + (f" ({reasons})" if reasons else "") + f", {rep['warnings']} warnings; "
             f"details in {Path(output_dir) / 'rejects.csv'} and issues.csv"]
    rejects = rep.get("rejects")
    if rejects is not None and len(rejects):
        for r in rejects.head(max_rows).itertuples(index=False):
            doc = "" if r.doc_id is None or r.doc_id != r.doc_id else f" [{r.doc_id}]"
            lines.append(f"  rejected {r.source}{doc}: {r.reason}")
        if len(rejects) > max_rows:
            lines.append(f"  ... and {len(rejects) - max_rows} more in rejects.csv")
    return "\n".join(lines)


def _heading(source: str) -> str | None:
    """The last Markdown heading of a cell's text (``## 3. Supervised classifier`` -> ``3. Supervised
    classifier``), or None.

    >>> _heading("Intro\\n## 3. Supervised classifier\\ntext")
    '3. Supervised classifier'
    """
    found = None
    for line in source.splitlines():
        if line.startswith("#") and line.lstrip("#").startswith(" ") and line.lstrip("# ").strip():
            found = line.lstrip("#").strip()
    return found


class SectionProgress:
    """Console progress of one executing notebook: which section (the last Markdown heading before the
    cell) is running, e.g. ``[run ] 05_validating_frames.ipynb · 3. Supervised classifier (cell 14/40, 52 s)``.

    :meth:`cell_start` is called as each cell starts (papermill calls it for every cell), :meth:`tick`
    every few seconds while a cell runs. A line is written when a code cell starts in a new section, or
    when ``every`` seconds passed since the last line (so at most one line per section or per ``every``
    seconds, never one per cell; a long cell gets one line every ``every`` seconds).
    """

    def __init__(self, name: str, n_cells: int, *, every: float = 30.0, clock=time.monotonic, write=None):
        self.name, self.n_cells, self.every, self.clock = name, n_cells, every, clock
        self.write = write or (lambda line: print(line, flush=True))
        self.start = clock()
        self.section: str | None = None
        self.shown: str | None = None
        self.last_line: float | None = None
        self.index: int | None = None

    def cell_start(self, cell, index: int | None) -> str | None:
        """Note the cell that starts; return the line written, if any."""
        if cell.get("cell_type") == "markdown":
            self.section = _heading(cell.get("source", "")) or self.section
            return None
        if cell.get("cell_type") != "code":
            return None
        self.index = index or 0
        now = self.clock()
        if self.section == self.shown and self.last_line is not None and now - self.last_line < self.every:
            return None
        return self._line(now)

    def tick(self) -> str | None:
        """While a code cell runs: write its line again when ``every`` seconds passed since the last one."""
        now = self.clock()
        if self.index is None or self.last_line is None or now - self.last_line < self.every:
            return None
        return self._line(now)

    def _line(self, now: float) -> str:
        index = self.index or 0
        where = f" · {self.section}" if self.section else ""
        line = (f"[run ] {self.name}{where} (cell {index + 1}/{self.n_cells}, "
                f"{now - self.start:.0f} s)")
        self.shown, self.last_line = self.section, now
        self.write(line)
        return line


def _progress_engine(reporter_for, *, tick_every: float = 5.0):
    """A papermill engine (nbclient's) whose cell starts also go to ``reporter_for(nb)``'s ``cell_start``,
    and a background thread calls its ``tick`` every ``tick_every`` seconds while the notebook runs."""
    import threading

    from papermill.engines import NBClientEngine

    class ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            reporter = reporter_for(nb_man.nb)
            papermill_start = nb_man.cell_start

            def cell_start(cell, cell_index=None, **kw):
                reporter.cell_start(cell, cell_index)
                return papermill_start(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            stop = threading.Event()

            def beat():
                while not stop.wait(tick_every):
                    reporter.tick()

            thread = threading.Thread(target=beat, name="notebook-progress", daemon=True)
            thread.start()
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                stop.set()
                thread.join()

    return ProgressEngine


def run_notebook(nb: Path, *, output_dir: Path, corpus: str | None = None, seed: int = 42,
                 params: dict | None = None, quick: bool = False, progress: bool = True) -> Path:
    """Execute one notebook; return the executed copy. Raises with the failing cell on error.

    ``params`` are extra parameters; only those the notebook declares are passed to it. ``quick=True``
    sets the notebook's ``quick`` parameter when it declares one. ``progress``: print the running section
    (:class:`SectionProgress`).
    """
    import papermill as pm
    from papermill.engines import papermill_engines

    out_nb = output_dir / "notebooks" / nb.name
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    declared = declared_parameters(nb) if params or quick else set()
    extra = {k: v for k, v in (params or {}).items() if k in declared}
    if quick and "quick" in declared:
        extra["quick"] = True
    engine = None
    if progress:
        engine = "analysis-progress"
        papermill_engines.register(engine, _progress_engine(lambda book: SectionProgress(nb.name, len(book.cells))))
    pm.execute_notebook(
        str(nb), str(out_nb),
        parameters={"corpus": corpus, "output_dir": str(output_dir.resolve()), "seed": seed, **extra},
        cwd=str(nb.parent), kernel_name="python3", language="python", progress_bar=False, log_output=False,
        engine_name=engine,
    )
    return out_nb


def run_all(*, output_dir: Path, corpus: str | None = None, seed: int = 42, only: list[str] | None = None,
            force: bool = False, notebook_dir: Path = NOTEBOOK_DIR, params: dict | None = None,
            quick: bool = False) -> list[dict]:
    """Run the notebooks, skipping up-to-date ones; return one record per notebook (``notebook``,
    ``status``, ``seconds``, ``share`` of the run's notebook time and ``quick``: whether it ran in quick
    mode), and print each one's time and share.

    ``quick=True`` goes to the notebooks that declare a ``quick`` parameter; it is part of every stamp.

    ``params`` (e.g. ``{"actors": "my_actors.yaml"}``) go to the notebooks that declare them; a name no
    notebook declares is an error (a typo would otherwise be silently ignored).
    """
    output_dir = Path(output_dir)
    check_output_dir(corpus, output_dir)
    params = dict(params or {})
    if params:
        known = set().union(*(declared_parameters(nb) for nb in list_notebooks(notebook_dir)))
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(f"no notebook declares parameter(s) {unknown}; declared: {sorted(known)}")
    stamps_path = output_dir / "notebooks" / ".stamps.json"
    stamps = json.loads(stamps_path.read_text()) if stamps_path.exists() else {}
    inputs = [PROJECT_ROOT / "analysis"] + ([Path(corpus)] if corpus else [PROJECT_ROOT / "seeds"])
    inputs += [Path(v) for v in params.values() if isinstance(v, str) and Path(v).exists()]
    env = environment_key()
    check_environment(env)  # a missing model fails here, not as "[skip] up to date" or deep in a notebook
    records = []
    for nb in list_notebooks(notebook_dir, only):
        key = _digest([nb, *inputs], json.dumps([corpus, seed, params, env, {"quick": bool(quick)}],
                                                sort_keys=True, default=str))
        out_nb = output_dir / "notebooks" / nb.name
        if not force and stamps.get(nb.name) == key and out_nb.exists():
            print(f"[skip] {nb.name}: up to date", flush=True)
            records.append({"notebook": nb.name, "status": "up to date", "seconds": 0.0, "share": 0.0,
                            "quick": False})
            continue
        is_quick = bool(quick) and "quick" in declared_parameters(nb)
        print(f"[run ] {nb.name} ...{' (quick mode)' if is_quick else ''}", flush=True)
        t0 = time.perf_counter()
        run_notebook(nb, output_dir=output_dir, corpus=corpus, seed=seed, params=params, quick=quick)
        secs = time.perf_counter() - t0
        print(f"[done] {nb.name} in {secs:.1f} s", flush=True)
        stamps[nb.name] = key
        stamps_path.parent.mkdir(parents=True, exist_ok=True)
        stamps_path.write_text(json.dumps(stamps, indent=1))
        records.append({"notebook": nb.name, "status": "executed", "seconds": secs, "quick": is_quick})
    total = sum(r["seconds"] for r in records)
    for r in records:
        r["share"] = round(r["seconds"] / total, 3) if total else 0.0
        r["seconds"] = round(r["seconds"], 1)
        if r["status"] == "executed":
            print(f"[time] {r['notebook']} in {r['seconds']:.1f} s ({r['share']:.0%} of the run)"
                  + (" [quick]" if r["quick"] else ""), flush=True)
    quick_books = [r["notebook"] for r in records if r["quick"]]
    if quick_books:
        print(f"quick mode: fewer folds and restarts in {', '.join(quick_books)} (each notebook prints what it "
              "cut); figures are rougher; run without --quick for the full analysis", flush=True)
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=None, help="folder / CSV / TSV / JSONL / Parquet (default: the seeds)")
    ap.add_argument("--output-dir", default=None, type=Path,
                    help="default: outputs/ for the seeds, outputs/<corpus name>/ for --corpus")
    for name, (flag, what) in STORY_FILES.items():
        ap.add_argument(flag, default=None, dest=name, help=f"{what} (same as -p {name} PATH)")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                    help="extra notebook parameter, e.g. -p codebook policy_frames (repeatable)")
    ap.add_argument("--columns", default=None, metavar="OURS=YOURS,...",
                    help="column names of a table corpus, e.g. text=Article,outlet=Source,date='Date Published' "
                         "(our names: id, text, outlet, date, title, author)")
    ap.add_argument("--seed", default=42, type=int)
    ap.add_argument("--only", nargs="*", help="notebook prefixes to run, e.g. 01 03")
    ap.add_argument("--force", action="store_true", help="rerun notebooks that are up to date")
    ap.add_argument("--no-report", action="store_true", help="do not render the HTML report")
    ap.add_argument("--quick", action="store_true",
                    help="fewer cross-validation folds and topic-model restarts (rougher figures, faster)")
    args = ap.parse_args(argv)
    corpus = str(Path(args.corpus).resolve()) if args.corpus else None
    if corpus and not Path(corpus).exists():
        print(f"error: corpus {corpus} does not exist", file=sys.stderr)
        return 2
    if args.output_dir is None:
        args.output_dir = default_output_dir(corpus)
    try:
        check_output_dir(corpus, args.output_dir)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    params = {name: _parameter_value(value) for name, value in args.parameter}
    columns = None
    if args.columns is not None:
        try:
            columns = parse_columns(args.columns)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        params["columns"] = columns
    for name, (flag, what) in STORY_FILES.items():
        value = getattr(args, name)
        if value is None:
            continue
        if not Path(value).exists():
            print(f"error: {flag} {value} does not exist", file=sys.stderr)
            return 2
        path = Path(value).resolve()
        params[name] = str(path / "story.yaml" if name == "story" and path.is_dir() else path)
    t0 = time.perf_counter()
    from analysis.corpus.load import CorpusError
    from analysis.corpus.parse import ModelNotFoundError

    report_options = {"columns": columns} if columns else {}
    if params.get("story"):
        try:
            from analysis.story import StoryError, load_story

            aliases = dict(load_story(params["story"]).outlet_aliases)
        except (StoryError, OSError):  # a malformed story file is reported by the notebooks, with its key
            aliases = {}
        if aliases:
            report_options["outlet_aliases"] = aliases
    try:
        rep = write_corpus_report(corpus, Path(args.output_dir), **report_options)
    except (CorpusError, FileNotFoundError) as exc:  # the source as a whole cannot be read
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_corpus_report(rep, Path(args.output_dir)), flush=True)
    try:
        recs = run_all(output_dir=args.output_dir, corpus=corpus, seed=args.seed, only=args.only, force=args.force,
                       params=params, quick=args.quick)
    except (ValueError, ModelNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    figs = sorted((Path(args.output_dir) / "figures").glob("*.png"))
    print(f"{len(recs)} notebooks, {len(figs)} figures in {Path(args.output_dir) / 'figures'} "
          f"({time.perf_counter() - t0:.1f} s)")
    if not args.no_report and not args.only:
        from analysis.run.report import build_report

        print(f"report: {build_report(args.output_dir)} (open it in a browser; it needs no network)")
    # --- evidence explorer and tidy exports (analysis.run.exports; docs/exports_and_explorer.md) ---
    if not args.no_report and not args.only:
        from analysis.run.exports import write_run_outputs

        extras = write_run_outputs(args.output_dir, corpus=corpus, story=params.get("story"), seed=args.seed,
                                   actors=params.get("actors"), framing_terms=params.get("framing_terms"),
                                   markers=params.get("attribution_markers"))
        print(f"evidence explorer: {extras['explorer']}; tables: {extras['tables']}")
    # --- end of the evidence explorer and tidy exports ---
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
