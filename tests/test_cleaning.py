"""Cleaning: every raw line audited, boilerplate removed by named rules, body kept, idempotent."""
from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis.corpus.clean import RulesError, clean_corpus, clean_text, load_rules, outlet_boilerplate
from analysis.corpus.load import load_corpus


@pytest.fixture(scope="module")
def seeds_clean():
    raw = load_corpus()
    return raw, clean_corpus(raw.documents)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def test_audit_accounts_for_every_raw_line_of_every_seed(seeds_clean):
    raw, clean = seeds_clean
    for doc in raw.documents.itertuples():
        audit = clean.audit[clean.audit.doc_id == doc.doc_id]
        assert audit.line_no.tolist() == list(range(1, len(_lines(doc.text)) + 1))
        assert audit.raw_line.tolist() == _lines(doc.text)
        assert audit.rule.notna().all() and audit.action.isin(["keep", "heading", "metadata", "remove"]).all()


def test_seed_boilerplate_is_removed_by_the_right_rule(seeds_clean):
    _, clean = seeds_clean
    rule = {(r.doc_id[:3], r.raw_line.strip()): r.rule for r in clean.audit.itertuples()}
    assert rule[("000", "Listen Live")] == "navigation"
    assert rule[("000", "Asia & Pacific")] == "sputnik_section_label"
    assert rule[("000", "© AP Photo / Andy Wong")] == "photo_credit"
    assert rule[("000", "5G, 5G network, Huawei, US, China")] == "tag_line"
    assert rule[("001", "WANG ZHAO/AFP/Getty Images")] == "photo_credit"
    assert rule[("002", "China's Xi and Russia's Putin take part in economic forum")] == "caption_next_to_credit"
    assert rule[("002", "Sign Up for Newsletters and Alerts")] == "newsletter_widget"
    assert rule[("003", "India Set to Allow Huawei to Participate in 5G Trials - Gov't Source")] == "related_headline"
    assert rule[("004", "SEE ALSO: SCREENSHOTS OF HUAWEI'S NEW OS LEAKED")] == "promo_link"
    assert rule[("004", "Jessica Miley")] == "byline"
    assert rule[("004", "Job Board")] == "footer_fragment"


def test_seed_body_text_and_headings_are_kept(seeds_clean):
    _, clean = seeds_clean
    text = dict(zip(clean.documents.doc_id.str[:3], clean.documents.text))
    assert "Huawei has adamantly denied all of the US' accusations against it." in text["002"]
    assert text["001"].endswith("The UK government is expected to publish its official stance on Huawei in the coming weeks.")
    assert text["003"].startswith("Embattled Chinese tech giant Huawei")
    for t in text.values():
        for junk in ("Listen Live", "Get short URL", "Getty Images", "All rights reserved", "Google News feed", "Community standards"):
            assert junk not in t
    headings = clean.paragraphs[clean.paragraphs.kind == "heading"].text.tolist()
    assert headings == ["US Crackdown Campaign", "Entity List: trouble on both sides", "Countries look for 5G alternatives"]


def test_paragraph_offsets_slice_the_clean_text(seeds_clean):
    _, clean = seeds_clean
    texts = dict(zip(clean.documents.doc_id, clean.documents.text))
    for p in clean.paragraphs.itertuples():
        assert texts[p.doc_id][p.start_char:p.end_char] == p.text


def test_cleaning_is_idempotent_on_the_seeds(seeds_clean):
    _, clean = seeds_clean
    for doc in clean.documents.itertuples():
        again = clean_text(doc.text, outlet=doc.outlet)
        assert again.text == doc.text
        assert set(a["action"] for a in again.audit) <= {"keep", "heading", "remove"}


GUARDIAN_STYLE = textwrap.dedent("""\
    Skip to main content
    Technology
    UK to strip Huawei kit from 5G network by 2027
    Alex Hern
    Share on Facebook
    Share on Twitter

    The government has ordered telecoms companies to remove all Huawei equipment from the UK's 5G network by 2027.

    Ministers said the decision followed new US sanctions that made the company's supply chain unreliable.
    Photograph: Kirsty Wigglesworth/AP

    What happens next

    Operators warned that the move would delay the rollout and cost up to £2bn.

    Explore more on these topics
    Huawei
    Reuse this content""")

REUTERS_STYLE = textwrap.dedent("""\
    Updated 2 hours ago
    EU weighs curbs on high-risk 5G vendors

    BRUSSELS, March 3 (Reuters) - European Union officials are weighing new rules that could exclude high-risk vendors from 5G networks, three people familiar with the matter said.

    The proposal does not name Huawei, but diplomats said the Chinese company was the main target.

    Reporting by Foo Bar; Editing by Baz Qux
    Our Standards: The Thomson Reuters Trust Principles.""")

BLOG_STYLE = textwrap.dedent("""\
    Posted by admin on March 3, 2020
    Why the Huawei ban matters for rural broadband

    Rural carriers in the US bought Huawei gear because it was cheap, and replacing it will take years.
    Many of them say the government has not paid for the replacement yet.

    Tags: Huawei, rural broadband, FCC, 5G
    Like this:
    Like Loading...
    Leave a Reply""")


@pytest.mark.parametrize("page, title, body_starts, body_ends, removed", [
    (GUARDIAN_STYLE, "UK to strip Huawei kit from 5G network by 2027", "The government has ordered",
     "cost up to £2bn.", ["Share on Facebook", "Photograph: Kirsty Wigglesworth/AP", "Reuse this content", "Huawei"]),
    (REUTERS_STYLE, "EU weighs curbs on high-risk 5G vendors", "BRUSSELS, March 3 (Reuters)",
     "the main target.", ["Reporting by Foo Bar; Editing by Baz Qux", "Our Standards: The Thomson Reuters Trust Principles."]),
    (BLOG_STYLE, "Why the Huawei ban matters for rural broadband", "Rural carriers in the US",
     "the replacement yet.", ["Like this:", "Like Loading...", "Leave a Reply"]),
])
def test_unseen_outlet_styles(page, title, body_starts, body_ends, removed):
    doc = clean_text(page)
    assert doc.metadata["title"] == title
    assert doc.text.startswith(body_starts) and doc.text.endswith(body_ends)
    audit = {a["raw_line"]: a for a in doc.audit}
    for line in removed:
        assert audit[line]["action"] in ("remove", "metadata"), line
        assert line not in doc.text.split("\n\n")
    assert clean_text(doc.text).text == doc.text  # idempotent
    assert len(doc.audit) == len(page.split("\n"))


def test_guardian_style_byline_heading_and_credit():
    doc = clean_text(GUARDIAN_STYLE)
    assert doc.metadata["author"] == "Alex Hern"
    assert ("heading", "What happens next") in doc.paragraphs
    rules = {a["raw_line"]: a["rule"] for a in doc.audit}
    assert rules["Photograph: Kirsty Wigglesworth/AP"] == "photo_credit"
    blog = clean_text(BLOG_STYLE)
    assert blog.metadata["page_date"] == "Posted by admin on March 3, 2020"
    assert blog.metadata["tags"] == "Tags: Huawei, rural broadband, FCC, 5G"


TITLE = "Huawei Wins a Big Contract in Europe"
BODY = "The company signed the deal on Monday, officials said."


def _header(*lines: str) -> dict:
    doc = clean_text("\n".join([*lines, "", BODY]))
    return {"author": doc.metadata.get("author"),
            "rules": {a["raw_line"]: a["rule"] for a in doc.audit if a["raw_line"] and a["raw_line"] != BODY}}


@pytest.mark.parametrize("lines, author, rules", [
    ((TITLE, "By Ana Silva"), "Ana Silva", {"By Ana Silva": "byline"}),
    (("By Ana Silva", "Technology", TITLE), "Ana Silva", {"By Ana Silva": "byline"}),  # "By": anywhere in the header
    ((TITLE, "Peter Jones"), "Peter Jones", {"Peter Jones": "byline"}),
    (("Peter Jones", TITLE), "Peter Jones", {"Peter Jones": "byline"}),
    ((TITLE, "London Office"), None, {"London Office": "header_fragment"}),  # not a person's name
    ((TITLE, "By Ana Silva", "Peter Jones"), "Ana Silva", {"By Ana Silva": "byline", "Peter Jones": "header_fragment"}),
    (("Peter Jones", "Technology", "Breaking", TITLE), None, {"Peter Jones": "header_fragment"}),  # not by the title
])
def test_byline_is_the_first_by_line_or_a_person_name_next_to_the_title(lines, author, rules):
    found = _header(*lines)
    assert found["author"] == author
    assert {line: found["rules"][line] for line in rules} == rules
    assert found["rules"][TITLE] == "header_title"
    assert list(found["rules"].values()).count("byline") == (author is not None)


def test_lines_repeated_across_one_outlet_are_boilerplate_only_for_that_outlet():
    body = "Huawei said on Monday that it would keep investing in 5G research in Europe."
    docs = pd.DataFrame({
        "doc_id": ["a1", "a2", "b1"],
        "outlet": ["Alpha", "Alpha", "Beta"],
        "text": [f"{body}\nTrending now on Alpha TV\n\nA second sentence follows here.",
                 f"Officials disagreed with the company.\nTrending now on Alpha TV\n\n{body}",
                 f"{body}\nTrending now on Alpha TV\n\nThe end of the story is here."],
    })
    clean = clean_corpus(docs)
    rules = clean.audit[clean.audit.raw_line == "Trending now on Alpha TV"].set_index("doc_id").rule
    assert rules["a1"] == rules["a2"] == "outlet_boilerplate"
    assert rules["b1"] != "outlet_boilerplate"


def _outlet(n_docs: int, *, shared: str, shared_in: int, furniture: str = "Trending now on Alpha TV") -> pd.DataFrame:
    texts = [f"Story number {i} begins with its own long opening sentence about the matter.\n{furniture}\n\n"
             + (f"{shared}\n\n" if i < shared_in else "") + f"Its last sentence is number {i} too." for i in range(n_docs)]
    return pd.DataFrame({"doc_id": [f"a{i}" for i in range(n_docs)], "outlet": "Alpha", "text": texts})


def test_outlet_boilerplate_is_relative_to_the_outlets_size():
    rules = load_rules()
    big = _outlet(40, shared="No one disputes that.", shared_in=2)
    found = outlet_boilerplate(big, rules=rules)["Alpha"]
    assert "trending now on alpha tv" in found  # on every page: furniture
    assert "no one disputes that." not in found  # 2 of 40 pages: a recurring body sentence
    clean = clean_corpus(big)
    assert "No one disputes that." in clean.documents.set_index("doc_id").text["a0"]
    share = rules.repeats["min_share"]
    n_min = max(rules.repeats["min_docs"], int(-(-share * 40 // 1)))
    assert "no one disputes that." in outlet_boilerplate(_outlet(40, shared="No one disputes that.",
                                                                 shared_in=n_min), rules=rules)["Alpha"]
    small = _outlet(2, shared="No one disputes that.", shared_in=2)  # the floor: 2 documents
    assert "no one disputes that." in outlet_boilerplate(small, rules=rules)["Alpha"]


def test_two_identical_short_articles_keep_their_body():
    text = "Shares fell.\n\nThe firm said nothing."
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "X"],
                         "text": [text, text, "Other news.\n\nThe firm said nothing."]})
    clean = clean_corpus(docs)
    texts = clean.documents.set_index("doc_id").text
    assert texts["a"] == texts["b"] == "Shares fell.\n\nThe firm said nothing."
    audit = clean.audit.set_index(["doc_id", "raw_line"])
    assert audit.loc[("a", "Shares fell."), "rule"] == "only_body_kept"
    assert audit.loc[("a", "Shares fell."), "action"] == "keep"
    # c has body text of its own, so its repeated line is still removed
    assert audit.loc[("c", "The firm said nothing."), "rule"] == "outlet_boilerplate"
    assert texts["c"] == "Other news."


@pytest.mark.parametrize("value", [0, 1.5, "x"])
def test_min_share_must_be_a_share(tmp_path, value):
    import yaml

    from analysis.corpus.clean import DEFAULT_RULES

    raw = yaml.safe_load(DEFAULT_RULES.read_text())
    raw["outlet_repeats"]["min_share"] = value
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(RulesError, match="outlet_repeats.*min_share"):
        load_rules(path)


def test_exact_and_near_duplicate_paragraphs_are_removed_once():
    p = "Huawei said it will increase its investment in 5G despite the restrictive measures against it this year."
    near = "Huawei said on Monday it will increase its investment in 5G despite the restrictive measures against it."
    doc = clean_text(f"{p}\n\nOther news came later in the day from Beijing officials.\n\n{p}\n\n{near}")
    rules = [a["rule"] for a in doc.audit if a["raw_line"]]
    assert rules == ["body", "body", "duplicate_line", "near_duplicate_paragraph"]


def test_outlet_rules_are_data(tmp_path):
    import yaml

    from analysis.corpus.clean import DEFAULT_RULES

    cfg = yaml.safe_load(DEFAULT_RULES.read_text())
    cfg["outlet_rules"]["Gamma"] = [{"name": "gamma_promo", "action": "remove", "pattern": "^Watch Gamma TV live$"}]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(cfg))
    rules = load_rules(path)
    page = "Watch Gamma TV live\n\nHuawei signed a deal with a Russian carrier on Wednesday."
    assert clean_text(page, outlet="Gamma", rules=rules).audit[0]["rule"] == "gamma_promo"
    assert clean_text(page, outlet="Delta", rules=rules).audit[0]["rule"] != "gamma_promo"


@pytest.mark.parametrize("entry, message", [
    ({"name": "broken", "action": "remove", "pattern": "(unclosed"}, "rule 'broken': bad regular expression"),
    ({"name": "odd", "action": "delete", "pattern": "x"}, "rule 'odd': unknown action 'delete'"),
    ({"name": "nopattern", "action": "remove"}, "missing 'pattern'"),
])
def test_malformed_rules_are_rejected_naming_the_entry(tmp_path, entry, message):
    import yaml

    from analysis.corpus.clean import DEFAULT_RULES

    cfg = yaml.safe_load(DEFAULT_RULES.read_text())
    cfg["line_rules"].append(entry)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg))
    with pytest.raises(RulesError, match=message.replace("(", r"\(")):
        load_rules(path)


def _recombined_page(n_paragraphs: int, seed: int) -> str:
    """A long page of paragraphs recombined from the sentences of the invented congestion articles."""
    import random
    import re
    from pathlib import Path

    texts = load_corpus(Path(__file__).parent / "data" / "congestion" / "articles.csv").documents.text
    sentences = sorted({s for t in texts for s in re.split(r"(?<=[.!?])\s+", str(t)) if len(s.split()) >= 6})
    rng = random.Random(seed)
    return "\n\n".join(" ".join(rng.sample(sentences, 2)) for _ in range(n_paragraphs))


def test_near_duplicate_search_is_not_all_pairs(monkeypatch):
    """Cleaning a long page compares each paragraph with a few others, not with every kept one (issue 9)."""
    from analysis.corpus import clean

    compared = [0]

    class CountingSet(set):
        def __and__(self, other):
            compared[0] += 1
            return set.__and__(self, other)

    real = clean._shingles
    monkeypatch.setattr(clean, "_shingles", lambda line, n=3: CountingSet(real(line, n)))
    n = 1500
    doc = clean_text(_recombined_page(n, seed=0))
    assert sum(a["rule"] == "body" for a in doc.audit) > n // 2
    assert compared[0] < 10 * n  # all pairs would be about n * n / 2 comparisons


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_duplicate_search_finds_what_all_pairs_finds(seed):
    """The indexed search removes exactly the paragraphs a comparison with every kept paragraph removes."""
    from analysis.corpus.clean import normalize_line

    rules = load_rules()
    d = rules.duplicates
    page = _recombined_page(300, seed=seed)
    doc = clean_text(page, rules=rules)
    got = [a["line_no"] for a in doc.audit if a["rule"] == d["near_rule"]]
    import re

    def shingles(line):
        toks = re.findall(r"\w+", line.lower())
        return {tuple(toks[i:i + 3]) for i in range(max(len(toks) - 2, 1))}

    kept, seen, want = [], set(), []
    for no, raw in enumerate(page.split("\n"), start=1):
        line = normalize_line(raw)
        if not line or line.lower() in seen:
            continue
        seen.add(line.lower())
        if len(line.split()) < d["near_min_words"]:
            continue
        sh = shingles(line)
        if any(len(sh & o) / len(sh | o) >= d["near_threshold"] for o in kept):
            want.append(no)
        else:
            kept.append(sh)
    assert len(want) > 5 and got == want


def _name_lines(n: int) -> str:
    """A header of ``n`` distinct name-like lines (each could be a byline), then one sentence."""
    import itertools
    import string

    names = ("P" + "".join(t) + " J" + "".join(t) for t in itertools.product(string.ascii_lowercase, repeat=4))
    return "\n".join(itertools.islice(names, n)) + "\nThe council voted on Tuesday to approve the charge."


def _wrapped_lines(n: int) -> str:
    """``n`` lines of 12 to 16 words drawn from the congestion articles' vocabulary, no blank lines and no
    final punctuation between the first and the last line: one long hard-wrapped paragraph."""
    import random
    import re
    from pathlib import Path

    texts = load_corpus(Path(__file__).parent / "data" / "congestion" / "articles.csv").documents.text
    vocab = sorted({w for t in texts for w in re.findall(r"[a-z]+", str(t).lower())})
    rng = random.Random(5)
    lines = [" ".join(rng.choices(vocab, k=rng.randint(12, 16))) for _ in range(n)]
    return "\n".join(["The council voted on Tuesday to approve the charge.", *lines]) + "."


@pytest.mark.parametrize("make_page", [_name_lines, _wrapped_lines])
def test_long_pages_are_cleaned_in_linear_time(make_page):
    """Each header line that could be a byline used to rescan the header before it, and each long body
    line was compared with every kept one for near duplicates (issue 9)."""
    import time

    def cpu_seconds(n: int) -> float:
        page = make_page(n)
        best = float("inf")
        for _ in range(3):
            t = time.process_time()
            doc = clean_text(page)
            best = min(best, time.process_time() - t)
        assert len(doc.text) > 30
        return best

    small, large = cpu_seconds(3000), cpu_seconds(12000)
    assert large < 8 * max(small, 0.005)  # 4 times the lines: about 4 times the time, not 16
