"""Corpus figures: what cleaning removed and why, kept vs removed lines, text per outlet, frequent entities
(tables from :mod:`analysis.corpus.describe`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> share = pd.DataFrame({"kept_lines": [30, 12], "removed_lines": [5, 40]}, index=pd.Index(["A", "B"], name="outlet"))
>>> fig = plot_kept_vs_removed(share)
>>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
('non-blank raw lines', ['kept', 'removed'])
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.viz.style import distinct_colors, figure_size, fit_text, names_note, outlet_colors, wrap_label

#: Audit rules that are not removals: blank lines and the kept body text.
NOT_REMOVED = ("blank_line", "body")


def plot_lines_by_rule(summary: pd.DataFrame, *, by: str = "outlet", colors: dict | None = None):
    """Stacked bars: raw lines that are not body text, per cleaning rule, split by outlet (most lines on top).

    ``summary`` is :func:`analysis.corpus.describe.audit_summary`; blank and body lines are left out. The
    outlets that lost no line are named under the plot (they have no bar). Raises ``ValueError`` when cleaning
    removed nothing.
    """
    import matplotlib.pyplot as plt

    removed = summary[~summary["rule"].isin(NOT_REMOVED)]
    pivot = removed.pivot_table(index="rule", columns=by, values="n_lines", aggfunc="sum", fill_value=0,
                                observed=True)
    if pivot.empty:
        raise ValueError("cleaning removed no line: nothing to plot")
    pivot = pivot.loc[pivot.sum(axis=1).sort_values().index]
    colors = colors or outlet_colors(summary[by])
    rules = [str(r).replace("_", " ") for r in pivot.index]
    fig, ax = plt.subplots(figsize=figure_size(len(pivot), 1, row=0.35, col=5.0, base=(1.0, 1.5), labels=rules,
                                               legend_entries=pivot.shape[1],
                                               legend_labels=[str(c) for c in pivot.columns], minimum=(9.0, 2.5)))
    pivot.plot.barh(stacked=True, ax=ax, color=[colors[o] for o in pivot.columns])
    ax.set_yticks(range(len(pivot)), rules)
    untouched = sorted(set(summary[by].astype(str)) - {str(c) for c in pivot.columns})
    ax.set_xlabel("raw lines (blank lines and kept body lines not shown)")
    ax.set_ylabel("decided by rule")
    title = "Lines that are not body text, by the rule that decided them" + (
        f"\nno line removed in {len(untouched)} of {summary[by].nunique()} {by}s: {names_note(untouched)}"
        if untouched else "")
    ax.set_title(fit_text(title, fig.get_figwidth() - 0.4), fontsize=10)
    ax.legend(title=by, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    fig.tight_layout()
    return fig


def plot_kept_vs_removed(share: pd.DataFrame):
    """Per outlet, non-blank raw lines kept (body or heading) and removed, side by side.

    ``share`` is :func:`analysis.corpus.describe.kept_share` (index: outlet; ``kept_lines, removed_lines``).
    """
    import matplotlib.pyplot as plt

    outlets = [str(o) for o in share.index]
    kept_c, removed_c = distinct_colors(2)
    fig, ax = plt.subplots(figsize=figure_size(len(outlets), 1, row=0.5, col=4.0, base=(1.0, 1.3), labels=outlets,
                                               minimum=(7.0, 2.5)))
    y = np.arange(len(outlets))
    ax.barh(y - 0.2, share["kept_lines"].to_numpy(), height=0.4, color=kept_c, label="kept")
    ax.barh(y + 0.2, share["removed_lines"].to_numpy(), height=0.4, color=removed_c, label="removed")
    ax.set_yticks(y, outlets)
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    ax.set_xlabel("non-blank raw lines")
    ax.set_title("Non-blank raw lines kept vs removed per outlet")
    ax.legend(title="decision", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    fig.tight_layout()
    return fig


def plot_text_per_outlet(stats: pd.DataFrame, lengths: pd.DataFrame, *, colors: dict | None = None):
    """Two panels per outlet: words of clean text (bars), and tokens per sentence (a dot per sentence, box).

    ``stats`` is :func:`analysis.corpus.describe.outlet_summary` (index: outlet, column ``words``);
    ``lengths`` is :func:`analysis.corpus.describe.sentence_lengths`.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    order = [str(o) for o in stats.index]
    colors = colors or outlet_colors(order)
    fig, axes = plt.subplots(1, 2, figsize=figure_size(len(order), 2, row=0.6, col=4.5, base=(1.0, 1.2),
                                                       labels=order, minimum=(11.0, 3.0)), sharey=True)
    axes[0].barh(range(len(order)), stats["words"].to_numpy(), color=[colors[o] for o in order])
    axes[0].set_yticks(range(len(order)), order)
    axes[0].set_ylim(len(order) - 0.5, -0.5)
    axes[0].set_xlabel("words in clean text")
    axes[0].set_title("Clean text per outlet")
    lengths = lengths.assign(outlet=lengths["outlet"].astype(str))
    sns.stripplot(data=lengths, y="outlet", x="n_tokens", order=order, hue="outlet", palette=colors, ax=axes[1],
                  legend=False, alpha=0.7)
    sns.boxplot(data=lengths, y="outlet", x="n_tokens", order=order, ax=axes[1], fill=False, showfliers=False,
                color="0.3")
    axes[1].set_xlabel("tokens per sentence")
    axes[1].set_ylabel("")
    axes[1].set_title("Sentence length (each dot a sentence)")
    fig.tight_layout()
    return fig


def plot_top_entities(entities: pd.DataFrame, *, title: str = "Most frequent named entities (mentions per outlet)"):
    """Entity x outlet heatmap of mention counts (``entities``: :func:`analysis.corpus.describe.top_entities`)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    cols = [wrap_label(c, 13) for c in entities.columns]
    fig, ax = plt.subplots(figsize=figure_size(len(entities), entities.shape[1], row=0.36, col=1.1,
                                               base=(1.5, 1.2 + 0.12 * max([c.count("\n") for c in cols] or [0])),
                                               labels=[str(i) for i in entities.index], minimum=(6.0, 3.0)))
    sns.heatmap(entities, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
    ax.set_xticks(np.arange(entities.shape[1]) + 0.5, cols, rotation=0, ha="center", fontsize=9)
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return fig
