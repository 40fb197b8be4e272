"""spaCy parsing with an on-disk cache: sentences, tokens and entities as tidy tables.

Each document is parsed once per (text, model, model version, components): results are stored as
immutable Parquet shards (plus a spaCy ``DocBin`` for code that needs the dependency tree) under the
cache folder, so a second run parses nothing and a corpus with a few new documents parses only those.
Paragraph breaks (blank lines in the clean text) are forced sentence boundaries, so a sentence never
spans a heading and the next paragraph. Character offsets are into the clean document text.

For large corpora: token attributes are read with one ``Doc.to_array`` call per document (no
per-token Python); with ``n_process > 1`` the worker processes parse *and* write their own shards, so
Docs never travel back to the main process; shards are written as they fill, so memory does not grow
with the corpus; ``load_tables=False`` with :func:`analysis.corpus.shards.read_table` keeps the tables on
disk. The shard format is :mod:`analysis.corpus.shards`; the same shards can be written by a Dask cluster
(:mod:`analysis.corpus.distributed`). Figures: ``docs/performance.md``.

>>> import pandas as pd, tempfile
>>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Meridian denied it.\\n\\nThe council disagreed."]})
>>> parsed = parse_documents(docs, cache_dir=tempfile.mkdtemp(), progress=False)
>>> parsed.sentences.text.tolist()
['Meridian denied it.', 'The council disagreed.']
>>> parsed.stats.n_parsed, parse_documents(docs, cache_dir=parsed.stats.cache_dir, progress=False).stats.n_parsed
(1, 0)
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.config import SPACY_MODEL_INSTALL_HINT, get_settings
from analysis.corpus.shards import (
    ENTITY_COLUMNS, SENTENCE_COLUMNS, SHARD_SIZE, TOKEN_COLUMNS, Parsed, ParseStats, drop_damaged_shards,
    read_tables, release_free_memory, shard_index, write_shards,
)

#: Components of a standard English spaCy pipeline; callers may ask for a subset.
ALL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
#: Bump when the cached table layout or sentence rules change, so stale caches are not reused.
#: 3: stray punctuation sentences are joined in the Docs too (:func:`attach_stray_punctuation`).
#: 4: every shard has a ``checksums.json`` (:func:`analysis.corpus.shards.verify_shard`).
CACHE_FORMAT = "4"
_ZONE_LOCK = threading.Lock()  # one spaCy memory zone at a time per process


class ModelNotFoundError(RuntimeError):
    """The configured spaCy pipeline is not installed."""


def load_model(name: str | None = None, components: Sequence[str] | None = None):
    """Load a spaCy pipeline once per process, keeping only ``components`` (plus what they need).

    Raises :class:`ModelNotFoundError` naming the install command when the model is missing.
    """
    return _load_model(name or get_settings().spacy_model, tuple(components) if components is not None else None)


def models_loaded() -> int:
    """How many spaCy pipelines this process has loaded (a load per model and component set, then cached).

    >>> models_loaded() >= 0
    True
    """
    return _load_model.cache_info().misses


@lru_cache(maxsize=4)
def _load_model(name: str, components: tuple[str, ...] | None):
    import spacy
    from spacy.language import Language

    if not Language.has_factory("paragraph_breaks"):
        Language.component("paragraph_breaks", func=_paragraph_breaks)
    if not Language.has_factory("attach_stray_punctuation"):
        Language.component("attach_stray_punctuation", func=attach_stray_punctuation)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotFoundError(
            f"spaCy model {name!r} is not installed. Install it with: {SPACY_MODEL_INSTALL_HINT}"
        ) from exc
    if components is not None:
        wanted = set(components)
        if wanted & {"tagger", "parser", "ner", "lemmatizer"}:
            wanted.add("tok2vec")
        if "lemmatizer" in wanted:
            wanted |= {"tagger", "attribute_ruler"}
        drop = [p for p in nlp.pipe_names if p not in wanted]
        for p in drop:
            nlp.remove_pipe(p)
        if "parser" not in nlp.pipe_names and "senter" in nlp.component_names:
            nlp.enable_pipe("senter")
    first = "parser" if "parser" in nlp.pipe_names else ("senter" if "senter" in nlp.pipe_names else None)
    nlp.add_pipe("paragraph_breaks", before=first) if first else nlp.add_pipe("paragraph_breaks")
    nlp.add_pipe("attach_stray_punctuation", after=first) if first else nlp.add_pipe("attach_stray_punctuation")
    return nlp


def _paragraph_breaks(doc):
    """Force a sentence start after every blank line (paragraph boundary)."""
    from spacy.attrs import IS_SPACE

    if len(doc) < 2:
        return doc
    for i in np.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():  # only whitespace tokens, no per-token loop
        if doc[i].text.count("\n") >= 2:
            doc[i + 1].is_sent_start = True
    return doc


def attach_stray_punctuation(doc):
    """Join a "sentence" of only punctuation or whitespace (a closing quote or bracket the parser split off)
    to the sentence before it when at most one character separates them; a leading one joins the next.

    With a dependency parse the stray sentence's root is attached to the previous sentence's root (so the
    Doc's sentences follow from its tree), otherwise its first token stops being a sentence start. The
    sentence table and the Docs saved in the cache therefore have the same sentences.

    >>> import spacy; from spacy.tokens import Doc
    >>> d = Doc(spacy.blank("en").vocab, words=["Hi", ".", '"', "Bye", "."], spaces=[False, False, True, False, False],
    ...         sent_starts=[True, False, True, True, False])
    >>> [s.text for s in attach_stray_punctuation(d).sents]
    ['Hi."', 'Bye.']
    """
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START

    n = len(doc)
    if n < 2 or not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return doc
    a = doc.to_array([SENT_START, IS_PUNCT, IS_SPACE, IDX, LENGTH]).astype(np.int64)
    starts_mask = a[:, 0] == 1
    starts_mask[0] = True
    starts = np.flatnonzero(starts_mask)
    if len(starts) < 2:
        return doc
    space, punct = a[:, 2].astype(bool), a[:, 1].astype(bool)
    ends = np.append(starts[1:], n)
    no_word = np.add.reduceat((~space).astype(np.int64), starts) == 0
    stray = no_word | (np.add.reduceat((~(punct | space)).astype(np.int64), starts) == 0)
    word_idx = np.flatnonzero(~space)
    parsed = doc.has_annotation("DEP")
    for k in np.flatnonzero(stray).tolist():
        b, e = int(starts[k]), int(ends[k])
        if k == 0:
            if not no_word[0]:
                continue  # a leading quote or bracket opens the next sentence's text; leave it
            target = int(starts[1])
        else:
            if not no_word[k]:
                prev_words = word_idx[word_idx < b]
                if not len(prev_words):
                    continue
                last = int(prev_words[-1])
                first = int(word_idx[(word_idx >= b) & (word_idx < e)][0])
                if a[first, 3] - (a[last, 3] + a[last, 4]) > 1:
                    continue
            target = b - 1
        if parsed:
            root = doc[b:e].root
            other = doc[target].sent.root
            root.head = other
            root.dep_ = "punct" if root.is_punct else "dep"
        elif k == 0:
            doc[target].is_sent_start = False
        else:
            doc[b].is_sent_start = False
    return doc


def model_meta(name: str) -> dict:
    """The pipeline's ``meta.json`` without loading its weights, and without importing spaCy (which imports
    thinc and torch: about 3 s that a session reading only cached tables need not pay); falls back to loading.

    >>> model_meta(get_settings().spacy_model)["lang"]
    'en'
    """
    import importlib.util

    path = Path(name)
    if not (path / "meta.json").is_file() and name.isidentifier():
        try:   # an installed pipeline package: its folder, found without running its __init__
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            path = Path(next(iter(spec.submodule_search_locations)))
    try:
        return json.loads((path / "meta.json").read_text())
    except (OSError, ValueError):
        return dict(load_model(name).meta)


def _spacy_version() -> str:
    """spaCy's version from its installed metadata (``spacy.__version__`` without importing spaCy)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spacy")
    except PackageNotFoundError:
        import spacy

        return spacy.__version__


def _cache_root(cache_dir: Path, meta: dict, components: tuple[str, ...]) -> Path:
    tag = f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"
    comp = hashlib.sha1(",".join(sorted(components)).encode()).hexdigest()[:8]
    return cache_dir / "parse" / f"{tag}-spacy{_spacy_version()}-{comp}-f{CACHE_FORMAT}"


def text_key(text: str) -> str:
    """Cache key of a clean text (SHA-256 of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _n_process(n_docs: int, total_chars: int, requested: int | None) -> int:
    if requested:
        return max(1, requested)
    if n_docs < 50 or total_chars < 200_000:
        return 1  # worker start-up costs more than it saves on small work
    return max(1, min(os.cpu_count() or 1, 4))


@dataclass
class ParsePlan:
    """What a parse has to do: cache keys of every document and the keys not yet in the cache."""

    model: str
    components: tuple[str, ...]
    meta: dict
    cache_dir: Path
    root: Path
    keys: dict[str, str]  # doc_id -> cache key
    texts: "_Texts"  # cache key -> text
    index: dict[str, Path]  # cache key -> shard holding it
    todo: list[str]  # keys to parse, each once, in corpus order
    started: float

    def chunk(self, start: int, size: int) -> list[tuple[str, str]]:
        """``(key, text)`` pairs of ``todo[start:start + size]``, read when a chunk is sent, not all up front."""
        return [(k, self.texts[k]) for k in self.todo[start:start + size]]


class _Texts:
    """Cache key -> text, read from the documents' column on demand.

    With pandas' Arrow-backed ``str`` columns every read builds a new Python string, so a dict of all
    texts would be a second copy of the corpus held for the whole parse; this keeps one row number per key.

    >>> _Texts(pd.Series(["a b", "c"]), ["k1", "k2"])["k2"]
    'c'
    """

    def __init__(self, column: pd.Series, keys: Iterable[str]):
        self._values = column.array
        self._row: dict[str, int] = {}
        for i, k in enumerate(keys):
            self._row.setdefault(k, i)

    def __getitem__(self, key: str) -> str:
        return str(self._values[self._row[key]])

    def __len__(self) -> int:
        return len(self._row)


def plan_parse(
    documents: pd.DataFrame,
    *,
    model: str | None = None,
    components: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
) -> ParsePlan:
    """Hash every text and look it up in the cache (no parsing); used by local and Dask parsing.

    >>> import pandas as pd, tempfile
    >>> plan_parse(pd.DataFrame({"doc_id": ["a"], "text": ["Hi."]}), cache_dir=tempfile.mkdtemp()).todo == [text_key("Hi.")]
    True
    """
    settings = get_settings()
    comps = tuple(components) if components is not None else ALL_COMPONENTS
    model = model or settings.spacy_model
    meta = model_meta(model)
    cache = Path(cache_dir) if cache_dir is not None else settings.cache_dir
    root = _cache_root(cache, meta, comps)
    t0 = time.perf_counter()
    keys = {str(d): text_key(str(t)) for d, t in zip(documents["doc_id"], documents["text"])}
    index = drop_damaged_shards(root, shard_index(root), keys.values())  # damaged shards: removed, parsed again
    texts = _Texts(documents["text"], keys.values())
    todo = [k for k in dict.fromkeys(keys.values()) if k not in index]
    return ParsePlan(model=model, components=comps, meta=meta, cache_dir=cache, root=root, keys=keys,
                     texts=texts, index=index, todo=todo, started=t0)


def finish_parse(plan: ParsePlan, *, load_tables: bool = True) -> Parsed:
    """Assemble :class:`Parsed` once every key of ``plan`` is in the cache (reads the Parquet shards)."""
    missing = [k for k in plan.keys.values() if k not in plan.index]
    if missing:
        raise RuntimeError(f"{len(missing)} documents are not in the parse cache at {plan.root}")
    if load_tables:
        sentences, tokens, entities = read_tables(plan.keys, plan.index)
    else:
        sentences, tokens, entities = (_empty(c) for c in (SENTENCE_COLUMNS, TOKEN_COLUMNS, ENTITY_COLUMNS))
    n_unique = len(set(plan.keys.values()))
    stats = ParseStats(n_docs=len(plan.keys), n_cached=n_unique - len(plan.todo), n_parsed=len(plan.todo),
                       seconds=time.perf_counter() - plan.started, model=f"{plan.model} {plan.meta.get('version')}",
                       cache_dir=str(plan.cache_dir))
    shards = sorted({plan.index[k] for k in plan.keys.values()})
    return Parsed(sentences=sentences, tokens=tokens, entities=entities, stats=stats, shards=shards, keys=plan.keys)


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def parse_documents(
    documents: pd.DataFrame,
    *,
    model: str | None = None,
    components: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
    n_process: int | None = None,
    batch_size: int = 32,
    progress: bool | None = None,
    load_tables: bool = True,
) -> Parsed:
    """Parse ``documents`` (columns ``doc_id``, ``text``) through the cache; return tidy tables.

    ``components``: subset of the pipeline to run (default: all). ``n_process``: worker processes
    (default: 1 below 50 documents or 200,000 characters, else the number of cores, at most 4).
    ``progress``: tqdm bar (default: on when more than 20 documents need parsing). Parsed documents stream to disk shard by shard, so memory
    does not grow with the corpus; ``load_tables=False`` skips reading the tables back (then
    :func:`analysis.corpus.shards.read_table` reads one table, or some columns, from the Parquet shards).
    """
    plan = plan_parse(documents, model=model, components=components, cache_dir=cache_dir)
    if plan.todo:
        settings = get_settings()
        nlp = load_model(plan.model, plan.components)
        nproc = n_process or settings.n_process
        total_chars = sum(len(plan.texts[k]) for k in plan.todo)
        nproc = _n_process(len(plan.todo), total_chars, nproc)
        show = progress if progress is not None else len(plan.todo) > 20
        from analysis._progress import tqdm_class

        bar = tqdm_class()(total=len(plan.todo), desc=f"parsing with {plan.model}", unit="doc", disable=not show)
        if nproc == 1:
            written = []
            for i in range(0, len(plan.todo), SHARD_SIZE):
                written += parse_chunk(nlp, plan.chunk(i, SHARD_SIZE), plan.root, batch_size=batch_size,
                                        on_doc=lambda: bar.update(1))
        else:
            written = _parse_in_pool(plan, n_process=nproc, batch_size=batch_size, total_chars=total_chars,
                                     on_chunk=bar.update)
        for shard, ks in written:
            plan.index.update({kk: shard for kk in ks})
        bar.close()
    return finish_parse(plan, load_tables=load_tables)


def _pool_init(model: str, components: tuple[str, ...], parent_pid: int | None = None) -> None:
    if parent_pid is not None:
        exit_with_parent(parent_pid)  # before the model load: a parent killed meanwhile is noticed too
    load_model(model, components)  # once per worker (already loaded if inherited from the parent or the fork server)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, dead but not yet reaped, counts as gone).

    >>> process_alive(os.getpid())
    True
    """
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():  # Linux: the state letter follows the command name in parentheses
        try:
            return stat.read_text().rpartition(")")[2].split()[0] not in ("Z", "X")
        except (OSError, IndexError):
            return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exit_with_parent(parent_pid: int, *, interval: float = 0.5) -> threading.Thread:
    """Start a daemon thread that ends this (worker) process as soon as ``parent_pid`` has died.

    A parse worker whose parent is killed (``kill -9``, an out-of-memory kill) would otherwise keep its
    model in memory and wait forever on a queue whose writer is gone. Checked every ``interval`` seconds:
    this process was re-parented (``os.getppid()`` changed: the process that started it, the parent or
    the fork server, exited) or ``parent_pid`` is no longer a running process. Works with every start
    method, on Linux, macOS and (by the parent-pid check) Windows.

    >>> exit_with_parent(os.getppid(), interval=60).daemon
    True
    """
    first_ppid = os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != first_ppid or not process_alive(parent_pid):
                os._exit(70)  # no cleanup: the parent that would collect results is gone
            time.sleep(interval)

    t = threading.Thread(target=watch, name=f"exit-with-parent-{parent_pid}", daemon=True)
    t.start()
    return t


def parse_chunk(nlp, pairs: list[tuple[str, str]], root: str | Path, *, batch_size: int,
                 on_doc=None) -> list[tuple[Path, list[str]]]:
    """Parse ``(key, text)`` pairs into one shard inside a spaCy memory zone.

    The zone frees the strings and lexemes the chunk added to the vocabulary once the shard is written,
    so a long-running process does not grow with every new word it has seen (the Docs are not used
    after the zone: their tables and DocBin are already on disk). Zones must not overlap, so threads of one
    process (a Dask worker with several threads) parse their chunks one after another.
    """
    with _ZONE_LOCK, nlp.memory_zone():
        stream = _pipe_pieces(nlp, pairs, batch_size=batch_size)
        return write_shards(stream, root, shard_size=max(1, len(pairs)), on_doc=on_doc)


def split_long_text(text: str, max_chars: int) -> list[str]:
    """Cut ``text`` into consecutive pieces of at most ``max_chars`` characters that join back to ``text``.

    Cuts fall after a paragraph break (a blank line) where possible, else after a sentence end followed by
    whitespace, else after any whitespace, else (one enormous word) at ``max_chars``. Used for texts longer
    than the model's ``nlp.max_length``: each piece is parsed on its own and the Docs are joined, so every
    character offset still indexes the whole text.

    >>> split_long_text("One. Two.\\n\\nThree is here.", 12)
    ['One. Two.\\n\\n', 'Three is ', 'here.']
    >>> "".join(split_long_text("x" * 25, 10)) == "x" * 25
    True
    """
    import re

    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    pieces, start, n = [], 0, len(text)
    while n - start > max_chars:
        window = text[start:start + max_chars]
        cut = None
        for pattern in (r"\n[ \t]*\n\s*", r"[.!?][\"'”’)\]]*\s+", r"\s+"):
            ends = [m.end() for m in re.finditer(pattern, window)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or max_chars
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return [p for p in pieces if p] or [text]


#: A text longer than the model's ``max_length`` is parsed in pieces of at most this many characters
#: (spaCy needs about 1 GB of memory per 100,000 characters parsed at once).
LONG_TEXT_PIECE_CHARS = 100_000


def _pipe_pieces(nlp, pairs: list[tuple[str, str]], *, batch_size: int):
    """``nlp.pipe`` over ``(key, text)`` pairs yielding ``(Doc, key)``; a text longer than ``nlp.max_length``
    (which spaCy refuses, error E088) is parsed in pieces (:func:`split_long_text`) joined into one Doc."""
    from spacy.tokens import Doc

    limit = int(nlp.max_length)
    piece = min(limit, LONG_TEXT_PIECE_CHARS)

    def pieces():
        for k, t in pairs:
            parts = [t] if len(t) <= limit else split_long_text(t, piece)
            for j, part in enumerate(parts):
                yield part, (k, j, len(parts))

    held: list = []
    for doc, (key, j, n) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        if n == 1:
            yield doc, key
            continue
        held.append(doc)
        if j == n - 1:
            joined = Doc.from_docs(held, ensure_whitespace=False)
            held = []
            yield joined, key


def _pool_parse(pairs: list[tuple[str, str]], root: str, model: str, components: tuple[str, ...],
                batch_size: int) -> list[tuple[Path, list[str]]]:
    return parse_chunk(load_model(model, components), pairs, root, batch_size=batch_size)


FORK_MAX_CHARS = 5_000_000  # "auto": parses of fewer characters fork, longer ones use the fork server


def _start_method(requested: str, available: Sequence[str], *, total_chars: int) -> str:
    """The multiprocessing start method for parse workers.

    ``"auto"`` forks for short parses (a fresh fork server takes about 5 s to start) and uses the fork server
    for long ones: forked workers gradually copy the parent's memory, which grows with the corpus it
    holds, while workers forked from the small server only hold the model and one chunk. A method this
    platform lacks falls back to ``spawn``.

    >>> avail = ["fork", "spawn", "forkserver"]
    >>> _start_method("auto", avail, total_chars=10_000), _start_method("auto", avail, total_chars=10**8)
    ('fork', 'forkserver')
    >>> _start_method("fork", ["spawn"], total_chars=0)
    'spawn'
    """
    if requested not in ("auto", "fork", "forkserver", "spawn"):
        raise ValueError(f"start_method must be 'auto', 'fork', 'forkserver' or 'spawn', not {requested!r}")
    if requested == "auto":
        requested = "fork" if total_chars < FORK_MAX_CHARS else "forkserver"
    return requested if requested in available else "spawn"


def _parse_in_pool(plan: "ParsePlan", *, n_process: int, batch_size: int, total_chars: int,
                   on_chunk=None) -> list[tuple[Path, list[str]]]:
    """Parse ``plan.todo`` (``total_chars`` of text) with ``n_process`` workers that each write their own shards.

    Unlike ``nlp.pipe(n_process=...)``, parsed Docs never travel back to this process: workers
    extract the tables and pack the DocBin themselves and return only shard paths.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    todo = plan.todo
    size = max(16, min(SHARD_SIZE, -(-len(todo) // (8 * n_process))))  # ~8 chunks per worker, balanced tail
    starts = iter(range(0, len(todo), size))
    method = _start_method(get_settings().start_method, multiprocessing.get_all_start_methods(),
                           total_chars=total_chars)
    ctx = multiprocessing.get_context(method)
    started_server = method == "forkserver" and not _fork_server_running()
    if started_server:
        ctx.set_forkserver_preload(["analysis.corpus._parse_server"])
    written: list[tuple[Path, list[str]]] = []
    # Forked workers share the parent's pages until they write to them; the garbage collector of a
    # worker writes to every container object it inherited, copying the parent's heap page by page.
    # Freezing moves those objects out of the collector's reach for the life of the pool. Freed memory the
    # allocator still holds (e.g. from cleaning) goes back to the system first.
    if method == "fork":
        gc.collect()
        release_free_memory()
        gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=n_process, mp_context=ctx, initializer=_pool_init,
                                 initargs=(plan.model, plan.components, os.getpid())) as pool:
            def submit_next(pending: set) -> None:
                i = next(starts, None)  # texts are read chunk by chunk, a few chunks ahead of the workers
                if i is not None:
                    pending.add(pool.submit(_pool_parse, plan.chunk(i, size), str(plan.root), plan.model,
                                            plan.components, batch_size))

            pending: set = set()
            for _ in range(2 * n_process):
                submit_next(pending)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    result = fut.result()
                    written.extend(result)
                    if on_chunk is not None:
                        on_chunk(sum(len(ks) for _, ks in result))
                    submit_next(pending)
    except BrokenProcessPool as e:
        raise RuntimeError(
            f"a parse worker process died (start method {method!r}). In a script, put the code that parses under "
            "`if __name__ == '__main__':` (workers that do not fork re-import the script), or set "
            "ANALYSIS_START_METHOD=fork, or parse with n_process=1. Workers also die when memory runs out."
        ) from e
    finally:
        if method == "fork":
            gc.unfreeze()
        if started_server:
            _stop_fork_server()
    return written


def _fork_server():
    """CPython's process-wide ``ForkServer`` object (private; None where it does not exist)."""
    from multiprocessing import forkserver

    return getattr(forkserver, "_forkserver", None)


def _fork_server_running() -> bool:
    return getattr(_fork_server(), "_forkserver_pid", None) is not None


def _stop_fork_server() -> None:
    """Stop the fork server a parse started: idle, it would keep a loaded model for the life of the process.

    Uses CPython's private ``ForkServer._stop`` (present since 3.8); where it is missing the server stays.
    """
    stop = getattr(_fork_server(), "_stop", None)
    if stop is not None:
        stop()


def clear_cache(cache_dir: str | Path | None = None) -> None:
    """Delete the parse cache (all models)."""
    cache = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    shutil.rmtree(cache / "parse", ignore_errors=True)
