"""A story's marker lists in the form the attribution and quote functions take (its actor table and framing
terms are :attr:`Story.actors` and :attr:`Story.terms` as they are).

The generic lists (reporting verbs, "according to" phrases, distancing, hedge and assertion markers) are
packaged in ``analysis/data/attribution_markers.yaml``; the story adds what is about one story: the accusation
topic and the denials (``markers``), and the names of the contested measure (its ``measure_group`` of
framing terms, so notebook 02's term rates and notebook 04's lexical-choice counts use one lexicon).

>>> from analysis.story import SEEDS_STORY, load_story
>>> mk = markers_for(load_story(SEEDS_STORY))
>>> mk["measures_label"], "blacklist" in mk["measures"], "say" in mk["reporting_verbs"]
('the US measures', True, True)
"""
from __future__ import annotations

from analysis.measures.attribution import CONTEXTS, load_markers
from analysis.story import Story


def markers_for(story: Story) -> dict:
    """The marker dict the attribution and quote functions take, for ``story``.

    Keys: the generic lists, ``accusation_topic`` and ``denial`` when the story has them, ``measures``
    (label -> lemmas/phrases: one label per term of the story's measure group) and the two labels.
    """
    mk = dict(load_markers())   # the packaged generic lists, validated (a copy: the loader's result is cached)
    for key in CONTEXTS:
        if key in story.markers:
            mk[key] = {k: list(v) for k, v in story.markers[key].items()}
    measures = {}
    for term in story.measure_terms["term"]:
        measures[term] = {"lemmas": [term]} if " " not in term else {"phrases": [term]}
    mk["measures"] = measures
    mk["measures_label"] = story.label("measure")
    mk["accusation_label"] = story.label("accusation")
    return mk


def has_markers(story: Story) -> bool:
    """Whether the story gives the accusation and denial markers the attribution measures need."""
    return all(k in story.markers for k in CONTEXTS)
