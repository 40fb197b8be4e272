"""Media-framing analysis helpers: load, clean, parse, measure and compare news coverage.

>>> import analysis
>>> corpus = analysis.build_corpus()          # the seed articles         # doctest: +SKIP
>>> corpus.sentences.head()                                                # doctest: +SKIP
"""
from analysis.config import get_settings
from analysis.corpus.load import RawCorpus, load_corpus
from analysis.corpus.build import Corpus, build_corpus
from analysis.story import Story, load_story, resolve_story
from analysis.study import Study, open_study

__version__ = "0.1.0"
__all__ = ["Corpus", "RawCorpus", "Story", "Study", "build_corpus", "get_settings", "load_corpus", "load_story",
           "open_study", "resolve_story", "__version__"]
