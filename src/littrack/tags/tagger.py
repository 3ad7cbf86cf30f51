"""All tags of one paper, and the short labels ("chips") reviewers see."""

from __future__ import annotations

from collections.abc import Iterable

from littrack.tags.design import tag_design
from littrack.tags.ketamine import tag_ketamine
from littrack.tags.model import PaperText, Tag
from littrack.tags.population import tag_participants, tag_population_age, tag_species

# Bump when a rule changes: every stored paper is tagged again at the next load.
TAGGER_VERSION = "rules-1"

TAG_ORDER = (
    "design",
    "n_participants",
    "population_age",
    "species",
    "route",
    "dosing",
    "anaesthetic_dose",
    "comparator",
    "crps_type",
)
_DESIGN_CHIPS = {
    "rct": "RCT",
    "nonrandomised_trial": "non-randomised trial",
    "cohort": "cohort",
    "case_control": "case-control",
    "cross_sectional": "cross-sectional",
    "case_series": "case series",
    "case_report": "case report",
    "systematic_review": "systematic review",
    "narrative_review": "review",
    "guideline": "guideline",
    "animal_or_lab": "animal/lab",
    "protocol": "protocol",
    "qualitative": "qualitative",
    "editorial_comment_letter": "editorial/letter",
    "erratum_or_notice": "erratum/notice",
}
_VALUE_CHIPS = {
    "population_age": {
        "children": "children",
        "adults": "adults",
        "older_adults": "older adults",
        "mixed": "mixed ages",
    },
    "species": {"animal": "animal", "mixed": "human+animal"},
    "route": {
        "intravenous": "IV",
        "topical": "topical",
        "oral": "oral",
        "intranasal": "intranasal",
        "sublingual": "sublingual",
        "intramuscular": "IM",
        "subcutaneous": "SC",
        "epidural/intrathecal": "epidural/IT",
    },
    "anaesthetic_dose": {"sub_anaesthetic": "sub-anaesthetic", "anaesthetic": "anaesthetic dose"},
    "comparator": {"placebo": "placebo", "active": "active comparator", "none": "no comparator"},
    "crps_type": {"I": "CRPS I", "II": "CRPS II", "I and II": "CRPS I+II", "unspecified": "CRPS"},
}


def tag_paper(paper: PaperText) -> list[Tag]:
    """Every tag of one paper, in `TAG_ORDER`; the design always, the others when found."""
    design = tag_design(paper)
    if design.value == "erratum_or_notice":
        return [design]  # the rest would describe the notice, not the study it corrects
    species = tag_species(paper, design.value)
    found = [
        design,
        tag_participants(paper, design.value),
        tag_population_age(paper),
        species,
        *tag_ketamine(paper, design.value, species.value),
    ]
    return sorted((t for t in found if t is not None), key=lambda t: TAG_ORDER.index(t.tag))


TAG_ROW_COLUMNS = ("pmid", "tag", "value", "source", "evidence", "confidence", "note", "chip", "position")


def tag_rows(papers: Iterable[tuple[int, PaperText]]) -> list[tuple]:
    """The paper_tags rows of (pmid, paper) pairs, in order, as tuples of `TAG_ROW_COLUMNS`.
    Pure, so it can run wherever the records are (parse workers stage them: `warehouse.staged`)."""
    return [
        (pmid, tag.tag, tag.value, tag.source, tag.evidence, tag.confidence, tag.note, chip(tag), position)
        for pmid, paper in papers
        for position, tag in enumerate(tag_paper(paper))
    ]


def chip(tag: Tag) -> str | None:
    """The short label of one tag for the triage page and the night summary (None: no chip)."""
    if tag.tag == "design":
        return _DESIGN_CHIPS.get(tag.value)
    if tag.tag == "n_participants":
        return f"n={tag.value}"
    if tag.tag == "dosing":
        return tag.value.split("; ")[0]
    return _VALUE_CHIPS.get(tag.tag, {}).get(tag.value)
