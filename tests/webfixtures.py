"""A store for the web and browser tests: the two seeds plus an article full of XSS payloads."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES, FIXTURES
from storyline import pipeline
from storyline.settings import Settings
from storyline.store import SQLiteStore

# Hand-written for these tests: markup in the outlet, headline, URL and body. Every payload
# sets a window.__xss* flag (or opens a dialog) if it ever runs.
XSS_FIXTURE = FIXTURES / "xss.harbor-payloads.jsonl"
QUARTZ = "0f9ed026fb0df62e"
VANITY_FAIR = "939df40f80c64eb9"


def build_store(db: Path) -> Path:
    """Ingest the seeds and the XSS fixture into ``db`` (a fresh file) and return it."""
    with SQLiteStore(db) as store:
        report = pipeline.ingest([str(EXAMPLES), str(XSS_FIXTURE)], store, Settings(db=str(db)))
    assert report.ok and len(report.stored) == 3, report
    return db


def xss_article_id(db: Path) -> str:
    """Id of the article made from the XSS fixture."""
    with SQLiteStore(db) as store:
        ids = [a.id for a in store.list_articles() if a.id not in (QUARTZ, VANITY_FAIR)]
    assert len(ids) == 1
    return ids[0]
