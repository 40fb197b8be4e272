"""Print the foundation's measured numbers: cold vs cached parse of the seeds, and the cleaning audit.

    .venv/bin/python benchmarks/foundation_numbers.py

Uses a fresh temporary cache so the cold run really parses; timings are wall-clock on this machine.
"""
from __future__ import annotations

import tempfile
import time

import analysis
from analysis.corpus.describe import kept_share


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        t0 = time.perf_counter()
        cold = analysis.build_corpus(cache_dir=cache, progress=False)
        t_cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = analysis.build_corpus(cache_dir=cache, progress=False)
        t_warm = time.perf_counter() - t0
    print(f"cold build_corpus: {t_cold:.2f} s (parse step {cold.parse_stats.seconds:.2f} s, "
          f"{cold.parse_stats.n_parsed} documents parsed, model load included)")
    print(f"cached build_corpus: {t_warm:.2f} s (parse step {warm.parse_stats.seconds:.2f} s, "
          f"{warm.parse_stats.n_parsed} documents parsed, {warm.parse_stats.n_cached} from cache)")
    audit = cold.audit
    print(f"audit rows {len(audit)} = raw lines {sum(len(t.replace(chr(13) + chr(10), chr(10)).split(chr(10))) for t in cold.documents.raw_text)}")
    print(kept_share(audit).to_string())


if __name__ == "__main__":
    main()
