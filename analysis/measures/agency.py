"""Who does what to whom: agent-verb-patient triples from the dependency parse, passives normalised.

"The council sued Meridian" and "Meridian was sued by the council" both give ``agent="city council",
verb="sue", patient="Meridian Ports Group"``: in a passive the grammatical subject (``nsubjpass``) is the
patient and the ``by``-phrase (``agent``) holds the agent. Conjoined subjects and verbs share their roles; open
clauses ("the council attempted to stop Meridian") inherit the subject of the governing verb; a relative
clause ("the lease that Meridian won") takes its head noun as the missing role. Noun phrases are
resolved to actors with the story's alias table (:mod:`analysis.measures.actors`); without one (``table=None``)
only the names spaCy tags as entities are kept, under their own name. Pronouns and generic nouns
("the company") stay unresolved: we do not do coreference.

>>> import pandas as pd
>>> from analysis.story import story_from_dict
>>> S = story_from_dict({"name": "port", "title": "A harbour lease", "actors": [
...     {"actor": "city council", "group": "city government", "role": "government",
...      "aliases": ["the city council", "the council"]},
...     {"actor": "Meridian Ports Group", "group": "Meridian", "role": "company", "aliases": ["Meridian"]}]})
>>> s = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": ["a:0", "b:0"],
...                   "text": ["The council sued Meridian.", "Meridian was sued by the council."]})
>>> extract_svo(s, table=S.actors)[["agent", "verb_lemma", "patient", "voice"]].values.tolist()
[['city council', 'sue', 'Meridian Ports Group', 'active'], ['city council', 'sue', 'Meridian Ports Group', 'passive']]
"""
from __future__ import annotations

import pandas as pd

from analysis.measures.actors import actor_aliases, empty_actor_table, match_aliases
from analysis.measures.frames import iter_sentence_units, is_negated

SVO_COLUMNS = ["doc_id", "outlet", "sent_id", "verb", "verb_lemma", "voice", "negated", "agent_text", "agent",
               "agent_group", "patient_text", "patient", "patient_group", "text"]
ACTIVE_SUBJ = {"nsubj"}
PASSIVE_SUBJ = {"nsubjpass"}
OBJECT_DEPS = {"dobj"}
INHERIT_SUBJ_DEPS = {"xcomp", "conj", "advcl"}  # clauses that may borrow the governing verb's subject
WH_WORDS = {"that", "which", "who", "whom"}
#: Left dependents kept in the short noun phrase used for actor resolution.
NP_LEFT_DEPS = {"det", "compound", "amod", "poss", "nmod", "nummod", "case", "punct", "quantmod"}
ENTITY_ACTOR_LABELS = {"ORG", "GPE", "NORP", "PERSON"}


def _np_span(tok):
    """Short noun phrase around ``tok``: its left modifiers (with their subtrees) plus flat compounds."""
    left = tok.i
    for c in tok.lefts:
        if c.dep_ in NP_LEFT_DEPS:
            left = min(left, c.left_edge.i)
    right = tok.i
    for c in tok.rights:
        if c.dep_ in {"compound", "flat", "case"} and c.i == right + 1:
            right = c.i
    return tok.doc[left:right + 1]


def noun_phrase(tok):
    """The short noun phrase :func:`resolve_token` resolves for ``tok`` (its left modifiers and flat
    compounds), as a spaCy ``Span``; quotation speakers report its character offsets.

    >>> from analysis.corpus.parse import load_model
    >>> d = load_model()("Meridian's founder spoke.")
    >>> noun_phrase(d[2]).text
    "Meridian's founder"
    """
    return _np_span(tok)


def resolve_token(tok, *, table: pd.DataFrame | None = None, aliases=None) -> tuple[str, str | None, str | None]:
    """``(noun phrase text, actor, group)`` for a noun token; the alias must cover the head word.
    ``aliases``: :func:`analysis.measures.actors.actor_aliases` of ``table``, built once for many tokens.

    "the council vote" is not the council (the head is "vote"); "Meridian's chief executive" is Rafael Ortiz.
    Names spaCy tags as ORG/GPE/NORP/PERSON but the table lacks come back under their own name.
    """
    span = _np_span(tok)
    head_off = tok.idx - span.start_char
    for s, e, actor, group in match_aliases(span.text, table=table, aliases=aliases):
        if s <= head_off < e:
            return span.text, actor, group
    if tok.ent_type_ in ENTITY_ACTOR_LABELS and tok.pos_ == "PROPN":
        ents = [e for e in tok.doc.ents if e.start <= tok.i < e.end]
        if ents:
            return span.text, ents[0].text.removeprefix("the ").removeprefix("The "), f"other ({ents[0].label_})"
    return span.text, None, None


def _subjects(verb, deps):
    found = [c for c in verb.children if c.dep_ in deps]
    return [x for c in found for x in (c, *c.conjuncts)]


def _roles(verb):
    """(agents, patients, voice) tokens for one verb, following inheritance rules."""
    passive = any(c.dep_ in PASSIVE_SUBJ or c.dep_ == "auxpass" for c in verb.children)
    if passive:
        patients = _subjects(verb, PASSIVE_SUBJ)
        agents = [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
        agents = [x for a in agents for x in (a, *a.conjuncts)]
    else:
        agents = _subjects(verb, ACTIVE_SUBJ)
        patients = [x for c in verb.children if c.dep_ in OBJECT_DEPS for x in (c, *c.conjuncts)]
    # borrow a missing subject from the governing verb (conj / xcomp / participle advcl); through an
    # xcomp the governing verb's object controls it: "the city urged its allies to ban the firm" -> allies
    head = verb
    hops = 0
    while not (patients if passive else agents) and head.dep_ in INHERIT_SUBJ_DEPS and head.head is not head and hops < 3:
        came_via = head.dep_
        head = head.head
        hops += 1
        if came_via == "xcomp" and not passive:
            objs = [x for c in head.children if c.dep_ in OBJECT_DEPS for x in (c, *c.conjuncts)]
            if objs:
                agents = objs
                break
        if head.dep_ == "relcl" and not passive:
            agents = [head.head]  # "companies that tried to sell": subject of the relative clause = head noun
            break
        if passive:
            if any(c.dep_ in PASSIVE_SUBJ for c in head.children):
                patients = _subjects(head, PASSIVE_SUBJ)
            elif verb.dep_ == "conj":
                patients = _subjects(head, PASSIVE_SUBJ)
        else:
            agents = _subjects(head, ACTIVE_SUBJ)
            if not agents and any(c.dep_ in PASSIVE_SUBJ for c in head.children) and verb.dep_ == "xcomp":
                agents = _subjects(head, PASSIVE_SUBJ)  # "the firm was able to bag a deal"
    # relative clauses: the head noun fills the role expressed by a wh-word (or the missing object)
    if verb.dep_ == "relcl":
        wh_ag = [a for a in agents if a.lower_ in WH_WORDS]
        wh_pat = [p for p in patients if p.lower_ in WH_WORDS]
        if wh_ag:  # "the firm, which closed three contracts": the firm is the agent
            agents = [a for a in agents if a not in wh_ag] + [verb.head]
        elif wh_pat:  # "the contract that the firm won" / "firms that were banned"
            patients = [p for p in patients if p not in wh_pat] + [verb.head]
        elif not patients and agents and not passive and verb.head.pos_ in {"NOUN", "PROPN"}:
            patients = [verb.head]  # "the contract the firm won"
        elif passive and not patients:
            patients = [verb.head]
    return agents, patients, "passive" if passive else "active"


def extract_svo(corpus, *, table: pd.DataFrame | None = None, keep_unresolved: bool = True) -> pd.DataFrame:
    """Agent-verb-patient rows for every verb with at least one role.

    Columns: ``doc_id, outlet, sent_id, verb, verb_lemma, voice, negated, agent_text, agent, agent_group,
    patient_text, patient, patient_group, text``. ``agent``/``patient`` are canonical actors (or ``None``
    when the noun phrase names no known actor); set ``keep_unresolved=False`` to keep only rows where at
    least one role is a resolved actor. ``corpus``: a ``Corpus`` or a sentence table.
    """
    t = table if table is not None else empty_actor_table()
    aliases = actor_aliases(t)   # once, not once per noun phrase
    rows = []
    for unit in iter_sentence_units(corpus):
        doc = unit.doc
        for r in unit.rows.itertuples(index=False):
            span = doc.char_span(int(r.start_char), int(r.end_char), alignment_mode="expand")
            if span is None:
                continue
            for verb in span:
                if verb.pos_ != "VERB":
                    continue
                agents, patients, voice = _roles(verb)
                if not agents and not patients:
                    continue
                neg = is_negated([verb])
                for a in agents or [None]:
                    for p in patients or [None]:
                        at, aa, ag = resolve_token(a, table=t, aliases=aliases) if a is not None else (None, None, None)
                        pt, pa, pg = resolve_token(p, table=t, aliases=aliases) if p is not None else (None, None, None)
                        if not keep_unresolved and aa is None and pa is None:
                            continue
                        rows.append({"doc_id": r.doc_id, "outlet": getattr(r, "outlet", None), "sent_id": r.sent_id,
                                     "verb": verb.text, "verb_lemma": verb.lemma_.lower(), "voice": voice,
                                     "negated": neg, "agent_text": at, "agent": aa, "agent_group": ag,
                                     "patient_text": pt, "patient": pa, "patient_group": pg, "text": r.text})
    return pd.DataFrame(rows, columns=SVO_COLUMNS)


def actor_roles(svo: pd.DataFrame, *, by: str = "outlet", level: str = "actor", top_verbs: int = 4) -> pd.DataFrame:
    """Per ``by`` group and actor: how often the actor is agent vs patient, and with which verbs.

    ``level="group"`` counts stakeholder groups instead of single actors (``actor`` then holds the group).

    Columns: ``<by>, actor, group, role, n, verbs`` (``verbs``: the most frequent verb lemmas,
    "sue x2, warn"). Only resolved actors are counted.

    >>> import pandas as pd
    >>> svo = pd.DataFrame({"outlet": ["X", "X"], "agent": ["council", "council"], "agent_group": ["g", "g"],
    ...     "patient": ["Meridian", None], "patient_group": ["m", None], "verb_lemma": ["sue", "sue"]})
    >>> actor_roles(svo)[["actor", "role", "n", "verbs"]].values.tolist()
    [['Meridian', 'patient', 1, 'sue'], ['council', 'agent', 2, 'sue x2']]
    """
    parts = []
    if level not in ("actor", "group"):
        raise ValueError(f"level must be 'actor' or 'group', not {level!r}")
    for role in ("agent", "patient"):
        d = svo[svo[role].notna()]
        name = d[role] if level == "actor" else d[f"{role}_group"]
        parts.append(pd.DataFrame({by: d[by], "actor": name, "group": d[f"{role}_group"], "role": role,
                                   "verb_lemma": d["verb_lemma"]}))
    long = pd.concat(parts, ignore_index=True)
    if long.empty:
        return pd.DataFrame(columns=[by, "actor", "group", "role", "n", "verbs"])

    def _verbs(s: pd.Series) -> str:
        vc = s.value_counts()
        vc = vc.iloc[sorted(range(len(vc)), key=lambda i: (-vc.iloc[i], vc.index[i]))][:top_verbs]
        return ", ".join(v if n == 1 else f"{v} x{n}" for v, n in vc.items())

    out = (long.groupby([by, "actor", "group", "role"], dropna=False)
           .agg(n=("verb_lemma", "size"), verbs=("verb_lemma", _verbs)).reset_index())
    return out.sort_values([by, "actor", "role"]).reset_index(drop=True)
