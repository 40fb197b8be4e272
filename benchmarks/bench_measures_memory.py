"""Peak memory (PSS) of the measures stage at 1k/10k/50k documents, next to the 2 GB goal (issue 18).

    .venv/bin/python benchmarks/bench_measures_memory.py --docs 1000 10000
    .venv/bin/python benchmarks/bench_measures_memory.py --docs 50000 --workdir /tmp/mm   # parses 50k once (long)
    .venv/bin/python benchmarks/bench_measures_memory.py --docs 10000 --per-measure       # one process per measure
    .venv/bin/python benchmarks/bench_measures_memory.py --docs 1000 10000 50000 --base 10000 --workdir /tmp/mm

The measures are those of ``bench_growth.py``'s third stage (``benchmarks/measures.py`` ``TABLE_MEASURES``):
VADER sentence tone, actor mentions, the sentence x term matrix of the topic models
(``topics.document_term_matrix``, from the token columns the store's topic measures read), term counts per outlet with their log-odds scores, and framing-term hits with
their rates per outlet. No embedding model (the ``hybrid`` tone and the target-dependent tone would take hours
at 50k documents on two cores) and no topic-model fits. ``--path store`` (default) computes them as the
notebooks do, through :class:`analysis.measures.registry.MeasureStore` (``sentence_tone`` with
``methods=["vader"]``, ``actor_mentions``, ``term_counts``, ``framing_term_hits`` and ``framing_term_rates``;
the matrix and the log-odds are computed from the corpus and the stored counts as in ``measures.py``), with a
fresh measures cache each time; ``--path direct`` calls the functions of ``measures.py`` on the corpus
tables, as ``bench_growth.py`` did until 2026-12-07.

The synthetic corpus (``_common.corpus``) is written to Parquet and parsed once per size into ``--workdir``
(reused by later runs; a temporary folder by default), each in its own process. With ``--base N`` only the
N-document corpus is parsed: a smaller size is its first documents, a larger one the N documents repeated
under renamed outlets and ids (each copy a document of its own for cleaning and every measure, sharing its
text's parse), for a machine where parsing 50,000 documents does not fit in the time available. The measured process then
does what a session does: a cached ``analysis.build_corpus`` (nothing is parsed) and the measures. Peak memory
is the PSS of that process and its children, sampled every ``--interval`` s (``_common.PeakRSS``). After the
stage, the whole token table is read (``corpus.tokens``, as a notebook that uses it holds it) and its size
printed apart: it is not part of the stage's peak.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL_MB = 2048


def _story():
    from analysis.story import SEEDS_STORY, load_story

    return load_story(SEEDS_STORY)  # the synthetic corpora recombine the seed sentences


def store_measures(corpus, cache_dir: Path) -> dict:
    """``name -> function()`` computing the benchmark's measures through the measure store."""
    from analysis.measures.distinctive import log_odds_dirichlet
    from analysis.measures.registry import MeasureStore
    from analysis.measures.topics import document_term_matrix

    store = MeasureStore(corpus, _story(), cache_dir=cache_dir)
    return {
        "sentence_tone(vader)": lambda: store.get("sentence_tone", methods=["vader"]),
        "actor_mentions": lambda: store.get("actor_mentions"),
        "document_term_matrix": lambda: document_term_matrix(_topic_tokens(corpus), sentences=corpus.sentences),
        "term_counts+log_odds_dirichlet": lambda: log_odds_dirichlet(store.get("term_counts")),
        "framing_term_hits+framing_term_rates": lambda: store.get("framing_term_rates"),
        "coverage": lambda: store.get("coverage"),
    }


def _topic_tokens(corpus):
    """The token columns the store's topic measures read, as they read them: batch by batch
    (``Corpus.token_batches``) where the code has that, else those columns of the whole table
    (``Corpus.with_token_columns``), else the whole table (the old code, run for comparison)."""
    from analysis.measures import cache, registry

    cols = getattr(registry, "TOKEN_COLUMNS", {}).get("topic_selection")
    if cols and hasattr(corpus, "token_batches"):
        return corpus.token_batches(cols, max_chars=cache.BATCH_CHARS)
    return corpus.with_token_columns(cols).tokens if cols and hasattr(corpus, "with_token_columns") else corpus.tokens


def direct_measures(corpus, cache_dir: Path) -> dict:
    from measures import TABLE_MEASURES

    return {name: (lambda f=f: f(corpus)) for name, f in TABLE_MEASURES.items()}


def derive(n_docs: int, base: int, workdir: Path) -> dict:
    """The ``n_docs`` corpus made from the parsed ``base`` corpus without parsing: its first ``n_docs``
    documents, or (``n_docs > base``) the base corpus repeated under renamed outlets (``"<outlet> (copy k)"``)
    and document ids: every copy is a document of its own for cleaning and the measures (other outlets, so
    not a duplicate), and shares its text's parse with the original."""
    import pandas as pd

    folder, src = workdir / f"c{n_docs}-of-{base}", workdir / f"c{base}"
    info_file = folder / "prepared.json"
    if info_file.exists():
        return json.loads(info_file.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    df = pd.read_parquet(src / "corpus.parquet")
    if n_docs <= base:
        out = df.head(n_docs)
    else:
        copies = [df]
        for k in range(1, -(-n_docs // base)):
            copies.append(df.assign(doc_id=df["doc_id"].astype(str) + f"-copy{k}",
                                    outlet=df["outlet"].astype(str) + f" (copy {k})"))
        out = pd.concat(copies, ignore_index=True).head(n_docs)
    out.to_parquet(folder / "corpus.parquet", index=False)
    if not (folder / "cache").exists():
        (folder / "cache").symlink_to(src / "cache", target_is_directory=True)
    info = {"words": int(sum(len(str(t).split()) for t in out["text"])), "parse_s": 0.0,
            "distinct_texts": int(out["text"].nunique()), "base": base}
    info_file.write_text(json.dumps(info))
    return info


def prepare(n_docs: int, workdir: Path) -> dict:
    """Write and parse the ``n_docs`` corpus under ``workdir/c<n>`` unless done; ``{"words": ..., "parse_s": ...}``."""
    folder = workdir / f"c{n_docs}"
    info_file = folder / "prepared.json"
    if info_file.exists():
        return json.loads(info_file.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    code = ("import sys; sys.path.insert(0, {here!r}); from _common import corpus, n_words; "
            "df = corpus({n}); df.to_parquet({path!r}, index=False); print(n_words(df.text))")
    made = subprocess.run([sys.executable, "-c", code.format(here=str(HERE), n=n_docs, path=str(folder / "corpus.parquet"))],
                          capture_output=True, text=True, check=True, cwd=HERE)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "bench_measures_memory.py"), "--parse", str(folder)], check=True, cwd=HERE)
    info = {"words": int(made.stdout.split()[-1]), "parse_s": time.perf_counter() - t0}
    info_file.write_text(json.dumps(info))
    return info


def parse(folder: Path) -> None:
    import analysis

    analysis.build_corpus(folder / "corpus.parquet", cache_dir=folder / "cache", progress=False)


def child(folder: Path, *, path: str, only: str | None, interval: float) -> dict:
    """Cached ``build_corpus`` + the measures, in this (fresh) process; peak PSS overall and per measure."""
    from _common import PeakRSS

    import analysis
    from analysis.corpus.shards import release_free_memory

    cache = folder / "cache"
    fresh = folder / f"measures-{os.getpid()}"   # a fresh measures cache: every measure is computed
    out: dict = {"path": path}
    try:
        with PeakRSS(interval=interval) as total:
            t0 = time.perf_counter()
            c = analysis.build_corpus(folder / "corpus.parquet", cache_dir=cache, progress=False)
            out["build_s"] = time.perf_counter() - t0
            out["reparsed"] = c.parse_stats.n_parsed
            release_free_memory()
            out["after_build"] = total._sample()[0]
            funcs = (store_measures if path == "store" else direct_measures)(c, fresh)
            per = {}
            for name, f in funcs.items():
                if only and name != only:
                    continue
                base = total._sample()[0]
                with PeakRSS(interval=interval) as m:
                    t1 = time.perf_counter()
                    f()
                    secs = time.perf_counter() - t1
                per[name] = {"s": secs, "before": base, "peak": m.peak, "after": m._sample()[0]}
            out["measures_s"] = time.perf_counter() - t0 - out["build_s"]
        out["peak"], out["peak_rss"] = total.peak, total.peak_rss
        out["per_measure"] = per
        out["tables_loaded"] = {n: getattr(c, f"_{n}") is not None for n in ("sentences", "tokens", "entities")}
        if not only:   # then the whole token table, as a notebook that reads ``corpus.tokens`` holds it
            base = total._sample()[0]
            with PeakRSS(interval=interval) as m:
                tokens = c.tokens
            out["tokens_table"] = {"rows": len(tokens), "bytes": int(tokens.memory_usage(deep=True).sum()),
                                   "before": base, "peak": m.peak, "after": m._sample()[0]}
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return out


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workdir", type=Path, default=None, help="where corpora and their parse caches are kept")
    ap.add_argument("--base", type=int, default=None,
                    help="parse only a corpus of this many documents; other sizes are its first documents or "
                         "copies of it under renamed outlets (nothing more to parse; default: every size parsed)")
    ap.add_argument("--path", choices=("store", "direct"), default="store")
    ap.add_argument("--per-measure", action="store_true", help="each measure in its own fresh process")
    ap.add_argument("--interval", type=float, default=0.5, help="PSS sampling interval (s)")
    ap.add_argument("--parse", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--only", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.parse:
        parse(args.parse)
        return []
    if args.child:
        print("RESULT " + json.dumps(child(args.child, path=args.path, only=args.only, interval=args.interval)))
        return []
    from _common import machine

    print(f"# bench_measures_memory: {args.docs} documents, path={args.path}, per-measure={args.per_measure}; "
          f"{machine()}", flush=True)
    tmp = None
    workdir = args.workdir
    if workdir is None:
        tmp = tempfile.TemporaryDirectory()
        workdir = Path(tmp.name)
    rows = []
    try:
        for n in args.docs:
            if args.base is None or n == args.base:
                info, folder = prepare(n, workdir), workdir / f"c{n}"
            else:
                prepare(args.base, workdir)
                info, folder = derive(n, args.base, workdir), workdir / f"c{n}-of-{args.base}"
            if args.per_measure:
                names = list((store_measures if args.path == "store" else direct_measures)(None, workdir))
            else:
                names = [None]
            # a cached build_corpus in a process of its own first, so that the measured one reads the cleaning
            # cache too (a derived corpus's renamed copies, or a code version whose cleaning cache is cold,
            # would otherwise be cleaned inside the measured process)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "bench_measures_memory.py"), "--parse", str(folder)], check=True,
                           cwd=HERE)
            print(f"  {n:>6} docs: warm-up build_corpus (cleaning cache) {time.perf_counter() - t0:.1f} s", flush=True)
            for only in names:
                cmd = [sys.executable, str(HERE / "bench_measures_memory.py"), "--child", str(folder),
                       "--path", args.path, "--interval", str(args.interval)] + (["--only", only] if only else [])
                proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE)
                line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
                if proc.returncode or not line:
                    print(f"size {n} {only or ''} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}", flush=True)
                    continue
                r = {**json.loads(line[0][7:]), "docs": n, "words": info["words"]}
                rows.append(r)
                peak = r["peak"] / 2**20
                made = (f" ({info['distinct_texts']:,} distinct texts: the {args.base:,}-document corpus "
                        f"{'cut' if n < args.base else 'repeated under renamed outlets'})" if "base" in info else "")
                print(f"  {n:>6} docs {info['words']:>11,} words{made}{'  [' + only + ']' if only else ''}: measures-stage peak "
                      f"PSS {peak:,.0f} MB (goal <= {GOAL_MB:,} MB: {'met' if peak <= GOAL_MB else 'NOT met'}); after the "
                      f"cached build_corpus {r['after_build'] / 2**20:,.0f} MB; build {r['build_s']:.1f} s, measures "
                      f"{r['measures_s']:.1f} s; re-parsed {r['reparsed']}; tables held at the end: "
                      f"{[k for k, v in r['tables_loaded'].items() if v]}", flush=True)
                if "tokens_table" in r:
                    t = r["tokens_table"]
                    print(f"      then the whole token table ({t['rows']:,} rows, {t['bytes'] / 2**20:,.0f} MB in pandas): "
                          f"PSS {t['before'] / 2**20:,.0f} -> {t['after'] / 2**20:,.0f} MB (peak {t['peak'] / 2**20:,.0f})",
                          flush=True)
                for name, m in r["per_measure"].items():
                    print(f"      {name:40s} {m['s']:7.1f} s  peak {m['peak'] / 2**20:7,.0f} MB  "
                          f"(+{(m['peak'] - m['before']) / 2**20:6,.0f} over the {m['before'] / 2**20:,.0f} MB before it; "
                          f"{m['after'] / 2**20:,.0f} MB after)", flush=True)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return rows


if __name__ == "__main__":
    main()
