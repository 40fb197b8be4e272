"""Module boundaries: no module of the corpus and run stages imports another module's private names."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analysis"
CHECKED = sorted([*(PACKAGE / "corpus").glob("*.py"), *(PACKAGE / "run").glob("*.py"), PACKAGE / "config.py"])


def private_imports(path: Path) -> list[str]:
    """``module._name`` imported (``from module import _name``) or used (``module._name``) in ``path``."""
    tree = ast.parse(path.read_text())
    found = [f"{node.module}.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and (node.module or "").startswith("analysis") for a in node.names if a.name.startswith("_")
             and not a.name.startswith("__")]
    modules = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
               for a in node.names if (getattr(node, "module", None) or a.name).startswith("analysis")}
    found += [f"{node.value.id}.{node.attr}" for node in ast.walk(tree) if isinstance(node, ast.Attribute)
              and isinstance(node.value, ast.Name) and node.value.id in modules
              and node.attr.startswith("_") and not node.attr.startswith("__")]
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_names_across_modules(path):
    assert private_imports(path) == []


def test_the_check_finds_a_private_import(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("from analysis.corpus.parse import _x, y\nimport analysis.corpus.parse as p\np._z()\n")
    assert private_imports(f) == ["analysis.corpus.parse._x", "p._z"]
