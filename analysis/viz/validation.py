"""Validation figures: the coding sample, inter-coder reliability, indicator and classifier F1, calibration,
and the classifier's frame probabilities on a corpus (tables from :mod:`analysis.validate`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> cal = pd.DataFrame({"frame": ["conflict"] * 2, "bin": [0, 1], "n": [5, 5], "mean_predicted": [0.2, 0.7],
...                     "observed": [0.1, 0.8]})
>>> [line.get_label() for line in plot_calibration(cal).axes[0].get_lines()][:1]
['conflict']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.corpus.describe import short_ids
from analysis.validate.reliability import ALPHA_RELIABLE, ALPHA_TENTATIVE
from analysis.viz.style import distinct_colors, figure_size

#: Floor, then the methods compared with it: grey, blue, orange (more methods get further colours).
COMPARISON_COLORS = ("#bbbbbb", "#4c72b0", "#dd8452")


def _frame_palette(frames) -> dict:
    """tab10 per frame up to 10 frames (as the figures always had), distinct hues beyond."""
    import matplotlib.pyplot as plt

    frames = list(frames)
    colors = list(plt.get_cmap("tab10").colors) if len(frames) <= 10 else distinct_colors(len(frames))
    return dict(zip(frames, colors))


def _in_words(name) -> str:
    return str(name).replace("_", " ")


def plot_sample_composition(composition: pd.DataFrame, *, title: str = "Coding sample"):
    """Per outlet, its share of the corpus and of the coding sample (one bar each; columns of ``composition``)."""
    import matplotlib.pyplot as plt

    colors = list(COMPARISON_COLORS) + distinct_colors(len(composition.columns) + 3)[3:]
    fig, ax = plt.subplots(figsize=figure_size(len(composition), 1, row=0.55, col=4.0, base=(1.0, 1.2),
                                               labels=[str(i) for i in composition.index], minimum=(7.0, 3.0)))
    composition.plot.barh(ax=ax, color=colors[:len(composition.columns)], width=0.8)
    ax.set_xlabel("share of sentences")
    ax.set_ylabel("")
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    fig.tight_layout()
    return fig


def plot_reliability(questions: pd.DataFrame, frames: pd.DataFrame, *,
                     thresholds: tuple[float, ...] = (ALPHA_TENTATIVE, ALPHA_RELIABLE),
                     title: str = "Inter-coder reliability (frame questions and frames)"):
    """Krippendorff's alpha with its interval (dot and bar) and percent agreement (diamond), one row per question,
    grouped by frame, then one bold row per frame (``frames``: a reliability table by frame).

    Both tables have ``frame, alpha, alpha_low, alpha_high, agreement``; ``questions`` also ``question``.
    ``thresholds`` are drawn as dashed lines (Krippendorff's 0.667 and 0.80).
    """
    import matplotlib.pyplot as plt

    cols = ["question", "frame", "alpha", "alpha_low", "alpha_high", "agreement"]
    q = questions.dropna(subset=["frame"]).sort_values(["frame", "question"])
    f = frames.assign(question="frame")
    rows = pd.concat([q[cols], f[cols]], ignore_index=True)
    palette = _frame_palette(sorted(rows.frame.unique()))
    fig, ax = plt.subplots(figsize=figure_size(len(rows), 1, row=0.32, col=5.0, base=(3.0, 1.2), minimum=(8.0, 2.5)))
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows.itertuples()):
        c = palette[r.frame]
        ax.plot([r.alpha_low, r.alpha_high], [yi, yi], color=c, lw=2)
        ax.plot(r.alpha, yi, "o", color=c, ms=6)
        ax.plot(r.agreement, yi, "D", mfc="white", mec=c, ms=5)
    ax.set_yticks(y, [f"frame: {_in_words(r.frame)}" if r.question == "frame"
                      else f"{r.question} ({_in_words(r.frame)})" for r in rows.itertuples()])
    for lab in ax.get_yticklabels()[-len(f):]:
        lab.set_fontweight("bold")
    for v in thresholds:
        ax.axvline(v, ls="--", color="grey", lw=1)
        ax.text(v, len(rows) - 0.4, f"{v:.3g}", ha="center", va="bottom", fontsize=9, color="grey")
    ax.axvline(0, color="black", lw=0.8)
    ax.axhline(len(f) - 0.5, color="black", lw=0.6)
    ax.set_xlim(-0.2, 1.02)
    ax.set_xlabel("Krippendorff's alpha (dot, 95% bootstrap CI)   ◇ = percent agreement")
    ax.set_title(title, pad=16)
    fig.tight_layout()
    return fig


def plot_f1_comparison(scores: pd.DataFrame, *, title: str = "Frame detection against human labels"):
    """Grouped bars: F1 per frame (rows of ``scores``) for each method (columns, the floor first)."""
    import matplotlib.pyplot as plt

    colors = list(COMPARISON_COLORS) + distinct_colors(len(scores.columns) + 3)[3:]
    fig, ax = plt.subplots(figsize=figure_size(1, len(scores), row=0, col=1.5, base=(2.0, 4.0), minimum=(8.0, 4.0)))
    scores.plot.bar(ax=ax, color=colors[:len(scores.columns)], width=0.8)
    ax.set_ylabel("F1 against human labels")
    ax.set_xlabel("")
    ax.set_ylim(0, 1)
    ax.set_xticks(range(len(scores)), [_in_words(i) for i in scores.index], rotation=0)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=True, fontsize=9)
    fig.tight_layout()
    return fig


def plot_calibration(calibration: pd.DataFrame, *, title: str = "Calibration of out-of-fold probabilities"):
    """Reliability diagram: per frame, observed share against mean predicted probability per bin; the diagonal
    is perfect calibration (``calibration``: :func:`analysis.validate.frame_classifier.calibration_table`)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figure_size(1, 1, row=0, col=0, base=(7.0, 5.0),
                                               legend_entries=calibration["frame"].nunique() + 1))
    for fr, g in calibration.groupby("frame"):
        ax.plot(g.mean_predicted, g.observed, "o-", label=_in_words(fr))
    ax.plot([0, 1], [0, 1], "--", color="grey", lw=1, label="_diagonal")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("mean predicted probability (bin)")
    ax.set_ylabel("share coded present by humans")
    ax.set_title(title)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1), title="frame")
    fig.tight_layout()
    return fig


def plot_frame_probabilities(table: pd.DataFrame, *, thresholds: dict | None = None, title: str = "Articles",
                             max_rows: int = 40):
    """Article x frame heatmap of the classifier's probabilities; ``●`` where the codebook indicators flag it.

    ``table`` has ``outlet, doc_id, frame, probability, indicators_present``; ``thresholds`` (frame -> cut)
    are written under each frame. At most ``max_rows`` articles are drawn (equal numbers per outlet) and the
    title then says how many of how many. ``title`` names the corpus.
    """
    import matplotlib.pyplot as plt

    wide = table.pivot_table(index=["outlet", "doc_id"], columns="frame", values="probability")
    flags = table.pivot_table(index=["outlet", "doc_id"], columns="frame", values="indicators_present",
                              aggfunc="first")
    n_all = len(wide)
    per_outlet = max(1, max_rows // wide.index.get_level_values("outlet").nunique())
    wide = wide.groupby(level="outlet").head(per_outlet)
    flags = flags.reindex(index=wide.index, columns=wide.columns)
    short = short_ids(wide.index.get_level_values("doc_id"))
    ylabels = [f"{o} ({short[d]})" for o, d in wide.index]
    fig, ax = plt.subplots(figsize=figure_size(wide.shape[0], wide.shape[1], row=0.3, col=1.5, base=(2.5, 1.5),
                                               labels=ylabels, minimum=(8.5, 4.0)))
    im = ax.imshow(wide.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(wide.shape[0]):
        for j in range(wide.shape[1]):
            v = wide.iat[i, j]
            flag = flags.iat[i, j]
            mark = " ●" if pd.notna(flag) and bool(flag) else ""  # no indicator result: no mark
            ax.text(j, i, f"{v:.2f}{mark}", ha="center", va="center", fontsize=9, color="white" if v > 0.6 else "black")
    cuts = thresholds or {}
    names = [_in_words(c).replace(" ", "\n") + (f"\n(cut {cuts[c]:.2f})" if c in cuts else "") for c in wide.columns]
    ax.set_xticks(range(wide.shape[1]), names, fontsize=9)
    ax.set_yticks(range(wide.shape[0]), ylabels)
    ax.grid(False)
    fig.colorbar(im, ax=ax, label="P(frame) from the classifier")
    shown = "" if len(wide) == n_all else f" ({len(wide)} of {n_all} articles)"
    ax.set_title(f"{title}{shown}: classifier probability of each frame\n"
                 "(cut = the classifier's tuned decision threshold; ● = codebook indicators flag the frame)",
                 fontsize=10)
    return fig
