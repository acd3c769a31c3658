"""Build a story from its articles: title, time span, outlets, entities, merged quotes, summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..records import Analysis, Article, Story
from ..settings import Settings
from .compare import compare_for
from .entities import canonical_entities
from .quotes import merge_quotes
from .summarize import summarize


def build_story(
    story_id: str, articles: Sequence[Article], analyses: Mapping[str, Analysis], settings: Settings
) -> Story:
    """Everything a reader sees of one story, recomputed from its articles (in ingestion order)."""
    dated = sorted(a.published for a in articles if a.published)
    # The earliest article's headline names the story: it broke the news.
    first = min(articles, key=lambda a: (a.published is None, a.published or ""))
    entities, alias_map = canonical_entities(articles, analyses)
    comparison = compare_for(articles, analyses, alias_map, settings)
    return Story(
        id=story_id,
        title=first.title,
        article_ids=tuple(a.id for a in articles),
        summary=summarize(
            articles,
            analyses,
            words=settings.summary_words,
            citation_threshold=settings.citation_threshold,
            agreed=comparison.agreed,
        ),
        quotes=merge_quotes(articles, analyses, alias_map),
        entities=entities,
        first_published=dated[0] if dated else None,
        last_published=dated[-1] if dated else None,
        outlets=tuple(dict.fromkeys(a.outlet for a in articles if a.outlet)),
        comparison=comparison,
    )
