"""Loading a corpus from any supported source into one validated schema.

Supported sources (``load_corpus(source)``):

- ``None``: the project's seed articles (``seeds/``: ``*.txt`` plus ``metadata.csv``).
- a folder of ``.txt`` files, with a metadata table (``metadata.csv`` in the folder, or ``metadata=``)
  keyed by ``doc_id`` (file stem) or ``file`` (file name);
- a folder of saved web pages (``.html``/``.htm``): main text and metadata extracted with trafilatura;
- a table: ``.csv``, ``.tsv``, ``.jsonl``/``.ndjson``, ``.parquet`` file, or a pandas DataFrame, with a
  ``columns=`` mapping from our names (``id, text, outlet, date, title, author``) to yours.

Nothing is silently lost: every input document ends either in ``RawCorpus.documents`` or in
``RawCorpus.rejects`` with a reason; problems that do not cost a document (an unparseable date, HTML
markup in a text field) are listed in ``RawCorpus.issues`` as warnings and emitted with ``warnings.warn``.

>>> raw = load_corpus()
>>> sorted(raw.documents.outlet.unique())
['Business Times', 'Interesting Engineering', 'NS Tech', 'Sputnik']
>>> len(raw.rejects)
0
"""
from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from analysis.config import get_settings

#: Our column names and the user-side names we recognise without a mapping (first match wins).
CANONICAL_ALIASES: dict[str, tuple[str, ...]] = {
    "doc_id": ("doc_id", "id", "ID", "article_id", "uid"),
    "text": ("text", "body", "content", "article", "full_text"),
    "outlet": ("outlet", "source", "publisher", "site", "sitename", "media"),
    "date": ("date", "published", "publication_date", "pub_date", "datetime"),
    "title": ("title", "headline"),
    "author": ("author", "byline", "authors"),
}
#: Columns every document table has after loading, in this order (extra columns follow).
DOCUMENT_COLUMNS = ["doc_id", "outlet", "outlet_type", "title", "date", "author", "text", "source"]
TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".pq"}
HTML_SUFFIXES = {".html", ".htm"}
_HTML_TAG = re.compile(r"<\s*(/?\s*(p|br|div|span|a|b|i|em|strong|h[1-6]|li|ul|ol|html|body|script|style)\b[^>]*|!--)", re.I)


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

    def reject(self, source: str, doc_id: str | None, reason: str) -> None:
        self.rejects.append({"source": source, "doc_id": doc_id, "reason": reason})
        self.issues.append({"level": "rejected", "source": source, "doc_id": doc_id, "message": reason})

    def warn(self, source: str, doc_id: str | None, message: str) -> None:
        self.issues.append({"level": "warning", "source": source, "doc_id": doc_id, "message": message})
        warnings.warn(f"{source}: {message}", stacklevel=3)


# --------------------------------------------------------------------------------------------------
# decoding and text checks


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode UTF-8 (BOM allowed). Returns ``(text, problem)``; ``problem`` names the first bad byte.

    >>> decode_bytes("caf\\u00e9".encode())
    ('café', None)
    >>> decode_bytes(b"ok\\xff")[1]
    'undecodable bytes: not valid UTF-8 at byte 2 (line 1)'
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("utf-8-sig", errors="replace")
        return text, f"undecodable bytes: not valid UTF-8 at byte {exc.start} (line {line})"


def looks_like_html(text: str) -> bool:
    """True when a text field holds HTML markup (tags such as ``<p>`` or ``<br/>``)."""
    return bool(_HTML_TAG.search(text or ""))


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, block elements becoming paragraph breaks."""
    import lxml.html

    markup = re.sub(r"(?i)<\s*br\s*/?>", "\n", markup)
    markup = re.sub(r"(?i)</\s*(p|div|h[1-6]|li)\s*>", "\n\n", markup)
    tree = lxml.html.fromstring(f"<div>{markup}</div>")
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    text = tree.text_content()
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or (isinstance(value, str) and not value.strip()) or value is pd.NA


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


def _parse_date(value, source: str, doc_id: str, log: _Log) -> pd.Timestamp:
    if _blank(value):
        return pd.NaT
    try:
        ts = pd.to_datetime(value, errors="raise")
    except (ValueError, TypeError, OverflowError):
        log.warn(source, doc_id, f"unparseable date {value!r}: kept the document with date unknown")
        return pd.NaT
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


# --------------------------------------------------------------------------------------------------
# record validation shared by every source


def _finalise(records: list[dict], log: _Log) -> pd.DataFrame:
    """Validate records (text, outlet, ids, dates, HTML) into the document schema."""
    seen: dict[str, str] = {}
    rows = []
    for rec in records:
        src, doc_id = rec["source"], rec.get("doc_id")
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
        row.update(doc_id=doc_id, text=text, outlet=str(rec["outlet"]).strip())
        row["date"] = _parse_date(rec.get("date"), src, doc_id, log)
        rows.append(row)
    df = pd.DataFrame(rows)
    for col in DOCUMENT_COLUMNS:
        if col not in df.columns:
            df[col] = pd.NA
    df["date"] = pd.to_datetime(df["date"])
    extra = [c for c in df.columns if c not in DOCUMENT_COLUMNS]
    df = df[DOCUMENT_COLUMNS + extra].reset_index(drop=True)
    for col in ("doc_id", "outlet", "text", "source"):
        df[col] = df[col].astype("string")
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


def _resolve_columns(available: Iterable[str], columns: Mapping[str, str] | None, source: str) -> dict[str, str]:
    """Map canonical -> user column. Explicit ``columns`` must exist; others are guessed from aliases."""
    available = list(available)
    mapping: dict[str, str] = {}
    columns = dict(columns or {})
    if "id" in columns:
        columns["doc_id"] = columns.pop("id")
    unknown = set(columns) - set(CANONICAL_ALIASES) - {"outlet_type"}
    if unknown:
        raise CorpusError(f"columns= has unknown keys {sorted(unknown)}; use {sorted(CANONICAL_ALIASES)}")
    for canon, user in columns.items():
        if user not in available:
            raise CorpusError(f"{source}: column {user!r} (mapped to {canon!r}) not found; columns are {available}")
        mapping[canon] = user
    for canon, aliases in CANONICAL_ALIASES.items():
        if canon not in mapping:
            hit = next((a for a in aliases if a in available and a not in mapping.values()), None)
            if hit:
                mapping[canon] = hit
    if "text" not in mapping:
        raise CorpusError(f"{source}: no text column found; pass columns={{'text': '<your column>'}} (columns are {available})")
    return mapping


def _read_table_file(path: Path, log: _Log) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        return pd.read_parquet(path)
    data = path.read_bytes()
    text, problem = decode_bytes(data)
    # Undecodable bytes become U+FFFD; when the file had any, rows holding U+FFFD in their text are
    # rejected one by one in _table_records (the rest of the file is still usable).
    if suffix in {".jsonl", ".ndjson"}:
        records = []
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                log.reject(f"{path.name}:line {i}", None, f"malformed JSON: {exc.msg}")
                continue
            if not isinstance(rec, dict):
                log.reject(f"{path.name}:line {i}", None, "JSON line is not an object")
                continue
            rec["_line"] = i
            records.append(rec)
        out = pd.DataFrame(records)
        out.attrs["decode_problem"] = problem
        return out
    import io

    sep = "\t" if suffix == ".tsv" else ","
    out = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])
    out.attrs["decode_problem"] = problem
    return out


def _table_records(df: pd.DataFrame, source: str, columns: Mapping[str, str] | None, log: _Log) -> list[dict]:
    mapping = _resolve_columns(df.columns, columns, source)
    if "doc_id" not in mapping:
        log.warn(source, None, "no id column: using row numbers as ids")
    records = []
    for pos, (_, row) in enumerate(df.iterrows()):
        line = row.get("_line")
        where = f"{source}:line {int(line)}" if line is not None and not pd.isna(line) else f"{source}:row {pos + 1}"
        rec = {canon: row[user] for canon, user in mapping.items()}
        if "doc_id" not in mapping:
            rec["doc_id"] = f"row{pos + 1:06d}"
        rec["source"] = where
        for canon in ("text", "title", "outlet", "author"):
            val = rec.get(canon)
            if df.attrs.get("decode_problem") and isinstance(val, str) and "\ufffd" in val:
                if canon == "text":
                    rec["_decode_problem"] = "undecodable bytes in the text field (not valid UTF-8)"
                else:
                    log.warn(where, str(rec.get("doc_id")), f"undecodable bytes in {canon}: replaced with U+FFFD")
        extras = {c: row[c] for c in df.columns if c not in mapping.values() and not str(c).startswith("_")}
        rec.update({k: v for k, v in extras.items() if k not in rec})
        records.append(rec)
    return records


def _txt_folder_records(folder: Path, metadata: Path | pd.DataFrame | None, log: _Log) -> list[dict]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt")
    meta_df: pd.DataFrame | None
    if isinstance(metadata, pd.DataFrame):
        meta_df = metadata.copy()
    elif metadata is not None:
        meta_path = Path(metadata)
        if not meta_path.exists():
            raise FileNotFoundError(f"metadata table {meta_path} does not exist")
        meta_df = _read_table_file(meta_path, log)
    elif (folder / "metadata.csv").exists():
        meta_df = _read_table_file(folder / "metadata.csv", log)
    else:
        meta_df = None
    by_stem: dict[str, dict] = {}
    if meta_df is not None:
        key = "doc_id" if "doc_id" in meta_df.columns else "file" if "file" in meta_df.columns else None
        if key is None:
            raise CorpusError(f"metadata for {folder} needs a 'doc_id' (file stem) or 'file' column")
        for i, row in meta_df.iterrows():
            stem = Path(str(row[key])).stem
            if stem in by_stem:
                log.reject(f"metadata row {i + 2}", stem, f"duplicate metadata row for {stem!r}")
                continue
            by_stem[stem] = {k: (None if _blank(v) else v) for k, v in row.items()}
    stems = {p.stem for p in files}
    for stem in by_stem:
        if stem not in stems:
            log.reject(f"{folder.name}/{stem}.txt", stem, "file not found (listed in metadata)")
    records = []
    for path in files:
        text, problem = decode_bytes(path.read_bytes())
        meta = dict(by_stem.get(path.stem, {}))
        if meta_df is not None and path.stem not in by_stem:
            meta["_no_meta"] = True
        rec = {**meta, "doc_id": path.stem, "text": text, "source": f"{folder.name}/{path.name}"}
        rec.pop("file", None)
        if problem:
            rec["_decode_problem"] = problem
        records.append(rec)
    return records


def _html_folder_records(folder: Path, log: _Log) -> list[dict]:
    import trafilatura

    records = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in HTML_SUFFIXES):
        src = f"{folder.name}/{path.name}"
        markup, problem = decode_bytes(path.read_bytes())
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
) -> RawCorpus:
    """Load documents from ``source`` (see module docstring) into the validated schema.

    ``columns`` maps our names to yours, e.g. ``{"text": "body", "outlet": "source", "id": "ID"}``.
    ``outlet`` sets one outlet for every document that has none (useful for single-outlet folders).
    Raises ``FileNotFoundError`` when ``source`` does not exist and ``CorpusError`` when it cannot be
    read as a corpus at all; single bad documents are rejected, never raised.
    """
    log = _Log()
    if source is None:
        source = get_settings().seeds_dir
    if isinstance(source, pd.DataFrame):
        records = _table_records(source.reset_index(drop=True), "DataFrame", columns, log)
    else:
        path = Path(source).expanduser()
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
            records = _table_records(_read_table_file(path, log), path.name, columns, log)
        elif path.suffix.lower() == ".txt":
            text, problem = decode_bytes(path.read_bytes())
            records = [{"doc_id": path.stem, "text": text, "source": path.name, "_decode_problem": problem}]
        else:
            raise CorpusError(
                f"cannot read {path}: use a folder of .txt/.html files or a {sorted(TABLE_SUFFIXES)} table"
            )
    if outlet is not None:
        for rec in records:
            if _blank(rec.get("outlet")):
                rec["outlet"] = outlet
    for rec in records:
        if rec.pop("_no_meta", False) and _blank(rec.get("outlet")):
            rec["_decode_problem"] = rec.get("_decode_problem") or "no metadata row for this file (outlet unknown)"
    docs = _finalise(records, log)
    return RawCorpus(
        documents=docs,
        rejects=pd.DataFrame(log.rejects, columns=["source", "doc_id", "reason"]),
        issues=pd.DataFrame(log.issues, columns=["level", "source", "doc_id", "message"]),
    )
