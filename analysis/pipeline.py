"""One call from a corpus source to parsed tables: load -> clean -> parse.

>>> corpus = build_corpus(progress=False)
>>> corpus.documents.shape[0], corpus.sentences.columns[:4].tolist()
(5, ['doc_id', 'outlet', 'para_id', 'sent_id'])
"""
from __future__ import annotations

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
        cleaned = clean_corpus(raw.documents, rules=rules)
        documents, paragraphs, audit = cleaned.documents, cleaned.paragraphs, cleaned.audit
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
