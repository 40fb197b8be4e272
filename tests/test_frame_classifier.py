"""Supervised frame classifier: learning, calibration, imbalance, honest cross-validation, embeddings."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.config import validation_path
from analysis.validate import frame_classifier as FC
from analysis.validate.frame_classifier import (
    THRESHOLD_GRID,
    ClassifierOptions,
    calibration_table,
    cross_validate_frames,
    embed_documents,
    train_frame_classifier,
)

CONFLICT = ["clash", "dispute", "accuse", "fight", "reject", "oppose", "battle", "condemn"]
ECONOMY = ["cost", "price", "billion", "market", "revenue", "profit", "tax", "budget"]
FILLER = ["the", "report", "said", "on", "tuesday", "officials", "new", "plan", "city", "week", "people", "today"]


def make_docs(n: int, share_conflict: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic articles: 'conflict' ones contain conflict words, 'economic' ones money words."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for i in range(n):
        conflict = rng.random() < share_conflict
        economic = rng.random() < 0.5
        words = list(rng.choice(FILLER, 30))
        if conflict:
            words += list(rng.choice(CONFLICT, 4))
        if economic:
            words += list(rng.choice(ECONOMY, 4))
        rng.shuffle(words)
        rows.append({"doc_id": f"d{i:03d}", "text": " ".join(words)})
        labels += [{"doc_id": f"d{i:03d}", "frame": "conflict", "present": conflict},
                   {"doc_id": f"d{i:03d}", "frame": "economic", "present": economic}]
    return pd.DataFrame(rows), pd.DataFrame(labels)


def test_learns_frames_and_returns_probabilities_per_document():
    docs, labels = make_docs(80, 0.5, seed=0)
    clf = train_frame_classifier(docs, labels, features=("tfidf",), seed=0)
    assert clf.frames == ["conflict", "economic"]
    new, truth = make_docs(40, 0.5, seed=99)  # unseen articles from the same process
    p = clf.predict_proba(new)
    assert len(p) == 80 and p.probability.between(0, 1).all()
    m = p.merge(truth, on=["doc_id", "frame"], suffixes=("", "_true"))
    for f, g in m.groupby("frame"):
        assert g[g.present_true].probability.min() > g[~g.present_true].probability.max()  # perfect ranking
        assert (g.present == g.present_true).mean() >= 0.9
    assert clf.summary().n_train.tolist() == [80, 80]


def test_rare_frame_is_still_found_with_balanced_weights():
    docs, labels = make_docs(150, 0.12, seed=1)  # ~12% conflict articles
    cv = cross_validate_frames(docs, labels, features=("tfidf",), n_splits=3, seed=0)
    s = cv.scores.set_index("frame")
    assert s.loc["conflict", "n_positive"] < 30
    assert s.loc["conflict", "recall"] > 0.8
    assert s.loc["conflict", "f1"] > s.loc["conflict", "always_yes_f1"]


def test_cross_validation_is_out_of_fold_and_deterministic():
    docs, labels = make_docs(60, 0.5, seed=2)
    a = cross_validate_frames(docs, labels, features=("tfidf",), n_splits=3, seed=5)
    b = cross_validate_frames(docs, labels, features=("tfidf",), n_splits=3, seed=5)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    P = a.predictions
    # every document is predicted exactly once per frame, by the model of the fold that held it out
    assert P.groupby("frame").doc_id.apply(lambda s: s.is_unique and len(s) == 60).all()
    assert P.groupby(["frame", "fold"]).threshold.nunique().eq(1).all()
    assert 0 <= a.macro_f1 <= 1 and set(a.scores.columns) >= {"precision", "recall", "f1", "brier"}


def test_noise_labels_do_not_score_above_chance():
    # If anything leaked from the test folds, random labels would look learnable.
    docs, labels = make_docs(120, 0.5, seed=3)
    rng = np.random.default_rng(0)
    labels = labels.assign(present=rng.random(len(labels)) < 0.3)
    cv = cross_validate_frames(docs, labels, features=("tfidf",), n_splits=4, seed=0)
    s = cv.scores.set_index("frame")
    assert (s["f1"] < s["always_yes_f1"] + 0.15).all()


def test_calibrated_probabilities_track_observed_rates():
    # words make the frame *likely* but not certain: a calibrated model's high bin is mostly, not all, yes
    docs, labels = make_docs(200, 0.5, seed=6)
    rng = np.random.default_rng(1)
    flip = rng.random(len(labels)) < 0.15
    labels = labels.assign(present=labels.present ^ flip)
    cv = cross_validate_frames(docs, labels, features=("tfidf",), n_splits=4, seed=0)
    cal = calibration_table(cv.predictions, n_bins=4)
    assert cal.groupby("frame").n.sum().eq(200).all()
    for _, g in cal.groupby("frame"):
        assert g.observed.iloc[0] < 0.3 < 0.7 < g.observed.iloc[-1]
        assert (g.mean_predicted - g.observed).abs().max() < 0.2
    assert cv.scores.brier.lt(0.2).all()


def test_the_fitted_model_predicts_with_its_tuned_threshold():
    docs, labels = make_docs(80, 0.3, seed=7)
    clf = train_frame_classifier(docs, labels, features=("tfidf",), seed=0)
    new, _ = make_docs(40, 0.3, seed=8)
    p = clf.predict_proba(new)
    for f in clf.frames:
        model = clf.models[f]
        # the threshold reported is the one scikit-learn tuned for F1 and predicts with
        assert clf.thresholds[f] == model.best_threshold_ and clf.thresholds[f] in THRESHOLD_GRID
        got = p[p.frame == f]
        np.testing.assert_array_equal(got.present.to_numpy(), model.predict(clf.transform(new)).astype(bool))
        assert (got.threshold == clf.thresholds[f]).all()
    assert clf.summary().threshold.tolist() == [clf.thresholds[f] for f in clf.frames]
    fixed = train_frame_classifier(docs, labels, features=("tfidf",), seed=0, tune_threshold=False)
    assert set(fixed.thresholds.values()) == {0.5}


def test_train_and_cross_validate_share_one_options_object():
    docs, labels = make_docs(60, 0.5, seed=9)
    opts = ClassifierOptions(features=("tfidf",), seed=3, inner_cv=2)
    a = cross_validate_frames(docs, labels, n_splits=3, options=opts)
    b = cross_validate_frames(docs, labels, n_splits=3, features=("tfidf",), seed=3, inner_cv=2)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    c = train_frame_classifier(docs, labels, options=opts, frames=["economic"])  # keywords override options
    assert c.frames == ["economic"] and c.params["seed"] == 3
    with pytest.raises(TypeError, match=r"unknown classifier option\(s\) \['n_folds'\]"):
        train_frame_classifier(docs, labels, n_folds=3)
    with pytest.raises(ValueError, match="features must be"):
        ClassifierOptions(features=("bert",))


def test_a_frame_with_too_few_documents_of_a_class_is_a_clear_error():
    docs, labels = make_docs(40, 0.5, seed=4)
    rare = labels.copy()
    conflict = rare.frame == "conflict"
    rare.loc[conflict, "present"] = rare.loc[conflict, "doc_id"].isin(["d000", "d001", "d002"])
    with pytest.raises(ValueError, match="frame 'conflict' has only 3 training document"):
        train_frame_classifier(docs, rare, features=("tfidf",))


def test_missing_frame_label_and_single_class_errors():
    docs, labels = make_docs(20, 0.5, seed=4)
    with pytest.raises(KeyError, match="morality"):
        train_frame_classifier(docs, labels, frames=["morality"], features=("tfidf",))
    one_class = labels.assign(present=False)
    with pytest.raises(ValueError, match="only one class"):
        train_frame_classifier(docs, one_class, features=("tfidf",))


def test_embeddings_are_cached_and_meaningful(tmp_path):
    from analysis.measures.embeddings import embed_texts, embedding_store

    texts = ["The two parties clashed bitterly over the new law.",
             "Lawmakers fought and accused each other in a heated dispute.",
             "Quarterly revenue rose and the company's profit beat forecasts."]
    e = embed_documents(texts, cache_dir=tmp_path)
    assert e.shape == (3, 384)
    assert embedding_store(cache_dir=tmp_path).stats()["entries"] == 3   # one chunk each, stored per text
    e2 = embed_documents(texts[:1], cache_dir=tmp_path)  # from the store
    np.testing.assert_array_equal(e2[0], e[0])
    cos = e @ e.T / np.outer(np.linalg.norm(e, axis=1), np.linalg.norm(e, axis=1))
    assert cos[0, 1] > cos[0, 2]  # the two conflict sentences are closer than conflict vs economy
    # a longer article: the mean of its chunks' stored vectors (the chunks are texts like any other)
    article = " ".join(texts * 12)
    (doc,) = embed_documents([article], cache_dir=tmp_path, chunk_words=40)
    words = article.split()
    chunks = [" ".join(words[i:i + 40]) for i in range(0, len(words), 40)]
    np.testing.assert_allclose(doc, embed_texts(chunks, cache_dir=tmp_path).mean(axis=0), atol=1e-7)


class _FakeEncoder:
    """An 8-dimensional stand-in for the sentence-embedding model; counts the texts it encodes."""

    def __init__(self):
        self.calls = 0

    def get_embedding_dimension(self):
        return 8

    def encode(self, texts, **kw):
        self.calls += len(texts)
        return np.array([[len(t) % (i + 2) for i in range(8)] for t in texts], dtype=float) + 1.0


def test_the_embedding_size_comes_from_the_model_not_a_constant(tmp_path, monkeypatch):
    from analysis.measures import embeddings as E

    fake = _FakeEncoder()
    monkeypatch.setattr(E, "load_embedding_model", lambda path=None: fake)
    assert embed_documents([], cache_dir=tmp_path).shape == (0, 8)
    texts = ["Prices rose sharply.", "The parties clashed.", "A quiet day."]
    e = embed_documents(texts, cache_dir=tmp_path)
    assert e.shape == (3, 8) and fake.calls == 3
    again = embed_documents(texts, cache_dir=tmp_path)  # all from the store: nothing encoded again
    np.testing.assert_array_equal(again, e)
    assert fake.calls == 3
    docs, labels = make_docs(40, 0.5, seed=5)
    clf = train_frame_classifier(docs, labels, features=("embedding",), cache_dir=tmp_path, seed=0)
    assert clf.predict_proba(docs.head(3)).probability.between(0, 1).all()


class _SentenceCorpus:
    """What the classifier reads of a parsed Corpus: ``documents`` and ``sentences`` (here split on '. ')."""

    def __init__(self, docs: pd.DataFrame):
        self.documents = docs[["doc_id", "text"]].reset_index(drop=True)
        rows = [{"doc_id": d, "text": part} for d, t in zip(docs.doc_id, docs.text)
                for part in str(t).split(". ") if part]
        self.sentences = pd.DataFrame(rows, columns=["doc_id", "text"])


def _sentence_docs(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    docs, labels = make_docs(n, 0.5, seed=seed)
    words = docs.text.str.split()
    docs = docs.assign(text=[" ".join(w[:12]) + ". " + " ".join(w[12:24]) + ". " + " ".join(w[24:]) for w in words])
    return docs, labels


def test_the_mean_of_sentence_vectors_comes_from_the_store(tmp_path, monkeypatch):
    from analysis.measures import embeddings as E

    fake = _FakeEncoder()
    monkeypatch.setattr(E, "load_embedding_model", lambda path=None: fake)
    sents = pd.DataFrame({"doc_id": ["a", "b", "a", "c"],
                          "text": ["Prices rose sharply.", "The parties clashed.", "A quiet day.", "Prices rose sharply."]})
    m = FC.embed_sentence_means(sents, ["c", "a", "empty"], cache_dir=tmp_path, batch_sentences=2)
    vec = E.embed_texts(["Prices rose sharply.", "A quiet day."], cache_dir=tmp_path)
    np.testing.assert_allclose(m[0], vec[0], atol=1e-7)                  # c: its one sentence
    np.testing.assert_allclose(m[1], vec.mean(axis=0), atol=1e-6)        # a: the mean of its two
    assert not m[2].any()                                              # no sentences: zeros
    assert fake.calls == 2          # each distinct sentence once ("b" is not asked for, "Prices" repeats)
    with pytest.raises(ValueError, match="repeat"):
        FC.embed_sentence_means(sents, ["a", "a"], cache_dir=tmp_path)


def test_a_classifier_trained_on_a_corpus_reads_its_sentence_vectors(tmp_path, monkeypatch):
    from analysis.measures import embeddings as E

    fake = _FakeEncoder()
    monkeypatch.setattr(E, "load_embedding_model", lambda path=None: fake)
    docs, labels = _sentence_docs(40, seed=6)
    corpus = _SentenceCorpus(docs)
    E.embed_texts(corpus.sentences.text.tolist(), cache_dir=tmp_path)   # as sentence tone stores them
    before = fake.calls
    clf = train_frame_classifier(corpus, labels, features=("tfidf", "embedding"), cache_dir=tmp_path, seed=0)
    assert fake.calls == before                        # training embedded nothing: the vectors were stored
    assert clf.embedding_unit == "sentences"
    p = clf.predict_proba(corpus)
    assert len(p) == 2 * len(docs) and p.probability.between(0, 1).all()
    cv = cross_validate_frames(corpus, labels, features=("tfidf", "embedding"), n_splits=3, cache_dir=tmp_path,
                               seed=0)
    assert set(cv.predictions.doc_id) == set(docs.doc_id) and fake.calls == before
    with pytest.raises(ValueError, match="trained on a parsed Corpus"):
        clf.predict_proba(docs)                        # a plain table would be embedded another way
    chunked = train_frame_classifier(docs, labels, features=("embedding",), cache_dir=tmp_path, seed=0)
    assert chunked.embedding_unit == "chunks"
    with pytest.raises(ValueError, match="doc_id/text table"):
        chunked.predict_proba(corpus)
    words = train_frame_classifier(docs, labels, features=("tfidf",), seed=0)   # no embedding: either input
    pd.testing.assert_frame_equal(words.predict_proba(corpus), words.predict_proba(docs))
    with pytest.raises(TypeError, match="DataFrame or a parsed Corpus"):
        words.predict_proba(["a text"])


def test_a_truncated_embedding_file_is_rebuilt_not_raised(tmp_path):
    # what a reader saw in CI when another process was still writing the file (np.save is not atomic)
    from analysis.store import CacheDamageWarning

    texts = ["The port authority added Meridian to its list of bidders."]
    e = embed_documents(texts, cache_dir=tmp_path)
    (cached,) = tmp_path.rglob("seg-*.npy")
    cached.write_bytes(cached.read_bytes()[:128])  # header only, no data
    with pytest.raises(ValueError, match="not fully written"):
        np.load(cached)
    with pytest.warns(CacheDamageWarning, match=cached.name):
        np.testing.assert_allclose(embed_documents(texts, cache_dir=tmp_path), e, atol=1e-6)
    (rebuilt,) = tmp_path.rglob("seg-*.npy")          # the damaged segment was replaced by a whole one
    np.testing.assert_allclose(np.load(rebuilt)[0], e[0], atol=1e-6)
    assert not list(tmp_path.rglob(".*.tmp"))  # no temporary files left behind


@pytest.mark.skipif(validation_path("narrative_frames") is None, reason="shared narrative_frames data absent")
def test_real_coded_articles_economic_frame_beats_the_floor():
    from analysis.validate.narrative_frames import load_narrative_frames

    nf = load_narrative_frames()
    docs = nf.articles[nf.articles.doc_id.isin(nf.labels.doc_id)].head(150)
    labels = nf.labels[nf.labels.frame == "economic"]
    cv = cross_validate_frames(docs, labels, features=("tfidf",), n_splits=3, seed=0)
    s = cv.scores.set_index("frame").loc["economic"]
    assert s.f1 > s.always_yes_f1


def test_the_final_model_is_tuned_exactly_as_each_cross_validation_fold():
    # fitting the final model on one CV fold's training documents must give that fold's threshold and
    # probabilities: one procedure, not two
    from sklearn.model_selection import KFold

    docs, labels = make_docs(60, 0.6, seed=11)
    cv = cross_validate_frames(docs, labels, features=("tfidf",), n_splits=3, seed=4)
    tr, te = next(iter(KFold(3, shuffle=True, random_state=4).split(docs)))
    train_ids = set(docs.doc_id.iloc[tr])
    clf = train_frame_classifier(docs.iloc[tr], labels[labels.doc_id.isin(train_ids)], features=("tfidf",), seed=4)
    fold0 = cv.predictions[cv.predictions.fold == 0]
    p = clf.predict_proba(docs.iloc[te])
    for f in clf.frames:
        assert clf.thresholds[f] == fold0[fold0.frame == f].threshold.iloc[0]
        np.testing.assert_allclose(p[p.frame == f].probability.to_numpy(),
                                   fold0[fold0.frame == f].probability.to_numpy(), atol=1e-9)
    rep = FC.threshold_report(clf, cv)
    assert rep.n_folds.tolist() == [3, 3]
    t = cv.thresholds
    assert rep.set_index("frame").cv_min["conflict"] == t[t.frame == "conflict"].threshold.min()


def test_the_fast_f1_scorer_equals_scikit_learns():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(3)
    for _ in range(20):
        y, p = rng.random(30) < 0.3, rng.random(30) < rng.random()
        assert FC.binary_f1(y, p) == pytest.approx(f1_score(y, p, zero_division=0))
    assert FC.binary_f1([0, 0, 0], [0, 0, 0]) == 0.0
