"""Merge a story's quotes: one quote, every article that carries it, each wording."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from ..records import Analysis, Article, Quote, QuoteVersion, StoryQuote
from .entities import canonical_key

_TOKENS = re.compile(r"\w+", re.UNICODE)
# Two wordings are one quote when one is (nearly) contained in the other: outlets trim quotes.
SAME_QUOTE = 88.0
MIN_TOKENS_FOR_PARTIAL = 4


def _norm(text: str) -> str:
    return " ".join(_TOKENS.findall(text.lower()))


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter = min(a, b, key=len)
    if len(shorter.split()) < MIN_TOKENS_FOR_PARTIAL:
        return False
    return fuzz.partial_ratio(a, b, score_cutoff=SAME_QUOTE) >= SAME_QUOTE


def merge_quotes(
    articles: Sequence[Article], analyses: Mapping[str, Analysis], alias_map: Mapping[str, str]
) -> tuple[StoryQuote, ...]:
    """Group the same quote across articles; speaker is the canonical name when known."""
    groups: list[tuple[str, list[Quote]]] = []  # (normalised longest wording, quotes)
    for article in articles:
        analysis = analyses.get(article.id)
        if analysis is None:
            continue
        for quote in analysis.quotes:
            norm = _norm(quote.text)
            if not norm:
                continue
            for i, (key, members) in enumerate(groups):
                if _same(norm, key):
                    members.append(quote)
                    if len(norm) > len(key):
                        groups[i] = (norm, members)
                    break
            else:
                groups.append((norm, [quote]))
    merged = []
    for _, members in groups:
        longest = max(members, key=lambda q: len(q.text))
        speakers = [_canonical_speaker(q, alias_map) for q in members]
        known = [s for s in speakers if s]
        merged.append(
            StoryQuote(
                text=longest.text,
                speaker=max(set(known), key=known.count) if known else None,
                direct=any(q.direct for q in members),
                versions=tuple(QuoteVersion(q.article_id, q.text, q.start, q.end) for q in members),
                partial=not any(q.direct for q in members) and any(q.partial for q in members),
            )
        )
    merged.sort(key=lambda q: (-len(q.article_ids), q.versions[0].article_id, q.versions[0].start))
    return tuple(merged)


def _canonical_speaker(quote: Quote, alias_map: Mapping[str, str]) -> str | None:
    name = quote.speaker_name
    if not name:
        return None
    return alias_map.get(canonical_key(name), name)
