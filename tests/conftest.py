"""Shared fixtures: the seed corpus is built once per test session."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def seed_corpus():
    import analysis

    return analysis.build_corpus(progress=False)


@pytest.fixture(scope="session")
def executed_outputs(tmp_path_factory):
    """Every notebook executed once on the seeds (shared by the notebook and report tests)."""
    from analysis.run_notebooks import run_all

    out = tmp_path_factory.mktemp("outputs")
    records = run_all(output_dir=out, force=True)
    return out, records
