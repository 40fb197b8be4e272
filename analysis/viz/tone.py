"""Tone figures: sentence tone per outlet, outlet means with intervals, outlet x actor heatmap, method
agreement and validation bars (tables from :mod:`analysis.measures.tone`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> t = pd.DataFrame({"sent_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"], "method": "vader",
...                   "tone": [0.5, -0.2, 0.1]})
>>> [ax.get_title() for ax in plot_tone_distributions(t).axes]
['VADER (lexicon)']
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.measures.tone import METHOD_LABELS, METHODS, method_agreement
from analysis.viz.style import outlet_colors, placeholder_figure, row_height, words

def _outlet_order(tone: pd.DataFrame) -> list[str]:
    return sorted(tone["outlet"].astype(str).unique())


def plot_tone_distributions(tone: pd.DataFrame, *, methods: Sequence[str] | None = None):
    """One panel per method: each sentence's tone as a dot, per outlet, with the outlet mean as a bar.

    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    methods = list(methods or [m for m in METHODS if m in set(tone["method"])])
    order = _outlet_order(tone)
    colors = outlet_colors(order)
    fig, axes = plt.subplots(1, len(methods), figsize=(5.2 * len(methods), 0.9 * len(order) + 1.8),
                             sharey=True, squeeze=False)
    for ax, m in zip(axes[0], methods):
        t = tone[tone["method"] == m]
        sns.stripplot(data=t, x="tone", y="outlet", hue="outlet", order=order, palette=colors, ax=ax,
                      size=5, alpha=0.7, jitter=0.25, legend=False)
        means = t.groupby("outlet")["tone"].mean()
        for i, o in enumerate(order):
            if o in means:
                ax.plot([means[o]] * 2, [i - 0.38, i + 0.38], color="black", lw=2.5)
        ax.axvline(0, color="grey", lw=1, ls="--")
        ax.set_xlim(-1.02, 1.02)
        ax.set_title(METHOD_LABELS.get(m, m))
        ax.set_xlabel("sentence tone (-1 negative .. +1 positive)")
        ax.set_ylabel("")
    fig.suptitle("Sentence tone per outlet (dots = sentences, black bar = mean)", y=1.0)
    fig.tight_layout()
    return fig


def plot_outlet_tone(outlet_table: pd.DataFrame, *, title: str | None = None):
    """Mean tone per outlet with bootstrap intervals, one colour per method (from ``outlet_tone``)."""
    import matplotlib.pyplot as plt

    order = sorted(outlet_table["outlet"].astype(str).unique())
    methods = [m for m in METHODS if m in set(outlet_table["method"])] or sorted(outlet_table["method"].unique())
    fig, ax = plt.subplots(figsize=(7, row_height(len(order), per_row=0.7, base=1.5)))
    offsets = np.linspace(-0.15, 0.15, len(methods)) if len(methods) > 1 else [0.0]
    for off, m in zip(offsets, methods):
        t = outlet_table[outlet_table["method"] == m].set_index("outlet").reindex(order)
        y = np.arange(len(order)) + off
        ax.errorbar(t["estimate"], y, xerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
                    fmt="o", capsize=3, label=METHOD_LABELS.get(m, m))
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([f"{o} ({int(n)} art.)" for o, n in zip(
        order, outlet_table.groupby("outlet")["n_docs"].max().reindex(order).fillna(0))])
    ax.axvline(0, color="grey", lw=1, ls="--")
    ax.set_xlabel("mean sentence tone, 95% bootstrap interval")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(methods), fontsize=9, frameon=False)
    ax.invert_yaxis()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_actor_heatmap(
    actor_outlet: pd.DataFrame,
    *,
    method: str = "hybrid",
    actors: Sequence[str] | None = None,
    min_sentences: int = 2,
    interval_unit: str = "sentences",
):
    """Outlet x actor heatmap of mean tone; each cell shows the mean, its interval and the sentence count.

    Cells with fewer than ``min_sentences`` sentences are left blank (grey). ``interval_unit`` names
    what the bootstrap resampled (``"sentences"`` or ``"articles"``) in the subtitle. When no cell has
    ``min_sentences`` sentences the figure says that the tone toward actors cannot be estimated.
    """
    import matplotlib.pyplot as plt

    t = actor_outlet[(actor_outlet["method"] == method) & (actor_outlet["n_units"] >= min_sentences)]
    if actors is not None:
        t = t[t["actor"].isin(list(actors))]
    if t.empty:
        n_actors = len(list(actors)) if actors is not None else actor_outlet["actor"].nunique()
        return placeholder_figure(
            f"tone toward actors cannot be estimated: no outlet x actor cell has {min_sentences} or more sentences "
            f"({n_actors} actor group{'s' * (n_actors != 1)} asked for)", title="Tone toward actors")
    rows = list(actors) if actors is not None else (
        t.groupby("actor")["n_units"].sum().sort_values(ascending=False).index.tolist())
    rows = [a for a in rows if a in set(t["actor"])]
    cols = sorted(t["outlet"].unique())
    est = t.pivot_table(index="actor", columns="outlet", values="estimate").reindex(index=rows, columns=cols)
    lim = max(0.25, float(np.nanmax(np.abs(est.to_numpy()))))
    fig, ax = plt.subplots(figsize=(2.2 * len(cols) + 2.5, 0.75 * len(rows) + 1.6))
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#eeeeee")
    im = ax.imshow(np.ma.masked_invalid(est.to_numpy()), cmap=cmap, vmin=-lim, vmax=lim, aspect="auto")
    cell = t.set_index(["actor", "outlet"])
    for i, a in enumerate(rows):
        for j, o in enumerate(cols):
            if (a, o) in cell.index:
                r = cell.loc[(a, o)]
                ax.text(j, i, f"{r['estimate']:+.2f}\n[{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]\nn={int(r['n_units'])}",
                        ha="center", va="center", fontsize=8,
                        color="white" if abs(r["estimate"]) > 0.6 * lim else "black")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=20, ha="right")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8, label="mean tone of sentences naming the actor")
    ax.set_title(f"Tone of sentences mentioning each actor: {METHOD_LABELS.get(method, method)}\n"
                 f"mean, 95% bootstrap interval over {interval_unit}, n = sentences; blank: < {min_sentences}")
    fig.tight_layout()
    return fig


def plot_method_agreement(tone: pd.DataFrame, *, a: str = "vader", b: str = "hybrid", threshold: float = 0.05):
    """Scatter of two methods' scores for the same sentences, coloured by outlet, with r in the title."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    wide = tone.pivot_table(index=["sent_id", "outlet"], columns="method", values="tone", aggfunc="first").reset_index()
    agr = method_agreement(tone[tone["method"].isin([a, b])], threshold=threshold).iloc[0]
    fig, ax = plt.subplots(figsize=(7.6, 5.6))
    sns.scatterplot(data=wide, x=a, y=b, hue="outlet", hue_order=sorted(wide["outlet"].unique()),
                    palette=outlet_colors(wide["outlet"]), ax=ax, s=40, alpha=0.8)
    ax.plot([-1, 1], [-1, 1], color="grey", lw=1, ls=":", label="y = x")
    for v in (-threshold, threshold):
        ax.axvline(v, color="grey", lw=0.6)
        ax.axhline(v, color="grey", lw=0.6)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel(METHOD_LABELS.get(a, a))
    ax.set_ylabel(METHOD_LABELS.get(b, b))
    ax.set_title(f"Method agreement on {int(agr['n'])} sentences: Pearson r = {agr['pearson_r']:.2f}, "
                 f"Spearman = {agr['spearman_r']:.2f}\nsame class (±{threshold:g}) = {agr['same_class']:.0%}",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), title="outlet")  # outside: no point hidden
    fig.tight_layout()
    return fig


def plot_validation(results: pd.DataFrame, *, metric: str = "pearson_r", reference: dict | None = None,
                    title: str | None = None):
    """Bars of ``metric`` per domain and method from a ``method, domain, metric, value`` table.

    ``reference`` draws labelled horizontal lines (e.g. ``{"one human rater": 0.88}``); the y axis names the
    metric in words ("Pearson r").
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    t = results[results["metric"] == metric].copy()
    fig, ax = plt.subplots(figsize=(max(7.5, 1.6 * t["domain"].nunique() + 2), 4))
    sns.barplot(data=t, x="domain", y="value", hue="method", ax=ax)
    for c in ax.containers:
        ax.bar_label(c, fmt="%.2f", fontsize=8)
    for label, v in (reference or {}).items():
        ax.axhline(v, color="black", ls="--", lw=1)
        ax.text(ax.get_xlim()[1], v, f" {label}", va="center", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(words(metric))
    if title:
        ax.set_title(title)
    ax.set_xlabel("")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=t["method"].nunique(), frameon=False)
    fig.tight_layout()
    return fig
