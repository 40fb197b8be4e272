"""Keys and on-disk layout of the measure cache (used by :mod:`analysis.measures.registry`).

A measure's table is cached as ``<cache_dir>/measures/<name>-<corpus>-<key>.parquet`` where ``<corpus>`` is
:func:`corpus_fingerprint` and ``<key>`` hashes the measure's resolved parameters, the story's digest (when
the measure reads the story), the bytes of the code and data files it depends on and the versions of the
libraries it calls. Measures whose rows each depend on one document alone are also cached per document
(:func:`per_document`), so a grown or reordered corpus computes only the documents not seen before.
Everything is Parquet or JSON (:mod:`analysis.store`); a damaged entry is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd

from analysis.store import (CacheDamageWarning, combined_schema, read_arrow, read_table, write_table,
                            write_table_parts)

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: Bump when the cache layout changes.
MEASURES_CACHE_FORMAT = "3"
_NOT_IN_DOC_KEY = ("raw_text", "text", "source")


def cache_root(cache_dir: str | Path | None = None) -> Path:
    """``<cache_dir>/measures`` (``cache_dir`` defaults to the configured cache folder)."""
    from analysis.config import get_settings

    return (Path(cache_dir) if cache_dir is not None else get_settings().cache_dir) / "measures"


def parser_id(corpus) -> str:
    """The model, its version, the spaCy version and the components (the parse cache folder names them)."""
    shards = getattr(getattr(corpus, "_parsed", None), "shards", []) or []
    parser = sorted({f"{p.parent.parent.name}/{p.parent.name}" for p in shards})
    stats = getattr(corpus, "parse_stats", None)
    return f"{getattr(stats, 'model', '?')}|{'|'.join(parser)}"


def corpus_fingerprint(corpus) -> str:
    """Hash of every document's metadata and clean text (in corpus order) plus the parser identity.

    >>> import analysis
    >>> len(corpus_fingerprint(analysis.build_corpus(progress=False)))
    32
    """
    docs = corpus.documents.drop(columns=["raw_text"], errors="ignore")
    docs = docs[sorted(docs.columns)].astype(str)
    h = hashlib.sha256(pd.util.hash_pandas_object(docs, index=False).to_numpy().tobytes())
    h.update(" ".join(docs.columns).encode())
    h.update(parser_id(corpus).encode())
    return h.hexdigest()[:32]


def files_digest(paths: Sequence[str | Path], libraries: Sequence[str] = ()) -> str:
    """Hash of the files' bytes (paths relative to the ``analysis`` package, or absolute: those count by their
    file name, not their folder) and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(MEASURES_CACHE_FORMAT.encode())
    named = sorted({(Path(q).name if Path(q).is_absolute() else str(q), str(q)) for q in paths})
    for label, rel in named:
        p = Path(rel) if Path(rel).is_absolute() else PACKAGE_ROOT / rel
        h.update(label.encode())
        h.update(p.read_bytes() if p.is_file() else b"<missing>")
    for lib in libraries:
        try:
            h.update(f"{lib}=={version(lib)}".encode())
        except PackageNotFoundError:
            h.update(f"{lib}==?".encode())
    return h.hexdigest()[:16]


def params_digest(params: Mapping) -> str:
    """Hash of a parameter mapping (JSON, sorted keys)."""
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:16]


def document_keys(corpus) -> list[str]:
    """One cache key per document (corpus order): SHA-256 of its clean text plus a hash of its metadata row
    (id, outlet, date, title, ...; not ``source``, so the same article read from another file keeps its key)."""
    docs = corpus.documents
    meta = docs.drop(columns=list(_NOT_IN_DOC_KEY), errors="ignore")
    meta = meta[sorted(meta.columns)].astype(str)
    mh = pd.util.hash_pandas_object(meta, index=False).to_numpy()
    th = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in docs["text"].astype(str)]
    return [f"{t}-{int(m):016x}" for t, m in zip(th, mh)]


def in_corpus_order(df: pd.DataFrame, doc_ids) -> pd.DataFrame:
    """Rows grouped by document in corpus order, each document's rows in the order the measure gave them."""
    if "doc_id" not in df.columns or df.empty:
        return df.reset_index(drop=True)
    pos = {str(d): i for i, d in enumerate(doc_ids)}
    order = df["doc_id"].astype(str).map(pos).to_numpy()
    return df.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def per_document_root(corpus, name: str, key: str, *, cache_dir=None) -> Path:
    """Folder of one measure's per-document cache (key: parameters, story, code; plus the parser identity and
    the document columns that enter :func:`document_keys`)."""
    cols = sorted(c for c in corpus.documents.columns if c not in _NOT_IN_DOC_KEY)
    ctx = hashlib.sha256(f"{parser_id(corpus)}|{' '.join(cols)}".encode()).hexdigest()[:12]
    return cache_root(cache_dir) / "per_document" / f"{name}-{key}-{ctx}"


#: Per-document measures are computed on sub-corpora of at most this many characters of clean text
#: (:meth:`analysis.corpus.build.Corpus.batches`; about 1,000 news articles), so memory is bounded by a batch's
#: tables, not the corpus's. A corpus smaller than this is computed in one piece.
BATCH_CHARS = 4_000_000


def in_batches(corpus, compute: Callable[[object], pd.DataFrame], *, doc_ids: Sequence[str] | None = None,
               max_chars: int | None = None):
    """Yield ``(doc_ids, table)`` for consecutive batches of ``doc_ids`` (default: every document), each
    table ``compute`` of the batch's sub-corpus, its rows grouped by document in corpus order. A batch
    holding every document computes on ``corpus`` itself (no subset is made).

    >>> import analysis
    >>> c = analysis.build_corpus(progress=False)
    >>> [len(ids) for ids, t in in_batches(c, lambda b: b.documents[["doc_id"]], max_chars=6_000)]
    [2, 2, 1]
    """
    limit = BATCH_CHARS if max_chars is None else max_chars
    for sub in corpus.batches(max_chars=limit, doc_ids=doc_ids):
        batch = sub.documents["doc_id"].astype(str).tolist()
        table = in_corpus_order(compute(sub), batch)
        del sub   # the batch's tables go before the next batch is read
        yield batch, table


def compute_per_document(corpus, compute: Callable[[object], pd.DataFrame], *, max_chars: int | None = None
                         ) -> pd.DataFrame:
    """``compute`` of a per-document measure over the whole ``corpus``, batch by batch (:func:`in_batches`):
    rows grouped by document in corpus order, the same table as one call on the whole corpus."""
    parts = [t for _, t in in_batches(corpus, compute, max_chars=max_chars)]
    return concat_parts(parts)


def concat_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts (tables of consecutive batches) as one table; the first part when it is the only one."""
    if len(parts) == 1:
        return parts[0]
    nonempty = [t for t in parts if len(t)]
    if not nonempty:
        return parts[0].iloc[0:0]
    return pd.concat(nonempty, ignore_index=True) if len(nonempty) > 1 else nonempty[0].reset_index(drop=True)


def per_document(corpus, root: Path, compute: Callable[[object], pd.DataFrame], *, out: Path,
                 max_chars: int | None = None) -> Path:
    """Write the table for ``corpus`` to ``out`` (an :mod:`analysis.store` entry: read it with
    :func:`analysis.store.read_table`) from the per-document cache at ``root``, computing only unseen documents.

    Unseen documents are computed in batches of at most ``max_chars`` characters (default
    :data:`BATCH_CHARS`, :func:`in_batches`); each batch appends ``<batch>.parquet`` (its rows plus
    ``_doc_key``) and then ``<batch>.keys.json`` (every document it computed, including those without rows)
    as soon as it is computed; a batch counts once its key list exists, so an interrupted run keeps the
    batches it finished and never half-reads one. A batch whose table is missing, fails its check
    (:mod:`analysis.store`: checksum and row count) or holds rows of documents its key list does not name
    is dropped, with a warning naming it, and its documents computed again.

    The table is then written a batch at a time (:func:`analysis.store.write_table_parts`: rows grouped by
    document in corpus order, read from the cached batches), so neither the computation nor the writing
    holds more than about one batch of rows, and nothing is read back until someone asks for the table.
    Batches whose columns cannot be stored as one without pandas (:func:`analysis.store.combined_schema`:
    e.g. a column stored as JSON in one batch only) are concatenated in memory instead.
    """
    doc_ids = corpus.documents["doc_id"].astype(str).tolist()
    keys = document_keys(corpus)
    if not keys:
        write_table(compute(corpus), out)
        return out
    index: dict[str, str] = {}
    batches: dict[str, set[str]] = {}
    for kf in sorted(root.glob("*.keys.json")) if root.exists() else []:
        stem = kf.name[: -len(".keys.json")]
        try:
            batch_keys = json.loads(kf.read_text())
        except (OSError, ValueError):
            continue
        if not (root / f"{stem}.parquet").exists():
            kf.unlink(missing_ok=True)
            continue
        batches[stem] = set(batch_keys)
        for k in batch_keys:
            index.setdefault(k, stem)
    wanted = sorted({index[k] for k in keys if k in index})
    for stem in wanted:   # checked against its checksum and row count, and its rows against its key list
        t = read_arrow(root / f"{stem}.parquet", columns=["_doc_key"])
        if t is not None and ("_doc_key" not in t.column_names or not set(t["_doc_key"].to_pylist()) <= batches[stem]):
            warnings.warn(f"cache entry {root / stem}.parquet holds rows of documents its key list "
                          f"{stem}.keys.json does not name; it is removed and rebuilt", CacheDamageWarning,
                          stacklevel=2)
            t = None
        if t is None:  # damaged or another batch's rows: forget the batch, recompute its documents
            (root / f"{stem}.keys.json").unlink(missing_ok=True)
            (root / f"{stem}.parquet").unlink(missing_ok=True)
            for k in batches.pop(stem):
                if index.get(k) == stem:
                    index.pop(k)
    missing = [d for d, k in zip(doc_ids, keys) if k not in index]
    if missing:
        key_of = dict(zip(doc_ids, keys))
        for batch, fresh in in_batches(corpus, compute, doc_ids=None if len(missing) == len(doc_ids) else missing,
                                       max_chars=max_chars):
            stem = uuid.uuid4().hex[:16]
            write_table(fresh.assign(_doc_key=fresh["doc_id"].astype(str).map(key_of)), root / f"{stem}.parquet")
            del fresh
            tmp = root / f".{stem}.keys.{os.getpid()}.tmp"
            batch_keys = [key_of[d] for d in batch]
            tmp.write_text(json.dumps(batch_keys))
            os.replace(tmp, root / f"{stem}.keys.json")
            for k in batch_keys:
                index[k] = stem
    size = corpus.documents["text"].fillna("").astype(str).str.len().astype(int).tolist() \
        if "text" in corpus.documents.columns else [0] * len(keys)
    _assemble(root, [(k, index[k], n) for k, n in zip(keys, size)], out,
              max_chars=BATCH_CHARS if max_chars is None else max_chars)
    return out


def _assemble(root: Path, docs: list[tuple[str, str, int]], out: Path, *, max_chars: int) -> None:
    """Write the rows of ``docs`` (``(key, batch, characters)`` in corpus order) from the cached batches at
    ``root`` to ``out``: grouped by document in that order, a chunk of consecutive documents of at most
    ``max_chars`` characters at a time (each batch read once when the corpus order is the order it was
    computed in; the last two batches read are kept)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    stems = list(dict.fromkeys(stem for _, stem, _ in docs))
    paths = [root / f"{stem}.parquet" for stem in stems]
    schema = combined_schema(paths, drop=("_doc_key",))
    if schema is None:   # parts that only pandas can put together (see combined_schema)
        parts = []
        for path in paths:
            t = read_table(path)
            if t is None:
                raise RuntimeError(f"the per-document cache entry {path} disappeared or was damaged while it was "
                                   "read; is another process deleting files there?")
            parts.append(t)
        nonempty = [t for t in parts if len(t)]
        table = pd.concat(nonempty, ignore_index=True) if nonempty else parts[0].iloc[0:0]
        pos = {k: i for i, (k, _, _) in enumerate(docs)}
        table = table[table["_doc_key"].isin(pos)]
        order = table["_doc_key"].map(pos).to_numpy()
        write_table(table.iloc[order.argsort(kind="stable")].drop(columns="_doc_key").reset_index(drop=True), out)
        return
    chunks: list[list[tuple[str, str]]] = [[]]
    total = 0
    for key, stem, n in docs:
        if chunks[-1] and total + n > max_chars:
            chunks.append([])
            total = 0
        chunks[-1].append((key, stem))
        total += n
    held: OrderedDict[str, pa.Table] = OrderedDict()

    def batch(stem: str) -> pa.Table:
        if stem not in held:
            t = read_arrow(root / f"{stem}.parquet")
            if t is None:
                raise RuntimeError(f"the per-document cache entry {root / stem}.parquet disappeared or was damaged "
                                   "while it was read; is another process deleting files there?")
            held[stem] = t
            while len(held) > 2:
                held.popitem(last=False)
        held.move_to_end(stem)
        return held[stem]

    def parts():
        for chunk in chunks:
            chunk_keys = pa.array([k for k, _ in chunk], pa.string())
            pieces, positions = [], []
            for stem in dict.fromkeys(s for _, s in chunk):
                t = batch(stem)
                t = t.filter(pc.is_in(t["_doc_key"].cast(pa.string()), value_set=chunk_keys))
                positions.append(pc.index_in(t["_doc_key"].cast(pa.string()), value_set=chunk_keys)
                                 .to_numpy(zero_copy_only=False))
                pieces.append(t.select(schema.names).cast(schema))
            piece = pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]
            yield piece.take(pa.array(np.concatenate(positions).argsort(kind="stable")))

    write_table_parts(parts(), out, schema=schema)


__all__ = ["BATCH_CHARS", "MEASURES_CACHE_FORMAT", "cache_root", "compute_per_document", "concat_parts",
           "corpus_fingerprint", "document_keys", "files_digest", "in_batches", "in_corpus_order", "params_digest",
           "parser_id", "per_document", "per_document_root"]
