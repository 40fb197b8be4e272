"""Saving figures to the one output folder, with a consistent look.

>>> import matplotlib; matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt, tempfile, pathlib
>>> fig, ax = plt.subplots(); _ = ax.plot([0, 1])
>>> p = save_figure(fig, "demo", out_dir=pathlib.Path(tempfile.mkdtemp()))
>>> p.suffix, p.stat().st_size > 0
('.png', True)
"""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt

from analysis.config import get_settings

#: One palette per outlet name, so an outlet has the same colour in every notebook.
PALETTE = "colorblind"


def set_style() -> None:
    """Seaborn theme used by every notebook."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)


def outlet_colors(outlets) -> dict[str, tuple]:
    """Stable colour per outlet (sorted names -> colorblind palette)."""
    import seaborn as sns

    names = sorted({str(o) for o in outlets})
    return dict(zip(names, sns.color_palette(PALETTE, max(len(names), 1))))


def save_figure(fig, name: str, *, out_dir: str | Path | None = None, dpi: int = 150) -> Path:
    """Write ``fig`` as ``<out_dir>/<name>.png`` and return the path.

    ``out_dir`` defaults to the settings' figures folder. Names are slugified so they are safe file
    names; the notebook prefix convention is ``NN_description`` (e.g. ``01_lines_removed_by_rule``).
    """
    out = Path(out_dir) if out_dir is not None else get_settings().figures_dir
    out.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    path = out / f"{slug}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path
