"""The SQLite store: one file, WAL, one writer; the only module with SQL in it."""

from __future__ import annotations

import json
import re
import sqlite3
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
        rows = self.conn.execute(
            """SELECT id, title, first_published, last_published, article_count, outlets
               FROM stories WHERE article_count > 0
               ORDER BY coalesce(last_published, '') DESC, last_seq DESC LIMIT ? OFFSET ?""",
            (limit, offset),
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
