"""Codebook loader and sentence-level frame indicators on hand-written sentences."""
from __future__ import annotations

import pandas as pd
import pytest

from pathlib import Path

from analysis.measures.frames import (CodebookError, code_sentences, document_frames, learn_presence_rule,
                                      load_codebook, outlet_frame_profile, presence_block, top_evidence,
                                      write_presence_block)
from analysis.story import SEEDS_STORY, load_story, story_from_dict

STORY_ACTORS = load_story(SEEDS_STORY).actors  # the codebook examples are written for the seeds story


def _table(*texts, doc_ids=None, outlet="X"):
    doc_ids = doc_ids or [f"d{i}" for i in range(len(texts))]
    return pd.DataFrame({"doc_id": doc_ids, "sent_id": [f"{d}:s{i}" for i, d in enumerate(doc_ids)],
                         "outlet": outlet, "text": list(texts)})


@pytest.fixture(scope="module")
def sv():
    return load_codebook("semetko_valkenburg")


def _fired(text, cb):
    c = code_sentences(_table(text), cb, actor_table=STORY_ACTORS)
    return set(zip(c.frame, c.question))


def test_shipped_codebooks_load():
    sv = load_codebook("semetko_valkenburg")
    assert list(sv.frames) == ["responsibility", "human_interest", "conflict", "morality", "economic"]
    assert sv.questions_table().shape[0] == 20            # Semetko & Valkenburg's 20 items
    d = sv.to_dict()
    assert d["frames"]["conflict"]["questions"][0]["id"] == "C1"
    assert d["frames"]["human_interest"]["questions"][-1]["codable"] is False
    pf = load_codebook("policy_frames")
    assert len(pf.frames) == 15 and "security_and_defense" in pf.frames


@pytest.mark.parametrize("text, expected", [
    ("Huawei has adamantly denied all of the US' accusations against it.", ("conflict", "C1")),
    ("The Chinese government accused Huawei's critics of lying.", ("conflict", "C2")),
    ("Huawei lost three contracts to Nokia.", ("conflict", "C4")),
    ("The company has experienced massive drops in its bottom line.", ("economic", "E1")),
    ("The deal is worth $4 billion.", ("economic", "E2")),
    ("The United States banned Huawei from its networks.", ("responsibility", "R2")),
    ("The British government must weigh its decision on Huawei.", ("responsibility", "R1")),
    ("Embattled Huawei was pushed out unceremoniously.", ("human_interest", "H2")),
    ("Operators should treat every vendor with the same fair rules.", ("morality", "M1")),
])
def test_indicator_fires(sv, text, expected):
    assert expected in _fired(text, sv)


@pytest.mark.parametrize("text, absent", [
    ("Huawei did not lose any contracts.", ("conflict", "C4")),            # negated win/lose
    ("There were no losses for the company.", ("economic", "E1")),          # "no" negator
    ("Critics banned the word from the dictionary.", ("responsibility", "R2")),  # no government actor
    ("The company released new phones in May.", ("conflict", "C1")),
])
def test_indicator_does_not_fire(sv, text, absent):
    assert absent not in _fired(text, sv)


def test_passive_reproach_dependency_pattern(sv):
    c = code_sentences(_table("Huawei was condemned by the White House."), sv, actor_table=STORY_ACTORS)
    row = c[(c.frame == "conflict") & (c.question == "C2")]
    assert row.indicator.tolist() == ["reproach_verb_with_object"]


def test_evidence_columns_and_sentence_text(sv):
    t = _table("Huawei lost contracts.", "The weather was fine.")
    c = code_sentences(t, sv, actor_table=STORY_ACTORS)
    assert list(c.columns) == ["doc_id", "outlet", "sent_id", "frame", "question", "indicator", "trigger", "text"]
    assert set(c.sent_id) == {"d0:s0"} and c.text.iloc[0] == "Huawei lost contracts."
    assert not c.duplicated(["sent_id", "frame", "question"]).any()


def test_document_frames_presence_rule(sv):
    t = _table("Huawei lost 12 contracts.", "It signed a deal worth $4 billion.", "The sky is blue.",
               doc_ids=["a", "a", "a"])
    t["sent_id"] = ["a:0", "a:1", "a:2"]
    d = document_frames(t, sv, min_sentences=2, min_share=0.0, min_questions=1).set_index("frame")
    assert d.loc["economic", "n_sentences_fired"] == 2
    assert d.loc["economic", "share"] == pytest.approx(2 / 3)
    assert bool(d.loc["economic", "present"]) and not bool(d.loc["morality", "present"])
    strict = document_frames(t, sv, min_sentences=3).set_index("frame")
    assert not bool(strict.loc["economic", "present"])
    by_share = document_frames(t, sv, min_sentences=2, min_share=0.7).set_index("frame")    # 2/3 < 0.7
    assert not bool(by_share.loc["economic", "present"])
    assert bool(document_frames(t, sv, min_sentences=2, min_share=0.6).set_index("frame").loc["economic", "present"])
    assert len(d) == 5


def test_outlet_profile_and_top_evidence(sv):
    t = pd.concat([_table("Huawei lost contracts.", "The sky is blue.", doc_ids=["a", "a"], outlet="A"),
                   _table("The sky is blue.", "Rain fell.", doc_ids=["b", "b"], outlet="B")], ignore_index=True)
    t["sent_id"] = ["a:0", "a:1", "b:0", "b:1"]
    prof = outlet_frame_profile(t, sv, n_boot=50).set_index(["outlet", "frame"])
    assert prof.loc[("A", "economic"), "estimate"] == pytest.approx(0.5)
    assert prof.loc[("B", "economic"), "estimate"] == 0
    assert prof.loc[("A", "economic"), "n_evidence"] == 1
    ev = top_evidence(code_sentences(t, sv, actor_table=STORY_ACTORS), frame="economic", outlet="A")
    assert ev.text.tolist() == ["Huawei lost contracts."]


def test_new_codebook_needs_no_code(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("name: mine\nframes:\n  tech:\n    label: Technology\n    questions:\n"
                 "      - id: T1\n        text: Is 5G mentioned?\n        indicators:\n"
                 "          - id: five_g\n            phrases: [base stations]\n")
    c = code_sentences(_table("Huawei shipped 40,000 base stations."), load_codebook(p))
    assert c[["frame", "question", "trigger"]].values.tolist() == [["tech", "T1", "base stations"]]


HEAD = "name: bad\nframes:\n  conflict:\n    questions:\n"


@pytest.mark.parametrize("body, needle", [
    ("name: bad\n", "top-level 'frames:'"),
    (HEAD + "      - id: C1\n        indicators: [{id: x, lemmas: [war]}]\n", "frame 'conflict' question 'C1': 'text'"),
    (HEAD + "      - id: C1\n        text: Q?\n", "question 'C1': 'indicators'"),
    (HEAD + "      - id: C1\n        text: Q?\n        indicators: [{id: x}]\n", "indicator 'x': needs exactly one trigger"),
    (HEAD + "      - id: C1\n        text: Q?\n        indicators: [{id: x, lemmas: [war], phrases: [a b]}]\n",
     "indicator 'x': needs exactly one trigger"),
    (HEAD + "      - id: C1\n        text: Q?\n        indicators: [{id: bad_pat, patterns: [[{LEMA: war}]]}]\n",
     "indicator 'bad_pat': invalid spaCy patterns"),
    (HEAD + "      - id: C1\n        text: Q?\n        indicators: [{id: x, lemmas: [war], negation: maybe}]\n",
     "'negation' must be"),
    (HEAD + "      - id: C1\n        text: Q?\n        indicators: [{id: x, lemma: [war]}]\n", "unknown field(s) ['lemma']"),
])
def test_malformed_codebook_rejected_naming_entry(tmp_path, body, needle):
    p = tmp_path / "bad.yaml"
    p.write_text(body)
    with pytest.raises(CodebookError) as exc:
        load_codebook(p)
    assert needle in str(exc.value)


def test_unknown_codebook_name():
    with pytest.raises(FileNotFoundError, match="semetko_valkenburg"):
        load_codebook("no_such_codebook")


def test_real_corpus_evidence_is_corpus_sentences(sv):
    import analysis

    try:
        corpus = analysis.build_corpus()
    except Exception as exc:  # model or seeds unavailable on this machine
        pytest.skip(f"corpus not available: {exc}")
    coded = code_sentences(corpus, sv, actor_table=STORY_ACTORS)
    sents = corpus.sentences.set_index("sent_id")
    assert set(coded.sent_id) <= set(sents.index)
    assert (coded.text.values == sents.loc[coded.sent_id, "text"].values).all()
    assert (coded.outlet.values == sents.loc[coded.sent_id, "outlet"].values).all()
    docs = document_frames(corpus, sv, coded=coded)
    assert len(docs) == len(corpus.documents) * 5
    assert ((docs.share >= 0) & (docs.share <= 1)).all()


def _indicator_cases():
    from analysis.measures.frames import CODEBOOK_DIR

    for path in sorted(CODEBOOK_DIR.glob("*.yaml")):
        cb = load_codebook(path)
        for f in cb.frames.values():
            for q in f.questions:
                for ind in q.indicators:
                    yield pytest.param(cb, f.key, q.id, ind, id=f"{cb.name}:{q.id}:{ind.id}")


@pytest.mark.parametrize("cb, frame, question, ind", list(_indicator_cases()))
def test_every_shipped_indicator_fires_on_its_examples(cb, frame, question, ind):
    assert ind.examples, f"indicator {ind.id} has no hand-written example sentence"
    coded = code_sentences(_table(*ind.examples), cb, actor_table=STORY_ACTORS)
    for i, text in enumerate(ind.examples):
        hit = coded[(coded.sent_id == f"d{i}:s{i}") & (coded.frame == frame) & (coded.question == question)]
        assert ind.id in "; ".join(hit.indicator), f"{ind.id} did not fire on: {text}"
    if ind.counter_examples:
        coded = code_sentences(_table(*ind.counter_examples), cb, actor_table=STORY_ACTORS)
        fired = coded[(coded.frame == frame) & (coded.question == question)].indicator.str.cat(sep="; ")
        assert ind.id not in fired.split("; ")


CB_A = """
frames:
  f:
    label: F
    questions:
      - id: Q1
        text: Is a lease named?
        indicators:
          - {id: lease_word, lemmas: [lease]}
"""


def test_an_edited_codebook_is_read_again_and_recompiled(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(CB_A)
    s = _table("The port lease was signed.", "The port sale was signed.")
    assert code_sentences(s, p).trigger.tolist() == ["lease"]
    p.write_text(CB_A.replace("lemmas: [lease]", "lemmas: [lease, sale]"))
    assert code_sentences(s, p).trigger.tolist() == ["lease", "sale"]


def test_codebooks_alternated_in_a_loop_each_get_their_own_matchers(tmp_path):
    """The old cache keyed compiled codebooks on id(codebook): a freed codebook's id could come back."""
    s = _table("The port lease was signed.", "The port sale was signed.")
    for i in range(20):
        word = ["lease", "sale"][i % 2]
        p = tmp_path / f"cb{i}.yaml"
        p.write_text(CB_A.replace("lemmas: [lease]", f"lemmas: [{word}]"))
        assert code_sentences(s, load_codebook(p)).trigger.tolist() == [word]


def test_triggers_are_listed_in_text_order(sv):
    c = code_sentences(_table("Huawei has won $4 billion worth of contracts."), sv)
    row = c[c.question == "E2"].iloc[0]
    triggers = row.trigger.split("; ")
    text = row.text
    assert len(triggers) == 2 and triggers == sorted(triggers, key=lambda t: text.find(t.split()[0]))


# -------------------------------------------------- dependency patterns: every matched token is checked for negation
INVENTED = story_from_dict({"name": "acme", "title": "Acme and the ministry", "actors": [
    {"actor": "Ministry", "group": "ministry", "role": "government", "aliases": ["The ministry", "the ministry"]},
    {"actor": "Acme", "group": "acme", "role": "company", "aliases": ["Acme"]}]}).actors


def _fired_with(text, cb, actors):
    c = code_sentences(_table(text), cb, actor_table=actors)
    return set(zip(c.frame, c.question, c.indicator))


@pytest.mark.parametrize("text, hit, actors", [
    ("The ministry banned Acme.", ("responsibility", "R2", "government_measure_as_agent"), "invented"),
    ("Acme was condemned by the ministry.", ("conflict", "C2", "reproach_verb_with_object"), "invented"),
    ("Washington banned Huawei.", ("responsibility", "R2", "government_measure_as_agent"), "seeds"),
    ("Huawei was accused by the United States.", ("conflict", "C2", "reproach_verb_with_object"), "seeds"),
])
def test_dependency_pattern_fires_when_not_negated(sv, text, hit, actors):
    assert hit in _fired_with(text, sv, INVENTED if actors == "invented" else STORY_ACTORS)


@pytest.mark.parametrize("text, hit, actors", [
    # the negator hangs on the verb, not on the subject (the left-most matched token)
    ("The ministry did not ban Acme.", ("responsibility", "R2", "government_measure_as_agent"), "invented"),
    ("Acme was never condemned by the ministry.", ("conflict", "C2", "reproach_verb_with_object"), "invented"),
    ("Washington did not ban Huawei.", ("responsibility", "R2", "government_measure_as_agent"), "seeds"),
    ("Huawei was never accused by the United States.", ("conflict", "C2", "reproach_verb_with_object"), "seeds"),
])
def test_negated_dependency_pattern_does_not_fire(sv, text, hit, actors):
    assert hit not in _fired_with(text, sv, INVENTED if actors == "invented" else STORY_ACTORS)


def test_dependency_trigger_lists_every_matched_token_in_text_order(sv):
    c = code_sentences(_table("The ministry banned Acme."), sv, actor_table=INVENTED)
    row = c[c.question == "R2"]
    assert row.trigger.tolist() == ["ministry banned"]


# -------------------------------------------------- the article-level presence rule stored in the codebook
def test_document_frames_uses_the_codebook_rule_per_frame(sv, tmp_path):
    t = _table("Acme signed a contract worth $4 billion.", "The market for its exports grew.", "The sky is blue.",
               "Rain fell.", doc_ids=["a"] * 4)
    t["sent_id"] = ["a:0", "a:1", "a:2", "a:3"]
    text = Path(sv.path).read_text(encoding="utf-8")
    head = text[:text.index("presence:")] if "\npresence:" in text else text
    p = tmp_path / "sv.yaml"
    p.write_text(head + "presence:\n  frames:\n    economic: {min_sentences: 2, min_share: 0.6, min_questions: 1}\n")
    strict = document_frames(t, load_codebook(p)).set_index("frame")
    assert strict.loc["economic", "n_sentences_fired"] == 2 and not bool(strict.loc["economic", "present"])
    p.write_text(head + "presence:\n  frames:\n    economic: {min_sentences: 2, min_share: 0.5, min_questions: 1}\n")
    assert bool(document_frames(t, load_codebook(p)).set_index("frame").loc["economic", "present"])
    # an explicit option overrides the stored rule for every frame
    assert not bool(document_frames(t, load_codebook(p), min_sentences=3).set_index("frame").loc["economic", "present"])


@pytest.mark.parametrize("block, needle", [
    ("presence:\n  frames:\n    nosuch: {min_sentences: 2}\n", "not a frame"),
    ("presence:\n  frames:\n    economic: {min_sentences: 0}\n", "min_sentences"),
    ("presence:\n  frames:\n    economic: {min_share: 1.5}\n", "min_share"),
    ("presence: [1, 2]\n", "presence"),
])
def test_malformed_presence_block_is_rejected(sv, tmp_path, block, needle):
    text = Path(sv.path).read_text(encoding="utf-8")
    head = text[:text.index("presence:")] if "\npresence:" in text else text
    p = tmp_path / "bad.yaml"
    p.write_text(head + block)
    with pytest.raises(CodebookError, match=needle):
        load_codebook(p)


def test_learned_rule_is_chosen_inside_training_folds_only():
    import numpy as np

    rng = np.random.default_rng(0)
    n = 80
    y = rng.random(n) < 0.4
    fired = np.where(y, rng.integers(3, 8, n), rng.integers(0, 4, n))
    d = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "frame": "f", "n_sentences_fired": fired,
                      "share": fired / 20, "n_questions_fired": np.minimum(fired, 2)})
    g = pd.DataFrame({"doc_id": d.doc_id, "frame": "f", "present": y})
    r = learn_presence_rule(d, g, n_splits=5, repeats=3, seed=1)
    assert len(r.folds) == 15 and set(r.folds.repeat) == {0, 1, 2}
    # out-of-fold F1 is recomputed from the per-fold rules: re-apply fold 0's rule by hand
    from sklearn.model_selection import KFold
    tr, te = next(iter(KFold(5, shuffle=True, random_state=1).split(y)))
    f0 = r.folds.query("repeat == 0 and fold == 0").iloc[0]
    dd = d.sort_values("doc_id").reset_index(drop=True)
    yy = g.set_index("doc_id").loc[dd.doc_id, "present"].to_numpy()
    pred = (dd.n_sentences_fired.to_numpy()[te] >= f0.min_sentences) & (dd.share.to_numpy()[te] >= f0.min_share - 1e-12) \
        & (dd.n_questions_fired.to_numpy()[te] >= f0.min_questions)
    tp = (pred & yy[te]).sum()
    assert f0.f1_test == pytest.approx(2 * tp / (pred.sum() + yy[te].sum()))
    assert r.scores.f1.iloc[0] > r.scores.always_yes_f1.iloc[0]
    assert r.scores.f1.iloc[0] <= r.rules.train_f1.iloc[0] + 0.05
    block = presence_block(r, data="toy", labels="toy", command="pytest", date="2026-01-01")
    assert block["frames"]["f"]["cv_f1"] == pytest.approx(r.scores.f1.iloc[0], abs=1e-4)


def test_write_presence_block_keeps_the_file_above_it(sv, tmp_path):
    p = tmp_path / "sv.yaml"
    text = Path(sv.path).read_text(encoding="utf-8")
    head = text[:text.index("# ---- presence rule")] if "# ---- presence rule" in text else text
    p.write_text(head)
    block = {"rule": "x", "learned": {"date": "2026-01-01"},
             "frames": {"economic": {"min_sentences": 4, "min_share": 0.1, "min_questions": 1}}}
    write_presence_block(p, block)
    write_presence_block(p, block)  # idempotent: the block is replaced, not appended twice
    new = p.read_text(encoding="utf-8")
    assert new.startswith(head.rstrip("\n")) and new.count("presence:") == 1
    assert load_codebook(p).presence_rule("economic") == {"min_sentences": 4, "min_share": 0.1, "min_questions": 1}
    assert load_codebook(p).presence_rule("conflict") == {"min_sentences": 2, "min_share": 0.0, "min_questions": 1}


def test_shipped_generic_codebook_stores_a_cross_validated_rule(sv):
    pres = sv.presence
    learned = pres["learned"]
    assert {"date", "data", "labels", "command", "macro_f1", "n_splits", "seed"} <= set(learned)
    assert set(pres["frames"]) == set(sv.frames)
    for f, rule in pres["frames"].items():
        assert sv.presence_rule(f) == {k: rule[k] for k in ("min_sentences", "min_share", "min_questions")}
        assert 0 <= rule["cv_f1"] <= 1 and 0 <= rule["always_yes_f1"] <= 1
