"""Stage 2: the story a corpus is about, as data (title, labels, actors with roles, terms, markers).

>>> from analysis.story import SEEDS_STORY, resolve_story
>>> resolve_story(None).path == str(SEEDS_STORY.resolve())   # no corpus given: the seeds' packaged story
True
"""
from analysis.story.discover import discover_story, guess_role, mentions_table
from analysis.story.story import (
    DEFAULT_LABELS, ROLES, SEEDS_STORY, Story, StoryError, alias_key, load_story, normalise_term, read_yaml_mapping,
    story_digest, story_from_dict,
)
from analysis.story.resolve import resolve_story, with_files

__all__ = ["DEFAULT_LABELS", "ROLES", "SEEDS_STORY", "Story", "StoryError", "alias_key", "discover_story",
           "guess_role", "load_story", "mentions_table", "normalise_term", "resolve_story", "story_digest", "story_from_dict",
           "with_files"]
