"""Stage 3: the measures (tone, topics, distinctive words, key terms, frames, actors, agency, quotes,
attribution) and the one registry that computes and caches them.

>>> from analysis.measures import MEASURES
>>> 'frame_codes' in MEASURES
True
"""
from analysis.measures.actors import (
    ActorTableError, load_actor_table, match_aliases, resolve_actor, actor_group, find_actor_mentions,
)
from analysis.measures.agency import (resolve_token, extract_svo, actor_roles)
from analysis.measures.attribution import (
    load_markers, attribution_markers, context_sentences, marker_profile, measure_terms, measure_profile,
)
from analysis.measures.distinctive import (
    term_counts, log_odds_dirichlet, exclusive_word_evidence, top_distinctive, plot_fightin_words,
    distinctive_contexts, explorer_iframe, term_explorer_html,
)
from analysis.measures.frames import (
    CodebookError, Indicator, Question, Frame, Codebook, load_codebook, SentenceUnit, iter_sentence_units,
    sentence_table, is_negated, code_sentences, sentence_frame_matrix, document_frames,
    outlet_frame_profile, top_evidence,
)
from analysis.measures.kwic import (
    load_term_list, load_kwic_views, format_kwic_views, find_terms, term_rates, keyword_in_context, format_kwic,
    plot_term_rates,
)
from analysis.measures.quotes import (find_quote_spans, extract_quotes, voices)
from analysis.measures.registry import (
    MEASURES, Measure, corpus_fingerprint, measure_cache_path, clear_measures_cache, compute_measures,
    document_keys, per_document_cache_root, write_measures,
)
from analysis.measures.tone import (
    vader_scores, embedding_model_path, load_embedding_model, embeddings_available, embed_texts,
    ToneModel, tone_features, fit_tone_model, save_tone_model, load_tone_model, available_methods,
    score_texts, sentence_tone, document_tone, outlet_tone, actor_tone, actor_outlet_tone,
    method_agreement, extreme_sentences, tone_model_validation, plot_tone_distributions, plot_outlet_tone,
    plot_actor_heatmap, plot_method_agreement, plot_validation,
)
from analysis.measures.topics import (
    DocTermMatrix, document_term_matrix, TooFewUnitsError, TopicModel, fit_topics, top_terms, npmi_coherence, matched_jaccard, topic_stability, model_selection, choose_k,
    topic_shares, outlet_topic_shares, representative_units, compare_models, dominant_topic_agreement,
    plot_model_selection, plot_top_terms, plot_share_heatmap, plot_share_intervals,
)
from analysis.measures.vocab import (NEWS_STOPWORDS_FILE, VocabOptions, content_terms, load_stopwords, ngrams)

__all__ = [
    "MEASURES", 'NEWS_STOPWORDS_FILE', 'ActorTableError', 'Codebook', 'CodebookError', 'DocTermMatrix', 'Frame', 'Indicator',
    'Measure', 'Question', 'SentenceUnit', 'ToneModel', 'TooFewUnitsError', 'TopicModel', 'VocabOptions', 'actor_group',
    'actor_outlet_tone', 'actor_roles', 'actor_tone', 'attribution_markers', 'available_methods',
    'choose_k', 'clear_measures_cache', 'code_sentences', 'compare_models', 'compute_measures',
    'content_terms', 'context_sentences', 'corpus_fingerprint', 'distinctive_contexts', 'document_frames',
    'document_keys', 'document_term_matrix', 'document_tone', 'dominant_topic_agreement', 'embed_texts',
    'embedding_model_path', 'embeddings_available', 'exclusive_word_evidence', 'explorer_iframe',
    'extract_quotes', 'extract_svo', 'extreme_sentences', 'find_actor_mentions', 'find_quote_spans',
    'find_terms', 'fit_tone_model', 'fit_topics', 'format_kwic', 'format_kwic_views', 'is_negated',
    'iter_sentence_units', 'kwic', 'load_actor_table', 'load_codebook', 'load_embedding_model',
    'load_kwic_views', 'load_markers', 'load_stopwords', 'load_term_list', 'load_tone_model',
    'log_odds_dirichlet', 'marker_profile', 'match_aliases', 'matched_jaccard', 'measure_cache_path',
    'measure_profile', 'measure_terms', 'method_agreement', 'model_selection', 'ngrams', 'npmi_coherence',
    'outlet_frame_profile', 'outlet_tone', 'outlet_topic_shares', 'per_document_cache_root',
    'plot_actor_heatmap', 'plot_fightin_words', 'plot_method_agreement', 'plot_model_selection',
    'plot_outlet_tone', 'plot_share_heatmap', 'plot_share_intervals', 'plot_term_rates',
    'plot_tone_distributions', 'plot_top_terms', 'plot_validation', 'representative_units',
    'resolve_actor', 'resolve_token', 'save_tone_model', 'score_texts', 'sentence_frame_matrix',
    'sentence_table', 'sentence_tone', 'term_counts', 'term_explorer_html', 'term_rates', 'tone_features',
    'tone_model_validation', 'top_distinctive', 'top_evidence', 'top_terms', 'topic_shares',
    'topic_stability', 'vader_scores', 'voices', 'write_measures',
]
