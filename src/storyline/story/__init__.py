"""Story: what a reader sees of one event (summary, quotes, entities) built from its articles."""

from .build import build_story
from .entities import canonical_entities
from .quotes import merge_quotes

__all__ = ["build_story", "canonical_entities", "merge_quotes"]
