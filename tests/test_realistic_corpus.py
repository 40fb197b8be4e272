"""The realistic synthetic corpus of benchmarks/realistic_corpus.py: seeded, news-like, and kept whole by
loading, deduplication and cleaning."""
from __future__ import annotations

import sys

import pandas as pd
import pytest

from analysis.config import PROJECT_ROOT
from analysis.corpus.clean import clean_corpus
from analysis.corpus.dedupe import find_duplicates
from analysis.corpus.load import load_corpus
from analysis.story import load_story

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
from realistic_corpus import OUTLETS, main, realistic_corpus, write_realistic_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return realistic_corpus(60, seed=7)


def test_shape_outlets_events_and_lengths(corpus):
    words = corpus.text.str.split().str.len()
    assert len(corpus) == 60 and corpus.doc_id.is_unique and corpus.text.is_unique
    assert words.between(700, 900).all()
    sizes = corpus.outlet.value_counts()
    assert list(sizes.index) == [o[0] for o in OUTLETS[:5]]          # unequal sizes, biggest first
    assert sizes.iloc[0] > 2 * sizes.iloc[-1]
    per_event = corpus.groupby("event").outlet.nunique()
    assert len(per_event) == 5 and (per_event >= 2).all()              # the same event, several outlets
    assert (corpus.date.max() - corpus.date.min()).days > 60
    assert corpus.title.str.len().gt(10).all() and corpus.author.str.count(" ").eq(1).all()


def test_news_prose_with_quotes_attribution_and_paragraphs(corpus):
    text = corpus.text
    assert text.str.contains('," said ').mean() > 0.5 or text.str.contains('" said|," [A-Z]', regex=True).all()
    assert text.str.contains("According to").mean() > 0.8
    assert text.str.contains(r"accused|alleged|accusation", regex=True).mean() > 0.5
    assert text.str.contains(r"denied|rejected|dismissed|no truth", regex=True).mean() > 0.4
    paras = text.str.split("\n\n").str.len()
    assert paras.min() >= 10
    sentences = text.str.split(r"(?<=[.!?\"])\s+", regex=True).explode().str.split().str.len()
    assert sentences.min() <= 6 and sentences.max() >= 30                  # varied sentence lengths
    for t in text:                                                         # no paragraph twice in one article
        ps = t.split("\n\n")
        assert len(ps) == len(set(ps))


def test_seeded(corpus):
    pd.testing.assert_frame_equal(corpus, realistic_corpus(60, seed=7))
    assert not corpus.text.equals(realistic_corpus(60, seed=8).text)


def test_survives_loading_deduplication_and_cleaning(corpus, tmp_path):
    csv, story_path = write_realistic_corpus(tmp_path, 60, seed=7)
    raw = load_corpus(csv)
    assert raw.rejects.empty and raw.issues.empty and len(raw.documents) == 60
    assert "event" in raw.documents.columns
    assert find_duplicates(raw.documents).empty
    clean = clean_corpus(raw.documents)
    assert clean.documents.text.astype(str).tolist() == corpus.text.tolist()
    assert set(clean.audit.action) == {"keep", "remove"}
    assert set(clean.audit[clean.audit.action == "remove"].raw_line.str.strip()) == {""}   # only blank lines


def test_story_names_actors_the_articles_mention(corpus, tmp_path):
    _, story_path = write_realistic_corpus(tmp_path, 3, seed=7)
    story = load_story(story_path)
    assert story.measure_group == "naming_the_sale" and story.markers
    every = " ".join(corpus.text)
    mentioned = [a for a, g in story.actors.groupby("actor") if any(x in every for x in g.alias)]
    assert len(mentioned) == story.actors.actor.nunique()


def test_command_line(tmp_path, capsys):
    assert main([str(tmp_path / "out"), "--n", "8", "--outlets", "3"]) == 0
    assert "8 articles, 3 outlets" in capsys.readouterr().out
    assert (tmp_path / "out" / "story.yaml").exists()
