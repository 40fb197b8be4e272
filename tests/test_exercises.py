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


def test_prompts_are_numbered_and_match_the_exercise_list():
    """Every solution cell of every notebook answers a listed exercise, every listed exercise has one, and the
    exercise notebook's prompt cell names the number and the first line of the prompt."""
    import re

    from analysis.run.exercises import EXERCISE_DIR, NOTEBOOK_DIR, check_exercise_numbers, exercise_prompts

    for src in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(src, as_version=4)
        assert check_exercise_numbers(nb) == [], src.name
        prompts = exercise_prompts(nb)
        assert sorted(prompts) == list(range(1, len(prompts) + 1)), src.name    # 1, 2, 3 ... in the Markdown
        ex = nbformat.read(EXERCISE_DIR / f"{src.stem}_exercises.ipynb", as_version=4)
        cells = [c.source for c in ex.cells if "exercise" in c.metadata.get("tags", [])]
        firsts = [c.splitlines()[0] for c in cells]
        numbers = [int(re.match(r"# Exercise (\d+)", f).group(1)) for f in firsts]
        assert numbers == sorted(numbers) and set(numbers) == set(prompts), (src.name, firsts)
        for first, n in zip(firsts, numbers):
            assert first.startswith(f"# Exercise {n}") and (prompts[n] in first or "(continued)" in first)
        assert len(set(cells)) == len(cells), "the prompt cells are no longer identical"
        assert not any("solution" in c.metadata.get("tags", []) for c in ex.cells)


def test_exercise_notebooks_write_to_the_projects_output_folder():
    """They run in notebooks/exercises/, one folder deeper: their relative output_dir points to the same
    outputs/ as the notebooks' own (not to a stray notebooks/outputs/)."""
    import papermill as pm

    from analysis.run.exercises import EXERCISE_DIR, NOTEBOOK_DIR

    for src in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")):
        full = pm.inspect_notebook(str(src))["output_dir"]["default"].strip("\"'")
        ex = pm.inspect_notebook(str(EXERCISE_DIR / f"{src.stem}_exercises.ipynb"))["output_dir"]["default"].strip("\"'")
        assert (EXERCISE_DIR / ex).resolve() == (NOTEBOOK_DIR / full).resolve(), (src.name, ex)
        assert not (NOTEBOOK_DIR / "outputs").exists()


def test_numbering_rules_for_unlabelled_and_continued_solutions():
    from analysis.run.exercises import check_exercise_numbers, instructor_version

    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("## Exercises\n\n1. **Words.** Count them.\n2. Count the sentences.\n3. Why?"),
        v4.new_code_cell("a = 1", metadata={"tags": ["solution"]}),                  # unlabelled: exercise 1
        v4.new_code_cell("# Exercise 2\nb = 2", metadata={"tags": ["solution"]}),
        v4.new_code_cell("# Exercise 2\nc = b + 1", metadata={"tags": ["solution"]}),  # a second cell of 2
    ])
    ex = exercise_version(nb, name="demo.ipynb")
    assert [c.source.splitlines()[0] for c in ex.cells[1:]] == [
        "# Exercise 1: Words.", "# Exercise 2: Count the sentences.", "# Exercise 2 (continued): your answer here."]
    assert check_exercise_numbers(nb) == ["exercise 3 ('Why?') has no solution cell (first line '# Exercise 3')"]
    nb.cells.append(v4.new_code_cell("# Exercise 4\nd = 4", metadata={"tags": ["solution"]}))
    assert "solution cell for exercise 4, but the exercises list has no item 4" in check_exercise_numbers(nb)
    key = instructor_version(nb)
    labels = [c.source for c in key.cells if "instructor-label" in c.metadata.get("tags", [])]
    assert labels[0] == "**Instructor key: worked solution to exercise 1** (Words.)" and len(labels) == 4
    assert [c.source for c in key.cells if "solution" in c.metadata.get("tags", [])] == \
        [c.source for c in nb.cells if "solution" in c.metadata.get("tags", [])]
