"""Who is mentioned: an actor alias table (data) and a mention finder shared by sentiment and framing.

The table in ``analysis/data/actors.yaml`` maps surface forms to a canonical actor and its stakeholder
group, including metonymy ("Washington" -> US government) and descriptions ("the Chinese tech giant" ->
Huawei). :func:`find_actor_mentions` finds those aliases in sentence text and, optionally, adds spaCy
entities the table does not know, under their own name, so the same code runs on another corpus.
Aliases are matched on spaCy tokens by :mod:`analysis.measures.match` with the case rule that
``actors.yaml`` documents (case-sensitive except the first character; longest alias wins).

>>> import pandas as pd
>>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "start_char": [0],
...                   "text": ["Washington banned the Chinese tech giant."]})
>>> find_actor_mentions(s)[["actor", "mention"]].values.tolist()
[['US government', 'Washington'], ['Huawei', 'the Chinese tech giant']]
>>> resolve_actor("the Trump administration")
'US government'
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.config import PACKAGE_DATA
from analysis.measures.match import alias_lexicon, match_texts

#: Default alias table.
ACTORS_PATH: Path = PACKAGE_DATA / "actors.yaml"
MENTION_COLUMNS = ["doc_id", "sent_id", "actor", "group", "mention", "start_char", "end_char", "method"]
#: spaCy entity labels that can name an actor; others (DATE, MONEY ...) are ignored.
ACTOR_ENTITY_LABELS = ("ORG", "GPE", "NORP", "PERSON")
#: Group reported for entities that are not in the table.
ENTITY_GROUPS = {"ORG": "other organisations", "GPE": "other places/states", "NORP": "nationalities/groups",
                 "PERSON": "other persons"}


class ActorTableError(ValueError):
    """The actor YAML is malformed; the message names the entry."""


def _norm(alias: str) -> str:
    """Key under which two aliases are one (the match rule): first letter lower-cased, one apostrophe, single spaces."""
    s = re.sub(r"\s+", " ", alias.strip()).replace("\u2019", "'")
    return s[:1].lower() + s[1:]


def load_actor_table(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate an actor YAML file into one row per (actor, alias).

    Columns: ``actor, group, alias, key`` (``key`` is the normalised alias used for matching).

    >>> t = load_actor_table()
    >>> t.loc[t.alias == "Beijing", ["actor", "group"]].values.tolist()
    [['Chinese government', 'Chinese government']]
    """
    p = Path(path or ACTORS_PATH).resolve()
    if not p.exists():
        raise FileNotFoundError(f"actor table not found: {p}")
    st = p.stat()  # an edited file (new mtime or size) is read again in the same process
    return _load_actor_table_cached(str(p), st.st_mtime_ns, st.st_size).copy()


@lru_cache(maxsize=8)
def _load_actor_table_cached(path: str, _mtime_ns: int, _size: int) -> pd.DataFrame:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ActorTableError(f"{p.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise ActorTableError(f"{p.name}: expected a top-level 'actors:' list")
    rows, owner = [], {}
    for i, entry in enumerate(data["actors"]):
        where = f"{p.name}: actors[{i}]"
        if not isinstance(entry, dict):
            raise ActorTableError(f"{where}: each entry must be a mapping with actor, group, aliases")
        name = entry.get("actor")
        where = f"{where} (actor {name!r})"
        if not isinstance(name, str) or not name.strip():
            raise ActorTableError(f"{where}: 'actor' must be a non-empty string")
        group = entry.get("group")
        if not isinstance(group, str) or not group.strip():
            raise ActorTableError(f"{where}: 'group' must be a non-empty string")
        aliases = entry.get("aliases")
        if not isinstance(aliases, list) or not aliases:
            raise ActorTableError(f"{where}: 'aliases' must be a non-empty list of strings")
        unknown = set(entry) - {"actor", "group", "aliases", "note"}
        if unknown:
            raise ActorTableError(f"{where}: unknown field(s) {sorted(unknown)}")
        for a in aliases:
            if not isinstance(a, str) or not a.strip():
                raise ActorTableError(f"{where}: alias {a!r} is not a non-empty string")
            key = _norm(a)
            if key in owner and owner[key] != name:
                raise ActorTableError(f"{where}: alias {a!r} is already used by actor {owner[key]!r}")
            if key in owner:
                continue
            owner[key] = name
            rows.append({"actor": name.strip(), "group": group.strip(), "alias": a.strip(), "key": key})
    return pd.DataFrame(rows, columns=["actor", "group", "alias", "key"])


def _lexicon(table: pd.DataFrame):
    """The table's aliases as a lexicon (id = canonical actor) and each actor's group (the first listed)."""
    cols = [table[c].astype(str) for c in ("alias", "actor", "group")]
    return _lexicon_cached(tuple(zip(*cols)))


@lru_cache(maxsize=8)
def _lexicon_cached(rows: tuple):  # keyed on the table's content; called once per noun phrase by agency
    group: dict[str, str] = {}
    for _alias, actor, g in rows:
        group.setdefault(actor, g)
    return alias_lexicon((alias, actor) for alias, actor, _g in rows), group


def match_aliases(text: str, *, table: pd.DataFrame | None = None) -> list[tuple[int, int, str, str]]:
    """Every alias in ``text`` as ``(start, end, actor, group)`` (longest match wins, no overlaps).

    >>> match_aliases("the US move")          # the alias "the US" covers the article too
    [(0, 6, 'US government', 'US government')]
    """
    lex, group = _lexicon(table if table is not None else load_actor_table())
    return [(s, e, actor, group[actor]) for s, e, actor in match_texts([text or ""], lex)[0]]


def resolve_actor(text: str, *, table: pd.DataFrame | None = None) -> str | None:
    """Canonical actor named by a span of text, or ``None``.

    An exact alias wins; otherwise the *first* alias found in the span (a noun phrase usually names its
    referent first: "Ryan Ding, the head of the Chinese tech giant's carrier business" -> Ryan Ding).
    Pronouns are not resolved here.

    >>> resolve_actor("Huawei was banned"), resolve_actor("he"), resolve_actor("The White House")
    ('Huawei', None, 'US government')
    """
    if not text or not text.strip():
        return None
    lex, _group = _lexicon(table if table is not None else load_actor_table())
    found = match_texts([text], lex)[0]
    stripped = (len(text) - len(text.lstrip()), len(text.rstrip()))
    for s, e, actor in found:  # an alias that is the whole span
        if (s, e) == stripped:
            return actor
    return found[0][2] if found else None


def actor_group(actor: str, *, table: pd.DataFrame | None = None) -> str | None:
    """Stakeholder group of a canonical actor name (``None`` if the actor is not in the table).

    >>> actor_group("Donald Trump")
    'US government'
    """
    t = table if table is not None else load_actor_table()
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

    ``sentences`` is a sentence table (``doc_id, sent_id, start_char, text``) or a ``Corpus`` (then its
    entity table is used unless ``entities`` is given). Returns ``doc_id, sent_id, actor, group, mention,
    start_char, end_char, method`` with offsets into the clean document text; ``method`` is ``"alias"``
    or ``"entity"``. Entities overlapping an alias match are dropped (the table wins).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "start_char": [10], "text": ["Beijing said no."]})
    >>> find_actor_mentions(s)[["actor", "start_char", "end_char"]].values.tolist()
    [['Chinese government', 10, 17]]
    """
    if hasattr(sentences, "sentences"):
        if entities is None:
            entities = sentences.entities
        sentences = sentences.sentences
    lex, group = _lexicon(table if table is not None else load_actor_table())
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
