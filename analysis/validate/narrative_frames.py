"""Human-coded frame data: the Narrative Frames Corpus and any generic labels table.

The Narrative Frames Corpus (Frermann, Li, Khanehzar & Mikolajczak 2023, ACL; MIT licence; see
:data:`CITATION`) holds climate-change news articles, each coded by two to four coders with yes/no
questions that map onto five generic frames. The team keeps a copy under the shared validation folder;
it is read where it lies (``analysis.config.validation_path("narrative_frames")``), never copied into
the repository. The question texts, the question -> frame mapping and our frame -> Semetko & Valkenburg
mapping (with the Resolution/responsibility caveat) are data: ``analysis/data/narrative_frames.yaml``.

Nothing is dropped silently: malformed label values, unknown answers and merged outlet spellings are
counted in the ``issues`` table of what the loaders return.

>>> nf = load_narrative_frames()                                   # doctest: +SKIP
>>> nf.labels.groupby("frame").present.mean()                      # doctest: +SKIP
>>> lab = read_labels(pd.DataFrame({"doc_id": ["a", "b"], "conflict": ["yes", "maybe"]}))
>>> lab.labels.to_dict("records"), int(lab.issues["count"].sum())
([{'doc_id': 'a', 'frame': 'conflict', 'present': True}], 1)
"""
from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal, Mapping

import pandas as pd
import yaml

from analysis.config import PACKAGE_DATA, validation_path

MAPPING_FILE = PACKAGE_DATA / "narrative_frames.yaml"
ISSUE_COLUMNS = ["kind", "field", "value", "count", "action"]

#: Recognised spellings of a yes/no label (case-insensitive); anything else is reported as malformed.
TRUE_VALUES = frozenset({"true", "t", "yes", "y", "1", "1.0", "present"})
FALSE_VALUES = frozenset({"false", "f", "no", "n", "0", "0.0", "absent"})

__all__ = [
    "CITATION", "NarrativeFrames", "Labels", "frame_mapping", "question_table", "load_narrative_frames",
    "read_labels", "parse_bool", "repair_bool", "normalize_outlets", "build_narrative_corpus",
    "majority_labels", "LabelWarning",
]


class LabelWarning(UserWarning):
    """A label cell was read after removing stray characters (e.g. ``False)``); it is also in ``issues``."""


@lru_cache(maxsize=1)
def _mapping() -> dict:
    with open(MAPPING_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


#: How to cite the data set (also in ``analysis/data/narrative_frames.yaml``).
CITATION: str = _mapping()["citation"]


def frame_mapping() -> pd.DataFrame:
    """One row per frame label: ``label, name, frame`` (our generic frame), ``questions, rule, caveat``.

    >>> frame_mapping().set_index("label").loc["RE", "frame"]
    'responsibility'
    """
    rows = [
        {"label": k, "name": v["name"], "frame": v["generic_frame"], "questions": list(v["questions"]),
         "rule": v.get("rule", "any"), "caveat": v.get("caveat", "")}
        for k, v in _mapping()["frames"].items()
    ]
    return pd.DataFrame(rows)


def question_table() -> pd.DataFrame:
    """One row per coded question: ``question, text, frame`` (``NA`` if in no frame), ``label, role``.

    >>> q = question_table().set_index("question")
    >>> q.loc["co1", "frame"], q.loc["re7", "role"]
    ('conflict', 'villain')
    """
    m = _mapping()
    q2f = {q: (v["generic_frame"], k) for k, v in m["frames"].items() for q in v["questions"]}
    q2r = {q: r for r, q in m["roles"].items()}
    rows = [{"question": q, "text": t, "frame": q2f.get(q, (pd.NA, pd.NA))[0],
             "label": q2f.get(q, (pd.NA, pd.NA))[1], "role": q2r.get(q, pd.NA)}
            for q, t in m["questions"].items()]
    return pd.DataFrame(rows)


def parse_bool(value) -> bool | None:
    """``True``/``False`` for a recognised yes/no spelling, ``None`` otherwise (malformed or empty).

    >>> parse_bool("True"), parse_bool(" no "), parse_bool(1), parse_bool(""), parse_bool("Tru")
    (True, False, True, None, None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in TRUE_VALUES:
        return True
    if s in FALSE_VALUES:
        return False
    return None


def repair_bool(value) -> bool | None:
    """Like :func:`parse_bool`, after removing stray punctuation around the word (``"False)"``, ``"'True'"``).

    Only characters that are neither letters nor digits are removed, and only at the ends, so a misspelt
    word (``"Tru"``) stays unreadable.

    >>> repair_bool("False)"), repair_bool(" 'yes'. "), repair_bool("Tru"), repair_bool("(maybe)")
    (False, True, None, None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    return parse_bool(re.sub(r"^[^0-9A-Za-z]+|[^0-9A-Za-z]+$", "", str(value)))


def _outlet_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def normalize_outlets(names: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Merge spellings of the same outlet (``thehuffingtonpost`` = ``The Huffington Post``).

    Spellings match when they are equal after lower-casing and removing everything but letters and
    digits. The display name is the most frequent spelling that is not all lower case (else the most
    frequent). Returns the normalized names and an issues table with one row per merged spelling.

    >>> s, issues = normalize_outlets(pd.Series(["cnn", "CNN", "cnn", "vox"]))
    >>> s.tolist(), issues["count"].tolist()
    (['CNN', 'CNN', 'CNN', 'vox'], [2])
    """
    names = names.fillna("").astype(str).str.strip()
    keys = names.map(_outlet_key)
    display = {}
    for key, g in names.groupby(keys):
        counts = g.value_counts()
        styled = [n for n in counts.index if n != n.lower()]
        display[key] = styled[0] if styled else counts.index[0]
    out = keys.map(display)
    changed = names != out
    issues = (
        pd.DataFrame({"value": names[changed], "to": out[changed]})
        .groupby(["value", "to"], sort=True).size().reset_index(name="count")
    )
    issues = pd.DataFrame({
        "kind": "outlet_spelling", "field": "source",
        "value": issues["value"] + " -> " + issues["to"], "count": issues["count"],
        "action": "merged into one outlet name",
    }, columns=ISSUE_COLUMNS)
    return out.rename(names.name), issues


@dataclass
class Labels:
    """A long labels table ``doc_id, frame, present`` and the ``issues`` met while reading it."""

    labels: pd.DataFrame
    issues: pd.DataFrame

    def wide(self) -> pd.DataFrame:
        """One row per document, one boolean column per frame (``NaN`` where not labelled)."""
        return self.labels.pivot(index="doc_id", columns="frame", values="present")


def read_labels(
    source: str | Path | pd.DataFrame,
    *,
    id_col: str = "doc_id",
    frames: Mapping[str, str] | Iterable[str] | None = None,
    frame_col: str | None = None,
    value_col: str = "present",
    on_malformed: Literal["report", "raise"] = "report",
) -> Labels:
    """Read a human labels table (CSV/TSV/Parquet path or DataFrame) into ``doc_id, frame, present``.

    Wide tables have one column per frame (``frames`` selects and optionally renames them, e.g.
    ``{"CO": "conflict"}``; default: every column except ``id_col``). Long tables name the frame
    column in ``frame_col`` and the value in ``value_col``. Values may be True/False, yes/no, 1/0.
    A value with stray punctuation around a recognised word (``False)``) is read as that word
    (:func:`repair_bool`), counted in ``issues`` as ``repaired_label`` and announced with a
    :class:`LabelWarning` naming the file, id and column. Other malformed or empty values are left out
    *and counted* in ``issues`` (or raise ``ValueError`` with ``on_malformed="raise"``); duplicate
    (doc_id, frame) rows always raise.

    >>> lab = read_labels(pd.DataFrame({"ID": [1, 2], "CO": ["True", "False"]}), id_col="ID",
    ...                   frames={"CO": "conflict"})
    >>> lab.labels.present.tolist()
    [True, False]
    """
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        p = Path(source)
        if p.suffix.lower() == ".parquet":
            df = pd.read_parquet(p)
        else:
            sep = "\t" if p.suffix.lower() in {".tsv", ".tab"} else ","
            df = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False)
    if id_col not in df.columns:
        raise KeyError(f"labels table has no id column {id_col!r}; columns: {list(df.columns)}")
    if frame_col is not None:
        for c in (frame_col, value_col):
            if c not in df.columns:
                raise KeyError(f"labels table has no column {c!r}; columns: {list(df.columns)}")
        long = df[[id_col, frame_col, value_col]].set_axis(["doc_id", "frame", "raw"], axis=1)
        if isinstance(frames, Mapping):
            long["frame"] = long["frame"].map(lambda f: frames.get(f, f))
    else:
        if frames is None:
            rename = {c: c for c in df.columns if c != id_col}
        elif isinstance(frames, Mapping):
            rename = dict(frames)
        else:
            rename = {c: c for c in frames}
        absent = [c for c in rename if c not in df.columns]
        if absent:
            raise KeyError(f"frame column(s) {absent} not in labels table; columns: {list(df.columns)}")
        long = df[[id_col, *rename]].melt(id_vars=id_col, var_name="frame", value_name="raw")
        long = long.rename(columns={id_col: "doc_id"})
        long["frame"] = long["frame"].map(rename)
    long["doc_id"] = long["doc_id"].astype(str)
    exact = [parse_bool(v) for v in long["raw"]]
    fixed_values = [repair_bool(v) if e is None else e for v, e in zip(long["raw"], exact)]
    repaired = pd.Series([e is None and f is not None for e, f in zip(exact, fixed_values)], index=long.index)
    fixed = long[repaired]
    long["present"] = pd.Series(fixed_values, index=long.index, dtype=object)
    src = "labels table" if isinstance(source, pd.DataFrame) else str(source)
    for r in fixed.itertuples(index=False):
        warnings.warn(f"{src}: {id_col} {r.doc_id}, column {r.frame}: malformed label {r.raw!r} read as "
                      f"{repair_bool(r.raw)} (stray characters removed)", LabelWarning, stacklevel=2)
    rep_issues = (fixed.assign(value=fixed["raw"].map(repr)).groupby(["frame", "value"], sort=True).size()
                  .reset_index(name="count"))
    rep_issues = pd.DataFrame({"kind": "repaired_label", "field": rep_issues["frame"], "value": rep_issues["value"],
                               "count": rep_issues["count"],
                               "action": "read as the recognised word (stray characters removed)"},
                              columns=ISSUE_COLUMNS)
    bad = long[long["present"].isna()]
    issues = (
        bad.assign(value=bad["raw"].map(lambda v: repr("" if v is None else v)))
        .groupby(["frame", "value"], sort=True).size().reset_index(name="count")
    )
    issues = pd.DataFrame({"kind": "malformed_label", "field": issues["frame"], "value": issues["value"],
                           "count": issues["count"], "action": "label left out (not guessed)"},
                          columns=ISSUE_COLUMNS)
    issues = pd.concat([i for i in (rep_issues, issues) if len(i)], ignore_index=True) \
        if len(rep_issues) or len(issues) else issues
    if len(bad) and on_malformed == "raise":
        ex = bad.head(5)[["doc_id", "frame", "raw"]].to_records(index=False).tolist()
        raise ValueError(f"{len(bad)} malformed label value(s), e.g. {ex}")
    good = long[long["present"].notna()][["doc_id", "frame", "present"]].copy()
    good["present"] = good["present"].astype(bool)
    dup = good.duplicated(["doc_id", "frame"], keep=False)
    if dup.any():
        ex = good.loc[dup, ["doc_id", "frame"]].head(5).to_records(index=False).tolist()
        raise ValueError(f"{int(dup.sum())} duplicate (doc_id, frame) label rows, e.g. {ex}")
    return Labels(labels=good.reset_index(drop=True), issues=issues)


@dataclass
class NarrativeFrames:
    """The loaded Narrative Frames data as tidy tables.

    * ``articles``: ``doc_id, outlet, outlet_raw, mbfc, date, text``
    * ``labels``: aggregated frame labels ``doc_id, frame, label, present`` (``frame`` is our generic
      frame name, ``label`` the data set's: RE, HI, CO, MO, EC)
    * ``answers``: every coder's raw answer ``doc_id, question, frame, coder, answer, code`` (``code``
      1 = yes, 0 = no, 2 = "n/a: problem is resolved"; rows only for coders who coded the article)
    * ``aggregated``: the data set's aggregated answer per question ``doc_id, question, answer, code``
      (``NO AGREEMENT`` -> ``code`` NaN)
    * ``issues``: ``kind, field, value, count, action`` for everything unusual met while loading
    """

    articles: pd.DataFrame
    labels: pd.DataFrame
    answers: pd.DataFrame
    aggregated: pd.DataFrame
    issues: pd.DataFrame

    def coder_frames(self, *, rule: Literal["any", "all", "majority"] | None = None) -> pd.DataFrame:
        """Each coder's frame code per article, from their answers to the frame's questions.

        ``rule=None`` uses each frame's rule from ``analysis/data/narrative_frames.yaml`` (chosen there,
        with the evidence, as the rule that best reproduces the data set's aggregated labels);
        ``"any"``: present if the coder said yes to any of the frame's questions; ``"all"``: to all of
        them; ``"majority"``: to more than half. Returns ``doc_id, frame, coder, code`` (1.0/0.0; NaN
        if the coder left one of the frame's questions uncodable). This is *our* per-coder
        reconstruction for reliability; the data set's labels came from the authors' adjudication.
        """
        rules = {v["generic_frame"]: v.get("rule", "any") for v in _mapping()["frames"].values()}
        a = self.answers.dropna(subset=["frame"])
        a = a.assign(yes=(a["code"] == 1).astype(float).where(a["code"].notna()))
        g = a.groupby(["doc_id", "frame", "coder"], sort=True)["yes"]
        stats = pd.DataFrame({"any": g.max(), "all": g.min(), "mean": g.mean(), "n_nan": g.apply(
            lambda x: int(x.isna().sum()))}).reset_index()
        use = stats["frame"].map(rules) if rule is None else pd.Series(rule, index=stats.index)
        code = stats["any"].where(use == "any", stats["all"].where(use == "all", (stats["mean"] > 0.5)
                                                                     .astype(float)))
        code = code.where(stats["n_nan"] == 0)
        return stats[["doc_id", "frame", "coder"]].assign(code=code.astype(float))

    def corpus_table(self) -> pd.DataFrame:
        """Articles as a table ``analysis.build_corpus`` reads: ``id, text, outlet, date``."""
        return self.articles.rename(columns={"doc_id": "id"})[["id", "text", "outlet", "date"]]

    def labels_wide(self) -> pd.DataFrame:
        """One row per article, one boolean column per frame (articles with malformed labels absent)."""
        return self.labels.pivot(index="doc_id", columns="frame", values="present").astype(bool)


def load_narrative_frames(
    path: str | Path | None = None, *, articles_file: str = "articles_train.tsv",
    annotations_file: str = "full_annotations_train.json",
) -> NarrativeFrames:
    """Load the shared Narrative Frames Corpus (articles, aggregated labels, per-coder answers).

    ``path`` defaults to ``validation_path("narrative_frames")``; raises ``FileNotFoundError`` with a
    hint when the data is not on this machine (tests skip on ``validation_path(...) is None``).
    The one article whose aggregated labels are empty in the shared copy keeps its per-coder answers
    but has no ``labels`` rows; each left-out label is counted in ``issues``.
    """
    base = Path(path) if path is not None else validation_path("narrative_frames")
    if base is None or not (Path(base) / articles_file).exists():
        raise FileNotFoundError(
            f"Narrative Frames data not found ({base or 'validation folder absent'}); set "
            "ANALYSIS_VALIDATION_DIR or pass path=. Source: github.com/phenixace/narrative-framing")
    base = Path(base)
    m = _mapping()
    raw = pd.read_csv(base / articles_file, sep="\t", dtype=str, keep_default_na=False)
    outlet, outlet_issues = normalize_outlets(raw["source"])
    date = pd.to_datetime(raw["date"], errors="coerce", format="%Y-%m-%d")
    issues = [outlet_issues]
    if date.isna().any():
        issues.append(pd.DataFrame([{"kind": "bad_date", "field": "date", "value": "unparseable",
                                     "count": int(date.isna().sum()), "action": "date set to NaT"}]))
    articles = pd.DataFrame({"doc_id": raw["ID"].astype(str), "outlet": outlet, "outlet_raw": raw["source"],
                             "mbfc": raw["mbfc"], "date": date, "text": raw["text"]})
    fmap = {k: v["generic_frame"] for k, v in m["frames"].items()}
    with warnings.catch_warnings(record=True) as caught:  # re-raised naming the file, not "labels table"
        warnings.simplefilter("always", LabelWarning)
        lab = read_labels(raw, id_col="ID", frames=fmap)
    for w in caught:
        if issubclass(w.category, LabelWarning):
            warnings.warn(str(w.message).replace("labels table", str(base / articles_file), 1), LabelWarning,
                          stacklevel=2)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    labels = lab.labels.assign(label=lambda d: d["frame"].map({v: k for k, v in fmap.items()}))
    labels = labels[["doc_id", "frame", "label", "present"]]
    issues.append(lab.issues)

    with open(base / annotations_file, encoding="utf-8") as fh:
        ann = json.load(fh)
    q2f = {q: v["generic_frame"] for v in m["frames"].values() for q in v["questions"]}
    codes_map = m["answers"]
    rows, agg_rows = [], []
    for doc_id, entry in ann.items():
        for q, val in entry.items():
            if q.startswith("_"):
                continue
            agg, per_coder = val[0], val[1]
            agg_rows.append({"doc_id": str(doc_id), "question": q, "answer": agg})
            for slot, ans in enumerate(per_coder, start=1):
                if ans == m["not_coded"]:
                    continue
                rows.append({"doc_id": str(doc_id), "question": q, "frame": q2f.get(q), "coder": slot,
                             "answer": ans})
    answers = pd.DataFrame(rows)
    answers["code"] = answers["answer"].map(codes_map).astype(float)
    unknown = answers[answers["code"].isna()]
    if len(unknown):
        u = unknown.groupby(["question", "answer"]).size().reset_index(name="count")
        issues.append(pd.DataFrame({"kind": "unknown_answer", "field": u["question"], "value": u["answer"],
                                    "count": u["count"], "action": "code set to NaN (kept, not dropped)"}))
    aggregated = pd.DataFrame(agg_rows)
    aggregated["code"] = aggregated["answer"].map(codes_map).astype(float)
    n_noagree = int((aggregated["answer"] == m["no_agreement"]).sum())
    if n_noagree:
        issues.append(pd.DataFrame([{"kind": "no_agreement", "field": "aggregated answer",
                                     "value": m["no_agreement"], "count": n_noagree,
                                     "action": "aggregated code NaN; per-coder answers kept"}]))
    missing = set(articles["doc_id"]) ^ set(map(str, ann))
    if missing:
        issues.append(pd.DataFrame([{"kind": "id_mismatch", "field": "ID", "value": str(sorted(missing)[:5]),
                                     "count": len(missing), "action": "present in only one file"}]))
    issues_df = pd.concat([i for i in issues if len(i)], ignore_index=True) if any(len(i) for i in issues) \
        else pd.DataFrame(columns=ISSUE_COLUMNS)
    return NarrativeFrames(articles=articles, labels=labels.reset_index(drop=True), answers=answers,
                           aggregated=aggregated, issues=issues_df.reindex(columns=ISSUE_COLUMNS))


def majority_labels(nf: NarrativeFrames, *, rule: Literal["any", "all", "majority"] | None = None) -> pd.DataFrame:
    """The coders' majority per article and frame: ``doc_id, frame, present, n_coders, share_yes``.

    Each coder's frame code comes from :meth:`NarrativeFrames.coder_frames` (``rule`` as there);
    ``present`` is True when *more than half* of the coders with a code said yes (a tie is "no").
    This is an alternative to the articles table's labels (the authors' adjudicated ones, which the
    project scores against, see ``docs/validation_frames.md``): on the shared train split the two
    disagree most for the economic frame.

    >>> majority_labels(load_narrative_frames()).groupby("frame").present.mean()   # doctest: +SKIP
    """
    cf = nf.coder_frames(rule=rule).dropna(subset=["code"])
    g = cf.groupby(["doc_id", "frame"], sort=True)["code"]
    out = pd.DataFrame({"share_yes": g.mean(), "n_coders": g.size()}).reset_index()
    out["present"] = out["share_yes"] > 0.5
    return out[["doc_id", "frame", "present", "n_coders", "share_yes"]]


def build_narrative_corpus(nf: NarrativeFrames, *, doc_ids: Iterable[str] | None = None, **options):
    """Parse the Narrative Frames articles into an :class:`analysis.Corpus` (for the codebook indicators).

    The texts are already clean (no boilerplate), so cleaning is skipped (``clean=False``); ``doc_ids``
    selects a subset; other ``options`` go to :func:`analysis.build_corpus` (e.g. ``cache_dir``).
    Parses are cached, so only the first call is slow (~1-2 minutes for 300 articles on 2 cores).
    """
    from analysis.corpus.build import build_corpus

    table = nf.corpus_table()
    if doc_ids is not None:
        table = table[table["id"].isin(set(map(str, doc_ids)))]
    options.setdefault("clean", False)
    options.setdefault("progress", False)
    return build_corpus(table.reset_index(drop=True),
                        columns={"id": "id", "text": "text", "outlet": "outlet", "date": "date"}, **options)
