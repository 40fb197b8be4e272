"""Exercise notebooks generated from the solution notebooks, so the two never drift apart.

Every code cell tagged ``solution`` in ``notebooks/NN_*.ipynb`` is replaced by an empty prompt cell in
``notebooks/exercises/NN_*_exercises.ipynb``; everything else is copied (outputs cleared).

    python -m analysis.run.exercises           # regenerate
    python -m analysis.run.exercises --check   # exit 1 and list the stale files if any would change

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["solution"]})])
>>> exercise_version(nb).cells[0].source.startswith("# Your answer")
True
"""
from __future__ import annotations

import argparse
import copy
from pathlib import Path

import nbformat

from analysis.config import PROJECT_ROOT

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
EXERCISE_DIR = NOTEBOOK_DIR / "exercises"
PROMPT = "# Your answer here: write code that answers the exercise above.\n# (The worked solution is in the full notebook, ../{name})\n"


def exercise_version(nb: nbformat.NotebookNode, *, name: str = "the full notebook") -> nbformat.NotebookNode:
    """Copy of ``nb`` with solution cells replaced by prompts and all outputs cleared."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            cell.source = PROMPT.format(name=name)
            cell.metadata["tags"] = [t for t in tags if t != "solution"] + ["exercise"]
    return out


def _render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def expected_exercises(notebook_dir: Path = NOTEBOOK_DIR) -> dict[Path, str]:
    """Exercise file path -> the text it should have, for every notebook with solution cells."""
    expected = {}
    for src in sorted(notebook_dir.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(src, as_version=4)
        if any("solution" in c.metadata.get("tags", []) for c in nb.cells):
            target = notebook_dir / "exercises" / f"{src.stem}_exercises.ipynb"
            expected[target] = _render(exercise_version(nb, name=src.name))
    return expected


def stale_exercises(notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """Exercise files that are missing, differ from their solution notebook, or have no source any more."""
    expected = expected_exercises(notebook_dir)
    stale = [p for p, text in expected.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    orphans = [p for p in (notebook_dir / "exercises").glob("*.ipynb") if p not in expected]
    return sorted(stale + orphans)


def write_exercises(notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """Regenerate every exercise notebook; remove exercise files whose solution notebook is gone."""
    expected = expected_exercises(notebook_dir)
    (notebook_dir / "exercises").mkdir(exist_ok=True)
    for p in (notebook_dir / "exercises").glob("*.ipynb"):
        if p not in expected:
            p.unlink()
    for p, text in expected.items():
        p.write_text(text, encoding="utf-8")
    return sorted(expected)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only report stale exercise notebooks")
    args = ap.parse_args(argv)
    if args.check:
        stale = stale_exercises()
        for p in stale:
            print(f"stale: {p.relative_to(PROJECT_ROOT)} (run: python -m analysis.run.exercises)")
        return 1 if stale else 0
    for p in write_exercises():
        print(f"wrote {p.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
