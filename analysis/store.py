"""The one on-disk cache format: arrays (``.npy``), tables (Parquet) and JSON, written atomically.

Writes go to a temporary file in the same folder and are then renamed into place, so a reader in
another process (a second notebook kernel, a pytest-xdist worker, a Dask worker) sees either no
file or a complete one, never a half-written array.
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["load_array", "read_json", "read_table", "save_array", "write_json", "write_table"]


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
            np.save(fh, array)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load_array(path: str | Path) -> np.ndarray | None:
    """The array stored at ``path``, or None when the file is missing or unreadable (then recompute).

    A truncated file left by an interrupted older writer is removed, so it is rebuilt once.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError):
        path.unlink(missing_ok=True)
        return None


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
        os.replace(tmp, path)
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


def read_table(path: str | Path) -> pd.DataFrame | None:
    """The table stored at ``path`` by :func:`write_table`, or None when it is missing or unreadable
    (a damaged file is removed, so it is rebuilt once)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.exists():
        return None
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError):
        path.unlink(missing_ok=True)
        return None
    df = table.to_pandas()
    meta = table.schema.metadata or {}
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
