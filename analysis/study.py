"""One object per analysis: the corpus, its story and the measure store, as every notebook opens them.

>>> import analysis
>>> study = analysis.open_study(progress=False)       # the seeds and their packaged story
>>> study.story.path == str(analysis.story.SEEDS_STORY.resolve()), int(study.measure("coverage").articles.sum())
(True, 5)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.corpus.build import Corpus, build_corpus
from analysis.measures.registry import MeasureStore
from analysis.story import Story, resolve_story, with_files


@dataclass
class Study:
    """A built corpus, the story it is read with, and the store its measures come from."""

    corpus: Corpus
    story: Story
    measures: MeasureStore
    source: object = None
    story_file: Path | None = None     # where a discovered story was written
    notes: list[str] = field(default_factory=list)

    def measure(self, name: str, **params) -> pd.DataFrame:
        """The table of one measure (see :data:`analysis.measures.MEASURES`), computed once and cached."""
        return self.measures.get(name, **params)

    def __repr__(self) -> str:
        return f"Study({self.corpus!r}, story={self.story.name!r}{' (discovered)' if self.story.discovered else ''})"


def open_study(corpus=None, *, story: Story | str | Path | None = None, actors=None, framing_terms=None,
               markers=None, output_dir: str | Path | None = None, cache: bool = True,
               progress: bool | None = None, **build_options) -> Study:
    """Build ``corpus`` (``None``: the seeds), resolve its story and open its measure store.

    ``story``: a story file (see ``docs/bring_your_own_corpus.md``); without one the seeds get their packaged
    story and any other corpus a story discovered from its own named entities, which is written to
    ``<output_dir>/story.yaml`` to edit and pass back. ``actors``, ``framing_terms``, ``markers``: the
    older separate YAML files, applied on top of the story. A story file's ``outlet_aliases`` are applied when
    the corpus is loaded (``build_options`` go to :func:`~analysis.corpus.build_corpus`, e.g. ``columns=``).
    """
    given = resolve_story(story) if story is not None and str(story) != "" else None
    if given is not None and given.outlet_aliases and "outlet_aliases" not in build_options:
        build_options["outlet_aliases"] = dict(given.outlet_aliases)
    built = build_corpus(corpus, progress=progress, **build_options)
    st = given if given is not None else resolve_story(story, corpus=built, source=corpus)
    st = with_files(st, actors=actors, framing_terms=framing_terms, markers=markers)
    notes, written = [], None
    if st.discovered:
        notes.append(f"No story file was given: the story was discovered from this corpus's own named entities "
                     f"({st.actors['actor'].nunique()} actors, roles guessed from entity types). It has "
                     f"{'no' if st.terms.empty else len(st.terms)} framing terms and "
                     f"{'no' if not st.markers else 'its own'} accusation/denial markers, so the measures that "
                     "need them say they cannot be estimated.")
        if output_dir is not None:
            written = st.write(Path(output_dir) / "story.yaml")
            notes.append(f"Edit {written.name} (in the output folder) and pass it back with --story to name "
                         "groups, fix roles and add terms and markers.")
    if output_dir is not None:  # what the report and the exports say the run was about
        from analysis.store import write_json

        write_json(Path(output_dir) / "story.json", {"name": st.name, "title": st.title, "digest": st.digest,
                                                     "discovered": st.discovered, "labels": dict(st.labels),
                                                     "seeds": corpus is None})
    return Study(corpus=built, story=st, measures=MeasureStore(built, st, cache=cache), source=corpus,
                 story_file=written, notes=notes)


__all__ = ["Study", "open_study"]
