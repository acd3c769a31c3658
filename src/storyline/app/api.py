"""The HTTP app of `storyline serve`: a JSON API under /api/ beside the web pages (web.py).

Handlers are thin: they read through :class:`StoreSource` (one SQLite connection per
thread, never shared) and answer in the JSON shapes of :mod:`storyline.app.render`, so the
CLI and the API agree. Every error, from the error tree or from HTTP itself (404, 405, 413,
422, 401, 403), leaves as one JSON shape under /api/ (an HTML page elsewhere)::

    {"error": {"status": 404, "code": "not_found", "message": "no story with id 'x'",
               "details": null}}

Writes (POST /api/articles) need ``Authorization: Bearer <api_token>``; with no token
configured every write is refused. One write runs at a time in this process; SQLite's WAL
lets readers go on meanwhile.
"""

from __future__ import annotations

import hmac
import io
import json
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException

from .. import pipeline
from ..errors import (
    ConfigError,
    InputError,
    NotFound,
    ServiceError,
    StoreError,
    StorylineError,
)
from ..settings import Settings
from ..store import SQLiteStore, StoryFilter
from . import render

STATIC = Path(__file__).resolve().parent / "static"
MAX_PAGE = 500

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid_request",
    500: "internal_error",
    502: "service_failed",
    503: "store_unavailable",
}


class ApiError(Exception):
    """An HTTP error with its status, a stable code, a message and optional details."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.headers = headers or {}


def error_body(status: int, message: str, details: Any = None) -> dict[str, Any]:
    """The one JSON error shape."""
    code = _CODES.get(status, "error")
    return {"error": {"status": status, "code": code, "message": message, "details": details}}


def status_of(exc: StorylineError) -> int:
    """HTTP status for an error of the tree (the only place the mapping lives)."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, ServiceError):
        return 502
    if isinstance(exc, ConfigError):
        return 500
    return 500


class StoreSource:
    """Hands each thread its own read connection to one store file (sqlite3 objects are
    bound to the thread that made them; WAL lets them read while a writer works)."""

    def __init__(self, path: str) -> None:
        if path.startswith(("postgresql:", "postgres:")):
            raise ConfigError("db", "storyline serve reads SQLite stores only (a file path)")
        self.path = path
        self._local = threading.local()
        self.write_lock = threading.Lock()
        SQLiteStore(path).close()  # create and migrate once, and fail early on a bad path

    def get(self) -> SQLiteStore:
        """This thread's store connection."""
        store: SQLiteStore | None = getattr(self._local, "store", None)
        if store is None:
            store = SQLiteStore(self.path)
            self._local.store = store
        return store


class BodyLimit:
    """ASGI middleware: refuse bodies over ``limit`` bytes (413) by header or as they stream."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            message = f"request body over the limit of {self.limit} bytes"
            if not declared.isdigit():
                message = "invalid Content-Length header"
            response = JSONResponse(error_body(413, message), status_code=413)
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise ApiError(413, f"request body over the limit of {self.limit} bytes")
            return message

        await self.app(scope, counted, send)


# Pages load only their own stylesheet (no scripts, no inline styles); JSON and static files
# load nothing. Nothing may frame any response, so clickjacking has no target.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
STRICT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
_SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(path: str) -> dict[str, str]:
    """The security headers every response on ``path`` carries (pages get the page CSP)."""
    page = not (path.startswith(("/api/", "/static/")) or path in ("/api", "/openapi.json"))
    return {"Content-Security-Policy": PAGE_CSP if page else STRICT_CSP, **_SECURITY}


class SecurityHeaders:
    """ASGI middleware: add :func:`security_headers` to every response, errors included."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""))

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings) -> FastAPI:
    """The whole HTTP app (API, pages, static files) over the store named in ``settings``."""
    from . import web  # the pages import this module's error helpers

    app = FastAPI(
        title="Storyline",
        summary="News articles from many outlets in, cited and comparable stories out.",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; this runs offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.stores = StoreSource(settings.db)
    _install_errors(app)
    _add_api_routes(app)
    web.add_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.api_max_request_bytes)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so it also marks 413s
    return app


def _store(request: Request) -> SQLiteStore:
    stores: StoreSource = request.app.state.stores
    return stores.get()


def wants_json(request: Request) -> bool:
    """Whether an error on this path is answered in JSON (the API) or HTML (the pages)."""
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def _install_errors(app: FastAPI) -> None:
    def respond(
        request: Request,
        status: int,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if wants_json(request):
            body = error_body(status, message, details)
            return JSONResponse(body, status_code=status, headers=headers)
        from .web import error_page

        return error_page(status, message)

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return respond(request, exc.status, exc.message, exc.details, exc.headers)

    async def on_storyline(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StorylineError)
        details = None
        if isinstance(exc, NotFound):
            details = {"kind": exc.kind, "id": exc.ident}
        elif isinstance(exc, (InputError, ServiceError)):
            details = {"source": exc.source, "reason": exc.reason}
        return respond(request, status_of(exc), str(exc), details)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        headers = dict(exc.headers) if exc.headers else None
        return respond(request, exc.status_code, message, None, headers)

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            {
                "where": ".".join(str(p) for p in e.get("loc", ())),
                "problem": str(e.get("msg", "")),
            }
            for e in exc.errors()
        ]
        text = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
        return respond(request, 422, f"invalid request: {text}", problems)

    async def on_crash(request: Request, exc: Exception) -> Response:
        # Starlette answers crashes outside all middleware, so the headers are added here.
        response = respond(request, 500, f"internal error: {type(exc).__name__}")
        response.headers.update(security_headers(request.url.path))
        return response

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StorylineError, on_storyline)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(Exception, on_crash)


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="How many items.")]
Offset = Annotated[int, Query(ge=0, description="Skip this many items.")]
IsoDate = Annotated[
    str | None,
    Query(
        pattern=r"^(\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?)?$",
        description="ISO date or datetime (empty: no limit).",
    ),
]


def story_filter(
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    entity: str | None = None,
    q: str | None = None,
) -> StoryFilter:
    """A story filter from request parameters (empty strings mean 'no filter')."""
    return StoryFilter(
        since=since or None,
        until=until or None,
        outlet=outlet or None,
        entity=entity or None,
        text=q if q and q.strip() else None,
    )


def load_story(store: SQLiteStore, story_id: str) -> dict[str, Any]:
    """A stored story in the documented JSON shape (as built: reads never rebuild)."""
    story = store.story(story_id)
    articles = {a.id: a for a in store.articles(story.article_ids)}
    return render.story_json(story, articles)


def _add_api_routes(app: FastAPI) -> None:
    @app.get("/api/stories", tags=["stories"])
    def list_stories(
        request: Request,
        response: Response,
        since: IsoDate = None,
        until: IsoDate = None,
        outlet: str | None = None,
        entity: str | None = None,
        q: str | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> list[dict[str, Any]]:
        """Stories, newest first; the total before paging is in the X-Total-Count header."""
        store = _store(request)
        where = story_filter(since, until, outlet, entity, q)
        rows = store.find_stories(where, limit, offset)
        response.headers["X-Total-Count"] = str(store.count_stories(where))
        return [render.story_row_json(r) for r in rows]

    @app.get("/api/stories/{story_id}", tags=["stories"])
    def get_story(request: Request, story_id: str) -> dict[str, Any]:
        """One story: cited summary, articles, quotes, entities (and comparison when built)."""
        return load_story(_store(request), story_id)

    @app.get("/api/stories/{story_id}/quotes", tags=["stories"])
    def get_quotes(request: Request, story_id: str) -> list[dict[str, Any]]:
        """Who said what in one story: merged quotes with each article's wording."""
        quotes: list[dict[str, Any]] = load_story(_store(request), story_id)["quotes"]
        return quotes

    @app.get("/api/stories/{story_id}/entities", tags=["stories"])
    def get_entities(request: Request, story_id: str) -> list[dict[str, Any]]:
        """People, organisations and places of one story, most mentioned first."""
        entities: list[dict[str, Any]] = load_story(_store(request), story_id)["entities"]
        return entities

    @app.get("/api/articles", tags=["articles"])
    def list_articles(
        request: Request, outlet: str | None = None, limit: Limit = 50, offset: Offset = 0
    ) -> list[dict[str, Any]]:
        """Articles, newest ingested first (reference fields only)."""
        found = _store(request).find_articles(outlet or None, limit, offset)
        return [render.article_ref_json(a) for a in found]

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def get_article(request: Request, article_id: str) -> dict[str, Any]:
        """One article: metadata, clean text, paragraphs, removed boilerplate with its rule."""
        store = _store(request)
        found = store.article(article_id)
        return render.article_json(found, store.story_of(found.id))

    @app.get("/api/outlets", tags=["articles"])
    def list_outlets(request: Request) -> list[dict[str, Any]]:
        """Every named outlet with its number of stored articles."""
        counts = _store(request).outlet_counts()
        return [{"name": name, "article_count": n} for name, n in counts]

    @app.get("/api/search", tags=["search"])
    def search(request: Request, q: Annotated[str, Query(min_length=1)], limit: Limit = 20) -> Any:
        """Full-text search (FTS5) over article titles and bodies; all words must occur."""
        return render.search_json(_store(request).search(q, limit))

    @app.post("/api/articles", tags=["articles"], status_code=200)
    async def post_articles(
        request: Request,
        outlet: str | None = None,
        published: str | None = None,
        url: str | None = None,
    ) -> JSONResponse:
        """Ingest one article or a batch (JSONL, a JSON object or array, HTML or plain text).

        Needs ``Authorization: Bearer <api_token>``. Answers with the ingest report; 201
        when something new was stored, 422 when every input failed.
        """
        settings: Settings = request.app.state.settings
        check_token(settings.api_token, request.headers.get("authorization"))
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
        data = as_ingest_bytes(bytes(body), request.headers.get("content-type", ""))
        options = {"outlet": outlet or "", "published": published or "", "url": url or ""}
        stores: StoreSource = request.app.state.stores
        report = await run_in_threadpool(ingest_bytes, data, stores, settings, options)
        result = render.ingest_json(report)
        if not report.stored and not report.duplicates:
            raise ApiError(422, "no article could be ingested", result)
        return JSONResponse(result, status_code=201 if report.stored else 200)


def check_token(expected: str, authorization: str | None) -> None:
    """Refuse a write unless a token is configured and the bearer token matches it."""
    if not expected:
        raise ApiError(403, "writes are disabled: no api_token is configured on the server")
    scheme, _, given = (authorization or "").partition(" ")
    challenge = {"WWW-Authenticate": "Bearer"}
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "missing bearer token (Authorization: Bearer TOKEN)", None, challenge)
    # compare_digest takes time independent of where the strings differ.
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(401, "wrong bearer token", None, challenge)


def as_ingest_bytes(body: bytes, content_type: str) -> bytes:
    """A request body as `storyline ingest -` reads it: a JSON object or array becomes JSONL."""
    if "json" in content_type.lower() and body.lstrip()[:1] in (b"{", b"["):
        try:
            parsed = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return body  # maybe JSONL already; the reader reports bad lines by number
        items = parsed if isinstance(parsed, list) else [parsed]
        return "\n".join(json.dumps(i, ensure_ascii=False) for i in items).encode()
    return body


def ingest_bytes(
    data: bytes, stores: StoreSource, settings: Settings, options: dict[str, str]
) -> pipeline.IngestReport:
    """Ingest one request body through the pipeline, one write at a time in this process."""
    with stores.write_lock, SQLiteStore(stores.path) as store:
        return pipeline.ingest(["-"], store, settings, options, stdin=io.BytesIO(data))
