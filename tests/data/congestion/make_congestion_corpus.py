"""Writes articles.csv: 15 invented articles on the Halvercombe congestion charge (hand-made test data).

Run from the project root: ``.venv/bin/python tests/data/congestion/make_congestion_corpus.py``. tests/test_story.py checks
that the stored articles.csv is exactly what this script writes.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SLUG = {"Metro Dispatch": "md", "Valley Standard": "vs", "Green Lane Journal": "gl"}

ARTICLES = [
    ("md01", "Metro Dispatch", "2025-05-05", "City sets 12-dollar daily charge for central Halvercombe", """
Drivers entering central Halvercombe on weekdays will pay 12 dollars a day from June 2 under a congestion charge
published by City Hall on Monday.

The charge covers the 4.5 square kilometres inside the inner ring road and applies from 7 am to 7 pm. Residents of
the zone get a 90 percent discount, and blue-badge holders, buses and taxis are exempt. Cameras at 46 entry points
will read number plates, and drivers will have until midnight the next day to pay.

"Our streets are full, our buses are stuck and our air is the worst in the region," said Mayor Nadia Falk. "This
charge asks the people who add most to the traffic to pay a fair share of its cost."

Transport commissioner Owen Reyes said the city expects traffic in the zone to fall by 15 to 20 percent and the
scheme to raise about 40 million dollars a year. He said every dollar would go to buses, cycle lanes and road
repairs, as the law setting up the scheme requires. "A levy you can avoid by taking the bus is a price, not a tax,"
he said.

The city council will vote on the final terms on May 13. Councillor Harriet Doyle, who leads the opposition on the
council, said the plan was "a tax on people who have no other way to get to work" and that she would vote against
it.
"""),
    ("md02", "Metro Dispatch", "2025-05-14", "Council backs congestion charge after six-hour debate", """
The city council approved the congestion charge late on Tuesday by 21 votes to 14, after a six-hour debate that
ran past midnight.

Councillors added two changes to the mayor's plan. Night-shift workers who enter the zone before 7 am and leave
after 7 pm will not pay, and the city will review the charge after six months and publish the traffic figures every
month.

"Tonight the council chose cleaner air and faster buses," Mayor Nadia Falk said after the vote. "We listened, and
the scheme is better for it."

Councillor Harriet Doyle said the debate had changed little. She accused the mayor of pushing the vote through
before the council had seen the full contract with Vantix Systems, the company that will run the cameras. The
mayor's office rejected the claim and said councillors had been offered a private briefing on the contract in
April.

Transport commissioner Owen Reyes said the 46 cameras had been installed and would be tested over the next two
weeks. Drivers can register on the city website from May 19. According to the transport department, 61,000
vehicles enter the zone on an average weekday, and about one in six of them is making a trip of under three
kilometres.

The charge starts on Monday, June 2.
"""),
    ("md03", "Metro Dispatch", "2025-05-30", "Cameras go live as charge zone opens on Monday", """
The cameras that will enforce the Halvercombe congestion charge passed their final tests on Thursday, the transport
department said, clearing the way for the charge to start on Monday.

Transport commissioner Owen Reyes said the system had read 99.2 percent of plates correctly during two weeks of
trials. Plates that the cameras cannot read will be checked by staff before any penalty is sent. "No driver will
get a fine from a machine alone," Reyes said.

More than 38,000 vehicles have been registered for automatic payment so far. Drivers who do not pay by midnight on
the day after their trip will be sent a penalty notice of 80 dollars, cut to 40 dollars if it is paid within two
weeks.

Carla Mendes, a spokesperson for Vantix Systems, which built and runs the cameras, said the company had run similar
systems in four other cities. "The technology is proven. What matters now is clear signs and clear information,"
she said.

The city has put up 120 signs around the inner ring road and will send leaflets to 90,000 homes. Bus operators said
they would add 30 buses at peak times from the first week, paid for from the charge.
"""),
    ("md04", "Metro Dispatch", "2025-06-11", "Traffic in charge zone down 18 percent, city figures show", """
Traffic inside the Halvercombe charge zone fell by 18 percent in the first week of the congestion charge, according
to figures published by the transport department on Wednesday.

An average of 50,100 vehicles entered the zone each weekday, down from 61,000 in May. Bus journeys across the centre
were on average four minutes faster, and the number of bus passengers rose by 9 percent.

"The first figures are better than we hoped," said transport commissioner Owen Reyes. "But one week is one week. We
will judge the scheme on six months, not on a good start."

Dr Tobias Wren, a transport researcher at the University of Halvercombe, said drops of this size were common in the
first weeks of a charge and usually shrank slightly as drivers adjusted. "In the cities that tried this before us, most of the
fall stayed in place for years. The question is whether traffic simply moves to the ring road," he said.

Councillor Harriet Doyle said the figures hid the cost to small businesses and to drivers who had been fined in
error. The department said 1,140 penalty notices had been cancelled after checks, out of 9,800 sent. Reyes said the
cancelled notices showed that the checks worked.
"""),
    ("md05", "Metro Dispatch", "2025-06-25", "Charge raised 4.1 million dollars in first month, Reyes says", """
The Halvercombe congestion charge raised 4.1 million dollars in its first three weeks, transport commissioner Owen
Reyes told the council's transport committee on Tuesday.

After the cost of running the cameras and the payment system, the scheme brought in 2.9 million dollars, which Reyes
said would pay for 30 extra buses, a new cycle lane on Mill Street and repairs to the Corder Road bridge.

Reyes told councillors that traffic in the zone was still 16 percent below the May level and that traffic on the
inner ring road had risen by 3 percent. "Some of the traffic has moved, but most of it has gone," he said.

Councillor Harriet Doyle asked why the camera contract cost the city 1.2 million dollars a month when the tender had
estimated 800,000. Reyes said the estimate had not included the staff who check unreadable plates, and that the
city had asked Vantix Systems to explain its invoices in writing.

Mayor Nadia Falk said the review after six months would look at the discount for residents and at the night-shift
exemption. "We promised to publish the numbers every month, good or bad, and we will," she said.
"""),
    ("vs01", "Valley Standard", "2025-05-07", "Traders warn congestion charge will empty high street", """
Shop owners in central Halvercombe say the new 12-dollar congestion charge could drive away the customers they
depend on, and some are already planning to cut hours.

Simon Achterberg, who chairs the Halvercombe Traders' Association, said a survey of 210 members found that 62
percent expected their sales to fall. "People will shop at the retail park on the motorway, where parking is free
and there is no charge," he said. "City Hall is treating shoppers as a problem to be priced out."

Marisol Grant, who has run a hardware shop on Bell Street for 19 years, said half of her customers drive in to buy
heavy goods. "You cannot carry a bag of cement on a bus," she said.

The traders want the charge to start later in the morning and a free first hour for shoppers. Mayor Nadia Falk said
she would meet the association but would not change the hours. "Every study of these schemes shows that shops in
quieter streets do better, not worse," she said.

Councillor Harriet Doyle called the charge "a stealth tax dressed up as a clean air policy". The mayor's office
denied that the scheme was designed to raise money and said the law required all revenue to go to transport.
"""),
    ("vs02", "Valley Standard", "2025-05-20", "Motorists' group accuses city of rigging consultation", """
The Halvercombe Motorists' Association has accused the city of rigging the public consultation on the congestion
charge, and says it is preparing a legal challenge.

Gordon Pike, the association's president, said the online questionnaire had asked residents whether they wanted
cleaner air and faster buses, but had never asked whether they supported a daily charge. "It was designed to get
the answer City Hall wanted," Pike said. He claimed that 4,000 written objections had been summarised in a single
page of the report to councillors.

The transport department rejected the allegation. A spokesperson said the consultation had been run by an
independent research firm, that every written objection had been read, and that the full responses were published
on the city website. "There is no truth in the claim that the consultation was rigged," the spokesperson said.

Pike said the association had raised 60,000 dollars from members to pay for lawyers and would decide within a month
whether to go to court. He said the charge would hit carers, tradespeople and night-shift workers hardest.

Councillor Harriet Doyle said she supported the association's call for the consultation to be repeated.
"""),
    ("vs03", "Valley Standard", "2025-06-04", "Drivers wrongly fined as cameras misread plates", """
Hundreds of drivers who paid the Halvercombe congestion charge or never entered the zone have received penalty
notices, the Valley Standard has learned.

Derek Olowe, a plumber from Harlow Green, was sent two 80-dollar fines for days when his van was parked outside his
home, five kilometres from the zone. "The camera read my 8 as a 3. Now I have to prove I was not somewhere," he said.
Another driver, Ana Petrova, said she had been fined although she had paid online within minutes of entering.

Gordon Pike of the Halvercombe Motorists' Association said the association had collected 340 complaints in three
days. "This is a cash grab run by a machine," he said. He accused Vantix Systems, the camera contractor, of
switching off staff checks to save money.

Vantix denied the claim. Carla Mendes, a spokesperson for the company, said every unreadable plate was checked by a
person and that the number of wrong notices was "well within the range we see in the first week of any scheme".

Transport commissioner Owen Reyes said all wrongly issued notices would be cancelled and that drivers could appeal
online. He said the department would publish the number of cancelled notices every week.
"""),
    ("vs04", "Valley Standard", "2025-06-13", "Vantix denies overcharging city for camera contract", """
Vantix Systems has denied overcharging the city of Halvercombe after invoices seen by the Valley Standard showed
the camera contract costing far more than the tender estimated.

The invoices for the first month of the congestion charge total 1.2 million dollars, against a tender estimate of
800,000 dollars a month. Councillor Harriet Doyle said the figures showed the city had signed "a blank cheque". She
alleged that the company had billed the city for staff checks it had not carried out.

"These accusations are baseless," said Carla Mendes, a spokesperson for Vantix. She said the extra cost came from
staff checks on unreadable plates, which the city had asked to be expanded after the first week, and from a
second call centre that opened on June 6. "Every invoice lists the hours worked," she said.

The transport department said it had asked Vantix for a written explanation and would not pay the disputed part of
the invoice until it received one. Mayor Nadia Falk said the contract allowed the city to audit the company's
accounts and that she would use that right if needed.

Simon Achterberg of the Traders' Association said shop owners were "paying for the charge twice, once in lost sales
and once in tax money for the cameras".
"""),
    ("vs05", "Valley Standard", "2025-06-24", "Motorists' Association takes charge to court", """
The Halvercombe Motorists' Association filed a claim in the High Court on Monday asking a judge to suspend the
congestion charge, arguing that the city broke consultation law.

The 48-page claim says the city failed to consult fairly, did not assess the effect of the charge on disabled drivers who
do not hold a blue badge, and set the penalty at a level that is unlawful. The association wants the charge
suspended until a new consultation is held.

"We tried everything else. The city would not listen, so we will let a judge decide," said Gordon Pike, the
association's president, outside the court. He called the charge "a daily toll on people who work".

The city attorney's office said the scheme was fully lawful and that the city would defend it. "The consultation
met every legal requirement, and the penalty level is set by state regulations, not by the city," a spokesperson
said.

Legal experts said suspensions of this kind were rare. Professor Ines Calloway of the University of Halvercombe law
school said the court would first decide whether the claim could go ahead at all, which could take several weeks.
"The bar for stopping a scheme that is already running is high," she said.

A first hearing is expected in July. The charge remains in force in the meantime.
"""),
    ("gl01", "Green Lane Journal", "2025-05-09", "Parents on Corder Road hope charge will clear the air", """
On Corder Road, where 2,000 lorries and cars pass the primary school every morning, parents have been waiting for
the congestion charge for years.

Hannah Li walks her two children to school along the road each day. Her younger son, Sam, who is seven, has asthma.
"On bad days he coughs all the way there," she said. "If the charge takes even a few hundred cars off this road, it
is worth it to me."

The city's own monitor outside the school recorded nitrogen dioxide levels above the national limit on 41 days last
year. Priya Nandakumar, coordinator of the campaign group Clean Air Halvercombe, said the charge was the first
serious step the city had taken. "We have measured this air for eight years. We know what the children breathe,"
she said.

Not every parent agrees. Tom Egan, who drives his daughter to school on the way to work, said he would now pay 12
dollars a day or leave earlier to avoid the zone. "I want clean air too, but I cannot put my daughter on a bus at
half past six," he said.

The school's head teacher, Joyce Amadi, said the school would start a walking bus in June and would count how many
children walk.
"""),
    ("gl02", "Green Lane Journal", "2025-05-24", "Cyclists plan ride to celebrate charge zone", """
Some 500 cyclists are expected to ride around the inner ring road on the morning of June 2 to mark the first day of
the Halvercombe congestion charge.

The ride is organised by Clean Air Halvercombe and the Halvercombe Cycling Club. Priya Nandakumar of Clean Air
Halvercombe said the ride was a thank-you to the council as much as a celebration. "For once the city chose the
people who breathe over the people who drive," she said.

Luca Brennan, who cycles 11 kilometres to his job at the railway station, said he had stopped riding in winter
because the traffic frightened him. "With fewer cars I might ride all year," he said.

The cycling club wants the city to spend part of the charge's revenue on a protected lane along Mill Street, where
two cyclists were injured last year. Transport commissioner Owen Reyes said the lane was "near the top of the
list".

Not every resident welcomes the ride. Margaret Shaw, who lives on the ring road, said she feared the charge would
push more traffic past her house. "The centre gets cleaner and we get the lorries," she said. The city said it
would publish traffic counts for the ring road every month.
"""),
    ("gl03", "Green Lane Journal", "2025-06-06", "Nurses ask for exemption from daily charge", """
Nurses and care workers at St Aldric's Hospital, inside the charge zone, have asked the city to exempt staff who
work day shifts from the 12-dollar congestion charge.

A petition signed by 1,300 hospital staff says many of them start at 7 am, when buses are rare, and earn too little
to pay 60 dollars a week. "I love my job, but I cannot afford to pay to go to it," said Grace Adeyemi, a nurse on
the children's ward for 14 years.

Dr Lena Marsh, the hospital's chief executive, said the hospital supported cleaner air but feared losing staff.
"We already have 90 vacant nursing posts. We cannot afford to lose more," she said. The hospital has offered to pay
half the charge for staff on the lowest pay bands.

Mayor Nadia Falk said she understood the nurses' anger but would not add exemptions before the six-month review.
"Every exemption brings more cars back into the zone," she said. She said the city had asked bus operators to add
early-morning buses to the hospital from June 16.

Priya Nandakumar of Clean Air Halvercombe said the campaign backed a discount for low-paid key workers. "Clean air
should not cost nurses their jobs," she said.
"""),
    ("gl04", "Green Lane Journal", "2025-06-16", "Air monitors record cleaner air near schools", """
Air outside the Corder Road primary school was cleaner in the first two weeks of the congestion charge than in any
fortnight since monitoring began, according to readings published by Clean Air Halvercombe.

Nitrogen dioxide levels at the school gate were 23 percent lower than in the same weeks last year, and the national
limit was not passed on any day. The group's six other monitors in the zone showed falls of between 11 and 19
percent.

"Two weeks do not make a trend, but these are the best readings we have ever taken," said Priya Nandakumar, the
group's coordinator. She said weather could explain part of the fall and that the group would publish a full
analysis after three months.

Dr Tobias Wren of the University of Halvercombe said the readings were consistent with the drop in traffic reported
by the city. "You would expect pollution at the kerb to fall faster than traffic, because the worst stop-start
driving is the first to go," he said.

Hannah Li, whose son has asthma, said she had noticed the difference on the walk to school. "He has not used his
inhaler in the mornings since the charge started," she said. "I know that is one child, but it is my child."
"""),
    ("gl05", "Green Lane Journal", "2025-06-28", "Bus riders notice quicker journeys, and fuller buses", """
Passengers on Halvercombe's busiest bus routes say their journeys into the centre have become faster since the
congestion charge began, but that the buses are now more crowded.

On route 7, which runs from Harlow Green to the station, the morning journey now takes 31 minutes instead of 40,
according to the bus operator. "I used to leave the house at ten past seven. Now I can leave at twenty past," said
Fatima Bakr, a student at the university.

But Robert Kwan, who uses a wheelchair, said he had twice been unable to board a full bus last week. "Faster is good
if you can get on," he said.

The city has added 30 buses at peak times, paid for from the charge. Transport commissioner Owen Reyes said 12 more
would follow in September. Critics of the charge said the city had promised better buses before the charge
started, not after. "People were asked to leave their cars before the alternative was ready," said Councillor
Harriet Doyle, who accused the mayor of breaking that promise. Reyes rejected the accusation and said the first
30 buses had been ordered in March.

Priya Nandakumar of Clean Air Halvercombe said the crowding showed that people wanted to use buses. "The answer to
full buses is more buses, not more cars," she said.
"""),
]


def _text(body: str) -> str:
    paras = [" ".join(p.split()) for p in body.strip().split("\n\n")]
    return "\n\n".join(paras)


def rows() -> list[dict]:
    out = []
    for aid, outlet, date, title, body in ARTICLES:
        slug = re.sub(r"[^a-z0-9.]+", "-", title.lower()).strip("-")
        out.append({"id": aid, "outlet": outlet, "date": date, "title": title,
                    "url": f"https://example.org/{SLUG[outlet]}/{slug}", "text": _text(body)})
    return out


def csv_text() -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["id", "outlet", "date", "title", "url", "text"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows())
    return buf.getvalue()


if __name__ == "__main__":
    (HERE / "articles.csv").write_text(csv_text(), encoding="utf-8")
    print(f"wrote {HERE / 'articles.csv'}: {len(ARTICLES)} articles")
