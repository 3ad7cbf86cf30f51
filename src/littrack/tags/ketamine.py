"""How ketamine was given (routes, dose, sub-anaesthetic or anaesthetic), against what, in which CRPS.

Tagged only when the record names ketamine. A route counts when it is said of ketamine: within
a few words of the drug's name, as a list of routes in a sentence about ketamine, or as an
infusion in such a sentence; a sentence about another drug ("oral dextromethorphan") does not.
"""

from __future__ import annotations

import re

from littrack.tags.design import PRIMARY_HUMAN
from littrack.tags.model import DEFAULT, TEXT, PaperText, Tag
from littrack.tags.text import CuedPattern, IndexedText, sentences, snippet

_I = re.IGNORECASE
KETAMINE = CuedPattern(r"\b(?:es|s-|r-|ar)?ketamine\b", _I)
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
_ROUTE_PATTERNS = {route: CuedPattern(p, _I) for route, p in ROUTES.items()}
_ANY_ROUTE = "|".join(f"(?:{p})" for p in ROUTES.values())
_ROUTE_LIST = CuedPattern(rf"(?:{_ANY_ROUTE})(?:,? (?:and |or )?(?:{_ANY_ROUTE}))+", _I)
_INFUSION = CuedPattern(
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
_DOSE_RATE = CuedPattern(rf"\b{_NUMBER} ?(?:mg|µg|μg|mcg)/kg/(?:h|hr|hour|min)\b", _I)
_SUB_ANAESTHETIC = CuedPattern(
    r"\bsub-? ?an(?:a)?esthetic\b|\blow[- ]dose\b|\banalgesic doses?\b|\bsub-? ?dissociative\b", _I
)
_ANAESTHETIC = CuedPattern(
    r"(?<!sub-)(?<!sub)\ban(?:a)?esthetic[- ]doses?\b|(?<!sub-)(?<!sub)\ban(?:a)?esthetic ketamine\b|\bketamine coma\b|\binduced coma\b",
    _I,
)

_PLACEBO = CuedPattern(r"\bplacebo\b|\bsaline\b|\bsham\b|\bvehicle\b", _I)
_ACTIVE = CuedPattern(
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

_CRPS = CuedPattern(
    r"\bcomplex regional pain syndromes?\b|\bCRPS\b|\breflex sympathetic dystroph\w*|\bcausalgia\b|\bsudeck|\balgodystroph\w*",
    _I,
)
_CRPS_NAME = r"(?:CRPS|(?i:complex regional pain syndrome)(?: \(CRPS\))?)"
_CRPS_BOTH = CuedPattern(
    rf"\b{_CRPS_NAME}[- ]?(?:[Tt]ypes? )?(?:I|1) (?:and|or|&) (?:[Tt]ype )?(?:II|2)\b"
)
_CRPS_I = CuedPattern(
    rf"\b{_CRPS_NAME}[- ]?(?:[Tt]ype )?(?:I|1)\b|\b[Tt]ype (?:I|1) CRPS\b|(?i:\breflex sympathetic dystroph\w*|\bsudeck\w*)"
)
_CRPS_II = CuedPattern(
    rf"\b{_CRPS_NAME}[- ]?(?:[Tt]ype )?(?:II|2)\b|\b[Tt]ype (?:II|2) CRPS\b|(?i:\bcausalgia\b)"
)


def tag_ketamine(paper: PaperText, design: str, species: str) -> list[Tag]:
    text = paper.indexed
    tags = _crps_type(text)
    if not KETAMINE.search(text):
        return tags
    parts = [IndexedText(s, words_of=text) for s in sentences(text.text)]
    about = [i for i, part in enumerate(parts) if KETAMINE.search(part)]
    routes = _routes([parts[i] for i in about], text)
    tags += [Tag("route", route, TEXT, phrase, 0.8) for route, phrase in routes.items()]
    doses = _doses([part.text for part in parts], about)
    if doses:
        tags.append(Tag("dosing", "; ".join(d for d, _ in doses), TEXT, doses[0][1], 0.8))
    tags += _anaesthetic(text, doses, set(routes), species)
    if design in _COMPARED_DESIGNS:
        comparator = _comparator(text)
        if not (design == "rct" and comparator.value == "none"):  # a trial compares something
            tags.append(comparator)
    return tags


def _routes(about: list[IndexedText], text: IndexedText) -> dict[str, str]:
    """Each route with the phrase it was first found in. A route found is not looked for again,
    nor one whose cues the whole text lacks (nor then any of its sentences)."""
    found: dict[str, str] = {}
    named = {route: p.pattern for route, p in _ROUTE_PATTERNS.items() if p.may_match(text)}
    listed_routes = _ROUTE_LIST.may_match(text)
    for part in about:
        sentence = part.text
        drug_at = [m.start() for m in KETAMINE.pattern.finditer(sentence)]
        for route, pattern in named.items():
            if route in found:
                continue
            for match in pattern.finditer(sentence):
                if any(_words_between(sentence, match, at) for at in drug_at):
                    found[route] = snippet(sentence, match.start(), match.end(), 20)
                    break
        if listed_routes and named.keys() - found.keys():
            for listed in _ROUTE_LIST.finditer(part):
                for route, pattern in named.items():
                    if route not in found and pattern.search(listed.group(0)):
                        found[route] = snippet(sentence, listed.start(), listed.end(), 10)
        if "intravenous" not in found:
            hit = next((m for m in _INFUSION.finditer(part) if not m.group(1)), None)
            if hit is None and not found:
                hit = _DOSE_RATE.search(part)
            if hit:
                found["intravenous"] = snippet(sentence, hit.start(), hit.end(), 20)
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


def _doses(parts: list[str], about: list[int]) -> list[tuple[str, str]]:
    """Doses stated in the sentences about ketamine (their indexes in `parts`) and the sentence
    after each (regimens often continue there: "Infusions ran at 0.5 mg/kg/h for 4 hours")."""
    wanted = set(about)
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


def _anaesthetic(text: IndexedText, doses, routes: set[str], species: str) -> list[Tag]:
    sub, full = _SUB_ANAESTHETIC.search(text), _ANAESTHETIC.search(text)
    if sub and full:
        return []  # a review spanning both
    if sub or full:
        hit = sub or full
        value = "sub_anaesthetic" if sub else "anaesthetic"
        phrase = snippet(text.text, hit.start(), hit.end(), 20)
        return [Tag("anaesthetic_dose", value, TEXT, phrase, 0.85)]
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


def _comparator(text: IndexedText) -> Tag:
    for value, pattern in (("placebo", _PLACEBO), ("active", _ACTIVE)):
        match = pattern.search(text)
        if match:
            phrase = snippet(text.text, match.start(), match.end(), 20)
            return Tag("comparator", value, TEXT, phrase, 0.75)
    return Tag("comparator", "none", DEFAULT, "no placebo or comparison treatment named", 0.5)


def _crps_type(text: IndexedText) -> list[Tag]:
    mention = _CRPS.search(text)
    if not mention:
        return []
    for value, pattern in (("I and II", _CRPS_BOTH), ("I", _CRPS_I), ("II", _CRPS_II)):
        match = pattern.search(text)
        if match:
            if value != "I and II" and _CRPS_II.search(text) and _CRPS_I.search(text):
                value = "I and II"
            phrase = snippet(text.text, match.start(), match.end(), 10)
            return [Tag("crps_type", value, TEXT, phrase, 0.8)]
    phrase = snippet(text.text, mention.start(), mention.end(), 10)
    return [Tag("crps_type", "unspecified", TEXT, phrase, 0.6)]
