"""Voice figures: who is quoted (speaker groups per outlet), how accusations and denials are attributed
(tables from :func:`analysis.measures.quotes.voices` and :func:`analysis.measures.attribution.marker_profile`)
and how well quotations and speakers are found on annotated passages (:func:`plot_attribution_scores`).

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

from analysis.intervals import MIN_CELL_N
from analysis.viz.style import (THIN_EDGE, THIN_HATCH, THIN_TEXT, category_colors, distinct_colors,
                                figure_size, fit_text, thin_handle)


def plot_voices(voices: pd.DataFrame, *, by: str = "outlet", level: str = "speaker_group", min_label: float = 0.08,
                colors: dict | None = None, min_n: int = MIN_CELL_N):
    """Stacked bars: each outlet's quotations split by speaker group, shares written on segments >= ``min_label``.

    Groups are ordered by their quotations overall; unnamed speakers ("unresolved", "no speaker found") are
    grey and no named group is (:func:`analysis.viz.style.category_colors`). An outlet with fewer than
    ``min_n`` quotations keeps its segments, faded and hatched, without percentages, and says its ``n``: too
    few quotations to compare shares.
    """
    import matplotlib.pyplot as plt

    order = voices.groupby(level)["n"].sum().sort_values(ascending=False).index.tolist()
    table = voices.pivot(index=by, columns=level, values="share").fillna(0).reindex(columns=order)
    n_q = voices.groupby(by)["n"].sum()
    colors = colors or category_colors(order)
    ylabels = [f"{o} (n={int(n_q[o])})" for o in table.index]
    thin = np.array([n_q[o] < min_n for o in table.index])
    w, h = figure_size(len(table), 1, row=0.5, col=6.0, base=(1.0, 1.6), labels=ylabels,
                       legend_entries=len(order) + 1 + int(thin.any()), legend_labels=[str(g) for g in order],
                       minimum=(10.0, 2.5))
    fig, ax = plt.subplots(figsize=(w, h))
    left = np.zeros(len(table))
    y = np.arange(len(table))
    for col in order:
        vals = table[col].to_numpy()
        ax.barh(y[~thin], vals[~thin], left=left[~thin], color=colors[col], label=col)
        if thin.any():   # too few quotations: the same segments, faded and hatched, without percentages
            ax.barh(y[thin], vals[thin], left=left[thin], color=colors[col], alpha=0.3, hatch=THIN_HATCH,
                    edgecolor=THIN_EDGE, lw=0)
        for i, v in enumerate(vals):
            if v >= min_label and not thin[i]:
                ax.text(left[i] + v / 2, i, f"{v:.0%}", ha="center", va="center", fontsize=8)
        left += vals
    for i in np.flatnonzero(thin):
        ax.text(0.5, i, f"n={int(n_q[table.index[i]])}: too few quotations to compare shares", ha="center",
                va="center", fontsize=8, color=THIN_TEXT, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none",
                                                                    alpha=0.8))
    ax.set_yticks(range(len(table)), ylabels)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the outlet's quotations (direct, partial, indirect)")
    handles, names = ax.get_legend_handles_labels()
    if thin.any():
        handles.append(thin_handle(min_n, "quotations", label=f"fewer than {min_n} quotations: faded, too few to compare"))
        names.append(handles[-1].get_label())
    ax.legend(handles, names, bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8, title="speaker group")
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
    min_n: int = MIN_CELL_N,
):
    """Two panels (accusation and denial sentences): per outlet, the share of sentences with each marker class.

    ``accusations`` and ``denials`` are :func:`analysis.measures.attribution.marker_profile` tables; each
    outlet's tick label carries both sentence counts. ``title`` names the story's accusations. An outlet with
    fewer than ``min_n`` sentences in a panel keeps its bars there, faded and hatched, and says its ``n``.
    """
    import matplotlib.pyplot as plt

    outlets = list(outlets) if outlets is not None else sorted(
        set(accusations["outlet"].astype(str)) | set(denials["outlet"].astype(str)))
    classes = list(marker_classes)
    colors = dict(zip(classes, distinct_colors(len(classes))))
    n_acc = accusations.set_index("outlet")["n_sentences"] if len(accusations) else pd.Series(dtype=int)
    n_den = denials.set_index("outlet")["n_sentences"] if len(denials) else pd.Series(dtype=int)
    ylabels = [f"{o}\n(accusation n={int(n_acc.get(o, 0))}, denial n={int(n_den.get(o, 0))})" for o in outlets]
    w, h = figure_size(len(outlets), 2, row=0.2 * len(classes) + 0.25, col=4.0, base=(1.0, 1.6), labels=ylabels,
                       minimum=(11.0, 3.5))
    fig, axes = plt.subplots(1, 2, figsize=(w, h), sharey=True)
    bar = 0.8 / len(classes)
    thin_any = False
    for ax, prof, head, counts in zip(axes, [accusations, denials],
                                      ["sentences about the accusations", "sentences about the denials"], [n_acc, n_den]):
        p = prof.set_index("outlet").reindex(outlets) if len(prof) else pd.DataFrame(index=outlets, columns=classes)
        thin = np.array([0 < int(counts.get(o, 0)) < min_n for o in outlets])
        for k, cls in enumerate(classes):
            y = np.arange(len(outlets)) - 0.4 + bar * (k + 0.5)
            vals = p[cls].astype(float).fillna(0).to_numpy()
            ax.barh(y[~thin], vals[~thin], height=bar, color=colors[cls], label=cls)
            if thin.any():   # too few sentences: the same bars, faded and hatched
                ax.barh(y[thin], vals[thin], height=bar, color=colors[cls], alpha=0.3, hatch=THIN_HATCH,
                        edgecolor=THIN_EDGE, lw=0)
        for i in np.flatnonzero(thin):
            thin_any = True
            ax.text(0.98, i, f"n={int(counts.get(outlets[i], 0))}: too few", ha="right", va="center", fontsize=8,
                    color=THIN_TEXT)
        ax.set_xlim(0, 1)
        ax.set_title(head)
        ax.set_xlabel("share of sentences with at least one marker")
    axes[0].set_yticks(range(len(outlets)), ylabels)
    axes[0].set_ylim(len(outlets) - 0.5, -0.5)
    handles = axes[0].get_legend_handles_labels()[0][:len(classes)]
    names = list(classes)
    if thin_any:
        handles.append(thin_handle(min_n, "sentences", label=f"fewer than {min_n} sentences: faded, too few to compare"))
        names.append(handles[-1].get_label())
    fig.legend(handles=handles, labels=names, title="marker", loc="upper left", bbox_to_anchor=(1.0, 0.9), fontsize=9)
    fig.suptitle(fit_text(title, w - 0.4), y=1.0)
    fig.tight_layout()
    return fig


def plot_attribution_scores(
    results: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("quotation_recall", "indirect_recall", "content_f1", "source_f1", "cue_f1",
                              "speaker_accuracy"),
    title: str = "Quotations and speakers on hand-annotated passages (95% bootstrap intervals over passages)",
):
    """Dots with interval bars: each metric per (system, split) of the attribution benchmark's stored table
    (columns ``system, split, metric, estimate, ci_low, ci_high, n_passages``).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> r = pd.DataFrame({"system": ["a", "a"], "split": ["dev", "heldout"], "metric": ["content_f1"] * 2,
    ...                   "estimate": [0.9, 0.8], "ci_low": [0.8, 0.6], "ci_high": [1.0, 0.95], "n_passages": [50, 16]})
    >>> [t.get_text() for t in plot_attribution_scores(r, metrics=["content_f1"]).axes[0].get_yticklabels()]
    ['content_f1']
    """
    import matplotlib.pyplot as plt

    metrics = [m for m in metrics if m in set(results["metric"])]
    d = results[results.metric.isin(metrics)]
    series = list(dict.fromkeys(zip(d["system"], d["split"])))
    colors = dict(zip(series, distinct_colors(len(series))))
    fig, ax = plt.subplots(figsize=figure_size(len(metrics), 1, row=0.12 * len(series) + 0.2, col=8.0, base=(3.0, 1.4),
                                               minimum=(11.0, 2.5)))
    step = 0.8 / max(len(series), 1)
    for k, (system, split) in enumerate(series):
        g = d[(d.system == system) & (d.split == split)].set_index("metric").reindex(metrics)
        y = np.arange(len(metrics)) - 0.4 + step * (k + 0.5)
        est = g["estimate"].astype(float).to_numpy()
        lo, hi = g["ci_low"].astype(float).to_numpy(), g["ci_high"].astype(float).to_numpy()
        n = int(g["n_passages"].dropna().iloc[0]) if g["n_passages"].notna().any() else 0
        ax.errorbar(est, y, xerr=[np.nan_to_num(est - lo), np.nan_to_num(hi - est)], fmt="o", capsize=3,
                    color=colors[(system, split)], label=f"{system}, {split} ({n} passages)")
    ax.set_yticks(range(len(metrics)), metrics)
    ax.set_ylim(len(metrics) - 0.5, -0.5)
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("score")
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
