"""The PostgreSQL store (psycopg 3): the SQLite store's methods and semantics on a shared server.

It subclasses :class:`SQLiteStore` and keeps every portable query (plain SQL with
``?`` placeholders, which the connection adapter turns into psycopg's ``%s``);
what SQLite spells its own way is overridden here: the schema and its migrations
(tracked in ``storyline_schema``), ``RETURNING`` for sequence numbers, the
full-text search (a generated ``tsvector`` with a GIN index, ``plainto_tsquery``,
``ts_headline`` snippets instead of FTS5) and the JSON filters (``jsonb`` instead
of ``json_each``). ``PG_MIGRATIONS`` must keep step with the SQLite list.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import StoreError
from ..records import Analysis, Article
from .codec import dumps
from .sqlite import _ARTICLE_COLUMNS, SearchHit, SQLiteStore, StoryFilter, StoryRow

URL_SCHEMES = ("postgresql://", "postgres://")
_WORD = re.compile(r"\w+", re.UNICODE)
_WRITER_LOCK = 7419373  # advisory lock class of the one ingest writer
_SNIPPET = "StartSel=[, StopSel=], MaxWords=12, MinWords=4, ShortWord=2, FragmentDelimiter=…"

# Step i moves the schema from version i to i + 1, as MIGRATIONS does for SQLite.
PG_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        title TEXT NOT NULL,
        kicker TEXT,
        dek TEXT,
        byline TEXT,
        published TEXT,
        language TEXT,
        text TEXT NOT NULL,
        paragraphs TEXT NOT NULL,
        removed TEXT NOT NULL,
        duplicate_of TEXT,
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A') || to_tsvector('english', text)
        ) STORED
    );
    CREATE INDEX articles_tsv ON articles USING GIN (tsv);
    CREATE TABLE analyses (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        data TEXT NOT NULL
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        first_published TEXT,
        last_published TEXT,
        article_count INTEGER NOT NULL,
        outlets TEXT NOT NULL,
        data TEXT,
        state TEXT NOT NULL,
        last_seq BIGINT NOT NULL,
        stale INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        story_id TEXT NOT NULL REFERENCES stories(id)
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE term_df (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL
    );
    """,
    """
    CREATE TABLE story_pins (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        story_id TEXT NOT NULL
    );
    CREATE TABLE article_minhash (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        signature BYTEA NOT NULL
    );
    """,
    """
    ALTER TABLE stories ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    CREATE FUNCTION storyline_story_version() RETURNS trigger AS $$
    BEGIN
        NEW.version := OLD.version + 1;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER stories_version BEFORE UPDATE OF data ON stories
        FOR EACH ROW EXECUTE FUNCTION storyline_story_version();
    """,
    """
    CREATE TABLE story_pages (
        story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        renderer TEXT NOT NULL,
        html BYTEA NOT NULL,
        etag TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE story_pages ADD COLUMN json BYTEA;
    """,
)


def is_postgres_url(value: str) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) connection URL."""
    return value.startswith(URL_SCHEMES)


class _Row(tuple[Any, ...]):
    """A result row readable by position and by column name (like sqlite3.Row)."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self.names


def _row_factory(cursor: Any) -> Any:
    names = tuple(c.name for c in cursor.description or ())
    row_type = type("Row", (_Row,), {"names": names})
    return lambda values: row_type(values)


class _Connection:
    """Just enough of sqlite3.Connection over psycopg for the shared queries."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(_placeholders(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        with self.raw.cursor() as cur:
            cur.executemany(_placeholders(sql), [tuple(r) for r in rows])
            return cur

    def close(self) -> None:
        self.raw.close()


def _placeholders(sql: str) -> str:
    """sqlite3's ``?`` placeholders as psycopg's ``%s`` (literal ``%`` doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(SQLiteStore):
    """Articles, analyses and stories in a PostgreSQL database (same methods as SQLiteStore)."""

    def __init__(self, url: str) -> None:  # noqa: D107 - documented on the class
        import psycopg

        self.path = _redact(url)
        try:
            raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self.conn = _Connection(raw)  # type: ignore[assignment]
        try:
            migrate_postgres(raw)
        except psycopg.Error as exc:
            raw.close()
            raise StoreError(f"cannot migrate store {self.path}: {exc}") from exc
        except BaseException:
            raw.close()
            raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: all or nothing."""
        import psycopg

        raw = self.conn.raw  # type: ignore[attr-defined]
        try:
            with raw.transaction():
                yield
        except psycopg.Error as exc:
            raise StoreError(f"write to {self.path} failed: {exc}") from exc

    @contextmanager
    def writer_lock(self, wait: float) -> Iterator[None]:
        """Be the only ingest (or re-clustering) writing to this store while inside.

        A session advisory lock keyed by the schema: the server drops it when the
        holder's connection ends, so a killed ingest never leaves it held.
        """
        import psycopg

        key = f"{_WRITER_LOCK}, hashtext(current_schema())"
        deadline = time.monotonic() + wait
        while not self.conn.execute(f"SELECT pg_try_advisory_lock({key})").fetchone()[0]:
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"store {self.path} is busy: another ingest is writing to it and holds "
                    f"its advisory write lock; gave up after {wait:g} s (setting ingest_lock_wait)"
                )
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        try:
            yield
        finally:
            with contextlib.suppress(psycopg.Error):  # a lost connection took the lock along
                self.conn.execute(f"SELECT pg_advisory_unlock({key})")

    def add_article(self, article: Article, analysis: Analysis) -> int:
        """Store a new article and its analysis; return its sequence number."""
        row = self.conn.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 14)}) "
            "RETURNING seq",
            (
                article.id,
                article.source,
                article.url,
                article.outlet,
                article.title,
                article.kicker,
                article.dek,
                article.byline,
                article.published,
                article.language,
                article.text,
                json.dumps(list(article.paragraphs), ensure_ascii=False),
                dumps(article.removed),
                article.duplicate_of,
            ),
        ).fetchone()
        self.conn.execute(
            "INSERT INTO analyses (article_id, data) VALUES (?, ?)", (article.id, dumps(analysis))
        )
        return int(row[0])

    def add_document_terms(self, terms: Iterable[str]) -> None:
        """Count one more document for each distinct term (document frequency)."""
        self.conn.executemany(
            "INSERT INTO term_df (term, df) VALUES (?, 1) "
            "ON CONFLICT(term) DO UPDATE SET df = term_df.df + 1",
            ((t,) for t in sorted(set(terms))),  # sorted: concurrent writers lock in one order
        )

    def lock_story(self, story_id: str) -> None:
        """Hold a story's row until the transaction ends (a writer changing it waits)."""
        self.conn.execute("SELECT 1 FROM stories WHERE id = ? FOR UPDATE", (story_id,))

    def save_signature(self, article_id: str, signature: bytes) -> None:
        """Keep an article's MinHash signature (for near-duplicate detection)."""
        self.conn.execute(
            """INSERT INTO article_minhash (article_id, signature) VALUES (?, ?)
               ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature""",
            (article_id, signature),
        )

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over titles and bodies (PostgreSQL text search, words ANDed)."""
        words = " ".join(_WORD.findall(query))
        if not words:
            return []
        rows = self.conn.execute(
            f"""SELECT a.id, a.title, a.outlet, s.story_id,
                      ts_headline('english', a.text, q, '{_SNIPPET}') AS snip
               FROM articles a CROSS JOIN plainto_tsquery('english', ?) q
               LEFT JOIN story_articles s ON s.article_id = a.id
               WHERE a.tsv @@ q ORDER BY ts_rank(a.tsv, q) DESC, a.seq LIMIT ?""",
            (words, limit),
        ).fetchall()
        return [SearchHit(r["id"], r["title"], r["outlet"], r["story_id"], r["snip"]) for r in rows]

    def find_stories(self, where: StoryFilter, limit: int = 50, offset: int = 0) -> list[StoryRow]:
        """Built stories matching a filter, newest first (same order as :meth:`stories`)."""
        clause, params = _story_where(where)
        rows = self.conn.execute(
            f"""SELECT id, title, first_published, last_published, article_count, outlets
                FROM stories s WHERE {clause}
                ORDER BY coalesce(last_published, '') DESC, last_seq DESC LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        ).fetchall()
        return [
            StoryRow(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r["outlets"]))) for r in rows
        ]

    def count_stories(self, where: StoryFilter) -> int:
        """How many built stories match a filter (for pagination)."""
        clause, params = _story_where(where)
        row = self.conn.execute(f"SELECT count(*) FROM stories s WHERE {clause}", params)
        return int(row.fetchone()[0])

    def key_entities(self, story_ids: Sequence[str], limit: int = 5) -> dict[str, list[str]]:
        """The first ``limit`` entity names of each story (stories keep them most-cited first)."""
        found: dict[str, list[str]] = {i: [] for i in story_ids}
        if not story_ids:
            return found
        rows = self.conn.execute(
            """SELECT s.id, e.value->>'name' AS name
               FROM stories s, jsonb_array_elements(s.data::jsonb->'entities')
                    WITH ORDINALITY AS e(value, n)
               WHERE s.data IS NOT NULL AND s.id = ANY(?) AND e.n <= ?
               ORDER BY s.id, e.n""",
            (list(story_ids), limit),
        ).fetchall()
        for r in rows:
            found[r["id"]].append(str(r["name"]))
        return found


def _story_where(where: StoryFilter) -> tuple[str, list[str]]:
    """SQL condition (on alias ``s``) and bound parameters for a story filter (PostgreSQL)."""
    parts = ["s.article_count > 0", "s.data IS NOT NULL"]
    params: list[str] = []
    if where.since:
        parts.append("coalesce(s.last_published, s.first_published) >= ?")
        params.append(where.since)
    if where.until:
        parts.append("substr(coalesce(s.first_published, s.last_published), 1, length(?)) <= ?")
        params += [where.until, where.until]
    if where.outlet:
        parts.append("? IN (SELECT jsonb_array_elements_text(s.outlets::jsonb))")
        params.append(where.outlet)
    if where.entity:
        parts.append(
            """EXISTS (SELECT 1 FROM jsonb_array_elements(s.data::jsonb->'entities') e
                WHERE lower(e->>'name') = lower(?)
                   OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(e->'aliases') al
                              WHERE lower(al) = lower(?)))"""
        )
        params += [where.entity, where.entity]
    if where.text is not None:
        words = " ".join(_WORD.findall(where.text))
        if not words:
            parts.append("FALSE")  # no words: nothing can match, as in search()
        else:
            parts.append(
                """s.id IN (SELECT sa.story_id FROM articles a
                    JOIN story_articles sa ON sa.article_id = a.id
                    WHERE a.tsv @@ plainto_tsquery('english', ?))"""
            )
            params.append(words)
    return " AND ".join(parts), params


def migrate_postgres(conn: Any) -> int:
    """Apply pending migrations (one transaction each, serialised by an advisory lock)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7419372)")  # two first opens must not race
        conn.execute("CREATE TABLE IF NOT EXISTS storyline_schema (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM storyline_schema").fetchone()
        if row is None:
            conn.execute("INSERT INTO storyline_schema (version) VALUES (0)")
        version = 0 if row is None else int(row[0])
        if version > len(PG_MIGRATIONS):
            raise StoreError(
                f"store schema version {version} is newer than this Storyline "
                f"({len(PG_MIGRATIONS)})"
            )
        for index in range(version, len(PG_MIGRATIONS)):
            conn.execute(PG_MIGRATIONS[index])
            conn.execute("UPDATE storyline_schema SET version = %s", (index + 1,))
    return len(PG_MIGRATIONS)


def _redact(url: str) -> str:
    """The URL without its password (it goes into error messages), in either libpq form."""
    from ..settings import redact_url

    return redact_url(url)
