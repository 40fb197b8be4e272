"""Topic prevalence ~ covariates: how much an article gives to each topic, regressed on its outlet (and its
date), with intervals that carry the topic model's own variation.

This is what R's ``stm`` offers with ``estimateEffect(..., uncertainty = "Global")`` (Roberts, Stewart &
Airoldi 2016; Roberts, Stewart & Tingley 2019), done for the NMF/LDA models of
:mod:`analysis.measures.topics`:

1. **Refits.** The chosen topic model (its ``k`` and method) is fitted ``n_refits`` times with different seeds,
   each through the measure store (``study.measure("topic_model", seed=s, k=k)``, cached).
2. **Article shares.** Each fit's sentence (unit) topic shares are averaged to the article, *weighted by each
   unit's number of content terms* (a two-word sentence counts less than a twenty-word one; units the
   vocabulary filter emptied do not count), so every article is one row of the regression.
3. **Alignment.** Topic numbers are arbitrary in every fit, so each refit's topics are matched one-to-one to
   the reference fit's (Hungarian matching, :func:`scipy.optimize.linear_sum_assignment`, on the cosine
   similarity of the topic-term distributions). ``alignment`` reports the matched cosine; a topic whose match
   falls below ``min_cosine`` in a refit *does not reappear* there and is flagged.
4. **Regression.** Per topic and per refit: OLS of the article's share on outlet indicators (and a linear
   trend or a B-spline in time when dates exist), with a heteroskedasticity-robust (HC3) covariance.
5. **Method of composition** (Tanner 1996; Treier & Jackman 2008). From every refit, ``n_draws`` coefficient
   vectors are drawn from that fit's sampling distribution (multivariate normal, robust covariance) and the
   draws of all refits are pooled. Quantiles of the pooled draws are the interval: it carries both the
   estimation error of the regression and the variation between topic-model fits.

Outlet effects are contrasts of the outlet means: ``coding="deviation"`` (default) each outlet minus the
average of the outlets, ``"weighted"`` minus the corpus mean (outlets weighted by their articles),
``"treatment"`` minus a reference outlet. ``naive_low``/``naive_high`` are the interval of the reference fit
alone (OLS only, the usual normal interval): what one would report without refits.

What cannot be estimated is a row with a ``note``: no topic model (``k = 0``), an outlet with fewer than
``min_articles`` articles, fewer than two outlets left to compare.

>>> import numpy as np, pandas as pd
>>> from analysis.measures.topics import TopicModel
>>> units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(8)], "doc_id": list("aabbccdd"), "n_terms": 4})
>>> docs = pd.DataFrame({"doc_id": list("abcd"), "outlet": ["X", "X", "Y", "Y"], "date": pd.NaT})
>>> theta = np.array([[.9, .1], [.8, .2], [.7, .3], [.9, .1], [.2, .8], [.1, .9], [.3, .7], [.2, .8]])
>>> m = TopicModel("nmf", 2, 0, theta, np.array([[.9, .1], [.1, .9]]), np.array(["war", "farm"]), units, None)
>>> res = prevalence_from_models([m, m], docs, n_draws=200, seed=0)
>>> res.effects.query("topic == 1")[["term", "estimate"]].round(2).values.tolist()
[['X', 0.31], ['Y', -0.31]]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from analysis.measures.topics import TopicModel

#: Refits of the topic model (seeds ``seed, seed + 1, ...``; the first is the reference) and coefficient draws
#: per refit; :data:`QUICK` is the ``quick`` run's smaller pair.
N_REFITS = 10
N_DRAWS = 200
QUICK = {"n_refits": 4, "n_draws": 100}
#: An outlet needs this many articles for an effect (a one-article outlet has no within-outlet variation).
MIN_ARTICLES = 2
#: Below this cosine similarity of topic-term distributions a reference topic does not reappear in a refit.
MIN_COSINE = 0.5

EFFECT_COLUMNS = ["topic", "label", "covariate", "term", "versus", "estimate", "ci_low", "ci_high",
                  "naive_estimate", "naive_low", "naive_high", "n_articles", "n_refits", "alignment", "reappears",
                  "note"]
OVER_TIME_COLUMNS = ["topic", "label", "date", "estimate", "ci_low", "ci_high"]
ALIGNMENT_COLUMNS = ["refit", "seed", "topic", "matched_topic", "cosine", "reappears"]
ARTICLE_COLUMNS = ["doc_id", "outlet", "date", "topic", "label", "share", "n_terms"]

Coding = Literal["deviation", "weighted", "treatment"]
TimeModel = Literal["auto", "linear", "spline", "none"]


@dataclass
class TopicPrevalence:
    """The result of :func:`topic_prevalence` / :func:`prevalence_from_models`.

    ``effects``: one row per (topic, covariate term): ``topic, label, covariate`` (``"outlet"`` or ``"time"``),
    ``term`` (the outlet, or the time contrast), ``versus`` (what an outlet is compared with), ``estimate``
    (mean over refits), ``ci_low, ci_high`` (method of composition), ``naive_estimate, naive_low,
    naive_high`` (the reference fit alone, OLS only), ``n_articles``, ``n_refits``, ``alignment`` (mean matched
    cosine of the topic over the refits), ``reappears`` (refits, the reference included, in which it
    reappears), ``note`` (why a row cannot be estimated, or that the topic is unstable).
    ``over_time``: expected share per topic on a grid of dates (an average outlet), with its band.
    ``alignment``: every refit's matching. ``articles``: the reference fit's article-topic shares.
    ``notes``: what the run could not do, in words. ``settings``: what it was run with.
    """

    effects: pd.DataFrame
    over_time: pd.DataFrame
    alignment: pd.DataFrame
    articles: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------- article shares
def _article_index(model: TopicModel, doc_ids: Sequence[str]) -> sparse.csr_matrix:
    """``(articles x units)`` indicator matrix of which unit belongs to which article."""
    rows = pd.Index(list(doc_ids)).get_indexer(model.units["doc_id"].astype(str))
    keep = rows >= 0
    cols = np.flatnonzero(keep)
    return sparse.csr_matrix((np.ones(keep.sum()), (rows[keep], cols)), shape=(len(doc_ids), len(model.units)))


def article_shares(model: TopicModel, doc_ids: Sequence[str]) -> np.ndarray:
    """``(articles x k)`` topic shares of each article: its units' shares weighted by their content terms.

    Units the model gives no weight (NaN rows) do not count; an article with no counted unit gets NaN.
    Without an ``n_terms`` column every unit weighs 1.

    >>> units = pd.DataFrame({"unit_id": ["s1", "s2", "s3"], "doc_id": ["a", "a", "b"], "n_terms": [3, 1, 2]})
    >>> m = TopicModel("nmf", 2, 0, np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]), np.eye(2),
    ...                np.array(["x", "y"]), units, None)
    >>> article_shares(m, ["a", "b"]).tolist()
    [[0.75, 0.25], [0.5, 0.5]]
    """
    S = _article_index(model, doc_ids)
    theta = np.asarray(model.doc_topic, dtype=float)
    valid = ~np.isnan(theta).any(axis=1)
    w = (model.units["n_terms"].to_numpy(dtype=float) if "n_terms" in model.units.columns
         else np.ones(len(model.units))) * valid
    num = S @ (np.nan_to_num(theta) * w[:, None])
    den = S @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den[:, None]
    out[den <= 0] = np.nan
    return out


def article_topic_shares(model: TopicModel, documents: pd.DataFrame) -> pd.DataFrame:
    """Tidy ``doc_id, outlet, date, topic, label, share, n_terms``: each article's topic shares (see
    :func:`article_shares`), for the articles of ``documents`` the model has units of."""
    if model.k == 0:
        return pd.DataFrame(columns=ARTICLE_COLUMNS)
    docs = _documents(documents)
    docs = docs[docs["doc_id"].isin(set(model.units["doc_id"].astype(str)))].reset_index(drop=True)
    Y = article_shares(model, docs["doc_id"])
    terms = (model.units.assign(doc_id=model.units["doc_id"].astype(str)).groupby("doc_id")["n_terms"].sum()
             if "n_terms" in model.units.columns else model.units.groupby("doc_id").size())
    long = docs.loc[docs.index.repeat(model.k)].reset_index(drop=True)
    long["topic"] = np.tile(np.arange(1, model.k + 1), len(docs))
    long["label"] = np.array(model.labels())[long["topic"].to_numpy() - 1]
    long["share"] = Y.reshape(-1)
    long["n_terms"] = long["doc_id"].map(terms).fillna(0).astype(int)
    return long[ARTICLE_COLUMNS]


def _documents(documents: pd.DataFrame) -> pd.DataFrame:
    for col in ("doc_id", "outlet"):
        if col not in documents.columns:
            raise KeyError(f"documents table needs a {col!r} column (columns: {list(documents.columns)})")
    docs = documents[["doc_id", "outlet"]].astype(str).copy()
    docs["date"] = pd.to_datetime(documents["date"], errors="coerce") if "date" in documents.columns else pd.NaT
    return docs.drop_duplicates("doc_id").reset_index(drop=True)


# --------------------------------------------------------------------------------------------- alignment
def align_topics(reference: TopicModel, other: TopicModel) -> tuple[np.ndarray, np.ndarray]:
    """Match ``other``'s topics one-to-one to ``reference``'s (Hungarian matching on topic-term cosine).

    Returns ``(order, cosine)``: reference topic ``i`` is ``other``'s topic ``order[i]``, with similarity
    ``cosine[i]``. The vocabularies are matched by term (a term one model lacks weighs 0 there).

    >>> a = TopicModel("nmf", 2, 0, np.zeros((0, 2)), np.array([[.9, .1, 0], [0, .2, .8]]),
    ...                np.array(["x", "y", "z"]), pd.DataFrame(), None)
    >>> b = TopicModel("nmf", 2, 1, np.zeros((0, 2)), np.array([[0, .1, .9], [.8, .2, 0]]),
    ...                np.array(["x", "y", "z"]), pd.DataFrame(), None)
    >>> order, cos = align_topics(a, b)
    >>> order.tolist(), cos.round(2).tolist()
    ([1, 0], [0.99, 0.99])
    """
    if reference.k != other.k:
        raise ValueError(f"cannot align a k={other.k} model to a k={reference.k} reference")
    B = other.topic_term
    if list(other.terms) != list(reference.terms):
        pos = pd.Index(list(other.terms)).get_indexer(list(reference.terms))
        B = np.where(pos >= 0, other.topic_term[:, np.clip(pos, 0, None)], 0.0)
    A = np.nan_to_num(reference.topic_term)
    B = np.nan_to_num(B)
    na, nb = np.linalg.norm(A, axis=1, keepdims=True), np.linalg.norm(B, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        C = np.nan_to_num((A / na) @ (B / nb).T)
    r, c = linear_sum_assignment(-C)
    order = c[np.argsort(r)]
    return order, C[np.arange(reference.k), order]


# -------------------------------------------------------------------------------------------- regression
def robust_ols(X: np.ndarray, Y: np.ndarray, *, hc: str = "HC3") -> tuple[np.ndarray, np.ndarray]:
    """OLS of every column of every ``Y`` on ``X`` with a heteroskedasticity-robust covariance, vectorised.

    ``X``: ``(n, p)`` of full column rank; ``Y``: ``(R, n, K)`` (R fits, K outcomes). Returns ``B`` ``(R, p,
    K)`` and ``V`` ``(R, K, p, p)``. ``hc``: ``"HC0"`` (White), ``"HC1"`` (x n/(n-p)), ``"HC2"``, ``"HC3"``
    (MacKinnon & White 1985; recommended for small samples by Long & Ervin 2000). A unit with leverage 1
    (fitted exactly) gets the HC1 factor instead of an infinite one.

    >>> X = np.array([[1., 0], [1, 0], [0, 1], [0, 1]]); Y = np.array([[1., 3, 2, 6]]).T[None]
    >>> B, V = robust_ols(X, Y, hc="HC0")
    >>> B[0, :, 0].tolist(), np.diag(V[0, 0]).tolist()     # group means; sum of squared residuals / n_g**2
    ([2.0, 4.0], [0.5, 2.0])
    """
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    n, p = X.shape
    A = np.linalg.inv(X.T @ X)
    B = np.einsum("pq,nq,rnk->rpk", A, X, Y)
    E = Y - np.einsum("np,rpk->rnk", X, B)
    h = np.einsum("np,pq,nq->n", X, A, X)
    dof = n / (n - p) if n > p else 1.0
    exact = h > 1 - 1e-8
    if hc == "HC0":
        w = np.ones(n)
    elif hc == "HC1":
        w = np.full(n, dof)
    elif hc == "HC2":
        w = np.where(exact, dof, 1 / np.where(exact, 1.0, 1 - h))
    elif hc == "HC3":
        w = np.where(exact, dof, 1 / np.where(exact, 1.0, 1 - h) ** 2)
    else:
        raise ValueError(f"hc must be one of HC0, HC1, HC2, HC3, not {hc!r}")
    meat = np.einsum("np,rnk,nq->rkpq", X, E ** 2 * w[None, :, None], X)
    V = np.einsum("pa,rkab,bq->rkpq", A, meat, A)
    return B, V


def _sqrt_psd(V: np.ndarray) -> np.ndarray:
    """``L`` with ``L @ L.T == V`` for a stack of symmetric positive semi-definite matrices."""
    lam, Q = np.linalg.eigh((V + np.swapaxes(V, -1, -2)) / 2)
    return Q * np.sqrt(np.clip(lam, 0, None))[..., None, :]


def compose_draws(B: np.ndarray, V: np.ndarray, *, n_draws: int, seed: int = 42, df: float | None = None) -> np.ndarray:
    """Method of composition: ``n_draws`` coefficient vectors from each fit's sampling distribution, pooled
    over the fits. ``B`` ``(R, p, K)``, ``V`` ``(R, K, p, p)`` -> draws ``(R * n_draws, K, p)``. The sampling
    distribution is multivariate normal, or multivariate t with ``df`` degrees of freedom (the residual degrees
    of freedom ``n - p``: wider with few articles).

    >>> d = compose_draws(np.zeros((2, 1, 1)), np.ones((2, 1, 1, 1)), n_draws=5000, seed=0)
    >>> d.shape, round(float(d.std()), 1)
    ((10000, 1, 1), 1.0)
    """
    R, p, K = B.shape
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((R, int(n_draws), K, p))
    if df is not None:
        z *= np.sqrt(df / rng.chisquare(df, size=(R, int(n_draws), K, 1)))
    L = _sqrt_psd(V)                                                     # (R, K, p, p)
    draws = np.swapaxes(B, 1, 2)[:, None] + np.einsum("rkpq,rdkq->rdkp", L, z)
    return draws.reshape(R * int(n_draws), K, p)


# ------------------------------------------------------------------------------------------------- time
_TIME_UNITS = {"week": 7.0, "month": 30.0, "year": 365.25}


def _time_unit(span_days: float, unit: str) -> tuple[str, float]:
    if unit != "auto":
        if unit not in _TIME_UNITS:
            raise ValueError(f"time_unit must be 'auto' or one of {sorted(_TIME_UNITS)}, not {unit!r}")
        return unit, _TIME_UNITS[unit]
    name = "week" if span_days < 120 else "month" if span_days < 3 * 365 else "year"
    return name, _TIME_UNITS[name]


def _time_basis(t: np.ndarray, *, kind: str, n_knots: int, fit_on: np.ndarray):
    """Columns of the time part of the design for times ``t`` (in the chosen unit since the first date)."""
    if kind == "linear":
        return t[:, None]
    from sklearn.preprocessing import SplineTransformer

    spl = SplineTransformer(n_knots=int(n_knots), degree=3, include_bias=False, extrapolation="linear")
    spl.fit(fit_on[:, None])
    return spl.transform(t[:, None])


# ------------------------------------------------------------------------------------------------- main
def _contrasts(outlets: list[str], n: np.ndarray, *, coding: str, reference: str | None) -> tuple[np.ndarray, list[str], str]:
    O = len(outlets)
    if coding == "deviation":
        return np.eye(O) - 1 / O, outlets, "the average outlet"
    if coding == "weighted":
        w = n / n.sum()
        return np.eye(O) - w[None, :], outlets, "the corpus mean"
    if coding == "treatment":
        ref = reference if reference is not None else outlets[0]
        if ref not in outlets:
            raise ValueError(f"reference outlet {ref!r} is not among the outlets with enough articles: {outlets}")
        j = outlets.index(ref)
        keep = [i for i in range(O) if i != j]
        C = np.eye(O)[keep] - np.eye(O)[j]
        return C, [outlets[i] for i in keep], ref
    raise ValueError(f"coding must be 'deviation', 'weighted' or 'treatment', not {coding!r}")


def _row(**kw) -> dict:
    base = {c: np.nan for c in EFFECT_COLUMNS}
    base.update(note="", versus="", label="", term="")
    base.update(kw)
    return base


def _frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    out["topic"] = out["topic"].astype("Int64")
    for c in ("n_articles", "n_refits", "reappears"):
        out[c] = out[c].astype("Int64")
    return out


def _empty(notes: list[str], settings: dict, *, effects: pd.DataFrame | None = None,
           alignment: pd.DataFrame | None = None, articles: pd.DataFrame | None = None) -> TopicPrevalence:
    return TopicPrevalence(effects=effects if effects is not None else _frame([]),
                           over_time=pd.DataFrame(columns=OVER_TIME_COLUMNS),
                           alignment=alignment if alignment is not None else pd.DataFrame(columns=ALIGNMENT_COLUMNS),
                           articles=articles if articles is not None else pd.DataFrame(columns=ARTICLE_COLUMNS),
                           notes=notes, settings=settings)


def prevalence_from_models(
    models: Sequence[TopicModel],
    documents: pd.DataFrame,
    *,
    coding: Coding = "deviation",
    reference: str | None = None,
    time: TimeModel = "auto",
    n_knots: int = 3,
    time_unit: str = "auto",
    n_draws: int = N_DRAWS,
    level: float = 0.95,
    min_articles: int = MIN_ARTICLES,
    min_cosine: float = MIN_COSINE,
    hc: str = "HC3",
    seed: int = 42,
    n_grid: int = 40,
    no_model: str = "",
) -> TopicPrevalence:
    """Topic prevalence regressed on outlet (and time) from fitted topic models; ``models[0]`` is the reference.

    ``documents``: ``doc_id, outlet`` and optionally ``date``. ``time``: ``"auto"`` (a linear trend when every
    analysed article has a date and there are at least three distinct dates), ``"linear"``, ``"spline"``
    (cubic B-spline with ``n_knots`` knots) or ``"none"``; an explicit time model drops undated articles and
    says how many. ``time_unit``: the trend's unit (``"week"``, ``"month"``, ``"year"``; ``"auto"`` from the
    span). ``no_model``: the reason to report when the models have no topics. See the module docstring for
    the method; :class:`TopicPrevalence` for the tables.
    """
    settings = {"n_refits": len(models), "n_draws": int(n_draws), "coding": coding, "time": time, "level": level,
                "min_articles": int(min_articles), "min_cosine": float(min_cosine), "hc": hc, "seed": int(seed),
                "k": int(models[0].k) if models else 0,
                "seeds": [int(m.seed) for m in models]}
    if coding not in ("deviation", "weighted", "treatment"):
        raise ValueError(f"coding must be 'deviation', 'weighted' or 'treatment', not {coding!r}")
    if time not in ("auto", "linear", "spline", "none", None):
        raise ValueError(f"time must be 'auto', 'linear', 'spline' or 'none', not {time!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level!r}")
    if int(n_draws) < 1:
        raise ValueError(f"n_draws must be at least 1, not {n_draws!r}")
    docs_all = _documents(documents)
    if not models or models[0].k == 0:
        why = no_model or "topic model cannot be estimated: no topics (k = 0)"
        note = f"cannot be estimated: {why}" if not why.startswith(("cannot", "topic model cannot")) else why
        return _empty([note], settings, effects=_frame([_row(covariate="outlet", note=note,
                                                             n_articles=len(docs_all), n_refits=len(models))]))
    ref = models[0]
    K, R = ref.k, len(models)
    labels = ref.labels()
    notes: list[str] = []

    # article shares of every fit, aligned to the reference's topics
    docs = docs_all[docs_all["doc_id"].isin(set(ref.units["doc_id"].astype(str)))].reset_index(drop=True)
    n_without = len(docs_all) - len(docs)
    if n_without:
        notes.append(f"not in the regression: {n_without} of {len(docs_all)} articles (no sentence left after the "
                     "vocabulary filter)")
    Y = np.empty((R, len(docs), K))
    align_rows = []
    for r, m in enumerate(models):
        if m.k != K:
            raise ValueError(f"every refit needs k={K} topics; fit {r} (seed {m.seed}) has {m.k}")
        order, cos = (np.arange(K), np.ones(K)) if r == 0 else align_topics(ref, m)
        Y[r] = article_shares(m, docs["doc_id"])[:, order]
        align_rows += [{"refit": r, "seed": int(m.seed), "topic": t + 1, "matched_topic": int(order[t]) + 1,
                        "cosine": float(cos[t]), "reappears": bool(cos[t] >= min_cosine)} for t in range(K)]
    alignment = pd.DataFrame(align_rows, columns=ALIGNMENT_COLUMNS)
    others = alignment[alignment["refit"] > 0]
    mean_cos = others.groupby("topic")["cosine"].mean().reindex(range(1, K + 1)).to_numpy()
    reappears = alignment.groupby("topic")["reappears"].sum().reindex(range(1, K + 1)).to_numpy().astype(int)
    articles = article_topic_shares(ref, docs)
    ok = ~np.isnan(Y).any(axis=(0, 2))
    if not ok.all():
        notes.append(f"not in the regression: {int((~ok).sum())} of {len(ok)} articles (no topic weight in some refit)")
    docs, Y = docs[ok].reset_index(drop=True), Y[:, ok]

    # time: which model, and which articles it keeps
    dated = docs["date"].notna().to_numpy()
    kind = "none" if time in (None, "none") else time
    if kind == "auto":
        if dated.all() and docs["date"].nunique() >= 3:
            kind = "linear"
        else:
            kind = "none"
            notes.append("time is not in the model: no article has a date" if not dated.any() else
                         f"time is not in the model: {int((~dated).sum())} of {len(docs)} articles have no date"
                         if not dated.all() else
                         f"time is not in the model: {docs['date'].nunique()} distinct date(s), needs 3")
    elif kind != "none":
        if not dated.all():
            notes.append(f"time in the model: {int((~dated).sum())} of {len(docs)} undated articles left out")
            docs, Y = docs[dated].reset_index(drop=True), Y[:, dated]
        need = 3 if kind == "linear" else int(n_knots) + 2
        if docs["date"].nunique() < need:
            notes.append(f"time cannot be estimated: {docs['date'].nunique()} distinct date(s), the {kind} "
                         f"trend needs {need}")
            kind = "none"

    # outlets with enough articles
    counts = {o: int(c) for o, c in docs["outlet"].value_counts().items()}
    all_outlets = sorted(counts)
    outlets = sorted(o for o in all_outlets if counts[o] >= min_articles)
    rows: list[dict] = []
    topic_info = [{"topic": t + 1, "label": labels[t], "n_refits": R,
                   "alignment": float(mean_cos[t]) if R > 1 else np.nan, "reappears": int(reappears[t])}
                  for t in range(K)]
    for o in all_outlets:
        if counts[o] < min_articles:
            note = (f"cannot be estimated: {counts[o]} article{'s' * (counts[o] != 1)} "
                    f"(an outlet needs at least {min_articles})")
            rows += [_row(**ti, covariate="outlet", term=o, n_articles=int(counts[o]), note=note) for ti in topic_info]
    if len(outlets) < 2:
        why = ("no outlet has" if not outlets else f"only one outlet ({outlets[0]}) has") + \
              f" at least {min_articles} articles: an outlet effect needs two outlets to compare"
        notes.append(f"outlet effects cannot be estimated: {why}")
        rows += [_row(**ti, covariate="outlet", term=o, n_articles=int(counts[o]), note=f"cannot be estimated: {why}")
                 for o in outlets for ti in topic_info]
        if not rows:
            rows = [_row(**ti, covariate="outlet", n_articles=0, note=f"cannot be estimated: {why}") for ti in topic_info]
        small = [o for o in all_outlets if counts[o] < min_articles]
        if small:
            notes.append(f"{len(small)} outlet(s) with fewer than {min_articles} articles: " + ", ".join(small))
        return _empty(notes, {**settings, "time": kind}, effects=_sort(_frame(rows)), alignment=alignment,
                      articles=articles)
    small = [o for o in all_outlets if counts[o] < min_articles]
    if small:
        notes.append(f"{len(small)} outlet(s) with fewer than {min_articles} articles left out of the regression "
                     f"(effects are relative to the {len(outlets)} others): " + ", ".join(small))
    keep = docs["outlet"].isin(outlets).to_numpy()
    docs, Y = docs[keep].reset_index(drop=True), Y[:, keep]
    n_o = docs["outlet"].value_counts().reindex(outlets).to_numpy(dtype=float)

    # design: one indicator per outlet (cell means), then the time columns
    X_out = (docs["outlet"].to_numpy()[:, None] == np.array(outlets)[None, :]).astype(float)
    X, t_info = X_out, None
    if kind != "none":
        d0 = docs["date"].min()
        span = (docs["date"].max() - d0).days
        uname, udays = _time_unit(span, time_unit)
        t = (docs["date"] - d0).dt.total_seconds().to_numpy() / 86400 / udays
        Xt = _time_basis(t, kind=kind, n_knots=n_knots, fit_on=t)
        X_try = np.hstack([X_out, Xt])
        if np.linalg.matrix_rank(X_try) == X_try.shape[1] and len(docs) - X_try.shape[1] >= 2:
            X, t_info = X_try, (kind, d0, uname, udays, t)
        else:
            notes.append(f"time cannot be estimated: the {kind} trend leaves too few articles per parameter "
                         f"({len(docs)} articles, {X_try.shape[1]} parameters)")
            kind = "none"
    n, p = X.shape
    if n - p < 1:
        notes.append(f"outlet effects cannot be estimated: {n} articles for {p} parameters")
        rows += [_row(**ti, covariate="outlet", term=o, n_articles=int(c), note="cannot be estimated: too few articles")
                 for o, c in zip(outlets, n_o) for ti in topic_info]
        return _empty(notes, {**settings, "time": kind}, effects=_sort(_frame(rows)), alignment=alignment,
                      articles=articles)

    B, V = robust_ols(X, Y, hc=hc)
    draws = compose_draws(B, V, n_draws=n_draws, seed=seed, df=n - p)      # (D, K, p)
    a = (1 - level) / 2
    zq = float(_t_ppf(1 - a, n - p))

    # contrasts: outlet effects, then the time term
    C_o, names, versus = _contrasts(outlets, n_o, coding=coding, reference=reference)
    C = np.hstack([C_o, np.zeros((len(C_o), p - len(outlets)))])
    terms = [("outlet", nm, versus, int(n_o[outlets.index(nm)])) for nm in names]
    if t_info is not None:
        tk, d0, uname, udays, t = t_info
        if tk == "linear":
            c = np.zeros(p)
            c[-1] = 1.0
            terms.append(("time", f"trend per {uname}", "", n))
        else:
            ends = _time_basis(np.array([t.min(), t.max()]), kind=tk, n_knots=n_knots, fit_on=t)
            c = np.concatenate([np.zeros(len(outlets)), ends[1] - ends[0]])
            terms.append(("time", "last minus first date", "", n))
        C = np.vstack([C, c])
    eff = np.einsum("dkp,cp->dkc", draws, C)                                # (D, K, terms)
    lo, hi = np.quantile(eff, [a, 1 - a], axis=0)
    est = np.einsum("rpk,cp->kc", B, C) / R                                 # mean over refits
    naive = np.einsum("pk,cp->kc", B[0], C)
    naive_se = np.sqrt(np.clip(np.einsum("cp,kpq,cq->kc", C, V[0], C), 0, None))
    for ti in topic_info:
        k = ti["topic"] - 1
        unstable = (f"unstable: reappears in {ti['reappears']} of {R} refits (cosine >= {min_cosine:g}); the interval "
                    "mixes different topics" if ti["reappears"] < R else "")
        for j, (cov, term, vs, n_art) in enumerate(terms):
            rows.append(_row(**ti, covariate=cov, term=term, versus=vs, estimate=float(est[k, j]),
                             ci_low=float(lo[k, j]), ci_high=float(hi[k, j]), naive_estimate=float(naive[k, j]),
                             naive_low=float(naive[k, j] - zq * naive_se[k, j]),
                             naive_high=float(naive[k, j] + zq * naive_se[k, j]), n_articles=int(n_art),
                             note=unstable))
    unstable_topics = [ti["label"] for ti in topic_info if ti["reappears"] < R]
    if unstable_topics:
        notes.append(f"{len(unstable_topics)} of {K} topics do not reappear in every refit (matched cosine below "
                     f"{min_cosine:g}): " + "; ".join(unstable_topics))

    # expected share over time for an average outlet
    over = pd.DataFrame(columns=OVER_TIME_COLUMNS)
    if t_info is not None:
        tk, d0, uname, udays, t = t_info
        grid = np.linspace(t.min(), t.max(), int(n_grid))
        w = n_o / n_o.sum() if coding == "weighted" else np.full(len(outlets), 1 / len(outlets))
        Xg = np.hstack([np.tile(w, (len(grid), 1)), _time_basis(grid, kind=tk, n_knots=n_knots, fit_on=t)])
        ex = np.einsum("dkp,gp->dkg", draws, Xg)
        glo, ghi = np.quantile(ex, [a, 1 - a], axis=0)
        gest = np.einsum("rpk,gp->kg", B, Xg) / R
        dates = d0 + pd.to_timedelta(grid * udays, unit="D")
        over = pd.DataFrame({"topic": np.repeat(np.arange(1, K + 1), len(grid)),
                             "label": np.repeat(labels, len(grid)),
                             "date": np.tile(dates.to_numpy(), K), "estimate": gest.reshape(-1),
                             "ci_low": glo.reshape(-1), "ci_high": ghi.reshape(-1)})
    settings.update(time=kind, outlets=outlets, versus=versus, n_articles=int(n), n_parameters=int(p))
    return TopicPrevalence(effects=_sort(_frame(rows)), over_time=over, alignment=alignment, articles=articles,
                           notes=notes, settings=settings)


def _t_ppf(q: float, df: float) -> float:
    from scipy.stats import t

    return float(t.ppf(q, df))


def _sort(effects: pd.DataFrame) -> pd.DataFrame:
    order = effects["covariate"].map({"outlet": 0, "time": 1}).fillna(2)
    return (effects.assign(_o=order).sort_values(["topic", "_o", "term"], kind="stable", na_position="first")
            .drop(columns="_o").reset_index(drop=True))


def topic_prevalence(
    study,
    *,
    k: int | str = "auto",
    method: str = "nmf",
    seed: int = 42,
    n_refits: int = N_REFITS,
    unit: str = "sent_id",
    min_df: int | float = 2,
    max_df: int | float = 0.3,
    **options,
) -> TopicPrevalence:
    """Topic prevalence ~ outlet (+ time) for a study's chosen topic model, with refits through its measure store.

    ``study``: an :class:`analysis.Study` (or its ``MeasureStore``). ``k="auto"`` is the store's chosen ``k``
    (the ``topic_model`` measure's rule); ``method`` and the vocabulary options (``unit``, ``min_df``,
    ``max_df``) are those of the ``topic_model`` measure. The refits are ``study.measure("topic_model",
    seed=s, k=k, method=method, ...)`` for ``s = seed, seed + 1, ..., seed + n_refits - 1`` (``seed`` is the
    reference, the notebooks' model), each cached. ``options`` go to :func:`prevalence_from_models`
    (``coding``, ``time``, ``n_draws``, ``level``, ``min_articles``, ``min_cosine``, ...).

    >>> import analysis
    >>> res = topic_prevalence(analysis.open_study(progress=False), n_refits=2, n_draws=20)
    >>> bool(res.effects["note"].str.startswith("cannot be estimated").all())   # the seeds: 2, 1, 1, 1 articles
    True
    """
    from analysis.measures.registry import topic_model_from_table, topic_model_limits

    store = getattr(study, "measures", study)
    if int(n_refits) < 1:
        raise ValueError(f"n_refits must be at least 1, not {n_refits!r}")
    vocab = {"unit": unit, "min_df": min_df, "max_df": max_df}
    K = int(store.resolve("topic_model", k=k, method=method, seed=seed, **vocab)["k"])
    documents = store.corpus.documents
    if K == 0:
        why = topic_model_limits(store, seed=seed, **vocab) or "topic model cannot be estimated: no topics (k = 0)"
        return prevalence_from_models([], documents, no_model=why, seed=seed, **options)
    seeds = [int(seed) + i for i in range(int(n_refits))]
    models = [topic_model_from_table(store.get("topic_model", k=K, method=method, seed=s, **vocab), method=method,
                                     seed=s) for s in seeds]
    res = prevalence_from_models(models, documents, seed=seed, **options)
    res.settings.update(method=method, **vocab)
    return res


__all__ = ["N_REFITS", "N_DRAWS", "QUICK", "MIN_ARTICLES", "MIN_COSINE", "EFFECT_COLUMNS", "OVER_TIME_COLUMNS",
           "ALIGNMENT_COLUMNS", "ARTICLE_COLUMNS", "TopicPrevalence", "align_topics", "article_shares",
           "article_topic_shares", "compose_draws", "prevalence_from_models", "robust_ols", "topic_prevalence"]
