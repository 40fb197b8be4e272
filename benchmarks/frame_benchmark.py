"""Benchmark (not a test): frame detection against human codes on the Narrative Frames Corpus.

Prints per-frame F1 for
  * the always-yes floor (predict every frame present),
  * the Semetko & Valkenburg codebook indicators (``analysis.measures.frames``) with the fixed default
    presence rule (two firing sentences) and with the *learned* per-frame presence rule
    (``learn_presence_rule``: the rule is chosen inside each training fold and scored on the held-out
    fold; ``--repeats`` fold seeds give the spread),
  * a plain TF-IDF logistic regression (no class weights, threshold 0.5), the reference baseline,
  * the supervised frame classifier (``analysis.validate.frame_classifier``) under K-fold cross-validation:
    articles in each test fold were never seen in training, calibration or threshold tuning; with the
    thresholds each fold tuned and the final model's threshold next to them.

Labels: the articles table's booleans (RE, HI, CO, MO, EC: the authors' adjudicated labels); the
coders' majority (``majority_labels``) is printed as a sensitivity check. See docs/validation_frames.md.

Run from the project root (ANALYSIS_VALIDATION_DIR must point at the shared validation folder):
    .venv/bin/python benchmarks/frame_benchmark.py --repeats 10                    # everything
    .venv/bin/python benchmarks/frame_benchmark.py --repeats 10 --write-codebook   # + store the learned rule
    .venv/bin/python benchmarks/frame_benchmark.py --no-indicators --variants tfidf+embedding --inner-cv 2,3
Data: the shared copy of Frermann et al. (2023), see analysis.validate.narrative_frames.CITATION.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.validate.frame_classifier import (  # noqa: E402
    cross_validate_frames,
    threshold_report,
    train_frame_classifier,
)
from analysis.validate.narrative_frames import (  # noqa: E402
    CITATION,
    build_narrative_corpus,
    frame_mapping,
    load_narrative_frames,
    majority_labels,
)
from analysis.validate.reliability import binary_scores  # noqa: E402

VARIANTS = {"tfidf": ("tfidf",), "embedding": ("embedding",), "tfidf+embedding": ("tfidf", "embedding")}
CODEBOOK = "semetko_valkenburg"
LABELS = ("articles_train.tsv booleans RE, HI, CO, MO, EC (the authors' adjudicated labels); "
          "RE stands in for responsibility (caveat in analysis/data/narrative_frames.yaml)")


def plain_tfidf_baseline(docs: pd.DataFrame, labels: pd.DataFrame, *, n_splits: int, seed: int) -> pd.Series:
    """Per-frame F1 of an unweighted TF-IDF logistic regression (threshold 0.5), same folds."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    wide = labels.pivot(index="doc_id", columns="frame", values="present").reindex(docs.doc_id)
    out = {}
    for f in sorted(wide.columns):
        keep = wide[f].notna().to_numpy()
        y = wide[f][keep].astype(bool).to_numpy()
        model = make_pipeline(TfidfVectorizer(sublinear_tf=True), LogisticRegression(max_iter=2000))
        pred = cross_val_predict(model, docs.text[keep].to_numpy(), y,
                                 cv=KFold(n_splits, shuffle=True, random_state=seed))
        out[f] = f1_score(y, pred, zero_division=0)
    return pd.Series(out)


def indicator_tables(nf, docs: pd.DataFrame):
    """Sentence codes and per-article counts of the codebook on the labelled articles (no presence rule)."""
    from analysis.measures.frames import code_sentences, document_frames
    from analysis.story import discover_story

    corpus = build_narrative_corpus(nf, doc_ids=docs.doc_id)
    # not the seeds' story: the actors (for the role conditions) are discovered from this corpus,
    # as in notebook 05
    actors = discover_story(corpus, name="narrative_frames", n_actors=100).actors
    coded = code_sentences(corpus, CODEBOOK, actor_table=actors)
    counts = document_frames(corpus, CODEBOOK, coded=coded, min_sentences=2, min_share=0.0, min_questions=1)
    return coded, counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--variants", default="tfidf+embedding",
                    help=f"comma-separated classifier feature sets from {sorted(VARIANTS)}")
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--inner-cv", default="3", help="comma-separated inner fold counts to compare, e.g. 2,3")
    ap.add_argument("--repeats", type=int, default=1,
                    help="fold seeds (seed, seed+1, ...) for the presence-rule CV and each classifier CV")
    ap.add_argument("--no-indicators", action="store_true", help="skip the codebook indicators (needs a parse)")
    ap.add_argument("--no-classifier", action="store_true", help="skip the classifier")
    ap.add_argument("--no-baseline", action="store_true", help="skip the plain TF-IDF baseline")
    ap.add_argument("--final-model", action="store_true",
                    help="also train the final classifier on every article and compare its thresholds with CV")
    ap.add_argument("--write-codebook", action="store_true",
                    help=f"store the learned presence rule and its CV figures in analysis/codebooks/{CODEBOOK}.yaml")
    ap.add_argument("--embedding-unit", choices=("sentences", "chunks"), default="sentences",
                    help="the classifier's article embedding: mean of its parsed sentences' vectors (as notebook 05) "
                         "or of its 150-word chunks' (a doc_id/text table)")
    ap.add_argument("--path", default=None, help="narrative_frames folder (default: shared validation data)")
    args = ap.parse_args(argv)

    nf = load_narrative_frames(args.path)
    labelled = set(nf.labels.doc_id)
    docs = nf.articles[nf.articles.doc_id.isin(labelled)][["doc_id", "text"]].reset_index(drop=True)
    print(f"Narrative Frames: {len(nf.articles)} articles, {len(docs)} with labels; "
          f"{args.folds}-fold CV, seed {args.seed}, {args.repeats} fold seed(s)")
    print("Load issues:", nf.issues.groupby("kind")["count"].sum().to_dict())
    maj = majority_labels(nf)
    prev = pd.DataFrame({"articles table": nf.labels.groupby("frame").present.mean(),
                         "coders' majority": maj[maj.doc_id.isin(labelled)].groupby("frame").present.mean()})
    print("\nPrevalence by label definition:\n" + prev.round(3).to_string())
    table = {}
    p = nf.labels.groupby("frame").present.mean()
    table["always_yes"] = 2 * p / (1 + p)

    if not args.no_indicators:
        from analysis.measures.frames import (CODEBOOK_DIR, learn_presence_rule, presence_block,
                                              write_presence_block)

        t = time.time()
        coded, counts = indicator_tables(nf, docs)
        fixed = binary_scores(counts, nf.labels).set_index("frame")
        table["indicators[2 sentences]"] = fixed["f1"]
        print(f"\nCodebook indicators, fixed rule (2 sentences, 1 question), in-sample ({time.time() - t:.0f}s "
              "incl. parsing):")
        print(fixed[["n", "prevalence_gold", "prevalence_pred", "precision", "recall", "f1", "always_yes_f1"]]
              .round(3).to_string())
        res = learn_presence_rule(counts, nf.labels, n_splits=args.folds, repeats=args.repeats, seed=args.seed)
        table["indicators[learned rule, CV]"] = res.scores.set_index("frame")["f1"]
        print(f"\nCodebook indicators, presence rule learned inside each training fold ({args.folds}-fold, "
              f"{args.repeats} fold seed(s)): macro-F1 {res.macro_f1:.3f} (sd over fold seeds "
              f"{res.macro_f1_sd:.3f}; always-yes {res.scores.always_yes_f1.mean():.3f})")
        print(res.scores.round(3).to_string(index=False))
        print("Rule chosen on all articles:\n" + res.rules.round(3).to_string(index=False))
        mres = learn_presence_rule(counts, maj[["doc_id", "frame", "present"]], n_splits=args.folds,
                                   repeats=args.repeats, seed=args.seed)
        print(f"Sensitivity, against the coders' majority instead: macro-F1 {mres.macro_f1:.3f} "
              f"(always-yes {mres.scores.always_yes_f1.mean():.3f})")
        print(mres.scores[["frame", "f1", "always_yes_f1", "prevalence_gold"]].round(3).to_string(index=False))
        if args.write_codebook:
            cmd = ("ANALYSIS_VALIDATION_DIR=<shared validation folder> .venv/bin/python benchmarks/frame_benchmark.py "
                   + " ".join(argv if argv is not None else sys.argv[1:]))
            block = presence_block(res, data=f"Narrative Frames Corpus, train split ({len(docs)} labelled "
                                   "articles of articles_train.tsv; Frermann et al. 2023)",
                                   labels=LABELS, command=cmd, date=dt.date.today().isoformat())
            path = write_presence_block(CODEBOOK_DIR / f"{CODEBOOK}.yaml", block)
            print(f"presence rule written to {path}")

    if not args.no_classifier:
        inputs = build_narrative_corpus(nf, doc_ids=docs.doc_id) if args.embedding_unit == "sentences" else docs
        print(f"\nClassifier article embeddings: mean of the {args.embedding_unit}' vectors")
        if not args.no_baseline:
            t = time.time()
            table["plain_tfidf_lr"] = plain_tfidf_baseline(docs, nf.labels, n_splits=args.folds, seed=args.seed)
            print(f"\nPlain TF-IDF LR baseline: {time.time() - t:.0f}s")
        for v in [v.strip() for v in args.variants.split(",") if v.strip()]:
            for inner in [int(x) for x in args.inner_cv.split(",")]:
                macros, cv0 = [], None
                t = time.time()
                for r in range(args.repeats):
                    cv = cross_validate_frames(inputs, nf.labels, n_splits=args.folds, features=VARIANTS[v],
                                               C=args.C, inner_cv=inner, seed=args.seed + r)
                    macros.append(cv.macro_f1)
                    cv0 = cv0 or cv
                name = f"classifier[{v}, inner {inner}]"
                sc = cv0.scores.set_index("frame")
                table[name] = sc["f1"]
                sd = np.std(macros, ddof=1) if len(macros) > 1 else float("nan")
                print(f"\n{name} ({time.time() - t:.0f}s for {args.repeats} CV run(s)), out-of-fold, seed "
                      f"{args.seed}: macro-F1 {macros[0]:.3f}; over fold seeds mean {np.mean(macros):.3f}, "
                      f"sd {sd:.3f}, min {np.min(macros):.3f}")
                print(sc[["n", "n_positive", "precision", "recall", "f1", "always_yes_f1", "brier",
                          "mean_threshold", "min_threshold", "max_threshold"]].round(3).to_string())
                if args.final_model:
                    clf = train_frame_classifier(inputs, nf.labels, features=VARIANTS[v], C=args.C, inner_cv=inner,
                                                 seed=args.seed)
                    print("Final model's thresholds next to the CV thresholds (seed "
                          f"{args.seed}):\n" + threshold_report(clf, cv0).round(3).to_string(index=False))

    res = pd.DataFrame(table)
    res.loc["MACRO-F1"] = res.mean()
    print("\nPer-frame F1 (rows: frames; 'responsibility' = Frermann et al.'s Resolution, see caveat):")
    print(res.round(3).to_string())
    print("\nCaveat (RE):", frame_mapping().set_index("label").loc["RE", "caveat"])
    print("Data:", CITATION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
