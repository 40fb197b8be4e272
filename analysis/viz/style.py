"""Saving figures to the one output folder, with a consistent look: theme, colours, sizes, legends.

>>> import matplotlib; matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt, tempfile, pathlib
>>> fig, ax = plt.subplots(); _ = ax.plot([0, 1])
>>> p = save_figure(fig, "demo", out_dir=pathlib.Path(tempfile.mkdtemp()))
>>> p.suffix, p.stat().st_size > 0
('.png', True)
"""
from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from analysis.config import get_settings
from analysis.intervals import MIN_CELL_N, SMALL_N

#: One palette per outlet name, so an outlet has the same colour in every notebook.
PALETTE = "colorblind"
#: Colours of speakers/actors that could not be named: greys, kept out of every categorical palette.
UNNAMED_COLORS = {"unresolved": (0.75, 0.75, 0.75), "no speaker found": (0.9, 0.9, 0.9)}


#: Font families tried in order for every glyph (matplotlib's per-glyph fallback): outlet names and quotes
#: in Chinese, Japanese or Korean render with the CJK font when it is installed (``make browser``, which
#: ``make test`` runs, installs Debian's ``fonts-wqy-microhei``) instead of as empty boxes.
FONT_FALLBACK = ("DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR")


def fallback_fonts() -> list[str]:
    """The families of :data:`FONT_FALLBACK` that are installed, in order (DejaVu Sans always is).

    >>> fallback_fonts()[0]
    'DejaVu Sans'
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed & set(FONT_FALLBACK[1:]):  # installed after matplotlib cached its font list: add them
        for path in font_manager.findSystemFonts():
            if re.search(r"wqy-microhei|NotoSansCJK|NotoSerifCJK", Path(path).name, re.I):
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in FONT_FALLBACK if f in installed] or ["DejaVu Sans"]


def set_style() -> None:
    """Seaborn theme used by every notebook, with the CJK font fallback of :func:`fallback_fonts`."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams["font.family"] = fallback_fonts()


def distinct_colors(n: int) -> list[tuple]:
    """``n`` colours that do not repeat: the colourblind palette up to 10, tab20 up to 20, then husl hues.

    >>> len(set(distinct_colors(25)))
    25
    """
    import seaborn as sns

    if n <= 10:
        return list(sns.color_palette(PALETTE, max(n, 1)))[:n]
    if n <= 20:
        tab20 = sns.color_palette("tab20", 20)
        return (tab20[::2] + tab20[1::2])[:n]  # the ten strong colours first, then their pale partners
    return list(sns.color_palette("husl", n))


def outlet_colors(outlets) -> dict[str, tuple]:
    """Stable colour per outlet (sorted names -> :func:`distinct_colors`); no colour repeats.

    >>> c = outlet_colors([f"outlet {i}" for i in range(12)])
    >>> len(c), len(set(c.values()))
    (12, 12)
    """
    names = sorted({str(o) for o in outlets})
    return dict(zip(names, distinct_colors(len(names))))


def category_colors(categories, *, unnamed: dict | None = None) -> dict[str, tuple]:
    """Colour per category in the given order; the ``unnamed`` ones (default :data:`UNNAMED_COLORS`) get greys.

    No other category is grey (tab20 without its grey pair), so "nobody named" never looks like a group.

    >>> c = category_colors(["officials", "experts", "unresolved"])
    >>> c["unresolved"], len(set(c.values()))
    ((0.75, 0.75, 0.75), 3)
    """
    import seaborn as sns

    unnamed = UNNAMED_COLORS if unnamed is None else unnamed
    named = [c for c in dict.fromkeys(categories) if c not in unnamed]
    if len(named) <= 18:
        tab20 = [c for i, c in enumerate(sns.color_palette("tab20", 20)) if i not in (14, 15)]  # 14, 15: greys
        pool = tab20[::2] + tab20[1::2]
    else:
        pool = list(sns.color_palette("husl", len(named)))
    out = dict(zip(named, pool))
    out.update({c: unnamed[c] for c in dict.fromkeys(categories) if c in unnamed})
    return out


def row_height(n_rows: int, *, per_row: float = 0.45, base: float = 1.6, minimum: float = 2.5) -> float:
    """Figure height in inches for ``n_rows`` rows of bars/points/cells: the height of :func:`figure_size`.

    >>> row_height(2) < row_height(20)
    True
    """
    return figure_size(n_rows, row=per_row, base=(0.0, base), minimum=(0.0, minimum))[1]


#: Inches per character cell of a tick label at the figures' font size (about 9-10 pt); a wide (Chinese,
#: Japanese, Korean) character takes two cells (:func:`text_width`).
CHAR_WIDTH = 0.07
#: Inches per legend entry (one line) and the legend's frame and title, for :func:`figure_size`.
LEGEND_ENTRY, LEGEND_BASE = 0.24, 0.9
#: The largest figure :func:`figure_size` gives (inches): past this, fewer items per figure read better.
MAX_SIZE = (30.0, 80.0)


def text_width(label) -> int:
    r"""Width of the longest line of ``label`` in character cells: wide (CJK) characters count two.

    >>> text_width("Reuters"), text_width("岚湾晨报"), text_width("two\nlines")
    (7, 8, 5)
    """
    lines = str(label).split("\n") or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def figure_size(
    n_rows: int = 1,
    n_cols: int = 1,
    *,
    row: float = 0.45,
    col: float = 1.0,
    base: tuple[float, float] = (3.0, 1.6),
    labels=(),
    legend_entries: int = 0,
    legend_labels=(),
    minimum: tuple[float, float] = (6.0, 2.5),
) -> tuple[float, float]:
    """``(width, height)`` in inches for ``n_rows`` x ``n_cols`` items (bars, cells, panels): the one sizing rule
    of every figure.

    Width is ``base[0] + col * n_cols`` plus room for the longest of ``labels`` (the row tick labels, wide
    characters counted twice) and, for a legend beside the plot, the longest of ``legend_labels``; height is
    ``base[1] + row * n_rows``, and at least tall enough for a legend of ``legend_entries`` lines. Both are at
    least ``minimum`` and at most :data:`MAX_SIZE`.

    >>> figure_size(4) < figure_size(15)
    True
    >>> figure_size(3, labels=["The Northern Provinces Evening Courier"])[0] > figure_size(3, labels=["A"])[0]
    True
    """
    w = base[0] + col * n_cols + label_width(labels) + (0.85 * label_width(legend_labels) + 0.7 if legend_labels else 0)
    h = max(base[1] + row * n_rows, LEGEND_BASE + LEGEND_ENTRY * legend_entries)
    return (round(min(MAX_SIZE[0], max(minimum[0], w)), 2), round(min(MAX_SIZE[1], max(minimum[1], h)), 2))


def label_width(labels) -> float:
    """Inches the longest of ``labels`` takes (:data:`CHAR_WIDTH` per character cell).

    >>> label_width(["A", "岚湾晨报"]) == 8 * CHAR_WIDTH
    True
    """
    return CHAR_WIDTH * max([text_width(lab) for lab in labels] or [0])


def title_width(fig_width: float, *, left: float = 0.0, right: float = 0.0) -> float:
    """The widest a title centred over an axes can be and stay inside the figure (inches): the axes spans
    ``fig_width`` minus ``left`` (tick labels) and ``right`` (a colour bar). Pass it to :func:`fit_text`.

    >>> title_width(10, left=2, right=2)
    9.8
    >>> title_width(10, left=4, right=0) < title_width(10, left=2, right=2)
    True
    """
    centre = left + (fig_width - left - right) / 2
    return round(max(2 * min(centre, fig_width - centre) - 0.2, 1.0), 2)


def facet_grid(n_panels: int, *, max_cols: int = 4) -> tuple[int, int]:
    """``(rows, columns)`` of small multiples: at most ``max_cols`` panels a row, wrapped onto as few rows as
    possible and balanced (7 panels at 5 a row: 2 rows of 4, not 5 + 2).

    >>> facet_grid(3), facet_grid(7, max_cols=5), facet_grid(15, max_cols=4), facet_grid(0)
    ((1, 3), (2, 4), (4, 4), (1, 1))
    """
    n = max(int(n_panels), 1)
    rows = math.ceil(n / max(int(max_cols), 1))
    return rows, math.ceil(n / rows)


def wrap_label(label, width: int = 18) -> str:
    r"""A long tick label broken onto lines of at most ``width`` cells (words kept whole where possible).

    >>> wrap_label("The Northern Provinces Evening Courier and Gazette", 18)
    'The Northern\nProvinces Evening\nCourier and\nGazette'
    >>> wrap_label("岚湾晨报")
    '岚湾晨报'
    """
    text = str(label)
    if text_width(text) <= width:
        return text
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)) or text


def fit_text(text: str, width_in: float, *, fontsize: float = 10) -> str:
    r"""``text`` wrapped so that each line fits ``width_in`` inches at ``fontsize`` (existing line breaks kept):
    titles and captions that say what a figure shows stay inside it however long they get.

    >>> fit_text("a b c d e f", 0.5, fontsize=10)
    'a b c d\ne f'
    """
    chars = max(int(width_in / (CHAR_WIDTH * fontsize / 9.5)), 8)
    return "\n".join(textwrap.fill(line, width=chars, break_long_words=False, break_on_hyphens=False)
                     if text_width(line) > chars else line
                     for line in str(text).split("\n"))


def names_note(names, *, max_named: int = 3) -> str:
    """``"A, B, C and 2 more"``: a few names of a list, for notes on what a figure leaves out.

    >>> names_note(["A", "B", "C", "D", "E"]), names_note(["A"])
    ('A, B, C and 2 more', 'A')
    """
    names = [str(n) for n in names]
    shown = names[:max_named]
    return ", ".join(shown) + (f" and {len(names) - len(shown)} more" if len(names) > len(shown) else "")


def shown_note(shown: int, total: int, *, what: str = "outlets", by: str = "articles") -> str:
    """``"top 8 of 15 outlets shown (by articles)"`` when a figure cuts to a top N, else ``""``.

    Every figure that draws fewer items than it was given says so with this note in its title.

    >>> shown_note(8, 15), shown_note(15, 15)
    ('top 8 of 15 outlets shown (by articles)', '')
    """
    if int(shown) >= int(total):
        return ""
    return f"top {int(shown)} of {int(total)} {what} shown (by {by})"


def top_groups(sizes, max_groups: int | None) -> list:
    """The names of the ``max_groups`` largest entries of ``sizes`` (a Series: name -> size; ties by name),
    or all of them when ``max_groups`` is None.

    >>> import pandas as pd
    >>> top_groups(pd.Series({"b": 3, "a": 3, "c": 1}), 2), top_groups(pd.Series({"b": 3, "c": 1}), None)
    (['a', 'b'], ['b', 'c'])
    """
    import pandas as pd

    s = pd.Series(sizes)
    order = sorted(s.index, key=lambda k: (-float(s[k]), str(k)))
    return order if max_groups is None else order[:max(int(max_groups), 0)]


# ------------------------------------------------------------------------------- interval level per outlet
#: How an outlet's label says what its intervals resample (nothing: articles, the default).
LEVEL_TAGS = {"articles": "", "none": "no interval"}


def interval_levels(table, *, by: str = "outlet") -> dict[str, str]:
    """Per outlet, what its intervals resample, read from the ``interval`` column of an interval table
    (:meth:`analysis.intervals.IntervalPolicy.intervals`): ``"articles"``, the unit (``"sentences"``,
    ``"quotations"``...) or ``"none"`` (no row of the outlet had two units or articles to resample). A table
    without an ``interval`` column gives ``{}``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"outlet": ["A", "A", "B", "C"], "interval": ["articles", "none", "sentences", "none"]})
    >>> interval_levels(t)
    {'A': 'articles', 'B': 'sentences', 'C': 'none'}
    """
    if "interval" not in getattr(table, "columns", ()) or by not in table.columns:
        return {}
    out = {}
    for o, g in table.groupby(table[by].astype(str), sort=True):
        kinds = [k for k in dict.fromkeys(g["interval"].astype(str)) if k not in ("none", "nan", "")]
        out[o] = "articles" if "articles" in kinds else (kinds[0] if kinds else "none")
    return out


def level_tag(level: str | None) -> str:
    """The words an outlet label carries for its interval level: ``""`` (articles), ``"sentence-level"``,
    ``"no interval"``.

    >>> level_tag("articles"), level_tag("sentences"), level_tag("units"), level_tag("none"), level_tag(None)
    ('', 'sentence-level', 'unit-level', 'no interval', '')
    """
    if level is None:
        return ""
    if level in LEVEL_TAGS:
        return LEVEL_TAGS[level]
    return f"{str(level).rstrip('s') if str(level).endswith('s') else level}-level"


def outlet_label(name, *, n_articles=None, level: str | None = None, unit: str = "art.") -> str:
    """An outlet's tick label with its articles and, when its intervals do not resample articles, its level:
    ``"Reuters (12 art.)"``, ``"新华社 (2 art., sentence-level)"``, ``"X (1 art., no interval)"``.

    >>> outlet_label("Reuters", n_articles=12, level="articles"), outlet_label("新华社", n_articles=2, level="sentences")
    ('Reuters (12 art.)', '新华社 (2 art., sentence-level)')
    >>> outlet_label("A"), outlet_label("A", level="none")
    ('A', 'A (no interval)')
    """
    parts = []
    if n_articles is not None and not (isinstance(n_articles, float) and math.isnan(n_articles)):
        parts.append(f"{int(n_articles)} {unit}")
    tag = level_tag(level)
    if tag:
        parts.append(tag)
    return f"{name} ({', '.join(parts)})" if parts else str(name)


def interval_caption(levels: dict, *, min_articles: int = SMALL_N, level: float = 0.95) -> str:
    """One sentence on what the intervals of a figure resample, per outlet (:func:`interval_levels`).

    >>> interval_caption({"A": "articles", "B": "articles"})
    '95% intervals resample articles'
    >>> interval_caption({"A": "articles", "B": "sentences", "C": "none"})
    "95% intervals resample each outlet's articles; 'sentence-level': fewer than 5 articles, the interval resamples sentences and describes only these articles; 'no interval': nothing to resample"
    """
    kinds = set(levels.values())
    head = f"{level:.0%} intervals resample"
    units = sorted(k for k in kinds if k not in ("articles", "none"))
    if not units:
        text = f"{head} articles" if "articles" in kinds or not kinds else f"{head} nothing"
    elif "articles" not in kinds and len(units) == 1:
        text = (f"{head} {units[0]} (every outlet has fewer than {min_articles} articles): they describe only "
                "these articles")
    else:
        text = f"{head} each outlet's articles" + "".join(
            f"; '{level_tag(u)}': fewer than {min_articles} articles, the interval resamples {u} and describes only "
            "these articles" for u in units)
    if "none" in kinds:
        text += "; 'no interval': nothing to resample"
    return text


# ------------------------------------------------------------------------------- thin cells
#: How a cell or estimate resting on fewer than ``min_n`` units is drawn: grey, hatched, no colour or interval.
THIN_FACE, THIN_EDGE, THIN_HATCH, THIN_TEXT = "0.9", "0.6", "///", "0.3"


def thin_label(min_n: int = MIN_CELL_N, unit: str = "units") -> str:
    """The legend text of thin cells: ``"fewer than 10 sentences: too few to show"``.

    >>> thin_label(10, "sentences")
    'fewer than 10 sentences: too few to show'
    """
    return f"fewer than {int(min_n)} {unit}: too few to show"


def thin_handle(min_n: int = MIN_CELL_N, unit: str = "units", *, label: str | None = None):
    """A legend handle (hatched grey patch) for thin cells."""
    from matplotlib.patches import Patch

    return Patch(facecolor=THIN_FACE, edgecolor=THIN_EDGE, hatch=THIN_HATCH,
                 label=label if label is not None else thin_label(min_n, unit))


def hatch_thin_cells(ax, thin: np.ndarray, n: np.ndarray, *, fontsize: float = 8) -> int:
    """Grey hatched rectangles with ``n=k`` over the ``thin`` cells of a heatmap drawn on unit cells
    (seaborn's ``heatmap``: cell ``(i, j)`` spans ``[j, j+1] x [i, i+1]``); returns how many.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> hatch_thin_cells(ax, np.array([[True, False]]), np.array([[2, 40]])), [t.get_text() for t in ax.texts]
    (1, ['n=2'])
    """
    from matplotlib.patches import Rectangle

    thin = np.asarray(thin, dtype=bool)
    for i, j in zip(*np.nonzero(thin)):
        ax.add_patch(Rectangle((j, i), 1, 1, facecolor=THIN_FACE, edgecolor=THIN_EDGE, hatch=THIN_HATCH, lw=0))
        ax.text(j + 0.5, i + 0.5, f"n={int(n[i, j])}", ha="center", va="center", fontsize=fontsize, color=THIN_TEXT)
    return int(thin.sum())


def thin_point(ax, x: float, y: float, n: int, *, fontsize: float = 6.5, text: bool = True):
    """A thin estimate on a point-and-interval plot: a grey cross at ``(x, y)``, no interval, and
    ``n=2 (too few)`` above it.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); thin_point(ax, 0.3, 1, 2)
    >>> [t.get_text() for t in ax.texts], ax.get_lines()[0].get_marker()
    (['n=2 (too few)'], 'x')
    """
    ax.plot(x, y, marker="x", color="0.6", ms=5, ls="none")
    if text:
        ax.annotate(f"n={int(n)} (too few)", (x, y), xytext=(0, 5), textcoords="offset points", ha="center",
                    fontsize=fontsize, color="0.5")


def label_with_n(name, n, unit: str = "art.") -> str:
    """``"Outlet (3 art.)"``: a tick label that carries the sample size.

    >>> label_with_n("Reuters", 3)
    'Reuters (3 art.)'
    """
    return f"{name} ({int(n)} {unit})" if unit else f"{name} ({int(n)})"


def words(name: str) -> str:
    """A column name as words for a label: ``"n_lines"`` -> ``"n lines"``, ``"pearson_r"`` -> ``"Pearson r"``.

    >>> words("pearson_r"), words("kept_lines")
    ('Pearson r', 'kept lines')
    """
    known = {"pearson_r": "Pearson r", "spearman_r": "Spearman rank correlation", "mae": "mean absolute error",
             "rmse": "root mean squared error", "f1": "F1", "n_lines": "raw lines", "n_tokens": "tokens"}
    return known.get(name, name.replace("_", " "))


def placeholder_figure(message: str, *, title: str | None = None, figsize: tuple[float, float] = (6.8, 2.4)):
    """A figure that says what cannot be shown and why (drawn instead of a plot of an empty table).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig = placeholder_figure("distinctive words cannot be estimated: 1 outlet", title="Fightin' words")
    >>> sorted(figure_text(fig))
    ["Fightin' words", 'distinctive words cannot be estimated: 1 outlet']
    """
    import textwrap

    fig, ax = plt.subplots(figsize=figsize)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    ax.text(0.5, 0.5, textwrap.fill(str(message), 70), ha="center", va="center", fontsize=10, color="0.25",
            transform=ax.transAxes, bbox=dict(boxstyle="round,pad=0.6", fc="0.96", ec="0.8"))
    return fig


def save_figure(fig, name: str, *, out_dir: str | Path | None = None, dpi: int = 150) -> Path:
    """Write ``fig`` as ``<out_dir>/<name>.png`` and return the path.

    ``out_dir`` defaults to the settings' figures folder. Names are slugified so they are safe file
    names; the notebook prefix convention is ``NN_description`` (e.g. ``01_lines_removed_by_rule``).
    The PNG carries the figure's words (titles, axis labels, tick labels, legend entries, annotations) as
    its ``Description`` text chunk (:func:`figure_text`), so a figure can be searched and checked as text.
    """
    out = Path(out_dir) if out_dir is not None else get_settings().figures_dir
    out.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    path = out / f"{slug}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight",
                metadata={"Title": slug, "Description": " | ".join(figure_text(fig))})
    return path


def figure_text(fig) -> list[str]:
    """Every non-empty text a figure shows (titles, axis and tick labels, legends, annotations), once each.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_title("Tone"); _ = ax.set_xlabel("outlet")
    >>> sorted(t for t in figure_text(fig) if t in ("Tone", "outlet"))
    ['Tone', 'outlet']
    """
    from matplotlib.text import Text

    seen = []
    for artist in fig.findobj(Text):
        t = artist.get_text().strip()
        if t and artist.get_visible():
            seen.append(t)
    return list(dict.fromkeys(seen))


def escaped_style(df, **css):
    """A pandas Styler of ``df`` whose cells and index/column labels are HTML-escaped.

    A Styler renders cell text as raw HTML, so an outlet or a title read from a user's corpus
    (``<img src=x onerror=...>``) would run as markup in a notebook or the report; this escapes it.
    ``css``: properties for every cell (``text_align="left"`` becomes ``text-align: left``).

    >>> import pandas as pd
    >>> html = escaped_style(pd.DataFrame({"<b>o</b>": ["<img src=x onerror=alert(1)>"]})).to_html()
    >>> "<img" in html, "&lt;img" in html, "&lt;b&gt;" in html
    (False, True, True)
    """
    styler = df.style.format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if css:
        styler = styler.set_properties(**{k.replace("_", "-"): v for k, v in css.items()})
    return styler
