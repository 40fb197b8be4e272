"""Notebooks: stored without outputs, parameterised, and executed top to bottom on the seeds."""
from __future__ import annotations

import json

import nbformat
import pytest

from analysis.run.notebooks import list_notebooks, run_all

NOTEBOOKS = list_notebooks()


def test_there_are_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS][:1] == ["01"]


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_clean_with_a_parameters_cell(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "outputs stored"
    params = code[0]
    assert "parameters" in params.metadata.get("tags", [])
    for name in ("corpus", "output_dir", "seed"):
        assert f"{name} =" in params.source
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert nb.cells[0].cell_type == "markdown" and "Goals" in nb.cells[0].source
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Recap" in text and "Exercises" in text
    assert any("solution" in c.metadata.get("tags", []) for c in code), "exercises need solution cells"


@pytest.mark.slow
@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_writes_its_figures(nb_path, executed_outputs):
    out, records = executed_outputs
    assert {"notebook": nb_path.name, "status": "executed"}.items() <= next(r for r in records if r["notebook"] == nb_path.name).items()
    executed = nbformat.read(out / "notebooks" / nb_path.name, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    figures = sorted((out / "figures").glob(f"{nb_path.name[:2]}_*.png"))
    assert figures, "the notebook wrote no figure"
    assert all(f.stat().st_size > 5_000 for f in figures)


@pytest.mark.slow
def test_runner_skips_up_to_date_notebooks(tmp_path):
    first = run_all(output_dir=tmp_path, only=["01"])
    second = run_all(output_dir=tmp_path, only=["01"])
    assert [r["status"] for r in first] == ["executed"] and [r["status"] for r in second] == ["up to date"]
    stamps = json.loads((tmp_path / "notebooks" / ".stamps.json").read_text())
    assert list(stamps["notebooks"]) == ["01_corpus_and_cleaning.ipynb"]


def _outputs(path) -> str:
    executed = nbformat.read(path, as_version=4)
    parts = []
    for c in executed.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            parts.append(o.get("text", ""))
            for mime in ("text/plain", "text/html"):
                v = o.get("data", {}).get(mime)
                parts.append(v if isinstance(v, str) else "".join(v or []))
    return "\n".join(parts)


def _row_cells(html: str, outlet: str) -> list[str]:
    """The cells of every HTML table row that names ``outlet``."""
    import re

    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S) for r in rows if f">{outlet}<" in r]


@pytest.mark.slow
def test_same_quantity_same_value_in_every_notebook(executed_outputs):
    """Words and sentences per outlet, the verbs, voices and frames behind each claim, and the names for the
    contested measure: each is one number in the measure store, and every notebook that shows it shows it."""
    import analysis
    from analysis.compare import synthesis

    out, _ = executed_outputs
    text = {p.name[:2]: _outputs(out / "notebooks" / p.name) for p in NOTEBOOKS}
    study = analysis.open_study(progress=False)
    cov = study.measure("coverage")
    for r in cov.itertuples():
        for nb in ("01", "04"):   # coverage tables: words and sentences in the outlet's row
            cells = [row for row in _row_cells(text[nb], r.outlet)]
            assert any(str(r.words) in row and str(r.sentences) in row for row in cells), (nb, r.outlet)
        assert f"{r.articles} article(s), {r.words:,} words, {r.sentences} sentences" in text["06"]
    synth = synthesis.synthesize(study, seed=42, progress=False)
    shared = synth.claims[synth.claims.family.isin(["frames", "agency", "voices", "attribution"])]
    assert len(shared) == 4 * cov.outlet.nunique()
    for c in shared.itertuples():   # notebook 04's per-outlet summary and notebook 06's claims: the same lines
        line = f"  {c.family} ({c.subject}): {c.statement}"
        assert line in text["04"] and line in text["06"], line
    rates = study.measure("framing_term_rates")
    names = rates[(rates.group == study.story.measure_group) & (rates.n > 0)]
    for outlet, g in names.groupby("outlet"):   # notebook 04 counts the names with notebook 02's lexicon
        listed = ", ".join(f"{r.term} ({r.n})" for r in g.itertuples())
        assert f"Names for {study.story.label('measure')}: {listed}" in text["04"], outlet
