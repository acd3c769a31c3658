"""The web pages of `storyline serve`: server-rendered Jinja templates, no JavaScript needed.

Pages read the same JSON shapes as the API (render.py) and add only what reading needs:
article numbers for citations, quotes grouped by speaker, an article's body split into
sentences with anchors (``/articles/{id}#s{index}``) so a citation lands on its sentence.
Autoescaping is on: every piece of article text is rendered as text, never as markup.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from ..errors import NotFound, StorylineError
from ..records import Article, Sentence
from ..settings import Settings
from ..store import SQLiteStore, StoredPage
from . import render
from .api import MAX_OFFSET, IsoDate, StoreSource, load_story, story_filter
from .pages import ENV, RENDERER, page_etag, render_story_page

PAGE_SIZE = 20


def page(template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template into an HTML response."""
    return HTMLResponse(ENV.get_template(template).render(**context), status_code=http_status)


def error_page(status: int, message: str) -> HTMLResponse:
    """An error as a page (the API answers the same errors in JSON)."""
    return page("error.html", status, title=f"Error {status}", status=status, message=message)


def _store(request: Request) -> SQLiteStore:
    stores: StoreSource = request.app.state.stores
    return stores.get()


def add_routes(app: FastAPI) -> None:
    """Register the pages on the app (and the stored story page shortcut before them)."""
    app.add_middleware(StoredPages, stores=app.state.stores)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(
        request: Request,
        q: str | None = None,
        outlet: str | None = None,
        entity: str | None = None,
        since: IsoDate = None,
        until: IsoDate = None,
        page_number: int = Query(1, alias="page", ge=1, le=MAX_OFFSET // PAGE_SIZE),
    ) -> HTMLResponse:
        store = _store(request)
        where = story_filter(since, until, outlet, entity, q)
        offset = (page_number - 1) * PAGE_SIZE
        rows = store.find_stories(where, PAGE_SIZE, offset)
        total = store.count_stories(where)
        keys = store.key_entities([r.id for r in rows])
        params = {"q": q, "outlet": outlet, "entity": entity, "since": since, "until": until}
        kept = {k: v for k, v in params.items() if v}
        return page(
            "stories.html",
            title="Stories",
            stories=[{**render.story_row_json(r), "entities": keys[r.id]} for r in rows],
            total=total,
            filters=kept,
            outlets=store.outlet_counts(),
            page=page_number,
            pages=max(1, math.ceil(total / PAGE_SIZE)),
            link=lambda **change: "/?" + urlencode({**kept, **change}),
        )

    settings: Settings = app.state.settings
    cache = PageCache(settings.web_cache_bytes)

    def render_story(request: Request, version: tuple[str, int]) -> bytes:
        html = render_story_page(load_story(_store(request), version[0]))
        cache.put(version, html)
        return html

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> Response:
        # StoredPages (below) sends current stored pages; this renders the others (a story
        # changed since its page was stored, or older templates made it) and HEAD requests.
        found = _store(request).story_page(story_id, RENDERER)
        if found.html is not None and found.etag is not None:
            html, etag = found.html, found.etag
        else:
            version = (found.story_id, found.version)
            cached = cache.get(version)
            html = render_story(request, version) if cached is None else cached
            etag = page_etag(html)
        return story_response(html, etag, request.headers.get("if-none-match"))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        store = _store(request)
        article = store.article(article_id)
        story_id = store.story_of(article.id)
        cited: set[int] = set()
        story_title = None
        if story_id is not None:
            try:
                story = store.story(story_id)
            except NotFound:  # clustered but not built yet: show the article without marks
                story = None
            if story is not None:
                story_title = story.title
                cited = {
                    c.sentence_index
                    for s in story.summary
                    for c in s.citations
                    if c.article_id == article.id
                }
        try:
            sentences: Sequence[Sentence] = store.analysis(article.id).sentences
        except NotFound:
            sentences = ()
        return page(
            "article.html",
            title=article.title,
            article=render.article_json(article, story_id),
            story_title=story_title,
            paragraphs=sentence_paragraphs(article, sentences, cited),
            cited_count=len(cited),
            copies=store.copies_of(article),
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "") -> HTMLResponse:
        hits = render.search_json(_store(request).search(q, 50)) if q.strip() else []
        return page("search.html", title=f"Search: {q}" if q else "Search", q=q, hits=hits)


class StoredPages:
    """ASGI middleware: answer ``GET /stories/{id}`` and ``GET /api/stories/{id}`` with
    the page / JSON stored when the story was built.

    That read is one indexed row, and the framework's routing, parameter checks and
    thread hop (and, for the JSON, building it from the story and its articles) cost
    several times more, so a story whose current bytes are stored is answered here;
    anything else (nothing current stored, an id prefix or unknown id, a store error,
    other methods) goes on to the app, whose route renders the answer or the error.
    """

    def __init__(self, app: Any, stores: StoreSource) -> None:
        self.app = app
        self.stores = stores

    def read(self, story_id: str) -> StoredPage | None:
        """The story's current stored page, if any (None for any error: the route says it)."""
        try:
            return self.stores.get().story_page(story_id, RENDERER)
        except StorylineError:
            return None

    def read_json(self, story_id: str) -> bytes | None:
        """The story's current stored API JSON, if any (None for any error, as above)."""
        try:
            return self.stores.get().stored_story_json(story_id, RENDERER)
        except StorylineError:
            return None

    async def _stored_json(self, scope: MutableMapping[str, Any]) -> Response | None:
        """The answer to ``GET /api/stories/{full id}`` from stored JSON, if there is one."""
        story_id = scope["path"][len("/api/stories/") :]
        if not story_id or "/" in story_id:
            return None
        if self.stores.local:
            body = self.read_json(story_id)
        else:
            body = await run_in_threadpool(self.read_json, story_id)
        return None if body is None else Response(body, media_type="application/json")

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and scope["method"] == "GET" and path.startswith("/api/"):
            stored = await self._stored_json(scope) if path.startswith("/api/stories/") else None
            if stored is not None:
                await stored(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        story_id = path[len("/stories/") :]
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and path.startswith("/stories/")
            and story_id
            and "/" not in story_id
        ):
            # One row from SQLite costs less than a thread hop; PostgreSQL waits on a socket.
            found = (
                self.read(story_id)
                if self.stores.local
                else await run_in_threadpool(self.read, story_id)
            )
            if found is not None and found.html is not None and found.etag is not None:
                tag = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
                given = None if tag is None else tag.decode("latin-1")
                await story_response(found.html, found.etag, given)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def story_response(html: bytes, etag: str, if_none_match: str | None) -> Response:
    """A story page with its ETag, or 304 when the client already has this page."""
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(html, headers=headers)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak or strong form) or ``*``."""
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


class PageCache:
    """Rendered story pages (UTF-8) by (story id, version), least recently used dropped first
    beyond ``max_bytes``: a page changes only when its story's stored JSON does, and
    rendering it costs far more than reading the version."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[str, tuple[tuple[str, int], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: tuple[str, int]) -> bytes | None:
        """The cached page for this exact version, if any."""
        with self._lock:
            found = self._pages.get(version[0])
            if found is None or found[0] != version:
                return None
            self._pages.move_to_end(version[0])
            return found[1]

    def put(self, version: tuple[str, int], page: bytes) -> None:
        """Keep a rendered page."""
        with self._lock:
            old = self._pages.pop(version[0], None)
            if old is not None:
                self.size -= len(old[1])
            self._pages[version[0]] = (version, page)
            self.size += len(page)
            while self.size > self.max_bytes and self._pages:
                self.size -= len(self._pages.popitem(last=False)[1][1])


def sentence_paragraphs(
    article: Article, sentences: Sequence[Sentence], cited: set[int]
) -> list[list[dict[str, Any]]]:
    """The body as paragraphs of pieces: each piece is a sentence (with anchor) or the gap text.

    Offsets are code points into ``article.text`` (paragraphs joined by a newline); a
    sentence crossing a paragraph break keeps its anchor on its first piece.
    """
    text = article.text
    bounds = []
    start = 0
    for line in text.split("\n"):
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    ordered = sorted(sentences, key=lambda s: s.start)
    result: list[list[dict[str, Any]]] = []
    anchored: set[int] = set()
    for p_start, p_end in bounds:
        pieces: list[dict[str, Any]] = []
        cursor = p_start
        for s in ordered:
            lo, hi = max(s.start, p_start), min(s.end, p_end)
            if hi <= lo or lo < cursor:
                continue
            if lo > cursor:
                pieces.append({"text": text[cursor:lo], "index": None, "cited": False})
            anchor = s.index not in anchored
            anchored.add(s.index)
            pieces.append(
                {
                    "text": text[lo:hi],
                    "index": s.index if anchor else None,
                    "cited": s.index in cited,
                }
            )
            cursor = hi
        if cursor < p_end:
            pieces.append({"text": text[cursor:p_end], "index": None, "cited": False})
        if any(piece["text"].strip() for piece in pieces):
            result.append(pieces)
    return result
