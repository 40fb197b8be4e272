"""The one on-disk cache format: arrays (``.npy``), tables (Parquet) and JSON, written atomically.

Writes go to a temporary file in the same folder and are then renamed into place, so a reader in
another process (a second notebook kernel, a pytest-xdist worker, a Dask worker) sees either no
file or a complete one, never a half-written array.

A large table can also be written a part at a time (:func:`write_table_parts`: the row groups of one Parquet
file, published like any other entry), so that it is never held whole in memory, and read back only when asked.

Every array and table gets a check file next to it (``<file>.check.json``: the entry's name, its byte
size, SHA-256 and row count), written after the entry. Reading verifies it: an entry whose check file is
missing (an interrupted write, or an older cache) is a miss and is rebuilt; an entry that is truncated,
corrupted, or holds another entry's data is removed with a warning naming it, and rebuilt. Nothing is
ever unpickled: arrays are read with ``allow_pickle=False`` and tables are Parquet.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CacheDamageWarning", "check_path", "combined_schema", "file_sha256", "is_verified", "load_array",
           "read_arrow", "read_json", "read_table", "save_array", "write_json", "write_table", "write_table_parts"]


class CacheDamageWarning(UserWarning):
    """A cache entry failed its check (truncated, corrupted or another entry's data) and is rebuilt."""


def check_path(path: str | Path) -> Path:
    """The check file of a cache entry: ``<entry>.check.json`` next to it.

    >>> check_path("/c/t.parquet").name
    't.parquet.check.json'
    """
    path = Path(path)
    return path.with_name(path.name + ".check.json")


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in 1 MiB blocks (the check files' checksum).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x"; _ = f.write_bytes(b"abc")
    >>> file_sha256(f)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _discard(path: Path, why: str, *, depth: int = 0) -> None:
    warnings.warn(f"cache entry {path} is damaged ({why}); it is removed and rebuilt", CacheDamageWarning,
                  stacklevel=4 + depth)  # the caller of read_table / load_array / read_arrow
    path.unlink(missing_ok=True)
    check_path(path).unlink(missing_ok=True)


def _verified(path: Path, *, depth: int = 0) -> dict | None:
    """The check record of ``path`` when the file matches it; None (entry removed when damaged) otherwise.
    ``depth``: how many calls further from the user's code than a public reader (for the warning's line)."""
    if not path.exists():
        return None
    check = read_json(check_path(path))
    if not isinstance(check, dict):
        return None  # written without a check (interrupted, or an older cache): a miss, rewritten
    if check.get("entry") != path.name:
        _discard(path, f"its check names another entry, {check.get('entry')!r}", depth=depth)
        return None
    size = path.stat().st_size
    if size != check.get("bytes"):
        _discard(path, f"{size} bytes, {check.get('bytes')} written", depth=depth)
        return None
    if file_sha256(path) != check.get("sha256"):
        _discard(path, "checksum mismatch", depth=depth)
        return None
    return check


def _publish(tmp: Path, path: Path, *, rows: int) -> None:
    """Move the finished ``tmp`` to ``path`` and write its check file after it (the old check goes first,
    so a crash in between leaves an unchecked entry, which reads as a miss, never a stale check)."""
    check_path(path).unlink(missing_ok=True)
    size, digest = tmp.stat().st_size, file_sha256(tmp)
    os.replace(tmp, path)
    write_json(check_path(path), {"entry": path.name, "bytes": size, "sha256": digest, "rows": int(rows)})


def save_array(path: str | Path, array: np.ndarray) -> Path:
    """Write ``array`` to ``path`` (``.npy``) atomically; returns the path.

    >>> save_array("/tmp/a.npy", np.zeros(3)).name     # doctest: +SKIP
    'a.npy'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            np.save(fh, array, allow_pickle=False)
        _publish(tmp, path, rows=len(array) if np.ndim(array) else 1)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load_array(path: str | Path, *, mmap_mode: str | None = None) -> np.ndarray | None:
    """The array stored at ``path`` by :func:`save_array`, or None when it is missing, unchecked or damaged
    (then recompute; a damaged file is removed with a :class:`CacheDamageWarning`). Object arrays (which
    would need unpickling) are refused. ``mmap_mode="r"`` maps the verified file instead of reading it
    (for large arrays of which few rows are needed).

    >>> import tempfile
    >>> p = save_array(Path(tempfile.mkdtemp()) / "a.npy", np.arange(3))
    >>> load_array(p).tolist()
    [0, 1, 2]
    """
    path = Path(path)
    check = _verified(path)
    if check is None:
        return None
    try:
        array = np.load(path, allow_pickle=False, mmap_mode=mmap_mode)
    except (ValueError, OSError, EOFError) as exc:
        _discard(path, f"unreadable: {exc}")
        return None
    if (len(array) if np.ndim(array) else 1) != check.get("rows"):
        _discard(path, f"{len(array)} rows, {check.get('rows')} written")
        return None
    return array


_OBJECT_KEY = b"analysis.measures.object_columns"
_JSON_KEY = b"analysis.store.json_columns"


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as Parquet, atomically, so that :func:`read_table` gives an equal frame.

    Object columns are recorded and restored as objects; a column Parquet cannot store (mixed Python types,
    lists of mixed items) is stored as JSON text and decoded on reading. Never pickle.

    >>> import tempfile
    >>> p = write_table(pd.DataFrame({"a": [1, 2], "b": [["x"], 3]}), Path(tempfile.mkdtemp()) / "t.parquet")
    >>> read_table(p)["b"].tolist()
    [['x'], 3]
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    json_cols: list[str] = []
    frame = df
    while True:
        try:
            table = pa.Table.from_pandas(frame, preserve_index=True)
            break
        except (pa.ArrowException, TypeError, ValueError) as exc:
            bad = next((c for c in frame.columns if c not in json_cols and frame[c].dtype == object
                        and not _arrow_ok(frame[c])), None)
            if bad is None:
                raise TypeError(f"cannot store table at {path.name} as Parquet: {exc}") from exc
            json_cols.append(bad)
            frame = frame.assign(**{bad: frame[bad].map(lambda v: json.dumps(v, default=str))})
    obj = [str(c) for c in df.columns if df[c].dtype == object and c not in json_cols]
    meta = {**(table.schema.metadata or {}), _OBJECT_KEY: json.dumps(obj).encode(),
            _JSON_KEY: json.dumps([str(c) for c in json_cols]).encode()}
    try:
        pq.write_table(table.replace_schema_metadata(meta), tmp)
        _publish(tmp, path, rows=len(df))
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _arrow_ok(col: pd.Series) -> bool:
    import pyarrow as pa

    try:
        pa.array(col.tolist())
        return True
    except (pa.ArrowException, TypeError, ValueError):
        return False


def is_verified(path: str | Path) -> bool:
    """Whether the entry at ``path`` exists and passes its check (bytes, checksum), without reading it into
    memory; a damaged entry is removed with a :class:`CacheDamageWarning` (then False).

    >>> import tempfile
    >>> p = write_table(pd.DataFrame({"a": [1]}), Path(tempfile.mkdtemp()) / "t.parquet")
    >>> is_verified(p), is_verified(p.with_name("other.parquet"))
    (True, False)
    """
    return _verified(Path(path)) is not None


def read_arrow(path: str | Path, *, columns: list[str] | None = None):
    """The table stored at ``path`` by :func:`write_table` or :func:`write_table_parts` as a ``pyarrow.Table``
    (only ``columns``, when given), or None when it is missing, unchecked or damaged (a damaged file is
    removed with a :class:`CacheDamageWarning`). Read it into pandas with :func:`read_table`.

    >>> import tempfile
    >>> p = write_table(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), Path(tempfile.mkdtemp()) / "t.parquet")
    >>> read_arrow(p, columns=["b"]).column("b").to_pylist()
    ['x', 'y']
    """
    return _read_arrow(Path(path), columns)


def _read_arrow(path: Path, columns: list[str] | None, *, depth: int = 0):
    import pyarrow as pa
    import pyarrow.parquet as pq

    check = _verified(path, depth=depth + 1)
    if check is None:
        return None
    try:
        table = pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError, ValueError) as exc:
        _discard(path, f"unreadable: {exc}", depth=depth)
        return None
    if table.num_rows != check.get("rows"):
        _discard(path, f"{table.num_rows} rows, {check.get('rows')} written", depth=depth)
        return None
    return table


_INDEX_PREFIX = "__index_level_"


def combined_schema(paths, *, drop: tuple[str, ...] = ()):
    """The Arrow schema under which the tables at ``paths`` (written by :func:`write_table`, e.g. the parts of a
    large table computed batch by batch) are stored as one by :func:`write_table_parts`, less the columns
    ``drop`` and their stored indexes; None when they cannot be combined so that :func:`read_table` gives
    what ``pd.concat`` of the parts would (different columns, types or JSON-stored columns; an index that is
    not the row number): then concatenate them in pandas and use :func:`write_table`.

    A column that is all missing in some parts (Arrow ``null``) takes the type of the others; integers stored
    beside floats become floats, strings beside large strings large strings (what the concatenated frame
    would store); object columns of any part are object columns of the whole.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> a = write_table(pd.DataFrame({"n": [1], "s": [None]}), d / "a.parquet")
    >>> b = write_table(pd.DataFrame({"n": [0.5], "s": ["x"]}), d / "b.parquet")
    >>> [str(f.type) for f in combined_schema([a, b])]
    ['double', 'large_string']
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(p) for p in paths]
    if not schemas:
        return None
    metas = [s.pandas_metadata or {} for s in schemas]
    names = [[n for n in s.names if n not in drop and not n.startswith(_INDEX_PREFIX)] for s in schemas]
    if any(n != names[0] for n in names):
        return None
    for m in metas:   # the index must be the row number (a range, or the stored __index_level_0__ of one)
        idx = m.get("index_columns", [])
        if any(not (isinstance(i, dict) and i.get("kind") == "range") and not str(i).startswith(_INDEX_PREFIX)
               for i in idx) or len(idx) > 1:
            return None
    json_sets = {(s.metadata or {}).get(_JSON_KEY, b"[]") for s in schemas}
    if len({tuple(json.loads(j)) for j in json_sets}) > 1:
        return None
    fields = []
    for name in names[0]:
        types = {s.field(name).type for s in schemas} - {pa.null()}
        if types <= {pa.string(), pa.large_string()} and len(types) == 2:
            types = {pa.large_string()}
        elif types == {pa.int64(), pa.float64()}:
            types = {pa.float64()}
        if len(types) > 1 or any(pa.types.is_dictionary(t) for t in types):
            return None
        fields.append(pa.field(name, types.pop() if types else pa.null()))
    # pandas' own metadata (dtypes), each column's from a part where it is not all missing; no index
    columns = []
    for name in names[0]:
        entries = [next(c for c in m.get("columns", []) if c.get("field_name") == name) for m in metas]
        typed = [e for e, s in zip(entries, schemas) if s.field(name).type != pa.null()]
        columns.append((typed or entries)[0])
    pandas_meta = {**metas[0], "index_columns": [], "columns": columns}
    objects = sorted({c for s in schemas for c in json.loads((s.metadata or {}).get(_OBJECT_KEY, b"[]"))} - set(drop))
    meta = {b"pandas": json.dumps(pandas_meta).encode(), _OBJECT_KEY: json.dumps(objects).encode(),
            _JSON_KEY: json_sets.pop()}
    return pa.schema(fields, metadata=meta)


def write_table_parts(parts, path: str | Path, *, schema) -> Path:
    """Write the Arrow tables ``parts`` one after another as one Parquet table at ``path`` (each part a row
    group: only one part is in memory at a time), atomically and with its check file, as :func:`write_table`
    does; :func:`read_table` then gives the whole table. ``schema`` (e.g. :func:`combined_schema`) is the
    stored one: each part is cast to it (its extra columns, such as a stored index, are left out).

    >>> import tempfile, pyarrow as pa
    >>> d = Path(tempfile.mkdtemp())
    >>> s = pa.schema([("a", pa.int64())])
    >>> p = write_table_parts((pa.table({"a": [i, i + 1]}) for i in (0, 2)), d / "t.parquet", schema=s)
    >>> read_table(p)["a"].tolist()
    [0, 1, 2, 3]
    """
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    rows = 0
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            for part in parts:
                part = part.select(schema.names).cast(schema)
                if part.num_rows:
                    writer.write_table(part)
                    rows += part.num_rows
        _publish(tmp, path, rows=rows)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_table(path: str | Path) -> pd.DataFrame | None:
    """The table stored at ``path`` by :func:`write_table`, or None when it is missing, unchecked or damaged
    (a damaged file is removed with a :class:`CacheDamageWarning`, so it is rebuilt once)."""
    table = _read_arrow(Path(path), None)
    if table is None:
        return None
    meta = table.schema.metadata or {}
    df = table.to_pandas()
    del table
    for c in json.loads(meta.get(_JSON_KEY, b"[]")):
        if c in df.columns:
            df[c] = df[c].map(json.loads).astype(object)
    for c in json.loads(meta.get(_OBJECT_KEY, b"[]")):
        if c in df.columns:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def write_json(path: str | Path, data) -> Path:
    """Write ``data`` as JSON atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(json.dumps(data, sort_keys=True, default=str), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_json(path: str | Path):
    """The JSON stored at ``path``, or None when missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
