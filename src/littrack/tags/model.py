"""What the tagger reads (a paper's text and indexing) and what it writes (one `Tag` per value)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from littrack.tags.text import IndexedText

# Where a tag came from, strongest first: NLM's indexing, then the abstract, then a default.
PUBLICATION_TYPE = "publication_type"
MESH = "mesh"
TEXT = "text"
DEFAULT = "default"


@dataclass(frozen=True)
class PaperText:
    """The parts of a record the tagger reads."""

    title: str
    abstract: str = ""
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()

    @classmethod
    def of_record(cls, title, abstract, publication_types, mesh_terms) -> PaperText:
        """From a record's columns (a `records` row or a staged one), which may be NULL."""
        return cls(title or "", abstract or "", tuple(publication_types or ()), tuple(mesh_terms or ()))

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.abstract}".strip()

    @cached_property
    def indexed(self) -> IndexedText:
        """`text` with what the rules' cues are looked up in, built once for all the rules."""
        return IndexedText(self.text)

    def without_indexing(self) -> PaperText:
        """The record as it looks before NLM indexes it: title and abstract only."""
        return replace(self, publication_types=(), mesh_terms=())


@dataclass(frozen=True)
class Tag:
    """One value of one tag, with its source, the phrase it rests on and a confidence in 0..1.

    `note` says why, when the chosen value disagrees with another source.
    """

    tag: str
    value: str
    source: str
    evidence: str
    confidence: float
    note: str | None = None
