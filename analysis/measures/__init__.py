"""Stage 3: the measures (tone, topics, distinctive words, key terms, frames, actors, agency, quotes,
attribution) and the one registry that computes and caches them.

>>> from analysis.measures import MEASURES
>>> 'frame_codes' in MEASURES
True
"""
from analysis.measures.registry import (
    MEASURES, Measure, MeasureStore, clear_measures_cache, compute_measures, measure_names, topic_model_from_table,
    topic_plan, write_measures, TOPIC_MODEL_COLUMNS, topic_model_limits,
)
from analysis.measures.cache import (
    MEASURES_CACHE_FORMAT, cache_root, corpus_fingerprint, document_keys, files_digest, in_corpus_order,
    params_digest, parser_id, per_document, per_document_root,
)
from analysis.measures.resources import markers_for, has_markers
from analysis.measures.match import (
    Match, Lexicon, term_lexicon, alias_lexicon, marker_lexicon, lexicon_rule, CompiledLexicon,
    compile_lexicon, matcher_cache_info, clear_matcher_cache, longest_first, match_doc, match_texts,
    match_tokens,
)
from analysis.measures.actors import (
    actor_aliases, empty_actor_table, load_actor_table, match_aliases, resolve_actor, actor_group, find_actor_mentions,
)
from analysis.measures.agency import resolve_token, extract_svo, actor_roles
from analysis.measures.agency import noun_phrase
from analysis.measures.attribution import (
    load_markers, attribution_markers, context_sentences, marker_profile, measure_terms, measure_profile,
)
from analysis.measures.distinctive import (
    term_counts, log_odds_dirichlet, exclusive_word_evidence, top_distinctive, distinctive_contexts,
    HOUSE_STYLE_FILE, house_style_terms, house_style_category,
)
from analysis.measures.frames import (
    CodebookError, Indicator, Question, Frame, Codebook, load_codebook, SentenceUnit, iter_sentence_units,
    sentence_table, is_negated, code_sentences, sentence_frame_matrix, document_frames, outlet_frame_profile,
    top_evidence, DEFAULT_PRESENCE, PRESENCE_GRID, PresenceCV, learn_presence_rule, presence_block,
    write_presence_block,
)
from analysis.measures.kwic import (
    TermListError, load_term_list, load_kwic_views, format_kwic_views, find_terms, term_rates,
    keyword_in_context, format_kwic,
)
from analysis.measures.quotes import find_quote_spans, extract_quotes, voices
from analysis.measures.embeddings import (
    EmbeddingStore, embedding_store, embedding_dimension, model_identity, text_key,
)
from analysis.measures.tone import (
    vader_scores, embedding_model_path, load_embedding_model, embeddings_available, embed_texts, ToneModel,
    tone_features, fit_tone_model, save_tone_model, load_tone_model, available_methods, score_texts,
    sentence_tone, document_tone, outlet_tone, actor_tone, actor_outlet_tone, method_agreement,
    extreme_sentences, tone_model_validation, embedding_cache_file, method_disagreements, tone_model_calibration,
)
from analysis.measures.target_tone import (
    TargetToneModel, embed_spans, embed_sentences, parse_texts, syntax_feature_names, syntax_features, target_features,
    fit_target_model, save_target_model, load_target_model, target_model_validation, score_targets, score_mentions,
)
from analysis.measures.topics import (
    DocTermMatrix, document_term_matrix, TooFewUnitsError, TopicModel, fit_topics, top_terms, npmi_coherence,
    matched_jaccard, topic_stability, model_selection, choose_k, topic_shares, outlet_topic_shares,
    representative_units, compare_models, dominant_topic_agreement, topic_model_problem, coherence_problem,
)
from analysis.measures.vocab import NEWS_STOPWORDS_FILE, VocabOptions, content_terms, load_stopwords, ngrams

__all__ = [
    'Codebook', 'CodebookError', 'CompiledLexicon', 'DocTermMatrix', 'Frame', 'Indicator', 'Lexicon',
    'MEASURES', 'MEASURES_CACHE_FORMAT', 'Match', 'Measure', 'MeasureStore', 'NEWS_STOPWORDS_FILE',
    'Question', 'SentenceUnit', 'TermListError', 'ToneModel', 'TooFewUnitsError', 'TopicModel',
    'VocabOptions', 'actor_group', 'actor_outlet_tone', 'actor_roles', 'actor_tone', 'alias_lexicon',
    'attribution_markers', 'available_methods', 'cache_root', 'choose_k', 'clear_matcher_cache',
    'clear_measures_cache', 'code_sentences', 'compare_models', 'compile_lexicon', 'compute_measures', 'measure_names',
    'content_terms', 'context_sentences', 'corpus_fingerprint', 'distinctive_contexts', 'document_frames',
    'document_keys', 'document_term_matrix', 'document_tone', 'dominant_topic_agreement', 'embed_texts',
    'embedding_model_path', 'embeddings_available', 'empty_actor_table', 'exclusive_word_evidence',
    'extract_quotes', 'extract_svo', 'extreme_sentences', 'files_digest', 'find_actor_mentions',
    'find_quote_spans', 'find_terms', 'fit_tone_model', 'fit_topics', 'format_kwic', 'format_kwic_views',
    'has_markers', 'in_corpus_order', 'is_negated', 'iter_sentence_units', 'keyword_in_context',
    'lexicon_rule', 'load_actor_table', 'load_codebook', 'load_embedding_model', 'load_kwic_views',
    'load_markers', 'load_stopwords', 'load_term_list', 'load_tone_model', 'log_odds_dirichlet',
    'actor_aliases', 'longest_first', 'marker_lexicon', 'marker_profile', 'markers_for', 'match_aliases', 'match_doc',
    'match_texts', 'match_tokens', 'matched_jaccard', 'matcher_cache_info', 'measure_profile',
    'measure_terms', 'method_agreement', 'model_selection', 'ngrams', 'npmi_coherence',
    'outlet_frame_profile', 'outlet_tone', 'outlet_topic_shares', 'params_digest', 'parser_id',
    'per_document', 'per_document_root', 'representative_units', 'resolve_actor', 'resolve_token',
    'save_tone_model', 'score_texts', 'sentence_frame_matrix', 'sentence_table', 'sentence_tone',
    'term_counts', 'term_lexicon', 'term_rates', 'tone_features', 'tone_model_validation', 'top_distinctive',
    'top_evidence', 'top_terms', 'topic_model_from_table', 'topic_plan', 'topic_shares', 'topic_stability',
    'vader_scores', 'voices', 'write_measures',
    'noun_phrase',
    'DEFAULT_PRESENCE', 'PRESENCE_GRID', 'PresenceCV', 'learn_presence_rule', 'presence_block',
    'write_presence_block',
    'TOPIC_MODEL_COLUMNS', 'topic_model_limits', 'topic_model_problem',
    'TargetToneModel', 'embed_spans', 'embedding_cache_file', 'fit_target_model', 'load_target_model',
    'method_disagreements', 'parse_texts', 'save_target_model', 'score_targets', 'syntax_feature_names',
    'score_mentions', 'embed_sentences', 'syntax_features', 'target_features', 'target_model_validation', 'tone_model_calibration',
    'HOUSE_STYLE_FILE', 'house_style_terms', 'house_style_category', 'coherence_problem',
    'EmbeddingStore', 'embedding_store', 'embedding_dimension', 'model_identity', 'text_key',
]
