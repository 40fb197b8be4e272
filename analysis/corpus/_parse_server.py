"""Preloaded by the fork server that starts parse worker processes (``start_method="forkserver"``).

Importing it loads the default spaCy pipeline once in the server, so the workers forked from it share the
model's memory instead of each loading their own, and none of them inherits the (possibly large) heap of
the process that asked for the parse. In the fork server it also starts the watchdog that ends the server
as soon as the process that started it dies (:func:`analysis.corpus.parse.exit_with_parent`): the server
holds the model too, and would otherwise outlive a killed parent until its own shutdown finishes.
"""
import os
import sys

from analysis.config import get_settings
from analysis.corpus.parse import ALL_COMPONENTS, exit_with_parent, load_model

if "multiprocessing.forkserver" in sys.modules and sys.argv[:1] == ["-c"]:  # only inside the fork server
    exit_with_parent(os.getppid())

try:
    load_model(get_settings().spacy_model, ALL_COMPONENTS)
except Exception:  # noqa: BLE001 - a missing model is reported, clearly, by the worker that needs it
    pass
