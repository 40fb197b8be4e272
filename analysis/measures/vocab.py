"""What counts as a term: content-word filtering, stop words and n-grams, shared by topics and distinctive words.

>>> import pandas as pd
>>> t = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": ["s"] * 3, "token_i": [0, 1, 2],
...     "lemma": ["base", "station", "the"], "pos": ["NOUN", "NOUN", "DET"], "is_stop": [False, False, True]})
>>> terms = content_terms(t, options=VocabOptions(extra_stopwords=()))
>>> terms["term"].tolist(), ngrams(terms, "sent_id", 2)["term"].tolist()
(['base', 'station'], ['base station'])
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.config import PACKAGE_DATA

__all__ = ["NEWS_STOPWORDS_FILE", "VocabOptions", "content_terms", "load_stopwords", "ngrams"]

#: Default news stop-word list (on top of spaCy's ``is_stop``); see the file for its source.
NEWS_STOPWORDS_FILE: Path = PACKAGE_DATA / "stopwords_news.txt"


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Read a one-word-per-line stop list (``#`` comments allowed); default: the news list.

    >>> "say" in load_stopwords()
    True
    """
    text = Path(path or NEWS_STOPWORDS_FILE).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#"))


@dataclass(frozen=True)
class VocabOptions:
    """What counts as a term. Every field is a researcher's choice; defaults suit news text.

    - ``pos``: parts of speech kept (content words).
    - ``use_lemma``: count lemmas (``contracts`` -> ``contract``) rather than surface forms.
    - ``drop_stop``: drop spaCy stop words; ``extra_stopwords``: more words to drop (``None`` = the
      news list in ``analysis/data/stopwords_news.txt``, ``()`` = none).
    - ``min_chars``: shortest term kept; ``require_letter``: drop pure numbers/symbols but keep ``co2``.
    - ``ngram_range``: ``(1, 2)`` adds bigrams of *adjacent* content words (``base station``).
    - ``min_df`` / ``max_df``: keep terms found in at least / at most this many units (int) or this
      share of units (float), as in scikit-learn.
    """

    pos: tuple[str, ...] = ("NOUN", "PROPN", "VERB", "ADJ")
    use_lemma: bool = True
    drop_stop: bool = True
    extra_stopwords: tuple[str, ...] | None = None
    min_chars: int = 2
    require_letter: bool = True
    ngram_range: tuple[int, int] = (1, 1)
    min_df: int | float = 2
    max_df: int | float = 1.0

    def __post_init__(self):
        for name in ("min_df", "max_df"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError(f"VocabOptions.{name} must be an int (units) or a float (share of units), not {v!r}")
            if isinstance(v, float) and not 0.0 <= v <= 1.0:
                raise ValueError(f"VocabOptions.{name} = {v!r}: a float is a share of units and must be in [0.0, 1.0]")
            if isinstance(v, int) and v < 0:
                raise ValueError(f"VocabOptions.{name} = {v!r}: a count of units cannot be negative")
        if type(self.min_df) is type(self.max_df) and self.min_df > self.max_df:
            raise ValueError(f"VocabOptions: max_df={self.max_df!r} corresponds to fewer units than "
                             f"min_df={self.min_df!r}; no term could be kept")
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi:
            raise ValueError(f"VocabOptions.ngram_range = {self.ngram_range!r}: need 1 <= lo <= hi")

    def df_bounds(self, n_units: int) -> tuple[float, float]:
        """``(min_df, max_df)`` as counts of units for a matrix of ``n_units`` units.

        >>> VocabOptions(min_df=2, max_df=0.5).df_bounds(10)
        (2.0, 5.0)
        >>> VocabOptions(min_df=5, max_df=0.3).df_bounds(10)
        Traceback (most recent call last):
        ...
        ValueError: VocabOptions: max_df=0.3 corresponds to 3 of 10 units, fewer than min_df=5; no term could be kept
        """
        lo, hi = (v * n_units if isinstance(v, float) else float(v) for v in (self.min_df, self.max_df))
        if hi < lo and n_units > 0:
            raise ValueError(f"VocabOptions: max_df={self.max_df!r} corresponds to {hi:g} of {n_units} units, fewer "
                             f"than min_df={self.min_df!r}; no term could be kept")
        return lo, hi

    def stopwords(self) -> frozenset[str]:
        return load_stopwords() if self.extra_stopwords is None else frozenset(w.lower() for w in self.extra_stopwords)


def content_terms(tokens: pd.DataFrame, *, options: VocabOptions = VocabOptions()) -> pd.DataFrame:
    """Filter a ``tokens`` table to content words and add a ``term`` column (unigrams only).

    >>> t = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": ["s"] * 3, "token_i": [0, 1, 2],
    ...     "lemma": ["the", "Contracts", "2019"], "pos": ["DET", "NOUN", "NUM"], "is_stop": [True, False, False]})
    >>> content_terms(t, options=VocabOptions(extra_stopwords=()))["term"].tolist()
    ['contracts']
    """
    col = "lemma" if options.use_lemma else ("lower" if "lower" in tokens.columns else "text")
    keep = tokens["pos"].isin(options.pos) & tokens[col].notna()
    if options.drop_stop and "is_stop" in tokens.columns:
        keep &= ~tokens["is_stop"].astype(bool)
    out = tokens.loc[keep].copy()
    term = out[col].astype(str).str.lower().str.strip()
    ok = term.str.len() >= options.min_chars
    if options.require_letter:
        ok &= term.str.contains(r"[a-z]", regex=True)
    stop = options.stopwords()
    if stop:
        ok &= ~term.isin(stop)
    out["term"] = term
    return out.loc[ok]


def ngrams(terms: pd.DataFrame, unit: str, n: int) -> pd.DataFrame:
    """``n``-grams of content terms that are adjacent in the text (consecutive ``token_i``) within one ``unit``.

    ``terms`` is a :func:`content_terms` table (``doc_id, token_i, <unit>, term``); each row of the result is
    the row of the n-gram's first word with ``term`` set to the n-gram.

    >>> t = pd.DataFrame({"doc_id": "d", "sent_id": ["s0", "s0", "s0", "s1"], "token_i": [0, 1, 3, 4],
    ...                   "term": ["base", "station", "ban", "deal"]})
    >>> ngrams(t, "sent_id", 2)["term"].tolist()
    ['base station']
    """
    t = terms.sort_values(["doc_id", "token_i"]).reset_index(drop=True)
    parts, ok = [t["term"]], pd.Series(True, index=t.index)
    for k in range(1, n):
        nxt = t.shift(-k)
        ok &= (nxt["doc_id"] == t["doc_id"]) & (nxt[unit] == t[unit]) & (nxt["token_i"] == t["token_i"] + k)
        parts.append(nxt["term"])
    gram = parts[0].str.cat(parts[1:], sep=" ")
    return t.loc[ok.fillna(False).astype(bool)].assign(term=gram[ok.fillna(False).astype(bool)])
