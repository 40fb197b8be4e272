"""Stage 6: the notebook runner, the HTML report and the exercise notebooks.

The names below are imported from their modules when first used, so that ``python -m analysis.run.report``
(or ``.exercises``, ``.exports``) runs its module once, without Python's warning that the module was already
imported by the package.

>>> from analysis.run import list_notebooks
>>> len(list_notebooks()) >= 6
True
"""
from importlib import import_module

_EXPORTS = {
    "analysis.run.exercises": ["exercise_version", "expected_exercises", "stale_exercises", "write_exercises",
                               "student_version", "instructor_version", "exercise_prompts", "check_exercise_numbers"],
    "analysis.run.notebooks": ["list_notebooks", "declared_parameters", "default_output_dir", "check_output_dir",
                               "write_corpus_report", "format_corpus_report", "run_notebook", "run_all",
                               "parse_columns", "execution_fingerprint", "carry_text", "notebook_times"],
    "analysis.run.report": ["PageInfo", "strip_external_resources", "build_report"],
    "analysis.run.exports": ["export_tables", "data_dictionary", "guard_formulas", "unguard_formulas"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis.run' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
