"""Texts → TF-IDF features, and the texts that say what the review is about (the prior).

A paper is its title, abstract, keywords, MeSH terms and publication types. The prior texts (criteria, the PubMed
query's terms, seed and known papers) are vectorised in the same space; words that describe
*any* eligibility rule or study ("included", "English", "studies", "review") are taken out of
them, so the prior says what the topic is, not what a paper in general is.

The TF-IDF is scikit-learn's `TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
stop_words="english", min_df=..., dtype=np.float32)` to the bit (the tests compare the two),
built here so that a scoring without decisions does not import scikit-learn (~130 MB).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

# Terms seen in a single paper cannot generalise to another one; on tiny sets keep them all.
MIN_DOCUMENTS_FOR_MIN_DF = 50

# rows transformed together: temporaries the size of a chunk, not of the matrix
ROW_CHUNK = 4096

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

# scikit-learn's ENGLISH_STOP_WORDS
STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call
    can cannot cant co con could couldnt cry de describe detail do done down due during each eg
    eight either eleven else elsewhere empty enough etc even ever every everyone everything
    everywhere except few fifteen fifty fill find fire first five for former formerly forty
    found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if
    in inc indeed interest into is it its itself keep last latter latterly least less ltd made
    many may me meanwhile might mill mine more moreover most mostly move much must my myself
    name namely neither never nevertheless next nine no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out
    over own part per perhaps please put rather re same see seem seemed seeming seems serious
    several she should show side since sincere six sixty so some somehow someone something
    sometime sometimes somewhere still such system take ten than that the their them themselves
    then thence there thereafter thereby therefore therein thereupon these they thick thin
    third this those though three through throughout thru thus to together too top toward
    towards twelve twenty two un under until up upon us very via was we well were what whatever
    when whence whenever where whereafter whereas whereby wherein whereupon wherever whether
    which while whither who whoever whole whom whose why will with within without would yet you
    your yours yourself yourselves
    """.split()
)
_WORD = re.compile(r"(?u)\b\w\w+\b")

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


def fit_vectorizer(texts: Iterable[str], documents: int) -> tuple[list[str], sp.csr_matrix]:
    """Word and bigram TF-IDF (sublinear tf, English stop words) fitted on the `documents`
    texts (read once): the feature names and one L2-normalised row per text."""
    names, counts = _term_counts(texts, 2 if documents >= MIN_DOCUMENTS_FOR_MIN_DF else 1)
    if not names:  # no word anywhere (empty titles and abstracts): nothing to rank by
        return ["(no words)"], sp.csr_matrix(np.zeros((documents, 1), dtype=np.float32))
    data, indices, indptr = counts.data, counts.indices, counts.indptr
    document_frequency = np.bincount(indices, minlength=len(names)).astype(np.float32) + 1
    idf = np.full_like(document_frequency, counts.shape[0] + 1) / document_frequency  # smoothed
    np.log(idf, out=idf)
    idf += 1
    ones = np.ones(len(names))
    # in place, a chunk of rows at a time: a temporary the size of the whole matrix (the
    # float64 squares alone) would weigh more than the matrix
    for bounds in _row_chunks(indptr):
        start, end = int(bounds[0]), int(bounds[-1])
        chunk, columns = data[start:end], indices[start:end]
        np.log(chunk, out=chunk)
        chunk += 1
        chunk *= idf[columns]
        # each row's sum of squares in float64, in row order, as scikit-learn's normalize adds them
        squares = sp.csr_matrix(((chunk * chunk).astype(np.float64), columns, bounds - start),
                                shape=(len(bounds) - 1, len(names)))
        norms = np.sqrt(squares @ ones)
        norms[norms == 0] = 1
        np.divide(chunk, np.repeat(norms, np.diff(bounds)), out=chunk, casting="unsafe")
    return names, counts


def _row_chunks(indptr: np.ndarray) -> Iterator[np.ndarray]:
    """`ROW_CHUNK` rows of a CSR matrix at a time: the part of its `indptr` that bounds them
    (a view, from the first row's start to the last row's end)."""
    for first in range(0, len(indptr) - 1, ROW_CHUNK):
        yield indptr[first:first + ROW_CHUNK + 1]


def _term_counts(texts: Iterable[str], min_df: int) -> tuple[list[str], sp.csr_matrix]:
    """Names (sorted) of the words and bigrams in at least `min_df` texts, and per text their
    counts (float32). Each row keeps its terms in order of first appearance in the texts: the
    float32 sums made over a row (its norm, its similarities) follow that order."""
    first_seen = defaultdict()  # term -> its number in order of first appearance
    first_seen.default_factory = first_seen.__len__
    indices, counts, indptr = array("i"), array("i"), array("i", [0])
    for text in texts:
        words = [word for word in _WORD.findall(text.lower()) if word not in STOP_WORDS]
        words.extend([" ".join(pair) for pair in zip(words, words[1:])])
        row = Counter(map(first_seen.__getitem__, words))
        indices.extend(row.keys())
        counts.extend(row.values())
        indptr.append(len(indices))
    matrix = sp.csr_matrix(
        (np.frombuffer(counts, dtype=np.int32), np.frombuffer(indices, dtype=np.int32),
         np.frombuffer(indptr, dtype=np.int32)), shape=(len(indptr) - 1, len(first_seen)))
    del counts, indices, indptr  # the matrix holds them; dropped with it
    matrix.sort_indices()
    kept = np.bincount(matrix.indices, minlength=len(first_seen)) >= min_df
    names = sorted(term for term, number in first_seen.items() if kept[number])
    column = np.full(len(first_seen), -1, dtype=np.int32)
    column[[first_seen[name] for name in names]] = np.arange(len(names), dtype=np.int32)
    del first_seen
    # renumbered, the dropped terms taken out, a chunk of rows at a time (in place: the values
    # kept move only towards the front)
    old_indptr, indices, values = matrix.indptr, matrix.indices, matrix.data
    data = np.empty(len(values), dtype=np.float32)
    indptr = np.zeros(len(old_indptr), dtype=np.int32)
    kept_so_far, row = 0, 0
    for bounds in _row_chunks(old_indptr):
        start, end = int(bounds[0]), int(bounds[-1])
        columns = column[indices[start:end]]
        keep = columns >= 0
        kept_before = np.concatenate([[0], np.cumsum(keep, dtype=np.int32)])  # per position
        moved = int(kept_before[-1])
        indices[kept_so_far:kept_so_far + moved] = columns[keep]
        data[kept_so_far:kept_so_far + moved] = values[start:end][keep]
        indptr[row + 1:row + len(bounds)] = kept_so_far + kept_before[bounds[1:] - start]
        kept_so_far += moved
        row += len(bounds) - 1
    del matrix, values
    data.resize(kept_so_far, refcheck=False)  # ours alone: shrunk where it is
    if kept_so_far < len(indices):  # a view of the counting's buffer: copied, so that goes
        indices = indices[:kept_so_far].copy()
    return names, sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(names)))


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
