"""Triage and exports — next: reviewer decisions, blind dual screening, RIS/BibTeX.

The warehouse's `review_queue` view is what this stage starts from.
"""
