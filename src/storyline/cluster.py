"""Cluster: online, one-pass assignment of each new article to a story.

An article joins the most similar *active* story when the similarity reaches
``cluster_threshold``, else it starts a new story. Similarity is the cosine of
TF-IDF vectors (document frequencies kept in the store, so IDF grows with the
corpus) over title words (counted twice), body words and named entities
(weighted up: they tell one event from another of the same kind). Publication
time gates it: a story whose newest article is more than ``cluster_window_days``
away cannot take the article. The active set is bounded in size and age; older
stories stay stored and searchable. Same input order, same stories.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from .records import Analysis, Article, content_id
from .settings import Settings
from .store import SQLiteStore

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
_POSSESSIVE = re.compile(r"['’]s$")
TITLE_WEIGHT = 2.0
ENTITY_WEIGHT = 2.0
CENTROID_TERMS = 400


def article_terms(article: Article, analysis: Analysis) -> dict[str, float]:
    """Log-scaled term weights of an article: words of title and body plus entity keys."""
    counts: dict[str, float] = defaultdict(float)
    for word in _WORD.findall(article.title):
        if _keep(word):
            counts[word.lower()] += TITLE_WEIGHT
    for word in _WORD.findall(article.text):
        if _keep(word):
            counts[word.lower()] += 1.0
    for mention in analysis.mentions:
        if mention.label in _ENTITY_LABELS:
            key = _POSSESSIVE.sub("", mention.text.lower()).removeprefix("the ").strip()
            if key:
                counts["e:" + key] += ENTITY_WEIGHT
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


def _keep(word: str) -> bool:
    return len(word) > 2 and word.lower() not in STOP_WORDS


@dataclass(slots=True)
class StoryState:
    """What the clusterer remembers of an active story."""

    id: str
    centroid: dict[str, float]
    count: int
    title: str
    first_published: str | None
    last_published: str | None
    last_seq: int

    def to_json(self) -> dict[str, object]:
        """JSON form for the store."""
        return {"centroid": self.centroid, "count": self.count}


@dataclass(slots=True)
class OnlineClusterer:
    """Assigns articles to stories one at a time, reading and updating state in the store."""

    store: SQLiteStore
    settings: Settings
    active: dict[str, StoryState] = field(default_factory=dict)
    _loaded: bool = False

    def _load(self) -> None:
        if self._loaded:
            return
        for row in self.store.story_states(self.settings.cluster_max_active):
            self.active[row["id"]] = StoryState(
                row["id"],
                dict(row["state"]["centroid"]),
                int(row["state"]["count"]),
                row["title"],
                row["first_published"],
                row["last_published"],
                row["last_seq"],
            )
        self._loaded = True

    def reload(self) -> None:
        """Forget the in-memory active set; it is read again from the store on next use."""
        self.active.clear()
        self._loaded = False

    def assign(self, article: Article, analysis: Analysis, seq: int) -> str:
        """Put the (already stored) article into the best story or a new one; return its id."""
        self._load()
        terms = article_terms(article, analysis)
        self.store.add_document_terms(terms)
        idf = self._idf(terms.keys() | self._candidate_terms())
        vector = _normalise({t: w * idf.get(t, 1.0) for t, w in terms.items()})
        best_id, best_score = None, 0.0
        for state in self.active.values():
            if not _within_window(state, article.published, self.settings.cluster_window_days):
                continue
            centroid = _normalise({t: w * idf.get(t, 1.0) for t, w in state.centroid.items()})
            score = sum(v * centroid.get(t, 0.0) for t, v in vector.items())
            if score > best_score or (
                score == best_score
                and best_id is not None
                and state.last_seq > self.active[best_id].last_seq
            ):
                best_id, best_score = state.id, score
        if best_id is not None and best_score >= self.settings.cluster_threshold:
            state = self.active[best_id]
            _absorb(state, terms, article.published, seq)
        else:
            state = StoryState(
                content_id("story", article.id, length=12),
                dict(terms),
                1,
                article.title,
                article.published,
                article.published,
                seq,
            )
            _trim(state)
            self.active[state.id] = state
        self.store.save_story_state(
            state.id,
            state.title,
            state.to_json(),
            state.last_seq,
            state.first_published,
            state.last_published,
        )
        self.store.assign(article.id, state.id)
        self._evict(article.published)
        return state.id

    def _candidate_terms(self) -> set[str]:
        terms: set[str] = set()
        for state in self.active.values():
            terms.update(state.centroid)
        return terms

    def _idf(self, terms: set[str]) -> dict[str, float]:
        total = max(self.store.article_count(), 1)
        df = self.store.document_frequencies(terms)
        return {t: math.log((1 + total) / (1 + df.get(t, 0))) + 1.0 for t in terms}

    def _evict(self, published: str | None) -> None:
        """Drop stories that are too old or too many from the active set (they stay stored)."""
        if published is not None:
            horizon = _days(published) - self.settings.cluster_window_days
            for story_id in [
                s.id
                for s in self.active.values()
                if s.last_published and _days(s.last_published) < horizon
            ]:
                del self.active[story_id]
        excess = len(self.active) - self.settings.cluster_max_active
        if excess > 0:
            for state in sorted(self.active.values(), key=lambda s: s.last_seq)[:excess]:
                del self.active[state.id]


def _absorb(state: StoryState, terms: dict[str, float], published: str | None, seq: int) -> None:
    """Running mean of the story's article vectors, trimmed to its strongest terms."""
    n = state.count
    merged = {t: w * n for t, w in state.centroid.items()}
    for t, w in terms.items():
        merged[t] = merged.get(t, 0.0) + w
    state.count = n + 1
    state.centroid = {t: w / state.count for t, w in merged.items()}
    _trim(state)
    state.last_seq = seq
    if published:
        if state.first_published is None or published < state.first_published:
            state.first_published = published
        if state.last_published is None or published > state.last_published:
            state.last_published = published


def _trim(state: StoryState) -> None:
    if len(state.centroid) > CENTROID_TERMS:
        top = sorted(state.centroid.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS]
        state.centroid = dict(top)


def _normalise(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {t: v / norm for t, v in vector.items()}


def _days(iso: str) -> float:
    """Days since the epoch of an ISO date or datetime (naive times are taken as UTC)."""
    if len(iso) == 10:
        return dt.date.fromisoformat(iso).toordinal() - 719163.0
    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp() / 86400.0


def _within_window(state: StoryState, published: str | None, window: float) -> bool:
    if published is None or state.last_published is None or state.first_published is None:
        return True
    day = _days(published)
    return _days(state.first_published) - window <= day <= _days(state.last_published) + window
