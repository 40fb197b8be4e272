"""Agent-verb-patient extraction on hand-written sentences, including passives and conjunctions."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures.agency import actor_roles, extract_svo
from analysis.story import SEEDS_STORY, load_story

T = load_story(SEEDS_STORY).actors   # the seeds' story's actors, passed explicitly


def _svo(*texts, outlet="X"):
    t = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "sent_id": [f"d{i}:s0" for i in range(len(texts))],
                      "outlet": outlet, "text": list(texts)})
    return extract_svo(t, table=T)


def _triples(df):
    def none(x):
        return None if x is None or (isinstance(x, float) and pd.isna(x)) else x
    return {(none(r.agent), r.verb_lemma, none(r.patient)) for r in df.itertuples()}


def test_active_and_passive_give_same_roles():
    out = _svo("The US banned Huawei.", "Huawei was banned by the US.")
    a = out[out.doc_id == "d0"].iloc[0]
    p = out[out.doc_id == "d1"].iloc[0]
    assert (a.agent, a.verb_lemma, a.patient, a.voice) == ("US government", "ban", "Huawei", "active")
    assert (p.agent, p.verb_lemma, p.patient, p.voice) == ("US government", "ban", "Huawei", "passive")


def test_agentless_passive_keeps_patient():
    r = _svo("Huawei was blacklisted last year.").iloc[0]
    assert r.agent is None or pd.isna(r.agent)
    assert r.patient == "Huawei" and r.voice == "passive"


def test_metonymy_and_descriptions_resolve():
    assert ("US government", "pressure", "UK government") in _triples(_svo("Washington pressured the UK."))
    assert ("Chinese government", "condemn", None) in _triples(_svo("Beijing condemned the US move."))  # "move" is not the US


def test_conjoined_subjects_and_verbs():
    t = _triples(_svo("Beijing and Huawei denied the allegations and sued Washington."))
    assert ("Chinese government", "sue", "US government") in t
    assert ("Huawei", "sue", "US government") in t


def test_open_clause_inherits_subject():
    assert ("US government", "push", "Huawei") in _triples(_svo("The US attempted to push Huawei out of 5G markets."))


def test_object_control_gives_the_object_as_agent():
    t = _triples(_svo("The United States urged its allies to ban Huawei."))
    assert ("US government", "urge", None) in t
    assert not any(a == "US government" and v == "ban" for a, v, _p in t)
    out = _svo("The United States urged its allies to ban Huawei.")
    assert out.loc[out.verb_lemma == "ban", "agent_text"].tolist() == ["its allies"]


def test_relative_clause_head_fills_role():
    out = _svo("Nokia overtook Huawei, which closed only three contracts.")
    assert ("Huawei", "close", None) in _triples(out)
    assert ("Nokia", "overtake", "Huawei") in _triples(out)


def test_negated_verb_flagged():
    r = _svo("The White House has not provided any proof.")
    assert r.loc[r.verb_lemma == "provide", "negated"].tolist() == [True]


def test_pronoun_stays_unresolved():
    r = _svo("It banned Huawei.").iloc[0]
    assert r.agent_text == "It" and (r.agent is None or pd.isna(r.agent)) and r.patient == "Huawei"


def test_actor_roles_counts_agents_and_patients():
    svo = _svo("The US banned Huawei.", "Huawei was blacklisted by Washington.", "Huawei sued the US.")
    roles = actor_roles(svo).set_index(["actor", "role"])
    assert roles.loc[("US government", "agent"), "n"] == 2
    assert roles.loc[("Huawei", "patient"), "n"] == 2
    assert roles.loc[("Huawei", "agent"), "verbs"] == "sue"
    assert roles.loc[("US government", "agent"), "verbs"] == "ban, blacklist"


def test_actor_roles_by_group_merges_actors():
    svo = _svo("Trump banned Huawei.", "The White House pressured Huawei.")
    g = actor_roles(svo, level="group").set_index(["actor", "role"])
    assert g.loc[("US government", "agent"), "n"] == 2
    assert actor_roles(svo).actor.nunique() == 3     # Donald Trump, US government, Huawei


def test_relative_pronoun_subject_is_agent_not_patient():
    t = _triples(_svo("The review was done by the NCSC, which believes that the risks can be managed."))
    assert ("UK government", "believe", None) in t
    assert not any(p == "UK government" and v == "believe" for _a, v, p in t)


def test_without_a_table_no_actor_of_the_seeds_story_is_resolved():
    t = pd.DataFrame({"doc_id": ["d"], "sent_id": ["d:s0"], "outlet": "X", "text": ["The White House banned the Chinese tech giant."]})
    svo = extract_svo(t)
    assert len(svo) and not set(svo.agent.dropna()) & set(T.actor) and not set(svo.patient.dropna()) & set(T.actor)
    assert svo.patient.isna().all()          # "the Chinese tech giant" is no entity: unresolved
    assert _triples(extract_svo(t, table=T)) == {("US government", "ban", "Huawei")}
