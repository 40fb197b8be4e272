"""Topic prevalence ~ covariates (tables of :mod:`analysis.compare.prevalence`): outlet effects with their
intervals, one panel per topic, and the expected share of each topic over time with its band.

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> eff = pd.DataFrame({"topic": [1, 1], "label": "T1 toll · fee", "covariate": "outlet", "term": ["A", "B"],
...     "versus": "the average outlet", "estimate": [0.1, -0.1], "ci_low": [0.02, -0.2], "ci_high": [0.2, -0.02],
...     "naive_estimate": [0.1, -0.1], "naive_low": [0.05, -0.15], "naive_high": [0.15, -0.05],
...     "n_articles": [4, 5], "n_refits": 10, "alignment": 0.95, "reappears": 10, "note": ""})
>>> fig = plot_prevalence_effects(eff)
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['A (4 art.)', 'B (5 art.)']
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from analysis.viz.style import label_with_n, outlet_colors, placeholder_figure, row_height

#: Title of the outlet-effects figure and of its placeholder.
EFFECTS_TITLE = "Topic prevalence by outlet: effects with intervals"
OVER_TIME_TITLE = "Topic prevalence over time"


def _wrap(label: str, width: int = 26) -> str:
    return "\n".join(textwrap.wrap(str(label), width=width, break_long_words=False)) or str(label)


def _grid(n_panels: int, n_rows_each: int, *, max_cols: int) -> tuple[int, int]:
    ncols = max(1, min(n_panels, max_cols if n_rows_each <= 10 else max(1, max_cols - 1)))
    return ncols, int(np.ceil(n_panels / ncols))


def _cannot_message(rows: pd.DataFrame) -> str:
    """One sentence per reason, naming the outlets it applies to."""
    parts = []
    for note, g in rows.assign(note=rows["note"].fillna("").astype(str)).groupby("note", sort=False):
        why = note.removeprefix("cannot be estimated: ").strip() or "no estimate"
        names = sorted(str(t) for t in g["term"].dropna().unique() if str(t))
        parts.append((f"{', '.join(names)}: " if names else "") + why.rstrip(".") + ".")
    shown = parts[:4] + ([f"... and {len(parts) - 4} more reasons."] if len(parts) > 4 else [])
    return "Outlet effects cannot be estimated. " + " ".join(shown)


def plot_prevalence_effects(effects: pd.DataFrame, *, colors: dict | None = None, max_topics: int = 12,
                            max_cols: int = 4, show_naive: bool = True, title: str = EFFECTS_TITLE):
    """Dot-and-whisker grid: one panel per topic, one row per outlet, its effect on the article's topic share.

    Dot = estimate (mean over refits), thin whisker = the interval from the method of composition (refits x
    coefficient draws), thick pale bar = the reference fit's interval alone (``show_naive``). An outlet that
    cannot be estimated is a grey cross at 0 with its reason; a topic that does not reappear in every refit
    gets a warning in its title. With more than ``max_topics`` topics, those with the largest outlet effects
    are drawn and a note says "top N of M topics shown". Sizes grow with outlets and topics. No estimable
    effect at all: a figure that says why.
    """
    import matplotlib.pyplot as plt

    rows = effects[effects["covariate"] == "outlet"] if len(effects) else effects
    ok = rows[rows["estimate"].notna()] if len(rows) else rows
    if ok.empty:
        return placeholder_figure(_cannot_message(rows) if len(rows) else "no topic prevalence table",
                                  title=title, figsize=(7.5, 2.8))
    topics_all = sorted(ok["topic"].dropna().astype(int).unique())
    strength = ok.assign(a=ok["estimate"].abs()).groupby("topic")["a"].max()
    shown = sorted(strength.sort_values(ascending=False, kind="stable").index[:max_topics].astype(int))
    outlets = sorted(rows["term"].astype(str).unique())
    n_art = rows.groupby("term")["n_articles"].max()
    colors = {**outlet_colors(outlets), **(colors or {})}
    ncols, nrows = _grid(len(shown), len(outlets), max_cols=max_cols)
    height = row_height(len(outlets), per_row=0.34, base=1.2, minimum=2.0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.1 * ncols + 1.8, height * nrows + 1.0), sharex=True,
                             sharey=True, squeeze=False)
    scale = 100.0   # shares -> percentage points
    lim = float(np.nanmax(np.abs(ok[["ci_low", "ci_high", *(["naive_low", "naive_high"] if show_naive else [])]]
                                 .to_numpy(dtype=float)))) * scale
    for ax, t in zip(axes.ravel(), shown):
        sub = rows[rows["topic"] == t].set_index("term")
        ax.axvline(0, color="0.55", lw=0.8, zorder=0)
        for y, o in enumerate(outlets):
            if o not in sub.index:
                continue
            r = sub.loc[o]
            c = colors.get(o, "0.3")
            if pd.isna(r["estimate"]):
                ax.plot(0, y, marker="x", color="0.6", ms=6, ls="none")
                why = str(r["note"]).removeprefix("cannot be estimated: ").split(" (")[0]
                ax.annotate(why, (0, y), xytext=(6, 0), textcoords="offset points", fontsize=7, color="0.45",
                            va="center")
                continue
            if show_naive and pd.notna(r["naive_low"]):
                ax.plot([r["naive_low"] * scale, r["naive_high"] * scale], [y, y], color=c, lw=6, alpha=0.3,
                        solid_capstyle="butt")
            ax.plot([r["ci_low"] * scale, r["ci_high"] * scale], [y, y], color=c, lw=1.6)
            ax.plot(r["estimate"] * scale, y, "o", color=c, ms=6)
        lab = str(sub["label"].iloc[0])
        unstable = int(sub["reappears"].iloc[0]) < int(sub["n_refits"].iloc[0]) if pd.notna(sub["reappears"].iloc[0]) else False
        head = _wrap(lab)
        if unstable:
            head += f"\nunstable: in {int(sub['reappears'].iloc[0])} of {int(sub['n_refits'].iloc[0])} refits"
        ax.set_title(head, fontsize=9, color="firebrick" if unstable else "black")
        ax.set_xlim(-lim * 1.15, lim * 1.15)
        ax.tick_params(axis="x", labelsize=8)
    for i, ax in enumerate(axes.ravel()):
        if i >= len(shown):
            ax.set_visible(False)
        elif i + ncols >= len(shown):   # nothing drawn below this panel: it carries the x tick labels
            ax.xaxis.set_tick_params(labelbottom=True)
        ax.tick_params(axis="y", labelsize=8)
    first = axes[0][0]
    first.set_yticks(range(len(outlets)))
    first.set_yticklabels([label_with_n(o, n_art.get(o, 0)) for o in outlets])
    first.set_ylim(len(outlets) - 0.5, -0.5)
    versus = next((v for v in ok["versus"].astype(str) if v), "the average outlet")
    n_refits = int(ok["n_refits"].max())
    fig.supxlabel(f"effect on the article's topic share, percentage points (vs {versus})", fontsize=9)
    handles = [plt.Line2D([], [], color="0.3", marker="o", lw=1.6,
                          label=f"interval: method of composition over {n_refits} refits")]
    if show_naive:
        handles.append(plt.Line2D([], [], color="0.3", lw=6, alpha=0.3, label="interval of one fit alone (OLS)"))
    note = f"top {len(shown)} of {len(topics_all)} topics shown (largest outlet effects)" if len(shown) < len(topics_all) else ""
    fig.suptitle(title + (f"\n{note}" if note else ""), fontsize=11)
    fig.tight_layout()
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False, fontsize=8,
               bbox_to_anchor=(0.5, 0.0))   # under the figure: saved and shown with bbox_inches="tight"
    return fig


def plot_prevalence_over_time(over_time: pd.DataFrame, *, articles: pd.DataFrame | None = None,
                              colors: dict | None = None, max_topics: int = 12, max_cols: int = 4,
                              message: str = "", title: str = OVER_TIME_TITLE):
    """Expected topic share over time (an average outlet) with its band, one panel per topic; ``articles``
    (``doc_id, outlet, date, topic, share``) adds each article's share as a dot in its outlet's colour.

    No time in the model: a figure that says why (``message``). More than ``max_topics`` topics: those whose
    expected share changes most are drawn, with a "top N of M topics shown" note.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if over_time is None or over_time.empty:
        return placeholder_figure(message or "time is not in the model (no dates, or too few)", title=title)
    topics_all = sorted(over_time["topic"].astype(int).unique())
    change = over_time.groupby("topic")["estimate"].agg(lambda s: s.max() - s.min())
    shown = sorted(change.sort_values(ascending=False, kind="stable").index[:max_topics].astype(int))
    ncols, nrows = _grid(len(shown), 1, max_cols=max_cols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols + 0.8, 2.6 * nrows + 1.0), sharex=True,
                             sharey=True, squeeze=False)
    pts = None
    if articles is not None and len(articles):
        pts = articles.dropna(subset=["date", "share"])
        colors = {**outlet_colors(pts["outlet"].astype(str).unique()), **(colors or {})}
    for ax, t in zip(axes.ravel(), shown):
        g = over_time[over_time["topic"] == t].sort_values("date")
        ax.fill_between(g["date"], g["ci_low"] * 100, g["ci_high"] * 100, color="0.5", alpha=0.25, lw=0)
        ax.plot(g["date"], g["estimate"] * 100, color="0.15", lw=1.6)
        if pts is not None:
            p = pts[pts["topic"] == t]
            ax.scatter(p["date"], p["share"] * 100, s=14, c=[colors.get(str(o), "0.4") for o in p["outlet"]],
                       alpha=0.8, zorder=3, edgecolors="none")
        ax.set_title(_wrap(g["label"].iloc[0]), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=4))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    for ax in axes.ravel()[len(shown):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("topic share, %", fontsize=9)
    note = f"top {len(shown)} of {len(topics_all)} topics shown (largest change)" if len(shown) < len(topics_all) else ""
    fig.suptitle(title + (f"\n{note}" if note else ""), fontsize=11)
    handles = [plt.Line2D([], [], color="0.15", lw=1.6, label="expected share, average outlet"),
               plt.Rectangle((0, 0), 1, 1, color="0.5", alpha=0.25, label="interval (method of composition)")]
    if pts is not None:
        handles += [plt.Line2D([], [], ls="none", marker="o", color=colors[o], label=o)
                    for o in sorted(pts["outlet"].astype(str).unique())]
    fig.tight_layout()
    fig.legend(handles=handles, loc="upper center", ncol=min(len(handles), 5), frameon=False, fontsize=8,
               bbox_to_anchor=(0.5, 0.0))
    return fig


__all__ = ["EFFECTS_TITLE", "OVER_TIME_TITLE", "plot_prevalence_effects", "plot_prevalence_over_time"]
