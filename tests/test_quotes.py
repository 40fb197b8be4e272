"""Quotation extraction and speaker attribution on hand-written hard cases."""
from __future__ import annotations

import pandas as pd

from analysis.measures.quotes import extract_quotes, find_quote_spans, voices
from analysis.story import SEEDS_STORY, load_story

T = load_story(SEEDS_STORY).actors   # the seeds' story's actors, passed explicitly


def _q(*texts, doc_id="d", outlet="X"):
    t = pd.DataFrame({"doc_id": doc_id, "sent_id": [f"{doc_id}:s{i}" for i in range(len(texts))],
                      "outlet": outlet, "text": list(texts)})
    return extract_quotes(t, table=T)


def test_direct_quote_with_speaker_after():
    q = _q("“5G technology is coming to Venezuela,” Maduro said.")
    assert q[["quote_type", "speaker", "verb"]].values.tolist() == [["direct", "Nicolas Maduro", "say"]]
    assert q.quote.iloc[0].startswith("5G technology is coming")


def test_inverted_reporting_clause():
    q = _q("“Huawei equipment is behind two-thirds of networks,” said Ryan Ding.")
    assert q.speaker.tolist() == ["Ryan Ding"]


def test_quote_split_around_reporting_verb_is_one_quote():
    q = _q("“We will keep building networks,” Ryan Ding said, “and we will win more contracts.”")
    assert len(q) == 1
    assert q.quote.iloc[0] == "We will keep building networks, … and we will win more contracts."
    assert q.speaker.iloc[0] == "Ryan Ding"


def test_nested_single_quotes_stay_inside():
    q = _q("“The so-called ‘security threat’ is a political pretext,” a Chinese government spokesperson said.")
    assert len(q) == 1 and "‘security threat’" in q.quote.iloc[0]
    assert q.speaker_group.iloc[0] == "Chinese government"


def test_indirect_quote_and_according_to():
    q = _q("The White House claims that Huawei spies on its customers.",
           "According to Maduro, trial installation will begin shortly.")
    assert q[["quote_type", "speaker", "verb"]].values.tolist() == [
        ["indirect", "US government", "claim"], ["indirect", "Nicolas Maduro", "according to"]]
    assert q.quote.iloc[0] == "Huawei spies on its customers"


def test_pronoun_speaker_takes_previous_speaker():
    q = _q("“5G technology is coming to Venezuela,” Maduro said.", "He added that Caracas will cooperate with Beijing.")
    last = q.iloc[-1]
    assert (last.speaker_text, last.speaker, last.speaker_method) == ("He", "Nicolas Maduro", "pronoun -> previous speaker")


def test_pronoun_without_antecedent_is_unresolved():
    q = _q("She said that the ban was unfair.")
    assert q.speaker.isna().all() and q.speaker_group.tolist() == ["unresolved"]


def test_scare_quote_is_partial_without_speaker():
    q = _q("Huawei is now on the “entity list” of the Commerce Department.")
    assert q[["quote_type", "speaker_group"]].values.tolist() == [["partial", "no speaker found"]]


def test_no_quote_in_plain_narration():
    assert _q("Huawei shipped 40,000 base stations to carriers.").empty


def test_find_quote_spans_straight_quotes():
    t = 'Putin called it a "technological war" today.'
    assert [t[s:e] for s, e in find_quote_spans(t)] == ["technological war"]


def test_voices_shares_per_outlet():
    q = pd.concat([_q("“We will sue the US government,” Huawei said.", doc_id="a", outlet="A"),
                   _q("The White House claims that Huawei spies.", doc_id="b", outlet="B"),
                   _q("Beijing said that it opposes the ban.", doc_id="c", outlet="B")], ignore_index=True)
    v = voices(q).set_index(["outlet", "speaker_group"])
    assert v.loc[("A", "Huawei"), "share"] == 1.0
    assert v.loc[("B", "US government"), "n"] == 1 and v.loc[("B", "Chinese government"), "share"] == 0.5
