"""spaCy parsing with an on-disk cache: sentences, tokens and entities as tidy tables.

Each document is parsed once per (text, model, model version, components): results are stored as
immutable Parquet shards (plus a spaCy ``DocBin`` for code that needs the dependency tree) under the
cache folder, so a second run parses nothing and a corpus with a few new documents parses only those.
Paragraph breaks (blank lines in the clean text) are forced sentence boundaries, so a sentence never
spans a heading and the next paragraph. Character offsets are into the clean document text.

>>> import pandas as pd, tempfile
>>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Huawei denied it.\\n\\nThe US disagreed."]})
>>> parsed = parse_documents(docs, cache_dir=tempfile.mkdtemp(), progress=False)
>>> parsed.sentences.text.tolist()
['Huawei denied it.', 'The US disagreed.']
>>> parsed.stats.n_parsed, parse_documents(docs, cache_dir=parsed.stats.cache_dir, progress=False).stats.n_parsed
(1, 0)
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pandas as pd

from .config import SPACY_MODEL_INSTALL_HINT, get_settings

#: Components of a standard English spaCy pipeline; callers may ask for a subset.
ALL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
TOKEN_COLUMNS = ["doc_id", "sent_id", "token_i", "text", "lemma", "lower", "pos", "tag", "dep", "head_i",
                 "start_char", "end_char", "is_stop", "is_alpha", "is_punct", "like_num", "ent_type", "ent_iob"]
SENTENCE_COLUMNS = ["doc_id", "sent_id", "sent_i", "start_char", "end_char", "text", "n_tokens"]
ENTITY_COLUMNS = ["doc_id", "sent_id", "ent_i", "text", "label", "start_char", "end_char", "root_i"]
SHARD_SIZE = 1000
#: Bump when the cached table layout or sentence rules change, so stale caches are not reused.
CACHE_FORMAT = "2"  # documents per cache shard: bounds memory while parsing large corpora


class ModelNotFoundError(RuntimeError):
    """The configured spaCy pipeline is not installed."""


@lru_cache(maxsize=4)
def load_model(name: str | None = None, components: tuple[str, ...] | None = None):
    """Load a spaCy pipeline once per process, keeping only ``components`` (plus what they need).

    Raises :class:`ModelNotFoundError` naming the install command when the model is missing.
    """
    import spacy
    from spacy.language import Language

    if not Language.has_factory("paragraph_breaks"):
        Language.component("paragraph_breaks", func=_paragraph_breaks)
    name = name or get_settings().spacy_model
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotFoundError(
            f"spaCy model {name!r} is not installed. Install it with: {SPACY_MODEL_INSTALL_HINT}"
        ) from exc
    if components is not None:
        wanted = set(components)
        if wanted & {"tagger", "parser", "ner", "lemmatizer"}:
            wanted.add("tok2vec")
        if "lemmatizer" in wanted:
            wanted |= {"tagger", "attribute_ruler"}
        drop = [p for p in nlp.pipe_names if p not in wanted]
        for p in drop:
            nlp.remove_pipe(p)
        if "parser" not in nlp.pipe_names and "senter" in nlp.component_names:
            nlp.enable_pipe("senter")
    first = "parser" if "parser" in nlp.pipe_names else ("senter" if "senter" in nlp.pipe_names else None)
    nlp.add_pipe("paragraph_breaks", before=first) if first else nlp.add_pipe("paragraph_breaks")
    return nlp


def _paragraph_breaks(doc):
    """Force a sentence start after every blank line (paragraph boundary)."""
    for tok in doc[:-1]:
        if tok.is_space and tok.text.count("\n") >= 2:
            doc[tok.i + 1].is_sent_start = True
    return doc


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


def model_meta(name: str) -> dict:
    """The pipeline's ``meta.json`` without loading its weights (falls back to loading)."""
    import spacy.util

    try:
        path = spacy.util.get_package_path(name) if spacy.util.is_package(name) else Path(name)
        return json.loads((path / "meta.json").read_text())
    except (OSError, ValueError, ImportError):
        return dict(load_model(name).meta)


def _cache_root(cache_dir: Path, meta: dict, components: tuple[str, ...]) -> Path:
    import spacy

    tag = f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"
    comp = hashlib.sha1(",".join(sorted(components)).encode()).hexdigest()[:8]
    return cache_dir / "parse" / f"{tag}-spacy{spacy.__version__}-{comp}-f{CACHE_FORMAT}"


def text_key(text: str) -> str:
    """Cache key of a clean text (SHA-256 of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _doc_tables(key: str, doc) -> tuple[list[dict], list[dict], list[dict]]:
    sents, toks, ents = [], [], []
    sent_of: dict[int, int] = {}
    k = 0
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if not words:
            continue
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        if sents and all(t.is_punct for t in words) and start - sents[-1]["end_char"] <= 1:
            # a stray closing quote or bracket split off by the parser belongs to the previous sentence
            prev = sents[-1]
            prev["end_char"], prev["n_tokens"] = end, prev["n_tokens"] + len(words)
            prev["text"] = doc.text[prev["start_char"]:end]
            for t in sent:
                sent_of[t.i] = k - 1
            continue
        sents.append({"key": key, "sent_i": k, "start_char": start, "end_char": end,
                      "text": doc.text[start:end], "n_tokens": len(words)})
        for t in sent:
            sent_of[t.i] = k
        k += 1
    for t in doc:
        if t.is_space:
            continue
        toks.append({"key": key, "sent_i": sent_of.get(t.i, -1), "token_i": t.i, "text": t.text,
                     "lemma": t.lemma_, "lower": t.lower_, "pos": t.pos_, "tag": t.tag_, "dep": t.dep_,
                     "head_i": t.head.i, "start_char": t.idx, "end_char": t.idx + len(t.text),
                     "is_stop": t.is_stop, "is_alpha": t.is_alpha, "is_punct": t.is_punct,
                     "like_num": t.like_num, "ent_type": t.ent_type_, "ent_iob": t.ent_iob_})
    for j, e in enumerate(doc.ents):
        ents.append({"key": key, "sent_i": sent_of.get(e.start, -1), "ent_i": j, "text": e.text,
                     "label": e.label_, "start_char": e.start_char, "end_char": e.end_char, "root_i": e.root.i})
    return sents, toks, ents


def _write_shard(root: Path, keys: list[str], docs: list, rows: tuple[list, list, list]) -> Path:
    from spacy.tokens import DocBin

    tmp = root / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    sents, toks, ents = rows
    layouts = {
        "sentences": (sents, ["key", "sent_i", "start_char", "end_char", "text", "n_tokens"]),
        "tokens": (toks, ["key", "sent_i"] + TOKEN_COLUMNS[2:]),
        "entities": (ents, ["key", "sent_i", "ent_i", "text", "label", "start_char", "end_char", "root_i"]),
    }
    for name, (records, cols) in layouts.items():
        df = pd.DataFrame(records, columns=cols)
        df = df.astype({c: "string" for c in ("key", "text", "lemma", "lower", "pos", "tag", "dep", "label", "ent_type", "ent_iob") if c in cols})
        df.to_parquet(tmp / f"{name}.parquet")
    bin_ = DocBin(store_user_data=False)
    for d in docs:
        bin_.add(d)
    bin_.to_disk(tmp / "docs.spacy")
    (tmp / "keys.json").write_text(json.dumps(keys))
    final = root / f"shard-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    os.replace(tmp, final)
    return final


def _shard_index(root: Path) -> dict[str, Path]:
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


def _n_process(n_docs: int, total_chars: int, requested: int | None) -> int:
    if requested:
        return max(1, requested)
    if n_docs < 50 or total_chars < 200_000:
        return 1  # worker start-up costs more than it saves on small work
    return max(1, min(os.cpu_count() or 1, 4))


def parse_documents(
    documents: pd.DataFrame,
    *,
    model: str | None = None,
    components: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
    n_process: int | None = None,
    batch_size: int = 32,
    progress: bool | None = None,
) -> Parsed:
    """Parse ``documents`` (columns ``doc_id``, ``text``) through the cache; return tidy tables.

    ``components``: subset of the pipeline to run (default: all). ``n_process``: worker processes
    (default: 1 for small corpora, else the number of cores). ``progress``: tqdm bar (default: on when
    more than 20 documents need parsing).
    """
    settings = get_settings()
    comps = tuple(components) if components is not None else ALL_COMPONENTS
    model = model or settings.spacy_model
    meta = model_meta(model)
    cache = Path(cache_dir) if cache_dir is not None else settings.cache_dir
    root = _cache_root(cache, meta, comps)
    t0 = time.perf_counter()
    keys = {str(d): text_key(str(t)) for d, t in zip(documents["doc_id"], documents["text"])}
    index = _shard_index(root)
    texts = dict(zip(keys.values(), documents["text"].astype(str)))
    todo = [k for k in dict.fromkeys(keys.values()) if k not in index]
    if todo:
        nlp = load_model(model, comps)
        nproc = n_process or settings.n_process
        nproc = _n_process(len(todo), sum(len(texts[k]) for k in todo), nproc)
        show = progress if progress is not None else len(todo) > 20
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc=f"parsing with {model}", unit="doc", disable=not show)
        stream = nlp.pipe(((texts[k], k) for k in todo), as_tuples=True, n_process=nproc, batch_size=batch_size)
        buf_keys, buf_docs, buf_rows = [], [], ([], [], [])
        for doc, k in stream:
            s, t, e = _doc_tables(k, doc)
            buf_rows[0].extend(s), buf_rows[1].extend(t), buf_rows[2].extend(e)
            buf_keys.append(k), buf_docs.append(doc)
            bar.update(1)
            if len(buf_keys) >= SHARD_SIZE:
                shard = _write_shard(root, buf_keys, buf_docs, buf_rows)
                index.update({kk: shard for kk in buf_keys})
                buf_keys, buf_docs, buf_rows = [], [], ([], [], [])
        if buf_keys:
            shard = _write_shard(root, buf_keys, buf_docs, buf_rows)
            index.update({kk: shard for kk in buf_keys})
        bar.close()
    sentences, tokens, entities = _load_tables(keys, index)
    stats = ParseStats(n_docs=len(keys), n_cached=len(set(keys.values())) - len(todo), n_parsed=len(todo),
                       seconds=time.perf_counter() - t0, model=f"{model} {meta.get('version')}", cache_dir=str(cache))
    shards = sorted({index[k] for k in keys.values()})
    return Parsed(sentences=sentences, tokens=tokens, entities=entities, stats=stats, shards=shards, keys=keys)


def _load_tables(keys: dict[str, str], index: dict[str, Path]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    wanted = set(keys.values())
    by_shard: dict[Path, list[str]] = {}
    for k in wanted:
        by_shard.setdefault(index[k], []).append(k)
    frames: dict[str, list[pd.DataFrame]] = {"sentences": [], "tokens": [], "entities": []}
    for shard, ks in sorted(by_shard.items()):
        for name in frames:
            frames[name].append(pd.read_parquet(shard / f"{name}.parquet", filters=[("key", "in", ks)]))
    key_doc = pd.DataFrame({"doc_id": list(keys), "key": list(keys.values())})
    order = {d: i for i, d in enumerate(keys)}
    out = []
    for name, cols in (("sentences", SENTENCE_COLUMNS), ("tokens", TOKEN_COLUMNS), ("entities", ENTITY_COLUMNS)):
        df = pd.concat(frames[name], ignore_index=True) if frames[name] else pd.DataFrame(columns=["key", "sent_i"])
        df = df.drop_duplicates(subset=[c for c in df.columns if c in ("key", "sent_i", "token_i", "ent_i")] if name != "sentences" else ["key", "sent_i"])
        df = key_doc.merge(df, on="key", how="inner").drop(columns="key")
        df["sent_id"] = pd.Series([f"{d}:s{int(i):04d}" for d, i in zip(df["doc_id"], df["sent_i"])], index=df.index, dtype="string")
        sort = ["doc_id", {"sentences": "sent_i", "tokens": "token_i", "entities": "ent_i"}[name]]
        df = df.assign(_o=df["doc_id"].map(order)).sort_values(["_o", sort[1]]).drop(columns="_o").reset_index(drop=True)
        for c in cols:
            if c not in df.columns:
                df[c] = pd.NA
        out.append(df[cols])
    return tuple(out)


def iter_docs(parsed: Parsed, *, doc_ids: Iterable[str] | None = None) -> Iterator[tuple[str, "object"]]:
    """Yield ``(doc_id, spacy Doc)`` rebuilt from the cache's DocBins, without parsing again."""
    import spacy
    from spacy.tokens import DocBin

    wanted = list(doc_ids) if doc_ids is not None else list(parsed.keys)
    by_key: dict[str, list[str]] = {}
    for d in wanted:
        by_key.setdefault(parsed.keys[d], []).append(d)
    vocab = spacy.blank("en").vocab
    found: dict[str, object] = {}
    for shard in parsed.shards:
        keys = json.loads((shard / "keys.json").read_text())
        if not set(keys) & set(by_key):
            continue
        docs = DocBin().from_disk(shard / "docs.spacy").get_docs(vocab)
        for k, doc in zip(keys, docs):
            if k in by_key and k not in found:
                found[k] = doc
    for d in wanted:
        yield d, found[parsed.keys[d]]


def clear_cache(cache_dir: str | Path | None = None) -> None:
    """Delete the parse cache (all models)."""
    cache = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    shutil.rmtree(cache / "parse", ignore_errors=True)
