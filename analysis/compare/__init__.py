"""Stage 4: outlet comparisons with intervals, and the synthesis of every measure into claims.

>>> from analysis.compare import bootstrap_ci
>>> callable(bootstrap_ci)
True
"""
from analysis.compare.stats import (bootstrap_ci, IntervalPolicy, interval_policy, SMALL_N)
from analysis.compare.synthesis import (
    Synthesis, synthesize, article_values, plot_side_by_side, claims_html, limits_table,
)

__all__ = [
    'IntervalPolicy', 'SMALL_N', 'Synthesis', 'article_values', 'bootstrap_ci', 'claims_html', 'interval_policy',
    'limits_table', 'plot_side_by_side', 'synthesize',
]
