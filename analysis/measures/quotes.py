"""Who gets a voice: direct, partial and indirect quotations with the speaker attributed.

* **direct**: text inside quotation marks (curly or straight) of at least ``min_words`` words; a quote
  split around its reporting clause (“A,” she said, “B.”) is one quote. Single quotes inside double
  quotes (nested quotes) stay part of the outer quote.
* **partial**: shorter quoted fragments inside reported speech ('Huawei was being "unceremoniously"
  pushed out'); scare quotes without a reporting verb are kept with no speaker.
* **indirect**: a reporting verb (say, claim, warn, ... from the generic lists in
  ``analysis/data/attribution_markers.yaml``) with a clausal complement or a reported clause beside it, or
  "according to X".

The speaker is the subject of the nearest reporting verb outside the quote (inverted "said Ryan Ding"
works because the parser still marks Ding as subject), resolved with the story's actor table (``table``;
without one, speakers are resolved only when spaCy tags them as entities, under their own name). The
reporting verbs are generic (``markers=None`` means the packaged generic lists); nothing here is about one
story. A pronoun
speaker ("He added that ...") takes the previous speaker in the same document: a simple heuristic, not
coreference resolution.

>>> import pandas as pd
>>> from analysis.story import SEEDS_STORY, load_story
>>> S = load_story(SEEDS_STORY)
>>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:0"], "outlet": ["X"],
...     "text": ["“We will keep building networks,” Ryan Ding said."]})
>>> extract_quotes(s, table=S.actors)[["quote_type", "quote", "speaker"]].values.tolist()
[['direct', 'We will keep building networks,', 'Ryan Ding']]
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.measures.actors import empty_actor_table
from analysis.measures.agency import resolve_token
from analysis.measures.attribution import load_markers
from analysis.measures.frames import iter_sentence_units

QUOTE_COLUMNS = ["doc_id", "outlet", "sent_id", "quote_type", "quote", "speaker_text", "speaker", "speaker_group",
                 "verb", "speaker_method", "start_char", "end_char", "text"]
_QUOTE_RE = re.compile(r"“([^”]{1,2000}?)”|\"([^\"]{1,2000}?)\"|„([^“”]{1,2000}?)[“”]")
PRONOUNS = {"he", "she", "they", "it", "we", "i"}
#: Reporting verbs whose complement we do not count as an indirect quote when used as a plain verb.
SPEAKER_DEPS = {"nsubj"}


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


def _speaker_of(verb, table):
    """(speaker token or None, method) for a reporting verb."""
    subj = [c for c in verb.children if c.dep_ in SPEAKER_DEPS]
    if subj and subj[0].lower_ in {"which", "who", "that"} and verb.dep_ == "relcl":
        return verb.head, "head of relative clause"
    if subj:
        return subj[0], "subject of reporting verb"
    # participles and conjoined verbs borrow the subject of the governing verb
    head = verb
    for _ in range(3):
        if head.dep_ not in {"advcl", "conj", "xcomp", "acl"} or head.head is head:
            break
        head = head.head
        subj = [c for c in head.children if c.dep_ in SPEAKER_DEPS]
        if subj:
            return subj[0], "subject of governing verb"
    return None, "none"


def _according_to(span):
    for t in span:
        if t.lower_ == "according" and t.i + 2 < len(t.doc):
            nxt = t.doc[t.i + 1]
            if nxt.lower_ == "to":
                objs = [c for c in nxt.children if c.dep_ == "pobj"]
                if objs:
                    return t, objs[0]
    return None, None


def extract_quotes(
    corpus,
    *,
    min_words: int = 4,
    table: pd.DataFrame | None = None,
    markers: dict | None = None,
) -> pd.DataFrame:
    """Quotations with speakers: one row per quote.

    Columns: ``doc_id, outlet, sent_id, quote_type (direct|partial|indirect), quote, speaker_text,
    speaker, speaker_group, verb, speaker_method, start_char, end_char, text``. ``speaker_group`` is
    ``"unresolved"`` when a speaker phrase names no known actor and ``"no speaker found"`` when no
    speaker phrase was found. ``corpus``: a ``Corpus`` or a sentence table.
    """
    t = table if table is not None else empty_actor_table()
    mk = markers or load_markers()
    rverbs = {v.lower() for v in mk["reporting_verbs"]}
    rows = []
    last_by_doc: dict = {}  # doc_id -> last resolved speaker (plain tables arrive one sentence per unit)
    for unit in iter_sentence_units(corpus):
        doc = unit.doc
        srows = unit.rows.sort_values("start_char").reset_index(drop=True)
        spans = find_quote_spans(doc.text)
        doc_key = unit.rows["doc_id"].iloc[0]
        last_speaker: dict = last_by_doc.get(doc_key, {"actor": None, "group": None})

        def sent_row(char):
            k = srows.index[srows.start_char <= char]
            return srows.iloc[int(k[-1])] if len(k) else None

        def resolve(tok, method):
            if tok is None:
                return None, None, "no speaker found", method
            txt, actor, group = resolve_token(tok, table=t)
            if tok.pos_ == "PRON" and tok.lower_ in PRONOUNS:
                if last_speaker["actor"] is not None:
                    return tok.text, last_speaker["actor"], last_speaker["group"], "pronoun -> previous speaker"
                return tok.text, None, "unresolved", "pronoun (no antecedent)"
            return txt, actor, group or "unresolved", method

        events = []  # (start_char, kind, payload) processed in text order so pronouns see earlier speakers
        # --- direct / partial quotes, merging pieces split by a reporting clause
        groups: list[list[tuple[int, int]]] = []
        for s, e in spans:
            if groups:
                ps, pe = groups[-1][-1]
                between = doc.text[pe:s]
                toks = doc.char_span(pe, s, alignment_mode="expand")
                if toks is not None and len(between) < 80 and "\n\n" not in between and \
                        any(x.lemma_.lower() in rverbs and x.pos_ == "VERB" for x in toks):
                    groups[-1].append((s, e))
                    continue
            groups.append([(s, e)])
        for g in groups:
            events.append((g[0][0], "direct", g))
        # --- indirect quotes: reporting verbs outside quotation marks
        for r in srows.itertuples(index=False):
            span = doc.char_span(int(r.start_char), int(r.end_char), alignment_mode="expand")
            if span is None:
                continue
            acc, obj = _according_to(span)
            if acc is not None and not _inside(acc.idx, spans):
                content = [x for x in span if x.i not in {y.i for y in acc.subtree} and not x.is_punct or x.i == span.end - 1]
                events.append((acc.idx, "according", (span, obj, content)))
            for v in span:
                if v.pos_ != "VERB" or v.lemma_.lower() not in rverbs or _inside(v.idx, spans):
                    continue
                comp = [c for c in v.children if c.dep_ == "ccomp"]
                if not comp and v.dep_ == "parataxis":
                    comp = [v.head]  # "the firm has won ..., a news agency reported"
                    content = [x for x in span if x.i not in {y.i for y in v.subtree}]
                elif comp:
                    content = list(comp[0].subtree)
                else:
                    continue
                if any(_inside(x.idx, spans) for x in content if not x.is_punct) and \
                        sum(_inside(x.idx, spans) for x in content) > len(content) / 2:
                    continue  # it is the reporting clause of a direct quote
                events.append((v.idx, "indirect", (span, v, content)))
        for _start, kind, payload in sorted(events, key=lambda x: x[0]):
            if kind == "direct":
                g = payload
                qs, qe = g[0][0], g[-1][1]
                quote = " … ".join(doc.text[s:e] for s, e in g)
                srow = sent_row(qs)
                # reporting verbs in the sentences the quote touches, outside the quote marks
                cand = []
                for r in srows.itertuples(index=False):
                    if int(r.end_char) < qs - 1 or int(r.start_char) > qe + 1:
                        continue
                    sp = doc.char_span(int(r.start_char), int(r.end_char), alignment_mode="expand")
                    cand += [x for x in sp if x.pos_ == "VERB" and x.lemma_.lower() in rverbs
                             and not any(s - 1 <= x.idx <= e for s, e in spans)]
                n_words = len(re.findall(r"\w+", quote))
                qtype = "direct" if n_words >= min_words else "partial"
                if cand:
                    v = min(cand, key=lambda x: min(abs(x.idx - qs), abs(x.idx - qe)))
                    stok, method = _speaker_of(v, t)
                    stext, actor, group, method = resolve(stok, method)
                    verb = v.lemma_.lower()
                else:
                    stext, actor, group, method, verb = None, None, "no speaker found", "none", None
                    if srow is not None:
                        sp = doc.char_span(int(srow.start_char), int(srow.end_char), alignment_mode="expand")
                        acc, obj = _according_to(sp) if sp is not None else (None, None)
                        if obj is not None:
                            stext, actor, group, method = resolve(obj, "according to")
                            verb = "according to"
                rows.append(_row(srow, qtype, quote, stext, actor, group, verb, method, qs, qe))
            else:
                span, v_or_obj, content = payload
                srow = sent_row(span.start_char)
                if kind == "according":
                    stext, actor, group, method = resolve(v_or_obj, "according to")
                    verb = "according to"
                else:
                    stok, method = _speaker_of(v_or_obj, t)
                    stext, actor, group, method = resolve(stok, method)
                    verb = v_or_obj.lemma_.lower()
                content = sorted(content, key=lambda x: x.i)
                text = doc.text[content[0].idx:content[-1].idx + len(content[-1])].strip() if content else ""
                text = re.sub(r"^(that|,)\s+", "", text)
                if not text:
                    continue
                rows.append(_row(srow, "indirect", text, stext, actor, group, verb, method,
                                 content[0].idx, content[-1].idx + len(content[-1])))
            if rows and rows[-1]["speaker"] is not None:
                last_speaker = {"actor": rows[-1]["speaker"], "group": rows[-1]["speaker_group"]}
        last_by_doc[doc_key] = last_speaker
    return _drop_nested(pd.DataFrame(rows, columns=QUOTE_COLUMNS))


def _drop_nested(q: pd.DataFrame) -> pd.DataFrame:
    """A quoted fragment inside an indirect quote by the same speaker is one voice, not two."""
    if q.empty:
        return q
    ind = q[q.quote_type == "indirect"]
    drop = []
    for i, r in q[q.quote_type != "indirect"].iterrows():
        same = ind[(ind.sent_id == r.sent_id) & (ind.speaker_text == r.speaker_text)
                   & (ind.start_char < r.end_char) & (r.start_char < ind.end_char + 2)]
        if len(same):
            drop.append(i)
    return q.drop(index=drop).reset_index(drop=True)


def _row(srow, qtype, quote, stext, actor, group, verb, method, s, e) -> dict:
    return {"doc_id": srow["doc_id"] if srow is not None else None,
            "outlet": srow.get("outlet") if srow is not None else None,
            "sent_id": srow["sent_id"] if srow is not None else None, "quote_type": qtype, "quote": quote,
            "speaker_text": stext, "speaker": actor, "speaker_group": group, "verb": verb,
            "speaker_method": method, "start_char": int(s), "end_char": int(e),
            "text": srow["text"] if srow is not None else None}


def voices(quotes: pd.DataFrame, *, by: str = "outlet", level: str = "speaker_group",
           types: tuple[str, ...] = ("direct", "partial", "indirect")) -> pd.DataFrame:
    """Counts and within-``by`` shares of quotes per speaker group (or ``level="speaker"``).

    Columns: ``<by>, <level>, n, share``.

    >>> import pandas as pd
    >>> q = pd.DataFrame({"outlet": ["X", "X", "X"], "quote_type": ["direct"] * 3,
    ...                   "speaker_group": ["Huawei", "Huawei", "US government"]})
    >>> voices(q).values.tolist()
    [['X', 'Huawei', 2, 0.6666666666666666], ['X', 'US government', 1, 0.3333333333333333]]
    """
    d = quotes[quotes.quote_type.isin(types)].copy()
    d[level] = d[level].fillna("no speaker found")
    out = d.groupby([by, level]).size().rename("n").reset_index()
    out["share"] = out["n"] / out.groupby(by)["n"].transform("sum")
    return out.sort_values([by, "n", level], ascending=[True, False, True]).reset_index(drop=True)
