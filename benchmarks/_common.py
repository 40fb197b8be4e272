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
    from analysis.synthetic import synthetic_corpus

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
    """Samples the resident memory of this process plus its children every ``interval`` s."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self.proc, self.interval = psutil.Process(), interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _rss(self) -> int:
        total = 0
        try:
            total = self.proc.memory_info().rss
            for c in self.proc.children(recursive=True):
                try:
                    total += c.memory_info().rss
                except Exception:
                    pass
        except Exception:
            pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.interval)

    def __enter__(self) -> "PeakRSS":
        self.baseline = self._rss()
        self.peak = self.baseline
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self.peak = max(self.peak, self._rss())


@contextmanager
def timed(store: dict, name: str):
    t0 = time.perf_counter()
    yield
    store[name] = time.perf_counter() - t0


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"
