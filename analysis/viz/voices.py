"""Voice figures: who is quoted (speaker groups per outlet) and how accusations and denials are attributed
(tables from :func:`analysis.measures.quotes.voices` and :func:`analysis.measures.attribution.marker_profile`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> vo = pd.DataFrame({"outlet": ["A", "A", "B"], "speaker_group": ["officials", "unresolved", "officials"],
...                    "n": [3, 1, 2], "share": [0.75, 0.25, 1.0]})
>>> [t.get_text() for t in plot_voices(vo).axes[0].get_yticklabels()]
['A (n=4)', 'B (n=2)']
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.viz.style import category_colors, distinct_colors, row_height


def plot_voices(voices: pd.DataFrame, *, by: str = "outlet", level: str = "speaker_group", min_label: float = 0.08,
                colors: dict | None = None):
    """Stacked bars: each outlet's quotations split by speaker group, shares written on segments >= ``min_label``.

    Groups are ordered by their quotations overall; unnamed speakers ("unresolved", "no speaker found") are
    grey and no named group is (:func:`analysis.viz.style.category_colors`).
    """
    import matplotlib.pyplot as plt

    order = voices.groupby(level)["n"].sum().sort_values(ascending=False).index.tolist()
    table = voices.pivot(index=by, columns=level, values="share").fillna(0).reindex(columns=order)
    n_q = voices.groupby(by)["n"].sum()
    colors = colors or category_colors(order)
    fig, ax = plt.subplots(figsize=(10, row_height(len(table), per_row=0.5, base=1.4)))
    left = np.zeros(len(table))
    for col in order:
        vals = table[col].to_numpy()
        ax.barh(range(len(table)), vals, left=left, color=colors[col], label=col)
        for i, v in enumerate(vals):
            if v >= min_label:
                ax.text(left[i] + v / 2, i, f"{v:.0%}", ha="center", va="center", fontsize=8)
        left += vals
    ax.set_yticks(range(len(table)), [f"{o} (n={int(n_q[o])})" for o in table.index])
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the outlet's quotations (direct, partial, indirect)")
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8, title="speaker group")
    ax.set_title("Who gets a voice: quotations by speaker group")
    fig.tight_layout()
    return fig


def plot_attribution_markers(
    accusations: pd.DataFrame,
    denials: pd.DataFrame,
    *,
    outlets: Sequence[str] | None = None,
    marker_classes: Sequence[str] = ("distancing", "hedge", "assertion"),
    title: str = "Distancing, hedging and assertion around the accusations and the denials",
):
    """Two panels (accusation and denial sentences): per outlet, the share of sentences with each marker class.

    ``accusations`` and ``denials`` are :func:`analysis.measures.attribution.marker_profile` tables; each
    outlet's tick label carries both sentence counts. ``title`` names the story's accusations.
    """
    import matplotlib.pyplot as plt

    outlets = list(outlets) if outlets is not None else sorted(
        set(accusations["outlet"].astype(str)) | set(denials["outlet"].astype(str)))
    classes = list(marker_classes)
    colors = dict(zip(classes, distinct_colors(len(classes))))
    n_acc = accusations.set_index("outlet")["n_sentences"] if len(accusations) else pd.Series(dtype=int)
    n_den = denials.set_index("outlet")["n_sentences"] if len(denials) else pd.Series(dtype=int)
    height = row_height(len(outlets), per_row=0.2 * len(classes) + 0.25, base=1.6, minimum=3.5)
    fig, axes = plt.subplots(1, 2, figsize=(11, height), sharey=True)
    bar = 0.8 / len(classes)
    for ax, prof, head in zip(axes, [accusations, denials],
                              ["sentences about the accusations", "sentences about the denials"]):
        p = prof.set_index("outlet").reindex(outlets) if len(prof) else pd.DataFrame(index=outlets, columns=classes)
        for k, cls in enumerate(classes):
            y = np.arange(len(outlets)) - 0.4 + bar * (k + 0.5)
            ax.barh(y, p[cls].astype(float).fillna(0).to_numpy(), height=bar, color=colors[cls], label=cls)
        ax.set_xlim(0, 1)
        ax.set_title(head)
        ax.set_xlabel("share of sentences with at least one marker")
    axes[0].set_yticks(range(len(outlets)), [
        f"{o}\n(accusation n={int(n_acc.get(o, 0))}, denial n={int(n_den.get(o, 0))})" for o in outlets])
    axes[0].set_ylim(len(outlets) - 0.5, -0.5)
    fig.legend(handles=axes[0].get_legend_handles_labels()[0], labels=classes, title="marker", loc="upper left",
               bbox_to_anchor=(1.0, 0.9), fontsize=9)
    fig.suptitle(title, y=1.0)
    fig.tight_layout()
    return fig
