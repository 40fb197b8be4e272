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

from analysis.intervals import MIN_CELL_N
from analysis.measures.tone import METHOD_LABELS, METHODS, method_agreement
from analysis.viz.style import (figure_size, fit_text, hatch_thin_cells, interval_caption, interval_levels, label_width,
                                title_width,
                                names_note, outlet_colors, outlet_label, placeholder_figure, shown_note, thin_handle, thin_point,
                                words, wrap_label)

def _outlet_order(tone: pd.DataFrame) -> list[str]:
    return sorted(tone["outlet"].astype(str).unique())


def plot_tone_distributions(tone: pd.DataFrame, *, methods: Sequence[str] | None = None, min_n: int = MIN_CELL_N):
    """One panel per method: each sentence's tone as a dot, per outlet, with the outlet mean as a black bar.

    An outlet with fewer than ``min_n`` sentences gets its dots but no mean bar (a grey dashed one), and the
    title says so. Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    methods = list(methods or [m for m in METHODS if m in set(tone["method"])])
    order = _outlet_order(tone)
    colors = outlet_colors(order)
    w, h = figure_size(len(order), len(methods), row=0.5, col=4.6, base=(0.8, 1.8), labels=order, minimum=(6.0, 3.0))
    fig, axes = plt.subplots(1, len(methods), figsize=(w, h), sharey=True, squeeze=False)
    thin_any = False
    for ax, m in zip(axes[0], methods):
        t = tone[tone["method"] == m].assign(outlet=lambda d: d["outlet"].astype(str))
        sns.stripplot(data=t, x="tone", y="outlet", hue="outlet", order=order, palette=colors, ax=ax,
                      size=4 if len(t) > 2000 else 5, alpha=0.6, jitter=0.25, legend=False)
        means = t.groupby("outlet")["tone"].agg(["mean", "size"])
        for i, o in enumerate(order):
            if o not in means.index:
                continue
            thin = means.loc[o, "size"] < min_n
            thin_any |= bool(thin)
            ax.plot([means.loc[o, "mean"]] * 2, [i - 0.38, i + 0.38], color="0.6" if thin else "black",
                    lw=1.5 if thin else 2.5, ls="--" if thin else "-")
        ax.axvline(0, color="grey", lw=1, ls="--")
        ax.set_xlim(-1.02, 1.02)
        ax.set_title(METHOD_LABELS.get(m, m))
        ax.set_xlabel("sentence tone (-1 negative .. +1 positive)")
        ax.set_ylabel("")
    head = "Sentence tone per outlet (dots = sentences, black bar = mean)"
    if thin_any:
        head += f"; grey dashed bar: fewer than {min_n} sentences, too few for a mean"
    fig.suptitle(fit_text(head, w - 0.4), y=1.0)
    fig.tight_layout()
    return fig


def plot_outlet_tone(outlet_table: pd.DataFrame, *, title: str | None = None, min_n: int = MIN_CELL_N):
    """Mean tone per outlet with bootstrap intervals, one colour per method (from ``outlet_tone``).

    Each outlet's label carries its articles and, when its interval does not resample articles, its level
    (``"sentence-level"``: fewer than :data:`analysis.intervals.SMALL_N` articles); the x label says what the
    intervals resample. A mean of fewer than ``min_n`` sentences is a grey cross without interval.
    """
    import matplotlib.pyplot as plt

    order = sorted(outlet_table["outlet"].astype(str).unique())
    table = outlet_table.assign(outlet=outlet_table["outlet"].astype(str))
    methods = [m for m in METHODS if m in set(table["method"])] or sorted(table["method"].unique())
    n_art = table.groupby("outlet")["n_docs" if "n_docs" in table.columns else "n_clusters"].max().reindex(order)
    levels = interval_levels(table)
    labels = [outlet_label(o, n_articles=n_art.get(o), level=levels.get(o)) for o in order]
    w, h = figure_size(len(order), 1, row=0.2 + 0.25 * len(methods), col=6.0, base=(1.0, 1.9), labels=labels,
                       minimum=(7.0, 3.0))
    fig, ax = plt.subplots(figsize=(w, h))
    offsets = np.linspace(-0.15, 0.15, len(methods)) if len(methods) > 1 else [0.0]
    thin_any = False
    for k, (off, m) in enumerate(zip(offsets, methods)):
        t = table[table["method"] == m].set_index("outlet").reindex(order)
        y = np.arange(len(order)) + off
        thin = (t["n_units"] < min_n).to_numpy() if "n_units" in t.columns else np.zeros(len(t), dtype=bool)
        ok = ~thin & t["estimate"].notna().to_numpy()
        ax.errorbar(t["estimate"][ok], y[ok], xerr=[(t["estimate"] - t["ci_low"])[ok].clip(lower=0),
                                                    (t["ci_high"] - t["estimate"])[ok].clip(lower=0)],
                    fmt="o", capsize=3, label=METHOD_LABELS.get(m, m), color=f"C{k}")
        for i in np.flatnonzero(thin & t["estimate"].notna().to_numpy()):
            thin_point(ax, t["estimate"].iloc[i], y[i], t["n_units"].iloc[i])
            thin_any = True
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(labels)
    ax.axvline(0, color="grey", lw=1, ls="--")
    xlabel = "mean sentence tone, " + (interval_caption(levels) if levels else "95% bootstrap interval")
    if thin_any:
        xlabel += f"; grey cross: fewer than {min_n} sentences"
    ax.set_xlabel(fit_text(xlabel, title_width(w, left=label_width(labels) + 0.3)))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(methods), fontsize=9, frameon=False)
    ax.set_ylim(len(order) - 0.5, -0.5)
    if title:
        ax.set_title(fit_text(title, title_width(w, left=label_width(labels) + 0.3)), pad=24)
    fig.tight_layout()
    return fig


def plot_actor_heatmap(
    actor_outlet: pd.DataFrame,
    *,
    method: str = "hybrid",
    actors: Sequence[str] | None = None,
    min_sentences: int = 2,
    min_n: int = MIN_CELL_N,
    total_actors: int | None = None,
    interval_unit: str | None = None,
):
    """Outlet x actor heatmap of mean tone (outlets are rows): each cell shows the mean, its interval and the
    number of sentences.

    Cells with fewer than ``min_sentences`` sentences are left blank; cells with fewer than ``min_n``
    (default :data:`analysis.intervals.MIN_CELL_N`) are hatched grey with their ``n`` and no colour or
    interval. Outlet labels say when an outlet's intervals do not resample articles
    (:func:`analysis.viz.style.outlet_label`), and the title what they resample. ``actors`` (default: every
    actor in the table, most sentences first) are the columns; ``total_actors``, the number of actor groups
    they were chosen from, puts "top 8 of 12 actor groups shown" in the title when fewer are drawn.
    ``interval_unit`` is kept for old calls (the table's ``interval`` column now decides). When no cell has
    ``min_sentences`` sentences the figure says that the tone toward actors cannot be estimated.
    """
    import matplotlib.pyplot as plt

    table = actor_outlet[actor_outlet["method"] == method]
    t = table[table["n_units"] >= min_sentences]
    t = t.assign(outlet=t["outlet"].astype(str))
    if actors is not None:
        t = t[t["actor"].isin(list(actors))]
    if t.empty:
        n_actors = len(list(actors)) if actors is not None else actor_outlet["actor"].nunique()
        return placeholder_figure(
            f"tone toward actors cannot be estimated: no outlet x actor cell has {min_sentences} or more sentences "
            f"({n_actors} actor group{'s' * (n_actors != 1)} asked for)", title="Tone toward actors")
    cols = list(actors) if actors is not None else (
        t.groupby("actor")["n_units"].sum().sort_values(ascending=False).index.tolist())
    cols = [a for a in cols if a in set(t["actor"])]
    rows = sorted(t["outlet"].unique())
    est = t.pivot_table(index="outlet", columns="actor", values="estimate").reindex(index=rows, columns=cols)
    n = t.pivot_table(index="outlet", columns="actor", values="n_units").reindex(index=rows, columns=cols)
    thin = (n < min_n).to_numpy() & n.notna().to_numpy()
    shown = est.mask(thin)
    finite = np.abs(shown.to_numpy(dtype=float))
    lim = max(0.25, float(np.nanmax(finite))) if np.isfinite(finite).any() else 0.25
    levels = interval_levels(t)
    ylabels = [outlet_label(o, level=levels.get(o)) for o in rows]
    w, h = figure_size(len(rows), len(cols), row=0.62, col=1.15, base=(2.4, 2.4), labels=ylabels, minimum=(7.0, 3.5))
    fig, ax = plt.subplots(figsize=(w, h))
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#f7f7f7")
    im = ax.imshow(np.ma.masked_invalid(shown.to_numpy(dtype=float)), cmap=cmap, vmin=-lim, vmax=lim, aspect="auto",
                   extent=(0, len(cols), len(rows), 0))
    cell = t.set_index(["outlet", "actor"])
    for i, o in enumerate(rows):
        for j, a in enumerate(cols):
            if (o, a) not in cell.index or thin[i, j]:
                continue
            r = cell.loc[(o, a)]
            ci = "" if r.get("interval", "") == "none" else f"\n[{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]"
            ax.text(j + 0.5, i + 0.5, f"{r['estimate']:+.2f}{ci}\nn={int(r['n_units'])}", ha="center", va="center",
                    fontsize=7.5, color="white" if abs(r["estimate"]) > 0.6 * lim else "black")
    if thin.any():
        hatch_thin_cells(ax, thin, n.fillna(0).astype(int).to_numpy(), fontsize=7.5)
    ax.set_xticks(np.arange(len(cols)) + 0.5, [wrap_label(a, 14) for a in cols], rotation=0, fontsize=8.5)
    ax.set_yticks(np.arange(len(rows)) + 0.5, ylabels)
    ax.set_xlim(0, len(cols))
    ax.set_ylim(len(rows), 0)
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8, label="mean tone (-1 .. +1)")
    caption = interval_caption(levels) if levels else f"95% bootstrap interval over {interval_unit or 'sentences'}"
    lines = [f"Tone of sentences mentioning each actor: {METHOD_LABELS.get(method, method)}",
             f"mean, {caption}; n = sentences; blank: < {min_sentences}"]
    if thin.any():
        lines.append(f"hatched: {min_sentences} to {min_n - 1} sentences, too few to show a mean")
    asked = list(actors) if actors is not None else cols
    note = shown_note(len(asked), total_actors, what="actor groups", by="sentences naming them") if total_actors else ""
    if note:
        lines.append(note)
    empty = [a for a in asked if a not in cols]
    if empty:
        lines.append(f"no cell with {min_sentences} or more sentences: {names_note(empty)}")
    base = table if actors is None else table[table["actor"].isin(list(actors))]
    dropped = sorted(set(base["outlet"].astype(str)) - set(rows))
    if dropped:
        lines.append(f"not shown, no actor in {min_sentences} or more sentences: {names_note(dropped)}")
    ax.set_title(fit_text("\n".join(lines), title_width(w, left=label_width(ylabels) + 0.3, right=1.8)),
                 fontsize=10)
    if thin.any():   # under the figure, clear of the wrapped actor names
        fig.legend(handles=[thin_handle(min_n, "sentences")], loc="upper left", bbox_to_anchor=(0.0, 0.0), fontsize=8,
                   frameon=False)
    fig.tight_layout()
    return fig


def plot_method_agreement(tone: pd.DataFrame, *, a: str = "vader", b: str = "hybrid", threshold: float = 0.05):
    """Scatter of two methods' scores for the same sentences, coloured by outlet, with r in the title."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    wide = tone.pivot_table(index=["sent_id", "outlet"], columns="method", values="tone", aggfunc="first").reset_index()
    agr = method_agreement(tone[tone["method"].isin([a, b])], threshold=threshold).iloc[0]
    outlets = sorted(wide["outlet"].astype(str).unique())
    w, h = figure_size(1, 1, row=0, col=0, base=(6.0, 5.6), legend_labels=outlets, legend_entries=len(outlets) + 2,
                       minimum=(7.6, 5.6))
    fig, ax = plt.subplots(figsize=(w, h))
    sns.scatterplot(data=wide, x=a, y=b, hue="outlet", hue_order=outlets,
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
    fig, ax = plt.subplots(figsize=figure_size(1, t["domain"].nunique(), row=0, col=1.6, base=(2.0, 4.0),
                                               minimum=(7.5, 4.0)))
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
