"""The JSON API in-process (ASGI client): every endpoint, the error shape, token, size limit.

Every test runs on both backends: an SQLite file and a PostgreSQL schema (skipped without a
server; ``make test`` starts one, see storebackends.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLES, FIXTURES
from storyline import errors
from storyline.app import render
from storyline.app.api import app_from_environment, create_app, error_body, status_of
from storyline.settings import Settings
from storyline.store import open_store
from webfixtures import BACKENDS, web_store

TOKEN = "s3cret-token-for-tests"
QUARTZ = "ec4af75bb05d79b2"
VANITY_FAIR = "939df40f80c64eb9"
ERROR_KEYS = {"status", "code", "message", "details"}


@pytest.fixture(scope="module", params=BACKENDS)
def seeded_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A store holding the two seed articles (one story), built once for the module."""
    yield from web_store(request.param, tmp_path_factory.mktemp("api"), (EXAMPLES,))


@pytest.fixture(scope="module")
def client(seeded_db: str) -> Iterator[TestClient]:
    """A read-mostly client over the seeded store (writes refused: no token configured)."""
    app = create_app(Settings(db=str(seeded_db), api_max_request_bytes=2000))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def writable(seeded_db: str, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a private store like the seeded one (same backend), with a write token."""
    kind = "postgresql" if seeded_db.startswith("postgresql:") else "sqlite"
    for db in web_store(kind, tmp_path, (EXAMPLES,)):
        app = create_app(Settings(db=db, api_token=TOKEN, api_max_request_bytes=200_000))
        with TestClient(app, raise_server_exceptions=False) as c:
            yield c


def _error(response: Any, status: int) -> dict[str, Any]:
    """Check the one JSON error shape and return its inner object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def _story_id(client: TestClient) -> str:
    return str(client.get("/api/stories").json()[0]["id"])


def test_story_list_matches_the_cli_shape_and_counts(client: TestClient, seeded_db: str) -> None:
    response = client.get("/api/stories")
    assert response.status_code == 200
    assert response.headers["x-total-count"] == "1"
    with open_store(seeded_db) as store:
        expected = [render.story_row_json(r) for r in store.stories()]
    assert response.json() == expected
    assert expected[0]["outlets"] == ["Quartz", "Vanity Fair"]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"outlet": "Quartz"}, 1),
        ({"outlet": "The Atlantic"}, 0),
        ({"entity": "kim jong un"}, 1),
        ({"entity": "Kim"}, 1),  # an alias
        ({"entity": "Angela Merkel"}, 0),
        ({"q": "sanctions lunch"}, 1),
        ({"q": "sanctions platypus"}, 0),
        ({"since": "2019-02-28", "until": "2019-02-28"}, 1),
        ({"since": "2019-03-01"}, 0),
        ({"until": "2019-02-27"}, 0),
        ({"offset": 1}, 1),  # the total ignores paging
    ],
)
def test_story_filters(client: TestClient, params: dict[str, Any], count: int) -> None:
    response = client.get("/api/stories", params=params)
    assert response.status_code == 200
    assert response.headers["x-total-count"] == str(count)
    expect_rows = 0 if "offset" in params else count
    assert len(response.json()) == expect_rows


def test_one_story_quotes_and_entities(client: TestClient, seeded_db: str) -> None:
    story_id = _story_id(client)
    story = client.get(f"/api/stories/{story_id[:6]}").json()
    with open_store(seeded_db) as store:
        built = store.story(story_id)
        articles = {a.id: a for a in store.articles(built.article_ids)}
    assert story == render.story_json(built, articles)
    first = story["summary"][0]["citations"][0]
    text = client.get(f"/api/articles/{first['article_id']}").json()["text"]
    assert text[first["start"] : first["end"]] == story["summary"][0]["text"]
    quotes = client.get(f"/api/stories/{story_id}/quotes").json()
    assert quotes == story["quotes"]
    walk = [q for q in quotes if "Sometimes you have to walk" in q["text"]]
    assert walk and set(walk[0]["article_ids"]) == {QUARTZ, VANITY_FAIR}
    entities = client.get(f"/api/stories/{story_id}/entities").json()
    assert entities == story["entities"]
    assert "Donald Trump" in {e["name"] for e in entities}


def test_articles_list_one_article_outlets_and_search(client: TestClient) -> None:
    listed = client.get("/api/articles").json()
    assert {a["id"] for a in listed} == {QUARTZ, VANITY_FAIR}
    assert set(listed[0]) == {"id", "title", "outlet", "published", "url", "source"}
    only = client.get("/api/articles", params={"outlet": "Vanity Fair"}).json()
    assert [a["id"] for a in only] == [VANITY_FAIR]
    article = client.get(f"/api/articles/{VANITY_FAIR}").json()
    assert article["story_id"] == _story_id(client)
    assert {"text": "More Great Stories from Vanity Fair", "rule": "promo-list"} in article[
        "removed"
    ]
    assert client.get("/api/outlets").json() == [
        {"name": "Quartz", "article_count": 1},
        {"name": "Vanity Fair", "article_count": 1},
    ]
    hits = client.get("/api/search", params={"q": "Jean Lee"}).json()
    assert [h["article_id"] for h in hits] == [VANITY_FAIR]
    assert set(hits[0]) == {"article_id", "title", "outlet", "story_id", "snippet"}


def test_openapi_lists_every_api_path_and_no_page(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert paths == {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/stories/{story_id}/quotes",
        "/api/stories/{story_id}/entities",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/outlets",
        "/api/search",
    }


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/stories/ffffffff", 404, "not_found"),
        ("GET", "/api/articles/nope", 404, "not_found"),
        ("GET", "/api/stories/ffffffff/quotes", 404, "not_found"),
        ("GET", "/api/no-such-thing", 404, "not_found"),
        ("GET", "/api/stories?limit=0", 422, "invalid_request"),
        ("GET", "/api/stories?limit=many", 422, "invalid_request"),
        ("GET", "/api/stories?since=yesterday", 422, "invalid_request"),
        ("GET", "/api/search", 422, "invalid_request"),
        ("DELETE", "/api/stories", 405, "method_not_allowed"),
    ],
)
def test_every_error_has_one_shape(
    client: TestClient, method: str, path: str, status: int, code: str
) -> None:
    assert _error(client.request(method, path), status)["code"] == code


def test_not_found_names_the_kind_and_id(client: TestClient) -> None:
    error = _error(client.get("/api/articles/nope"), 404)
    assert error["details"] == {"kind": "article", "id": "nope"}
    assert "nope" in error["message"]


def test_writes_are_refused_without_a_configured_token(client: TestClient) -> None:
    response = client.post(
        "/api/articles", content=b"x", headers={"Authorization": "Bearer anything"}
    )
    assert "no api_token" in _error(response, 403)["message"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"],
)
def test_writes_need_the_right_bearer_token(writable: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = writable.post("/api/articles", content=b"some text", headers=headers)
    _error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert writable.get("/api/stories").headers["x-total-count"] == "1"


def test_request_size_limit(client: TestClient, writable: TestClient, seeded_db: str) -> None:
    big = b"word " * 1000  # 5000 bytes, over the 2000-byte limit of `client`
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert "limit of 2000" in _error(client.post("/api/articles", content=big), 413)["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies as it streams
        yield from (big[i : i + 500] for i in range(0, len(big), 500))

    small = create_app(Settings(db=str(seeded_db), api_token=TOKEN, api_max_request_bytes=2000))
    with TestClient(small, raise_server_exceptions=False) as streaming:
        response = streaming.post("/api/articles", content=chunks(), headers=auth)
        assert "limit of 2000" in _error(response, 413)["message"]
        assert streaming.get("/api/stories").headers["x-total-count"] == "1"
    # the same body under the limit is not refused for its size (wrong token: 401)
    wrong = {"Authorization": "Bearer wrong"}
    assert writable.post("/api/articles", content=big, headers=wrong).status_code == 401


def test_post_one_article_as_json_then_the_same_again(writable: TestClient) -> None:
    text = (FIXTURES / "harborledger.trade-deal.txt").read_text(encoding="utf-8")
    article = {"outlet": "Harbor Ledger", "published": "2019-05-02", "text": text}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = writable.post("/api/articles", json=article, headers=auth)
    assert response.status_code == 201, response.text
    report = response.json()
    assert set(report) == {"stored", "duplicates", "failures", "stories"}
    assert len(report["stored"]) == 1 and report["stored"][0]["outlet"] == "Harbor Ledger"
    new_id = report["stored"][0]["id"]
    assert writable.get(f"/api/articles/{new_id}").json()["published"] == "2019-05-02"
    again = writable.post("/api/articles", json=article, headers=auth)
    assert again.status_code == 200
    assert again.json()["duplicates"] == [{"source": "-:1", "id": new_id}]


def test_post_a_batch_with_a_bad_line_stores_the_rest(writable: TestClient) -> None:
    good = (FIXTURES / "wire.port-strike.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps({"outlet": "Wire", "published": "2019-06-01", "text": good}),
        "{not json",
        json.dumps({"outlet": "Wire", "title": "Empty", "text": "   "}),
    ]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = writable.post("/api/articles", content="\n".join(lines).encode(), headers=auth)
    assert response.status_code == 201, response.text
    report = response.json()
    assert len(report["stored"]) == 1
    assert [f["source"] for f in report["failures"]] == ["-:2", "-:3"]
    assert {"name": "Wire", "article_count": 1} in writable.get("/api/outlets").json()


def test_post_plain_text_with_metadata_options_and_all_failing(writable: TestClient) -> None:
    text = (FIXTURES / "gadgetdesk.headphones.txt").read_bytes()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = writable.post(
        "/api/articles",
        content=text,
        params={"outlet": "Gadget Desk", "published": "2020-01-10"},
        headers={**auth, "Content-Type": "text/plain"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["stored"][0]["outlet"] == "Gadget Desk"
    error = _error(writable.post("/api/articles", content=b"   \n", headers=auth), 422)
    assert error["details"]["failures"][0]["reason"].startswith("empty input")


def test_every_error_of_the_tree_maps_to_one_status() -> None:
    expected = {
        "InputError": 400,
        "NotFound": 404,
        "StoreError": 503,
        "ConfigError": 500,
        "ServiceError": 502,
    }
    tree = {
        name: cls
        for name, cls in vars(errors).items()
        if isinstance(cls, type) and issubclass(cls, errors.StorylineError)
    }
    assert set(tree) - {"StorylineError"} <= set(expected), "map the new error in status_of"
    for name, cls in tree.items():
        if name in expected:
            assert status_of(cls.__new__(cls)) == expected[name], name
            assert error_body(expected[name], "m")["error"]["code"] != "error"


def test_worker_processes_build_the_app_from_the_environment(
    seeded_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYLINE_DB", seeded_db)  # what `serve --workers N` hands them
    with TestClient(app_from_environment()) as c:
        assert c.get("/api/stories").headers["x-total-count"] == "1"


def test_serve_fails_early_on_an_unreachable_postgresql_store() -> None:
    url = "postgresql://user:secret@127.0.0.1:9/none?connect_timeout=2"
    with pytest.raises(errors.StoreError, match="cannot open store") as caught:
        create_app(Settings(db=url))
    assert "secret" not in str(caught.value)
