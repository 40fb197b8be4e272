"""Frame figures: the outlet x frame profile as a heatmap, and frame shares with their intervals (tables
from :func:`analysis.measures.frames.outlet_frame_profile`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> profile = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "frame": ["conflict", "economic"] * 2,
...     "estimate": [0.5, 0.1, 0.2, 0.4], "ci_low": [0.3, 0.0, 0.2, 0.4], "ci_high": [0.7, 0.2, 0.2, 0.4],
...     "n_units": [10, 10, 5, 5], "n_clusters": [3, 3, 1, 1], "small_n": True, "n_evidence": [5, 1, 1, 2]})
>>> fig = plot_frame_intervals(profile, labels={"conflict": "Conflict", "economic": "Economic"})
>>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
['Conflict', 'Economic']
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.intervals import MIN_CELL_N, SMALL_N
from analysis.viz.style import (facet_grid, figure_size, fit_text, hatch_thin_cells, interval_caption, interval_levels,
                                label_width,
                                outlet_colors, outlet_label, thin_handle, thin_point, wrap_label)


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


def _outlet_labels(outlets, n_docs, levels: dict | None = None) -> list[str]:
    """``"A (3 art.)"``, plus ``"sentence-level"`` / ``"no interval"`` when the outlet's intervals do not
    resample articles (``levels``: :func:`analysis.viz.style.interval_levels`)."""
    levels = levels or {}
    return [outlet_label(o, n_articles=n_docs[o] if n_docs is not None and o in n_docs else None,
                         level=levels.get(str(o))) for o in outlets]


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
    ``n=2``, with no colour; a legend under the figure says so (default :data:`analysis.intervals.MIN_CELL_N`).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> p = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "frame": ["c", "e"] * 2, "estimate": [0.5, 0.5, 1.0, 0.0],
    ...                   "n_units": [40, 40, 2, 2], "n_evidence": [20, 20, 2, 0]})
    >>> fig = plot_frame_profile(p)
    >>> [t.get_text() for t in fig.axes[0].texts], fig.legends[0].get_texts()[0].get_text()
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
    ylabels = _outlet_labels(share.index, n_docs)
    xlabels = [wrap_label(names[k], 12) for k in order]   # wrapped to the column width, never rotated
    fontsize = 9 if len(order) <= 8 else 8
    # the longest word of a frame label fits its column (the colour bar takes about a fifth of the width)
    col = max(0.95, label_width(xlabels) * fontsize / 9.5 / 0.8 + 0.1)
    fig, ax = plt.subplots(figsize=figure_size(len(share), len(order), row=0.55, col=col, base=(2.5, 2.2),
                                               labels=ylabels, minimum=(7.0, 3.0)))
    sns.heatmap(share, annot=annot, fmt="", cmap=cmap, vmin=0, vmax=1 if annotate == "share" else None,
                cbar_kws={"label": "share of sentences"}, ax=ax, annot_kws={"fontsize": 8},
                mask=thin if thin.any() else None)
    if thin.any():
        hatch_thin_cells(ax, thin, n_units.fillna(0).astype(int).to_numpy())
        fig.legend(handles=[thin_handle(label=f"fewer than {min_n} sentences: too few to show a share")],
                   loc="upper left", bbox_to_anchor=(0.0, 0.0), fontsize=8, frameon=False)
    ax.set_xticks(np.arange(len(order)) + 0.5, xlabels, rotation=0, ha="center", fontsize=fontsize)
    ax.set_yticks(np.arange(len(share)) + 0.5, ylabels, rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    what = "share of sentences firing each frame\n(evidence sentences in brackets)" if annotate == "share" else \
        "colour = share of sentences, number = evidence sentences"
    head = title if title is not None else (codebook.title if codebook is not None else "Frames")
    ax.set_title(f"{head}: {what}", fontsize=10)
    return fig


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
    min_n: int = MIN_CELL_N,
    max_cols: int = 3,
):
    """One panel per frame (wrapped after ``max_cols``), one row per outlet: its share with a 95% interval.

    Outlet labels carry their articles (``n_docs``) and, when an outlet's interval does not resample articles,
    its level (``"sentence-level"``, ``"no interval"``: :func:`analysis.viz.style.outlet_label`); the title
    says what the intervals resample and what they cannot show. A share resting on fewer than ``min_n``
    sentences is a grey cross with ``n=k (too few)`` and no interval (default
    :data:`analysis.intervals.MIN_CELL_N`).
    """
    import matplotlib.pyplot as plt

    order = _frame_order(profile, codebook, frames)
    names = _frame_labels(order, codebook, labels)
    outlets = sorted(profile["outlet"].astype(str).unique())
    colors = colors or outlet_colors(outlets)
    levels = interval_levels(profile)
    ylabels = _outlet_labels(outlets, n_docs, levels)
    nrow, ncol = facet_grid(len(order), max_cols=max_cols)
    w, h = figure_size(nrow * len(outlets), ncol, row=0.3, col=3.2, base=(0.8, 1.4 + 0.9 * nrow), labels=ylabels,
                       minimum=(7.0, 3.0))
    fig, axes = plt.subplots(nrow, ncol, figsize=(w, h), sharex=True, sharey=True, squeeze=False)
    y = np.arange(len(outlets))
    has_n = "n_units" in profile.columns
    thin_any = False
    top = pd.concat([profile["ci_high"], profile["estimate"]]).max()
    xmax = 1.0 if pd.isna(top) else min(1.0, float(top) * 1.1 + 0.05)
    for ax, frame in zip(axes.ravel(), order):
        d = profile[profile["frame"] == frame].assign(outlet=lambda t: t["outlet"].astype(str)).set_index("outlet")
        for i, o in enumerate(outlets):
            if o not in d.index or pd.isna(d.loc[o, "estimate"]):
                continue
            r = d.loc[o]
            if has_n and r["n_units"] < min_n:
                thin_point(ax, r["estimate"], i, r["n_units"])
                thin_any = True
                continue
            ax.errorbar(r["estimate"], i, xerr=[[max(r["estimate"] - r["ci_low"], 0)], [max(r["ci_high"] - r["estimate"], 0)]],
                        fmt="o", color=colors[o], capsize=3, ms=5)
        ax.set_title(wrap_label(names[frame], 30), fontsize=10)
        ax.set_xlim(0, xmax)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes.ravel()[len(order):]:
        ax.set_visible(False)
    axes[0][0].set_yticks(y, ylabels)
    axes[0][0].set_ylim(len(outlets) - 0.5, -0.7)
    fig.supxlabel("share of the outlet's sentences firing the frame", fontsize=9)
    lines = ["Frame shares with intervals: " + interval_caption(levels) if levels else "Frame shares with intervals"]
    note = "" if levels else interval_note(profile)   # a table without per-outlet levels: say what is missing
    if note:
        lines.append(note)
    if thin_any:
        lines.append(f"grey cross: fewer than {min_n} sentences, too few to show an interval")
    fig.suptitle(fit_text("\n".join(lines), w - 0.4), fontsize=10)
    fig.tight_layout()
    return fig
