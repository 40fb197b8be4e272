"""The shared vocabulary helpers: one public home for what counts as a term (topics and distinctive use it)."""
from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

import analysis
from analysis.measures import distinctive, topics, vocab

PACKAGE = Path(analysis.__file__).parent


def _private_imports(path: Path) -> list[str]:
    """``module._name`` imported by ``path`` from another analysis module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return [f"{node.module}.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("analysis") and node.module != own
            for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]


def test_measures_import_no_other_module_private_names():
    bad = {str(p.relative_to(PACKAGE)): _private_imports(p) for p in (PACKAGE / "measures").glob("*.py")}
    assert {k: v for k, v in bad.items() if v} == {}


def test_topics_and_distinctive_share_the_vocab_helpers():
    assert topics.VocabOptions is vocab.VocabOptions is distinctive.VocabOptions
    assert topics.content_terms is vocab.content_terms and topics.load_stopwords is vocab.load_stopwords


def test_ngrams_join_adjacent_terms_within_a_unit_only():
    t = pd.DataFrame({"doc_id": ["d"] * 5, "sent_id": ["s0", "s0", "s0", "s1", "s1"], "token_i": [0, 1, 2, 3, 4],
                      "term": ["base", "station", "ban", "trade", "deal"]})
    assert vocab.ngrams(t, "sent_id", 2)["term"].tolist() == ["base station", "station ban", "trade deal"]
    assert vocab.ngrams(t, "sent_id", 3)["term"].tolist() == ["base station ban"]
    gap = t.assign(token_i=[0, 2, 3, 4, 5])  # a dropped stop word between 'base' and 'station'
    assert "base station" not in vocab.ngrams(gap, "sent_id", 2)["term"].tolist()
