"""Actor alias table and mention finder, on hand-written sentences with known answers."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures.actors import ActorTableError, actor_group, find_actor_mentions, load_actor_table, resolve_actor
from analysis.story import SEEDS_STORY, StoryError, load_story

T = load_story(SEEDS_STORY).actors   # the seeds' story's table, passed explicitly: no function defaults to it


def _sents(*texts: str, doc_id: str = "d") -> pd.DataFrame:
    rows, pos = [], 0
    for i, t in enumerate(texts):
        rows.append({"doc_id": doc_id, "sent_id": f"{doc_id}:s{i}", "start_char": pos, "text": t})
        pos += len(t) + 1
    return pd.DataFrame(rows)


def test_table_columns_and_groups():
    assert {"actor", "group", "alias"} <= set(T.columns)
    assert not T.duplicated(["key"]).any()
    assert actor_group("Vladimir Putin", table=T) == "Russian government"
    assert actor_group("Vladimir Putin") is None                       # no table: no group


def test_load_actor_table_gives_the_story_columns_and_needs_a_path():
    from analysis.config import PROJECT_ROOT

    t = load_actor_table(PROJECT_ROOT / "tests" / "data" / "byoc" / "actors.yaml")
    assert t.columns.tolist() == list(T.columns) == ["actor", "group", "role", "alias", "key"]
    assert len(t) and "Huawei" not in set(t.actor)
    assert ActorTableError is StoryError
    with pytest.raises(TypeError):
        load_actor_table()  # no packaged default table


@pytest.mark.parametrize("text, actor", [
    ("Washington", "US government"),
    ("the White House", "US government"),
    ("The Trump administration", "US government"),
    ("Beijing", "Chinese government"),
    ("the Kremlin", "Russian government"),
    ("Moscow", "Russian government"),
    ("MTS", "MTS"),
    ("China Mobile", "China Mobile"),
    ("the Chinese tech giant", "Huawei"),
    ("the Shenzhen-based firm", "Huawei"),
    ("the UK", "UK government"),
    ("Huawei\u2019s founder", "Ren Zhengfei"),       # curly apostrophe
    ("Ryan Ding, the head of the Chinese tech giant's carrier business", "Ryan Ding"),
    ("he", None),
    ("us", None),                                     # the pronoun is not the US
    ("", None),
])
def test_resolve_actor(text, actor):
    assert resolve_actor(text, table=T) == actor


def test_longest_alias_wins_and_offsets_are_document_offsets():
    s = _sents("Hello.", "The Trump administration put Huawei on a blacklist, Beijing said.")
    m = find_actor_mentions(s, table=T)
    assert m.actor.tolist() == ["US government", "Huawei", "Chinese government"]
    assert m.mention.tolist()[0] == "The Trump administration"   # not "Trump" -> Donald Trump
    full = "Hello. " + s.text[1]
    for r in m.itertuples():
        assert full[r.start_char:r.end_char] == r.mention
    assert set(m.method) == {"alias"}


def test_no_partial_word_matches():
    m = find_actor_mentions(_sents("USB sticks from Russian hackers and Xiaomi phones; tell us."), table=T)
    assert m.empty


def test_entities_not_in_table_reported_under_own_name():
    s = _sents("Acme Corp and Huawei signed a deal in Lagos.")
    ents = pd.DataFrame({
        "doc_id": ["d", "d", "d"], "sent_id": ["d:s0"] * 3, "ent_i": [0, 1, 2],
        "text": ["Acme Corp", "Huawei", "Lagos"], "label": ["ORG", "ORG", "GPE"],
        "start_char": [0, 14, 38], "end_char": [9, 20, 43], "root_i": [1, 3, 9],
    })
    m = find_actor_mentions(s, entities=ents, table=T)
    assert m[["actor", "method"]].values.tolist() == [
        ["Acme Corp", "entity"], ["Huawei", "alias"], ["Lagos", "entity"]]
    # no table: every mention is an entity under its own name, none from the seeds' story
    m = find_actor_mentions(s, entities=ents)
    assert m[["actor", "group", "method"]].values.tolist() == [
        ["Acme Corp", "other organisations", "entity"], ["Huawei", "other organisations", "entity"],
        ["Lagos", "other places/states", "entity"]]


def test_custom_table_works_for_another_corpus(tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text("actors:\n  - actor: EU\n    group: Europe\n    aliases: [Brussels, the European Commission]\n")
    t = load_actor_table(p)
    m = find_actor_mentions(_sents("Brussels fined the firm; the European Commission said."), table=t)
    assert m.actor.tolist() == ["EU", "EU"]


@pytest.mark.parametrize("body, needle", [
    ("actors:\n  - actor: X\n    aliases: [x]\n", "actors[0] (actor 'X'): 'group'"),
    ("actors:\n  - actor: X\n    group: G\n    aliases: []\n", "'aliases'"),
    ("actors:\n  - actor: X\n    group: G\n    aliases: [Y]\n  - actor: Z\n    group: G\n    aliases: [Y]\n",
     "actors[1] (actor 'Z'): alias 'Y' is already used by actor 'X'"),
    ("actors:\n  - actor: X\n    group: G\n    aliases: [Y]\n    colour: red\n", "unknown field"),
    ("people: []\n", "top-level 'actors:'"),
])
def test_malformed_table_rejected_with_entry_named(tmp_path, body, needle):
    p = tmp_path / "bad.yaml"
    p.write_text(body)
    with pytest.raises(ActorTableError) as exc:
        load_actor_table(p)
    assert needle in str(exc.value)


def test_real_corpus_offsets_slice_clean_text():
    analysis = pytest.importorskip("analysis")
    try:
        corpus = analysis.build_corpus()
    except Exception as exc:  # model or seeds unavailable on this machine
        pytest.skip(f"corpus not available: {exc}")
    m = find_actor_mentions(corpus, table=T)
    text = dict(zip(corpus.documents.doc_id, corpus.documents.text))
    assert len(m) > 0
    assert all(text[r.doc_id][r.start_char:r.end_char] == r.mention for r in m.itertuples())
    assert set(m.method) <= {"alias", "entity"}
    # the seed coverage names Huawei and the US government in every article
    per_doc = m.groupby("doc_id").actor.apply(set)
    assert all({"Huawei", "US government"} <= s for s in per_doc)


def test_an_edited_actor_file_is_read_again_in_the_same_process(tmp_path):
    p = tmp_path / "my_actors.yaml"
    p.write_text("actors:\n  - actor: Acme\n    group: firms\n    aliases: [Acme]\n")
    assert load_actor_table(p).alias.tolist() == ["Acme"]
    p.write_text("actors:\n  - actor: Acme\n    group: firms\n    aliases: [Acme, Acme Corp]\n")
    t = load_actor_table(p)
    assert t.alias.tolist() == ["Acme", "Acme Corp"]
    assert find_actor_mentions(_sents("Acme Corp said."), table=t).mention.tolist() == ["Acme Corp"]


def test_alias_case_rule_only_the_first_letter_folds():
    from analysis.measures.actors import match_aliases

    assert [a for _s, _e, a, _g in match_aliases("the White House and The White House", table=T)] == ["US government"] * 2
    assert match_aliases("the white house", table=T) == []               # case-sensitive after the first character
    assert match_aliases("the White\nHouse said", table=T)[0][:2] == (0, 15)  # a line break counts as a space
    assert resolve_actor("  the White House ", table=T) == "US government"
    # aliases are matched on tokens: a compound token such as "U.S.-made" is not a mention of the US
    assert match_aliases("U.S.-made chips", table=T) == [] and match_aliases("U.S. chips", table=T)[0][2] == "US government"


def test_tables_with_the_same_aliases_for_different_actors_never_share_a_matcher():
    from analysis.measures.actors import match_aliases

    for i in range(40):
        t = pd.DataFrame({"actor": [f"A{i}"], "group": ["G"], "alias": ["Acme"], "key": ["acme"]})
        assert match_aliases("Acme said", table=t) == [(0, 4, f"A{i}", "G")]
        del t


def test_without_a_table_nothing_comes_from_the_seeds_story():
    """No actor table means no aliases: only spaCy's entities, under their own names (method "entity")."""
    from analysis.corpus.parse import load_model
    from analysis.measures.actors import match_aliases

    text = "Washington banned Huawei."
    doc = load_model()(text)
    ents = pd.DataFrame([{"doc_id": "d", "sent_id": "d:s0", "ent_i": i, "text": e.text, "label": e.label_,
                          "start_char": e.start_char, "end_char": e.end_char, "root_i": e.root.i}
                         for i, e in enumerate(doc.ents)])
    m = find_actor_mentions(_sents(text), entities=ents)
    assert set(m.method) <= {"entity"}
    seeds_actors = set(T.actor) - set(m.mention)      # an entity may carry its own name, never a canonical one
    assert not set(m.actor) & seeds_actors and "US government" not in set(m.actor)
    assert not set(m.group) & set(T.group)
    assert find_actor_mentions(_sents(text)).empty
    assert match_aliases(text) == [] and resolve_actor("the White House") is None
    assert resolve_actor("Washington", table=T) == "US government"   # the same text with the table


def test_alias_lexicon_is_never_stale():
    """Another table, a table at a reused address, or a table that grew in place gets its own lexicon."""
    from analysis.measures.actors import resolve_actor
    from analysis.story import story_from_dict

    def table(alias):
        return story_from_dict({"name": "t", "title": "t", "actors": [
            {"actor": "harbour board", "group": "board", "role": "government", "aliases": [alias]}]}).actors

    a = table("the board")
    assert [resolve_actor("the board met", table=a) for _ in range(3)] == ["harbour board"] * 3
    for _ in range(20):   # new tables, some at the address of a freed one
        b = table("the harbour authority")
        assert resolve_actor("the board met", table=b) is None
        assert resolve_actor("the harbour authority met", table=b) == "harbour board"
        del b
    grown = table("the board")
    assert resolve_actor("the port office", table=grown) is None
    extra = grown.iloc[[0]].assign(alias="the port office", key="the port office")
    grown.loc[len(grown)] = extra.iloc[0]
    assert resolve_actor("the port office", table=grown) == "harbour board"
