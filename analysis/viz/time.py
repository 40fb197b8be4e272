"""Time and event figures: coverage volume, tone and frame shares over time per outlet (tables from
:mod:`analysis.compare.trends`), and paired-vs-unpaired outlet differences within the same events
(:func:`analysis.compare.events.event_differences`).

Figures facet by outlet (volume, tone) or by frame (frame shares) and grow with the number of facets (three
per row); bins sit on a real date axis, so a year of weekly bins stays readable. Every time figure can name the
articles it leaves out for lack of a full date (``undated=``, :attr:`analysis.compare.trends.TimeBins.undated`).

>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> vol = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "bin": pd.to_datetime(["2025-01-01", "2025-02-01"] * 2),
...                     "bin_label": ["Jan 2025", "Feb 2025"] * 2, "articles": [2, 0, 1, 3],
...                     "ci_low": [0.2, 0, 0.03, 0.6], "ci_high": [7.2, 3.7, 5.6, 8.8]})
>>> fig = plot_volume(vol, unit="month")
>>> [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
['A (2 articles)', 'B (4 articles)']
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from analysis.compare.trends import ALL_OUTLETS
from analysis.viz.style import outlet_colors, placeholder_figure

#: Length of one bin in days, per time unit (for bar widths and band positions).
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.4, "quarter": 91.3, "year": 365.25}
#: Facets per row of every time figure.
NCOLS = 3


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _bin_days(bins: pd.Series, unit: str | None) -> float:
    if unit in _UNIT_DAYS:
        return _UNIT_DAYS[unit]
    b = np.sort(pd.to_datetime(pd.Series(bins)).dropna().unique())
    if len(b) > 1:
        return float(np.median(np.diff(b).astype("timedelta64[s]").astype(float)) / 86400)
    return 1.0


def undated_note(undated: pd.DataFrame | None, *, max_named: int = 5) -> str:
    """The sentence a time figure prints under itself about the articles it cannot place.

    >>> undated_note(pd.DataFrame({"doc_id": ["a1", "b7"], "outlet": ["A", "B"], "status": ["no date", "partial date"]}))
    'Not shown, no full date: 2 articles (a1 (A, no date), b7 (B, partial date)).'
    >>> undated_note(pd.DataFrame(columns=["doc_id", "outlet", "status"]))
    'Every article has a full date.'
    """
    if undated is None:
        return ""
    if len(undated) == 0:
        return "Every article has a full date."
    named = [f"{r.doc_id} ({r.outlet}, {r.status})" for r in undated.head(max_named).itertuples()]
    more = len(undated) - len(named)
    return (f"Not shown, no full date: {_plural(len(undated), 'article')} ({', '.join(named)}"
            + (f" and {more} more" if more > 0 else "") + ").")


def _grid(n: int, *, width: float = 4.3, height: float = 2.4, extra: float = 1.3):
    import matplotlib.pyplot as plt

    ncol = max(1, min(NCOLS, n))
    nrow = int(np.ceil(n / ncol)) if n else 1
    fig, axes = plt.subplots(nrow, ncol, figsize=(width * ncol, height * nrow + extra), squeeze=False,
                             sharex=True, sharey=True)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()[:n]


def _date_axis(ax, bins=None, days: float = 1.0) -> None:
    """Concise date ticks; with ``bins``, the x range is the bins plus half a bin on either side (so one bin
    is not stretched over hours or years)."""
    import matplotlib.dates as mdates

    if bins is not None and len(bins):
        b = pd.to_datetime(pd.Series(bins))
        pad = pd.to_timedelta(max(days, 1.0) * 0.5, unit="D")
        ax.set_xlim(b.min() - pad, b.max() + pd.to_timedelta(max(days, 1.0), unit="D") + pad)

    loc = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.tick_params(axis="x", labelsize=7.5, labelbottom=True)


def _finish(fig, title: str, note: str) -> None:
    fig.suptitle(title, fontsize=10.5, y=1.0)
    fig.tight_layout()
    if note:
        fig.text(0.01, -0.01, textwrap.fill(note, 150), ha="left", va="top", fontsize=8, color="0.3")


def plot_volume(volume: pd.DataFrame, *, unit: str | None = None, undated: pd.DataFrame | None = None,
                colors: dict | None = None, title: str | None = None):
    """Articles per time bin, one panel per outlet (bars, with the exact Poisson interval as a thin line).

    ``volume`` is :func:`analysis.compare.trends.volume_over_time`; ``unit`` the bins' unit (bar width);
    ``undated`` the articles without a full date, named under the figure. Panel titles carry each outlet's
    number of dated articles. An empty table draws a placeholder saying coverage over time cannot be estimated.
    """
    if volume is None or volume.empty:
        return placeholder_figure("coverage over time cannot be estimated: no article has a full date. "
                                  + undated_note(undated), title=title or "Articles over time")
    outlets = sorted(volume["outlet"].astype(str).unique())
    colors = colors or outlet_colors(outlets)
    width = 0.8 * _bin_days(volume["bin"], unit)
    fig, axes = _grid(len(outlets))
    for ax, o in zip(axes, outlets):
        d = volume[volume["outlet"].astype(str) == o].sort_values("bin")
        x = pd.to_datetime(d["bin"])
        ax.bar(x, d["articles"], width=width, align="edge", color=colors.get(o, "0.5"), alpha=0.85)
        mid = x + pd.to_timedelta(width / 2, unit="D")
        ax.vlines(mid, d["ci_low"], d["ci_high"], color="0.35", lw=0.8)
        ax.set_title(f"{o} ({_plural(int(d['articles'].sum()), 'article')})", fontsize=9, loc="left")
        _date_axis(ax, volume["bin"], width / 0.8)
    axes[0].set_ylabel("articles")
    n_bins = volume["bin"].nunique()
    lede = title or "Articles per outlet over time"
    _finish(fig, f"{lede} ({_plural(n_bins, unit or 'bin')}; line = 95% Poisson interval of the rate)"
            + ("\none bin only: no trend can be read" if n_bins < 2 else ""), undated_note(undated))
    return fig


def plot_over_time(table: pd.DataFrame, *, facet: str = "outlet", hue: str | None = None, unit: str | None = None,
                   ylabel: str = "mean", title: str | None = None, colors: dict | None = None,
                   undated: pd.DataFrame | None = None, zero_line: bool = False, percent: bool = False,
                   max_facets: int = 12):
    """A mean over time per facet (outlet or frame) with its 95% interval as a band.

    ``table`` is :func:`analysis.compare.trends.time_means` (columns ``bin, estimate, ci_low, ci_high,
    n_articles, interval`` plus ``facet`` and ``hue``). One line per ``hue`` value (default: one per facet,
    coloured by outlet when the facet is the outlet); the band is drawn where the bin has an article-bootstrap
    interval, and a hollow marker with ``n`` (its articles) where it has none. At most ``max_facets`` facets
    (those with the most articles; the title says how many are shown).
    """
    if table is None or table.empty:
        return placeholder_figure("cannot be estimated over time: no article with a full date has a value. "
                                  + undated_note(undated), title=title or ylabel)
    for col in (facet, "bin", "estimate", "ci_low", "ci_high", "n_articles", "interval") + ((hue,) if hue else ()):
        if col not in table.columns:
            raise KeyError(f"column {col!r} not in table (columns: {list(table.columns)})")
    size = table.groupby(facet)["n_articles"].sum()
    order = sorted(dict.fromkeys(table[facet].astype(str)), key=lambda f: f != ALL_OUTLETS)   # pooled first
    every_bin = pd.DatetimeIndex(sorted(pd.to_datetime(table["bin"]).unique()))
    if len(order) > max_facets:
        keep = set(size.sort_values(ascending=False, kind="stable").index.astype(str)[:max_facets])
        shown = [f for f in order if f in keep]
    else:
        shown = order
    hues = sorted(table[hue].astype(str).unique(), key=lambda h: (h != ALL_OUTLETS, h)) if hue else []
    named = [h for h in (hues if hue else shown) if h != ALL_OUTLETS]
    colors = {**outlet_colors(named), ALL_OUTLETS: (0.1, 0.1, 0.1), **(colors or {})}
    half = pd.to_timedelta(_bin_days(table["bin"], unit) / 2, unit="D")
    fig, axes = _grid(len(shown))
    for ax, f in zip(axes, shown):
        d = table[table[facet].astype(str) == f]
        series = [(h, d[d[hue].astype(str) == h]) for h in hues] if hue else [(f, d)]
        for name, s in series:
            if s.empty:
                continue
            s = s.assign(bin=pd.to_datetime(s["bin"])).set_index("bin").reindex(every_bin)   # gaps stay gaps
            s["interval"] = s["interval"].fillna("")
            x = pd.Series(every_bin + half, index=every_bin)
            c = colors.get(str(name), "0.3")
            ax.plot(x, s["estimate"], "--" if str(name) == ALL_OUTLETS else "-", color=c, lw=1.3,
                    label=str(name) if hue else None)
            has = s["interval"].eq("articles").to_numpy()
            if has.any():
                ax.fill_between(x, s["ci_low"].where(has), s["ci_high"].where(has), color=c, alpha=0.18, lw=0)
            none = ~has & s["estimate"].notna().to_numpy()
            ax.plot(x[has], s["estimate"][has], "o", color=c, ms=4)
            ax.plot(x[none], s["estimate"][none], "o", mfc="white", mec=c, ms=4.5)
            if not hue:
                for xi, yi, n in zip(x[none], s["estimate"][none], s["n_articles"][none]):
                    ax.annotate(f"n={int(n)}", (xi, yi), xytext=(0, 5), textcoords="offset points", ha="center",
                                fontsize=6.5, color="0.45")
        if zero_line:
            ax.axhline(0, color="0.6", lw=0.8)
        if percent:
            ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax.set_title(str(f) if hue else f"{f} ({_plural(int(size.get(f, 0)), 'article')})", fontsize=9, loc="left")
        _date_axis(ax, every_bin, 2 * half / pd.Timedelta(days=1))
    axes[0].set_ylabel(ylabel)
    if hue:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, title=hue, loc="upper left", bbox_to_anchor=(1.0, 0.95), fontsize=8)
    n_bins = table["bin"].nunique()
    top = f" ({len(shown)} of {len(order)} shown, most articles first)" if len(shown) < len(order) else ""
    lede = title or f"{ylabel} over time"
    _finish(fig, f"{lede}{top}\nband = 95% bootstrap interval over the bin's articles; hollow dot = no interval "
                 f"(fewer articles than the minimum{', n = articles' if not hue else ''})"
                 + ("; one bin only: no trend can be read" if n_bins < 2 else ""), undated_note(undated))
    return fig


def plot_event_differences(diffs: pd.DataFrame, *, quantity: str = "quantity", max_quantities: int = 6,
                           colors: dict | None = None, title: str | None = None):
    """Paired (within the same events) and unpaired (all articles) differences, one panel per quantity.

    ``diffs`` is :func:`analysis.compare.events.event_differences`; one row per outlet (and ``versus`` when not
    "the rest"). The paired difference is a filled dot with its event-bootstrap interval, the unpaired one a grey
    hollow diamond with its article-bootstrap interval; a comparison that cannot be estimated prints why at 0.
    At most ``max_quantities`` panels (largest gap between paired and unpaired first; the title says so).
    """
    import matplotlib.pyplot as plt

    if diffs is None or diffs.empty:
        return placeholder_figure("same-event comparisons cannot be estimated: the corpus has no event column, or "
                                  "no event covered by two outlets", title=title or "Paired and unpaired differences")
    d = diffs.copy()
    if quantity not in d.columns:
        d[quantity] = ""
    gap = (d["paired"] - d["unpaired"]).abs().groupby(d[quantity]).max().fillna(-1)
    quantities = list(gap.sort_values(ascending=False, kind="stable").index[:max_quantities])
    n_all = d[quantity].nunique()
    d["row"] = np.where(d["versus"].eq("the rest"), d["outlet"].astype(str),
                        d["outlet"].astype(str) + " vs " + d["versus"].astype(str))
    rows = list(dict.fromkeys(d.sort_values(["outlet", "versus"])["row"]))
    colors = colors or outlet_colors(d["outlet"].astype(str).unique())
    ncol = max(1, min(2, len(quantities)))
    nrow = int(np.ceil(len(quantities) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.4 * ncol, (0.75 * len(rows) + 1.1) * nrow + 1.0), squeeze=False)
    for ax in axes.ravel()[len(quantities):]:
        ax.set_visible(False)
    for ax, q in zip(axes.ravel(), quantities):
        g = d[d[quantity] == q].set_index("row")
        said: set[str] = set()

        def once(label: str) -> str | None:
            if label in said:
                return None
            said.add(label)
            return label

        for i, r in enumerate(rows):
            if r not in g.index:
                continue
            e = g.loc[r]
            c = colors.get(str(e["outlet"]), "0.3")
            if pd.notna(e["unpaired"]):
                lo, hi = e["unpaired_ci_low"], e["unpaired_ci_high"]
                if pd.notna(lo):
                    ax.hlines(i + 0.22, lo, hi, color="0.6", lw=1.0)
                ax.plot(e["unpaired"], i + 0.22, "D", mfc="white", mec="0.45", ms=5, label=once("unpaired: all articles"))
            if pd.notna(e["ci_low"]):
                ax.hlines(i - 0.05, e["ci_low"], e["ci_high"], color=c, lw=2.0)
                ax.plot(e["paired"], i - 0.05, "o", color=c, ms=6, label=once("paired: within the same events"))
                verdict_text = f"{e['verdict']} ({_plural(int(e['n_events']), 'shared event')}, q={e['q_value']:.2f})"
            else:
                verdict_text = str(e["verdict"])
            ax.text(0.01, i - 0.33, verdict_text, transform=ax.get_yaxis_transform(), ha="left", va="center",
                    fontsize=6.8, color="0.3", style="italic" if pd.isna(e["ci_low"]) else "normal")
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_yticks(range(len(rows)), rows, fontsize=8)
        ax.set_ylim(len(rows) - 0.4, -0.6)
        fam = str(g["family"].iloc[0]) if "family" in g.columns and len(g) else ""
        name = f"{fam}: {q}" if fam and fam.lower() not in str(q).lower() else str(q)
        ax.set_title(name if name else "difference", fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=7.5)
        ax.set_xlabel("outlet minus the other side", fontsize=8)
    handles, labels = [], []
    for ax in axes.ravel()[:len(quantities)]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        fig.legend(handles, labels, loc="upper center", fontsize=8, ncol=2, bbox_to_anchor=(0.5, 0.0))
    top = f" ({len(quantities)} of {n_all} quantities shown, largest paired-unpaired gap first)" if len(quantities) < n_all else ""
    fig.suptitle((title or "Outlet differences: within the same events (paired) and over all articles (unpaired)")
                 + top + "\nlines = 95% bootstrap intervals (paired: resampling events; unpaired: articles)",
                 fontsize=10, x=0.01, ha="left", y=1.02)
    fig.tight_layout()
    return fig


__all__ = ["plot_event_differences", "plot_over_time", "plot_volume", "undated_note"]
