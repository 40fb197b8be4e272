"""One call from a corpus source to parsed tables: load -> clean -> parse.

>>> corpus = build_corpus(progress=False)
>>> corpus.documents.shape[0], corpus.sentences.columns[:4].tolist()
(5, ['doc_id', 'outlet', 'para_id', 'sent_id'])
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

import pandas as pd

from analysis.corpus.clean import Rules, clean_corpus
from analysis.corpus.load import load_corpus
from analysis.corpus.parse import parse_documents
from analysis.corpus.shards import ParseStats, Parsed, iter_docs, release_free_memory

if TYPE_CHECKING:
    from distributed import Client

SENTENCE_TABLE_COLUMNS = ["doc_id", "outlet", "para_id", "sent_id", "sent_i", "para_kind", "start_char", "end_char", "text", "n_tokens"]


class _LazyTable:
    """A parsed table of :class:`Corpus` (``sentences``, ``tokens``, ``entities``): read from the parse
    cache on first use (each table on its own), assignable like an attribute."""

    def __set_name__(self, owner, name: str) -> None:
        self.name, self.slot = name, f"_{name}"

    def __get__(self, corpus, owner=None):
        if corpus is None:
            return self
        if getattr(corpus, self.slot) is None:
            corpus._load_table(self.name)
        return getattr(corpus, self.slot)

    def __set__(self, corpus, value: pd.DataFrame) -> None:
        setattr(corpus, self.slot, value)


class Corpus:
    """A loaded, cleaned and parsed corpus: tidy tables, see ``docs/architecture.md``.

    ``sentences``, ``tokens`` and ``entities`` are read from the parse cache's Parquet shards the first
    time each is used, so a run whose measures all come from the measures cache
    (:mod:`analysis.measures.registry`) never reads the token table, and one that needs only the sentences
    does not read the tokens. They can be assigned like attributes. The token table's ``pos``, ``tag``,
    ``dep``, ``ent_type`` and ``ent_iob`` columns are categoricals
    (:data:`analysis.corpus.shards.CATEGORICAL_COLUMNS`). :meth:`docs` streams the spaCy Docs shard by
    shard; :meth:`batches` cuts the corpus into sub-corpora of a bounded number of documents.
    """

    def __init__(self, documents: pd.DataFrame, paragraphs: pd.DataFrame, sentences: pd.DataFrame | None = None,
                 tokens: pd.DataFrame | None = None, entities: pd.DataFrame | None = None,
                 audit: pd.DataFrame | None = None, rejects: pd.DataFrame | None = None,
                 issues: pd.DataFrame | None = None, parse_stats: ParseStats | None = None,
                 _parsed: Parsed | None = None):
        self.documents, self.paragraphs, self.audit = documents, paragraphs, audit
        self.rejects, self.issues, self.parse_stats, self._parsed = rejects, issues, parse_stats, _parsed
        self._sentences, self._tokens, self._entities = sentences, tokens, entities
        # what the sentence table is built from, as it was at build time
        self._build_inputs = (paragraphs, documents)

    def _load_table(self, name: str) -> None:
        from analysis.corpus.shards import read_table

        root = self.__dict__.get("_root")
        if root is not None:   # a view (with_token_columns): the other tables are read and kept by the corpus
            setattr(self, f"_{name}", getattr(root, name))
            return
        table = read_table(self._parsed, name)
        if name == "sentences":
            table = _attach_paragraphs(table, *self._build_inputs)
        setattr(self, f"_{name}", table)

    def _load_tables(self) -> None:
        for name in ("sentences", "tokens", "entities"):
            if getattr(self, f"_{name}") is None:
                self._load_table(name)

    @property
    def tables_loaded(self) -> bool:
        """Whether the parsed tables have been read into memory yet."""
        return all(t is not None for t in (self._sentences, self._tokens, self._entities))

    sentences = _LazyTable()
    tokens = _LazyTable()
    entities = _LazyTable()

    def subset(self, doc_ids: Sequence[str]) -> "Corpus":
        """The corpus restricted to ``doc_ids`` (every table, and the cached Docs), in corpus order.

        Tables not read yet stay unread: the subset reads only its own documents' rows when first used.

        >>> import analysis
        >>> c = analysis.build_corpus(progress=False)
        >>> len(c.subset(c.documents.doc_id[:2]).documents), c.tables_loaded
        (2, False)
        """
        from dataclasses import replace

        ids = {str(d) for d in doc_ids}

        def keep(df: pd.DataFrame | None) -> pd.DataFrame | None:
            if df is None or "doc_id" not in df.columns:
                return df
            return df[df["doc_id"].astype(str).isin(ids)].reset_index(drop=True)

        parsed = self._parsed
        if parsed is not None:
            parsed = replace(parsed, keys={d: k for d, k in parsed.keys.items() if d in ids})
        sub = Corpus(documents=keep(self.documents), paragraphs=keep(self.paragraphs),
                     sentences=self._rows_of("sentences", ids), tokens=self._rows_of("tokens", ids),
                     entities=self._rows_of("entities", ids), audit=keep(self.audit), rejects=self.rejects,
                     issues=self.issues, parse_stats=self.parse_stats, _parsed=parsed)
        sub._build_inputs = (keep(self._build_inputs[0]), keep(self._build_inputs[1]))
        return sub

    def with_token_columns(self, columns: Sequence[str]) -> "Corpus":
        """The corpus with a token table of only ``columns`` and ``doc_id`` (``sent_id`` only when asked for): the loaded table's
        columns (no copy), else those columns read from the parse cache for this view only, not kept by the
        corpus. A computation that reads three token columns of a large corpus then never holds the other
        fifteen (or, when it ends, any). The other tables are the corpus's own (read on first use, kept by it).

        >>> import analysis
        >>> c = analysis.build_corpus(progress=False)
        >>> v = c.with_token_columns(["lemma", "pos"])
        >>> v.tokens.columns.tolist(), c.tables_loaded, len(v.sentences) == len(c.sentences)
        (['doc_id', 'lemma', 'pos'], False, True)
        """
        from analysis.corpus.shards import TOKEN_COLUMNS, read_table

        cols = [c for c in TOKEN_COLUMNS if c in {"doc_id", *columns}]
        unknown = sorted(set(columns) - set(TOKEN_COLUMNS))
        if unknown:
            raise KeyError(f"no token column(s) {unknown}; the token table has {TOKEN_COLUMNS}")
        tokens = (self._tokens[cols] if self._tokens is not None
                  else read_table(self._parsed, "tokens", columns=cols, sent_id="sent_id" in cols))
        view = Corpus(documents=self.documents, paragraphs=self.paragraphs, tokens=tokens, audit=self.audit,
                      rejects=self.rejects, issues=self.issues, parse_stats=self.parse_stats, _parsed=self._parsed)
        view._root = self
        return view

    def _rows_of(self, name: str, ids: set[str]) -> pd.DataFrame | None:
        """The rows of the loaded table ``name`` whose ``doc_id`` is in ``ids`` (None when not loaded). The
        table's ``doc_id`` is factorised once and kept (as int32 codes) while the table is, so cutting a large
        table into many batches costs one array lookup per batch, not a string comparison per row."""
        import weakref

        import numpy as np

        df = getattr(self, f"_{name}")
        if df is None or "doc_id" not in df.columns:
            return df
        cache = self.__dict__.setdefault("_doc_codes", {})
        ref, codes, uniques = cache.get(name, (None, None, None))
        if ref is None or ref() is not df:
            codes, uniques = pd.factorize(df["doc_id"].astype(str) if df["doc_id"].dtype == object else df["doc_id"])
            codes = codes.astype(np.int32 if len(uniques) < 2**31 else np.int64)
            cache[name] = (weakref.ref(df), codes, pd.Index(uniques).astype(str))
            uniques = cache[name][2]
        wanted = np.append(uniques.isin(list(ids)), False)  # code -1 (a missing doc_id) is never wanted
        return df[wanted[codes]].reset_index(drop=True)

    def batches(self, *, max_chars: int = 4_000_000, doc_ids: Sequence[str] | None = None) -> Iterator["Corpus"]:
        """Sub-corpora (:meth:`subset`) of consecutive documents of ``doc_ids`` (default: all, in corpus order)
        holding at most ``max_chars`` characters of clean text each (a longer document is a batch of its own).

        A large corpus computed batch by batch holds one batch's tables at a time: tables not read yet are
        read from the parse cache for the batch's documents only. A batch of every document, in corpus order,
        is the corpus itself.

        >>> import analysis
        >>> c = analysis.build_corpus(progress=False)
        >>> [len(b.documents) for b in c.batches(max_chars=6_000)], c.tables_loaded
        ([2, 2, 1], False)
        """
        cuts = self._cuts(max_chars, doc_ids)
        if len(cuts) == 1 and cuts[0] == self.documents["doc_id"].astype(str).tolist():
            yield self
            return
        for batch in cuts:
            if batch:
                yield self.subset(batch)

    def _cuts(self, max_chars: int, doc_ids: Sequence[str] | None = None) -> list[list[str]]:
        """``doc_ids`` (default: every document, in corpus order) cut into runs of consecutive documents of at
        most ``max_chars`` characters of clean text (a longer document is a run of its own)."""
        docs = self.documents
        ids = docs["doc_id"].astype(str).tolist() if doc_ids is None else [str(d) for d in doc_ids]
        size = docs["text"].fillna("").astype(str).str.len() if "text" in docs.columns else pd.Series(0, index=docs.index)
        chars = dict(zip(docs["doc_id"].astype(str), size.astype(int)))
        cuts: list[list[str]] = [[]]
        total = 0
        for d in ids:
            n = chars.get(d, 0)
            if cuts[-1] and total + n > max_chars:
                cuts.append([])
                total = 0
            cuts[-1].append(d)
            total += n
        return cuts

    def table_batches(self, name: str, columns: Sequence[str], *, max_chars: int = 4_000_000) -> Iterator[pd.DataFrame]:
        """The columns ``columns`` (and ``doc_id``; ``sent_id`` only when asked for) of the parsed table ``name``
        (``"tokens"``, ``"sentences"`` or ``"entities"``), a run of consecutive documents of at most
        ``max_chars`` characters at a time, in corpus order (:meth:`batches`): each read from the parse cache
        for those documents only and not kept, so a whole-corpus count over a large corpus holds one batch's
        columns at a time. A table the corpus already holds comes in one piece (its columns, no copy).

        >>> import analysis
        >>> c = analysis.build_corpus(progress=False)
        >>> parts = list(c.table_batches("tokens", ["is_punct"], max_chars=6_000))
        >>> len(parts), parts[0].columns.tolist(), sum(map(len, parts)) == len(c.tokens)
        (3, ['doc_id', 'is_punct'], True)
        """
        from analysis.corpus.shards import ENTITY_COLUMNS, SENTENCE_COLUMNS, TOKEN_COLUMNS, read_tables

        known = {"tokens": TOKEN_COLUMNS, "sentences": SENTENCE_TABLE_COLUMNS, "entities": ENTITY_COLUMNS}
        if name not in known:
            raise KeyError(f"no parsed table {name!r}; the tables are {sorted(known)}")
        unknown = sorted(set(columns) - set(known[name]))
        if unknown:
            raise KeyError(f"no {name} column(s) {unknown}; the {name} table has {known[name]}")
        loaded = getattr(self, f"_{name}")
        if loaded is not None or self.__dict__.get("_root") is not None or self._parsed is None:
            table = getattr(self, name)
            yield table[[c for c in table.columns if c in {"doc_id", *columns}]]
            return
        if name == "sentences" and set(columns) - set(SENTENCE_COLUMNS):
            # outlet, paragraph and kind come from the documents and paragraphs (Corpus.sentences), not the shards
            for sub in self.batches(max_chars=max_chars):
                table = sub.sentences
                yield table[[c for c in table.columns if c in {"doc_id", *columns}]]
            return
        index: dict[str, Path] = {}
        for shard in self._parsed.shards:
            for k in json.loads((shard / "keys.json").read_text()):
                index.setdefault(k, shard)
        keys = self._parsed.keys
        for batch in self._cuts(max_chars):
            if batch:
                yield read_tables({d: keys[d] for d in batch}, index, names=(name,), columns=list(columns),
                                  sent_id="sent_id" in columns)[0]

    def token_batches(self, columns: Sequence[str], *, max_chars: int = 4_000_000) -> Iterator[pd.DataFrame]:
        """The token table's ``columns`` a batch of documents at a time: :meth:`table_batches` of ``"tokens"``.

        >>> import analysis
        >>> c = analysis.build_corpus(progress=False)
        >>> [len(t) for t in c.token_batches(["lemma"], max_chars=6_000)] == [
        ...     len(b.tokens) for b in c.batches(max_chars=6_000)]
        True
        """
        return self.table_batches("tokens", columns, max_chars=max_chars)

    def docs(self, doc_ids: Sequence[str] | None = None) -> Iterator[tuple[str, object]]:
        """Yield ``(doc_id, spacy.tokens.Doc)`` from the parse cache (no parsing)."""
        return iter_docs(self._parsed, doc_ids=doc_ids)

    def sentence_text(self, sent_id: str) -> str:
        """Text of one sentence, e.g. to quote evidence."""
        return str(self.sentences.loc[self.sentences.sent_id == sent_id, "text"].iloc[0])

    def __repr__(self) -> str:
        """Counts without reading the tables: sentences and tokens from the loaded tables or the shards' counts."""
        from analysis.corpus.shards import count_rows

        counts = {n: len(t) for n, t in (("sentences", self._sentences), ("tokens", self._tokens)) if t is not None}
        if len(counts) < 2 and self._parsed is not None:
            counts = {**(count_rows(self._parsed) or {}), **counts}
        sizes = ", ".join(f"{counts[n]} {n}" if n in counts else f"{n} not counted" for n in ("sentences", "tokens"))
        rejected = len(self.rejects) if self.rejects is not None else 0
        return (f"Corpus({len(self.documents)} documents, {self.documents.outlet.nunique()} outlets, "
                f"{sizes}, {rejected} rejected)")


def _code_digest(*files: Path) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


#: Bump when the layout of the cleaning cache changes (it is part of every cache folder name).
CLEAN_CACHE_FORMAT = "2"  # 2: row counts and a text digest per entry, checked on reading
_CLEAN_META = ["title", "author", "deck", "tags", "page_date"]
_PARA_COLUMNS = ["doc_id", "para_id", "para_i", "kind", "start_char", "end_char", "text"]


def clean_cache_root(cache_dir: str | Path | None = None) -> Path:
    """The cleaning cache folder for the packaged rules and the current cleaning code:
    ``<cache_dir>/clean/<hash of cleaning.py + cleaning_rules.yaml + CLEAN_CACHE_FORMAT>/``."""
    from analysis.corpus import clean as cleaning
    from analysis.config import get_settings

    base = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    digest = _code_digest(Path(cleaning.__file__), cleaning.DEFAULT_RULES, Path(__file__))
    return base / "clean" / f"v{CLEAN_CACHE_FORMAT}-{digest}"


def _clean_keys(documents: pd.DataFrame, boiler: dict[str, set[str]]) -> list[str]:
    """One key per document: hash of its outlet, raw text, and the outlet's repeated lines it contains
    (the only part of the rest of the corpus that its cleaning depends on)."""
    from analysis.corpus.clean import normalize_line

    keys = []
    for text, outlet in zip(documents["text"].astype(str), documents["outlet"].astype(str)):
        h = hashlib.sha256(outlet.encode() + b"\0" + text.encode())
        rep = boiler.get(outlet)
        if rep:
            # the lines as clean_text splits them (and as outlet_boilerplate does, in case they differ)
            pieces = set(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) | set(text.splitlines())
            lines = {normalize_line(l).lower() for l in pieces} & rep
            if lines:
                h.update(b"\0" + "\n".join(sorted(lines)).encode())
        keys.append(h.hexdigest()[:32])
    return keys


def _as_inferred(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rebuild ``df`` from Python values so each column gets the dtype ``pd.DataFrame(records)`` would give
    (what :func:`analysis.cleaning.clean_corpus` returns)."""
    if not len(df):
        return pd.DataFrame(columns=columns)
    data = {}
    for c in columns:
        col = df[c]
        data[c] = col.astype(object).where(col.notna(), None).tolist()
    return pd.DataFrame(data, columns=columns)


def _read_stem(root: Path, stem: str, wanted) -> dict[str, pd.DataFrame | None]:
    """The three parts of one cache write, filtered to the wanted keys; a part that is missing or cannot
    be read is ``None``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out: dict[str, pd.DataFrame | None] = {}
    for part in ("docs", "paras", "audit"):
        try:
            t = pq.read_table(root / f"{stem}-{part}.parquet")
            t = t.filter(pa.compute.is_in(t["key"], value_set=wanted))
            out[part] = t.to_pandas()
        except (OSError, ValueError, KeyError, pa.ArrowException):  # deleted, truncated or not ours
            out[part] = None
    return out


def _valid_keys(parts: dict[str, pd.DataFrame | None]) -> set[str]:
    """Keys of one cache write whose entry is complete: the paragraph and audit row counts recorded with
    the document are all there and the stored clean text has the recorded digest."""
    docs = parts["docs"]
    if docs is None or not {"n_paras", "n_audit", "text_sha"} <= set(docs.columns):
        return set()
    counts = {}
    for part in ("paras", "audit"):
        df = parts[part]
        counts[part] = df["key"].value_counts() if df is not None else pd.Series(dtype=int)
    ok = set()
    for row in docs.itertuples(index=False):
        if (counts["paras"].get(row.key, 0) == row.n_paras and counts["audit"].get(row.key, 0) == row.n_audit
                and (parts["paras"] is not None or row.n_paras == 0)
                and (parts["audit"] is not None or row.n_audit == 0)
                and _text_sha(row.text) == row.text_sha):
            ok.add(row.key)
    return ok


def _text_sha(text) -> str:
    return hashlib.sha256(str(text if text is not None else "").encode("utf-8")).hexdigest()[:16]


def _read_clean_parts(root: Path, keys: set[str]) -> dict[str, pd.DataFrame]:
    """The cached entries of ``keys``: only complete entries (see :func:`_valid_keys`) are returned, so a
    deleted, truncated or partly written file makes its documents count as not cached. The files of a
    write with a damaged entry are removed (their documents are cleaned again and written anew)."""
    import pyarrow as pa

    out: dict[str, list] = {"docs": [], "paras": [], "audit": []}
    wanted = pa.array(sorted(keys), type=pa.string())
    # a write counts once its -docs file exists (written last); without it, it may still be in progress
    for stem in sorted(f.name[: -len("-docs.parquet")] for f in root.glob("*-docs.parquet")):
        parts = _read_stem(root, stem, wanted)
        valid = _valid_keys(parts)
        docs = parts["docs"]
        if docs is None or set(docs["key"]) - valid:
            for part in ("docs", "paras", "audit"):  # docs first: the write stops counting at once
                (root / f"{stem}-{part}.parquet").unlink(missing_ok=True)
        if not valid:
            continue
        for part in out:
            df = parts[part]
            if df is not None and len(df):
                out[part].append(df[df["key"].isin(valid)])
    return {k: (pd.concat(v, ignore_index=True) if v else None) for k, v in out.items()}


def cached_clean(documents: pd.DataFrame, *, rules: Rules | None = None, cache_dir: str | Path | None = None,
                 boilerplate_documents: pd.DataFrame | None = None,
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`analysis.cleaning.clean_corpus` through an on-disk cache: ``(documents, paragraphs, audit)``,
    equal to the uncached result (same values, dtypes and order).

    Cached per document, as Parquet under :func:`clean_cache_root` (the folder name hashes the cleaning
    code and the packaged rules file, so editing either starts a fresh cache). A document's key hashes its
    raw text, its outlet and those of its lines that repeat across the outlet (the one cross-document input
    of cleaning, :func:`analysis.corpus.clean.outlet_boilerplate`, recomputed on every call). Only documents
    without an entry are cleaned; their clean text, found metadata, paragraphs and audit rows are appended
    as one new set of Parquet files. Metadata columns of the input (title, author) are merged afterwards,
    so they are not part of the key. Custom ``rules`` objects are not cached. ``boilerplate_documents``: the
    documents the outlets' repeated lines are counted over (default ``documents``; :func:`build_corpus`
    passes the distinct documents when duplicates are kept, so copies do not make each other boilerplate).

    Each entry records its paragraph and audit row counts and a digest of its clean text; an entry whose
    rows are not all there (a deleted or truncated file) counts as missing, its files are removed and its
    documents are cleaned again, so a damaged cache gives the same result as a fresh one.
    """
    from analysis.corpus.clean import AUDIT_COLUMNS, finish_documents, load_rules, outlet_boilerplate

    counted = boilerplate_documents if boilerplate_documents is not None else documents
    if rules is not None:
        c = clean_corpus(documents, rules=rules, boilerplate=outlet_boilerplate(counted, rules=rules))
        return c.documents, c.paragraphs, c.audit
    rules = load_rules()
    root = clean_cache_root(cache_dir)
    boiler = outlet_boilerplate(counted, rules=rules)
    keys = _clean_keys(documents, boiler)
    parts = _read_clean_parts(root, set(keys)) if root.exists() else {"docs": None}
    have = set(parts["docs"]["key"]) if parts["docs"] is not None else set()
    missing = [i for i, k in enumerate(keys) if k not in have]
    if missing:
        first: dict[str, int] = {}
        for i in missing:
            first.setdefault(keys[i], i)
        _write_clean_parts(root, documents.iloc[list(first.values())], list(first), boiler, rules)
        parts = _read_clean_parts(root, set(keys))
        have = set(parts["docs"]["key"]) if parts["docs"] is not None else set()
        lost = [documents["doc_id"].iloc[i] for i, k in enumerate(keys) if k not in have]
        if lost:
            raise RuntimeError(f"the cleaning cache at {root} lost the entries it just wrote for {len(lost)} "
                               f"documents (first: {lost[0]!r}); is another process deleting files there?")
    return _assemble_clean(documents, keys, parts, finish_documents, AUDIT_COLUMNS)


def _write_clean_parts(root: Path, sub: pd.DataFrame, sub_keys: list[str], boiler, rules) -> None:
    import uuid

    # without the input's title/author, the title/author columns are what cleaning found; doc_id := key
    bare = sub.drop(columns=[c for c in ("title", "author") if c in sub.columns]).assign(doc_id=sub_keys)
    c = clean_corpus(bare, rules=rules, boilerplate=boiler)
    d = c.documents
    paras = c.paragraphs.drop(columns=["para_id"]).rename(columns={"doc_id": "key"})
    audit = c.audit.drop(columns=["outlet"]).rename(columns={"doc_id": "key"})
    texts = d["text"].astype(object).tolist()
    # row counts and a digest of the clean text, checked when the entry is read back (_valid_keys)
    n_paras, n_audit = paras["key"].value_counts(), audit["key"].value_counts()
    docs = pd.DataFrame({"key": sub_keys, "text": texts,
                         **{f: d["page_date_text" if f == "page_date" else f].tolist() for f in _CLEAN_META},
                         "n_paras": [int(n_paras.get(k, 0)) for k in sub_keys],
                         "n_audit": [int(n_audit.get(k, 0)) for k in sub_keys],
                         "text_sha": [_text_sha(t) for t in texts]})
    audit["para_i"] = audit["para_i"].astype("Int64")
    audit["field"] = audit["field"].astype(object).where(audit["field"].notna(), None)
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{uuid.uuid4().hex[:12]}"
    # audit and paragraphs first, the document list last: a shard counts once its -docs file exists
    for name, df in (("audit", audit), ("paras", paras), ("docs", docs)):
        tmp = root / f".{stem}-{name}.{os.getpid()}.tmp"
        df.to_parquet(tmp, index=False)
        os.replace(tmp, root / f"{stem}-{name}.parquet")


def _assemble_clean(documents, keys, parts, finish_documents, audit_columns):
    n = len(documents)
    order = pd.DataFrame({"key": keys, "_pos": range(n), "doc_id": documents["doc_id"].astype(str).tolist(),
                          "outlet": documents["outlet"].astype(str).tolist()})
    dk = parts["docs"].drop_duplicates("key").set_index("key").reindex(keys) if n else None
    docs = documents.copy()
    docs["raw_text"] = documents["text"]
    docs["text"] = pd.Series(dk["text"].tolist() if n else [], index=docs.index, dtype="string")
    finish_documents(docs, {f: (dk[f].astype(object).where(dk[f].notna(), None).tolist() if n else []) for f in _CLEAN_META})

    def expand(part: pd.DataFrame | None, sort_col: str) -> pd.DataFrame:
        if part is None or not n:
            return pd.DataFrame(columns=["doc_id", "outlet", "key", sort_col])
        part = part.drop_duplicates(["key", sort_col])
        return order.merge(part, on="key", how="inner").sort_values(["_pos", sort_col], kind="stable")

    pa_ = expand(parts.get("paras"), "para_i")
    if len(pa_):
        pa_["para_id"] = pa_["doc_id"] + ":p" + pa_["para_i"].astype(int).astype(str).str.zfill(3)
    paragraphs = _as_inferred(pa_, _PARA_COLUMNS)
    au = expand(parts.get("audit"), "line_no")
    audit = _as_inferred(au, audit_columns)
    return docs, paragraphs, audit


def uncleaned(documents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(documents, paragraphs, audit)`` for text that is already clean: the same columns cleaning gives
    (``raw_text`` is the text, nothing is extracted), blank-line separated paragraphs and an empty audit.

    >>> docs, paras, audit = uncleaned(pd.DataFrame({"doc_id": ["d"], "outlet": ["X"], "text": ["One.\\n\\nTwo."]}))
    >>> docs.n_words.tolist(), paras.text.tolist(), audit.empty
    ([2], ['One.', 'Two.'], True)
    """
    from analysis.corpus.clean import AUDIT_COLUMNS, finish_documents
    from analysis.corpus.units import paragraphs_from_text

    docs = documents.copy()
    docs["raw_text"] = documents["text"]
    finish_documents(docs, {f: [None] * len(docs) for f in _CLEAN_META})
    return docs, paragraphs_from_text(docs), pd.DataFrame(columns=AUDIT_COLUMNS)


def _attach_paragraphs(sentences: pd.DataFrame, paragraphs: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    if sentences.empty:
        return pd.DataFrame(columns=SENTENCE_TABLE_COLUMNS)
    paras = paragraphs[["doc_id", "para_id", "kind", "start_char"]].rename(columns={"start_char": "para_start", "kind": "para_kind"})
    merged = pd.merge_asof(
        sentences.sort_values("start_char"), paras.sort_values("para_start"),
        left_on="start_char", right_on="para_start", by="doc_id", direction="backward",
    ).drop(columns="para_start")
    merged = merged.merge(documents[["doc_id", "outlet"]], on="doc_id", how="left")
    order = {d: i for i, d in enumerate(documents["doc_id"])}
    merged = merged.assign(_o=merged.doc_id.map(order)).sort_values(["_o", "sent_i"]).drop(columns="_o")
    return merged[SENTENCE_TABLE_COLUMNS].reset_index(drop=True)


def build_corpus(
    source: str | Path | pd.DataFrame | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    metadata: str | Path | pd.DataFrame | None = None,
    outlet: str | None = None,
    dayfirst: bool | None = None,
    outlet_aliases: Mapping[str, str] | None = None,
    clean: bool = True,
    rules: Rules | None = None,
    model: str | None = None,
    components: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
    n_process: int | None = None,
    progress: bool | None = None,
    scheduler: "str | Client | None" = None,
    n_workers: int = 2,
    duplicates: str | None = None,
    duplicate_threshold: float = 0.9,
) -> Corpus:
    """Load (:func:`analysis.corpus.load_corpus`), clean and parse a corpus; ``None`` means the seeds.

    ``dayfirst``, ``outlet_aliases``: as for :func:`~analysis.corpus.load_corpus`.
    ``clean=False`` skips boilerplate removal for corpora that are already clean text (paragraphs are
    then the blank-line separated blocks). Parsing goes through the on-disk cache.
    ``scheduler``: parse on a Dask cluster instead (``"local"`` for a LocalCluster of ``n_workers``
    processes, a scheduler address, or a ``distributed.Client``); same tables, same cache
    (see :mod:`analysis.corpus.distributed`).

    Before cleaning, exact and near-duplicate documents of one outlet (word 5-shingle Jaccard similarity
    of at least ``duplicate_threshold``, :func:`analysis.corpus.dedupe.find_duplicates`) are found; the
    first copy is kept and, with ``duplicates="drop"`` (default; ``ANALYSIS_DUPLICATES``), the others go to
    ``rejects`` with the reason ``duplicate of <id> (jaccard 0.93)``; ``"keep"`` keeps them and lists them
    in ``issues`` as warnings. Boilerplate (lines repeated across an outlet's documents) is therefore
    computed on distinct documents. A document that cleaning leaves without text is rejected with the
    reason ``empty after cleaning`` and the rules that removed its lines. A document longer than the
    spaCy model's ``max_length`` is parsed in pieces cut at paragraph breaks (:func:`analysis.corpus.parse.split_long_text`).
    """
    from analysis.config import get_settings
    from analysis.corpus.dedupe import find_duplicates

    mode = duplicates if duplicates is not None else get_settings().duplicates
    if mode not in ("drop", "keep"):
        raise ValueError(f"duplicates must be 'drop' or 'keep' (argument or ANALYSIS_DUPLICATES), not {mode!r}")
    raw = load_corpus(source, columns=columns, metadata=metadata, outlet=outlet, dayfirst=dayfirst,
                      outlet_aliases=outlet_aliases)
    _release()   # what reading the source freed, before cleaning allocates around it
    rejects, issues = [raw.rejects], [raw.issues]
    documents = raw.documents
    dups = find_duplicates(documents, threshold=duplicate_threshold)
    if len(dups):
        rows = documents.set_index(documents["doc_id"].astype(str)).loc[dups["doc_id"]]
        source_of = rows["source"].tolist() if "source" in rows else [None] * len(dups)
        level = "rejected" if mode == "drop" else "warning"
        note = "" if mode == "drop" else " (kept: duplicates='keep')"
        issues.append(pd.DataFrame({"level": level, "source": source_of, "doc_id": dups["doc_id"].tolist(),
                                    "message": (dups["reason"] + note).tolist()}))
        if mode == "drop":
            rejects.append(pd.DataFrame({"source": source_of, "doc_id": dups["doc_id"].tolist(),
                                         "reason": dups["reason"].tolist()}))
            documents = documents[~documents["doc_id"].astype(str).isin(set(dups["doc_id"]))].reset_index(drop=True)
    if clean:
        distinct = documents[~documents["doc_id"].astype(str).isin(set(dups["doc_id"]))] if len(dups) else None
        documents, paragraphs, audit = cached_clean(documents, rules=rules, cache_dir=cache_dir,
                                                    boilerplate_documents=distinct)
        _release()
    else:
        documents, paragraphs, audit = uncleaned(documents)
    documents, paragraphs, audit, empty = _reject_empty(documents, paragraphs, audit)
    if clean and len(audit):
        from analysis.corpus.clean import load_rules

        kept_rule = (rules or load_rules()).repeats["keep_rule"]
        only = audit.loc[audit["rule"] == kept_rule, "doc_id"].astype(str).unique()
        if len(only):
            src = documents.set_index(documents["doc_id"].astype(str))
            issues.append(pd.DataFrame({
                "level": "warning", "doc_id": only,
                "source": src.loc[only, "source"].tolist() if "source" in src else None,
                "message": "every body line also occurs in other documents of the outlet: kept as body "
                           f"(audit rule {kept_rule}) instead of leaving the document empty"}))
    if len(empty):
        rejects.append(empty)
        issues.append(empty.rename(columns={"reason": "message"}).assign(level="rejected"))
    raw_rejects = pd.concat([r for r in rejects if len(r)], ignore_index=True) if any(len(r) for r in rejects) else raw.rejects
    raw_issues = pd.concat([i for i in issues if len(i)], ignore_index=True) if any(len(i) for i in issues) else raw.issues
    if scheduler is not None:
        from analysis.corpus.distributed import parse_distributed

        parsed = parse_distributed(documents, scheduler=scheduler, n_workers=n_workers, model=model,
                                   components=components, cache_dir=cache_dir, load_tables=False)
    else:
        parsed = parse_documents(documents, model=model, components=components, cache_dir=cache_dir,
                                 n_process=n_process, progress=progress, load_tables=False)
    _release()  # what the parse (or reading its cache) freed
    # the sentence, token and entity tables are read from the shards when first used (Corpus.tokens etc.)
    return Corpus(documents=documents, paragraphs=paragraphs, audit=audit,
                  rejects=raw_rejects[list(raw.rejects.columns)], issues=raw_issues[list(raw.issues.columns)],
                  parse_stats=parsed.stats, _parsed=parsed)


def _release() -> None:
    """Collect garbage (pandas frames freed in reference cycles), then return freed memory to the operating
    system (:func:`analysis.corpus.shards.release_free_memory`). Done after each step of :func:`build_corpus`:
    memory freed by one step and returned only at the end is by then interleaved with what later steps
    allocated and stays with the process (1.5 GB instead of 0.75 GB after building 50,000 documents from a
    warm cache, ``benchmarks/bench_measures_memory.py``)."""
    import gc

    gc.collect()
    release_free_memory()


def _reject_empty(documents: pd.DataFrame, paragraphs: pd.DataFrame, audit: pd.DataFrame):
    """Drop the documents whose clean text is empty; ``(documents, paragraphs, audit, rejects)``, the
    rejects naming the rules that removed the document's lines (their audit rows leave with them)."""
    empty = documents["text"].fillna("").astype(str).str.strip() == ""
    cols = ["source", "doc_id", "reason"]
    if not empty.any():
        return documents, paragraphs, audit, pd.DataFrame(columns=cols)
    gone = documents[empty]
    ids = set(gone["doc_id"].astype(str))
    removed = audit[audit["doc_id"].astype(str).isin(ids) & (audit["rule"] != "blank_line")]
    reasons = []
    for doc_id in gone["doc_id"].astype(str):
        rules = removed.loc[removed["doc_id"].astype(str) == doc_id, "rule"].value_counts()
        detail = ", ".join(f"{r} {n}" for r, n in rules.items())
        reasons.append(f"empty after cleaning ({rules.sum()} lines removed: {detail})" if len(rules)
                       else "empty after cleaning")
    rejects = pd.DataFrame({"source": gone["source"].tolist() if "source" in gone else None,
                            "doc_id": gone["doc_id"].tolist(), "reason": reasons}, columns=cols)
    keep = lambda df: df[~df["doc_id"].astype(str).isin(ids)].reset_index(drop=True)  # noqa: E731
    return keep(documents), keep(paragraphs), keep(audit), rejects
