"""Sentence tone methods, the fitted tone model, actor tone and aggregates."""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from analysis.measures import tone as S

needs_embeddings = pytest.mark.skipif(not S.embeddings_available(), reason="sentence-transformers not installed")


def _sentences(texts, outlet="X", doc="d1"):
    return pd.DataFrame({"doc_id": doc, "outlet": outlet, "sent_id": [f"{doc}:s{i:04d}" for i in range(len(texts))],
                         "text": texts})


# ------------------------------------------------------------------------------------ VADER
def test_vader_scores_order_negation_and_columns():
    v = S.vader_scores(["The deal is good.", "The deal is not good.", "The report was released on Monday."])
    assert list(v.columns) == ["neg", "neu", "pos", "compound"]
    assert v.compound[0] > 0 > v.compound[1]
    assert v.compound[2] == 0.0                      # no lexicon word, no tone


def test_score_texts_unknown_method():
    with pytest.raises(ValueError, match="unknown tone method"):
        S.score_texts(["x"], method="bert")


def test_sentence_tone_long_table_per_method():
    s = _sentences(["A great success.", "A disastrous failure.", "It happened on Monday."])
    t = S.sentence_tone(s, methods=["vader"])
    assert list(t.columns) == S.TONE_COLUMNS
    assert t["sent_id"].tolist() == s["sent_id"].tolist()
    assert (np.sign(t["tone"]).tolist()) == [1.0, -1.0, 0.0]
    with pytest.raises(KeyError):
        S.sentence_tone(s.drop(columns="sent_id"), methods=["vader"])


# ------------------------------------------------------------------------------- fitting
def test_fit_tone_model_recovers_linear_signal_and_roundtrips(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 3))
    ratings = np.clip(2.0 * X[:, 0] - 1.0 * X[:, 2], -4, 4)          # feature 1 is noise
    m = S.fit_tone_model(X, ratings, alpha=1.0, use_embedding=False, vader_features=["a", "b", "c"],
                         meta={"note": "toy"})
    assert abs(m.coef[1]) < 0.05 * abs(m.coef[0])
    assert m.coef[0] > 0 > m.coef[2]
    pred = m.predict_features(X)
    assert pred.min() >= -1 and pred.max() <= 1
    assert np.corrcoef(pred, ratings / 4)[0, 1] > 0.95
    p = S.save_tone_model(m, tmp_path / "m.json")
    m2 = S.load_tone_model(p)
    assert m2.meta["note"] == "toy" and m2.vader_features == ("a", "b", "c")
    np.testing.assert_allclose(m2.predict_features(X), pred, atol=1e-6)


def test_load_tone_model_rejects_inconsistent_file(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"coef": [1, 2], "mean": [0], "scale": [1], "intercept": 0, "alpha": 1,'
                 ' "use_embedding": false, "vader_features": ["compound"]}')
    with pytest.raises(ValueError, match="same length"):
        S.load_tone_model(p)


def test_committed_model_shape_and_validation_record():
    m = S.load_tone_model()
    assert m.use_embedding and m.vader_features == S.VADER_FEATURES
    assert m.coef.shape == (384 + len(S.VADER_FEATURES),)
    v = S.tone_model_validation(m)
    held = v[(v.method == "hybrid") & (v.metric == "pearson_r")]
    assert set(held.domain) == {"tweets", "movie reviews", "product reviews", "news", "mean"}
    assert held["value"].between(-1, 1).all()
    # trained with news in the mix, with its provenance and the news figures inside
    assert set(m.meta["trained_on"]) == {"tweets", "movie reviews", "product reviews", "news"}
    assert m.meta["trained"] and "NewsMTSC" in " ".join(m.meta["source"])
    news = v[v.method == "hybrid (news in training)"].set_index("metric")["value"]
    assert news["pearson_r_ci_low"] <= news["pearson_r"] <= news["pearson_r_ci_high"]
    cal = S.tone_model_calibration(m)
    assert set(cal["method"]) == {"vader", "hybrid without news", "hybrid"}
    assert set(cal["threshold"]) == set(m.meta["validation"]["thresholds"])
    assert np.allclose(cal.groupby(["method", "threshold"])["share_method"].sum(), 1.0)


@needs_embeddings
def test_hybrid_on_hand_written_news_sentences():
    pos = ["The company reported record profits and strong growth this year.",
           "The two leaders praised the agreement as a major step forward for cooperation."]
    neg = ["The attack killed dozens of people and destroyed the hospital.",
           "Critics warned the scandal-hit firm faces collapse after losing its biggest customers."]
    neutral = ["The statement was published on Tuesday."]
    s = S.score_texts(pos + neg + neutral, method="hybrid")
    assert (s[:2] > 0.1).all() and (s[2:4] < -0.1).all()
    assert abs(s[4]) < min(abs(s[:4]))
    assert s.min() >= -1 and s.max() <= 1


@needs_embeddings
def test_embedding_model_loaded_once_and_cache_file(tmp_path):
    assert S.load_embedding_model() is S.load_embedding_model()
    e1 = S.embed_texts(["Huawei signed a deal.", "Washington objected."], cache_dir=tmp_path)
    assert e1.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(e1, axis=1), 1.0, atol=1e-5)
    # one vector per text in the embedding store (one segment: vectors + keys), not one file per list
    assert len(list(tmp_path.rglob("seg-*.npy"))) == 1 and not list(tmp_path.rglob("emb_*.npy"))
    np.testing.assert_array_equal(S.embed_texts(["Washington objected.", "Huawei signed a deal."],
                                                cache_dir=tmp_path), e1[::-1])


def test_missing_sentence_transformers_gives_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    S.load_embedding_model.cache_clear()
    try:
        assert S.available_methods() == ["vader"]
        with pytest.raises(ImportError, match="pip install sentence-transformers"):
            S.load_embedding_model()
    finally:
        S.load_embedding_model.cache_clear()


# ------------------------------------------------------------------------------ actors and aggregates
@pytest.fixture
def toy_tone():
    return pd.DataFrame({
        "doc_id": ["a", "a", "b", "c", "c", "c"], "outlet": ["P", "P", "P", "Q", "Q", "Q"],
        "sent_id": ["a:0", "a:1", "b:0", "c:0", "c:1", "c:2"], "method": "vader",
        "tone": [0.5, -0.5, 0.2, -0.8, -0.6, 0.1], "text": list("uvwxyz")})


def test_actor_tone_dedupes_and_exclusive(toy_tone):
    mentions = pd.DataFrame({"sent_id": ["a:0", "a:0", "a:1", "a:1", "c:0"],
                             "actor": ["Trump", "Washington", "Huawei", "Trump", "Huawei"],
                             "group": ["US", "US", "Huawei", "US", "Huawei"]})
    t = S.actor_tone(toy_tone, mentions)
    assert sorted(map(tuple, t[["sent_id", "actor"]].values)) == [
        ("a:0", "US"), ("a:1", "Huawei"), ("a:1", "US"), ("c:0", "Huawei")]
    ex = S.actor_tone(toy_tone, mentions, exclusive=True)
    assert set(ex["sent_id"]) == {"a:0", "c:0"}                 # a:1 names two sides
    by_actor = S.actor_tone(toy_tone, mentions, level="actor", actors=["Trump"])
    assert by_actor["sent_id"].tolist() == ["a:0", "a:1"]
    with pytest.raises(KeyError):
        S.actor_tone(toy_tone, mentions, level="role")


def test_outlet_tone_counts_articles_and_clusters(toy_tone):
    by_doc = S.outlet_tone(toy_tone, cluster="doc_id", n_boot=200).set_index("outlet")
    assert by_doc.loc["P", "n_docs"] == 2 and by_doc.loc["Q", "n_docs"] == 1
    assert by_doc.loc["Q", "estimate"] == pytest.approx(-0.4333, abs=1e-3)
    # one article: nothing to resample when clustering by article
    assert by_doc.loc["Q", "ci_low"] == by_doc.loc["Q", "ci_high"] and by_doc.loc["Q", "interval"] == "none"
    assert by_doc.loc["P", "interval"] == "articles"
    by_sent = S.outlet_tone(toy_tone, cluster=None, n_boot=200).set_index("outlet")
    assert by_sent.loc["Q", "ci_low"] < by_sent.loc["Q", "ci_high"]
    assert by_sent["small_n"].all() and (by_sent["interval"] == "sentences").all()   # < 5 articles everywhere
    assert by_sent["n_clusters"].to_dict() == {"P": 2, "Q": 1}                       # articles, not sentences
    # by default the policy decides per outlet: two and one article -> sentences for both
    pd.testing.assert_frame_equal(S.outlet_tone(toy_tone, n_boot=200).set_index("outlet"), by_sent)


def test_outlet_tone_policy_is_per_outlet():
    """One outlet with a single article must not switch the others to sentence-level intervals."""
    from analysis.compare.stats import interval_policy

    big = pd.DataFrame({"doc_id": [f"p{i // 3}" for i in range(15)] + ["q0"] * 3, "outlet": ["P"] * 15 + ["Q"] * 3,
                        "sent_id": [f"s{i}" for i in range(18)], "method": "vader",
                        "tone": np.linspace(-0.9, 0.9, 18), "text": ""})
    ci = S.outlet_tone(big, n_boot=200).set_index("outlet")
    assert ci["interval"].to_dict() == {"P": "articles", "Q": "sentences"}
    assert ci["n_clusters"].to_dict() == {"P": 5, "Q": 1} and ci["small_n"].to_dict() == {"P": False, "Q": True}
    # the same policy drives the actor cells: an actor named in two of P's articles is resampled by article
    at = big.assign(actor="A").iloc[[0, 1, 3, 15, 16]]
    cells = S.actor_outlet_tone(at, policy=interval_policy(big), n_boot=100).set_index("outlet")
    assert cells["interval"].to_dict() == {"P": "articles", "Q": "sentences"}
    assert cells["n_clusters"].to_dict() == {"P": 2, "Q": 1} and cells["small_n"].all()
    with pytest.raises(ValueError, match="either policy= or cluster="):
        S.outlet_tone(big, policy=interval_policy(big), cluster=None)


def test_actor_outlet_tone_min_sentences(toy_tone):
    at = pd.DataFrame({"doc_id": ["a", "a", "c"], "outlet": ["P", "P", "Q"], "sent_id": ["a:0", "a:1", "c:0"],
                       "method": "vader", "actor": ["US", "US", "US"], "tone": [0.5, -0.5, -0.8]})
    cells = S.actor_outlet_tone(at, min_sentences=2, n_boot=100)
    assert cells[["outlet", "actor"]].values.tolist() == [["P", "US"]]
    assert cells["estimate"].iloc[0] == pytest.approx(0.0)


def test_method_agreement_identical_and_reversed():
    base = np.array([-0.9, -0.3, 0.0, 0.4, 0.8])
    t = pd.DataFrame({"sent_id": list(range(5)) * 3, "method": ["a"] * 5 + ["b"] * 5 + ["c"] * 5,
                      "tone": np.concatenate([base, base, -base])})
    agr = S.method_agreement(t).set_index(["method_a", "method_b"])
    assert agr.loc[("a", "b"), "pearson_r"] == pytest.approx(1.0)
    assert agr.loc[("a", "b"), "same_class"] == 1.0
    assert agr.loc[("a", "c"), "spearman_r"] == pytest.approx(-1.0)
    assert agr.loc[("a", "c"), "same_class"] == pytest.approx(0.2)   # only the neutral sentence agrees


def test_method_disagreements_counts_classes_and_blind_spots():
    t = pd.DataFrame({"sent_id": [1, 2, 3, 4] * 2, "method": ["vader"] * 4 + ["hybrid"] * 4,
                      "tone": [0.0, 0.0, 0.5, -0.6, -0.4, 0.02, 0.3, 0.2],
                      "text": ["They met.", "It rained.", "Good.", "Bad?"] * 2})
    d = S.method_disagreements(t).set_index(["vader", "hybrid"])
    assert d.loc[("neutral", "negative"), "no_lexicon_word"] == 1
    assert d.loc[("neutral", "neutral"), "n"] == 1 and d["n"].sum() == 4
    assert d.loc[("negative", "positive"), "example"] == "Bad?"
    assert np.isclose(d["share"].sum(), 1.0)
    assert S.method_disagreements(t[t.method == "vader"]).empty


def test_extreme_sentences(toy_tone):
    ex = S.extreme_sentences(toy_tone, method="vader", n=1)
    got = ex.set_index(["outlet", "polarity"])["text"].to_dict()
    assert got == {("P", "most negative"): "v", ("P", "most positive"): "u",
                   ("Q", "most negative"): "x", ("Q", "most positive"): "z"}
    with pytest.raises(ValueError, match="no rows for method"):
        S.extreme_sentences(toy_tone, method="hybrid")


# ---------------------------------------------------------------------------- the seed corpus
def test_seed_corpus_tone_and_actor_tone(seed_corpus):
    from analysis.measures.actors import find_actor_mentions

    t = S.sentence_tone(seed_corpus.sentences, methods=["vader"])
    assert len(t) == len(seed_corpus.sentences)
    assert t["tone"].between(-1, 1).all()
    from analysis.story import SEEDS_STORY, load_story

    at = S.actor_tone(t, find_actor_mentions(seed_corpus, table=load_story(SEEDS_STORY).actors))
    assert {"US government", "Huawei", "Chinese government"} <= set(at["actor"])
    assert set(at["sent_id"]) <= set(seed_corpus.sentences["sent_id"])
    cells = S.actor_outlet_tone(at, n_boot=100)
    assert (cells["ci_low"] <= cells["estimate"] + 1e-12).all()
    assert (cells["estimate"] <= cells["ci_high"] + 1e-12).all()


@needs_embeddings
def test_training_script_regenerates_a_working_model(tmp_path):
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("train_tone_model", root / "scripts" / "train_tone_model.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pos = ["I love this, it is wonderful.", "Great work, very happy.", "Excellent and delightful.",
           "A superb result.", "Fantastic news for everyone."]
    neg = ["I hate this, it is awful.", "Terrible work, very sad.", "Horrible and disgusting.",
           "A dreadful failure.", "Awful news for everyone."]
    folder = tmp_path / "ratings"
    folder.mkdir()
    for k, stem in enumerate(["tweets", "movieReviewSnippets", "amazonReviewSnippets"]):
        lines = [f"{stem}{i}\t{3.0 if i < 5 else -3.0}\t{t}" for i, t in enumerate(pos[k:] + pos[:k] + neg)]
        (folder / f"{stem}_GroundTruth.txt").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    out = tmp_path / "model.json"
    assert mod.main(["--ratings", str(folder), "--cache-dir", str(tmp_path / "cache"), "--out", str(out),
                     "--alphas", "1", "10"]) == 0
    m = S.load_tone_model(out)
    assert m.alpha in (1.0, 10.0) and m.meta["trained_on"] == {"movie reviews": 10, "product reviews": 10, "tweets": 10}
    assert "tweets|pearson_r" in m.meta["validation"]["held_out"]
    s = S.score_texts(["What a wonderful day.", "What an awful day."], method="hybrid", model=m)
    assert s[0] > s[1]
