"""The standard per-unit measures as tidy tables, computed once per corpus and cached on disk as Parquet.

``compute_measures(corpus)`` returns ``name -> DataFrame`` for the measures in :data:`MEASURES`. Each result
is cached as ``<cache_dir>/measures/<name>-<corpus>-<params>-<code>.parquet``, keyed by

* the corpus fingerprint (:func:`corpus_fingerprint`: every document's metadata and clean text in order,
  plus the spaCy model, its version and the components that parsed it; cheap: no table is hashed),
* the measure's name and parameters (``params=`` overrides the defaults in :data:`MEASURES`), and
* a hash of the code and data files it depends on (this module, the measure's module, its dictionary,
  term list or codebook YAML) and the versions of the libraries it calls (e.g. vaderSentiment),
  so editing a dictionary or codebook invalidates exactly the measures that use it.

Measures whose rows each depend on one document alone (``per_document=True``: sentence tone, actor
mentions, framing-term hits, frame codes) are also cached per document under
``<cache_dir>/measures/per_document/`` (key: the document's clean text and metadata row), so when a corpus
grows or is reordered only the documents not seen before are computed; their tables list rows grouped by
document in corpus order. The per-outlet aggregates (term counts, term rates) are recomputed for a new corpus.

Old entries are never read again once a key part changes; ``clear_measures_cache`` deletes them. One
command writes them all as Parquet, one file per measure, for use outside Python::

    python -m analysis.measures [--corpus PATH] [--output-dir outputs]   # -> outputs/measures/*.parquet

>>> sorted(MEASURES)[:2]
['actor_mentions', 'frame_codes']
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: Bump when the cache layout changes.
MEASURES_CACHE_FORMAT = "2"


@dataclass(frozen=True)
class Measure:
    """A named table-producing function ``fn(corpus, **params)`` and what its result depends on."""

    fn: Callable
    depends_on: tuple[str, ...]   # files, relative to the analysis package (or absolute)
    params: Mapping = field(default_factory=dict)   # defaults; part of the cache key
    libraries: tuple[str, ...] = ()   # distributions whose version is part of the cache key
    #: each document's rows depend on that document alone (then they are also cached per document, and a
    #: grown corpus computes only its new documents); the table must have a ``doc_id`` column
    per_document: bool = False
    #: ``keyword -> (measure, params)``: when ``compute_measures`` has just produced that measure with the same
    #: values of those params, its table is passed to ``fn`` as ``keyword`` instead of being computed again
    reuses: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def _tone(c, *, methods=("vader",)):
    from analysis.measures.tone import sentence_tone

    return sentence_tone(c.sentences, methods=list(methods))


def _actors(c):
    from analysis.measures.actors import find_actor_mentions

    return find_actor_mentions(c)


def _term_counts(c, *, by="outlet", min_df=1):
    from dataclasses import replace

    from analysis.measures.distinctive import DEFAULT_OPTIONS, term_counts

    return term_counts(c.tokens, documents=c.documents, by=by, options=replace(DEFAULT_OPTIONS, min_df=min_df))


def _term_hits(c, *, fields=("lemma", "lower")):
    from analysis.measures.kwic import find_terms, load_term_list

    return find_terms(c.tokens, load_term_list(), fields=tuple(fields))


def _term_rates(c, *, fields=("lemma", "lower"), by="outlet", per=1000, hits=None):
    from analysis.measures.kwic import find_terms, load_term_list, term_rates

    terms = load_term_list()
    if hits is None:  # not handed over from framing_term_hits
        hits = find_terms(c.tokens, terms, fields=tuple(fields))
    return term_rates(hits, c.tokens, documents=c.documents, terms=terms, by=by, per=per)


def _frames(c, *, codebook="semetko_valkenburg"):
    from analysis.measures.frames import code_sentences

    return code_sentences(c, codebook)


_KWIC = ("measures/kwic.py", "data/framing_terms.yaml")
#: The cached measures. Add one here and it is computed, cached and written by the command.
MEASURES: dict[str, Measure] = {
    "sentence_tone_vader": Measure(_tone, ("measures/tone.py",), {"methods": ["vader"]}, ("vaderSentiment",),
                                   per_document=True),
    "actor_mentions": Measure(_actors, ("measures/actors.py", "data/actors.yaml"), per_document=True),
    "term_counts": Measure(_term_counts, ("measures/distinctive.py", "measures/topics.py", "data/stopwords_news.txt"),
                           {"by": "outlet", "min_df": 1}),
    "framing_term_hits": Measure(_term_hits, _KWIC, {"fields": ["lemma", "lower"]}, per_document=True),
    "framing_term_rates": Measure(_term_rates, _KWIC, {"fields": ["lemma", "lower"], "by": "outlet", "per": 1000},
                                  reuses={"hits": ("framing_term_hits", ("fields",))}),
    "frame_codes": Measure(_frames, ("measures/frames.py", "measures/actors.py", "data/actors.yaml",
                                     "codebooks/semetko_valkenburg.yaml"), {"codebook": "semetko_valkenburg"},
                           per_document=True),
}


def corpus_fingerprint(corpus) -> str:
    """Hash of every document's metadata and clean text (in corpus order) plus the parser identity.

    Vectorised (``pd.util.hash_pandas_object``), so cheap next to any measure; the parsed tables are not
    hashed because they follow from the texts and the parser.

    >>> import analysis
    >>> len(corpus_fingerprint(analysis.build_corpus(progress=False)))
    32
    """
    docs = corpus.documents.drop(columns=["raw_text"], errors="ignore")
    docs = docs[sorted(docs.columns)].astype(str)
    h = hashlib.sha256(pd.util.hash_pandas_object(docs, index=False).to_numpy().tobytes())
    h.update(" ".join(docs.columns).encode())
    h.update(_parser_id(corpus).encode())
    return h.hexdigest()[:32]


def _files_digest(paths: Sequence[str], libraries: Sequence[str] = ()) -> str:
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(MEASURES_CACHE_FORMAT.encode())
    for rel in ("measures/registry.py", *paths):
        h.update(str(rel).encode())
        h.update((PACKAGE_ROOT / rel).read_bytes())
    for lib in libraries:
        try:
            h.update(f"{lib}=={version(lib)}".encode())
        except PackageNotFoundError:
            h.update(f"{lib}==?".encode())
    return h.hexdigest()[:16]


def _params(name: str, overrides: Mapping | None = None) -> dict:
    return {**MEASURES[name].params, **(overrides or {})}


def _params_digest(params: Mapping) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:12]


def measure_cache_path(corpus, name: str, *, cache_dir: str | Path | None = None, fingerprint: str | None = None,
                       params: Mapping | None = None) -> Path:
    """Where ``name``'s result for ``corpus`` (with ``params`` overriding the defaults) is or would be cached."""
    from analysis.config import get_settings

    base = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    fp = fingerprint or corpus_fingerprint(corpus)
    m = MEASURES[name]
    return base / "measures" / f"{name}-{fp}-{_params_digest(_params(name, params))}-{_files_digest(m.depends_on, m.libraries)}.parquet"


def clear_measures_cache(cache_dir: str | Path | None = None) -> None:
    """Delete every cached measure table."""
    from analysis.config import get_settings

    base = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    shutil.rmtree(base / "measures", ignore_errors=True)


_OBJECT_KEY = b"analysis.measures.object_columns"


def _write_table(df: pd.DataFrame, path: Path) -> None:
    """Parquet that reads back equal (``assert_frame_equal``): object columns are recorded and restored.
    Columns Parquet cannot store (mixed Python types) fall back to a pickle next to it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        table = pa.Table.from_pandas(df, preserve_index=True)
        obj = [str(c) for c in df.columns if df[c].dtype == object]
        meta = {**(table.schema.metadata or {}), _OBJECT_KEY: json.dumps(obj).encode()}
        pq.write_table(table.replace_schema_metadata(meta), tmp)
        os.replace(tmp, path)
    except (pa.ArrowException, TypeError, ValueError):
        tmp.unlink(missing_ok=True)
        df.to_pickle(tmp)
        os.replace(tmp, path.with_suffix(".pkl"))


def _read_table(path: Path) -> pd.DataFrame | None:
    import pyarrow.parquet as pq

    if path.exists():
        table = pq.read_table(path)
        df = table.to_pandas()
        for c in json.loads((table.schema.metadata or {}).get(_OBJECT_KEY, b"[]")):
            if c in df.columns:
                df[c] = df[c].astype(object).where(df[c].notna(), None)
        return df
    if path.with_suffix(".pkl").exists():
        return pd.read_pickle(path.with_suffix(".pkl"))
    return None


def compute_measures(
    corpus,
    *,
    which: Sequence[str] | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    params: Mapping[str, Mapping] | None = None,
    progress: bool | None = None,
) -> dict[str, pd.DataFrame]:
    """``name -> tidy table`` for ``which`` measures (``None``: all of :data:`MEASURES`; ``[]``: none), from the cache
    when the corpus, the parameters, the measure's code and its data files are unchanged.

    ``params``: ``{name: {parameter: value}}`` overriding :data:`MEASURES` defaults (part of the key).
    ``progress``: a bar over the measures (default: on above 1,000 documents).
    """
    names = list(MEASURES) if which is None else list(which)
    unknown = sorted(set(names) - set(MEASURES))
    if unknown:
        raise KeyError(f"unknown measure(s) {unknown}; available: {sorted(MEASURES)}")
    params = params or {}
    show = progress if progress is not None else len(corpus.documents) > 1000
    fp = corpus_fingerprint(corpus) if cache else None
    out: dict[str, pd.DataFrame] = {}
    for name in _bar(names, show):
        kw = _params(name, params.get(name))
        path = measure_cache_path(corpus, name, cache_dir=cache_dir, fingerprint=fp, params=kw) if cache else None
        if path is not None:
            try:
                hit = _read_table(path)
            except Exception:  # truncated or incompatible entry: recompute and overwrite
                hit = None
            if hit is not None:
                out[name] = hit
                continue
        m = MEASURES[name]
        given = {arg: out[other] for arg, (other, same) in m.reuses.items()
                 if other in out and all(_params(other, params.get(other)).get(p) == kw.get(p) for p in same)}
        if m.per_document and cache:
            out[name] = _per_document(corpus, name, kw, cache_dir=cache_dir)
        elif m.per_document:
            out[name] = _in_corpus_order(m.fn(corpus, **kw, **given), corpus.documents["doc_id"])
        else:
            out[name] = m.fn(corpus, **kw, **given)
        if path is not None:
            _write_table(out[name], path)
    return out


def _in_corpus_order(df: pd.DataFrame, doc_ids) -> pd.DataFrame:
    """Rows grouped by document in corpus order, each document's rows in the order the measure gave them."""
    pos = {str(d): i for i, d in enumerate(doc_ids)}
    order = df["doc_id"].astype(str).map(pos).to_numpy()
    return df.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def _parser_id(corpus) -> str:
    """The model, its version, the spaCy version and the components (the parse cache folder names them)."""
    shards = getattr(getattr(corpus, "_parsed", None), "shards", []) or []
    parser = sorted({f"{p.parent.parent.name}/{p.parent.name}" for p in shards})
    return f"{corpus.parse_stats.model}|{'|'.join(parser)}"


_NOT_IN_DOC_KEY = ("raw_text", "text", "source")


def document_keys(corpus) -> list[str]:
    """One cache key per document (corpus order): SHA-256 of its clean text plus a hash of its metadata row
    (id, outlet, date, title, ...; not ``source``, which says only which file and row it was read from, so
    the same article read from another file or row keeps its key). Used by the per-document measure cache."""
    docs = corpus.documents
    meta = docs.drop(columns=list(_NOT_IN_DOC_KEY), errors="ignore")
    meta = meta[sorted(meta.columns)].astype(str)
    mh = pd.util.hash_pandas_object(meta, index=False).to_numpy()
    texts = docs["text"].astype(str).tolist()
    th = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts]
    return [f"{t}-{int(m):016x}" for t, m in zip(th, mh)]


def per_document_cache_root(corpus, name: str, *, cache_dir: str | Path | None = None,
                            params: Mapping | None = None) -> Path:
    """Folder of ``name``'s per-document cache: ``<cache_dir>/measures/per_document/<name>-<params>-<code>-<context>/``
    (context: the parser identity and the document columns that enter :func:`document_keys`)."""
    from analysis.config import get_settings

    base = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    m = MEASURES[name]
    cols = sorted(c for c in corpus.documents.columns if c not in _NOT_IN_DOC_KEY)
    ctx = hashlib.sha256(f"{_parser_id(corpus)}|{' '.join(cols)}".encode()).hexdigest()[:12]
    return (base / "measures" / "per_document"
            / f"{name}-{_params_digest(_params(name, params))}-{_files_digest(m.depends_on, m.libraries)}-{ctx}")


def _per_document(corpus, name: str, kw: Mapping, *, cache_dir) -> pd.DataFrame:
    """``name`` for ``corpus`` from the per-document cache, computing only the documents not in it.

    Each computing run appends ``<batch>.parquet`` (its rows plus a ``_doc_key`` column) and then
    ``<batch>.keys.json`` (every document it computed, including those without rows); a batch counts
    once its key list exists, so an interrupted run is recomputed, never half-read.
    """
    import uuid

    root = per_document_cache_root(corpus, name, cache_dir=cache_dir, params=kw)
    doc_ids = corpus.documents["doc_id"].astype(str).tolist()
    keys = document_keys(corpus)
    index: dict[str, str] = {}
    for kf in sorted(root.glob("*.keys.json")) if root.exists() else []:
        try:
            batch_keys = json.loads(kf.read_text())
        except (OSError, ValueError):
            continue
        for k in batch_keys:
            index.setdefault(k, kf.name[: -len(".keys.json")])
    missing = [d for d, k in zip(doc_ids, keys) if k not in index]
    if missing:
        sub = corpus if len(missing) == len(doc_ids) else corpus.subset(missing)
        fresh = _in_corpus_order(MEASURES[name].fn(sub, **kw), missing)
        key_of = dict(zip(doc_ids, keys))
        stem = uuid.uuid4().hex[:16]
        _write_table(fresh.assign(_doc_key=fresh["doc_id"].astype(str).map(key_of)), root / f"{stem}.parquet")
        tmp = root / f".{stem}.keys.{os.getpid()}.tmp"
        tmp.write_text(json.dumps([key_of[d] for d in missing]))
        os.replace(tmp, root / f"{stem}.keys.json")
        index.update({key_of[d]: stem for d in missing})
        if len(missing) == len(doc_ids):
            return fresh  # nothing was cached: no need to read back what was just computed
    wanted: dict[str, set[str]] = {}
    for k in keys:
        wanted.setdefault(index[k], set()).add(k)
    parts = []
    for stem, ks in sorted(wanted.items()):
        t = _read_table(root / f"{stem}.parquet")
        if t is None:
            raise FileNotFoundError(f"per-document measure cache {root / stem}.parquet is missing; "
                                    "delete the folder or call clear_measures_cache()")
        parts.append(t[t["_doc_key"].isin(ks)])
    nonempty = [t for t in parts if len(t)]
    table = pd.concat(nonempty, ignore_index=True) if nonempty else parts[0].iloc[0:0]
    pos = {k: i for i, k in enumerate(keys)}
    order = table["_doc_key"].map(pos).to_numpy()
    return table.iloc[order.argsort(kind="stable")].drop(columns="_doc_key").reset_index(drop=True)


def _bar(items, show: bool):
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc="measures", unit="measure")


def write_measures(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<out_dir>/<name>.parquet`` (object columns as strings where Parquet needs it)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        p = out_dir / f"{name}.parquet"
        try:
            df.to_parquet(p, index=False)
        except Exception:  # mixed-type object columns: store them as text
            obj = df.select_dtypes(include="object").columns
            df.assign(**{c: df[c].astype(str) for c in obj}).to_parquet(p, index=False)
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    from analysis.config import PROJECT_ROOT

    ap = argparse.ArgumentParser(description="Compute the cached measures and write them as Parquet.")
    ap.add_argument("--corpus", default=None, help="folder / CSV / TSV / JSONL / Parquet (default: the seeds)")
    ap.add_argument("--output-dir", default=str(PROJECT_ROOT / "outputs"), type=Path)
    ap.add_argument("--which", nargs="*", default=None, help=f"subset of {sorted(MEASURES)}")
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args(argv)
    import analysis

    t0 = time.perf_counter()
    corpus = analysis.build_corpus(args.corpus)
    tables = compute_measures(corpus, which=args.which, cache=not args.no_cache)
    paths = write_measures(tables, args.output_dir / "measures")
    for p, (name, df) in zip(paths, tables.items()):
        print(f"{name:22s} {len(df):>9,} rows -> {p}")
    print(f"{len(paths)} measures in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
