"""Small helpers of analysis.corpus.describe used for titles, file names and axis labels."""
from __future__ import annotations

import pandas as pd

from analysis.corpus.describe import corpus_name, short_ids


def test_corpus_name_for_file_names_and_titles():
    assert corpus_name(None) == "seeds"
    assert corpus_name("/data/articles_with_bad_rows.jsonl") == "articles_with_bad_rows"
    assert corpus_name("/data/pages/") == "pages" and corpus_name("/data/pages") == "pages"
    assert corpus_name(pd.DataFrame({"text": ["x"]})) == "corpus"


def test_short_ids_are_unique_prefixes():
    seeds = ["000_a116c40674ff6413", "001_4a911ba972fbb41c", "002_25a21ffd015781f0"]
    assert list(short_ids(seeds).values()) == ["000", "001", "002"]
    byoc = ["hl01", "hl02", "hl10", "cc01", "rw09"]
    assert short_ids(byoc) == {i: i for i in byoc}                       # short ids stay whole
    long = ["article_0001", "article_0002", "brief_0001"]
    assert short_ids(long) == {"article_0001": "article_0001", "article_0002": "article_0002", "brief_0001": "bri"}
    assert short_ids(["abcdefghij", "abcdefghijk"], keep_up_to=3) == {"abcdefghij": "abcdefghij",
                                                                      "abcdefghijk": "abcdefghijk"}
    labels = short_ids(["x1", "x1", "y22"])
    assert labels == {"x1": "x1", "y22": "y22"} and len(set(labels.values())) == len(labels)
