"""The store fixture over both backends: SQLite in memory, and PostgreSQL when a server is given.

``make test`` runs pytest under tests/pgcluster.py, which starts a throwaway cluster and
sets STORYLINE_TEST_PG_URL; without it the PostgreSQL cases skip with that reason. Each
PostgreSQL case gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from storyline.store import SQLiteStore, open_store

PG_URL = os.environ.get("STORYLINE_TEST_PG_URL")
_schemas = itertools.count()


def postgres_url() -> Iterator[str]:
    """A URL whose search_path is a fresh schema (dropped when the generator closes)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run under tests/pgcluster.py (make test does)")
    import psycopg

    schema = f"t{os.getpid()}_{next(_schemas)}"
    admin = PG_URL.rstrip("/") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{admin}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def backend_store(kind: str) -> Iterator[SQLiteStore]:
    """An empty store of one backend ("sqlite" in memory, or "postgresql")."""
    if kind == "sqlite":
        with SQLiteStore(":memory:") as opened:
            yield opened
        return
    for url in postgres_url():
        with open_store(url) as opened:
            yield opened
