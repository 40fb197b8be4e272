"""Find listed terms (e.g. the "framing fight" words) in the tokens table, count them, and show them in context.

A term list is data: a story's (:attr:`analysis.story.Story.terms`, :attr:`analysis.story.Story.kwic_views`)
or a separate term-list YAML read with :func:`load_term_list` (a path is required: no story's list is
packaged as a default). Matching is on
spaCy lemmas or lowercase forms, so ``allegations`` is found by the term ``allegation``. Every hit keeps
its character offsets into the clean document text, so each count can be read as sentences.

>>> import pandas as pd
>>> toks = pd.DataFrame({"doc_id": "d", "sent_id": "d:s0", "token_i": [0, 1, 2],
...     "text": ["US", "trade", "war"], "lemma": ["US", "trade", "war"], "lower": ["us", "trade", "war"],
...     "start_char": [0, 3, 9], "end_char": [2, 8, 12]})
>>> terms = pd.DataFrame({"group": ["conflict", "conflict"], "term": ["trade war", "war"]})
>>> find_terms(toks, terms)[["term", "start_char", "end_char"]].values.tolist()
[['trade war', 3, 12]]
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis.measures.match import match_tokens, term_lexicon
from analysis.story.story import read_yaml_mapping

HIT_COLUMNS = ["doc_id", "sent_id", "token_i", "n_words", "start_char", "end_char", "group", "term"]


class TermListError(ValueError):
    """A term-list YAML file is malformed; the message names the file and the key."""


TERM_LIST_KEYS = ("groups", "kwic")
GROUP_KEYS = ("description", "terms")


def load_term_list(path: str | Path) -> pd.DataFrame:
    """Read a grouped term list (YAML ``groups: {name: {description, terms: [...]}}``) as a tidy table.

    Columns ``group, term, n_words, description``; terms are lowercased and de-duplicated. A malformed
    file raises :class:`TermListError` naming the file and the key.

    >>> from analysis.config import PROJECT_ROOT
    >>> t = load_term_list(PROJECT_ROOT / "tests" / "data" / "byoc" / "framing_terms.yaml")
    >>> t.columns.tolist(), len(t) > 0
    (['group', 'term', 'n_words', 'description'], True)
    """
    p = Path(path)
    data = _read_term_yaml(p)
    rows = []
    for group, spec in data["groups"].items():
        for term in spec["terms"]:
            t = " ".join(term.lower().split())
            rows.append({"group": str(group), "term": t, "n_words": len(t.split()),
                         "description": spec.get("description", "")})
    out = pd.DataFrame(rows, columns=["group", "term", "n_words", "description"])
    return out.drop_duplicates("term").reset_index(drop=True)


def _read_term_yaml(p: Path) -> dict:
    data = read_yaml_mapping(p, error=TermListError, what="a mapping with a 'groups:' key", label=p.name)
    unknown = sorted(set(data) - set(TERM_LIST_KEYS))
    if unknown:
        raise TermListError(f"{p.name}: unknown key(s) {unknown}; allowed {list(TERM_LIST_KEYS)}")
    groups = data.get("groups")
    if not isinstance(groups, dict) or not groups:
        raise TermListError(f"{p.name}: 'groups' must be a non-empty mapping of group name -> {{description, terms}}")
    for name, spec in groups.items():
        where = f"{p.name}: groups.{name}"
        if not isinstance(spec, dict):
            raise TermListError(f"{where}: must be a mapping with 'terms' (and optional 'description')")
        unknown = sorted(set(spec) - set(GROUP_KEYS))
        if unknown:
            raise TermListError(f"{where}: unknown key(s) {unknown}; allowed {list(GROUP_KEYS)}")
        terms = spec.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise TermListError(f"{where}.terms: must be a non-empty list of strings")
        if not isinstance(spec.get("description", ""), str):
            raise TermListError(f"{where}.description: must be a string")
    return data


def load_kwic_views(path: str | Path) -> list[tuple[str, list[str]]]:
    """The keyword-in-context views a term list asks for: ``[(title, [term, ...]), ...]``.

    A term-list YAML may have a ``kwic:`` list of ``{title, terms}`` (terms from its own ``groups``); without
    one, every group is a view, titled by its description. Terms the list does not define are an error
    (they could never be found).

    >>> from analysis.config import PROJECT_ROOT
    >>> views = load_kwic_views(PROJECT_ROOT / "tests" / "data" / "byoc" / "framing_terms.yaml")
    >>> all(isinstance(title, str) and terms for title, terms in views)
    True
    """
    p = Path(path)
    data = _read_term_yaml(p)
    listed = load_term_list(p)
    spec = data.get("kwic")
    if spec is None:
        return [(str(desc or group), listed.loc[listed["group"] == group, "term"].tolist())
                for group, desc in listed.drop_duplicates("group")[["group", "description"]].itertuples(index=False)]
    if not isinstance(spec, list):
        raise TermListError(f"{p.name}: 'kwic' must be a list of {{title, terms}} entries")
    views = []
    for i, view in enumerate(spec):
        if not isinstance(view, dict) or not isinstance(view.get("terms"), list) or not view["terms"]:
            raise TermListError(f"{p.name}: kwic[{i}].terms: needs a non-empty list")
        terms = [" ".join(str(t).lower().split()) for t in view["terms"]]
        unknown = sorted(set(terms) - set(listed["term"]))
        if unknown:
            raise TermListError(f"{p.name}: kwic[{i}].terms: names terms that no group lists: {unknown}")
        views.append((str(view.get("title") or f"view {i + 1}"), terms))
    return views


def format_kwic_views(lines: pd.DataFrame, views: list[tuple[str, list[str]]], *, width: int = 55,
                      max_lines: int | None = 40, label: str | None = "outlet") -> str:
    """Every view as a titled concordance (:func:`format_kwic`), at most ``max_lines`` lines each.

    Lines keep the order of ``lines``; when a view has more than ``max_lines`` hits, each ``label`` value
    (outlet) gets an equal share of the lines shown, and the title says how many there were. A view with
    no hit says so.

    >>> lines = pd.DataFrame({"outlet": ["X", "Y"], "term": ["ban", "ban"], "left": ["a ", "b "],
    ...                       "match": ["ban", "ban"], "right": [" c", " d"]})
    >>> print(format_kwic_views(lines, [("Bans", ["ban"]), ("Wars", ["war"])], width=4, max_lines=1))
    == Bans (2 lines, first 1 shown)
    X    a |ban| c
    <BLANKLINE>
    == Wars: no occurrence
    """
    out = []
    for title, terms in views:
        sel = lines[lines["term"].isin(terms)]
        if sel.empty:
            out.append(f"== {title}: no occurrence")
            continue
        shown = sel
        if max_lines is not None and len(sel) > max_lines:  # an equal share per outlet, in the order of lines
            per = max(1, max_lines // sel[label].nunique()) if label else max_lines
            shown = (sel.groupby(label, sort=False).head(per) if label else sel).head(max_lines)
        extra = f", first {len(shown)} shown" if len(shown) < len(sel) else ""
        out.append(f"== {title} ({len(sel)} line{'s' if len(sel) != 1 else ''}{extra})\n"
                   + format_kwic(shown, width=width, label=label))
    return "\n\n".join(out)


def find_terms(tokens: pd.DataFrame, terms: pd.DataFrame, *, fields: tuple[str, ...] = ("lemma", "lower")) -> pd.DataFrame:
    """Every occurrence of every term: ``doc_id, sent_id, token_i, n_words, start_char, end_char, group, term``.

    A term word matches a token when it equals one of ``fields`` (the lemma, or the lowercase form).
    Multi-word terms need consecutive tokens in one sentence. Where terms overlap the longest wins, so a
    shorter term (``ban`` inside ``trade ban``) is not counted twice. Matching is
    :func:`analysis.measures.match.match_tokens`, the same spaCy matchers used on parsed Docs.
    """
    terms = terms.assign(term=terms["term"].astype(str).str.lower().str.split().str.join(" "))
    group_of = dict(zip(terms["term"], terms["group"]))
    tok = tokens.sort_values(["doc_id", "token_i"], kind="stable").reset_index(drop=True)
    found = match_tokens(tok, term_lexicon(group_of), fields=fields)
    if found.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    s, e = found["start"].to_numpy(), found["end"].to_numpy()
    out = pd.DataFrame({
        "doc_id": tok["doc_id"].to_numpy()[s], "sent_id": tok["sent_id"].to_numpy()[s],
        "token_i": tok["token_i"].to_numpy()[s], "n_words": e - s,
        "start_char": tok["start_char"].to_numpy()[s], "end_char": tok["end_char"].to_numpy()[e - 1],
        "group": found["label"].map(group_of).to_numpy(), "term": found["label"].to_numpy()})
    return out.sort_values(["doc_id", "token_i"], kind="stable").reset_index(drop=True)[HIT_COLUMNS]


def term_rates(
    hits: pd.DataFrame,
    tokens: pd.DataFrame | Iterable[pd.DataFrame],
    *,
    documents: pd.DataFrame,
    terms: pd.DataFrame | None = None,
    by: str = "outlet",
    per: int = 1000,
) -> pd.DataFrame:
    """Counts and rates per ``per`` words of each term in each group of documents (zeros included).

    Words are tokens that are not punctuation or whitespace. Columns ``<by>, group, term, n, n_docs_with,
    n_words, rate``. With ``terms`` every listed term appears for every group, even when never used.
    ``tokens`` can also be an iterable of token tables of disjoint sets of documents (e.g.
    :meth:`analysis.corpus.build.Corpus.token_batches`): the words are counted per table and summed.

    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": ["a:0", "a:0", "b:0"], "token_i": [0, 1, 0],
    ...     "text": ["ban", "ban", "deal"], "lemma": ["ban", "ban", "deal"], "start_char": [0, 4, 0],
    ...     "end_char": [3, 7, 4], "is_punct": False})
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    >>> tl = pd.DataFrame({"group": ["g", "g"], "term": ["ban", "deal"]})
    >>> term_rates(find_terms(toks, tl), toks, documents=docs, terms=tl, per=1)[["outlet", "term", "n", "rate"]].values.tolist()
    [['X', 'ban', 2, 1.0], ['X', 'deal', 0, 0.0], ['Y', 'ban', 0, 0.0], ['Y', 'deal', 1, 1.0]]
    >>> term_rates(find_terms(toks, tl), [toks[:2], toks[2:]], documents=docs, terms=tl, per=1).equals(
    ...     term_rates(find_terms(toks, tl), toks, documents=docs, terms=tl, per=1))
    True
    """
    doc_group = documents.set_index("doc_id")[by]
    n_words = word_counts(tokens, documents=documents, by=by)
    h = hits.assign(**{by: hits["doc_id"].map(doc_group)})
    counts = h.groupby([by, "group", "term"]).agg(n=("term", "size"), n_docs_with=("doc_id", "nunique")).reset_index()
    if terms is not None:
        grid = pd.MultiIndex.from_product([sorted(doc_group.unique()), terms["term"].str.lower().unique()],
                                          names=[by, "term"]).to_frame(index=False)
        grid = grid.merge(terms.assign(term=terms["term"].str.lower())[["term", "group"]].drop_duplicates("term"), on="term")
        counts = grid.merge(counts.drop(columns="group"), on=[by, "term"], how="left")
        counts[["n", "n_docs_with"]] = counts[["n", "n_docs_with"]].fillna(0).astype(int)
    counts = counts.merge(n_words, left_on=by, right_index=True, how="left")
    counts["rate"] = (counts["n"] / counts["n_words"] * per).astype(float)
    return counts[[by, "group", "term", "n", "n_docs_with", "n_words", "rate"]].sort_values([by, "term"]).reset_index(drop=True)


def word_counts(tokens: pd.DataFrame | Iterable[pd.DataFrame], *, documents: pd.DataFrame, by: str = "outlet"
                ) -> pd.Series:
    """Words (tokens that are not punctuation or whitespace) per ``by`` group of documents, ``n_words``;
    ``tokens`` a token table or an iterable of tables of disjoint sets of documents (summed).

    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "b"], "text": ["Ban", ".", "deal"], "is_punct": [False, True, False]})
    >>> word_counts(toks, documents=pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "X"]})).to_dict()
    {'X': 2}
    """
    doc_group = documents.set_index("doc_id")[by]
    parts = []
    for words in [tokens] if isinstance(tokens, pd.DataFrame) else tokens:
        if "is_punct" in words.columns:
            words = words[~words["is_punct"].astype(bool)]
        if "text" in words.columns:
            words = words[words["text"].astype(str).str.strip() != ""]
        parts.append(words["doc_id"].map(doc_group).value_counts())
    if len(parts) == 1:
        return parts[0].rename("n_words")
    n_words = pd.concat(parts).groupby(level=0).sum() if parts else pd.Series(dtype="int64")
    return n_words.rename("n_words")


def keyword_in_context(
    hits: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    window: int = 60,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Keyword-in-context lines: ``left | match | right`` cut from the clean document text.

    ``window`` characters are shown on each side (newlines flattened). With ``sentences`` the whole
    sentence is added as ``sentence``. Columns ``doc_id, outlet, sent_id, group, term, left, match, right``.
    """
    docs = documents.set_index("doc_id")
    rows = []
    for h in hits.itertuples(index=False):  # one row per hit: hits are few compared with tokens
        text = docs.at[h.doc_id, "text"]
        s, e = int(h.start_char), int(h.end_char)
        rows.append({"doc_id": h.doc_id, "outlet": docs.at[h.doc_id, "outlet"] if "outlet" in docs.columns else None,
                     "sent_id": h.sent_id, "group": h.group, "term": h.term,
                     "left": " ".join(text[max(0, s - window):s].split()) + (" " if text[max(0, s - 1):s].isspace() else ""),
                     "match": text[s:e],
                     "right": (" " if text[e:e + 1].isspace() else "") + " ".join(text[e:e + window].split())})
    out = pd.DataFrame(rows, columns=["doc_id", "outlet", "sent_id", "group", "term", "left", "match", "right"])
    if sentences is not None and len(out):
        out = out.merge(sentences[["sent_id", "text"]].rename(columns={"text": "sentence"}), on="sent_id", how="left")
    return out


def format_kwic(lines: pd.DataFrame, *, width: int = 50, label: str | None = "outlet") -> str:
    """Aligned plain-text concordance, one hit per line, the match centred between ``|`` marks.

    >>> print(format_kwic(pd.DataFrame({"outlet": ["X"], "left": ["the council "], "match": ["lease"],
    ...     "right": [" to Meridian"]}), width=14))
    X    the council |lease| to Meridian
    """
    if lines.empty:
        return ""
    lab_w = lines[label].astype(str).str.len().max() + 2 if label else 0
    out = []
    for r in lines.itertuples(index=False):
        left = r.left[-width:].rjust(width)
        right = r.right[:width]
        lab = str(getattr(r, label)).ljust(lab_w) if label else ""
        out.append(f"{lab}{left}|{r.match}|{right}".rstrip())
    return "\n".join(out)
