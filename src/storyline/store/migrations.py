"""Schema migrations for the SQLite store: one list, applied in order, tracked by user_version."""

from __future__ import annotations

import sqlite3

# Each entry moves the schema from version i to i + 1. Never edit a released entry; append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,            -- ingestion order; also the FTS rowid
        id TEXT NOT NULL UNIQUE,            -- content hash of title + body
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
        paragraphs TEXT NOT NULL,           -- JSON list of str
        removed TEXT NOT NULL,              -- JSON list of {text, rule}
        duplicate_of TEXT
    );
    CREATE TABLE analyses (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        data TEXT NOT NULL                  -- JSON Analysis
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        first_published TEXT,
        last_published TEXT,
        article_count INTEGER NOT NULL,
        outlets TEXT NOT NULL,              -- JSON list of str
        data TEXT,                          -- JSON Story (summary, quotes, entities)
        state TEXT NOT NULL,                -- JSON clustering state (centroid)
        last_seq INTEGER NOT NULL,          -- seq of the newest article
        stale INTEGER NOT NULL DEFAULT 1    -- 1 while its articles changed since data was built
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
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='seq', tokenize='porter unicode61'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END;
    """,
    # 2: manual story placements (merge/split) that survive ingests and recluster;
    # MinHash signatures of articles for near-duplicate (wire copy) detection.
    """
    CREATE TABLE story_pins (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        story_id TEXT NOT NULL
    );
    CREATE TABLE article_minhash (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        signature BLOB NOT NULL             -- uint64 MinHash values
    );
    """,
    # 3: a story's version goes up whenever its built JSON is written, so readers (the web
    # pages) can cache what they render from it and ask only for the version.
    """
    ALTER TABLE stories ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    CREATE TRIGGER stories_version AFTER UPDATE OF data ON stories BEGIN
        UPDATE stories SET version = version + 1 WHERE id = new.id;
    END;
    """,
    # 4: story pages rendered when the story is built, so a page read is one row fetch.
    # A page counts only for the story version and renderer it was made by; it goes with
    # its story row (recluster and merge delete rows, and a re-created row restarts at 0).
    """
    CREATE TABLE story_pages (
        story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,           -- stories.version it was rendered from
        renderer TEXT NOT NULL,             -- hash of the templates that rendered it
        html BLOB NOT NULL,                 -- UTF-8 page
        etag TEXT NOT NULL                  -- HTTP ETag of the page (a hash of html)
    );
    """,
    # The story's API JSON (GET /api/stories/{id}) kept beside its page, same version and
    # renderer; NULL for pages stored before this step (`storyline render-pages` fills it).
    """
    ALTER TABLE story_pages ADD COLUMN json BLOB;  -- UTF-8 JSON, exactly as the API sends it
    """,
)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; return the resulting schema version.

    Pending steps run in one write transaction that reads the version again under the
    write lock, so two processes opening a new store at once migrate it only once.
    The connection must be in autocommit mode (``isolation_level=None``).
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == len(MIGRATIONS):
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(
                f"store schema version {version} is newer than this Storyline ({len(MIGRATIONS)})"
            )
        for index in range(version, len(MIGRATIONS)):
            for statement in _statements(MIGRATIONS[index]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {index + 1}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """The SQL statements of a script (a trigger body's semicolons stay inside its statement)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending)
            pending = ""
    if pending.strip():
        raise sqlite3.DatabaseError(f"incomplete statement in a migration: {pending.strip()[:80]}")
    return statements
