"""An empty selection means none, not all: ``which=[]`` and ``methods=[]`` compute nothing."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from analysis.measures import tone as S
from analysis.measures.registry import compute_measures


def test_compute_measures_with_an_empty_selection_computes_nothing():
    # a corpus with nothing but an (empty) documents table: computing any measure on it would fail
    corpus = SimpleNamespace(documents=pd.DataFrame(columns=["doc_id", "outlet"]))
    assert compute_measures(corpus, story=None, which=[], cache=False, progress=False) == {}


def test_sentence_tone_with_no_methods_is_an_empty_table():
    s = pd.DataFrame({"doc_id": ["d"], "outlet": ["X"], "sent_id": ["d:s0"], "text": ["A great win."]})
    out = S.sentence_tone(s, methods=[])
    assert out.empty and list(out.columns) == S.TONE_COLUMNS
    assert S.sentence_tone(s, methods=["vader"])["method"].tolist() == ["vader"]
    assert set(S.sentence_tone(s)["method"]) == set(S.available_methods())
