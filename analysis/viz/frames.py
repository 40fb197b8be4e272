"""Frame figures: the outlet x frame profile as a heatmap, and frame shares with their intervals (tables
from :func:`analysis.measures.frames.outlet_frame_profile`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> profile = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "frame": ["conflict", "economic"] * 2,
...     "estimate": [0.5, 0.1, 0.2, 0.4], "ci_low": [0.3, 0.0, 0.2, 0.4], "ci_high": [0.7, 0.2, 0.2, 0.4],
...     "n_units": [10, 10, 5, 5], "n_clusters": [3, 3, 1, 1], "small_n": True, "n_evidence": [5, 1, 1, 2]})
>>> fig = plot_frame_intervals(profile, labels={"conflict": "Conflict", "economic": "Economic"})
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['Conflict', 'Economic']
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.compare.stats import MIN_CELL_N, SMALL_N
from analysis.viz.style import label_with_n, outlet_colors, row_height


def _frame_labels(frames: Sequence[str], codebook=None, labels: dict | None = None) -> dict[str, str]:
    """Frame key -> label: ``labels`` first, then the codebook's labels, then the key in words."""
    known = {k: f.label for k, f in codebook.frames.items()} if codebook is not None else {}
    known.update(labels or {})
    return {k: known.get(k, str(k).replace("_", " ")) for k in frames}


def _frame_order(profile: pd.DataFrame, codebook=None, frames: Sequence[str] | None = None) -> list[str]:
    present = list(dict.fromkeys(profile["frame"]))
    if frames is not None:
        return [f for f in frames if f in present]
    if codebook is not None:
        return [f for f in codebook.frames if f in present]
    return present


def _outlet_labels(outlets, n_docs) -> list[str]:
    if n_docs is None:
        return [str(o) for o in outlets]
    return [label_with_n(o, n_docs[o]) if o in n_docs else str(o) for o in outlets]


def plot_frame_profile(
    profile: pd.DataFrame,
    *,
    codebook=None,
    frames: Sequence[str] | None = None,
    labels: dict | None = None,
    n_docs: pd.Series | None = None,
    annotate: str = "share",
    cmap: str = "Blues",
    title: str | None = None,
    min_n: int = MIN_CELL_N,
):
    """Outlet x frame heatmap of the share of sentences firing each frame.

    Cells read ``27%\\n(4)`` (share and evidence sentences; ``annotate="count"``: the count only). Frames in
    ``frames`` order (default: the codebook's), named by the codebook's labels; ``n_docs`` (outlet ->
    articles) adds the article count to each outlet. The title defaults to the codebook's title.
    A cell whose share rests on fewer than ``min_n`` sentences (``n_units``) is hatched grey and reads
    ``n=2``, with no colour; the legend says so (default :data:`analysis.compare.stats.MIN_CELL_N`).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> p = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "frame": ["c", "e"] * 2, "estimate": [0.5, 0.5, 1.0, 0.0],
    ...                   "n_units": [40, 40, 2, 2], "n_evidence": [20, 20, 2, 0]})
    >>> ax = plot_frame_profile(p).axes[0]
    >>> [t.get_text() for t in ax.texts], ax.get_legend().get_texts()[0].get_text()
    (['50%\\n(20)', '50%\\n(20)', 'n=2', 'n=2'], 'fewer than 10 sentences: too few to show a share')
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    order = _frame_order(profile, codebook, frames)
    names = _frame_labels(order, codebook, labels)
    share = profile.pivot(index="outlet", columns="frame", values="estimate").reindex(columns=order)
    n_ev = profile.pivot(index="outlet", columns="frame", values="n_evidence").reindex(columns=order)
    n_ev = n_ev.fillna(0).astype(int)
    if "n_units" in profile.columns:
        n_units = profile.pivot(index="outlet", columns="frame", values="n_units").reindex(columns=order)
        thin = (n_units.fillna(0) < min_n).to_numpy()
    else:
        n_units, thin = None, np.zeros(share.shape, dtype=bool)
    if annotate == "share":
        annot = share.map(lambda v: f"{v:.0%}") + "\n(" + n_ev.astype(str) + ")"
    elif annotate == "count":
        annot = n_ev.astype(str)
    else:
        raise ValueError(f"annotate must be 'share' or 'count', not {annotate!r}")
    width = max(7.0, 0.85 * len(order) + 3.5)
    fig, ax = plt.subplots(figsize=(width, row_height(len(share), per_row=0.55, base=1.9, minimum=3.0)))
    sns.heatmap(share, annot=annot, fmt="", cmap=cmap, vmin=0, vmax=1 if annotate == "share" else None,
                cbar_kws={"label": "share of sentences"}, ax=ax, annot_kws={"fontsize": 8},
                mask=thin if thin.any() else None)
    if thin.any():
        _hatch_thin_cells(ax, thin, n_units.fillna(0).astype(int).to_numpy(), min_n=min_n, unit="sentences")
    ax.set_xticks(np.arange(len(order)) + 0.5, [names[k] for k in order], rotation=30 if len(order) > 6 else 20,
                  ha="right")
    ax.set_yticks(np.arange(len(share)) + 0.5, _outlet_labels(share.index, n_docs), rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    what = "share of sentences firing each frame\n(evidence sentences in brackets)" if annotate == "share" else \
        "colour = share of sentences, number = evidence sentences"
    head = title if title is not None else (codebook.title if codebook is not None else "Frames")
    ax.set_title(f"{head}: {what}", fontsize=10)
    return fig


THIN_FACE, THIN_EDGE, THIN_HATCH = "0.9", "0.6", "///"


def _hatch_thin_cells(ax, thin: np.ndarray, n: np.ndarray, *, min_n: int, unit: str) -> None:
    """Grey hatched rectangles with ``n=k`` over the ``thin`` cells of a heatmap, and a legend entry."""
    from matplotlib.patches import Patch, Rectangle

    for i, j in zip(*np.nonzero(thin)):
        ax.add_patch(Rectangle((j, i), 1, 1, facecolor=THIN_FACE, edgecolor=THIN_EDGE, hatch=THIN_HATCH, lw=0))
        ax.text(j + 0.5, i + 0.5, f"n={int(n[i, j])}", ha="center", va="center", fontsize=8, color="0.3")
    ax.legend(handles=[Patch(facecolor=THIN_FACE, edgecolor=THIN_EDGE, hatch=THIN_HATCH,
                             label=f"fewer than {min_n} {unit}: too few to show a share")],
              loc="lower left", bbox_to_anchor=(0, 1.12), fontsize=8, frameon=False, borderaxespad=0)


def interval_note(profile: pd.DataFrame, *, small_n: int = SMALL_N) -> str:
    """What the intervals cannot show, in words, only when it applies to some outlet of ``profile``.

    >>> import pandas as pd
    >>> interval_note(pd.DataFrame({"outlet": ["A", "B"], "n_clusters": [1, 8]}))
    'single-article outlets have no interval to show'
    >>> interval_note(pd.DataFrame({"outlet": ["A"], "n_clusters": [12]}))
    ''
    """
    per_outlet = profile.groupby("outlet")["n_clusters"].max()
    notes = []
    if (per_outlet == 1).any():
        notes.append("single-article outlets have no interval to show")
    if ((per_outlet > 1) & (per_outlet < small_n)).any():
        notes.append(f"outlets with fewer than {small_n} articles: the interval only spans those articles")
    return "; ".join(notes)


def plot_frame_intervals(
    profile: pd.DataFrame,
    *,
    codebook=None,
    frames: Sequence[str] | None = None,
    labels: dict | None = None,
    n_docs: pd.Series | None = None,
    colors: dict | None = None,
):
    """One row per frame, one point and 95% article-bootstrap interval per outlet (outlets side by side).

    The legend sits outside the axes, so it hides no point; the title says what the intervals cannot show
    (single-article outlets, outlets with few articles) only when some outlet is in that case.
    """
    import matplotlib.pyplot as plt

    order = _frame_order(profile, codebook, frames)
    names = _frame_labels(order, codebook, labels)
    outlets = sorted(profile["outlet"].astype(str).unique())
    colors = colors or outlet_colors(outlets)
    band = min(0.8, 0.12 * len(outlets) + 0.2)
    offsets = np.linspace(-band / 2, band / 2, len(outlets)) if len(outlets) > 1 else [0.0]
    fig, ax = plt.subplots(figsize=(8, row_height(len(order), per_row=0.25 + 0.12 * len(outlets), base=1.6)))
    for off, outlet in zip(offsets, outlets):
        d = profile[profile["outlet"].astype(str) == outlet].set_index("frame").reindex(order)
        y = np.arange(len(order)) + off
        lab = label_with_n(outlet, n_docs[outlet]) if n_docs is not None and outlet in n_docs else outlet
        ax.errorbar(d.estimate, y, xerr=[d.estimate - d.ci_low, d.ci_high - d.estimate], fmt="o",
                    color=colors[outlet], label=lab, capsize=3, ms=5)
    ax.set_yticks(range(len(order)), [names[k] for k in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlabel("share of sentences firing the frame (95% article-bootstrap interval)")
    ax.set_xlim(0, 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, title="outlet")
    note = interval_note(profile)
    ax.set_title("Frame shares with intervals" + (":\n" + note.replace("; ", ";\n") if note else ""), fontsize=10)
    fig.tight_layout()
    return fig
