"""Exact and near-duplicate documents: found before cleaning, the first copy kept.

A document is a duplicate of an earlier one (corpus order) when the Jaccard similarity of their sets of
word ``shingle_size``-grams (default 5) is at least ``threshold`` (default 0.9). Only the *body-like* lines
are compared: lines of at least ``min_line_words`` words (default 13, one more than the longest line the
cleaning rules may treat as outlet boilerplate, ``outlet_repeats.max_words``), so two different articles
that share a menu, related headlines and a copyright footer are not duplicates, while one article scraped
twice with different furniture is. When such lines hold less than half of a document's words (hard-wrapped
text), its whole text is compared.

Identical texts are found by hashing; near duplicates with MinHash signatures in a locality-sensitive
hash index (``datasketch``), so each document is compared with its few candidates, not with every other
document. Every candidate is then checked with the exact Jaccard similarity, which is the figure reported.
By default only documents of the same outlet are compared (``within_outlet=True``): a wire story printed by
two outlets is one article in each outlet's coverage.

>>> import pandas as pd
>>> body = "The council voted on Tuesday to approve the new charge for drivers entering the centre of the city."
>>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "X"],
...                      "text": [body, "Menu\\n" + body, "An entirely different story about the harbour."]})
>>> find_duplicates(docs)[["doc_id", "duplicate_of", "jaccard"]].values.tolist()
[['b', 'a', 1.0]]
"""
from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache

import numpy as np
import pandas as pd

DUPLICATE_COLUMNS = ["doc_id", "duplicate_of", "jaccard", "kind", "reason"]
_WORD = re.compile(r"\w+")


def comparison_text(text: str, *, min_line_words: int = 13) -> str:
    """The part of a raw text that duplicate detection compares: its lines of at least ``min_line_words``
    words, or the whole text when those hold less than half of its words.

    >>> comparison_text("Home | News\\n" + "word " * 20)
    'word word word word word word word word word word word word word word word word word word word word'
    """
    lines = text.splitlines()
    long = [ln for ln in lines if len(ln.split()) >= min_line_words]
    n_long = sum(len(ln.split()) for ln in long)
    return " ".join(" ".join(long if 2 * n_long >= len(text.split()) else lines).split())


def shingles(text: str, *, size: int = 5) -> set[str]:
    """Lower-cased word ``size``-grams of ``text`` (a text of fewer words is one shingle).

    >>> sorted(shingles("A b c d e f", size=5))
    ['a b c d e', 'b c d e f']
    """
    toks = _WORD.findall(text.lower())
    if not toks:
        return set()
    return {" ".join(toks[i:i + size]) for i in range(max(len(toks) - size + 1, 1))}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def find_duplicates(
    documents: pd.DataFrame,
    *,
    threshold: float = 0.9,
    shingle_size: int = 5,
    num_perm: int = 128,
    min_line_words: int = 13,
    within_outlet: bool = True,
    seed: int = 1,
) -> pd.DataFrame:
    """One row per document that duplicates an earlier one: ``doc_id, duplicate_of, jaccard, kind, reason``.

    ``kind`` is ``"exact"`` (same comparison text up to case and spacing) or ``"near"``; ``reason`` reads
    ``duplicate of <id> (jaccard 0.93)``. ``duplicate_of`` is always a document that is itself kept (the
    first of its group in corpus order). ``num_perm`` and ``seed``: the MinHash signatures (near
    duplicates just above ``threshold`` are found with high probability, not certainty; identical texts
    always are). See the module docstring for what is compared.

    >>> import pandas as pd
    >>> find_duplicates(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": ["Only one."]})).empty
    True
    """
    from datasketch import MinHash, MinHashLSH

    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a Jaccard similarity in (0, 1], not {threshold!r}")
    ids = documents["doc_id"].astype(str).tolist()
    texts = documents["text"].astype(str).tolist()
    groups = documents["outlet"].astype(str).tolist() if within_outlet and "outlet" in documents else [""] * len(ids)
    rows: list[dict] = []
    first_exact: dict[tuple[str, str], int] = {}

    @lru_cache(maxsize=4096)
    def kept_shingles(j: int) -> frozenset:
        # a kept document's shingles, recomputed when it is an LSH candidate (rare) instead of held for every
        # document: at 50,000 documents the held sets took about 1.8 GB
        return frozenset(shingles(comparison_text(texts[j], min_line_words=min_line_words), size=shingle_size))

    index: dict[str, MinHashLSH] = {}
    bands = lsh_bands(threshold, num_perm=num_perm)
    base = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)  # permutations drawn once, shared
    for i, (doc_id, text, group) in enumerate(zip(ids, texts, groups)):
        comp = comparison_text(text, min_line_words=min_line_words)
        if not comp:
            continue
        digest = hashlib.sha256(comp.lower().encode("utf-8")).hexdigest()
        j = first_exact.get((group, digest))
        if j is not None:
            rows.append(_row(doc_id, ids[j], 1.0, "exact"))
            continue
        first_exact[(group, digest)] = i
        sh = shingles(comp, size=shingle_size)
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32, permutations=base.permutations,
                    scheme=base.scheme)
        m.update_batch([s.encode("utf-8") for s in sh])
        lsh = index.get(group)
        if lsh is None:
            lsh = index[group] = MinHashLSH(num_perm=num_perm, params=bands)
        best = None
        for cand in sorted(lsh.query(m)):  # kept documents, earliest first
            sim = _jaccard(sh, kept_shingles(cand))
            if sim >= threshold:
                best = (cand, sim)
                break
        if best is not None:
            rows.append(_row(doc_id, ids[best[0]], best[1], "near"))
            del first_exact[(group, digest)]  # a duplicate is never the one others are duplicates of
            continue
        lsh.insert(i, m)
    return pd.DataFrame(rows, columns=DUPLICATE_COLUMNS)


def lsh_bands(threshold: float, *, num_perm: int = 128, recall: float = 0.999) -> tuple[int, int]:
    """``(bands, rows)`` of the LSH index: the most rows per band (fewest chance candidates) such that two
    documents with Jaccard similarity ``threshold`` still share a band with probability ``recall``
    (``1 - (1 - threshold ** rows) ** bands``). datasketch's own choice for 0.9 (5 bands of 25 rows) misses
    one pair in five at similarity 0.95.

    >>> lsh_bands(0.9), lsh_bands(0.8)
    ((16, 8), (25, 5))
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= recall:
            best = (bands, rows)
    return best


def _row(doc_id: str, of: str, sim: float, kind: str) -> dict:
    sim = float(np.round(sim, 4))
    return {"doc_id": doc_id, "duplicate_of": of, "jaccard": sim, "kind": kind,
            "reason": f"duplicate of {of} (jaccard {sim:.2f})"}
