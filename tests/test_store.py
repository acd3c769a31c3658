"""The store on both backends (SQLite; PostgreSQL when a server is given): round trips,
transactions, search, id prefixes; SQLite migrations and WAL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from storebackends import backend_store
from storyline.errors import NotFound, StoreError
from storyline.records import Analysis, Article, Mention, Quote, Removed, Sentence, Story
from storyline.store import SQLiteStore
from storyline.store.migrations import MIGRATIONS


def _article(n: int, text: str = "Lava flows reached the coastal village overnight.") -> Article:
    body = f"{text} Report number {n}."
    return Article(
        id=Article.make_id(f"Title {n}", body),
        source=f"in/{n}.txt",
        title=f"Title {n}",
        text=body,
        paragraphs=(body,),
        outlet="Wire",
        published="2020-01-0" + str(n % 9 + 1),
        removed=(Removed("Photo: AP", "photo-credit"),),
    )


@pytest.fixture(name="store", params=["sqlite", "postgresql"])
def _store(request: pytest.FixtureRequest) -> Iterator[SQLiteStore]:
    """An empty store of each backend (PostgreSQL skips without a server)."""
    yield from backend_store(request.param)


def _analysis(article: Article) -> Analysis:
    return Analysis(
        article.id,
        (Sentence(article.id, 0, 0, len(article.text), article.text),),
        (Mention(0, 4, "Lava", "ORG"),),
        (Quote(article.id, "x", 0, 1, speaker="he", speaker_name="Jo Ann"),),
    )


def test_schema_is_migrated_and_wal_is_on(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with SQLiteStore(path) as store:  # re-opening migrates nothing and loses nothing
        assert store.article_count() == 0


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Storyline"):
        SQLiteStore(path)


def test_article_and_analysis_round_trip(store: SQLiteStore) -> None:
    article = _article(1)
    with store.transaction():
        store.add_article(article, _analysis(article))
    assert store.article(article.id) == article
    assert store.article(article.id[:8]) == article
    assert store.analysis(article.id) == _analysis(article)
    assert store.has_article(article.id)
    with pytest.raises(NotFound):
        store.article("ffffffffffff")


def test_failed_transaction_keeps_what_was_stored(store: SQLiteStore) -> None:
    first, second = _article(1), _article(2)
    with store.transaction():
        store.add_article(first, _analysis(first))
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(second, _analysis(second))
        raise RuntimeError("crash in the middle of a file")
    assert store.has_article(first.id)
    assert not store.has_article(second.id)
    assert store.search("Report") and len(store.search("Report")) == 1


def test_story_state_build_and_listing(store: SQLiteStore) -> None:
    article = _article(3)
    with store.transaction():
        seq = store.add_article(article, _analysis(article))
        store.save_story_state(
            "s1",
            article.title,
            {"centroid": {}, "count": 1},
            seq,
            article.published,
            article.published,
        )
        store.assign(article.id, "s1")
    assert store.stale_story_ids() == ["s1"]
    story = Story(
        "s1",
        article.title,
        (article.id,),
        outlets=("Wire",),
        first_published=article.published,
        last_published=article.published,
    )
    with store.transaction():
        store.save_story(story)
    assert store.stale_story_ids() == []
    assert store.story("s1") == story
    [row] = store.stories()
    assert (row.id, row.article_count, row.outlets) == ("s1", 1, ("Wire",))
    assert store.story_of(article.id) == "s1"


def test_search_ignores_query_syntax(store: SQLiteStore) -> None:
    article = _article(4)
    with store.transaction():
        store.add_article(article, _analysis(article))
    assert store.search('lava* "village)') != []
    assert store.search("flowing") != []  # porter stemming
    assert store.search("***") == []
    assert store.search("glacier") == []
