"""The parse cache's shards: writing parsed Docs as immutable shards and reading their tables and Docs back.

A shard is a folder ``shard-<time>-<id>/`` holding ``sentences.parquet``, ``tokens.parquet`` and
``entities.parquet`` (rows keyed by the text's cache key), ``docs.spacy`` (a ``DocBin`` with the Docs),
``counts.json`` (sentence and token rows per key), ``checksums.json`` (byte size and SHA-256 of every
file, the rows of every table and a hash of the key list) and ``keys.json`` (the keys, written last: a shard
counts once it exists). :func:`verify_shard` checks a shard against its checksums, and
:func:`drop_damaged_shards` removes the shards that fail (with a warning naming each) so the documents
in them are parsed again; :func:`iter_docs` also checks that every Doc's text is the text its key names.
:mod:`analysis.corpus.parse` decides what to parse; this module knows the format.

>>> import pandas as pd, tempfile
>>> from analysis.corpus.parse import parse_documents
>>> parsed = parse_documents(pd.DataFrame({"doc_id": ["a"], "text": ["Hi there. Bye."]}), cache_dir=tempfile.mkdtemp(), progress=False)
>>> [len(read_table(parsed, "sentences")), len(list(iter_docs(parsed)))]
[2, 1]
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.store import file_sha256

TOKEN_COLUMNS = ["doc_id", "sent_id", "token_i", "text", "lemma", "lower", "pos", "tag", "dep", "head_i",
                 "start_char", "end_char", "is_stop", "is_alpha", "is_punct", "like_num", "ent_type", "ent_iob"]
SENTENCE_COLUMNS = ["doc_id", "sent_id", "sent_i", "start_char", "end_char", "text", "n_tokens"]
ENTITY_COLUMNS = ["doc_id", "sent_id", "ent_i", "text", "label", "start_char", "end_char", "root_i"]
#: Token columns with a few dozen distinct values (part-of-speech, tag, dependency, entity type and IOB), read
#: from the shards as pandas categoricals with sorted categories: 1 byte a row instead of about 12 as Arrow strings.
#: Comparisons, ``isin``, ``astype(str)``, ``.str`` and ``groupby`` give what they gave on strings (pandas 3 groups
#: only observed categories); ``+`` with a string does not work on a categorical, so concatenate ``astype(str)``.
CATEGORICAL_COLUMNS = {"tokens": ("pos", "tag", "dep", "ent_type", "ent_iob"), "sentences": (), "entities": ()}
#: Documents per cache shard: bounds memory while parsing large corpora (each parsing process buffers one
#: shard's tables and DocBin; the memory measured per shard size is in docs/performance.md).
SHARD_SIZE = 250
@dataclass
class ParseStats:
    n_docs: int
    n_cached: int
    n_parsed: int
    seconds: float
    model: str
    cache_dir: str


@dataclass
class Parsed:
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    entities: pd.DataFrame
    stats: ParseStats
    shards: list[Path] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # doc_id -> cache key


#: Token attributes read in one ``Doc.to_array`` call (no per-token Python work).
_ATTR_NAMES = ("ORTH", "LEMMA", "LOWER", "POS", "TAG", "DEP", "HEAD", "IS_STOP", "IS_ALPHA", "IS_PUNCT",
               "LIKE_NUM", "ENT_TYPE", "ENT_IOB", "IS_SPACE", "IDX", "SENT_START", "LENGTH")
_A = {n: i for i, n in enumerate(_ATTR_NAMES)}
_STRING_ATTRS = {"text": "ORTH", "lemma": "LEMMA", "lower": "LOWER", "pos": "POS", "tag": "TAG", "dep": "DEP",
                 "ent_type": "ENT_TYPE"}
_FLAG_ATTRS = {"is_stop": "IS_STOP", "is_alpha": "IS_ALPHA", "is_punct": "IS_PUNCT", "like_num": "LIKE_NUM"}
_IOB = np.array(["", "I", "O", "B"], dtype=object)
_STRING_COLUMNS = ("key", "text", "lemma", "lower", "pos", "tag", "dep", "label", "ent_type", "ent_iob")
_SHARD_LAYOUTS = {
    "sentences": ["key", "sent_i", "start_char", "end_char", "text", "n_tokens"],
    "tokens": ["key", "sent_i"] + TOKEN_COLUMNS[2:],
    "entities": ["key", "sent_i", "ent_i", "text", "label", "start_char", "end_char", "root_i"],
}


@lru_cache(maxsize=1)
def _attr_ids() -> list[int]:
    import spacy.attrs

    return [getattr(spacy.attrs, n) for n in _ATTR_NAMES]


def _doc_arrays(key: str, doc) -> tuple[dict, dict, dict]:
    """Sentence, token and entity columns of one parsed Doc (token attributes as string hashes)."""
    a = doc.to_array(_attr_ids())
    n = len(a)
    space = a[:, _A["IS_SPACE"]].astype(bool)
    idx = a[:, _A["IDX"]].astype(np.int64)
    length = a[:, _A["LENGTH"]].astype(np.int64)
    starts_mask = a[:, _A["SENT_START"]].astype(np.int64) == 1
    if n:
        starts_mask[0] = True
    starts = np.flatnonzero(starts_mask)
    ends = np.append(starts[1:], n).astype(np.int64)
    sent_of = np.full(n, -1, dtype=np.int64)
    s_start: list[int] = []
    s_end: list[int] = []
    s_ntok: list[int] = []
    for b, e in zip(starts.tolist(), ends.tolist()):
        words = np.flatnonzero(~space[b:e]) + b
        if not len(words):
            continue
        start, end = int(idx[words[0]]), int(idx[words[-1]] + length[words[-1]])
        sent_of[b:e] = len(s_start)
        s_start.append(start), s_end.append(end), s_ntok.append(len(words))
    text = doc.text
    sents = {"sent_i": np.arange(len(s_start), dtype=np.int64), "start_char": np.array(s_start, dtype=np.int64),
             "end_char": np.array(s_end, dtype=np.int64), "n_tokens": np.array(s_ntok, dtype=np.int64),
             "text": np.array([text[b:e] for b, e in zip(s_start, s_end)], dtype=object)}
    keep = ~space
    token_i = np.arange(n, dtype=np.int64)
    toks = {"sent_i": sent_of[keep], "token_i": token_i[keep],
            "head_i": (token_i + a[:, _A["HEAD"]].astype(np.int64))[keep],
            "start_char": idx[keep], "end_char": (idx + length)[keep],
            "ent_iob": _IOB[a[keep, _A["ENT_IOB"]].astype(np.int64)]}
    for col, attr in _STRING_ATTRS.items():
        toks[col] = a[keep, _A[attr]]  # hashes, resolved per shard
    for col, attr in _FLAG_ATTRS.items():
        toks[col] = a[keep, _A[attr]].astype(bool)
    ents: dict[str, list] = {"sent_i": [], "ent_i": [], "text": [], "label": [], "start_char": [], "end_char": [], "root_i": []}
    for j, ent in enumerate(doc.ents):
        ents["sent_i"].append(int(sent_of[ent.start])), ents["ent_i"].append(j), ents["text"].append(ent.text)
        ents["label"].append(ent.label_), ents["start_char"].append(ent.start_char)
        ents["end_char"].append(ent.end_char), ents["root_i"].append(ent.root.i)
    return sents, toks, ents


_DOCBIN_STRING_ATTRS = ("ORTH", "TAG", "LEMMA", "NORM", "MORPH", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")


def _docbin_add(bin_, doc, seen: set[int]) -> None:
    """``DocBin.add`` without its per-token Python loop: the same arrays and the same string set,
    collected from unique hashes (``seen`` holds hashes already added to this bin)."""
    import spacy.attrs
    from spacy.attrs import SPACY

    if doc.spans or doc.user_data:
        bin_.add(doc)  # rare: span groups or user data, use spaCy's own path
        return
    array = doc.to_array(bin_.attrs)
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    bin_.tokens.append(array)
    bin_.spaces.append(np.asarray(doc.to_array(SPACY).reshape((-1, 1)), dtype=bool))
    bin_.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
    hashes = doc.to_array([getattr(spacy.attrs, a) for a in _DOCBIN_STRING_ATTRS])
    strings = doc.vocab.strings
    if len(doc):
        bin_.strings.add("_")  # spaCy adds str(token.morph), "_" when a token has no features
    for h in np.unique(hashes).tolist():
        if h not in seen:
            seen.add(h)
            bin_.strings.add(strings[h])
    bin_.cats.append(doc.cats)
    bin_.span_groups.append(doc.spans.to_bytes())


class _ShardWriter:
    """Buffers the column arrays of up to ``shard_size`` parsed docs and writes immutable shards.

    Docs are not kept: each goes into the shard's ``DocBin`` (compact arrays) as it arrives.
    """

    def __init__(self, root: Path, *, shard_size: int = SHARD_SIZE):
        self.root, self.shard_size = root, shard_size
        self.written: list[tuple[Path, list[str]]] = []
        self._reset()

    def _reset(self) -> None:
        from spacy.tokens import DocBin

        self.keys: list[str] = []
        self.parts: dict[str, list] = {"sentences": [], "tokens": [], "entities": []}
        self.bin = DocBin(store_user_data=False)
        self._seen: set[int] = set()
        self.strings = None

    def add(self, key: str, doc) -> None:
        sents, toks, ents = _doc_arrays(key, doc)
        for name, cols in (("sentences", sents), ("tokens", toks), ("entities", ents)):
            self.parts[name].append((key, cols))
        _docbin_add(self.bin, doc, self._seen)
        self.strings = doc.vocab.strings
        self.keys.append(key)
        if len(self.keys) >= self.shard_size:
            self.flush()

    def _frame(self, name: str) -> pd.DataFrame:
        cols = _SHARD_LAYOUTS[name]
        parts = self.parts[name]
        if not parts:
            return pd.DataFrame(columns=cols).astype({c: "string" for c in _STRING_COLUMNS if c in cols})
        lengths = [len(p[1]["sent_i"]) for p in parts]
        data: dict[str, np.ndarray] = {"key": np.repeat(np.array([p[0] for p in parts], dtype=object), lengths)}
        for c in cols[1:]:
            data[c] = np.concatenate([np.asarray(p[1][c]) for p in parts]) if parts else np.array([])
        if name == "tokens":
            strings = self.strings
            hashes = np.concatenate([data[c] for c in _STRING_ATTRS]).astype(np.uint64)
            uniq, inv = np.unique(hashes, return_inverse=True)
            looked = np.array([strings[int(h)] for h in uniq], dtype=object)[inv]
            n = len(data["token_i"])
            for j, c in enumerate(_STRING_ATTRS):
                data[c] = looked[j * n:(j + 1) * n]
        for c in ("sent_i", "ent_i", "start_char", "end_char", "n_tokens", "token_i", "head_i", "root_i"):
            if c in data:
                data[c] = data[c].astype(np.int64)
        df = pd.DataFrame(data, columns=cols)
        return df.astype({c: "string" for c in _STRING_COLUMNS if c in cols})

    def flush(self) -> Path | None:
        if not self.keys:
            return None
        tmp = self.root / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir(parents=True)
        for name in _SHARD_LAYOUTS:
            self._frame(name).to_parquet(tmp / f"{name}.parquet")
        self.bin.to_disk(tmp / "docs.spacy")
        counts = {name: [len(p[1]["sent_i"]) for p in self.parts[name]] for name in ("sentences", "tokens")}
        (tmp / "counts.json").write_text(json.dumps(counts))
        keys_text = json.dumps(self.keys)
        rows = {name: sum(len(p[1]["sent_i"]) for p in self.parts[name]) for name in _SHARD_LAYOUTS}
        (tmp / "checksums.json").write_text(json.dumps(_checksums(tmp, keys_text, rows, len(self.keys))))
        (tmp / "keys.json").write_text(keys_text)
        final = self.root / f"shard-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        os.replace(tmp, final)
        self.written.append((final, list(self.keys)))
        self._reset()
        return final


def write_shards(pairs: Iterable[tuple[object, str]], root: str | Path, *, shard_size: int = SHARD_SIZE,
                 on_doc=None) -> list[tuple[Path, list[str]]]:
    """Stream ``(Doc, key)`` pairs into immutable cache shards under ``root``; return ``(shard, keys)``.

    Memory stays bounded by one shard's tables: Docs are not held after they are packed.
    """
    writer = _ShardWriter(Path(root), shard_size=shard_size)
    for doc, key in pairs:
        writer.add(key, doc)
        if on_doc is not None:
            on_doc()
    writer.flush()
    return writer.written


#: The files of a shard that ``checksums.json`` covers (``keys.json`` by the hash of its text).
SHARD_FILES = ("sentences.parquet", "tokens.parquet", "entities.parquet", "docs.spacy", "counts.json")


def _checksums(folder: Path, keys_text: str, rows: dict[str, int], n_docs: int) -> dict:
    return {"files": {f: {"bytes": (folder / f).stat().st_size, "sha256": file_sha256(folder / f)}
                      for f in SHARD_FILES},
            "keys_sha256": hashlib.sha256(keys_text.encode("utf-8")).hexdigest(), "rows": rows, "docs": n_docs}


_VERIFIED: dict[str, tuple] = {}  # shard -> (size, mtime) of its files when it last passed :func:`verify_shard`


def verify_shard(shard: str | Path) -> str | None:
    """Why ``shard`` fails its checks, or None when every file has the size and SHA-256 written in its
    ``checksums.json`` and the key list is the one written (a shard that passed is not hashed again in
    this process until one of its files changes).

    >>> verify_shard("/no/such/shard")
    'keys.json: missing or unreadable'
    """
    shard = Path(shard)
    try:
        keys_text = (shard / "keys.json").read_text(encoding="utf-8")
        if not isinstance(json.loads(keys_text), list):
            return "keys.json: not a list of keys"
    except (OSError, ValueError):
        return "keys.json: missing or unreadable"
    try:
        stamp = tuple((st.st_size, st.st_mtime_ns) for st in
                      (os.stat(shard / f) for f in (*SHARD_FILES, "keys.json", "checksums.json")))
    except OSError as exc:
        return f"{Path(exc.filename).name if exc.filename else 'a file'}: missing"
    if _VERIFIED.get(str(shard)) == stamp:
        return None
    try:
        sums = json.loads((shard / "checksums.json").read_text(encoding="utf-8"))
        files = sums["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return "checksums.json: missing or unreadable"
    if hashlib.sha256(keys_text.encode("utf-8")).hexdigest() != sums.get("keys_sha256"):
        return "keys.json: not the key list the shard was written with"
    for name in SHARD_FILES:
        want = files.get(name) or {}
        size = (shard / name).stat().st_size
        if size != want.get("bytes"):
            return f"{name}: {size} bytes, {want.get('bytes')} written"
        if file_sha256(shard / name) != want.get("sha256"):
            return f"{name}: checksum mismatch"
    _VERIFIED[str(shard)] = stamp
    return None


def drop_damaged_shards(root: Path, index: dict[str, Path], keys: Iterable[str]) -> dict[str, Path]:
    """Verify the shards of ``index`` (key -> shard) that hold ``keys``; remove each damaged one with a
    :class:`~analysis.store.CacheDamageWarning` naming it and why, and return the index of what is left
    (a key held only by a removed shard is missing from it, so it is parsed again).

    >>> drop_damaged_shards(Path("/no/such/cache"), {}, ["k"])
    {}
    """
    from analysis.store import CacheDamageWarning

    wanted = set(keys)
    while True:
        damaged = {}
        for shard in sorted({index[k] for k in wanted if k in index}):
            why = verify_shard(shard)
            if why is not None:
                damaged[shard] = why
        if not damaged:
            return index
        for shard, why in damaged.items():
            warnings.warn(f"parse cache shard {shard} is damaged ({why}); it is removed and its documents "
                          "are parsed again", CacheDamageWarning, stacklevel=2)
            _VERIFIED.pop(str(shard), None)
            trash = shard.with_name(f".damaged-{shard.name}-{uuid.uuid4().hex[:8]}")
            try:
                os.replace(shard, trash)  # out of every reader's index at once, then deleted
            except OSError:
                trash = shard
            shutil.rmtree(trash, ignore_errors=True)
        index = shard_index(root)  # another shard may hold some of the keys


def shard_index(root: Path) -> dict[str, Path]:
    """Cache key -> the first complete shard under ``root`` that holds it (incomplete shards are skipped).

    >>> shard_index(Path("/no/such/cache"))
    {}
    """
    index: dict[str, Path] = {}
    if not root.exists():
        return index
    for shard in sorted(root.glob("shard-*")):
        try:
            keys = json.loads((shard / "keys.json").read_text())
        except (OSError, json.JSONDecodeError):
            continue  # an incomplete shard from an interrupted run is ignored and re-parsed
        for k in keys:
            index.setdefault(k, shard)
    return index


def release_free_memory() -> None:
    """Return freed memory to the operating system: Arrow's pool (mimalloc/jemalloc keep freed buffers)
    and the C heap (glibc ``malloc_trim``; a no-op elsewhere)."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass


def read_table(parsed: Parsed, name: str, *, columns: Sequence[str] | None = None,
               doc_ids: Iterable[str] | None = None, sent_id: bool = True) -> pd.DataFrame:
    """One table (``"sentences"``, ``"tokens"`` or ``"entities"``) read from the cache's Parquet shards.

    ``columns`` limits what is read (``doc_id`` and, unless ``sent_id=False``, ``sent_id`` are always
    included; leaving out ``sent_id`` saves about 40 bytes a row of a large table).

    >>> read_table(parsed, "tokens", columns=["lemma", "pos"])   # doctest: +SKIP
    """
    keys = parsed.keys if doc_ids is None else {d: parsed.keys[d] for d in doc_ids}
    index: dict[str, Path] = {}
    for shard in parsed.shards:
        for k in json.loads((shard / "keys.json").read_text()):
            index.setdefault(k, shard)
    return read_tables(keys, index, names=(name,), columns=columns, sent_id=sent_id)[0]


def load_parsed_tables(parsed: Parsed) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(sentences, tokens, entities)`` of a :class:`Parsed` read from its Parquet shards (the same tables
    ``parse_documents(load_tables=True)`` returns)."""
    index: dict[str, Path] = {}
    for shard in parsed.shards:
        for k in json.loads((shard / "keys.json").read_text()):
            index.setdefault(k, shard)
    return read_tables(parsed.keys, index)


_TABLE_COLUMNS = {"sentences": SENTENCE_COLUMNS, "tokens": TOKEN_COLUMNS, "entities": ENTITY_COLUMNS}
_TABLE_ORDER = {"sentences": "sent_i", "tokens": "token_i", "entities": "ent_i"}


def read_tables(keys: dict[str, str], index: dict[str, Path], *,
                 names: Sequence[str] = ("sentences", "tokens", "entities"),
                 columns: Sequence[str] | None = None, sent_id: bool = True) -> tuple[pd.DataFrame, ...]:
    """The tables of ``keys`` (doc_id -> parse key) read from the shards in ``index`` (key -> shard).

    Rows come out in corpus order, then sentence/token/entity order. A key shared by several documents
    (duplicate texts) yields its rows once per document. The Parquet data are concatenated, reordered
    and de-duplicated in Arrow with one gather, and freed memory is handed back at the end:
    going through pandas merges and sorts instead needed about 2.7x the tables' size at the peak.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    doc_ids = list(keys)
    doc_keys = list(keys.values())
    ukeys = list(dict.fromkeys(doc_keys))
    by_shard: dict[Path, list[str]] = {}
    for k in ukeys:
        by_shard.setdefault(index[k], []).append(k)
    out = []
    for name in names:
        order_col = _TABLE_ORDER[name]
        read_cols = None
        if columns is not None:
            need = {"key", "sent_i", order_col} | set(columns)
            read_cols = [c for c in _SHARD_LAYOUTS[name] if c in need]
        cats = [c for c in CATEGORICAL_COLUMNS[name] if read_cols is None or c in read_cols]
        # the 64-character key of every row is read as a dictionary (4 bytes a row instead of about 72)
        parts = [pq.read_table(shard / f"{name}.parquet", columns=read_cols, filters=[("key", "in", ks)],
                               read_dictionary=["key", *cats])
                 for shard, ks in sorted(by_shard.items())]
        cols = _TABLE_COLUMNS[name]
        if columns is not None:
            cols = [c for c in cols if c in {"doc_id"} | ({"sent_id"} if sent_id else set()) | set(columns)]
        if not parts:
            out.append(pd.DataFrame({c: pd.Series(dtype=_category([]) if c in CATEGORICAL_COLUMNS[name] else
                                                  {"doc_id": "str", "sent_id": "string"}.get(c, object))
                                     for c in cols}))
            continue
        table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        del parts
        value_set = pa.array(ukeys, pa.string())
        code = np.concatenate([
            pc.index_in(ch.dictionary, value_set=value_set).fill_null(-1).to_numpy(zero_copy_only=False)[
                ch.indices.to_numpy(zero_copy_only=False)] for ch in table["key"].chunks] or [np.zeros(0, np.int64)])
        rank = table[order_col].to_numpy().astype(np.int64)
        perm = np.lexsort((rank, code))
        code, rank = code[perm], rank[perm]
        first = np.ones(len(perm), dtype=bool)
        first[1:] = (code[1:] != code[:-1]) | (rank[1:] != rank[:-1])  # a row repeated in a shard counts once
        perm, code = perm[first], code[first]
        # rows of key j are perm[start[j]:start[j] + count[j]]; each document takes its key's block, in corpus order
        count = np.bincount(code, minlength=len(ukeys))
        start = np.cumsum(count) - count
        doc_code = pd.Index(ukeys).get_indexer(doc_keys)
        lengths = count[doc_code]
        ends = np.cumsum(lengths)
        rows = perm[np.repeat(start[doc_code] - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends) else 0)]
        del perm, code, rank
        box = [table.drop_columns(["key"])]   # handed over: _gathered frees each column as it goes
        del table
        df = _gathered(box, rows, doc_ids, lengths, sent_id="sent_id" in cols)
        del rows
        for c in cats:
            df[c] = df[c].astype(_category(df[c].cat.categories))  # sorted categories (recoded, not re-read)
        for c in cols:
            if c not in df.columns:
                df[c] = pd.NA
        out.append(df[cols])
        del df
    release_free_memory()
    return tuple(out)


def _gathered(box: list, rows: np.ndarray, doc_ids: list[str], lengths: np.ndarray, *, sent_id: bool = True
              ) -> pd.DataFrame:
    """The rows ``rows`` (in that order) of the Arrow table in ``box`` (taken out of it) as pandas, with ``doc_id`` (document ``i`` owns the next
    ``lengths[i]`` rows) and ``sent_id`` (``"<doc_id>:s0007"``) in front.

    Memory: the columns are gathered one at a time, each dropped from ``table`` once gathered, and converted
    to pandas column by column (Arrow's ``self_destruct``), so the peak is about one copy of the table plus a
    column rather than three copies; ``sent_id`` is formatted once per sentence, not once per row.
    """
    import pyarrow as pa

    table = box.pop()
    take = pa.array(rows)
    doc_pos = np.repeat(np.arange(len(doc_ids), dtype=np.int32 if len(doc_ids) < 2**31 else np.int64), lengths)
    cols = {}
    if sent_id:
        sent_i = table["sent_i"].take(take).to_numpy()
        run = np.ones(len(rows), dtype=bool)   # a new (document, sentence) starts at this row
        run[1:] = (doc_pos[1:] != doc_pos[:-1]) | (sent_i[1:] != sent_i[:-1])
        firsts = np.flatnonzero(run)
        ids = [f"{doc_ids[d]}:s{i:04d}" for d, i in zip(doc_pos[firsts].tolist(), sent_i[firsts].tolist())]
        del sent_i, firsts
        run_of = np.cumsum(run, dtype=np.int64)
        del run
        run_of -= 1
        cols["sent_id"] = pa.array(ids, pa.large_string()).take(pa.array(run_of))
        del ids, run_of
    cols = {"doc_id": pa.array([str(d) for d in doc_ids], pa.large_string()).take(pa.array(doc_pos)), **cols}
    del doc_pos
    meta = table.schema.metadata   # pandas' dtypes of the shard columns (e.g. ``string``) come back with it
    for name in table.column_names:
        cols[name] = table[name].take(take)
        table = table.drop_columns([name])
    out = pa.table(cols, metadata=meta)
    del cols, table
    df = out.to_pandas(split_blocks=True, self_destruct=True)
    del out
    if sent_id:
        df["sent_id"] = df["sent_id"].astype("string")
    return df


def _category(values) -> pd.CategoricalDtype:
    """The dtype of a :data:`CATEGORICAL_COLUMNS` column: unordered, sorted ``string`` categories.

    >>> _category(["VERB", "NOUN"]).categories.tolist()
    ['NOUN', 'VERB']
    """
    return pd.CategoricalDtype(pd.Index(sorted(str(v) for v in values), dtype="string"))


def _shard_docs(shard: Path, vocab) -> Iterator:
    """The Docs of one shard's DocBin, in the order of its ``keys.json``."""
    from spacy.tokens import DocBin

    return DocBin().from_disk(shard / "docs.spacy").get_docs(vocab)


def iter_docs(parsed: Parsed, *, doc_ids: Iterable[str] | None = None) -> Iterator[tuple[str, "object"]]:
    """Yield ``(doc_id, spacy Doc)`` rebuilt from the cache's DocBins, without parsing again.

    Streams in corpus (or ``doc_ids``) order, reading a shard when its first document is due: only the Docs
    of shards read so far that are still to be yielded are held (one shard when the corpus was parsed in
    order), not every Doc of the corpus.
    """
    import spacy

    wanted = list(doc_ids) if doc_ids is not None else list(parsed.keys)
    wanted_keys = [parsed.keys[d] for d in wanted]
    last_use = {k: pos for pos, k in enumerate(wanted_keys)}
    shard_of: dict[str, Path] = {}
    for shard in parsed.shards:
        for k in json.loads((shard / "keys.json").read_text()):
            if k in last_use:
                shard_of.setdefault(k, shard)
    vocab = spacy.blank("en").vocab
    held: dict[str, object] = {}
    read: set[Path] = set()
    for pos, (d, k) in enumerate(zip(wanted, wanted_keys)):
        if k not in held:
            shard = shard_of[k]
            if shard in read:
                raise RuntimeError(f"document {d!r} (key {k}) is missing from shard {shard}")
            read.add(shard)
            keys = json.loads((shard / "keys.json").read_text())
            n_docs = 0
            for kk, doc in zip(keys, _shard_docs(shard, vocab)):
                n_docs += 1
                if last_use.get(kk, -1) >= pos and shard_of.get(kk) == shard and kk not in held:
                    if hashlib.sha256(doc.text.encode("utf-8")).hexdigest() != kk:
                        _forget(shard)
                        raise RuntimeError(f"parse cache shard {shard}: its DocBin holds another text for document "
                                           f"{d!r} than the one it was parsed from; the shard is dropped, run again "
                                           "to parse its documents anew")
                    held[kk] = doc
            if n_docs != len(keys):
                _forget(shard)
                raise RuntimeError(f"parse cache shard {shard}: its DocBin holds {n_docs} documents, its keys.json "
                                   f"{len(keys)}; the shard is dropped, run again to parse its documents anew")
        doc = held[k] if last_use[k] > pos else held.pop(k)
        yield d, doc


def _forget(shard: Path) -> None:
    """Make a shard incomplete (no ``keys.json``), so the next parse re-parses its documents."""
    _VERIFIED.pop(str(shard), None)
    (shard / "keys.json").unlink(missing_ok=True)


def count_rows(parsed: Parsed) -> dict[str, int] | None:
    """Rows the ``sentences`` and ``tokens`` tables of ``parsed`` have, from the shards' ``counts.json``
    (no table is read); ``None`` when a shard has no counts.

    >>> import pandas as pd, tempfile
    >>> from analysis.corpus.parse import parse_documents
    >>> p = parse_documents(pd.DataFrame({"doc_id": ["a"], "text": ["Hi there. Bye."]}), cache_dir=tempfile.mkdtemp(), progress=False)
    >>> count_rows(p) == {"sentences": len(p.sentences), "tokens": len(p.tokens)}
    True
    """
    per_key: dict[str, tuple[int, int]] = {}
    for shard in parsed.shards:
        try:
            counts = json.loads((shard / "counts.json").read_text())
        except (OSError, json.JSONDecodeError):
            return None
        keys = json.loads((shard / "keys.json").read_text())
        for k, ns, nt in zip(keys, counts["sentences"], counts["tokens"]):
            per_key.setdefault(k, (ns, nt))
    try:
        rows = [per_key[k] for k in parsed.keys.values()]
    except KeyError:
        return None
    return {"sentences": sum(r[0] for r in rows), "tokens": sum(r[1] for r in rows)}
