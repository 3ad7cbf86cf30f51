"""Study design from title and abstract alone: ordered phrase rules, the first hit wins.

The order encodes which phrase outranks which: a review that mentions randomised trials is a
review; a protocol that will randomise is a protocol; an RCT that says "placebo-controlled" is
an RCT before anything weaker. Tiers end with weak cues (a survey, cultured cells) and priors
(no abstract: most such records are editorials, letters and comments; no empirical wording at
all: most such abstracts are narrative reviews).
"""

from __future__ import annotations

import re

from littrack.tags.model import PaperText
from littrack.tags.text import ANIMAL_NAMES, CuedPattern, IndexedText, snippet

_I = re.IGNORECASE
_RANDOMISED = r"(?<![\w-])randomi[sz]ed"


def _rules(design: str, confidence: float, *patterns: str) -> list[tuple[str, float, CuedPattern]]:
    return [(design, confidence, CuedPattern(p, _I | re.MULTILINE)) for p in patterns]


_TITLE_RULES = [
    *_rules(
        "erratum_or_notice",
        0.9,
        r"^(?:erratum|errata|corrigendum|correction|retraction|retracted|notice of retraction|expression of concern|withdrawn)\b",
    ),
    *_rules(
        "editorial_comment_letter",
        0.85,
        r"^(?:editorial|inaugural editorial|letter|reply|in reply|response|author'?s'? reply|comment(?:ary)?(?: on)?|correspondence|viewpoint|perspective)\b",
        r"\beditorial\b",
    ),
    *_rules("guideline", 0.85, r"\bguidelines?\b"),
    *_rules("protocol", 0.85, r"^(?:study |trial )?protocol\b"),
    *_rules("case_report", 0.85, r"\bcase reports?\b"),
]

_TEXT_RULES = [
    *_rules(
        "editorial_comment_letter",
        0.8,
        r"^to the editor\b",
        r"\b(?:editors?-in-chief|chief editor|as (?:the )?editors?)\b",
        r"\bwe (?:argue|contend)\b",
        r"\b(?:in this|this) (?:commentary|editorial|viewpoint|opinion piece)\b",
        r"\bhere,? we comment\b",
        r"\b(?:in )?this special issue\b",
        r"\b(?:in )?this issue(?: of the journal)?,? (?:we |publishes|includes|contains|features|brings)",
        r"^introduction to (?:a|the|this) special issue\b",
    ),
    *_rules(
        "protocol",
        0.85,
        r"\b(?:study|trial|review) protocol\b",
        r"\bprotocol (?:for|of) (?:a|an|the)\b",
        r"\bthis protocol\b",
        r"\bwill (?:be )?(?:randomi[sz]ed|enrol+|recruit(?:ed)?)\b",
    ),
    *_rules(
        "guideline",
        0.85,
        r"\b(?:practice|clinical) guidelines?\b",
        r"\bconsensus (?:statement|recommendations|guideline)",
        r"\bposition (?:statement|paper)\b",
        r"\b(?:graded|evidence-based) recommendations\b",
        r"\bdelphi\b",
    ),
    *_rules("other", 0.6, r"\bmendelian randomi[sz]ation\b"),
    *_rules(
        "systematic_review",
        0.9,
        r"\bsystematic(?:ally)? (?:literature )?review",
        r"\bmeta-?analy[sz](?:is|es)\b",
        r"\b(?:scoping|umbrella) review\b",
        r"\bPRISMA\b",
        r"\bcochrane review\b",
        r"\bpooled analysis\b",
    ),
    *_rules(  # a case report that also reviews the literature is a case report
        "case_report",
        0.85,
        r"\b(?:this|a|the present|our) case report\b",
        r"\b(?:we|this (?:paper|report|article)) (?:\w+ )?(?:report|present|describe)(?:s|ed)? (?:a|an|one|the) (?:[\w-]+ ){0,6}?case\b",
        r"\ba \d+[- ]year[- ]old (?:[\w-]+ ){0,2}?(?:man|woman|boy|girl|male|female|patient|child|infant)\b",
    ),
    *_rules(
        "narrative_review",
        0.8,
        r"\b(?:this|our|the present|the current|the following|in this|of this) (?:[\w-]+ ){0,2}review\b",
        r"\b(?:this|the) (?:[\w-]+ ){0,2}(?:article|paper|chapter|report) (?:\w+ly )?(?:will )?reviews?\b",
        r"\bwe (?:\w+ )?review\b",
        r"\bwill review\b",
        r"\breview (?:article|paper)\b",
        r"\b(?:studies|articles|papers|publications|trials|literature)\b[^.]{0,80}\b(?:is|are|were) reviewed\b",
        r"^(?:[^\n]*:\s*(?:an? )?(?:(?!retrospective|chart|record|case)[\w-]+ )?|)review\b(?! of (?:medical |patient |clinical |hospital )?(?:records|charts))",
        r"\bstate-of-the-art review\b",
        r"\bmini-?review\b",
        r"\bpurpose of review\b",
        r"\b(?:provide|present|give|offer)s? (?:a|an) (?:[\w-]+ ){0,3}(?:review|overview|summary)\b",
        r"\bhere,? we (?:review|discuss|summari[sz]e)\b",
        r"\b(?:draws?|drawing) (?:on|from) (?:\w+ ){0,2}literature\b",
    ),
    *_rules(
        "rct",
        0.9,
        _RANDOMISED
        + r",? (?:(?!retrospective|chart|sample)[\w-]+,? ){0,5}?(?:trial|study|design)\b",
        _RANDOMISED + r" (?:to|into|between)\b",
        r"\b(?:were|was|being|are) (?:\w+ )?(?:randomi[sz]ed|randomly (?:assigned|allocated))\b",
        r"\bwe randomi[sz]ed\b",
        _RANDOMISED + r" \d+\b",
        r"\brandomly (?:assigned|allocated)\b",
    ),
    *_rules(  # a systematic review that does not call itself one: a database search, studies included
        "systematic_review",
        0.75,
        r"\b(?:we|was|were) (?:\w+ )?searched (?:[\w-]+,? ){0,4}?(?:medline|embase|pubmed|cochrane|central|cinahl|psycinfo|web of science|scopus)\b",
        r"\bsearch methods\b",
        r"\b(?:we included|included were) (?:\d+|[a-z-]+) (?:[\w-]+ )?(?:studies|trials|RCTs|articles)\b",
    ),
    *_rules(
        "rct",
        0.7,
        r"\bdouble[- ]blind(?:ed)?\b",
        r"\bplacebo[- ]controlled\b",
        r"\b(?:or|versus|vs\.?) (?:a |matching |identical )?placebo\b",
    ),
    *_rules(
        "nonrandomised_trial",
        0.8,
        r"\bopen[- ]label\b",
        r"\bopen (?:[\w-]+ ){0,2}?(?:study|trial)\b",
        r"\bsingle[- ](?:arm|group)\b",
        r"\bfirst[- ]in[- ]human\b",
        r"\bphase (?:I{1,2}|1|2|I/II|1/2)[ab]? (?:study|trial|clinical)\b",
        r"\bnon-? ?randomi[sz]ed\b",
        r"\buncontrolled (?:pilot )?(?:study|trial)\b",
        r"\bpilot trial\b",
        r"\bfeasibility (?:study|trial)\b",
    ),
    *_rules(
        "case_control",
        0.85,
        r"\bcase[- ]control\b",
        r"\bmatched controls\b",
        r"\bhealthy (?:controls|volunteers)\b",
    ),
    *_rules(
        "cross_sectional",
        0.85,
        r"\bcross[- ]sectional\b",
        r"\b(?:reliability|validation|validity|diagnostic accuracy) study\b",
    ),
    *_rules(
        "qualitative",
        0.85,
        r"\bqualitative (?:study|studies|research|analysis|design|approach|methods?|methodology|exploration|inquiry|interviews?|descriptive|content)\b",
        r"\b(?:exploratory|descriptive) qualitative\b",
        r"\bfocus groups?\b",
        r"\b(?:semi-? ?s? ?tructured|in-depth) interviews?\b",
        r"\bthematic(?:al)? analy",
        r"\bgrounded theory\b",
        r"\binterpretative phenomenological\b",
    ),
    *_rules(
        "cohort",
        0.85,
        r"\bcohort (?:study|studies|analysis)\b",
        r"\b(?:retrospective|prospective|population-based|longitudinal|historical|birth|inception) cohort\b",
        r"\ba cohort of\b",
        r"\bprospective (?:[\w-]+ ){0,3}?(?:registry|study|follow-up)\b",
        r"\b(?:outcome|follow-up) study of\b",
        r"\b(?:retrospective|chart|records?) (?:review|analysis)\b",
        r"\b(?:medical|clinical|hospital|electronic health) records\b[^.]{0,120}\b(?:were|was) (?:reviewed|analy[sz]ed|searched|examined)\b",
        r"\bregistry (?:study|data|cohort)\b",
        r"\b(?:a|our|the) (?:[\w-]+ )?registry (?:of|enrolled|included)\b",
        r"\blongitudinal study\b",
        r"\bobservational (?:study|cohort|analysis)\b",
    ),
    *_rules(
        "case_series",
        0.8,
        r"\bcase series\b",
        r"\bseries of (?:\d+|\w+) (?:consecutive )?(?:patients|cases|children|adults)\b",
        r"\bwe (?:\w+ )?(?:report|describe|present) (?:\w+ ){0,2}(?:cases|patients)\b",
        r"\bwe (?:\w+ )?(?:report|describe|present) (?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:[\w-]+ )?(?:women|men|children|boys|girls|infants|adults|siblings|brothers|sisters)\b",
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+) cases of\b",
        r"\bthese cases\b",
    ),
    *_rules(
        "case_report",
        0.8,
        r"\bcase report\b",
        r"\ba \d+[- ]year[- ]old\b",
        r"\bin this (?:\w+ )case\b|\bin this case\b(?!,)",
        r"\ba case of\b",
        r"\b(?:we|this (?:paper|report|article)) (?:\w+ )?(?:report|present|describe)(?:s|ed)? (?:a|an|one) (?:[\w-]+ ){0,3}?(?:patient|man|woman|boy|girl|child|infant|neonate|male|female)\b",
    ),
    *_rules(
        "animal_or_lab",
        0.8,
        r"\b" + ANIMAL_NAMES + r"\b",
        r"\bin vitro\b",
        r"\bin vivo\b",
        r"\bcell lines?\b",
        r"\bcultured\b",
        r"\bcell cultures?\b",
        r"\banimal models?\b",
    ),
    *_rules(
        "other",
        0.6,
        r"\b(?:molecular dynamics|finite element|monte carlo|in silico|mathematical model|algorithms?|software|theoretical paper)\b",
        r"\bsimulations?\b",
    ),
]

# Words of empirical work: an abstract with none of them is most likely a narrative review.
_EMPIRICAL = CuedPattern(
    r"\b(?:we|I|here|this (?:study|paper)|our (?:study|results|data)|the (?:study|results)|results|findings|data)\b[^.]{0,40}?"
    r"\b(?:found|find\w*|show\w*|demonstrat\w*|observ\w*|measur\w*|identif\w*|enrol\w*|includ\w*|recruit\w*|"
    r"analy[sz]\w*|examin\w*|evaluat\w*|investigat\w*|assess\w*|compar\w*|conduct\w*|perform\w*|genotyp\w*|"
    r"sequenc\w*|collect\w*|sampl\w*|test\w*|propos\w*|develop\w*|design\w*|generat\w*|establish\w*|report\w*|"
    r"present\w*|reviewed|obtain\w*|determin\w*|quantif\w*|estimat\w*|calculat\w*|aim\w*)\b"
    r"|\b(?:was|were) (?:\w+ )?(?:generated|measured|determined|calculated|collected|recruited|enrolled|included|"
    r"analy[sz]ed|assessed|evaluated|obtained|performed|tested|compared|examined)\b"
    r"|\bp\s*[<=>]|\d\s*%|\bn\s*=|\bparticipants\b|\bmean age\b|^(?:methods?|results?)\b:?"
    r"|\b(?:patients|participants|subjects) (?:[\w-]+ ){0,6}?(?:received|underwent|were treated|were given)\b"
    r"|\b(?:were|was) (?:\w+ )?(?:reviewed|treated|followed)\b"
    r"|\b\d+ (?:[\w-]+ ){0,3}(?:patients|children|adults|participants|women|men)\b",
    _I | re.MULTILINE,
)

_WEAK_RULES = [
    *_rules(  # a few patients treated and followed, with no other design named
        "case_series",
        0.45,
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|[2-9]|10) (?:[\w-]+ ){0,3}(?:patients|children|women|men) (?:[\w-]+ ){0,14}?(?:received|underwent|were treated|were given)\b",
    ),
    *_rules(
        "cross_sectional",
        0.55,
        r"\bsurvey(?:ed)?\b",
        r"\bquestionnaires?\b",
        r"\bassociation study\b",
        r"\btwin (?:design|sample|study)\b",
        r"\b(?:ROC|receiver operating)\b",
        r"\bsensitivity and specificity\b",
        r"\b(?:were|was) correlated with\b",
    ),
    *_rules(
        "cohort",
        0.55,
        r"\bretrospective(?:ly)?\b",
        r"\bmedical records\b",
        r"\bcharts? review\b",
        r"\b(?:national|nationwide|population-based) (?:\w+ ){0,3}(?:database|registry|statistics)\b",
    ),
    *_rules("qualitative", 0.5, r"\bthemes\b"),
    *_rules(
        "animal_or_lab",
        0.5,
        r"\bassays?\b",
        r"\bisolates\b",
        r"\bcrystal structure\b",
        r"\bstrains?\b",
        r"\bultrastructur\w*",
        r"\belectron microscop\w*",
        r"\bproteins?\b",
        r"\bcells\b",
        r"\bsignal(?:l)?ing\b",
    ),
    *_rules(  # a trial that says neither randomised nor open-label
        "nonrandomised_trial",
        0.45,
        r"\b(?:this|a|our) (?:[\w-]+ ){0,2}clinical trial\b(?! regist)",
    ),
    *_rules(  # an observational study of how things go together, at one time
        "cross_sectional",
        0.4,
        r"\b(?:associations?|relationships?|correlations?) (?:\w+ )?between\b",
    ),
]


def design_from_text(paper: PaperText) -> tuple[str, float, str]:
    """(design, confidence, evidence phrase) from the words of the record alone."""
    title, abstract, words = paper.title, paper.abstract, paper.indexed
    text = IndexedText(f"{title}\n{abstract}", words_of=words)
    hit = _first(_TITLE_RULES, IndexedText(title, words_of=words)) or _first(_TEXT_RULES, text)
    if hit:
        return hit
    if len(abstract.split()) < 25:
        return (
            "editorial_comment_letter",
            0.3,
            "no abstract (most such records are editorials, letters or comments)",
        )
    if not _EMPIRICAL.search(IndexedText(abstract, words_of=words)):
        return (
            "narrative_review",
            0.4,
            "no methods or results wording: " + snippet(abstract, 0, 60, 0),
        )
    hit = _first(_WEAK_RULES, text)
    return hit or ("other", 0.2, "no design phrase found")


def _first(rules, text: IndexedText) -> tuple[str, float, str] | None:
    for design, confidence, pattern in rules:
        match = pattern.search(text)
        if match:
            return design, confidence, snippet(text.text, match.start(), match.end())
    return None
