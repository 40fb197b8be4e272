"""Tidy exports: every measure in the store and every synthesis table as Parquet and CSV, with a data dictionary.

``export_tables(study, output_dir=...)`` writes ``<output_dir>/tables/``:

* ``<name>.parquet`` and ``<name>.csv`` for every measure of :data:`analysis.measures.MEASURES` (default
  parameters, read from the study's measure store) and ``synthesis_comparison``, ``synthesis_claims``,
  ``synthesis_evidence`` (:func:`analysis.compare.synthesis.synthesize`);
* ``data_dictionary.csv`` and ``data_dictionary.md``: ``table, column, type, meaning, unit`` for every
  column, built from ``analysis/data/data_dictionary.yaml`` and the dtypes found;
* ``manifest.json``: the story, the row count of every table and the synthesis settings.

CSV cells of text columns that start with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or ``'`` get a
leading ``'`` so that a spreadsheet does not run them as formulas (formula injection); strip one leading ``'``
from a text cell to get the stored value back. Parquet files hold the values unchanged. Numeric columns are
never touched. The command line::

    python -m analysis.run.exports [--corpus PATH] [--story YAML] [--output-dir DIR]

>>> guard_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "b": [-1, 2, 3]}))["a"].tolist()
["'=1+1", 'ok', "'-x"]
"""
from __future__ import annotations

import argparse
import json
import os
import time
import uuid
import warnings
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from analysis.corpus.load import FORMULA_PREFIXES as SPREADSHEET_PREFIXES
from analysis.corpus.load import spreadsheet_safe

__all__ = ["DICTIONARY_FILE", "FORMULA_PREFIXES", "data_dictionary", "export_tables", "guard_formulas",
           "load_dictionary", "main", "missing_dictionary_entries", "unguard_formulas", "write_run_outputs"]

#: The column meanings the data dictionary is built from.
DICTIONARY_FILE = Path(__file__).resolve().parents[1] / "data" / "data_dictionary.yaml"
#: A text cell starting with one of these gets a leading ``'`` in the CSV exports: the loader's formula
#: prefixes, and ``'`` itself so that :func:`unguard_formulas` can undo it exactly.
FORMULA_PREFIXES = (*SPREADSHEET_PREFIXES, "'")
_NO_ENTRY = "(no entry in analysis/data/data_dictionary.yaml)"


# ------------------------------------------------------------------------------------------- formulas
def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)


def guard_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells starting with one of :data:`FORMULA_PREFIXES` start with ``'``.

    >>> guard_formulas(pd.DataFrame({"a": ["@SUM(A1)", "'quoted"]}))["a"].tolist()
    ["'@SUM(A1)", "''quoted"]
    """
    return spreadsheet_safe(df, prefixes=FORMULA_PREFIXES)


def unguard_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`guard_formulas` on the text columns of a table read back from an exported CSV.

    >>> unguard_formulas(guard_formulas(pd.DataFrame({"a": ["=1", "''x", "y"]})))["a"].tolist()
    ['=1', "''x", 'y']
    """
    out = df.copy()
    for c in out.columns:
        if _is_text(out[c]):
            out[c] = out[c].map(lambda v: v[1:] if isinstance(v, str) and v.startswith("'") else v)
    return out


# ----------------------------------------------------------------------------------------- dictionary
def load_dictionary(path: str | Path | None = None) -> dict:
    """The column meanings: ``{"shared": {column: entry}, "tables": {table: {"description", "columns"}}}``.

    >>> "sentence_tone" in load_dictionary()["tables"]
    True
    """
    import yaml

    p = Path(path) if path is not None else DICTIONARY_FILE
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read the data dictionary {p}: {exc}") from exc
    if not isinstance(data.get("tables"), dict):
        raise ValueError(f"{p}: expected a 'tables' mapping at the top level")
    return {"shared": data.get("shared") or {}, "tables": data["tables"]}


def _entry(dictionary: Mapping, table: str, column: str) -> dict | None:
    own = ((dictionary["tables"].get(table) or {}).get("columns") or {}).get(column)
    return own if own is not None else dictionary["shared"].get(column)


def _type_name(s: pd.Series) -> str:
    t = s.dtype
    if pd.api.types.is_bool_dtype(t):
        return "boolean"
    if pd.api.types.is_integer_dtype(t):
        return "integer"
    if pd.api.types.is_float_dtype(t):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(t):
        return "datetime"
    kinds = {type(v).__name__ for v in s.dropna()}
    if kinds & {"list", "dict", "tuple", "ndarray"}:
        return "JSON text"
    return "string"


def missing_dictionary_entries(tables: Mapping[str, pd.DataFrame], *, dictionary: Mapping | None = None
                               ) -> list[tuple[str, str]]:
    """``(table, column)`` pairs of ``tables`` that the data dictionary does not describe.

    >>> missing_dictionary_entries({"coverage": pd.DataFrame(columns=["outlet", "no_such_column"])})
    [('coverage', 'no_such_column')]
    """
    d = dictionary if dictionary is not None else load_dictionary()
    return [(t, str(c)) for t, df in tables.items() for c in df.columns if _entry(d, t, str(c)) is None]


def data_dictionary(tables: Mapping[str, pd.DataFrame], *, dictionary: Mapping | None = None) -> pd.DataFrame:
    """``table, column, type, meaning, unit``: one row per column of ``tables``, types from their dtypes.

    >>> data_dictionary({"coverage": pd.DataFrame({"outlet": ["A"], "articles": [3]})})[["column", "type", "unit"]].values.tolist()
    [['outlet', 'string', ''], ['articles', 'integer', 'articles']]
    """
    d = dictionary if dictionary is not None else load_dictionary()
    rows = []
    for t, df in tables.items():
        for c in df.columns:
            e = _entry(d, t, str(c)) or {}
            rows.append({"table": t, "column": str(c), "type": _type_name(df[c]),
                         "meaning": str(e.get("meaning", _NO_ENTRY)), "unit": str(e.get("unit", "") or "")})
    return pd.DataFrame(rows, columns=["table", "column", "type", "meaning", "unit"])


def _dictionary_markdown(dd: pd.DataFrame, tables: Mapping[str, pd.DataFrame], dictionary: Mapping) -> str:
    cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["# Data dictionary", "",
             "Every table in this folder, as `<table>.parquet` and `<table>.csv` (text cells that start with "
             "`=`, `+`, `-`, `@`, a tab, a carriage return or `'` carry one extra leading `'` in the CSV files "
             "only, against formula injection).", ""]
    for t, g in dd.groupby("table", sort=False):
        desc = (dictionary["tables"].get(t) or {}).get("description", "")
        lines += [f"## `{t}` ({len(tables[t]):,} rows)", "", cell(desc), "", "| column | type | meaning | unit |",
                  "|---|---|---|---|"]
        lines += [f"| `{cell(r.column)}` | {r.type} | {cell(r.meaning)} | {cell(r.unit)} |" for r in g.itertuples()]
        lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ writing
def _portable(df: pd.DataFrame) -> pd.DataFrame:
    """Plain columns every Parquet and CSV reader understands: lists/dicts as JSON text, mixed types as text."""
    out = df.reset_index(drop=True).copy()
    out.columns = [str(c) for c in out.columns]
    for c in out.columns:
        s = out[c]
        if not pd.api.types.is_object_dtype(s.dtype):
            continue
        kinds = {type(v) for v in s.dropna()}
        if kinds - {str}:
            if kinds & {list, dict, tuple}:
                out[c] = s.map(lambda v: v if v is None or (isinstance(v, float) and pd.isna(v))
                               else json.dumps(v.tolist() if hasattr(v, "tolist") else v, default=str))
            else:
                out[c] = s.map(lambda v: v if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return out


def _atomic(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write(df: pd.DataFrame, stem: Path) -> None:
    _atomic(stem.with_suffix(".parquet"), lambda p: df.to_parquet(p, index=False, engine="pyarrow"))
    _atomic(stem.with_suffix(".csv"), lambda p: guard_formulas(df).to_csv(p, index=False, encoding="utf-8"))


def export_tables(study, *, output_dir: str | Path, measures: Sequence[str] | None = None, synthesis=None,
                  with_synthesis: bool = True, synthesis_options: Mapping | None = None) -> Path:
    """Write every measure and synthesis table of ``study`` to ``<output_dir>/tables/``; returns that folder.

    ``measures``: names of :data:`analysis.measures.MEASURES` (default: all, with their default parameters).
    ``synthesis``: a :class:`analysis.compare.synthesis.Synthesis` already computed (else one is computed with
    ``synthesis_options``, unless ``with_synthesis=False``). Every value comes from the study's measure store.

    >>> import analysis, tempfile
    >>> study = analysis.open_study(progress=False)
    >>> d = export_tables(study, output_dir=tempfile.mkdtemp(), measures=["coverage"], with_synthesis=False)
    >>> sorted(p.name for p in d.iterdir())
    ['coverage.csv', 'coverage.parquet', 'data_dictionary.csv', 'data_dictionary.md', 'manifest.json']
    """
    from analysis.measures.registry import MEASURES

    if not (hasattr(study, "measures") and hasattr(study, "story")):
        raise TypeError(f"export_tables needs an analysis.Study (analysis.open_study), not {type(study).__name__}")
    names = list(MEASURES) if measures is None else list(measures)
    unknown = sorted(set(names) - set(MEASURES))
    if unknown:
        raise KeyError(f"unknown measure(s) {unknown}; available: {sorted(MEASURES)}")
    tables: dict[str, pd.DataFrame] = {n: _portable(study.measures.get(n)) for n in names}
    settings = None
    if synthesis is None and with_synthesis:
        from analysis.compare.synthesis import synthesize

        synthesis = synthesize(study, **dict(synthesis_options or {}))
    if synthesis is not None:
        for part in ("comparison", "claims", "evidence"):
            tables[f"synthesis_{part}"] = _portable(getattr(synthesis, part))
        settings = synthesis.settings
    out = Path(output_dir) / "tables"
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        _write(df, out / name)
    dictionary = load_dictionary()
    missing = missing_dictionary_entries(tables, dictionary=dictionary)
    if missing:
        warnings.warn(f"{len(missing)} exported column(s) have no entry in {DICTIONARY_FILE.name}: {missing[:10]}",
                      stacklevel=2)
    dd = data_dictionary(tables, dictionary=dictionary)
    _atomic(out / "data_dictionary.csv", lambda p: guard_formulas(dd).to_csv(p, index=False, encoding="utf-8"))
    md = _dictionary_markdown(dd, tables, dictionary)
    _atomic(out / "data_dictionary.md", lambda p: p.write_text(md, encoding="utf-8"))
    st = study.story
    manifest = {"story": {"name": st.name, "title": st.title, "digest": st.digest, "discovered": st.discovered},
                "tables": {n: {"rows": int(len(df)), "columns": list(df.columns)} for n, df in tables.items()},
                "synthesis_settings": settings}
    _atomic(out / "manifest.json",
            lambda p: p.write_text(json.dumps(manifest, indent=1, default=str, ensure_ascii=False), encoding="utf-8"))
    return out


def write_run_outputs(output_dir: str | Path, *, corpus=None, story=None, actors=None, framing_terms=None,
                      markers=None, seed: int = 42, cap: int = 50) -> dict[str, Path]:
    """At the end of a notebook run: open the run's study once and write its evidence explorer
    (``<output_dir>/evidence_explorer.html``, :func:`analysis.viz.evidence.evidence_explorer_html`) and its
    tidy exports (``<output_dir>/tables/``, :func:`export_tables`). Returns ``{"explorer": path, "tables": path}``.

    >>> import tempfile
    >>> sorted(write_run_outputs(tempfile.mkdtemp(), cap=2))   # doctest: +SKIP
    ['explorer', 'tables']
    """
    from analysis.study import open_study
    from analysis.viz.evidence import evidence_explorer_html

    output_dir = Path(output_dir)
    study = open_study(corpus, story=story, actors=actors, framing_terms=framing_terms, markers=markers,
                       output_dir=output_dir)
    explorer = evidence_explorer_html(study, output_dir / "evidence_explorer.html", cap=cap)
    tables = export_tables(study, output_dir=output_dir, synthesis_options={"seed": seed})
    return {"explorer": explorer, "tables": tables}


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.run.exports``: open a study and write its tidy exports."""
    ap = argparse.ArgumentParser(description="Write every measure and synthesis table as Parquet and CSV "
                                             "with a data dictionary (<output-dir>/tables/).")
    ap.add_argument("--corpus", default=None, help="folder / CSV / TSV / JSONL / Parquet (default: the seeds)")
    ap.add_argument("--story", default=None, help="story YAML (default: the seeds' story for the seeds, "
                                                  "else one discovered from the corpus)")
    ap.add_argument("--output-dir", default=None, type=Path,
                    help="default: ANALYSIS_OUTPUT_DIR (outputs/) for the seeds, <that>/<corpus name>/ for --corpus")
    ap.add_argument("--which", nargs="*", default=None, help="subset of the measures (default: all)")
    ap.add_argument("--no-synthesis", action="store_true", help="skip the synthesis tables")
    ap.add_argument("--seed", type=int, default=42, help="bootstrap seed of the synthesis")
    args = ap.parse_args(argv)
    if args.output_dir is None:
        from analysis.config import get_settings
        from analysis.corpus.describe import corpus_name

        base = get_settings().output_dir
        args.output_dir = base if args.corpus is None else base / corpus_name(args.corpus)
    from analysis.study import open_study

    t0 = time.perf_counter()
    study = open_study(args.corpus, story=args.story, output_dir=args.output_dir)
    out = export_tables(study, output_dir=args.output_dir, measures=args.which, with_synthesis=not args.no_synthesis,
                        synthesis_options={"seed": args.seed})
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name, info in manifest["tables"].items():
        print(f"{name:24s} {info['rows']:>9,} rows -> {out / name}.parquet, .csv")
    print(f"{len(manifest['tables'])} tables and the data dictionary in {out} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
