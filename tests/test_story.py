"""A story as data: loading and validating story files, the digest, resolve_story, with_files, discover_story."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import analysis
from analysis.story import (
    ROLES, SEEDS_STORY, Story, StoryError, discover_story, guess_role, load_story, resolve_story, story_from_dict,
    with_files,
)

ROOT = Path(__file__).resolve().parents[1]
BYOC = ROOT / "tests" / "data" / "byoc"
SEEDS_GROUPS = {"US government", "Chinese government", "Huawei", "Russian government", "UK government",
                "other governments", "telecom carriers", "other tech companies", "media", "experts and think tanks"}


@pytest.fixture(scope="module")
def seeds_raw() -> dict:
    return yaml.safe_load(SEEDS_STORY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def byoc_corpus():
    return analysis.build_corpus(str(BYOC / "articles.csv"), progress=False)


def _write(tmp_path: Path, data, name: str = "story.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p


# ------------------------------------------------------------------------------------------ the packaged story
def test_packaged_story_loads_with_roles_for_every_group(seeds_raw):
    s = load_story(SEEDS_STORY)
    assert s.name == "huawei_5g" and not s.discovered and s.path == str(SEEDS_STORY.resolve())
    assert set(s.roles) == SEEDS_GROUPS and set(s.roles.values()) <= set(ROLES)
    assert set(s.actors["group"]) <= set(s.roles)
    assert s.role_of("Huawei") == "company" and s.role_of("nobody") is None
    assert s.groups_with_role("government")[:2] == ["US government", "Chinese government"]
    assert s.measure_group == "us_measures" and "crackdown" in set(s.measure_terms["term"])
    assert set(s.measure_terms["group"]) == {"us_measures"}
    assert s.label("measure") == "the US measures" and s.label("unset") == "unset"
    assert [t for t, _ in s.kwic_views] == [v["title"] for v in seeds_raw["framing_terms"]["kwic"]]
    assert set(s.markers) == {"accusation_topic", "denial"} and "deny" in s.markers["denial"]["lemmas"]
    assert len(s.examples) == 4 and s.notes["RUSI"].startswith("Royal United Services Institute")
    # one row per (actor, alias); every alias key is unique
    assert s.actors["key"].is_unique
    assert s.actors.loc[s.actors.alias == "Beijing", "actor"].tolist() == ["Chinese government"]


def test_a_folder_holding_story_yaml_loads_and_errors_name_the_file(tmp_path, seeds_raw):
    folder = tmp_path / "my_story"
    folder.mkdir()
    with pytest.raises(FileNotFoundError, match="holds no story.yaml"):
        load_story(folder)
    _write(folder, seeds_raw)
    assert load_story(folder).digest == load_story(SEEDS_STORY).digest
    bad = copy.deepcopy(seeds_raw)
    bad["measure_group"] = "conflicts"
    _write(folder, bad)
    with pytest.raises(StoryError, match=r"my_story/story\.yaml: measure_group: 'conflicts' is not a framing"):
        load_story(folder)
    with pytest.raises(FileNotFoundError, match="story file not found"):
        load_story(tmp_path / "missing.yaml")


def _broken(raw: dict, how: str) -> dict:
    d = copy.deepcopy(raw)
    if how == "unknown top-level key":
        d["actor"] = []
    elif how == "actor without group":
        del d["actors"][1]["group"]
    elif how == "group without role":
        d["actors"][0]["group"] = "US administration"
    elif how == "unknown role":
        d["groups"]["media"]["role"] = "press"
    elif how == "unknown actor role":
        d["actors"][0]["role"] = "state"
    elif how == "duplicate alias across actors":
        d["actors"][1]["aliases"].append("the White House")
    elif how == "actor listed twice":
        d["actors"].append({"actor": "Huawei", "group": "Huawei", "aliases": ["Huawei Inc"]})
    elif how == "kwic view naming an unknown term":
        d["framing_terms"]["kwic"][0]["terms"].append("embargo")
    elif how == "measure_group not a framing-term group":
        d["measure_group"] = "names_for_the_ban"
    elif how == "markers with an unknown list":
        d["markers"]["hedges"] = {"lemmas": ["perhaps"]}
    elif how == "marker list without words":
        d["markers"]["denial"] = {"lemmas": []}
    elif how == "unknown key in a group":
        d["groups"]["media"]["rol"] = "media"
    elif how == "no title":
        d["title"] = " "
    elif how == "aliases not a list of strings":
        d["actors"][2]["aliases"] = [1, 2]
    return d


@pytest.mark.parametrize("how, key, words", [
    ("unknown top-level key", r"story\.yaml", r"unknown key\(s\) \['actor'\]"),
    ("actor without group", r"actors\[1\] \(actor 'Donald Trump'\)", "'group' must be a non-empty string"),
    ("group without role", r"actors\[0\] \(actor 'US government'\)", "group 'US administration' has no role"),
    ("unknown role", r"groups\.media\.role", "'press' is not one of"),
    ("unknown actor role", r"actors\[0\] \(actor 'US government'\): role", "'state' is not one of"),
    ("duplicate alias across actors", r"actors\[1\] \(actor 'Donald Trump'\)",
     "alias 'the White House' is already used by actor 'US government'"),
    ("actor listed twice", r"actors\[34\] \(actor 'Huawei'\)", "listed twice"),
    ("kwic view naming an unknown term", r"framing_terms\.kwic\[0\]", r"no group lists: \['embargo'\]"),
    ("measure_group not a framing-term group", r"measure_group", "'names_for_the_ban' is not a framing_terms group"),
    ("markers with an unknown list", r"markers\.hedges", "unknown marker list"),
    ("marker list without words", r"markers\.denial", "needs 'lemmas' and/or 'phrases'"),
    ("unknown key in a group", r"groups\.media", r"unknown key\(s\) \['rol'\]"),
    ("no title", r"title", "must be a non-empty string"),
    ("aliases not a list of strings", r"actors\[2\] \(actor 'Chinese government'\): aliases", "list of non-empty"),
])
def test_every_validation_error_names_the_file_and_the_key(tmp_path, seeds_raw, how, key, words):
    path = _write(tmp_path, _broken(seeds_raw, how), name="broken_story.yaml")
    with pytest.raises(StoryError) as err:
        load_story(path)
    msg = str(err.value)
    assert msg.startswith(str(path)), msg
    assert re.search(key, msg), msg
    assert re.search(words, msg), msg


def test_files_that_are_not_utf8_or_not_yaml_or_not_a_mapping_are_errors_naming_the_file(tmp_path):
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("name: caf\xe9\ntitle: x\n".encode("latin-1"))
    with pytest.raises(StoryError, match=r"latin1\.yaml: not UTF-8 text .* at byte 9"):
        load_story(latin)
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(StoryError, match=r"broken\.yaml: not valid YAML"):
        load_story(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text("- name: x\n", encoding="utf-8")
    with pytest.raises(StoryError, match=r"list\.yaml: expected a mapping"):
        load_story(listy)


def test_a_minimal_story_gets_defaults():
    s = story_from_dict({"name": "m", "title": "A minimal story"})
    assert s.actors.empty and s.terms.empty and s.kwic_views == () and s.markers == {}
    assert s.measure_group is None and s.measure_terms.empty and s.roles == {}
    assert s.label("topic") == "the story" and s.label("accusation") == "the accusations"
    # kwic views default to one per framing-term group, titled by its description
    t = story_from_dict({"name": "m", "title": "t", "framing_terms": {"groups": {
        "a": {"description": "Group A", "terms": ["Trade  Ban", "ban"]}, "b": {"terms": ["ban", "war"]}}}})
    assert t.kwic_views == (("Group A", ("trade ban", "ban")), ("b", ("war",)))
    assert t.terms[["term", "n_words"]].values.tolist() == [["trade ban", 2], ["ban", 1], ["war", 1]]


# ---------------------------------------------------------------------------------------------- the digest
def test_digest_ignores_comments_and_key_order_but_follows_every_field(tmp_path, seeds_raw):
    base = load_story(SEEDS_STORY).digest
    text = SEEDS_STORY.read_text(encoding="utf-8")
    commented = tmp_path / "commented.yaml"
    commented.write_text("# another comment\n" + text.replace("\nlabels:", "\n# about labels\nlabels:"),
                         encoding="utf-8")
    assert load_story(commented).digest == base
    reordered = dict(reversed(list(seeds_raw.items())))
    assert list(reordered)[0] != list(seeds_raw)[0]
    assert load_story(_write(tmp_path, reordered, "reordered.yaml")).digest == base

    def changed(edit) -> str:
        d = copy.deepcopy(seeds_raw)
        edit(d)
        return story_from_dict(d).digest

    edits = {
        "name": lambda d: d.update(name="huawei"),
        "title": lambda d: d.update(title=d["title"] + "!"),
        "description": lambda d: d.update(description="other"),
        "sources": lambda d: d.update(sources="other"),
        "labels": lambda d: d["labels"].update(measure="the ban"),
        "groups (role)": lambda d: d["groups"]["media"].update(role="other"),
        "actors (alias)": lambda d: d["actors"][0]["aliases"].append("Uncle Sam"),
        "actors (group)": lambda d: d["actors"][1].update(group="Huawei"),
        "actors (note)": lambda d: d["actors"][1].update(note="changed"),
        "framing_terms": lambda d: d["framing_terms"]["groups"]["conflict"]["terms"].append("battle"),
        "kwic": lambda d: d["framing_terms"]["kwic"][0]["terms"].pop(),
        "measure_group": lambda d: d.update(measure_group="conflict"),
        "markers": lambda d: d["markers"]["denial"]["lemmas"].append("rebut"),
        "outlet_aliases": lambda d: d.update(outlet_aliases={"NS": "NS Tech"}),
        "examples": lambda d: d["examples"].append("A new sentence."),
    }
    digests = {field: changed(edit) for field, edit in edits.items()}
    assert all(len(d) == 64 for d in digests.values())
    assert base not in digests.values(), [f for f, d in digests.items() if d == base]
    assert len(set(digests.values())) == len(digests)
    # a change of case or a repeated term is the same story
    assert changed(lambda d: d["framing_terms"]["groups"]["conflict"]["terms"].append("War")) == base
    assert changed(lambda d: d["actors"][0]["aliases"].append("the US")) == base


def test_write_then_load_round_trips_with_the_same_digest(tmp_path):
    s = load_story(SEEDS_STORY)
    path = s.write(tmp_path / "out" / "story.yaml")
    assert path.read_text(encoding="utf-8").startswith("# A story file")
    t = load_story(path)
    assert t.digest == s.digest
    assert t.actors.equals(s.actors) and t.terms.equals(s.terms)
    assert (t.name, t.title, dict(t.labels), dict(t.roles), t.kwic_views, t.measure_group, t.examples) == \
        (s.name, s.title, dict(s.labels), dict(s.roles), s.kwic_views, s.measure_group, s.examples)
    assert {k: dict(v) for k, v in t.markers.items()} == {k: dict(v) for k, v in s.markers.items()}
    assert dict(t.notes) == dict(s.notes)
    # actor-level roles are written as group roles and still round-trip
    u = story_from_dict({"name": "x", "title": "t", "actors": [
        {"actor": "A", "group": "g", "role": "legal", "aliases": ["A", "the court"]}]})
    assert load_story(u.write(tmp_path / "u.yaml")).digest == u.digest


# -------------------------------------------------------------------------------------------- resolve_story
def test_resolve_story_gives_the_seeds_story_only_to_the_seeds(byoc_corpus, tmp_path):
    seeds = resolve_story(None)
    assert seeds.name == "huawei_5g" and not seeds.discovered
    found = resolve_story(None, corpus=byoc_corpus, source=str(BYOC / "articles.csv"))
    assert found.discovered and found.name == "articles"
    assert not set(found.roles) & SEEDS_GROUPS and not set(found.actors["actor"]) & set(seeds.actors["actor"])
    assert found.terms.empty and found.markers == {} and found.title != seeds.title
    assert {"Elena Voss", "Grace Okafor"} <= set(found.actors["actor"])
    with pytest.raises(ValueError, match="needs the built corpus"):
        resolve_story(None, source="my_corpus.csv")
    # a story file or a Story always wins
    assert resolve_story(str(SEEDS_STORY), source="x.csv").name == "huawei_5g"
    assert resolve_story(found, source=None) is found
    path = found.write(tmp_path / "story.yaml")
    assert resolve_story(path, corpus=byoc_corpus, source="x.csv").digest == found.digest


def test_with_files_applies_the_older_files_as_overrides():
    base = load_story(SEEDS_STORY)
    assert with_files(base) is base
    s = with_files(base, actors=BYOC / "actors.yaml", framing_terms=BYOC / "framing_terms.yaml",
                   markers=BYOC / "attribution_markers.yaml")
    assert set(s.actors["actor"]) == {a["actor"] for a in yaml.safe_load((BYOC / "actors.yaml").read_text())["actors"]}
    assert not set(s.roles) & SEEDS_GROUPS
    assert s.role_of("city government") == "government" and s.role_of("analysts") == "expert"
    assert set(s.roles.values()) <= set(ROLES)
    assert list(dict.fromkeys(s.terms["group"])) == ["naming_the_deal", "economic_case", "conflict", "human_stakes"]
    assert [t for t, _ in s.kwic_views] == ["What the deal is called", "Accusations and denials"]
    # the names of the lease join the framing-term group that lists most of them
    assert s.measure_group == "naming_the_deal"
    assert {"lease", "transaction", "sell-off", "foreign operator"} <= set(s.measure_terms["term"])
    assert s.label("measure") == "the terminal lease" and s.label("accusation").startswith("the accusations (")
    assert "sham" in s.markers["accusation_topic"]["lemmas"] and "no secret deal" in s.markers["denial"]["phrases"]
    assert s.title == base.title and s.digest != base.digest
    # only the framing terms: the measure group is dropped because the seeds' group is gone
    t = with_files(base, framing_terms=BYOC / "framing_terms.yaml")
    assert t.measure_group is None and t.roles == base.roles


def test_with_files_errors_name_the_file(tmp_path):
    base = load_story(SEEDS_STORY)
    with pytest.raises(FileNotFoundError, match="actor file not found"):
        with_files(base, actors=tmp_path / "nope.yaml")
    bad = tmp_path / "my_actors.yaml"
    bad.write_text("actors: {a: 1}\n", encoding="utf-8")
    with pytest.raises(StoryError, match=r"my_actors\.yaml: expected a top-level 'actors:' list"):
        with_files(base, actors=bad)
    bad.write_text("actors:\n- {actor: A, group: g, aliases: [A]}\n- {actor: B, group: g, aliases: [A]}\n")
    with pytest.raises(StoryError, match=r"my_actors\.yaml: actors\[1\] \(actor 'B'\).*already used by actor 'A'"):
        with_files(base, actors=bad)


# ------------------------------------------------------------------------------------------- discover_story
def _fake_corpus(pairs, n_docs: int = 3):
    """A stand-in with only what discover_story reads: an entity table and the documents."""
    from types import SimpleNamespace

    ents = pd.DataFrame([{"doc_id": f"d{i % n_docs}", "text": t, "label": lab} for i, (t, lab) in enumerate(pairs)],
                        columns=["doc_id", "text", "label"])
    return SimpleNamespace(entities=ents, documents=pd.DataFrame({"doc_id": [f"d{i}" for i in range(n_docs)]}))


def _by_actor(story: Story) -> dict[str, set[str]]:
    return {a: set(rows["alias"]) for a, rows in story.actors.groupby("actor")}


def test_discover_merges_spellings_with_generic_rules_only():
    pairs = ([("Putin", "PERSON")] * 3 + [("Vladimir Putin", "PERSON"), ("President Vladimir Putin", "PERSON")]
             + [("Xi", "PERSON")] * 3 + [("Xi Jinping's", "PERSON")]
             + [("Trump", "ORG")] * 3 + [("Donald Trump", "PERSON")]
             + [("U.S", "GPE"), ("U.S.", "GPE"), ("US", "GPE"), ("the United States", "GPE"), ("The US", "GPE")]
             + [("NCSC", "ORG"), ("the National Cyber Security Centre", "ORG")]
             + [("Alvarez", "PERSON")] * 2 + [("Luis Alvarez", "PERSON"), ("Rosa Alvarez", "PERSON")] * 2
             + [("Huawei", "ORG")] * 4 + [("Huawei Carrier", "PERSON")] * 2
             + [("Washington", "GPE")] * 2 + [("George Washington", "PERSON")] * 2
             + [("headstart", "GPE")] * 3 + [("March 3", "ORG"), ("2025", "ORG"), ("2025", "GPE"), ("1.2 billion", "PERSON")]
             + [("the chief executive", "PERSON")] * 3 + [("Monday", "ORG")] * 2)
    s = discover_story(_fake_corpus(pairs), name="rules", min_mentions=2)
    got = _by_actor(s)
    assert got["Vladimir Putin"] == {"Putin", "Vladimir Putin", "President Vladimir Putin"}
    assert got["Xi Jinping"] == {"Xi", "Xi Jinping"}                   # family name first
    assert got["Donald Trump"] == {"Trump", "Donald Trump"}             # a surname tagged ORG still joins
    us = next(a for a, al in got.items() if "U.S." in al)
    assert got[us] >= {"U.S", "U.S.", "US", "United States", "the United States", "The US"}
    assert got["National Cyber Security Centre"] >= {"NCSC", "the National Cyber Security Centre"}
    assert "Alvarez" in got and got["Luis Alvarez"] == {"Luis Alvarez"}  # two full names: left apart
    assert got["Huawei"] == {"Huawei"}                                  # an ORG never joins a PERSON by its first word
    assert got["Washington"] == {"Washington"}                          # a place never joins a person
    kept = set().union(*got.values())
    assert not kept & {"headstart", "March 3", "2025", "1.2 billion", "chief executive", "the chief executive", "Monday"}
    assert s.role_of(us) == "government" and s.role_of("Huawei") == "other"
    assert len(s.actors["actor"].unique()) == len(got)


def test_discover_names_persons_without_titles_and_keeps_names_unique():
    pairs = ([("Councillor Harriet Doyle", "PERSON")] * 3 + [("Doyle", "ORG")] * 2
             + [("Dr Anna Berg", "PERSON")] * 2 + [("Prof Anna Berg", "PERSON")] * 3 + [("Anna Berg", "PERSON")] * 4
             + [("Lena", "PERSON")] * 2 + [("Lena Marsh", "PERSON"), ("Anna Lena", "PERSON")] * 2)
    s = discover_story(_fake_corpus(pairs), name="titles")
    got = _by_actor(s)
    assert got["Harriet Doyle"] == {"Councillor Harriet Doyle", "Harriet Doyle", "Doyle"} and s.role_of("Harriet Doyle") == "government"
    # "Anna Berg" is inside two longer names: three actors, three distinct names
    assert {"Anna Berg", "Prof Anna Berg", "Dr Anna Berg"} <= set(got) and got["Anna Berg"] == {"Anna Berg"}
    # "Lena" ends one full name and begins another: left apart
    assert got["Lena"] == {"Lena"} and got["Lena Marsh"] == {"Lena Marsh"}


def test_role_lexicon_is_valid():
    from analysis.story.discover import ROLE_LEXICON

    roles = yaml.safe_load(ROLE_LEXICON.read_text(encoding="utf-8"))["roles"]
    assert set(roles) <= set(ROLES)
    cues = [c for words in roles.values() for c in words]
    assert all(isinstance(c, str) and c == c.lower().strip() and c for c in cues)
    assert len(cues) == len(set(cues)), sorted(c for c in set(cues) if cues.count(c) > 1)


def test_discover_is_deterministic_whatever_the_order_of_the_entities(seed_corpus):
    ents = seed_corpus.entities
    from types import SimpleNamespace

    shuffled = SimpleNamespace(entities=ents.sample(frac=1.0, random_state=3).reset_index(drop=True),
                               documents=seed_corpus.documents)
    a, b = discover_story(seed_corpus, name="seeds"), discover_story(shuffled, name="seeds")
    assert a.digest == b.digest and a.actors.equals(b.actors)
    assert discover_story(seed_corpus, name="seeds").digest == a.digest


def test_discover_on_the_seeds(seed_corpus):
    s = discover_story(seed_corpus, name="seeds")
    assert s.discovered and s.name == "seeds" and s.terms.empty and s.markers == {}
    got = _by_actor(s)
    assert {"Huawei", "Vladimir Putin", "Xi Jinping", "Donald Trump", "Nicolas Maduro", "Ryan Ding"} <= set(got)
    assert {"Putin", "Xi", "Trump", "Maduro", "Ding"} & set(got) == set()    # merged into the full names
    us = next(a for a, al in got.items() if "United States" in al)
    assert {"US", "U.S"} <= got[us] and s.role_of(us) == "government"
    assert s.role_of("China Mobile") == "company" and s.role_of("Russia") == "government"
    assert len(got) == 25 and set(s.roles) == set(got)                     # each actor its own group
    assert s.actors["key"].is_unique
    # the measures get a valid story: every group has a role, and it round-trips
    assert set(s.roles.values()) <= set(ROLES)


def test_discover_on_the_byoc_corpus_finds_its_people_and_never_the_seeds(byoc_corpus):
    s = discover_story(byoc_corpus, name="byoc")
    got = _by_actor(s)
    assert {"Elena Voss", "Grace Okafor", "Rafael Ortiz", "Meridian Ports Group", "Tomas Brandt"} <= set(got)
    assert got["Tomas Brandt"] == {"Councillor Tomas Brandt", "Tomas Brandt", "Brandt"}
    assert {"Voss", "Okafor", "Ortiz", "Brandt"} & set(got) == set()
    assert s.role_of("Tomas Brandt") == "government"      # from "Councillor Tomas Brandt"
    assert s.role_of("Sterling Ratings") == "company" and s.role_of("Port Calder") == "government"
    # two Alvarez full names: "Alvarez" alone belongs to neither
    assert not any("Alvarez" in al for a, al in got.items() if not a.endswith("Alvarez"))
    assert "Alvarez" not in got.get("Luis Alvarez", set())
    assert not set(got) & set(load_story(SEEDS_STORY).actors["actor"])


def test_discover_runs_on_one_document_and_on_a_corpus_without_entities(tmp_path):
    one = analysis.build_corpus(pd.DataFrame({
        "id": ["a1"], "outlet": ["Test Times"], "title": ["One"],
        "text": ["Mayor Anna Berg met Karl Olsen in Oslo on Monday. Berg said the plan was fair. "
                 "Olsen said Oslo would pay. Berg and Olsen will meet again."]}), progress=False, cache_dir=tmp_path)
    s = discover_story(one, name="one")
    assert s.discovered and "1 document(s)" in s.description
    assert _by_actor(s)["Anna Berg"] == {"Anna Berg", "Berg"} and s.role_of("Oslo") == "government"
    assert set(s.roles) == set(s.actors["group"])
    none = analysis.build_corpus(pd.DataFrame({
        "id": ["b1", "b2"], "outlet": ["x", "y"], "title": ["t", "u"],
        "text": ["the cat sat on the mat and it was warm. nobody came.", "it rained all day and the roads were wet."]}),
        progress=False, cache_dir=tmp_path)
    t = discover_story(none, name="quiet")
    assert t.actors.empty and t.roles == {}
    assert "no actors" in t.description and "2 document(s)" in t.description and "--story" in t.description
    # an empty story still writes and reads back
    assert load_story(t.write(tmp_path / "story.yaml")).digest == t.digest
    few = discover_story(_fake_corpus([("Anna Berg", "PERSON")]), name="few")
    assert few.actors.empty and "mentioned at least 2 times" in few.description


def test_guess_role_order_and_word_boundaries():
    assert guess_role("a group of residents", "ORG") == "civil_society"   # the phrase beats the word "group"
    assert guess_role("Meridian Ports Group", "ORG") == "company"
    assert guess_role("Port Calder Chamber of Commerce", "ORG") == "company"
    assert guess_role("Department of Commerce", "ORG") == "government"
    assert guess_role("Dockworkers Union", "ORG") == "civil_society"
    assert guess_role("Unity Bank", "ORG") == "company"                   # "un" is a word, not a prefix
    assert guess_role("Whitehouse Partners", "ORG") == "company"          # "white house" needs both words
    assert guess_role("Residents", "NORP") == "public"
    assert guess_role("Karl Olsen", "PERSON") == "other" and guess_role("Oslo", "GPE") == "government"
    assert guess_role("Chinese", "NORP") == "public"
    lexicon = {"company": ["group"], "civil_society": ["residents"]}       # a user lexicon: order is the file's
    assert guess_role("residents group", "ORG", lexicon=lexicon) == "company"


# ------------------------------------------------------------------------------------------ the byoc story file
def test_byoc_story_file_is_the_three_older_files_in_one(byoc_corpus):
    s = load_story(BYOC / "story.yaml")
    assert s.name == "port_calder_lease" and "Port Calder" in s.title and "hand-made test data" in s.sources.lower()
    assert set(s.labels) == {"topic", "measure", "accusation"} and s.label("measure") == "the terminal lease"
    assert set(s.roles) == set(s.actors["group"])                          # every group has a role
    assert s.role_of("city government") == "government" and s.role_of("Meridian") == "company"
    assert s.role_of("dockworkers") == "civil_society" and s.role_of("residents") == "public"
    assert s.measure_group == "naming_the_deal" and "lease" in set(s.measure_terms["term"])
    assert 3 <= len(s.examples) <= 4
    # the same lists as the override path gives from actors.yaml, framing_terms.yaml, attribution_markers.yaml
    found = resolve_story(None, corpus=byoc_corpus, source=str(BYOC / "articles.csv"))
    w = with_files(found, actors=BYOC / "actors.yaml", framing_terms=BYOC / "framing_terms.yaml",
                   markers=BYOC / "attribution_markers.yaml")
    assert w.actors[["actor", "group", "alias", "key"]].equals(s.actors[["actor", "group", "alias", "key"]])
    assert set(w.terms["term"]) == set(s.terms["term"]) and w.kwic_views == s.kwic_views
    assert set(w.measure_terms["term"]) == set(s.measure_terms["term"]) and w.measure_group == s.measure_group
    assert {k: dict(v) for k, v in w.markers.items()} == {k: dict(v) for k, v in s.markers.items()}
    assert w.label("measure") == s.label("measure") and w.label("accusation") == s.label("accusation")
    # the words are this corpus's: every kwic term and most measure terms occur in its text
    words = set(byoc_corpus.tokens["lemma"].str.lower()) | set(byoc_corpus.tokens["lower"])
    assert all(t.split()[0] in words for _title, terms in s.kwic_views for t in terms)
    text = " ".join(byoc_corpus.documents["text"]).lower()
    assert sum(t in text or t in words for t in s.measure_terms["term"]) >= 14


# --------------------------------------------------------------------- the second hand-made story: a congestion charge
CONGESTION = ROOT / "tests" / "data" / "congestion"


@pytest.fixture(scope="module")
def congestion_corpus():
    return analysis.build_corpus(str(CONGESTION / "articles.csv"), progress=False)


def test_congestion_articles_are_what_the_script_writes_and_fit_the_brief():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_congestion", CONGESTION / "make_congestion_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (CONGESTION / "articles.csv").read_text(encoding="utf-8") == mod.csv_text()
    df = pd.read_csv(CONGESTION / "articles.csv")
    assert list(df.columns) == ["id", "outlet", "date", "title", "url", "text"] and df["id"].is_unique
    assert len(df) >= 12 and df["outlet"].nunique() == 3 and df["outlet"].value_counts().min() >= 4
    words = df["text"].str.split().str.len()
    assert words.between(150, 400).all(), words.tolist()
    dates = pd.to_datetime(df["date"])
    assert (dates.max() - dates.min()).days >= 21
    assert not df["text"].str.contains(r"Huawei|5G|\bports?\b|harbou?r|Meridian", case=False, regex=True).any()
    assert df["text"].str.contains(r'," said|," (?:he|she) said', regex=True).sum() >= 12     # direct quotes
    assert df["text"].str.contains(r"\baccus", regex=True).sum() >= 4
    assert df["text"].str.contains(r"\bden(?:y|ied|ies)\b|\breject", regex=True).sum() >= 4
    assert df["text"].str.contains(r"\d").all()


def test_congestion_corpus_loads_without_rejects_and_its_story_validates(congestion_corpus):
    assert len(congestion_corpus.documents) == 15 and len(congestion_corpus.rejects) == 0
    assert len(congestion_corpus.issues) == 0
    s = resolve_story(CONGESTION / "story.yaml", corpus=congestion_corpus, source=str(CONGESTION / "articles.csv"))
    assert s.name == "halvercombe_congestion_charge" and not s.discovered
    assert set(s.roles) == set(s.actors["group"]) and set(s.roles.values()) <= set(ROLES)
    assert s.groups_with_role("government") == ["city government"]
    assert s.measure_group == "naming_the_charge" and s.label("measure") == "the congestion charge"
    assert set(s.roles) & SEEDS_GROUPS == {"media"}      # a generic group name; no actor of the seeds
    assert not set(s.actors["actor"]) & set(load_story(SEEDS_STORY).actors["actor"])
    # its words occur in its articles: every framing term (lemma, lower-case token or phrase), every alias
    tokens = congestion_corpus.tokens
    words = set(tokens["lemma"].str.lower()) | set(tokens["lower"])
    text = " ".join(congestion_corpus.documents["text"])
    missing = [t for t in s.terms["term"] if not (t in words or (" " in t and t in text.lower()))]
    assert missing == []
    unseen = [a for a in s.actors["alias"]
              if not re.search(rf"(?<!\w)[{a[0].lower()}{a[0].upper()}]{re.escape(a[1:])}(?!\w)", text)]
    assert unseen == []
    # every outlet has accusation sentences and quotes from more than one side
    from analysis.measures import context_sentences, extract_quotes, load_markers

    markers = {**load_markers(), **{k: {kk: list(v) for kk, v in m.items()} for k, m in s.markers.items()}}
    ctx = context_sentences(congestion_corpus, markers=markers)
    assert (ctx.groupby("outlet")["accusation"].sum() >= 1).all() and ctx["denial"].sum() >= 5
    quotes = extract_quotes(congestion_corpus, table=s.actors[["actor", "group", "alias", "key"]])
    sides = quotes[quotes["speaker_group"] != "unresolved"].groupby("outlet")["speaker_group"].nunique()
    assert len(sides) == 3 and (sides >= 4).all()
