"""Who was studied: number of participants as stated, their age group, and the species."""

from __future__ import annotations

import re

from littrack.tags.design import PRIMARY_HUMAN
from littrack.tags.model import DEFAULT, MESH, TEXT, PaperText, Tag
from littrack.tags.text import (
    ANIMAL_NAMES,
    COUNT,
    CuedPattern,
    IndexedText,
    blank_brackets,
    count_value,
    snippet,
)

_I = re.IGNORECASE
_PEOPLE = (
    r"(?:patients|participants|subjects|individuals|persons|people|adults|children|adolescents|"
    r"infants|neonates|newborns|boys|girls|men|women|males|females|volunteers|respondents|"
    r"students|physicians|clinicians|nurses|veterans|athletes|runners|workers|users|youths?|"
    r"applicators|recipients|survivors|mothers|fathers|parents|caregivers|carers|residents|"
    r"inpatients|outpatients|employees|soldiers|smokers|donors|teachers|pharmacists|dentists|"
    r"surgeons|doctors|midwives|experts|panellists|panelists|cases|controls|twins|dyads|ambulators|"
    r"community-ambulators)"
)
# words between a count and its noun, never a preposition ("47 visits by patients" counts visits)
_MODIFIERS = r"(?!percent\b|per cent\b|(?:years?|months?|weeks?|days?|hours?|times)\b)(?:(?!(?:by|of|with|from|in|for|to|on|at|per|among|after)\b)[\w'’-]+ ){0,4}?"
# a group of an enumeration: a count and up to three words that are not verbs ("received")
_SEGMENT = COUNT + r"(?: (?![\w-]+(?:ed|ing)\b)[\w-]+){0,3}?"
_JOIN = r"(?:,| and|, and| as well as|, as well as| plus) "
_NOT_PEOPLE = r"(?:studies|trials|articles|papers|reports|records|samples|isolates|visits|admissions|days|weeks|months|years|hours)"

_ENUMERATION = (  # "386 cases and 896 matched controls", "22 HFpEF, 17 HFmrEF and 15 HFrEF patients"
    r"\b("
    + _SEGMENT
    + r"(?:"
    + _JOIN
    + _SEGMENT
    + r")*"
    + _JOIN
    + COUNT
    + r"(?: [\w-]+){0,3}? "
    + _PEOPLE
    + r")\b"
)
_TOTAL = (
    r"\b(?:a total of|total of|in total,?|overall,?) ("
    + COUNT
    + r") "
    + _MODIFIERS
    + _PEOPLE
    + r"\b"
)
_INCLUSION_VERB = (
    r"(?:enrolled|included|recruited|randomi[sz]ed|studied|comprised|enrol|include|recruit)"
)
_VERB_THEN_COUNT = (
    r"\b"
    + _INCLUSION_VERB
    + r" (?:the |a total of )?("
    + COUNT
    + r") (?!"
    + _MODIFIERS
    + _NOT_PEOPLE
    + r"\b)"
)
_COUNT_THEN_VERB = (  # "Thirty-five consecutive outpatients ... were enrolled", "58 completed the survey"
    r"(?<![-–/.\d])\b(?!(?:19|20)\d\d\b)("
    + COUNT
    + r") (?!of\b)(?!"
    + _MODIFIERS
    + _NOT_PEOPLE
    + r"\b)(?:[\w-]+ ){0,5}?"
    r"(?:(?:were|was) (?:enrolled|included|recruited|randomi[sz]ed|studied|analy[sz]ed)|participated"
    r"|responded(?= ?[.;,)]| to (?:the |our |an? )?(?:[\w-]+ )?(?:survey|questionnaire|invitation))"
    r"|completed (?:the |an? )?(?:[\w-]+ )?(?:survey|questionnaire|interview)s?)\b"
)
_N_EQUALS = r"\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)"
_N_EQUALS_INCLUDED = (
    _N_EQUALS + r"\)?,? (?:were|was) (?:randomi[sz]ed|enrolled|included|recruited)\b"
)
_COUNTED_PEOPLE = r"\b(" + COUNT + r") " + _MODIFIERS + _PEOPLE + r"\b"

# (priority, pattern, summed, read the raw text) in priority order: the lowest priority wins,
# then the earliest hit. Asides in brackets are blanked first ("13 male [VO2max ...] runners"),
# except for "n =".
_COUNT_RULES = [
    (0, CuedPattern(_ENUMERATION, _I), True, False),
    (1, CuedPattern(_TOTAL, _I), False, False),
    (1, CuedPattern(_VERB_THEN_COUNT, _I), False, False),
    (1, CuedPattern(_COUNT_THEN_VERB, _I), False, False),
    (1, CuedPattern(_N_EQUALS_INCLUDED, _I), False, True),
    (2, CuedPattern(_N_EQUALS), False, True),
    (2, CuedPattern(_COUNTED_PEOPLE, _I), False, False),
]


def tag_participants(paper: PaperText, design: str) -> Tag | None:
    """The number of participants as the abstract states it (case reports: one)."""
    blanked = IndexedText(" ".join(blank_brackets(paper.text).split()), words_of=paper.indexed)
    best = None
    for priority, pattern, summed, on_raw_text in _COUNT_RULES:
        if best is not None and priority > best[0][0]:
            break  # a hit of a later rule cannot win
        source = paper.indexed if on_raw_text else blanked
        for match in pattern.finditer(source):
            value = _sum_of_groups(match.group(1)) if summed else count_value(match.group(1))
            if value is None or value == 0:
                continue
            key = (priority, match.start())
            if best is None or key < best[0]:
                best = (key, value, snippet(source.text, match.start(), match.end(), 10))
            break
    if best:
        return Tag("n_participants", str(best[1]), TEXT, best[2], 0.8 if best[0][0] < 2 else 0.7)
    if design == "case_report":
        return Tag("n_participants", "1", DEFAULT, "a case report describes one patient", 0.6)
    return None


def _sum_of_groups(phrase: str) -> int | None:
    """The total of "N1 x, N2 y and N3 z" when the last group names people; else None."""
    if not re.search(_PEOPLE + r"\s*$", phrase.strip(), _I):
        return None
    counts = re.findall(
        r"(?:^|(?<=, )|(?<=and )|(?<=as well as )|(?<=plus ))(" + COUNT + r") ", phrase + " ", _I
    )
    return sum(count_value(c) for c in counts) if len(counts) >= 2 else None


# ---- population age -------------------------------------------------------------------------

_MESH_AGES = {
    "Infant, Newborn": "children",
    "Infant": "children",
    "Child, Preschool": "children",
    "Child": "children",
    "Adolescent": "children",
    "Young Adult": "adults",
    "Adult": "adults",
    "Middle Aged": "adults",
    "Aged": "older_adults",
    "Aged, 80 and over": "older_adults",
}
_AGE_RULES = (
    (
        "older_adults",
        re.compile(
            r"\b(?:older (?:adults|patients|people|persons|women|men)|elderly|aged (?:65|70|75|80) (?:years )?(?:and (?:over|older)|or older)|(?:over|above) (?:the age of )?(?:65|70|75|80)(?: years)?\b|≥ ?(?:65|70|75|80) years|nursing home residents)",
            _I,
        ),
    ),
    (
        "children",
        re.compile(
            r"\b(?:children|child|paediatric|pediatric|paediatrics|pediatrics|adolescents?|infants?|neonates?|newborns?|boys|girls|schoolchildren|teenagers?|youths?)\b",
            _I,
        ),
    ),
    (
        "adults",
        re.compile(
            r"\b(?:(?<!older )adults|adult patients|(?<!older )(?:men|women)|college students|university students|undergraduates)\b"
            r"|\band (?:their )?(?:caregivers|parents|families|mothers)\b",
            _I,
        ),
    ),
)
_AGE_RANGE = re.compile(
    r"\baged? (?:from |between )?(\d{1,2}) ?(?:to|and|-|–) ?(\d{1,3})\b|\b(\d{1,2}) ?(?:[-–]|to) ?(\d{1,3}) years\b",
    _I,
)
_YEARS_OLD = re.compile(
    r"\b(\d{1,3})[- ]year[- ]old\b|\b(?:mean|median) age (?:of |was |= ?)?(\d{1,3})|\bn ?= ?\d+, (\d{1,3}) ?±",
    _I,
)


def tag_population_age(paper: PaperText) -> Tag | None:
    mesh_groups = {_MESH_AGES[m] for m in paper.mesh_terms if m in _MESH_AGES}
    if mesh_groups:
        value = _mesh_age_group(mesh_groups)
        terms = ", ".join(m for m in paper.mesh_terms if m in _MESH_AGES)
        return Tag("population_age", value, MESH, terms, 0.85)
    text = paper.text
    for pattern, reader in ((_AGE_RANGE, _range_group), (_YEARS_OLD, _years_group)):
        match = pattern.search(text)
        if match and reader(match):
            return Tag(
                "population_age",
                reader(match),
                TEXT,
                snippet(text, match.start(), match.end(), 10),
                0.8,
            )
    found = {}
    for group, pattern in _AGE_RULES:
        match = pattern.search(text)
        if match:
            found[group] = snippet(text, match.start(), match.end(), 10)
    if not found:
        return None
    groups = set(found)
    value = _age_group(groups)
    return Tag(
        "population_age", value, TEXT, "; ".join(found.values()), 0.7 if len(groups) == 1 else 0.6
    )


def _mesh_age_group(groups: set[str]) -> str:
    """MeSH age check tags: "Adult, Middle Aged, Aged" is an adult study, not an older one."""
    if "children" in groups:
        return "children" if groups == {"children"} else "mixed"
    return "older_adults" if groups == {"older_adults"} else "adults"


def _age_group(groups: set[str]) -> str:
    """Phrases: "patients over 75 ... 50 women and 51 men" is a study of older adults."""
    if "children" in groups:
        return "children" if groups == {"children"} else "mixed"
    return "older_adults" if "older_adults" in groups else "adults"


def _range_group(match: re.Match) -> str | None:
    low, high = (
        int(g) for g in (match.group(1) or match.group(3), match.group(2) or match.group(4))
    )
    if high <= low or high > 110:
        return None
    if high <= 21:
        return "children"
    if low >= 65:
        return "older_adults"
    return "adults" if low >= 18 else "mixed"


def _years_group(match: re.Match) -> str | None:
    age = int(next(g for g in match.groups() if g))
    if age > 110:
        return None
    if age < 18:
        return "children"
    return "older_adults" if match.group(1) and age >= 65 else "adults"


# ---- species --------------------------------------------------------------------------------

_ANIMALS = re.compile(
    r"\b(?:"
    + ANIMAL_NAMES
    + r"|in vivo|animal models?|in animals|animal health|preclinical|nonclinical)\b",
    _I,
)
_HUMANS = re.compile(
    r"\b(?:patients?|participants|subjects|humans|in humans|human (?:subjects|participants|volunteers|patients|"
    r"tumou?rs|cells|tissues?|samples|beings|exposure|health|responses)|people|persons|individuals|"
    r"adults|children|adolescents|infants|neonates|men|women|volunteers|respondents|students|athletes|"
    r"runners|veterans|experts|clinical|clinicians?|clinic|physicians|nurses|therap(?:y|ies|eutic)|hospitali[sz]ed|"
    r"trials?|biobank|genome-wide association)\b",
    _I,
)
_HUMAN_DESIGNS = PRIMARY_HUMAN | {"systematic_review"}


def tag_species(paper: PaperText, design: str) -> Tag:
    mesh = set(paper.mesh_terms)
    if {"Humans", "Animals"} & mesh:
        value = (
            "mixed"
            if {"Humans", "Animals"} <= mesh
            else ("human" if "Humans" in mesh else "animal")
        )
        return Tag("species", value, MESH, ", ".join(sorted({"Humans", "Animals"} & mesh)), 0.9)
    text = paper.text
    animal, human = _ANIMALS.search(text), _HUMANS.search(text)
    if animal and human:
        phrases = f"{snippet(text, animal.start(), animal.end(), 10)}; {snippet(text, human.start(), human.end(), 10)}"
        return Tag("species", "mixed", TEXT, phrases, 0.6)
    if animal:
        return Tag("species", "animal", TEXT, snippet(text, animal.start(), animal.end(), 10), 0.75)
    if human:
        return Tag("species", "human", TEXT, snippet(text, human.start(), human.end(), 10), 0.75)
    if design in _HUMAN_DESIGNS:
        return Tag("species", "human", DEFAULT, f"a {design.replace('_', ' ')} studies people", 0.5)
    return Tag("species", "none", DEFAULT, "no people or animals named", 0.4)
