"""Write the hand-made "bring your own corpus" test corpus (invented articles, see README.md).

    .venv/bin/python tests/data/byoc/make_corpus.py

Writes ``articles.csv`` (31 clean articles, three fictional outlets) and ``articles_with_bad_rows.jsonl``
(the same articles plus rows that must be rejected or flagged). Rerun after editing the texts below.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (outlet, date, title, text); paragraphs separated by blank lines. All people, firms and events are invented.
ARTICLES = [
    # ---------------------------------------------------------------- Harbor Ledger: business angle
    ("Harbor Ledger", "2025-01-08", "Meridian bids 1.2 billion for Port Calder terminal lease",
     "Meridian Ports Group has offered 1.2 billion dollars for a 30-year lease of the Port Calder container terminal, the largest private investment the city has seen in a decade.\n\n"
     "The bid promises new cranes, a rail spur and 400 permanent jobs. \"This terminal can double its volume within five years,\" said Rafael Ortiz, chief executive of Meridian.\n\n"
     "Analysts at Tidewater Capital said the offer values the terminal well above earlier estimates. The city council is expected to vote in March."),
    ("Harbor Ledger", "2025-01-15", "Chamber of Commerce backs terminal deal",
     "The Port Calder Chamber of Commerce has endorsed the Meridian lease, saying the investment would lift exports and attract logistics firms to the harbor district.\n\n"
     "\"Every month of delay costs local shippers money,\" said Linda Harrow, president of the chamber. She said members had lost contracts to larger ports with deeper berths.\n\n"
     "The chamber estimates that the deal could add 90 million dollars a year to the regional economy."),
    ("Harbor Ledger", "2025-01-22", "Mayor Voss outlines revenue plan from lease",
     "Mayor Elena Voss said the lease payments would fund road repairs and cut the city's debt without raising property taxes.\n\n"
     "\"This is a rare chance to invest in the city without asking residents for more,\" Voss said at a briefing on Tuesday.\n\n"
     "Under the draft agreement, Meridian would pay an upfront fee of 300 million dollars and annual rent linked to cargo volumes. Finance staff said the city would remain owner of the land."),
    ("Harbor Ledger", "2025-02-03", "Shipping lines signal more calls if terminal expands",
     "Two major shipping lines told the port authority they would add weekly calls at Port Calder if the terminal is modernised.\n\n"
     "The port handled 610,000 containers last year, down 4 percent, as vessels grew too large for its old cranes. \"Capacity is the whole story here,\" said Martin Kell, an analyst at Tidewater Capital.\n\n"
     "Meridian said the first new cranes could arrive eighteen months after signing."),
    ("Harbor Ledger", "2025-02-12", "Bond markets welcome Port Calder deal",
     "Port Calder's municipal bonds rose this week after the credit agency Sterling Ratings said the lease would strengthen the city's finances.\n\n"
     "The agency said the upfront payment could reduce debt by a fifth. \"The transaction is credit positive,\" Sterling Ratings wrote in a note to investors.\n\n"
     "City officials said they expect borrowing costs to fall if the council approves the lease."),
    ("Harbor Ledger", "2025-02-20", "Meridian promises local hiring quota",
     "Meridian Ports Group said it would hire at least 70 percent of terminal staff from Port Calder and neighbouring towns.\n\n"
     "\"We want the people who know this harbor to run it,\" said Rafael Ortiz. The company also pledged a training centre with the community college.\n\n"
     "Business leaders said the pledge answered concerns about jobs, though the dockworkers' union has not commented."),
    ("Harbor Ledger", "2025-03-01", "Logistics firms eye harbor district",
     "Three logistics companies have asked about warehouse sites near the terminal, the city's economic development office said.\n\n"
     "Property agents report rising interest in the harbor district since the Meridian bid. \"Investors follow infrastructure,\" said agent Paula Dent.\n\n"
     "Officials cautioned that the sites depend on the lease being approved."),
    ("Harbor Ledger", "2025-03-10", "Council committee clears lease for final vote",
     "The council's finance committee voted four to one to send the Meridian lease to the full council.\n\n"
     "Mayor Elena Voss called the vote a step toward growth. Councillor Tomas Brandt cast the only vote against, saying the terms favour the operator.\n\n"
     "Meridian shares rose 3 percent after the committee decision."),
    ("Harbor Ledger", "2025-03-19", "Council approves Port Calder lease",
     "The city council approved the 30-year lease with Meridian Ports Group by seven votes to four on Wednesday night.\n\n"
     "\"Tonight Port Calder chose investment and jobs,\" Mayor Elena Voss said after the vote. Meridian said work on the rail spur would begin this summer.\n\n"
     "Sterling Ratings said it would review the city's outlook for an upgrade."),
    ("Harbor Ledger", "2025-04-02", "Terminal deal lifts port outlook, analysts say",
     "Analysts raised their cargo forecasts for Port Calder after the lease approval.\n\n"
     "Tidewater Capital now expects volumes to pass one million containers by 2030. \"The investment case is strong,\" said Martin Kell.\n\n"
     "Some analysts noted that a court challenge by the union could delay the timetable."),
    ("Harbor Ledger", "2025-04-14", "Meridian orders cranes for Port Calder",
     "Meridian Ports Group has ordered six ship-to-shore cranes for the Port Calder terminal, the company said on Monday.\n\n"
     "The cranes will allow the port to serve the largest vessels on the route. \"We are moving quickly because our customers are waiting,\" said Rafael Ortiz.\n\n"
     "The order is worth about 90 million dollars."),
    # ---------------------------------------------------------------- Coastline Courier: conflict angle
    ("Coastline Courier", "2025-01-09", "Union vows to fight sale of harbor control",
     "The dockworkers' union has vowed to fight the city's plan to hand the Port Calder terminal to Meridian Ports Group for 30 years.\n\n"
     "\"They are selling the harbor behind our backs,\" said Grace Okafor, leader of Dockworkers Local 14. She accused the mayor of negotiating in secret.\n\n"
     "Mayor Elena Voss denied the claim and said the talks followed normal procurement rules."),
    ("Coastline Courier", "2025-01-17", "Councillor demands release of lease documents",
     "Councillor Tomas Brandt has demanded that the city publish the full draft lease before any vote.\n\n"
     "\"Residents are being asked to trust a contract nobody has seen,\" Brandt said. He said clauses on rent and labour were hidden from council members.\n\n"
     "The mayor's office said commercial details must stay confidential until negotiations end."),
    ("Coastline Courier", "2025-01-28", "Security concerns raised over foreign control of port",
     "A former harbor master has warned that foreign control of the terminal could expose the port to security risks.\n\n"
     "\"Whoever runs the cranes sees every container that comes in,\" said Victor Hale, who ran the port for twelve years. Meridian is owned by an overseas investment fund.\n\n"
     "Meridian rejected the allegations and said it follows all national security rules."),
    ("Coastline Courier", "2025-02-06", "Hundreds protest outside city hall",
     "Hundreds of dockworkers and residents protested outside city hall on Thursday against the terminal lease.\n\n"
     "Protesters carried signs reading \"Not for sale\" and blocked traffic for an hour. \"We will not let them take our jobs and our harbor,\" said Grace Okafor.\n\n"
     "Police said the protest was peaceful. Mayor Elena Voss did not meet the protesters."),
    ("Coastline Courier", "2025-02-14", "Leaked memo shows job cuts under automation plan",
     "A leaked Meridian memo suggests that automated cranes could cut up to 250 dockworker jobs within a decade.\n\n"
     "The union said the memo contradicts the company's hiring promises. \"They promised jobs in public and planned cuts in private,\" said Grace Okafor.\n\n"
     "Meridian said the memo was an old planning scenario and denied any plan to cut jobs."),
    ("Coastline Courier", "2025-02-25", "Brandt accuses mayor of ignoring objections",
     "Councillor Tomas Brandt accused Mayor Elena Voss of ignoring more than 2,000 written objections to the lease.\n\n"
     "\"This process is a sham,\" Brandt told a packed council meeting. He said the city failed to study the impact on wages and traffic.\n\n"
     "Voss said every objection had been read and answered by staff."),
    ("Coastline Courier", "2025-03-05", "Transport minister questions lease terms",
     "State Transport Minister Ian Mercer said he had concerns about the length of the Port Calder lease.\n\n"
     "\"Thirty years is a very long time to give up control of strategic infrastructure,\" Mercer said. He asked the city to share the contract with his department.\n\n"
     "The mayor's office said the minister had no role in approving municipal leases."),
    ("Coastline Courier", "2025-03-12", "Union threatens strike before council vote",
     "Dockworkers Local 14 has threatened a strike if the council approves the lease next week.\n\n"
     "\"If they sign it, the port stops,\" said Grace Okafor. Shipping agents warned that a strike would divert cargo to rival ports.\n\n"
     "Meridian accused the union of holding the city hostage."),
    ("Coastline Courier", "2025-03-20", "Lease passes amid anger in packed chamber",
     "The council approved the Meridian lease seven votes to four as protesters shouted from the public gallery.\n\n"
     "Councillor Tomas Brandt called it \"a dark night for this city\" and said opponents would go to court. Security guards removed several protesters.\n\n"
     "Mayor Elena Voss said the debate had been long and fair."),
    ("Coastline Courier", "2025-04-08", "Union files lawsuit to block terminal lease",
     "Dockworkers Local 14 has filed a lawsuit claiming the city broke procurement law when it approved the Meridian lease.\n\n"
     "The complaint alleges that rival bidders were given less time to prepare offers. \"We will see them in court,\" said Grace Okafor.\n\n"
     "The city attorney said the process was lawful and the city would defend the lease."),
    # ---------------------------------------------------------------- Riverside Weekly: human interest
    ("Riverside Weekly", "2025-01-12", "Three generations on the docks",
     "For the Alvarez family, the Port Calder docks are more than a workplace. Grandfather Luis Alvarez loaded ships by hand, his son runs a crane, and his granddaughter started as a lasher last spring.\n\n"
     "\"The harbor raised this family,\" Luis Alvarez said at his kitchen table. He worries about what a new operator will mean for his granddaughter.\n\n"
     "\"I just want her to have the same chance I had,\" he said."),
    ("Riverside Weekly", "2025-01-26", "Fishermen fear losing their berths",
     "Small fishing boats have moored at the east quay of Port Calder for a century. Under the expansion plans, the quay would become a container yard.\n\n"
     "\"Nobody asked us,\" said Marta Quinn, who fishes for crab with her brother. The city says it will offer new berths across the bay.\n\n"
     "Quinn said the new berths are farther from the fish market and harder to reach in winter."),
    ("Riverside Weekly", "2025-02-09", "A neighbourhood waits for trucks",
     "Residents of the Millbrook neighbourhood next to the harbor say truck traffic already keeps them awake at night.\n\n"
     "\"My children breathe this air,\" said Amina Yusuf, a nurse who has lived on Dock Street for nine years. She joined a residents' group asking for a noise wall.\n\n"
     "Meridian said the new rail spur would take many trucks off local streets."),
    ("Riverside Weekly", "2025-02-23", "Harbor school students debate the lease",
     "At Port Calder High School, students held their own debate on the terminal lease last week.\n\n"
     "\"Half of us have parents on the docks, so everyone had an opinion,\" said student Noah Berg, 17. The class voted narrowly in favour of the deal.\n\n"
     "Teacher Ruth Adler said the debate taught students how local decisions shape their lives."),
    ("Riverside Weekly", "2025-03-08", "Harbor cafe owner hopes for more customers",
     "Joe Petrakis has served coffee to dockworkers at the Anchor Cafe for thirty years.\n\n"
     "\"More ships means more hungry people,\" Petrakis said with a laugh, though he admitted many of his regulars are worried.\n\n"
     "He keeps a jar on the counter collecting money for the union's legal fund and a flyer from Meridian beside it."),
    ("Riverside Weekly", "2025-03-16", "Volunteers clean the east quay before the vote",
     "Dozens of volunteers spent Saturday clearing litter from the east quay, a place many residents call the heart of the old harbor.\n\n"
     "\"Whatever happens on Wednesday, this place belongs to all of us,\" said organiser Clara Moss. Families brought children and picnic lunches.\n\n"
     "The volunteers collected more than forty bags of rubbish."),
    ("Riverside Weekly", "2025-03-23", "After the vote, a quiet morning on Dock Street",
     "The morning after the council vote, Dock Street was quiet. Some dockworkers gathered at the Anchor Cafe to talk about the future.\n\n"
     "\"We are tired, but we are not finished,\" said crane operator Daniel Alvarez. Others said they would wait to see whether Meridian keeps its promises.\n\n"
     "Mayor Elena Voss visited the street later in the day and spoke with residents."),
    ("Riverside Weekly", "2025-04-06", "A new training centre gives hope to young workers",
     "At the community college, twenty young people began a course in crane operation funded by Meridian.\n\n"
     "\"I never thought I could work on the harbor,\" said trainee Sofia Lind, 19. Her father lost his job at the shipyard years ago.\n\n"
     "Instructors said the course will run twice a year if demand stays strong."),
    ("Riverside Weekly", "2025-04-20", "Fishing families plan a farewell to the east quay",
     "Fishing families will hold a farewell gathering at the east quay before the boats move across the bay next month.\n\n"
     "\"My father built this mooring with his own hands,\" said Marta Quinn. The city has promised to put up a plaque honouring the fishing fleet.\n\n"
     "Residents are invited to bring photographs of the old harbor."),
]


def rows() -> list[dict]:
    prefix = {"Harbor Ledger": "hl", "Coastline Courier": "cc", "Riverside Weekly": "rw"}
    out, n = [], {}
    for outlet, date, title, text in ARTICLES:
        n[outlet] = n.get(outlet, 0) + 1
        doc_id = f"{prefix[outlet]}{n[outlet]:02d}"
        slug = title.lower().replace(" ", "-").replace(",", "").replace("'", "")
        out.append({"id": doc_id, "outlet": outlet, "date": date, "title": title,
                    "url": f"https://example.org/{prefix[outlet]}/{slug}", "text": text})
    return out


#: Bad rows for the JSONL file: (raw line, what load_corpus must do with it). Keep README.md in step.
BAD_LINES = [
    (json.dumps({"id": "bad-empty", "outlet": "Harbor Ledger", "date": "2025-01-30", "title": "Empty", "text": ""}),
     "rejected: empty or whitespace-only text"),
    (json.dumps({"id": "bad-space", "outlet": "Coastline Courier", "date": "2025-02-01", "title": "Blank", "text": "   \n\t "}),
     "rejected: empty or whitespace-only text"),
    (json.dumps({"id": "bad-no-outlet", "outlet": "", "date": "2025-02-02", "title": "No outlet",
                 "text": "The port authority met on Monday to discuss berth fees."}),
     "rejected: missing outlet"),
    (json.dumps({"id": "hl01", "outlet": "Harbor Ledger", "date": "2025-01-09", "title": "Copy",
                 "text": "A second row reusing an existing id."}),
     "rejected: duplicate id"),
    (json.dumps({"outlet": "Riverside Weekly", "date": "2025-02-10", "title": "No id",
                 "text": "A story with no identifier at all."}),
     "rejected: missing id"),
    (json.dumps({"id": "bad-markup", "outlet": "Riverside Weekly", "date": "2025-02-11", "title": "Markup",
                 "text": "<div><img src='x.png'><br/></div>"}),
     "rejected: text is only HTML markup"),
    ('{"id": "bad-json", "outlet": "Harbor Ledger", "text": "unterminated', "rejected: malformed JSON"),
    ('["not", "an", "object"]', "rejected: JSON line is not an object"),
]
#: Good rows with problems that must be flagged, not rejected.
FLAGGED = {
    "rw03": {"date": "sometime in February"},                     # unparseable date: kept, date unknown
    "cc05": {"text_html": True},                                  # HTML paragraphs: converted to plain text
}


def main() -> None:
    good = rows()
    with open(HERE / "articles.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(good[0]))
        w.writeheader()
        w.writerows(good)
    lines = []
    for r in good:
        r = dict(r)
        if r["id"] in FLAGGED and "date" in FLAGGED[r["id"]]:
            r["date"] = FLAGGED[r["id"]]["date"]
        if r["id"] in FLAGGED and FLAGGED[r["id"]].get("text_html"):
            r["text"] = "".join(f"<p>{p}</p>" for p in r["text"].split("\n\n"))
        lines.append(json.dumps(r, ensure_ascii=False))
    # interleave the bad lines so a loader that stops at the first problem fails the test
    for i, (line, _why) in enumerate(BAD_LINES):
        lines.insert(3 + i * 4, line)
    (HERE / "articles_with_bad_rows.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(good)} articles, {len(BAD_LINES)} bad lines, {len(FLAGGED)} flagged rows")


if __name__ == "__main__":
    main()
