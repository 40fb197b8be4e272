"""Frames as executable codebooks: YAML questions with automated indicators, scored per sentence.

A codebook (``analysis/codebooks/*.yaml``) lists frames; each frame has yes/no questions (e.g. Semetko &
Valkenburg 2000, Table 1); each question has *indicators*: lemma lists, phrases, spaCy token patterns,
dependency patterns or entity labels, optionally restricted to sentences that mention an actor group.
A question "fires" in a sentence when any of its indicators matches there (negated matches are skipped
unless the indicator says ``negation: keep``). Sentences roll up to documents and outlets, always
keeping the evidence sentence. A new codebook is a new YAML file: no code change. Triggers are compiled
and matched by :mod:`analysis.measures.match` and listed in text order.

>>> import pandas as pd
>>> cb = load_codebook("semetko_valkenburg")
>>> sorted(cb.frames)
['conflict', 'economic', 'human_interest', 'morality', 'responsibility']
>>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "outlet": ["X"],
...                   "text": ["Meridian has adamantly denied all of the accusations."]})
>>> code_sentences(s, cb)[["frame", "question", "trigger"]].values.tolist()
[['responsibility', 'R4', 'accusations'], ['conflict', 'C1', 'denied'], ['conflict', 'C2', 'accusations']]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import yaml

from analysis.measures.actors import find_actor_mentions
from analysis.measures.match import Lexicon, compile_lexicon, lexicon_rule, match_doc

#: Folder of the codebooks shipped with the package.
CODEBOOK_DIR: Path = Path(__file__).resolve().parent.parent / "codebooks"
TRIGGERS = ("lemmas", "phrases", "patterns", "dep_patterns", "entity_labels")
CONDITIONS = ("sentence_has_actor_role", "sentence_has_actor_group", "sentence_has_entity", "negation", "pos")
CODED_COLUMNS = ["doc_id", "outlet", "sent_id", "frame", "question", "indicator", "trigger", "text"]
NEGATORS = {"not", "n't", "no", "never", "without", "nor"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl", "agent"}
#: The presence rule of a frame without a learned one: two sentences, one question, any share.
DEFAULT_PRESENCE = {"min_sentences": 2, "min_share": 0.0, "min_questions": 1}
PRESENCE_KEYS = tuple(DEFAULT_PRESENCE)


class CodebookError(ValueError):
    """A codebook file is malformed; the message names the frame, question and indicator."""


@dataclass(frozen=True)
class Indicator:
    id: str
    kind: str  # one of TRIGGERS
    spec: Any
    pos: tuple[str, ...] = ()
    actor_groups: tuple[str, ...] = ()
    entity_labels: tuple[str, ...] = ()
    negation: str = "skip"
    examples: tuple[str, ...] = ()          # sentences the indicator must fire on (checked by the tests)
    counter_examples: tuple[str, ...] = ()  # sentences it must not fire on
    actor_roles: tuple[str, ...] = ()       # the sentence mentions an actor whose group has one of these roles


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    indicators: tuple[Indicator, ...]
    codable: bool = True


@dataclass(frozen=True)
class Frame:
    key: str
    label: str
    questions: tuple[Question, ...]
    description: str = ""


@dataclass(frozen=True)
class Codebook:
    name: str
    title: str
    citation: str
    frames: dict[str, Frame] = field(hash=False)
    path: str = ""
    #: the article-level presence rule (``presence:`` block of the YAML): ``{"frames": {key: {min_sentences,
    #: min_share, min_questions, ...}}, ...}`` plus its provenance and CV figures; ``{}`` when absent
    presence: dict = field(default_factory=dict, hash=False, compare=False)

    def presence_rule(self, frame: str) -> dict:
        """The stored article-level rule of ``frame``: ``min_sentences, min_share, min_questions``.

        Frames without a stored rule get :data:`DEFAULT_PRESENCE` (two sentences, one question).

        >>> load_codebook("policy_frames").presence_rule("economic")
        {'min_sentences': 2, 'min_share': 0.0, 'min_questions': 1}
        """
        stored = (self.presence.get("frames") or {}).get(frame) or {}
        return {k: type(v)(stored.get(k, v)) for k, v in DEFAULT_PRESENCE.items()}

    def to_dict(self) -> dict:
        """Plain ``{"name", "title", "citation", "frames": {key: {"label", "questions": [...]}}}`` view."""
        return {"name": self.name, "title": self.title, "citation": self.citation, "frames": {
            f.key: {"label": f.label, "description": f.description, "questions": [
                {"id": q.id, "text": q.text, "codable": q.codable,
                 "indicators": [{"id": i.id, i.kind: i.spec} for i in q.indicators]} for q in f.questions]}
            for f in self.frames.values()}}

    def questions_table(self) -> pd.DataFrame:
        """One row per question: ``frame, label, question, text, codable, n_indicators``."""
        return pd.DataFrame([
            {"frame": f.key, "label": f.label, "question": q.id, "text": q.text, "codable": q.codable,
             "n_indicators": len(q.indicators)}
            for f in self.frames.values() for q in f.questions])


# ---------------------------------------------------------------------------------------------- loading

def _as_str_list(value, where: str, name: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise CodebookError(f"{where}: '{name}' must be a non-empty list of strings")
    return tuple(value)


def _check_patterns(kind: str, spec, where: str) -> None:
    import spacy
    from spacy.matcher import DependencyMatcher, Matcher

    if not isinstance(spec, list) or not spec or not all(isinstance(p, list) and p for p in spec):
        raise CodebookError(f"{where}: '{kind}' must be a non-empty list of patterns (each a list of token dicts)")
    vocab = spacy.blank("en").vocab
    try:
        if kind == "patterns":
            Matcher(vocab, validate=True).add("x", spec)
        else:
            DependencyMatcher(vocab, validate=True).add("x", spec)
    except Exception as exc:  # spaCy raises several error types for bad patterns
        raise CodebookError(f"{where}: invalid spaCy {kind}: {exc}") from exc


def _parse_indicator(raw, where: str) -> Indicator:
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: an indicator must be a mapping")
    iid = raw.get("id")
    if not isinstance(iid, str) or not iid:
        raise CodebookError(f"{where}: indicator needs an 'id' string")
    where = f"{where} indicator {iid!r}"
    unknown = set(raw) - {"id", "note", "examples", "counter_examples", *TRIGGERS, *CONDITIONS}
    if unknown:
        raise CodebookError(f"{where}: unknown field(s) {sorted(unknown)}; allowed triggers {list(TRIGGERS)}, "
                            f"conditions {list(CONDITIONS)}")
    kinds = [k for k in TRIGGERS if k in raw]
    if len(kinds) != 1:
        raise CodebookError(f"{where}: needs exactly one trigger of {list(TRIGGERS)}, found {kinds or 'none'}")
    kind = kinds[0]
    spec = raw[kind]
    if kind in ("lemmas", "phrases", "entity_labels"):
        spec = _as_str_list(spec, where, kind)
        if kind == "lemmas":
            spec = tuple(s.lower() for s in spec)
    else:
        _check_patterns(kind, spec, where)
    negation = raw.get("negation", "skip")
    if negation not in ("skip", "keep"):
        raise CodebookError(f"{where}: 'negation' must be 'skip' or 'keep', not {negation!r}")
    pos = _as_str_list(raw["pos"], where, "pos") if "pos" in raw else ()
    if pos and kind != "lemmas":
        raise CodebookError(f"{where}: 'pos' only applies to a 'lemmas' trigger")
    groups = _as_str_list(raw["sentence_has_actor_group"], where, "sentence_has_actor_group") \
        if "sentence_has_actor_group" in raw else ()
    ents = _as_str_list(raw["sentence_has_entity"], where, "sentence_has_entity") if "sentence_has_entity" in raw else ()
    roles = _as_str_list(raw["sentence_has_actor_role"], where, "sentence_has_actor_role") \
        if "sentence_has_actor_role" in raw else ()
    from analysis.story import ROLES

    unknown_roles = sorted(set(roles) - set(ROLES))
    if unknown_roles:
        raise CodebookError(f"{where}: sentence_has_actor_role names unknown role(s) {unknown_roles}; "
                            f"roles are {list(ROLES)}")
    examples = _as_str_list(raw["examples"], where, "examples") if "examples" in raw else ()
    counter = _as_str_list(raw["counter_examples"], where, "counter_examples") if "counter_examples" in raw else ()
    return Indicator(iid, kind, spec, pos, groups, ents, negation, examples, counter, roles)


def _resolve_codebook_path(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.exists():
            raise FileNotFoundError(f"codebook file not found: {p}")
        return p
    cand = CODEBOOK_DIR / f"{name_or_path}.yaml"
    if not cand.exists():
        known = sorted(x.stem for x in CODEBOOK_DIR.glob("*.yaml"))
        raise FileNotFoundError(f"no codebook named {name_or_path!r}; shipped codebooks: {known}, or give a path")
    return cand


def load_codebook(name_or_path: str | Path) -> Codebook:
    """Load and validate a codebook by name (``"semetko_valkenburg"``, ``"policy_frames"``) or path.

    Raises :class:`CodebookError` naming the frame / question / indicator that is malformed.

    >>> cb = load_codebook("policy_frames")
    >>> len(cb.frames), cb.frames["security_and_defense"].questions[0].id
    (15, 'P8')
    """
    p = _resolve_codebook_path(name_or_path)
    st = p.stat()  # an edited file (new mtime or size) is read again in the same process
    return _load_codebook_cached(str(p.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _load_codebook_cached(path: str, _mtime_ns: int, _size: int) -> Codebook:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CodebookError(f"{p.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("frames"), dict) or not data["frames"]:
        raise CodebookError(f"{p.name}: expected a top-level 'frames:' mapping of frame key -> frame")
    frames = {}
    seen_q = set()
    for fkey, fraw in data["frames"].items():
        fwhere = f"{p.name}: frame {fkey!r}"
        if not isinstance(fraw, dict):
            raise CodebookError(f"{fwhere}: must be a mapping with label and questions")
        qs_raw = fraw.get("questions")
        if not isinstance(qs_raw, list) or not qs_raw:
            raise CodebookError(f"{fwhere}: 'questions' must be a non-empty list")
        questions = []
        for j, q in enumerate(qs_raw):
            qid = q.get("id") if isinstance(q, dict) else None
            qwhere = f"{fwhere} question {qid or f'#{j}'!r}"
            if not isinstance(q, dict) or not isinstance(qid, str) or not qid:
                raise CodebookError(f"{qwhere}: each question needs an 'id' and 'text'")
            if qid in seen_q:
                raise CodebookError(f"{qwhere}: duplicate question id")
            seen_q.add(qid)
            if not isinstance(q.get("text"), str) or not q["text"].strip():
                raise CodebookError(f"{qwhere}: 'text' (the coding question) is missing")
            codable = q.get("codable", True)
            raw_inds = q.get("indicators", [])
            if codable and (not isinstance(raw_inds, list) or not raw_inds):
                raise CodebookError(f"{qwhere}: 'indicators' must be a non-empty list (or set codable: false)")
            inds = tuple(_parse_indicator(r, qwhere) for r in (raw_inds or []))
            if len({i.id for i in inds}) != len(inds):
                raise CodebookError(f"{qwhere}: duplicate indicator ids")
            questions.append(Question(qid, q["text"].strip(), inds, bool(codable)))
        frames[str(fkey)] = Frame(str(fkey), str(fraw.get("label", fkey)), tuple(questions),
                                  str(fraw.get("description", "")))
    presence = _parse_presence(data.get("presence"), p.name, frames)
    return Codebook(str(data.get("name", p.stem)), str(data.get("title", p.stem)),
                    str(data.get("citation", "")), frames, str(p), presence)


def _parse_presence(raw, fname: str, frames: dict) -> dict:
    """Validate a ``presence:`` block: per frame ``min_sentences`` (int >= 1), ``min_share`` (0-1),
    ``min_questions`` (int >= 1); anything else under a frame (CV figures) is kept as provenance."""
    if raw is None:
        return {}
    where = f"{fname}: presence"
    if not isinstance(raw, dict) or not isinstance(raw.get("frames"), dict):
        raise CodebookError(f"{where}: must be a mapping with a 'frames:' mapping of frame key -> rule")
    for fkey, rule in raw["frames"].items():
        fw = f"{where} frame {fkey!r}"
        if fkey not in frames:
            raise CodebookError(f"{fw}: not a frame of this codebook ({sorted(frames)})")
        if not isinstance(rule, dict):
            raise CodebookError(f"{fw}: must be a mapping with {list(PRESENCE_KEYS)}")
        for k in ("min_sentences", "min_questions"):
            v = rule.get(k, DEFAULT_PRESENCE[k])
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise CodebookError(f"{fw}: '{k}' must be an integer >= 1, not {v!r}")
        v = rule.get("min_share", 0.0)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise CodebookError(f"{fw}: 'min_share' must be a number between 0 and 1, not {v!r}")
    return raw


# ------------------------------------------------------------------------------------ sentence units

@dataclass
class SentenceUnit:
    """One parsed document (or a single sentence) and the sentence-table rows it holds."""

    doc: Any
    rows: pd.DataFrame  # doc_id, outlet, sent_id, text, start_char/end_char relative to ``doc``


def iter_sentence_units(corpus) -> Iterator[SentenceUnit]:
    """Parsed units for a ``Corpus`` (cached Docs) or a plain sentence table (each sentence parsed).

    A plain table needs ``doc_id, sent_id, text`` (``outlet`` optional). The spaCy model is loaded once
    per process (``analysis.parsing.load_model``).
    """
    if hasattr(corpus, "docs") and hasattr(corpus, "sentences"):
        sents = corpus.sentences
        by_doc = {d: g for d, g in sents.groupby("doc_id", sort=False)}
        for doc_id, doc in corpus.docs():
            g = by_doc.get(doc_id)
            if g is not None:
                yield SentenceUnit(doc, g.reset_index(drop=True))
        return
    sents = _plain_table(corpus)
    from analysis.corpus.parse import load_model

    nlp = load_model()
    for (_i, row), doc in zip(sents.iterrows(), nlp.pipe(sents["text"].astype(str).tolist())):
        r = row.to_frame().T.assign(start_char=0, end_char=len(doc.text))
        yield SentenceUnit(doc, r.reset_index(drop=True))


def _plain_table(df: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError("expected a Corpus from analysis.build_corpus or a sentence DataFrame")
    missing = {"doc_id", "sent_id", "text"} - set(df.columns)
    if missing:
        raise KeyError(f"sentence table lacks columns {sorted(missing)}")
    out = df.copy()
    if "outlet" not in out.columns:
        out["outlet"] = pd.NA
    return out.reset_index(drop=True)


def sentence_table(corpus) -> pd.DataFrame:
    """The sentence table of a ``Corpus`` or a plain table (``outlet`` added if missing)."""
    if hasattr(corpus, "sentences"):
        return corpus.sentences
    return _plain_table(corpus)


def _sentence_index(unit: SentenceUnit):
    import numpy as np

    starts = unit.rows["start_char"].to_numpy(dtype=int)
    order = np.argsort(starts)
    return starts[order], order


def _row_for_char(char: int, starts, order) -> int | None:
    import numpy as np

    k = int(np.searchsorted(starts, char, side="right")) - 1
    return int(order[k]) if k >= 0 else None


# ------------------------------------------------------------------------------------------- scoring

def _codebook_rules(codebook: Codebook) -> tuple[Lexicon, dict[str, tuple[str, str, Indicator]]]:
    """Every trigger of the codebook as one lexicon (label ``frame|question|indicator``) and its owners."""
    rules, by_key = [], {}
    for f in codebook.frames.values():
        for q in f.questions:
            for ind in q.indicators:
                key = f"{f.key}|{q.id}|{ind.id}"
                by_key[key] = (f.key, q.id, ind)
                if ind.kind == "lemmas":
                    rules += [lexicon_rule("words", key, [w], pos_in=ind.pos) for w in ind.spec]
                elif ind.kind == "phrases":
                    rules += [lexicon_rule("phrase", key, p) for p in ind.spec]
                elif ind.kind == "entity_labels":
                    rules.append(lexicon_rule("entity", key, list(ind.spec)))
                else:
                    rules.append(lexicon_rule("tokens" if ind.kind == "patterns" else "deps", key, ind.spec))
    return Lexicon(tuple(rules)), by_key


def is_negated(tokens) -> bool:
    """True if a matched word is negated: it or its head has a ``neg`` child, or a negator precedes it.

    >>> from analysis.corpus.parse import load_model
    >>> d = load_model()("Meridian did not lose contracts.")
    >>> is_negated([d[3]]), is_negated([d[0]])
    (True, False)
    """
    inside = {t.i for t in tokens}
    for t in tokens:
        heads = (t,) if t.dep_ in SUBJECT_DEPS else (t, t.head)
        for h in heads:
            if any(c.dep_ == "neg" and c.i not in inside for c in h.children):
                return True
    first = min(tokens, key=lambda t: t.i)
    for k in (1, 2):  # a negator just before the match ("no losses", "without proof"), not inside it
        if first.i - k >= first.sent.start and first.doc[first.i - k].lower_ in NEGATORS:
            return True
    return False


def _raw_matches(unit: SentenceUnit, lexicon: Lexicon, by_key: dict):
    """Yield (frame, question, indicator, token list) for every trigger hit in a parsed unit.

    A dependency-pattern hit yields *every* token its pattern matched (in text order), not only the
    first one :func:`analysis.measures.match.match_doc` reports, so the negation check sees the verb of
    "The ministry did not ban Acme" and not only its subject.
    """
    doc = unit.doc
    for m in match_doc(doc, lexicon, overlaps=True):
        f, q, ind = by_key[m.label]
        if ind.kind != "dep_patterns":
            yield f, q, ind, list(doc[m.start:m.end])
    comp = compile_lexicon(lexicon, doc.vocab)
    if len(comp.deps):
        seen = set()
        for match_id, token_ids in comp.deps(doc):
            label = doc.vocab.strings[match_id]
            ids = tuple(sorted(set(token_ids)))
            if (label, ids) in seen:
                continue
            seen.add((label, ids))
            f, q, ind = by_key[label]
            yield f, q, ind, [doc[i] for i in ids]


def code_sentences(corpus, codebook: Codebook | str | Path, *, actor_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sentence-level coding: one row per (sentence, frame, question) that fired, with its evidence.

    ``actor_table`` is the story's actor table, for the indicators that condition on an actor's group or
    role; ``None`` means no actor table: those indicators see no actor and do not fire.

    Columns: ``doc_id, outlet, sent_id, frame, question, indicator, trigger, text``; ``indicator`` and
    ``trigger`` list every indicator id and matched word that fired (``"; "``-separated).
    ``corpus`` is a ``Corpus`` or a sentence table (``doc_id, sent_id, text``, optional ``outlet``).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "text": ["Meridian did not lose money."]})
    >>> code_sentences(s, "semetko_valkenburg").empty   # the loss is negated
    True
    """
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    sents = sentence_table(corpus)
    need_groups = any(i.actor_groups or i.actor_roles for f in cb.frames.values() for q in f.questions
                      for i in q.indicators)
    groups_by_sent: dict[str, set] = {}
    roles_by_sent: dict[str, set] = {}
    if need_groups and len(sents):
        m = find_actor_mentions(sents[["doc_id", "sent_id", "start_char", "text"]] if "start_char" in sents
                                else sents.assign(start_char=0)[["doc_id", "sent_id", "start_char", "text"]],
                                table=actor_table)
        role_of = (dict(zip(actor_table["group"], actor_table["role"]))
                   if actor_table is not None and "role" in actor_table else {})
        for sid, g in m.groupby("sent_id"):
            groups_by_sent[sid] = set(g["group"])
            roles_by_sent[sid] = {role_of[x] for x in groups_by_sent[sid] if x in role_of}
    hits: dict[tuple, dict] = {}
    lexicon, by_key = _codebook_rules(cb)
    for unit in iter_sentence_units(corpus):
        starts, order = _sentence_index(unit)
        for f, q, ind, toks in _raw_matches(unit, lexicon, by_key):
            if not toks:
                continue
            k = _row_for_char(toks[0].idx, starts, order)
            if k is None or toks[0].idx >= int(unit.rows.at[k, "end_char"]):
                continue
            row = unit.rows.iloc[k]
            if ind.negation == "skip" and is_negated(toks):
                continue
            if ind.actor_groups and not (groups_by_sent.get(row["sent_id"], set()) & set(ind.actor_groups)):
                continue
            if ind.actor_roles and not (roles_by_sent.get(row["sent_id"], set()) & set(ind.actor_roles)):
                continue
            if ind.entity_labels:
                s0, s1 = int(row["start_char"]), int(row["end_char"])
                if not any(e.label_ in ind.entity_labels and s0 <= e.start_char < s1 for e in unit.doc.ents):
                    continue
            key = (row["sent_id"], f, q)
            h = hits.setdefault(key, {"doc_id": row["doc_id"], "outlet": row.get("outlet", pd.NA),
                                      "sent_id": row["sent_id"], "frame": f, "question": q,
                                      "indicator": [], "trigger": [], "text": row["text"]})
            if ind.id not in h["indicator"]:
                h["indicator"].append(ind.id)
            word = " ".join(t.text for t in toks)
            if word not in h["trigger"]:
                h["trigger"].append(word)
    rows = [{**h, "indicator": "; ".join(h["indicator"]), "trigger": "; ".join(h["trigger"])} for h in hits.values()]
    out = pd.DataFrame(rows, columns=CODED_COLUMNS)
    if len(out):
        order = {s: i for i, s in enumerate(sents["sent_id"])}
        forder = {k: i for i, k in enumerate(cb.frames)}
        out = (out.assign(_s=out.sent_id.map(order), _f=out.frame.map(forder))
               .sort_values(["_s", "_f", "question"]).drop(columns=["_s", "_f"]).reset_index(drop=True))
    return out


def sentence_frame_matrix(corpus, codebook: Codebook | str | Path, *, coded: pd.DataFrame | None = None,
                          actor_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every (sentence, frame) pair with ``fired`` (0/1) and ``n_questions``: the input for bootstraps.

    Columns: ``doc_id, outlet, sent_id, frame, fired, n_questions``. Without ``coded`` the sentences are
    coded here with ``actor_table`` (the story's; ``None``: no actor table, see :func:`code_sentences`).
    """
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    coded = code_sentences(corpus, cb, actor_table=actor_table) if coded is None else coded
    sents = sentence_table(corpus)[["doc_id", "outlet", "sent_id"]]
    grid = sents.merge(pd.DataFrame({"frame": list(cb.frames)}), how="cross")
    nq = coded.groupby(["sent_id", "frame"]).question.nunique().rename("n_questions").reset_index()
    out = grid.merge(nq, on=["sent_id", "frame"], how="left")
    out["n_questions"] = out["n_questions"].fillna(0).astype(int)
    out["fired"] = (out["n_questions"] > 0).astype(int)
    return out[["doc_id", "outlet", "sent_id", "frame", "fired", "n_questions"]]


def document_frames(
    corpus,
    codebook: Codebook | str | Path,
    *,
    min_sentences: int | None = None,
    min_questions: int | None = None,
    min_share: float | None = None,
    coded: pd.DataFrame | None = None,
    actor_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Roll sentences up to documents: one row per (doc_id, frame).

    Columns: ``doc_id, outlet, frame, n_sentences, n_sentences_fired, share, n_questions_fired, present``.
    ``present`` is the rule: at least ``min_sentences`` sentences fired the frame, at least
    ``min_questions`` distinct questions of it fired somewhere in the document, *and* the fired share of
    sentences is at least ``min_share``. An option left at ``None`` comes from the codebook's stored
    rule for that frame (:meth:`Codebook.presence_rule`: learned from human-coded articles by
    cross-validation, see ``docs/validation_frames.md``; two sentences and one question where the
    codebook stores none); a value given here applies to every frame. Without ``coded`` the sentences
    are coded with ``actor_table`` (the story's; ``None``: no actor table).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": ["d:0", "d:1"],
    ...                   "text": ["Meridian lost 12 contracts.", "It signed a lease worth $4 billion."]})
    >>> document_frames(s, "semetko_valkenburg", min_sentences=1, min_share=0.5).query(
    ...     "frame == 'economic'")[["n_sentences_fired", "present"]].values.tolist()
    [[2, True]]
    """
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    coded = code_sentences(corpus, cb, actor_table=actor_table) if coded is None else coded
    mat = sentence_frame_matrix(corpus, cb, coded=coded)
    g = mat.groupby(["doc_id", "frame"], sort=False)
    out = g.agg(outlet=("outlet", "first"), n_sentences=("sent_id", "size"), n_sentences_fired=("fired", "sum")).reset_index()
    nq = coded.groupby(["doc_id", "frame"]).question.nunique().rename("n_questions_fired").reset_index()
    out = out.merge(nq, on=["doc_id", "frame"], how="left")
    out["n_questions_fired"] = out["n_questions_fired"].fillna(0).astype(int)
    out["n_sentences_fired"] = out["n_sentences_fired"].astype(int)
    out["share"] = out["n_sentences_fired"] / out["n_sentences"]
    given = {"min_sentences": min_sentences, "min_share": min_share, "min_questions": min_questions}
    rules = {f: {**cb.presence_rule(f), **{k: v for k, v in given.items() if v is not None}} for f in cb.frames}
    rule = out["frame"].map(lambda f: rules[f])
    out["present"] = ((out["n_sentences_fired"] >= rule.map(lambda r: r["min_sentences"]))
                      & (out["n_questions_fired"] >= rule.map(lambda r: r["min_questions"]))
                      & (out["share"] >= rule.map(lambda r: r["min_share"]) - 1e-12))
    return out[["doc_id", "outlet", "frame", "n_sentences", "n_sentences_fired", "share", "n_questions_fired", "present"]]


def outlet_frame_profile(
    corpus,
    codebook: Codebook | str | Path,
    *,
    coded: pd.DataFrame | None = None,
    policy=None,
    cluster: str | None = "auto",
    n_boot: int = 2000,
    seed: int = 42,
) -> pd.DataFrame:
    """Share of an outlet's sentences that fire each frame, with a bootstrap interval.

    ``policy`` (:func:`analysis.intervals.interval_policy`, by default built from the corpus's documents)
    decides per outlet whether to resample its articles (enough of them) or its sentences (then the interval
    describes only these articles), as in the tone and topic tables and the synthesis; ``cluster="doc_id"``
    or ``None`` forces articles or sentences for every outlet. Columns: ``outlet, frame, estimate, ci_low,
    ci_high, n_units, n_clusters`` (articles), ``small_n``, ``interval`` (``"articles"``, ``"sentences"`` or
    ``"none"``), ``n_evidence`` (number of sentences that fired). Intervals from
    :func:`analysis.intervals.bootstrap_ci`.
    """
    from analysis.intervals import interval_policy

    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    mat = sentence_frame_matrix(corpus, cb, coded=coded)
    if cluster != "auto":
        if policy is not None:
            raise ValueError("pass either policy= or cluster=, not both")
        if cluster not in ("doc_id", None):
            raise ValueError(f"cluster must be 'auto', 'doc_id' or None, not {cluster!r}")
        policy = interval_policy(mat, resample="articles" if cluster else "units")
    elif policy is None:
        docs = getattr(corpus, "documents", None)
        policy = interval_policy(docs if docs is not None and {"outlet", "doc_id"} <= set(docs.columns) else mat)
    ci = policy.intervals(mat, value="fired", by=["outlet", "frame"], unit="sentences", n_boot=n_boot, seed=seed)
    ev = mat.groupby(["outlet", "frame"]).fired.sum().rename("n_evidence").reset_index()
    return ci.merge(ev, on=["outlet", "frame"], how="left")


def top_evidence(coded: pd.DataFrame, *, frame: str, outlet: str | None = None, n: int = 1) -> pd.DataFrame:
    """The ``n`` sentences that fire the most questions of ``frame`` (ties: earliest first).

    Columns: ``doc_id, outlet, sent_id, n_questions, questions, text``. Used to quote evidence.
    """
    d = coded[coded.frame == frame]
    if outlet is not None:
        d = d[d.outlet == outlet]
    if d.empty:
        return pd.DataFrame(columns=["doc_id", "outlet", "sent_id", "n_questions", "questions", "text"])
    g = (d.groupby("sent_id", sort=False)
         .agg(doc_id=("doc_id", "first"), outlet=("outlet", "first"), n_questions=("question", "nunique"),
              questions=("question", lambda s: ", ".join(sorted(set(s)))), text=("text", "first"))
         .reset_index())
    g["_o"] = range(len(g))
    g = g.sort_values(["n_questions", "_o"], ascending=[False, True]).head(n).drop(columns="_o")
    return g[["doc_id", "outlet", "sent_id", "n_questions", "questions", "text"]].reset_index(drop=True)


# ------------------------------------------------------------------------ learning the presence rule

#: Candidate presence rules searched by :func:`learn_presence_rule`: a *count* rule (at least
#: ``min_sentences`` firing sentences, any share) or a *share* rule (at least ``min_share`` of the
#: article's sentences fire, at least one), each with every ``min_questions``. One threshold per frame
#: keeps the search small: on the Narrative Frames train split a full count x share x questions grid
#: scored lower out of fold (it over-fits the small folds; docs/validation_frames.md).
PRESENCE_GRID = {
    "min_sentences": (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15),
    "min_share": (0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30),
    "min_questions": (1,),
}


@dataclass
class PresenceCV:
    """Result of :func:`learn_presence_rule`.

    * ``rules``: the rule chosen on *all* labelled documents, one row per frame
      (``frame, min_sentences, min_share, min_questions, train_f1``);
    * ``scores``: out-of-fold scores per frame (``frame, n, n_positive, f1, f1_sd, precision, recall,
      always_yes_f1, prevalence_pred``; ``f1`` pooled over the held-out folds, averaged over repeats;
      ``f1_sd`` its spread over the repeats' fold seeds);
    * ``folds``: the rule each training fold chose and its F1 on the held-out fold
      (``repeat, fold, frame, min_sentences, min_share, min_questions, f1_train, f1_test``);
    * ``settings``: ``n_splits, repeats, seed`` and the grid.
    """

    rules: pd.DataFrame
    scores: pd.DataFrame
    folds: pd.DataFrame
    settings: dict

    @property
    def macro_f1(self) -> float:
        """Mean out-of-fold F1 over frames."""
        return float(self.scores["f1"].mean())

    @property
    def macro_f1_sd(self) -> float:
        """Standard deviation of the macro-F1 over the repeats (fold seeds)."""
        per = self.settings.get("macro_f1_by_repeat", [])
        return float(pd.Series(per).std(ddof=1)) if len(per) > 1 else float("nan")


def _f1(y, p) -> float:
    import numpy as np

    tp = float(np.sum(y & p))
    denom = float(np.sum(y) + np.sum(p))
    return 2 * tp / denom if denom else 0.0


def _best_rule(n, share, nq, y, cands) -> tuple[int, float]:
    """Index of the candidate with the highest F1 on (n, share, nq, y) and that F1 (ties: first)."""
    import numpy as np

    k, s, q = cands
    pred = (n[None, :] >= k[:, None]) & (share[None, :] >= s[:, None] - 1e-12) & (nq[None, :] >= q[:, None])
    tp = (pred & y[None, :]).sum(axis=1)
    denom = pred.sum(axis=1) + y.sum()
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    i = int(np.argmax(f1))
    return i, float(f1[i])


def learn_presence_rule(
    doc_frames: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    n_splits: int = 5,
    repeats: int = 1,
    seed: int = 42,
    grid: dict | None = None,
) -> PresenceCV:
    """Learn each frame's article-level presence rule from human labels, with an honest K-fold estimate.

    ``doc_frames`` is :func:`document_frames` output (its ``n_sentences_fired, share, n_questions_fired``
    are used, its ``present`` ignored); ``labels`` is long ``doc_id, frame, present``. A rule is
    "``n_sentences_fired >= min_sentences`` and ``share >= min_share`` and ``n_questions_fired >=
    min_questions``"; the candidates are a count threshold or a share threshold (see
    :data:`PRESENCE_GRID`; ``grid`` replaces some of its lists), the one with the highest F1 wins
    (ties: the first, count rules before share rules, lower thresholds first). The
    estimate: seeded ``KFold`` over documents, the rule chosen inside each training fold only and scored
    on its held-out fold; ``repeats`` fold seeds (``seed, seed + 1, ...``) give the spread. The stored
    rule (``rules``) is chosen the same way on all documents.

    >>> d = pd.DataFrame({"doc_id": list("abcdefghij"), "frame": "f", "n_sentences_fired": [5, 4, 6, 5, 4, 0, 1, 0, 1, 0],
    ...                   "share": 0.1, "n_questions_fired": 1})
    >>> g = pd.DataFrame({"doc_id": list("abcdefghij"), "frame": "f", "present": [True] * 5 + [False] * 5})
    >>> r = learn_presence_rule(d, g, n_splits=2)
    >>> int(r.rules.min_sentences.iloc[0]), round(r.macro_f1, 2)
    (2, 1.0)
    """
    import numpy as np
    from sklearn.model_selection import KFold

    grid = {**PRESENCE_GRID, **(grid or {})}
    rules_ = [(k, 0.0, q) for q in grid["min_questions"] for k in grid["min_sentences"]] + \
             [(1, s, q) for q in grid["min_questions"] for s in grid["min_share"] if s > 0]
    cands = tuple(np.array(c) for c in zip(*rules_))
    cands = (cands[0].astype(int), cands[1].astype(float), cands[2].astype(int))
    gold = labels[["doc_id", "frame", "present"]].assign(doc_id=lambda d: d["doc_id"].astype(str))
    table = doc_frames.assign(doc_id=doc_frames["doc_id"].astype(str)).merge(gold, on=["doc_id", "frame"],
                                                                            suffixes=("_rule", ""))
    rules, scores, fold_rows, macro_by_rep = [], [], [], []
    per_rep: dict[int, dict[str, float]] = {}
    for f, g in table.groupby("frame", sort=False):
        g = g.sort_values("doc_id").reset_index(drop=True)
        n = g["n_sentences_fired"].to_numpy(int)
        sh = g["share"].to_numpy(float)
        nq = g["n_questions_fired"].to_numpy(int)
        y = g["present"].astype(bool).to_numpy()
        i, f1_all = _best_rule(n, sh, nq, y, cands)
        rules.append({"frame": f, "min_sentences": int(cands[0][i]), "min_share": float(cands[1][i]),
                      "min_questions": int(cands[2][i]), "train_f1": f1_all})
        f1s, precs, recs, rates = [], [], [], []
        for r in range(repeats):
            pred = np.zeros(len(y), dtype=bool)
            for k, (tr, te) in enumerate(KFold(n_splits, shuffle=True, random_state=seed + r).split(y)):
                j, f1_tr = _best_rule(n[tr], sh[tr], nq[tr], y[tr], cands)
                pred[te] = (n[te] >= cands[0][j]) & (sh[te] >= cands[1][j] - 1e-12) & (nq[te] >= cands[2][j])
                fold_rows.append({"repeat": r, "fold": k, "frame": f, "min_sentences": int(cands[0][j]),
                                  "min_share": float(cands[1][j]), "min_questions": int(cands[2][j]),
                                  "f1_train": f1_tr, "f1_test": _f1(y[te], pred[te])})
            f1s.append(_f1(y, pred))
            precs.append(float((pred & y).sum() / pred.sum()) if pred.sum() else 0.0)
            recs.append(float((pred & y).sum() / y.sum()) if y.sum() else 0.0)
            rates.append(float(pred.mean()))
            per_rep.setdefault(r, {})[f] = f1s[-1]
        prev = float(y.mean())
        scores.append({"frame": f, "n": len(y), "n_positive": int(y.sum()), "f1": float(np.mean(f1s)),
                       "f1_sd": float(np.std(f1s, ddof=1)) if repeats > 1 else float("nan"),
                       "precision": float(np.mean(precs)), "recall": float(np.mean(recs)),
                       "always_yes_f1": 2 * prev / (1 + prev) if prev else 0.0,
                       "prevalence_gold": prev, "prevalence_pred": float(np.mean(rates))})
    macro_by_rep = [float(np.mean(list(v.values()))) for _, v in sorted(per_rep.items())]
    settings = {"n_splits": n_splits, "repeats": repeats, "seed": seed,
                "grid": {k: list(v) for k, v in grid.items()}, "macro_f1_by_repeat": macro_by_rep}
    return PresenceCV(pd.DataFrame(rules), pd.DataFrame(scores), pd.DataFrame(fold_rows), settings)


def presence_block(result: PresenceCV, *, data: str, labels: str, command: str, date: str) -> dict:
    """The ``presence:`` mapping to store in a codebook: each frame's rule with its CV figures and provenance.

    >>> d = pd.DataFrame({"doc_id": list("abcd"), "frame": "f", "n_sentences_fired": [3, 3, 0, 0],
    ...                   "share": 0.1, "n_questions_fired": 1})
    >>> g = d[["doc_id", "frame"]].assign(present=[True, True, False, False])
    >>> presence_block(learn_presence_rule(d, g, n_splits=2), data="toy", labels="toy", command="-",
    ...                date="2026-01-01")["frames"]["f"]["min_sentences"]
    1
    """
    sc = result.scores.set_index("frame")
    folds = result.folds
    frames = {}
    for r in result.rules.itertuples(index=False):
        s = sc.loc[r.frame]
        fd = folds[folds.frame == r.frame]
        frames[r.frame] = {
            "min_sentences": int(r.min_sentences), "min_share": round(float(r.min_share), 4),
            "min_questions": int(r.min_questions),
            "cv_f1": round(float(s.f1), 4),
            "cv_f1_sd": None if pd.isna(s.f1_sd) else round(float(s.f1_sd), 4),
            "cv_precision": round(float(s.precision), 4), "cv_recall": round(float(s.recall), 4),
            "always_yes_f1": round(float(s.always_yes_f1), 4),
            "prevalence_gold": round(float(s.prevalence_gold), 4),
            "prevalence_pred": round(float(s.prevalence_pred), 4),
            "train_f1": round(float(r.train_f1), 4),
            "fold_min_sentences": sorted({int(v) for v in fd.min_sentences}),
            "fold_min_share": sorted({round(float(v), 4) for v in fd.min_share}),
            "fold_min_questions": sorted({int(v) for v in fd.min_questions}),
        }
    st = result.settings
    return {
        "rule": "present when n_sentences_fired >= min_sentences and share >= min_share and "
                "n_questions_fired >= min_questions",
        "learned": {"date": date, "data": data, "labels": labels, "command": command,
                    "n_splits": int(st["n_splits"]), "repeats": int(st["repeats"]), "seed": int(st["seed"]),
                    "macro_f1": round(result.macro_f1, 4),
                    "macro_f1_sd": None if pd.isna(result.macro_f1_sd) else round(result.macro_f1_sd, 4),
                    "always_yes_macro_f1": round(float(result.scores["always_yes_f1"].mean()), 4)},
        "frames": frames,
    }


def write_presence_block(path: str | Path, block: dict) -> Path:
    """Replace (or append) the top-level ``presence:`` block of a codebook YAML, keeping everything above it.

    The block must be the file's last top-level key; the comments and frames above are left byte for byte.
    """
    import re

    p = Path(path)
    text = p.read_text(encoding="utf-8")
    m = re.search(r"^# ---- presence rule \(generated\).*\Z|^presence:.*\Z", text, flags=re.M | re.S)
    head = text[:m.start()] if m else text.rstrip("\n") + "\n\n"
    body = yaml.safe_dump({"presence": block}, sort_keys=False, width=110, allow_unicode=True)
    note = ("# ---- presence rule (generated): written by analysis.measures.frames.write_presence_block from\n"
            "# the command under presence.learned; edit by re-running it, not by hand.\n")
    p.write_text(head + note + body, encoding="utf-8")
    _load_codebook_cached.cache_clear()
    return p
