"""Synthesis figures: every measure side by side per outlet, and how much an outlet's own articles differ
(tables from :mod:`analysis.compare.synthesis`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> per_article = pd.DataFrame({"family": ["tone", "tone", "frames"], "quantity": ["overall", "overall", "conflict"],
...                             "outlet": ["A", "B", "A"], "spread": [0.2, 0.1, 0.3]})
>>> [t.get_text() for t in plot_article_spread(per_article).axes[0].get_yticklabels()]
['tone', 'frames']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compare.synthesis import FAMILIES, Synthesis
from analysis.intervals import MIN_CELL_N
from analysis.viz.style import (facet_grid, figure_size, fit_text, interval_caption, interval_levels, names_note,
                                outlet_colors, outlet_label, thin_point)

def plot_side_by_side(synth: Synthesis, *, families: tuple[str, ...] | None = None, colors: dict | None = None,
                      max_quantities: int = 6, min_n: int = MIN_CELL_N, max_cols: int = 4):
    """Small multiples: one panel per quantity (wrapped after ``max_cols``), outlets on the y axis, estimate with
    its interval.

    Panels come from ``synth.comparison`` (same quantity for every outlet), grouped by family; at most
    ``max_quantities`` per family (the ones with the largest spread between outlets; the title then says
    how many of how many quantities are shown). Each outlet's label carries its articles and, when its
    intervals do not resample articles, its level (``"sentence-level"``); the title says what the intervals
    resample. An estimate resting on fewer than ``min_n`` units (sentences, quotations, verb roles; default
    :data:`analysis.intervals.MIN_CELL_N`) is a grey cross with no interval and ``n=2 (too few)``; the
    title says so.
    """
    import matplotlib.pyplot as plt

    comp = synth.comparison
    fams = [f for f in (families or FAMILIES) if f in set(comp.family)]
    panels, n_quantities = [], 0
    for f in fams:
        g = comp[comp.family == f]
        spread = g.groupby("quantity").estimate.agg(lambda s: s.max() - s.min()).sort_values(ascending=False)
        n_quantities += len(spread)
        panels += [(f, q) for q in spread.index[:max_quantities]]
    outlets = sorted(comp.outlet.astype(str).unique())
    colors = colors or outlet_colors(outlets)
    n_art = synth.claims.drop_duplicates("outlet").set_index("outlet").n_articles
    # one level per outlet over every family: articles, or units (sentences, quotations, verb roles)
    levels = {o: v if v in ("articles", "none") else "units"
              for o, v in interval_levels(comp[comp.family != "coverage"]).items()}
    ylabels = [outlet_label(o, n_articles=n_art.get(o, 0), level=levels.get(o)) for o in outlets]
    nrow, ncol = facet_grid(len(panels), max_cols=max_cols)
    w, h = figure_size(nrow * len(outlets), ncol, row=0.3, col=3.6, base=(0.6, 2.0 + 0.75 * nrow), labels=ylabels,
                       minimum=(8.0, 3.0))
    fig, axes = plt.subplots(nrow, ncol, figsize=(w, h), sharey=True, squeeze=False)
    thin_any = False
    for ax, (fam, q) in zip(axes.ravel(), panels):
        d = comp[(comp.family == fam) & (comp.quantity == q)].assign(outlet=lambda t: t.outlet.astype(str))
        d = d.set_index("outlet").reindex(outlets)
        for i, o in enumerate(outlets):
            r = d.loc[o]
            if pd.isna(r.estimate):
                continue
            if r.n_units < min_n:  # too few units: no colour, no interval
                thin_point(ax, r.estimate, i, r.n_units)
                thin_any = True
                continue
            lo, hi = r.estimate - r.ci_low, r.ci_high - r.estimate
            flat = not (r.ci_high - r.ci_low > 1e-12)  # zero-width: all units alike, no uncertainty shown
            ax.errorbar(r.estimate, i, xerr=[[max(lo, 0)], [max(hi, 0)]], fmt="o", color=colors[o], capsize=3, ms=5,
                        mfc="white" if flat else colors[o])
            ax.annotate(f"n={int(r.n_units)}", (r.estimate, i), xytext=(0, 5), textcoords="offset points",
                        ha="center", fontsize=6.5, color="0.35")
        ax.set_ylim(len(outlets) - 0.5, -0.8)
        if fam in ("tone", "tone about actors"):
            ax.axvline(0, color="0.6", lw=0.8)
        title = q if len(q) < 48 else q[:45] + "..."
        ax.set_title(fit_text(f"{fam}: {title}", 3.4, fontsize=8.5), fontsize=8.5, loc="left")
        ax.tick_params(axis="x", labelsize=7.5)
    for ax in axes.ravel()[len(panels):]:
        ax.set_visible(False)
    axes[0][0].set_yticks(range(len(outlets)), ylabels)
    for row in axes:
        row[0].tick_params(axis="y", labelleft=True, labelsize=8)
    lines = ["All measures side by side: dot = estimate, bar = "
             + (interval_caption(levels) if levels else "95% bootstrap interval")
             + "; hollow dot = no interval (all units alike)",
             "n = units behind the estimate, articles in brackets"]
    if thin_any:
        lines[-1] += f"; grey cross = fewer than {min_n} units, too few to show an interval"
    if len(panels) < n_quantities:
        lines.append(f"{len(panels)} of {n_quantities} quantities shown (at most {max_quantities} per family, "
                     "those that differ most between outlets)")
    fig.suptitle(fit_text("\n".join(lines), w - 0.4), fontsize=10, y=1.0)
    fig.tight_layout()
    return fig


def plot_article_spread(per_article: pd.DataFrame, *, colors: dict | None = None, outlets=None):
    """One dot per quantity and outlet: the spread (max - min) between the outlet's own articles, by family.

    ``per_article`` is :func:`analysis.compare.synthesis.article_values` (one ``spread`` per family, quantity
    and outlet); dots are coloured by outlet, families are rows in reading order. ``outlets`` (every outlet of
    the corpus) lets the title name the ones without a spread (a single article).
    """
    import matplotlib.pyplot as plt

    s = per_article.drop_duplicates(["family", "quantity", "outlet"])
    fams = [f for f in FAMILIES if f in set(s.family)] + sorted(set(s.family) - set(FAMILIES))
    outlets_drawn = sorted(s.outlet.astype(str).unique())
    colors = colors or outlet_colors(outlets_drawn)
    fig, ax = plt.subplots(figsize=figure_size(len(fams), 1, row=0.45, col=5.0, base=(1.0, 1.8), labels=fams,
                                               legend_entries=len(outlets_drawn) + 1, legend_labels=outlets_drawn,
                                               minimum=(8.0, 2.5)))
    rng = np.random.default_rng(0)  # vertical jitter only, so equal spreads stay visible
    for o in outlets_drawn:
        d = s[s.outlet.astype(str) == o]
        y = d.family.map({f: i for i, f in enumerate(fams)}).to_numpy() + rng.uniform(-0.15, 0.15, len(d))
        ax.scatter(d.spread, y, s=30, alpha=0.75, color=colors[o], label=o)
    ax.set_yticks(range(len(fams)), fams)
    ax.set_ylim(len(fams) - 0.5, -0.5)
    ax.set_xlabel("spread between an outlet's articles (max - min; shares, tone on its -1..+1 scale)")
    missing = sorted({str(o) for o in (outlets if outlets is not None else [])} - set(outlets_drawn))
    title = "How much do an outlet's own articles disagree? (one dot per quantity and outlet)"
    if missing:
        title += f"\nnot shown, one article (no spread): {names_note(missing)}"
    ax.set_title(title, fontsize=10)
    ax.legend(title="outlet", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    return fig
