"""The one matcher layer: every term list, actor table, marker list and codebook is compiled and matched here.

A :class:`Lexicon` is a tuple of rules (plain data) with a content digest (sha256 of their canonical
JSON). :func:`compile_lexicon` turns it into spaCy ``PhraseMatcher`` / ``Matcher`` / ``DependencyMatcher``
objects for one vocab, kept in a bounded LRU keyed on (lexicon digest, vocab): an edited or another
lexicon never gets an old matcher, and the cache never grows past :data:`COMPILED_CACHE_SIZE`.

Rules and how a token sequence matches them:

* ``words``: each word equals the token's lemma or its lowercase form (the attributes are listed per rule,
  ``("LEMMA", "LOWER")`` by default); optional ``pos_in`` / ``pos_not_in`` constrain every token.
* ``phrase``: the phrase, tokenised by spaCy's English tokenizer, equals the tokens' lowercase forms.
* ``alias``: case-sensitive except for the first character; straight and curly apostrophes are the same;
  whitespace runs and line breaks count as one space.
* ``tokens`` / ``deps``: spaCy ``Matcher`` / ``DependencyMatcher`` patterns (a dependency match reports
  its first token); ``entity``: a named entity with one of the labels.

Matches never cross a sentence boundary (when the Doc has one). By default the longest match wins
where matches overlap (ties: the earliest); ``overlaps=True`` keeps every match.

>>> lex = term_lexicon(["trade war", "war"])
>>> match_texts(["A trade war, then war."], lex)
[[(2, 11, 'trade war'), (18, 21, 'war')]]
>>> match_texts(["the harbour board", "The Harbour Board"], alias_lexicon([("the Harbour Board", "port authority")]))
[[], [(0, 17, 'port authority')]]
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

#: How many compiled (lexicon, vocab) pairs are kept in memory.
COMPILED_CACHE_SIZE = 16
#: Default attributes a ``words`` rule compares (lemma, then lowercase form).
WORD_ATTRS = ("LEMMA", "LOWER")
#: Table columns ``match_tokens`` can compare, and the spaCy attribute each one is.
FIELD_ATTRS = {"lemma": "LEMMA", "lower": "LOWER", "text": "LOWER"}
RULE_KINDS = ("words", "phrase", "alias", "tokens", "deps", "entity")
_APOSTROPHES = ("'", "\u2019")
_TABLE_CHUNK = 50_000  # tokens per Doc built from a tokens table


class Match(NamedTuple):
    """One match: ``label`` and the token range ``[start, end)`` of the Doc."""

    label: str
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Rules to match, as plain data; equal (and cached together) when their content is equal.

    Each rule is ``(kind, label, spec, options)`` with ``kind`` in :data:`RULE_KINDS`.

    >>> term_lexicon(["ban"]) == term_lexicon(["ban"]), term_lexicon(["ban"]) == term_lexicon(["war"])
    (True, False)
    """

    rules: tuple
    digest: str = field(init=False)

    def __post_init__(self):
        for r in self.rules:
            if len(r) != 4 or r[0] not in RULE_KINDS:
                raise ValueError(f"a lexicon rule is (kind, label, spec, options) with kind in {RULE_KINDS}: {r!r}")
        canon = json.dumps([list(r) for r in self.rules], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        object.__setattr__(self, "digest", hashlib.sha256(canon.encode("utf-8")).hexdigest())

    def __eq__(self, other) -> bool:
        return isinstance(other, Lexicon) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __len__(self) -> int:
        return len(self.rules)


def _words_rule(label: str, words: Sequence[str], *, attrs: Sequence[str] = WORD_ATTRS,
                pos_in: Sequence[str] = (), pos_not_in: Sequence[str] = ()) -> tuple:
    opts = {"attrs": list(attrs), "pos_in": sorted(pos_in), "pos_not_in": sorted(pos_not_in)}
    return ("words", str(label), [str(w).lower() for w in words], opts)


def term_lexicon(terms: Iterable[str], *, attrs: Sequence[str] = WORD_ATTRS) -> Lexicon:
    """Terms of one or more words, each word matched by lemma or lowercase form; the label is the term.

    >>> [m.label for m in match_doc(_blank().make_doc("Trade wars"), term_lexicon(["trade war"], attrs=["LOWER"]))]
    []
    """
    seen = dict.fromkeys(" ".join(str(t).lower().split()) for t in terms)
    return Lexicon(tuple(_words_rule(t, t.split(), attrs=attrs) for t in seen if t))


def alias_lexicon(aliases: Iterable[tuple[str, str]]) -> Lexicon:
    """``(alias, id)`` pairs (e.g. id = canonical actor), matched with the alias case rule.

    >>> match_texts(["Meridian\u2019s chief spoke."], alias_lexicon([("Meridian's chief", "Ortiz")]))
    [[(0, 16, 'Ortiz')]]
    """
    return Lexicon(tuple(("alias", str(i), " ".join(str(a).split()), {}) for a, i in aliases))


def marker_lexicon(entries: Mapping[str, Mapping[str, Sequence[str]]], *,
                   pos_not_in: Sequence[str] = ("PROPN",)) -> Lexicon:
    """``{label: {"lemmas": [...], "phrases": [...]}}``: one-token lemmas (not proper nouns) and phrases.

    >>> lex = marker_lexicon({"distancing": {"lemmas": ["claim"], "phrases": ["without proof"]}})
    >>> [r[0] for r in lex.rules]
    ['words', 'phrase']
    """
    rules = []
    for label, e in entries.items():
        rules += [_words_rule(label, [w], pos_not_in=pos_not_in) for w in e.get("lemmas") or []]
        rules += [("phrase", str(label), str(p), {}) for p in e.get("phrases") or []]
    return Lexicon(tuple(rules))


def lexicon_rule(kind: str, label: str, spec: Any, **options) -> tuple:
    """One rule for :class:`Lexicon` (codebooks build theirs from indicators).

    ``words`` takes ``attrs``, ``pos_in``, ``pos_not_in``; the other kinds take no options.

    >>> lexicon_rule("words", "economic", ["loss"], pos_in=["NOUN"])[3]["pos_in"]
    ['NOUN']
    """
    if kind == "words":
        return _words_rule(label, spec, **options)
    if options:
        raise ValueError(f"rule kind {kind!r} takes no options, got {sorted(options)}")
    return (kind, str(label), spec, {})


# ------------------------------------------------------------------------------------------ compiling

@lru_cache(maxsize=1)
def _blank():
    import spacy

    return spacy.blank("en")


class CompiledLexicon:
    """The spaCy matchers of one lexicon for one vocab (built by :func:`compile_lexicon`)."""

    def __init__(self, lexicon: Lexicon, vocab):
        from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
        from spacy.tokens import Doc

        self.digest, self.vocab = lexicon.digest, vocab
        make = _blank().tokenizer
        self.word_pm = {a: PhraseMatcher(vocab, attr=a) for a in ("LEMMA", "LOWER")}
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        self.aliases = PhraseMatcher(vocab, attr="ORTH")
        self.tokens = Matcher(vocab)
        self.deps = DependencyMatcher(vocab)
        self.words: list[tuple[str, tuple[str, ...], tuple[str, ...], frozenset, frozenset]] = []
        self.by_first: dict[str, list[int]] = {}
        self.entities: list[tuple[str, frozenset]] = []
        seen_words: dict[str, set] = {"LEMMA": set(), "LOWER": set()}
        for kind, label, spec, opts in lexicon.rules:
            if kind == "words":
                attrs = tuple(opts["attrs"])
                unknown = set(attrs) - set(self.word_pm)
                if unknown or not spec:
                    raise ValueError(f"words rule {label!r}: attrs must be of {sorted(self.word_pm)}, "
                                     "and words non-empty")
                self.by_first.setdefault(spec[0], []).append(len(self.words))
                self.words.append((label, tuple(spec), attrs, frozenset(opts["pos_in"]), frozenset(opts["pos_not_in"])))
                for a in attrs:
                    for w in spec:
                        if w not in seen_words[a]:
                            seen_words[a].add(w)
                            d = Doc(vocab, words=[w], lemmas=[w]) if a == "LEMMA" else Doc(vocab, words=[w])
                            self.word_pm[a].add(w, [d])
            elif kind == "phrase":
                self.phrases.add(label, [make(spec)])
            elif kind == "alias":
                self.aliases.add(label, [make(v) for v in _alias_variants(spec)])
            elif kind == "tokens":
                self.tokens.add(label, spec)
            elif kind == "deps":
                self.deps.add(label, spec)
            else:
                self.entities.append((label, frozenset(spec)))


def _alias_variants(alias: str) -> list[str]:
    """The alias with its first character in both cases and every apostrophe straight or curly."""
    forms = {alias, alias[:1].swapcase() + alias[1:]} if alias[:1].isalpha() else {alias}
    for a, b in (_APOSTROPHES, _APOSTROPHES[::-1]):
        forms |= {f.replace(a, b) for f in forms}
    return sorted(forms)


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _compile_cached(lexicon: Lexicon, vocab) -> CompiledLexicon:
    return CompiledLexicon(lexicon, vocab)


def compile_lexicon(lexicon: Lexicon, vocab) -> CompiledLexicon:
    """The compiled matchers of ``lexicon`` for ``vocab`` (from the bounded cache when possible).

    >>> v = _blank().vocab
    >>> compile_lexicon(term_lexicon(["ban"]), v) is compile_lexicon(term_lexicon(["ban"]), v)
    True
    """
    comp = _compile_cached(lexicon, vocab)
    if comp.vocab is not vocab or comp.digest != lexicon.digest:  # the cache key holds both: never expected
        _compile_cached.cache_clear()
        comp = _compile_cached(lexicon, vocab)
    return comp


def matcher_cache_info():
    """Hits, misses, size and bound of the compiled-matcher cache (``functools`` ``CacheInfo``)."""
    return _compile_cached.cache_info()


def clear_matcher_cache() -> None:
    """Forget every compiled matcher."""
    _compile_cached.cache_clear()


# ------------------------------------------------------------------------------------------- matching

def _crosses_sentence(doc, start: int, end: int) -> bool:
    return any(doc[i].is_sent_start for i in range(start + 1, end))


def _word_matches(doc, comp: CompiledLexicon) -> list[Match]:
    hits: set[tuple[int, str, str]] = set()  # (token, attr, word)
    for a, pm in comp.word_pm.items():
        if len(pm) and (a != "LEMMA" or doc.has_annotation("LEMMA")):
            hits.update((s, a, doc.vocab.strings[m]) for m, s, _e in pm(doc))
    out = set()
    for i, _a, w in hits:
        for k in comp.by_first.get(w, ()):
            label, words, attrs, pos_in, pos_not_in = comp.words[k]
            end = i + len(words)
            if end > len(doc) or not all(any((i + j, a, wj) in hits for a in attrs) for j, wj in enumerate(words)):
                continue
            if (pos_in or pos_not_in) and not all(
                    (not pos_in or doc[t].pos_ in pos_in) and doc[t].pos_ not in pos_not_in for t in range(i, end)):
                continue
            out.add(Match(label, i, end))
    return list(out)


def _alias_matches(doc, comp: CompiledLexicon) -> list[Match]:
    from spacy.tokens import Doc

    from spacy.attrs import IS_SPACE

    space = doc.to_array(IS_SPACE)
    if not space.any():
        return [Match(doc.vocab.strings[m], s, e) for m, s, e in comp.aliases(doc)]
    keep = np.flatnonzero(space == 0).tolist()
    compact = Doc(doc.vocab, words=[doc[i].text for i in keep])  # line breaks and runs of spaces: one space
    return [Match(doc.vocab.strings[m], keep[s], keep[e - 1] + 1) for m, s, e in comp.aliases(compact)]


def longest_first(matches: Iterable[Match]) -> list[Match]:
    """Drop every match that overlaps a longer one (ties: the earlier wins), in document order.

    >>> longest_first([Match("ban", 1, 2), Match("trade ban", 0, 2), Match("war", 3, 4)])
    [Match(label='trade ban', start=0, end=2), Match(label='war', start=3, end=4)]
    """
    matches = set(matches)
    if len(matches) < 2:
        return list(matches)
    taken: set[int] = set()
    out = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start, m.label)):
        span = range(m.start, m.end)
        if not any(i in taken for i in span):
            taken.update(span)
            out.append(m)
    return sorted(out, key=lambda m: (m.start, m.end, m.label))


def match_doc(doclike, lexicon: Lexicon, *, overlaps: bool = False) -> list[Match]:
    """Every match of ``lexicon`` in a spaCy Doc or Span, in document order (token offsets of the Doc).

    >>> doc = _blank()("The ban and the trade ban.")
    >>> [(m.label, doc[m.start:m.end].text) for m in match_doc(doc, term_lexicon(["ban", "trade ban"]))]
    [('ban', 'ban'), ('trade ban', 'trade ban')]
    """
    from spacy.tokens import Span

    shift, doc = (doclike.start, doclike.as_doc()) if isinstance(doclike, Span) else (0, doclike)
    comp = compile_lexicon(lexicon, doc.vocab)
    found: list[Match] = []
    if comp.words:
        found += _word_matches(doc, comp)
    if len(comp.phrases):
        found += [Match(doc.vocab.strings[m], s, e) for m, s, e in comp.phrases(doc)]
    if len(comp.aliases):
        found += _alias_matches(doc, comp)
    if len(comp.tokens):
        found += [Match(doc.vocab.strings[m], s, e) for m, s, e in comp.tokens(doc)]
    if doc.has_annotation("SENT_START"):
        found = [m for m in found if not _crosses_sentence(doc, m.start, m.end)]
    if len(comp.deps):
        found += [Match(doc.vocab.strings[m], min(t), min(t) + 1) for m, t in comp.deps(doc)]
    for label, labels in comp.entities:
        found += [Match(label, e.start, e.end) for e in doc.ents if e.label_ in labels]
    found = sorted(set(found), key=lambda m: (m.start, m.end, m.label)) if overlaps else longest_first(found)
    return [Match(m.label, m.start + shift, m.end + shift) for m in found] if shift else found


def match_texts(texts: Iterable[str], lexicon: Lexicon, *, overlaps: bool = False) -> list[list[tuple[int, int, str]]]:
    """Matches in plain strings (spaCy's English tokenizer, no parse): ``[(start_char, end_char, label)]`` per text.

    Lemma rules see no lemmas here (only the lowercase form), and part-of-speech constraints see none.

    >>> match_texts(["US and us"], alias_lexicon([("US", "United States")]))
    [[(0, 2, 'United States')]]
    """
    out = []
    for doc in _blank().tokenizer.pipe(str(t) for t in texts):
        out.append([(doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1]), m.label)
                    for m in match_doc(doc, lexicon, overlaps=overlaps)])
    return out


def match_tokens(tokens: pd.DataFrame, lexicon: Lexicon, *, fields: Sequence[str] = ("lemma", "lower"),
                 overlaps: bool = False) -> pd.DataFrame:
    """Matches in a tokens table (one row per token, in order): ``label, start, end`` as row positions.

    A sequence of rows continues while ``doc_id`` and ``sent_id`` stay the same and ``token_i`` goes up by
    one. ``fields`` are the columns a ``words`` rule may compare (``lemma``, lowercased; ``lower`` or
    ``text``); the table is matched with the same spaCy matchers as a Doc. (On a parsed Doc the lemma is
    compared as spaCy writes it: only proper nouns keep capitals, and their lowercase form is ``LOWER``.)

    >>> t = pd.DataFrame({"doc_id": "d", "sent_id": "d:0", "token_i": [0, 1], "text": ["Trade", "wars"],
    ...                   "lemma": ["trade", "war"]})
    >>> match_tokens(t, term_lexicon(["trade war"])).values.tolist()
    [['trade war', 0, 2]]
    """
    from spacy.tokens import Doc

    unknown = [f for f in fields if f not in FIELD_ATTRS]
    if unknown:
        raise KeyError(f"fields {unknown} cannot be matched; use some of {sorted(FIELD_ATTRS)}")
    present = [f for f in fields if f in tokens.columns]
    if not present:
        raise KeyError(f"tokens need one of the columns {tuple(fields)}")
    attrs = {FIELD_ATTRS[f] for f in present}
    lexicon = Lexicon(tuple(("words", r[1], r[2], {**r[3], "attrs": [a for a in r[3]["attrs"] if a in attrs]})
                            if r[0] == "words" else r for r in lexicon.rules))
    n = len(tokens)
    if n == 0:
        return pd.DataFrame({"label": pd.Series(dtype=object), "start": pd.Series(dtype=int),
                             "end": pd.Series(dtype=int)})
    brk = np.zeros(n, dtype=bool)  # True where a new sequence starts
    brk[0] = True
    for col in ("doc_id", "sent_id"):
        if col in tokens.columns:
            v = tokens[col].astype(str).to_numpy()
            brk[1:] |= v[1:] != v[:-1]
    if "token_i" in tokens.columns:
        ti = tokens["token_i"].to_numpy()
        brk[1:] |= ti[1:] != ti[:-1] + 1
    words = (tokens["text"] if "text" in tokens.columns else tokens["lower"]).astype(str).tolist()
    lemmas = tokens["lemma"].astype(str).str.lower().tolist() if "lemma" in present else None
    need_pos = any(r[0] == "words" and (r[3]["pos_in"] or r[3]["pos_not_in"]) for r in lexicon.rules)
    pos = tokens["pos"].astype(str).tolist() if need_pos and "pos" in tokens.columns else None
    starts = np.flatnonzero(brk)
    vocab = _blank().vocab
    rows = []
    lo = 0
    while lo < n:
        k = int(np.searchsorted(starts, lo + _TABLE_CHUNK, side="left"))
        hi = int(starts[k]) if k < len(starts) else n
        doc = Doc(vocab, words=words[lo:hi], lemmas=lemmas[lo:hi] if lemmas is not None else None,
                  pos=pos[lo:hi] if pos is not None else None, sent_starts=brk[lo:hi].tolist())
        rows += [(m.label, m.start + lo, m.end + lo) for m in match_doc(doc, lexicon, overlaps=overlaps)]
        lo = hi
    return pd.DataFrame(rows, columns=["label", "start", "end"]).astype({"start": int, "end": int})
