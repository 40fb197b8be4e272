"""Writes articles.csv: 94 invented articles from 15 invented outlets on the Corvane Bay desalination plant
(hand-made test data for figures and intervals with many outlets).

Run from the project root: ``.venv/bin/python tests/data/many_outlets/make_many_outlets_corpus.py``.
tests/test_many_outlets.py checks that the stored articles.csv is exactly what this script writes.

The articles are composed, with a seeded generator, from the invented sentences below: each outlet draws
its paragraphs from the themes it was given (policy, supply, cost, environment, fishing, conflict, science,
residents) with its own weights, so that outlets differ in topics, tone, frames and voices. Five outlets are
named in Chinese, Japanese or Korean; one outlet has a single article and one has two, the rest 4 to 12.
Most outlets' pages end in page furniture (share buttons, a copyright line, a "Read more:" link, a newsletter
box) that cleaning removes, as on scraped pages.
"""
from __future__ import annotations

import csv
import io
import random
import re
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 19

#: outlet -> (slug, number of articles, theme weights). Names invented; five in Chinese, Japanese or Korean.
OUTLETS = {
    "Corvane Herald": ("ch", 10, {"policy": 5, "supply": 4, "cost": 1, "conflict": 1}),
    "Bayline Business Review": ("bb", 9, {"cost": 6, "policy": 2, "conflict": 1}),
    "Blue Coast Monitor": ("bc", 8, {"environment": 6, "conflict": 2, "science": 1}),
    "The Estuary Ledger": ("el", 12, {"conflict": 6, "environment": 1, "fishing": 1, "policy": 1}),
    "Tidewater Evening Post": ("tp", 6, {"policy": 1, "supply": 1, "cost": 1, "environment": 1, "fishing": 1,
                                         "conflict": 1, "science": 1, "residents": 1}),
    "岚湾晨报": ("lw", 7, {"supply": 5, "policy": 3, "residents": 1}),
    "しおかぜ新報": ("sk", 5, {"science": 6, "environment": 2}),
    "해솔일보": ("hs", 4, {"fishing": 6, "environment": 1, "conflict": 1}),
    "The Northern Provinces Evening Courier and Gazette": ("np", 11, {"residents": 6, "supply": 1, "cost": 2}),
    "Saltmarsh Radio News": ("sr", 4, {"fishing": 3, "conflict": 3}),
    "Corvane Civic Digest": ("cd", 6, {"policy": 4, "residents": 2, "science": 1}),
    "Mareview Daily": ("md", 5, {"science": 3, "environment": 3}),
    "West Shore Weekly": ("ws", 4, {"residents": 3, "cost": 3}),
    "청록신문": ("cr", 2, {"environment": 2, "residents": 1}),
    "海港快讯": ("hk", 1, {"supply": 2, "policy": 1}),
}

TOWNS = ["Lessing", "Orla Point", "Marrow Hill", "Saint Evarin", "Dunmere", "Kettle Cove", "Halsby", "Upper Brenn"]
RESIDENTS = ["Clara Bodin", "Yusuf Demir", "Ines Marchetti", "Paul Okonjo", "Mei Lin Chow", "Sergei Volkov",
             "Hana Sato", "Jae-won Park", "Lucia Ferreira", "Tomas Lind", "Aisha Rahman", "Noel Brandt"]
FISHERS = ["Marta Kowal", "Ewan Moray", "Soo-ah Kim", "Ida Lorne"]
CRITICS = ["Councillor Victor Hale", "Victor Hale, an opposition councillor", "Councillor Victor Hale of the opposition"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["May", "June", "July"]

THEMES = {
    "policy": [
        "The Corvane Regional Council approved {m} million dollars for the second phase of the desalination plant on {day}, by {v1} votes to {v2}.",
        "Governor Elena Varga said the plant would end water rationing in Corvane Bay within {k} years.",
        '"This plant means that no family in Corvane Bay will queue for drinking water again," said Governor Elena Varga.',
        "The Corvane Water Authority said the plant now supplies {p} percent of the region's drinking water.",
        "The regional council published the plant's operating contract on its website on {day}, with {k} pages of annexes.",
        "Officials at the Water Authority said the plant would double its output to {q} million litres a day by {year}.",
        "The governor's office welcomed the latest figures and said the project remained on budget.",
        '"We promised reliable water, and the plant is delivering it," Governor Elena Varga told reporters on {day}.',
        "The council's water committee will review the plant's performance every {k} months, the authority said.",
        "Council officials said reservoir levels had risen to {p} percent for the first time since the drought began.",
        "The Water Authority approved a plan to connect {k} more hill towns to the plant's network by {year}.",
        "Governor Elena Varga praised the engineers who finished the intake tunnel {k} weeks ahead of schedule.",
    ],
    "supply": [
        "After three dry summers, reservoirs in Corvane Bay had fallen to {p} percent of capacity before the plant opened.",
        "Residents in the hill towns say the rationing rota, which cut their supply for {k} hours a day, has ended.",
        '"For the first time in two years I can water my garden without counting the days," said {resident}, a retired teacher in {town}.',
        "Farmers in the {town} valley said the steady supply had saved this year's harvest of olives and tomatoes.",
        "Hospitals and schools now receive water around the clock, the Water Authority said.",
        "Tanker deliveries to {town} have stopped, and the market there reopened its fountains on {day}.",
        '"The drought taught us that rain alone is not a plan," said {resident}, who runs a bakery in {town}.',
        "Water shortages cost the region an estimated {m} million dollars in lost output last year, according to the authority.",
        "Families in {town} welcomed the end of the queues at the standpipes, which had lasted {k} months.",
        "Hotels on the coast said the reliable supply had helped them through a busy and successful summer season.",
    ],
    "cost": [
        "Household water bills in Corvane Bay have risen by {p} percent since the plant opened, according to the Water Authority's own figures.",
        "Aquilon Water, the company that built and runs the plant, will receive {m} million dollars a year for {k} years under the contract.",
        "The plant uses about {q} megawatt hours of electricity a day, making it one of the largest power users in the region.",
        "Critics of the contract say the region pays for a fixed volume of water whether it needs it or not.",
        '"Every household is paying for a contract that nobody outside the council was allowed to read," said {critic}.',
        "Analysts at the Corvane Institute of Oceanography estimated that a litre of desalinated water costs {x} times as much as river water.",
        "Aquilon Water said its prices were fixed by the contract and would fall as output rises.",
        "The council's budget shows that the subsidy for low-income households will end in {year}.",
        "Small businesses in {town} said higher water bills had added {p} percent to their costs this year.",
        "Shares in Aquilon Water's parent group rose {p} percent after the company reported higher profits from the plant.",
        "The tariff for businesses will rise again in {month}, the Water Authority told its larger customers.",
    ],
    "environment": [
        "The plant returns about {q} million litres of brine to Corvane Bay every day, at nearly twice the salinity of sea water.",
        "Divers from the Blue Shore Alliance recorded dead seagrass across {h} hectares near the discharge pipe.",
        '"The seabed around the outfall is turning into a desert," said Kenji Arata, coordinator of the Blue Shore Alliance.',
        "Environmental groups say the brine is damaging the nursery grounds of the bay's shrimp and sea bream.",
        "Water samples taken by the Blue Shore Alliance on {day} showed high levels of chlorine and copper near the outfall.",
        "The plant's environmental permit allows salinity to rise by no more than {k} percent at 100 metres from the pipe.",
        "Residents of {town} reported a strong smell and grey foam on the beach after heavy discharges in {month}.",
        "Dead fish washed up along {k} kilometres of the northern shore after a week of calm weather and high discharges.",
        "Kenji Arata of the Blue Shore Alliance warned that the damage to the seagrass could take decades to repair.",
        "Photographs published by the alliance show a pale plume of brine spreading {k} hundred metres from the outfall.",
    ],
    "fishing": [
        "Members of the Corvane Fishers' Cooperative say their catch has fallen by {p} percent since the plant began discharging brine.",
        '"My father fished this bay and so did his father, but I may be the last," said {fisher}, who has fished from {town} for {k} years.',
        "Rosa Imbert, who chairs the Corvane Fishers' Cooperative, said {k} boats had been laid up this season.",
        "Fish buyers at the {town} market said they now bring most of their stock from other coasts.",
        "The Corvane Fishers' Cooperative asked the council for compensation of {m} million dollars for lost income.",
        "Young fishers are leaving {town} for jobs in the city, Rosa Imbert said.",
        '"We are not against water, we are against a plant that empties our nets," said Rosa Imbert of the cooperative.',
        "Crews in {town} said they had caught almost no sea bream near the outfall since {month}.",
        "The price of local shrimp at the {town} market has doubled because so little is landed, traders said.",
    ],
    "conflict": [
        "The Blue Shore Alliance accused Aquilon Water of hiding the results of its own salinity tests.",
        "Aquilon Water denied the allegation and said every test had been sent to the regulator.",
        "The Corvane Fishers' Cooperative accused the council of ignoring the fishers' complaints for {k} months.",
        "A council spokesperson rejected the accusation as baseless and said officials had met the fishers {k} times.",
        '"These claims are false, and we will show it before the tribunal," said Martin Solberg, a spokesperson for Aquilon Water.',
        "The Blue Shore Alliance has filed a complaint with the Environmental Tribunal, alleging that the plant breaks its permit.",
        "The company dismissed the complaint and said the plant operates within the law.",
        "Protesters gathered outside the council building on {day}, accusing the governor of putting a contract before the bay.",
        "Governor Elena Varga denied that the contract had been rushed and said the tender had been open to every bidder.",
        "The alliance alleges that Aquilon Water misled the council about the size of the brine plume.",
        "Martin Solberg of Aquilon Water rejected the accusations and called them an attack on a plant that keeps taps running.",
        "The Environmental Tribunal will hear the complaint on {day}, {k} weeks after it was filed.",
    ],
    "science": [
        "Scientists at the Corvane Institute of Oceanography have placed {k} sensors along the bay to track salinity.",
        "Dr Amara Osei, a marine biologist at the Corvane Institute of Oceanography, said salinity near the pipe was {p} percent above normal.",
        "Dr Amara Osei said it was too early to link the fall in catches to the plant, because the bay also warmed last summer.",
        '"We need at least two more years of measurements before anyone can say what the brine is doing," Dr Amara Osei said.',
        "The institute's first report, published on {day}, found higher salinity within {k} hundred metres of the outfall but not beyond.",
        "Independent engineers said a longer discharge pipe with diffusers could reduce the effect on the seabed.",
        "According to the institute, similar plants in dry regions changed their outfalls after their first years of operation.",
        "The researchers measured water temperature, oxygen and salinity at {k} depths every hour for {month}.",
        "Dr Amara Osei said the sensors showed the brine sinking along the bottom rather than mixing near the surface.",
    ],
    "residents": [
        "At a public meeting in {town} on {day}, more than {k} hundred residents asked questions about the plant.",
        '"We wanted water, but nobody told us the bay would pay for it," said {resident}, a mother of two from {town}.',
        "Some residents said they were glad the taps were running again, whatever the plant cost.",
        "A petition calling for an independent review of the plant has collected {n} signatures, its organisers said.",
        "Shop owners in {town} said tourists were asking whether it was still safe to swim near the plant.",
        '"I pay more every month and I still do not know what is in the contract," said {resident}, a nurse in {town}.',
        "Neighbours of the plant in {town} complained about the noise of its pumps at night.",
        "Parents at a school in {town} asked the council to publish the results of the water tests every week.",
        "{resident}, who has lived in {town} for {k} years, said the town was divided over the plant.",
    ],
}

TITLES = {
    "policy": ["Council backs next phase of Corvane desalination plant", "Varga promises end to rationing by {year}",
               "Water Authority to extend plant network to hill towns", "Plant output to double, authority says",
               "Council publishes desalination contract"],
    "supply": ["Taps run again in {town} as plant supply steadies", "Reservoirs recover as plant fills the gap",
               "Farmers in {town} say steady water saved harvest", "End of the standpipe queues in {town}"],
    "cost": ["Water bills up {p} percent since plant opened", "What the desalination contract costs households",
             "Aquilon Water profits rise on plant revenue", "Businesses in {town} feel the water tariff"],
    "environment": ["Brine plume spreads across Corvane Bay", "Dead seagrass found near plant outfall",
                    "Divers record damage near discharge pipe", "Foam and dead fish on the shore at {town}"],
    "fishing": ["Fishers say catches have collapsed near the plant", "Boats laid up in {town} as catches fall",
                "Cooperative asks for compensation over lost catches", "The last fishers of {town}"],
    "conflict": ["Alliance accuses Aquilon Water of hiding test results", "Aquilon Water denies brine allegations",
                 "Tribunal to hear complaint against desalination plant", "Protest outside council over plant"],
    "science": ["Scientists track salinity across Corvane Bay", "First institute report on the plant's brine",
                "Too early to blame the plant, biologist says", "Sensors show brine sinking along the seabed"],
    "residents": ["Residents of {town} divided over the plant", "Public meeting in {town} questions plant",
                  "Petition calls for independent review of plant", "Neighbours complain about plant noise"],
}


#: Page furniture after the article body, as a scraped page would have it (cleaning removes every line):
#: outlet number modulo 4 -> lines.
FOOTERS = [
    ["Share this article", "© 2025 {outlet}. All rights reserved."],
    ["Read more: {other}"],
    ["Sign up for our newsletter", "Advertisement"],
    [],
]


def _fill(template: str, rng: random.Random) -> str:
    values = {"m": rng.choice([12, 18, 24, 35, 40, 52, 65, 80]), "k": rng.randint(2, 9),
              "p": rng.choice([8, 11, 14, 17, 22, 27, 31, 36, 42]), "q": rng.choice([60, 85, 120, 150, 210]),
              "h": rng.choice([3, 5, 7, 12]), "x": rng.choice([2, 3, 4]), "n": f"{rng.randint(2, 19)},{rng.randint(100, 999)}",
              "v1": rng.randint(20, 28), "v2": rng.randint(8, 19), "year": rng.choice([2026, 2027, 2028]),
              "day": rng.choice(DAYS), "month": rng.choice(MONTHS), "town": rng.choice(TOWNS),
              "resident": rng.choice(RESIDENTS), "fisher": rng.choice(FISHERS), "critic": rng.choice(CRITICS)}
    return template.format(**values)


def _article(rng: random.Random, weights: dict[str, int]) -> tuple[str, str]:
    """(title, text): five paragraphs of two sentences, the first from the article's main theme."""
    themes, w = list(weights), list(weights.values())
    main = rng.choices(themes, w)[0]
    left = {t: rng.sample(THEMES[t], len(THEMES[t])) for t in THEMES}
    paras = []
    for i in range(5):
        theme = main if i == 0 else rng.choices(themes, w)[0]
        sents = []
        for _ in range(2):
            pool = left[theme] or next(left[t] for t in themes if left[t])
            sents.append(_fill(pool.pop(), rng))
        paras.append(" ".join(sents))
    return _fill(rng.choice(TITLES[main]), rng), "\n\n".join(paras)


def rows() -> list[dict]:
    rng = random.Random(SEED)
    start = date(2025, 5, 5)
    out = []
    for k, (outlet, (slug, n, weights)) in enumerate(OUTLETS.items()):
        for i in range(n):
            title, text = _article(rng, weights)
            footer = [f.format(outlet=outlet, other=_fill(rng.choice(TITLES[rng.choice(list(weights))]), rng))
                      for f in FOOTERS[k % len(FOOTERS)]]
            text = "\n\n".join([text, *footer])
            day = start + timedelta(days=rng.randint(0, 84))
            url_slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            out.append({"id": f"{slug}{i + 1:02d}", "outlet": outlet, "date": day.isoformat(), "title": title,
                        "url": f"https://example.org/{slug}/{url_slug}", "text": text})
    return out


def csv_text() -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["id", "outlet", "date", "title", "url", "text"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows())
    return buf.getvalue()


if __name__ == "__main__":
    (HERE / "articles.csv").write_text(csv_text(), encoding="utf-8")
    print(f"wrote {HERE / 'articles.csv'}: {len(rows())} articles from {len(OUTLETS)} outlets")
