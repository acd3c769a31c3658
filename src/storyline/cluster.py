"""Cluster: online, one-pass assignment of each new article to a story.

Each article is compared with the *active* stories that share its most telling
terms; for each candidate a small calibrated model (logistic regression over
pair features, coefficients in ``cluster_model.json``, trained by
``python -m storyline.eval.train_cluster``) gives the probability that the
article reports the same event. The article joins the most probable story when
that probability reaches the threshold calibrated with the model (or
``cluster_threshold`` when set), else it starts a new story. When the article
also matches a second story with at least the model's ``merge_threshold``, the
two stories are one event told twice and are folded together (never stories a
user shaped by hand).

Features tell one event from another of the same kind: TF-IDF cosine of the
bodies, cosine of the named entities, of the headline (or lead sentence),
overlap of the numbers and years mentioned, the publication-time gap and,
when ``embeddings`` is ``minilm``, the cosine of MiniLM sentence embeddings of the
headline and lead (``storyline.analyze.embed``). Each model names the features it
uses: ``cluster_model.json`` needs no embeddings, ``cluster_model_minilm.json``
does; pairs where either side has no embedding are scored by the first.
Stories keep sums of their articles' term vectors; IDF comes from document
frequencies kept in the store (mirrored in memory) and is applied when a story
is scored, its norm refreshed whenever the story changes. Stories idle longer
than ``cluster_window_days`` or beyond ``cluster_max_active`` leave the active
set (they stay stored). Same input order, same stories.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from spacy.lang.en.stop_words import STOP_WORDS

from .dedupe import Deduper
from .errors import ConfigError, InputError
from .records import Analysis, Article, content_id
from .settings import Settings
from .store import SQLiteStore

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w])")
# "1950-53", "the 2008-09 season": a span of years, not a year and a number
_YEAR_SPAN = re.compile(r"(?<![\w.,])((?:19|20)\d\d)[-–/](\d\d)(?![\w-])")
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
_POSSESSIVE = re.compile(r"['’]s$")
TITLE_WEIGHT = 2.0
CENTROID_TERMS = 400
QUERY_TERMS = 40  # the article's strongest terms used to find candidate stories
CANDIDATES = 12  # stories scored with the full model per article
DOCUMENTS = ""  # term_df row counting documents (no word is empty)
Embedding = npt.NDArray[np.float64]

FEATURES = (
    "body_cosine",
    "entity_cosine",
    "lead_cosine",
    "number_overlap",
    "year_conflict",
    "time_gap",
    "embedding_cosine",
)
EMBEDDING_MODEL = {"off": None, "minilm": "cluster_model_minilm.json"}
EMBED_CHARS = 2000  # MiniLM reads 128 word pieces: the headline and lead are plenty


@dataclass(frozen=True, slots=True)
class Profile:
    """What the clusterer extracts from one article (independent of any story)."""

    body: dict[str, float]  # log-scaled counts of title and body words
    entities: dict[str, float]  # log-scaled counts of entity keys
    lead: dict[str, float]  # words of the headline, or of the lead sentence when untitled
    numbers: frozenset[str]
    years: frozenset[str]
    published: str | None
    embedding: tuple[float, ...] | None = None  # unit vector of the headline and lead


def embedding_text(article: Article) -> str:
    """What the sentence embedding reads: the headline and the start of the body."""
    return (article.title + "\n" + article.text)[:EMBED_CHARS]


def profile(
    article: Article, analysis: Analysis, embedding: tuple[float, ...] | None = None
) -> Profile:
    """Features of an article: words, entities, headline/lead words, numbers, years."""
    body: dict[str, float] = defaultdict(float)
    for word in _WORD.findall(article.title):
        if _keep(word):
            body[word.lower()] += TITLE_WEIGHT
    for word in _WORD.findall(article.text):
        if _keep(word):
            body[word.lower()] += 1.0
    entities: dict[str, float] = defaultdict(float)
    for mention in analysis.mentions:
        if mention.label in _ENTITY_LABELS:
            key = _POSSESSIVE.sub("", mention.text.lower()).removeprefix("the ").strip()
            if key:
                entities["e:" + key] += 1.0
    lead_text = article.title or (analysis.sentences[0].text if analysis.sentences else "")
    lead = {w.lower(): 1.0 for w in _WORD.findall(lead_text) if _keep(w)}
    numbers, years = set(), set()
    text = _YEAR_SPAN.sub(_year_span, article.title + "\n" + article.text)
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        if len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2099:
            years.add(value)
        elif value not in {"0", "1", "2", "3"}:  # small counts say nothing about the event
            numbers.add(value)
    return Profile(
        _log(body),
        _log(entities),
        lead,
        frozenset(numbers),
        frozenset(years),
        article.published,
        embedding,
    )


def _year_span(match: re.Match[str]) -> str:
    """Both years of a span written "1950-53" or "1999-00" (the second in the next hundred)."""
    first = int(match.group(1))
    second = first - first % 100 + int(match.group(2))
    return f"{first} {second + 100 if second < first else second}"


def _log(counts: Mapping[str, float]) -> dict[str, float]:
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


def _keep(word: str) -> bool:
    return len(word) > 2 and word.lower() not in STOP_WORDS


@dataclass(slots=True)
class StoryState:
    """What the clusterer remembers of an active story (sums of its members' unit vectors)."""

    id: str
    body: dict[str, float]
    entities: dict[str, float]
    lead: dict[str, float]
    numbers: dict[str, int]
    years: dict[str, int]
    count: int
    title: str
    first_published: str | None
    last_published: str | None
    last_seq: int
    embedding: Embedding | None = None  # sum of the members' unit embeddings (None: none had one)

    def to_json(self) -> dict[str, object]:
        """JSON form for the store."""
        data: dict[str, object] = {
            "version": 2,
            "body": self.body,
            "entities": self.entities,
            "lead": self.lead,
            "numbers": self.numbers,
            "years": self.years,
            "count": self.count,
        }
        if self.embedding is not None:  # float32 bytes: a list of 384 floats is slow JSON
            data["embedding32"] = base64.b64encode(self.embedding.astype("<f4").tobytes()).decode()
        return data

    @staticmethod
    def from_row(row: Mapping[str, Any]) -> StoryState:
        """Rebuild from a stored row (rows written by older versions start empty)."""
        state = row["state"] if row["state"].get("version") == 2 else {}
        return StoryState(
            row["id"],
            dict(state.get("body", {})),
            dict(state.get("entities", {})),
            dict(state.get("lead", {})),
            dict(state.get("numbers", {})),
            dict(state.get("years", {})),
            int(state.get("count", row["state"].get("count", 1))),
            row["title"],
            row["first_published"],
            row["last_published"],
            row["last_seq"],
            _stored_embedding(state),
        )


def _stored_embedding(state: Mapping[str, Any]) -> Embedding | None:
    """A story's embedding sum from its stored state (float32 bytes, or a list before)."""
    if state.get("embedding32"):
        raw = base64.b64decode(state["embedding32"])
        return np.frombuffer(raw, dtype="<f4").astype(np.float64)
    if state.get("embedding"):
        return np.array(state["embedding"], dtype=np.float64)
    return None


@dataclass(frozen=True, slots=True)
class PairModel:
    """Logistic regression over named pair features: P(article reports the story's event)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5  # join the best story at this probability
    merge_threshold: float = 1.0  # fold in a second story the article matches this well
    features: tuple[str, ...] = FEATURES[:6]  # what each weight multiplies (names in FEATURES)

    def probability(self, features: Sequence[float | None]) -> float:
        """Probability of "same event" for one feature vector (in FEATURES order)."""
        z = self.bias
        for weight, name in zip(self.weights, self.features, strict=True):
            value = features[_INDEX[name]]
            if value is None:
                raise ValueError(f"feature {name} is missing")
            z += weight * value
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    @property
    def uses_embeddings(self) -> bool:
        """Whether the model reads the embedding cosine."""
        return "embedding_cosine" in self.features


_INDEX = {name: i for i, name in enumerate(FEATURES)}


@cache
def default_model(embeddings: str = "off") -> PairModel:
    """The shipped coefficients (see storyline/cluster_model*.json for how they were trained)."""
    if embeddings not in EMBEDDING_MODEL:
        raise ConfigError(
            "embeddings", f"expected one of {sorted(EMBEDDING_MODEL)}: {embeddings!r}"
        )
    name = EMBEDDING_MODEL[embeddings] or "cluster_model.json"
    return _model(json.loads(resources.files("storyline").joinpath(name).read_text()), name)


def load_model(path: Path) -> PairModel:
    """A pair model written by ``python -m storyline.eval.train_cluster --out PATH``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the pair model: {exc}") from exc
    return _model(data, str(path))


def _model(data: dict[str, Any], source: str) -> PairModel:
    names = tuple(data.get("features", ())) if isinstance(data, dict) else ()
    if not names or not set(names) <= set(FEATURES):
        raise InputError(source, f"pair model features must be among {list(FEATURES)}")
    if len(data.get("weights", ())) != len(names):
        raise InputError(source, "pair model needs one weight per feature")
    return PairModel(
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
        float(data["threshold"]),
        float(data["merge_threshold"]),
        names,
    )


@dataclass(slots=True)
class Vectors:
    """An article's IDF-weighted unit vectors, frozen at arrival."""

    body: dict[str, float]
    entities: dict[str, float]
    lead: dict[str, float]
    # the same times IDF again: the dot with a story's raw sums is then its IDF-weighted dot
    scaled: tuple[dict[str, float], dict[str, float], dict[str, float]]
    embedding: Embedding | None = None  # the profile's embedding as an array


@dataclass(slots=True)
class OnlineClusterer:
    """Assigns articles to stories one at a time, reading and updating state in the store."""

    store: SQLiteStore
    settings: Settings
    model: PairModel | None = None
    active: dict[str, StoryState] = field(default_factory=dict)
    _postings: dict[str, dict[str, float]] = field(default_factory=dict)
    _norms: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    _embedding_units: dict[str, Embedding] = field(default_factory=dict)  # story sums, unit
    _df: dict[str, int] = field(default_factory=dict)  # mirror of the store's counts
    _ldf: dict[str, float] = field(default_factory=dict)  # log(1 + df), kept beside it
    _total: int = 0
    _deduper: Deduper | None = None
    _horizon: float = -math.inf  # stories last published before this day were evicted
    _manual: set[str] = field(default_factory=set)  # stories shaped by hand: never auto-merged
    _loaded: bool = False
    _prepared: dict[str, tuple[float, ...]] = field(default_factory=dict)  # embeddings ahead

    @property
    def pair_model(self) -> PairModel:
        """The model that decides (given, or the shipped one for the ``embeddings`` setting)."""
        return self.model or default_model(self.settings.embeddings)

    def embedding(self, article: Article) -> tuple[float, ...] | None:
        """The article's sentence embedding when the model reads one (batched by prepare)."""
        if not self.pair_model.uses_embeddings:
            return None
        found = self._prepared.pop(article.id, None)
        if found is None:
            from .analyze.embed import embedder

            [found] = embedder().embed([embedding_text(article)])
        return found

    def prepare(
        self, articles: Sequence[Article], vectors: Sequence[tuple[float, ...]] | None = None
    ) -> None:
        """Embed a batch of articles ahead of assign, in one call to the embedder.

        ``vectors`` gives embeddings already computed (of :func:`embedding_text`), in order.
        """
        if not self.pair_model.uses_embeddings or not articles:
            return
        if vectors is None:
            from .analyze.embed import embedder

            vectors = embedder().embed([embedding_text(a) for a in articles])
        self._prepared.update(zip((a.id for a in articles), vectors, strict=True))

    @property
    def deduper(self) -> Deduper:
        """The near-duplicate index of the same store (created on first use)."""
        if self._deduper is None:
            self._deduper = Deduper(self.store, self.settings.duplicate_threshold)
        return self._deduper

    def _load(self) -> None:
        if self._loaded:
            return
        self._known([DOCUMENTS])
        self._total = self._df[DOCUMENTS]
        self._manual = set(self.store.pins().values())
        for row in reversed(self.store.story_states(self.settings.cluster_max_active)):
            self._activate(StoryState.from_row(row))
        self._loaded = True

    def reload(self) -> None:
        """Forget the in-memory active set; it is read again from the store on next use."""
        self.active.clear()
        self._postings.clear()
        self._norms.clear()
        self._embedding_units.clear()
        self._df.clear()
        self._ldf.clear()
        self._horizon = -math.inf
        self._prepared.clear()
        if self._deduper is not None:
            self._deduper.reload()
        self._loaded = False

    def vectors(self, prof: Profile) -> Vectors:
        """Count the article's terms in the store's document frequencies; return its vectors."""
        self._load()
        terms = prof.body.keys() | prof.entities.keys()
        # the empty term counts documents: the total restarts with the counts on recluster
        self._known(terms | {DOCUMENTS})
        self.store.add_document_terms(terms | {DOCUMENTS})
        for t in terms | {DOCUMENTS}:
            self._df[t] += 1
            self._ldf[t] = math.log(1 + self._df[t])
        self._total = self._df[DOCUMENTS]
        idf = {t: self.idf(t) for t in terms | prof.lead.keys()}
        parts = [
            _unit({t: w * idf[t] for t, w in part.items()})
            for part in (prof.body, prof.entities, prof.lead)
        ]
        scaled = [{t: w * idf[t] for t, w in part.items()} for part in parts]
        embedding = None if prof.embedding is None else np.array(prof.embedding, dtype=np.float64)
        return Vectors(parts[0], parts[1], parts[2], (scaled[0], scaled[1], scaled[2]), embedding)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency of a term now (terms never counted: df 0)."""
        return math.log(1 + self._total) - self._ldf.get(term, 0.0) + 1.0

    def _known(self, terms: Iterable[str]) -> None:
        """Bring the document frequencies of these terms into the in-memory mirror."""
        missing = [t for t in terms if t not in self._df]
        if missing:
            found = self.store.document_frequencies(missing)
            for t in missing:
                self._df[t] = found.get(t, 0)
                self._ldf[t] = math.log(1 + self._df[t])

    def assign(
        self, article: Article, analysis: Analysis, seq: int, pinned: str | None = None
    ) -> str:
        """Put the (already stored) article into the best story or a new one; return its id.

        ``pinned`` names a story the article must join (a manual merge/split decision).
        """
        self._load()
        prof = profile(article, analysis, self.embedding(article))
        vec = self.vectors(prof)
        target = pinned
        bridged: list[str] = []
        if target is None:
            model = self.pair_model
            threshold = self.settings.cluster_threshold or model.threshold
            scored = self.score(prof, vec)
            if scored and scored[0][1] >= threshold:
                target = scored[0][0]
                # an article that clearly belongs to two stories shows they are one event
                bridged = [
                    s for s, p in scored[1:] if p >= model.merge_threshold and s not in self._manual
                ]
                if target in self._manual:
                    bridged = []
        story_id = self.place(article, prof, vec, seq, target)
        for other in bridged:
            if other in self.active:
                self.merge(story_id, other)
        return story_id

    def merge(self, into: str, other: str) -> None:
        """Fold story ``other`` into ``into``: articles move, states add up, its row goes."""
        self._load()
        if into == other:
            return
        target = self.active.get(into) or self._restore(into)
        source = self.active.get(other) or self._restore(other)
        self._deactivate(into)
        self._deactivate(other)
        _combine(target, source)
        self._activate(target)
        self.save(target)
        self.store.move_stories(other, into)

    def score(self, prof: Profile, vec: Vectors) -> list[tuple[str, float]]:
        """Candidate stories and their merge probabilities, most probable first."""
        self._load()
        model = self.pair_model
        scored = []
        for story_id in self.candidates(prof, vec):
            values = self.features(prof, vec, self.active[story_id])
            if model.uses_embeddings and values[_INDEX["embedding_cosine"]] is None:
                # a side has no embedding (clustered before they were on): the plain model
                scored.append((story_id, default_model("off").probability(values)))
            else:
                scored.append((story_id, model.probability(values)))
        return sorted(scored, key=lambda kv: (-kv[1], kv[0]))

    def place(
        self, article: Article, prof: Profile, vec: Vectors, seq: int, story_id: str | None
    ) -> str:
        """Add the article to a story (a new one when ``story_id`` is None); return its id."""
        self._load()
        if story_id is not None:
            state = self.active.get(story_id) or self._restore(story_id)
            self._deactivate(story_id)
            state.title = state.title or article.title
        else:
            state = StoryState(
                content_id("story", article.id, length=12),
                {},
                {},
                {},
                {},
                {},
                0,
                article.title,
                article.published,
                article.published,
                seq,
            )
        _absorb(state, prof, article.published, seq)
        self._activate(state)
        self.save(state)
        self.store.assign(article.id, state.id)
        self._evict(article.published)
        return state.id

    def rebuild(self, story_id: str, members: Iterable[tuple[Article, Analysis, int]]) -> None:
        """Recompute a story's state from its member articles (after a manual split)."""
        self._load()
        self._deactivate(story_id)
        state = StoryState(story_id, {}, {}, {}, {}, {}, 0, "", None, None, 0)
        for article, analysis, seq in members:
            if not state.title:
                state.title = article.title
            prof = profile(article, analysis, self.embedding(article))
            _absorb(state, prof, article.published, seq)
        self._activate(state)
        self.save(state)

    def save(self, state: StoryState) -> None:
        """Write a story's clustering state to the store."""
        self.store.save_story_state(
            state.id,
            state.title,
            state.to_json(),
            state.last_seq,
            state.first_published,
            state.last_published,
        )

    def features(self, prof: Profile, vec: Vectors, state: StoryState) -> list[float | None]:
        """Pair features of an article and a story, in FEATURES order (None: no embedding)."""
        norms = self._norms[state.id]
        body = _dot(vec.scaled[0], state.body) / norms[0]
        ents = _dot(vec.scaled[1], state.entities) / norms[1]
        lead = _dot(vec.scaled[2], state.lead) / norms[2]
        numbers = (
            sum(1 for n in prof.numbers if n in state.numbers) / len(prof.numbers)
            if prof.numbers
            else 0.0
        )
        conflict = 1.0 if prof.years and state.years and prof.years.isdisjoint(state.years) else 0.0
        embedded = None
        unit = self._embedding_units.get(state.id)
        if vec.embedding is not None and unit is not None:
            embedded = float(unit @ vec.embedding)
        return [body, ents, lead, numbers, conflict, _gap(prof.published, state), embedded]

    def candidates(self, prof: Profile, vec: Vectors) -> list[str]:
        """Active stories in the time window sharing the article's strongest terms."""
        strongest = sorted(
            [*vec.body.items(), *vec.entities.items()], key=lambda kv: (-kv[1], kv[0])
        )[:QUERY_TERMS]
        scores: dict[str, float] = defaultdict(float)
        for term, _ in strongest:
            weight = vec.scaled[1 if term.startswith("e:") else 0][term]
            for story_id, value in self._postings.get(term, {}).items():
                norm = self._norms[story_id][1 if term.startswith("e:") else 0]
                scores[story_id] += weight * value / norm
        window = self.settings.cluster_window_days
        ranked = sorted(
            (
                kv
                for kv in scores.items()
                if _within_window(self.active[kv[0]], prof.published, window)
            ),
            key=lambda kv: (-kv[1], kv[0]),
        )
        return [story_id for story_id, _ in ranked[:CANDIDATES]]

    def _activate(self, state: StoryState) -> None:
        self.active[state.id] = state
        # IDF-weighted norms, fixed while the story is unchanged (IDF drifts slowly)
        self._known([*state.body, *state.entities, *state.lead])
        log_total, ldf = math.log(1 + self._total) + 1.0, self._ldf
        b, e, lead = (
            math.sqrt(sum((v * (log_total - ldf[t])) ** 2 for t, v in p.items())) or 1.0
            for p in (state.body, state.entities, state.lead)
        )
        self._norms[state.id] = (b, e, lead)
        if state.embedding is not None:
            self._embedding_units[state.id] = state.embedding / (
                float(np.linalg.norm(state.embedding)) or 1.0
            )
        for term, value in [*state.body.items(), *state.entities.items()]:
            self._postings.setdefault(term, {})[state.id] = value

    def _deactivate(self, story_id: str) -> None:
        state = self.active.pop(story_id, None)
        self._norms.pop(story_id, None)
        self._embedding_units.pop(story_id, None)
        if state is None:
            return
        for term in [*state.body, *state.entities]:
            posting = self._postings.get(term)
            if posting is not None:
                posting.pop(story_id, None)
                if not posting:
                    del self._postings[term]

    def _restore(self, story_id: str) -> StoryState:
        """State of a story outside the active set (a pinned target), from the store."""
        row = self.store.story_state(story_id)
        if row is None:
            return StoryState(story_id, {}, {}, {}, {}, {}, 0, "", None, None, 0)
        return StoryState.from_row(row)

    def _evict(self, published: str | None) -> None:
        """Drop stories that are too old or too many from the active set (they stay stored)."""
        horizon = _days(published) - self.settings.cluster_window_days if published else None
        # the horizon only moves forward: scan again only when it has moved
        if horizon is not None and horizon > self._horizon:
            self._horizon = horizon
            for story_id in [
                s.id
                for s in self.active.values()
                if s.last_published and _days(s.last_published) < horizon
            ]:
                self._deactivate(story_id)
        excess = len(self.active) - self.settings.cluster_max_active
        if excess > 0:
            for state in sorted(self.active.values(), key=lambda s: s.last_seq)[:excess]:
                self._deactivate(state.id)


def _absorb(state: StoryState, prof: Profile, published: str | None, seq: int) -> None:
    """Add an article's vectors to the story's sums, trimmed to its strongest terms."""
    for target, source in (
        (state.body, _unit(prof.body)),
        (state.entities, _unit(prof.entities)),
        (state.lead, _unit(prof.lead)),
    ):
        for t, w in source.items():
            target[t] = target.get(t, 0.0) + w
    state.body = _trim(state.body)
    state.entities = _trim(state.entities)
    state.lead = _trim(state.lead)
    for n in prof.numbers:
        state.numbers[n] = state.numbers.get(n, 0) + 1
    for y in prof.years:
        state.years[y] = state.years.get(y, 0) + 1
    state.numbers = _trim_counts(state.numbers)
    if prof.embedding is not None:
        vector = np.array(prof.embedding, dtype=np.float64)
        state.embedding = vector if state.embedding is None else state.embedding + vector
    state.count += 1
    state.last_seq = seq
    if published:
        if state.first_published is None or published < state.first_published:
            state.first_published = published
        if state.last_published is None or published > state.last_published:
            state.last_published = published


def _combine(state: StoryState, other: StoryState) -> None:
    """Add another story's sums and span to this one."""
    for target, source in (
        (state.body, other.body),
        (state.entities, other.entities),
        (state.lead, other.lead),
    ):
        for t, w in source.items():
            target[t] = target.get(t, 0.0) + w
    for counts, extra in ((state.numbers, other.numbers), (state.years, other.years)):
        for k, n in extra.items():
            counts[k] = counts.get(k, 0) + n
    state.body, state.entities, state.lead = (
        _trim(state.body),
        _trim(state.entities),
        _trim(state.lead),
    )
    state.numbers = _trim_counts(state.numbers)
    if other.embedding is not None:
        state.embedding = (
            other.embedding.copy() if state.embedding is None else state.embedding + other.embedding
        )
    state.count += other.count
    state.last_seq = max(state.last_seq, other.last_seq)
    firsts = [d for d in (state.first_published, other.first_published) if d]
    lasts = [d for d in (state.last_published, other.last_published) if d]
    state.first_published = min(firsts) if firsts else None
    state.last_published = max(lasts) if lasts else None


def _trim(vector: dict[str, float]) -> dict[str, float]:
    if len(vector) <= CENTROID_TERMS:
        return vector
    return dict(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS])


def _trim_counts(counts: dict[str, int]) -> dict[str, int]:
    if len(counts) <= CENTROID_TERMS:
        return counts
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS])


def _dot(small: dict[str, float], big: dict[str, float]) -> float:
    # the key intersection runs in C; fsum is exact, so set order cannot change the result
    return math.fsum(small[t] * big[t] for t in small.keys() & big.keys())


def _norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = _norm(vector) or 1.0
    return {t: v / norm for t, v in vector.items()}


def _gap(published: str | None, state: StoryState) -> float:
    """Days between the article and the story's span (0 inside it or when unknown)."""
    if published is None or state.first_published is None or state.last_published is None:
        return 0.0
    day = _days(published)
    first, last = _days(state.first_published), _days(state.last_published)
    return max(first - day, day - last, 0.0)


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
