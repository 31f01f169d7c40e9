"""A fitted TfidfVectorizer's transform, computed row by row for a few short sentences.

Why: the kiosk's intent model reads each sentence through three fitted vectorizers
(characters, words, sounds). sklearn's `transform` is built for corpora: for one sentence it
spends 0.65 ms a vectorizer on checks, sparse-matrix building and a sparse product with the
IDF diagonal, which made featurising 13 % of the Rasa server's busy time in a profiled
pension turn (py-spy, docs/benchmarks.md). The same arithmetic for one row takes 0.09 ms.

The arithmetic is sklearn's, step by step, for the configuration the classifier uses (the
vectorizer's own analyser; raw counts; `log(count) + 1`; times the fitted IDF; divided by
the row's L2 norm; float64). A vectorizer configured otherwise keeps sklearn's transform.
tests/nlu/components/test_rasa_shortcuts.py compares both on every sentence of the NLU data
with the trained model's vectorizers (the same columns, values within 1e-12).
"""

from __future__ import annotations

from typing import Any, Iterable, List, Sequence, Tuple

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer


def supported(vectorizer: TfidfVectorizer) -> bool:
    """Whether TfidfRows computes exactly what this fitted vectorizer's transform does."""
    return (getattr(vectorizer, "vocabulary_", None) is not None and vectorizer.use_idf and vectorizer.sublinear_tf
            and vectorizer.norm == "l2" and not vectorizer.binary and vectorizer.dtype in (np.float64, float)
            and vectorizer.input == "content")


class TfidfRows:
    """One fitted vectorizer's rows: (column indices in order, values)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.analyse = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_
        self.width = len(self.vocabulary)

    def row(self, document: Any) -> Tuple[np.ndarray, np.ndarray]:
        counts: dict = {}
        for feature in self.analyse(document):
            column = self.vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
        values = np.log(np.fromiter((counts[c] for c in columns), dtype=np.float64, count=len(counts))) + 1.0
        values *= self.idf[columns]
        norm = np.sqrt(np.dot(values, values))
        if norm > 0:
            values /= norm
        return columns, values


def transform(rows: Sequence[TfidfRows], columns: Sequence[Iterable[Any]]) -> scipy.sparse.csr_matrix:
    """`hstack([vectorizer.transform(column) ...]).tocsr()` for the documents of each column."""
    offsets = np.cumsum([0] + [r.width for r in rows])
    indices: List[np.ndarray] = []
    data: List[np.ndarray] = []
    indptr, stored = [0], 0
    for documents in zip(*columns, strict=True):
        for offset, reader, document in zip(offsets[:-1], rows, documents, strict=True):
            found, values = reader.row(document)
            indices.append(found + offset)
            data.append(values)
            stored += len(found)
        indptr.append(stored)
    shape = (len(indptr) - 1, int(offsets[-1]))
    if not indices:
        return scipy.sparse.csr_matrix(shape, dtype=np.float64)
    return scipy.sparse.csr_matrix((np.concatenate(data), np.concatenate(indices).astype(np.int32), indptr),
                                   shape=shape)
