"""Small cache-file helpers shared by the modules that keep arrays on disk.

Writes go to a temporary file in the same folder and are then renamed into place, so a reader in
another process (a second notebook kernel, a pytest-xdist worker, a Dask worker) sees either no
file or a complete one, never a half-written array.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np

__all__ = ["load_array", "save_array"]


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
