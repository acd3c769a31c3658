"""A store for the web and browser tests: the two seeds plus an article full of XSS payloads.

The store is an SQLite file or, for the web and API tests run on both backends, a fresh
PostgreSQL schema (:func:`web_store`; skips without a server, see storebackends.py).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from conftest import EXAMPLES, FIXTURES
from storebackends import postgres_url
from storyline import pipeline
from storyline.app.api import create_app
from storyline.settings import Settings
from storyline.store import open_store

BACKENDS = ["sqlite", "postgresql"]
Db = TypeVar("Db", str, Path)

# Hand-written for these tests: markup in the outlet, headline, URL and body. Every payload
# sets a window.__xss* flag (or opens a dialog) if it ever runs.
XSS_FIXTURE = FIXTURES / "xss.harbor-payloads.jsonl"
QUARTZ = "ec4af75bb05d79b2"
VANITY_FAIR = "939df40f80c64eb9"


def build_store(db: Db, inputs: tuple[Path, ...] = (EXAMPLES, XSS_FIXTURE)) -> Db:
    """Ingest the seeds and the XSS fixture into ``db`` (a fresh store) and return it."""
    with open_store(str(db)) as store:
        report = pipeline.ingest([str(i) for i in inputs], store, Settings(db=str(db)))
    assert report.ok and report.stored and not report.duplicates, report
    return db


def web_store(
    kind: str, folder: Path, inputs: tuple[Path, ...] = (EXAMPLES, XSS_FIXTURE)
) -> Iterator[str]:
    """A fresh store of one backend holding ``inputs``: a file in ``folder``, or a schema."""
    if kind == "sqlite":
        yield build_store(str(folder / "web.db"), inputs)
        return
    for url in postgres_url():
        yield build_store(url, inputs)


def xss_article_id(db: str | Path) -> str:
    """Id of the article made from the XSS fixture."""
    with open_store(str(db)) as store:
        ids = [a.id for a in store.list_articles() if a.id not in (QUARTZ, VANITY_FAIR)]
    assert len(ids) == 1
    return ids[0]


def serve_in_thread(db: str | Path) -> Iterator[str]:
    """`storyline serve`'s app under uvicorn on a free loopback port in a thread; yields its URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(Settings(db=str(db))), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling test module when Debian chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian chromium not found at /usr/bin/chromium (install: apt-get install -y "
            "chromium; `make test` does it)",
            allow_module_level=True,
        )
    pytest.importorskip("playwright.sync_api")


def chromium() -> Iterator[Any]:
    """One headless Debian Chromium through Playwright (never a downloaded browser)."""
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
