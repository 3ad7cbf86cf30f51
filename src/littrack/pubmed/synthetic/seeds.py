"""The six seed papers, built only from the facts of the seed article's numbered citations.

Source: /work/shared/seed/crps-ketamine-article.txt, references 1-6. The records use other
surface forms than the citations: NLM's full journal titles, full (invented) fore names,
MedlinePgn sometimes long ("304-311"), month sometimes numeric, synthetic DOIs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count

from . import vocabulary as v
from .background import DESIGN_BY_PHRASE, Topic, compose, fill_people
from .draft import Draft, Person, PubDate


@dataclass(frozen=True, slots=True)
class SeedFacts:
    number: int  # the citation's number in the seed article
    title: str
    authors: tuple[tuple[str, str], ...]  # (LastName, invented ForeName)
    journal: v.Journal
    pub_date: PubDate
    volume: str
    issue: str | None
    pages: tuple[str, str | None, str]  # StartPage, EndPage, MedlinePgn
    entrez: datetime
    design: str  # a vocabulary.DESIGNS phrase
    article_date: date | None = None  # the citation's "Epub" date
    pub_model: str = "Print"


SEEDS = (
    SeedFacts(
        1, "The use of ketamine in complex regional pain syndrome: possible mechanisms.",
        (("Schwartzman", "Robert J"), ("Alexander", "Guillermo M"), ("Grothusen", "John R")),
        v.EXPERT_REV_NEUROTHER, PubDate(2011, 5), "11", "5", ("719", "734", "719-34"),
        datetime(2011, 5, 4, 6, 0), "a narrative review",
    ),
    SeedFacts(
        2, "Efficacy of ketamine in anesthetic dosage for the treatment of refractory complex "
           "regional pain syndrome: an open-label phase II study.",
        (("Kiefer", "Ralf-Thomas"), ("Rohr", "Philipp"), ("Ploppa", "Annette"), ("Dieterich", "Hans-Juergen"),
         ("Grothusen", "John"), ("Koffler", "Sabine"), ("Altemeyer", "Karl-Heinz"), ("Unertl", "Klaus"),
         ("Schwartzman", "Robert J")),
        v.PAIN_MEDICINE, PubDate(2008, 11), "9", "8", ("1173", "1201", "1173-1201"),
        datetime(2008, 11, 27, 9, 0), "a phase II open-label study",
    ),
    SeedFacts(
        3, "Reduction of allodynia in patients with complex regional pain syndrome: A double-blind "
           "placebo-controlled trial of topical ketamine.",
        (("Finch", "Philip M"), ("Knudsen", "Lone"), ("Drummond", "Peter D")),
        v.PAIN, PubDate(2009, 11), "146", "1-2", ("18", "25", "18-25"),
        datetime(2009, 11, 3, 9, 0), "a double-blind placebo-controlled trial",
    ),
    SeedFacts(
        4, "Ketamine produces effective and long-term pain relief in patients with Complex Regional "
           "Pain Syndrome Type 1.",
        (("Sigtermans", "Marnix J"), ("van Hilten", "Jacobus J"), ("Bauer", "Martin C"),
         ("Arbous", "Marian S"), ("Marinus", "Johan"), ("Sarton", "Elise Y"), ("Dahan", "Albert")),
        v.PAIN, PubDate(2009, 10), "145", "3", ("304", "311", "304-311"),
        datetime(2009, 7, 17, 9, 0), "a double-blind placebo-controlled trial",
        article_date=date(2009, 7, 14), pub_model="Print-Electronic",
    ),
    SeedFacts(
        5, "Results of the Treatment of Chronic, Refractory CRPS with Ketamine Infusions: "
           "a Preliminary Report.",
        (("Puchalski", "Piotr"), ("Zyluk", "Andrzej")),
        v.HANDCHIR, PubDate(2016, 6, numeric_month=True), "48", "3", ("143", "147", "143-7"),
        datetime(2016, 6, 17, 6, 0), "a case series",
        article_date=date(2016, 6, 16), pub_model="Print-Electronic",
    ),
    SeedFacts(
        6, "Subanesthetic ketamine infusions for the treatment of children and adolescents with chronic "
           "pain: a longitudinal study.",
        (("Sheehy", "Kathleen A"), ("Muller", "Eric A"), ("Lippold", "Christine"), ("Nouraie", "Mehdi"),
         ("Finkel", "Julia C"), ("Quezado", "Zenaide M")),
        v.BMC_PEDIATR, PubDate(2015, 12, 1), "15", None, ("198", None, "198"),
        datetime(2015, 12, 3, 6, 0), "a prospective observational study",
        article_date=date(2015, 12, 1), pub_model="Electronic",
    ),
)


def seed_article(rng: random.Random, facts: SeedFacts, *, serial: int, end: date) -> Draft:
    topic = Topic("ketamine", "complex regional pain syndrome", DESIGN_BY_PHRASE[facts.design],
                  "pain intensity")
    authors = fill_people(rng, [Person(last, fore) for last, fore in facts.authors], facts.entrez.year)
    d = compose(rng, serial=serial, entrez=facts.entrez, end=end, journal=facts.journal,
                title=facts.title, topic=topic, authors=authors)
    d.pub_model, d.pub_date, d.article_date = facts.pub_model, facts.pub_date, facts.article_date
    d.volume, d.issue, d.pages = facts.volume, facts.issue, facts.pages
    d.publication_status = "epublish" if facts.journal.electronic_only else "ppublish"
    return d


def seed_articles(rng: random.Random, serials: count, end: date) -> dict[int, Draft]:
    """Citation number -> its record."""
    return {facts.number: seed_article(rng, facts, serial=next(serials), end=end) for facts in SEEDS}
