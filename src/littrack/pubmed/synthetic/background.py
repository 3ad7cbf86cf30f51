"""Random but realistic records: topics, titles, people, abstracts, issues, indexing, history.

`draw_article` makes a whole background record. Seeds and traps go through `compose` too and
then overwrite the facts they fix, so every record gets the same realistic details.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import vocabulary as v
from .draft import MONTHS, Draft, MeshHeading, Person, PubDate

ORCID_FROM = 2013  # ORCIDs appear in PubMed records from about here
ALL_AFFILIATIONS_FROM = 2014  # before, PubMed kept only the first author's affiliation
AHEAD_OF_PRINT_WINDOW = timedelta(days=60)  # print records this young may still be unissued
DESIGN_BY_PHRASE = {design[0]: design for design in v.DESIGNS}
SEASONS = ("Winter", "Spring", "Summer", "Fall", "Jan-Mar", "Apr-Jun", "Jul-Sep", "Oct-Dec")


# rng.random() based draws: several times faster than choice/randint/sample, and as deterministic
def pick(rng: random.Random, options):
    return options[int(rng.random() * len(options))]


def between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def some(rng: random.Random, options, k: int) -> list:
    """`k` distinct items of `options` (a partial Fisher-Yates shuffle)."""
    chosen = list(options)
    for i in range(k):
        j = i + int(rng.random() * (len(chosen) - i))
        chosen[i], chosen[j] = chosen[j], chosen[i]
    return chosen[:k]


@dataclass(frozen=True, slots=True)
class Topic:
    drug: str
    condition: str
    design: tuple[str, tuple[str, ...], str]  # phrase, publication types, abstract style
    outcome: str


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def draw_topic(rng: random.Random) -> Topic:
    return Topic(pick(rng, v.DRUGS), pick(rng, v.CONDITIONS), pick(rng, v.DESIGNS), pick(rng, v.OUTCOMES))


def fill_title(rng: random.Random, template: str, topic: Topic) -> str:
    city, country = pick(rng, v.CITIES)
    tail = ""
    if rng.random() < 0.5:
        tail = pick(rng, v.TAILS).format(k=between(rng, 2, 12), city=city, country=country)
    design = topic.design[0]
    mechanism = pick(rng, v.MECHANISMS)
    regimen = pick(rng, v.REGIMENS)
    return template.format(
        drug=topic.drug, Drug=_cap(topic.drug), condition=topic.condition, design=design,
        Design=_cap(design), outcome=topic.outcome, population=pick(rng, v.POPULATIONS),
        comparator=pick(rng, v.COMPARATORS), mechanism=mechanism, Mechanism=_cap(mechanism),
        Regimen=_cap(regimen), tail=tail,
    )


def draw_title(rng: random.Random, used: set[str]) -> tuple[Topic, str]:
    """A topic and an English title not in `used` (casefolded), which it joins."""
    while True:
        topic = draw_topic(rng)
        title = fill_title(rng, pick(rng, v.TITLE_TEMPLATES), topic)
        if title.casefold() not in used:
            used.add(title.casefold())
            return topic, title


def draw_vernacular(rng: random.Random, language: str, used: set[str]) -> tuple[Topic, str, str] | None:
    """A translated article: (topic, "[English title].", vernacular title), or None if all are used."""
    drug, condition = pick(rng, v.TRANSLATED_DRUGS), pick(rng, v.TRANSLATED_CONDITIONS)
    design = DESIGN_BY_PHRASE[pick(rng, v.TRANSLATED_DESIGNS)]
    title = f"[{_cap(drug)} for {condition}: {design[0]}]."
    if title.casefold() in used:
        return None
    used.add(title.casefold())
    column = v.VERNACULAR_LANGUAGES.index(language)
    words = {slot: v.TRANSLATIONS[english][column]
             for slot, english in (("drug", drug), ("condition", condition), ("design", design[0]))}
    vernacular = v.VERNACULAR_TEMPLATES[language].format(**words)
    return Topic(drug, condition, design, pick(rng, v.OUTCOMES)), title, vernacular


def _orcid(rng: random.Random) -> str:
    digits = f"{int(rng.random() * 10**15):015d}"
    total = 0
    for digit in digits:  # ISO 7064 MOD 11-2 check character, as ORCID uses
        total = (total + ord(digit) - 48) * 2
    check = (12 - total % 11) % 11
    body = digits + ("X" if check == 10 else str(check))
    orcid = "-".join(body[i:i + 4] for i in range(0, 16, 4))
    return f"https://orcid.org/{orcid}" if rng.random() < 0.25 else orcid


def draw_affiliation(rng: random.Random) -> str:
    city, country = pick(rng, v.CITIES)
    institution = pick(rng, v.INSTITUTIONS).format(city=city.split(",")[0])
    return f"Department of {pick(rng, v.DEPARTMENTS)}, {institution}, {city}, {country}."


def draw_people(rng: random.Random, count: int, year: int) -> list[Person]:
    # the hottest loop of the generator: draws are inlined
    random = rng.random
    affiliations = [draw_affiliation(rng) for _ in range(between(rng, 1, 3))]
    last_names, fore_names, middles = v.LAST_NAMES, v.FORE_NAMES, "ABCDEFGHJKLMNPRSTW"
    people = []
    for position in range(count):
        fore = fore_names[int(random() * len(fore_names))]
        if random() < 0.4:
            fore += " " + middles[int(random() * len(middles))]
        person = Person(last_names[int(random() * len(last_names))], fore)
        if random() < 0.01:
            person.suffix = pick(rng, v.SUFFIXES)
        if year >= ORCID_FROM and random() < 0.3:
            person.orcid = _orcid(rng)
        if position == 0 or year >= ALL_AFFILIATIONS_FROM:
            first = int(random() * len(affiliations))
            second = int(random() * len(affiliations)) if random() < 0.15 else first
            person.affiliations = tuple(affiliations[i] for i in sorted({first, second}))
        people.append(person)
    return people


def fill_people(rng: random.Random, people: list[Person], year: int) -> list[Person]:
    """Give named authors (seeds, traps) affiliations and ORCIDs like drawn ones."""
    for person, drawn in zip(people, draw_people(rng, len(people), year)):
        person.orcid, person.affiliations = drawn.orcid, drawn.affiliations
    return people


def draw_author_count(rng: random.Random) -> int:
    return pick(rng, (1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10, 12, 15))


def draw_abstract(rng: random.Random, topic: Topic) -> tuple[tuple[str | None, str | None, str], ...]:
    drug, condition, outcome = topic.drug, topic.condition, topic.outcome
    n = between(rng, 5, 240)
    before = round(rng.uniform(5.5, 8.9), 1)
    after = round(before - rng.uniform(0.2, 4.0), 1)
    p_value = pick(rng, ("< 0.001", "= 0.02", "= 0.04", "= 0.29"))
    effect = pick(rng, ("reduced", "did not clearly reduce", "modestly improved"))
    background = (f"{_cap(condition)} is difficult to treat, and central sensitization mediated by NMDA "
                  f"receptors is thought to sustain it. {_cap(drug)} has been proposed as a treatment.")
    objective = f"To assess the effect of {drug} on {outcome} in patients with {condition}."
    methods = (f"We included {n} patients ({between(rng, n // 2, n)} women) treated with {drug} for "
               f"{between(rng, 1, 10)} days; {outcome} was assessed at baseline and after "
               f"{between(rng, 2, 26)} weeks.")
    results = (f"Mean pain scores (NRS 0-10) fell from {before} to {after} (p {p_value}). "
               f"Psychotomimetic effects occurred in {between(rng, 0, n // 3)} patients.")
    conclusions = f"{_cap(drug)} {effect} {outcome} in {condition}; larger trials are needed."
    if topic.design[2] == "structured":
        labels = (("BACKGROUND", "BACKGROUND", background), ("OBJECTIVE", "OBJECTIVE", objective),
                  (pick(rng, ("METHODS", "MATERIAL AND METHODS")), "METHODS", methods),
                  ("RESULTS", "RESULTS", results),
                  (pick(rng, ("CONCLUSIONS", "CONCLUSION", "INTERPRETATION")), "CONCLUSIONS", conclusions))
        return labels[1:] if rng.random() < 0.3 else labels
    return ((None, None, f"{background} {methods} {results} {conclusions}"),)


def _disease_heading(rng: random.Random, condition: str) -> str:
    if "CRPS type II" in condition:
        return "Causalgia"
    if "CRPS" in condition or "regional" in condition:
        # the pre-2000s heading for CRPS 1 still turns up
        if "type 1" in condition and rng.random() < 0.5:
            return "Reflex Sympathetic Dystrophy"
        return "Complex Regional Pain Syndromes"
    return v.CONDITION_HEADINGS.get(condition, "Chronic Pain")


def draw_mesh(rng: random.Random, topic: Topic) -> tuple[MeshHeading, ...]:
    drug = topic.drug
    agent = ("Memantine" if drug == "memantine" else "Ketamine" if "ketamine" in drug
             else "Excitatory Amino Acid Antagonists")
    disease_qualifiers = (("drug therapy", True),)
    if rng.random() < 0.4:
        disease_qualifiers += (("physiopathology", False),)
    agent_qualifiers = some(rng, v.AGENT_QUALIFIERS, between(rng, 1, 2))
    headings = [
        (_disease_heading(rng, topic.condition), False, disease_qualifiers),
        (agent, False, tuple((q, False) for q in agent_qualifiers)),
        ("Humans", False, ()),
    ]
    headings.extend((name, False, ()) for name in some(rng, v.CHECK_TAGS_AND_METHODS, between(rng, 2, 7)))
    headings.sort(key=lambda heading: heading[0])
    return tuple(headings)


def medline_pgn(start: int, end: int, short: bool) -> str:
    """NLM page range: "304-11" (end's shared leading digits dropped) or long "304-311"."""
    first, last = str(start), str(end)
    if short and len(first) == len(last):
        shared = next((i for i, (a, b) in enumerate(zip(first, last)) if a != b), len(last) - 1)
        last = last[shared:]
    return f"{first}-{last}"


def volume_for(journal: v.Journal, year: int) -> str:
    return str(year - journal.volume_base_year)


def place_in_issue(rng: random.Random, d: Draft, serial: int, end: date,
                   ahead_of_print: bool = False) -> None:
    """Publication date, volume, issue, pages, identifiers and status from entrez date and journal."""
    j, entrez = d.journal, d.entrez.date()
    slug = j.iso.lower().replace(" ", "")
    d.doi = f"10.5555/{slug}.{entrez.year}.{serial:06d}"
    if j.electronic_only:
        d.article_date = entrez - timedelta(days=between(rng, 0, 5))
        published = d.article_date
        d.pub_model = "Electronic-eCollection" if rng.random() < 0.3 else "Electronic"
        d.pub_date = PubDate(published.year, published.month, published.day)
        d.volume = volume_for(j, published.year)
        number = f"e0{between(rng, 10**5, 10**6 - 1)}" if j.iso == "PLoS One" else str(between(rng, 1, 999))
        d.pages = (number, None, number)
        d.publication_status = "epublish"
        return
    if ahead_of_print or rng.random() < 0.7:
        d.pub_model = "Print-Electronic"
        d.article_date = entrez - timedelta(days=between(rng, 0, 10))
        if ahead_of_print or (end - entrez < AHEAD_OF_PRINT_WINDOW and rng.random() < 0.5):
            make_ahead_of_print(d)
            return
    published = entrez + timedelta(days=between(rng, 0, 180) if d.article_date else between(rng, -20, 20))
    d.pub_date = _draw_pub_date(rng, published)
    d.volume = volume_for(j, published.year)
    d.issue = str(published.month)
    if published.month < 12 and rng.random() < 0.2:
        d.issue += f"-{published.month + 1}"  # a double issue
    start = between(rng, 1, 2400)
    last = start + between(rng, 2, 16)
    d.pages = (str(start), str(last), medline_pgn(start, last, short=rng.random() < 0.75))
    d.pages_as_medline_pgn_only = rng.random() < 0.3
    if rng.random() < 0.5:
        d.pii = f"S{j.issn_linking}({entrez.year % 100:02d}){serial % 100000:05d}-{serial % 10}"
    d.publication_status = "ppublish"


def make_ahead_of_print(d: Draft) -> None:
    """Online before its issue: dated by its epub day, no volume, issue or pages yet."""
    epub = d.article_date or d.entrez.date()
    d.pub_model, d.article_date = "Print-Electronic", epub
    d.pub_date = PubDate(epub.year, epub.month, epub.day)
    d.volume = d.issue = d.pages = None
    d.publication_status = "aheadofprint"


def _draw_pub_date(rng: random.Random, published: date) -> PubDate:
    form = rng.random()
    if form < 0.04:
        return PubDate(published.year, season=SEASONS[(published.month - 1) // 3 + pick(rng, (0, 4))])
    if form < 0.08 and published.month < 12:
        months = f"{MONTHS[published.month - 1]}-{MONTHS[published.month]}"
        return PubDate(published.year, medline_date=f"{published.year} {months}")
    return PubDate(published.year, published.month, numeric_month=form > 0.92)


def draw_indexing(rng: random.Random, d: Draft, topic: Topic, end: date) -> None:
    """MEDLINE status, MeSH, completion and revision dates, History, as the record's age allows."""
    entrez = d.entrez.date()
    completed = entrez + timedelta(days=between(rng, 15, 150))
    if d.publication_status == "aheadofprint":
        d.status = "Publisher"
    elif completed > end:
        d.status = pick(rng, ("In-Data-Review", "In-Process"))
    elif not d.journal.medline_indexed:
        d.status = "PubMed-not-MEDLINE"
    else:
        d.status, d.date_completed = "MEDLINE", completed
        d.indexing_method = "Manual" if entrez.year < 2018 else pick(rng, ("Automated", "Curated", "Manual"))
        d.mesh = draw_mesh(rng, topic)
        d.chemicals = ("Excitatory Amino Acid Antagonists",)
        if "ketamine" in topic.drug:
            d.chemicals = ("Ketamine", *d.chemicals)
        d.medline_date = datetime.combine(completed + timedelta(days=1), time(6, between(rng, 0, 59)))
    base = d.date_completed or entrez
    d.date_revised = min(end, base + timedelta(days=int(rng.expovariate(1 / 300))))
    if entrez.year >= 2010 and rng.random() < 0.6:
        received = entrez - timedelta(days=between(rng, 60, 400))
        accepted = entrez - timedelta(days=between(rng, 3, 50))
        d.history = [("received", received)]
        if rng.random() < 0.4:
            d.history.append(("revised", received + (accepted - received) / 2))
        d.history.append(("accepted", accepted))


def compose(rng: random.Random, *, serial: int, entrez: datetime, end: date, journal: v.Journal,
            title: str, topic: Topic, authors: list[Person], ahead_of_print: bool = False) -> Draft:
    """A record with the given title, topic and authors; every other detail drawn to fit."""
    d = Draft(title=title, journal=journal, entrez=entrez, pub_date=PubDate(entrez.year),
              date_revised=entrez.date(), authors=authors)
    d.authors_complete = len(authors) < 10 or rng.random() < 0.9
    d.publication_types = ["Journal Article", *topic.design[1]]
    if rng.random() < 0.2:
        d.grants = tuple(_draw_grant(rng) for _ in range(between(rng, 1, 2)))
        nih = d.grants[0][3] == "United States"
        d.publication_types.append(
            "Research Support, N.I.H., Extramural" if nih else "Research Support, Non-U.S. Gov't")
    d.abstract = draw_abstract(rng, topic)
    place_in_issue(rng, d, serial, end, ahead_of_print)
    draw_indexing(rng, d, topic, end)
    if entrez.year >= 2010 and rng.random() < 0.4:
        d.keywords = tuple(some(rng, v.KEYWORDS, between(rng, 3, 6)))
    if entrez.year >= 2018 and rng.random() < 0.4:
        d.coi = pick(rng, v.CONFLICT_STATEMENTS)
    if entrez.year >= 2008 and rng.random() < 0.25:
        d.pmcid = f"PMC{19_000_000 + serial}"
        d.history.append(("pmc-release", entrez.date() + timedelta(days=pick(rng, (0, 0, 365)))))
    return d


def draw_article(rng: random.Random, *, serial: int, entrez: datetime, end: date,
                 used_titles: set[str]) -> Draft:
    """A whole background record entering PubMed at `entrez`."""
    journal = pick(rng, v.JOURNALS)
    translated = None
    if journal.language != "eng" and rng.random() < 0.5:  # foreign journals print English articles too
        translated = draw_vernacular(rng, journal.language, used_titles)
    if translated:
        topic, title, vernacular = translated
    else:
        (topic, title), vernacular = draw_title(rng, used_titles), None
    authors = draw_people(rng, draw_author_count(rng), entrez.year)
    if rng.random() < 0.02:
        authors.append(Person(collective_name=pick(rng, v.COLLECTIVE_NAMES)))
    d = compose(rng, serial=serial, entrez=entrez, end=end, journal=journal, title=title, topic=topic,
                authors=authors)
    if vernacular:
        d.vernacular_title, d.languages = vernacular, (journal.language,)
        d.publication_types.append("English Abstract")
    return d


def _draw_grant(rng: random.Random) -> tuple[str, str | None, str, str]:
    pattern, acronym, agency, country = pick(rng, v.GRANTS)
    return pattern.format(n=between(rng, 10**5, 10**6 - 1)), acronym, agency, country
