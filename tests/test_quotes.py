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


# --- speakers: pronouns, descriptions, full names, things -------------------------------------------------

def _g(*texts):
    """The same sentences with no actor table (generic lists only): names come from the parser alone."""
    t = pd.DataFrame({"doc_id": "d", "sent_id": [f"d:s{i}" for i in range(len(texts))], "outlet": "X",
                      "text": list(texts)})
    return extract_quotes(t)


def test_description_speaker_takes_the_last_organisation():
    q = _g("Northwind Energy reported a third-quarter loss.", "The company said higher gas prices had cut its margins.")
    assert q[["speaker_text", "speaker", "verb"]].values.tolist() == [["The company", "Northwind Energy", "say"]]
    assert q.speaker_method.iloc[0].startswith("description ->")


def test_she_takes_the_last_person_even_when_she_was_not_quoted_before():
    q = _g("Health Minister Rosa Almeida visited the hospital on Monday.",
           "She said that more nurses would start work in the spring.")
    assert q[["speaker_text", "speaker"]].values.tolist() == [["She", "Rosa Almeida"]]


def test_it_takes_an_organisation_not_the_person_just_named():
    q = _g("Kessler Motors announced it would close its plant in Dunmore.",
           "Chief executive Sara Lind was not available.", "It said about 800 jobs would be lost.")
    assert q.speaker.tolist() == ["Kessler Motors", "Kessler Motors"]


def test_description_in_the_seeds_resolves_to_the_earlier_source():
    q = _q("Huawei has won 28.4 billion yuan ($4 billion) worth of contracts for the construction of 5G infrastructure "
           "in China from the country's largest carrier, China Mobile, since the beginning of the year, Bloomberg "
           "reported, citing obtained procurement data. The news agency said that the contracts amount to the "
           "construction of 132,000 base stations in the country.")
    assert q[["speaker_text", "speaker"]].values.tolist() == [["Bloomberg", "Bloomberg"], ["The news agency", "Bloomberg"]]


def test_a_surname_takes_the_full_name_given_earlier():
    q = _g("Union boss Derek Hale met the board on Friday.", "Hale wants a five percent pay rise for all drivers.")
    assert q[["speaker_text", "speaker", "verb", "quote"]].values.tolist() == [
        ["Hale", "Derek Hale", "want", "a five percent pay rise for all drivers"]]


def test_things_are_sources_but_never_speakers():
    q = _g("The resolution, passed by 41 votes to 12, calls for an immediate ceasefire.",
           "The letter, signed by 200 scientists, warns that the reef could collapse within a decade.")
    assert q.speaker.isna().all() and q.verb.tolist() == ["call", "warn"]
    assert (q.speaker_method == "inanimate source (not a speaker)").all()
    assert q.quote.tolist() == ["an immediate ceasefire", "the reef could collapse within a decade"]
    src = [r.text[int(r.source_start) - 0:int(r.source_end)] for r in q.itertuples()]
    assert src == ["The resolution", "The letter"]


def test_a_thing_is_no_antecedent_and_its_publisher_speaks():
    q = _q("MTS released a statement that describes how happy they are to be working with Huawei.")
    assert q[["speaker_text", "speaker", "speaker_method"]].values.tolist() == [
        ["a statement", "MTS", "publisher of an inanimate source"]]


# --- cues: nested speech, colon, noun forms, according-type phrases, the brief's verbs ----------------------

def test_nested_according_to_is_one_quotation_with_the_outer_speaker():
    q = _q("According to MTS' CEO, Russia believes that Huawei will be able to help the country transition into "
           "the new technology, which will certainly lead it into the future.")
    assert len(q) == 1
    assert q[["verb", "speaker"]].values.tolist() == [["according to", "Alexei Kornya"]]
    assert q.quote.iloc[0].startswith("Russia believes that Huawei")


def test_colon_attribution_and_a_heading_that_is_not_one():
    q = _g("Harper: We will not sign this deal without changes.")
    assert q[["speaker", "verb", "quote"]].values.tolist() == [["Harper", ":", "We will not sign this deal without changes"]]
    t = pd.DataFrame({"doc_id": "d", "sent_id": ["d:s0"], "outlet": "X",
                      "text": ["Entity List: trouble on both sides\n\nThe Trump administration banned U.S companies "
                               "from selling equipment to Huawei."]})
    assert extract_quotes(t).empty


def test_noun_form_cues_take_the_possessor_as_source():
    q = _g("Greer's claim that the budget is balanced was disputed by the audit office.",
           "The ministry's statement that the dam is safe did little to reassure residents.")
    assert q[["verb", "quote"]].values.tolist() == [["claim", "the budget is balanced"], ["statement", "the dam is safe"]]
    assert q.speaker.tolist()[0] == "Greer" and q.speaker_text.tolist()[1] == "The ministry's"
    assert [r.text[int(r.source_start):int(r.source_end)] for r in q.itertuples()] == ["Greer", "The ministry"]


def test_the_according_phrases_setting_is_used():
    from analysis.measures.attribution import load_markers

    text = ("As reported by Reuters, the talks broke down late on Sunday.",
            "In the view of Amal Haddad, the clinic is already full.")
    q = _g(*text)
    assert q[["verb", "speaker"]].values.tolist() == [["as reported by", "Reuters"]]
    mk = {**load_markers(), "according_phrases": ["in the view of"]}
    t = pd.DataFrame({"doc_id": "d", "sent_id": ["d:s0", "d:s1"], "outlet": "X", "text": list(text)})
    q2 = extract_quotes(t, markers=mk)
    assert q2[["verb", "speaker", "quote"]].values.tolist() == [["in the view of", "Amal Haddad", "the clinic is already full"]]


def test_cues_of_intention_belief_and_evidence():
    q = _g("Opposition leader Marta Ruiz called for an independent inquiry into the contracts.",
           "Senator Paul Greer thinks the bill will pass before the summer recess.",
           "Fresh data from the statistics office shows that unemployment fell to 4.1 percent in March.")
    assert q[["verb", "quote"]].values.tolist() == [
        ["call", "an independent inquiry into the contracts"],
        ["think", "the bill will pass before the summer recess"],
        ["show", "unemployment fell to 4.1 percent in March"]]
    assert q.speaker.tolist()[:2] == ["Marta Ruiz", "Paul Greer"] and pd.isna(q.speaker.iloc[2])
    assert [r.text[int(r.cue_start):int(r.cue_end)] for r in q.itertuples()] == ["called for", "thinks", "shows"]


def test_a_passive_cue_without_agent_is_no_voice():
    assert _q("The UK government is expected to publish its official stance on Huawei in the coming weeks.").empty


def test_two_quotes_in_two_sentences_are_not_merged():
    q = _g("“This is a dark day for the town,” said local councillor Ann Byrne. She added: “We were promised these jobs would stay.”")
    assert len(q) == 2 and q.speaker.tolist() == ["Ann Byrne", "Ann Byrne"]
    assert q.quote.tolist()[1] == "We were promised these jobs would stay."


def test_largest_identified_voice_is_never_a_catch_all_group(seed_corpus, tmp_path):
    """With an actor table that knows only the US government, Sputnik's most quoted "group" is the catch-all
    of other names; the synthesis must name the US government as its largest identified voice."""
    from analysis.compare import synthesis
    from analysis.story import with_files

    (tmp_path / "actors.yaml").write_text(
        "actors:\n  - actor: US government\n    group: US government\n"
        "    aliases: [the US, The US, Washington, The White House, the United States, The United States, Trump,"
        " the Trump administration, The U.S]\n")
    story = with_files(load_story(SEEDS_STORY), actors=tmp_path / "actors.yaml")
    sub = seed_corpus.subset(seed_corpus.documents.doc_id[seed_corpus.documents.outlet == "Sputnik"].tolist())
    qs = extract_quotes(sub, table=story.actors)
    counts = qs.speaker_group.value_counts()
    assert counts.index[0].startswith("other (")        # the catch-all is the most frequent group here
    synth = synthesis.synthesize(sub, story=story, tone_method="vader", n_boot=50, progress=False)
    claim = synth.claims[(synth.claims.family == "voices")].statement.iloc[0]
    assert claim.startswith("US government:") and "other (" not in claim


def test_a_quote_split_across_sentences_by_one_reporting_clause_is_one_quote():
    """An honorific's full stop ("Dr.") is no sentence end between the two pieces."""
    q = _g("“Prices will rise again,” Dr. Omar Bakri told reporters. “Nobody can stop that now.”")
    assert len(q) == 1 and q.speaker.tolist() == ["Omar Bakri"]
    assert q.quote.iloc[0] == "Prices will rise again, … Nobody can stop that now."
