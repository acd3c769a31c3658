"""Records to JSON and back, for the store (the shapes are the dataclass fields)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..records import (
    Analysis,
    Citation,
    Claim,
    ClaimGroup,
    Comparison,
    Contradiction,
    Entity,
    EntityMention,
    Mention,
    OutletTone,
    Quote,
    QuoteVersion,
    Removed,
    Sentence,
    Story,
    StoryQuote,
    SummarySentence,
    TimelineEvent,
)


def to_plain(value: Any) -> Any:
    """Turn records (and tuples/mappings of them) into JSON-ready lists and dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    """Compact JSON of a record, stable key order."""
    return json.dumps(to_plain(value), ensure_ascii=False, separators=(",", ":"))


def removed_from_json(data: str) -> tuple[Removed, ...]:
    """Decode an article's removed-lines list."""
    return tuple(Removed(**r) for r in json.loads(data))


def analysis_from_json(data: str) -> Analysis:
    """Decode a stored Analysis."""
    raw = json.loads(data)
    return Analysis(
        article_id=raw["article_id"],
        sentences=tuple(Sentence(**s) for s in raw["sentences"]),
        mentions=tuple(Mention(**m) for m in raw["mentions"]),
        quotes=tuple(Quote(**q) for q in raw["quotes"]),
    )


def story_from_json(data: str) -> Story:
    """Decode a stored Story."""
    raw = json.loads(data)
    return Story(
        id=raw["id"],
        title=raw["title"],
        article_ids=tuple(raw["article_ids"]),
        summary=tuple(
            SummarySentence(s["text"], tuple(Citation(**c) for c in s["citations"]))
            for s in raw["summary"]
        ),
        quotes=tuple(
            StoryQuote(
                text=q["text"],
                speaker=q["speaker"],
                direct=q["direct"],
                versions=tuple(QuoteVersion(**v) for v in q["versions"]),
                partial=q.get("partial", False),  # absent in stories stored before the flag
            )
            for q in raw["quotes"]
        ),
        entities=tuple(
            Entity(
                name=e["name"],
                type=e["type"],
                mentions=tuple(EntityMention(**m) for m in e["mentions"]),
                aliases=tuple(e["aliases"]),
                roles=tuple(e["roles"]),
                outlet_counts=tuple((o, n) for o, n in e.get("outlet_counts", ())),
            )
            for e in raw["entities"]
        ),
        first_published=raw["first_published"],
        last_published=raw["last_published"],
        outlets=tuple(raw["outlets"]),
        extra=raw.get("extra") or {},
        # Stories stored before the comparison existed decode with an empty one.
        comparison=comparison_from_plain(raw["comparison"])
        if raw.get("comparison")
        else Comparison(),
    )


def comparison_from_plain(raw: dict[str, Any]) -> Comparison:
    """Decode a story's outlet comparison from its plain (to_plain) form."""

    def claims(items: list[dict[str, Any]]) -> tuple[Claim, ...]:
        return tuple(Claim(**c) for c in items)

    return Comparison(
        outlets=tuple(
            OutletTone(
                **{
                    **t,
                    "article_ids": tuple(t["article_ids"]),
                    "loaded_words": tuple(t["loaded_words"]),
                    "quoted_people": tuple(t["quoted_people"]),
                    "unique_claims": claims(t["unique_claims"]),
                }
            )
            for t in raw["outlets"]
        ),
        agreed=tuple(
            ClaimGroup(claims(g["claims"]), tuple(g["outlets"]), g["scope"]) for g in raw["agreed"]
        ),
        contradictions=tuple(
            Contradiction(
                c["kind"],
                Claim(**c["left"]),
                Claim(**c["right"]),
                c["left_value"],
                c["right_value"],
            )
            for c in raw["contradictions"]
        ),
        timeline=tuple(
            TimelineEvent(
                e["date"], e["precision"], e["phrase"], claims(e["claims"]), tuple(e["outlets"])
            )
            for e in raw["timeline"]
        ),
        statements=tuple(raw["statements"]),
    )
