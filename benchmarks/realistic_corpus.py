"""A seeded, realistic synthetic news corpus for the speed goals (issue 18): N articles of 700-900 words.

Everything in it is invented: the region of Lowfield, its water utility, the consortium that bids for it,
the politicians, campaigners, experts, residents, places, outlets and reporters. Articles are written from
sentence templates and word pools (no sentence of a real article): news prose with named people,
organisations and places, quotes with "said", reported speech with "according to", accusations and denials,
numbers and dates, paragraphs of one to four sentences and sentence lengths from 5 to 45 words, so that every
measure (actors, quotes, agency, attribution, tone, frames, topics, distinctive words) has work to do.

Articles of several outlets (unequal sizes, each with its own slant) cover the same invented events
(``event`` column) over several months; every article has a title, an author and a date near its event's.

    python benchmarks/realistic_corpus.py OUT_DIR [--n 300] [--seed 42] [--outlets 5]

writes ``OUT_DIR/articles.csv`` and ``OUT_DIR/story.yaml`` (the story of the invented world: actors with
aliases and roles, framing terms, accusation and denial markers), ready for
``python -m analysis.run --corpus OUT_DIR/articles.csv --story OUT_DIR/story.yaml``.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------------------------
# The invented world
# --------------------------------------------------------------------------------------------------------------

#: Outlets (name, share of the articles, slant: "pro" the sale, "anti", or "neutral"), biggest first.
OUTLETS = (
    ("Northgate Herald", 0.30, "pro"),
    ("Riverside Wire", 0.25, "neutral"),
    ("The Civic Ledger", 0.19, "anti"),
    ("Harbour Radio News", 0.15, "neutral"),
    ("Eastmoor Citizen", 0.11, "anti"),
    ("Tollbridge Evening Star", 0.08, "pro"),
    ("Saltings Observer", 0.06, "neutral"),
)

#: People: (short key, full name, title before the name, organisation key).
PEOPLE = {
    "hale": ("Corin Hale", "Infrastructure Minister", "gov"),
    "ellery": ("Maud Ellery", "Regional Treasurer", "gov"),
    "pask": ("Dorian Pask", "Lowfield Water chief executive", "utility"),
    "solvik": ("Ingrid Solvik", "Harrowgate Capital managing partner", "harrowgate"),
    "abara": ("Ruth Abara", "the coordinator of Keep Lowfield Water Public", "campaign"),
    "murrow": ("Declan Murrow", "general secretary of the Water and Utility Workers' Union", "union"),
    "reade": ("Tamsin Reade", "who leads the Commons Party in the assembly", "commons"),
    "varga": ("Hilde Varga", "Professor", "kestrel"),
    "qureshi": ("Samir Qureshi", "an analyst at the Institute for Utility Economics", "institute"),
    "oduya": ("Miriam Oduya", "Justice", "court"),
    "brannock": ("Felix Brannock", "Water Standards Authority chair", "authority"),
    "lindqvist": ("Ada Lindqvist", "secretary of the Lowfield Anglers' Society", "anglers"),
}

#: Organisations: key -> (name, aliases, group, role).
ORGS = {
    "gov": ("Lowfield Regional Government", ["the regional government", "the government", "ministers"],
            "regional government", "government"),
    "assembly": ("Lowfield Assembly", ["the assembly", "assembly members"], "regional government", "government"),
    "utility": ("Lowfield Water", ["the utility", "the water company"], "Lowfield Water", "company"),
    "harrowgate": ("Harrowgate Capital", ["the consortium", "the bidders", "Harrowgate"], "Harrowgate Capital",
                   "company"),
    "campaign": ("Keep Lowfield Water Public", ["the campaign", "campaigners"], "campaigners", "civil_society"),
    "union": ("Water and Utility Workers' Union", ["the union", "union members"], "workers", "civil_society"),
    "commons": ("Commons Party", ["the opposition", "opposition members"], "opposition", "political"),
    "kestrel": ("Kestrel University", ["the university", "researchers"], "experts", "expert"),
    "institute": ("Institute for Utility Economics", ["the institute", "economists"], "experts", "expert"),
    "court": ("Regional Court", ["the court", "the judge"], "courts", "legal"),
    "authority": ("Water Standards Authority", ["the regulator", "the authority"], "regulator", "government"),
    "anglers": ("Lowfield Anglers' Society", ["the anglers", "anglers"], "campaigners", "civil_society"),
}

PLACES = ("Eastmoor", "Caddon Bay", "Fenwick Cross", "Highmarsh", "Tollbridge", "Saltings", "Westerleigh",
          "Burnholme", "Marlow Quay", "Ashcombe")
RIVERS = ("the River Aske", "the River Tamber", "Corrow Brook", "the Fenwick Canal")
SITES = ("the Saltings reservoir", "the Highmarsh treatment works", "the Eastmoor pumping station",
         "the Caddon Bay outfall", "the Burnholme filtration plant")
FIRST_F = ("Priya", "Agnes", "Lucia", "Sofia", "Hannah", "Grace", "Nora", "Rosa", "Aisha", "Mei", "Leona", "Tessa")
FIRST_M = ("Tom", "Kwame", "Martin", "Owen", "Idris", "Pavel", "Felipe", "Ewan", "Colm", "Jonas", "Bram", "Yusuf")
FIRST = FIRST_F + FIRST_M
LAST = ("Lomax", "Fairweather", "Okonjo", "Brightwell", "Castellan", "Dunmore", "Halloran", "Ivers", "Kettering",
        "Marchetti", "Nwosu", "Pembury", "Quillan", "Rowntree", "Sandoval", "Thorne", "Underhill", "Varley",
        "Whitcombe", "Ashdown", "Blackmore", "Corrigan", "Delacroix", "Esterhazy")
JOBS = ("a retired teacher", "a nurse", "a bakery owner", "a bus driver", "a pensioner", "a parent of three",
        "a student", "a farmer", "a plumber", "a care worker", "a shop manager", "a fisherman")

#: Kinds of invented events: lead sentences, headline templates, facts drawn per event.
EVENTS = {
    "bid": dict(
        lead=["{consortium} has offered {money} million for {utility}, the regional government confirmed on {weekday}.",
              "The regional government received a formal bid of {money} million for {utility} from {consortium} on {weekday}, opening the final stage of the sale."],
        title=["Consortium bids {money} million for Lowfield Water", "{consortium} makes {money} million offer for water utility",
               "Water sale enters final stage after {money} million bid", "What the {money} million offer means for bills",
               "Ministers weigh {consortium} offer for Lowfield Water"]),
    "vote": dict(
        lead=["The Lowfield Assembly voted by {votes_for} to {votes_against} on {weekday} to approve the sale of {utility}.",
              "Assembly members backed the sale of the region's water utility by {votes_for} votes to {votes_against} after a debate that ran past midnight."],
        title=["Assembly approves water sale by {votes_for} votes to {votes_against}", "Water sale clears assembly after late-night debate",
               "Narrow vote opens the way for Lowfield Water sale", "How assembly members voted on the water sale",
               "Opposition vows to fight on after water sale vote"]),
    "protest": dict(
        lead=["About {crowd} people marched through {place} on {weekday} against the sale of {utility}.",
              "Thousands of residents, union members and anglers gathered in {place} on {weekday} to protest against the planned sale of the water utility."],
        title=["{crowd} march in {place} against water sale", "Protesters fill {place} as anger over water sale grows",
               "Residents march against sale of Lowfield Water", "Unions and anglers join march in {place}",
               "Ministers dismiss protest as sale goes ahead"]),
    "audit": dict(
        lead=["A leaked audit of {utility} found that {percent} percent of the pipes in {place} are older than fifty years, raising new questions about the sale.",
              "An internal audit seen by reporters says leaks at {site} cost the utility {money} million over five years."],
        title=["Leaked audit finds ageing pipes across {place}", "Audit puts cost of leaks at {money} million",
               "Water audit raises questions about sale", "Utility says leaked audit is out of date",
               "Pipes under {place} older than fifty years, audit finds"]),
    "spill": dict(
        lead=["Untreated sewage flowed into {river} for {hours} hours on {weekday} after a pump failed at {site}.",
              "Anglers found dead fish along {river} on {weekday}, a day after a sewage overflow at {site}."],
        title=["Sewage spill closes {river} to swimmers", "Dead fish found after overflow at treatment works",
               "Pump failure sends sewage into {river}", "Anglers demand answers after spill at {site}",
               "Utility apologises for sewage overflow"]),
    "price": dict(
        lead=["Household water bills in Lowfield will rise by {percent} percent from next spring, {utility} said on {weekday}.",
              "The average household will pay {pounds} pounds a year more for water under a price plan published by {utility} on {weekday}."],
        title=["Water bills to rise {percent} percent next spring", "Households face higher water bills under new plan",
               "Lowfield Water sets out {percent} percent price rise", "Bill rise is the price of repairs, utility says",
               "Campaigners say price rise proves sale is a bad deal"]),
    "strike": dict(
        lead=["Engineers at {utility} walked out for {hours} hours on {weekday} in a dispute over jobs and pensions after the sale.",
              "Union members at {site} began a strike on {weekday}, saying the sale puts {jobs} jobs at risk."],
        title=["Water engineers strike over jobs after sale", "Union warns {jobs} jobs at risk as strike begins",
               "Walkout at {site} over pensions", "Strike at Lowfield Water enters second day",
               "Consortium promises to protect jobs as engineers walk out"]),
    "court": dict(
        lead=["The Regional Court agreed on {weekday} to hear a challenge to the sale of {utility} brought by campaigners.",
              "Campaigners asked the Regional Court on {weekday} to halt the sale of the water utility, arguing that the consultation was unlawful."],
        title=["Court to hear challenge to water sale", "Campaigners take water sale to court",
               "Judge allows legal challenge to Lowfield Water sale", "Government confident sale is lawful",
               "Legal fight over water sale could delay deal"]),
    "inquiry": dict(
        lead=["The Water Standards Authority opened an inquiry on {weekday} into how {utility} reported leaks and spills before the sale.",
              "The regulator said on {weekday} it would investigate the utility's spill records at {site}."],
        title=["Regulator opens inquiry into spill records", "Water Standards Authority to investigate utility",
               "Inquiry into leak reporting at Lowfield Water", "Spill records at {site} under scrutiny",
               "Utility welcomes inquiry and promises full cooperation"]),
    "consultation": dict(
        lead=["The regional government published the results of its consultation on the water sale on {weekday}, saying {percent} percent of responses supported it.",
              "More than {crowd} people responded to the consultation on the future of {utility}, according to figures released on {weekday}."],
        title=["Consultation results on water sale published", "{percent} percent back sale, government says",
               "Critics question consultation on water sale", "Thousands respond to water sale consultation",
               "Campaign calls consultation on water sale a sham"]),
}

# Sentence templates. Slots: {gov_name} {gov_title} ... filled from PEOPLE; {utility} {consortium} {campaign}
# {union} {commons} {place} {river} {site} {money} {percent} ... from the event; {resident} {job} drawn per use.
# Quotes are chosen by side (pro/anti/neutral) and the outlet's slant decides how often each side speaks.
QUOTES = {
    "pro": [
        "This sale secures the investment our pipes have needed for forty years",
        "Families will get cleaner water and fewer leaks, and the region will get its money back",
        "We have been clear from the start that the public interest comes first",
        "The new owners have promised to invest {money} million in the first five years, and we will hold them to it",
        "Nobody wants a water company that loses a quarter of its water through leaks",
        "The deal protects jobs and brings expertise that the region does not have",
        "Strong private investment is the fastest way to fix the network",
        "It is a good deal for customers and a fair deal for taxpayers",
    ],
    "anti": [
        "Families in {place} are being asked to pay more for water that is dirtier than it was ten years ago",
        "This is a fire sale of something that belongs to every household in Lowfield",
        "Once it is sold, we will never get it back, and the shareholders will take the profits",
        "The government has hidden the true state of the pipes from the people who paid for them",
        "Our members keep the water running and they have been treated with contempt",
        "Every time the river floods with sewage, the company says it is sorry and nothing changes",
        "The consultation was a sham, and people can see that",
        "Water is not a luxury, it is a right, and it should stay in public hands",
    ],
    "neutral": [
        "The evidence on private ownership of water is mixed, and much depends on the regulator",
        "Whoever owns the network, the pipes will need billions of pounds of work",
        "Bills have risen faster under private owners elsewhere, but investment has too",
        "The real question is who pays for the repairs, customers or shareholders",
        "We will look at the records carefully before we reach any conclusion",
        "The court will decide whether the consultation met the legal standard",
    ],
}
INDIRECT = {
    "pro": ["the sale would bring {money} million of new investment into the network",
            "bills would have risen anyway because of the cost of repairs",
            "the new owners had agreed to keep every front-line job for three years",
            "the criticism ignored decades of underinvestment by previous governments"],
    "anti": ["the sale price was far below the value of the network",
             "the utility had under-reported spills for years",
             "households in {place} would pay for the consortium's debts",
             "the government had ignored thousands of objections"],
    "neutral": ["the regulator would need new powers to oversee a private owner",
                "similar sales elsewhere had produced both higher bills and faster repairs",
                "the final price would depend on the state of the pipes",
                "the figures had not yet been independently checked"],
}
ACCUSE = [
    "{accuser} accused {accused} of {charge}.",
    "{accuser} has accused {accused} of {charge}, a claim {accused_short} rejects.",
    "In a letter to the regulator, {accuser} alleged that {accused} had been {charge_ing}.",
    "The accusation that {accused} was {charge_ing} has dogged the sale for months.",
]
CHARGES = [("hiding the true cost of the repairs", "hiding the true cost of the repairs"),
           ("misleading the public about the state of the pipes", "misleading the public about the state of the pipes"),
           ("under-reporting sewage spills", "under-reporting sewage spills"),
           ("rigging the consultation", "rigging the consultation"),
           ("selling the network too cheaply", "selling the network too cheaply")]
DENY = [
    "{accused_short} denied the allegations, calling them baseless.",
    "A spokesperson for {accused} rejected the claims and said the figures had been published in full.",
    "{accused_short} has denied any wrongdoing.",
    "\"There is no truth in this,\" a spokesperson for {accused} said.",
    "{accused_short} dismissed the claims as politically motivated.",
    "In a statement, {accused_short} said the accusation was false and that it would respond in detail to the regulator.",
]
ACCORDING = [
    "According to {utility}, {share} percent of the network was built before 1970.",
    "According to figures from the Institute for Utility Economics, bills in the region rose by {percent} percent in the past decade.",
    "According to the union, {jobs} jobs could go within two years of the sale.",
    "According to the regulator, {utility} recorded {spills} sewage spills last year, more than any year since records began.",
    "According to the consortium, the first {money} million would go to pipes and treatment works in {place}.",
    "According to the campaign, more than {crowd} people have signed a petition against the sale.",
    "According to people familiar with the talks, the consortium asked for a guarantee on prices.",
    "According to the assembly's own research service, the sale would cover less than a third of the utility's debts.",
]
BACKGROUND = [
    "{utility} supplies water to about {households} homes across the region and employs {staff} people.",
    "The utility has been in public hands since it was created in 1948.",
    "Plans to sell it were first announced in the regional government's budget last year.",
    "{consortium} is backed by pension funds and an infrastructure investor.",
    "The sale has split the governing coalition, and several assembly members have said they will vote against it.",
    "Leaks cost the network about one litre in every {leak_ratio}, one of the worst rates in the country.",
    "Swimming was banned along parts of {river} for {weeks} weeks last summer after repeated spills.",
    "The regulator can fine a water company up to ten percent of its turnover.",
    "Bills in Lowfield are below the national average, a fact both sides use.",
    "Under the proposed terms, the regional government would keep a golden share with a veto over a future sale.",
    "Much of the network under {place} was laid in Victorian times.",
    "Opposition to the sale has grown in the towns along the coast, where tourism depends on clean beaches.",
    "The consortium has run water networks in two other regions.",
    "The deal still needs approval from the competition regulator.",
]
COLOUR = [
    "In {place}, {resident}, {job}, said {pron} had stopped letting the children swim in {river}.",
    "{resident}, {job} from {place}, said {pron} did not trust either side to keep bills down.",
    "Outside the library in {place}, {resident} said the sale had been decided long before anyone asked.",
    "{resident}, {job}, said the water in {pos} street had been brown twice this year.",
    "\"I just want the tap to work and the bill to be fair,\" said {resident}, {job} in {place}.",
    "\"We were told the river was safe, and then the fish died,\" {resident}, {job}, said.",
    "For {resident}, {job} in {place}, the argument is simple: \"Fix the pipes first, then talk about who owns them.\"",
    "Some residents welcomed the investment.",
    "Others were less sure.",
    "The mood in {place} was angry but calm.",
]
EXPERT = [
    "Professor Hilde Varga of Kestrel University, who studies water networks, said the pipes would need about {money} million of work whoever owns them.",
    "Samir Qureshi, an analyst at the Institute for Utility Economics, said private owners tended to borrow heavily against the network.",
    "Varga said the evidence from other regions was mixed: some private owners cut leaks quickly, others paid large dividends while spills rose.",
    "Economists at the institute estimate that bills could rise by between {percent} and {percent2} percent over five years.",
    "Qureshi said the golden share would give the government less control than ministers suggest.",
    "Researchers at Kestrel University found that spills at {site} had doubled since 2019.",
]
NEXT = [
    "The sale is expected to be completed by the end of the year if the remaining approvals arrive on time.",
    "The assembly will debate the final terms next month, and ministers expect another close vote.",
    "The Regional Court is expected to rule within {weeks} weeks, and both sides say they will respect its decision.",
    "The regulator said it would publish its findings in the autumn, before the sale can be completed.",
    "Campaigners have promised further protests in {place} and {place2} in the coming weeks.",
    "Talks between the union and the utility are due to resume on {weekday}, with a strike ballot still open.",
    "{consortium} said it would set out its investment plan in detail before the assembly votes on the final terms.",
]
SLANT = {
    "pro": ["Supporters say the sale is the only realistic way to pay for repairs the region has put off for decades.",
            "Business groups welcomed the decision and said it would bring jobs and confidence to the region.",
            "The investment plan is the largest in the utility's history."],
    "anti": ["Critics say the region is selling a vital public service to pay for a budget hole of its own making.",
             "The sale has become a symbol of a government that many residents say no longer listens to them.",
             "Campaigners fear that bills will soar while the rivers stay dirty."],
    "neutral": ["Both sides agree that the network needs urgent work; they disagree on who should pay for it.",
                "The government and the campaigners both claim the support of most residents.",
                "Neither side has published a full estimate of the cost of the repairs."],
}
#: How an organisation is named inside a sentence.
ORG_REF = {"campaign": "Keep Lowfield Water Public", "union": "the Water and Utility Workers' Union",
           "commons": "the Commons Party", "anglers": "the Lowfield Anglers' Society", "gov": "the regional government",
           "utility": "Lowfield Water", "harrowgate": "Harrowgate Capital"}
#: Clauses after the speaker's name ("..., said Corin Hale, speaking in Eastmoor on Friday.").
ATTRIBUTION_TAILS = [
    "speaking at a public meeting in {place} on {weekday}", "in an interview with local radio",
    "in a statement released on {weekday} evening", "speaking to reporters outside the assembly",
    "at a press conference in {place}", "in a post on the campaign's website",
    "answering questions from assembly members", "during a visit to {site}",
]
#: Reported speech tails ("..., and that ...").
REPORTED_TAILS = [
    "and that the decision would be judged by what happens to bills",
    "and that the people of {place} deserved a straight answer",
    "and that the full figures would be published before the summer",
    "and that nobody had yet explained who would pay for the repairs",
    "although the details were still being negotiated",
]
#: Clauses that lengthen a plain sentence ("..., a figure the campaign disputes.").
EXTENSIONS = [
    "a figure the campaign disputes", "according to the utility's most recent annual report",
    "a point that ministers have repeated throughout the debate", "as the regulator noted in its last annual review",
    "though the figure has been challenged by campaigners and by several independent economists",
    "which has fuelled the argument on both sides", "a detail that rarely makes it into the official statements",
    "as residents of {place} are quick to point out", "which the consortium says it has taken into account",
    "something opposition members raised again during {weekday}'s debate",
]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _people_for(side: str) -> list[str]:
    return {"pro": ["hale", "ellery", "pask", "solvik"],
            "anti": ["abara", "murrow", "reade", "lindqvist"],
            "neutral": ["varga", "qureshi", "brannock"]}[side]


class _Writer:
    """Writes one article: fills templates with the event's facts and seeded draws, each template used once."""

    def __init__(self, rng: np.random.Generator, facts: dict):
        self.rng, self.facts = rng, facts
        self.named: set[str] = set()
        self.pools: dict[str, list] = {}

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def take(self, name: str, source) -> str | None:
        """The next unused template of ``source`` (shuffled once per article), or None when all are used."""
        if name not in self.pools:
            self.pools[name] = list(source)
            self.rng.shuffle(self.pools[name])
        return self.pools[name].pop() if self.pools[name] else None

    def person(self, key: str) -> str:
        """The person's full title and name the first time, the surname after (a title after the name ends
        with a comma: "Ruth Abara, the coordinator of ...,")."""
        name, title, _ = PEOPLE[key]
        if key in self.named:
            return name.split()[-1]
        self.named.add(key)
        return f"{title} {name}" if title[0].isupper() else f"{name}, {title},"

    def fill(self, template: str) -> str:
        f = dict(self.facts)
        female = self.rng.random() < 0.5
        first = self.pick(FIRST_F if female else FIRST_M)
        place, place2 = self.rng.choice(len(PLACES), size=2, replace=False)
        f.update(resident=f"{first} {self.pick(LAST)}", pron="she" if female else "he", pos="her" if female else "his",
                 job=self.pick(JOBS), place=PLACES[place], place2=PLACES[place2],
                 river=f.get("river") or self.pick(RIVERS), site=f.get("site") or self.pick(SITES),
                 weekday=self.pick(WEEKDAYS), share=int(self.rng.integers(30, 70)),
                 spills=int(self.rng.integers(120, 900)), households=f"{int(self.rng.integers(310, 480))},000",
                 staff=f"{int(self.rng.integers(2, 4))},{int(self.rng.integers(100, 999))}",
                 leak_ratio=self.pick(("three", "four", "five")), weeks=int(self.rng.integers(2, 12)),
                 percent2=f["percent"] + int(self.rng.integers(3, 12)))
        if "{place}" in template and self.rng.random() < 0.5:
            f["place"] = self.facts["place"]          # the event's own town, most of the time
        out = template.format(**f)
        return out[0].upper() + out[1:]

    def quote(self, side: str) -> str | None:
        """A quote of a person of ``side``, direct or reported, in one of several attribution forms."""
        key = self.pick(_people_for(side))
        who = self.person(key)
        tail = self.take("attribution_tail", ATTRIBUTION_TAILS) if self.rng.random() < 0.4 else None
        where = f", {self.fill(tail)[0].lower()}{self.fill(tail)[1:]}" if tail else ""
        form = int(self.rng.integers(5))
        if form in (2, 4):
            said = self.take("indirect_" + side, INDIRECT[side])
            if said is not None:
                said = self.fill(said)
                said = said[0].lower() + said[1:]
                more = self.take("reported_tail", REPORTED_TAILS) if form == 4 else None
                more = f", {self.fill(more)[0].lower()}{self.fill(more)[1:]}" if more else ""
                return f"{who} said{where}, that {said}{more}." if where else f"{who} said {said}{more}."
        q = self.take("quote_" + side, QUOTES[side])
        if q is None:
            return None
        q = self.fill(q)
        if form == 0:
            return f"\"{q},\" said {who.rstrip(',')}{where}."
        if form in (1, 2, 4):
            return f"\"{q},\" {who} said{where}."
        said = self.take("indirect_" + side, INDIRECT[side])
        said = self.fill(said) if said else None
        more = f", adding that {said[0].lower() + said[1:]}" if said else ""
        return f"\"{q},\" {who} told reporters{more}."

    def extend(self, sentence: str) -> str:
        """Half the time, ``sentence`` with a clause from :data:`EXTENSIONS` before its full stop."""
        if self.rng.random() < 0.5 or not sentence.endswith(".") or sentence.count(",") > 1:
            return sentence
        ext = self.take("extension", EXTENSIONS)
        return f"{sentence[:-1]}, {self.fill(ext)[0].lower()}{self.fill(ext)[1:]}." if ext else sentence

    def accusation(self) -> list[str]:
        accuser = self.pick(["campaign", "union", "commons", "anglers"])
        accused = self.pick(["gov", "utility", "harrowgate"])
        charge = self.take("charge", CHARGES)
        template = self.take("accuse", ACCUSE)
        if charge is None or template is None:
            return []
        who = ORG_REF[accuser] if self.rng.random() < 0.6 else self.person(self.pick(_people_for("anti")))
        slots = dict(accuser=who, accused=ORG_REF[accused], accused_short=ORGS[accused][1][0],
                     charge=charge[0], charge_ing=charge[1])
        cap = lambda s: s[0].upper() + s[1:]   # noqa: E731
        out = [cap(template.format(**slots))]
        deny = self.take("deny", DENY)
        if deny is not None and self.rng.random() < 0.8:
            out.append(cap(deny.format(**slots)))
        return out


def _article(rng: np.random.Generator, event: dict, slant: str, target: int, *, max_words: int) -> tuple[str, str]:
    """One article (title, text of about ``target`` words, at most ``max_words``) on ``event``, slanted."""
    w = _Writer(rng, event["facts"])
    kind = EVENTS[event["kind"]]
    title = w.fill(w.pick(kind["title"]))
    lead = [w.fill(w.pick(kind["lead"]))]
    # the lead paragraph: the event plus one sentence of context or a quote
    second = w.take("background", BACKGROUND) if rng.random() < 0.5 else None
    lead.append(w.fill(second) if second else (w.quote("neutral" if slant == "neutral" else slant) or ""))
    paras = [" ".join(s for s in lead if s)]
    sides = {"pro": ["pro", "pro", "anti", "neutral"], "anti": ["anti", "anti", "pro", "neutral"],
             "neutral": ["pro", "anti", "neutral"]}[slant]
    sources = {"background": BACKGROUND, "according": ACCORDING, "colour": COLOUR, "expert": EXPERT,
               "slant": SLANT[slant]}
    closing = w.fill(w.pick(NEXT))
    n_close = len(closing.split())
    words = len(paras[0].split())
    blocks = ["quote", "quote", "quote", "accuse", "background", "according", "colour", "expert", "slant",
              "quote_pair", "background", "according", "colour"]
    for _ in range(200):
        if words >= target - n_close:
            break
        b = w.pick(blocks)
        if b == "quote":
            sents = [w.quote(w.pick(sides))]
            if rng.random() < 0.5:
                s = w.take("background", BACKGROUND) or w.take("according", ACCORDING)
                sents.append(w.fill(s) if s else None)
        elif b == "quote_pair":
            side = w.pick(sides)
            sents = [w.quote(side), w.quote(side)]
        elif b == "accuse":
            sents = w.accusation()
        else:
            sents = [w.take(b, sources[b]) for _ in range(int(rng.integers(1, 4)))]
            sents = [w.extend(w.fill(s)) if b != "colour" else w.fill(s) for s in sents if s]
        sents = [s for s in sents if s]
        if not sents:
            continue
        para = " ".join(sents)
        if len(para.split()) <= 12:
            # a short paragraph repeated across an outlet is page furniture to the cleaning rules: lengthen it
            extra = w.take("according", ACCORDING) or w.take("background", BACKGROUND)
            if not extra:
                continue
            para = f"{para} {w.fill(extra)}"
        if words + len(para.split()) + n_close > max_words:
            continue
        paras.append(para)
        words += len(para.split())
    paras.append(closing)
    return title, "\n\n".join(paras)


def _events(rng: np.random.Generator, n_events: int, start: pd.Timestamp, days: int) -> list[dict]:
    kinds = list(EVENTS)
    offsets = np.sort(rng.choice(days, size=n_events, replace=n_events > days))
    out = []
    for i, off in enumerate(offsets):
        kind = kinds[i % len(kinds)] if i < len(kinds) else kinds[int(rng.integers(len(kinds)))]
        votes_for = int(rng.integers(31, 45))
        facts = dict(utility="Lowfield Water", consortium="Harrowgate Capital",
                     money=int(rng.integers(8, 95)) * 10, percent=int(rng.integers(4, 19)),
                     votes_for=votes_for, votes_against=int(rng.integers(20, votes_for)),
                     crowd=f"{int(rng.integers(2, 15))},{int(rng.integers(100, 999))}",
                     hours=int(rng.integers(6, 49)), pounds=int(rng.integers(40, 180)),
                     jobs=int(rng.integers(150, 900)), place=PLACES[int(rng.integers(len(PLACES)))],
                     river=RIVERS[int(rng.integers(len(RIVERS)))], site=SITES[int(rng.integers(len(SITES)))])
        out.append({"event": f"ev{i + 1:03d}_{kind}", "kind": kind, "date": start + pd.Timedelta(days=int(off)),
                    "facts": facts})
    return out


def _sizes(n: int, shares: np.ndarray) -> list[int]:
    raw = shares / shares.sum() * n
    sizes = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - sizes))[: n - sizes.sum()]:
        sizes[i] += 1
    return sizes.tolist()


def realistic_corpus(n_articles: int = 300, *, seed: int = 42, n_outlets: int = 5,
                     words: tuple[int, int] = (700, 900), start: str = "2026-02-02", months: int = 6,
                     articles_per_event: int = 12) -> pd.DataFrame:
    """``n_articles`` invented news articles (``doc_id, outlet, date, title, author, event, text``).

    Same ``seed`` and arguments give the same table. Outlets have unequal sizes (:data:`OUTLETS` shares);
    each event is covered by several outlets within a few days of its date.

    >>> df = realistic_corpus(6, seed=1, n_outlets=3)
    >>> len(df), df.outlet.nunique(), bool(df.text.str.split().str.len().between(700, 900).all())
    (6, 3, True)
    """
    if not 1 <= n_outlets <= len(OUTLETS):
        raise ValueError(f"n_outlets must be between 1 and {len(OUTLETS)}")
    if n_articles < 0:
        raise ValueError("n_articles must be >= 0")
    rng = np.random.default_rng(seed)
    outlets = OUTLETS[:n_outlets]
    sizes = _sizes(n_articles, np.array([o[1] for o in outlets]))
    t0 = pd.Timestamp(start)
    days = int((t0 + pd.DateOffset(months=months) - t0).days)
    events = _events(rng, max(1, round(n_articles / articles_per_event)), t0, days)
    authors = {o[0]: [f"{FIRST[int(rng.integers(len(FIRST)))]} {LAST[int(rng.integers(len(LAST)))]}"
                      for _ in range(int(rng.integers(2, 6)))] for o in outlets}
    rows = []
    lo, hi = words
    for (outlet, _, slant), size in zip(outlets, sizes):
        # every outlet covers events across the whole period: stratified draw over the sorted events
        picks = (np.arange(size) * len(events) / max(size, 1) + rng.random(size) * len(events) / max(size, 1))
        for j, ev_i in enumerate(picks.astype(int).clip(0, len(events) - 1)):
            ev = events[ev_i]
            title, text = _article(rng, ev, slant, int(rng.integers(lo + 20, hi - 60)), max_words=hi)
            n = len(text.split())
            # the article must land inside the word range: redraw (seeded) until it does
            k = 0
            while not lo <= n <= hi and k < 20:
                title, text = _article(rng, ev, slant, int(rng.integers(lo + 20, hi - 60)), max_words=hi)
                n, k = len(text.split()), k + 1
            rows.append({"outlet": outlet, "date": ev["date"] + pd.Timedelta(days=int(rng.integers(0, 4))),
                         "title": title, "author": authors[outlet][int(rng.integers(len(authors[outlet])))],
                         "event": ev["event"], "text": text})
    df = pd.DataFrame(rows, columns=["outlet", "date", "title", "author", "event", "text"])
    df = df.sort_values(["date", "outlet"], kind="stable").reset_index(drop=True)
    width = max(4, len(str(n_articles)))
    df.insert(0, "doc_id", [f"rc{i + 1:0{width}d}" for i in range(len(df))])
    return df


def realistic_story() -> dict:
    """The story (as a mapping for ``analysis.story.story_from_dict``) of the invented world.

    >>> from analysis.story import story_from_dict
    >>> s = story_from_dict(realistic_story())
    >>> s.role_of("campaigners"), s.measure_group
    ('civil_society', 'naming_the_sale')
    """
    groups: dict[str, dict] = {}
    actors = []
    by_org: dict[str, list[str]] = {}
    for key, (name, title, org) in PEOPLE.items():
        by_org.setdefault(org, []).extend([f"{title} {name}" if title[0].isupper() else name, name,
                                           name.split()[-1]])
    for key, (name, aliases, group, role) in ORGS.items():
        groups[group] = {"role": role}
        actors.append({"actor": name, "group": group,
                       "aliases": list(dict.fromkeys([name, f"the {name}", *aliases, *by_org.get(key, [])]))})
    groups["residents"] = {"role": "public"}
    actors.append({"actor": "residents", "group": "residents",
                   "aliases": ["residents", "households", "customers", "families", "swimmers"]})
    return {
        "name": "lowfield_water_sale",
        "title": "How outlets covered the sale of Lowfield Water",
        "description": "Invented articles from invented outlets on the planned sale of the invented regional water "
                       "utility Lowfield Water to the invented consortium Harrowgate Capital: bids, votes, protests, "
                       "spills, audits, strikes, a court challenge and price rises.",
        "sources": "Synthetic benchmark data written by benchmarks/realistic_corpus.py from templates: every "
                   "person, organisation, place and outlet is invented.",
        "labels": {"topic": "the Lowfield Water sale", "measure": "the sale",
                   "accusation": "the accusations (hidden costs, under-reported spills, a rigged consultation)"},
        "groups": groups,
        "actors": actors,
        "framing_terms": {
            "groups": {
                "naming_the_sale": {"description": "What the sale is called, from a sale to a fire sale.",
                                    "terms": ["sale", "deal", "bid", "offer", "fire sale", "investment"]},
                "pollution": {"description": "Sewage, spills, leaks and dirty rivers.",
                              "terms": ["sewage", "spill", "leak", "river", "fish", "pollution", "swim"]},
                "cost": {"description": "What households, taxpayers and workers pay.",
                         "terms": ["bill", "price", "debt", "pension", "job", "cost", "taxpayer"]},
                "conflict": {"description": "Accusations, denials, protests and the court.",
                             "terms": ["accuse", "allege", "deny", "reject", "protest", "strike", "court",
                                       "unlawful", "baseless"]},
            },
        },
        "measure_group": "naming_the_sale",
        "markers": {
            "accusation_topic": {"lemmas": ["accuse", "accusation", "allege", "allegation", "mislead", "hide",
                                            "rig", "under-report"],
                                 "phrases": ["true cost", "too cheaply", "a sham"]},
            "denial": {"lemmas": ["deny", "denial", "reject", "dismiss", "baseless"],
                       "phrases": ["no truth", "politically motivated", "published in full"]},
        },
        "examples": ["The Lowfield Assembly voted to approve the sale of the water utility.",
                     "Campaigners accused the government of hiding the true cost of the repairs.",
                     "Untreated sewage flowed into the river after a pump failed."],
    }


def write_realistic_corpus(folder: str | Path, n_articles: int = 300, *, seed: int = 42, n_outlets: int = 5,
                           **options) -> tuple[Path, Path]:
    """Write ``articles.csv`` and ``story.yaml`` into ``folder``; return both paths.

    >>> import tempfile
    >>> csv, story = write_realistic_corpus(tempfile.mkdtemp(), 3, n_outlets=2)
    >>> csv.name, story.name
    ('articles.csv', 'story.yaml')
    """
    import yaml

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    df = realistic_corpus(n_articles, seed=seed, n_outlets=n_outlets, **options)
    csv = folder / "articles.csv"
    df.assign(date=df.date.dt.strftime("%Y-%m-%d")).to_csv(csv, index=False)
    story = folder / "story.yaml"
    header = (f"# Generated by benchmarks/realistic_corpus.py (seed {seed}): an invented story for invented "
              "articles.\n")
    story.write_text(header + yaml.safe_dump(realistic_story(), sort_keys=False, allow_unicode=True, width=110),
                     encoding="utf-8")
    return csv, story


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="output folder (articles.csv and story.yaml are written there)")
    ap.add_argument("--n", type=int, default=300, help="number of articles (default 300)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--outlets", type=int, default=5, help=f"number of outlets, 1-{len(OUTLETS)} (default 5)")
    a = ap.parse_args(argv)
    csv, story = write_realistic_corpus(a.folder, a.n, seed=a.seed, n_outlets=a.outlets)
    df = pd.read_csv(csv)
    n_words = df.text.str.split().str.len()
    print(f"{csv}: {len(df)} articles, {df.outlet.nunique()} outlets "
          f"({', '.join(f'{k} {v}' for k, v in df.outlet.value_counts().items())}), {df.event.nunique()} events, "
          f"{n_words.sum():,} words ({n_words.min()}-{n_words.max()} per article), {df.date.min()} to {df.date.max()}")
    print(f"{story}: the invented story (pass with --story)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
