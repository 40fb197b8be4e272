"""Exercise notebooks are generated from the solution notebooks and must not drift."""
from __future__ import annotations

import nbformat

from analysis.run.exercises import exercise_version, stale_exercises, write_exercises


def test_committed_exercise_notebooks_match_their_solution_notebooks():
    stale = stale_exercises()
    assert not stale, f"regenerate with `python -m analysis.run.exercises`: {[p.name for p in stale]}"


def test_solution_cells_become_prompts_and_nothing_else_changes():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Exercises\n1. Count the words."),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("len(text.split())", metadata={"tags": ["solution"]}),
    ])
    ex = exercise_version(nb, name="demo.ipynb")
    assert ex.cells[0].source == nb.cells[0].source and ex.cells[1].source == "x = 1"
    assert "len(text.split())" not in ex.cells[2].source and "demo.ipynb" in ex.cells[2].source
    assert ex.cells[2].metadata["tags"] == ["exercise"]


def test_check_detects_drift(tmp_path):
    src = tmp_path / "01_demo.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("42", metadata={"tags": ["solution"]})])
    nbformat.write(nb, src)
    assert [p.name for p in stale_exercises(tmp_path)] == ["01_demo_exercises.ipynb"]
    write_exercises(tmp_path)
    assert stale_exercises(tmp_path) == []
    nb.cells.append(nbformat.v4.new_markdown_cell("a new paragraph"))
    nbformat.write(nb, src)
    assert [p.name for p in stale_exercises(tmp_path)] == ["01_demo_exercises.ipynb"]
