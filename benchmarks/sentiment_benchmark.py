"""Benchmark (not a test): how well do the tone methods match human ratings?

Prints, for the VADER human-rated sets in the shared validation folder:
  1. the humans' own agreement (Krippendorff's alpha, one rater vs the rest);
  2. VADER per domain (nothing fitted, so every number is out-of-sample);
  3. both methods on any set found there that the hybrid model was not trained on (the paper's
     ``nytEditorialSnippets_GroundTruth.txt`` news set, if a copy is placed in the folder);
  4. the hybrid method under leave-one-domain-out: refitted on two training sets with the committed
     ridge penalty, scored on the third (honest transfer estimate);
and, with ``--rated FILE``, both methods (the committed hybrid model as shipped) on a human-rated
file that played no part in training, e.g. the team's news sentences. Goal for the best method on
news: Pearson r >= 0.58 (VADER alone is about 0.50).

    .venv/bin/python benchmarks/sentiment_benchmark.py
    .venv/bin/python benchmarks/sentiment_benchmark.py --rated news.csv --text sentence --rating mean --scale -4 4

Embeddings of the 18.5k rated sentences are cached (``--cache-dir``); the first run takes minutes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.config import get_settings  # noqa: E402
from analysis.measures.tone import embed_texts, load_tone_model, score_texts, tone_features, vader_scores  # noqa: E402
from analysis.validate.tone_validation import (  # noqa: E402
    HOW_TO_GET_RATINGS,
    TRAINING_SETS,
    VADER_SETS,
    evaluate_method,
    leave_one_domain_out,
    load_rated_file,
    load_vader_ground_truth,
    rater_reliability,
)

GOAL = 0.58


def _show(title: str, table: pd.DataFrame) -> None:
    print(f"\n== {title}")
    wide = table.pivot_table(index=[c for c in ("method", "domain") if c in table], columns="metric",
                             values="value", sort=False)
    print(wide.round(3).to_string())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ratings", type=Path, default=None, help="folder with the VADER *_GroundTruth.txt files")
    ap.add_argument("--cache-dir", type=Path, default=get_settings().cache_dir / "tone_embeddings")
    ap.add_argument("--rated", type=Path, default=None, help="your own human-rated file (csv/tsv/jsonl/parquet)")
    ap.add_argument("--text", default="text")
    ap.add_argument("--rating", default="rating")
    ap.add_argument("--raters", nargs="*", default=None, help="per-rater column(s), optional")
    ap.add_argument("--scale", type=float, nargs=2, default=(-4.0, 4.0), help="rating scale of --rated")
    ap.add_argument("--skip-lodo", action="store_true", help="skip the (slow, first run) cross-domain refit")
    args = ap.parse_args(argv)

    model = load_tone_model()
    rated = load_vader_ground_truth(args.ratings)
    if rated is None:
        print(f"shared ratings not found: skipping the VADER sets. {HOW_TO_GET_RATINGS}")
    else:
        print(f"ratings: {len(rated)} rows, {int(rated['decode_error'].sum())} with invalid UTF-8")
        _show("human agreement", rater_reliability(rated).assign(method="humans"))
        _show("VADER (no fitting)", evaluate_method(lambda ts: score_texts(ts, method="vader"), rated, name="vader"))
        unseen = rated[~rated["domain"].isin([VADER_SETS[s] for s in TRAINING_SETS])]
        if len(unseen):
            frames = [evaluate_method(lambda ts, m=m: score_texts(ts, method=m), unseen, name=m)
                      for m in ("vader", "hybrid")]
            _show("sets the hybrid model was NOT trained on (e.g. news): committed model as shipped", pd.concat(frames))
        if not args.skip_lodo:
            train = rated[rated["domain"].isin([VADER_SETS[s] for s in TRAINING_SETS])]
            groups = [g for _, g in train.groupby("domain", sort=False)]
            rated = pd.concat(groups, ignore_index=True)
            emb = np.vstack([embed_texts(g["text"].tolist(), cache_dir=args.cache_dir) for g in groups])
            X = tone_features(rated["text"], embeddings=emb, vader=vader_scores(rated["text"].tolist()),
                              vader_features=model.vader_features)
            lodo = leave_one_domain_out(rated, X, alpha=model.alpha, name="hybrid (held-out domain)")
            _show(f"hybrid, leave-one-domain-out (alpha={model.alpha:g})", lodo)
            mean_r = lodo[(lodo.domain == "mean") & (lodo.metric == "pearson_r")]["value"].iloc[0]
            print(f"\nmean held-out Pearson r = {mean_r:.3f} (goal on unseen news: >= {GOAL})")
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


if __name__ == "__main__":
    raise SystemExit(main())
