"""Tidy exports: every measure and synthesis table written as Parquet and CSV reads back equal to the store,
CSV text cells are guarded against formula injection, and the data dictionary describes every column."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.measures import MEASURES
from analysis.run.exports import (FORMULA_PREFIXES, data_dictionary, export_tables, guard_formulas,
                                  load_dictionary, missing_dictionary_entries, unguard_formulas)

ROOT = Path(__file__).resolve().parents[1]
CONGESTION = ROOT / "tests" / "data" / "congestion"
SYNTH_PARTS = ("comparison", "claims", "evidence")


@pytest.fixture(scope="module")
def study():
    import analysis

    return analysis.open_study(str(CONGESTION / "articles.csv"), story=str(CONGESTION / "story.yaml"), progress=False)


@pytest.fixture(scope="module")
def synthesis(study):
    from analysis.compare.synthesis import synthesize

    return synthesize(study, n_boot=200, seed=7)


@pytest.fixture(scope="module")
def exported(study, synthesis, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return export_tables(study, output_dir=out, synthesis=synthesis), out


def _expected(study, synthesis) -> dict[str, pd.DataFrame]:
    tables = {n: study.measures.get(n) for n in MEASURES}
    tables.update({f"synthesis_{p}": getattr(synthesis, p) for p in SYNTH_PARTS})
    return {n: t.reset_index(drop=True) for n, t in tables.items()}


def _kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return "num"
    return "text"


def _assert_column_equal(name, col, got: pd.Series, want: pd.Series):
    assert len(got) == len(want), (name, col)
    kind = _kind(want)
    if kind == "num":
        g, w = got.astype(float).to_numpy(), want.astype(float).to_numpy()
        assert np.array_equal(np.isnan(g), np.isnan(w)), (name, col)
        assert np.array_equal(g[~np.isnan(g)], w[~np.isnan(w)]), (name, col)
    elif kind == "bool":
        assert got.astype(str).str.lower().tolist() == want.astype(str).str.lower().tolist(), (name, col)
    else:
        norm = lambda s: [None if (v is None or (not isinstance(v, str) and pd.isna(v))) else str(v) for v in s]  # noqa: E731
        assert norm(got) == norm(want), (name, col)


def test_every_table_is_written_as_parquet_and_csv(exported):
    tables, _ = exported
    names = set(MEASURES) | {f"synthesis_{p}" for p in SYNTH_PARTS}
    assert {p.stem for p in tables.glob("*.parquet")} == names
    assert {p.stem for p in tables.glob("*.csv")} == names | {"data_dictionary"}
    assert (tables / "data_dictionary.md").exists()
    manifest = json.loads((tables / "manifest.json").read_text())
    assert manifest["story"]["name"] == "halvercombe_congestion_charge"
    assert set(manifest["tables"]) == names


def test_parquet_reads_back_equal_to_the_store(exported, study, synthesis):
    tables, _ = exported
    for name, want in _expected(study, synthesis).items():
        got = pd.read_parquet(tables / f"{name}.parquet")
        assert list(got.columns) == [str(c) for c in want.columns], name
        assert len(got) == len(want), name
        for c in want.columns:
            _assert_column_equal(name, c, got[str(c)], want[c])


def test_csv_reads_back_equal_to_the_store(exported, study, synthesis):
    tables, _ = exported
    checked = 0
    for name, want in _expected(study, synthesis).items():
        text_cols = [c for c in want.columns if _kind(want[c]) == "text"]
        num_cols = [c for c in want.columns if _kind(want[c]) != "text"]
        got = pd.read_csv(tables / f"{name}.csv", dtype={c: str for c in text_cols}, keep_default_na=False,
                          na_values={c: [""] for c in num_cols})
        got = unguard_formulas(got)
        assert list(got.columns) == [str(c) for c in want.columns], name
        for c in want.columns:
            w = want[c]
            if c in text_cols:  # CSV has no missing text: an empty cell is read as ""
                w = w.astype(object).where(w.notna(), "")
            _assert_column_equal(name, c, got[str(c)], w)
            checked += 1
    assert checked > 100


def test_no_csv_text_cell_starts_like_a_formula(exported, study, synthesis):
    tables, _ = exported
    for name, want in _expected(study, synthesis).items():
        text = {str(c) for c in want.columns if _kind(want[c]) == "text"}
        with open(tables / f"{name}.csv", newline="", encoding="utf-8") as fh:
            rows = csv.DictReader(fh)
            for row in rows:
                for c in text:
                    v = row[c]
                    assert not v.startswith(FORMULA_PREFIXES[:-1]), (name, c, v)


def test_formula_guard_round_trips_hostile_cells():
    df = pd.DataFrame({"t": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "'a", "plain", None],
                       "n": [-1.5, 2, 3, 4, 5, 6, 7, 8]})
    g = guard_formulas(df)
    assert g["t"].tolist()[:6] == ["'" + v for v in df["t"][:6]]
    assert g["t"].tolist()[6] == "plain" and g["t"].isna().tolist()[7]
    assert g["n"].tolist() == df["n"].tolist()          # numbers untouched
    assert unguard_formulas(g)["t"].tolist()[:7] == df["t"].tolist()[:7]


def test_the_dictionary_describes_every_exported_column(exported, study, synthesis):
    tables, _ = exported
    expected = _expected(study, synthesis)
    assert missing_dictionary_entries(expected) == []
    dd = pd.read_csv(tables / "data_dictionary.csv", keep_default_na=False)
    assert list(dd.columns) == ["table", "column", "type", "meaning", "unit"]
    assert len(dd) == sum(t.shape[1] for t in expected.values())
    assert (dd["meaning"].str.len() > 0).all() and not dd["meaning"].str.contains("no entry").any()
    tone = dd[(dd.table == "sentence_tone") & (dd.column == "tone")].iloc[0]
    assert tone.type == "float" and tone.unit
    md = (tables / "data_dictionary.md").read_text()
    for name in expected:
        assert f"## `{name}`" in md


def test_a_column_without_an_entry_is_reported():
    tables = {"coverage": pd.DataFrame({"outlet": ["A"], "articles": [1], "brand_new": [0.5]}),
              "not_a_table": pd.DataFrame({"doc_id": ["d"], "x": [1]})}
    assert missing_dictionary_entries(tables) == [("coverage", "brand_new"), ("not_a_table", "x")]
    dd = data_dictionary(tables)
    assert dd.loc[dd.column == "brand_new", "meaning"].iloc[0].startswith("(no entry")
    assert dd.loc[dd.column == "doc_id", "meaning"].iloc[0] == load_dictionary()["shared"]["doc_id"]["meaning"]


def test_seed_measures_are_all_in_the_dictionary():
    import analysis

    seeds = analysis.open_study(progress=False)
    assert missing_dictionary_entries({n: seeds.measure(n) for n in MEASURES}) == []


def test_command_line_writes_the_exports(tmp_path):
    cmd = [sys.executable, "-m", "analysis.run.exports", "--corpus", str(CONGESTION / "articles.csv"),
           "--story", str(CONGESTION / "story.yaml"), "--output-dir", str(tmp_path), "--which", "coverage",
           "quotes", "--no-synthesis"]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr
    got = pd.read_parquet(tmp_path / "tables" / "quotes.parquet")
    assert len(got) > 0 and "quotes" in r.stdout
    assert {p.name for p in (tmp_path / "tables").iterdir()} >= {"coverage.csv", "quotes.csv", "data_dictionary.md"}


def test_unknown_measure_is_a_clear_error(study, tmp_path):
    with pytest.raises(KeyError, match="unknown measure"):
        export_tables(study, output_dir=tmp_path, measures=["nope"], with_synthesis=False)
    with pytest.raises(TypeError, match="Study"):
        export_tables(object(), output_dir=tmp_path)


def test_end_of_run_writes_the_explorer_and_the_exports(tmp_path):
    from analysis.run.exports import write_run_outputs

    out = write_run_outputs(tmp_path, corpus=str(CONGESTION / "articles.csv"), story=str(CONGESTION / "story.yaml"),
                            cap=2)
    assert out["explorer"] == tmp_path / "evidence_explorer.html" and out["explorer"].stat().st_size > 10_000
    assert out["tables"] == tmp_path / "tables"
    assert {p.stem for p in out["tables"].glob("*.parquet")} == set(MEASURES) | {f"synthesis_{p}" for p in SYNTH_PARTS}
    assert json.loads((tmp_path / "story.json").read_text())["name"] == "halvercombe_congestion_charge"
