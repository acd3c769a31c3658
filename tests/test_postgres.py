"""PostgreSQL backend: migrations, the factory, and the same ingest result as SQLite.

Runs against the throwaway cluster ``make test`` starts (tests/pgcluster.py); skips without.
Inputs: the two seed articles and the small real-shaped fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, FIXTURES
from storebackends import backend_store, postgres_url
from storyline import pipeline
from storyline.app.cli import app
from storyline.errors import StoreError
from storyline.records import Analysis
from storyline.settings import Settings
from storyline.store import SQLiteStore, StoryFilter, open_store
from storyline.store.migrations import MIGRATIONS
from storyline.store.postgres import PG_MIGRATIONS, PostgresStore

INPUTS = [
    str(EXAMPLES),
    str(FIXTURES / "harborledger.trade-deal.txt"),
    str(FIXTURES / "wire.port-strike.txt"),
    str(FIXTURES / "harborledger.port-reopens.html"),
]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL on a fresh, empty schema of the test cluster."""
    yield from postgres_url()


def test_migrations_keep_step_with_sqlite() -> None:
    # A new SQLite migration needs its PostgreSQL twin (or this backend lags behind).
    assert len(PG_MIGRATIONS) == len(MIGRATIONS)


def test_open_store_picks_the_backend(pg_url: str, tmp_path: Path) -> None:
    with open_store(pg_url) as store:
        assert isinstance(store, PostgresStore)
        version = store.conn.execute("SELECT version FROM storyline_schema").fetchone()[0]
        assert version == len(PG_MIGRATIONS)
    with open_store(pg_url) as store:  # re-opening migrates nothing
        assert store.article_count() == 0
    with open_store(str(tmp_path / "s.db")) as store:
        assert type(store) is SQLiteStore


def test_newer_schema_is_refused(pg_url: str) -> None:
    with open_store(pg_url) as store:
        store.conn.execute("UPDATE storyline_schema SET version = 99")
    with pytest.raises(StoreError, match="newer than this Storyline"):
        open_store(pg_url)


def test_unreachable_server_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError, match="cannot open store") as caught:
        open_store("postgresql://user:secret@127.0.0.1:9/none?connect_timeout=2")
    assert "secret" not in str(caught.value)
    assert "user:***@" in str(caught.value)


def _result(store: SQLiteStore, report: pipeline.IngestReport) -> dict[str, Any]:
    rows = store.stories()
    ids = [r.id for r in rows]
    return {
        "stored": [a.id for a in report.stored],
        "rows": rows,
        "stories": [store.story(i) for i in ids],
        "articles": [store.articles(store.story_article_ids(i)) for i in ids],
        "search": [(h.article_id, h.story_id) for h in store.search("summit Kim")],
        "found": store.find_stories(StoryFilter(outlet="Quartz")),
        "count": store.count_stories(StoryFilter(entity="Kim Jong Un")),
        "entities": store.key_entities(ids, 3),
        "outlets": store.outlet_counts(),
        "prefix": store.resolve_story_id(ids[0][:6]),
    }


def test_ingest_gives_the_same_stories_as_sqlite(pg_url: str, tmp_path: Path) -> None:
    settings = Settings.load({"db": str(tmp_path / "s.db")})
    with SQLiteStore(settings.db) as lite:
        expected = _result(lite, pipeline.ingest(INPUTS, lite, settings))
    with open_store(pg_url) as store:
        got = _result(store, pipeline.ingest(INPUTS, store, settings))
        again = pipeline.ingest(INPUTS, store, settings)
    assert got == expected
    assert expected["count"] >= 1 and expected["found"]  # the filters really matched
    assert not again.stored and len(again.duplicates) == len(expected["stored"])


def test_cli_takes_a_postgresql_url(pg_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for db in (pg_url, str(tmp_path / "s.db")):
        result = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, "-q", "--workers", "1"])
        assert result.exit_code == 0, result.stderr
        listing = runner.invoke(app, ["stories", "--db", db, "-f", "json"])
        found = runner.invoke(app, ["search", "lunch", "--db", db, "-f", "json"])
        outputs.append((result.stdout, listing.stdout, found.stdout))
    assert "2 new, 0 already stored, 0 failed" in outputs[0][0]
    assert '"article_id"' in outputs[0][2]
    assert outputs[0][:2] == outputs[1][:2]  # the same report and story list as SQLite


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_story_version_goes_up_on_each_build(kind: str) -> None:
    from storyline.records import Article, Story

    for store in backend_store(kind):
        article = Article(Article.make_id("T", "Body."), "in/1.txt", "T", "Body.", ("Body.",))
        with store.transaction():
            seq = store.add_article(article, Analysis(article.id, (), (), ()))
            store.save_story_state("s1", "T", {"count": 1}, seq, None, None)
            store.assign(article.id, "s1")
        versions = []
        for _ in range(2):
            with store.transaction():
                store.save_story(Story("s1", "T", (article.id,)))
            versions.append(store.story_version("s1"))
        assert versions == [("s1", 1), ("s1", 2)]
