"""Shared fixtures: the seed corpus is built once per test session."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def seed_corpus():
    import analysis

    return analysis.build_corpus(progress=False)
