"""The standard per-unit measures as tidy tables, computed once per corpus and cached on disk.

``compute_measures(corpus)`` returns ``name -> DataFrame`` for the measures in :data:`MEASURES`. Each result
is cached under ``<cache_dir>/measures/`` keyed by

* the corpus fingerprint (:func:`corpus_fingerprint`: every document's id, outlet and clean text, plus the
  spaCy model, version and components that parsed it),
* the measure's name, and
* a hash of the code and data files it depends on (its module, and e.g. the codebook YAML), so editing a
  dictionary or codebook invalidates exactly the measures that use it.

One command writes them all as Parquet, one file per measure, for use outside Python::

    python -m analysis.measures [--corpus PATH] [--output-dir outputs]   # -> outputs/measures/*.parquet

>>> sorted(MEASURES)[:2]
['actor_mentions', 'frame_codes']
"""
from __future__ import annotations

import argparse
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

PACKAGE_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Measure:
    """A named table-producing function of a corpus and the files its result depends on."""

    fn: Callable
    depends_on: tuple[str, ...]   # paths relative to the analysis package


def _tone(c):
    from .sentiment import sentence_tone

    return sentence_tone(c.sentences, methods=["vader"])


def _actors(c):
    from .actors import find_actor_mentions

    return find_actor_mentions(c)


def _term_counts(c):
    from .distinctive import DEFAULT_OPTIONS, term_counts

    return term_counts(c.tokens, documents=c.documents, options=DEFAULT_OPTIONS)


def _term_rates(c):
    from .kwic import find_terms, load_term_list, term_rates

    terms = load_term_list()
    return term_rates(find_terms(c.tokens, terms), c.tokens, documents=c.documents, terms=terms)


def _frames(c):
    from .framing import code_sentences

    return code_sentences(c, "semetko_valkenburg")


#: The cached measures. Add one here and it is computed, cached and written by the command.
MEASURES: dict[str, Measure] = {
    "sentence_tone_vader": Measure(_tone, ("sentiment.py",)),
    "actor_mentions": Measure(_actors, ("actors.py", "data/actors.yaml")),
    "term_counts": Measure(_term_counts, ("distinctive.py", "topics.py", "data/stopwords_news.txt")),
    "framing_term_rates": Measure(_term_rates, ("kwic.py", "data/framing_terms.yaml")),
    "frame_codes": Measure(_frames, ("framing.py", "actors.py", "data/actors.yaml",
                                     "codebooks/semetko_valkenburg.yaml")),
}


def corpus_fingerprint(corpus) -> str:
    """Hash of every document's id, outlet and clean text plus the parser identity.

    >>> import analysis
    >>> len(corpus_fingerprint(analysis.build_corpus(progress=False)))
    32
    """
    docs = corpus.documents[["doc_id", "outlet", "text"]].astype(str)
    h = hashlib.sha256(pd.util.hash_pandas_object(docs, index=False).to_numpy().tobytes())
    # the parse cache folder names the model, its version, the spaCy version and the components
    shards = getattr(getattr(corpus, "_parsed", None), "shards", []) or []
    parser = sorted({f"{p.parent.parent.name}/{p.parent.name}" for p in shards})
    h.update(f"{corpus.parse_stats.model}|{'|'.join(parser)}".encode())
    return h.hexdigest()[:32]


def _files_digest(paths: Sequence[str]) -> str:
    h = hashlib.sha256()
    for rel in paths:
        h.update(rel.encode())
        h.update((PACKAGE_ROOT / rel).read_bytes())
    return h.hexdigest()[:16]


def measure_cache_path(corpus, name: str, *, cache_dir: str | Path | None = None, fingerprint: str | None = None) -> Path:
    """Where ``name``'s result for ``corpus`` is (or would be) cached."""
    from .config import get_settings

    base = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    fp = fingerprint or corpus_fingerprint(corpus)
    return base / "measures" / f"{name}-{fp}-{_files_digest(MEASURES[name].depends_on)}.pkl"


def compute_measures(
    corpus,
    *,
    which: Sequence[str] | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    progress: bool | None = None,
) -> dict[str, pd.DataFrame]:
    """``name -> tidy table`` for ``which`` measures (default: all of :data:`MEASURES`), from the cache
    when the corpus, the measure's code and its data files are unchanged. ``progress``: a bar over the
    measures (default: on above 1,000 documents)."""
    names = list(which or MEASURES)
    unknown = sorted(set(names) - set(MEASURES))
    if unknown:
        raise KeyError(f"unknown measure(s) {unknown}; available: {sorted(MEASURES)}")
    show = progress if progress is not None else len(corpus.documents) > 1000
    fp = corpus_fingerprint(corpus) if cache else None
    out: dict[str, pd.DataFrame] = {}
    for name in _bar(names, show):
        path = measure_cache_path(corpus, name, cache_dir=cache_dir, fingerprint=fp) if cache else None
        if path is not None and path.exists():
            try:
                out[name] = pd.read_pickle(path)
                continue
            except Exception:  # truncated or incompatible entry: recompute
                pass
        out[name] = MEASURES[name].fn(corpus)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            out[name].to_pickle(tmp)
            os.replace(tmp, path)
    return out


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
    from .config import PROJECT_ROOT

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
