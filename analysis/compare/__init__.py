"""Stage 4: outlet comparisons with intervals, and the synthesis of every measure into claims.

>>> from analysis.compare import bootstrap_ci
>>> callable(bootstrap_ci)
True
"""
from analysis.compare.stats import bootstrap_ci, IntervalPolicy, interval_policy, CannotEstimateWarning, cannot_estimate
from analysis.compare.synthesis import Synthesis, synthesize, article_values, claims_html, limits_table
from analysis.compare.synthesis import CLAIMS_PAGE_CSP, claims_page
from analysis.compare.prevalence import TopicPrevalence, prevalence_from_models, topic_prevalence

__all__ = [
    'IntervalPolicy', 'Synthesis', 'article_values', 'bootstrap_ci', 'claims_html', 'interval_policy',
    'limits_table', 'synthesize',
    'CLAIMS_PAGE_CSP', 'claims_page',
    'limits_table', 'synthesize', 'CannotEstimateWarning', 'cannot_estimate',
    'TopicPrevalence', 'prevalence_from_models', 'topic_prevalence',
]
