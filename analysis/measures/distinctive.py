"""Distinctive words per outlet: weighted log-odds ratios with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words: Lexical Feature Selection and Evaluation for
Identifying the Content of Political Conflict", Political Analysis 16(4), eq. 16-22. Each group (outlet)
is compared with all other groups pooled ("the rest"), so any number of outlets works. For word ``w``,
group counts ``y_i``, rest counts ``y_j``, totals ``n_i``, ``n_j`` and prior pseudo-counts ``a_w``
(``a_0 = sum a_w``)::

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
    var_w  ~= 1 / (y_iw + a_w) + 1 / (y_jw + a_w)          z_w = delta_w / sqrt(var_w)

The informative prior is the background word distribution (by default the whole corpus) scaled to
``a_0 = prior_scale * n``: frequent words get strong priors, so a word needs more evidence than a raw
ratio to become distinctive, and rare words cannot top the list by chance alone.

>>> import pandas as pd
>>> counts = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "term": ["ban", "deal", "ban", "deal"],
...                        "count": [9, 1, 1, 9]})
>>> s = log_odds_dirichlet(counts)
>>> s.loc[s.outlet == "A"].sort_values("z", ascending=False).term.tolist()
['ban', 'deal']
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.measures.vocab import VocabOptions, content_terms

#: Unigram content words, no document-frequency filter: distinctive words are often rare.
DEFAULT_OPTIONS = VocabOptions(min_df=1)


def term_counts(
    tokens: pd.DataFrame,
    *,
    documents: pd.DataFrame,
    by: str = "outlet",
    options: VocabOptions = DEFAULT_OPTIONS,
) -> pd.DataFrame:
    """Tidy ``<by>, term, count`` of content terms (see :class:`analysis.measures.topics.VocabOptions`).

    ``options.min_df`` here means: a term must occur in at least that many *documents*.

    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": ["a0", "a0", "b0"], "token_i": [0, 1, 0],
    ...     "lemma": ["ban", "ban", "deal"], "pos": "NOUN", "is_stop": False})
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    >>> term_counts(toks, documents=docs).values.tolist()
    [['X', 'ban', 2], ['Y', 'deal', 1]]
    """
    terms = content_terms(tokens, options=options)
    if options.ngram_range != (1, 1):
        from analysis.measures.vocab import ngrams as _ngrams

        lo, hi = options.ngram_range
        pieces = [terms] if lo <= 1 else []
        pieces += [_ngrams(terms, "sent_id", n) for n in range(max(lo, 2), hi + 1)]
        terms = pd.concat(pieces, ignore_index=True)
    df = terms.groupby("term")["doc_id"].nunique()
    n_docs = tokens["doc_id"].nunique()
    lo_df = options.min_df * n_docs if isinstance(options.min_df, float) else options.min_df
    hi_df = options.max_df * n_docs if isinstance(options.max_df, float) else options.max_df
    keep = df[(df >= lo_df) & (df <= hi_df)].index
    terms = terms[terms["term"].isin(keep)]
    terms = terms.assign(**{by: terms["doc_id"].map(documents.set_index("doc_id")[by])})
    out = terms.groupby([by, "term"]).size().rename("count").reset_index()
    return out.sort_values([by, "term"]).reset_index(drop=True)


def log_odds_dirichlet(
    counts: pd.DataFrame,
    *,
    by: str = "outlet",
    prior: pd.Series | None = None,
    prior_scale: float = 1.0,
) -> pd.DataFrame:
    """Each group against the rest: Monroe et al.'s weighted log-odds ``delta``, its ``se`` and ``z``.

    ``counts`` is tidy ``<by>, term, count``. ``prior`` is a Series of background counts indexed by term
    (e.g. from a larger reference corpus); default: the corpus' own total counts. It is rescaled to a
    total of ``prior_scale * n`` pseudo-counts (``n`` = all words counted); terms missing from a given
    prior get the smallest prior count. Returns one row per group and term with ``count, count_rest,
    freq`` (per 1,000 group words), ``total`` (corpus count), ``prior`` (the pseudo-count ``a_w`` added to
    both sides; with the default prior it equals ``prior_scale * total``), ``delta, se, z`` and ``rank``
    (1 = most distinctive of the group, by z).
    """
    wide = counts.pivot_table(index=by, columns="term", values="count", aggfunc="sum", fill_value=0)
    groups, terms = wide.index.to_numpy(), wide.columns.to_numpy()
    Y = wide.to_numpy(dtype=float)                       # groups x terms
    total = Y.sum(axis=0)
    n = total.sum()
    if prior is None:
        background = total
    else:
        background = prior.reindex(terms).to_numpy(dtype=float)
        floor = np.nanmin(background[background > 0]) if np.any(background > 0) else 1.0
        background = np.where(np.isnan(background) | (background <= 0), floor, background)
    a = background / background.sum() * prior_scale * n  # prior pseudo-counts a_w
    a0 = a.sum()
    n_i = Y.sum(axis=1, keepdims=True)
    Yr = total[None, :] - Y
    n_j = n - n_i
    delta = (np.log((Y + a) / (n_i + a0 - Y - a)) - np.log((Yr + a) / (n_j + a0 - Yr - a)))
    var = 1.0 / (Y + a) + 1.0 / (Yr + a)
    z = delta / np.sqrt(var)
    G, V = Y.shape
    out = pd.DataFrame({
        by: np.repeat(groups, V), "term": np.tile(terms, G),
        "count": Y.ravel().astype(int), "count_rest": Yr.ravel().astype(int),
        "freq": (Y / n_i * 1000).ravel(), "total": np.tile(total, G).astype(int),
        "prior": np.tile(a, G),
        "delta": delta.ravel(), "se": np.sqrt(var).ravel(), "z": z.ravel(),
    })
    out["rank"] = out.groupby(by)["z"].rank(ascending=False, method="first").astype(int)
    return out.sort_values([by, "rank"]).reset_index(drop=True)


def exclusive_word_evidence(
    counts: pd.DataFrame,
    *,
    by: str = "outlet",
    prior_scale: float = 1.0,
    z_line: float = 1.96,
    max_count: int | None = None,
) -> pd.DataFrame:
    """How much evidence a word used *only* by one group needs, under the default (corpus) prior.

    With the corpus as prior, a word used ``c`` times, all by group ``i``, gets ``a_w = prior_scale * c``
    on both sides, so its ``delta`` barely depends on ``c`` (the prior caps it) while its standard error
    falls like ``1/sqrt(c)``. Returns one row per group: ``n_words``, ``delta_exclusive`` (the ``delta`` of
    an exclusive word used once), ``z_once`` and ``min_count`` (the smallest ``c`` whose ``z`` reaches
    ``z_line``; NaN if none up to ``max_count``, by default the group's own word count).

    >>> import pandas as pd
    >>> c = pd.DataFrame({"outlet": ["A", "B"], "term": ["ban", "deal"], "count": [50, 50]})
    >>> int(exclusive_word_evidence(c).set_index("outlet").loc["A", "min_count"]) > 1
    True
    """
    n_i = counts.groupby(by)["count"].sum()
    n = float(n_i.sum())
    a0 = prior_scale * n
    top = int(n_i.max()) if max_count is None else int(max_count)
    c = np.arange(1, top + 1, dtype=float)[None, :]
    ni, nj = n_i.to_numpy(dtype=float)[:, None], n - n_i.to_numpy(dtype=float)[:, None]
    a = prior_scale * c
    possible = c <= ni                                   # a group cannot use a word more than it has words
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.log((c + a) / (ni + a0 - c - a)) - np.log(a / (nj + a0 - a))
        z = delta / np.sqrt(1.0 / (c + a) + 1.0 / a)
    reached = possible & (z >= z_line)
    first = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, np.nan)
    return pd.DataFrame({by: n_i.index, "n_words": n_i.to_numpy().astype(int), "delta_exclusive": delta[:, 0],
                         "z_once": z[:, 0], "min_count": first}).reset_index(drop=True)


def top_distinctive(scores: pd.DataFrame, *, n: int = 10, by: str = "outlet", min_count: int = 1) -> pd.DataFrame:
    """The ``n`` highest-z terms of each group that the group used at least ``min_count`` times."""
    s = scores[scores["count"] >= min_count].sort_values([by, "z"], ascending=[True, False])
    return s.groupby(by, sort=True).head(n).reset_index(drop=True)


def plot_fightin_words(scores: pd.DataFrame, *, by: str = "outlet", n_label: int = 8, z_line: float = 1.96,
                       colors: dict | None = None, max_groups: int = 8):
    """Small multiples, one per group: z-score (y) against corpus frequency of the term (x, log scale).

    The ``n_label`` highest-z terms are named (pale: below ``z_line``; solid: above it); grey points are
    the rest of the vocabulary. This is the view of Monroe et al. (2008), Fig. 1-6. Only the
    ``max_groups`` groups with most words get a panel (all groups are still in ``scores``).
    """
    import matplotlib.pyplot as plt

    size = scores.groupby(by)["count"].sum().sort_values(ascending=False)
    groups = sorted(size.index[:max_groups])
    cols = min(len(groups), 2)
    rows = int(np.ceil(len(groups) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6.8 * cols, 4.2 * rows), squeeze=False, sharey=True)
    rng = np.random.default_rng(0)  # jitter only, for readability of tied counts
    for ax, g in zip(axes.ravel(), groups):
        s = scores[scores[by] == g]
        x = s["total"].to_numpy() * np.exp(rng.uniform(-0.08, 0.08, len(s)))
        hot = (s["z"] > z_line).to_numpy()
        c = (colors or {}).get(g, "C3")
        top = s[s["count"] > 0].nlargest(n_label, "z")
        lab = s.index.isin(top.index)
        ax.scatter(x[~hot & ~lab], s["z"][~hot & ~lab], s=8, color="0.75", lw=0)
        ax.scatter(x[lab], s["z"][lab], s=18, color=c, lw=0, alpha=0.55)
        ax.scatter(x[hot], s["z"][hot], s=22, color=c, lw=0)
        ax.axhline(z_line, color="0.4", lw=0.7, ls="--")
        ax.axhline(-z_line, color="0.4", lw=0.7, ls="--")
        ax.set_xscale("log")
        xi = dict(zip(s.index, x))
        # labels in a column just right of the panel, in z order, pushed apart, joined to their points
        lo_z, hi_z = float(min(s["z"].min(), -z_line)), float(max(s["z"].max(), z_line))
        ax.set_ylim(lo_z - 0.3, hi_z + 0.3)
        gap = 0.065 * (hi_z - lo_z + 0.6)
        y_prev = np.inf
        for idx, r in top.sort_values("z", ascending=False).iterrows():
            y = min(r.z, y_prev - gap)
            y_prev = y
            ax.annotate(r.term, (xi[idx], r.z), xytext=(1.02, y), textcoords=("axes fraction", "data"),
                        fontsize=8, va="center", color="0.05" if r.z > z_line else "0.4", annotation_clip=False,
                        arrowprops=dict(arrowstyle="-", color="0.7", lw=0.5, shrinkA=0, shrinkB=2))
        ax.set_title(f"{g} vs the rest", fontsize=10)
        ax.set_xlabel("term count in the whole corpus (log)")
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("z-score of weighted log-odds")
    fig.tight_layout()
    fig.subplots_adjust(wspace=0.35, right=0.9)
    return fig


def distinctive_contexts(
    scores: pd.DataFrame,
    tokens: pd.DataFrame,
    *,
    documents: pd.DataFrame,
    by: str = "outlet",
    n: int = 25,
    window: int = 50,
) -> pd.DataFrame:
    """KWIC lines for each group's ``n`` most distinctive terms, from that group's own documents.

    Columns as :func:`analysis.kwic.kwic`; ``term`` is the lemma scored in ``scores``.
    """
    from analysis.measures.kwic import find_terms, keyword_in_context

    top = top_distinctive(scores, n=n, by=by)
    terms = pd.DataFrame({"group": "distinctive", "term": top["term"].unique()})
    hits = find_terms(tokens, terms, fields=("lemma",))
    hits = hits.assign(**{by: hits["doc_id"].map(documents.set_index("doc_id")[by])})
    hits = hits.merge(top[[by, "term"]], on=[by, "term"])  # only the group that the term is distinctive of
    lines = keyword_in_context(hits.drop(columns=by), documents, window=window)
    return lines.rename(columns={"outlet": by}) if by != "outlet" and "outlet" in lines else lines


def explorer_iframe(path: str | Path, *, height: int = 520):
    """Show an HTML file inline (``<iframe srcdoc>``: works offline, in JupyterLab and in exported HTML)."""
    import html as _html
    import warnings

    from IPython.display import HTML

    doc = Path(path).read_text(encoding="utf-8")
    with warnings.catch_warnings():  # IPython suggests IFrame, which needs a served file: not offline-safe
        warnings.simplefilter("ignore", UserWarning)
        return HTML(f'<iframe srcdoc="{_html.escape(doc, quote=True)}" style="width:100%;height:{height}px;'
                    f'border:1px solid #ccc"></iframe>')


def term_explorer_html(scores: pd.DataFrame, path: str | Path, *, contexts: pd.DataFrame | None = None,
                       by: str = "outlet", title: str = "Distinctive terms by outlet") -> Path:
    """Write a self-contained HTML term explorer (no internet, no JS libraries) and return its path.

    Pick an outlet, filter terms, sort by any column; click a term to see its keyword-in-context lines
    (``contexts``: a table with ``<by>, term, left, match, right``, e.g. from :func:`analysis.kwic.kwic`
    with a ``term`` column holding the lemma). Open it in a browser or show it in JupyterLab with
    ``IPython.display.IFrame``.
    """
    cols = [by, "term", "count", "count_rest", "freq", "total", "delta", "z", "rank"]
    data = scores[cols].round({"freq": 2, "delta": 3, "z": 2}).to_dict(orient="records")
    ctx = {}
    if contexts is not None and len(contexts):
        for (g, t), d in contexts.groupby([by, "term"]):
            ctx.setdefault(str(g), {})[str(t)] = d[["left", "match", "right"]].astype(str).values.tolist()
    payload = json.dumps({"rows": data, "ctx": ctx, "by": by}, default=str).replace("</", "<\\/")
    html = _EXPLORER_TEMPLATE.replace("__TITLE__", title).replace("__DATA__", payload)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(html, encoding="utf-8")
    return p


_EXPLORER_TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font-family:system-ui,sans-serif;margin:1em;font-size:14px}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}
th{cursor:pointer;background:#f3f3f3}td:nth-child(1){text-align:left}
tr.hot td{background:#fde2e0}tr:hover td{background:#e8f0fe;cursor:pointer}
#ctx{font-family:monospace;white-space:pre;margin-top:1em;font-size:12px}
.wrap{display:flex;gap:2em}.left{max-height:80vh;overflow:auto}
</style></head><body>
<h3>__TITLE__</h3>
<p>Weighted log-odds with an informative Dirichlet prior (Monroe et al. 2008), each outlet vs the rest.
Rows with z &gt; 1.96 are shaded. Click a term for its contexts.</p>
<label>Outlet <select id="grp"></select></label>
<label> Filter <input id="q" placeholder="term contains..."></label>
<label> min count <input id="mc" type="number" value="1" style="width:4em"></label>
<div class="wrap"><div class="left"><table id="t"><thead><tr></tr></thead><tbody></tbody></table></div>
<div id="ctx"></div></div>
<script>
const D = __DATA__;
const cols = ["term","count","count_rest","freq","total","delta","z","rank"];
let sortCol = "z", asc = false;
const sel = document.getElementById("grp");
[...new Set(D.rows.map(r => r[D.by]))].sort().forEach(g => {const o=document.createElement("option");o.text=g;sel.add(o);});
const head = document.querySelector("#t thead tr");
cols.forEach(c => {const th=document.createElement("th");th.textContent=c;
  th.onclick=()=>{asc = (sortCol===c) ? !asc : (c==="term"||c==="rank"); sortCol=c; draw();}; head.appendChild(th);});
function draw(){
  const g=sel.value, q=document.getElementById("q").value.toLowerCase(), mc=+document.getElementById("mc").value;
  let rows=D.rows.filter(r=>r[D.by]===g && r.term.includes(q) && r.count>=mc);
  rows.sort((a,b)=>(a[sortCol]>b[sortCol]?1:a[sortCol]<b[sortCol]?-1:0)*(asc?1:-1));
  const tb=document.querySelector("#t tbody"); tb.innerHTML="";
  rows.slice(0,500).forEach(r=>{const tr=document.createElement("tr"); if(r.z>1.96) tr.className="hot";
    cols.forEach(c=>{const td=document.createElement("td"); td.textContent=r[c]; tr.appendChild(td);});
    tr.onclick=()=>show(g,r.term); tb.appendChild(tr);});
}
function show(g,t){
  const lines=((D.ctx[g]||{})[t])||[];
  document.getElementById("ctx").textContent = g+" | "+t+"\\n\\n" + (lines.length ? lines.map(
    l=>l[0].slice(-50).padStart(50)+" ["+l[1]+"] "+l[2].slice(0,50)).join("\\n") : "(no contexts supplied)");
}
["change","input"].forEach(e=>{sel.addEventListener(e,draw);document.getElementById("q").addEventListener(e,draw);
  document.getElementById("mc").addEventListener(e,draw);});
draw();
</script></body></html>
"""
