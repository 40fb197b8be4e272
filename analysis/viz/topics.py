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

from analysis.intervals import MIN_CELL_N
from analysis.measures.topics import TopicModel, top_terms
from analysis.viz.style import (facet_grid, figure_size, fit_text, hatch_thin_cells, interval_caption, interval_levels,
                                label_width, title_width,
                                outlet_colors, outlet_label, placeholder_figure, shown_note,
                                thin_point, top_groups)

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

    fig, axes = plt.subplots(1, 2, figsize=figure_size(1, 2, row=0, col=5.0, base=(0.0, 3.8)), sharex=True)
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


def plot_top_terms(model: TopicModel, *, n: int = 8, max_cols: int = 4):
    """One horizontal bar panel per topic with its ``n`` heaviest terms, wrapped after ``max_cols`` panels
    (no topics: a figure that says so)."""
    import matplotlib.pyplot as plt

    if model.k == 0:
        return placeholder_figure(NO_TOPIC_MODEL, title="Top terms per topic")

    tt = top_terms(model, n=n)
    rows, cols = facet_grid(model.k, max_cols=max_cols)
    w, h = figure_size(rows * n, cols, row=0.3, col=3.2, base=(0.4, 1.0 + 0.5 * rows), minimum=(6.0, 3.0))
    fig, axes = plt.subplots(rows, cols, figsize=(w, h), squeeze=False)
    for ax, (t, g) in zip(axes.ravel(), tt.groupby("topic")):
        ax.barh(g["term"][::-1], g["weight"][::-1], color="#4C72B0")
        ax.set_title(f"{model.method.upper()} topic {t}", fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes.ravel()[model.k:]:
        ax.set_visible(False)
    fig.supxlabel(f"weight in topic word distribution (the {n} heaviest terms of each topic)", fontsize=9)
    fig.tight_layout()
    return fig


def _cut_groups(shares: pd.DataFrame, by: str, max_groups: int | None) -> tuple[list, str]:
    """The outlets to draw (the ``max_groups`` with most articles, then units) and the note when that cuts."""
    arts = shares.groupby(by)["n_clusters"].max() if "n_clusters" in shares.columns else None
    units = shares.groupby(by)["n_units"].max()
    size = units if arts is None else arts * 1e9 + units
    keep = top_groups(size, max_groups)
    return keep, shown_note(len(keep), len(size), by="articles" if arts is not None else "sentences")


def plot_share_heatmap(shares: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = None,
                       min_n: int = MIN_CELL_N):
    """Outlet x topic heatmap of mean shares, each cell annotated with its interval.

    Every outlet is drawn unless ``max_groups`` is given (then the outlets with most articles, and the title
    says "top N of M outlets shown"). Outlet labels carry their articles and, when their intervals do not
    resample articles, the level (:func:`analysis.viz.style.outlet_label`); a cell resting on fewer than
    ``min_n`` sentences is hatched grey with its ``n``. No shares: a figure that says so.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if shares.empty or shares["estimate"].isna().all():
        return placeholder_figure(NO_TOPIC_MODEL, title="Topic shares per outlet")

    keep, note = _cut_groups(shares, by, max_groups)
    shares = shares[shares[by].isin(keep)].assign(**{by: lambda d: d[by].astype(str)})
    levels = interval_levels(shares, by=by)
    est = shares.pivot(index=by, columns="label", values="estimate")
    lo = shares.pivot(index=by, columns="label", values="ci_low")
    hi = shares.pivot(index=by, columns="label", values="ci_high")
    n = shares.pivot(index=by, columns="label", values="n_units").reindex_like(est)
    no_ci = (shares.pivot(index=by, columns="label", values="interval").reindex_like(est) == "none"
             if "interval" in shares.columns else pd.DataFrame(False, index=est.index, columns=est.columns))
    annot = est.round(2).astype(str) + ("\n[" + lo.round(2).astype(str) + ", " + hi.round(2).astype(str) + "]").where(
        ~no_ci, "")
    thin = (n.fillna(0) < min_n).to_numpy()
    n_art = shares.groupby(by)["n_clusters"].max() if "n_clusters" in shares.columns else {}
    ylabels = [outlet_label(o, n_articles=n_art.get(o) if len(n_art) else None, level=levels.get(o)) for o in est.index]
    w, h = figure_size(est.shape[0], est.shape[1], row=0.62, col=1.5, base=(2.6, 2.4), labels=ylabels,
                       minimum=(7.0, 3.5))
    fig, ax = plt.subplots(figsize=(w, h))
    sns.heatmap(est, annot=annot, fmt="", cmap="Blues", vmin=0, vmax=max(0.5, float(np.nanmax(est.values))),
                cbar_kws={"label": "mean topic share"}, ax=ax, annot_kws={"fontsize": 8},
                mask=thin if thin.any() else None)
    if thin.any():
        hatch_thin_cells(ax, thin, n.fillna(0).astype(int).to_numpy())
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_yticks(np.arange(len(ylabels)) + 0.5, ylabels, rotation=0)
    ax.set_xticklabels([_wrap_label(t.get_text()) for t in ax.get_xticklabels()], rotation=0, fontsize=8)
    lines = ["Mean topic share per outlet [" + (interval_caption(levels) if levels else "95% interval") + "]"]
    if thin.any():
        lines.append(f"hatched: fewer than {min_n} sentences, too few to show a share")
    if note:
        lines.append(note)
    ax.set_title(fit_text("\n".join(lines), title_width(w, left=label_width(ylabels) + 0.3, right=1.6)),
                 fontsize=10)
    return fig


def _wrap_label(label: str, width: int = 14) -> str:
    """``"T1 a · b · c"`` -> ``"T1\\na · b\\n· c"`` (topic number on its own line, words wrapped)."""
    import textwrap

    head, _, rest = label.partition(" ")
    return head + "\n" + "\n".join(textwrap.wrap(rest, width=width, break_long_words=False))


def plot_share_intervals(shares: pd.DataFrame, *, by: str = "outlet", colors: dict | None = None,
                         max_groups: int | None = None, min_n: int = MIN_CELL_N, max_cols: int = 4):
    """Point-and-interval plot, one panel per topic (wrapped after ``max_cols``), one row per outlet.

    ``shares`` is :func:`analysis.measures.topics.outlet_topic_shares` (one interval per outlet, at the level its
    policy chose: the outlet label says when that is not articles), or two of them concatenated (e.g. forced
    ``cluster="doc_id"`` and ``cluster=None``): then each outlet gets both, a filled dot and thick bar for
    articles and an open diamond and thin bar for sentences. A row of ``interval == "none"`` (one article
    resampled as articles) is a dot with "1 article: no interval". A share resting on fewer than ``min_n``
    sentences is a grey cross without interval. Every outlet is drawn unless ``max_groups`` is given (then
    the title says "top N of M outlets shown"). No shares: a figure that says so.
    """
    import matplotlib.pyplot as plt

    if shares.empty or shares["estimate"].isna().all():
        return placeholder_figure(NO_TOPIC_MODEL, title="Topic shares per outlet")
    shares = shares.assign(**{by: shares[by].astype(str)})
    labels = list(dict.fromkeys(shares.sort_values("topic")["label"]))
    keep, note = _cut_groups(shares, by, max_groups)
    groups = sorted(keep)
    # the resampling level of each row: "articles" (a row of "none" is an outlet with one article, which has
    # no article-level interval: a dot and a note, no bar) or "sentences"
    interval = shares["interval"] if "interval" in shares.columns else pd.Series("articles", index=shares.index)
    level = interval.map(lambda v: "sentences" if v in ("sentences", "unit", "units") else "articles")
    shares = shares.assign(_level=level, interval=interval)
    kinds = [k for k in ("articles", "sentences") if k in set(level)]
    per_outlet = shares.groupby(by)["_level"].nunique().max() == 1   # one policy: one interval per outlet
    levels = interval_levels(shares, by=by) if per_outlet else {}
    n_art = shares.groupby(by)["n_clusters"].max() if "n_clusters" in shares.columns else {}
    ylabels = [outlet_label(g, n_articles=n_art.get(g) if len(n_art) else None, level=levels.get(g)) for g in groups]
    colors = {**outlet_colors(groups), **(colors or {})}
    rows, cols = facet_grid(len(labels), max_cols=max_cols)
    w, h = figure_size(rows * len(groups), cols, row=0.32 * (1 if len(kinds) == 1 else 1.3), col=2.7,
                       base=(0.8, 1.6 + 0.8 * rows), labels=ylabels, minimum=(6.5, 3.0))
    fig, axes = plt.subplots(rows, cols, figsize=(w, h), sharey=True, sharex=True, squeeze=False)
    thin_any = False
    xmax = min(1.0, float(shares["ci_high"].max()) + 0.12)
    for ax, lab in zip(axes.ravel(), labels):
        for gi, g in enumerate(groups):
            for ki, kind in enumerate(kinds):
                row = shares[(shares["label"] == lab) & (shares[by] == g) & (shares["_level"] == kind)]
                if row.empty:
                    continue
                y = gi + (ki - (len(kinds) - 1) / 2) * 0.3
                r = row.iloc[0]
                c = colors[g]
                if "n_units" in r.index and r.n_units < min_n:
                    thin_point(ax, r.estimate, y, r.n_units, text=ki == 0)
                    thin_any = True
                    continue
                if r.interval != "none":
                    ax.plot([r.ci_low, r.ci_high], [y, y], color=c, lw=3 if ki == 0 else 1.2, alpha=0.9)
                ax.plot(r.estimate, y, "o" if ki == 0 else "D", color=c, ms=6 if ki == 0 else 4,
                        mfc=c if ki == 0 else "white")
                if r.interval == "none" and kind == "articles" and not per_outlet:
                    ax.annotate("1 article: no interval", (r.estimate, y), xytext=(6, 0), textcoords="offset points",
                                fontsize=7, color="0.4", va="center")
        ax.set_title(_wrap_label(lab, width=24), fontsize=9)
        ax.set_xlim(-0.02, xmax)
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes.ravel()[len(labels):]:
        ax.set_visible(False)
    axes[0][0].set_yticks(range(len(groups)))
    axes[0][0].set_yticklabels(ylabels)
    axes[0][0].set_ylim(len(groups) - 0.5, -0.6)
    handles = []
    if len(kinds) > 1 or not per_outlet:
        handles = [plt.Line2D([], [], color="grey", lw=3 if i == 0 else 1.2, marker="o" if i == 0 else "D",
                              mfc="grey" if i == 0 else "white", label=f"95% interval, resampling {k}")
                   for i, k in enumerate(kinds)]
    if thin_any:
        handles.append(plt.Line2D([], [], color="0.6", marker="x", ls="none",
                                  label=f"fewer than {min_n} sentences: too few to show"))
    if handles:
        fig.legend(handles=handles, loc="upper center", ncol=len(handles), bbox_to_anchor=(0.5, 0.0), frameon=False)
    lines = ["Mean topic share of the outlet's sentences"
             + (f" ({interval_caption(levels)})" if levels else "")]
    if note:
        lines.append(note)
    fig.suptitle(fit_text("\n".join(lines), w - 0.4), fontsize=10)
    fig.tight_layout()
    return fig
