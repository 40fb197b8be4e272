"""Stage 5: every figure (style, colours and saving in :mod:`analysis.viz.style`; one module per subject).

Each ``plot_*`` takes the tidy table a measure returns and returns the matplotlib Figure.

>>> from analysis.viz import save_figure, plot_outlet_tone
>>> callable(save_figure) and callable(plot_outlet_tone)
True
"""
from analysis.viz.style import (
    set_style, distinct_colors, outlet_colors, category_colors, row_height, label_with_n, words, save_figure, figure_text,
    escaped_style, placeholder_figure,
    PALETTE, UNNAMED_COLORS,
)
from analysis.viz.style import (
    figure_size, facet_grid, wrap_label, fit_text, shown_note, interval_levels, interval_caption, outlet_label,
    hatch_thin_cells, thin_point,
)
from analysis.viz.corpus import (plot_lines_by_rule, plot_kept_vs_removed, plot_text_per_outlet, plot_top_entities)
from analysis.viz.tone import (
    plot_tone_distributions, plot_outlet_tone, plot_actor_heatmap, plot_method_agreement, plot_validation,
)
from analysis.viz.topics import (plot_model_selection, plot_top_terms, plot_share_heatmap, plot_share_intervals)
from analysis.viz.terms import (plot_fightin_words, plot_term_rates, plot_term_heatmap)
from analysis.viz.explorer import (explorer_iframe, term_explorer_html)
from analysis.viz.explorer import EXPLORER_CSP, EXPLORER_SCRIPT_HASH, json_for_html, script_hash
from analysis.viz.frames import (plot_frame_profile, interval_note, plot_frame_intervals)
from analysis.viz.agency import (plot_agents_patients)
from analysis.viz.voices import (plot_voices, plot_attribution_markers)
from analysis.viz.voices import plot_attribution_scores
from analysis.viz.validation import (
    plot_sample_composition, plot_reliability, plot_f1_comparison, plot_calibration, plot_frame_probabilities,
)
from analysis.viz.synthesis import (plot_side_by_side, plot_article_spread)

__all__ = ['escaped_style', 'figure_text', 
    'PALETTE', 'UNNAMED_COLORS', 'category_colors', 'distinct_colors', 'explorer_iframe', 'interval_note',
    'label_with_n', 'outlet_colors', 'plot_actor_heatmap', 'plot_agents_patients', 'plot_article_spread',
    'plot_attribution_markers', 'plot_calibration', 'plot_f1_comparison', 'plot_fightin_words',
    'plot_frame_intervals', 'plot_frame_probabilities', 'plot_frame_profile', 'plot_kept_vs_removed',
    'plot_lines_by_rule', 'plot_method_agreement', 'plot_model_selection', 'plot_outlet_tone',
    'plot_reliability', 'plot_sample_composition', 'plot_share_heatmap', 'plot_share_intervals',
    'plot_side_by_side', 'plot_term_heatmap', 'plot_term_rates', 'plot_text_per_outlet',
    'plot_tone_distributions', 'plot_top_entities', 'plot_top_terms', 'plot_validation', 'plot_voices',
    'row_height', 'save_figure', 'set_style', 'term_explorer_html', 'words',
    'EXPLORER_CSP', 'EXPLORER_SCRIPT_HASH', 'json_for_html', 'script_hash',
    'plot_attribution_scores',
    'row_height', 'save_figure', 'set_style', 'term_explorer_html', 'words', 'placeholder_figure',
]
__all__ += ['facet_grid', 'figure_size', 'fit_text', 'hatch_thin_cells', 'interval_caption', 'interval_levels',
            'outlet_label', 'shown_note', 'thin_point', 'wrap_label']
from analysis.viz.evidence import (evidence_data, evidence_explorer_html, write_explorer_page)
__all__ += ['evidence_data', 'evidence_explorer_html', 'write_explorer_page']
from analysis.viz.prevalence import (plot_prevalence_effects, plot_prevalence_over_time)
__all__ += ['plot_prevalence_effects', 'plot_prevalence_over_time']
from analysis.viz.time import (plot_event_differences, plot_over_time, plot_volume, undated_note)
__all__ += ['plot_event_differences', 'plot_over_time', 'plot_volume', 'undated_note']
from analysis.viz.tables import (show_table, human_label, hide_input_warnings, show_input_warnings,
                                 input_warnings_table, kept_warnings)
__all__ += ['hide_input_warnings', 'human_label', 'input_warnings_table', 'kept_warnings', 'show_input_warnings',
            'show_table']
