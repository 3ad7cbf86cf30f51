"""Evidence tags: study design, participants, age group, species, and for ketamine in CRPS the
routes, dose, comparator and CRPS type, each with its source, evidence phrase and confidence.

Rules only (no model weights); publication types and MeSH first when a record has them, the
title and abstract otherwise — the morning's new records are the ones NLM has not indexed yet.
"""

from littrack.tags.design import DESIGNS
from littrack.tags.model import PaperText, Tag
from littrack.tags.store import TagRefresh, refresh_paper_tags
from littrack.tags.tagger import TAGGER_VERSION, chip, tag_paper

__all__ = [
    "DESIGNS",
    "TAGGER_VERSION",
    "PaperText",
    "Tag",
    "TagRefresh",
    "chip",
    "refresh_paper_tags",
    "tag_paper",
]
