"""The ranking engine: papers' features built once, scores recomputed from the labels so far.

No labelled include *and* exclude yet: a paper scores its cosine similarity to the centroid of
the prior texts and the papers labelled relevant. From then on a linear SVM learns from the
labels, the prior texts as extra relevant examples and every unlabelled paper as a weak
exclude (most papers in a queue are irrelevant; without them, a model trained on the first few
excludes, which are all close to the topic, would learn that the topic itself is irrelevant),
weighted less the closer it is to the prior and the includes (`_unlike_relevant`: the unlabelled
papers most like the relevant ones are the likeliest to be relevant themselves).
The two classes are balanced on the labelled and prior rows only (`_labelled_balance`): the
reviewer's own excludes keep their weight however many unlabelled papers there are.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from littrack.rank.features import fit_vectorizer, topic_rows

MODEL_VERSION = "tfidf-1-2gram+prior-centroid+linear-svm/2"

# decision -> (target, weight). "maybe" is a weak include: a reviewer who cannot exclude on the
# abstract sends the paper to full text, so papers like it deserve an early look, but many
# maybes end up excluded, so it teaches the model half as much as an include.
LABELS: dict[str, tuple[int, float]] = {"include": (1, 1.0), "maybe": (1, 0.5), "exclude": (0, 1.0)}
UNLABELLED_WEIGHT = 0.1  # an unlabelled paper is a weak exclude (at most this weight)
WHY_TERMS = 3
WHY_CANDIDATES = 12  # top-contributing features looked at to find WHY_TERMS distinct ones
LIKE_PRIOR_SIMILARITY = 0.25  # "like seed 4" in the why when the paper is at least this close
ROW_BATCH = 4096  # papers explained or scored together: the arithmetic in bulk, their rows' copies small


class UnknownLabel(ValueError):
    """A label that is not one of `LABELS`."""


@dataclass(frozen=True)
class PriorText:
    """A text that says what the review is about, and where it came from ("seed 4").

    `weight` is its share of the zero-decision prior (`prior_texts` gives the criteria, the
    query and all known papers together one share each, so a long library of known papers does
    not drown the criteria). Once decisions exist, every prior text is one relevant example.
    """

    source: str
    text: str
    weight: float = 1.0


@dataclass(frozen=True)
class Ranking:
    """Scores in [0, 1] for the ranker's papers (higher: more likely relevant), in `ids` order."""

    ranker: Ranker
    scores: np.ndarray
    weights: np.ndarray  # per feature: what raised a paper's score
    labelled: int  # how many labels the scores learned from

    def by_id(self) -> dict[Hashable, float]:
        return dict(zip(self.ranker.ids, self.scores.tolist()))

    def order(self) -> list[Hashable]:
        """Every id, best first; ties keep the input order."""
        return [self.ranker.ids[i] for i in np.argsort(-self.scores, kind="stable")]

    def why(self, paper_id: Hashable) -> str:
        """The terms that raised the paper's score most, and the prior text it is most like."""
        return self.whys([paper_id])[0]

    def whys(self, paper_ids: Sequence[Hashable]) -> list[str]:
        """`why` of each paper, in one pass over their features (much cheaper than one by one)."""
        return self.ranker.explain([self.ranker.position(p) for p in paper_ids], self.weights)


class Ranker:
    """Built once from the papers to rank and the prior texts; `rescore` after each decision."""

    def __init__(self, ids: Sequence[Hashable], texts: Iterable[str], prior: Sequence[PriorText] = ()):
        """`texts`: one per id, in `ids` order (an iterator will do: they are read once)."""
        self.ids = list(ids)
        self._positions = {paper_id: i for i, paper_id in enumerate(self.ids)}
        self.prior = list(prior)
        documents = len(self.ids) + len(self.prior)
        names, rows = fit_vectorizer(itertools.chain(texts, (p.text for p in self.prior)), documents)
        if rows.shape[0] != documents:
            raise ValueError("one text per id")
        self._names = np.array(names, dtype=object)
        self._papers = _row_range(rows, 0, len(self.ids))
        self._prior_rows = topic_rows(rows[len(self.ids):], names)

    def position(self, paper_id: Hashable) -> int:
        return self._positions[paper_id]

    def rescore(self, labels: Mapping[Hashable, str]) -> Ranking:
        """Scores after these decisions (id -> include / maybe / exclude); ids not ranked here
        are ignored."""
        positions, targets, weights = [], [], []
        for paper_id, label in labels.items():
            if label not in LABELS:
                raise UnknownLabel(f"unknown label {label!r} (expected one of {', '.join(LABELS)})")
            if paper_id in self._positions:
                positions.append(self._positions[paper_id])
                target, weight = LABELS[label]
                targets.append(target)
                weights.append(weight)
        return self.rescore_positions(np.array(positions, dtype=int), np.array(targets), np.array(weights))

    def rescore_positions(self, positions: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> Ranking:
        """`rescore` by row position (what a simulation loop uses)."""
        if 0 < targets.sum() < len(targets):
            weight_vector, raw = self._learned(positions, targets, weights)
            scores = 1.0 / (1.0 + np.exp(-raw))
        else:
            weight_vector = self._centroid(positions[targets == 1], weights[targets == 1])
            scores = _product(self._papers, weight_vector)
        scores = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)  # float32 rounding can pass 1
        return Ranking(self, scores, weight_vector, len(positions))

    def _centroid(self, positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
        rows = sp.vstack([self._prior_rows, self._papers[positions]])
        if rows.shape[0] == 0:
            return np.zeros(self._papers.shape[1], dtype=np.float32)
        row_weights = np.concatenate([[p.weight for p in self.prior], weights])
        return np.asarray(rows.T @ row_weights, dtype=np.float32).ravel() / row_weights.sum()

    def _learned(self, positions, targets, weights) -> tuple[np.ndarray, np.ndarray]:
        unlabelled = np.ones(len(self.ids), dtype=bool)
        unlabelled[positions] = False
        n_prior, n_unlabelled = self._prior_rows.shape[0], int(unlabelled.sum())
        rows = sp.vstack([self._prior_rows, self._papers[positions], self._papers[unlabelled]])
        y = np.concatenate([np.ones(n_prior), targets, np.zeros(n_unlabelled)])
        relevant = targets == 1
        sample_weight = np.concatenate([
            np.ones(n_prior), weights,
            UNLABELLED_WEIGHT * self._unlike_relevant(unlabelled, positions[relevant], weights[relevant]),
        ])
        from sklearn.svm import LinearSVC  # here: a scoring without decisions needs no scikit-learn

        model = LinearSVC(C=1.0, class_weight=_labelled_balance(y[: n_prior + len(positions)]))
        model.fit(rows, y, sample_weight=sample_weight)
        return model.coef_.ravel().astype(np.float32), model.decision_function(self._papers)

    def _unlike_relevant(self, unlabelled: np.ndarray, relevant: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Per unlabelled paper, 1 for the one least like the prior and the includes, down to 0
        for the most alike (by rank): the closer a paper is to what is known to be relevant, the
        less it is taken for an exclude."""
        closeness = np.asarray(self._papers[unlabelled] @ self._centroid(relevant, weights)).ravel()
        ranks = np.argsort(np.argsort(closeness, kind="stable"))
        return 1.0 - ranks / max(len(ranks) - 1, 1)

    def explain(self, positions: Sequence[int], weights: np.ndarray) -> list[str]:
        """Why each paper at `positions` scores what it does under the feature `weights`."""
        positions = np.asarray(positions, dtype=np.intp)
        return [why for start in range(0, len(positions), ROW_BATCH)
                for why in self._explain_rows(positions[start:start + ROW_BATCH], weights)]

    def _explain_rows(self, positions: np.ndarray, weights: np.ndarray) -> list[str]:
        rows = self._papers[positions]
        descending = -(rows.data * weights[rows.indices])  # per stored feature: minus its contribution
        if self.prior:
            # prior rows first, as a single paper's `prior @ row.T`: the same float32 sums
            similarity = (self._prior_rows @ rows.T).toarray()
            closest = similarity.argmax(axis=0)
            like = similarity[closest, np.arange(len(closest))] >= LIKE_PRIOR_SIMILARITY
        whys = []
        bounds = rows.indptr.tolist()
        for i, (start, end) in enumerate(zip(bounds, bounds[1:])):
            row = descending[start:end]
            best = np.argsort(row)[:WHY_CANDIDATES]  # per row: ties in the order they always had
            best = best[row[best] < 0]
            terms = _distinct_terms(self._names[rows.indices[start + best]].tolist())[:WHY_TERMS]
            parts = [", ".join(terms)] if terms else []
            if self.prior and like[i]:
                parts.append(f"like {self.prior[closest[i]].source}")
            whys.append("; ".join(parts))
        return whys


def _row_range(rows: sp.csr_matrix, start: int, stop: int) -> sp.csr_matrix:
    """Rows `start` to `stop`, sharing `rows`' values (slicing would copy them)."""
    first, last = rows.indptr[start], rows.indptr[stop]
    return sp.csr_matrix((rows.data[first:last], rows.indices[first:last],
                          rows.indptr[start:stop + 1] - first), shape=(stop - start, rows.shape[1]))


def _product(rows: sp.csr_matrix, vector: np.ndarray) -> np.ndarray:
    """`rows @ vector`, `ROW_BATCH` rows at a time: a float64 vector makes scipy copy the
    float32 rows it multiplies as float64 (per row the same sums, so the same scores)."""
    return np.concatenate([_row_range(rows, start, min(start + ROW_BATCH, rows.shape[0])) @ vector
                           for start in range(0, rows.shape[0], ROW_BATCH)] or [np.zeros(0)])


def _labelled_balance(labelled_targets: np.ndarray) -> dict[int, float]:
    """Class weights that balance the labelled (and prior) rows. Counting the unlabelled weak
    excludes as well ("balanced") would make the exclude class weigh almost nothing per row,
    so the reviewer's own excludes would hardly count."""
    n, relevant = len(labelled_targets), int(labelled_targets.sum())
    return {1: n / (2 * relevant), 0: n / (2 * (n - relevant))}


def _distinct_terms(terms: list[str]) -> list[str]:
    """Terms in order, a bigram standing in for the words of it already listed."""
    chosen: list[tuple[str, set[str]]] = []  # each term with its words
    for term in terms:
        words = set(term.split())
        if any(words <= other for _, other in chosen):
            continue
        covered = [i for i, (_, other) in enumerate(chosen) if other <= words]
        if covered:
            chosen[covered[0]] = (term, words)
            chosen = [pair for i, pair in enumerate(chosen) if i not in covered[1:]]
        else:
            chosen.append((term, words))
    return [term for term, _ in chosen]
