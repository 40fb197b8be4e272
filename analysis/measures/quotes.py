"""Who gets a voice: direct, partial and indirect quotations with the speaker attributed.

* **direct**: text inside quotation marks (curly or straight) of at least ``min_words`` words; a quote
  split around its reporting clause (“A,” she said, “B.”) is one quote, two quotes with a reporting clause
  each (“A,” she said. She added: “B.”) are two. Single quotes inside double
  quotes (nested quotes) stay part of the outer quote.
* **partial**: shorter quoted fragments inside reported speech ('the dockworkers were being
  "unceremoniously" pushed out'); scare quotes without a reporting verb are kept with no speaker.
* **indirect**: reported speech without quotation marks, found by five kinds of cue (every list is generic
  data in ``analysis/data/attribution_markers.yaml``, sources cited there; nothing here is about one story):

  - a reporting verb with a reported clause ("X said that ...", "..., X warned"), with its direct object
    for verbs of wanting and expecting ("Hale wants a pay rise": ``object_content_verbs``), its object and
    complement ("X called Y a cornerstone") or its prepositional object ("X called for an inquiry", "accused
    Y of spying": ``prepositional_content``);
  - an "according to" phrase (every entry of ``according_phrases``: "as reported by X", "in the words of X");
  - a colon attribution at the start of a sentence ("Smith: we will not sign");
  - a noun form with a possessor ("Smith's claim that ...", "the ministry's statement that ...":
    ``noun_cues``).

  Nested reported speech is one quotation with the outer speaker: in "According to X, the council believes
  that ..." (or "The Times reported that a source had said ...") the inner cue is part of X's content.

**Speakers.** The speaker is the subject of the cue verb (inverted "said Rafael Ortiz" works because the
parser still marks Ortiz as subject; a participle borrows its governing verb's subject), the object of "according
to", the possessor of a noun cue or the name before a colon; an appositive name replaces its description
("the head of the operator, Rafael Ortiz"). It is resolved with the story's actor table (``table``; without
one, names are kept when spaCy tags them as entities, under their own name, and a surname alone takes the
full name an earlier mention of the article gave). Pronouns and definite descriptions are resolved by a
documented rule, not by coreference: ``he``/``she`` and person descriptions ("the spokeswoman", "the
minister") take the most recent PERSON of the article, ``it`` and organisation descriptions ("the
company", "the bank") the most recent ORG, government descriptions ("the ministry") the most recent ORG or
GPE, ``they`` the most recent ORG, NORP or GPE (lists: ``speaker_descriptions``). "Most recent" prefers
earlier speakers and sentence subjects over other mentions and never looks inside the quotation being
attributed; there is no gender list, so "she" can take a man's name. Things are never speakers: a subject
whose head is in ``inanimate_sources`` ("The resolution calls for ...", "The letter warns ...") stays the
attribution's source but gets no speaker, unless the actor table or an ORG/PERSON tag names it.

>>> import pandas as pd
>>> from analysis.story import story_from_dict
>>> S = story_from_dict({"name": "port", "title": "A harbour lease", "actors": [
...     {"actor": "Rafael Ortiz", "group": "Meridian", "role": "company", "aliases": ["Rafael Ortiz", "Ortiz"]}]})
>>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:0"], "outlet": ["X"],
...     "text": ["“We will keep the terminal open,” Rafael Ortiz said."]})
>>> extract_quotes(s, table=S.actors)[["quote_type", "quote", "speaker"]].values.tolist()
[['direct', 'We will keep the terminal open,', 'Rafael Ortiz']]
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.measures.actors import actor_aliases, empty_actor_table
from analysis.measures.agency import noun_phrase, resolve_token
from analysis.measures.attribution import load_markers
from analysis.measures.frames import iter_sentence_units
from analysis.measures.match import Lexicon, lexicon_rule, match_doc

QUOTE_COLUMNS = ["doc_id", "outlet", "sent_id", "quote_type", "quote", "speaker_text", "speaker", "speaker_group",
                 "verb", "speaker_method", "start_char", "end_char", "text", "source_start", "source_end",
                 "cue_start", "cue_end"]
_QUOTE_RE = re.compile(r"“([^”]{1,2000}?)”|\"([^\"]{1,2000}?)\"|„([^“”]{1,2000}?)[“”]")
#: Dependency labels of a reporting verb's speaker.
SPEAKER_DEPS = {"nsubj"}
#: Entity labels a speaker name can carry.
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_DEFINITE = {"the", "this", "that", "these", "those"}
#: Subordinate clauses of contrast that are the reporter's, not the speaker's ("X thinks A, while Y expects B").
CONTRAST_MARKS = {"while", "whereas"}
#: A speaker of the last this many sentences is preferred as antecedent of a pronoun or description.
SPEAKER_WINDOW = 3


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the marks) of double-quoted passages; single quotes never open one.

    >>> t = 'He said “the ‘so-called’ threat” and left.'
    >>> [t[s:e] for s, e in find_quote_spans(t)]
    ['the ‘so-called’ threat']
    """
    out = []
    for m in _QUOTE_RE.finditer(text):
        g = next(i for i in (1, 2, 3) if m.group(i) is not None)
        out.append((m.start(g), m.end(g)))
    return out


def _inside(i: int, spans) -> bool:
    return any(s <= i < e for s, e in spans)


@dataclass
class _Cues:
    """The generic cue lists of a marker dict, as lexicons (matched by :mod:`analysis.measures.match`) and sets."""

    verbs: Lexicon
    nouns: Lexicon
    according: Lexicon
    object_verbs: frozenset
    prep: dict
    descriptions: dict
    inanimate: frozenset

    @classmethod
    def of(cls, mk: dict) -> "_Cues":
        low = lambda xs: sorted({str(x).lower() for x in xs or []})  # noqa: E731
        verbs = Lexicon(tuple(lexicon_rule("words", "cue", [v], attrs=["LEMMA"], pos_in=["VERB"])
                              for v in low(mk["reporting_verbs"])))
        nouns = Lexicon(tuple(lexicon_rule("words", "noun", [n], attrs=["LEMMA"], pos_in=["NOUN"])
                              for n in low(mk.get("noun_cues"))))
        according = Lexicon(tuple(lexicon_rule("phrase", "according", p) for p in low(mk.get("according_phrases"))))
        desc = {k: {"labels": tuple(v.get("labels") or ()), "pronouns": frozenset(low(v.get("pronouns"))),
                    "nouns": frozenset(low(v.get("nouns")))} for k, v in (mk.get("speaker_descriptions") or {}).items()}
        prep = {str(k).lower(): frozenset(low(v)) for k, v in (mk.get("prepositional_content") or {}).items()}
        return cls(verbs, nouns, according, frozenset(low(mk.get("object_content_verbs"))), prep, desc,
                   frozenset(low(mk.get("inanimate_sources"))))


@dataclass
class _Mention:
    """A name of the article an anaphoric speaker can take: position ``(unit, char)``, entity label, name."""

    pos: tuple
    label: str | None
    name: str
    actor: str | None
    group: str | None
    salient: bool  # a speaker or a sentence subject
    sent: int = 0  # sentence number in the article
    speaker: bool = False


@dataclass
class _History:
    mentions: list = field(default_factory=list)
    unit: int = 0
    n_sents: int = 0  # sentences of the article before the current unit


def _ent_of(tok):
    return next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)


def _clean_name(text: str) -> str:
    t = re.sub(r"^(the|The)\s+", "", text.strip())
    return re.sub(r"[’']s?$", "", t).strip()


def _full_name(name: str, label: str | None, hist: _History) -> str:
    """A surname alone takes the full name an earlier PERSON mention of the article gave ("Ortiz" -> "Rafael Ortiz")."""
    if label != "PERSON" or " " in name:
        return name
    for m in reversed(hist.mentions):
        if m.label == "PERSON" and m.name.endswith(" " + name):
            return m.name
    return name


def _speaker_of(verb):
    """(speaker token or None, method) for a reporting verb."""
    subj = [c for c in verb.children if c.dep_ in SPEAKER_DEPS]
    if subj and subj[0].lower_ in {"which", "who", "that"} and verb.dep_ == "relcl":
        return verb.head, "head of relative clause"
    if subj:
        return subj[0], "subject of reporting verb"
    # participles and conjoined verbs borrow the subject of the governing verb ("a report warning ..."
    # borrows the subject of "published")
    head = verb
    for _ in range(4):
        via = head.dep_
        if head.head is head or not (via in {"advcl", "conj", "xcomp", "acl"} or (via == "dobj" and head.pos_ == "NOUN")):
            break
        head = head.head
        subj = [c for c in head.children if c.dep_ in SPEAKER_DEPS]
        if subj and head.pos_ in {"VERB", "AUX"}:
            return subj[0], "subject of governing verb"
    return None, "none"


def _source_span(tok) -> tuple[int, int]:
    """The source phrase: the speaker's noun phrase with its prepositional modifiers and conjuncts ("Fresh data
    from the statistics office", "Australia and New Zealand"), without appositives, clauses and a possessive 's."""
    cut = {x.i for c in tok.children if c.dep_ in {"appos", "relcl", "acl", "advcl", "punct"} for x in c.subtree}
    toks = [x for x in tok.subtree if x.i not in cut]
    keep = [x for x in toks if abs(x.i - tok.i) <= len(toks)]
    keep = sorted(keep, key=lambda x: x.i)
    while keep and (keep[-1].dep_ == "case" or keep[-1].is_punct):
        keep = keep[:-1]
    while keep and keep[0].is_punct:
        keep = keep[1:]
    return _span_of(keep) or (tok.idx, tok.idx + len(tok))


def _span_of(toks) -> tuple[int, int] | None:
    toks = [t for t in toks if not t.is_space]
    if not toks:
        return None
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def _trim(toks):
    """Content tokens without a leading "that"/comma and trailing punctuation."""
    toks = sorted(toks, key=lambda x: x.i)
    while toks and (toks[0].is_punct or toks[0].is_space or (toks[0].lower_ == "that" and toks[0].dep_ == "mark")):
        toks = toks[1:]
    while toks and (toks[-1].is_punct and toks[-1].text not in {"”", '"', ")", "]"} or toks[-1].is_space):
        toks = toks[:-1]
    return toks


def _cue_tokens(v, extra=()):
    """The cue: the verb with its adjacent auxiliaries and particle ("has said", "pointed out")."""
    toks = [v, *[x for x in extra if x.i == v.i + 1]]
    i = v.i - 1
    while i >= 0 and v.doc[i].dep_ in {"aux", "auxpass"} and v.doc[i].head == v:
        toks.append(v.doc[i])
        i -= 1
    toks += [c for c in v.children if c.dep_ == "prt"]
    return toks


def _verb_content(v, cues: _Cues, span):
    """(content tokens, extra cue tokens) of a reporting verb, or (None, ()) when it reports nothing."""
    lemma = v.lemma_.lower()
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in v.children) and not any(c.dep_ == "agent" for c in v.children):
        return None, ()   # "is expected to publish", "is said to be": no source, not a voice
    comp = [c for c in v.children if c.dep_ == "ccomp"]
    if comp:
        cut = {x.i for c in comp[0].children if c.dep_ == "advcl"
               and any(g.dep_ == "mark" and g.lower_ in CONTRAST_MARKS for g in c.children) for x in c.subtree}
        return [x for x in comp[0].subtree if x.i not in cut], ()
    if v.dep_ == "parataxis":   # "the firm has won ..., a news agency reported"
        return [x for x in span if x.i not in {y.i for y in v.subtree}], ()
    preps = cues.prep.get(lemma, frozenset())
    for c in v.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            objs = [g for g in c.children if g.dep_ in {"pobj", "pcomp"}]
            if objs:
                return list(objs[0].subtree), (c,)
    dobj = [c for c in v.children if c.dep_ == "dobj"]
    compl = [c for c in v.children if c.dep_ in {"oprd", "xcomp"}]
    if dobj and compl:            # "X called Y a cornerstone", "X expects his team to reach the final"
        return [x for c in (*dobj, *compl) for x in c.subtree], ()
    if dobj and lemma in cues.object_verbs and dobj[0].pos_ in {"NOUN", "PROPN", "NUM"}:
        return list(dobj[0].subtree), ()
    if compl and lemma in cues.object_verbs and compl[0].dep_ == "xcomp":
        return list(compl[0].subtree), ()
    return None, ()


def _clause_child(n):
    """The that-clause of a noun cue ("the claim that the budget is balanced"), or None."""
    for c in n.children:
        if c.dep_ in {"acl", "ccomp", "relcl"} and c.pos_ in {"VERB", "AUX"}:
            marks = [g for g in c.children if g.dep_ == "mark" and g.lower_ == "that"]
            that_arg = [g for g in c.children if g.lower_ in {"that", "which"} and g.dep_ in {"nsubj", "dobj", "nsubjpass"}]
            if marks or (c.dep_ != "relcl" and not that_arg and any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)):
                return c
    return None


def _according(doc, span, matches):
    """(phrase tokens, source token) for each "according to"-type phrase (``matches`` in the Doc) in ``span``."""
    out = []
    for m in matches:
        if not (span.start <= m.start and m.end <= span.end):
            continue
        ph = doc[m.start:m.end]
        last = ph[-1]
        objs = [c for c in last.children if c.dep_ in {"pobj", "pcomp"}]
        src = objs[0] if objs else None
        if src is None and ph.end < len(doc):
            nxt = [t for t in doc[ph.end:min(ph.end + 6, span.end)] if t.pos_ in {"PROPN", "NOUN", "PRON"}]
            src = nxt[-1] if nxt and all(t.pos_ in {"PROPN", "NOUN", "PRON", "DET", "ADJ", "PART", "PUNCT"}
                                          for t in doc[ph.end:nxt[-1].i]) else None
        if src is not None:
            out.append((list(ph), src))
    return out


def _colon(doc, sent, spans):
    """(name span, colon token, content tokens) for "Smith: ..." at the start of a sentence, or None."""
    toks = [t for t in sent if not t.is_space]
    if not toks:
        return None
    colon = next((t for t in toks[:6] if t.text == ":"), None)
    if colon is None or _inside(colon.idx, spans):
        return None
    name = doc[toks[0].i:colon.i]
    ents = [e for e in doc.ents if e.start == name.start and e.end == name.end and e.label_ in ("PERSON", "ORG")]
    if not ents and not (len(name) and all(t.is_title or t.pos_ == "PROPN" for t in name)
                         and not any(e.start < name.end and name.start < e.end for e in doc.ents)):
        return None   # a name the parser tags as something else (a date, a place) is not a speaker
    ents = ents or [name]
    rest = doc[colon.i + 1:sent.end]
    if not any(not (t.is_punct or t.is_space) for t in rest) and sent.end < len(doc) \
            and "\n\n" not in doc.text[colon.idx:doc[sent.end].idx]:
        rest = next((s for s in doc.sents if s.start >= sent.end), rest)    # "Smith:" parsed as its own sentence
    content = _trim(list(rest))
    if not content or _inside(content[0].idx, spans) or not any(t.pos_ in {"VERB", "AUX"} for t in content):
        return None
    return ents[0], colon, content


def _noun_cue_source(n):
    poss = [c for c in n.children if c.dep_ == "poss"]
    if poss:
        return poss[0]
    for c in n.children:
        if c.dep_ == "prep" and c.lower_ in {"by", "from"}:
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _sentences(doc, srows):
    """(sentence row, parser sentence) for each parser sentence inside each row (a plain table's row may hold several)."""
    sents = list(doc.sents)
    for _i, r in srows.iterrows():
        s0, e0 = int(r["start_char"]), int(r["end_char"])
        inner = [s for s in sents if s.start_char >= s0 and s.end_char <= e0 + 1 and s.text.strip()]
        if not inner:
            sp = doc.char_span(s0, e0, alignment_mode="expand")
            inner = [sp] if sp is not None else []
        for s in inner:
            yield r, s


class _Resolver:
    """Speaker resolution for one unit: names, pronouns, descriptions, inanimate sources."""

    def __init__(self, doc, table, cues: _Cues, hist: _History, quote_spans, aliases):
        # aliases: actor_aliases(table), read once per extract_quotes call
        self.doc, self.table, self.cues, self.hist, self.quotes = doc, table, cues, hist, quote_spans
        self.aliases = aliases
        self.unit = hist.unit
        self._starts = [sp.start_char for sp in doc.sents]
        self.sent0 = hist.n_sents
        hist.n_sents += len(self._starts)
        for e in doc.ents:
            if e.label_ not in SPEAKER_LABELS or _inside(e.start_char, quote_spans):
                continue
            _txt, actor, group = resolve_token(e.root, table=table, aliases=self.aliases)
            name = _full_name(_clean_name(e.text), e.label_, hist)
            if actor is not None and group is not None and group.startswith("other ("):
                actor = name
            hist.mentions.append(_Mention((self.unit, e.start_char), e.label_, name, actor or name, group,
                                          e.root.dep_ in {"nsubj", "nsubjpass"}, self.sent_of(e.start_char)))
        hist.mentions.sort(key=lambda m: m.pos)

    def sent_of(self, char: int) -> int:
        """The article-wide number of the sentence holding ``char``."""
        return self.sent0 + max(bisect.bisect_right(self._starts, char) - 1, 0)

    def _antecedent(self, labels, pos, content):
        """The most recent compatible name before ``pos``: a speaker of the last ``SPEAKER_WINDOW`` sentences
        first, then a sentence subject, then any mention; never a name inside ``content``."""
        cands = [m for m in self.hist.mentions if m.label in labels and m.pos < (self.unit, pos)
                 and not (m.pos[0] == self.unit and content and content[0] <= m.pos[1] < content[1])]
        here = self.sent_of(pos)
        speakers = [m for m in cands if m.speaker and here - m.sent <= SPEAKER_WINDOW]
        best = speakers or [m for m in cands if m.salient] or cands
        return max(best, key=lambda m: m.pos) if best else None

    def _kind_of(self, word: str, attr: str):
        return next((k for k, v in self.cues.descriptions.items() if word in v[attr]), None)

    def resolve(self, tok, method, content=None, *, colon_name: bool = False) -> dict:
        """``speaker_text, speaker, speaker_group, speaker_method, source`` for a speaker token."""
        none = {"speaker_text": None, "speaker": None, "speaker_group": "no speaker found", "speaker_method": method,
                "source": None, "label": None}
        if tok is None:
            return none
        if tok.pos_ == "PRON":
            kind = self._kind_of(tok.lower_, "pronouns")
            out = {**none, "speaker_text": tok.text, "speaker_group": "unresolved", "source": _span_of([tok]),
                   "speaker_method": "pronoun (no antecedent)"}
            ante = self._antecedent(self.cues.descriptions[kind]["labels"], tok.idx, content) if kind else None
            if ante is not None:
                how = "previous speaker" if ante.salient else "previous mention"
                out.update(speaker=ante.actor, speaker_group=ante.group or "unresolved", label=ante.label,
                           speaker_method=f"pronoun -> {how}")
            return out
        if tok.pos_ == "NOUN" and _ent_of(tok) is None:
            app = [c for c in tok.children if c.dep_ == "appos" and (ent := _ent_of(c)) is not None
                   and ent.label_ in ("PERSON", "ORG")]
            if app:
                tok, method = app[0], method + " (appositive name)"
        ent = _ent_of(tok)
        src = _source_span(tok)
        txt, actor, group = resolve_token(tok, table=self.table, aliases=self.aliases)
        label = ent.label_ if ent is not None else None
        if actor is None and tok.pos_ == "PROPN" or (actor is None and colon_name):
            # a name the parser did not tag: a surname an earlier PERSON gave in full, or the name before a colon
            name = " ".join(x.text for x in noun_phrase(tok) if x.pos_ == "PROPN") or tok.text
            full = _full_name(name, "PERSON", self.hist)
            if full != name:
                actor, group, label = full, "other (PERSON)", "PERSON"
            elif colon_name:
                actor, group = name, "unresolved"
        if actor is not None:
            if group is not None and group.startswith("other ("):
                actor = _full_name(_clean_name(actor), label, self.hist)
            return {"speaker_text": txt, "speaker": actor, "speaker_group": group or "unresolved",
                    "speaker_method": method, "source": src, "label": label}
        out = {**none, "speaker_text": txt, "speaker_group": "unresolved", "source": src}
        lemma = tok.lemma_.lower()
        if tok.pos_ == "NOUN" and (lemma in self.cues.inanimate or tok.lower_ in self.cues.inanimate):
            out["speaker_method"] = "inanimate source (not a speaker)"
            pub = tok.head if tok.dep_ == "dobj" else None   # "the agency released a statement that ..."
            subj = [c for c in pub.children if c.dep_ == "nsubj"] if pub is not None else []
            if subj and subj[0].pos_ == "PROPN":
                who = self.resolve(subj[0], method, content)
                if who["speaker"] is not None:
                    out.update(speaker=who["speaker"], speaker_group=who["speaker_group"], label=who["label"],
                               speaker_method="publisher of an inanimate source")
            return out
        kind = self._kind_of(lemma, "nouns") or self._kind_of(tok.lower_, "nouns")
        definite = any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children)
        if kind and definite and tok.pos_ == "NOUN":
            ante = self._antecedent(self.cues.descriptions[kind]["labels"], tok.idx, content)
            if ante is not None:
                out.update(speaker=ante.actor, speaker_group=ante.group or "unresolved", label=ante.label,
                           speaker_method=f"description -> {'previous speaker' if ante.salient else 'previous mention'}")
        return out

    def demote(self, content) -> None:
        """Names inside a reported content are not salient antecedents of a later pronoun or description."""
        for m in self.hist.mentions:
            if m.pos[0] == self.unit and content[0] <= m.pos[1] < content[1]:
                m.salient = False

    def remember(self, res: dict, pos: int) -> None:
        """A resolved speaker becomes the most salient antecedent from ``pos`` on."""
        if res.get("speaker") is None:
            return
        self.hist.mentions.append(_Mention((self.unit, pos), res.get("label"), res["speaker"], res["speaker"],
                                           res["speaker_group"], True, self.sent_of(pos), speaker=True))
        self.hist.mentions.sort(key=lambda m: m.pos)


def extract_quotes(
    corpus,
    *,
    min_words: int = 4,
    table: pd.DataFrame | None = None,
    markers: dict | None = None,
) -> pd.DataFrame:
    """Quotations with speakers: one row per quote.

    Columns: ``doc_id, outlet, sent_id, quote_type (direct|partial|indirect), quote, speaker_text,
    speaker, speaker_group, verb, speaker_method, start_char, end_char, text, source_start, source_end,
    cue_start, cue_end``. ``start_char``/``end_char`` are the content's offsets, ``source_*`` and ``cue_*``
    those of the source phrase and the cue (NA when there is none). ``verb`` is the cue's lemma ("say",
    "according to", "claim" for a noun cue, ":" for a colon). ``speaker_group`` is ``"unresolved"`` when a
    speaker phrase names no known actor (or is a thing) and ``"no speaker found"`` when no speaker phrase
    was found. ``corpus``: a ``Corpus`` or a sentence table.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": ["d:0", "d:1"], "text": [
    ...     "Kessler Motors announced it would close its plant.", "The company said 800 jobs would go."]})
    >>> extract_quotes(s)[["speaker_text", "speaker", "verb", "quote"]].values.tolist()
    [['Kessler Motors', 'Kessler Motors', 'announce', 'it would close its plant'], ['The company', 'Kessler Motors', 'say', '800 jobs would go']]
    """
    t = table if table is not None else empty_actor_table()
    mk = markers or load_markers()
    if not mk.get("speaker_descriptions") or "noun_cues" not in mk:
        mk = {**load_markers(), **mk}     # a marker dict from before these lists: the packaged ones fill in
    cues = _Cues.of(mk)
    aliases = actor_aliases(t)       # read the table once, not once per speaker phrase
    rows: list[dict] = []
    hist_by_doc: dict = {}  # doc_id -> names seen so far (plain tables arrive one sentence per unit)
    for unit in iter_sentence_units(corpus):
        doc = unit.doc
        text = doc.text                  # spaCy rebuilds Doc.text from the tokens on every access
        srows = unit.rows.sort_values("start_char").reset_index(drop=True)
        spans = find_quote_spans(text)
        doc_key = unit.rows["doc_id"].iloc[0]
        hist = hist_by_doc.setdefault(doc_key, _History())
        hist.unit += 1
        R = _Resolver(doc, t, cues, hist, spans, aliases)
        cue_verbs = {m.start for m in match_doc(doc, cues.verbs, overlaps=True)}
        cue_nouns = {m.start for m in match_doc(doc, cues.nouns, overlaps=True)}
        acc_matches = match_doc(doc, cues.according) if len(cues.according) else []
        is_verb = lambda x: x.i in cue_verbs  # noqa: E731
        sentences = list(_sentences(doc, srows))

        def sent_row(char):
            k = srows.index[srows.start_char <= char]
            return srows.iloc[int(k[-1])] if len(k) else srows.iloc[0]

        events = []  # (start_char, kind, payload) processed in text order so pronouns see earlier speakers
        # --- direct / partial quotes, merging pieces split by a reporting clause
        groups: list[list[tuple[int, int]]] = []
        for s, e in spans:
            if groups:
                ps, pe = groups[-1][-1]
                between = text[pe:s]
                toks = doc.char_span(pe, s, alignment_mode="expand")
                n_cues = sum(is_verb(x) for x in toks) if toks is not None else 0
                if toks is not None and len(between) < 80 and "\n\n" not in between and n_cues == 1:
                    groups[-1].append((s, e))
                    continue
            groups.append([(s, e)])
        for g in groups:
            events.append((g[0][0], "direct", g))
        # --- indirect speech: cues outside quotation marks
        for r, span in sentences:
            for ph, src in _according(doc, span, acc_matches):
                if _inside(ph[0].idx, spans):
                    continue
                skip = {y.i for y in src.subtree} | {x.i for x in ph}
                before = [x for x in span if x.i < ph[0].i and x.i not in skip]
                after = [x for x in span if x.i > ph[-1].i and x.i not in skip]
                words = lambda xs: sum(x.is_alpha for x in xs)  # noqa: E731
                content = _trim(after if words(after) >= words(before) else before)
                if content:
                    events.append((ph[0].idx, "according", (r, ph, src, content)))
            col = _colon(doc, span, spans)
            if col is not None:
                ent, colon, content = col
                events.append((ent.start_char, "colon", (r, ent, colon, content)))
            for n in span:
                if n.i not in cue_nouns or _inside(n.idx, spans):
                    continue
                clause, src = _clause_child(n), _noun_cue_source(n)
                if clause is not None and src is not None:
                    events.append((n.idx, "noun", (r, n, src, _trim(list(clause.subtree)))))
            for v in span:
                if not is_verb(v) or _inside(v.idx, spans):
                    continue
                content, extra = _verb_content(v, cues, span)
                if not content:
                    continue
                if sum(_inside(x.idx, spans) for x in content) > len(content) / 2:
                    continue  # it is the reporting clause of a direct quote
                events.append((v.idx, "indirect", (r, v, _trim(content), extra)))
        unit_rows: list[dict] = []
        for _start, kind, payload in sorted(events, key=lambda x: x[0]):
            if kind == "direct":
                g = payload
                qs, qe = g[0][0], g[-1][1]
                quote = " … ".join(text[s:e] for s, e in g)
                srow = sent_row(qs)
                # cue verbs in the sentences the quote touches, outside the quote marks
                cand = [x for _r, sp in sentences if not (sp.end_char < qs - 1 or sp.start_char > qe + 1)
                        for x in sp if is_verb(x) and not any(s - 1 <= x.idx <= e for s, e in spans)]
                n_words = len(re.findall(r"\w+", quote))
                qtype = "direct" if n_words >= min_words else "partial"
                res, verb, cue = R.resolve(None, "none"), None, None
                if cand:
                    v = min(cand, key=lambda x: min(abs(x.idx - qs), abs(x.idx - qe)))
                    stok, method = _speaker_of(v)
                    res, verb, cue = R.resolve(stok, method, (qs, qe)), v.lemma_.lower(), _span_of(_cue_tokens(v))
                else:
                    for _r, sp in sentences:
                        if sp.start_char <= qs < sp.end_char + 2:
                            acc = _according(doc, sp, acc_matches)
                            col = _colon(doc, sp, [])
                            if acc:
                                res = R.resolve(acc[0][1], "according to", (qs, qe))
                                verb, cue = "according to", _span_of(acc[0][0])
                            elif col is not None and col[1].idx < qs:
                                ent = col[0]
                                res = R.resolve(ent.root, "name before a colon", (qs, qe), colon_name=True)
                                verb, cue = ":", _span_of([col[1]])
                unit_rows.append(_row(srow, qtype, quote, res, verb, qs, qe, cue))
            else:
                r = payload[0]
                if kind == "according":
                    _r, ph, src, content = payload
                    cs, ce = _span_of(content)
                    res, verb, cue = R.resolve(src, "according to", (cs, ce)), " ".join(x.lower_ for x in ph), _span_of(ph)
                elif kind == "colon":
                    _r, ent, colon, content = payload
                    cs, ce = _span_of(content)
                    res, verb, cue = R.resolve(ent.root, "name before a colon", (cs, ce), colon_name=True), ":", _span_of([colon])
                elif kind == "noun":
                    _r, n, src, content = payload
                    if not content:
                        continue
                    cs, ce = _span_of(content)
                    res, verb, cue = R.resolve(src, "possessor of a noun cue", (cs, ce)), n.lemma_.lower(), _span_of([n])
                else:
                    _r, v, content, extra = payload
                    if not content:
                        continue
                    cs, ce = _span_of(content)
                    stok, method = _speaker_of(v)
                    res, verb, cue = R.resolve(stok, method, (cs, ce)), v.lemma_.lower(), _span_of(_cue_tokens(v, extra))
                content_text = text[cs:ce]
                if not content_text.strip():
                    continue
                unit_rows.append(_row(r, "indirect", content_text, res, verb, cs, ce, cue))
            R.demote((unit_rows[-1]["start_char"], unit_rows[-1]["end_char"]) if unit_rows else (0, 0))
            R.remember(res, (res.get("source") or (_start, _start))[0])
        rows += _drop_inner(unit_rows)
    return _drop_nested(pd.DataFrame(rows, columns=QUOTE_COLUMNS))


def _drop_inner(rows: list[dict]) -> list[dict]:
    """Nested reported speech is one quotation: an indirect quote whose cue lies inside another indirect
    quote's content ("According to X, the council believes that ...") is part of the outer one."""
    keep = []
    for i, r in enumerate(rows):
        if r["quote_type"] == "indirect" and r["cue_start"] is not None and any(
                j != i and o["quote_type"] == "indirect" and o["start_char"] <= r["cue_start"] < o["end_char"]
                and (o["end_char"] - o["start_char"]) > (r["end_char"] - r["start_char"]) for j, o in enumerate(rows)):
            continue
        keep.append(r)
    return keep


def _drop_nested(q: pd.DataFrame) -> pd.DataFrame:
    """A quoted fragment inside an indirect quote by the same speaker is one voice, not two."""
    if q.empty:
        return q
    keys = ["sent_id", "speaker_text", "start_char", "end_char"]
    known = q["sent_id"].notna() & q["speaker_text"].notna()      # a missing speaker matches no one
    indirect = q["quote_type"] == "indirect"
    pairs = (q.loc[known & ~indirect, keys].reset_index()
             .merge(q.loc[known & indirect, keys], on=["sent_id", "speaker_text"], suffixes=("", "_ind")))
    inside = (pairs["start_char_ind"] < pairs["end_char"]) & (pairs["start_char"] < pairs["end_char_ind"] + 2)
    return q.drop(index=pairs.loc[inside, "index"].unique()).reset_index(drop=True)


def _row(srow, qtype, quote, res: dict, verb, s, e, cue) -> dict:
    src = res.get("source")
    return {"doc_id": srow["doc_id"] if srow is not None else None,
            "outlet": srow.get("outlet") if srow is not None else None,
            "sent_id": srow["sent_id"] if srow is not None else None, "quote_type": qtype, "quote": quote,
            "speaker_text": res["speaker_text"], "speaker": res["speaker"], "speaker_group": res["speaker_group"],
            "verb": verb, "speaker_method": res["speaker_method"], "start_char": int(s), "end_char": int(e),
            "text": srow["text"] if srow is not None else None,
            "source_start": src[0] if src else None, "source_end": src[1] if src else None,
            "cue_start": cue[0] if cue else None, "cue_end": cue[1] if cue else None}


def voices(quotes: pd.DataFrame, *, by: str = "outlet", level: str = "speaker_group",
           types: tuple[str, ...] = ("direct", "partial", "indirect")) -> pd.DataFrame:
    """Counts and within-``by`` shares of quotes per speaker group (or ``level="speaker"``).

    Columns: ``<by>, <level>, n, share``.

    >>> import pandas as pd
    >>> q = pd.DataFrame({"outlet": ["X", "X", "X"], "quote_type": ["direct"] * 3,
    ...                   "speaker_group": ["Meridian", "Meridian", "city government"]})
    >>> voices(q).values.tolist()
    [['X', 'Meridian', 2, 0.6666666666666666], ['X', 'city government', 1, 0.3333333333333333]]
    """
    d = quotes[quotes.quote_type.isin(types)].copy()
    d[level] = d[level].fillna("no speaker found")
    out = d.groupby([by, level]).size().rename("n").reset_index()
    out["share"] = out["n"] / out.groupby(by)["n"].transform("sum")
    return out.sort_values([by, "n", level], ascending=[True, False, True]).reset_index(drop=True)
