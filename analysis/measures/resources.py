"""A story's resources in the form the measure functions take (actor table, term list, marker lists).

The generic lists (reporting verbs, "according to" phrases, distancing, hedge and assertion markers) are
packaged in ``analysis/data/attribution_markers.yaml``; the story adds what is about one story: the accusation
topic and the denials (``markers``), and the names of the contested measure (its ``measure_group`` of
framing terms, so notebook 02's term rates and notebook 04's lexical-choice counts use one lexicon).

>>> from analysis.story import SEEDS_STORY, load_story
>>> mk = markers_for(load_story(SEEDS_STORY))
>>> mk["measures_label"], "crackdown" in mk["measures"], "say" in mk["reporting_verbs"]
('the US measures', True, True)
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from analysis.config import PACKAGE_DATA
from analysis.story import Story

GENERIC_MARKERS: Path = PACKAGE_DATA / "attribution_markers.yaml"
#: The generic marker lists every story gets.
GENERIC_KEYS = ("reporting_verbs", "according_phrases", "distancing", "hedge", "assertion")


def generic_markers() -> dict:
    """The packaged, story-independent marker lists (read afresh: cheap, and an edit is seen at once)."""
    data = yaml.safe_load(GENERIC_MARKERS.read_text(encoding="utf-8")) or {}
    return {k: data[k] for k in GENERIC_KEYS if k in data}


def markers_for(story: Story) -> dict:
    """The marker dict the attribution and quote functions take, for ``story``.

    Keys: the generic lists, ``accusation_topic`` and ``denial`` when the story has them, ``measures``
    (label -> lemmas/phrases: one label per term of the story's measure group) and the two labels.
    """
    mk = generic_markers()
    for key in ("accusation_topic", "denial"):
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
    return all(k in story.markers for k in ("accusation_topic", "denial"))


def actor_table(story: Story) -> pd.DataFrame:
    """The story's actor table (``actor, group, role, alias, key``)."""
    return story.actors


def term_list(story: Story) -> pd.DataFrame:
    """The story's framing terms (``group, term, n_words, description``)."""
    return story.terms
