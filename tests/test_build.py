"""build_corpus and Corpus: one documents schema, lazy tables, cheap repr."""
from __future__ import annotations

import pandas as pd

import analysis
from analysis.corpus.clean import AUDIT_COLUMNS

TWO = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "title": ["A title", None],
                    "text": ["Menu\n\nThe firm said it would appeal.\n\nIt gave no date.", "Officials disagreed."]})


def test_clean_false_keeps_the_documents_schema(tmp_path):
    cleaned = analysis.build_corpus(TWO, cache_dir=tmp_path, progress=False)
    raw = analysis.build_corpus(TWO, clean=False, cache_dir=tmp_path, progress=False)
    assert list(raw.documents.columns) == list(cleaned.documents.columns)
    assert list(raw.audit.columns) == list(cleaned.audit.columns) == AUDIT_COLUMNS and raw.audit.empty
    d = raw.documents.set_index("doc_id")
    assert d.raw_text.tolist() == d.text.tolist() == TWO.text.tolist()
    assert d.title_source.iloc[0] == "metadata" and d.title_source.iloc[1:].isna().all() and d.author_source.isna().all()
    assert d[["deck", "tags", "page_date_text"]].isna().all().all()
    assert d.n_words.tolist() == [11, 2]
