"""Storyline: news articles from many outlets in, cited and comparable stories out."""

import logging

from .errors import ConfigError, InputError, NotFound, ServiceError, StoreError, StorylineError
from .records import (
    Analysis,
    Article,
    Citation,
    Entity,
    Mention,
    Quote,
    RawDocument,
    Sentence,
    Story,
    StoryQuote,
    SummarySentence,
)
from .settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "Citation",
    "ConfigError",
    "Entity",
    "InputError",
    "Mention",
    "NotFound",
    "Quote",
    "RawDocument",
    "Sentence",
    "ServiceError",
    "Settings",
    "StoreError",
    "Story",
    "StoryQuote",
    "StorylineError",
    "SummarySentence",
    "__version__",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
