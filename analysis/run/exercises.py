"""Exercise notebooks generated from the solution notebooks, so the two never drift apart.

Every code cell tagged ``solution`` in ``notebooks/NN_*.ipynb`` is replaced by a numbered prompt cell in
``notebooks/exercises/NN_*_exercises.ipynb``; everything else is copied (outputs cleared).

* **Numbering.** A solution cell answers the exercise its first line names (``# Exercise 2`` or
  ``# Exercise 2: bigrams ...``); a solution cell without that line answers the exercise after the previous
  solution cell's. The exercises are the numbered list (``1. ...``, ``2. ...``) after the notebook's
  ``## Exercises`` heading, and the prompt cell quotes the first line of its item:
  ``# Exercise 2: Bigrams.`` (:func:`exercise_prompts`). :func:`check_exercise_numbers` says where a solution
  names an exercise the list does not have, or an exercise has no solution.
* **Output folder.** An exercise notebook runs one folder deeper (``notebooks/exercises/``), so a relative
  ``output_dir`` in its parameters cell gets one more ``../`` (``"../outputs"`` becomes ``"../../outputs"``):
  its figures go to the project's ``outputs/``, not to a stray ``notebooks/outputs/``.
* The same replacement gives the **student report** (:func:`student_version`, outputs of the other cells
  kept); :func:`instructor_version` labels each solution cell instead, for the instructor key
  (:mod:`analysis.run.report`).

    python -m analysis.run.exercises           # regenerate
    python -m analysis.run.exercises --check   # exit 1 and list the stale files if any would change

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("## Exercises\\n1. **Count.** Count the words.\\n2. Count the sentences."),
...     nbformat.v4.new_code_cell("# Exercise 2\\nlen(sents)", metadata={"tags": ["solution"]})])
>>> print(exercise_version(nb).cells[1].source.splitlines()[0])
# Exercise 2: Count the sentences.
"""
from __future__ import annotations

import argparse
import copy
import re
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.config import PROJECT_ROOT

if TYPE_CHECKING:  # nbformat is imported where it is used: building an up-to-date report needs none of it
    import nbformat

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
EXERCISE_DIR = NOTEBOOK_DIR / "exercises"
PROMPT = ("# Exercise {number}: {prompt}\n"
          "# Your answer here: write code that answers exercise {number} above.\n"
          "# (The worked solution is in the full notebook, ../{name})\n")
#: The prompt in the student report: it points to the exercise notebook, not to the worked solution.
REPORT_PROMPT = ("# Exercise {number}: {prompt}\n"
                 "# Try it in the exercise notebook, notebooks/exercises/{stem}_exercises.ipynb\n")
#: The prompt of a second (third ...) solution cell of the same exercise.
PROMPT_CONTINUED = "# Exercise {number} (continued): your answer here.\n"
#: Longest prompt line quoted in a prompt cell (longer first lines end with "...").
MAX_PROMPT_CHARS = 90

_EXERCISE_LABEL = re.compile(r"^\s*#\s*Exercise\s+(\d+)\b", re.I)
_ITEM = re.compile(r"^(\d+)\.\s+(.*\S)")


def _is_solution(cell) -> bool:
    return cell.cell_type == "code" and "solution" in cell.get("metadata", {}).get("tags", [])


def _first_line(text: str) -> str:
    """An exercise item's opening: its bold lead-in if it has one, else its first sentence, without Markdown.

    >>> _first_line("**Bigrams.** Add bigrams and redo the model selection.")
    'Bigrams.'
    >>> _first_line("Which cleaning rule removed the most characters? Then read them.")
    'Which cleaning rule removed the most characters?'
    """
    bold = re.match(r"\*\*(.+?)\*\*", text)
    line = bold.group(1) if bold else re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]
    line = re.sub(r"[*_`]", "", line).strip()
    if len(line) > MAX_PROMPT_CHARS:
        line = line[:MAX_PROMPT_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " ..."
    return line


def exercise_prompts(nb: nbformat.NotebookNode) -> dict[int, str]:
    """The numbered exercises of a notebook: ``{number: first line of the prompt}``, from the numbered list
    after its ``## Exercises`` heading (items may continue on indented lines).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "## Recap\\n1. Not an exercise.\\n\\n## Exercises\\n\\n1. **Paragraphs.** Rebuild it.\\n   More text.\\n2. Why?")])
    >>> exercise_prompts(nb)
    {1: 'Paragraphs.', 2: 'Why?'}
    """
    prompts: dict[int, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        inside = False
        for line in cell.source.splitlines():
            if re.match(r"^#{1,6}\s", line):
                inside = bool(re.match(r"^#{1,6}\s+Exercises\b", line, re.I))
                continue
            m = _ITEM.match(line) if inside else None
            if m:
                prompts.setdefault(int(m.group(1)), _first_line(m.group(2)))
    return prompts


def solution_numbers(nb: nbformat.NotebookNode) -> list[tuple[int, int]]:
    """``(cell index, exercise number)`` of every solution cell: the number its ``# Exercise N`` line names,
    else the previous solution cell's number plus one.

    >>> from nbformat import v4
    >>> nb = v4.new_notebook(cells=[v4.new_code_cell(s, metadata={"tags": ["solution"]})
    ...                             for s in ("a = 1", "# Exercise 3: why\\nb = 2", "c = 3")])
    >>> solution_numbers(nb)
    [(0, 1), (1, 3), (2, 4)]
    """
    out, previous = [], 0
    for i, cell in enumerate(nb.cells):
        if not _is_solution(cell):
            continue
        m = _EXERCISE_LABEL.match(cell.source)
        previous = int(m.group(1)) if m else previous + 1
        out.append((i, previous))
    return out


def check_exercise_numbers(nb: nbformat.NotebookNode) -> list[str]:
    """Problems with a notebook's exercise numbering: a solution for an exercise the list does not have, an
    exercise without a solution cell. Empty when every listed exercise has its solution and vice versa."""
    prompts = exercise_prompts(nb)
    numbers = {n for _, n in solution_numbers(nb)}
    problems = [f"solution cell for exercise {n}, but the exercises list has no item {n}"
                for n in sorted(numbers - set(prompts))]
    problems += [f"exercise {n} ({prompts[n]!r}) has no solution cell (first line '# Exercise {n}')"
                 for n in sorted(set(prompts) - numbers)] if numbers else []
    return problems


def _prompt_cells(nb: nbformat.NotebookNode, name: str, template: str = PROMPT) -> dict[int, str]:
    """Cell index -> the prompt that replaces that solution cell."""
    prompts = exercise_prompts(nb)
    seen, out = set(), {}
    for i, number in solution_numbers(nb):
        if number in seen:
            out[i] = PROMPT_CONTINUED.format(number=number)
        else:
            out[i] = template.format(number=number, prompt=prompts.get(number, "see the list above"), name=name,
                                     stem=Path(name).stem)
        seen.add(number)
    return out


def _deeper_output_dir(source: str) -> str:
    """The parameters cell of a notebook that runs one folder deeper: a relative ``output_dir`` gets ``../``.

    >>> _deeper_output_dir('corpus = None\\noutput_dir = "../outputs"  # figures go here')
    'corpus = None\\noutput_dir = "../../outputs"  # figures go here'
    """
    return re.sub(r"""^(output_dir\s*=\s*)(["'])(?![/~]|[A-Za-z]:)""", r"\1\2../", source, flags=re.M)


def student_version(nb: nbformat.NotebookNode, *, name: str = "the full notebook", keep_outputs: bool = True,
                    report: bool = False) -> nbformat.NotebookNode:
    """Copy of ``nb`` with every solution cell replaced by its numbered prompt (no outputs) and tagged
    ``exercise`` instead of ``solution``; other cells keep their outputs unless ``keep_outputs=False``.
    ``report=True``: the prompt points to the exercise notebook (:data:`REPORT_PROMPT`), not to the full one."""
    out = copy.deepcopy(nb)
    prompts = _prompt_cells(out, name, REPORT_PROMPT if report else PROMPT)
    for i, cell in enumerate(out.cells):
        if cell.cell_type != "code":
            continue
        if not keep_outputs:
            cell.outputs, cell.execution_count = [], None
        if i in prompts:
            cell.source = prompts[i]
            cell.outputs, cell.execution_count = [], None
            cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != "solution"] + ["exercise"]
    return out


#: The label put before each solution cell in the instructor key.
INSTRUCTOR_LABEL = "**Instructor key: worked solution to exercise {number}** ({prompt})"


def instructor_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy of ``nb`` with a Markdown label before every solution cell (:data:`INSTRUCTOR_LABEL`)."""
    out = copy.deepcopy(nb)
    prompts = exercise_prompts(out)
    numbers = dict(solution_numbers(out))
    cells = []
    for i, cell in enumerate(out.cells):
        if i in numbers:
            n = numbers[i]
            from nbformat.v4 import new_markdown_cell

            label = new_markdown_cell(INSTRUCTOR_LABEL.format(number=n, prompt=prompts.get(n, "")),
                                                  metadata={"tags": ["instructor-label"]})
            cells.append(label)
        cells.append(cell)
    out.cells = cells
    return out


def exercise_version(nb: nbformat.NotebookNode, *, name: str = "the full notebook") -> nbformat.NotebookNode:
    """The exercise notebook of ``nb``: solution cells replaced by numbered prompts, all outputs cleared, and a
    relative ``output_dir`` one folder deeper (:func:`_deeper_output_dir`)."""
    out = student_version(nb, name=name, keep_outputs=False)
    for cell in out.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            cell.source = _deeper_output_dir(cell.source)
    return out


def _render(nb: nbformat.NotebookNode) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


def expected_exercises(notebook_dir: Path = NOTEBOOK_DIR) -> dict[Path, str]:
    """Exercise file path -> the text it should have, for every notebook with solution cells."""
    import nbformat

    expected = {}
    for src in sorted(notebook_dir.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(src, as_version=4)
        if any(_is_solution(c) for c in nb.cells):
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
    import nbformat

    problems = {src.name: check_exercise_numbers(nbformat.read(src, as_version=4))
                for src in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))}
    for name, found in problems.items():
        for problem in found:
            print(f"warning: {name}: {problem}")
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
