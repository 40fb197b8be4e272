"""The measures the pipeline benchmarks run after parsing: every one that works from the tables.

Each entry is ``name -> function(corpus)``. A measure whose module is missing or fails is reported as
skipped with the error, never silently dropped.
"""
from __future__ import annotations

import time
from typing import Callable


def _tone(c):
    from analysis.measures.tone import sentence_tone

    return sentence_tone(c.sentences, methods=["vader"])


def _story():
    from analysis.story import SEEDS_STORY, load_story

    return load_story(SEEDS_STORY)  # the synthetic corpora recombine seed sentences


def _actors(c):
    from analysis.measures.actors import find_actor_mentions

    return find_actor_mentions(c.sentences, entities=c.entities, table=_story().actors)


def _dtm(c):
    from analysis.measures.topics import document_term_matrix

    return document_term_matrix(c.tokens, sentences=c.sentences)


def _distinctive(c):
    from analysis.measures.distinctive import log_odds_dirichlet, term_counts

    return log_odds_dirichlet(term_counts(c.tokens, documents=c.documents))


def _kwic(c):
    from analysis.measures.kwic import find_terms, term_rates

    return term_rates(find_terms(c.tokens, _story().terms), c.tokens, documents=c.documents)


def _framing(c):
    from analysis.measures.frames import code_sentences

    return code_sentences(c, "semetko_valkenburg", actor_table=_story().actors)


#: Measures computed from the tidy tables alone.
TABLE_MEASURES: dict[str, Callable] = {
    "sentiment.sentence_tone(vader)": _tone,
    "actors.find_actor_mentions": _actors,
    "topics.document_term_matrix": _dtm,
    "distinctive.term_counts+log_odds_dirichlet": _distinctive,
    "kwic.find_terms+term_rates": _kwic,
}
#: Measures that re-tokenise sentence text (no parse, but heavier).
OTHER_MEASURES: dict[str, Callable] = {"framing.code_sentences(semetko_valkenburg)": _framing}


def run_measures(corpus, measures: dict[str, Callable]) -> dict[str, float | str]:
    """Run each measure once; ``name -> seconds`` or ``name -> 'skipped: <error>'``."""
    out: dict[str, float | str] = {}
    for name, f in measures.items():
        t0 = time.perf_counter()
        try:
            f(corpus)
            out[name] = time.perf_counter() - t0
        except Exception as exc:  # report, do not hide
            out[name] = f"skipped: {type(exc).__name__}: {exc}"[:200]
    return out
