"""Write the hand-made "bring your own corpus" test corpus (invented articles, see README.md).

    .venv/bin/python tests/data/byoc/make_corpus.py

Writes ``articles.csv`` (31 clean articles from three fictional outlets, 150-190 words each),
``articles_with_bad_rows.jsonl`` (the same articles, two of them flagged, plus nine lines that must be
rejected, each for a different reason) and ``articles_with_bad_rows.csv`` (the same as a CSV table: the
seven bad rows a CSV can hold, each rejected for a different reason, and the same two flagged rows). Rerun after editing the texts below; ``tests/test_byoc.py`` checks
that the stored files are exactly what this script writes.
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
     "The bid, submitted to city hall on Monday, promises six new cranes, a rail spur to the inland freight yard and 400 permanent jobs. \"This terminal can double its volume within five years,\" said Rafael Ortiz, chief executive of Meridian. \"The harbor has deep water and a loyal workforce. What it lacks is equipment.\"\n\n"
     "Analysts at Tidewater Capital said the offer values the terminal well above earlier estimates of 800 million dollars. Martin Kell, who covers port operators for the firm, said the premium reflects strong demand for berths on the northern trade route.\n\n"
     "Under the proposal the city would keep ownership of the land and receive an upfront payment plus annual rent linked to cargo volumes. Meridian would pay for the cranes and the rail spur.\n\n"
     "The city council is expected to debate the lease in February and vote in March. Mayor Elena Voss said the bid was \"a serious offer that deserves a serious hearing\"."),
    ("Harbor Ledger", "2025-01-15", "Chamber of Commerce backs terminal deal",
     "The Port Calder Chamber of Commerce has endorsed the Meridian lease, saying the investment would lift exports and attract logistics firms to the harbor district.\n\n"
     "\"Every month of delay costs local shippers money,\" said Linda Harrow, president of the chamber. She said members had lost contracts to larger ports with deeper berths and faster cranes, and that two furniture makers now truck their goods 300 kilometres to ship them.\n\n"
     "The chamber commissioned a study from the regional university, which estimates that the deal could add 90 million dollars a year to the regional economy once the terminal reaches full capacity. The study counts wages at the terminal, trucking and warehouse work, and spending by crews.\n\n"
     "Harrow said the chamber had also asked Meridian to buy services locally where it can. \"The value of this project is in the supply chain around it,\" she said.\n\n"
     "The chamber represents about 600 businesses in the city. Its board voted unanimously to support the lease at a meeting last week."),
    ("Harbor Ledger", "2025-01-22", "Mayor Voss outlines revenue plan from lease",
     "Mayor Elena Voss said the lease payments would fund road repairs and cut the city's debt without raising property taxes.\n\n"
     "\"This is a rare chance to invest in the city without asking residents for more,\" Voss said at a briefing on Tuesday. She presented a five-year budget plan that assumes the council approves the lease in March.\n\n"
     "Under the draft agreement, Meridian would pay an upfront fee of 300 million dollars and annual rent linked to cargo volumes, starting at 25 million dollars. Finance staff said the upfront fee alone would reduce the city's outstanding debt by about a fifth and save 11 million dollars a year in interest.\n\n"
     "The plan sets aside 40 million dollars for road repairs in the harbor district, where heavy trucks have damaged streets for years, and 10 million dollars for a fund to retrain workers.\n\n"
     "Finance director Paul Greer said the city would remain owner of the land and could take the terminal back if Meridian failed to meet investment targets. \"The city keeps the asset and gains an income,\" Greer said."),
    ("Harbor Ledger", "2025-02-03", "Shipping lines signal more calls if terminal expands",
     "Two major shipping lines have told the port authority they would add weekly calls at Port Calder if the terminal is modernised.\n\n"
     "The port handled 610,000 containers last year, down 4 percent, as vessels grew too large for its old cranes. Ships that once stopped in Port Calder now unload at bigger ports to the south, and the goods travel back north by truck.\n\n"
     "\"Capacity is the whole story here,\" said Martin Kell, an analyst at Tidewater Capital. \"The market is there. The port simply cannot serve the ships that carry it.\" Kell estimates that new cranes could bring 150,000 extra containers a year within three years.\n\n"
     "A spokesperson for one of the lines said the company was ready to sign a long-term berth agreement with Meridian once the lease is approved. Such agreements usually guarantee a minimum number of calls and make revenue more predictable for the operator.\n\n"
     "Meridian said the first new cranes could arrive eighteen months after signing. Port authority director Helen Shaw said the authority would support any plan that brings cargo back to the harbor."),
    ("Harbor Ledger", "2025-02-12", "Bond markets welcome Port Calder deal",
     "Port Calder's municipal bonds rose this week after the credit agency Sterling Ratings said the lease would strengthen the city's finances.\n\n"
     "The agency said the upfront payment could reduce debt by a fifth and that rent linked to cargo volumes would give the city a growing source of revenue. \"The transaction is credit positive,\" Sterling Ratings wrote in a note to investors on Monday.\n\n"
     "The yield on the city's ten-year bonds fell by a quarter of a percentage point, its largest drop in two years. Traders said investors had been waiting for a clear plan to reduce the city's debt, which has grown since the closure of the shipyard.\n\n"
     "City officials said they expect borrowing costs to fall further if the council approves the lease. Lower interest payments would free money for schools and roads, finance director Paul Greer said.\n\n"
     "Sterling Ratings cautioned that the benefits depend on Meridian meeting its volume targets. The agency said a long dispute with the dockworkers' union could delay the expected gains."),
    ("Harbor Ledger", "2025-02-20", "Meridian promises local hiring quota",
     "Meridian Ports Group said it would hire at least 70 percent of terminal staff from Port Calder and neighbouring towns.\n\n"
     "\"We want the people who know this harbor to run it,\" said Rafael Ortiz at a meeting with business leaders on Wednesday. The company also pledged to fund a training centre at the community college, with places for 40 trainees a year in crane operation, maintenance and logistics software.\n\n"
     "Ortiz said Meridian would keep the current terminal workforce for at least five years and honour existing wage agreements. He said the company's terminals in other countries had increased employment after modernisation because higher volumes need more staff.\n\n"
     "Business leaders said the pledge answered concerns about jobs. \"This is the commitment people were waiting for,\" said Linda Harrow of the Chamber of Commerce.\n\n"
     "The dockworkers' union has not commented on the hiring pledge. The city said the quota would be written into the lease, with penalties if Meridian falls short."),
    ("Harbor Ledger", "2025-03-01", "Logistics firms eye harbor district",
     "Three logistics companies have asked about warehouse sites near the terminal, the city's economic development office said.\n\n"
     "Property agents report rising interest in the harbor district since the Meridian bid. Land prices near the rail yard have climbed by about 15 percent since January, according to agent Paula Dent. \"Investors follow infrastructure,\" Dent said. \"A rail spur and new cranes change the value of every site within five kilometres.\"\n\n"
     "One of the firms, a cold-storage operator, is considering a 60 million dollar facility that would employ about 120 people. The company declined to comment on its plans before the council vote.\n\n"
     "The economic development office said the city would offer faster permits for projects on former industrial land. Director Sam Okoro said new warehouses could bring in two million dollars a year in business taxes.\n\n"
     "Officials cautioned that the sites depend on the lease being approved. Without new cranes, Okoro said, the harbor district would keep losing business to larger ports."),
    ("Harbor Ledger", "2025-03-10", "Council committee clears lease for final vote",
     "The council's finance committee voted four to one to send the Meridian lease to the full council.\n\n"
     "Mayor Elena Voss called the vote a step toward growth. \"The committee looked at every number and found a good deal for the city,\" she said after the three-hour session.\n\n"
     "Councillor Tomas Brandt cast the only vote against, saying the terms favour the operator and that the rent formula would pay the city too little if cargo grew faster than expected. He also accused the mayor's office of hiding parts of the contract from members, a claim the office denies. The committee added an amendment that lets the city review the rent after ten years.\n\n"
     "The committee also heard from Sterling Ratings and from the port authority, which both supported the lease. Committee chair Irene Walsh said the amendment answered the main financial objection.\n\n"
     "Meridian shares rose 3 percent after the committee decision. The full council will vote on March 19. Seven of the eleven members have said publicly that they support the lease."),
    ("Harbor Ledger", "2025-03-19", "Council approves Port Calder lease",
     "The city council approved the 30-year lease with Meridian Ports Group by seven votes to four on Wednesday night.\n\n"
     "\"Tonight Port Calder chose investment and jobs,\" Mayor Elena Voss said after the vote. She thanked council members for a long and careful debate and said the first payment would reach the city within sixty days.\n\n"
     "Meridian said work on the rail spur would begin this summer and that it expects to take over terminal operations on July 1. \"We are proud to become part of this city,\" said Rafael Ortiz, who watched the vote from the public gallery.\n\n"
     "Sterling Ratings said it would review the city's outlook for an upgrade. Shares in Meridian closed 2 percent higher.\n\n"
     "The lease includes the local hiring quota, the training centre and the ten-year rent review added by the finance committee. The four members who voted against said they remained concerned about the length of the contract."),
    ("Harbor Ledger", "2025-04-02", "Terminal deal lifts port outlook, analysts say",
     "Analysts have raised their cargo forecasts for Port Calder after the lease approval.\n\n"
     "Tidewater Capital now expects volumes to pass one million containers by 2030, up from its earlier forecast of 700,000. \"The investment case is strong,\" said Martin Kell. \"New cranes, a rail link and an operator with global customers is exactly the combination the port needed.\"\n\n"
     "Kell said the main risk was timing. Equipment orders for large cranes can take two years, and any delay in construction of the rail spur would slow the growth in volumes.\n\n"
     "Some analysts noted that a court challenge by the union could delay the timetable. The union alleges that the tender was unfair to rival bidders, which the city rejects. Sterling Ratings said it would treat a lawsuit as a risk to the city's expected income but not as a reason to change its positive view.\n\n"
     "Meridian's own forecast, published with its annual results, shows Port Calder contributing about 8 percent of group profit by 2028. The company said the terminal would be its main investment in the region."),
    ("Harbor Ledger", "2025-04-14", "Meridian orders cranes for Port Calder",
     "Meridian Ports Group has ordered six ship-to-shore cranes for the Port Calder terminal, the company said on Monday.\n\n"
     "The cranes will allow the port to serve the largest vessels on the northern route, which carry up to 15,000 containers. \"We are moving quickly because our customers are waiting,\" said Rafael Ortiz. He said the first two cranes would arrive in the autumn of next year.\n\n"
     "The order is worth about 90 million dollars. The cranes are electric and will cut the terminal's diesel use by about a third, according to the company.\n\n"
     "Meridian also said it had signed a ten-year berth agreement with one of the shipping lines that promised extra calls. The agreement guarantees at least two weekly calls from next year.\n\n"
     "Port authority director Helen Shaw welcomed the order. \"These cranes are the clearest sign that the investment is real,\" she said. Shaw added that the authority would dredge the main channel next year so that larger ships can reach the new berths."),
    ("Harbor Ledger", "2025-04-24", "Rail spur contract goes to regional builder",
     "A regional construction firm has won the contract to build the rail spur linking the Port Calder terminal to the inland freight yard.\n\n"
     "Calder Valley Construction will build the four-kilometre line for 48 million dollars, paid by Meridian Ports Group. The company said the project would employ about 150 workers at its peak and that most would be hired locally.\n\n"
     "\"Winning this contract keeps our crews busy for two years,\" said company owner Greta Lund. The firm beat two national builders on price and on its plan to keep trucks off residential streets during construction.\n\n"
     "The rail spur is expected to move a third of the terminal's containers by train, reducing truck traffic in the harbor district. The city said it would use part of the lease income to repave the roads most damaged by trucks.\n\n"
     "Work will start in June. Meridian said the line should open in the spring of 2027, in time for the arrival of the new cranes."),
    # ---------------------------------------------------------------- Coastline Courier: conflict angle
    ("Coastline Courier", "2025-01-09", "Union vows to fight sale of harbor control",
     "The dockworkers' union has vowed to fight the city's plan to hand the Port Calder terminal to Meridian Ports Group for 30 years.\n\n"
     "\"They are selling the harbor behind our backs,\" said Grace Okafor, leader of Dockworkers Local 14, at a crowded meeting in the union hall on Wednesday night. She accused the mayor of negotiating with Meridian in secret for months before the bid was made public.\n\n"
     "Okafor said the union had learned of the talks from a shipping agent, not from the city. \"Nobody asked the people who load these ships,\" she said. Members voted to start a campaign against what they call the sell-off of the port.\n\n"
     "Mayor Elena Voss denied the claim and said the talks followed normal procurement rules. \"There was no secret deal,\" Voss said in a statement. \"The bid was opened in public and every council member will see the terms.\"\n\n"
     "Councillor Tomas Brandt, who chairs the council's labour committee, said he shared the union's concerns. \"A 30-year handover of public infrastructure should not start with a surprise,\" he said."),
    ("Coastline Courier", "2025-01-17", "Councillor demands release of lease documents",
     "Councillor Tomas Brandt has demanded that the city publish the full draft lease before any vote.\n\n"
     "\"Residents are being asked to trust a contract nobody has seen,\" Brandt said at a press conference outside city hall. He claimed that clauses on rent reviews and labour conditions had been hidden from council members, who were shown only a summary.\n\n"
     "Brandt said he had filed a freedom of information request for the negotiation records and would ask the council to delay the vote until they are released. Two other councillors signed his letter.\n\n"
     "The mayor's office rejected the accusation. A spokesperson said commercial details must stay confidential until negotiations end, as they do in every large contract, and that councillors would receive the full text two weeks before the vote.\n\n"
     "\"Two weeks to read a 300-page contract that binds the city for a generation is not transparency,\" Brandt replied. Meridian said it had no objection to the publication of the lease once it is final."),
    ("Coastline Courier", "2025-01-28", "Security concerns raised over foreign control of port",
     "A former harbor master has warned that foreign control of the Port Calder terminal could expose the port to security risks.\n\n"
     "\"Whoever runs the cranes sees every container that comes in,\" said Victor Hale, who ran the port for twelve years before retiring in 2021. Meridian Ports Group is owned by an overseas investment fund whose other owners are not publicly known, Hale said.\n\n"
     "He urged the city to ask national authorities for a security review before signing. \"This is strategic infrastructure. The question is not whether Meridian is a good company but who can tell it what to do,\" he said.\n\n"
     "Meridian rejected the allegations and said it follows all national security rules. \"Our ownership is registered and audited, and our terminals in other countries work closely with customs,\" a company spokesperson said.\n\n"
     "The mayor's office said customs and border officers would continue to inspect cargo at the terminal. Critics said the answer did not address who would control the data on every shipment."),
    ("Coastline Courier", "2025-02-06", "Hundreds protest outside city hall",
     "Hundreds of dockworkers and residents protested outside city hall on Thursday against the terminal lease.\n\n"
     "Protesters carried signs reading \"Not for sale\" and \"Our harbor, our jobs\" and blocked traffic on Market Street for an hour. \"We will not let them take our jobs and our harbor,\" said Grace Okafor, speaking from the back of a truck.\n\n"
     "Several speakers accused the council of siding with a foreign company against its own workers. Councillor Tomas Brandt told the crowd that the lease was \"a giveaway dressed up as an investment\".\n\n"
     "Police said the protest was peaceful and that no one was arrested. Mayor Elena Voss, who was in meetings inside the building, did not come out to meet the protesters. Her office said she had offered to meet union leaders the following week.\n\n"
     "Okafor dismissed the offer. \"We have had meetings. What we have not had is answers,\" she said. The union said it would hold a larger rally before the council vote."),
    ("Coastline Courier", "2025-02-14", "Leaked memo shows job cuts under automation plan",
     "A leaked Meridian memo suggests that automated cranes could cut up to 250 dockworker jobs at Port Calder within a decade.\n\n"
     "The internal planning document, seen by the Coastline Courier, compares staffing under manual and automated operation and describes the automated option as \"the preferred long-term scenario\". It was written last year, months before the company made its public promises on jobs.\n\n"
     "The union said the memo contradicts the company's hiring pledge. \"They promised jobs in public and planned cuts in private,\" said Grace Okafor. She accused Meridian of misleading the council and demanded that the lease ban automation for its full term.\n\n"
     "Meridian said the memo was an old planning scenario and denied any plan to cut jobs. \"We assess many options. The one we chose for Port Calder keeps every current job,\" said Rafael Ortiz.\n\n"
     "Councillor Tomas Brandt said the memo showed why the full lease had to be published. The mayor's office said the jobs guarantee in the lease was binding whatever the memo said."),
    ("Coastline Courier", "2025-02-25", "Brandt accuses mayor of ignoring objections",
     "Councillor Tomas Brandt has accused Mayor Elena Voss of ignoring more than 2,000 written objections to the terminal lease.\n\n"
     "\"This process is a sham,\" Brandt told a packed council meeting on Monday. He said most objections had received the same one-page reply and that the city had failed to study the impact of the lease on wages, traffic and the fishing fleet.\n\n"
     "Residents in the public gallery cheered and several held up copies of the reply they had received. Council chair Irene Walsh twice threatened to clear the gallery.\n\n"
     "Voss rejected the criticism and said every objection had been read and answered by staff. \"Many of the letters raised the same points, so they received the same answers,\" she said. She accused opponents of spreading fear about jobs that the lease protects.\n\n"
     "Brandt has asked the state ombudsman to review how the objections were handled. The ombudsman's office confirmed it had received the complaint but said it had not decided whether to investigate."),
    ("Coastline Courier", "2025-03-05", "Transport minister questions lease terms",
     "State Transport Minister Ian Mercer has said he has serious concerns about the length of the Port Calder lease.\n\n"
     "\"Thirty years is a very long time to give up control of strategic infrastructure,\" Mercer said at a press conference in the state capital. He asked the city to share the full contract with his department and suggested a shorter term with an option to extend.\n\n"
     "The intervention opens a dispute between the state government and city hall. The mayor's office said the minister had no role in approving municipal leases and accused him of playing politics months before the state election.\n\n"
     "Mercer denied that the timing was political. \"Ports are part of the national supply chain. When a city hands one to a foreign operator, the state has a duty to ask questions,\" he said.\n\n"
     "Grace Okafor of the dockworkers' union welcomed the minister's comments. Meridian said it was willing to brief the department but saw no reason to change the term of the lease."),
    ("Coastline Courier", "2025-03-12", "Union threatens strike before council vote",
     "Dockworkers Local 14 has threatened a strike if the council approves the terminal lease next week.\n\n"
     "\"If they sign it, the port stops,\" said Grace Okafor after members voted by a large majority to authorise industrial action. The union said a strike could begin within days of the vote and would last until the city agreed to renegotiate.\n\n"
     "Shipping agents warned that a strike would divert cargo to rival ports and damage the harbor's reputation with the lines it is trying to win back. One agent said customers had already asked about alternative routes.\n\n"
     "Meridian accused the union of holding the city hostage. \"Threats will not change the facts. This lease protects every job at the terminal,\" said Rafael Ortiz.\n\n"
     "Mayor Elena Voss called the strike threat irresponsible and urged the union to return to talks. Councillor Tomas Brandt said the threat was the result of months in which the city refused to listen to the workers."),
    ("Coastline Courier", "2025-03-20", "Lease passes amid anger in packed chamber",
     "The council approved the Meridian lease by seven votes to four on Wednesday night as protesters shouted from the public gallery.\n\n"
     "Councillor Tomas Brandt called it \"a dark night for this city\" and said opponents would challenge the decision in court. He accused the majority of ignoring the leaked memo, the minister's warning and thousands of objections.\n\n"
     "Security guards removed several protesters after they refused to stop chanting. Outside, about 300 people waited in the rain, and some cried when the result was announced.\n\n"
     "Mayor Elena Voss said the debate had been long and fair and that the lease protected workers. \"I understand the anger, but the council has made its decision,\" she said.\n\n"
     "Grace Okafor said the union would decide on strike action at a meeting on Friday. \"They have sold the harbor. We will fight to get it back,\" she said. Meridian said it looked forward to working with all staff at the terminal."),
    ("Coastline Courier", "2025-04-08", "Union files lawsuit to block terminal lease",
     "Dockworkers Local 14 has filed a lawsuit claiming the city broke procurement law when it approved the Meridian lease.\n\n"
     "The complaint, filed in the state court on Monday, alleges that rival bidders were given less time to prepare their offers and that the city changed the evaluation criteria after Meridian's bid arrived. It asks the court to cancel the lease and order a new tender.\n\n"
     "\"We will see them in court,\" said Grace Okafor. The union also said it had called off the strike while the case is heard, a decision shipping agents welcomed.\n\n"
     "The city attorney said the process was lawful and that the city would defend the lease. \"Every bidder received the same documents on the same day,\" the city attorney's office said. Meridian denied any wrongdoing and said the allegations were baseless.\n\n"
     "Councillor Tomas Brandt said the lawsuit would finally force the city to show the negotiation records in court. A first hearing is expected in June."),
    # ---------------------------------------------------------------- Riverside Weekly: human interest
    ("Riverside Weekly", "2025-01-12", "Three generations on the docks",
     "For the Alvarez family, the Port Calder docks are more than a workplace. Grandfather Luis Alvarez loaded ships by hand in the 1970s, his son Daniel runs a crane, and his granddaughter Rosa started as a lasher last spring.\n\n"
     "\"The harbor raised this family,\" Luis Alvarez said at his kitchen table, where photographs of old cargo ships cover one wall. He remembers strikes, storms and the night the shipyard closed, and he says the docks always came back.\n\n"
     "This time he is less sure. He worries about what a new operator will mean for his granddaughter, who is 22 and hopes to train as a crane driver like her father. \"I just want her to have the same chance I had,\" he said.\n\n"
     "His son Daniel is more hopeful. He has read about the new cranes and thinks they could bring more ships and more shifts. \"Or they could bring machines that do my job,\" he added, laughing quietly.\n\n"
     "Rosa says she tries not to think about it. \"My friends work in shops and cafes. I work on the water, and I love it,\" she said."),
    ("Riverside Weekly", "2025-01-26", "Fishermen fear losing their berths",
     "Small fishing boats have moored at the east quay of Port Calder for a century. Under the expansion plans, the quay would become part of the container yard.\n\n"
     "\"Nobody asked us,\" said Marta Quinn, who fishes for crab with her brother Tom. The family boat, the Maria Rose, was built by their grandfather and has never been moored anywhere else. On a cold morning last week she was mending traps on the quay while gulls circled overhead.\n\n"
     "The city says it will offer new berths across the bay at Gull Point. Quinn said the new berths are farther from the fish market, exposed to winter storms and harder to reach for older fishers who walk to the harbor.\n\n"
     "About 30 families still make a living from fishing in Port Calder. Several families said they were not against new cranes but felt forgotten in the debate. \"Everyone talks about containers. Nobody talks about us,\" said fisher Ben Carver, who is 71.\n\n"
     "Quinn said she would go to the council meeting in February, though she has never spoken in public before."),
    ("Riverside Weekly", "2025-02-09", "A neighbourhood waits for trucks",
     "Residents of the Millbrook neighbourhood next to the harbor say truck traffic already keeps them awake at night, and they fear the expansion will bring more.\n\n"
     "\"My children breathe this air,\" said Amina Yusuf, a nurse who has lived on Dock Street for nine years. Her younger son has asthma, and she keeps the windows closed in summer. She joined a residents' group asking for a noise wall and a ban on night-time trucks through the neighbourhood.\n\n"
     "The group meets in the back room of the public library. At its last meeting, about forty neighbours, many with young children, shared stories of cracked walls, lost sleep and near misses at the school crossing.\n\n"
     "Meridian said the new rail spur would take many trucks off local streets, and the city has promised to repave the worst roads. Yusuf said she would believe it when she saw it. \"We have heard promises before. The trucks always come first,\" she said.\n\n"
     "Still, she said, she does not want the harbor to close. \"Half of the families on this street work there. We just want to be able to sleep.\""),
    ("Riverside Weekly", "2025-02-23", "Harbor school students debate the lease",
     "At Port Calder High School, students held their own debate on the terminal lease last week.\n\n"
     "\"Half of us have parents on the docks, so everyone had an opinion,\" said student Noah Berg, 17, who argued for the lease. His mother works in the port authority's office. The class voted narrowly in favour of the deal after two hours of speeches.\n\n"
     "Student Leila Haddad, 16, argued against it. Her father is a dockworker and her family has fished from the east quay for decades. \"I said that a city should not sign away its harbor for thirty years, because that is longer than we have been alive,\" she said.\n\n"
     "Teacher Ruth Adler said the debate taught students how local decisions shape their lives. She invited a council member from each side to listen, and both came. \"They were more polite than some adults I have seen at council meetings,\" Adler said with a smile.\n\n"
     "The school plans to send the students' arguments to the council as a written submission."),
    ("Riverside Weekly", "2025-03-08", "Harbor cafe owner hopes for more customers",
     "Joe Petrakis has served coffee to dockworkers at the Anchor Cafe on Dock Street for thirty years.\n\n"
     "He opens at five in the morning, before the first shift, and knows most of his customers by name and by order. \"More ships means more hungry people,\" Petrakis said with a laugh, though he admitted many of his regulars are worried about their jobs.\n\n"
     "His wife Eleni runs the kitchen, and their daughter helps on weekends while studying to become a teacher. The cafe survived the closure of the shipyard, Petrakis said, because the dockworkers kept coming.\n\n"
     "He keeps a jar on the counter collecting money for the union's legal fund, and a flyer from Meridian about the training centre beside it. \"I am not a politician. I am a cafe. Everybody is welcome here,\" he said.\n\n"
     "Asked how he would vote if he sat on the council, Petrakis shrugged. \"I would vote for whatever keeps this street alive,\" he said."),
    ("Riverside Weekly", "2025-03-16", "Volunteers clean the east quay before the vote",
     "Dozens of volunteers spent Saturday clearing litter from the east quay, a place many residents call the heart of the old harbor.\n\n"
     "\"Whatever happens on Wednesday, this place belongs to all of us,\" said organiser Clara Moss, a retired teacher who grew up in a house overlooking the quay. Families brought children and picnic lunches, and fishers lent buckets and ropes.\n\n"
     "Moss said she organised the clean-up so that people on both sides of the lease debate could do something together. Dockworkers worked next to staff from the port authority, and a Meridian employee helped carry bags to the skip.\n\n"
     "Children painted a mural of fishing boats on a wall near the fish market. Eight-year-old Mia Quinn, whose family fishes from the quay, painted her grandfather's boat. \"So it stays here even if the boat has to move,\" she said.\n\n"
     "The volunteers collected more than forty bags of rubbish and two old bicycles. Moss said she would organise another clean-up in the autumn."),
    ("Riverside Weekly", "2025-03-23", "After the vote, a quiet morning on Dock Street",
     "The morning after the council vote, Dock Street was quiet. Some dockworkers and their families gathered at the Anchor Cafe to talk about the future over coffee and eggs.\n\n"
     "\"We are tired, but we are not finished,\" said crane operator Daniel Alvarez, who had stood outside city hall in the rain until midnight. Others said they would wait to see whether Meridian keeps its promises on jobs before deciding what to think. A few repeated the union's claim that the deal had been made in secret.\n\n"
     "At the school crossing, Amina Yusuf walked her sons to class as usual. \"Nothing changes today. The trucks are the same trucks,\" she said. She hopes the rail spur will be built quickly.\n\n"
     "Mayor Elena Voss visited the street later in the day and spoke with residents outside the library. Some shook her hand, and one man turned his back. She told them the city would keep its promises on roads and noise.\n\n"
     "Joe Petrakis said business at the cafe had been normal. \"People still need breakfast, whatever the council does,\" he said."),
    ("Riverside Weekly", "2025-04-06", "A new training centre gives hope to young workers",
     "At the community college, twenty young people have begun a course in crane operation funded by Meridian.\n\n"
     "\"I never thought I could work on the harbor,\" said trainee Sofia Lind, 19. Her father lost his job at the shipyard when she was a child, and the family moved twice looking for work. Now she practises on a simulator that shows a container ship in a storm.\n\n"
     "Another trainee, Kofi Mensah, 24, worked in a warehouse before joining the course. He said his mother cried when he told her he had been accepted. \"She said it was the first time anyone offered me a real trade,\" he said.\n\n"
     "Instructor Pete Rowan, a former crane driver, said the students learn quickly. \"They are not afraid of the machines. I was, at their age,\" he said.\n\n"
     "The course will run twice a year if demand stays strong. Rosa Alvarez, the lasher whose grandfather loaded ships by hand, has applied for the next intake."),
    ("Riverside Weekly", "2025-04-20", "Fishing families plan a farewell to the east quay",
     "Fishing families will hold a farewell gathering at the east quay before the boats move across the bay to Gull Point next month.\n\n"
     "\"My father built this mooring with his own hands,\" said Marta Quinn, standing beside the iron ring he set into the stone in 1962. She said she had accepted the move but that it still felt like leaving home.\n\n"
     "The city has promised to put up a plaque honouring the fishing fleet and to keep the children's mural of fishing boats near the fish market. Residents are invited to bring photographs of the old harbor for an exhibition at the public library.\n\n"
     "Ben Carver, 71, said he would take his boat across the bay one last time and then retire. \"I have fished from this quay for fifty years. I am too old to learn a new harbor,\" he said.\n\n"
     "The gathering will end with a procession of boats past the terminal. Clara Moss, who is helping to organise it, said everyone is welcome, including the dockworkers and the new operator."),
]


PREFIX = {"Harbor Ledger": "hl", "Coastline Courier": "cc", "Riverside Weekly": "rw"}


def rows() -> list[dict]:
    """The clean articles as table rows (ids hl01.., cc01.., rw01.. in order of publication per outlet)."""
    out, n = [], {}
    for outlet, date, title, text in ARTICLES:
        n[outlet] = n.get(outlet, 0) + 1
        doc_id = f"{PREFIX[outlet]}{n[outlet]:02d}"
        slug = title.lower().replace(" ", "-").replace(",", "").replace("'", "")
        out.append({"id": doc_id, "outlet": outlet, "date": date, "title": title,
                    "url": f"https://example.org/{PREFIX[outlet]}/{slug}", "text": text})
    return out


def _json(rec: dict) -> bytes:
    return json.dumps(rec, ensure_ascii=False).encode("utf-8")


#: Bad lines for the JSONL file: (raw bytes, the reason load_corpus must report). Each reason is different.
#: Keep README.md and tests/test_byoc.py in step.
BAD_LINES: list[tuple[bytes, str]] = [
    (_json({"id": "bad-empty", "outlet": "Harbor Ledger", "date": "2025-01-30", "title": "Empty", "text": ""}),
     "empty text"),
    (_json({"id": "bad-space", "outlet": "Coastline Courier", "date": "2025-02-01", "title": "Blank",
            "text": "   \n\t "}),
     "whitespace-only text"),
    (_json({"id": "bad-no-outlet", "outlet": "", "date": "2025-02-02", "title": "No outlet",
            "text": "The port authority met on Monday to discuss berth fees."}),
     "missing outlet"),
    (_json({"id": "hl01", "outlet": "Harbor Ledger", "date": "2025-01-09", "title": "Copy",
            "text": "A second row reusing an existing id."}),
     "duplicate id"),
    (_json({"outlet": "Riverside Weekly", "date": "2025-02-10", "title": "No id",
            "text": "A story with no identifier at all."}),
     "missing id"),
    (_json({"id": "bad-markup", "outlet": "Riverside Weekly", "date": "2025-02-11", "title": "Markup",
            "text": "<div><img src='x.png'><br/></div>"}),
     "text is only HTML markup, no words"),
    # a text saved in Latin-1 inside a UTF-8 file: the byte 0xE9 is not valid UTF-8
    (b'{"id": "bad-encoding", "outlet": "Riverside Weekly", "date": "2025-02-15", "title": "Cafe", '
     b'"text": "The harbor caf\xe9 reopened on Saturday after the storm repairs."}',
     "undecodable bytes in the text field"),
    (b'{"id": "bad-json", "outlet": "Harbor Ledger", "text": "unterminated', "malformed JSON"),
    (b'["not", "an", "object"]', "JSON line is not an object"),
]
#: Good rows with problems that must be flagged (kept, with a warning in ``issues``), not rejected.
FLAGGED = {
    "rw03": {"date": "sometime in February"},                     # unparseable date: kept, date unknown
    "cc05": {"text_html": True},                                  # HTML paragraphs: converted to plain text
}


def bad_rows_lines() -> list[bytes]:
    """The JSONL lines: every clean article (two flagged), with the bad lines interleaved."""
    lines = []
    for r in rows():
        r = dict(r)
        if r["id"] in FLAGGED and "date" in FLAGGED[r["id"]]:
            r["date"] = FLAGGED[r["id"]]["date"]
        if r["id"] in FLAGGED and FLAGGED[r["id"]].get("text_html"):
            r["text"] = "".join(f"<p>{p}</p>" for p in r["text"].split("\n\n"))
        lines.append(_json(r))
    # interleave the bad lines so a loader that stops at the first problem fails the test
    for i, (line, _why) in enumerate(BAD_LINES):
        lines.insert(3 + i * 4, line)
    return lines


#: Bad rows for the CSV file: (row, the reason load_corpus must report). The seven reasons of BAD_LINES that a
#: CSV row can carry (malformed JSON and non-object lines exist only in JSONL). ``LATIN1`` marks where the
#: file gets a raw Latin-1 byte (0xE9), which is not valid UTF-8.
LATIN1 = "@@LATIN1_E9@@"
BAD_CSV_ROWS: list[tuple[dict, str]] = [
    ({"id": "bad-empty", "outlet": "Harbor Ledger", "date": "2025-01-30", "title": "Empty", "text": ""},
     "empty text"),
    ({"id": "bad-space", "outlet": "Coastline Courier", "date": "2025-02-01", "title": "Blank", "text": "   \n\t "},
     "whitespace-only text"),
    ({"id": "bad-no-outlet", "outlet": "", "date": "2025-02-02", "title": "No outlet",
      "text": "The port authority met on Monday to discuss berth fees."},
     "missing outlet"),
    ({"id": "hl01", "outlet": "Harbor Ledger", "date": "2025-01-09", "title": "Copy",
      "text": "A second row reusing an existing id."},
     "duplicate id"),
    ({"id": "", "outlet": "Riverside Weekly", "date": "2025-02-10", "title": "No id",
      "text": "A story with no identifier at all."},
     "missing id"),
    ({"id": "bad-markup", "outlet": "Riverside Weekly", "date": "2025-02-11", "title": "Markup",
      "text": "<div><img src='x.png'><br/></div>"},
     "text is only HTML markup, no words"),
    ({"id": "bad-encoding", "outlet": "Riverside Weekly", "date": "2025-02-15", "title": "Cafe",
      "text": f"The harbor caf{LATIN1} reopened on Saturday after the storm repairs."},
     "undecodable bytes in the text field"),
]


def bad_rows_csv() -> bytes:
    """The CSV file: every clean article (the same two flagged), with the bad rows interleaved (rows 4, 8, ...)."""
    import io

    recs = []
    for r in rows():
        r = dict(r)
        if r["id"] in FLAGGED and "date" in FLAGGED[r["id"]]:
            r["date"] = FLAGGED[r["id"]]["date"]
        if r["id"] in FLAGGED and FLAGGED[r["id"]].get("text_html"):
            r["text"] = "".join(f"<p>{p}</p>" for p in r["text"].split("\n\n"))
        recs.append(r)
    for i, (rec, _why) in enumerate(BAD_CSV_ROWS):
        recs.insert(3 + i * 4, {"url": "", **rec})
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(rows()[0]))
    w.writeheader()
    w.writerows(recs)
    return buf.getvalue().encode("utf-8").replace(LATIN1.encode(), b"\xe9")


def main() -> None:
    good = rows()
    with open(HERE / "articles.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(good[0]))
        w.writeheader()
        w.writerows(good)
    (HERE / "articles_with_bad_rows.jsonl").write_bytes(b"\n".join(bad_rows_lines()) + b"\n")
    (HERE / "articles_with_bad_rows.csv").write_bytes(bad_rows_csv())
    print(f"{len(good)} articles, {len(BAD_LINES)} bad JSONL lines, {len(BAD_CSV_ROWS)} bad CSV rows, "
          f"{len(FLAGGED)} flagged rows")


if __name__ == "__main__":
    main()
