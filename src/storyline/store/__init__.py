"""The store: SQLite by default, PostgreSQL for a shared database; the only place with SQL."""

from pathlib import Path

from .sqlite import ArticleLink, SearchHit, SQLiteStore, StoredPage, StoryFilter, StoryRow

__all__ = [
    "ArticleLink",
    "SQLiteStore",
    "SearchHit",
    "StoredPage",
    "StoryFilter",
    "StoryRow",
    "open_store",
]


def open_store(url_or_path: str | Path) -> SQLiteStore:
    """Open the store a setting names: ``postgresql://...`` (PostgreSQL) or an SQLite path."""
    from .postgres import PostgresStore, is_postgres_url

    if isinstance(url_or_path, str) and is_postgres_url(url_or_path):
        return PostgresStore(url_or_path)
    return SQLiteStore(url_or_path)
