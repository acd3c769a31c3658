"""Security of the API and CLI: token checks, size limits, no secrets in any output, no fetching.

The XSS corpus in a browser is tests/test_xss_browser.py; the OpenAPI conformance run is
tests/test_api_schema.py; security headers are tests/test_security_headers.py.
"""

from __future__ import annotations

import hmac
import http.server
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLES, FIXTURES, ROOT
from storebackends import postgres_url
from storyline import pipeline
from storyline.app.api import create_app
from storyline.app.schemas import FIELD_LIMITS
from storyline.errors import ServiceError
from storyline.settings import Settings, redact_url, shown
from storyline.store import SQLiteStore

TOKEN = "tok-4f1c9a77e2b5-SECRET"
ARTICLE = (FIXTURES / "harborledger.trade-deal.txt").read_text(encoding="utf-8")


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    """An empty store behind an app with a token and a 20 kB body limit."""
    app = create_app(
        Settings(db=str(tmp_path / "s.db"), api_token=TOKEN, api_max_request_bytes=20_000)
    )
    with TestClient(app) as client:
        yield client


def _count(client: TestClient) -> int:
    return len(client.get("/api/articles", params={"limit": 500}).json())


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- the token --------------------------------------------------------------------------


def test_the_token_is_compared_in_constant_time(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every check goes through hmac.compare_digest (never ==), with the bytes of both."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)  # the module api.py calls
    wrong = app_client.post("/api/articles", content=b"x", headers=_auth(TOKEN[:-1] + "X"))
    assert wrong.status_code == 401
    right = app_client.post("/api/articles", json={"text": ARTICLE}, headers=_auth())
    assert right.status_code == 201, right.text
    assert calls == [((TOKEN[:-1] + "X").encode(), TOKEN.encode()), (TOKEN.encode(),) * 2]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        f"Basic {TOKEN}",
        f"Token {TOKEN}",
        f"Bearer {TOKEN[:-1]}",  # a prefix
        f"Bearer {TOKEN}x",  # one character more
        f"Bearer {TOKEN.upper()}",
        f"Bearer {TOKEN} {TOKEN}",
        "Bearer \u00e9t\u00e9".encode(),  # non-ASCII must not crash the comparison
    ],
)
def test_wrong_or_missing_tokens_are_refused(
    app_client: TestClient, authorization: str | bytes | None
) -> None:
    headers: Any = {} if authorization is None else {"Authorization": authorization}
    response = app_client.post("/api/articles", json={"text": ARTICLE}, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"
    assert TOKEN not in response.text
    assert _count(app_client) == 0


def test_no_token_configured_refuses_every_write(tmp_path: Path) -> None:
    app = create_app(Settings(db=str(tmp_path / "s.db")))
    with TestClient(app) as client:
        for headers in ({}, _auth(""), _auth("anything"), _auth(TOKEN)):
            response = client.post("/api/articles", json={"text": ARTICLE}, headers=headers)
            assert response.status_code == 403, response.text
            assert response.json()["error"]["code"] == "forbidden"
        assert _count(client) == 0


# -- size limits ------------------------------------------------------------------------


@pytest.mark.parametrize("field", sorted(FIELD_LIMITS))
def test_each_metadata_field_has_a_limit(app_client: TestClient, field: str) -> None:
    limit = FIELD_LIMITS[field]
    over = {"text": ARTICLE, field: "x" * (limit + 1)}
    response = app_client.post("/api/articles", json=over, headers=_auth())
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"] == [
        {"where": f"body[0].{field}", "problem": f"longer than {limit} characters"}
    ]
    assert _count(app_client) == 0


def test_limits_apply_to_arrays_and_jsonl_and_exact_limits_pass(app_client: TestClient) -> None:
    long_title = "T" * (FIELD_LIMITS["title"] + 1)
    batch = [{"text": ARTICLE}, {"text": ARTICLE + " More.", "title": long_title}]
    refused = app_client.post("/api/articles", json=batch, headers=_auth())
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["where"] == "body[1].title"
    lines = "\n".join(json.dumps(b) for b in batch).encode()
    headers = {**_auth(), "Content-Type": "application/x-ndjson"}
    refused = app_client.post("/api/articles", content=lines, headers=headers)
    assert refused.status_code == 422
    too_long = app_client.post(
        "/api/articles",
        params={"outlet": "o" * (FIELD_LIMITS["outlet"] + 1)},
        content=ARTICLE.encode(),
        headers=_auth(),
    )
    assert too_long.status_code == 422
    assert too_long.json()["error"]["details"][0]["where"] == "query.outlet"
    assert _count(app_client) == 0
    exact = {"text": ARTICLE, "title": "T" * FIELD_LIMITS["title"], "outlet": "Harbor Ledger"}
    stored = app_client.post("/api/articles", json=exact, headers=_auth())
    assert stored.status_code == 201, stored.text
    assert _count(app_client) == 1


def test_streamed_body_over_the_limit_is_refused(app_client: TestClient) -> None:
    """No Content-Length (chunked): the limit is enforced while the body streams in."""

    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b"word " * 200  # 1 kB each, 30 kB in all

    response = app_client.post("/api/articles", content=chunks(), headers=_auth())
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "too_large"
    assert _count(app_client) == 0


@pytest.mark.parametrize(
    "path",
    ["/api/stories?offset=10000000000000000000", "/api/articles?offset=99999999999999999999"],
)
def test_huge_offsets_are_refused_not_crashes(app_client: TestClient, path: str) -> None:
    """Found by schemathesis: an offset past SQLite's 64-bit integers was a 500."""
    response = app_client.get(path)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    page = app_client.get("/?page=10000000000000000000")
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")


# -- secrets never shown ----------------------------------------------------------------

PG_PASSWORD = "pgpw-77aa-SECRET"
URL_PASSWORD = "urlpw-91bb-SECRET"
KEY = "sk-abstractive-5d3e-SECRET"
SECRETS = (TOKEN, PG_PASSWORD, URL_PASSWORD, KEY)
# The CLI with every logger at DEBUG, so library log lines are checked too.
CLI = (
    "import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stderr); "
    "from storyline.app.cli import app; app(prog_name='storyline')"
)


def _env(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    env.update(
        STORYLINE_DB=db,
        STORYLINE_API_TOKEN=TOKEN,
        STORYLINE_ABSTRACTIVE_KEY=KEY,
        STORYLINE_ABSTRACTIVE_URL=f"http://storyline:{URL_PASSWORD}@127.0.0.1:9/v1",
        STORYLINE_ABSTRACTIVE_MODEL="none",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def _cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    return done.returncode, done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _serve_and_poke(env: dict[str, str]) -> str:
    """`storyline serve` started, written to with a wrong and the right token, stopped."""
    import httpx

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", CLI, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(base + "/api/outlets", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        answers = [
            httpx.post(base + "/api/articles", content=b"x", headers=_auth("wrong")),
            httpx.post(base + "/api/articles", content=b"x"),
            httpx.post(
                base + "/api/articles", json={"text": ARTICLE}, headers=_auth(), timeout=120
            ),
            httpx.get(base + "/api/articles/nope"),
            httpx.get(base + "/openapi.json"),
        ]
        assert [a.status_code for a in answers] == [401, 401, 201, 404, 200]
        replies = "\n".join(f"{a.headers}\n{a.text}" for a in answers)
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    return output + replies


def test_no_secret_reaches_any_output(tmp_path: Path) -> None:
    """Token, PostgreSQL password, endpoint password and key in every command's output."""
    sqlite = _env(str(tmp_path / "s.db"))
    pg_url = _env(f"postgresql://storyline:{PG_PASSWORD}@127.0.0.1:{_free_port()}/news")
    pg_query = _env(f"postgresql://127.0.0.1:{_free_port()}/news?password={PG_PASSWORD}")
    missing = str(tmp_path / "missing.txt")
    outputs: dict[str, tuple[int, str]] = {
        "settings": _cli(pg_url, "settings"),
        "ingest": _cli(sqlite, "ingest", "--quiet", "--workers", "1", str(EXAMPLES), missing),
        "ingest-pg": _cli(pg_url, "ingest", "--quiet", str(EXAMPLES)),
        "stories-pg": _cli(pg_query, "stories"),
        "settings-bad": _cli({**sqlite, "STORYLINE_SUMMARY_WORDS": "many"}, "settings"),
    }
    with SQLiteStore(tmp_path / "s.db") as store:
        story = store.stories(1, 0)[0].id
    outputs["show-abstractive"] = _cli(sqlite, "show", story, "--abstractive")
    outputs["serve"] = (0, _serve_and_poke(sqlite))  # after the ingest: the store has stories
    for name, (_, text) in outputs.items():
        for secret in SECRETS:
            assert secret not in text, (name, secret, text[-2000:])
    # the runs did what they should, and the redaction is visible where a secret was named
    assert outputs["ingest"][0] == 1 and "missing.txt" in outputs["ingest"][1]  # one bad input
    settings_out = outputs["settings"][1]
    assert "api_token = '***'" in settings_out and "abstractive_key = '***'" in settings_out
    assert "postgresql://storyline:***@127.0.0.1" in settings_out
    assert "http://storyline:***@127.0.0.1:9/v1" in settings_out
    assert outputs["ingest-pg"][0] == 1 and "storyline:***@" in outputs["ingest-pg"][1]
    assert outputs["stories-pg"][0] == 1 and "password=***" in outputs["stories-pg"][1]
    assert outputs["settings-bad"][0] == 1
    failed = outputs["show-abstractive"]  # the endpoint is unreachable: an error naming it
    assert failed[0] == 1 and "http://storyline:***@127.0.0.1:9/v1" in failed[1], failed


def test_serving_postgres_shows_no_password() -> None:
    """`storyline serve` over PostgreSQL: its startup line and answers hide the password."""
    for url in postgres_url():  # skips without a server (make test runs one)
        assert url.startswith("postgresql://postgres@")
        with_password = url.replace("postgres@", f"postgres:{PG_PASSWORD}@", 1)
        output = _serve_and_poke(_env(with_password))
        assert "Serving postgresql://postgres:***@127.0.0.1" in output, output
        for secret in SECRETS:
            assert secret not in output


def test_settings_repr_and_redaction_helpers() -> None:
    settings = Settings(api_token=TOKEN, abstractive_key=KEY)
    assert TOKEN not in repr(settings) and KEY not in repr(settings)
    assert shown("api_token", TOKEN) == "***" and shown("api_token", "") == ""
    assert shown("db", f"postgresql://u:{PG_PASSWORD}@h/db") == "postgresql://u:***@h/db"
    assert redact_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert redact_url(f"postgresql://h/db?a=1&PASSWORD={PG_PASSWORD}&b=2") == (
        "postgresql://h/db?a=1&PASSWORD=***&b=2"
    )
    assert redact_url("http://[::1:bad@x") == "***"  # unparseable with a user part


def test_abstractive_errors_name_the_endpoint_without_its_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from storyline.story.abstractive import _chat

    caplog.set_level(logging.DEBUG)
    for url in (
        f"http://storyline:{URL_PASSWORD}@127.0.0.1:{_free_port()}/v1",
        f"http://storyline:{URL_PASSWORD}@127.0.0.1:notaport/v1",
    ):
        settings = Settings(abstractive_url=url, abstractive_key=KEY, abstractive_timeout=2)
        with pytest.raises(ServiceError) as caught:
            _chat(settings, "prompt")
        message = f"{caught.value} {caught.value.source} {caught.value.reason}"
        assert "storyline:***@127.0.0.1" in message
        for secret in SECRETS:
            assert secret not in message and secret not in caplog.text


# -- no URL is ever fetched -------------------------------------------------------------


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body><p>fetched</p></body></html>")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def _hostile_links(folder: Path, base: str) -> None:
    """Inputs whose every link, resource, DTD and entity points at the loopback server."""
    resources = (
        f'<img src="{base}/img.png"><iframe src="{base}/frame"></iframe>'
        f'<script src="{base}/s.js"></script><link rel="stylesheet" href="{base}/c.css">'
        f'<video poster="{base}/poster.jpg"></video><object data="{base}/obj"></object>'
    )
    body = " ".join(["The port reopened on Monday after a long strike by dock workers."] * 8)
    (folder / "page.html").write_text(
        "<!DOCTYPE html><html><head><title>Port reopens</title>"
        f'<base href="{base}/base/"><link rel="canonical" href="{base}/canonical">'
        f'<meta property="og:image" content="{base}/og.jpg">'
        f'<meta http-equiv="refresh" content="0;url={base}/refresh">'
        f"</head><body><article><h1>Port reopens</h1>{resources}<p>{body}</p>"
        f'<p><a href="{base}/more">More</a> {body}</p></article></body></html>',
        encoding="utf-8",
    )
    item = (
        f"<item><title>Strike ends</title><link>{base}/news/strike-ends</link>"
        f'<enclosure url="{base}/audio.mp3" type="audio/mpeg"/>'
        f"<description>{' '.join([body] * 3)}</description></item>"
    )
    (folder / "links.rss").write_text(
        '<?xml version="1.0"?>'
        f'<!DOCTYPE rss SYSTEM "{base}/external.dtd">'
        f'<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel>'
        f"<title>Harbor Wire</title><link>{base}/</link>"
        f'<xi:include href="{base}/xinclude"/>{item}</channel></rss>',
        encoding="utf-8",
    )
    (folder / "xxe.rss").write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{base}/xxe">]>'
        f"<rss><channel><title>&x;</title>{item}</channel></rss>",
        encoding="utf-8",
    )
    (folder / "links.jsonl").write_text(
        json.dumps(
            {
                "url": f"{base}/story",
                "outlet": "Wire",
                "html": "<html><body>"
                f"<article><h1>Docks</h1>{resources}<p>{body} Cranes moved.</p></article>"
                "</body></html>",
            }
        )
        + "\n"
        + json.dumps({"url": f"{base}/plain", "text": f"{body} See {base}/x for more."})
        + "\n",
        encoding="utf-8",
    )


def test_nothing_fetches_the_urls_in_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest and every page: no request reaches the loopback server, no socket connects.

    The only network use in Storyline is the optional abstractive endpoint, which the
    operator configures (abstractive_url); nothing taken from an article is ever fetched.
    """
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Counter.hits = []
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    _hostile_links(inputs, base)
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def watched(self: socket.socket, address: Any) -> Any:
        attempts.append(address)
        return real_connect(self, address)

    db = tmp_path / "s.db"
    try:
        monkeypatch.setattr(socket.socket, "connect", watched)
        with SQLiteStore(db) as store:
            report = pipeline.ingest([str(inputs)], store, Settings(db=str(db)), workers=1)
        assert len(report.stored) >= 4, (report.stored, report.failures)
        with TestClient(create_app(Settings(db=str(db)))) as client:
            paths = ["/", "/search?q=port", "/api/stories", "/api/articles"]
            paths += [f"/articles/{a.id}" for a in report.stored]
            paths += [f"/stories/{s}" for s in report.stories]
            for path in paths:
                assert client.get(path).status_code == 200, path
        monkeypatch.undo()
        assert attempts == []
        assert _Counter.hits == []
        # the server was reachable all along: the count of zero is not for want of a server
        import httpx

        assert httpx.get(base + "/probe").status_code == 200
        assert _Counter.hits == ["/probe"]
    finally:
        server.shutdown()
        server.server_close()
