"""The SQLite store: one file, WAL, one writer; the only module with SQL in it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NotFound, StoreError
from ..records import Analysis, Article, Story
from .codec import analysis_from_json, dumps, removed_from_json, story_from_json
from .migrations import migrate

_ARTICLE_COLUMNS = (
    "id, source, url, outlet, title, kicker, dek, byline, published, language, text, "
    "paragraphs, removed, duplicate_of"
)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A story as listed: the columns kept beside its JSON."""

    id: str
    title: str
    first_published: str | None
    last_published: str | None
    article_count: int
    outlets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article matching a full-text query."""

    article_id: str
    title: str
    outlet: str | None
    story_id: str | None
    snippet: str


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Which stories to list: publication-date range (ISO, inclusive), outlet, entity, words.

    ``entity`` matches a canonical name or an alias, ignoring case; ``text`` matches story
    titles and the full text of their articles (words are ANDed, no FTS syntax).
    """

    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    entity: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A built story's full id and version, and its stored page if that is current."""

    story_id: str
    version: int
    html: bytes | None
    etag: str | None


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """A short reference to another article (e.g. a near-duplicate copy)."""

    id: str
    title: str
    outlet: str | None
    published: str | None


class SQLiteStore:
    """Articles, analyses and stories in one SQLite file (``:memory:`` for a throwaway store)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            migrate(self.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: all or nothing (BEGIN IMMEDIATE takes the write lock up front)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot start a write on {self.path}: {exc}") from exc
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot commit to {self.path}: {exc}") from exc

    @contextmanager
    def writer_lock(self, wait: float) -> Iterator[None]:
        """Be the only ingest (or re-clustering) writing to this store while inside.

        Two such writers would each cluster against their own in-memory view of the
        stories, so they take turns: this waits up to ``wait`` seconds for the other to
        finish, then raises StoreError naming the store and the holder. SQLite: an
        ``flock`` on ``<db>.lock`` beside the file, released by the system however its
        holder ends (a killed ingest never leaves it locked).
        """
        if self.path in ("", ":memory:"):
            yield  # a private in-memory store has no other writer
            return
        import fcntl

        lock_path = self.path + ".lock"
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the write lock {lock_path}: {exc}") from exc
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                        raise StoreError(
                            f"store {self.path} is busy: another ingest "
                            f"({holder or 'unknown process'}) is writing to it and holds "
                            f"{lock_path}; gave up after {wait:g} s (setting ingest_lock_wait)"
                        ) from None
                    time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- articles -----------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        """Whether an article with this id is stored."""
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def add_article(self, article: Article, analysis: Analysis) -> int:
        """Store a new article and its analysis; return its sequence number."""
        cur = self.conn.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 14)})",
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
        )
        self.conn.execute(
            "INSERT INTO analyses (article_id, data) VALUES (?, ?)", (article.id, dumps(analysis))
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def article(self, article_id: str) -> Article:
        """The stored article with this id (or a unique id prefix)."""
        row = self._one("articles", article_id, f"SELECT {_ARTICLE_COLUMNS} FROM articles")
        return _article(row)

    def articles(self, ids: Sequence[str]) -> list[Article]:
        """Stored articles in the order of ``ids`` (missing ids are an error)."""
        return [self.article(i) for i in ids]

    def analysis(self, article_id: str) -> Analysis:
        """The stored analysis of an article."""
        row = self.conn.execute(
            "SELECT data FROM analyses WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFound("analysis", article_id)
        return analysis_from_json(row["data"])

    def list_articles(self, limit: int = 50, offset: int = 0) -> list[Article]:
        """Articles, newest ingested first."""
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq DESC LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [_article(r) for r in rows]

    def article_count(self) -> int:
        """How many articles are stored."""
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def story_of(self, article_id: str) -> str | None:
        """Id of the story an article belongs to."""
        row = self.conn.execute(
            "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else str(row["story_id"])

    # -- stories ------------------------------------------------------------------

    def save_story_state(
        self,
        story_id: str,
        title: str,
        state: dict[str, Any],
        last_seq: int,
        first_published: str | None,
        last_published: str | None,
    ) -> None:
        """Create or update a story's row and clustering state (its JSON comes from save_story)."""
        self.conn.execute(
            """INSERT INTO stories (id, title, first_published, last_published, article_count,
                   outlets, data, state, last_seq)
               VALUES (?, ?, ?, ?, 0, '[]', NULL, ?, ?)
               ON CONFLICT(id) DO UPDATE SET state = excluded.state, last_seq = excluded.last_seq,
                   stale = 1,
                   first_published = excluded.first_published,
                   last_published = excluded.last_published""",
            (story_id, title, first_published, last_published, json.dumps(state), last_seq),
        )

    def assign(self, article_id: str, story_id: str) -> None:
        """Put an article in a story (moving it if it was elsewhere)."""
        self.conn.execute(
            """INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)
               ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id""",
            (article_id, story_id),
        )

    def story_article_ids(self, story_id: str) -> list[str]:
        """Ids of a story's articles in ingestion order."""
        rows = self.conn.execute(
            """SELECT a.id FROM story_articles s JOIN articles a ON a.id = s.article_id
               WHERE s.story_id = ? ORDER BY a.seq""",
            (story_id,),
        ).fetchall()
        return [str(r["id"]) for r in rows]

    def save_story(self, story: Story) -> None:
        """Store a built story (summary, quotes, entities) beside its clustering state."""
        cur = self.conn.execute(
            """UPDATE stories SET title = ?, first_published = ?, last_published = ?,
                   article_count = ?, outlets = ?, data = ?, stale = 0 WHERE id = ?""",
            (
                story.title,
                story.first_published,
                story.last_published,
                len(story.article_ids),
                json.dumps(list(story.outlets), ensure_ascii=False),
                dumps(story),
                story.id,
            ),
        )
        if cur.rowcount != 1:
            raise StoreError(f"story {story.id} has no state row; cluster it before saving")

    def stale_story_ids(self) -> list[str]:
        """Stories whose articles changed since they were last built."""
        rows = self.conn.execute("SELECT id FROM stories WHERE stale = 1 ORDER BY last_seq")
        return [str(r["id"]) for r in rows]

    def lock_story(self, story_id: str) -> None:
        """Hold a story's row until the transaction ends (SQLite's write lock already does)."""

    def resolve_story_id(self, story_id: str) -> str:
        """Full id of a story given its id or a unique prefix."""
        return str(self._one("stories", story_id, "SELECT id FROM stories")["id"])

    def story(self, story_id: str) -> Story:
        """The stored story with this id (or a unique id prefix)."""
        row = self._one("stories", story_id, "SELECT id, data FROM stories")
        if row["data"] is None:
            raise NotFound("built story", row["id"])
        return story_from_json(row["data"])

    def stories(self, limit: int = 50, offset: int = 0) -> list[StoryRow]:
        """Stories, newest first (by last publication date, then last ingest)."""
        return self.find_stories(StoryFilter(), limit, offset)

    def story_states(self, limit: int) -> list[dict[str, Any]]:
        """Clustering state of the ``limit`` most recently active stories, newest first.

        Each: id, title, first_published, last_published, last_seq, state (JSON object).
        """
        rows = self.conn.execute(
            """SELECT id, title, first_published, last_published, last_seq, state
               FROM stories ORDER BY last_seq DESC LIMIT ?""",
            (limit,),
        ).fetchall()
        return [{**dict(r), "state": json.loads(r["state"])} for r in rows]

    def story_state(self, story_id: str) -> dict[str, Any] | None:
        """Clustering state of one story (same keys as story_states), or None if unknown."""
        row = self.conn.execute(
            """SELECT id, title, first_published, last_published, last_seq, state
               FROM stories WHERE id = ?""",
            (story_id,),
        ).fetchone()
        return None if row is None else {**dict(row), "state": json.loads(row["state"])}

    # -- term statistics for clustering ------------------------------------------

    def add_document_terms(self, terms: Iterable[str]) -> None:
        """Count one more document for each distinct term (document frequency)."""
        self.conn.executemany(
            "INSERT INTO term_df (term, df) VALUES (?, 1) "
            "ON CONFLICT(term) DO UPDATE SET df = df + 1",
            ((t,) for t in set(terms)),
        )

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequency of each term that has been seen."""
        wanted = list(set(terms))
        found: dict[str, int] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self.conn.execute(
                f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            found.update({r["term"]: int(r["df"]) for r in rows})
        return found

    # -- near-duplicates, manual placements, re-clustering -------------------------

    def save_signature(self, article_id: str, signature: bytes) -> None:
        """Keep an article's MinHash signature (for near-duplicate detection)."""
        self.conn.execute(
            "INSERT INTO article_minhash (article_id, signature) VALUES (?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET signature = excluded.signature",
            (article_id, signature),
        )

    def signatures(self) -> list[tuple[str, int, bytes, str | None]]:
        """(article id, seq, signature, duplicate_of) of every signed article, in ingest order."""
        rows = self.conn.execute(
            """SELECT a.id, a.seq, m.signature, a.duplicate_of FROM article_minhash m
               JOIN articles a ON a.id = m.article_id ORDER BY a.seq"""
        ).fetchall()
        return [(r[0], int(r[1]), bytes(r[2]), r[3]) for r in rows]

    def pin(self, article_ids: Iterable[str], story_id: str) -> None:
        """Record a manual placement: these articles belong to this story from now on."""
        self.conn.executemany(
            """INSERT INTO story_pins (article_id, story_id) VALUES (?, ?)
               ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id""",
            ((a, story_id) for a in article_ids),
        )

    def pins(self) -> dict[str, str]:
        """Manual placements: article id -> story id."""
        rows = self.conn.execute("SELECT article_id, story_id FROM story_pins").fetchall()
        return {str(r[0]): str(r[1]) for r in rows}

    def article_seqs(self) -> list[tuple[str, int]]:
        """(id, seq) of every article in ingest order."""
        rows = self.conn.execute("SELECT id, seq FROM articles ORDER BY seq").fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def delete_story(self, story_id: str) -> None:
        """Remove a story row that no longer has articles."""
        self.conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    def move_stories(self, source: str, target: str) -> None:
        """Move every article (and manual pin) of one story into another; drop the emptied row."""
        self.conn.execute(
            "UPDATE story_articles SET story_id = ? WHERE story_id = ?", (target, source)
        )
        self.conn.execute("UPDATE story_pins SET story_id = ? WHERE story_id = ?", (target, source))
        self.conn.execute("UPDATE stories SET stale = 1 WHERE id = ?", (target,))
        self.delete_story(source)

    def clear_clustering(self) -> None:
        """Forget every story, membership and term count (before re-clustering everything)."""
        self.conn.execute("DELETE FROM story_articles")
        self.conn.execute("DELETE FROM stories")
        self.conn.execute("DELETE FROM term_df")

    # -- search -------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over article titles and bodies (words are ANDed; no FTS syntax)."""
        words = _WORD.findall(query)
        if not words:
            return []
        match = " ".join('"' + w.replace('"', "") + '"' for w in words)
        rows = self.conn.execute(
            """SELECT a.id, a.title, a.outlet, s.story_id,
                      snippet(articles_fts, 1, '[', ']', '…', 12) AS snip
               FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
               LEFT JOIN story_articles s ON s.article_id = a.id
               WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?""",
            (match, limit),
        ).fetchall()
        return [SearchHit(r["id"], r["title"], r["outlet"], r["story_id"], r["snip"]) for r in rows]

    # -- filtered reads (web UI and API) -----------------------------------------

    def find_stories(self, where: StoryFilter, limit: int = 50, offset: int = 0) -> list[StoryRow]:
        """Built stories matching a filter, newest first (by last publication date, then ingest)."""
        clause, params = _story_where(where)
        rows = self.conn.execute(
            f"""SELECT id, title, first_published, last_published, article_count, outlets
                FROM stories s WHERE {clause}
                ORDER BY coalesce(last_published, '') DESC, last_seq DESC LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        ).fetchall()
        return [
            StoryRow(
                r["id"],
                r["title"],
                r["first_published"],
                r["last_published"],
                r["article_count"],
                tuple(json.loads(r["outlets"])),
            )
            for r in rows
        ]

    def story_version(self, story_id: str) -> tuple[str, int]:
        """Full id and version of a built story (the version goes up on every write of its JSON).

        Lets readers cache what they render from a story without reading its JSON.
        """
        select = "SELECT id, version, data IS NULL AS unbuilt FROM stories"
        row = self._one("stories", story_id, select)
        if row["unbuilt"]:
            raise NotFound("built story", row["id"])
        return str(row["id"]), int(row["version"])

    def save_story_page(
        self,
        story_id: str,
        version: int,
        renderer: str,
        html: bytes,
        etag: str,
        json: bytes | None = None,
    ) -> None:
        """Keep the page (and API JSON) rendered from this version of a story (replacing
        its older ones)."""
        self.conn.execute(
            """INSERT INTO story_pages (story_id, version, renderer, html, etag, json)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(story_id) DO UPDATE SET version = excluded.version,
                   renderer = excluded.renderer, html = excluded.html, etag = excluded.etag,
                   json = excluded.json""",
            (story_id, version, renderer, html, etag, json),
        )

    def stored_story_json(self, story_id: str, renderer: str) -> bytes | None:
        """The API JSON stored with the current version of a built story (full id), if
        ``renderer`` made it; None otherwise (the reader builds it then)."""
        row = self.conn.execute(
            """SELECT p.json FROM stories s
               JOIN story_pages p
                    ON p.story_id = s.id AND p.version = s.version AND p.renderer = ?
               WHERE s.id = ? AND s.data IS NOT NULL""",
            (renderer, story_id),
        ).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def unrendered_stories(self, renderer: str) -> list[tuple[str, int]]:
        """Built stories (id, version) whose current version has no page (or no API JSON)
        by ``renderer``."""
        rows = self.conn.execute(
            """SELECT s.id, s.version FROM stories s
               LEFT JOIN story_pages p
                    ON p.story_id = s.id AND p.version = s.version AND p.renderer = ?
               WHERE s.data IS NOT NULL AND (p.story_id IS NULL OR p.json IS NULL)
               ORDER BY s.id""",
            (renderer,),
        ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def story_page(self, story_id: str, renderer: str) -> StoredPage:
        """A built story's id and version, with the page ``renderer`` made from that version.

        ``html`` and ``etag`` are None when no such page is stored (built before pages were
        kept, rebuilt without one, or by another renderer): the reader renders it then.
        """
        query = """SELECT s.id, s.version, s.data IS NULL AS unbuilt, p.html, p.etag
                   FROM stories s
                   LEFT JOIN story_pages p
                        ON p.story_id = s.id AND p.version = s.version AND p.renderer = ?
                   WHERE s.id = ?"""
        row = self.conn.execute(query, (renderer, story_id)).fetchone()
        if row is None:  # an id prefix
            row = self.conn.execute(query, (renderer, self.resolve_story_id(story_id))).fetchone()
        if row is None or row[2]:
            raise NotFound("built story", story_id if row is None else row[0])
        html = None if row[3] is None else bytes(row[3])
        return StoredPage(str(row[0]), int(row[1]), html, row[4])

    def count_stories(self, where: StoryFilter) -> int:
        """How many built stories match a filter (for pagination)."""
        clause, params = _story_where(where)
        row = self.conn.execute(f"SELECT count(*) FROM stories s WHERE {clause}", params)
        return int(row.fetchone()[0])

    def key_entities(self, story_ids: Sequence[str], limit: int = 5) -> dict[str, list[str]]:
        """The first ``limit`` entity names of each story (stories keep them most-cited first)."""
        found: dict[str, list[str]] = {i: [] for i in story_ids}
        for i in range(0, len(story_ids), 500):
            chunk = list(story_ids[i : i + 500])
            rows = self.conn.execute(
                f"""SELECT s.id, json_extract(e.value, '$.name') AS name
                    FROM stories s, json_each(s.data, '$.entities') e
                    WHERE s.data IS NOT NULL AND s.id IN ({",".join("?" * len(chunk))})
                      AND e.key < ? ORDER BY s.id, e.key""",
                (*chunk, limit),
            ).fetchall()
            for r in rows:
                found[r["id"]].append(str(r["name"]))
        return found

    def outlet_counts(self) -> list[tuple[str, int]]:
        """Every named outlet with its number of stored articles, most articles first."""
        rows = self.conn.execute(
            """SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL
               GROUP BY outlet ORDER BY n DESC, outlet"""
        ).fetchall()
        return [(str(r["outlet"]), int(r["n"])) for r in rows]

    def find_articles(
        self, outlet: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Article]:
        """Articles, newest ingested first, optionally of one outlet."""
        if outlet is None:
            return self.list_articles(limit, offset)
        rows = self.conn.execute(
            f"""SELECT {_ARTICLE_COLUMNS} FROM articles WHERE outlet = ?
                ORDER BY seq DESC LIMIT ? OFFSET ?""",
            (outlet, limit, offset),
        ).fetchall()
        return [_article(r) for r in rows]

    def copies_of(self, article: Article) -> list[ArticleLink]:
        """Near-duplicate copies: the article this one duplicates, and those duplicating it."""
        rows = self.conn.execute(
            """SELECT id, title, outlet, published FROM articles
               WHERE (duplicate_of = ? OR id = ?) AND id != ? ORDER BY seq""",
            (article.id, article.duplicate_of or "", article.id),
        ).fetchall()
        return [ArticleLink(r["id"], r["title"], r["outlet"], r["published"]) for r in rows]

    # -- helpers ------------------------------------------------------------------

    def _one(self, table: str, ident: str, select: str) -> sqlite3.Row:
        """Fetch one row by full id or unique prefix (so users can type short ids)."""
        kind = {"stories": "story", "articles": "article"}.get(table, table)
        row = self.conn.execute(f"{select} WHERE id = ?", (ident,)).fetchone()
        if row is not None:
            return row  # type: ignore[no-any-return]
        if len(ident) >= 4 and re.fullmatch(r"[0-9a-f]+", ident):
            rows = self.conn.execute(f"{select} WHERE id LIKE ? LIMIT 2", (ident + "%",)).fetchall()
            if len(rows) == 1:
                return rows[0]  # type: ignore[no-any-return]
        raise NotFound(kind, ident)


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        source=row["source"],
        url=row["url"],
        outlet=row["outlet"],
        title=row["title"],
        kicker=row["kicker"],
        dek=row["dek"],
        byline=row["byline"],
        published=row["published"],
        language=row["language"],
        text=row["text"],
        paragraphs=tuple(json.loads(row["paragraphs"])),
        removed=removed_from_json(row["removed"]),
        duplicate_of=row["duplicate_of"],
    )


def _fts_match(query: str) -> str | None:
    """An FTS5 MATCH string that ANDs the query's words as literal phrases (no FTS syntax)."""
    words = _WORD.findall(query)
    return " ".join('"' + w + '"' for w in words) if words else None


def _story_where(where: StoryFilter) -> tuple[str, list[str]]:
    """SQL condition (on alias ``s``) and bound parameters for a story filter."""
    parts = ["s.article_count > 0", "s.data IS NOT NULL"]
    params: list[str] = []
    if where.since:
        parts.append("coalesce(s.last_published, s.first_published) >= ?")
        params.append(where.since)
    if where.until:
        # Compare at the filter's precision so "2019-02-28" includes "2019-02-28T10:00".
        parts.append("substr(coalesce(s.first_published, s.last_published), 1, length(?)) <= ?")
        params += [where.until, where.until]
    if where.outlet:
        parts.append("EXISTS (SELECT 1 FROM json_each(s.outlets) o WHERE o.value = ?)")
        params.append(where.outlet)
    if where.entity:
        parts.append(
            """EXISTS (SELECT 1 FROM json_each(s.data, '$.entities') e
                WHERE lower(json_extract(e.value, '$.name')) = lower(?)
                   OR EXISTS (SELECT 1 FROM json_each(e.value, '$.aliases') al
                              WHERE lower(al.value) = lower(?)))"""
        )
        params += [where.entity, where.entity]
    if where.text is not None:
        match = _fts_match(where.text)
        if match is None:
            parts.append("0")  # no words: nothing can match, as in search()
        else:
            parts.append(
                """s.id IN (SELECT sa.story_id FROM articles_fts
                    JOIN articles a ON a.seq = articles_fts.rowid
                    JOIN story_articles sa ON sa.article_id = a.id
                    WHERE articles_fts MATCH ?)"""
            )
            params.append(match)
    return " AND ".join(parts), params
