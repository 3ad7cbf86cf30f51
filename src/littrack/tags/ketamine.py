"""How ketamine was given (routes, dose, sub-anaesthetic or anaesthetic), against what, in which CRPS.

Tagged only when the record names ketamine. A route counts when it is said of ketamine: within
a few words of the drug's name, as a list of routes in a sentence about ketamine, or as an
infusion in such a sentence; a sentence about another drug ("oral dextromethorphan") does not.
"""

from __future__ import annotations

import re

from littrack.tags.design import PRIMARY_HUMAN
from littrack.tags.model import DEFAULT, TEXT, PaperText, Tag
from littrack.tags.text import sentences, snippet

_I = re.IGNORECASE
KETAMINE = re.compile(r"\b(?:es|s-|r-|ar)?ketamine\b", _I)
_NEAR_BEFORE, _NEAR_AFTER = 4, 6  # words between a route and the drug's name

ROUTES = {
    "intravenous": r"\bintravenous(?:ly)?\b|\bi\.v\.|(?-i:\bIV\b)",
    "topical": r"\btopical(?:ly)?\b|\bcreams?\b|\bgels?\b|\bointments?\b|\btransdermal(?:ly)?\b|\bpatch(?:es)?\b",
    "oral": r"\boral(?:ly)?\b|\bby mouth\b|\btablets?\b|\bcapsules?\b",
    "intranasal": r"\bintranasal(?:ly)?\b|\bnasal(?:ly)?\b",
    "sublingual": r"\bsublingual(?:ly)?\b|\bbuccal\b|\blozenges?\b|\btroches?\b",
    "intramuscular": r"\bintramuscular(?:ly)?\b|\bi\.m\.|(?-i:\bIM\b)",
    "subcutaneous": r"\bsubcutaneous(?:ly)?\b|\bs\.c\.|(?-i:\bSC\b)",
    "epidural/intrathecal": r"\bepidural(?:ly)?\b|\bintrathecal(?:ly)?\b|\bcaudal\b",
}
_ROUTE_PATTERNS = {route: re.compile(p, _I) for route, p in ROUTES.items()}
_ANY_ROUTE = "|".join(f"(?:{p})" for p in ROUTES.values())
_ROUTE_LIST = re.compile(rf"(?:{_ANY_ROUTE})(?:,? (?:and |or )?(?:{_ANY_ROUTE}))+", _I)
_INFUSION = re.compile(
    r"\b(?:(subcutaneous|epidural|intrathecal|continuous subcutaneous) )?infusions?\b|\bketamine coma\b",
    _I,
)

# "oral dextromethorphan after ketamine": the route belongs to the other drug
_SEQUENCE = re.compile(r"\b(?:after|before|following|then|versus|vs|instead|than)\b", _I)
_ADJECTIVE = re.compile(
    r"intravenous|topical|oral|intranasal|nasal|sublingual|intramuscular|subcutaneous|epidural|intrathecal|transdermal|buccal|caudal",
    _I,
)
# after the drug's name, a route adjective counts only when it describes how it was given
_NEXT_WORD = re.compile(r" ([\w-]+)")
_ADMINISTRATION = re.compile(
    r"administration|route|infusions?|injections?|bolus(?:es)?|doses?|dosing|use|delivery|formulations?|"
    r"sprays?|preparations?|solution|(?:es|s-|r-|ar)?ketamine|and|or",
    _I,
)

_NUMBER = r"\d+(?:\.\d+)?(?: ?(?:[-–±]|to) ?\d+(?:\.\d+)?)?"
_DOSE = re.compile(
    rf"\b{_NUMBER} ?(?:mg|µg|μg|mcg|ug|g)(?:/kg)?(?:/(?:h|hr|hour|min|day|d)\b| per (?:kg (?:per )?)?(?:hour|h|minute|min|day|24 hours))?(?:/\d+ ?kg\b)?"
    rf"(?: ?kg ?(?:-1|−1|⁻¹)(?: ?(?:h|hr|min) ?(?:-1|−1|⁻¹))?)?"
    rf"(?: (?:over|for|during) (?:\d+|\w+) (?:consecutive )?(?:days?|hours?|h|weeks?)\b)?"
    rf"|\b{_NUMBER} ?%(?= (?:\w+ )?(?:ketamine|cream|gel|ointment))|(?<=ketamine )\d+(?:\.\d+)? ?%",
    _I,
)
_DOSE_RATE = re.compile(rf"\b{_NUMBER} ?(?:mg|µg|μg|mcg)/kg/(?:h|hr|hour|min)\b", _I)
_SUB_ANAESTHETIC = re.compile(
    r"\bsub-? ?an(?:a)?esthetic\b|\blow[- ]dose\b|\banalgesic doses?\b|\bsub-? ?dissociative\b", _I
)
_ANAESTHETIC = re.compile(
    r"(?<!sub-)(?<!sub)\ban(?:a)?esthetic[- ]doses?\b|(?<!sub-)(?<!sub)\ban(?:a)?esthetic ketamine\b|\bketamine coma\b|\binduced coma\b",
    _I,
)

_PLACEBO = re.compile(r"\bplacebo\b|\bsaline\b|\bsham\b|\bvehicle\b", _I)
_ACTIVE = re.compile(
    r"\b(?:versus|vs\.?)\s+(?!placebo|saline|sham|vehicle)\w+"
    r"|\bcompared (?:with|to)\s+(?!placebo|saline|sham|vehicle|baseline|before|healthy)\w+"
    r"|\b(?:randomi[sz]ed|randomly (?:assigned|allocated)|allocated) to\b(?:(?!\.\s).){0,200}?\bor\b"
    r"|\b(?:alone|usual care|standard care|active control|active comparator)\b",
    _I,
)
# designs that have (or lack) a comparison arm; surveys, interviews and reviews do not say
_COMPARED_DESIGNS = (PRIMARY_HUMAN - {"cross_sectional", "qualitative"}) | {
    "animal_or_lab",
    "protocol",
}

_CRPS = re.compile(
    r"\bcomplex regional pain syndromes?\b|\bCRPS\b|\breflex sympathetic dystroph\w*|\bcausalgia\b|\bsudeck|\balgodystroph\w*",
    _I,
)
_CRPS_NAME = r"(?:CRPS|(?i:complex regional pain syndrome)(?: \(CRPS\))?)"
_CRPS_BOTH = re.compile(
    rf"\b{_CRPS_NAME}[- ]?(?:[Tt]ypes? )?(?:I|1) (?:and|or|&) (?:[Tt]ype )?(?:II|2)\b"
)
_CRPS_I = re.compile(
    rf"\b{_CRPS_NAME}[- ]?(?:[Tt]ype )?(?:I|1)\b|\b[Tt]ype (?:I|1) CRPS\b|(?i:\breflex sympathetic dystroph\w*|\bsudeck\w*)"
)
_CRPS_II = re.compile(
    rf"\b{_CRPS_NAME}[- ]?(?:[Tt]ype )?(?:II|2)\b|\b[Tt]ype (?:II|2) CRPS\b|(?i:\bcausalgia\b)"
)


def tag_ketamine(paper: PaperText, design: str, species: str) -> list[Tag]:
    text = paper.text
    tags = _crps_type(text)
    if not KETAMINE.search(text):
        return tags
    about = [s for s in sentences(text) if KETAMINE.search(s)]
    routes = _routes(about)
    tags += [Tag("route", route, TEXT, phrase, 0.8) for route, phrase in routes.items()]
    doses = _doses(text)
    if doses:
        tags.append(Tag("dosing", "; ".join(d for d, _ in doses), TEXT, doses[0][1], 0.8))
    tags += _anaesthetic(text, doses, set(routes), species)
    if design in _COMPARED_DESIGNS:
        comparator = _comparator(text)
        if not (design == "rct" and comparator.value == "none"):  # a trial compares something
            tags.append(comparator)
    return tags


def _routes(about: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for sentence in about:
        drug_at = [m.start() for m in KETAMINE.finditer(sentence)]
        for route, pattern in _ROUTE_PATTERNS.items():
            for match in pattern.finditer(sentence):
                if any(_words_between(sentence, match, at) for at in drug_at):
                    found.setdefault(route, snippet(sentence, match.start(), match.end(), 20))
        for listed in _ROUTE_LIST.finditer(sentence):
            for route, pattern in _ROUTE_PATTERNS.items():
                if pattern.search(listed.group(0)):
                    found.setdefault(route, snippet(sentence, listed.start(), listed.end(), 10))
        infusion = next((m for m in _INFUSION.finditer(sentence) if not m.group(1)), None)
        if infusion or (_DOSE_RATE.search(sentence) and not found):
            hit = infusion or _DOSE_RATE.search(sentence)
            found.setdefault("intravenous", snippet(sentence, hit.start(), hit.end(), 20))
    return found


def _words_between(sentence: str, match: re.Match, drug_at: int) -> bool:
    if match.start() < drug_at:
        between = sentence[match.end() : drug_at]
        return len(between.split()) <= _NEAR_BEFORE and not _SEQUENCE.search(between)
    if len(sentence[drug_at : match.start()].split()) - 1 > _NEAR_AFTER:
        return False
    # after the drug, "oral" must describe how it was given, not the next drug ("oral dextromethorphan")
    following = _NEXT_WORD.match(sentence, match.end())
    return (
        not _ADJECTIVE.fullmatch(match.group(0))
        or not following
        or bool(_ADMINISTRATION.fullmatch(following.group(1)))
    )


def _doses(text: str) -> list[tuple[str, str]]:
    """Doses stated in sentences about ketamine and the sentence after each (regimens often
    continue there: "Infusions ran at 0.5 mg/kg/h for 4 hours")."""
    parts = sentences(text)
    wanted = {i for i, s in enumerate(parts) if KETAMINE.search(s)}
    wanted |= {i + 1 for i in wanted if i + 1 < len(parts)}
    doses = []
    for i in sorted(wanted):
        for match in _DOSE.finditer(parts[i]):
            doses.append(
                (
                    " ".join(match.group(0).split()),
                    snippet(parts[i], match.start(), match.end(), 20),
                )
            )
    return doses


def _anaesthetic(text: str, doses, routes: set[str], species: str) -> list[Tag]:
    sub, full = _SUB_ANAESTHETIC.search(text), _ANAESTHETIC.search(text)
    if sub and full:
        return []  # a review spanning both
    if sub or full:
        hit = sub or full
        value = "sub_anaesthetic" if sub else "anaesthetic"
        return [
            Tag("anaesthetic_dose", value, TEXT, snippet(text, hit.start(), hit.end(), 20), 0.85)
        ]
    if (
        not doses
        or species == "animal"
        or "epidural/intrathecal" in routes
        or routes == {"topical"}
    ):
        return []
    dose, phrase = doses[0]
    value = _dose_class(dose, routes)
    return (
        [Tag("anaesthetic_dose", value, DEFAULT, f"{phrase} (by dose and route)", 0.6)]
        if value
        else []
    )


def _dose_class(dose: str, routes: set[str]) -> str | None:
    """Sub-anaesthetic or anaesthetic from the dose itself: IV infusions up to ~1 mg/kg/h and
    boluses under 1 mg/kg (IM under 2) are analgesic; oral, sublingual, intranasal and
    subcutaneous ketamine is given at analgesic doses."""
    numbers = [
        float(n) for n in re.findall(r"\d+(?:\.\d+)?", dose.split(" for ")[0].split(" over ")[0])
    ]
    if not numbers:
        return None
    amount = max(numbers)
    per_kg = bool(re.search(r"/kg|per kg|kg ?(?:-1|−1|⁻¹)", dose))
    rate = re.search(r"/(?:h|hr|hour)\b|per hour|(?:h|hr) ?(?:-1|−1|⁻¹)", dose)
    if "µg" in dose or "μg" in dose or "mcg" in dose:
        amount /= 1000
        if re.search(r"/min\b|per min", dose):
            amount *= 60
            rate = True
    if routes & {"oral", "sublingual", "intranasal", "subcutaneous"} and not routes & {
        "intravenous",
        "intramuscular",
    }:
        return "sub_anaesthetic"
    if per_kg and rate:
        return "sub_anaesthetic" if amount <= 1 else ("anaesthetic" if amount >= 2 else None)
    if per_kg:
        limit = 2 if "intramuscular" in routes else 1
        return "sub_anaesthetic" if amount < limit else "anaesthetic"
    return None


def _comparator(text: str) -> Tag:
    for value, pattern in (("placebo", _PLACEBO), ("active", _ACTIVE)):
        match = pattern.search(text)
        if match:
            return Tag(
                "comparator", value, TEXT, snippet(text, match.start(), match.end(), 20), 0.75
            )
    return Tag("comparator", "none", DEFAULT, "no placebo or comparison treatment named", 0.5)


def _crps_type(text: str) -> list[Tag]:
    mention = _CRPS.search(text)
    if not mention:
        return []
    for value, pattern in (("I and II", _CRPS_BOTH), ("I", _CRPS_I), ("II", _CRPS_II)):
        match = pattern.search(text)
        if match:
            if value != "I and II" and _CRPS_II.search(text) and _CRPS_I.search(text):
                value = "I and II"
            return [
                Tag("crps_type", value, TEXT, snippet(text, match.start(), match.end(), 10), 0.8)
            ]
    return [
        Tag(
            "crps_type", "unspecified", TEXT, snippet(text, mention.start(), mention.end(), 10), 0.6
        )
    ]
