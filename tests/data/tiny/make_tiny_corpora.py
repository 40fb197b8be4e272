"""Writes the four tiny corpora (hand-made test data, invented articles on a fictional town's water-rate rise).

Run from the project root: ``.venv/bin/python tests/data/tiny/make_tiny_corpora.py``. They exist to check that
every notebook runs, and says what cannot be estimated, on corpora too small for most methods:

* ``one_doc.csv``: one article from one outlet;
* ``one_outlet.csv``: three articles, all from one outlet;
* ``two_singletons/``: a folder of two ``.txt`` articles with a ``metadata.csv``, one article per outlet;
* ``short_texts.csv``: 40 one-sentence texts of 5 to 8 words, 20 per outlet.
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

A1 = """Households in Brackenford will pay 14 percent more for water from April under a rate rise approved by the town's utility board on Tuesday.

The board voted four to one for the increase, which adds about 6 dollars a month to a typical bill. Utility director Maria Okafor said the money would replace lead service pipes laid before 1960 and repair the Elm Street pumping station, which failed twice last winter.

"We cannot keep patching pipes that are older than most of the people who drink from them," Okafor said. "This rise pays for the work we have put off for twenty years."

Board member Tom Reilly, who voted against, said the utility had not shown why the rise could not be phased in over three years. A residents' group, Brackenford Fair Rates, said it would ask the town council to review the decision."""

A2 = """Brackenford's town council on Thursday refused to overturn the 14 percent water-rate rise, leaving the utility board's decision in place.

Councillor Janet Price said the council had no power to set rates but asked the utility to publish a list of the streets where pipes will be replaced this year. "People will accept a higher bill more easily when they can see the trench outside their house," she said.

Members of Brackenford Fair Rates held signs outside the council chamber. The group's chair, Samuel Ito, said pensioners on fixed incomes would struggle with the increase and called for a discount for low-income households."""

A3 = """Work began on Monday to replace the first 300 lead service pipes in Brackenford, paid for by the water-rate rise that took effect this month.

Crews closed two lanes of Mill Road while they dug up the old pipes. Utility director Maria Okafor said the work would take eight weeks and that households would be told a day before their water was shut off.

Resident Carla Nunez, whose street is on the list, said she did not mind the higher bill if it meant safer water for her children. "I would rather pay now than worry every time I fill a glass," she said."""

B1 = """A regional watchdog said on Wednesday that Brackenford's 14 percent water-rate rise was higher than in any neighbouring town this year.

The Consumer Utilities Council compared rates in eleven towns and found that most had raised bills by 4 to 7 percent. Its director, Paul Mendes, said the utility board should have consulted residents before the vote. "A rise of this size needs a public hearing, not a thirty-minute board meeting," he said.

The utility said the comparison left out the cost of replacing lead pipes, which it said other towns had already finished."""

ONE_DOC = [("bg01", "Brackenford Gazette", "2025-03-04", "Water bills to rise 14 percent in Brackenford", A1)]
ONE_OUTLET = [
    ("bg01", "Brackenford Gazette", "2025-03-04", "Water bills to rise 14 percent in Brackenford", A1),
    ("bg02", "Brackenford Gazette", "2025-03-06", "Council leaves water-rate rise in place", A2),
    ("bg03", "Brackenford Gazette", "2025-04-07", "Lead pipe work begins on Mill Road", A3),
]
TWO_SINGLETONS = [
    ("bg01", "Brackenford Gazette", "2025-03-04", "Water bills to rise 14 percent in Brackenford", A1),
    ("rm01", "Riverside Monitor", "2025-03-05", "Watchdog says water rise is the region's steepest", B1),
]

# one sentence each, 5 to 8 words; 20 per outlet, all different
SHORT_GAZETTE = [
    "Water bills in Brackenford will rise.",
    "The utility board approved the increase Tuesday.",
    "Lead pipes will be replaced this year.",
    "Residents protested outside the council chamber.",
    "The council refused to overturn the rise.",
    "Crews began digging on Mill Road.",
    "Pensioners say the bills are too high.",
    "The pumping station failed twice last winter.",
    "Director Maria Okafor defended the new rates.",
    "A residents' group asked for a review.",
    "Typical bills go up six dollars monthly.",
    "Board member Tom Reilly voted against it.",
    "The rise takes effect in April.",
    "Households will get a day's notice.",
    "Old pipes date from before 1960.",
    "Two lanes of Mill Road closed.",
    "The work should take eight weeks.",
    "Parents welcomed the safer drinking water.",
    "Councillor Janet Price asked for street lists.",
    "Low-income households want a discount.",
]
SHORT_MONITOR = [
    "A watchdog criticised the Brackenford rise.",
    "Neighbouring towns raised bills far less.",
    "Most towns chose increases below seven percent.",
    "The watchdog wanted a public hearing first.",
    "The utility rejected the regional comparison.",
    "Paul Mendes called the vote rushed.",
    "Eleven towns were included in the study.",
    "Consumers face the steepest rise nearby.",
    "The board meeting lasted thirty minutes.",
    "Critics say residents were not consulted.",
    "Other towns finished pipe work already.",
    "Regional rates rose four percent on average.",
    "The council has no power over rates.",
    "Fixed incomes cannot absorb such increases.",
    "The watchdog will publish a fuller report.",
    "Utility officials cited lead pipe costs.",
    "Several councillors questioned the timing.",
    "Bills will be reviewed again next year.",
    "The rate study covered the whole region.",
    "Residents can appeal through the watchdog.",
]


def short_rows() -> list[tuple]:
    rows = [(f"bg{i + 1:02d}", "Brackenford Gazette", f"2025-03-{i + 1:02d}", "", t) for i, t in enumerate(SHORT_GAZETTE)]
    rows += [(f"rm{i + 1:02d}", "Riverside Monitor", f"2025-03-{i + 1:02d}", "", t) for i, t in enumerate(SHORT_MONITOR)]
    return rows


def csv_bytes(rows: list[tuple]) -> bytes:
    import io

    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["id", "outlet", "date", "title", "text"])
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def folder_files(rows: list[tuple]) -> dict[str, bytes]:
    """File name -> bytes of a folder corpus: one ``.txt`` per article plus ``metadata.csv``."""
    import io

    files = {f"{r[0]}.txt": (r[4] + "\n").encode("utf-8") for r in rows}
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["file", "outlet", "date", "title"])
    w.writerows([(f"{r[0]}.txt", r[1], r[2], r[3]) for r in rows])
    files["metadata.csv"] = buf.getvalue().encode("utf-8")
    return files


def main() -> None:
    (HERE / "one_doc.csv").write_bytes(csv_bytes(ONE_DOC))
    (HERE / "one_outlet.csv").write_bytes(csv_bytes(ONE_OUTLET))
    (HERE / "short_texts.csv").write_bytes(csv_bytes(short_rows()))
    folder = HERE / "two_singletons"
    folder.mkdir(exist_ok=True)
    for name, data in folder_files(TWO_SINGLETONS).items():
        (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
