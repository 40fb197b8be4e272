"""Term figures: distinctive words per outlet (Monroe et al.'s fightin' words view) and listed-term rates
(tables from :mod:`analysis.measures.distinctive` and :mod:`analysis.measures.kwic`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> rates = pd.DataFrame({"outlet": ["A", "B"], "group": "g", "term": "ban", "n": [3, 1],
...                       "n_words": [100, 200], "rate": [30.0, 5.0]})
>>> plot_term_rates(rates, title="Story terms").axes[0].get_title()
'Story terms: colour = rate per 1,000 words, number = raw count'
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.viz.style import facet_grid, figure_size, fit_text, placeholder_figure, shown_note, top_groups, wrap_label

def plot_fightin_words(scores: pd.DataFrame, *, by: str = "outlet", n_label: int = 8, z_line: float = 1.96,
                       colors: dict | None = None, max_groups: int | None = None, max_cols: int = 3):
    """Small multiples, one per group: z-score (y) against corpus frequency of the term (x, log scale).

    The ``n_label`` highest-z terms are named (pale: below ``z_line``; solid: above it); grey points are
    the rest of the vocabulary. This is the view of Monroe et al. (2008), Fig. 1-6. Every group gets a panel,
    wrapped after ``max_cols`` a row, unless ``max_groups`` is given: then only the groups with most words do
    and the title says "top N of M outlets shown (by words)". Empty ``scores`` (fewer than two outlets:
    nothing to compare) give a figure that says so.
    """
    import matplotlib.pyplot as plt

    if scores.empty:
        return placeholder_figure(f"distinctive words cannot be estimated: each {by} is compared with the others, "
                                  f"so at least 2 {by}s with words are needed", title="Distinctive words")

    size = scores.groupby(by)["count"].sum()
    groups = sorted(top_groups(size, max_groups), key=str)
    note = shown_note(len(groups), len(size), what=f"{by}s", by="words")
    rows, cols = facet_grid(len(groups), max_cols=max_cols if len(groups) > 4 else 2)
    panel_w, panel_h = (6.8, 4.2) if cols <= 2 else (5.4, 3.6)
    w, h = figure_size(rows, cols, row=panel_h, col=panel_w, base=(0.6, 0.6 if not note else 1.0), minimum=(6.8, 4.2))
    fig, axes = plt.subplots(rows, cols, figsize=(w, h), squeeze=False, sharey=True)
    rng = np.random.default_rng(0)  # jitter only, for readability of tied counts
    drawn = scores[scores[by].isin(groups)]["z"]
    z_range = (float(min(drawn.min(), -z_line)), float(max(drawn.max(), z_line)))
    for ax, g in zip(axes.ravel(), groups):
        s = scores[scores[by] == g]
        x = s["total"].to_numpy() * np.exp(rng.uniform(-0.08, 0.08, len(s)))
        hot = (s["z"] > z_line).to_numpy()
        c = (colors or {}).get(g, "C3")
        top = s[s["count"] > 0].nlargest(n_label, "z")
        lab = s.index.isin(top.index)
        ax.scatter(x[~hot & ~lab], s["z"][~hot & ~lab], s=8, color="0.75", lw=0)
        ax.scatter(x[lab & ~hot], s["z"][lab & ~hot], s=18, color=c, lw=0, alpha=0.55)
        ax.scatter(x[hot], s["z"][hot], s=22, color=c, lw=0)
        ax.axhline(z_line, color="0.4", lw=0.7, ls="--")
        ax.axhline(-z_line, color="0.4", lw=0.7, ls="--")
        ax.set_xscale("log")
        xi = dict(zip(s.index, x))
        # labels in a column just right of the panel, in z order, pushed apart, joined to their points
        # one y range for every panel (the axes are shared): the most extreme z of any group drawn
        lo_z, hi_z = z_range
        gap = 0.065 * (hi_z - lo_z + 0.6)
        y_prev = np.inf
        for idx, r in top.sort_values("z", ascending=False).iterrows():
            y = min(r.z, y_prev - gap)
            y_prev = y
            ax.annotate(r.term, (xi[idx], r.z), xytext=(1.02, y), textcoords=("axes fraction", "data"),
                        fontsize=8, va="center", color="0.05" if r.z > z_line else "0.4", annotation_clip=False,
                        arrowprops=dict(arrowstyle="-", color="0.7", lw=0.5, shrinkA=0, shrinkB=2))
        ax.set_title(fit_text(f"{g} vs the rest", panel_w - 1.4), fontsize=10)
        ax.set_xlabel("term count in the whole corpus (log)")
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("z-score of weighted log-odds")
    axes[0][0].set_ylim(z_range[0] - 0.3, z_range[1] + 0.3)
    if note:
        fig.suptitle(note, fontsize=10)
    fig.tight_layout()
    fig.subplots_adjust(wspace=0.45 if cols > 2 else 0.35, right=0.9)
    return fig


def plot_term_rates(rates: pd.DataFrame, *, by: str = "outlet", value: str = "rate", min_total: int = 1,
                    max_groups: int | None = None, title: str = "Listed terms"):
    """Heatmap of term rates (rows: terms grouped by ``group``; columns: outlets), raw counts annotated.

    Terms used fewer than ``min_total`` times in the whole corpus are left out. Every outlet gets a column
    unless ``max_groups`` is given: then the outlets with most words do, and the title says "top N of M
    outlets shown (by words)". ``title`` names the term list (e.g. the story's framing terms). No term used
    ``min_total`` times (or no term list): a figure that says the rates cannot be estimated.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    size = rates.groupby(by)["n_words"].first()
    keep = top_groups(size, max_groups)
    note = shown_note(len(keep), len(size), what=f"{by}s", by="words")
    rates = rates[rates[by].isin(keep)]
    tot = rates.groupby("term")["n"].sum()
    r = rates[rates["term"].isin(tot[tot >= min_total].index)]
    if r.empty:
        why = "no term list" if rates.empty else f"no listed term is used {min_total} or more times"
        return placeholder_figure(f"term rates cannot be estimated: {why}", title=title)
    order = r.drop_duplicates("term").sort_values(["group", "term"])
    row_labels = [f"{t}  ({g.replace('_', ' ')})" for g, t in zip(order["group"], order["term"])]
    val = r.pivot(index="term", columns=by, values=value).loc[order["term"]].astype(float)
    cnt = r.pivot(index="term", columns=by, values="n").loc[order["term"]]
    xlabels = [wrap_label(c, 11) for c in val.columns]
    col_w = max(0.75, 0.075 * max(len(line) for lab in xlabels for line in lab.split("\n")) + 0.1)
    w, h = figure_size(len(val), val.shape[1], row=0.3, col=col_w, base=(2.5, 2.0 + 0.15 * max(
        lab.count("\n") for lab in xlabels)), labels=row_labels, minimum=(6.0, 2.5))
    fig, ax = plt.subplots(figsize=(w, h))
    sns.heatmap(val, annot=cnt.astype(int), fmt="d", cmap="Reds", cbar_kws={"label": f"{value} per 1,000 words"},
                ax=ax, annot_kws={"fontsize": 8}, linewidths=0.3, linecolor="white")
    ax.set_yticks(np.arange(len(val)) + 0.5)
    ax.set_yticklabels(row_labels, fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks(np.arange(len(xlabels)) + 0.5, xlabels, rotation=0, fontsize=9)
    head = f"{title}: colour = rate per 1,000 words, number = raw count"
    ax.set_title(fit_text(head + (f"\n{note}" if note else ""), w - 0.8), fontsize=10)
    # horizontal rules between term groups
    bounds = np.flatnonzero(order["group"].to_numpy()[1:] != order["group"].to_numpy()[:-1]) + 1
    for b in bounds:
        ax.axhline(b, color="black", lw=0.8)
    return fig


def plot_term_heatmap(profile: pd.DataFrame, *, by: str = "outlet", value: str = "per_1000_words",
                      title: str = "Listed terms", cmap: str = "Oranges"):
    """Outlet x term heatmap: colour = ``value`` (per 1,000 words), number = mentions; terms by mentions overall.

    ``profile`` is a ``<by>, term, n, per_1000_words`` table, e.g. from
    :func:`analysis.measures.attribution.measure_profile`; ``title`` names what the terms are (the story's
    names for the contested measure).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if profile.empty:
        raise ValueError("no term was found: nothing to plot")
    cols = profile.groupby("term")["n"].sum().sort_values(ascending=False, kind="stable").index
    mat = profile.pivot(index=by, columns="term", values=value).fillna(0)[cols]
    cnt = profile.pivot(index=by, columns="term", values="n").fillna(0).astype(int)[cols]
    xlabels = [wrap_label(c, 12) for c in cols]   # wrapped to the column, never rotated
    col = max(0.75, 0.9 * max(len(line) for lab in xlabels for line in lab.split("\n")) * 0.07 / 0.8 + 0.1)
    fig, ax = plt.subplots(figsize=figure_size(len(mat), len(cols), row=0.5, col=col, base=(2.5, 2.1),
                                               labels=[str(i) for i in mat.index], minimum=(7.0, 3.0)))
    sns.heatmap(mat, annot=cnt, fmt="d", cmap=cmap, cbar_kws={"label": "per 1,000 words"}, ax=ax,
                annot_kws={"fontsize": 8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks(np.arange(len(cols)) + 0.5, xlabels, rotation=0, ha="center", fontsize=9)
    ax.set_yticks(np.arange(len(mat)) + 0.5, list(mat.index), rotation=0)
    ax.set_title(f"{title}: colour = per 1,000 words, number = mentions", fontsize=10)
    return fig
