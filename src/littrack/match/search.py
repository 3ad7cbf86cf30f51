"""Targeted PubMed searches for a citation that is not in the warehouse yet.

The terms use field tags PubMed and the project's stand-in both read: [pmid], [doi], [au],
[dp], [ta], [ti], [vi], [pg]. The pipeline fetches and loads what they find, then matches the
citation again; a search only proposes candidates, the matcher decides.
"""

from __future__ import annotations

from typing import Protocol

from littrack.match import fields as f
from littrack.match.citations import Citation

_TITLE_WORDS = 6  # distinctive title words in the title search
_MIN_TITLE_WORDS = 3  # fewer would find half of PubMed
_STOP = {"the", "and", "for", "with", "from", "into", "that", "this", "their", "its", "after",
         "between", "among", "during", "under", "over", "about", "versus", "study", "patients",
         "using", "based", "effect", "effects", "analysis", "role", "case", "report", "review"}


class Searcher(Protocol):
    def search(self, term: str, window=None) -> list[int]: ...


def search_terms_for(citation: Citation) -> list[str]:
    """PubMed terms that should find the cited paper, most specific first."""
    terms = []
    if citation.pmid:
        terms.append(f"{citation.pmid}[pmid]")
    if citation.doi:
        terms.append(f'"{citation.doi}"[doi]')
    author = f'"{_quotable(citation.authors[0])}"[au]' if citation.authors else None
    journal = f'"{_quotable(citation.journal)}"[ta]' if citation.journal else None
    year = f"{citation.year}[dp]" if citation.year else None
    if author and year and journal:
        terms.append(f"{author} AND {year} AND {journal}")
    words = _title_words(citation.title)
    if len(words) >= _MIN_TITLE_WORDS:
        title = " AND ".join(f"{w}[ti]" for w in words)
        if citation.year:
            title += f" AND {citation.year - 1}:{citation.year + 1}[dp]"
        terms.append(title)
    if author and year:
        terms.append(f"{author} AND {year}")
    if journal and citation.volume and citation.pages:
        first_page = f.page_range(citation.pages)
        if first_page:
            volume = f.normalize_volume(citation.volume)
            terms.append(f"{journal} AND {volume}[vi] AND {first_page.first}[pg]")
    return terms


def find_candidate_pmids(client: Searcher, citation: Citation, max_hits: int = 20) -> list[int]:
    """PMIDs the terms of `search_terms_for` find, in the order found; a term with more than
    `max_hits` hits names nothing in particular and is left out."""
    found: dict[int, None] = {}
    for term in search_terms_for(citation):
        hits = client.search(term)
        if len(hits) <= max_hits:
            found.update(dict.fromkeys(hits))
    return list(found)


def _quotable(text: str) -> str:
    return text.replace('"', " ").strip()


def _title_words(title: str | None) -> list[str]:
    """The longest words of the title, in title order: the rarest, as a rule."""
    words = [w for w in f.tokens(title or "") if len(w) >= 4 and w not in _STOP and w.isalpha()]
    unique = list(dict.fromkeys(words))
    keep = set(sorted(unique, key=len, reverse=True)[:_TITLE_WORDS])
    return [w for w in unique if w in keep]
