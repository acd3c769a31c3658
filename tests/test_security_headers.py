"""Security headers on every response of the app: pages, JSON, static files and errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from conftest import FIXTURES
from storyline.app.api import PAGE_CSP, create_app
from storyline.settings import Settings
from webfixtures import QUARTZ, build_store

TOKEN = "token-for-header-tests"
COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds plus the XSS fixture, built once for the module."""
    return build_store(tmp_path_factory.mktemp("headers") / "h.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    """A writable client with a small body limit and two routes that crash on purpose."""
    app = create_app(Settings(db=str(db), api_token=TOKEN, api_max_request_bytes=20_000))

    def boom() -> None:
        raise RuntimeError("crash on purpose")

    app.add_api_route("/api/crash", boom, include_in_schema=False)
    app.add_api_route("/crash", boom, include_in_schema=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _secured(response: object, *, page: bool) -> None:
    """Every header is present; pages get the page CSP, the rest a CSP that loads nothing."""
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in COMMON.items():
        assert headers.get(name) == value, (name, response)
    assert len(headers.get_list("content-security-policy")) == 1
    csp = headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert "script-src" not in directives  # no script may run anywhere
    if page:
        assert csp == PAGE_CSP
        assert directives["style-src"] == ["'self'"]  # no 'unsafe-inline'
    else:
        assert set(directives) == {"default-src", "base-uri", "form-action", "frame-ancestors"}


PAGES = [
    ("/", 200),
    ("/?outlet=Quartz", 200),
    ("/search?q=trade", 200),
    ("/search", 200),
    (f"/articles/{QUARTZ}", 200),
    ("/articles/nope", 404),
    ("/stories/nope", 404),
    ("/no-such-page", 404),
    ("/?page=0", 422),
    ("/crash", 500),
]
API = [
    ("/api/stories", 200),
    ("/api/articles", 200),
    (f"/api/articles/{QUARTZ}", 200),
    ("/api/outlets", 200),
    ("/api/search?q=trade", 200),
    ("/openapi.json", 200),
    ("/api/stories/nope", 404),
    ("/api/stories/nope/quotes", 404),
    ("/api/stories/nope/entities", 404),
    ("/api/articles/nope", 404),
    ("/api/stories?limit=0", 422),
    ("/api/nothing-here", 404),
    ("/api/crash", 500),
    ("/static/style.css", 200),
    ("/static/missing.css", 404),
    ("/static/%2e%2e/api.py", 404),
]


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_pages_carry_the_page_policy(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    _secured(response, page=True)


@pytest.mark.parametrize(("path", "status"), API)
def test_api_and_static_carry_the_strict_policy(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    _secured(response, page=False)


def test_story_routes_and_their_pages(client: TestClient) -> None:
    story = client.get("/api/stories").json()[0]["id"]
    for path in (f"/api/stories/{story}", f"/api/stories/{story}/quotes"):
        _secured(client.get(path), page=False)
    _secured(client.get(f"/api/stories/{story}/entities"), page=False)
    page = client.get(f"/stories/{story}")
    assert page.status_code == 200
    _secured(page, page=True)


def test_writes_and_refusals_carry_them(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    refused = [
        client.post("/api/articles", content=b"text"),  # no token: 401
        client.post("/api/articles", content=b"text", headers={"Authorization": "Bearer x"}),
        client.post("/api/articles", content=b"x" * 30_000, headers=auth),  # 413 by header
        client.delete("/api/articles"),  # 405
        client.post("/", content=b"x"),  # 405 on a page
    ]
    assert [r.status_code for r in refused] == [401, 401, 413, 405, 405]
    for response in refused[:-1]:
        _secured(response, page=False)
    _secured(refused[-1], page=True)
    text = (FIXTURES / "harborledger.trade-deal.txt").read_text(encoding="utf-8")
    article = {"outlet": "Harbor Ledger", "published": "2019-05-02", "text": text}
    stored = client.post("/api/articles", json=article, headers=auth)
    assert stored.status_code == 201, stored.text
    _secured(stored, page=False)


def test_every_route_is_covered(client: TestClient) -> None:
    """A new route must be added to the lists above (its headers then get checked)."""
    app = client.app
    covered = {p.split("?")[0] for p, _ in PAGES + API} | {"/api/articles"}
    covered |= {"/stories/{story_id}", "/articles/{article_id}", "/api/articles/{article_id}"}
    covered |= {f"/api/stories/{{story_id}}{tail}" for tail in ("", "/quotes", "/entities")}
    for route in app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute):
            assert route.path in covered, route.path
        elif isinstance(route, Mount):
            assert route.path == "/static"
