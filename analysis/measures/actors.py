"""Who is mentioned: an actor alias table (data) and a mention finder shared by sentiment and framing.

The table is a story's (:attr:`analysis.story.Story.actors`: surface forms -> canonical actor, its
stakeholder group and role, including metonymy and descriptions), or one read from a separate actor YAML
with :func:`load_actor_table`. No table is packaged as a default: ``table=None`` means *no actor table*, so
only spaCy entities are reported (under their own name) and noun phrases stay unresolved; a user's corpus
never gets another story's actors. :func:`find_actor_mentions` finds aliases in sentence text and adds the
spaCy entities the table does not know. Aliases are matched on spaCy tokens by :mod:`analysis.measures.match`
(case-sensitive except the first character; longest alias wins).

>>> import pandas as pd
>>> from analysis.story import story_from_dict
>>> S = story_from_dict({"name": "port", "title": "A harbour lease", "actors": [
...     {"actor": "city council", "group": "city government", "role": "government",
...      "aliases": ["the city council", "the council", "city hall", "the mayor's office"]},
...     {"actor": "Meridian Ports Group", "group": "Meridian", "role": "company",
...      "aliases": ["Meridian", "the harbour operator"]}]})
>>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "start_char": [0],
...                   "text": ["City hall sued the harbour operator."]})
>>> find_actor_mentions(s, table=S.actors)[["actor", "mention"]].values.tolist()
[['city council', 'City hall'], ['Meridian Ports Group', 'the harbour operator']]
>>> resolve_actor("the mayor's office", table=S.actors), resolve_actor("the mayor's office")
('city council', None)
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.measures.match import alias_lexicon, match_texts
from analysis.story import StoryError, alias_key, story_from_dict, with_files

MENTION_COLUMNS = ["doc_id", "sent_id", "actor", "group", "mention", "start_char", "end_char", "method"]
#: Columns of an actor table (those of :attr:`analysis.story.Story.actors`).
ACTOR_TABLE_COLUMNS = ["actor", "group", "role", "alias", "key"]
#: spaCy entity labels that can name an actor; others (DATE, MONEY ...) are ignored.
ACTOR_ENTITY_LABELS = ("ORG", "GPE", "NORP", "PERSON")
#: Group reported for entities that are not in the table.
ENTITY_GROUPS = {"ORG": "other organisations", "GPE": "other places/states", "NORP": "nationalities/groups",
                 "PERSON": "other persons"}

#: A malformed actor YAML (the story layer's error: the message names the file and the entry).
ActorTableError = StoryError


def empty_actor_table() -> pd.DataFrame:
    """The table ``table=None`` stands for: no actors, so nothing resolves and only entities are mentions.

    >>> empty_actor_table().columns.tolist()
    ['actor', 'group', 'role', 'alias', 'key']
    """
    return pd.DataFrame(columns=ACTOR_TABLE_COLUMNS)


def _table(table: pd.DataFrame | None) -> pd.DataFrame:
    return table if table is not None else empty_actor_table()


def load_actor_table(path: str | Path) -> pd.DataFrame:
    """Read and validate a separate actor YAML file (``actors:`` list) into one row per (actor, alias).

    Columns: ``actor, group, role, alias, key`` as in :attr:`analysis.story.Story.actors` (``key`` is the
    normalised alias used for matching; a group without a ``role`` gets one guessed from its name). The file
    is read through the story layer (:func:`analysis.story.with_files`), so a malformed entry raises
    :class:`ActorTableError` naming the file and the entry.

    >>> from analysis.config import PROJECT_ROOT
    >>> t = load_actor_table(PROJECT_ROOT / "tests" / "data" / "byoc" / "actors.yaml")
    >>> t.columns.tolist()
    ['actor', 'group', 'role', 'alias', 'key']
    """
    p = Path(path).resolve()
    if not p.is_file():
        raise FileNotFoundError(f"actor table not found: {p}")
    st = p.stat()  # an edited file (new mtime or size) is read again in the same process
    return _load_actor_table_cached(str(p), st.st_mtime_ns, st.st_size).copy()


@lru_cache(maxsize=8)
def _load_actor_table_cached(path: str, _mtime_ns: int, _size: int) -> pd.DataFrame:
    base = story_from_dict({"name": "actor_table", "title": "actor table"}, where=Path(path).name)
    return with_files(base, actors=path).actors[ACTOR_TABLE_COLUMNS].reset_index(drop=True)


def actor_aliases(table: pd.DataFrame | None):
    """The table's aliases as a lexicon (id = canonical actor) and each actor's group (the first listed):
    what :func:`match_aliases` matches with. A caller matching many texts against one table (agency, once
    per noun phrase) builds it once and passes it as ``aliases=``; reading the table costs more than matching.

    >>> actor_aliases(None)[1]   # no table: no aliases, no groups
    {}
    """
    table = _table(table)
    cols = [table[c].astype(str) for c in ("alias", "actor", "group")]
    return _lexicon_cached(tuple(zip(*cols)))


@lru_cache(maxsize=8)
def _lexicon_cached(rows: tuple):  # keyed on the table's content
    group: dict[str, str] = {}
    for _alias, actor, g in rows:
        group.setdefault(actor, g)
    return alias_lexicon((alias, actor) for alias, actor, _g in rows), group


def match_aliases(text: str, *, table: pd.DataFrame | None = None, aliases=None) -> list[tuple[int, int, str, str]]:
    """Every alias in ``text`` as ``(start, end, actor, group)`` (longest match wins, no overlaps).
    ``aliases``: :func:`actor_aliases` of ``table``, built once by a caller that matches many texts.

    >>> from analysis.story import story_from_dict
    >>> t = story_from_dict({"name": "port", "title": "A harbour lease", "actors": [
    ...     {"actor": "city council", "group": "city government", "role": "government",
    ...      "aliases": ["the city council", "the council", "city hall"]},
    ...     {"actor": "Meridian Ports Group", "group": "Meridian", "role": "company", "aliases": ["Meridian"]}]}).actors
    >>> match_aliases("the council vote", table=t)   # the alias "the council" covers the article too
    [(0, 11, 'city council', 'city government')]
    >>> match_aliases("the council vote")            # no table: no aliases
    []
    """
    lex, group = aliases if aliases is not None else actor_aliases(table)
    return [(s, e, actor, group[actor]) for s, e, actor in match_texts([text or ""], lex)[0]]


def resolve_actor(text: str, *, table: pd.DataFrame | None = None) -> str | None:
    """Canonical actor named by a span of text, or ``None``.

    An exact alias wins; otherwise the *first* alias found in the span (a noun phrase usually names its
    referent first: "Rafael Ortiz, the head of the harbour operator's terminal business" -> Rafael Ortiz).
    Pronouns are not resolved here.

    >>> from analysis.story import story_from_dict
    >>> t = story_from_dict({"name": "port", "title": "A harbour lease", "actors": [
    ...     {"actor": "city council", "group": "city government", "role": "government",
    ...      "aliases": ["the city council", "the council", "city hall"]},
    ...     {"actor": "Meridian Ports Group", "group": "Meridian", "role": "company", "aliases": ["Meridian"]}]}).actors
    >>> resolve_actor("Meridian was sued", table=t), resolve_actor("he", table=t), resolve_actor("City hall", table=t)
    ('Meridian Ports Group', None, 'city council')
    """
    if not text or not text.strip():
        return None
    lex, _group = actor_aliases(table)
    found = match_texts([text], lex)[0]
    stripped = (len(text) - len(text.lstrip()), len(text.rstrip()))
    for s, e, actor in found:  # an alias that is the whole span
        if (s, e) == stripped:
            return actor
    return found[0][2] if found else None


def actor_group(actor: str, *, table: pd.DataFrame | None = None) -> str | None:
    """Stakeholder group of a canonical actor name (``None`` if the actor is not in the table; no table: ``None``).

    >>> from analysis.story import story_from_dict
    >>> t = story_from_dict({"name": "port", "title": "A harbour lease", "actors": [
    ...     {"actor": "city council", "group": "city government", "role": "government",
    ...      "aliases": ["the city council", "the council", "city hall"]},
    ...     {"actor": "Meridian Ports Group", "group": "Meridian", "role": "company", "aliases": ["Meridian"]}]}).actors
    >>> actor_group("city council", table=t), actor_group("city council")
    ('city government', None)
    """
    t = _table(table)
    g = t.loc[t.actor == actor, "group"]
    return str(g.iloc[0]) if len(g) else None


def _clean_entity_name(text: str) -> str:
    s = re.sub(r"\s+", " ", text.strip()).replace("\u2019", "'")
    s = re.sub(r"^(the|The)\s+", "", s)
    return re.sub(r"'s?$", "", s).strip()


def find_actor_mentions(
    sentences,
    *,
    entities: pd.DataFrame | None = None,
    table: pd.DataFrame | None = None,
    entity_labels: tuple[str, ...] = ACTOR_ENTITY_LABELS,
) -> pd.DataFrame:
    """Actor mentions in sentences: aliases from the table, plus unknown spaCy entities.

    Without a ``table`` there are no aliases: only the entities are reported (``method`` ``"entity"``).

    ``sentences`` is a sentence table (``doc_id, sent_id, start_char, text``) or a ``Corpus`` (then its
    entity table is used unless ``entities`` is given). Returns ``doc_id, sent_id, actor, group, mention,
    start_char, end_char, method`` with offsets into the clean document text; ``method`` is ``"alias"``
    or ``"entity"``. Entities overlapping an alias match are dropped (the table wins).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "start_char": [10], "text": ["City hall said no."]})
    >>> from analysis.story import story_from_dict
    >>> t = story_from_dict({"name": "port", "title": "A harbour lease", "actors": [
    ...     {"actor": "city council", "group": "city government", "role": "government",
    ...      "aliases": ["the city council", "the council", "city hall"]},
    ...     {"actor": "Meridian Ports Group", "group": "Meridian", "role": "company", "aliases": ["Meridian"]}]}).actors
    >>> find_actor_mentions(s, table=t)[["actor", "start_char", "end_char"]].values.tolist()
    [['city council', 10, 19]]
    >>> find_actor_mentions(s).empty                 # no table and no entities: nothing
    True
    """
    if hasattr(sentences, "sentences"):
        if entities is None:
            entities = sentences.entities
        sentences = sentences.sentences
    lex, group = actor_aliases(table)
    sents = sentences[["doc_id", "sent_id", "start_char", "text"]]
    texts = sents["text"].astype(str).tolist()
    rows = []
    for r, text, found in zip(sents.itertuples(index=False), texts, match_texts(texts, lex)):
        base = int(r.start_char)
        for s, e, actor in found:
            rows.append((r.doc_id, r.sent_id, actor, group[actor], text[s:e], base + s, base + e, "alias"))
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    if entities is not None and len(entities):
        ents = entities[entities["label"].isin(entity_labels)]
        spans: dict[str, list[tuple[int, int]]] = {}
        for r in out.itertuples(index=False):
            spans.setdefault(r.doc_id, []).append((r.start_char, r.end_char))
        extra = []
        for e in ents.itertuples(index=False):
            s, en = int(e.start_char), int(e.end_char)
            if any(s < b and a < en for a, b in spans.get(e.doc_id, [])):
                continue
            name = _clean_entity_name(str(e.text))
            if not name:
                continue
            extra.append((e.doc_id, e.sent_id, name, ENTITY_GROUPS.get(e.label, "other"), str(e.text), s, en, "entity"))
        if extra:
            out = pd.concat([out, pd.DataFrame(extra, columns=MENTION_COLUMNS)], ignore_index=True)
    out = out.sort_values(["doc_id", "start_char"], kind="stable").reset_index(drop=True)
    out[["start_char", "end_char"]] = out[["start_char", "end_char"]].astype(int)
    return out
