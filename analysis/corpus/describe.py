"""Descriptive tables about a corpus and its cleaning, for notebook 01 and reports.

>>> import analysis
>>> corpus = analysis.build_corpus(progress=False)
>>> int(outlet_summary(corpus).loc["Sputnik", "documents"])
2
"""
from __future__ import annotations

import pandas as pd

from analysis.corpus.build import Corpus

_ACTION_ORDER = ["keep", "heading", "metadata", "remove"]


def audit_summary(audit: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Raw lines and characters per ``by`` x action x rule (blank lines counted but not charactered).

    Columns: ``by, action, family, rule, n_lines, n_chars``; ``n_lines`` sums to the raw line count.
    """
    a = audit.assign(n_chars=audit["raw_line"].str.strip().str.len())
    out = (a.groupby([by, "action", "family", "rule"], dropna=False)
             .agg(n_lines=("line_no", "size"), n_chars=("n_chars", "sum")).reset_index())
    out["action"] = pd.Categorical(out["action"], _ACTION_ORDER, ordered=True)
    return out.sort_values([by, "action", "n_lines"], ascending=[True, True, False]).reset_index(drop=True)


def kept_share(audit: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Per ``by``: raw non-blank lines, lines kept as body or heading, and the share of characters kept."""
    a = audit[audit["rule"] != "blank_line"].assign(n_chars=lambda d: d["raw_line"].str.strip().str.len())
    kept = a["action"].isin(["keep", "heading"])
    g = a.assign(kept_lines=kept, kept_chars=a["n_chars"].where(kept, 0)).groupby(by)
    out = g.agg(lines=("line_no", "size"), kept_lines=("kept_lines", "sum"), chars=("n_chars", "sum"), kept_chars=("kept_chars", "sum"))
    out["removed_lines"] = out["lines"] - out["kept_lines"]
    out["share_chars_kept"] = (out["kept_chars"] / out["chars"]).round(3)
    return out


def outlet_summary(corpus: Corpus, *, max_chars: int = 4_000_000) -> pd.DataFrame:
    """Documents, paragraphs, sentences, words and entities per outlet, with mean sentence length.

    Words are tokens that are not punctuation. The sentences, words and entities are counted a batch of
    documents of at most ``max_chars`` characters at a time (:meth:`analysis.corpus.build.Corpus.table_batches`:
    only ``doc_id`` and ``is_punct`` read, never kept) and summed, unless the corpus already holds the table.

    >>> import analysis
    >>> c = analysis.build_corpus(progress=False)
    >>> outlet_summary(c, max_chars=6_000).equals(outlet_summary(c)), c.tables_loaded
    (True, False)
    """
    docs = corpus.documents
    outlets = docs[["doc_id", "outlet"]]

    def per_outlet(name: str, columns: list[str], keep=None) -> pd.Series:
        if hasattr(corpus, "table_batches"):
            parts = corpus.table_batches(name, columns, max_chars=max_chars)
        else:   # a corpus-like object with the tables as attributes
            parts = [getattr(corpus, name)]
        counts = [(t[keep(t)] if keep else t)[["doc_id"]].merge(outlets, on="doc_id").groupby("outlet").size()
                  for t in parts]
        return pd.concat(counts).groupby(level=0).sum().rename_axis("outlet") if counts else pd.Series(dtype=int)

    out = pd.DataFrame({
        "documents": docs.groupby("outlet").size(),
        "paragraphs": corpus.paragraphs.merge(outlets, on="doc_id").groupby("outlet").size(),
        "sentences": per_outlet("sentences", []),
        "words": per_outlet("tokens", ["is_punct"], keep=lambda t: ~t["is_punct"].astype(bool)),
        "entities": per_outlet("entities", []),
    }).fillna(0).astype(int)
    out["words_per_sentence"] = (out["words"] / out["sentences"]).round(1)
    return out


def sentence_lengths(corpus: Corpus) -> pd.DataFrame:
    """One row per body sentence: ``doc_id, outlet, sent_id, n_tokens``."""
    s = corpus.sentences
    return s.loc[s["para_kind"] == "body", ["doc_id", "outlet", "sent_id", "n_tokens"]].reset_index(drop=True)


def top_entities(corpus: Corpus, *, labels: tuple[str, ...] = ("ORG", "GPE", "PERSON", "NORP"), n: int = 15) -> pd.DataFrame:
    """Most frequent named entities (by text and label) with counts per outlet, wide format."""
    e = corpus.entities[corpus.entities["label"].isin(labels)].merge(corpus.documents[["doc_id", "outlet"]], on="doc_id")
    e = e.assign(entity=e["text"].str.replace(r"^the\s+", "", regex=True, case=False) + " (" + e["label"] + ")")
    wide = e.pivot_table(index="entity", columns="outlet", values="ent_i", aggfunc="size", fill_value=0)
    return wide.loc[wide.sum(axis=1).sort_values(ascending=False).index[:n]]


def annotated_page(audit: pd.DataFrame, doc_id: str, *, width: int = 110) -> str:
    """The raw page of ``doc_id`` as text, each line marked with what cleaning did and why.

    ``+`` kept body, ``#`` heading, ``m`` metadata, ``-`` removed; blank lines are skipped.
    """
    marks = {"keep": "+", "heading": "#", "metadata": "m", "remove": "-"}
    rows = audit[(audit["doc_id"] == doc_id) & (audit["rule"] != "blank_line")]
    lines = []
    for r in rows.itertuples():
        text = " ".join(str(r.raw_line).split())
        text = text if len(text) <= width else text[: width - 1] + "…"
        lines.append(f"{r.line_no:>3} {marks[r.action]} {text:<{width}}  [{r.rule}]")
    return "\n".join(lines)


def corpus_name(source) -> str:
    """A short name for a corpus source, for file names and titles: ``seeds`` or the file/folder stem.

    >>> corpus_name(None), corpus_name("/data/my_news.csv"), corpus_name("/data/pages/")
    ('seeds', 'my_news', 'pages')
    """
    if source is None:
        return "seeds"
    if not isinstance(source, (str, bytes)) and not hasattr(source, "__fspath__"):
        return "corpus"  # a DataFrame
    from pathlib import Path

    p = Path(source)
    return p.stem if p.suffix else p.name


def short_ids(ids, *, min_len: int = 3, keep_up_to: int = 8) -> dict:
    """Short labels for document ids: ids of at most ``keep_up_to`` characters stay whole, longer ones become
    their shortest prefix (at least ``min_len`` characters) that no other id starts with.

    For axis labels: the seeds' ``000_a116c40674ff6413`` becomes ``000``, while ``hl01`` and ``hl10`` stay whole.

    >>> short_ids(["000_a116c40674ff6413", "001_4a911ba972fbb41c"]), short_ids(["hl01", "hl10"])
    ({'000_a116c40674ff6413': '000', '001_4a911ba972fbb41c': '001'}, {'hl01': 'hl01', 'hl10': 'hl10'})
    """
    ids = [str(i) for i in dict.fromkeys(ids)]
    out = {}
    for i in ids:
        if len(i) <= keep_up_to:
            out[i] = i
            continue
        n = min(min_len, len(i))
        while n < len(i) and any(j != i and j.startswith(i[:n]) for j in ids):
            n += 1
        out[i] = i[:n]
    return out
