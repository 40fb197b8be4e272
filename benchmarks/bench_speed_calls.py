"""CPU seconds of the notebook calls issue 18 sped up, for two versions of the code in one session (A/B).

    .venv/bin/python benchmarks/bench_speed_calls.py --corpus DIR/articles.csv --story DIR/story.yaml \\
        --before /path/to/old/checkout [--after .] [--rounds 2] [--cache-dir CACHE]

Each round runs one fresh process per version (``PYTHONPATH`` = that checkout), alternating the order, on the
same corpus and measure cache (``--cache-dir``; the stored measures are computed by the first process that
needs them, outside the timings). Printed per call: the median CPU seconds of each version and their ratio.
CPU time (``time.process_time``) rather than wall time, because the machine is shared: it counts the work,
not the waiting. The calls (``--corpus``: a corpus with outlets of five or more articles, e.g. the realistic
corpus of ``realistic_corpus.py``):

* notebook 02: ``outlet_topic_shares`` with article and sentence intervals;
* notebook 03: ``outlet_tone``, ``document_tone``, ``actor_outlet_tone`` (the bootstrap);
* notebook 04: ``outlet_frame_profile``;
* notebooks 04 and 06: ``synthesize`` on stored measures (warm: the measures are read, not computed),
  and the synthesis's ``outlet_differences`` then ``clear_differences``;
* ``topics.model_selection``: the corpus's topic plan (``topic_plan``) with ``n_jobs=1`` and the default.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = r'''
import json, sys, time
import analysis
from analysis.measures import tone as S, frames as framing, topics
from analysis.measures.registry import topic_model_from_table, topic_plan
from analysis.compare import synthesis
from analysis.compare.stats import interval_policy
study = analysis.open_study(sys.argv[1], story=sys.argv[2], progress=False)
data = study.corpus
tone = study.measure("sentence_tone")
mentions = study.measure("actor_mentions")
policy = interval_policy(data.documents)
groups = mentions.loc[mentions["method"] == "alias", "group"].value_counts().head(8).index.tolist()
at = S.actor_tone(tone, mentions, level="group", actors=groups)
sv = framing.load_codebook("semetko_valkenburg")
coded = study.measure("frame_codes", codebook=sv)
nmf = topic_model_from_table(study.measure("topic_model", seed=42), seed=42)
synthesis.synthesize(study, seed=42, progress=False)            # every measure it reads is stored now
dtm = topics.document_term_matrix(data.tokens, sentences=data.sentences,
                                  options=topics.VocabOptions(min_df=2, max_df=0.3), strict=False)
plan = topic_plan(len(data.sentences))
grid = dict(ks=plan["ks"], methods=plan["methods"], seeds=plan["seeds"])
def differences():
    s = synthesis.synthesize(study, seed=42, progress=False)
    c0 = time.process_time()
    s.outlet_differences(); s.clear_differences()
    return time.process_time() - c0
def serial_grid():
    try:
        return topics.model_selection(dtm, **grid, n_jobs=1)
    except TypeError:   # a version without n_jobs: serial anyway
        return topics.model_selection(dtm, **grid)
calls = {
    "02 outlet_topic_shares (articles and sentences)": lambda: (
        topics.outlet_topic_shares(nmf, cluster="doc_id", n_boot=2000, seed=42),
        topics.outlet_topic_shares(nmf, cluster=None, n_boot=2000, seed=42)),
    "03 outlet_tone": lambda: S.outlet_tone(tone, policy=policy, seed=42),
    "03 document_tone": lambda: S.document_tone(tone, seed=42),
    "03 actor_outlet_tone": lambda: S.actor_outlet_tone(at, policy=policy, seed=42),
    "04 outlet_frame_profile": lambda: framing.outlet_frame_profile(data, sv, coded=coded, seed=42),
    "04/06 synthesize on stored measures": lambda: synthesis.synthesize(study, seed=42, progress=False),
    "06 outlet_differences + clear_differences": differences,
    "topic selection, one process (CPU of this process)": serial_grid,
}
out = {}
for name, f in calls.items():
    c0 = time.process_time()
    r = f()
    out[name] = r if isinstance(r, float) else time.process_time() - c0
t0 = time.perf_counter()
topics.model_selection(dtm, **grid)
out["topic selection, default workers (wall s)"] = time.perf_counter() - t0
out["topic selection, one process (wall s)"] = None
t0 = time.perf_counter()
serial_grid()
out["topic selection, one process (wall s)"] = time.perf_counter() - t0
print("RESULT " + json.dumps({"calls": out, "grid": {k: list(v) for k, v in grid.items()},
                              "dtm": list(dtm.X.shape), "nnz": int(dtm.X.nnz)}), flush=True)
'''


def run(code: Path, corpus: str, story: str, cache: str | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    if cache:
        env["ANALYSIS_CACHE_DIR"] = cache
    proc = subprocess.run([sys.executable, "-c", CHILD, corpus, story], cwd=code, env=env, capture_output=True,
                          text=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"{code}: no result (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(line[7:])


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--story", required=True)
    ap.add_argument("--after", type=Path, default=ROOT)
    ap.add_argument("--before", type=Path, default=None, help="another checkout to compare with")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--cache-dir", default=None, help="ANALYSIS_CACHE_DIR for both (default: the setting)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from _common import machine

    versions = {"after": args.after.resolve(), **({"before": args.before.resolve()} if args.before else {})}
    print(f"# bench_speed_calls: {args.corpus}; {machine()}", flush=True)
    for name, path in versions.items():
        print(f"#   {name}: {path}", flush=True)
    res: dict[str, list[dict]] = {k: [] for k in versions}
    for r in range(args.rounds):
        order = list(versions) if r % 2 else list(versions)[::-1]
        for name in order:
            t0 = time.perf_counter()
            res[name].append(run(versions[name], args.corpus, args.story, args.cache_dir))
            print(f"  round {r + 1}: {name} done in {time.perf_counter() - t0:.0f} s (load {os.getloadavg()[0]:.1f})",
                  flush=True)
    first = res["after"][0]
    print(f"# topic plan {first['grid']}; matrix {first['dtm']} with {first['nnz']:,} non-zeros")
    names = list(first["calls"])
    print(f"\n{'call (CPU s, median of rounds)':58s} {'before':>8s} {'after':>8s} {'ratio':>7s}")
    summary = {}
    for n in names:
        med = {k: statistics.median(x["calls"][n] for x in v if x["calls"].get(n) is not None) for k, v in res.items()}
        ratio = med["before"] / med["after"] if "before" in med and med["after"] else None
        summary[n] = {**med, "ratio": ratio}
        print(f"{n:58s} {med.get('before', float('nan')):8.2f} {med['after']:8.2f} "
              f"{(f'{ratio:6.1f}x' if ratio else '   -  ')}")
    return summary


if __name__ == "__main__":
    main()
