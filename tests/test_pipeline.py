"""Pipeline entry points used by the CLI and API."""

from __future__ import annotations

from conftest import EXAMPLES
from storyline import pipeline
from storyline.settings import Settings
from storyline.store import SQLiteStore


def test_load_story_rebuilds_a_story_an_interrupted_run_left_stale() -> None:
    store = SQLiteStore(":memory:")
    settings = Settings()
    report = pipeline.ingest([str(EXAMPLES)], store, settings)
    [story_id] = report.stories
    built = store.story(story_id)
    # As after a crash between storing articles and rebuilding their story.
    store.conn.execute("UPDATE stories SET stale = 1")
    assert store.stale_story_ids() == [story_id]
    loaded = pipeline.load_story(store, story_id[:6], settings)
    assert loaded == built
    assert store.stale_story_ids() == []
    assert [r.id for r in store.stories()] == [story_id]
