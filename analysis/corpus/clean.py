"""Separating body text from page furniture and metadata, with an audit of every raw line.

The rules live in ``analysis/data/cleaning_rules.yaml`` (pattern families, outlet-specific rules as
data, zone thresholds). :func:`clean_corpus` applies them to a document table and returns the clean
documents, their paragraphs (``body`` or ``heading``) and an audit with one row per raw line saying
whether it was kept and, if not, which rule removed it. Cleaning is idempotent: cleaning clean text
changes nothing.

>>> page = "Listen Live\\nGet short URL\\n\\nMeridian Signs a Lease in Port Calder\\n\\nMeridian signed a lease with the city on Wednesday.\\n\\n© 2025 Example News All rights reserved."
>>> doc = clean_text(page)
>>> doc.text
'Meridian signed a lease with the city on Wednesday.'
>>> doc.metadata["title"]
'Meridian Signs a Lease in Port Calder'
>>> [r["rule"] for r in doc.audit][:2]
['navigation', 'navigation']
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pandas as pd
import yaml

from analysis.config import PACKAGE_DATA

DEFAULT_RULES = PACKAGE_DATA / "cleaning_rules.yaml"
AUDIT_COLUMNS = ["doc_id", "outlet", "line_no", "raw_line", "zone", "action", "rule", "family", "field", "para_i"]
_ACTIONS = {"remove"} | {f"metadata:{f}" for f in ("page_date", "title", "author", "deck", "tags")}


class RulesError(ValueError):
    """A cleaning rules file that cannot be used; the message names the entry."""


@dataclass(frozen=True)
class LineRule:
    name: str
    family: str
    action: str
    regex: re.Pattern


@dataclass(frozen=True)
class Rules:
    """Compiled cleaning rules (see the YAML file for the meaning of each field)."""

    line_rules: tuple[LineRule, ...]
    outlet_rules: dict[str, tuple[LineRule, ...]]
    repeats: dict
    duplicates: dict
    zones: dict
    sentence_end: re.Pattern
    byline: re.Pattern
    name_word: re.Pattern
    non_name_words: frozenset[str]


def _compile_rule(entry: dict, where: str) -> LineRule:
    for key in ("name", "action", "pattern"):
        if key not in entry:
            raise RulesError(f"{where}: missing '{key}' in rule {entry!r}")
    if entry["action"] not in _ACTIONS:
        raise RulesError(f"{where} rule {entry['name']!r}: unknown action {entry['action']!r} (use one of {sorted(_ACTIONS)})")
    flags = 0 if entry.get("case") else re.IGNORECASE
    try:
        regex = re.compile(entry["pattern"], flags)
    except re.error as exc:
        raise RulesError(f"{where} rule {entry['name']!r}: bad regular expression: {exc}") from exc
    return LineRule(entry["name"], entry.get("family", "other"), entry["action"], regex)


def load_rules(path: str | Path | None = None) -> Rules:
    """Read and validate a rules YAML (default: the packaged one). Errors name the bad entry."""
    path = Path(path) if path is not None else DEFAULT_RULES
    return _load_rules_cached(str(path.resolve()))


@lru_cache(maxsize=8)
def _load_rules_cached(path: str) -> Rules:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    if not isinstance(raw, dict):
        raise RulesError(f"{path}: expected a mapping at the top level")
    for key in ("line_rules", "outlet_repeats", "duplicates", "zones"):
        if key not in raw:
            raise RulesError(f"{path}: missing section '{key}'")
    line_rules = tuple(_compile_rule(e, f"{path}: line_rules[{i}]") for i, e in enumerate(raw["line_rules"]))
    outlet_rules = {
        outlet: tuple(_compile_rule(e, f"{path}: outlet_rules[{outlet}][{i}]") for i, e in enumerate(entries))
        for outlet, entries in (raw.get("outlet_rules") or {}).items()
    }
    zones = raw["zones"]
    _check_repeats(raw["outlet_repeats"], f"{path}: outlet_repeats")
    for key in ("sentence_end", "byline_pattern", "byline_name_word", "byline_non_name_words"):
        if key not in zones:
            raise RulesError(f"{path}: missing 'zones.{key}'")
    return Rules(
        line_rules=line_rules,
        outlet_rules=outlet_rules,
        repeats=raw["outlet_repeats"],
        duplicates=raw["duplicates"],
        zones=zones,
        sentence_end=re.compile(zones["sentence_end"]),
        byline=re.compile(zones["byline_pattern"]),
        name_word=re.compile(zones["byline_name_word"]),
        non_name_words=frozenset(str(w).lower() for w in zones["byline_non_name_words"]),
    )


def _check_repeats(rep: dict, where: str) -> None:
    for key in ("name", "action", "keep_rule", "min_share", "min_docs", "max_words"):
        if key not in rep:
            raise RulesError(f"{where}: missing '{key}'")
    share = rep["min_share"]
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise RulesError(f"{where}: min_share must be a share of the outlet's documents in (0, 1], not {share!r}")
    if isinstance(rep["min_docs"], bool) or not isinstance(rep["min_docs"], int) or rep["min_docs"] < 2:
        raise RulesError(f"{where}: min_docs must be a whole number of at least 2, not {rep['min_docs']!r}")


def normalize_line(line: str) -> str:
    """NFC, non-breaking and odd spaces to plain spaces, runs of spaces collapsed, trimmed."""
    line = unicodedata.normalize("NFC", line)
    line = re.sub(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\t]", " ", line)
    return re.sub(r" {2,}", " ", line).strip()


def _words(line: str) -> int:
    return len(line.split())


def _shingles(line: str, n: int = 3) -> set[tuple[str, ...]]:
    toks = re.findall(r"\w+", line.lower())
    return {tuple(toks[i : i + n]) for i in range(max(len(toks) - n + 1, 1))}


@dataclass
class CleanDoc:
    """One cleaned document: clean text, its paragraphs, extracted metadata and the line audit."""

    text: str
    paragraphs: list[tuple[str, str]]  # (kind, text), kind in {"body", "heading"}
    metadata: dict = field(default_factory=dict)
    audit: list[dict] = field(default_factory=list)


_BY_PREFIX = re.compile(r"^by\s+", re.IGNORECASE)


def _is_byline(i: int, norm: list[str], dec: list, title_i: int | None, rules: Rules,
               anchors: set | None = None, neighbours: tuple[int | None, int | None] | None = None) -> bool:
    """The byline rule: a header line matching ``byline_pattern`` is the byline when it starts with "By ",
    or when it looks like a person's name (every word matches ``byline_name_word`` and none is one of
    ``byline_non_name_words``: "Peter Jones" but not "London Office") and sits next to the title or the
    standfirst (the nearest non-blank line before or after it, skipping lines a rule removed).
    ``anchors`` and ``neighbours`` (the lines before and after): precomputed by the caller, else found here."""
    line = norm[i]
    if not rules.byline.match(line):
        return False
    if _BY_PREFIX.match(line):
        return True
    words = line.split()
    if not all(rules.name_word.match(w) and w.lower() not in rules.non_name_words for w in words):
        return False

    def neighbour(step: int) -> int | None:
        j = i + step
        while 0 <= j < len(norm) and (not norm[j] or (dec[j] is not None and dec[j][0] == "remove")):
            j += step
        return j if 0 <= j < len(norm) else None

    if anchors is None:
        anchors = {title_i} | {j for j, d in enumerate(dec) if d is not None and d[1] == "standfirst"}
    near = set(neighbours) if neighbours is not None else {neighbour(-1), neighbour(1)}
    return bool(near & (anchors - {None}))


class _NearRepeats:
    """Near-duplicate paragraph search in time linear in the document (for realistic text).

    Exact prefix filtering: shingles are ordered rarest first (within the document); two sets with
    Jaccard similarity >= ``threshold`` share at least one of the first ``|A| - ceil(threshold * |A|) + 1``
    shingles of either set. Only those prefixes are indexed, so a paragraph is compared with the few kept
    paragraphs that share a rare shingle instead of all of them; the answer is the same as comparing
    with every kept paragraph.
    """

    def __init__(self, shingles: dict[int, set], threshold: float):
        self.shingles, self.threshold = shingles, threshold
        df: Counter = Counter()
        for sh in shingles.values():
            df.update(sh)
        self._rank = {s: (c, hash(s)) for s, c in df.items()}
        self._index: dict[tuple, list[int]] = defaultdict(list)

    def _prefix(self, sh: set) -> list:
        size = len(sh) - math.ceil(self.threshold * len(sh) - 1e-9) + 1
        return sorted(sh, key=self._rank.__getitem__)[: max(size, 1)]

    def matches_kept(self, i: int) -> bool:
        sh = self.shingles[i]
        checked: set[int] = set()
        for s in self._prefix(sh):
            for j in self._index.get(s, ()):
                if j in checked:
                    continue
                checked.add(j)
                other = self.shingles[j]
                if len(sh & other) / max(len(sh | other), 1) >= self.threshold:
                    return True
        return False

    def keep(self, i: int) -> None:
        for s in self._prefix(self.shingles[i]):
            self._index[s].append(i)


def _decide(norm: list[str], rules: Rules, outlet: str | None, boiler: set[str]) -> tuple[list, list, dict]:
    """One decision ``(action, rule, family)`` and zone per normalised line, and the metadata found."""
    n = len(norm)
    dec: list[tuple[str, str, str] | None] = [None] * n  # (action, rule, family)
    specific = rules.outlet_rules.get(outlet or "", ())
    for i, line in enumerate(norm):
        if not line:
            dec[i] = ("remove", "blank_line", "whitespace")
            continue
        for rule in (*specific, *rules.line_rules):
            if rule.regex.search(line):
                dec[i] = (rule.action, rule.name, rule.family)
                break
        if dec[i] is None and line.lower() in boiler:
            r = rules.repeats
            dec[i] = (r["action"], r["name"], r.get("family", "repeats"))

    # repeats inside the document: exact, then near-duplicate paragraphs
    seen: dict[str, int] = {}
    d = rules.duplicates
    near = _NearRepeats(
        {i: _shingles(line) for i, line in enumerate(norm)
         if dec[i] is None and _words(line) >= d["near_min_words"]},
        float(d["near_threshold"]),
    )
    for i, line in enumerate(norm):
        if dec[i] is not None:
            continue
        key = line.lower()
        if key in seen:
            dec[i] = ("remove", d["exact_rule"], "repeats")
            continue
        seen[key] = i
        if i in near.shingles:
            if near.matches_kept(i):
                dec[i] = ("remove", d["near_rule"], "repeats")
            else:
                near.keep(i)

    # captions: a line without final punctuation right next to a photo credit
    is_sentence = [bool(rules.sentence_end.search(l)) for l in norm]
    for i in range(n):
        if dec[i] is None and not is_sentence[i]:
            neighbours = [dec[j] for j in (i - 1, i + 1) if 0 <= j < n and dec[j] is not None]
            if any(x[1] == "photo_credit" for x in neighbours):
                dec[i] = ("remove", "caption_next_to_credit", "caption")

    # zones over the still-undecided lines
    z = rules.zones
    open_idx = [i for i in range(n) if dec[i] is None]
    zone = ["header"] * n
    metadata: dict = {}
    first_body = None
    for pos, i in enumerate(open_idx):
        if is_sentence[i]:
            nxt = open_idx[pos + 1] if pos + 1 < len(open_idx) else None
            if first_body is None and nxt is not None and rules.byline.match(norm[nxt]) and _words(norm[i]) < 30:
                dec[i] = ("metadata:deck", "standfirst", "metadata")
                continue
            first_body = i
            break
    sentence_lines = [i for i in open_idx if is_sentence[i] and dec[i] is None]
    last_body = sentence_lines[-1] if sentence_lines else None
    if first_body is None:  # no sentence at all: keep everything undecided as body
        first_body, last_body = 0, n - 1
    for i in range(n):
        zone[i] = "header" if i < first_body else "footer" if i > last_body else "body"

    header = [i for i in open_idx if dec[i] is None and zone[i] == "header"]
    title_i = next((i for i in header if _words(norm[i]) >= z["title_min_words"] and not rules.byline.match(norm[i])),
                   None)
    # the standfirst is decided above, the title here: neither changes while the lines below are decided
    anchors = {title_i} | {j for j in open_idx if dec[j] is not None and dec[j][1] == "standfirst"}

    def shown(j: int) -> bool:  # a line the byline rule sees as a neighbour
        return bool(norm[j]) and not (dec[j] is not None and dec[j][0] == "remove")

    # neighbours for the byline rule without rescanning: lines after the current one keep their state from
    # here until the loop reaches them; lines before it are final by then (passed by a forward cursor)
    next_shown: list[int | None] = [None] * n
    following = None
    for j in range(n - 1, -1, -1):
        next_shown[j] = following
        if shown(j):
            following = j
    cursor, prev_shown = 0, None
    for pos, i in enumerate(open_idx):
        if dec[i] is not None:
            continue
        line, words = norm[i], _words(norm[i])
        if zone[i] == "header":
            if i != title_i and "author" not in metadata and rules.byline.match(line):
                for j in range(cursor, i):
                    if shown(j):
                        prev_shown = j
                cursor = i
            if i == title_i:
                dec[i] = ("metadata:title", "header_title", "metadata")
                metadata["title"] = line
            elif "author" not in metadata and _is_byline(i, norm, dec, title_i, rules, anchors,
                                                          (prev_shown, next_shown[i])):
                dec[i] = ("metadata:author", "byline", "metadata")
                metadata["author"] = _BY_PREFIX.sub("", line)
            else:
                dec[i] = ("remove", "header_fragment", "position")
        elif zone[i] == "footer":
            items = [s.strip() for s in line.split(",")]
            if len(items) >= z["tags_min_items"] and all(0 < _words(s) <= z["tags_max_item_words"] for s in items):
                dec[i] = ("metadata:tags", "tag_line", "metadata")
            elif words >= z["title_min_words"]:
                dec[i] = ("remove", "related_headline", "related")
            else:
                dec[i] = ("remove", "footer_fragment", "position")
        else:
            nxt = next((open_idx[k] for k in range(pos + 1, len(open_idx))
                        if dec[open_idx[k]] is None or dec[open_idx[k]][0] == "keep"), None)
            if not is_sentence[i] and words <= z["heading_max_words"] and nxt is not None and is_sentence[nxt]:
                dec[i] = ("heading", "section_heading", "structure")
            else:
                dec[i] = ("keep", "body", "body")

    return dec, zone, metadata


def clean_text(
    text: str,
    *,
    outlet: str | None = None,
    rules: Rules | None = None,
    outlet_boilerplate: Iterable[str] = (),
) -> CleanDoc:
    """Clean one raw page. ``outlet_boilerplate``: lower-cased lines known to repeat across the outlet."""
    rules = rules or load_rules()
    boiler = set(outlet_boilerplate)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    norm = [normalize_line(l) for l in raw_lines]
    n = len(raw_lines)
    dec, zone, metadata = _decide(norm, rules, outlet, boiler)
    r = rules.repeats
    if boiler and not any(d[0] == "keep" for d in dec) and any(d[1] == r["name"] for d in dec):
        # every body line repeats across the outlet (e.g. two copies of one short article): keep them
        alone = _decide(norm, rules, outlet, set())
        if any(d[0] == "keep" for d in alone[0]):
            dec, zone, metadata = alone
            dec = [(a, r["keep_rule"], r.get("family", "repeats")) if a == "keep" and norm[i].lower() in boiler
                   else (a, rule, fam) for i, (a, rule, fam) in enumerate(dec)]

    # metadata values and paragraphs
    for i in range(n):
        action = dec[i][0]
        if action.startswith("metadata:"):
            fld = action.split(":", 1)[1]
            metadata.setdefault(fld, norm[i])
    parts: list[tuple[str, list[str]]] = []  # lines of a paragraph joined once at the end (not one copy per line)
    para_of = [None] * n
    prev_body = False
    for i in range(n):
        action = dec[i][0]
        if action == "keep":
            if prev_body:
                parts[-1][1].append(norm[i])
            else:
                parts.append(("body", [norm[i]]))
            para_of[i] = len(parts) - 1
            prev_body = True
        elif action == "heading":
            parts.append(("heading", [norm[i]]))
            para_of[i] = len(parts) - 1
            prev_body = False
        else:
            prev_body = False
    paragraphs: list[tuple[str, str]] = [(kind, " ".join(lines)) for kind, lines in parts]
    audit = [
        {
            "line_no": i + 1,
            "raw_line": raw_lines[i],
            "zone": zone[i] if norm[i] else "blank",
            "action": dec[i][0].split(":")[0],
            "rule": dec[i][1],
            "family": dec[i][2],
            "field": dec[i][0].split(":", 1)[1] if dec[i][0].startswith("metadata:") else None,
            "para_i": para_of[i],
        }
        for i in range(n)
    ]
    clean = "\n\n".join(t for _, t in paragraphs)
    return CleanDoc(text=clean, paragraphs=paragraphs, metadata=metadata, audit=audit)


def repeat_threshold(n_docs: int, *, rules: Rules | None = None) -> int:
    """How many of an outlet's ``n_docs`` documents a short line must occur in to be boilerplate:
    ``min_share`` of them, but at least ``min_docs`` (``outlet_repeats`` in the rules).

    >>> repeat_threshold(2), repeat_threshold(10_000)
    (2, 2000)
    """
    r = (rules or load_rules()).repeats
    return max(int(r["min_docs"]), math.ceil(r["min_share"] * n_docs - 1e-9))


def outlet_boilerplate(documents: pd.DataFrame, *, rules: Rules | None = None) -> dict[str, set[str]]:
    """Lines (lower-cased) that repeat across enough documents of the same outlet
    (:func:`repeat_threshold` of the outlet's document count)."""
    rules = rules or load_rules()
    r = rules.repeats
    found: dict[str, set[str]] = {}
    for outlet, group in documents.groupby("outlet", sort=True):
        counts: Counter[str] = Counter()
        for text in group["text"]:
            lines = {normalize_line(l).lower() for l in str(text).splitlines()}
            counts.update(l for l in lines if l and _words(l) <= r["max_words"])
        need = repeat_threshold(len(group), rules=rules)
        found[str(outlet)] = {l for l, c in counts.items() if c >= need}
    return found


@dataclass
class CleanCorpus:
    """Clean documents (``text`` replaced, ``raw_text`` kept), paragraphs and the line audit."""

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    audit: pd.DataFrame


def clean_corpus(documents: pd.DataFrame, *, rules: Rules | None = None,
                 boilerplate: dict[str, set[str]] | None = None) -> CleanCorpus:
    """Clean every document of a loaded corpus (see :func:`analysis.corpus.load_corpus`).

    Titles and bylines found by cleaning fill ``title``/``author`` only where the metadata has none;
    ``title_source`` says which. The extracted deck, tags and page date go to their own columns.
    ``boilerplate``: the outlets' repeated lines (:func:`outlet_boilerplate`) if already computed, e.g.
    over a larger corpus than ``documents`` (the cleaning cache cleans only the uncached documents).
    """
    rules = rules or load_rules()
    boiler = boilerplate if boilerplate is not None else outlet_boilerplate(documents, rules=rules)
    docs = documents.copy()
    clean_texts, audits, paras = [], [], []
    extracted: dict[str, list] = defaultdict(list)
    for row in documents.itertuples(index=False):
        doc = clean_text(str(row.text), outlet=str(row.outlet), rules=rules, outlet_boilerplate=boiler.get(str(row.outlet), ()))
        clean_texts.append(doc.text)
        for fld in ("title", "author", "deck", "tags", "page_date"):
            extracted[fld].append(doc.metadata.get(fld))
        for a in doc.audit:
            audits.append({"doc_id": row.doc_id, "outlet": row.outlet, **a})
        start = 0
        for k, (kind, ptext) in enumerate(doc.paragraphs):
            paras.append(
                {"doc_id": row.doc_id, "para_id": f"{row.doc_id}:p{k:03d}", "para_i": k, "kind": kind,
                 "start_char": start, "end_char": start + len(ptext), "text": ptext}
            )
            start += len(ptext) + 2
    docs["raw_text"] = documents["text"]
    docs["text"] = pd.Series(clean_texts, index=docs.index, dtype="string")
    finish_documents(docs, extracted)
    audit = pd.DataFrame(audits, columns=AUDIT_COLUMNS)
    paragraphs = pd.DataFrame(paras, columns=["doc_id", "para_id", "para_i", "kind", "start_char", "end_char", "text"])
    return CleanCorpus(documents=docs, paragraphs=paragraphs, audit=audit)


def finish_documents(docs: pd.DataFrame, extracted: dict[str, list]) -> None:
    """Fill the metadata found by cleaning into ``docs`` (in place): ``extracted`` maps title, author, deck,
    tags and page_date to one value (or None) per document. Shared with the cleaning cache."""
    for fld in ("title", "author"):
        meta = docs[fld] if fld in docs.columns else pd.Series(pd.NA, index=docs.index, dtype="object")
        found = pd.Series(extracted[fld], index=docs.index, dtype="object")
        use = meta.isna() & found.notna()
        docs[f"{fld}_source"] = pd.Series(
            ["metadata" if pd.notna(m) else ("page text" if u else None) for m, u in zip(meta, use)], index=docs.index
        )
        docs[fld] = meta.astype("object").where(~use, found)
    docs["deck"] = extracted["deck"]
    docs["tags"] = extracted["tags"]
    docs["page_date_text"] = extracted["page_date"]
    docs["n_chars"] = docs["text"].str.len().astype(int)
    docs["n_words"] = docs["text"].str.split().str.len().fillna(0).astype(int)
