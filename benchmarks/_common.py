"""Shared helpers for the benchmark scripts: synthetic corpora, wall-clock timing, peak memory sampling."""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402


def corpus(n_docs: int, *, seed: int = 42) -> pd.DataFrame:
    """The synthetic corpus of ``n_docs`` documents (seed sentences recombined; every text unique)."""
    from analysis.corpus.synthetic import synthetic_corpus

    return synthetic_corpus(n_docs, seed=seed)


def n_words(texts) -> int:
    return int(sum(len(str(t).split()) for t in texts))


def machine() -> str:
    import platform

    try:
        load = os.getloadavg()
        load_s = f", load average at start {load[0]:.1f}"
    except OSError:
        load_s = ""
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores{load_s}, Python {platform.python_version()}"


class PeakRSS:
    """Samples the memory of this process plus its children every ``interval`` s.

    ``peak``: the largest summed PSS (proportional set size: a page shared by k processes counts 1/k in
    each), i.e. the memory the process tree really occupies; forked workers share pages with the process
    they were forked from (the parent, or the fork server), which a sum of RSS would count once per process.
    ``peak_rss``: the largest summed RSS, kept for comparison with older runs. ``peak_main`` /
    ``peak_worker``: the largest PSS of this process / of any one child process (workers, and the fork server
    and multiprocessing's resource tracker when running). Falls back to RSS where PSS is unavailable.
    """

    def __init__(self, interval: float = 1.0):
        import psutil

        self.proc, self.interval = psutil.Process(), interval
        self.peak = self.peak_rss = self.peak_main = self.peak_worker = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def _one(p) -> tuple[int, int]:
        try:
            full = p.memory_full_info()
            return getattr(full, "pss", full.rss), full.rss
        except Exception:
            try:
                rss = p.memory_info().rss
                return rss, rss
            except Exception:
                return 0, 0

    def _sample(self) -> tuple[int, int]:
        pss = rss = 0
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except Exception:
            procs = [self.proc]
        for i, p in enumerate(procs):
            a, b = self._one(p)
            pss, rss = pss + a, rss + b
            if i == 0:
                self.peak_main = max(self.peak_main, a)
            else:
                self.peak_worker = max(self.peak_worker, a)   # the largest single worker process
        return pss, rss

    def _update(self) -> None:
        pss, rss = self._sample()
        self.peak, self.peak_rss = max(self.peak, pss), max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._update()
            time.sleep(self.interval)

    def __enter__(self) -> "PeakRSS":
        self.baseline, self.baseline_rss = self._sample()
        self.peak, self.peak_rss = self.baseline, self.baseline_rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._update()


@contextmanager
def timed(store: dict, name: str):
    t0 = time.perf_counter()
    yield
    store[name] = time.perf_counter() - t0


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"
