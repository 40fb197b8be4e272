"""Shared fixtures: the seed corpus is built once per test session."""
from __future__ import annotations

import json

import matplotlib
import pytest

matplotlib.use("Agg")


def headless_chromium(*, capabilities: dict | None = None, init_script: str | None = None):
    """A headless Chromium driver for the browser tests (a generator: use it as a module fixture's body).

    Skips when chromium/chromedriver are missing, fails in CI (``make test`` installs them).
    ``capabilities`` are set on the options; ``init_script`` runs in every page before its own scripts.
    """
    import os
    import shutil
    import tempfile

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are required in CI (make test installs them)")
        pytest.skip("chromium/chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                 f"--user-data-dir={profile}", "--window-size=1280,900"):
        opts.add_argument(flag)
    for name, value in (capabilities or {}).items():
        opts.set_capability(name, value)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=opts)
    if init_script:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": init_script})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def seed_corpus():
    import analysis

    return analysis.build_corpus(progress=False)


@pytest.fixture(scope="session")
def executed_outputs(tmp_path_factory, worker_id):
    """Every notebook executed once on the seeds (shared by the notebook and report tests).

    Under pytest-xdist each worker has its own session, so the first worker to get here runs the
    notebooks into a folder shared by the workers while holding a file lock, and the others wait and
    reuse its output: the notebooks run once per test run, not once per worker. (xdist's
    ``--dist loadgroup`` would do this by scheduling, but with pytest 9.2 and xdist 3.8 it does not group.)
    Treat the folder as read-only; a test that writes derived files copies what it needs first.
    """
    from filelock import FileLock

    from analysis.run.notebooks import run_all

    if worker_id == "master":  # not under xdist
        out = tmp_path_factory.mktemp("outputs")
        return out, run_all(output_dir=out, force=True)
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of this run
    out, done = shared / "executed_outputs", shared / "executed_outputs.json"
    with FileLock(str(done) + ".lock"):
        if not done.exists():
            done.write_text(json.dumps(run_all(output_dir=out, force=True)))
        return out, json.loads(done.read_text())
