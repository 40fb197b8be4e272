"""The progress-bar class every stage uses: tqdm's notebook widget only when it can be drawn.

``tqdm.auto`` in a Jupyter kernel without ``ipywidgets`` warns ("IProgress not found", ``TqdmWarning``)
into the executed notebook, even for a disabled bar; the plain ``tqdm`` writes to stderr instead.
"""
from __future__ import annotations

import importlib.util


def tqdm_class() -> type:
    """``tqdm.auto.tqdm`` when ``ipywidgets`` is installed, else the plain ``tqdm.tqdm`` (stderr, no warning).

    >>> tqdm_class().__name__
    'tqdm'
    """
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm
