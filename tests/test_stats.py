"""The shared bootstrap: deterministic, covers the estimate, clusters honestly, flags small n."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compare.stats import bootstrap_ci


def _df():
    rng = np.random.default_rng(0)
    return pd.DataFrame({"outlet": ["a"] * 60 + ["b"] * 60, "doc_id": [f"a{i % 6}" for i in range(60)] + [f"b{i % 2}" for i in range(60)],
                         "tone": np.r_[rng.normal(1, 1, 60), rng.normal(-1, 1, 60)]})


def test_seeded_and_deterministic():
    a = bootstrap_ci(_df(), value="tone", by="outlet", n_boot=300, seed=7)
    b = bootstrap_ci(_df(), value="tone", by="outlet", n_boot=300, seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_interval_contains_estimate_and_separates_groups():
    ci = bootstrap_ci(_df(), value="tone", by="outlet", n_boot=500).set_index("outlet")
    assert (ci.ci_low <= ci.estimate).all() and (ci.estimate <= ci.ci_high).all()
    assert ci.loc["a", "ci_low"] > ci.loc["b", "ci_high"]
    assert abs(ci.loc["a", "estimate"] - _df().query("outlet == 'a'").tone.mean()) < 1e-12


def test_cluster_bootstrap_is_wider_and_flags_small_n():
    df = _df()
    # documents differ systematically: b0 sentences are far more negative than b1 sentences
    df.loc[df.doc_id == "b0", "tone"] -= 2.0
    df.loc[df.doc_id == "b1", "tone"] += 2.0
    rows = bootstrap_ci(df, value="tone", by="outlet", n_boot=500).set_index("outlet")
    clus = bootstrap_ci(df, value="tone", by="outlet", cluster="doc_id", n_boot=500).set_index("outlet")
    assert clus.loc["b", "n_clusters"] == 2 and clus.loc["b", "small_n"]
    assert not rows.loc["b", "small_n"]
    assert (clus.ci_high - clus.ci_low).loc["b"] > 2 * (rows.ci_high - rows.ci_low).loc["b"]


def test_single_cluster_gives_a_degenerate_interval():
    df = pd.DataFrame({"g": ["x"] * 5, "doc_id": ["d"] * 5, "v": [1.0, 2, 3, 4, 5]})
    ci = bootstrap_ci(df, value="v", by="g", cluster="doc_id", n_boot=100).iloc[0]
    assert ci.estimate == ci.ci_low == ci.ci_high == 3.0 and ci.small_n
