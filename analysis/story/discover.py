"""A story discovered from a corpus that has no story file: its most frequent named actors, with roles.

:func:`discover_story` takes the corpus's own PERSON / ORG / GPE / NORP entities and merges the spellings of
one actor with generic rules only (no list of names):

1. one form: whitespace collapsed, a leading article and a possessive removed, dots ignored
   (``the U.S.``, ``U.S``, ``US`` are one key; ``Xi Jinping's`` is ``Xi Jinping``);
2. an all-capitals short form joins the one multi-word name whose initials (or capital letters) it spells
   (``US`` = ``United States``, ``NCSC`` = ``National Cyber Security Centre``);
3. a PERSON name joins the one longer PERSON name that ends with it (``Tomas Brandt`` in
   ``Councillor Tomas Brandt``);
4. a one-word name joins the one full PERSON name whose last word it is (``Putin`` -> ``Vladimir Putin``;
   the one-word form may be tagged PERSON or ORG, as small models often tag a surname alone) or, if it is
   tagged PERSON, whose first word it is (family name first: ``Xi`` -> ``Xi Jinping``). With two candidate
   full names (``Alvarez``: ``Luis Alvarez``, ``Rosa Alvarez``) it stays apart.

A person is shown by the full name with the fewest words, leading titles removed (``Councillor Harriet Doyle``
-> ``Harriet Doyle``; all spellings stay aliases).

Entities that are mostly lower-case words (``headstart``) or only dates and numbers (``2025``, ``March 3``,
``1.2 billion``) are mislabelled and dropped. Each actor is its own group; its role comes from the role
lexicon ``analysis/data/role_lexicon.yaml`` (see :func:`guess_role`) or else its entity type. The story has no
framing terms and no markers, so the measures that need them say "cannot be estimated" until the user writes
them: the notebooks write the discovered story to ``<output_dir>/story.yaml`` to edit and pass back with
``--story``. The result depends only on the corpus's entity table (ties are broken alphabetically).

>>> import analysis
>>> s = discover_story(analysis.build_corpus(progress=False), name="seeds")
>>> s.discovered, "China Mobile" in set(s.actors.actor), "Vladimir Putin" in set(s.actors.actor)
(True, True, True)
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.config import PACKAGE_DATA
from analysis.story.story import Story, alias_key, story_from_dict

ROLE_LEXICON = PACKAGE_DATA / "role_lexicon.yaml"
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP")
#: entity type -> role when no lexicon word decides (GPE as agent = its government: ACE metonymy)
TYPE_ROLES = {"GPE": "government", "NORP": "public", "PERSON": "other", "ORG": "other"}
_LEAD = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"['\u2019]s?$")
_WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")
_NUMERIC = re.compile(r"^[$\u20ac\u00a3]?[\d][\d.,:/%-]*(st|nd|rd|th|s|m|bn|k)?$", re.I)
_CALENDAR = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
_NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty",
    "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion",
    "billions", "trillion", "percent", "per", "cent", "year", "years", "month", "months", "week", "weeks", "day",
    "days", "quarter", "am", "pm", "dollars", "euros", "pounds", "and", "of", "the",
}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_FUNCTION_WORDS = {"of", "the", "and", "for", "on", "in", "de", "du", "des", "la", "le", "del", "&"}
#: equally frequent entity types: the first of these wins ("Port Calder" tagged GPE and ORG twice each is a GPE)
_LABEL_ORDER = {label: i for i, label in enumerate(("PERSON", "GPE", "ORG", "NORP"))}


@lru_cache(maxsize=4)
def _role_lexicon_cached(path: str, _mtime: float) -> tuple[tuple[str, tuple[str, ...]], ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return tuple((role, tuple(str(w).lower() for w in words)) for role, words in (data.get("roles") or {}).items())


def _role_lexicon() -> dict[str, list[str]]:
    return {role: list(cues) for role, cues in _role_lexicon_cached(str(ROLE_LEXICON), ROLE_LEXICON.stat().st_mtime)}


def _canonical(text: str) -> str:
    s = " ".join(str(text).split()).replace("\u2019", "'")
    s = _POSSESSIVE.sub("", _LEAD.sub("", s)).strip(" ,;:")
    return s


def _merge_key(canon: str) -> str:
    return alias_key(canon.replace(".", ""))


def is_mislabelled(canon: str) -> bool:
    """Whether an entity's text is not a name: mostly lower-case words, or only dates and numbers.

    >>> [is_mislabelled(t) for t in ("headstart", "March 3", "1.2 billion", "2025", "G20", "Bank of the West")]
    [True, True, True, True, False, False]
    """
    tokens = canon.split()
    if not tokens or not any(ch.isalpha() for ch in canon):
        return True
    if all(_NUMERIC.match(t) or t.lower().strip(".,") in _CALENDAR | _NUMBER_WORDS for t in tokens) and \
            any(_NUMERIC.match(t) or t.lower().strip(".,") in _NUMBER_WORDS | _WEEKDAYS for t in tokens):
        return True
    words = [w for w in _WORD.findall(canon)]
    return not words or 2 * sum(w[0].islower() for w in words) > len(words)


def _initials(name: str) -> set[str]:
    words = [w for w in re.findall(r"[^\W\d_]+", name) if w.lower() not in _FUNCTION_WORDS]
    out = set()
    if len(words) >= 2 and all(w[0].isupper() for w in words):
        out.add("".join(w[0] for w in words))
    caps = "".join(ch for ch in name if ch.isupper())
    if len(caps) >= 2 and len(name.split()) >= 2:
        out.add(caps)
    return out


def guess_role(name: str, label: str, *, lexicon: dict[str, list[str]] | None = None) -> str:
    """The role of an entity from its words (role lexicon) or else its entity type.

    Multi-word cues are tried first, longest first (``group of residents`` before ``group``); then single
    words, roles in lexicon order. Cues match whole words, case-insensitively.

    >>> guess_role("Commerce Department", "ORG"), guess_role("Reuters", "ORG"), guess_role("Moscow", "GPE")
    ('government', 'media', 'government')
    >>> guess_role("a group of residents", "ORG"), guess_role("Meridian Ports Group", "ORG")
    ('civil_society', 'company')
    """
    lexicon = _role_lexicon() if lexicon is None else lexicon
    phrases, singles = _cues(tuple((role, tuple(cues)) for role, cues in lexicon.items()))
    low = " " + " ".join(re.findall(r"[a-z0-9]+", name.lower())) + " "
    for cue, role in phrases:
        if cue in low:
            return role
    words = set(low.split())
    for role, cues in singles:
        if not words.isdisjoint(cues):
            return role
    return TYPE_ROLES.get(label, "other")


@lru_cache(maxsize=8)
def _cues(lexicon: tuple) -> tuple[tuple, tuple]:
    """The lexicon in matching order: (" phrase ", role) longest first, then (role, {words}) in role order."""
    phrases = sorted(((len(c.split()), i, role, c) for i, (role, cues) in enumerate(lexicon)
                      for c in cues if " " in c), key=lambda t: (-t[0], t[1]))
    phrases = tuple((f" {' '.join(re.findall(r'[a-z0-9]+', c))} ", role) for _n, _i, role, c in phrases)
    singles = tuple((role, frozenset(c for c in cues if " " not in c)) for role, cues in lexicon)
    return phrases, singles


#: Words that open a name as a title; with the single-word cues of the role lexicon ("Mayor", "Councillor")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "president",
           "chairman", "chairwoman", "chair", "chief", "ceo", "director", "spokesperson", "spokesman",
           "spokeswoman", "commissioner", "secretary", "general", "prime", "premier", "king", "queen", "prince"}


def _untitled(name: str, lexicon: dict[str, list[str]]) -> str:
    """A person's name without leading titles, keeping at least two words ("Councillor Harriet Doyle" -> "Harriet Doyle")."""
    cues = _TITLES | {c for cues in lexicon.values() for c in cues if " " not in c}
    words = name.split()
    while len(words) > 2 and words[0].lower().strip(".") in cues:
        words = words[1:]
    return " ".join(words)


class _Clusters:
    """Union-find over entity keys; the root is the smallest key, so the result does not depend on order."""

    def __init__(self, keys):
        self.parent = {k: k for k in keys}

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _top(counter: Counter, *, prefer_long: bool = True) -> str:
    return sorted(counter.items(), key=lambda kv: (-kv[1], -len(kv[0]) if prefer_long else 0, kv[0]))[0][0]


def _label(counter: Counter) -> str:
    return sorted(counter.items(), key=lambda kv: (-kv[1], _LABEL_ORDER.get(kv[0], 99)))[0][0]


def discover_story(corpus, *, name: str = "corpus", n_actors: int = 25, min_mentions: int = 2) -> Story:
    """A :class:`Story` from the ``n_actors`` most mentioned entities (at least ``min_mentions`` each).

    Runs on any corpus, also one document or one without entities (then a story with no actors whose
    description says so). Reads only ``corpus.entities`` (``doc_id, text, label``) and ``corpus.documents``.

    >>> from types import SimpleNamespace
    >>> ents = pd.DataFrame({"doc_id": ["d1"] * 5, "text": ["Putin", "Vladimir Putin", "U.S.", "the US", "US"],
    ...                      "label": ["PERSON", "PERSON", "GPE", "GPE", "GPE"]})
    >>> s = discover_story(SimpleNamespace(entities=ents, documents=ents[:1]), name="demo")
    >>> s.actors.groupby("actor")["alias"].apply(sorted).to_dict()
    {'US': ['U.S.', 'US', 'the US'], 'Vladimir Putin': ['Putin', 'Vladimir Putin']}
    >>> s.role_of("US"), s.role_of("Vladimir Putin")
    ('government', 'other')
    """
    ents = corpus.entities
    ents = ents[ents["label"].isin(ENTITY_LABELS)]
    n_docs = len(corpus.documents) if hasattr(corpus, "documents") else ents["doc_id"].nunique()
    lexicon = _role_lexicon()
    surface: dict[str, Counter] = {}   # key -> surface forms (article kept, possessive removed)
    forms: dict[str, Counter] = {}     # key -> canonical forms
    labels: dict[str, Counter] = {}
    dropped = 0
    pairs = ents.assign(text=ents["text"].astype(str)).groupby(["text", "label"], observed=True).size()
    for (text, label), n in pairs.items():   # one pass per distinct (text, label), not per mention
        canon = _canonical(text)
        if len(canon) < 2 or is_mislabelled(canon):
            dropped += int(n)
            continue
        key = _merge_key(canon)
        if len(key.replace(" ", "")) < 2:
            dropped += int(n)
            continue
        surface.setdefault(key, Counter())[_POSSESSIVE.sub("", " ".join(text.split()).replace("\u2019", "'"))
                                           .strip(" ,;:")] += int(n)
        forms.setdefault(key, Counter())[canon] += int(n)
        labels.setdefault(key, Counter())[str(label)] += int(n)
    keys = sorted(forms)
    display = {k: _top(forms[k]) for k in keys}
    label_of = {k: _label(labels[k]) for k in keys}
    clusters = _Clusters(keys)

    # 2. acronyms: "US" = "United States", "NCSC" = "National Cyber Security Centre" (never PERSON names)
    spelled: dict[str, set[str]] = {}
    for k in keys:
        if label_of[k] != "PERSON":
            for ini in _initials(display[k]):
                spelled.setdefault(ini, set()).add(k)
    for k in keys:
        short = display[k].replace(".", "")
        if label_of[k] != "PERSON" and " " not in short and short.isupper() and 2 <= len(short) <= 6:
            targets = {clusters.find(t) for t in spelled.get(short, set()) if t != k}
            if len(targets) == 1:
                clusters.union(k, targets.pop())

    # 3. a multi-word PERSON name inside exactly one longest PERSON name ("Tomas Brandt" in "Councillor Tomas Brandt")
    persons = [k for k in keys if label_of[k] == "PERSON" and " " in display[k]]
    words_of = {k: display[k].split() for k in persons}
    by_last: dict[str, list[str]] = {}
    by_first: dict[str, list[str]] = {}
    for k in persons:   # indexed by last and first word, so a large corpus does not compare every pair of names
        by_last.setdefault(words_of[k][-1], []).append(k)
        by_first.setdefault(words_of[k][0], []).append(k)
    longest = {w: max(len(words_of[k]) for k in ks) for w, ks in by_last.items()}
    for k in persons:
        n = len(words_of[k])
        if longest[words_of[k][-1]] <= n:
            continue
        longer = [p for p in by_last[words_of[k][-1]] if len(words_of[p]) > n and words_of[p][-n:] == words_of[k]]
        maximal = [p for p in longer if not any(len(words_of[q]) > len(words_of[p])
                                                and words_of[q][-len(words_of[p]):] == words_of[p] for q in longer)]
        if len(maximal) == 1:
            clusters.union(k, maximal[0])

    # 4. a one-word name into the one full PERSON name it ends (surname) or, tagged PERSON, begins (family name first)
    for k in keys:
        word = display[k]
        if " " in word or label_of[k] not in ("PERSON", "ORG"):
            continue
        targets = {clusters.find(p) for p in by_last.get(word, ())}
        if label_of[k] == "PERSON":
            targets |= {clusters.find(p) for p in by_first.get(word, ())}
        targets.discard(clusters.find(k))
        if len(targets) == 1:
            clusters.union(k, targets.pop())

    members: dict[str, list[str]] = {}
    for k in keys:
        members.setdefault(clusters.find(k), []).append(k)
    counts = {root: sum(sum(forms[k].values()) for k in ks) for root, ks in members.items()}
    n_found = len(counts)
    chosen = sorted((r for r, n in counts.items() if n >= min_mentions), key=lambda r: (-counts[r], r))[:n_actors]
    actors_raw = []
    for root in chosen:   # names, roles and aliases only for the actors kept (a large corpus has many entities)
        ks, count = members[root], counts[root]
        lab = _label(sum((labels[k] for k in ks), Counter()))
        full = [k for k in ks if k in words_of]
        if full:  # a person (rules 3 and 4): the full name without titles, fewest words, then most mentioned
            lab = "PERSON"
            best = sorted(full, key=lambda k: (len(words_of[k]), -sum(forms[k].values()), display[k]))[0]
            shown = _untitled(display[best], lexicon)
        else:
            shown = _top(sum((forms[k] for k in ks), Counter()))
        all_forms = sum((forms[k] for k in ks), Counter())
        role = guess_role(shown, lab, lexicon=lexicon)
        if role == TYPE_ROLES.get(lab, "other"):   # a title in another spelling may tell more ("Mayor Elena Voss")
            for form, _n in sorted(all_forms.items(), key=lambda kv: (-kv[1], kv[0])):
                r = guess_role(form, lab, lexicon=lexicon)
                if r != role:
                    role = r
                    break
        aliases = {shown, *all_forms, *(f for k in ks for f in surface[k])}
        aliases = sorted((a for a in aliases if len(a) >= 2), key=lambda a: (-len(a), a))
        actors_raw.append((count, shown, role, aliases))
    top = sorted(actors_raw, key=lambda a: (-a[0], a[1]))
    actors, groups, used = [], {}, set()
    for count, shown, role, aliases in top:
        # two actors may get one name without titles ("Dr Anna Berg", "Prof Anna Berg"): the later keeps a spelling
        shown = next((a for a in [shown, *aliases] if a not in used), f"{shown} ({len(actors) + 1})")
        used.add(shown)
        actors.append({"actor": shown, "group": shown, "aliases": aliases,
                       "note": f"{count} entity mentions in the corpus"})
        groups[shown] = {"role": role}
    what = "named people, organisations, places or groups (spaCy PERSON, ORG, GPE, NORP entities)"
    if not actors:
        why = (f"No {what} were found" if not n_found else
               f"None of the {n_found} {what} found is mentioned at least {min_mentions} times")
        description = (f"{why} in the {n_docs} document(s) of {name}, so this discovered story has no actors. "
                       f"Write the actors, their groups and roles into story.yaml and pass it back with --story.")
    else:
        description = (f"Discovered from the {n_found} distinct {what} of {n_docs} document(s) "
                       f"({dropped} mislabelled entity mentions dropped): the {len(actors)} most mentioned, at least "
                       f"{min_mentions} mentions each, each its own group, roles guessed from role_lexicon.yaml or "
                       f"the entity type. No framing terms or markers: check the groups and roles, then add them.")
    data = {"name": name, "title": f"How outlets covered {name}", "description": description,
            "labels": {"topic": name}, "groups": groups, "actors": actors}
    return story_from_dict(_dedupe_aliases(data), where=f"story discovered from {name}", discovered=True)


def _dedupe_aliases(data: dict) -> dict:
    owner: dict[str, str] = {}
    for a in data["actors"]:
        kept = []
        for alias in a["aliases"]:
            k = alias_key(alias)
            if owner.setdefault(k, a["actor"]) == a["actor"] and alias not in kept:
                kept.append(alias)
        a["aliases"] = kept or [a["actor"]]
    data["actors"] = [a for a in data["actors"] if owner.get(alias_key(a["aliases"][0])) == a["actor"]]
    return data


def mentions_table(story: Story) -> pd.DataFrame:
    """One row per actor of a story: group, role and aliases (for display)."""
    return (story.actors.groupby(["actor", "group", "role"], sort=False)["alias"]
            .agg(lambda s: ", ".join(s)).rename("aliases").reset_index())
