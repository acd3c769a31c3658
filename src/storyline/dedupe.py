"""Dedupe: find wire copies and republished articles (MinHash LSH over word 5-shingles).

A new article whose body shares at least ``duplicate_threshold`` (estimated
Jaccard similarity of word 5-shingles) with a stored article is a copy of it:
it gets ``Article.duplicate_of`` = the original's id (the original of a copy is
the first article seen, never another copy), joins the original's story and is
shown there as a copy rather than as another perspective. Signatures are kept
in the store so later runs still recognise copies. Deterministic: fixed seed,
ties go to the earliest stored article.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH

from .records import Article
from .store import SQLiteStore

NUM_PERM = 64
SHINGLE = 5
MIN_WORDS = 30  # shorter bodies are matched on title and body together
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(article: Article) -> set[bytes]:
    """Word 5-shingles of the body (of title + body when the body is very short)."""
    words = _WORD.findall(article.text.lower())
    if len(words) < MIN_WORDS:
        words = _WORD.findall(article.title.lower()) + words
    if len(words) < SHINGLE:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - 4)}


def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)


_TEMPLATE = _template()  # permutations are drawn once (fixed seed), then shared


def _minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM,
        hashfunc=zlib.crc32,
        permutations=_TEMPLATE.permutations,
        scheme=_TEMPLATE.scheme,
        hashvalues=hashvalues,
    )


def signature(article: Article) -> MinHash:
    """MinHash signature of an article's shingles (fixed seed and CRC32: stable across runs)."""
    minhash = _minhash()
    minhash.update_batch(sorted(shingles(article)))
    return minhash


@dataclass(slots=True)
class Deduper:
    """Near-duplicate index over the stored articles, loaded from the store on first use."""

    store: SQLiteStore
    threshold: float = 0.8
    _lsh: MinHashLSH | None = None
    _signatures: dict[str, MinHash] = field(default_factory=dict)
    _order: dict[str, int] = field(default_factory=dict)
    _root: dict[str, str] = field(default_factory=dict)

    def _index(self) -> MinHashLSH:
        if self._lsh is None:
            self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)
            for article_id, seq, raw, original in self.store.signatures():
                values = np.frombuffer(raw, dtype=np.uint64)
                self._insert(article_id, seq, _minhash(values))
                self._root[article_id] = original or article_id
        return self._lsh

    def _insert(self, article_id: str, seq: int, minhash: MinHash) -> None:
        assert self._lsh is not None
        self._lsh.insert(article_id, minhash)
        self._signatures[article_id] = minhash
        self._order[article_id] = seq

    def original_of(self, article: Article) -> tuple[str | None, MinHash]:
        """The stored article this one copies (None if not a copy) and its signature."""
        lsh = self._index()
        minhash = signature(article)
        best: tuple[float, int, str] | None = None
        for other in lsh.query(minhash):
            score = minhash.jaccard(self._signatures[other])
            if score >= self.threshold:
                key = (-score, self._order[other], other)
                if best is None or key < best:
                    best = key
        if best is None:
            return None, minhash
        return self._root.get(best[2], best[2]), minhash

    def add(self, article: Article, seq: int, minhash: MinHash) -> None:
        """Remember a stored article (its signature goes to the store too)."""
        self._index()
        self.store.save_signature(article.id, np.asarray(minhash.hashvalues, np.uint64).tobytes())
        self._insert(article.id, seq, minhash)
        self._root[article.id] = article.duplicate_of or article.id

    def reload(self) -> None:
        """Forget the in-memory index (after a rolled-back transaction)."""
        self._lsh = None
        self._signatures.clear()
        self._order.clear()
        self._root.clear()
