"""Tone toward a named target: target-dependent sentiment of a sentence toward one mention in it.

The sentence tone of :mod:`analysis.measures.tone` gives every actor a sentence names the same score, so in
"Acme rejected the ministry's accusations" Acme and the ministry get one number. This module scores each
*mention* instead: a 3-class logistic regression (negative / neutral / positive toward the target) over

* the MiniLM sentence embedding (what the sentence is about, its overall tone),
* the contextual MiniLM embedding of the target's own word pieces and of the word pieces within a window
  around it (the same forward pass; this is how the sentence "marks" the target),
* the target's syntactic role from the spaCy parse (subject, passive subject, object, object of a
  preposition, possessor, compound, apposition, conjunct, other) and whether its governing verb is negated,
* VADER lexicon valence of the words near the target (left and right windows), of its governing word and of
  the words in its own subtree (e.g. "the *corrupt* minister").

It was trained on NewsMTSC (Hamborg & Donnay 2021; 7,758 English news sentences, 8,739 targets, MIT) with
grouped cross-validation (folds by sentence); the weights and the cross-validated macro-F1 with its bootstrap
interval are in ``analysis/data/target_tone_model.json`` (+ ``target_tone_model_weights.npy``); the benchmark
``benchmarks/target_tone_benchmark.py`` regenerates both. The score of a mention is
``P(positive) - P(negative)`` on -1..1 and its class is the most probable one.

>>> FEATURE_ROLES[:3]
('nsubj', 'nsubjpass', 'dobj')
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.config import PACKAGE_DATA
from analysis.measures.embeddings import (
    embedding_dimension, embedding_store, load_embedding_model, model_identity, text_key,
)
from analysis.measures.tone import embedding_cache_file, vader_scores

#: The shipped model: JSON (classes, feature names, standardisation, provenance, CV figures) + NPY weights.
TARGET_MODEL_PATH: Path = PACKAGE_DATA / "target_tone_model.json"
#: Classes in the order of the model's rows.
CLASSES = ("negative", "neutral", "positive")
#: Syntactic roles one-hot encoded (spaCy English dependency labels of the target's head token); the
#: rest is ``other``.
FEATURE_ROLES = ("nsubj", "nsubjpass", "dobj", "pobj", "poss", "compound", "appos", "conj", "attr", "ROOT")
#: Negation dependency label (spaCy English).
NEGATION_DEPS = ("neg",)
TARGET_COLUMNS = ["doc_id", "outlet", "sent_id", "actor", "group", "mention", "start_char", "end_char",
                  "p_negative", "p_neutral", "p_positive", "label", "tone"]


# ------------------------------------------------------------------------------- span embeddings
def embed_spans(
    texts: Sequence[str],
    spans: Sequence[tuple[int, int, int]],
    *,
    window: int = 8,
    model_path: str | Path | None = None,
    batch_size: int = 32,
    cache_dir: str | Path | None = None,
    chunk_size: int | None = 500,
) -> tuple[np.ndarray, np.ndarray]:
    """Sentence embeddings and target-span embeddings, from the embedding store.

    ``spans`` are ``(text index, start char, end char)``. Returns ``(sentence, span)``: ``sentence`` has shape
    ``(len(texts), 384)`` and is each text's vector of :func:`analysis.measures.embeddings.embed_texts` (mean
    pooling, unit length: the same stored vector); ``span`` has shape ``(len(spans), 768)``: the mean
    contextual embedding of the word pieces that overlap the span, then the mean of the ``window`` word pieces
    on each side (the span excluded). A span the tokenizer truncated away gets the sentence embedding in
    both halves.

    Both kinds of vector are read from the embedding store under ``cache_dir`` (default: the settings' cache
    folder; a span vector is keyed by its text, offsets and ``window``). Texts with a vector missing get one
    MiniLM forward pass each, shortest first in batches of ``batch_size`` (similar lengths, little
    padding), stored every ``chunk_size`` texts so an interrupted run keeps what it finished.

    >>> s, e = embed_spans(["Acme rejected the ministry's accusations."], [(0, 0, 4), (0, 18, 26)])  # doctest: +SKIP
    >>> s.shape, e.shape                                                                             # doctest: +SKIP
    ((1, 384), (2, 768))
    """
    texts = [str(t) for t in texts]
    spans = [(int(i), int(a), int(b)) for i, a, b in spans]
    path = str(model_path) if model_path else None
    identity = model_identity(path)
    sent_store = embedding_store(cache_dir=cache_dir, model_path=path, kind="text")
    span_store = embedding_store(cache_dir=cache_dir, model_path=path, kind="span")
    sent_keys = [text_key(t, model=identity) for t in texts]
    span_keys = [text_key(texts[i], model=identity, kind="span", extra=f"w{int(window)}:{a}:{b}") for i, a, b in spans]
    sent, s_found = sent_store.lookup(sent_keys)
    span, p_found = span_store.lookup(span_keys)
    need: dict[str, dict[str, tuple[int, int]]] = {}     # text -> {span key: (start, end)} of its missing spans
    for i in np.flatnonzero(~s_found):
        need.setdefault(texts[i], {})
    for k in np.flatnonzero(~p_found):
        i, a, b = spans[k]
        need.setdefault(texts[i], {})[span_keys[k]] = (a, b)
    got_sent: dict[str, np.ndarray] = {}
    got_span: dict[str, np.ndarray] = {}
    if need:
        todo = sorted(need, key=len)                       # similar lengths batch with little padding
        step = int(chunk_size) if chunk_size else len(todo)
        for c in range(0, len(todo), step):
            piece = todo[c:c + step]
            sv, pieces = _forward_spans(piece, [need[t] for t in piece], window=int(window), model_path=path,
                                        batch_size=batch_size)
            sv = sent_store.add([text_key(t, model=identity) for t in piece], sv)   # a stored vector wins
            got_sent.update(zip(piece, sv))
            keys, vecs = [], []
            for t, vec, found_spans in zip(piece, sv, pieces):
                for key, v in found_spans.items():
                    keys.append(key)
                    vecs.append(np.concatenate([vec, vec]) if v is None else v)
            if keys:
                got_span.update(zip(keys, span_store.add(keys, np.vstack(vecs))))
    dim = sent.shape[1] if sent is not None else (len(next(iter(got_sent.values()))) if got_sent else None)
    if dim is None:
        dim = embedding_dimension(model_path=path, cache_dir=cache_dir)
    sent_out = np.zeros((len(texts), dim), dtype=np.float32)
    span_out = np.zeros((len(spans), 2 * dim), dtype=np.float32)
    for i, t in enumerate(texts):
        sent_out[i] = sent[i] if s_found[i] else got_sent[t]
    for k, key in enumerate(span_keys):
        span_out[k] = span[k] if p_found[k] else got_span[key]
    return sent_out, span_out


def _forward_spans(
    texts: list[str],
    wanted: list[dict[str, tuple[int, int]]],
    *,
    window: int,
    model_path: str | None,
    batch_size: int,
) -> tuple[np.ndarray, list[dict[str, np.ndarray | None]]]:
    """One MiniLM forward pass per text (in batches, in the given order): its unit-length mean-pooled vector
    and, per wanted span, ``[mean of the span's word pieces | mean of window pieces each side]`` (None when
    the tokenizer truncated the span away)."""
    import torch

    model = load_embedding_model(model_path)
    tok, net = model.tokenizer, model[0].auto_model
    max_len = int(getattr(model, "max_seq_length", 256) or 256)
    sent = np.zeros((len(texts), net.config.hidden_size), dtype=np.float32)
    out: list[dict[str, np.ndarray | None]] = [{} for _ in texts]
    net.eval()
    with torch.no_grad():
        for b in range(0, len(texts), batch_size):
            idx = list(range(b, min(b + batch_size, len(texts))))
            enc = tok([texts[i] for i in idx], padding=True, truncation=True, max_length=max_len,
                      return_offsets_mapping=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            hidden = net(**enc).last_hidden_state.numpy()
            mask = enc["attention_mask"].numpy().astype(bool)
            for row, i in enumerate(idx):
                h, m, off = hidden[row], mask[row], offsets[row]
                v = h[m].mean(axis=0)
                sent[i] = v / max(float(np.linalg.norm(v)), 1e-12)
                real = m & (off[:, 1] > off[:, 0])               # word pieces, not [CLS]/[SEP]/padding
                real_pos = np.flatnonzero(real)
                for key, (a, e) in wanted[i].items():
                    pos = np.flatnonzero(real & (off[:, 0] < e) & (off[:, 1] > a))
                    if not len(pos):
                        out[i][key] = None
                        continue
                    lo, hi = np.searchsorted(real_pos, pos[0]), np.searchsorted(real_pos, pos[-1])
                    ctx = np.concatenate([real_pos[max(0, lo - window):lo], real_pos[hi + 1:hi + 1 + window]])
                    t_vec = h[pos].mean(axis=0)
                    c_vec = h[ctx].mean(axis=0) if len(ctx) else t_vec
                    out[i][key] = np.concatenate([t_vec, c_vec]).astype(np.float32)
    return sent, out


# ------------------------------------------------------------------------------------------- parsing
TOKEN_COLUMNS = ["doc_id", "sent_id", "token_i", "text", "lower", "pos", "dep", "head_i", "start_char", "end_char"]


def parse_texts(
    texts: Sequence[str],
    *,
    cache_dir: str | Path | None = None,
    model: str | None = None,
    batch_size: int = 64,
) -> pd.DataFrame:
    """Parse short texts (e.g. training sentences) with spaCy into a token table like ``Corpus.tokens``.

    Each text is its own document: ``doc_id`` and ``sent_id`` are its index (as a string), ``token_i`` and
    ``head_i`` index its tokens and ``start_char``/``end_char`` are offsets into it. With ``cache_dir`` the
    table is cached as Parquet keyed by the texts, the spaCy pipeline and its version (parsing NewsMTSC's
    7,758 sentences takes a minute or two).

    >>> parse_texts(["Acme rejected it."])[["text", "dep"]].values.tolist()[:2]
    [['Acme', 'nsubj'], ['rejected', 'ROOT']]
    """
    from analysis.config import get_settings
    from analysis.corpus.parse import load_model, model_meta
    from analysis.store import read_table, write_table

    texts = [str(t) for t in texts]
    name = model or get_settings().spacy_model
    cache_file = None
    if cache_dir is not None:
        meta = model_meta(name)
        cache_file = embedding_cache_file(texts, cache_dir=cache_dir, model_path=name, kind="tokens",
                                          extra=[str(meta.get("version", "")), str(meta.get("spacy_version", ""))])
        cache_file = cache_file.with_suffix(".parquet")
        hit = read_table(cache_file)
        if hit is not None:
            return hit
    nlp = load_model(name, components=("tagger", "parser", "attribute_ruler", "lemmatizer"))
    rows = []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=batch_size)):
        key = str(i)
        for t in doc:
            rows.append((key, key, t.i, t.text, t.lower_, t.pos_, t.dep_, t.head.i, t.idx, t.idx + len(t.text)))
    out = pd.DataFrame(rows, columns=TOKEN_COLUMNS)
    if cache_file is not None:
        write_table(out, cache_file)
    return out


# ------------------------------------------------------------------------------------------ features
@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


def syntax_feature_names(*, window: int = 5) -> list[str]:
    """Names of the columns :func:`syntax_features` returns (``window`` only changes nothing but the docs).

    >>> syntax_feature_names()[:2]
    ['role_nsubj', 'role_nsubjpass']
    """
    names = [f"role_{r}" for r in FEATURE_ROLES] + ["role_other", "target_is_pronoun", "head_is_verb",
                                                    "head_negated", "negation_near"]
    for part in ("left", "right", "head", "subtree", "target", "sentence"):
        names += [f"vader_{part}_pos", f"vader_{part}_neg"]
    return names + ["position"]


def syntax_features(tokens: pd.DataFrame, targets: pd.DataFrame, *, window: int = 5) -> np.ndarray:
    """Features of each target's syntactic role and nearby lexicon words, shape ``(len(targets), k)``.

    ``tokens`` is a token table (``Corpus.tokens`` or :func:`parse_texts`: ``doc_id, sent_id, token_i, lower,
    pos, dep, head_i, start_char, end_char``); ``targets`` has ``doc_id, sent_id, start_char, end_char`` in
    the same offsets. Per target: the dependency label of its head token (the span token whose head lies
    outside the span; one-hot over :data:`FEATURE_ROLES`, else ``other``), whether it is a pronoun, whether
    its governing word is a verb and is negated, whether a negation is within ``window`` tokens, and the
    summed positive and negative VADER lexicon valences (/4) of the ``window`` tokens left and right of it,
    of its governing word, of the rest of its subtree, of its own words and of the whole sentence; finally
    its relative position in the sentence. Column names: :func:`syntax_feature_names`.

    >>> tok = parse_texts(["Acme rejected the ministry's false accusations."])
    >>> tg = pd.DataFrame({"doc_id": "0", "sent_id": "0", "start_char": [0, 18], "end_char": [4, 26]})
    >>> f = pd.DataFrame(syntax_features(tok, tg), columns=syntax_feature_names())
    >>> f[["role_nsubj", "role_poss"]].values.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    lex = _lexicon()
    names = syntax_feature_names(window=window)
    col = {n: i for i, n in enumerate(names)}
    out = np.zeros((len(targets), len(names)), dtype=float)
    # every sentence's tokens as arrays (in token order) and its dependency children, built once per sentence
    # however many targets it holds
    wanted = set(targets["sent_id"])
    tok = tokens[tokens["sent_id"].isin(wanted)].sort_values(["sent_id", "token_i"], kind="stable")
    arrays = {c: tok[c].to_numpy() for c in ("token_i", "start_char", "end_char", "head_i")}
    arrays.update({c: tok[c].astype(str).to_numpy() for c in ("dep", "lower", "pos")})
    sids = tok["sent_id"].to_numpy()
    cuts = np.flatnonzero(sids[1:] != sids[:-1]) + 1 if len(sids) else np.zeros(0, dtype=int)
    bounds = dict(zip(sids[np.r_[0, cuts]] if len(sids) else [], zip(np.r_[0, cuts], np.r_[cuts, len(sids)])))
    sentence_cache: dict = {}

    def sentence(sent_id):
        if sent_id not in sentence_cache:
            a, b = bounds[sent_id]
            tid, heads = arrays["token_i"][a:b], arrays["head_i"][a:b]
            children: dict[int, list[int]] = {}
            for k in range(b - a):
                if int(heads[k]) != int(tid[k]):
                    children.setdefault(int(heads[k]), []).append(int(tid[k]))
            sentence_cache[sent_id] = (tid, arrays["start_char"][a:b], arrays["end_char"][a:b], heads,
                                       arrays["dep"][a:b], arrays["lower"][a:b], arrays["pos"][a:b],
                                       {int(i): k for k, i in enumerate(tid)}, children)
        return sentence_cache[sent_id]

    def valence(words) -> tuple[float, float]:
        v = np.array([lex.get(w, 0.0) for w in words], dtype=float)
        return float(v[v > 0].sum()) / 4.0, float(-v[v < 0].sum()) / 4.0

    for row, t in enumerate(targets[["sent_id", "start_char", "end_char"]].itertuples(index=False)):
        if t.sent_id not in bounds:
            continue
        tid, starts, ends, heads, deps, lower, pos, loc, children = sentence(t.sent_id)
        inside = (starts < t.end_char) & (ends > t.start_char)
        if not inside.any():
            continue
        span_ids = set(tid[inside].tolist())
        roots = [k for k in np.flatnonzero(inside) if int(heads[k]) not in span_ids or int(heads[k]) == int(tid[k])]
        r = roots[0] if roots else int(np.flatnonzero(inside)[0])
        dep = deps[r]
        out[row, col[f"role_{dep}"] if dep in FEATURE_ROLES else col["role_other"]] = 1.0
        out[row, col["target_is_pronoun"]] = float(pos[r] == "PRON")
        h = loc.get(int(heads[r]), r)
        if dep == "pobj":          # "the attack *on* Acme": the preposition's head governs the target
            h = loc.get(int(heads[h]), h)
        out[row, col["head_is_verb"]] = float(pos[h] in ("VERB", "AUX"))
        children_of_h = deps[heads == tid[h]]
        out[row, col["head_negated"]] = float(any(d in NEGATION_DEPS for d in children_of_h))
        first, last = int(np.flatnonzero(inside)[0]), int(np.flatnonzero(inside)[-1])
        near = slice(max(0, first - window), min(len(tid), last + 1 + window))
        out[row, col["negation_near"]] = float(any(d in NEGATION_DEPS for d in deps[near]))
        # subtree of the target's head token (its modifiers), without the span itself
        sub, frontier = set(), [int(tid[r])]
        while frontier:
            n = frontier.pop()
            for c in children.get(n, []):
                if c not in sub:
                    sub.add(c)
                    frontier.append(c)
        sub -= span_ids
        parts = {"left": lower[max(0, first - window):first], "right": lower[last + 1:last + 1 + window],
                 "head": [lower[h]] if h != r else [], "subtree": [lower[loc[i]] for i in sub if i in loc],
                 "target": lower[inside], "sentence": lower}
        for part, words in parts.items():
            p_, n_ = valence(words)
            out[row, col[f"vader_{part}_pos"]] = p_
            out[row, col[f"vader_{part}_neg"]] = n_
        out[row, col["position"]] = first / max(1, len(tid) - 1)
    return out


def target_features(
    texts: Sequence[str],
    spans: Sequence[tuple[int, int, int]],
    tokens: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    window: int = 5,
    embedding_window: int = 8,
    cache_dir: str | Path | None = None,
    embeddings: tuple[np.ndarray, np.ndarray] | None = None,
    batch_size: int = 32,
) -> np.ndarray:
    """The model's feature matrix, one row per target: ``[sentence embedding | span embedding | syntax]``.

    ``texts``/``spans`` feed :func:`embed_spans` (span offsets into the text), ``tokens``/``targets`` feed
    :func:`syntax_features` (offsets in the token table's space); both describe the same targets in the
    same order. ``embeddings`` (the pair :func:`embed_spans` returns) skips the embedding step.
    """
    sent, span = embeddings if embeddings is not None else embed_spans(
        texts, spans, window=embedding_window, cache_dir=cache_dir, batch_size=batch_size)
    idx = np.array([i for i, _, _ in spans], dtype=int)
    syn = syntax_features(tokens, targets, window=window)
    return np.hstack([sent[idx].astype(float), span.astype(float), syn])


# --------------------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class TargetToneModel:
    """Multinomial logistic regression over standardised :func:`target_features`.

    ``P(class) = softmax(((x - mean) / scale) @ coef.T + intercept)`` with classes :data:`CLASSES`.
    """

    coef: np.ndarray          # (3, n_features)
    intercept: np.ndarray     # (3,)
    mean: np.ndarray
    scale: np.ndarray
    window: int = 5
    embedding_window: int = 8
    C: float = 1.0
    meta: dict = field(default_factory=dict)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (columns :data:`CLASSES`) for a feature matrix."""
        z = ((np.asarray(X, dtype=float) - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)


def fit_target_model(
    X: np.ndarray,
    labels: Sequence[str],
    *,
    C: float = 0.05,
    class_weight: str | None = "balanced",
    window: int = 5,
    embedding_window: int = 8,
    meta: dict | None = None,
) -> TargetToneModel:
    """Fit the 3-class logistic regression (labels from :data:`CLASSES`) on standardised features.

    >>> rng = np.random.default_rng(0); X = rng.normal(size=(60, 2))
    >>> y = np.array(CLASSES)[(X[:, 0] > 0).astype(int) + (X[:, 0] > 1)]
    >>> m = fit_target_model(X, y, C=10.0)
    >>> int(m.predict_proba(np.array([[3.0, 0.0]])).argmax())
    2
    """
    from sklearn.linear_model import LogisticRegression

    X = np.asarray(X, dtype=float)
    y = np.asarray(labels)
    unknown = sorted(set(y) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown label(s) {unknown}; use {list(CLASSES)}")
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    clf = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight)
    clf.fit((X - mean) / scale, y)
    order = [list(clf.classes_).index(c) for c in CLASSES]
    return TargetToneModel(coef=clf.coef_[order].astype(float), intercept=clf.intercept_[order].astype(float),
                           mean=mean, scale=scale, window=window, embedding_window=embedding_window, C=float(C),
                           meta=dict(meta or {}))


def save_target_model(model: TargetToneModel, path: str | Path = TARGET_MODEL_PATH) -> tuple[Path, Path]:
    """Write the model as JSON (everything but the arrays) + ``<stem>_weights.npy`` (coef rows, mean, scale).

    No pickle: the NPY holds one float32 array of shape ``(5, n_features)``.
    """
    path = Path(path)
    npy = path.with_name(path.stem + "_weights.npy")
    arr = np.vstack([model.coef, model.mean[None, :], model.scale[None, :]]).astype(np.float32)
    np.save(npy, arr, allow_pickle=False)  # shipped data: no cache check file
    d = {**model.meta, "classes": list(CLASSES), "intercept": [float(f"{v:.8g}") for v in model.intercept],
         "C": model.C, "window": model.window, "embedding_window": model.embedding_window,
         "weights_file": npy.name, "weights_layout": "rows: coef negative, neutral, positive; mean; scale"}
    path.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")
    return path, npy


def load_target_model(path: str | Path | None = None) -> TargetToneModel:
    """Read a model written by :func:`save_target_model` (default: the shipped one), without pickle.

    >>> m = load_target_model()
    >>> m.coef.shape[0], m.coef.shape[1] == m.mean.shape[0]
    (3, True)
    """
    return _load_target_model(str(Path(path or TARGET_MODEL_PATH).resolve()))


@lru_cache(maxsize=4)
def _load_target_model(path: str) -> TargetToneModel:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"target tone model not found: {p}; run benchmarks/target_tone_benchmark.py --write-model")
    d = json.loads(p.read_text(encoding="utf-8"))
    npy = p.with_name(d.pop("weights_file"))
    try:  # shipped data, not a cache entry: no check file; never unpickled
        arr = np.load(npy, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(f"{p.name}: weights file {npy} is missing or unreadable ({exc})") from exc
    if tuple(d.pop("classes")) != CLASSES or arr.shape[0] != 5:
        raise ValueError(f"{p.name}: expected classes {list(CLASSES)} and a (5, n) weights array, got {arr.shape}")
    d.pop("weights_layout", None)
    arr = arr.astype(float)
    return TargetToneModel(coef=arr[:3], intercept=np.asarray(d.pop("intercept"), dtype=float), mean=arr[3],
                           scale=arr[4], window=int(d.pop("window")), embedding_window=int(d.pop("embedding_window")),
                           C=float(d.pop("C")), meta=d)


def target_model_validation(model: TargetToneModel | None = None) -> pd.DataFrame:
    """The cross-validated figures stored with the model: ``method, metric, value, ci_low, ci_high, n``.

    >>> t = target_model_validation()
    >>> "target" in set(t["method"])
    True
    """
    model = model or load_target_model()
    rows = model.meta.get("validation", {}).get("results", [])
    return pd.DataFrame(rows, columns=["method", "metric", "value", "ci_low", "ci_high", "n"])


# ----------------------------------------------------------------------------------------- inference
def score_targets(
    texts: Sequence[str],
    targets: Sequence[tuple[int, int]],
    *,
    model: TargetToneModel | None = None,
) -> pd.DataFrame:
    """Tone toward each ``(start, end)`` character span of each text (one target per text, parsed here).

    Returns ``p_negative, p_neutral, p_positive, label, tone`` (``tone = P(pos) - P(neg)``), one row per text.

    >>> s = "The ministry praised Acme, but Acme rejected the criticism."
    >>> score_targets([s, s], [(4, 12), (31, 35)])["label"].tolist()          # doctest: +SKIP
    ['neutral', 'negative']
    """
    model = model or load_target_model()
    texts = [str(t) for t in texts]
    tokens = parse_texts(texts)
    spans = [(i, int(a), int(b)) for i, (a, b) in enumerate(targets)]
    tg = pd.DataFrame({"sent_id": [str(i) for i in range(len(texts))],
                       "start_char": [a for _, a, _ in spans], "end_char": [b for _, _, b in spans]})
    X = target_features(texts, spans, tokens, tg, window=model.window, embedding_window=model.embedding_window)
    return _prob_table(model.predict_proba(X))


def _mention_spans(sents: pd.DataFrame, mentions: pd.DataFrame, pos: dict) -> list[tuple[int, int, int]]:
    """``(text index, start, end)`` of each mention, offsets into its sentence; ``sents`` is indexed by
    ``sent_id`` and ``pos`` maps a ``sent_id`` to its text's index."""
    base = mentions["sent_id"].map(sents["start_char"]).astype(int)
    return [(pos[s], int(a - b0), int(e - b0))
            for s, a, e, b0 in zip(mentions["sent_id"], mentions["start_char"], mentions["end_char"], base)]


def embed_sentences(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    *,
    model: TargetToneModel | None = None,
    cache_dir: str | Path | None = None,
    piece: int = 4_096,
) -> None:
    """Store the vector of every sentence and of every mention span in it, one MiniLM pass per sentence.

    Sentence tone (``hybrid``) reads the sentence vectors and :func:`score_mentions` reads both; called
    before either, this embeds each sentence once instead of once for each (``mentions``: the
    ``actor_mentions`` measure; ``None`` or empty stores the sentence vectors alone). Nothing is returned:
    the vectors go to the embedding store under ``cache_dir``, which later calls read; ``piece`` sentences
    are embedded at a time (shortest first within a piece).

    >>> embed_sentences(corpus.sentences, study.measure("actor_mentions"))   # doctest: +SKIP
    """
    if sentences.empty:
        return
    window = (model or load_target_model()).embedding_window
    sents = sentences.drop_duplicates("sent_id").set_index("sent_id")
    if mentions is None:
        mentions = pd.DataFrame(columns=["sent_id", "start_char", "end_char"])
    piece = max(1, int(piece))
    for a in range(0, len(sents), piece):       # a piece at a time: the returned vectors are not kept
        part = sents.iloc[a:a + piece]
        pos = {s: i for i, s in enumerate(part.index)}
        spans = _mention_spans(part, mentions[mentions["sent_id"].isin(pos)], pos)
        embed_spans(part["text"].astype(str).tolist(), spans, window=window, cache_dir=cache_dir)


def _prob_table(p: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(p, columns=[f"p_{c}" for c in CLASSES])
    out["label"] = np.asarray(CLASSES)[p.argmax(axis=1)] if len(p) else pd.Series(dtype=str)
    out["tone"] = out["p_positive"] - out["p_negative"]
    return out


def score_mentions(
    sentences: pd.DataFrame,
    tokens: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    model: TargetToneModel | None = None,
) -> pd.DataFrame:
    """Tone toward every actor mention in a corpus, from its parsed tokens (no re-parse).

    ``sentences`` is ``Corpus.sentences``, ``tokens`` ``Corpus.tokens`` and ``mentions`` the
    ``actor_mentions`` measure (offsets into the clean document text). Returns :data:`TARGET_COLUMNS`: one
    row per mention with the class probabilities, the most probable class and ``tone = P(pos) - P(neg)``.
    Sentence and span vectors come from the embedding store (:func:`embed_spans`): each sentence is embedded
    once, in a length-sorted batch, and read back ever after, so once its sentences are stored a document's
    scores do not depend on which other documents are scored with it (the per-document cache equals a fresh
    run to the last bit). The batch a sentence is first embedded in changes its vector only in about the 7th
    digit (docs/performance.md gives the measured effect on the class probabilities).

    >>> import analysis                                                              # doctest: +SKIP
    >>> c = analysis.build_corpus(); m = analysis.open_study().measure("actor_mentions")   # doctest: +SKIP
    >>> score_mentions(c.sentences, c.tokens, m).columns.tolist() == TARGET_COLUMNS   # doctest: +SKIP
    True
    """
    model = model or load_target_model()
    if mentions.empty:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    sents = sentences.set_index("sent_id")
    m = mentions[mentions["sent_id"].isin(sents.index)].reset_index(drop=True)
    if m.empty:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    uniq = list(dict.fromkeys(m["sent_id"]))
    pos = {s: i for i, s in enumerate(uniq)}
    texts = sents.loc[uniq, "text"].astype(str).tolist()
    spans = _mention_spans(sents, m, pos)
    tok = tokens[tokens["sent_id"].isin(pos)]
    X = target_features(texts, spans, tok, m, window=model.window, embedding_window=model.embedding_window)
    probs = _prob_table(model.predict_proba(X))
    out = pd.concat([m.reset_index(drop=True), probs], axis=1)
    out["outlet"] = out["sent_id"].map(sents["outlet"]) if "outlet" in sents.columns else "all"
    return out[TARGET_COLUMNS]
