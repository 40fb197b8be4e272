"""No library default gives a user the seeds' story: without a table or markers, nothing of it is found.

The seeds' story (actors, framing terms, accusation / denial markers, the names of the measure) is data in
``analysis/data/stories/seeds.yaml``; a caller who wants it passes it (``table=S.actors``,
``S.terms``, ``markers=markers_for(S)``).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import PACKAGE_DATA, PROJECT_ROOT
from analysis.story import SEEDS_STORY, load_story

S = load_story(SEEDS_STORY)

#: Words that belong to the seeds' story. Rule: in ``analysis/**/*.py`` they may appear only inside
#: docstrings (module, class or function docstrings: the doctest examples and their prose), never in code,
#: comments or other string literals. The only exceptions are listed in ``ALLOWED`` with their reason.
SEEDS_WORDS = re.compile(r"huawei|us[ _]measures|zhengfei|trump|\bzte\b|\b5g\b|crackdown|blacklist|shenzhen",
                         re.IGNORECASE)
ALLOWED = {
    # the pointer to the packaged seeds' story file: how callers pass that story explicitly
    ("analysis/story/story.py", 'SEEDS_STORY: Path = PACKAGE_DATA / "stories" / "seeds.yaml"'),
    # the old marker-file format's key for the measure names, read when a user's older file is merged
    ("analysis/story/resolve.py", 'names = raw.get("measures", raw.get("us_measures"))'),
}


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def seeds_words_outside_docstrings(root: Path, base: Path = PROJECT_ROOT) -> list[str]:
    """``path:line: text`` of every line of code (not a docstring) under ``root`` naming the seeds' story."""
    found = []
    for p in sorted(root.rglob("*.py")):
        rel = p.relative_to(base).as_posix()
        src = p.read_text(encoding="utf-8")
        doc = _docstring_lines(ast.parse(src))
        for i, line in enumerate(src.splitlines(), 1):
            if i not in doc and SEEDS_WORDS.search(line) and (rel, line.strip()) not in ALLOWED:
                found.append(f"{rel}:{i}: {line.strip()}")
    return found


def test_no_seeds_story_words_in_library_code():
    assert seeds_words_outside_docstrings(PROJECT_ROOT / "analysis") == []


def test_the_scan_finds_a_seeds_word_in_code_and_comments_but_not_in_docstrings(tmp_path):
    pkg = tmp_path / "analysis"
    pkg.mkdir()
    (pkg / "probe.py").write_text('"""Docstring naming Huawei is fine."""\n\n\ndef f():\n    """Also Huawei here."""\n'
                                  '    x = 1  # a comment on the crackdown\n    return "the Huawei list"\n',
                                  encoding="utf-8")
    assert seeds_words_outside_docstrings(pkg, base=tmp_path) == [
        "analysis/probe.py:6: x = 1  # a comment on the crackdown", 'analysis/probe.py:7: return "the Huawei list"']
    for rel, line in ALLOWED:   # every exception still exists (a stale one would hide nothing, but mislead)
        assert line in (PROJECT_ROOT / rel).read_text(encoding="utf-8"), rel


def test_the_seeds_lists_are_not_packaged_as_defaults():
    import yaml

    from analysis.measures import actors, kwic

    assert not (PACKAGE_DATA / "actors.yaml").exists() and not (PACKAGE_DATA / "framing_terms.yaml").exists()
    assert not hasattr(actors, "ACTORS_PATH") and not hasattr(kwic, "FRAMING_TERMS_FILE")
    generic = yaml.safe_load((PACKAGE_DATA / "attribution_markers.yaml").read_text(encoding="utf-8"))
    # generic cue lexicons only: the story's own marker groups (the contested topic, denials) live in story files
    assert {"reporting_verbs", "according_phrases", "distancing", "hedge", "assertion"} <= set(generic)
    assert not {"accusation_topic", "denial"} & set(generic)
    assert not SEEDS_WORDS.search((PACKAGE_DATA / "attribution_markers.yaml").read_text(encoding="utf-8"))


def _sents(text: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "outlet": ["X"], "start_char": [0], "text": [text]})


def test_find_actor_mentions_without_a_table_gives_only_entities():
    from analysis.corpus.parse import load_model
    from analysis.measures.actors import find_actor_mentions

    text = "Washington banned Huawei."
    doc = load_model()(text)
    ents = pd.DataFrame([{"doc_id": "d", "sent_id": "d:s0", "ent_i": i, "text": e.text, "label": e.label_,
                          "start_char": e.start_char, "end_char": e.end_char, "root_i": e.root.i}
                         for i, e in enumerate(doc.ents)])
    assert len(ents)                                         # spaCy sees entities here ...
    m = find_actor_mentions(_sents(text), entities=ents)
    assert len(m) == len(ents) and set(m.method) == {"entity"}
    assert list(m.actor) == [e.text for e in doc.ents]       # ... under their own names
    assert not set(m.group) & set(S.actors.group)            # and no group of the seeds' story
    with_table = find_actor_mentions(_sents(text), entities=ents, table=S.actors)
    assert {"US government", "Huawei"} <= set(with_table.actor)   # the same call with the story's table


def test_measures_without_story_resources_find_nothing_of_the_seeds_story():
    from analysis.measures.agency import extract_svo
    from analysis.measures.attribution import attribution_markers, context_sentences, measure_terms
    from analysis.measures.frames import code_sentences
    from analysis.measures.quotes import extract_quotes
    from analysis.measures.resources import markers_for

    s = _sents("The White House claims the Chinese tech giant spies, and the crackdown and ban go on.")
    seeds_actors, seeds_groups = set(S.actors.actor), set(S.actors.group)
    assert attribution_markers(s).empty and measure_terms(s).empty
    ctx = context_sentences(s)
    assert not ctx.accusation.any() and not ctx.denial.any()
    svo = extract_svo(s)
    assert not set(svo.agent.dropna()) & seeds_actors and not set(svo.patient.dropna()) & seeds_actors
    q = extract_quotes(_sents("“We keep building networks for all,” the Chinese tech giant said."))
    assert not set(q.speaker.dropna()) & seeds_actors and not set(q.speaker_group) & seeds_groups
    # the government-role indicators of the codebook need an actor table: without one they cannot fire
    gov = _sents("The White House said the ban protects national security.")
    coded = code_sentences(gov, "semetko_valkenburg")
    coded_story = code_sentences(gov, "semetko_valkenburg", actor_table=S.actors)
    assert len(coded) < len(coded_story)
    # and with the seeds' story passed explicitly, the same calls find it
    mk = markers_for(S)
    assert len(attribution_markers(s, markers=mk)) and set(measure_terms(s, markers=mk).term) >= {"crackdown", "ban"}
    ban = _sents("The White House banned the Chinese tech giant.")
    assert not {"US government", "Huawei"} & set(extract_svo(ban)[["agent", "patient"]].stack())
    assert extract_svo(ban, table=S.actors)[["agent", "patient"]].values.tolist() == [["US government", "Huawei"]]


@pytest.mark.parametrize("script", sorted((PROJECT_ROOT / "benchmarks").glob("*.py")) + sorted(
    (PROJECT_ROOT / "scripts").glob("*.py")), ids=lambda p: p.name)
def test_benchmarks_and_scripts_call_no_removed_default(script):
    src = script.read_text(encoding="utf-8")
    for bad in ("load_actor_table()", "load_term_list()", "load_markers()", "load_kwic_views()", "ACTORS_PATH",
                "FRAMING_TERMS_FILE"):
        assert bad not in src, bad
