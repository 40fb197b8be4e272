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
from analysis.compare.events import (
    attach_events, describe_events, event_coverage, event_differences, has_events, sign_flip_p, within_event_table,
)

__all__ += ['attach_events', 'describe_events', 'event_coverage', 'event_differences', 'has_events', 'sign_flip_p',
            'within_event_table']
from analysis.compare.trends import (
    TimeBins, Trends, choose_time_unit, date_status, time_bins, time_means, time_trends, volume_over_time,
)

__all__ += ['TimeBins', 'Trends', 'choose_time_unit', 'date_status', 'time_bins', 'time_means', 'time_trends',
            'volume_over_time']
