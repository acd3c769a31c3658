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
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
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
from ..store import SQLiteStore, StoryFilter, open_store
from ..store.postgres import is_postgres_url
from . import render, schemas
from .pages import story_json_bytes

STATIC = Path(__file__).resolve().parent / "static"
MAX_PAGE = 500
MAX_OFFSET = 10**12  # far beyond any store, and within SQLite's 64-bit integers

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
    """Hands each thread its own read connection to one store (an SQLite file or a
    ``postgresql://`` URL): sqlite3 objects are bound to the thread that made them, and a
    psycopg connection runs one statement at a time. WAL (SQLite) and MVCC (PostgreSQL)
    let them read while a writer works."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.local = not is_postgres_url(path)  # a file on this machine (SQLite)
        self._local = threading.local()
        self._opened: list[tuple[int, SQLiteStore]] = []  # (opening thread, store)
        self._opened_lock = threading.Lock()
        self.write_lock = threading.Lock()
        open_store(path).close()  # create and migrate once, and fail early on a bad store

    def get(self) -> SQLiteStore:
        """This thread's store connection."""
        store: SQLiteStore | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.path)
            self._local.store = store
            with self._opened_lock:
                self._opened.append((threading.get_ident(), store))
        return store

    def close(self) -> None:
        """Close the connections that may be closed from this thread (when the server stops):
        every PostgreSQL one, and the SQLite ones this thread opened."""
        from ..store.postgres import PostgresStore

        with self._opened_lock:
            for thread, store in self._opened:
                if isinstance(store, PostgresStore) or thread == threading.get_ident():
                    store.close()
            self._opened.clear()
        self._local = threading.local()


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


@asynccontextmanager
async def _close_stores_at_exit(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.stores.close()


def create_app(settings: Settings) -> FastAPI:
    """The whole HTTP app (API, pages, static files) over the store named in ``settings``."""
    from . import web  # the pages import this module's error helpers

    app = FastAPI(
        title="Storyline",
        summary="News articles from many outlets in, cited and comparable stories out.",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; this runs offline
        redoc_url=None,
        lifespan=_close_stores_at_exit,
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


def app_from_environment() -> FastAPI:
    """The app over the settings of the environment (what `serve --workers N` runs)."""
    return create_app(Settings.load())


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


def documented(model: Any, *errors: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of a route: its success model and the one error shape per status."""
    statuses = sorted({400, 422, 500, 503, *errors})
    found: dict[int | str, dict[str, Any]] = {200: {"model": model, "description": "Success"}}
    for status in statuses:
        found[status] = {"model": schemas.ErrorBody, "description": _CODES[status]}
    return found


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="How many items.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items.")]
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
    @app.get(
        "/api/stories",
        tags=["stories"],
        response_model=None,
        responses=documented(list[schemas.StoryRowOut]),
    )
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

    @app.get(
        "/api/stories/{story_id}",
        tags=["stories"],
        response_model=None,
        responses=documented(schemas.StoryOut, 404),
    )
    def get_story(request: Request, story_id: str) -> Response:
        """One story: cited summary, articles, quotes, entities (and comparison when built)."""
        # Already plain JSON types: skip FastAPI's jsonable_encoder walk (half the request's CPU),
        # and encoded as the JSON stored at build time (which the server sends when current).
        data = story_json_bytes(load_story(_store(request), story_id))
        return Response(data, media_type="application/json")

    @app.get(
        "/api/stories/{story_id}/quotes",
        tags=["stories"],
        response_model=None,
        responses=documented(list[schemas.QuoteOut], 404),
    )
    def get_quotes(request: Request, story_id: str) -> JSONResponse:
        """Who said what in one story: merged quotes with each article's wording."""
        return JSONResponse(load_story(_store(request), story_id)["quotes"])

    @app.get(
        "/api/stories/{story_id}/entities",
        tags=["stories"],
        response_model=None,
        responses=documented(list[schemas.EntityOut], 404),
    )
    def get_entities(request: Request, story_id: str) -> JSONResponse:
        """People, organisations and places of one story, most mentioned first."""
        return JSONResponse(load_story(_store(request), story_id)["entities"])

    @app.get(
        "/api/articles",
        tags=["articles"],
        response_model=None,
        responses=documented(list[schemas.ArticleRefOut]),
    )
    def list_articles(
        request: Request, outlet: str | None = None, limit: Limit = 50, offset: Offset = 0
    ) -> list[dict[str, Any]]:
        """Articles, newest ingested first (reference fields only)."""
        found = _store(request).find_articles(outlet or None, limit, offset)
        return [render.article_ref_json(a) for a in found]

    @app.get(
        "/api/articles/{article_id}",
        tags=["articles"],
        response_model=None,
        responses=documented(schemas.ArticleOut, 404),
    )
    def get_article(request: Request, article_id: str) -> dict[str, Any]:
        """One article: metadata, clean text, paragraphs, removed boilerplate with its rule."""
        store = _store(request)
        found = store.article(article_id)
        return render.article_json(found, store.story_of(found.id))

    @app.get(
        "/api/outlets",
        tags=["articles"],
        response_model=None,
        responses=documented(list[schemas.OutletOut]),
    )
    def list_outlets(request: Request) -> list[dict[str, Any]]:
        """Every named outlet with its number of stored articles."""
        counts = _store(request).outlet_counts()
        return [{"name": name, "article_count": n} for name, n in counts]

    @app.get(
        "/api/search",
        tags=["search"],
        response_model=None,
        responses=documented(list[schemas.SearchHitOut]),
    )
    def search(request: Request, q: Annotated[str, Query(min_length=1)], limit: Limit = 20) -> Any:
        """Full-text search (FTS5) over article titles and bodies; all words must occur."""
        return render.search_json(_store(request).search(q, limit))

    ingested = {"model": schemas.IngestOut, "description": "Something new was stored"}

    @app.post(
        "/api/articles",
        tags=["articles"],
        status_code=200,
        response_model=None,
        responses={**documented(schemas.IngestOut, 401, 403, 413), 201: ingested},
        openapi_extra={"requestBody": schemas.ingest_request_body()},
    )
    async def post_articles(
        request: Request,
        outlet: Annotated[str | None, Query(max_length=schemas.FIELD_LIMITS["outlet"])] = None,
        published: Annotated[
            str | None, Query(max_length=schemas.FIELD_LIMITS["published"])
        ] = None,
        url: Annotated[str | None, Query(max_length=schemas.FIELD_LIMITS["url"])] = None,
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
        content_type = request.headers.get("content-type", "")
        check_fields(bytes(body), content_type)
        data = as_ingest_bytes(bytes(body), content_type)
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


def check_fields(body: bytes, content_type: str) -> None:
    """Refuse (422) a JSON or JSONL body with a metadata field over its limit."""
    if "json" not in content_type.lower():
        return
    items: list[Any] = []
    try:
        parsed = json.loads(body)
        items = parsed if isinstance(parsed, list) else [parsed]
    except (UnicodeDecodeError, ValueError, RecursionError):
        for line in body.splitlines():  # JSONL; bad lines are the reader's to report
            try:
                items.append(json.loads(line))
            except (UnicodeDecodeError, ValueError, RecursionError):
                continue
    problems = [
        {"where": f"body[{n}].{key}", "problem": f"longer than {limit} characters"}
        for n, item in enumerate(items)
        if isinstance(item, dict)
        for key, limit in schemas.FIELD_LIMITS.items()
        if isinstance(item.get(key), str) and len(item[key]) > limit
    ]
    if problems:
        text = "; ".join(f"{p['where']}: {p['problem']}" for p in problems[:5])
        raise ApiError(422, f"invalid request: {text}", problems)


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
    with stores.write_lock, open_store(stores.path) as store:
        return pipeline.ingest(["-"], store, settings, options, stdin=io.BytesIO(data))
