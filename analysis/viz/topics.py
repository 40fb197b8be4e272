"""Topic-model figures: model selection, top terms, outlet x topic share heatmap and intervals (tables
from :mod:`analysis.measures.topics`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> sel = pd.DataFrame({"method": "nmf", "k": [2, 2, 3, 3], "seed": [0, 1, 0, 1],
...                     "npmi": [0.1, 0.2, 0.15, 0.1], "stability": [0.9, 0.8, 0.7, 0.6]})
>>> [len(ax.lines) for ax in plot_model_selection(sel).axes]
[1, 1]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.topics import TopicModel, top_terms
from analysis.viz.style import outlet_colors, placeholder_figure

#: What the topic figures say when the corpus was too small for a topic model.
NO_TOPIC_MODEL = ("topic model cannot be estimated: this corpus has too few documents, sentences or terms "
                  "for the smallest number of topics (see the printed reason)")

def plot_model_selection(selection: pd.DataFrame):
    """Two panels, coherence and stability against ``k`` (mean and range over seeds, one line per method).

    An empty selection (a corpus too small for a topic model) gives a figure that says so.
    """
    import matplotlib.pyplot as plt

    if selection.empty:
        return placeholder_figure(NO_TOPIC_MODEL, title="Topic model selection")

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharex=True)
    for ax, col, title in zip(axes, ["npmi", "stability"],
                              ["Coherence: mean NPMI of top words", "Stability: top-word overlap across seeds"]):
        for method, g in selection.groupby("method", sort=True):
            s = g.groupby("k")[col].agg(["mean", "min", "max"])
            ax.plot(s.index, s["mean"], marker="o", label=method.upper())
            ax.fill_between(s.index, s["min"], s["max"], alpha=0.2)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("number of topics k")
        ax.set_xticks(sorted(selection["k"].unique()))
    axes[0].set_ylabel("NPMI (-1 .. 1)")
    axes[1].set_ylabel("matched Jaccard (0 .. 1)")
    axes[1].set_ylim(0, 1.05)
    axes[0].legend(title="model")
    fig.tight_layout()
    return fig


def plot_top_terms(model: TopicModel, *, n: int = 8):
    """One horizontal bar panel per topic with its ``n`` heaviest terms (no topics: a figure that says so)."""
    import matplotlib.pyplot as plt

    if model.k == 0:
        return placeholder_figure(NO_TOPIC_MODEL, title="Top terms per topic")

    tt = top_terms(model, n=n)
    cols = min(model.k, 4)
    rows = int(np.ceil(model.k / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 0.32 * n * rows + 1.2), squeeze=False)
    for ax, (t, g) in zip(axes.ravel(), tt.groupby("topic")):
        ax.barh(g["term"][::-1], g["weight"][::-1], color="#4C72B0")
        ax.set_title(f"{model.method.upper()} topic {t}", fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes.ravel()[model.k:]:
        ax.set_visible(False)
    fig.supxlabel("weight in topic word distribution", fontsize=9)
    fig.tight_layout()
    return fig


def plot_share_heatmap(shares: pd.DataFrame, *, by: str = "outlet", max_groups: int = 20):
    """Outlet x topic heatmap of mean shares, each cell annotated with its interval.

    Only the ``max_groups`` outlets with most units are drawn; no shares: a figure that says so.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if shares.empty or shares["estimate"].isna().all():
        return placeholder_figure(NO_TOPIC_MODEL, title="Topic shares per outlet")

    size = shares.groupby(by)["n_units"].max().sort_values(ascending=False)
    shares = shares[shares[by].isin(size.index[:max_groups])]

    est = shares.pivot(index=by, columns="label", values="estimate")
    lo = shares.pivot(index=by, columns="label", values="ci_low")
    hi = shares.pivot(index=by, columns="label", values="ci_high")
    annot = est.round(2).astype(str) + "\n[" + lo.round(2).astype(str) + ", " + hi.round(2).astype(str) + "]"
    fig, ax = plt.subplots(figsize=(1.6 * est.shape[1] + 3, 0.75 * est.shape[0] + 2))
    sns.heatmap(est, annot=annot, fmt="", cmap="Blues", vmin=0, vmax=max(0.5, float(np.nanmax(est.values))),
                cbar_kws={"label": "mean topic share"}, ax=ax, annot_kws={"fontsize": 8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticklabels([_wrap_label(t.get_text()) for t in ax.get_xticklabels()], rotation=0, fontsize=8)
    return fig


def _wrap_label(label: str, width: int = 14) -> str:
    """``"T1 a · b · c"`` -> ``"T1\\na · b\\n· c"`` (topic number on its own line, words wrapped)."""
    import textwrap

    head, _, rest = label.partition(" ")
    return head + "\n" + "\n".join(textwrap.wrap(rest, width=width, break_long_words=False))


def plot_share_intervals(shares: pd.DataFrame, *, by: str = "outlet", colors: dict | None = None,
                         max_groups: int = 12):
    """Point-and-interval plot per topic; one row per outlet, one marker style per ``interval`` kind.

    Only the ``max_groups`` outlets with most units are drawn; no shares: a figure that says so.
    """
    import matplotlib.pyplot as plt

    if shares.empty or shares["estimate"].isna().all():
        return placeholder_figure(NO_TOPIC_MODEL, title="Topic shares per outlet")
    labels = list(dict.fromkeys(shares.sort_values("topic")["label"]))
    size = shares.groupby(by)["n_units"].max().sort_values(ascending=False)
    groups = sorted(size.index[:max_groups])
    # the resampling level of each row: "articles" (a row of "none" is an outlet with one article, which has
    # no article-level interval: a dot and a note, no bar) or "sentences"
    level = shares["interval"].map(lambda v: "sentences" if v in ("sentences", "unit") else "articles")
    shares = shares.assign(_level=level)
    kinds = [k for k in ("articles", "sentences") if k in set(level)]
    colors = {**outlet_colors(groups), **(colors or {})}
    fig, axes = plt.subplots(1, len(labels), figsize=(2.6 * len(labels) + 1.5, 0.55 * len(groups) + 1.6),
                             sharey=True, squeeze=False)
    for ax, lab in zip(axes[0], labels):
        for gi, g in enumerate(groups):
            for ki, kind in enumerate(kinds):
                row = shares[(shares["label"] == lab) & (shares[by] == g) & (shares["_level"] == kind)]
                if row.empty:
                    continue
                y = gi + (ki - (len(kinds) - 1) / 2) * 0.25
                r = row.iloc[0]
                c = colors[g]
                if r.interval != "none":
                    ax.plot([r.ci_low, r.ci_high], [y, y], color=c, lw=3 if ki == 0 else 1.2, alpha=0.9)
                ax.plot(r.estimate, y, "o" if ki == 0 else "D", color=c, ms=6 if ki == 0 else 4,
                        mfc=c if ki == 0 else "white")
                if r.interval == "none":
                    ax.annotate("1 article: no interval", (r.estimate, y), xytext=(6, 0), textcoords="offset points",
                                fontsize=7, color="0.4", va="center")
        ax.set_title(_wrap_label(lab, width=24), fontsize=9)
        ax.set_xlim(-0.02, min(1.0, float(shares["ci_high"].max()) + 0.12))
        ax.tick_params(axis="x", labelsize=8)
    axes[0][0].set_yticks(range(len(groups)))
    axes[0][0].set_yticklabels(groups)
    axes[0][0].invert_yaxis()
    handles = [plt.Line2D([], [], color="grey", lw=3 if i == 0 else 1.2, marker="o" if i == 0 else "D",
                          mfc="grey" if i == 0 else "white", label=f"95% interval, resampling {k}")
               for i, k in enumerate(kinds)]
    fig.legend(handles=handles, loc="lower center", ncol=len(kinds), bbox_to_anchor=(0.5, -0.08), frameon=False)
    fig.supxlabel("mean topic share of the outlet's units", fontsize=9, y=0.02)
    fig.tight_layout()
    return fig
