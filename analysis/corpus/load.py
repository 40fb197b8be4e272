"""Loading a corpus from any supported source into one validated schema.

Supported sources (``load_corpus(source)``):

- ``None``: the project's seed articles (``seeds/``: ``*.txt`` plus ``metadata.csv``).
- a folder of ``.txt`` files, with a metadata table (``metadata.csv`` in the folder, or ``metadata=``)
  keyed by ``doc_id`` (file stem) or ``file`` (file name);
- a folder of saved web pages (``.html``/``.htm``): main text and metadata extracted with trafilatura;
- a table: ``.csv``, ``.tsv``, ``.jsonl``/``.ndjson``, ``.parquet`` file, or a pandas DataFrame, with a
  ``columns=`` mapping from our names (``id, text, outlet, date, title, author``, ``event``) to yours. Without one,
  column names are matched case- and space-insensitively against the usual synonyms (``Article``,
  ``Date Published``, ``Publisher`` ...).

Nothing is silently lost: every input document ends either in ``RawCorpus.documents`` or in
``RawCorpus.rejects`` with a reason; problems that do not cost a document (an unparseable or ambiguous
date, HTML markup in a text field, outlet spellings merged) are listed in ``RawCorpus.issues`` as
warnings and emitted with ``warnings.warn``.

>>> raw = load_corpus()
>>> sorted(raw.documents.outlet.unique())
['Business Times', 'Interesting Engineering', 'NS Tech', 'Sputnik']
>>> len(raw.rejects)
0
"""
from __future__ import annotations

import codecs
import datetime
import json
import numbers
import os
import re
import warnings
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping

import pandas as pd

from analysis.config import get_settings

#: Our column names and the user-side names we recognise without a mapping (first match wins). Names are
#: compared after lower-casing and turning spaces, hyphens and dots into ``_`` (``Date Published`` =
#: ``date_published``).
CANONICAL_ALIASES: dict[str, tuple[str, ...]] = {
    "doc_id": ("doc_id", "id", "article_id", "uid", "document_id", "docid"),
    "text": ("text", "body", "content", "article", "full_text", "article_text", "body_text", "story", "main_text"),
    "outlet": ("outlet", "source", "publisher", "outlet_name", "site", "sitename", "site_name", "media",
               "media_outlet", "newspaper", "publication"),
    "date": ("date", "published", "date_published", "publication_date", "published_date", "published_at",
             "pub_date", "publish_date", "datetime"),
    "title": ("title", "headline"),
    "author": ("author", "byline", "authors", "author_name"),
    # optional: the event or story an article reports, to compare outlets within events
    # (analysis.compare.events); an article without one is not paired
    "event": ("event", "event_id", "story_id", "story", "cluster", "event_name"),
}
#: Columns every document table has after loading, in this order (extra columns follow).
DOCUMENT_COLUMNS = ["doc_id", "outlet", "outlet_type", "title", "date", "author", "text", "source"]
#: Column names the loader or the cleaning step writes: a user column with one of these names is kept as
#: ``user_<name>`` (with a warning) instead of being overwritten.
RESERVED_COLUMNS = (frozenset(DOCUMENT_COLUMNS) - {"outlet_type"}) | {"raw_text", "n_chars", "n_words", "title_source",
                                                  "author_source", "deck", "tags", "page_date_text", "key"}
TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".pq"}
HTML_SUFFIXES = {".html", ".htm"}
#: HTML (and inline SVG/MathML) element names; a ``<name ...>`` is taken for a tag only for these.
HTML_ELEMENTS = frozenset("""
a abbr acronym address applet area article aside audio b base basefont bdi bdo big blink blockquote body br
button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em
embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html
i iframe img input ins kbd label legend li link main map mark marquee math menu meta meter nav nobr noembed
noframes noscript object ol optgroup option output p param picture plaintext pre progress q rp rt ruby s samp
script search section select slot small source span strike strong style sub summary sup svg table tbody td
template textarea tfoot th thead time title tr track tt u ul var video wbr xmp
""".split())
#: Elements whose content is never article text (scripts, styles, embedded documents and graphics).
HTML_DROPPED_ELEMENTS = ("script", "style", "svg", "math", "iframe", "frame", "frameset", "noscript", "template",
                         "object", "embed", "applet", "canvas", "audio", "video", "head", "title", "select",
                         "button", "textarea", "noembed", "noframes")
_ATTR = r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_TAG = re.compile(
    rf"<(?:(?P<comment>!--.*?--)|(?P<doctype>!doctype\s[^<>]*)|/(?P<close>[a-zA-Z][a-zA-Z0-9]*)\s*"
    rf"|(?P<open>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>(?:\s+{_ATTR})*)\s*/?)>", re.S | re.I)
_VALUED_ATTR = re.compile(r"""=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_BARE_ATTR = re.compile(_ATTR)
_RELATIVE_DATE = re.compile(
    r"^(?:today|now|right now|just now|tonight|yesterday|tomorrow|recently|this (?:morning|afternoon|evening|week"
    r"|month|year)|last (?:night|week|month|year)|(?:\d+|an?|one|two|three|few|several) (?:seconds?|minutes?|"
    r"hours?|days?|weeks?|months?|years?) ago)$", re.I)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T,]+(.+))?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


class CorpusError(ValueError):
    """A corpus source that cannot be read at all (as opposed to single bad documents)."""


@dataclass
class RawCorpus:
    """Documents as loaded (raw text), plus what was rejected and what was only warned about."""

    documents: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["source", "doc_id", "reason"]))
    issues: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["level", "source", "doc_id", "message"])
    )


class _Log:
    """Collects rejects and warnings while loading."""

    def __init__(self) -> None:
        self.rejects: list[dict] = []
        self.issues: list[dict] = []
        self._said: set[str] = set()

    def reject(self, source: str, doc_id: str | None, reason: str) -> None:
        self.rejects.append({"source": source, "doc_id": doc_id, "reason": reason})
        self.issues.append({"level": "rejected", "source": source, "doc_id": doc_id, "message": reason})

    def warn(self, source: str, doc_id: str | None, message: str, *, once: str | None = None) -> None:
        """Record a warning; with ``once``, ``warnings.warn`` is called only for the first of that kind."""
        self.issues.append({"level": "warning", "source": source, "doc_id": doc_id, "message": message})
        if once is not None:
            if once in self._said:
                return
            self._said.add(once)
            message += " (further cases of this kind are listed in the issues table only)"
        warnings.warn(f"{source}: {message}", stacklevel=3)


# --------------------------------------------------------------------------------------------------
# decoding and text checks


def _line_at(data: bytes, pos: int) -> int:
    return data[:pos].count(b"\n") + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """``'utf-16-le'``/``'utf-16-be'`` when NUL bytes sit on every other byte (ASCII text in UTF-16)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd >= 0.5 and zero_even <= 0.05:
        return "utf-16-le"
    if zero_even >= 0.5 and zero_odd <= 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes, *, nul_is_problem: bool = True) -> tuple[str, str | None, str | None]:
    """``(text, problem, note)``: UTF-8 (BOM allowed), UTF-16 with a BOM, or UTF-16 without one when the
    NUL bytes say so (``note`` then says how it was read). NUL bytes otherwise are a ``problem``."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), None, None
        except UnicodeDecodeError as exc:
            return data.decode("utf-16", errors="replace"), f"undecodable bytes: not valid UTF-16 at byte {exc.start}", None
    if b"\x00" in data:
        enc = _utf16_without_bom(data)
        if enc is not None:
            try:
                return data.decode(enc), None, f"read as {enc.upper()} (no byte order mark; NUL on every other byte)"
            except UnicodeDecodeError:
                pass
        if nul_is_problem:
            pos = data.index(b"\x00")
            return (data.decode("utf-8", errors="replace"),
                    f"NUL bytes (binary data, not text) at byte {pos} (line {_line_at(data, pos)})", None)
    try:
        return data.decode("utf-8-sig"), None, None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        return text, f"undecodable bytes: not valid UTF-8 at byte {exc.start} (line {_line_at(data, exc.start)})", None


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode UTF-8 (BOM allowed) or UTF-16 (with a BOM, or without one when every other byte is NUL).
    Returns ``(text, problem)``; ``problem`` names the first bad byte (or NUL byte).

    >>> decode_bytes("caf\\u00e9".encode())
    ('café', None)
    >>> decode_bytes(b"ok\\xff")[1]
    'undecodable bytes: not valid UTF-8 at byte 2 (line 1)'
    >>> decode_bytes("Hi there".encode("utf-16-le"))
    ('Hi there', None)
    >>> decode_bytes(b"PK\\x03\\x04\\x00\\x00binary")[1]
    'NUL bytes (binary data, not text) at byte 4 (line 1)'
    """
    text, problem, _ = _decode(data)
    return text, problem


def _real_tags(text: str):
    """Matches of ``_TAG`` that are real HTML: a comment, a doctype, a known element's closing tag, or a known
    element's opening tag without attributes or with at least one ``name=value`` attribute."""
    for m in _TAG.finditer(text):
        name = (m.group("close") or m.group("open") or "").lower()
        if m.group("comment") is not None or m.group("doctype") is not None:
            yield m
        elif name in HTML_ELEMENTS:
            attrs = m.group("attrs") or ""
            if m.group("close") or not attrs.strip() or _VALUED_ATTR.search(attrs):
                yield m


def looks_like_html(text: str) -> bool:
    """True when a text field holds HTML markup: real tag syntax (``<p>``, ``</b>``, ``<br/>``,
    ``<img src=x>``, ``<!-- -->``) of a known element, not a bare ``<`` in plain text.

    >>> looks_like_html("<p>Meridian denied it.</p>"), looks_like_html('<img src=x onerror="alert(1)">')
    (True, True)
    >>> looks_like_html("if p<a and a<b to c, then <p 5 holds"), looks_like_html("x <and y> z")
    (False, False)
    """
    return next(_real_tags(text or ""), None) is not None


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: block elements become paragraph breaks, and scripts, styles, SVG,
    iframes and other embedded content are dropped; a ``<`` that starts no real tag stays text.

    >>> html_to_text("<p>if p<a it holds</p><script>alert(1)</script><svg><text>x</text></svg><p>Two.</p>")
    'if p<a it holds\\n\\nTwo.'
    """
    import lxml.html

    def text_part(chunk: str) -> str:
        return chunk.replace("<", "&lt;").replace(">", "&gt;")

    parts, pos = [], 0
    for m in _real_tags(markup):  # escape every "<" and ">" that is not part of a real tag
        parts.append(text_part(markup[pos:m.start()]))
        tag = m.group(0)
        close = (m.group("close") or "").lower()
        opened = (m.group("open") or "").lower()
        if opened == "br":
            tag += "\n"
        elif close in {"p", "div", "li", "tr", "table", "section", "article", "blockquote", "pre", "ul", "ol",
                       "header", "footer", "figure", "aside"} or re.fullmatch(r"h[1-6]", close):
            tag += "\n\n"
        parts.append(tag)
        pos = m.end()
    parts.append(text_part(markup[pos:]))
    tree = lxml.html.fromstring(f"<div>{''.join(parts)}</div>")
    for bad in tree.xpath("|".join(f"//{name}" for name in HTML_DROPPED_ELEMENTS)):
        bad.drop_tree()
    text = tree.text_content()
    return re.sub(r"\n{3,}", "\n\n", text).strip()


#: Text cells starting with one of these could run as a spreadsheet formula (formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(df: pd.DataFrame, *, prefixes: tuple[str, ...] = FORMULA_PREFIXES) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as spreadsheet formulas: a cell starting with one of
    ``prefixes`` (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'`` (for CSV files
    people open).

    >>> spreadsheet_safe(pd.DataFrame({"reason": ["=HYPERLINK(1)", "ok", "-1 day"]})).reason.tolist()
    ["'=HYPERLINK(1)", 'ok', "'-1 day"]
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = pd.Series(["'" + v if isinstance(v, str) and v.startswith(prefixes) else v
                                  for v in out[col]], index=out.index, dtype=out[col].dtype)
    return out


def _blank(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and not value.strip()


def _empty_text_reason(text) -> str:
    """Why a text field holds no text: ``empty text`` (missing or ""), ``whitespace-only text``, or not a string.

    >>> _empty_text_reason(""), _empty_text_reason(" \\n\\t"), _empty_text_reason(None), _empty_text_reason(3)
    ('empty text', 'whitespace-only text', 'empty text', 'text is not a string (int)')
    """
    if isinstance(text, str):
        return "whitespace-only text" if text else "empty text"
    if _blank(text):
        return "empty text"
    return f"text is not a string ({type(text).__name__})"


# --------------------------------------------------------------------------------------------------
# dates


def _date_order(values: Iterable, dayfirst: bool | None) -> tuple[bool, bool]:
    """``(dayfirst, decided)`` for the ``dd/dd/yyyy`` dates among ``values``: the setting if given, else the
    order the dates themselves allow (a first number above 12 means day-first, a second one month-first);
    undecided (``decided`` False) means month-first with a warning on every ambiguous date."""
    if dayfirst is not None:
        return bool(dayfirst), True
    first = second = False
    for v in values:
        m = _NUMERIC_DATE.match(v.strip()) if isinstance(v, str) else None
        if m:
            first |= int(m[1]) > 12
            second |= int(m[2]) > 12
    if first != second:
        return first, True
    return False, False


def _epoch(number: float) -> pd.Timestamp | None:
    """Unix time in seconds, milliseconds, microseconds or nanoseconds (by magnitude), or ``None``."""
    digits = len(str(int(abs(number))))
    unit = {9: "s", 10: "s", 12: "ms", 13: "ms", 15: "us", 16: "us", 18: "ns", 19: "ns"}.get(digits)
    if unit is None:
        return None
    return pd.to_datetime(number, unit=unit)


@lru_cache(maxsize=65536)
def _timestamp(text: str, dayfirst: bool) -> pd.Timestamp:
    """``pd.to_datetime`` of one string, cached: corpora repeat their dates, and each call costs ~2 ms."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.Timestamp(pd.to_datetime(text, errors="raise", dayfirst=dayfirst))


def _parse_date(value, source: str, doc_id: str, log: _Log, *, dayfirst: bool = False,
                decided: bool = True) -> pd.Timestamp:
    if _blank(value):
        return pd.NaT
    unknown = "kept the document with date unknown"
    if isinstance(value, (datetime.date, pd.Timestamp)) or type(value).__name__ == "datetime64":
        ts = pd.Timestamp(value)
        return ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo is not None else ts
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        log.warn(source, doc_id, f"unparseable date {value!r}: {unknown}")
        return pd.NaT
    text = value.strip() if isinstance(value, str) else None
    if isinstance(value, numbers.Real) or (text is not None and _NUMBER.match(text)):
        number = float(value) if text is None else float(text)
        if text is not None and re.fullmatch(r"\d{8}", text):   # 20190607
            try:
                return pd.Timestamp(pd.to_datetime(text, format="%Y%m%d"))
            except ValueError:
                pass
        if text is not None and re.fullmatch(r"1[89]\d\d|20\d\d", text):   # a year only
            log.warn(source, doc_id, f"date {value!r} is a year only: read as {text}-01-01", once="year only")
            return pd.Timestamp(year=int(text), month=1, day=1)
        ts = _epoch(number) if number == number else None
        if ts is None:
            log.warn(source, doc_id, f"unparseable date {value!r} (a number, but not Unix time in seconds or "
                                     f"milliseconds): {unknown}")
            return pd.NaT
        log.warn(source, doc_id, f"date {value!r} is a number: read as Unix time (UTC), {ts.isoformat()}",
                 once="epoch")
        return ts
    if text is None:
        log.warn(source, doc_id, f"unparseable date {value!r} (a {type(value).__name__}): {unknown}")
        return pd.NaT
    if _RELATIVE_DATE.match(text):
        log.warn(source, doc_id, f"relative date {value!r} says nothing about when the article appeared: {unknown}")
        return pd.NaT
    m = _NUMERIC_DATE.match(text)
    try:
        if m:
            a, b, year = int(m[1]), int(m[2]), m[3]
            day, month = (a, b) if dayfirst else (b, a)
            year = int(year) + (2000 if int(year) < 70 else 1900) if len(year) == 2 else int(year)
            ts = pd.Timestamp(pd.to_datetime(f"{year:04d}-{month:02d}-{day:02d}" + (f" {m[4]}" if m[4] else "")))
            if not decided and a != b and a <= 12 and b <= 12:
                log.warn(source, doc_id, f"ambiguous date {value!r} read month-first as {ts.date()} (nothing in "
                                         f"the file says which comes first; pass dayfirst=True for day-first)",
                         once="ambiguous date")
        else:
            ts = _timestamp(text, dayfirst)
    except (ValueError, TypeError, OverflowError):
        order = " (read day-first)" if m and dayfirst else " (read month-first)" if m else ""
        log.warn(source, doc_id, f"unparseable date {value!r}{order}: {unknown}")
        return pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        return pd.NaT
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


# --------------------------------------------------------------------------------------------------
# record validation shared by every source


def _outlet_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _outlet_stem(key: str) -> str:
    return re.sub(r"[\W_]+", "", re.sub(r"^the\s+", "", key))


def _normalise_outlets(rows: list[dict], log: _Log, aliases: Mapping[str, str] | None, name: str) -> None:
    """Apply ``aliases`` (spelling -> outlet, compared case- and space-insensitively), merge spellings that
    differ only in case and spacing under the most frequent one, and warn about likely variants."""
    table = {_outlet_key(k): re.sub(r"\s+", " ", v).strip() for k, v in (aliases or {}).items()}
    spellings: dict[str, Counter] = {}
    for row in rows:
        raw = row["outlet"]
        spelled = table.get(_outlet_key(raw), raw)       # an alias is the user's choice: no warning for it
        row["outlet"] = spelled
        spellings.setdefault(_outlet_key(spelled), Counter())[spelled] += 1
    display = {}
    for key, counts in spellings.items():
        tidy = Counter()
        for spelled, n in counts.items():
            tidy[re.sub(r"\s+", " ", spelled).strip()] += n
        display[key] = tidy.most_common(1)[0][0]
        if len(counts) > 1:
            listed = ", ".join(f"{spelled!r} ({n})" for spelled, n in counts.most_common())
            log.warn(name, None, f"outlet spellings {listed} read as one outlet {display[key]!r}")
    for row in rows:
        row["outlet"] = display[_outlet_key(row["outlet"])]
    by_stem: dict[str, list[str]] = {}
    for key in display:
        by_stem.setdefault(_outlet_stem(key), []).append(display[key])
    for names in by_stem.values():
        if len(names) > 1:
            log.warn(name, None, f"outlets {', '.join(repr(n) for n in sorted(names))} differ only in a leading "
                                 "'The' or punctuation and may be one outlet: map them in the story file's "
                                 "outlet_aliases (or load_corpus(outlet_aliases=...)) to merge them")


def _event_label(value, source: str, doc_id: str, log: _Log):
    """An article's event as a label (``str``), or ``None`` (not paired): blank stays ``None``, a number
    becomes its text (``3.0`` -> ``"3"``), anything else (a list, true/false) is ``None`` with a warning.

    >>> log = _Log()
    >>> [_event_label(v, "t.csv:row 1", "a1", log) for v in (" flood ", 7.0, "", None)]
    ['flood', '7', None, None]
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     _event_label(["a", "b"], "t.jsonl:line 2", "a2", log), log.issues[-1]["message"]
    (None, "event ['a', 'b'] is not a label (list): the article is not paired with other outlets' articles")
    """
    if _blank(value):
        return None
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip()
    if not isinstance(value, bool) and type(value).__name__ != "bool_" and isinstance(value, numbers.Real):
        return str(int(value)) if float(value).is_integer() else str(value)
    log.warn(source, doc_id, f"event {value!r} is not a label ({type(value).__name__}): the article is not paired "
                             "with other outlets' articles", once="event not a label")
    return None


def _finalise(records: list[dict], log: _Log, *, name: str = "corpus", dayfirst: bool | None = None,
              outlet_aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Validate records (text, outlet, ids, dates, HTML) into the document schema."""
    seen: dict[str, str] = {}
    rows = []
    for rec in records:
        src, doc_id = rec["source"], rec.get("doc_id")
        for note in rec.get("_notes", ()):
            log.warn(src, None if _blank(doc_id) else str(doc_id), note)
        if _blank(doc_id):
            log.reject(src, None, "missing id")
            continue
        doc_id = str(doc_id).strip()
        if rec.get("_decode_problem"):
            log.reject(src, doc_id, rec["_decode_problem"])
            continue
        text = rec.get("text")
        if _blank(text) or not isinstance(text, str):
            log.reject(src, doc_id, _empty_text_reason(text))
            continue
        if rec.get("_allow_html") is not True and looks_like_html(text):
            log.warn(src, doc_id, "HTML markup in the text field: converted to plain text")
            text = html_to_text(text)
            if not text.strip():
                log.reject(src, doc_id, "text is only HTML markup, no words")
                continue
        if _blank(rec.get("outlet")):
            log.reject(src, doc_id, "missing outlet")
            continue
        if doc_id in seen:
            log.reject(src, doc_id, f"duplicate id {doc_id!r} (first seen at {seen[doc_id]})")
            continue
        seen[doc_id] = src
        row = {k: v for k, v in rec.items() if not k.startswith("_")}
        row.update(doc_id=doc_id, text=text, outlet=str(rec["outlet"]))
        rows.append(row)
    day, decided = _date_order((r.get("date") for r in rows), dayfirst)
    if dayfirst is None and decided and rows:
        log.warn(name, None, f"dates like dd/dd/yyyy read {'day' if day else 'month'}-first: the file has dates "
                             f"that can only be read that way (pass dayfirst= to choose)")
    for row in rows:
        row["date"] = _parse_date(row.get("date"), row["source"], row["doc_id"], log, dayfirst=day, decided=decided)
    _normalise_outlets(rows, log, outlet_aliases, name)
    has_event = any("event" in row for row in rows)
    for row in rows:
        if has_event:
            row["event"] = _event_label(row.get("event"), row["source"], row["doc_id"], log)
    df = pd.DataFrame(rows)
    for col in DOCUMENT_COLUMNS:
        if col not in df.columns:
            df[col] = pd.NA
    df["date"] = pd.to_datetime(df["date"])
    extra = [c for c in df.columns if c not in DOCUMENT_COLUMNS]
    df = df[DOCUMENT_COLUMNS + extra].reset_index(drop=True)
    for col in ("doc_id", "outlet", "text", "source"):
        df[col] = df[col].astype("string")
    if has_event:
        df["event"] = df["event"].astype("string")
    validate_documents(df)
    return df


def validate_documents(df: pd.DataFrame) -> None:
    """Raise ``CorpusError`` unless ``df`` has the document schema (used on every load).

    Checks: required columns present, ``doc_id`` unique and non-empty, ``text`` and ``outlet``
    non-empty, ``date`` a datetime column.
    """
    missing = [c for c in DOCUMENT_COLUMNS if c not in df.columns]
    if missing:
        raise CorpusError(f"document table lacks columns {missing}")
    if len(df) and df["doc_id"].duplicated().any():
        dups = df.loc[df["doc_id"].duplicated(), "doc_id"].tolist()
        raise CorpusError(f"duplicate doc_id values: {dups[:5]}")
    for col in ("doc_id", "text", "outlet"):
        bad = df[col].isna() | (df[col].astype("string").str.strip() == "")
        if bad.any():
            raise CorpusError(f"empty {col} in rows {list(df.index[bad])[:5]}")
    if len(df) and not pd.api.types.is_datetime64_any_dtype(df["date"]):
        raise CorpusError("date column is not datetime64")


# --------------------------------------------------------------------------------------------------
# sources


def _norm_col(name) -> str:
    return re.sub(r"[\s_\-.]+", "_", str(name).strip().casefold()).strip("_")


def _resolve_columns(available: Iterable[str], columns: Mapping[str, str] | None, source: str) -> dict[str, str]:
    """Map canonical -> user column. Explicit ``columns`` must exist (exactly, or up to case and spacing);
    others are guessed from :data:`CANONICAL_ALIASES` the same way."""
    available = list(available)
    by_norm: dict[str, list[str]] = {}
    for col in available:
        by_norm.setdefault(_norm_col(col), []).append(col)
    mapping: dict[str, str] = {}
    columns = dict(columns or {})
    if "id" in columns:
        columns["doc_id"] = columns.pop("id")
    unknown = set(columns) - set(CANONICAL_ALIASES) - {"outlet_type"}
    if unknown:
        raise CorpusError(f"columns= has unknown keys {sorted(unknown)}; use {sorted(CANONICAL_ALIASES)}")
    for canon, user in columns.items():
        if user in available:
            mapping[canon] = user
        elif len(by_norm.get(_norm_col(user), [])) == 1:
            mapping[canon] = by_norm[_norm_col(user)][0]
        else:
            raise CorpusError(f"{source}: column {user!r} (mapped to {canon!r}) not found; columns are {available}")
    for canon, aliases in CANONICAL_ALIASES.items():
        if canon in mapping:
            continue
        for alias in aliases:
            hits = [c for c in ([alias] if alias in available else []) + by_norm.get(alias, [])
                    if c not in mapping.values()]
            if hits:
                mapping[canon] = hits[0]
                break
    if "text" not in mapping:
        raise CorpusError(f"{source}: no text column found (looked for {', '.join(CANONICAL_ALIASES['text'])}, "
                          f"in any case); pass columns={{'text': '<your column>'}} (command line: "
                          f"--columns text=<your column>; columns are {available})")
    return mapping


def _split_delimited(text: str, sep: str) -> list[dict]:
    """Records of a CSV/TSV text (``"`` quoting, ``""`` escapes): ``fields``, first and last physical
    ``line``/``end_line``, and ``problem`` for a quote that is never closed or closed by text after it
    (the field is then read literally up to the next delimiter, so later rows are not swallowed)."""
    quoted = re.compile(r'"([^"]*(?:""[^"]*)*)"')
    unquoted = re.compile(f"[^{re.escape(sep)}\r\n]*")
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(pos: int) -> int:
        return bisect_right(newlines, pos - 1) + 1

    records, pos, n = [], 0, len(text)
    while pos < n:
        start, fields, problem, literal = pos, [], None, False
        while True:
            if pos < n and text[pos] == '"':
                m = quoted.match(text, pos)
                end = m.end() if m else n
                if m and (end == n or text[end] in (sep, "\r", "\n")):
                    fields.append(m.group(1).replace('""', '"'))
                    pos = end
                else:
                    if m is None:
                        problem = f"quote opened at line {line_of(pos)} is never closed"
                    elif "\n" in text[pos:end] or "\r" in text[pos:end]:
                        problem = (f"quote opened at line {line_of(pos)} closes at line {line_of(end - 1)} "
                                   f"followed by {text[end:end + 10]!r}, not by a delimiter")
                    literal = True
                    u = unquoted.match(text, pos)
                    fields.append(u.group())
                    pos = u.end()
            else:
                u = unquoted.match(text, pos)
                fields.append(u.group())
                pos = u.end()
            if pos < n and text[pos] == sep:
                pos += 1
                continue
            end_line = line_of(pos)
            pos += 2 if text.startswith("\r\n", pos) else 1
            break
        records.append({"fields": fields, "line": line_of(start), "end_line": end_line, "problem": problem,
                        "literal": literal, "raw": text[start:pos] if end_line != line_of(start) else None})
    return records


def _literal_fields(line: str, sep: str) -> list[str]:
    return line.rstrip("\r").split(sep)


def _id_shape(value: str) -> str:
    """``a12-b`` -> ``a0-a``: letters and digits collapsed, to compare an id with a file's other ids."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d+", "0", value))


def _id_like(value: str) -> bool:
    return bool(value) and len(value) <= 100 and not re.search(r"\s|\"", value)


def _read_delimited(text: str, sep: str, name: str, log: _Log) -> tuple[pd.DataFrame, list[str]]:
    """A CSV/TSV text as a string table plus where each row came from (``row N``: the N-th data row).
    Rows that cannot be read (wrong number of fields, an unclosed quote, a quote that swallowed the
    following rows) are rejected here, each with its line, and the rest of the file is kept. In a TSV, a
    row whose stray quote mark is read as text and gives the header's number of fields is kept, with a
    warning."""
    if not text.strip():
        raise CorpusError(f"{name} is empty: no header, no rows")
    records = [r for r in _split_delimited(text, sep) if len(r["fields"]) > 1 or r["fields"][0].strip()]
    head = records[0]
    if head["problem"]:
        raise CorpusError(f"{name}: the header (line {head['line']}) cannot be read: {head['problem']}")
    header, counts = [], Counter()
    for col in head["fields"]:
        col = col.strip()
        counts[col] += 1
        header.append(col if counts[col] == 1 else f"{col}.{counts[col] - 1}")
    if len(set(header)) < len(header) or any(n > 1 for n in counts.values()):
        log.warn(name, None, f"repeated column names in the header: {sorted(c for c, n in counts.items() if n > 1)} "
                             "(later ones renamed name.1, name.2 ...)")
    ncols = len(header)
    norm = [_norm_col(c) for c in header]
    id_idx = next((norm.index(a) for a in CANONICAL_ALIASES["doc_id"] if a in norm), None)
    outlet_idx = next((norm.index(a) for a in CANONICAL_ALIASES["outlet"] if a in norm), None)
    body = records[1:]
    outlets = Counter(r["fields"][outlet_idx] for r in body if outlet_idx is not None and len(r["fields"]) == ncols)
    clean_ids = [r["fields"][id_idx].strip() for r in body
                 if id_idx is not None and len(r["fields"]) == ncols and r["end_line"] == r["line"]]
    id_shapes = {_id_shape(v) for v in clean_ids if v}
    id_prefix = os.path.commonprefix([v for v in clean_ids if v]) if len(clean_ids) > 1 else ""

    def looks_like_a_row(parts: list[str], *, first: bool = False, last: bool = False, own: str = "") -> bool:
        """A physical line of a quoted field that reads as a row of this file: the first or a middle line
        names an outlet of the file where the outlet goes; the last line (whose end is the record's own)
        has an id shaped like the file's. Without an id column, any complete line counts."""
        if id_idx is None or outlet_idx is None:
            return True
        if not last and len(parts) > outlet_idx and outlets.get(parts[outlet_idx], 0) > 0:
            return True
        if first:
            return False
        rid = parts[id_idx].strip()
        return (_id_shape(rid) in id_shapes | {_id_shape(own)} if own else _id_shape(rid) in id_shapes) or bool(
            id_prefix and rid.startswith(id_prefix))
    rows, wheres = [], []
    literal_seen = False
    for i, rec in enumerate(body, start=1):
        where = f"{name}:row {i}"
        f = rec["fields"]
        guess_id = f[id_idx].strip() if id_idx is not None and len(f) > id_idx and f[id_idx].strip() else None
        lines = (f"lines {rec['line']}-{rec['end_line']}" if rec["end_line"] != rec["line"] else f"line {rec['line']}")
        bad = None
        if rec["problem"] and sep == "\t" and len(f) == ncols:
            # TSV files are mostly written without quoting: a quote mark that opens no quoted field is text
            log.warn(where, guess_id, f"{rec['problem']}: the row was read with its quote marks as text")
        elif rec["problem"]:
            bad = f"malformed row ({lines}): {rec['problem']}; fix the quoting"
        elif len(f) != ncols:
            bad = (f"malformed row ({lines}): {len(f)} fields, the header has {ncols} (an unquoted delimiter or a "
                   "missing field?)")
        if bad:
            log.reject(where, guess_id, bad)
            if rec["end_line"] != rec["line"] and id_idx is not None:   # rows it may have swallowed
                physical = rec["raw"].replace("\r\n", "\n").rstrip("\n").split("\n")
                for k, ln in enumerate(physical[1:], start=1):
                    parts = _literal_fields(ln, sep)
                    if len(parts) > max(id_idx, 1) and _id_like(parts[id_idx].strip()):
                        log.reject(f"{name}:line {rec['line'] + k}", parts[id_idx].strip(),
                                   f"line {rec['line'] + k} may start a row, but it is inside the malformed {where} "
                                   f"({lines}): fix the quoting")
            continue
        if rec["literal"] and not literal_seen:
            literal_seen = True
            log.warn(where, guess_id, 'a field starts with " but is not a quoted field: its quote marks were '
                                      "kept as text", once=f"literal quote {name}")
        if rec["end_line"] != rec["line"]:
            physical = [_literal_fields(ln, sep) for ln in rec["raw"].replace("\r\n", "\n").rstrip("\n").split("\n")]
            starts = [k for k in range(1, len(physical))    # later lines that begin like a row (an id first)
                      if (len(physical[k]) == ncols if id_idx is None
                          else len(physical[k]) > max(id_idx, 1) and _id_like(physical[k][id_idx].strip()))]
            complete = [k for k in starts if len(physical[k]) == ncols]
            # the fields before the multi-line one are the record's own: only those after it are evidence
            ml_idx = next((j for j, v in enumerate(f) if "\n" in v or "\r" in v), 0)
            first_named = (outlet_idx is not None and outlet_idx > ml_idx and len(physical[0]) >= ncols
                           and outlets.get(physical[0][outlet_idx], 0) > 0)
            strong_later = any(looks_like_a_row(physical[k], last=k == len(physical) - 1, own=guess_id or "")
                               for k in starts)
            first_full = len(physical[0]) >= ncols and ml_idx < ncols - 1   # the first line holds a whole row
            if (first_full and (starts or first_named)) or (starts and strong_later):
                strong = strong_later or first_named or (first_full and (id_idx is None or outlet_idx is None))
                swallowed = [(rec["line"] + k, physical[k][id_idx].strip() if id_idx is not None else None)
                             for k in starts]
                listed = ", ".join(f"line {ln}" + (f" ({sid!r})" if sid else "") for ln, sid in swallowed)
                what = (f"a quoted field runs over {lines} and holds what look like rows of their own ({listed}): a "
                        "quote opened in one row was closed in a later one")
                if strong:
                    log.reject(where, guess_id, f"{what}; rejected with the rows it swallowed: fix the quoting")
                    for ln, sid in swallowed:
                        log.reject(f"{name}:line {ln}", sid, f"swallowed into {where} by a quote opened at line "
                                                              f"{rec['line']}: fix the quoting")
                    continue
                log.warn(where, guess_id, f"{what}? Kept as one document; check the quoting")
        rows.append([v if v != "" else None for v in f])
        wheres.append(where)
    return pd.DataFrame(rows, columns=header, dtype=object), wheres


def _read_table_file(path: Path, log: _Log, *, repair_encoding: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """A table file as a DataFrame plus where each row came from. Raises ``CorpusError`` naming the file
    when it cannot be read at all. ``repair_encoding``: a file that is not UTF-8 is read as Windows-1252
    (Latin-1), with a warning (used for metadata tables)."""
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
            raise CorpusError(f"{path.name} cannot be read as Parquet ({type(exc).__name__}: {exc})") from exc
        return df.reset_index(drop=True), [f"{path.name}:row {i + 1}" for i in range(len(df))]
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError(f"{path.name} is empty ({len(data)} bytes): no header, no rows")
    text, problem, note = _decode(data, nul_is_problem=False)
    if problem and repair_encoding and problem.startswith("undecodable"):
        try:
            text, how = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, how = data.decode("latin-1"), "Latin-1"
        log.warn(path.name, None, f"not UTF-8 ({problem.split(': ', 1)[1]}): read as {how}; check accented "
                                  "letters in outlets and titles")
        problem = None
    elif note:
        log.warn(path.name, None, note)
    # Undecodable bytes become U+FFFD; when the file had any, rows holding U+FFFD in their text are
    # rejected one by one in _table_records (the rest of the file is still usable).
    if suffix in {".jsonl", ".ndjson"}:
        records, wheres = [], []
        # split on "\n" only: U+2028 and other Unicode line separators are legal inside JSON strings
        for i, line in enumerate(text.split("\n"), start=1):
            line = line.rstrip("\r")
            if i == 1:
                line = line.lstrip("\ufeff")
            if not line.strip():
                continue
            where = f"{path.name}:line {i}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                log.reject(where, None, f"malformed JSON: {exc.msg}")
                continue
            if not isinstance(rec, dict):
                log.reject(where, None, "JSON line is not an object")
                continue
            records.append(rec)
            wheres.append(where)
        if not records and not log.rejects:
            raise CorpusError(f"{path.name} holds no JSON lines")
        out = pd.DataFrame(records)
    else:
        out, wheres = _read_delimited(text, "\t" if suffix == ".tsv" else ",", path.name, log)
        if out.empty and not log.rejects:
            raise CorpusError(f"{path.name} has a header but no rows")
    out.attrs["decode_problem"] = problem
    return out, wheres


def _as_id(value, where: str, log: _Log, what: str):
    """A string id/outlet from a table cell; numbers are converted with a warning, other kinds are
    returned as ``(None, reason)`` to reject the row."""
    if isinstance(value, str) or _blank(value):
        return value, None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return None, f"{what} is not a string ({value!r})"
    if isinstance(value, numbers.Integral):
        return str(int(value)), None
    if isinstance(value, numbers.Real):
        text = str(int(value)) if float(value).is_integer() else str(value)
        log.warn(where, text if what == "id" else None, f"{what} {value!r} is a number, not a string: read as {text!r}",
                 once=f"numeric {what}")
        return text, None
    return None, f"{what} is not a string ({type(value).__name__}: {str(value)[:40]})"


def _table_records(df: pd.DataFrame, source: str, columns: Mapping[str, str] | None, log: _Log,
                   wheres: list[str] | None = None) -> list[dict]:
    if df.shape[1] == 0 and log.rejects:
        return []
    mapping = _resolve_columns(df.columns, columns, source)
    if "doc_id" not in mapping:
        log.warn(source, None, "no id column: using row numbers as ids")
    extras = [c for c in df.columns if c not in mapping.values()]
    renamed = {}
    for c in extras:
        name = str(c)
        if name in RESERVED_COLUMNS or name.startswith("_") or name in CANONICAL_ALIASES:
            renamed[c] = f"user_{name}"
        else:
            renamed[c] = name
    clashes = sorted(str(c) for c in renamed if renamed[c] != str(c))
    if clashes:
        log.warn(source, None, f"columns {clashes} have names the corpus uses itself: kept as "
                               f"{[renamed[c] for c in renamed if renamed[c] != str(c)]}")
    records = []
    for pos, row in enumerate(df.itertuples(index=False, name=None)):
        values = dict(zip(df.columns, row))
        where = wheres[pos] if wheres is not None else f"{source}:row {pos + 1}"
        rec = {canon: values[user] for canon, user in mapping.items()}
        if "doc_id" not in mapping:
            rec["doc_id"] = f"row{pos + 1:06d}"
        rec["source"] = where
        for what, key in (("id", "doc_id"), ("outlet", "outlet")):
            val, bad = _as_id(rec.get(key), where, log, what)
            if bad:
                rec["_decode_problem"] = bad
                if key == "doc_id":
                    rec["doc_id"] = str(rec.get(key))[:40] if not _blank(rec.get(key)) else None
            else:
                rec[key] = val
        for canon in ("text", "title", "outlet", "author"):
            val = rec.get(canon)
            if df.attrs.get("decode_problem") and isinstance(val, str) and "\ufffd" in val:
                if canon == "text":
                    rec.setdefault("_decode_problem", "undecodable bytes in the text field (not valid UTF-8)")
                else:
                    log.warn(where, str(rec.get("doc_id")), f"undecodable bytes in {canon}: replaced with U+FFFD")
            if isinstance(val, str) and "\x00" in val:
                if canon == "text":
                    rec.setdefault("_decode_problem", "NUL bytes in the text field (binary data, not text)")
                else:
                    rec[canon] = val.replace("\x00", "")
                    log.warn(where, str(rec.get("doc_id")), f"NUL bytes in {canon}: removed")
        rec.update({renamed[c]: values[c] for c in extras})
        records.append(rec)
    return records


def _metadata_names(meta: pd.DataFrame, meta_name: str, log: _Log) -> pd.DataFrame:
    """Metadata columns under our names: ``outlet``, ``date``, ``title``, ``author`` found by their synonyms
    (as for tables), and a column the loader writes itself (``source``, ``text`` ...) kept as ``user_<name>``."""
    keys = {"doc_id", "file"}
    available = [c for c in meta.columns if c not in keys]
    by_norm: dict[str, list[str]] = {}
    for col in available:
        by_norm.setdefault(_norm_col(col), []).append(col)
    rename, taken = {}, set()
    for canon in ("outlet", "date", "title", "author", "outlet_type", "event"):
        if canon in meta.columns:
            taken.add(canon)
            continue
        for alias in CANONICAL_ALIASES.get(canon, ()):
            hit = next((c for c in by_norm.get(alias, []) if c not in rename and c not in taken), None)
            if hit is not None:
                rename[hit] = canon
                taken.add(hit)
                break
    clashes = {}
    for col in available:
        if col not in rename and col not in taken and (str(col) in RESERVED_COLUMNS or str(col).startswith("_")):
            clashes[col] = f"user_{col}"
    if clashes:
        log.warn(meta_name, None, f"columns {sorted(map(str, clashes))} have names the corpus uses itself: kept as "
                                  f"{sorted(clashes.values())}")
    return meta.rename(columns={**rename, **clashes})


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except ValueError:
        return False


def _folder_files(folder: Path, suffixes: set[str], log: _Log) -> list[Path]:
    """Files of ``folder`` with one of ``suffixes``; links that lead outside the folder are rejected."""
    files = []
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() not in suffixes:
            continue
        if p.is_symlink() and not _inside(p, folder):
            log.reject(f"{folder.name}/{p.name}", p.stem, "symbolic link to a file outside the corpus folder: "
                                                          "not read")
            continue
        if p.is_file():
            files.append(p)
    return files


def _txt_folder_records(folder: Path, metadata: Path | pd.DataFrame | None, log: _Log) -> list[dict]:
    files = _folder_files(folder, {".txt"}, log)
    meta_df: pd.DataFrame | None
    wheres: list[str] | None = None
    meta_name = "metadata"
    if isinstance(metadata, pd.DataFrame):
        meta_df = metadata.reset_index(drop=True).copy()
        meta_name = "metadata table"
    elif metadata is not None:
        meta_path = Path(metadata)
        if not meta_path.exists():
            raise FileNotFoundError(f"metadata table {meta_path} does not exist")
        meta_df, wheres = _read_table_file(meta_path, log, repair_encoding=True)
        meta_name = meta_path.name
    elif (folder / "metadata.csv").exists():
        if (folder / "metadata.csv").is_symlink() and not _inside(folder / "metadata.csv", folder):
            raise CorpusError(f"{folder / 'metadata.csv'} is a symbolic link to a file outside the corpus folder")
        meta_df, wheres = _read_table_file(folder / "metadata.csv", log, repair_encoding=True)
        meta_name = "metadata.csv"
    else:
        meta_df = None
    if wheres is None and meta_df is not None:
        wheres = [f"{meta_name}:row {i + 1}" for i in range(len(meta_df))]
    if meta_df is not None and meta_df.attrs.get("decode_problem"):
        log.warn(meta_name, None, meta_df.attrs["decode_problem"])
    if meta_df is not None:
        meta_df = _metadata_names(meta_df, meta_name, log)
    by_name: dict[str, dict] = {}     # file name (or stem, for doc_id keys) -> metadata row
    listed_at: dict[str, str] = {}
    if meta_df is not None:
        key = "doc_id" if "doc_id" in meta_df.columns else "file" if "file" in meta_df.columns else None
        if key is None:
            raise CorpusError(f"metadata for {folder} needs a 'doc_id' (file stem) or 'file' column")
        for i, row in enumerate(meta_df.to_dict("records")):
            where = wheres[i]
            value = row[key]
            if _blank(value):
                log.reject(where, None, f"metadata row without a {key}")
                continue
            value = str(value).strip()
            if key == "file":
                rel = PurePosixPath(value.replace("\\", "/"))
                rel = PurePosixPath(*[p for p in rel.parts if p != "."])
                if len(rel.parts) != 1:
                    exists = (folder / Path(*rel.parts)).exists()
                    log.reject(where, rel.stem, f"file {value!r} is {'in a subfolder' if exists else 'not found'}: "
                                                f"only the files directly in {folder.name}/ are read")
                    continue
                name = rel.name if rel.suffix else f"{rel.name}.txt"
            else:
                name = f"{value}.txt" if not value.lower().endswith(".txt") else value
            if name in by_name:
                log.reject(where, Path(name).stem, f"duplicate metadata row for {name!r} (first at {listed_at[name]})")
                continue
            by_name[name] = {k: (None if _blank(v) else v) for k, v in row.items()}
            listed_at[name] = where
    names = {p.name for p in files}
    rejected_links = {r["source"].split("/", 1)[-1] for r in log.rejects}
    for name in by_name:
        if name not in names and name not in rejected_links:
            log.reject(listed_at[name], Path(name).stem,
                       f"file not found: {name} is listed in {listed_at[name]} but is not in {folder.name}/")
    records = []
    for path in files:
        text, problem, note = _decode(path.read_bytes())
        meta = dict(by_name.get(path.name, {}))
        if meta_df is not None and path.name not in by_name:
            meta["_no_meta"] = f"no metadata row for this file in {meta_name} (outlet unknown)"
        rec = {**meta, "doc_id": path.stem, "text": text, "source": f"{folder.name}/{path.name}"}
        rec.pop("file", None)
        if problem:
            rec["_decode_problem"] = problem
        if note:
            rec["_notes"] = [note]
        records.append(rec)
    return records


def _html_folder_records(folder: Path, log: _Log) -> list[dict]:
    import trafilatura

    records = []
    for path in _folder_files(folder, HTML_SUFFIXES, log):
        src = f"{folder.name}/{path.name}"
        markup, problem, _ = _decode(path.read_bytes())
        if problem:
            records.append({"doc_id": path.stem, "source": src, "_decode_problem": problem})
            continue
        text = trafilatura.extract(markup, include_comments=False, include_tables=False, favor_precision=True)
        meta = trafilatura.extract_metadata(markup)
        records.append(
            {
                "doc_id": path.stem,
                "source": src,
                "text": text,
                "outlet": getattr(meta, "sitename", None) if meta else None,
                "title": getattr(meta, "title", None) if meta else None,
                "author": getattr(meta, "author", None) if meta else None,
                "date": getattr(meta, "date", None) if meta else None,
                "url": getattr(meta, "url", None) if meta else None,
                "_allow_html": True,
            }
        )
    return records


def load_corpus(
    source: str | Path | pd.DataFrame | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    metadata: str | Path | pd.DataFrame | None = None,
    outlet: str | None = None,
    dayfirst: bool | None = None,
    outlet_aliases: Mapping[str, str] | None = None,
) -> RawCorpus:
    """Load documents from ``source`` (see module docstring) into the validated schema.

    ``columns`` maps our names to yours, e.g. ``{"text": "body", "outlet": "source", "id": "ID"}``. The optional
    ``event`` column (found as ``event``, ``event_id``, ``story_id``, ``story``, ``cluster`` ...) names the event
    an article reports; it is kept as a text column of the documents only when the source has one, and an
    article without an event (blank, or not a label) is simply not paired (:mod:`analysis.compare.events`).
    ``outlet`` sets one outlet for every document that has none (useful for single-outlet folders).
    ``dayfirst``: how to read ``06/07/2019``; ``None`` (the default) reads the order the file's own dates
    allow (``24/06/2019`` can only be day-first) and otherwise month-first, warning on every ambiguous date.
    ``outlet_aliases`` maps spellings to an outlet name (a story file's ``outlet_aliases``); spellings that
    differ only in case or spacing are merged anyway, under the most frequent one.
    Raises ``FileNotFoundError`` when ``source`` does not exist and ``CorpusError`` when it cannot be
    read as a corpus at all; single bad documents are rejected, never raised.

    >>> df = pd.DataFrame({"Article": ["Tolls rise.", "Tolls fall."], "Source": ["Fox", "FOX "],
    ...                    "Date Published": ["24/06/2019", "06/07/2019"]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     raw = load_corpus(df)
    >>> raw.documents.outlet.tolist(), raw.documents.date.dt.strftime("%Y-%m-%d").tolist()
    (['Fox', 'Fox'], ['2019-06-24', '2019-07-06'])
    """
    log = _Log()
    if source is None:
        source = get_settings().seeds_dir
    if isinstance(source, pd.DataFrame):
        name = "DataFrame"
        records = _table_records(source.reset_index(drop=True), name, columns, log)
    else:
        path = Path(source).expanduser()
        name = path.name
        if not path.exists():
            raise FileNotFoundError(f"corpus source {path} does not exist")
        if path.is_dir():
            kinds = {p.suffix.lower() for p in path.iterdir()}
            records = []
            if ".txt" in kinds:
                records += _txt_folder_records(path, metadata, log)
            if kinds & HTML_SUFFIXES:
                records += _html_folder_records(path, log)
            if not records and not log.rejects:
                raise CorpusError(f"{path} holds no .txt or .html files")
        elif path.suffix.lower() in TABLE_SUFFIXES:
            df, wheres = _read_table_file(path, log)
            records = _table_records(df, path.name, columns, log, wheres)
        elif path.suffix.lower() == ".txt":
            text, problem, note = _decode(path.read_bytes())
            records = [{"doc_id": path.stem, "text": text, "source": path.name, "_decode_problem": problem,
                        "_notes": [note] if note else []}]
        else:
            raise CorpusError(
                f"cannot read {path}: use a folder of .txt/.html files or a {sorted(TABLE_SUFFIXES)} table"
            )
    if outlet is not None:
        for rec in records:
            if _blank(rec.get("outlet")):
                rec["outlet"] = outlet
    for rec in records:
        no_meta = rec.pop("_no_meta", None)
        if no_meta and _blank(rec.get("outlet")):
            rec["_decode_problem"] = rec.get("_decode_problem") or no_meta
    docs = _finalise(records, log, name=name, dayfirst=dayfirst, outlet_aliases=outlet_aliases)
    return RawCorpus(
        documents=docs,
        rejects=pd.DataFrame(log.rejects, columns=["source", "doc_id", "reason"]),
        issues=pd.DataFrame(log.issues, columns=["level", "source", "doc_id", "message"]),
    )
