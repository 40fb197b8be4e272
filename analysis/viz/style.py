"""Saving figures to the one output folder, with a consistent look: theme, colours, sizes, legends.

>>> import matplotlib; matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt, tempfile, pathlib
>>> fig, ax = plt.subplots(); _ = ax.plot([0, 1])
>>> p = save_figure(fig, "demo", out_dir=pathlib.Path(tempfile.mkdtemp()))
>>> p.suffix, p.stat().st_size > 0
('.png', True)
"""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt

from analysis.config import get_settings

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
    """Figure height in inches for ``n_rows`` rows of bars/points/cells (grows with the data).

    >>> row_height(2) < row_height(20)
    True
    """
    return max(minimum, base + per_row * n_rows)


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
