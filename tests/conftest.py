"""Shared fixtures: the seed corpus is built once per test session."""
from __future__ import annotations

import json

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def seed_corpus():
    import analysis

    return analysis.build_corpus(progress=False)


@pytest.fixture(scope="session")
def executed_outputs(tmp_path_factory, worker_id):
    """Every notebook executed once on the seeds (shared by the notebook and report tests).

    Under pytest-xdist each worker has its own session, so the first worker to get here runs the
    notebooks into a folder shared by the workers while holding a file lock, and the others wait and
    reuse its output: the notebooks run once per test run, not once per worker. (xdist's
    ``--dist loadgroup`` would do this by scheduling, but with pytest 9.2 and xdist 3.8 it does not group.)
    Treat the folder as read-only; a test that writes derived files copies what it needs first.
    """
    from filelock import FileLock

    from analysis.run.notebooks import run_all

    if worker_id == "master":  # not under xdist
        out = tmp_path_factory.mktemp("outputs")
        return out, run_all(output_dir=out, force=True)
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of this run
    out, done = shared / "executed_outputs", shared / "executed_outputs.json"
    with FileLock(str(done) + ".lock"):
        if not done.exists():
            done.write_text(json.dumps(run_all(output_dir=out, force=True)))
        return out, json.loads(done.read_text())
