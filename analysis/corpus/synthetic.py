"""A large synthetic corpus recombined from the seed sentences, for benchmarks that caches cannot cheat.

Every document is a fresh, seeded draw of clean seed body sentences grouped into paragraphs, opened
by a sentence carrying a unique dispatch number, so every text hashes differently and no parse is
reused. Documents are spread over several outlets and dates; the table has the columns
:func:`analysis.build_corpus` reads (``doc_id, outlet, title, date, text``) and survives cleaning
unchanged (paragraphs of complete, non-repeated sentences).

>>> df = synthetic_corpus(3, seed=1, sentences=["Meridian denied it.", "The council disagreed.", "Talks resumed."])
>>> df.shape[0], df.doc_id.is_unique, df.text.is_unique
(3, True, True)
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

#: Outlets of the synthetic corpus (fictional names: not to be mistaken for the seed outlets).
SYNTHETIC_OUTLETS = ("Daily Ledger", "Wire Service A", "Tech Courier", "State Broadcaster B", "Morning Post")
#: Paragraphs longer than this survive the cleaning rule for repeated short lines (max_words: 12).
MIN_PARAGRAPH_WORDS = 12


def seed_sentences(*, min_words: int = 6) -> list[str]:
    """Clean body sentences of the seed corpus (parsed once through the cache), deduplicated.

    >>> len(seed_sentences()) > 50   # doctest: +SKIP
    True
    """
    from analysis.corpus.build import build_corpus

    s = build_corpus(progress=False).sentences
    s = s[(s.para_kind == "body") & (s.text.str.split().str.len() >= min_words)]
    s = s[s.text.str.contains(r"[.!?][\"”’')]?$", regex=True)]
    return list(dict.fromkeys(s.text.astype(str)))


def synthetic_corpus(
    n_docs: int,
    *,
    seed: int = 42,
    sentences: Sequence[str] | None = None,
    outlets: Sequence[str] = SYNTHETIC_OUTLETS,
    sentences_per_doc: tuple[int, int] = (6, 14),
    sentences_per_paragraph: tuple[int, int] = (1, 4),
    id_prefix: str = "syn",
) -> pd.DataFrame:
    """``n_docs`` unique documents recombined from ``sentences`` (default: :func:`seed_sentences`).

    Sentence and paragraph counts are drawn uniformly from the inclusive ranges; a sentence is used
    at most once per document. Same ``seed`` and arguments give the same table.

    >>> synthetic_corpus(2, seed=0, sentences=["A b c.", "D e f.", "G h i."]).outlet.tolist()
    ['Daily Ledger', 'Wire Service A']
    """
    pool = list(sentences) if sentences is not None else seed_sentences()
    if not pool:
        raise ValueError("no sentences to recombine")
    if n_docs < 0:
        raise ValueError("n_docs must be >= 0")
    rng = np.random.default_rng(seed)
    lo, hi = sentences_per_doc
    plo, phi = sentences_per_paragraph
    days = pd.date_range("2019-01-01", "2020-12-31", freq="D")
    ids, outs, titles, dates, texts = [], [], [], [], []
    width = max(6, len(str(n_docs)))
    for i in range(n_docs):
        n = min(int(rng.integers(lo, hi + 1)), len(pool))
        picked = [pool[j] for j in rng.choice(len(pool), size=n, replace=False)]
        day = days[int(rng.integers(len(days)))]
        marker = f"Dispatch {i + 1:0{width}d} was filed on {day:%d %B %Y}."
        paras, k = [], 0
        first = [marker]
        while k < n:
            m = int(rng.integers(plo, phi + 1))
            block = first + picked[k:k + m]
            k += m
            # cleaning drops short lines repeated across an outlet's documents: keep paragraphs long
            while len(" ".join(block).split()) <= MIN_PARAGRAPH_WORDS and k < n:
                block.append(picked[k])
                k += 1
            if len(" ".join(block).split()) <= MIN_PARAGRAPH_WORDS and paras:
                paras[-1] = paras[-1] + " " + " ".join(block)
            else:
                paras.append(" ".join(block))
            first = []
        if first:
            paras.append(marker)
        ids.append(f"{id_prefix}{i + 1:0{width}d}")
        outs.append(outlets[i % len(outlets)])
        titles.append(f"Synthetic report {i + 1}")
        dates.append(day)
        texts.append("\n\n".join(paras))
    return pd.DataFrame({"doc_id": ids, "outlet": outs, "title": titles,
                         "date": pd.to_datetime(pd.Series(dates, dtype="datetime64[ns]")), "text": texts})


def write_synthetic_corpus(n_docs: int, path: str | Path, *, seed: int = 42, **options) -> Path:
    """Write :func:`synthetic_corpus` to ``path`` (``.parquet`` or ``.csv``) and return the path.

    >>> write_synthetic_corpus(2, "/tmp/syn.csv", sentences=["A b c.", "D e f."]).name  # doctest: +SKIP
    'syn.csv'
    """
    path = Path(path)
    df = synthetic_corpus(n_docs, seed=seed, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in {".parquet", ".pq"}:
        df.to_parquet(path, index=False)
    else:
        df.assign(date=df.date.dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    return path
