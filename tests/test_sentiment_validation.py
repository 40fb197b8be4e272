"""Scoring sentiment methods against human ratings, and reading rated files."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.config import validation_path
from analysis.measures.tone import score_texts
from analysis.validate.tone_validation import (
    VADER_SETS,
    evaluate_method,
    evaluate_scores,
    load_rated_file,
    load_vader_ground_truth,
    read_vader_file,
    read_vader_rater_file,
    rater_reliability,
    rating_matrix,
)


def _metric(table, name, domain=None):
    t = table if domain is None else table[table.domain == domain]
    return float(t.set_index("metric").loc[name, "value"])


# ---------------------------------------------------------------- reading the VADER format
def test_read_vader_file_handles_bom_crlf_and_bad_bytes(tmp_path):
    p = tmp_path / "toy_GroundTruth.txt"
    p.write_bytes(b"\xef\xbb\xbf1_1\t-0.9\tno picture at all.\r\n"
                  b"1_2\t2.5\tclich\xe9s but fun\r\n"
                  b"1_3\t0\tplain text\r\n")
    with pytest.warns(UserWarning, match="1 line"):
        df = read_vader_file(p, domain="toy")
    assert df["item_id"].tolist() == ["1_1", "1_2", "1_3"]          # BOM not glued to the first id
    assert df["rating"].tolist() == [-0.9, 2.5, 0.0]
    assert df["decode_error"].tolist() == [False, True, False]
    assert "\ufffd" in df.loc[1, "text"] and not df["text"].str.contains("\r").any()


def test_read_vader_file_rejects_malformed_line(tmp_path):
    p = tmp_path / "bad_GroundTruth.txt"
    p.write_bytes(b"1\t2.0\tfine\r\n2\tno rating here\r\n")
    with pytest.raises(ValueError, match="line 2"):
        read_vader_file(p)


def test_load_vader_ground_truth_merges_raters(tmp_path):
    (tmp_path / "tweets_GroundTruth.txt").write_bytes(b"1\t2.0\tgreat\r\n2\t-1.5\tbad\r\n")
    (tmp_path / "tweets_anonDataRatings.txt").write_bytes(
        b"\xef\xbb\xbf1\t2.0\t0.5\t[2, 3, 1]\r\n2\t-1.5\t0.5\t[-1, -2]\r\n")
    r = load_vader_ground_truth(tmp_path, sets=["tweets"])
    assert r["domain"].unique().tolist() == ["tweets"]
    assert r["n_raters"].tolist() == [3, 2]
    assert r["ratings"].iloc[1] == [-1.0, -2.0]
    assert read_vader_rater_file(tmp_path / "tweets_anonDataRatings.txt")["item_id"].iloc[0] == "1"


def test_load_vader_ground_truth_missing_folder_returns_none(tmp_path):
    assert load_vader_ground_truth(tmp_path / "absent") is None
    assert load_vader_ground_truth(tmp_path) is None                  # folder without rating files


def test_load_vader_ground_truth_finds_sets_present_and_keeps_training_sets_apart(tmp_path):
    from analysis.validate.tone_validation import TRAINING_SETS

    (tmp_path / "tweets_GroundTruth.txt").write_bytes(b"1\t2.0\tgreat\r\n")
    (tmp_path / "nytEditorialSnippets_GroundTruth.txt").write_bytes(b"1\t-1.0\tTalks failed.\r\n")
    r = load_vader_ground_truth(tmp_path)
    assert sorted(r.domain) == ["news editorials", "tweets"]
    assert "nytEditorialSnippets" not in TRAINING_SETS
    with pytest.raises(FileNotFoundError):
        load_vader_ground_truth(tmp_path, sets=list(TRAINING_SETS))     # asked for sets that are absent


# ---------------------------------------------------------------- reading a user's file
def test_load_rated_file_csv_with_rater_list_column(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text('id,sentence,score,raters\na,Good news,1.5,"[1, 2]"\nb,Bad news,-2,"[-2, -2, -2]"\n')
    t = load_rated_file(p, text="sentence", rating="score", raters="raters", item_id="id")
    assert t["item_id"].tolist() == ["a", "b"]
    assert t["rating"].tolist() == [1.5, -2.0]
    assert t["n_raters"].tolist() == [2, 3]
    assert t["domain"].iloc[0] == "mine"


def test_load_rated_file_jsonl_mean_of_rater_columns(tmp_path):
    p = tmp_path / "news.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in [
        {"text": "Talks collapsed.", "r1": -2, "r2": -1, "r3": None},
        {"text": "A deal was signed.", "r1": 1, "r2": 2, "r3": 3},
    ]))
    t = load_rated_file(p, rating=None, raters=["r1", "r2", "r3"])
    assert t["rating"].tolist() == [-1.5, 2.0]
    assert t["ratings"].iloc[0] == [-2.0, -1.0]


def test_load_rated_file_names_missing_column(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("text,rating\nhi,1\n")
    with pytest.raises(KeyError, match="tone"):
        load_rated_file(p, rating="tone")


# ---------------------------------------------------------------- scoring
def test_evaluate_scores_perfect_reversed_and_f1():
    rated = pd.DataFrame({"rating": [-4.0, -2.0, 0.0, 2.0, 4.0]})
    good = evaluate_scores([-1.0, -0.5, 0.0, 0.5, 1.0], rated, thresholds=(0.1,))
    assert _metric(good, "pearson_r") == pytest.approx(1.0)
    assert _metric(good, "f1_macro@0.1") == pytest.approx(1.0)
    bad = evaluate_scores([1.0, 0.5, 0.0, -0.5, -1.0], rated, thresholds=(0.1,))
    assert _metric(bad, "spearman_r") == pytest.approx(-1.0)
    # positives and negatives swapped: only the neutral class is right
    assert _metric(bad, "f1_macro@0.1") == pytest.approx(1 / 3)
    assert set(good["n"]) == {5}


def test_evaluate_scores_uses_rating_scale():
    # a 1..5 scale: 3 is neutral; a score of 0 must then count as a hit
    rated = pd.DataFrame({"rating": [1.0, 3.0, 5.0]})
    t = evaluate_scores([-0.9, 0.0, 0.9], rated, rating_scale=(1, 5), thresholds=(0.2,))
    assert _metric(t, "f1_macro@0.2") == pytest.approx(1.0)


def test_evaluate_scores_length_mismatch():
    with pytest.raises(ValueError, match="2 scores for 3"):
        evaluate_scores([0.1, 0.2], pd.DataFrame({"rating": [1.0, 2.0, 3.0]}))


def test_evaluate_method_per_domain():
    rated = pd.DataFrame({"domain": ["a"] * 3 + ["b"] * 3,
                          "text": ["great", "awful", "ok", "superb", "horrible", "bad"],
                          "rating": [3.0, -3.0, 0.5, 3.5, -3.5, 2.0]})
    t = evaluate_method(lambda ts: score_texts(ts, method="vader"), rated, name="vader")
    assert sorted(t.domain.unique()) == ["a", "all", "b"]
    assert _metric(t, "pearson_r", "a") > 0.9
    # in domain b the human rated "bad" positive (sarcasm, say): VADER's correlation drops there
    assert _metric(t, "pearson_r", "b") < _metric(t, "pearson_r", "a")


# ---------------------------------------------------------------- reliability
def test_rating_matrix_pads_with_nan():
    m = rating_matrix([[1, 2, 3], [4], None])
    assert m.shape == (3, 3)
    assert np.isnan(m[1:, 1]).all() and np.isnan(m[:, 2]).all()


def test_one_name_one_meaning_for_reliability_matrix():
    """``reliability_matrix`` is the coder x unit table of codes; the ratings padder is ``rating_matrix``."""
    from analysis import validate
    from analysis.validate import reliability, tone_validation

    assert not hasattr(tone_validation, "reliability_matrix")
    assert validate.reliability_matrix is reliability.reliability_matrix
    assert validate.rating_matrix is tone_validation.rating_matrix


def test_rater_reliability_identical_vs_random_raters():
    rng = np.random.default_rng(0)
    truth = rng.integers(-4, 5, 200)
    same = pd.DataFrame({"domain": "x", "ratings": [[v] * 5 for v in truth]})
    noise = pd.DataFrame({"domain": "x", "ratings": [list(rng.integers(-4, 5, 5)) for _ in truth]})
    a_same = _metric(rater_reliability(same, by_domain=False), "krippendorff_alpha_interval")
    a_noise = _metric(rater_reliability(noise, by_domain=False), "krippendorff_alpha_interval")
    assert a_same == pytest.approx(1.0)
    assert abs(a_noise) < 0.1
    assert rater_reliability(pd.DataFrame({"rating": [1.0]})).empty


# ---------------------------------------------------------------- the shared ratings, when present
@pytest.fixture(scope="module")
def shared_ratings():
    folder = validation_path("sentiment_ratings")
    if folder is None:
        pytest.skip("shared sentiment ratings not on this machine")
    return load_vader_ground_truth(folder)


def test_shared_ratings_load_completely(shared_ratings):
    counts = shared_ratings.groupby("domain").size().to_dict()
    for domain, n in {"tweets": 4200, "movie reviews": 10605, "product reviews": 3708}.items():
        assert counts[domain] == n
    assert set(shared_ratings.domain) <= set(VADER_SETS.values())
    assert shared_ratings["rating"].between(-4, 4).all()
    assert shared_ratings["text"].str.len().gt(0).all()
    assert shared_ratings["n_raters"].min() >= 10
    assert not shared_ratings["item_id"].str.startswith("\ufeff").any()


def test_vader_on_shared_tweets_sample(shared_ratings):
    # VADER was tuned on tweets; on a few hundred of them it should correlate well with the humans,
    # and better than on movie-review snippets (the paper's harder domain).
    sample = shared_ratings.groupby("domain").sample(n=300, random_state=0)
    t = evaluate_method(lambda ts: score_texts(ts, method="vader"), sample, name="vader")
    tweets, movies = _metric(t, "pearson_r", "tweets"), _metric(t, "pearson_r", "movie reviews")
    assert tweets > 0.7
    assert movies < tweets


# ---------------------------------------------------------------- leave-one-domain-out
def test_leave_one_domain_out_never_sees_the_held_out_domain():
    from analysis.validate.tone_validation import leave_one_domain_out

    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 1))
    dom = np.repeat(["a", "b", "c"], 100)
    sign = np.where(dom == "c", -1.0, 1.0)           # in domain c the feature means the opposite
    rated = pd.DataFrame({"domain": dom, "rating": 3 * np.tanh(sign * x[:, 0])})
    t = leave_one_domain_out(rated, x, alpha=1.0, fit_options={"use_embedding": False, "vader_features": ["f"]})
    r = t[t.metric == "pearson_r"].set_index("domain")["value"]
    assert r["c"] < -0.9                              # fitted on a and b only, so it gets c backwards
    assert r["a"] > 0.0 and r["b"] > 0.0
    assert r["mean"] == pytest.approx(r[["a", "b", "c"]].mean())
    with pytest.raises(ValueError, match="feature rows"):
        leave_one_domain_out(rated, x[:10])


# ---------------------------------------------------------------- news in the mix, calibration, thresholds
def test_in_domain_cv_scores_each_news_row_out_of_fold_with_the_others_in_training():
    from analysis.validate.tone_validation import in_domain_cv

    rng = np.random.default_rng(5)
    x = rng.normal(size=(200, 1))
    dom = np.repeat(["a", "news"], 100)
    sign = np.where(dom == "news", -1.0, 1.0)       # in news the feature means the opposite
    rated = pd.DataFrame({"domain": dom, "rating": 3 * np.tanh(sign * x[:, 0])})
    opts = {"use_embedding": False, "vader_features": ["f"]}
    light = in_domain_cv(rated, x, alpha=1.0, fit_options=opts)
    heavy = in_domain_cv(rated, x, alpha=1.0, fit_options=opts, domain_weights={"news": 50.0})
    assert light.shape == (100,) and not np.isnan(light).any()
    y = rated.rating[100:].to_numpy()
    # the news folds are in training, so weighting them up turns the transfer around
    assert np.corrcoef(heavy, y)[0, 1] > 0.5 > np.corrcoef(light, y)[0, 1]


def test_class_shares_compare_method_and_ratings():
    from analysis.validate.tone_validation import class_shares

    r = pd.DataFrame({"rating": [-2.0, -2.0, 0.0, 2.0]})
    t = class_shares([-0.5, 0.3, 0.0, 0.6], r, thresholds=(0.05, 0.4)).set_index(["threshold", "class"])
    assert t.loc[(0.05, "negative"), "share_ratings"] == 0.5 and t.loc[(0.05, "negative"), "share_method"] == 0.25
    assert t.loc[(0.4, "positive"), "share_method"] == 0.25            # 0.3 is neutral at 0.4
    assert np.isclose(t.groupby("threshold")["share_method"].sum(), 1).all()


def test_tuned_thresholds_are_chosen_on_training_folds_only():
    from analysis.validate.tone_validation import proxy_cv, threshold_classes, tune_thresholds

    s = np.linspace(-1, 1, 201)
    y = threshold_classes(s, -0.2, 0.4)
    lo, hi = tune_thresholds(s, y)
    assert lo == pytest.approx(-0.2, abs=0.03) and hi == pytest.approx(0.4, abs=0.03)
    pred, cuts = proxy_cv(s, y, np.arange(201) // 3, n_splits=4)
    assert len(cuts) == 4 and (pred == y).mean() > 0.95


def test_cluster_bootstrap_resamples_whole_sentences():
    from analysis.validate.tone_validation import cluster_bootstrap_f1

    y = np.array(["negative", "neutral", "positive"] * 40)
    pred = y.copy()
    pred[:30] = "neutral"                            # errors concentrated in a few sentences
    f, lo, hi = cluster_bootstrap_f1(y, pred, np.arange(120) // 10, n_boot=200, seed=1)
    g, glo, ghi = cluster_bootstrap_f1(y, pred, np.arange(120), n_boot=200, seed=1)
    assert f == g and lo <= f <= hi
    assert (hi - lo) > (ghi - glo)                   # clustered errors: a wider interval than row resampling


def test_newsmtsc_sentence_ratings_on_a_slice():
    from analysis.validate.tone_validation import load_newsmtsc_targets, newsmtsc_sentence_ratings

    path = validation_path("newsmtsc", "train.jsonl")
    if path is None:
        pytest.skip("NewsMTSC (validation/newsmtsc/train.jsonl) not on this machine")
    t = load_newsmtsc_targets(path, limit=300)
    r = newsmtsc_sentence_ratings(t, strength=2.0)
    assert len(r) == t["sentence_id"].nunique() == 300 and r["domain"].eq("news").all()
    assert r["rating"].between(-2, 2).all()
    one = t.groupby("sentence_id").filter(lambda g: len(g) == 1 and g["label"].iloc[0] == "negative")
    assert r.set_index("item_id").loc[one["sentence_id"], "rating"].eq(-2.0).all()
    # the derived scores agree with VADER in sign more often than not (weakly: news tone is not wording)
    v = score_texts(r["text"].tolist(), method="vader")
    assert np.corrcoef(v, r["rating"])[0, 1] > 0.2
