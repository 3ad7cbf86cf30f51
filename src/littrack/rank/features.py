"""Texts → TF-IDF features, and the texts that say what the review is about (the prior).

A paper is its title, abstract, keywords, MeSH terms and publication types. The prior texts (criteria, the PubMed
query's terms, seed and known papers) are vectorised in the same space; words that describe
*any* eligibility rule or study ("included", "English", "studies", "review") are taken out of
them, so the prior says what the topic is, not what a paper in general is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

# Terms seen in a single paper cannot generalise to another one; on tiny sets keep them all.
MIN_DOCUMENTS_FOR_MIN_DF = 50

# Words of eligibility criteria and of screening in general, whatever the topic.
CRITERIA_BOILERPLATE = frozenset(
    """
    abstract abstracts access accessible analyses analysis applied applying article articles
    available based criteria criterion data described eligibility eligible english exclude
    excluded excluding exclusion following full include included includes including inclusion
    language languages literature meta non original paper papers peer primary provided
    providing publication publications published record records report reported reporting
    reports review reviewed reviews search searched studies study systematic text texts used
    using
    """.split()
)

_QUERY_FIELD_TAG = re.compile(r"\[[^\]]*\]")
_QUERY_OPERATOR = re.compile(r"\b(AND|OR|NOT)\b")


def paper_text(title: str | None, abstract: str | None, *term_lists: Iterable[str] | None) -> str:
    """One paper as one text: title, abstract, then keywords, MeSH terms, publication types."""
    parts = [title or "", abstract or ""]
    parts.extend("; ".join(terms) for terms in term_lists if terms)
    return ". ".join(part for part in parts if part)


def query_terms(query: str) -> str:
    """The words of a PubMed query, without field tags, operators and punctuation."""
    text = _QUERY_OPERATOR.sub(" ", _QUERY_FIELD_TAG.sub(" ", query))
    return " ".join(re.sub(r"[()\"*]", " ", text).split())


def fit_vectorizer(texts: Sequence[str]) -> tuple[list[str], sp.csr_matrix]:
    """Word and bigram TF-IDF (sublinear tf, English stop words) fitted on `texts`: the
    feature names and one L2-normalised row per text."""
    min_df = 2 if len(texts) >= MIN_DOCUMENTS_FOR_MIN_DF else 1
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words="english", min_df=min_df,
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no word anywhere (empty titles and abstracts): nothing to rank by
        return ["(no words)"], sp.csr_matrix(np.zeros((len(texts), 1), dtype=np.float32))
    return list(vectorizer.get_feature_names_out()), sp.csr_matrix(matrix)


def topic_rows(rows: sp.csr_matrix, feature_names: Sequence[str]) -> sp.csr_matrix:
    """Prior texts' rows without features that hold a boilerplate word, re-normalised."""
    keep = np.array(
        [not any(word in CRITERIA_BOILERPLATE for word in name.split()) for name in feature_names],
        dtype=np.float32,
    )
    kept = sp.csr_matrix(rows.multiply(keep[np.newaxis, :]), dtype=np.float32)
    norms = np.sqrt(np.asarray(kept.multiply(kept).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms).astype(np.float32) @ kept)
