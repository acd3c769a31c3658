"""The store: SQLite by default; the only place with SQL."""

from .sqlite import SearchHit, SQLiteStore, StoryRow

__all__ = ["SQLiteStore", "SearchHit", "StoryRow"]
