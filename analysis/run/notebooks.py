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
go to ``<output-dir>/notebooks/``, figures to ``<output-dir>/figures/``, the static HTML report (see
:mod:`analysis.run.report`) to ``<output-dir>/report/`` (for students, without the worked solutions) and
``<output-dir>/report_instructor/`` (the instructor key).

**What reruns** (like the declared inputs and outputs of spaCy projects' steps; stamps in
``<output-dir>/notebooks/.stamps.json``): a notebook is executed when its *execution stamp* changed: its code
cells (:func:`execution_fingerprint`), the ``analysis`` package, the corpus, the parameters, the environment or
quick mode (:func:`inputs_key`). When only its text changed (Markdown, tags such as ``solution``, cell
metadata), no kernel starts: the new text is carried into the executed copy, whose outputs are kept
(:func:`carry_text`; ``[text] 03_sentiment.ipynb: markdown changed, outputs kept``), unless the executed copy's
code cells do not match the notebook's one to one. After the notebooks, the corpus report (rejects and issues),
the HTML report and the evidence explorer with the tidy exports each run only when their own inputs changed
(``[skip] report: up to date``). ``--force`` reruns everything. The kernel runs with transport encryption
(:func:`kernel_config`), so it prints no warning about unencrypted TCP.

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


def list_notebooks(folder: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """Notebooks named ``NN_*.ipynb`` in order (exercise copies under ``exercises/`` are not run)."""
    folder = NOTEBOOK_DIR if folder is None else Path(folder)
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        books = [p for p in books if any(p.name.startswith(o) for o in only)]
    return books


def digest_files(paths: list[Path], extra: str) -> str:
    """SHA-256 of ``extra`` and every file under ``paths`` (names and bytes; ``__pycache__`` left out)."""
    h = hashlib.sha256(extra.encode())
    for p in paths:
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(p.parent if p.is_dir() else f.parent)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


#: Cell tags that change how a cell executes (papermill's ``parameters``, nbclient's ``raises-exception`` and
#: ``skip-execution``): part of :func:`execution_fingerprint`. Other tags (``solution``, ...) are text.
EXECUTION_TAGS = frozenset({"parameters", "raises-exception", "skip-execution"})


def _code_cells(nb) -> list:
    """The code cells of a notebook (a NotebookNode or its JSON as a dict), without the cell papermill injects
    (``injected-parameters``)."""
    return [c for c in nb["cells"] if c["cell_type"] == "code"
            and "injected-parameters" not in c.get("metadata", {}).get("tags", [])]


def execution_fingerprint(nb) -> str:
    """What executing a notebook depends on in the notebook itself: its kernel and language, and its code
    cells in order (source and :data:`EXECUTION_TAGS`). Markdown, raw cells, outputs and other metadata are
    left out, so editing the text of a notebook does not make it stale (:func:`carry_text` carries the new
    text into the executed copy instead). ``nb`` is a path or a notebook.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Old"), nbformat.v4.new_code_cell("x = 1")])
    >>> before = execution_fingerprint(nb)
    >>> nb.cells[0].source = "# New title"; nb.cells[1].metadata["tags"] = ["solution"]
    >>> execution_fingerprint(nb) == before
    True
    >>> nb.cells[1].source = "x = 2"
    >>> execution_fingerprint(nb) == before
    False
    """
    if isinstance(nb, (str, Path)):  # read as JSON: no nbformat import when every notebook is up to date
        nb = json.loads(Path(nb).read_text(encoding="utf-8"))
    text = lambda v: "".join(v) if isinstance(v, list) else v  # noqa: E731  (stored sources are lists of lines)
    meta = nb.get("metadata", {})
    spec = meta.get("kernelspec", {})
    cells = [[text(c.get("source", "")), sorted(EXECUTION_TAGS.intersection(c.get("metadata", {}).get("tags", [])))]
             for c in _code_cells(nb)]
    payload = [spec.get("name"), spec.get("language"), meta.get("language_info", {}).get("name"), cells]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def carry_text(source, executed):
    """The executed notebook with the text of ``source``: its Markdown and raw cells, cell tags and metadata,
    and the outputs of the executed copy, without running a kernel. Returns None when the code cells of the two
    do not match one to one (same number, same sources, in order): then the notebook must be executed.

    The cell papermill injected after the ``parameters`` cell is kept, as are the executed copy's notebook
    metadata (papermill's record of the run, the kernel's ``language_info``).

    >>> import nbformat
    >>> v4 = nbformat.v4
    >>> src = v4.new_notebook(cells=[v4.new_markdown_cell("# New text"), v4.new_code_cell("print(1)")])
    >>> run = v4.new_notebook(cells=[v4.new_markdown_cell("# Old text"), v4.new_code_cell(
    ...     "print(1)", outputs=[v4.new_output("stream", text="1\\n")])])
    >>> out = carry_text(src, run)
    >>> out.cells[0].source, out.cells[1].outputs[0].text
    ('# New text', '1\\n')
    >>> src.cells[1].source = "print(2)"
    >>> carry_text(src, run) is None
    True
    """
    import copy

    ran = _code_cells(executed)
    wanted = _code_cells(source)
    if len(ran) != len(wanted) or any(a.source != b.source for a, b in zip(wanted, ran)):
        return None
    injected = [c for c in executed.cells if c.cell_type == "code"
                and "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    out = copy.deepcopy(source)
    meta = copy.deepcopy(executed.metadata)
    meta.update({k: v for k, v in copy.deepcopy(source.metadata).items() if k not in ("papermill", "language_info")})
    out.metadata = meta
    cells, old = [], iter(ran)
    for cell in out.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        before = next(old)
        cell.outputs = copy.deepcopy(before.get("outputs", []))
        cell.execution_count = before.get("execution_count")
        for key in ("execution", "papermill"):
            if key in before.get("metadata", {}):
                cell.metadata[key] = copy.deepcopy(before.metadata[key])
        if "parameters" in cell.metadata.get("tags", []) and injected:
            cells.append(copy.deepcopy(injected.pop(0)))
    out.cells = cells
    return out


def _text_changes(source, executed) -> str:
    """What :func:`carry_text` carries, for the console: ``markdown`` or ``cell metadata`` (or ``notebook
    metadata``)."""
    def md(nb):
        return [c.source for c in nb.cells if c.cell_type != "code"]

    if md(source) != md(executed):
        return "markdown changed"
    if [c.get("metadata", {}).get("tags", []) for c in _code_cells(source)] != \
            [[t for t in c.get("metadata", {}).get("tags", []) if t != "injected-parameters"]
             for c in _code_cells(executed)]:
        return "cell tags changed"
    return "cell metadata changed"


#: ``ANALYSIS_*`` settings that change where things go or how fast, never a result: left out of the stamps.
RESULT_NEUTRAL_SETTINGS = frozenset({"ANALYSIS_CACHE_DIR", "ANALYSIS_OUTPUT_DIR", "ANALYSIS_N_PROCESS",
                                     "ANALYSIS_START_METHOD"})


def _model_meta(model: str) -> dict | None:
    """The spaCy pipeline's ``meta.json`` (installed package or folder), or None when there is none. The
    package is found without importing it (or spaCy), so an up-to-date run starts fast."""
    from importlib.util import find_spec

    path = None
    try:
        spec = find_spec(model) if model.isidentifier() else None
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent
    elif spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0])
    try:
        meta = json.loads(((path or Path(model).expanduser()) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
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
        from importlib.metadata import PackageNotFoundError, version

        try:
            spacy_version = version("spacy")
        except PackageNotFoundError:  # pragma: no cover - spaCy is a dependency
            spacy_version = None
        spacy_model.update(version=meta.get("version"), pipeline=meta.get("pipeline"),
                           model_name=f"{meta.get('lang', '')}_{meta.get('name', '')}", spacy=spacy_version)
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
    ``rejects.csv`` and ``issues.csv`` to ``output_dir``; return counts. ``warnings`` counts the warnings about
    documents that are in the corpus (:func:`analysis.viz.tables.kept_warnings`): a row warned about (HTML
    markup) and then rejected (nothing but markup) is counted once, as a reject.

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
    from analysis.viz.tables import kept_warnings

    return {"documents": n_docs, "rejected": len(rejects),
            "warnings": len(kept_warnings(issues, rejects)),  # a row warned about and then rejected is a reject
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


def kernel_config():
    """The traitlets configuration the runner gives nbclient's kernel manager: transport encryption
    (CurveZMQ keys provisioned by the manager, ``KernelManager.transport_encryption = "auto"``) when pyzmq
    supports it and this jupyter_client knows the setting. A kernel that declares support (ipykernel >= 7.3)
    then runs encrypted and does not print ``Kernel is running over TCP without encryption`` once per notebook;
    an older kernel runs as before (it never printed that line).

    >>> cfg = kernel_config(); "transport_encryption" not in cfg.KernelManager or cfg.KernelManager.transport_encryption == "auto"
    True
    """
    from traitlets.config import Config

    cfg = Config()
    try:
        import zmq
        from jupyter_client.manager import KernelManager
    except ImportError:  # pragma: no cover - both are papermill dependencies
        return cfg
    if zmq.has("curve") and KernelManager.class_traits().get("transport_encryption") is not None:
        cfg.KernelManager.transport_encryption = "auto"
    return cfg


def run_notebook(nb: Path, *, output_dir: Path, corpus: str | None = None, seed: int = 42,
                 params: dict | None = None, quick: bool = False, progress: bool = True) -> Path:
    """Execute one notebook; return the executed copy. Raises with the failing cell on error.

    ``params`` are extra parameters; only those the notebook declares are passed to it. ``quick=True``
    sets the notebook's ``quick`` parameter when it declares one. ``progress``: print the running section
    (:class:`SectionProgress`). The kernel runs with :func:`kernel_config`.
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
        engine_name=engine, config=kernel_config(),
    )
    return out_nb


#: Version of the stamps file (``<output-dir>/notebooks/.stamps.json``); a file of another version is ignored
#: (everything reruns once).
STAMPS_VERSION = 2


def read_stamps(output_dir: Path) -> dict:
    """The run's stamps: ``{"version", "notebooks": {name: {"execute", "text", "seconds", "quick", "when"}},
    "steps": {step: {"key", ...}}}``; empty ones when the file is absent, unreadable or of another version."""
    path = Path(output_dir) / "notebooks" / ".stamps.json"
    try:
        stamps = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    if not isinstance(stamps, dict) or stamps.get("version") != STAMPS_VERSION:
        stamps = {}
    return {"version": STAMPS_VERSION, "notebooks": dict(stamps.get("notebooks", {})),
            "steps": dict(stamps.get("steps", {}))}


def write_stamps(output_dir: Path, stamps: dict) -> None:
    """Write the stamps atomically (a run stopped halfway leaves the previous file or the new one)."""
    path = Path(output_dir) / "notebooks" / ".stamps.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(stamps, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def inputs_key(*, corpus: str | None = None, seed: int = 42, params: dict | None = None, env: dict | None = None,
               quick: bool = False) -> str:
    """The part of every notebook's stamp that is not the notebook: the ``analysis`` package (code and data
    files), the corpus (file or folder bytes; the seeds by default), every parameter that names an existing
    file, the parameters themselves, the environment (:func:`environment_key`) and quick mode."""
    params = dict(params or {})
    inputs = [PROJECT_ROOT / "analysis"] + ([Path(corpus)] if corpus else [PROJECT_ROOT / "seeds"])
    inputs += [Path(v) for v in params.values() if isinstance(v, str) and Path(v).exists()]
    env = environment_key() if env is None else env
    return digest_files(inputs, json.dumps([corpus, seed, params, env, {"quick": bool(quick)}], sort_keys=True,
                                      default=str))


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write_notebook(nb, path: Path) -> None:
    import nbformat

    tmp = path.with_name(path.name + ".tmp")
    nbformat.write(nb, str(tmp))
    tmp.replace(path)


def run_all(*, output_dir: Path, corpus: str | None = None, seed: int = 42, only: list[str] | None = None,
            force: bool = False, notebook_dir: Path | None = None, params: dict | None = None,
            quick: bool = False) -> list[dict]:
    """Run the notebooks of ``notebook_dir`` (default :data:`NOTEBOOK_DIR`) that are stale; return one record
    per notebook (``notebook``, ``status``, ``seconds``, ``share`` of the run's notebook time and ``quick``:
    whether it ran in quick mode), and print each executed one's time and share.

    A notebook's stamp has two parts, like the declared inputs of a spaCy project's steps:

    * ``execute``: :func:`inputs_key` (package, corpus, parameters, environment, quick mode) and the
      notebook's :func:`execution_fingerprint` (its code cells). When it changed, the notebook is executed
      (status ``executed``).
    * ``text``: the notebook file's bytes. When only it changed (Markdown, tags such as ``solution``, cell
      metadata), the new text is carried into the executed copy (:func:`carry_text`) without starting a kernel,
      and the console says so: ``[text] 03_sentiment.ipynb: markdown changed, outputs kept`` (status
      ``text updated``). If the executed copy's code cells do not match the notebook's one to one, the
      notebook is executed.

    Nothing changed: ``[skip] ... up to date``. ``force=True`` executes every notebook.
    ``quick=True`` goes to the notebooks that declare a ``quick`` parameter; it is part of every stamp.
    ``params`` (e.g. ``{"actors": "my_actors.yaml"}``) go to the notebooks that declare them; a name no
    notebook declares is an error (a typo would otherwise be silently ignored).
    """
    notebook_dir = NOTEBOOK_DIR if notebook_dir is None else Path(notebook_dir)
    output_dir = Path(output_dir)
    check_output_dir(corpus, output_dir)
    params = dict(params or {})
    if params:
        known = set().union(*(declared_parameters(nb) for nb in list_notebooks(notebook_dir)))
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(f"no notebook declares parameter(s) {unknown}; declared: {sorted(known)}")
    stamps = read_stamps(output_dir)
    env = environment_key()
    check_environment(env)  # a missing model fails here, not as "[skip] up to date" or deep in a notebook
    common = inputs_key(corpus=corpus, seed=seed, params=params, env=env, quick=quick)
    records = []
    for nb in list_notebooks(notebook_dir, only):
        execute_key = hashlib.sha256(f"{common}|{execution_fingerprint(nb)}".encode()).hexdigest()
        text_key = hashlib.sha256(nb.read_bytes()).hexdigest()
        out_nb = output_dir / "notebooks" / nb.name
        old = stamps["notebooks"].get(nb.name, {})
        if not force and old.get("execute") == execute_key and out_nb.exists():
            if old.get("text") == text_key:
                print(f"[skip] {nb.name}: up to date", flush=True)
                records.append({"notebook": nb.name, "status": "up to date", "seconds": 0.0, "share": 0.0,
                                "quick": False})
                continue
            import nbformat

            source, executed = nbformat.read(str(nb), as_version=4), nbformat.read(str(out_nb), as_version=4)
            carried = carry_text(source, executed)
            if carried is not None:
                _write_notebook(carried, out_nb)
                print(f"[text] {nb.name}: {_text_changes(source, executed)}, outputs kept", flush=True)
                stamps["notebooks"][nb.name] = {**old, "text": text_key}
                write_stamps(output_dir, stamps)
                records.append({"notebook": nb.name, "status": "text updated", "seconds": 0.0, "share": 0.0,
                                "quick": False})
                continue
            print(f"[run ] {nb.name}: its executed copy's code cells do not match the notebook's", flush=True)
        is_quick = bool(quick) and "quick" in declared_parameters(nb)
        print(f"[run ] {nb.name} ...{' (quick mode)' if is_quick else ''}", flush=True)
        t0 = time.perf_counter()
        run_notebook(nb, output_dir=output_dir, corpus=corpus, seed=seed, params=params, quick=quick)
        secs = time.perf_counter() - t0
        print(f"[done] {nb.name} in {secs:.1f} s", flush=True)
        stamps["notebooks"][nb.name] = {"execute": execute_key, "text": text_key, "seconds": round(secs, 1),
                                        "quick": is_quick, "when": _now()}
        write_stamps(output_dir, stamps)
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


def notebook_times(output_dir: str | Path) -> dict[str, dict]:
    """Each notebook's last measured execution (``seconds``, ``when``, ``quick``) from the run's stamps: what
    the report index shows as the time a notebook takes to run."""
    return {name: {k: st.get(k) for k in ("seconds", "when", "quick")}
            for name, st in read_stamps(Path(output_dir))["notebooks"].items() if st.get("seconds") is not None}


def step_up_to_date(stamps: dict, step: str, key: str, outputs: list[Path]) -> bool:
    """Whether a step after the notebooks (corpus report, report, evidence explorer and exports) ran with these
    inputs (``key``) and its outputs are all there."""
    return stamps["steps"].get(step, {}).get("key") == key and all(Path(p).exists() for p in outputs)


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
    out = Path(args.output_dir)
    env = environment_key()
    stamps = read_stamps(out)
    corpus_key = inputs_key(corpus=corpus, params=report_options, env=env)
    corpus_files = [out / "rejects.csv", out / "issues.csv"]
    if not args.force and step_up_to_date(stamps, "corpus report", corpus_key, corpus_files):
        print(stamps["steps"]["corpus report"]["summary"], flush=True)
    else:
        try:
            rep = write_corpus_report(corpus, out, **report_options)
        except (CorpusError, FileNotFoundError) as exc:  # the source as a whole cannot be read
            print(f"error: {exc}", file=sys.stderr)
            return 2
        summary = format_corpus_report(rep, out)
        print(summary, flush=True)
        stamps = read_stamps(out)
        stamps["steps"]["corpus report"] = {"key": corpus_key, "summary": summary}
        write_stamps(out, stamps)
    try:
        recs = run_all(output_dir=out, corpus=corpus, seed=args.seed, only=args.only, force=args.force,
                       params=params, quick=args.quick)
    except (ValueError, ModelNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    figs = sorted((out / "figures").glob("*.png"))
    print(f"{len(recs)} notebooks, {len(figs)} figures in {out / 'figures'} ({time.perf_counter() - t0:.1f} s)")
    if args.no_report or args.only:
        return 0
    # each step after the notebooks runs only when its inputs changed (its stamp) or an output is missing
    from analysis.run.report import build_report, report_inputs_key

    stamps = read_stamps(out)
    report_key = report_inputs_key(out)
    index = out / "report" / "index.html"
    if not args.force and step_up_to_date(stamps, "report", report_key, [index, out / "report_instructor" / "index.html"]):
        print(f"[skip] report: up to date ({index})", flush=True)
    else:
        index = build_report(out)
        stamps = read_stamps(out)
        stamps["steps"]["report"] = {"key": report_key}
        write_stamps(out, stamps)
        print(f"report: {index} (open it in a browser; it needs no network); instructor key with the worked "
              f"solutions: {out / 'report_instructor' / 'index.html'} (do not share it with students)", flush=True)
    # --- evidence explorer and tidy exports (analysis.run.exports; docs/exports_and_explorer.md) ---
    from analysis.run.exports import write_run_outputs

    export_params = {k: params.get(k) for k in ("story", "actors", "framing_terms", "attribution_markers")}
    exports_key = inputs_key(corpus=corpus, seed=args.seed, params={k: v for k, v in export_params.items() if v},
                             env=env)
    explorer, tables = out / "evidence_explorer.html", out / "tables"
    if not args.force and step_up_to_date(stamps, "exports", exports_key, [explorer, tables / "manifest.json"]):
        print(f"[skip] evidence explorer and tables: up to date ({explorer}; {tables})", flush=True)
    else:
        import warnings

        from analysis.viz.tables import hide_input_warnings

        with warnings.catch_warnings():  # the loader's warnings about input rows were summarised above
            hide_input_warnings()
            extras = write_run_outputs(out, corpus=corpus, story=params.get("story"), seed=args.seed,
                                       actors=params.get("actors"), framing_terms=params.get("framing_terms"),
                                       markers=params.get("attribution_markers"))
        stamps = read_stamps(out)
        stamps["steps"]["exports"] = {"key": exports_key}
        write_stamps(out, stamps)
        print(f"evidence explorer: {extras['explorer']}; tables: {extras['tables']}")
    # --- end of the evidence explorer and tidy exports ---
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
