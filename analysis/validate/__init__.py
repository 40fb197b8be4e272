"""Checking measures against people: coding sheets, inter-coder reliability, validation data sets and the
supervised frame classifier.

>>> from analysis.validate import krippendorff_alpha  # doctest: +SKIP
"""
from analysis.validate.coding import (
    CodingSheetError, CodedSheets, codebook_questions, sample_units, export_coding_sheet,
    read_coding_sheets, frame_codes, coding_reliability, human_labels, disagreements,
)
from analysis.validate.frame_classifier import (
    FrameClassifier, ClassifierOptions, CVResult, embed_documents, embed_sentence_means, train_frame_classifier,
    cross_validate_frames,
    calibration_table, EMBEDDING_MODEL, THRESHOLD_GRID, threshold_report, binary_f1,
)
from analysis.validate.narrative_frames import (
    CITATION, NarrativeFrames, Labels, frame_mapping, question_table, load_narrative_frames, read_labels,
    parse_bool, normalize_outlets, build_narrative_corpus, repair_bool, majority_labels, LabelWarning,
)
from analysis.validate.reliability import (
    ALPHA_RELIABLE, ALPHA_TENTATIVE, reliability_matrix, krippendorff_alpha, percent_agreement,
    reliability_table, binary_scores,
)
from analysis.validate.tone_validation import (
    read_vader_file, read_vader_rater_file, load_vader_ground_truth, load_rated_file, evaluate_scores,
    evaluate_method, rater_reliability, leave_one_domain_out, rating_matrix,
    load_newsmtsc_targets, newsmtsc_sentence_ratings, class_shares, in_domain_cv, cluster_bootstrap_f1,
    threshold_classes, tune_thresholds, proxy_cv, target_cv, bootstrap_pearson, seeded_chunks,
    newsmtsc_embeddings, rated_embeddings,
)

__all__ = [
    'ALPHA_RELIABLE', 'ALPHA_TENTATIVE', 'CITATION', 'CVResult', 'ClassifierOptions', 'CodedSheets',
    'CodingSheetError', 'EMBEDDING_MODEL', 'FrameClassifier', 'Labels', 'NarrativeFrames', 'THRESHOLD_GRID',
    'binary_scores', 'build_narrative_corpus', 'calibration_table', 'codebook_questions',
    'coding_reliability', 'cross_validate_frames', 'disagreements', 'embed_documents', 'embed_sentence_means',
    'evaluate_method',
    'evaluate_scores', 'export_coding_sheet', 'frame_codes', 'frame_mapping', 'human_labels',
    'krippendorff_alpha', 'leave_one_domain_out', 'load_narrative_frames', 'load_rated_file',
    'load_vader_ground_truth', 'normalize_outlets', 'parse_bool', 'percent_agreement', 'question_table',
    'rater_reliability', 'rating_matrix', 'read_coding_sheets', 'read_labels', 'read_vader_file',
    'read_vader_rater_file', 'reliability_matrix', 'reliability_table', 'sample_units',
    'train_frame_classifier',
    'repair_bool', 'majority_labels', 'LabelWarning', 'threshold_report', 'binary_f1',
    'bootstrap_pearson', 'class_shares', 'cluster_bootstrap_f1', 'in_domain_cv', 'load_newsmtsc_targets',
    'newsmtsc_embeddings', 'newsmtsc_sentence_ratings', 'proxy_cv', 'rated_embeddings', 'seeded_chunks',
    'target_cv', 'threshold_classes', 'tune_thresholds',
]
