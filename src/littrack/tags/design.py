"""Study design: NLM's publication types first, then MeSH, then the text (`design_text`).

When indexing and text disagree the indexing wins (NLM indexers read the full paper), except
where the text only refines it (a "Clinical Trial" the abstract calls randomised is an RCT; a
"Review" the abstract calls systematic is a systematic review); the tag's note says which.
"""

from __future__ import annotations

from littrack.tags.design_text import design_from_text
from littrack.tags.model import MESH, PUBLICATION_TYPE, TEXT, PaperText, Tag

DESIGNS = (
    "rct",
    "nonrandomised_trial",
    "cohort",
    "case_control",
    "cross_sectional",
    "case_series",
    "case_report",
    "systematic_review",
    "narrative_review",
    "guideline",
    "animal_or_lab",
    "protocol",
    "qualitative",
    "editorial_comment_letter",
    "erratum_or_notice",
    "other",
)
# Designs whose subjects are people who were studied directly (trials and observational studies).
PRIMARY_HUMAN = frozenset(DESIGNS[:7]) | {"qualitative"}

# Publication type -> design, most specific first (a record often has several types).
_PUBLICATION_TYPES = (
    ("Published Erratum", "erratum_or_notice"),
    ("Retraction of Publication", "erratum_or_notice"),
    ("Expression of Concern", "erratum_or_notice"),
    ("Clinical Trial Protocol", "protocol"),
    ("Systematic Review", "systematic_review"),
    ("Meta-Analysis", "systematic_review"),
    ("Randomized Controlled Trial", "rct"),
    ("Practice Guideline", "guideline"),
    ("Guideline", "guideline"),
    ("Consensus Development Conference", "guideline"),
    ("Controlled Clinical Trial", "nonrandomised_trial"),
    ("Clinical Trial, Phase I", "nonrandomised_trial"),
    ("Clinical Trial, Phase II", "nonrandomised_trial"),
    ("Clinical Trial, Phase III", "nonrandomised_trial"),
    ("Clinical Trial, Phase IV", "nonrandomised_trial"),
    ("Clinical Trial", "nonrandomised_trial"),
    ("Case Reports", "case_report"),
    ("Review", "narrative_review"),
    ("Editorial", "editorial_comment_letter"),
    ("Comment", "editorial_comment_letter"),
    ("Letter", "editorial_comment_letter"),
    ("News", "editorial_comment_letter"),
    ("Introductory Journal Article", "editorial_comment_letter"),
)
# Study-design MeSH headings (never the "... as Topic" ones, which are about other papers).
_MESH = (
    ("Case-Control Studies", "case_control"),
    ("Cross-Sectional Studies", "cross_sectional"),
    ("Qualitative Research", "qualitative"),
    ("Focus Groups", "qualitative"),
    ("Cohort Studies", "cohort"),
    ("Prospective Studies", "cohort"),
    ("Retrospective Studies", "cohort"),
    ("Longitudinal Studies", "cohort"),
    ("Follow-Up Studies", "cohort"),
    ("Disease Models, Animal", "animal_or_lab"),
)
# Indexed design -> text designs that refine it rather than contradict it.
_REFINES = {
    "nonrandomised_trial": {"rct"},  # "Clinical Trial" does not say whether it was randomised
    "narrative_review": {"systematic_review"},  # older systematic reviews are typed "Review" only
    "case_report": {"case_series"},  # NLM types case series as "Case Reports" too
}


def tag_design(paper: PaperText) -> Tag:
    text_design, text_confidence, phrase = design_from_text(paper)
    indexed = indexed_design(paper)
    if indexed is None:
        return Tag("design", text_design, TEXT, phrase, text_confidence)
    design, source, term = indexed
    if text_design == design or text_confidence < 0.5:
        return Tag("design", design, source, term, 0.95 if source == PUBLICATION_TYPE else 0.85)
    if text_design in _REFINES.get(design, ()):
        note = f"the text refines {source.replace('_', ' ')} '{term}'"
        return Tag("design", text_design, TEXT, phrase, max(text_confidence, 0.85), note)
    note = (
        f"the text suggests {text_design} ('{phrase}'); {source.replace('_', ' ')} '{term}' wins "
        "because NLM indexers classify from the full paper"
    )
    return Tag("design", design, source, term, 0.9 if source == PUBLICATION_TYPE else 0.8, note)


def indexed_design(paper: PaperText) -> tuple[str, str, str] | None:
    """(design, source, the publication type or MeSH term) from NLM's indexing, if it says."""
    types = set(paper.publication_types)
    for name, design in _PUBLICATION_TYPES:
        if name in types:
            return design, PUBLICATION_TYPE, name
    mesh = set(paper.mesh_terms)
    for name, design in _MESH:
        if name in mesh:
            return design, MESH, name
    if "Animals" in mesh and "Humans" not in mesh:
        return "animal_or_lab", MESH, "Animals"
    return None
