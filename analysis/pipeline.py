"""One call from a corpus source to parsed tables: load -> clean -> parse.

>>> corpus = build_corpus(progress=False)
>>> corpus.documents.shape[0], corpus.sentences.columns[:4].tolist()
(5, ['doc_id', 'outlet', 'para_id', 'sent_id'])
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

import pandas as pd

from .cleaning import Rules, clean_corpus
from .corpus import load_corpus
from .parsing import ParseStats, Parsed, iter_docs, parse_documents

if TYPE_CHECKING:
    from distributed import Client

SENTENCE_TABLE_COLUMNS = ["doc_id", "outlet", "para_id", "sent_id", "sent_i", "para_kind", "start_char", "end_char", "text", "n_tokens"]


@dataclass
class Corpus:
    """A loaded, cleaned and parsed corpus: tidy tables, see ``docs/architecture.md``."""

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    entities: pd.DataFrame
    audit: pd.DataFrame
    rejects: pd.DataFrame
    issues: pd.DataFrame
    parse_stats: ParseStats
    _parsed: Parsed

    def docs(self, doc_ids: Sequence[str] | None = None) -> Iterator[tuple[str, object]]:
        """Yield ``(doc_id, spacy.tokens.Doc)`` from the parse cache (no parsing)."""
        return iter_docs(self._parsed, doc_ids=doc_ids)

    def sentence_text(self, sent_id: str) -> str:
        """Text of one sentence, e.g. to quote evidence."""
        return str(self.sentences.loc[self.sentences.sent_id == sent_id, "text"].iloc[0])

    def __repr__(self) -> str:
        return (f"Corpus({len(self.documents)} documents, {self.documents.outlet.nunique()} outlets, "
                f"{len(self.sentences)} sentences, {len(self.tokens)} tokens, {len(self.rejects)} rejected)")


def _code_digest(*files: Path) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


def cached_clean(documents: pd.DataFrame, *, rules: Rules | None = None, cache_dir: str | Path | None = None,
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`analysis.cleaning.clean_corpus` through an on-disk cache: ``(documents, paragraphs, audit)``.

    Cleaning looks across documents (an outlet's repeated lines), so the whole corpus is one cache entry,
    keyed by a hash of every loaded document (all columns), the cleaning rules file and the cleaning code;
    any change recomputes it (parsing, the expensive step, is still cached per text). Custom ``rules``
    objects are not cached. Entries are pickles under ``<cache_dir>/clean/`` (exact round trip of dtypes).
    """
    from . import cleaning
    from .config import get_settings

    if rules is not None:
        c = clean_corpus(documents, rules=rules)
        return c.documents, c.paragraphs, c.audit
    base = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    h = hashlib.sha256(pd.util.hash_pandas_object(documents.astype(str), index=False).to_numpy().tobytes())
    h.update(" ".join(map(str, documents.columns)).encode())
    code = _code_digest(Path(cleaning.__file__), cleaning.DEFAULT_RULES)
    path = base / "clean" / f"{h.hexdigest()[:32]}-{code}.pkl"
    if path.exists():
        try:
            return pd.read_pickle(path)
        except Exception:  # a truncated or incompatible entry: recompute and overwrite
            pass
    c = clean_corpus(documents)
    out = (c.documents, c.paragraphs, c.audit)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    pd.to_pickle(out, tmp)
    os.replace(tmp, path)  # atomic: concurrent runs never read half a file
    return out


def _attach_paragraphs(sentences: pd.DataFrame, paragraphs: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    if sentences.empty:
        return pd.DataFrame(columns=SENTENCE_TABLE_COLUMNS)
    paras = paragraphs[["doc_id", "para_id", "kind", "start_char"]].rename(columns={"start_char": "para_start", "kind": "para_kind"})
    merged = pd.merge_asof(
        sentences.sort_values("start_char"), paras.sort_values("para_start"),
        left_on="start_char", right_on="para_start", by="doc_id", direction="backward",
    ).drop(columns="para_start")
    merged = merged.merge(documents[["doc_id", "outlet"]], on="doc_id", how="left")
    order = {d: i for i, d in enumerate(documents["doc_id"])}
    merged = merged.assign(_o=merged.doc_id.map(order)).sort_values(["_o", "sent_i"]).drop(columns="_o")
    return merged[SENTENCE_TABLE_COLUMNS].reset_index(drop=True)


def build_corpus(
    source: str | Path | pd.DataFrame | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    metadata: str | Path | pd.DataFrame | None = None,
    outlet: str | None = None,
    clean: bool = True,
    rules: Rules | None = None,
    model: str | None = None,
    components: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
    n_process: int | None = None,
    progress: bool | None = None,
    scheduler: "str | Client | None" = None,
    n_workers: int = 2,
) -> Corpus:
    """Load (:func:`analysis.corpus.load_corpus`), clean and parse a corpus; ``None`` means the seeds.

    ``clean=False`` skips boilerplate removal for corpora that are already clean text (paragraphs are
    then the blank-line separated blocks). Parsing goes through the on-disk cache.
    ``scheduler``: parse on a Dask cluster instead (``"local"`` for a LocalCluster of ``n_workers``
    processes, a scheduler address, or a ``distributed.Client``); same tables, same cache
    (see :mod:`analysis.distributed`).
    """
    raw = load_corpus(source, columns=columns, metadata=metadata, outlet=outlet)
    if clean:
        documents, paragraphs, audit = cached_clean(raw.documents, rules=rules, cache_dir=cache_dir)
    else:
        from .units import paragraphs_from_text

        documents = raw.documents.copy()
        documents["n_chars"] = documents["text"].str.len().astype(int)
        documents["n_words"] = documents["text"].str.split().str.len().fillna(0).astype(int)
        paragraphs = paragraphs_from_text(documents)
        audit = pd.DataFrame(columns=["doc_id", "outlet", "line_no", "raw_line", "zone", "action", "rule", "family", "field", "para_i"])
    if scheduler is not None:
        from .distributed import parse_distributed

        parsed = parse_distributed(documents, scheduler=scheduler, n_workers=n_workers, model=model,
                                   components=components, cache_dir=cache_dir)
    else:
        parsed = parse_documents(documents, model=model, components=components, cache_dir=cache_dir,
                                 n_process=n_process, progress=progress)
    sentences = _attach_paragraphs(parsed.sentences, paragraphs, documents)
    return Corpus(documents=documents, paragraphs=paragraphs, sentences=sentences, tokens=parsed.tokens,
                  entities=parsed.entities, audit=audit, rejects=raw.rejects, issues=raw.issues,
                  parse_stats=parsed.stats, _parsed=parsed)
