"""Manual coding workflow: sample units, export coding sheets, import filled sheets, check reliability.

A researcher or a class codes a sample of sentences, paragraphs or articles with a codebook's questions
(e.g. ``analysis/codebooks/semetko_valkenburg.yaml``). The workflow:

1. :func:`sample_units` draws a reproducible sample stratified by outlet (seeded).
2. :func:`export_coding_sheet` writes a CSV sheet (one row per unit, one column per question) and a
   plain-text instructions file next to it; each coder fills a copy.
3. :func:`read_coding_sheets` imports the filled sheets and checks them: missing or unknown unit ids,
   unknown codes, duplicate rows, skipped rows and missing columns all produce one clear message that
   lists every problem (file and spreadsheet row). Nothing is dropped silently.
4. :func:`coding_reliability` reports Krippendorff's alpha (nominal for yes/no, interval for ratings),
   percent agreement and bootstrap intervals per question and per frame (:mod:`analysis.validate.reliability`).
5. :func:`human_labels` turns several coders' codes into one label per unit and frame (majority);
   :func:`analysis.validate.reliability.binary_scores` and :func:`disagreements` check machines against them.

>>> import pandas as pd
>>> cb = {"frames": {"conflict": {"questions": [{"id": "C1", "text": "Disagreement?"}]}}}
>>> codebook_questions(cb)[["frame", "question", "level"]].values.tolist()
[['conflict', 'C1', 'nominal']]
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.validate.reliability import reliability_table

UnitKind = Literal["sentence", "paragraph", "document"]

#: Spellings accepted for yes/no answers on a sheet (case-insensitive).
YES_CODES = frozenset({"1", "1.0", "yes", "y", "true"})
NO_CODES = frozenset({"0", "0.0", "no", "n", "false"})
#: Fixed (non-question) columns of a coding sheet, in order.
SHEET_ID_COLUMNS = ["unit_id", "coder"]
CODE_COLUMNS = ["unit_id", "coder", "frame", "question", "code", "level"]

__all__ = [
    "CodingSheetError", "CodedSheets", "codebook_questions", "sample_units", "export_coding_sheet",
    "read_coding_sheets", "frame_codes", "coding_reliability", "human_labels", "disagreements",
]


class CodingSheetError(ValueError):
    """A coding sheet (or set of sheets) that cannot be imported as is; the message lists every problem."""

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the coding sheets:"]
        for r in problems.head(30).itertuples(index=False):
            lines.append(f"  - [{r.problem}] {r.sheet}" + (f", row {r.row}" if pd.notna(r.row) else "")
                         + f": {r.detail}")
        if len(problems) > 30:
            lines.append(f"  ... and {len(problems) - 30} more (see .problems)")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------------------------- codebook
def _as_dict(codebook) -> dict:
    """A YAML-like dict, or the plain view of an :class:`analysis.measures.frames.Codebook`."""
    from analysis.measures.frames import Codebook

    if isinstance(codebook, Mapping):
        return dict(codebook)
    if isinstance(codebook, Codebook):
        return codebook.to_dict()
    raise TypeError(f"cannot read questions from a codebook of type {type(codebook).__name__}: pass a codebook "
                    "name or path, a Codebook, a dict with 'frames', or a question table")


def codebook_questions(codebook, *, include_uncodable: bool = False) -> pd.DataFrame:
    """The codebook's questions as a table ``frame, question, text, level, scale_min, scale_max``.

    ``codebook`` is a codebook name (``"semetko_valkenburg"``), the object
    :func:`analysis.measures.frames.load_codebook` returns, a YAML-like dict ``{"frames": {name: {"questions":
    [{"id", "text", ...}]}}}`` or a table that already has ``frame, question, text`` columns. A question
    with ``scale: [1, 5]`` is an interval rating; otherwise it is a yes/no (nominal) question. Questions
    marked ``codable: false`` (e.g. about visuals) are left out unless ``include_uncodable``.

    >>> cb = {"frames": {"tone": {"questions": [{"id": "T1", "text": "How negative?", "scale": [1, 5]}]}}}
    >>> codebook_questions(cb)[["question", "level", "scale_max"]].values.tolist()
    [['T1', 'interval', 5]]
    """
    if isinstance(codebook, (str, Path)):
        from analysis.measures.frames import load_codebook

        codebook = load_codebook(codebook)
    if isinstance(codebook, pd.DataFrame):
        need = {"frame", "question", "text"}
        if not need <= set(codebook.columns):
            raise KeyError(f"question table needs columns {sorted(need)}; has {list(codebook.columns)}")
        out = codebook.copy()
        out["level"] = out.get("level", pd.Series("nominal", index=out.index)).fillna("nominal")
        for c in ("scale_min", "scale_max"):
            if c not in out:
                out[c] = pd.NA
        return out[["frame", "question", "text", "level", "scale_min", "scale_max"]].reset_index(drop=True)
    frames = _as_dict(codebook).get("frames")
    if not isinstance(frames, Mapping):
        raise KeyError("codebook has no 'frames' mapping (frame name -> {'questions': [...]})")
    rows = []
    for fname, f in frames.items():
        for q in f.get("questions", []):
            d = dict(q)
            if not include_uncodable and d.get("codable", True) is False:
                continue
            scale = d.get("scale")
            level = d.get("level") or ("interval" if scale else "nominal")
            rows.append({"frame": str(fname), "question": str(d["id"]), "text": str(d.get("text", "")),
                         "level": level, "scale_min": scale[0] if scale else pd.NA,
                         "scale_max": scale[-1] if scale else pd.NA})
    out = pd.DataFrame(rows, columns=["frame", "question", "text", "level", "scale_min", "scale_max"])
    if out["question"].duplicated().any():  # ids must be unique sheet columns: prefix with the frame
        out["question"] = out["frame"] + "." + out["question"]
    return out


# --------------------------------------------------------------------------------------------- sampling
def _unit_table(corpus, unit: UnitKind, kinds: Sequence[str]) -> pd.DataFrame:
    docs = corpus.documents
    if unit == "document":
        t = docs[["doc_id", "outlet", "text"]].assign(unit_id=docs["doc_id"].astype(str))
    elif unit == "paragraph":
        t = corpus.paragraphs
        t = t[t["kind"].isin(kinds)].merge(docs[["doc_id", "outlet"]], on="doc_id", how="left")
        t = t.assign(unit_id=t["para_id"])
    elif unit == "sentence":
        t = corpus.sentences
        if "para_kind" in t:
            t = t[t["para_kind"].isin(kinds)]
        t = t.assign(unit_id=t["sent_id"])
    else:
        raise ValueError(f"unit must be 'sentence', 'paragraph' or 'document', not {unit!r}")
    return t[["unit_id", "doc_id", "outlet", "text"]].reset_index(drop=True)


def sample_units(
    corpus,
    *,
    unit: UnitKind = "sentence",
    n_per_outlet: int | None = None,
    frac: float | None = None,
    by: str = "outlet",
    kinds: Sequence[str] = ("body",),
    seed: int = 42,
) -> pd.DataFrame:
    """Reproducible sample of coding units stratified by outlet (or another column in ``by``).

    Draws ``n_per_outlet`` units from each outlet (all of them if it has fewer; default 10), or a
    fraction ``frac`` of each. ``corpus`` is an :class:`analysis.Corpus` (or anything with ``documents``,
    ``paragraphs``, ``sentences`` tables). Headings are left out unless ``kinds`` includes
    ``"heading"``. The result is shuffled (seeded) so outlets are interleaved on the sheet:
    ``unit_id, doc_id, outlet, unit_type, text, order``.

    >>> import types
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"], "text": ["t"] * 3})
    >>> s = sample_units(types.SimpleNamespace(documents=docs), unit="document", n_per_outlet=1, seed=1)
    >>> sorted(s.outlet)
    ['X', 'Y']
    """
    if n_per_outlet is not None and frac is not None:
        raise ValueError("give n_per_outlet or frac, not both")
    if n_per_outlet is None and frac is None:
        n_per_outlet = 10
    units = _unit_table(corpus, unit, kinds)
    if by != "outlet":
        units = units.merge(corpus.documents[["doc_id", by]], on="doc_id", how="left")
    parts = []
    for i, (_, g) in enumerate(units.groupby(by, sort=True, dropna=False)):
        n = min(len(g), n_per_outlet) if n_per_outlet is not None else int(round(frac * len(g)))
        parts.append(g.sample(n=n, random_state=seed + i))
    out = pd.concat(parts) if parts else units.iloc[:0]
    out = out.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return out.assign(unit_type=unit, order=np.arange(1, len(out) + 1))[
        ["unit_id", "doc_id", "outlet", "unit_type", "text", "order"] + ([by] if by != "outlet" else [])]


# --------------------------------------------------------------------------------------------- export
def _instructions(questions: pd.DataFrame, unit_type: str, sheet_name: str, title: str | None) -> str:
    lines = [
        f"CODING INSTRUCTIONS{' - ' + title if title else ''}",
        "",
        f"Sheet: {sheet_name}. Each row is one {unit_type}. Read the text in the 'text' column, then answer",
        "every question column for that row.",
        "",
        "Rules",
        "  1. Put your name or initials in the 'coder' column of every row (the same spelling throughout).",
        "  2. Yes/no questions: write 1 for yes and 0 for no. Code only what the text says explicitly;",
        "     do not infer from what you know about the story.",
        "  3. Rating questions: write a whole number within the range given below.",
        "  4. Answer every question of every row. If a question truly cannot be answered, write your reason",
        "     in 'notes' and leave the answer blank; the import will list blanks, it never guesses them.",
        "  5. Do not edit, add, delete or re-order rows, and do not change 'unit_id' or 'text'.",
        "  6. Code on your own; do not discuss units with other coders until everyone has finished.",
        "",
        "Questions (column name: question)",
    ]
    for frame, g in questions.groupby("frame", sort=False):
        lines.append(f"  Frame: {frame}")
        for r in g.itertuples(index=False):
            codes = ("1 = yes, 0 = no" if r.level == "nominal"
                     else f"whole number {r.scale_min} to {r.scale_max}")
            lines.append(f"    {r.question}: {r.text}  [{codes}]")
    return "\n".join(lines) + "\n"


def export_coding_sheet(
    units: pd.DataFrame,
    codebook,
    path: str | Path,
    *,
    coder: str = "",
    show_source: bool = False,
    title: str | None = None,
) -> tuple[Path, Path]:
    """Write a CSV coding sheet for ``units`` (from :func:`sample_units`) and an instructions file.

    Columns: ``unit_id, coder, text``, one empty column per codebook question (named by question id),
    and ``notes``. With ``show_source=False`` (default, blind coding) outlet and document are left off
    the sheet; keep the sample table as the key. Returns ``(sheet_path, instructions_path)``; the
    instructions go to ``<sheet>_instructions.txt``.

    >>> import tempfile
    >>> u = pd.DataFrame({"unit_id": ["d:s0"], "text": ["A row."], "unit_type": ["sentence"]})
    >>> cb = {"frames": {"conflict": {"questions": [{"id": "C1", "text": "Disagreement?"}]}}}
    >>> sheet, _ = export_coding_sheet(u, cb, Path(tempfile.mkdtemp()) / "s.csv")
    >>> pd.read_csv(sheet).columns.tolist()
    ['unit_id', 'coder', 'text', 'C1', 'notes']
    """
    questions = codebook_questions(codebook)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if units["unit_id"].duplicated().any():
        raise ValueError("units has duplicate unit_id values")
    front = ["unit_id", "coder"] + (["outlet", "doc_id"] if show_source else []) + ["text"]
    sheet = units.assign(coder=coder)[front].copy()
    for q in questions["question"]:
        sheet[q] = ""
    sheet["notes"] = ""
    sheet.to_csv(path, index=False, encoding="utf-8")
    unit_type = str(units["unit_type"].iloc[0]) if "unit_type" in units and len(units) else "unit"
    instr = path.with_name(path.stem + "_instructions.txt")
    instr.write_text(_instructions(questions, unit_type, path.name, title), encoding="utf-8")
    return path, instr


# --------------------------------------------------------------------------------------------- import
@dataclass
class CodedSheets:
    """Imported codes: ``codes`` (long: ``unit_id, coder, frame, question, code, level``), the
    ``problems`` found (empty when all sheets are clean) and per-coder ``coverage``."""

    codes: pd.DataFrame
    problems: pd.DataFrame
    coverage: pd.DataFrame


def _parse_code(raw, level: str, lo, hi) -> tuple[float | None, bool]:
    """(code, ok): ``(None, True)`` for blank, ``(None, False)`` for an unknown code."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return None, True
    s = str(raw).strip().lower()
    if s == "" or s == "nan":
        return None, True
    if level == "nominal":
        if s in YES_CODES:
            return 1.0, True
        if s in NO_CODES:
            return 0.0, True
        return None, False
    try:
        v = float(s)
    except ValueError:
        return None, False
    if pd.notna(lo) and pd.notna(hi) and not (float(lo) <= v <= float(hi)):
        return None, False
    return v, True


def read_coding_sheets(
    sheets: Sequence[str | Path | pd.DataFrame] | Mapping[str, str | Path | pd.DataFrame],
    codebook,
    *,
    units: pd.DataFrame | None = None,
    allow_blank: bool = False,
    errors: Literal["raise", "report"] = "raise",
) -> CodedSheets:
    """Import filled coding sheets (one or more coders per sheet) and check them thoroughly.

    ``sheets`` are CSV paths or DataFrames (a mapping gives each a name for messages, and supplies the
    coder name for sheets whose ``coder`` column is empty). ``units`` (the sample) is the list of
    units every coder must code; without it, the union of ids over all sheets is used. Problems found:
    ``missing_column``, ``missing_id`` (empty unit_id), ``unknown_id`` (not in the sample),
    ``duplicate_row`` (a coder coded a unit twice), ``unknown_code`` (not 0/1 or outside the scale),
    ``skipped_row`` (a sample unit a coder did not code), ``blank_answer`` (left empty; allowed with
    ``allow_blank=True`` and then kept as missing). With ``errors="raise"`` (default) any problem raises
    :class:`CodingSheetError` listing them all; with ``"report"`` the bad cells are left out of
    ``codes`` and every one is listed in ``problems``.
    """
    questions = codebook_questions(codebook)
    qinfo = questions.set_index("question")
    named = list(sheets.items()) if isinstance(sheets, Mapping) else [
        (str(s) if not isinstance(s, pd.DataFrame) else f"sheet {i + 1}", s) for i, s in enumerate(sheets)]
    problems: list[dict] = []

    def problem(kind, sheet, row, detail):
        problems.append({"problem": kind, "sheet": sheet, "row": row, "detail": detail})

    frames = []
    for name, s in named:
        df = s.copy() if isinstance(s, pd.DataFrame) else pd.read_csv(s, dtype=str, keep_default_na=False)
        df = df.reset_index(drop=True)
        missing_cols = [c for c in ["unit_id", *questions["question"]] if c not in df.columns]
        if missing_cols:
            problem("missing_column", name, pd.NA, f"columns {missing_cols} are missing")
            continue
        if "coder" not in df.columns:
            df["coder"] = ""
        coder = df["coder"].astype(str).str.strip().replace({"nan": ""})
        if isinstance(sheets, Mapping):
            coder = coder.mask(coder == "", name)
        for i in np.flatnonzero(coder.eq("").to_numpy()):
            problem("missing_coder", name, int(i) + 2, "the 'coder' column is empty")
        df["coder"] = coder
        df["_sheet"], df["_row"] = name, np.arange(len(df)) + 2  # spreadsheet row (header is row 1)
        frames.append(df)
    all_rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["unit_id", "coder", "_sheet", "_row"])
    all_rows["unit_id"] = all_rows["unit_id"].astype(str).str.strip().replace({"nan": ""})
    for r in all_rows[all_rows["unit_id"] == ""].to_dict("records"):
        problem("missing_id", r["_sheet"], r["_row"], "unit_id is empty")
    rows = all_rows[all_rows["unit_id"] != ""]
    expected = (pd.Index(units["unit_id"].astype(str)) if units is not None
                else pd.Index(rows["unit_id"].unique()))
    unknown = ~rows["unit_id"].isin(expected)
    for r in rows[unknown].to_dict("records"):
        problem("unknown_id", r["_sheet"], r["_row"], f"unit_id {r['unit_id']!r} is not in the sample")
    rows = rows[~unknown]
    dup = rows.duplicated(["unit_id", "coder"], keep="first")
    for r in rows[dup].to_dict("records"):
        problem("duplicate_row", r["_sheet"], r["_row"],
                f"coder {r['coder']!r} coded unit {r['unit_id']!r} twice")
    rows = rows[~dup]

    records = []
    for r in rows.to_dict("records"):
        where = f"coder {r['coder']!r}, unit {r['unit_id']!r}"
        for q in questions["question"]:
            info = qinfo.loc[q]
            code, ok = _parse_code(r[q], info["level"], info["scale_min"], info["scale_max"])
            if not ok:
                allowed = "0 or 1" if info["level"] == "nominal" else f"{info['scale_min']}-{info['scale_max']}"
                problem("unknown_code", r["_sheet"], r["_row"], f"{q} = {r[q]!r} ({where}); allowed: {allowed}")
                continue
            if code is None and not allow_blank:
                problem("blank_answer", r["_sheet"], r["_row"], f"{q} left blank ({where})")
                continue
            records.append({"unit_id": r["unit_id"], "coder": r["coder"], "frame": info["frame"], "question": q,
                            "code": np.nan if code is None else code, "level": info["level"]})
    codes = pd.DataFrame(records, columns=CODE_COLUMNS)

    cov = []
    all_coders = sorted(c for c in all_rows["coder"].unique() if c != "")
    for coder in all_coders:
        g = rows[rows["coder"] == coder]
        sheet_names = all_rows.loc[all_rows["coder"] == coder, "_sheet"].unique()
        skipped = expected.difference(pd.Index(g["unit_id"]))
        for u in skipped:
            problem("skipped_row", ", ".join(sorted(sheet_names)), pd.NA,
                    f"coder {coder!r} did not code unit {u!r}")
        cov.append({"coder": coder, "n_units": int(g["unit_id"].nunique()), "n_expected": len(expected),
                    "n_skipped": len(skipped)})
    coverage = pd.DataFrame(cov, columns=["coder", "n_units", "n_expected", "n_skipped"])
    prob_df = pd.DataFrame(problems, columns=["problem", "sheet", "row", "detail"])
    if len(prob_df) and errors == "raise":
        raise CodingSheetError(prob_df)
    return CodedSheets(codes=codes, problems=prob_df, coverage=coverage)


# --------------------------------------------------------------------------------------------- analysis
def frame_codes(codes: pd.DataFrame, *, rule: Literal["any", "all", "majority"] = "any",
                threshold: float | None = None) -> pd.DataFrame:
    """Collapse each coder's yes/no answers into one frame code per unit: ``unit_id, coder, frame, code``.

    ``"any"``: the frame is present if the coder said yes to at least one of its questions (the usual
    reading of a yes/no battery); ``"all"``: to all; ``"majority"``: to more than half. Interval
    questions are left out unless ``threshold`` is given (a rating >= threshold counts as yes).
    A coder's blank answer makes their frame code missing (NaN), not "no".

    >>> c = pd.DataFrame({"unit_id": ["u"] * 2, "coder": ["a"] * 2, "frame": ["f"] * 2,
    ...                   "question": ["q1", "q2"], "code": [0.0, 1.0], "level": ["nominal"] * 2})
    >>> frame_codes(c).code.tolist(), frame_codes(c, rule="all").code.tolist()
    ([1.0], [0.0])
    """
    c = codes.copy()
    if threshold is not None:
        inter = c["level"] != "nominal"
        c.loc[inter, "code"] = (c.loc[inter, "code"] >= threshold).astype(float).where(c.loc[inter, "code"].notna())
    else:
        c = c[c["level"] == "nominal"]
    g = c.groupby(["unit_id", "coder", "frame"], sort=True)["code"]
    agg = {"any": g.max(), "all": g.min(), "majority": (g.mean() > 0.5).astype(float)}[rule]
    has_nan = g.apply(lambda x: bool(x.isna().any()))
    return agg.where(~has_nan).rename("code").reset_index()


def coding_reliability(
    codes: pd.DataFrame,
    *,
    rule: Literal["any", "all", "majority"] = "any",
    n_boot: int = 1000,
    seed: int = 42,
) -> pd.DataFrame:
    """Krippendorff's alpha, percent agreement and bootstrap intervals per question *and* per frame.

    Yes/no questions use the nominal level, rating questions the interval level. Frame rows use the
    per-coder frame codes of :func:`frame_codes` (``rule``). Returns the columns of
    :func:`analysis.reliability.reliability_table` plus ``scope`` ("question"/"frame"), ``frame`` and
    ``question`` (the frame name again on frame rows).
    """
    q = reliability_table(codes, by=["frame", "question"], unit="unit_id", coder="coder", value="code",
                          level_col="level", n_boot=n_boot, seed=seed)
    f = reliability_table(frame_codes(codes, rule=rule), by="frame", unit="unit_id", coder="coder",
                          value="code", level="nominal", n_boot=n_boot, seed=seed)
    f = f.assign(question=f["frame"])
    out = pd.concat([q.assign(scope="question"), f.assign(scope="frame")], ignore_index=True)
    return out[["scope", "frame", "question", *[c for c in q.columns if c not in ("frame", "question")]]]


def human_labels(
    codes: pd.DataFrame,
    *,
    unit: str = "unit_id",
    coder: str = "coder",
    by: str = "frame",
    value: str = "code",
    tie: Literal["absent", "present", "drop"] = "absent",
) -> pd.DataFrame:
    """Majority label per unit and frame from several coders' 1/0 codes: ``unit, frame, present,
    n_coders, share_yes``. ``tie`` decides a split vote (rows dropped with ``"drop"`` are therefore
    visible as missing units, and counted by :func:`analysis.validate.reliability.binary_scores`).

    >>> c = pd.DataFrame({"unit_id": ["u", "u", "v", "v"], "coder": ["a", "b"] * 2, "frame": "f",
    ...                   "code": [1.0, 1.0, 1.0, 0.0]})
    >>> human_labels(c).present.tolist()
    [True, False]
    """
    g = codes.dropna(subset=[value]).groupby([unit, by], sort=True)[value]
    t = pd.DataFrame({"share_yes": g.mean(), "n_coders": g.size()}).reset_index()
    present = t["share_yes"] > 0.5
    is_tie = t["share_yes"] == 0.5
    if tie == "present":
        present = present | is_tie
    elif tie == "drop":
        t = t[~is_tie]
        present = present[~is_tie]
    return t.assign(present=present.astype(bool))[[unit, by, "present", "n_coders", "share_yes"]]


def disagreements(
    predicted: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    evidence: pd.DataFrame | None = None,
    on: str = "doc_id",
    by: str = "frame",
    max_evidence: int = 3,
) -> pd.DataFrame:
    """Units where a measure and the human labels disagree, with the sentences behind the measure.

    ``predicted`` and ``gold`` are long ``on, by, present`` tables. ``evidence`` (e.g. the
    sentence-level output of ``analysis.measures.frames.code_sentences`` filtered to firing sentences) has
    ``on, by, text`` columns. Returns ``on, by, kind`` ("false_positive": the measure fired, the coders
    did not see the frame; "false_negative": the coders saw it, no indicator fired), ``n_evidence``
    and up to ``max_evidence`` evidence sentences joined by " | ".

    >>> p = pd.DataFrame({"doc_id": ["a", "b"], "frame": "f", "present": [True, False]})
    >>> g = pd.DataFrame({"doc_id": ["a", "b"], "frame": "f", "present": [False, False]})
    >>> disagreements(p, g)[["doc_id", "kind"]].values.tolist()
    [['a', 'false_positive']]
    """
    m = predicted[[on, by, "present"]].merge(gold[[on, by, "present"]], on=[on, by], suffixes=("_pred", "_gold"))
    d = m[m["present_pred"].astype(bool) != m["present_gold"].astype(bool)].copy()
    d["kind"] = np.where(d["present_pred"].astype(bool), "false_positive", "false_negative")
    if evidence is not None and len(d):
        ev = evidence.drop_duplicates([on, by, "text"]).groupby([on, by], sort=False)["text"].agg(
            n_evidence="size", evidence=lambda s: " | ".join(map(str, s.head(max_evidence)))).reset_index()
        d = d.merge(ev, on=[on, by], how="left")
        d["n_evidence"] = d["n_evidence"].fillna(0).astype(int)
        d["evidence"] = d["evidence"].fillna("")
    else:
        d["n_evidence"], d["evidence"] = 0, ""
    return d[[on, by, "kind", "n_evidence", "evidence"]].sort_values([by, "kind", on]).reset_index(drop=True)
