"""Classic extractive summarizers used as baselines: lead, centroid, LexRank, TextRank.

Own implementations over pre-split sentences (no downloaded tokenizer data), so they see
exactly the sentences Storyline sees. Each returns sentences in selection order; the caller
cuts the joined text at the word budget, as for every system.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

_WORD = re.compile(r"[a-z0-9]+")
# Radev et al. / Erkan & Radev defaults: drop a sentence this similar to one already chosen.
REDUNDANCY = 0.5
LEXRANK_THRESHOLD = 0.1
DAMPING = 0.85


def _tokens(text: str) -> list[str]:
    """Lower-cased content words (stop words dropped)."""
    return [w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


def _tfidf(sentences: Sequence[str]) -> NDArray[np.float64] | None:
    """Row-normalised TF-IDF matrix of the sentences, None when no content word exists."""
    try:
        matrix = TfidfVectorizer(analyzer=_tokens).fit_transform(sentences)
    except ValueError:
        return None
    return np.asarray(matrix.todense(), dtype=np.float64)


def _greedy(
    order: Sequence[int], sentences: Sequence[str], vectors: NDArray[np.float64] | None, words: int
) -> list[str]:
    """Take sentences in rank order, skipping near-duplicates, until the word budget is full."""
    chosen: list[int] = []
    used = 0
    for i in order:
        if used >= words:
            break
        if vectors is not None and any(float(vectors[i] @ vectors[j]) > REDUNDANCY for j in chosen):
            continue
        chosen.append(i)
        used += len(sentences[i].split())
    return [sentences[i] for i in chosen]


def lead(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """First sentences of each document, round-robin, until the budget is full."""
    out: list[str] = []
    used = 0
    for k in range(max((len(d) for d in documents), default=0)):
        for doc in documents:
            if k < len(doc) and used < words:
                out.append(doc[k])
                used += len(doc[k].split())
    return out


def centroid(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """Sentences ranked by cosine to the TF-IDF centroid of the cluster (Radev et al. 2004)."""
    sentences = [s for d in documents for s in d]
    vectors = _tfidf(sentences)
    if vectors is None:
        return lead(documents, words)
    middle = vectors.mean(axis=0)
    norm = float(np.linalg.norm(middle)) or 1.0
    scores = vectors @ (middle / norm)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return _greedy(order, sentences, vectors, words)


def _pagerank(weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """Stationary scores of a weighted graph with damping (power iteration)."""
    n = weights.shape[0]
    rows = weights.sum(axis=1, keepdims=True)
    # A sentence with no neighbour links uniformly, so the chain stays stochastic.
    transition = np.where(rows > 0, weights / np.where(rows > 0, rows, 1.0), 1.0 / n)
    scores: NDArray[np.float64] = np.full(n, 1.0 / n)
    for _ in range(100):
        updated: NDArray[np.float64] = (1 - DAMPING) / n + DAMPING * (transition.T @ scores)
        if float(np.abs(updated - scores).sum()) < 1e-8:
            return updated
        scores = updated
    return scores


def lexrank(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """LexRank (Erkan & Radev 2004): PageRank over the thresholded TF-IDF cosine graph."""
    sentences = [s for d in documents for s in d]
    vectors = _tfidf(sentences)
    if vectors is None:
        return lead(documents, words)
    sim = vectors @ vectors.T
    graph = (sim > LEXRANK_THRESHOLD).astype(np.float64)
    np.fill_diagonal(graph, 0.0)
    scores = _pagerank(graph)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return _greedy(order, sentences, vectors, words)


def textrank(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """TextRank (Mihalcea & Tarau 2004): PageRank over normalised word-overlap similarity."""
    sentences = [s for d in documents for s in d]
    bags = [set(_tokens(s)) for s in sentences]
    n = len(sentences)
    graph = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if len(bags[i]) > 1 and len(bags[j]) > 1:
                overlap = len(bags[i] & bags[j])
                if overlap:
                    w = overlap / (math.log(len(bags[i])) + math.log(len(bags[j])))
                    graph[i, j] = graph[j, i] = w
    scores = _pagerank(graph) if n else np.zeros(0)
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    return _greedy(order, sentences, _tfidf(sentences) if n else None, words)


BASELINES = {"lexrank": lexrank, "textrank": textrank, "centroid": centroid, "lead": lead}
