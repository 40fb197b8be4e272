"""Units of text with stable ids and character offsets into the clean text.

Paragraphs come from cleaning (body paragraphs and headings); for text that is already clean they are
the blank-line separated blocks. Sentences, tokens and entities come from the parse
(:mod:`analysis.corpus.parse`).

>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["d"], "text": ["One.\\n\\nTwo and three."]})
>>> paragraphs_from_text(docs)[["para_id", "start_char", "end_char"]].values.tolist()
[['d:p000', 0, 4], ['d:p001', 6, 20]]
"""
from __future__ import annotations

import re

import pandas as pd

PARAGRAPH_COLUMNS = ["doc_id", "para_id", "para_i", "kind", "start_char", "end_char", "text"]


def paragraphs_from_text(documents: pd.DataFrame) -> pd.DataFrame:
    """Split each document's ``text`` on blank lines into body paragraphs with offsets."""
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        k = 0
        for m in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", str(text)):
            chunk = m.group().strip()
            if not chunk:
                continue
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            rows.append({"doc_id": doc_id, "para_id": f"{doc_id}:p{k:03d}", "para_i": k, "kind": "body",
                         "start_char": start, "end_char": start + len(chunk), "text": chunk})
            k += 1
    return pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)
