"""Stage 4: outlet comparisons with intervals, and the synthesis of every measure into claims.

>>> from analysis.compare import bootstrap_ci
>>> callable(bootstrap_ci)
True
"""
from analysis.compare.stats import bootstrap_ci
from analysis.compare.synthesis import Synthesis, synthesize, article_values, claims_html, limits_table

__all__ = [
    'Synthesis', 'article_values', 'bootstrap_ci', 'claims_html', 'limits_table', 'synthesize',
]
