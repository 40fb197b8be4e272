"""A story discovered from a corpus that has no story file: its most frequent named actors, with roles.

:func:`discover_story` takes the corpus's own PERSON / ORG / GPE / NORP entities, merges spellings of one
actor (``the US`` / ``US``; ``Trump`` / ``Donald Trump``: a one-word name joins the longer PERSON name that
ends with it when that is the only such name), guesses each actor's role from its entity type and the role
lexicon ``analysis/data/role_lexicon.yaml``, and makes every actor its own group. It has no framing terms and
no markers, so the measures that need them say "cannot be estimated" until the user writes them: the
notebooks write the discovered story to ``<output_dir>/story.yaml`` to edit and pass back with ``--story``.

>>> import analysis
>>> s = discover_story(analysis.build_corpus(progress=False), name="seeds")
>>> s.discovered, "Huawei" in set(s.actors.actor)
(True, True)
"""
from __future__ import annotations

import re
from collections import Counter

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


def _role_lexicon() -> dict[str, list[str]]:
    data = yaml.safe_load(ROLE_LEXICON.read_text(encoding="utf-8")) or {}
    return {role: [w.lower() for w in words] for role, words in (data.get("roles") or {}).items()}


def _canonical(text: str) -> str:
    s = " ".join(str(text).split())
    s = _POSSESSIVE.sub("", _LEAD.sub("", s)).strip(" .,;:")
    return s


def guess_role(name: str, label: str, *, lexicon: dict[str, list[str]] | None = None) -> str:
    """The role of an entity from its words (role lexicon) or else its entity type.

    >>> guess_role("Commerce Department", "ORG"), guess_role("Reuters", "ORG"), guess_role("Moscow", "GPE")
    ('government', 'media', 'government')
    """
    lexicon = _role_lexicon() if lexicon is None else lexicon
    words = set(re.findall(r"[a-z]+", name.lower()))
    low = name.lower()
    for role, cues in lexicon.items():
        for cue in cues:
            if (" " in cue and cue in low) or cue in words:
                return role
    return TYPE_ROLES.get(label, "other")


def discover_story(corpus, *, name: str = "corpus", n_actors: int = 25, min_mentions: int = 2) -> Story:
    """A :class:`Story` from the ``n_actors`` most mentioned entities (at least ``min_mentions`` each)."""
    ents = corpus.entities
    ents = ents[ents["label"].isin(ENTITY_LABELS)]
    lexicon = _role_lexicon()
    forms: dict[str, Counter] = {}
    labels: dict[str, Counter] = {}
    for text, label in zip(ents["text"].astype(str), ents["label"]):
        canon = _canonical(text)
        if len(canon) < 2 or not any(ch.isalpha() for ch in canon):
            continue
        key = alias_key(canon)
        forms.setdefault(key, Counter())[text.strip()] += 1
        labels.setdefault(key, Counter())[label] += 1
    counts = {k: sum(c.values()) for k, c in forms.items()}
    # a one-word PERSON name joins the one longer PERSON name ending with it ("Trump" -> "Donald Trump")
    persons = [k for k in counts if labels[k].most_common(1)[0][0] == "PERSON"]
    for k in sorted(persons, key=len):
        if " " in k:
            continue
        longer = [p for p in persons if p != k and p.lower().endswith(" " + k.lower())]
        if len(longer) == 1 and longer[0] in counts:
            forms[longer[0]].update(forms.pop(k))
            labels[longer[0]].update(labels.pop(k))
            counts[longer[0]] += counts.pop(k)
    top = sorted((k for k in counts if counts[k] >= min_mentions), key=lambda k: (-counts[k], k))[:n_actors]
    actors, groups = [], {}
    for k in top:
        display = _canonical(forms[k].most_common(1)[0][0])
        label = labels[k].most_common(1)[0][0]
        role = guess_role(display, label, lexicon=lexicon)
        aliases = sorted({display, *(_canonical(f) for f in forms[k])}, key=lambda a: (-len(a), a))
        aliases = list(dict.fromkeys(a for a in aliases if a))
        actors.append({"actor": display, "group": display, "aliases": aliases})
        groups[display] = {"role": role}
    data = {"name": name, "title": f"How outlets covered {name}",
            "description": f"Discovered from the {len(counts)} distinct named entities of the corpus: the "
                           f"{len(actors)} most mentioned, each its own group; no framing terms or markers.",
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
