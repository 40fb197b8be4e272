"""Preloaded by the fork server that starts parse worker processes (``start_method="forkserver"``).

Importing it loads the default spaCy pipeline once in the server, so the workers forked from it share the
model's memory instead of each loading their own, and none of them inherits the (possibly large) heap of
the process that asked for the parse.
"""
from analysis.config import get_settings
from analysis.corpus.parse import ALL_COMPONENTS, load_model

try:
    load_model(get_settings().spacy_model, ALL_COMPONENTS)
except Exception:  # noqa: BLE001 - a missing model is reported, clearly, by the worker that needs it
    pass
