"""Stage 1: load a corpus, clean it with a line audit, split it into units and parse it once (cached).

>>> from analysis.corpus import build_corpus
>>> build_corpus(progress=False).documents.shape[0]
5
"""
from analysis.corpus.build import (Corpus, clean_cache_root, cached_clean, uncleaned, build_corpus)
from analysis.corpus.clean import (
    RulesError, LineRule, Rules, load_rules, normalize_line, CleanDoc, clean_text, repeat_threshold,
    outlet_boilerplate, CleanCorpus, clean_corpus, finish_documents,
)
from analysis.corpus.describe import (
    audit_summary, kept_share, outlet_summary, sentence_lengths, top_entities, annotated_page,
    corpus_name, short_ids,
)
from analysis.corpus.distributed import (dask_client, model_loads, parse_distributed, map_units)
from analysis.corpus.load import (
    CorpusError, RawCorpus, decode_bytes, looks_like_html, html_to_text, validate_documents, load_corpus,
    spreadsheet_safe,
)
from analysis.corpus.parse import (
    ModelNotFoundError, load_model, models_loaded, attach_stray_punctuation, model_meta, text_key,
    ParsePlan, plan_parse, finish_parse, parse_documents, parse_chunk, clear_cache, exit_with_parent, process_alive,
    split_long_text,
)
from analysis.corpus.shards import (
    ParseStats, Parsed, write_shards, shard_index, release_free_memory, read_table, load_parsed_tables,
    read_tables, iter_docs, count_rows,
)
from analysis.corpus.shards import SHARD_FILES, drop_damaged_shards, verify_shard

from analysis.corpus.synthetic import (seed_sentences, synthetic_corpus, write_synthetic_corpus)
from analysis.corpus.units import (paragraphs_from_text)
from analysis.corpus.dedupe import (comparison_text, shingles, find_duplicates, lsh_bands)

__all__ = [
    'CleanCorpus', 'CleanDoc', 'Corpus', 'CorpusError', 'LineRule', 'ModelNotFoundError', 'ParsePlan',
    'ParseStats', 'Parsed', 'RawCorpus', 'Rules', 'RulesError', 'annotated_page',
    'attach_stray_punctuation', 'audit_summary', 'build_corpus', 'cached_clean', 'clean_cache_root',
    'clean_corpus', 'clean_text', 'clear_cache', 'corpus_name', 'count_rows', 'dask_client',
    'decode_bytes', 'finish_documents', 'finish_parse', 'html_to_text', 'iter_docs', 'kept_share',
    'load_corpus', 'load_model', 'load_parsed_tables', 'load_rules', 'looks_like_html', 'map_units',
    'model_loads', 'model_meta', 'models_loaded', 'normalize_line', 'outlet_boilerplate',
    'exit_with_parent', 'process_alive', 'SHARD_FILES', 'drop_damaged_shards', 'verify_shard',
    'outlet_summary', 'paragraphs_from_text', 'parse_chunk', 'parse_distributed', 'parse_documents',
    'plan_parse', 'read_table', 'read_tables', 'release_free_memory', 'repeat_threshold',
    'seed_sentences', 'sentence_lengths', 'shard_index', 'short_ids', 'synthetic_corpus', 'text_key',
    'top_entities', 'uncleaned', 'validate_documents', 'write_shards', 'write_synthetic_corpus',
    'comparison_text', 'shingles', 'find_duplicates', 'lsh_bands', 'split_long_text',
    'spreadsheet_safe',
]
