"""Which story a run uses: a story file, the seeds' packaged story for the seeds, or one discovered.

>>> resolve_story(None).path == str(SEEDS_STORY.resolve())   # no corpus given: the seeds' packaged story
True
"""
from __future__ import annotations

from pathlib import Path

from analysis.story.discover import discover_story, guess_role
from analysis.story.story import SEEDS_STORY, Story, StoryError, load_story, read_yaml_mapping, story_from_dict


def resolve_story(story: Story | str | Path | None = None, *, corpus=None, source=None,
                  name: str | None = None) -> Story:
    """The story for a run.

    ``story`` is a :class:`Story` or a path to a story file. Without one, the seeds (``source`` is ``None``)
    get the packaged seeds' story and any other corpus a story discovered from ``corpus`` (which must then be
    given): a user's corpus never gets the seeds' actors, terms or titles.

    >>> from analysis.config import PROJECT_ROOT
    >>> byoc = PROJECT_ROOT / "tests" / "data" / "byoc"
    >>> resolve_story(None).discovered, resolve_story(byoc / "story.yaml", source="my.csv").name
    (False, 'port_calder_lease')
    """
    if isinstance(story, Story):
        return story
    if story is not None and str(story) != "":
        return load_story(story)
    if source is None:
        return load_story(SEEDS_STORY)
    if corpus is None:
        raise ValueError("a corpus without a story file needs the built corpus to discover its story from")
    if name is None:
        from analysis.corpus.describe import corpus_name

        name = corpus_name(source)
    return discover_story(corpus, name=name)


def _read(path, what: str) -> dict:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{what} file not found: {p}")
    return read_yaml_mapping(p, label=p.name)


def with_files(story: Story, *, actors=None, framing_terms=None, markers=None) -> Story:
    """``story`` with its actors, framing terms or markers replaced by separate YAML files.

    The files have the older one-list-per-file form (``actors:``; ``groups:``/``kwic:``; ``accusation_topic``,
    ``denial``, ``measures``, ``measures_label``, ``accusation_label``). Actor groups that the story does not
    give a role get one guessed from the group's name (:func:`analysis.story.guess_role`).

    >>> from analysis.config import PROJECT_ROOT
    >>> s = with_files(resolve_story(None), actors=PROJECT_ROOT / "tests" / "data" / "byoc" / "actors.yaml")
    >>> s.role_of("city government"), set(s.actors.actor) & set(resolve_story(None).actors.actor)   # no seeds' actor left
    ('government', set())
    """
    if actors is None and framing_terms is None and markers is None:
        return story
    data = story.to_dict()
    if actors is not None:
        raw = _read(actors, "actor")
        entries = raw.get("actors")
        if not isinstance(entries, list):
            raise StoryError(f"{Path(actors).name}: expected a top-level 'actors:' list")
        data["actors"] = entries
        groups = {}
        for e in entries:
            g = e.get("group") if isinstance(e, dict) else None
            if isinstance(g, str) and g.strip() and "role" not in e:
                groups.setdefault(g.strip(), {"role": story.role_of(g.strip()) or guess_role(g, "ORG")})
        data["groups"] = groups
    if framing_terms is not None:
        raw = _read(framing_terms, "framing-term")
        data["framing_terms"] = {k: raw[k] for k in ("groups", "kwic") if k in raw}
        if data.get("measure_group") not in (raw.get("groups") or {}):
            data["measure_group"] = None
    if markers is not None:
        raw = _read(markers, "marker")
        data["markers"] = {k: raw[k] for k in ("accusation_topic", "denial") if k in raw}
        labels = dict(data.get("labels") or {})
        if "measures_label" in raw:
            labels["measure"] = raw["measures_label"]
        if "accusation_label" in raw:
            labels["accusation"] = raw["accusation_label"]
        data["labels"] = labels
        names = raw.get("measures", raw.get("us_measures"))
        if isinstance(names, dict) and names:
            groups = data.setdefault("framing_terms", {}).setdefault("groups", {})
            wanted = [" ".join(str(t).lower().split()) for entry in names.values() if isinstance(entry, dict)
                      for t in [*(entry.get("lemmas") or []), *(entry.get("phrases") or [])]]
            overlap = {g: len(set(wanted) & {" ".join(str(t).lower().split()) for t in (spec.get("terms") or [])})
                       for g, spec in groups.items()}
            best = max(overlap, key=overlap.get) if overlap and max(overlap.values()) > 0 else None
            if best is None:  # the measure's names become a framing-term group of their own
                best = "measure_names"
                groups[best] = {"description": f"Names for {labels.get('measure', 'the measure')}", "terms": []}
            listed = {" ".join(str(t).lower().split()) for spec in groups.values() for t in (spec.get("terms") or [])}
            groups[best]["terms"] = list(groups[best].get("terms") or []) + [t for t in dict.fromkeys(wanted)
                                                                              if t not in listed]
            data["measure_group"] = best
    where = ", ".join(str(Path(p).name) for p in (actors, framing_terms, markers) if p is not None)
    return story_from_dict(data, where=f"{story.name} + {where}", path=story.path, discovered=story.discovered)


__all__ = ["resolve_story", "with_files"]
