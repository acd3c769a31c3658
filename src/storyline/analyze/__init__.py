"""Analyze: per-article sentences, entity mentions and quotes (independent of any story)."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import Analysis, Article
from .nlp import load_nlp, sentences_and_mentions
from .quotes import extract_quotes

__all__ = ["analyze", "extract_quotes", "load_nlp", "sentences_and_mentions"]


def analyze(articles: Sequence[Article], model: str = "en_core_web_sm") -> list[Analysis]:
    """Analyse articles (spaCy batched over all of them, see .nlp); one Analysis each, in order."""
    results = []
    for article, (sentences, mentions) in zip(
        articles, sentences_and_mentions(articles, model), strict=True
    ):
        quotes = extract_quotes(article.id, article.text, mentions)
        results.append(Analysis(article.id, sentences, mentions, quotes))
    return results
