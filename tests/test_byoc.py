"""Bring your own corpus: the whole collection runs on another story from other outlets, bad rows included."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import run_notebooks as R
from analysis.config import PROJECT_ROOT

BYOC = PROJECT_ROOT / "tests" / "data" / "byoc"
BAD = BYOC / "articles_with_bad_rows.jsonl"
ACTORS = BYOC / "actors.yaml"


def test_corpus_files_match_their_generator():
    """The stored files are exactly what make_corpus.py writes (no hand edits that the README does not know)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_byoc", BYOC / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    good = pd.read_csv(BYOC / "articles.csv")
    assert len(good) == len(mod.ARTICLES) >= 30 and good.outlet.nunique() == 3
    assert good.outlet.value_counts().min() >= 9
    lines = BAD.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(good) + len(mod.BAD_LINES)


def test_loader_rejects_exactly_the_bad_rows_with_their_reasons():
    from analysis.corpus import load_corpus

    with pytest.warns(UserWarning):
        raw = load_corpus(BAD)
    good = pd.read_csv(BYOC / "articles.csv")
    assert sorted(raw.documents.doc_id) == sorted(good.id)      # nothing else lost
    reasons = raw.rejects.reason.str.replace(r"(:| '| \().*$", "", regex=True)
    assert sorted(reasons) == sorted(["empty or whitespace-only text"] * 2 + [
        "missing outlet", "duplicate id", "missing id", "text is only HTML markup, no words", "malformed JSON",
        "JSON line is not an object"])
    flagged = raw.issues[raw.issues.level == "warning"]
    assert {"rw03", "cc05"} <= set(flagged.doc_id)
    assert pd.isna(raw.documents.set_index("doc_id").loc["rw03", "date"])
    assert "<p>" not in raw.documents.set_index("doc_id").loc["cc05", "text"]


def test_default_output_dir_never_the_seeds_folder():
    assert R.default_output_dir(None) == PROJECT_ROOT / "outputs"
    assert R.default_output_dir(BAD) == PROJECT_ROOT / "outputs" / "articles_with_bad_rows"
    assert R.default_output_dir("/data/my_folder") == PROJECT_ROOT / "outputs" / "my_folder"


def test_extra_parameters_go_only_to_notebooks_that_declare_them(tmp_path):
    declared = {nb.name[:2]: R.declared_parameters(nb) for nb in R.list_notebooks()}
    assert "actors" in declared["03"] and "actors" in declared["04"] and "actors" in declared["06"]
    assert "actors" not in declared["01"]
    with pytest.raises(ValueError, match="no notebook declares parameter"):
        R.run_all(output_dir=tmp_path, only=["01"], params={"actorz": "x.yaml"})
    assert R._parameter_value("3") == 3 and R._parameter_value("null") is None
    assert R._parameter_value(str(ACTORS.relative_to(PROJECT_ROOT))) in (str(ACTORS), "tests/data/byoc/actors.yaml")
    assert R._parameter_value("policy_frames") == "policy_frames"


def test_corpus_report_is_written(tmp_path):
    rep = R.write_corpus_report(str(BAD), tmp_path)
    assert rep["documents"] == 30 and rep["rejected"] == 8 and rep["warnings"] >= 2
    rejects = pd.read_csv(tmp_path / "rejects.csv")
    assert list(rejects.columns) == ["source", "doc_id", "reason"] and len(rejects) == 8
    assert (tmp_path / "issues.csv").exists()


@pytest.mark.slow
def test_whole_collection_runs_on_another_story_into_its_own_folder(tmp_path, monkeypatch):
    seeds_out = PROJECT_ROOT / "outputs"
    before = {p: p.stat().st_mtime_ns for p in seeds_out.rglob("*") if p.is_file()} if seeds_out.exists() else {}
    out = tmp_path / "byoc_out"
    rc = R.main(["--corpus", str(BAD), "--actors", str(ACTORS), "--output-dir", str(out), "--no-report"])
    assert rc == 0
    # every notebook ran without an error output and wrote figures
    for nb in R.list_notebooks():
        executed = nbformat.read(out / "notebooks" / nb.name, as_version=4)
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, nb.name
        assert list((out / "figures").glob(f"{nb.name[:2]}_*.png")), f"{nb.name} wrote no figure"
        params = executed.cells[[i for i, c in enumerate(executed.cells)
                                 if "injected-parameters" in c.metadata.get("tags", [])][0]].source
        assert str(BAD) in params
        if "actors" in R.declared_parameters(nb):
            assert str(ACTORS) in params
    # rejects reported, nothing else lost
    rejects = pd.read_csv(out / "rejects.csv")
    assert len(rejects) == 8
    good = set(pd.read_csv(BYOC / "articles.csv").id)
    nb01 = nbformat.read(out / "notebooks" / "01_corpus_and_cleaning.ipynb", as_version=4)
    text01 = json.dumps([c.get("outputs", []) for c in nb01.cells])
    assert "8 rejected documents" in text01 and "missing outlet" in text01
    # the story's own actors were found, and the outlets' designed angles show up
    nb06 = nbformat.read(out / "notebooks" / "06_synthesis.ipynb", as_version=4)
    text06 = json.dumps([c.get("outputs", []) for c in nb06.cells])
    assert "Meridian" in text06 and "city government" in text06 and "'interval': 'articles'" in text06
    claims = (out / "06_claims.html").read_text(encoding="utf-8")
    assert "Harbor Ledger" in claims and "Riverside Weekly" in claims and "Coastline Courier" in claims
    import analysis

    corp = analysis.build_corpus(BAD, progress=False)
    assert set(corp.documents.doc_id) == good
    # the seeds' outputs were not touched
    after = {p: p.stat().st_mtime_ns for p in seeds_out.rglob("*") if p.is_file()} if seeds_out.exists() else {}
    assert {p: t for p, t in after.items() if p in before} == before
    assert not [p for p in after if p not in before and "articles_with_bad_rows" not in str(p)]
