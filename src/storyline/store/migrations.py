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
)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; return the resulting schema version."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise sqlite3.DatabaseError(
            f"store schema version {version} is newer than this Storyline ({len(MIGRATIONS)})"
        )
    for index in range(version, len(MIGRATIONS)):
        # executescript commits first; the version bump lives in the same script.
        conn.executescript(
            "BEGIN;\n" + MIGRATIONS[index] + f"\nPRAGMA user_version = {index + 1};\nCOMMIT;"
        )
    return len(MIGRATIONS)
