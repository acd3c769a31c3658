"""Typed records that flow between the pipeline stages.

Every record is a frozen dataclass with slots. Ids are content hashes (see
:func:`content_id`), so the same input always yields the same id. Offsets are
Python ``str`` offsets (code points) into :attr:`Article.text`, end exclusive.

Flow::

    RawDocument --extract/clean--> Article --analyze--> Analysis
    [Article + Analysis]* --cluster--> story membership --story--> Story
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ContentType = Literal["text", "html"]


def content_id(*parts: str, length: int = 16) -> str:
    """Return a stable hex id for the given text parts (sha256, truncated)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input as read, before extraction.

    ``source`` names where it came from (a path, ``<stdin>``, ``file.jsonl:12``);
    ``metadata`` holds what the input itself or a sidecar said (outlet, url,
    published, title, id).
    """

    source: str
    content_type: ContentType
    content: bytes
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Removed:
    """A piece of input text the cleaner dropped, with the rule that dropped it."""

    text: str
    rule: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned news article.

    ``text`` is the body: ``paragraphs`` joined by a newline (one paragraph a line).
    ``removed`` keeps every dropped line with its rule so a user can audit the cleaner.
    ``published`` is an ISO date or datetime string, or None when unknown.
    ``outlet`` is None when nothing names it (never guessed).
    """

    id: str
    source: str
    title: str
    text: str
    paragraphs: tuple[str, ...]
    url: str | None = None
    outlet: str | None = None
    kicker: str | None = None
    dek: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None
    removed: tuple[Removed, ...] = ()
    duplicate_of: str | None = None

    @staticmethod
    def make_id(title: str, text: str) -> str:
        """Id of an article: a hash of its cleaned title and body."""
        return content_id(title.strip(), " ".join(text.split()))


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article's body."""

    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention in an article body (spaCy label: PERSON, ORG, GPE, ...)."""

    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote found in one article.

    ``speaker`` is the mention as written ("he", "White House press secretary
    Sarah Sanders"); ``speaker_name`` the person it resolves to inside the
    article ("Sarah Sanders"), or None when unknown; never guessed.
    ``speaker_start``/``speaker_end`` locate ``speaker`` in the body.
    """

    article_id: str
    text: str
    start: int
    end: int
    direct: bool = True
    speaker: str | None = None
    speaker_name: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Analysis:
    """Per-article analysis, independent of any story (so it can be cached or run in a pool)."""

    article_id: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Citation:
    """Points at the exact words of a source: article, sentence index and span in its body."""

    article_id: str
    sentence_index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A summary sentence and every article sentence supporting it (first: its origin)."""

    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class EntityMention:
    """Where an entity is named: article, span and surface form."""

    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place under one canonical name across a story."""

    name: str
    type: str
    mentions: tuple[EntityMention, ...]
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    # (outlet, mentions in that outlet's articles), most first; unknown outlets are left out.
    outlet_counts: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteVersion:
    """One article's wording of a merged quote."""

    article_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class StoryQuote:
    """A quote merged across the articles of a story that carry it."""

    text: str
    speaker: str | None
    direct: bool
    versions: tuple[QuoteVersion, ...]
    partial: bool = False

    @property
    def article_ids(self) -> tuple[str, ...]:
        """Ids of the articles that carry this quote, in order of first appearance."""
        return tuple(dict.fromkeys(v.article_id for v in self.versions))


@dataclass(frozen=True, slots=True)
class Claim:
    """One sentence of one article taken as a claim: where it is and which outlet made it."""

    article_id: str
    outlet: str
    sentence_index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Claims of different outlets that state the same thing; ``outlets`` in story order."""

    claims: tuple[Claim, ...]
    outlets: tuple[str, ...]
    scope: Literal["all", "several"]


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two aligned claims that disagree on a number, time, date, name or polarity."""

    kind: Literal["number", "time", "date", "name", "polarity"]
    left: Claim
    right: Claim
    left_value: str
    right_value: str


@dataclass(frozen=True, slots=True)
class OutletTone:
    """How one outlet told the story: tone of its own prose (quotes excluded), what it alone says.

    ``subjectivity`` is in [0, 1]; ``sentiment`` is the mean VADER compound in [-1, 1].
    """

    outlet: str
    article_ids: tuple[str, ...]
    subjectivity: float
    sentiment: float
    loaded_words: tuple[str, ...] = ()
    opinion_markers: Mapping[str, int] = field(default_factory=dict)
    quoted_people: tuple[str, ...] = ()
    unique_claims: tuple[Claim, ...] = ()


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated event of the story: ISO date (precision day, week, month or year) and its sources."""

    date: str
    precision: Literal["day", "week", "month", "year"]
    phrase: str
    claims: tuple[Claim, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """How the outlets of a story covered it: agreement, unique facts, contradictions, tone."""

    outlets: tuple[OutletTone, ...] = ()
    agreed: tuple[ClaimGroup, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    statements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """One real-world event as told by the articles about it."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    summary: tuple[SummarySentence, ...] = ()
    quotes: tuple[StoryQuote, ...] = ()
    entities: tuple[Entity, ...] = ()
    first_published: str | None = None
    last_published: str | None = None
    outlets: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    comparison: Comparison = field(default_factory=Comparison)
