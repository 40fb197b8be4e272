"""Agency figure: who acts and who is acted upon, per outlet (table from
:func:`analysis.measures.agency.actor_roles`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> roles = pd.DataFrame({"outlet": ["A", "A", "B"], "actor": ["officials", "firm", "firm"],
...                       "role": ["agent", "patient", "agent"], "n": [4, 2, 1]})
>>> [ax.get_title() for ax in plot_agents_patients(roles, min_n=1).axes if ax.get_visible()]
['A', 'B']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.intervals import MIN_CELL_N
from analysis.viz.style import (THIN_EDGE, THIN_HATCH, facet_grid, figure_size, fit_text, outlet_colors, outlet_label,
                                shown_note)

#: Panels per row of small multiples; more outlets wrap onto further rows.
MAX_COLUMNS = 5


def plot_agents_patients(roles: pd.DataFrame, *, n_docs: pd.Series | None = None, colors: dict | None = None,
                         top: int = 8, unit: str = "actor group", min_n: int = MIN_CELL_N):
    """One panel per outlet: for the ``top`` actors (most verb roles overall), agent counts to the right and
    patient counts (hatched) to the left of zero. Panels wrap after :data:`MAX_COLUMNS` outlets; ``unit``
    names what ``roles["actor"]`` holds (``"actor"`` for ``actor_roles(level="actor")``). When ``top`` cuts
    actors the title says "top 8 of 14 actor groups shown (by verb roles)". An outlet with fewer than
    ``min_n`` verb roles among them is drawn faded and hatched, its title saying "too few".
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    totals = roles.groupby("actor")["n"].sum().sort_values(ascending=False, kind="stable")
    actors = totals.head(top).index.tolist()
    outlets = sorted(roles["outlet"].astype(str).unique())
    colors = colors or outlet_colors(outlets)
    nrow, ncol = facet_grid(len(outlets), max_cols=MAX_COLUMNS)
    w, h = figure_size(nrow * len(actors), ncol, row=0.4, col=3.1, base=(1.2, 1.6 + 0.9 * nrow),
                       labels=actors, minimum=(6.0, 3.0))
    fig, axes = plt.subplots(nrow, ncol, figsize=(w, h), sharey=True, sharex=True, squeeze=False)
    y = np.arange(len(actors))
    thin_any = False
    for ax, outlet in zip(axes.ravel(), outlets):
        d = roles[(roles["outlet"].astype(str) == outlet) & roles["actor"].isin(actors)]
        ag = d[d.role == "agent"].groupby("actor")["n"].sum().reindex(actors, fill_value=0)
        pa = d[d.role == "patient"].groupby("actor")["n"].sum().reindex(actors, fill_value=0)
        n = int(ag.sum() + pa.sum())
        thin = n < min_n
        thin_any |= thin
        c = colors[outlet]
        if thin:   # too few roles to compare: the same bars, faded and hatched
            ax.barh(y, ag.to_numpy(), color=c, alpha=0.3, hatch=THIN_HATCH, edgecolor=THIN_EDGE, lw=0)
            ax.barh(y, -pa.to_numpy(), color=c, alpha=0.15, hatch=THIN_HATCH, edgecolor=THIN_EDGE, lw=0)
        else:
            ax.barh(y, ag.to_numpy(), color=c)
            ax.barh(y, -pa.to_numpy(), color=c, alpha=0.35, hatch="//", edgecolor="white")
        ax.axvline(0, color="black", lw=0.8)
        name = outlet_label(outlet, n_articles=n_docs[outlet] if n_docs is not None and outlet in n_docs else None)
        ax.set_title(fit_text(name + (f"\nn={n} roles: too few" if thin else ""), 2.9), fontsize=9.5,
                     color="0.45" if thin else "black")
        ax.set_xlabel("← patient   |   agent →", fontsize=9)
    for ax in axes.ravel()[len(outlets):]:
        ax.set_visible(False)
    axes[0][0].set_yticks(y, actors)
    axes[0][0].set_ylim(len(actors) - 0.5, -0.5)  # shared y axis: most frequent actor on top
    fig.legend(handles=[Patch(color="grey", label="agent: subject of an active verb / by-phrase of a passive"),
                        Patch(color="grey", alpha=0.35, hatch="//", label="patient: object / subject of a passive")],
               loc="upper center", ncol=2, bbox_to_anchor=(0.5, 0.0), fontsize=9, frameon=False)
    lines = [f"Who acts and who is acted upon: verb roles by {unit} (counts"
             + ("; articles per outlet in the titles)" if n_docs is not None else ")")]
    note = shown_note(len(actors), len(totals), what=f"{unit}s", by="verb roles")
    if note:
        lines.append(note)
    if thin_any:
        lines.append(f"faded panels: fewer than {min_n} verb roles, too few to compare")
    fig.suptitle(fit_text("\n".join(lines), w - 0.4), y=1.0)
    fig.tight_layout()
    return fig
