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
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd

from analysis.store import CacheDamageWarning, read_table, write_table

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
    """Hash of the files' bytes (paths relative to the ``analysis`` package, or absolute) and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(MEASURES_CACHE_FORMAT.encode())
    for rel in sorted({str(p) for p in paths}):
        p = Path(rel) if Path(rel).is_absolute() else PACKAGE_ROOT / rel
        h.update(rel.encode())
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


def per_document(corpus, root: Path, compute: Callable[[object], pd.DataFrame], *,
                 max_chars: int | None = None) -> pd.DataFrame:
    """The table for ``corpus`` from the per-document cache at ``root``, computing only unseen documents.

    Unseen documents are computed in batches of at most ``max_chars`` characters (default
    :data:`BATCH_CHARS`, :func:`in_batches`); each batch appends ``<batch>.parquet`` (its rows plus
    ``_doc_key``) and then ``<batch>.keys.json`` (every document it computed, including those without rows)
    as soon as it is computed; a batch counts once its key list exists, so an interrupted run keeps the
    batches it finished and never half-reads one. A batch whose table is missing, fails its check
    (:mod:`analysis.store`: checksum and row count) or holds rows of documents its key list does not name
    is dropped, with a warning naming it, and its documents computed again.
    """
    doc_ids = corpus.documents["doc_id"].astype(str).tolist()
    keys = document_keys(corpus)
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
    parts: list[pd.DataFrame] = []
    wanted: dict[str, set[str]] = {}
    for k in keys:
        if k in index:
            wanted.setdefault(index[k], set()).add(k)
    for stem, ks in sorted(wanted.items()):
        t = read_table(root / f"{stem}.parquet")  # checked against its checksum and row count
        if t is not None and ("_doc_key" not in t.columns or not set(t["_doc_key"]) <= batches[stem]):
            warnings.warn(f"cache entry {root / stem}.parquet holds rows of documents its key list "
                          f"{stem}.keys.json does not name; it is removed and rebuilt", CacheDamageWarning,
                          stacklevel=2)
            t = None
        if t is None:  # damaged or another batch's rows: forget the batch, recompute its documents
            (root / f"{stem}.keys.json").unlink(missing_ok=True)
            (root / f"{stem}.parquet").unlink(missing_ok=True)
            for k in ks:
                index.pop(k, None)
            continue
        parts.append(t[t["_doc_key"].isin(ks)])
    missing = [d for d, k in zip(doc_ids, keys) if k not in index]
    if missing:
        key_of = dict(zip(doc_ids, keys))
        fresh_parts = []
        for batch, fresh in in_batches(corpus, compute, doc_ids=None if len(missing) == len(doc_ids) else missing,
                                       max_chars=max_chars):
            stem = uuid.uuid4().hex[:16]
            write_table(fresh.assign(_doc_key=fresh["doc_id"].astype(str).map(key_of)), root / f"{stem}.parquet")
            tmp = root / f".{stem}.keys.{os.getpid()}.tmp"
            tmp.write_text(json.dumps([key_of[d] for d in batch]))
            os.replace(tmp, root / f"{stem}.keys.json")
            fresh_parts.append(fresh)
        if len(missing) == len(doc_ids):
            return concat_parts(fresh_parts)
        parts += [t.assign(_doc_key=t["doc_id"].astype(str).map(key_of)) for t in fresh_parts]
    nonempty = [t for t in parts if len(t)]
    table = pd.concat(nonempty, ignore_index=True) if nonempty else parts[0].iloc[0:0]
    pos = {k: i for i, k in enumerate(keys)}
    order = table["_doc_key"].map(pos).to_numpy()
    return table.iloc[order.argsort(kind="stable")].drop(columns="_doc_key").reset_index(drop=True)


__all__ = ["BATCH_CHARS", "MEASURES_CACHE_FORMAT", "cache_root", "compute_per_document", "concat_parts",
           "corpus_fingerprint", "document_keys", "files_digest", "in_batches", "in_corpus_order", "params_digest",
           "parser_id", "per_document", "per_document_root"]
