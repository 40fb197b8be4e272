"""How claims are attributed: distancing, hedging and assertion around accusations and denials, and the
words used for the contested measure.

Two kinds of lists. The *generic* ones are not about any story and are packaged in
``analysis/data/attribution_markers.yaml`` (sources cited there): reporting verbs, "according to" phrases,
distancing, hedge and assertion markers. The *story* ones come from the story: the accusation-topic and
denial cues (``Story.markers``) and the names for the contested measure (its ``measure_group`` of framing
terms); :func:`analysis.measures.resources.markers_for` joins both into the dict these functions take.
``markers=None`` means the generic lists only: no accusation, denial or measure list, so
:func:`attribution_markers` and :func:`measure_terms` find nothing and :func:`context_sentences` marks no
sentence as about the accusations or the denials. No story's lists are a default.

A sentence is *about the accusations* when it contains an accusation-topic cue, and *about the denials* when
it contains a denial cue. For those sentences we record every distancing marker ("claims", "alleged",
"without proof"), hedge ("may", "apparently") and assertion marker ("clearly", "evidence"). Lexical choice
counts each name for the measure. Lists are matched by :mod:`analysis.measures.match` (lemma or lowercase
form for ``lemmas``, lowercase tokens for ``phrases``; the longest marker wins where two overlap).

>>> import pandas as pd
>>> from analysis.measures.resources import markers_for
>>> from analysis.story import story_from_dict
>>> story = story_from_dict({"name": "port", "title": "A harbour lease",
...     "markers": {"accusation_topic": {"lemmas": ["secret", "hide"]}, "denial": {"lemmas": ["deny"]}}})
>>> mk = markers_for(story)
>>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:0"], "outlet": ["X"],
...     "text": ["The union claims the mayor hid the deal, but has not provided any proof."]})
>>> attribution_markers(s, markers=mk)[["context", "marker_class", "marker"]].values.tolist()
[['accusation', 'distancing', 'claims'], ['accusation', 'distancing', 'has not provided any proof']]
>>> attribution_markers(s).empty          # the generic lists alone know no accusation topic
True
"""
from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.config import PACKAGE_DATA
from analysis.measures.frames import iter_sentence_units, sentence_table
from analysis.measures.match import marker_lexicon, match_doc
from analysis.story.story import read_yaml_mapping

#: The packaged generic lists (nothing about one story).
MARKERS_PATH: Path = PACKAGE_DATA / "attribution_markers.yaml"
MARKER_CLASSES = ("distancing", "hedge", "assertion")
CONTEXTS = ("accusation_topic", "denial")
MARKER_COLUMNS = ["doc_id", "outlet", "sent_id", "context", "marker_class", "marker", "start_char", "end_char", "text"]
MEASURE_COLUMNS = ["doc_id", "outlet", "sent_id", "term", "mention", "start_char", "end_char", "text"]


#: Lists that are not about one story; a story file that leaves them out gets the packaged ones.
GENERIC_KEYS = ("reporting_verbs", "according_phrases", "distancing", "hedge", "assertion", "object_content_verbs",
                "prepositional_content", "noun_cues", "speaker_descriptions", "inanimate_sources")
#: Optional generic word lists of the quote extractor (a marker file that leaves one out gets the packaged one).
WORD_LIST_KEYS = ("according_phrases", "object_content_verbs", "noun_cues", "inanimate_sources")
#: Titles when no story names its measure or accusations.
DEFAULT_LABELS = {"measures_label": "the contested measure", "accusation_label": "the accusations"}


def load_markers(path: str | Path | None = None) -> dict:
    """The marker lists as a dict (validated: each list entry has ``lemmas`` and/or ``phrases``).

    Without ``path``: the packaged generic lists (``GENERIC_KEYS``) and the generic labels, with no
    accusation, denial or measure list (``measures`` is empty). ``path`` is an older-format marker YAML of
    one story; it must give what is story-specific: ``accusation_topic``, ``denial`` and ``measures`` (the
    names for the contested measure), and optionally ``measures_label`` / ``accusation_label`` for titles.
    The generic lists it leaves out come from the packaged file.

    >>> mk = load_markers()
    >>> "reportedly" in mk["distancing"]["lemmas"], mk["measures_label"], mk["measures"], "denial" in mk
    (True, 'the contested measure', {}, False)
    """
    p = Path(path or MARKERS_PATH).resolve()
    if not p.exists():
        raise FileNotFoundError(f"marker file not found: {p}")
    # keyed on both files' mtime and size: an edited story or packaged file is read again
    stamps = tuple((st.st_mtime_ns, st.st_size) for st in (p.stat(), MARKERS_PATH.stat()))
    return _load_markers(str(p), stamps)


def _read_yaml(path: Path) -> dict:
    return read_yaml_mapping(path, error=ValueError, what="a mapping of marker lists", label=path.name)


@lru_cache(maxsize=4)
def _load_markers(path: str, _stamps: tuple) -> dict:
    base = _read_yaml(MARKERS_PATH)
    generic = {k: base[k] for k in GENERIC_KEYS if k in base}
    name = Path(path).name
    if Path(path) == MARKERS_PATH.resolve():
        data = {**DEFAULT_LABELS, **generic, "measures": {}}
    else:  # an older-format story file: the generic lists default to the packaged ones
        data = {**DEFAULT_LABELS, **generic, **_read_yaml(Path(path))}
        for key in CONTEXTS:
            _check_entry(data.get(key), f"{name}: {key}")
        if not isinstance(data.get("measures"), dict) or not data["measures"]:
            raise ValueError(f"{name}: 'measures' must map a label to lemmas/phrases")
        for label, entry in data["measures"].items():
            _check_entry(entry, f"{name}: measures.{label}")
    for key in MARKER_CLASSES:
        _check_entry(data.get(key), f"{name}: {key}")
    if not isinstance(data.get("reporting_verbs"), list) or not data["reporting_verbs"]:
        raise ValueError(f"{name}: 'reporting_verbs' must be a non-empty list")
    for key in WORD_LIST_KEYS:
        v = data.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise ValueError(f"{name}: '{key}' must be a list of words or phrases")
    prep = data.get("prepositional_content", {})
    if not isinstance(prep, dict) or not all(isinstance(v, list) for v in prep.values()):
        raise ValueError(f"{name}: 'prepositional_content' must map a verb to a list of prepositions")
    for kind, entry in (data.get("speaker_descriptions") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("labels"), list) or not entry["labels"]:
            raise ValueError(f"{name}: speaker_descriptions.{kind}: needs a non-empty 'labels' list")
        for k in ("pronouns", "nouns"):
            if not isinstance(entry.get(k, []), list):
                raise ValueError(f"{name}: speaker_descriptions.{kind}.{k}: must be a list of words")
    return data


def _check_entry(entry, where: str) -> None:
    if not isinstance(entry, dict) or not (entry.get("lemmas") or entry.get("phrases")):
        raise ValueError(f"{where}: needs 'lemmas' and/or 'phrases' lists")
    for k in ("lemmas", "phrases"):
        v = entry.get(k, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            raise ValueError(f"{where}.{k}: must be a list of strings")


def _lexicon(kind: str, markers: dict):
    """The marker lists of one kind as a lexicon (compiled once per content and vocab by the match layer)."""
    keys = MARKER_CLASSES if kind == "classes" else CONTEXTS if kind == "contexts" else None
    entries = {k: markers[k] for k in keys if markers.get(k)} if keys else dict(markers.get("measures") or {})
    return marker_lexicon(entries)


def _sentence_matches(corpus, *lexicons):
    """``(sentence row, [[(label, span), ...] per lexicon])`` for every sentence row of ``corpus``: each lexicon
    is matched once per parsed document (longest match first where they overlap; no match crosses a sentence)
    and its matches are handed to the sentence rows that hold them (spans of the document, document offsets)."""
    for unit in iter_sentence_units(corpus):
        doc = unit.doc
        found = [[(m.label, doc[m.start:m.end]) for m in match_doc(doc, lex)] for lex in lexicons]
        starts = [[sp.start for _label, sp in f] for f in found]      # match_doc gives document order
        for r in unit.rows.itertuples(index=False):
            span = doc.char_span(int(r.start_char), int(r.end_char), alignment_mode="expand")
            if span is None:
                continue
            yield r, [[(label, sp) for label, sp in f[bisect.bisect_left(st, span.start):bisect.bisect_left(st, span.end)]
                       if sp.end <= span.end] for f, st in zip(found, starts)]


def attribution_markers(corpus, *, markers: dict | None = None) -> pd.DataFrame:
    """Distancing / hedge / assertion markers in sentences about the accusations or the denials.

    One row per (sentence, context, marker): ``doc_id, outlet, sent_id, context ("accusation" or
    "denial"), marker_class, marker, start_char, end_char, text``. A sentence about both contexts
    reports its markers under both. Offsets are document offsets when ``corpus`` is a ``Corpus``.
    """
    mk = markers if markers is not None else load_markers()
    rows = []
    for r, (in_context, found) in _sentence_matches(corpus, _lexicon("contexts", mk), _lexicon("classes", mk)):
        ctx = {label for label, _sp in in_context}
        if not ctx:
            continue
        for c in CONTEXTS:
            if c not in ctx:
                continue
            for label, sp in found:
                rows.append({"doc_id": r.doc_id, "outlet": getattr(r, "outlet", None), "sent_id": r.sent_id,
                             "context": "accusation" if c == "accusation_topic" else "denial",
                             "marker_class": label, "marker": sp.text,
                             "start_char": sp.start_char, "end_char": sp.end_char, "text": r.text})
    return pd.DataFrame(rows, columns=MARKER_COLUMNS)


def context_sentences(corpus, *, markers: dict | None = None) -> pd.DataFrame:
    """Every sentence with its contexts and whether any marker of each class occurs.

    Columns: ``doc_id, outlet, sent_id, accusation, denial, distancing, hedge, assertion, text`` (bools).
    The denominator for shares ("x% of accusation sentences carry a distancing marker").
    """
    mk = markers if markers is not None else load_markers()
    rows = []
    for r, (in_context, found) in _sentence_matches(corpus, _lexicon("contexts", mk), _lexicon("classes", mk)):
        ctx = {label for label, _sp in in_context}
        cls = {label for label, _sp in found}
        rows.append({"doc_id": r.doc_id, "outlet": getattr(r, "outlet", None), "sent_id": r.sent_id,
                     "accusation": "accusation_topic" in ctx, "denial": "denial" in ctx,
                     **{c: c in cls for c in MARKER_CLASSES}, "text": r.text})
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "sent_id", "accusation", "denial", *MARKER_CLASSES, "text"])


def marker_profile(contexts: pd.DataFrame, *, by: str = "outlet", context: str = "accusation") -> pd.DataFrame:
    """Per ``by`` group: number of ``context`` sentences and the share carrying each marker class.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"outlet": ["X", "X", "X"], "accusation": [True, True, False], "denial": [False] * 3,
    ...     "distancing": [True, False, True], "hedge": [False] * 3, "assertion": [False] * 3})
    >>> marker_profile(c)[["outlet", "n_sentences", "distancing"]].values.tolist()
    [['X', 2, 0.5]]
    """
    d = contexts[contexts[context]]
    if d.empty:
        return pd.DataFrame(columns=[by, "n_sentences", *MARKER_CLASSES])
    out = d.groupby(by)[list(MARKER_CLASSES)].mean()
    out.insert(0, "n_sentences", d.groupby(by).size())
    return out.reset_index()


def measure_terms(corpus, *, markers: dict | None = None) -> pd.DataFrame:
    """Each naming of the contested measure, labelled: ``doc_id, outlet, sent_id, term, mention, start_char,
    end_char, text``. The names are the story's (``markers["measures"]``); without them nothing is found.

    >>> import pandas as pd
    >>> from analysis.measures.resources import markers_for
    >>> from analysis.story import story_from_dict
    >>> story = story_from_dict({"name": "port", "title": "A harbour lease", "measure_group": "naming_the_deal",
    ...     "framing_terms": {"groups": {"naming_the_deal": {"terms": ["lease", "handover", "sale"]}}}})
    >>> mk = markers_for(story)
    >>> s = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:0"],
    ...     "text": ["The council leased the terminal to Meridian in a handover critics call a sale."]})
    >>> measure_terms(s, markers=mk)[["term", "mention"]].values.tolist()
    [['lease', 'leased'], ['handover', 'handover'], ['sale', 'sale']]
    >>> measure_terms(s).empty
    True
    """
    mk = markers if markers is not None else load_markers()
    measures = _lexicon("measures", mk)
    rows = []
    for r, (found,) in _sentence_matches(corpus, measures):
        for label, sp in found:
            rows.append({"doc_id": r.doc_id, "outlet": getattr(r, "outlet", None), "sent_id": r.sent_id, "term": label,
                         "mention": sp.text, "start_char": sp.start_char, "end_char": sp.end_char, "text": r.text})
    return pd.DataFrame(rows, columns=MEASURE_COLUMNS)


def measure_profile(terms: pd.DataFrame, corpus=None, *, by: str = "outlet") -> pd.DataFrame:
    """Counts of each measure term per ``by`` group, and per 1,000 words when ``corpus`` is given.

    Columns: ``<by>, term, n, per_1000_words`` (the last is NaN without a corpus).
    """
    out = terms.groupby([by, "term"]).size().rename("n").reset_index()
    if corpus is not None and hasattr(corpus, "documents"):
        words = corpus.documents.groupby(by)["n_words"].sum()
        out["per_1000_words"] = out["n"] / out[by].map(words) * 1000
    else:
        out["per_1000_words"] = float("nan")
    return out.sort_values([by, "n", "term"], ascending=[True, False, True]).reset_index(drop=True)
