"""The shared bootstrap: deterministic, covers the estimate, clusters honestly, flags small n."""
from __future__ import annotations

import numpy as np
import pytest
import pandas as pd

from analysis.compare.stats import bootstrap_ci, interval_policy


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


# ------------------------------------------------------------------------- interval policy (one per outlet)
def _mixed():
    """Outlet a: six articles of ten sentences; outlet b: one article of ten sentences."""
    rng = np.random.default_rng(1)
    return pd.DataFrame({"outlet": ["a"] * 60 + ["b"] * 10,
                         "doc_id": [f"a{i // 10}" for i in range(60)] + ["b0"] * 10,
                         "tone": rng.normal(0, 1, 70)})


def test_policy_is_decided_per_outlet():
    pol = interval_policy(_mixed())
    t = pol.table.set_index("outlet")
    assert t.loc["a", "resample"] == "articles" and t.loc["b", "resample"] == "units"
    assert t.loc["a", "n_articles"] == 6 and t.loc["b", "n_articles"] == 1
    assert not t.loc["a", "small_n"] and t.loc["b", "small_n"]
    assert pol.describe() == "articles or sentences (per outlet)"
    assert pol.resample("a") == "articles" and pol.resample("b") == "units"
    with pytest.raises(KeyError, match="'c' is not in the interval policy"):
        pol.resample("c")
    assert interval_policy(_mixed(), min_articles=7).describe() == "sentences"
    assert interval_policy(_mixed(), resample="articles").describe() == "articles"


def test_policy_intervals_resample_each_outlet_at_its_level():
    df = _mixed()
    ci = interval_policy(df).intervals(df, value="tone", by=["outlet"], n_boot=300, seed=3).set_index("outlet")
    assert ci.loc["a", "interval"] == "articles" and ci.loc["b", "interval"] == "sentences"
    # n_clusters and small_n count articles whatever was resampled
    assert ci.loc["a", "n_clusters"] == 6 and ci.loc["b", "n_clusters"] == 1
    assert ci["small_n"].tolist() == [False, True]
    # outlet a is exactly the article-level bootstrap, outlet b the sentence-level one
    art = bootstrap_ci(df[df.outlet == "a"], value="tone", by="outlet", cluster="doc_id", n_boot=300, seed=3)
    sen = bootstrap_ci(df[df.outlet == "b"], value="tone", by="outlet", n_boot=300, seed=3)
    assert ci.loc["a", "ci_low"] == art.ci_low.iloc[0] and ci.loc["b", "ci_high"] == sen.ci_high.iloc[0]
    assert ci.loc["b", "ci_low"] < ci.loc["b", "ci_high"]  # one article still gets a sentence-level interval


def test_policy_marks_rows_with_nothing_to_resample():
    df = _mixed()
    ci = interval_policy(df, min_articles=1).intervals(df, value="tone", by=["outlet"], n_boot=100)
    b = ci.set_index("outlet").loc["b"]
    assert b.interval == "none" and b.ci_low == b.ci_high == b.estimate and not b.small_n


def test_policy_errors_name_the_problem():
    df = _mixed()
    with pytest.raises(KeyError, match="'b' is not in the interval policy"):
        interval_policy(df[df.outlet == "a"]).intervals(df, value="tone", by=["outlet"], n_boot=10)
    with pytest.raises(ValueError, match="must start with the policy's column 'outlet'"):
        interval_policy(df).intervals(df, value="tone", by=["doc_id"], n_boot=10)
    with pytest.raises(ValueError, match="resample must be"):
        interval_policy(df, resample="docs")
    with pytest.raises(KeyError, match="'doc_id'"):
        interval_policy(df.drop(columns="doc_id"))


# ------------------------------------------------------------------------- outlet differences (item: differences)
from analysis.compare.stats import outlet_differences  # noqa: E402


def _articles(effect: float = 0.0, *, n_docs: dict | None = None, seed: int = 0) -> pd.DataFrame:
    """Sentences of articles from outlets a, b, c; outlet a's articles are shifted by ``effect``."""
    rng = np.random.default_rng(seed)
    n_docs = n_docs or {"a": 8, "b": 8, "c": 8}
    rows = []
    for o, k in n_docs.items():
        for d in range(k):
            art = rng.normal(0, 0.3)  # articles differ: sentences of one article are not independent
            for s in range(6):
                rows.append({"outlet": o, "doc_id": f"{o}{d}", "v": art + rng.normal(0, 0.3) + (effect if o == "a" else 0)})
    return pd.DataFrame(rows)


def test_outlet_differences_finds_a_real_difference_and_reports_the_rest():
    d = outlet_differences(_articles(1.5), outlet="outlet", cluster="doc_id", value="v", n_boot=500, n_perm=500)
    assert list(d.columns) == ["outlet", "estimate", "rest", "difference", "ci_low", "ci_high", "p_value",
                               "q_value", "n_articles", "verdict"]
    d = d.set_index("outlet")
    assert d.loc["a", "q_value"] < 0.05 and d.loc["a", "ci_low"] > 0 and d.loc["a", "verdict"].startswith("higher")
    assert d.loc["a", "difference"] == pytest.approx(d.loc["a", "estimate"] - d.loc["a", "rest"])
    assert (d.q_value >= d.p_value - 1e-12).all()  # BH never lowers a p-value


def test_outlet_differences_without_an_effect_are_not_distinguishable():
    d = outlet_differences(_articles(0.0), outlet="outlet", cluster="doc_id", value="v", n_boot=300, n_perm=300)
    assert (d.verdict == "not distinguishable").all()


def test_outlet_differences_resample_articles_not_sentences():
    """50 sentences per article and two articles per side: sentence-level resampling would find a 'difference'."""
    df = pd.DataFrame({"outlet": ["a"] * 100 + ["b"] * 100,
                       "doc_id": [f"a{i // 50}" for i in range(100)] + [f"b{i // 50}" for i in range(100)],
                       "v": [1.0] * 50 + [0.2] * 50 + [0.8] * 50 + [0.0] * 50})
    sentence_level = bootstrap_ci(df, value="v", by="outlet", n_boot=500).set_index("outlet")
    assert sentence_level.loc["a", "ci_low"] > sentence_level.loc["b", "ci_high"]
    d = outlet_differences(df, outlet="outlet", cluster="doc_id", value="v", n_boot=500, n_perm=500).set_index("outlet")
    assert d.loc["a", "ci_low"] < 0 < d.loc["a", "ci_high"]   # the article bootstrap spans zero
    assert d.loc["a", "p_value"] > 0.3 and (d.verdict == "not distinguishable").all()


def test_outlet_differences_seeded_and_one_article_outlets_cannot_be_estimated():
    df = _articles(1.0, n_docs={"a": 5, "b": 5, "c": 1})
    d1 = outlet_differences(df, outlet="outlet", cluster="doc_id", value="v", n_boot=200, n_perm=200, seed=3)
    d2 = outlet_differences(df, outlet="outlet", cluster="doc_id", value="v", n_boot=200, n_perm=200, seed=3)
    pd.testing.assert_frame_equal(d1, d2)
    c = d1.set_index("outlet").loc["c"]
    assert c.verdict == "cannot be estimated (1 article)" and np.isnan(c.p_value) and np.isnan(c.q_value)


def test_outlet_differences_adjust_across_the_whole_family():
    df = pd.concat([_articles(0.0, seed=s).assign(q=f"q{s}") for s in range(4)], ignore_index=True)
    d = outlet_differences(df, outlet="outlet", cluster="doc_id", value="v", by=["q"], n_boot=100, n_perm=200)
    from scipy.stats import false_discovery_control

    assert len(d) == 12 and list(d.columns[:2]) == ["q", "outlet"]
    np.testing.assert_allclose(d.q_value, false_discovery_control(d.p_value.to_numpy()))


# ------------------------------------------------------------------------- ties and near-ties
from analysis.compare.stats import top_item  # noqa: E402


def test_top_item_flags_exact_ties():
    t = pd.DataFrame({"label": ["Morality", "Conflict", "Economic", "Human"], "estimate": [0.27, 0.27, 0.27, 0.1]})
    top = top_item(t, item="label")
    assert top.name == "Conflict" and top.tied == ["Economic", "Morality"] and top.near == []
    assert top.note(lambda v: f"{v:.0%}") == "27%; tied with Economic, Morality"


def test_top_item_flags_overlapping_intervals_as_near_ties():
    t = pd.DataFrame({"label": ["Conflict", "Economic", "Human"], "estimate": [0.27, 0.24, 0.05],
                      "ci_low": [0.20, 0.18, 0.01], "ci_high": [0.34, 0.30, 0.09]})
    top = top_item(t, item="label")
    assert top.name == "Conflict" and top.tied == [] and [n for n, _ in top.near] == ["Economic"]
    assert top.note(lambda v: f"{v:.0%}") == "27%; not distinguishable from Economic, 24%"
    clear = t.assign(ci_high=[0.34, 0.19, 0.09])
    assert top_item(clear, item="label").note(lambda v: f"{v:.0%}") == "27%"


# ------------------------------------------------------------ the vectorised bootstrap against the replicate loop
def _loop_bootstrap_ci(df, *, value, by, cluster=None, stat=np.mean, n_boot=2000, level=0.95, seed=42):
    """The replicate-by-replicate loop ``bootstrap_ci`` was before it was vectorised (the reference)."""
    rng = np.random.default_rng(seed)
    rows = []
    for key, g in df.groupby([by], sort=True, dropna=False):
        vals = g[value].to_numpy(dtype=float)
        mask = ~np.isnan(vals)
        vals = vals[mask]
        if cluster is not None:
            uniq, inv = np.unique(g[cluster].to_numpy()[mask], return_inverse=True)
            parts = [vals[inv == k] for k in range(len(uniq))]
        boots = np.empty(n_boot)
        for b in range(n_boot):
            if cluster is not None:
                boots[b] = stat(np.concatenate([parts[k] for k in rng.integers(0, len(parts), len(parts))]))
            else:
                boots[b] = stat(vals[rng.integers(0, len(vals), len(vals))])
        lo, hi = np.quantile(boots, [(1 - level) / 2, 1 - (1 - level) / 2])
        rows.append({by: key[0], "estimate": float(stat(vals)), "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("stat", ["mean", "median", "sum", "callable"])
@pytest.mark.parametrize("cluster", [None, "doc_id"])
def test_vectorised_bootstrap_equals_the_replicate_loop(stat, cluster):
    """Same seed, same resamples: rows give identical intervals; clusters equal to floating-point rounding (the
    mean of a resample is the ratio of summed cluster sums, not the mean of the concatenated values)."""
    df = _df()
    df.loc[df.index[::7], "tone"] = np.nan                     # missing values are dropped before resampling
    fn = {"mean": np.mean, "median": np.median, "sum": np.sum, "callable": lambda v: float(np.percentile(v, 30))}[stat]
    new = bootstrap_ci(df, value="tone", by="outlet", cluster=cluster, stat=fn if stat == "callable" else stat,
                       n_boot=400, seed=11)
    old = _loop_bootstrap_ci(df, value="tone", by="outlet", cluster=cluster, stat=fn, n_boot=400, seed=11)
    cols = ["outlet", "estimate", "ci_low", "ci_high"]
    if cluster is None or stat in ("median", "callable"):
        pd.testing.assert_frame_equal(new[cols], old[cols], check_exact=True)
    else:
        pd.testing.assert_frame_equal(new[cols], old[cols], check_exact=False, rtol=0, atol=1e-12)


def test_bootstrap_blocks_do_not_change_the_resamples(monkeypatch):
    """Replicates are computed in blocks that bound memory; the block size changes nothing."""
    import analysis.intervals as st

    df = _df()
    whole = bootstrap_ci(df, value="tone", by="outlet", cluster="doc_id", n_boot=300, seed=5)
    rows = bootstrap_ci(df, value="tone", by="outlet", n_boot=300, seed=5)
    monkeypatch.setattr(st, "_BOOT_BLOCK", 7)    # a block of one replicate (60 rows > 7) or a few (6 clusters)
    pd.testing.assert_frame_equal(whole, bootstrap_ci(df, value="tone", by="outlet", cluster="doc_id", n_boot=300, seed=5))
    pd.testing.assert_frame_equal(rows, bootstrap_ci(df, value="tone", by="outlet", n_boot=300, seed=5))
# ------------------------------------------------------------------------------- where the interval code lives
def test_interval_machinery_sits_below_the_measures_stage():
    """The measures and validate stages draw intervals from analysis.intervals, never from analysis.compare
    (data flows one way); the old names still import from analysis.compare(.stats) and are the same objects."""
    import ast
    from pathlib import Path

    import analysis.compare
    import analysis.compare.stats as stats
    import analysis.intervals as intervals

    pkg = Path(intervals.__file__).parent
    offenders = []
    for path in sorted([*(pkg / "measures").glob("*.py"), *(pkg / "validate").glob("*.py"),
                        *(pkg / "corpus").glob("*.py"), *(pkg / "story").glob("*.py"), pkg / "intervals.py"]):
        for node in ast.walk(ast.parse(path.read_text())):
            mods = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.relative_to(pkg)}: {m}" for m in mods if m.startswith("analysis.compare")]
    assert offenders == []
    for name in ("bootstrap_ci", "IntervalPolicy", "interval_policy", "cannot_estimate", "CannotEstimateWarning",
                 "SMALL_N", "MIN_CELL_N"):
        assert getattr(stats, name) is getattr(intervals, name), name
    for name in ("bootstrap_ci", "IntervalPolicy", "interval_policy", "cannot_estimate", "CannotEstimateWarning"):
        assert getattr(analysis.compare, name) is getattr(intervals, name), name
