"""Agency figure: who acts and who is acted upon, per outlet (table from
:func:`analysis.measures.agency.actor_roles`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> roles = pd.DataFrame({"outlet": ["A", "A", "B"], "actor": ["officials", "firm", "firm"],
...                       "role": ["agent", "patient", "agent"], "n": [4, 2, 1]})
>>> [ax.get_title() for ax in plot_agents_patients(roles).axes if ax.get_visible()]
['A', 'B']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.viz.style import label_with_n, outlet_colors, row_height

#: Panels per row of small multiples; more outlets wrap onto further rows.
MAX_COLUMNS = 5


def plot_agents_patients(roles: pd.DataFrame, *, n_docs: pd.Series | None = None, colors: dict | None = None,
                         top: int = 8, unit: str = "actor group"):
    """One panel per outlet: for the ``top`` actors (most verb roles overall), agent counts to the right and
    patient counts (hatched) to the left of zero. Panels wrap after :data:`MAX_COLUMNS` outlets; ``unit``
    names what ``roles["actor"]`` holds (``"actor"`` for ``actor_roles(level="actor")``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    actors = roles.groupby("actor")["n"].sum().sort_values(ascending=False).head(top).index.tolist()
    outlets = sorted(roles["outlet"].astype(str).unique())
    colors = colors or outlet_colors(outlets)
    ncol = min(len(outlets), MAX_COLUMNS)
    nrow = int(np.ceil(len(outlets) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.4 * ncol + 1.5, nrow * row_height(len(actors), per_row=0.4)),
                             sharey=True, sharex=True, squeeze=False)
    y = np.arange(len(actors))
    for ax, outlet in zip(axes.ravel(), outlets):
        d = roles[(roles["outlet"].astype(str) == outlet) & roles["actor"].isin(actors)]
        ag = d[d.role == "agent"].groupby("actor")["n"].sum().reindex(actors, fill_value=0)
        pa = d[d.role == "patient"].groupby("actor")["n"].sum().reindex(actors, fill_value=0)
        ax.barh(y, ag.to_numpy(), color=colors[outlet])
        ax.barh(y, -pa.to_numpy(), color=colors[outlet], alpha=0.35, hatch="//", edgecolor="white")
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(label_with_n(outlet, n_docs[outlet]) if n_docs is not None and outlet in n_docs else outlet,
                     fontsize=10)
        ax.set_xlabel("← patient   |   agent →")
    for ax in axes.ravel()[len(outlets):]:
        ax.set_visible(False)
    axes[0][0].set_yticks(y, actors)
    axes[0][0].set_ylim(len(actors) - 0.5, -0.5)  # shared y axis: most frequent actor on top
    fig.legend(handles=[Patch(color="grey", label="agent: subject of an active verb / by-phrase of a passive"),
                        Patch(color="grey", alpha=0.35, hatch="//", label="patient: object / subject of a passive")],
               loc="upper center", ncol=2, bbox_to_anchor=(0.5, 0.0), fontsize=9, frameon=False)
    fig.suptitle(f"Who acts and who is acted upon: verb roles by {unit} (counts"
                 + ("; articles per outlet in the titles)" if n_docs is not None else ")"), y=1.0)
    fig.tight_layout()
    return fig
