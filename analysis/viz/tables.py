"""Tables as a reader sees them: rounded numbers and human column labels, and the loader's warnings about the
input as one short table instead of raw ``UserWarning`` lines.

:func:`show_table` returns a display copy of a table (the table itself is unchanged, so code keeps using
``ci_low``, ``n_clusters`` ...): floats rounded to ``digits`` (whole-number floats shown as integers), and the
column and index names a student reads (``ci_low`` -> ``95% CI low``, ``n_clusters`` -> ``articles``) from
:data:`LABELS`, the measure columns' names in ``analysis/data/data_dictionary.yaml`` given a short label.
Names it does not know (outlet names, frames, document ids) are left as they are.

>>> import pandas as pd
>>> t = pd.DataFrame({"outlet": ["A", "B"], "estimate": [0.523810, 0.25], "ci_low": [0.31, 0.1],
...                   "n_clusters": [3.0, 1.0]})
>>> show_table(t)
  outlet  estimate  95% CI low  articles
0      A      0.52        0.31         3
1      B      0.25        0.10         1
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

#: Column (and index) names -> the label a reader sees. Keys are the package's own column names.
LABELS = {
    # intervals and counts (analysis.compare)
    "estimate": "estimate", "ci_low": "95% CI low", "ci_high": "95% CI high", "n_units": "units",
    "n_clusters": "articles",  # the interval policy's clusters are articles (a table of sentence clusters relabels it)
    "small_n": "small n", "n_articles": "articles", "unit": "unit",
    "interval": "interval", "resample": "resampled", "p_value": "p", "q_value": "q (BH)", "verdict": "verdict",
    "difference": "difference", "spread": "spread", "claims_with_caveat": "claims with a caveat",
    "median_interval_width": "median interval width", "thin_claims": "thin claims",
    # corpus
    "doc_id": "article", "sent_id": "sentence", "para_id": "paragraph", "n_words": "words", "n_chars": "characters",
    "n_sentences": "sentences", "n_tokens": "tokens", "n_lines": "lines", "kept_lines": "kept lines",
    "removed_lines": "removed lines", "words_per_sentence": "words per sentence", "n_docs": "articles",
    "outlet_type": "outlet type", "title_source": "title from", "author_source": "author from",
    # topics and words
    "n_terms": "terms", "npmi": "coherence (NPMI)", "stability": "stability", "jaccard_top10": "Jaccard (top 10)",
    "jaccard_top": "Jaccard (top words)",
    "count_rest": "count in other outlets", "house_style": "house style", "per_1000": "per 1,000 words",
    "rate": "per 1,000 words", "n_docs_with": "articles with it", "min_count": "min count",
    "delta_exclusive": "delta (exclusive)", "prior_scale": "prior scale",
    # tone
    "tone": "tone", "mean_tone": "mean tone", "pearson_r": "Pearson r", "spearman_rho": "Spearman rho",
    "mae": "mean abs. error", "n_ratings": "ratings", "share_method": "share (method)", "share_raters": "share (raters)",
    "p_negative": "P(negative)", "p_neutral": "P(neutral)", "p_positive": "P(positive)",
    "estimate_all": "estimate (all)", "estimate_exclusive": "estimate (one side only)",
    "n_units_all": "units (all)", "n_units_exclusive": "units (one side only)",
    # frames, agency, voices
    "min_sentences": "min sentences", "min_share": "min share", "cv_f1": "F1 (cross-validated)",
    "cv_f1_sd": "F1 sd (cross-validated)", "cv_precision": "precision (cross-validated)",
    "cv_recall": "recall (cross-validated)", "always_yes_f1": "F1 of always-yes", "f1": "F1",
    "prevalence_gold": "prevalence (coders)", "prevalence_pred": "prevalence (measure)",
    "mean_threshold": "mean threshold", "verb_lemma": "verb", "agent_text": "agent (as written)",
    "patient_text": "patient (as written)", "speaker_text": "speaker (as written)", "speaker_group": "speaker group",
    "quote_type": "quote type", "n_corpus": "in the corpus", "n_sample": "in the sample",
    # reliability (analysis.validate)
    "alpha_low": "alpha 95% CI low", "alpha_high": "alpha 95% CI high", "agreement": "percent agreement",
    "n_coders": "coders", "kappa": "Cohen's kappa",
}

_FLOAT = "f"


def human_label(name, labels: dict | None = None):
    """The label :func:`show_table` shows for a column or index name: ``labels`` first, then :data:`LABELS`;
    any other name (an outlet, a frame, a document id, a number) unchanged.

    >>> human_label("ci_high"), human_label("Harbor Ledger"), human_label("estimate", {"estimate": "share"})
    ('95% CI high', 'Harbor Ledger', 'share')
    """
    if not isinstance(name, str):
        return name
    if labels and name in labels:
        return labels[name]
    return LABELS.get(name, name)


def _rounded(col: pd.Series, digits: int) -> pd.Series:
    if col.dtype.kind not in _FLOAT:
        return col
    present = col.dropna()
    if len(present) and np.isfinite(present).all() and (present == present.round(0)).all() \
            and (present.abs() < 2**53).all():
        return col.astype("Int64")  # counts held as floats (NaN-able): 3.0 -> 3
    return col.round(digits)


def show_table(df: pd.DataFrame | pd.Series, *, digits: int = 2, labels: dict | None = None,
               max_rows: int | None = None) -> pd.DataFrame:
    """A display copy of ``df``: floats rounded to ``digits`` (columns of whole numbers as integers), column
    and index names as human labels (:func:`human_label`), and at most ``max_rows`` rows. A Series is shown as
    a one-column table. The result is for reading; compute with the original.

    >>> import pandas as pd
    >>> show_table(pd.DataFrame({"pearson_r": [0.61234], "n_ratings": [40.0]}, index=pd.Index(["vader"], name="method")))
            Pearson r  ratings
    method                    
    vader        0.61       40
    """
    out = df.to_frame() if isinstance(df, pd.Series) else df.copy()
    if max_rows is not None:
        out = out.head(max_rows)
    out = out.infer_objects()  # a transposed table of numbers has object columns
    for i in range(out.shape[1]):
        out.isetitem(i, _rounded(out.iloc[:, i], digits))
    rename = lambda n: human_label(n, labels)  # noqa: E731
    if isinstance(out.columns, pd.MultiIndex):
        out = out.rename(columns=rename)
    else:
        taken, mapping = set(out.columns), {}
        for name in dict.fromkeys(out.columns):
            label = rename(name)
            if label != name and label not in taken:  # never two columns with one label
                mapping[name] = label
                taken.add(label)
        out = out.rename(columns=mapping)
    out.columns = out.columns.set_names([rename(n) for n in out.columns.names])
    out.index = out.index.set_names([rename(n) for n in out.index.names])
    return out


# ------------------------------------------------------------------------------------------------ input warnings

#: The module whose warnings about input rows (HTML markup, unparseable dates ...) are all in ``Corpus.issues``.
INPUT_WARNINGS_MODULE = r"analysis\.corpus\.load"


def hide_input_warnings() -> None:
    """Stop the loader's warnings about input rows from printing as raw ``UserWarning`` lines with source code
    (each of them is in ``corpus.issues``; :func:`show_input_warnings` shows them as one table). Other warnings
    (a damaged cache, an interval that cannot be estimated) still print."""
    warnings.filterwarnings("ignore", category=UserWarning, module=INPUT_WARNINGS_MODULE)


def kept_warnings(issues: pd.DataFrame, rejects: pd.DataFrame | None = None) -> pd.DataFrame:
    """The warnings of ``issues`` about input that is in the corpus: rows of level ``warning`` whose source
    (file and row) was not then rejected (an HTML-only text warned about and then rejected counts once, as a
    reject).

    >>> issues = pd.DataFrame({"level": ["warning", "warning", "rejected"], "source": ["a.csv:row 2", "a.csv:row 4",
    ...                        "a.csv:row 4"], "doc_id": ["x", "y", "y"], "message": ["HTML markup", "HTML markup", "only markup"]})
    >>> kept_warnings(issues).source.tolist()
    ['a.csv:row 2']
    """
    if issues is None or not len(issues):
        return pd.DataFrame(columns=["level", "source", "doc_id", "message"])
    warned = issues[issues["level"] != "rejected"]
    gone = set(issues.loc[issues["level"] == "rejected", "source"].dropna().astype(str))
    if rejects is not None and len(rejects) and "source" in rejects:
        gone |= set(rejects["source"].dropna().astype(str))
    return warned[~warned["source"].astype(str).isin(gone)].reset_index(drop=True)


def _kind(message: str) -> str:
    """A warning message without its particulars (quoted values, numbers), to count warnings by kind.

    >>> _kind("unparseable date 'sometime in February': kept the document with date unknown")
    "unparseable date '…': kept the document with date unknown"
    """
    kind = re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: m.group(0)[0] + "…" + m.group(0)[0], str(message))
    return re.sub(r"\d+", "N", kind)


def input_warnings_table(issues: pd.DataFrame, rejects: pd.DataFrame | None = None, *,
                         examples: int = 3) -> pd.DataFrame:
    """One row per kind of warning about the input (:func:`kept_warnings`): how many rows, and the first ones.

    >>> issues = pd.DataFrame({"level": ["warning"] * 3, "source": ["a.csv:row 2", "a.csv:row 5", "a.csv:row 9"],
    ...                        "doc_id": ["x", "y", "z"], "message": ["HTML markup in the text field"] * 2 + ["unparseable date '3 May'"]})
    >>> input_warnings_table(issues)[["warning", "rows", "first rows"]].values.tolist()
    [['HTML markup in the text field', 2, 'a.csv:row 2 [x], a.csv:row 5 [y]'], ["unparseable date '…'", 1, 'a.csv:row 9 [z]']]
    """
    kept = kept_warnings(issues, rejects)
    if kept.empty:
        return pd.DataFrame(columns=["warning", "rows", "first rows"])
    kept = kept.assign(kind=kept["message"].map(_kind))
    rows = []
    for kind, g in kept.groupby("kind", sort=False):
        first = ", ".join(f"{s}" + (f" [{d}]" if isinstance(d, str) and d else "")
                          for s, d in zip(g["source"].head(examples), g["doc_id"].head(examples)))
        rows.append({"warning": kind, "rows": len(g), "first rows": first + (", ..." if len(g) > examples else "")})
    return pd.DataFrame(rows).sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)


def show_input_warnings(corpus, *, examples: int = 3) -> pd.DataFrame | None:
    """Display the corpus's warnings about its input as one short table (:func:`input_warnings_table`) with a
    line saying how many there are and where every row is (``corpus.issues``); nothing when there are none.
    Returns the table."""
    table = input_warnings_table(corpus.issues, corpus.rejects, examples=examples)
    if table.empty:
        return None
    n = int(table["rows"].sum())
    line = (f"{n} warning{'s' if n != 1 else ''} about the input (documents kept; every row: corpus.issues, "
            f"and issues.csv in the output folder):")
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with the notebooks' kernel
        print(line)
        print(table.to_string(index=False))
        return table
    print(line)
    display(table.set_index("warning"))  # pandas escapes every cell: file names and values come from the user
    return table


__all__ = ["LABELS", "hide_input_warnings", "human_label", "input_warnings_table", "kept_warnings", "show_input_warnings",
           "show_table"]
