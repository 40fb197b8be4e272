"""Distancing / hedging markers around accusations and denials, and names for the contested measure.

The seeds' story's lists are passed explicitly (``MK``); ``markers=None`` is the generic lists only.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures.attribution import attribution_markers, context_sentences, load_markers, marker_profile, measure_terms
from analysis.measures.resources import markers_for
from analysis.story import SEEDS_STORY, load_story

MK = markers_for(load_story(SEEDS_STORY))


def _t(*texts, outlet="X"):
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "sent_id": [f"d{i}:s0" for i in range(len(texts))],
                         "outlet": outlet, "text": list(texts)})


def _markers(text):
    m = attribution_markers(_t(text), markers=MK)
    return {(r.context, r.marker_class, r.marker.lower()) for r in m.itertuples()}


def test_distancing_around_accusation():
    m = _markers("The White House claims that Huawei spies for Beijing, but has not provided any proof.")
    assert ("accusation", "distancing", "claims") in m
    assert ("accusation", "distancing", "has not provided any proof") in m


def test_reportedly_and_alleged():
    m = _markers("Huawei allegedly installed backdoors, and reportedly spied on users.")
    assert {("accusation", "distancing", "allegedly"), ("accusation", "distancing", "reportedly")} <= m


def test_assertion_without_distancing():
    m = _markers("Huawei clearly poses a security risk, the evidence shows.")
    classes = {c for _x, c, _w in m}
    assert "assertion" in classes and "distancing" not in classes


def test_month_may_is_not_a_hedge():
    m = _markers("In May, the administration acted over spying concerns.")
    assert not any(c == "hedge" for _x, c, _w in m)
    assert _markers("Huawei may be spying for Beijing.") >= {("accusation", "hedge", "may")}


def test_denial_context_and_off_topic_sentence():
    m = _markers("Huawei has denied the allegations.")
    assert ("denial", "distancing", "allegations") in m
    assert attribution_markers(_t("Huawei reportedly sold phones."), markers=MK).empty   # no accusation / denial topic


def test_profile_shares():
    c = context_sentences(_t("The US claims Huawei spies.", "Huawei is a spying risk.", "Phones sold well."), markers=MK)
    assert c.accusation.tolist() == [True, True, False]
    p = marker_profile(c)
    assert p[["n_sentences", "distancing"]].values.tolist() == [[2, 0.5]]


def test_measure_terms_lexical_choice():
    t = measure_terms(_t("Washington's crackdown campaign put Huawei on the entity list amid a trade war.",
                         "The pressure and sanctions grew; it was banned."), markers=MK)
    assert t.term.tolist() == ["crackdown", "campaign", "entity list", "pressure", "sanction", "ban"]


def test_packaged_marker_file_has_only_the_generic_lists():
    import yaml

    from analysis.measures.attribution import DEFAULT_LABELS, GENERIC_KEYS, MARKERS_PATH

    assert set(yaml.safe_load(MARKERS_PATH.read_text())) == set(GENERIC_KEYS)
    mk = load_markers()
    assert "say" in mk["reporting_verbs"] and mk["measures"] == {}
    assert not {"accusation_topic", "denial", "us_measures"} & set(mk)
    assert DEFAULT_LABELS == {"measures_label": "the contested measure", "accusation_label": "the accusations"}
    assert mk["measures_label"] == "the contested measure" and mk["accusation_label"] == "the accusations"


@pytest.mark.parametrize("markers", [None, "generic", "none_of_the_story_parts"])
def test_markers_without_the_story_parts_give_empty_results(markers):
    """Generic lists only (or a dict lacking accusation_topic / denial / measures): nothing found, no crash."""
    from analysis.measures.quotes import extract_quotes

    mk = {"generic": load_markers(), "none_of_the_story_parts": {k: MK[k] for k in ("reporting_verbs",
          "according_phrases", "distancing", "hedge", "assertion")}, None: None}[markers]
    texts = _t("The White House claims Huawei spies, but has not provided any proof.",
               "Huawei denied the allegations; the crackdown and the ban were reportedly unfounded.")
    assert attribution_markers(texts, markers=mk).empty
    assert measure_terms(texts, markers=mk).empty
    ctx = context_sentences(texts, markers=mk)
    assert len(ctx) == 2 and not ctx.accusation.any() and not ctx.denial.any() and ctx.distancing.all()
    q = extract_quotes(_t("“We will keep building networks for everyone,” Ryan Ding said."), markers=mk)
    # no actor table: the speaker is spaCy's entity under its own name, not a group of the seeds' story
    assert q.quote_type.tolist() == ["direct"] and q.speaker_group.str.startswith("other").all()
    # the same sentences with the seeds' story lists
    assert len(attribution_markers(texts, markers=MK)) and len(measure_terms(texts, markers=MK))


def test_measure_profile_counts_and_rate_per_1000_words():
    from types import SimpleNamespace

    from analysis.measures.attribution import measure_profile

    t = _t("The ban and the ban again.", "A crackdown.", outlet="X")
    t.loc[1, "outlet"] = "Y"
    terms = measure_terms(t, markers=MK)
    corpus = SimpleNamespace(documents=pd.DataFrame({"outlet": ["X", "Y"], "n_words": [500, 1000]}))
    p = measure_profile(terms, corpus).set_index(["outlet", "term"])
    assert p.loc[("X", "ban"), "n"] == 2 and p.loc[("X", "ban"), "per_1000_words"] == 4.0
    assert p.loc[("Y", "crackdown"), "per_1000_words"] == 1.0
    assert measure_profile(terms).per_1000_words.isna().all()


STORY = """
measures_label: the terminal lease
accusation_topic: {lemmas: [secret, sham]}
denial: {lemmas: [deny]}
measures:
  lease: {lemmas: [lease]}
  sale: {lemmas: [sale, sell], phrases: [sell-off]}
"""


def test_a_story_file_replaces_the_story_lists_and_keeps_the_generic_ones(tmp_path):
    path = tmp_path / "story.yaml"
    path.write_text(STORY)
    mk = load_markers(path)
    packaged = load_markers()
    assert mk["measures_label"] == "the terminal lease" and mk["accusation_label"] == "the accusations"
    assert packaged["measures_label"] == "the contested measure"
    assert set(mk["measures"]) == {"lease", "sale"} and "us_measures" not in mk
    for key in ("reporting_verbs", "distancing", "hedge", "assertion"):
        assert mk[key] == packaged[key]
    texts = _t("The union claims the lease was agreed in secret.", "The crackdown on Huawei is a sham sale.")
    assert measure_terms(texts, markers=mk).term.tolist() == ["lease", "sale"]
    assert measure_terms(texts, markers=MK).term.tolist() == ["crackdown"]  # the seeds' story's names
    assert measure_terms(texts).empty                                            # no story: no names
    ctx = context_sentences(texts, markers=mk)
    assert ctx.accusation.tolist() == [True, True] and ctx.distancing.tolist() == [True, False]
    assert not context_sentences(texts, markers=MK).accusation.iloc[0]
    assert not context_sentences(texts).accusation.any()


def test_a_story_file_must_give_its_own_story_lists(tmp_path):
    path = tmp_path / "partial.yaml"
    path.write_text("measures:\n  lease: {lemmas: [lease]}\n")
    with pytest.raises(ValueError, match="accusation_topic"):
        load_markers(path)
    no_measures = tmp_path / "no_measures.yaml"
    no_measures.write_text("accusation_topic: {lemmas: [secret]}\ndenial: {lemmas: [deny]}\n")
    with pytest.raises(ValueError, match="no_measures.yaml: 'measures'"):
        load_markers(no_measures)


def test_fresh_marker_dicts_never_get_another_dicts_matcher():
    """The review's reproduction of the old id()-keyed cache: alternate two marker lists 40 times."""
    base = MK
    texts = _t("Huawei spies, the report claims, and reportedly it denied it.")
    for i in range(40):
        word = ["claim", "reportedly"][i % 2]
        mk = {**base, "distancing": {"lemmas": [word]}}
        found = attribution_markers(texts, markers=mk)
        got = set(found.loc[found.marker_class == "distancing", "marker"].str.lower())
        assert got == {"claims" if word == "claim" else "reportedly"}, (i, word, got)
        del mk


def test_the_longest_marker_wins_where_two_overlap():
    mk = {**MK, "measures": {"effort / lobbying": {"lemmas": ["lobby"], "phrases": ["effort to lobby"]}}}
    t = measure_terms(_t("The US effort to lobby allies failed."), markers=mk)
    assert t[["term", "mention"]].values.tolist() == [["effort / lobbying", "effort to lobby"]]


def test_an_edited_marker_file_is_read_again_in_the_same_process(tmp_path):
    path = tmp_path / "story.yaml"
    path.write_text(STORY)
    assert set(load_markers(path)["measures"]) == {"lease", "sale"}
    path.write_text(STORY + "  transfer: {lemmas: [transfer]}\n")
    assert set(load_markers(path)["measures"]) == {"lease", "sale", "transfer"}


def test_the_quote_cue_lists_are_generic_data_and_bad_ones_name_the_file(tmp_path):
    mk = load_markers()
    assert {"according to", "as reported by"} <= set(mk["according_phrases"])
    assert {"show", "want", "think", "expect"} <= set(mk["reporting_verbs"])
    assert "claim" in mk["noun_cues"] and "resolution" in mk["inanimate_sources"]
    assert mk["prepositional_content"]["call"] == ["for"]
    assert mk["speaker_descriptions"]["person"]["labels"] == ["PERSON"]
    bad = tmp_path / "bad_markers.yaml"
    bad.write_text(STORY + "noun_cues: claim\n")
    with pytest.raises(ValueError, match="bad_markers.yaml: 'noun_cues'"):
        load_markers(bad)
    bad.write_text(STORY + "speaker_descriptions: {person: {pronouns: [he]}}\n")
    with pytest.raises(ValueError, match="bad_markers.yaml: speaker_descriptions.person"):
        load_markers(bad)


def test_a_story_marker_file_can_replace_the_inanimate_list(tmp_path):
    """Lists a researcher would change are data: a story's file that calls reports speakers gets its way."""
    from analysis.measures.quotes import extract_quotes

    path = tmp_path / "story.yaml"
    path.write_text(STORY + "inanimate_sources: [letter]\n")
    t = _t("The report warns that the reef could collapse within a decade.")
    assert extract_quotes(t).speaker_method.tolist() == ["inanimate source (not a speaker)"]
    assert extract_quotes(t, markers=load_markers(path)).speaker_method.tolist() == ["subject of reporting verb"]
