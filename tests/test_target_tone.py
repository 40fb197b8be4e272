"""Tone toward a named target: features, the shipped model, actor_tone(method="target") and its validation."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.config import validation_path
from analysis.measures import target_tone as T
from analysis.measures import tone as S

needs_embeddings = pytest.mark.skipif(not S.embeddings_available(), reason="sentence-transformers not installed")


# ------------------------------------------------------------------------------------------ features
def test_syntax_features_tell_subject_from_possessor_and_see_the_governing_words():
    s = "Acme rejected the ministry's false accusations."
    tok = T.parse_texts([s])
    tg = pd.DataFrame({"sent_id": "0", "start_char": [0, 18], "end_char": [4, 26]})
    f = pd.DataFrame(T.syntax_features(tok, tg), columns=T.syntax_feature_names())
    assert f["role_nsubj"].tolist() == [1.0, 0.0] and f["role_poss"].tolist() == [0.0, 1.0]
    # the ministry's governing word is "accusations" (negative in VADER); Acme's is "rejected"
    assert f.loc[1, "vader_head_neg"] > 0 and f.loc[0, "head_is_verb"] == 1.0
    assert f.loc[0, "vader_head_neg"] != f.loc[1, "vader_head_neg"]


def test_syntax_features_negation_near_the_target():
    tok = T.parse_texts(["Acme did not win the contract.", "Acme won the contract."])
    tg = pd.DataFrame({"sent_id": ["0", "1"], "start_char": [0, 0], "end_char": [4, 4]})
    f = pd.DataFrame(T.syntax_features(tok, tg), columns=T.syntax_feature_names())
    assert f["head_negated"].tolist() == [1.0, 0.0]


# -------------------------------------------------------------------------------------- shipped model
def test_shipped_model_loads_without_pickle_and_is_consistent():
    meta = json.loads(T.TARGET_MODEL_PATH.read_text(encoding="utf-8"))
    npy = T.TARGET_MODEL_PATH.with_name(meta["weights_file"])
    arr = np.load(npy, allow_pickle=False)          # a plain float array: no pickle involved
    assert arr.dtype == np.float32 and arr.shape[0] == 5
    m = T.load_target_model()
    blocks = m.meta["feature_blocks"]
    assert m.coef.shape == (3, blocks["sentence"] + blocks["span"] + blocks["syntax"])
    assert blocks["syntax"] == len(T.syntax_feature_names()) == len(m.meta["syntax_features"])
    assert not list(T.TARGET_MODEL_PATH.parent.glob("*.pkl")) and not list(T.TARGET_MODEL_PATH.parent.glob("*.joblib"))
    v = T.target_model_validation(m)
    row = v[v.method == "target"].iloc[0]
    assert row.ci_low <= row.value <= row.ci_high and row.n == m.meta["trained_on"]["targets"]
    assert {"vader (sentence tone)", "target"} <= set(v.method)


def test_load_target_model_names_a_bad_file(tmp_path):
    p = tmp_path / "m.json"
    p.write_text(json.dumps({"classes": ["negative", "neutral", "positive"], "intercept": [0, 0, 0], "C": 1,
                             "window": 5, "embedding_window": 8, "weights_file": "missing.npy"}))
    with pytest.raises(FileNotFoundError, match="m.json"):
        T.load_target_model(p)


def test_fit_target_model_roundtrip(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    y = np.array(T.CLASSES)[(X[:, 0] > -0.5).astype(int) + (X[:, 0] > 0.5)]
    m = T.fit_target_model(X, y, C=10.0, meta={"note": "toy"})
    path, npy = T.save_target_model(m, tmp_path / "toy.json")
    back = T.load_target_model(path)
    np.testing.assert_allclose(back.predict_proba(X), m.predict_proba(X), atol=1e-5)
    assert back.meta["note"] == "toy" and npy.suffix == ".npy"
    assert (np.asarray(T.CLASSES)[m.predict_proba(X).argmax(1)] == y).mean() > 0.8
    with pytest.raises(ValueError, match="unknown label"):
        T.fit_target_model(X, ["good"] * 90)


@needs_embeddings
def test_target_method_separates_two_targets_of_one_sentence():
    """The cases a sentence score cannot get right: one sentence, two targets, opposite treatment."""
    cases = [  # (sentence, target a, target b): a human reads the sentence as kinder to a than to b
        ("Critics attacked the minister, while the union praised the company.", "the company", "the minister"),
        ("The court cleared the mayor and convicted his former aide of fraud.", "the mayor", "his former aide"),
        ("Fans cheered the coach after the team fired the manager.", "the coach", "the manager"),
    ]
    # Known misses, left out on purpose and reported in docs/validation_tone.md: in "Acme rejected the
    # ministry's accusations" both targets come out strongly negative (the sentence's negative words
    # dominate), and a target nested in another ("Acme" / "Acme's rival") gets nearly the same score.
    texts, spans = [], []
    for s, a, b in cases:
        ia, ib = s.index(a), s.index(b)
        texts += [s, s]
        spans += [(ia, ia + len(a)), (ib, ib + len(b))]
    scores = T.score_targets(texts, spans)
    assert len(scores) == 2 * len(cases)
    assert np.allclose(scores[["p_negative", "p_neutral", "p_positive"]].sum(1), 1)
    tone = scores["tone"].to_numpy()
    # each pair: the praised / cleared target is scored above the attacked / convicted one
    assert all(tone[2 * k] > tone[2 * k + 1] for k in range(len(cases))), tone.round(2)


# ------------------------------------------------------------------------------------------ actor_tone
def test_actor_tone_target_method_gives_two_actors_of_one_sentence_different_tones():
    tone = pd.DataFrame({"doc_id": "d", "outlet": "X", "sent_id": ["s0", "s0"], "method": ["vader", "hybrid"],
                         "tone": [-0.4, -0.3], "text": "Acme rejected the ministry's accusations."})
    targets = pd.DataFrame({"doc_id": "d", "sent_id": ["s0", "s0", "s0"], "group": ["Acme", "Ministry", "Acme"],
                            "tone": [0.2, -0.6, 0.4]})
    by_sentence = S.actor_tone(tone, targets.drop(columns="tone"))
    assert by_sentence.groupby("method")["tone"].nunique().eq(1).all()      # same tone for both actors
    at = S.actor_tone(tone, targets, method="target")
    assert at["method"].unique().tolist() == ["target"]
    assert at.set_index("actor")["tone"].round(3).to_dict() == {"Acme": 0.3, "Ministry": -0.6}  # mean of mentions
    assert at["outlet"].unique().tolist() == ["X"]
    cells = S.actor_outlet_tone(at, n_boot=20)
    assert set(cells["actor"]) == {"Acme", "Ministry"}
    with pytest.raises(KeyError, match="target_tone"):
        S.actor_tone(tone, targets.drop(columns="tone"), method="target")
    with pytest.raises(ValueError, match="method"):
        S.actor_tone(tone, targets, method="toward")


@needs_embeddings
def test_target_tone_measure_on_the_seeds(seed_corpus):
    from analysis.measures.registry import MEASURES, MeasureStore
    from analysis.story import resolve_story

    assert "target_tone" in MEASURES
    store = MeasureStore(seed_corpus, resolve_story(None), cache=False)
    tt = store.get("target_tone")
    mentions = store.get("actor_mentions")
    assert tt.columns.tolist() == T.TARGET_COLUMNS and len(tt) == len(mentions)
    assert np.allclose(tt[["p_negative", "p_neutral", "p_positive"]].sum(1), 1)
    assert tt["tone"].between(-1, 1).all() and set(tt["label"]) <= set(T.CLASSES)
    # within one sentence, two actor groups can now differ
    per = tt.groupby(["sent_id", "group"])["tone"].mean().reset_index()
    multi = per.groupby("sent_id")["tone"].agg(["size", "nunique"])
    assert (multi.loc[multi["size"] > 1, "nunique"] > 1).any()


class _CountingTokenizer:
    """Wraps the model's tokenizer: records the texts of every forward-pass batch."""

    def __init__(self, tok):
        self.tok, self.batches = tok, []

    def __call__(self, texts, **kw):
        self.batches.append(list(texts))
        return self.tok(texts, **kw)

    def __getattr__(self, name):
        return getattr(self.tok, name)


class _CountingModel:
    def __init__(self, model):
        self.model, self.tokenizer = model, _CountingTokenizer(model.tokenizer)

    def __getattr__(self, name):
        return getattr(self.model, name)

    def __getitem__(self, i):
        return self.model[i]


@needs_embeddings
def test_target_tone_embeds_a_grown_corpus_once_in_batches_with_the_same_scores(seed_corpus, tmp_path, monkeypatch):
    from analysis.measures.registry import MeasureStore
    from analysis.story import resolve_story

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))       # an empty embedding store
    counting = _CountingModel(S.load_embedding_model())
    monkeypatch.setattr(T, "load_embedding_model", lambda path=None: counting)
    story = resolve_story(None)
    docs = seed_corpus.documents["doc_id"].tolist()
    small = MeasureStore(seed_corpus.subset(docs[:2]), story, cache=False).get("target_tone")
    first = [t for b in counting.tokenizer.batches for t in b]
    assert len(first) == small["sent_id"].nunique() > 1
    # batched (32 at a time), not one sentence per forward pass
    assert [len(b) for b in counting.tokenizer.batches] == [min(32, len(first) - i) for i in range(0, len(first), 32)]
    full = MeasureStore(seed_corpus, story, cache=False).get("target_tone")
    second = [t for b in counting.tokenizer.batches for t in b][len(first):]
    # the grown corpus embeds only the sentences of its new documents, shortest first
    assert not set(second) & set(first)
    assert len(second) == full.loc[~full.doc_id.isin(docs[:2]), "sent_id"].nunique()
    assert [len(t) for t in second] == sorted(len(t) for t in second)
    # the first documents' scores are read from stored vectors: identical to the last bit
    pd.testing.assert_frame_equal(full[full.doc_id.isin(docs[:2])].reset_index(drop=True), small)


@needs_embeddings
def test_hybrid_sentence_tone_embeds_the_mention_spans_in_its_own_pass(seed_corpus, tmp_path, monkeypatch):
    """Sentence tone (hybrid) stores every sentence vector and every actor-mention span vector in one pass per
    sentence; target_tone then runs no forward pass and gives the table it gives computed alone."""
    from analysis.measures import embeddings as E
    from analysis.measures.registry import MeasureStore
    from analysis.story import resolve_story

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "together"))
    real = S.load_embedding_model()
    counting = _CountingModel(real)
    monkeypatch.setattr(T, "load_embedding_model", lambda path=None: counting)

    def no_second_pass(path=None):
        raise AssertionError("a sentence was embedded a second time")

    monkeypatch.setattr(E, "load_embedding_model", no_second_pass)
    story = resolve_story(None)
    corpus = seed_corpus.subset(seed_corpus.documents["doc_id"].tolist()[:2])
    store = MeasureStore(corpus, story, cache=False)
    tone = store.get("sentence_tone", methods=["vader", "hybrid"])
    embedded = [t for b in counting.tokenizer.batches for t in b]
    assert sorted(embedded) == sorted(set(corpus.sentences["text"].astype(str)))      # each sentence once
    assert tone.loc[tone.method == "hybrid", "tone"].notna().all()
    together = store.get("target_tone")
    assert len(together) > 1
    assert [t for b in counting.tokenizer.batches for t in b] == embedded              # target tone: no pass
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "alone"))                # an empty store again
    monkeypatch.setattr(T, "load_embedding_model", lambda path=None: real)
    alone = MeasureStore(corpus, story, cache=False).get("target_tone")
    # other batch company moves a vector in about its 7th digit (see the test below)
    pd.testing.assert_frame_equal(together, alone, check_exact=False, atol=1e-5)


@needs_embeddings
def test_batched_embeddings_change_the_shipped_model_only_within_float_noise(seed_corpus, tmp_path):
    """The measure used to embed each sentence alone; batching (padding) moves a vector in about its 7th
    digit. On the seeds' 232 mentions the class probabilities moved by at most 5.3e-7 and no label changed
    (benchmarks/target_tone_benchmark.py --batch-check 500, docs/performance.md); the bound here is 20x that."""
    from analysis.measures.registry import MeasureStore
    from analysis.story import resolve_story

    model = T.load_target_model()
    sents = seed_corpus.sentences.set_index("sent_id")
    m = MeasureStore(seed_corpus, resolve_story(None), cache=False).get("actor_mentions")
    m = m[m.sent_id.isin(sents.index)].reset_index(drop=True)
    uniq = list(dict.fromkeys(m.sent_id))
    texts = sents.loc[uniq, "text"].tolist()
    pos = {s: i for i, s in enumerate(uniq)}
    base = m.sent_id.map(sents.start_char)
    spans = [(pos[s], int(a - b), int(e - b)) for s, a, e, b in zip(m.sent_id, m.start_char, m.end_char, base)]
    tok = seed_corpus.tokens[seed_corpus.tokens.sent_id.isin(pos)]
    probs = {}
    for bs in (1, 32):
        emb = T.embed_spans(texts, spans, window=model.embedding_window, batch_size=bs, cache_dir=tmp_path / str(bs))
        probs[bs] = model.predict_proba(T.target_features(texts, spans, tok, m, window=model.window, embeddings=emb))
    assert len(spans) > 50
    assert np.abs(probs[1] - probs[32]).max() < 1e-5
    assert (probs[1].argmax(1) == probs[32].argmax(1)).all()


# ------------------------------------------------------------------------------ validation, small slice
def _newsmtsc():
    p = validation_path("newsmtsc", "train.jsonl")
    if p is None:
        pytest.skip("NewsMTSC (validation/newsmtsc/train.jsonl) not on this machine; set ANALYSIS_VALIDATION_DIR")
    return p


def test_newsmtsc_slice_loads_and_cv_runs():
    from analysis.validate.tone_validation import cluster_bootstrap_f1, load_newsmtsc_targets, proxy_cv, target_cv

    t = load_newsmtsc_targets(_newsmtsc(), limit=120)
    assert t["sentence_id"].nunique() == 120 and set(t["label"]) == {"negative", "neutral", "positive"}
    assert all(x[a:b] == m for x, a, b, m in zip(t["text"], t["start_char"], t["end_char"], t["mention"]))
    texts = list(dict.fromkeys(t["text"]))
    idx = {x: i for i, x in enumerate(texts)}
    tok = T.parse_texts(texts)
    tg = t.assign(sent_id=[str(idx[x]) for x in t["text"]])
    syn = T.syntax_features(tok, tg)
    probs, C, grid = target_cv(syn, t["label"], t["sentence_id"], Cs=(0.1, 1.0), n_splits=3)
    assert probs.shape == (len(t), 3) and C in (0.1, 1.0) and len(grid) == 2
    pred = np.asarray(T.CLASSES)[probs.argmax(1)]
    f, lo, hi = cluster_bootstrap_f1(t["label"], pred, t["sentence_id"], n_boot=50)
    assert 0 <= lo <= f <= hi <= 1
    v = S.vader_scores(t["text"].tolist())["compound"].to_numpy()
    vp, cuts = proxy_cv(v, t["label"], t["sentence_id"], n_splits=3)
    assert len(cuts) == 3 and all(lo_ <= hi_ for lo_, hi_ in cuts) and len(vp) == len(t)
    # grouped folds: a sentence's targets get the same (sentence-level) class from the proxy
    same = pd.DataFrame({"g": t["sentence_id"], "p": vp}).groupby("g")["p"].nunique()
    assert (same == 1).all()


def test_newsmtsc_bad_offsets_name_the_line(tmp_path):
    from analysis.validate.tone_validation import load_newsmtsc_targets

    p = tmp_path / "train.jsonl"
    good = {"primary_gid": "a", "sentence_normalized": "Acme won.", "targets": [{"from": 0, "to": 4, "mention": "Acme", "polarity": 6.0}]}
    bad = {"primary_gid": "b", "sentence_normalized": "Acme won.", "targets": [{"from": 1, "to": 4, "mention": "Acme", "polarity": 6.0}]}
    p.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(ValueError, match="train.jsonl: line 2"):
        load_newsmtsc_targets(p)
    p.write_text(json.dumps(good) + "\n{not json\n")
    with pytest.raises(ValueError, match="line 2"):
        load_newsmtsc_targets(p)
    assert load_newsmtsc_targets(tmp_path / "absent.jsonl") is None
