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
