"""Writes articles.csv: 48 invented articles on twelve local events in the fictional county of Wenmoor
(hand-made test data for same-event comparisons and time trends).

Run from the project root: ``.venv/bin/python tests/data/events/make_events_corpus.py``. tests/test_events.py
checks that the stored articles.csv is exactly what this script writes.

What is built in on purpose (README.md has the table):

* **An outlet x event confound.** The Harbour Sentinel covers every grim event (a fire, a bridge closure, a
  flood, a mill closure, a bus crash, a hospital ward closing at night) and only one happy one, while the other
  outlets cover both kinds. Within an event every outlet writes from the same pool of sentences, so the
  Sentinel is much more negative than the rest *over all its articles* (unpaired) but not *within the same
  events* (paired).
* **A real within-event difference.** The Lowmoor Gazette ends every article with two warm, community-minded
  sentences, so it is more positive than the rest within the same events.
* **Missing values.** One article has no event (not paired), one event is covered by one outlet only (no
  other outlet to pair with); one date is blank, one relative (``yesterday``), one a year only (``2025``),
  one written out (``14 May 2025``).

Sentences are drawn per article with a seeded generator (``random.Random(SEED)``), so the file is the same on
every run.
"""
from __future__ import annotations

import csv
import io
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250101
OUTLETS = ("Harbour Sentinel", "Kestrel Daily", "Northfield Courier", "Lowmoor Gazette")
SLUG = {"Harbour Sentinel": "hs", "Kestrel Daily": "kd", "Northfield Courier": "nc", "Lowmoor Gazette": "lg"}

# event id -> (date, kind, headlines (one per outlet, then follow-ups), facts, quotes)
EVENTS: dict[str, dict] = {
    "dock-fire": dict(date="2025-01-09", kind="grim", headlines=[
        "Fire destroys warehouse at Dunmore docks", "Two firefighters hurt in Dunmore dock blaze",
        "Dock fire sends toxic smoke over Dunmore", "Dunmore counts the cost of warehouse fire",
        "Dock fire: investigators search the ruins"], facts=[
        "A fire destroyed a timber warehouse at Dunmore docks on Thursday night.",
        "Two firefighters were injured when part of the burning roof collapsed.",
        "Thick black smoke forced families in the harbour streets to keep their windows shut.",
        "The fire service said the blaze was the worst at the docks in twenty years.",
        "Forty workers fear they have lost their jobs after the warehouse was ruined.",
        "Police are investigating whether the fire was started deliberately.",
        "The damage is estimated at three million pounds.",
        "Residents complained of sore throats and stinging eyes as ash fell on cars.",
    ], quotes=[
        "\"It was terrifying, the flames were higher than the cranes,\" said dock worker Sam Reid.",
        "\"We are devastated for the staff who have lost everything,\" said the warehouse owner, Colin Marsh.",
        "\"My crew were lucky to escape with their lives,\" said fire chief Ruth Okoro.",
    ]),
    "ashby-library": dict(date="2025-01-22", kind="happy", headlines=[
        "Ashby opens its new library", "Children delighted as Ashby library opens",
        "Ashby library opens its doors", "A bright new library for Ashby"], facts=[
        "Ashby's new library opened on Wednesday with a celebration for hundreds of families.",
        "Children were delighted by the reading garden and the free storytelling sessions.",
        "The bright, welcoming building was paid for by a community fundraising campaign.",
        "Volunteers proudly showed visitors the new computers and the music room.",
        "Librarians said they were thrilled that more than four hundred people joined on the first day.",
        "The library will offer free classes for older residents who want to learn new skills.",
        "Local artists painted a cheerful mural of the town's history on the entrance wall.",
        "Parents praised the library as a safe and friendly place for their children.",
    ], quotes=[
        "\"This is a wonderful day for Ashby,\" said head librarian Priya Desai.",
        "\"My daughter loved every minute and wants to come back tomorrow,\" said parent Tom Hale.",
        "\"We are so proud of what this community has built together,\" said councillor Ann Fields.",
    ]),
    "kell-bridge": dict(date="2025-02-05", kind="grim", headlines=[
        "Kell Bridge shut after dangerous cracks found", "Traders fear ruin as Kell Bridge closes",
        "Cracked Kell Bridge closed indefinitely", "Kell Bridge closure strands commuters",
        "Kell Bridge repairs could take a year"], facts=[
        "Kell Bridge was closed on Wednesday after engineers found dangerous cracks in its main beams.",
        "Drivers now face a painful detour of eleven miles, and traffic jams blocked the town centre.",
        "Shop owners fear they will lose customers and some say they could be forced to close.",
        "Residents accused the county council of ignoring warnings about the bridge for years.",
        "The council denied the claim and said inspections had found no serious damage until this month.",
        "Ambulance crews warned that the closure could delay emergency calls to the villages.",
        "Engineers said the bridge could stay closed for a year, and repairs could cost millions.",
        "Angry commuters said the closure had turned a ten-minute trip into an hour of misery.",
    ], quotes=[
        "\"This is a disaster for every business on this side of the river,\" said shop owner Ellen Price.",
        "\"We warned them again and again and nobody listened,\" said resident Mark Hollis.",
        "\"Safety must come first, and the bridge is not safe,\" said council engineer David Lund.",
    ]),
    "fenwick-prize": dict(date="2025-02-19", kind="happy", headlines=[
        "Fenwick pupils win national science prize", "Fenwick school celebrates science triumph",
        "Science prize for Fenwick High", "Fenwick's young scientists take top award"], facts=[
        "Pupils from Fenwick High won the national science prize on Wednesday for their clean water filter.",
        "The team of five students beat more than two hundred schools to the top award.",
        "Teachers said they were proud of the pupils' hard work and creativity.",
        "The winning filter is cheap to build and could help families in villages without clean water.",
        "The school celebrated with a cheerful assembly and cake for every class.",
        "The prize brings a grant of ten thousand pounds for the school's new laboratory.",
        "The judges praised the team's excellent research and clear presentation.",
        "Parents and neighbours cheered the students as they arrived home with the trophy.",
    ], quotes=[
        "\"I am so happy, we worked really hard for this,\" said pupil Maya Chen.",
        "\"These young people are brilliant and they deserve every bit of this success,\" said head teacher Paul Grant.",
        "\"It is a great day for the whole town,\" said parent Laura Bell.",
    ]),
    "lowmarsh-flood": dict(date="2025-03-06", kind="grim", headlines=[
        "Floods ruin two hundred homes in Lowmarsh", "Lowmarsh under water after river bursts its banks",
        "Flood misery for Lowmarsh families", "Lowmarsh flood leaves families homeless",
        "Lowmarsh flood victims still waiting for help"], facts=[
        "The River Wen burst its banks on Thursday and flooded more than two hundred homes in Lowmarsh.",
        "An elderly woman was rescued from her bedroom window by a fire crew in a boat.",
        "Families lost furniture, photographs and cars as the water rose through the night.",
        "Residents accused the Environment Office of failing to repair the flood wall, which it denied.",
        "The floods destroyed crops on six farms and killed dozens of sheep.",
        "Many families face weeks in temporary shelters and fear they will not be able to return home.",
        "Sewage in the water has left the streets dirty and dangerous for children.",
        "Insurers warned that the damage could cost more than ten million pounds.",
    ], quotes=[
        "\"We have lost everything, our whole life was in that house,\" said resident Joan Carter.",
        "\"The wall was broken for months and nobody fixed it,\" said farmer Neil Ames.",
        "\"This is the worst flood we have seen in forty years,\" said fire chief Ruth Okoro.",
    ]),
    "carrow-fair": dict(date="2025-03-26", kind="happy", headlines=[
        "Record crowds enjoy Carrow spring fair", "Sunshine and smiles at the Carrow fair",
        "Carrow fair raises thousands for charity", "Carrow celebrates spring in style"], facts=[
        "Record crowds enjoyed the Carrow spring fair on Saturday in warm sunshine.",
        "Families danced to live music and children laughed on the fairground rides.",
        "The fair raised more than twelve thousand pounds for the children's hospice.",
        "Local bakers won prizes for the best cakes and the most beautiful bread.",
        "Organisers thanked the friendly volunteers who worked all week to prepare the fields.",
        "The dog show was a favourite, with a cheerful spaniel named Biscuit winning best in show.",
        "Visitors praised the fair as the best in years.",
        "Stall holders said they had sold out of honey, cheese and flowers by the afternoon.",
    ], quotes=[
        "\"It has been a perfect day, everyone is smiling,\" said organiser Grace Lowell.",
        "\"The kids have had the best time,\" said visitor Omar Haddad.",
        "\"We are grateful for such generous support,\" said hospice director Helen Shaw.",
    ]),
    "brantley-mill": dict(date="2025-04-09", kind="grim", headlines=[
        "Brantley Mill to close with loss of 300 jobs", "Anger as Brantley Mill shuts down",
        "Brantley Mill closure a blow to the town", "Workers in shock as mill closes"], facts=[
        "Brantley Mill will close next month with the loss of three hundred jobs, its owners said on Wednesday.",
        "Workers said they were shocked and angry that they had been told only days before.",
        "The union accused the owners of hiding the mill's losses, which the company denied.",
        "Many families fear they will not be able to pay their rent or mortgages.",
        "Shops near the mill warned that they could also fail without the workers' custom.",
        "The closure is the worst blow to the town's economy in a generation.",
        "The owners blamed high energy costs and falling orders for the loss-making site.",
        "Some workers have spent their whole careers at the mill and fear they will never find work again.",
    ], quotes=[
        "\"It is a betrayal of everyone who gave their working lives to this place,\" said union organiser Rob Kane.",
        "\"I do not know how I will feed my children,\" said machine operator Lisa Dunn.",
        "\"This was a painful decision that we did not take lightly,\" said company director Alan Price.",
    ]),
    "wenmoor-park": dict(date="2025-04-24", kind="happy", headlines=[
        "Wenmoor Park reopens after restoration", "Families return to a beautiful Wenmoor Park",
        "Restored Wenmoor Park opens to delight of visitors", "Wenmoor Park blooms again"], facts=[
        "Wenmoor Park reopened on Thursday after a two-year restoration that visitors called beautiful.",
        "The gardens are full of tulips, and the old bandstand has been lovingly repaired.",
        "Children enjoyed the new playground and splashed happily in the fountain.",
        "Volunteers planted more than a thousand trees and hedges during the work.",
        "Older residents said they were delighted to see the park they loved as children restored.",
        "The cafe by the lake has reopened with a friendly welcome and local food.",
        "The county council praised the volunteers for their generous and excellent work.",
        "Wildlife experts said the new ponds have already attracted frogs, ducks and dragonflies.",
    ], quotes=[
        "\"It is wonderful to have our park back,\" said resident Irene Walsh.",
        "\"The volunteers have done an amazing job,\" said park manager Leo Grant.",
        "\"This is a happy day for Wenmoor,\" said councillor Ann Fields.",
    ]),
    "fenwick-bus-crash": dict(date="2025-05-14", kind="grim", headlines=[
        "Twelve hurt as bus crashes on Fenwick road", "Bus crash leaves driver fighting for life",
        "Horror crash on the Fenwick road", "Fenwick road crash: passengers injured",
        "Questions grow after Fenwick bus crash"], facts=[
        "Twelve passengers were injured when a bus crashed into a wall on the Fenwick road on Wednesday.",
        "The driver was trapped in the wreckage and is in a critical condition in hospital.",
        "Witnesses described screaming passengers and broken glass across the road.",
        "Police closed the road for nine hours while investigators examined the wreck.",
        "Residents accused the county council of neglecting the dangerous bend, which the council denied.",
        "Two children were among the injured, and one suffered a broken leg.",
        "The bus company said it was shocked and would cooperate with the police investigation.",
        "The same bend has seen four serious accidents in three years, according to police figures.",
    ], quotes=[
        "\"There was blood everywhere, it was horrific,\" said passenger Karen Doyle.",
        "\"That bend is a death trap and everyone knows it,\" said resident Peter Walsh.",
        "\"Our thoughts are with the injured and their families,\" said police inspector James Cole.",
    ]),
    "otters-return": dict(date="2025-05-29", kind="happy", headlines=[
        "Otters return to a cleaner River Wen", "River clean-up success as otters come home",
        "Good news for the River Wen", "Volunteers celebrate otters' return"], facts=[
        "Otters have returned to the River Wen after a five-year clean-up led by volunteers.",
        "Wildlife experts were delighted to film a mother otter and two cubs near Carrow.",
        "Volunteers removed more than forty tonnes of rubbish from the river and its banks.",
        "The water is now clean enough for salmon, and anglers say fishing is the best in decades.",
        "Schools joined the project, and pupils proudly planted willows along the banks.",
        "The success has been praised as one of the best river recoveries in the country.",
        "Walkers said the riverside path has become a peaceful and beautiful place again.",
        "The clean-up group thanked local businesses for their generous donations.",
    ], quotes=[
        "\"Seeing the otters was the best moment of my life,\" said volunteer Sophie Lang.",
        "\"This shows what a community can achieve together,\" said wildlife expert Dr Amir Nasser.",
        "\"We are thrilled and very proud,\" said clean-up organiser Ben Torres.",
    ]),
    "night-ward": dict(date="2025-06-11", kind="grim", headlines=[
        "Children's ward to close at night", "Parents fear for children as night ward shuts",
        "Hospital cuts night care for children", "Fury over children's ward closure",
        "Night ward closure: parents' anger grows"], facts=[
        "Wenmoor Hospital will close its children's ward at night from July, the health board said on Wednesday.",
        "Sick children will have to be taken forty miles to the city hospital after eight in the evening.",
        "Parents said they were frightened and angry about the long journeys in an emergency.",
        "Nurses warned that the cuts could put lives at risk.",
        "Campaigners accused the health board of making the decision in secret, which the board denied.",
        "The board blamed a shortage of doctors and said the ward could not be staffed safely at night.",
        "Ambulance crews fear longer journeys will leave fewer crews free for other emergencies.",
        "A petition against the closure has been signed by more than eight thousand people.",
    ], quotes=[
        "\"If my son has an asthma attack at night, what am I supposed to do?\" said parent Nadia Hill.",
        "\"These cuts are dangerous and wrong,\" said nurse Claire Moss.",
        "\"We cannot run a ward without enough doctors, and that is the painful truth,\" said board chair Simon Reed.",
    ]),
    "harbour-food-festival": dict(date="2025-06-25", kind="happy", headlines=[
        "Dunmore food festival a delicious success", "Sunshine and seafood at the harbour festival",
        "Harbour festival draws happy crowds", "Dunmore celebrates its food festival"], facts=[
        "The Dunmore harbour food festival drew happy crowds in warm sunshine on Saturday.",
        "Visitors enjoyed fresh seafood, local cheese and delicious strawberry tarts.",
        "Chefs from the county's best restaurants cooked on an open stage by the water.",
        "Children loved the sandcastle competition and the cheerful brass band.",
        "Traders said it was their best weekend of the year.",
        "The festival raised money for the lifeboat station and its volunteer crew.",
        "Organisers praised the friendly atmosphere and thanked the generous sponsors.",
        "Families relaxed on the harbour wall as the sun set over the boats.",
    ], quotes=[
        "\"The food is fantastic and the town looks beautiful,\" said visitor Hannah Lee.",
        "\"We are thrilled with the turnout,\" said organiser Marco Rossi.",
        "\"Days like this remind us how lucky we are to live here,\" said lifeboat volunteer Jack Moran.",
    ]),
    "hustings": dict(date="2025-06-18", kind="neutral", headlines=["Candidates debate at Kell town hall"], facts=[
        "Four candidates for the county council seat of Kell met at the town hall on Wednesday evening.",
        "The debate covered bus routes, housing and the repairs to Kell Bridge.",
        "About one hundred residents attended, and the meeting lasted two hours.",
        "Each candidate had three minutes to speak before questions from the audience.",
        "The election will be held on July 3.",
        "Polling stations will open from seven in the morning to ten at night.",
        "The candidates represent three parties and one independent.",
        "A recording of the meeting will be published on the council website.",
    ], quotes=[
        "\"Residents want clear answers on housing,\" said candidate Ruth Adams.",
        "\"I will publish my plan for the bus routes next week,\" said candidate Omar Farid.",
        "\"The meeting was organised by the residents' association,\" said its secretary, Iain Ross.",
    ]),
}

# a budget article with no event: not paired with anything
NO_EVENT = dict(date="2025-03-18", headline="County council publishes its budget plans", facts=[
    "The county council published its budget plans for next year on Tuesday.",
    "The plans set out spending on roads, schools, libraries and social care.",
    "Council tax would rise by four percent under the proposals.",
    "Residents can comment on the plans until the end of April.",
    "The council will vote on the final budget in May.",
    "The documents are available at libraries and on the council website.",
    "Officials will hold three public meetings on the plans in April.",
    "The plans include money for the repair of several bridges.",
], quotes=["\"We want to hear from as many residents as possible,\" said council treasurer Fiona Blake."])

# closing sentences: neutral for three outlets, warm and community-minded for the Gazette
NEUTRAL_CLOSERS = [
    "The county council said it would publish an update next week.",
    "Further details are expected on Monday.",
    "The council will discuss the matter at its next meeting.",
    "More information is available on the county website.",
    "Officials said they would answer questions from residents by email.",
    "A statement from the council is expected later this week.",
]
WARM_CLOSERS = [
    "Neighbours were quick to help one another, and the town's generous spirit shone through.",
    "Local volunteers said they were proud of how kindly people looked after each other.",
    "The community has rallied together with warmth and courage, and friends say they feel hopeful.",
    "Churches and cafes offered free tea and a friendly welcome to everyone affected.",
    "Many residents said the kindness of strangers had lifted their spirits.",
    "Volunteers praised the wonderful support of local families, who gave their time with a smile.",
]

#: the events each outlet covers, in order (None: the budget article, which has no event)
COVERS = {
    "Harbour Sentinel": ["dock-fire", "dock-fire", "kell-bridge", "kell-bridge", "lowmarsh-flood", "lowmarsh-flood",
                         "brantley-mill", "wenmoor-park", "fenwick-bus-crash", "fenwick-bus-crash", "night-ward",
                         "night-ward"],
    "Kestrel Daily": ["dock-fire", "ashby-library", "kell-bridge", "fenwick-prize", "lowmarsh-flood", "carrow-fair",
                      "brantley-mill", "wenmoor-park", "fenwick-bus-crash", "otters-return", "night-ward", "hustings",
                      "harbour-food-festival"],
    "Northfield Courier": ["dock-fire", "ashby-library", "kell-bridge", "fenwick-prize", "lowmarsh-flood", None,
                           "carrow-fair", "brantley-mill", "wenmoor-park", "otters-return", "night-ward",
                           "harbour-food-festival"],
    "Lowmoor Gazette": ["dock-fire", "ashby-library", "fenwick-prize", "lowmarsh-flood", "carrow-fair", "brantley-mill",
                        "wenmoor-park", "fenwick-bus-crash", "otters-return", "night-ward", "harbour-food-festival"],
}
#: day offsets after the event, per outlet (the Gazette is a weekly-minded paper: a few days later)
OFFSET = {"Harbour Sentinel": 0, "Kestrel Daily": 1, "Northfield Courier": 1, "Lowmoor Gazette": 3}
#: dates given as something other than a full ISO date: (outlet, event) -> the date cell
ODD_DATES = {("Kestrel Daily", "carrow-fair"): "", ("Lowmoor Gazette", "wenmoor-park"): "yesterday",
             ("Northfield Courier", "otters-return"): "2025", ("Kestrel Daily", "fenwick-bus-crash"): "15 May 2025"}


def _add_days(iso: str, days: int) -> str:
    import datetime

    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=days)).isoformat()


def _article(rng: random.Random, facts: list[str], quotes: list[str], closers: list[str], n_closers: int) -> str:
    """Four paragraphs: six of the facts in pool order (two per paragraph; the third opens with a quote), the
    last one followed by the closing sentence(s)."""
    picked = [facts[i] for i in sorted(rng.sample(range(len(facts)), 6))]   # in the pool's (story) order
    quote = rng.choice(quotes)
    close = rng.sample(closers, n_closers)
    paras = [" ".join(picked[0:2]), " ".join(picked[2:4]), " ".join([quote, picked[4]]), " ".join([picked[5], *close])]
    return "\n\n".join(paras)


def rows() -> list[dict]:
    rng = random.Random(SEED)
    out = []
    for outlet in OUTLETS:
        seen: dict[str, int] = {}
        for i, ev in enumerate(COVERS[outlet], start=1):
            aid = f"{SLUG[outlet]}{i:02d}"
            warm = outlet == "Lowmoor Gazette"
            closers, n_close = (WARM_CLOSERS, 2) if warm else (NEUTRAL_CLOSERS, 1)
            if ev is None:
                text = _article(rng, NO_EVENT["facts"], NO_EVENT["quotes"], closers, n_close)
                out.append({"id": aid, "outlet": outlet, "date": _add_days(NO_EVENT["date"], OFFSET[outlet]),
                            "event": "", "title": NO_EVENT["headline"], "url": f"https://example.org/{SLUG[outlet]}/{aid}",
                            "text": text})
                continue
            e = EVENTS[ev]
            k = seen.get(ev, 0)
            seen[ev] = k + 1
            heads = e["headlines"]
            title = heads[4] if k and len(heads) > 4 else heads[OUTLETS.index(outlet) % len(heads)]
            date = _add_days(e["date"], OFFSET[outlet] + 4 * k)   # a follow-up four days later
            date = ODD_DATES.get((outlet, ev), date)
            text = _article(rng, e["facts"], e["quotes"], closers, n_close)
            out.append({"id": aid, "outlet": outlet, "date": date, "event": ev, "title": title,
                        "url": f"https://example.org/{SLUG[outlet]}/{aid}", "text": text})
    return out


FIELDS = ["id", "outlet", "date", "event", "title", "url", "text"]


def csv_text() -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows())
    return buf.getvalue()


if __name__ == "__main__":
    (HERE / "articles.csv").write_text(csv_text(), encoding="utf-8")
    print(f"wrote {HERE / 'articles.csv'}: {len(rows())} articles")
