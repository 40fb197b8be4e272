"""Stage 6: the notebook runner, the HTML report and the exercise notebooks.

>>> from analysis.run import list_notebooks
>>> len(list_notebooks()) >= 6
True
"""
from analysis.run.exercises import (exercise_version, expected_exercises, stale_exercises, write_exercises)
from analysis.run.notebooks import (
    list_notebooks, declared_parameters, default_output_dir, check_output_dir, write_corpus_report,
    format_corpus_report, run_notebook, run_all, parse_columns,
)
from analysis.run.report import (PageInfo, strip_external_resources, build_report)

__all__ = [
    'PageInfo', 'build_report', 'check_output_dir', 'declared_parameters', 'default_output_dir',
    'exercise_version', 'expected_exercises', 'format_corpus_report', 'list_notebooks', 'run_all',
    'run_notebook', 'stale_exercises', 'strip_external_resources', 'write_corpus_report',
    'write_exercises', 'parse_columns',
]
from analysis.run.exports import (export_tables, data_dictionary, guard_formulas, unguard_formulas)
__all__ += ['data_dictionary', 'export_tables', 'guard_formulas', 'unguard_formulas']
