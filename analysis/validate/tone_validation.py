"""Score any sentiment method against human ratings, and read human-rated files.

A *rated table* has one row per rated text with the columns ``domain, item_id, text, rating`` and,
when per-rater scores exist, ``ratings`` (a list of numbers per row) and ``rating_sd``. Two loaders
produce it: :func:`load_vader_ground_truth` for the VADER ground-truth sets (Hutto & Gilbert 2014; the
shared copy lives in ``analysis.config.validation_path("sentiment_ratings")``) and
:func:`load_rated_file` for a researcher's own CSV / TSV / JSONL / Parquet file.

:func:`evaluate_scores` compares a method's scores with the human ratings (Pearson and Spearman r,
macro-F1 of positive / neutral / negative at chosen thresholds) and :func:`rater_reliability` gives
the humans' own agreement (Krippendorff's alpha, interval metric, and the correlation of one rater
with the rest), which is the ceiling a machine can be expected to reach.

>>> import pandas as pd
>>> rated = pd.DataFrame({"text": ["good", "bad", "fine", "awful"], "rating": [2.0, -2.0, 0.5, -3.0]})
>>> t = evaluate_scores([0.5, -0.4, 0.1, -0.9], rated, rating_scale=(-4, 4), thresholds=(0.05,))
>>> round(float(t.loc[t.metric == "pearson_r", "value"].iloc[0]), 3)
0.987
"""
from __future__ import annotations

import ast
import json
import logging
import warnings
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from analysis.config import validation_path

log = logging.getLogger(__name__)

#: VADER ground-truth sets (file stem -> domain name). The first three are in the shared folder; the
#: paper's fourth set (news editorial sentences) is read too when a copy is placed next to them.
VADER_SETS = {
    "tweets": "tweets",
    "movieReviewSnippets": "movie reviews",
    "amazonReviewSnippets": "product reviews",
    "nytEditorialSnippets": "news editorials",
}
#: Sets the hybrid tone model is fitted on; anything else stays out-of-sample.
TRAINING_SETS = ("tweets", "movieReviewSnippets", "amazonReviewSnippets")
#: Rating scale of the VADER ground truth (mean of ~20 raters, each -4 .. +4).
VADER_SCALE = (-4.0, 4.0)
RATED_COLUMNS = ["domain", "item_id", "text", "rating", "rating_sd", "n_raters", "ratings", "decode_error"]
HOW_TO_GET_RATINGS = (
    "The VADER human-rated sets are the files *_GroundTruth.txt and *_anonDataRatings.txt inside "
    "hutto_ICWSM_2014.tar.gz in the public repository cjhutto/vaderSentiment (folder "
    "additional_resources). Unpack them into <validation dir>/sentiment_ratings/ (the validation dir is "
    "../shared/validation next to the project, or set ANALYSIS_VALIDATION_DIR)."
)


# ------------------------------------------------------------------------------------------ reading
def _decode_lines(raw: bytes) -> tuple[list[str], list[bool]]:
    """Split bytes into lines (CRLF or LF, BOM dropped); undecodable lines are decoded with U+FFFD
    replacement characters and flagged, never dropped silently."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    lines, bad = [], []
    for bline in raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
        if not bline.strip():
            continue
        try:
            lines.append(bline.decode("utf-8"))
            bad.append(False)
        except UnicodeDecodeError:
            lines.append(bline.decode("utf-8", errors="replace"))
            bad.append(True)
    return lines, bad


def read_vader_file(path: str | Path, *, domain: str | None = None) -> pd.DataFrame:
    """Read one VADER ground-truth file (``id <TAB> mean <TAB> text``) into a rated table.

    Handles CRLF line ends, a byte-order mark and bytes that are not valid UTF-8 (such rows are kept,
    decoded with replacement characters and flagged in ``decode_error``; a warning gives the count).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x_GroundTruth.txt"
    >>> _ = p.write_bytes(b"\\xef\\xbb\\xbf1\\t2.5\\tgreat\\r\\n2\\t-1\\tbad \\xff\\r\\n")
    >>> import warnings; warnings.simplefilter("ignore")
    >>> read_vader_file(p)[["item_id", "rating", "decode_error"]].values.tolist()
    [['1', 2.5, False], ['2', -1.0, True]]
    """
    path = Path(path)
    lines, bad = _decode_lines(path.read_bytes())
    rows = []
    for i, (line, err) in enumerate(zip(lines, bad), start=1):
        parts = line.split("\t", 2)
        if len(parts) != 3:
            raise ValueError(f"{path.name}: line {i} does not have 3 tab-separated fields: {line[:80]!r}")
        rows.append({"item_id": parts[0].strip(), "rating": float(parts[1]), "text": parts[2].strip(),
                     "decode_error": err})
    df = pd.DataFrame(rows)
    df.insert(0, "domain", domain or path.name.split("_")[0])
    n_bad = int(df["decode_error"].sum())
    if n_bad:
        warnings.warn(f"{path.name}: {n_bad} line(s) were not valid UTF-8; kept with U+FFFD replacement "
                      "characters (see the decode_error column)", stacklevel=2)
    return df


def read_vader_rater_file(path: str | Path) -> pd.DataFrame:
    """Read a VADER ``*_anonDataRatings.txt`` file: ``item_id, rating_sd, n_raters, ratings`` (list).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x_anonDataRatings.txt"
    >>> _ = p.write_bytes(b"1\\t2.5\\t0.5\\t[2, 3]\\r\\n")
    >>> read_vader_rater_file(p)["ratings"].iloc[0]
    [2.0, 3.0]
    """
    path = Path(path)
    lines, _ = _decode_lines(path.read_bytes())
    rows = []
    for i, line in enumerate(lines, start=1):
        parts = line.split("\t")
        if len(parts) != 4:
            raise ValueError(f"{path.name}: line {i} does not have 4 tab-separated fields: {line[:80]!r}")
        ratings = [float(v) for v in json.loads(parts[3])]
        rows.append({"item_id": parts[0].strip(), "rating_sd": float(parts[2]), "n_raters": len(ratings),
                     "ratings": ratings})
    return pd.DataFrame(rows)


def load_vader_ground_truth(
    folder: str | Path | None = None,
    *,
    sets: Sequence[str] | None = None,
    with_raters: bool = True,
) -> pd.DataFrame | None:
    """All VADER human-rated sets as one rated table, or ``None`` when the folder is absent.

    ``folder`` defaults to the shared ``sentiment_ratings`` folder; ``sets`` picks file stems from
    :data:`VADER_SETS` (default: every set whose file is in the folder; a set named explicitly must
    exist). ``rating`` is the published mean on the -4..+4 scale.

    >>> rated = load_vader_ground_truth(sets=["tweets"])          # doctest: +SKIP
    >>> rated.shape                                               # doctest: +SKIP
    (4200, 8)
    """
    folder = Path(folder) if folder is not None else validation_path("sentiment_ratings")
    if folder is None or not Path(folder).exists():
        log.info("sentiment ratings not found. %s", HOW_TO_GET_RATINGS)
        return None
    folder = Path(folder)
    if sets is None:
        sets = [stem for stem in VADER_SETS if (folder / f"{stem}_GroundTruth.txt").exists()]
        if not sets:
            log.info("no *_GroundTruth.txt files in %s. %s", folder, HOW_TO_GET_RATINGS)
            return None
    frames = []
    for stem in sets:
        if stem not in VADER_SETS:
            raise ValueError(f"unknown set {stem!r}; choose from {sorted(VADER_SETS)}")
        df = read_vader_file(folder / f"{stem}_GroundTruth.txt", domain=VADER_SETS[stem])
        raters = folder / f"{stem}_anonDataRatings.txt"
        if with_raters and raters.exists():
            df = df.merge(read_vader_rater_file(raters), on="item_id", how="left", validate="one_to_one")
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    for col in RATED_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA if col != "decode_error" else False
    return out[RATED_COLUMNS]


def _parse_rating_list(value) -> list[float] | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        value = ast.literal_eval(value.strip())
    return [float(v) for v in value if v is not None and not (isinstance(v, float) and np.isnan(v))]


def load_rated_file(
    path: str | Path,
    *,
    text: str = "text",
    rating: str | None = "rating",
    raters: str | Sequence[str] | None = None,
    item_id: str | None = None,
    domain: str | None = None,
) -> pd.DataFrame:
    """Read a researcher's own human-rated file (CSV, TSV, JSONL or Parquet) into a rated table.

    ``raters`` is either one column holding a list per row (``"[1, 0, 2]"`` strings work) or several
    columns with one rater each (empty = not rated). ``rating`` may be ``None`` when rater columns are
    given: the mean of the raters is used.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = p.write_text("sentence,r1,r2\\nGreat news,2,1\\nTerrible,-2,\\n")
    >>> t = load_rated_file(p, text="sentence", rating=None, raters=["r1", "r2"])
    >>> t["rating"].tolist(), t["n_raters"].tolist()
    ([1.5, -2.0], [2, 1])
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        raw, bad = _decode_lines(path.read_bytes())
        from io import StringIO

        sep = "\t" if suffix in {".tsv", ".txt"} else ","
        df = pd.read_csv(StringIO("\n".join(raw)), sep=sep)
        if any(bad):
            warnings.warn(f"{path.name}: {sum(bad)} line(s) were not valid UTF-8; kept with replacement "
                          "characters", stacklevel=2)
    elif suffix in {".jsonl", ".json"}:
        df = pd.read_json(path, lines=suffix == ".jsonl")
    elif suffix == ".parquet":
        df = pd.read_parquet(path)
    else:
        raise ValueError(f"{path.name}: use a .csv, .tsv, .jsonl or .parquet file")
    missing = [c for c in [text, rating, item_id, *([raters] if isinstance(raters, str) else raters or [])]
               if c is not None and c not in df.columns]
    if missing:
        raise KeyError(f"{path.name}: column(s) {missing} not found (columns: {list(df.columns)})")
    out = pd.DataFrame({"domain": domain or path.stem,
                        "item_id": df[item_id].astype(str) if item_id else [str(i) for i in range(len(df))],
                        "text": df[text].astype(str)})
    if isinstance(raters, str):
        lists = [_parse_rating_list(v) for v in df[raters]]
    elif raters:
        lists = [[float(v) for v in row if pd.notna(v)] for row in df[list(raters)].to_numpy()]
    else:
        lists = None
    if rating is not None:
        out["rating"] = pd.to_numeric(df[rating], errors="raise").astype(float)
    elif lists is not None:
        out["rating"] = [float(np.mean(x)) if x else np.nan for x in lists]
    else:
        raise ValueError("give a rating column, rater columns, or both")
    out["ratings"] = lists if lists is not None else None
    out["n_raters"] = [len(x) if x else 0 for x in lists] if lists is not None else pd.NA
    out["rating_sd"] = [float(np.std(x)) if x else np.nan for x in lists] if lists is not None else np.nan
    out["decode_error"] = out["text"].str.contains("\ufffd", regex=False)
    return out[RATED_COLUMNS]


# --------------------------------------------------------------------------------------- scoring
def _classes(x: np.ndarray, t: float) -> np.ndarray:
    return np.where(x > t, 1, np.where(x < -t, -1, 0))


def evaluate_scores(
    scores: Sequence[float] | np.ndarray,
    rated: pd.DataFrame,
    *,
    rating_scale: tuple[float, float] = VADER_SCALE,
    thresholds: Sequence[float] = (0.05, 0.125),
    method: str = "method",
) -> pd.DataFrame:
    """Agreement of ``scores`` (on -1..1) with ``rated.rating``: a tidy ``method, metric, value, n`` table.

    Metrics: ``pearson_r``, ``spearman_r`` and, for each threshold ``t``, ``f1_macro@t``: both the
    human rating (rescaled from ``rating_scale`` to -1..1) and the score are cut into negative
    (< -t), neutral and positive (> t), and the F1 of the three classes is averaged. 0.05 is VADER's
    usual cut-off; 0.125 is half a point on the -4..4 scale. Rows with a missing score are dropped.

    >>> import pandas as pd
    >>> r = pd.DataFrame({"rating": [-3.0, 0.0, 3.0]})
    >>> evaluate_scores([-0.5, 0.0, 0.6], r, thresholds=(0.1,)).set_index("metric")["value"]["f1_macro@0.1"].item()
    1.0
    """
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import f1_score

    s = np.asarray(scores, dtype=float)
    if len(s) != len(rated):
        raise ValueError(f"{len(s)} scores for {len(rated)} rated rows")
    lo, hi = rating_scale
    y = (rated["rating"].to_numpy(dtype=float) - (lo + hi) / 2) / ((hi - lo) / 2)
    ok = ~(np.isnan(s) | np.isnan(y))
    s, y = s[ok], y[ok]
    n = int(ok.sum())
    rows = [{"metric": "pearson_r", "value": float(pearsonr(s, y)[0]) if n > 2 else np.nan},
            {"metric": "spearman_r", "value": float(spearmanr(s, y)[0]) if n > 2 else np.nan}]
    for t in thresholds:
        f1 = f1_score(_classes(y, t), _classes(s, t), labels=[-1, 0, 1], average="macro", zero_division=0)
        rows.append({"metric": f"f1_macro@{t:g}", "value": float(f1)})
    out = pd.DataFrame(rows)
    out.insert(0, "method", method)
    out["n"] = n
    return out


def evaluate_method(
    method: Callable[[list[str]], np.ndarray],
    rated: pd.DataFrame,
    *,
    name: str | None = None,
    by_domain: bool = True,
    rating_scale: tuple[float, float] = VADER_SCALE,
    thresholds: Sequence[float] = (0.05, 0.125),
) -> pd.DataFrame:
    """Run ``method`` (texts -> scores on -1..1) on ``rated.text`` and score it, per domain and overall.

    Returns ``method, domain, metric, value, n``; ``domain == "all"`` pools every row.

    >>> import pandas as pd
    >>> r = pd.DataFrame({"domain": "x", "text": ["good", "bad", "meh"], "rating": [2.0, -2.0, 0.0]})
    >>> t = evaluate_method(lambda ts: [1.0 if "good" in s else -1.0 for s in ts], r, name="toy")
    >>> sorted(t.domain.unique())
    ['all', 'x']
    """
    name = name or getattr(method, "__name__", "method")
    scores = np.asarray(method(rated["text"].tolist()), dtype=float)
    parts = [("all", rated.index)]
    if by_domain and "domain" in rated.columns:
        parts += [(d, g.index) for d, g in rated.groupby("domain", sort=True)]
    frames = []
    pos = pd.Series(np.arange(len(rated)), index=rated.index)
    for dom, idx in parts:
        t = evaluate_scores(scores[pos[idx].to_numpy()], rated.loc[idx], rating_scale=rating_scale,
                            thresholds=thresholds, method=name)
        t.insert(1, "domain", dom)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------------------- reliability
def rating_matrix(ratings: Sequence[Sequence[float] | None]) -> np.ndarray:
    """Raters x items array (NaN = not rated) from one list of ratings per item.

    Rater identities are not needed for Krippendorff's alpha, which only pairs values *within* an item,
    so the k-th rating of each item goes in row k. (For a long table of codes with coder ids, use
    :func:`analysis.validate.reliability.reliability_matrix`.)

    >>> rating_matrix([[1, 2], [3]]).tolist()
    [[1.0, 3.0], [2.0, nan]]
    """
    lists = [list(r) if r is not None and not (isinstance(r, float) and np.isnan(r)) else [] for r in ratings]
    k = max((len(r) for r in lists), default=0)
    m = np.full((k, len(lists)), np.nan)
    for j, r in enumerate(lists):
        m[: len(r), j] = r
    return m


def rater_reliability(
    rated: pd.DataFrame,
    *,
    by_domain: bool = True,
    seed: int = 42,
) -> pd.DataFrame:
    """Human agreement where per-rater ratings exist: ``domain, metric, value, n``.

    Metrics: ``krippendorff_alpha_interval`` and ``single_rater_r`` (Pearson r between one randomly
    drawn rater per item and the mean of that item's other raters, the "one human" benchmark of the
    VADER paper). Returns an empty table when ``rated`` has no ``ratings`` lists.

    >>> import pandas as pd
    >>> r = pd.DataFrame({"domain": "x", "ratings": [[2, 2, 3], [-2, -3, -2], [0, 0, 1], [1, 2, 1]]})
    >>> t = rater_reliability(r, by_domain=False)
    >>> bool(t.set_index("metric").loc["krippendorff_alpha_interval", "value"] > 0.8)
    True
    """
    import krippendorff

    cols = ["domain", "metric", "value", "n"]
    if "ratings" not in rated.columns:
        return pd.DataFrame(columns=cols)
    has = rated["ratings"].map(lambda r: isinstance(r, (list, tuple, np.ndarray)) and len(r) >= 2)
    rated = rated[has]
    if rated.empty:
        return pd.DataFrame(columns=cols)
    parts = [("all", rated)]
    if by_domain and "domain" in rated.columns:
        parts += list(rated.groupby("domain", sort=True))
    rng = np.random.default_rng(seed)
    rows = []
    for dom, g in parts:
        m = rating_matrix(g["ratings"].tolist())
        alpha = float(krippendorff.alpha(reliability_data=m, level_of_measurement="interval"))
        one, rest = [], []
        for r in g["ratings"]:
            r = np.asarray(r, dtype=float)
            k = int(rng.integers(len(r)))
            one.append(r[k])
            rest.append(np.delete(r, k).mean())
        r1 = float(np.corrcoef(one, rest)[0, 1])
        rows += [{"domain": dom, "metric": "krippendorff_alpha_interval", "value": alpha, "n": len(g)},
                 {"domain": dom, "metric": "single_rater_r", "value": r1, "n": len(g)}]
    return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------------------- cross-domain validation
def leave_one_domain_out(
    rated: pd.DataFrame,
    features: np.ndarray,
    *,
    alpha: float = 10.0,
    name: str = "hybrid",
    rating_scale: tuple[float, float] = VADER_SCALE,
    thresholds: Sequence[float] = (0.05, 0.125),
    fit_options: dict | None = None,
) -> pd.DataFrame:
    """Honest transfer estimate: fit a tone model on all domains but one, score the held-out one.

    ``features`` is the feature matrix for ``rated`` (same row order, e.g. from
    :func:`analysis.sentiment.tone_features`). Returns ``method, domain (held out), metric, value, n``
    plus ``"mean"`` rows averaging the held-out domains. The held-out domain is never seen in fitting,
    which mimics applying the model to news, a domain absent from the ratings.

    >>> import pandas as pd, numpy as np
    >>> rng = np.random.default_rng(0); x = rng.normal(size=(90, 1))
    >>> r = pd.DataFrame({"domain": np.repeat(["a", "b", "c"], 30), "rating": 3 * np.tanh(x[:, 0])})
    >>> t = leave_one_domain_out(r, x, alpha=1.0, fit_options={"use_embedding": False, "vader_features": ["f"]})
    >>> bool(t[(t.domain == "mean") & (t.metric == "pearson_r")].value.iloc[0] > 0.9)
    True
    """
    from analysis.measures.tone import fit_tone_model

    X = np.asarray(features, dtype=float)
    if len(X) != len(rated):
        raise ValueError(f"{len(X)} feature rows for {len(rated)} rated rows")
    domains = rated["domain"].to_numpy()
    frames = []
    for dom in sorted(set(domains)):
        train, test = domains != dom, domains == dom
        model = fit_tone_model(X[train], rated["rating"].to_numpy()[train], alpha=alpha,
                               rating_scale=rating_scale, **(fit_options or {}))
        t = evaluate_scores(model.predict_features(X[test]), rated[test], rating_scale=rating_scale,
                            thresholds=thresholds, method=name)
        t.insert(1, "domain", dom)
        frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    mean = out.groupby(["method", "metric"], as_index=False, sort=False).agg(value=("value", "mean"), n=("n", "sum"))
    mean.insert(1, "domain", "mean")
    return pd.concat([out, mean], ignore_index=True)
