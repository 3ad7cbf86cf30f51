"""Records that trip up a naive tracker or deduplicator, and the later states of some of them.

What each trap is, and the order of its PMIDs in `SyntheticCorpus.traps`, is documented in the
package docstring (`littrack.pubmed.synthetic`); this module builds them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import count

from . import vocabulary as v
from .background import (
    DESIGN_BY_PHRASE,
    Topic,
    between,
    compose,
    draw_people,
    medline_pgn,
    volume_for,
)
from .draft import Draft, Person, PubDate

ERRATUM_SEEDS = (2, 4)
COMMENT_SEEDS = {4: "Ketamine for CRPS type 1: how durable is the relief?",
                 1: "Mechanisms of ketamine in complex regional pain syndrome: beyond the NMDA receptor."}
F1000_TITLE = ("Ketamine infusion for refractory complex regional pain syndrome in adolescents: "
               "a pilot study [version {n}; peer review: {review}].")
PART_TITLE = "Ketamine in complex regional pain syndrome. Part {part}."
PARTS = ("I: mechanisms of action", "II: clinical evidence and practical dosing")
CONFERENCE_TITLE = ("Outpatient ketamine infusions for paediatric complex regional pain syndrome: "
                    "a retrospective cohort study.")
SAME_TITLE = "Ketamine for complex regional pain syndrome: a narrative review."
CRPS = "complex regional pain syndrome"


@dataclass
class TrapSet:
    records: list[Draft]  # in the corpus: the seeds and every trap record
    groups: dict[str, list[Draft]]  # trap name -> records involved (some only in later states)
    later: dict[str, Draft] = field(default_factory=dict)  # filled by `add_later_states`


def _topic(design: str, drug: str = "ketamine") -> Topic:
    return Topic(drug, CRPS, DESIGN_BY_PHRASE[design], "pain intensity")


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, between(rng, 0, 5), between(rng, 0, 59))


def _link(notice: Draft, notice_type: str, target: Draft, target_type: str, end: date) -> None:
    notice.link(notice_type, target)
    target.link(target_type, notice)
    target.date_revised = min(end, max(target.date_revised, notice.entrez.date() + timedelta(days=10)))


def _retract(paper: Draft, notice: Draft, end: date) -> None:
    _link(notice, "RetractionOf", paper, "RetractionIn", end)
    paper.publication_types = [*paper.publication_types, "Retracted Publication"]
    paper.history = [*paper.history, ("retracted", notice.entrez.date())]


class _Builder:
    """Draws trap records one after another from the corpus's random stream."""

    def __init__(self, rng: random.Random, serials: count, end: date):
        self.rng, self.serials, self.end = rng, serials, end

    def article(self, title: str, day: date, journal: v.Journal, design: str, *,
                authors: list[Person] | None = None, drug: str = "ketamine",
                ahead_of_print: bool = False) -> Draft:
        rng = self.rng
        people = authors if authors is not None else draw_people(rng, between(rng, 2, 6), day.year)
        return compose(rng, serial=next(self.serials), entrez=_at(day, rng), end=self.end,
                       journal=journal, title=title, topic=_topic(design, drug), authors=people,
                       ahead_of_print=ahead_of_print)

    def notice(self, title: str, journal: v.Journal, entrez: datetime, publication_type: str) -> Draft:
        """An erratum or retraction notice: one page, no authors or abstract, not MEDLINE-indexed."""
        d = compose(self.rng, serial=next(self.serials), entrez=entrez, end=self.end, journal=journal,
                    title=title, topic=_topic("a secondary analysis"), authors=[])
        d.publication_types = [publication_type]
        d.abstract, d.grants, d.keywords, d.coi, d.history = (), (), (), None, []
        d.status, d.mesh, d.chemicals, d.date_completed, d.indexing_method, d.medline_date = (
            "PubMed-not-MEDLINE", (), (), None, None, None)
        if d.pages and d.pages[1]:
            d.pages = (d.pages[0], None, d.pages[0])
        return d

    def erratum(self, seed: Draft) -> list[Draft]:
        erratum = self.notice(f"Erratum: {seed.title}", seed.journal,
                              seed.entrez + timedelta(days=120), "Published Erratum")
        _link(erratum, "ErratumFor", seed, "ErratumIn", self.end)
        return [seed, erratum]

    def comment(self, seed: Draft, title: str) -> list[Draft]:
        day = seed.entrez.date() + timedelta(days=75)
        comment = self.article(title, day, seed.journal, "a secondary analysis")
        comment.abstract, comment.publication_types = (), ["Letter", "Comment"]
        start = int(comment.pages[0])
        comment.pages = (str(start), str(start + 1), medline_pgn(start, start + 1, short=True))
        _link(comment, "CommentOn", seed, "CommentIn", self.end)
        return [seed, comment]

    def retraction(self) -> list[Draft]:
        paper = self.article("Ketamine-induced remission of long-standing CRPS in fifty consecutive "
                             "patients: a retrospective cohort study.", date(2019, 3, 12), v.PAIN_PHYSICIAN,
                             "a retrospective cohort study")
        notice = self.notice(f"Retraction Note: {paper.title}", paper.journal,
                             _at(date(2021, 9, 2), self.rng), "Retraction of Publication")
        _retract(paper, notice, self.end)
        return [paper, notice]

    def retraction_later(self) -> list[Draft]:
        return [self.article("Esketamine nasal spray for chronic postsurgical pain after hand surgery: "
                             "a randomized controlled trial.", date(2024, 2, 20), v.PAIN_MEDICINE,
                             "a randomized controlled trial", drug="esketamine")]

    def version_1(self) -> list[Draft]:
        title = F1000_TITLE.format(n=1, review="1 approved with reservations")
        d = self.article(title, date(2022, 4, 8), v.F1000RES, "a pilot study")
        d.doi += ".1"  # F1000Research DOIs name the version
        return [d]

    def ahead_of_print(self) -> list[Draft]:
        return [self.article("Cortical excitability after low-dose ketamine in complex regional pain "
                             "syndrome: a prospective observational study.", self.end - timedelta(days=25),
                             v.PAIN, "a prospective observational study", ahead_of_print=True)]

    def parts(self) -> list[Draft]:
        """Part I and Part II: same authors, journal and issue, consecutive pages."""
        authors = draw_people(self.rng, 3, 2017)
        parts = [self.article(PART_TITLE.format(part=part), date(2017, 5, 9), v.PAIN_PHYSICIAN,
                              "a narrative review", authors=authors) for part in PARTS]
        first_page = 201
        for d in parts:
            d.pub_model, d.pub_date, d.volume, d.issue = (
                parts[0].pub_model, parts[0].pub_date, parts[0].volume, parts[0].issue)
            last_page = first_page + 11
            d.pages = (str(first_page), str(last_page), medline_pgn(first_page, last_page, short=True))
            d.publication_status = "ppublish"
            first_page += 12
        return parts

    def conference_pair(self) -> list[Draft]:
        """A meeting abstract in a supplement, then the full article a year later (same title)."""
        authors = draw_people(self.rng, 6, 2018)
        design = "a retrospective cohort study"
        article = self.article(CONFERENCE_TITLE, date(2019, 6, 3), v.PAIN_MEDICINE, design, authors=authors)
        meeting = self.article(CONFERENCE_TITLE, date(2018, 4, 11), v.REG_ANESTH, design,
                               authors=[replace(p) for p in authors[:3]])
        meeting.pub_model, meeting.pub_date, meeting.article_date = "Print", PubDate(2018, 4), None
        meeting.volume, meeting.issue, meeting.pages = "43", "Suppl 1", ("A112", None, "A112")
        meeting.publication_status, meeting.publication_types = "ppublish", ["Congress"]
        meeting.abstract = meeting.abstract[-1:]
        return [meeting, article]

    def same_title_years(self) -> list[Draft]:
        return [self.article(SAME_TITLE, date(2012, 9, 14), v.PAIN_MANAGEMENT, "a narrative review"),
                self.article(SAME_TITLE, date(2023, 1, 26), v.J_PAIN_PALLIAT_CARE, "a narrative review")]


def build_traps(rng: random.Random, seeds: dict[int, Draft], serials: count, end: date) -> TrapSet:
    build = _Builder(rng, serials, end)
    groups = {f"erratum_seed{n}": build.erratum(seeds[n]) for n in ERRATUM_SEEDS}
    groups.update({f"comment_seed{n}": build.comment(seeds[n], title) for n, title in COMMENT_SEEDS.items()})
    groups.update(
        retraction=build.retraction(), retraction_later=build.retraction_later(),
        version_2=build.version_1(), ahead_of_print=build.ahead_of_print(), part_i_ii=build.parts(),
        conference_abstract=build.conference_pair(), same_title_years=build.same_title_years(),
    )
    records = list(seeds.values())
    records.extend(d for members in groups.values() for d in members if d not in seeds.values())
    return TrapSet(records, groups)


def add_later_states(rng: random.Random, traps: TrapSet, *, later: date, next_pmid: int,
                     serials: count) -> None:
    """The states some trap records reach after the corpus's end date (needs PMIDs assigned)."""
    version_1 = traps.groups["version_2"][0]
    traps.later["version_2"] = replace(
        version_1, version=2, title=F1000_TITLE.format(n=2, review="2 approved"),
        doi=version_1.doi[:-2] + ".2", article_date=later, date_revised=later, links=list(version_1.links))

    ahead = traps.groups["ahead_of_print"][0]
    issue_date = PubDate(later.year + 1, 2)
    traps.later["published"] = replace(
        ahead, status="In-Data-Review", volume=volume_for(ahead.journal, issue_date.year), issue="2",
        pages=("233", "241", "233-241"), pub_date=issue_date, publication_status="ppublish",
        date_revised=later, links=list(ahead.links))

    paper = traps.groups["retraction_later"][0]
    build = _Builder(rng, serials, later)
    notice = build.notice(f"Notice of retraction: {paper.title}", paper.journal, _at(later, rng),
                          "Retraction of Publication")
    notice.pmid = next_pmid
    retracted = replace(paper, date_revised=later, links=list(paper.links))
    _retract(retracted, notice, later)
    traps.later["retracted"], traps.later["retraction"] = retracted, notice
    traps.groups["retraction_later"].append(notice)

    # drawn last, so adding it left every earlier record (and the shipped demo file) unchanged
    new = build.article("Intravenous ketamine versus placebo for long-standing complex regional "
                        "pain syndrome: a randomized controlled trial.", later, v.PAIN,
                        "a randomized controlled trial")
    new.pmid = next_pmid + 1
    traps.later["new_paper"] = new
    traps.groups["new_paper"] = [new]
