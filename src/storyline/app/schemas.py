"""The API's JSON shapes as models, for the OpenAPI spec only (``/openapi.json``).

Handlers answer with the plain dicts of :mod:`storyline.app.render` (no per-request
validation cost); these models describe exactly those dicts, extra keys forbidden, and
tests/test_api_schema.py runs schemathesis against the spec to prove that they do.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    """A documented JSON object: no keys beyond the declared ones."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Shape):
    """What went wrong: HTTP status, a stable code, a message, and details or null."""

    status: int
    code: str
    message: str
    details: Any


class ErrorBody(Shape):
    """The one error shape of every /api/ response that is not a success."""

    error: ErrorDetail


class StoryRowOut(Shape):
    """A story as listed."""

    id: str
    title: str
    first_published: str | None
    last_published: str | None
    article_count: int
    outlets: list[str]


class ArticleRefOut(Shape):
    """An article as referenced from a story or a list."""

    id: str
    title: str
    outlet: str | None
    published: str | None
    url: str | None
    source: str


class CitationOut(Shape):
    """Where a summary sentence comes from: an article's sentence and its code-point span."""

    article_id: str
    sentence_index: int
    start: int
    end: int


class SummarySentenceOut(Shape):
    """One summary sentence with its citations."""

    text: str
    citations: list[CitationOut]


class QuoteVersionOut(Shape):
    """One article's wording of a quote."""

    article_id: str
    text: str
    start: int
    end: int


class QuoteOut(Shape):
    """A quote merged across articles."""

    text: str
    speaker: str | None
    direct: bool
    partial: bool
    article_ids: list[str]
    versions: list[QuoteVersionOut]


class EntityOut(Shape):
    """A person, organisation or place of a story."""

    name: str
    type: str
    aliases: list[str]
    roles: list[str]
    mention_count: int
    articles: dict[str, int]
    outlets: dict[str, int]


class ClaimOut(Shape):
    """A sentence of one outlet's article, with its span."""

    outlet: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str


class ValuedClaimOut(ClaimOut):
    """One side of a contradiction: the claim and the value it states."""

    value: str


class OutletToneOut(Shape):
    """How one outlet covered the story."""

    name: str
    article_ids: list[str]
    subjectivity: float
    sentiment: float
    loaded_words: list[str]
    opinion_markers: dict[str, int]
    quoted_people: list[str]
    unique_claims: list[ClaimOut]


class AgreedOut(Shape):
    """Claims several outlets (or all) state."""

    outlets: list[str]
    scope: Literal["all", "several"]
    claims: list[ClaimOut]


class ContradictionOut(Shape):
    """Two claims that disagree on a number, time, date, name or polarity."""

    kind: Literal["number", "time", "date", "name", "polarity"]
    left: ValuedClaimOut
    right: ValuedClaimOut


class TimelineEventOut(Shape):
    """A dated event with the claims that mention it."""

    date: str
    precision: Literal["day", "week", "month", "year"]
    phrase: str
    outlets: list[str]
    claims: list[ClaimOut]


class ComparisonOut(Shape):
    """The outlet comparison of a story."""

    outlets: list[OutletToneOut]
    agreed: list[AgreedOut]
    contradictions: list[ContradictionOut]
    timeline: list[TimelineEventOut]
    statements: list[str]


class StoryOut(Shape):
    """A whole story: articles, cited summary, merged quotes, entities, comparison."""

    id: str
    title: str
    first_published: str | None
    last_published: str | None
    outlets: list[str]
    articles: list[ArticleRefOut]
    summary: list[SummarySentenceOut]
    quotes: list[QuoteOut]
    entities: list[EntityOut]
    comparison: ComparisonOut | None


class RemovedOut(Shape):
    """A line the cleaner removed and the rule that removed it."""

    text: str
    rule: str


class ArticleOut(ArticleRefOut):
    """A whole article: metadata, clean text, paragraphs and removed boilerplate."""

    story_id: str | None
    kicker: str | None
    dek: str | None
    byline: str | None
    language: str | None
    duplicate_of: str | None
    text: str
    paragraphs: list[str]
    removed: list[RemovedOut]


class OutletOut(Shape):
    """An outlet and how many stored articles it has."""

    name: str
    article_count: int


class SearchHitOut(Shape):
    """A search result."""

    article_id: str
    title: str
    outlet: str | None
    story_id: str | None
    snippet: str


class StoredOut(Shape):
    """An article an ingest stored."""

    id: str
    source: str
    title: str
    outlet: str | None


class DuplicateOut(Shape):
    """An input that was already stored, and the id it has."""

    source: str
    id: str


class FailureOut(Shape):
    """An input that failed, and why."""

    source: str
    reason: str


class IngestOut(Shape):
    """What an ingest did."""

    stored: list[StoredOut]
    duplicates: list[DuplicateOut]
    failures: list[FailureOut]
    stories: list[str]


# Longest accepted metadata field of an article posted to the API (characters). The text or
# HTML itself is bounded by ``api_max_request_bytes``; a longer field is refused with 422.
FIELD_LIMITS = {"id": 200, "url": 2048, "outlet": 200, "title": 1000, "published": 64}


class ArticleIn(BaseModel):
    """One article posted as JSON (also one JSONL line): text or html, metadata optional."""

    model_config = ConfigDict(extra="allow")

    id: str | None = Field(None, max_length=FIELD_LIMITS["id"])
    url: str | None = Field(None, max_length=FIELD_LIMITS["url"])
    outlet: str | None = Field(None, max_length=FIELD_LIMITS["outlet"])
    title: str | None = Field(None, max_length=FIELD_LIMITS["title"])
    published: str | None = Field(None, max_length=FIELD_LIMITS["published"])
    text: str | None = None
    html: str | None = None


def ingest_request_body() -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of POST /api/articles (the handler reads the raw body)."""
    one = ArticleIn.model_json_schema()
    text = {"schema": {"type": "string"}}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"anyOf": [one, {"type": "array", "items": one}]}},
            "application/x-ndjson": text,
            "text/html": text,
            "text/plain": text,
        },
    }
