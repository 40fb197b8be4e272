"""Inter-coder reliability: Krippendorff's alpha and percent agreement, with bootstrap intervals.

Input is a *long* table of codes, one row per (unit, coder): the shape every coding sheet and every
multi-coder data set is turned into by :mod:`analysis.validate.coding` and :mod:`analysis.validate.narrative_frames`.
Missing codes (a coder who did not code a unit) are simply absent rows or ``NaN``; alpha handles them.

Alpha is computed with the ``krippendorff`` package (Castro, S. 2017, *Fast Krippendorff: Fast computation
of Krippendorff's alpha agreement measure*, https://github.com/pln-fing-udelar/fast-krippendorff), which
implements Krippendorff, K. (2011) *Computing Krippendorff's Alpha-Reliability*. Intervals come from the
project's one bootstrap, :func:`analysis.intervals.bootstrap_ci`, resampling *units* with replacement (the
coders stay fixed). Note this is the plain unit bootstrap, not Hayes & Krippendorff's (2007) algorithm.

>>> import pandas as pd
>>> codes = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3, 4, 4], "coder": list("abababab"),
...                       "code": [1, 1, 0, 0, 1, 1, 1, 0]})
>>> percent_agreement(codes)
0.75
>>> round(krippendorff_alpha(codes), 3)
0.533
"""
from __future__ import annotations

from typing import Iterable, Literal, Mapping

import numpy as np
import pandas as pd

from analysis.intervals import bootstrap_ci

Level = Literal["nominal", "ordinal", "interval", "ratio"]

#: Conventional thresholds (Krippendorff 2004, p. 241): >= 0.800 reliable, >= 0.667 tentative conclusions.
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667

__all__ = [
    "ALPHA_RELIABLE",
    "ALPHA_TENTATIVE",
    "reliability_matrix",
    "krippendorff_alpha",
    "percent_agreement",
    "reliability_table",
    "binary_scores",
]


def reliability_matrix(
    codes: pd.DataFrame, *, unit: str = "unit", coder: str = "coder", value: str = "code"
) -> pd.DataFrame:
    """Pivot a long code table to the coders x units matrix alpha needs (``NaN`` = not coded).

    Raises ``ValueError`` if a coder coded a unit twice (ambiguous: which code counts?).

    >>> m = reliability_matrix(pd.DataFrame({"unit": [1, 1], "coder": ["a", "b"], "code": [0, 1]}))
    >>> m.shape
    (2, 1)
    """
    missing = [c for c in (unit, coder, value) if c not in codes.columns]
    if missing:
        raise KeyError(f"code table lacks column(s) {missing}; it has {list(codes.columns)}")
    dup = codes.duplicated([unit, coder], keep=False)
    if dup.any():
        ex = codes.loc[dup, [unit, coder]].drop_duplicates().head(5).to_records(index=False).tolist()
        raise ValueError(f"{int(dup.sum())} rows code the same (unit, coder) twice, e.g. {ex}")
    return codes.pivot(index=coder, columns=unit, values=value).astype(float)


def _value_counts(mat: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """Units x values count table from a coders x units matrix (``NaN`` = not coded)."""
    return np.stack([(mat == v).sum(axis=0) for v in domain], axis=1) if len(domain) else \
        np.zeros((mat.shape[1], 0), dtype=int)


def _alpha_from_counts(counts: np.ndarray, level: str, domain: np.ndarray) -> float:
    import krippendorff

    counts = counts[counts.sum(axis=1) >= 2]  # only pairable units carry information
    if counts.shape[0] == 0 or (counts.sum(axis=0) > 0).sum() < 2:
        # no pairable unit, or no variation at all: expected disagreement is 0, alpha undefined
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(krippendorff.alpha(value_counts=counts, value_domain=domain, level_of_measurement=level))


def _alpha_from_matrix(mat: np.ndarray, level: str, domain: np.ndarray | None = None) -> float:
    dom = np.unique(mat[~np.isnan(mat)]) if domain is None else domain
    return _alpha_from_counts(_value_counts(mat, dom), level, dom)


def krippendorff_alpha(
    codes: pd.DataFrame,
    *,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "code",
    level: Level = "nominal",
) -> float:
    """Krippendorff's alpha for one variable (1 = perfect agreement, 0 = chance, < 0 = systematic).

    Use ``level="nominal"`` for yes/no questions and ``"interval"`` for ratings. Returns ``NaN`` when no
    unit has two codes or all codes are identical (alpha is undefined without variation).

    >>> c = pd.DataFrame({"unit": [1, 1, 2, 2], "coder": ["a", "b"] * 2, "code": [0, 0, 1, 1]})
    >>> krippendorff_alpha(c)
    1.0
    """
    mat = reliability_matrix(codes, unit=unit, coder=coder, value=value).to_numpy()
    return _alpha_from_matrix(mat, level)


def _agreement_from_counts(counts: np.ndarray) -> float:
    """Mean over units (with >= 2 codes) of the share of coder pairs that agree."""
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.any():
        return float("nan")
    c, m = counts[keep], m[keep]
    return float(np.mean((c * (c - 1)).sum(axis=1) / (m * (m - 1))))


def _agreement_from_matrix(mat: np.ndarray) -> float:
    return _agreement_from_counts(_value_counts(mat, np.unique(mat[~np.isnan(mat)])))


def percent_agreement(
    codes: pd.DataFrame, *, unit: str = "unit", coder: str = "coder", value: str = "code"
) -> float:
    """Pairwise percent agreement: share of agreeing coder pairs per unit, averaged over units.

    With two coders this is simply the share of units coded identically. It ignores chance agreement, so
    a rare category inflates it (report it *next to* alpha, never instead of it).

    >>> c = pd.DataFrame({"unit": [1, 1, 2, 2], "coder": ["a", "b"] * 2, "code": [0, 0, 1, 0]})
    >>> percent_agreement(c)
    0.5
    """
    mat = reliability_matrix(codes, unit=unit, coder=coder, value=value).to_numpy()
    return _agreement_from_matrix(mat)


def _boot(counts: np.ndarray, fn, *, n_boot: int, level: float, seed: int) -> tuple[float, float]:
    """Bootstrap ``fn(counts[units])`` over units with the project's :func:`bootstrap_ci`.

    The trick: one row per unit whose value is its row index; ``bootstrap_ci`` resamples these rows
    and hands the resampled indices to the statistic, which rebuilds the units x values table.
    """
    if n_boot <= 0 or counts.shape[0] == 0:
        return float("nan"), float("nan")
    idx = pd.DataFrame({"row": np.arange(counts.shape[0], dtype=float)})

    def stat(rows: np.ndarray) -> float:
        return fn(counts[rows.astype(int)])

    ci = bootstrap_ci(idx, value="row", stat=stat, n_boot=n_boot, level=level, seed=seed)
    return float(ci["ci_low"].iloc[0]), float(ci["ci_high"].iloc[0])


def reliability_table(
    codes: pd.DataFrame,
    *,
    by: str | Iterable[str] = "question",
    unit: str = "unit",
    coder: str = "coder",
    value: str = "code",
    level: Level | Mapping[str, Level] = "nominal",
    level_col: str | None = None,
    n_boot: int = 1000,
    ci_level: float = 0.95,
    seed: int = 42,
) -> pd.DataFrame:
    """Alpha and percent agreement per group (question, frame ...) with bootstrap intervals over units.

    ``level`` is one level for all groups, or a mapping group -> level; alternatively ``level_col`` names
    a column of ``codes`` that holds each row's level (e.g. ``"level"`` from a codebook). Returns one
    row per group: ``alpha, alpha_low, alpha_high, agreement, agreement_low, agreement_high, n_units``
    (units with >= 2 codes), ``n_coders, n_codes, level, reliable`` (alpha >= 0.8).

    >>> c = pd.DataFrame({"question": ["q1"] * 4, "unit": [1, 1, 2, 2], "coder": ["a", "b"] * 2,
    ...                   "code": [0, 0, 1, 1]})
    >>> reliability_table(c, n_boot=0)[["question", "alpha", "agreement", "n_units"]].to_dict("records")
    [{'question': 'q1', 'alpha': 1.0, 'agreement': 1.0, 'n_units': 2}]
    """
    by_cols = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, g in codes.groupby(by_cols, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        name = key[0] if len(key) == 1 else key
        if level_col is not None:
            lv = g[level_col].dropna().unique()
            if len(lv) != 1:
                raise ValueError(f"group {name!r} has levels {list(lv)} in column {level_col!r}; need one")
            lvl = str(lv[0])
        elif isinstance(level, Mapping):
            lvl = level.get(name, "nominal")
        else:
            lvl = level
        g = g.dropna(subset=[value])
        mat_df = reliability_matrix(g, unit=unit, coder=coder, value=value)
        mat = mat_df.to_numpy()
        domain = np.unique(mat[~np.isnan(mat)])
        counts = _value_counts(mat, domain)
        pairable = counts.sum(axis=1) >= 2
        counts = counts[pairable]
        a_fn = lambda c, _l=lvl, _d=domain: _alpha_from_counts(c, _l, _d)  # noqa: E731
        alpha = a_fn(counts)
        agree = _agreement_from_counts(counts)
        a_lo, a_hi = _boot(counts, a_fn, n_boot=n_boot, level=ci_level, seed=seed)
        p_lo, p_hi = _boot(counts, _agreement_from_counts, n_boot=n_boot, level=ci_level, seed=seed)
        rows.append({
            **dict(zip(by_cols, key)),
            "alpha": alpha, "alpha_low": a_lo, "alpha_high": a_hi,
            "agreement": agree, "agreement_low": p_lo, "agreement_high": p_hi,
            "n_units": int(pairable.sum()), "n_coders": int(mat_df.shape[0]), "n_codes": int(len(g)),
            "level": lvl, "reliable": bool(alpha >= ALPHA_RELIABLE) if not np.isnan(alpha) else False,
        })
    cols = [*by_cols, "alpha", "alpha_low", "alpha_high", "agreement", "agreement_low", "agreement_high",
            "n_units", "n_coders", "n_codes", "level", "reliable"]
    return pd.DataFrame(rows, columns=cols)


def binary_scores(
    predicted: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    on: str | Iterable[str] = "doc_id",
    by: str = "frame",
    pred_col: str = "present",
    gold_col: str = "present",
) -> pd.DataFrame:
    """Precision, recall, F1 and agreement of a yes/no measure against human labels, per ``by`` group.

    Both tables are long (one row per unit and frame). Rows are matched on ``on`` + ``by``; units present
    in only one table are counted in ``n_unmatched`` and not scored (never silently: check that column).
    Also reports the *always-yes floor* (F1 of predicting "present" for every unit), accuracy, Cohen's
    kappa and Krippendorff's alpha between machine and humans, and the prevalence of each side.

    >>> p = pd.DataFrame({"doc_id": [1, 2, 3, 4], "frame": "x", "present": [1, 1, 0, 0]})
    >>> g = pd.DataFrame({"doc_id": [1, 2, 3, 4], "frame": "x", "present": [1, 0, 0, 1]})
    >>> binary_scores(p, g)[["precision", "recall", "f1"]].to_dict("records")
    [{'precision': 0.5, 'recall': 0.5, 'f1': 0.5}]
    """
    from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score

    on_cols = [on] if isinstance(on, str) else list(on)
    keys = [*on_cols, by]
    left = predicted[keys + [pred_col]].rename(columns={pred_col: "_pred"})
    right = gold[keys + [gold_col]].rename(columns={gold_col: "_gold"})
    for name, t in (("predicted", left), ("gold", right)):
        if t.duplicated(keys).any():
            raise ValueError(f"{name} table has duplicate {keys} rows")
    merged = left.merge(right, on=keys, how="outer", indicator=True)
    rows = []
    for frame, g in merged.groupby(by, sort=True):
        both = g[g["_merge"] == "both"].dropna(subset=["_pred", "_gold"])
        y_p = both["_pred"].astype(bool).to_numpy()
        y_g = both["_gold"].astype(bool).to_numpy()
        n = len(both)
        if n:
            prev = float(y_g.mean())
            floor = 2 * prev / (1 + prev) if prev > 0 else 0.0
            codes = pd.DataFrame({
                "unit": np.r_[np.arange(n), np.arange(n)], "coder": ["machine"] * n + ["human"] * n,
                "code": np.r_[y_p, y_g].astype(float)})
            kappa = float(cohen_kappa_score(y_g, y_p)) if len(set(y_g) | set(y_p)) > 1 else float("nan")
            rows.append({
                by: frame, "n": n,
                "precision": float(precision_score(y_g, y_p, zero_division=0)),
                "recall": float(recall_score(y_g, y_p, zero_division=0)),
                "f1": float(f1_score(y_g, y_p, zero_division=0)),
                "always_yes_f1": float(floor), "accuracy": float((y_g == y_p).mean()),
                "kappa": kappa, "alpha": krippendorff_alpha(codes),
                "prevalence_gold": prev, "prevalence_pred": float(y_p.mean()),
                "n_unmatched": int((g["_merge"] != "both").sum() + (len(g[g["_merge"] == "both"]) - n)),
            })
        else:
            rows.append({by: frame, "n": 0, "n_unmatched": int(len(g))})
    cols = [by, "n", "precision", "recall", "f1", "always_yes_f1", "accuracy", "kappa", "alpha",
            "prevalence_gold", "prevalence_pred", "n_unmatched"]
    return pd.DataFrame(rows).reindex(columns=cols)
