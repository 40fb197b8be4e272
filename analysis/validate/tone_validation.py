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


# -------------------------------------------------------------------------------------------- NewsMTSC
#: NewsMTSC polarity codes (sentiment of the sentence toward the target) -> class.
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
NEWSMTSC_SOURCE = ("Hamborg, F. & Donnay, K. (2021). NewsMTSC: A Dataset for (Multi-)Target-dependent Sentiment "
                   "Classification in Political News Articles. EACL 2021. Repository fhamborg/NewsMTSC, "
                   "NewsSentiment/controller_data/datasets/NewsMTSC-dataset/train.jsonl (MIT licence).")
HOW_TO_GET_NEWSMTSC = (
    "NewsMTSC's train.jsonl is in the public repository fhamborg/NewsMTSC "
    "(NewsSentiment/controller_data/datasets/NewsMTSC-dataset/). Put it in <validation dir>/newsmtsc/ "
    "(the validation dir is ../shared/validation next to the project, or set ANALYSIS_VALIDATION_DIR)."
)


def load_newsmtsc_targets(path: str | Path | None = None, *, limit: int | None = None) -> pd.DataFrame | None:
    """NewsMTSC as one row per (sentence, target), or ``None`` when the file is absent.

    Columns ``sentence_id`` (``primary_gid``), ``text``, ``target_i``, ``start_char``, ``end_char`` (offsets
    of the mention in ``text``), ``mention``, ``polarity`` (the file's code: 2 negative, 4 neutral, 6
    positive) and ``label`` (``negative`` / ``neutral`` / ``positive``). ``path`` defaults to
    ``<validation dir>/newsmtsc/train.jsonl``; ``limit`` keeps the first sentences (for tests). A malformed
    line, an unknown polarity or a mention whose offsets do not match the text raises a ``ValueError``
    naming the file and line.

    >>> import tempfile, pathlib, json
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "train.jsonl"
    >>> row = {"primary_gid": "g1", "sentence_normalized": "Acme rejected the claims.",
    ...        "targets": [{"from": 0, "to": 4, "mention": "Acme", "polarity": 4.0}]}
    >>> _ = p.write_text(json.dumps(row) + "\\n")
    >>> load_newsmtsc_targets(p)[["mention", "label"]].values.tolist()
    [['Acme', 'neutral']]
    """
    path = Path(path) if path is not None else validation_path("newsmtsc", "train.jsonl")
    if path is None or not Path(path).exists():
        log.info("NewsMTSC not found. %s", HOW_TO_GET_NEWSMTSC)
        return None
    rows = []
    n_sent = 0
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            if limit is not None and n_sent >= limit:
                break
            try:
                d = json.loads(line)
                text, gid, targets = d["sentence_normalized"], str(d["primary_gid"]), d["targets"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name}: line {line_no} is not a NewsMTSC record ({exc})") from exc
            n_sent += 1
            for k, t in enumerate(targets):
                a, b, pol = int(t["from"]), int(t["to"]), float(t["polarity"])
                if pol not in NEWSMTSC_POLARITY:
                    raise ValueError(f"{path.name}: line {line_no}, target {k}: unknown polarity {pol}")
                if text[a:b] != t["mention"]:
                    raise ValueError(f"{path.name}: line {line_no}, target {k}: offsets {a}:{b} give "
                                     f"{text[a:b]!r}, not the mention {t['mention']!r}")
                rows.append({"sentence_id": gid, "text": text, "target_i": k, "start_char": a, "end_char": b,
                             "mention": t["mention"], "polarity": pol, "label": NEWSMTSC_POLARITY[pol]})
    return pd.DataFrame(rows, columns=["sentence_id", "text", "target_i", "start_char", "end_char", "mention",
                                       "polarity", "label"])


def newsmtsc_sentence_ratings(targets: pd.DataFrame, *, strength: float = 2.0) -> pd.DataFrame:
    """A sentence-level rated table (``domain = "news"``) derived from NewsMTSC's target polarities.

    NewsMTSC rates the sentiment of a sentence *toward each of its targets*, not the sentence itself. The
    derived rating is ``strength`` x the mean over the sentence's targets of -1 (negative), 0 (neutral), +1
    (positive), on the -4..+4 scale of the VADER ratings: a sentence negative toward all its targets is
    rated ``-strength`` (default -2, "moderately negative"), one with a negative and a positive target 0.
    ``strength`` is an assumption (NewsMTSC has no intensity); it sets the scale the hybrid model learns
    for news and the share of news sentences a threshold calls neutral, not the ranking.

    >>> t = pd.DataFrame({"sentence_id": ["a", "a", "b"], "text": ["x", "x", "y"],
    ...                   "label": ["negative", "neutral", "positive"]})
    >>> newsmtsc_sentence_ratings(t)[["item_id", "rating"]].values.tolist()
    [['a', -1.0], ['b', 2.0]]
    """
    val = targets["label"].map({"negative": -1.0, "neutral": 0.0, "positive": 1.0})
    g = targets.assign(v=val).groupby("sentence_id", sort=False)
    out = pd.DataFrame({"domain": "news", "item_id": list(g.groups),
                        "text": g["text"].first().to_numpy(), "rating": strength * g["v"].mean().to_numpy(),
                        "rating_sd": np.nan, "n_raters": pd.NA, "ratings": None,
                        "decode_error": False})
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
    domain_weights: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Honest transfer estimate: fit a tone model on all domains but one, score the held-out one.

    ``domain_weights`` (``{domain: weight}``, default 1) weights each domain's rows in the fit.
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
    w = np.array([(domain_weights or {}).get(d, 1.0) for d in domains], dtype=float)
    frames = []
    for dom in sorted(set(domains)):
        train, test = domains != dom, domains == dom
        model = fit_tone_model(X[train], rated["rating"].to_numpy()[train], alpha=alpha,
                               rating_scale=rating_scale, sample_weight=w[train], **(fit_options or {}))
        t = evaluate_scores(model.predict_features(X[test]), rated[test], rating_scale=rating_scale,
                            thresholds=thresholds, method=name)
        t.insert(1, "domain", dom)
        frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    mean = out.groupby(["method", "metric"], as_index=False, sort=False).agg(value=("value", "mean"), n=("n", "sum"))
    mean.insert(1, "domain", "mean")
    return pd.concat([out, mean], ignore_index=True)


# ------------------------------------------------------------------------------------ news in the mix
def class_shares(
    scores: Sequence[float] | np.ndarray,
    rated: pd.DataFrame,
    *,
    rating_scale: tuple[float, float] = VADER_SCALE,
    thresholds: Sequence[float] = (0.05, 0.125),
    method: str = "method",
) -> pd.DataFrame:
    """Calibration: share of texts a method calls negative / neutral / positive against the ratings.

    Columns ``method, threshold, class, share_method, share_ratings, n``; both the scores and the rescaled
    ratings are cut at ``-t`` and ``+t`` for each threshold ``t``.

    >>> r = pd.DataFrame({"rating": [-2.0, 0.0, 2.0, 2.0]})
    >>> class_shares([-0.5, -0.4, 0.0, 0.6], r, thresholds=(0.1,))["share_method"].tolist()
    [0.5, 0.25, 0.25]
    """
    s = np.asarray(scores, dtype=float)
    lo, hi = rating_scale
    y = (rated["rating"].to_numpy(dtype=float) - (lo + hi) / 2) / ((hi - lo) / 2)
    rows = []
    for t in thresholds:
        cs, cy = _classes(s, t), _classes(y, t)
        for k, name in ((-1, "negative"), (0, "neutral"), (1, "positive")):
            rows.append({"method": method, "threshold": float(t), "class": name,
                         "share_method": float(np.mean(cs == k)), "share_ratings": float(np.mean(cy == k)),
                         "n": int(len(s))})
    return pd.DataFrame(rows, columns=["method", "threshold", "class", "share_method", "share_ratings", "n"])


def in_domain_cv(
    rated: pd.DataFrame,
    features: np.ndarray,
    *,
    domain: str = "news",
    groups: Sequence | None = None,
    n_splits: int = 5,
    alpha: float = 10.0,
    rating_scale: tuple[float, float] = VADER_SCALE,
    fit_options: dict | None = None,
    domain_weights: dict[str, float] | None = None,
) -> np.ndarray:
    """Out-of-fold tone of ``domain``'s rows when the model is trained with that domain *in the mix*.

    ``domain``'s rows are split by :class:`sklearn.model_selection.GroupKFold` (``groups``: e.g. the source
    sentence; default one group per row); each fold is scored by a model fitted on every other domain plus
    the other folds, which is how the shipped model (fitted on everything) meets new text of that domain.
    ``domain_weights`` as in :func:`leave_one_domain_out`. Returns one score per ``domain`` row, in their order.

    >>> rng = np.random.default_rng(0); x = rng.normal(size=(60, 1))
    >>> r = pd.DataFrame({"domain": np.repeat(["a", "news"], 30), "rating": 3 * np.tanh(x[:, 0])})
    >>> oof = in_domain_cv(r, x, alpha=1.0, fit_options={"use_embedding": False, "vader_features": ["f"]})
    >>> oof.shape, bool(np.corrcoef(oof, r.rating[30:])[0, 1] > 0.9)
    ((30,), True)
    """
    from sklearn.model_selection import GroupKFold

    from analysis.measures.tone import fit_tone_model

    X = np.asarray(features, dtype=float)
    dom = rated["domain"].to_numpy() == domain
    idx = np.flatnonzero(dom)
    g = np.asarray(groups) if groups is not None else np.arange(len(idx))
    y = rated["rating"].to_numpy(dtype=float)
    w = np.array([(domain_weights or {}).get(d, 1.0) for d in rated["domain"]], dtype=float)
    oof = np.full(len(idx), np.nan)
    for tr, te in GroupKFold(n_splits=n_splits).split(idx, groups=g):
        train = np.concatenate([np.flatnonzero(~dom), idx[tr]])
        model = fit_tone_model(X[train], y[train], alpha=alpha, rating_scale=rating_scale, sample_weight=w[train],
                               **(fit_options or {}))
        oof[te] = model.predict_features(X[idx[te]])
    return oof


# ----------------------------------------------------------------------------- target-dependent tone
def cluster_bootstrap_f1(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    groups: Sequence,
    *,
    n_boot: int = 1000,
    seed: int = 42,
    labels: Sequence[str] = ("negative", "neutral", "positive"),
) -> tuple[float, float, float]:
    """Macro-F1 and its 95% percentile interval, resampling whole groups (sentences) with replacement.

    >>> y = ["negative", "neutral", "positive"] * 10
    >>> cluster_bootstrap_f1(y, y, range(30), n_boot=50)
    (1.0, 1.0, 1.0)
    """
    from sklearn.metrics import f1_score

    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    est = float(f1_score(y_true, y_pred, labels=list(labels), average="macro", zero_division=0))
    uniq, inv = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inv == k) for k in range(len(uniq))]
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(n_boot):
        pick = np.concatenate([members[k] for k in rng.integers(len(uniq), size=len(uniq))])
        stats.append(f1_score(y_true[pick], y_pred[pick], labels=list(labels), average="macro", zero_division=0))
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return est, float(lo), float(hi)


def threshold_classes(scores: Sequence[float] | np.ndarray, low: float, high: float) -> np.ndarray:
    """Cut scores into ``negative`` (< low), ``positive`` (> high) and ``neutral``.

    >>> threshold_classes([-0.5, 0.0, 0.5], -0.1, 0.2).tolist()
    ['negative', 'neutral', 'positive']
    """
    s = np.asarray(scores, dtype=float)
    return np.where(s < low, "negative", np.where(s > high, "positive", "neutral"))


def tune_thresholds(
    scores: Sequence[float] | np.ndarray,
    labels: Sequence[str],
    *,
    grid: Sequence[float] = tuple(np.round(np.arange(-0.6, 0.61, 0.025), 3)),
) -> tuple[float, float]:
    """The ``(low, high)`` pair of :func:`threshold_classes` cut-offs with the best macro-F1 on these data.

    (scikit-learn's ``TunedThresholdClassifierCV`` tunes one binary cut-off; a 3-class cut of one score needs
    two, so the grid is searched here.)

    >>> tune_thresholds([-0.5, -0.3, 0.0, 0.1, 0.5], ["negative", "negative", "neutral", "neutral", "positive"])
    (-0.275, 0.1)
    """
    from sklearn.metrics import f1_score

    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    best, pair = -1.0, (-0.05, 0.05)
    for lo in grid:
        for hi in grid:
            if hi < lo:
                continue
            f = f1_score(y, threshold_classes(s, lo, hi), labels=["negative", "neutral", "positive"],
                         average="macro", zero_division=0)
            if f > best + 1e-12:
                best, pair = f, (float(lo), float(hi))
    return pair


def proxy_cv(
    scores: Sequence[float] | np.ndarray,
    labels: Sequence[str],
    groups: Sequence,
    *,
    n_splits: int = 5,
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Out-of-fold classes of a *sentence* score used as the tone toward each target (the baseline).

    Cut-offs are tuned by :func:`tune_thresholds` on the training folds of a
    :class:`sklearn.model_selection.GroupKFold` (groups = sentences) and applied to the held-out fold.
    Returns the predicted classes and each fold's ``(low, high)``.

    >>> s = np.linspace(-1, 1, 30); y = threshold_classes(s, -0.3, 0.3)
    >>> pred, cuts = proxy_cv(s, y, np.arange(30), n_splits=3)
    >>> float(np.mean(pred == y)) > 0.8
    True
    """
    from sklearn.model_selection import GroupKFold

    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    pred = np.empty(len(s), dtype=object)
    cuts = []
    for tr, te in GroupKFold(n_splits=n_splits).split(s, groups=np.asarray(groups)):
        lo, hi = tune_thresholds(s[tr], y[tr])
        cuts.append((lo, hi))
        pred[te] = threshold_classes(s[te], lo, hi)
    return pred.astype(str), cuts


def target_cv(
    features: np.ndarray,
    labels: Sequence[str],
    groups: Sequence,
    *,
    Cs: Sequence[float] = (0.01, 0.03, 0.1),
    n_splits: int = 5,
    class_weight: str | None = "balanced",
) -> tuple[np.ndarray, float, pd.DataFrame]:
    """Grouped cross-validation of the target-dependent model (:func:`fit_target_model`).

    For each ``C`` the model is fitted on four folds of a :class:`sklearn.model_selection.GroupKFold`
    (groups = sentences, so the targets of one sentence never sit on both sides) and predicts the fifth.
    Returns the out-of-fold class probabilities of the best ``C`` (by macro-F1), that ``C`` and a table
    ``C, f1_macro`` of every candidate. Choosing ``C`` on the same folds makes the best figure slightly
    optimistic; with three candidates the table shows by how much it could be.
    """
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    from analysis.measures.target_tone import CLASSES, fit_target_model

    X, y = np.asarray(features, dtype=float), np.asarray(labels)
    folds = list(GroupKFold(n_splits=n_splits).split(X, groups=np.asarray(groups)))
    rows, probs = [], {}
    for C in Cs:
        p = np.zeros((len(y), 3))
        for tr, te in folds:
            p[te] = fit_target_model(X[tr], y[tr], C=C, class_weight=class_weight).predict_proba(X[te])
        f = f1_score(y, np.asarray(CLASSES)[p.argmax(axis=1)], labels=list(CLASSES), average="macro")
        rows.append({"C": float(C), "f1_macro": float(f)})
        probs[C] = p
    table = pd.DataFrame(rows)
    best = float(table.loc[table["f1_macro"].idxmax(), "C"])
    return probs[best], best, table


def bootstrap_pearson(
    scores: Sequence[float] | np.ndarray,
    ratings: Sequence[float] | np.ndarray,
    *,
    n_boot: int = 1000,
    seed: int = 42,
) -> tuple[float, float, float]:
    """Pearson r and its 95% percentile bootstrap interval over texts (:func:`scipy.stats.bootstrap`).

    >>> x = np.arange(20.0); r, lo, hi = bootstrap_pearson(x, x + np.sin(x), n_boot=200)
    >>> round(r, 3), lo <= r <= hi
    (0.993, True)
    """
    from scipy.stats import bootstrap, pearsonr

    s, y = np.asarray(scores, dtype=float), np.asarray(ratings, dtype=float)
    ci = bootstrap((s, y), lambda a, b: pearsonr(a, b)[0], paired=True, vectorized=False, n_resamples=n_boot,
                   method="percentile", random_state=np.random.default_rng(seed))
    return float(pearsonr(s, y)[0]), float(ci.confidence_interval.low), float(ci.confidence_interval.high)


# ------------------------------------------------------------------------- embeddings of the training data
def seeded_chunks(n: int, *, chunk_size: int = 500, seed: int = 42, max_chunks: int | None = None) -> list[np.ndarray]:
    """Row indices ``0..n-1`` in a seeded random order, cut into chunks (the unit embeddings are cached in).

    Taking the first ``max_chunks`` chunks gives a seeded random subsample that grows with the budget.

    >>> [c.tolist() for c in seeded_chunks(5, chunk_size=2, seed=0)]
    [[2, 4], [3, 0], [1]]
    """
    order = np.random.default_rng(seed).permutation(n)
    chunks = [order[c:c + chunk_size] for c in range(0, n, chunk_size)]
    return chunks if max_chunks is None else chunks[:max_chunks]


def newsmtsc_embeddings(
    targets: pd.DataFrame,
    *,
    cache_dir: str | Path | None,
    chunk_size: int = 500,
    seed: int = 42,
    max_chunks: int | None = None,
) -> tuple[pd.DataFrame, list[str], np.ndarray, np.ndarray]:
    """NewsMTSC targets with their sentence and span embeddings (:func:`analysis.measures.target_tone.embed_spans`).

    Sentences are taken in :func:`seeded_chunks` order (``max_chunks`` limits them). Returns the targets of
    those sentences (with ``text_i``, the row of its sentence in ``texts``), ``texts``, the sentence
    embeddings (one row per text) and the span embeddings (one row per returned target).
    """
    from analysis.measures.target_tone import embed_spans

    uniq = list(dict.fromkeys(targets["text"]))
    texts, frames, sent, span = [], [], [], []
    for chunk in seeded_chunks(len(uniq), chunk_size=chunk_size, seed=seed, max_chunks=max_chunks):
        sub = [uniq[i] for i in chunk]
        pos = {s: i for i, s in enumerate(sub)}
        tt = targets[targets["text"].isin(pos)]
        spans = [(pos[x], a, b) for x, a, b in zip(tt["text"], tt["start_char"], tt["end_char"])]
        s_, e_ = embed_spans(sub, spans, cache_dir=cache_dir, chunk_size=None)
        frames.append(tt.assign(text_i=[len(texts) + pos[x] for x in tt["text"]]))
        texts += sub
        sent.append(s_)
        span.append(e_)
    return pd.concat(frames, ignore_index=True), texts, np.vstack(sent), np.vstack(span)


def rated_embeddings(
    rated: pd.DataFrame,
    *,
    cache_dir: str | Path | None,
    chunk_size: int = 500,
    seed: int = 42,
    max_chunks: int | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """A rated table's rows (per domain, in :func:`seeded_chunks` order) and their sentence embeddings.

    ``max_chunks`` limits each domain to its first chunks (a seeded subsample).
    """
    from analysis.measures.tone import embed_texts

    rows, embs = [], []
    for _, g in rated.groupby("domain", sort=False):
        for chunk in seeded_chunks(len(g), chunk_size=chunk_size, seed=seed, max_chunks=max_chunks):
            part = g.iloc[chunk]
            rows.append(part)
            embs.append(embed_texts(part["text"].tolist(), cache_dir=cache_dir))
    return pd.concat(rows, ignore_index=True), np.vstack(embs)
