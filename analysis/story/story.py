"""A story as data: what a corpus is about, who its actors are, and the words its measures look for.

One YAML file (or a folder holding ``story.yaml``) describes a story. :func:`load_story` reads and validates
it (errors name the file and the key) and returns a frozen :class:`Story` whose :attr:`Story.digest` is the
SHA-256 of its canonical content, so caches keyed on it follow every edit of the file. The seeds' story is
packaged as ``analysis/data/stories/seeds.yaml``; a corpus without a story file gets a story discovered
from its own entities (:func:`analysis.story.discover_story`), never the seeds' one.

>>> s = load_story(SEEDS_STORY)
>>> s.discovered, len(s.digest)
(False, 64)
>>> s.role_of("US government")
'government'
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml

from analysis.config import PACKAGE_DATA

#: The packaged story of the seed corpus.
SEEDS_STORY: Path = PACKAGE_DATA / "stories" / "seeds.yaml"
#: The roles an actor group can play; codebooks condition on these, never on one story's actor names.
ROLES = ("government", "company", "civil_society", "media", "expert", "international_org", "political",
         "legal", "public", "other")
#: Short labels every notebook and the report use; a story may set any of them.
DEFAULT_LABELS = {
    "topic": "the story",               # e.g. in "coverage of <topic>"
    "measure": "the contested measure",  # what the framing-term group ``measure_group`` names
    "accusation": "the accusations",     # what the ``accusation_topic`` markers find
}
ACTOR_COLUMNS = ["actor", "group", "role", "alias", "key"]
TERM_COLUMNS = ["group", "term", "n_words", "description"]
_TOP_KEYS = {"name", "title", "description", "sources", "labels", "groups", "actors", "framing_terms",
             "measure_group", "markers", "outlet_aliases", "examples"}
_MARKER_KEYS = ("accusation_topic", "denial")


class StoryError(ValueError):
    """A story file is malformed; the message names the file and the key."""


def alias_key(alias: str) -> str:
    """The form aliases are compared in: first letter lower-cased, one apostrophe, single spaces.

    >>> alias_key("The  Harbour Board"), alias_key("Meridian\u2019s")
    ('the Harbour Board', "meridian's")
    """
    s = re.sub(r"\s+", " ", str(alias).strip()).replace("\u2019", "'")
    return s[:1].lower() + s[1:]


def normalise_term(term: str) -> str:
    """Terms are compared lower-cased with single spaces.

    >>> normalise_term("  Trade   Ban ")
    'trade ban'
    """
    return " ".join(str(term).lower().split())


@dataclass(frozen=True)
class Story:
    """A validated story. Tables are pandas DataFrames; treat them as read-only."""

    name: str
    title: str
    labels: Mapping[str, str]
    actors: pd.DataFrame = field(repr=False)          # ACTOR_COLUMNS, one row per (actor, alias)
    terms: pd.DataFrame = field(repr=False)           # TERM_COLUMNS, one row per framing term
    kwic_views: tuple[tuple[str, tuple[str, ...]], ...] = field(repr=False, default=())
    measure_group: str | None = None
    markers: Mapping[str, Mapping[str, tuple[str, ...]]] = field(repr=False, default_factory=dict)
    outlet_aliases: Mapping[str, str] = field(repr=False, default_factory=dict)
    examples: tuple[str, ...] = field(repr=False, default=())
    description: str = field(repr=False, default="")
    sources: str = field(repr=False, default="")
    roles: Mapping[str, str] = field(repr=False, default_factory=dict)   # group -> role
    notes: Mapping[str, str] = field(repr=False, default_factory=dict)   # actor -> note (documentation only)
    path: str | None = None
    discovered: bool = False
    digest: str = field(default="", repr=False)

    def role_of(self, group: str) -> str | None:
        """The role of an actor group (``None`` for a group the story does not list)."""
        return self.roles.get(group)

    def groups_with_role(self, *roles: str) -> list[str]:
        """Actor groups whose role is one of ``roles``, in file order.

        >>> load_story(SEEDS_STORY).groups_with_role("media")
        ['media']
        """
        return [g for g, r in self.roles.items() if r in roles]

    def label(self, key: str) -> str:
        """A short label ("topic", "measure", "accusation", ...), the story's or the generic default."""
        return str(self.labels.get(key, DEFAULT_LABELS.get(key, key)))

    @property
    def measure_terms(self) -> pd.DataFrame:
        """The framing terms that name the contested measure (empty without ``measure_group``)."""
        if self.measure_group is None:
            return self.terms.iloc[:0]
        return self.terms[self.terms["group"] == self.measure_group].reset_index(drop=True)

    def slug(self, text: str | None = None) -> str:
        """A file-name-safe form of ``text`` (default: the story name).

        >>> load_story(SEEDS_STORY).slug("Names for the measure!")
        'names_for_the_measure'
        """
        s = re.sub(r"[^0-9a-zA-Z]+", "_", text if text is not None else self.name).strip("_").lower()
        return s or "story"

    def to_dict(self) -> dict:
        """The story as the YAML mapping :func:`load_story` reads (round-trips)."""
        actors = []
        for (actor, group), rows in self.actors.groupby(["actor", "group"], sort=False):
            entry = {"actor": actor, "group": group, "aliases": rows["alias"].tolist()}
            if self.notes.get(actor):
                entry["note"] = self.notes[actor]
            actors.append(entry)
        groups: dict[str, dict] = {}
        for (group, desc), rows in self.terms.groupby(["group", "description"], sort=False):
            groups[group] = {"description": desc, "terms": rows["term"].tolist()}
        out: dict[str, Any] = {
            "name": self.name, "title": self.title, "description": self.description, "sources": self.sources,
            "labels": dict(self.labels), "groups": {g: {"role": r} for g, r in self.roles.items()},
            "actors": actors, "framing_terms": {"groups": groups,
                                                "kwic": [{"title": t, "terms": list(ts)} for t, ts in self.kwic_views]},
            "measure_group": self.measure_group,
            "markers": {k: {kk: list(vv) for kk, vv in v.items()} for k, v in self.markers.items()},
            "outlet_aliases": dict(self.outlet_aliases), "examples": list(self.examples),
        }
        return out

    def write(self, path: str | Path) -> Path:
        """Write the story as YAML (to edit and pass back with ``--story``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = ("# A story file for the media-framing notebooks (docs/bring_your_own_corpus.md, 'Story files').\n"
                  + ("# Discovered from the corpus's own named entities: check the groups and roles, rename\n"
                     "# groups, add aliases, terms and markers, then pass it back with --story.\n"
                     if self.discovered else ""))
        path.write_text(header + yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=110),
                        encoding="utf-8")
        return path


def _fail(where: str, msg: str):
    raise StoryError(f"{where}: {msg}")


def _str_list(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(where, "must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _actors(raw, roles: dict[str, str], where: str, notes: dict[str, str]) -> pd.DataFrame:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        _fail(f"{where}: actors", "must be a list of {actor, group, aliases} entries")
    rows, owner, seen = [], {}, set()
    for i, entry in enumerate(raw):
        w = f"{where}: actors[{i}]"
        if not isinstance(entry, dict):
            _fail(w, "each entry must be a mapping with actor, group, aliases")
        name = entry.get("actor")
        w = f"{w} (actor {name!r})"
        if not isinstance(name, str) or not name.strip():
            _fail(w, "'actor' must be a non-empty string")
        name = name.strip()
        if name in seen:
            _fail(w, "the same actor is listed twice: give it one entry with all its aliases")
        seen.add(name)
        if entry.get("note") is not None:
            notes[name] = str(entry["note"]).strip()
        group = entry.get("group")
        if not isinstance(group, str) or not group.strip():
            _fail(w, "'group' must be a non-empty string")
        group = group.strip()
        unknown = set(entry) - {"actor", "group", "aliases", "note", "role"}
        if unknown:
            _fail(w, f"unknown field(s) {sorted(unknown)}")
        role = entry.get("role")
        if role is not None:
            if role not in ROLES:
                _fail(f"{w}: role", f"{role!r} is not one of {list(ROLES)}")
            if roles.get(group, role) != role:
                _fail(f"{w}: role", f"group {group!r} already has role {roles[group]!r}")
            roles.setdefault(group, role)
        if group not in roles:
            _fail(w, f"group {group!r} has no role: give the actor a 'role' or list the group under 'groups:'")
        aliases = _str_list(entry.get("aliases"), f"{w}: aliases") if entry.get("aliases") else ()
        if not aliases:
            _fail(w, "'aliases' must be a non-empty list of strings")
        for a in aliases:
            key = alias_key(a)
            if key in owner and owner[key] != name:
                _fail(w, f"alias {a!r} is already used by actor {owner[key]!r}")
            if key in owner:
                continue
            owner[key] = name
            rows.append({"actor": name, "group": group, "role": roles[group], "alias": a, "key": key})
    return pd.DataFrame(rows, columns=ACTOR_COLUMNS)


def _terms(raw, where: str) -> tuple[pd.DataFrame, tuple]:
    if raw is None:
        return pd.DataFrame(columns=TERM_COLUMNS), ()
    if not isinstance(raw, dict):
        _fail(f"{where}: framing_terms", "must be a mapping with 'groups' (and optionally 'kwic')")
    unknown = set(raw) - {"groups", "kwic"}
    if unknown:
        _fail(f"{where}: framing_terms", f"unknown key(s) {sorted(unknown)}")
    groups = raw.get("groups") or {}
    if not isinstance(groups, dict):
        _fail(f"{where}: framing_terms.groups", "must map a group name to {description, terms}")
    rows, seen = [], set()
    for g, spec in groups.items():
        w = f"{where}: framing_terms.groups.{g}"
        if not isinstance(spec, dict):
            _fail(w, "must be a mapping with 'terms' (and optionally 'description')")
        bad = set(spec) - {"terms", "description"}
        if bad:
            _fail(w, f"unknown key(s) {sorted(bad)}")
        for t in _str_list(spec.get("terms"), f"{w}.terms"):
            t = normalise_term(t)
            if t in seen:
                continue
            seen.add(t)
            rows.append({"group": str(g), "term": t, "n_words": len(t.split()),
                         "description": str(spec.get("description") or "")})
    table = pd.DataFrame(rows, columns=TERM_COLUMNS)
    views = []
    spec = raw.get("kwic")
    if spec is None:
        views = [(str(desc or g), tuple(table.loc[table["group"] == g, "term"]))
                 for g, desc in table.drop_duplicates("group")[["group", "description"]].itertuples(index=False)]
    else:
        if not isinstance(spec, list):
            _fail(f"{where}: framing_terms.kwic", "must be a list of {title, terms} entries")
        for i, view in enumerate(spec):
            w = f"{where}: framing_terms.kwic[{i}]"
            if not isinstance(view, dict):
                _fail(w, "must be a mapping {title, terms}")
            terms = tuple(normalise_term(t) for t in _str_list(view.get("terms"), f"{w}.terms"))
            missing = sorted(set(terms) - seen)
            if missing:
                _fail(w, f"names terms that no group lists: {missing}")
            views.append((str(view.get("title") or f"view {i + 1}"), terms))
    return table, tuple(views)


def _markers(raw, where: str) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        _fail(f"{where}: markers", f"must be a mapping with {list(_MARKER_KEYS)}")
    out = {}
    for k, entry in raw.items():
        w = f"{where}: markers.{k}"
        if k not in _MARKER_KEYS:
            _fail(w, f"unknown marker list (known: {list(_MARKER_KEYS)})")
        if not isinstance(entry, dict) or not (entry.get("lemmas") or entry.get("phrases")):
            _fail(w, "needs 'lemmas' and/or 'phrases' lists")
        bad = set(entry) - {"lemmas", "phrases"}
        if bad:
            _fail(w, f"unknown key(s) {sorted(bad)}")
        out[k] = {kk: _str_list(entry[kk], f"{w}.{kk}") for kk in ("lemmas", "phrases") if entry.get(kk)}
    return out


def story_from_dict(data: Mapping, *, where: str = "story", path: str | None = None,
                    discovered: bool = False) -> Story:
    """Validate a story mapping (the YAML content) into a :class:`Story`.

    >>> s = story_from_dict({"name": "port", "title": "A port lease",
    ...                      "actors": [{"actor": "City", "group": "city", "role": "government", "aliases": ["the city"]}]})
    >>> s.role_of("city"), s.label("measure")
    ('government', 'the contested measure')
    """
    if not isinstance(data, Mapping):
        _fail(where, "expected a mapping (name, title, actors, framing_terms, markers, ...)")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        _fail(where, f"unknown key(s) {sorted(unknown)} (known: {sorted(_TOP_KEYS)})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        _fail(f"{where}: name", "must be a non-empty string (used in file names)")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        _fail(f"{where}: title", "must be a non-empty string (report and figure titles)")
    labels = data.get("labels") or {}
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        _fail(f"{where}: labels", "must map a label key (topic, measure, accusation) to a string")
    roles: dict[str, str] = {}
    groups = data.get("groups") or {}
    if not isinstance(groups, dict):
        _fail(f"{where}: groups", "must map an actor group to {role: ...}")
    for g, spec in groups.items():
        if isinstance(spec, dict) and set(spec) - {"role"}:
            _fail(f"{where}: groups.{g}", f"unknown key(s) {sorted(set(spec) - {'role'})} (a group has only 'role')")
        role = spec.get("role") if isinstance(spec, dict) else spec
        if role not in ROLES:
            _fail(f"{where}: groups.{g}.role", f"{role!r} is not one of {list(ROLES)}")
        roles[str(g)] = role
    notes: dict[str, str] = {}
    actors = _actors(data.get("actors"), roles, where, notes)
    terms, views = _terms(data.get("framing_terms"), where)
    measure_group = data.get("measure_group")
    if measure_group is not None and measure_group not in set(terms["group"]):
        _fail(f"{where}: measure_group", f"{measure_group!r} is not a framing_terms group")
    outlet_aliases = data.get("outlet_aliases") or {}
    if not isinstance(outlet_aliases, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                       for k, v in outlet_aliases.items()):
        _fail(f"{where}: outlet_aliases", "must map a spelling to the outlet's name")
    examples = _str_list(data["examples"], f"{where}: examples") if data.get("examples") else ()
    story = Story(name=name.strip(), title=title.strip(), labels=dict(labels), actors=actors, terms=terms,
                  kwic_views=views, measure_group=measure_group, markers=_markers(data.get("markers"), where),
                  outlet_aliases=dict(outlet_aliases), examples=examples,
                  description=str(data.get("description") or "").strip(),
                  sources=str(data.get("sources") or "").strip(), roles=roles, notes=notes, path=path,
                  discovered=discovered)
    return replace(story, digest=story_digest(story))


def story_digest(story: Story) -> str:
    """SHA-256 of the story's validated content (:meth:`Story.to_dict` as canonical JSON).

    YAML comments, the order of top-level keys, term case and repeated aliases do not change it; every value
    that reaches a measure (and every note, title and description) does. A story written with
    :meth:`Story.write` and read back has the same digest.

    >>> s = load_story(SEEDS_STORY)
    >>> story_digest(s) == s.digest
    True
    """
    return hashlib.sha256(json.dumps(story.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def read_yaml_mapping(path: str | Path, *, error: type[Exception] = StoryError, what: str = "a mapping",
                      label: str | None = None) -> dict:
    """The YAML mapping in ``path``; malformed YAML, non-UTF-8 bytes or another top-level type raise ``error``
    naming the file as ``label`` (default: its path). Every story, actor, term and marker file is read here.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"; _ = p.write_text("- a list")
    >>> read_yaml_mapping(p)
    Traceback (most recent call last):
    ...
    analysis.story.story.StoryError: ...x.yaml: expected a mapping, got list
    """
    p = Path(path)
    name = label or str(p)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{name}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8") from exc
    if not isinstance(data, dict):
        raise error(f"{name}: expected {what}, got {type(data).__name__}")
    return data


def load_story(path: str | Path) -> Story:
    """Read and validate a story file (a YAML file, or a folder holding ``story.yaml``).

    Not cached by path: reading is cheap and an edited file must be seen at once; caches downstream key on
    :attr:`Story.digest`.

    >>> load_story(SEEDS_STORY).label("measure")
    'the US measures'
    """
    p = Path(path)
    if p.is_dir():
        if not (p / "story.yaml").is_file():
            raise FileNotFoundError(f"story folder {p} holds no story.yaml")
        p = p / "story.yaml"
    if not p.is_file():
        raise FileNotFoundError(f"story file not found: {p}")
    data = read_yaml_mapping(p, what="a mapping (name, title, actors, framing_terms, markers, ...)")
    return story_from_dict(data, where=str(p), path=str(p.resolve()))
